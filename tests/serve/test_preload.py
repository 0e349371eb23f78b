"""The zygote's preloaded library: taken once, and caught up with what the index learnt since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.app import preload
from tui.store.index import Index


def write(root: Path, name: str, title: str, day: int) -> Path:
    path = root / name
    path.write_text(f"---\ntitle: {title}\ndate: 2022-01-{day:02d}\n---\n<p>{title} body</p>\n")
    return path


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSDECK_CONFIG_DIR", str(tmp_path / "config"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for day, title in enumerate(("Alpha", "Bravo", "Charlie"), start=1):
        write(seeds, f"{title.lower()}.md", title, day)
    yield seeds
    monkeypatch.setattr(preload, "_snapshot", None)


def titles(library: object) -> list[str]:
    return [a.title for a in library.newest_first()]  # type: ignore[attr-defined]


def test_taken_once_for_its_directory(root: Path, tmp_path: Path) -> None:
    assert "3 articles" in preload.warm(root)
    assert preload.take(tmp_path, None) is None  # another directory loads as usual
    library = preload.take(root, None)
    assert library is not None
    assert titles(library) == ["Charlie", "Bravo", "Alpha"]
    assert preload.generation_of(library) is not None
    assert preload.take(root, None) is None  # a second screen loads its own


def test_catch_up_applies_what_others_indexed(root: Path) -> None:
    preload.warm(root)
    library = preload.take(root, None)
    assert library is not None
    generation = preload.generation_of(library)
    assert generation is not None
    with Index(root) as index:
        assert not preload.catch_up(library, index, generation)  # nothing changed
        # Another session's watcher indexes a new file and a deletion meanwhile.
        added = write(root, "delta.md", "Delta", 9)
        gone = root / "alpha.md"
        gone.unlink()
        index.update([added, gone])
        assert preload.catch_up(library, index, generation)
    assert titles(library) == ["Delta", "Charlie", "Bravo"]
