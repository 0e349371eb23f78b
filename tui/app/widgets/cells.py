"""Fitting text into a fixed number of terminal cells.

The article list lays out columns by *cell* width, not by character count: a
Chinese or Japanese character or most emoji take two cells, combining marks
take none. Getting this wrong shifts every column after the title, or splits a
wide character in half, which terminals draw as garbage. These helpers are pure
(no Textual) so they can be tested directly.

Every function keeps a one-to-one mapping from input characters to output
characters for the part it keeps, so character indices computed on the original
text (match highlights) stay valid on the fitted text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.cells import cell_len, split_graphemes

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"

# C0 and C1 controls and DEL (they would drive the terminal), plus bidi
# embeddings/overrides/isolates (they reorder what follows, so the cells drawn
# no longer match the cells measured). One character in, one character out.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def sanitize(text: str) -> str:
    """Replace every control character with ``�``, keeping character indices stable.

    The parser already strips controls; this is a second line of defence at the
    point where text meets the terminal.
    """
    return _UNSAFE.sub(REPLACEMENT, text)


class Fitted(NamedTuple):
    """How ``text`` fits a width: ``text[:end] + ellipsis + " " * pad`` is exactly that wide."""

    end: int
    """Number of characters of the text that are kept."""
    ellipsis: str
    """``""`` when the text fits, else the ellipsis to draw after ``text[:end]``."""
    pad: int
    """Spaces to add after the text (and ellipsis) to reach the exact width."""


def measure_fit(text: str, width: int, ellipsis: str = ELLIPSIS) -> Fitted:
    """Work out how to show ``text`` in exactly ``width`` cells.

    Text that fits is padded. Longer text is cut on a grapheme boundary (a wide
    character, an emoji sequence or a letter with its combining marks is kept or
    dropped whole, never split) and followed by ``ellipsis``; the cell a dropped
    wide character would have half-filled becomes padding. ``text`` must already be
    free of control characters (see :func:`sanitize`).
    """
    if width <= 0:
        return Fitted(0, "", 0)
    simple = text.isascii() and text.isprintable()
    if simple:
        total = len(text)  # printable ASCII: one cell per character
        if total <= width:
            return Fitted(total, "", width - total)
    else:
        total = cell_len(text)
        if total <= width:
            return Fitted(len(text), "", width - total)
    ellipsis_width = cell_len(ellipsis)
    if ellipsis_width > width:
        ellipsis, ellipsis_width = "", 0
    available = width - ellipsis_width
    if simple:
        end = used = available
    else:
        spans, _ = split_graphemes(text)
        end = used = 0
        for _start, stop, cells in spans:
            if used + cells > available:
                break
            used += cells
            end = stop
    # "Breaking news …" reads worse than "Breaking news…".
    while end > 0 and text[end - 1] == " ":
        end -= 1
        used -= 1
    return Fitted(end, ellipsis, available - used)


def fit(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """``text`` cut or padded to exactly ``width`` cells (see :func:`measure_fit`)."""
    end, mark, pad = measure_fit(text, width, ellipsis)
    return f"{text[:end]}{mark}{' ' * pad}"


def center(text: str, width: int) -> str:
    """``text`` centred in exactly ``width`` cells (cut with an ellipsis when too long)."""
    end, mark, pad = measure_fit(text, width)
    left = pad // 2
    return f"{' ' * left}{text[:end]}{mark}{' ' * (pad - left)}"
