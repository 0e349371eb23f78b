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
import marshal
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.store.index import Index, exists, walk_key

__all__ = [
    "ROW",
    "Findings",
    "Fresh",
    "findings",
    "fresh_index",
    "json_line",
    "listed_rows",
    "row_of_columns",
    "total",
]

#: The columns a listed row carries, in :meth:`Article.to_json` order, then ``date_ts``.
ROW = "path, format, title, url, date, author, source, categories, tags, image, problems, date_ts"
#: Readable articles in list order, dated then undated. The first walks the date index
#: (titles of one date are ordered here: SQLite's per-date sorts cost more); the
#: second a small set. Either way the first rows come at once.
_DATED = (
    f"SELECT {ROW} FROM articles WHERE error IS NULL AND date_ts IS NOT NULL ORDER BY date_ts DESC"
)
_UNDATED = f"SELECT {ROW} FROM articles WHERE error IS NULL AND date_ts IS NULL ORDER BY title"
#: :data:`ROW` with only what a plain ``list`` line shows (and orders by): less to decode.
_PLAIN = "path, NULL, title, NULL, date, NULL, source, NULL, NULL, NULL, NULL, date_ts"
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


def listed_rows(fresh: Fresh, limit: int | None = None, *, plain: bool = False) -> Iterator[Row]:
    """Readable rows (:data:`ROW`) newest first, as ``newsdeck list`` orders articles.

    With ``limit``, stops after that many rows (reading one more, and the rest of a tie).
    ``plain``: only path, title, date, source and date_ts are read (the rest is None).
    """
    left = limit
    first = min(limit + 1, _BATCH) if limit else 200
    for sql, same in ((_DATED, 11), (_UNDATED, 2)):
        if plain:
            sql = sql.replace(ROW, _PLAIN, 1)
        batches = fresh.index.iter_query(sql, size=first)
        for row in _in_order(batches, same, fresh.positions):
            yield row
            if left is not None:
                left -= 1
                if left <= 0:
                    return
        first = _BATCH


def _in_order(batches: Iterable[list[Row]], same: int, positions: dict[str, int]) -> Iterator[Row]:
    """Rows already in order by column ``same``, each run of equal values put in list order.

    That is by title, then by walk position, as a stable sort of the walk leaves
    them. An entry whose directory is not recorded cannot occur in a fresh index;
    it would go after the recorded ones of its run rather than stop a list half printed.
    """
    run: list[Row] = []
    for batch in batches:
        for row in batch:
            if run and row[same] != run[0][same]:
                yield from _sorted_run(run, positions)
                run = []
            run.append(row)
    yield from _sorted_run(run, positions)


def _sorted_run(run: list[Row], positions: dict[str, int]) -> list[Row]:
    if len(run) < 2:
        return run
    unplaced = (len(positions), "")

    def key(row: Row) -> tuple[str, tuple[int, str], str]:
        return (row[2], walk_key(row[0], positions) or unplaced, row[0])

    return sorted(run, key=key)


def row_of_columns(row: Sequence[Any]) -> Row:
    """A :data:`~tui.store.index.rows.COLUMNS` row as a :data:`ROW` row (no ``date_ts``)."""
    return (row[0], *row[3:13], None)


def json_line(row: Row, lists: dict[str, str]) -> str:
    """The ``newsdeck list --json`` line of a row: :meth:`Article.to_json` as ``json.dumps``
    (``ensure_ascii=False``) writes it, byte for byte (a test holds them equal).

    Why by hand: the generic encoder costs more than reading the row. A list column
    is stored as ``json.dumps`` wrote it; each distinct one is re-encoded once
    (``lists`` caches that). ``date`` is stored as ``date.isoformat()``.
    """
    path, fmt, title, url, date, author, source, cats, tags, image, probs, _ts = row
    text = _text
    return (
        f'{{"path": {text(path)}, "format": {_maybe(fmt)}, "title": {text(title)}, '
        f'"url": {_maybe(url)}, "date": {_maybe(date)}, "author": {_maybe(author)}, '
        f'"source": {_maybe(source)}, "categories": {_listed(cats, lists)}, '
        f'"tags": {_listed(tags, lists)}, "image": {_maybe(image)}, '
        f'"problems": {_listed(probs, lists)}}}'
    )


#: What ``json.dumps(..., ensure_ascii=False)`` makes of a string.
_text: Callable[[str], str] = json.encoder.encode_basestring


def _maybe(value: str | None) -> str:
    return "null" if value is None else _text(value)


def _listed(stored: str, lists: dict[str, str]) -> str:
    if stored == "[]":
        return stored
    line = lists.get(stored)
    if line is None:
        line = lists[stored] = json.dumps(list(json.loads(stored)), ensure_ascii=False)
    return line


def total(fresh: Fresh) -> int:
    """Every entry of the index, readable or not (counted from an index: no table scan)."""
    return int(fresh.index.query("SELECT count(*) FROM articles")[0][0])


@dataclass(slots=True)
class Findings:
    """What ``newsdeck check`` reports, in walk order, and how many entries there are."""

    #: (path, why) of every entry that is not a readable article.
    bad: list[tuple[str, str]]
    #: (path, problems) of every readable article with problems.
    problems: list[tuple[str, list[str]]]
    total: int


#: The blob (:meth:`Index.store_blob`) keeping :func:`findings` for a generation of the rows.
_FINDINGS = "findings-1"


def findings(fresh: Fresh) -> Findings:
    """``check``'s findings, kept beside the index until its rows change.

    Why kept: finding them reads every row (~0.1 s at 100,000); ``list --limit``
    needs their count for its summary line too.
    """
    index = fresh.index
    generation = index.generation()
    data = index.blob(_FINDINGS, generation)
    if data is not None:
        try:
            bad, problems, count = marshal.loads(data)
            return Findings(bad, problems, count)
        except (EOFError, ValueError, TypeError):
            pass
    rows = index.query(
        "SELECT path, error, problems FROM articles WHERE error IS NOT NULL OR problems != '[]'"
    )
    unplaced = (len(positions := fresh.positions), "")
    rows.sort(key=lambda row: (walk_key(row[0], positions) or unplaced, row[0]))
    found = Findings(
        [(str(row[0]), str(row[1])) for row in rows if row[1] is not None],
        [(str(row[0]), list(json.loads(row[2]))) for row in rows if row[1] is None],
        total(fresh),
    )
    index.store_blob(_FINDINGS, generation, marshal.dumps((found.bad, found.problems, found.total)))
    return found
