"""The ``newsdeck`` command line: the app, and ``list``/``show``/``check`` for scripts.

The subcommand names, flags and JSON keys are a contract that scripts rely on;
change them only with the issue that defines them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.files.scan import scan
from tui.model import Article, sort_key_date
from tui.paths import sample_seeds_dir

if TYPE_CHECKING:
    from tui.search.query import Query

#: Commands that live in modules of their own: name -> module with ``register(subparsers)``.
#: Each registers its parser with ``set_defaults(handler=...)``; handlers import their heavy
#: dependencies lazily so ``newsdeck list`` stays quick to start.
PLUGIN_COMMANDS: dict[str, str] = {
    "export": "tui.cli.export",
    "serve": "tui.cli.serve",
    "index": "tui.cli.index",
    "search": "tui.cli.index",
}
COMMANDS = ("list", "show", "check", *PLUGIN_COMMANDS)
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
RESCAN_HELP = (
    "with an index: stat every file, also catching files rewritten in place "
    "(by default only directories are checked for added, removed and renamed files)"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and ``python -m tui``."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            return _run_command(args)
        return _run_app(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsdeck list DIR | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return EXIT_OK


def _run_app(args: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="newsdeck",
        description="Read a folder of news articles in the terminal.",
        epilog="Commands: newsdeck list | show | check | index | search | export | serve"
        "  (see newsdeck COMMAND --help)",
    )
    parser.add_argument(
        "directory", nargs="?", help="seeds directory (default: the bundled samples)"
    )
    parser.add_argument(
        "--color-system",
        choices=("auto", "standard", "256", "truecolor", "windows"),
        help="colours to use (default: from TERM/COLORTERM; also $TEXTUAL_COLOR_SYSTEM)",
    )
    ns = parser.parse_args(args)
    if ns.color_system:
        # Textual reads this once, at import: set it before the app is imported.
        os.environ["TEXTUAL_COLOR_SYSTEM"] = ns.color_system
    root = Path(ns.directory) if ns.directory else sample_seeds_dir()
    problem = directory_problem(root)
    if problem:
        print(f"newsdeck: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        from tui.app import run
    except ImportError as exc:  # the app is optional for the scripting commands
        print(f"newsdeck: the reader app is not available ({exc})", file=sys.stderr)
        return EXIT_USAGE
    return run(root)


def directory_problem(root: Path) -> str | None:
    if not root.exists():
        return f"{root}: no such directory"
    if not root.is_dir():
        return f"{root}: not a directory"
    return None


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdeck")
    sub = parser.add_subparsers(dest="command", required=True)

    p_list = sub.add_parser("list", help="list the articles in a directory, newest first")
    p_list.add_argument("directory", type=Path)
    p_list.add_argument("--json", action="store_true", help="JSON Lines, one article a line")
    p_list.add_argument("--filter", metavar="QUERY", help="fuzzy filter, as in the app")
    p_list.add_argument("--sort", choices=("date", "title", "source"), default="date")
    p_list.add_argument("--limit", type=positive_int, metavar="N")
    p_list.add_argument("--rescan", action="store_true", help=RESCAN_HELP)

    p_show = sub.add_parser("show", help="render one article as Markdown")
    p_show.add_argument("path", type=Path)
    p_show.add_argument("--width", type=positive_int, metavar="N")

    p_check = sub.add_parser("check", help="report files that are not readable articles")
    p_check.add_argument("directory", type=Path)
    p_check.add_argument("--rescan", action="store_true", help=RESCAN_HELP)

    p_list.set_defaults(handler=cmd_list)
    p_show.set_defaults(handler=cmd_show)
    p_check.set_defaults(handler=cmd_check)
    for module_name in dict.fromkeys(PLUGIN_COMMANDS.values()):
        importlib.import_module(module_name).register(sub)
    return parser


def positive_int(text: str) -> int:
    """argparse type for ``--limit N`` and friends: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _run_command(args: list[str]) -> int:
    ns = _build_parser().parse_args(args)
    handler: Callable[[argparse.Namespace], int] = ns.handler
    return handler(ns)


def _scan_dir(root: Path, rescan: bool = False) -> tuple[list[Article], list[Article]] | None:
    problem = directory_problem(root)
    if problem:
        print(f"newsdeck: {problem}", file=sys.stderr)
        return None
    from tui.store.index import list_articles

    # A directory with an index (`newsdeck index` made one) is listed from it: only
    # new and changed files are read. Same records, same order as scan().
    articles = list_articles(root, rescan=rescan)
    good: list[Article] = []
    bad: list[Article] = []
    for article in scan(root) if articles is None else articles:
        (good if article.ok else bad).append(article)
    return good, bad


def _sorted(articles: list[Article], how: str) -> list[Article]:
    if how == "title":
        return sorted(articles, key=lambda a: (a.title.casefold(), sort_key_date(a)))
    if how == "source":
        return sorted(articles, key=lambda a: ((a.source or "").casefold(), sort_key_date(a)))
    return sorted(articles, key=sort_key_date)


def _parsed(query: str) -> Query:
    """The ``--filter`` query parsed; a mistake in it prints one line and exits 2."""
    from tui.search import query as q

    parsed = q.parse(query)
    if parsed.errors:
        print(f"newsdeck: --filter: {'; '.join(parsed.errors)}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    return parsed


def _quick_list(ns: argparse.Namespace) -> tuple[list[Article], int, int] | None:
    """A fuzzy-only ``--filter`` in date order, answered by the index alone when it can."""
    if ns.rescan or ns.sort != "date" or not ns.filter or not ns.filter.strip():
        return None
    if directory_problem(ns.directory):
        return None  # the general path reports it
    parsed = _parsed(ns.filter)
    if parsed.has_filters:
        return None
    from tui.store.listing import filter_from_index

    listed = filter_from_index(ns.directory, parsed.text)
    if listed is None:
        return None
    return listed.articles, listed.readable, listed.unreadable


def filter_articles(articles: list[Article], query: str) -> list[Article]:
    """Select and rank ``articles`` for ``query`` exactly as the app's filter box does.

    The query language is :mod:`tui.search.query`'s. A query with a mistake in it
    (unknown field, bad date, unclosed quote...) prints one line on stderr and exits 2:
    a script should not silently get a different selection than it asked for.
    ``is:`` filters read the user's reading state, never writing it.
    """
    from tui.search import query as q

    parsed = _parsed(query)
    if not parsed.needs_state:
        return q.apply(parsed, articles)
    from tui.store.state import StateError, StateStore

    try:
        store = StateStore(readonly=True)
    except StateError as exc:
        print(f"newsdeck: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    with store:
        return q.apply(parsed, articles, None, store.is_read, store.is_starred)


def cmd_list(ns: argparse.Namespace) -> int:
    quick = _quick_list(ns)
    if quick is not None:
        articles, readable, unreadable = quick
    else:
        scanned = _scan_dir(ns.directory, ns.rescan)
        if scanned is None:
            return EXIT_USAGE
        good, bad = scanned
        readable, unreadable = len(good), len(bad)
        articles = _sorted(good, ns.sort)
        if ns.filter and ns.filter.strip():
            articles = filter_articles(articles, ns.filter)
    if ns.limit:
        articles = articles[: ns.limit]
    root = ns.directory
    out = sys.stdout
    if ns.json:
        for article in articles:
            out.write(json.dumps(article.to_json(root), ensure_ascii=False) + "\n")
    else:
        for article in articles:
            out.write(_list_line(article) + "\n")
    out.flush()
    summary = f"{len(articles)} of {readable} articles listed"
    if unreadable:
        summary += f"; {unreadable} file(s) could not be read (see: newsdeck check {root})"
    print(summary, file=sys.stderr)
    return EXIT_OK


def _list_line(article: Article) -> str:
    from rich.cells import cell_len, set_cell_size

    date = _local_date(article.date)
    source = article.source or ""
    if cell_len(source) > 16:
        source = set_cell_size(source, 15) + "…"
    return f"{date}  {set_cell_size(source, 16)}  {article.title}"


def _local_date(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else "----------------"


def cmd_show(ns: argparse.Namespace) -> int:
    from rich.console import Console, Group
    from rich.markdown import Markdown
    from rich.rule import Rule
    from rich.text import Text

    from tui.files.parser import parse

    path: Path = ns.path
    if not path.is_file():
        print(f"newsdeck: {path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    article = parse(path)
    if not article.ok:
        print(f"newsdeck: {path}: {article.error}", file=sys.stderr)
        return EXIT_PROBLEMS
    from tui.body.markdown import html_to_markdown

    console = Console(width=ns.width, highlight=False, emoji=False, markup=False)
    header = Text()
    header.append(article.title, style="bold")
    meta = [x for x in (article.source, article.author, _local_date(article.date)) if x]
    header.append("\n" + " · ".join(dict.fromkeys(meta)), style="dim")
    if article.url:
        header.append("\n" + article.url, style="underline")
    if article.categories or article.tags:
        header.append(
            "\n" + ", ".join(dict.fromkeys(article.categories + article.tags)), style="dim"
        )
    for problem in article.problems:
        header.append("\n⚠ " + problem, style="yellow")
    body = Markdown(html_to_markdown(article.body or ""), hyperlinks=False)
    console.print(Group(header, Rule(style="dim"), body))
    return EXIT_OK


def cmd_check(ns: argparse.Namespace) -> int:
    scanned = _scan_dir(ns.directory, ns.rescan)
    if scanned is None:
        return EXIT_USAGE
    good, bad = scanned
    root = ns.directory
    for article in bad:
        print(f"{article.relpath(root)}: error: {article.error}")
    with_problems = [a for a in good if a.problems]
    for article in with_problems:
        for problem in article.problems:
            print(f"{article.relpath(root)}: {problem}")
    print(
        f"{len(good)} articles, {len(with_problems)} with problems, {len(bad)} unreadable",
        file=sys.stderr,
    )
    return EXIT_PROBLEMS if bad else EXIT_OK
