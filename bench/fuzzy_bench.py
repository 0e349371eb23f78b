"""Keystroke latency of the fuzzy filter on n generated titles, with and without pinyin.

Run: ``.venv/bin/python bench/fuzzy_bench.py [n]``. The same titles and keystrokes are
measured with pinyin matching on and off in one run (the machine may be busy: compare
the two columns, not runs), plus the cost of building the pinyin keys and of the
Traditional -> Simplified fold per KB of article text. Titles mix Chinese headlines built
from the real corpus (``../shared/corpus/real`` beside the checkout; a built-in word list
stands in when it is absent) with English headline-like titles, seeded so every run
indexes the same data. Each query is typed one character at a time and every keystroke
passes the previous result, as the app does.

Typo tolerance (class 9) is measured apart: :data:`TYPO_QUERIES` over the same titles,
and typos of real-looking words over titles drawn from a large synthetic vocabulary
(:func:`make_wordy_titles`: the generated titles above use ~70 English words, a real
feed of 100,000 titles has tens of thousands), with the size of the typo vocabulary.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tui`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.search.chinese import pinyin_key, t2s_map, to_simplified
from tui.search.fold import fold
from tui.search.fuzzy import FuzzyIndex, FuzzyResult
from tui.search.fuzzy.terms import token_re, typo_word

QUERIES = ["俄罗斯", "北约危机", "nato", "ai", "trump", "香港", "新冠疫情", "covid", "biden china"]
#: Typed with pinyin in mind (full pinyin, initials, mixed scripts, Traditional).
PINYIN_QUERIES = ["eluosi", "els", "xianggang", "xgzs", "beiyue危机", "zhongguo", "臺灣"]
#: One typo each (a swap, a deletion, an insertion, a substitution) in a 5+ letter word.
TYPO_QUERIES = ["electoin", "presdient", "ukriane", "clmate", "nato summti", "minisster warns"]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"

_FALLBACK_ZH = [
    "中国",
    "美国",
    "香港",
    "台湾",
    "疫情",
    "新冠",
    "经济",
    "政府",
    "官员",
    "总统",
    "宣布",
    "制裁",
    "贸易",
    "谈判",
    "警方",
    "示威",
    "抗议",
    "选举",
    "投票",
    "法院",
    "判决",
    "疫苗",
    "确诊",
    "病例",
    "欧盟",
    "英国",
    "法国",
    "德国",
    "日本",
    "韩国",
    "印度",
    "伊朗",
    "军队",
    "演习",
    "南海",
    "外交部",
    "回应",
    "批评",
    "指控",
    "调查",
    "报告",
    "市场",
    "股市",
    "油价",
    "央行",
    "利率",
    "科技",
    "华为",
    "手机",
    "芯片",
    "网络",
    "安全",
    "人权",
    "记者",
    "媒体",
    "专访",
    "评论",
    "分析",
    "危机",
    "峰会",
    "协议",
    "合作",
    "关系",
    "紧张",
    "升级",
    "发展",
]
_TOPICS_ZH = ["俄罗斯", "北约", "危机", "香港", "新冠疫情", "特朗普", "拜登", "普京", "北约峰会"]
_EN = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "on",
    "for",
    "with",
    "says",
    "new",
    "after",
    "over",
    "amid",
    "as",
    "stocks",
    "oil",
    "war",
    "talks",
    "court",
    "law",
    "report",
    "data",
    "tech",
    "climate",
    "market",
    "police",
    "election",
    "vote",
    "deal",
    "plan",
    "rules",
    "workers",
    "prices",
    "bank",
    "senator",
    "national",
    "nation",
    "against",
    "warns",
    "faces",
    "leaders",
    "summit",
    "president",
    "minister",
    "ukraine",
    "russia",
    "europe",
    "britain",
    "india",
    "japan",
    "iran",
    "taiwan",
    "google",
    "apple",
    "amazon",
    "microsoft",
    "openai",
    "said",
    "rain",
    "again",
    "paid",
    "main",
    "chairman",
    "strain",
    "aid",
]
_TOPICS_EN = ["NATO", "AI", "Trump", "Biden", "China", "Covid", "COVID-19", "Hong Kong"]
_SOURCES = ["RFI", "BBC", "路透", "美国之音", "德国之声", "联合早报", "Reuters", "AP", "NYT"]
_AUTHORS = ["法广", "路透", "美国之音", "RTI 中央廣播電臺", "联合早报", "iYouPort", "Nei.st", "BBC"]
_AUTHORS += ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
_AUTHORS += ["John Smith", "Maria Garcia", "Lee Kwan", "Don Evans", "Sarah Lopez"]


def _corpus_words() -> list[str]:
    """CJK chunks of the real corpus titles (crude: `title:` lines and `[title](url)`)."""
    words: list[str] = []
    if not CORPUS.is_dir():
        return words
    for path in sorted(CORPUS.iterdir()):
        try:
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError:
            continue
        m = re.search(r"^title:\s*(.+)$", head, re.M) or re.search(r"^\[(.+?)\]\(", head, re.M)
        if m:
            words += re.findall(r"[\u4e00-\u9fff]{2,6}", m.group(1))
    return words


def make_titles(n: int, seed: int = 20240601) -> list[tuple[str, str, str]]:
    """n deterministic ``(title, source, author)`` items, about half Chinese."""
    rng = random.Random(seed)
    zh = _corpus_words() or _FALLBACK_ZH
    items = []
    for i in range(n):
        if i % 2 == 0:
            parts = [rng.choice(zh) for _ in range(rng.randint(2, 5))]
            if rng.random() < 0.08:
                parts.insert(rng.randrange(len(parts) + 1), rng.choice(_TOPICS_ZH))
            sep = rng.choice(["", "", " ", "：", "，"])
            title = sep.join(parts)
        else:
            words = [rng.choice(_EN) for _ in range(rng.randint(5, 12))]
            if rng.random() < 0.1:
                words.insert(rng.randrange(len(words) + 1), rng.choice(_TOPICS_EN))
            title = " ".join(words).capitalize()
        items.append((title, rng.choice(_SOURCES), rng.choice(_AUTHORS)))
    return items


_ONSETS = ["", "b", "br", "c", "ch", "d", "f", "g", "gr", "l", "m", "n", "p", "pr", "r"]
_ONSETS += ["s", "st", "t", "tr", "v", "w"]
_SYLLABLES = [
    c + v + e
    for c in _ONSETS
    for v in ("a", "e", "i", "o", "u", "ea", "ou", "io")
    for e in ("", "", "n", "r", "s", "t", "l", "ck")
]


def make_vocabulary(size: int, seed: int = 7) -> list[str]:
    """``size`` distinct pronounceable pseudo-words of 3-14 letters, most 5-9."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4))))
        if 3 <= len(word) <= 14:
            words.setdefault(word, None)
    return list(words)


def make_wordy_titles(
    n: int, vocabulary: Sequence[str], seed: int = 20240602
) -> list[tuple[str, str, str]]:
    """n English-like titles, words drawn Zipf-like from ``vocabulary`` (its head is common)."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    items = []
    for _ in range(n):
        words = rng.choices(vocabulary, weights, k=rng.randint(5, 12))
        items.append((" ".join(words).capitalize(), rng.choice(_SOURCES), rng.choice(_AUTHORS)))
    return items


def make_typos(words: Sequence[str], count: int, seed: int = 11) -> list[str]:
    """``count`` typos of the 5+ letter ``words``: swap, deletion, insertion, substitution."""
    rng = random.Random(seed)
    long = [w for w in words if len(w) >= 6]
    typos = []
    for k in range(count):
        w = rng.choice(long)
        p = rng.randrange(1, len(w) - 1)
        kind = k % 4
        if kind == 0:
            typos.append(w[:p] + w[p + 1] + w[p] + w[p + 2 :])
        elif kind == 1:
            typos.append(w[:p] + w[p + 1 :])
        elif kind == 2:
            typos.append(w[:p] + rng.choice("aeiourst") + w[p:])
        else:
            typos.append(w[:p] + rng.choice("xzqjk") + w[p + 1 :])
    return typos


def typo_vocabulary(items: Sequence[tuple[str, str, str]]) -> dict[str, float]:
    """Size of the index's typo vocabulary: distinct Latin title words of 4+ letters.

    The index keeps them in lists by length beside the token index, whose keys are the
    same string objects: the vocabulary adds one list slot (8 bytes) per word; the
    strings' own size is shown for scale.
    """
    words = {w for title, _, _ in items for w in token_re().findall(fold(title)) if typo_word(w)}
    return {
        "typo_words": float(len(words)),
        "added_kib": len(words) * 8 / 1024.0,
        "strings_kib": sum(map(sys.getsizeof, words)) / 1024.0,
    }


#: Queries that build the index's lazy structures without matching much: a Latin and
#: pinyin term (token vocabulary, pinyin key blob and first-character lookup) and a
#: CJK term (the title blob).
_WARM_QUERIES = ("zqzq", "\u3007")


def warm(index: FuzzyIndex) -> None:
    """Build the lazy lookup structures before timing, through the public search.

    Otherwise the first keystrokes measured pay for them, and the figures would mix
    set-up with keystroke latency.
    """
    for query in _WARM_QUERIES:
        index.search(query)


def _p95(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def run(
    n: int = 100_000,
    pinyin: bool = True,
    items: list[tuple[str, str, str]] | None = None,
    queries: list[str] | None = None,
) -> dict[str, float]:
    """Index n titles, type every query char by char; latency figures in milliseconds."""
    t0 = time.perf_counter()
    items = items if items is not None else make_titles(n)
    t1 = time.perf_counter()
    index = FuzzyIndex(pinyin=pinyin)
    index.extend(items)
    warm(index)  # build the lazy blobs and vocabulary outside the keystrokes
    t2 = time.perf_counter()
    times: list[float] = []
    for query in queries if queries is not None else QUERIES:
        previous: FuzzyResult | None = None
        for k in range(1, len(query) + 1):
            start = time.perf_counter()
            previous = index.search(query[:k], previous=previous)
            times.append((time.perf_counter() - start) * 1000.0)
    times.sort()
    return {
        "n": float(len(items)),
        "generate_s": t1 - t0,
        "build_s": t2 - t1,
        "keystrokes": float(len(times)),
        "p50_ms": statistics.median(times),
        "p95_ms": _p95(times),
        "max_ms": times[-1],
    }


def key_cost(items: list[tuple[str, str, str]]) -> dict[str, float]:
    """Seconds to fold the titles and to build their pinyin keys, measured apart."""
    t0 = time.perf_counter()
    folded = [fold(t) for t, _, _ in items]
    t1 = time.perf_counter()
    keyed = sum(pinyin_key(f) is not None for f in folded)
    t2 = time.perf_counter()
    return {"fold_s": t1 - t0, "pinyin_keys_s": t2 - t1, "titles_with_key": float(keyed)}


def to_simplified_cost() -> dict[str, float]:
    """Milliseconds per KB (UTF-8) of to_simplified on real article text (or a sample)."""
    texts = (
        [p.read_text("utf-8", "replace") for p in sorted(CORPUS.iterdir())[:60]]
        if (CORPUS.is_dir())
        else ["香港之聲報道：臺灣選舉結果公佈，會議決定發展經濟。" * 2000]
    )
    text = "".join(texts)
    kb = len(text.encode()) / 1024.0
    to_simplified(text)
    reps = 5
    t0 = time.perf_counter()
    for _ in range(reps):
        to_simplified(text)
    dt = (time.perf_counter() - t0) / reps
    return {"text_kb": kb, "ms_per_kb": dt * 1000.0 / kb}


def compare(
    items: list[tuple[str, str, str]], queries: list[str], repeats: int = 3
) -> dict[bool, dict[str, float]]:
    """Keystroke latency with pinyin on and off, interleaved query by query.

    Each keystroke keeps its best time over ``repeats`` passes: on a shared, busy
    machine that filters out other processes' bursts, and interleaving makes both
    columns suffer the same background load.
    """
    indexes: dict[bool, FuzzyIndex] = {}
    figures: dict[bool, dict[str, float]] = {}
    for pinyin in (True, False):
        t0 = time.perf_counter()
        index = FuzzyIndex(pinyin=pinyin)
        index.extend(items)
        warm(index)
        indexes[pinyin] = index
        figures[pinyin] = {"build_s": time.perf_counter() - t0}
    best: dict[tuple[bool, str, int], float] = {}
    for _ in range(repeats):
        for query in queries:
            for pinyin, index in indexes.items():
                previous: FuzzyResult | None = None
                for k in range(1, len(query) + 1):
                    start = time.perf_counter()
                    previous = index.search(query[:k], previous=previous)
                    ms = (time.perf_counter() - start) * 1000.0
                    key = (pinyin, query, k)
                    best[key] = min(best.get(key, ms), ms)
    for pinyin in indexes:
        times = sorted(v for (p, _, _), v in best.items() if p == pinyin)
        figures[pinyin].update(
            keystrokes=float(len(times)),
            p50_ms=statistics.median(times),
            p95_ms=_p95(times),
            max_ms=times[-1],
        )
    return figures


def _print_compare(
    label: str, items: list[tuple[str, str, str]], queries: list[str], repeats: int
) -> None:
    print(f"-- {label} (best of {repeats} per keystroke): {', '.join(queries)}")
    figures = compare(items, queries, repeats)
    print(f"{'':>12}  {'pinyin on':>10}  {'pinyin off':>10}")
    for key in figures[True]:
        print(f"{key:>12}  {figures[True][key]:>10.2f}  {figures[False][key]:>10.2f}")


def main() -> None:
    """Print with/without-pinyin figures side by side (n, repeats from the command line)."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    t0 = time.perf_counter()
    t2s_map()
    print(f"first use: T->S table built in {time.perf_counter() - t0:.3f} s")
    items = make_titles(n)
    for key, value in key_cost(items).items():
        print(f"{key:>16}: {value:.3f}")
    for key, value in to_simplified_cost().items():
        print(f"{key:>16}: {value:.4f}")
    for label, queries in (("all queries", QUERIES + PINYIN_QUERIES), ("old queries", QUERIES)):
        _print_compare(label, items, queries, repeats)
    _print_compare("typo queries", items, TYPO_QUERIES, repeats)
    for key, value in typo_vocabulary(items).items():
        print(f"{key:>16}: {value:.1f}")
    vocabulary = make_vocabulary(60_000)
    wordy = make_wordy_titles(n, vocabulary)
    print(f"-- {n} titles from a {len(vocabulary)}-word vocabulary")
    for key, value in typo_vocabulary(wordy).items():
        print(f"{key:>16}: {value:.1f}")
    _print_compare("their typos", wordy, make_typos(vocabulary[:5000], 12), repeats)


if __name__ == "__main__":
    main()
