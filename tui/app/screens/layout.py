"""How the main screen's width is shared between its panes: plain arithmetic, no widgets.

Why computed and not CSS breakpoints: the reader's share depends on the user's
``reading_width`` and on which side panes are open, which fixed breakpoint
classes cannot express. :func:`plan_panes` decides; the screen only applies
the widths (see the header comment of ``styles/newsdeck.tcss``).

The rules, in order:

1. The source browser (``c``) takes :data:`BROWSER_WIDTH` on the left when open.
2. The sidebar takes :data:`SIDEBAR_WIDTH` on the right when it is wanted: the
   user's ``s`` choice, else by default from :data:`SIDEBAR_DEFAULT_WIDTH`
   columns. Opening the browser hides the sidebar when the list and a
   comfortable reader would no longer fit beside both, so the browser never
   squeezes the reader; an ``s`` pressed while the browser is open is obeyed
   as it is.
3. What is left holds the list and the reader side by side when it gives the
   reader :data:`READER_MIN` cells and the list :data:`LIST_FLOOR`: the reader
   gets its comfortable width (``reading_width`` plus its chrome) as far as the
   list keeps :data:`LIST_MIN`, never less than :data:`READER_MIN`, and the list
   takes the rest.
4. Otherwise the list and the reader take turns at the whole of what is left:
   the list until an article is opened, then the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The reading pane around its text: the left border (1), the view's padding
#: (2) and its vertical scrollbar (2).
READER_CHROME = 5
#: An open article gets at least this many cells beside the list.
READER_MIN = 60
#: The list gives up room to the reader only down to this width (titles of
#: ~20 cells beside the date and a short source).
LIST_MIN = 40
#: Narrower than this, a list beside the reader is not worth having: take turns.
LIST_FLOOR = 32
#: The metadata sidebar (and at narrow widths, where it sits beside one pane).
SIDEBAR_WIDTH = 28
SIDEBAR_NARROW_WIDTH = 30
#: The sidebar shows by default from this width on; below it `s` shows it.
SIDEBAR_DEFAULT_WIDTH = 160
#: The source browser, and its width on terminals narrower than :data:`BROWSER_FULL_FROM`.
BROWSER_WIDTH = 30
BROWSER_NARROW_WIDTH = 26
BROWSER_FULL_FROM = 100
#: With ``reading_width = 0`` (the text fills the pane) the list keeps this share.
LIST_SHARE = 0.4


@dataclass(frozen=True, slots=True)
class PaneWidths:
    """Cells per pane; 0 means hidden. ``turns``: list and reader alternate."""

    browser: int
    list: int
    reader: int
    sidebar: int
    turns: bool


def reader_want(reading_width: int, room: int) -> int:
    """The reader's comfortable width in ``room`` cells (``reading_width`` 0: a share)."""
    if reading_width <= 0:
        return room - max(LIST_MIN, int(room * LIST_SHARE))
    return reading_width + READER_CHROME


def sidebar_default(width: int) -> bool:
    """Whether the sidebar shows when the user has not chosen."""
    return width >= SIDEBAR_DEFAULT_WIDTH


def plan_panes(
    width: int,
    *,
    reading_width: int,
    browser: bool,
    sidebar: bool | None,
    reading: bool,
    sidebar_with_browser: bool | None = None,
) -> PaneWidths:
    """Share ``width`` columns.

    ``sidebar`` is the user's explicit choice (None: the default for the
    width), ``sidebar_with_browser`` the one made while the browser is open;
    ``reading`` is True once an article was opened (it matters only when the
    panes take turns).
    """
    width = max(0, width)
    browser_w = 0
    if browser:
        browser_w = BROWSER_WIDTH if width >= BROWSER_FULL_FROM else BROWSER_NARROW_WIDTH
        browser_w = min(browser_w, width // 2)
    room = width - browser_w
    show_sidebar = sidebar if sidebar is not None else sidebar_default(width)
    if browser and sidebar_with_browser is not None:
        show_sidebar = sidebar_with_browser
    elif browser and show_sidebar:
        left = room - SIDEBAR_WIDTH
        show_sidebar = left >= LIST_MIN + reader_want(reading_width, left)
    sidebar_w = 0
    if show_sidebar:
        split = room - SIDEBAR_WIDTH >= READER_MIN + LIST_FLOOR
        sidebar_w = SIDEBAR_WIDTH if split else SIDEBAR_NARROW_WIDTH
        sidebar_w = min(sidebar_w, room // 2)
    room -= sidebar_w
    if room < READER_MIN + LIST_FLOOR:
        if reading:
            return PaneWidths(browser_w, 0, room, sidebar_w, True)
        return PaneWidths(browser_w, room, 0, sidebar_w, True)
    want = reader_want(reading_width, room)
    reader = max(READER_MIN, min(want, room - LIST_MIN))
    return PaneWidths(browser_w, room - reader, reader, sidebar_w, False)
