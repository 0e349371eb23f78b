"""The article list: cell-width fitting, keyboard/mouse behaviour, virtual rendering."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.cells import cell_len, split_graphemes
from rich.segment import Segment
from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

from tests.locations import REAL_CORPUS
from tui.app.messages import HIGHLIGHT_CHUNK
from tui.app.widgets.article_list import (
    ArticleList,
    column_widths,
    date_text,
)
from tui.app.widgets.cells import ELLIPSIS, center, fit, measure_fit, sanitize
from tui.model import Article

# --------------------------------------------------------------------------- helpers


_DEFAULT_DATE = object()


def make(
    i: int,
    title: str | None = None,
    source: str = "Reuters",
    date: datetime | object | None = _DEFAULT_DATE,
) -> Article:
    return Article(
        path=Path(f"a{i}.txt"),
        format="feed",
        title=f"Article number {i}" if title is None else title,
        date=datetime(2024, 1, 1 + i % 28, 12, tzinfo=UTC) if date is _DEFAULT_DATE else date,  # type: ignore[arg-type]
        source=source,
    )


def grapheme_ends(text: str) -> set[int]:
    """Indices at which ``text`` may be cut without splitting a grapheme."""
    spans, _ = split_graphemes(text)
    return {0} | {end for _start, end, _cells in spans}


def strip_cells(strip: Strip) -> int:
    """Cell length measured from the segment texts, not the Strip's stored length."""
    return sum(cell_len(segment.text) for segment in strip)


class CountingList(ArticleList):
    """Records which article indices were drawn."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y + self.scroll_offset.y)
        return super().render_line(y)


class ListApp(App[None]):
    def __init__(
        self,
        articles: Sequence[Article] = (),
        highlights: Sequence[Sequence[int]] = (),
        *,
        more_highlights: bool = False,
    ) -> None:
        super().__init__()
        self.articles = articles
        self.highlights = highlights
        self.more_highlights = more_highlights
        self.moved: list[ArticleList.CursorMoved] = []
        self.opened: list[ArticleList.Opened] = []
        self.wanted: list[ArticleList.HighlightsWanted] = []

    def compose(self) -> ComposeResult:
        yield CountingList()

    def on_mount(self) -> None:
        self.query_one(ArticleList).show(
            self.articles, self.highlights, more_highlights=self.more_highlights
        )

    def on_article_list_cursor_moved(self, message: ArticleList.CursorMoved) -> None:
        self.moved.append(message)

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.opened.append(message)

    def on_article_list_highlights_wanted(self, message: ArticleList.HighlightsWanted) -> None:
        """Answer as a screen's worker would: highlight the first letter of each title."""
        self.wanted.append(message)
        rows = len(self.articles[message.start : message.start + HIGHLIGHT_CHUNK])
        message.article_list.add_highlights(message.token, message.start, [[0]] * rows)


def the_list(app: ListApp) -> CountingList:
    return app.query_one(CountingList)


def row_text(lst: ArticleList, index: int) -> str:
    """The rendered text of article ``index`` (which must be on screen)."""
    return lst.render_line(index - lst.scroll_offset.y).text


# ------------------------------------------------------------------ cells.fit


SAMPLES = [
    "plain ascii title that is fairly long",
    "中文标题：国务院发布关于进一步优化营商环境的意见",
    "日本語のタイトル、東京で記者会見",
    "mixed 中英 text with emoji 😀🎉 and more",
    "family 👨\u200d👩\u200d👧 emoji sequence 👍🏽 tone",
    "cafe\u0301 re\u0301sume\u0301 combining accents e\u0301e\u0301e\u0301",
    "한국어 제목 테스트 문자열",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_fit_is_exact_width_and_cuts_on_grapheme_boundaries(text: str) -> None:
    ends = grapheme_ends(text)
    for width in range(0, cell_len(text) + 4):
        fitted = fit(text, width)
        assert cell_len(fitted) == width, (text, width, fitted)
        end, mark, pad = measure_fit(text, width)
        assert fitted == text[:end] + mark + " " * pad
        assert end in ends, f"split a grapheme at {end} in {text!r} (width {width})"
        if cell_len(text) <= width:
            assert (end, mark) == (len(text), "")
        elif width >= 1:
            assert mark == ELLIPSIS
            # The longest grapheme-aligned prefix that fits beside the ellipsis,
            # minus trailing spaces, is what must be kept.
            best = max(e for e in ends if cell_len(text[:e]) + 1 <= width)
            assert end == len(text[:best].rstrip(" "))


def test_fit_examples() -> None:
    assert fit("hello", 8) == "hello   "
    assert fit("hello world", 8) == "hello w…"
    assert fit("hello world", 7) == "hello…" + " "  # no space before the ellipsis
    assert fit("中文标题", 8) == "中文标题"
    assert fit("中文标题", 7) == "中文标…"
    # A wide character that would straddle the edge is dropped, the cell padded.
    assert fit("中文标题", 6) == "中文… "
    assert fit("中文标题", 1) == "…"
    assert fit("中文标题", 0) == ""
    assert fit("e\u0301tude", 3) == "e\u0301t…"
    assert fit("e\u0301tude", 2) == "e\u0301…"


def test_fit_never_leaves_half_a_wide_character() -> None:
    for width in range(1, 12):
        kept = fit("😀中😀文😀", width).rstrip(" ").removesuffix(ELLIPSIS)
        assert all(unicodedata.east_asian_width(ch) == "W" for ch in kept)
        assert cell_len(kept) == 2 * len(kept)


def test_zwj_sequence_is_kept_or_dropped_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    for width in range(0, 6):
        kept, _, _ = measure_fit(family + " x", width)
        assert kept in (0, len(family), len(family) + 2), (width, kept)


def test_sanitize_replaces_controls_one_for_one() -> None:
    raw = "a\x1b[31mb\x07c\x9bd\u202ee\tf\ng"
    clean = sanitize(raw)
    assert len(clean) == len(raw)
    assert "\x1b" not in clean and "\x07" not in clean and "\x9b" not in clean
    assert "\u202e" not in clean and "\t" not in clean and "\n" not in clean
    assert clean == "a�[31mb�c�d�e�f�g"
    assert sanitize("中文 [bold]") == "中文 [bold]"


def test_center() -> None:
    assert center("abc", 9) == "   abc   "
    assert center("中文", 7) == " 中文  "
    assert cell_len(center("No articles match", 5)) == 5


@pytest.mark.parametrize("width", range(0, 130))
def test_column_widths_fit_the_row(width: int) -> None:
    date, source, title = column_widths(width)
    assert min(date, source, title) >= 0
    assert date + source + title + (date > 0) + (source > 0) <= width
    if width >= 80:
        assert (date, source) == (10, 14)
        assert title == width - 26


def test_date_text_is_utc_day_or_placeholder() -> None:
    article = make(0)
    article.date = datetime(2022, 1, 1, 7, 30, tzinfo=timezone(timedelta(hours=8)))
    assert date_text(article) == "2021-12-31"  # the reader's zone: 23:30 UTC the day before
    article.date = None
    assert date_text(article) == "----"


async def test_missing_date_shows_a_centred_placeholder() -> None:
    app = ListApp([make(0), make(1, date=None)])
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        assert the_list(app).render_line(1).text.startswith("   ----    Reuters ")


# -------------------------------------------------------------- widget behaviour


async def test_cursor_keys_move_and_post_cursor_moved() -> None:
    articles = [make(i) for i in range(50)]
    app = ListApp(articles)
    async with app.run_test(size=(80, 20)) as pilot:
        lst = the_list(app)
        assert lst.has_focus
        await pilot.pause()
        assert app.moved and app.moved[-1].article is articles[0]
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert lst.cursor == 3 and lst.article is articles[3]
        assert app.moved[-1].index == 3 and app.moved[-1].article is articles[3]
        assert app.moved[-1].control is lst
        await pilot.press("k", "up")
        await pilot.pause()
        assert lst.cursor == 1 and app.moved[-1].article is articles[1]
        await pilot.press("k", "k")  # clamps at the top
        await pilot.pause()
        assert lst.cursor == 0
        await pilot.press("G")
        await pilot.pause()
        assert lst.cursor == 49 and app.moved[-1].index == 49
        await pilot.press("g")
        await pilot.pause()
        assert lst.cursor == 0
        await pilot.press("end")
        await pilot.pause()
        assert lst.cursor == 49
        await pilot.press("home")
        await pilot.pause()
        assert lst.cursor == 0


async def test_paging_keeps_cursor_visible() -> None:
    articles = [make(i) for i in range(500)]
    app = ListApp(articles)
    async with app.run_test(size=(80, 20)) as pilot:
        lst = the_list(app)
        height = lst.scrollable_content_region.height
        await pilot.press("pagedown")
        await pilot.pause()
        assert lst.cursor == height
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert lst.cursor == height + height // 2
        await pilot.press("ctrl+u", "pageup")
        await pilot.pause()
        assert lst.cursor == 0
        for key in ["pagedown"] * 7 + ["j"] * 5 + ["G", "pageup", "ctrl+u", "k"]:
            await pilot.press(key)
            await pilot.pause()
            top = lst.scroll_offset.y
            assert top <= lst.cursor < top + height, key


async def test_enter_posts_opened_with_the_article_under_the_cursor() -> None:
    articles = [make(i) for i in range(10)]
    app = ListApp(articles)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        assert len(app.opened) == 1
        assert app.opened[0].index == 2 and app.opened[0].article is articles[2]


async def test_click_selects_and_opens_the_row() -> None:
    articles = [make(i) for i in range(100)]
    app = ListApp(articles)
    async with app.run_test(size=(80, 20)) as pilot:
        lst = the_list(app)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        top = lst.scroll_offset.y
        assert top > 0
        await pilot.click(CountingList, offset=(30, 4))
        await pilot.pause()
        assert lst.cursor == top + 4
        assert app.opened and app.opened[-1].article is articles[top + 4]


async def test_keymap_can_remap_by_binding_id() -> None:
    ids = {binding.id for binding in ArticleList.BINDINGS if not isinstance(binding, tuple)}
    assert {"list.down", "list.up", "list.first", "list.last", "list.open"} <= ids
    app = ListApp([make(i) for i in range(10)])
    async with app.run_test(size=(80, 20)) as pilot:
        app.set_keymap({"list.down": "n"})
        await pilot.press("n", "n")
        await pilot.pause()
        assert the_list(app).cursor == 2


async def test_show_keeps_cursor_on_same_article_across_refiltering() -> None:
    articles = [make(i) for i in range(100)]
    app = ListApp(articles)
    async with app.run_test(size=(80, 20)) as pilot:
        lst = the_list(app)
        lst.move_cursor(40)
        await pilot.pause()
        chosen = articles[40]
        evens = articles[::2]  # 40 -> index 20
        lst.show(evens)
        await pilot.pause()
        assert lst.cursor == 20 and lst.article is chosen
        top = lst.scroll_offset.y
        assert top <= 20 < top + lst.scrollable_content_region.height
        # A rescan hands out new objects: the path still finds the article.
        rescanned = [make(i) for i in range(100)]
        lst.show(rescanned)
        await pilot.pause()
        assert lst.cursor == 40 and lst.article is rescanned[40]
        # keep_cursor_on wins over the current article.
        lst.show(rescanned, keep_cursor_on=rescanned[77])
        await pilot.pause()
        assert lst.cursor == 77
        assert app.moved[-1].article is rescanned[77]
        # Gone from the view: back to the top, or the same index with fallback="clamp".
        odds = rescanned[1::2]
        lst.show(odds, keep_cursor_on=rescanned[10])
        await pilot.pause()
        assert lst.cursor == 0 and lst.scroll_offset.y == 0
        lst.move_cursor(30)
        lst.show([a for a in odds if a is not odds[30]], fallback="clamp")
        await pilot.pause()
        assert lst.cursor == 30
        assert select_and_check(lst, odds[5])
        assert not lst.select_article(rescanned[10])


def select_and_check(lst: ArticleList, article: Article) -> bool:
    found = lst.select_article(article)
    return found and lst.article is article


async def test_empty_list_shows_message_and_has_no_article() -> None:
    app = ListApp([])
    async with app.run_test(size=(60, 10)) as pilot:
        lst = the_list(app)
        lst.empty_message = "No articles match"
        await pilot.pause()
        width = lst.scrollable_content_region.width
        line = lst.render_line(0)
        assert line.text.strip() == "No articles match"
        assert line.text == center("No articles match", width)
        assert lst.article is None
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.opened == [] and lst.cursor == 0
        lst.show([make(1)])
        await pilot.pause()
        assert "Article number 1" in lst.render_line(0).text
        assert app.moved[-1].index == 0 and app.moved[-1].article is not None
        lst.show([])
        await pilot.pause()
        assert app.moved[-1].article is None


async def test_hundred_thousand_articles_render_only_visible_rows() -> None:
    articles = [make(i, title=f"Headline {i}") for i in range(100_000)]
    app = ListApp(articles, more_highlights=True)

    def asked() -> list[int]:
        """Rows whose highlights the list asked for (a chunk each), none twice."""
        starts = [m.start for m in app.wanted]
        assert len(starts) == len(set(starts))
        return [k for s in starts for k in range(s, min(s + HIGHLIGHT_CHUNK, len(articles)))]

    async with app.run_test(size=(100, 30)) as pilot:
        lst = the_list(app)
        await pilot.pause()
        height = lst.scrollable_content_region.height
        assert lst.virtual_size.height == 100_000
        assert 0 < len(lst.drawn) <= 3 * height
        assert max(lst.drawn) < height
        await pilot.pause()  # the list asked while painting; the answer redraws it
        # Only the chunks holding the rows on screen and the next page are asked for.
        ahead = 2 * height
        chunks_ahead = (ahead + HIGHLIGHT_CHUNK - 1) // HIGHLIGHT_CHUNK * HIGHLIGHT_CHUNK
        assert set(range(height)) <= set(asked()) <= set(range(chunks_ahead))
        assert {i for i in range(height) if lst.matches(i)} == set(range(height))
        lst.drawn.clear()
        app.wanted.clear()
        await pilot.press("G")
        await pilot.pause()
        assert lst.cursor == 99_999 and lst.article is articles[-1]
        assert app.moved[-1].index == 99_999
        assert lst.scroll_offset.y == 100_000 - height
        assert 0 < len(set(lst.drawn)) <= height
        assert min(lst.drawn) >= 100_000 - height
        await pilot.pause()
        assert 99_999 in asked() and len(asked()) <= HIGHLIGHT_CHUNK
        assert lst.matches(99_999) == {0}
        assert "Headline 99999" in row_text(lst, 99_999)


@pytest.mark.parametrize("size", [(40, 12), (61, 12), (80, 12), (133, 12)])
async def test_wide_titles_are_cut_to_the_cell_width(size: tuple[int, int]) -> None:
    titles = [
        "国务院关于进一步优化营商环境更好服务市场主体的实施意见（全文）",
        "東京で大規模な記者会見、政府が新しい経済対策を発表しました",
        "Emoji 😀🎉👍🏽 storm 👨\u200d👩\u200d👧 with family and more emoji 🚀🚀🚀🚀🚀🚀",
        "Cafe\u0301 re\u0301sume\u0301 nai\u0308ve " * 5,
        "x中" * 40,
    ]
    sources = ["新华社", "日本経済新聞 電子版", "😀 Emoji Weekly", "Le Monde", "中" * 20]
    articles = [
        make(i, title=t, source=s) for i, (t, s) in enumerate(zip(titles, sources, strict=True))
    ]
    app = ListApp(articles)
    async with app.run_test(size=size) as pilot:
        lst = the_list(app)
        await pilot.pause()
        width = lst.scrollable_content_region.width
        date_w, source_w, title_w = column_widths(width)
        for index, article in enumerate(articles):
            strip = lst.render_line(index)
            assert strip_cells(strip) == width
            assert strip.cell_length == width
            text = strip.text
            if date_w:
                assert text.startswith(date_text(article))
            # The title column starts after date and source; cells, not characters.
            title_start = date_w + source_w + (date_w > 0) + (source_w > 0)
            title_part = text[len(Strip([Segment(text)]).crop(0, title_start).text) :]
            assert cell_len(title_part) == title_w
            shown = title_part.rstrip(" ").removesuffix(ELLIPSIS)
            assert article.title.startswith(shown)
            assert len(shown) in grapheme_ends(article.title)


async def test_markup_and_controls_in_titles_show_literally() -> None:
    titles = [
        "[bold]not bold[/bold] and [red]not red[/red]",
        "[@click=app.quit]do not quit[/] [link=http://x]y[/link]",
        "bell\x07 and escape\x1b[2J here",
    ]
    articles = [make(i, title=t, source="[b]src[/b]") for i, t in enumerate(titles)]
    app = ListApp(articles)
    async with app.run_test(size=(120, 10)) as pilot:
        lst = the_list(app)
        await pilot.pause()
        first = lst.render_line(1)  # not the cursor row
        assert "[bold]not bold[/bold] and [red]not red[/red]" in lst.render_line(0).text
        assert "[b]src[/b]" in first.text
        second = lst.render_line(1)
        assert "[@click=app.quit]do not quit[/] [link=http://x]y[/link]" in second.text
        for segment in second:
            assert segment.style is None or not segment.style.meta
            assert segment.style is None or not segment.style.bold
        third = lst.render_line(2).text
        assert "bell� and escape�[2J here" in third
        assert "\x07" not in third and "\x1b" not in third
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.is_running and app.opened[-1].article is articles[1]


async def test_highlighted_characters_get_the_match_style() -> None:
    articles = [make(i, title="Shanghai 上海 news") for i in range(3)]
    wanted = [0, 1, 9, 10]

    app = ListApp(articles, [wanted] * len(articles))
    async with app.run_test(size=(80, 10)) as pilot:
        lst = the_list(app)
        await pilot.pause()
        match_style = lst.get_component_rich_style("article-list--match")
        for row in (0, 1):  # cursor row and a plain row
            strip = lst.render_line(row)
            date_w, source_w, _ = column_widths(lst.scrollable_content_region.width)
            title_strip = strip.crop(date_w + source_w + 2)
            styled: list[tuple[str, bool]] = []
            for segment in title_strip:
                style = segment.style
                assert style is not None
                is_match = style.underline if row == 0 else style == match_style
                styled.extend((char, bool(is_match)) for char in segment.text)
            title = "Shanghai 上海 news"
            matched = "".join(char for char, is_match in styled if is_match)
            assert matched == "".join(title[i] for i in wanted), row
            assert any(not is_match for _, is_match in styled)
        plain = lst.render_line(1)
        bold_chars = "".join(s.text for s in plain if s.style and s.style.bold)
        assert bold_chars == "Sh上海"


async def test_cursor_row_looks_different_from_other_rows() -> None:
    app = ListApp([make(i) for i in range(5)])
    async with app.run_test(size=(80, 10)) as pilot:
        lst = the_list(app)
        await pilot.pause()
        cursor_bg = {s.style.bgcolor for s in lst.render_line(0) if s.style}
        plain_bg = {s.style.bgcolor for s in lst.render_line(1) if s.style}
        assert cursor_bg.isdisjoint(plain_bg)
        focused = list(lst.render_line(0))

        def cursor_bgcolors() -> set[object]:
            return {s.style.bgcolor for s in lst.render_line(0) if s.style}

        for _ in range(2):  # the look follows focus, in both directions, every time
            lst.blur()
            await pilot.pause()
            assert list(lst.render_line(0)) != focused
            blurred = lst.get_component_rich_style("article-list--cursor")
            assert cursor_bgcolors() == {blurred.bgcolor}
            lst.focus()
            await pilot.pause()
            assert list(lst.render_line(0)) == focused
            assert cursor_bgcolors() == {
                lst.get_component_rich_style("article-list--cursor").bgcolor
            }
            assert blurred.bgcolor not in cursor_bgcolors()


CORPUS = REAL_CORPUS


@pytest.mark.corpus
async def test_real_corpus_titles_fit_every_width() -> None:
    """Real file names are real headlines: full-width punctuation, μ, mixed scripts."""
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    titles = sorted(path.stem for path in CORPUS.iterdir())
    assert titles
    articles = [make(i, title=t, source=t[:12]) for i, t in enumerate(titles)]
    app = ListApp(articles)
    async with app.run_test(size=(200, 60)) as pilot:
        lst = the_list(app)
        for columns in (37, 64, 101, 160):
            await pilot.resize_terminal(columns, 60)
            await pilot.pause()
            width = lst.scrollable_content_region.width
            for start in range(0, len(articles), 50):
                lst.move_cursor(start)
                await pilot.pause()
                for y in range(lst.scrollable_content_region.height):
                    strip = lst.render_line(y)
                    assert strip_cells(strip) == width, (columns, strip.text)


def test_cursor_moved_coalesces_only_with_the_same_list() -> None:
    one, two = ArticleList(), ArticleList()
    article = make(1)
    first = ArticleList.CursorMoved(one, 1, article)
    assert first.can_replace(ArticleList.CursorMoved(one, 2, article))
    assert not first.can_replace(ArticleList.CursorMoved(two, 2, article))
    assert not first.can_replace(ArticleList.Opened(one, 1, article))


async def test_mouse_wheel_scrolls_without_moving_the_cursor() -> None:
    app = ListApp([make(i) for i in range(200)])
    async with app.run_test(size=(80, 20)) as pilot:
        lst = the_list(app)
        await pilot.pause()
        for _ in range(3):
            lst.post_message(
                events.MouseScrollDown(lst, 5, 5, 0, 1, 0, shift=False, meta=False, ctrl=False)
            )
        await pilot.pause()
        await pilot.wait_for_animation()
        top = lst.scroll_offset.y
        assert top > 0 and lst.cursor == 0
        lst.drawn.clear()
        lst.refresh()
        await pilot.pause()
        assert lst.drawn and min(lst.drawn) >= top
        assert f"Article number {top} " in row_text(lst, top)


async def test_resize_rerenders_at_the_new_width_and_keeps_cursor_visible() -> None:
    app = ListApp([make(i, title="中文标题" * 20) for i in range(300)])
    async with app.run_test(size=(100, 30)) as pilot:
        lst = the_list(app)
        lst.move_cursor(25)
        await pilot.pause()
        await pilot.resize_terminal(50, 10)
        await pilot.pause()
        width = lst.scrollable_content_region.width
        assert width < 50
        height = lst.scrollable_content_region.height
        top = lst.scroll_offset.y
        assert top <= 25 < top + height
        for y in range(height):
            assert strip_cells(lst.render_line(y)) == width
