"""The article header (title, source, author, date) as Rich renderables: one for the app and
``newsdeck show``, so both print the same fields in the same time zone."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.rule import Rule
from rich.text import Text

from tui.model import Article


def article_header(article: Article) -> Group:
    """Title, source and date above the body: all plain Text, never markup."""
    title = Text(article.title or "(untitled)", style="bold")
    meta = Text(style="dim")
    if article.source:
        meta.append(article.source)
    if article.author and article.author != article.source:
        meta.append(" · " if meta.plain else "")
        meta.append(article.author)
    if article.date is not None:
        meta.append(" · " if meta.plain else "")
        meta.append(format_date(article.date))
    return Group(title, meta, Rule(style="dim"))


def format_date(date: datetime) -> str:
    """The absolute date as the app shows it everywhere (UTC, minutes)."""
    return date.strftime("%Y-%m-%d %H:%M UTC")
