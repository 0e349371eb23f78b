"""The reading pane, split by idea: :mod:`.pane` (the Reader and its worker),
:mod:`.view` (the lines on screen), :mod:`.find` (the find box), :mod:`.render`
(Rich to lines, and their cache). What to show of a body is the body layer's
call (:mod:`tui.body.caps`); this package only renders and shows it."""

from __future__ import annotations

from tui.app.reader.find import FindBar
from tui.app.reader.pane import OPEN_FULL_KEY, Reader
from tui.app.reader.render import RenderCache, Rendered, render_article
from tui.app.reader.view import ArticleView

__all__ = [
    "OPEN_FULL_KEY",
    "ArticleView",
    "FindBar",
    "Reader",
    "RenderCache",
    "Rendered",
    "render_article",
]
