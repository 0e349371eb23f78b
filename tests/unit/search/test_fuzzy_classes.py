"""The fuzzy filter's character classes without regexes agree with the regex classes.

Why: :func:`is_word`, the wide test and :func:`terms_of` answer with ``str.isalnum`` and
a bisect over :data:`~tui.cjk.WIDE_RANGES` (compiling a class of the wide ranges costs
~5 ms a pattern); these tests hold them to the classes the term patterns still use.
"""

from __future__ import annotations

import re

from tui.cjk import WIDE_RANGES, char_class
from tui.search.fold import fold
from tui.search.fuzzy.terms import is_word, terms_of, token_re

_WIDE = char_class(WIDE_RANGES)
_WORD_RE = re.compile(f"[^\\W_{_WIDE}]")
_WIDE_RE = re.compile(f"[{_WIDE}]")
_RUN_RE = re.compile(f"[{_WIDE}]+|[^{_WIDE}]+")


def test_is_word_matches_the_regex_class_on_every_code_point() -> None:
    for cp in range(0x40000):
        ch = chr(cp)
        assert is_word.__wrapped__(ch) == (_WORD_RE.match(ch) is not None), hex(cp)


def test_token_re_is_the_word_class() -> None:
    text = "Nato峰会 covid19_x éte ÷ 한국 ok"
    assert token_re().findall(text) == re.findall(f"[^\\W_{_WIDE}]+", text)


def test_terms_split_at_script_changes_like_the_regex() -> None:
    for query in ("nato北约", "北约nato峰会", "a한b", "x\u3000y", "ｎａｔｏ", "中", ""):
        expected: dict[str, None] = {}
        for word in fold(query).split(" "):
            for run in _RUN_RE.findall(word):
                expected.setdefault(run, None)
        assert terms_of(query) == tuple(expected)
    assert terms_of("nato北约 nato") == ("nato", "北约")
    assert terms_of("北约nato峰会") == ("北约", "nato", "峰会")
    assert _WIDE_RE.match("北")


def test_a_packed_index_counts_lines_to_the_same_ids() -> None:
    """from_packed's blobs have no line_end dict (lines are counted): same ids and scores."""
    from tui.search.fuzzy import FuzzyIndex, pack_folded

    titles = ["俄罗斯与北约", "Nato summit 北约峰会", "香港经济", "said ai", "", "市场 market 经济"]
    titles += [f"经济新闻 {k} 香港" if k % 3 else f"world {k}" for k in range(40)]
    built = FuzzyIndex(pinyin=True)
    for t in titles:
        built.add(t, "经济日报" if "5" in t else "", "")
    keys = [built.folded(i) for i in range(len(titles))]
    packed = FuzzyIndex.from_packed(
        pack_folded(*(list(c) for c in zip(*keys, strict=True))),  # type: ignore[arg-type]
        pinyin=True,
    )
    for query in ("经济", "xianggang", "xg", "els", "nato", "ai", "日报", "wold", "北约 nato", "1"):
        a, b = built.search(query), packed.search(query)
        assert (a.ids, a.scores) == (b.ids, b.scores), query
        assert a.ids, query
