"""Parsing a large directory's headers in worker processes, in walk order, streaming.

Why: one header costs ~3x the read of the file, and a seeds directory can hold a
hundred thousand files; the CPUs are otherwise idle while the app waits.

How, and what it guarantees:

* Small directories never start a pool: the first files are parsed here, so the
  first results arrive at once, and only when the walk finds more than
  :data:`PARALLEL_MIN_FILES` files does a pool start, in a background thread.
  This process keeps parsing while it starts, so waiting for it costs nothing.
* Workers are started with ``forkserver`` (``spawn`` where that does not exist),
  never plain ``fork``: the app scans from a thread while other threads run.
* Workers get chunks of path strings and send back one tuple per file; this
  process rebuilds the :class:`Article` objects and yields them in walk order.
* Any failure of the pool (it cannot start, a worker dies, a result cannot be
  pickled) hands the affected chunks and everything after them to the serial
  parser: a scan never fails or hangs because of the pool.
* Closing the generator early (the consumer stops iterating, or it is garbage
  collected) shuts the pool down, cancelling chunks that have not started.
"""

from __future__ import annotations

import itertools
import multiprocessing
import operator
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import fields
from pathlib import Path
from typing import Any

from tui.files.parser import parse_entry
from tui.files.walk import Entry, Skipped, scan_entries
from tui.model import Article

#: Environment variable that sets the number of worker processes (``1``: no pool).
WORKERS_ENV = "NEWSDECK_SCAN_WORKERS"
#: A directory with at most this many files is parsed in this process only.
PARALLEL_MIN_FILES = 2000
#: Files parsed here before looking further ahead, so the first results come at once.
FIRST_FILES = 64
#: Walk entries per chunk sent to a worker: big enough to amortise the round trip
#: (about 0.2 ms), small enough to keep every worker busy until the end.
CHUNK = 256
#: Chunks in flight per worker.
IN_FLIGHT_PER_WORKER = 3
#: Most worker processes a scan starts, however many CPUs there are.
MAX_WORKERS = 16
#: Parse here while the pool starts (``False``: wait for it; tests use that to make
#: sure the workers are used even for a corpus this process could parse first).
PARSE_WHILE_STARTING = True
#: Seconds closing a scan waits for a pool that is still starting.
START_TIMEOUT = 10.0

#: Article fields sent back by workers, in ``Article.__init__`` order after ``path``.
_FIELDS = tuple(f.name for f in fields(Article) if f.name != "path")
_ROW = operator.attrgetter(*_FIELDS)
#: ``Article(path, *row)`` is the cheapest rebuild; it needs ``path`` first and every
#: field in ``__init__`` (true today; checked so a change to Article cannot break it).
_POSITIONAL = fields(Article)[0].name == "path" and all(f.init for f in fields(Article))


def worker_count(workers: int | None) -> int:
    """Worker processes to use: the argument, else the environment, else the CPUs."""
    if multiprocessing.current_process().name != "MainProcess":
        return 1  # inside a worker (or any child process): never start pools in pools
    if workers is None:
        try:
            workers = int(os.environ.get(WORKERS_ENV, "").strip() or 0) or None
        except ValueError:
            workers = None
    if workers is None:
        workers = _cpu_count()
    return max(1, min(workers, MAX_WORKERS))


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def scan_parallel(
    items: Iterator[Entry | Skipped], header_only: bool, workers: int
) -> Iterator[Article]:
    """Scan walked ``items`` like :func:`tui.files.walk.scan_entries`, in ``workers`` processes."""
    first = list(itertools.islice(items, FIRST_FILES))
    yield from scan_entries(iter(first), header_only)
    # Look ahead (walking is ~10x cheaper than parsing) to see whether a pool pays.
    ahead: list[Entry | Skipped] = []
    files = 0
    for item in items:
        ahead.append(item)
        if not isinstance(item, Skipped):
            files += 1
            if files > PARALLEL_MIN_FILES:
                break
    else:
        yield from scan_entries(iter(ahead), header_only)
        return
    yield from _Scheduler(workers, header_only).run(itertools.chain(ahead, items))


def parse_chunk(sources: list[str], header_only: bool) -> list[tuple[Any, ...]]:
    """In a worker: parse files by path, one field tuple per file (see ``_FIELDS``)."""
    return [_ROW(parse_entry(Path(s), s, header_only=header_only)) for s in sources]


def _init_worker() -> None:
    # Ctrl+C is the parent's to handle (it shuts the pool down); a worker that also
    # got it would print a traceback for every idle process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ping() -> bool:
    return True


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the parser.
        ctx.set_forkserver_preload(["tui.files.scan_pool"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Pool:
    """A process pool started in a background thread, so the scan never waits for it."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.ready = threading.Event()
        self.executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._start, name="newsdeck-scan-pool", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        executor: ProcessPoolExecutor | None = None
        try:
            executor = ProcessPoolExecutor(
                self.workers, mp_context=_context(), initializer=_init_worker
            )
            # Launch the processes here rather than in the first submit of the scan.
            executor.submit(_ping).result()
        except BaseException:
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            executor = None
        finally:
            with self._lock:
                if self._closed and executor is not None:
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = None
                self.executor = executor
            self.ready.set()

    def get(self) -> ProcessPoolExecutor | None:
        """The pool when it has started (``None`` while starting, after failing or closing)."""
        return self.executor if self.ready.is_set() else None

    def close(self) -> None:
        """Stop the workers and wait for them; idempotent.

        A pool still starting is waited for (briefly) and then stopped, so no worker
        outlives the scan; one that takes longer than :data:`START_TIMEOUT` to start
        stops itself when it is up.
        """
        with self._lock:
            self._closed = True
        self._thread.join(START_TIMEOUT)
        with self._lock:
            executor, self.executor = self.executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class _Batch:
    """One chunk of walk entries, parsed here (``articles``) or by a worker (``future``)."""

    __slots__ = ("articles", "future", "items")

    def __init__(
        self,
        items: list[Entry | Skipped],
        articles: list[Article] | None = None,
        future: Future[list[tuple[Any, ...]]] | None = None,
    ) -> None:
        self.items = items
        self.articles = articles
        self.future = future


class _Scheduler:
    def __init__(self, workers: int, header_only: bool) -> None:
        self.workers = workers
        self.header_only = header_only
        self.pool: _Pool | None = None

    def run(self, items: Iterable[Entry | Skipped]) -> Iterator[Article]:
        chunks = _chunked(items, CHUNK)
        pending: deque[_Batch] = deque()
        in_flight = self.workers * IN_FLIGHT_PER_WORKER
        more = True
        self.pool = _Pool(self.workers)
        try:
            while True:
                while pending and (pending[0].future is None or pending[0].future.done()):
                    yield from self._collect(pending.popleft())
                if not more and not pending:
                    return
                remote = sum(1 for b in pending if b.future is not None)
                if more and not PARSE_WHILE_STARTING:
                    self.pool.ready.wait()
                executor = self.pool.get() if more else None
                if executor is not None and remote < in_flight:
                    chunk = next(chunks, None)
                    if chunk is None:
                        more = False
                    else:
                        pending.append(self._submit(executor, chunk))
                    continue
                if more and executor is None and len(pending) < in_flight:
                    # The pool is starting (or gave up): parse here meanwhile. Not once
                    # it runs: this thread's file reads would then keep losing the GIL
                    # to the pool's result thread, slowing both.
                    chunk = next(chunks, None)
                    if chunk is None:
                        more = False
                    else:
                        pending.append(_Batch(chunk, articles=self._parse_here(chunk)))
                    continue
                head = pending[0].future
                if head is not None:
                    wait_futures([head])
        finally:
            self.pool.close()

    def _submit(self, executor: ProcessPoolExecutor, chunk: list[Entry | Skipped]) -> _Batch:
        sources = [item[1] for item in chunk if not isinstance(item, Skipped)]
        try:
            future = executor.submit(parse_chunk, sources, self.header_only)
        except Exception:  # the pool broke or shut down: this chunk is parsed here
            self._give_up()
            return _Batch(chunk, articles=self._parse_here(chunk))
        return _Batch(chunk, future=future)

    def _collect(self, batch: _Batch) -> list[Article]:
        if batch.articles is not None:
            return batch.articles
        assert batch.future is not None
        try:
            rows = batch.future.result()
            return _rebuild(batch.items, rows)
        except Exception:  # a worker died or a result did not survive the trip
            self._give_up()
            return self._parse_here(batch.items)

    def _give_up(self) -> None:
        """Stop using the pool: later chunks are parsed here."""
        if self.pool is not None:
            self.pool.close()

    def _parse_here(self, chunk: list[Entry | Skipped]) -> list[Article]:
        return list(scan_entries(iter(chunk), self.header_only))


def _rebuild(items: list[Entry | Skipped], rows: list[tuple[Any, ...]]) -> list[Article]:
    """Articles from a worker's rows, with the walk's own Path objects and Skipped entries."""
    out: list[Article] = []
    it = iter(rows)
    for item in items:
        if isinstance(item, Skipped):
            out.append(Article(path=item.path, error=item.reason))
            continue
        row = next(it)
        if _POSITIONAL:
            out.append(Article(item[0], *row))
        else:
            out.append(Article(path=item[0], **dict(zip(_FIELDS, row, strict=True))))
    if next(it, None) is not None:
        raise ValueError("a worker returned more rows than files")
    return out


def _chunked(items: Iterable[Entry | Skipped], size: int) -> Iterator[list[Entry | Skipped]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk
