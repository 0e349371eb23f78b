"""``newsdeck list --filter is:started`` reads reading positions; ``export`` keeps exact URLs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.cli.main import main
from tui.files.parser import parse
from tui.paths import ENV_DATA_DIR
from tui.store.state import ENV_USER, StateStore

Write = Callable[..., Path]
ENCODED = "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F/x%20y"


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "state"
    monkeypatch.setenv(ENV_DATA_DIR, str(home))
    monkeypatch.delenv(ENV_USER, raising=False)
    return home


def _seeds(write: Write) -> Path:
    write("seeds/a.md", f"[Column]({ENCODED})\n------\n<p>One <a href='{ENCODED}'>link</a>.</p>")
    write("seeds/b.md", "[Second](https://example.com/b)\n------\n<p>Two.</p>")
    return write("seeds/c.md", "[Third](https://example.com/c)\n------\n<p>Three.</p>").parent


def _paths(capsys: pytest.CaptureFixture[str], root: Path, query: str) -> list[str]:
    assert main(["list", str(root), "--json", f"--filter={query}"]) == 0
    out = capsys.readouterr().out
    return sorted(json.loads(line)["path"] for line in out.splitlines())


def test_list_filter_is_started(
    write: Write, capsys: pytest.CaptureFixture[str], data_home: Path
) -> None:
    root = _seeds(write)
    assert _paths(capsys, root, "is:started") == []
    assert not data_home.exists()  # reading never creates the state file
    with StateStore() as store:
        store.set_position(parse(root / "a.md"), 0.4)
        store.set_position(parse(root / "b.md"), 0.97)  # finished
    assert _paths(capsys, root, "is:started") == ["a.md"]
    assert _paths(capsys, root, "-is:started") == ["b.md", "c.md"]


def test_export_keeps_the_exact_url(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    root = _seeds(write)
    assert main(["export", str(root), "--filter", "column", "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out.splitlines()[0])
    assert record["url"] == ENCODED
    assert f"]({ENCODED.replace(' ', '%20')})" in record["markdown"]
    assert main(["export", str(root), "--filter", "column", "--format", "markdown"]) == 0
    assert f"<{ENCODED}>" in capsys.readouterr().out


def test_show_prints_the_url_decoded(write: Write, capsys: pytest.CaptureFixture[str]) -> None:
    root = _seeds(write)
    assert main(["show", str(root / "a.md"), "--width", "100"]) == 0
    out = capsys.readouterr().out
    assert "https://www.rfi.fr/cn/专栏/x%20y" in out
    assert "link (https://www.rfi.fr/cn/专栏/x%20y)" in out
