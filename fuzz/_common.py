"""Shared by the fuzz targets: the time budget and the invariants every output must hold."""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser

#: Seconds each target runs (``make fuzz`` sets it; 180 by default).
FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "180"))
#: Any C0 control but newline/tab, DEL, or C1 control: none may leave newsdeck.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Under this, one input always passes the time check (the old fixed limit, for a quiet machine).
SLOW_SECONDS = 2.0
#: Over it, an input of n characters is a finding only if it stays slower than this many
#: times the reference workload on n characters (:func:`reference_seconds`), timed in the
#: same run right then. Measured ratios, conversion / reference, at 100 KB and 970 KB of one
#: repeated piece, on 2 cores at load 7: 1.6-10 for most pieces, 23-30 for plain paragraphs
#: (<p>, <br>, <li>), up to 59 for <ul><li>x. A superlinear blow-up at this size is orders of
#: magnitude past it; a machine that is merely busy slows the reference just as much.
SLOW_FACTOR = 100.0
#: The reference never runs on fewer characters than this (its timing would be all noise).
REFERENCE_MIN_CHARS = 100_000
_REFERENCE_UNIT = "<p>Plain words, <b>bold</b> and <a href='http://e.org/'>a link</a>.</p>\n"

HTML_TOKENS = [
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "<em>", "<a href='http://x'>",
    "<a href=javascript:alert(1)>", "</a>", "<ul>", "<ol start=99999999999>", "<li>", "</ul>",
    "<dl>", "<dd>", "<dt>", "<table>", "<tr>", "<td colspan=9999 rowspan=9999>", "<th>",
    "</table>", "<pre>", "</pre>", "<code>", "`", "<br>", "<hr>", "<h1>", "<h2>", "</h1>",
    "<blockquote>", "<img src=x alt='[b]x'>", "<video src=v>", "<iframe src=//y>",
    "<script>alert(1)</script>", "<svg><g>", "<!--", "-->", "&amp;", "&#27;", "&#x9b;",
    "&#0;", "&lt;", "\x1b]0;T\x07", "\x9b", "\r", "\n", "\n\n", "中", "文\n字", "[red]",
    "*", "_", "#", ">", "1.", "|", "\\", "~~", "\u2028", "\ufeff", "\ufdd0",
]  # fmt: skip


def reference_seconds(chars: int) -> float:
    """Seconds this machine takes, right now, to parse ``chars`` characters of plain article
    HTML with lexbor and visit every node from Python: the linear floor of any conversion.
    Median of three runs, so one scheduler hiccup neither inflates nor deflates it."""
    size = max(chars, REFERENCE_MIN_CHARS)
    doc = (_REFERENCE_UNIT * (size // len(_REFERENCE_UNIT) + 1))[:size]
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        body = LexborHTMLParser(doc).body
        for node in body.traverse(include_text=True) if body is not None else ():
            _ = node.tag, node.text_content
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def too_slow(took: float, again: Callable[[], object], chars: int) -> str | None:
    """Why one input that took ``took`` seconds is a time finding, or None if it is not.

    Under :data:`SLOW_SECONDS` it never is. Over it, the judgement is relative to the
    machine as it is in this run (``make fuzz`` shares 2 cores with whatever else runs):
    time the reference workload for the same size, run the input once more (``again``),
    and report only if the faster of the two runs exceeds :data:`SLOW_FACTOR` times the
    reference (and the fixed floor).
    """
    if took < SLOW_SECONDS:
        return None
    reference = reference_seconds(chars)
    start = time.perf_counter()
    again()
    best = min(took, time.perf_counter() - start)
    budget = max(SLOW_SECONDS, SLOW_FACTOR * reference)
    if best < budget:
        return None
    return (
        f"{best:.2f}s (runs {took:.2f}s, {time.perf_counter() - start:.2f}s) for {chars} chars;"
        f" budget {budget:.2f}s = {SLOW_FACTOR:.0f} x reference {reference:.3f}s"
    )
