"""The folding rules (tui.search.fold)."""

from __future__ import annotations

from tui.search.fold import fold_fts


def test_fold_makes_simplified_bigrams() -> None:
    assert fold_fts("plain ascii") == "plain ascii"
    tokens = fold_fts("經濟增長 up 3%").split()
    assert tokens == ["经济", "济增", "增长", "up", "3%"]
    assert fold_fts("疫苗").split() == ["疫苗"]
