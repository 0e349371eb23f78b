"""Article images: fetch (http(s) only, bounded), decode (pixels checked first), cache.

Nothing here fetches on its own: the app asks for an image when the reader asked for it
(``i``, or ``images = "auto"`` on an opened article). ``tui.images.terminal`` turns a
decoded picture into what a terminal draws.

The store (Pillow, http.client, ssl) loads on first use of a name that needs it, so the
config module can take ``DEFAULT_CACHE_MB`` without every command paying for Pillow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tui.images.limits import DEFAULT_CACHE_MB, REASONS, ImageFailure, ImageLimits
from tui.paths import image_cache_dir

if TYPE_CHECKING:
    from tui.images.store import ImageResult, ImageStore

__all__ = [
    "DEFAULT_CACHE_MB",
    "REASONS",
    "ImageFailure",
    "ImageLimits",
    "ImageResult",
    "ImageStore",
    "image_cache_dir",
]

_LAZY = {"ImageResult": "tui.images.store", "ImageStore": "tui.images.store"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
