"""``list``, ``check`` and ``search`` on a fresh index: streamed, and byte-identical to the full path.

The streamed path (:mod:`tui.store.streamed`) prints rows as they come from the index;
the general path builds every Article first. Each test runs a command both ways and
compares stdout, stderr and the exit code byte for byte.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.cli import read
from tui.cli.main import main
from tui.store.index import Index

Write = Callable[..., Path]
Run = tuple[int, str, str]

LIST_ARGS: list[list[str]] = [
    [],
    ["--json"],
    ["--limit", "1"],
    ["--limit", "7", "--json"],
    ["--filter", "经济"],
    ["--filter", "ai", "--json", "--limit", "3"],
    ["--filter", "zzzqqq-nothing"],
    ["--filter", "   "],
]


def _index(root: Path) -> None:
    with Index(root) as index:
        for _ in index.reconcile(workers=1):
            pass


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Run:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _both(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> tuple[Run, Run]:
    """``argv`` streamed (the general path made to fail), then the general path alone."""

    def no_general(*_args: Any, **_kw: Any) -> None:
        raise AssertionError("took the general path on a fresh index")

    with monkeypatch.context() as m:
        m.setattr(read, "select", no_general)
        m.setattr(read, "scan_directory", no_general)
        streamed = _run(capsys, argv)
    with monkeypatch.context() as m:
        m.setattr(read, "stream_list", lambda *_a: None)
        m.setattr(read, "stream_check", lambda *_a: None)
        general = _run(capsys, argv)
    return streamed, general


def _ties(write: Write) -> Path:
    """Equal dates and titles across and within directories, undated ties, unreadable files.

    Walk order (a directory's files, then its subdirectories) differs from path order
    here: ``z.md`` comes before ``a/x.md``.
    """
    same = "---\ntitle: Same title\ndate: 2022-01-01T00:00:00Z\nsource: S\n---\n<p>x</p>"
    for name in ("z.md", "a/x.md", "a/b.md", "a/sub/c.md", "b/a.md"):
        write(name, same)
    undated = "[Undated twin](https://u.example/t)\n------\n<p>u</p>"
    for name in ("u2.md", "a/u1.md", "c/u0.md"):
        write(name, undated)
    write("a/new.md", "---\ntitle: '[b]新闻[/b] ＡＩ'\ndate: 2023-05-05T05:05:05Z\n---\n<p>n</p>")
    write(
        "b/old.md", "<!--1500000000000-->\n[Old AI news](https://a.example/old)\n------\n<p>o</p>"
    )
    write(
        "c/long.md",
        "---\ntitle: Long source\nsource: 一个非常非常长的中文来源名称超过十六个单元格\n"
        "categories:\n - 新媒体\n - Zeta\ntags:\n - t1\ndate: 2021-03-03T03:03:03+08:00\n---\n<p>l</p>",
    )
    write("broken.bin", b"\x00\x01\x02" * 400)
    return write("c/notes.txt", "not an article\n").parents[1]


@pytest.mark.parametrize("extra", LIST_ARGS, ids=lambda a: " ".join(a) or "plain")
def test_list_streamed_equals_general_path_with_ties(
    write: Write,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
) -> None:
    root = _ties(write)
    _index(root)
    streamed, general = _both(capsys, monkeypatch, ["list", str(root), *extra])
    assert streamed == general
    if not extra:
        lines = streamed[1].splitlines()
        assert len(lines) == 11  # no unreadable file listed
        assert "could not be read" in streamed[2]


def test_list_streamed_equals_general_path_on_the_real_corpus(
    real_corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _index(real_corpus)
    for extra in LIST_ARGS:
        streamed, general = _both(capsys, monkeypatch, ["list", str(real_corpus), *extra])
        assert streamed == general, extra
    streamed, general = _both(capsys, monkeypatch, ["check", str(real_corpus)])
    assert streamed == general


def test_list_streamed_equals_general_path_on_a_generated_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.corpus import generate

    root = generate(tmp_path / "gen", 1500, seed=7)
    _index(root)
    for extra in (["--json"], [], ["--limit", "50"], ["--filter", "经济", "--json"]):
        streamed, general = _both(capsys, monkeypatch, ["list", str(root), *extra])
        assert streamed == general, extra
        assert streamed[1]
    streamed, general = _both(capsys, monkeypatch, ["check", str(root)])
    assert streamed == general


def test_check_streamed_equals_general_path(
    write: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _ties(write)
    _index(root)
    streamed, general = _both(capsys, monkeypatch, ["check", str(root)])
    assert streamed == general
    code, out, err = streamed
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("broken.bin: error: binary data")
    assert lines[1].startswith("c/notes.txt: error: not an article")
    assert err.endswith(" 2 unreadable\n") and err.startswith("11 articles, ")


def test_limit_reads_about_n_rows(
    write: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(300):
        write(
            f"d{i % 3}/{i:03d}.md", f"---\ntitle: T{i}\ndate: 2022-01-01T00:{i % 60:02d}:00Z\n---\n"
        )
    root = write("x.md", "---\ntitle: X\ndate: 2020-01-01T00:00:00Z\n---\n").parent
    _index(root)
    fetched: list[int] = []
    real = Index.iter_query

    def counting(self: Index, *args: Any, **kw: Any) -> Iterator[list[tuple[Any, ...]]]:
        for batch in real(self, *args, **kw):
            fetched.append(len(batch))
            yield batch

    monkeypatch.setattr(Index, "iter_query", counting)
    code, out, err = _run(capsys, ["list", str(root), "--limit", "5", "--json"])
    assert code == 0 and len(out.splitlines()) == 5
    assert err == "5 of 301 articles listed\n"
    assert sum(fetched) <= 6


def test_a_changed_directory_is_never_listed_stale(
    write: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _ties(write)
    _index(root)
    write("a/added.md", "---\ntitle: Added later\ndate: 2024-01-01T00:00:00Z\n---\n<p>x</p>")
    (root / "b" / "old.md").unlink()
    streamed: list[object] = []
    real = read.stream_list

    def spy(*args: Any) -> int | None:
        streamed.append(result := real(*args))
        return result

    monkeypatch.setattr(read, "stream_list", spy)
    _code, out, _ = _run(capsys, ["list", str(root)])
    assert streamed == [None]  # the index was stale: the general path answered
    assert out.splitlines()[0].endswith("Added later")
    assert "Old AI news" not in out
    _code, out2, _ = _run(capsys, ["list", str(root)])
    assert streamed[-1] == 0 and out2 == out  # refreshed by the first run: streamed now


def test_search_never_prints_a_hit_rewritten_in_place(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _ties(write)
    path = write(
        "a/hit.md", "---\ntitle: Zebra crossing\ndate: 2022-02-02T00:00:00Z\n---\n<p>z</p>"
    )
    _index(root)
    code, out, _ = _run(capsys, ["search", str(root), "zebra", "--json"])
    assert code == 0 and "a/hit.md" in out
    stat = path.stat()
    path.write_text("---\ntitle: Horse\ndate: 2022-02-02T00:00:00Z\n---\n<p>h</p>", "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    code, out, _ = _run(capsys, ["search", str(root), "zebra", "--json"])
    assert (code, out) == (1, "")
    code, out, _ = _run(capsys, ["search", str(root), "horse", "--rescan", "--json"])
    assert code == 0 and "a/hit.md" in out


def test_check_findings_are_kept_until_the_rows_change(
    write: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _ties(write)
    _index(root)
    first = _run(capsys, ["check", str(root)])
    monkeypatch.setattr(Index, "query", None)  # a kept answer needs no row scan
    assert _run(capsys, ["check", str(root)]) == first
    monkeypatch.undo()
    write("d/empty.md", "")
    _index(root)
    streamed, general = _both(capsys, monkeypatch, ["check", str(root)])
    assert streamed == general
    assert "d/empty.md: error: empty file" in streamed[1]
    assert streamed[2].endswith(" 3 unreadable\n")
