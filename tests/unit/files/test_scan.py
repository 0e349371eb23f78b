"""Walking seeds directories: recursion, hidden entries, links, loops, bad files."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.files import parser as parser_module
from tui.files.scan import scan
from tui.files.walk import Skipped, iter_files
from tui.paths import sample_seeds_dir

Write = Callable[..., Path]
FEED = "<!--1641989702000-->\n[{t}](https://example.org/{t})\n------\n<p>body</p>\n"


def test_recursive_sorted_and_hidden_skipped(tmp_path: Path, write: Write) -> None:
    write("b.md", FEED.format(t="b"))
    write("a/z.md", FEED.format(t="z"))
    write("a/deeper/y.md", FEED.format(t="y"))
    write(".hidden.md", FEED.format(t="hidden"))
    write(".git/objects/x.md", FEED.format(t="git"))
    titles = [a.title for a in scan(tmp_path)]
    # A directory's own files come first, then its subdirectories, each sorted by name.
    assert titles == ["b", "z", "y"]


def test_symlink_loop_terminates(tmp_path: Path, write: Write) -> None:
    write("d/a.md", FEED.format(t="a"))
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    os.symlink(tmp_path, tmp_path / "d" / "up")
    articles = list(scan(tmp_path))
    assert [a.title for a in articles if a.ok] == ["a"]


def test_broken_link_is_reported(tmp_path: Path, write: Write) -> None:
    write("a.md", FEED.format(t="a"))
    os.symlink(tmp_path / "nowhere.md", tmp_path / "dangling.md")
    items = list(iter_files(tmp_path))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].reason == "broken symbolic link"
    bad = [a for a in scan(tmp_path) if not a.ok]
    assert [a.path.name for a in bad] == ["dangling.md"]


def test_non_articles_and_vanishing_files_are_reported(tmp_path: Path, write: Write) -> None:
    write("a.md", FEED.format(t="a"))
    write("notes.txt", "just some notes\n")
    write("image.png", b"\x89PNG\r\n\x1a\n" + bytes(4096))
    gone = write("gone.md", FEED.format(t="gone"))
    results = []
    for item in iter_files(tmp_path):
        assert isinstance(item, Path)  # every entry here is a regular file
        if item == gone:
            gone.unlink()  # deleted between the walk and the read
        results.append(parser_module.parse(item))
    reasons = {a.path.name: a.error for a in results}
    assert reasons["a.md"] is None
    assert reasons["notes.txt"] is not None and "not an article" in reasons["notes.txt"]
    assert reasons["image.png"] is not None and "binary" in reasons["image.png"]
    assert reasons["gone.md"] is not None and "vanished" in reasons["gone.md"]


def test_unreadable_file_is_reported(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = write("secret.md", FEED.format(t="s"))
    write("ok.md", FEED.format(t="ok"))
    real_open = builtins.open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == secret:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    by_name = {a.path.name: a for a in scan(tmp_path)}
    assert by_name["secret.md"].error == "permission denied"
    assert by_name["ok.md"].ok


def test_scan_reads_only_the_head(tmp_path: Path, write: Write) -> None:
    big = FEED.format(t="big") + "<p>" + "很长的正文。" * 200_000 + "</p>"
    path = write("big.md", big)
    (article,) = scan(tmp_path)
    assert article.body is None and article.title == "big"
    assert article.size == path.stat().st_size


def test_long_front_matter_is_read_past_the_first_block(tmp_path: Path, write: Write) -> None:
    filler = "".join(f"k{i}: {'x' * 60}\n" for i in range(120))
    write("long.md", f"---\n{filler}title: 很长的头\ndate: 2021-01-01T00:00:00Z\n---\n<p>x</p>")
    (article,) = scan(tmp_path)
    assert article.title == "很长的头"
    assert article.date is not None


def test_default_seeds_dir_is_the_bundled_samples() -> None:
    root = sample_seeds_dir()
    articles = list(scan(root))
    assert len(articles) >= 10
    assert all(a.ok for a in articles), [(a.path, a.error) for a in articles if not a.ok]
    assert {a.format for a in articles} == {"frontmatter", "feed", "hybrid"}
