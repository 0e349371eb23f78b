"""Fills the main screen's library from the persistent index and keeps it live.

Why here and not in the screen: opening the index, painting from it,
reconciling with the directory, watching for changes and shutting all of that
down in the right order is thread work with its own locking; the screen only
starts it, re-shows its view when :class:`LibraryChanged` arrives and asks for
full-text hits.

Order of events: open :class:`~tui.store.index.Index` (a one-line notice when
it had to be rebuilt), paint from :meth:`~tui.store.index.Index.iter_load`
(first batch at once; reads no article file), then
:meth:`~tui.store.index.Index.reconcile` (only new and changed files are read),
then a :class:`~tui.files.watch.Watcher` whose batches go through
:meth:`~tui.store.index.Index.update`. If the index cannot be opened at all the
screen falls back to a plain scan.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message
from textual.worker import Worker, get_current_worker

from tui.files.watch import Changes, Watcher
from tui.library import Library
from tui.model import Article
from tui.store.index import Batch, Hit, Index

if TYPE_CHECKING:
    from tui.app.main_screen import MainScreen

#: Re-show the list at most this often while batches stream in (seconds).
REFRESH_SECONDS = 0.25
#: How long closing waits for the loading worker to reach a safe point (seconds).
CLOSE_WAIT = 10.0


class LibraryChanged(Message):
    """The library changed (posted from any thread): re-show the current view.

    Pending ones coalesce: only the newest state matters.
    """

    def __init__(self, done: bool) -> None:
        super().__init__()
        self.done = done

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LibraryChanged)


class Loader:
    """The index, reconcile worker and watcher of one screen's library."""

    def __init__(self, screen: MainScreen, library: Library, root: Path) -> None:
        self.screen = screen
        self.library = library
        self.root = root
        self.index: Index | None = None
        self.watcher: Watcher | None = None
        #: Set once the index is reconciled (the list is complete and current).
        self.settled = threading.Event()
        #: Set when the index could not be used and the screen scans instead.
        self.fell_back = False
        self._closed = False
        self._idle = threading.Event()
        self._idle.set()
        #: Held around index calls from other threads, so close() never races them.
        self._gate = threading.RLock()
        self._worker: Worker[None] | None = None
        self._notices: set[str] = set()
        self._last_post = 0.0

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Start loading in a thread worker (call on the UI thread)."""
        self._idle.clear()
        self._worker = self.screen.run_worker(
            self._load,
            thread=True,
            group="index",
            name="index",
            description="load and reconcile the index",
            exit_on_error=False,
        )

    def close(self) -> None:
        """Stop watching, let the worker reach a safe point, close the index (UI thread)."""
        self._closed = True
        if self.watcher is not None:
            self.watcher.stop()
        if self._worker is not None:
            self._worker.cancel()
        # The worker closes its generators itself (iter_load holds the index lock
        # between batches); closing the database under it would look like damage.
        if not self._idle.wait(CLOSE_WAIT):
            return
        with self._gate:
            if self.index is not None:
                self.index.close()
                self.index = None

    # ------------------------------------------------------------ the worker

    def _load(self) -> None:
        worker = get_current_worker()
        try:
            try:
                index = Index(self.root)
            except Exception as exc:
                self.fell_back = True
                self._notify(f"newsdeck: no index ({exc}); scanning instead", "Index")
                self._call(self.screen._scan)
                return
            with self._gate:
                if self._closed:
                    index.close()
                    return
                self.index = index
            self._notice()
            if index.count():
                with contextlib.closing(index.iter_load_with_fields()) as loading:
                    for articles, fields in loading:
                        if worker.is_cancelled or self._closed:
                            return
                        self.library.add(articles, fields)
                        self._post(done=False)
            with contextlib.closing(index.reconcile()) as reconciling:
                for batch in reconciling:
                    if worker.is_cancelled or self._closed:
                        return
                    self.apply(batch)
                    self._post(done=False)
            # The walk order is for `newsdeck list`; here it is ~60 MB at 100,000 files.
            index.walked = []
            self._notice()
            self._post(done=True, force=True)
            self.settled.set()
            if not self._closed:
                self._watch()
        finally:
            self._idle.set()

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

    # ------------------------------------------------------------ helpers

    def _post(self, *, done: bool, force: bool = False) -> None:
        now = time.perf_counter()
        if force or not self._last_post or now - self._last_post >= REFRESH_SECONDS:
            self._last_post = now
            self.screen.post_message(LibraryChanged(done))

    def _notice(self) -> None:
        notice = self.index.notice if self.index is not None else None
        if notice and notice not in self._notices:
            self._notices.add(notice)
            self._notify(notice, "Index")

    def _notify(self, text: str, title: str) -> None:
        """A warning toast (any thread); the text is data, never markup."""
        self._call(lambda: self.screen.notify(Text(text), title=title, severity="warning"))

    def _call(self, function: Callable[[], object]) -> None:
        """Run ``function()`` on the UI thread without waiting (never blocks closing)."""
        loop = self.screen.app._loop
        with contextlib.suppress(RuntimeError):
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(function)


def _parse_header(path: Path) -> Article:
    """A header-only article as the index stores it (full parse: titles may come from bodies)."""
    from tui.files.parser import parse

    article = parse(path)
    article.body = None
    return article
