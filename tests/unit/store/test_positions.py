"""Reading positions: saved per article and user, finished is sticky, old databases migrate,
and a failed write changes nothing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.model import Article
from tui.paths import ENV_DATA_DIR
from tui.store.state import (
    ENV_USER,
    FINISHED_AT,
    SCHEMA_VERSION,
    StateError,
    StateStore,
    state_path,
)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data"
    monkeypatch.setenv(ENV_DATA_DIR, str(home))
    monkeypatch.delenv(ENV_USER, raising=False)
    return home


def art(n: int, *, path: str | None = None) -> Article:
    return Article(
        path=Path(path or f"/seeds/{n}.md"),
        title=f"Article {n}",
        url=f"https://example.com/{n}",
        date=datetime(2022, 1, 1 + n % 28, tzinfo=UTC),
    )


def test_position_round_trip_and_restart() -> None:
    with StateStore() as store:
        assert store.position(art(1)) is None
        assert store.set_position(art(1), 0.42) is True
        assert store.position(art(1)) == pytest.approx(0.42)
        assert store.is_started(art(1)) and not store.is_finished(art(1))
        assert store.position(art(2)) is None and not store.is_started(art(2))
    with StateStore() as store:  # a new process
        assert store.position(art(1)) == pytest.approx(0.42)
        # keyed by identity, not path: a moved file keeps its place
        assert store.position(art(1, path="/elsewhere/x.md")) == pytest.approx(0.42)


def test_positions_are_per_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USER, "alice")
    with StateStore() as alice:
        alice.set_position(art(1), 0.5)
    monkeypatch.setenv(ENV_USER, "bob")
    with StateStore() as bob:
        assert bob.position(art(1)) is None
    assert state_path("alice") != state_path("bob")


def test_values_are_clamped() -> None:
    with StateStore.in_memory() as store:
        store.set_position(art(1), 7.0)
        assert store.position(art(1)) == 1.0 and store.is_finished(art(1))
        store.set_position(art(2), -3.0, finished=False)
        assert store.position(art(2)) is None  # the top of an unread article: nothing kept
        store.set_position(art(3), float("nan"))
        assert store.position(art(3)) is None


def test_finished_counts_from_95_percent_and_stays() -> None:
    with StateStore.in_memory() as store:
        store.set_position(art(1), FINISHED_AT - 0.01)
        assert store.is_started(art(1)) and not store.is_finished(art(1))
        store.set_position(art(1), FINISHED_AT)
        assert store.is_finished(art(1)) and not store.is_started(art(1))
        # scrolling back up to re-read keeps "finished", and the new place
        store.set_position(art(1), 0.1)
        assert store.position(art(1)) == pytest.approx(0.1)
        assert store.is_finished(art(1)) and not store.is_started(art(1))
        # the reader says "the end is on screen" for a short article at the top
        store.set_position(art(2), 0.0, finished=True)
        assert store.is_finished(art(2)) and not store.is_started(art(2))


def test_started_means_scrolled_into_and_not_finished() -> None:
    with StateStore.in_memory() as store:
        store.set_position(art(1), 0.3)
        store.set_position(art(1), 0.0)  # back at the top
        assert store.position(art(1)) == 0.0 and not store.is_started(art(1))


def test_unchanged_position_writes_nothing() -> None:
    with StateStore() as store:
        store.set_position(art(1), 0.25)
        assert store._conn is not None
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        assert store.set_position(art(1), 0.25) is False
        assert store.set_position(art(1), 0.25 + 1e-9) is False
        assert store.set_position(art(1), 0.5) is True
        store._conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1


def test_a_failed_write_changes_nothing() -> None:
    """The upsert and the read-back are one transaction: an abort rolls both back."""
    with StateStore() as store:
        store.set_position(art(1), 0.25)
        assert store._conn is not None
        store._conn.execute(
            "CREATE TRIGGER fail BEFORE UPDATE ON positions BEGIN SELECT RAISE(ABORT, 'disk'); END"
        )
        with pytest.raises(StateError):
            store.set_position(art(1), 0.75, finished=True)
        assert store.position(art(1)) == pytest.approx(0.25)  # the cache too
        assert not store.is_finished(art(1))
        assert not store._conn.in_transaction
    with StateStore() as store:
        assert store.position(art(1)) == pytest.approx(0.25)


def test_finished_from_another_process_is_not_lost() -> None:
    with StateStore() as one, StateStore() as two:
        one.set_position(art(1), 0.2)
        two.refresh()
        one.set_position(art(1), 0.99)  # finished in one window
        two.set_position(art(1), 0.4)  # the other still thinks 0.2, not finished
        assert two.is_finished(art(1)) and two.position(art(1)) == pytest.approx(0.4)
        assert one.refresh() and one.is_finished(art(1))


def test_refresh_sees_positions_of_another_process() -> None:
    with StateStore() as one, StateStore() as two:
        two.set_position(art(5), 0.6)
        assert one.position(art(5)) is None
        assert one.refresh()
        assert one.position(art(5)) == pytest.approx(0.6) and one.is_started(art(5))


def _old_database(path: Path) -> None:
    """A version-1 state file, as newsdeck wrote it before reading positions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE marks (key TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0, read_at REAL, starred_at REAL) WITHOUT ROWID;
        CREATE TABLE views (directory TEXT PRIMARY KEY, sort TEXT, filter TEXT, updated REAL)
            WITHOUT ROWID;
        CREATE TABLE saved_searches (name TEXT PRIMARY KEY, query TEXT NOT NULL, created REAL)
            WITHOUT ROWID;
        INSERT INTO marks (key, read, starred) VALUES ('url:https://example.com/1', 1, 1);
        INSERT INTO saved_searches (name, query) VALUES ('cn', 'src:rfi');
        PRAGMA user_version = 1;
        """
    )
    conn.commit()
    conn.close()


def test_an_old_database_migrates_and_keeps_its_data(data_home: Path) -> None:
    path = state_path()
    _old_database(path)
    # read-only (newsdeck list --filter is:started) on the old file: no positions, no error
    with StateStore(readonly=True) as store:
        assert store.is_read(art(1)) and store.position(art(1)) is None
        assert not store.is_started(art(1))
    with StateStore() as store:
        assert store.is_read(art(1)) and store.is_starred(art(1))
        assert [s.query for s in store.saved_searches()] == ["src:rfi"]
        store.set_position(art(1), 0.5)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"marks", "views", "saved_searches", "positions"} <= tables
    finally:
        conn.close()
    with StateStore(readonly=True) as store:
        assert store.position(art(1)) == pytest.approx(0.5) and store.is_started(art(1))


def test_readonly_store_cannot_save_a_position() -> None:
    with StateStore() as store:
        store.set_position(art(1), 0.5)
    with StateStore(readonly=True) as store:
        with pytest.raises(StateError):
            store.set_position(art(1), 0.7)
        assert store.position(art(1)) == pytest.approx(0.5)
