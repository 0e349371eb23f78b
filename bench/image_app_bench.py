"""Images in the app: time from ``i`` to the first image drawn (not cached, then cached),
and the bytes each protocol sends for one image at an 80-column text column.

``python -m bench.image_app_bench`` prints the figures (nothing asserted). The image comes
from the tests' loopback server (127.0.0.1 only). ``run()`` is the section entry point.
"""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

from tests.image_server import image_bytes, serve_images
from tui.app.app import NewsdeckApp
from tui.app.reader.images import encode
from tui.images import ImageStore
from tui.images.terminal import Terminal
from tui.store.config import Config

ROUNDS = 5


def _article(root: Path, url: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.md").write_text(
        "---\ntitle: Harbour\ndate: 2024-05-02\n---\n"
        f'<p>Before.</p><img src="{url}" alt="A boat"><p>After.</p>\n',
        encoding="utf-8",
    )


async def _time_to_first(root: Path, cache: Path, protocol: str) -> float:
    config = dataclasses.replace(Config(), images="ask", image_protocol=protocol)
    app = NewsdeckApp(
        root, config=config, image_store=ImageStore(cache), image_terminal=Terminal(protocol)
    )
    app.write_graphics = lambda data: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen.query_one("Reader")
        await pilot.press("i")
        started = time.perf_counter()
        while getattr(reader, "first_image_seconds", None) is None:
            if time.perf_counter() - started > 30:
                raise RuntimeError("no image drawn")
            await asyncio.sleep(0.002)
        await pilot.pause()  # the frame with the image in it
        return time.perf_counter() - started


def run() -> None:
    """Print the figures."""
    png = image_bytes("PNG", (1200, 800), (40, 120, 200))
    with serve_images() as server, tempfile.TemporaryDirectory() as tmp:
        url = server.add("/photo.png", png, "image/png")
        root = Path(tmp) / "seeds"
        _article(root, url)
        for protocol in ("halfblocks", "kitty", "sixel"):
            cold, warm = [], []
            for n in range(ROUNDS):
                cache = Path(tmp) / f"cache-{protocol}-{n}"
                cold.append(asyncio.run(_time_to_first(root, cache, protocol)))
                warm.append(asyncio.run(_time_to_first(root, cache, protocol)))
            print(
                f"images.first_drawn[{protocol}]  not cached {min(cold) * 1000:.0f}-"
                f"{max(cold) * 1000:.0f} ms (median {statistics.median(cold) * 1000:.0f}),"
                f" cached {min(warm) * 1000:.0f}-{max(warm) * 1000:.0f} ms"
                f" (median {statistics.median(warm) * 1000:.0f}); 1200x800 PNG, {ROUNDS} runs"
            )
    # A photo-like picture: smooth gradients with grain (what sixel and PNG find hard).
    grain = Image.effect_noise((1200, 800), 30)
    across = Image.linear_gradient("L").resize((1200, 800))
    down = Image.linear_gradient("L").rotate(90).resize((1200, 800))
    photo = Image.merge("RGB", [across, down, grain])
    for protocol in ("halfblocks", "kitty", "sixel"):
        started = time.perf_counter()
        encoded, sixel_data = encode(photo, protocol, 80, 20, None, (0, 0, 0))
        seconds = time.perf_counter() - started
        cells = "".join(seg.text for row in encoded.rows for seg in row)
        if protocol == "halfblocks":
            # What Textual sends: each cell's character plus its colours (truecolor SGR).
            sent = sum(len(seg.text.encode()) + 38 for row in encoded.rows for seg in row)
        else:
            sent = len((encoded.payload or sixel_data).encode()) + len(cells.encode())
        print(
            f"images.bytes[{protocol}]  {sent / 1024:.0f} KiB for one 1200x800 photo at 80"
            f" columns x 20 rows ({encoded.cols}x{len(encoded.rows)} cells), encoded in"
            f" {seconds * 1000:.0f} ms"
        )


if __name__ == "__main__":
    run()
