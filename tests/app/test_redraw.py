"""What gets repainted (issue 7): over SSH every repainted cell is bytes on the wire.

Textual re-sends a refreshed region whole (one span per line, whatever changed),
so these tests record which widgets ask to be repainted after a key and assert on
that, never on byte counts: a cursor move in the list must not repaint the
reading pane, its scrollbar included, and no text box may blink.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Input

from tests.app.test_app import NEWEST_FIRST, wait_workers, write_seeds
from tests.app.test_reader import until
from tui.app.app import NewsdeckApp
from tui.app.reader import Reader
from tui.app.screens.main import MainScreen
from tui.app.widgets.header import HeaderLine


class Repaints:
    """Every widget that called ``refresh`` while recording (scrollbars included)."""

    def __init__(self) -> None:
        self.widgets: list[Widget] = []
        self.recording = False

    def in_reader(self) -> list[Widget]:
        """Recorded widgets inside the reading pane (a scrollbar's parent is its view)."""
        return [
            widget
            for widget in self.widgets
            if any(isinstance(node, Reader) for node in widget.ancestors_with_self)
        ]


@pytest.fixture
def repaints(monkeypatch: pytest.MonkeyPatch) -> Iterator[Repaints]:
    record = Repaints()
    real = Widget.refresh

    def refresh(self: Widget, *args: object, **kwargs: object) -> Widget:
        if record.recording:
            record.widgets.append(self)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Widget, "refresh", refresh)
    yield record


async def _open_long_article(app: NewsdeckApp, pilot) -> MainScreen:  # type: ignore[no-untyped-def]
    """Open the big article (so the reader has a scrollbar), then go back to the list."""
    await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.files_seen > 0)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    await until(pilot, lambda: len(screen.article_list.articles) == len(NEWEST_FIRST))
    screen.article_list.move_cursor(len(NEWEST_FIRST) - 1)  # the ~400 KB one
    screen.open_article(screen.article_list.article)
    await until(pilot, lambda: not screen.reader.rendering_article)
    assert screen.reader.view.max_scroll_y > 0  # long enough for a live scrollbar
    screen.article_list.focus()
    screen.article_list.move_cursor(0)
    await wait_workers(app)
    await pilot.pause()
    return screen


async def test_cursor_move_in_the_list_does_not_repaint_the_reader(
    tmp_path: Path, repaints: Repaints
) -> None:
    app = NewsdeckApp(write_seeds(tmp_path / "news"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_long_article(app, pilot)
        for _ in range(3):
            repaints.widgets.clear()
            repaints.recording = True
            await pilot.press("j")
            await pilot.pause()
            repaints.recording = False
            assert screen.article_list in repaints.widgets  # the recorder sees repaints
            assert repaints.in_reader() == []


async def test_a_layout_elsewhere_does_not_repaint_the_reader(
    tmp_path: Path, repaints: Repaints
) -> None:
    """The sidebar or header changing size lays the screen out again: the reader stays."""
    app = NewsdeckApp(write_seeds(tmp_path / "news"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_long_article(app, pilot)
        repaints.widgets.clear()
        repaints.recording = True
        screen.sidebar.refresh(layout=True)
        await pilot.pause()
        await pilot.pause()
        repaints.recording = False
        assert repaints.in_reader() == []
        # A real change still reaches the scrollbar: scrolling the reader repaints it.
        repaints.widgets.clear()
        repaints.recording = True
        screen.reader.view.scroll_to(y=5, animate=False, immediate=True)
        await pilot.pause()
        repaints.recording = False
        assert screen.reader.view.vertical_scrollbar in repaints.widgets


async def test_no_text_box_blinks(tmp_path: Path) -> None:
    """A blinking cursor writes to the terminal twice a second while idle."""
    app = NewsdeckApp(write_seeds(tmp_path / "news"))
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        inputs = list(app.screen.query(Input))
        assert len(inputs) >= 2  # the filter and the find box
        assert all(not box.cursor_blink for box in inputs)


async def test_header_and_footer_stay_put_while_typing(
    tmp_path: Path, repaints: Repaints, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header is resent only when its text changes; the footer only when Back flips."""
    app = NewsdeckApp(write_seeds(tmp_path / "news"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open_long_article(app, pilot)
        header = screen.query_one(HeaderLine)
        state = dict(shown=1, total=2, root=tmp_path, scanning=False, files_seen=2)
        header.set_state(**state, problems=0, query="")
        await pilot.pause()
        repaints.recording = True
        header.set_state(**state, problems=0, query="")
        await pilot.pause()
        repaints.recording = False
        assert header not in repaints.widgets
        calls: list[str] = []
        real = screen.refresh_bindings
        monkeypatch.setattr(
            screen, "refresh_bindings", lambda: calls.append(screen.list_pane.query_text)
        )
        screen.filter_bar.value = "ab"
        await pilot.pause()
        screen.filter_bar.value = "abc"
        await pilot.pause()
        screen.filter_bar.value = ""
        await pilot.pause()
        assert calls == ["ab", ""]  # appeared, disappeared: not once per key
        monkeypatch.setattr(screen, "refresh_bindings", real)
