"""``newsdeck export DIR``: the articles a filter selects, as Markdown or JSON Lines.

The selection is exactly ``newsdeck list DIR --filter Q --sort S``'s; each article
is then read in full and its HTML body converted with
:func:`tui.body.markdown.html_to_markdown`. Output goes to stdout, or with
``--output OUT`` to one file per article (``.md`` or ``.json``) mirroring the
article's path below DIR. OUT must not lie inside DIR: newsdeck never writes into
a seeds directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from tui.cli.common import (
    DEFAULT_SORT,
    EXIT_OK,
    EXIT_USAGE,
    SORT_SPECS,
    error,
    positive_int,
    select,
)
from tui.model import Article

FORMATS = ("markdown", "json")


def register(subparsers: Any) -> None:
    """Add ``export`` to the ``newsdeck`` command line (see ``tui.cli.main.COMMANDS``)."""
    p = subparsers.add_parser(
        "export",
        help="write the matching articles as Markdown or JSON Lines",
        description="Write the articles a filter selects (same syntax as the app's filter box).",
    )
    p.add_argument("directory", type=Path)
    p.add_argument("--filter", metavar="QUERY", help="query, as in `newsdeck list --filter`")
    p.add_argument("--format", choices=FORMATS, default="markdown")
    p.add_argument("--sort", choices=tuple(SORT_SPECS), default=DEFAULT_SORT)
    p.add_argument("--limit", type=positive_int, metavar="N")
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="OUT",
        help="a directory to write one file per article into (default: stdout)",
    )
    p.set_defaults(handler=cmd_export)


def output_problem(root: Path, output: Path) -> str | None:
    """Why ``output`` cannot take the export of ``root`` (None when it can)."""
    r = root.resolve()
    o = output.resolve()
    if o == r or r in o.parents:
        return f"{output}: inside the seeds directory {root}; newsdeck never writes there"
    if o.exists() and not o.is_dir():
        return f"{output}: exists and is not a directory"
    return None


def cmd_export(ns: argparse.Namespace) -> int:
    """Write ``list``'s selection in full; refuse an output inside the seeds directory."""
    root: Path = ns.directory
    if ns.output is not None:
        problem = output_problem(root, ns.output)
        if problem:
            error(problem)
            return EXIT_USAGE
    selection = select(root, ns.filter, ns.sort, ns.limit)
    if selection is None:
        return EXIT_USAGE
    articles = selection.articles
    if ns.output is None:
        _to_stdout(articles, root, ns.format)
        written = len(articles)
    else:
        written = _to_directory(articles, root, ns.output, ns.format)
    where = "stdout" if ns.output is None else str(ns.output)
    print(f"{written} of {selection.readable} articles exported to {where}", file=sys.stderr)
    return EXIT_OK


def _markdown_body(article: Article) -> str:
    """The full body as Markdown: the listing read only headers, so this reads the file."""
    from tui.body.markdown import html_to_markdown
    from tui.files.parser import load_body

    return html_to_markdown(load_body(article))


def record(article: Article, root: Path) -> dict[str, Any]:
    """The JSON record: ``newsdeck list --json``'s keys plus the body as ``markdown``."""
    data = article.to_json(root)
    data["markdown"] = _markdown_body(article)
    return data


def markdown_document(article: Article, root: Path) -> str:
    """A Markdown file for one article: title, a metadata list, a rule, the body."""
    body = _markdown_body(article)  # first: a failed read adds to problems
    lines = [f"# {' '.join(article.title.split()) or article.relpath(root)}", ""]
    meta = [
        ("Source", article.source),
        ("Author", article.author),
        ("Date", article.date.isoformat() if article.date else None),
        ("URL", f"<{article.url}>" if article.url else None),
        ("Categories", ", ".join(article.categories) or None),
        ("Tags", ", ".join(article.tags) or None),
        ("File", article.relpath(root)),
    ]
    lines += [f"- {name}: {value}" for name, value in meta if value]
    lines += [f"- Problem: {p}" for p in article.problems]
    lines += ["", "---", "", body.strip(), ""]
    return "\n".join(lines)


def _to_stdout(articles: list[Article], root: Path, fmt: str) -> None:
    """JSON Lines, or Markdown documents separated by a blank line."""
    out = sys.stdout
    for k, article in enumerate(articles):
        if fmt == "json":
            out.write(json.dumps(record(article, root), ensure_ascii=False) + "\n")
        else:
            if k:
                out.write("\n\n")
            out.write(markdown_document(article, root))
    out.flush()


def _target(article: Article, root: Path, output: Path, suffix: str, taken: set[Path]) -> Path:
    """``OUT/<relative path>.<suffix>``, made unique and kept inside OUT."""
    rel = Path(article.relpath(root))
    parts = [p for p in rel.parts if p not in ("", ".", "..", "/")] if not rel.is_absolute() else []
    if not parts:
        parts = [article.path.name or "article"]
    base = output.joinpath(*parts).with_suffix(suffix)
    target, n = base, 1
    while target in taken:
        n += 1
        target = base.with_name(f"{base.stem}-{n}{suffix}")
    taken.add(target)
    return target


def _to_directory(articles: list[Article], root: Path, output: Path, fmt: str) -> int:
    """One file per article below ``output``; returns how many were written."""
    taken: set[Path] = set()
    suffix = ".json" if fmt == "json" else ".md"
    for article in articles:
        if fmt == "json":
            text = json.dumps(record(article, root), ensure_ascii=False, indent=2) + "\n"
        else:
            text = markdown_document(article, root)
        _write_atomic(_target(article, root, output, suffix, taken), text)
    return len(articles)


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so an interrupted export leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
