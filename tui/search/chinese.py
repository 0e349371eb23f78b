"""Chinese-aware matching helpers: Traditional -> Simplified folding and pinyin keys.

Both are *folds*, not translations: they only have to make a query and a text meet.

* :func:`to_simplified` maps Traditional characters to Simplified one character at a
  time, so a folded string has the same length as the original and match positions
  still point at the original characters (highlighting, snippets). The map is taken
  from OpenCC's own dictionaries (``t2s`` plus the Taiwan and Hong Kong variant sets),
  built once on first use. Phrase-level conversion is deliberately not used: it may
  change lengths, and both sides of a match are folded the same way anyway, so a
  many-to-one character fold (乾/幹 -> 干) can only add matches, never lose one.
* :func:`pinyin_key` turns a folded title into a string a compiled regex can search:
  one unit per character, ``\\x02`` followed by every toneless reading of that
  character (all heteronyms: 重 gives ``ZhongChongTong``), each capitalised so the
  pattern knows where a reading starts. Characters without a reading give a bare
  ``\\x02``, so unit *k* is folded character *k*. Readings of Traditional characters
  are merged into their Simplified fold, so ``qianlong`` still finds 乾隆 (folded 干隆).
* :func:`pinyin_pattern` compiles a Latin query term so that each matched character
  consumes a non-empty prefix of one of its readings, over consecutive characters:
  full pinyin (``eluosi``), initials (``els``, ``xgzx``) and any mix (``eluos``).
  :func:`pinyin_scan_source` is the same match in a shape that is cheaper to scan a
  whole blob of keys with (same match starts, not the same spans).

No Textual here; opencc and pypinyin are imported lazily so importing this module is
cheap.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from tui.cjk import HAN_RANGES

__all__ = [
    "NO_READING_START",
    "PINYIN_ENV",
    "SHORT_PINYIN",
    "UNIT",
    "pinyin_enabled",
    "pinyin_key",
    "pinyin_narrows",
    "pinyin_pattern",
    "pinyin_scan_source",
    "pinyin_span",
    "pinyin_term",
    "readings",
    "t2s_map",
    "to_simplified",
    "toneless",
]

#: Environment variable that turns pinyin matching off when set to 0/false/no/off.
PINYIN_ENV = "NEWSDECK_PINYIN"
#: Starts every character's unit in a pinyin key.
UNIT = "\x02"

_MIN_HAN = min(a for a, _ in HAN_RANGES)


def pinyin_enabled() -> bool:
    """Whether pinyin matching is on by default (the one place reading the setting).

    ``NEWSDECK_PINYIN=0`` (or false/no/off) turns it off; a config file may later feed
    the same switch.
    """
    value = os.environ.get(PINYIN_ENV, "").strip().casefold()
    return value not in ("0", "false", "no", "off")


# --------------------------------------------------------------------------- T -> S


@cache
def t2s_map() -> dict[int, str]:
    """``str.translate`` table: Traditional code point -> its one-character Simplified fold.

    Built once by converting every Han code point through OpenCC (``t2s``, then the
    Taiwan and Hong Kong variant configs for what ``t2s`` leaves alone); entries whose
    conversion is not exactly one character are skipped so folding keeps lengths.
    Without opencc the map is empty (no script folding, everything else works).

    Kept in the cache folder for the installed opencc: building it (and importing
    opencc) costs ~0.4 s, which every ``newsdeck search`` or ``list --filter`` would pay.
    """
    from importlib.util import find_spec

    spec = find_spec("opencc")
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        return {}
    stamp = _t2s_stamp(spec.origin)
    stored = _read_t2s(stamp)
    if stored is not None:
        return stored
    table = _build_t2s()
    _write_t2s(stamp, table)
    return table


def _build_t2s() -> dict[int, str]:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return {}
    chars = [chr(c) for a, b in HAN_RANGES for c in range(a, b + 1)]
    src = "\n".join(chars)
    table: dict[int, str] = {}
    for config in ("t2s", "tw2s", "hk2s"):
        out = opencc.OpenCC(config).convert(src).split("\n")
        if len(out) != len(chars):  # pragma: no cover - defensive: never seen
            continue
        for ch, simple in zip(chars, out, strict=True):
            if simple != ch and len(simple) == 1 and ord(ch) not in table:
                table[ord(ch)] = simple
    return table


#: The kept table's file in the cache folder, and its format version.
_T2S_FILE = "t2s-map-1.marshal"


def _t2s_stamp(origin: str) -> tuple[Any, ...]:
    """What the table depends on: the installed opencc (its file's stamp) and the ranges."""
    try:
        st = os.stat(origin)
    except OSError:
        return (origin, HAN_RANGES)
    return (origin, st.st_size, st.st_mtime_ns, HAN_RANGES)


def _read_t2s(stamp: tuple[Any, ...]) -> dict[int, str] | None:
    """The kept table when it was made for ``stamp``; None when absent, stale or damaged."""
    import marshal

    from tui.paths import cache_dir

    try:
        kept, table = marshal.loads((cache_dir() / _T2S_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return table if kept == stamp and isinstance(table, dict) else None


def _write_t2s(stamp: tuple[Any, ...], table: dict[int, str]) -> None:
    """Keep the table, atomically (a cache: failing to write is fine)."""
    import marshal

    from tui.paths import cache_dir

    folder = cache_dir()
    tmp = folder / f".{_T2S_FILE}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps((stamp, table)))
        os.replace(tmp, folder / _T2S_FILE)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def to_simplified(text: str) -> str:
    """Fold Traditional characters to Simplified, one character each (same length).

    會議 -> 会议, 臺灣 -> 台湾, 髮/發 -> 发. Other characters are left alone. Runs at C
    speed (one ``str.translate``), so it suits article bodies for a full-text index;
    the query must be folded with the same function.
    """
    if text.isascii():
        return text
    return text.translate(t2s_map())


@cache
def _simplified_sources() -> dict[str, tuple[str, ...]]:
    """Simplified character -> the Traditional characters folding to it."""
    out: dict[str, list[str]] = {}
    for cp, simple in t2s_map().items():
        out.setdefault(simple, []).append(chr(cp))
    return {k: tuple(v) for k, v in out.items()}


# --------------------------------------------------------------------------- pinyin


def toneless(reading: str) -> str:
    """``lǜ`` -> ``lv``, ``zhòng`` -> ``zhong`` (``v`` for ü, as pinyin keyboards type it)."""
    s = unicodedata.normalize("NFD", reading.lower()).replace("u\u0308", "v")
    return "".join(c for c in s if not unicodedata.combining(c))


@cache
def _own_readings(ch: str) -> tuple[str, ...]:
    """Toneless readings pypinyin lists for one character (all heteronyms), in its order."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(ch))
    if not raw:
        return ()
    seen: dict[str, None] = {}
    for r in raw.split(","):
        t = toneless(r.strip())
        if t.isascii() and t.isalpha():
            seen.setdefault(t, None)
    return tuple(seen)


@cache
def readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of a folded character, including its Traditional sources'.

    All heteronyms are kept (重: zhong, chong, tong), because which one applies depends
    on the word and accepting all of them is as cheap as accepting one.
    """
    if len(ch) != 1 or ord(ch) < _MIN_HAN:
        return ()
    seen = dict.fromkeys(_own_readings(ch))
    for source in _simplified_sources().get(ch, ()):
        seen.update(dict.fromkeys(_own_readings(source)))
    return tuple(seen)


class _KeyTable(dict[int, str]):
    """``str.translate`` table: folded character -> its pinyin key unit (learned lazily)."""

    def __missing__(self, cp: int) -> str:
        value = UNIT + "".join(r.capitalize() for r in readings(chr(cp)))
        self[cp] = value
        return value


_KEY_TABLE = _KeyTable()


def pinyin_key(folded: str) -> str | None:
    """The pinyin key of a folded title, or None when no character has a reading."""
    if folded.isascii():
        return None
    key = folded.translate(_KEY_TABLE)
    return key if len(key) > len(folded) else None


def pinyin_term(term: str) -> bool:
    """Whether a folded query term is tried as pinyin: two or more ASCII letters."""
    return len(term) >= 2 and term.isascii() and term.isalpha()


#: Terms this short match by pinyin only as initials or one whole syllable.
SHORT_PINYIN = 2


@lru_cache(maxsize=256)
def pinyin_pattern(term: str) -> re.Pattern[str] | None:
    """Regex matching ``term`` as pinyin over consecutive units of a key (None if not pinyin).

    The first letter starts a reading; every next letter either continues the same
    reading (tried first: ``xian`` prefers 先 to 西安) or starts a reading of the next
    character (the rest of the current unit is skipped). From three letters on, a match
    of a term is also a match of each of its prefixes, which keeps reusing the previous
    keystroke's result exact. A two-letter term must be two initials (``xg`` 香港) or
    one whole syllable (``li`` 李, not 连): prefixes that short would match a third of
    all Chinese titles, which is noise and slow to rank.
    """
    if not pinyin_term(term):
        return None
    parts = [re.escape(term[0].upper())]
    for ch in term[1:]:
        up, low = re.escape(ch.upper()), re.escape(ch)
        if len(term) == SHORT_PINYIN:
            low += "(?![a-z])"
        parts.append(f"(?:{low}|[^{UNIT}\\n]*+{UNIT}[^{UNIT}\\n]*?{up})")
    return re.compile("".join(parts))


#: Letters no reading starts with: pinyin spells those syllables yi-, wu-, yu- (the
#: tests check this against the whole pypinyin table). Kept literal so that scanning
#: stored keys never has to import pypinyin.
NO_READING_START = frozenset("iuv")


@lru_cache(maxsize=256)
def pinyin_scan_source(term: str) -> str | None:
    """Regex source matching a key wherever :func:`pinyin_pattern` does, cheaper to scan.

    Why: a whole key blob is scanned on most keystrokes. The same units are consumed,
    but (1) a letter no reading starts with (``i``, ``u``, ``v``) can only continue the
    current reading, which drops a dead alternative and makes ``Xi`` in ``xia`` a literal
    prefix the regex engine skips to, and (2) the next reading is found with a greedy
    run whose literal tail the engine jumps to, instead of a lazy one tried character by
    character. The set of match starts is unchanged, but from a given start another
    match may be chosen: use it to find whether/where a match starts, never for a span.
    """
    if not pinyin_term(term):
        return None
    skip = f"[^{UNIT}\\n]*+{UNIT}[^{UNIT}\\n]*"
    parts = [re.escape(term[0].upper())]
    for ch in term[1:]:
        low = re.escape(ch) + ("(?![a-z])" if len(term) == SHORT_PINYIN else "")
        parts.append(low if ch in NO_READING_START else f"(?:{low}|{skip}{re.escape(ch.upper())})")
    return "".join(parts)


def pinyin_narrows(old: str, new: str) -> bool:
    """Whether every pinyin match of term ``new`` is one of term ``old`` (prefix assumed)."""
    if not pinyin_term(new):
        return True
    return pinyin_term(old) and (len(old) > SHORT_PINYIN or len(new) == len(old))


def pinyin_span(key: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    """``(first, last)`` character indices of the earliest pinyin match, or None."""
    m = pattern.search(key)
    if m is None:
        return None
    first = key.count(UNIT, 0, m.start()) - 1
    last = key.count(UNIT, 0, m.end()) - 1
    return first, last
