"""The parallel scan: same articles, same order as the serial one; no leaks, no failures."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import generate
from tui.files import scan_pool
from tui.files.scan import scan
from tui.model import Article

#: Every field of an Article, so "equal" means equal in everything a caller can see.
FIELDS = tuple(Article.__dataclass_fields__)


def _record(article: Article) -> tuple[Any, ...]:
    return tuple(getattr(article, name) for name in FIELDS)


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a few hundred files count as a large directory, in many chunks."""
    monkeypatch.setattr(scan_pool, "PARALLEL_MIN_FILES", 40)
    monkeypatch.setattr(scan_pool, "FIRST_FILES", 7)
    monkeypatch.setattr(scan_pool, "CHUNK", 13)
    # Wait for the pool rather than parse here while it starts: the workers must be
    # used even though this process could parse such a small corpus first.
    monkeypatch.setattr(scan_pool, "PARSE_WHILE_STARTING", False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus plus the awkward entries a walk reports rather than parses."""
    root = generate(tmp_path_factory.mktemp("parallel") / "seeds", 400, seed=11)
    extra = root / "zz-extra"
    extra.mkdir()
    (extra / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(5000))
    (extra / "empty.md").write_bytes(b"")
    (extra / "gbk.md").write_bytes(
        "[标题](https://example.org/a)\n------\n<p>正文</p>\n".encode("gb18030")
    )
    (extra / "notes.txt").write_text("just some notes\n")
    os.symlink(extra / "nowhere.md", extra / "dangling.md")
    return root


def _count_remote(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the files whose articles came back from a worker."""
    counter = [0]
    rebuild = scan_pool._rebuild

    def counting(items: list[Any], rows: list[tuple[Any, ...]]) -> list[Article]:
        counter[0] += len(rows)
        return rebuild(items, rows)

    monkeypatch.setattr(scan_pool, "_rebuild", counting)
    return counter


@pytest.mark.usefixtures("small_thresholds")
@pytest.mark.parametrize("header_only", [True, False])
def test_parallel_equals_serial_on_generated_corpus(
    corpus: Path, header_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = [_record(a) for a in scan(corpus, header_only=header_only, workers=1)]
    remote = _count_remote(monkeypatch)
    parallel = [_record(a) for a in scan(corpus, header_only=header_only, workers=2)]
    assert remote[0] > 100  # most files really went through the workers
    assert parallel == serial
    assert len(serial) == 405
    errors = {Path(r[0]).name for r in serial if r[FIELDS.index("error")]}
    assert errors == {"binary.md", "empty.md", "notes.txt", "dangling.md"}
    assert not multiprocessing.active_children()


@pytest.mark.usefixtures("small_thresholds")
def test_parallel_equals_serial_on_real_corpus(
    real_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = [_record(a) for a in scan(real_corpus, workers=1)]
    remote = _count_remote(monkeypatch)
    parallel = [_record(a) for a in scan(real_corpus, workers=2)]
    assert remote[0] > 100
    assert parallel == serial


def test_small_directory_starts_no_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "seeds", 30, seed=2)

    def no_pool(*args: object) -> None:
        raise AssertionError("a pool was started for a small directory")

    monkeypatch.setattr(scan_pool, "_Pool", no_pool)
    assert len(list(scan(tmp_path / "seeds", workers=4))) == 30


@pytest.mark.usefixtures("small_thresholds")
def test_first_results_do_not_wait_for_the_pool(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    real_pool = scan_pool._Pool

    def recording_pool(workers: int) -> Any:
        started.append(workers)
        return real_pool(workers)

    monkeypatch.setattr(scan_pool, "_Pool", recording_pool)
    articles = scan(corpus, workers=2)
    first = [next(articles) for _ in range(scan_pool.FIRST_FILES)]
    assert len(first) == scan_pool.FIRST_FILES and not started
    assert len(list(articles)) == 405 - scan_pool.FIRST_FILES
    assert started == [2]


def _crashing_parse_chunk(sources: list[str], header_only: bool) -> list[tuple[Any, ...]]:
    """A worker that dies (as if killed) on one chunk; runs in the worker process."""
    if any(source.endswith("gbk.md") for source in sources):
        os._exit(3)
    return scan_pool.parse_chunk(sources, header_only)


@pytest.mark.usefixtures("small_thresholds")
def test_worker_crash_falls_back_to_serial(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = [_record(a) for a in scan(corpus, workers=1)]
    monkeypatch.setattr(scan_pool, "parse_chunk", _crashing_parse_chunk)
    parallel = [_record(a) for a in scan(corpus, workers=2)]
    assert parallel == serial
    assert not multiprocessing.active_children()


@pytest.mark.usefixtures("small_thresholds")
def test_pool_that_cannot_start_falls_back_to_serial(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_context() -> None:
        raise OSError("no process pools here")

    monkeypatch.setattr(scan_pool, "_context", broken_context)
    serial = [_record(a) for a in scan(corpus, workers=1)]
    assert [_record(a) for a in scan(corpus, workers=2)] == serial


def _consume_some(articles: Iterator[Article], n: int) -> list[Article]:
    return [next(articles) for _ in range(n)]


@pytest.mark.usefixtures("small_thresholds")
def test_closing_early_stops_the_workers(corpus: Path) -> None:
    articles = scan(corpus, workers=2)
    assert len(_consume_some(articles, 120)) == 120  # past the look-ahead: the pool runs
    assert multiprocessing.active_children()
    articles.close()
    assert not multiprocessing.active_children()


@pytest.mark.usefixtures("small_thresholds")
def test_dropping_the_generator_stops_the_workers(corpus: Path) -> None:
    articles = scan(corpus, workers=2)
    _consume_some(articles, 120)
    assert multiprocessing.active_children()
    del articles  # the consumer broke out of its loop; CPython finalises at once
    assert not multiprocessing.active_children()


def test_worker_count_from_argument_environment_and_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(scan_pool.WORKERS_ENV, "1")
    assert scan_pool.worker_count(None) == 1
    assert scan_pool.worker_count(3) == 3  # the argument wins over the environment
    monkeypatch.setenv(scan_pool.WORKERS_ENV, "not a number")
    assert scan_pool.worker_count(None) == scan_pool._cpu_count()
    monkeypatch.delenv(scan_pool.WORKERS_ENV)
    assert scan_pool.worker_count(None) == min(scan_pool._cpu_count(), scan_pool.MAX_WORKERS)
    assert scan_pool.worker_count(0) == 1


@pytest.mark.usefixtures("small_thresholds")
def test_environment_forces_the_serial_path(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scan_pool.WORKERS_ENV, "1")

    def no_pool(*args: object) -> None:
        raise AssertionError("NEWSDECK_SCAN_WORKERS=1 started a pool")

    monkeypatch.setattr(scan_pool, "_Pool", no_pool)
    assert len(list(scan(corpus))) == 405
