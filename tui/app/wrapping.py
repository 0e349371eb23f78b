"""CJK line breaking for everything the app wraps, Rich's text and Textual's alike.

Why here: the seam (:mod:`tui.body.rich_wrap`) lives below the app and may not know
Textual, but Textual wraps its own ``Content`` (a ``Static`` showing a single
``rich.text.Text`` or a string, notifications, dialogs) through a ``divide_line`` name
of its own, ``textual.content.divide_line``. Widgets that show Rich renderables other
than a lone ``Text`` (the sidebar's ``Group``, the reader's lines) are wrapped by Rich.
"""

from __future__ import annotations

import textual.content

from tui.body import rich_wrap


def install_line_breaking() -> bool:
    """Make Rich and Textual wrap with CJK rules (idempotent); False if a seam is gone."""
    return rich_wrap.install(textual.content)


__all__ = ["install_line_breaking"]
