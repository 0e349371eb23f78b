"""Tests for the as-you-type fuzzy filter (tui.search.fuzzy)."""

from __future__ import annotations

import re
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.locations import REAL_CORPUS
from tui.search.fold import fold, fold_map
from tui.search.fuzzy import FuzzyIndex, SearchCancelled
from tui.search.fuzzy import index as fuzzy_index

CORPUS = REAL_CORPUS


def corpus_titles() -> list[str]:
    """Titles of the real corpus, parsed crudely (front-matter `title:` or `[title](url)`)."""
    if not CORPUS.is_dir():
        pytest.skip("real corpus not available")
    titles = []
    for path in sorted(CORPUS.iterdir()):
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        m = re.search(r"^title:\s*(.+?)\s*$", head, re.M)
        if m:
            titles.append(m.group(1).strip("'\""))
            continue
        m = re.search(r"^\[(.+)\]\(", head, re.M)
        if m:
            titles.append(m.group(1))
    return titles


def real(*needles: str) -> list[str]:
    """The real titles containing every needle (skips the test when one is missing)."""
    found = [t for t in corpus_titles() if all(n in t for n in needles)]
    if not found:
        pytest.skip(f"no real title contains {needles}")
    return found


def rank(
    titles: list[str], query: str, meta: dict[int, tuple[str, str]] | None = None
) -> list[str]:
    index = FuzzyIndex()
    for i, t in enumerate(titles):
        source, author = (meta or {}).get(i, ("", ""))
        index.add(t, source, author)
    return [titles[i] for i in index.search(query).ids]


# --------------------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＩ２０２２", "ai2022"),
        ("NATO Summit", "nato summit"),
        ("  Hong\u3000\u3000Kong\t news \n", "hong kong news"),
        ("北约\u200f危机", "北约危机"),  # RLM dropped
        ("Cafe\u0301", "café"),  # combining accent composed like the precomposed form
        ("ﬁnance", "finance"),
        ("Straße", "strasse"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_map_points_at_original_characters() -> None:
    text = " ＮＡＴＯ  ﬁ e\u0301"
    folded, owners = fold_map(text)
    assert folded == "nato fi é"
    assert [text[i] for i in owners] == ["Ｎ", "Ａ", "Ｔ", "Ｏ", " ", "ﬁ", "ﬁ", " ", "e"]


@given(st.text(max_size=40))
def test_fold_and_fold_map_agree(text: str) -> None:
    folded, owners = fold_map(text)
    assert fold(text) == folded
    assert len(owners) == len(folded)
    assert owners == sorted(owners)
    assert all(0 <= i < len(text) for i in owners)
    assert "\n" not in folded and folded == folded.strip()


# --------------------------------------------------------------------------- ranking


def test_chinese_start_beats_middle_on_real_titles() -> None:
    titles = real("俄罗斯")
    ranked = rank(titles, "俄罗斯")
    assert sorted(ranked) == sorted(titles)
    starts = [t for t in ranked if t.startswith("俄罗斯")]
    if not starts or len(starts) == len(ranked):
        pytest.skip("need real titles with 俄罗斯 both at the start and inside")
    assert ranked[: len(starts)] == starts


def test_real_titles_for_trump_in_chinese() -> None:
    titles = real("特朗普")
    ranked = rank([*titles, "特别的朗读会普及活动"], "特朗普")
    # The scattered 特…朗…普 title matches but below every contiguous one.
    assert ranked[-1] == "特别的朗读会普及活动"
    assert set(ranked[:-1]) == set(titles)
    assert ranked[0].startswith("特朗普")


def test_contiguous_beats_scattered_cjk() -> None:
    crisis = real("危机")  # e.g. 「部落战争」危机 - 亚洲周刊
    titles = [*crisis, "北约峰会讨论能源危机", "欧洲面临北约危机", "北约危机升级", "普京访问北京"]
    ranked = rank(titles, "北约危机")
    assert ranked == ["北约危机升级", "欧洲面临北约危机", "北约峰会讨论能源危机"]


def test_contiguous_new_covid_epidemic_on_real_titles() -> None:
    titles = real("新冠疫情")
    scattered = "新冠病毒确诊病例增加 欧洲疫情反弹"
    ranked = rank([scattered, *titles], "新冠疫情")
    assert ranked[-1] == scattered
    assert set(ranked[:-1]) == set(titles)


def test_latin_word_boundaries_and_subsequence() -> None:
    titles = [
        "National parks reopen",  # n-a-t-i-o: scattered
        "Senator says no",  # nato inside a word
        "Leaders meet at NATO summit",
        "NATO summit opens",
        "Nothing about it",  # no match
    ]
    assert rank(titles, "nato") == [
        "NATO summit opens",
        "Leaders meet at NATO summit",
        "Senator says no",
        "National parks reopen",
    ]


def test_short_latin_terms_match_word_starts_only() -> None:
    titles = [
        "Officials said no",
        "Aid package passes",
        "中国AI产业",
        "AI chips boom",
        "China's AI push",
    ]
    assert rank(titles, "ai") == [
        "AI chips boom",
        "中国AI产业",  # whole word (CJK neighbours are boundaries); shorter wins the tie
        "China's AI push",
        "Aid package passes",
    ]


def test_shorter_titles_win_ties_on_real_titles() -> None:
    titles = real("香港")
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    result = index.search("香港")
    assert len(result.ids) == len(titles)
    groups: dict[float, list[int]] = {}
    for i, s in zip(result.ids, result.scores, strict=True):
        groups.setdefault(s, []).append(len(fold(titles[i])))
    assert result.scores == sorted(result.scores, reverse=True)
    assert any(len(g) > 1 for g in groups.values())
    assert all(g == sorted(g) for g in groups.values())
    assert titles[result.ids[0]].startswith("香港")


def test_mixed_terms_are_anded_across_title_source_and_author() -> None:
    titles = ["NATO 北约峰会", "北约峰会", "NATO summit", "北约东扩"]
    meta = {3: ("NATO news", "")}
    assert rank(titles, "nato 北约", meta) == ["NATO 北约峰会", "北约东扩"]


def test_title_match_ranks_above_source_or_author_only() -> None:
    titles = ["港股收盘", "路透：港股收盘", "港股开盘"]
    meta = {0: ("", "路透"), 2: ("路透", "")}
    # The two author/source-only matches tie (same length) and keep id order.
    assert rank(titles, "路透", meta) == ["路透：港股收盘", "港股收盘", "港股开盘"]


def test_typo_tolerance_after_exact_matches() -> None:
    titles = ["Coronavirus cases rise", "Coronation of the king", "Markets fall"]
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    result = index.search("coronavirsu")
    assert result.ids == [0]
    assert result.exact_count == 0
    assert index.search("coronavirus").exact_count == 1


def test_whole_real_corpus_search() -> None:
    titles = corpus_titles()
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    for query in ("香港", "疫情", "rfi"):
        result = index.search(query)
        assert result.ids, query
        term = fold(query)
        assert all(term in fold(titles[i]) for i in result.ids[:5])


# --------------------------------------------------------------------------- search API


def test_empty_query_returns_given_ids_in_order() -> None:
    index = FuzzyIndex()
    index.extend([("a", "", ""), ("b", "", ""), ("c", "", "")])
    assert index.search("   ").ids == [0, 1, 2]
    assert index.search("", ids=[2, 0]).ids == [2, 0]


def test_ids_restriction_and_tie_order() -> None:
    index = FuzzyIndex()
    index.extend(
        [("香港新闻", "", ""), ("香港新闻", "", ""), ("香港新闻", "", ""), ("台湾", "", "")]
    )
    assert index.search("香港", ids=[2, 0, 3]).ids == [2, 0]
    assert index.search("香港").ids == [0, 1, 2]


def test_should_stop_abandons() -> None:
    index = FuzzyIndex()
    index.extend((f"title {i}", "", "") for i in range(2000))
    with pytest.raises(SearchCancelled):
        index.search("title", should_stop=lambda: True)
    calls = 0

    def later() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    with pytest.raises(SearchCancelled):
        index.search("tit 1", should_stop=later)
    assert index.search("title 1999", should_stop=lambda: False).ids[0] == 1999


def test_previous_from_elsewhere_is_ignored() -> None:
    a, b = FuzzyIndex(), FuzzyIndex()
    a.extend([("nato summit", "", ""), ("other", "", "")])
    b.extend([("other", "", ""), ("nato summit", "", "")])
    assert b.search("nato", previous=a.search("nat")).ids == [1]
    # Not a prefix: a fresh search, not a narrowing of "summit".
    assert a.search("other", previous=a.search("summit")).ids == [1]


def test_previous_sees_items_added_since() -> None:
    index = FuzzyIndex()
    index.add("nato summit")
    previous = index.search("nat")
    index.add("nato talks")
    reused = index.search("nato", previous=previous)
    assert reused.ids == index.search("nato").ids
    assert reused.ids == [1, 0]  # "nato talks" is the shorter title


_ALPHABET = "ab nato北约危机香港ＡＩ-"
_titles = st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=_titles,
    query=st.text(alphabet=_ALPHABET, min_size=1, max_size=8),
    restrict=st.booleans(),
)
def test_previous_reuse_matches_fresh_search(titles: list[str], query: str, restrict: bool) -> None:
    index = FuzzyIndex()
    index.extend((t, t[::-1], "") for t in titles)
    ids = list(range(len(titles)))[::-2] if restrict else None
    previous = None
    for k in range(1, len(query) + 1):
        fresh = index.search(query[:k], ids=ids)
        reused = index.search(query[:k], previous=previous, ids=ids)
        assert reused.ids == fresh.ids
        assert reused.scores == fresh.scores
        if ids is not None:
            assert set(fresh.ids) <= set(ids)
        previous = reused


@settings(max_examples=100, deadline=None)
@given(titles=_titles, query=st.text(alphabet=_ALPHABET, min_size=1, max_size=8))
def test_bulk_and_per_item_scoring_agree(titles: list[str], query: str) -> None:
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    bulk = index.search(query)  # no previous: the bulk paths
    with patch.object(fuzzy_index, "POOL_MAX", 10**9):
        per_item = index.search(query, ids=list(range(len(titles))))
    assert per_item.ids == bulk.ids
    assert per_item.scores == bulk.scores


# --------------------------------------------------------------------------- highlight


@pytest.mark.parametrize(
    ("query", "title", "expected"),
    [
        ("trump", "Trump says", [0, 1, 2, 3, 4]),
        ("ai", "Officials said AI rules", [15, 16]),  # the word, not inside "said"
        ("北约危机", "北约峰会讨论能源危机", [0, 1, 8, 9]),
        ("nato", "ＮＡＴＯ峰会", [0, 1, 2, 3]),
        ("café", "Cafe\u0301 news", [0, 1, 2, 3, 4]),
        ("fin", "ﬁnance", [0, 1]),
        ("nato 北约", "北约与 NATO", [0, 1, 4, 5, 6, 7]),
        ("zzz", "Trump says", []),
    ],
)
def test_highlight(query: str, title: str, expected: list[int]) -> None:
    assert FuzzyIndex().highlight(query, title) == expected


def test_highlight_real_titles() -> None:
    for title in real("新冠疫情")[:5]:
        marks = FuzzyIndex().highlight("新冠疫情", title)
        assert "".join(title[i] for i in marks) == "新冠疫情"


# --------------------------------------------------------------------------- Chinese


def real_titles() -> list[str]:
    """Real titles as the app sees them (the project's parser, header only)."""
    from tui.files.parser import parse

    if not CORPUS.is_dir():
        pytest.skip("real corpus not available")
    return [parse(p, header_only=True).title for p in sorted(CORPUS.iterdir())]


def real_with(needle: str) -> list[str]:
    found = [t for t in real_titles() if needle in t]
    if not found:
        pytest.skip(f"no real title contains {needle!r}")
    return found


# (query, titles that must match, first title expected, titles that must rank below it)
_SYNTHETIC = [
    "El Salvador votes",  # e-l-s scattered in Latin words
    "Elsewhere in Europe",  # literal word prefix of "els"
    "美国制裁伊朗",
    "香港之声：新闻",
    "NATO北约峰会",
    "北约与NATO",
    "臺灣選舉",
    "台湾选举结果",
    "ＡＩ芯片２０２２",
    "AI chips 2022",
    "重庆火锅",
    "俄罗斯修宪公投",
    "英美加指控俄罗斯黑客",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # literal Latin first, then pinyin at the title start, inside, then scattered letters
        (
            "els",
            ["Elsewhere in Europe", "俄罗斯修宪公投", "英美加指控俄罗斯黑客", "El Salvador votes"],
        ),
        ("eluosi", ["俄罗斯修宪公投", "英美加指控俄罗斯黑客"]),
        ("xgzs", ["香港之声：新闻"]),
        ("xianggang", ["香港之声：新闻"]),
        ("cq", ["重庆火锅"]),
        ("nato北约", ["北约与NATO", "NATO北约峰会"]),  # script runs ANDed, any order
        ("北约fh", ["NATO北约峰会"]),  # Chinese plus initials of 峰会
        ("台湾", ["臺灣選舉", "台湾选举结果"]),  # Simplified query, Traditional title
        ("臺灣選舉", ["臺灣選舉", "台湾选举结果"]),  # and the reverse
        ("ai", ["ＡＩ芯片２０２２", "AI chips 2022"]),  # width folding both ways; shorter wins
        ("ＡＩ", ["ＡＩ芯片２０２２", "AI chips 2022"]),
        ("２０２２", ["ＡＩ芯片２０２２", "AI chips 2022"]),
    ],
)
def test_chinese_ranking_synthetic(query: str, expected: list[str]) -> None:
    assert rank(_SYNTHETIC, query) == expected


def test_exact_chinese_beats_pinyin() -> None:
    titles = ["俄罗斯修宪公投", "eluosi 拼音讨论", "关于 elu 的报道"]
    # A literal Latin match outranks the Chinese title matched by pinyin.
    assert rank(titles, "eluosi") == ["eluosi 拼音讨论", "俄罗斯修宪公投"]
    assert rank(titles, "elu")[:2] == ["关于 elu 的报道", "eluosi 拼音讨论"]


def test_pinyin_off_finds_no_chinese() -> None:
    index = FuzzyIndex(pinyin=False)
    index.extend((t, "", "") for t in _SYNTHETIC)
    assert [_SYNTHETIC[i] for i in index.search("eluosi").ids] == []
    assert index.highlight("eluosi", "俄罗斯修宪公投") == []
    # Script and width folding stay on: they are not part of the pinyin setting.
    assert [_SYNTHETIC[i] for i in index.search("台湾").ids] == ["臺灣選舉", "台湾选举结果"]


@pytest.mark.parametrize(
    ("query", "needle"),
    [("eluosi", "俄罗斯"), ("els", "俄罗斯"), ("meiguozhiyin", "美国之音"), ("mgzy", "美国之音")],
)
def test_pinyin_finds_real_titles(query: str, needle: str) -> None:
    titles = real_titles()
    index = FuzzyIndex(pinyin=True)
    index.extend((t, "", "") for t in titles)
    found = [titles[i] for i in index.search(query).ids]
    expected = real_with(needle)
    assert set(expected) <= set(found)
    for title in expected:
        marks = index.highlight(query, title)
        assert "".join(title[i] for i in marks) == needle


def test_pinyin_start_ranks_above_inside_on_real_titles() -> None:
    ranked = rank(real_with("俄罗斯"), "els")
    starts = [t for t in ranked if t.startswith("俄罗斯")]
    if not starts or len(starts) == len(ranked):
        pytest.skip("need real 俄罗斯 titles both at the start and inside")
    assert ranked[: len(starts)] == starts


@pytest.mark.parametrize(("query", "needle"), [("国际", "[國際]"), ("台湾", "台灣"), ("会", "會")])
def test_simplified_query_finds_real_traditional_titles(query: str, needle: str) -> None:
    titles = real_titles()
    expected = real_with(needle)
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    found = {titles[i] for i in index.search(query).ids}
    assert set(expected) <= found


def test_traditional_query_finds_real_simplified_title() -> None:
    expected = real_with("美国之音")
    titles = real_titles()
    ranked = rank(titles, "美國之音")
    assert ranked[: len(expected)] == expected


@pytest.mark.parametrize(
    ("query", "title", "expected"),
    [
        ("eluosi", "英美加指控俄罗斯黑客", [5, 6, 7]),
        ("xgzs", "新闻：香港之声", [3, 4, 5, 6]),
        ("台湾", "[國際] 臺灣選舉", [5, 6]),
        ("北约fh", "NATO北约峰会", [4, 5, 6, 7]),
        ("ai", "ＡＩ芯片", [0, 1]),
    ],
)
def test_highlight_chinese(query: str, title: str, expected: list[int]) -> None:
    assert FuzzyIndex(pinyin=True).highlight(query, title) == expected


_PY_TITLE = "北约危机香港俄罗斯 nato"
_PY_QUERY = "beiyujxgangelosnt 北"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(st.text(alphabet=_PY_TITLE, max_size=10), min_size=1, max_size=30),
    query=st.text(alphabet=_PY_QUERY, min_size=1, max_size=9),
    restrict=st.booleans(),
)
def test_previous_reuse_with_pinyin(titles: list[str], query: str, restrict: bool) -> None:
    index = FuzzyIndex(pinyin=True)
    index.extend((t, "", "") for t in titles)
    ids = list(range(len(titles)))[::-2] if restrict else None
    previous = None
    for k in range(1, len(query) + 1):
        fresh = index.search(query[:k], ids=ids)
        reused = index.search(query[:k], previous=previous, ids=ids)
        assert reused.ids == fresh.ids
        assert reused.scores == fresh.scores
        previous = reused


@settings(max_examples=100, deadline=None)
@given(
    titles=st.lists(st.text(alphabet=_PY_TITLE, max_size=10), min_size=1, max_size=30),
    query=st.text(alphabet=_PY_QUERY, min_size=1, max_size=9),
)
def test_bulk_and_per_item_pinyin_agree(titles: list[str], query: str) -> None:
    index = FuzzyIndex(pinyin=True)
    index.extend((t, "", "") for t in titles)
    bulk = index.search(query)
    with patch.object(fuzzy_index, "POOL_MAX", 10**9):
        per_item = index.search(query, ids=list(range(len(titles))))
    assert per_item.ids == bulk.ids
    assert per_item.scores == bulk.scores


def test_big_pool_pinyin_sub_blob_agrees() -> None:
    """A previous result too big to score item by item narrows the pinyin scan itself."""
    base = ["香港之声", "北约峰会", "俄罗斯新闻", "新冠疫情", "香港新闻", "习近平讲话"]
    titles = [f"{base[i % len(base)]}{i}" for i in range(300)]
    index = FuzzyIndex(pinyin=True)
    index.extend((t, "", "") for t in titles)
    with patch.object(fuzzy_index, "POOL_MAX", 10):
        for query in ("xia", "xian", "xiang", "xiangg"):
            previous = index.search(query[:-1])
            assert index.search(query, previous=previous).ids == index.search(query).ids
    assert {titles[i][:4] for i in index.search("xiangg").ids} == {"香港之声", "香港新闻"}


def test_pinyin_hint_sees_items_added_between_keystrokes() -> None:
    """The previous term's pinyin matches narrow the scan, yet new items are still found."""
    base = ["香港之声", "北约峰会", "俄罗斯新闻", "新冠疫情", "香港新闻", "习近平讲话"]
    index = FuzzyIndex(pinyin=True)
    index.extend((f"{base[i % len(base)]}{i}", "", "") for i in range(300))
    with patch.object(fuzzy_index, "POOL_MAX", 10):
        previous = index.search("xia")
        assert previous._pinyin.get("xia")  # recorded for the next keystroke
        late = index.add("相关报道")  # xiang... added after the previous keystroke
        reused = index.search("xian", previous=previous)
        fresh = index.search("xian")
    assert reused.ids == fresh.ids
    assert reused.scores == fresh.scores
    assert late in reused.ids


def test_single_term_ranking_order_code_then_length_then_id() -> None:
    """One-term results sort by class, then title length, then insertion order."""
    titles = ["nato summit ends", "nato", "big nato talks", "nato talks", "natos", "x nato"]
    index = FuzzyIndex(pinyin=False)
    index.extend((t, "", "") for t in titles)
    result = index.search("nato")
    assert [titles[i] for i in result.ids] == [
        "nato",
        "nato talks",
        "nato summit ends",
        "x nato",
        "big nato talks",
        "natos",
    ]
    assert result.scores == sorted(result.scores, reverse=True)
    restricted = index.search("nato", ids=[3, 1, 0])
    assert restricted.ids == [1, 3, 0]
