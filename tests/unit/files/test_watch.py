"""The directory watcher: new, changed and deleted files arrive in coalesced batches."""

from __future__ import annotations

import queue
import time
from pathlib import Path

import pytest

from tui.files.watch import Changes, Watcher, visible
from tui.store.index import Index

FEED = "<!--1641989702000-->\n[{t}](https://example.org/{t})\n------\n<p>{t} body</p>\n"
#: Generous waits so a loaded machine does not fail the tests; the watcher itself
#: delivers within debounce_ms (400 ms by default). Speed belongs to the benchmark.
WAIT = 10.0


def collect(q: queue.Queue[Changes], want: set[Path], attr: str) -> list[Changes]:
    """Batches until every path in ``want`` was reported under ``attr``."""
    seen: set[Path] = set()
    batches: list[Changes] = []
    deadline = time.monotonic() + WAIT
    while not want <= seen:
        batch = q.get(timeout=max(0.01, deadline - time.monotonic()))
        batches.append(batch)
        seen |= getattr(batch, attr)
    return batches


def test_visible() -> None:
    root = Path("/seeds")
    assert visible(root, root / "a" / "b.md")
    assert not visible(root, root / ".git" / "x.md")
    assert not visible(root, root / "a" / ".b.md.swp")
    assert not visible(root, Path("/elsewhere/a.md"))


def test_new_changed_deleted_and_hidden(tmp_path: Path) -> None:
    q: queue.Queue[Changes] = queue.Queue()
    with Watcher(tmp_path, q.put, debounce_ms=200) as watcher:
        assert watcher.running
        new = tmp_path / "sub" / "new.md"
        new.parent.mkdir()
        (tmp_path / ".hidden.md").write_text("x")
        new.write_text(FEED.format(t="new"))
        batches = collect(q, {new}, "added")
        assert not any(p.name.startswith(".") for b in batches for p in b.paths)

        new.write_text(FEED.format(t="newer"))
        collect(q, {new}, "modified")

        new.unlink()
        collect(q, {new}, "deleted")
    assert not watcher.running


def test_a_burst_comes_in_few_batches(tmp_path: Path) -> None:
    q: queue.Queue[Changes] = queue.Queue()
    paths = {tmp_path / f"{i:04d}.md" for i in range(2000)}
    with Watcher(tmp_path, q.put):
        for path in sorted(paths):
            path.write_text(FEED.format(t=path.stem))
        batches = collect(q, paths, "added")
    assert len(batches) < 50  # coalesced, not one callback per file


def test_watcher_drives_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(tmp_path / "cache"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "old.md").write_text(FEED.format(t="old"))
    index = Index(seeds)
    for _ in index.reconcile():
        pass
    titles: queue.Queue[tuple[list[str], list[Path]]] = queue.Queue()

    def on_changes(changes: Changes) -> None:
        batch = index.update(changes.paths)
        if batch:
            titles.put(([a.title for a in batch.added], batch.removed))

    try:
        with Watcher(seeds, on_changes):
            (seeds / "fresh.md").write_text(FEED.format(t="fresh"))
            assert titles.get(timeout=WAIT) == (["fresh"], [])
            (seeds / "old.md").unlink()
            assert titles.get(timeout=WAIT) == ([], [seeds / "old.md"])
        assert [h.article.title for h in index.search("fresh body")] == ["fresh"]
    finally:
        index.close()


def test_callback_errors_do_not_stop_the_watch(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    q: queue.Queue[Changes] = queue.Queue()

    def flaky(changes: Changes) -> None:
        q.put(changes)
        raise RuntimeError("boom")

    with Watcher(tmp_path, flaky, on_error=errors.append) as watcher:
        (tmp_path / "a.md").write_text("x")
        collect(q, {tmp_path / "a.md"}, "added")
        (tmp_path / "b.md").write_text("x")
        collect(q, {tmp_path / "b.md"}, "added")
        assert watcher.running
    assert errors and all(isinstance(e, RuntimeError) for e in errors)
