"""How fast the app reopens a directory from its index, and how much memory it takes.

``run(n)`` uses the synthetic corpus of ``n`` articles (``bench.corpus.cached``)
and a throw-away cache directory:

- ``build_s``: ``newsdeck index`` from scratch (the cold build, a separate process);
- ``first_paint_s``: a new app process, start to the first batch in the list
  (painted from the index: no article file is read);
- ``settled_s``: start to the index reconciled with the directory (every file
  stat()ed, none changed) and the list complete;
- ``raw_read_4k_s``: reading the first 4 KiB of every file of the same
  directory in the same process (the floor a scan of the headers cannot beat);
- ``peak_rss_mb``: the app process's peak resident memory (``getrusage``).

Usage: ``python bench/app_index_bench.py [N]`` (default 10,000); prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


async def _wait_for(predicate, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.002)


async def _reopen(root: Path) -> dict[str, float]:
    from bench.app_bench import first_paint, watch_list_shows
    from tui.app.app import NewsdeckApp

    shows = watch_list_shows()
    app = NewsdeckApp(root)
    started = time.perf_counter()
    results: dict[str, float] = {}
    async with app.run_test(size=(120, 36)):
        await _wait_for(lambda: app.main_screen is not None)
        screen = app.main_screen
        assert screen is not None
        await _wait_for(lambda: first_paint(shows) is not None)
        painted = first_paint(shows)
        assert painted is not None
        results["first_paint_s"] = painted - started
        await _wait_for(lambda: screen.loader is not None and screen.loader.settled.is_set())
        await _wait_for(lambda: not screen.scanning)
        results["settled_s"] = time.perf_counter() - started
        results["articles"] = float(len(screen.library))
    return results


def _raw_read(root: Path) -> tuple[int, float]:
    """Read the first 4 KiB of every visible file below ``root``."""
    started = time.perf_counter()
    files = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                handle.read(4096)
            files += 1
    return files, time.perf_counter() - started


def _child(root: Path) -> dict[str, float]:
    """The measured process: reopen the app, then the raw read, then peak memory."""
    results = asyncio.run(_reopen(root))
    files, seconds = _raw_read(root)
    results["files"] = float(files)
    results["raw_read_4k_s"] = seconds
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


def run(n: int) -> dict[str, float]:
    """Build the index of an ``n``-article corpus, then time a warm reopen in a new process."""
    sys.path.insert(0, str(REPO))
    from bench.corpus import cached

    root = cached(n)
    with tempfile.TemporaryDirectory(prefix="newsdeck-bench-") as cache:
        # Own data and config too: a filter the user left saved for this directory
        # would otherwise be restored, and measured, on reopen.
        env = {
            **os.environ,
            "NEWSDECK_CACHE_DIR": cache,
            "NEWSDECK_DATA_DIR": os.path.join(cache, "data"),
            "NEWSDECK_CONFIG_DIR": os.path.join(cache, "config"),
            "PYTHONPATH": str(REPO),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tui", "index", "--quiet", str(root)], env=env, check=True
        )
        build = time.perf_counter() - started
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(root)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    results = {"n": float(n), "build_s": build}
    results.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(_child(Path(sys.argv[2]))))
    else:
        count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
        print(json.dumps(run(count), indent=2))
