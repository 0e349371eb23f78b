"""The reading pane: one article as rendered Markdown, with find-in-article.

Textual's ``Markdown`` widget builds a widget per block and takes seconds on a
200 KB article; Rich's ``Markdown`` renders the same text in a fraction of that.
So a thread worker loads the body, converts it and renders it with Rich to
lines at the pane's width, and :class:`ArticleView` (a Line-API ScrollView)
only crops the ready lines. Opening never blocks the UI; a width change
re-renders in the same worker group, which cancels the stale render.
"""

from __future__ import annotations

import io
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.rule import Rule
from rich.segment import Segment
from rich.text import Text
from rich.theme import Theme as RichTheme
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from tui.core.article import Article
from tui.core.convert import html_to_markdown, html_to_text
from tui.core.parser import load_body

#: Rich styles for Markdown elements that read well on both our themes (the
#: defaults put code on black, which is harsh on a light background).
_RICH_STYLES = {
    "markdown.code": "bold",
    "markdown.code_block": "",
    "markdown.block_quote": "italic",
    "markdown.link": "underline",
    "markdown.link_url": "dim underline",
    "markdown.h1": "bold",
    "markdown.h1.border": "",
    "markdown.h2": "bold underline",
    "markdown.hr": "dim",
}
_MIN_WIDTH = 20


@dataclass(frozen=True, slots=True)
class Rendered:
    """An article rendered at one width: the lines and their plain text (for find)."""

    strips: list[Strip]
    plain: list[str]
    width: int


def article_header(article: Article) -> Group:
    """Title, source and date above the body: all plain Text, never markup."""
    title = Text(article.title or "(untitled)", style="bold")
    meta = Text(style="dim")
    if article.source:
        meta.append(article.source)
    if article.author and article.author != article.source:
        meta.append(" · " if meta.plain else "")
        meta.append(article.author)
    if article.date is not None:
        meta.append(" · " if meta.plain else "")
        meta.append(format_date(article.date))
    return Group(title, meta, Rule(style="dim"))


def format_date(date: datetime) -> str:
    """The absolute date as the app shows it everywhere (UTC, minutes)."""
    return date.strftime("%Y-%m-%d %H:%M UTC")


def render_article(article: Article, markdown: str | None, width: int) -> Rendered:
    """Render header and body to lines at ``width`` (thread-safe: a private Console).

    ``markdown`` None renders the header with a loading line under it.
    """
    width = max(_MIN_WIDTH, width)
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        theme=RichTheme(_RICH_STYLES),
    )
    body = (
        Text("Loading…", style="dim italic")
        if markdown is None
        else Markdown(markdown, hyperlinks=False)
    )
    lines = console.render_lines(
        Group(article_header(article), body),
        console.options.update_width(width),
        pad=False,
    )
    strips = [Strip(line) for line in lines]
    # Drop trailing blank lines Markdown leaves behind.
    while strips and not strips[-1].text.strip():
        strips.pop()
    return Rendered(strips, [strip.text for strip in strips], width)


def message_lines(message: str, width: int) -> Rendered:
    """A plain message (empty pane, errors) as lines."""
    text = Text(message, style="dim")
    console = Console(file=io.StringIO(), width=max(_MIN_WIDTH, width), force_terminal=True)
    strips = [Strip(line) for line in console.render_lines(text, pad=False)]
    return Rendered(strips, [s.text for s in strips], width)


class ArticleView(ScrollView, can_focus=True):
    """Shows pre-rendered lines; scrolls, and paints find matches over them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"articleview--match", "articleview--match-current"}
    DEFAULT_CSS = """
    ArticleView {
        overflow-y: scroll;
        overflow-x: hidden;
        padding: 0 1;
        & > .articleview--match { background: $warning 40%; }
        & > .articleview--match-current { background: $accent; color: $background; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Down", show=False, id="reader.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="reader.up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rendered = Rendered([], [], 0)
        #: (line, start cell, end cell) of each find match, in reading order.
        self.matches: list[tuple[int, int, int]] = []
        self.match_index = -1

    def set_rendered(self, rendered: Rendered, *, keep_position: bool = False) -> None:
        """Swap in new lines; keep the relative scroll position on re-render."""
        old_height = max(1, len(self._rendered.strips))
        fraction = self.scroll_y / old_height if keep_position else 0.0
        self._rendered = rendered
        self.matches = []
        self.match_index = -1
        self.virtual_size = Size(rendered.width, len(rendered.strips))
        self.scroll_to(y=int(fraction * len(rendered.strips)), animate=False, immediate=True)
        self.refresh()

    @property
    def plain_lines(self) -> list[str]:
        """The text of each rendered line (what find searches)."""
        return self._rendered.plain

    @property
    def content_width(self) -> int:
        """The width lines should be rendered at."""
        return self.scrollable_content_region.width

    def find(self, query: str) -> int:
        """Mark every case-insensitive occurrence of ``query``; return the count."""
        self.matches = []
        self.match_index = -1
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            for y, line in enumerate(self._rendered.plain):
                for match in pattern.finditer(line):
                    start = _cells(line[: match.start()])
                    self.matches.append((y, start, start + _cells(match.group())))
        if self.matches:
            self.match_index = self._first_match_from(int(self.scroll_y))
            self._scroll_to_match()
        self.refresh()
        return len(self.matches)

    def next_match(self, step: int = 1) -> None:
        """Move to the next (or with ``step=-1`` the previous) match, wrapping."""
        if not self.matches:
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        self._scroll_to_match()
        self.refresh()

    def _first_match_from(self, y: int) -> int:
        for index, (line, _, _) in enumerate(self.matches):
            if line >= y:
                return index
        return 0

    def _scroll_to_match(self) -> None:
        line = self.matches[self.match_index][0]
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if not top <= line < top + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False)

    def render_line(self, y: int) -> Strip:
        """Crop the ready line; paint find matches over it."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        strips = self._rendered.strips
        if index >= len(strips):
            return Strip.blank(width, base)
        strip = strips[index]
        if self.matches:
            strip = self._highlight(index, strip)
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_style(base)

    def _highlight(self, index: int, strip: Strip) -> Strip:
        spans = [
            (start, end, n == self.match_index)
            for n, (line, start, end) in enumerate(self.matches)
            if line == index
        ]
        if not spans:
            return strip
        match_style = self.get_component_rich_style("articleview--match")
        current_style = self.get_component_rich_style("articleview--match-current")
        cuts: list[int] = []
        for start, end, _ in spans:
            cuts += [start, end]
        pieces = strip.divide([*cuts, strip.cell_length])
        out: list[Segment] = list(pieces[0])
        for n, (_, _, current) in enumerate(spans):
            style = current_style if current else match_style
            out += Segment.apply_style(list(pieces[2 * n + 1]), post_style=style)
            if 2 * n + 2 < len(pieces):
                out += list(pieces[2 * n + 2])
        return Strip(out)


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


class FindBar(Horizontal):
    """The find-in-article box: type to mark, enter/ctrl+n next, shift+enter/ctrl+p back."""

    DEFAULT_CSS = """
    FindBar { height: 1; display: none; }
    FindBar.-visible { display: block; }
    FindBar Input { border: none; height: 1; width: 1fr; padding: 0 1; }
    FindBar Label { width: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+n", "step(1)", "Next match", id="find.next"),
        Binding("shift+enter,ctrl+p", "step(-1)", "Previous match", id="find.previous"),
        Binding("escape", "close", "Close find", id="find.close"),
    ]

    class Changed(Message):
        """The find text changed."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Step(Message):
        """Go to the next or previous match."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Closed(Message):
        """The find box was closed."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Find in article", id="find-input")
        yield Label("", id="find-count")

    @property
    def input(self) -> Input:
        """The text box."""
        return self.query_one("#find-input", Input)

    def open(self) -> None:
        """Show and focus the box (keeping the last query, selected)."""
        self.add_class("-visible")
        self.input.focus()
        self.input.select_all()

    def set_count(self, current: int, total: int) -> None:
        """Show ``current/total`` beside the box."""
        label = self.query_one("#find-count", Label)
        if not self.input.value:
            label.update("")
        elif total == 0:
            label.update("no match")
        else:
            label.update(f"{current}/{total}")

    @on(Input.Changed, "#find-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(1))

    def action_step(self, step: int) -> None:
        """Next or previous match."""
        self.post_message(self.Step(step))

    def action_close(self) -> None:
        """Hide the box; the reader clears the marks."""
        self.remove_class("-visible")
        self.post_message(self.Closed())


class Reader(Vertical):
    """The reading pane: loads and renders an article in a worker, then shows it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "find", "Find", id="reader.find"),
    ]

    class Loaded(Message):
        """The article's body is loaded and rendered (for the sidebar's statistics)."""

        def __init__(self, article: Article, text: str, seconds: float) -> None:
            super().__init__()
            self.article = article
            self.text = text
            self.seconds = seconds

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._token = 0
        #: The article shown (or loading), None while the pane is empty.
        self.article: Article | None = None
        self._markdown_cache: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._resize_timer: Timer | None = None
        #: Seconds from :meth:`open` to lines ready, for the last article (bench).
        self.last_open_seconds: float | None = None
        self.loading_article = False
        self.empty_message = "Select an article and press Enter to read it."

    def compose(self) -> ComposeResult:
        yield ArticleView(id="article-view")
        yield FindBar(id="find-bar")

    @property
    def view(self) -> ArticleView:
        """The line view."""
        return self.query_one(ArticleView)

    def on_mount(self) -> None:
        self.call_after_refresh(self._show_empty)

    def _show_empty(self) -> None:
        if self.article is None:
            self.view.set_rendered(message_lines(self.empty_message, self._width()))

    def _width(self) -> int:
        return max(_MIN_WIDTH, self.view.content_width)

    def open(self, article: Article) -> None:
        """Show ``article``: header at once, body when the worker has rendered it."""
        self._token += 1
        self.article = article
        self.loading_article = True
        self.last_open_seconds = None
        width = self._width()
        cached = self._markdown_cache.get(id(article))
        self.view.set_rendered(render_article(article, None, width))
        self._load_and_render(article, width, self._token, time.perf_counter(), cached, False)

    def clear(self) -> None:
        """Forget the article (the directory changed or it vanished)."""
        self._token += 1
        self.article = None
        self.loading_article = False
        self._show_empty()

    @work(
        thread=True,
        exclusive=True,
        group="reader",
        description="open article",
        exit_on_error=False,
    )
    def _load_and_render(
        self,
        article: Article,
        width: int,
        token: int,
        started: float,
        cached: tuple[str, str] | None,
        keep_position: bool,
    ) -> None:
        worker = get_current_worker()
        if cached is None:
            body = load_body(article)
            if worker.is_cancelled:
                return
            cached = (html_to_markdown(body or ""), html_to_text(body or ""))
        if worker.is_cancelled:
            return
        markdown = cached[0]
        if not markdown.strip():
            markdown = "*This article has no text.*"
        rendered = render_article(article, markdown, width)
        if worker.is_cancelled:
            return
        self.app.call_from_thread(
            self._show, article, token, rendered, cached, started, keep_position
        )

    def _show(
        self,
        article: Article,
        token: int,
        rendered: Rendered,
        cached: tuple[str, str],
        started: float,
        keep_position: bool,
    ) -> None:
        if token != self._token:
            return  # a newer open or re-render superseded this one
        self._markdown_cache[id(article)] = cached
        self._markdown_cache.move_to_end(id(article))
        while len(self._markdown_cache) > 16:
            self._markdown_cache.popitem(last=False)
        self.view.set_rendered(rendered, keep_position=keep_position)
        find_bar = self.query_one(FindBar)
        if find_bar.has_class("-visible") and find_bar.input.value:
            self._find(find_bar.input.value)
        first = self.loading_article
        self.loading_article = False
        if first:
            self.last_open_seconds = time.perf_counter() - started
            self.post_message(self.Loaded(article, cached[1], self.last_open_seconds))

    def on_resize(self, event: events.Resize) -> None:
        """Re-render at the new width, once the resizing settles."""
        if self._resize_timer is not None:
            self._resize_timer.stop()
        self._resize_timer = self.set_timer(0.08, self._rerender)

    def _rerender(self) -> None:
        width = self._width()
        if self.article is None:
            self._show_empty()
            return
        cached = self._markdown_cache.get(id(self.article))
        if cached is None or self.view._rendered.width == width:
            return
        self._token += 1
        self._load_and_render(self.article, width, self._token, time.perf_counter(), cached, True)

    def action_find(self) -> None:
        """Open the find box."""
        if self.article is not None:
            self.query_one(FindBar).open()

    def _find(self, query: str) -> None:
        total = self.view.find(query)
        self.query_one(FindBar).set_count(self.view.match_index + 1, total)

    @on(FindBar.Changed)
    def _find_changed(self, event: FindBar.Changed) -> None:
        event.stop()
        self._find(event.query)

    @on(FindBar.Step)
    def _find_step(self, event: FindBar.Step) -> None:
        event.stop()
        self.view.next_match(event.step)
        self.query_one(FindBar).set_count(self.view.match_index + 1, len(self.view.matches))

    @on(FindBar.Closed)
    def _find_closed(self, event: FindBar.Closed) -> None:
        event.stop()
        self.view.find("")
        self.view.focus()


__all__ = ["ArticleView", "FindBar", "Reader", "Rendered", "render_article"]
