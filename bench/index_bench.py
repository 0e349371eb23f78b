"""How fast the persistent index is on a generated corpus (not a test; nothing asserted).

Run: ``.venv/bin/python bench/index_bench.py [N ...]`` from the checkout, or call
:func:`run`. Times are seconds unless the key ends in ``_ms``. Every comparison
is against a baseline measured in the same run. The index goes to a temporary
cache directory, deleted afterwards.
"""

from __future__ import annotations

import gc
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in (None, ""):  # run as a script: make `tui` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import cached

if TYPE_CHECKING:
    from tui.store.index import Index

REPO = Path(__file__).resolve().parents[1]
FIXED_QUERIES = (
    "经济增长",
    "政府表示",
    "人工智能",
    "博物馆展览",
    "疫苗",  # two characters: the scan fallback
    "市场",
    "經濟",
    "market",
    "government report",
    "climate",
    "railway airport",
    "security flaw",
    "AI",
)
FILTER_QUERY = "econ"
FILTER_QUERY_ZH = "经济"


def _raw_read(root: Path) -> int:
    """Open every file and read its first 4 KiB: the baseline the issue names."""
    count = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as fh:
                fh.read(4096)
            count += 1
    return count


def _timed(func, *args):  # type: ignore[no-untyped-def]
    gc.collect()
    t0 = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - t0, result


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] if ordered else math.nan


def _sample_queries(index: Index, count: int, seed: int = 1) -> list[str]:
    """Phrases cut from stored article text: what a reader looking for a sentence types."""
    from tui.store.index.packed import unpack_text

    rng = random.Random(seed)
    top = index.query("SELECT max(id) FROM texts")[0][0] or 0
    out: list[str] = []
    while len(out) < count and top:
        found = index.query("SELECT body FROM texts WHERE id >= ? LIMIT 1", (rng.randint(1, top),))
        body = unpack_text(found[0][0] if found else None)
        if len(body) < 40:
            continue
        start = rng.randrange(0, len(body) - 30)
        piece = body[start : start + 30].split("\n")[0]
        if piece.isascii():
            words = piece.split()[1:4]
            phrase = " ".join(words)
            if len(phrase) >= 6:
                out.append(f'"{phrase}"')
        elif len(piece) >= 6:
            out.append(piece[: rng.randint(4, 8)].strip())
    return out


def run(n: int, *, seed: int = 0, workers: int | None = None) -> dict[str, float]:
    """Build, reopen, search and list a corpus of ``n`` articles; return the figures."""
    root = cached(n, seed=seed)
    cache = Path(tempfile.mkdtemp(prefix="newsdeck-index-bench-"))
    old_env = os.environ.get("NEWSDECK_CACHE_DIR")
    os.environ["NEWSDECK_CACHE_DIR"] = str(cache)
    try:
        return _run(root, n, workers)
    finally:
        if old_env is None:
            os.environ.pop("NEWSDECK_CACHE_DIR", None)
        else:
            os.environ["NEWSDECK_CACHE_DIR"] = old_env
        shutil.rmtree(cache, ignore_errors=True)


def _run(root: Path, n: int, workers: int | None) -> dict[str, float]:
    from tui.store.index import Index

    out: dict[str, float] = {"articles": float(n)}
    _raw_read(root)  # warm the page cache, as a reopen would find it

    t0 = time.perf_counter()
    with Index(root) as index:
        for _ in index.reconcile(workers=workers):
            pass
        out["build_s"] = time.perf_counter() - t0
        out["indexed"] = float(index.count())
        out["db_mib"] = index.path.stat().st_size / 2**20
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_rss_worker_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    raw: list[float] = []
    first: list[float] = []
    full: list[float] = []
    settled: list[float] = []
    for _ in range(3):  # alternate with the baseline so drift hits both alike
        raw.append(_timed(_raw_read, root)[0])
        gc.collect()
        t0 = time.perf_counter()
        index = Index(root)
        batches = index.iter_load()
        next(batches, None)
        first.append(time.perf_counter() - t0)
        for _ in batches:
            pass
        full.append(time.perf_counter() - t0)
        for _ in index.reconcile():
            pass
        settled.append(time.perf_counter() - t0)
        index.close()
    out["raw_4k_read_s"] = min(raw)
    out["reopen_first_records_s"] = min(first)
    out["reopen_all_records_s"] = min(full)
    out["reopen_settled_s"] = min(settled)
    out["first_records_x_raw"] = min(first) / min(raw)
    out["all_records_x_raw"] = min(full) / min(raw)
    out["settled_x_raw"] = min(settled) / min(raw)

    with Index(root) as index:
        sampled = _sample_queries(index, 40)
        trigram: list[float] = []
        short: list[float] = []
        for query in (*FIXED_QUERIES, *sampled):
            index.search(query, 20)  # first touch of the pages
            seconds = min(_timed(index.search, query, 20)[0] for _ in range(3))
            is_short = all(len(t) < 3 for t in query.strip('"').split())
            (short if is_short else trigram).append(seconds * 1000)
        out["fts_queries"] = float(len(trigram))
        out["fts_p50_ms"] = _percentile(trigram, 0.5)
        out["fts_p95_ms"] = _percentile(trigram, 0.95)
        out["fts_max_ms"] = max(trigram)
        out["short_query_p95_ms"] = _percentile(short, 0.95)
    out.update(_list_vs_fzf(root))
    return out


def _list_vs_fzf(root: Path) -> dict[str, float]:
    """``newsdeck list [--filter Q]`` (warm index) against ``fzf --filter`` over the same lines.

    ``list_s`` (no filter) is start-up, the freshness check (a stat of every
    directory), loading the records, sorting and printing; ``list_filter_s`` is the
    fuzzy filter answered from the index's packed fields (:mod:`tui.store.listing`),
    the first run making them; ``list_rescan_s`` the same with ``--rescan`` (a stat
    of every file, then every record loaded and filtered). Byte-code caching is on,
    as in an installed newsdeck (``PYTHONDONTWRITEBYTECODE`` is dropped for these
    runs); each figure is the best of five.
    """
    fzf = shutil.which("fzf")
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "tui", "list", str(root)]

    def best(args: list[str]) -> tuple[float, bytes]:
        times, out = [], b""
        for _ in range(5):
            t0 = time.perf_counter()
            out = subprocess.run(args, capture_output=True, env=env, cwd=REPO, check=True).stdout
            times.append(time.perf_counter() - t0)
        return min(times), out

    result: dict[str, float] = {}
    result["list_s"], lines = best(cmd)
    result["list_filter_s"], quick = best([*cmd, "--filter", FILTER_QUERY])
    result["list_rescan_s"], slow = best([*cmd, "--filter", FILTER_QUERY, "--rescan"])
    if quick != slow:
        raise AssertionError("list --filter differs with and without --rescan")
    result["list_filter_zh_s"], _ = best([*cmd, "--filter", FILTER_QUERY_ZH])
    if fzf is None:
        return result
    with tempfile.NamedTemporaryFile("wb", suffix=".txt") as fh:
        fh.write(lines)
        fh.flush()
        theirs = []
        for _ in range(5):
            t0 = time.perf_counter()
            with open(fh.name, "rb") as src:
                subprocess.run([fzf, "--filter", FILTER_QUERY], stdin=src, capture_output=True)
            theirs.append(time.perf_counter() - t0)
    result["fzf_filter_s"] = min(theirs)
    result["list_x_fzf"] = result["list_s"] / min(theirs)
    result["list_filter_x_fzf"] = result["list_filter_s"] / min(theirs)
    return result


def main(argv: list[str]) -> int:
    for n in [int(a) for a in argv] or [10_000]:
        print(f"-- {n:,} articles --")
        for key, value in run(n).items():
            print(f"  {key:28} {value:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
