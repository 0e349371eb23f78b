"""The pinyin keys of the titles with Chinese, and the scans that match terms against them.

Classes 5 and 6 (pinyin of consecutive characters, from the first one or anywhere) are
answered here: one C-speed scan of a blob of keys, narrowed by the previous keystroke,
plus a lookup by first character for class 5.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from itertools import chain, compress, repeat
from operator import itemgetter

from tui.search.chinese import SHORT_PINYIN, UNIT, pinyin_span
from tui.search.fuzzy.blob import MATCH_END, Segment, grow, line_ids, make_segment
from tui.search.fuzzy.terms import PY, PY_START, SHIFT, Term

#: One reading in a pinyin key unit (each starts with a capital).
_READING_RE = re.compile("[A-Z][a-z]*")
_FROM_SECOND = itemgetter(slice(1, None))
_FIRST_PART = itemgetter(0)


class PinyinKeys:
    """Item id -> pinyin key (titles with Chinese only), with the blob and lookups over them.

    ``first_lookup``: keep the by-first-character lookup for class 5 (an index built
    for one query rescans the lines instead: cheaper than building it).
    """

    def __init__(self, first_lookup: bool = True) -> None:
        self.first_lookup = first_lookup
        self.keys: dict[int, str] = {}
        #: The ids of :attr:`keys`, ascending.
        self.ids: list[int] = []
        self._segments: list[Segment] = []
        self._first_done = 0
        #: Letter -> first unit -> ascending ids of the keys starting with that unit.
        self._first_ids: dict[str, dict[str, list[int]]] = {}
        #: A first unit's readings, lower case.
        self._first_readings: dict[str, tuple[str, ...]] = {}

    def add(self, i: int, key: str) -> None:
        """Record item ``i``'s key (ids must come in ascending order)."""
        self.keys[i] = key
        self.ids.append(i)

    def adopt(self, segment: Segment) -> None:
        """Take a ready-made blob of every key (lines in id order), instead of joining them."""
        self._segments = [segment]

    def segments(self) -> list[Segment]:
        """Blob of keys (lines in id order), extended for keys added since the last call."""
        ids, keys = self.ids, self.keys

        def part(start: int, stop: int) -> tuple[list[str], list[int]]:
            chunk = ids[start:stop]
            return list(map(keys.__getitem__, chunk)), chunk

        segs = grow(self._segments, len(ids), part)
        if self.first_lookup:  # built with the blob, so warming the blob pays for it too
            self.first_units()
        return segs

    def code(self, term: Term, i: int) -> int | None:
        """Class 5/6 code of one item for a pinyin term, or None."""
        key = self.keys.get(i)
        if key is None or term.pinyin is None:
            return None
        span = pinyin_span(key, term.pinyin)
        if span is None:
            return None
        return (PY_START if span[0] == 0 else PY) << SHIFT

    def bulk(
        self,
        term: Term,
        d: dict[int, int],
        pool: Collection[int] | None,
        hint: list[int] | None = None,
        found: dict[str, list[int]] | None = None,
    ) -> None:
        """Classes 5/6 of the items with a key into ``d``: one C-speed scan of the key blob.

        ``hint`` (ascending ids, from the previous keystroke's shorter term) holds every
        item that can still match, so only their keys are scanned. Otherwise a big
        candidate pool that is still much smaller than the keyed items gets a blob of
        its own: joining it costs less than scanning everything. Class 5 (a match
        starting at the first character) then comes from :meth:`_starts`, which
        looks at a small share of the matched keys: cheaper than a second blob scan
        (without :attr:`first_lookup` the lines are rescanned instead). The ids whose
        key matched are stored in ``found`` under the term for the next keystroke.
        """
        if term.pinyin_blob is None or term.pinyin_first is None:
            return
        keys = self.keys
        # Joining a sub-blob only pays when it is much smaller than the whole key blob.
        small = len(self.ids) // 3
        scan: list[int] | None = hint if hint is not None and len(hint) < small else None
        if scan is None and pool is not None and len(pool) < small:
            scan = sorted(filter(keys.__contains__, pool))
        if scan is not None:
            segs = [make_segment(0, list(map(keys.__getitem__, scan)), scan)]
        else:
            segs = self.segments()
        matched: list[int] = []
        for seg in segs:
            hits = map(MATCH_END, term.pinyin_blob.finditer(seg.blob))
            matched += line_ids(seg, hits)
        if matched:
            hit = dict.fromkeys(matched, PY << SHIFT)
            d.update(hit)
            starts: Iterable[int]
            if self.first_lookup:
                starts = self._starts(term, term.pinyin_first, hit)
            else:  # one query (from_packed): a line-anchored scan beats building the lookup
                first = re.compile(f"\n{term.pinyin_first.pattern}[^\n]*")
                starts = chain.from_iterable(
                    line_ids(seg, map(MATCH_END, first.finditer(seg.blob))) for seg in segs
                )
            d.update(zip(starts, repeat(PY_START << SHIFT)))
        if found is not None:
            found[term.text] = matched

    def _starts(self, term: Term, first: re.Pattern[str], hit: Collection[int]) -> Iterable[int]:
        """The ids in ``hit`` whose key matches the term from its first unit (class 5).

        Why: only items whose first character has a reading starting with the term's
        first letter can (:meth:`first_units`). Where one of those readings takes the
        whole term (中 for ``zho``) every such item does; the others are checked key by
        key with ``first`` (a ``match`` from the key's start).
        """
        t = term.text
        groups = self.first_units().get(t[0], {})
        readings = self._first_readings
        whole: list[list[int]] = []
        check: list[list[int]] = []
        for unit, ids in groups.items():
            if len(t) == SHORT_PINYIN:  # a two-letter term takes a whole syllable
                takes = t in readings[unit]
            else:
                takes = any(r.startswith(t) for r in readings[unit])
            (whole if takes else check).append(ids)
        cands = list(filter(hit.__contains__, chain.from_iterable(check)))
        firsts = map(first.match, map(self.keys.__getitem__, cands))
        return chain(filter(hit.__contains__, chain.from_iterable(whole)), compress(cands, firsts))

    def first_units(self) -> dict[str, dict[str, list[int]]]:
        """Letter -> first unit -> ascending ids of the keys starting with that unit.

        A unit is filed under the first letter of each of its readings. Extended for
        keys added since the last call.
        """
        by_letter = self._first_ids
        readings = self._first_readings
        ids = self.ids
        if self._first_done < len(ids):
            new = ids[self._first_done :]
            # The text between the first two unit markers, at C speed.
            tails = map(_FROM_SECOND, map(self.keys.__getitem__, new))
            units = map(_FIRST_PART, map(str.partition, tails, repeat(UNIT)))
            groups: dict[str, list[int]] = {}  # first unit -> its ids
            for i, unit in zip(new, units, strict=True):
                group = groups.get(unit)
                if group is None:
                    groups[unit] = [i]
                else:
                    group.append(i)
            for unit, group in groups.items():
                if unit not in readings:
                    readings[unit] = tuple(r.lower() for r in _READING_RE.findall(unit))
                for letter in dict.fromkeys(r[0] for r in readings[unit]):
                    by_letter.setdefault(letter, {}).setdefault(unit, []).extend(group)
            self._first_done = len(ids)
        return by_letter
