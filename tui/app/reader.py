"""The reading pane: one article as rendered Markdown, with find-in-article.

Textual's ``Markdown`` widget builds a widget per block and takes seconds on a
200 KB article; Rich's ``Markdown`` renders the same text in a fraction of that,
but still ~100 ms for the largest real articles. So a thread worker loads the
body, converts it and renders it with Rich to lines at the pane's width, and
:class:`ArticleView` (a Line-API ScrollView) only crops the ready lines.

Opening is progressive: the worker splits the Markdown at top-level block
boundaries (:func:`split_markdown`), renders and shows the first screenful at
once, then renders the rest chunk by chunk (checking for cancellation between
chunks, so paging through articles never waits on a stale render) and swaps
the whole article in without moving the scroll position. Rendered articles are
kept in an LRU keyed by (path, mtime, width, theme, whole), so going back and
forth with n/p or re-opening is instant; a width change re-renders once the
resize settles.

Huge bodies (issue 6) are cut for display: past :data:`HTML_CAP` bytes of HTML or
:data:`MARKDOWN_CAP` characters of Markdown only the first part is rendered, with
a notice at the end; ``ctrl+o`` (``reader.open_full``) renders the whole body.
"""

from __future__ import annotations

import io
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
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

from tui.body.article_header import article_header
from tui.body.markdown import html_to_markdown, html_to_text
from tui.files.parser import load_body
from tui.model import Article

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
_NO_TEXT = "*This article has no text.*"
#: About the most lines a pane shows: the painted-line memo holds a few screens.
_PAINTED_LINES = 200
#: The first chunk holds at least this many characters of Markdown (and about a
#: screenful: see :meth:`Reader._head_chars`); it is rendered and shown first.
HEAD_MIN_CHARS = 1_000
#: Later chunks: big enough that Rich's per-render overhead (~2 ms) stays small,
#: small enough (~60 ms of rendering) that a cancelled render stops promptly.
CHUNK_CHARS = 16_000
#: Seconds a width must hold still before the article is re-rendered at it.
RESIZE_SETTLE = 0.1
#: Bodies larger than this (bytes of HTML) show only their first part (issue 6):
#: Rich renders ~2.5 MB of Markdown a second and keeps ~15,000 lines per MB,
#: so a 10 MB body would take seconds and hundreds of MB for a page nobody reads
#: to the end. Read at call time, so tests may lower it.
HTML_CAP = 2_000_000
#: The same cap for the converted Markdown (characters), which is what costs.
MARKDOWN_CAP = 1_000_000
#: The key that renders a truncated article whole (``reader.open_full``).
OPEN_FULL_KEY = "ctrl+o"

#: A fence opener: up to 3 spaces, then ``` or ~~~ (3 or more).
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: A thematic break: Rich puts no blank line after one, so never split there.
_HR = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
#: A line that may continue the block above it across a blank line (indented
#: code or list content, another list item, a quote, a table row, raw HTML).
_CONTINUES = re.compile(r"[ \t]|[-*+>|<]|\d{1,9}[.)]")
#: Raw HTML blocks that run across blank lines until their closer (CommonMark
#: kinds 1 and 2); :mod:`tui.body.markdown` never emits them, other callers may.
_HTML_OPEN = re.compile(r" {0,3}<(?:(script|pre|style|textarea)(?:[\s>]|$)|(!--))", re.I)
#: A link reference definition: links resolve across the whole document, so a
#: document with one is never split.
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:", re.M)


@dataclass(frozen=True, slots=True)
class Rendered:
    """An article rendered at one width: the lines and their plain text (for find).

    ``complete`` is False for the first screenful shown while the rest renders.
    """

    strips: list[Strip]
    plain: list[str]
    width: int
    complete: bool = True
    #: Only the first part of a huge body is shown (see :data:`HTML_CAP`).
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """An article body converted once: Markdown to render, plain text for statistics.

    ``truncated`` sources hold only the first part of a huge body (``text`` too,
    so reading statistics then describe the part shown); ``size`` is the whole
    body's HTML in bytes and ``shown`` about how many of them are displayed.
    """

    markdown: str
    text: str
    truncated: bool = False
    size: int = 0
    shown: int = 0


def human_size(size: int) -> str:
    """Bytes as KB / MB for the truncation notice (1000-based, as the sidebar)."""
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"


def cap_markdown(html: str, *, whole: bool = False) -> tuple[Source, str]:
    """Convert ``html`` to Markdown, cut to the display caps unless ``whole``.

    Returns the source (its ``text`` still empty: the caller fills it, off the
    first-screen path) and the HTML that was converted. The HTML is cut first,
    at the end of a tag, so a 10 MB body costs a 2 MB conversion; the Markdown
    is then cut at the last blank line (a block boundary) before the cap.
    """
    size = len(html.encode("utf-8", "replace"))
    used = html
    if not whole and size > HTML_CAP:
        used = html.encode("utf-8", "replace")[:HTML_CAP].decode("utf-8", "ignore")
        tag_end = used.rfind(">")
        if tag_end > len(used) // 2:
            used = used[: tag_end + 1]
    markdown = html_to_markdown(used)
    shown = size if used is html else len(used.encode("utf-8", "replace"))
    if not whole and len(markdown) > MARKDOWN_CAP:
        cut = markdown.rfind("\n\n", 0, MARKDOWN_CAP)
        cut = cut if cut > MARKDOWN_CAP // 2 else MARKDOWN_CAP
        shown = shown * cut // len(markdown)
        markdown = markdown[:cut]
    return Source(markdown, "", shown < size, size, shown), used


def render_notice(console: Console, source: Source) -> list[Strip]:
    """The visible end of a truncated article: what is missing and the key for it."""
    message = Text(
        f"Article truncated for display: {human_size(source.size)}, "
        f"showing the first {human_size(source.shown)}.",
        style="bold",
    )
    hint = Text(
        f"Press {OPEN_FULL_KEY} to open the whole article (rendering it may take a while).",
        style="italic",
    )
    lines = console.render_lines(Group(Rule(style="dim"), message, hint), pad=False)
    return [Strip([], 0), *(Strip(line) for line in lines)]


def split_markdown(markdown: str, first: int, rest: int = CHUNK_CHARS) -> list[str]:
    """Split ``markdown`` into chunks that render, joined by one blank line, as the whole.

    A chunk ends at a blank line between two top-level blocks once it holds
    ``first`` (then ``rest``) characters: never inside a code fence, and never
    where the next line could continue a list, quote, table, indented code or
    HTML block, nor after a thematic break (Rich puts no blank line after it).
    Text without such a boundary stays one chunk, which is always correct.
    """
    if _REFERENCE.search(markdown):
        return [markdown]
    lines = markdown.split("\n")
    chunks: list[str] = []
    start = size = 0
    target = first
    fence = ""  # the open code fence, if any
    html_end = ""  # what closes the open raw HTML block, if any
    previous = ""  # the last non-blank line
    for index, line in enumerate(lines):
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
        elif html_end:
            if html_end in line.lower():
                html_end = ""
        elif match := _FENCE.match(line):
            opener = match.group(1)
            if not (opener[0] == "`" and "`" in line[match.end() :]):
                fence = opener
        elif match := _HTML_OPEN.match(line):
            closer = "-->" if match.group(2) else f"</{match.group(1).lower()}>"
            if closer not in line[match.end() :].lower():
                html_end = closer
        elif (
            size >= target
            and not line.strip()
            and index + 1 < len(lines)
            and lines[index + 1]
            and not _CONTINUES.match(lines[index + 1])
            and not _HR.match(previous)
        ):
            chunks.append("\n".join(lines[start:index]))
            start, size, target = index + 1, 0, rest
            continue
        size += len(line) + 1
        if line.strip():
            previous = line
    chunks.append("\n".join(lines[start:]))
    return chunks


def _console(width: int) -> Console:
    """A private Console per render (Console is not thread-safe)."""
    return Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        theme=RichTheme(_RICH_STYLES),
    )


def render_header(console: Console, article: Article) -> list[Strip]:
    """The article header as lines."""
    lines = console.render_lines(article_header(article), console.options, pad=False)
    return [Strip(line) for line in lines]


def render_markdown(console: Console, markdown: str) -> list[Strip]:
    """One Markdown chunk as lines, without the empty lines Rich leaves at its end."""
    lines = console.render_lines(Markdown(markdown, hyperlinks=False), console.options, pad=False)
    strips = [Strip(line) for line in lines]
    while strips and not strips[-1].text:
        strips.pop()
    return strips


def _finish(
    strips: list[Strip], width: int, *, complete: bool = True, truncated: bool = False
) -> Rendered:
    """Package lines, dropping trailing blank lines Markdown leaves behind."""
    end = len(strips)
    while end and not strips[end - 1].text.strip():
        end -= 1
    kept = strips[:end]
    return Rendered(kept, [strip.text for strip in kept], width, complete, truncated)


def render_article(article: Article, markdown: str | None, width: int) -> Rendered:
    """Render header and body to lines at ``width`` in one go (thread-safe).

    ``markdown`` None renders the header with a loading line under it.
    """
    width = max(_MIN_WIDTH, width)
    console = _console(width)
    strips = render_header(console, article)
    if markdown is None:
        loading = Text("Loading…", style="dim italic")
        strips += [Strip(line) for line in console.render_lines(loading, pad=False)]
    else:
        strips += render_markdown(console, markdown)
    return _finish(strips, width)


def message_lines(message: str, width: int) -> Rendered:
    """A plain message (empty pane, errors) as lines."""
    text = Text(message, style="dim")
    console = Console(file=io.StringIO(), width=max(_MIN_WIDTH, width), force_terminal=True)
    strips = [Strip(line) for line in console.render_lines(text, pad=False)]
    return Rendered(strips, [s.text for s in strips], width)


#: (path, mtime, width, theme, whole): ``whole`` is True once ctrl+o lifted the cap.
CacheKey = tuple[str, float, int, str, bool]


class RenderCache:
    """An LRU of rendered articles, bounded by entries and by total lines.

    The line bound matters beyond memory: every cached line is ~10 objects the
    garbage collector walks, and a full collection over 60,000 lines costs
    longer than an article takes to open.
    """

    def __init__(self, max_entries: int = 16, max_lines: int = 20_000) -> None:
        self.max_entries = max_entries
        self.max_lines = max_lines
        self._entries: OrderedDict[CacheKey, tuple[Rendered, Source]] = OrderedDict()
        self._lines = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> tuple[Rendered, Source] | None:
        """The entry for ``key`` (now the most recent), or None."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: CacheKey, rendered: Rendered, source: Source) -> None:
        """Keep ``rendered``; drop the least recently used entries over the bounds."""
        old = self._entries.pop(key, None)
        if old is not None:
            self._lines -= len(old[0].strips)
        self._entries[key] = (rendered, source)
        self._lines += len(rendered.strips)
        while len(self._entries) > 1 and (
            len(self._entries) > self.max_entries or self._lines > self.max_lines
        ):
            _, (dropped, _) = self._entries.popitem(last=False)
            self._lines -= len(dropped.strips)


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
        #: Match numbers by line, so painting a line never scans every match.
        self._matches_by_line: dict[int, list[int]] = {}
        #: G was pressed on a partial render: follow the end when the rest arrives.
        self._end_pending = False
        #: Lines as last painted, by (line, scroll x, width, style): scrolling by a
        #: line repaints one new line, not the screen. Cleared when lines or marks change.
        self._painted: dict[tuple[int, int, int, Style], Strip] = {}
        #: (size, container size, virtual size) at the last layout that reached us.
        self._laid_out: tuple[Size, Size, Size] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Skip layouts that change nothing here, so the scrollbar is not re-sent.

        Every layout pass anywhere on the screen (the sidebar or the header
        line updating a Static) calls this on every widget. Textual's
        ``ScrollView`` compares the ``virtual_size`` it is given (the pane's own
        size, for a ScrollView) with ours (the article's lines), which never
        match, so it refreshes the vertical scrollbar each time: 34 rows of two
        cells re-sent on every cursor move in the list (issue 7). Only a real
        change of size or of our line count goes on to Textual, which then
        updates the scrollbar as before (it uses ``self.virtual_size``, not the
        argument, so passing ``Size(-1, -1)`` makes sure the change is seen).
        """
        state = (size, container_size, self.virtual_size)
        if state == self._laid_out:
            return False
        self._laid_out = state
        return super()._size_updated(size, Size(-1, -1), container_size, layout)

    @property
    def rendered(self) -> Rendered:
        """The lines shown."""
        return self._rendered

    def set_rendered(
        self, rendered: Rendered, *, keep_position: bool = False, keep_line: bool = False
    ) -> None:
        """Swap in new lines.

        ``keep_position`` keeps the relative position (a re-render at another
        width reflows everything); ``keep_line`` keeps the absolute line (the
        full article replacing its first screenful, whose lines it starts with).
        Find marks are cleared: the caller re-runs the search on the new lines.
        """
        old_height = max(1, len(self._rendered.strips))
        if keep_line:
            y = int(self.scroll_y)
        elif keep_position:
            y = int(self.scroll_y / old_height * len(rendered.strips))
        else:
            y = 0
        follow_end = keep_line and self._end_pending and self.scroll_y >= self.max_scroll_y
        self._end_pending = self._end_pending and not rendered.complete
        self._rendered = rendered
        self._set_matches([])
        self.virtual_size = Size(rendered.width, len(rendered.strips))
        if follow_end:
            self.scroll_end(animate=False, immediate=True)
        else:
            self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()

    def action_scroll_end(self) -> None:
        """Go to the end, and stay there if the rest of the article is still coming."""
        self._end_pending = not self._rendered.complete
        super().action_scroll_end()

    @property
    def plain_lines(self) -> list[str]:
        """The text of each rendered line (what find searches)."""
        return self._rendered.plain

    @property
    def content_width(self) -> int:
        """The width lines should be rendered at."""
        return self.scrollable_content_region.width

    def _set_matches(self, matches: list[tuple[int, int, int]]) -> None:
        self._painted.clear()
        self.matches = matches
        self.match_index = -1
        by_line: dict[int, list[int]] = {}
        for number, (line, _, _) in enumerate(matches):
            by_line.setdefault(line, []).append(number)
        self._matches_by_line = by_line

    @property
    def current_match(self) -> tuple[int, int, int] | None:
        """The (line, start cell, end cell) of the current find match, if any."""
        if 0 <= self.match_index < len(self.matches):
            return self.matches[self.match_index]
        return None

    def find(
        self, query: str, *, scroll: bool = True, prefer: tuple[int, int, int] | None = None
    ) -> int:
        """Mark every case-insensitive occurrence of ``query``; return the count.

        The current match is ``prefer`` when it is among the matches (new lines
        swapped in under an open find keep the user's place), else the first
        from the top of the view; ``scroll`` brings it into view.
        """
        matches: list[tuple[int, int, int]] = []
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            for y, line in enumerate(self._rendered.plain):
                for match in pattern.finditer(line):
                    start = cell_len(line[: match.start()])
                    matches.append((y, start, start + cell_len(match.group())))
        self._set_matches(matches)
        if matches:
            if prefer is not None and prefer in matches:
                self.match_index = matches.index(prefer)
            else:
                self.match_index = self._first_match_from(int(self.scroll_y))
            if scroll:
                self._scroll_to_match()
        self.refresh()
        return len(matches)

    def next_match(self, step: int = 1) -> None:
        """Move to the next (or with ``step=-1`` the previous) match, wrapping."""
        if not self.matches:
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        self._painted.clear()
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
        """Crop the ready line; paint find matches over it (visible lines only)."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        strips = self._rendered.strips
        if index >= len(strips):
            return Strip.blank(width, base)
        key = (index, scroll_x, width, base)
        painted = self._painted.get(key)
        if painted is None:
            strip = strips[index]
            numbers = self._matches_by_line.get(index)
            if numbers:
                strip = self._highlight(strip, numbers)
            painted = strip.crop_extend(scroll_x, scroll_x + width, base).apply_style(base)
            if len(self._painted) > 4 * _PAINTED_LINES:
                self._painted.clear()
            self._painted[key] = painted
        return painted

    def _highlight(self, strip: Strip, numbers: list[int]) -> Strip:
        match_style = self.get_component_rich_style("articleview--match")
        current_style = self.get_component_rich_style("articleview--match-current")
        cuts: list[int] = []
        for number in numbers:
            _, start, end = self.matches[number]
            cuts += [start, end]
        pieces = strip.divide([*cuts, strip.cell_length])
        out: list[Segment] = list(pieces[0])
        for n, number in enumerate(numbers):
            style = current_style if number == self.match_index else match_style
            out += Segment.apply_style(list(pieces[2 * n + 1]), post_style=style)
            if 2 * n + 2 < len(pieces):
                out += list(pieces[2 * n + 2])
        return Strip(out)


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
        # A steady cursor: a blinking one writes to the terminal twice a second (issue 7).
        find_input = Input(placeholder="Find in article", id="find-input")
        find_input.cursor_blink = False
        yield find_input
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


Position = Literal["top", "line", "fraction"]


class Reader(Vertical):
    """The reading pane: loads and renders an article in a worker, then shows it.

    State for callers and the benchmark: ``loading_article`` is True from
    :meth:`open` until the first screen of the body shows (``last_open_seconds``),
    ``rendering_article`` until the whole article is in (``last_full_seconds``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "find", "Find", id="reader.find"),
        # Live only while a truncated article is shown (see check_action).
        Binding(OPEN_FULL_KEY, "open_full", "Whole article", id="reader.open_full"),
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
        #: Rendered articles by (path, mtime, width, theme).
        self.cache = RenderCache()
        #: Converted bodies by (path, mtime), so a width change skips the conversion.
        self._sources: OrderedDict[tuple[str, float], Source] = OrderedDict()
        self._resize_timer: Timer | None = None
        self._started = 0.0
        #: Seconds from :meth:`open` to the first screen of the body shown (bench).
        self.last_open_seconds: float | None = None
        #: Seconds from :meth:`open` to the whole article rendered (bench).
        self.last_full_seconds: float | None = None
        self.loading_article = False
        self.rendering_article = False
        self.empty_message = "Select an article and press Enter to read it."
        #: (path, mtime) of articles the user asked to see whole (ctrl+o).
        self._whole: set[tuple[str, float]] = set()
        self._bindings_truncated = False

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

    def _head_chars(self, width: int) -> int:
        """Markdown characters for about one screenful (CJK fills it with half)."""
        height = self.view.scrollable_content_region.height
        return max(HEAD_MIN_CHARS, width * height * 3 // 4)

    def cache_key(self, article: Article, width: int) -> CacheKey:
        """What a rendering depends on: the file's version, width, theme, and the cap."""
        whole = self._is_whole(article)
        return (str(article.path), article.mtime, width, self.app.theme, whole)

    def _is_whole(self, article: Article) -> bool:
        return (str(article.path), article.mtime) in self._whole

    @property
    def truncated(self) -> bool:
        """Only the first part of a huge body is shown (``ctrl+o`` shows it all)."""
        return self.article is not None and self.view.rendered.truncated

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``open_full`` is live (and in the footer) only for a truncated article."""
        if action == "open_full":
            return self.truncated
        return True

    def _sync_bindings(self) -> None:
        """Tell the footer when ctrl+o comes or goes, and only then (a footer
        refresh on every article opened would be bytes on the wire for nothing)."""
        if self.truncated != self._bindings_truncated:
            self._bindings_truncated = self.truncated
            self.refresh_bindings()

    def action_open_full(self) -> None:
        """Render the whole of a truncated article (in the worker; the view stays put)."""
        article = self.article
        if article is None or not self.truncated or self._is_whole(article):
            return
        self._whole.add((str(article.path), article.mtime))
        self._token += 1
        self.rendering_article = True
        self.last_full_seconds = None
        self._started = time.perf_counter()
        self.refresh_bindings()
        self.notify("Rendering the whole article…", title="Whole article", timeout=3)
        self._start(article, self._width(), progressive=False, position="line")

    def open(self, article: Article) -> None:
        """Show ``article``: from the cache at once, else the header, then its first
        screen, then the whole, as the worker renders them."""
        self._token += 1
        self.article = article
        self._started = time.perf_counter()
        width = self._width()
        cached = self.cache.get(self.cache_key(article, width))
        if cached is not None:
            rendered, source = cached
            self.workers.cancel_group(self, "reader")  # a stale render stops early
            self.loading_article = self.rendering_article = False
            self._swap(rendered, "top")
            self.last_open_seconds = self.last_full_seconds = time.perf_counter() - self._started
            self.post_message(self.Loaded(article, source.text, self.last_open_seconds))
            return
        self.loading_article = self.rendering_article = True
        self.last_open_seconds = self.last_full_seconds = None
        self.view.set_rendered(render_article(article, None, width))
        self._sync_bindings()
        self._start(article, width, progressive=True, position="top")

    def clear(self) -> None:
        """Forget the article (the directory changed or it vanished)."""
        self._token += 1
        self.workers.cancel_group(self, "reader")
        self.article = None
        self.loading_article = self.rendering_article = False
        self._show_empty()
        self._sync_bindings()

    def _start(
        self, article: Article, width: int, *, progressive: bool, position: Position
    ) -> None:
        source = self._sources.get((str(article.path), article.mtime))
        whole = self._is_whole(article)
        if source is not None and source.truncated and whole:
            source = None  # converted with the cap: convert again, whole
        head = self._head_chars(width) if progressive else 0
        self._load_and_render(article, width, self._token, source, head, position, whole)

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
        source: Source | None,
        head_chars: int,
        position: Position,
        whole: bool = False,
    ) -> None:
        """Load, convert and render off the UI thread; ``head_chars`` 0 shows nothing
        until the whole is rendered. Bodies over the caps are cut unless ``whole``."""
        worker = get_current_worker()
        used = ""
        if source is None:
            body = load_body(article) or ""
            if worker.is_cancelled:
                return
            source, used = cap_markdown(body, whole=whole)
            del body
        markdown = source.markdown
        if worker.is_cancelled:
            return
        console = _console(width)
        strips = render_header(console, article)
        shown = markdown if markdown.strip() else _NO_TEXT
        if head_chars:
            chunks = split_markdown(shown, head_chars)
        elif len(shown) > CHUNK_CHARS * 4:
            chunks = split_markdown(shown, CHUNK_CHARS)  # so a cancel stops a long render
        else:
            chunks = [shown]
        truncated = source.truncated
        strips += render_markdown(console, chunks[0])
        if len(chunks) > 1 and head_chars:
            if worker.is_cancelled:
                return
            head = _finish(strips, width, complete=False, truncated=truncated)
            self.app.call_from_thread(self._show, token, head, None, position)
            position = "line"
        if not source.text and used:
            source = Source(
                markdown, html_to_text(used), source.truncated, source.size, source.shown
            )
        for chunk in chunks[1:]:
            if worker.is_cancelled:
                return
            time.sleep(0)  # let the UI thread have the GIL between chunks
            strips.append(Strip([], 0))
            strips += render_markdown(console, chunk)
        if worker.is_cancelled:
            return
        rendered = _finish(strips, width, truncated=truncated)
        if truncated:
            rendered = _finish(
                [*rendered.strips, *render_notice(console, source)], width, truncated=True
            )
        self.app.call_from_thread(self._show, token, rendered, source, position)

    def _show(
        self, token: int, rendered: Rendered, source: Source | None, position: Position
    ) -> None:
        """Swap in lines from the worker (on the UI thread), unless superseded."""
        if token != self._token or self.article is None:
            return  # a newer open or re-render superseded this one
        article = self.article
        self._swap(rendered, position)
        now = time.perf_counter() - self._started
        if self.loading_article:
            self.loading_article = False
            self.last_open_seconds = now
        if source is None:
            return
        self._sources[(str(article.path), article.mtime)] = source
        self._sources.move_to_end((str(article.path), article.mtime))
        while len(self._sources) > 32:
            self._sources.popitem(last=False)
        self.cache.put(self.cache_key(article, rendered.width), rendered, source)
        if self.rendering_article:
            self.rendering_article = False
            self.last_full_seconds = now
            self.post_message(self.Loaded(article, source.text, self.last_open_seconds or now))

    def _swap(self, rendered: Rendered, position: Position) -> None:
        """Show ``rendered`` and re-apply an open find to it.

        Swapping the whole article in for its first screen keeps the current
        match (its lines are unchanged) and never scrolls; a fresh open does.
        """
        view = self.view
        current = view.current_match if position == "line" else None
        view.set_rendered(
            rendered, keep_position=position == "fraction", keep_line=position == "line"
        )
        self._sync_bindings()
        find_bar = self.query_one(FindBar)
        if find_bar.has_class("-visible") and find_bar.input.value:
            total = view.find(find_bar.input.value, scroll=position == "top", prefer=current)
            find_bar.set_count(view.match_index + 1, total)

    def on_resize(self, event: events.Resize) -> None:
        """Re-render at the new width, once the resizing settles."""
        if self._resize_timer is not None:
            self._resize_timer.stop()
        self._resize_timer = self.set_timer(RESIZE_SETTLE, self._rerender)

    def _rerender(self) -> None:
        width = self._width()
        if self.article is None:
            self._show_empty()
            return
        if self.view.rendered.width == width:
            return
        if self.loading_article or self.rendering_article:
            # Still opening: start over at the new width (the open time runs on).
            self._token += 1
            self._start(self.article, width, progressive=self.loading_article, position="fraction")
            return
        cached = self.cache.get(self.cache_key(self.article, width))
        if cached is not None:
            self._swap(cached[0], "fraction")
            return
        self._token += 1
        self._start(self.article, width, progressive=False, position="fraction")

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

    # -- opening at a full-text match (the list's `?` mode) ---------------------------

    #: (article, term) to find again once that article is wholly rendered.
    _find_pending: tuple[Article, str] | None = None

    def find_on_open(self, term: str) -> int:
        """Mark ``term`` in the article just opened and scroll to its first match.

        Why: a full-text result should open where the match is. The find box
        shows the term (without taking the focus, so the keys keep scrolling),
        each swap of the progressive render re-applies it, and the whole
        article's arrival (:class:`Loaded`) scrolls once more in case the
        first match lay beyond the first screen. Returns the matches so far.
        """
        if self.article is None or not term:
            return 0
        self._find_pending = (self.article, term)
        return self._show_find(term)

    def _show_find(self, term: str) -> int:
        bar = self.query_one(FindBar)
        bar.add_class("-visible")
        with bar.input.prevent(Input.Changed):
            bar.input.value = term
        total = self.view.find(term, prefer=self.view.current_match)
        bar.set_count(self.view.match_index + 1, total)
        return total

    @on(Loaded)
    def _find_when_loaded(self, event: Loaded) -> None:
        """Not stopped: the screen's handler runs too."""
        pending = self._find_pending
        if pending is not None and pending[0] is event.article:
            self._find_pending = None
            if event.article is self.article:
                self._show_find(pending[1])


__all__ = [
    "ArticleView",
    "FindBar",
    "Reader",
    "RenderCache",
    "Rendered",
    "Source",
    "render_article",
    "split_markdown",
]
