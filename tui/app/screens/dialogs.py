"""The two small questions the state keys ask: yes/no, and a name.

The prompts quote names and queries from files and users, so they are ``Text``
(never markup).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or Enter confirms, n or Esc declines."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Static {
        width: auto; max-width: 60; height: auto; padding: 1 2;
        border: round $warning; background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        text = Text(self.question)
        text.append("\n\n")
        text.append("y", style="bold")
        text.append(" yes    ")
        text.append("n", style="bold")
        text.append(" no")
        yield Static(text)

    def action_answer(self, answer: bool) -> None:
        """Close with the answer."""
        self.dismiss(answer)


class NameScreen(ModalScreen[str | None]):
    """Ask for a name (saving a search): Enter accepts, Esc cancels."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen > Vertical {
        width: 60; max-width: 100%; height: auto; padding: 0 1;
        border: round $primary; background: $surface;
    }
    NameScreen Static { width: 1fr; }
    NameScreen Input, NameScreen Input:focus {
        border: none; height: 1; padding: 0 1; background: $boost;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name.cancel"),
    ]

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.prompt))
            yield Input(value=self.value, placeholder="name", id="name-input")

    @on(Input.Submitted, "#name-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without a name."""
        self.dismiss(None)
