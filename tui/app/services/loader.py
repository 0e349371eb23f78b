"""Fills the main screen's library from the persistent index and keeps it live.

Why here and not in the screen: opening the index, painting from it,
reconciling with the directory, watching for changes and shutting all of that
down in the right order is thread work with its own locking. The screen runs
:meth:`Loader.run` in a thread worker, re-shows its view when
:class:`~tui.app.messages.LibraryChanged` arrives and asks for full-text hits.
The loader knows no screen: everything it has to say goes through the ``post``
callable it is given (a widget's thread-safe ``post_message``).

Order of events: open :class:`~tui.store.index.Index` (a one-line notice when
it had to be rebuilt), paint from :meth:`~tui.store.index.Index.iter_load`
(first batch at once; reads no article file), then
:meth:`~tui.store.index.Index.reconcile` (only new and changed files are read),
then a :class:`~tui.files.watch.Watcher` whose batches go through
:meth:`~tui.store.index.Index.update`. If the index cannot be opened at all the
same worker falls back to a plain scan (:func:`~tui.files.scan.scan`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from textual.message import Message
from textual.worker import get_current_worker

from tui.app import preload
from tui.app.messages import LibraryChanged, Notice
from tui.app.services.dupes import Folding
from tui.files.scan import scan
from tui.files.watch import Changes, Watcher
from tui.library import Library
from tui.model import Article
from tui.store.index import Batch, Hit, Index, Related

#: Re-show the list at most this often while batches stream in (seconds).
REFRESH_SECONDS = 0.25
#: How long closing waits for the loading worker to reach a safe point (seconds).
CLOSE_WAIT = 10.0
#: A plain scan shows its first articles after this many, then every SCAN_BATCH_SECONDS.
FIRST_SCAN_BATCH = 50
SCAN_BATCH_SECONDS = 0.1


class Loader:
    """The index, reconcile worker and watcher of one screen's library."""

    def __init__(self, library: Library, root: Path, post: Callable[[Message], object]) -> None:
        """``post`` delivers messages to the UI from any thread (a widget's ``post_message``)."""
        self.post = post
        self.library = library
        self.root = root
        self.index: Index | None = None
        self.watcher: Watcher | None = None
        #: Set once the index is reconciled (the list is complete and current).
        self.settled = threading.Event()
        #: Set when the index could not be used and the library was scanned instead.
        self.fell_back = False
        self._closed = False
        self._idle = threading.Event()
        self._idle.set()
        #: Held around index calls from other threads, so close() never races them.
        self._gate = threading.RLock()
        self._notices: set[str] = set()
        self._last_post = 0.0

    # ------------------------------------------------------------ life cycle

    def close(self) -> None:
        """Stop watching, let the worker reach a safe point, close the index (UI thread).

        The worker itself is cancelled by its owner (a screen's workers end with it).
        """
        self._closed = True
        if self.watcher is not None:
            self.watcher.stop()
        # The worker closes its generators itself (iter_load holds the index lock
        # between batches); closing the database under it would look like damage.
        if not self._idle.wait(CLOSE_WAIT):
            return
        with self._gate:
            if self.index is not None:
                self.index.close()
                self.index = None

    # ------------------------------------------------------------ the worker

    def run(self) -> None:
        """Load, reconcile, then watch (in a thread worker); scan when there is no index."""
        if self._closed:
            return
        self._idle.clear()
        worker = get_current_worker()
        try:
            try:
                index = Index(self.root)
            except Exception as exc:
                self.fell_back = True
                self._notify(f"newsdeck: no index ({exc}); scanning instead", "Index")
                self._scan()
                return
            with self._gate:
                if self._closed:
                    index.close()
                    return
                self.index = index
            self._notice()
            preloaded = preload.generation_of(self.library)
            if preloaded is not None:  # a forked serve ssh session: only what changed since
                preload.catch_up(self.library, index, preloaded)
                self._post(done=False, force=True)
            elif index.count():
                loading = index.iter_load_with_fields()
                try:
                    for articles, fields in loading:
                        if worker.is_cancelled or self._closed:
                            return
                        self.library.add(articles, fields)
                        self._post(done=False)
                finally:
                    _close(loading)
            reconciling = index.reconcile()
            try:
                for batch in reconciling:
                    if worker.is_cancelled or self._closed:
                        return
                    self.apply(batch)
                    self._post(done=False)
            finally:
                _close(reconciling)
            # The walk order is for `newsdeck list`; here it is ~60 MB at 100,000 files.
            index.walked = []
            self._notice()
            self._post(done=True, force=True)
            self.settled.set()
            if not self._closed:
                self._watch()
        finally:
            self._idle.set()

    def _scan(self) -> None:
        """Read every header (no index): the first batch quickly, then a few a second."""
        worker = get_current_worker()
        batch: list[Article] = []
        last = time.perf_counter()
        painted = False
        try:
            for article in scan(self.root):
                if worker.is_cancelled or self._closed:
                    return
                batch.append(article)
                now = time.perf_counter()
                due = (
                    now - last >= SCAN_BATCH_SECONDS if painted else len(batch) >= FIRST_SCAN_BATCH
                )
                if due:
                    self.library.add(batch)
                    batch = []
                    last = now
                    painted = True
                    self.post(LibraryChanged(done=False))
        finally:
            self.library.add(batch)
            if not worker.is_cancelled:
                self.settled.set()
                self.post(LibraryChanged(done=True))

    def _watch(self) -> None:
        watcher = Watcher(self.root, self._on_changes, on_error=self._watch_failed)
        self.watcher = watcher
        watcher.start()
        if watcher.error is not None:
            self._notify(f"newsdeck: not watching for new articles ({watcher.error})", "Watch")

    def _watch_failed(self, exc: BaseException) -> None:
        self._notify(f"newsdeck: a change could not be applied ({exc})", "Watch")

    # ------------------------------------------------------------ applying changes

    def apply(self, batch: Batch) -> None:
        """Put one index batch into the library (removals first, then new and changed)."""
        if batch.removed:
            self.library.remove(batch.removed)
        if batch.added or batch.changed:
            self.library.add([*batch.added, *batch.changed])

    def _on_changes(self, changes: Changes) -> None:
        """A watcher batch (watcher thread): update the index, then the library."""
        with self._gate:
            if self._closed or self.index is None:
                return
            batch = self.index.update(changes.paths)
        self.apply(batch)
        self._catch_up(changes.paths, batch)
        self._notice()
        self._post(done=True, force=True)

    def _catch_up(self, paths: Iterable[Path], batch: Batch) -> None:
        """Apply what the index did not report because another process indexed it first.

        Two instances on one directory share the database: the first to see a
        change writes it, so the second's :meth:`Index.update` finds nothing to
        do. Compare with the library instead (stat only; parse the few that differ).
        """
        reported = {str(a.path) for a in (*batch.added, *batch.changed)}
        reported |= {str(p) for p in batch.removed}
        fresh: list[Article] = []
        for path in paths:
            if str(path) in reported:
                continue
            try:
                st = os.stat(path)
            except OSError:
                self.library.remove_under(path)
                continue
            if not os.path.isfile(path):
                continue
            held = self.library.get(path)
            if held is None or (held.size, held.mtime) != (st.st_size, st.st_mtime):
                fresh.append(_parse_header(path))
        if fresh:
            self.library.add(fresh)

    # ------------------------------------------------------------ full text

    def search(self, query: str, limit: int = 200) -> list[Hit]:
        """Full-text hits for ``query`` (any thread); empty while the index is not open."""
        with self._gate:
            if self._closed or self.index is None:
                return []
            return self.index.search(query, limit)

    # ------------------------------------------------------------ copies and related coverage

    def duplicates(self, known: int) -> Folding | None:
        """The groups of copies (any thread), or None while they are as of generation ``known``.

        None too while the index is not open. A few ms at 100,000 articles: workers only.
        """
        with self._gate:
            if self._closed or self.index is None:
                return None
            index = self.index
            generation = index.generation()
            if generation == known:
                return None
            groups = index.duplicate_groups()
            return Folding.from_groups(groups, index.prefix, generation)

    def related(self, article: Article, limit: int = 50) -> list[Related]:
        """Other coverage of ``article``'s story, best first (any thread; [] without an index)."""
        with self._gate:
            if self._closed or self.index is None:
                return []
            return self.index.related(article.path, limit)

    # ------------------------------------------------------------ helpers

    def _post(self, *, done: bool, force: bool = False) -> None:
        now = time.perf_counter()
        if force or not self._last_post or now - self._last_post >= REFRESH_SECONDS:
            self._last_post = now
            self.post(LibraryChanged(done))

    def _notice(self) -> None:
        notice = self.index.notice if self.index is not None else None
        if notice and notice not in self._notices:
            self._notices.add(notice)
            self._notify(notice, "Index")

    def _notify(self, text: str, title: str) -> None:
        """A warning toast (any thread); the text is data, never markup."""
        self.post(Notice(text, title))


def _parse_header(path: Path) -> Article:
    """A header-only article as the index stores it (full parse: titles may come from bodies)."""
    from tui.files.parser import parse

    article = parse(path)
    article.body = None
    return article


def _close(iterator: Iterator[object]) -> None:
    """Close a generator now: the index's loaders hold its lock between batches."""
    close = getattr(iterator, "close", None)
    if close is not None:
        close()
