"""The fuzzy filter box above the list.

It only reports: the list pane runs the ranking in a worker and moves focus.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """`/` focuses it; every keystroke re-ranks; Esc clears and returns to the list.

    The cursor does not blink (see ``__init__``): idle means no output at all.
    """

    DEFAULT_CSS = """
    FilterBar { height: 1; border: none; padding: 0 1; }
    FilterBar:focus { border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_and_leave", "Clear filter", id="filter.clear"),
        Binding("down,tab", "leave", "To the list", show=False, id="filter.leave"),
    ]

    class Leave(Message):
        """Focus should go back to the list (``cleared`` when the query was wiped)."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ filter: title, source, author", id=id)
        # A steady cursor, everywhere (issue 7): the blink repaints the box twice
        # a second for as long as it has focus, ~300 B/s of output over SSH and
        # a timer waking the app for nothing. The focused box already shows its
        # cursor as a reversed cell and a brighter background, so the blink adds
        # no information; doing it always (not only when SSH_CONNECTION is set)
        # keeps one behaviour to test and also spares tmux, mosh and `su` shells
        # that carry no SSH variables.
        self.cursor_blink = False

    def action_clear_and_leave(self) -> None:
        """Esc: wipe the query (the list shows newest first) and go back to the list."""
        self.value = ""
        self.post_message(self.Leave(cleared=True))

    def action_leave(self) -> None:
        """Keep the query, go back to the list."""
        self.post_message(self.Leave(cleared=False))

    async def action_submit(self) -> None:
        """Enter keeps the query and returns to the list."""
        self.post_message(self.Leave(cleared=False))
