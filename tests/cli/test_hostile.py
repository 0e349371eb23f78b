"""Hostile seeds through the parser and the CLI: nothing crashes, hangs or leaks a control byte."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import ESCAPES, Expect, make_hostile_seeds
from tui.files.parser import load_body, parse
from tui.files.scan import scan

# Any C0 control but newline/tab, DEL, or C1 control: none may leave newsdeck.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
TIMEOUT = 180  # seconds: a hang fails the test instead of stalling the suite


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expect]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, make_hostile_seeds(root)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_list_json_lists_readable_and_counts_the_rest(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, expect = hostile
    result = _run("list", str(root), "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not CONTROL.search(result.stdout)
    rows = {json.loads(line)["path"]: json.loads(line) for line in result.stdout.splitlines()}
    for name, e in expect.items():
        if e.listed:
            assert name in rows, name
            assert e.title_has in rows[name]["title"], (name, rows[name]["title"])
        else:
            assert name not in rows, name
    unreadable = sum(1 for e in expect.values() if not e.listed)
    assert f"{unreadable} file(s) could not be read" in result.stderr


def test_check_gives_every_unreadable_file_a_reason(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, expect = hostile
    result = _run("check", str(root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not CONTROL.search(result.stdout)
    for name, e in expect.items():
        if not e.listed:
            line = next(
                (x for x in result.stdout.splitlines() if x.startswith(f"{name}: error:")), ""
            )
            assert e.reason_has in line, (name, line)


def test_parsed_fields_and_bodies_are_clean(hostile: tuple[Path, dict[str, Expect]]) -> None:
    root, _ = hostile
    for article in scan(root):
        for value in (article.title, article.author, article.source, article.url, article.error):
            assert value is None or not CONTROL.search(value), (article.path, value)
        if not article.ok:
            continue
        body = load_body(article)
        assert not CONTROL.search(body), article.path
    for key in ESCAPES:
        title = parse(root / f"esc-{key}.md", header_only=True).title
        assert "PWNED" not in title or "\x1b" not in title
        assert not CONTROL.search(title)


def test_show_never_emits_foreign_escapes(hostile: tuple[Path, dict[str, Expect]]) -> None:
    root, expect = hostile
    for name in [n for n, e in expect.items() if e.listed and not n.startswith("ten-mb")]:
        result = _run("show", str(root / name), "--width", "80")
        assert result.returncode == 0, (name, result.stderr)
        assert "Traceback" not in result.stderr
        # piped output is plain text: not a single escape or control byte
        assert not CONTROL.search(result.stdout), name


def test_markup_shows_literally(hostile: tuple[Path, dict[str, Expect]]) -> None:
    root, _ = hostile
    result = _run("show", str(root / "markup-title.md"), "--width", "200")
    assert "[bold red]LOUD[/bold red]" in result.stdout
    assert "[@click=app.quit]quit[/]" in result.stdout
    assert "[link=https://evil.example]x[/link]" in result.stdout


def test_absurd_dates_become_problems(hostile: tuple[Path, dict[str, Expect]]) -> None:
    root, _ = hostile
    for name in ("future-date.md", "negative-date.md", "nonsense-date.md", "nan-date.md"):
        article = parse(root / name)
        assert article.ok and article.date is None, name
        assert article.problems, name


def test_yaml_never_executes_or_explodes(hostile: tuple[Path, dict[str, Expect]]) -> None:
    root, _ = hostile
    bomb = parse(root / "yaml-alias-bomb.md")
    assert bomb.ok
    assert len(bomb.title) < 10_000 and len(bomb.categories) < 10_000
    tagged = parse(root / "yaml-python-tag.md")
    assert tagged.ok  # a python/object tag is refused by the safe loader, never run
    assert parse(root / "yaml-number.md").title == "12_00"
    assert parse(root / "yaml-deep.md").ok
