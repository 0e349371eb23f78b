"""CJK line breaking (tui.body.linebreak) and the seam that makes Rich use it (tui.body.rich_wrap).

Typography is checked on real Chinese paragraphs (the corpus, when present) and on a few
written here, at widths 30-100: lines fill the width unless a rule forbids it, no line
starts with closing or ends with opening punctuation, Latin words and wide characters
are never split, and the text comes back whole. Then through Rich's Markdown, so the
seam itself is exercised in every kind of block.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
import rich.text
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text

from tui.body import linebreak, rich_wrap
from tui.body.linebreak import NO_END, NO_START, break_offsets, fold, opportunities
from tui.body.rich_wrap import divide_line, rich_char_width, rich_graphemes

WIDTHS = (30, 33, 40, 46, 52, 60, 71, 80, 100)

PARAGRAPHS = (
    # The example: a Latin word (a year) inside Chinese text.
    "來日本生活九個月以後，在 2024 年七月考了日檢 N2，結果比預期的好很多。我想這是因為每天"
    "都在用日語跟朋友聊天的緣故，也因為每天晚上都看一集《深夜食堂》，學了不少口語的說法。",
    # Quotes, brackets, ellipses and a long URL.
    "他說：「這件事情我們已經討論了很久（大概有三個月），但是始終沒有結論……」然後他"
    "打開電腦，給我看了一個網址 https://example.com/a/very/long/path/that/does/not/fit/anywhere "
    "說這就是答案。我問他：『你確定嗎？』他笑了笑，沒有回答。",
    # Simplified Chinese with English names and numbers.
    "据《纽约时报》报道，OpenAI 和 Microsoft 在 2023 年签署了一项价值 100 亿美元的协议，"
    "这是人工智能领域迄今为止最大的一笔投资之一。分析人士认为，这笔交易将重塑整个科技行业"
    "的竞争格局，而 Google、Meta 与 Amazon 也正在加紧布局。",
    # Japanese: small kana and the prolonged sound mark may not start a line.
    "きょうはとても暑かったので、ちょっとコーヒーショップに寄ってアイスコーヒーを飲みました。"
    "ショッピングセンターのエスカレーターはいつもより混んでいて、みんなぐったりしていました。",
)

_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


def lines_of(text: str, width: int) -> list[str]:
    """``text`` cut where the seam's divide_line says (before Rich strips anything)."""
    offsets = divide_line(text, width)
    bounds = [0, *offsets, len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]


def check_typography(text: str, width: int) -> None:
    """Every rule of issue 13 for one paragraph at one width."""
    offsets = divide_line(text, width)
    assert offsets == sorted(set(offsets))
    assert all(0 < o < len(text) for o in offsets)
    starts = {span[0] for span in rich_graphemes(text)}
    assert set(offsets) <= starts, "a cut inside a grapheme"
    lines = lines_of(text, width)
    allowed = set(opportunities(text))
    for index, line in enumerate(lines):
        body = line.rstrip()
        where = f"width {width}, line {index}: {line!r}"
        assert cell_len(body) <= width, f"overflow at {where}"
        if index:
            assert line[0] not in NO_START, f"forbidden start at {where}"
        if index < len(lines) - 1:
            assert body and body[-1] not in NO_END, f"forbidden end at {where}"
            # Filled to within 2 cells unless the next unbreakable run does not fit.
            start = sum(map(len, lines[: index + 1]))
            nxt = min((o for o in allowed if o > start), default=len(text))
            unit = text[start:nxt].rstrip()
            short = width - cell_len(body)
            assert short <= 2 or cell_len(line) + cell_len(unit) > width, f"short at {where}"
    for offset in offsets:  # a Latin word is split only when it is longer than the line
        if text[offset - 1 : offset + 1].isascii() and text[offset - 1 : offset + 1].isalnum():
            word = next(m for m in _LATIN_WORD.finditer(text) if m.start() < offset < m.end())
            assert cell_len(word.group()) > width, f"split {word.group()!r} at width {width}"


def check_through_rich(text: str, width: int) -> None:
    """Rich's Text.wrap (the seam) keeps every character, only spaces at the breaks go."""
    console = Console(file=io.StringIO(), width=width)
    lines = [line.plain for line in Text(text).wrap(console, width)]
    assert all(cell_len(line) <= width for line in lines)
    position = 0
    for line in lines:
        while position < len(text) and text[position].isspace() and not line[:1].isspace():
            position += 1
        body = line.rstrip()
        assert text.startswith(body, position), (line, text[position : position + 20])
        position += len(body)
    assert not text[position:].strip()


# --------------------------------------------------------------------------- the seam


def test_rich_wraps_through_the_name_the_seam_replaces() -> None:
    # If a Rich upgrade renames or inlines divide_line, this fails instead of the reader
    # silently going back to breaking Chinese at spaces.
    assert "divide_line" in rich.text.Text.wrap.__code__.co_names
    assert callable(rich.text.divide_line)
    assert rich_wrap.install() is True
    assert rich_wrap.install() is True  # idempotent
    assert rich_wrap.installed()
    assert rich.text.divide_line is divide_line


def test_the_seam_changes_what_rich_renders_and_uninstalls() -> None:
    text = PARAGRAPHS[0]
    console = Console(file=io.StringIO(), width=40)
    rich_wrap.install()
    try:
        first = Text(text).wrap(console, 40)[0].plain
        assert first.startswith("來日本生活九個月以後，在 2024 年七月")
        assert cell_len(first.rstrip()) >= 38
        rich_wrap.uninstall()
        assert not rich_wrap.installed()
        assert Text(text).wrap(console, 40)[0].plain.rstrip().endswith("2024")
    finally:
        rich_wrap.install()


def test_text_without_cjk_wraps_exactly_as_rich_does() -> None:
    for text in (
        "The quick brown fox jumps over the lazy dog, well-known and co-operative " * 4,
        "  indented text with a veryveryveryverylongwordthatdoesnotfitanywhere at all",
        "Café crème brûlée — naïve façade, résumé of “quoted” words " * 3,
    ):
        for width in (1, 5, 10, 23, 40):
            for fold_long in (True, False):
                expected = rich_wrap.RICH_DIVIDE_LINE(text, width, fold_long)
                assert divide_line(text, width, fold_long) == expected


def test_install_refuses_a_module_without_the_name() -> None:
    import types

    stranger = types.ModuleType("stranger")
    assert rich_wrap.install(stranger) is False
    assert not hasattr(stranger, "divide_line")
    assert rich_wrap.installed()  # rich.text is still done


# --------------------------------------------------------------------------- the contract


def test_offsets_keep_rich_contract() -> None:
    text = "  前面有空格的一段中文，測試縮排會不會被單獨留在一行。"
    offsets = break_offsets(text, 10)
    assert offsets and offsets[0] > 2  # leading spaces stay with the first word
    assert 0 not in break_offsets("中文" * 20, 6)
    assert break_offsets("中文", 10) == []
    assert break_offsets("", 10) == []


def test_spaces_after_a_word_stay_on_its_line_and_do_not_count() -> None:
    text = "中文中文 English words 中文"
    lines = lines_of(text, 9)
    assert lines[0] == "中文中文 "  # 8 cells + a space that Rich strips
    assert all(not line.startswith(" ") for line in lines[1:])


def test_a_run_longer_than_the_line_is_folded_or_left_for_cropping() -> None:
    url = "https://example.com/averyveryveryverylongsegmentwithoutanyslashes"
    text = f"網址是 {url} 。"
    folded = lines_of(text, 20)
    assert all(cell_len(line.rstrip()) <= 20 for line in folded)
    assert "".join(folded) == text
    cropped = break_offsets(text, 20, False)
    bounds = [0, *cropped, len(text)]
    pieces = [text[a:b] for a, b in pairwise(bounds)]
    assert any(cell_len(p.rstrip()) > 20 for p in pieces)  # whole, for Rich to crop
    assert "averyveryveryverylongsegmentwithoutanyslashes" in "".join(pieces)


def test_a_fold_never_splits_a_wide_character_nor_starts_with_closing_punctuation() -> None:
    assert fold("中文字", 3) == ["中", "文", "字"]
    assert fold("中", 1) == ["中"]  # alone on its line, never cut
    assert fold("abcdefgh。", 8) == ["abcdefg", "h。"]  # the 。 takes the h down
    assert fold("abcdefg「h", 8) == ["abcdefg", "「h"]  # the 「 goes down with its h
    # Seen in the corpus: a URL, a space, then 》 (no opportunity before it, even after a space).
    pieces = fold("abcdefgh) 》，xyz", 9)
    assert all(not p[0].isspace() and p.lstrip()[0] not in NO_START for p in pieces[1:])
    assert fold("a    b", 2) == ["a    ", "b"]  # spaces never start a piece


def test_opportunities_follow_uax14_with_cjk_rules() -> None:
    text = "他說：「我（真的）不知道……」ちょっとコーヒー。"
    breaks = set(opportunities(text))
    for index, char in enumerate(text):
        if char in NO_START:
            assert index not in breaks, char
        if char in NO_END:
            assert index + 1 not in breaks, char
    assert text.index("不") in breaks  # between ideographs
    assert text.index("ょ") not in breaks  # small kana: strict
    assert text.index("ー") not in breaks  # prolonged sound mark
    astral = "𠀀𠀁中文😀字"  # ICU counts UTF-16 units; offsets come back in code points
    assert opportunities(astral) == [1, 2, 3, 4, 5]
    assert opportunities("中文😀字𠀀") == [1, 2, 3, 4]  # BMP first, astral later


def reference_offsets(text: str, width: int, fold_long: bool = True) -> list[int]:
    """The oracle: Rich's own divide_line loop, word by word, over UAX #14 runs.

    break_offsets finds the same lines by bisection over cumulative widths.
    """
    lead = len(text) - len(text.lstrip())
    bounds = [0, *(cut for cut in opportunities(text) if cut > lead), len(text)]
    offsets: list[int] = []
    cell_offset = 0
    for start, end in pairwise(bounds):
        word = text[start:end]
        word_length = cell_len(word.rstrip())
        if width - cell_offset >= word_length:
            cell_offset += cell_len(word)
        elif word_length > width:
            stripped = word.rstrip()
            pieces = fold(stripped, width, rich_graphemes) if fold_long else [stripped]
            pieces[-1] += word[len(stripped) :]
            for piece in pieces[:-1]:
                if start:
                    offsets.append(start)
                start += len(piece)
            if start:
                offsets.append(start)
            cell_offset = cell_len(pieces[-1])
        elif cell_offset and start:
            offsets.append(start)
            cell_offset = cell_len(word)
    return offsets


_ALPHABET = list("中文字詞，。、「」（）… abcXYZ012-/ぁー😀\u0301\u200d\ufe0f\u3000")


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(_ALPHABET), max_size=120),
    st.integers(min_value=1, max_value=40),
    st.booleans(),
)
def test_break_offsets_agree_with_the_word_by_word_oracle(
    text: str, width: int, fold_long: bool
) -> None:
    # Rich measures a joiner or selector at the very start two ways (cell_len skips the
    # next character, split_graphemes does not): we follow split_graphemes.
    text = text.lstrip("\u200d\ufe0f")
    expected = reference_offsets(text, width, fold_long)
    assert divide_line(text, width, fold_long) == expected or not rich_wrap.breaks_by_uax14(text)
    got = break_offsets(
        text, width, fold_long, char_width=rich_char_width, measure_graphemes=rich_graphemes
    )
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(_ALPHABET), max_size=120),
    st.integers(min_value=1, max_value=40),
)
def test_any_text_gives_lines_within_the_width(text: str, width: int) -> None:
    # With Rich's widths (the seam) and with the Rich-free defaults.
    for measure, char, spans in (
        (cell_len, rich_char_width, rich_graphemes),
        (linebreak.cell_len, linebreak.char_cells, linebreak.graphemes),
    ):
        offsets = break_offsets(text, width, char_width=char, measure_graphemes=spans)
        assert offsets == sorted(set(offsets))
        assert all(0 < o < len(text) for o in offsets)
        bounds = [0, *offsets, len(text)]
        for a, b in pairwise(bounds):
            body = text[a:b].rstrip()
            assert measure(body) <= width or len(spans(body)) == 1, (text[a:b], width)


# --------------------------------------------------------------------------- typography


@pytest.mark.parametrize("width", WIDTHS)
def test_typography_of_written_paragraphs(width: int) -> None:
    for text in PARAGRAPHS:
        check_typography(text, width)
        check_through_rich(text, width)


def _corpus_paragraphs(root: Path, articles: int = 12, per_article: int = 15) -> Iterator[str]:
    from tui.body.text import html_to_text
    from tui.files.parser import parse

    taken = 0
    for path in sorted(root.iterdir()):
        article = parse(path)
        if not article.ok or not article.body:
            continue
        paragraphs = [
            line.strip()
            for line in html_to_text(article.body).split("\n")
            if len(line.strip()) > 40 and len(re.findall(r"[\u4e00-\u9fff]", line)) > 20
        ]
        if len(paragraphs) < 3:
            continue
        yield from paragraphs[:per_article]
        taken += 1
        if taken == articles:
            return


@pytest.mark.corpus
def test_typography_of_real_chinese_paragraphs(real_corpus: Path) -> None:
    paragraphs = list(_corpus_paragraphs(real_corpus))
    assert len(paragraphs) >= 50
    for width in WIDTHS:
        for text in paragraphs:
            check_typography(text, width)
    for text in paragraphs[:40]:
        check_through_rich(text, 46)


# --------------------------------------------------------------------------- through Markdown


MARKDOWN = f"""\
# 標題：在日本生活的第一年，我學到的事情（上）

{PARAGRAPHS[0]}

- {PARAGRAPHS[2]}
- 第二項：「括號」裡的內容不能被拆開，標點符號也不能出現在行首。

> {PARAGRAPHS[1]}

| 項目 | 說明 |
| --- | --- |
| 日檢 N2 | {PARAGRAPHS[0][:60]} |
"""

_DECORATION = re.compile(r"^[\s•▌│┃|╭╮╰╯┏┓┗┛━─┌┐└┘├┤┼┡┩╇]*(?:\d+\.\s)?")


def _render(markdown: str, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, highlight=False, emoji=False)
    return [
        "".join(segment.text for segment in line)
        for line in console.render_lines(Markdown(markdown), pad=False)
    ]


@pytest.mark.parametrize("width", (30, 46, 60, 80))
def test_markdown_blocks_break_by_cjk_rules(width: int) -> None:
    rich_wrap.install()
    rendered = _render(MARKDOWN, width)
    for line in rendered:
        cells = line.split("│") if "│" in line else [line]
        for cell in cells:
            body = _DECORATION.sub("", cell).strip()
            if body:
                assert body[0] not in NO_START, f"forbidden start at width {width}: {line!r}"
                assert body[-1] not in NO_END, f"forbidden end at width {width}: {line!r}"
    assert all(cell_len(line) <= width for line in rendered)
    # The paragraph's first line is filled past the Latin word, not cut at its space.
    first = next(line for line in rendered if "來日本" in line)
    assert "2024" in first and cell_len(first.rstrip()) >= width - 2
    # Each kind of block wrapped by the seam: its text is there, broken between ideographs.
    text = "".join(rendered)
    for marker in ("第一年", "OpenAI", "括號", "始終沒有結論", "日檢 N2"):
        assert marker in text.replace(" ", "").replace("│", "") or marker in text


def test_markdown_without_the_seam_still_breaks_at_spaces() -> None:
    # The same document, the seam off: the old behaviour this module fixes (line cut at 2024).
    rich_wrap.uninstall()
    try:
        rendered = _render(PARAGRAPHS[0], 40)
        assert rendered[0].rstrip().endswith("2024")
    finally:
        rich_wrap.install()
