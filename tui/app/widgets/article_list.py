"""The article list: date | source | title, drawn with Textual's Line API.

A folder may hold 100,000 articles, so the list never builds a widget (or any
per-row object) for each one: it keeps a reference to the caller's sequence and
renders only the rows on screen in :meth:`ArticleList.render_line`, the way
Textualize's *toolong* shows huge log files. Rendered rows are kept in a small
LRU cache keyed by a *generation* number that every change of data bumps, so
stale rows can never be drawn.

Painting calls nothing outside the widget: the reading state arrives as
:class:`~tui.app.messages.ViewMarks` and title highlights as index lists, both
computed by the list pane's workers. Highlights come for the first rows with the list; rows further
down are asked for with :class:`ArticleList.HighlightsWanted`, a chunk at a time.

Why one piece (~700 lines): the cursor, the scroll position, the row cache and
the row painter share one generation number and one set of resolved styles;
split apart, each would have to know when the others went stale.

Article text is data: rows are built from :class:`~rich.segment.Segment` objects
with explicit styles, never parsed as markup, and any control character left in
a field is drawn as ``�``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter, indexOf
from typing import ClassVar, Literal, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.messages import HIGHLIGHT_CHUNK, ViewMarks
from tui.app.widgets.cells import center, fit, measure_fit, sanitize
from tui.body.dates import format_day
from tui.model import Article

_get_path = attrgetter("path")

DATE_WIDTH = 10  # "2024-05-01"
NO_DATE = "----"
SOURCE_WIDTH = 14
MIN_TITLE_WIDTH = 20  # narrower than this and the source, then the date, give way
MIN_SOURCE_WIDTH = 4  # a source column narrower than this is noise: drop it
MARK_WIDTH = 2  # "● " unread, "★ " starred, "  " read
UNREAD_MARK = "●"
STAR_MARK = "★"
COPIES_MARK = "×"  # "×3" at the end of the title column: the entry stands for 3 copies


def column_widths(width: int, source_width: int = SOURCE_WIDTH) -> tuple[int, int, int]:
    """Cell widths of (date, source, title) for a row ``width`` cells wide.

    The title is what people read, so on narrow terminals the source column
    shrinks first and the date goes next; a zero width means "not drawn" (and no
    separator space either). The widths plus separators never exceed ``width``.
    """
    width = max(0, width)
    date = DATE_WIDTH if width >= DATE_WIDTH + 1 + MIN_TITLE_WIDTH else 0
    rest = width - (date + 1 if date else 0)
    source = min(source_width, rest - MIN_TITLE_WIDTH - 1)
    if source < MIN_SOURCE_WIDTH:
        source = 0
    title = rest - (source + 1 if source else 0)
    return date, source, title


def date_text(article: Article) -> str:
    """The date column: the calendar day in the reader's zone (UTC), or a dash placeholder."""
    if article.date is None:
        return NO_DATE
    return format_day(article.date)


class _RowStyles(NamedTuple):
    """Styles for one kind of row (normal or cursor), resolved once per render."""

    base: Style
    date: Style
    source: Style
    title: Style
    match: Style
    unread: Style
    mark: Style


class _Styles(NamedTuple):
    normal: _RowStyles
    cursor: _RowStyles
    empty: Style


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Line-API list of articles: three columns, date | source | title."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", id="list.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="list.up", show=False),
        Binding("g,home", "first", "First", id="list.first", show=False),
        Binding("G,end", "last", "Last", id="list.last", show=False),
        Binding("pagedown", "page_down", "Page down", id="list.page_down", show=False),
        Binding("pageup", "page_up", "Page up", id="list.page_up", show=False),
        Binding("ctrl+d", "half_page_down", "Half page down", id="list.half_page_down", show=False),
        Binding("ctrl+u", "half_page_up", "Half page up", id="list.half_page_up", show=False),
        Binding("enter", "open", "Open", id="list.open", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--date",
        "article-list--source",
        "article-list--match",
        "article-list--cursor",
        "article-list--cursor-match",
        "article-list--empty",
        "article-list--unread",
        "article-list--mark",
    }
    """
    | Class | Description |
    | :- | :- |
    | `article-list--date` | The date column. |
    | `article-list--source` | The source column. |
    | `article-list--match` | Title characters matched by the filter. |
    | `article-list--cursor` | The row under the cursor (style it under `:focus` too). |
    | `article-list--cursor-match` | Text style added to matches on the cursor row. |
    | `article-list--empty` | The message shown when there is nothing to list. |
    | `article-list--unread` | Added to the title of an unread article. |
    | `article-list--mark` | The ● (unread) / ★ (starred) column. |
    """

    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        & > .article-list--date { color: $text-muted; }
        & > .article-list--source { color: $text-muted; }
        & > .article-list--match { color: $text-accent; text-style: bold; }
        & > .article-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .article-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .article-list--cursor-match { text-style: bold underline; }
        & > .article-list--empty { color: $text-muted; }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--mark { color: $text-accent; }
    }
    """

    empty_message: reactive[str] = reactive("No articles")
    """Shown (centred, dim) when the list is empty."""

    class CursorMoved(Message):
        """The cursor landed on another article (a burst of moves coalesces to the last)."""

        def __init__(self, article_list: ArticleList, index: int, article: Article | None) -> None:
            super().__init__()
            self.article_list = article_list
            self.index = index
            self.article = article

        @property
        def control(self) -> ArticleList:
            """The list that posted the message (for ``@on(..., "#id")`` selectors)."""
            return self.article_list

        def can_replace(self, message: Message) -> bool:
            """Only the latest position matters: drop older moves from the same list."""
            return (
                isinstance(message, ArticleList.CursorMoved)
                and message.article_list is self.article_list
            )

    class HighlightsWanted(Message):
        """Rows from ``start`` are about to be drawn without their highlights: please send them.

        ``token`` names the :meth:`ArticleList.show` they belong to (see
        :meth:`ArticleList.add_highlights`); a burst of asks coalesces to the last.
        """

        def __init__(self, article_list: ArticleList, token: int, start: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.token = token
            self.start = start

        @property
        def control(self) -> ArticleList:
            """The list that asked."""
            return self.article_list

        def can_replace(self, message: Message) -> bool:
            return (
                isinstance(message, ArticleList.HighlightsWanted)
                and message.article_list is self.article_list
                and message.start == self.start
            )

    class Opened(Message):
        """The user asked to open the article (Enter, or a click on a row)."""

        def __init__(self, article_list: ArticleList, index: int, article: Article) -> None:
            super().__init__()
            self.article_list = article_list
            self.index = index
            self.article = article

        @property
        def control(self) -> ArticleList:
            """The list that posted the message."""
            return self.article_list

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._articles: Sequence[Article] = []
        #: row index -> title indices to highlight, for the rows handed over so far.
        self._highlights: dict[int, frozenset[int]] = {}
        #: Whether rows without highlights may ask for theirs (a fuzzy query is shown).
        self._more_highlights = False
        #: Chunk starts already asked for since the last show().
        self._asked: set[int] = set()
        #: Bumped by every show(): highlights for an older one are dropped.
        self._token = 0
        self._marks: ViewMarks | None = None
        #: str(path) -> how many copies the row's entry stands for (None: nothing folded).
        self._copies: Callable[[str], int] | None = None
        self._cursor = 0
        self._generation = 0
        self._strip_cache: LRUCache[tuple[int, int, int, bool, bool], Strip] = LRUCache(1024)
        self._styles: _Styles | None = None
        self._styles_key: tuple[object, ...] = ()

    # ------------------------------------------------------------------ API

    def show(
        self,
        articles: Sequence[Article],
        highlights: Sequence[Sequence[int]] = (),
        keep_cursor_on: Article | None = None,
        *,
        more_highlights: bool = False,
        fallback: Literal["top", "clamp"] = "top",
    ) -> None:
        """Replace the displayed sequence (kept by reference, never copied).

        ``highlights[k]`` are the title character indices to emphasise in row
        ``k``; with ``more_highlights`` the rows after them ask for theirs
        (:class:`HighlightsWanted`) when they are drawn. The cursor stays on
        ``keep_cursor_on`` (default: the article under the cursor now) when it is
        still listed, matched by identity and then by path, and keeps its row on
        screen; otherwise it goes to the top (``fallback="top"``, right after a new
        filter) or stays at the same index (``"clamp"``, e.g. after a rescan
        removed the article).
        """
        old_article = self.article
        old_index = self._cursor
        old_row = old_index - self.scroll_offset.y
        target = keep_cursor_on if keep_cursor_on is not None else old_article

        self._articles = articles
        self._token += 1
        self._highlights = {k: frozenset(h) for k, h in enumerate(highlights) if h}
        self._more_highlights = more_highlights
        self._asked = set(range(0, len(highlights), HIGHLIGHT_CHUNK))
        self._generation += 1
        self._strip_cache.clear()

        found = -1 if target is None else self._find(target, hint=old_index)
        count = len(articles)
        if found >= 0:
            self._cursor = found
        elif fallback == "clamp":
            self._cursor = min(old_index, max(0, count - 1))
        else:
            self._cursor = 0
        self._update_virtual_size()
        if found >= 0:
            self._scroll_to_row(self._cursor - old_row)
        else:
            self._scroll_to_row(0 if fallback == "top" else self._cursor - old_row)
        self._scroll_cursor_visible()
        self.refresh()
        if self._cursor != old_index or self.article is not old_article:
            self.post_message(self.CursorMoved(self, self._cursor, self.article))

    @property
    def show_token(self) -> int:
        """Names the current :meth:`show` (for :meth:`add_highlights`)."""
        return self._token

    def add_highlights(self, token: int, start: int, highlights: Sequence[Sequence[int]]) -> None:
        """Highlights for rows ``start ..`` of the show named ``token`` (older ones are dropped)."""
        if token != self._token:
            return
        for k, indices in enumerate(highlights, start):
            if indices:
                self._highlights[k] = frozenset(indices)
        self._generation += 1
        self._strip_cache.clear()
        self.refresh()

    def matches(self, index: int) -> frozenset[int]:
        """The title indices highlighted in row ``index`` (empty until handed over)."""
        return self._highlights.get(index, frozenset())

    @property
    def marks(self) -> ViewMarks | None:
        """The reading state drawn in the mark column (None: no column)."""
        return self._marks

    def set_marks(self, marks: ViewMarks | None) -> None:
        """Draw the reading state from ``marks`` (None: no mark column, all titles plain)."""
        if marks is self._marks:
            return
        self._marks = marks
        self._generation += 1
        self._strip_cache.clear()
        self.refresh()

    def set_copies(self, copies: Callable[[str], int] | None) -> None:
        """Draw ``×N`` after the titles of rows that stand for N copies (None: no counts).

        ``copies`` answers for ``str(article.path)`` in O(1) (a dict lookup): it runs per row.
        """
        if copies is self._copies:
            return
        self._copies = copies
        self._generation += 1
        self._strip_cache.clear()
        self.refresh()

    @property
    def articles(self) -> Sequence[Article]:
        """The sequence currently shown (the one passed to :meth:`show`)."""
        return self._articles

    @property
    def cursor(self) -> int:
        """Index of the cursor row in the shown sequence (0 when empty)."""
        return self._cursor

    @property
    def article(self) -> Article | None:
        """The article under the cursor, or ``None`` when the list is empty."""
        if 0 <= self._cursor < len(self._articles):
            return self._articles[self._cursor]
        return None

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped), scroll it into view, post CursorMoved."""
        count = len(self._articles)
        if not count:
            return
        index = max(0, min(index, count - 1))
        old = self._cursor
        if index == old:
            self._scroll_cursor_visible()
            return
        self._cursor = index
        self.refresh_line(old)
        self.refresh_line(index)
        self._scroll_cursor_visible()
        # The list is the sender even when a parent's handler moved it (the filter box's
        # ↓/↑ via the list pane): Textual stops a message at the pane that sent it.
        self.post_message(self.CursorMoved(self, index, self._articles[index]).set_sender(self))

    def select_article(self, article: Article) -> bool:
        """Move the cursor to ``article`` if it is shown; return whether it was."""
        index = self._find(article, hint=self._cursor)
        if index < 0:
            return False
        self.move_cursor(index)
        return True

    # ------------------------------------------------- full-text snippets (`?` mode)

    #: (shown sequence, str(path) -> (snippet, highlight spans)): while that sequence is shown.
    _snippets: tuple[object, Mapping[str, tuple[str, Sequence[tuple[int, int]]]]] | None = None

    def show_snippets(
        self,
        articles: Sequence[Article],
        snippets: Mapping[str, tuple[str, Sequence[tuple[int, int]]]],
        keep_cursor_on: Article | None = None,
    ) -> None:
        """:meth:`show` full-text results: each title is followed by its snippet.

        ``snippets`` maps ``str(article.path)`` to a one-line snippet and the
        (start, end) character spans of the matches in it, which are styled as
        matches. A :meth:`show` of another sequence drops them (redraws keep them).
        """
        self.show(articles, keep_cursor_on=keep_cursor_on)
        self._snippets = (articles, snippets)
        self._strip_cache.clear()
        self.refresh()

    def _snippet_segments(
        self, article: Article, width: int, title_style: Style, st: _RowStyles
    ) -> list[Segment] | None:
        """The title column of a full-text row: a short title, then the snippet (dim)."""
        entry = self._snippets
        if entry is None or entry[0] is not self._articles:
            return None
        found = entry[1].get(str(article.path))
        if found is None:
            return None
        text, spans = sanitize(found[0]), list(found[1])
        if spans and spans[0][0] > 8:  # bring the first match near the start
            cut = spans[0][0] - 8
            text = "…" + text[cut:].lstrip("…")
            shift = len(found[0]) - len(text)
            spans = [(s - shift, e - shift) for s, e in spans]
        segments: list[Segment] = []
        if width >= 30:
            title = sanitize(article.title) or sanitize(article.path.name)
            end, mark, pad = measure_fit(title, width * 2 // 5)
            used = width * 2 // 5 - pad
            segments.append(Segment(title[:end] + mark + " ", title_style))
            width -= used + 1
        end, mark, pad = measure_fit(text, width)
        matches = frozenset(i for s, e in spans for i in range(max(0, s), min(e, end)))
        segments.extend(_title_segments(text[:end], matches, st.source, st.match))
        if mark or pad:
            segments.append(Segment(mark + " " * pad, st.source))
        return segments

    # -------------------------------------------------------------- actions

    def action_cursor_down(self) -> None:
        """Next article."""
        self.move_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous article."""
        self.move_cursor(self._cursor - 1)

    def action_first(self) -> None:
        """First article."""
        self.move_cursor(0)

    def action_last(self) -> None:
        """Last article."""
        self.move_cursor(len(self._articles) - 1)

    def action_page_down(self) -> None:
        """Down one screen; the cursor keeps its row on screen, like a pager."""
        self._page(self._page_height)

    def action_page_up(self) -> None:
        """Up one screen."""
        self._page(-self._page_height)

    def action_half_page_down(self) -> None:
        """Down half a screen (vim's ctrl+d)."""
        self._page(max(1, self._page_height // 2))

    def action_half_page_up(self) -> None:
        """Up half a screen (vim's ctrl+u)."""
        self._page(-max(1, self._page_height // 2))

    def action_open(self) -> None:
        """Ask the app to open the article under the cursor (also Enter in the filter box).

        The list is the sender whoever calls this (see :meth:`move_cursor`), so the
        message reaches the screen from the list pane's handlers too.
        """
        article = self.article
        if article is not None:
            self.post_message(self.Opened(self, self._cursor, article).set_sender(self))

    # ------------------------------------------------------------ rendering

    def render_line(self, y: int) -> Strip:
        """Draw screen line ``y``: article ``y + scroll_offset.y``, from the cache if possible."""
        styles = self._current_styles()
        width = self.scrollable_content_region.width
        articles = self._articles
        if not articles:
            if y == 0:
                message = sanitize(self.empty_message)
                return Strip([Segment(center(message, width), styles.empty)], width)
            return Strip.blank(width, styles.normal.base)
        index = y + self.scroll_offset.y
        if not 0 <= index < len(articles):
            return Strip.blank(width, styles.normal.base)
        is_cursor = index == self._cursor
        focused = self.has_focus
        key = (self._generation, index, width, is_cursor, focused)
        strip = self._strip_cache.get(key)
        if strip is None:
            row_styles = styles.cursor if is_cursor else styles.normal
            strip = self._render_row(articles[index], index, width, row_styles)
            self._strip_cache[key] = strip
        return strip

    def _render_row(self, article: Article, index: int, width: int, st: _RowStyles) -> Strip:
        """Build one row from segments: article text is never parsed as markup."""
        segments: list[Segment] = []
        gap = Segment(" ", st.base)
        title_style, match_style = st.title, st.match
        mark_w = MARK_WIDTH if self._marks is not None and width > MARK_WIDTH else 0
        marks = self._marks
        if mark_w and marks is not None:
            key = str(article.path)
            read, starred = key in marks.read, key in marks.starred
            symbol = STAR_MARK if starred else UNREAD_MARK if not read else " "
            segments.append(Segment(symbol, st.mark))
            segments.append(gap)
            if not read:
                title_style, match_style = title_style + st.unread, match_style + st.unread
        date_w, source_w, title_w = column_widths(width - mark_w)
        if date_w:
            segments.append(Segment(center(date_text(article), date_w), st.date))
            segments.append(gap)
        if source_w:
            source = sanitize(article.source or "")
            segments.append(Segment(fit(source, source_w), st.source))
            segments.append(gap)
        snippet = self._snippet_segments(article, title_w, title_style, st) if title_w else None
        if snippet is not None:
            segments.extend(snippet)
        elif title_w:
            badge = self._badge(article, title_w)
            if badge:
                title_w -= len(badge)
            title = sanitize(article.title)
            matches: frozenset[int] = frozenset()
            if title:
                matches = self._matches(index)
            else:
                title = sanitize(article.path.name)  # something to point at
            end, mark, pad = measure_fit(title, title_w)
            segments.extend(_title_segments(title[:end], matches, title_style, match_style))
            if mark:
                segments.append(Segment(mark, title_style))
            if pad:
                segments.append(Segment(" " * pad, title_style))
            if badge:
                segments.append(Segment(badge, st.source))
                title_w += len(badge)
        used = mark_w + date_w + source_w + title_w + (1 if date_w else 0) + (1 if source_w else 0)
        if used < width:
            segments.append(Segment(" " * (width - used), st.base))
        return Strip(segments, width)

    def _badge(self, article: Article, title_w: int) -> str:
        """`` ×N`` for an entry standing for N copies, when the title column has room."""
        copies = self._copies
        if copies is None:
            return ""
        count = copies(str(article.path))
        if count < 2:
            return ""
        badge = f" {COPIES_MARK}{count}"
        return badge if title_w >= len(badge) + 8 else ""

    def _matches(self, index: int) -> frozenset[int]:
        """Highlighted title indices for a row; asks for its chunk (and the next page's) if due."""
        if self._more_highlights:
            self._ask(index)
            self._ask(index + self._page_height)
        return self._highlights.get(index, frozenset())

    def _ask(self, index: int) -> None:
        start = index - index % HIGHLIGHT_CHUNK
        if start not in self._asked and 0 <= index < len(self._articles):
            self._asked.add(start)
            # Painting runs for the screen, which Textual would take for the sender and
            # then not bubble the message to: the list is the sender.
            wanted = self.HighlightsWanted(self, self._token, start).set_sender(self)
            self.post_message(wanted)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Check once per refresh whether the styles changed, then draw the dirty lines.

        Textual clears its own component-style cache on every refresh and
        resolving styles costs about as much as drawing a screenful, so the
        resolved styles are kept until the component rules really change (focus,
        theme, a class on an ancestor): comparing the rules is cheap.
        """
        key = (
            self.has_focus,
            self.is_disabled,
            *map(self.get_component_styles, sorted(self.COMPONENT_CLASSES)),
        )
        if key != self._styles_key:
            self._styles_key = key
            self._styles = None
            self._strip_cache.clear()
        return super().render_lines(crop)

    def _current_styles(self) -> _Styles:
        """The resolved styles (see :meth:`render_lines` for when they are renewed)."""
        if self._styles is None:
            self._styles = self._resolve_styles()
        return self._styles

    def _resolve_styles(self) -> _Styles:
        """Rich styles for both row kinds, from the component classes (cheap: Textual caches)."""
        get = self.get_component_rich_style
        base = self.rich_style
        normal = _RowStyles(
            base=base,
            date=get("article-list--date"),
            source=get("article-list--source"),
            title=base,
            match=get("article-list--match"),
            unread=get("article-list--unread", partial=True),
            mark=get("article-list--mark"),
        )
        cursor = get("article-list--cursor")
        # On the cursor row the cursor's colours win; the columns add only text style.
        cursor_match = cursor + get("article-list--match", partial=True).without_color
        cursor_match += get("article-list--cursor-match", partial=True)
        cursor_row = _RowStyles(
            base=cursor,
            date=cursor + get("article-list--date", partial=True).without_color,
            source=cursor + get("article-list--source", partial=True).without_color,
            title=cursor,
            match=cursor_match,
            unread=get("article-list--unread", partial=True).without_color,
            mark=cursor + get("article-list--mark", partial=True).without_color,
        )
        return _Styles(normal, cursor_row, get("article-list--empty"))

    def notify_style_update(self) -> None:
        """Theme or CSS changed: every cached row may have the wrong colours."""
        self._styles = None
        self._strip_cache.clear()
        super().notify_style_update()

    # --------------------------------------------------------------- events

    def _on_resize(self, event: events.Resize) -> None:
        self._strip_cache.clear()
        self._update_virtual_size()
        self._scroll_cursor_visible()

    def _on_mount(self, event: events.Mount) -> None:
        self._update_virtual_size()
        self.call_after_refresh(self._scroll_cursor_visible)

    async def _on_click(self, event: events.Click) -> None:
        """A click on a row selects it and opens it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self._articles):
            event.stop()
            self.move_cursor(index)
            self.post_message(self.Opened(self, index, self._articles[index]))

    def watch_empty_message(self) -> None:
        if not self._articles:
            self.refresh()

    # -------------------------------------------------------------- helpers

    @property
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _page(self, delta: int) -> None:
        """Move cursor and view together by ``delta`` rows."""
        if not self._articles:
            return
        self._scroll_to_row(self.scroll_offset.y + delta)
        self.move_cursor(self._cursor + delta)

    def _find(self, target: Article, hint: int) -> int:
        """Index of ``target`` in the shown sequence: same object first, else same path.

        A rescan replaces Article objects, so identity alone would lose the
        cursor; comparing dataclasses with ``==`` would be slow and too strict.
        """
        articles = self._articles
        if 0 <= hint < len(articles) and articles[hint] is target:
            return hint
        for index, article in enumerate(articles):
            if article is target:
                return index
        try:
            # str(path) is cached by pathlib once the file has been opened, and
            # comparing strings is several times faster than Path.__eq__.
            return indexOf(map(str, map(_get_path, articles)), str(target.path))
        except ValueError:
            return -1

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._articles))

    def _scroll_to_row(self, row: int) -> None:
        """Make ``row`` the top line (clamped to the list)."""
        top = max(0, min(row, len(self._articles) - self._page_height))
        if top != self.scroll_offset.y:
            self.scroll_to(y=top, animate=False, force=True, immediate=True)

    def _scroll_cursor_visible(self) -> None:
        if not self._articles or not self.is_mounted:
            return
        top = self.scroll_offset.y
        height = self._page_height
        if self._cursor < top:
            self._scroll_to_row(self._cursor)
        elif self._cursor >= top + height:
            self._scroll_to_row(self._cursor - height + 1)


def _title_segments(
    title: str, matches: frozenset[int], style: Style, match_style: Style
) -> list[Segment]:
    """Split the (already cut) title into runs of plain and matched characters."""
    if not matches:
        return [Segment(title, style)] if title else []
    segments: list[Segment] = []
    start = 0
    current = 0 in matches
    for index in range(1, len(title) + 1):
        is_match = index in matches if index < len(title) else not current
        if is_match != current:
            segments.append(Segment(title[start:index], match_style if current else style))
            start = index
            current = is_match
    return segments
