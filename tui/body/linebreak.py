"""Where a line of text may break, and where it breaks at a width: UAX #14 with CJK rules.

Why a module of its own: Rich wraps at spaces, so Chinese and Japanese text (which has
none) was folded at any character (lines starting with ``，`` or ``。``) and a paragraph
with one Latin word broke at that word's space, leaving the line before it half empty
(issue 13). Here the break opportunities come from ICU's line breaker (Unicode's line
breaking algorithm, UAX #14, with ICU's strict CJK rules: breaks between ideographs,
never before closing punctuation, small kana or the prolonged sound mark, never after
opening punctuation) and :func:`break_offsets` fills each line greedily up to the width.

Rules, in the order they apply:

- A line breaks only at an opportunity, so no line starts with closing punctuation
  (UAX #14 classes CL, CP, EX, IS, NS, CJ, IN and closing quotes: :data:`NO_START`) and
  none ends with opening punctuation (OP and opening quotes: :data:`NO_END`). When the
  next character may not start a line, the one before it moves down with it; nothing
  ever overflows the width for these rules.
- A Latin word (or number, or URL part) inside CJK text stays whole and moves to the
  next line only if it does not fit; the line before it is filled with CJK.
- A run with no opportunity that is wider than the line is folded at grapheme
  boundaries (a wide character is never split), avoiding :data:`NO_START`/:data:`NO_END`
  at the fold when it can; with ``fold=False`` it is left whole for the caller to crop.

Everything else keeps the contract of Rich's ``rich._wrap.divide_line`` exactly (what
:mod:`tui.body.rich_wrap` puts in its place): offsets are code point indices, never 0;
spaces after a word stay on its line and do not count when deciding if it fits; leading
spaces stay with the first word. Cell widths come from the caller (Rich's, in the seam),
with a Rich-free default (:func:`char_cells`) so this module is testable on its own.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import accumulate, pairwise

from icu4py.breakers import LineBreaker
from icu4py.locale import Locale

#: A grapheme as ``(start, end, cells)``: code point indices and its width in cells.
Span = tuple[int, int, int]
#: The width of a string in cells.
CellLen = Callable[[str], int]
#: A string's graphemes, covering every index with no gaps.
Graphemes = Callable[[str], Sequence[Span]]

#: ICU's line breaker for this locale: Chinese rules, which are UAX #14's strict ones
#: (no break before small kana, as in Japanese ``lb=strict``; ICU's ``ja`` allows it).
BREAK_LOCALE = "zh"
#: How many graphemes a fold moves back at most to avoid a forbidden line start or end.
FOLD_BACKOFF = 4


def _code_points(ranges: str) -> frozenset[str]:
    """``"0021 3001-3002"`` (hex, ``-`` for inclusive ranges) as a set of characters."""
    chars: set[str] = set()
    for item in ranges.split():
        first, _, last = item.partition("-")
        chars.update(map(chr, range(int(first, 16), int(last or first, 16) + 1)))
    return frozenset(chars)


#: Characters no line may start with: UAX #14 (Unicode 16) classes CL, CP, EX, IS, NS,
#: CJ (small kana), IN (``…``) and the closing quotes (QU that are Pf: ``”``, ``’``).
NO_START: frozenset[str] = _code_points(
    "0021 0029 002C 002E 003A-003B 003F 005D 007D 00BB 037E 0589 05C6 060C-060D 061B 061D-061F "
    "06D4 07F8-07F9 0F0D-0F11 0F14 0F3B 0F3D 169C 17D6 1802-1803 1808-1809 1944-1945 2019 201D "
    "2024-2026 203A 203C-203D 2044 2046-2049 207E 208E 22EF 2309 230B 232A 2762-2763 2769 276B "
    "276D 276F 2771 2773 2775 27C6 27E7 27E9 27EB 27ED 27EF 2984 2986 2988 298A 298C 298E 2990 "
    "2992 2994 2996 2998 29D9 29DB 29FD 2CF9 2CFE 2E03 2E05 2E0A 2E0D 2E1D 2E21 2E23 2E25 2E27 "
    "2E29 2E2E 2E53-2E54 2E56 2E58 2E5A 2E5C 3001-3002 3005 3009 300B 300D 300F 3011 3015 3017 "
    "3019 301B-301C 301E-301F 303B-303C 3041 3043 3045 3047 3049 3063 3083 3085 3087 308E "
    "3095-3096 309B-309E 30A0-30A1 30A3 30A5 30A7 30A9 30C3 30E3 30E5 30E7 30EE 30F5-30F6 "
    "30FB-30FE 31F0-31FF A015 A60E A876-A877 FD3E FE10-FE16 FE18-FE19 FE36 FE38 FE3A FE3C FE3E "
    "FE40 FE42 FE44 FE48 FE50 FE52 FE54-FE57 FE5A FE5C FE5E FF01 FF09 FF0C FF0E FF1A-FF1B FF1F "
    "FF3D FF5D FF60-FF61 FF63-FF65 FF67-FF70 FF9E-FF9F 10AF6 115C4-115C5 11C71 1325B-1325D "
    "13282 13287 13289 1337A-1337B 13438 1343D 1343F 145CF 16FE0-16FE3 1B132 1B150-1B152 1B155 "
    "1B164-1B167 1F679-1F67B"
)
#: Characters no line may end with: UAX #14 class OP and the opening quotes (QU, Pi).
NO_END: frozenset[str] = _code_points(
    "0028 005B 007B 00A1 00AB 00BF 0F3A 0F3C 169B 2018 201A-201C 201E-201F 2039 2045 207D 208D "
    "2308 230A 2329 2768 276A 276C 276E 2770 2772 2774 27C5 27E6 27E8 27EA 27EC 27EE 2983 2985 "
    "2987 2989 298B 298D 298F 2991 2993 2995 2997 29D8 29DA 29FC 2E02 2E04 2E09 2E0C 2E18 2E1C "
    "2E20 2E22 2E24 2E26 2E28 2E42 2E55 2E57 2E59 2E5B 3008 300A 300C 300E 3010 3014 3016 3018 "
    "301A 301D FD3F FE17 FE35 FE37 FE39 FE3B FE3D FE3F FE41 FE43 FE47 FE59 FE5B FE5D FF08 FF3B "
    "FF5B FF5F FF62 13258-1325A 13286 13288 13379 1342F 13437 1343C 1343E 145CE 1E95E-1E95F"
)

_LOCALE = Locale(BREAK_LOCALE)
_SPACES = re.compile(r"\s+")
_NO_START_CHAR = re.compile("[" + "".join(map(re.escape, sorted(NO_START))) + "]")
_NO_END_CHAR = re.compile("[" + "".join(map(re.escape, sorted(NO_END))) + "]")


def opportunities(text: str) -> list[int]:
    """Where ``text`` may break (code point indices, ascending, strictly inside it).

    ICU's opportunities, less any before a :data:`NO_START` or after a :data:`NO_END`
    character (UAX #14 allows a few after a space, e.g. before ``…``; we never do).
    """
    if len(text) < 2:
        return []
    ends = [end for _, end in LineBreaker(text, _LOCALE).segments()]
    if max(text) > "\uffff":  # ICU counts UTF-16 code units
        ends = _from_utf16(text, ends)
    if ends and ends[-1] == len(text):
        ends.pop()
    # Punctuation is rarer than opportunities: look each one up rather than test each end.
    for match in _NO_START_CHAR.finditer(text):
        _discard(ends, match.start())
    for match in _NO_END_CHAR.finditer(text):
        _discard(ends, match.end())
    return ends


def _discard(ends: list[int], offset: int) -> None:
    """Remove ``offset`` from the sorted list ``ends`` if it is there."""
    index = bisect_left(ends, offset)
    if index < len(ends) and ends[index] == offset:
        del ends[index]


def _from_utf16(text: str, offsets: list[int]) -> list[int]:
    """UTF-16 offsets into ``text`` as code point offsets."""
    units_to_index: dict[int, int] = {}
    units = 0
    for index, char in enumerate(text):
        units_to_index[units] = index
        units += 2 if char > "\uffff" else 1
    units_to_index[units] = len(text)
    return [units_to_index[offset] for offset in offsets if offset in units_to_index]


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """Cells one character takes without Rich: 2 when East Asian wide, 0 when it combines."""
    if char == "\u200d" or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if ord(char) < 32 or 0x7F <= ord(char) < 0xA0:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_len(text: str) -> int:
    """Cells ``text`` takes by :func:`char_cells` (Rich-free, for callers without Rich)."""
    return len(text) if text.isascii() and text.isprintable() else sum(map(char_cells, text))


def graphemes(text: str) -> list[Span]:
    """``text`` as graphemes: each character with the zero-width ones after it."""
    spans: list[Span] = []
    for index, char in enumerate(text):
        cells = char_cells(char)
        if cells == 0 and spans:
            start, _, width = spans[-1]
            spans[-1] = (start, index + 1, width)
        else:
            spans.append((index, index + 1, cells))
    return spans


def _may_cut(word: str, start: int) -> bool:
    """Whether a fold may start a piece at ``start``: not on a space, and no forbidden
    start or end once the spaces around the cut are set aside."""
    if word[start].isspace():
        return False
    before = start - 1
    while before > 0 and word[before].isspace():
        before -= 1
    return word[start] not in NO_START and word[before] not in NO_END


def fold(word: str, width: int, measure: Graphemes = graphemes) -> list[str]:
    """``word`` (no opportunity inside) cut into pieces of at most ``width`` cells.

    Cuts fall between graphemes, so a wide character is never split; each piece holds
    at least one grapheme (a wide character alone overflows a 1-cell line, as in Rich).
    Spaces never start a piece: they stay at the end of the one before (Rich strips
    them there). A cut before a :data:`NO_START` or after a :data:`NO_END` character
    moves back up to :data:`FOLD_BACKOFF` graphemes, taking the characters before it
    down with it, as long as what moves down still fits.
    """
    spans = measure(word)
    cuts: list[int] = []  # indices into spans where a new piece starts
    first = 0
    cells = 0
    for index, (start, end, size) in enumerate(spans):
        if cells + size > width and index > first and not word[start:end].isspace():
            cut = index
            moved = size  # the next piece so far: it must still fit the width
            for back in range(index, max(first, index - FOLD_BACKOFF), -1):
                if back < index:
                    moved += spans[back][2]
                if moved > width:
                    break
                if _may_cut(word, spans[back][0]):
                    cut = back
                    break
            cuts.append(cut)
            first = cut
            cells = sum(span[2] for span in spans[cut:index])
        cells += size
    bounds = [0, *(spans[cut][0] for cut in cuts), len(word)]
    return [word[a:b] for a, b in pairwise(bounds)]


def char_widths(text: str, char_width: CellLen, measure: Graphemes) -> list[int]:
    """Cells of each character of ``text``; a grapheme's width goes to its first character.

    Per character (fast, in C) unless ``text`` has a joiner or an emoji presentation
    selector, which change the width of what comes before them: then by grapheme.
    """
    if "\u200d" not in text and "\ufe0f" not in text:
        return list(map(char_width, text))
    widths = [0] * len(text)
    for start, _, cells in measure(text):
        widths[start] = cells
    return widths


def break_offsets(
    text: str,
    width: int,
    fold_long: bool = True,
    *,
    char_width: CellLen = char_cells,
    measure_graphemes: Graphemes = graphemes,
) -> list[int]:
    """Where to cut ``text`` (one line, no ``\\n``) into lines of ``width`` cells.

    Rich's ``divide_line`` contract with UAX #14 opportunities in place of spaces: the
    offsets are code point indices, ascending, never 0. ``fold_long`` False leaves a run
    wider than the line whole (the caller crops it). ``char_width`` measures one
    character and ``measure_graphemes`` splits graphemes (the seam passes Rich's).

    Each line takes the furthest opportunity whose text, less trailing spaces, fits:
    found by bisection over cumulative cell counts, so the cost is one pass in C over
    the characters plus a few steps per line, not per word.
    """
    lead = len(text) - len(text.lstrip())
    bounds = [0, *(cut for cut in opportunities(text) if cut > lead), len(text)]
    prefix = list(accumulate(char_widths(text, char_width, measure_graphemes), initial=0))
    # fits[k]: cells up to boundary k less the spaces that end its run, which may overhang
    # the width (Rich strips them). ICU may break inside a run of spaces (after a space,
    # before a tab or an ideographic space): a run of spaces alone counts as no cells.
    fits = [prefix[end] for end in bounds]
    for spaces in _SPACES.finditer(text):
        first, end = spaces.span()
        for k in range(bisect_right(bounds, first), bisect_right(bounds, end)):
            fits[k] = prefix[max(bounds[k - 1], first)]
    last = len(bounds) - 1
    offsets: list[int] = []
    append = offsets.append
    run = 0  # the line starts in the run bounds[run]..bounds[run + 1]
    line_start = 0
    while True:
        reach = bisect_right(fits, prefix[line_start] + width, run + 1) - 1
        if reach == last:
            return offsets
        if reach > run:  # whole runs fit: break after the last of them
            append(bounds[reach])
            run, line_start = reach, bounds[reach]
            continue
        start, end = bounds[run], bounds[run + 1]
        if line_start == start and fold_long:  # a run wider than a line of its own
            pieces = fold(text[start:end].rstrip(), width, measure_graphemes)
            if len(pieces) > 1:
                for piece in pieces[:-1]:
                    start += len(piece)
                    append(start)
                line_start = start  # the last piece (and the run's spaces) begins a line
                continue
        # The line holds a run left whole (to be cropped) or a grapheme wider than the
        # line: the next run starts the next line.
        if run + 1 == last:
            return offsets
        append(end)
        run, line_start = run + 1, end


__all__ = [
    "BREAK_LOCALE",
    "NO_END",
    "NO_START",
    "CellLen",
    "Graphemes",
    "Span",
    "break_offsets",
    "cell_len",
    "char_cells",
    "char_widths",
    "fold",
    "graphemes",
    "opportunities",
]
