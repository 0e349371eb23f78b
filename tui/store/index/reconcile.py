"""Bringing the index in line with the directory: what is new, changed or gone.

Why stat() and not read: a file with the size and mtime the index recorded is
taken as unchanged, so a warm start reads no file at all; only new and changed
files are parsed (:mod:`tui.store.index.extract`) and written
(:mod:`tui.store.index.writes`), in batches so progress shows as it goes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.files.walk import Skipped, iter_files, walk
from tui.model import Article
from tui.store.index.database import Database
from tui.store.index.dirs import stamp_dirs
from tui.store.index.extract import extract_all
from tui.store.index.rows import SKIPPED_MTIME, relative, root_prefix
from tui.store.index.writes import BATCH_SIZE, delete, link, write

__all__ = ["Batch", "known", "reconcile", "update"]

#: How far the parsing workers may run ahead of the writer (files).
_READ_AHEAD = 2 * BATCH_SIZE


@dataclass(slots=True)
class Batch:
    """One step of :meth:`Index.reconcile` or the result of :meth:`Index.update`.

    ``added`` and ``changed`` hold header-only articles (``body`` is ``None``),
    including unreadable files (``error`` set) so callers can report them;
    ``removed`` holds the paths that are gone. ``done``/``total`` count the files
    that had to be parsed (0/0 when nothing changed).
    """

    added: list[Article] = field(default_factory=list)
    changed: list[Article] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    done: int = 0
    total: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def known(db: Database) -> dict[str, tuple[int, float]]:
    """Relative path -> (size, mtime) of every indexed entry."""
    with db.lock:
        rows = db.conn.execute("SELECT path, size, mtime FROM articles").fetchall()
    return {p: (s, m) for p, s, m in rows}


def reconcile(
    db: Database,
    root: Path,
    seen: dict[str, tuple[int, float]],
    workers: int | None,
    order: list[str],
) -> Iterator[Batch]:
    """Walk ``root`` against the ``seen`` stamps and write what differs, batch by batch.

    ``order`` receives every entry's relative path in walk order as the walk goes.
    The first batch lists removals (and comes at once); then parsed files follow in
    batches of :data:`~tui.store.index.writes.BATCH_SIZE`, each one transaction.
    Copies are linked after the last batch (before the generator ends).
    """
    if not seen:
        # A from-scratch build: the index is a cache that a crash would only
        # make us rebuild, so skip the fsyncs (restored when done).
        db.pragma("synchronous = OFF")
    try:
        yield from _reconcile(db, root, seen, workers, order)
    finally:
        if not seen:
            db.pragma("synchronous = NORMAL")


def _reconcile(
    db: Database,
    root: Path,
    seen: dict[str, tuple[int, float]],
    workers: int | None,
    order: list[str],
) -> Iterator[Batch]:
    todo: list[Path] = []
    skipped: list[Article] = []
    prefix = root_prefix(root)
    cut = len(prefix) if os.sep == "/" else -1
    stat = os.stat
    stamps: list[tuple[Path, int]] = []
    for item in walk(root, stamps):
        if isinstance(item, Skipped):
            rel = relative(root, prefix, item.path)
            order.append(rel)
            if rel not in seen or seen[rel][1] != SKIPPED_MTIME:
                skipped.append(Article(path=item.path, error=item.reason))
            continue
        path, text = item
        # String slicing, not pathlib: this loop runs once per file on every start.
        rel = text[cut:] if cut > 0 and text.startswith(prefix) else relative(root, prefix, path)
        order.append(rel)
        try:
            st = stat(text)
        except OSError:
            todo.append(path)
            continue
        if seen.get(rel) != (st.st_size, st.st_mtime):
            todo.append(path)
    walked = set(order)
    removed = [rel for rel in seen if rel not in walked]
    first = Batch(total=len(todo))
    if removed:
        delete(db, removed)
        first.removed = [root / rel for rel in removed]
    if skipped:
        write(db, root, [(a, None, None, None, None) for a in skipped])
        for article in skipped:
            old = relative(root, prefix, article.path) in seen
            (first.changed if old else first.added).append(article)
    yield first
    done = 0
    for chunk in _batched(extract_all(todo, workers, _READ_AHEAD), BATCH_SIZE):
        write(db, root, chunk)
        done += len(chunk)
        batch = Batch(done=done, total=len(todo))
        for article, *_ in chunk:
            old = relative(root, prefix, article.path) in seen
            (batch.changed if old else batch.added).append(article)
        yield batch
    link(db)
    stamp_dirs(db, root, stamps)


def update(db: Database, root: Path, paths: Iterable[Path]) -> Batch:
    """Apply a watcher batch: re-check these paths (files or directories) only."""
    seen = known(db)
    prefix = root_prefix(root)
    todo: list[Path] = []
    removed: list[str] = []
    for path in dict.fromkeys(paths):
        rel = relative(root, prefix, path)
        if rel.startswith("../") or rel == ".." or _hidden(rel):
            continue
        if path.is_dir():
            inside = rel + "/" if rel != "." else ""
            present: set[str] = set()
            for item in iter_files(path):
                if isinstance(item, Skipped):
                    continue
                sub = relative(root, prefix, item)
                present.add(sub)
                if seen.get(sub) != _stamp(item):
                    todo.append(item)
            removed += [k for k in seen if k.startswith(inside) and k not in present]
        elif path.is_file():
            if seen.get(rel) != _stamp(path):
                todo.append(path)
        else:
            inside = rel + "/"
            removed += [k for k in seen if k == rel or k.startswith(inside)]
    batch = Batch(total=len(todo), done=len(todo))
    if removed:
        removed = list(dict.fromkeys(removed))
        delete(db, removed)
        batch.removed = [root / rel for rel in removed]
    results = list(extract_all(todo, None, _READ_AHEAD))
    for chunk in _batched(iter(results), BATCH_SIZE):
        write(db, root, chunk)
    link(db)
    for article, *_ in results:
        old = relative(root, prefix, article.path) in seen
        (batch.changed if old else batch.added).append(article)
    return batch


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/") if part not in ("", "."))


def _stamp(path: Path) -> tuple[int, float] | None:
    """(size, mtime) as the parser's fstat records them: equal means unchanged."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime)


def _batched(it: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in it:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
