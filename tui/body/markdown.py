"""Article body conversion: raw HTML → Markdown (for reading) and → plain text (for search).

Why this is hand-rolled on selectolax/lexbor instead of BeautifulSoup + markdownify:
bodies are converted on demand while the user scrolls and, for search, for up to
100,000 articles, so the parse must be C-backed (lexbor is an HTML5 parser, so broken
markup is repaired the way browsers do, and deep nesting does not truncate the
document as libxml2 does past depth 255).  The tree is walked iteratively (an explicit
stack, never recursion) so 5,000-level nesting cannot raise ``RecursionError``.

The Markdown is rendered later by Rich (markdown-it), so every piece of article text
is escaped: text can never become Markdown structure or raw HTML, and the only
structure in the output is what this module emits on purpose.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "MAX_BLOCK_WORK",
    "MAX_HTML_CHARS",
    "MAX_NODES",
    "MAX_PARSE_DEPTH",
    "TRUNCATED_NOTE",
    "html_to_markdown",
    "html_to_text",
]

# --------------------------------------------------------------------------- cleaning

#: C0/C1 controls (minus tab/newline), DEL, BOM and the noncharacters U+FDD0..U+FDEF
#: (used internally as sentinels, so they must never come from the article).
_BAD_CHARS: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufeff]")
_BAD_IN_OUTPUT: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef]")
_SENT: Final = "\ufdd0"  # stands for a markup token inside a paragraph string
_BLOCK_SENT: Final = "\ufdd1"  # block boundary in html_to_text
_MAX_CONTAINER_DEPTH: Final = 24  # deeper quotes/lists are flattened (bounds the work)
_MAX_INLINE_DEPTH: Final = 6

_CJK: Final = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff9f\uffe0-\uffef"
    "\U00020000-\U0003ffff"
)
#: A source line break between two CJK characters is not a word break: drop it
#: (CSS Text 3 segment-break rule) instead of folding it into a space.
#: The first run excludes "\n" so the pattern is unambiguous: with "\n" in both runs, a
#: long run of newlines after a CJK character backtracks quadratically (40 KB: 13 s).
_CJK_NEWLINE: Final = re.compile(f"(?<=[{_CJK}])[ \t\f{_SENT}]*\n[ \t\n\f{_SENT}]*(?=[{_CJK}])")
_CJK_NEWLINE_TEXT: Final = re.compile(f"(?<=[{_CJK}])[ \t\f]*\n[ \t\n\f]*(?=[{_CJK}])")
#: HTML whitespace (plus NBSP, which articles use for layout) folds to one space.
_WS_RUN: Final = re.compile("[ \t\n\f\u00a0]+")
_EDGE_WS: Final = " \t\n\f\u00a0\u3000"


def _sanitize(html: str) -> str:
    """Normalise line ends, drop control characters, turn U+2028/9 into line breaks."""
    if "\r" in html:
        html = html.replace("\r\n", "\n").replace("\r", "\n")
    html = _BAD_CHARS.sub("", html)
    if "\u2028" in html or "\u2029" in html:
        html = html.replace("\u2028", "<br>").replace("\u2029", "<br><br>")
    return html


# --------------------------------------------------------------------------- budgets

#: Characters of HTML converted at most (the largest real article is ~380 KB; the
#: reader caps what it shows long before this). The rest is cut, with a notice.
#: With :data:`MAX_NODES`, this keeps the worst dense body under ~2 s of conversion.
MAX_HTML_CHARS: Final = 3_000_000
#: Nodes the Markdown walk visits at most: a dense body (10 MB of ``<b>x</b>``) would
#: otherwise take seconds. Real articles have a few thousand.
MAX_NODES: Final = 350_000
#: Characters of nested list items and quotes re-indented at most. Each level of
#: nesting copies its contents with a longer indent, so hostile markup (10,000 list
#: items each opening another list) turned 2.7 MB of HTML into 27 MB of Markdown in
#: 11 s; real articles use well under 1% of this.
MAX_BLOCK_WORK: Final = 8_000_000
#: Open elements kept at most before parsing: lexbor's tree builder scans its stack of
#: open elements for some start tags (``div``, ``dd``, ``li``...), which is quadratic in
#: the nesting depth (100,000 nested ``<div>``: 11 s). Deeper tags are dropped, their
#: text kept. Real articles nest a few dozen deep.
MAX_PARSE_DEPTH: Final = 512
#: Shown (as its own paragraph) where a body was cut by a budget.
TRUNCATED_NOTE: Final = "(truncated: the rest of this article is too long or too complex to show)"

_TAG: Final = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")
#: Elements that never hold children, or that the parser closes implicitly when a
#: sibling starts (so a run of them does not nest): not counted as depth.
_NOT_NESTING: Final = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "option",
        "optgroup", "rb", "rt", "rp", "rtc", "tr", "td", "th", "thead", "tbody", "tfoot",
        "colgroup", "html", "head", "body",
    }
)  # fmt: skip


def _flatten_deep(html: str, limit: int = MAX_PARSE_DEPTH) -> str:
    """Drop the start and end tags that would nest deeper than ``limit``; keep all text.

    A cheap, approximate stack of open elements (no parser): an end tag closes the
    nearest open element of its name and everything opened after it, as the parser
    does; an end tag with no open element of its name is ignored (the parser ignores
    it too), so a run of stray ``</h1>`` cannot hide 10,000 nested ``<ol>`` (seen by
    fuzzing: 2 s to convert 640 KB). It may overestimate the depth of broken markup,
    which at worst flattens structure beyond ``limit`` levels, never text.
    """
    if html.count("<") <= limit:
        return html
    stack: list[str] = []
    open_count: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []
    for m in _TAG.finditer(html):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _NOT_NESTING or (selfclosing and not closing):
            continue
        if closing:
            if not open_count.get(name):
                continue
            while True:
                top = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
            if len(stack) >= limit:
                cuts.append(m.span())
        else:
            if len(stack) >= limit:
                cuts.append(m.span())
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
    if not cuts:
        return html
    parts: list[str] = []
    last = 0
    for start, end in cuts:
        parts.append(html[last:start])
        last = end
    parts.append(html[last:])
    return "".join(parts)


def _budget(html: str) -> tuple[str, bool]:
    """Cut ``html`` to :data:`MAX_HTML_CHARS` (at a tag boundary) and flatten deep nesting.

    Returns the HTML to parse and whether it was cut.
    """
    cut = False
    if len(html) > MAX_HTML_CHARS:
        end = html.rfind("<", MAX_HTML_CHARS - 10_000, MAX_HTML_CHARS)
        html = html[: end if end > 0 else MAX_HTML_CHARS]
        cut = True
    return _flatten_deep(html), cut


def _parse(html: str) -> tuple[LexborHTMLParser, LexborNode] | None:
    """Parse into (tree, content root); None when there is nothing to parse."""
    if not html or html.isspace():
        return None
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return None
    return tree, root


# --------------------------------------------------------------------------- tag tables

#: Elements whose whole subtree is dropped from both outputs.
_DROP: Final = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "base",
        "svg", "canvas", "math", "input", "button", "select", "textarea", "option",
        "optgroup", "datalist", "map", "area", "param", "source", "track", "dialog",
        "frameset", "frame", "applet", "-comment",
    }
)  # fmt: skip
_MEDIA: Final = frozenset({"iframe", "video", "audio", "embed", "object"})
#: Elements that start and end a block (paragraph boundary) but need no frame.
_BLOCK: Final = frozenset(
    {
        "p", "div", "section", "article", "aside", "header", "footer", "nav", "main",
        "address", "center", "details", "summary", "dl", "dt", "dd", "fieldset",
        "legend", "form", "hgroup", "figure", "menu", "dir", "body", "html", "tbody",
        "thead", "tfoot", "tr", "td", "th", "table", "caption", "colgroup", "col",
        "picture", "output", "search", "marquee", "noframes",
    }
)  # fmt: skip
_HEADINGS: Final = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_EMPH: Final = {
    "strong": "**", "b": "**", "em": "*", "i": "*", "cite": "*", "dfn": "*",
    "del": "~~", "s": "~~", "strike": "~~",
}  # fmt: skip
_CODE: Final = frozenset({"code", "kbd", "samp", "tt"})
_TEXT_BLOCKS: Final = (
    "p,div,section,article,aside,header,footer,nav,main,address,center,details,summary,"
    "dl,dt,dd,fieldset,legend,form,hgroup,figure,figcaption,menu,dir,table,caption,tr,td,"
    "th,ul,ol,li,blockquote,pre,h1,h2,h3,h4,h5,h6,hr,br"
)
_TEXT_DROP: Final = ",".join(sorted(t for t in _DROP | _MEDIA if not t.startswith("-")))

_TRACKER_HOSTS: Final = re.compile(
    r"^(?:[\w-]+\.)*(?:doubleclick\.net|google-analytics\.com|googletagmanager\.com"
    r"|scorecardresearch\.com|quantserve\.com|pixel\.wp\.com|stats\.wp\.com"
    r"|feeds\.feedburner\.com|feedproxy\.google\.com|feedsportal\.com|bat\.bing\.com"
    r"|mc\.yandex\.ru|counter\.yadro\.ru|hm\.baidu\.com|cnzz\.com|statcounter\.com"
    r"|pixel\.mathtag\.com|analytics\.twitter\.com|ad\.doubleclick\.net"
    r"|pixel\.facebook\.com|facebook\.com/tr|piwik\.[\w.]+|matomo\.[\w.]+)(?:[/:?#]|$)",
    re.IGNORECASE,
)
_VIDEO_HOSTS: Final = re.compile(
    r"youtube\.com|youtu\.be|vimeo\.com|bilibili\.com|dailymotion\.com|youku\.com|"
    r"v\.qq\.com|ixigua\.com|tiktok\.com",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- escaping

#: Every Markdown-active ASCII character that can appear mid-line ("!" because "!" + a
#: link would make an image); line-start markers are handled in _escape.
_ESCAPE: Final = str.maketrans({c: "\\" + c for c in "\\`*_[]<&|~!"})
_LINE_START_NUM: Final = re.compile(r"^(\d{1,9})([.)])")
_URL_UNSAFE: Final = str.maketrans(
    {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C",
     "|": "%7C", "`": "%60", '"': "%22", "\n": "", "\t": ""}
)  # fmt: skip
_MD_WS: Final = frozenset(" \t\n\f\v\r\u00a0\u1680\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


def _escape(text: str, line_start: bool) -> str:
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


def _clean_url(url: str | None) -> str | None:
    """A URL safe inside ``(...)`` and as visible text, or None to drop it.

    Script/data URLs and in-page anchors are useless in a terminal (and unsafe).
    """
    if not url:
        return None
    url = _BAD_CHARS.sub("", url).strip()
    if not url or url.startswith("#"):
        return None
    scheme = re.sub(r"\s+", "", url[:40]).lower()  # browsers ignore "java\nscript:"
    if scheme.startswith(("javascript:", "vbscript:", "data:", "about:", "file:")):
        return None
    if url.startswith("//"):
        url = "https:" + url
    return url.translate(_URL_UNSAFE)


# --------------------------------------------------------------------------- frames

_FLOW, _LINE, _LIST, _TABLE = 0, 1, 2, 3
_M_OPEN, _M_CLOSE, _M_RAW, _M_BR, _M_LOPEN, _M_LCLOSE = 0, 1, 2, 3, 4, 5


class _Mark:
    """A piece of emitted Markdown inside a paragraph (not article text)."""

    __slots__ = ("alive", "kind", "text")

    def __init__(self, kind: int, text: str = "") -> None:
        self.kind = kind
        self.text = text
        self.alive = True


_Token = str | _Mark


class _Box:
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
        self.tokens: list[_Token] = []
        self.blocks: list[str] = []
        self.block_roles: list[str] = []
        self.open_inlines: list[_Inline] = []
        self.links = 0
        self.level = 0
        self.ordered = False
        self.start = 1
        self.rows: list[list[tuple[str, int, int]]] = []
        self.caption = ""
        self.span = (1, 1)


class _Inline:
    """An open emphasis or link: where it began in its box's token list."""

    __slots__ = ("box", "delim", "start", "url")

    def __init__(self, box: _Box, delim: str, url: str | None) -> None:
        self.box = box
        self.delim = delim
        self.url = url
        self.start = len(box.tokens)


def _visible(tokens: list[_Token]) -> bool:
    """True when the tokens show anything (text that is not just spaces, or a placeholder)."""
    for t in tokens:
        if isinstance(t, str):
            if t.strip(_EDGE_WS):
                return True
        elif t.kind == _M_RAW:
            return True
    return False


def _close_inline(inl: _Inline) -> None:
    """Wrap the tokens the inline collected in its Markdown, or leave them bare."""
    tokens = inl.box.tokens
    seg = tokens[inl.start :]
    if not _visible(seg):
        return
    if inl.url is None:
        tokens.insert(inl.start, _Mark(_M_OPEN, inl.delim))
        tokens.append(_Mark(_M_CLOSE, inl.delim))
        return
    if all(isinstance(t, str) for t in seg):
        text = "".join(seg).strip(_EDGE_WS)  # type: ignore[arg-type]
        if _same_url(text, inl.url):
            return  # the text already shows the URL: keep it as plain text
    tokens.insert(inl.start, _Mark(_M_LOPEN, "["))
    tokens.append(_Mark(_M_LCLOSE, "](" + inl.url + ")"))


def _same_url(text: str, url: str) -> bool:
    """Whether link text merely repeats its URL (so the plain text shows everything)."""
    return text.translate(_URL_UNSAFE).rstrip("/") == url.rstrip("/")


# --------------------------------------------------------------------------- paragraphs


def _keep_sentinels(m: re.Match[str]) -> str:
    """Drop the whitespace of a CJK line break but keep the markup tokens inside it."""
    return _SENT * m.group().count(_SENT)


def _fold(s: str) -> str:
    """HTML whitespace folding that keeps CJK text together."""
    if "\n" in s:
        s = _CJK_NEWLINE.sub(_keep_sentinels, s)
    return _WS_RUN.sub(" ", s)


def _render_inline(tokens: list[_Token], one_line: bool) -> str:
    """Turn a paragraph's tokens into escaped Markdown text."""
    if not any(isinstance(t, _Mark) for t in tokens):
        s = _fold("".join(tokens)).strip(_EDGE_WS)  # type: ignore[arg-type]
        return _escape(s, True)
    marks = [t for t in tokens if isinstance(t, _Mark)]
    s = _fold("".join(_SENT if isinstance(t, _Mark) else t for t in tokens))
    pieces = s.split(_SENT)
    if len(pieces) != len(marks) + 1:  # cannot happen: text is sentinel-free
        return _escape(_fold("".join(t for t in tokens if isinstance(t, str))).strip(), True)
    n = len(marks)
    # Whitespace belongs outside emphasis/link delimiters and never touches a break.
    for i in range(n - 1, -1, -1):
        m = marks[i]
        if m.kind in (_M_OPEN, _M_LOPEN) or m.kind == _M_BR:
            nxt = pieces[i + 1]
            stripped = nxt.lstrip(" ")
            if len(stripped) != len(nxt):
                pieces[i + 1] = stripped
                if m.kind != _M_BR and not pieces[i].endswith(" "):
                    pieces[i] += " "
    for i in range(n):
        m = marks[i]
        if m.kind in (_M_CLOSE, _M_LCLOSE) or m.kind == _M_BR:
            prev = pieces[i]
            stripped = prev.rstrip(" ")
            if len(stripped) != len(prev):
                pieces[i] = stripped
                if m.kind != _M_BR and not pieces[i + 1].startswith(" "):
                    pieces[i + 1] = " " + pieces[i + 1]
    # `**a****b**` → `**ab**`: merge a close directly followed by a reopen.
    for i in range(n - 1):
        a, b = marks[i], marks[i + 1]
        if a.kind == _M_CLOSE and b.kind == _M_OPEN and a.text == b.text and not pieces[i + 1]:
            a.alive = b.alive = False
    if one_line:
        for m in marks:
            if m.kind == _M_BR:
                m.kind, m.text = _M_RAW, " "
    # Escape the text; line-start rules apply after a break (marks are ignored for it).
    at_start = True
    for i, p in enumerate(pieces):
        if p:
            pieces[i] = _escape(p.lstrip(_EDGE_WS) if at_start else p, at_start)
            if pieces[i]:
                at_start = False
        if i < n:
            m = marks[i]
            if m.kind == _M_BR:
                at_start = True
                pieces[i] = pieces[i].rstrip(_EDGE_WS)
            elif m.kind == _M_RAW and m.text.strip():
                at_start = False
    _check_emphasis(pieces, marks)
    return _join_lines(pieces, marks)


def _neighbour(pieces: list[str], marks: list[_Mark], i: int, delim: str, left: bool) -> str:
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
                if m.kind == _M_BR:
                    return " "
                if m.kind in (_M_OPEN, _M_CLOSE) and m.text[0] == delim[0]:
                    pass  # part of the same delimiter run
                elif m.text:
                    ch = m.text[-1] if left else m.text[0]
                    # Nested rendered Markdown ending in the same delimiter would merge
                    # into one run that this model cannot predict: refuse the pair.
                    return _MERGED if ch == delim[0] else ch
        pos += step
    return " "


def _check_emphasis(pieces: list[str], marks: list[_Mark]) -> None:
    """Drop emphasis pairs markdown-it would not recognise (they would show as ``*``)."""
    para = _para_indexes(pieces, marks)
    for _ in range(3):
        changed = False
        stack: list[int] = []
        for i, m in enumerate(marks):
            if not m.alive:
                continue
            if m.kind == _M_OPEN:
                stack.append(i)
            elif m.kind == _M_CLOSE and stack:
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


def _para_indexes(pieces: list[str], marks: list[_Mark]) -> list[int]:
    """For each mark, how many paragraph breaks (two line breaks in a row) precede it."""
    out: list[int] = []
    count = 0
    prev_br = False
    for k, m in enumerate(marks):
        if pieces[k].strip():
            prev_br = False
        out.append(count)
        if m.kind == _M_BR:
            if prev_br:
                count += 1
            prev_br = True
        elif m.kind == _M_RAW:
            prev_br = False
    return out


_MERGED: Final = "\x00"
_CLOSING_HASHES: Final = re.compile(r"((?:^|\s)#*)#$")


def _can_open(before: str, after: str) -> bool:
    if after in _MD_WS or _MERGED in (before, after):
        return False
    return not _is_punct(after) or before in _MD_WS or _is_punct(before)


def _can_close(before: str, after: str) -> bool:
    if before in _MD_WS or _MERGED in (before, after):
        return False
    return not _is_punct(before) or after in _MD_WS or _is_punct(after)


def _join_lines(pieces: list[str], marks: list[_Mark]) -> str:
    """Assemble pieces and live marks; one break is a hard break, two a new paragraph."""
    lines: list[str] = []
    cur: list[str] = [pieces[0]]
    for i, m in enumerate(marks):
        if m.kind == _M_BR:
            lines.append("".join(cur).strip(_EDGE_WS))
            cur = []
        elif m.alive:
            cur.append(m.text)
        cur.append(pieces[i + 1])
    lines.append("".join(cur).strip(_EDGE_WS))
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


# --------------------------------------------------------------------------- walker


class _MarkdownWriter:
    """Walks the lexbor tree once, iteratively, and assembles Markdown."""

    def __init__(self, clean_text: bool) -> None:
        self.clean_text = clean_text
        self.root = _Box(_FLOW, "root")
        self.boxes: list[_Box] = [self.root]
        #: Characters of finished lists, items and quotes handed to their parents:
        #: each nesting level re-indents its contents (see :data:`MAX_BLOCK_WORK`).
        self.block_work = 0
        self.over_budget = False

    # -- block plumbing -------------------------------------------------------------

    @property
    def box(self) -> _Box:
        return self.boxes[-1]

    def flush(self) -> None:
        """End the current paragraph of the innermost box."""
        box = self.boxes[-1]
        if box.kind == _LINE:
            if box.tokens:
                box.tokens.append(" ")
            return
        if not box.tokens:
            return
        opened = box.open_inlines
        for inl in reversed(opened):
            _close_inline(inl)
        text = _render_inline(box.tokens, False) if _visible(box.tokens) else ""
        box.tokens = []
        for inl in opened:
            inl.start = 0
        if text and text != "Array":  # "Array": a PHP feed-generator artifact
            self.add_block(box, text, "p")

    def add_block(self, box: _Box, text: str, role: str) -> None:
        """Put a finished block into ``box`` the way that box lays blocks out."""
        if box.kind == _FLOW:
            box.blocks.append(text)
            box.block_roles.append(role)
        elif box.kind == _LIST:
            if role == "list" and box.blocks:
                box.blocks[-1] += "\n" + text
            else:
                box.blocks.append(text)
        elif box.kind == _LINE:
            box.tokens += [" ", _Mark(_M_RAW, _one_line(text)), " "]
        else:  # table: stray blocks (foster-parented) go before it
            box.blocks.append(text)

    def push(self, kind: int, role: str) -> _Box | None:
        """Open a container, unless nesting is already too deep to be useful."""
        if len(self.boxes) > _MAX_CONTAINER_DEPTH:
            self.flush()
            return None
        self.flush()
        box = _Box(kind, role)
        self.boxes.append(box)
        return box

    def pop(self, box: _Box) -> None:
        """Close ``box`` and hand its rendering to the parent."""
        if self.boxes[-1] is not box:  # defensive: never unbalance the stack
            return
        self.flush()
        self.boxes.pop()
        parent = self.boxes[-1]
        role = box.role
        if role in ("li", "quote", "list"):
            self.block_work += sum(map(len, box.blocks))
            if self.block_work > MAX_BLOCK_WORK:
                self.over_budget = True
                return  # its contents are dropped; the result says it was truncated
        if role == "li":
            text = _join_item_blocks(box)
            if parent.kind == _LIST:
                if text:
                    parent.blocks.append(text)
            elif text:
                self.flush()
                self.add_block(parent, _list_item("-", text), "list")
        elif role == "quote":
            if box.blocks:
                self.add_block(parent, _prefix_lines("\n\n".join(box.blocks), "> ", ">"), "quote")
        elif role == "list":
            if box.blocks:
                self.add_block(parent, _render_list(box), "list")
        elif role == "heading":
            text = _one_line(_render_inline(box.tokens, True))
            if text:
                text = _CLOSING_HASHES.sub(r"\1\\#", text)  # not an ATX closing sequence
                if parent.kind == _LINE:
                    parent.tokens += [" ", _Mark(_M_RAW, text), " "]
                else:
                    self.add_block(parent, "#" * box.level + " " + text, "heading")
        elif role in ("cell", "caption", "figcaption"):
            tokens = box.tokens
            if role != "cell" and not any(isinstance(t, _Mark) for t in tokens):
                tokens = [_Mark(_M_OPEN, "*"), *tokens, _Mark(_M_CLOSE, "*")]  # italic caption
            text = _one_line(_render_inline(tokens, True))
            if role == "cell":
                if parent.kind == _TABLE:
                    if not parent.rows:
                        parent.rows.append([])
                    parent.rows[-1].append((text, box.span[0], box.span[1]))
                elif text:
                    self.add_block(parent, text, "p")
            elif text:
                if parent.kind == _TABLE:
                    parent.caption = text
                else:
                    self.add_block(parent, text, "p")
        elif role == "table":
            rendered = _render_table(box)
            for block in box.blocks:
                self.add_block(parent, block, "p")
            if box.caption:
                self.add_block(parent, box.caption, "p")
            if rendered:
                self.add_block(parent, rendered, "table")

    # -- inline plumbing ------------------------------------------------------------

    def text(self, t: str) -> None:
        box = self.boxes[-1]
        if box.kind == _TABLE:
            return
        if self.clean_text:
            t = _BAD_CHARS.sub("", t)
        box.tokens.append(t)

    def raw(self, text: str, pad: bool = False) -> None:
        box = self.boxes[-1]
        if box.kind != _TABLE:
            if pad:
                box.tokens += [" ", _Mark(_M_RAW, text), " "]
            else:
                box.tokens.append(_Mark(_M_RAW, text))

    def block_or_inline(self, text: str) -> None:
        """Placeholders stand alone as a paragraph unless they sit inside inline markup."""
        box = self.boxes[-1]
        if box.kind == _LINE or box.open_inlines:
            self.raw(text, pad=True)
        else:
            self.flush()
            self.add_block(box, text, "p")

    # -- the walk -------------------------------------------------------------------

    def run(self, root: LexborNode, truncated: bool = False) -> str:
        ends: list[object] = []  # per open element: what to do at its end
        node = root.first_child
        depth = 0
        budget = MAX_NODES
        while node is not None:
            budget -= 1
            if budget < 0 or self.over_budget:
                truncated = True
                break
            action, descend = self.start(node)
            child = node.first_child if descend else None
            if child is not None:
                ends.append(action)
                depth += 1
                node = child
                continue
            self.end(action)
            while True:
                nxt = node.next
                if nxt is not None:
                    node = nxt
                    break
                if depth == 0:
                    node = None
                    break
                node = node.parent
                depth -= 1
                self.end(ends.pop())
                if node is None:
                    break
        while self.boxes[-1] is not self.root:
            self.pop(self.boxes[-1])
        self.flush()
        if truncated or self.over_budget:
            self.root.blocks.append("*" + _escape(TRUNCATED_NOTE, True) + "*")
        return _finish(self.root.blocks)

    def start(self, node: LexborNode) -> tuple[object, bool]:
        """Handle an element's start; return (end action, whether to walk its children)."""
        tag = node.tag
        if tag == "-text":
            t = node.text_content
            if t:
                self.text(t)
            return None, False
        if tag is None or tag in _DROP:
            return None, False
        if tag in _EMPH or tag == "a":
            return self.start_inline(node, tag), True
        if tag in _BLOCK:
            return self.start_block(node, tag)
        if tag == "br":
            self.line_break()
            return None, False
        if tag == "img":
            self.image(node)
            return None, False
        if tag in _HEADINGS:
            box = self.push(_LINE, "heading")
            if box is not None:
                box.level = _HEADINGS[tag]
            return box or "flush", True
        if tag in ("ul", "ol"):
            box = self.push(_LIST, "list")
            if box is not None and tag == "ol":
                box.ordered = True
                box.start = _int_attr(node, "start", 1, 0, 999_999_999)
            return box or "flush", True
        if tag == "li":
            return self.push(_FLOW, "li") or "flush", True
        if tag == "blockquote":
            return self.push(_FLOW, "quote") or "flush", True
        if tag == "figcaption":
            return self.push(_LINE, "figcaption") or "flush", True
        if tag == "pre":
            self.pre(node)
            return None, False
        if tag in _CODE:
            self.code(node)
            return None, False
        if tag == "hr":
            self.flush()
            self.add_block(self.boxes[-1], "---", "hr")
            return None, False
        if tag in _MEDIA:
            self.media(node, tag)
            return None, False
        return None, True  # span, font, small, sup, unknown: transparent

    def start_block(self, node: LexborNode, tag: str) -> tuple[object, bool]:
        box = self.boxes[-1]
        if tag == "table":
            if _is_data_table(node):
                table = self.push(_TABLE, "table")
                if table is not None:
                    return table, True
            self.flush()
            return "flush", True
        if box.kind == _TABLE:
            if tag == "tr":
                box.rows.append([])
                return None, True
            if tag in ("td", "th"):
                cell = self.push(_LINE, "cell")
                if cell is not None:
                    cell.span = (
                        _int_attr(node, "colspan", 1, 1, 50),
                        _int_attr(node, "rowspan", 1, 1, 500),
                    )
                return cell or "flush", True
            if tag == "caption":
                return self.push(_LINE, "caption") or "flush", True
            return None, True  # tbody/thead/tfoot/colgroup
        self.flush()
        return "flush", True

    def end(self, action: object) -> None:
        if action is None:
            return
        if action == "flush":
            self.flush()
        elif isinstance(action, _Box):
            self.pop(action)
        elif isinstance(action, _Inline):
            box = action.box
            if action in box.open_inlines:
                box.open_inlines.remove(action)
                if action.url is not None:
                    box.links -= 1
                _close_inline(action)

    def start_inline(self, node: LexborNode, tag: str) -> _Inline | None:
        box = self.boxes[-1]
        if box.kind == _TABLE or len(box.open_inlines) >= _MAX_INLINE_DEPTH:
            return None
        if tag == "a":
            if box.links:
                return None  # no links inside links
            url = _clean_url(node.attributes.get("href"))
            if url is None:
                return None
            inl = _Inline(box, "", url)
            box.links += 1
        else:
            delim = _EMPH[tag]
            if any(o.delim == delim for o in box.open_inlines):
                return None  # bold inside bold adds nothing but delimiter noise
            inl = _Inline(box, delim, None)
        box.open_inlines.append(inl)
        return inl

    def line_break(self) -> None:
        box = self.boxes[-1]
        if box.kind == _LINE or box.links:
            box.tokens.append(" ")
        elif box.kind != _TABLE:
            box.tokens.append(_Mark(_M_BR))

    # -- leaves ---------------------------------------------------------------------

    def image(self, node: LexborNode) -> None:
        attrs = node.attributes
        if _is_tracker(attrs):
            return
        alt = _one_line_text(attrs.get("alt") or attrs.get("title") or "")
        raw_src = _image_src(attrs)
        cls = (attrs.get("class") or "").lower()
        if alt and ("emoji" in cls or "smiley" in cls or (len(alt) <= 2 and not alt.isalnum())):
            self.text(alt)
            return
        if raw_src is not None and raw_src.strip().lower().startswith("data:"):
            where = "embedded image"
        else:
            where = _clean_url(raw_src) or ""
            if not where and not alt:
                return
        self.block_or_inline(_placeholder("🖼", "image", alt, where))

    def media(self, node: LexborNode, tag: str) -> None:
        attrs = node.attributes
        src = attrs.get("src") or attrs.get("data-src") or attrs.get("data")
        if not src and tag in ("video", "audio"):
            for child in node.iter():
                if child.tag == "source":
                    src = child.attributes.get("src")
                    if src:
                        break
        if tag == "iframe" and _is_tracker(attrs):
            return
        url = _clean_url(src) or ""
        title = _one_line_text(attrs.get("title") or attrs.get("aria-label") or "")
        if not url and not title:
            return
        if tag == "audio":
            icon, label = "🔊", "audio"
        elif tag == "video" or _VIDEO_HOSTS.search(url):
            icon, label = "▶", "video"
        else:
            icon, label = "⧉", "embed"
        self.block_or_inline(_placeholder(icon, label, title, url))

    def pre(self, node: LexborNode) -> None:
        code = _gather_text(node, keep_breaks=True)
        if self.clean_text:
            code = _BAD_CHARS.sub("", code)
        if code.startswith("\n"):
            code = code[1:]
        code = code.rstrip()
        if not code.strip():
            return
        box = self.boxes[-1]
        if box.kind == _LINE or box.open_inlines:
            self.raw(_code_span(_WS_RUN.sub(" ", code).strip()))
            return
        lang = _code_lang(node)
        fence = "`" * max(3, _longest_run(code, "`") + 1)
        self.flush()
        self.add_block(box, f"{fence}{lang}\n{code}\n{fence}", "pre")

    def code(self, node: LexborNode) -> None:
        code = _gather_text(node, keep_breaks=False)
        if self.clean_text:
            code = _BAD_CHARS.sub("", code)
        code = _fold(code).strip(_EDGE_WS)
        if code:
            self.raw(_code_span(code))


# --------------------------------------------------------------------------- helpers


def _int_attr(node: LexborNode, name: str, default: int, low: int, high: int) -> int:
    value = node.attributes.get(name)
    if not value:
        return default
    m = re.match(r"\s*(\d{1,9})", value)
    if not m:
        return default
    return min(max(int(m.group(1)), low), high)


def _one_line(text: str) -> str:
    """Flatten rendered Markdown to one line (table cells, headings)."""
    if "\n" in text:
        text = re.sub(r"\\?\n+", " ", text)
    return text.strip()


def _one_line_text(text: str) -> str:
    return _fold(_BAD_CHARS.sub("", text)).strip(_EDGE_WS)


def _placeholder(icon: str, label: str, title: str, where: str) -> str:
    """A visible, escaped stand-in for media the terminal cannot show."""
    out = f"{icon} {label}"
    if title:
        out += ": " + title
    if where:
        out += " — " + where
    return _escape(out, True)


def _image_src(attrs: dict[str, str | None]) -> str | None:
    src = attrs.get("src")
    if not src or src.strip().lower().startswith("data:"):
        for lazy in ("data-src", "data-original", "data-lazy-src", "data-actualsrc"):
            alt_src = attrs.get(lazy)
            if alt_src and not alt_src.strip().lower().startswith("data:"):
                return alt_src
        srcset = attrs.get("srcset") or attrs.get("data-srcset")
        if srcset and srcset.strip():
            first = srcset.strip().split(",")[0].split()
            if first and not first[0].lower().startswith("data:"):
                return first[0]
    return src


def _is_tracker(attrs: dict[str, str | None]) -> bool:
    """Tracking pixels: 0/1-pixel images, hidden images and known tracker hosts."""
    for dim in ("width", "height"):
        v = (attrs.get(dim) or "").strip().lower().removesuffix("px").strip()
        if v in ("0", "1"):
            return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    src = (attrs.get("src") or "").strip()
    src = re.sub(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//", "", src)
    return bool(_TRACKER_HOSTS.match(src))


def _gather_text(node: LexborNode, keep_breaks: bool) -> str:
    """Text of a subtree (iterative walk), without dropped elements; ``<br>`` as newline."""
    parts: list[str] = []
    stack: list[LexborNode] = []
    child = node.first_child
    while child is not None or stack:
        if child is None:
            child = stack.pop().next
            continue
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")
        elif tag == "br":
            if keep_breaks:
                parts.append("\n")
        elif tag not in _DROP and tag not in _MEDIA and child.first_child is not None:
            stack.append(child)
            child = child.first_child
            continue
        child = child.next
    return "".join(parts)


def _code_lang(node: LexborNode) -> str:
    classes = node.attributes.get("class") or ""
    child = node.first_child
    if child is not None and child.tag == "code":
        classes += " " + (child.attributes.get("class") or "")
    m = re.search(r"(?:lang(?:uage)?-)([A-Za-z0-9_+#.-]{1,30})", classes)
    return re.sub(r"[^A-Za-z0-9_+-]", "", m.group(1)) if m else ""


def _longest_run(text: str, ch: str) -> int:
    runs = re.findall(re.escape(ch) + "+", text)
    return max((len(r) for r in runs), default=0)


def _code_span(code: str) -> str:
    ticks = "`" * (_longest_run(code, "`") + 1)
    if code.startswith(("`", " ")) or code.endswith(("`", " ")):
        code = " " + code + " "
    return ticks + code + ticks


def _prefix_lines(text: str, prefix: str, blank: str) -> str:
    return "\n".join(prefix + line if line else blank for line in text.split("\n"))


def _list_item(marker: str, text: str) -> str:
    """A list item: marker on the first line, continuation lines indented under it."""
    pad = " " * (len(marker) + 1)
    first, _, rest = text.partition("\n")
    if not rest:
        return marker + " " + first
    return marker + " " + first + "\n" + _prefix_lines(rest, pad, "")


def _join_item_blocks(box: _Box) -> str:
    """A list item's blocks: a nested list follows its line directly (keeps lists tight)."""
    out: list[str] = []
    for block, role in zip(box.blocks, box.block_roles, strict=True):
        if out:
            out.append("\n" if role == "list" else "\n\n")
        out.append(block)
    return "".join(out)


def _render_list(box: _Box) -> str:
    items = [b for b in box.blocks if b]
    out = []
    for n, item in enumerate(items):
        marker = f"{min(box.start + n, 999_999_999)}." if box.ordered else "-"
        out.append(_list_item(marker, item))
    loose = any("\n\n" in item for item in items)
    return ("\n\n" if loose else "\n").join(out)


def _is_data_table(node: LexborNode) -> bool:
    """Tell a table of data (render as a pipe table) from a layout table (render as blocks)."""
    rows = 0
    max_cols = 0
    cols = 0
    first = True
    for n in node.traverse():
        tag = n.tag
        if first:
            first = False
            continue
        if tag in (
            "table", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
            "dl", "figure", "iframe", "video", "hr",
        ):  # fmt: skip
            return False
        if tag == "tr":
            rows += 1
            max_cols = max(max_cols, cols)
            cols = 0
        elif tag in ("td", "th"):
            cols += 1
            if len(n.text(deep=True)) > 400:
                return False
    max_cols = max(max_cols, cols)
    return rows >= 1 and max_cols >= 2


def _render_table(box: _Box) -> str:
    grid: list[list[str]] = []
    carry: dict[int, int] = {}  # column → rows still covered by a rowspan above
    for row in box.rows:
        if not row:
            continue
        out: list[str] = []
        col = 0
        for text, colspan, rowspan in row:
            while carry.get(col, 0) > 0:
                carry[col] -= 1
                out.append("")
                col += 1
            for k in range(colspan):
                out.append(text if k == 0 else "")
                if rowspan > 1:
                    carry[col] = rowspan - 1
                col += 1
        while any(c >= col and v > 0 for c, v in carry.items()):
            if carry.get(col, 0) > 0:
                carry[col] -= 1
            out.append("")
            col += 1
        grid.append(out)
    grid = [r for r in grid if any(c for c in r)]
    if not grid:
        return ""
    ncols = min(max(len(r) for r in grid), 64)
    lines = []
    for i, r in enumerate(grid):
        cells = [(c or " ").replace("\n", " ") for c in r[:ncols]]
        cells += [" "] * (ncols - len(cells))
        cells = [re.sub(r"(?<!\\)\|", r"\\|", c) for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
        if i == 0:
            lines.append("|" + "|".join(["---"] * ncols) + "|")
    return "\n".join(lines)


_BLANK_LINES: Final = re.compile(r"\n{3,}")


def _finish(blocks: list[str]) -> str:
    """Join blocks; no leading/trailing rules, no doubled rules, one final newline."""
    out: list[str] = []
    for b in blocks:
        if b == "---" and (not out or out[-1] == "---"):
            continue
        out.append(b)
    while out and out[-1] == "---":
        out.pop()
    if not out:
        return ""
    text = _BAD_IN_OUTPUT.sub("", "\n\n".join(out))
    return text.strip("\n") + "\n"


# --------------------------------------------------------------------------- public API


def html_to_markdown(html: str) -> str:
    """Convert an article's HTML body to Markdown for reading in the terminal.

    Never raises. The result contains no raw HTML and no control characters (only
    newline and tab), ends with one newline, and is ``""`` when nothing is visible.
    """
    try:
        if not isinstance(html, str):
            return ""
        html = _sanitize(html)
        html, cut = _budget(html)
        parsed = _parse(html)
        if parsed is None:
            return ""
        _tree, root = parsed
        return _MarkdownWriter(clean_text="&#" in html).run(root, cut)
    except Exception:
        return _fallback_markdown(html)


def _fallback_markdown(html: str) -> str:
    """Last resort when conversion fails: the plain text, escaped."""
    try:
        text = html_to_text(html)
    except Exception:
        return ""
    lines = [_escape(line, True) for line in text.split("\n")]
    out = "\n\n".join(line for line in lines if line)
    return out + "\n" if out else ""


_BAD_EXCEPT_BLOCK: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0\ufdd2-\ufdef]")
_TEXT_BLOCK_EDGE: Final = re.compile(f"[ \t\f]*{_BLOCK_SENT}[{_BLOCK_SENT} \t\n\f]*")
_ARRAY_LINE: Final = re.compile(r"(?m)^Array(?:\n|$)")
_TEXT_LINE_WS: Final = re.compile("[ \t\n\f\u00a0]+")


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body (for the search index and character counts).

    Blocks are separated by newlines, whitespace is folded the HTML way but without
    putting spaces between CJK characters. Never raises; no control characters.
    """
    try:
        if not isinstance(html, str):
            return ""
        html = _sanitize(html)
        html, _cut = _budget(html)  # search text of a cut body is its first part
        parsed = _parse(html)
        if parsed is None:
            return ""
        _tree, root = parsed  # the tree must outlive its nodes
        # One selector pass (strip_tags scans once per tag); children before parents.
        for node in reversed(root.css(_TEXT_DROP)):
            node.decompose()
        for node in root.css(_TEXT_BLOCKS):
            node.insert_before(_BLOCK_SENT)
            if node.tag != "br":
                node.insert_after(_BLOCK_SENT)
        text = root.text(deep=True)
        if "&#" in html:  # numeric character references can produce controls
            text = _BAD_EXCEPT_BLOCK.sub("", text)
        if "\n" in text:
            text = _CJK_NEWLINE_TEXT.sub("", text)
        text = _TEXT_LINE_WS.sub(" ", text)
        text = _TEXT_BLOCK_EDGE.sub("\n", text)
        text = text.replace("\n ", "\n").strip(" \n\u3000")
        if "Array" in text:  # a PHP feed-generator artifact, alone on its line
            text = _ARRAY_LINE.sub("", text).strip("\n")
        return text
    except Exception:
        return ""
