"""Turning a file's bytes into text: UTF-8 first, then the legacy Chinese encodings.

Real seeds directories are almost all UTF-8 (with or without BOM, CRLF or lone
CR), but older mirrors hold GB18030/GBK and Big5 files. GB18030 decodes nearly
any byte string and Big5 accepts most GB2312 text, so "it decoded" proves
nothing: the candidates are ranked by how much of the result is common Chinese
(GB2312 level-1 or Big5 level-1 characters) rather than rare symbols.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: First bytes of the byte-order marks above: most files start with none of them.
_BOM_LEADS = frozenset(bom[:1] for bom, _ in _BOMS)
_LEGACY = ("gb18030", "big5")
#: Bytes that are not control characters (deleted before counting the rest).
_TEXT_BYTES = bytes([8, 9, 10, 12, 13, 27, *range(32, 256)])


class DecodeError(Exception):
    """The bytes are not text newsdeck can read (binary, or no encoding fits)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    #: A note for ``Article.problems`` when the encoding was guessed or repaired.
    problem: str | None = None


def decode(data: bytes, *, complete: bool = True) -> Decoded:
    """Decode ``data``; ``complete=False`` means it is a prefix that may end mid-character.

    Raises :class:`DecodeError` with a human-readable reason for binary data.
    Line endings are normalised to ``\\n`` and a leading BOM is removed.
    """
    return Decoded(*decode_parts(data, complete=complete))


def decode_parts(data: bytes, *, complete: bool = True) -> tuple[str, str, str | None]:
    """:func:`decode` as a plain ``(text, encoding, problem)`` tuple.

    The parser calls this once per listed file; building a frozen dataclass there
    costs as much as decoding a short header.
    """
    if data[:1] in _BOM_LEADS:
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                body = data[len(bom) :]
                text = _decode_prefix(body, encoding, complete, errors="replace")
                return _normalise_newlines(text), encoding, None

    if data.find(b"\x00", 0, 8192) >= 0:
        utf16 = _sniff_utf16(data)
        if utf16 is not None:
            text = _decode_prefix(data, utf16, complete, errors="replace")
            return _normalise_newlines(text), utf16, f"no byte-order mark; read as {utf16}"
        if _looks_binary(data):
            raise DecodeError("binary data, not text")

    if not complete:
        # A partial read: decode whole lines only (no encoding here uses 0x0A inside a
        # character), so a character cut off by the read's end never looks like an error.
        cut = data.rfind(b"\n")
        if cut > 0:
            data, complete = data[: cut + 1], True

    try:
        text = data.decode("utf-8") if complete else _decode_prefix(data, "utf-8", False, "strict")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text, "utf-8", None
    except UnicodeDecodeError:
        pass

    if _looks_binary(data):
        raise DecodeError("binary data, not text")

    best: tuple[float, str, str] | None = None
    for encoding in _LEGACY:
        try:
            text = _decode_prefix(data, encoding, complete, errors="strict")
        except UnicodeDecodeError:
            continue
        score = _chinese_score(text)
        if best is None or score > best[0]:
            best = (score, encoding, text)
    if best is not None and best[0] >= 0.5:
        return _normalise_newlines(best[2]), best[1], f"not UTF-8; read as {best[1]}"

    # Mostly UTF-8 with a few broken bytes: keep the text and say so.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(8, len(text) // 100):
        return (
            _normalise_newlines(text),
            "utf-8",
            f"{bad} byte sequence(s) that are not valid UTF-8 were replaced with �",
        )
    raise DecodeError("not valid UTF-8, GB18030 or Big5 text")


def _decode_prefix(data: bytes, encoding: str, complete: bool, errors: str) -> str:
    """Decode, tolerating a character cut off at the end of a partial read."""
    if complete:
        return data.decode(encoding, errors=errors)
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    return decoder.decode(data, final=False)


def _normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """Many NUL bytes or a high share of control bytes mean this is no article.

    A stray NUL or backspace in real text is noise the parser strips later.
    """
    sample = data[:8192]
    if not sample:
        return False
    nuls = sample.count(0)
    if nuls > max(2, len(sample) // 100):
        return True
    controls = len(sample.translate(None, _TEXT_BYTES))
    return controls > len(sample) * 0.1


def _chinese_score(text: str) -> float:
    """Share of non-ASCII characters that are common CJK characters or punctuation.

    A wrong legacy decoding produces kana, box drawing and rare ideographs; the
    right one produces mostly the first-level (most frequent) hanzi of its charset.
    """
    total = common = 0
    for ch in text[:4000]:
        if ch < "\x80":
            continue
        total += 1
        if "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·":
            common += 1
        elif "\u4e00" <= ch <= "\u9fff" and _is_level1(ch):
            common += 1
    if total == 0:
        return 1.0
    return common / total


def _is_level1(ch: str) -> bool:
    """In GB2312 level 1 (leads B0–D7) or Big5 level 1 (A440–C67E): the frequent hanzi."""
    try:
        code = ch.encode("gb2312")
        if len(code) == 2 and 0xB0 <= code[0] <= 0xD7:
            return True
    except UnicodeEncodeError:
        pass
    try:
        code = ch.encode("big5")
        if len(code) == 2 and 0xA440 <= (code[0] << 8 | code[1]) <= 0xC67E:
            return True
    except UnicodeEncodeError:
        pass
    return False
