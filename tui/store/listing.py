"""``newsdeck list --filter`` answered from a warm index: one query, no record per title.

Why: the general path makes an :class:`~tui.model.Article` per file and a
full :class:`~tui.search.fuzzy.FuzzyIndex` (folding, pinyin keys, a token index) to
answer a single query: ~5 s at 100,000 articles, where ``fzf --filter`` over the
same titles takes 0.3 s. The index already stores every article's folded title,
source and author and its pinyin key (computed in the worker processes when it was
built), so this reads those four columns, matches with
:meth:`FuzzyIndex.from_packed` and makes Articles for the matches only. The
matches and their order are the general path's (a test holds the two equal).

The four columns, in list order and packed for the fuzzy index
(:func:`~tui.search.fuzzy.pack_folded`), are kept beside the index
(:meth:`Index.store_blob`) and remade when its generation moves: reading and
sorting 100,000 rows costs ~0.9 s here, reading the packed file ~0.05 s.

Nothing here imports Textual.
"""

from __future__ import annotations

import marshal
from array import array
from dataclasses import dataclass
from pathlib import Path

from tui.model import Article
from tui.search.fuzzy import FuzzyIndex, pack_folded
from tui.store.index import Index, exists, walk_key
from tui.store.index.rows import articles_from_rows, gc_paused

__all__ = ["Listed", "Matched", "filter_from_index", "match_ids"]

#: Name (and format version) of the file of fuzzy fields in list order.
_BLOB = "fuzzy-fields-4"

#: Readable articles in the general path's order (``sort_key_date``): newest first,
#: undated last, ties by title; ties of both keep walk order (fixed up in Python).
_FIELDS = (
    "SELECT id, path, date_ts, title, ftitle, fsource, fauthor, pykey FROM articles "
    "WHERE error IS NULL ORDER BY date_ts IS NULL, date_ts DESC, title"
)


@dataclass(slots=True)
class Listed:
    """The matches, best first, and what the summary line counts."""

    articles: list[Article]
    readable: int
    unreadable: int


def filter_from_index(root: Path, text: str, pinyin: bool | None = None) -> Listed | None:
    """Articles of ``root`` matching the fuzzy ``text``, ranked as the app ranks them.

    None when the index cannot answer alone: there is none, a directory changed since
    its last complete reconcile (:meth:`Index.unchanged`), or a row lacks its fuzzy
    fields. The caller then takes the general path, which also brings the index up
    to date, so the next call is quick again.
    """
    if not exists(root):
        return None
    with gc_paused(), Index(root) as index:
        if index.notice is not None:
            return None
        matched = match_ids(index, text, pinyin)
        if matched is None:
            return None
        full = index.rows_by_id(matched.ids)
        prefix = index.prefix
    articles = articles_from_rows(prefix, [full[i] for i in matched.ids if i in full])
    return Listed(articles, matched.readable, matched.unreadable)


@dataclass(slots=True)
class Matched:
    """The row ids of the matches, best first, and what the summary line counts."""

    ids: list[int]
    readable: int
    unreadable: int


def match_ids(index: Index, text: str, pinyin: bool | None = None) -> Matched | None:
    """:func:`filter_from_index` as row ids, for readers that print rows as they come.

    None when the index cannot answer alone (see :func:`filter_from_index`); the
    caller has checked :attr:`Index.notice`.
    """
    with gc_paused():
        positions = index.unchanged()
        if positions is None:
            return None
        generation = index.generation()
        data = index.blob(_BLOB, generation)
        if data is None:
            data = _fields_blob(index, positions)
            if data is None:
                return None
            index.store_blob(_BLOB, generation, data)
        try:
            unreadable, ids, packed = marshal.loads(data)
            fuzzy = FuzzyIndex.from_packed(packed, pinyin)
        except ValueError:
            return None
        order = array("q", ids)
        result = fuzzy.search(text)
        return Matched([order[i] for i in result.ids], len(order), int(unreadable))


def _fields_blob(index: Index, positions: dict[str, int]) -> bytes | None:
    """The readable articles' fuzzy fields in list order, marshalled (None: cannot say)."""
    rows = index.query(_FIELDS)
    count = int(index.query("SELECT count(*) FROM articles WHERE error IS NOT NULL")[0][0])
    if not _walk_ties(rows, positions):
        return None
    if any(row[4] is None for row in rows):
        return None  # written by an older newsdeck: the general path refreshes it
    ids = array("q", [row[0] for row in rows])
    columns = [[row[k] for row in rows] for k in (4, 5, 6, 7)]
    try:
        packed = pack_folded(*columns)
    except ValueError:
        return None
    return marshal.dumps((count, ids.tobytes(), packed))


def _walk_ties(rows: list[tuple[object, ...]], positions: dict[str, int]) -> bool:
    """Order runs of equal (date, title) by walk position, in place, as a stable sort would.

    False when an entry's directory is not recorded (then the index cannot say).
    """
    start = 0
    n = len(rows)
    while start < n:
        end = start + 1
        head = rows[start][2:4]
        while end < n and rows[end][2:4] == head:
            end += 1
        if end - start > 1:
            keyed = [(walk_key(str(row[1]), positions), row) for row in rows[start:end]]
            if any(key is None for key, _ in keyed):
                return False
            keyed.sort(key=lambda pair: pair[0])  # type: ignore[arg-type,return-value]
            rows[start:end] = [row for _, row in keyed]
        start = end
    return True
