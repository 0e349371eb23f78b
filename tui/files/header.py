"""Finding an article's headers: YAML front matter, the feed header, or both.

Layouts seen in real seeds directories:

* front matter: ``---`` / YAML / ``---`` then an HTML body;
* feed: ``<!--epoch ms-->``, ``[title](url)``, a line of dashes, then HTML
  (sometimes without the timestamp line);
* hybrid: front matter followed by a whole feed header and body.

The layout is told from the content alone. The end of the front matter is
found line by line (bodies contain ``------`` too), and YAML is read with every
scalar kept as a string (``title: 12_00`` must not become 1200); when YAML
fails, a line-based reader takes over and the failure is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_KEY = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*)|)$")


class _StringLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """A YAML loader that resolves no implicit types: every scalar stays a string."""


_StringLoader.yaml_implicit_resolvers = {}


@dataclass(slots=True)
class Split:
    """The pieces of an article's text, before any field is interpreted."""

    front_matter: dict[str, Any] | None = None
    #: True when the text starts with front matter (even if YAML could not read it).
    has_front_matter: bool = False
    feed_stamp: str | None = None  # text inside <!-- --> on the feed's first line
    feed_title: str | None = None
    feed_url: str | None = None
    has_feed: bool = False
    body: str = ""
    problems: list[str] = field(default_factory=list)


def split(text: str) -> Split:
    """Split decoded text (newlines already ``\\n``) into headers and body.

    Works on offsets rather than a list of lines: a listing reads thousands of
    files, and only the header lines are ever looked at one by one.
    """
    result = Split()
    opening = _FM_OPEN.match(text)
    if opening is None:
        pos = _skip_blank(text, 0)
    else:
        after = opening.end()
        end = _FENCE_END_M.search(text, after, after + MAX_FRONT_MATTER_CHARS)
        if end is None:
            result.problems.append("front matter is never closed with '---'")
            guess = _BODY_START_M.search(text, after, after + MAX_FRONT_MATTER_CHARS)
            stop = guess.start() if guess else min(len(text), after + MAX_FRONT_MATTER_CHARS)
            fm_text, pos = text[after:stop], stop
        else:
            fm_text, pos = text[after : end.start()], min(len(text), end.end() + 1)
        result.has_front_matter = True
        result.front_matter = read_front_matter(fm_text.rstrip("\n"), result.problems)
    feed = _FEED_HEAD.match(text, pos)
    if feed is not None:
        stamp = feed.group("stamp")
        result.has_feed = True
        result.feed_stamp = None if stamp is None else stamp.strip()
        result.feed_title = feed.group("title")
        result.feed_url = feed.group("url").strip() or None
        pos = feed.end()
    result.body = text[pos:]
    return result


# Blank lines are lines of whitespace other than newline; within one line `\s` and
# `[^\S\n]` are the same class, so these whole-text patterns read exactly what a
# line-by-line reading would (`$` of a line is `\n` or the end of the text).
_BLANKS = r"(?:[^\S\n]*\n)*"
_EOL = r"[^\S\n]*(?:\n|\Z)"
#: The opening fence: first non-blank line is ``---`` (trailing blanks allowed).
_FM_OPEN = re.compile(_BLANKS + r"---[ \t]*(?:\n|\Z)")
#: The feed header: optional ``<!--stamp-->`` line, ``[title](url)`` line, a rule line.
_FEED_HEAD = re.compile(
    _BLANKS
    + r"(?:[^\S\n]*<!--(?P<stamp>.*?)-->"
    + _EOL
    + _BLANKS
    + r")?[^\S\n]*\[(?P<title>.*)\]\((?P<url>.*)\)"
    + _EOL
    + _BLANKS
    + r"[^\S\n]*(?:-{3,}|={3,})"
    + _EOL
)
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_FENCE_END_M = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_BODY_START_M = re.compile(r"^[^\S\n]*(?:<|\[.*\]\(.*\)[^\S\n]*$)", re.MULTILINE)
#: Front matter longer than this is not front matter.
MAX_FRONT_MATTER_CHARS = 64 * 1024


def _skip_blank(text: str, pos: int) -> int:
    """The offset of the first line at or after ``pos`` that is not blank."""
    m = _BLANK_LINES.match(text, pos)
    return m.end() if m else pos


def read_front_matter(fm_text: str, problems: list[str]) -> dict[str, Any]:
    """Flat fast path, else YAML with string scalars, else a forgiving line-based reading."""
    flat = read_flat(fm_text)
    if flat is not None:
        return flat
    try:
        data = yaml.load(fm_text, Loader=_StringLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problems.append(f"front matter is not valid YAML{where}; read it line by line")
        return read_front_matter_lines(fm_text)
    except (RecursionError, MemoryError):
        problems.append("front matter is too deeply nested; read it line by line")
        return read_front_matter_lines(fm_text)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append("front matter is not a mapping of fields; read it line by line")
        return read_front_matter_lines(fm_text)
    return {str(k): v for k, v in data.items()}


class _NotFlat(Exception):
    """The front matter uses YAML beyond the flat subset; let the YAML parser read it."""


# One line of the flat subset: `key:` then nothing, a 'single' or "double" quoted
# scalar without escapes, a [flow, list] of plain words, or a plain scalar whose
# first character cannot start any other YAML construct. Anything else: not flat.
_VALUE = (
    r"(?:'(?P<sq>[^']*(?:''[^']*)*)'"  # 'single', '' is a quote
    r'|"(?P<dq>[^"\\]*)"'  # "double", no escapes
    r"|\[(?P<flow>[^\[\]{}'\"#&*!|>]*)\]"  # [flow, list]
    r"|(?P<plain>[^\s&*!|>{}\[\]%@`'\"#?,:\-][^\t]*))"  # plain
)
# _FLAT_LINE's groups are, in order: key, sq, dq, flow, plain (read_flat unpacks them).
_FLAT_LINE = re.compile(r"(?P<key>[A-Za-z_][\w-]*):(?:[ \t]+" + _VALUE + r")?[ \t]*")
_FLAT_ITEM = re.compile(r" +- +" + _VALUE + r"[ \t]*")
_FLOW_ITEM = re.compile(r"[^\s&*!|>{}\[\]%@`'\"#?,:\-][^\t,]*")


def read_flat(fm_text: str) -> dict[str, Any] | None:
    """Read the flat subset of YAML that nearly every seed uses, ~20x faster than PyYAML.

    Accepts ``key: plain``, ``key: 'single'`` / ``"double"`` (no escapes),
    ``key: [a, b]`` and ``key:`` followed by ``- item`` lines. Returns ``None`` at
    the first thing outside that subset, so the result always equals what the
    string-only YAML loader would give (a property test holds it to that).
    """
    data: dict[str, Any] = {}
    list_key: str | None = None
    line_match = _FLAT_LINE.fullmatch
    try:
        for line in fm_text.split("\n"):
            m = line_match(line)
            if m is not None:
                # Inlined _flat_value: this loop runs for every line of every listed file.
                key, sq, dq, flow, plain = m.groups()
                if key in data:
                    return None
                list_key = None
                if plain is not None:
                    value: str | list[str] = plain.rstrip(" ")
                    if ": " in value or " #" in value or value[-1] == ":":
                        return None
                elif dq is not None:
                    value = dq
                elif sq is not None:
                    value = sq.replace("''", "'")
                elif flow is not None:
                    value = _flat_list(flow)
                else:
                    value = ""
                    list_key = key
                data[key] = value
                continue
            if not line.strip():
                continue
            m = _FLAT_ITEM.fullmatch(line)
            if m is None or list_key is None:
                return None
            current = data[list_key]
            item = _flat_value(m)
            if isinstance(item, list):
                return None  # a nested flow list inside a block list
            if current == "":
                data[list_key] = [item]
            else:
                current.append(item)
    except _NotFlat:
        return None
    return data


def _flat_value(m: re.Match[str]) -> str | list[str]:
    kind = m.lastgroup
    if kind == "plain":
        value = m.group("plain").rstrip(" ")
        if ": " in value or " #" in value or value.endswith(":"):
            raise _NotFlat
        return value
    if kind == "sq":
        return m.group("sq").replace("''", "'")
    if kind == "dq":
        return m.group("dq")
    if kind == "flow":
        return _flat_list(m.group("flow"))
    return ""


#: ``[ a, b ]`` contents already read (or ``None`` when not flat). Sites repeat the same
#: tags and categories in thousands of files; bounded so a huge directory cannot grow it.
_FLOW_CACHE: dict[str, tuple[str, ...] | None] = {}
_FLOW_CACHE_MAX = 4096


def _flat_list(inner: str) -> list[str]:
    if inner in _FLOW_CACHE:
        cached = _FLOW_CACHE[inner]
    else:
        cached = _read_flow(inner)
        if len(_FLOW_CACHE) >= _FLOW_CACHE_MAX:
            _FLOW_CACHE.clear()
        _FLOW_CACHE[inner] = cached
    if cached is None:
        raise _NotFlat
    return list(cached)  # a fresh list: callers may append to it


def _read_flow(inner: str) -> tuple[str, ...] | None:
    if not inner.strip():
        return ()
    parts = [part.strip() for part in inner.split(",")]
    if parts[-1] == "":
        parts.pop()  # YAML allows one trailing comma
    for part in parts:
        if not _FLOW_ITEM.fullmatch(part) or ": " in part or " #" in part or part.endswith(":"):
            return None
    return tuple(parts)


def read_front_matter_lines(fm_text: str) -> dict[str, Any]:
    """Read ``key: value`` lines and ``- item`` lists without a YAML parser.

    Continuation lines (a title broken over lines) are joined to the value above.
    """
    data: dict[str, Any] = {}
    key: str | None = None
    for line in fm_text.split("\n"):
        m = _KEY.match(line)
        if m:
            key = m.group(1)
            value = (m.group(2) or "").strip()
            data[key] = _flow_list(value) if value else ""
            continue
        if key is None or not line.strip():
            continue
        stripped = line.strip()
        current = data[key]
        if stripped.startswith("- ") or stripped == "-":
            item = stripped[1:].strip()
            if isinstance(current, list):
                current.append(item)
            elif current == "":
                data[key] = [item]
            else:
                data[key] = f"{current} {stripped}"
        elif isinstance(current, str):
            data[key] = f"{current} {stripped}".strip()
    return data


def _flow_list(value: str) -> str | list[str]:
    """``[ a, b ]`` becomes a list; anything else stays the raw string."""
    if value.startswith("[") and value.endswith("]"):
        return [part.strip() for part in value[1:-1].split(",") if part.strip()]
    return value
