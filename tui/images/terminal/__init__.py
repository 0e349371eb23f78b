"""Images on the terminal: which protocol this session's terminal speaks (:mod:`.probe`)
and the encoders for each (:mod:`.encode`). Nothing here writes to a stream: callers
send the bytes through their own output (the app's driver, the CLI's stdout)."""

from __future__ import annotations

from tui.images.terminal.encode import (
    DEFAULT_CELL,
    HALF,
    KITTY_PLACEHOLDER,
    Encoded,
    fit_cells,
    halfblocks,
    kitty,
    kitty_delete,
    next_kitty_id,
    sixel,
)
from tui.images.terminal.probe import PROTOCOLS, Reply, Terminal, choose, detect, parse_reply

__all__ = [
    "DEFAULT_CELL",
    "HALF",
    "KITTY_PLACEHOLDER",
    "PROTOCOLS",
    "Encoded",
    "Reply",
    "Terminal",
    "choose",
    "detect",
    "fit_cells",
    "halfblocks",
    "kitty",
    "kitty_delete",
    "next_kitty_id",
    "parse_reply",
    "sixel",
]
