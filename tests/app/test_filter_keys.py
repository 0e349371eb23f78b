"""Pilot tests for the filter box's picker keys: Enter opens, ↓/↑ and ctrl+n/ctrl+p move.

The fixture has three "Market report" titles of equal length (the ranking ties them,
so they keep the newest-first order), and a few others.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import Static

from tests.app.test_app import main, settle, titles
from tui.app.app import NewsdeckApp, binding_ids
from tui.app.screens.help import HelpScreen
from tui.app.screens.main import MainScreen
from tui.library import Library
from tui.store.config import config_path

ARTICLES = [
    # (file name, title, date)
    ("m1.md", "Market report alpha", "2024-05-06 08:00:00"),
    ("w1.md", "Weather: sunny spells", "2024-05-05 08:00:00"),
    ("m2.md", "Market report delta", "2024-05-04 08:00:00"),
    ("z1.md", "俄罗斯与北约的安全谈判", "2024-05-03 08:00:00"),
    ("m3.md", "Market report gamma", "2024-05-02 08:00:00"),
    ("p1.md", "Precarious work is rising", "2024-05-01 08:00:00"),
]
MARKET = ["Market report alpha", "Market report delta", "Market report gamma"]


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    root = tmp_path / "seeds"
    root.mkdir()
    for name, title, date in ARTICLES:
        (root / name).write_text(
            f"---\ntitle: '{title}'\nauthor: Desk\ndate: {date} +0000\n"
            f"link: https://example.com/{name}\n---\n\n<p>Body of {title}.</p>\n",
            encoding="utf-8",
        )
    return root


def opened(app: NewsdeckApp) -> str | None:
    """The title the reader opened (None: nothing was opened, whatever it previews)."""
    screen = main(app)
    if not screen.reader.has_focus_within:
        return None
    article = screen.reader.article
    return None if article is None else article.title


async def type_query(pilot: Any, text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


async def test_down_twice_then_enter_opens_the_third_match(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await type_query(pilot, "market")
        assert titles(app) == MARKET
        await pilot.press("down", "down")
        await settle(pilot)
        # The highlight moved in the list; the focus stayed in the box.
        assert screen.article_list.cursor == 2
        assert screen.focused is screen.filter_bar
        assert opened(app) is None
        await pilot.press("enter")
        await settle(pilot)
        assert opened(app) == MARKET[2]
        assert screen.focused is screen.reader.view


async def test_ctrl_n_and_ctrl_p_move_and_typing_goes_on(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await type_query(pilot, "market")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+p")
        await settle(pilot)
        assert screen.article_list.cursor == 1
        await pilot.press("up", "up")  # stops at the top
        await settle(pilot)
        assert screen.article_list.cursor == 0
        assert screen.focused is screen.filter_bar
        # Typing goes on in the box (not the palette's ctrl+p, not the list's keys).
        await pilot.press(*" gam")
        await settle(pilot)
        assert screen.filter_bar.value == "market gam"
        assert titles(app) == [MARKET[2]]
        await pilot.press("enter")
        await settle(pilot)
        assert opened(app) == MARKET[2]


async def test_enter_with_no_match_does_nothing(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await type_query(pilot, "zzqqxx")
        assert titles(app) == []
        await pilot.press("down", "enter", "up", "enter")
        await settle(pilot)
        assert opened(app) is None
        assert not screen.has_class("-reading")
        assert screen.focused is screen.filter_bar
        assert screen.filter_bar.value == "zzqqxx"
        # The query can be mended right away.
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.filter_bar.value == "zzqqx"


async def test_escape_clears_and_tab_keeps_the_query(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await type_query(pilot, "market")
        await pilot.press("tab")
        await settle(pilot)
        assert screen.focused is screen.article_list
        assert screen.filter_bar.value == "market"
        assert titles(app) == MARKET
        await type_query(pilot, "")
        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter_bar.value == ""
        assert screen.focused is screen.article_list
        assert len(titles(app)) == len(ARTICLES)
        assert opened(app) is None


async def test_enter_before_the_result_waits_for_it(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed while the latest result is computed act on that result once it is in."""
    gate = threading.Event()
    real: Callable[..., Any] = Library.filtered

    def held(self: Library, query: str, *args: Any, **kwargs: Any) -> Any:
        if query.strip():
            gate.wait(10)
        return real(self, query, *args, **kwargs)

    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        monkeypatch.setattr(Library, "filtered", held)
        await pilot.press("slash", *"market", "down", "enter")
        await pilot.pause()
        # Still the unfiltered list: nothing opened from it.
        assert screen.list_pane.result_pending
        assert opened(app) is None
        gate.set()
        await settle(pilot)
        assert titles(app) == MARKET
        assert opened(app) == MARKET[1]


async def test_a_further_keystroke_drops_a_waiting_enter(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real: Callable[..., Any] = Library.filtered

    def held(self: Library, query: str, *args: Any, **kwargs: Any) -> Any:
        if query.strip():
            gate.wait(10)
        return real(self, query, *args, **kwargs)

    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        monkeypatch.setattr(Library, "filtered", held)
        await pilot.press("slash", *"market", "enter", "space", "g")
        await pilot.pause()
        gate.set()
        await settle(pilot)
        assert opened(app) is None
        assert screen.focused is screen.filter_bar
        assert titles(app) == [MARKET[2]]


def help_lines(app: NewsdeckApp) -> list[str]:
    table = app.screen.query_one("#help-table", Static).content
    lines = app.console.render_lines(table, app.console.options.update_width(100))
    return ["".join(seg.text for seg in line).rstrip() for line in lines]


def line_with(lines: list[str], text: str) -> str:
    found = [line for line in lines if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def keys_of(app: NewsdeckApp, line: str) -> set[str]:
    """The keys a help line lists, back from their display (``⏎``, ``^n``) to Textual's names."""
    shown = line.strip().split("  ")[0].split()
    names = ("enter", "tab", "escape", "up", "down", "ctrl+n", "ctrl+p", "ctrl+o", "ctrl+j")
    return {name for name in names if app.get_key_display(Binding(name, "x")) in shown}


async def test_help_lists_the_filter_keys(seeds: Path) -> None:
    assert {"filter.open", "filter.next", "filter.previous", "filter.leave"} <= binding_ids()
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = help_lines(app)
        box = lines.index(line_with(lines, "Filter box"))
        section = lines[box:]
        assert keys_of(app, line_with(section, "Open the highlighted match")) == {"enter"}
        assert keys_of(app, line_with(section, "Highlight the next match")) == {"down", "ctrl+n"}
        previous = line_with(section, "Highlight the previous match")
        assert keys_of(app, previous) == {"up", "ctrl+p"}
        assert keys_of(app, line_with(section, "To the list")) == {"tab"}
        assert keys_of(app, line_with(section, "Clear filter")) == {"escape"}
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_filter_keys_remap_through_the_config(seeds: Path) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[keys]\n"filter.open" = "ctrl+o"\n"filter.next" = "ctrl+j"\n', encoding="utf-8"
    )
    app = NewsdeckApp(seeds)
    assert app.keymap == {"filter.open": "ctrl+o", "filter.next": "ctrl+j"}
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await type_query(pilot, "market")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert screen.article_list.cursor == 1
        await pilot.press("down")  # no longer bound to filter.next
        await pilot.press("enter")  # no longer bound to filter.open
        await settle(pilot)
        assert screen.article_list.cursor == 1
        assert opened(app) is None and screen.focused is screen.filter_bar
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert opened(app) == MARKET[1]
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        assert keys_of(app, line_with(lines, "Open the highlighted match")) == {"ctrl+o"}
        assert keys_of(app, line_with(lines, "Highlight the next match")) == {"ctrl+j"}
