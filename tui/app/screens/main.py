"""The one main screen: composes the panes and routes messages between them.

Widgets never reach into their siblings; they post messages (a view was shown,
the list's cursor moved, an article was opened) and this screen calls methods
on the others. The list pane (:mod:`tui.app.widgets.list_pane`) runs the filter
and its workers; loading runs in :mod:`tui.app.services.loader`. Every binding
id here (``main.*``, ``state.*``, ``view.*``, ``search.*``) is part of the user's
keymap, so the actions stay on the screen and call into the panes: that is why
it is one piece (~650 lines) rather than a screen per concern.

Copies of one text are one entry (:mod:`tui.app.services.dupes` says the rules):
opening one opens the fullest copy, marks apply to every copy, `D` shows them
separately and `r` shows the story's related coverage as a timeline in the list.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import DescendantFocus, Paste, Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from tui.app import preload
from tui.app.messages import LibraryChanged, Notice, ViewMarks
from tui.app.reader import Reader
from tui.app.reader.resume import ReadingProgress
from tui.app.screens.dialogs import ConfirmScreen, NameScreen
from tui.app.screens.layout import PaneWidths, plan_panes
from tui.app.services.loader import Loader
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.browser import Browser
from tui.app.widgets.filter_bar import FilterBar
from tui.app.widgets.header import HeaderLine
from tui.app.widgets.list_pane import ListPane, pasted_query
from tui.app.widgets.sidebar import Sidebar
from tui.library import Library
from tui.model import Article
from tui.store.config import Config
from tui.store.state import StateStore

#: The empty reading pane (no article open, and nothing to preview): short
#: lines, so it reads well in a narrow pane.
EMPTY_READER = (
    "No article open.\n\nEnter reads the highlighted one.\n/ filters the list, ? lists keys."
)
#: Seconds the list's cursor must rest before the reader previews its article:
#: holding `j` sends only the list's moves, the preview follows once it stops.
PREVIEW_DELAY = 0.15
#: How often marks made by another newsdeck (same user, same state file) are picked up.
STATE_REFRESH_SECONDS = 2.0


class MainScreen(Screen[None]):
    """List + filter on the left, reader in the middle, sidebar on the right.

    The panes' widths come from :func:`~tui.app.screens.layout.plan_panes`
    (see :meth:`_apply_layout`); classes: ``-turns`` (the list and the reader
    take turns), ``-reading`` (an article was opened), ``-sidebar``.
    """

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
        Binding("D", "toggle_duplicates", "Fold copies", show=False, id="view.fold_duplicates"),
        Binding("r", "related", "Related coverage (timeline)", show=False, id="main.related"),
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
        # serve ssh's forked sessions start from the library their zygote loaded.
        self.library = preload.take(root, self.config.pinyin) or Library(
            root, pinyin=self.config.pinyin
        )
        self.scanning = False
        self.files_seen = 0
        #: The user's `s` choice (None: the default for the width); while the
        #: browser is open, `s` sets ``_sidebar_with_browser`` instead.
        self._sidebar_choice: bool | None = None
        self._sidebar_with_browser: bool | None = None
        #: The widths last applied (None before the first layout).
        self.panes: PaneWidths | None = None
        self._preview_timer: Timer | None = None
        #: How far the open article is read, for the header (``42%``; empty when none).
        self._progress = ""
        #: Index, reconcile worker and watcher; None until mounted on a directory.
        self.loader: Loader | None = None

    def compose(self) -> ComposeResult:
        yield HeaderLine(id="header-line")
        with Horizontal(id="panes"):
            yield Browser(self.library, self.store, id="browser")
            yield ListPane(
                self.library,
                self.store,
                self.root,
                default_sort=self.config.default_sort,
                fold_duplicates=self.config.fold_duplicates,
                id="list-pane",
            )
            reader = Reader(id="reader")
            reader.empty_message = EMPTY_READER
            reader.reading_width = self.config.reading_width
            yield reader
            yield Sidebar(id="sidebar")
        yield Footer(compact=True)

    # -- widgets --------------------------------------------------------------

    @property
    def list_pane(self) -> ListPane:
        """The filter box and the article list, with the work behind them."""
        return self.query_one("#list-pane", ListPane)

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
        self._apply_layout()
        self.list_pane.restore_filter()
        self.set_interval(STATE_REFRESH_SECONDS, self.poll_state)
        if not self.root.is_dir():
            what = "does not exist" if not self.root.exists() else "is not a directory"
            self.list_pane.show_nothing(f"{self.root} {what}.")
            self.notify(f"{self.root} {what}.", title="Nothing to show", severity="error")
            self._update_header()
            return
        self.list_pane.show_nothing("Reading the directory…")
        self.scanning = True
        self._update_header()
        self.loader = Loader(self.library, self.root, self.post_message)
        self.list_pane.loader = self.loader
        self.sidebar.related_source = self.loader.related
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
        self.list_pane.library_changed(event.done)
        self._update_header()

    # -- routing between panes ------------------------------------------------------

    @on(ListPane.Shown)
    def _view_shown(self, event: ListPane.Shown) -> None:
        event.stop()
        self._show_sidebar(self.article_list.article)
        self._update_header()
        self._schedule_preview()

    @on(ReadingProgress)
    def _reading_progress(self, event: ReadingProgress) -> None:
        event.stop()
        self._progress = event.label
        self._update_header()

    @on(ListPane.Counted)
    def _marks_counted(self, event: ListPane.Counted) -> None:
        event.stop()
        self._update_header()

    @on(ArticleList.CursorMoved)
    def _cursor_moved(self, event: ArticleList.CursorMoved) -> None:
        event.stop()
        self._show_sidebar(event.article)
        self._schedule_preview()

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
        copies = self.list_pane.members(article)
        article = copies[0]  # an entry for copies opens the fullest
        self._stop_preview()
        self._show_sidebar(article)
        self.reader.open(article)
        term = self.list_pane.fulltext_term(article)
        if term:
            self.reader.find_on_open(term)
        self._set_reading(True)
        self.reader.view.focus()
        if self.config.mark_read_on_open and not all(map(self.store.is_read, copies)):
            self.list_pane.change_marks(lambda: self.store.set_read(copies), copies)

    # -- layout ----------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._apply_layout()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Going to the list (a click, Tab) is going back: the reader previews again."""
        if self.list_pane in event.widget.ancestors_with_self:
            self._set_reading(False)

    def _set_reading(self, reading: bool) -> None:
        """``-reading``: an article was opened (when the panes take turns, the reader shows)."""
        if reading != self.has_class("-reading"):
            self.set_class(reading, "-reading")
            self._apply_layout()

    def _apply_layout(self) -> None:
        """Size and show the panes as :func:`plan_panes` says (only what changed)."""
        width = self.size.width or self.app.size.width
        plan = plan_panes(
            width,
            reading_width=self.config.reading_width,
            browser=self.browser.display,
            sidebar=self._sidebar_choice,
            sidebar_with_browser=self._sidebar_with_browser,
            reading=self.has_class("-reading"),
        )
        if plan == self.panes:
            return
        before = self.panes
        self.panes = plan
        self.set_class(plan.turns, "-turns")
        self.set_class(plan.sidebar > 0, "-sidebar")
        for widget, cells in (
            (self.browser, plan.browser),
            (self.list_pane, plan.list),
            (self.reader, plan.reader),
            (self.sidebar, plan.sidebar),
        ):
            if cells:
                widget.styles.width = cells
            if widget is not self.browser:
                widget.display = cells > 0
        # The focus never stays in a pane that went away (a resize into taking turns).
        focused = self.focused
        if focused is not None:
            if not plan.list and self.list_pane in focused.ancestors_with_self:
                self.set_focus(self.reader.view)
            elif not plan.reader and self.reader in focused.ancestors_with_self:
                self.set_focus(self.article_list)
        if plan.reader and (before is None or not before.reader):
            self._schedule_preview()

    # -- preview -------------------------------------------------------------------

    def _previewing(self) -> bool:
        """Whether the reader follows the list's cursor: on, shown, no article opened."""
        return (
            self.config.preview
            and not self.has_class("-reading")
            and self.panes is not None
            and self.panes.reader > 0
        )

    def _schedule_preview(self) -> None:
        """Preview the highlighted article once the cursor rests (each move restarts the wait)."""
        self._stop_preview()
        if self._previewing():
            self._preview_timer = self.set_timer(PREVIEW_DELAY, self._preview_now)

    def _stop_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None

    def _preview_now(self) -> None:
        """Show the highlighted article in the reader: no focus change, never marked read."""
        self._preview_timer = None
        if not self._previewing():
            return
        article = self.article_list.article
        if article is not None:
            article = self.list_pane.members(article)[0]  # an entry previews what it opens
        reader = self.reader
        if article is None:
            if reader.article is not None:
                reader.clear()
        elif article is not reader.article:
            reader.preview(article)

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
        self._set_reading(False)
        self.set_focus(self.filter_bar)

    def on_paste(self, event: Paste) -> None:
        """A paste outside a text box filters (``/`` in front is the filter key)."""
        if isinstance(self.focused, Input):
            return
        event.stop()
        text = pasted_query(event.text)
        if not text:
            return
        self._set_reading(False)
        self.set_focus(self.filter_bar)
        self.list_pane.set_filter(text)

    def action_step_article(self, step: int) -> None:
        """`n`/`p`: the next or previous article in the shown order, opened."""
        article_list = self.article_list
        before = article_list.article
        article_list.move_cursor(article_list.cursor + step)
        article = article_list.article
        if article is not None and (article is not before or self.reader.article is not article):
            self.open_article(article)

    def _current_url(self) -> str | None:
        """The current article's URL; None, after saying so, when there is none."""
        article = self.current_article()
        if article is None or not article.url:
            self.notify("This article has no URL.", severity="warning")
            return None
        return article.url

    def action_open_url(self) -> None:
        """`o`: open the article's URL in the browser."""
        if url := self._current_url():
            self.app.open_url(url)
            self.notify(url, title="Opening", markup=False)

    def action_copy_url(self) -> None:
        """`y`: copy the article's URL (OSC 52: works over SSH in most terminals)."""
        if url := self._current_url():
            self.app.copy_to_clipboard(url)
            self.notify(url, title="Copied URL", markup=False)

    def action_toggle_sidebar(self) -> None:
        """`s`: show or hide the metadata sidebar (remembered over the width's default).

        While the source browser is open the choice lasts until it closes.
        """
        visible = not self.sidebar.display
        if self.browser.display:
            self._sidebar_with_browser = visible
        else:
            self._sidebar_choice = visible
        self._apply_layout()
        if visible:  # "Also reported by" is looked up only while the sidebar shows
            self._show_sidebar(self.sidebar.article)

    def action_find_in_article(self) -> None:
        """Open the find box of the reader (when an article is open)."""
        if self.reader.article is None:
            self.notify("Open an article first (Enter).", severity="warning")
            return
        self._set_reading(True)
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
        list_hidden = self.has_class("-turns") and self.has_class("-reading")
        return bool(
            self.reader.has_focus_within
            or list_hidden
            or self.filter_bar.value
            or self.list_pane.related_to is not None
            or (self.focused is not None and self.focused is not self.article_list)
        )

    def action_back(self) -> None:
        """Esc, one step back: reader → list, then a filter → cleared.

        Decided by where the focus is, not by the ``-reading`` class: at wide
        widths that class stays on while the list has focus, and Esc there
        should clear the filter rather than do nothing visible.
        """
        list_hidden = self.has_class("-turns") and self.has_class("-reading")
        if self.reader.has_focus_within or list_hidden:
            self._set_reading(False)
            self.set_focus(self.article_list)
        elif self.list_pane.leave_related():
            self.set_focus(self.article_list)
        elif self.filter_bar.value:
            self.filter_bar.value = ""
            self.set_focus(self.article_list)
        else:
            self._set_reading(False)
            self.set_focus(self.article_list)

    def _update_header(self) -> None:
        pane = self.list_pane
        pane.count_marks()
        marks = self.article_list.marks
        folded = pane.hidden if pane.folding_shown is not None else 0
        self.query_one(HeaderLine).set_state(
            shown=pane.shown_count,
            total=max(0, len(self.library) - folded),
            folded=folded,
            root=self.root,
            scanning=self.scanning,
            files_seen=self.files_seen,
            problems=len(self.library.problems),
            # The timeline (`r`) counts as a query: "2 of 295 articles".
            query=pane.query_text if pane.related_to is None else "r",
            unread=marks.unread if marks is not None else 0,
            sort=pane.sort,
            progress=self._progress,
        )

    # -- reading state -------------------------------------------------------------------

    def _show_sidebar(self, article: Article | None) -> None:
        marks = None
        copies: list[Article] = []
        if article is not None:
            copies = self.list_pane.members(article)
            read = all(map(self.store.is_read, copies))
            marks = (read, any(map(self.store.is_starred, copies)))
        self.sidebar.show(article, marks, copies if len(copies) > 1 else ())

    def poll_state(self) -> None:
        """Marks made by another newsdeck of the same user show within a few seconds."""
        if self.store.refresh():
            self.list_pane.marks_changed(())

    @on(ListPane.MarksChanged)
    def _marks_changed(self, event: ListPane.MarksChanged) -> None:
        """The list redrew the changed rows: everything else that shows reading state follows."""
        event.stop()
        self._show_sidebar(self.sidebar.article)
        self._update_header()
        if self.browser.display:
            self.browser.refill()

    def action_toggle_read(self) -> None:
        """`m`: flip read/unread of the article under the cursor (or in the reader)."""
        article = self.current_article()
        if article is not None:
            copies = self.list_pane.members(article)
            read = not all(map(self.store.is_read, copies))
            self.list_pane.change_marks(lambda: self.store.set_read(copies, read), copies)

    def action_toggle_star(self) -> None:
        """`f`: star or unstar the article under the cursor (or in the reader)."""
        article = self.current_article()
        if article is not None:
            copies = self.list_pane.members(article)
            starred = not any(map(self.store.is_starred, copies))
            self.list_pane.change_marks(lambda: self.store.set_starred(copies, starred), copies)

    def action_mark_view_read(self) -> None:
        """`M`: mark every article of the current view read, after a y/n question."""
        articles = list(self.article_list.articles)
        if self.list_pane.folding_shown is not None:
            articles = [copy for entry in articles for copy in self.list_pane.members(entry)]
        unread = self.store.unread_count(articles)
        if not unread:
            self.notify("Everything shown is already read.")
            return
        noun = "article" if unread == 1 else "articles"

        def answered(yes: bool | None) -> None:
            if yes:
                self.list_pane.change_marks(lambda: self.store.set_read(articles), articles)

        self.app.push_screen(
            ConfirmScreen(f"Mark {unread:,} unread {noun} in this view as read?"), answered
        )

    def action_toggle_duplicates(self) -> None:
        """`D`: copies of one text as one entry (``×N``), or each copy on its own row."""
        folded = self.list_pane.toggle_fold()
        self.notify("Copies folded into one entry." if folded else "Every copy shown.")
        self._update_header()

    def action_related(self) -> None:
        """`r`: the story's related coverage as a timeline in the list (Esc comes back)."""
        article = self.current_article()
        if article is None:
            self.notify("No article to find coverage of.", severity="warning")
            return
        self._set_reading(False)
        self.set_focus(self.article_list)
        self.list_pane.find_related(article)

    def action_cycle_sort(self) -> None:
        """`S`: date ↓, date ↑, title ↑, title ↓, source ↑, source ↓; remembered per directory."""
        self.list_pane.cycle_sort()
        self._update_header()

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
        self._sidebar_with_browser = None
        if browser.display:
            self._set_reading(False)
            self._apply_layout()
            browser.refill()
            # Focus once it is laid out: a widget still hidden cannot take focus.
            self.call_after_refresh(browser.focus_list)
        else:
            self._apply_layout()
            self.set_focus(self.article_list)

    @on(Browser.Chosen)
    def _browser_chosen(self, event: Browser.Chosen) -> None:
        event.stop()
        self.list_pane.choose(event.term, saved=event.saved)
        self.set_focus(self.article_list)

    def action_save_search(self) -> None:
        """`w`: save the current filter under a name (listed in the browser)."""
        query = self.filter_bar.value.strip()
        if not query:
            self.notify("Type a filter first (/), then save it.", severity="warning")
            return

        def named(name: str | None) -> None:
            if name:
                self.browser.save_search(name, query)

        self.app.push_screen(NameScreen(f"Save the filter “{query}” as:"), named)
