"""Preview: with no article open, the reader shows the one under the list's cursor.

It follows the cursor once it rests (a debounce, so a held `j` only moves the
list), never marks the article read, never takes the focus, and is off with
``preview = false``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tui.app.screens.main as main_module
from tests.app.test_app import NEWEST_FIRST, main, settle, write_seeds
from tui.app.app import NewsdeckApp
from tui.app.screens.main import PREVIEW_DELAY
from tui.store.config import Config


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    return write_seeds(tmp_path / "seeds")


def reader_title(app: NewsdeckApp) -> str:
    lines = main(app).reader.view.plain_lines
    return lines[0].strip() if lines else ""


async def rest(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the cursor rest past the debounce and the render finish."""
    await pilot.pause(PREVIEW_DELAY + 0.1)
    await settle(pilot)


async def test_preview_follows_the_cursor_and_marks_nothing(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await rest(pilot)
        screen = main(app)
        assert reader_title(app) == NEWEST_FIRST[0]
        await pilot.press("j")
        await rest(pilot)
        article = screen.article_list.article
        assert article is not None and article.title == NEWEST_FIRST[1]
        assert screen.reader.article is article and screen.reader.previewing
        assert reader_title(app) == NEWEST_FIRST[1]
        assert "No article open." not in " ".join(screen.reader.view.plain_lines)
        # Never read, never focused.
        assert not screen.store.is_read(article)
        assert screen.focused is screen.article_list
        # Opening it is what marks it read.
        await pilot.press("enter")
        await settle(pilot)
        assert screen.store.is_read(article) and not screen.reader.previewing
        assert screen.focused is screen.reader.view


async def test_held_key_previews_only_where_it_stops(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long rest, so a slow test machine's gaps between keys never count as one.
    monkeypatch.setattr(main_module, "PREVIEW_DELAY", 1.0)
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await rest(pilot)
        screen = main(app)
        reader = screen.reader
        opened: list[str] = []
        real_preview = reader.preview

        def counting(article):  # type: ignore[no-untyped-def]
            opened.append(article.title)
            real_preview(article)

        reader.preview = counting  # type: ignore[method-assign]
        for _ in range(3):
            await pilot.press("j")
            await pilot.pause(0.05)
        assert opened == []  # still moving: nothing rendered yet
        await pilot.pause(1.1)
        await settle(pilot)
        assert opened == [NEWEST_FIRST[3]]
        assert reader_title(app) == NEWEST_FIRST[3]


async def test_an_opened_article_stays_while_it_is_read(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        opened = screen.reader.article
        # The list's cursor moving under the reader (a refresh of the directory
        # does that) leaves the opened article alone.
        screen.article_list.move_cursor(3)
        await rest(pilot)
        assert screen.reader.article is opened and not screen.reader.previewing
        # Back in the list (Esc), the reader previews again.
        await pilot.press("escape", "j")
        await rest(pilot)
        assert screen.reader.previewing
        assert reader_title(app) == NEWEST_FIRST[4]
        # Going to the list another way (a click, Tab) is going back too.
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.reader.previewing
        screen.set_focus(screen.article_list)
        await pilot.press("k")
        await rest(pilot)
        assert screen.reader.previewing and reader_title(app) == NEWEST_FIRST[3]


async def test_preview_off_in_config(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(preview=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await rest(pilot)
        screen = main(app)
        assert screen.reader.article is None
        assert reader_title(app) == "No article open."


async def test_empty_list_shows_the_message(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    app = NewsdeckApp(root)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await rest(pilot)
        assert main(app).reader.article is None
        assert reader_title(app) == "No article open."
