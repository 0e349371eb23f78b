"""Fuzz ``tui.files.parser`` with hypothesis for ``FUZZ_SECONDS``: any bytes in a file give
an Article (listed with clean fields, or reported with a reason), never an exception.

Run: ``FUZZ_SECONDS=60 .venv/bin/python fuzz/fuzz_parser.py`` (``make fuzz`` runs all).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz._common import CONTROL, FUZZ_SECONDS, too_slow
from tui.files.parser import load_body, parse

HEADERS = [
    "---\n", "title: ", "date: ", "categories: [", "tags:\n - ", "link: ", "author: ",
    "&a ", "*a", "!!python/object:os.system", "!!binary ", "'", '"', "[", "{", "\t",
    "<!--", "1641989702000", "-->\n", "[", "](", "https://e.org/x", ")\n", "------\n",
    "\n", "\r\n", "\r", "\ufeff", "\x1b]0;T\x07", "\x9b", "中文", "<p>", "</p>",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=20)), max_size=60).map("".join)
ENCODED = st.tuples(TEXT, st.sampled_from(["utf-8", "utf-16", "utf-16-le", "gb18030"])).map(
    lambda t: t[0].encode(t[1], "replace")
)
DATA = st.one_of(ENCODED, st.binary(max_size=400))


def check(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``; parse it as the app would."""
    path.write_bytes(data)
    start = time.perf_counter()
    article = parse(path, header_only=True)
    full = parse(path)
    took = time.perf_counter() - start
    slow = too_slow(took, lambda: (parse(path, header_only=True), parse(path)), len(data))
    assert slow is None, (slow, data[:200])
    for a in (article, full):
        assert a.ok == (a.error is None)
        for value in (a.title, a.author, a.source, a.url, a.error, *a.categories, *a.tags):
            assert value is None or not CONTROL.search(value), (value, data[:200])
        if not a.ok:
            assert a.error, data[:200]
    assert article.ok == full.ok, data[:200]
    if full.ok:
        body = load_body(article)
        assert not CONTROL.search(body or ""), data[:200]


def main() -> int:
    deadline = time.monotonic() + FUZZ_SECONDS
    runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.md"
        while time.monotonic() < deadline:

            @settings(
                max_examples=500,
                deadline=None,
                database=None,
                phases=[Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            )
            @given(DATA)
            def fuzz(data: bytes) -> None:
                check(path, data)

            fuzz()
            runs += 500
        os.sync()
    print(f"fuzz_parser: {runs} inputs in {FUZZ_SECONDS:.0f}s, no finding")
    return 0


if __name__ == "__main__":
    sys.exit(main())
