"""Reading state (read/starred, where you stopped), per-directory view settings and saved
searches, in SQLite.

State is user data, so it is written durably: WAL journal, ``synchronous=FULL`` and
one transaction per user action, so a crash or ``kill -9`` loses nothing already
committed. Several newsdeck instances (SSH sessions of one user) may share the file:
every write takes SQLite's write lock up front (``BEGIN IMMEDIATE``) and waits for
it (``busy_timeout``), and toggles read the current value inside that transaction,
so two processes never lose each other's updates.

Articles are keyed by :func:`identity` (the URL, else a hash of title and date), not
by path, so moving or renaming a file keeps its state.

The store keeps the read and starred keys in memory (the list asks per row, the
browser for every article); :meth:`StateStore.refresh` reloads them cheaply when
another process committed since (``PRAGMA data_version``).

Reading positions (schema version 2, table ``positions``) say where the reader
stopped in each article, as a fraction (see :meth:`StateStore.set_position` for
what it measures and why), and whether the article was read to the end. A
version-1 file gains the table the first time a writable store opens it; a
read-only store (``newsdeck list``) reads a version-1 file as "no positions".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tui.model import Article
from tui.paths import data_dir

__all__ = [
    "ENV_USER",
    "FINISHED_AT",
    "SavedSearch",
    "StateError",
    "StateStore",
    "ViewSettings",
    "identity",
    "state_path",
]

ENV_USER = "NEWSDECK_USER"
SCHEMA_VERSION = 2
#: A position at or past this share of the article counts as read to the end.
FINISHED_AT = 0.95
BUSY_TIMEOUT_MS = 15_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    key TEXT PRIMARY KEY,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    read_at REAL,
    starred_at REAL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS views (
    directory TEXT PRIMARY KEY,
    sort TEXT,
    filter TEXT,
    updated REAL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS saved_searches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    created REAL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS positions (
    key TEXT PRIMARY KEY,
    fraction REAL NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    updated REAL
) WITHOUT ROWID;
"""
_SAFE_USER = re.compile(r"[A-Za-z0-9._-]{1,64}")


class StateError(Exception):
    """The state database cannot be opened or written (message is for the user)."""


@dataclass(frozen=True, slots=True)
class ViewSettings:
    """What a directory was last shown with; ``None`` sort means "use the default"."""

    sort: str | None = None
    filter: str = ""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query, shown in the browser beside the sources."""

    name: str
    query: str


def state_path(user: str | None = None) -> Path:
    """The state file; one per ``$NEWSDECK_USER`` (set by the SSH server) when given."""
    user = os.environ.get(ENV_USER) if user is None else user
    if not user:
        return data_dir() / "state.sqlite3"
    if not _SAFE_USER.fullmatch(user) or user.startswith("."):
        user = "u" + hashlib.sha256(user.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return data_dir() / "users" / f"{user}.sqlite3"


def identity(article: Article) -> str:
    """The key state is stored under: the URL, else a hash of title and date.

    The path is deliberately not part of it, so moving or renaming a file (or the
    same article in two directories) keeps one state.
    """
    url = (article.url or "").strip()
    if url:
        return "url:" + url
    date = article.date.isoformat() if article.date is not None else ""
    digest = hashlib.sha256(f"{article.title}\x1f{date}".encode("utf-8", "surrogatepass"))
    return "th:" + digest.hexdigest()[:32]


def _directory_key(directory: Path | str) -> str:
    return str(Path(directory).expanduser().resolve())


class StateStore:
    """Read/starred marks, view settings and saved searches of one user.

    Thread-safe (one connection behind a lock). ``readonly`` opens an existing file
    without ever creating or writing it (``newsdeck list``); a missing file then
    reads as empty. Raises :class:`StateError` when the database cannot be opened.
    """

    def __init__(self, path: Path | str | None = None, *, readonly: bool = False) -> None:
        self.path: Path | None = None
        self.readonly = readonly
        self._lock = threading.RLock()
        self._read: set[str] = set()
        self._starred: set[str] = set()
        #: identity -> (fraction, finished) of every saved reading position.
        self._positions: dict[str, tuple[float, bool]] = {}
        self._version: int | None = None
        self._conn: sqlite3.Connection | None = None
        memory = path == ":memory:"
        if not memory:
            self.path = Path(path) if path is not None else state_path()
        try:
            self._conn = self._connect(memory)
        except (sqlite3.Error, OSError) as exc:
            where = "in memory" if memory else str(self.path)
            raise StateError(f"reading state {where} cannot be opened: {exc}") from exc
        self._reload()

    @classmethod
    def in_memory(cls) -> StateStore:
        """A store that forgets everything on exit (the fallback when the file fails)."""
        return cls(":memory:")

    @classmethod
    def open_or_memory(cls, path: Path | str | None = None) -> tuple[StateStore, str | None]:
        """The user's store, or an in-memory one plus a warning to show when it fails."""
        try:
            return cls(path), None
        except StateError as exc:
            return cls.in_memory(), f"{exc}; reading state will not be saved"

    def _connect(self, memory: bool) -> sqlite3.Connection | None:
        if memory:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        elif self.readonly:
            assert self.path is not None
            if not self.path.exists():
                return None
            conn = sqlite3.connect(
                self.path.resolve().as_uri() + "?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        else:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not self.readonly:
                if not memory:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if str(mode).lower() != "wal":
                        raise sqlite3.OperationalError(f"journal mode {mode}, not WAL")
                conn.execute("PRAGMA synchronous = FULL")
                with self._transaction(conn):
                    for stmt in filter(str.strip, _SCHEMA.split(";")):
                        conn.execute(stmt)
                    if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            else:
                conn.execute("SELECT count(*) FROM marks").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    @contextlib.contextmanager
    def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One write transaction holding the write lock from the start."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _writable(self) -> sqlite3.Connection:
        if self.readonly or self._conn is None:
            raise StateError("the reading state was opened read-only")
        return self._conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; SQLite failures become :class:`StateError`."""
        try:
            with self._transaction(self._writable()) as conn:
                yield conn
        except sqlite3.Error as exc:
            raise StateError(f"reading state could not be saved: {exc}") from exc

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the database (everything is already committed)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _reload(self) -> None:
        conn = self._conn
        if conn is None:
            self._read, self._starred, self._positions = set(), set(), {}
            return
        with self._lock:
            self._version = conn.execute("PRAGMA data_version").fetchone()[0]
            rows = conn.execute("SELECT key, read, starred FROM marks WHERE read OR starred")
            read: set[str] = set()
            starred: set[str] = set()
            for key, r, s in rows:
                if r:
                    read.add(key)
                if s:
                    starred.add(key)
            self._read, self._starred = read, starred
            self._positions = self._load_positions(conn)

    def refresh(self) -> bool:
        """Pick up commits of other processes; True when something changed."""
        with self._lock:
            if self._conn is None:
                return False
            try:
                version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return False
            if version == self._version:
                return False
            self._reload()
            return True

    # ----------------------------------------------------------------- marks

    def is_read(self, article: Article) -> bool:
        """Whether the article was opened (or marked read); from memory, no I/O."""
        return identity(article) in self._read

    def is_starred(self, article: Article) -> bool:
        """Whether the article is starred; from memory, no I/O."""
        return identity(article) in self._starred

    def unread_count(self, articles: Iterable[Article]) -> int:
        """How many of ``articles`` are unread (for the header)."""
        read = self._read
        return sum(1 for a in articles if identity(a) not in read)

    def set_read(self, articles: Iterable[Article], read: bool = True) -> int:
        """Mark articles read (or unread) in one transaction; return how many changed."""
        keys = list(dict.fromkeys(identity(a) for a in articles))
        return self._set("read", keys, read)

    def set_starred(self, articles: Iterable[Article], starred: bool = True) -> int:
        """Star (or unstar) articles in one transaction; return how many changed."""
        keys = list(dict.fromkeys(identity(a) for a in articles))
        return self._set("starred", keys, starred)

    def toggle_read(self, article: Article) -> bool:
        """Flip the read mark (``m``); return the new value."""
        return self._toggle("read", identity(article))

    def toggle_star(self, article: Article) -> bool:
        """Flip the star (``f``); return the new value."""
        return self._toggle("starred", identity(article))

    def _cache(self, column: str) -> set[str]:
        return self._read if column == "read" else self._starred

    def _set(self, column: str, keys: list[str], value: bool) -> int:
        if not keys:
            return 0
        now = time.time()
        sql = (
            f"INSERT INTO marks (key, {column}, {column}_at) VALUES (?, ?, ?) "
            f"ON CONFLICT(key) DO UPDATE SET {column} = excluded.{column}, "
            f"{column}_at = excluded.{column}_at WHERE {column} != excluded.{column}"
        )
        with self._lock, self._write() as conn:
            before = conn.total_changes
            conn.executemany(sql, ((k, int(value), now) for k in keys))
            changed = conn.total_changes - before
        cache = self._cache(column)
        if value:
            cache.update(keys)
        else:
            cache.difference_update(keys)
        return changed

    def _toggle(self, column: str, key: str) -> bool:
        with self._lock, self._write() as conn:
            row = conn.execute(f"SELECT {column} FROM marks WHERE key = ?", (key,)).fetchone()
            value = not (row is not None and row[0])
            conn.execute(
                f"INSERT INTO marks (key, {column}, {column}_at) VALUES (?, ?, ?) "
                f"ON CONFLICT(key) DO UPDATE SET {column} = excluded.{column}, "
                f"{column}_at = excluded.{column}_at",
                (key, int(value), time.time()),
            )
        cache = self._cache(column)
        if value:
            cache.add(key)
        else:
            cache.discard(key)
        return value

    # ----------------------------------------------------------------- views

    def view(self, directory: Path | str) -> ViewSettings:
        """The sort and filter last used for ``directory`` (defaults when never saved)."""
        with self._lock:
            if self._conn is None:
                return ViewSettings()
            row = self._conn.execute(
                "SELECT sort, filter FROM views WHERE directory = ?", (_directory_key(directory),)
            ).fetchone()
        if row is None:
            return ViewSettings()
        return ViewSettings(row[0], row[1] or "")

    def save_view(
        self, directory: Path | str, *, sort: str | None = None, filter: str | None = None
    ) -> None:
        """Remember the sort and/or the filter for ``directory`` (``None`` keeps the old one)."""
        key = _directory_key(directory)
        with self._lock, self._write() as conn:
            conn.execute(
                "INSERT INTO views (directory, sort, filter, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(directory) DO UPDATE SET "
                "sort = coalesce(excluded.sort, sort), "
                "filter = coalesce(excluded.filter, filter), updated = excluded.updated",
                (key, sort, filter, time.time()),
            )

    # ----------------------------------------------------------------- saved searches

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name (case-insensitive)."""
        with self._lock:
            if self._conn is None:
                return []
            rows = self._conn.execute("SELECT name, query FROM saved_searches").fetchall()
        return sorted((SavedSearch(n, q) for n, q in rows), key=lambda s: s.name.casefold())

    def save_search(self, name: str, query: str) -> SavedSearch:
        """Save (or replace) a named query; the name is trimmed and must not be blank."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("a saved search needs a name")
        with self._lock, self._write() as conn:
            conn.execute(
                "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
                (name, query, time.time()),
            )
        return SavedSearch(name, query)

    def delete_search(self, name: str) -> bool:
        """Forget a saved search; False when there was none of that name."""
        with self._lock, self._write() as conn:
            cur = conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
            return cur.rowcount > 0

    # ----------------------------------------------------------------- reading positions

    @staticmethod
    def _load_positions(conn: sqlite3.Connection) -> dict[str, tuple[float, bool]]:
        try:
            rows = conn.execute("SELECT key, fraction, finished FROM positions").fetchall()
        except sqlite3.OperationalError:  # a version-1 file opened read-only: none yet
            return {}
        return {key: (float(fraction), bool(finished)) for key, fraction, finished in rows}

    def position(self, article: Article) -> float | None:
        """Where reading stopped (0.0-1.0, see :meth:`set_position`); None when never saved."""
        saved = self._positions.get(identity(article))
        return None if saved is None else saved[0]

    def is_finished(self, article: Article) -> bool:
        """Whether the article was read to the end (or to :data:`FINISHED_AT`); no I/O."""
        saved = self._positions.get(identity(article))
        return saved is not None and saved[1]

    def is_started(self, article: Article) -> bool:
        """Begun and not finished (``is:started``): a saved position past the top; no I/O."""
        saved = self._positions.get(identity(article))
        return saved is not None and saved[0] > 0.0 and not saved[1]

    def set_position(self, article: Article, fraction: float, *, finished: bool = False) -> bool:
        """Save where reading stopped in ``article``; False when nothing changed (no write).

        ``fraction`` is the share of the article's text above the first line shown
        (the reader counts letters and digits, so the figure does not depend on the
        width the article was wrapped at, and reopening at another width lands on
        about the same sentence). It is clamped to 0.0-1.0. ``finished`` (or a
        fraction of at least :data:`FINISHED_AT`) marks the article read to the end;
        that mark stays when the reader scrolls back up, and is merged inside the
        transaction, so another process's ``finished`` is never lost.
        """
        if fraction != fraction:  # NaN
            fraction = 0.0
        fraction = min(1.0, max(0.0, float(fraction)))
        finished = finished or fraction >= FINISHED_AT
        key = identity(article)
        with self._lock:
            old = self._positions.get(key)
            if old is None and fraction == 0.0 and not finished:
                return False  # the top of an article never read: nothing to remember
            if old is not None and abs(old[0] - fraction) < 1e-6 and (old[1] or not finished):
                return False
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO positions (key, fraction, finished, updated) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET fraction = excluded.fraction, "
                    "finished = max(finished, excluded.finished), updated = excluded.updated",
                    (key, fraction, int(finished), time.time()),
                )
                row = conn.execute(
                    "SELECT fraction, finished FROM positions WHERE key = ?", (key,)
                ).fetchone()
            self._positions[key] = (float(row[0]), bool(row[1]))
        return True
