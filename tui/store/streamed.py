"""``newsdeck list`` and ``check`` answered from a fresh index as rows arrive, with no Article.

Why: the general path builds an :class:`~tui.model.Article` for every file before its
first line prints (2.7 s for ``list --json --limit 50`` at 100,000 articles). When no
directory changed since the index's last complete reconcile (:meth:`Index.unchanged`,
one stat per directory), the rows are read in list order straight from SQLite,
using the ``date_ts`` index, a batch at a time; ``--limit N`` reads about N rows.

The order is the general path's: :func:`~tui.model.sort_key_date` (newest first,
undated last, ties by title) with equal keys in walk order, as a stable sort leaves
them. Records are :meth:`Article.to_json`'s, built from the stored columns. Tests
hold both paths equal on the real corpus and on generated archives.

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.store.index import Index, exists, walk_key

__all__ = [
    "ROW",
    "Fresh",
    "check_rows",
    "counts",
    "fresh_index",
    "listed_rows",
    "record",
    "row_of_columns",
]

#: The columns a listed row carries, in :meth:`Article.to_json` order, then ``date_ts``.
ROW = "path, format, title, url, date, author, source, categories, tags, image, problems, date_ts"
#: Readable articles in list order, dated then undated. Each statement walks an index
#: (or a small set) and sorts only runs of one date by title: the first rows come at once.
_DATED = (
    f"SELECT {ROW} FROM articles WHERE error IS NULL AND date_ts IS NOT NULL "
    "ORDER BY date_ts DESC, title"
)
_UNDATED = f"SELECT {ROW} FROM articles WHERE error IS NULL AND date_ts IS NULL ORDER BY title"
#: Rows read per batch once the first (small) batch is out.
_BATCH = 2000

Row = tuple[Any, ...]


@dataclass(slots=True)
class Fresh:
    """An open index whose rows are the directory's, and its directories' walk positions."""

    index: Index
    positions: dict[str, int]


@contextlib.contextmanager
def fresh_index(root: Path) -> Iterator[Fresh | None]:
    """The index of ``root`` when it can answer alone, else None (take the general path).

    None when there is no index, it had to be rebuilt or replaced (:attr:`Index.notice`),
    or a directory changed since its last complete reconcile; files rewritten in place
    are not seen (``--rescan`` takes the general path, which stats every file).
    """
    if not exists(root):
        yield None
        return
    with Index(root) as index:
        positions = None if index.notice is not None else index.unchanged()
        yield None if positions is None else Fresh(index, positions)


def listed_rows(fresh: Fresh, limit: int | None = None) -> Iterator[Row]:
    """Readable rows (:data:`ROW`) newest first, as ``newsdeck list`` orders articles.

    With ``limit``, stops after that many rows (reading one more, and the rest of a tie).
    """
    left = limit
    first = min(limit + 1, _BATCH) if limit else 200
    for sql in (_DATED, _UNDATED):
        batches = fresh.index.iter_query(sql, size=first)
        for row in _walk_ties(batches, fresh.positions):
            yield row
            if left is not None:
                left -= 1
                if left <= 0:
                    return
        first = _BATCH


def _walk_ties(batches: Iterable[list[Row]], positions: dict[str, int]) -> Iterator[Row]:
    """The rows with each run of equal (date, title) put in walk order, as a stable sort does.

    An entry whose directory is not recorded cannot occur in a fresh index; it would
    go after the recorded ones of its run, rather than stop a list half printed.
    """
    run: list[Row] = []
    for batch in batches:
        for row in batch:
            if run and (row[11] != run[0][11] or row[2] != run[0][2]):
                yield from _in_walk_order(run, positions)
                run = []
            run.append(row)
    yield from _in_walk_order(run, positions)


def _in_walk_order(run: list[Row], positions: dict[str, int]) -> list[Row]:
    if len(run) < 2:
        return run
    unplaced = (len(positions), "")

    def key(row: Row) -> tuple[tuple[int, str], str]:
        return (walk_key(row[0], positions) or unplaced, row[0])

    return sorted(run, key=key)


def row_of_columns(row: Sequence[Any]) -> Row:
    """A :data:`~tui.store.index.rows.COLUMNS` row as a :data:`ROW` row (no ``date_ts``)."""
    return (row[0], *row[3:13], None)


def record(row: Row, lists: dict[str, list[str]]) -> dict[str, Any]:
    """The ``newsdeck list --json`` record of a row: :meth:`Article.to_json`'s keys and values.

    ``lists`` caches decoded list columns (most are ``[]`` or repeat); each record
    gets its own copies.
    """
    path, fmt, title, url, date, author, source, cats, tags, image, probs, _ts = row
    return {
        "path": path,
        "format": fmt,
        "title": title,
        "url": url,
        "date": date,  # stored as date.isoformat(): the same text
        "author": author,
        "source": source,
        "categories": _decoded(cats, lists),
        "tags": _decoded(tags, lists),
        "image": image,
        "problems": _decoded(probs, lists),
    }


def _decoded(text: str, lists: dict[str, list[str]]) -> list[str]:
    if text == "[]":
        return []
    cached = lists.get(text)
    if cached is None:
        cached = lists[text] = list(json.loads(text))
    return list(cached)


def counts(fresh: Fresh) -> tuple[int, int, int]:
    """(readable, readable with problems, unreadable) entries of the index."""
    row = fresh.index.query(
        "SELECT count(*) - count(error), "
        "coalesce(sum(error IS NULL AND problems != '[]'), 0), count(error) FROM articles"
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def check_rows(fresh: Fresh) -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """``newsdeck check``'s findings: unreadable (path, error) and (path, problems), walk order."""
    rows = fresh.index.query(
        "SELECT path, error, problems FROM articles WHERE error IS NOT NULL OR problems != '[]'"
    )
    unplaced = (len(positions := fresh.positions), "")
    rows.sort(key=lambda row: (walk_key(row[0], positions) or unplaced, row[0]))
    lists: dict[str, list[str]] = {}
    bad = [(str(row[0]), str(row[1])) for row in rows if row[1] is not None]
    problems = [(str(row[0]), _decoded(row[2], lists)) for row in rows if row[1] is None]
    return bad, problems
