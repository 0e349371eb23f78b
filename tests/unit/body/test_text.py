"""Plain searchable text from HTML bodies (tui.body.text)."""

from __future__ import annotations

from tui.body.text import TEXT_CAP, plain_text


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
