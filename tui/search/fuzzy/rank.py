"""Turning per-term match codes into one ranking and its scores.

A multi-term item ranks by its worst term, then the sum of classes, then how compact
the scattered terms are, then the title length (shorter wins), then the caller's order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from itertools import chain, repeat

from tui.search.fuzzy.terms import EXTRA_MASK, SHIFT, TYPO

#: The caller's id list, as a set and as id -> position.
Restriction = tuple[list[int], set[int], dict[int, int]]


def score(max_cls: int, sum_cls: int, n_terms: int) -> float:
    """A 0-100 score that never increases along the ranking order."""
    return 100.0 - 9.0 * max_cls - 8.0 * sum_cls / (9.0 * n_terms)


#: Score of a one-term query, indexed by term code.
_SINGLE_SCORE = [s for cls in range(TYPO + 1) for s in repeat(score(cls, cls, 1), 1 << SHIFT)]


def rank(
    per_term: list[dict[int, int]],
    keys: Collection[int],
    lens: Sequence[int],
    restrict: Restriction | None,
) -> tuple[list[int], list[float]]:
    """Order the items that matched every term (``keys``); ``lens``: title lengths by id."""
    if len(per_term) == 1:
        # Three stable sorts, each keyed by a C-level lookup (no per-item Python code):
        # base order (id or the caller's), then title length, then code. Cheaper than
        # packing one int per item: the lookups walk ``lens`` and ``d`` nearly in
        # order, where the packed ints need random reads of the length order.
        # The scores then come in runs, one per code: count the codes instead of
        # looking every item's score up.
        d = per_term[0]
        ranked = sorted(d, key=restrict[2].__getitem__) if restrict else sorted(d)
        ranked.sort(key=lens.__getitem__)
        counts = sorted(Counter(d.values()).items())
        if len(counts) > 1:
            ranked.sort(key=d.__getitem__)
        runs = (repeat(_SINGLE_SCORE[c], n) for c, n in counts)
        return ranked, list(chain.from_iterable(runs))
    ranked = sorted(keys, key=restrict[2].__getitem__) if restrict else sorted(keys)
    k = len(per_term)
    keyed = []
    for i in ranked:
        codes = [d[i] for d in per_term]
        classes = [c >> SHIFT for c in codes]
        extra = sum(c & EXTRA_MASK for c in codes)
        keyed.append((max(classes), sum(classes), extra, lens[i], i))
    keyed.sort(key=lambda x: x[:4])  # stable: ties keep the base order
    return [x[4] for x in keyed], [score(x[0], x[1], k) for x in keyed]
