"""The one-line header above the panes: counts, directory, scan progress, problems."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from tui.search import sort as sort_order


class HeaderLine(Static):
    """One line: matches of total, the directory, scan progress, unreadable files."""

    DEFAULT_CSS = """
    HeaderLine { height: 1; padding: 0 1; background: $panel; color: $foreground; }
    """

    def set_state(
        self,
        *,
        shown: int,
        total: int,
        root: Path,
        scanning: bool,
        files_seen: int,
        problems: int,
        query: str,
        unread: int | None = None,
        sort: str | None = None,
        progress: str = "",
        folded: int = 0,
    ) -> None:
        """Redraw from plain values (the path is data: Text, never markup).

        ``unread`` counts the unread articles among those shown; ``sort`` is a
        :data:`~tui.search.sort.SORTS` value shown as ``date ↓``; ``progress`` is
        how far the open article has been read (``42%``), empty when none is open;
        ``folded``: copies hidden in entries (``shown`` and ``total`` count entries).
        """
        text = Text()
        noun = "article" if total == 1 else "articles"
        if query.strip():
            text.append(f"{shown:,} of {total:,} {noun}", style="bold")
        else:
            text.append(f"{total:,} {noun}", style="bold")
        if folded:
            text.append(f" (+{folded:,} {'copy' if folded == 1 else 'copies'})", style="dim")
        if unread is not None:
            text.append(f"  {unread:,} unread", style="bold" if unread else "dim")
        if sort is not None:
            text.append(f"  {sort_order.sort_label(sort)}", style="italic")
        if progress:
            text.append(f"  reading {progress}", style="bold")
        text.append("  ")
        text.append(str(root), style="dim")
        if scanning:
            text.append(f"  scanning… {files_seen:,} files", style="italic")
        if problems:
            text.append(f"  {problems:,} unreadable (!)", style="bold red")
        if text == self.content:
            return  # same line: repainting it would only resend it
        self.update(text, layout=False)  # always one line (CSS height: 1): no screen layout
