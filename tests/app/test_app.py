"""Pilot tests for the newsdeck app: what a person does with the keyboard.

The fixture directory is written per test with fixed dates and titles (Chinese
and English, one title in Rich markup, one unreadable file, one ~400 KB
article); ``write_seeds`` is shared with the snapshot tests.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static
from textual.worker import WorkerCancelled

from tui.app import run
from tui.app.app import NewsdeckApp
from tui.app.screens.help import HelpScreen
from tui.app.screens.main import MainScreen
from tui.app.screens.problems import ProblemsScreen
from tui.app.widgets.sidebar import reading_stats, relative_time
from tui.store.config import Config

ARTICLES: list[tuple[str, str, str, str, str]] = [
    # (file name, title, date, site, body html)
    (
        "a1.md",
        "俄罗斯与北约的安全谈判",
        "2024-05-06 08:00:00",
        "半岛网",
        "<p>从俄罗斯的角度来看，谈判的意愿并不足以消除危机。</p>"
        '<p>详见 <a href="https://example.com/nato">北约声明</a>。</p>'
        '<p><img src="https://example.com/map.png" alt="地图"></p>',
    ),
    (
        "a2.md",
        "Russia and NATO talks stall",
        "2024-05-05 09:30:00",
        "Reuters",
        "<p>Talks between Russia and NATO stalled on Friday.</p>"
        "<p>Diplomats said the next round is not yet scheduled; NATO waits.</p>",
    ),
    (
        "a3.md",
        "[bold]x[/bold] and [video] stay literal",
        "2024-05-04 12:00:00",
        "Markup Weekly",
        "<p>The text [red]must not[/red] turn red; [video] is not a tag.</p>",
    ),
    (
        "a4.md",
        "台灣半導體出口創新高",
        "2024-05-03 07:15:00",
        "中央廣播電臺",
        "<p>台灣半導體出口在四月創下新高，主要受惠於人工智慧需求。</p>",
    ),
    (
        "a5.md",
        "Weather: sunny spells across Europe",
        "2024-05-02 06:00:00",
        "BBC",
        "<p>Sunny spells are expected across most of Europe this week.</p>",
    ),
]
BIG_TITLE = "A very long report on everything"
NEWEST_FIRST = [title for _, title, _, _, _ in ARTICLES] + [BIG_TITLE]


def _front_matter(title: str, date: str, site: str, url: str) -> str:
    safe = title.replace("'", "''")
    return (
        f"---\ntitle: '{safe}'\ncategories:\n - 新闻\n - {site}\nauthor: {site}\n"
        f"date: {date} +0000\nlink: {url}\ntags:\n - world\n---\n\n"
    )


def write_seeds(root: Path, *, big: bool = True, broken: bool = True) -> Path:
    """Write the fixture articles under ``root`` (created); return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name, title, date, site, body in ARTICLES:
        url = f"https://example.com/{name.removesuffix('.md')}"
        text = _front_matter(title, date, site, url) + f"<div>{body}</div>\n"
        (root / name).write_text(text, encoding="utf-8")
    if big:
        paragraph = "<p>" + "Long report text with many words in it. " * 20 + "</p>\n"
        body = "".join(f"<h2>Part {i}</h2>\n{paragraph}" for i in range(480))
        head = _front_matter(BIG_TITLE, "2024-05-01 05:00:00", "Archive", "https://example.com/big")
        (root / "big.md").write_text(head + f"<div>{body}</div>\n", encoding="utf-8")
    if broken:
        (root / "broken.bin").write_bytes(b"\x00\x01\x02\xff\xfe binary junk \x00" * 40)
    return root


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    return write_seeds(tmp_path / "seeds")


async def wait_workers(app) -> None:  # type: ignore[no-untyped-def]
    """Wait for every worker; one cancelled by a newer exclusive worker is not an error."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let every worker finish and the screen catch up.

    An exclusive worker (the filter) cancels its predecessor, and waiting on a
    cancelled worker raises WorkerCancelled: that is the app working, so wait again.
    """
    for _ in range(2):
        while True:
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
        await pilot.pause()


def main(app: NewsdeckApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


def titles(app: NewsdeckApp) -> list[str]:
    return [a.title for a in main(app).article_list.articles]


def reader_text(app: NewsdeckApp) -> str:
    """The reader's lines joined with spaces (wrapping splits sentences)."""
    return " ".join(line.strip() for line in main(app).reader.view.plain_lines)


def row_text(app: NewsdeckApp, row: int) -> str:
    return main(app).article_list.render_line(row).text


async def test_lists_newest_first_and_counts(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert titles(app) == NEWEST_FIRST
        header = str(screen.query_one("#header-line").render())
        assert "6 articles" in header
        assert str(seeds) in header
        assert "1 unreadable" in header
        assert not screen.scanning


async def test_filter_narrows_highlights_and_esc_clears(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        assert screen.focused is screen.filter_bar
        await pilot.press(*"nato")
        await settle(pilot)
        shown = titles(app)
        assert shown and len(shown) < len(NEWEST_FIRST)
        assert "Russia and NATO talks stall" in shown
        assert "Weather: sunny spells across Europe" not in shown
        assert "of 6 articles" in str(screen.query_one("#header-line").render())
        # The matched characters are drawn in a different style from the rest.
        row = screen.article_list.render_line(shown.index("Russia and NATO talks stall"))
        styles = {seg.style for seg in row if "N" in seg.text or "A" in seg.text}
        plain = {seg.style for seg in row if "talks" in seg.text}
        assert styles and styles.isdisjoint(plain)

        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter_bar.value == ""
        assert titles(app) == NEWEST_FIRST
        assert screen.focused is screen.article_list


async def test_filter_chinese(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        main(app).filter_bar.insert_text_at_cursor("俄罗斯")
        await settle(pilot)
        assert titles(app)[0] == "俄罗斯与北约的安全谈判"
        assert "Weather: sunny spells across Europe" not in titles(app)


async def test_open_shows_article_and_sidebar_stats(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = screen.reader
        assert reader.article is not None and reader.article.title == NEWEST_FIRST[1]
        text = reader_text(app)
        assert "Russia and NATO talks stall" in text
        assert "stalled on Friday" in text
        assert screen.focused is reader.view
        assert screen.sidebar.stats is not None and screen.sidebar.stats.words > 5


async def test_links_show_urls(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = "".join(line.strip() for line in main(app).reader.view.plain_lines)
        assert "https://example.com/nato" in text


async def test_next_and_previous(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.article.title == NEWEST_FIRST[0]  # type: ignore[union-attr]
        await pilot.press("n")
        await settle(pilot)
        assert screen.reader.article.title == NEWEST_FIRST[1]  # type: ignore[union-attr]
        await pilot.press("n", "n")
        await settle(pilot)
        assert screen.reader.article.title == NEWEST_FIRST[3]  # type: ignore[union-attr]
        await pilot.press("p")
        await settle(pilot)
        assert screen.reader.article.title == NEWEST_FIRST[2]  # type: ignore[union-attr]
        assert screen.article_list.cursor == 2


async def test_next_follows_filtered_order(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"weather", "tab")
        await settle(pilot)
        shown = titles(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        expected = shown[1] if len(shown) > 1 else shown[0]
        assert screen.reader.article.title == expected  # type: ignore[union-attr]


async def test_reader_scroll_keys(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("G")  # last article: the big one
        await pilot.press("enter")
        await settle(pilot)
        view = screen.reader.view
        assert view.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        after_page = view.scroll_y
        assert after_page > 0
        await pilot.press("j")
        await pilot.pause()
        assert view.scroll_y == after_page + 1
        await pilot.press("b")
        await pilot.pause()
        assert view.scroll_y < after_page
        await pilot.press("G")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0


async def test_find_in_article(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("ctrl+f", *"nato")
        await pilot.pause()
        view = screen.reader.view
        # Title, first paragraph and second paragraph each say NATO.
        assert len(view.matches) >= 3
        first = view.match_index
        await pilot.press("enter")
        assert view.match_index == (first + 1) % len(view.matches)
        await pilot.press("ctrl+p")
        assert view.match_index == first
        await pilot.press("escape")
        await pilot.pause()
        assert view.matches == []
        assert screen.focused is view


async def test_sidebar_toggle_narrow_and_wide(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.sidebar.display or not screen.sidebar.is_on_screen
        await pilot.press("s")
        await pilot.pause()
        assert screen.sidebar.is_on_screen
        await pilot.press("s")
        await pilot.pause()
        assert not screen.sidebar.is_on_screen
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(160, 45)) as pilot:  # shown by default from 160 columns
        await settle(pilot)
        screen = main(app)
        assert screen.sidebar.is_on_screen
        await pilot.press("s")
        await pilot.pause()
        assert not screen.sidebar.is_on_screen


async def test_narrow_reader_takes_full_width_and_esc_returns(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.article_list.is_on_screen and not screen.reader.is_on_screen
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.is_on_screen and not screen.article_list.is_on_screen
        assert screen.reader.size.width >= 78
        await pilot.press("escape")
        await pilot.pause()
        assert screen.article_list.is_on_screen
        assert screen.focused is screen.article_list


async def test_help_lists_live_bindings(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static).content
        lines = app.console.render_lines(table, app.console.options.update_width(100))
        text = "\n".join("".join(seg.text for seg in line) for line in lines)
        for description in ("Filter", "Next", "Open URL", "Copy URL", "Sidebar", "Quit", "Find"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_follows_keymap(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    app.set_keymap({"main.toggle_sidebar": "f2"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one("#help-table", Static).content
        lines = app.console.render_lines(table, app.console.options.update_width(100))
        sidebar_lines = ["".join(seg.text for seg in line) for line in lines]
        sidebar_line = next(line for line in sidebar_lines if "Sidebar" in line)
        assert "f2" in sidebar_line


def rendered_lines(app: NewsdeckApp, renderable: object, width: int) -> list[str]:
    """A Rich renderable as plain lines at ``width``."""
    lines = app.console.render_lines(renderable, app.console.options.update_width(width))
    return ["".join(seg.text for seg in line).rstrip() for line in lines]


async def test_problems_screen(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert [a.path.name for a in app.screen.problems] == ["broken.bin"]
        table = app.screen.query_one("#problems-table", Static).content
        text = "\n".join(rendered_lines(app, table, 100))
        assert "broken.bin" in text and "File" in text and "Reason" in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("e")
        assert isinstance(app.screen, ProblemsScreen)
        await pilot.press("q")  # closes the screen, does not quit the app
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_problems_screen_without_problems_has_no_table(tmp_path: Path) -> None:
    root = write_seeds(tmp_path / "clean", big=False, broken=False)
    app = NewsdeckApp(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        summary = screen.query_one("#problems-summary", Static)
        assert "Every file was read" in str(summary.render())
        assert not screen.query("#problems-table")
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)


def test_problems_table_folds_long_paths_and_reasons(tmp_path: Path) -> None:
    from rich.cells import cell_len
    from rich.console import Console
    from rich.segment import Segment

    from tui.app.screens.problems import problems_table
    from tui.model import Article

    root = tmp_path
    deep = root / ("很长的目录名" * 6) / "sub" / "an-article-with-a-very-long-file-name.md"
    reason = "not UTF-8 and not GB18030 either; [red]binary?[/red] \x1b[31m " + "x" * 90
    article = Article(path=deep, format="md", error=reason)
    console = Console(width=60, file=None, force_terminal=False, color_system=None)
    rendered = console.render_lines(
        problems_table([article], root), console.options.update_width(60)
    )
    plain = ["".join(seg.text for seg in line).rstrip() for line in rendered]
    assert all(cell_len(line) <= 60 for line in plain) and len(plain) > 3
    # Split every line at the "Reason" column to read each column top to bottom.
    column = plain[0].index("Reason")
    files, reasons = "", ""
    for line in rendered[1:]:
        left, right = list(Segment.divide(line, [column, 60]))[:2]
        files += "".join(seg.text for seg in left).strip()
        reasons += "".join(seg.text for seg in right).strip()
    # Folded, not cut: the whole path and the end of the reason are there.
    assert files == deep.relative_to(root).as_posix()
    assert reasons.endswith("x" * 90)
    assert "[red]binary?[/red]" in reasons  # markup shows literally
    joined = files + reasons
    assert "\x1b" not in joined


async def test_quit(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_q_in_filter_is_a_letter(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.is_running
        assert main(app).filter_bar.value == "q"


async def test_empty_directory(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    app = NewsdeckApp(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.article_list.articles == []
        assert "No articles" in screen.article_list.empty_message
        assert "No articles" in row_text(app, 0)


async def test_missing_directory_in_app(tmp_path: Path) -> None:
    app = NewsdeckApp(tmp_path / "nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "does not exist" in main(app).article_list.empty_message
        assert app.is_running


def test_run_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "nope") == 2
    err = capsys.readouterr().err
    assert "nope" in err and "no such directory" in err


async def test_markup_title_is_literal(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        index = NEWEST_FIRST.index("[bold]x[/bold] and [video] stay literal")
        assert "[bold]x[/bold]" in row_text(app, index)
        screen.article_list.move_cursor(index)
        await pilot.press("enter")
        await settle(pilot)
        text = reader_text(app)
        assert "[bold]x[/bold] and [video] stay literal" in text
        assert "[red]must not[/red]" in text
        sidebar = screen.sidebar.query_one("#sidebar-body", Static).content
        lines = app.console.render_lines(sidebar, app.console.options.update_width(60))
        rendered = "\n".join("".join(seg.text for seg in line) for line in lines)
        assert "[bold]x[/bold] and [video]" in rendered


async def test_large_article_opens_without_blocking(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hold the conversion worker and show the UI still answers keys meanwhile."""
    import tui.body.caps as caps_module

    release = threading.Event()
    real = caps_module.html_to_markdown

    def slow(html: str) -> str:
        release.wait(10)
        return real(html)

    monkeypatch.setattr(caps_module, "html_to_markdown", slow)
    app = NewsdeckApp(seeds, config=Config(preview=False))  # k, k would preview others
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("G", "enter")
        await pilot.pause()
        assert screen.reader.loading_article
        assert any(BIG_TITLE in line for line in screen.reader.view.plain_lines)
        assert any("Loading" in line for line in screen.reader.view.plain_lines)
        # The list still moves while the article converts.
        await pilot.press("escape", "k", "k")
        await pilot.pause()
        assert screen.article_list.cursor == len(NEWEST_FIRST) - 3
        release.set()
        await settle(pilot)
        assert not screen.reader.loading_article
        assert len(screen.reader.view.plain_lines) > 500
        assert screen.reader.last_open_seconds is not None


async def run_command(pilot, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    """Open the palette, type ``query``, wait until ``expected`` is the top hit, run it."""
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    top = ""
    for _ in range(100):  # the palette searches in a task: wait for the hit, not a time
        await pilot.pause(0.02)
        options = pilot.app.screen.query(CommandList)
        if options and options.first().option_count:
            top = str(options.first().get_option_at_index(0).hit.text)
            if top == expected:
                break
    assert top == expected
    await pilot.press("enter")
    await settle(pilot)


async def test_command_palette_names_the_main_actions(seeds: Path) -> None:
    from tui.app.commands import NewsdeckCommands

    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        provider = NewsdeckCommands(main(app))
        names = [hit.text async for hit in provider.discover()]
        for name in (
            "Filter articles",
            "Open article",
            "Next article",
            "Previous article",
            "Open URL in browser",
            "Copy URL",
            "Toggle sidebar",
            "Show problems",
            "Show keys",
            "Switch to light theme",
        ):
            assert name in names
        # Textual's own "Keys" panel would compete with "Show keys".
        system = [command.title for command in app.get_system_commands(main(app))]
        assert "Keys" not in system and "Theme" in system


async def test_command_palette_runs_actions(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await run_command(pilot, "toggle sidebar", "Toggle sidebar")
        assert app.screen is screen
        assert screen.sidebar.is_on_screen  # hidden by default below 160 columns

        await run_command(pilot, "open article", "Open article")
        assert screen.reader.article is not None
        assert screen.reader.article.title == NEWEST_FIRST[0]

        assert app.current_theme.dark
        await run_command(pilot, "light theme", "Switch to light theme")
        assert app.theme == "newsdeck-light" and not app.current_theme.dark
        await run_command(pilot, "dark theme", "Switch to dark theme")
        assert app.theme == "newsdeck-dark"

        await run_command(pilot, "filter", "Filter articles")
        assert screen.focused is screen.filter_bar
        await pilot.press(*"nato")
        await settle(pilot)
        assert screen.list_pane.query_text == "nato"


async def test_copy_url(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == "https://example.com/a1"


def test_reading_stats_counts_cjk_by_character() -> None:
    chinese = reading_stats("俄罗斯 与北约" * 100)
    assert chinese.characters == 600
    assert chinese.cjk_characters == 600
    assert chinese.minutes == 2  # 600 chars at ~400/min
    english = reading_stats("word " * 460)
    assert english.words == 460 and english.cjk_characters == 0
    assert english.minutes == 2  # 460 words at ~230/min
    assert reading_stats("").minutes == 0


def test_relative_time() -> None:
    now = datetime(2024, 5, 10, tzinfo=UTC)
    assert relative_time(datetime(2024, 5, 7, tzinfo=UTC), now) == "3 days ago"
    assert relative_time(datetime(2024, 5, 10, 2, tzinfo=UTC), now) == "in 2 hours"
    assert relative_time(now, now) == "just now"


def test_notification_text_is_not_markup() -> None:
    # The URL notifications pass Text, so a URL with brackets shows literally.
    assert Text("https://x/[bold]").plain == "https://x/[bold]"


def burst(app: NewsdeckApp, text: str) -> None:
    """Queue one Key event per character without yielding, as a terminal does over SSH.

    Every key is in the app's queue before the first is handled, so nothing the
    first key does (moving focus) can happen "between" keys unless the app
    handles it in order.
    """
    from textual import events
    from textual.keys import _character_to_key

    for character in text:
        app.post_message(events.Key(_character_to_key(character), character))


@pytest.mark.parametrize("typed", ["nato", "俄罗斯", "pon"])
async def test_burst_after_slash_lands_in_filter(seeds: Path, typed: str) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        burst(app, "/" + typed)
        await settle(pilot)
        assert screen.filter_bar.value == typed
        assert screen.focused is screen.filter_bar
        # n/p/o were letters, not "next", "previous" or "open URL" (a preview opens nothing).
        assert screen.reader.article is None or screen.reader.previewing
        assert screen.list_pane.query_text == typed


async def test_burst_from_reader_at_80_columns(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.article_list.is_on_screen
        burst(app, "/香港nato")
        await settle(pilot)
        assert screen.filter_bar.value == "香港nato"
        assert screen.article_list.is_on_screen and screen.focused is screen.filter_bar


async def test_slash_inside_the_filter_is_a_letter(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        burst(app, "/a/b")
        await settle(pilot)
        assert main(app).filter_bar.value == "a/b"


async def test_paste_in_the_list_filters(seeds: Path) -> None:
    from textual import events

    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        app.post_message(events.Paste("/俄罗斯\x1b[31m\n"))
        await settle(pilot)
        assert screen.filter_bar.value == "俄罗斯[31m"
        assert screen.focused is screen.filter_bar


async def test_escape_in_list_clears_an_active_filter(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"nato", "tab")  # Tab: keep the query, go to the list
        await settle(pilot)
        assert screen.focused is screen.article_list
        assert len(titles(app)) < len(NEWEST_FIRST)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter_bar.value == ""
        assert titles(app) == NEWEST_FIRST
        assert screen.focused is screen.article_list
        assert "6 articles" in str(screen.query_one("#header-line").render())
        assert "of 6" not in str(screen.query_one("#header-line").render())


async def test_escape_after_reading_wide_clears_filter_second(seeds: Path) -> None:
    """Wide: Esc in the reader gives the list focus (reader keeps the article), a second clears."""
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"nato", "tab")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        opened = screen.reader.article
        assert opened is not None and screen.focused is screen.reader.view
        await pilot.press("escape")
        await pilot.pause()
        assert screen.focused is screen.article_list
        assert screen.reader.is_on_screen and screen.reader.article is opened
        assert screen.filter_bar.value == "nato"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.filter_bar.value == ""
        # The cursor stays on the article that was read, in the full list.
        assert screen.article_list.article is opened


async def test_escape_in_narrow_reader_keeps_the_filter(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"nato", "tab", "enter")
        await settle(pilot)
        assert not screen.article_list.is_on_screen
        await pilot.press("escape")
        await pilot.pause()
        assert screen.article_list.is_on_screen and not screen.reader.is_on_screen
        assert screen.focused is screen.article_list
        assert screen.filter_bar.value == "nato"


async def test_empty_reader_message_reads_well(seeds: Path) -> None:
    for size in ((120, 36), (100, 30)):
        app = NewsdeckApp(seeds, config=Config(preview=False))  # else it previews
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            lines = [line.strip() for line in main(app).reader.view.plain_lines]
            assert lines[0] == "No article open."
            # Every sentence is whole on its line: no word wrapped away alone.
            assert "Enter reads the highlighted one." in lines
            assert "/ filters the list, ? lists keys." in lines


async def test_slash_in_find_box_is_a_letter(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press("a", "slash", "b")
        await pilot.pause()
        find_input = screen.reader.query_one("#find-input")
        assert screen.focused is find_input
        assert find_input.value == "a/b"  # type: ignore[attr-defined]
        assert screen.filter_bar.value == ""


async def test_header_says_one_article(tmp_path: Path) -> None:
    root = tmp_path / "one"
    root.mkdir()
    write_seeds(tmp_path / "all", big=False, broken=False)
    (root / "a1.md").write_bytes((tmp_path / "all" / "a1.md").read_bytes())
    app = NewsdeckApp(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = str(main(app).query_one("#header-line").render())
        assert header.startswith("1 article ") and "articles" not in header


async def test_footer_offers_back_only_when_esc_does_something(seeds: Path) -> None:
    def back_offered(screen: MainScreen) -> bool:
        binding = screen.active_bindings.get("escape")
        return binding is not None and binding.binding.action == "back"

    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.focused is screen.article_list and not back_offered(screen)
        await pilot.press("enter")
        await settle(pilot)
        assert back_offered(screen)
        await pilot.press("escape", "slash", *"nato", "tab")
        await settle(pilot)
        assert screen.focused is screen.article_list and back_offered(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert not back_offered(screen)


async def test_sidebar_at_80_columns_leaves_the_reader_readable(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert screen.sidebar.is_on_screen and screen.reader.is_on_screen
        assert screen.reader.size.width >= 40
        assert screen.focused is screen.reader.view  # `s` does not steal the focus
        assert "Russia and NATO talks stall" in reader_text(app)
