"""The filter query language: parsing (table-driven, malformed input included), matching,
applying with fuzzy ranking and browser counts (sorting: test_sort.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tui.model import Article
from tui.search.fuzzy import FuzzyIndex
from tui.search.query import (
    DateRange,
    FieldFilter,
    Query,
    apply,
    apply_with_result,
    facets,
    field_term,
    parse,
    parse_period,
    quote,
)

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
TZ = UTC
CST = timezone(timedelta(hours=8))


def P(raw: str) -> Query:
    return parse(raw, now=NOW, tz=TZ)


def d(year: int, month: int, day: int, hour: int = 0, *, tz: timezone = UTC) -> datetime:
    return datetime(year, month, day, hour, tzinfo=tz)


# --------------------------------------------------------------------------- parsing

# raw -> (text, filters, excluded, dates, flags, number of errors)
PARSE_CASES: list[
    tuple[str, str, list[FieldFilter], list[str], list[DateRange], list[tuple[str, bool]], int]
] = [
    ("", "", [], [], [], [], 0),
    ("   ", "", [], [], [], [], 0),
    ("openai gpt", "openai gpt", [], [], [], [], 0),
    ("src:cnbeta", "", [FieldFilter("source", "cnbeta")], [], [], [], 0),
    ("SRC:CnBeta", "", [FieldFilter("source", "cnbeta")], [], [], [], 0),
    ("source:cnbeta", "", [FieldFilter("source", "cnbeta")], [], [], [], 0),
    ("cat:新闻 苹果", "苹果", [FieldFilter("category", "新闻")], [], [], [], 0),
    ("author:张三", "", [FieldFilter("author", "张三")], [], [], [], 0),
    ("by:Ann tag:ai", "", [FieldFilter("author", "ann"), FieldFilter("tag", "ai")], [], [], [], 0),
    ('src:"IT 之家"', "", [FieldFilter("source", "it 之家")], [], [], [], 0),
    ('src:="IT 之家"', "", [FieldFilter("source", "it 之家", exact=True)], [], [], [], 0),
    ("src:=cnBeta", "", [FieldFilter("source", "cnbeta", exact=True)], [], [], [], 0),
    ('src:"say \\"hi\\""', "", [FieldFilter("source", 'say "hi"')], [], [], [], 0),
    ("src:ａｂｃ", "", [FieldFilter("source", "abc")], [], [], [], 0),  # NFKC folding
    ("src:a,b", "", [FieldFilter("source", "a"), FieldFilter("source", "b")], [], [], [], 0),
    ('src:"a,b"', "", [FieldFilter("source", "a,b")], [], [], [], 0),
    ("-src:cnbeta", "", [FieldFilter("source", "cnbeta", negated=True)], [], [], [], 0),
    ("-广告 news", "news", [], ["广告"], [], [], 0),
    ('-"Breaking News"', "", [], ["breaking news"], [], [], 0),
    ('"quoted phrase" x', "quoted phrase x", [], [], [], [], 0),
    ("is:unread", "", [], [], [], [("read", False)], 0),
    ("is:READ", "", [], [], [], [("read", True)], 0),
    ("is:starred", "", [], [], [], [("starred", True)], 0),
    ("-is:starred", "", [], [], [], [("starred", False)], 0),
    ("is:unstarred", "", [], [], [], [("starred", False)], 0),
    ("after:2022-01-01", "", [], [], [DateRange(d(2022, 1, 1), None)], [], 0),
    ("since:2022/1/5", "", [], [], [DateRange(d(2022, 1, 5), None)], [], 0),
    ("before:2022-03", "", [], [], [DateRange(None, d(2022, 3, 1))], [], 0),
    ("before:2022", "", [], [], [DateRange(None, d(2022, 1, 1))], [], 0),
    ("date:2022-12", "", [], [], [DateRange(d(2022, 12, 1), d(2023, 1, 1))], [], 0),
    ("on:2024-02-29", "", [], [], [DateRange(d(2024, 2, 29), d(2024, 3, 1))], [], 0),
    ("date:2021", "", [], [], [DateRange(d(2021, 1, 1), d(2022, 1, 1))], [], 0),
    ("after:7d", "", [], [], [DateRange(NOW - timedelta(days=7), None)], [], 0),
    ("after:2w", "", [], [], [DateRange(NOW - timedelta(weeks=2), None)], [], 0),
    ("before:12h", "", [], [], [DateRange(None, NOW - timedelta(hours=12))], [], 0),
    ("date:today", "", [], [], [DateRange(d(2024, 6, 15), d(2024, 6, 16))], [], 0),
    ("date:yesterday", "", [], [], [DateRange(d(2024, 6, 14), d(2024, 6, 15))], [], 0),
    ("-after:2022", "", [], [], [DateRange(d(2022, 1, 1), None, negated=True)], [], 0),
    ("12:30 news", "12:30 news", [], [], [], [], 0),  # digits before ':' are not a field
    # ---- malformed: an error each, the rest of the query still applies
    ("src:", "", [], [], [], [], 1),
    ('src:"" x', "x", [], [], [], [], 1),
    ("is:", "", [], [], [], [], 1),
    ("is:bogus x", "x", [], [], [], [], 1),
    ("after:notadate", "", [], [], [], [], 1),
    ("after:2022-13-01", "", [], [], [], [], 1),
    ("before:2022-02-30", "", [], [], [], [], 1),
    ("date:0000", "", [], [], [], [], 1),
    ("after:7x", "", [], [], [], [], 1),
    ("foo:bar", "foo:bar", [], [], [], [], 1),
    ("Re:Zero", "Re:Zero", [], [], [], [], 1),
    ('"Re:Zero"', "Re:Zero", [], [], [], [], 0),  # quoting silences it
    ("-", "", [], [], [], [], 1),
    ("news -", "news", [], [], [], [], 1),
    ('src:"IT 之家', "", [FieldFilter("source", "it 之家")], [], [], [], 1),
    ('"unbalanced', "unbalanced", [], [], [], [], 1),
    ('"', "", [], [], [], [], 1),
    ("src: cnbeta", "cnbeta", [], [], [], [], 1),
    ("foo:1 foo:2", "foo:1 foo:2", [], [], [], [], 1),  # one message per problem
    ("src: after:x is:", "", [], [], [], [], 3),
]


@pytest.mark.parametrize(
    ("raw", "text", "filters", "excluded", "dates", "flags", "n_errors"),
    PARSE_CASES,
    ids=[c[0] or "<empty>" for c in PARSE_CASES],
)
def test_parse(
    raw: str,
    text: str,
    filters: list[FieldFilter],
    excluded: list[str],
    dates: list[DateRange],
    flags: list[tuple[str, bool]],
    n_errors: int,
) -> None:
    q = P(raw)
    assert q.raw == raw
    assert q.text == text
    assert list(q.filters) == filters
    assert list(q.excluded) == excluded
    assert list(q.dates) == dates
    assert list(q.flags) == flags
    assert len(q.errors) == n_errors, q.errors


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("foo:bar", 'unknown field "foo:"'),
        ("src:", "src: needs a value"),
        ("-src:", "-src: needs a value"),
        ("after:notadate", 'after: "notadate" is not a date'),
        ("is:maybe", 'is: "maybe" is unknown'),
        ('src:"x', "unclosed quote"),
        ("-", '"-" needs a word'),
    ],
)
def test_error_messages_name_the_problem(raw: str, needle: str) -> None:
    assert any(needle in e for e in P(raw).errors), P(raw).errors


def test_parse_never_raises_on_junk() -> None:
    junk = ['"\\', "\\", ":::", "-:-", 'a:"b', "is:\x00", "after:99999-99", "-" * 50, "src:=", "=x"]
    junk += ["after:" + "9" * 400, "before:00000000000000000000d", "\u200b:x", "日期:今天"]
    for raw in junk:
        q = parse(raw)
        assert isinstance(q.errors, tuple)


def test_calendar_dates_are_local_to_the_given_zone() -> None:
    q = parse("after:2022-01-01", now=NOW, tz=CST)
    (rng,) = q.dates
    assert rng.start == datetime(2021, 12, 31, 16, 0, tzinfo=UTC)
    # default zone: the machine's local zone, still an aware datetime
    start, end = parse_period("2022-01-01") or (None, None)
    assert start is not None and start.tzinfo is not None and end is not None
    assert end - start in (timedelta(hours=23), timedelta(hours=24), timedelta(hours=25))


def test_year_month_and_day_periods_end_where_the_next_begins() -> None:
    assert parse_period("2022-12", tz=UTC) == (d(2022, 12, 1), d(2023, 1, 1))
    assert parse_period("2023-02-28", tz=UTC) == (d(2023, 2, 28), d(2023, 3, 1))
    assert parse_period("1999", tz=UTC) == (d(1999, 1, 1), d(2000, 1, 1))


# --------------------------------------------------------------------------- quoting


@pytest.mark.parametrize(
    "value", ["cnbeta", "IT 之家", 'say "hi"', "a,b", "back\\slash", "=eq", "-dash", "", "中 文\t"]
)
def test_quote_round_trips_through_parse(value: str) -> None:
    q = parse(field_term("src", value))
    if not value.strip():
        assert q.errors and not q.filters
        return
    assert not q.errors
    assert q.filters == (FieldFilter("source", " ".join(value.casefold().split()), exact=True),)
    assert quote("plain") == "plain"


# --------------------------------------------------------------------------- matching


def art(
    title: str,
    *,
    source: str | None = None,
    author: str | None = None,
    categories: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    date: datetime | None = None,
    url: str | None = None,
    name: str | None = None,
) -> Article:
    return Article(
        path=Path("/seeds") / (name or f"{title}.md"),
        title=title,
        source=source,
        author=author,
        categories=list(categories),
        tags=list(tags),
        date=date,
        url=url,
    )


A = art(
    "Apple earnings beat",
    source="cnBeta",
    categories=("新闻", "cnBeta"),
    date=d(2022, 1, 10),
    url="https://cnbeta.com/1",
)
B = art(
    "苹果发布会",
    source="IT 之家",
    author="张三",
    categories=("科技",),
    tags=("apple",),
    date=d(2021, 12, 31, 23),
)
C = art("Weather today", source="RTI 中央廣播電臺", date=None, author="Ann Lee")
D = art("Apple 广告 special", source="cnBeta Extra", date=d(2022, 2, 1))
ALL = [A, B, C, D]

MATCH_CASES = [
    ("", [A, B, C, D]),
    ("src:cnbeta", [A, D]),
    ("src:=cnbeta", [A]),
    ("src:=CNBETA", [A]),
    ('src:"it 之家"', [B]),
    ("src:cnbeta src:之家", [A, B, D]),  # same field: OR
    ("src:cnbeta,之家", [A, B, D]),
    ("src:cnbeta cat:新闻", [A]),  # different fields: AND
    ("-src:cnbeta", [B, C]),
    ("cat:新闻", [A]),
    ("cat:科", [B]),
    ("tag:APPLE", [B]),
    ("author:ann", [C]),
    ("author:张", [B]),
    ("title:earn", [A]),
    ("url:cnbeta.com", [A]),
    ("path:/seeds/weather", [C]),
    ("-广告", [A, B, C]),
    ("-cnbeta", [B, C]),  # exclusions look at the source too
    ("-ann", [A, B, D]),  # ... and the author
    ("after:2022-01-01", [A, D]),
    ("before:2022-01-01", [B]),
    ("after:2022-01-01 before:2022-02", [A]),
    ("date:2022-02-01", [D]),
    ("-after:2022-01-01", [B]),  # undated C never passes a date filter
    ("is:unread", [B, C, D]),
    ("is:read", [A]),
    ("is:starred", [D]),
    ("-is:starred is:unread", [B, C]),
    ("is:read is:unread", []),
    ("foo:bar", [A, B, C, D]),  # unknown fields filter nothing (they are text)
]


@pytest.mark.parametrize(
    ("raw", "expected"), MATCH_CASES, ids=[c[0] or "<empty>" for c in MATCH_CASES]
)
def test_matches(raw: str, expected: list[Article]) -> None:
    q = P(raw)
    got = [a for a in ALL if q.matches(a, lambda a: a is A, lambda a: a is D)]
    assert got == expected


def test_matching_in_another_zone() -> None:
    # B is 2021-12-31 23:00 UTC = 2022-01-01 07:00 in UTC+8: "today" there.
    q = parse("date:2022-01-01", now=NOW, tz=CST)
    assert [a for a in ALL if q.matches(a)] == [B]


def test_flags_without_state_mean_unread_and_unstarred() -> None:
    assert [a for a in ALL if P("is:unread").matches(a)] == ALL
    assert [a for a in ALL if P("is:starred").matches(a)] == []


# --------------------------------------------------------------------------- applying


def test_apply_keeps_order_without_text_and_ranks_with_text() -> None:
    order = [D, C, B, A]
    assert apply(P("src:cnbeta"), order) == [D, A]
    assert apply(P(""), order) == order
    ranked = apply(P("apple"), order)
    assert ranked[0] is A or ranked[0] is D  # title word matches rank first
    assert C not in ranked
    assert apply(P("apple -广告"), order) == [A]
    assert apply(P("apple src:=cnbeta"), order) == [A]
    assert apply("zzzzqqq", order) == []


def test_apply_with_a_shared_index_and_ids() -> None:
    # The app's index holds articles in arrival order; the view passes them sorted.
    arrival = [A, B, C, D]
    index = FuzzyIndex()
    index.extend((a.title, a.source or "", a.author or "") for a in arrival)
    view = [D, C, B, A]
    ids = [3, 2, 1, 0]
    got, result = apply_with_result(P("apple"), view, index, ids=ids)
    assert result is not None
    assert got == apply(P("apple"), view)  # same ranking as with a temporary index
    assert apply(P("apple is:unread"), view, index, lambda a: a is A, ids=ids) == [D]
    # the result seeds the next keystroke; the answer does not change
    again = apply(P("apple"), view, index, ids=ids, previous=result)
    assert again == got
    with pytest.raises(ValueError):
        apply(P("apple"), view, index, ids=[0])
    # without ids, positions are index ids (the fast path)
    assert apply(P("apple"), arrival, index) == apply(P("apple"), arrival)


def test_apply_on_the_real_corpus(real_corpus: Path) -> None:
    from tui.files.scan import scan

    articles = [a for a in scan(real_corpus) if a.ok]
    cnbeta = apply(parse("src:cnbeta"), articles)
    assert cnbeta and all("cnbeta" in (a.source or "").casefold() for a in cnbeta)
    news = apply(parse("cat:新闻"), articles)
    assert news and all(any("新闻" in c for c in a.categories) for a in news)
    rest = apply(parse("-src:cnbeta"), articles)
    assert len(rest) + len(cnbeta) == len(articles)
    dated = apply(parse("after:2022-01-01", tz=UTC), articles)
    assert all(a.date and a.date >= d(2022, 1, 1) for a in dated)
    assert len(dated) < len(articles)


# --------------------------------------------------------------------------- browser


def test_facets_count_unread_per_source_and_category() -> None:
    f = facets(ALL, lambda a: a is A)
    assert (f.total, f.unread) == (4, 3)
    by_source = {x.name: (x.total, x.unread) for x in f.sources}
    assert by_source == {
        "cnBeta": (1, 0),
        "cnBeta Extra": (1, 1),
        "IT 之家": (1, 1),
        "RTI 中央廣播電臺": (1, 1),
    }
    by_cat = {x.name: (x.total, x.unread) for x in f.categories}
    assert by_cat == {"新闻": (1, 0), "cnBeta": (1, 0), "科技": (1, 1)}
    assert [x.name for x in f.sources] == ["cnBeta", "cnBeta Extra", "IT 之家", "RTI 中央廣播電臺"]
    # every facet, chosen in the browser, selects exactly the articles it counts
    for x in f.sources:
        assert len(apply(field_term("src", x.name), ALL)) == x.total
    for x in f.categories:
        assert len(apply(field_term("cat", x.name), ALL)) == x.total
