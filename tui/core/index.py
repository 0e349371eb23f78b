"""The persistent article index: one SQLite database per seeds directory.

Why: re-parsing 100,000 files on every start is too slow, and full-text search
needs an inverted index. The database lives under the user cache directory
(never inside the seeds directory, which stays read-only to newsdeck) and holds,
per file, the header fields of its :class:`Article`, its size and mtime (to
detect changes without reading it), and its plain text in an FTS5 trigram table
(substring search that works for Chinese without a word segmenter).

Robustness: a database that is corrupt, from another schema version or for
another directory is deleted and rebuilt; one that stays locked is replaced by a
private one for the session. Either way :attr:`Index.notice` holds a one-line
message for the user and nothing raises. Several processes may use one index at
once (WAL mode, a busy timeout, short write transactions).

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tui.core.article import Article
from tui.core.scan import Skipped, iter_files

#: Bump whenever the tables change: an index with another version is rebuilt.
SCHEMA_VERSION = 1
#: Rows written per transaction: big enough to amortise the commit, short enough
#: that another process waiting for the write lock is not starved.
BATCH_SIZE = 1000
#: Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 1500
#: Files handed to a worker process at once.
CHUNK = 48
#: How long a writer waits for another process's transaction (milliseconds).
BUSY_TIMEOUT_MS = 30_000
#: Rank at most this many FTS matches with bm25 (the newest rows first): ranking
#: every match of a very common word in 100,000 articles would take seconds.
RANK_CAP = 1000
#: Marks the match inside snippets; control characters never occur in article text.
_HL_OPEN, _HL_CLOSE = "\x02", "\x03"
_SNIPPET_TOKENS = 64  # trigram tokens are characters
_SNIPPET_CHARS = 36  # each side of a match, for the short-query fallback
_SKIPPED_MTIME = -1.0  # mtime of rows that stand for a Skipped entry (not a file)

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
    encoding TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_date ON articles (date_ts DESC);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, tokenize='trigram');
PRAGMA user_version = {SCHEMA_VERSION};
"""

_COLUMNS = (
    "path, size, mtime, format, title, url, date, author, source, categories, tags, image, "
    "problems, error, encoding"
)
_UPSERT = """
INSERT INTO articles (path, size, mtime, format, title, url, date, date_ts, author,
                      source, categories, tags, image, problems, error, encoding)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (path) DO UPDATE SET
    size = excluded.size, mtime = excluded.mtime,
    format = excluded.format, title = excluded.title, url = excluded.url, date = excluded.date,
    date_ts = excluded.date_ts, author = excluded.author, source = excluded.source,
    categories = excluded.categories, tags = excluded.tags, image = excluded.image,
    problems = excluded.problems, error = excluded.error, encoding = excluded.encoding
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


def cache_dir() -> Path:
    """Where index databases live: ``$NEWSDECK_CACHE_DIR`` or the platform's user cache."""
    override = os.environ.get("NEWSDECK_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("newsdeck"))


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
        conn.execute("PRAGMA journal_mode = WAL")
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
        conn.execute("SELECT rowid FROM fts LIMIT 1").fetchall()
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

        Unreadable files come back with ``error`` set, as :func:`tui.core.scan.scan`
        gives them.
        """
        return [a for batch in self.iter_load() for a in batch]

    def iter_load(self, first: int = 500, batch_size: int = 20_000) -> Iterator[list[Article]]:
        """:meth:`load` in batches, newest first: the first (small) one is ready at once."""
        prefix = str(self.root)
        prefix = prefix if prefix.endswith(os.sep) else prefix + os.sep
        sql = f"SELECT {_COLUMNS} FROM articles ORDER BY date_ts DESC NULLS LAST, path"
        size = first
        with self._lock:
            try:
                cursor = self._conn.execute(sql)
                while rows := cursor.fetchmany(size):
                    yield [_article(prefix, row) for row in rows]
                    size = batch_size
            except sqlite3.DatabaseError as exc:
                self._recover(exc)

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
        try:
            yield from self._reconcile(workers)
        except sqlite3.DatabaseError as exc:
            with self._lock:
                self._recover(exc)
            yield from self._reconcile(workers)

    def _reconcile(self, workers: int | None) -> Iterator[Batch]:
        known = self.known()
        todo: list[Path] = []
        skipped: list[Article] = []
        seen: set[str] = set()
        for item in iter_files(self.root):
            rel = self._rel(item.path if isinstance(item, Skipped) else item)
            seen.add(rel)
            if isinstance(item, Skipped):
                if rel not in known or known[rel][1] != _SKIPPED_MTIME:
                    skipped.append(Article(path=item.path, error=item.reason))
                continue
            stamp = _stamp(item)
            if stamp is None or known.get(rel) != stamp:
                todo.append(item)
        removed = [rel for rel in known if rel not in seen]
        first = Batch(total=len(todo))
        if removed:
            self._delete(removed)
            first.removed = [self.root / rel for rel in removed]
        if skipped:
            self._write([(a, None) for a in skipped])
            for article in skipped:
                (first.changed if self._rel(article.path) in known else first.added).append(article)
        yield first
        done = 0
        for chunk in _batched(self._extract_all(todo, workers), BATCH_SIZE):
            self._write(chunk)
            done += len(chunk)
            batch = Batch(done=done, total=len(todo))
            for article, _text in chunk:
                (batch.changed if self._rel(article.path) in known else batch.added).append(article)
            yield batch

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
        for article, _text in results:
            (batch.changed if self._rel(article.path) in known else batch.added).append(article)
        return batch

    def _rel(self, path: Path) -> str:
        """``path`` relative to the root, as stored (string slicing: pathlib is slow here)."""
        text = os.fspath(path)
        prefix = self._prefix()
        inside = text.startswith(prefix)
        rel = text[len(prefix) :] if inside else os.path.relpath(text, self.root)
        return rel if os.sep == "/" else rel.replace(os.sep, "/")

    def _extract_all(
        self, paths: Sequence[Path], workers: int | None
    ) -> Iterator[tuple[Article, str | None]]:
        """Parse files and extract their text, in a process pool when there are many."""
        if workers is None:
            workers = min(os.cpu_count() or 1, 4)
        if workers <= 1 or len(paths) < POOL_THRESHOLD:
            for path in paths:
                yield _extract(path)
            return
        chunks = [list(paths[i : i + CHUNK]) for i in range(0, len(paths), CHUNK)]
        given = 0  # chunks already yielded: a broken pool resumes from here, in-process
        try:
            ctx = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                window = workers * 4  # bounded read-ahead: results wait for the writer
                pending = [pool.submit(_extract_many, c) for c in chunks[:window]]
                while pending:
                    results = pending.pop(0).result()
                    nxt = given + len(pending) + 1
                    if nxt < len(chunks):
                        pending.append(pool.submit(_extract_many, chunks[nxt]))
                    given += 1
                    yield from results
        except (OSError, RuntimeError, BrokenProcessPool):
            # No worker processes here (a sandbox, a main module that cannot be
            # re-imported, a killed worker): parse the rest in this process.
            for chunk in chunks[given:]:
                yield from _extract_many(chunk)

    def _write(self, rows: Sequence[tuple[Article, str | None]]) -> None:
        """Upsert header rows and their text in one transaction."""
        if not self._writable:
            return
        records = [self._record(a) for a, _ in rows]
        texts = [(a.title, text, rec[0]) for (a, text), rec in zip(rows, records, strict=True)]
        texts = [t for t, (a, _) in zip(texts, rows, strict=True) if a.ok]
        with self._lock:
            self._transaction(
                lambda c: (
                    c.executemany(
                        "DELETE FROM fts WHERE rowid IN (SELECT id FROM articles WHERE path = ?)",
                        [(r[0],) for r in records],
                    ),
                    c.executemany(_UPSERT, records),
                    c.executemany(
                        "INSERT INTO fts (rowid, title, body) "
                        "SELECT id, ?, ? FROM articles WHERE path = ?",
                        texts,
                    ),
                )
            )

    def _delete(self, rels: Sequence[str]) -> None:
        if not self._writable:
            return
        args = [(r,) for r in rels]
        with self._lock:
            self._transaction(
                lambda c: (
                    c.executemany(
                        "DELETE FROM fts WHERE rowid IN (SELECT id FROM articles WHERE path = ?)",
                        args,
                    ),
                    c.executemany("DELETE FROM articles WHERE path = ?", args),
                )
            )

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

    def _record(self, a: Article) -> tuple[Any, ...]:
        """An article as an ``articles`` row, in :data:`_UPSERT` order."""
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
        )

    # ----------------------------------------------------------------- searching

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Full-text search over titles and bodies, best first.

        Words are ANDed; ``"quoted phrases"`` keep their spaces. Words of three or
        more characters use the trigram index and are ranked by bm25 (title matches
        weigh more); shorter words (two-character Chinese words, ``AI``) are matched
        by scanning the stored text, which stops once ``limit`` matches are found.
        Case is ignored for ASCII letters.
        """
        terms = _terms(query)
        if not terms or limit <= 0:
            return []
        with self._lock:
            try:
                return self._search(terms, limit)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and not _is_locked(exc):
                    return []  # a query FTS5 rejects: no match rather than a crash
                self._recover(exc)
                return []

    def _search(self, terms: list[str], limit: int) -> list[Hit]:
        long = [t for t in terms if len(t) >= 3]
        short = [t for t in terms if len(t) < 3]
        where: list[str] = []
        args: list[Any] = []
        for term in short:
            # `|| ''` keeps FTS5 from taking the LIKE itself (it finds nothing under 3 chars).
            where.append("((title || '') LIKE ? ESCAPE '\\' OR (body || '') LIKE ? ESCAPE '\\')")
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += ["%" + escaped + "%"] * 2
        if not long:
            return self._scan_search(where, args, short, limit)
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in long)
        extra = "".join(f" AND {w}" for w in where)
        # Rank only the newest RANK_CAP matches: bm25 costs a little per matching row.
        ranked = self._conn.execute(
            f"SELECT rowid, -bm25(fts, 4.0, 1.0) FROM fts WHERE fts MATCH ?{extra} "
            "ORDER BY rowid DESC LIMIT ?",
            [match, *args, RANK_CAP],
        ).fetchall()
        ranked.sort(key=lambda r: -r[1])
        best = ranked[:limit]
        if not best:
            return []
        ids = [r[0] for r in best]
        marks = ",".join("?" * len(ids))
        snippets = dict(
            self._conn.execute(
                f"SELECT rowid, snippet(fts, -1, ?, ?, '…', {_SNIPPET_TOKENS}) FROM fts "
                f"WHERE fts MATCH ? AND rowid IN ({marks})",
                [_HL_OPEN, _HL_CLOSE, match, *ids],
            ).fetchall()
        )
        rows = self._rows(ids)
        hits = []
        for rowid, score in best:
            if rowid in rows:
                text, spans = _spans(snippets.get(rowid, ""))
                hits.append(Hit(self._article(rows[rowid]), float(score), text, spans))
        return hits

    def _scan_search(
        self, where: list[str], args: list[Any], terms: list[str], limit: int
    ) -> list[Hit]:
        """Short words only: scan the stored text, newest rows first, up to ``limit`` matches."""
        found = self._conn.execute(
            f"SELECT rowid, title, body FROM fts WHERE {' AND '.join(where)} "
            "ORDER BY rowid DESC LIMIT ?",
            [*args, limit],
        ).fetchall()
        rows = self._rows([r[0] for r in found])
        hits = []
        for rowid, title, body in found:
            if rowid not in rows:
                continue
            body = body or ""
            score = float(sum(_count(title, t) * 4 + _count(body, t) for t in terms))
            text, spans = _make_snippet(title, body, terms)
            hits.append(Hit(self._article(rows[rowid]), score, text, spans))
        hits.sort(key=lambda h: -h.score)
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


def list_articles(root: Path) -> list[Article] | None:
    """Every entry of ``root`` from its index, brought up to date; None when there is none.

    For ``newsdeck list``: the same records a header-only :func:`scan` gives, in
    the same (walk) order, but only new and changed files are read.
    """
    if not exists(root):
        return None
    with Index(root) as index:
        for _ in index.reconcile():
            pass
        articles = index.load()
    articles.sort(key=lambda a: _walk_key(a.path.relative_to(root).parts))
    return articles


def _walk_key(parts: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """Sort key giving :func:`iter_files` order: a directory's files before its subdirectories."""
    return (*((1, p) for p in parts[:-1]), (0, parts[-1]))


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


def _extract(path: Path) -> tuple[Article, str | None]:
    """Parse one file fully and return its header-only article plus its plain text."""
    from tui.core.convert import html_to_text
    from tui.core.parser import parse

    article = parse(path)
    text = None
    if article.ok:
        text = html_to_text(article.body or "")
    article.body = None
    return article, text


def _extract_many(paths: list[Path]) -> list[tuple[Article, str | None]]:
    """Worker-process entry point: one round trip for a chunk of files."""
    return [_extract(p) for p in paths]


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


def _count(text: str, term: str) -> int:
    if term.isascii():
        return text.lower().count(term.lower())
    return text.count(term)


def _find(text: str, term: str) -> int:
    if any(c.isascii() and c.isalpha() for c in term):
        return text.lower().find(term.lower())
    return text.find(term)


def _make_snippet(
    title: str, body: str, terms: list[str]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line snippet around the first match, with highlights (for the short-word scan)."""
    for text in (body, title):
        spots = [(pos, t) for t in terms if (pos := _find(text, t)) >= 0]
        if not spots:
            continue
        pos, term = min(spots)
        start, end = max(0, pos - _SNIPPET_CHARS), min(len(text), pos + len(term) + _SNIPPET_CHARS)
        piece = " ".join(text[start:end].split(_NL)).replace("\t", " ")
        lead = "…" if start else ""
        snippet = lead + piece + ("…" if end < len(text) else "")
        folded = snippet.lower()
        spans = []
        for t in terms:
            needle = t.lower() if t.isascii() else t
            at = folded.find(needle)
            while at >= 0:
                spans.append((at, at + len(t)))
                at = folded.find(needle, at + len(t))
        return snippet, tuple(sorted(spans))
    return title, ()


_NL = "\n"


def _spans(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Turn an FTS5 snippet with match markers into one plain line plus highlight offsets."""
    marked = marked.replace("\n", " ").replace("\t", " ")
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    open_at: int | None = None
    for piece in re.split(f"([{_HL_OPEN}{_HL_CLOSE}])", marked):
        if piece == _HL_OPEN:
            open_at = pos
        elif piece == _HL_CLOSE:
            if open_at is not None and pos > open_at:
                if spans and spans[-1][1] == open_at:
                    open_at = spans.pop()[0]
                spans.append((open_at, pos))
            open_at = None
        else:
            out.append(piece)
            pos += len(piece)
    return "".join(out), tuple(spans)
