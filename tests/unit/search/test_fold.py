"""The folding rules (tui.search.fold)."""

from __future__ import annotations

from tui.search.fold import fold_fts


def test_fold_makes_simplified_bigrams() -> None:
    assert fold_fts("plain ascii") == "plain ascii"
    tokens = fold_fts("經濟增長 up 3%").split()
    assert tokens == ["经济", "济增", "增长", "up", "3%"]
    assert fold_fts("疫苗").split() == ["疫苗"]


def test_cjk_class_is_its_named_table() -> None:
    """The index's CJK class, derived from tui.cjk's table, is the set it always was."""
    from tui.cjk import CJK_CLASS, CJK_RANGES, HAN_RANGES, WIDE_RANGES, char_class

    assert (
        CJK_CLASS
        == char_class(CJK_RANGES)
        == (
            "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
        )
    )
    # Han ideographs are both CJK and written without spaces.
    for a, b in HAN_RANGES:
        assert any(lo <= a and b <= hi for lo, hi in CJK_RANGES)
        assert any(lo <= a and b <= hi for lo, hi in WIDE_RANGES)


def test_field_fold_keeps_script_but_fuzzy_fold_simplifies() -> None:
    from tui.search.fold import fold, fold_field

    assert fold_field("ＩＴ  之家") == "it 之家"
    assert fold_field("臺灣") == "臺灣"
    assert fold("臺灣") == "台湾"
