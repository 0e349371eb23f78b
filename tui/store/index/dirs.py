"""The ``dirs`` table: each walked directory's mtime and walk position.

Why: ``newsdeck list`` on a warm index should not stat() every file (~0.6 s at
100,000 here, more than a whole ``fzf --filter``); a stat of each directory costs
~1 ms. Adding, removing or renaming a file changes its directory's mtime, so equal
mtimes mean the same files, and the recorded positions put the stored rows back
in walk order without walking.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from tui.store.index.database import BUMP, Database
from tui.store.index.rows import relative, root_prefix

__all__ = ["stamp_dirs", "unchanged", "walk_key", "walk_ordered"]


def stamp_dirs(db: Database, root: Path, stamps: list[tuple[Path, int]]) -> None:
    """Record the walked directories (mtime, walk position) once everything is written.

    Only a complete reconcile gets here, so while every directory keeps its mtime
    the index holds every file (see :func:`unchanged`).
    """
    prefix = root_prefix(root)
    rows = [(relative(root, prefix, path), mtime, pos) for pos, (path, mtime) in enumerate(stamps)]
    with db.lock:
        old = db.conn.execute("SELECT path, mtime_ns, pos FROM dirs ORDER BY pos").fetchall()
    if old == rows:
        return  # the usual reopen: nothing to write

    def body(c: sqlite3.Connection) -> None:
        if [(p, pos) for p, _, pos in old] != [(p, pos) for p, _, pos in rows]:
            c.execute(BUMP)  # walk order changed: derived data must be remade
        c.execute("DELETE FROM dirs")
        c.executemany("INSERT OR REPLACE INTO dirs (path, mtime_ns, pos) VALUES (?, ?, ?)", rows)

    with db.lock:
        db.transaction(body)


def unchanged(db: Database, root: Path) -> dict[str, int] | None:
    """Walk positions of the directories when none changed since the last reconcile.

    What this cannot see is a file rewritten in place (same name, no rename):
    ``newsdeck list --rescan``, ``newsdeck index`` and the app catch those. None
    when a directory changed or no complete reconcile was recorded.
    """
    with db.lock:
        try:
            rows = db.conn.execute("SELECT path, mtime_ns, pos FROM dirs").fetchall()
        except sqlite3.DatabaseError:
            return None
    if not rows:
        return None
    prefix = root_prefix(root)
    for rel, mtime, _pos in rows:
        try:
            now = os.stat(root if rel == "." else prefix + rel).st_mtime_ns
        except OSError:
            now = -1
        if now != mtime:
            return None
    return {rel: pos for rel, _mtime, pos in rows}


def walk_key(rel: str, positions: dict[str, int]) -> tuple[int, str] | None:
    """Where :func:`~tui.files.walk.walk` yields the entry ``rel``, from its directory's position.

    A directory's files come in name order; an entry that is a directory itself (one
    that could not be read) comes where that directory was visited. None when the
    directory was not recorded.
    """
    pos = positions.get(rel)
    if pos is not None:
        return (pos, "")
    folder, _, name = rel.rpartition("/")
    pos = positions.get(folder or ".")
    return None if pos is None else (pos, name)


def walk_ordered(
    rows: list[tuple[Any, ...]], positions: dict[str, int]
) -> list[tuple[Any, ...]] | None:
    """``articles`` rows (path first) in walk order, or None if one is not placed."""
    keyed = []
    for row in rows:
        key = walk_key(row[0], positions)
        if key is None:
            return None
        keyed.append((key, row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]
