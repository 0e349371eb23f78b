"""Newline-joined blobs of folded titles or pinyin keys, searched at C speed.

Why blobs: one compiled regex over one string finds every matching line without a
Python loop per item; a line's end offset gives its item id back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat

#: Items per blob segment; only the last segment is rebuilt when items are added.
SEGMENT = 16384
#: ``Match.end`` as a function, for ``map`` over ``finditer``.
MATCH_END = re.Match.end


@dataclass(slots=True)
class Segment:
    """A slice of a blob: ``\\n`` + lines joined by ``\\n`` + ``\\n``."""

    first: int
    count: int
    blob: str
    #: Offset of the newline ending a line -> item id (None: lines are counted instead).
    line_end: dict[int, int] | None
    #: Item id of each line when ``line_end`` is None (None: ``first``, ``first + 1``...).
    ids: Sequence[int] | None = None


def line_ids(seg: Segment, ends: Iterable[int]) -> Iterable[int]:
    """Item ids of the lines ending at ``ends`` (ascending offsets of their newlines).

    Why counting: a one-query index (:meth:`~tui.search.fuzzy.FuzzyIndex.from_packed`)
    would spend more on a 100,000-entry ``line_end`` dict than on counting newlines
    between matches, which reads the blob once, in C.
    """
    if seg.line_end is not None:
        return map(seg.line_end.__getitem__, ends)
    ends = list(ends)
    if not ends:
        return []
    blob = seg.blob
    counts = accumulate(map(blob.count, repeat("\n"), [0, *ends[:-1]], ends))
    lines = map((-1).__add__, counts)  # the blob's leading newline ends no line
    if seg.ids is not None:
        return map(seg.ids.__getitem__, lines)
    return map(seg.first.__add__, lines)


def make_segment(first: int, lines: Sequence[str], ids: Sequence[int]) -> Segment:
    """One segment of ``lines``, line ``k`` belonging to item ``ids[k]``."""
    ends = accumulate(map((1).__add__, map(len, lines)))
    line_end = dict(zip(ends, ids, strict=True))
    return Segment(first, len(lines), "\n" + "\n".join(lines) + "\n", line_end)


def grow(
    segments: list[Segment], n: int, part: Callable[[int, int], tuple[list[str], Sequence[int]]]
) -> list[Segment]:
    """``segments`` extended to ``n`` lines: a short last one is rebuilt, new ones made.

    ``part(start, stop)`` gives the lines ``start:stop`` and their item ids.
    """
    if segments and segments[-1].count < SEGMENT and segments[-1].first + segments[-1].count < n:
        segments.pop()
    start = segments[-1].first + segments[-1].count if segments else 0
    while start < n:
        stop = min(start + SEGMENT, n)
        lines, ids = part(start, stop)
        segments.append(make_segment(start, lines, ids))
        start = stop
    return segments


def scan(segments: Sequence[Segment], pattern: re.Pattern[str]) -> list[int]:
    """Ids of the lines with a match (``pattern`` must consume the rest of its line)."""
    out: list[int] = []
    for seg in segments:
        out.extend(line_ids(seg, map(MATCH_END, pattern.finditer(seg.blob))))
    return out
