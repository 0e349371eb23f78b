"""Which characters count as CJK, as named code point tables, one per question asked.

Why one module: every layer asks "is this CJK?" but not always the same question, and
the answers differ on purpose. Each question gets a named table here, and each module
builds its regex from the table it needs, so the sets can be compared side by side and
none drifts by a copy going stale.

- :data:`CJK_RANGES` (:data:`CJK_CLASS`): ideographs, kana and hangul syllables. The
  full-text index cuts these into bigrams; plain text drops line breaks between them.
- :data:`WIDE_RANGES`: scripts written without spaces between words, broader (radicals,
  CJK punctuation and symbols, Yi, jamo, small form variants, kana supplements). The
  fuzzy filter lets their characters scatter and treats every one as a word boundary.
- :data:`HAN_RANGES`: Han ideographs OpenCC may convert (Traditional -> Simplified);
  only the planes whose blocks OpenCC's dictionaries cover.
- :data:`LINE_BREAK_RANGES`: where the Markdown converter drops a source line break
  (CSS Text 3): CJK plus ideographic punctuation and full-width forms.
"""

from __future__ import annotations

from collections.abc import Iterable

#: An inclusive ``(first, last)`` code point range.
Range = tuple[int, int]

CJK_RANGES: tuple[Range, ...] = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # planes 2 and 3: CJK extensions B and later
)

WIDE_RANGES: tuple[Range, ...] = (
    (0x1100, 0x11FF),  # hangul jamo
    (0x2E80, 0xA4CF),  # radicals ... CJK, kana, bopomofo, hangul compatibility, Yi
    (0xA960, 0xA97F),  # hangul jamo extended-A
    (0xAC00, 0xD7FF),  # hangul syllables and jamo extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0x1B000, 0x1B2FF),  # kana supplement, extended, small kana, nushu
    (0x20000, 0x3FFFF),  # planes 2 and 3
)

HAN_RANGES: tuple[Range, ...] = (
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2A6DF),  # extension B
    (0x2A700, 0x2EBEF),  # extensions C-F (and I)
)

LINE_BREAK_RANGES: tuple[Range, ...] = (
    (0x2E80, 0x2FFF),  # radicals, ideographic description
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # kana
    (0x3100, 0x312F),  # bopomofo
    (0x3190, 0x31FF),  # kanbun ... katakana phonetic extensions
    (0x3200, 0x33FF),  # enclosed CJK, compatibility
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF9F),  # full-width and half-width forms
    (0xFFE0, 0xFFEF),
    (0x20000, 0x3FFFF),
)


def char_class(ranges: Iterable[Range]) -> str:
    """A regex character-class body (no brackets) matching ``ranges``."""
    return "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)


#: A regex character-class body (no brackets) of CJK ideographs, kana and hangul.
CJK_CLASS = char_class(CJK_RANGES)
