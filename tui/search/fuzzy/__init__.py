"""As-you-type fuzzy filter for the article list (pure Python + rapidfuzz, no Textual).

Every keystroke re-ranks up to ~100,000 titles, so the hot paths avoid per-item Python
loops: Latin words go through a token index (word -> ids), everything else through a
newline-joined blob of folded titles searched with compiled regexes (C speed), and the
result of the previous, shorter query narrows the candidates when the query only grew.

Chinese readers type pinyin and may mix scripts, so titles and queries are folded the
same way (:func:`~tui.search.fold.fold`: NFKC width folding, casefold, Traditional ->
Simplified one character at a time, see :mod:`tui.search.chinese`), and a Latin term of
2+ letters may also match consecutive Chinese characters by pinyin: full syllables,
initials or a mix (``eluosi``, ``els`` -> 俄罗斯), every reading of a heteronym accepted.
A query word mixing scripts (``nato北约``) is split into script runs, each its own term.

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
9     a typo: a Latin term of 5+ letters is one edit or one swap of neighbours
      (OSA distance 1) from a whole title word of 4+ Latin letters (``prcearious``
      -> "Precarious"); never for CJK, digits or shorter terms
====  ===========================================================================

Typos are looked up on every keystroke, not only when little else matched: the
distinct Latin title words, bucketed by length, are the vocabulary (built as titles are
added), and rapidfuzz compares a term with the ``len ± 1`` buckets in one C call; the
words found lead to their items through the token index. The rest of the query is then
scored among those items only.

A multi-term item ranks by its worst term, then the sum of classes, then how compact
the scattered terms are, then the title length (shorter wins), then the caller's order.
Every class 0-8 predicate is closed under extending a term (a match of ``nato`` is
also a match of ``nat``), which is what makes reusing ``previous`` exact; class 9 is
not, so it is worked out afresh every time and never narrows the next keystroke.

Modules: :mod:`.terms` (query terms, patterns, the per-title reference classes),
:mod:`.pinyin` (pinyin keys and their scans), :mod:`.blob` (newline-joined blobs),
:mod:`.rank` (ordering and scores), :mod:`.packed` (stored folded fields),
:mod:`.index` (:class:`FuzzyIndex` itself).
"""

from __future__ import annotations

from tui.search.fuzzy.index import FuzzyIndex, FuzzyResult, SearchCancelled
from tui.search.fuzzy.packed import pack_folded

__all__ = [
    "FuzzyIndex",
    "FuzzyResult",
    "SearchCancelled",
    "pack_folded",
]
