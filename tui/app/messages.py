"""Typed messages that carry thread results to the UI.

Why one module: workers (the loader, the filter, the counters) run in threads
and reach the UI only by ``post_message``, which Textual makes thread-safe. The
frequent ones say ``can_replace`` so a burst coalesces to the newest, as
Textualize's *toolong* does with its scan progress. The little data they carry
to the widgets (:class:`ViewMarks`, :data:`HIGHLIGHT_CHUNK`) is here too, so
widgets, workers and services all import downwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.message import Message

from tui.library import Filtered
from tui.model import Article
from tui.search.query import Facets
from tui.store.index import Hit
from tui.store.state import SavedSearch

#: Title highlights are handed over and asked for this many rows at a time.
HIGHLIGHT_CHUNK = 50  # a 200x50 terminal shows ~46 rows: the first chunk covers a screen


@dataclass(frozen=True, slots=True)
class ViewMarks:
    """Reading state of the listed articles, by ``str(path)``, and how many are unread."""

    read: frozenset[str] = frozenset()
    starred: frozenset[str] = frozenset()
    unread: int = 0


class LibraryChanged(Message):
    """The library changed (any thread): re-show the current view. Only the newest matters."""

    def __init__(self, done: bool) -> None:
        super().__init__()
        #: True once loading (or a watcher batch) is complete: the header stops "scanning".
        self.done = done

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LibraryChanged)


class Notice(Message):
    """A warning for the user from a worker (the text is data, never markup)."""

    def __init__(self, text: str, title: str) -> None:
        super().__init__()
        self.text = text
        self.title = title


class FilterDone(Message):
    """A filter result, with the title highlights of its first rows (computed in the worker)."""

    def __init__(
        self,
        result: Filtered,
        highlights: Sequence[Sequence[int]],
        marks: ViewMarks | None = None,
        marks_version: int = -1,
        shown: list[Article] | None = None,
    ) -> None:
        super().__init__()
        self.result = result
        #: What the list shows: ``result.articles`` with copies folded (None: unfolded).
        self.shown = result.articles if shown is None else shown
        #: Title character indices to highlight, for rows ``0 .. len(highlights) - 1`` of shown.
        self.highlights = highlights
        #: The reading state of ``result.articles`` as of ``marks_version`` (None: not counted).
        self.marks = marks
        self.marks_version = marks_version

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FilterDone)


class FulltextDone(Message):
    """Full-text hits for ``query`` (``?words``), best first."""

    def __init__(self, query: str, hits: list[Hit]) -> None:
        super().__init__()
        self.query = query
        self.hits = hits

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FulltextDone)


class HighlightsDone(Message):
    """Title highlights for rows ``start ..`` of the list showing ``token``."""

    def __init__(self, token: int, start: int, highlights: Sequence[Sequence[int]]) -> None:
        super().__init__()
        self.token = token
        self.start = start
        self.highlights = highlights


class MarksCounted(Message):
    """Reading state of a long list, counted in a worker; ``key`` says which list it was."""

    def __init__(self, key: tuple[int, int, int], marks: ViewMarks) -> None:
        super().__init__()
        self.key = key
        self.marks = marks

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MarksCounted)


class FacetsCounted(Message):
    """Sources and categories with their unread counts, and the saved searches, for the browser."""

    def __init__(self, facets: Facets, saved: list[SavedSearch]) -> None:
        super().__init__()
        self.facets = facets
        self.saved = saved

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FacetsCounted)


__all__ = [
    "HIGHLIGHT_CHUNK",
    "FacetsCounted",
    "FilterDone",
    "FulltextDone",
    "HighlightsDone",
    "LibraryChanged",
    "MarksCounted",
    "Notice",
    "ViewMarks",
]
