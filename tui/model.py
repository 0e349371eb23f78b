"""The article record every part of newsdeck shares.

The parser produces it, the library and index keep it, the app and CLI show it.
Nothing here knows about Textual or about file formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

Format = Literal["frontmatter", "feed", "hybrid"]

#: ``Article.error`` is set when a file could not be read as an article at all
#: (binary, undecodable, unreadable, vanished, no article header). Such files are
#: reported (``newsdeck check``, the app's problems screen) but never listed.


@dataclass(slots=True)
class Article:
    """One news article, or one file that failed to be one (``error`` set).

    Every string is free of control characters (bodies keep newline and tab).
    ``body`` is the raw HTML body; it is ``None`` when only the header was read
    (directory listing), and :func:`tui.files.parser.load_body` fills it on demand.
    """

    path: Path
    format: Format | None = None
    title: str = ""
    url: str | None = None
    date: datetime | None = None  # timezone-aware UTC
    author: str | None = None
    source: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    body: str | None = None
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    size: int = 0
    mtime: float = 0.0
    encoding: str = "utf-8"

    @property
    def ok(self) -> bool:
        """True when this is a readable article that belongs in the list."""
        return self.error is None

    def relpath(self, root: Path | None) -> str:
        """The path relative to ``root`` when it lies below it, else as given."""
        if root is not None:
            try:
                return self.path.relative_to(root).as_posix()
            except ValueError:
                pass
        return self.path.as_posix()

    def to_json(self, root: Path | None = None) -> dict[str, Any]:
        """The CLI's JSON Lines record (the contract of ``newsdeck list --json``)."""
        return {
            "path": self.relpath(root),
            "format": self.format,
            "title": self.title,
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "author": self.author,
            "source": self.source,
            "categories": list(self.categories),
            "tags": list(self.tags),
            "image": self.image,
            "problems": list(self.problems),
        }


def sort_key_date(article: Article) -> tuple[int, float, str]:
    """Newest-first sort key that never fails on mixed or missing dates.

    Articles without a date sort after all dated ones; ties break on title.
    """
    if article.date is None:
        return (1, 0.0, article.title)
    return (0, -article.date.timestamp(), article.title)
