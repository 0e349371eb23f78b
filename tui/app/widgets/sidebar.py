"""The metadata sidebar: everything known about the article under the cursor.

Values come straight from files, so each one is a ``rich.text.Text`` (never
markup). Reading statistics need the body, so they appear once the reader has
loaded the article.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.body.dates import format_date
from tui.body.urls import display_url
from tui.model import Article

# Han, kana, Hangul and CJK punctuation: read by the character, not the word.
_CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
CJK_CHARS_PER_MINUTE = 400
LATIN_WORDS_PER_MINUTE = 230


@dataclass(frozen=True, slots=True)
class ReadingStats:
    """Size of an article's text and how long it takes to read."""

    characters: int  # non-space characters
    cjk_characters: int
    words: int  # words outside CJK runs
    minutes: int


def reading_stats(text: str) -> ReadingStats:
    """Count characters (not spaces) and estimate reading time, CJK-aware.

    CJK text has no spaces between words, so it is timed per character
    (~400/min); the rest per word (~230/min). Mixed text adds both.
    """
    characters = sum(1 for ch in text if not ch.isspace())
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    minutes_float = cjk / CJK_CHARS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE
    minutes = 0 if characters == 0 else max(1, math.ceil(minutes_float))
    return ReadingStats(characters, cjk, words, minutes)


def _now() -> datetime:
    """The clock relative dates are measured against (tests pin it)."""
    return datetime.now(UTC)


def relative_time(date: datetime, now: datetime | None = None) -> str:
    """'3 days ago', 'in 2 hours': how far ``date`` is from now."""
    now = now or _now()
    seconds = (now - date).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    units: tuple[tuple[str, int], ...] = (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    )
    chosen = next(((unit, size) for unit, size in units if seconds >= size), None)
    if chosen is None:
        return "just now"
    unit, amount = chosen[0], int(seconds // chosen[1])
    label = f"{amount} {unit}{'s' if amount != 1 else ''}"
    return f"in {label}" if future else f"{label} ago"


def human_size(size: int) -> str:
    """Bytes as B / KB / MB (1000-based, as file managers show)."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"


class Sidebar(VerticalScroll):
    """Shows one article's metadata as label/value rows."""

    DEFAULT_CSS = """
    Sidebar { width: 32; padding: 0 1; }
    Sidebar > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.stats: ReadingStats | None = None
        #: (read, starred) of :attr:`article`, as the screen that owns the state says.
        self.marks: tuple[bool, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("No article selected.", style="dim"), id="sidebar-body")

    def show(self, article: Article | None, marks: tuple[bool, bool] | None = None) -> None:
        """Show ``article``'s header fields and reading state ``marks`` (read, starred).

        Statistics come with :meth:`set_text`.
        """
        if article is not self.article:
            self.stats = None
        self.article = article
        self.marks = marks
        self._refresh_body()

    def set_text(self, article: Article, text: str) -> None:
        """The reader loaded ``article``: add its reading statistics."""
        if article is self.article:
            self.stats = reading_stats(text)
            self._refresh_body()

    def _refresh_body(self) -> None:
        self.query_one("#sidebar-body", Static).update(self._render_article())

    def _render_article(self) -> RenderableType:
        article = self.article
        if article is None:
            return Text("No article selected.", style="dim")
        rows: list[RenderableType] = []

        def field(label: str, *values: str | None) -> None:
            shown = [v for v in values if v]
            if not shown:
                return
            rows.append(Text(label, style="bold"))
            for value in shown:
                rows.append(Text(value, overflow="fold"))
            rows.append(Text(""))

        field("Title", article.title or "(untitled)")
        if self.marks is not None:
            read, starred = self.marks
            field("State", ("Read" if read else "● Unread") + ("  ★ Starred" if starred else ""))
        field("Source", article.source)
        field("Author", article.author)
        if article.date is not None:
            field(
                "Date",
                format_date(article.date),
                relative_time(article.date),
            )
        field("Categories", ", ".join(article.categories))
        field("Tags", ", ".join(article.tags))
        # Decoded as browsers show it; `o`/`y` use the exact URL.
        field("URL", display_url(article.url) if article.url else None)
        field("Image", display_url(article.image) if article.image else None)
        field("Format", article.format)
        field("File", str(article.path), human_size(article.size))
        if self.stats is not None:
            stats = self.stats
            field(
                "Length",
                f"{stats.characters:,} characters",
                f"~{stats.minutes} min read",
            )
        if article.problems:
            rows.append(Text("Problems", style="bold red"))
            for problem in article.problems:
                rows.append(Text("• " + problem, overflow="fold"))
        return Group(*rows)
