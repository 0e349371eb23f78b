"""Copies folded into one entry (``×N``, `D`, marks, the sidebar) and related coverage (`r`).

The seeds are written here: one story (Lee Teng-hui's death) as an RFI report, its
Traditional copy and a truncated copy (three copies of one text), a VOA report of the
same story in other words (related coverage), and look-alikes that are other stories
(two daily yuan-midpoint reports, a Spain story the same day).
"""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest
from textual.binding import Binding
from textual.widgets import Static

from tests.app.test_app import main, settle, titles
from tests.app.test_app_index import settled, wait_until
from tui.app.app import NewsdeckApp
from tui.app.screens.help import HelpScreen
from tui.app.screens.main import MainScreen
from tui.app.widgets.article_list import COPIES_MARK
from tui.store.config import Config

LEE = (
    "台湾台北荣民总医院7月30日表示，已住院近半年的前总统李登辉因多重器官衰竭，"
    "于当晚7点24分过世，享年97岁。李登辉是台湾首位民选总统，任内推动修宪与国会全面改选，"
    "被称为台湾民主化工程的总舵手，但他晚年的两国论也让北京视他为台独的代表人物。"
)
LEE_VOA = (
    "美国之音报道，台湾前总统李登辉周四晚间因病去世，享年97岁。李登辉一生功过备受争议，蔡英文哀悼。"
)
SPAIN = (
    "英国政府25日突然宣布，所有来自西班牙的旅客入境后须隔离14天，"
    "西班牙外交大臣表示西班牙对游客是安全的。"
)
RATE = (
    "路透测算的人民币中间价料开在{r}元附近，较前一交易日调整。"
    "逆周期因子影响约{p}点，市场人士称走势平稳。"
)
HOUR = 3_600_000
DAY = 24 * HOUR
T0 = 1596110000000  # 2020-07-30 11:53 UTC
LEE_TITLE = "台湾首位民选总统李登辉逝世 享年97岁"
VOA_TITLE = "台湾前总统李登辉因病去世 一生功过备受争议"


def feed(title: str, body: str, stamp: int, host: str) -> str:
    """A feed item as the seeds directories hold them (the link's host names the source)."""
    return f"<!--{stamp}-->\n[{title}](https://{host}/{stamp})\n------\n\n<p>{body}</p>\n"


def write_story_seeds(root: Path) -> Path:
    files = {
        "RFI/lee.md": feed(f"{LEE_TITLE} – 法国国际广播电台 - RFI", LEE, T0, "rfi.fr"),
        "RFI-TW/lee.md": opencc.OpenCC("s2twp.json").convert(
            feed(LEE_TITLE, LEE, T0 + 60_000, "tw.rfi.fr")
        ),
        "Short/lee.md": feed(LEE_TITLE, LEE[:70], T0 + HOUR, "m.rfi.fr"),
        "VOA/lee.md": feed(VOA_TITLE, LEE_VOA, T0 + 2 * HOUR, "voachinese.com"),
        "VOA/spain.md": feed(
            "西班牙反驳英国声称它对游客不安全", SPAIN, T0 - HOUR, "voachinese.com"
        ),
        "Reuters/rate1.md": feed(
            "路透测算的人民币中间价料开在6.9957元附近",
            RATE.format(r="6.9957", p=48),
            T0 - DAY,
            "reuters.com",
        ),
        "Reuters/rate2.md": feed(
            "路透测算的人民币中间价料开在6.9876元附近",
            RATE.format(r="6.9876", p=35),
            T0 - 2 * DAY,
            "reuters.com",
        ),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def stories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    return write_story_seeds(tmp_path / "seeds")


async def folded(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the index is reconciled and the groups of copies reached the list."""
    await settled(pilot)
    pane = main(pilot.app).list_pane
    assert await wait_until(pilot, lambda: bool(pane.folding))
    await settle(pilot)


def lee_row(app: NewsdeckApp) -> int:
    """The row of the Lee entry (whichever copy stands for the group)."""
    rows = [
        a.path.name == "lee.md" and a.path.parent.name != "VOA"
        for a in main(app).article_list.articles
    ]
    return rows.index(True)


def line(app: NewsdeckApp, row: int) -> str:
    return main(app).article_list.render_line(row).text


def sidebar_text(app: NewsdeckApp) -> str:
    sidebar = main(app).sidebar
    return "\n".join(str(r) for r in sidebar._render_article().renderables)  # type: ignore[attr-defined]


async def test_copies_fold_into_one_entry_with_a_count(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await folded(pilot)
        listed = titles(app)
        assert len(listed) == 5  # 7 files, the three Lee copies as one entry
        assert sum(LEE_TITLE in t or "臺灣" in t for t in listed) == 1
        row = line(app, lee_row(app))
        assert f"{COPIES_MARK}3" in row
        # The count ends the row at the same cell as any other row's end (CJK widths kept).
        assert row.rstrip().endswith(f"{COPIES_MARK}3")
        assert COPIES_MARK not in line(app, (lee_row(app) + 1) % 5)
        # The header counts entries, and says how many copies they hide.
        header = str(main(app).query_one("#header-line").content)
        assert "5 articles (+2 copies)" in header


async def test_d_shows_every_copy_and_back(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await folded(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert len(titles(app)) == 7
        assert not any(COPIES_MARK in line(app, r) for r in range(7))
        await pilot.press("D")
        await settle(pilot)
        assert len(titles(app)) == 5


async def test_config_starts_unfolded(stories: Path) -> None:
    app = NewsdeckApp(stories, config=Config(fold_duplicates=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        assert await wait_until(pilot, lambda: bool(main(app).list_pane.folding))
        await settle(pilot)
        assert len(titles(app)) == 7
        await pilot.press("D")
        await settle(pilot)
        assert len(titles(app)) == 5


async def test_a_filter_matching_any_copy_shows_the_entry(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await folded(pilot)
        await pilot.press("slash", *"src:m.rfi")
        await settle(pilot)
        assert [a.source for a in main(app).article_list.articles] == ["m.rfi.fr"]
        assert f"{COPIES_MARK}3" in line(app, 0)


async def test_sidebar_lists_copies_and_also_reported_by(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(160, 45)) as pilot:
        await folded(pilot)
        screen = main(app)
        screen.article_list.move_cursor(lee_row(app))
        await settle(pilot)
        assert await wait_until(pilot, lambda: screen.sidebar.related is not None)
        text = sidebar_text(app)
        assert "Copies ×3" in text
        for source in ("rfi.fr", "tw.rfi.fr", "m.rfi.fr"):
            assert f"• {source}  " in text
        assert "Also reported by" in text
        assert "voachinese.com" in text.split("Also reported by", 1)[1]


async def test_open_shows_the_fullest_copy_and_marks_every_copy(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await folded(pilot)
        screen = main(app)
        screen.article_list.move_cursor(lee_row(app))
        await settle(pilot)
        copies = screen.list_pane.members(screen.article_list.article)  # type: ignore[arg-type]
        assert len(copies) == 3
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.article is copies[0]
        assert copies[0].path.parent.name != "Short"  # the truncated copy is never the fullest
        assert all(screen.store.is_read(a) for a in copies)
        await pilot.press("escape", "m")  # unread again: every copy
        await settle(pilot)
        assert not any(screen.store.is_read(a) for a in copies)
        await pilot.press("f")
        await settle(pilot)
        assert all(screen.store.is_starred(a) for a in copies)
        marks = screen.article_list.marks
        assert marks is not None
        assert str(screen.article_list.article.path) in marks.starred  # type: ignore[union-attr]


async def test_r_shows_the_timeline_and_esc_comes_back(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await folded(pilot)
        screen = main(app)
        start = lee_row(app)
        screen.article_list.move_cursor(start)
        entry = screen.article_list.article
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        pane = screen.list_pane
        assert pane.related_to is entry
        shown = list(screen.article_list.articles)
        assert [a.path.parent.name for a in shown][
            -1
        ] == "VOA"  # oldest first: the VOA report came later
        assert len(shown) == 2  # the copies are one entry here too
        assert screen.article_list.article is entry
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.path.parent.name == "VOA"
        await pilot.press("escape")  # reader -> the timeline, same place
        await settle(pilot)
        assert pane.related_to is entry
        assert screen.article_list.cursor == 1
        await pilot.press("escape")  # timeline -> the main list, same place
        await settle(pilot)
        assert pane.related_to is None
        assert len(titles(app)) == 5
        assert screen.article_list.article is entry


async def test_r_without_related_coverage_says_so(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await folded(pilot)
        screen = main(app)
        rows = [a.path.name for a in screen.article_list.articles]
        screen.article_list.move_cursor(rows.index("spain.md"))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert screen.list_pane.related_to is None
        assert len(titles(app)) == 5


async def test_help_lists_d_and_r_and_they_have_ids(stories: Path) -> None:
    app = NewsdeckApp(stories)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static).content
        lines = app.console.render_lines(table, app.console.options.update_width(110))
        text = ["".join(seg.text for seg in line) for line in lines]
        assert next(line for line in text if "Fold copies" in line).split() == [
            "D",
            "Fold",
            "copies",
        ]
        assert next(line for line in text if "Related coverage" in line).split()[0] == "r"
    ids = {b.id: b.key for b in MainScreen.BINDINGS if isinstance(b, Binding)}
    assert ids["view.fold_duplicates"] == "D"
    assert ids["main.related"] == "r"


def test_folding_keeps_the_first_copy_in_the_views_order(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tui.app.services.dupes import Folding
    from tui.library import Library
    from tui.model import Article
    from tui.store.index import DuplicateGroups

    root = tmp_path / "seeds"

    def art(name: str, day: int) -> Article:
        return Article(path=root / name, title=name, date=datetime(2020, 7, day, tzinfo=UTC))

    a, b, c, d = art("a.md", 1), art("b.md", 2), art("c.md", 3), art("d.md", 4)
    groups = DuplicateGroups([("b.md", "d.md", "gone.md")], {"b.md": 0, "d.md": 0, "gone.md": 0})
    folding = Folding.from_groups(groups, str(root) + "/", generation=7)
    assert folding.fold([d, c, b, a]) == [d, c, a]  # d stands for the group (newest first)
    assert folding.fold([a, b, c, d]) == [a, b, c]
    assert folding.size(str(d.path)) == 3 and folding.size(str(a.path)) == 1
    library = Library(root)
    library.add([a, b, c, d])
    assert folding.members(library, d) == [b, d]  # fullest first; gone.md is not held
    assert folding.fullest(library, d) is b
    assert folding.hidden(library) == 1
    assert Folding().fold([a, b]) == [a, b] and not Folding()
