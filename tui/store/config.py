"""The user's settings: a commented TOML file created on first run.

The file lives in ``platformdirs.user_config_dir("newsdeck")/config.toml`` (or
``$NEWSDECK_CONFIG_DIR/config.toml``). A broken file never stops the app: every
bad or unknown value becomes a warning for the user and its default is used;
the user's file is never rewritten once it exists.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tui.images.limits import DEFAULT_CACHE_MB
from tui.paths import config_dir
from tui.search.sort import DEFAULT_SORT, SORTS

__all__ = [
    "DEFAULT_CONFIG_TEXT",
    "IMAGE_MODES",
    "IMAGE_PROTOCOLS",
    "Config",
    "config_path",
    "load_config",
    "unknown_binding_ids",
]

DEFAULT_THEME = "newsdeck-dark"
#: The reader's text column, in cells (0: as wide as the pane).
DEFAULT_READING_WIDTH = 80
#: ``images``: never fetch / fetch when the reader presses i / fetch for the opened article.
IMAGE_MODES = ("off", "ask", "auto")
DEFAULT_IMAGES = "ask"
#: ``image_protocol``: ask the terminal, or force one.
IMAGE_PROTOCOLS = ("auto", "kitty", "sixel", "halfblocks")
DEFAULT_IMAGE_PROTOCOL = "auto"
#: The tallest an image is drawn, in terminal rows.
DEFAULT_IMAGE_MAX_HEIGHT = 20

DEFAULT_CONFIG_TEXT = f"""\
# newsdeck settings. Delete this file to get the defaults (and these comments) back.
# A bad value is reported when newsdeck starts and its default is used instead.

# Colour theme: "newsdeck-dark", "newsdeck-light", or any built-in Textual theme
# (e.g. "nord", "gruvbox", "textual-dark").
theme = "{DEFAULT_THEME}"

# Order of the article list until you change it with the sort key (newsdeck then
# remembers your choice per directory). One of: {", ".join(SORTS)}.
default_sort = "{DEFAULT_SORT}"

# Mark an article read when it is opened in the reader. Moving the cursor over an
# article never marks it read.
mark_read_on_open = true

# Let Latin letters in the filter also match Chinese titles by their pinyin.
pinyin = true

# The widest the reader's text column gets, in terminal cells: lines of about 80
# read comfortably, and the column is centred in a wider pane. 0 = the whole pane.
reading_width = {DEFAULT_READING_WIDTH}

# With no article open, the reader previews the article under the list's cursor
# (once the cursor rests). A preview never marks the article read.
preview = true

# Pictures in the reader. Fetching an image tells its server who reads what, so:
# "off" never fetches, "ask" fetches the open article's images when you press i,
# "auto" fetches them when you open an article (never for a preview or the list).
images = "{DEFAULT_IMAGES}"

# How images are drawn: "auto" asks the terminal (kitty graphics, then sixel, else
# coloured half-blocks, which work everywhere); or force "kitty", "sixel" or "halfblocks".
image_protocol = "{DEFAULT_IMAGE_PROTOCOL}"

# Fetched images are kept in the cache folder up to this many megabytes (least
# recently used go first). 0 = keep none.
image_cache_mb = {DEFAULT_CACHE_MB}

# The tallest an image is drawn, in terminal rows (its width follows the text column).
image_max_height = {DEFAULT_IMAGE_MAX_HEIGHT}

# Fold copies of one text (the same article from several feeds, in either Chinese
# script, or cut short) into one list entry marked ×N. D switches it for the session.
fold_duplicates = true

# Key remaps: binding id = keys, comma-separated, in Textual's key names
# ("j", "down", "ctrl+d", "question_mark"). The ids are listed in the help screen (?).
[keys]
# "list.down" = "j,down"
# "list.up" = "k,up"
"""

_KNOWN = (
    "theme",
    "default_sort",
    "mark_read_on_open",
    "pinyin",
    "reading_width",
    "preview",
    "images",
    "image_protocol",
    "image_cache_mb",
    "image_max_height",
    "fold_duplicates",
    "keys",
)
_BINDING_ID = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")
_KEY = re.compile(r"[^\s,]+")


@dataclass(frozen=True, slots=True)
class Config:
    """Effective settings (defaults where the file said nothing or something bad)."""

    theme: str = DEFAULT_THEME
    default_sort: str = DEFAULT_SORT
    mark_read_on_open: bool = True
    pinyin: bool = True
    #: The reader's text column in cells (0: the whole pane).
    reading_width: int = DEFAULT_READING_WIDTH
    #: Preview the list's highlighted article in the reader while none is open.
    preview: bool = True
    #: When images are fetched: "off", "ask" (on i), "auto" (opened articles).
    images: str = DEFAULT_IMAGES
    #: "auto" (ask the terminal), "kitty", "sixel" or "halfblocks".
    image_protocol: str = DEFAULT_IMAGE_PROTOCOL
    #: The image cache folder's bound, in megabytes (0: keep none).
    image_cache_mb: int = DEFAULT_CACHE_MB
    #: The tallest an image is drawn, in terminal rows (at least 1).
    image_max_height: int = DEFAULT_IMAGE_MAX_HEIGHT
    #: Start with copies of one text folded into one list entry (``D`` switches it).
    fold_duplicates: bool = True
    #: binding id -> comma-separated keys: the mapping ``App.set_keymap`` takes.
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The file these came from (None when none could be read).
    path: Path | None = None


def config_path() -> Path:
    """Where the config file is (whether or not it exists yet)."""
    return config_dir() / "config.toml"


def write_default(path: Path) -> None:
    """Write the commented default file atomically (temp file + ``os.replace``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(DEFAULT_CONFIG_TEXT)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_config(path: Path | None = None, *, create: bool = True) -> tuple[Config, list[str]]:
    """Read the settings; return them and human-readable warnings. Never raises.

    A missing file is created with comments (when ``create``), unless another
    process created it first; a file that cannot be read or parsed gives the
    defaults plus a warning.
    """
    path = path if path is not None else config_path()
    warnings: list[str] = []
    if create and not path.exists():
        try:
            write_default(path)
        except OSError as exc:
            warnings.append(f"{path}: could not create the config file ({exc.strerror or exc})")
            return Config(), warnings
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(), warnings
    except OSError as exc:
        warnings.append(f"{path}: cannot be read ({exc.strerror or exc}); using defaults")
        return Config(), warnings
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        warnings.append(f"{path}: not UTF-8 text; using defaults")
        return Config(path=path), warnings
    except tomllib.TOMLDecodeError as exc:
        warnings.append(f"{path}: not valid TOML ({exc}); using defaults")
        return Config(path=path), warnings
    problems: list[str] = []
    config = _from_dict(data, problems, path)
    warnings.extend(f"{path}: {w}" for w in problems)
    return config, warnings


def _from_dict(data: dict[str, Any], warnings: list[str], path: Path) -> Config:
    for key in data:
        if key not in _KNOWN:
            warnings.append(f'unknown setting "{key}" ignored (known: {", ".join(_KNOWN)})')
    theme = DEFAULT_THEME
    if "theme" in data:
        value = data["theme"]
        if isinstance(value, str) and value.strip():
            theme = value.strip()
        else:
            warnings.append(f"theme must be a theme name in quotes; using {DEFAULT_THEME!r}")
    default_sort = DEFAULT_SORT
    if "default_sort" in data:
        value = data["default_sort"]
        if isinstance(value, str) and value.strip().lower() in SORTS:
            default_sort = value.strip().lower()
        else:
            warnings.append(
                f"default_sort {value!r} is not one of {', '.join(SORTS)}; using {DEFAULT_SORT!r}"
            )
    flags = {}
    for name in ("mark_read_on_open", "pinyin", "preview", "fold_duplicates"):
        flags[name] = True
        if name in data:
            if isinstance(data[name], bool):
                flags[name] = data[name]
            else:
                warnings.append(f"{name} must be true or false, not {data[name]!r}; using true")
    reading_width = DEFAULT_READING_WIDTH
    if "reading_width" in data:
        value = data["reading_width"]
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            reading_width = value
        else:
            warnings.append(
                f"reading_width must be a whole number of cells, 0 or more, not {value!r};"
                f" using {DEFAULT_READING_WIDTH}"
            )
    images = _choice(data, "images", IMAGE_MODES, DEFAULT_IMAGES, warnings)
    image_protocol = _choice(
        data, "image_protocol", IMAGE_PROTOCOLS, DEFAULT_IMAGE_PROTOCOL, warnings
    )
    image_cache_mb = _whole(data, "image_cache_mb", 0, DEFAULT_CACHE_MB, "megabytes", warnings)
    image_max_height = _whole(
        data, "image_max_height", 1, DEFAULT_IMAGE_MAX_HEIGHT, "rows", warnings
    )
    keys = _keys(data.get("keys", {}), warnings)
    return Config(
        theme=theme,
        default_sort=default_sort,
        mark_read_on_open=flags["mark_read_on_open"],
        pinyin=flags["pinyin"],
        reading_width=reading_width,
        preview=flags["preview"],
        images=images,
        image_protocol=image_protocol,
        image_cache_mb=image_cache_mb,
        image_max_height=image_max_height,
        fold_duplicates=flags["fold_duplicates"],
        keys=MappingProxyType(keys),
        path=path,
    )


def _choice(
    data: dict[str, Any], name: str, choices: tuple[str, ...], default: str, warnings: list[str]
) -> str:
    """A setting that is one of ``choices`` (case and spaces forgiven), else the default."""
    if name not in data:
        return default
    value = data[name]
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    warnings.append(f"{name} {value!r} is not one of {', '.join(choices)}; using {default!r}")
    return default


def _whole(
    data: dict[str, Any], name: str, least: int, default: int, unit: str, warnings: list[str]
) -> int:
    """A whole number of ``unit`` no smaller than ``least``, else the default."""
    if name not in data:
        return default
    value = data[name]
    if isinstance(value, int) and not isinstance(value, bool) and value >= least:
        return value
    warnings.append(
        f"{name} must be a whole number of {unit}, {least} or more, not {value!r}; using {default}"
    )
    return default


def _keys(table: object, warnings: list[str]) -> dict[str, str]:
    """Validate ``[keys]``: ids -> "a,b" (a TOML list of key names is accepted too)."""
    if not isinstance(table, dict):
        warnings.append("[keys] must be a table of binding id = keys; ignored")
        return {}
    keys: dict[str, str] = {}
    for binding_id, value in table.items():
        if not _BINDING_ID.fullmatch(binding_id):
            warnings.append(f"[keys] {binding_id!r} is not a binding id (like list.down); ignored")
            continue
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts = [v.strip() for v in value]
        elif isinstance(value, str):
            parts = [v.strip() for v in value.split(",")]
        else:
            warnings.append(f'[keys] "{binding_id}" must be keys in quotes, like "j,down"; ignored')
            continue
        if not parts or not all(_KEY.fullmatch(p) for p in parts):
            warnings.append(
                f'[keys] "{binding_id}" = {value!r} is not a comma-separated list of keys; ignored'
            )
            continue
        keys[binding_id] = ",".join(parts)
    return keys


def unknown_binding_ids(config: Config, known: set[str]) -> list[str]:
    """Warnings for remapped ids the app does not have (the app passes its binding ids)."""
    return [
        f'[keys] "{binding_id}" is not a binding of newsdeck; ignored'
        for binding_id in config.keys
        if binding_id not in known
    ]
