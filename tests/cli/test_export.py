"""``newsdeck export``: JSON round-trip with ``list --json``, Markdown files, refusals; and
``list --filter`` with the query language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.body.markdown import html_to_markdown
from tui.cli.main import main
from tui.files.parser import parse
from tui.paths import ENV_DATA_DIR
from tui.store.state import ENV_USER, StateStore

Write = Callable[..., Path]


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "state"
    monkeypatch.setenv(ENV_DATA_DIR, str(home))
    monkeypatch.delenv(ENV_USER, raising=False)
    return home


def _seeds(write: Write) -> Path:
    write(
        "seeds/a.md",
        "<!--1641989702000-->\n[Apple [bold]earnings[/bold]](https://cnbeta.example/a)\n------\n"
        "<p>First <b>bold</b> paragraph.</p><ul><li>one</li><li>two</li></ul>",
    )
    write(
        "seeds/sub/b.md",
        "---\ntitle: 苹果发布会\ncategories:\n - 新闻\n - IT 之家\nauthor: 张三\n"
        "date: 2021-12-31T23:00:00Z\n---\n<p>正文 <a href='https://x.example'>链接</a></p>",
    )
    write("seeds/c.md", "[Weather today](https://w.example/c)\n------\n<p>Sunny.</p>")
    write("seeds/c.txt", "[Weather copy](https://w.example/c2)\n------\n<p>Sunny too.</p>")
    write("seeds/bad.bin", b"\x00\x01" * 300)
    return write("seeds/notes.txt", "not an article\n").parent


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("query", ["", "apple", "src:之家", "-weather", "is:unread after:2021"])
def test_json_export_round_trips_with_list(
    write: Write, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    root = _seeds(write)
    extra = [f"--filter={query}"] if query else []  # "=": the query may start with "-"
    code, listed, _ = _run(capsys, "list", str(root), "--json", *extra)
    assert code == 0
    code, exported, err = _run(capsys, "export", str(root), "--format", "json", *extra)
    assert code == 0 and "exported to stdout" in err
    rows = [json.loads(line) for line in exported.splitlines()]
    assert [{k: v for k, v in r.items() if k != "markdown"} for r in rows] == [
        json.loads(line) for line in listed.splitlines()
    ]
    assert rows, "the query selected something"
    for row in rows:
        assert list(row)[-1] == "markdown"
        full = parse(root / row["path"])
        assert row["markdown"] == html_to_markdown(full.body or "")
        assert row["markdown"].strip()


def test_markdown_to_stdout(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    root = _seeds(write)
    code, out, _ = _run(capsys, "export", str(root), "--filter", "apple")
    assert code == 0
    assert out.startswith("# Apple [bold]earnings[/bold]\n")  # literal, not markup
    assert "- URL: <https://cnbeta.example/a>" in out
    assert "- Date: 2022-01-12T" in out
    assert "**bold**" in out and "- one" in out


def test_markdown_files_in_output_dir(
    write: Write, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _seeds(write)
    out_dir = tmp_path / "out"
    code, out, err = _run(
        capsys, "export", str(root), "--format", "markdown", "--output", str(out_dir)
    )
    assert code == 0 and out == "" and "4 of 4 articles exported" in err
    files = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    # c.md and c.txt both want c.md: the second gets a suffix, nothing is overwritten
    assert files == ["a.md", "c-2.md", "c.md", "sub/b.md"]
    b = (out_dir / "sub" / "b.md").read_text(encoding="utf-8")
    assert b.startswith("# 苹果发布会\n")
    assert "- Source: IT 之家" in b and "- Author: 张三" in b and "- Categories: 新闻, IT 之家" in b
    assert "- File: sub/b.md" in b
    assert "[链接](https://x.example)" in b
    titles = {(out_dir / f).read_text(encoding="utf-8").splitlines()[0] for f in ("c.md", "c-2.md")}
    assert titles == {"# Weather today", "# Weather copy"}


def test_json_files_in_output_dir(
    write: Write, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _seeds(write)
    out_dir = tmp_path / "json"
    code, _, _ = _run(
        capsys, "export", str(root), "--format", "json", "-o", str(out_dir), "--filter", "src:之家"
    )
    assert code == 0
    (only,) = out_dir.rglob("*.json")
    data = json.loads(only.read_text(encoding="utf-8"))
    assert (
        data["title"] == "苹果发布会" and data["path"] == "sub/b.md" and "正文" in data["markdown"]
    )


@pytest.mark.parametrize("inside", [".", "sub", "new/deeper"])
def test_refuses_output_inside_the_seeds_directory(
    write: Write, capsys: pytest.CaptureFixture[str], inside: str
) -> None:
    root = _seeds(write)
    before = sorted(p for p in root.rglob("*"))
    code, out, err = _run(capsys, "export", str(root), "--output", str(root / inside))
    assert code == 2 and out == ""
    assert "inside the seeds directory" in err
    assert sorted(p for p in root.rglob("*")) == before


def test_refuses_output_that_is_a_file(
    write: Write, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = _seeds(write)
    target = tmp_path / "afile"
    target.write_text("keep")
    code, _, err = _run(capsys, "export", str(root), "-o", str(target))
    assert code == 2 and "not a directory" in err and target.read_text() == "keep"


def test_export_missing_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "export", str(tmp_path / "nope"))
    assert code == 2 and "no such directory" in err


# --------------------------------------------------------------------------- list --filter


def test_list_filter_query_language(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    root = _seeds(write)

    def titles(query: str) -> list[str]:
        code, out, _ = _run(capsys, "list", str(root), "--json", f"--filter={query}")
        assert code == 0
        return [json.loads(line)["title"] for line in out.splitlines()]

    assert titles("src:之家") == ["苹果发布会"]
    assert titles("cat:新闻") == ["苹果发布会"]
    assert titles("author:张") == ["苹果发布会"]
    assert titles("-weather") == ["Apple [bold]earnings[/bold]", "苹果发布会"]
    assert titles("after:2022-01-05") == ["Apple [bold]earnings[/bold]"]
    assert titles("before:2022-01-05") == ["苹果发布会"]
    assert titles('src:"cnbeta.example" apple') == ["Apple [bold]earnings[/bold]"]


def test_list_filter_reads_state_without_writing(
    write: Write, capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    root = _seeds(write)
    code, out, _ = _run(capsys, "list", str(root), "--json", "--filter", "is:unread")
    assert code == 0 and len(out.splitlines()) == 4
    assert not data_home.exists()  # reading never creates the state file
    with StateStore() as store:
        store.set_read([parse(root / "a.md")])
        store.toggle_star(parse(root / "c.md"))
    code, out, _ = _run(capsys, "list", str(root), "--json", "--filter", "is:unread")
    assert "a.md" not in out and len(out.splitlines()) == 3
    code, out, _ = _run(capsys, "list", str(root), "--json", "--filter", "is:starred")
    assert [json.loads(line)["path"] for line in out.splitlines()] == ["c.md"]


@pytest.mark.parametrize("query", ["foo:bar", "src:", "after:notadate", 'src:"open', "-", "is:"])
def test_list_filter_errors_exit_2_with_one_line(
    write: Write, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    root = _seeds(write)
    with pytest.raises(SystemExit) as exc:
        main(["list", str(root), f"--filter={query}"])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("newsdeck: --filter: ")
