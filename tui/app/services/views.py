"""What the list needs to paint a view, computed off the UI thread.

Why here: the list pane's workers call these and post the results as messages
(:mod:`tui.app.messages`), so painting never calls back into the library or the
state store. Pure functions of their arguments; nothing here touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from typing import Protocol

from tui.app.messages import HIGHLIGHT_CHUNK, ViewMarks
from tui.library import Library
from tui.model import Article
from tui.store.index import Hit


class MarkSource(Protocol):
    """Answers the reading state of an article (a :class:`~tui.store.state.StateStore`)."""

    def is_read(self, article: Article) -> bool: ...

    def is_starred(self, article: Article) -> bool: ...


def view_marks(
    store: MarkSource,
    articles: Sequence[Article],
    members: Callable[[Article], Sequence[Article]] | None = None,
    grouped: Container[str] = (),
) -> ViewMarks:
    """Read and starred paths among ``articles`` and how many are unread (~1 µs an article).

    ``members``: when the list folds copies, an entry's copies (see
    :mod:`tui.app.services.dupes`), asked only for the paths in ``grouped``; the entry
    is read when every copy is read and starred when any copy is starred.
    """
    read: set[str] = set()
    starred: set[str] = set()
    unread = 0
    for article in articles:
        key = str(article.path)
        if members is not None and key in grouped:
            copies = members(article)
            if all(map(store.is_read, copies)):
                read.add(key)
            else:
                unread += 1
            if any(map(store.is_starred, copies)):
                starred.add(key)
            continue
        if store.is_read(article):
            read.add(key)
        else:
            unread += 1
        if store.is_starred(article):
            starred.add(key)
    return ViewMarks(frozenset(read), frozenset(starred), unread)


def first_highlights(
    library: Library, text: str, shown: Sequence[Article]
) -> list[tuple[int, ...]]:
    """Title highlights for the first rows shown of a filter result (its fuzzy ``text`` marks)."""
    text = text.strip()
    if not text:
        return []
    return library.highlights(text, shown[:HIGHLIGHT_CHUNK])


class FulltextRows:
    """Full-text hits as list rows: articles, their snippets and the term each opens at."""

    def __init__(self, library: Library, hits: Sequence[Hit]) -> None:
        self.articles: list[Article] = []
        #: str(path) -> (snippet, match spans in it).
        self.snippets: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
        #: str(path) -> the text of the first match (what the reader finds on open).
        self.terms: dict[str, str] = {}
        for hit in hits:
            held = library.get(hit.article.path)
            article = held if held is not None else hit.article
            key = str(article.path)
            if not article.ok or key in self.snippets:
                continue
            self.articles.append(article)
            self.snippets[key] = (hit.snippet, hit.highlights)
            if hit.highlights:
                start, end = hit.highlights[0]
                self.terms[key] = hit.snippet[start:end]
