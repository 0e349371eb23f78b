"""What duplicate folding and related coverage cost, on a generated corpus (nothing asserted).

Run: ``.venv/bin/python bench/similar_bench.py [N ...]`` (default 100,000). The corpus
(:mod:`bench.corpus`) holds copies (6%) and follow-ups (4%) of recent files. Figures:

* ``build_plain_s`` / ``build_signed_s`` and ``build_x``: the index built from scratch
  without and with the signatures (``NEWSDECK_SIGNATURES=0`` in the same run, the two
  builds alternating when ``rounds`` > 1); the issue's bound is 1.15x.
* ``related_p50_ms`` / ``related_p95_ms``: :meth:`Index.related` for 300 articles drawn
  at random (warm, best of 3 each); the bound is 20 ms p95.
* ``groups_ms``: :meth:`Index.duplicate_groups` (what the app would call per generation).
* ``db_mib`` / ``db_x_articles``: the signed index on disk against the articles' bytes
  (issue 15's bound is 0.6x).

``BENCH_ROUNDS=N`` in the environment sets ``rounds`` (default 2).
"""

from __future__ import annotations

import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tui` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import cached

REPO = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] if ordered else math.nan


_BUILD = """
import sys, time
from pathlib import Path
from tui.store.index import Index
t0 = time.perf_counter()
with Index(Path(sys.argv[1])) as index:
    for _ in index.reconcile(workers={workers}):
        pass
print(time.perf_counter() - t0)
"""


def _build(root: Path, signed: bool, workers: int | None, cache: Path) -> float:
    """Seconds to build ``root``'s index from scratch into ``cache``, in a fresh process.

    A fresh process: the index's worker processes come from a forkserver that keeps
    the environment it was started with, so ``NEWSDECK_SIGNATURES`` must be set before.
    """
    env = dict(os.environ)
    env["NEWSDECK_CACHE_DIR"] = str(cache)
    env["NEWSDECK_SIGNATURES"] = "1" if signed else "0"
    code = _BUILD.format(workers=workers)
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _warm(root: Path) -> None:
    """Read every file once, so neither build pays for a cold page cache."""
    for dirpath, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as fh:
                fh.read()


def run(n: int, *, seed: int = 0, rounds: int = 2, workers: int | None = None) -> dict[str, float]:
    """Build twice (plain, signed) ``rounds`` times, then time the lookups."""
    root = cached(n, seed=seed)
    _warm(root)
    saved = {k: os.environ.get(k) for k in ("NEWSDECK_CACHE_DIR", "NEWSDECK_SIGNATURES")}
    tmp = Path(tempfile.mkdtemp(prefix="newsdeck-similar-bench-"))
    try:
        plain: list[float] = []
        signed: list[float] = []
        for i in range(rounds):
            plain.append(_build(root, False, workers, tmp / f"plain{i}"))
            shutil.rmtree(tmp / f"plain{i}", ignore_errors=True)
            signed.append(_build(root, True, workers, tmp / "signed"))
            if i + 1 < rounds:
                shutil.rmtree(tmp / "signed", ignore_errors=True)
        out: dict[str, float] = {"articles": float(n)}
        out["build_plain_s"] = min(plain)
        out["build_signed_s"] = min(signed)
        out["build_x"] = min(signed) / min(plain)
        out.update(_sizes(root, tmp / "signed"))
        os.environ["NEWSDECK_CACHE_DIR"] = str(tmp / "signed")
        os.environ.pop("NEWSDECK_SIGNATURES", None)
        out.update(_lookups(root, seed))
        return out
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(tmp, ignore_errors=True)


def _sizes(root: Path, cache: Path) -> dict[str, float]:
    """The signed index's bytes on disk against the bytes of the articles it indexes."""
    from bench.corpus import read_marker

    facts = read_marker(root) or {}
    articles = float(facts.get("bytes") or 0) or float(
        sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    )
    db = float(sum(p.stat().st_size for p in cache.rglob("*.sqlite*") if p.is_file()))
    return {"db_mib": db / 2**20, "articles_mib": articles / 2**20, "db_x_articles": db / articles}


def _lookups(root: Path, seed: int) -> dict[str, float]:
    from tui.store.index import Index

    out: dict[str, float] = {}
    with Index(root) as index:
        t0 = time.perf_counter()
        groups = index.duplicate_groups()
        out["groups_ms"] = (time.perf_counter() - t0) * 1000
        out["dup_groups"] = float(len(groups.groups))
        out["dup_articles"] = float(sum(len(g) for g in groups.groups))
        rels = [r[0] for r in index.query("SELECT path FROM articles WHERE error IS NULL")]
        sample = random.Random(seed).sample(rels, min(300, len(rels)))
        times: list[float] = []
        found = 0
        for rel in sample:
            index.related(rel, 10)  # first touch of the pages
            best = math.inf
            for _ in range(3):
                t0 = time.perf_counter()
                hits = index.related(rel, 10)
                best = min(best, time.perf_counter() - t0)
            times.append(best * 1000)
            found += bool(hits)
        out["related_p50_ms"] = _percentile(times, 0.5)
        out["related_p95_ms"] = _percentile(times, 0.95)
        out["related_max_ms"] = max(times)
        out["related_nonempty_share"] = found / len(sample)
    return out


def main(argv: list[str]) -> int:
    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    for n in [int(a) for a in argv] or [100_000]:
        print(f"-- {n:,} articles --")
        for key, value in run(n, rounds=rounds).items():
            print(f"  {key:24} {value:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
