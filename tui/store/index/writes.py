"""Writing parsed files into the index: header rows, their text and its word index.

Why in one place: the FTS table is contentless, so an entry can only be removed by
handing FTS5 the exact text it was indexed with. Every write therefore unindexes
the old text, upserts the rows and indexes the new text in one transaction, and
bumps the generation (derived blobs are then stale). Copies are linked after the
writes (:func:`link`), once for a whole reconcile: per batch, each batch's buckets
were looked up one key at a time, which cost more than the signatures themselves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tui.model import Article
from tui.search.fold import fold_fts
from tui.search.similar import Signatures
from tui.store.index import similar
from tui.store.index.database import BUMP, Database
from tui.store.index.extract import Extracted, FuzzyFields
from tui.store.index.packed import unpack_text
from tui.store.index.rows import SKIPPED_MTIME, json_list, relative, root_prefix

__all__ = ["BATCH_SIZE", "delete", "link", "write"]

#: Rows written per transaction: big enough to amortise the commit, short enough
#: that another process waiting for the write lock is not starved.
BATCH_SIZE = 1000

_UPSERT = """
INSERT INTO articles (path, size, mtime, format, title, url, date, date_ts, author,
                      source, categories, tags, image, problems, error, encoding,
                      ftitle, fsource, fauthor, pykey)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (path) DO UPDATE SET
    size = excluded.size, mtime = excluded.mtime,
    format = excluded.format, title = excluded.title, url = excluded.url, date = excluded.date,
    date_ts = excluded.date_ts, author = excluded.author, source = excluded.source,
    categories = excluded.categories, tags = excluded.tags, image = excluded.image,
    problems = excluded.problems, error = excluded.error, encoding = excluded.encoding,
    ftitle = excluded.ftitle, fsource = excluded.fsource, fauthor = excluded.fauthor,
    pykey = excluded.pykey
"""


def write(db: Database, root: Path, rows: Sequence[Extracted]) -> None:
    """Upsert header rows, their text and its index entries in one transaction.

    Entries these paths already have are removed first, inside the transaction
    (another process may have indexed them since we looked).
    """
    if not db.writable:
        return
    prefix = root_prefix(root)
    records = [_record(relative(root, prefix, a.path), a, keys) for a, _, _, keys, _ in rows]
    stale = [rec[0] for rec in records]
    texts: list[tuple[bytes, str]] = []
    entries: list[tuple[str, str, str]] = []
    signed: list[tuple[str, Article, Signatures]] = []
    for (article, packed, folded, _keys, sigs), rec in zip(rows, records, strict=True):
        if article.ok and packed is not None and folded is not None:
            texts.append((packed, rec[0]))
            entries.append((fold_fts(article.title), folded, rec[0]))
            if sigs is not None:
                signed.append((rec[0], article, sigs))

    def body(c: sqlite3.Connection) -> None:
        c.execute(BUMP)
        _unindex(c, stale)
        c.executemany(_UPSERT, records)
        if not texts:
            return
        # Plain VALUES with the row ids: `INSERT INTO fts ... SELECT` costs FTS5 twice as much.
        ids = _ids(c, [rel for _, rel in texts])
        c.executemany("INSERT INTO texts (id, body) VALUES (?, ?)", [(ids[r], t) for t, r in texts])
        c.executemany(
            "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
            [(ids[r], title, folded) for title, folded, r in entries],
        )
        similar.store(
            c, [(ids[r], a.date.timestamp() if a.date else None, sigs) for r, a, sigs in signed]
        )

    with db.lock:
        db.transaction(body)


def delete(db: Database, rels: Sequence[str]) -> None:
    """Remove these stored paths, their text and their index entries."""
    if not db.writable:
        return

    def body(c: sqlite3.Connection) -> None:
        c.execute(BUMP)
        _unindex(c, rels)
        c.executemany("DELETE FROM articles WHERE path = ?", [(r,) for r in rels])

    with db.lock:
        db.transaction(body)


def link(db: Database) -> None:
    """Link the articles written since the last call to their copies (one transaction).

    Call after a reconcile's or an update's writes; a run cut short leaves its
    articles pending, and the next call links them.
    """
    if not db.writable:
        return
    with db.lock:
        if not similar.has_pending(db.conn):
            return

        def body(c: sqlite3.Connection) -> None:
            if similar.link_pending(c):
                c.execute(BUMP)

        db.transaction(body)


def _ids(c: sqlite3.Connection, rels: list[str]) -> dict[str, int]:
    """Row ids of these paths (500 at a time: SQLite caps the parameters)."""
    out: dict[str, int] = {}
    for i in range(0, len(rels), 500):
        part = rels[i : i + 500]
        marks = ",".join("?" * len(part))
        out.update(c.execute(f"SELECT path, id FROM articles WHERE path IN ({marks})", part))
    return out


def _unindex(c: sqlite3.Connection, rels: Sequence[str]) -> None:
    """Drop the text and FTS entries of these paths (their ``articles`` rows stay)."""
    old: list[tuple[int, str, str]] = []
    for i in range(0, len(rels), 500):
        part = list(rels[i : i + 500])
        marks = ",".join("?" * len(part))
        old += c.execute(
            "SELECT a.id, a.title, t.body FROM articles a JOIN texts t ON t.id = a.id "
            f"WHERE a.path IN ({marks})",
            part,
        ).fetchall()
    if not old:
        return
    similar.forget(c, [i for i, _, _ in old])
    c.executemany(
        "INSERT INTO fts (fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
        [(i, fold_fts(title), fold_fts(unpack_text(text))) for i, title, text in old],
    )
    c.executemany("DELETE FROM texts WHERE id = ?", [(i,) for i, _, _ in old])


def _record(rel: str, a: Article, keys: FuzzyFields | None) -> tuple[Any, ...]:
    """An article as an ``articles`` row, in :data:`_UPSERT` order."""
    ftitle, fsource, fauthor, pykey = keys or (None, None, None, None)
    return (
        rel,
        a.size,
        SKIPPED_MTIME if a.error and not a.size and not a.mtime else a.mtime,
        a.format,
        a.title,
        a.url,
        a.date.isoformat() if a.date else None,
        a.date.timestamp() if a.date else None,
        a.author,
        a.source,
        json_list(a.categories),
        json_list(a.tags),
        a.image,
        json_list(a.problems),
        a.error,
        a.encoding,
        ftitle,
        fsource,
        fauthor,
        pykey,
    )
