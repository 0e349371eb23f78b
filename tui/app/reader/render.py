"""An article rendered with Rich to lines at one width, and the cache of such renders.

Why Rich and not Textual's ``Markdown`` widget: the widget builds a widget per
block and takes seconds on a 200 KB article; Rich renders the same text in a
fraction of that, to lines that :class:`~tui.app.reader.view.ArticleView` only crops.
Everything here is thread-safe (one private Console per render), so the
reader's worker calls it off the UI thread.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.rule import Rule
from rich.text import Text
from rich.theme import Theme as RichTheme
from textual.strip import Strip

from tui.body.article_header import article_header
from tui.body.caps import Source
from tui.body.markdown import decode_link_urls
from tui.body.rich_wrap import install as install_line_breaking
from tui.model import Article

install_line_breaking()  # Rich wraps CJK text by UAX #14 (tui.body.linebreak), not at spaces

#: Rich styles for Markdown elements that read well on both our themes (the
#: defaults put code on black, which is harsh on a light background).
RICH_STYLES = {
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
#: The narrowest width anything is rendered at.
MIN_WIDTH = 20


@dataclass(frozen=True, slots=True)
class Rendered:
    """An article rendered at one width: the lines and their plain text (for find).

    ``complete`` is False for the first screenful shown while the rest renders.
    """

    strips: list[Strip]
    plain: list[str]
    width: int
    complete: bool = True
    #: Only the first part of a huge body is shown (see :data:`tui.body.caps.HTML_CAP`).
    truncated: bool = False
    #: Lines of the article header (the lead image goes under them).
    header_lines: int = 0


def new_console(width: int) -> Console:
    """A private Console per render (Console is not thread-safe)."""
    return Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        theme=RichTheme(RICH_STYLES),
    )


def render_header(console: Console, article: Article) -> list[Strip]:
    """The article header as lines."""
    lines = console.render_lines(article_header(article), console.options, pad=False)
    return [Strip(line) for line in lines]


def render_markdown(console: Console, markdown: str) -> list[Strip]:
    """One Markdown chunk as lines, without the empty lines Rich leaves at its end."""
    parsed = Markdown(markdown, hyperlinks=False)
    decode_link_urls(parsed.parsed)  # links show their URLs as browsers do
    lines = console.render_lines(parsed, console.options, pad=False)
    strips = [Strip(line) for line in lines]
    while strips and not strips[-1].text:
        strips.pop()
    return strips


def render_notice(console: Console, notice: str, key: str) -> list[Strip]:
    """The visible end of a truncated article: what is missing and the key for it."""
    message = Text(notice, style="bold")
    hint = Text(
        f"Press {key} to open the whole article (rendering it may take a while).",
        style="italic",
    )
    lines = console.render_lines(Group(Rule(style="dim"), message, hint), pad=False)
    return [Strip([], 0), *(Strip(line) for line in lines)]


def finish(
    strips: list[Strip],
    width: int,
    *,
    complete: bool = True,
    truncated: bool = False,
    header_lines: int = 0,
) -> Rendered:
    """Package lines, dropping trailing blank lines Markdown leaves behind."""
    end = len(strips)
    while end and not strips[end - 1].text.strip():
        end -= 1
    kept = strips[:end]
    plain = [strip.text for strip in kept]
    return Rendered(kept, plain, width, complete, truncated, min(header_lines, end))


class ArticleRender:
    """One article being rendered at one width, chunk by chunk (the reader's worker).

    Why a builder: the worker shows the first chunk before the rest is rendered
    and checks for cancellation between chunks; this keeps the Rich side of
    that (the console, the lines so far, the blank line between chunks) in one place.
    """

    def __init__(self, article: Article, width: int) -> None:
        self.width = width
        self.console = new_console(width)
        self.strips = render_header(self.console, article)
        self.header_lines = len(self.strips)
        self._chunks = 0

    def add(self, markdown: str) -> None:
        """Render the next chunk under the ones before, one blank line apart."""
        if self._chunks:
            self.strips.append(Strip([], 0))
        self.strips += render_markdown(self.console, markdown)
        self._chunks += 1

    def head(self, source: Source) -> Rendered:
        """The lines so far, shown while the rest renders."""
        return finish(
            self.strips,
            self.width,
            complete=False,
            truncated=source.truncated,
            header_lines=self.header_lines,
        )

    def done(self, source: Source, key: str) -> Rendered:
        """The whole article; a truncated one ends with the notice naming ``key``."""
        header = self.header_lines
        rendered = finish(self.strips, self.width, truncated=source.truncated, header_lines=header)
        if source.notice is None:
            return rendered
        notice = render_notice(self.console, source.notice, key)
        return finish([*rendered.strips, *notice], self.width, truncated=True, header_lines=header)


def render_article(article: Article, markdown: str | None, width: int) -> Rendered:
    """Render header and body to lines at ``width`` in one go (thread-safe).

    ``markdown`` None renders the header with a loading line under it.
    """
    width = max(MIN_WIDTH, width)
    console = new_console(width)
    strips = render_header(console, article)
    header = len(strips)
    if markdown is None:
        loading = Text("Loading…", style="dim italic")
        strips += [Strip(line) for line in console.render_lines(loading, pad=False)]
    else:
        strips += render_markdown(console, markdown)
    return finish(strips, width, header_lines=header)


def message_lines(message: str, width: int) -> Rendered:
    """A plain message (empty pane, errors) as lines."""
    text = Text(message, style="dim")
    console = Console(file=io.StringIO(), width=max(MIN_WIDTH, width), force_terminal=True)
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
