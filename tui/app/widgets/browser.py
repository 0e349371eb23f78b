"""The source and category browser beside the article list.

The browser is a list beside the article list: saved searches, then every
source and category with its unread count, counted in a worker here and kept
up to date by :meth:`Browser.refill`. Choosing an entry does not filter by
itself: it posts :class:`Browser.Chosen` with a query term (``src:="…"``), and
the screen hands that term to the list pane's filter box, where it combines
with whatever was typed. Names come from files, so every prompt is a ``Text`` (never markup).
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.app.messages import FacetsCounted
from tui.app.widgets.cells import measure_fit, sanitize
from tui.library import Library
from tui.model import Article
from tui.search.query import Facet, Facets, facets, field_term
from tui.store.state import SavedSearch, StateError, StateStore

#: Browser terms already in a filter (``src:=x``, ``cat:="a b"``): replaced, not stacked.
BROWSER_TERM = re.compile(r'(?<!\S)(?:src|cat):=(?:"(?:\\.|[^"\\])*"?|\S*)')
ALL_ID = "all"


def with_browser_term(current: str, term: str | None, *, replace_all: bool = False) -> str:
    """``current`` with its browser terms swapped for ``term`` (None removes them).

    Typed words stay: choosing a source after typing ``nato`` gives
    ``nato src:="Reuters"``. Only terms of the same field are replaced, so a
    source and a category combine (``src:=a cat:=b``) unless ``replace_all``.
    """
    field = term.split(":", 1)[0] if term else None

    def keep(match: re.Match[str]) -> str:
        if replace_all or field is None or match.group(0).startswith(field + ":"):
            return ""
        return match.group(0)

    rest = " ".join(BROWSER_TERM.sub(keep, current).split())
    return f"{rest} {term}".strip() if term else rest


def _entry(name: str, facet: Facet | None, glyph: str, width: int) -> Text:
    """One browser row in ``width`` cells: glyph, name (data, cut with …), counts.

    Unread comes first in bold (what people look for), then the total dim; an
    entry with nothing unread shows only its dim total. Rows never wrap.
    """
    counts: list[tuple[str, str]] = []
    if facet is not None:
        if facet.unread:
            counts = [(f" {facet.unread}", "bold"), (f"/{facet.total}", "dim")]
        else:
            counts = [(f" {facet.total}", "dim")]
    room = width - len(glyph) - 1 - sum(len(c) for c, _ in counts)
    label = sanitize(name) or "(blank)"
    end, mark, _ = measure_fit(label, max(1, room))
    text = Text(f"{glyph} {label[:end]}{mark}")
    for chunk, style in counts:
        text.append(chunk, style=style)
    return text


class Browser(Vertical, can_focus=False):
    """Saved searches, sources and categories, each with its unread count."""

    DEFAULT_CSS = """
    Browser { width: 30; height: 1fr; display: none; border-right: vkey $panel; }
    Browser > #browser-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    Browser > OptionList { height: 1fr; border: none; padding: 0; background: $surface; }
    Browser > OptionList:focus { border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,x", "delete_saved", "Delete saved search", show=False, id="browser.delete"),
        Binding("j", "move(1)", "Down", show=False, id="browser.down"),
        Binding("k", "move(-1)", "Up", show=False, id="browser.up"),
    ]

    class Chosen(Message):
        """An entry was chosen: ``term`` goes into the filter (None: show everything).

        ``saved`` is True for a saved search, whose query replaces the filter.
        """

        def __init__(self, term: str | None, *, saved: bool = False) -> None:
            super().__init__()
            self.term = term
            self.saved = saved

    def __init__(self, library: Library, store: StateStore, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        #: Where the saved searches and the read marks (the unread counts) live.
        self.store = store
        #: option id -> (query term or saved query, is a saved search, saved name).
        self._entries: dict[str, tuple[str | None, bool, str]] = {}
        self._shown: tuple[Facets, list[SavedSearch]] | None = None
        self._built_width = 0

    def compose(self) -> ComposeResult:
        yield Static("Sources", id="browser-title")
        yield OptionList(id="browser-options")

    @property
    def options(self) -> OptionList:
        """The list of entries."""
        return self.query_one("#browser-options", OptionList)

    def show_facets(self, facets: Facets, saved: list[SavedSearch]) -> None:
        """Rebuild the entries, keeping the highlighted one when it still exists."""
        options = self.options
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        self._shown = (facets, saved)
        # Room for text: the pane minus the scrollbar (re-done on resize, see below).
        self._built_width = self.content_size.width
        width = max(12, (self._built_width or 30) - 3)
        entries: dict[str, tuple[str | None, bool, str]] = {ALL_ID: (None, False, "")}
        items: list[Option | None] = [
            Option(
                _entry("All articles", Facet("", facets.total, facets.unread), "◆", width), ALL_ID
            )
        ]
        if saved:
            items.append(None)
            for k, search in enumerate(saved):
                option_id = f"saved-{k}"
                entries[option_id] = (search.query, True, search.name)
                items.append(Option(_entry(search.name, None, "⌕", width), option_id))
        for title, field, group in (
            ("src", "src", facets.sources),
            ("cat", "cat", facets.categories),
        ):
            if not group:
                continue
            items.append(None)
            glyph = "▸" if title == "src" else "#"
            for k, facet in enumerate(group):
                option_id = f"{field}-{k}"
                entries[option_id] = (field_term(field, facet.name), False, facet.name)
                items.append(Option(_entry(facet.name, facet, glyph, width), option_id))
        self._entries = entries
        options.set_options(items)
        if highlighted is not None and highlighted in entries:
            options.highlighted = options.get_option_index(highlighted)
        elif options.option_count:
            options.highlighted = 0

    def refill(self) -> None:
        """Recount the sources and categories (in a worker: ~0.2 s at 100,000)."""
        self._count_facets(self.library.newest_first(), self.store.saved_searches())

    @work(thread=True, exclusive=True, group="facets", description="count sources and categories")
    def _count_facets(self, articles: list[Article], saved: list[SavedSearch]) -> None:
        counted = facets(articles, self.store.is_read)
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsCounted(counted, saved))

    @on(FacetsCounted)
    def _facets_counted(self, event: FacetsCounted) -> None:
        event.stop()
        self.show_facets(event.facets, event.saved)

    def save_search(self, name: str, query: str) -> None:
        """Save ``query`` as ``name`` (a bad name or a failed write is a notification)."""
        try:
            self.store.save_search(name, query)
        except (StateError, ValueError) as exc:
            self.notify(str(exc), title="Saved searches", severity="error", markup=False)
            return
        self.notify(f"{name}: {query}", title="Saved search", markup=False)
        if self.display:
            self.refill()

    def on_resize(self) -> None:
        """Rows are cut to the width: rebuild them when it changes (first layout too)."""
        if self._shown is not None and self.content_size.width != self._built_width:
            self.show_facets(*self._shown)

    def action_move(self, step: int) -> None:
        """j/k as in the article list (the arrows work too)."""
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    def focus_list(self) -> None:
        """Give the entries the keyboard."""
        self.options.focus()

    @on(OptionList.OptionSelected, "#browser-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = self._entries.get(event.option.id or "")
        if entry is None:
            return
        value, saved, _ = entry
        self.post_message(self.Chosen(value, saved=saved))

    def action_delete_saved(self) -> None:
        """Delete/x on a saved search forgets it (sources cannot be deleted)."""
        option = self.options.highlighted_option
        entry = self._entries.get(option.id or "") if option is not None else None
        if entry is None or not entry[1]:
            self.notify("Only saved searches can be deleted.", severity="warning")
            return
        name = entry[2]
        try:
            self.store.delete_search(name)
        except StateError as exc:
            self.notify(str(exc), title="Saved searches", severity="error", markup=False)
            return
        self.notify(f"Deleted saved search {name}", markup=False)
        self.refill()
