"""The image settings: images, image_protocol, image_cache_mb, image_max_height."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui.store.config import (
    DEFAULT_CONFIG_TEXT,
    IMAGE_MODES,
    IMAGE_PROTOCOLS,
    Config,
    load_config,
)


def _load(tmp_path: Path, text: str) -> tuple[Config, list[str]]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_defaults_are_ask_auto_200_and_20(tmp_path: Path) -> None:
    config = Config()
    assert (config.images, config.image_protocol) == ("ask", "auto")
    assert (config.image_cache_mb, config.image_max_height) == (200, 20)
    assert IMAGE_MODES == ("off", "ask", "auto")
    assert IMAGE_PROTOCOLS == ("auto", "kitty", "sixel", "halfblocks")
    # the commented default file says the same, and explains each key
    data = tomllib.loads(DEFAULT_CONFIG_TEXT)
    assert {
        k: data[k] for k in ("images", "image_protocol", "image_cache_mb", "image_max_height")
    } == {
        "images": "ask",
        "image_protocol": "auto",
        "image_cache_mb": 200,
        "image_max_height": 20,
    }
    assert load_config(tmp_path / "fresh.toml") == (Config(path=tmp_path / "fresh.toml"), [])


@pytest.mark.parametrize("mode", IMAGE_MODES)
@pytest.mark.parametrize("protocol", IMAGE_PROTOCOLS)
def test_every_mode_and_protocol_is_accepted(tmp_path: Path, mode: str, protocol: str) -> None:
    config, warnings = _load(
        tmp_path, f'images = " {mode.upper()} "\nimage_protocol = "{protocol}"\n'
    )
    assert warnings == []
    assert (config.images, config.image_protocol) == (mode, protocol)


def test_numbers_are_taken(tmp_path: Path) -> None:
    config, warnings = _load(tmp_path, "image_cache_mb = 0\nimage_max_height = 1\n")
    assert warnings == []
    assert (config.image_cache_mb, config.image_max_height) == (0, 1)


@pytest.mark.parametrize(
    ("text", "field", "default", "words"),
    [
        ('images = "always"', "images", "ask", "images 'always' is not one of off, ask, auto"),
        ("images = true", "images", "ask", "images True is not one of"),
        ('image_protocol = "iterm"', "image_protocol", "auto", "kitty, sixel, halfblocks"),
        ("image_cache_mb = -1", "image_cache_mb", 200, "image_cache_mb must be a whole number"),
        ('image_cache_mb = "big"', "image_cache_mb", 200, "megabytes, 0 or more"),
        ("image_cache_mb = 1.5", "image_cache_mb", 200, "not 1.5; using 200"),
        ("image_max_height = 0", "image_max_height", 20, "rows, 1 or more, not 0; using 20"),
        ("image_max_height = true", "image_max_height", 20, "image_max_height must be"),
    ],
)
def test_a_bad_value_is_a_warning_and_the_default(
    tmp_path: Path, text: str, field: str, default: object, words: str
) -> None:
    config, warnings = _load(tmp_path, text + "\n")
    assert getattr(config, field) == default
    assert len(warnings) == 1
    assert str(tmp_path / "config.toml") in warnings[0] and words in warnings[0]


def test_the_new_keys_are_not_unknown(tmp_path: Path) -> None:
    _config, warnings = _load(tmp_path, 'images = "off"\nimage_protocl = "kitty"\n')
    assert len(warnings) == 1 and 'unknown setting "image_protocl"' in warnings[0]
    assert "image_protocol" in warnings[0]  # the known list names the right spelling
