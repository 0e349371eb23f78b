"""Watching a seeds directory for new, changed and deleted articles while the app runs.

Why a thread with batches: a sync tool can drop 5,000 files at once, and the
index and the list should take them in a few large steps, not 5,000 small ones.
watchfiles (Rust, inotify on Linux) already groups events that arrive close
together; this module runs it in a daemon thread, drops hidden paths, and hands
each group to a callback as one :class:`Changes`. Nothing here imports Textual:
the app's loader applies each batch on the watcher thread and posts a message to the UI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Longest a burst is held back before it is delivered (milliseconds).
DEBOUNCE_MS = 400
#: A burst ends after this much quiet (milliseconds).
STEP_MS = 50


@dataclass(slots=True)
class Changes:
    """One coalesced batch of filesystem changes below the watched directory."""

    added: set[Path] = field(default_factory=set)
    modified: set[Path] = field(default_factory=set)
    deleted: set[Path] = field(default_factory=set)

    @property
    def paths(self) -> set[Path]:
        """Every path touched, for :meth:`tui.store.index.Index.update`."""
        return self.added | self.modified | self.deleted

    def __bool__(self) -> bool:
        return bool(self.added or self.modified or self.deleted)


def visible(root: Path, path: Path) -> bool:
    """False for hidden files and anything inside a hidden directory below ``root``."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return not any(part.startswith(".") for part in parts)


class Watcher:
    """Calls ``callback(changes)`` from a background thread until :meth:`stop`.

    ``callback`` runs in the watcher thread; exceptions it raises are passed to
    ``on_error`` (default: ignored) so one bad batch never ends the watch.
    """

    def __init__(
        self,
        root: Path,
        callback: Callable[[Changes], None],
        *,
        debounce_ms: int = DEBOUNCE_MS,
        step_ms: int = STEP_MS,
        force_polling: bool | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.root = root
        self._callback = callback
        self._on_error = on_error
        self._debounce = debounce_ms
        self._step = step_ms
        self._polling = force_polling
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        #: Set when watching could not start or failed (e.g. too many inotify watches).
        self.error: BaseException | None = None

    def start(self) -> Watcher:
        """Start watching in a daemon thread; returns once the watch is live (or failed)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="newsdeck-watch", daemon=True)
            self._thread.start()
            self._ready.wait(5)
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the thread to end and wait for it (watchfiles checks every ``step_ms``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> Watcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            from watchfiles import Change, watch

            root = self.root.resolve()
            for raw in watch(
                root,
                watch_filter=lambda _change, path: visible(root, Path(path)),
                debounce=self._debounce,
                step=self._step,
                stop_event=self._stop,
                # An empty set comes every rust_timeout ms: the first one says the watch is live.
                rust_timeout=250,
                yield_on_timeout=True,
                force_polling=self._polling,
                ignore_permission_denied=True,
            ):
                self._ready.set()
                changes = Changes()
                for change, path in raw:
                    # Report paths below root as given, so they match the index's paths.
                    where = self.root / Path(path).relative_to(root)
                    if change == Change.added:
                        changes.added.add(where)
                    elif change == Change.modified:
                        changes.modified.add(where)
                    else:
                        changes.deleted.add(where)
                _settle(changes)
                _expand_directories(changes)
                if changes:
                    self._deliver(changes)
        except BaseException as exc:  # the thread must end quietly; the app can read .error
            self.error = exc
        finally:
            self._ready.set()

    def _deliver(self, changes: Changes) -> None:
        try:
            self._callback(changes)
        except Exception as exc:
            if self._on_error is not None:
                self._on_error(exc)


def _settle(changes: Changes) -> None:
    """A path both added and deleted in one burst counts as whichever it is now."""
    for path in changes.added & changes.deleted:
        if path.exists():
            changes.deleted.discard(path)
        else:
            changes.added.discard(path)


def _expand_directories(changes: Changes) -> None:
    """Replace an added directory by the files in it.

    A directory moved or unpacked into the seeds arrives as one event for the
    directory (its files were there before the watch on it existed).
    """
    from tui.files.walk import iter_files

    for path in [p for p in changes.added if p.is_dir()]:
        changes.added.discard(path)
        changes.added.update(f for f in iter_files(path) if isinstance(f, Path))
