"""The `!` screen: files that could not be read as articles, with the reason.

Paths and reasons come from files, so every cell is a ``Text`` (never markup),
with control characters removed. The table is a Rich table that folds long
paths and reasons inside the box's width, so nothing is cut off or pushes a
horizontal scrollbar; with no problems there is only the one reassuring line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.model import Article

#: C0/C1 control characters (tab and newline included: a cell is one paragraph).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _cell(value: str) -> Text:
    """A file-derived string as a safe, foldable cell."""
    return Text(_CONTROL.sub(" ", value), overflow="fold")


def problems_table(problems: Sequence[Article], root: Path) -> Table:
    """File and reason, folded to the width (a long path wraps, it is not cut)."""
    table = Table(expand=True, show_edge=False, box=None, padding=(0, 1), row_styles=["", "dim"])
    table.add_column("File", ratio=3, overflow="fold", header_style="bold")
    table.add_column("Reason", ratio=2, overflow="fold", header_style="bold")
    for article in problems:
        table.add_row(_cell(article.relpath(root)), _cell(article.error or "unknown reason"))
    return table


class ProblemsScreen(ModalScreen[None]):
    """The unreadable files and why; Esc or q closes it."""

    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    ProblemsScreen > Vertical {
        width: 90%; max-width: 140; height: 80%;
        border: round $error; background: $surface;
    }
    ProblemsScreen.-none > Vertical {
        width: auto; max-width: 90%; height: auto; border: round $success;
    }
    ProblemsScreen #problems-summary { padding: 0 1; width: auto; }
    ProblemsScreen #problems-scroll { height: 1fr; }
    ProblemsScreen #problems-table { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,exclamation_mark,e", "dismiss", "Close", id="problems.close"),
    ]

    def __init__(self, problems: Sequence[Article], root: Path) -> None:
        super().__init__()
        self.problems = list(problems)
        self.root = root

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        self.set_class(not count, "-none")
        with Vertical() as box:
            box.border_title = "Unreadable files" if count else "Problems"
            box.border_subtitle = "Esc to close"
            summary = (
                "Every file was read as an article."
                if not count
                else f"{count:,} file(s) could not be read as articles:"
            )
            yield Static(Text(summary), id="problems-summary")
            if count:
                with VerticalScroll(id="problems-scroll"):
                    yield Static(problems_table(self.problems, self.root), id="problems-table")

    def on_mount(self) -> None:
        # The scroll takes the arrow keys; with nothing to scroll the screen has them.
        for scroll in self.query("#problems-scroll"):
            scroll.focus()

    def action_dismiss(self) -> None:  # type: ignore[override]
        """Close."""
        self.dismiss(None)
