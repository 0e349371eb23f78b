"""Copies of one text folded into one list entry, and what the app asks the index about them.

Why here: the index finds the copies (:meth:`~tui.store.index.Index.duplicate_groups`,
stored relative paths); the app speaks absolute paths and shows entries. A
:class:`Folding` is built in a worker whenever the index's generation changes and is
then only read: folding a view is one pass with a dict lookup per article (in the
filter worker), and a row asks for its ``×N`` in O(1).

The rules (the README says them too):

- An entry stands where the first of its copies stands in the view's order, and is
  drawn from that copy (its title highlights, its date and source). So a filter that
  matches any copy shows the group, and the order, ``n``/``p`` and the counts are
  those of the entries.
- Opening an entry opens the fullest copy (the index orders each group fullest first).
- Marks apply to every copy. An entry is read when every copy is read and starred
  when any copy is: that is what ``is:unread`` (a match on any unread copy) shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.library import Library
from tui.model import Article
from tui.store.index import DuplicateGroups, Related


@dataclass(frozen=True, slots=True)
class Folding:
    """Groups of copies by ``str(path)`` (absolute, as the library holds them), fullest first."""

    groups: tuple[tuple[str, ...], ...] = ()
    #: str(path) -> its group's position in :attr:`groups` (paths with no copy are absent).
    of: dict[str, int] = field(default_factory=dict)
    #: The index generation the groups were read at (-1: none yet).
    generation: int = -1

    @classmethod
    def from_groups(cls, groups: DuplicateGroups, prefix: str, generation: int) -> Folding:
        """Stored relative paths joined onto ``prefix`` (the index's root with a separator)."""
        absolute = tuple(tuple(prefix + rel for rel in group) for group in groups.groups)
        of = {path: at for at, group in enumerate(absolute) for path in group}
        return cls(absolute, of, generation)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def copies(self, key: str) -> tuple[str, ...]:
        """Every copy of ``key`` (itself included, fullest first); ``(key,)`` when none."""
        at = self.of.get(key)
        return (key,) if at is None else self.groups[at]

    def size(self, key: str) -> int:
        """How many copies ``key``'s group has (1 when none): the row's ``×N``."""
        at = self.of.get(key)
        return 1 if at is None else len(self.groups[at])

    def fold(self, articles: Sequence[Article]) -> list[Article]:
        """``articles`` with each group's later copies left out (the first one stands for it)."""
        if not self.groups:
            return list(articles)
        of = self.of
        seen: set[int] = set()
        out: list[Article] = []
        for article in articles:
            at = of.get(str(article.path))
            if at is not None:
                if at in seen:
                    continue
                seen.add(at)
            out.append(article)
        return out

    def members(self, library: Library, article: Article) -> list[Article]:
        """The copies of ``article`` the library holds, fullest first (``[article]`` when none)."""
        key = str(article.path)
        if key not in self.of:
            return [article]
        held = [a for a in map(_held(library), self.copies(key)) if a is not None]
        return held or [article]

    def fullest(self, library: Library, article: Article) -> Article:
        """The copy to open for ``article``'s entry: the fullest the library holds."""
        return self.members(library, article)[0]

    def expand(self, library: Library, articles: Iterable[Article]) -> list[Article]:
        """``articles`` and every copy of each (for marks that apply to a whole group)."""
        out: list[Article] = []
        seen: set[str] = set()
        for article in articles:
            for member in self.members(library, article) if self.groups else [article]:
                key = str(member.path)
                if key not in seen:
                    seen.add(key)
                    out.append(member)
        return out

    def hidden(self, library: Library) -> int:
        """How many articles the library holds that folding hides (copies after the first)."""
        held = _held(library)
        return sum(max(0, sum(1 for p in g if held(p) is not None) - 1) for g in self.groups)


def _held(library: Library) -> Callable[[str], Article | None]:
    """``str(path)`` -> the readable article the library holds there, or None."""

    def get(key: str) -> Article | None:
        article = library.get(Path(key))
        return article if article is not None and article.ok else None

    return get


def timeline(
    article: Article, related: Sequence[Related], library: Library, folding: Folding | None
) -> list[Article]:
    """The story's timeline for `r`: ``article`` and its related coverage, oldest first.

    The library's own objects where it holds them (so marks and the cursor match the
    main list), copies folded when the list folds them; undated reports go last.
    """
    held = _held(library)
    found = [article]
    for item in related:
        found.append(held(str(item.article.path)) or item.article)
    if folding is not None:
        found = folding.fold(found)
    return sorted(found, key=lambda a: (a.date is None, a.date.timestamp() if a.date else 0.0))
