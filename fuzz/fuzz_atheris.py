"""Coverage-guided fuzzing with atheris (when installed): ``convert`` or ``parser`` target.

Run: ``FUZZ_SECONDS=60 .venv/bin/python fuzz/fuzz_atheris.py convert`` (``make fuzz`` runs
both when atheris imports; it is optional, hypothesis targets always run).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import atheris

with atheris.instrument_imports():
    from tui.body import markdown as convert
    from tui.files import parser

from fuzz._common import CONTROL, FUZZ_SECONDS, HTML_TOKENS
from fuzz.fuzz_parser import HEADERS

_TMP = Path(tempfile.mkdtemp()) / "fuzz.md"


def write_dictionary(tokens: list[str]) -> Path:
    """The hypothesis targets' tokens as a libFuzzer dictionary (``-dict=``): the mutator
    splices them in, so coverage grows past the tag soup much sooner than from bytes."""
    lines = []
    for token in tokens:
        quoted = "".join(
            chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else f"\\x{b:02x}"
            for b in token.encode("utf-8")
        )
        lines.append(f'"{quoted}"')
    path = _TMP.with_suffix(".dict")
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def convert_one(data: bytes) -> None:
    html = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    for out in (convert.html_to_markdown(html), convert.html_to_text(html)):
        if CONTROL.search(out):
            raise AssertionError(f"control character from {html[:200]!r}")


def parser_one(data: bytes) -> None:
    _TMP.write_bytes(data)
    article = parser.parse(_TMP)
    if article.ok == bool(article.error):
        raise AssertionError(f"ok/error disagree for {data[:200]!r}")
    for value in (article.title, article.author, article.source, article.url):
        if value and CONTROL.search(value):
            raise AssertionError(f"control character from {data[:200]!r}")


def main() -> None:
    convert_target = sys.argv[1:2] == ["convert"]
    target = convert_one if convert_target else parser_one
    dictionary = write_dictionary(HTML_TOKENS if convert_target else HEADERS)
    atheris.Setup(
        [
            sys.argv[0],
            f"-max_total_time={int(FUZZ_SECONDS)}",
            "-max_len=20000",
            "-timeout=5",
            f"-dict={dictionary}",
        ],
        target,
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
