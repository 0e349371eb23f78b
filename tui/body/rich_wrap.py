"""The seam that makes Rich wrap text with :mod:`tui.body.linebreak` (CJK line breaking).

Why a seam and not our own renderer: Rich's ``Text.wrap`` is what every Markdown
paragraph, list item, quote, heading and table cell goes through, and it asks one
module-level name, ``rich.text.divide_line``, where to cut each line. :func:`install`
puts :func:`divide_line` there (same signature, same contract); text with nothing
CJK in it still goes to Rich's own function, so English wraps exactly as before and
costs nothing more. Textual's ``Content`` asks the same question through its own
``textual.content.divide_line``; the app passes that module to :func:`install` too.

:func:`install` is explicit and idempotent: the reader, the app and ``newsdeck show``
call it. It returns False, and changes nothing, if a module no longer wraps through
a ``divide_line`` name (a Rich or Textual upgrade renamed it); the tests check that
it returns True, so such an upgrade fails loudly there rather than silently here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from types import ModuleType

import rich.text
from rich.cells import get_character_cell_size

from tui.body.linebreak import Span, break_offsets, graphemes
from tui.cjk import LINE_BREAK_RANGES, WIDE_RANGES, char_class

#: The contract of ``rich._wrap.divide_line``: ``(text, width, fold) -> offsets``.
DivideLine = Callable[[str, int, bool], list[int]]

#: Rich's own ``divide_line``, taken before anything replaced it.
RICH_DIVIDE_LINE: DivideLine = rich.text.divide_line  # type: ignore[attr-defined]
#: Text needing UAX #14: any character written without spaces, or CJK punctuation.
_CJK = re.compile(f"[{char_class((*WIDE_RANGES, *LINE_BREAK_RANGES))}]")
_lock = threading.Lock()

try:  # Rich 14.1+: graphemes as Rich measures them (emoji sequences, VS16)
    from rich.cells import split_graphemes
except ImportError:  # pragma: no cover - older Rich: one character with its combiners

    def split_graphemes(text: str, unicode_version: str = "auto") -> tuple[list[Span], int]:
        spans = graphemes(text)
        return spans, sum(span[2] for span in spans)


class _CharWidths(dict[str, int]):
    """Rich's width of each character seen, looked up from C (``map``) at dict speed."""

    def __missing__(self, char: str) -> int:
        cells = self[char] = get_character_cell_size(char)
        return cells


#: Rich's width of one character (what ``rich.cells.cell_len`` adds up).
rich_char_width = _CharWidths().__getitem__


def rich_graphemes(text: str) -> Sequence[Span]:
    """``text``'s graphemes with the widths Rich gives them."""
    spans, _ = split_graphemes(text)
    return spans


def breaks_by_uax14(text: str) -> bool:
    """Whether :func:`divide_line` breaks ``text`` by UAX #14: it has CJK in it.

    Everything else (English, accented Latin, emoji) wraps at spaces exactly as Rich
    always did, so a hyphen breaks the same in every paragraph that has no CJK.
    """
    return not text.isascii() and _CJK.search(text) is not None


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Rich's ``divide_line`` with CJK line breaking; text without CJK goes to Rich's."""
    if width < 1 or not breaks_by_uax14(text):
        return RICH_DIVIDE_LINE(text, width, fold)
    return break_offsets(
        text, width, fold, char_width=rich_char_width, measure_graphemes=rich_graphemes
    )


def _wraps_through_divide_line(module: ModuleType) -> bool:
    """Whether ``module`` has a ``divide_line`` name that its wrapping code looks up."""
    current = getattr(module, "divide_line", None)
    if current is None:
        return False
    if module is rich.text:
        return "divide_line" in rich.text.Text.wrap.__code__.co_names
    return True


def install(*others: ModuleType) -> bool:
    """Make ``rich.text`` (and each module in ``others``) wrap with :func:`divide_line`.

    Idempotent and thread-safe. ``others`` are modules that wrap through a module-level
    ``divide_line`` of their own (``textual.content``). Returns False, leaving that
    module as it was, when one has no such name any more.
    """
    done = True
    with _lock:
        for module in (rich.text, *others):
            if not _wraps_through_divide_line(module):
                done = False
                continue
            module.divide_line = divide_line  # type: ignore[attr-defined]
    return done


def installed(module: ModuleType = rich.text) -> bool:
    """Whether ``module`` wraps with :func:`divide_line` now."""
    return getattr(module, "divide_line", None) is divide_line


def uninstall(*others: ModuleType) -> None:
    """Put Rich's own ``divide_line`` back (tests and the benchmark's baseline)."""
    with _lock:
        for module in (rich.text, *others):
            if getattr(module, "divide_line", None) is divide_line:
                module.divide_line = RICH_DIVIDE_LINE  # type: ignore[attr-defined]


__all__ = [
    "RICH_DIVIDE_LINE",
    "DivideLine",
    "breaks_by_uax14",
    "divide_line",
    "install",
    "installed",
    "rich_char_width",
    "rich_graphemes",
    "uninstall",
]
