"""Tests for tui.body.markdown: HTML body → Markdown (reading) and → plain text (search)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markdown import Markdown

from tests.locations import REAL_CORPUS
from tui.body.markdown import html_to_markdown
from tui.body.text import html_to_text

CORPUS = REAL_CORPUS
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]")


def render(markdown: str) -> str:
    """What a reader sees: the Markdown rendered by Rich (links shown with their URL)."""
    console = Console(record=True, width=100, file=io.StringIO(), color_system=None)
    console.print(Markdown(markdown, hyperlinks=False))
    return console.export_text()


def seen(html: str) -> str:
    """Rendered text with whitespace folded, for substring checks."""
    return " ".join(render(html_to_markdown(html)).split())


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("level", range(1, 7))
def test_headings(level: int) -> None:
    md = html_to_markdown(f"<h{level}>Title <b>x</b></h{level}><p>body</p>")
    assert md == "#" * level + " Title **x**\n\nbody\n"


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    assert html_to_markdown("<p>one</p>\n\n<p>two</p><div>three</div>") == "one\n\ntwo\n\nthree\n"


def test_emphasis() -> None:
    md = html_to_markdown("<p><strong>s</strong> <b>b</b> <em>e</em> <i>i</i></p>")
    assert md == "**s** **b** *e* *i*\n"


def test_emphasis_whitespace_moves_outside_the_markers() -> None:
    assert html_to_markdown("<p>a<b> bold </b>c</p>") == "a **bold** c\n"


def test_adjacent_bold_runs_merge() -> None:
    assert html_to_markdown("<p><b>a</b><b>b</b></p>") == "**ab**\n"


def test_emphasis_markdown_cannot_parse_is_dropped_not_shown_as_asterisks() -> None:
    # `中**「x」**中` would not be emphasis for CommonMark: show the text plainly.
    md = html_to_markdown("<p>中<b>「强调」</b>中文</p>")
    assert "*" not in render(md)
    assert "中「强调」中文" in render(md)


def test_link_shows_text_and_url() -> None:
    md = html_to_markdown('<p>see <a href="https://ex.com/a b">the site</a>.</p>')
    assert md == "see [the site](https://ex.com/a%20b).\n"
    assert "the site (https://ex.com/a%20b)" in seen('<a href="https://ex.com/a b">the site</a>')


def test_link_whose_text_is_the_url_becomes_plain_url() -> None:
    md = html_to_markdown('<p><a href="https://ex.com/x">https://ex.com/x</a></p>')
    assert md == "https://ex.com/x\n"
    assert "<https" not in md


def test_javascript_links_keep_only_their_text() -> None:
    md = html_to_markdown('<p><a href="javascript:alert(1)">click</a></p>')
    assert md == "click\n"


def test_unordered_and_nested_lists() -> None:
    html = "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>"
    assert html_to_markdown(html) == "- one\n- two\n  - nested\n"


def test_ordered_list_keeps_start_number() -> None:
    assert html_to_markdown('<ol start="3"><li>a</li><li>b</li></ol>') == "3. a\n4. b\n"


def test_paragraphs_inside_list_items() -> None:
    md = html_to_markdown("<ol><li><p>x</p></li><li><p>p1</p><p>p2</p></li></ol>")
    assert md == "1. x\n\n2. p1\n\n   p2\n"


def test_nested_blockquotes() -> None:
    md = html_to_markdown("<blockquote><p>outer</p><blockquote>inner</blockquote></blockquote>")
    assert md == "> outer\n>\n> > inner\n"


def test_table_becomes_pipe_table_with_escaped_pipes() -> None:
    html = "<table><tr><th>a|b</th><th>c</th></tr><tr><td>1</td><td>2</td></tr></table>"
    assert html_to_markdown(html) == "| a\\|b | c |\n|---|---|\n| 1 | 2 |\n"
    assert "a|b" in seen(html)


def test_table_colspan_and_short_rows_keep_column_count() -> None:
    html = (
        "<table><tr><th>a</th><th>b</th><th>c</th></tr>"
        "<tr><td colspan=2>wide</td><td>z</td></tr><tr><td>short</td></tr></table>"
    )
    lines = html_to_markdown(html).splitlines()
    assert lines[2] == "| wide |   | z |"
    assert lines[3] == "| short |   |   |"
    assert {line.count(" | ") for line in (lines[0], lines[2], lines[3])} == {2}


def test_layout_table_renders_as_blocks() -> None:
    html = "<table><tr><td><p>story</p><ul><li>item</li></ul></td></tr></table>"
    assert html_to_markdown(html) == "story\n\n- item\n"


def test_figure_with_caption() -> None:
    html = '<figure><img src="https://i.ex/a.jpg" alt="A cat"><figcaption>Cap</figcaption></figure>'
    assert html_to_markdown(html) == "🖼 image: A cat — https://i.ex/a.jpg\n\n*Cap*\n"


def test_br_is_a_hard_break_and_double_br_a_new_paragraph() -> None:
    assert html_to_markdown("<p>a<br>b<br><br>c<br></p>") == "a\\\nb\n\nc\n"
    assert [ln.strip() for ln in render(html_to_markdown("<p>a<br>b</p>")).splitlines()] == [
        "a",
        "b",
    ]


def test_hr() -> None:
    assert html_to_markdown("<p>a</p><hr><p>b</p><hr>") == "a\n\n---\n\nb\n"


def test_pre_becomes_fenced_block_with_language() -> None:
    html = '<pre><code class="language-python">x = 1\n\n  y = "&lt;b&gt;"</code></pre>'
    assert html_to_markdown(html) == '```python\nx = 1\n\n  y = "<b>"\n```\n'


def test_pre_containing_backticks_gets_a_longer_fence() -> None:
    md = html_to_markdown("<pre>a ``` b</pre>")
    assert md == "````\na ``` b\n````\n"


def test_inline_code() -> None:
    assert html_to_markdown("<p>run <code>ls *</code> or <code>a`b</code></p>") == (
        "run `ls *` or ``a`b``\n"
    )


def test_image_placeholder_shows_alt_and_url() -> None:
    assert "🖼 image: Alt — https://i.ex/p.png" in seen('<img src="https://i.ex/p.png" alt="Alt">')


def test_lazy_image_uses_data_src() -> None:
    md = html_to_markdown('<img src="data:image/gif;base64,R0lG" data-src="https://i.ex/real.jpg">')
    assert md == "🖼 image — https://i.ex/real.jpg\n"


def test_data_uri_image_keeps_placeholder_but_not_payload() -> None:
    md = html_to_markdown('<img src="data:image/png;base64,iVBORw0KGgoAAAANS" alt="chart">')
    assert "chart" in md
    assert "base64" not in md
    assert "iVBOR" not in md


@pytest.mark.parametrize(
    "img",
    [
        '<img src="https://ex.com/p.gif" width="1" height="1">',
        '<img src="https://ex.com/p.gif" width="0">',
        '<img src="https://www.google-analytics.com/collect?x=1">',
        '<img src="https://feeds.feedburner.com/~r/x/~4/abc">',
        '<img src="https://pixel.wp.com/g.gif?blog=1">',
    ],
)
def test_tracking_pixels_are_dropped(img: str) -> None:
    assert html_to_markdown(f"<p>text</p>{img}") == "text\n"


def test_media_placeholders() -> None:
    html = (
        '<video src="https://v.ex/a.mp4" title="Clip"></video>'
        '<video><source src="https://v.ex/b.mp4"></video>'
        '<iframe src="https://www.youtube.com/embed/xyz" title="Talk"></iframe>'
        '<audio src="https://a.ex/c.mp3" controls></audio>'
        '<embed src="https://e.ex/d.swf">'
    )
    md = html_to_markdown(html)
    assert "▶ video: Clip — https://v.ex/a.mp4" in md
    assert "▶ video — https://v.ex/b.mp4" in md
    assert "▶ video: Talk — https://www.youtube.com/embed/xyz" in md
    assert "🔊 audio — https://a.ex/c.mp3" in md
    assert "⧉ embed — https://e.ex/d.swf" in md


def test_svg_canvas_and_form_controls_are_dropped() -> None:
    html = (
        '<svg><title>logo</title><path d="M0"/></svg><canvas>fallback</canvas>'
        '<form action="/x"><input value="secret"><button>Bang</button></form><p>kept</p>'
    )
    assert html_to_markdown(html) == "kept\n"
    assert html_to_text(html) == "kept"


def test_invisible_elements_are_dropped() -> None:
    html = (
        "<head><title>T</title><style>p{}</style></head><script>alert(1)</script>"
        "<noscript>enable js</noscript><template><p>tpl</p></template><p>body</p>"
    )
    assert html_to_markdown(html) == "body\n"
    assert html_to_text(html) == "body"


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "text",
    [
        "[video]",
        "[@click=quit]",
        "[x](y)",
        "*x*",
        "_under_",
        "`tick`",
        "~~strike~~",
        "a | b",
        "&amp;lt; stays",
        "![img](u)",
    ],
)
def test_text_that_looks_like_markup_shows_literally(text: str) -> None:
    html = "<p>" + text.replace("&", "&amp;") + "</p>"
    assert seen(html) == text


@pytest.mark.parametrize(
    "line",
    ["# not heading", "> not quote", "- not list", "+ not list", "1. not list", "2) no", "==="],
)
def test_line_start_markers_are_escaped(line: str) -> None:
    html = f"<p>{line.replace('>', '&gt;')}</p><p>x<br>{line.replace('>', '&gt;')}</p>"
    rendered = render(html_to_markdown(html))
    assert [ln.strip() for ln in rendered.splitlines() if ln.strip()] == [line, "x", line]


def test_escaped_html_text_is_shown_not_interpreted() -> None:
    html = "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;x&lt;/b&gt;</p>"
    md = html_to_markdown(html)
    assert "\\<script>" in md
    assert seen(html) == "<script>alert(1)</script> and <b>x</b>"


def test_exclamation_before_a_link_does_not_make_an_image() -> None:
    html = '<p>Wow!<a href="https://ex.com/p">pic</a></p>'
    assert seen(html) == "Wow!pic (https://ex.com/p)"


def test_real_script_element_never_reaches_output() -> None:
    md = html_to_markdown("<p>a</p><script>alert(1)</script><p>b</p>")
    assert "alert" not in md


def test_liquid_like_text_is_kept_literally() -> None:
    assert seen("<p>{{ site.title }} {% if x %}</p>") == "{{ site.title }} {% if x %}"


# --------------------------------------------------------------------------- whitespace


def test_no_space_inserted_between_cjk_across_source_newlines() -> None:
    html = "<p>中文\n中文\n  <b>强调</b>\n文字 english\nword 中文\nabc</p>"
    assert html_to_markdown(html) == "中文中文**强调**文字 english word 中文 abc\n"
    assert html_to_text(html) == "中文中文强调文字 english word 中文 abc"


def test_html_whitespace_collapses() -> None:
    assert html_to_markdown("<p>  a \n\t  b   </p>") == "a b\n"


def test_nbsp_only_paragraphs_and_blank_runs_disappear() -> None:
    md = html_to_markdown("<p>a</p><p>&nbsp;</p><p> \u00a0 </p><div><br><br></div><p>b</p>")
    assert md == "a\n\nb\n"


def test_u2028_becomes_a_line_break_and_fffd_stays() -> None:
    md = html_to_markdown("<p>one\u2028two \ufffd</p>")
    assert md == "one\\\ntwo \ufffd\n"
    assert html_to_text("<p>one\u2028two</p>") == "one\ntwo"


def test_array_artifact_is_removed() -> None:
    html = "<div>Array</div><div><p>Real text</p></div>"
    assert html_to_markdown(html) == "Real text\n"
    assert html_to_text(html) == "Real text"


def test_output_ends_with_single_newline_and_empty_input_is_empty() -> None:
    assert html_to_markdown("<p>x</p>\n\n\n") == "x\n"
    for empty in ("", "   ", "<p></p>", "<div>&nbsp;</div>", "<script>x</script>"):
        assert html_to_markdown(empty) == ""
        assert html_to_text(empty) == ""


# --------------------------------------------------------------------------- control chars


def test_control_characters_are_stripped() -> None:
    html = "<p>a\x00b\x08c\x1bd\x7fe\x85f\x9fg\th&#1;i&#x81;j&#x9b;k</p>"
    for out in (html_to_markdown(html), html_to_text(html)):
        assert not CONTROL.search(out)
        assert "abcdefg" in out


def test_crlf_and_lone_cr_are_newlines() -> None:
    assert html_to_markdown("<p>a\r\nb\rc</p>") == "a b c\n"


# --------------------------------------------------------------------------- plain text


def test_text_separates_blocks_and_drops_markup() -> None:
    html = (
        "<h1>Head</h1><p>para <b>bold</b> <a href='https://x.io'>link</a></p>"
        "<ul><li>one</li><li>two</li></ul><img src='https://i/x.png' alt='pic'>"
        "<table><tr><td>c1</td><td>c2</td></tr></table>"
    )
    assert html_to_text(html) == "Head\npara bold link\none\ntwo\nc1\nc2"


def test_text_keeps_inline_runs_together() -> None:
    assert html_to_text("<p>a<span>b</span><em>c</em> d</p>") == "abc d"


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "tag", ["div", "blockquote", "ul><li", "b", "i><b", "span", "table><tr><td"]
)
def test_deep_nesting_does_not_raise(tag: str) -> None:
    html = f"<{tag}>" * 5000 + "deep" + "</div>" * 10 + "<p>after</p>"
    md = html_to_markdown(html)
    text = html_to_text(html)
    assert "deep" in md
    assert "after" in md
    assert text.split() == ["deep", "after"]


def test_large_body_converts() -> None:
    html = (
        "<div>" + "<p>段落 <b>粗</b> <a href='https://x.io/p'>link</a> text</p>" * 40000 + "</div>"
    )
    md = html_to_markdown(html)
    assert md.count("[link](https://x.io/p)") == 40000
    assert len(html_to_text(html)) > 40000 * 10


def test_broken_html_does_not_raise() -> None:
    for html in ("<p><b>unclosed <i>tags", "</div></p>", "<a href=", "<<>>&&;;", "<table><td>x"):
        assert not CONTROL.search(html_to_markdown(html))
        assert not CONTROL.search(html_to_text(html))


HTMLISH = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.sampled_from(
            [
                "<p>", "</p>", "<b>", "</b>", "<i>", "<a href='http://x'>", "<a href=javascript:x>",
                "</a>", "<ul>", "<li>", "</ul>", "<ol start=99999999999>", "<table>", "<tr>",
                "<td colspan=9999>", "<th rowspan=0>", "</table>", "<pre>", "</pre>", "<code>",
                "<br>", "<hr>", "<img src=data:x alt='[x]'>", "<blockquote>", "<h2>", "</h2>",
                "<script>", "</script>", "<svg>", "<video>", "\u2028", "\x00", "\x85", "&#0;",
                "&#x9f;", "&lt;", "*", "_", "`", "#", "> ", "\n- ", "\n1. ", "|", "中\n文",
                "\ufdd0", "\ufdd1", "&nbsp;", "<figure>", "<figcaption>", "<del>", "<!--",
            ]
        ),
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HTMLISH)
def test_property_never_raises_and_never_emits_controls(html: str) -> None:
    md = html_to_markdown(html)
    text = html_to_text(html)
    assert isinstance(md, str)
    assert isinstance(text, str)
    assert not CONTROL.search(md)
    assert not CONTROL.search(text)
    assert md == "" or (md.endswith("\n") and not md.endswith("\n\n"))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_property_plain_text_is_shown_verbatim(text: str) -> None:
    """Any text (escaped into HTML) renders as itself: it never becomes markup."""
    words = text.split()
    if not words or CONTROL.search(text) or any(ord(c) >= 0xFDD0 for c in text):
        return
    html = "<p>" + " ".join(words).replace("&", "&amp;").replace("<", "&lt;") + "</p>"
    rendered = render(html_to_markdown(html))
    assert "".join(rendered.split()) == "".join(words)


# --------------------------------------------------------------------------- real corpus


def _body(text: str) -> str:
    """Crude header split: after front matter and after a ``------`` line if one follows."""
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].strip() == "---":
        i += 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    for k in range(i, min(i + 6, len(lines))):
        if lines[k].strip() == "------":
            i = k + 1
            break
    return "\n".join(lines[i:])


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix == ".md")


@pytest.mark.corpus
def test_real_corpus_converts_and_renders_without_html() -> None:
    files = _corpus_files()
    if not files:
        pytest.skip("real corpus not present")
    failures = []
    for path in files:
        body = _body(path.read_text(encoding="utf-8", errors="replace"))
        md = html_to_markdown(body)
        text = html_to_text(body)
        rendered = " ".join(render(md).split())
        # Tags may only appear where the article's own text shows them (escaped &lt;a&gt;).
        allowed = set(HTML_TAG.findall(" ".join(text.split()) + " "))
        leaked = set(HTML_TAG.findall(rendered + " ")) - allowed
        if leaked or CONTROL.search(md) or CONTROL.search(text):
            failures.append((path.name, sorted(leaked)[:3]))
        if body.strip() and "<" in body and len(text) > 20:
            assert md, path.name
    assert failures == []
