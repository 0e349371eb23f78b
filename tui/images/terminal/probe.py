"""Which image protocol this process's terminal speaks: asked of the terminal itself, once.

Why here and not at import: under ``newsdeck serve ssh`` a warm zygote imports the app
before a session's child takes over its pty, so anything decided at import would be the
zygote's (its log file) answer. :func:`detect` is called by the session process once it
owns its terminal and before Textual starts its input thread (which would swallow the
replies), on that process's own fds; the result is kept for the process.

The query: kitty's graphics query (``a=q``: a kitty-protocol terminal answers ``OK``),
the cell size in pixels (``CSI 16 t``), then primary device attributes (``CSI c``),
which every terminal answers. The DA1 reply comes last, so the read ends as soon as it
arrives; the timeout only matters for a terminal that answers nothing. Sixel is
attribute 4 in the DA1 reply. A terminal with both (WezTerm, Konsole: they answer the
kitty query but draw no unicode placeholders) gets sixel; kitty and Ghostty, without
sixel, get kitty. Inside tmux the kitty query goes through passthrough when tmux allows
it (``allow-passthrough``); otherwise tmux would answer for itself: half-blocks.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import termios
import time
import tty
from collections.abc import Mapping
from dataclasses import dataclass

#: ``image_protocol`` values (the config's contract).
PROTOCOLS = ("auto", "kitty", "sixel", "halfblocks")
#: Seconds to wait for a silent terminal.
QUERY_TIMEOUT = 0.5
KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
CELL_QUERY = "\x1b[16t"
DA1_QUERY = "\x1b[c"

_DA1 = re.compile(r"\x1b\[\?([0-9;]*)c")
_KITTY_OK = re.compile(r"\x1b_Gi=31;OK\x1b\\")
_CELL = re.compile(r"\x1b\[6;(\d+);(\d+)t")


@dataclass(frozen=True, slots=True)
class Terminal:
    """What the session's terminal can show, and how to reach it.

    ``tmux_passthrough``: wrap graphics in tmux's passthrough DCS.
    ``cell`` is the cell size in pixels when the terminal said.
    """

    protocol: str
    cell: tuple[int, int] | None = None
    tmux_passthrough: bool = False

    def wrap(self, data: str) -> str:
        """Graphics bytes as they must be written (through tmux when inside it)."""
        if not self.tmux_passthrough or not data:
            return data
        return "\x1bPtmux;" + data.replace("\x1b", "\x1b\x1b") + "\x1b\\"


@dataclass(frozen=True, slots=True)
class Reply:
    """What the terminal answered to :func:`query_terminal`."""

    kitty: bool = False
    sixel: bool = False
    cell: tuple[int, int] | None = None
    answered: bool = False


def parse_reply(data: str) -> Reply:
    """Read the replies to the kitty query, ``CSI 16 t`` and DA1 out of ``data``."""
    da1 = _DA1.search(data)
    sixel = bool(da1) and "4" in (da1.group(1).split(";") if da1 else [])
    cell_match = _CELL.search(data)
    cell = None
    if cell_match:
        height, width = int(cell_match.group(1)), int(cell_match.group(2))
        if width > 0 and height > 0:
            cell = (width, height)
    return Reply(bool(_KITTY_OK.search(data)), sixel, cell, bool(da1))


def query_terminal(
    fd_in: int, fd_out: int, *, passthrough: bool = False, timeout: float = QUERY_TIMEOUT
) -> Reply:
    """Ask the terminal on ``fd_in``/``fd_out`` (a tty) and read its replies.

    The tty is in cbreak mode without echo while we read, and restored after.
    """
    kitty = KITTY_QUERY
    if passthrough:
        kitty = "\x1bPtmux;" + kitty.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    saved = termios.tcgetattr(fd_in)
    data = b""
    try:
        tty.setcbreak(fd_in, termios.TCSANOW)
        os.write(fd_out, (kitty + CELL_QUERY + DA1_QUERY).encode())
        deadline = time.monotonic() + timeout
        while not _DA1.search(data.decode("latin-1")):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([fd_in], [], [], left)
            if not ready:
                break
            chunk = os.read(fd_in, 1024)
            if not chunk:
                break
            data += chunk
    finally:
        termios.tcsetattr(fd_in, termios.TCSANOW, saved)
    return parse_reply(data.decode("latin-1"))


def tmux_passthrough_on() -> bool:
    """Whether the tmux we run in lets graphics through (``allow-passthrough``)."""
    try:
        out = subprocess.run(
            ["tmux", "show", "-gv", "allow-passthrough"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return False
    return out in ("on", "all")


def choose(
    setting: str, reply: Reply | None, *, tmux: bool = False, passthrough: bool = False
) -> str:
    """The protocol for ``image_protocol = setting`` and what the terminal answered."""
    if setting in ("kitty", "sixel", "halfblocks"):
        return setting
    if reply is None:
        return "halfblocks"
    if tmux:
        return "kitty" if passthrough and reply.kitty else "halfblocks"
    if reply.sixel:
        return "sixel"
    if reply.kitty:
        return "kitty"
    return "halfblocks"


_detected: Terminal | None = None


def detect(
    setting: str,
    *,
    env: Mapping[str, str] | None = None,
    fd_in: int = 0,
    fd_out: int = 1,
    web: bool = False,
) -> Terminal:
    """This process's :class:`Terminal`, asked once (later calls return the first answer).

    ``web`` (``serve web``, a browser) is half-blocks. A forced protocol still asks
    for the cell size. Nothing is asked when ``fd_in``/``fd_out`` are not a terminal.
    """
    global _detected
    if _detected is not None:
        return _detected
    env = os.environ if env is None else env
    tmux = bool(env.get("TMUX"))
    if web or setting == "halfblocks":
        _detected = Terminal("halfblocks")
        return _detected
    passthrough = tmux and tmux_passthrough_on()
    if tmux and not passthrough:
        # tmux would take the kitty query for a window title (APC) and answer DA1 for
        # itself: ask nothing (a forced protocol is still honoured, unwrapped).
        _detected = Terminal(choose(setting, None, tmux=True))
        return _detected
    reply: Reply | None = None
    if os.isatty(fd_in) and os.isatty(fd_out):
        try:
            reply = query_terminal(fd_in, fd_out, passthrough=passthrough)
        except (OSError, termios.error):
            reply = None
    protocol = choose(setting, reply, tmux=tmux, passthrough=passthrough)
    if tmux and protocol == "sixel" and setting == "auto":
        protocol = "halfblocks"
    cell = reply.cell if reply is not None else None
    _detected = Terminal(protocol, cell, tmux_passthrough=passthrough and protocol != "halfblocks")
    return _detected


def forget() -> None:
    """Ask again next time (tests)."""
    global _detected
    _detected = None


__all__ = [
    "CELL_QUERY",
    "DA1_QUERY",
    "KITTY_QUERY",
    "PROTOCOLS",
    "QUERY_TIMEOUT",
    "Reply",
    "Terminal",
    "choose",
    "detect",
    "forget",
    "parse_reply",
    "query_terminal",
    "tmux_passthrough_on",
]
