"""Same story, other copies: the folds, signatures and scores for duplicates and related.

Why its own module: the index computes these in its worker processes and the store
compares them later, so both sides must fold and hash exactly alike; everything that
decides "same text" or "same story" lives here, free of any database.

Two questions, two tools:

- **Duplicates** (the same text, maybe in the other script, truncated, re-headed or
  with a byline added). :func:`dup_shingles` folds the story title (feed boilerplate
  such as ``– 法国国际广播电台 - RFI`` dropped) and the first :data:`LEAD_CHARS`
  letters of the text (NFKC, casefold, Traditional -> Simplified, punctuation and
  whitespace dropped) into character 3-gram hashes. :func:`dup_keys` turns those into
  LSH bucket keys: a MinHash signature of :data:`BANDS` x :data:`ROWS` values (one
  permutation, densified, so one hash per shingle) cut into bands, plus the exact head
  of the text. Articles sharing a key are only *candidates*; :func:`same_text` decides
  on the exact shingle sets, so no signature noise reaches the user.
- **Related coverage** (the same event in other words). :func:`story_terms` gives the
  title's terms (CJK bigrams, Latin words, numbers) and the lead's, as 32-bit hashes;
  :func:`related_score` is a weighted cosine of two articles' terms, damped by the
  days between them and by numbers in both titles that disagree (the daily
  "人民币中间价" report is a new story every day).

Hashes are deterministic (never Python's salted ``hash``): they are stored in the index.
"""

from __future__ import annotations

import math
import re
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from tui.cjk import CJK_CLASS
from tui.search.fold import fold

__all__ = [
    "BANDS",
    "LEAD_CHARS",
    "MIN_DUP_CHARS",
    "RELATED_THRESHOLD",
    "ROWS",
    "DupText",
    "Features",
    "Signatures",
    "StoryTerms",
    "dup_features",
    "dup_keys",
    "dup_shingles",
    "dup_text",
    "fold_compact",
    "grams_agree",
    "pack_keys",
    "related_score",
    "same_text",
    "signatures",
    "story_terms",
    "story_title",
    "term_key",
    "terms_of",
    "title_grams",
    "title_keys",
    "titles_agree",
    "unpack_keys",
]

#: Folded characters of the text's start that a duplicate is judged on.
LEAD_CHARS = 400
#: Folded characters of head that, when equal, make two articles candidates.
HEAD_CHARS = 48
#: Fewer folded characters (title and lead together) than this: never folded as a copy.
MIN_DUP_CHARS = 12
#: MinHash bands and rows per band: ``BANDS * ROWS`` values per signature. With 8 x 4,
#: pairs of Jaccard 0.8 become candidates 98.5% of the time, of 0.3 about 6%.
BANDS, ROWS = 8, 4
#: Share of the smaller shingle set found in the larger that makes two texts copies.
SAME_LEAD = 0.8
#: Related coverage scores below this are not shown.
RELATED_THRESHOLD = 0.12
#: Days over which a related score halves.
HALF_LIFE_DAYS = 2.0

_SIG = BANDS * ROWS
_MASK64 = (1 << 64) - 1
_MASK62 = (1 << 62) - 1
_SEED = 20_260_601
_NOT_WORD = re.compile(r"[\W_]+")
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_LATIN = re.compile(r"[a-z][a-z0-9'’\-]*[a-z0-9]|[a-z]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: A title's trailing feed boilerplate: `` – 法国国际广播电台 - RFI``, `` - 要闻解说``,
#: `` - iYouPort``, ``_1048556`` (a spaced dash or bar, then a short tail).
_TAIL = re.compile(r"(?:\s+[-–—|｜]\s*|\s*[|｜]\s*)[^-–—|｜]{1,16}$|_\d{5,}$")
#: A title's leading tag: ``[國際] ``, ``【旧闻重温】``, ``焦点：``, ``法广｜``, ``美国之音 | ``.
_HEAD_TAG = re.compile(
    r"^(?:\[[^\]]{1,8}\]\s*|【[^】]{1,8}】\s*|(?:焦点|独家|快讯|解读|更新|视频|图)[：:]\s*"
    r"|[^\s|｜:：]{1,6}\s*[|｜]\s*)"
)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "to",
        "was",
        "were",
        "will",
        "with",
        "after",
        "over",
        "says",
        "said",
        "new",
        "rfi",
    ]
)
_CONTROL = dict.fromkeys(range(0x20), " ")


def story_title(title: str) -> str:
    """The title without its feed boilerplate (site suffixes, section tags, file ids)."""
    text = " ".join(title.translate(_CONTROL).split())
    for _ in range(3):
        cut = _TAIL.sub("", text).rstrip()
        if cut == text or len(cut) < 4:
            break
        text = cut
    for _ in range(2):
        cut = _HEAD_TAG.sub("", text, count=1).lstrip()
        if cut == text or len(cut) < 4:
            break
        text = cut
    return text


def fold_compact(text: str) -> str:
    """:func:`_fold`, keeping only letters and digits."""
    return _NOT_WORD.sub("", fold(text))


@dataclass(frozen=True, slots=True)
class Features:
    """What a duplicate is judged on: the folded story title and the folded lead."""

    title: str
    lead: str

    @property
    def size(self) -> int:
        return len(self.title) + len(self.lead)


def _folded_lead(text: str) -> str:
    """The folded start of ``text``: enough for :data:`LEAD_CHARS` letters and the terms."""
    take = LEAD_CHARS + 240
    lead = fold(text[:take])
    if len(text) > take and len(_NOT_WORD.sub("", lead)) < LEAD_CHARS:
        lead = fold(text[: LEAD_CHARS * 4])  # spaced-out (Latin) text: fold more
    return lead


def _features(folded_title: str, folded_lead: str) -> Features:
    return Features(_NOT_WORD.sub("", folded_title), _NOT_WORD.sub("", folded_lead)[:LEAD_CHARS])


def dup_features(title: str, text: str) -> Features:
    """The folded story title and the first :data:`LEAD_CHARS` folded letters of ``text``."""
    return _features(fold(story_title(title)), _folded_lead(text))


def _grams(text: str) -> list[str]:
    """Character 3-grams of ``text`` (a one- or two-character text is one gram of itself)."""
    if len(text) < 3:
        return [text] if text else []
    return [text[i : i + 3] for i in range(len(text) - 2)]


def _joined(features: Features) -> str:
    # "|" never survives folding, so no gram spans the title and the lead by accident.
    return f"{features.title}|{features.lead}"


def dup_shingles(features: Features) -> set[str]:
    """The shingle set of a title and lead: character 3-grams of the two, joined."""
    return set(_grams(_joined(features)))


def _signature(shingles: list[str]) -> list[int]:
    """A MinHash signature of ``BANDS * ROWS`` values (rensa: hashing in Rust, 4x faster)."""
    from rensa import RMinHash

    minhash = RMinHash(_SIG, _SEED)
    minhash.update(shingles)
    return list(minhash.digest())


def _mix(values: Sequence[int], salt: int) -> int:
    """A deterministic 62-bit key (SQLite integers are signed 64-bit) of a few integers."""
    h = 0xCBF29CE484222325 ^ salt
    for v in values:
        h = ((h ^ v) * 0x100000001B3) & _MASK64
        h ^= h >> 31
    return h & _MASK62


def dup_keys(features: Features) -> tuple[int, ...]:
    """The LSH bucket keys of an article: one per MinHash band, plus its exact head.

    Empty when the title and lead are too short to tell a copy from a coincidence.
    """
    if features.size < MIN_DUP_CHARS:
        return ()
    sig = _signature(_grams(_joined(features)))
    keys = [_mix(sig[i * ROWS : (i + 1) * ROWS], i) for i in range(BANDS)]
    head = features.lead[:HEAD_CHARS]
    if len(head) == HEAD_CHARS:
        keys.append(_mix([zlib.crc32(head.encode())], 0xD0))
    return tuple(dict.fromkeys(keys))


@dataclass(frozen=True, slots=True)
class DupText:
    """:class:`Features` with the shingle sets :func:`same_text` compares, made once.

    Worth it when one article is compared with many (linking a whole build).
    """

    features: Features
    shingles: frozenset[str]
    lead_grams: frozenset[str]


def dup_text(features: Features) -> DupText:
    """The :class:`DupText` of ``features``."""
    return DupText(features, frozenset(dup_shingles(features)), frozenset(_grams(features.lead)))


def same_text(a: Features | DupText, b: Features | DupText) -> bool:
    """Whether two articles are copies of one text (the exact check after LSH).

    Copies share most of their lead: :data:`SAME_LEAD` of the smaller one's shingles
    (a truncated copy or an added byline keep that), their titles agree
    (:func:`titles_agree`: boilerplate and script aside) and the shorter lead's numbers
    are all in the longer one, so two reports built from one template (the daily
    market close, another day's rate) are not folded.
    """
    fa = a.features if isinstance(a, DupText) else a
    fb = b.features if isinstance(b, DupText) else b
    if fa.size < MIN_DUP_CHARS or fb.size < MIN_DUP_CHARS:
        return False
    da = a if isinstance(a, DupText) else dup_text(a)
    db = b if isinstance(b, DupText) else dup_text(b)
    sa, sb = da.shingles, db.shingles
    small = min(len(sa), len(sb))
    if not small or len(sa & sb) / small < SAME_LEAD:
        return False
    if not fa.lead or not fb.lead:
        return fa.title == fb.title and fa.lead == fb.lead
    la, lb = da.lead_grams, db.lead_grams
    lead_share = len(la & lb) / max(1, min(len(la), len(lb)))
    if lead_share < SAME_LEAD:
        return False
    return (
        titles_agree(fa.title, fb.title)
        and _title_numbers_agree(fa.title, fb.title)
        and _numbers_agree(fa.lead, fb.lead)
    )


def titles_agree(a: str, b: str) -> bool:
    """Whether two folded story titles share half the 3-grams of the shorter one.

    A copy keeps its title, give or take a prefix, a suffix or the script; two texts
    that only share a templated or boilerplate lead have different titles.
    """
    return grams_agree(title_grams(a), title_grams(b))


def title_grams(title: str) -> frozenset[str]:
    """The 3-grams :func:`titles_agree` compares (keep them when comparing one title often)."""
    return frozenset(_grams(fold_compact(title)))


def grams_agree(ta: frozenset[str], tb: frozenset[str]) -> bool:
    """:func:`titles_agree` on :func:`title_grams`."""
    return len(ta & tb) / max(1, min(len(ta), len(tb))) >= 0.5


def _title_numbers_agree(a: str, b: str) -> bool:
    """One title's numbers are all in the other's (titles are never cut: no exception).

    "Bulk article 000" and "Bulk article 003" with leads "bulk text 0" / "bulk text 3"
    passed every other check (the leads' last numbers count as cut by truncation).
    """
    na, nb = set(_NUMBER.findall(a)), set(_NUMBER.findall(b))
    return na <= nb or nb <= na


def _numbers_agree(a: str, b: str) -> bool:
    """The shorter lead's numbers all appear in the longer one (a copy keeps its figures)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    # A number cut by truncation (the last one) is not held against the copy.
    nums = _NUMBER.findall(short)[:-1] if short and short[-1].isdigit() else _NUMBER.findall(short)
    have = set(_NUMBER.findall(long))
    return all(n in have for n in nums)


# --------------------------------------------------------------------------- related


@dataclass(frozen=True, slots=True)
class StoryTerms:
    """An article's story terms: the title's, the lead's not in the title, the title's numbers."""

    title: frozenset[str]
    lead: frozenset[str]
    #: Numbers in the title (a differing figure means another report).
    numbers: frozenset[str]


#: Folded lead characters the related terms are taken from.
TERM_LEAD_CHARS = 200


def _terms(text: str) -> tuple[list[str], list[str]]:
    """Words of a folded text: CJK bigrams and Latin words; and its numbers."""
    words: list[str] = []
    for run in _CJK_RUN.findall(text):
        if len(run) > 1:
            words += [run[i : i + 2] for i in range(len(run) - 1)]
    rest = _CJK_RUN.sub(" ", text)
    words += [w for w in _LATIN.findall(rest) if w not in _STOP and len(w) > 1]
    numbers = ["#" + n for n in _NUMBER.findall(rest) if len(n) > 1 or n != "0"]
    return words, numbers


def terms_of(folded_title: str, folded_lead: str) -> StoryTerms:
    """The story terms of a stored folded title and lead (see :class:`Signatures`)."""
    t_words, t_numbers = _terms(folded_title)
    l_words, l_numbers = _terms(folded_lead)
    title = frozenset(t_words) | frozenset(t_numbers)
    return StoryTerms(
        title, frozenset(l_words) | frozenset(l_numbers[:12]) - title, frozenset(t_numbers)
    )


def term_key(term: str) -> int:
    """The stored 32-bit hash of one term."""
    return zlib.crc32(term.encode())


def title_keys(folded_title: str) -> tuple[int, ...]:
    """:func:`term_key` of a folded title's terms: the postings that find related candidates."""
    words, numbers = _terms(folded_title)
    return tuple(dict.fromkeys(term_key(w) for w in (*words, *numbers)))


def story_terms(title: str, text: str) -> StoryTerms:
    """The terms an article's story is recognised by (see :func:`related_score`)."""
    folded_title = fold(story_title(title))
    return terms_of(folded_title, _term_lead(_folded_lead(text)))


def _term_lead(folded_lead: str) -> str:
    return " ".join(folded_lead[: TERM_LEAD_CHARS * 2].split())[:TERM_LEAD_CHARS]


@dataclass(frozen=True, slots=True)
class Signatures:
    """Everything the index stores about an article for duplicates and related coverage."""

    #: LSH bucket keys (:func:`dup_keys`); empty when too short to fold.
    keys: tuple[int, ...]
    #: The folded story title and the folded start of the text (:func:`terms_of`).
    title: str
    lead: str
    #: :func:`title_keys` of the title.
    postings: tuple[int, ...]
    #: Characters of plain text: the fullest copy of a group is the one shown.
    size: int


def signatures(title: str, text: str) -> Signatures:
    """:func:`dup_keys` and the story terms of an article, folding its text once."""
    folded_title = fold(story_title(title))
    folded_lead = _folded_lead(text)
    return Signatures(
        dup_keys(_features(folded_title, folded_lead)),
        folded_title,
        _term_lead(folded_lead),
        title_keys(folded_title),
        len(text),
    )


def pack_keys(keys: Sequence[int]) -> bytes:
    """Integers (bucket keys or term hashes, below 2**63) as a compact blob."""
    return array("q", keys).tobytes()


def unpack_keys(blob: bytes | None) -> tuple[int, ...]:
    """The integers of :func:`pack_keys`."""
    if not blob:
        return ()
    out = array("q")
    out.frombytes(blob)
    return tuple(out)


#: Weight of a term shared in both titles, in one title and the other's lead, in both leads.
_W_TITLE, _W_MIXED, _W_LEAD = 3.0, 1.5, 1.0


def related_score(
    a: StoryTerms,
    b: StoryTerms,
    days_apart: float | None,
    rarity: dict[str, float] | None = None,
) -> float:
    """How surely ``a`` and ``b`` cover the same story, from 0 (not at all) to about 1.

    A weighted cosine of the two term sets (title terms weigh most, ``rarity`` scales
    terms common in the neighbourhood down), halved every :data:`HALF_LIFE_DAYS`
    between the two dates, and cut to a tenth when both titles carry numbers and share none (another
    day's report from the same template).
    """
    rare = rarity or {}
    at, al, bt, bl = a.title, a.lead, b.title, b.lead

    def weight(t: str) -> float:
        return rare.get(t, 1.0)

    shared = (
        _W_TITLE * sum(weight(t) for t in at & bt)
        + _W_MIXED * sum(weight(t) for t in (at & bl) | (al & bt))
        + _W_LEAD * sum(weight(t) for t in al & bl)
    )
    if not shared:
        return 0.0
    norm_a = _W_TITLE * sum(weight(t) for t in at) + _W_LEAD * sum(weight(t) for t in al)
    norm_b = _W_TITLE * sum(weight(t) for t in bt) + _W_LEAD * sum(weight(t) for t in bl)
    score = shared / math.sqrt(max(norm_a, 1e-9) * max(norm_b, 1e-9))
    if a.numbers and b.numbers and not a.numbers & b.numbers:
        score *= 0.1
    if days_apart is not None:
        score *= 0.5 ** (abs(days_apart) / HALF_LIFE_DAYS)
    return score
