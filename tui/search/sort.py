"""The article sort orders, and the one title/source key every list sorts by.

Why here: the app's sort cycle and ``newsdeck list --sort`` must order titles alike,
so both take :func:`title_key` / :func:`source_key` (NFKC + casefold, the same fold
the field filters use) instead of each picking a fold of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.model import Article, sort_key_date
from tui.search.fold import fold_field

__all__ = [
    "DEFAULT_SORT",
    "SORTS",
    "next_sort",
    "sort_articles",
    "sort_label",
    "source_key",
    "title_key",
]

#: Sort orders in the order the sort key cycles through them.
SORTS: tuple[str, ...] = (
    "date-desc",
    "date-asc",
    "title-asc",
    "title-desc",
    "source-asc",
    "source-desc",
)
DEFAULT_SORT = "date-desc"
_SORT_LABELS = {"date": "date", "title": "title", "source": "source"}


def title_key(article: Article) -> str:
    """What titles sort by: folded so width and case do not split the order (ＡＩ = ai)."""
    return fold_field(article.title)


def source_key(article: Article) -> str:
    """What sources sort by, folded like :func:`title_key` (no source: ``""``)."""
    return fold_field(article.source or "")


def next_sort(current: str) -> str:
    """The sort after ``current`` in :data:`SORTS` (an unknown one restarts the cycle)."""
    try:
        return SORTS[(SORTS.index(current) + 1) % len(SORTS)]
    except ValueError:
        return SORTS[0]


def sort_label(spec: str) -> str:
    """Short header text: ``date ↓`` (newest first), ``title ↑`` (A to Z)."""
    key, _, direction = (spec if spec in SORTS else DEFAULT_SORT).partition("-")
    return f"{_SORT_LABELS[key]} {'↓' if direction == 'desc' else '↑'}"


def sort_articles(articles: Iterable[Article], spec: str) -> list[Article]:
    """Articles in ``spec`` order (one of :data:`SORTS`; unknown means the default).

    Undated articles (date sorts) and source-less ones (source sorts) always come
    last; ties are broken newest first.
    """
    spec = spec if spec in SORTS else DEFAULT_SORT
    key, _, direction = spec.partition("-")
    newest = sorted(articles, key=sort_key_date)
    if key == "date":
        if direction == "desc":
            return newest
        dated = [a for a in newest if a.date is not None]
        dated.sort(key=lambda a: a.date.timestamp())  # type: ignore[union-attr]
        return dated + [a for a in newest if a.date is None]
    if key == "title":
        return sorted(newest, key=title_key, reverse=direction == "desc")
    have = [a for a in newest if a.source]
    have.sort(key=source_key, reverse=direction == "desc")
    return have + [a for a in newest if not a.source]
