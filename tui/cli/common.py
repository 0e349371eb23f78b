"""What every ``newsdeck`` command shares: exit codes, argument types, the directory check,
and the article selection that ``list`` and ``export`` both print.

One home for these so a command module never reaches back into the dispatcher, and
``list`` and ``export`` cannot drift apart: scripts rely on ``export --filter Q`` giving
exactly the articles ``list --filter Q`` lists. Heavy modules load inside the functions,
keeping ``newsdeck list`` quick to start.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui.model import Article

if TYPE_CHECKING:
    from tui.search.query import Query

#: Exit codes are part of the contract: 1 means problems found (``check``) or no match
#: (``search``, like grep), 2 a usage error, 130 an interrupt.
EXIT_OK, EXIT_PROBLEMS, EXIT_NO_MATCH, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 1, 2, 130

#: ``--sort`` values and the app's sort order each one means (:data:`tui.search.sort.SORTS`).
SORT_SPECS: dict[str, str] = {"date": "date-desc", "title": "title-asc", "source": "source-asc"}
DEFAULT_SORT = "date"

RESCAN_HELP = (
    "with an index: stat every file, also catching files rewritten in place "
    "(by default only directories are checked for added, removed and renamed files)"
)


def positive_int(text: str) -> int:
    """argparse type for ``--limit N`` and friends: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def error(message: str) -> None:
    """One line on stderr, prefixed as every newsdeck message is."""
    print(f"newsdeck: {message}", file=sys.stderr)


def usage_error(message: str) -> NoReturn:
    """Report a mistake in the command line and exit 2, from however deep it was found."""
    error(message)
    raise SystemExit(EXIT_USAGE)


def directory_problem(root: Path) -> str | None:
    """Why ``root`` cannot be read as a seeds directory (None when it can)."""
    if not root.exists():
        return f"{root}: no such directory"
    if not root.is_dir():
        return f"{root}: not a directory"
    return None


def checked_directory(root: Path) -> bool:
    """True when ``root`` is a directory; otherwise say why on stderr and return False."""
    problem = directory_problem(root)
    if problem:
        error(problem)
    return problem is None


@dataclass(slots=True)
class Scanned:
    """A directory's readable articles in list order (newest first) and its unreadable files."""

    good: list[Article]
    bad: list[Article]


def scan_directory(root: Path, rescan: bool = False) -> Scanned | None:
    """Every file of ``root`` read as an article; None (reported) when it is no directory.

    A directory with an index (``newsdeck index`` made one) is listed from it, so only
    new and changed files are read; the records and their order are :func:`scan`'s.
    """
    if not checked_directory(root):
        return None
    from tui.files.scan import scan
    from tui.store.index import list_articles

    articles = list_articles(root, rescan=rescan)
    scanned = Scanned([], [])
    for article in scan(root) if articles is None else articles:
        (scanned.good if article.ok else scanned.bad).append(article)
    return scanned


def sort_articles(articles: list[Article], how: str) -> list[Article]:
    """``articles`` in ``--sort how`` order, exactly as the app sorts (ties, undated, folding)."""
    from tui.search.sort import sort_articles as app_sort

    return app_sort(articles, SORT_SPECS[how])


def parse_filter(query: str) -> Query:
    """The ``--filter`` query parsed; a mistake in it prints one line and exits 2."""
    from tui.search.query import parse

    parsed = parse(query)
    if parsed.errors:
        usage_error(f"--filter: {'; '.join(parsed.errors)}")
    return parsed


def filter_articles(articles: list[Article], query: str) -> list[Article]:
    """Select and rank ``articles`` for ``query`` exactly as the app's filter box does.

    A query with a mistake in it (unknown field, bad date, unclosed quote...) exits 2:
    a script should not silently get a different selection than it asked for.
    ``is:`` filters read the user's reading state, never writing it.
    """
    from tui.search.query import apply

    parsed = parse_filter(query)
    if not parsed.needs_state:
        return apply(parsed, articles)
    from tui.store.state import StateError, StateStore

    try:
        store = StateStore(readonly=True)
    except StateError as exc:
        usage_error(str(exc))
    with store:
        return apply(
            parsed, articles, None, store.is_read, store.is_starred, is_started=store.is_started
        )


@dataclass(slots=True)
class Selection:
    """The articles a command prints, and what its summary line counts."""

    articles: list[Article]
    readable: int
    unreadable: int


def select(
    root: Path,
    query: str | None,
    sort: str = DEFAULT_SORT,
    limit: int | None = None,
    rescan: bool = False,
) -> Selection | None:
    """The articles of ``root`` that ``--filter query --sort sort --limit limit`` selects.

    None (reported on stderr) when ``root`` is no directory. A fuzzy-only query in date
    order is answered from a warm index when it can (same articles, same order).
    """
    wanted = query if query and query.strip() else None
    selection = None if wanted is None or rescan or sort != "date" else _from_index(root, wanted)
    if selection is None:
        scanned = scan_directory(root, rescan)
        if scanned is None:
            return None
        articles = sort_articles(scanned.good, sort)
        if wanted is not None:
            articles = filter_articles(articles, wanted)
        selection = Selection(articles, len(scanned.good), len(scanned.bad))
    if limit:
        selection.articles = selection.articles[:limit]
    return selection


def _from_index(root: Path, query: str) -> Selection | None:
    """A fuzzy-only query in date order from the index alone (None: take the general path)."""
    if directory_problem(root):
        return None  # the general path reports it
    parsed = parse_filter(query)
    if parsed.has_filters:
        return None
    from tui.store.listing import filter_from_index

    listed = filter_from_index(root, parsed.text)
    if listed is None:
        return None
    return Selection(listed.articles, listed.readable, listed.unreadable)
