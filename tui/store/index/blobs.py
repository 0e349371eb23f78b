"""Data derived from the index's rows, kept in files beside the database.

Why files, not rows: reading 15 MB from a file costs a fifth of reading it from
SQLite's overflow pages. Each blob starts with the generation of the rows it was
made from (:meth:`~tui.store.index.database.Database.generation`), so a stale one
is never used.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from tui.store.index.database import Database

__all__ = ["read_blob", "write_blob"]


def _blob_path(db: Database, name: str) -> Path:
    return db.path.with_name(f"{db.path.stem}.{name}")


def read_blob(db: Database, name: str, generation: int) -> bytes | None:
    """The blob ``name`` if it was made from the rows of ``generation``, else None."""
    try:
        data = _blob_path(db, name).read_bytes()
    except OSError:
        return None
    head = f"{generation}\n".encode()
    return data[len(head) :] if data.startswith(head) else None


def write_blob(db: Database, name: str, generation: int, data: bytes) -> None:
    """Keep data derived from the rows of ``generation`` (a cache: failure is fine).

    Written to a temporary file and renamed, so a reader sees all or nothing.
    """
    if db.private:
        return
    path = _blob_path(db, name)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(f"{generation}\n".encode() + data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
