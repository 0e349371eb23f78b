"""Cleaning article text so no byte of a file can drive the terminal.

Every string the parser hands out passes through here: C0/C1 control
characters (ESC, BEL, backspace, CSI, ...) are removed, so a title or body can
never become an escape sequence, a window-title change or a clipboard write.
"""

from __future__ import annotations

import html
import re

# C0 controls except tab/newline, DEL, C1 controls. \r is handled by callers
# (line endings are normalised before cleaning), then dropped here.
_CONTROL_BODY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Characters that reorder or hide text (bidi overrides/isolates, zero-width
# joiners kept out of titles): harmless to a terminal but confusing in a list.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_WHITESPACE = re.compile(r"[\s\u2028\u2029\u3000]+")


def strip_controls(text: str) -> str:
    """Remove control characters, keeping newline and tab (for bodies)."""
    if not text:
        return text
    return _CONTROL_BODY.sub("", text)


def clean_line(text: str | None) -> str:
    """A one-line field: no controls, no invisible reordering marks, one space between words."""
    if not text:
        return ""
    if text.isprintable() and "  " not in text:
        # Fast path: no controls, no invisible or exotic spaces (they are not printable).
        return text.strip()
    text = _CONTROL_LINE.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def clean_field(text: str | None) -> str:
    """A metadata field from a feed: unescape HTML entities, then :func:`clean_line`."""
    if not text:
        return ""
    if "&" not in text and text.isprintable() and "  " not in text:
        return text.strip()  # the common case, as the general path would return it
    # Unescape twice at most: feeds often double-escape (&amp;quot;).
    for _ in range(2):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return clean_line(text)


def clean_title(text: str | None) -> str:
    """Titles: :func:`clean_field`, then strip quotes that wrap the whole title.

    Real generators wrap titles in runs of quotes (``\"\"\"\"'Title'\"\"\"\"``);
    quotes that are balanced around the whole title are noise, inner ones are kept.
    """
    text = clean_field(text)
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        return strip_wrapping_quotes(text)
    return text  # already stripped by clean_field: nothing to unwrap


_QUOTES = "\"'"


def strip_wrapping_quotes(text: str) -> str:
    """Remove quote characters that wrap the whole string on both sides."""
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        inner = text[1:-1].strip()
        if not inner:
            break
        text = inner
    return text.strip()
