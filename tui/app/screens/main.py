"""The one main screen: composes the panes and routes messages between them.

Widgets never reach into their siblings; they post messages (the list's cursor
moved, an article was opened, the filter changed) and this screen calls
methods on the others. Blocking work runs in thread workers (loading in
:mod:`tui.app.services.loader`, filtering and counting here, computed by
:mod:`tui.app.services.views`), and every result comes back one way: a typed
message from :mod:`tui.app.messages`, posted from the worker.

Why one piece (~800 lines): every binding id on this screen (``main.*``,
``state.*``, ``view.*``, ``search.*``) is part of the user's keymap, so the actions
stay on the screen; what they do to the panes is the routing this module is for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Paste, Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from tui.app.messages import (
    FacetsCounted,
    FilterDone,
    FulltextDone,
    HighlightsDone,
    LibraryChanged,
    MarksCounted,
    Notice,
)
from tui.app.reader import Reader
from tui.app.screens.dialogs import ConfirmScreen, NameScreen
from tui.app.services import views
from tui.app.services.loader import Loader
from tui.app.widgets.article_list import HIGHLIGHT_CHUNK, ArticleList, ViewMarks
from tui.app.widgets.browser import Browser, with_browser_term
from tui.app.widgets.filter_bar import FilterBar
from tui.app.widgets.header import HeaderLine
from tui.app.widgets.sidebar import Sidebar
from tui.library import Filtered, Library
from tui.model import Article
from tui.search import query as query_language
from tui.search import sort as sort_order
from tui.store.config import Config
from tui.store.state import SavedSearch, StateError, StateStore

#: The sidebar shows by default from this width on; below it `s` toggles it.
SIDEBAR_MIN_WIDTH = 120
#: Below this width the list and the reader take turns at the full width.
SPLIT_MIN_WIDTH = 100
#: The empty reading pane: short lines, so it reads well in a 40-column pane
#: (one long sentence wrapped with a lone "it." at 120 columns).
EMPTY_READER = (
    "No article open.\n\nEnter reads the highlighted one.\n/ filters the list, ? lists keys."
)
#: C0/C1 control characters: a paste is data, never terminal control.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Lists up to this long have their reading state counted on the spot (a few ms).
_COUNT_IN_PLACE = 20_000
#: How often marks made by another newsdeck (same user, same state file) are picked up.
STATE_REFRESH_SECONDS = 2.0
#: The filter is remembered for the directory once typing pauses this long.
SAVE_FILTER_SECONDS = 1.0


class MainScreen(Screen[None]):
    """List + filter on the left, reader in the middle, sidebar on the right."""

    # Textual declares this an instance attribute, so it cannot be a ClassVar here.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (SPLIT_MIN_WIDTH, "-medium"),
        (SIDEBAR_MIN_WIDTH, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the App runs it in order with the keys queued behind it, so
        # "/nato" arriving in one burst (SSH, tmux send-keys) types "nato" into
        # the filter instead of the list's `n`/`o` bindings. A focused text box
        # still gets "/" as a letter (the action skips itself there).
        Binding("slash", "focus_filter", "Filter", priority=True, id="main.filter"),
        Binding("n", "step_article(1)", "Next article", show=False, id="main.next"),
        Binding("p", "step_article(-1)", "Previous article", show=False, id="main.previous"),
        Binding("o", "open_url", "Open URL", id="main.open_url"),
        # Not in the footer (80 columns fit only so much): `?` and ctrl+p list it.
        Binding("y", "copy_url", "Copy URL", show=False, id="main.copy_url"),
        Binding("s", "toggle_sidebar", "Sidebar", id="main.toggle_sidebar"),
        Binding("exclamation_mark,e", "problems", "Problems", show=False, id="main.problems"),
        # Only `c` joins the footer (80 columns hold no more); `?` and ctrl+p list the rest.
        Binding("m", "toggle_read", "Read/unread", show=False, id="state.toggle_read"),
        Binding("M", "mark_view_read", "Mark shown read", show=False, id="state.mark_view_read"),
        Binding("f", "toggle_star", "Star/unstar", show=False, id="state.toggle_star"),
        Binding("S", "cycle_sort", "Sort: date, title, source", show=False, id="view.sort"),
        Binding("c", "toggle_browser", "Sources", id="view.browser"),
        Binding("w", "save_search", "Save the filter as a search", show=False, id="search.save"),
        Binding("escape", "back", "Back", id="main.back"),
    ]

    def __init__(
        self, root: Path, *, store: StateStore | None = None, config: Config | None = None
    ) -> None:
        super().__init__()
        self.root = root
        self.config = config if config is not None else Config()
        #: Read/starred marks, views and saved searches (the App opens it once).
        self.store = store if store is not None else StateStore.in_memory()
        self.library = Library(root, pinyin=self.config.pinyin)
        view = self.store.view(root)
        #: One of :data:`tui.search.sort.SORTS`; remembered per directory.
        self.sort = view.sort if view.sort in sort_order.SORTS else self.config.default_sort
        self._restore_filter = view.filter
        self._saved_filter = view.filter
        self._save_filter_timer: Timer | None = None
        #: Bumped by every change of reading state: the shown marks are then stale.
        self._marks_version = 0
        #: (id, length of the shown list, marks version) the list's marks were counted for.
        self._marks_key: tuple[int, int, int] | None = None
        self.scanning = False
        self.files_seen = 0
        self.query_text = ""
        #: The query whose result the list shows (it lags :attr:`query_text` while typing).
        self.shown_query = ""
        #: The last filter result shown: the next, longer query may narrow it.
        self.filtered: Filtered | None = None
        #: The fuzzy words the shown rows highlight (None: no highlights).
        self._highlight_text: str | None = None
        self._shown_count = 0
        self._sidebar_choice: bool | None = None
        #: Index, reconcile worker and watcher; None until mounted on a directory.
        self.loader: Loader | None = None
        #: str(path) -> the text of a full-text result's first match (what the reader finds).
        self._fulltext_terms: dict[str, str] = {}
        #: The full-text query last shown: showing it again (live updates) keeps the cursor.
        self._fulltext_shown: str | None = None

    def compose(self) -> ComposeResult:
        yield HeaderLine(id="header-line")
        with Horizontal(id="panes"):
            yield Browser(id="browser")
            with Vertical(id="list-pane"):
                yield FilterBar(id="filter")
                yield Static("", id="query-errors")
                yield ArticleList(id="list")
            reader = Reader(id="reader")
            reader.empty_message = EMPTY_READER
            yield reader
            yield Sidebar(id="sidebar")
        yield Footer(compact=True)

    # -- widgets --------------------------------------------------------------

    @property
    def article_list(self) -> ArticleList:
        """The list widget."""
        return self.query_one("#list", ArticleList)

    @property
    def reader(self) -> Reader:
        """The reading pane."""
        return self.query_one("#reader", Reader)

    @property
    def sidebar(self) -> Sidebar:
        """The metadata pane."""
        return self.query_one("#sidebar", Sidebar)

    @property
    def filter_bar(self) -> FilterBar:
        """The filter box."""
        return self.query_one("#filter", FilterBar)

    # -- start-up and loading ---------------------------------------------------

    def on_mount(self) -> None:
        """Show the state, restore the directory's filter, start loading and polling."""
        self.article_list.focus()
        self.article_list.set_marks(ViewMarks())
        if self._restore_filter:
            self.filter_bar.value = self._restore_filter
            self.filter_bar.cursor_position = len(self._restore_filter)
        self.set_interval(STATE_REFRESH_SECONDS, self.poll_state)
        if not self.root.is_dir():
            what = "does not exist" if not self.root.exists() else "is not a directory"
            self.article_list.empty_message = f"{self.root} {what}."
            self.article_list.show([])
            self.notify(f"{self.root} {what}.", title="Nothing to show", severity="error")
            self._update_header()
            return
        self.article_list.empty_message = "Reading the directory…"
        self.article_list.show([])
        self.scanning = True
        self._update_header()
        self.loader = Loader(self.library, self.root, self.post_message)
        self.run_worker(
            self.loader.run,
            thread=True,
            group="index",
            name="index",
            description="load and reconcile the index",
            exit_on_error=False,
        )

    def on_unmount(self) -> None:
        """Stop watching and close the index (waits for the loader to reach a safe point)."""
        if self.loader is not None:
            self.loader.close()

    @on(Notice)
    def _notice(self, event: Notice) -> None:
        event.stop()
        self.notify(event.text, title=event.title, severity="warning", markup=False)

    @on(LibraryChanged)
    def _library_changed(self, event: LibraryChanged) -> None:
        """Re-show the current view from the grown (or changed) library."""
        event.stop()
        self.files_seen = self.library.total_files
        self.scanning = not event.done
        if event.done and not len(self.library):
            unreadable = len(self.library.problems)
            self.article_list.empty_message = f"No articles in {self.root}." + (
                f" {unreadable} file(s) could not be read: press ! to see why."
                if unreadable
                else ""
            )
        self._rerun_view()
        self._update_header()

    def _rerun_view(self) -> None:
        fulltext = self.query_text.lstrip()
        if fulltext.startswith("?"):
            self._run_fulltext(fulltext[1:])
        elif self.query_text.strip() or self.sort != sort_order.DEFAULT_SORT:
            self._run_filter(self.query_text)
        else:
            self.shown_query = self.query_text
            self._show_articles(self.library.newest_first(), None, keep_current=True)

    # -- list and filter ---------------------------------------------------------

    def _show_articles(
        self,
        articles: list[Article],
        text: str | None,
        *,
        keep_current: bool,
        highlights: Sequence[Sequence[int]] = (),
    ) -> None:
        """Show a view; ``text``: the fuzzy words its rows highlight (None: none)."""
        # A new ranking puts the cursor on the best match; otherwise it stays put.
        target = self.article_list.article if keep_current else (articles[0] if articles else None)
        self._highlight_text = text
        self.article_list.show(
            articles, highlights, keep_cursor_on=target, more_highlights=text is not None
        )
        self._shown_count = len(articles)
        self._show_sidebar(self.article_list.article)
        self._update_header()

    @on(FilterBar.Changed, "#filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        event.stop()
        had_query = bool(self.query_text)
        self.query_text = event.value
        if bool(event.value) != had_query:
            # Esc "Back" comes and goes with the query (`_can_go_back` tests the
            # raw value): refreshing the footer on every key resent it each time.
            self.refresh_bindings()
        self._schedule_save_filter()
        text = event.value.lstrip()
        if text.startswith("?"):
            self._run_fulltext(text[1:])
            return
        self._run_filter(event.value)

    @work(
        thread=True,
        exclusive=True,
        group="fulltext",
        description="full-text search",
        exit_on_error=False,
    )
    def _run_fulltext(self, query: str) -> None:
        """Full-text search (``?words``) in the index, in a thread; a newer one cancels this."""
        worker = get_current_worker()
        loader = self.loader
        hits = loader.search(query) if loader is not None and query.strip() else []
        if not worker.is_cancelled:
            self.post_message(FulltextDone(query, hits))

    @on(FulltextDone)
    def _show_fulltext(self, event: FulltextDone) -> None:
        """Full-text hits in the list, best first, each title followed by its snippet."""
        event.stop()
        query = event.query
        text = self.query_text.lstrip()
        if not text.startswith("?") or text[1:] != query:
            return  # typing went on
        rows = views.FulltextRows(self.library, event.hits)
        self._fulltext_terms = rows.terms
        if self.loader is None or self.loader.fell_back:
            message = "Full-text search needs the index, which could not be opened."
        elif query.strip():
            message = "No article contains that. Esc clears the search."
        else:
            message = "Type words after ? to search the article text."
        self.article_list.empty_message = message
        same = self._fulltext_shown == query
        self._fulltext_shown = query
        articles = rows.articles
        target = self.article_list.article if same else (articles[0] if articles else None)
        self._highlight_text = None
        self.shown_query = self.query_text
        self.article_list.show_snippets(articles, rows.snippets, keep_cursor_on=target)
        self._shown_count = len(articles)
        self._show_sidebar(self.article_list.article)
        self._update_header()

    def _find_fulltext_match(self, article: Article) -> None:
        """Opening a full-text result: the reader scrolls to the match and marks it."""
        if self.query_text.lstrip().startswith("?"):
            term = self._fulltext_terms.get(str(article.path))
            if term:
                self.reader.find_on_open(term)

    @work(thread=True, exclusive=True, group="filter", description="filter", exit_on_error=False)
    def _run_filter(self, query: str) -> None:
        """Apply the query language in a thread; a newer keystroke cancels this one."""
        worker = get_current_worker()
        store = self.store
        result = self.library.filtered(
            query,
            self.filtered,
            should_stop=lambda: worker.is_cancelled,
            sort=self.sort,
            is_read=store.is_read,
            is_starred=store.is_starred,
        )
        if result.cancelled or worker.is_cancelled:
            return
        highlights = views.first_highlights(self.library, result)
        if not worker.is_cancelled:
            self.post_message(FilterDone(result, highlights))

    @on(FilterDone)
    def _show_filtered(self, event: FilterDone) -> None:
        event.stop()
        result = event.result
        if result.query != self.query_text:
            return  # typing went on; a newer result is coming
        self.filtered = result
        query = result.query.strip()
        self._show_query_errors(result.errors)
        if query:
            self.article_list.empty_message = "No article matches the filter. Esc clears it."
        self.shown_query = result.query
        # Only the fuzzy words are highlighted: `src:x` does not mark title letters.
        self._show_articles(
            result.articles,
            result.text.strip() or None,
            keep_current=not query,
            highlights=event.highlights,
        )

    @on(ArticleList.HighlightsWanted, "#list")
    def _highlights_wanted(self, event: ArticleList.HighlightsWanted) -> None:
        event.stop()
        text = self._highlight_text
        if text is None or event.token != self.article_list.show_token:
            return
        rows = self.article_list.articles[event.start : event.start + HIGHLIGHT_CHUNK]
        self._highlight_rows(event.token, event.start, text, list(rows))

    @work(thread=True, group="highlights", description="highlight titles", exit_on_error=False)
    def _highlight_rows(self, token: int, start: int, text: str, rows: list[Article]) -> None:
        self.post_message(HighlightsDone(token, start, self.library.highlights(text, rows)))

    @on(HighlightsDone)
    def _highlights_done(self, event: HighlightsDone) -> None:
        event.stop()
        self.article_list.add_highlights(event.token, event.start, event.highlights)

    def _show_query_errors(self, errors: tuple[str, ...]) -> None:
        """Problems in the query, one line under the filter box (the rest still applies)."""
        line = self.query_one("#query-errors", Static)
        line.update(Text("⚠ " + "; ".join(errors)) if errors else "")
        line.set_class(bool(errors), "-visible")

    @on(FilterBar.Leave)
    def _filter_leave(self, event: FilterBar.Leave) -> None:
        event.stop()
        self._save_filter()
        self.article_list.focus()

    # -- routing between panes ------------------------------------------------------

    @on(ArticleList.CursorMoved)
    def _cursor_moved(self, event: ArticleList.CursorMoved) -> None:
        event.stop()
        self._show_sidebar(event.article)

    @on(ArticleList.Opened)
    def _opened(self, event: ArticleList.Opened) -> None:
        event.stop()
        self.open_article(event.article)

    @on(Reader.Loaded)
    def _loaded(self, event: Reader.Loaded) -> None:
        event.stop()
        self.sidebar.set_text(event.article, event.text)

    def open_article(self, article: Article | None) -> None:
        """Show ``article`` in the reader and give the reader the focus."""
        if article is None:
            return
        self._show_sidebar(article)
        self.reader.open(article)
        self._find_fulltext_match(article)
        self.add_class("-reading")
        self.reader.view.focus()
        if self.config.mark_read_on_open and not self.store.is_read(article):
            self._change_marks(lambda: self.store.set_read([article]), [article])

    # -- layout ----------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._apply_sidebar()

    def _apply_sidebar(self) -> None:
        wide = self.size.width >= SIDEBAR_MIN_WIDTH
        visible = wide if self._sidebar_choice is None else self._sidebar_choice
        self.set_class(visible, "-sidebar")

    # -- actions -------------------------------------------------------------------------

    def current_article(self) -> Article | None:
        """The article the user is looking at: the reader's when it has focus."""
        if self.reader.has_focus_within and self.reader.article is not None:
            return self.reader.article
        return self.article_list.article or self.reader.article

    def action_focus_filter(self) -> None:
        """`/`: type to filter.

        Focus moves *now* (``set_focus``, not ``focus()`` which defers it), so the
        keys already queued behind `/` are forwarded to the filter. In a text
        box `/` is a letter: see :meth:`check_action`.
        """
        self.remove_class("-reading")
        self.set_focus(self.filter_bar)

    def on_paste(self, event: Paste) -> None:
        """A paste outside a text box filters (``/`` in front is the filter key)."""
        if isinstance(self.focused, Input):
            return
        event.stop()
        text = " ".join(_CONTROL.sub("", event.text).split())
        text = text.removeprefix("/").lstrip()
        if not text:
            return
        self.remove_class("-reading")
        self.set_focus(self.filter_bar)
        self.filter_bar.value = text
        self.filter_bar.cursor_position = len(text)

    def action_step_article(self, step: int) -> None:
        """`n`/`p`: the next or previous article in the shown order, opened."""
        article_list = self.article_list
        before = article_list.article
        article_list.move_cursor(article_list.cursor + step)
        article = article_list.article
        if article is not None and (article is not before or self.reader.article is not article):
            self.open_article(article)

    def action_open_url(self) -> None:
        """`o`: open the article's URL in the browser."""
        article = self.current_article()
        if article is None or not article.url:
            self.notify("This article has no URL.", severity="warning")
            return
        self.app.open_url(article.url)
        self.notify(article.url, title="Opening", markup=False)

    def action_copy_url(self) -> None:
        """`y`: copy the article's URL (OSC 52: works over SSH in most terminals)."""
        article = self.current_article()
        if article is None or not article.url:
            self.notify("This article has no URL.", severity="warning")
            return
        self.app.copy_to_clipboard(article.url)
        self.notify(article.url, title="Copied URL", markup=False)

    def action_toggle_sidebar(self) -> None:
        """`s`: show or hide the metadata sidebar."""
        self._sidebar_choice = not self.has_class("-sidebar")
        self._apply_sidebar()

    def action_find_in_article(self) -> None:
        """Open the find box of the reader (when an article is open)."""
        if self.reader.article is None:
            self.notify("Open an article first (Enter).", severity="warning")
            return
        self.add_class("-reading")
        self.reader.action_find()

    def action_problems(self) -> None:
        """`!`/`e`: the files that could not be read, and why."""
        from tui.app.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.library.problems, self.root))

    def action_open_selected(self) -> None:
        """Open the article under the list's cursor (the palette's "Open article")."""
        article = self.article_list.article
        if article is None:
            self.notify("No article to open.", severity="warning")
            return
        self.open_article(article)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys are live now (the footer shows only those).

        `/` in a text box is a letter: Textual 8.2 does not drop a priority
        "slash" binding for a focused Input (``key_to_character("slash")`` is
        None), so it is switched off here and the key reaches the box. Esc shows
        as "Back" only when there is somewhere to go back from.
        """
        if action == "focus_filter":
            return not isinstance(self.focused, Input)
        if action == "back":
            return self._can_go_back()
        return True

    def _can_go_back(self) -> bool:
        list_hidden = self.has_class("-narrow") and self.has_class("-reading")
        return bool(
            self.reader.has_focus_within
            or list_hidden
            or self.filter_bar.value
            or (self.focused is not None and self.focused is not self.article_list)
        )

    def action_back(self) -> None:
        """Esc, one step back: reader → list, then a filter → cleared.

        Decided by where the focus is, not by the ``-reading`` class: at wide
        widths that class stays on while the list has focus, and Esc there
        should clear the filter rather than do nothing visible.
        """
        list_hidden = self.has_class("-narrow") and self.has_class("-reading")
        if self.reader.has_focus_within or list_hidden:
            self.remove_class("-reading")
            self.set_focus(self.article_list)
        elif self.filter_bar.value:
            self.filter_bar.value = ""
            self.set_focus(self.article_list)
        else:
            self.remove_class("-reading")
            self.set_focus(self.article_list)

    def _update_header(self) -> None:
        self._count_marks()
        marks = self.article_list.marks
        self.query_one(HeaderLine).set_state(
            shown=self._shown_count,
            total=len(self.library),
            root=self.root,
            scanning=self.scanning,
            files_seen=self.files_seen,
            problems=len(self.library.problems),
            query=self.query_text,
            unread=marks.unread if marks is not None else 0,
            sort=self.sort,
        )

    # -- reading state -------------------------------------------------------------------

    def _show_sidebar(self, article: Article | None) -> None:
        marks = None
        if article is not None:
            marks = (self.store.is_read(article), self.store.is_starred(article))
        self.sidebar.show(article, marks)

    def _count_marks(self) -> None:
        """Give the list the reading state of what it shows (once per list and marks version).

        A long list is counted in a worker (~80 ms at 100,000): meanwhile the
        list and the header keep the previous marks, redrawn when the new ones arrive.
        """
        shown = self.article_list.articles
        key = (id(shown), len(shown), self._marks_version)
        if key == self._marks_key:
            return
        if self._marks_key is None or len(shown) <= _COUNT_IN_PLACE:
            self._marks_key = key
            self.article_list.set_marks(views.view_marks(self.store, shown))
            return
        self._count_marks_in_worker(shown, key)

    @work(thread=True, exclusive=True, group="counts", description="count unread articles")
    def _count_marks_in_worker(self, shown: Sequence[Article], key: tuple[int, int, int]) -> None:
        marks = views.view_marks(self.store, shown)
        if not get_current_worker().is_cancelled:
            self.post_message(MarksCounted(key, marks))

    @on(MarksCounted)
    def _marks_counted(self, event: MarksCounted) -> None:
        event.stop()
        shown = self.article_list.articles
        if event.key == (id(shown), len(shown), self._marks_version):
            self._marks_key = event.key
            self.article_list.set_marks(event.marks)
            self._update_header()

    def poll_state(self) -> None:
        """Marks made by another newsdeck of the same user show within a few seconds."""
        if self.store.refresh():
            self._marks_changed(())

    def _marks_changed(self, changed: Iterable[Article]) -> None:
        """Redraw everything that shows reading state; ``changed``: the articles it changed for.

        Their rows are redrawn at once, before a long list is recounted.
        """
        self._marks_version += 1
        marks = self.article_list.marks
        if marks is not None:
            read, starred = set(marks.read), set(marks.starred)
            for article in changed:
                key = str(article.path)
                (read.add if self.store.is_read(article) else read.discard)(key)
                (starred.add if self.store.is_starred(article) else starred.discard)(key)
            patched = ViewMarks(frozenset(read), frozenset(starred), marks.unread)
            self.article_list.set_marks(patched)
        self._show_sidebar(self.sidebar.article)
        self._update_header()
        if self.browser.display:
            self._fill_browser()

    def _change_marks(self, change: Callable[[], object], articles: Iterable[Article]) -> bool:
        """Run a store write for ``articles``; a failure is a notification, not a crash."""
        try:
            change()
        except StateError as exc:
            self.notify(str(exc), title="Reading state", severity="error", markup=False)
            return False
        self._marks_changed(articles)
        return True

    def action_toggle_read(self) -> None:
        """`m`: flip read/unread of the article under the cursor (or in the reader)."""
        article = self.current_article()
        if article is not None:
            self._change_marks(lambda: self.store.toggle_read(article), [article])

    def action_toggle_star(self) -> None:
        """`f`: star or unstar the article under the cursor (or in the reader)."""
        article = self.current_article()
        if article is not None:
            self._change_marks(lambda: self.store.toggle_star(article), [article])

    def action_mark_view_read(self) -> None:
        """`M`: mark every article of the current view read, after a y/n question."""
        articles = list(self.article_list.articles)
        unread = self.store.unread_count(articles)
        if not unread:
            self.notify("Everything shown is already read.")
            return
        noun = "article" if unread == 1 else "articles"

        def answered(yes: bool | None) -> None:
            if yes:
                self._change_marks(lambda: self.store.set_read(articles), articles)

        self.app.push_screen(
            ConfirmScreen(f"Mark {unread:,} unread {noun} in this view as read?"), answered
        )

    def action_cycle_sort(self) -> None:
        """`S`: date ↓, date ↑, title ↑, title ↓, source ↑, source ↓; remembered per directory."""
        self.sort = sort_order.next_sort(self.sort)
        try:
            self.store.save_view(self.root, sort=self.sort)
        except StateError as exc:
            self.notify(str(exc), title="Reading state", severity="warning", markup=False)
        self.filtered = None
        self._update_header()
        self._run_filter(self.query_text)

    @property
    def browser(self) -> Browser:
        """The source/category browser."""
        return self.query_one("#browser", Browser)

    def action_toggle_browser(self) -> None:
        """`c`: show the source/category browser (and focus it), or hide it."""
        browser = self.browser
        if browser.display and not browser.has_focus_within:
            browser.focus_list()
            return
        browser.display = not browser.display
        if browser.display:
            self.remove_class("-reading")
            self._fill_browser()
            # Focus once it is laid out: a widget still hidden cannot take focus.
            self.call_after_refresh(browser.focus_list)
        else:
            self.set_focus(self.article_list)

    def _fill_browser(self) -> None:
        """Recount the browser's sources and categories (in a worker: ~0.2 s at 100,000)."""
        self._count_facets(self.library.newest_first(), self.store.saved_searches())

    @work(thread=True, exclusive=True, group="facets", description="count sources and categories")
    def _count_facets(self, articles: list[Article], saved: list[SavedSearch]) -> None:
        facets = query_language.facets(articles, self.store.is_read)
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsCounted(facets, saved))

    @on(FacetsCounted)
    def _facets_counted(self, event: FacetsCounted) -> None:
        event.stop()
        self.browser.show_facets(event.facets, event.saved)

    @on(Browser.Chosen)
    def _browser_chosen(self, event: Browser.Chosen) -> None:
        event.stop()
        if event.saved:
            value = event.term or ""
        else:
            value = with_browser_term(self.filter_bar.value, event.term, replace_all=True)
        self.filter_bar.value = value
        self.filter_bar.cursor_position = len(value)
        self._save_filter()
        self.set_focus(self.article_list)

    @on(Browser.DeleteSaved)
    def _browser_delete(self, event: Browser.DeleteSaved) -> None:
        event.stop()
        try:
            self.store.delete_search(event.name)
        except StateError as exc:
            self.notify(str(exc), title="Saved searches", severity="error", markup=False)
            return
        self.notify(f"Deleted saved search {event.name}", markup=False)
        self._fill_browser()

    def action_save_search(self) -> None:
        """`w`: save the current filter under a name (listed in the browser)."""
        query = self.filter_bar.value.strip()
        if not query:
            self.notify("Type a filter first (/), then save it.", severity="warning")
            return

        def named(name: str | None) -> None:
            if not name:
                return
            try:
                self.store.save_search(name, query)
            except (StateError, ValueError) as exc:
                self.notify(str(exc), title="Saved searches", severity="error", markup=False)
                return
            self.notify(f"{name}: {query}", title="Saved search", markup=False)
            if self.browser.display:
                self._fill_browser()

        self.app.push_screen(NameScreen(f"Save the filter “{query}” as:"), named)

    def _schedule_save_filter(self) -> None:
        """Remember the filter once typing pauses (not on every keystroke: each is a write)."""
        if self._save_filter_timer is not None:
            self._save_filter_timer.stop()
        self._save_filter_timer = self.set_timer(SAVE_FILTER_SECONDS, self._save_filter)

    def _save_filter(self) -> None:
        """Remember the filter for this directory (restored on the next start)."""
        if self._save_filter_timer is not None:
            self._save_filter_timer.stop()
            self._save_filter_timer = None
        value = self.filter_bar.value
        if value == self._saved_filter:
            return
        try:
            self.store.save_view(self.root, filter=value)
        except StateError:
            return  # the store already warned at start-up when it is not writable
        self._saved_filter = value
