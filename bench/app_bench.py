"""How fast the app feels: first paint, filter keystroke latency, article open time.

Runs the real app headless (Textual's ``run_test``) at 120x36 on a directory:

- ``first_paint_s``: app start to the first batch of articles in the list;
- ``filter_key_p50_ms`` / ``_p95_ms``: one keystroke in the filter to the new
  ranking shown (the filter runs in a worker; this is what typing feels like);
- ``open_p50_ms`` / ``_p95_ms`` / ``_max_ms``: open an article to its rendered
  lines being ready (load + convert + Rich render in the reader's worker), over
  every article in the directory.

Usage: ``python bench/app_bench.py [DIR]`` (default: ../shared/corpus/real).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

QUERIES = ["china", "俄罗斯", "trump", "新冠疫情", "apple", "美国"]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.002)


async def _measure(root: Path) -> dict[str, float]:
    from tui.app.app import NewsdeckApp

    app = NewsdeckApp(root)
    started = time.perf_counter()
    results: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait_for(lambda: app.main_screen is not None)
        screen = app.main_screen
        assert screen is not None
        await _wait_for(lambda: screen.first_paint_at is not None)
        assert screen.first_paint_at is not None
        results["first_paint_s"] = screen.first_paint_at - started
        await _wait_for(lambda: not screen.scanning)
        results["scan_s"] = time.perf_counter() - started
        results["articles"] = float(len(screen.library))

        latencies: list[float] = []
        for query in QUERIES:
            await pilot.press("slash")
            for char in query:
                pressed = time.perf_counter()
                screen.filter_bar.insert_text_at_cursor(char)
                value = screen.filter_bar.value
                await _wait_for(
                    lambda v=value: (
                        screen.last_filter_shown is not None and screen.last_filter_shown[0] == v
                    )
                )
                assert screen.last_filter_shown is not None
                latencies.append(screen.last_filter_shown[1] - pressed)
            await pilot.press("escape")
            await pilot.pause()
        results["filter_key_p50_ms"] = statistics.median(latencies) * 1000
        results["filter_key_p95_ms"] = _percentile(latencies, 0.95) * 1000

        opens: list[float] = []
        reader = screen.reader
        for article in list(screen.library.newest_first()):
            reader.open(article)
            await _wait_for(lambda: not reader.loading_article)
            assert reader.last_open_seconds is not None
            opens.append(reader.last_open_seconds)
        results["open_p50_ms"] = statistics.median(opens) * 1000
        results["open_p95_ms"] = _percentile(opens, 0.95) * 1000
        results["open_max_ms"] = max(opens) * 1000
        await pilot.press("q")
    return results


def run(root: Path) -> dict[str, float]:
    """Measure the app on ``root``; return the figures (seconds or milliseconds, see keys)."""
    return asyncio.run(_measure(root))


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(json.dumps({k: round(v, 3) for k, v in run(target).items()}, indent=2))
