"""Minimal cases for what fuzzing and the pathological-HTML review of issue 6 found.

Each was a multi-second (or unbounded) freeze of the reader in ``tui.body.markdown``;
the assertions check the structure of the fix, and the inputs are sized so the old
code would stall the suite (not a timed assertion: a hang, not a slow pass, fails).
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from tui.body.budget import flatten_deep
from tui.body.inline import CJK_NEWLINE, escape
from tui.body.markdown import (
    MAX_HTML_CHARS,
    MAX_NODES,
    MAX_PARSE_DEPTH,
    TRUNCATED_NOTE,
    html_to_markdown,
    html_to_text,
)


def _depth(html: str) -> int:
    """The deepest element lexbor builds for ``html``."""
    body = LexborHTMLParser(html).body
    assert body is not None
    deepest = 0
    stack = [(body, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            stack.append((child, depth + 1))
            child = child.next
    return deepest


def test_cjk_then_many_newlines_is_linear() -> None:
    # was: "(?<=CJK)[ws\n]*\n[ws\n]*(?=CJK)" backtracked quadratically (40 KB: 13 s)
    html = "中" + "\n" * 200_000 + "x"
    assert html_to_markdown(html) == "中 x\n"
    assert "\n" not in CJK_NEWLINE.pattern.split("]*")[0]


def test_cjk_newline_rule_still_joins_cjk_lines() -> None:
    assert html_to_markdown("<p>中文\n  \n字</p>") == "中文字\n"
    assert html_to_markdown("<p>中<b>\n</b>\n文</p>").startswith("中")


def test_deep_block_nesting_is_flattened_before_parsing() -> None:
    # was: lexbor's stack-of-open-elements scans made 100,000 nested <div> take 11 s
    for opener in ("<div>", "<dl><dd>", "<ul><li>", "<blockquote>"):
        html = opener * 60_000 + "deep text" + "<p>after</p>"
        flat = flatten_deep(html)
        assert _depth(flat) <= 2 * MAX_PARSE_DEPTH + 4, opener
        assert "deep text" in html_to_markdown(html)
        assert html_to_text(html).split() == ["deep", "text", "after"]


def test_flattening_leaves_ordinary_html_alone() -> None:
    html = "<div>" * 100 + "<p>x</p>" * 2000 + "</div>" * 100
    assert flatten_deep(html) == html


def test_dense_body_is_cut_with_a_visible_notice() -> None:
    # was: 10 MB of "<b>x</b><i>y</i>" took 9 s to convert
    html = "<b>x</b><i>y</i>" * (MAX_NODES // 2)
    md = html_to_markdown(html)
    assert md.splitlines()[-1] == "*" + escape(TRUNCATED_NOTE, True) + "*"
    assert md.count("x") < MAX_NODES


def test_oversized_html_is_cut_with_a_notice() -> None:
    html = "<p>" + "word " * (MAX_HTML_CHARS // 5 + 10_000) + "END</p>"
    md = html_to_markdown(html)
    assert "END" not in md
    assert "truncated" in md.splitlines()[-1]
    assert "END" not in html_to_text(html)


def test_small_bodies_carry_no_notice() -> None:
    assert "truncated" not in html_to_markdown("<p>short</p>" * 1000)


def test_stray_end_tags_do_not_hide_deep_nesting() -> None:
    # was: each stray `</h1>` counted as closing the last `<ol>`, so 12,000 nested
    # lists reached the parser (found by `make fuzz`: 2 s for 640 KB).
    html = "<img src=x alt='[b]x'>false<ol start=99999999999></h1>" * 3000
    flat = flatten_deep(html)
    assert flat.count("<ol") == MAX_PARSE_DEPTH
    assert flat.count("false") == 3000  # text is never dropped
    assert _depth(flat) <= MAX_PARSE_DEPTH + 4
    # Balanced markup is left alone, stray end tags included.
    assert flatten_deep("<div>a</h1></div>" * 600) == "<div>a</h1></div>" * 600


def test_deeply_nested_lists_stop_at_the_block_work_budget() -> None:
    # was: every nesting level re-indented everything below it: 2.7 MB of HTML became
    # 27 MB of Markdown in 11 s.
    html = "<img src=x alt='[b]x'>false<ol start=99999999999></h1>" * 12_000
    out = html_to_markdown(html)
    assert TRUNCATED_NOTE.split(":")[0] in out
    assert len(out) < len(html)
    # A real nested list is untouched by the budget.
    small = "<ol><li>one<ol><li>two<ol><li>three</li></ol></li></ol></li></ol>"
    assert "truncated" not in html_to_markdown(small)
    assert "three" in html_to_markdown(small)
