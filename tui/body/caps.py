"""How much of an article body to show, and in which pieces: the reader's text budget.

Why here and not in the app: what to show of a huge body (issue 6) and where its
Markdown may be cut are decisions about text, testable without a terminal. The
reader asks once (:func:`prepare`) and gets a :class:`Source` to render; it then
asks the source for its chunks (:meth:`Source.chunks`) at the size of its screen.

Huge bodies are cut for display: past :data:`HTML_CAP` bytes of HTML or
:data:`MARKDOWN_CAP` characters of Markdown only the first part is shown, and
:attr:`Source.notice` says so. The caps are read at call time, so tests may lower them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tui.body.markdown import html_to_markdown
from tui.body.text import html_to_text

#: Bodies larger than this (bytes of HTML) show only their first part (issue 6):
#: Rich renders ~2.5 MB of Markdown a second and keeps ~15,000 lines per MB,
#: so a 10 MB body would take seconds and hundreds of MB for a page nobody reads
#: to the end.
HTML_CAP = 2_000_000
#: The same cap for the converted Markdown (characters), which is what costs.
MARKDOWN_CAP = 1_000_000
#: The first chunk holds at least this many characters of Markdown (the reader
#: asks for about a screenful); it is rendered and shown first.
HEAD_MIN_CHARS = 1_000
#: Later chunks: big enough that Rich's per-render overhead (~2 ms) stays small,
#: small enough (~60 ms of rendering) that a cancelled render stops promptly.
CHUNK_CHARS = 16_000
#: What an article without text shows instead (Markdown).
NO_TEXT = "*This article has no text.*"

#: A fence opener: up to 3 spaces, then ``` or ~~~ (3 or more).
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: A thematic break: Rich puts no blank line after one, so never split there.
_HR = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
#: A line that may continue the block above it across a blank line (indented
#: code or list content, another list item, a quote, a table row, raw HTML).
_CONTINUES = re.compile(r"[ \t]|[-*+>|<]|\d{1,9}[.)]")
#: Raw HTML blocks that run across blank lines until their closer (CommonMark
#: kinds 1 and 2); :mod:`tui.body.markdown` never emits them, other callers may.
_HTML_OPEN = re.compile(r" {0,3}<(?:(script|pre|style|textarea)(?:[\s>]|$)|(!--))", re.I)
#: A link reference definition: links resolve across the whole document, so a
#: document with one is never split.
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:", re.M)


def human_size(size: int) -> str:
    """Bytes as KB / MB for the truncation notice (1000-based, as the sidebar)."""
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"


@dataclass(frozen=True, slots=True)
class Source:
    """An article body converted once: Markdown to render, plain text for statistics.

    ``truncated`` sources hold only the first part of a huge body (``text`` too,
    so reading statistics then describe the part shown); ``size`` is the whole
    body's HTML in bytes and ``shown`` about how many of them are displayed.
    ``html`` is the HTML converted, kept only until :meth:`described` extracts
    ``text`` from it: that costs, so it happens after the first screen is shown.
    """

    markdown: str
    text: str
    truncated: bool = False
    size: int = 0
    shown: int = 0
    html: str = field(default="", repr=False)

    @property
    def notice(self) -> str | None:
        """What the end of a truncated article says is missing (None when whole)."""
        if not self.truncated:
            return None
        return (
            f"Article truncated for display: {human_size(self.size)}, "
            f"showing the first {human_size(self.shown)}."
        )

    def described(self) -> Source:
        """This source with ``text`` extracted from its HTML (and the HTML let go)."""
        if self.text or not self.html:
            return self
        return replace(self, text=html_to_text(self.html), html="")

    def chunks(self, head: int) -> list[str]:
        """The Markdown to render, in chunks (see :func:`split_markdown`).

        ``head`` > 0 makes the first chunk about that many characters (a screen
        shown before the rest renders); 0 asks for the whole at once, yet a long
        text still comes in :data:`CHUNK_CHARS` pieces so a cancel stops promptly.
        """
        shown = self.markdown if self.markdown.strip() else NO_TEXT
        if head:
            return split_markdown(shown, head)
        if len(shown) > CHUNK_CHARS * 4:
            return split_markdown(shown, CHUNK_CHARS)
        return [shown]


def prepare(html: str, *, whole: bool = False) -> Source:
    """Convert a body's ``html`` to what the reader shows, cut to the caps unless ``whole``.

    The HTML is cut first, at the end of a tag, so a 10 MB body costs a 2 MB
    conversion; the Markdown is then cut at the last blank line (a block
    boundary) before the cap. The source's ``text`` is still empty: call
    :meth:`Source.described`, off the first-screen path.
    """
    size = len(html.encode("utf-8", "replace"))
    used = html
    if not whole and size > HTML_CAP:
        used = html.encode("utf-8", "replace")[:HTML_CAP].decode("utf-8", "ignore")
        tag_end = used.rfind(">")
        if tag_end > len(used) // 2:
            used = used[: tag_end + 1]
    markdown = html_to_markdown(used)
    shown = size if used is html else len(used.encode("utf-8", "replace"))
    if not whole and len(markdown) > MARKDOWN_CAP:
        cut = markdown.rfind("\n\n", 0, MARKDOWN_CAP)
        cut = cut if cut > MARKDOWN_CAP // 2 else MARKDOWN_CAP
        shown = shown * cut // len(markdown)
        markdown = markdown[:cut]
    return Source(markdown, "", shown < size, size, shown, used)


def split_markdown(markdown: str, first: int, rest: int = CHUNK_CHARS) -> list[str]:
    """Split ``markdown`` into chunks that render, joined by one blank line, as the whole.

    A chunk ends at a blank line between two top-level blocks once it holds
    ``first`` (then ``rest``) characters: never inside a code fence, and never
    where the next line could continue a list, quote, table, indented code or
    HTML block, nor after a thematic break (Rich puts no blank line after it).
    Text without such a boundary stays one chunk, which is always correct.
    """
    if _REFERENCE.search(markdown):
        return [markdown]
    lines = markdown.split("\n")
    chunks: list[str] = []
    start = size = 0
    target = first
    fence = ""  # the open code fence, if any
    html_end = ""  # what closes the open raw HTML block, if any
    previous = ""  # the last non-blank line
    for index, line in enumerate(lines):
        if fence:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
        elif html_end:
            if html_end in line.lower():
                html_end = ""
        elif match := _FENCE.match(line):
            opener = match.group(1)
            if not (opener[0] == "`" and "`" in line[match.end() :]):
                fence = opener
        elif match := _HTML_OPEN.match(line):
            closer = "-->" if match.group(2) else f"</{match.group(1).lower()}>"
            if closer not in line[match.end() :].lower():
                html_end = closer
        elif (
            size >= target
            and not line.strip()
            and index + 1 < len(lines)
            and lines[index + 1]
            and not _CONTINUES.match(lines[index + 1])
            and not _HR.match(previous)
        ):
            chunks.append("\n".join(lines[start:index]))
            start, size, target = index + 1, 0, rest
            continue
        size += len(line) + 1
        if line.strip():
            previous = line
    chunks.append("\n".join(lines[start:]))
    return chunks


__all__ = [
    "CHUNK_CHARS",
    "HEAD_MIN_CHARS",
    "HTML_CAP",
    "MARKDOWN_CAP",
    "NO_TEXT",
    "Source",
    "human_size",
    "prepare",
    "split_markdown",
]
