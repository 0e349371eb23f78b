"""Fuzz ``tui.body.markdown`` with hypothesis for ``FUZZ_SECONDS``: never raises, never
slow (judged against a reference timed in the same run: ``fuzz._common.too_slow``), never
lets a control character or raw HTML through.

Run: ``FUZZ_SECONDS=60 .venv/bin/python fuzz/fuzz_convert.py`` (``make fuzz`` runs all).
Findings become minimal cases in ``tests/unit/body/test_fuzz_regressions.py``.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz._common import CONTROL, FUZZ_SECONDS, HTML_TOKENS, too_slow
from tui.body.markdown import html_to_markdown
from tui.body.text import html_to_text

#: Sequences of tokens, some repeated many times (depth and width attacks).
PIECE = st.one_of(st.sampled_from(HTML_TOKENS), st.text(max_size=30))
HTML = st.one_of(
    st.lists(PIECE, max_size=200).map("".join),
    st.tuples(st.lists(PIECE, min_size=1, max_size=5).map("".join), st.integers(1, 30_000)).map(
        lambda t: t[0] * t[1]
    ),
)


def check(html: str) -> None:
    """The invariants of both conversions for one input."""
    for convert in (html_to_markdown, html_to_text):
        start = time.perf_counter()
        out = convert(html)
        took = time.perf_counter() - start
        assert isinstance(out, str)
        assert not CONTROL.search(out), (convert.__name__, html[:200])
        slow = too_slow(took, partial(convert, html), len(html))
        assert slow is None, (convert.__name__, slow, html[:200])
    md = html_to_markdown(html)
    assert "<script" not in md.lower()


def main() -> int:
    deadline = time.monotonic() + FUZZ_SECONDS
    runs = 0
    while time.monotonic() < deadline:

        @settings(
            max_examples=500,
            deadline=None,
            database=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(HTML)
        def fuzz(html: str) -> None:
            check(html)

        fuzz()
        runs += 500
    print(f"fuzz_convert: {runs} inputs in {FUZZ_SECONDS:.0f}s, no finding")
    return 0


if __name__ == "__main__":
    sys.exit(main())
