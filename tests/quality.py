"""Measured quality of duplicate folding and related coverage, on labelled sets in tests/data.

Run ``.venv/bin/python -m tests.quality`` for the figures and every miss (needs the real
corpus); ``tests/unit/store/test_similar_quality.py`` asserts the targets.

* ``tests/data/dupes.toml`` names corpus files and how a copy of each is made at test
  time into a temporary directory (the corpus is never copied into the repository):
  ``exact`` (byte for byte, another feed), ``s2t`` / ``s2twp`` / ``t2s`` (OpenCC, the
  other script; ``s2twp`` also swaps Taiwanese vocabulary), ``truncate`` (cut to 60%),
  ``reheader`` (rewritten as a feed item whose title carries feed boilerplate, with a
  byline added above the text). ``[[natural]]`` lists copies the corpus already holds.
* ``tests/data/related.toml`` groups corpus files by story, by hand.

Duplicates are scored over pairs (precision: predicted pairs that are true; recall:
true pairs predicted); related coverage by precision at 5 (of the at most five
articles offered, the share from the same story, over every labelled article).
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.locations import REAL_CORPUS, REPO

DATA = REPO / "tests" / "data"
TRANSFORMS = ("exact", "s2t", "s2twp", "t2s", "truncate", "reheader")


@contextmanager
def private_cache() -> Iterator[Path]:
    """A temporary ``NEWSDECK_CACHE_DIR`` (indexes never land in the user's cache)."""
    old = os.environ.get("NEWSDECK_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="newsdeck-quality-") as tmp:
        os.environ["NEWSDECK_CACHE_DIR"] = tmp
        try:
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("NEWSDECK_CACHE_DIR", None)
            else:
                os.environ["NEWSDECK_CACHE_DIR"] = old


def _convert(text: str, config: str) -> str:
    import opencc

    return str(opencc.OpenCC(f"{config}.json").convert(text))


def make_copy(source: Path, how: str) -> str:
    """The text of a copy of ``source`` made ``how`` (one of :data:`TRANSFORMS`)."""
    raw = source.read_text(encoding="utf-8-sig")
    if how == "exact":
        return raw
    if how in ("s2t", "s2twp", "t2s"):
        return _convert(raw, how)
    if how == "truncate":
        cut = int(len(raw) * 0.6)
        at = max(raw.rfind(">", 0, cut), raw.rfind("\n", 0, cut))
        return raw[: at + 1 if at > len(raw) // 3 else cut]
    if how == "reheader":
        from tui.files.parser import parse

        article = parse(source)
        stamp = f"<!--{int(article.date.timestamp() * 1000)}-->\n" if article.date else ""
        title = f"{article.title} - 要闻解说".replace("](", "] (")
        byline = "<p>（本网记者 王明 综合报道）</p>\n"
        return f"{stamp}[{title}]({article.url or 'https://example.org/x'})\n------\n\n{byline}{article.body}\n"
    raise ValueError(f"unknown transform {how!r}")


@dataclass
class Labelled:
    """A seeds directory written for the duplicate test, and its true groups."""

    root: Path
    groups: list[set[str]] = field(default_factory=list)


def write_dupes(corpus: Path, dest: Path, spec_path: Path = DATA / "dupes.toml") -> Labelled:
    """The corpus under ``dest/orig`` plus the copies ``dupes.toml`` asks for under ``dest/copies``."""
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    shutil.copytree(corpus, dest / "orig")
    out = Labelled(dest)
    for n, item in enumerate(spec.get("copy", [])):
        source = corpus / item["file"]
        group = {f"orig/{item['file']}"}
        for how in item["make"]:
            rel = f"copies/{how}/{n:03d}.md"
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(make_copy(source, how), encoding="utf-8")
            group.add(rel)
        out.groups.append(group)
    for item in spec.get("natural", []):
        out.groups.append({f"orig/{name}" for name in item["files"]})
    return out


def _pairs(groups: list[set[str]] | list[tuple[str, ...]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}


@dataclass
class DupeFigures:
    precision: float
    recall: float
    predicted: int
    true: int
    false_positives: list[tuple[str, str]]
    misses: list[tuple[str, str]]


def evaluate_dupes(labelled: Labelled) -> DupeFigures:
    """Index the labelled directory and score its duplicate groups over pairs."""
    from tui.store.index import Index

    with Index(labelled.root) as index:
        for _ in index.reconcile(workers=1):
            pass
        found = index.duplicate_groups().groups
    predicted, true = _pairs(found), _pairs(labelled.groups)
    right = predicted & true
    return DupeFigures(
        precision=len(right) / len(predicted) if predicted else 1.0,
        recall=len(right) / len(true) if true else 1.0,
        predicted=len(predicted),
        true=len(true),
        false_positives=sorted(tuple(sorted(p)) for p in predicted - true),  # type: ignore[misc]
        misses=sorted(tuple(sorted(p)) for p in true - predicted),  # type: ignore[misc]
    )


@dataclass
class RelatedFigures:
    precision_at_5: float
    recall_at_5: float
    offered: int
    queries: int
    wrong: list[tuple[str, str, float]]
    missed: list[tuple[str, str]]


def evaluate_related(root: Path, spec_path: Path = DATA / "related.toml") -> RelatedFigures:
    """Index ``root`` and ask for the five best related articles of every labelled one."""
    from tui.store.index import Index

    stories = tomllib.loads(spec_path.read_text(encoding="utf-8"))["story"]
    story_of = {name: s["name"] for s in stories for name in s["files"]}
    members = {s["name"]: set(s["files"]) for s in stories}
    offered = right = wanted = got = 0
    wrong: list[tuple[str, str, float]] = []
    missed: list[tuple[str, str]] = []
    with Index(root) as index:
        for _ in index.reconcile(workers=1):
            pass
        for name, story in story_of.items():
            others = members[story] - {name}
            results = index.related(name, 5)
            names = [r.article.path.name for r in results]
            offered += len(results)
            for r in results:
                if r.article.path.name in others:
                    right += 1
                else:
                    wrong.append((name, r.article.path.name, r.score))
            wanted += min(5, len(others))
            got += len(others & set(names))
            missed += [(name, o) for o in sorted(others - set(names))]
    return RelatedFigures(
        precision_at_5=right / offered if offered else 1.0,
        recall_at_5=got / wanted if wanted else 1.0,
        offered=offered,
        queries=len(story_of),
        wrong=wrong,
        missed=missed,
    )


def main() -> int:
    if not REAL_CORPUS.is_dir():
        print(f"no corpus at {REAL_CORPUS}", file=sys.stderr)
        return 2
    with private_cache(), tempfile.TemporaryDirectory(prefix="newsdeck-dupes-") as tmp:
        d = evaluate_dupes(write_dupes(REAL_CORPUS, Path(tmp) / "seeds"))
        print(f"duplicates: precision {d.precision:.4f} recall {d.recall:.4f} "
              f"({d.predicted} pairs predicted, {d.true} true)")  # fmt: skip
        for a, b in d.false_positives:
            print(f"  false copy: {a}  ~  {b}")
        for a, b in d.misses:
            print(f"  missed copy: {a}  ~  {b}")
        r = evaluate_related(REAL_CORPUS)
        print(f"related: precision@5 {r.precision_at_5:.4f} recall@5 {r.recall_at_5:.4f} "
              f"({r.offered} offered for {r.queries} articles)")  # fmt: skip
        for a, b, score in r.wrong:
            print(f"  wrong: {a}  ->  {b}  ({score:.3f})")
        for a, b in r.missed:
            print(f"  missed: {a}  ->  {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
