"""An HTML body as plain text, and the rules every rendering of a body shares.

Two extractions, one set of rules: :func:`html_to_text` keeps the reading layout
(one block a line) for the reader; :func:`plain_text` is the index's one-line word
stream, a regex pass ten times cheaper than a parse, because the index reads up to
100,000 bodies. Both, and the reader's Markdown, take from here what is dropped
(:data:`DROPPED_TAGS`, :data:`MEDIA_TAGS`, comments), which tags separate words
(:data:`BLOCK_TAGS`) and when a line break is no word break (:func:`cjk_line_break`).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Final

from tui.body.budget import cut_to_budget, parse_root, sanitize
from tui.cjk import CJK_CLASS

__all__ = [
    "BLOCK_TAGS",
    "CJK_BREAK_CLASS",
    "DROPPED_TAGS",
    "MEDIA_TAGS",
    "SPACE_RUN",
    "TEXT_CAP",
    "cjk_line_break",
    "html_to_text",
    "plain_text",
]

#: The most text kept per article (characters): enough for search, bounded for the index.
TEXT_CAP: Final = 65_536

# --------------------------------------------------------------------------- shared rules

#: Elements whose whole subtree is not article text: code, metadata, form controls, drawings.
DROPPED_TAGS: Final = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "base",
        "svg", "canvas", "math", "input", "button", "select", "textarea", "option",
        "optgroup", "datalist", "map", "area", "param", "source", "track", "dialog",
        "frameset", "frame", "applet",
    }
)  # fmt: skip
#: Embedded media: the reader shows a placeholder for them, text keeps nothing of them.
MEDIA_TAGS: Final = frozenset({"iframe", "video", "audio", "embed", "object"})
#: Elements that start and end a line of layout text, so they separate words.
BLOCK_TAGS: Final = frozenset(
    {
        "p", "div", "section", "article", "aside", "header", "footer", "nav", "main",
        "address", "center", "details", "summary", "dl", "dt", "dd", "fieldset", "legend",
        "form", "hgroup", "figure", "figcaption", "menu", "dir", "table", "caption", "thead",
        "tbody", "tfoot", "tr", "td", "th", "ul", "ol", "li", "blockquote", "pre", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "br",
    }
)  # fmt: skip
#: Characters of scripts written without spaces, with their wide punctuation and symbols
#: (``。``, ``，``, fullwidth forms): a line break between two of them is no word break.
CJK_BREAK_CLASS: Final = (
    CJK_CLASS + "\u2e80-\u2fff\u3000-\u303f\u3100-\u312f\u3190-\u31ff\u3200-\u33ff"
    "\ufe30-\ufe4f\uff00-\uff9f\uffe0-\uffef"
)
#: HTML whitespace (plus NBSP, which articles use for layout) folds to one space.
SPACE_RUN: Final = re.compile("[ \t\n\f\u00a0]+")


def cjk_line_break(also_space: str = "") -> re.Pattern[str]:
    """A source line break (with its spaces) between two CJK characters: it is dropped.

    CSS Text 3's segment-break rule: folding it into a space would split a word.
    ``also_space`` names more characters to treat as spaces around it. The run before
    the break excludes ``\\n`` so the pattern is unambiguous: with ``\\n`` in both runs,
    many newlines after a CJK character backtrack quadratically (40 KB: 13 s).
    """
    before, after = f"[ \t\f{also_space}]*", f"[ \t\n\f{also_space}]*"
    return re.compile(f"(?<=[{CJK_BREAK_CLASS}]){before}\n{after}(?=[{CJK_BREAK_CLASS}])")


# --------------------------------------------------------------------------- layout text

_BLOCK_SENT: Final = "\ufdd1"  # a block boundary while the text is assembled
_TEXT_DROP: Final = ",".join(sorted(DROPPED_TAGS | MEDIA_TAGS))
_TEXT_BLOCKS: Final = ",".join(sorted(BLOCK_TAGS))
_CJK_NEWLINE_TEXT: Final = cjk_line_break()
_BAD_EXCEPT_BLOCK: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0\ufdd2-\ufdef]")
_TEXT_BLOCK_EDGE: Final = re.compile(f"[ \t\f]*{_BLOCK_SENT}[{_BLOCK_SENT} \t\n\f]*")
_ARRAY_LINE: Final = re.compile(r"(?m)^Array(?:\n|$)")


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body, one block a line (the reader's character counts).

    Whitespace is folded the HTML way but without putting spaces between CJK
    characters. Never raises; no control characters.
    """
    try:
        if not isinstance(html, str):
            return ""
        html = sanitize(html)
        html, _cut = cut_to_budget(html)  # the text of a cut body is its first part
        parsed = parse_root(html)
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
        text = SPACE_RUN.sub(" ", text)
        text = _TEXT_BLOCK_EDGE.sub("\n", text)
        text = text.replace("\n ", "\n").strip(" \n\u3000")
        if "Array" in text:  # a PHP feed-generator artifact, alone on its line
            text = _ARRAY_LINE.sub("", text).strip("\n")
        return text
    except Exception:
        return ""


# --------------------------------------------------------------------------- index text

#: Void elements and elements whose end tag may be left out: a regex cannot find where
#: they end (a lone ``<option>`` would swallow the rest of the body), so only their
#: tags go; what text they hold is rare and harmless in an index.
_NO_END_TAG: Final = frozenset(
    {"head", "meta", "link", "base", "input", "area", "param", "source", "track", "frame",
     "embed", "option", "optgroup"}
)  # fmt: skip


def _alternation(words: frozenset[str]) -> str:
    """A regex matching any of ``words``, grouped by first letter so a miss fails fast."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_DROP: Final = re.compile(
    r"<(" + _alternation((DROPPED_TAGS | MEDIA_TAGS) - _NO_END_TAG) + r")\b[^>]*>"
    r".*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)",
    re.S | re.I,
)
_WORD_SENT: Final = "\ufdd1"  # where a separating tag stood, until CJK breaks are dropped
#: Tags that separate words; every other tag is dropped without a space, so
#: ``经<b>济</b>`` stays one word. An image separates words too: the reader shows it
#: as a paragraph of its own.
_BLOCK_TAG: Final = re.compile(r"</?(?:" + _alternation(BLOCK_TAGS | {"img"}) + r")\b[^>]*>", re.I)
_TAG: Final = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>")
_CJK_BREAK: Final = cjk_line_break("\r")
_SPACE: Final = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The searchable text of an HTML body: tags, scripts and comments out, one line.

    Why not :func:`html_to_text`: that keeps the reading layout and costs ~90 µs per KB;
    an index needs only the words in order, and this regex pass costs a tenth of that.
    At most :data:`TEXT_CAP` characters.
    """
    html = _DROP.sub("", html)
    text = _TAG.sub("", _BLOCK_TAG.sub(_WORD_SENT, html))
    if not text.isascii():
        text = _CJK_BREAK.sub("", text)
    if "&" in text:
        text = unescape(text)
    return _SPACE.sub(" ", text.replace(_WORD_SENT, " ")).strip()[:TEXT_CAP]
