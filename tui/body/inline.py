"""Inline Markdown: a paragraph's text and markup tokens → escaped, well-formed Markdown.

Why a module of its own: this is where article text becomes safe. Every character of
text is escaped so it can never turn into Markdown structure, and emphasis is kept only
where markdown-it would recognise it (else a stray ``*`` would show); the writer in
:mod:`tui.body.markdown` only decides which tokens a paragraph holds.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from tui.body.budget import BAD_CHARS
from tui.body.text import SPACE_RUN, cjk_line_break

_SENT: Final = "\ufdd0"  # stands for a markup token inside a paragraph string
#: A CJK line break inside a paragraph string, where markup tokens may sit in the break.
CJK_NEWLINE: Final = cjk_line_break(_SENT)
#: Whitespace trimmed at the edges of a paragraph or line (ideographic space too).
EDGE_WS: Final = " \t\n\f\u00a0\u3000"

#: Every Markdown-active ASCII character that can appear mid-line ("!" because "!" + a
#: link would make an image); line-start markers are handled in escape.
_ESCAPE: Final = str.maketrans({c: "\\" + c for c in "\\`*_[]<&|~!"})
_LINE_START_NUM: Final = re.compile(r"^(\d{1,9})([.)])")
_URL_UNSAFE: Final = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C",
     "|": "%7C", "`": "%60", '"': "%22", "\n": "", "\t": ""}
)  # fmt: skip
_MD_WS: Final = frozenset(" \t\n\f\v\r\u00a0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


def escape(text: str, line_start: bool) -> str:
    """Escape article text so Markdown reads every character literally."""
    text = text.translate(_ESCAPE)
    if line_start and text:
        c = text[0]
        if c in "#>+=-":
            text = "\\" + text
        elif c.isdigit():
            text = _LINE_START_NUM.sub(r"\1\\\2", text, count=1)
    return text


def _is_punct(ch: str) -> bool:
    """markdown-it's notion of punctuation (Unicode P* and S*)."""
    return unicodedata.category(ch)[0] in "PS"


def clean_url(url: str | None) -> str | None:
    """A URL safe inside ``(...)`` and as visible text, or None to drop it.

    Script/data URLs and in-page anchors are useless in a terminal (and unsafe).
    """
    if not url:
        return None
    url = BAD_CHARS.sub("", url).strip()
    if not url or url.startswith("#"):
        return None
    scheme = re.sub(r"\s+", "", url[:40]).lower()  # browsers ignore "java\nscript:"
    if scheme.startswith(("javascript:", "vbscript:", "data:", "about:", "file:")):
        return None
    if url.startswith("//"):
        url = "https:" + url
    return url.translate(_URL_UNSAFE)


#: Box kinds (see :class:`Box`).
FLOW, LINE, LIST, TABLE = 0, 1, 2, 3
#: Mark kinds: emphasis open/close, raw Markdown, line break, link open/close.
M_OPEN, M_CLOSE, M_RAW, M_BR, M_LOPEN, M_LCLOSE = 0, 1, 2, 3, 4, 5


class Mark:
    """A piece of emitted Markdown inside a paragraph (not article text)."""

    __slots__ = ("alive", "kind", "text")

    def __init__(self, kind: int, text: str = "") -> None:
        self.kind = kind
        self.text = text
        self.alive = True


Token = str | Mark


class Box:
    """A container that collects inline tokens and finished blocks.

    FLOW boxes (root, blockquote, li) make paragraphs; LINE boxes (headings, table
    cells, captions) flatten everything to one line; LIST and TABLE collect items/rows.
    """

    __slots__ = (
        "block_roles", "blocks", "caption", "kind", "level", "links", "open_inlines",
        "ordered", "role", "rows", "span", "start", "tokens",
    )  # fmt: skip

    def __init__(self, kind: int, role: str) -> None:
        self.kind = kind
        self.role = role
        self.tokens: list[Token] = []
        self.blocks: list[str] = []
        self.block_roles: list[str] = []
        self.open_inlines: list[Inline] = []
        self.links = 0
        self.level = 0
        self.ordered = False
        self.start = 1
        self.rows: list[list[tuple[str, int, int]]] = []
        self.caption = ""
        self.span = (1, 1)


class Inline:
    """An open emphasis or link: where it began in its box's token list."""

    __slots__ = ("box", "delim", "start", "url")

    def __init__(self, box: Box, delim: str, url: str | None) -> None:
        self.box = box
        self.delim = delim
        self.url = url
        self.start = len(box.tokens)


def visible(tokens: list[Token]) -> bool:
    """True when the tokens show anything (text that is not just spaces, or a placeholder)."""
    for t in tokens:
        if isinstance(t, str):
            if t.strip(EDGE_WS):
                return True
        elif t.kind == M_RAW:
            return True
    return False


def close_inline(inl: Inline) -> None:
    """Wrap the tokens the inline collected in its Markdown, or leave them bare."""
    tokens = inl.box.tokens
    seg = tokens[inl.start :]
    if not visible(seg):
        return
    if inl.url is None:
        tokens.insert(inl.start, Mark(M_OPEN, inl.delim))
        tokens.append(Mark(M_CLOSE, inl.delim))
        return
    if all(isinstance(t, str) for t in seg):
        text = "".join(seg).strip(EDGE_WS)  # type: ignore[arg-type]
        if _same_url(text, inl.url):
            return  # the text already shows the URL: keep it as plain text
    tokens.insert(inl.start, Mark(M_LOPEN, "["))
    tokens.append(Mark(M_LCLOSE, "](" + inl.url + ")"))


def _same_url(text: str, url: str) -> bool:
    """Whether link text merely repeats its URL (so the plain text shows everything)."""
    return text.translate(_URL_UNSAFE).rstrip("/") == url.rstrip("/")


def _keep_sentinels(m: re.Match[str]) -> str:
    """Drop the whitespace of a CJK line break but keep the markup tokens inside it."""
    return _SENT * m.group().count(_SENT)


def collapse_space(s: str) -> str:
    """Collapse HTML whitespace runs to one space, dropping CJK line breaks (not a fold of case)."""
    if "\n" in s:
        s = CJK_NEWLINE.sub(_keep_sentinels, s)
    return SPACE_RUN.sub(" ", s)


def render_inline(tokens: list[Token], one_line: bool) -> str:
    """Turn a paragraph's tokens into escaped Markdown text."""
    if not any(isinstance(t, Mark) for t in tokens):
        s = collapse_space("".join(tokens)).strip(EDGE_WS)  # type: ignore[arg-type]
        return escape(s, True)
    marks = [t for t in tokens if isinstance(t, Mark)]
    s = collapse_space("".join(_SENT if isinstance(t, Mark) else t for t in tokens))
    pieces = s.split(_SENT)
    if len(pieces) != len(marks) + 1:  # cannot happen: text is sentinel-free
        plain = "".join(t for t in tokens if isinstance(t, str))
        return escape(collapse_space(plain).strip(), True)
    n = len(marks)
    # Whitespace belongs outside emphasis/link delimiters and never touches a break.
    for i in range(n - 1, -1, -1):
        m = marks[i]
        if m.kind in (M_OPEN, M_LOPEN) or m.kind == M_BR:
            nxt = pieces[i + 1]
            stripped = nxt.lstrip(" ")
            if len(stripped) != len(nxt):
                pieces[i + 1] = stripped
                if m.kind != M_BR and not pieces[i].endswith(" "):
                    pieces[i] += " "
    for i in range(n):
        m = marks[i]
        if m.kind in (M_CLOSE, M_LCLOSE) or m.kind == M_BR:
            prev = pieces[i]
            stripped = prev.rstrip(" ")
            if len(stripped) != len(prev):
                pieces[i] = stripped
                if m.kind != M_BR and not pieces[i + 1].startswith(" "):
                    pieces[i + 1] = " " + pieces[i + 1]
    # `**a****b**` → `**ab**`: merge a close directly followed by a reopen.
    for i in range(n - 1):
        a, b = marks[i], marks[i + 1]
        if a.kind == M_CLOSE and b.kind == M_OPEN and a.text == b.text and not pieces[i + 1]:
            a.alive = b.alive = False
    if one_line:
        for m in marks:
            if m.kind == M_BR:
                m.kind, m.text = M_RAW, " "
    # Escape the text; line-start rules apply after a break (marks are ignored for it).
    at_start = True
    for i, p in enumerate(pieces):
        if p:
            pieces[i] = escape(p.lstrip(EDGE_WS) if at_start else p, at_start)
            if pieces[i]:
                at_start = False
        if i < n:
            m = marks[i]
            if m.kind == M_BR:
                at_start = True
                pieces[i] = pieces[i].rstrip(EDGE_WS)
            elif m.kind == M_RAW and m.text.strip():
                at_start = False
    _check_emphasis(pieces, marks)
    return _join_lines(pieces, marks)


def _neighbour(pieces: list[str], marks: list[Mark], i: int, delim: str, left: bool) -> str:
    """The character markdown-it sees beside mark ``i``'s delimiter run."""
    step = -1 if left else 1
    # unit index: pieces are at even positions 2k, marks at odd 2k+1
    pos = 2 * i + 1 + step
    while 0 <= pos <= 2 * len(marks):
        if pos % 2 == 0:
            p = pieces[pos // 2]
            if p:
                return p[-1] if left else p[0]
        else:
            m = marks[pos // 2]
            if m.alive:
                if m.kind == M_BR:
                    return " "
                if m.kind in (M_OPEN, M_CLOSE) and m.text[0] == delim[0]:
                    pass  # part of the same delimiter run
                elif m.text:
                    ch = m.text[-1] if left else m.text[0]
                    # Nested rendered Markdown ending in the same delimiter would merge
                    # into one run that this model cannot predict: refuse the pair.
                    return _MERGED if ch == delim[0] else ch
        pos += step
    return " "


def _check_emphasis(pieces: list[str], marks: list[Mark]) -> None:
    """Drop emphasis pairs markdown-it would not recognise (they would show as ``*``)."""
    para = _para_indexes(pieces, marks)
    for _ in range(3):
        changed = False
        stack: list[int] = []
        for i, m in enumerate(marks):
            if not m.alive:
                continue
            if m.kind == M_OPEN:
                stack.append(i)
            elif m.kind == M_CLOSE and stack:
                j = stack.pop()
                o = marks[j]
                if not o.alive:
                    continue
                ok = para[j] == para[i]
                if ok:
                    before = _neighbour(pieces, marks, j, o.text, True)
                    after = _neighbour(pieces, marks, j, o.text, False)
                    ok = _can_open(before, after)
                if ok:
                    before = _neighbour(pieces, marks, i, m.text, True)
                    after = _neighbour(pieces, marks, i, m.text, False)
                    ok = _can_close(before, after)
                if not ok:
                    o.alive = m.alive = False
                    changed = True
        if not changed:
            return


def _para_indexes(pieces: list[str], marks: list[Mark]) -> list[int]:
    """For each mark, how many paragraph breaks (two line breaks in a row) precede it."""
    out: list[int] = []
    count = 0
    prev_br = False
    for k, m in enumerate(marks):
        if pieces[k].strip():
            prev_br = False
        out.append(count)
        if m.kind == M_BR:
            if prev_br:
                count += 1
            prev_br = True
        elif m.kind == M_RAW:
            prev_br = False
    return out


_MERGED: Final = "\x00"


def _can_open(before: str, after: str) -> bool:
    if after in _MD_WS or _MERGED in (before, after):
        return False
    return not _is_punct(after) or before in _MD_WS or _is_punct(before)


def _can_close(before: str, after: str) -> bool:
    if before in _MD_WS or _MERGED in (before, after):
        return False
    return not _is_punct(before) or after in _MD_WS or _is_punct(after)


def _join_lines(pieces: list[str], marks: list[Mark]) -> str:
    """Assemble pieces and live marks; one break is a hard break, two a new paragraph."""
    lines: list[str] = []
    cur: list[str] = [pieces[0]]
    for i, m in enumerate(marks):
        if m.kind == M_BR:
            lines.append("".join(cur).strip(EDGE_WS))
            cur = []
        elif m.alive:
            cur.append(m.text)
        cur.append(pieces[i + 1])
    lines.append("".join(cur).strip(EDGE_WS))
    out: list[str] = []
    blank = False
    for line in lines:
        if not line:
            blank = True
            continue
        if out:
            out.append("\n\n" if blank else "\\\n")
        out.append(line)
        blank = False
    return "".join(out)
