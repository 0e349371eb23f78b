"""Pilot tests for issue 13: resume where you stopped, ``is:started``, URLs shown decoded.

Every test has its own data directory (``NEWSDECK_DATA_DIR``), so a second app of
the same test reads what the first one saved, which is how "after restarting the
app" is checked.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from tests.app.test_app import BIG_TITLE, main, settle, titles, write_seeds
from tests.locations import SAMPLE_SEEDS
from tui.app.app import NewsdeckApp
from tui.app.reader import resume as resume_module
from tui.app.reader.resume import SAVE_DELAY, ReadingMeter, progress_label
from tui.model import Article
from tui.store.config import Config
from tui.store.state import StateStore

RFI = (
    "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F%E6%A3%80%E7%B4%A2/%E8%A6%81%E9%97%BB%E8%A7%A3"
    "%E8%AF%B4/20220112-%E4%BF%84%E7%BD%97%E6%96%AF%E4%B8%80%E5%8F%AA%E6%89%8B%E4%B8%8E%E5"
    "%8C%97%E7%BA%A6%E4%BC%9A%E8%B0%88-%E5%8F%A6%E5%8F%AA%E6%89%8B%E5%9C%A8%E4%B9%8C%E5%85"
    "%8B%E5%85%B0%E8%BE%B9%E5%A2%83%E4%B8%BE%E8%A1%8C%E5%86%9B%E6%BC%94"
)
RFI_SHOWN = (
    "https://www.rfi.fr/cn/专栏检索/要闻解说/20220112-"
    "俄罗斯一只手与北约会谈-另只手在乌克兰边境举行军演"
)


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("NEWSDECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDECK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(tmp_path / "cache"))
    return write_seeds(tmp_path / "seeds")


def no_preview() -> Config:
    """The user's config without the preview (so only opening shows an article)."""
    config = Config()
    if hasattr(config, "preview"):
        config = dataclasses.replace(config, preview=False)
    return config


async def open_title(pilot, title: str) -> Article:  # type: ignore[no-untyped-def]
    """Move the list's cursor to ``title`` and press Enter; the article once it is rendered."""
    screen = main(pilot.app)
    screen.set_focus(screen.article_list)
    await pilot.pause()
    screen.article_list.move_cursor(titles(pilot.app).index(title))
    await pilot.press("enter")
    await settle(pilot)
    article = screen.reader.article
    assert article is not None and article.title == title
    assert screen.reader.view.rendered.complete
    return article


def first_text_line(app: NewsdeckApp) -> str:
    """The first line on screen with text on it: "the same place" at one width."""
    view = main(app).reader.view
    for line in view.plain_lines[int(view.scroll_y) :]:
        if line.strip():
            return line.strip()
    return ""


async def test_reopening_returns_to_the_same_place(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        reader = main(app).reader
        big = await open_title(pilot, BIG_TITLE)
        await pilot.press("space", "space", "space", "j", "j")
        await settle(pilot)
        top = int(reader.view.scroll_y)
        assert top > 60
        place = first_text_line(app)
        assert 0 < (reader.resume.progress or 0) < 0.5
        # opening another article saves the place at once (no waiting for the pause)
        other = await open_title(pilot, titles(app)[0])
        assert other is not big
        assert app.store.position(big) is not None
        assert int(reader.view.scroll_y) == 0
        await open_title(pilot, BIG_TITLE)
        assert first_text_line(app) == place
        assert abs(int(reader.view.scroll_y) - top) <= 1
        assert app.store.is_started(big)


async def test_position_survives_a_restart(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resume_module, "SAVE_DELAY", 600.0)  # only quitting can save it
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_title(pilot, BIG_TITLE)
        await pilot.press("space", "space", "space", "space")
        await settle(pilot)
        place = first_text_line(app)
        saved_top = int(main(app).reader.view.scroll_y)
        # quitting at once: the position is saved on the way out, not after the pause
    again = NewsdeckApp(seeds, config=no_preview())
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_title(pilot, BIG_TITLE)
        assert first_text_line(again) == place
        assert abs(int(main(again).reader.view.scroll_y) - saved_top) <= 1


async def test_restored_at_another_width_near_the_same_text(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        big = await open_title(pilot, BIG_TITLE)
        for _ in range(20):
            await pilot.press("space")
        await settle(pilot)
        saved = app.store.position(big)
    assert saved is None or saved > 0  # maybe not yet: written when the app quit
    with StateStore() as store:
        fraction = store.position(big)
    assert fraction is not None and 0.05 < fraction < 0.9
    narrow = NewsdeckApp(seeds, config=no_preview())
    async with narrow.run_test(size=(90, 30)) as pilot:
        await settle(pilot)
        await open_title(pilot, BIG_TITLE)
        view = main(narrow).reader.view
        meter = ReadingMeter(view.plain_lines)
        assert abs(meter.fraction_at(int(view.scroll_y)) - fraction) < 0.01


async def test_scrolling_saves_after_a_pause_not_per_line(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Longer than any gap between two presses, even on a loaded machine.
    monkeypatch.setattr(resume_module, "SAVE_DELAY", 1.0)
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        big = await open_title(pilot, BIG_TITLE)
        writes: list[float] = []
        real = app.store.set_position

        def counting(article: Article, fraction: float, *, finished: bool = False) -> bool:
            writes.append(fraction)
            return real(article, fraction, finished=finished)

        monkeypatch.setattr(app.store, "set_position", counting)
        for _ in range(30):
            await pilot.press("j")
        assert writes == []
        await pilot.pause(1.5)
        assert len(writes) == 1
        assert app.store.position(big) == pytest.approx(writes[0])


async def test_progress_and_finished_at_the_end(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        big = await open_title(pilot, BIG_TITLE)
        reader = main(app).reader
        # The first screen of a very long article: under one percent read.
        assert progress_label(reader.resume.progress) == "0%"
        assert 0 < (reader.resume.progress or 0) < 0.01
        await pilot.press("G")
        await settle(pilot)
        assert progress_label(reader.resume.progress) == "100%"
        await open_title(pilot, titles(app)[0])
        assert app.store.is_finished(big) and not app.store.is_started(big)


async def test_is_started_filters_the_list(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_title(pilot, BIG_TITLE)
        await pilot.press("space", "space")
        await settle(pilot)
        short = await open_title(pilot, titles(app)[0])  # fits the pane: finished at once
        screen = main(app)
        await pilot.pause(SAVE_DELAY + 0.3)  # saved once the reader has been still a moment
        await pilot.press("escape")
        await pilot.press("slash")
        screen.filter_bar.insert_text_at_cursor("is:started")
        await settle(pilot)
        assert titles(app) == [BIG_TITLE]
        assert app.store.is_finished(short)
        screen.filter_bar.value = "-is:started"
        await settle(pilot)
        assert BIG_TITLE not in titles(app) and short.title in titles(app)


async def test_a_preview_records_no_position(seeds: Path) -> None:
    config = Config()
    app = NewsdeckApp(seeds, config=config)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        reader = screen.reader
        screen.article_list.move_cursor(titles(app).index(BIG_TITLE))
        await pilot.pause(0.4)
        await settle(pilot)
        big = reader.article
        assert big is not None and big.title == BIG_TITLE and reader.previewing
        reader.view.scroll_to(y=200, animate=False, immediate=True)
        await pilot.pause()
        screen.article_list.move_cursor(0)
        await pilot.pause(0.4)
        await settle(pilot)
        assert reader.article is not big
        assert app.store.position(big) is None
        assert reader.resume.article is None


async def test_sidebar_shows_the_url_decoded_and_y_copies_it_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDECK_DATA_DIR", str(tmp_path / "data"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SAMPLE_SEEDS / "002_153ef59660deb970.txt", seeds)
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        article = screen.article_list.article
        assert article is not None and article.url == RFI
        body = screen.sidebar.query_one("#sidebar-body", Static).content
        assert isinstance(body, Group)
        shown = [part.plain for part in body.renderables if isinstance(part, Text)]
        assert RFI_SHOWN in shown
        assert not any("%E4" in line for line in shown)
        await pilot.press("y")
        assert app.clipboard == RFI
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == RFI


def test_meter_fraction_does_not_depend_on_the_width() -> None:
    """The same sentence sits at the same fraction whether wrapped at 40 or 120 cells."""
    from tui.app.reader.render import render_article

    article = Article(path=Path("/s/x.md"), title="Wrapped", url=None)
    markdown = "\n\n".join(f"Paragraph {n}: " + "words in a row " * 30 for n in range(40))
    marks = []
    for width in (40, 120):
        rendered = render_article(article, markdown, width)
        meter = ReadingMeter(rendered.plain)
        line = next(k for k, text in enumerate(rendered.plain) if "Paragraph 25:" in text)
        marks.append(meter.fraction_at(line))
        assert meter.line_at(meter.fraction_at(line)) == line
        assert meter.progress(0, len(rendered.plain)) == 1.0
    assert abs(marks[0] - marks[1]) < 0.002


async def test_the_loading_placeholder_never_counts_as_read_to_the_end(
    seeds: Path,
) -> None:
    """Opening a second long article from a scrolled one: its "Loading…" lines fit the
    pane, but the article is neither finished nor started by that."""
    paragraph = "<p>" + "Second long text with words. " * 30 + "</p>\n"
    body = "".join(f"<h2>Part {i}</h2>\n{paragraph}" for i in range(200))
    (seeds / "long2.md").write_text(
        "---\ntitle: Second long one\ndate: 2024-04-01 05:00:00\nsite: Archive\n"
        "url: https://example.com/long2\n---\n" + f"<div>{body}</div>\n",
        encoding="utf-8",
    )
    app = NewsdeckApp(seeds, config=no_preview())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_title(pilot, BIG_TITLE)
        await pilot.press("space", "space", "space")
        await settle(pilot)
        long2 = await open_title(pilot, "Second long one")
        assert not app.store.is_finished(long2)
        assert main(app).reader.resume.finished is False
        await open_title(pilot, BIG_TITLE)
        assert not app.store.is_finished(long2) and app.store.position(long2) is None
