"""The `?` screen: every key, generated from the live bindings.

It reads the bindings of the app, the main screen and each pane's widgets
(with the user's keymap applied), so a remapped key shows as remapped and a
new binding shows without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static


def binding_rows(
    node: DOMNode, keymap: dict[str, str], *, ids_only: bool = False
) -> list[tuple[str, str]]:
    """(keys, description) for each action bound on ``node``, keymap applied.

    ``ids_only`` skips bindings without an id: a text box inherits dozens of
    editing keys from Textual's Input that would bury newsdeck's own.
    """
    # Textual 8 has no public view of a node's merged bindings; ``_bindings`` is the
    # merged map Textual itself dispatches keys with, so the help shows exactly that.
    bindings_map = node._bindings.copy()
    if keymap:
        bindings_map.apply_keymap(keymap)
    by_action: dict[tuple[str, str], list[str]] = {}
    for key, bindings in bindings_map.key_to_bindings.items():
        for binding in bindings:
            if binding.system or (ids_only and binding.id is None):
                continue
            description = binding.description or binding.action.replace("_", " ")
            display = node.app.get_key_display(Binding(key, binding.action))
            by_action.setdefault((binding.action, description), []).append(display)
    return [(" ".join(keys), description) for (_, description), keys in by_action.items()]


def help_table(sections: Iterable[tuple[str, list[DOMNode]]], keymap: dict[str, str]) -> Table:
    """One table: a heading row per section, then key / what it does."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    first = True
    for title, nodes in sections:
        rows: list[tuple[str, str]] = []
        for node in nodes:
            rows += binding_rows(node, keymap, ids_only=isinstance(node, Widget))
        if not rows:
            continue
        if not first:
            table.add_row("", "")
        first = False
        table.add_row(Text(""), Text(title, style="bold underline"))
        for keys, description in rows:
            table.add_row(Text(keys), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key; Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    HelpScreen Static { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(
        self, sections: list[tuple[str, list[DOMNode]]], keymap: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.sections = sections
        #: binding id -> keys, as the config set them (the app passes its keymap).
        self.keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "newsdeck keys"
            scroll.border_subtitle = "Esc to close"
            yield Static(help_table(self.sections, self.keymap), id="help-table")

    def action_dismiss(self) -> None:  # type: ignore[override]
        """Close."""
        self.dismiss(None)
