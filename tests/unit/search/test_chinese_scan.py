"""The bulk pinyin scan patterns agree with the reference pattern (tui.search.chinese)."""

from __future__ import annotations

import re
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.search.chinese import (
    NO_READING_START,
    pinyin_key,
    pinyin_pattern,
    pinyin_scan_source,
    toneless,
)
from tui.search.fold import fold
from tui.search.fuzzy import FuzzyIndex
from tui.search.fuzzy import index as fuzzy_index

# Heteronyms (重 长 行 和 乐 只), readings starting with a vowel (俄 安 哦 欧 二), 女 (nv),
# a Latin letter and a space (units without a reading).
_HANZI = "俄罗斯香港之声重庆北京西安先长行了和乐只女哦欧二安"


def test_no_reading_starts_with_i_u_or_v() -> None:
    """The scan pattern drops "start the next reading" for these letters: never a loss."""
    from pypinyin.pinyin_dict import pinyin_dict

    raw = {r.strip() for value in pinyin_dict.values() for r in value.split(",")}
    starts = {toneless(r)[:1] for r in raw}
    assert {"i", "u", "v"} == NO_READING_START
    assert not starts & NO_READING_START
    assert {"a", "e", "o", "m", "n", "x", "z"} <= starts


@given(
    title=st.text(alphabet=_HANZI + "a ", min_size=1, max_size=10),
    query=st.text(alphabet="abceghijlmnoqsuvxyz", min_size=2, max_size=7),
)
def test_scan_pattern_starts_where_reference_starts(title: str, query: str) -> None:
    """Same match starts, so the bulk scans find the same keys and the same class 5."""
    key = pinyin_key(fold(title))
    reference = pinyin_pattern(query)
    source = pinyin_scan_source(query)
    assert (reference is None) == (source is None)
    if key is None or reference is None or source is None:
        return
    scan = re.compile(source)
    for p in range(len(key)):
        assert (scan.match(key, p) is None) == (reference.match(key, p) is None), p


def test_first_character_class_sees_items_added_later() -> None:
    """Class 5 (pinyin from the first character) for items added after a search."""
    index = FuzzyIndex(pinyin=True)
    index.extend([("访问西安", "", ""), ("先生", "", "")])
    first = index.search("xian")
    assert first.ids == [1, 0]  # 先 starts the title; 西安 is inside
    index.extend([("西安古城", "", ""), ("x", "", "")])
    again = index.search("xian")
    assert again.ids == [1, 2, 0]
    assert again.scores[0] == again.scores[1] > again.scores[2]


@pytest.mark.parametrize(
    "query", ["zh", "zg", "yh", "xz", "er", "zz", "cq", "zha", "zhang", "chang", "hang", "xing"]
)
def test_first_character_class_with_heteronyms_matches_reference(query: str) -> None:
    """Bulk class 5 (grouped by first unit) equals the per-item reference scorer's."""
    titles = ["长城", "长江", "行长", "重庆", "中国", "重重", "银行", "x长", "长", "二手", "长中华"]
    index = FuzzyIndex(pinyin=True)
    index.extend((t, "", "") for t in titles)
    bulk = index.search(query)
    with patch.object(fuzzy_index, "POOL_MAX", 10**9):
        per_item = index.search(query, ids=list(range(len(titles))))
    assert bulk.ids == per_item.ids
    assert bulk.scores == per_item.scores
    assert bulk.ids  # every query above matches something
