"""Reading state: survives restarts and renames, stays consistent with two writers, and a
``kill -9`` in the middle of writing loses nothing that was committed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.locations import REPO
from tui.files.parser import parse
from tui.model import Article
from tui.paths import ENV_DATA_DIR, data_dir
from tui.store.state import (
    ENV_USER,
    StateError,
    StateStore,
    ViewSettings,
    identity,
    state_path,
)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes its state below tmp_path, never to the real user data dir."""
    home = tmp_path / "data"
    monkeypatch.setenv(ENV_DATA_DIR, str(home))
    monkeypatch.delenv(ENV_USER, raising=False)
    return home


def art(n: int, *, url: bool = True) -> Article:
    return Article(
        path=Path(f"/seeds/{n}.md"),
        title=f"Article {n}",
        url=f"https://example.com/{n}" if url else None,
        date=datetime(2022, 1, 1 + n % 28, tzinfo=UTC),
    )


# --------------------------------------------------------------------------- location


def test_location_follows_env_and_user(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert data_dir() == data_home
    assert state_path() == data_home / "state.sqlite3"
    monkeypatch.setenv(ENV_USER, "alice")
    assert state_path() == data_home / "users" / "alice.sqlite3"
    # a hostile user name cannot escape the directory
    for evil in ("../../etc/passwd", "..", "a/b", "x" * 200, "名字"):
        path = state_path(evil)
        assert path.parent == data_home / "users" and path.name.endswith(".sqlite3")
        assert "/" not in path.name[:-8] and ".." not in path.name


def test_users_do_not_share_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USER, "alice")
    with StateStore() as alice:
        alice.set_read([art(1)])
    monkeypatch.setenv(ENV_USER, "bob")
    with StateStore() as bob:
        assert not bob.is_read(art(1))
    monkeypatch.setenv(ENV_USER, "alice")
    with StateStore() as alice:
        assert alice.is_read(art(1))


def test_file_is_wal_with_full_sync(data_home: Path) -> None:
    with StateStore() as store:
        assert store._conn is not None
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    assert (data_home / "state.sqlite3").is_file()


# --------------------------------------------------------------------------- identity


def test_identity_is_the_url_else_title_and_date() -> None:
    a = art(1)
    assert identity(a) == "url:https://example.com/1"
    moved = Article(
        path=Path("/elsewhere/renamed.txt"), title="Other", url=" https://example.com/1 "
    )
    assert identity(moved) == identity(a)
    b, c = art(2, url=False), art(3, url=False)
    assert identity(b).startswith("th:") and identity(b) != identity(c)
    same = Article(path=Path("/x/y.md"), title=b.title, date=b.date)
    assert identity(same) == identity(b)
    later = Article(path=b.path, title=b.title, date=datetime(2030, 1, 1, tzinfo=UTC))
    assert identity(later) != identity(b)


# --------------------------------------------------------------------------- marks


def test_state_survives_restart() -> None:
    with StateStore() as store:
        assert store.set_read([art(1), art(2), art(1)]) == 2
        assert store.toggle_star(art(3)) is True
        assert store.toggle_read(art(4)) is True
        assert store.toggle_read(art(4)) is False
    with StateStore() as store:
        assert [store.is_read(art(n)) for n in range(1, 5)] == [True, True, False, False]
        assert [store.is_starred(art(n)) for n in range(1, 5)] == [False, False, True, False]
        assert store.unread_count([art(n) for n in range(1, 6)]) == 3
        assert store.set_read([art(1)]) == 0  # already read: nothing changed
        assert store.set_read([art(1), art(2)], read=False) == 2
    with StateStore() as store:
        assert not store.is_read(art(1)) and not store.is_read(art(2))


def test_rename_and_move_keep_state(write: Callable[..., Path], tmp_path: Path) -> None:
    with_url = write(
        "seeds/a.md", "<!--1641989702000-->\n[Has URL](https://n.example/a)\n------\n<p>x</p>"
    )
    no_url = write(
        "seeds/b.md", "---\ntitle: No URL here\ndate: 2022-01-01T00:00:00Z\n---\n<p>y</p>"
    )
    with StateStore() as store:
        store.set_read([parse(with_url), parse(no_url)])
        store.toggle_star(parse(no_url))
    moved_a = with_url.rename(tmp_path / "seeds" / "renamed.txt")
    (tmp_path / "seeds" / "sub").mkdir()
    moved_b = no_url.rename(tmp_path / "seeds" / "sub" / "b2.md")
    with StateStore() as store:
        assert store.is_read(parse(moved_a))
        assert store.is_read(parse(moved_b)) and store.is_starred(parse(moved_b))


def test_batched_mark_all_is_one_transaction() -> None:
    articles = [art(n) for n in range(500)]
    with StateStore() as store:
        assert store._conn is not None
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        assert store.set_read(articles) == 500
        store._conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1
    with StateStore() as store:
        assert store.unread_count(articles) == 0


def test_refresh_sees_another_connection() -> None:
    with StateStore() as one, StateStore() as two:
        assert one.refresh() is False
        two.set_read([art(1)])
        assert not one.is_read(art(1))  # cached until refreshed
        assert one.refresh() is True
        assert one.is_read(art(1))
        # a toggle decides from the database, not from a stale cache
        two.toggle_star(art(2))
        assert one.toggle_star(art(2)) is False
        assert two.refresh() and not two.is_starred(art(2))


def test_readonly_never_creates_or_writes(data_home: Path) -> None:
    with StateStore(readonly=True) as store:
        assert not store.is_read(art(1))
        with pytest.raises(StateError):
            store.set_read([art(1)])
        assert store.view(data_home) == ViewSettings()
        assert store.saved_searches() == []
    assert not data_home.exists()
    with StateStore() as store:
        store.set_read([art(1)])
    with StateStore(readonly=True) as store:
        assert store.is_read(art(1))


def test_unopenable_file_is_a_state_error(data_home: Path) -> None:
    data_home.mkdir(parents=True)
    (data_home / "state.sqlite3").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StateError):
        StateStore()
    store, warning = StateStore.open_or_memory()
    assert warning and "not be saved" in warning
    store.set_read([art(1)])
    assert store.is_read(art(1))
    # the user's (broken) file was left alone
    assert (data_home / "state.sqlite3").read_bytes().startswith(b"this is not")


# --------------------------------------------------------------------------- views and searches


def test_view_settings_per_directory(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    with StateStore() as store:
        assert store.view(one) == ViewSettings(None, "")
        store.save_view(one, sort="title-asc")
        store.save_view(one, filter="src:cnbeta")
        store.save_view(two, sort="source-desc", filter="")
    with StateStore() as store:
        assert store.view(one) == ViewSettings("title-asc", "src:cnbeta")
        assert store.view(tmp_path / "x" / ".." / "one") == store.view(one)
        assert store.view(two) == ViewSettings("source-desc", "")


def test_saved_searches() -> None:
    with StateStore() as store:
        store.save_search("  Tech   news ", "cat:科技 is:unread")
        store.save_search("apple", "apple -广告")
        store.save_search("apple", "apple")  # replaces
        with pytest.raises(ValueError):
            store.save_search("   ", "x")
    with StateStore() as store:
        assert [(s.name, s.query) for s in store.saved_searches()] == [
            ("apple", "apple"),
            ("Tech news", "cat:科技 is:unread"),
        ]
        assert store.delete_search("apple") is True
        assert store.delete_search("apple") is False
        assert [s.name for s in store.saved_searches()] == ["Tech news"]


# --------------------------------------------------------------------------- processes


def _writer(path: str, worker: int, rounds: int, shared: int, barrier: Any) -> None:
    """One of several processes: marks its own articles read and toggles shared stars."""
    store = StateStore(Path(path))
    barrier.wait(60)  # everyone opened the store before anyone writes
    for r in range(rounds):
        store.set_read([art(worker * 1000 + r), art(worker * 1000 + r + 500)])
        for k in range(shared):
            store.toggle_star(art(10_000 + k))
        store.save_search(f"w{worker}", f"round {r}")
    store.close()


def test_concurrent_writers_stay_consistent(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    StateStore(path).close()
    workers, rounds, shared = 4, 25, 3
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    procs = [
        ctx.Process(target=_writer, args=(str(path), w, rounds, shared, barrier))
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with StateStore(path) as store:
        for w in range(workers):
            for r in range(rounds):
                assert store.is_read(art(w * 1000 + r)) and store.is_read(art(w * 1000 + r + 500))
        # every toggle counted: no lost update between processes (each worker toggles an
        # odd number of times, so a toggle decided from a stale view would leave it starred)
        expected = (workers * rounds) % 2 == 1
        assert all(store.is_starred(art(10_000 + k)) == expected for k in range(shared))
        assert {s.name: s.query for s in store.saved_searches()} == {
            f"w{w}": f"round {rounds - 1}" for w in range(workers)
        }
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


_KILL_CHILD = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from tui.model import Article
from tui.store.state import StateStore

store = StateStore(Path(sys.argv[1]))
i = 0
while True:
    batch = [Article(path=Path(f"/s/{i}-{k}.md"), title=f"t{i}-{k}", url=f"https://k.example/{i}/{k}")
             for k in range(20)]
    store.set_read(batch)
    store.save_view(f"/dir/{i % 7}", filter=f"f{i}")
    print(i, flush=True)
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILL_CHILD, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert child.stdout is not None
    committed = -1
    try:
        for line in child.stdout:
            committed = int(line)
            if committed >= 150:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert committed >= 150, "the child did not get far enough"
    # (the -wal file is still there: the database is reopened exactly as the crash left it)
    with StateStore(path) as store:
        for i in range(committed + 1):
            for k in range(20):
                a = Article(path=Path("/other"), title="", url=f"https://k.example/{i}/{k}")
                assert store.is_read(a), (i, k)
        assert store.view(f"/dir/{committed % 7}").filter.startswith("f")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
