"""Walking a seeds directory: which entries it holds, in which order, and why some are skipped.

Why its own module: the index walks without parsing (to stat files it already
knows), the watcher lists a new directory, and both scans (:mod:`tui.files.scan`
here, :mod:`tui.files.scan_pool` in worker processes) parse what the walk yields.
So the walk and the serial parse of its entries sit below both scans.

The walk is recursive, skips hidden entries, follows symlinked directories once
(so loops end), and turns every unreadable, vanished or non-file entry into a
:class:`Skipped` with the reason, so callers can report it: nothing is silently
dropped. It never writes anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tui.model import Article

__all__ = ["Entry", "Skipped", "child_maker", "iter_files", "scan_entries", "walk"]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A directory entry that is not a file to parse, with the reason."""

    path: Path
    reason: str


#: One walked file: its path, and the same path as the text ``os.scandir`` gave.
Entry = tuple[Path, str]


def iter_files(root: Path) -> Iterator[Path | Skipped]:
    """Yield every visible regular file below ``root`` (sorted per directory), or why not."""
    for item in walk(root):
        yield item if isinstance(item, Skipped) else item[0]


def walk(root: Path, dirs: list[tuple[Path, int]] | None = None) -> Iterator[Entry | Skipped]:
    """:func:`iter_files`, with each file's path also as the string to open it by.

    A directory's own files come first, sorted by name, then its subdirectories.
    ``dirs``, when given, receives every directory visited, in walk order, with its
    mtime in ns as stat()ed before it was listed (-1 when it could not be): a later
    walk that finds the same mtimes knows no file was added, removed or renamed.
    """
    root = root if isinstance(root, Path) else Path(root)
    seen: set[tuple[int, int]] = set()
    stack: list[Path] = [root]
    while stack:
        directory = stack.pop()
        try:
            st = directory.stat()
        except OSError as exc:
            if dirs is not None:
                dirs.append((directory, -1))
            yield Skipped(directory, f"directory cannot be read ({exc.strerror})")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            continue  # a symlink loop or a second link to a directory already walked
        seen.add(key)
        if dirs is not None:
            dirs.append((directory, st.st_mtime_ns))
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=_name)
        except OSError as exc:
            yield Skipped(directory, f"directory cannot be read ({exc.strerror})")
            continue
        child = child_maker(directory)
        subdirs: list[Path] = []
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_dir():
                    subdirs.append(child(name, entry.path))
                elif entry.is_file():
                    yield child(name, entry.path), entry.path
                elif entry.is_symlink():
                    yield Skipped(Path(entry.path), "broken symbolic link")
                else:
                    yield Skipped(Path(entry.path), "not a regular file")
            except OSError as exc:
                yield Skipped(Path(entry.path), f"cannot be read ({exc.strerror})")
        stack.extend(reversed(subdirs))


def scan_entries(items: Iterator[Entry | Skipped], header_only: bool) -> Iterator[Article]:
    """The serial scan: parse each walked file in this process, in order."""
    # Imported here: the parser pulls in YAML and friends, which `newsdeck list`
    # on a warm index (which walks but does not parse) should not pay for.
    from tui.files.parser import parse_entry

    for item in items:
        if isinstance(item, Skipped):
            yield Article(path=item.path, error=item.reason)
        else:
            yield parse_entry(item[0], item[1], header_only=header_only)


def child_maker(directory: Path) -> Callable[[str, str], Path]:
    """How to make the :class:`Path` of an entry of ``directory``.

    ``Path(entry.path)`` parses the whole string again; pathlib's own scandir-based
    globbing joins the already-parsed parent with the name instead, ~5x cheaper.
    That helper is private to pathlib, so it is used only where a probe at import
    shows it gives the same path.
    """
    join = getattr(directory, "_make_child_relpath", None)
    if join is not None and _CHILD_OK:
        return lambda name, path: join(name)
    return lambda name, path: Path(path)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _child_works() -> bool:
    try:
        probe = Path("/a/b")._make_child_relpath("c.md")  # type: ignore[attr-defined]
        rel = Path(".")._make_child_relpath("c.md")  # type: ignore[attr-defined]
    except Exception:
        return False
    return (
        isinstance(probe, Path)
        and probe == Path("/a/b/c.md")
        and str(probe) == "/a/b/c.md"
        and probe.parts == ("/", "a", "b", "c.md")
        and rel == Path("./c.md")
        and str(rel) == "c.md"
    )


_CHILD_OK = _child_works()
