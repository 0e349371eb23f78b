"""What fetching, decoding and caching article images cost (nothing asserted).

Run: ``.venv/bin/python bench/image_bench.py [--images 50] [--rounds 3]``, or
``make bench`` (section "images"). A loopback server (``tests/image_server.py``) serves
``--images`` distinct photo-like pictures (800x533; JPEG about 60 kB, PNG about 500 kB):

* ``uncached_*``: ``ImageStore.get`` on an empty cache folder (HTTP on 127.0.0.1 + decode +
  atomic write + eviction scan), p50/p95 over every image and round;
* ``cached_*``: the same URLs again (read the file + decode + touch);
* ``decode_only_*``: ``decode`` on bytes already in memory: the floor both stand on;
* ``rss_*``: the process's resident memory before the store, with ``--images`` files in
  the cache (decoded pictures dropped), and with all of them decoded and held; ``disk_kb``
  is the cache folder's size.
"""

from __future__ import annotations

import argparse
import gc
import io
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `tui`, `tests` and `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageFilter

from tests.image_server import serve_images
from tui.images import ImageStore
from tui.images.decode import decode
from tui.images.limits import ImageLimits


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] if ordered else math.nan


def _rss_mb() -> float:
    """Resident set size now (Linux /proc), in MiB; NaN elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def _photo(seed: int, fmt: str) -> bytes:
    """A photo-like picture: smooth colour fields plus grain (JPEG does not flatter it)."""
    rng = random.Random(seed)
    small = Image.frombytes("RGB", (16, 11), rng.randbytes(16 * 11 * 3))
    image = small.resize((800, 533), Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", (800, 533), rng.randbytes(800 * 533)).filter(
        ImageFilter.GaussianBlur(1)
    )
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.15)
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def run(images: int = 50, rounds: int = 3, fmt: str = "JPEG") -> dict[str, Any]:
    """Figures for ``images`` distinct pictures in ``fmt``, ``rounds`` times each."""
    bodies = [_photo(seed, fmt) for seed in range(images)]
    ext = "jpg" if fmt == "JPEG" else fmt.lower()
    uncached: list[float] = []
    cached: list[float] = []
    decode_only: list[float] = []
    limits = ImageLimits()
    with serve_images() as server:
        urls = [server.add(f"/p{i}.{ext}", body) for i, body in enumerate(bodies)]
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="newsdeck-imgbench-") as folder:
                store = ImageStore(Path(folder) / "images")
                for url, body in zip(urls, bodies, strict=True):
                    started = time.perf_counter()
                    decode(body, limits.max_pixels)
                    decode_only.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    first = store.get(url)
                    uncached.append(time.perf_counter() - started)
                    assert first.image is not None and not first.from_cache, first.reason
                for url in urls:
                    started = time.perf_counter()
                    again = store.get(url)
                    cached.append(time.perf_counter() - started)
                    assert again.from_cache
        requests = server.total()
        # memory, in a fresh folder: the store itself, then 50 files cached, then 50 held
        with tempfile.TemporaryDirectory(prefix="newsdeck-imgbench-") as folder:
            gc.collect()
            rss_before = _rss_mb()
            store = ImageStore(Path(folder) / "images")
            for url in urls:
                store.get(url)
            gc.collect()
            rss_cached = _rss_mb()
            held = [store.get(url).image for url in urls]
            gc.collect()
            rss_held = _rss_mb()
            disk = sum(p.stat().st_size for p in (Path(folder) / "images").iterdir())
            pixels = sum(im.width * im.height for im in held if im is not None)
            del held
    ms = 1000.0
    return {
        "images x rounds": f"{images} x {rounds} ({fmt}, 800x533)",
        "mean body kB": round(sum(map(len, bodies)) / len(bodies) / 1024, 1),
        "requests (expect images x rounds)": requests,
        "uncached_p50_ms": _percentile(uncached, 0.5) * ms,
        "uncached_p95_ms": _percentile(uncached, 0.95) * ms,
        "cached_p50_ms": _percentile(cached, 0.5) * ms,
        "cached_p95_ms": _percentile(cached, 0.95) * ms,
        "decode_only_p50_ms (floor)": _percentile(decode_only, 0.5) * ms,
        "decode_only_p95_ms (floor)": _percentile(decode_only, 0.95) * ms,
        "rss_before_MiB": rss_before,
        f"rss_{images}_cached_MiB": rss_cached,
        f"rss_{images}_decoded_held_MiB": rss_held,
        "decoded MiB (w*h*3)": pixels * 3 / 2**20,
        "disk_kb": disk / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--format", default="JPEG", choices=("JPEG", "PNG", "WEBP"))
    args = parser.parse_args(argv)
    for key, value in run(args.images, args.rounds, args.format).items():
        print(f"{key:40} {value:.2f}" if isinstance(value, float) else f"{key:40} {value}")


if __name__ == "__main__":
    main()
