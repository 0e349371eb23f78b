"""How fast the article list is with a big folder (headless; not a test).

Run: ``.venv/bin/python bench/list_bench.py [N]`` from the checkout, or call
:func:`run`. All figures are milliseconds except ``articles``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tui` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult

from tui.app.messages import HIGHLIGHT_CHUNK
from tui.app.widgets.article_list import ArticleList
from tui.model import Article

SIZE = (120, 40)
TITLES = [
    "国务院关于进一步优化营商环境更好服务市场主体的实施意见",
    "Markets rally as central bank signals pause in rate hikes",
    "東京で大規模な記者会見、政府が新しい経済対策を発表",
    "Emoji 😀 storm over [bold]markup[/bold] in headlines 🚀",
]
SOURCES = ["新华社", "Reuters", "日本経済新聞", "BBC News 中文"]


def make_articles(n: int) -> list[Article]:
    """``n`` varied articles (CJK, emoji, markup-looking titles), newest first."""
    start = datetime(2024, 6, 1, tzinfo=UTC)
    return [
        Article(
            path=Path(f"bench/{i:06d}.txt"),
            format="feed",
            title=f"{TITLES[i % len(TITLES)]} #{i}",
            date=start - timedelta(minutes=i),
            source=SOURCES[i % len(SOURCES)],
        )
        for i in range(n)
    ]


def highlight(article: Article) -> Sequence[int]:
    """A stand-in for the fuzzy matcher's indices: every third title character."""
    return range(0, len(article.title), 3)


class _BenchApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleList()


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


async def _measure(n: int) -> dict[str, float]:
    results: dict[str, float] = {"articles": float(n)}
    t0 = time.perf_counter()
    articles = make_articles(n)
    results["build_articles_ms"] = _ms(time.perf_counter() - t0)

    # As the app does: the filter worker hands over the first chunk's highlights,
    # later rows ask for theirs when drawn.
    first_highlights = [highlight(a) for a in articles[:HIGHLIGHT_CHUNK]]

    app = _BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        lst = app.query_one(ArticleList)
        await pilot.pause()
        height = lst.scrollable_content_region.height

        t0 = time.perf_counter()
        lst.show(articles, first_highlights, more_highlights=True)
        results["show_ms"] = _ms(time.perf_counter() - t0)
        await pilot.pause()

        # Re-filter keeping the cursor article (found at once) and losing it (full scans).
        lst.move_cursor(n // 2)
        t0 = time.perf_counter()
        lst.show(articles, first_highlights, more_highlights=True)
        results["reshow_kept_ms"] = _ms(time.perf_counter() - t0)
        # Missing: scan by identity, then by path. The first scan pays for pathlib
        # caching str(path); in the app that already happened when the file was read.
        for key in ("reshow_missing_first_ms", "reshow_missing_ms"):
            t0 = time.perf_counter()
            lst.show(
                articles[1:], first_highlights, keep_cursor_on=articles[0], more_highlights=True
            )
            results[key] = _ms(time.perf_counter() - t0)
        lst.show(articles, first_highlights, more_highlights=True)
        await pilot.pause()

        def render_screen() -> float:
            lst._strip_cache.clear()
            lst._styles = None
            t0 = time.perf_counter()
            for y in range(height):
                lst.render_line(y)
            return time.perf_counter() - t0

        cold = [render_screen() for _ in range(20)]
        results["render_screen_cold_ms"] = _ms(min(cold))
        t0 = time.perf_counter()
        for y in range(height):
            lst.render_line(y)
        results["render_screen_cached_ms"] = _ms(time.perf_counter() - t0)

        # Cursor move through the API, plus re-rendering the two rows it changes.
        moves = 2000
        lst.move_cursor(0)
        await pilot.pause()
        t0 = time.perf_counter()
        for step in range(1, moves + 1):
            lst.move_cursor(step)
            top = lst.scroll_offset.y
            lst.render_line(step - 1 - top)
            lst.render_line(step - top)
        results["cursor_move_ms"] = _ms((time.perf_counter() - t0) / moves)
        await pilot.pause()

        # End to end through the key binding and a screen refresh (includes Pilot overhead).
        # Wall time is mostly Pilot waiting for frames; CPU time is what the app spends.
        presses = 50
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(presses):
            await pilot.press("j")
        await pilot.pause()
        results["keypress_j_wall_ms"] = _ms((time.perf_counter() - t0) / presses)
        results["keypress_j_cpu_ms"] = _ms((time.process_time() - c0) / presses)

        t0, c0 = time.perf_counter(), time.process_time()
        await pilot.press("G")
        await pilot.pause()
        results["keypress_G_wall_ms"] = _ms(time.perf_counter() - t0)
        results["keypress_G_cpu_ms"] = _ms(time.process_time() - c0)
        assert lst.cursor == n - 1
    return results


def run(n: int = 100_000) -> dict[str, float]:
    """Measure show(), a screenful of rendering and cursor moves with ``n`` articles."""
    return asyncio.run(_measure(n))


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for key, value in run(count).items():
        print(f"{key:>24}: {value:,.3f}")
