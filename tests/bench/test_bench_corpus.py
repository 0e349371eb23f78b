"""The benchmark corpus generator: its output must look like the real seed layouts.

Benchmarks on a corpus the parser misreads would measure the wrong code paths,
so these tests check what the generator writes (and, once the parser exists,
that the parser reads every generated file as the intended format).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench import corpus

N = 60


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small corpus shared by the tests in this module."""
    return corpus.generate(tmp_path_factory.mktemp("bench") / "seeds", N, seed=7)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_writes_one_file_per_spec(generated: Path) -> None:
    specs = list(corpus.iter_specs(N, seed=7))
    assert len(_files(generated)) == N
    assert {generated / s.relpath for s in specs} == set(_files(generated))


def test_every_layout_occurs(generated: Path) -> None:
    layouts = Counter(s.layout for s in corpus.iter_specs(N, seed=7))
    assert set(layouts) == set(corpus.LAYOUTS)
    facts = corpus.read_marker(generated)
    assert facts is not None
    assert facts["layouts"] == dict(layouts)


def test_files_are_readable_text_in_their_layout(generated: Path) -> None:
    starts = {
        "hexo": "\n---\ntitle: '",
        "hybrid": "---\nlayout: post\n",
        "jekyll_html": "---\nlayout: post\n",
        "feed": "<!--",
        "feed_nots": "[",
    }
    for spec in corpus.iter_specs(N, seed=7):
        data = (generated / spec.relpath).read_bytes()
        text = data.decode("utf-8")  # raises if not UTF-8
        assert "\x00" not in text
        assert text.startswith(starts[spec.layout]), spec.relpath
        assert len(data) > 300
        if spec.layout in ("feed", "feed_nots", "hybrid"):
            assert "\n------\n" in text
        if spec.layout == "feed_nots":
            assert "\n------\n日期：" in text
        if spec.layout == "jekyll_html":
            assert "<!--" not in text[:400] and "------" not in text


def test_output_is_deterministic(tmp_path: Path) -> None:
    a = corpus.generate(tmp_path / "a", 12, seed=3)
    b = corpus.generate(tmp_path / "b", 12, seed=3)
    c = corpus.generate(tmp_path / "c", 12, seed=4)
    files_a = [(p.relative_to(a), p.read_bytes()) for p in _files(a)]
    files_b = [(p.relative_to(b), p.read_bytes()) for p in _files(b)]
    files_c = [(p.relative_to(c), p.read_bytes()) for p in _files(c)]
    assert files_a == files_b
    assert files_a != files_c


def test_marker_is_beside_the_tree_and_reused(tmp_path: Path) -> None:
    dest = corpus.generate(tmp_path / "seeds", 8)
    assert corpus.marker_path(dest).parent == tmp_path
    assert not any(p.name.startswith(".") for p in dest.rglob("*"))
    victim = _files(dest)[0]
    victim.write_text("changed", encoding="utf-8")
    # Complete and same parameters: reused as is, nothing rewritten.
    assert corpus.generate(dest, 8) == dest
    assert victim.read_text(encoding="utf-8") == "changed"


def test_refuses_a_foreign_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        corpus.generate(tmp_path, 5)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_body_sizes_span_the_real_range() -> None:
    sizes = [s.body_bytes for s in corpus.iter_specs(3000, seed=0, real=[])]
    assert min(sizes) >= 1000
    assert max(sizes) >= 150_000
    assert sum(1 for s in sizes if s <= 30_000) / len(sizes) > 0.95


def test_parser_reads_each_file_as_its_layout(generated: Path) -> None:
    parser = pytest.importorskip("tui.files.parser")
    for spec in corpus.iter_specs(N, seed=7):
        article = parser.parse(generated / spec.relpath)
        assert article.error is None, (spec.relpath, article.error)
        assert article.title, spec.relpath
        assert article.format == corpus.EXPECTED_FORMAT[spec.layout], spec.relpath
        assert article.date is not None, spec.relpath
