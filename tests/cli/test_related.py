"""``newsdeck list --fold-duplicates`` and ``newsdeck related``: JSON keys, folding, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

from tui.cli.main import main

LEE = (
    "台湾台北荣民总医院7月30日表示，已住院近半年的前总统李登辉因多重器官衰竭，"
    "于当晚7点24分过世，享年97岁。李登辉是台湾首位民选总统，任内推动修宪与国会全面改选。"
)
LEE2 = (
    "美国之音报道，台湾前总统李登辉周四晚间因病去世，享年97岁。李登辉一生功过备受争议，蔡英文哀悼。"
)
T0 = 1596110000000


def feed(title: str, body: str, stamp: int) -> str:
    return f"<!--{stamp}-->\n[{title}](https://example.org/{stamp})\n------\n\n<p>{body}</p>\n"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "a.md").write_text(feed("台湾首位民选总统李登辉逝世 享年97岁", LEE, T0), "utf-8")
    trad = opencc.OpenCC("s2t.json").convert(
        feed("台湾首位民选总统李登辉逝世 享年97岁", LEE, T0 + 60_000)
    )
    (root / "b.md").write_text(trad, "utf-8")
    (root / "c.md").write_text(
        feed("台湾前总统李登辉因病去世 一生功过备受争议", LEE2, T0 + 120_000), "utf-8"
    )
    (root / "d.md").write_text(
        feed("Unrelated", "<p>Nothing in common with anything here.</p>", T0), "utf-8"
    )
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_list_fold_duplicates_gives_one_row_with_copies(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "list", str(seeds), "--json", "--fold-duplicates")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3
    folded = [r for r in rows if r["copies"]]
    assert len(folded) == 1
    assert {folded[0]["path"], *folded[0]["copies"]} == {"a.md", "b.md"}
    assert all(r["copies"] == [] for r in rows if r is not folded[0])
    code, out = run(capsys, "list", str(seeds), "--json")
    assert len(out.splitlines()) == 4
    assert all("copies" not in json.loads(line) for line in out.splitlines())
    code, out = run(capsys, "list", str(seeds), "--fold-duplicates", "--limit", "1")
    assert len(out.splitlines()) == 1


def test_related_json_best_first_and_exit_codes(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "related", str(seeds), "a.md", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in rows] == ["c.md"]  # b.md is a copy, not related coverage
    assert list(rows[0]) == ["path", "title", "date", "source", "score"]
    code, out = run(capsys, "related", str(seeds), str(seeds / "c.md"), "--limit", "1")
    assert code == 0 and len(out.splitlines()) == 2
    assert run(capsys, "related", str(seeds), "d.md")[0] == 1  # nothing related: like grep
    assert run(capsys, "related", str(seeds), "missing.md")[0] == 2
    assert run(capsys, "related", str(seeds / "nope"), "a.md")[0] == 2


def test_list_fold_duplicates_summary_counts_entries_and_copies(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", str(seeds), "--json", "--fold-duplicates"]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    copies = sum(len(r["copies"]) for r in rows)
    assert (len(rows), copies) == (3, 1)
    assert err == "3 entries of 4 articles listed (1 copy folded in)\n"
    assert main(["list", str(seeds), "--json", "--fold-duplicates", "--limit", "1"]) == 0
    out, err = capsys.readouterr()
    (row,) = [json.loads(line) for line in out.splitlines()]
    folded = {0: "0 copies", 1: "1 copy"}[len(row["copies"])]
    assert err == f"1 entry of 4 articles listed ({folded} folded in)\n"
