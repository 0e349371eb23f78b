"""The limits every body conversion runs within: clean input, bounded size and depth, one parse.

Why a module of its own: the reader's Markdown and the layout text parse the same HTML,
and a hostile body must be cut, flattened and parsed the same way for both, so
neither can freeze the app (each budget below names the input that once did).
"""

from __future__ import annotations

import re
from typing import Final

from selectolax.lexbor import LexborHTMLParser, LexborNode

#: C0/C1 controls (minus tab/newline), DEL, BOM and the noncharacters U+FDD0..U+FDEF
#: (used internally as sentinels, so they must never come from the article).
BAD_CHARS: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufeff]")
#: What may not reach the output: as :data:`BAD_CHARS`, but a BOM is text by then.
BAD_IN_OUTPUT: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef]")


def sanitize(html: str) -> str:
    """Normalise line ends, drop control characters, turn U+2028/9 into line breaks."""
    if "\r" in html:
        html = html.replace("\r\n", "\n").replace("\r", "\n")
    html = BAD_CHARS.sub("", html)
    if "\u2028" in html or "\u2029" in html:
        html = html.replace("\u2028", "<br>").replace("\u2029", "<br><br>")
    return html


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


def flatten_deep(html: str, limit: int = MAX_PARSE_DEPTH) -> str:
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


def cut_to_budget(html: str) -> tuple[str, bool]:
    """Cut ``html`` to :data:`MAX_HTML_CHARS` (at a tag boundary) and flatten deep nesting.

    Returns the HTML to parse and whether it was cut.
    """
    cut = False
    if len(html) > MAX_HTML_CHARS:
        end = html.rfind("<", MAX_HTML_CHARS - 10_000, MAX_HTML_CHARS)
        html = html[: end if end > 0 else MAX_HTML_CHARS]
        cut = True
    return flatten_deep(html), cut


def parse_root(html: str) -> tuple[LexborHTMLParser, LexborNode] | None:
    """Parse into (tree, content root); None when there is nothing to parse."""
    if not html or html.isspace():
        return None
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return None
    return tree, root
