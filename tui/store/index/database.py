"""The index's SQLite file: its schema, where it lives, and opening it whatever state it is in.

Why on its own: every other part of the index assumes an open, valid database;
this is where that is made true. A database that is corrupt, from another schema
version or for another directory is deleted and rebuilt; one that stays locked is
replaced by a private one for the session. Either way :attr:`Database.notice`
holds a one-line message for the user and nothing raises. Several processes may
use one index at once (WAL mode, a busy timeout, short write transactions).

The database lives under the user cache directory, never inside the seeds
directory (which stays read-only to newsdeck).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tui.paths import cache_dir

__all__ = [
    "BUMP",
    "BUSY_TIMEOUT_MS",
    "SCHEMA_VERSION",
    "Database",
    "db_path",
    "exists",
    "is_locked",
]

#: Bump whenever the tables change: an index with another version is rebuilt.
SCHEMA_VERSION = 6
#: How long a writer waits for another process's transaction (milliseconds).
BUSY_TIMEOUT_MS = 30_000
#: Every write bumps the generation: data derived from the rows (see
#: :mod:`tui.store.index.blobs`) is only good for the generation it was made from.
BUMP = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    format TEXT,
    title TEXT NOT NULL,
    url TEXT,
    date TEXT,
    date_ts REAL,
    author TEXT,
    source TEXT,
    categories TEXT NOT NULL,
    tags TEXT NOT NULL,
    image TEXT,
    problems TEXT NOT NULL,
    error TEXT,
    encoding TEXT NOT NULL,
    ftitle TEXT,
    fsource TEXT,
    fauthor TEXT,
    pykey TEXT
);
CREATE INDEX IF NOT EXISTS articles_date ON articles (date_ts DESC);
CREATE TABLE IF NOT EXISTS dirs (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    pos INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, content='', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO fts (fts, rank) VALUES ('crisismerge', 64);
CREATE TABLE IF NOT EXISTS sims (
    id INTEGER PRIMARY KEY,
    day INTEGER NOT NULL,
    ts REAL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    keys BLOB,
    postings BLOB
);
CREATE TABLE IF NOT EXISTS simkeys (
    key INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS simterms (
    term INTEGER NOT NULL, day INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (term, day, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dupes (
    a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dupes_b ON dupes (b);
CREATE TABLE IF NOT EXISTS pending (id INTEGER PRIMARY KEY);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def db_path(root: Path) -> Path:
    """The database file of a seeds directory: named by a hash of its resolved path."""
    key = str(root.resolve())
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir() / "index" / f"{digest}.sqlite"


def exists(root: Path) -> bool:
    """True when an index database has been created for ``root``."""
    return db_path(root).is_file()


def is_locked(exc: sqlite3.Error) -> bool:
    """Whether an error means another process holds the database (not that it is broken)."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Database:
    """One open index database; :attr:`conn` is always usable, however it had to be got.

    ``lock`` guards ``conn``: hold it for every statement (the index is shared
    between the app's threads).
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        #: The resolved seeds directory this database must belong to.
        self.key = key
        #: One line for the user when the index had to be rebuilt or replaced, else None.
        self.notice: str | None = None
        #: A per-session file, deleted on close (the last resort).
        self.private = False
        #: False once a lock outlasted the timeout: writes are given up for the session.
        self.writable = True
        self.lock = threading.RLock()
        self.conn = self._open()

    # ----------------------------------------------------------------- opening

    def _connect(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _open(self) -> sqlite3.Connection:
        """Open and validate the database; rebuild or replace it when it cannot be used."""
        try:
            conn = self._connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            return self._open_private(f"index {self.path} cannot be opened ({exc})")
        try:
            problem = self._validate(conn)
        except sqlite3.OperationalError as exc:
            conn.close()
            if is_locked(exc):
                return self._open_private("the index is locked by another process")
            problem = f"the index could not be read ({exc})"
        except sqlite3.DatabaseError as exc:
            conn.close()
            problem = f"the index was damaged ({exc})"
        else:
            if problem is None:
                return conn
            conn.close()
        return self._rebuild(problem)

    def _validate(self, conn: sqlite3.Connection) -> str | None:
        """Set the pragmas and return why the database is unusable, or None."""
        for attempt in range(40):
            # Switching a brand-new file to WAL while another process does the
            # same can fail at once with "locked" (no busy wait there): retry
            # while the file is new; a lock on an established index is real.
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if not is_locked(exc) or attempt == 39 or _file_size(self.path) > 0:
                    raise
                time.sleep(0.05)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and tables == 0:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('root', ?)", (self.key,))
                    # Random, not 0: a blob left by a deleted index never matches a new one.
                    start = str(secrets.randbits(48))
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (start,))
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            return None
        if version != SCHEMA_VERSION:
            return f"the index has schema version {version}, not {SCHEMA_VERSION}"
        row = conn.execute("SELECT value FROM meta WHERE key = 'root'").fetchone()
        if row is None or row[0] != self.key:
            return "the index belongs to another directory"
        # Touch every table so a damaged schema shows up now, not mid-use.
        conn.execute("SELECT id FROM articles LIMIT 1").fetchall()
        conn.execute("SELECT id FROM texts LIMIT 1").fetchall()
        conn.execute("SELECT path FROM dirs LIMIT 1").fetchall()
        conn.execute("SELECT id FROM sims LIMIT 1").fetchall()
        conn.execute("SELECT a FROM dupes LIMIT 1").fetchall()
        conn.execute("SELECT id FROM pending LIMIT 1").fetchall()
        conn.execute("SELECT rowid FROM fts WHERE fts MATCH 'x' LIMIT 1").fetchall()
        return None

    def _rebuild(self, why: str) -> sqlite3.Connection:
        """Delete the database files and start an empty index, noting why."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            except OSError as exc:
                return self._open_private(f"{why}; it cannot be replaced ({exc.strerror})")
        self.notice = f"newsdeck: {why}; rebuilding it (the seeds are untouched)"
        try:
            conn = self._connect(self.path)
            if self._validate(conn) is None:
                return conn
            conn.close()
        except sqlite3.Error as exc:
            return self._open_private(f"{why}; a new index could not be created ({exc})")
        return self._open_private(f"{why}; a new index could not be created")

    def _open_private(self, why: str) -> sqlite3.Connection:
        """A database for this process only, deleted on close: the last resort."""
        self.notice = f"newsdeck: {why}; using a temporary index for this session"
        self.private = True
        folder = self.path.parent if self.path.parent.is_dir() else None
        if folder is None or not os.access(folder, os.W_OK):
            folder = Path(tempfile.gettempdir())
        self.path = folder / f"{self.path.stem}.{os.getpid()}.{id(self):x}.sqlite"
        conn = self._connect(self.path)
        if self._validate(conn) is not None:  # pragma: no cover - a fresh file is always valid
            raise RuntimeError("could not create a private index")
        return conn

    # ----------------------------------------------------------------- in use

    def recover(self, exc: sqlite3.DatabaseError) -> None:
        """A database error mid-use: rebuild (or go private when locked) and carry on."""
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if isinstance(exc, sqlite3.OperationalError) and is_locked(exc):
            self.conn = self._open_private("the index is locked by another process")
        else:
            self.conn = self._rebuild(f"the index was damaged ({exc})")

    def transaction(self, body: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``body`` in a write transaction; a lock that outlasts the timeout stops writing.

        The caller still gets its articles (the list stays right for this session);
        only persisting them is given up, with a notice. Call with :attr:`lock` held.
        """
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not is_locked(exc):
                raise
            self.writable = False
            self.notice = "newsdeck: the index stayed locked by another process; not saving"
            return
        try:
            body(conn)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def pragma(self, setting: str) -> None:
        """Set a pragma if the database lets us (a cache: failing is fine)."""
        with self.lock, contextlib.suppress(sqlite3.Error):
            self.conn.execute(f"PRAGMA {setting}")

    def generation(self) -> int:
        """A number that changes whenever the rows (or their walk order) change."""
        with self.lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else -1

    def close(self) -> None:
        """Close the database (and delete it when it was a private one)."""
        with self.lock:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            if self.private:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        Path(str(self.path) + suffix).unlink()


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
