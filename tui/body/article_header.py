"""The article header: one home, so the app and the command line show the same fields, with
dates from :mod:`tui.body.dates` (one zone, UTC).

Everything is plain :class:`rich.text.Text`, never markup: titles and names come from
untrusted files and ``[bold]`` in one must print as those seven characters.
"""

from __future__ import annotations

from rich.console import Group
from rich.rule import Rule
from rich.text import Text

from tui.body.dates import format_date
from tui.body.urls import display_url
from tui.model import Article

__all__ = ["article_header", "detail_lines", "meta_line", "title_line"]


def article_header(article: Article, *, details: bool = False) -> Group:
    """Title, source/author/date and a rule above the body.

    ``details`` adds :func:`detail_lines` (URL, categories and tags, problems), which
    ``newsdeck show`` prints and the reader leaves to its own panes.
    """
    lines = [title_line(article), meta_line(article)]
    if details:
        lines += detail_lines(article)
    return Group(*lines, Rule(style="dim"))


def title_line(article: Article) -> Text:
    """The title in bold; an empty title still gives the reader something to look at."""
    return Text(article.title or "(untitled)", style="bold")


def meta_line(article: Article) -> Text:
    """``source · author · date``, skipping what is missing and an author who is the source."""
    meta = Text(style="dim")
    if article.source:
        meta.append(article.source)
    if article.author and article.author != article.source:
        meta.append(" · " if meta.plain else "")
        meta.append(article.author)
    if article.date is not None:
        meta.append(" · " if meta.plain else "")
        meta.append(format_date(article.date))
    return meta


def detail_lines(article: Article) -> list[Text]:
    """The URL (decoded as browsers show it), the categories and tags (each once), and one
    warning line per problem."""
    lines: list[Text] = []
    if article.url:
        lines.append(Text(display_url(article.url), style="underline"))
    labels = dict.fromkeys(article.categories + article.tags)
    if labels:
        lines.append(Text(", ".join(labels), style="dim"))
    lines += [Text("⚠ " + problem, style="yellow") for problem in article.problems]
    return lines
