"""The `!` screen: files that could not be read as articles, with the reason.

Paths and reasons come from files, so every cell is a ``Text`` (a DataTable
would read plain strings as markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.core.article import Article


class ProblemsScreen(ModalScreen[None]):
    """A table of unreadable files; Esc or q closes it."""

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > Vertical {
        width: 90%; height: 80%; border: round $error; background: $surface;
    }
    ProblemsScreen Static { padding: 0 1; }
    ProblemsScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,exclamation_mark,e", "dismiss", "Close", id="problems.close"),
    ]

    def __init__(self, problems: Sequence[Article], root: Path) -> None:
        super().__init__()
        self.problems = list(problems)
        self.root = root

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Unreadable files"
            box.border_subtitle = "Esc to close"
            count = len(self.problems)
            summary = (
                "Every file was read as an article."
                if not count
                else f"{count} file(s) could not be read as articles:"
            )
            yield Static(Text(summary))
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("File", "Reason")
            for article in self.problems:
                table.add_row(Text(article.relpath(self.root)), Text(article.error or "unknown"))
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def action_dismiss(self) -> None:  # type: ignore[override]
        """Close."""
        self.dismiss(None)
