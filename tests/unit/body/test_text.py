"""Plain searchable text from HTML bodies (tui.body.text)."""

from __future__ import annotations

from tui.body.text import TEXT_CAP, html_to_text, plain_text


def test_plain_text_keeps_words_and_drops_markup() -> None:
    html = (
        "<style>p { color: red }</style><script>var secret = 1;</script><!-- hidden note -->"
        "<p>经<b>济</b>增\n长</p><p>end.</p><p>Start&amp;go &lt;tag&gt; caf&eacute;</p>"
        "<ul><li>one</li><li>two</li></ul><!-- unterminated"
    )
    text = plain_text(html)
    assert "经济增长" in text  # inline tags and a source line break do not split CJK
    assert "end. Start&go <tag> café" in text  # block tags separate words
    assert "one two" in text
    for gone in ("secret", "color", "hidden", "unterminated", "<p>", "<b>"):
        assert gone not in text
    assert "\n" not in text
    long = plain_text("<p>" + "字" * (TEXT_CAP + 500) + "</p>")
    assert len(long) == TEXT_CAP


def test_plain_text_follows_the_layout_texts_rules() -> None:
    # Found by the bs4 oracle: the index kept a video's fallback text and a button's label.
    html = '<p>a</p><iframe src="https://youtube.com/x">YouTube</iframe><button>View</button>'
    assert plain_text(html) == html_to_text(html) == "a"
    # A CJK line break inside inline markup is no word break, in the index as in the reader.
    assert plain_text("<p>发表\n<b>质疑</b>\n的文章</p>") == "发表质疑的文章"
    # ...but a block boundary still is.
    assert plain_text("<p>中</p>\n<p>文</p>") == "中 文"
