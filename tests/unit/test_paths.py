"""Every folder newsdeck uses comes from tui.paths: overrides win, bundled folders are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.locations import REPO
from tui import paths


@pytest.mark.parametrize(
    ("function", "variable"),
    [
        (paths.cache_dir, paths.ENV_CACHE_DIR),
        (paths.data_dir, paths.ENV_DATA_DIR),
        (paths.config_dir, paths.ENV_CONFIG_DIR),
    ],
)
def test_environment_overrides_each_user_folder(
    function: object, variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert callable(function)
    monkeypatch.setenv(variable, str(tmp_path / "here"))
    assert function() == tmp_path / "here"
    monkeypatch.setenv(variable, "~/elsewhere")
    assert function() == Path("~/elsewhere").expanduser()


def test_without_overrides_user_folders_are_distinct_and_named_for_newsdeck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in (paths.ENV_CACHE_DIR, paths.ENV_DATA_DIR, paths.ENV_CONFIG_DIR):
        monkeypatch.delenv(variable, raising=False)
    folders = [paths.cache_dir(), paths.data_dir(), paths.config_dir()]
    assert len(set(folders)) == 3
    assert all("newsdeck" in folder.parts for folder in folders)


def test_bundled_folders_are_the_checkouts() -> None:
    assert paths.sample_seeds_dir() == REPO / "sample_seeds"
    assert paths.styles_dir() == REPO / "styles"
    assert (paths.styles_dir() / "newsdeck.tcss").is_file()
    assert any(paths.sample_seeds_dir().iterdir())
