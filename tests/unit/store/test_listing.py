"""``newsdeck list --filter`` from a warm index gives what the general path gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.locations import REAL_CORPUS
from tui.cli import common as cli_common
from tui.cli import main as cli
from tui.files.scan import scan
from tui.library import Library
from tui.search.fuzzy import FuzzyIndex
from tui.search.query import parse
from tui.store.index import Index, fuzzy_fields
from tui.store.listing import filter_from_index

REAL = REAL_CORPUS
QUERIES = (
    "market",
    "econ",
    "ai",
    "a",
    "eluosi",
    "els",
    "xgzs",
    "nato北约",
    "香港",
    "臺灣",
    "ＡＩ",
    "biden china",
    "marekt",  # a typo: class 9
    "zz-no-such-thing",
)
WORDS_ZH = ["俄罗斯", "北约", "香港之声", "台湾", "臺灣", "会议", "會議", "经济", "市场", "疫苗"]
WORDS_EN = ["Market", "economy", "AI", "NATO", "Biden", "China", "rally", "talks", "said"]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(where))
    return where


def feed(title: str, stamp: int | None) -> str:
    head = f"<!--{stamp}-->\n" if stamp is not None else ""
    return f"{head}[{title}](https://example.org/{stamp})\n------\n<p>body</p>\n"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """Mixed titles in nested folders, with equal (date, title) pairs and undated files."""
    rng = random.Random(7)
    root = tmp_path / "seeds"
    for i in range(400):
        words = rng.sample(WORDS_ZH, 2) + rng.sample(WORDS_EN, 2)
        rng.shuffle(words)
        title = " ".join(words) if rng.random() < 0.5 else "".join(words)
        stamp = 1641989702000 + rng.randrange(50) * 1000 if rng.random() < 0.9 else None
        folder = rng.choice(["", "a/", "a/b/", "z/", "z/y/"])
        path = root / f"{folder}{i:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feed(title, stamp), encoding="utf-8")
    # The same article synced into three folders: only the walk order separates them.
    for folder in ("", "a/b/", "z/"):
        (root / f"{folder}dup.md").write_text(feed("Market talks 市场", 1641989760000))
    (root / "broken.md").write_bytes(b"\x00\xff" * 20)
    return root


def general(root: Path, query: str) -> list[str]:
    good = [a for a in scan(root) if a.ok]
    ranked = cli_common.filter_articles(cli_common.sort_articles(good, "date"), query)
    return [a.relpath(root) for a in ranked]


def quick(root: Path, query: str) -> list[str]:
    parsed = parse(query)
    assert not parsed.has_filters and not parsed.errors
    listed = filter_from_index(root, parsed.text)
    assert listed is not None
    return [a.relpath(root) for a in listed.articles]


def build(root: Path) -> None:
    with Index(root) as index:
        for _ in index.reconcile():
            pass


@pytest.mark.parametrize("pinyin", ["1", "0"])
def test_quick_filter_matches_the_general_path(
    seeds: Path, pinyin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDECK_PINYIN", pinyin)
    build(seeds)
    for query in QUERIES:
        assert quick(seeds, query) == general(seeds, query), query
    listed = filter_from_index(seeds, "market")
    assert listed is not None
    assert (listed.readable, listed.unreadable) == (403, 1)
    dups = [p for p in quick(seeds, "market talks") if p.endswith("dup.md")]
    assert dups == ["dup.md", "a/b/dup.md", "z/dup.md"]


def test_quick_filter_steps_aside_when_a_directory_changed(seeds: Path) -> None:
    assert filter_from_index(seeds, "market") is None  # no index yet
    build(seeds)
    assert filter_from_index(seeds, "market") is not None
    (seeds / "a" / "new.md").write_text(feed("Market news", 1641989799000), encoding="utf-8")
    assert filter_from_index(seeds, "market") is None
    # The general path brings the index up to date; the quick path answers again.
    assert cli.main(["list", str(seeds), "--filter", "market", "--limit", "1"]) == 0
    assert quick(seeds, "market")[0] == "a/new.md"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real corpus is not beside the checkout")
def test_quick_filter_on_the_real_corpus(tmp_path: Path) -> None:
    build(REAL)
    titles = [a.title for a in scan(REAL) if a.ok]
    rng = random.Random(3)
    queries = [*QUERIES, "zhongguo", "xinguan", "美国", "疫情"]
    for title in rng.sample(titles, 15):
        cut = rng.randrange(len(title))
        queries.append(title[cut : cut + rng.randrange(2, 6)])
    for query in queries:
        parsed = parse(query)
        if query.strip() and not parsed.has_filters and not parsed.errors:
            assert quick(REAL, query) == general(REAL, query), query


def test_stored_fuzzy_fields_are_what_the_fuzzy_index_computes(seeds: Path) -> None:
    build(seeds)
    with Index(seeds) as index:
        loaded = list(index.iter_load_with_fields())
    articles = [a for batch, _ in loaded for a in batch]
    fields = [f for _, batch in loaded for f in batch]
    assert sum(f is not None for f in fields) == 403  # every readable article has them
    computed, stored = FuzzyIndex(pinyin=True), FuzzyIndex(pinyin=True)
    for article, f in zip(articles, fields, strict=True):
        if article.ok:
            assert f == fuzzy_fields(article)
            computed.add(article.title, article.source or "", article.author or "")
            stored.add(article.title, article.source or "", article.author or "", f)
    for query in QUERIES:
        assert computed.search(query).ids == stored.search(query).ids, query


def test_highlights_reuse_stored_keys_and_match_computed_ones(seeds: Path) -> None:
    build(seeds)
    library = Library(seeds, pinyin=True)
    with Index(seeds) as index:
        for articles, fields in index.iter_load_with_fields():
            library.add(articles, fields)
    shown = library.newest_first()
    for query in ("eluosi", "xgzs", "香港", "market"):
        for article in shown[:60]:
            stored = library.highlight(query, article.title, article.path)
            assert stored == library.highlight(query, article.title), (query, article.title)
