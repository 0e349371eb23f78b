"""Walking a seeds directory and parsing the header of every file in it.

The walk is recursive, skips hidden entries, follows symlinked directories once
(so loops end), and turns every unreadable, vanished or non-article file into
an :class:`Article` with ``error`` set, so callers can report it: nothing is
silently dropped. It never writes anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tui
from tui.core.article import Article
from tui.core.parser import parse


@dataclass(frozen=True, slots=True)
class Skipped:
    """A directory entry that is not a file to parse, with the reason."""

    path: Path
    reason: str


def default_seeds_dir() -> Path:
    """The bundled ``sample_seeds/``: inside the wheel, else beside the package in a checkout."""
    package = Path(tui.__file__).resolve().parent
    for candidate in (package / "sample_seeds", package.parent / "sample_seeds"):
        if candidate.is_dir():
            return candidate
    return package.parent / "sample_seeds"


def iter_files(root: Path) -> Iterator[Path | Skipped]:
    """Yield every visible regular file below ``root`` (sorted per directory), or why not."""
    seen: set[tuple[int, int]] = set()
    stack: list[Path] = [root]
    while stack:
        directory = stack.pop()
        try:
            st = directory.stat()
        except OSError as exc:
            yield Skipped(directory, f"directory cannot be read ({exc.strerror})")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            continue  # a symlink loop or a second link to a directory already walked
        seen.add(key)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(directory, f"directory cannot be read ({exc.strerror})")
            continue
        subdirs: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    subdirs.append(path)
                elif entry.is_file():
                    yield path
                elif entry.is_symlink():
                    yield Skipped(path, "broken symbolic link")
                else:
                    yield Skipped(path, "not a regular file")
            except OSError as exc:
                yield Skipped(path, f"cannot be read ({exc.strerror})")
        stack.extend(reversed(subdirs))


def scan(root: Path, *, header_only: bool = True) -> Iterator[Article]:
    """Parse every file below ``root``; failures come back with ``error`` set."""
    for item in iter_files(root):
        if isinstance(item, Skipped):
            yield Article(path=item.path, error=item.reason)
        else:
            yield parse(item, header_only=header_only)
