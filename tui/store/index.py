"""The persistent article index: one SQLite database per seeds directory.

Why: re-parsing 100,000 files on every start is too slow, and full-text search
needs an inverted index. The database lives under the user cache directory
(never inside the seeds directory, which stays read-only to newsdeck) and holds,
per file, the header fields of its :class:`Article`, its size and mtime (to
detect changes without reading it), its plain text (for snippets) and an FTS5
word index of that text.

The FTS5 table uses the ``unicode61`` tokenizer (words, case and diacritics
folded), but runs of CJK characters are first rewritten as overlapping
character *bigrams* (``经济增长`` -> ``经济 济增 增长``) and folded from
Traditional to Simplified, so a Chinese query is a phrase of bigrams: an exact
substring match that needs no word segmenter, two-character words included, and
Simplified queries find Traditional articles. Why not the trigram tokenizer: it
indexes every character of English text too (about 3x the tokens of words, so
builds were 4x slower and a common English word meant intersecting huge
position lists; 400 ms queries at 100,000 articles). The cost: Latin words match
by word prefix (``vacc`` finds ``vaccines``) but not from the middle of a word,
and a single CJK character is only found where it starts a bigram (or stands
alone), not at the end of a run. The text is stored once in ``texts``; the FTS
table is contentless, so nothing is stored twice.

Robustness: a database that is corrupt, from another schema version or for
another directory is deleted and rebuilt; one that stays locked is replaced by a
private one for the session. Either way :attr:`Index.notice` holds a one-line
message for the user and nothing raises. Several processes may use one index at
once (WAL mode, a busy timeout, short write transactions).

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.body.text import plain_text
from tui.files.scan import Skipped, iter_files, walk
from tui.model import Article
from tui.paths import cache_dir
from tui.search.fold import CJK_RUN, find_fold, fold_fts

#: Bump whenever the tables change: an index with another version is rebuilt.
SCHEMA_VERSION = 4
#: Index at most this many characters of a body: a few bodies are hundreds of KB
#: of tables and lists; their first 64 KiB of text is what a search needs.
#: ``newsdeck list`` leaves more new or changed files than this (and over a quarter
#: of the index) to a plain header scan rather than indexing them on the spot.
LIST_PARSE_LIMIT = 2000
#: Rows written per transaction: big enough to amortise the commit, short enough
#: that another process waiting for the write lock is not starved.
BATCH_SIZE = 1000
#: Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 1500
#: Files handed to a worker process at once.
CHUNK = 48
#: How long a writer waits for another process's transaction (milliseconds).
BUSY_TIMEOUT_MS = 30_000
#: A query with fewer matches is ranked by bm25; one with more (a common word)
#: ranks only its newest this-many matches, by title hits (see Index.search).
RANK_CAP = 200
_SNIPPET_CHARS = 36  # each side of the first match
_CANDIDATES = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
_SKIPPED_MTIME = -1.0  # mtime of rows that stand for a Skipped entry (not a file)
#: Every write bumps the generation: data derived from the rows (see :meth:`Index.blob`)
#: is only good for the generation it was made from.
_BUMP = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"

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
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, content='', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO fts (fts, rank) VALUES ('crisismerge', 64);
PRAGMA user_version = {SCHEMA_VERSION};
"""

_COLUMNS = (
    "path, size, mtime, format, title, url, date, author, source, categories, tags, image, "
    "problems, error, encoding"
)
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


# --------------------------------------------------------------------------- records


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


@dataclass(frozen=True, slots=True)
class Hit:
    """One full-text match: the article, a higher-is-better score and a one-line snippet.

    ``highlights`` are ``(start, end)`` character offsets of the matches inside
    ``snippet``, so a UI can style them without interpreting any markup.
    """

    article: Article
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()

    def to_json(self, root: Path | None = None) -> dict[str, Any]:
        """The ``newsdeck search --json`` record (a contract: keys must not change)."""
        return {
            "path": self.article.relpath(root),
            "title": self.article.title,
            "date": self.article.date.isoformat() if self.article.date else None,
            "source": self.article.source,
            "snippet": self.snippet,
            "score": round(self.score, 6),
        }


# --------------------------------------------------------------------------- locations


def db_path(root: Path) -> Path:
    """The database file of a seeds directory: named by a hash of its resolved path."""
    key = str(root.resolve())
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir() / "index" / f"{digest}.sqlite"


def exists(root: Path) -> bool:
    """True when an index database has been created for ``root``."""
    return db_path(root).is_file()


# --------------------------------------------------------------------------- the index


class Index:
    """The index of one seeds directory. Thread-safe; open one per process.

    Open it, read :attr:`notice` (show it when set), :meth:`load` to paint,
    then :meth:`reconcile` in the background; :meth:`update` applies watcher
    batches; :meth:`search` queries the text.
    """

    def __init__(self, root: Path, *, path: Path | None = None) -> None:
        self.root = root
        self.path = path or db_path(root)
        #: One line for the user when the index had to be rebuilt or replaced, else None.
        self.notice: str | None = None
        self._key = str(root.resolve())
        self._lock = threading.RLock()
        self._private = False
        self._writable = True
        #: The relative path of every entry in walk order, as the last :meth:`reconcile`
        #: found them (strings only: 100,000 Path objects would be ~60 MB).
        self.walked: list[str] = []
        self._conn = self._open()

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
            if _is_locked(exc):
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
                if not _is_locked(exc) or attempt == 39 or _file_size(self.path) > 0:
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
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('root', ?)", (self._key,))
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
        if row is None or row[0] != self._key:
            return "the index belongs to another directory"
        # Touch every table so a damaged schema shows up now, not mid-use.
        conn.execute("SELECT id FROM articles LIMIT 1").fetchall()
        conn.execute("SELECT id FROM texts LIMIT 1").fetchall()
        conn.execute("SELECT path FROM dirs LIMIT 1").fetchall()
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
        self._private = True
        folder = self.path.parent if self.path.parent.is_dir() else None
        if folder is None or not os.access(folder, os.W_OK):
            import tempfile

            folder = Path(tempfile.gettempdir())
        self.path = folder / f"{self.path.stem}.{os.getpid()}.{id(self):x}.sqlite"
        conn = self._connect(self.path)
        if self._validate(conn) is not None:  # pragma: no cover - a fresh file is always valid
            raise RuntimeError("could not create a private index")
        return conn

    def close(self) -> None:
        """Close the database (and delete it when it was a private one)."""
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            if self._private:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        Path(str(self.path) + suffix).unlink()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A database error mid-use: rebuild (or go private when locked) and carry on."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        if isinstance(exc, sqlite3.OperationalError) and _is_locked(exc):
            self._conn = self._open_private("the index is locked by another process")
        else:
            self._conn = self._rebuild(f"the index was damaged ({exc})")

    # ----------------------------------------------------------------- reading

    def count(self) -> int:
        """How many entries (articles and unreadable files) the index holds."""
        with self._lock:
            try:
                return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            except sqlite3.DatabaseError as exc:
                self._recover(exc)
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
        prefix = str(self.root)
        prefix = prefix if prefix.endswith(os.sep) else prefix + os.sep
        sql = (
            f"SELECT {_COLUMNS}, ftitle, fsource, fauthor, pykey FROM articles "
            "ORDER BY date_ts DESC NULLS LAST, path"
        )
        cut = len(_COLUMNS.split(","))
        size = first
        with self._lock:
            try:
                cursor = self._conn.execute(sql)
                while rows := cursor.fetchmany(size):
                    with _gc_paused():
                        batch = _articles(prefix, [r[:cut] for r in rows])
                        fields = [None if r[cut] is None else r[cut:] for r in rows]
                    yield batch, fields
                    size = batch_size
            except sqlite3.DatabaseError as exc:
                self._recover(exc)

    def _all_rows(self) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(f"SELECT {_COLUMNS} FROM articles").fetchall()
            except sqlite3.DatabaseError as exc:
                self._recover(exc)
                return []

    def known(self) -> dict[str, tuple[int, float]]:
        """Relative path -> (size, mtime) of every indexed entry."""
        with self._lock:
            rows = self._conn.execute("SELECT path, size, mtime FROM articles").fetchall()
        return {p: (s, m) for p, s, m in rows}

    # ----------------------------------------------------------------- writing

    def reconcile(self, *, workers: int | None = None) -> Iterator[Batch]:
        """Bring the index in line with the directory, yielding progress as it goes.

        Unchanged files (same size and mtime) are only stat()ed, never read. The
        first batch lists removals (and comes at once); then parsed files follow
        in batches of :data:`BATCH_SIZE`, each written in one transaction.
        """
        yield from self._reconcile_safely(workers, None)

    def _reconcile_safely(
        self, workers: int | None, known: dict[str, tuple[int, float]] | None
    ) -> Generator[Batch, None, None]:
        try:
            yield from self._reconcile(workers, known)
        except sqlite3.DatabaseError as exc:
            with self._lock:
                self._recover(exc)
            yield from self._reconcile(workers, None)

    def _reconcile(
        self, workers: int | None, known: dict[str, tuple[int, float]] | None
    ) -> Iterator[Batch]:
        if known is None:
            known = self.known()
        if not known:
            # A from-scratch build: the index is a cache that a crash would only
            # make us rebuild, so skip the fsyncs (restored when done).
            self._pragma("synchronous = OFF")
        try:
            yield from self._reconcile_with(known, workers)
        finally:
            if not known:
                self._pragma("synchronous = NORMAL")

    def _pragma(self, setting: str) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.execute(f"PRAGMA {setting}")

    def _reconcile_with(
        self, known: dict[str, tuple[int, float]], workers: int | None
    ) -> Iterator[Batch]:
        todo: list[Path] = []
        skipped: list[Article] = []
        order: list[str] = []  # every entry in walk order, for list_articles()
        self.walked = order
        prefix = self._prefix()
        cut = len(prefix) if os.sep == "/" else -1
        stat = os.stat
        stamps: list[tuple[Path, int]] = []
        for item in walk(self.root, stamps):
            if isinstance(item, Skipped):
                rel = self._rel(item.path)
                order.append(rel)
                if rel not in known or known[rel][1] != _SKIPPED_MTIME:
                    skipped.append(Article(path=item.path, error=item.reason))
                continue
            path, text = item
            # String slicing, not pathlib: this loop runs once per file on every start.
            rel = text[cut:] if cut > 0 and text.startswith(prefix) else self._rel(path)
            order.append(rel)
            try:
                st = stat(text)
            except OSError:
                todo.append(path)
                continue
            if known.get(rel) != (st.st_size, st.st_mtime):
                todo.append(path)
        seen = set(order)
        removed = [rel for rel in known if rel not in seen]
        first = Batch(total=len(todo))
        if removed:
            self._delete(removed)
            first.removed = [self.root / rel for rel in removed]
        if skipped:
            self._write([(a, None, None, None) for a in skipped])
            for article in skipped:
                (first.changed if self._rel(article.path) in known else first.added).append(article)
        yield first
        done = 0
        for chunk in _batched(self._extract_all(todo, workers), BATCH_SIZE):
            self._write(chunk)
            done += len(chunk)
            batch = Batch(done=done, total=len(todo))
            for article, *_ in chunk:
                (batch.changed if self._rel(article.path) in known else batch.added).append(article)
            yield batch
        self._stamp_dirs(stamps)

    def _stamp_dirs(self, stamps: list[tuple[Path, int]]) -> None:
        """Record the walked directories (mtime, walk position) once everything is written.

        Only a complete reconcile gets here, so while every directory keeps its mtime
        the index holds every file (see :meth:`unchanged`).
        """
        rows = [(self._rel(path), mtime, pos) for pos, (path, mtime) in enumerate(stamps)]
        with self._lock:
            old = self._conn.execute("SELECT path, mtime_ns, pos FROM dirs ORDER BY pos").fetchall()
        if old == rows:
            return  # the usual reopen: nothing to write

        def body(c: sqlite3.Connection) -> None:
            if [(p, pos) for p, _, pos in old] != [(p, pos) for p, _, pos in rows]:
                c.execute(_BUMP)  # walk order changed: derived data must be remade
            c.execute("DELETE FROM dirs")
            c.executemany(
                "INSERT OR REPLACE INTO dirs (path, mtime_ns, pos) VALUES (?, ?, ?)", rows
            )

        with self._lock:
            self._transaction(body)

    def generation(self) -> int:
        """A number that changes whenever the rows (or their walk order) change."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else -1

    def _blob_path(self, name: str) -> Path:
        return self.path.with_name(f"{self.path.stem}.{name}")

    def blob(self, name: str, generation: int) -> bytes | None:
        """Data derived from the rows, kept by :meth:`store_blob`, if still current.

        A file beside the database, not a row in it: reading 15 MB from a file costs a
        fifth of reading it from SQLite's overflow pages.
        """
        try:
            data = self._blob_path(name).read_bytes()
        except OSError:
            return None
        head = f"{generation}\n".encode()
        return data[len(head) :] if data.startswith(head) else None

    def store_blob(self, name: str, generation: int, data: bytes) -> None:
        """Keep data derived from the rows of ``generation`` (a cache: failure is fine).

        Written to a temporary file and renamed, so a reader sees all or nothing.
        """
        if self._private:
            return
        path = self._blob_path(name)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(f"{generation}\n".encode() + data)
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    def unchanged(self) -> dict[str, int] | None:
        """Walk positions of the directories when none changed since the last reconcile.

        Why: a stat of every file costs ~0.6 s at 100,000 here, more than a whole
        ``fzf --filter``; a stat of each directory costs ~1 ms. Adding, removing or
        renaming a file changes its directory's mtime, so equal mtimes mean the same
        files. What this cannot see is a file rewritten in place (same name, no
        rename): ``newsdeck list --rescan``, ``newsdeck index`` and the app catch those.
        None when a directory changed or no complete reconcile was recorded.
        """
        with self._lock:
            try:
                rows = self._conn.execute("SELECT path, mtime_ns, pos FROM dirs").fetchall()
            except sqlite3.DatabaseError:
                return None
        if not rows:
            return None
        prefix = self._prefix()
        for rel, mtime, _pos in rows:
            try:
                now = os.stat(self.root if rel == "." else prefix + rel).st_mtime_ns
            except OSError:
                now = -1
            if now != mtime:
                return None
        return {rel: pos for rel, _mtime, pos in rows}

    def update(self, paths: Iterable[Path]) -> Batch:
        """Apply a watcher batch: re-check these paths (files or directories) only."""
        known = self.known()
        todo: list[Path] = []
        removed: list[str] = []
        for path in dict.fromkeys(paths):
            rel = self._rel(path)
            if rel.startswith("../") or rel == ".." or _hidden(rel):
                continue
            if path.is_dir():
                inside = rel + "/" if rel != "." else ""
                present: set[str] = set()
                for item in iter_files(path):
                    if isinstance(item, Skipped):
                        continue
                    sub = self._rel(item)
                    present.add(sub)
                    if known.get(sub) != _stamp(item):
                        todo.append(item)
                removed += [k for k in known if k.startswith(inside) and k not in present]
            elif path.is_file():
                if known.get(rel) != _stamp(path):
                    todo.append(path)
            else:
                inside = rel + "/"
                removed += [k for k in known if k == rel or k.startswith(inside)]
        batch = Batch(total=len(todo), done=len(todo))
        if removed:
            removed = list(dict.fromkeys(removed))
            self._delete(removed)
            batch.removed = [self.root / rel for rel in removed]
        results = list(self._extract_all(todo, None))
        for chunk in _batched(iter(results), BATCH_SIZE):
            self._write(chunk)
        for article, *_ in results:
            (batch.changed if self._rel(article.path) in known else batch.added).append(article)
        return batch

    def _rel(self, path: Path) -> str:
        """``path`` relative to the root, as stored (string slicing: pathlib is slow here)."""
        text = os.fspath(path)
        prefix = self._prefix()
        inside = text.startswith(prefix)
        rel = text[len(prefix) :] if inside else os.path.relpath(text, self.root)
        return rel if os.sep == "/" else rel.replace(os.sep, "/")

    def _extract_all(self, paths: Sequence[Path], workers: int | None) -> Iterator[_Extracted]:
        """Parse files and extract their text, in a process pool when there are many."""
        if workers is None:
            workers = min(os.cpu_count() or 1, 4)
        if workers <= 1 or len(paths) < POOL_THRESHOLD:
            for path in paths:
                yield _extract(path)
            return
        import multiprocessing  # here: `newsdeck list` imports this module and needs no pool
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        chunks = [list(paths[i : i + CHUNK]) for i in range(0, len(paths), CHUNK)]
        given = 0  # chunks already yielded: a broken pool resumes from here, in-process
        try:
            ctx = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                # Bounded read-ahead, but more than one write batch: the workers
                # keep parsing while this process writes a transaction.
                window = max(workers * 4, 2 * BATCH_SIZE // CHUNK)
                pending = [pool.submit(_extract_many, c) for c in chunks[:window]]
                while pending:
                    results = pending.pop(0).result()
                    nxt = given + len(pending) + 1
                    if nxt < len(chunks):
                        pending.append(pool.submit(_extract_many, chunks[nxt]))
                    given += 1
                    yield from results
        except (OSError, RuntimeError, ValueError, BrokenProcessPool):
            # No worker processes here (a sandbox, a main module that cannot be
            # re-imported, a killed worker): parse the rest in this process.
            for chunk in chunks[given:]:
                yield from _extract_many(chunk)

    def _write(self, rows: Sequence[_Extracted]) -> None:
        """Upsert header rows, their text and its index entries in one transaction.

        Entries these paths already have are removed first, inside the transaction
        (another process may have indexed them since we looked).
        """
        if not self._writable:
            return
        records = [self._record(a, keys) for a, _, _, keys in rows]
        stale = [rec[0] for rec in records]
        texts: list[tuple[str, str]] = []
        entries: list[tuple[str, str, str]] = []
        for (article, text, folded, _keys), rec in zip(rows, records, strict=True):
            if article.ok and text is not None:
                texts.append((text, rec[0]))
                entries.append(
                    (fold_fts(article.title), text if folded is None else folded, rec[0])
                )

        def body(c: sqlite3.Connection) -> None:
            c.execute(_BUMP)
            self._unindex(c, stale)
            c.executemany(_UPSERT, records)
            if not texts:
                return
            # Plain VALUES with the row ids: `INSERT INTO fts ... SELECT` costs FTS5 twice as much.
            ids = self._ids(c, [rel for _, rel in texts])
            c.executemany(
                "INSERT INTO texts (id, body) VALUES (?, ?)", [(ids[r], t) for t, r in texts]
            )
            c.executemany(
                "INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)",
                [(ids[r], title, folded) for title, folded, r in entries],
            )

        with self._lock:
            self._transaction(body)

    @staticmethod
    def _ids(c: sqlite3.Connection, rels: list[str]) -> dict[str, int]:
        """Row ids of these paths (500 at a time: SQLite caps the parameters)."""
        out: dict[str, int] = {}
        for i in range(0, len(rels), 500):
            part = rels[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update(c.execute(f"SELECT path, id FROM articles WHERE path IN ({marks})", part))
        return out

    @staticmethod
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
        c.executemany(
            "INSERT INTO fts (fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            [(i, fold_fts(title), fold_fts(text)) for i, title, text in old],
        )
        c.executemany("DELETE FROM texts WHERE id = ?", [(i,) for i, _, _ in old])

    def _delete(self, rels: Sequence[str]) -> None:
        if not self._writable:
            return

        def body(c: sqlite3.Connection) -> None:
            c.execute(_BUMP)
            self._unindex(c, rels)
            c.executemany("DELETE FROM articles WHERE path = ?", [(r,) for r in rels])

        with self._lock:
            self._transaction(body)

    def _transaction(self, body: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``body`` in a write transaction; a lock that outlasts the timeout stops writing.

        The caller still gets its articles (the list stays right for this session);
        only persisting them is given up, with a notice.
        """
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc):
                raise
            self._writable = False
            self.notice = "newsdeck: the index stayed locked by another process; not saving"
            return
        try:
            body(conn)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _record(self, a: Article, keys: FuzzyFields | None) -> tuple[Any, ...]:
        """An article as an ``articles`` row, in :data:`_UPSERT` order."""
        ftitle, fsource, fauthor, pykey = keys or (None, None, None, None)
        return (
            self._rel(a.path),
            a.size,
            _SKIPPED_MTIME if a.error and not a.size and not a.mtime else a.mtime,
            a.format,
            a.title,
            a.url,
            a.date.isoformat() if a.date else None,
            a.date.timestamp() if a.date else None,
            a.author,
            a.source,
            _json_list(a.categories),
            _json_list(a.tags),
            a.image,
            _json_list(a.problems),
            a.error,
            a.encoding,
            ftitle,
            fsource,
            fauthor,
            pykey,
        )

    # ----------------------------------------------------------------- searching

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Full-text search over titles and bodies, best first (bm25, titles weigh 4x).

        A query matching :data:`RANK_CAP` articles or more is ranked differently:
        only its newest matches, those with the words in the title first (bm25
        would cost 100+ ms there at 100,000 articles). Words are ANDed;
        ``"quoted phrases"`` must appear in that order. A Latin word of three or
        more letters matches as a word prefix; case and
        diacritics are ignored. A CJK word matches as an exact substring (Traditional
        and Simplified alike). See the module docstring for the limits.
        """
        terms = _terms(query)
        expr = _match(terms)
        if not expr or limit <= 0:
            return []
        with self._lock:
            try:
                return self._search(expr, terms, limit)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and not _is_locked(exc):
                    return []  # a query FTS5 rejects: no match rather than a crash
                self._recover(exc)
                return []

    def _search(self, expr: str, terms: list[str], limit: int) -> list[Hit]:
        conn = self._conn
        # The newest RANK_CAP matches: FTS5 walks a match in rowid order and stops
        # there, so a phrase found in every other article costs no more than a rare one.
        found = [r[0] for r in conn.execute(_CANDIDATES, (expr, RANK_CAP))]
        if not found:
            return []
        needles = _needles(terms)
        if len(found) < RANK_CAP:
            # Few matches: bm25, whose first step counts every match of each phrase.
            ranked = conn.execute(
                "SELECT rowid, -bm25(fts, 4.0, 1.0) FROM fts WHERE fts MATCH ?", (expr,)
            ).fetchall()
        else:
            # A common word: bm25 would count its tens of thousands of matches first
            # (100+ ms). Rank the newest matches by how often the title has the words.
            marks = ",".join("?" * len(found))
            titles = dict(
                conn.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", found)
            )
            ranked = [(i, 1.0 + 4.0 * _occurrences(titles.get(i, ""), needles)) for i in found]
        ranked.sort(key=lambda r: (-r[1], -r[0]))
        best = ranked[:limit]
        ids = [r[0] for r in best]
        marks = ",".join("?" * len(ids))
        bodies = dict(conn.execute(f"SELECT id, body FROM texts WHERE id IN ({marks})", ids))
        rows = self._rows(ids)
        hits = []
        for rowid, score in best:
            if rowid in rows:
                article = self._article(rows[rowid])
                text, spans = _snippet(article.title, bodies.get(rowid, ""), needles)
                hits.append(Hit(article, float(score), text, spans))
        return hits

    def _rows(self, ids: list[int]) -> dict[int, tuple[Any, ...]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        cur = self._conn.execute(f"SELECT id, {_COLUMNS} FROM articles WHERE id IN ({marks})", ids)
        return {row[0]: row[1:] for row in cur}

    def _article(self, row: Sequence[Any]) -> Article:
        return _article(self._prefix(), row)

    def _prefix(self) -> str:
        prefix = str(self.root)
        return prefix if prefix.endswith(os.sep) else prefix + os.sep


# --------------------------------------------------------------------------- helpers


def list_articles(root: Path, *, rescan: bool = False) -> list[Article] | None:
    """Every entry of ``root`` from its index, brought up to date; None when there is none.

    For ``newsdeck list``: the same records a header-only :func:`scan` gives, in
    the same (walk) order, but only new and changed files are read. When no
    directory changed since the last complete reconcile (:meth:`Index.unchanged`)
    the index is taken as it is; otherwise, or with ``rescan``, every file is
    stat()ed, which also catches files rewritten in place. Also None when most
    files are new (see :data:`LIST_PARSE_LIMIT`) or the index cannot be written:
    the caller scans.
    """
    if not exists(root):
        return None
    with _gc_paused(), Index(root) as index:
        if not rescan and (positions := index.unchanged()) is not None:
            rows = index._all_rows()
            ordered = walk_ordered(rows, positions)
            if ordered is not None:
                return _articles(index._prefix(), ordered)
        rows = index._all_rows()
        # One read serves as the change check's baseline and, when nothing changed, as the list.
        known = {row[0]: (row[1], row[2]) for row in rows}
        batches = index._reconcile_safely(None, known)
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
            rows = index._all_rows()
        order = index.walked
        prefix = index._prefix()
        by_rel = {row[0]: row for row in rows}
    if len(by_rel) != len(order) or not all(rel in by_rel for rel in order):
        return None  # the index could not be written (locked): the caller scans
    with _gc_paused():
        return _articles(prefix, [by_rel[rel] for rel in order])


def walk_key(rel: str, positions: dict[str, int]) -> tuple[int, str] | None:
    """Where :func:`~tui.files.scan.walk` yields the entry ``rel``, from its directory's position.

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


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC passes while 100,000s of acyclic records are built (~30% of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _articles(prefix: str, rows: Iterable[Sequence[Any]]) -> list[Article]:
    """:func:`_article` for many rows at once, ~3x cheaper and a third smaller.

    Why: loading 100,000 records is most of a warm ``newsdeck list`` and of the app's
    memory. Each directory's :class:`Path` is parsed once and files are joined onto it
    (as :func:`tui.files.scan.walk` does); equal JSON lists are decoded once (each
    article still gets its own list object); and the few distinct formats, encodings,
    sources and authors are shared, not one string object per row.
    """
    from tui.files.scan import _child_maker

    makers: dict[str, Callable[[str, str], Path]] = {}
    lists: dict[str, list[str]] = {}
    shared: dict[str, str] = {}
    share = shared.setdefault
    out: list[Article] = []
    append = out.append
    fromiso = datetime.fromisoformat
    for row in rows:
        (path, size, mtime, fmt, title, url, date, author, source, cats, tags, image, probs,
         error, encoding) = row  # fmt: skip
        folder, _, name = path.rpartition("/")
        make = makers.get(folder)
        if make is None:
            make = makers[folder] = _child_maker(Path(prefix + folder))
        decoded: list[list[str]] = []
        for text in (cats, tags, probs):
            if text == "[]":
                decoded.append([])
                continue
            cached = lists.get(text)
            if cached is None:
                cached = lists[text] = _from_json(text)
            decoded.append(list(cached))
        append(
            Article(
                make(name, prefix + path),
                fmt,
                title,
                url,
                fromiso(date) if date else None,
                author and share(author, author),
                source and share(source, source),
                decoded[0],
                decoded[1],
                image,
                None,
                decoded[2],
                error,
                size,
                mtime,
                share(encoding, encoding),
            )
        )
    return out


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/") if part not in ("", "."))


def _stamp(path: Path) -> tuple[int, float] | None:
    """(size, mtime) as the parser's fstat records them: equal means unchanged."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime)


#: What the fuzzy filter matches an article by, precomputed for ``newsdeck list
#: --filter``: folded title, source and author, and the title's pinyin key.
FuzzyFields = tuple[str, str, str, str | None]
#: A parsed file for the writer: header-only article, its plain text (None when
#: unreadable), that text folded for the FTS table (None when unchanged by folding)
#: and its fuzzy fields (None when unreadable).
_Extracted = tuple[Article, str | None, str | None, FuzzyFields | None]


def _extract(path: Path) -> _Extracted:
    """Parse one file fully and return its header-only article, text and folded text."""
    from tui.files.parser import parse

    article = parse(path)
    text = folded = None
    keys: FuzzyFields | None = None
    if article.ok:
        text = plain_text(article.body or "")
        folded = fold_fts(text)
        folded = None if folded == text else folded
        keys = fuzzy_fields(article)
    article.body = None
    return article, text, folded, keys


def fuzzy_fields(article: Article) -> FuzzyFields:
    """The article's title, source and author as the fuzzy filter folds them, plus its key.

    Computed in the worker processes at index time (folding and pinyin keys are most of
    the cost of building a :class:`~tui.search.fuzzy.FuzzyIndex`). The pinyin key is
    stored whatever the pinyin setting: the setting only decides whether it is used.
    """
    from tui.search.chinese import pinyin_key
    from tui.search.fuzzy import fold as fuzzy_fold

    title = fuzzy_fold(article.title)
    return (
        title,
        fuzzy_fold(article.source or ""),
        fuzzy_fold(article.author or ""),
        pinyin_key(title),
    )


def _extract_many(paths: list[Path]) -> list[_Extracted]:
    """Worker-process entry point: one round trip for a chunk of files."""
    return [_extract(p) for p in paths]


# --------------------------------------------------------------------------- text

#: C0/C1 controls and DEL become spaces in snippets (same length: offsets stay valid).
_CONTROLS = {c: " " for c in (*range(0x20), *range(0x7F, 0xA0))}
_TOKEN = re.compile(r"[^\W_]+")


def _match(terms: list[str]) -> str:
    """An FTS5 MATCH expression for query terms: one phrase per term, all required."""
    phrases = []
    for term in terms:
        tokens = _TOKEN.findall(fold_fts(term))
        if not tokens:
            continue
        last = tokens[-1]
        cjk = bool(CJK_RUN.fullmatch(last))
        prefix = len(last) == 1 if cjk else len(last) >= 3
        phrases.append('"' + " ".join(tokens) + '"' + (" *" if prefix else ""))
    return " AND ".join(phrases)


def _needles(terms: list[str]) -> list[str]:
    """What to highlight: every word of every term, folded like :func:`find_fold`."""
    words = {find_fold(w) for term in terms for w in term.split()}
    return sorted((w for w in words if w), key=len, reverse=True)


def _occurrences(text: str, needles: list[str]) -> int:
    folded = find_fold(text)
    return sum(folded.count(n) for n in needles)


def _snippet(title: str, body: str, needles: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One line around the first match in the body (else the title), with highlights."""
    for text in (body, title):
        folded = find_fold(text)
        spots = [pos for n in needles if (pos := folded.find(n)) >= 0]
        if not spots:
            continue
        pos = min(spots)
        start = max(0, pos - _SNIPPET_CHARS)
        end = min(len(text), pos + _SNIPPET_CHARS * 2)
        lead = "…" if start else ""
        snippet = lead + text[start:end].translate(_CONTROLS) + ("…" if end < len(text) else "")
        window = folded[start:end]
        taken = [False] * len(window)
        spans = []
        for needle in needles:  # longest first: a word inside a longer one is not re-marked
            at = window.find(needle)
            while at >= 0:
                if not any(taken[at : at + len(needle)]):
                    taken[at : at + len(needle)] = [True] * len(needle)
                    spans.append((at + len(lead), at + len(lead) + len(needle)))
                at = window.find(needle, at + len(needle))
        return snippet, _merge(sorted(spans))
    return title.translate(_CONTROLS), ()


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] == start:
            start = out.pop()[0]
        out.append((start, end))
    return tuple(out)


def _batched(it: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in it:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _json_list(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def _from_json(text: str) -> list[str]:
    return [] if text == "[]" else list(json.loads(text))


def _article(prefix: str, row: Sequence[Any]) -> Article:
    """An ``articles`` row (in :data:`_COLUMNS` order) as a header-only Article."""
    (path, size, mtime, fmt, title, url, date, author, source, cats, tags, image, probs, error,
     encoding) = row  # fmt: skip
    return Article(
        path=Path(prefix + path),
        format=fmt,
        title=title,
        url=url,
        date=datetime.fromisoformat(date) if date else None,
        author=author,
        source=source,
        categories=_from_json(cats),
        tags=_from_json(tags),
        image=image,
        problems=_from_json(probs),
        error=error,
        size=size,
        mtime=mtime,
        encoding=encoding,
    )


def _terms(query: str) -> list[str]:
    """Split a query into words; double-quoted parts stay one term."""
    terms: list[str] = []
    for i, part in enumerate(query.split('"')):
        if i % 2:
            if part.strip():
                terms.append(part.strip())
        else:
            terms += part.split()
    return list(dict.fromkeys(terms))
