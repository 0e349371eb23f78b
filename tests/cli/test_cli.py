"""The command-line contract: list, show, check, and the app entry's error paths."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.locations import SAMPLE_SEEDS
from tui.cli.main import main

Write = Callable[..., Path]
JSON_KEYS = [
    "path",
    "format",
    "title",
    "url",
    "date",
    "author",
    "source",
    "categories",
    "tags",
    "image",
    "problems",
]


def _dir(write: Write) -> Path:
    write("old.md", "<!--1500000000000-->\n[Old news](https://a.example/old)\n------\n<p>x</p>")
    write(
        "sub/new.md",
        "---\ntitle: 'New [bold]news[/bold]'\ncategories:\n - 新媒体\n - Zeta\n"
        "date: 2022-01-01T00:00:00Z\n---\n<p>y</p>",
    )
    write("undated.md", "[Alpha undated](https://b.example/u)\n------\n<p>z</p>")
    write("broken.bin", b"\x00\x01\x02" * 400)
    return write("notes.txt", "not an article\n").parent


def test_list_json_contract(
    write: Write, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _dir(write)
    assert main(["list", str(root), "--json"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [list(r) for r in rows] == [JSON_KEYS] * 3
    assert [r["title"] for r in rows] == ["New [bold]news[/bold]", "Old news", "Alpha undated"]
    new = rows[0]
    assert new["path"] == "sub/new.md"
    assert new["format"] == "frontmatter"
    assert new["date"] == "2022-01-01T00:00:00+00:00"
    assert new["source"] == "Zeta" and new["categories"] == ["新媒体", "Zeta"]
    assert rows[2]["date"] is None and rows[2]["problems"] == ["no date found"]
    assert rows[1]["source"] == "a.example"
    # one summary line on stderr that counts the bad files
    assert err.strip().count("\n") == 0
    assert "3 of 3 articles" in err and "2 file(s) could not be read" in err


def test_list_sort_and_limit(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    root = _dir(write)
    main(["list", str(root), "--json", "--sort", "title"])
    titles = [json.loads(x)["title"] for x in capsys.readouterr().out.splitlines()]
    assert titles == ["Alpha undated", "New [bold]news[/bold]", "Old news"]
    main(["list", str(root), "--json", "--sort", "source", "--limit", "2"])
    sources = [json.loads(x)["source"] for x in capsys.readouterr().out.splitlines()]
    assert sources == ["a.example", "b.example"]


def test_list_plain_text_aligns_by_cell_width(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.cells import cell_len

    assert main(["list", str(SAMPLE_SEEDS), "--json"]) == 0
    titles = [json.loads(x)["title"] for x in capsys.readouterr().out.splitlines()]
    assert main(["list", str(SAMPLE_SEEDS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(titles) >= 10
    # the title column starts at the same cell for every row, CJK sources included
    starts = set()
    for line, title in zip(lines, titles, strict=True):
        assert line.endswith(title)
        starts.add(cell_len(line[: len(line) - len(title)]))
    assert len(starts) == 1


def test_list_filter_uses_fuzzy_ranking(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tui.search.fuzzy")
    root = _dir(write)
    main(["list", str(root), "--json", "--filter", "old"])
    titles = [json.loads(x)["title"] for x in capsys.readouterr().out.splitlines()]
    assert titles[0] == "Old news"
    assert "Alpha undated" not in titles


def test_check_reports_bad_files_and_exits_1(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _dir(write)
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert "broken.bin: error: binary data" in out
    assert "notes.txt: error: not an article" in out
    assert "undated.md: no date found" in out


def test_check_clean_directory_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SAMPLE_SEEDS)]) == 0


def test_missing_directory_is_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["list", str(tmp_path / "nope")], ["check", str(tmp_path / "nope")]):
        assert main(argv) == 2
        assert "no such directory" in capsys.readouterr().err
    assert main([str(tmp_path / "nope")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_show_piped_is_plain_text_with_literal_markup(write: Write) -> None:
    pytest.importorskip("tui.body.markdown")
    path = write(
        "m.md",
        "---\ntitle: '[bold]x[/bold] [video]'\nauthor: A\ndate: 2022-01-01T00:00:00Z\n---\n"
        "<h2>Heading</h2><p>Text with <a href='https://e.example/'>a link</a> [@click=app.quit]</p>",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tui", "show", str(path), "--width", "60"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "[bold]x[/bold] [video]" in result.stdout
    assert "[@click=app.quit]" in result.stdout
    assert "Heading" in result.stdout and "https://e.example/" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 60


def test_show_rejects_non_article(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write("n.txt", "plain\n")
    assert main(["show", str(path)]) == 1
    assert "not an article" in capsys.readouterr().err


def test_python_dash_m_and_bad_flags() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "tui", "list", str(SAMPLE_SEEDS), "--limit", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and len(ok.stdout.splitlines()) == 1
    bad = subprocess.run(
        [sys.executable, "-m", "tui", "list", str(SAMPLE_SEEDS), "--limit", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "must be at least 1" in bad.stderr
    assert "Traceback" not in bad.stderr
