"""Every folding rule in one place: how text is normalised before it is compared.

- :func:`fold_fts`: what the full-text index stores and queries (CJK as Simplified bigrams).
- :func:`find_fold`: lower-cased Simplified text of the same length, for snippet offsets.
"""

from __future__ import annotations

import re

from tui.cjk import CJK_CLASS
from tui.search.chinese import t2s_map, to_simplified

#: One run of CJK characters.
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_CJK_SPLIT = re.compile(f"([{CJK_CLASS}]+)")


def fold_fts(text: str) -> str:
    """Text as the FTS table sees it: CJK runs as Simplified overlapping bigrams.

    ASCII text comes back as it is (the same object), cheaply.
    The index and the queries must go through this same function.
    """
    if text.isascii():
        return text
    # split() with a group, not sub() with a callback: a quarter cheaper, and this
    # runs once per indexed article.
    parts = _CJK_SPLIT.split(text)
    table = t2s_map()
    for i in range(1, len(parts), 2):
        run = parts[i].translate(table)
        if len(run) < 3:
            parts[i] = f" {run} "
        else:
            parts[i] = " " + " ".join([run[j : j + 2] for j in range(len(run) - 1)]) + " "
    return "".join(parts)


def find_fold(text: str) -> str:
    """``text`` lowered and Simplified, with the same length (so offsets carry over)."""
    folded = to_simplified(text).lower()
    if len(folded) != len(text):  # a few letters lower to two characters (İ)
        folded = "".join(
            c if len(c) == 1 else o
            for c, o in zip(map(str.lower, to_simplified(text)), text, strict=True)
        )
    return folded
