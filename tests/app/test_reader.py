"""The reading pane: progressive rendering, the rendered-lines cache, resizing, find.

The Pilot tests host a bare :class:`Reader` in a small App, so they exercise the
pane itself; one test runs the whole app to show the list keeps answering while
a big article renders. Rendering is held at a chosen point with a
``threading.Event`` (never with sleeps or timings), so each test can look at the
state in between. How the Markdown is split into chunks is the body layer's,
tested in ``tests/unit/body/test_caps.py``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.worker import WorkerCancelled

import tui.app.reader.pane as pane_module
import tui.app.reader.render as render_module
from tests.app.test_app import BIG_TITLE, NEWEST_FIRST, write_seeds
from tui.app.app import NewsdeckApp
from tui.app.reader import Reader, RenderCache, Rendered, render_article
from tui.body.caps import Source
from tui.body.markdown import html_to_markdown
from tui.files.parser import load_body, parse
from tui.model import Article
from tui.store.config import Config


def _front(title: str) -> str:
    safe = title.replace("'", "''")
    return f"---\ntitle: '{safe}'\ndate: 2024-05-01 05:00:00 +0000\nauthor: Desk\n---\n\n"


def write_article(path: Path, title: str, body_html: str) -> Article:
    """Write a front-matter article and return it as the list reads it (header only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_front(title) + f"<div>{body_html}</div>\n", encoding="utf-8")
    return parse(path, header_only=True)


def big_html(parts: int = 300, tail: str = "") -> str:
    """A long article: numbered sections, so a line tells how far the render got."""
    paragraph = "<p>" + "Long report text with many words in it. " * 12 + "</p>\n"
    return "".join(f"<h2>Part {i}</h2>\n{paragraph}" for i in range(parts)) + tail


class ReaderApp(App[None]):
    """Just the reading pane, full screen."""

    def compose(self) -> ComposeResult:
        yield Reader(id="reader")

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)


class Gate:
    """Lets the first ``free`` Markdown renders through, holds later ones until opened."""

    def __init__(self, free: int = 1) -> None:
        self.free = free
        self.calls = 0
        self.open = threading.Event()
        self._real = render_module.render_markdown

    def __call__(self, console: Console, markdown: str) -> list[Strip]:
        self.calls += 1
        if self.calls > self.free:
            self.open.wait(20)
        return self._real(console, markdown)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """Hold every render after the first screenful; always released at the end."""
    held = Gate()
    monkeypatch.setattr(render_module, "render_markdown", held)
    yield held
    held.open.set()


async def until(pilot, predicate: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``predicate`` holds (a step bound, not a timing)."""
    for _ in range(2000):
        if predicate():
            return
        await pilot.pause(0.005)
    raise AssertionError("the app never got there")


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    # The reader's worker is exclusive: waiting on one a newer open cancelled raises.
    with contextlib.suppress(WorkerCancelled):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- the cache (unit) --------------------------------------------------------------


def _rendered(lines: int) -> Rendered:
    strips = [Strip.blank(1)] * lines
    return Rendered(strips, [""] * lines, 1)


def test_render_cache_is_lru_bounded_by_entries_and_lines() -> None:
    cache = RenderCache(max_entries=3, max_lines=100)
    source = Source("md", "text")
    for name in "abc":
        cache.put((name, 0.0, 80, "t", False), _rendered(10), source)
    assert cache.get(("a", 0.0, 80, "t", False)) is not None  # a is now the most recent
    cache.put(("d", 0.0, 80, "t", False), _rendered(10), source)
    assert cache.get(("b", 0.0, 80, "t", False)) is None
    assert cache.get(("a", 0.0, 80, "t", False)) is not None
    cache.put(("e", 0.0, 80, "t", False), _rendered(85), source)  # over the line bound
    assert len(cache) == 2
    assert cache.get(("e", 0.0, 80, "t", False)) is not None
    cache.put(("huge", 0.0, 80, "t", False), _rendered(500), source)  # alone it may exceed
    assert len(cache) == 1 and cache.get(("huge", 0.0, 80, "t", False)) is not None


# -- progressive rendering ---------------------------------------------------------


async def test_progressive_shows_head_then_whole_keeping_position(
    tmp_path: Path, gate: Gate
) -> None:
    article = write_article(tmp_path / "big.md", "Big one", big_html())
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(article)
        assert reader.loading_article and reader.rendering_article
        await until(pilot, lambda: not reader.loading_article)
        view = reader.view
        head = list(view.plain_lines)
        assert reader.rendering_article and not view.rendered.complete
        assert reader.last_open_seconds is not None and reader.last_full_seconds is None
        assert "Big one" in head[0]
        assert any("Part 0" in line for line in head)
        assert not any("Part 299" in line for line in head)
        assert len(head) >= view.scrollable_content_region.height  # a screenful
        view.scroll_to(y=7, animate=False, immediate=True)
        gate.open.set()
        await settle(pilot)
        full = view.plain_lines
        assert not reader.rendering_article and view.rendered.complete
        assert reader.last_full_seconds is not None
        assert any("Part 299" in line for line in full)
        assert full[: len(head)] == head  # the head is exactly the start of the whole
        assert view.scroll_y == 7  # the swap did not move the reader
        markdown = html_to_markdown(article.body or "")
        assert full == render_article(article, markdown, view.rendered.width).plain


async def test_end_key_on_head_follows_to_the_real_end(tmp_path: Path, gate: Gate) -> None:
    article = write_article(tmp_path / "big.md", "Big one", big_html())
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(article)
        await until(pilot, lambda: not reader.loading_article)
        reader.view.focus()
        await pilot.press("G")
        await pilot.pause()
        gate.open.set()
        await settle(pilot)
        assert reader.view.max_scroll_y > 100
        assert reader.view.scroll_y == reader.view.max_scroll_y


async def test_short_article_renders_in_one_step(tmp_path: Path) -> None:
    article = write_article(tmp_path / "s.md", "Short", "<p>Only a line.</p>")
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.reader.open(article)
        await settle(pilot)
        assert not app.reader.loading_article and not app.reader.rendering_article
        assert app.reader.last_open_seconds == app.reader.last_full_seconds
        assert app.reader.view.rendered.complete
        assert any("Only a line." in line for line in app.reader.view.plain_lines)


# -- the cache (in the pane) -------------------------------------------------------


async def test_reopen_comes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_article(tmp_path / "a.md", "First", big_html(60))
    second = write_article(tmp_path / "b.md", "Second", "<p>Second body.</p>")
    loads: list[Path] = []

    def counting(article: Article) -> str:
        loads.append(article.path)
        return load_body(article)

    monkeypatch.setattr(pane_module, "load_body", counting)
    loaded: list[tuple[str, str]] = []

    class Recording(ReaderApp):
        def on_reader_loaded(self, event: Reader.Loaded) -> None:
            loaded.append((event.article.title, event.text))

    app = Recording()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(first)
        await settle(pilot)
        lines = reader.view.rendered
        reader.open(second)
        await settle(pilot)
        reader.open(first)
        # Served at once, on the UI thread: no loading state, no worker, same lines.
        assert not reader.loading_article and not reader.rendering_article
        assert reader.view.rendered is lines
        await settle(pilot)
        assert loads == [first.path, second.path]
        # A new version of the file (another mtime) is rendered again.
        changed = parse(first.path, header_only=True)
        changed.mtime = first.mtime + 10
        reader.open(changed)
        await settle(pilot)
        assert loads == [first.path, second.path, first.path]
    titles = [title for title, _ in loaded]
    assert titles == ["First", "Second", "First", "First"]
    assert "Second body." in loaded[1][1]


# -- width changes -----------------------------------------------------------------


def _resize(app: App[None], width: int, height: int) -> None:
    """Queue a terminal resize without yielding (as a window drag sends a burst)."""
    from textual import events
    from textual.geometry import Size

    app._driver._size = Size(width, height)  # type: ignore[union-attr]
    app.post_message(events.Resize(Size(width, height), Size(width, height)))


async def test_width_change_rerenders_after_resize_settles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = write_article(tmp_path / "big.md", "Big one", big_html(40))
    widths: list[int] = []
    real_console = render_module.new_console

    def recording(width: int) -> Console:
        widths.append(width)
        return real_console(width)

    monkeypatch.setattr(render_module, "new_console", recording)
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(article)
        await settle(pilot)
        wide = reader.view.rendered
        assert widths == [wide.width, wide.width]  # the header, then the body
        widths.clear()
        # A drag: the pane takes each width, but none holds still long enough.
        monkeypatch.setattr(pane_module, "RESIZE_SETTLE", 60.0)
        for width in (90, 80, 70):
            _resize(app, width, 30)
            await settle(pilot)
            assert reader.size.width == width
        assert widths == [] and reader.view.rendered is wide
        # The last width holds still: one render, at that width only.
        monkeypatch.setattr(pane_module, "RESIZE_SETTLE", 0.01)
        _resize(app, 60, 30)
        await until(pilot, lambda: reader.view.rendered is not wide)
        await settle(pilot)
        narrow = reader.view.rendered
        assert narrow.width == reader.view.content_width < wide.width
        assert widths == [narrow.width]
        assert len(narrow.strips) > len(wide.strips)
        assert all(strip.cell_length <= narrow.width for strip in narrow.strips)
        # Back to the first width: the cached lines, no render at all.
        widths.clear()
        _resize(app, 100, 30)
        await until(pilot, lambda: reader.view.rendered is wide)
        await settle(pilot)
        assert widths == []


# -- find across the swap ----------------------------------------------------------


async def test_find_highlights_across_the_swap(tmp_path: Path, gate: Gate) -> None:
    article = write_article(tmp_path / "big.md", "Big one", big_html())
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(article)
        await until(pilot, lambda: not reader.loading_article)
        view = reader.view
        view.focus()
        await pilot.press("ctrl+f", *"report")
        await pilot.pause()
        in_head = len(view.matches)
        assert in_head >= 3
        await pilot.press("enter")  # the user moved on to a later match...
        current = view.matches[view.match_index]
        scroll = view.scroll_y
        gate.open.set()
        await settle(pilot)
        assert view.rendered.complete
        # ...the whole article is searched now, and the user's match stays current.
        assert len(view.matches) > in_head
        assert view.matches[view.match_index] == current
        assert view.scroll_y == scroll
        line = current[0]
        painted = view.render_line(line - int(view.scroll_y))
        wanted = view.get_component_rich_style("articleview--match-current").bgcolor
        marked = "".join(seg.text for seg in painted if seg.style and seg.style.bgcolor == wanted)
        assert marked == "report"
        count = str(reader.query_one("#find-count").render())
        assert count == f"{view.match_index + 1}/{len(view.matches)}"
        # Matches deep in the tail are painted too.
        last_line = view.matches[-1][0]
        view.scroll_to(y=last_line, animate=False, immediate=True)
        await pilot.pause()
        painted = view.render_line(last_line - int(view.scroll_y))
        wanted = view.get_component_rich_style("articleview--match").bgcolor
        assert any(seg.style and seg.style.bgcolor == wanted for seg in painted)


# -- literal text ------------------------------------------------------------------


async def test_markup_in_article_text_stays_literal(tmp_path: Path, gate: Gate) -> None:
    title = "[bold]x[/bold] [@click=app.quit]quit[/]"
    tail = "<p>Tail [red]must not[/red] turn red; [video] and [@click=app.bell]z[/] stay.</p>"
    article = write_article(tmp_path / "m.md", title, big_html(120, tail))
    app = ReaderApp()
    async with app.run_test(size=(100, 30)) as pilot:
        reader = app.reader
        reader.open(article)
        await until(pilot, lambda: not reader.loading_article)
        assert reader.view.plain_lines[0].strip() == title  # the head, shown first
        gate.open.set()
        await settle(pilot)
        text = " ".join(line.strip() for line in reader.view.plain_lines)
        assert "[red]must not[/red] turn red; [video] and [@click=app.bell]z[/] stay." in text
        for strip in reader.view.rendered.strips:
            for segment in strip:
                style = segment.style
                assert style is None or not style.meta
                assert style is None or style.color is None or style.color.name != "red"


# -- the whole app: the list keeps moving ------------------------------------------


async def test_list_moves_while_big_article_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: Gate
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    root = write_seeds(tmp_path / "seeds")
    app = NewsdeckApp(root, config=Config(preview=False))  # k, k would preview others
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen is not None
        reader = screen.reader
        await pilot.press("G", "enter")
        await until(pilot, lambda: not reader.loading_article)
        assert reader.article is not None and reader.article.title == BIG_TITLE
        assert reader.rendering_article  # the rest of the article is still rendering
        await pilot.press("escape", "k", "k")
        await pilot.pause()
        # The keys were handled while the render was still held.
        assert reader.rendering_article
        assert screen.article_list.cursor == len(NEWEST_FIRST) - 3
        gate.open.set()
        await settle(pilot)
        assert not reader.rendering_article
        assert len(reader.view.plain_lines) > 500
