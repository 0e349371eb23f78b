"""``newsdeck list``, ``show`` and ``check``: a directory's articles for scripts and pipes.

The subcommand names, flags and JSON keys are a contract that scripts rely on;
change them only with the issue that defines them. Dates print as the app shows
them (:mod:`tui.body.article_header`, :mod:`tui.body.dates`: UTC); JSON keeps ISO strings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli.common import (
    DEFAULT_SORT,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    RESCAN_HELP,
    SORT_SPECS,
    error,
    positive_int,
    scan_directory,
    select,
)
from tui.model import Article

if TYPE_CHECKING:
    from tui.store.index import Index

#: Cells of the source column in ``newsdeck list``'s plain-text lines.
SOURCE_WIDTH = 16


def register(subparsers: Any) -> None:
    """Add ``list``, ``show`` and ``check`` to ``newsdeck``'s parser."""
    p_list = subparsers.add_parser("list", help="list the articles in a directory, newest first")
    p_list.add_argument("directory", type=Path)
    p_list.add_argument("--json", action="store_true", help="JSON Lines, one article a line")
    p_list.add_argument("--filter", metavar="QUERY", help="fuzzy filter, as in the app")
    p_list.add_argument("--sort", choices=tuple(SORT_SPECS), default=DEFAULT_SORT)
    p_list.add_argument("--limit", type=positive_int, metavar="N")
    p_list.add_argument("--rescan", action="store_true", help=RESCAN_HELP)
    p_list.add_argument(
        "--fold-duplicates",
        action="store_true",
        help="one line per text: copies of it (other feeds, the other script, truncated or "
        "re-headed) are folded into it (JSON: their paths in `copies`); reads the index",
    )
    p_list.set_defaults(handler=cmd_list)

    p_show = subparsers.add_parser("show", help="render one article as Markdown")
    p_show.add_argument("path", type=Path)
    p_show.add_argument("--width", type=positive_int, metavar="N")
    p_show.add_argument(
        "--images",
        action="store_true",
        help="fetch and draw the article's images in the terminal's best protocol"
        " (off when stdout is not a terminal)",
    )
    p_show.set_defaults(handler=cmd_show)

    p_check = subparsers.add_parser("check", help="report files that are not readable articles")
    p_check.add_argument("directory", type=Path)
    p_check.add_argument("--rescan", action="store_true", help=RESCAN_HELP)
    p_check.set_defaults(handler=cmd_check)


def cmd_list(ns: argparse.Namespace) -> int:
    """One line (or JSON record) per selected article; the counts on stderr."""
    root: Path = ns.directory
    fold = bool(getattr(ns, "fold_duplicates", False))
    if not fold and ns.sort == DEFAULT_SORT and not ns.rescan:
        streamed = stream_list(root, ns.filter, ns.limit, ns.json)
        if streamed is not None:
            return streamed
    selection = select(root, ns.filter, ns.sort, None if fold else ns.limit, ns.rescan)
    if selection is None:
        return EXIT_USAGE
    rows: list[tuple[Article, list[str] | None]]
    if fold:
        rows = [(a, c) for a, c in fold_duplicates(root, selection.articles)]
        rows = rows[: ns.limit] if ns.limit else rows
    else:
        rows = [(a, None) for a in selection.articles]
    out = sys.stdout
    for article, copies in rows:
        if ns.json:
            record = article.to_json(root)
            if copies is not None:
                record["copies"] = copies
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            line = list_line(article)
            out.write((line + f"  ×{len(copies) + 1}" if copies else line) + "\n")
    out.flush()
    listed = f"{len(rows)} of {selection.readable} articles listed"
    if fold:  # each line is an entry standing for itself and its copies
        folded = sum(len(copies or ()) for _, copies in rows)
        entries = "entry" if len(rows) == 1 else "entries"
        listed = (
            f"{len(rows)} {entries} of {selection.readable} articles listed "
            f"({folded} {'copy' if folded == 1 else 'copies'} folded in)"
        )
    _summary(root, listed, selection.unreadable)
    return EXIT_OK


def _summary(root: Path, listed: str, unreadable: int) -> None:
    """``list``'s line on stderr: what was listed, and the files that could not be read."""
    if unreadable:
        listed += f"; {unreadable} file(s) could not be read (see: newsdeck check {root})"
    print(listed, file=sys.stderr)


def stream_list(root: Path, query: str | None, limit: int | None, as_json: bool) -> int | None:
    """``list`` in date order printed as rows come from a fresh index, with no Article.

    The same lines, records, summary and exit code as the general path (tests hold
    them equal); None when the index cannot answer alone: the caller takes that path.
    A fuzzy-only ``--filter`` matches first (over stored keys), then prints its rows.
    """
    from tui.cli.common import directory_problem, parse_filter
    from tui.store import streamed
    from tui.store.streamed import fresh_index, listed_rows, row_of_columns

    if directory_problem(root):
        return None  # the general path reports it
    wanted = query if query and query.strip() else None
    text = None
    if wanted is not None:
        parsed = parse_filter(wanted)
        if parsed.has_filters:
            return None
        text = parsed.text
    with fresh_index(root) as fresh:
        if fresh is None:
            return None
        if text is None:
            printed = _print_rows(listed_rows(fresh, limit, plain=not as_json), as_json)
            if limit and printed == limit:
                found = streamed.findings(fresh)
                unreadable = len(found.bad)
                readable = found.total - unreadable
            else:  # every readable article was printed
                readable = printed
                unreadable = streamed.total(fresh) - printed
        else:
            from tui.store.listing import match_ids

            matched = match_ids(fresh.index, text)
            if matched is None:
                return None
            ids = matched.ids[:limit] if limit else matched.ids
            rows = (row_of_columns(row) for row in _rows_by_id(fresh.index, ids))
            printed = _print_rows(rows, as_json)
            readable, unreadable = matched.readable, matched.unreadable
    _summary(root, f"{printed} of {readable} articles listed", unreadable)
    return EXIT_OK


def _rows_by_id(index: Index, ids: list[int]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``ids`` in that order, a small batch first so the first line is quick."""
    start, size = 0, 50
    while start < len(ids):
        part = ids[start : start + size]
        found = index.rows_by_id(part)
        yield from (found[i] for i in part if i in found)
        start += size
        size = 2000


def _print_rows(rows: Iterator[tuple[Any, ...]], as_json: bool) -> int:
    """Write ``list``'s line (or JSON record) for each :data:`~tui.store.streamed.ROW` row.

    The first line is flushed at once (a pipe is block-buffered); then every 2,000
    lines are one write. Returns how many rows were printed.
    """
    from tui.store.streamed import json_line

    out = sys.stdout
    lists: dict[str, str] = {}
    sources: dict[str, str] = {}
    lines: list[str] = []
    printed, flush_at = 0, 1
    for row in rows:
        if as_json:
            lines.append(json_line(row, lists))
        else:
            lines.append(row_line(row[4], row[6], row[2], sources))
        printed += 1
        if printed == flush_at:
            lines.append("")
            out.write("\n".join(lines))
            out.flush()
            lines = []
            flush_at = printed + 2000
    if lines:
        lines.append("")
        out.write("\n".join(lines))
    out.flush()
    return printed


def fold_duplicates(root: Path, articles: list[Article]) -> list[tuple[Article, list[str]]]:
    """``articles`` with copies of one text folded into one entry, as the app folds them.

    The entry stands where the first of its copies stood, shows the fullest listed copy
    and names every other copy (relative paths, listed or not). Reads the index (built
    or refreshed first when needed: copies are found at index time).
    """
    from tui.store.index import Index, exists

    with Index(root) as index:
        if not exists(root) or index.count() == 0 or index.unchanged() is None:
            for _ in index.reconcile():
                pass
        groups = index.duplicate_groups()
    by_rel = {a.relpath(root): a for a in articles} if groups.groups else {}
    done: set[int] = set()
    out: list[tuple[Article, list[str]]] = []
    for article in articles:
        if not groups.groups:
            out.append((article, []))
            continue
        rel = article.relpath(root)
        at = groups.of.get(rel)
        if at is None:
            out.append((article, []))
            continue
        if at in done:
            continue
        done.add(at)
        members = groups.groups[at]  # fullest first
        shown = next(by_rel[m] for m in members if m in by_rel)
        shown_rel = shown.relpath(root)
        out.append((shown, [m for m in members if m != shown_rel]))
    return out


def list_line(article: Article) -> str:
    """Date, source and title in columns measured in cells, so CJK sources line up."""
    from tui.body.dates import date_column

    return _line(date_column(article.date), article.source, article.title)


def row_line(date: str | None, source: str | None, title: str, sources: dict[str, str]) -> str:
    """:func:`list_line` of a stored row (``date`` as stored: ISO text, or None).

    ``sources`` caches each source's padded column: a list repeats a few sources.
    """
    column = sources.get(source or "")
    if column is None:
        column = sources[source or ""] = _source_column(source)
    return f"{_row_date(date)}  {column}  {title}"


def _row_date(date: str | None) -> str:
    """:func:`~tui.body.dates.date_column` of a stored ISO date, by slicing when it is UTC."""
    if date is not None and len(date) >= 25 and date.endswith("+00:00") and date[0] != "0":
        return f"{date[:10]} {date[11:16]} UTC"  # what format_date's strftime makes of it
    from datetime import datetime

    from tui.body.dates import date_column

    return date_column(datetime.fromisoformat(date) if date else None)


def _line(date: str, source: str | None, title: str) -> str:
    return f"{date}  {_source_column(source)}  {title}"


def _source_column(source: str | None) -> str:
    """The source cut and padded to :data:`SOURCE_WIDTH` cells."""
    from rich.cells import cell_len, set_cell_size

    source = source or ""
    if cell_len(source) > SOURCE_WIDTH:
        source = set_cell_size(source, SOURCE_WIDTH - 1) + "…"
    return set_cell_size(source, SOURCE_WIDTH)


def cmd_show(ns: argparse.Namespace) -> int:
    """The article with the reader's header (plus URL, labels, problems) and its body."""
    from rich.console import Console, Group
    from rich.markdown import Markdown

    from tui.body.article_header import article_header
    from tui.body.markdown import decode_link_urls, html_to_markdown
    from tui.body.rich_wrap import install as install_line_breaking
    from tui.files.parser import parse

    install_line_breaking()  # CJK text breaks by UAX #14 rules, as in the reader
    path: Path = ns.path
    if not path.is_file():
        error(f"{path}: no such file")
        return EXIT_USAGE
    article = parse(path)
    if not article.ok:
        error(f"{path}: {article.error}")
        return EXIT_PROBLEMS
    console = Console(width=ns.width, highlight=False, emoji=False, markup=False)
    body = Markdown(html_to_markdown(article.body or ""), hyperlinks=False)
    decode_link_urls(body.parsed)  # links show their URLs as browsers do
    if getattr(ns, "images", False) and sys.stdout.isatty():
        from tui.cli.show_images import print_with_images

        header = article_header(article, details=True)
        print_with_images(console, article, header, body)
        return EXIT_OK
    console.print(Group(article_header(article, details=True), body))
    return EXIT_OK


def cmd_check(ns: argparse.Namespace) -> int:
    """Every unreadable file and every problem, one a line; exit 1 when a file is unreadable."""
    root: Path = ns.directory
    if not ns.rescan:
        streamed = stream_check(root)
        if streamed is not None:
            return streamed
    scanned = scan_directory(root, ns.rescan)
    if scanned is None:
        return EXIT_USAGE
    for article in scanned.bad:
        print(f"{article.relpath(root)}: error: {article.error}")
    with_problems = [a for a in scanned.good if a.problems]
    for article in with_problems:
        for problem in article.problems:
            print(f"{article.relpath(root)}: {problem}")
    return _check_summary(len(scanned.good), len(with_problems), len(scanned.bad))


def _check_summary(good: int, with_problems: int, bad: int) -> int:
    """``check``'s counts on stderr, and its exit code."""
    print(f"{good} articles, {with_problems} with problems, {bad} unreadable", file=sys.stderr)
    return EXIT_PROBLEMS if bad else EXIT_OK


def stream_check(root: Path) -> int | None:
    """``check`` from a fresh index: the stored errors and problems, no Article, no file read.

    The same lines, summary and exit code as the general path; None when the index
    cannot answer alone.
    """
    from tui.cli.common import directory_problem
    from tui.store.streamed import findings, fresh_index

    if directory_problem(root):
        return None
    with fresh_index(root) as fresh:
        if fresh is None:
            return None
        found = findings(fresh)
        out = sys.stdout
        lines = [f"{rel}: error: {why}" for rel, why in found.bad]
        lines += [f"{rel}: {problem}" for rel, problems in found.problems for problem in problems]
        if lines:
            out.write("\n".join(lines) + "\n")
        out.flush()
    good = found.total - len(found.bad)
    with_problems = len(found.problems)
    unreadable = len(found.bad)
    return _check_summary(good, with_problems, unreadable)
