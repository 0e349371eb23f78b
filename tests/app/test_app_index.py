"""The app on the persistent index: reopen, live updates, full-text mode, damage, sharing.

Every test runs with its own ``NEWSDECK_CACHE_DIR`` (the autouse fixture in
conftest), so the index is built from scratch and never touches the user's cache.
Waiting for the watcher uses a bounded polling loop, not a timed assertion.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tui.files.parser as parser_module
from tests.app.test_app import NEWEST_FIRST, main, settle, titles, write_seeds
from tui.app.app import NewsdeckApp
from tui.library import Library
from tui.model import Article
from tui.store.config import Config
from tui.store.index import db_path


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    return write_seeds(tmp_path / "seeds")


def _article(title: str, body: str, date: str = "2024-06-01 10:00:00") -> str:
    return (
        f"---\ntitle: '{title}'\ndate: {date} +0000\nlink: https://example.com/x\n---\n\n{body}\n"
    )


async def settled(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the loader reconciled (its worker has ended) and the list caught up."""
    await settle(pilot)
    loader = main(pilot.app).loader
    assert loader is not None
    for _ in range(200):
        if loader.settled.is_set():
            break
        await pilot.pause(0.05)
    await settle(pilot)


async def wait_until(pilot, check: Callable[[], bool], tries: int = 200) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``check`` while the app runs (at most ``tries`` × 50 ms)."""
    for _ in range(tries):
        if check():
            return True
        await pilot.pause(0.05)
    return check()


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the parser reads (``parse`` and the scan both go through parse_entry)."""
    calls: list[str] = []
    real_entry = parser_module.parse_entry

    def parse_entry(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(str(path))
        return real_entry(path, *args, **kwargs)

    # The scan looks parse_entry up in the parser module at each call.
    monkeypatch.setattr(parser_module, "parse_entry", parse_entry)
    return calls


async def test_reopen_paints_from_the_index_without_reading_files(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        assert titles(app) == NEWEST_FIRST
    assert db_path(seeds).is_file()

    calls = _count_parses(monkeypatch)
    (seeds / "new.md").write_text(_article("Fresh arrival", "<p>new</p>"), encoding="utf-8")
    # No preview: it would read the highlighted file to show it, which is not the load.
    app = NewsdeckApp(seeds, config=Config(preview=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        assert titles(app) == ["Fresh arrival", *NEWEST_FIRST]
        screen = main(app)
        assert len(screen.library.problems) == 1  # broken.bin, from the index
        assert not screen.scanning
    # Only the new file was read: the unchanged ones came from the index.
    assert calls == [str(seeds / "new.md")]


async def test_watcher_adds_refreshes_and_removes(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        screen = main(app)
        await pilot.press("j", "j")  # cursor on the third article
        await pilot.pause()
        under_cursor = screen.article_list.article
        assert under_cursor is not None

        (seeds / "live.md").write_text(
            _article("Live arrival", "<p>arrived</p>", "2024-05-10 00:00:00"), encoding="utf-8"
        )
        assert await wait_until(pilot, lambda: "Live arrival" in titles(app))
        assert titles(app)[0] == "Live arrival"  # newest first
        assert screen.article_list.article is not None
        assert screen.article_list.article.path == under_cursor.path  # cursor kept

        (seeds / "a5.md").write_text(
            _article("Weather: storms instead", "<p>rain</p>", "2024-05-02 06:00:00"),
            encoding="utf-8",
        )
        assert await wait_until(pilot, lambda: "Weather: storms instead" in titles(app))
        assert "Weather: sunny spells across Europe" not in titles(app)

        (seeds / "a2.md").unlink()
        assert await wait_until(pilot, lambda: "Russia and NATO talks stall" not in titles(app))
        assert len(titles(app)) == len(NEWEST_FIRST)  # one added, one removed


async def test_watcher_respects_the_filter(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await pilot.press("slash", *"weather")
        await settle(pilot)
        assert titles(app) == ["Weather: sunny spells across Europe"]
        (seeds / "w.md").write_text(_article("Weather warning", "<p>x</p>"), encoding="utf-8")
        (seeds / "o.md").write_text(_article("Other news", "<p>x</p>"), encoding="utf-8")
        assert await wait_until(pilot, lambda: "Weather warning" in titles(app))
        await settle(pilot)
        assert "Other news" not in titles(app)


@pytest.mark.parametrize(("query", "expected"), [("nato", "Russia and NATO talks stall"),
                                                 ("俄罗斯", "俄罗斯与北约的安全谈判")])  # fmt: skip
async def test_fulltext_lists_snippets(seeds: Path, query: str, expected: str) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(160, 36)) as pilot:
        await settled(pilot)
        await pilot.press("slash", *f"?{query}")
        await settle(pilot)
        shown = titles(app)
        assert expected in shown
        assert "Weather: sunny spells across Europe" not in shown
        row = main(app).article_list.render_line(shown.index(expected)).text
        # The snippet from the body follows the title ("NATO stalled", "俄罗斯的角度"):
        # words the title itself does not have in that order.
        snippet_words = {"nato": "NATO stall", "俄罗斯": "俄罗斯的"}[query]
        assert snippet_words in row
        # Opening it (which marks it read and redraws the list) keeps the snippets.
        main(app).article_list.move_cursor(shown.index(expected))
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert main(app).reader.article is not None
        assert main(app).reader.article.title == expected
        assert snippet_words in main(app).article_list.render_line(shown.index(expected)).text


async def test_opening_a_fulltext_result_scrolls_to_the_match(seeds: Path) -> None:
    filler = "".join(f"<p>Paragraph {i} talks about nothing in particular.</p>" for i in range(300))
    body = filler + "<p>At last the zeppelin landed.</p>"
    (seeds / "deep.md").write_text(_article("A long story", body), encoding="utf-8")
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await pilot.press("slash", *"?zeppelin")
        await settle(pilot)
        assert titles(app) == ["A long story"]
        await pilot.press("tab", "enter")  # leave the filter, open
        await settle(pilot)
        view = main(app).reader.view

        def at_match() -> bool:
            match = view.current_match
            return (
                match is not None and view.scroll_y <= match[0] < view.scroll_y + view.size.height
            )

        ok = await wait_until(pilot, at_match)
        assert ok, (view.current_match, view.scroll_y, len(view.plain_lines), view.matches)
        assert view.scroll_y > 0
        line = view.plain_lines[view.current_match[0]]  # type: ignore[index]
        assert "zeppelin" in line.lower()


async def test_corrupt_index_is_rebuilt_with_a_notice(seeds: Path) -> None:
    path = db_path(seeds)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        assert titles(app) == NEWEST_FIRST
        notes = [str(n.message) for n in app._notifications]
        assert any("rebuilding" in n or "temporary index" in n for n in notes), notes
    assert (seeds / "a1.md").is_file()  # the seeds are untouched


async def test_app_and_index_command_on_one_directory(seeds: Path) -> None:
    for i in range(200):
        (seeds / "many" / f"{i:03}.md").parent.mkdir(exist_ok=True)
        (seeds / "many" / f"{i:03}.md").write_text(
            _article(f"Bulk article {i:03}", f"<p>bulk text {i}</p>"), encoding="utf-8"
        )
    command = [sys.executable, "-m", "tui", "index", "--quiet", str(seeds)]
    indexer = subprocess.Popen(command, env=dict(os.environ), stderr=subprocess.PIPE)
    try:
        app = NewsdeckApp(seeds)
        async with app.run_test(size=(120, 36)) as pilot:
            await settled(pilot)
            assert len(titles(app)) == len(NEWEST_FIRST) + 200
    finally:
        _, err = indexer.communicate(timeout=120)
    assert indexer.returncode == 0, err.decode(errors="replace")
    # A second instance afterwards reads everything from the shared index.
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        assert len(titles(app)) == len(NEWEST_FIRST) + 200


async def test_without_a_usable_index_the_app_scans(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(root: Path) -> None:
        raise OSError("read-only cache")

    monkeypatch.setattr("tui.app.services.loader.Index", broken)
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert await wait_until(pilot, lambda: titles(app) == NEWEST_FIRST)
        screen = main(app)
        assert screen.loader is not None and screen.loader.fell_back
        notes = [str(n.message) for n in app._notifications]
        assert any("read-only cache" in n for n in notes), notes
        await pilot.press("slash", *"?nato")
        await settle(pilot)
        assert titles(app) == []  # no full text without the index, and no crash


def _lib_article(root: Path, name: str, title: str, day: int) -> Article:
    return Article(
        path=root / name, title=title, date=datetime(2024, 1, day, tzinfo=UTC), size=1, mtime=1.0
    )


def test_library_replace_and_remove_keep_filtered_consistent(tmp_path: Path) -> None:
    library = Library(tmp_path)
    library.add(
        _lib_article(tmp_path, f"{i}.md", f"Story {i} about apples", i) for i in range(1, 9)
    )
    assert library.filtered("apples").articles[0].title.endswith("about apples")
    before = library.generation
    # A changed file replaces the article at its path (the old one is a tombstone).
    library.add([_lib_article(tmp_path, "3.md", "Story 3 about pears", 3)])
    assert library.generation != before
    assert len(library) == 8
    assert [a.title for a in library.filtered("pears").articles] == ["Story 3 about pears"]
    assert "Story 3 about apples" not in [a.title for a in library.filtered("apples").articles]
    # Removal, and a file that turned unreadable moves to the problems.
    library.remove([tmp_path / "5.md"])
    library.add([Article(path=tmp_path / "6.md", error="not an article")])
    titles_now = [a.title for a in library.newest_first()]
    assert "Story 5 about apples" not in titles_now and "Story 6 about apples" not in titles_now
    assert [str(a.path) for a in library.problems] == [str(tmp_path / "6.md")]
    assert library.get(tmp_path / "6.md") is library.problems[0]
    # A readable version again leaves the problems.
    library.add([_lib_article(tmp_path, "6.md", "Story 6 is back", 6)])
    assert library.problems == []
    expected = [a.title for a in library.newest_first()]
    assert len(expected) == 7
    # Compaction drops the tombstones and changes nothing visible.
    library.compact()
    assert [a.title for a in library.newest_first()] == expected
    assert sorted(a.title for a in library.filtered("story").articles) == sorted(expected)
    assert library.get(tmp_path / "3.md") is not None
    assert library.get(tmp_path / "5.md") is None


def test_library_bulk_removal(tmp_path: Path) -> None:
    library = Library(tmp_path)
    library.add(_lib_article(tmp_path, f"{i}.md", f"Item {i}", 1 + i % 28) for i in range(1000))
    gone = [tmp_path / f"{i}.md" for i in range(0, 1000, 2)]
    assert library.remove(gone) == 500
    assert len(library) == 500
    assert {a.path.name for a in library.newest_first()} == {f"{i}.md" for i in range(1, 1000, 2)}
    assert len(library.filtered("item").articles) == 500
    by_title = library.filtered("", sort="title-asc").articles  # other sorts skip tombstones too
    assert len(by_title) == 500 and all(int(a.path.stem) % 2 for a in by_title)
    assert library.remove_under(tmp_path) == 500
    assert len(library) == 0
