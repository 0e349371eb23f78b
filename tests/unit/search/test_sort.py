"""The sort orders (tui.search.sort): the app's cycle and the one title/source key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tui.model import Article
from tui.search.sort import (
    SORTS,
    next_sort,
    sort_articles,
    sort_label,
    source_key,
    title_key,
)


def art(title: str, *, source: str | None = None, date: datetime | None = None) -> Article:
    return Article(path=Path("/seeds") / f"{title}.md", title=title, source=source, date=date)


def d(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


A = art("Apple earnings beat", source="cnBeta", date=d(2022, 1, 10))
B = art("苹果发布会", source="IT 之家", date=d(2021, 12, 31, 23))
C = art("Weather today", source="RTI 中央廣播電臺", date=None)
D = art("Apple 广告 special", source="cnBeta Extra", date=d(2022, 2, 1))
ALL = [A, B, C, D]


def test_sorts_cycle_and_label() -> None:
    seen = [SORTS[0]]
    for _ in SORTS:
        seen.append(next_sort(seen[-1]))
    assert seen[-1] == SORTS[0] and set(seen) == set(SORTS)
    assert next_sort("bogus") == SORTS[0]
    assert sort_label("date-desc") == "date ↓" and sort_label("title-asc") == "title ↑"


def test_sort_articles() -> None:
    assert sort_articles(ALL, "date-desc") == [D, A, B, C]
    assert sort_articles(ALL, "date-asc") == [B, A, D, C]  # undated last both ways
    assert sort_articles(ALL, "title-asc") == [A, D, C, B]
    assert sort_articles(ALL, "title-desc") == [B, C, D, A]
    assert sort_articles(ALL, "source-asc") == [A, D, B, C]
    assert sort_articles(ALL, "source-desc") == [C, B, D, A]
    nosrc = art("No source", date=d(2030, 1, 1))
    assert sort_articles([*ALL, nosrc], "source-desc")[-1] is nosrc
    assert sort_articles(ALL, "nonsense") == sort_articles(ALL, "date-desc")


def test_keys_fold_width_and_case() -> None:
    """Full-width and upper-case titles sort with their plain spelling."""
    wide, plain = art("ＡＩ Ｎｅｗｓ"), art("ai news")
    assert title_key(wide) == title_key(plain) == "ai news"
    assert source_key(art("x", source="ＩＴ之家")) == "it之家"
    assert source_key(art("x")) == ""
    later = art("Ai news", date=d(2023, 1, 1))
    earlier = art("AI NEWS", date=d(2020, 1, 1))
    b = art("b")
    assert sort_articles([b, earlier, later], "title-asc") == [later, earlier, b]
