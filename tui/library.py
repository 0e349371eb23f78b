"""The set of articles the app shows, as the scan fills it.

The scan streams header-only articles in batches from a worker thread while the
filter runs in another, so the library keeps every view behind one lock: the
list of readable articles in newest-first order, the files that failed (for the
problems screen) and a :class:`~tui.search.fuzzy.FuzzyIndex` whose ids are the
positions in the article list. Nothing here knows about Textual.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.model import Article, sort_key_date
from tui.search import query as query_language
from tui.search import sort as sort_order
from tui.search.fuzzy import FuzzyIndex, FuzzyResult, SearchCancelled


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
    #: The fuzzy-text part of the query (what the list highlights; filters are not).
    text: str = ""
    #: Problems in the query, for the filter bar (the rest of the query still applied).
    errors: tuple[str, ...] = ()
    #: The sort order the articles are in (for a fuzzy query: the order of ties).
    sort: str = sort_order.DEFAULT_SORT


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
    #: str(path) -> id of the live article at that path (the index and watcher speak paths).
    _ids: dict[str, int] = field(default_factory=dict)
    #: Ids of removed or replaced articles still in ``_articles`` and the fuzzy index
    #: (tombstones: rebuilding the fuzzy index costs ~1.5 s at 100,000, removing one
    #: file must not). They are in no order list; :meth:`compact` drops them.
    _dead: set[int] = field(default_factory=set)
    #: Bumped by every change to the set of articles (see :attr:`generation`).
    _changes: int = 0
    #: str(path) of every entry in :attr:`problems` (so add() need not scan the list).
    _problem_paths: set[str] = field(default_factory=set)
    #: Let Latin query letters match Chinese titles by pinyin (the user's config).
    pinyin: bool | None = None
    #: (sort, generation) -> article ids in that order, so typing does not re-sort.
    _sorted: tuple[str, int, list[int]] | None = None

    def __post_init__(self) -> None:
        if self.pinyin is not None and self._index.pinyin != self.pinyin:
            self._index = FuzzyIndex(pinyin=self.pinyin)

    def add(
        self,
        articles: Iterable[Article],
        fields: Sequence[tuple[str, str, str, str | None] | None] | None = None,
    ) -> int:
        """Take a batch from the scan or index; return how many joined the list.

        Failures go to :attr:`problems`. An article whose path is already held
        replaces the old one (the index reports changed files this way too).
        ``fields``: per article, its folded fields as the index stored them (see
        :meth:`FuzzyIndex.add`), or None.
        """
        added = 0
        with self._lock:
            for k, article in enumerate(articles):
                key_path = str(article.path)
                if key_path in self._ids or key_path in self._problem_paths:
                    self._drop(key_path)
                if not article.ok:
                    self.problems.append(article)
                    self._problem_paths.add(key_path)
                    continue
                article_id = self._index.add(
                    article.title,
                    article.source or "",
                    article.author or "",
                    fields[k] if fields is not None else None,
                )
                # The index hands out ids in add order, the same as our positions.
                assert article_id == len(self._articles)
                self._articles.append(article)
                self._ids[key_path] = article_id
                key = sort_key_date(article)
                position = bisect.bisect_right(self._keys, key)
                self._keys.insert(position, key)
                self._order.insert(position, article_id)
                added += 1
            self._changes += 1
        return added

    def remove(self, paths: Iterable[Path]) -> int:
        """Forget the articles and problems at these paths; return how many were held."""
        removed = 0
        with self._lock:
            wanted = [str(p) for p in paths]
            if len(wanted) > 256:  # one pass over the order beats many list deletions
                dead = {self._ids.pop(k) for k in wanted if k in self._ids}
                if dead:
                    keep = [(k, i) for k, i in zip(self._keys, self._order, strict=True)
                            if i not in dead]  # fmt: skip
                    self._keys = [k for k, _ in keep]
                    self._order = [i for _, i in keep]
                    self._dead |= dead
                    removed += len(dead)
                gone = set(wanted)
                before = len(self.problems)
                self.problems[:] = [a for a in self.problems if str(a.path) not in gone]
                self._problem_paths -= gone
                removed += before - len(self.problems)
            else:
                for key_path in wanted:
                    removed += self._drop(key_path)
            self._changes += 1
            self._sorted = None
        self._maybe_compact()
        return removed

    def remove_under(self, folder: Path) -> int:
        """Forget ``folder`` itself and everything below it (a deleted directory)."""
        inside = str(folder).rstrip("/") + "/"
        with self._lock:
            paths = [p for p in self._ids if p == str(folder) or p.startswith(inside)]
            paths += [
                str(a.path)
                for a in self.problems
                if str(a.path) == str(folder) or str(a.path).startswith(inside)
            ]
        return self.remove(map(Path, paths)) if paths else 0

    def get(self, path: Path) -> Article | None:
        """The article (or problem) held for ``path``, if any."""
        key_path = str(path)
        with self._lock:
            article_id = self._ids.get(key_path)
            if article_id is not None:
                return self._articles[article_id]
            at = self._problem_at(key_path) if key_path in self._problem_paths else -1
            return self.problems[at] if at >= 0 else None

    @property
    def generation(self) -> int:
        """A number that changes whenever articles are added, replaced or removed.

        Why not ``len``: a removal and an addition leave the length as it was
        while the contents changed; cached orders and filter seeds key on this.
        """
        return self._changes

    def _problem_at(self, key_path: str) -> int:
        for at, article in enumerate(self.problems):
            if str(article.path) == key_path:
                return at
        return -1

    def _drop(self, key_path: str) -> int:
        """Remove one path (live article or problem); lock held. Returns 1 if held."""
        article_id = self._ids.pop(key_path, None)
        if article_id is not None:
            key = sort_key_date(self._articles[article_id])
            lo = bisect.bisect_left(self._keys, key)
            hi = bisect.bisect_right(self._keys, key)
            position = self._order.index(article_id, lo, hi)
            del self._keys[position]
            del self._order[position]
            self._dead.add(article_id)
            self._sorted = None
            return 1
        if key_path in self._problem_paths:
            self._problem_paths.discard(key_path)
            at = self._problem_at(key_path)
            if at >= 0:
                del self.problems[at]
                return 1
        return 0

    def _maybe_compact(self) -> None:
        if len(self._dead) > max(2000, len(self._order) // 4):
            self.compact()

    def compact(self) -> None:
        """Rebuild the fuzzy index without the tombstones (ids become dense again).

        The expensive part runs outside the lock so filtering goes on meanwhile;
        if the library changed in between, the rebuild is dropped (a later
        removal retries).
        """
        with self._lock:
            if not self._dead:
                return
            seen = self._changes
            live = [self._articles[i] for i in self._order]
            keys = list(self._keys)
            pinyin = self._index.pinyin
            old = self._index
            folded = [old.folded(i) for i in self._order]
        index = FuzzyIndex(pinyin=pinyin)
        for a, f in zip(live, folded, strict=True):
            index.add(a.title, a.source or "", a.author or "", f)
        with self._lock:
            if self._changes != seen:
                return
            self._index = index
            self._articles = live
            self._keys = keys
            self._order = list(range(len(live)))
            self._ids = {str(a.path): i for i, a in enumerate(live)}
            self._dead = set()
            self._sorted = None
            self._changes += 1

    def __len__(self) -> int:
        """How many readable articles the library holds."""
        return len(self._order)

    @property
    def total_files(self) -> int:
        """Every file the scan reported, readable or not."""
        return len(self._order) + len(self.problems)

    def newest_first(self) -> list[Article]:
        """All readable articles, newest first, undated last."""
        with self._lock:
            return [self._articles[i] for i in self._order]

    def _order_for(self, sort: str) -> list[int]:
        """Article ids in ``sort`` order (one of :data:`~tui.search.sort.SORTS`); lock held."""
        if sort not in sort_order.SORTS or sort == sort_order.DEFAULT_SORT:
            return list(self._order)
        generation = len(self._articles)
        cached = self._sorted
        if cached is not None and cached[0] == sort and cached[1] == generation:
            return list(cached[2])
        position = {id(a): i for i, a in enumerate(self._articles)}
        # Only live articles: removed and replaced ones stay in _articles as tombstones.
        ordered = sort_order.sort_articles([self._articles[i] for i in self._order], sort)
        ids = [position[id(a)] for a in ordered]
        self._sorted = (sort, generation, ids)
        return list(ids)

    def filtered(
        self,
        query: str,
        previous: Filtered | None = None,
        should_stop: Callable[[], bool] | None = None,
        *,
        sort: str = sort_order.DEFAULT_SORT,
        is_read: Callable[[Article], bool] | None = None,
        is_starred: Callable[[Article], bool] | None = None,
        is_started: Callable[[Article], bool] | None = None,
    ) -> Filtered:
        """Apply the query language (:mod:`tui.search.query`) to the articles in ``sort`` order.

        Field filters keep the sort order; fuzzy text ranks the survivors best
        first (ties in sort order). A blank query gives every article sorted.
        ``is_read``/``is_starred``/``is_started`` answer ``is:`` filters. ``previous`` lets the
        index narrow an earlier result when the query only grew; it is ignored
        when articles arrived since it was computed (the index also checks it).
        """
        parsed = query_language.parse(query)
        with self._lock:
            generation = len(self._articles)
            order = self._order_for(sort)
            articles = self._articles
            text, errors = parsed.text, tuple(parsed.errors)
            if parsed.is_blank:
                shown = [articles[i] for i in order]
                return Filtered(query, shown, None, generation, text=text, errors=errors, sort=sort)
            seed: FuzzyResult | None = None
            if previous is not None and previous.generation == generation:
                seed = previous.result
            result: FuzzyResult | None
            try:
                if not parsed.has_filters:
                    result = self._index.search(
                        parsed.text, seed, ids=order, should_stop=should_stop
                    )
                    shown = [articles[i] for i in result.ids]
                else:
                    shown, result = query_language.apply_with_result(
                        parsed,
                        [articles[i] for i in order],
                        self._index,
                        is_read,
                        is_starred,
                        is_started=is_started,
                        ids=order,
                        previous=seed,
                        should_stop=should_stop,
                    )
            except SearchCancelled:
                return Filtered(
                    query, [], None, generation, True, text=text, errors=errors, sort=sort
                )
            return Filtered(query, shown, result, generation, text=text, errors=errors, sort=sort)

    def highlight(self, query: str, title: str, path: Path | None = None) -> Sequence[int]:
        """Indices of the title characters that match ``query`` (for the list rows).

        ``path``: the article's, so the fuzzy index can reuse what it holds for it.
        """
        if not query.strip():
            return []
        item = None if path is None else self._ids.get(str(path))
        return self._index.highlight(query, title, item)

    def highlights(self, query: str, articles: Sequence[Article]) -> list[tuple[int, ...]]:
        """:meth:`highlight` for each article's title (a filter worker hands these to the list)."""
        if not query.strip():
            return [() for _ in articles]
        return [tuple(self.highlight(query, a.title, a.path)) for a in articles]
