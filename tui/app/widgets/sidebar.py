"""The metadata sidebar: everything known about the article under the cursor.

Values come straight from files, so each one is a ``rich.text.Text`` (never
markup). Reading statistics need the body, so they appear once the reader has
loaded the article. "Also reported by" (the first few sources of related
coverage) comes from the index in a worker, after the rest is drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from tui.body.dates import format_date
from tui.body.urls import display_url
from tui.model import Article
from tui.store.index import Related

# Han, kana, Hangul and CJK punctuation: read by the character, not the word.
_CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
CJK_CHARS_PER_MINUTE = 400
LATIN_WORDS_PER_MINUTE = 230
#: "Also reported by" names this many sources of related coverage (`r` lists them all).
ALSO_REPORTED = 4


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

    class RelatedFound(Message):
        """Related coverage of ``article``, looked up in a worker."""

        def __init__(self, article: Article, related: list[Related]) -> None:
            super().__init__()
            self.article = article
            self.related = related

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Sidebar.RelatedFound)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.stats: ReadingStats | None = None
        #: (read, starred) of :attr:`article`, as the screen that owns the state says.
        self.marks: tuple[bool, bool] | None = None
        #: Every copy of :attr:`article`'s entry, fullest first (empty: no copies).
        self.copies: tuple[Article, ...] = ()
        #: Related coverage of :attr:`article` (None: not looked up yet, or no index).
        self.related: list[Related] | None = None
        #: Looks up related coverage (any thread; the screen sets it once the index is open).
        self.related_source: Callable[[Article, int], list[Related]] | None = None
        #: The article whose related coverage was last asked for.
        self._asked: Article | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("No article selected.", style="dim"), id="sidebar-body")

    def show(
        self,
        article: Article | None,
        marks: tuple[bool, bool] | None = None,
        copies: Sequence[Article] = (),
    ) -> None:
        """Show ``article``'s fields, reading state ``marks`` (read, starred) and ``copies``.

        Statistics come with :meth:`set_text`; related coverage from a worker.
        """
        if article is not self.article:
            self.stats = None
            self.related = None
        if (
            article is not None
            and article is not self._asked
            and self.related_source is not None
            and self.display
        ):
            self._asked = article  # once per article, even when the answer is "none"
            self._look_up_related(article)
        self.article = article
        self.marks = marks
        self.copies = tuple(copies)
        self._refresh_body()

    @work(thread=True, exclusive=True, group="sidebar-related", description="related coverage")
    def _look_up_related(self, article: Article) -> None:
        source = self.related_source
        # More than shown: copies of one report and one source count once.
        related = source(article, ALSO_REPORTED * 3) if source is not None else []
        if not get_current_worker().is_cancelled:
            self.post_message(self.RelatedFound(article, related))

    @on(RelatedFound)
    def _related_found(self, event: RelatedFound) -> None:
        event.stop()
        if event.article is self.article:
            self.related = event.related
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
        if self.copies:
            rows.append(Text(f"Copies ×{len(self.copies)}", style="bold"))
            for copy in self.copies:
                line = Text("• ")
                line.append(copy.source or "(no source)")
                line.append(f"  {copy.path.name}", style="dim")
                if copy is self.copies[0]:
                    line.append("  (fullest: opens)", style="italic")
                line.overflow = "fold"
                rows.append(line)
            rows.append(Text(""))
        if self.related:
            sources = list(dict.fromkeys(r.article.source or "(no source)" for r in self.related))
            shown = sources[:ALSO_REPORTED]
            more = len(sources) - len(shown)
            field(
                "Also reported by",
                *shown,
                f"and {more} more (r)" if more else "r lists them by date",
            )
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
