"""The :class:`Index` of one seeds directory: the one door callers use.

Why a facade: callers (the app, the CLI, ``newsdeck list``) want "open, load,
reconcile, update, search" with every database error handled; the parts behind it
(:mod:`.database`, :mod:`.reconcile`, :mod:`.fulltext`, ...) each do one thing and
leave recovery to this class, so the rule "a database error rebuilds the index and
never reaches the caller" lives in one place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.model import Article
from tui.store.index import blobs, dirs, fulltext, reconcile, similar
from tui.store.index.database import Database, db_path, exists, is_locked
from tui.store.index.extract import FuzzyFields
from tui.store.index.fulltext import Hit
from tui.store.index.reconcile import Batch
from tui.store.index.rows import COLUMNS, articles_from_rows, gc_paused, relative, root_prefix
from tui.store.index.rows import rows_by_id as read_rows_by_id
from tui.store.index.similar import DuplicateGroups

__all__ = ["LIST_PARSE_LIMIT", "Index", "Related", "list_articles"]

#: ``newsdeck list`` leaves more new or changed files than this (and over a quarter
#: of the index) to a plain header scan rather than indexing them on the spot.
LIST_PARSE_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Related:
    """Another article about the same story, and how surely (higher is surer, about 0-1)."""

    article: Article
    score: float

    def to_json(self, root: Path | None = None) -> dict[str, Any]:
        """The ``newsdeck related --json`` record (a contract: keys must not change)."""
        return {
            "path": self.article.relpath(root),
            "title": self.article.title,
            "date": self.article.date.isoformat() if self.article.date else None,
            "source": self.article.source,
            "score": round(self.score, 6),
        }


class Index:
    """The index of one seeds directory. Thread-safe; open one per process.

    Open it, read :attr:`notice` (show it when set), :meth:`load` to paint,
    then :meth:`reconcile` in the background; :meth:`update` applies watcher
    batches; :meth:`search` queries the text.
    """

    def __init__(self, root: Path, *, path: Path | None = None) -> None:
        self.root = root
        #: The root as the text stored paths are joined onto.
        self.prefix = root_prefix(root)
        #: The relative path of every entry in walk order, as the last :meth:`reconcile`
        #: found them (strings only: 100,000 Path objects would be ~60 MB).
        self.walked: list[str] = []
        self._db = Database(path or db_path(root), str(root.resolve()))

    @property
    def notice(self) -> str | None:
        """One line for the user when the index had to be rebuilt or replaced, else None."""
        return self._db.notice

    @property
    def path(self) -> Path:
        """The database file in use (a temporary one when the real one could not be)."""
        return self._db.path

    def close(self) -> None:
        """Close the database (and delete it when it was a private one)."""
        self._db.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- reading

    def count(self) -> int:
        """How many entries (articles and unreadable files) the index holds."""
        with self._db.lock:
            try:
                return int(self._db.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            except sqlite3.DatabaseError as exc:
                self._db.recover(exc)
                return 0

    def load(self) -> list[Article]:
        """Every indexed entry as a header-only :class:`Article`, newest first; reads no file.

        Unreadable files come back with ``error`` set, as :func:`tui.files.scan.scan`
        gives them.
        """
        return [a for batch in self.iter_load() for a in batch]

    def iter_load(self, first: int = 500, batch_size: int = 20_000) -> Iterator[list[Article]]:
        """:meth:`load` in batches, newest first: the first (small) one is ready at once."""
        for articles, _fields in self.iter_load_with_fields(first, batch_size):
            yield articles

    def iter_load_with_fields(
        self, first: int = 500, batch_size: int = 20_000
    ) -> Iterator[tuple[list[Article], list[FuzzyFields | None]]]:
        """:meth:`iter_load`, with each article's stored :func:`fuzzy_fields` (None: none).

        Why: folding titles and building pinyin keys is most of the cost of the app's
        fuzzy index at 100,000 articles (~2 s, and pypinyin's 57 MB of tables); the
        index computed them once, in its worker processes.
        """
        sql = (
            f"SELECT {COLUMNS}, ftitle, fsource, fauthor, pykey FROM articles "
            "ORDER BY date_ts DESC NULLS LAST, path"
        )
        cut = len(COLUMNS.split(","))
        size = first
        with self._db.lock:
            try:
                cursor = self._db.conn.execute(sql)
                while rows := cursor.fetchmany(size):
                    with gc_paused():
                        batch = articles_from_rows(self.prefix, [r[:cut] for r in rows])
                        fields = [None if r[cut] is None else r[cut:] for r in rows]
                    yield batch, fields
                    size = batch_size
            except sqlite3.DatabaseError as exc:
                self._db.recover(exc)

    def all_rows(self) -> list[tuple[Any, ...]]:
        """Every entry as a raw :data:`~tui.store.index.rows.COLUMNS` row, in no order."""
        with self._db.lock:
            try:
                return self._db.conn.execute(f"SELECT {COLUMNS} FROM articles").fetchall()
            except sqlite3.DatabaseError as exc:
                self._db.recover(exc)
                return []

    def rows_by_id(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        """Row id -> raw :data:`~tui.store.index.rows.COLUMNS` row, for these ids."""
        with self._db.lock:
            return read_rows_by_id(self._db.conn, ids)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a read-only statement (for readers of the stored columns)."""
        with self._db.lock:
            return self._db.conn.execute(sql, params).fetchall()

    def iter_query(
        self, sql: str, params: Sequence[Any] = (), size: int = 1000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """:meth:`query` in batches of ``size`` rows, for readers that print as rows arrive.

        One statement, so one consistent snapshot however slowly it is read.
        """
        with self._db.lock:
            cursor = self._db.conn.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield rows

    def known(self) -> dict[str, tuple[int, float]]:
        """Relative path -> (size, mtime) of every indexed entry."""
        return reconcile.known(self._db)

    def unchanged(self) -> dict[str, int] | None:
        """Walk positions of the directories when none changed since the last reconcile.

        See :func:`tui.store.index.dirs.unchanged` for what this can and cannot see.
        """
        return dirs.unchanged(self._db, self.root)

    def generation(self) -> int:
        """A number that changes whenever the rows (or their walk order) change."""
        return self._db.generation()

    def blob(self, name: str, generation: int) -> bytes | None:
        """Data derived from the rows, kept by :meth:`store_blob`, if still current."""
        return blobs.read_blob(self._db, name, generation)

    def store_blob(self, name: str, generation: int, data: bytes) -> None:
        """Keep data derived from the rows of ``generation`` (a cache: failure is fine)."""
        blobs.write_blob(self._db, name, generation, data)

    # ----------------------------------------------------------------- writing

    def reconcile(
        self,
        *,
        workers: int | None = None,
        known: dict[str, tuple[int, float]] | None = None,
    ) -> Generator[Batch, None, None]:
        """Bring the index in line with the directory, yielding progress as it goes.

        Unchanged files (same size and mtime) are only stat()ed, never read. The
        first batch lists removals (and comes at once); then parsed files follow
        in batches, each written in one transaction. ``known``: the stamps of
        :meth:`known`, when the caller has just read them.
        """
        try:
            yield from self._reconcile(workers, known)
        except sqlite3.DatabaseError as exc:
            with self._db.lock:
                self._db.recover(exc)
            yield from self._reconcile(workers, None)

    def _reconcile(
        self, workers: int | None, known: dict[str, tuple[int, float]] | None
    ) -> Iterator[Batch]:
        if known is None:
            known = self.known()
        order: list[str] = []  # every entry in walk order, for list_articles()
        self.walked = order
        yield from reconcile.reconcile(self._db, self.root, known, workers, order)

    def update(self, paths: Iterable[Path]) -> Batch:
        """Apply a watcher batch: re-check these paths (files or directories) only."""
        return reconcile.update(self._db, self.root, paths)

    # ----------------------------------------------------------------- searching

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Full-text search over titles and bodies, best first (bm25, titles weigh 4x).

        A query matching :data:`~tui.store.index.fulltext.RANK_CAP` articles or more is
        ranked differently: only its newest matches, those with the words in the title
        first. Words are ANDed; ``"quoted phrases"`` must appear in that order. A Latin
        word of three or more letters matches as a word prefix; case and diacritics are
        ignored. A CJK word matches as an exact substring (Traditional and Simplified
        alike). See :mod:`tui.store.index.fulltext` for the limits.
        """
        terms = fulltext.split_terms(query)
        expr = fulltext.match_expression(terms)
        if not expr or limit <= 0:
            return []
        with self._db.lock:
            try:
                return fulltext.search(self._db.conn, self.prefix, expr, terms, limit)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and not is_locked(exc):
                    return []  # a query FTS5 rejects: no match rather than a crash
                self._db.recover(exc)
                return []

    # ----------------------------------------------------------------- same story

    def duplicate_groups(self) -> DuplicateGroups:
        """Every group of copies of one text (stored paths, fullest copy first).

        Built from the copy links found at index time: a few milliseconds even at
        100,000 articles, so rebuild it when :meth:`generation` changes.
        """
        with self._db.lock:
            try:
                return similar.duplicate_groups(self._db.conn)
            except sqlite3.DatabaseError as exc:
                self._db.recover(exc)
                return DuplicateGroups([], {})

    def related(self, path: Path | str, limit: int = 10) -> list[Related]:
        """Other articles about the same story as ``path``, best first (not its copies).

        ``path`` is a file path or a stored (relative) path; [] when it is not indexed.
        """
        rel = self._rel(path)
        with self._db.lock:
            try:
                conn = self._db.conn
                row = conn.execute("SELECT id FROM articles WHERE path = ?", (rel,)).fetchone()
                if row is None:
                    return []
                found = similar.related(conn, row[0], limit)
                rows = read_rows_by_id(conn, [i for i, _ in found])
            except sqlite3.DatabaseError as exc:
                self._db.recover(exc)
                return []
        return [
            Related(articles_from_rows(self.prefix, [rows[i]])[0], score)
            for i, score in found
            if i in rows
        ]

    def relative(self, path: Path) -> str | None:
        """The stored path of the indexed article at ``path``, or None when there is none."""
        rel = self._rel(path)
        if rel.startswith("../"):
            rel = self._rel(path.resolve())
        with self._db.lock:
            try:
                row = self._db.conn.execute(
                    "SELECT 1 FROM articles WHERE path = ? AND error IS NULL", (rel,)
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                self._db.recover(exc)
                return None
        return rel if row else None

    def _rel(self, path: Path | str) -> str:
        if isinstance(path, str):
            return path
        return relative(self.root, self.prefix, path)


def list_articles(root: Path, *, rescan: bool = False) -> list[Article] | None:
    """Every entry of ``root`` from its index, brought up to date; None when there is none.

    For ``newsdeck list``: the same records a header-only :func:`~tui.files.scan.scan`
    gives, in the same (walk) order, but only new and changed files are read. When no
    directory changed since the last complete reconcile (:meth:`Index.unchanged`)
    the index is taken as it is; otherwise, or with ``rescan``, every file is
    stat()ed, which also catches files rewritten in place. Also None when most
    files are new (see :data:`LIST_PARSE_LIMIT`) or the index cannot be written:
    the caller scans.
    """
    if not exists(root):
        return None
    with gc_paused(), Index(root) as index:
        if not rescan and (positions := index.unchanged()) is not None:
            rows = index.all_rows()
            ordered = dirs.walk_ordered(rows, positions)
            if ordered is not None:
                return articles_from_rows(index.prefix, ordered)
        rows = index.all_rows()
        # One read serves as the change check's baseline and, when nothing changed, as the list.
        known = {row[0]: (row[1], row[2]) for row in rows}
        batches = index.reconcile(known=known)
        first = next(batches, Batch())
        if first.total > LIST_PARSE_LIMIT and first.total * 4 > len(known):
            # Mostly new files (a fresh sync, or `newsdeck index` still building):
            # a header-only scan is ~3x cheaper than indexing them here.
            batches.close()
            return None
        changed = bool(first)
        for batch in batches:
            changed = changed or bool(batch)
        if changed:
            rows = index.all_rows()
        order = index.walked
        prefix = index.prefix
        by_rel = {row[0]: row for row in rows}
    if len(by_rel) != len(order) or not all(rel in by_rel for rel in order):
        return None  # the index could not be written (locked): the caller scans
    with gc_paused():
        return articles_from_rows(prefix, [by_rel[rel] for rel in order])
