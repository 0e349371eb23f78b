"""The list pane: the filter box, its error line and the article list, and the work behind them.

Why a widget of its own: filtering, full-text search, title highlights and the
reading-state counts all serve this one list. They run in thread workers (the
views come from :mod:`tui.app.services.views`) and come back as typed messages
from :mod:`tui.app.messages`, handled here. The screen hears only
:class:`ListPane.Shown`, :class:`ListPane.Counted` and :class:`ListPane.MarksChanged`,
and routes them to the sidebar, the header and the browser.

`r` shows a story's related coverage in the same list, as a timeline (a mode, like
full-text results): the main list's rows, cursor and top row are kept and put back by
Esc. Copies of one text are folded in the filter worker (:mod:`tui.app.services.dupes`).

Why one piece (~660 lines): the filter, full-text and timeline modes show in one list
and share its cursor, its marks count and the keys typed before a result arrived;
split apart, each would have to know when the others' result went stale.

Keys typed in the filter box act on the result for the query as typed so far, as
if ranking were instant: ↓/↑ (ctrl+n/ctrl+p) move the list's highlight and Enter
opens it, through the list's own open action (:class:`ArticleList.Opened`). While
the result for the latest keystroke is still being computed, they wait for it: Enter
then opens its top match (moved by any ↓/↑ typed before it), never a row of the
older list still on screen. A further keystroke drops what was waiting (the new
ranking starts at its top again).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.app.messages import (
    HIGHLIGHT_CHUNK,
    FilterDone,
    FulltextDone,
    HighlightsDone,
    MarksCounted,
    ViewMarks,
)
from tui.app.services import views
from tui.app.services.dupes import Folding, timeline
from tui.app.services.loader import Loader
from tui.app.widgets.article_list import ArticleList
from tui.app.widgets.browser import with_browser_term
from tui.app.widgets.filter_bar import FilterBar
from tui.library import Filtered, Library
from tui.model import Article
from tui.search import sort as sort_order
from tui.store.index import Related
from tui.store.state import StateError, StateStore

#: Lists up to this long have their reading state counted on the spot (a few ms).
COUNT_IN_PLACE = 20_000
#: The filter is remembered for the directory once typing pauses this long.
SAVE_FILTER_SECONDS = 1.0
#: The extra arguments of :func:`views.view_marks` for a folded list (none when unfolded).
_MarksArgs = tuple[()] | tuple[Callable[[Article], list[Article]], Container[str]]
#: C0/C1 control characters: a paste is data, never terminal control.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def pasted_query(text: str) -> str:
    """A paste as a filter: one line, no control characters, no leading ``/`` (the filter key)."""
    return " ".join(_CONTROL.sub("", text).split()).removeprefix("/").lstrip()


class ListPane(Vertical):
    """Filter box over the article list; runs the query and shows its result."""

    class Shown(Message):
        """The list shows a new view: the sidebar and the header follow it."""

    class Counted(Message):
        """The reading state of a long list arrived from its worker: the header recounts."""

    class MarksChanged(Message):
        """Reading state changed (the list redrew its rows): the other panes follow."""

    class DuplicatesFound(Message):
        """The groups of copies, read from the index in a worker (it changed since)."""

        def __init__(self, folding: Folding, hidden: int) -> None:
            super().__init__()
            self.folding = folding
            #: Articles held that folding hides (every copy after a group's first).
            self.hidden = hidden

    class RelatedFound(Message):
        """Other coverage of ``article``'s story, from a worker: the timeline to show."""

        def __init__(self, article: Article, related: list[Related]) -> None:
            super().__init__()
            self.article = article
            self.related = related

    def __init__(
        self,
        library: Library,
        store: StateStore,
        root: Path,
        *,
        default_sort: str,
        fold_duplicates: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.library = library
        self.store = store
        self.root = root
        view = store.view(root)
        #: One of :data:`tui.search.sort.SORTS`; remembered per directory (the screen's `S`).
        self.sort = view.sort if view.sort in sort_order.SORTS else default_sort
        #: Full-text search needs the index; the screen hands the loader over once it starts.
        self.loader: Loader | None = None
        self._restore_filter = view.filter
        self._saved_filter = view.filter
        self._save_filter_timer: Timer | None = None
        #: Bumped by every change of reading state: the shown marks are then stale.
        self._marks_version = 0
        #: (id, length of the shown list, marks version) the list's marks were counted for.
        self._marks_key: tuple[int, int, int] | None = None
        #: Marks a filter worker counted, keyed like :attr:`_marks_key`, for the next count.
        self._handed_marks: tuple[tuple[int, int, int], ViewMarks] | None = None
        self.query_text = ""
        #: The query whose result the list shows (it lags :attr:`query_text` while typing).
        self.shown_query = ""
        #: The last filter result shown: the next, longer query may narrow it.
        self.filtered: Filtered | None = None
        #: The fuzzy words the shown rows highlight (None: no highlights).
        self._highlight_text: str | None = None
        #: How many articles the list shows (the header's count).
        self.shown_count = 0
        #: str(path) -> the text of a full-text result's first match (what the reader finds).
        self._fulltext_terms: dict[str, str] = {}
        #: The full-text query last shown: showing it again (live updates) keeps the cursor.
        self._fulltext_shown: str | None = None
        #: Highlight moves and an Enter typed in the filter box before the result for
        #: the latest keystroke arrived: replayed on it (see the module docstring).
        self._waiting_moves = 0
        self._waiting_open = False
        #: Copies of one text shown as one entry (the config's ``fold_duplicates``, `D`).
        self.fold = fold_duplicates
        #: The groups of copies as the index last said (empty until its worker reports).
        self.folding = Folding()
        #: Articles the library holds that folding hides (for the header's count).
        self.hidden = 0
        #: The article whose story the list shows as a timeline (`r`), or None.
        self.related_to: Article | None = None
        #: The main list to come back to from the timeline: rows, cursor article, top row.
        self._return: tuple[Sequence[Article], Article | None, int] | None = None
        #: Whether a result arrived for the main list while the timeline was shown.
        self._stale = False

    @property
    def folding_shown(self) -> Folding | None:
        """The groups the list folds by now (None: copies are shown separately)."""
        return self.folding if self.fold and self.folding else None

    def compose(self) -> ComposeResult:
        yield FilterBar(id="filter")
        yield Static("", id="query-errors")
        yield Static("", id="related-title")
        yield ArticleList(id="list")

    @property
    def article_list(self) -> ArticleList:
        """The list widget."""
        return self.query_one("#list", ArticleList)

    @property
    def filter_bar(self) -> FilterBar:
        """The filter box."""
        return self.query_one("#filter", FilterBar)

    # -- showing a view ---------------------------------------------------------

    def restore_filter(self) -> None:
        """Put back the filter this directory had last time (at start-up)."""
        if self._restore_filter:
            self.set_filter(self._restore_filter)

    def set_filter(self, value: str) -> None:
        """Type ``value`` into the filter box, the cursor at its end (the list follows)."""
        self.filter_bar.value = value
        self.filter_bar.cursor_position = len(value)

    def choose(self, term: str | None, *, saved: bool) -> None:
        """A browser entry was chosen: its term joins the filter (a saved search replaces it)."""
        if saved:
            value = term or ""
        else:
            value = with_browser_term(self.filter_bar.value, term, replace_all=True)
        self.set_filter(value)
        self.save_filter()

    def rerun(self) -> None:
        """Show the current query again, over the grown (or changed) library."""
        if self.related_to is not None:
            self._stale = True  # shown when the timeline is left
            return
        fulltext = self.query_text.lstrip()
        if fulltext.startswith("?"):
            self._run_fulltext(fulltext[1:])
        elif (
            self.query_text.strip()
            or self.sort != sort_order.DEFAULT_SORT
            or self.folding_shown is not None  # folding runs in the filter worker
        ):
            self._run_filter(self.query_text)
        else:
            self.shown_query = self.query_text
            self._show_articles(self.library.newest_first(), None, keep_current=True)
            self._replay_filter_keys()

    def show_nothing(self, message: str) -> None:
        """An empty list that says ``message`` (while loading, or when there is nothing)."""
        self.article_list.empty_message = message
        self.article_list.show([])

    def library_changed(self, done: bool) -> None:
        """Re-show the view over the grown library; once loaded, an empty one says why."""
        if done and not len(self.library):
            unreadable = len(self.library.problems)
            self.article_list.empty_message = f"No articles in {self.root}." + (
                f" {unreadable} file(s) could not be read: press ! to see why."
                if unreadable
                else ""
            )
        self.rerun()
        if done or self.folding.generation < 0:
            self._refresh_duplicates()

    def cycle_sort(self) -> None:
        """The next sort order, remembered for the directory; the list is sorted again."""
        self.sort = sort_order.next_sort(self.sort)
        try:
            self.store.save_view(self.root, sort=self.sort)
        except StateError as exc:
            self.notify(str(exc), title="Reading state", severity="warning", markup=False)
        # From scratch: a result in the old order cannot be narrowed.
        self.filtered = None
        self._run_filter(self.query_text)

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
        self._shown(len(articles))

    def _shown(self, count: int) -> None:
        self.shown_count = count
        self.count_marks()
        self.post_message(self.Shown())

    @on(FilterBar.Changed, "#filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        event.stop()
        had_query = bool(self.query_text)
        self.leave_related()
        self.query_text = event.value
        self._waiting_moves, self._waiting_open = 0, False
        if bool(event.value) != had_query:
            # Esc "Back" comes and goes with the query (the screen's `_can_go_back`
            # tests the raw value): refreshing the footer on every key resent it each time.
            self.refresh_bindings()
        self._schedule_save_filter()
        text = event.value.lstrip()
        if text.startswith("?"):
            self._run_fulltext(text[1:])
            return
        self._run_filter(event.value)

    @on(FilterBar.Leave)
    def _filter_leave(self, event: FilterBar.Leave) -> None:
        event.stop()
        self.save_filter()
        self.article_list.focus()

    @property
    def result_pending(self) -> bool:
        """Whether the list still shows the result of an older query than the one typed."""
        return self.shown_query != self.query_text

    @on(FilterBar.Move)
    def _filter_move(self, event: FilterBar.Move) -> None:
        """↓/↑ in the filter box: move the list's highlight (now, or once the result is in)."""
        event.stop()
        if self.result_pending:
            self._waiting_moves += event.delta
            return
        self.article_list.move_cursor(self.article_list.cursor + event.delta)

    @on(FilterBar.Open)
    def _filter_open(self, event: FilterBar.Open) -> None:
        """Enter in the filter box: open the highlighted match (now, or once the result is in).

        No match, nothing opens and the focus stays in the box to mend the query.
        """
        event.stop()
        self.save_filter()
        if self.result_pending:
            self._waiting_open = True
            return
        self.article_list.action_open()

    def _replay_filter_keys(self) -> None:
        """The result for the latest keystroke is shown: do the moves and Enter that waited."""
        if self.result_pending:
            return
        moves, self._waiting_moves = self._waiting_moves, 0
        opening, self._waiting_open = self._waiting_open, False
        if moves:
            self.article_list.move_cursor(self.article_list.cursor + moves)
        if opening:
            self.article_list.action_open()

    # -- full-text search --------------------------------------------------------

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
        folding = self.folding_shown
        if folding is not None:  # at most a few hundred hits
            articles = folding.fold(articles)
        if self.related_to is not None:
            self._stale = True
            return
        target = self.article_list.article if same else (articles[0] if articles else None)
        self._highlight_text = None
        self.shown_query = self.query_text
        self.article_list.show_snippets(articles, rows.snippets, keep_cursor_on=target)
        self._shown(len(articles))
        self._replay_filter_keys()

    def fulltext_term(self, article: Article) -> str | None:
        """What the reader should find in ``article`` when it is a full-text result, if anything."""
        if self.query_text.lstrip().startswith("?"):
            return self._fulltext_terms.get(str(article.path)) or None
        return None

    # -- filter and highlights -----------------------------------------------------

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
            is_started=store.is_started,
        )
        if result.cancelled or worker.is_cancelled:
            return
        folding = self.folding_shown
        shown = result.articles if folding is None else folding.fold(result.articles)
        highlights = views.first_highlights(self.library, result.text, shown)
        # The marks too, here rather than on the UI thread; long lists keep their own worker.
        version = self._marks_version
        marks = None
        if len(shown) <= COUNT_IN_PLACE:
            marks = views.view_marks(store, shown, *self._members(folding))
        if not worker.is_cancelled:
            self.post_message(FilterDone(result, highlights, marks, version, shown))

    @on(FilterDone)
    def _show_filtered(self, event: FilterDone) -> None:
        event.stop()
        result = event.result
        if result.query != self.query_text:
            return  # typing went on; a newer result is coming
        self.filtered = result
        if self.related_to is not None:
            self._stale = True
            return
        query = result.query.strip()
        self._show_query_errors(result.errors)
        if query:
            self.article_list.empty_message = "No article matches the filter. Esc clears it."
        self.shown_query = result.query
        if event.marks is not None:
            key = (id(event.shown), len(event.shown), event.marks_version)
            self._handed_marks = (key, event.marks)
        # Only the fuzzy words are highlighted: `src:x` does not mark title letters.
        self._show_articles(
            event.shown,
            result.text.strip() or None,
            keep_current=not query,
            highlights=event.highlights,
        )
        self._replay_filter_keys()

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

    # -- reading state -------------------------------------------------------------

    def count_marks(self) -> None:
        """Give the list the reading state of what it shows (once per list and marks version).

        A long list is counted in a worker (~80 ms at 100,000): meanwhile the
        list and the header keep the previous marks, redrawn when the new ones arrive.
        """
        shown = self.article_list.articles
        key = (id(shown), len(shown), self._marks_version)
        if key == self._marks_key:
            return
        handed, self._handed_marks = self._handed_marks, None
        if handed is not None and handed[0] == key:
            self._marks_key = key
            self.article_list.set_marks(handed[1])
            return
        members = self._members(self.folding_shown)
        if self._marks_key is None or len(shown) <= COUNT_IN_PLACE:
            self._marks_key = key
            self.article_list.set_marks(views.view_marks(self.store, shown, *members))
            return
        self._count_marks_in_worker(shown, key, members)

    def _members(self, folding: Folding | None) -> _MarksArgs:
        """An entry's copies and the paths that have any, for :func:`views.view_marks`.

        Nothing when the list does not fold: the call is then the one it always was.
        """
        if folding is None:
            return ()
        library = self.library
        return (lambda article: folding.members(library, article)), folding.of

    def members(self, article: Article) -> list[Article]:
        """Every copy ``article``'s entry stands for (``[article]`` when copies are not folded)."""
        folding = self.folding_shown
        return [article] if folding is None else folding.members(self.library, article)

    @work(thread=True, exclusive=True, group="counts", description="count unread articles")
    def _count_marks_in_worker(
        self,
        shown: Sequence[Article],
        key: tuple[int, int, int],
        members: _MarksArgs,
    ) -> None:
        marks = views.view_marks(self.store, shown, *members)
        if not get_current_worker().is_cancelled:
            self.post_message(MarksCounted(key, marks))

    @on(MarksCounted)
    def _marks_counted(self, event: MarksCounted) -> None:
        event.stop()
        shown = self.article_list.articles
        if event.key == (id(shown), len(shown), self._marks_version):
            self._marks_key = event.key
            self.article_list.set_marks(event.marks)
            self.post_message(self.Counted())

    def change_marks(self, change: Callable[[], object], articles: Iterable[Article]) -> None:
        """Run a store write for ``articles``; a failure is a notification, not a crash."""
        try:
            change()
        except StateError as exc:
            self.notify(str(exc), title="Reading state", severity="error", markup=False)
            return
        self.marks_changed(articles)

    def marks_changed(self, changed: Iterable[Article]) -> None:
        """Reading state changed (for ``changed`` at least): redraw their rows now.

        The whole list is recounted by the next :meth:`count_marks` (the header's).
        """
        self._marks_version += 1
        marks = self.article_list.marks
        if marks is not None:
            read, starred = set(marks.read), set(marks.starred)
            for article in changed:
                key = str(article.path)
                copies = self.members(article)
                (read.add if all(map(self.store.is_read, copies)) else read.discard)(key)
                (starred.add if any(map(self.store.is_starred, copies)) else starred.discard)(key)
            patched = ViewMarks(frozenset(read), frozenset(starred), marks.unread)
            self.article_list.set_marks(patched)
        self.post_message(self.MarksChanged())

    # -- copies and related coverage ---------------------------------------------------

    @work(thread=True, exclusive=True, group="dupes", description="groups of copies")
    def _refresh_duplicates(self) -> None:
        """Read the groups of copies when the index changed (a few ms; never on the UI thread)."""
        loader = self.loader
        if loader is None:
            return
        folding = loader.duplicates(self.folding.generation)
        if folding is not None and not get_current_worker().is_cancelled:
            self.post_message(self.DuplicatesFound(folding, folding.hidden(self.library)))

    @on(DuplicatesFound)
    def _duplicates_found(self, event: DuplicatesFound) -> None:
        event.stop()
        before = self.folding_shown
        self.folding = event.folding
        self.hidden = event.hidden
        if before is not None or self.folding_shown is not None:
            self.article_list.set_copies(self.folding.size if self.fold else None)
            self.rerun()

    def toggle_fold(self) -> bool:
        """`D`: fold copies into one entry, or show each separately; returns the new state."""
        self.fold = not self.fold
        folding = self.folding_shown
        self.article_list.set_copies(folding.size if folding is not None else None)
        self.leave_related()
        self.rerun()
        return self.fold

    def find_related(self, article: Article) -> None:
        """`r`: look up ``article``'s related coverage in a worker; the timeline follows."""
        self._run_related(article)

    @work(thread=True, exclusive=True, group="related", description="related coverage")
    def _run_related(self, article: Article) -> None:
        loader = self.loader
        related = loader.related(article) if loader is not None else []
        if not get_current_worker().is_cancelled:
            self.post_message(self.RelatedFound(article, related))

    @on(RelatedFound)
    def _related_found(self, event: RelatedFound) -> None:
        event.stop()
        if not event.related:
            self.notify("No other coverage of this story was found.", markup=False)
            return
        self.show_related(event.article, event.related)

    def show_related(self, article: Article, related: Sequence[Related]) -> None:
        """Show ``article``'s story as a timeline, oldest first (Esc: :meth:`leave_related`)."""
        articles = timeline(article, related, self.library, self.folding_shown)
        article_list = self.article_list
        if self.related_to is None:
            self._return = (
                article_list.articles,
                article_list.article,
                article_list.scroll_offset.y,
            )
            self._stale = False
            self.refresh_bindings()  # Esc "Back" appears with the timeline
        self.related_to = article
        title = self.query_one("#related-title", Static)
        line = Text("Coverage of ", style="bold")
        line.append(article.title or article.path.name, style="italic")
        line.append(f" · {len(articles)} reports, oldest first · Esc returns", style="dim")
        title.update(line)
        title.set_class(True, "-visible")
        article_list.show(articles, keep_cursor_on=article, fallback="clamp")
        self._shown(len(articles))

    def leave_related(self) -> bool:
        """Back from the timeline to the main list, the cursor where it was (False: not in it)."""
        if self.related_to is None:
            return False
        self.related_to = None
        self.refresh_bindings()  # and may go with it
        self.query_one("#related-title", Static).set_class(False, "-visible")
        saved, self._return = self._return, None
        if saved is not None:
            articles, current, top = saved
            article_list = self.article_list
            article_list.show(
                articles,
                keep_cursor_on=current,
                more_highlights=self._highlight_text is not None,
                fallback="clamp",
            )
            article_list.scroll_to(y=top, animate=False, force=True, immediate=True)
            self._shown(len(articles))
        if self._stale:
            self._stale = False
            self.rerun()
        return True

    # -- remembering the filter ------------------------------------------------------

    def _schedule_save_filter(self) -> None:
        """Remember the filter once typing pauses (not on every keystroke: each is a write)."""
        if self._save_filter_timer is not None:
            self._save_filter_timer.stop()
        self._save_filter_timer = self.set_timer(SAVE_FILTER_SECONDS, self.save_filter)

    def save_filter(self) -> None:
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
