"""Article body → Markdown for reading in the terminal: the one walk over the parsed tree.

Why this is hand-rolled on selectolax/lexbor instead of BeautifulSoup + markdownify:
bodies are converted on demand while the user scrolls, so the parse must be C-backed
(lexbor is an HTML5 parser, so broken markup is repaired the way browsers do, and deep
nesting does not truncate the document as libxml2 does past depth 255). The tree is
walked iteratively (an explicit stack, never recursion) so 5,000-level nesting cannot
raise ``RecursionError``.

The Markdown is rendered later by Rich (markdown-it), so every piece of article text
is escaped (:mod:`tui.body.inline`): text can never become Markdown structure or raw
HTML, and the only structure in the output is what this module emits on purpose.

Why :class:`_MarkdownWriter` is one piece: its start/end handlers share one stack of
open boxes and inlines, and each decision (flush a paragraph, open a list, drop a link
inside a link) reads that whole state; the pure pieces live in :mod:`tui.body.inline`
(paragraphs), :mod:`tui.body.blocks` (lists, tables, code, media) and
:mod:`tui.body.budget` (limits).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final, NamedTuple

from selectolax.lexbor import LexborNode

from tui.body.blocks import (
    VIDEO_HOSTS,
    code_lang,
    code_span,
    finish,
    gather_text,
    image_src,
    int_attr,
    is_data_table,
    is_tracker,
    join_item_blocks,
    list_item,
    longest_run,
    one_line,
    one_line_text,
    placeholder,
    prefix_lines,
    render_list,
    render_table,
)
from tui.body.budget import (
    BAD_CHARS,
    MAX_BLOCK_WORK,
    MAX_HTML_CHARS,
    MAX_NODES,
    MAX_PARSE_DEPTH,
    TRUNCATED_NOTE,
    cut_to_budget,
    parse_root,
    sanitize,
)
from tui.body.inline import (
    EDGE_WS,
    FLOW,
    LINE,
    LIST,
    M_BR,
    M_CLOSE,
    M_OPEN,
    M_RAW,
    TABLE,
    Box,
    Inline,
    Mark,
    clean_url,
    close_inline,
    collapse_space,
    escape,
    render_inline,
    visible,
)
from tui.body.text import DROPPED_TAGS, MEDIA_TAGS, SPACE_RUN, html_to_text
from tui.body.urls import display_url

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "MAX_BLOCK_WORK",
    "MAX_HTML_CHARS",
    "MAX_NODES",
    "MAX_PARSE_DEPTH",
    "TRUNCATED_NOTE",
    "decode_link_urls",
    "html_to_markdown",
]

_MAX_CONTAINER_DEPTH: Final = 24  # deeper quotes/lists are flattened (bounds the work)
_MAX_INLINE_DEPTH: Final = 6

# --------------------------------------------------------------------------- tag tables

#: Elements whose whole subtree the reader drops: not text anywhere, and comments.
_DROP: Final = DROPPED_TAGS | {"-comment"}
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
_CLOSING_HASHES: Final = re.compile(r"((?:^|\s)#*)#$")


# --------------------------------------------------------------------------- walker


class _MarkdownWriter:
    """Walks the lexbor tree once, iteratively, and assembles Markdown."""

    def __init__(self, clean_text: bool) -> None:
        self.clean_text = clean_text
        self.root = Box(FLOW, "root")
        self.boxes: list[Box] = [self.root]
        #: Characters of finished lists, items and quotes handed to their parents:
        #: each nesting level re-indents its contents (see :data:`MAX_BLOCK_WORK`).
        self.block_work = 0
        self.over_budget = False
        #: Every image placeholder emitted, in order (what the reader's ``i`` loads).
        self.images: list[ImageRef] = []

    # -- block plumbing -------------------------------------------------------------

    @property
    def box(self) -> Box:
        return self.boxes[-1]

    def flush(self) -> None:
        """End the current paragraph of the innermost box."""
        box = self.boxes[-1]
        if box.kind == LINE:
            if box.tokens:
                box.tokens.append(" ")
            return
        if not box.tokens:
            return
        opened = box.open_inlines
        for inl in reversed(opened):
            close_inline(inl)
        text = render_inline(box.tokens, False) if visible(box.tokens) else ""
        box.tokens = []
        for inl in opened:
            inl.start = 0
        if text and text != "Array":  # "Array": a PHP feed-generator artifact
            self.add_block(box, text, "p")

    def add_block(self, box: Box, text: str, role: str) -> None:
        """Put a finished block into ``box`` the way that box lays blocks out."""
        if box.kind == FLOW:
            box.blocks.append(text)
            box.block_roles.append(role)
        elif box.kind == LIST:
            if role == "list" and box.blocks:
                box.blocks[-1] += "\n" + text
            else:
                box.blocks.append(text)
        elif box.kind == LINE:
            box.tokens += [" ", Mark(M_RAW, one_line(text)), " "]
        else:  # table: stray blocks (foster-parented) go before it
            box.blocks.append(text)

    def push(self, kind: int, role: str) -> Box | None:
        """Open a container, unless nesting is already too deep to be useful."""
        if len(self.boxes) > _MAX_CONTAINER_DEPTH:
            self.flush()
            return None
        self.flush()
        box = Box(kind, role)
        self.boxes.append(box)
        return box

    def pop(self, box: Box) -> None:
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
            text = join_item_blocks(box)
            if parent.kind == LIST:
                if text:
                    parent.blocks.append(text)
            elif text:
                self.flush()
                self.add_block(parent, list_item("-", text), "list")
        elif role == "quote":
            if box.blocks:
                self.add_block(parent, prefix_lines("\n\n".join(box.blocks), "> ", ">"), "quote")
        elif role == "list":
            if box.blocks:
                self.add_block(parent, render_list(box), "list")
        elif role == "heading":
            text = one_line(render_inline(box.tokens, True))
            if text:
                text = _CLOSING_HASHES.sub(r"\1\\#", text)  # not an ATX closing sequence
                if parent.kind == LINE:
                    parent.tokens += [" ", Mark(M_RAW, text), " "]
                else:
                    self.add_block(parent, "#" * box.level + " " + text, "heading")
        elif role in ("cell", "caption", "figcaption"):
            tokens = box.tokens
            if role != "cell" and not any(isinstance(t, Mark) for t in tokens):
                tokens = [Mark(M_OPEN, "*"), *tokens, Mark(M_CLOSE, "*")]  # italic caption
            text = one_line(render_inline(tokens, True))
            if role == "cell":
                if parent.kind == TABLE:
                    if not parent.rows:
                        parent.rows.append([])
                    parent.rows[-1].append((text, box.span[0], box.span[1]))
                elif text:
                    self.add_block(parent, text, "p")
            elif text:
                if parent.kind == TABLE:
                    parent.caption = text
                else:
                    self.add_block(parent, text, "p")
        elif role == "table":
            rendered = render_table(box)
            for block in box.blocks:
                self.add_block(parent, block, "p")
            if box.caption:
                self.add_block(parent, box.caption, "p")
            if rendered:
                self.add_block(parent, rendered, "table")

    # -- inline plumbing ------------------------------------------------------------

    def text(self, t: str) -> None:
        box = self.boxes[-1]
        if box.kind == TABLE:
            return
        if self.clean_text:
            t = BAD_CHARS.sub("", t)
        box.tokens.append(t)

    def raw(self, text: str, pad: bool = False) -> None:
        box = self.boxes[-1]
        if box.kind != TABLE:
            if pad:
                box.tokens += [" ", Mark(M_RAW, text), " "]
            else:
                box.tokens.append(Mark(M_RAW, text))

    def block_or_inline(self, text: str) -> None:
        """Placeholders stand alone as a paragraph unless they sit inside inline markup."""
        box = self.boxes[-1]
        if box.kind == LINE or box.open_inlines:
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
            self.root.blocks.append("*" + escape(TRUNCATED_NOTE, True) + "*")
        return finish(self.root.blocks)

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
            box = self.push(LINE, "heading")
            if box is not None:
                box.level = _HEADINGS[tag]
            return box or "flush", True
        if tag in ("ul", "ol"):
            box = self.push(LIST, "list")
            if box is not None and tag == "ol":
                box.ordered = True
                box.start = int_attr(node, "start", 1, 0, 999_999_999)
            return box or "flush", True
        if tag == "li":
            return self.push(FLOW, "li") or "flush", True
        if tag == "blockquote":
            return self.push(FLOW, "quote") or "flush", True
        if tag == "figcaption":
            return self.push(LINE, "figcaption") or "flush", True
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
        if tag in MEDIA_TAGS:
            self.media(node, tag)
            return None, False
        return None, True  # span, font, small, sup, unknown: transparent

    def start_block(self, node: LexborNode, tag: str) -> tuple[object, bool]:
        box = self.boxes[-1]
        if tag == "table":
            if is_data_table(node):
                table = self.push(TABLE, "table")
                if table is not None:
                    return table, True
            self.flush()
            return "flush", True
        if box.kind == TABLE:
            if tag == "tr":
                box.rows.append([])
                return None, True
            if tag in ("td", "th"):
                cell = self.push(LINE, "cell")
                if cell is not None:
                    cell.span = (
                        int_attr(node, "colspan", 1, 1, 50),
                        int_attr(node, "rowspan", 1, 1, 500),
                    )
                return cell or "flush", True
            if tag == "caption":
                return self.push(LINE, "caption") or "flush", True
            return None, True  # tbody/thead/tfoot/colgroup
        self.flush()
        return "flush", True

    def end(self, action: object) -> None:
        if action is None:
            return
        if action == "flush":
            self.flush()
        elif isinstance(action, Box):
            self.pop(action)
        elif isinstance(action, Inline):
            box = action.box
            if action in box.open_inlines:
                box.open_inlines.remove(action)
                if action.url is not None:
                    box.links -= 1
                close_inline(action)

    def start_inline(self, node: LexborNode, tag: str) -> Inline | None:
        box = self.boxes[-1]
        if box.kind == TABLE or len(box.open_inlines) >= _MAX_INLINE_DEPTH:
            return None
        if tag == "a":
            if box.links:
                return None  # no links inside links
            url = clean_url(node.attributes.get("href"))
            if url is None:
                return None
            inl = Inline(box, "", url)
            box.links += 1
        else:
            delim = _EMPH[tag]
            if any(o.delim == delim for o in box.open_inlines):
                return None  # bold inside bold adds nothing but delimiter noise
            inl = Inline(box, delim, None)
        box.open_inlines.append(inl)
        return inl

    def line_break(self) -> None:
        box = self.boxes[-1]
        if box.kind == LINE or box.links:
            box.tokens.append(" ")
        elif box.kind != TABLE:
            box.tokens.append(Mark(M_BR))

    # -- leaves ---------------------------------------------------------------------

    def image(self, node: LexborNode) -> None:
        attrs = node.attributes
        if is_tracker(attrs):
            return
        alt = one_line_text(attrs.get("alt") or attrs.get("title") or "")
        raw_src = image_src(attrs)
        cls = (attrs.get("class") or "").lower()
        if alt and ("emoji" in cls or "smiley" in cls or (len(alt) <= 2 and not alt.isalnum())):
            self.text(alt)
            return
        if raw_src is not None and raw_src.strip().lower().startswith("data:"):
            where = "embedded image"
        else:
            where = display_url(clean_url(raw_src) or "")
            if not where and not alt:
                return
        src = "" if where == "embedded image" else clean_url(raw_src) or ""
        self.images.append(ImageRef(src, alt, where))
        self.block_or_inline(placeholder("🖼", "image", alt, where))

    def media(self, node: LexborNode, tag: str) -> None:
        attrs = node.attributes
        src = attrs.get("src") or attrs.get("data-src") or attrs.get("data")
        if not src and tag in ("video", "audio"):
            for child in node.iter():
                if child.tag == "source":
                    src = child.attributes.get("src")
                    if src:
                        break
        if tag == "iframe" and is_tracker(attrs):
            return
        url = clean_url(src) or ""
        title = one_line_text(attrs.get("title") or attrs.get("aria-label") or "")
        if not url and not title:
            return
        if tag == "audio":
            icon, label = "🔊", "audio"
        elif tag == "video" or VIDEO_HOSTS.search(url):
            icon, label = "▶", "video"
        else:
            icon, label = "⧉", "embed"
        self.block_or_inline(placeholder(icon, label, title, display_url(url)))

    def pre(self, node: LexborNode) -> None:
        code = gather_text(node, keep_breaks=True)
        if self.clean_text:
            code = BAD_CHARS.sub("", code)
        if code.startswith("\n"):
            code = code[1:]
        code = code.rstrip()
        if not code.strip():
            return
        box = self.boxes[-1]
        if box.kind == LINE or box.open_inlines:
            self.raw(code_span(SPACE_RUN.sub(" ", code).strip()))
            return
        lang = code_lang(node)
        fence = "`" * max(3, longest_run(code, "`") + 1)
        self.flush()
        self.add_block(box, f"{fence}{lang}\n{code}\n{fence}", "pre")

    def code(self, node: LexborNode) -> None:
        code = gather_text(node, keep_breaks=False)
        if self.clean_text:
            code = BAD_CHARS.sub("", code)
        code = collapse_space(code).strip(EDGE_WS)
        if code:
            self.raw(code_span(code))


# --------------------------------------------------------------------------- public API


class ImageRef(NamedTuple):
    """An image the body shows as a placeholder: its URL as written (may be relative or
    empty), its alt text and the ``where`` its placeholder shows (``🖼 image: alt — where``)."""

    src: str
    alt: str
    where: str


def image_refs(html: str) -> list[ImageRef]:
    """The body's images in the order their placeholders appear (a full conversion:
    call it off the UI thread). Embedded ``data:`` images have an empty ``src``: not fetched."""
    try:
        html = sanitize(html)
        html, cut = cut_to_budget(html)
        parsed = parse_root(html)
        if parsed is None:
            return []
        _tree, root = parsed
        writer = _MarkdownWriter(clean_text="&#" in html)
        writer.run(root, cut)
        return writer.images
    except Exception:
        return []


def html_to_markdown(html: str) -> str:
    """Convert an article's HTML body to Markdown for reading in the terminal.

    Never raises. The result contains no raw HTML and no control characters (only
    newline and tab), ends with one newline, and is ``""`` when nothing is visible.
    """
    try:
        if not isinstance(html, str):
            return ""
        html = sanitize(html)
        html, cut = cut_to_budget(html)
        parsed = parse_root(html)
        if parsed is None:
            return ""
        _tree, root = parsed
        return _MarkdownWriter(clean_text="&#" in html).run(root, cut)
    except Exception:
        return _fallback_markdown(html)


def decode_link_urls(tokens: Iterable[Token]) -> None:
    """Show link URLs decoded (:func:`~tui.body.urls.display_url`) in parsed Markdown.

    The reader renders links as ``text (url)`` (Rich's Markdown without hyperlinks),
    from the parsed ``href``, which markdown-it has percent-encoded and punycoded:
    call this on ``Markdown(...).parsed`` before rendering. The Markdown text itself
    (what ``newsdeck export`` writes) keeps the exact URLs.
    """
    for token in tokens:
        if token.type == "link_open":
            href = token.attrs.get("href")
            if isinstance(href, str):
                token.attrs["href"] = display_url(href)
        if token.children:
            decode_link_urls(token.children)
            token.children = _drop_repeated_urls(token.children)


def _drop_repeated_urls(children: list[Token]) -> list[Token]:
    """A link whose text is its (decoded) URL shows as that text alone, not twice."""
    out: list[Token] = []
    k = 0
    while k < len(children):
        token = children[k]
        if (
            token.type == "link_open"
            and k + 2 < len(children)
            and children[k + 1].type == "text"
            and children[k + 2].type == "link_close"
            and children[k + 1].content.rstrip("/") == str(token.attrs.get("href", "")).rstrip("/")
        ):
            out.append(children[k + 1])
            k += 3
            continue
        out.append(token)
        k += 1
    return out


def _fallback_markdown(html: str) -> str:
    """Last resort when conversion fails: the plain text, escaped."""
    try:
        text = html_to_text(html)
    except Exception:
        return ""
    lines = [escape(line, True) for line in text.split("\n")]
    out = "\n\n".join(line for line in lines if line)
    return out + "\n" if out else ""
