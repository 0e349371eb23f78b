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

from fuzz._common import CONTROL, FUZZ_SECONDS

_TMP = Path(tempfile.mkdtemp()) / "fuzz.md"


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
    target = convert_one if sys.argv[1:2] == ["convert"] else parser_one
    atheris.Setup(
        [sys.argv[0], f"-max_total_time={int(FUZZ_SECONDS)}", "-max_len=20000", "-timeout=5"],
        target,
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
