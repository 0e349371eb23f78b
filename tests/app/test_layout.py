"""Panes that make room: how the main screen shares its width, at the sizes people use.

The arithmetic is :func:`tui.app.screens.layout.plan_panes` (tested directly
first); the Pilot tests check the app applies it: an open article gets at least
60 cells, the sidebar shows by default only from 160 columns (``s`` at any
width), the source browser hides the sidebar rather than squeeze the reader,
and at 80 columns the list and the reader take turns. Also here: the reader's
text column is capped at ``reading_width`` and centred.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget

from tests.app.test_app import main, settle, write_seeds
from tui.app.app import NewsdeckApp
from tui.app.screens.layout import READER_CHROME, READER_MIN, plan_panes
from tui.store.config import Config


def shown(widget: Widget) -> bool:
    return widget.display and widget.is_on_screen and widget.size.width > 0


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    return write_seeds(tmp_path / "seeds")


# -- the arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize("width", [100, 120, 140, 160, 200, 300])
def test_split_gives_the_reader_its_room_and_the_list_the_rest(width: int) -> None:
    plan = plan_panes(width, reading_width=80, browser=False, sidebar=False, reading=False)
    assert not plan.turns
    assert plan.reader >= READER_MIN
    assert plan.reader <= 80 + READER_CHROME
    assert plan.list >= 40
    assert plan.browser + plan.list + plan.reader + plan.sidebar == width


def test_panes_always_add_up_and_never_go_below_their_floor() -> None:
    for width in range(40, 260, 3):
        for browser in (False, True):
            for sidebar in (None, False, True):
                for reading in (False, True):
                    plan = plan_panes(
                        width,
                        reading_width=80,
                        browser=browser,
                        sidebar=sidebar,
                        reading=reading,
                    )
                    total = plan.browser + plan.list + plan.reader + plan.sidebar
                    assert total == width, (width, browser, sidebar, reading, plan)
                    if plan.turns:
                        assert (plan.list == 0) == reading and (plan.reader == 0) != reading
                    else:
                        assert plan.reader >= READER_MIN and plan.list >= 32


def test_reading_width_zero_lets_the_reader_grow_with_the_screen() -> None:
    narrow = plan_panes(120, reading_width=0, browser=False, sidebar=False, reading=True)
    wide = plan_panes(240, reading_width=0, browser=False, sidebar=False, reading=True)
    assert wide.reader > narrow.reader + 60
    assert wide.list >= 40


def test_browser_hides_a_default_sidebar_only_when_it_would_squeeze_the_reader() -> None:
    kwargs = {"reading_width": 80, "sidebar": None, "reading": True}
    assert plan_panes(160, browser=False, **kwargs).sidebar  # type: ignore[arg-type]
    assert not plan_panes(160, browser=True, **kwargs).sidebar  # type: ignore[arg-type]
    assert plan_panes(220, browser=True, **kwargs).sidebar  # type: ignore[arg-type]
    # `s` pressed while the browser is open is obeyed.
    forced = plan_panes(160, browser=True, sidebar_with_browser=True, **kwargs)  # type: ignore[arg-type]
    assert forced.sidebar


# -- the app -----------------------------------------------------------------------------


async def test_120_columns_reader_gets_room_and_sidebar_waits_for_s(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not shown(screen.sidebar)
        assert shown(screen.article_list) and shown(screen.reader)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.reader.region.width >= 60
        assert shown(screen.article_list)  # still side by side
        assert screen.list_pane.region.width >= 40
        await pilot.press("s")
        await settle(pilot)
        assert shown(screen.sidebar)
        assert screen.reader.region.width >= 60
        await pilot.press("s")
        await settle(pilot)
        assert not shown(screen.sidebar)


@pytest.mark.parametrize("size", [(160, 45), (200, 50)])
async def test_sidebar_shows_by_default_from_160_columns(
    seeds: Path, size: tuple[int, int]
) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        assert shown(screen.sidebar) and shown(screen.reader) and shown(screen.article_list)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.view.content_width >= 80
        # The user's choice beats the default, and survives a resize.
        await pilot.press("s")
        await settle(pilot)
        assert not shown(screen.sidebar)
        await pilot.resize_terminal(size[0] + 20, size[1])
        await settle(pilot)
        assert not shown(screen.sidebar)


async def test_browser_open_hides_the_sidebar_instead_of_squeezing_the_reader(
    seeds: Path,
) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        reader_width = screen.reader.region.width
        assert shown(screen.sidebar)
        await pilot.press("c")
        await settle(pilot)
        assert shown(screen.browser)
        assert not shown(screen.sidebar)
        assert screen.reader.region.width >= min(reader_width, 80 + READER_CHROME)
        # `s` while the browser is open shows it anyway; closing the browser brings
        # back the sidebar as it was.
        await pilot.press("s")
        await settle(pilot)
        assert shown(screen.sidebar) and shown(screen.browser)
        await pilot.press("c")  # the browser has the focus: c closes it
        await settle(pilot)
        assert not shown(screen.browser) and shown(screen.sidebar)


async def test_browser_at_120_columns_keeps_a_readable_reader(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("s")  # the sidebar by choice
        await settle(pilot)
        assert shown(screen.sidebar)
        await pilot.press("c")
        await settle(pilot)
        assert shown(screen.browser) and not shown(screen.sidebar)
        # List and reader take turns beside the browser: the list first, full width.
        assert shown(screen.article_list) and screen.list_pane.region.width >= 80
        screen.open_article(screen.article_list.article)
        await settle(pilot)
        assert shown(screen.reader) and screen.reader.region.width >= 60
        assert not shown(screen.article_list)


async def test_80_columns_panes_take_turns(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert shown(screen.article_list) and not shown(screen.reader)
        assert screen.list_pane.region.width == 80
        await pilot.press("j")
        await pilot.pause(0.3)  # no preview into a hidden reader
        assert screen.reader.article is None
        await pilot.press("enter")
        await settle(pilot)
        assert shown(screen.reader) and not shown(screen.article_list)
        assert screen.reader.region.width == 80
        await pilot.press("escape")
        await settle(pilot)
        assert shown(screen.article_list) and not shown(screen.reader)
        assert screen.focused is screen.article_list


async def test_resizing_into_turns_keeps_the_focus_visible(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert shown(screen.reader) and not shown(screen.article_list)
        assert screen.focused is screen.reader.view
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert shown(screen.reader) and shown(screen.article_list)


# -- the measure -------------------------------------------------------------------------


async def test_reading_width_caps_and_centres_the_text(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(reading_width=40))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        view = screen.reader.view
        assert view.rendered.width == 40
        assert all(len(line.rstrip()) <= 40 for line in view.plain_lines)
        pane = view.scrollable_content_region.width
        assert view.margin == (pane - 40) // 2 > 0
        # On screen the title starts after the margin.
        painted = view.render_line(0).text
        assert painted[: view.margin] == " " * view.margin
        assert painted[view.margin :].startswith(view.plain_lines[0].rstrip()[:5])


async def test_find_marks_line_up_with_the_centred_text(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(reading_width=40))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")  # "Russia and NATO talks stall"
        await settle(pilot)
        await pilot.press("ctrl+f", *"NATO")
        await pilot.pause()
        view = screen.reader.view
        assert view.matches
        line, start, end = view.matches[view.match_index]
        strip = view.render_line(line - int(view.scroll_y))
        current = view.get_component_rich_style("articleview--match-current")
        cells = []
        x = 0
        for segment in strip:
            if segment.style is not None and segment.style.bgcolor == current.bgcolor:
                cells.append((x, x + len(segment.text)))
            x += len(segment.text)
        assert cells, "the current match is painted"
        first, last = cells[0][0], cells[-1][1]
        assert (first, last) == (view.margin + start, view.margin + end)
        assert strip.text[first:last].upper() == "NATO"


async def test_reading_width_zero_fills_the_pane(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(reading_width=0))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        view = screen.reader.view
        assert view.rendered.width == view.content_width > 80
        assert view.margin == 0
