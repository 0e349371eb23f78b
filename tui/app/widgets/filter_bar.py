"""The fuzzy filter box above the list.

It only reports: the list pane runs the ranking in a worker, moves the list's
highlight and the focus, and opens articles.

Keys, as in fzf and telescope: typing filters; Enter opens the highlighted match;
↓/↑ and ctrl+n/ctrl+p move the highlight in the list while the focus stays here (so
typing goes on); Tab goes to the list with the query kept; Esc clears and goes back to
the list. ctrl+p here is "previous match", as in those pickers; the command palette
(ctrl+p elsewhere) is still one key away, after Tab.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """`/` focuses it; every keystroke re-ranks; Enter opens; Esc clears and returns to the list.

    The cursor does not blink (see ``__init__``): idle means no output at all.
    """

    DEFAULT_CSS = """
    FilterBar { height: 1; border: none; padding: 0 1; }
    FilterBar:focus { border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_and_leave", "Clear filter", id="filter.clear"),
        Binding("tab", "leave", "To the list", show=False, id="filter.leave"),
        Binding("enter", "open", "Open the highlighted match", show=False, id="filter.open"),
        Binding("down,ctrl+n", "move(1)", "Highlight the next match", show=False, id="filter.next"),
        Binding(
            "up,ctrl+p",
            "move(-1)",
            "Highlight the previous match",
            show=False,
            id="filter.previous",
        ),
    ]

    class Leave(Message):
        """Focus should go back to the list (``cleared`` when the query was wiped)."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    class Open(Message):
        """Open the list's highlighted article (for the query as typed so far)."""

    class Move(Message):
        """Move the list's highlight ``delta`` rows; the focus stays in the box."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

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

    def action_open(self) -> None:
        """Enter: open the highlighted match (the list pane decides which, see ``ListPane``)."""
        self.post_message(self.Open())

    async def action_submit(self) -> None:
        """Input's own Enter action, should anything call it: the same as :meth:`action_open`."""
        self.action_open()

    def action_move(self, delta: int) -> None:
        """↓/↑, ctrl+n/ctrl+p: move the list's highlight, keep typing here."""
        self.post_message(self.Move(delta))
