"""An HTML body as plain searchable text: the words in reading order, one line."""

from __future__ import annotations

import re
from html import unescape

from tui.cjk import CJK_CLASS

#: The most text kept per article (characters): enough for search, bounded for the index.
TEXT_CAP = 65_536

#: A source line break between two CJK characters is no word break (CSS Text 3).
_CJK_BREAK = re.compile(f"(?<=[{CJK_CLASS}])[ \t\r]*\n\\s*(?=[{CJK_CLASS}])")
_DROP = re.compile(
    r"<(script|style|noscript|template|svg|math)\b[^>]*>.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)",
    re.S | re.I,
)
#: Tags that separate words; every other tag is dropped without a space, so
#: ``经<b>济</b>`` stays one word.
_BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|footer|"
    r"h[1-6]|header|hr|img|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)"
    r"\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<![^>]*>|<\?[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The searchable text of an HTML body: tags, scripts and comments out, one line.

    Why not :func:`tui.body.markdown.html_to_text`: that keeps the reading layout
    and costs ~90 µs per KB; an index needs only the words in order, and this
    regex pass costs a tenth of that. At most :data:`TEXT_CAP` characters.
    """
    html = _DROP.sub("", html)
    if not html.isascii():
        html = _CJK_BREAK.sub("", html)
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", html))
    if "&" in text:
        text = unescape(text)
    return _SPACE.sub(" ", text).strip()[:TEXT_CAP]
