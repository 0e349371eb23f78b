"""Screenshots of folded copies and of the `r` timeline (pytest-textual-snapshot).

The seeds are the story fixture of :mod:`tests.app.test_dupes` (three copies of one
report, related coverage, look-alikes), written fresh with fixed dates under a relative
path; the time zone and "now" are pinned as in :mod:`tests.app.test_snapshots`.
Update after an intended change with
``pytest tests/app/test_snapshots_dupes.py --snapshot-update``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import tui.app.widgets.sidebar as sidebar_module
from tests.app.test_dupes import write_story_seeds
from tests.app.test_snapshots import SIZES, settled
from tui.app.app import NewsdeckApp


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NewsdeckApp:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setattr(sidebar_module, "_now", lambda: datetime(2020, 8, 1, tzinfo=UTC))
    monkeypatch.chdir(tmp_path)
    write_story_seeds(tmp_path / "seeds")
    return NewsdeckApp(Path("seeds"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_folded_list_and_copies_in_the_sidebar(
    snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]
) -> None:
    """The Lee entry (row 2) stands for three copies: ×3 in the row, each copy in the sidebar."""
    assert snap_compare(app, terminal_size=size, run_before=settled("j", "s"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_related_timeline(snap_compare: Any, app: NewsdeckApp, size: tuple[int, int]) -> None:
    """`r` on the Lee entry: the story's reports, oldest first, with source and date."""
    assert snap_compare(app, terminal_size=size, run_before=settled("j", "r"))
