"""Differential test: newsdeck's text extraction against BeautifulSoup's ``get_text()``.

BeautifulSoup is the design card's library, kept here as an independent oracle: for every
real article, the words our index (:func:`plain_text`) and the reader's layout text
(:func:`html_to_text`) hold must be bs4's words, in the same order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.body.text import (
    CJK_BREAK_CLASS,
    DROPPED_TAGS,
    MEDIA_TAGS,
    TEXT_CAP,
    html_to_text,
    plain_text,
)
from tui.files.parser import load_body, parse

bs4 = pytest.importorskip("bs4")

#: Where a browser starts a new line: the block boxes of the HTML standard's UA style
#: sheet (written out here, not taken from newsdeck, so a tag we forget shows up).
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html",
        "legend", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre",
        "search", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul", "xmp",
    }
)  # fmt: skip
#: What bs4's users drop too (``get_text`` would return script source as text).
_CODE = frozenset({"script", "style", "noscript", "template"})
#: Controls and noncharacters: the reader strips them from article text; bs4 keeps them.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufeff]")
_CJK_PAIR = re.compile(f"[{CJK_BREAK_CLASS}]")


def _oracle_text(html: str, *, image_breaks: bool) -> str:
    soup = bs4.BeautifulSoup(html, "html.parser")
    # We drop more than code: form controls, drawings and embedded media are not article
    # text in newsdeck (the reader shows a placeholder), and comments never are.
    for tag in soup.find_all(list(_CODE | DROPPED_TAGS | MEDIA_TAGS)):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, bs4.Comment | bs4.Doctype)):
        comment.extract()
    blocks = _BLOCKS | {"img"} if image_breaks else _BLOCKS
    for tag in soup.find_all(list(blocks)):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return _CONTROLS.sub("", soup.get_text())


def _words(text: str) -> list[str]:
    """Whitespace-separated words, except that a space between two CJK characters is none.

    CJK text is written without spaces, so a line break there is no word break in ours
    (CSS Text 3) while bs4 keeps it: we compare the characters, not where breaks fell.
    """
    words: list[str] = []
    for word in text.split():
        if words and _CJK_PAIR.match(words[-1][-1]) and _CJK_PAIR.match(word[0]):
            words[-1] += word
        else:
            words.append(word)
    return words


def _first_difference(ours: list[str], theirs: list[str]) -> str:
    for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a != b:
            return f"word {i}: ours {ours[i : i + 5]} vs bs4 {theirs[i : i + 5]}"
    return f"lengths: ours {len(ours)} words, bs4 {len(theirs)} words"


def _bodies(real_corpus: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(real_corpus.iterdir()):
        article = parse(path)
        body = article.body if article.body is not None else load_body(article)
        out.append((path.name, body or ""))
    return out


def test_index_text_has_the_oracles_words(real_corpus: Path) -> None:
    bad = []
    for name, html in _bodies(real_corpus):
        ours = _words(plain_text(html))
        # The index separates words at an image too (the reader shows it as a paragraph).
        theirs = _words(_oracle_text(html, image_breaks=True))
        if len(plain_text(html)) == TEXT_CAP:  # the index keeps the first TEXT_CAP characters
            theirs = theirs[: len(ours)]
            ours, theirs = ours[:-1], theirs[:-1]  # the cap may cut the last word
        if ours != theirs:
            bad.append(f"{name}: {_first_difference(ours, theirs)}")
    assert not bad, "\n".join(bad)


def test_layout_text_has_the_oracles_words(real_corpus: Path) -> None:
    bad = []
    for name, html in _bodies(real_corpus):
        ours = _words(html_to_text(html))
        theirs = _words(_oracle_text(html, image_breaks=False))
        if ours != theirs:
            bad.append(f"{name}: {_first_difference(ours, theirs)}")
    assert not bad, "\n".join(bad)


def test_the_oracle_can_fail() -> None:
    # A glued block boundary and a dropped word are both caught.
    assert _words(_oracle_text("<p>a</p><p>b</p>", image_breaks=False)) == ["a", "b"]
    assert _words("ab") != _words(_oracle_text("<p>a</p><p>b</p>", image_breaks=False))
    assert _words(_oracle_text("<p>中</p>\n<p>文</p>", image_breaks=False)) == ["中文"]
