"""Query terms: how a query splits into terms, their compiled patterns, per-title classes.

The match classes (see :mod:`tui.search.fuzzy`) are defined here, with the reference
answer for one term against one folded title: the index's bulk paths must agree with it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import groupby
from typing import Any

from tui.cjk import WIDE_RANGES, char_class
from tui.search.chinese import UNIT, pinyin_narrows, pinyin_pattern, pinyin_scan_source, pinyin_span
from tui.search.fold import fold

#: Latin terms shorter than this only match at word starts (``ai`` is not in ``said``).
MIDWORD_MIN_LEN = 3
#: Latin terms shorter than this never match by typo (``nato`` is one edit from too much).
TYPO_MIN_LEN = 5
#: Title words shorter than this are never a typo's target (a 5-letter term minus one).
TYPO_WORD_MIN_LEN = TYPO_MIN_LEN - 1

# Match classes, best first (the table in :mod:`tui.search.fuzzy`).
START_WHOLE, WHOLE, START, PREFIX, INSIDE, PY_START, PY, SCATTER, META, TYPO = range(10)
#: A term code is ``class << SHIFT | extra``: small ints sort fastest.
SHIFT = 12
EXTRA_MASK = (1 << SHIFT) - 1
#: Gap patterns from this term position on never backtrack (bounds regex work).
_BACKTRACK_LIMIT = 8

# Scripts written without spaces between words: their characters may scatter and
# every position counts as a word boundary.
_WIDE_CLASS = char_class(WIDE_RANGES)
#: A word character of a space-separated script (Latin, Cyrillic, digits...).
_WORD = f"[^\\W_{_WIDE_CLASS}]"
#: First code points of :data:`WIDE_RANGES`, for :func:`_in_wide` (a bisect, no regex).
_WIDE_FIRSTS = tuple(first for first, _ in WIDE_RANGES)
#: A folded (lower-case) word of Latin letters only: what typo tolerance applies to.
#: Basic Latin, Latin-1 (minus the sign ÷), Extended-A/B and Extended Additional.
_LATIN = "a-z\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff"
LATIN_WORD_RE = re.compile(f"[{_LATIN}]+")
#: A run of Latin letters long enough to be a typo's target (see :func:`typo_vocabulary`).
_LATIN_RUN_RE = re.compile(f"[{_LATIN}]{{{TYPO_WORD_MIN_LEN},}}")


@cache
def _rapidfuzz() -> tuple[Any, Any]:
    """rapidfuzz's ``OSA`` distance (Damerau with adjacent swaps) and ``process``, imported late.

    Only typo tolerance needs them, and a one-shot ``newsdeck list --filter`` usually
    does not: rapidfuzz's import is a tenth of that command's start-up.
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    return OSA, process


def near_words(t: str, words: Sequence[str]) -> list[str]:
    """The ``words`` within one edit or one swap of neighbours of ``t`` (one C-level pass)."""
    osa, process = _rapidfuzz()
    found = process.extract(t, words, scorer=osa.distance, score_cutoff=1, limit=None)
    return [w for w, _, _ in found]


def typo_term(t: str) -> bool:
    """Whether term ``t`` (folded) may match a title word by typo: 5+ Latin letters."""
    return len(t) >= TYPO_MIN_LEN and LATIN_WORD_RE.fullmatch(t) is not None


def typo_word(word: str) -> bool:
    """Whether a title word (a token, folded) may be a typo's target: 4+ Latin letters."""
    return len(word) >= TYPO_WORD_MIN_LEN and LATIN_WORD_RE.fullmatch(word) is not None


def typo_vocabulary(text: str) -> list[str]:
    """The distinct words of folded ``text`` (titles joined by newlines) typos may aim at.

    What :meth:`~tui.search.fuzzy.FuzzyIndex.add` collects title by title, in one pass,
    plus runs of 4+ Latin letters inside longer tokens (``covid`` of ``covid19``): a
    superset quicker to find (no word boundaries to test at every character), and
    harmless, because the titles holding a typo's word are then found as whole words.
    """
    return list(dict.fromkeys(_LATIN_RUN_RE.findall(text)))


def buckets(words: Iterable[str]) -> dict[int, list[str]]:
    """``words`` by length (typos are looked for among words of ``len(term) ± 1`` only)."""
    out: dict[int, list[str]] = {}
    for w in words:
        out.setdefault(len(w), []).append(w)
    return out


def whole_word(word: str) -> re.Pattern[str]:
    """``word`` as a whole word, then the rest of its line (a blob scan at literal speed)."""
    w = re.escape(word)
    return re.compile(f"{w}(?<!{_WORD}{w})(?!{_WORD})[^\n]*")


def is_typo_of(t: str, word: str) -> bool:
    """Whether ``word`` is one edit or one swap of neighbours away from ``t``, not equal.

    The reference answer of class ``TYPO`` for one word (the index looks words up in
    bulk, see :meth:`~tui.search.fuzzy.FuzzyIndex.search`).
    """
    if word == t or abs(len(word) - len(t)) > 1 or not typo_word(word):
        return False
    return int(_rapidfuzz()[0].distance(t, word, score_cutoff=1)) <= 1


@cache
def token_re() -> re.Pattern[str]:
    """A word of a space-separated script: the token index's unit (compiled on first use).

    Why late: compiling a class of the wide ranges walks every code point in them
    (~5 ms a pattern), a cost a one-query ``newsdeck list --filter`` need not pay.
    """
    return re.compile(_WORD + "+")


def _in_wide(ch: str) -> bool:
    """Whether ``ch`` lies in :data:`WIDE_RANGES` (``[{_WIDE_CLASS}]`` without a regex)."""
    cp = ord(ch)
    k = bisect_right(_WIDE_FIRSTS, cp) - 1
    return k >= 0 and cp <= WIDE_RANGES[k][1]


@cache
def is_word(ch: str) -> bool:
    """Whether ``ch`` is a word character of a space-separated script.

    The same as matching ``_WORD`` (``\\w`` is ``str.isalnum`` or ``_``), without compiling it.
    """
    return ch.isalnum() and not _in_wide(ch)


@cache
def _is_wide(ch: str) -> bool:
    """Whether ``ch`` is a letter of a script written without spaces (CJK, kana, hangul)."""
    return ch.isalnum() and _in_wide(ch)


def terms_of(query: str) -> tuple[str, ...]:
    """Folded, de-duplicated terms of a query: its words, split where the script changes.

    ``nato北约`` gives ``nato`` and ``北约``: typed without a space, as people do when
    switching input methods, but each run may match on its own (and by pinyin).
    """
    seen: dict[str, None] = {}
    for word in fold(query).split(" "):
        for _, run in groupby(word, _in_wide):  # runs of one script class
            seen.setdefault("".join(run), None)
    return tuple(seen)


@dataclass(slots=True)
class Term:
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
        elif i == 1 and is_word(t[0]) and is_word(t[1]):
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
    if is_word(t[0]):
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
def compile_term(t: str) -> Term:
    """The term ``t`` (folded) with every pattern compiled (cached per term)."""
    esc = re.escape(t)
    sub = _subseq_pattern(t, groups=True)
    sub_blob = _subseq_pattern(t, groups=False)
    py = pinyin_pattern(t)
    scan = pinyin_scan_source(t)
    return Term(
        text=t,
        latin=all(is_word(c) for c in t),
        first_word=is_word(t[0]),
        last_word=is_word(t[-1]),
        substring=re.compile(esc + "[^\n]*"),
        subseq=re.compile(sub) if sub else None,
        subseq_blob=re.compile(sub_blob + "[^\n]*") if sub_blob else None,
        pinyin=py,
        pinyin_blob=re.compile(f"(?:{scan})[^\n]*") if scan else None,
        pinyin_first=re.compile(f"{UNIT}[^{UNIT}\n]*(?:{scan})") if scan else None,
    )


def _occurrence_class(term: Term, title: str, p: int) -> int | None:
    """Class (0-4) of the occurrence of the term at position ``p`` of a folded title.

    None for an occurrence inside a word when the term is too short for that to mean much.
    """
    k = len(term.text)
    after = not term.last_word or p + k == len(title) or not is_word(title[p + k])
    if p == 0:
        return START_WHOLE if after else START
    if not term.first_word or not is_word(title[p - 1]):
        return WHOLE if after else PREFIX
    return INSIDE if k >= MIDWORD_MIN_LEN else None


def _best_occurrence(term: Term, title: str) -> tuple[int, int] | None:
    """``(class, position)`` of the best (then earliest) occurrence, or None."""
    t = term.text
    best: tuple[int, int] | None = None
    p = title.find(t)
    while p >= 0:
        cls = _occurrence_class(term, title, p)
        if cls is not None and (best is None or cls < best[0]):
            best = (cls, p)
            if cls <= WHOLE:  # only a whole word at position 0 beats it, and that came first
                break
        p = title.find(t, p + 1)
    return best


def narrows(old: str, new: str, pinyin: bool) -> bool:
    """Whether every item matching term ``new`` also matches term ``old``."""
    if not new.startswith(old):
        return False
    if pinyin and not pinyin_narrows(old, new):
        return False  # ``e`` is too short for pinyin; ``xi`` is stricter than ``xia``
    inside_new = len(new) >= MIDWORD_MIN_LEN and is_word(new[0])
    return not inside_new or len(old) >= MIDWORD_MIN_LEN


def substring_class(term: Term, title: str) -> int | None:
    """Best class (0-4) over all occurrences of the term in a folded title."""
    best = _best_occurrence(term, title)
    return None if best is None else best[0]


def subseq_extra(term: Term, title: str) -> int | None:
    """Extra characters spanned by the first scattered match, or None."""
    if term.subseq is None:
        return None
    m = term.subseq.search(title)
    if m is None:
        return None
    return m.end() - m.start() - len(term.text)


def best_positions(term: Term, folded: str, key: str | None) -> list[int]:
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
    if typo_term(term.text):
        for m in token_re().finditer(folded):
            if is_typo_of(term.text, m.group()):
                return list(range(m.start(), m.end()))
    return []
