"""What the reader shows of a body (tui.body.caps): the display caps and the Markdown chunks.

Splitting is checked by rendering with Rich, as the reader does: chunks joined by
one blank line must render exactly as the whole text. The caps are module
constants read at call time, so tests may lower them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.markdown import Markdown

import tui.body.caps as caps
from tui.body.caps import (
    CHUNK_CHARS,
    MARKDOWN_CAP,
    NO_TEXT,
    Source,
    human_size,
    prepare,
    split_markdown,
)
from tui.body.markdown import html_to_markdown
from tui.body.text import html_to_text
from tui.files.parser import load_body, parse


def huge_html(size: int) -> str:
    """Numbered paragraphs up to ``size`` bytes: a line tells how far the text goes."""
    parts: list[str] = []
    total = index = 0
    while total < size:
        part = f"<p>Paragraph {index} says the same long thing again and again and again.</p>\n"
        parts.append(part)
        total += len(part)
        index += 1
    return "".join(parts)


def whole(markdown: str, width: int) -> list[str]:
    """Markdown as the reader renders it (Rich), as plain lines without trailing blanks."""
    console = Console(file=io.StringIO(), width=width, force_terminal=True)
    lines = console.render_lines(Markdown(markdown, hyperlinks=False), console.options, pad=False)
    text = ["".join(segment.text for segment in line) for line in lines]
    while text and not text[-1]:
        text.pop()
    return text


def joined(chunks: list[str], width: int) -> list[str]:
    """Render chunks the way the reader does: one blank line between them."""
    lines: list[str] = []
    for chunk in chunks:
        if lines:
            lines.append("")
        lines += whole(chunk, width)
    return lines


# -- the caps ----------------------------------------------------------------------


def test_cap_cuts_a_huge_body_at_a_block_and_says_how_much() -> None:
    html = huge_html(10_000_000)
    source = prepare(html)
    assert source.truncated
    assert source.size == len(html.encode())
    assert 0 < source.shown < source.size
    assert len(source.markdown) <= MARKDOWN_CAP
    assert source.markdown.startswith("Paragraph 0 says")
    assert source.markdown.rstrip().endswith("again.")  # cut between paragraphs
    assert len(source.html) < len(html) and source.html.endswith(">")
    assert source.notice is not None
    assert "10.0 MB" in source.notice and human_size(source.shown) in source.notice


def test_cap_leaves_small_bodies_and_whole_requests_alone() -> None:
    html = huge_html(20_000)
    source = prepare(html)
    assert not source.truncated and source.markdown == html_to_markdown(html)
    assert source.shown == source.size
    assert source.notice is None
    big = huge_html(3_000_000)
    full = prepare(big, whole=True)
    assert not full.truncated and full.html is big
    assert full.markdown == html_to_markdown(big)


def test_caps_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caps, "HTML_CAP", 20_000)
    monkeypatch.setattr(caps, "MARKDOWN_CAP", 10_000)
    html = huge_html(60_000)
    source = prepare(html)
    assert source.truncated and len(source.markdown) <= 10_000
    assert not prepare(html, whole=True).truncated


def test_human_size_uses_thousands() -> None:
    assert human_size(999) == "1.0 KB"
    assert human_size(5_000) == "5.0 KB"
    assert human_size(10_000_000) == "10.0 MB"


def test_described_extracts_text_once_and_lets_the_html_go() -> None:
    html = "<p>Some <b>words</b> here.</p>"
    source = prepare(html)
    assert source.text == "" and source.html == html
    described = source.described()
    assert described.text == html_to_text(html)
    assert described.html == "" and described.markdown == source.markdown
    assert described.described() is described
    cached = Source("md", "text")
    assert cached.described() is cached


# -- chunks ------------------------------------------------------------------------


def test_chunks_show_a_placeholder_for_an_empty_body() -> None:
    assert prepare("").chunks(0) == [NO_TEXT]
    assert prepare("<div> </div>").chunks(1_000) == [NO_TEXT]


def test_chunks_head_first_else_whole_unless_long() -> None:
    markdown = "\n\n".join(f"Paragraph {i} " + "word " * 40 for i in range(500))
    source = Source(markdown, "")
    head = source.chunks(1_000)
    assert 1_000 <= len(head[0]) < 2_000 and "\n\n".join(head) == markdown
    long = source.chunks(0)  # long enough to stop promptly when cancelled
    assert len(markdown) > CHUNK_CHARS * 4 and len(long) > 1
    assert all(len(chunk) < CHUNK_CHARS + 1_000 for chunk in long)
    short = Source("Just a line.", "")
    assert short.chunks(0) == ["Just a line."]


# -- splitting ---------------------------------------------------------------------

TRICKY = "\n\n".join(
    [
        "# Heading one",
        "A first paragraph with *emphasis* and a [link](https://example.com/a).",
        "- loose item one\n\n- loose item two\n\n  continued inside item two",
        "Paragraph after the list.",
        "```python\ndef f():\n\n    return 1\n\n\nprint(f())\n```",
        "    indented code\n\n    still indented code",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "> a quote\n>\n> more quote",
        "1. first\n\n2. second",
        "---",
        "After the rule.",
        "中文段落，" * 40,
        "~~~~\nfence with ``` inside\n\n~~~\nstill fenced\n~~~~",
        "Last paragraph.",
    ]
)


def test_split_renders_like_the_whole() -> None:
    chunks = split_markdown(TRICKY, first=1, rest=1)
    assert len(chunks) > 5
    for width in (78, 36):
        assert joined(chunks, width) == whole(TRICKY, width)


def test_split_never_cuts_fences_lists_or_after_a_rule() -> None:
    chunks = split_markdown(TRICKY, first=1, rest=1)
    for chunk in chunks:
        assert chunk.count("```python") == chunk.count("print(f())")
        assert ("~~~~\nfence" in chunk) == ("still fenced" in chunk)
        assert not chunk.rstrip().endswith("---")
        assert not chunk.startswith(("  continued", "2. second", "    still"))


def test_split_keeps_reference_links_whole() -> None:
    markdown = "See [the report][r].\n\n" + "Filler paragraph.\n\n" * 50 + "[r]: https://x.org/r\n"
    assert split_markdown(markdown, first=10, rest=10) == [markdown]


def test_split_respects_sizes_and_loses_nothing() -> None:
    markdown = "\n\n".join(f"Paragraph {i} " + "word " * 40 for i in range(200))
    chunks = split_markdown(markdown, first=1_000, rest=5_000)
    assert 1_000 <= len(chunks[0]) < 2_000
    assert all(4_000 < len(chunk) < 6_000 for chunk in chunks[1:-1])
    assert "\n\n".join(chunks) == markdown


def test_split_real_articles_render_like_the_whole(real_corpus: Path) -> None:
    largest = sorted(real_corpus.iterdir(), key=lambda p: p.stat().st_size, reverse=True)[:6]
    for path in largest:
        markdown = html_to_markdown(load_body(parse(path, header_only=True)))
        chunks = split_markdown(markdown, first=2_000, rest=4_000)
        assert len(chunks) > 1, path.name
        assert joined(chunks, 70) == whole(markdown, 70), path.name
