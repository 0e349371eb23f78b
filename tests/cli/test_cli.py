"""The command-line contract: list, show, check, and the app entry's error paths."""

from __future__ import annotations

import io
import json
import os
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


def _run_in_zone(zone: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m tui ARGS`` with the local time zone set to ``zone``."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TZ": zone},
    )


def test_show_prints_the_readers_header_in_utc(write: Write) -> None:
    path = write(
        "m.md",
        "---\ntitle: Zoned\nauthor: A\nurl: https://z.example/a\ncategories:\n - One\n"
        "tags:\n - Two\ndate: 2022-01-01T00:00:00Z\n---\n<p>Body text.</p>",
    )
    result = _run_in_zone("Asia/Shanghai", "show", str(path), "--width", "80")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # the reader's header (tui.body.article_header), then URL and labels, then the rule
    from rich.console import Console

    from tui.body.article_header import article_header
    from tui.files.parser import parse

    console = Console(width=80, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(article_header(parse(path)))
    reader = capture.get().splitlines()
    assert lines[:2] == reader[:2]
    assert lines[1] == "One · A · 2022-01-01 00:00 UTC"  # not Shanghai's 08:00
    assert lines[2:4] == ["https://z.example/a", "One, Two"]
    assert set(lines[4]) == {"─"} and "Body text." in result.stdout


def test_list_and_search_dates_are_utc(write: Write) -> None:
    root = _dir(write)
    listed = _run_in_zone("America/New_York", "list", str(root))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("2022-01-01 00:00 UTC  Zeta ")  # New York: 2021-12-31 19:00
    assert lines[1].startswith("2017-07-14 02:40 UTC  a.example ")
    assert lines[2].startswith("-" * len("2022-01-01 00:00 UTC") + "  b.example ")
    as_json = _run_in_zone("America/New_York", "list", str(root), "--json")
    assert json.loads(as_json.stdout.splitlines()[0])["date"] == "2022-01-01T00:00:00+00:00"
    found = _run_in_zone("America/New_York", "search", str(root), "news")
    assert found.returncode == 0, found.stderr
    assert "  2022-01-01 00:00 UTC  Zeta  sub/new.md" in found.stdout


def test_list_sorts_as_the_app_does(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    from tui.files.scan import scan
    from tui.search.sort import sort_articles

    root = _dir(write)
    # NFKC folding: full-width "Ｂeta" sorts as "beta"; no source sorts after every source
    write("wide.md", "---\ntitle: Ｂeta wide\ndate: 2021-01-01T00:00:00Z\n---\n<p>w</p>")
    write("plain.md", "---\ntitle: beta plain\ndate: 2021-06-01T00:00:00Z\n---\n<p>p</p>")
    good = [a for a in scan(root) if a.ok]
    for flag, spec in (("date", "date-desc"), ("title", "title-asc"), ("source", "source-asc")):
        assert main(["list", str(root), "--json", "--sort", flag]) == 0
        paths = [json.loads(x)["path"] for x in capsys.readouterr().out.splitlines()]
        assert paths == [a.relpath(root) for a in sort_articles(good, spec)], flag
    main(["list", str(root), "--json", "--sort", "title"])
    titles = [json.loads(x)["title"] for x in capsys.readouterr().out.splitlines()]
    assert titles == [
        "Alpha undated",
        "beta plain",
        "Ｂeta wide",
        "New [bold]news[/bold]",
        "Old news",
    ]
    main(["list", str(root), "--json", "--sort", "source"])
    sources = [json.loads(x)["source"] for x in capsys.readouterr().out.splitlines()]
    assert sources == ["a.example", "b.example", "Zeta", None, None]
