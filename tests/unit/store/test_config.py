"""The TOML config: created with comments on first run, bad values become warnings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui.paths import ENV_CONFIG_DIR
from tui.search.sort import SORTS
from tui.store.config import (
    DEFAULT_CONFIG_TEXT,
    Config,
    config_path,
    load_config,
    unknown_binding_ids,
)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test reads and writes its config below tmp_path, never the real one."""
    home = tmp_path / "cfg"
    monkeypatch.setenv(ENV_CONFIG_DIR, str(home))
    return home


def _write(home: Path, text: str | bytes) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_first_run_creates_a_commented_file_that_means_the_defaults(config_home: Path) -> None:
    assert config_path() == config_home / "config.toml"
    config, warnings = load_config()
    assert warnings == []
    path = config_home / "config.toml"
    text = path.read_text(encoding="utf-8")
    assert text == DEFAULT_CONFIG_TEXT
    assert text.count("\n#") >= 8  # explained, not just values
    assert config == Config(path=path)
    for setting in ("theme", "default_sort", "mark_read_on_open", "pinyin", "[keys]"):
        assert setting in text
    for sort in SORTS:
        assert sort in text
    assert not [p for p in config_home.iterdir() if p.name != "config.toml"]  # no temp left
    # a second run reads it and does not rewrite it
    path.write_text(text + "\n# mine\n", encoding="utf-8")
    assert load_config() == (config, [])
    assert path.read_text(encoding="utf-8").endswith("# mine\n")


def test_create_false_reads_defaults_without_writing(config_home: Path) -> None:
    assert load_config(create=False) == (Config(), [])
    assert not config_home.exists()


def test_valid_settings_are_read(config_home: Path) -> None:
    path = _write(
        config_home,
        'theme = "nord"\ndefault_sort = "Title-Desc"\nmark_read_on_open = false\npinyin = false\n'
        '[keys]\n"list.down" = "j,down"\n"main.filter" = ["slash", "ctrl+f"]\n"app.quit" = " q , ctrl+q "\n',
    )
    config, warnings = load_config()
    assert warnings == []
    assert config == Config(
        theme="nord",
        default_sort="title-desc",
        mark_read_on_open=False,
        pinyin=False,
        keys={"list.down": "j,down", "main.filter": "slash,ctrl+f", "app.quit": "q,ctrl+q"},
        path=path,
    )
    assert dict(config.keys) == {
        "list.down": "j,down",
        "main.filter": "slash,ctrl+f",
        "app.quit": "q,ctrl+q",
    }


BAD_VALUES = [
    ("theme = 3\n", "theme"),
    ('theme = ""\n', "theme"),
    ('default_sort = "newest"\n', "default_sort"),
    ('mark_read_on_open = "yes"\n', "mark_read_on_open"),
    ("pinyin = 1\n", "pinyin"),
    ('colour = "red"\n', 'unknown setting "colour"'),
    ('keys = "j"\n', "[keys] must be a table"),
    ('[keys]\n"list.down" = 5\n', '"list.down" must be keys'),
    ('[keys]\n"list.down" = "j,,down"\n', "is not a comma-separated list"),
    ('[keys]\n"list.down" = "j down"\n', "is not a comma-separated list"),
    ('[keys]\n"list.down" = ""\n', "is not a comma-separated list"),
    ('[keys]\n"list down" = "j"\n', "is not a binding id"),
]


@pytest.mark.parametrize(("text", "needle"), BAD_VALUES, ids=[b[1] for b in BAD_VALUES])
def test_bad_values_warn_and_fall_back(config_home: Path, text: str, needle: str) -> None:
    path = _write(config_home, 'theme = "nord"\n' * ("theme" not in text) + text)
    config, warnings = load_config()
    assert len(warnings) == 1 and needle in warnings[0], warnings
    assert warnings[0].startswith(str(path))
    defaults = Config()
    assert config.default_sort == defaults.default_sort
    assert config.mark_read_on_open is True and config.pinyin is True
    assert config.keys == {}
    assert config.theme == ("nord" if "theme" not in text else defaults.theme)


def test_one_bad_key_does_not_drop_the_good_ones(config_home: Path) -> None:
    _write(config_home, '[keys]\n"list.down" = "j"\n"list.up" = 7\n')
    config, warnings = load_config()
    assert dict(config.keys) == {"list.down": "j"} and len(warnings) == 1


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("theme = \n", "not valid TOML"),
        ('theme = "unclosed\n', "not valid TOML"),
        ("[keys\n", "not valid TOML"),
        (b"theme = '\xff\xfe'\n", "not UTF-8"),
    ],
)
def test_unparsable_file_gives_defaults_and_is_left_alone(
    config_home: Path, content: str | bytes, needle: str
) -> None:
    path = _write(config_home, content)
    before = path.read_bytes()
    config, warnings = load_config()
    assert len(warnings) == 1 and needle in warnings[0]
    assert (config.theme, config.default_sort, dict(config.keys)) == (
        Config().theme,
        Config().default_sort,
        {},
    )
    assert path.read_bytes() == before


def test_bom_is_accepted(config_home: Path) -> None:
    _write(config_home, "\ufefftheme = 'nord'\n")
    assert load_config()[0].theme == "nord"


def test_unwritable_location_warns(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    config, warnings = load_config(blocker / "sub" / "config.toml")
    assert config == Config() and len(warnings) == 1 and "could not create" in warnings[0]


def test_default_text_is_valid_toml() -> None:
    data = tomllib.loads(DEFAULT_CONFIG_TEXT)
    assert data["default_sort"] == "date-desc" and data["keys"] == {}


def test_unknown_binding_ids() -> None:
    config = Config(keys={"list.down": "j", "list.nope": "x"})
    assert unknown_binding_ids(config, {"list.down"}) == [
        '[keys] "list.nope" is not a binding of newsdeck; ignored'
    ]
