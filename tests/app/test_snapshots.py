"""Screenshots of the app at 80x24 and 120x36 (pytest-textual-snapshot); the layout
(list with its preview, reader, reader beside the source browser) also at 160x45 and 200x50.

Everything that could vary between machines is pinned: the fixture directory
is written fresh with fixed dates and given as a relative path (so no temporary
path shows), the time zone is UTC, "now" is fixed for relative dates, workers
finish before the shot, and text cursors do not blink.
Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

import tui.app.widgets.sidebar as sidebar_module
from tests.app.test_app import wait_workers, write_seeds
from tui.app.app import NewsdeckApp
from tui.app.screens.main import PREVIEW_DELAY

SIZES = [(80, 24), (120, 36)]
#: Where the panes are shared differently: turns, split, split + sidebar, roomy.
LAYOUT_SIZES = [*SIZES, (160, 45), (200, 50)]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NewsdeckApp:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(sidebar_module, "_now", lambda: datetime(2024, 5, 8, tzinfo=UTC))
    monkeypatch.chdir(tmp_path)
    write_seeds(tmp_path / "seeds")
    return NewsdeckApp(Path("seeds"))


def settled(*keys: str) -> Callable[[Pilot[Any]], Coroutine[Any, Any, None]]:
    """A run_before that waits for the scan, presses ``keys``, then waits again."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_workers(pilot.app)
        await pilot.pause()
        for node in pilot.app.screen.query(Input):
            node.cursor_blink = False
        for key in keys:
            await pilot.press(key)
            await wait_workers(pilot.app)
            await pilot.pause()
        await pilot.pause(PREVIEW_DELAY + 0.1)  # the reader's preview of the cursor's article
        await wait_workers(pilot.app)
        await pilot.pause()
        for node in pilot.app.screen.query(Input):
            node.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=settled())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filtered_list(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=settled("slash", *"nato"))


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    # At 80 columns the sidebar is toggled on over the full-width reader.
    keys = ("j", "enter") if size[0] >= 120 else ("j", "enter", "s")
    assert snap_compare(app, terminal_size=size, run_before=settled(*keys))


@pytest.mark.parametrize("size", LAYOUT_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_browser(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    # The browser opens beside the reader; the sidebar makes way for it.
    assert snap_compare(app, terminal_size=size, run_before=settled("j", "enter", "c"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=settled("question_mark"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_marks_and_browser(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    # One read (m), one starred (f), the sort flipped (S), then the source browser (c).
    keys = ("m", "j", "f", "S", "c")
    assert snap_compare(app, terminal_size=size, run_before=settled(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_query_error(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    keys = ("slash", *"is:x", "space", *"src:reuters", "space", *"nato")
    assert snap_compare(app, terminal_size=size, run_before=settled(*keys))
