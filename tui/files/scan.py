"""Parsing every file of a seeds directory: the one entry point, serial or in a pool.

Why a module of its own: callers want "every article below here" and should not
choose between this process and worker processes. Small directories are parsed
here (:func:`tui.files.walk.scan_entries`); large ones in a pool of worker
processes (:mod:`tui.files.scan_pool`, the only module that knows about
processes); the results, their order and their streaming are the same either way.
What is walked and skipped is :mod:`tui.files.walk`'s business.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from tui.files.walk import scan_entries, walk
from tui.model import Article

__all__ = ["scan"]


def scan(
    root: Path, *, header_only: bool = True, workers: int | None = None
) -> Generator[Article, None, None]:
    """Parse every file below ``root``; failures come back with ``error`` set.

    ``workers`` caps the worker processes used for a large directory: ``1`` parses
    everything in this process, ``None`` takes ``NEWSDECK_SCAN_WORKERS`` or else
    the number of CPUs. Results stream in walk order either way.
    """
    # Imported here: the pool module loads the parser and multiprocessing at import
    # (its forkserver preloads them), which `newsdeck list` on a warm index skips.
    from tui.files import scan_pool

    count = scan_pool.worker_count(workers)
    items = walk(root)
    if count <= 1:
        yield from scan_entries(items, header_only)
    else:
        yield from scan_pool.scan_parallel(items, header_only, count)
