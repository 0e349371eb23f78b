"""Pilot tests for reading state, the query language, sort, the browser and config (issues 5, 8).

Every test runs with its own data and config directories (set here as well as by
the shared conftest), so marks written by one app are seen by the next one of the
same test, which is how "state survives a restart" is checked.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.app.test_app import NEWEST_FIRST, main, row_text, settle, titles, write_seeds
from tui.app.app import NewsdeckApp, binding_ids
from tui.app.screens.dialogs import ConfirmScreen, NameScreen
from tui.app.widgets import list_pane as list_pane_module
from tui.app.widgets.article_list import STAR_MARK, UNREAD_MARK
from tui.app.widgets.browser import Browser, with_browser_term
from tui.store.config import Config
from tui.store.state import StateStore

RUSSIA_CN = "俄罗斯与北约的安全谈判"
RUSSIA_EN = "Russia and NATO talks stall"


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("NEWSDECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSDECK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(tmp_path / "cache"))
    return write_seeds(tmp_path / "seeds")


def header(app: NewsdeckApp) -> str:
    return str(main(app).query_one("#header-line").render())


def row_of(app: NewsdeckApp, title: str) -> str:
    return row_text(app, titles(app).index(title))


async def type_filter(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """`/` then the text (inserted at once: the burst path has its own tests), then settle."""
    await pilot.press("slash")
    main(pilot.app).filter_bar.insert_text_at_cursor(text)
    await settle(pilot)


async def test_unread_marks_and_header_count(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "6 unread" in header(app)
        assert all(row_text(app, k).lstrip().startswith(UNREAD_MARK) for k in range(6))
        # The cursor passing over articles never marks them read.
        await pilot.press("j", "j", "k")
        await settle(pilot)
        assert "6 unread" in header(app)


@pytest.mark.parametrize("in_place", [20_000, 0], ids=["counted-in-place", "counted-in-worker"])
async def test_m_toggles_read_from_list_and_reader(
    seeds: Path, in_place: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_pane_module, "COUNT_IN_PLACE", in_place)
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        first = screen.article_list.article
        assert first is not None
        await pilot.press("m")
        await settle(pilot)
        assert app.store.is_read(first)
        assert not row_text(app, 0).lstrip().startswith(UNREAD_MARK)
        assert "5 unread" in header(app)
        await pilot.press("m")
        await settle(pilot)
        assert not app.store.is_read(first)
        assert "6 unread" in header(app)
        # Opening marks read; `m` in the reader flips the reader's article back.
        await pilot.press("enter")
        await settle(pilot)
        assert app.store.is_read(first)
        assert screen.focused is screen.reader.view
        await pilot.press("m")
        await settle(pilot)
        assert not app.store.is_read(first)


async def test_open_does_not_mark_read_when_config_says_so(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(mark_read_on_open=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert main(app).reader.article is not None
        assert not app.store.is_read(main(app).reader.article)
        assert "6 unread" in header(app)


async def test_f_stars_and_row_shows_star(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "f")
        await settle(pilot)
        article = main(app).article_list.article
        assert article is not None and app.store.is_starred(article)
        assert row_text(app, 1).lstrip().startswith(STAR_MARK)
        await type_filter(pilot, "is:starred")
        assert titles(app) == [article.title]
        await pilot.press("tab", "f")
        await settle(pilot)
        assert not app.store.is_starred(article)


async def test_mark_view_read_asks_first(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_filter(pilot, "nato")
        await pilot.press("tab")  # back to the list, filter kept
        shown = list(main(app).article_list.articles)
        assert 0 < len(shown) < 6
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert not any(app.store.is_read(a) for a in shown)
        await pilot.press("M")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert all(app.store.is_read(a) for a in shown)
        assert "0 unread" in header(app)
        # Only the view: the articles filtered out stay unread.
        await pilot.press("escape")
        await settle(pilot)
        assert f"{6 - len(shown)} unread" in header(app)


async def test_sort_cycles_and_is_remembered(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "date ↓" in header(app)
        await pilot.press("S")
        await settle(pilot)
        assert main(app).list_pane.sort == "date-asc"
        assert "date ↑" in header(app)
        assert titles(app) == list(reversed(NEWEST_FIRST))
        await pilot.press("S")
        await settle(pilot)
        assert "title ↑" in header(app)
        assert titles(app) == sorted(NEWEST_FIRST, key=str.casefold)
        # A field filter keeps the sort order.
        await type_filter(pilot, "cat:新闻")
        assert titles(app) == sorted(NEWEST_FIRST, key=str.casefold)
        await pilot.press("tab")
        await settle(pilot)
    again = NewsdeckApp(seeds)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert main(again).list_pane.sort == "title-asc"
        assert main(again).filter_bar.value == "cat:新闻"
        assert titles(again) == sorted(NEWEST_FIRST, key=str.casefold)


async def test_default_sort_from_config(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(default_sort="source-asc"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sources = [a.source for a in main(app).article_list.articles]
        assert sources == sorted(sources, key=lambda s: (s or "").casefold())
        assert "source ↑" in header(app)


async def test_state_survives_restart(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "m", "j", "f")
        await settle(pilot)
    again = NewsdeckApp(seeds)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        rows = {a.title: a for a in main(again).article_list.articles}
        assert again.store.is_read(rows[NEWEST_FIRST[1]])
        assert again.store.is_starred(rows[NEWEST_FIRST[2]])
        assert "5 unread" in header(again)


async def test_marks_of_another_instance_show(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        other = StateStore()  # a second newsdeck of the same user
        try:
            other.set_read(screen.article_list.articles[:2])
        finally:
            other.close()
        screen.poll_state()  # what the 2-second timer does
        await settle(pilot)
        assert "4 unread" in header(app)
        assert not row_text(app, 0).lstrip().startswith(UNREAD_MARK)


async def test_filter_worker_hands_the_marks_so_the_ui_thread_counts_none(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = list_pane_module.views.view_marks
    on_ui_thread: list[bool] = []

    def watched(store, articles):  # type: ignore[no-untyped-def]
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return real(store, articles)

    monkeypatch.setattr(list_pane_module.views, "view_marks", watched)
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.store.set_read(screen.article_list.articles[:1])
        screen.list_pane.marks_changed(screen.article_list.articles[:1])
        await settle(pilot)
        on_ui_thread.clear()
        await type_filter(pilot, "nato")
        assert on_ui_thread == [False]  # counted once, in the filter worker
        assert RUSSIA_EN in titles(app)
        shown = screen.article_list.articles
        unread = sum(not screen.store.is_read(a) for a in shown)
        assert f"{unread} unread" in header(app)


async def test_query_errors_inline_and_rest_applies(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_filter(pilot, "is:bogus after:soon nato")
        errors = main(app).query_one("#query-errors")
        assert errors.has_class("-visible") and errors.display
        message = str(errors.render())
        assert "bogus" in message and "soon" in message
        assert RUSSIA_EN in titles(app)
        assert "Weather: sunny spells across Europe" not in titles(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not errors.has_class("-visible")


async def test_field_filters_narrow_and_only_text_is_highlighted(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_filter(pilot, "src:reuters russia")
        assert titles(app) == [RUSSIA_EN]
        screen = main(app)
        filtered = screen.list_pane.filtered
        assert filtered is not None and filtered.text == "russia"
        marked = screen.article_list.matches(0)
        assert {RUSSIA_EN[i] for i in marked} == set("Russia")
        await type_filter(pilot, " -is:unread")
        assert titles(app) == []


async def test_pinyin_finds_and_highlights_chinese(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_filter(pilot, "eluosi")
        assert titles(app)[0] == RUSSIA_CN
        screen = main(app)
        marked = screen.article_list.matches(0)
        assert "".join(RUSSIA_CN[i] for i in sorted(marked)) == "俄罗斯"
        # With field filters around it, the pinyin part is still what is highlighted.
        await pilot.press("escape")
        await type_filter(pilot, "cat:新闻 eluosi")
        assert titles(app)[0] == RUSSIA_CN
        marked = screen.article_list.matches(0)
        assert "".join(RUSSIA_CN[i] for i in sorted(marked)) == "俄罗斯"


async def test_pinyin_off_in_config(seeds: Path) -> None:
    app = NewsdeckApp(seeds, config=Config(pinyin=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_filter(pilot, "eluosi")
        assert RUSSIA_CN not in titles(app)


async def test_browser_toggles_and_chooses_a_source(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        browser = screen.query_one(Browser)
        assert not browser.display
        await type_filter(pilot, "talks")
        await pilot.press("tab", "c")
        await settle(pilot)
        assert browser.display and browser.options.has_focus
        prompts = [
            str(browser.options.get_option_at_index(k).prompt)
            for k in range(browser.options.option_count)
        ]
        reuters = next(k for k, p in enumerate(prompts) if "Reuters" in p)
        assert "1/1" in prompts[reuters]  # unread/total
        browser.options.highlighted = reuters
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filter_bar.value == "talks src:=Reuters"
        assert titles(app) == [RUSSIA_EN]
        assert screen.focused is screen.article_list
        # "All articles" drops the browser term and keeps the typed word.
        await pilot.press("c")
        browser.options.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filter_bar.value == "talks"
        await pilot.press("c")
        await pilot.press("c")  # focused browser: `c` hides it
        assert not browser.display


async def test_save_choose_and_delete_a_search(seeds: Path) -> None:
    app = NewsdeckApp(seeds)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        await type_filter(pilot, "cat:新闻 nato")
        await pilot.press("tab", "w")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"NATO news", "enter")
        await settle(pilot)
        assert [(s.name, s.query) for s in app.store.saved_searches()] == [
            ("NATO news", "cat:新闻 nato")
        ]
        await pilot.press("escape")  # clear the filter
        await settle(pilot)
        assert titles(app) == NEWEST_FIRST
        await pilot.press("c")
        browser = screen.query_one(Browser)
        options = browser.options
        saved = next(
            k
            for k in range(options.option_count)
            if "NATO news" in str(options.get_option_at_index(k).prompt)
        )
        options.highlighted = saved
        await pilot.press("enter")
        await settle(pilot)
        assert screen.filter_bar.value == "cat:新闻 nato"
        assert RUSSIA_EN in titles(app) and len(titles(app)) < 6
        await pilot.press("c")
        options.highlighted = saved
        await pilot.press("x")
        await settle(pilot)
        assert app.store.saved_searches() == []


async def test_keymap_theme_and_warnings_from_config(seeds: Path) -> None:
    config = Config(theme="no-such-theme", keys={"state.toggle_read": "r", "nope.x": "z"})
    app = NewsdeckApp(seeds, config=config)
    assert any("no-such-theme" in w for w in app.startup_warnings)
    assert any("nope.x" in w for w in app.startup_warnings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        first = main(app).article_list.article
        assert first is not None
        await pilot.press("r")
        await settle(pilot)
        assert app.store.is_read(first)
        await pilot.press("m")  # remapped away
        await settle(pilot)
        assert app.store.is_read(first)


async def test_config_file_is_read(seeds: Path, tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text(
        'theme = "newsdeck-light"\ndefault_sort = "title-desc"\nbogus = 1\n', encoding="utf-8"
    )
    app = NewsdeckApp(seeds)
    assert app.config.default_sort == "title-desc"
    assert any("bogus" in w for w in app.startup_warnings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.theme == "newsdeck-light"
        assert titles(app) == sorted(NEWEST_FIRST, key=str.casefold, reverse=True)


def test_state_keys_are_binding_ids() -> None:
    ids = binding_ids()
    for wanted in ("state.toggle_read", "state.mark_view_read", "state.toggle_star"):
        assert wanted in ids
    # A screen key also bound by the list or the reader's text would be shadowed there.
    from tui.app.reader import ArticleView
    from tui.app.screens.main import MainScreen
    from tui.app.widgets.article_list import ArticleList

    def keys(owner: type) -> set[str]:
        return {k for b in owner.BINDINGS for k in b.key.split(",")}  # type: ignore[attr-defined]

    for widget in (ArticleList, ArticleView):
        assert not keys(MainScreen) & keys(widget), widget.__name__


@pytest.mark.parametrize(
    ("current", "term", "expected"),
    [
        ("", 'src:="IT 之家"', 'src:="IT 之家"'),
        ("nato", "src:=Reuters", "nato src:=Reuters"),
        ('nato src:="IT 之家"', "src:=Reuters", "nato src:=Reuters"),
        ("nato src:=BBC cat:=x", None, "nato"),
        ("src:reuters", "cat:=x", "src:reuters cat:=x"),
    ],
)
def test_with_browser_term(current: str, term: str | None, expected: str) -> None:
    assert with_browser_term(current, term, replace_all=True) == expected
