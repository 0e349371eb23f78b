"""The fuzzy index: folded fields, the token index and blobs, and the search over them.

Why one piece (~650 lines): :class:`FuzzyIndex` owns the lookup structures and every
path that reads them (token index, title blob, per-item reference scorer, reuse of the
previous keystroke's result, the typo vocabulary); they must agree item for item, and
:class:`FuzzyResult` carries the index's own narrowing state between keystrokes.
Patterns live in :mod:`.terms`, pinyin keys in :mod:`.pinyin`, ranking in :mod:`.rank`.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from typing import Any

from tui.search.chinese import pinyin_enabled, pinyin_key, pinyin_narrows
from tui.search.fold import fold, fold_spans
from tui.search.fuzzy.blob import MATCH_END, Segment, grow, make_segment, scan
from tui.search.fuzzy.packed import split_lines, unpack_folded
from tui.search.fuzzy.pinyin import PinyinKeys
from tui.search.fuzzy.rank import Restriction, rank
from tui.search.fuzzy.terms import (
    EXTRA_MASK,
    INSIDE,
    META,
    MIDWORD_MIN_LEN,
    PREFIX,
    SCATTER,
    SHIFT,
    START,
    START_WHOLE,
    TYPO,
    WHOLE,
    Term,
    best_positions,
    buckets,
    compile_term,
    is_word,
    narrows,
    near_words,
    subseq_extra,
    substring_class,
    terms_of,
    token_re,
    typo_term,
    typo_vocabulary,
    typo_word,
    whole_word,
)

#: Up to this many candidates are scored one by one; bigger sets use the bulk paths.
POOL_MAX = 6000
_CHECK_EVERY = 512
#: Terms whose typo words are remembered (a query has a few; older ones are dropped).
_TYPO_CACHE = 32


class SearchCancelled(Exception):
    """Raised by :meth:`FuzzyIndex.search` when ``should_stop()`` returned True."""


@dataclass
class FuzzyResult:
    """Matching ids, best first, with a score each (higher is better, 0-100).

    The private fields let :meth:`FuzzyIndex.search` decide whether this result may
    narrow the next, longer query.
    """

    query: str
    ids: list[int]
    scores: list[float]
    #: ``ids[:exact_count]`` matched exactly (classes 0-8); the rest had a typo (class 9).
    exact_count: int = 0
    _terms: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _owner: int = field(default=0, repr=False, compare=False)
    _size: int = field(default=0, repr=False, compare=False)
    _restrict: list[int] | None = field(default=None, repr=False, compare=False)
    #: Pinyin term -> ascending ids whose key it matched (a superset of its pinyin matches
    #: among the candidates it was scored on): the next, longer term only scans these.
    _pinyin: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)


class FuzzyIndex:
    """Folded titles, sources and authors plus the lookup structures that make search fast.

    Items are only ever appended; ids are their insertion positions. Searching from a
    worker thread while another thread appends is not supported: build, then search.
    """

    _next_owner = 1

    def __init__(self, pinyin: bool | None = None) -> None:
        """``pinyin`` turns pinyin matching on or off (None: :func:`pinyin_enabled`)."""
        self.pinyin = pinyin_enabled() if pinyin is None else pinyin
        self._titles: list[str] = []  # folded
        self._lens: list[int] = []
        self._sources: list[str] = []
        self._authors: list[str] = []
        self._meta_values: dict[str, list[int]] = {}  # folded source/author -> ids
        self._postings: dict[str, list[int]] = {}  # Latin token -> ids (ascending, unique)
        self._firsts: dict[str, list[int]] = {}  # token a title starts with -> ids
        self._segments: list[Segment] = []
        self._pinyin_keys = PinyinKeys()
        self._vocab: list[str] = []
        self._vocab_blob = ""
        self._vocab_ends: dict[int, str] = {}
        self._vocab_size = -1
        #: Word length -> distinct Latin title words of 4+ letters (typo targets), in
        #: the order first seen; grown by :meth:`add` (see :meth:`_typo_words`).
        self._typo_vocab: dict[int, list[str]] = {}
        #: False for :meth:`from_packed` indexes until a typo query needs the vocabulary.
        self._typo_vocab_made = True
        #: A :meth:`from_packed` index's vocabulary, one word a line (None: not packed).
        self._packed_words: str | None = None
        self._typo_vocab_count = 0
        #: term -> :meth:`_typo_words`, for the vocabulary of ``_typo_vocab_count`` words:
        #: typing a second term does not look the first one up again.
        self._typo_cache: dict[str, list[str]] = {}
        self._typo_cache_count = 0
        self._restrict_cache: Restriction | None = None
        #: False for :meth:`from_packed` indexes: no token index, Latin terms are scanned.
        self._tokenized = True
        self._meta_folds: dict[str, str] = {}  # raw source/author -> folded
        self._meta_values_keys: dict[str, str] = {}  # folded value -> its shared object
        self._owner = FuzzyIndex._next_owner
        FuzzyIndex._next_owner += 1

    @classmethod
    def from_packed(cls, data: bytes, pinyin: bool | None = None) -> FuzzyIndex:
        """An index of fields already folded, with pinyin keys already built, for one query.

        Why: ``newsdeck list --filter`` answers one query over a warm persistent index,
        which stores :func:`fold` and :func:`~tui.search.chinese.pinyin_key` per article
        (packed by :func:`pack_folded`). Folding, keying and the Latin token index are
        most of :meth:`add`'s cost (~3 s at 100,000), so this skips all three: Latin
        terms are then answered by scanning the title blob and scoring the candidates
        with the reference scorer (slower per query, much cheaper to set up).
        The title blob comes ready-made, so setting up costs little
        more than splitting the strings. Raises ValueError for bytes of another format.
        """
        packed = unpack_folded(data)
        n = packed.lines
        index = cls(pinyin=pinyin)
        index._tokenized = False
        index._typo_vocab_made = False  # made when a query needs it
        index._packed_words = packed.words
        index._titles = split_lines(packed.titles, n)
        index._lens = list(map(len, index._titles))
        index._sources = split_lines(packed.sources, n)
        index._authors = split_lines(packed.authors, n)
        index._segments = [Segment(0, n, f"\n{packed.titles}\n", None)]
        if index.pinyin:
            ids = array("q", packed.key_ids).tolist()
            keys = PinyinKeys(first_lookup=False)
            keys.keys = dict(zip(ids, split_lines(packed.keys, len(ids)), strict=True))
            keys.ids = ids
            # The key blob comes ready-made too: no second join of the keys.
            keys.adopt(Segment(0, len(ids), f"\n{packed.keys}\n", None, ids))
            index._pinyin_keys = keys
        return index

    # ----------------------------------------------------------------- building

    def __len__(self) -> int:
        return len(self._titles)

    def add(
        self,
        title: str,
        source: str = "",
        author: str = "",
        folded: tuple[str, str, str, str | None] | None = None,
    ) -> int:
        """Index one item and return its id.

        ``folded``: the item's ``(fold(title), fold(source), fold(author), pinyin key)``
        when already known (the persistent index stores them), which skips the costly
        part; they must be exactly what this method would compute.
        """
        if not self._tokenized:
            raise RuntimeError("a from_packed() index takes no more items")
        i = len(self._titles)
        if folded is None:
            ft = fold(title)
            fs, fa = self._fold_meta(source), self._fold_meta(author)
        else:
            ft, fs, fa = folded[0], self._shared(folded[1]), self._shared(folded[2])
        self._titles.append(ft)
        self._lens.append(len(ft))
        for value, column in ((fs, self._sources), (fa, self._authors)):
            column.append(value)
            if value:
                ids = self._meta_values.setdefault(value, [])
                if not ids or ids[-1] != i:
                    ids.append(i)
        tokens = token_re().findall(ft)
        if tokens:
            postings = self._postings
            for tok in dict.fromkeys(tokens):
                posting = postings.get(tok)
                if posting is None:
                    postings[tok] = [i]
                    if typo_word(tok):
                        self._typo_vocab.setdefault(len(tok), []).append(tok)
                        self._typo_vocab_count += 1
                else:
                    posting.append(i)
            if is_word(ft[0]):
                self._firsts.setdefault(tokens[0], []).append(i)
        if self.pinyin:
            key = pinyin_key(ft) if folded is None else folded[3]
            if key is not None:
                self._pinyin_keys.add(i, key)
        return i

    def folded(self, i: int) -> tuple[str, str, str, str | None] | None:
        """Item ``i``'s folded fields, for :meth:`add` into a rebuilt index (None: unknown).

        None when pinyin is off: no key was made, and a rebuilt index may want one.
        """
        if not self.pinyin:
            return None
        return (self._titles[i], self._sources[i], self._authors[i], self._pinyin_keys.keys.get(i))

    def _fold_meta(self, value: str | None) -> str:
        """``fold`` of a source or author: few distinct values, so folded once each and shared."""
        value = value or ""
        got = self._meta_folds.get(value)
        if got is None:
            got = self._meta_folds[value] = self._shared(fold(value))
        return got

    def _shared(self, value: str) -> str:
        """One string object per distinct folded source/author (100,000 items, ~50 values)."""
        return self._meta_values_keys.setdefault(value, value)

    def extend(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Index many ``(title, source, author)`` items."""
        add = self.add
        for title, source, author in items:
            add(title, source, author)

    def _blob_segments(self) -> list[Segment]:
        """The title blob, with the last segment rebuilt (or new ones made) for added items."""
        titles = self._titles

        def part(start: int, stop: int) -> tuple[list[str], range]:
            return titles[start:stop], range(start, stop)

        return grow(self._segments, len(titles), part)

    def _scan_titles(self, pattern: re.Pattern[str]) -> list[int]:
        """Ids of the titles with a match (pattern must consume the rest of its line)."""
        return scan(self._blob_segments(), pattern)

    def _vocabulary(self) -> list[str]:
        """Sorted Latin tokens plus a blob of them for substring lookups."""
        if self._vocab_size != len(self._postings):
            self._vocab = sorted(self._postings)
            self._vocab_blob = "\n" + "\n".join(self._vocab) + "\n"
            ends: dict[int, str] = {}
            pos = 0
            for tok in self._vocab:
                pos += len(tok) + 1
                ends[pos] = tok
            self._vocab_ends = ends
            self._vocab_size = len(self._postings)
        return self._vocab

    def _prefix_tokens(self, prefix: str) -> list[str]:
        vocab = self._vocabulary()
        lo = bisect_left(vocab, prefix)
        hi = bisect_left(vocab, prefix + "\U0010ffff", lo)
        return vocab[lo:hi]

    # ----------------------------------------------------------------- one term

    def _code(self, term: Term, i: int) -> int | None:
        """Reference scorer: the term's code for one item (``class << 32 | extra``)."""
        title = self._titles[i]
        cls = substring_class(term, title)
        if cls is not None:
            return cls << SHIFT
        if self.pinyin and term.pinyin is not None:
            py = self._pinyin_keys.code(term, i)
            if py is not None:
                return py
        extra = subseq_extra(term, title)
        if extra is not None:
            return SCATTER << SHIFT | min(extra, EXTRA_MASK)
        t = term.text
        if t in self._sources[i] or t in self._authors[i]:
            return META << SHIFT
        return None

    def _codes_in(
        self, term: Term, pool: Iterable[int], stop: Callable[[], bool]
    ) -> dict[int, int]:
        """Score a small candidate pool item by item."""
        out: dict[int, int] = {}
        code = self._code
        for k, i in enumerate(pool):
            if k % _CHECK_EVERY == 0 and stop():
                raise SearchCancelled
            c = code(term, i)
            if c is not None:
                out[i] = c
        return out

    def _codes_bulk(
        self,
        term: Term,
        stop: Callable[[], bool],
        pool: Collection[int] | None = None,
        hint: list[int] | None = None,
        found: dict[str, list[int]] | None = None,
    ) -> dict[int, int]:
        """Score every item, using the token index or one blob scan, not a loop over all."""
        t = term.text
        d: dict[int, int] = {}
        # Worst class first: later updates overwrite with better classes.
        meta = META << SHIFT
        if self._tokenized:
            for value, ids in self._meta_values.items():
                if t in value:
                    d.update(zip(ids, repeat(meta)))
        else:  # no per-value id lists were built: one C-level pass per column
            for column in (self._sources, self._authors):
                hits = {v for v in set(column) if t in v}
                if hits:
                    d.update(zip(compress(count(), map(hits.__contains__, column)), repeat(meta)))
        if term.latin and not self._tokenized:
            return self._codes_scanned(term, d, stop, pool, hint, found)
        if not term.latin:
            # One scan with the most permissive pattern finds every title candidate
            # (a substring is also a scattered match); CJK characters keep it small.
            pattern = term.subseq_blob if term.subseq_blob is not None else term.substring
            code = self._code
            for k, i in enumerate(self._scan_titles(pattern)):
                if k % _CHECK_EVERY == 0 and stop():
                    raise SearchCancelled
                c = code(term, i)
                if c is not None and c < meta:
                    d[i] = c
            return d
        sub: dict[int, int] = {}
        self._latin_substring(t, sub)
        if stop():
            raise SearchCancelled
        if term.subseq is not None:  # its first two letters must start a word
            cands: set[int] = set()
            for tok in self._prefix_tokens(t[:2]):
                cands.update(self._postings[tok])
            cands.difference_update(sub)
            titles = self._titles
            subseq = term.subseq
            scattered = SCATTER << SHIFT
            for k, i in enumerate(cands):
                if k % _CHECK_EVERY == 0 and stop():
                    raise SearchCancelled
                m = subseq.search(titles[i])
                if m is not None:
                    d[i] = scattered | min(m.end() - m.start() - len(t), EXTRA_MASK)
        if self.pinyin:
            self._pinyin_keys.bulk(term, d, pool, hint, found)
        d.update(sub)
        return d

    def _codes_scanned(
        self,
        term: Term,
        d: dict[int, int],
        stop: Callable[[], bool],
        pool: Collection[int] | None,
        hint: list[int] | None,
        found: dict[str, list[int]] | None,
    ) -> dict[int, int]:
        """A Latin term without the token index (:meth:`from_packed`): scan, then score.

        Every title matching in classes 0-4 holds the term as a substring and every
        scattered match is found by its blob pattern, so their union (plus the pinyin
        scan) holds every candidate; the reference scorer then gives the exact code.
        """
        if self.pinyin:
            self._pinyin_keys.bulk(term, d, pool, hint, found)
        candidates = set(self._scan_titles(term.substring))
        if term.subseq_blob is not None:
            candidates.update(self._scan_titles(term.subseq_blob))
        d.update(self._codes_in(term, candidates, stop))
        return d

    def _latin_substring(self, t: str, d: dict[int, int]) -> None:
        """Classes 0-4 of a word-characters-only term, straight from the token index."""
        postings = self._postings
        self._vocabulary()
        ends = self._vocab_ends
        inside = INSIDE << SHIFT
        if len(t) >= MIDWORD_MIN_LEN:
            for end in map(MATCH_END, compile_term(t).substring.finditer(self._vocab_blob)):
                d.update(zip(postings[ends[end]], repeat(inside)))
        prefixed = self._prefix_tokens(t)
        firsts = self._firsts
        for tok in prefixed:
            d.update(zip(postings[tok], repeat(PREFIX << SHIFT)))
        for tok in prefixed:
            d.update(zip(firsts.get(tok, ()), repeat(START << SHIFT)))
        d.update(zip(postings.get(t, ()), repeat(WHOLE << SHIFT)))
        d.update(zip(firsts.get(t, ()), repeat(START_WHOLE << SHIFT)))

    def _term_codes(
        self,
        term: Term,
        pool: Collection[int] | None,
        stop: Callable[[], bool],
        hint: list[int] | None = None,
        found: dict[str, list[int]] | None = None,
    ) -> dict[int, int]:
        """Codes of the items (of ``pool``, if given) matching one term.

        ``hint``/``found``: see :meth:`PinyinKeys.bulk` (only the bulk path uses them).
        """
        if pool is not None and len(pool) <= POOL_MAX:
            return self._codes_in(term, pool, stop)
        d = self._codes_bulk(term, stop, pool, hint, found)
        if pool is None:
            return d
        keys = d.keys() & (pool if isinstance(pool, (set, frozenset)) else set(pool))
        return dict(zip(keys, map(d.__getitem__, keys), strict=True))

    # ----------------------------------------------------------------- search

    def _restriction(self, ids: Sequence[int]) -> Restriction:
        """The caller's id list, as a set and as id -> position (cached between keystrokes)."""
        cache = self._restrict_cache
        if cache is not None and len(cache[0]) == len(ids) and cache[0] == list(ids):
            return cache
        n = len(self._titles)
        order = [i for i in dict.fromkeys(ids) if 0 <= i < n]
        cache = (list(ids), set(order), {i: k for k, i in enumerate(order)})
        self._restrict_cache = cache
        return cache

    def _reusable_pool(
        self, previous: FuzzyResult | None, terms: tuple[str, ...], ids: Sequence[int] | None
    ) -> list[int] | None:
        """Candidates from ``previous`` when every match of ``terms`` must be among them."""
        if previous is None or previous._owner != self._owner or not previous._terms:
            return None
        if previous._size > len(self._titles):
            return None
        if previous._restrict is not None and (ids is None or previous._restrict != list(ids)):
            return None
        # Each old term must be a prefix of some new term (a new match then matches it
        # too), and must not be too short to match inside words when the new one may.
        if not all(any(narrows(p, t, self.pinyin) for t in terms) for p in previous._terms):
            return None
        pool = previous.ids[: previous.exact_count]
        if previous._size < len(self._titles):
            pool = pool + list(range(previous._size, len(self._titles)))
        return pool

    def search(
        self,
        query: str,
        previous: FuzzyResult | None = None,
        ids: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> FuzzyResult:
        """Rank the items matching ``query``, best first.

        ``ids`` restricts the search to those ids (ties keep their order; a blank query
        returns them as given). ``previous`` is the result of an earlier query of this
        index; it narrows the work when it is still valid (checked here) and is ignored
        otherwise. ``should_stop`` is polled now and then; when it returns True the search
        raises :class:`SearchCancelled` so a worker can drop a stale query.
        """
        stop = should_stop or (lambda: False)
        if stop():
            raise SearchCancelled
        n = len(self._titles)
        terms = terms_of(query)
        restrict = self._restriction(ids) if ids is not None else None
        meta: dict[str, Any] = {
            "_terms": terms,
            "_owner": self._owner,
            "_size": n,
            "_restrict": restrict[0] if restrict is not None else None,
        }
        if not terms:
            base = restrict[0] if restrict is not None else list(range(n))
            return FuzzyResult(query, list(base), [0.0] * len(base), len(base), **meta)

        reuse = self._reusable_pool(previous, terms, ids)
        pool: Collection[int] | None = reuse
        if restrict is not None:
            pool = restrict[1] if pool is None else [i for i in pool if i in restrict[1]]
        # Longest (most selective) term first; later terms only score its matches.
        order = sorted(terms, key=len, reverse=True)
        per_term: list[dict[int, int]] = []
        found: dict[str, list[int]] = {}
        for t in order:
            hint = self._pinyin_hint(previous, t) if reuse is not None else None
            d = self._term_codes(compile_term(t), pool, stop, hint, found)
            per_term.append(d)
            pool = d.keys()
            if stop():
                raise SearchCancelled

        ranked, scores = rank(per_term, pool, self._lens, restrict)  # type: ignore[arg-type]
        exact = len(ranked)
        if any(map(typo_term, terms)):
            extra_ids, extra_scores = self._typo_matches(terms, set(ranked), restrict, stop)
            ranked += extra_ids
            scores += extra_scores
        return FuzzyResult(query, ranked, scores, exact, _pinyin=found, **meta)

    def _pinyin_hint(self, previous: FuzzyResult | None, t: str) -> list[int] | None:
        """Ascending ids that may match term ``t`` by pinyin, from ``previous`` (or None).

        Only valid when ``previous`` narrows this search (:meth:`_reusable_pool`): then
        the candidates are the old term's key matches plus the items added since.
        """
        if previous is None or not self.pinyin or compile_term(t).pinyin is None:
            return None
        best: list[int] | None = None
        for p, matched in previous._pinyin.items():
            if (
                t.startswith(p)
                and pinyin_narrows(p, t)
                and (best is None or len(matched) < len(best))
            ):
                best = matched
        if best is None:
            return None
        if previous._size < len(self._titles):
            key_ids = self._pinyin_keys.ids
            best = best + key_ids[bisect_left(key_ids, previous._size) :]
        return best

    def _typo_matches(
        self,
        terms: tuple[str, ...],
        exclude: set[int],
        restrict: Restriction | None,
        stop: Callable[[], bool],
    ) -> tuple[list[int], list[float]]:
        """Class 9: every term matches exactly, or by a typo in a whole title word.

        A Latin term of 5+ letters may be one edit or one swap of neighbours (OSA
        distance 1) from a title word. Candidates are the items holding such a word
        for some term (:meth:`_typo_ids`, from the vocabulary, never a scan of every
        title), minus ``exclude`` (the exact matches); each term is then scored among
        them, exactly or as a typo. Worked out afresh on every search (a typo match
        is not closed under extending a term), so ``previous`` never carries it.
        """
        # A long term without typo words can only match exactly, like a short one.
        typo_ids = {t: ids for t in terms if typo_term(t) and (ids := self._typo_ids(t))}
        candidates: set[int] = set().union(*typo_ids.values()) - exclude
        if restrict is not None:
            candidates &= restrict[1]
        pool: Collection[int] = candidates
        if not pool:
            return [], []
        typo = TYPO << SHIFT
        per_term: list[dict[int, int]] = []
        graded = sorted(terms, key=lambda t: len(typo_ids.get(t, pool)))  # rarest typo first
        if len(typo_ids) == 1:
            # One long term: a candidate that matched it exactly would have failed some
            # other term (it is no exact match), so it is a typo of that term in every
            # item left; only the other terms need grading.
            per_term.append(dict.fromkeys(candidates, typo))
            graded = sorted((t for t in terms if t not in typo_ids), key=len, reverse=True)
        for t in graded:
            if stop():
                raise SearchCancelled
            d = self._codes_among(compile_term(t), pool, stop)
            hits = typo_ids.get(t)
            if hits:
                d.update(zip([i for i in pool if i in hits and i not in d], repeat(typo)))
            per_term.append(d)
            pool = d.keys()
            if not pool:
                return [], []
        return rank(per_term, pool, self._lens, restrict)

    def _codes_among(
        self, term: Term, pool: Collection[int], stop: Callable[[], bool]
    ) -> dict[int, int]:
        """Codes of one term among ``pool`` (typo candidates: up to thousands of items).

        Grading thousands of items one by one costs tens of milliseconds, and the bulk
        paths read the whole index: instead, scans of a blob of the pool's own titles
        (and pinyin keys) find the few that can match, and only those are graded.
        """
        ids = sorted(pool)
        if len(ids) <= _CHECK_EVERY:
            return self._codes_in(term, ids, stop)
        titles, sources, authors = self._titles, self._sources, self._authors
        segment = [make_segment(0, [titles[i] for i in ids], ids)]
        maybe = set(scan(segment, term.substring))
        if term.subseq_blob is not None:
            maybe.update(scan(segment, term.subseq_blob))
        t = term.text
        maybe.update(i for i in ids if t in sources[i] or t in authors[i])
        if self.pinyin and term.pinyin is not None:
            keyed: dict[int, int] = {}
            self._pinyin_keys.bulk(term, keyed, ids)
            maybe.update(keyed)
        if stop():
            raise SearchCancelled
        return self._codes_in(term, [i for i in ids if i in maybe], stop)

    def _typo_words(self, t: str) -> list[str]:
        """Title words one edit or swap away from term ``t`` that do not contain it.

        A word containing ``t`` already matches it exactly (classes 0-4). Only words of
        ``len(t) ± 1`` letters can be that close, so only those buckets of the
        vocabulary are compared (rapidfuzz, in C).
        """
        if not self._typo_vocab_made:
            packed = self._packed_words
            if packed is not None:
                vocab = packed.split("\n") if packed else []
            else:  # bytes of an older format: one pass over the titles
                segments = self._blob_segments()
                vocab = list(dict.fromkeys(w for g in segments for w in typo_vocabulary(g.blob)))
            self._typo_vocab = buckets(vocab)
            self._typo_vocab_made = True
            self._typo_vocab_count = len(vocab)
        cache = self._typo_cache
        if self._typo_cache_count != self._typo_vocab_count or len(cache) >= _TYPO_CACHE:
            cache.clear()
            self._typo_cache_count = self._typo_vocab_count
        words = cache.get(t)
        if words is None:
            words = []
            for k in (len(t) - 1, len(t), len(t) + 1):
                bucket = self._typo_vocab.get(k)
                if bucket:
                    words += [w for w in near_words(t, bucket) if t not in w]
            cache[t] = words
        return words

    def _typo_ids(self, t: str) -> set[int]:
        """Ids of the items whose title holds a typo of term ``t`` (:meth:`_typo_words`)."""
        words = self._typo_words(t)
        if not words:
            return set()
        if not self._tokenized:
            return {i for w in words for i in self._scan_titles(whole_word(w))}
        postings = self._postings
        ids: set[int] = set()
        for word in words:
            ids.update(postings[word])
        return ids

    # ----------------------------------------------------------------- display

    def highlight(self, query: str, title: str, item: int | None = None) -> list[int]:
        """Indices of ``title`` (the original, unfolded string) to highlight for ``query``.

        ``item``: the title's id here, if known; its stored pinyin key is then reused
        (keys loaded from the persistent index spare the app pypinyin's 57 MB).
        """
        folded, spans = fold_spans(title)
        marked: set[int] = set()
        key: str | None = None
        if self.pinyin:
            known = item is not None and 0 <= item < len(self._titles)
            if known and self._titles[item] == folded:  # type: ignore[index]
                key = self._pinyin_keys.keys.get(item)  # type: ignore[arg-type]
            else:
                key = pinyin_key(folded)
        for t in terms_of(query):
            term = compile_term(t)
            positions = best_positions(term, folded, key)
            for p in positions:
                a, b = spans[p]
                marked.update(range(a, b))
        return sorted(marked)
