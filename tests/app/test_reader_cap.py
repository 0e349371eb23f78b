"""The display size cap (issue 6): huge bodies show their first part, a notice, and ctrl+o.

The caps are module constants of :mod:`tui.body.caps` read at call time (where the
cut itself is tested); the whole-article test lowers them so that rendering
"everything" stays a small job.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tui.body.caps as caps_module
from tests.app.test_reader import ReaderApp, settle, write_article
from tests.unit.body.test_caps import huge_html
from tui.app.reader import OPEN_FULL_KEY

NOTICE = "Article truncated for display"


def last_paragraph(lines: list[str]) -> int:
    """The highest paragraph number shown."""
    numbers = [int(word) for line in lines for word in line.split()[1:2] if word.isdigit()]
    return max(numbers, default=-1)


async def test_ten_megabyte_article_shows_its_first_part_and_a_notice(tmp_path: Path) -> None:
    article = write_article(tmp_path / "huge.md", "Huge", huge_html(10_000_000))
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.reader.open(article)
        await settle(pilot)
        reader = app.reader
        lines = reader.view.plain_lines
        assert reader.truncated and reader.view.rendered.complete
        assert any("Paragraph 0 says" in line for line in lines)
        notice = "\n".join(lines[-4:])
        assert NOTICE in notice and "10.0 MB" in notice and OPEN_FULL_KEY in notice
        shown = last_paragraph(lines)
        assert 0 < shown < 100_000  # far from the ~130,000 paragraphs of the file
        assert reader.check_action("open_full", ()) is True


async def test_open_full_key_renders_the_whole_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caps_module, "HTML_CAP", 20_000)
    monkeypatch.setattr(caps_module, "MARKDOWN_CAP", 10_000)
    html = huge_html(60_000)
    article = write_article(tmp_path / "big.md", "Big", html)
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(article)
        await settle(pilot)
        assert reader.truncated
        first = last_paragraph(reader.view.plain_lines)
        reader.view.focus()
        await pilot.press(OPEN_FULL_KEY)
        await settle(pilot)
        lines = reader.view.plain_lines
        assert not reader.truncated
        assert not any(NOTICE in line for line in lines)
        assert last_paragraph(lines) == html.count("<p>") - 1 > first
        assert reader.check_action("open_full", ()) is False
        # Reopening keeps the whole article: the choice sticks for this file.
        reader.open(article)
        await settle(pilot)
        assert not reader.truncated and last_paragraph(reader.view.plain_lines) > first


async def test_small_article_has_no_notice_and_no_key(tmp_path: Path) -> None:
    article = write_article(tmp_path / "small.md", "Small", huge_html(5_000))
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.reader.open(article)
        await settle(pilot)
        lines = app.reader.view.plain_lines
        assert not app.reader.truncated
        assert not any(NOTICE in line for line in lines)
        assert last_paragraph(lines) == huge_html(5_000).count("<p>") - 1
        assert app.reader.check_action("open_full", ()) is False


def test_open_full_key_collides_with_no_other_binding() -> None:
    from textual.widgets import Input

    from tui.app.app import NewsdeckApp
    from tui.app.reader import ArticleView, FindBar, Reader
    from tui.app.screens.main import MainScreen
    from tui.app.widgets.article_list import ArticleList
    from tui.app.widgets.filter_bar import FilterBar

    keys: list[str] = []
    for owner in (NewsdeckApp, MainScreen, ArticleList, FilterBar, Input, ArticleView, FindBar):
        for binding in owner.BINDINGS:
            keys += [key.strip() for key in binding.key.split(",")]  # type: ignore[union-attr]
    assert OPEN_FULL_KEY not in keys
    assert any(b.id == "reader.open_full" for b in Reader.BINDINGS)  # type: ignore[union-attr]
