"""Blocks and leaves of the reader's Markdown: lists, tables, code, media placeholders.

Each helper turns one finished piece of the tree (a list box, a table box, a ``<pre>``,
an ``<img>``) into Markdown text; the walk in :mod:`tui.body.markdown` decides when.
"""

from __future__ import annotations

import re
from typing import Final

from selectolax.lexbor import LexborNode

from tui.body.budget import BAD_CHARS, BAD_IN_OUTPUT
from tui.body.inline import EDGE_WS, Box, collapse_space, escape
from tui.body.text import DROPPED_TAGS, MEDIA_TAGS

#: Analytics and feed-proxy hosts whose images are tracking pixels, never content.
_TRACKER_HOSTS: Final = re.compile(
    r"^(?:[\w-]+\.)*(?:doubleclick\.net|google-analytics\.com|googletagmanager\.com"
    r"|scorecardresearch\.com|quantserve\.com|pixel\.wp\.com|stats\.wp\.com"
    r"|feeds\.feedburner\.com|feedproxy\.google\.com|feedsportal\.com|bat\.bing\.com"
    r"|mc\.yandex\.ru|counter\.yadro\.ru|hm\.baidu\.com|cnzz\.com|statcounter\.com"
    r"|pixel\.mathtag\.com|analytics\.twitter\.com|ad\.doubleclick\.net"
    r"|pixel\.facebook\.com|facebook\.com/tr|piwik\.[\w.]+|matomo\.[\w.]+)(?:[/:?#]|$)",
    re.IGNORECASE,
)
#: Hosts whose embeds are videos (labelled as such in the placeholder).
VIDEO_HOSTS: Final = re.compile(
    r"youtube\.com|youtu\.be|vimeo\.com|bilibili\.com|dailymotion\.com|youku\.com|"
    r"v\.qq\.com|ixigua\.com|tiktok\.com",
    re.IGNORECASE,
)


def int_attr(node: LexborNode, name: str, default: int, low: int, high: int) -> int:
    value = node.attributes.get(name)
    if not value:
        return default
    m = re.match(r"\s*(\d{1,9})", value)
    if not m:
        return default
    return min(max(int(m.group(1)), low), high)


def one_line(text: str) -> str:
    """Flatten rendered Markdown to one line (table cells, headings)."""
    if "\n" in text:
        text = re.sub(r"\\?\n+", " ", text)
    return text.strip()


def one_line_text(text: str) -> str:
    return collapse_space(BAD_CHARS.sub("", text)).strip(EDGE_WS)


def placeholder(icon: str, label: str, title: str, where: str) -> str:
    """A visible, escaped stand-in for media the terminal cannot show."""
    out = f"{icon} {label}"
    if title:
        out += ": " + title
    if where:
        out += " — " + where
    return escape(out, True)


def image_src(attrs: dict[str, str | None]) -> str | None:
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


def is_tracker(attrs: dict[str, str | None]) -> bool:
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


def gather_text(node: LexborNode, keep_breaks: bool) -> str:
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
        elif tag not in DROPPED_TAGS and tag not in MEDIA_TAGS and child.first_child is not None:
            stack.append(child)
            child = child.first_child
            continue
        child = child.next
    return "".join(parts)


def code_lang(node: LexborNode) -> str:
    classes = node.attributes.get("class") or ""
    child = node.first_child
    if child is not None and child.tag == "code":
        classes += " " + (child.attributes.get("class") or "")
    m = re.search(r"(?:lang(?:uage)?-)([A-Za-z0-9_+#.-]{1,30})", classes)
    return re.sub(r"[^A-Za-z0-9_+-]", "", m.group(1)) if m else ""


def longest_run(text: str, ch: str) -> int:
    runs = re.findall(re.escape(ch) + "+", text)
    return max((len(r) for r in runs), default=0)


def code_span(code: str) -> str:
    ticks = "`" * (longest_run(code, "`") + 1)
    if code.startswith(("`", " ")) or code.endswith(("`", " ")):
        code = " " + code + " "
    return ticks + code + ticks


def prefix_lines(text: str, prefix: str, blank: str) -> str:
    return "\n".join(prefix + line if line else blank for line in text.split("\n"))


def list_item(marker: str, text: str) -> str:
    """A list item: marker on the first line, continuation lines indented under it."""
    pad = " " * (len(marker) + 1)
    first, _, rest = text.partition("\n")
    if not rest:
        return marker + " " + first
    return marker + " " + first + "\n" + prefix_lines(rest, pad, "")


def join_item_blocks(box: Box) -> str:
    """A list item's blocks: a nested list follows its line directly (keeps lists tight)."""
    out: list[str] = []
    for block, role in zip(box.blocks, box.block_roles, strict=True):
        if out:
            out.append("\n" if role == "list" else "\n\n")
        out.append(block)
    return "".join(out)


def render_list(box: Box) -> str:
    items = [b for b in box.blocks if b]
    out = []
    for n, item in enumerate(items):
        marker = f"{min(box.start + n, 999_999_999)}." if box.ordered else "-"
        out.append(list_item(marker, item))
    loose = any("\n\n" in item for item in items)
    return ("\n\n" if loose else "\n").join(out)


def is_data_table(node: LexborNode) -> bool:
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


def render_table(box: Box) -> str:
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


def finish(blocks: list[str]) -> str:
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
    text = BAD_IN_OUTPUT.sub("", "\n\n".join(out))
    return text.strip("\n") + "\n"
