"""The reading settings: ``reading_width`` (cells, 0 = the whole pane) and ``preview``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui.store.config import DEFAULT_CONFIG_TEXT, Config, load_config


def read(tmp_path: Path, text: str) -> tuple[Config, list[str]]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_defaults_are_documented_and_mean_the_defaults() -> None:
    data = tomllib.loads(DEFAULT_CONFIG_TEXT)
    assert data["reading_width"] == Config().reading_width == 80
    assert data["preview"] is Config().preview is True
    assert "reading_width" in DEFAULT_CONFIG_TEXT and "preview" in DEFAULT_CONFIG_TEXT


def test_valid_values_are_read(tmp_path: Path) -> None:
    config, warnings = read(tmp_path, "reading_width = 0\npreview = false\n")
    assert warnings == []
    assert config.reading_width == 0 and config.preview is False
    config, warnings = read(tmp_path, "reading_width = 66\n")
    assert warnings == [] and config.reading_width == 66 and config.preview is True


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("reading_width = -1\n", "reading_width"),
        ('reading_width = "wide"\n', "reading_width"),
        ("reading_width = 72.5\n", "reading_width"),
        ("reading_width = true\n", "reading_width"),
        ('preview = "yes"\n', "preview"),
        ("preview = 0\n", "preview"),
    ],
)
def test_bad_values_warn_and_fall_back(tmp_path: Path, text: str, needle: str) -> None:
    config, warnings = read(tmp_path, text + "pinyin = false\n")
    assert len(warnings) == 1 and needle in warnings[0]
    assert config.reading_width == 80 and config.preview is True
    assert config.pinyin is False  # the good setting beside it still counts


def test_fold_duplicates_defaults_on_and_reads_a_boolean(tmp_path: Path) -> None:
    data = tomllib.loads(DEFAULT_CONFIG_TEXT)
    assert data["fold_duplicates"] is Config().fold_duplicates is True
    config, warnings = read(tmp_path, "fold_duplicates = false\n")
    assert warnings == [] and config.fold_duplicates is False
    config, warnings = read(tmp_path, 'fold_duplicates = "no"\n')
    assert config.fold_duplicates is True and "fold_duplicates" in warnings[0]
