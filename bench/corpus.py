"""Synthetic seed directories for the benchmarks.

The real corpus has 296 files; the app must stay fast on 100,000. This module
writes large, deterministic corpora that look like the real one where it matters
for speed: the same five layouts in the same proportions, similar header shapes,
body sizes from 1 KB to 30 KB with a few of about 200 KB, mixed Chinese and
English titles, spread over about 50 source directories. Bodies are made of
plausible HTML (paragraphs, headings, lists, images, links, tables, code), not of
real article text.

Generated corpora are cached under ``bench/.cache/<n>-<seed>/``. The marker that
says a corpus is complete lives *beside* the directory (``.<name>.complete``),
so the seeds tree holds nothing but articles.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

#: Bump when the output changes, so stale caches are regenerated.
GENERATOR_VERSION = 2

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
REAL_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"

#: Layout names, and the share of the real corpus each has (146/98/5/22/25 of 296).
LAYOUTS: tuple[str, ...] = ("hybrid", "feed", "feed_nots", "hexo", "jekyll_html")
WEIGHTS: tuple[float, ...] = (0.50, 0.31, 0.02, 0.085, 0.085)

#: The ``Article.format`` the parser should report for each layout.
EXPECTED_FORMAT: dict[str, str] = {
    "hybrid": "hybrid",
    "feed": "feed",
    "feed_nots": "feed",
    "hexo": "frontmatter",
    "jekyll_html": "frontmatter",
}

N_DIRS = 50
_EPOCH_START = datetime(2014, 1, 1, tzinfo=UTC).timestamp()
_EPOCH_END = datetime(2026, 6, 30, tzinfo=UTC).timestamp()

# --- word lists ---------------------------------------------------------------------------

_ZH_HANS = (
    "政府 经济 市场 科技 公司 发布 报告 研究 数据 城市 居民 学校 医院 疫苗 专家 表示 认为 "
    "增长 下降 投资 银行 股市 能源 气候 环境 交通 铁路 机场 航班 旅游 消费 就业 工资 房价 "
    "政策 会议 谈判 协议 合作 贸易 关税 出口 进口 芯片 手机 电脑 软件 网络 安全 漏洞 用户 "
    "平台 视频 直播 游戏 电影 音乐 体育 比赛 冠军 球队 教练 选手 农村 农民 粮食 水果 天气 "
    "暴雨 台风 地震 救援 警方 法院 判决 调查 记者 媒体 新闻 评论 社会 文化 历史 博物馆 "
    "展览 大学 学生 老师 考试 医生 患者 药品 健康 人口 老人 儿童 家庭 社区 改革 发展 计划 "
    "目标 挑战 风险 机会 未来 全球 国际 地区 边境 军队 外交 总统 总理 部长 议会 选举"
)
_ZH_HANT = (
    "政府 經濟 市場 科技 公司 發布 報告 研究 數據 城市 居民 學校 醫院 疫苗 專家 表示 認為 "
    "增長 下降 投資 銀行 股市 能源 氣候 環境 交通 鐵路 機場 航班 旅遊 消費 就業 薪資 房價 "
    "政策 會議 談判 協議 合作 貿易 關稅 出口 晶片 手機 電腦 軟體 網路 安全 漏洞 用戶 平台 "
    "影片 直播 遊戲 電影 音樂 體育 比賽 冠軍 球隊 農村 糧食 天氣 颱風 地震 救援 警方 法院 "
    "判決 調查 記者 媒體 新聞 評論 社會 文化 歷史 博物館 展覽 大學 學生 老師 考試 醫生"
)
_EN = (
    "government economy market technology company report research data city residents school "
    "hospital vaccine experts said growth decline investment bank stocks energy climate "
    "environment transport railway airport flights tourism spending jobs wages housing policy "
    "meeting talks agreement cooperation trade tariffs exports imports chips phone computer "
    "software network security flaw users platform video streaming game film music sports "
    "match champion team coach farmers food weather storm earthquake rescue police court "
    "ruling inquiry reporter media news analysis society culture history museum exhibition "
    "university students teachers exam doctors patients medicine health population families "
    "community reform plan target challenge risk future global international region border "
    "minister parliament election new old first last record rising falling quietly sharply "
    "announces warns plans says finds faces wins loses opens closes delays expands cuts"
)
_EN_TITLE_VERBS = [
    "announces",
    "warns",
    "plans",
    "rejects",
    "approves",
    "delays",
    "expands",
    "cuts",
    "reveals",
    "faces",
]
_EN_TITLE_PREFIX = ("", "", "", "Analysis: ", "Explainer: ", "Live: ", "Exclusive: ")
_ZH_TITLE_PREFIX = ("", "", "", "快讯：", "焦点：", "独家：", "解读｜")
_ZH_TITLE_SUFFIX = ("", "", "", " - 要闻解说", " – 新闻网", "（图）", "（视频）")

_SOURCES_HANS = [
    "环球快讯",
    "科技前线",
    "城市晚报",
    "财经观察",
    "民生热线",
    "数码日报",
    "环境观察",
    "南方时评",
    "东方要闻",
    "健康周刊",
    "体育速递",
    "文化广场",
    "教育在线",
    "汽车之声",
    "地产风向",
    "互联网周报",
    "极客速递",
    "三农视点",
]
_SOURCES_HANT = [
    "臺北觀察",
    "港聞速遞",
    "科學週報",
    "新竹在地新聞",
    "寶島財經",
    "澳門日報網",
    "遊戲巴士",
]
_SOURCES_EN = [
    "Daily Circuit",
    "ByteWire",
    "Terminal Weekly",
    "Open Orbit",
    "Harbour Herald",
    "Bayside Local Desk",
    "Metro Ledger",
    "Green Dispatch",
    "The Policy Lens",
    "Market Pulse",
    "Field Notes Science",
    "Northern Courier",
    "Signal & Noise",
    "Plaintext Security",
    "Atlas World News",
    "Kernel Review",
    "Quiet Economist",
    "Campus Wire",
    "Health Brief",
    "Sideline Sports",
    "Frontier Tech",
    "Coastal Times",
    "Evening Standard Post",
    "Global Digest",
    "Civic Report",
]
_HEXO_GENERIC = ("新媒体", "科技", "新闻", "传统媒体", "博客")


@dataclass(frozen=True, slots=True)
class Spec:
    """What one generated file is: where it goes, its layout and its header fields."""

    index: int
    relpath: str
    layout: str
    lang: str
    source: str
    title: str
    url: str
    date: datetime
    body_bytes: int


# --- titles -------------------------------------------------------------------------------

_TITLE_RE = re.compile(r"^(?:title:\s*(.+)|\[(.+)\]\(\S+\))\s*$", re.MULTILINE)
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPLIT = re.compile(r"[\s，。：:｜|、；;！!？?（）()“”\"'「」《》\-–—]+")


def real_titles(real: Path = REAL_CORPUS) -> list[str]:
    """Titles crudely pulled from the real corpus (empty when it is absent).

    Only the first 2 KB of each file is read, in sorted name order, so the list
    (and therefore every generated corpus) is deterministic.
    """
    if not real.is_dir():
        return []
    titles: list[str] = []
    for path in sorted(real.iterdir()):
        try:
            with path.open("rb") as fh:
                head = fh.read(2048).decode("utf-8", "replace")
        except OSError:
            continue
        match = _TITLE_RE.search(head)
        if not match:
            continue
        title = (match.group(1) or match.group(2) or "").strip().strip("'\"").strip()
        title = _CONTROLS.sub(" ", title).replace("\ufffd", "")
        title = " ".join(title.split())
        if 4 <= len(title) <= 120:
            titles.append(title)
    return titles


class _Titles:
    """Deterministic title maker: real titles, recombined fragments and word-list titles."""

    def __init__(self, rng: random.Random, real: list[str]) -> None:
        self.rng = rng
        self.real = real
        self.fragments = [f for t in real for f in _SPLIT.split(t) if 2 <= len(f) <= 30]
        self.hans = _ZH_HANS.split()
        self.hant = _ZH_HANT.split()
        self.en = _EN.split()

    def make(self, lang: str) -> str:
        """A title in roughly ``lang``; real-corpus material is used when available."""
        rng = self.rng
        roll = rng.random()
        if self.real and lang != "en":
            if roll < 0.35:
                return rng.choice(self.real)
            if roll < 0.65 and len(self.fragments) > 1:
                a, b = rng.choice(self.fragments), rng.choice(self.fragments)
                return f"{rng.choice(_ZH_TITLE_PREFIX)}{a} {b}"
        if lang == "en":
            words = rng.choices(self.en, k=rng.randint(3, 7))
            words.insert(rng.randint(1, len(words)), rng.choice(_EN_TITLE_VERBS))
            title = rng.choice(_EN_TITLE_PREFIX) + " ".join(words).capitalize()
        else:
            vocab = self.hant if lang == "zh-Hant" else self.hans
            parts = rng.choices(vocab, k=rng.randint(3, 8))
            cut = rng.randint(1, len(parts) - 1)
            sep = rng.choice(("", " ", "：", "，"))
            title = (
                rng.choice(_ZH_TITLE_PREFIX)
                + "".join(parts[:cut])
                + sep
                + "".join(parts[cut:])
                + rng.choice(_ZH_TITLE_SUFFIX)
            )
        if rng.random() < 0.01:
            title += "[video]"
        return title


# --- bodies -------------------------------------------------------------------------------


def _sentence(rng: random.Random, vocab: list[str], lang: str) -> str:
    words = rng.choices(vocab, k=rng.randint(5, 16))
    if lang == "en":
        return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", ";"))
    cut = rng.randint(2, len(words) - 2)
    return "".join(words[:cut]) + "，" + "".join(words[cut:]) + rng.choice(("。", "。", "！"))


def _paragraph(rng: random.Random, vocab: list[str], lang: str, n: int) -> str:
    sep = " " if lang == "en" else ""
    return sep.join(_sentence(rng, vocab, lang) for _ in range(n))


def _chunk_pool(rng: random.Random, lang: str, size: int = 240) -> list[str]:
    """HTML fragments of mixed kinds; bodies are random runs of these."""
    vocab = {"en": _EN, "zh-Hant": _ZH_HANT}.get(lang, _ZH_HANS).split()
    pool: list[str] = []
    for i in range(size):
        kind = rng.random()
        text = _paragraph(rng, vocab, lang, rng.randint(1, 6))
        if kind < 0.62:
            pool.append(f"<p>{text}</p>")
        elif kind < 0.70:
            pool.append(f"<h3>{_sentence(rng, vocab, lang)[:-1]}</h3>")
        elif kind < 0.76:
            items = "".join(f"<li>{_sentence(rng, vocab, lang)}</li>" for _ in range(4))
            pool.append(f"<ul>{items}</ul>")
        elif kind < 0.81:
            pool.append(f"<blockquote><p>{text}</p></blockquote>")
        elif kind < 0.87:
            alt = _sentence(rng, vocab, lang)[:-1]
            pool.append(
                f'<p><img src="https://img.example.net/{i:04d}/photo.jpg?w=770&amp;h=433" '
                f'alt="{alt}" referrerpolicy="no-referrer"></p>'
            )
        elif kind < 0.93:
            anchor = _sentence(rng, vocab, lang)[:-1]
            pool.append(
                f'<p>{text} <a href="https://news.example.org/archives/{1000 + i}.html">'
                f"{anchor}</a></p>"
            )
        elif kind < 0.96:
            rows = "".join(
                f"<tr><td>{rng.choice(vocab)}</td><td>{rng.randint(1, 9999)}</td>"
                f"<td>{rng.uniform(-20, 20):.1f}%</td></tr>"
                for _ in range(rng.randint(2, 8))
            )
            pool.append(f"<table><tbody>{rows}</tbody></table>")
        elif kind < 0.98:
            pool.append(
                '<figure><img src="https://img.example.net/fig/'
                f'{i}.png" alt="{rng.choice(vocab)}"><figcaption>'
                f"{_sentence(rng, vocab, lang)}</figcaption></figure>"
            )
        else:
            code = "\n".join(
                f"{rng.choice(('grep', 'awk', 'sed', 'curl'))} -n '{w}' log{j}.txt"
                for j, w in enumerate(rng.choices(_EN.split(), k=4))
            )
            pool.append(f"<pre><code>{code}\n</code></pre>")
    return pool


def _body_size(rng: random.Random) -> int:
    """Body bytes: log-uniform 1-30 KB, and about 1 in 150 around 200 KB."""
    if rng.random() < 1 / 150:
        return rng.randint(150_000, 380_000)
    return int(math.exp(rng.uniform(math.log(1_000), math.log(30_000))))


# --- specs --------------------------------------------------------------------------------


def _dirs(rng: random.Random) -> list[tuple[str, str, str]]:
    """(relative dir, source name, language) for the ~50 source directories."""
    sources = (
        [(s, "zh-Hans") for s in _SOURCES_HANS]
        + [(s, "zh-Hant") for s in _SOURCES_HANT]
        + [(s, "en") for s in _SOURCES_EN]
    )
    rng.shuffle(sources)
    out: list[tuple[str, str, str]] = []
    for i, (source, lang) in enumerate(sources[:N_DIRS]):
        # A few nested like the hexo site (category/site/route), the rest flat.
        rel = f"新媒体/{source}/最新" if i % 10 == 0 else source.replace("/", "_")
        out.append((rel, source, lang))
    return out


_UNSAFE_NAME = re.compile(r"[/\x00-\x1f]")


def iter_specs(n: int, seed: int = 0, real: list[str] | None = None) -> Iterator[Spec]:
    """The deterministic plan of a corpus: what file ``i`` of ``n`` will be.

    The first five files take the five layouts in turn, so even a tiny corpus has
    every layout; the rest are drawn with the real corpus's proportions.
    """
    rng = random.Random(seed)
    titles = _Titles(random.Random(seed + 1), real_titles() if real is None else real)
    dirs = _dirs(random.Random(seed + 2))
    used: set[str] = set()
    for i in range(n):
        layout = LAYOUTS[i] if i < len(LAYOUTS) else rng.choices(LAYOUTS, WEIGHTS)[0]
        rel_dir, source, lang = dirs[rng.randrange(len(dirs))]
        title = titles.make(lang)
        when = datetime.fromtimestamp(int(rng.uniform(_EPOCH_START, _EPOCH_END)), tz=UTC)
        slug = _UNSAFE_NAME.sub("_", title)[:60].strip() or "untitled"
        if slug.startswith("."):
            slug = "_" + slug[1:]
        if layout in ("feed", "feed_nots"):
            name = f"{400_000 + i}_{slug}.md"
        elif layout == "hexo":
            name = f"{slug}.md"
        else:
            name = f"{when:%Y-%m-%d}-{slug}.md"
        relpath = f"{rel_dir}/{name}"
        if relpath in used:
            relpath = f"{rel_dir}/{name[:-3]}~{i}.md"
        used.add(relpath)
        host = zlib.crc32(source.encode()) % 97
        url = f"https://s{host:02d}.news.example.com/{when:%Y/%m/%d}/{i}.html"
        yield Spec(i, relpath, layout, lang, source, title, url, when, _body_size(rng))


# --- rendering ----------------------------------------------------------------------------


def _yaml_single(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _yaml_double(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _feed_title(text: str) -> str:
    # The feed header is one line "[title](url)"; a "](" inside would end it early.
    return text.replace("](", "] (")


def render(spec: Spec, body: str, rng: random.Random) -> str:
    """The full text of one file in its layout."""
    ms = int(spec.date.timestamp() * 1000)
    author = spec.source
    if spec.layout == "hexo":
        old = rng.random() < 0.4  # older generator: 4-space list indent, no headimg
        indent = "    " if old else " "
        img = f"https://img.example.net/head/{spec.index}.jpg"
        lines = [
            "",
            "---",
            f"title: {_yaml_single(spec.title)}",
            "categories: ",
            f"{indent}- {rng.choice(_HEXO_GENERIC)}",
            f"{indent}- {spec.source}",
        ]
        if not old:
            lines.append(f"headimg: {_yaml_single(img)}")
        lines += [
            f"author: {author}",
            "comments: false",
            f"date: {spec.date:%a, %d %b %Y %H:%M:%S} GMT",
            f"thumbnail: {_yaml_single(img)}",
            "---",
            "",
            "<div>   ",
        ]
        return "\n".join(lines) + "\n" + body.replace("><", ">\n<") + "\n  \n</div>\n" + " " * 12
    feed_head = f"[{_feed_title(spec.title)}]({spec.url})\n------\n"
    if spec.layout == "feed":
        lead = f"<div>{spec.date:%d/%m/%Y - %H:%M}</div>"
        return f"<!--{ms}-->\n{feed_head}\n{lead}<div>{body}</div>"
    if spec.layout == "feed_nots":
        return f"{feed_head}日期：{spec.date:%a, %d %b %Y %H:%M:%S} +0000\n\n{body}\n"
    zone = "+00:00" if spec.layout == "jekyll_html" else ".000Z"
    jekyll = (
        "---\nlayout: post\n"
        f"title: {_yaml_double(spec.title)}\n"
        f"date: {spec.date:%Y-%m-%dT%H:%M:%S}{zone}\n"
        f"author: {author}\n"
        f"from: {spec.url}\n"
        f"tags: [ {spec.source} ]\n"
        f"categories: [ {spec.source} ]\n"
        "---\n"
    )
    if spec.layout == "hybrid":
        stamp = "NaN" if rng.random() < 0.02 else str(ms)
        return f"{jekyll}<!--{stamp}-->\n{feed_head}\n<div>\n{body}\n</div>\n"
    # jekyll_html: pretty-printed raw HTML, as BeautifulSoup-made posts look
    inner = body.replace("><", ">\n   <")
    return (
        f'{jekyll}\n<section class="clearfix" id="content" role="main">\n'
        f' <div class="region region-content">\n  <div class="content">\n   {inner}\n'
        "  </div>\n </div>\n</section>\n"
    )


# --- generation ---------------------------------------------------------------------------


#: Shares of files that are copies of a recent file (another feed, maybe truncated) and
#: follow-ups of a recent story (same title words, the next hours, new text): real seeds
#: repeat themselves, and the duplicate/related benchmarks need them.
COPY_SHARE, FOLLOW_SHARE = 0.06, 0.04


def _same_story(spec: Spec, recent: list[tuple[Spec, str]], rng: random.Random) -> tuple[Spec, str]:
    """Maybe turn ``spec`` into a copy or a follow-up of a recent file: (spec, body or "")."""
    roll = rng.random()
    if not recent or roll >= COPY_SHARE + FOLLOW_SHARE:
        return spec, ""
    old, body = recent[rng.randrange(len(recent))]
    when = datetime.fromtimestamp(old.date.timestamp() + rng.randint(60, 20_000), tz=UTC)
    if roll < COPY_SHARE:
        if rng.random() < 0.3:
            body = body[: max(200, len(body) * 6 // 10)].rpartition("<")[0] or body
        title = old.title + rng.choice(("", " - 要闻解说", " – 新闻网"))
        return replace(spec, title=title, date=when, lang=old.lang), body
    half = old.title[: max(4, len(old.title) // 2)]
    return replace(
        spec, title=f"{half}{rng.choice(('：最新进展', '，各方回应', ' 追踪'))}", date=when
    ), ""


def marker_path(dest: Path) -> Path:
    """Where the completion marker of ``dest`` lives (beside it, not inside)."""
    return dest.parent / f".{dest.name}.complete"


def read_marker(dest: Path) -> dict[str, object] | None:
    """The marker's facts when ``dest`` is a complete corpus of this generator version."""
    try:
        facts = json.loads(marker_path(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(facts, dict) or facts.get("version") != GENERATOR_VERSION:
        return None
    return facts


def generate(dest: Path, n: int, seed: int = 0) -> Path:
    """Write a synthetic seeds directory of ``n`` articles to ``dest`` and return it.

    Reuses ``dest`` when its marker says it is a complete corpus with the same
    ``n`` and ``seed``. An incomplete leftover is removed only when it lies in the
    bench cache; anywhere else a non-empty ``dest`` is refused, so a wrong path
    can never delete someone's files.
    """
    dest = Path(dest)
    facts = read_marker(dest)
    if facts and facts.get("n") == n and facts.get("seed") == seed and dest.is_dir():
        return dest
    marker_path(dest).unlink(missing_ok=True)
    if dest.exists() and any(dest.iterdir()):
        if CACHE_DIR.resolve() in dest.resolve().parents:
            shutil.rmtree(dest)
        else:
            raise FileExistsError(f"{dest} is not empty and not a complete bench corpus")
    started = time.perf_counter()
    real = real_titles()
    body_rng = random.Random(seed + 3)
    pools = {lang: _chunk_pool(body_rng, lang) for lang in ("zh-Hans", "zh-Hant", "en")}
    mean_bytes = {
        lang: sum(len(c.encode()) for c in pool) / len(pool) for lang, pool in pools.items()
    }
    layouts: Counter[str] = Counter()
    total = 0
    made_dirs: set[str] = set()
    same_rng = random.Random(seed + 4)
    recent: list[tuple[Spec, str]] = []
    for spec in iter_specs(n, seed, real):
        spec, body = _same_story(spec, recent, same_rng)
        if not body:
            pool = pools[spec.lang]
            k = max(2, round(spec.body_bytes / mean_bytes[spec.lang]))
            body = "".join(body_rng.choices(pool, k=k))
        recent.append((spec, body))
        if len(recent) > 400:
            del recent[:100]
        data = render(spec, body, body_rng).encode("utf-8")
        parent = spec.relpath.rpartition("/")[0]
        if parent not in made_dirs:
            (dest / parent).mkdir(parents=True, exist_ok=True)
            made_dirs.add(parent)
        with open(dest / spec.relpath, "wb") as fh:
            fh.write(data)
        layouts[spec.layout] += 1
        total += len(data)
    facts = {
        "version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "bytes": total,
        "layouts": dict(layouts),
        "titles_from_real": bool(real),
        "seconds": round(time.perf_counter() - started, 2),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    tmp = marker_path(dest).with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    tmp.replace(marker_path(dest))
    return dest


def cached(n: int, seed: int = 0) -> Path:
    """The cached corpus ``bench/.cache/<n>-<seed>/``, generated on first use."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    return generate(CACHE_DIR / f"{n}-{seed}", n, seed)
