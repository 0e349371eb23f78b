"""Typo tolerance of the fuzzy filter (class 9): one edit or one swap in a 5+ letter word."""

from __future__ import annotations

import marshal
import random

import pytest

from tests.unit.search.test_fuzzy import corpus_titles
from tui.search.fold import fold
from tui.search.fuzzy import FuzzyIndex, FuzzyResult, pack_folded
from tui.search.fuzzy.terms import is_typo_of, typo_term

TITLES = [
    "Precarious work is rising",  # 0
    "Work and pay",  # 1
    "Solar power output surged",  # 2
    "NATO summit opens",  # 3
    "俄罗斯与北约的安全谈判",  # 4
    "Covid18 variant",  # 5
    "Marked down prices",  # 6
    "Market rally",  # 7
    "Markets fall",  # 8
    "Supermarket news",  # 9
]


def indexes(titles: list[str]) -> list[FuzzyIndex]:
    """The app's index and the one ``newsdeck list --filter`` reads (no token index)."""
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    keys = [index.folded(i) for i in range(len(titles))]
    assert all(k is not None for k in keys)
    packed = pack_folded(*(list(column) for column in zip(*keys, strict=True)))  # type: ignore[arg-type]
    return [index, FuzzyIndex.from_packed(packed)]


def search(titles: list[str], query: str) -> FuzzyResult:
    """The result of ``query``, checked to be the same from both kinds of index."""
    results = [index.search(query) for index in indexes(titles)]
    assert results[0].ids == results[1].ids, query
    assert results[0].exact_count == results[1].exact_count, query
    return results[0]


def found(titles: list[str], query: str) -> list[str]:
    return [titles[i] for i in search(titles, query).ids]


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("prcearious", "swap"),
        ("precarrious", "insertion"),
        ("pecarious", "deletion"),  # most deletions already match scattered (class 7)
        ("precaroous", "substitution"),
        ("PRCEARIOUS", "swap, folded"),
        ("soalr", "swap in a five-letter word"),
    ],
)
def test_one_edit_or_swap_matches(query: str, kind: str) -> None:
    result = search(TITLES, query)
    expected = 2 if query.startswith("so") else 0
    assert result.ids == [expected], kind
    assert result.exact_count == 0
    assert 0 < result.scores[0] < 20


def test_two_edits_do_not_match() -> None:
    assert found(TITLES, "prceariuos") == []
    assert found(TITLES, "pecarios") == []


def test_four_letter_words_do_not_fuzz() -> None:
    assert not typo_term("wrok") and typo_term("wroks")
    assert found(TITLES, "wrok") == []  # "work" is a swap away
    assert found(TITLES, "slar") == []  # "solar" is an insertion away
    assert found(TITLES, "ntao") == []  # "nato"
    assert found(TITLES, "soalr") == ["Solar power output surged"]


def test_title_words_shorter_than_four_letters_are_no_target() -> None:
    titles = ["The cat sat", "Cats and dogs"]
    assert not is_typo_of("catss", "cat")
    assert found(titles, "caats") == ["Cats and dogs"]


def test_exact_prefix_and_inside_matches_rank_above_typos() -> None:
    result = search(TITLES, "market")
    shown = [TITLES[i] for i in result.ids]
    # Whole word, then prefix of a longer word, then inside a word, then the typo.
    assert shown == ["Market rally", "Markets fall", "Supermarket news", "Marked down prices"]
    assert result.exact_count == 3
    assert max(result.scores[3:]) < min(result.scores[:3])


def test_pinyin_matches_rank_above_typos() -> None:
    titles = ["Shichong report", "市场新闻", "Shichang daily"]
    shown = found(titles, "shichang")
    assert shown == ["Shichang daily", "市场新闻", "Shichong report"]


def test_no_typo_matching_for_cjk_words() -> None:
    assert not typo_term("俄罗斯联邦")
    assert not typo_term("北约北约北约")
    assert found(TITLES, "俄罗期与北约") == []  # one character off
    assert found(TITLES, "俄罗斯与北约的安全谈") == ["俄罗斯与北约的安全谈判"]


def test_words_with_digits_do_not_fuzz() -> None:
    assert not typo_term("covid19")
    assert found(TITLES, "covid19") == []


def test_every_term_must_match_exactly_or_by_typo() -> None:
    titles = ["Precarious work is rising", "Work precarious", "Precarious lives"]
    assert found(titles, "prcearious work") == ["Work precarious", "Precarious work is rising"]
    # Exact on both terms ranks above a typo on one.
    assert found(titles, "precarious work")[:2] == ["Work precarious", "Precarious work is rising"]
    assert found(titles, "prcearious wrok") == []  # "wrok" is too short to fuzz
    assert found(titles, "prcearious nothing") == []


def test_typing_a_typo_keystroke_by_keystroke_agrees_with_one_search() -> None:
    index = FuzzyIndex()
    index.extend((t, "", "") for t in TITLES)
    query = "prcearious"
    previous: FuzzyResult | None = None
    for k in range(1, len(query) + 1):
        previous = index.search(query[:k], previous=previous)
        assert previous.ids == index.search(query[:k]).ids, query[:k]
    assert previous is not None and previous.ids == [0]


def test_typos_respect_the_id_restriction_and_its_order() -> None:
    titles = ["Precarious one", "Precarious two", "Precarious six"]
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    assert index.search("prcearious", ids=[2, 0]).ids == [2, 0]
    assert index.search("prcearious").ids == [0, 1, 2]


def test_typos_are_found_for_items_added_later() -> None:
    index = FuzzyIndex()
    index.extend([("Market rally", "", "")])
    first = index.search("prcearious")
    assert first.ids == []
    index.add("Precarious work")
    assert index.search("prcearious", previous=first).ids == [1]


def test_a_typo_highlights_the_word_it_matched() -> None:
    index = FuzzyIndex()
    title = "Work: PRECARIOUS jobs"
    assert index.highlight("prcearious", title) == list(range(6, 16))
    assert index.highlight("wrok", title) == []


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("twtiter", "twitter"),
        ("lockdwon", "lockdown"),
        ("tiktko", "tiktok"),
        ("assagne", "assange"),
    ],
)
def test_real_corpus_typos(typo: str, word: str) -> None:
    titles = corpus_titles()  # skips without the corpus
    if not any(word in fold(t) for t in titles):
        pytest.skip(f"no real title holds {word!r}")
    index = FuzzyIndex()
    index.extend((t, "", "") for t in titles)
    result = index.search(typo)
    assert result.exact_count == 0
    assert sorted(result.ids) == [i for i, t in enumerate(titles) if word in fold(t)]


def test_packed_bytes_of_the_previous_format_still_find_typos() -> None:
    """Bytes written before the vocabulary was packed: the index finds the words itself."""
    index = indexes(TITLES)[0]
    keys = [index.folded(i) for i in range(len(TITLES))]
    packed = pack_folded(*(list(column) for column in zip(*keys, strict=True)))  # type: ignore[arg-type]
    version, *fields, words = marshal.loads(packed)
    assert version == 3 and "precarious" in words.split("\n")
    old = FuzzyIndex.from_packed(marshal.dumps((2, *fields)))
    for query in ("prcearious", "soalr", "market", "precarious work"):
        assert old.search(query).ids == index.search(query).ids, query


def test_typo_tier_agrees_with_a_title_by_title_answer() -> None:
    """Random titles and queries: the typo tier holds exactly the items whose every term
    matches alone (a one-title index) or has a typo in a title word, minus the exact ones."""
    rng = random.Random(5)
    words = ["market", "marked", "summit", "nato", "precarious", "work", "rally", "北约", "市场"]
    words += ["markte", "sumit", "summti", "wrok", "shichang", "solar", "salor"]
    titles = [" ".join(rng.choices(words, k=rng.randint(1, 4))) for _ in range(300)]
    whole, packed = indexes(titles)
    singles = [indexes([t])[0] for t in titles]

    def exact(i: int, term: str) -> bool:
        return singles[i].search(term).exact_count == 1

    def typo(i: int, term: str) -> bool:
        return typo_term(term) and any(is_typo_of(term, w) for w in fold(titles[i]).split())

    for _ in range(60):
        query = " ".join(rng.sample(words, rng.randint(1, 3)))
        result = whole.search(query)
        assert packed.search(query).ids == result.ids, query
        terms = fold(query).split()
        want = {
            i
            for i in range(len(titles))
            if all(exact(i, t) or typo(i, t) for t in terms) and not all(exact(i, t) for t in terms)
        }
        assert set(result.ids[result.exact_count :]) == want, query
        assert {i for i in range(len(titles)) if all(exact(i, t) for t in terms)} == set(
            result.ids[: result.exact_count]
        ), query
