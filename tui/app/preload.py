"""A library loaded before the app starts: what ``serve ssh``'s forked sessions begin from.

The session zygote (:mod:`tui.serve.zygote`) calls :func:`warm` once: it imports the
app, brings the index up to date and loads every article into a
:class:`~tui.library.Library`, remembering the index's generation. Each forked session
then runs :func:`run_session`; its main screen takes that library (:func:`take`)
instead of loading its own, and its loader calls :func:`catch_up` with the opened
index: whatever the index learnt since the snapshot (other sessions' watchers write to
it) is applied to the library, then the session reconciles with the directory and
watches it as any start does. The pages of the snapshot stay shared between sessions
until a session changes them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from tui.library import Library
from tui.model import Article
from tui.store.config import load_config
from tui.store.index import Index

#: Above this many differences, reload the whole library instead of patching it.
CATCH_UP_LIMIT = 2000
#: Modules a session imports lazily: import them in the zygote so sessions share them.
WARM_MODULES = (
    "tui.app.app",
    "tui.app.reader",
    "tui.app.screens.help",
    "tui.app.screens.dialogs",
    "tui.app.screens.problems",
    "tui.files.parser",
    "tui.files.watch",
    "textual.drivers.linux_driver",
    "textual.widgets._markdown",
)


@dataclass
class Snapshot:
    """The preloaded library of one directory and the index generation it reflects."""

    root: Path
    library: Library
    generation: int
    taken: bool = False


_snapshot: Snapshot | None = None


def warm(root: Path) -> str:
    """In the zygote: import the app, refresh the index, load the library; a summary line."""
    global _snapshot
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    config, _warnings = load_config()
    library = Library(root, pinyin=config.pinyin)
    with Index(root) as index:
        for _batch in index.reconcile():
            pass
        index.walked = []
        generation = index.generation()
        for articles, fields in index.iter_load_with_fields():
            library.add(articles, fields)
    _snapshot = Snapshot(root.resolve(), library, generation)
    return f"{len(library)} articles, {len(library.problems)} unreadable"


def take(root: Path, pinyin: bool | None) -> Library | None:
    """The preloaded library for ``root``, once (None: load as usual)."""
    snapshot = _snapshot
    if snapshot is None or snapshot.taken or snapshot.root != root.resolve():
        return None
    if pinyin is not None and snapshot.library.pinyin not in (None, pinyin):
        return None
    snapshot.taken = True
    return snapshot.library


def generation_of(library: Library) -> int | None:
    """The index generation a preloaded ``library`` reflects; None when it was not preloaded."""
    snapshot = _snapshot
    if snapshot is not None and snapshot.library is library:
        return snapshot.generation
    return None


def catch_up(library: Library, index: Index, generation: int) -> bool:
    """Apply to ``library`` what ``index`` holds beyond ``generation``; True if it changed."""
    if index.generation() == generation:
        return False
    prefix = index.prefix
    known = {prefix + rel: stamp for rel, stamp in index.known().items()}
    held: dict[str, tuple[int, float]] = {}
    for article in (*library.newest_first(), *library.problems):
        held[str(article.path)] = (article.size, article.mtime)
    changed = [path for path, stamp in known.items() if held.get(path) != stamp]
    removed = [Path(path) for path in held if path not in known]
    if len(changed) + len(removed) > CATCH_UP_LIMIT:
        library.remove([Path(p) for p in held])
        for articles, fields in index.iter_load_with_fields():
            library.add(articles, fields)
        return True
    if removed:
        library.remove(removed)
    if changed:
        library.add([_header(Path(p)) for p in changed])
    return bool(changed or removed)


def _header(path: Path) -> Article:
    """A header-only article, as the index stores it."""
    from tui.files.parser import parse

    article = parse(path)
    article.body = None
    return article


def run_session(root: Path) -> int:
    """In a forked session: the app on ``root``, with Textual's settings from this session's
    environment (Textual reads ``TEXTUAL_COLOR_SYSTEM`` and ``ESCDELAY`` at import)."""
    import textual.constants

    importlib.reload(textual.constants)
    from tui.app import run

    return run(root)
