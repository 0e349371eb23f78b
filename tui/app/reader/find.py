"""The find-in-article box: it only edits the query and says what it wants.

Why it posts messages instead of searching: the reader owns the lines and
re-applies a find whenever new lines are swapped in, so it does the searching.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class FindBar(Horizontal):
    """The find-in-article box: type to mark, enter/ctrl+n next, shift+enter/ctrl+p back."""

    DEFAULT_CSS = """
    FindBar { height: 1; display: none; }
    FindBar.-visible { display: block; }
    FindBar Input { border: none; height: 1; width: 1fr; padding: 0 1; }
    FindBar Label { width: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+n", "step(1)", "Next match", id="find.next"),
        Binding("shift+enter,ctrl+p", "step(-1)", "Previous match", id="find.previous"),
        Binding("escape", "close", "Close find", id="find.close"),
    ]

    class Changed(Message):
        """The find text changed."""

        def __init__(self, query: str) -> None:
            super().__init__()
            self.query = query

    class Step(Message):
        """Go to the next or previous match."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Closed(Message):
        """The find box was closed."""

    def compose(self) -> ComposeResult:
        # A steady cursor: a blinking one writes to the terminal twice a second (issue 7).
        find_input = Input(placeholder="Find in article", id="find-input")
        find_input.cursor_blink = False
        yield find_input
        yield Label("", id="find-count")

    @property
    def input(self) -> Input:
        """The text box."""
        return self.query_one("#find-input", Input)

    def open(self) -> None:
        """Show and focus the box (keeping the last query, selected)."""
        self.add_class("-visible")
        self.input.focus()
        self.input.select_all()

    def set_count(self, current: int, total: int) -> None:
        """Show ``current/total`` beside the box."""
        label = self.query_one("#find-count", Label)
        if not self.input.value:
            label.update("")
        elif total == 0:
            label.update("no match")
        else:
            label.update(f"{current}/{total}")

    @on(Input.Changed, "#find-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(1))

    def action_step(self, step: int) -> None:
        """Next or previous match."""
        self.post_message(self.Step(step))

    def action_close(self) -> None:
        """Hide the box; the reader clears the marks."""
        self.remove_class("-visible")
        self.post_message(self.Closed())
