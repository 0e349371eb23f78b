"""The article's lines on screen: a Line-API scroll view that crops ready lines and marks finds.

Why its own widget: lines come pre-rendered from a worker (:mod:`.render`), so
painting a line is a crop and a memo lookup, never a render; and find marks
are painted over the lines at paint time, so searching never re-renders.

Lines rendered narrower than the view (the reader caps its text column at
``reading_width``) are centred: each painted line gets a blank left margin
(:meth:`ArticleView.margin`). Find matches are in rendered-line cells and are
painted onto the line before the margin is added, so they stay in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.reader.images import Overlay
from tui.app.reader.render import Rendered

#: About the most lines a pane shows: the painted-line memo holds a few screens.
PAINTED_LINES = 200


class ArticleView(ScrollView, can_focus=True):
    """Shows pre-rendered lines; scrolls, and paints find matches over them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"articleview--match", "articleview--match-current"}
    DEFAULT_CSS = """
    ArticleView {
        overflow-y: scroll;
        overflow-x: hidden;
        padding: 0 1;
        & > .articleview--match { background: $warning 40%; }
        & > .articleview--match-current { background: $accent; color: $background; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Down", show=False, id="reader.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="reader.up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="reader.page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reader.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reader.bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rendered = Rendered([], [], 0)
        #: (line, start cell, end cell) of each find match, in reading order.
        self.matches: list[tuple[int, int, int]] = []
        self.match_index = -1
        #: Match numbers by line, so painting a line never scans every match.
        self._matches_by_line: dict[int, list[int]] = {}
        #: G was pressed on a partial render: follow the end when the rest arrives.
        self._end_pending = False
        #: Lines as last painted, by (line, scroll x, width, style): scrolling by a
        #: line repaints one new line, not the screen. Cleared when lines or marks change.
        self._painted: dict[tuple[int, int, int, Style], Strip] = {}
        #: (size, container size, virtual size) at the last layout that reached us.
        self._laid_out: tuple[Size, Size, Size] | None = None
        #: Sixel images drawn over their (half-block) rows when wholly on screen.
        self.overlays: list[Overlay] = []
        #: Where graphics bytes go (the app's driver); None: nowhere.
        self.graphics_writer: Callable[[str], None] | None = None
        self._overlay_pending = False

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Skip layouts that change nothing here, so the scrollbar is not re-sent.

        Every layout pass anywhere on the screen (the sidebar or the header
        line updating a Static) calls this on every widget. Textual's
        ``ScrollView`` compares the ``virtual_size`` it is given (the pane's own
        size, for a ScrollView) with ours (the article's lines), which never
        match, so it refreshes the vertical scrollbar each time: 34 rows of two
        cells re-sent on every cursor move in the list (issue 7). Only a real
        change of size or of our line count goes on to Textual, which then
        updates the scrollbar as before (it uses ``self.virtual_size``, not the
        argument, so passing ``Size(-1, -1)`` makes sure the change is seen).
        """
        state = (size, container_size, self.virtual_size)
        if state == self._laid_out:
            return False
        self._laid_out = state
        return super()._size_updated(size, Size(-1, -1), container_size, layout)

    @property
    def rendered(self) -> Rendered:
        """The lines shown."""
        return self._rendered

    def set_rendered(
        self, rendered: Rendered, *, keep_position: bool = False, keep_line: bool = False
    ) -> None:
        """Swap in new lines.

        ``keep_position`` keeps the relative position (a re-render at another
        width reflows everything); ``keep_line`` keeps the absolute line (the
        full article replacing its first screenful, whose lines it starts with).
        Find marks are cleared: the caller re-runs the search on the new lines.
        """
        old_height = max(1, len(self._rendered.strips))
        if keep_line:
            y = int(self.scroll_y)
        elif keep_position:
            y = int(self.scroll_y / old_height * len(rendered.strips))
        else:
            y = 0
        follow_end = keep_line and self._end_pending and self.scroll_y >= self.max_scroll_y
        self._end_pending = self._end_pending and not rendered.complete
        self._rendered = rendered
        self.overlays = []
        self._set_matches([])
        self.virtual_size = Size(rendered.width, len(rendered.strips))
        if follow_end:
            self.scroll_end(animate=False, immediate=True)
        else:
            self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()

    def set_overlays(self, overlays: list[Overlay]) -> None:
        """The sixels of the lines now shown (:mod:`.images`)."""
        self.overlays = overlays
        self._schedule_overlays()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._schedule_overlays()

    def _schedule_overlays(self) -> None:
        if self.overlays and not self._overlay_pending:
            self._overlay_pending = True
            self.call_after_refresh(self.draw_overlays)

    def draw_overlays(self) -> None:
        """Draw each sixel whose rows are all on screen, over them (after Textual's paint:
        the rows under it are half-blocks, so a half-scrolled image still shows)."""
        self._overlay_pending = False
        write = self.graphics_writer
        if write is None or not self.overlays or not self.screen.is_active:
            return
        region = self.scrollable_content_region
        top = int(self.scroll_y)
        for overlay in self.overlays:
            y = overlay.line - top
            if y < 0 or y + overlay.rows > region.height:
                continue
            x = region.x + self.margin + overlay.offset
            write(f"\x1b7\x1b[{region.y + y + 1};{x + 1}H{overlay.payload}\x1b8")

    def action_scroll_end(self) -> None:
        """Go to the end, and stay there if the rest of the article is still coming."""
        self._end_pending = not self._rendered.complete
        super().action_scroll_end()

    @property
    def plain_lines(self) -> list[str]:
        """The text of each rendered line (what find searches)."""
        return self._rendered.plain

    @property
    def content_width(self) -> int:
        """The widest lines can be rendered (the reader may cap it)."""
        return self.scrollable_content_region.width

    @property
    def margin(self) -> int:
        """Blank cells left of the text: centres lines rendered narrower than the view."""
        return max(0, (self.scrollable_content_region.width - self._rendered.width) // 2)

    def _set_matches(self, matches: list[tuple[int, int, int]]) -> None:
        self._painted.clear()
        self.matches = matches
        self.match_index = -1
        by_line: dict[int, list[int]] = {}
        for number, (line, _, _) in enumerate(matches):
            by_line.setdefault(line, []).append(number)
        self._matches_by_line = by_line

    @property
    def current_match(self) -> tuple[int, int, int] | None:
        """The (line, start cell, end cell) of the current find match, if any."""
        if 0 <= self.match_index < len(self.matches):
            return self.matches[self.match_index]
        return None

    def find(
        self, query: str, *, scroll: bool = True, prefer: tuple[int, int, int] | None = None
    ) -> int:
        """Mark every case-insensitive occurrence of ``query``; return the count.

        The current match is ``prefer`` when it is among the matches (new lines
        swapped in under an open find keep the user's place), else the first
        from the top of the view; ``scroll`` brings it into view.
        """
        matches: list[tuple[int, int, int]] = []
        if query:
            pattern = re.compile(re.escape(query), re.IGNORECASE)
            for y, line in enumerate(self._rendered.plain):
                for match in pattern.finditer(line):
                    start = cell_len(line[: match.start()])
                    matches.append((y, start, start + cell_len(match.group())))
        self._set_matches(matches)
        if matches:
            if prefer is not None and prefer in matches:
                self.match_index = matches.index(prefer)
            else:
                self.match_index = self._first_match_from(int(self.scroll_y))
            if scroll:
                self._scroll_to_match()
        self.refresh()
        return len(matches)

    def next_match(self, step: int = 1) -> None:
        """Move to the next (or with ``step=-1`` the previous) match, wrapping."""
        if not self.matches:
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        self._painted.clear()
        self._scroll_to_match()
        self.refresh()

    def _first_match_from(self, y: int) -> int:
        for index, (line, _, _) in enumerate(self.matches):
            if line >= y:
                return index
        return 0

    def show_current_match(self) -> None:
        """Scroll the current find match into view if it is not (after a resize, say)."""
        if 0 <= self.match_index < len(self.matches):
            self._scroll_to_match()

    def _scroll_to_match(self) -> None:
        line = self.matches[self.match_index][0]
        top, height = int(self.scroll_y), self.scrollable_content_region.height
        if not top <= line < top + height:
            self.scroll_to(y=max(0, line - height // 3), animate=False)

    def render_line(self, y: int) -> Strip:
        """Crop the ready line; paint find matches over it (visible lines only)."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        strips = self._rendered.strips
        if index >= len(strips):
            return Strip.blank(width, base)
        key = (index, scroll_x, width, base)
        painted = self._painted.get(key)
        if painted is None:
            strip = strips[index]
            numbers = self._matches_by_line.get(index)
            if numbers:
                strip = self._highlight(strip, numbers)
            margin = self.margin
            painted = strip.crop_extend(scroll_x, scroll_x + width - margin, base)
            if margin:
                painted = Strip.join([Strip.blank(margin, base), painted])
            painted = painted.apply_style(base)
            if len(self._painted) > 4 * PAINTED_LINES:
                self._painted.clear()
            self._painted[key] = painted
        return painted

    def _highlight(self, strip: Strip, numbers: list[int]) -> Strip:
        match_style = self.get_component_rich_style("articleview--match")
        current_style = self.get_component_rich_style("articleview--match-current")
        cuts: list[int] = []
        for number in numbers:
            _, start, end = self.matches[number]
            cuts += [start, end]
        pieces = strip.divide([*cuts, strip.cell_length])
        out: list[Segment] = list(pieces[0])
        for n, number in enumerate(numbers):
            style = current_style if number == self.match_index else match_style
            out += Segment.apply_style(list(pieces[2 * n + 1]), post_style=style)
            if 2 * n + 2 < len(pieces):
                out += list(pieces[2 * n + 2])
        return Strip(out)
