"""How fast the app feels: first paint, filter keystroke latency, article open time.

Runs the real app headless (Textual's ``run_test``) at 120x36 on a directory:

- ``first_paint_s``: app start to the first batch of articles in the list;
- ``filter_key_p50_ms`` / ``_p95_ms``: one keystroke in the filter to the new
  ranking shown (the filter runs in a worker; this is what typing feels like);
- ``open_p50_ms`` / ``_p95_ms`` / ``_max_ms``: open an article to the first
  screen of its body rendered and shown (load + convert + Rich render of the
  first screenful in the reader's worker), over every article in the directory;
- ``open_full_p50_ms`` / ``_p95_ms`` / ``_max_ms``: open to the whole article
  rendered and swapped in (the same opens; equal to the above for short ones);
- ``largest_first_ms`` / ``largest_full_ms``: the same two for the largest file;
- ``reopen_p95_ms``: re-opening recently read articles (the rendered-lines cache);
- ``scroll_key_p95_ms`` / ``_max_ms``: j/k/space/b/g/G on the largest article
  (animations off), key press to the screen settled, Pilot's own overhead
  (~40 ms a key on a busy machine) included; ``scroll_paint_p95_ms``: the
  reader's share of that, its ``render_line`` time for the frame.

Usage: ``python bench/app_bench.py [DIR]`` (default: ../shared/corpus/real).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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


def watch_list_shows() -> list[tuple[float, int]]:
    """Record (perf_counter(), rows) of every ``ArticleList.show`` from now on (the bench's eyes).

    Measured from outside: the app keeps no timing hooks of its own.
    """
    from tui.app.widgets.article_list import ArticleList

    shows: list[tuple[float, int]] = []
    real = ArticleList.show

    def show(self: ArticleList, articles: Any, *args: Any, **kwargs: Any) -> None:
        real(self, articles, *args, **kwargs)
        shows.append((time.perf_counter(), len(articles)))

    ArticleList.show = show  # type: ignore[method-assign]
    return shows


def first_paint(shows: list[tuple[float, int]]) -> float | None:
    """When the list first showed articles, if it did."""
    return next((at for at, rows in shows if rows), None)


async def _measure(root: Path) -> dict[str, float]:
    from tui.app.app import NewsdeckApp

    shows = watch_list_shows()
    app = NewsdeckApp(root)
    started = time.perf_counter()
    results: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait_for(lambda: app.main_screen is not None)
        screen = app.main_screen
        assert screen is not None
        await _wait_for(lambda: first_paint(shows) is not None)
        painted = first_paint(shows)
        assert painted is not None
        results["first_paint_s"] = painted - started
        await _wait_for(lambda: not screen.scanning)
        results["scan_s"] = time.perf_counter() - started
        results["articles"] = float(len(screen.library))

        latencies: list[float] = []
        pane = screen.list_pane
        for query in QUERIES:
            await pilot.press("slash")
            for char in query:
                pressed = time.perf_counter()
                screen.filter_bar.insert_text_at_cursor(char)
                value = screen.filter_bar.value
                await _wait_for(
                    lambda v=value, t=pressed: pane.shown_query == v and shows[-1][0] > t
                )
                latencies.append(shows[-1][0] - pressed)
            await pilot.press("escape")
            await pilot.pause()
        results["filter_key_p50_ms"] = statistics.median(latencies) * 1000
        results["filter_key_p95_ms"] = _percentile(latencies, 0.95) * 1000

        opens: list[float] = []
        fulls: list[float] = []
        reader = screen.reader
        articles = list(screen.library.newest_first())
        for article in articles:
            reader.open(article)
            await _wait_for(lambda: not reader.loading_article)
            assert reader.last_open_seconds is not None
            opens.append(reader.last_open_seconds)
            await _wait_for(lambda: not reader.rendering_article)
            assert reader.last_full_seconds is not None
            fulls.append(reader.last_full_seconds)
        results["open_p50_ms"] = statistics.median(opens) * 1000
        results["open_p95_ms"] = _percentile(opens, 0.95) * 1000
        results["open_max_ms"] = max(opens) * 1000
        results["open_full_p50_ms"] = statistics.median(fulls) * 1000
        results["open_full_p95_ms"] = _percentile(fulls, 0.95) * 1000
        results["open_full_max_ms"] = max(fulls) * 1000
        largest = max(range(len(articles)), key=lambda i: articles[i].size)
        results["largest_kb"] = articles[largest].size / 1000
        results["largest_first_ms"] = opens[largest] * 1000
        results["largest_full_ms"] = fulls[largest] * 1000

        reopens: list[float] = []
        for article in articles[-10:] + articles[-10:][::-1]:
            reader.open(article)
            await _wait_for(lambda: not reader.rendering_article)
            assert reader.last_full_seconds is not None
            reopens.append(reader.last_full_seconds)
        results["reopen_p95_ms"] = _percentile(reopens, 0.95) * 1000

        screen.open_article(articles[largest])
        await _wait_for(lambda: not reader.rendering_article)
        await pilot.pause()
        view = reader.view
        painting = [0.0]
        real_render_line = view.render_line

        def timed_render_line(y: int):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return real_render_line(y)
            finally:
                painting[0] += time.perf_counter() - started

        view.render_line = timed_render_line  # type: ignore[method-assign]
        app.animation_level = "none"  # measure the work per key, not the scroll animation
        keys: list[float] = []
        paints: list[float] = []
        for key in ["space"] * 15 + ["j"] * 20 + ["b"] * 5 + ["k"] * 10 + ["G", "g"] * 3:
            painting[0] = 0.0
            pressed = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            keys.append(time.perf_counter() - pressed)
            paints.append(painting[0])
        results["scroll_key_p95_ms"] = _percentile(keys, 0.95) * 1000
        results["scroll_key_max_ms"] = max(keys) * 1000
        results["scroll_paint_p95_ms"] = _percentile(paints, 0.95) * 1000
        await pilot.press("q")
    return results


def run(root: Path) -> dict[str, float]:
    """Measure the app on ``root``; return the figures (seconds or milliseconds, see keys)."""
    return asyncio.run(_measure(root))


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    print(json.dumps({k: round(v, 3) for k, v in run(target).items()}, indent=2))
