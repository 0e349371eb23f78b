"""CJK line breaking in what Textual wraps (tui.app.wrapping): both ways a Static shows text.

A ``Static`` given a lone ``rich.text.Text`` or a string converts it to Textual's
``Content``, wrapped through ``textual.content.divide_line``; given any other Rich
renderable (the sidebar's ``Group``) it renders it with Rich, through
``rich.text.divide_line``. The app's startup installs the seam in both.
"""

from __future__ import annotations

import rich.text
import textual.content
from rich.console import Group
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from tui.app.wrapping import install_line_breaking
from tui.body import rich_wrap
from tui.body.linebreak import NO_START

PARAGRAPH = "來日本生活九個月以後，在 2024 年七月考了日檢，結果比預期的好很多。"


def test_textual_content_wraps_through_the_name_the_seam_replaces() -> None:
    # A Textual upgrade that renames or inlines it fails here, not silently in the sidebar.
    assert "divide_line" in Content._wrap_and_format.__code__.co_names
    assert install_line_breaking() is True
    assert rich_wrap.installed(textual.content)
    assert rich_wrap.installed(rich.text)


def test_content_wraps_cjk_by_uax14() -> None:
    install_line_breaking()
    lines = [line.plain for line in Content(PARAGRAPH).wrap(34)]
    assert lines[0].startswith("來日本生活九個月以後，在 2024 年七")
    assert all(line[0] not in NO_START for line in lines[1:])


class _Shows(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(Text(PARAGRAPH), id="text")  # Textual's Content
        yield Static(Group(Text("Title", style="bold"), Text(PARAGRAPH)), id="group")  # Rich


async def test_a_static_breaks_cjk_whichever_way_it_wraps() -> None:
    install_line_breaking()
    app = _Shows()
    async with app.run_test(size=(34, 20)) as pilot:
        await pilot.pause()
        for name, skip in (("#text", 0), ("#group", 1)):
            widget = app.query_one(name, Static)
            strips = widget.render_lines(widget.region.reset_offset)
            lines = [strip.text.rstrip() for strip in strips if strip.text.strip()][skip:]
            assert lines[0].startswith("來日本生活九個月以後，在 2024 年七"), (name, lines)
            assert all(line[0] not in NO_START for line in lines[1:]), (name, lines)
