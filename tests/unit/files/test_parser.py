"""The shared article parser: golden files, every layout variation, and hostile bytes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.locations import SAMPLE_SEEDS
from tui.files.parser import parse
from tui.model import sort_key_date

Write = Callable[..., Path]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _no_controls(article: object, *, body_ok: bool = True) -> None:
    for name in ("title", "url", "author", "source", "image", "error"):
        value = getattr(article, name)
        assert value is None or not re.search(r"[\x00-\x1f\x7f-\x9f]", value), (name, value)
    for name in ("categories", "tags", "problems"):
        for value in getattr(article, name):
            assert not re.search(r"[\x00-\x1f\x7f-\x9f]", value), (name, value)
    body = article.body
    if body is not None:
        assert not CONTROL.search(body)


# --- golden files -------------------------------------------------------------------------------


def test_golden_front_matter_example() -> None:
    a = parse(SAMPLE_SEEDS / "000_3192b83e715a3e93.txt")
    assert a.ok and a.error is None
    assert a.format == "frontmatter"
    assert a.title == "关于安全保证的谈判能否解除俄罗斯与北约之间的危机？"
    assert a.url is None
    assert a.date == datetime(2021, 12, 24, 10, 21, 49, tzinfo=UTC)
    assert a.author == "Aljazeera 半岛网"
    assert a.source == "Aljazeera 半岛网"
    assert a.categories == ["新媒体", "Aljazeera 半岛网", "新闻"]
    assert a.tags == []
    assert a.image == (
        "https://chinese.aljazeera.net/wp-content/uploads/2021/12/image-1-35.jpg"
        "?w=770&resize=770%2C433"
    )
    assert a.problems == []
    assert a.body is not None
    assert a.body.lstrip().startswith("<div>")
    assert "从俄罗斯的角度来看" in a.body
    assert "古巴导弹危机" in a.body
    assert "title:" not in a.body


def test_golden_feed_example() -> None:
    a = parse(SAMPLE_SEEDS / "002_153ef59660deb970.txt")
    assert a.ok
    assert a.format == "feed"
    assert a.title == "俄罗斯一只手与北约会谈 另只手在乌克兰边境举行军演 - 要闻解说"
    assert a.url is not None
    assert a.url.startswith("https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F")
    assert a.url.endswith("%E5%86%9B%E6%BC%94")
    assert a.date == datetime(2022, 1, 12, 12, 15, 2, tzinfo=UTC)  # 1641989702000 ms
    assert a.author is None
    assert a.source == "rfi.fr"
    assert a.categories == [] and a.tags == []
    assert a.image is None
    assert a.problems == []
    assert a.body is not None
    assert a.body.lstrip().startswith("<div>12/01/2022 - 12:44</div>")
    assert "------" not in a.body[:20]


def test_header_only_matches_full_parse_and_skips_body() -> None:
    for path in SAMPLE_SEEDS.iterdir():
        head, full = parse(path, header_only=True), parse(path)
        assert head.body is None
        assert (head.title, head.date, head.source, head.format, head.url) == (
            full.title,
            full.date,
            full.source,
            full.format,
            full.url,
        )


# --- layouts ------------------------------------------------------------------------------------

HYBRID = """---
layout: post
title: "49天，香港反送中運動如何來到臨界點？"
date: 2019-07-27T15:10:56.000Z
author: 張潔平
from: https://matters.news/@az/49
tags: [ Matters ]
categories: [ Matters ]
---
<!--1564240256000-->
[49天，香港反送中運動如何來到臨界點？](https://matters.news/@az/49)
------

<div><p>寫在前面：</p>
------
<p>after a rule</p></div>
"""


def test_hybrid(write: Write) -> None:
    a = parse(write("h.md", HYBRID))
    assert a.format == "hybrid"
    assert a.title == "49天，香港反送中運動如何來到臨界點？"
    assert a.url == "https://matters.news/@az/49"
    assert a.date == datetime(2019, 7, 27, 15, 10, 56, tzinfo=UTC)
    assert a.author == "張潔平"
    assert a.categories == ["Matters"] and a.tags == ["Matters"]
    assert a.source == "Matters"
    assert a.body is not None
    assert a.body.strip().startswith("<div><p>寫在前面")
    assert "after a rule" in a.body  # a body's own ------ does not end anything


def test_front_matter_with_raw_html_body(write: Write) -> None:
    a = parse(write("j.md", '---\ntitle: "泡泡"\ndate: 2014-10-22T16:41:03+02:00\n---\n\n<p>x</p>'))
    assert a.format == "frontmatter"
    assert a.date == datetime(2014, 10, 22, 14, 41, 3, tzinfo=UTC)


def test_feed_without_timestamp_takes_date_from_body(write: Write) -> None:
    text = (
        "[新乡土 | 贺雪峰：我为什么说](https://chinadigitaltimes.net/chinese/2020/06/x/)\n"
        "------\n日期：Wed, 24 Jun 2020 21:25:35 +0000\n\n<p>一、山东省</p>\n"
    )
    a = parse(write("b.md", text))
    assert a.format == "feed"
    assert a.title == "新乡土 | 贺雪峰：我为什么说"
    assert a.date == datetime(2020, 6, 24, 21, 25, 35, tzinfo=UTC)
    assert a.source == "chinadigitaltimes.net"


def test_feed_title_with_brackets(write: Write) -> None:
    a = parse(
        write(
            "b.md",
            "<!--1595000000000-->\n[[國際] 白宮 [video]](https://rti.org.tw/x)\n------\n<p>x</p>",
        )
    )
    assert a.title == "[國際] 白宮 [video]"
    assert a.url == "https://rti.org.tw/x"


def test_front_matter_after_blank_lines_and_with_bom_crlf(write: Write) -> None:
    text = "\ufeff\r\n\r\n---\r\ntitle: 'CRLF 标题'\r\ndate: 2021-03-09\r\n---\r\n<p>a\rb</p>\r\n"
    a = parse(write("c.md", text))
    assert a.format == "frontmatter"
    assert a.title == "CRLF 标题"
    assert a.body is not None and "\r" not in a.body and "a\nb" in a.body


def test_layout_from_content_not_extension(write: Write) -> None:
    a = parse(write("weird.jpg", "<!--1641989702000-->\n[t](http://x.org/a)\n------\n<p>b</p>"))
    assert a.ok and a.format == "feed"
    b = parse(write("notes.md", "# Just a markdown file\n\nNo header here.\n"))
    assert not b.ok and b.error is not None and "not an article" in b.error


# --- YAML that breaks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("title: 12_00", "12_00"),
        ("title: 1950", "1950"),
        ("title: 00_26", "00_26"),
        ("title: true", "true"),
        ("title: 2021-03-09", "2021-03-09"),
        ('title: """""\'今日数据行业日报（2021.03.09）\'"""""', "今日数据行业日报（2021.03.09）"),
        ("title: '@003_miss_ \"\n((()))\n\"'", '@003_miss_ " ((())) "'),
        ('title: "Tom &amp; Jerry &#38; co"', "Tom & Jerry & co"),
        ("title:   spaced    out\n  continued", "spaced out continued"),
    ],
)
def test_titles_stay_strings_and_are_cleaned(write: Write, line: str, title: str) -> None:
    a = parse(write("t.md", f"---\n{line}\ndate: 2021-01-01T00:00:00Z\n---\n<p>x</p>"))
    assert a.ok
    assert a.title == title


def test_broken_yaml_falls_back_to_lines_with_problem(write: Write) -> None:
    text = (
        '---\ntitle: """broken"\'"\ncategories:\n    - 新媒体\n    - 199IT\n'
        "author: 199IT\ndate: Tue, 09 Mar 2021 00:08:08 GMT\n---\n<div>x</div>"
    )
    a = parse(write("y.md", text))
    assert a.ok
    assert any("not valid YAML" in p for p in a.problems)
    assert a.categories == ["新媒体", "199IT"]
    assert a.source == "199IT"
    assert a.date == datetime(2021, 3, 9, 0, 8, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        ("categories: [ 泡泡 ]", ["泡泡"]),
        ("categories: [a, b, c]", ["a", "b", "c"]),
        ("categories:\n - 新媒体\n - cnBeta\n - 最新", ["新媒体", "cnBeta", "最新"]),
        ("categories:\n  - [x, y]\n  - - z", ["x", "y", "z"]),
        ("categories: 新闻", ["新闻"]),
        ("categories:\n  a: b", ["a", "b"]),
        ("categories:", []),
    ],
)
def test_category_shapes(write: Write, categories: str, expected: list[str]) -> None:
    a = parse(write("c.md", f"---\ntitle: t\n{categories}\n---\n<p>x</p>"))
    assert a.categories == expected


def test_unclosed_front_matter_is_repaired(write: Write) -> None:
    a = parse(write("u.md", "---\ntitle: open ended\ndate: 2020-01-01T00:00:00Z\n<p>body</p>\n"))
    assert a.ok
    assert a.title == "open ended"
    assert any("never closed" in p for p in a.problems)
    assert a.body is not None and "<p>body</p>" in a.body


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 24 Dec 2021 10:21:49 GMT", datetime(2021, 12, 24, 10, 21, 49, tzinfo=UTC)),
        ("2019-07-27T15:10:56.000Z", datetime(2019, 7, 27, 15, 10, 56, tzinfo=UTC)),
        ("2014-10-22T16:41:03+02:00", datetime(2014, 10, 22, 14, 41, 3, tzinfo=UTC)),
        ("'2020-06-24 21:25:35 +0800'", datetime(2020, 6, 24, 13, 25, 35, tzinfo=UTC)),
    ],
)
def test_front_matter_dates(write: Write, value: str, expected: datetime) -> None:
    a = parse(write("d.md", f"---\ntitle: t\ndate: {value}\n---\n<p>x</p>"))
    assert a.date == expected


def test_nan_timestamp_with_front_matter_date(write: Write) -> None:
    text = "---\ntitle: t\ndate: 2020-07-01T08:00:00.000Z\n---\n<!--NaN-->\n[t](http://a.b/c)\n------\n<p>x</p>"
    a = parse(write("n.md", text))
    assert a.format == "hybrid"
    assert a.date == datetime(2020, 7, 1, 8, 0, tzinfo=UTC)
    assert a.problems == []


def test_nan_timestamp_alone_is_a_problem(write: Write) -> None:
    a = parse(write("n.md", "<!--NaN-->\n[t](http://a.b/c)\n------\n<p>x</p>"))
    assert a.ok and a.date is None
    assert any("NaN" in p for p in a.problems)


def test_epoch_seconds_and_absurd_values(write: Write) -> None:
    a = parse(write("s.md", "<!--1641989702-->\n[t](http://a.b/c)\n------\n<p>x</p>"))
    assert a.date == datetime(2022, 1, 12, 12, 15, 2, tzinfo=UTC)
    for stamp in ("-1000", "99999999999999999999999", "253402300800000", "abc"):
        b = parse(write("z.md", f"<!--{stamp}-->\n[t](http://a.b/c)\n------\n<p>x</p>"))
        assert b.ok and b.date is None, stamp
        assert b.problems, stamp


def test_naive_local_time_uses_tz(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        a = parse(write("l.md", "---\ntitle: t\ndate: 2021-03-21 16:41:54\n---\n<p>x</p>"))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert a.date == datetime(2021, 3, 21, 8, 41, 54, tzinfo=UTC)
    assert any("no time zone" in p for p in a.problems)


def test_chinese_body_date(write: Write) -> None:
    a = parse(write("c.md", "[t](http://a.b/c)\n------\n<p>日期：2020年6月24日</p><p>x</p>"))
    assert a.date is not None and a.date.astimezone().date().isoformat() == "2020-06-24"


def test_sorting_mixed_files_never_fails(write: Write) -> None:
    paths = [
        write("1.md", "<!--NaN-->\n[a](http://a/)\n------\n"),
        write("2.md", "---\ntitle: b\ndate: 2021-01-01\n---\n"),
        write("3.md", "---\ntitle: c\ndate: Fri, 24 Dec 2021 10:21:49 GMT\n---\n"),
        write("4.md", "---\ntitle: d\ndate: nonsense\n---\n"),
        write("5.md", "<!--1641989702000-->\n[e](http://a/)\n------\n"),
    ]
    articles = sorted((parse(p) for p in paths), key=sort_key_date)
    assert [a.title for a in articles] == ["e", "c", "b", "a", "d"]


# --- titles -------------------------------------------------------------------------------------


def test_missing_title_falls_back_to_heading_then_sentence_then_name(write: Write) -> None:
    a = parse(
        write("h.md", "---\ndate: 2021-01-01T00:00:00Z\n---\n<h2>Heading &amp; more</h2><p>x</p>")
    )
    assert a.title == "Heading & more"
    assert any("first heading" in p for p in a.problems)
    b = parse(write("s.md", "---\nauthor: x\n---\n<p>第一句话。第二句话。</p>"))
    assert b.title == "第一句话。"
    c = parse(write("my-file.md", "---\nauthor: x\n---\n"))
    assert c.title == "my-file"
    assert any("file name" in p for p in c.problems)


# --- decoding -----------------------------------------------------------------------------------

SIMPLIFIED = "---\ntitle: 俄罗斯与北约之间的危机\ndate: 2021-12-24\n---\n<p>美国与俄罗斯就安全保证开展谈判的意愿，似乎并不足以快速有效地消除双方之间的危机。</p>"
TRADITIONAL = "---\ntitle: 香港反送中運動如何來到臨界點\ndate: 2019-07-27\n---\n<p>這篇文章可能回答不了為什麼媒體不報道，機場打人真相是什麼。</p>"


@pytest.mark.parametrize(
    ("text", "encoding", "title"),
    [
        (SIMPLIFIED, "gb18030", "俄罗斯与北约之间的危机"),
        (SIMPLIFIED, "gbk", "俄罗斯与北约之间的危机"),
        (TRADITIONAL, "big5", "香港反送中運動如何來到臨界點"),
        (SIMPLIFIED, "utf-16", "俄罗斯与北约之间的危机"),
        (SIMPLIFIED, "utf-8-sig", "俄罗斯与北约之间的危机"),
    ],
)
def test_legacy_encodings(write: Write, text: str, encoding: str, title: str) -> None:
    a = parse(write("e.md", text, encoding=encoding))
    assert a.ok, a.error
    assert a.title == title
    assert a.body is not None and "</p>" in a.body
    head = parse(write("e.md", text, encoding=encoding), header_only=True)
    assert head.title == title


def test_binary_and_empty_files_are_reported(write: Write) -> None:
    png = parse(write("img.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4))
    assert not png.ok and png.error is not None and "binary" in png.error
    empty = parse(write("empty.md", b""))
    assert not empty.ok and empty.error == "empty file"
    blank = parse(write("blank.md", b"\n\n  \n"))
    assert not blank.ok


def test_missing_file_never_raises(tmp_path: Path) -> None:
    a = parse(tmp_path / "gone.md")
    assert not a.ok and a.error is not None and "vanished" in a.error


# --- control characters -------------------------------------------------------------------------


def test_control_characters_are_stripped(write: Write) -> None:
    text = (
        '---\ntitle: "evil\\x1b]0;pwned\\x07 title\\b\\x9b31m"\nauthor: "a\\x1b[2Jb"\n---\n'
        "<p>body \x1b]52;c;SGVsbG8=\x07 text\x08 \x9b2J and \x00nul\ttab</p>\n"
    )
    a = parse(write("x.md", text))
    assert a.ok
    _no_controls(a)
    assert "\t" in (a.body or "")
    assert "pwned" in a.title and "\x1b" not in a.title


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=st.binary(max_size=2000))
def test_parse_never_raises_on_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.md"
    path.write_bytes(data)
    for header_only in (False, True):
        a = parse(path, header_only=header_only)
        _no_controls(a)
        assert a.ok or a.error


_HEADERISH = st.lists(
    st.sampled_from(
        [
            "---",
            "title: x",
            "date: 2021",
            "categories:",
            " - a",
            "<!--1641989702000-->",
            "<!--NaN-->",
            "[t](u)",
            "------",
            "<p>",
            "\x1b[31m",
            '"\'"',
            "- [",
            "{",
            "日期：2020年1月1日",
            "\r",
            "",
        ]
    ),
    max_size=30,
)


@settings(
    max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(lines=_HEADERISH, tail=st.text(max_size=200))
def test_parse_never_raises_on_header_like_text(
    tmp_path: Path, lines: list[str], tail: str
) -> None:
    path = tmp_path / "fuzz.md"
    path.write_text("\n".join(lines) + tail, encoding="utf-8", errors="surrogatepass")
    a = parse(path)
    _no_controls(a)
    if a.ok:
        assert a.format in ("frontmatter", "feed", "hybrid")
        assert a.title


# --- the real corpus ----------------------------------------------------------------------------


def test_real_corpus(real_corpus: Path) -> None:
    files = sorted(p for p in real_corpus.iterdir() if p.is_file())
    articles = [parse(p) for p in files]
    assert all(a.ok for a in articles), [(a.path.name, a.error) for a in articles if not a.ok]
    with_title = sum(1 for a in articles if a.title)
    with_date = sum(1 for a in articles if a.date is not None)
    assert with_title >= 0.99 * len(files)
    assert with_date >= 0.99 * len(files)
    for a in articles:
        _no_controls(a)
        assert a.format in ("frontmatter", "feed", "hybrid")
    heads = [parse(p, header_only=True) for p in files]
    assert [(h.title, h.date, h.source) for h in heads] == [
        (a.title, a.date, a.source) for a in articles
    ]


# --- headers that are huge, or tiny but describing something huge -----------------------------


def test_header_only_reads_a_feed_title_longer_than_the_first_block(write: Write) -> None:
    title = "长" * 5_000  # 15 KB of UTF-8 on one line: the rule line is far past 4 KiB
    path = write(
        "long.md", f"<!--1641989702000-->\n[{title}](https://example.org/a)\n------\n<p>x</p>"
    )
    head, full = parse(path, header_only=True), parse(path)
    assert head.ok and head.title == title
    assert (head.title, head.url, head.date) == (full.title, full.url, full.date)


def test_yaml_alias_bomb_is_read_in_bounded_time(write: Write) -> None:
    levels = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    # title, tags and categories each name a list of 9**9 (387 million) strings.
    path = write("bomb.md", f"---\n{levels}title: *i\ncategories: *i\ntags: *i\n---\n<p>x</p>")
    article = parse(path, header_only=True)
    assert article.ok
    assert article.title.startswith("x x x") and len(article.title) < 10_000
    # Nested deeper than categories are read: nothing, but promptly and without error.
    assert article.categories == [] and article.tags == []
