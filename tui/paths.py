"""Every folder newsdeck reads or writes outside a seeds directory, in one place.

User folders follow the platform (``platformdirs``); each has an environment
override so tests and several servers on one machine can keep them apart.
The bundled ``sample_seeds/`` and ``styles/`` live inside the wheel when
installed and beside the package in a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_CACHE_DIR = "NEWSDECK_CACHE_DIR"
ENV_DATA_DIR = "NEWSDECK_DATA_DIR"
ENV_CONFIG_DIR = "NEWSDECK_CONFIG_DIR"

_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """Index databases (rebuildable): ``$NEWSDECK_CACHE_DIR``, else the user cache folder."""
    override = os.environ.get(ENV_CACHE_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("newsdeck"))


def image_cache_dir() -> Path:
    """Fetched article images (``images/`` in the cache folder): rebuildable, size-bounded."""
    return cache_dir() / "images"


def data_dir() -> Path:
    """Reading state and the SSH host key: ``$NEWSDECK_DATA_DIR``, else the user data folder."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsdeck", appauthor=False))


def config_dir() -> Path:
    """``config.toml``: ``$NEWSDECK_CONFIG_DIR``, else the user config folder."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("newsdeck", appauthor=False))


def _bundled(name: str) -> Path:
    """A folder shipped with newsdeck: inside the wheel, else beside the package in a checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


def sample_seeds_dir() -> Path:
    """The bundled ``sample_seeds/``: what ``newsdeck`` opens without a directory."""
    return _bundled("sample_seeds")


def styles_dir() -> Path:
    """The bundled Textual CSS."""
    return _bundled("styles")
