"""URLs as people read them: percent-escapes and punycode hosts decoded, as browsers show them.

Why: a feed URL like ``https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F…`` is unreadable as
escapes, though every browser's address bar shows ``https://www.rfi.fr/cn/专栏…``.
:func:`display_url` is for showing only: opening (``o``), copying (``y``) and
``newsdeck export`` keep the exact original URL.

What is decoded, and what stays encoded (the browsers' rules, kept lossless):

- escapes of UTF-8 text outside ASCII (``%E4%B8%93`` → ``专``), and of the unreserved
  ASCII characters (letters, digits, ``-._~``), which mean the same either way;
- every other ASCII escape stays as it is: ``%20`` (a space would end the URL when
  the text is copied), ``%2F`` (an escaped ``/`` is not a path separator), ``%25``,
  ``%3F``, ``%23``, and control characters (``%1B`` never becomes ESC);
- escapes that are not UTF-8 (``%FF``, a cut sequence ``%E4%B8``) stay as they are;
- decoded characters that would mislead or break a line stay escaped: controls,
  spaces and line separators, invisible format characters (bidi overrides,
  zero-width), unassigned and private-use code points, and a few lookalikes of
  ``/`` and of the padlock;
- a host's punycode labels (``xn--fiqs8s`` → ``中国``) are decoded with the standard
  library's IDNA codec, unless the label is not valid punycode or every letter of it
  could pass for a Latin letter (``xn--80ak6aa92e`` is Cyrillic "аррӏе"), which
  browsers also keep as punycode.

Characters that are already raw in the input and would be unsafe on screen (a
control character, a bidi override) are percent-encoded, so the result never
holds a control character. No Rich, no Textual: the CLI and the app both use it.
"""

from __future__ import annotations

import re
import unicodedata
from encodings import idna as _stdlib_idna
from typing import Final

__all__ = ["display_host", "display_url"]

_ESCAPES: Final = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: Unicode categories never shown decoded: controls, format (bidi, zero-width),
#: surrogates, private use, unassigned, and every kind of space or separator.
_HIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
#: Lookalikes of URL punctuation (a fake "/" makes a fake host) and the padlock.
_LOOKALIKES: Final = frozenset(
    "\u2044\u2215\u2571\u29f8\u29f9\u3033\u30ce\u4e3f\uff0f\uff1f\uff03\u2024\u2025\ufe52\uff0e"
    "\U0001f512\U0001f513"
)
#: Cyrillic and Greek letters that look like Latin ones: a host label made only of
#: these (and digits/hyphens) stays punycode, as Chrome and Firefox keep it.
_LATIN_LOOKALIKES: Final = frozenset(
    "аеорсуххіјӏѕԁԛԝѡүһԍɡвкмнтьщ"  # Cyrillic
    "αβεικμνορτυχωϲϳ"  # Greek
)
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _hidden(ch: str) -> bool:
    """Whether ``ch`` must not be shown raw in a URL (it would hide or fake something)."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES or ch in _LOOKALIKES


def _encode_char(ch: str) -> str:
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


def _escape_raw(text: str) -> str:
    """Percent-encode raw characters that must not be shown (controls, bidi, spaces...)."""
    if text.isascii() and text.isprintable() and " " not in text:
        return text
    return "".join(_encode_char(ch) if _hidden(ch) else ch for ch in text)


def _decode_run(run: str) -> str:
    """One run of ``%XX`` escapes, decoded where that is safe and lossless."""
    data = bytes.fromhex(run.replace("%", ""))
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            ch = chr(b)
            out.append(ch if ch in _UNRESERVED else run[3 * i : 3 * i + 3])
            i += 1
            continue
        size = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        chunk = data[i : i + size] if size else b""
        try:
            ch = chunk.decode("utf-8") if len(chunk) == size and size else ""
        except UnicodeDecodeError:
            ch = ""
        if not ch:
            out.append(run[3 * i : 3 * i + 3])  # not UTF-8 here: keep the escape
            i += 1
            continue
        out.append(run[3 * i : 3 * (i + size)] if _hidden(ch) else ch)
        i += size
    return "".join(out)


def _decode_escapes(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for m in _ESCAPES.finditer(text):
        pieces.append(_escape_raw(text[last : m.start()]))
        pieces.append(_decode_run(m.group()))
        last = m.end()
    pieces.append(_escape_raw(text[last:]))
    return "".join(pieces)


def _display_label(label: str) -> str:
    if label[:4].lower() != "xn--" or not label.isascii():
        return label
    try:
        decoded = _stdlib_idna.ToUnicode(label.lower())
    except (UnicodeError, ValueError, IndexError):
        return label
    if not decoded or decoded.lower() == label.lower():
        return label
    if any(_hidden(ch) or ch in "/?#@:%" for ch in decoded):
        return label
    letters = [ch for ch in decoded if ch.isalpha()]
    if letters and all(ch in _LATIN_LOOKALIKES for ch in letters):
        return label  # a whole-script lookalike of a Latin name
    return decoded


def display_host(host: str) -> str:
    """A host name with its punycode labels shown in Unicode (see the module docstring)."""
    if "xn--" not in host.lower():
        return _escape_raw(host)
    return ".".join(_display_label(label) for label in _escape_raw(host).split("."))


def display_url(url: str) -> str:
    """``url`` as a browser's address bar shows it; never holds a control character.

    Only for showing: what is decoded may not round-trip byte for byte, so anything
    that opens, copies or exports a URL uses the original.
    """
    if not url:
        return url
    rest = url
    scheme = ""
    m = _SCHEME.match(rest)
    if m:
        scheme, rest = m.group(), rest[m.end() :]
    authority = ""
    if rest.startswith("//"):
        end = len(rest)
        for sep in "/?#":
            found = rest.find(sep, 2)
            if found != -1:
                end = min(end, found)
        authority, rest = rest[:end], rest[end:]
        userinfo, at, hostport = authority[2:].rpartition("@")
        host, port = hostport, ""
        if not host.startswith("["):  # an IPv6 literal has no punycode
            host, colon, port_digits = hostport.partition(":")
            port = colon + port_digits
        authority = "//" + _escape_raw(userinfo) + at + display_host(host) + _escape_raw(port)
    return _escape_raw(scheme) + authority + _decode_escapes(rest)
