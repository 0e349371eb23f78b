"""The reading pane: one article as rendered Markdown, with find-in-article.

Rendering the largest real articles with Rich takes ~100 ms, so a thread worker
loads the body, asks the body layer what to show (:func:`tui.body.caps.prepare`)
and renders it to lines at the pane's width (:mod:`.render`);
:class:`~tui.app.reader.view.ArticleView` only crops the ready lines.

Opening is progressive: the worker renders and shows the first screenful at
once, then renders the rest chunk by chunk (checking for cancellation between
chunks, so paging through articles never waits on a stale render) and swaps
the whole article in without moving the scroll position. Rendered articles are
kept in an LRU keyed by (path, mtime, width, theme, whole), so going back and
forth with n/p or re-opening is instant; a width change re-renders once the
resize settles.

Huge bodies (issue 6) show only their first part, with a notice at the end;
``ctrl+o`` (``reader.open_full``) renders the whole body.

Images (issue 16): ``i`` (``reader.images``) or ``images = "auto"`` on an opened
article (never a preview) starts a worker that fetches each image through the app's
:class:`~tui.images.ImageStore` and encodes it for the column; each arrival is laid over
the base lines (:mod:`.images`) keeping the line the reader was on.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import ClassVar, Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.app.reader.find import FindBar
from tui.app.reader.image_loading import ImageLoading
from tui.app.reader.render import (
    MIN_WIDTH,
    ArticleRender,
    CacheKey,
    RenderCache,
    Rendered,
    message_lines,
    render_article,
)
from tui.app.reader.resume import ResumeTracker
from tui.app.reader.view import ArticleView
from tui.body.caps import HEAD_MIN_CHARS, Source, prepare
from tui.files.parser import load_body
from tui.model import Article

#: Seconds a width must hold still before the article is re-rendered at it.
RESIZE_SETTLE = 0.1
#: The key that renders a truncated article whole (``reader.open_full``).
OPEN_FULL_KEY = "ctrl+o"
#: Converted bodies kept, so a width change or a re-open skips the conversion.
SOURCES_KEPT = 32

Position = Literal["top", "line", "fraction"]


class Reader(ImageLoading):
    """The reading pane: loads and renders an article in a worker, then shows it.

    State for callers and the benchmark: ``loading_article`` is True from
    :meth:`open` until the first screen of the body shows (``last_open_seconds``),
    ``rendering_article`` until the whole article is in (``last_full_seconds``).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "find", "Find", id="reader.find"),
        # Live only while a truncated article is shown (see check_action).
        Binding(OPEN_FULL_KEY, "open_full", "Whole article", id="reader.open_full"),
        # Live only for an opened article when images are not "off" (see check_action).
        Binding("i", "load_images", "Images", id="reader.images"),
    ]

    class Loaded(Message):
        """The article's body is loaded and rendered (for the sidebar's statistics)."""

        def __init__(self, article: Article, text: str, seconds: float) -> None:
            super().__init__()
            self.article = article
            self.text = text
            self.seconds = seconds

    class RenderReady(Message):
        """Lines from the render worker for open number ``token`` (posted from its thread).

        ``source`` is None for the first screen of a progressive open, else the whole
        article is in. The pane handles it itself; it does not bubble.
        """

        bubble = False

        def __init__(
            self, token: int, rendered: Rendered, source: Source | None, position: Position
        ) -> None:
            super().__init__()
            self.token = token
            self.rendered = rendered
            self.source = source
            self.position: Position = position

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._token = 0

        #: The article shown (or loading), None while the pane is empty.
        self.article: Article | None = None
        #: Rendered articles by (path, mtime, width, theme, whole).
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
        #: The text column's cap in cells (0: the whole pane); the view centres it.
        self.reading_width = 0
        #: The article shown is only a preview of the list's cursor (not opened).
        self.previewing = False
        #: (path, mtime) of articles the user asked to see whole (ctrl+o).
        self._whole: set[tuple[str, float]] = set()
        self._bindings_truncated = False
        self._bindings_images = False
        #: Where the user stopped in the opened article: restored, measured, saved.
        self.resume = ResumeTracker(self)
        self._resume_watching = False

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

    def column_width(self) -> int:
        """The text column's width: the pane's, capped at ``reading_width``."""
        return self._width()

    def _width(self) -> int:
        width = self.view.content_width
        if self.reading_width > 0:
            width = min(width, self.reading_width)
        return max(MIN_WIDTH, width)

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
        if action == "load_images":
            return self.images_live()
        return True

    def _sync_bindings(self) -> None:
        """Tell the footer when ctrl+o or i comes or goes, and only then (a footer
        refresh on every article opened would be bytes on the wire for nothing)."""
        live = self.images_live()
        if self.truncated != self._bindings_truncated or live != self._bindings_images:
            self._bindings_truncated = self.truncated
            self._bindings_images = live
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

    def preview(self, article: Article) -> None:
        """Show ``article`` as a preview of the list's cursor (the screen debounces).

        Like :meth:`open`, without the "Loading…" placeholder: the last preview
        stays until the new one's first screen is ready, so a preview costs one
        repaint of the pane on the wire.
        """
        self.open(article, preview=True)

    def open(self, article: Article, *, preview: bool = False) -> None:
        """Show ``article``: from the cache at once, else the header, then its first
        screen, then the whole, as the worker renders them."""
        self._resume_open(article, preview)
        was_previewed = self.previewing and self.article is article
        self.images_on_open(article, preview)
        self.previewing = preview
        if was_previewed and not preview and (self.loading_article or self.rendering_article):
            self._sync_bindings()
            return  # opening the preview being rendered: let that render go on
        self._token += 1
        self.article = article
        self._sync_bindings()
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
        if not preview:
            self.view.set_rendered(render_article(article, None, width))
        self._sync_bindings()
        self._start(article, width, progressive=True, position="top")

    def clear(self) -> None:
        """Forget the article (the directory changed or it vanished)."""
        self._token += 1
        self.workers.cancel_group(self, "reader")
        self.drop_images()
        self.resume.close()
        self.article = None
        self.previewing = False
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
        if source is None:
            body = load_body(article) or ""
            if worker.is_cancelled:
                return
            source = prepare(body, whole=whole)
            del body
        if worker.is_cancelled:
            return
        chunks = source.chunks(head_chars)
        render = ArticleRender(article, width)
        render.add(chunks[0])
        if len(chunks) > 1 and head_chars:
            if worker.is_cancelled:
                return
            self.post_message(self.RenderReady(token, render.head(source), None, position))
            position = "line"
        source = source.described()  # the statistics' text, once the first screen is up
        for chunk in chunks[1:]:
            if worker.is_cancelled:
                return
            time.sleep(0)  # let the UI thread have the GIL between chunks
            render.add(chunk)
        if worker.is_cancelled:
            return
        rendered = render.done(source, OPEN_FULL_KEY)
        self.post_message(self.RenderReady(token, rendered, source, position))

    def on_reader_render_ready(self, message: RenderReady) -> None:
        """Swap in lines from the worker (on the UI thread), unless superseded."""
        token, rendered, source, position = (
            message.token,
            message.rendered,
            message.source,
            message.position,
        )
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
        while len(self._sources) > SOURCES_KEPT:
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
        rendered, overlays = self.lay_images(rendered)
        view.set_rendered(
            rendered, keep_position=position == "fraction", keep_line=position == "line"
        )
        view.set_overlays(overlays)
        self._sync_bindings()
        find_bar = self.query_one(FindBar)
        if find_bar.has_class("-visible") and find_bar.input.value:
            total = view.find(find_bar.input.value, scroll=position == "top", prefer=current)
            find_bar.set_count(view.match_index + 1, total)
        self.resume.swapped()

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
        # The box just shown takes a line from the view once laid out: a match
        # on the view's last line (an article already rendered by its preview)
        # would end up hidden under it, so check again after that layout.
        self.call_after_refresh(self.view.show_current_match)
        return total

    @on(Loaded)
    def _find_when_loaded(self, event: Loaded) -> None:
        """Not stopped: the screen's handler runs too."""
        pending = self._find_pending
        if pending is not None and pending[0] is event.article:
            self._find_pending = None
            if event.article is self.article:
                self._show_find(pending[1])

    # -- resume where you stopped (:mod:`.resume`) ----------------------------------

    def _resume_open(self, article: Article, preview: bool) -> None:
        """Save the last opened article's position; track ``article`` unless it is a preview."""
        if not self._resume_watching:
            self._resume_watching = True
            self.watch(self.view, "scroll_y", self._resume_scrolled, init=False)
        if preview:
            self.resume.close()
        else:
            self.resume.opened(article)

    def _resume_scrolled(self) -> None:
        self.resume.scrolled()

    def on_unmount(self) -> None:
        """Save the opened article's position (the app is quitting)."""
        self.resume.close()
