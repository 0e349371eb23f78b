"""``is:started``: begun (a saved position past the top) and not finished."""

from __future__ import annotations

from pathlib import Path

from tui.model import Article
from tui.search.query import apply, parse


def art(n: int) -> Article:
    return Article(path=Path(f"/s/{n}.md"), title=f"Story {n}", url=f"https://e.x/{n}")


ARTICLES = [art(n) for n in range(5)]
STARTED = {"https://e.x/1", "https://e.x/3"}


def started(article: Article) -> bool:
    return article.url in STARTED


def test_parse_is_started() -> None:
    q = parse("is:started")
    assert q.flags == (("started", True),) and not q.errors and q.needs_state
    assert parse("-is:started").flags == (("started", False),)
    assert parse("IS:Started").flags == (("started", True),)


def test_is_started_uses_its_lookup_only() -> None:
    shown = apply("is:started", ARTICLES, is_started=started)
    assert [a.title for a in shown] == ["Story 1", "Story 3"]
    shown = apply("-is:started", ARTICLES, is_started=started)
    assert [a.title for a in shown] == ["Story 0", "Story 2", "Story 4"]
    # read/starred lookups do not answer it
    everything = lambda _a: True  # noqa: E731
    assert apply("is:started", ARTICLES, None, everything, everything) == []


def test_is_started_combines_with_text_and_other_flags() -> None:
    read = {"https://e.x/3"}
    shown = apply(
        "story is:started is:unread",
        ARTICLES,
        None,
        lambda a: a.url in read,
        None,
        is_started=started,
    )
    assert [a.title for a in shown] == ["Story 1"]


def test_unknown_flag_message_names_started() -> None:
    assert any("started" in e for e in parse("is:begun").errors)
