"""As-you-type fuzzy filter for the article list (pure Python + rapidfuzz, no Textual).

Every keystroke re-ranks up to ~100,000 titles, so the hot paths avoid per-item Python
loops: Latin words go through a token index (word -> ids), everything else through a
newline-joined blob of folded titles searched with compiled regexes (C speed), and the
result of the previous, shorter query narrows the candidates when the query only grew.

Chinese readers type pinyin and may mix scripts, so titles and queries are folded the
same way (:func:`fold`: NFKC width folding, casefold, Traditional -> Simplified one
character at a time, see :mod:`tui.search.chinese`), and a Latin term of 2+ letters may
also match consecutive Chinese characters by pinyin: full syllables, initials or a mix
(``eluosi``, ``els`` -> 俄罗斯), every reading of a heteronym accepted. A query word
mixing scripts (``nato北约``) is split into script runs, each its own term.

Ranking (lower class is better), per query term (space-separated terms are ANDed; each
term may match the title, the source or the author):

====  ===========================================================================
0     title starts with the term, and the term ends at a word end
1     whole word elsewhere in the title (CJK terms: any position counts as a word)
2     title starts with the term (a prefix of a longer word)
3     word prefix elsewhere in the title
4     inside a word (Latin terms of 3+ characters only: ``ai`` does not match ``said``)
5     pinyin of consecutive characters starting at the title's first character
6     pinyin of consecutive characters elsewhere in the title
7     scattered in the title (subsequence); CJK characters may scatter anywhere,
      Latin letters only with gaps of at most 2 after a contiguous word-start pair
8     substring of the source or author only
9     typo tolerance: rapidfuzz ``partial_ratio`` >= 85, only when classes 0-8
      found fewer than ``FEW_RESULTS`` items
====  ===========================================================================

A multi-term item ranks by its worst term, then the sum of classes, then how compact
the scattered terms are, then the title length (shorter wins), then the caller's order.
Every class 0-8 predicate is closed under extending a term (a match of ``nato`` is
also a match of ``nat``), which is what makes reusing ``previous`` exact.
"""

from __future__ import annotations

import marshal
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import accumulate, chain, compress, count, repeat
from operator import itemgetter
from typing import Any

from tui.search.chinese import (
    SHORT_PINYIN,
    UNIT,
    pinyin_enabled,
    pinyin_key,
    pinyin_narrows,
    pinyin_pattern,
    pinyin_scan_source,
    pinyin_span,
    to_simplified,
)

__all__ = [
    "FEW_RESULTS",
    "FuzzyIndex",
    "FuzzyResult",
    "SearchCancelled",
    "fold",
    "fold_map",
]

#: Below this many class 0-6 results, the typo-tolerant class 7 is tried.
FEW_RESULTS = 10
#: Latin terms shorter than this only match at word starts (``ai`` is not in ``said``).
MIDWORD_MIN_LEN = 3
#: Terms shorter than this never match by typo tolerance (too many false hits).
FUZZY_MIN_LEN = 4
FUZZY_CUTOFF = 85.0

_START_WHOLE, _WHOLE, _START, _PREFIX, _INSIDE, _PY_START, _PY, _SCATTER, _META, _TYPO = range(10)
_SHIFT = 12  # a term code is ``class << _SHIFT | extra``: small ints sort fastest
_EXTRA_MASK = (1 << _SHIFT) - 1
#: Up to this many candidates are scored one by one; bigger sets use the bulk paths.
_POOL_MAX = 6000
#: Items per blob segment; only the last segment is rebuilt when items are added.
_SEGMENT = 16384
#: Gap patterns from this term position on never backtrack (bounds regex work).
_BACKTRACK_LIMIT = 8
_CHECK_EVERY = 512

# Scripts written without spaces between words: their characters may scatter and
# every position counts as a word boundary.
_WIDE_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0xA4CF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0x1B000, 0x1B2FF),
    (0x20000, 0x3FFFF),
)
_WIDE_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b in _WIDE_RANGES)
#: A word character of a space-separated script (Latin, Cyrillic, digits...).
_WORD = f"[^\\W_{_WIDE_CLASS}]"
_WORD_RE = re.compile(_WORD)
_WIDE_RE = re.compile(f"[{_WIDE_CLASS}]")
_TOKEN_RE = re.compile(_WORD + "+")
#: A run of one script class inside a query word: wide (CJK...) or not.
_RUN_RE = re.compile(f"[{_WIDE_CLASS}]+|[^{_WIDE_CLASS}]+")
_MATCH_END = re.Match.end
#: One reading in a pinyin key unit (each starts with a capital).
_READING_RE = re.compile("[A-Z][a-z]*")
_FROM_SECOND = itemgetter(slice(1, None))
_FIRST_PART = itemgetter(0)


@cache
def _fuzz() -> Any:
    """rapidfuzz's ``fuzz`` module, imported on first use.

    Only typo tolerance needs it, and a one-shot ``newsdeck list --filter`` usually
    does not: its import is a tenth of that command's start-up.
    """
    from rapidfuzz import fuzz

    return fuzz


class SearchCancelled(Exception):
    """Raised by :meth:`FuzzyIndex.search` when ``should_stop()`` returned True."""


@cache
def _is_word(ch: str) -> bool:
    """Whether ``ch`` is a word character of a space-separated script."""
    return _WORD_RE.match(ch) is not None


@cache
def _is_wide(ch: str) -> bool:
    """Whether ``ch`` is a letter of a script written without spaces (CJK, kana, hangul)."""
    return ch.isalnum() and _WIDE_RE.match(ch) is not None


# --------------------------------------------------------------------------- folding


def _attaches(ch: str) -> bool:
    """Whether ``ch`` belongs to the cluster before it (so NFKC may compose them)."""
    return unicodedata.category(ch)[0] == "M" or 0x1160 <= ord(ch) <= 0x11FF


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """NFKC + casefold + T->S one cluster; whitespace becomes ' ', control/format chars vanish."""
    s = unicodedata.normalize("NFKC", cluster).casefold()
    if not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    s = to_simplified(s)
    out = []
    for c in s:
        if c.isspace():
            out.append(" ")
        elif unicodedata.category(c) not in ("Cc", "Cf"):
            out.append(c)
    return "".join(out)


_SENTINEL = "\uffff"


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character; learns characters on first use."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        value = _SENTINEL if _attaches(ch) else _fold_cluster(ch)
        self[cp] = value
        return value


_TABLE = _FoldTable()


def _fold_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Fold cluster by cluster and record, per folded char, the original span it came from."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _attaches(text[j]):
            j += 1
        for c in _fold_cluster(text[i:j]):
            if c == " ":
                if chars and pending is None:
                    pending = (i, j)
                continue
            if pending is not None:
                chars.append(" ")
                spans.append(pending)
                pending = None
            chars.append(c)
            spans.append((i, j))
        i = j
    return "".join(chars), spans


def fold(text: str) -> str:
    """Normalise for matching: NFKC (ＡＩ -> ai), casefold, 會 -> 会, collapse whitespace.

    Folding is done per cluster (a character plus its combining marks), so every folded
    character comes from one known place in the original; :func:`fold_map` gives that
    mapping. Control and format characters (RLM, zero-width space) are dropped.
    """
    if text.isascii() and text.isprintable():
        return " ".join(text.lower().split())
    s = text.translate(_TABLE)
    if _SENTINEL in s:  # combining marks present: compose them with their base
        return _fold_spans(text)[0]
    return " ".join(s.split())


def fold_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` plus, for each folded character, the index in ``text`` it came from.

    NFKC may turn one character into several (``ﬁ`` -> ``fi``: both map to the ``ﬁ``) or
    a character plus combining marks into one (the mapping points at the base character).
    """
    folded, spans = _fold_spans(text)
    return folded, [a for a, _ in spans]


def _terms_of(query: str) -> tuple[str, ...]:
    """Folded, de-duplicated terms of a query: its words, split where the script changes.

    ``nato北约`` gives ``nato`` and ``北约``: typed without a space, as people do when
    switching input methods, but each run may match on its own (and by pinyin).
    """
    seen: dict[str, None] = {}
    for word in fold(query).split(" "):
        for t in _RUN_RE.findall(word):
            seen.setdefault(t, None)
    return tuple(seen)


# --------------------------------------------------------------------------- terms


@dataclass(slots=True)
class _Term:
    """A query term with its compiled patterns (compiled once per query term)."""

    text: str
    latin: bool  # only word characters: the token index answers it exactly
    first_word: bool
    last_word: bool
    substring: re.Pattern[str]  # first occurrence per blob line, line consumed
    subseq: re.Pattern[str] | None  # scattered match inside one title
    subseq_blob: re.Pattern[str] | None
    pinyin: re.Pattern[str] | None  # pinyin over a title's key (None: not a pinyin term)
    # Bulk scans only (see pinyin_scan_source: where a match starts, not its span):
    pinyin_blob: re.Pattern[str] | None  # first match in a key blob line, line consumed
    pinyin_first: re.Pattern[str] | None  # ``match`` on one key: starts at its first unit


def _gap_rules(t: str) -> list[str]:
    """How far each character may sit from the previous one: '0', '2' or '*' (anywhere).

    A rule depends only on the character and its predecessor, so the rules of a prefix
    are a prefix of the rules: scattered matching stays closed under extending a term.
    """
    rules = []
    for i in range(1, len(t)):
        if _is_wide(t[i]):
            rules.append("*")
        elif i == 1 and _is_word(t[0]) and _is_word(t[1]):
            rules.append("0")
        else:
            rules.append("2")
    return rules


def _subseq_pattern(t: str, groups: bool) -> str | None:
    """Regex for a scattered match of ``t`` within one line, or None when it adds nothing."""
    if len(t) < 2:
        return None
    rules = _gap_rules(t)
    if all(r == "0" for r in rules):
        return None
    first = re.escape(t[0])
    parts = [f"({first})" if groups else first]
    if _is_word(t[0]):
        parts.append(f"(?<!{_WORD}{first})")
    for i, rule in enumerate(rules, start=1):
        ch = re.escape(t[i])
        cap = f"({ch})" if groups else ch
        no_backtrack = i >= _BACKTRACK_LIMIT or all(r == "*" for r in rules[i - 1 :])
        if rule == "0":
            parts.append(cap)
        elif rule == "2":
            parts.append(f"[^{ch}\\n]{{0,2}}+{cap}" if no_backtrack else f"[^\\n]{{0,2}}?{cap}")
        else:
            parts.append(f"[^{ch}\\n]*+{cap}" if no_backtrack else f"[^\\n]*?{cap}")
    return "".join(parts)


@lru_cache(maxsize=256)
def _term(t: str) -> _Term:
    esc = re.escape(t)
    sub = _subseq_pattern(t, groups=True)
    sub_blob = _subseq_pattern(t, groups=False)
    py = pinyin_pattern(t)
    scan = pinyin_scan_source(t)
    return _Term(
        text=t,
        latin=all(_is_word(c) for c in t),
        first_word=_is_word(t[0]),
        last_word=_is_word(t[-1]),
        substring=re.compile(esc + "[^\n]*"),
        subseq=re.compile(sub) if sub else None,
        subseq_blob=re.compile(sub_blob + "[^\n]*") if sub_blob else None,
        pinyin=py,
        pinyin_blob=re.compile(f"(?:{scan})[^\n]*") if scan else None,
        pinyin_first=re.compile(f"{UNIT}[^{UNIT}\n]*(?:{scan})") if scan else None,
    )


@lru_cache(maxsize=64)
def _literal_term(t: str) -> _Term:
    """``_term(t)`` without pinyin: narrows typo candidates at literal-search cost."""
    return replace(_term(t), pinyin=None, pinyin_blob=None, pinyin_first=None)


def _occurrence_class(term: _Term, title: str, p: int) -> int | None:
    """Class (0-4) of the occurrence of the term at position ``p`` of a folded title.

    None for an occurrence inside a word when the term is too short for that to mean much.
    """
    k = len(term.text)
    after = not term.last_word or p + k == len(title) or not _is_word(title[p + k])
    if p == 0:
        return _START_WHOLE if after else _START
    if not term.first_word or not _is_word(title[p - 1]):
        return _WHOLE if after else _PREFIX
    return _INSIDE if k >= MIDWORD_MIN_LEN else None


def _best_occurrence(term: _Term, title: str) -> tuple[int, int] | None:
    """``(class, position)`` of the best (then earliest) occurrence, or None."""
    t = term.text
    best: tuple[int, int] | None = None
    p = title.find(t)
    while p >= 0:
        cls = _occurrence_class(term, title, p)
        if cls is not None and (best is None or cls < best[0]):
            best = (cls, p)
            if cls <= _WHOLE:  # only a whole word at position 0 beats it, and that came first
                break
        p = title.find(t, p + 1)
    return best


def _narrows(old: str, new: str, pinyin: bool) -> bool:
    """Whether every item matching term ``new`` also matches term ``old``."""
    if not new.startswith(old):
        return False
    if pinyin and not pinyin_narrows(old, new):
        return False  # ``e`` is too short for pinyin; ``xi`` is stricter than ``xia``
    inside_new = len(new) >= MIDWORD_MIN_LEN and _is_word(new[0])
    return not inside_new or len(old) >= MIDWORD_MIN_LEN


def _substring_class(term: _Term, title: str) -> int | None:
    """Best class (0-4) over all occurrences of the term in a folded title."""
    best = _best_occurrence(term, title)
    return None if best is None else best[0]


def _subseq_extra(term: _Term, title: str) -> int | None:
    """Extra characters spanned by the first scattered match, or None."""
    if term.subseq is None:
        return None
    m = term.subseq.search(title)
    if m is None:
        return None
    return m.end() - m.start() - len(term.text)


# --------------------------------------------------------------------------- results


@dataclass
class FuzzyResult:
    """Matching ids, best first, with a score each (higher is better, 0-100).

    The private fields let :meth:`FuzzyIndex.search` decide whether this result may
    narrow the next, longer query.
    """

    query: str
    ids: list[int]
    scores: list[float]
    #: ``ids[:exact_count]`` matched exactly (classes 0-8); the rest by typo tolerance.
    exact_count: int = 0
    _terms: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _owner: int = field(default=0, repr=False, compare=False)
    _size: int = field(default=0, repr=False, compare=False)
    _restrict: list[int] | None = field(default=None, repr=False, compare=False)
    #: Pinyin term -> ascending ids whose key it matched (a superset of its pinyin matches
    #: among the candidates it was scored on): the next, longer term only scans these.
    _pinyin: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)


def _score(max_cls: int, sum_cls: int, n_terms: int) -> float:
    """A 0-100 score that never increases along the ranking order."""
    return 100.0 - 9.0 * max_cls - 8.0 * sum_cls / (9.0 * n_terms)


#: Score of a one-term query, indexed by term code.
_SINGLE_SCORE = [
    score for cls in range(_TYPO) for score in repeat(_score(cls, cls, 1), 1 << _SHIFT)
]


@dataclass(slots=True)
class _Segment:
    """A slice of the folded-title blob: ``\\n`` + titles joined by ``\\n`` + ``\\n``."""

    first: int
    count: int
    blob: str
    line_end: dict[int, int]  # offset of the newline ending a title -> id


#: Format of :func:`pack_folded`'s bytes.
_PACK_VERSION = 2


def _split_lines(joined: str) -> list[str]:
    return joined.split("\n")


def pack_folded(
    titles: Sequence[str],
    sources: Sequence[str],
    authors: Sequence[str],
    keys: Sequence[str | None],
) -> bytes:
    """Folded fields and pinyin keys as bytes for :meth:`FuzzyIndex.from_packed`.

    Keys are packed whatever the pinyin setting (the reader decides). Raises
    ValueError when a field holds a newline (:func:`fold` never leaves one).
    """
    n = len(titles)
    if not len(sources) == len(authors) == len(keys) == n:
        raise ValueError("every column needs one value per title")
    key_ids = [i for i, k in enumerate(keys) if k is not None]
    columns = [
        "\n".join(titles),
        "\n".join(sources),
        "\n".join(authors),
        "\n".join([keys[i] or "" for i in key_ids]),
    ]
    lines = (n, n, n, len(key_ids))
    if any(c.count("\n") != max(k - 1, 0) for c, k in zip(columns, lines, strict=True)):
        raise ValueError("a folded field holds a newline")
    return marshal.dumps(
        (
            _PACK_VERSION,
            n,
            *columns[:3],
            array("q", key_ids).tobytes(),
            columns[3],
        )
    )


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
        self._segments: list[_Segment] = []
        self._keys: dict[int, str] = {}  # id -> pinyin key (titles with Chinese only)
        self._key_ids: list[int] = []  # ids of self._keys, ascending
        self._key_segments: list[_Segment] = []
        self._vocab: list[str] = []
        self._vocab_blob = ""
        self._vocab_ends: dict[int, str] = {}
        self._vocab_size = -1
        self._restrict_cache: tuple[list[int], set[int], dict[int, int]] | None = None
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
        try:
            version, n, titles, sources, authors, key_ids, keys = marshal.loads(data)
        except (EOFError, TypeError, ValueError) as exc:
            raise ValueError(f"not a packed fuzzy index ({exc})") from None
        if version != _PACK_VERSION:
            raise ValueError(f"packed fuzzy index version {version}, not {_PACK_VERSION}")
        index = cls(pinyin=pinyin)
        index._tokenized = False
        split = _split_lines if n else (lambda _joined: [])
        index._titles = split(titles)
        index._lens = list(map(len, index._titles))
        index._sources = split(sources)
        index._authors = split(authors)
        ends = accumulate(map((1).__add__, index._lens))
        line_end = dict(zip(ends, range(n), strict=True))
        index._segments = [_Segment(0, n, f"\n{titles}\n", line_end)]
        if index.pinyin:
            ids = array("q", key_ids).tolist()
            index._keys = dict(zip(ids, split(keys) if ids else [], strict=True))
            index._key_ids = ids
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
        tokens = _TOKEN_RE.findall(ft)
        if tokens:
            postings = self._postings
            for tok in dict.fromkeys(tokens):
                posting = postings.get(tok)
                if posting is None:
                    postings[tok] = [i]
                else:
                    posting.append(i)
            if _is_word(ft[0]):
                self._firsts.setdefault(tokens[0], []).append(i)
        if self.pinyin:
            key = pinyin_key(ft) if folded is None else folded[3]
            if key is not None:
                self._keys[i] = key
                self._key_ids.append(i)
        return i

    def folded(self, i: int) -> tuple[str, str, str, str | None] | None:
        """Item ``i``'s folded fields, for :meth:`add` into a rebuilt index (None: unknown).

        None when pinyin is off: no key was made, and a rebuilt index may want one.
        """
        if not self.pinyin:
            return None
        return (self._titles[i], self._sources[i], self._authors[i], self._keys.get(i))

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

    def prepare(self) -> None:
        """Build the lazy lookup structures now (e.g. in a worker right after loading).

        Otherwise the first searches after items were added pay for them.
        """
        self._blob_segments()
        self._key_blob_segments()
        self._vocabulary()

    def _blob_segments(self) -> list[_Segment]:
        """The blob, with the last segment rebuilt (or new ones made) for added items."""
        n = len(self._titles)
        segs = self._segments
        if segs and segs[-1].count < _SEGMENT and segs[-1].first + segs[-1].count < n:
            segs.pop()
        start = segs[-1].first + segs[-1].count if segs else 0
        while start < n:
            stop = min(start + _SEGMENT, n)
            chunk = self._titles[start:stop]
            ends = accumulate(map((1).__add__, map(len, chunk)))
            line_end = dict(zip(ends, range(start, stop), strict=True))
            segs.append(_Segment(start, stop - start, "\n" + "\n".join(chunk) + "\n", line_end))
            start = stop
        return segs

    def _key_blob_segments(self) -> list[_Segment]:
        """Blob of pinyin keys (lines in id order), extended like :meth:`_blob_segments`."""
        ids = self._key_ids
        n = len(ids)
        segs = self._key_segments
        if segs and segs[-1].count < _SEGMENT and segs[-1].first + segs[-1].count < n:
            segs.pop()
        start = segs[-1].first + segs[-1].count if segs else 0
        keys = self._keys
        while start < n:
            stop = min(start + _SEGMENT, n)
            part = ids[start:stop]
            chunk = list(map(keys.__getitem__, part))
            ends = accumulate(map((1).__add__, map(len, chunk)))
            line_end = dict(zip(ends, part, strict=True))
            segs.append(_Segment(start, stop - start, "\n" + "\n".join(chunk) + "\n", line_end))
            start = stop
        if self._tokenized:  # built with the blob, so :meth:`prepare` pays for it too
            self._first_units()
        return segs

    def _pinyin_code(self, term: _Term, i: int) -> int | None:
        """Class 5/6 code of one item for a pinyin term, or None."""
        key = self._keys.get(i)
        if key is None or term.pinyin is None:
            return None
        span = pinyin_span(key, term.pinyin)
        if span is None:
            return None
        return (_PY_START if span[0] == 0 else _PY) << _SHIFT

    def _pinyin_bulk(
        self,
        term: _Term,
        d: dict[int, int],
        pool: Collection[int] | None,
        hint: list[int] | None = None,
        found: dict[str, list[int]] | None = None,
    ) -> None:
        """Classes 5/6 of the items with a key: one C-speed scan of the key blob.

        ``hint`` (ascending ids, from the previous keystroke's shorter term) holds every
        item that can still match, so only their keys are scanned. Otherwise a big
        candidate pool that is still much smaller than the keyed items gets a blob of
        its own: joining it costs less than scanning everything. Class 5 (a match
        starting at the first character) then comes from :meth:`_pinyin_starts`, which
        looks at a small share of the matched keys: cheaper than a second blob scan (a
        one-query :meth:`from_packed` index rescans the lines instead of building its
        lookup). The ids whose key matched are stored in ``found`` under the term for
        the next keystroke.
        """
        if term.pinyin_blob is None or term.pinyin_first is None:
            return
        keys = self._keys
        # Joining a sub-blob only pays when it is much smaller than the whole key blob.
        small = len(self._key_ids) // 3
        scan: list[int] | None = hint if hint is not None and len(hint) < small else None
        if scan is None and pool is not None and len(pool) < small:
            scan = sorted(filter(keys.__contains__, pool))
        if scan is not None:
            chunk = list(map(keys.__getitem__, scan))
            ends = accumulate(map((1).__add__, map(len, chunk)))
            blob = "\n" + "\n".join(chunk) + "\n"
            segs = [_Segment(0, len(scan), blob, dict(zip(ends, scan, strict=True)))]
        else:
            segs = self._key_blob_segments()
        matched: list[int] = []
        for seg in segs:
            hits = map(_MATCH_END, term.pinyin_blob.finditer(seg.blob))
            matched += map(seg.line_end.__getitem__, hits)
        if matched:
            hit = dict.fromkeys(matched, _PY << _SHIFT)
            d.update(hit)
            starts: Iterable[int]
            if self._tokenized:
                starts = self._pinyin_starts(term, term.pinyin_first, hit)
            else:  # one query (from_packed): a line-anchored scan beats building the index
                first = re.compile(f"\n{term.pinyin_first.pattern}[^\n]*")
                starts = chain.from_iterable(
                    map(seg.line_end.__getitem__, map(_MATCH_END, first.finditer(seg.blob)))
                    for seg in segs
                )
            d.update(zip(starts, repeat(_PY_START << _SHIFT)))
        if found is not None:
            found[term.text] = matched

    def _pinyin_starts(
        self, term: _Term, first: re.Pattern[str], hit: Collection[int]
    ) -> Iterable[int]:
        """The ids in ``hit`` whose key matches the term from its first unit (class 5).

        Why: only items whose first character has a reading starting with the term's
        first letter can (:meth:`_first_units`). Where one of those readings takes the
        whole term (中 for ``zho``) every such item does; the others are checked key by
        key with ``first`` (a ``match`` from the key's start).
        """
        t = term.text
        groups = self._first_units().get(t[0], {})
        readings = self._py_first_readings
        whole: list[list[int]] = []
        check: list[list[int]] = []
        for unit, ids in groups.items():
            if len(t) == SHORT_PINYIN:  # a two-letter term takes a whole syllable
                takes = t in readings[unit]
            else:
                takes = any(r.startswith(t) for r in readings[unit])
            (whole if takes else check).append(ids)
        cands = list(filter(hit.__contains__, chain.from_iterable(check)))
        firsts = map(first.match, map(self._keys.__getitem__, cands))
        return chain(filter(hit.__contains__, chain.from_iterable(whole)), compress(cands, firsts))

    def _first_units(self) -> dict[str, dict[str, list[int]]]:
        """Letter -> first unit -> ascending ids of the keys starting with that unit.

        A unit is filed under the first letter of each of its readings. Extended for
        keys added since the last call; kept in attributes ``_py_first_*`` created here
        on first use (each unit's readings, lower case, in ``_py_first_readings``).
        """
        done: int = getattr(self, "_py_first_done", 0)
        by_letter: dict[str, dict[str, list[int]]] = getattr(self, "_py_first_ids", {})
        readings: dict[str, tuple[str, ...]] = getattr(self, "_py_first_readings", {})
        ids = self._key_ids
        if done < len(ids):
            new = ids[done:]
            # The text between the first two unit markers, at C speed.
            tails = map(_FROM_SECOND, map(self._keys.__getitem__, new))
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
            self._py_first_done = len(ids)
            self._py_first_ids = by_letter
            self._py_first_readings = readings
        return by_letter

    def _scan(self, pattern: re.Pattern[str]) -> list[int]:
        """Ids of the titles with a match (pattern must consume the rest of its line)."""
        out: list[int] = []
        for seg in self._blob_segments():
            out.extend(map(seg.line_end.__getitem__, map(_MATCH_END, pattern.finditer(seg.blob))))
        return out

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

    def _code(self, term: _Term, i: int) -> int | None:
        """Reference scorer: the term's code for one item (``class << 32 | extra``)."""
        title = self._titles[i]
        cls = _substring_class(term, title)
        if cls is not None:
            return cls << _SHIFT
        if self.pinyin and term.pinyin is not None:
            py = self._pinyin_code(term, i)
            if py is not None:
                return py
        extra = _subseq_extra(term, title)
        if extra is not None:
            return _SCATTER << _SHIFT | min(extra, _EXTRA_MASK)
        t = term.text
        if t in self._sources[i] or t in self._authors[i]:
            return _META << _SHIFT
        return None

    def _codes_in(
        self, term: _Term, pool: Iterable[int], stop: Callable[[], bool]
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
        term: _Term,
        stop: Callable[[], bool],
        pool: Collection[int] | None = None,
        hint: list[int] | None = None,
        found: dict[str, list[int]] | None = None,
    ) -> dict[int, int]:
        """Score every item, using the token index or one blob scan, not a loop over all."""
        t = term.text
        d: dict[int, int] = {}
        # Worst class first: later updates overwrite with better classes.
        meta = _META << _SHIFT
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
            for k, i in enumerate(self._scan(pattern)):
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
            scattered = _SCATTER << _SHIFT
            for k, i in enumerate(cands):
                if k % _CHECK_EVERY == 0 and stop():
                    raise SearchCancelled
                m = subseq.search(titles[i])
                if m is not None:
                    d[i] = scattered | min(m.end() - m.start() - len(t), _EXTRA_MASK)
        if self.pinyin:
            self._pinyin_bulk(term, d, pool, hint, found)
        d.update(sub)
        return d

    def _codes_scanned(
        self,
        term: _Term,
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
            self._pinyin_bulk(term, d, pool, hint, found)
        candidates = set(self._scan(term.substring))
        if term.subseq_blob is not None:
            candidates.update(self._scan(term.subseq_blob))
        d.update(self._codes_in(term, candidates, stop))
        return d

    def _latin_substring(self, t: str, d: dict[int, int]) -> None:
        """Classes 0-4 of a word-characters-only term, straight from the token index."""
        postings = self._postings
        self._vocabulary()
        ends = self._vocab_ends
        inside = _INSIDE << _SHIFT
        if len(t) >= MIDWORD_MIN_LEN:
            for end in map(_MATCH_END, _term(t).substring.finditer(self._vocab_blob)):
                d.update(zip(postings[ends[end]], repeat(inside)))
        prefixed = self._prefix_tokens(t)
        firsts = self._firsts
        for tok in prefixed:
            d.update(zip(postings[tok], repeat(_PREFIX << _SHIFT)))
        for tok in prefixed:
            d.update(zip(firsts.get(tok, ()), repeat(_START << _SHIFT)))
        d.update(zip(postings.get(t, ()), repeat(_WHOLE << _SHIFT)))
        d.update(zip(firsts.get(t, ()), repeat(_START_WHOLE << _SHIFT)))

    def _term_codes(
        self,
        term: _Term,
        pool: Collection[int] | None,
        stop: Callable[[], bool],
        hint: list[int] | None = None,
        found: dict[str, list[int]] | None = None,
    ) -> dict[int, int]:
        """Codes of the items (of ``pool``, if given) matching one term.

        ``hint``/``found``: see :meth:`_pinyin_bulk` (only the bulk path uses them).
        """
        if pool is not None and len(pool) <= _POOL_MAX:
            return self._codes_in(term, pool, stop)
        d = self._codes_bulk(term, stop, pool, hint, found)
        if pool is None:
            return d
        keys = d.keys() & (pool if isinstance(pool, (set, frozenset)) else set(pool))
        return dict(zip(keys, map(d.__getitem__, keys), strict=True))

    # ----------------------------------------------------------------- search

    def _restriction(self, ids: Sequence[int]) -> tuple[list[int], set[int], dict[int, int]]:
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
        if not all(any(_narrows(p, t, self.pinyin) for t in terms) for p in previous._terms):
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
        terms = _terms_of(query)
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
            d = self._term_codes(_term(t), pool, stop, hint, found)
            per_term.append(d)
            pool = d.keys()
            if stop():
                raise SearchCancelled

        ranked, scores = self._rank(per_term, pool, restrict)  # type: ignore[arg-type]
        exact = len(ranked)
        if exact < FEW_RESULTS:
            extra_ids, extra_scores = self._typo_matches(terms, set(ranked), restrict, stop)
            ranked += extra_ids
            scores += extra_scores
        return FuzzyResult(query, ranked, scores, exact, _pinyin=found, **meta)

    def _pinyin_hint(self, previous: FuzzyResult | None, t: str) -> list[int] | None:
        """Ascending ids that may match term ``t`` by pinyin, from ``previous`` (or None).

        Only valid when ``previous`` narrows this search (:meth:`_reusable_pool`): then
        the candidates are the old term's key matches plus the items added since.
        """
        if previous is None or not self.pinyin or _term(t).pinyin is None:
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
            key_ids = self._key_ids
            best = best + key_ids[bisect_left(key_ids, previous._size) :]
        return best

    def _rank(
        self,
        per_term: list[dict[int, int]],
        keys: Collection[int],
        restrict: tuple[list[int], set[int], dict[int, int]] | None,
    ) -> tuple[list[int], list[float]]:
        """Order the items that matched every term."""
        lens = self._lens
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
            classes = [c >> _SHIFT for c in codes]
            extra = sum(c & _EXTRA_MASK for c in codes)
            keyed.append((max(classes), sum(classes), extra, lens[i], i))
        keyed.sort(key=lambda x: x[:4])  # stable: ties keep the base order
        return [x[4] for x in keyed], [_score(x[0], x[1], k) for x in keyed]

    def _typo_matches(
        self,
        terms: tuple[str, ...],
        exclude: set[int],
        restrict: tuple[list[int], set[int], dict[int, int]] | None,
        stop: Callable[[], bool],
    ) -> tuple[list[int], list[float]]:
        """Class 9: every term matches exactly or, when long enough, with a typo.

        A typo is only looked for after the first half of a term: candidates must match
        every long term's first half exactly, which keeps this cheap and deterministic
        (the same answer whether or not ``previous`` was used). Candidates are found
        without pinyin (typos are in Latin titles); each term is then checked in full.
        """
        if not any(len(t) >= FUZZY_MIN_LEN for t in terms):
            return [], []
        pool: Collection[int] | None = restrict[1] if restrict is not None else None
        for t in sorted(terms, key=len, reverse=True):
            relaxed = t[: max(2, (len(t) + 1) // 2)] if len(t) >= FUZZY_MIN_LEN else t
            pool = self._term_codes(_literal_term(relaxed), pool, stop).keys()
            if not pool:
                return [], []
        assert pool is not None
        rank = restrict[2] if restrict is not None else None
        keyed = []
        for k, i in enumerate(pool):
            if k % _CHECK_EVERY == 0 and stop():
                raise SearchCancelled
            if i in exclude:
                continue
            worst = 100.0
            for t in terms:
                if self._code(_term(t), i) is not None:
                    continue
                r = 0.0
                if len(t) >= FUZZY_MIN_LEN:
                    r = _fuzz().partial_ratio(t, self._titles[i], score_cutoff=FUZZY_CUTOFF)
                if not r:
                    break
                worst = min(worst, r)
            else:
                keyed.append((-worst, self._lens[i], rank[i] if rank else i, i))
        keyed.sort()
        top = 100.0 - 9.0 * _TYPO
        return [x[3] for x in keyed], [top * -x[0] / 100.0 for x in keyed]

    # ----------------------------------------------------------------- display

    def highlight(self, query: str, title: str, item: int | None = None) -> list[int]:
        """Indices of ``title`` (the original, unfolded string) to highlight for ``query``.

        ``item``: the title's id here, if known; its stored pinyin key is then reused
        (keys loaded from the persistent index spare the app pypinyin's 57 MB).
        """
        folded, spans = _fold_spans(title)
        marked: set[int] = set()
        key: str | None = None
        if self.pinyin:
            known = item is not None and 0 <= item < len(self._titles)
            if known and self._titles[item] == folded:  # type: ignore[index]
                key = self._keys.get(item)  # type: ignore[arg-type]
            else:
                key = pinyin_key(folded)
        for t in _terms_of(query):
            term = _term(t)
            positions = _best_positions(term, folded, key)
            for p in positions:
                a, b = spans[p]
                marked.update(range(a, b))
        return sorted(marked)


def _best_positions(term: _Term, folded: str, key: str | None) -> list[int]:
    """Folded positions of the match that decided the term's class (empty if none).

    ``key`` is the folded title's pinyin key (None: pinyin off or no Chinese); a pinyin
    match marks the Chinese characters it covered.
    """
    k = len(term.text)
    best = _best_occurrence(term, folded)
    if best is not None:
        return list(range(best[1], best[1] + k))
    if key is not None and term.pinyin is not None:
        span = pinyin_span(key, term.pinyin)
        if span is not None:
            return list(range(span[0], span[1] + 1))
    if term.subseq is not None:
        m = term.subseq.search(folded)
        if m is not None:
            return [m.start(g) for g in range(1, k + 1)]
    if k >= FUZZY_MIN_LEN:
        al = _fuzz().partial_ratio_alignment(term.text, folded, score_cutoff=FUZZY_CUTOFF)
        if al is not None:
            return [p for p in range(al.dest_start, al.dest_end) if folded[p] != " "]
    return []
