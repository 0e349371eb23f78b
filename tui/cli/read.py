"""``newsdeck list``, ``show`` and ``check``: a directory's articles for scripts and pipes.

The subcommand names, flags and JSON keys are a contract that scripts rely on;
change them only with the issue that defines them. Dates print as the app shows
them (:mod:`tui.body.article_header`, :mod:`tui.body.dates`: UTC); JSON keeps ISO strings.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

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
    summary = f"{len(selection.articles)} of {selection.readable} articles listed"
    if selection.unreadable:
        summary += (
            f"; {selection.unreadable} file(s) could not be read (see: newsdeck check {root})"
        )
    print(summary, file=sys.stderr)
    return EXIT_OK


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
    from rich.cells import cell_len, set_cell_size

    from tui.body.dates import date_column

    source = article.source or ""
    if cell_len(source) > SOURCE_WIDTH:
        source = set_cell_size(source, SOURCE_WIDTH - 1) + "…"
    return f"{date_column(article.date)}  {set_cell_size(source, SOURCE_WIDTH)}  {article.title}"


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
    scanned = scan_directory(root, ns.rescan)
    if scanned is None:
        return EXIT_USAGE
    for article in scanned.bad:
        print(f"{article.relpath(root)}: error: {article.error}")
    with_problems = [a for a in scanned.good if a.problems]
    for article in with_problems:
        for problem in article.problems:
            print(f"{article.relpath(root)}: {problem}")
    print(
        f"{len(scanned.good)} articles, {len(with_problems)} with problems, "
        f"{len(scanned.bad)} unreadable",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS if scanned.bad else EXIT_OK
