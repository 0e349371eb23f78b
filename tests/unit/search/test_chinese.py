"""Tests for Chinese-aware folding and pinyin keys (tui.search.chinese) and `list --filter`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.cli import main as cli
from tui.search import chinese
from tui.search.chinese import (
    UNIT,
    pinyin_enabled,
    pinyin_key,
    pinyin_narrows,
    pinyin_pattern,
    pinyin_span,
    readings,
    to_simplified,
)
from tui.search.fold import fold
from tui.search.fuzzy import FuzzyIndex

# --------------------------------------------------------------------------- T -> S


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("會議", "会议"),
        ("國家", "国家"),
        ("臺灣", "台湾"),
        ("台灣", "台湾"),
        ("頭髮", "头发"),
        ("發展", "发展"),
        ("[國際] 媒體：蓬佩奧將會晤羅冠聰", "[国际] 媒体：蓬佩奥将会晤罗冠聪"),
        ("会议 国家 台湾", "会议 国家 台湾"),  # already Simplified: unchanged
        ("NATO summit", "NATO summit"),
    ],
)
def test_to_simplified(text: str, expected: str) -> None:
    assert to_simplified(text) == expected


@given(st.text(alphabet="會國臺灣髮發头发乾隆后後ab 、\n", max_size=60))
def test_to_simplified_keeps_length_and_is_idempotent(text: str) -> None:
    folded = to_simplified(text)
    assert len(folded) == len(text)
    assert to_simplified(folded) == folded
    assert all(a == b or ord(a) in chinese.t2s_map() for a, b in zip(text, folded, strict=True))


def test_fold_folds_script_width_and_case() -> None:
    assert fold("臺灣ＡＩ２０２２ News") == fold("台湾ai2022 news") == "台湾ai2022 news"


# --------------------------------------------------------------------------- pinyin


def test_readings_keep_heteronyms_and_traditional_sources() -> None:
    assert {"zhong", "chong"} <= set(readings("重"))
    assert {"chang", "zhang"} <= set(readings("长"))
    assert "lv" in readings("绿")  # ü typed as v
    assert "qian" in readings("干")  # from 乾 (乾隆 folds to 干隆)
    assert readings("a") == () and readings("，") == ()


@pytest.mark.parametrize("title", ["俄罗斯总统普京", "NATO北约峰会", "２０２２年 香港之声", "重庆"])
def test_pinyin_key_has_one_unit_per_folded_character(title: str) -> None:
    folded = fold(title)
    key = pinyin_key(folded)
    assert key is not None
    assert key.count(UNIT) == len(folded)
    assert pinyin_key("nato summit") is None


@pytest.mark.parametrize(
    ("query", "title", "span"),
    [
        ("eluosi", "俄罗斯总统", (0, 2)),  # full pinyin
        ("els", "俄罗斯总统", (0, 2)),  # initials
        ("eluos", "俄罗斯总统", (0, 2)),  # last syllable still being typed
        ("elsi", "俄罗斯总统", (0, 2)),  # initials then a full syllable
        ("zongtong", "俄罗斯总统", (3, 4)),
        ("xgzs", "香港之声", (0, 3)),
        ("xianggang", "新闻：香港之声", (3, 4)),
        ("chongqing", "重庆火锅", (0, 1)),  # heteronym: chong and zhong both accepted
        ("zhongqing", "重庆火锅", (0, 1)),
        ("cq", "重庆火锅", (0, 1)),
        ("qianlong", "乾隆皇帝", (0, 1)),  # Traditional reading survives the fold to 干
        ("lvse", "绿色", (0, 1)),
        ("li", "李白", (0, 0)),  # two letters: one whole syllable...
        ("bj", "北京", (0, 1)),  # ...or two initials
        ("ji", "北京", None),  # ...but not a prefix of jing
        ("eluosi", "俄 罗斯", None),  # characters must be consecutive
        ("sile", "俄罗斯", None),
        ("e", "俄罗斯", None),  # one letter never matches by pinyin
    ],
)
def test_pinyin_span(query: str, title: str, span: tuple[int, int] | None) -> None:
    pattern = pinyin_pattern(query)
    key = pinyin_key(fold(title))
    assert key is not None
    if pattern is None:
        assert span is None
        return
    assert pinyin_span(key, pattern) == span


_HANZI = "俄罗斯香港之声重庆北京西安先长行了"


@given(
    title=st.text(alphabet=_HANZI + "a ", min_size=1, max_size=12),
    query=st.text(alphabet="abcdeghijklmnoqrstuwxyz", min_size=3, max_size=9),
)
def test_pinyin_match_is_closed_under_prefixes(title: str, query: str) -> None:
    """What makes reusing the previous keystroke's result exact (3+ letters)."""
    key = pinyin_key(fold(title))
    pattern = pinyin_pattern(query)
    if key is None or pattern is None or pinyin_span(key, pattern) is None:
        return
    for k in range(3, len(query)):
        shorter = pinyin_pattern(query[:k])
        assert shorter is not None and pinyin_span(key, shorter) is not None
        assert pinyin_narrows(query[:k], query)


def test_pinyin_narrows() -> None:
    assert pinyin_narrows("elu", "eluo")
    assert not pinyin_narrows("e", "el")  # one letter has no pinyin matches at all
    assert not pinyin_narrows("xi", "xia")  # two letters are stricter (whole syllables)
    assert pinyin_narrows("nato-", "nato-x")  # not a pinyin term: nothing to add


# --------------------------------------------------------------------------- setting


@pytest.mark.parametrize(
    ("value", "enabled"), [(None, True), ("1", True), ("0", False), ("off", False), ("NO", False)]
)
def test_pinyin_setting_from_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, enabled: bool
) -> None:
    if value is None:
        monkeypatch.delenv(chinese.PINYIN_ENV, raising=False)
    else:
        monkeypatch.setenv(chinese.PINYIN_ENV, value)
    assert pinyin_enabled() is enabled
    index = FuzzyIndex()
    assert index.pinyin is enabled
    index.add("俄罗斯修宪公投")
    assert index.search("eluosi").ids == ([0] if enabled else [])
    assert FuzzyIndex(pinyin=True).pinyin and not FuzzyIndex(pinyin=False).pinyin


# --------------------------------------------------------------------------- CLI


def _write_feed(directory: Path, name: str, title: str, stamp: int) -> None:
    text = f"<!--{stamp}-->\n[{title}](https://x.example/{name})\n------\n<p>b</p>\n"
    (directory / f"{name}.md").write_text(text, encoding="utf-8")


def _list_titles(directory: Path, query: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert cli.main(["list", str(directory), "--json", "--filter", query]) == 0
    out = capsys.readouterr().out
    return [json.loads(line)["title"] for line in out.splitlines() if line.strip()]


def test_cli_list_filter_matches_pinyin_and_scripts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(chinese.PINYIN_ENV, raising=False)
    _write_feed(tmp_path, "a", "美国制裁伊朗", 1641989702000)
    _write_feed(tmp_path, "b", "俄罗斯修宪公投", 1641989703000)
    _write_feed(tmp_path, "c", "英美加指控俄罗斯黑客", 1641989704000)
    _write_feed(tmp_path, "d", "[國際] 臺灣選舉結果", 1641989705000)
    assert _list_titles(tmp_path, "eluosi", capsys) == ["俄罗斯修宪公投", "英美加指控俄罗斯黑客"]
    assert _list_titles(tmp_path, "台湾", capsys) == ["[國際] 臺灣選舉結果"]
    monkeypatch.setenv(chinese.PINYIN_ENV, "0")
    assert _list_titles(tmp_path, "eluosi", capsys) == []
