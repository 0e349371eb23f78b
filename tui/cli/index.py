"""``newsdeck index``, ``search`` and ``related``: the index from the command line.

``index`` builds or refreshes a directory's index (for cron or a server, so the
app opens instantly); ``search`` refreshes it quietly and prints full-text
matches best first; ``related`` the other articles about one article's story.
Heavy modules are imported inside the handlers so that
registering these commands costs ``newsdeck list`` nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli.common import (
    EXIT_NO_MATCH,
    EXIT_OK,
    EXIT_USAGE,
    RESCAN_HELP,
    checked_directory,
    positive_int,
)

if TYPE_CHECKING:
    from tui.store.index import Hit


def register(subparsers: Any) -> None:
    """Add the ``index`` and ``search`` subcommands to ``newsdeck``'s parser."""
    p_index = subparsers.add_parser(
        "index", help="build or refresh the search index of a directory (progress on stderr)"
    )
    p_index.add_argument("directory", type=Path)
    p_index.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    p_index.add_argument(
        "--workers", type=positive_int, metavar="N", help="parser processes (default: CPUs)"
    )
    p_index.set_defaults(handler=cmd_index)

    p_search = subparsers.add_parser(
        "search", help="full-text search of a directory's articles, best match first"
    )
    p_search.add_argument("directory", type=Path)
    p_search.add_argument("query", help="words to find (all of them); quote phrases")
    p_search.add_argument("--json", action="store_true", help="JSON Lines, one match a line")
    p_search.add_argument("--limit", type=positive_int, default=20, metavar="N")
    p_search.add_argument("--rescan", action="store_true", help=RESCAN_HELP)
    p_search.set_defaults(handler=cmd_search)

    p_related = subparsers.add_parser(
        "related", help="other articles about the same story as one article, best first"
    )
    p_related.add_argument("directory", type=Path)
    p_related.add_argument("path", type=Path, help="the article (relative to DIRECTORY, or a path)")
    p_related.add_argument("--json", action="store_true", help="JSON Lines, one article a line")
    p_related.add_argument("--limit", type=positive_int, default=10, metavar="N")
    p_related.set_defaults(handler=cmd_related)


def cmd_index(ns: argparse.Namespace) -> int:
    """Build or refresh the index with a Rich progress bar on stderr."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from tui.store.index import Index

    root: Path = ns.directory
    if not checked_directory(root):
        return EXIT_USAGE
    console = Console(stderr=True, highlight=False, markup=False, emoji=False)
    started = time.perf_counter()
    added = changed = removed = 0
    with Index(root) as index:
        if index.notice:
            print(index.notice, file=sys.stderr)
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=ns.quiet,
            transient=False,
        )
        with progress:
            task = progress.add_task("indexing", total=None)
            for batch in index.reconcile(workers=ns.workers):
                added += len(batch.added)
                changed += len(batch.changed)
                removed += len(batch.removed)
                progress.update(task, total=batch.total or 1, completed=batch.done or 0)
            progress.update(task, completed=progress.tasks[0].total or 1)
        total = index.count()
        where = index.path
        late_notice = index.notice
    if late_notice and not ns.quiet:
        print(late_notice, file=sys.stderr)
    if not ns.quiet:
        seconds = time.perf_counter() - started
        print(
            f"{total} entries indexed ({added} added, {changed} changed, {removed} removed) "
            f"in {seconds:.1f} s; index: {where}",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_search(ns: argparse.Namespace) -> int:
    """Refresh the index quietly, then print matches; exit 1 when nothing matched (like grep).

    Why not always refresh: stat()ing every file costs ~0.6 s at 100,000. When no
    directory changed (no file added, removed or renamed) only the hits' own files
    are checked, so no stale hit is printed; a file rewritten in place that would
    now match is found with ``--rescan``, which stats every file first.
    """
    from tui.store.index import Index

    root: Path = ns.directory
    if not checked_directory(root):
        return EXIT_USAGE
    if not ns.query.strip():
        print("newsdeck: search: the query is empty", file=sys.stderr)
        return EXIT_USAGE
    with Index(root) as index:
        if index.notice:
            print(index.notice, file=sys.stderr)
        fresh = not (ns.rescan or index.notice or index.unchanged() is None)
        if not fresh:
            for _ in index.reconcile():
                pass
        hits = index.search(ns.query, ns.limit)
        if fresh and not _unchanged_files(hits):
            for _ in index.reconcile():  # a hit's file was rewritten in place
                pass
            hits = index.search(ns.query, ns.limit)
    out = sys.stdout
    if ns.json:
        for hit in hits:
            out.write(json.dumps(hit.to_json(root), ensure_ascii=False) + "\n")
        out.flush()
    else:
        _print_hits(hits, root)
    return EXIT_OK if hits else EXIT_NO_MATCH


def cmd_related(ns: argparse.Namespace) -> int:
    """Refresh the index quietly, then print the article's related coverage, best first.

    Exit 1 when nothing is related (like ``search``), 2 when PATH is not an article of
    DIRECTORY. Copies of the article itself are never listed (``list --fold-duplicates``
    shows those).
    """
    from tui.body.dates import format_date
    from tui.store.index import Index

    root: Path = ns.directory
    if not checked_directory(root):
        return EXIT_USAGE
    target: Path = ns.path
    if not target.is_absolute() and not target.exists():
        target = root / target
    if not target.is_file():
        print(f"newsdeck: related: {ns.path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    with Index(root) as index:
        if index.notice:
            print(index.notice, file=sys.stderr)
        for _ in index.reconcile():
            pass
        rel = index.relative(target)
        if rel is None:
            print(f"newsdeck: related: {ns.path}: not an article of {root}", file=sys.stderr)
            return EXIT_USAGE
        found = index.related(rel, ns.limit)
    out = sys.stdout
    for item in found:
        if ns.json:
            out.write(json.dumps(item.to_json(root), ensure_ascii=False) + "\n")
        else:
            article = item.article
            date = format_date(article.date) if article.date else "-"
            out.write(
                f"{item.score:.3f}  {date}  {article.source or ''}  {article.title}\n"
                f"       {article.relpath(root)}\n"
            )
    out.flush()
    return EXIT_OK if found else EXIT_NO_MATCH


def _unchanged_files(hits: list[Hit]) -> bool:
    """Whether every hit's file still has the size and mtime the index recorded."""
    import os

    for hit in hits:
        try:
            st = os.stat(hit.article.path)
        except OSError:
            return False
        if (st.st_size, st.st_mtime) != (hit.article.size, hit.article.mtime):
            return False
    return True


def _print_hits(hits: list[Hit], root: Path) -> None:
    """Title line, dim date/source/path, and the snippet with its matches in bold.

    Article text goes into :class:`rich.text.Text` pieces, never through markup;
    the date is the app's (:func:`~tui.body.dates.format_date`, UTC).
    """
    from rich.console import Console
    from rich.text import Text

    from tui.body.dates import format_date

    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True)
    for hit in hits:
        article = hit.article
        line = Text(article.title, style="bold")
        date = format_date(article.date) if article.date else ""
        meta = "  ".join(x for x in (date, article.source or "", article.relpath(root)) if x)
        line.append(f"\n  {meta}", style="dim")
        snippet = Text("\n  ")
        at = 0
        for start, end in hit.highlights:
            snippet.append(hit.snippet[at:start])
            snippet.append(hit.snippet[start:end], style="bold reverse")
            at = end
        snippet.append(hit.snippet[at:])
        console.print(line + snippet)
