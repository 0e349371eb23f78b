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

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_COMMENT = re.compile(r"^\s*<!--(.*?)-->\s*$")
_LINK = re.compile(r"^\s*\[(.*)\]\((.*)\)\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|={3,})\s*$")
_KEY = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*)|)$")
#: Front matter longer than this many lines is not front matter.
MAX_FRONT_MATTER_LINES = 400


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
    """Split decoded text (newlines already ``\\n``) into headers and body."""
    result = Split()
    lines = text.split("\n")
    i = _skip_blank(lines, 0)
    if i < len(lines) and _FENCE.match(lines[i]):
        end = _find_fence_end(lines, i + 1)
        if end is None:
            result.problems.append("front matter is never closed with '---'")
            end = _guess_front_matter_end(lines, i + 1)
            fm_lines = lines[i + 1 : end]
            rest = end
        else:
            fm_lines = lines[i + 1 : end]
            rest = end + 1
        result.has_front_matter = True
        result.front_matter = read_front_matter("\n".join(fm_lines), result.problems)
        i = rest
    feed_end = _read_feed_header(lines, i, result)
    if feed_end is not None:
        i = feed_end
    result.body = "\n".join(lines[i:])
    return result


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _find_fence_end(lines: list[str], start: int) -> int | None:
    for j in range(start, min(len(lines), start + MAX_FRONT_MATTER_LINES)):
        if _FENCE_END.match(lines[j]):
            return j
    return None


def _guess_front_matter_end(lines: list[str], start: int) -> int:
    """Unclosed front matter: it ends where the HTML or feed header begins."""
    for j in range(start, min(len(lines), start + MAX_FRONT_MATTER_LINES)):
        stripped = lines[j].lstrip()
        if stripped.startswith("<") or _LINK.match(lines[j]):
            return j
    return min(len(lines), start + MAX_FRONT_MATTER_LINES)


def _read_feed_header(lines: list[str], start: int, result: Split) -> int | None:
    """Recognise ``<!--stamp-->`` / ``[title](url)`` / dashes; return the body's first line."""
    i = _skip_blank(lines, start)
    stamp = None
    if i < len(lines):
        m = _COMMENT.match(lines[i])
        if m:
            stamp = m.group(1).strip()
            i = _skip_blank(lines, i + 1)
    if i >= len(lines):
        return None
    link = _LINK.match(lines[i])
    if not link:
        return None
    j = _skip_blank(lines, i + 1)
    if j >= len(lines) or not _RULE.match(lines[j]):
        return None
    result.has_feed = True
    result.feed_stamp = stamp
    result.feed_title = link.group(1)
    result.feed_url = link.group(2).strip() or None
    return j + 1


def read_front_matter(fm_text: str, problems: list[str]) -> dict[str, Any]:
    """YAML with string scalars; on failure, a forgiving line-based reading."""
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
