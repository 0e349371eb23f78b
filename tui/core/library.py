"""The set of articles the app shows, as the scan fills it.

The scan streams header-only articles in batches from a worker thread while the
filter runs in another, so the library keeps every view behind one lock: the
list of readable articles in newest-first order, the files that failed (for the
problems screen) and a :class:`~tui.core.fuzzy.FuzzyIndex` whose ids are the
positions in the article list. Nothing here knows about Textual.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.article import Article, sort_key_date
from tui.core.fuzzy import FuzzyIndex, FuzzyResult, SearchCancelled


@dataclass(frozen=True, slots=True)
class Filtered:
    """One filter result: the articles to show, best first, and what produced them.

    ``generation`` is the library size when the result was computed: a result
    from a smaller library must not seed the next search, or articles that
    arrived since would be missing from it.
    """

    query: str
    articles: list[Article]
    result: FuzzyResult | None = None
    generation: int = 0
    cancelled: bool = False


@dataclass(slots=True)
class Library:
    """Articles from one directory: readable ones, failures and a fuzzy index."""

    root: Path
    problems: list[Article] = field(default_factory=list)
    _articles: list[Article] = field(default_factory=list)
    _keys: list[tuple[int, float, str]] = field(default_factory=list)
    _order: list[int] = field(default_factory=list)
    _index: FuzzyIndex = field(default_factory=FuzzyIndex)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def add(self, articles: Iterable[Article]) -> int:
        """Take a batch from the scan; return how many joined the list (failures do not)."""
        added = 0
        with self._lock:
            for article in articles:
                if not article.ok:
                    self.problems.append(article)
                    continue
                article_id = self._index.add(
                    article.title, article.source or "", article.author or ""
                )
                # The index hands out ids in add order, the same as our positions.
                assert article_id == len(self._articles)
                self._articles.append(article)
                key = sort_key_date(article)
                position = bisect.bisect_right(self._keys, key)
                self._keys.insert(position, key)
                self._order.insert(position, article_id)
                added += 1
        return added

    def __len__(self) -> int:
        """How many readable articles the library holds."""
        return len(self._articles)

    @property
    def total_files(self) -> int:
        """Every file the scan reported, readable or not."""
        return len(self._articles) + len(self.problems)

    def newest_first(self) -> list[Article]:
        """All readable articles, newest first, undated last."""
        with self._lock:
            return [self._articles[i] for i in self._order]

    def filtered(
        self,
        query: str,
        previous: Filtered | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Filtered:
        """Rank the articles against ``query`` (title first, then source and author).

        A blank query gives :meth:`newest_first`. ``previous`` lets the index narrow
        an earlier result when the query only grew; it is ignored when articles
        arrived since it was computed.
        """
        with self._lock:
            generation = len(self._articles)
            order = list(self._order)
            articles = self._articles
            if not query.strip():
                return Filtered(query, [articles[i] for i in order], None, generation)
            seed = None
            if previous is not None and previous.generation == generation:
                seed = previous.result
            try:
                result = self._index.search(query, seed, ids=order, should_stop=should_stop)
            except SearchCancelled:
                return Filtered(query, [], None, generation, cancelled=True)
            return Filtered(query, [articles[i] for i in result.ids], result, generation)

    def highlight(self, query: str, title: str) -> Sequence[int]:
        """Indices of the title characters that match ``query`` (for the list rows)."""
        if not query.strip():
            return []
        return self._index.highlight(query, title)
