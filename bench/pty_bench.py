"""What one keystroke costs on the wire: bytes the app writes to its terminal.

Over SSH on a slow link every redraw byte is latency, so this runs the real
``python -m tui ROOT`` on a pseudo-terminal at 120x36 with ``TERM=xterm-256color``
and no ``COLORTERM`` (what a plain ``ssh -t`` session looks like) and counts what
comes out of the pty master:

- ``startup_bytes``: the first full paint, until the output goes quiet;
- ``cursor_move_bytes``: one ``j`` in the article list (median of several),
  counted until the output rests, so it includes the reader's preview of the
  newly highlighted article (drawn once the cursor rests, ~0.15 s);
- ``held_move_bytes``: per key, ``j`` held down (:data:`HELD_KEYS` presses
  :data:`HELD_INTERVAL_S` apart, like a keyboard's auto-repeat) and everything
  written until the output rests: the list's moves plus the one preview at the end;
- ``filter_key_bytes``: one letter typed into the filter box (median of several),
  counted before the input cursor's next blink;
- ``blink_bytes``: one cursor blink of the focused filter box (periodic output
  while the reader sits idle in the filter);
- ``*_repeat_bytes``: of those, bytes that repainted a line segment with exactly
  the bytes it already had (same cursor position, same styles, same text): the
  needless part of the redraw;
- ``*_regions``: the same bytes (mean per key) by the widget that drew them
  (``article-view:scrollbar``, ``sidebar-body``, ...), from a map of which
  widget covers each cell, taken from a headless run of the app at the same
  size on the same directory; bytes before the first cursor move are ``other``.

Textual 8.2.8 does not diff against what the terminal shows: a refreshed region
is re-sent whole, as one span per line from its left to its right edge
(segment-aligned), whatever changed. So bytes follow refresh regions.

Usage: ``python bench/pty_bench.py [DIR] [--size WxH]`` (default: the bundled
samples at 120x36).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections import Counter
from pathlib import Path

WIDTH, HEIGHT = 120, 36
REPEATS = 5
#: A held key: this many presses, this far apart (auto-repeat is ~25-40 per second).
HELD_KEYS = 20
HELD_INTERVAL_S = 0.033
#: The filter box's cursor blinks every 0.5 s after a key; count what comes before that.
BLINK_WINDOW_S = 0.45
_CUP = re.compile(rb"\x1b\[(\d+);(\d+)H")


class Screen:
    """Remembers the bytes last painted at each cursor position, to spot repaints.

    Textual writes each changed strip as ``CSI row;col H`` followed by styled text;
    a segment identical to the previous one at the same position changed nothing.
    """

    def __init__(self, cells: list[list[str]] | None = None) -> None:
        self.segments: dict[tuple[int, int], bytes] = {}
        #: The widget drawing each cell (row, column; 0-based), when known.
        self.cells = cells
        #: Bytes by widget since the last :meth:`take_regions`.
        self.regions: Counter[str] = Counter()

    def take_regions(self) -> Counter[str]:
        """The bytes by widget since the last call."""
        regions, self.regions = self.regions, Counter()
        return regions

    def _region(self, row: int, column: int) -> str:
        cells = self.cells
        if cells is None:
            return "all"
        if 0 < row <= len(cells) and 0 < column <= len(cells[row - 1]):
            return cells[row - 1][column - 1]
        return "other"

    def feed(self, data: bytes) -> int:
        """Record ``data``; return how many of its bytes repeated what was there."""
        repeat = 0
        marks = list(_CUP.finditer(data))
        self.regions["other"] += marks[0].start() if marks else len(data)
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(data)
            segment = data[mark.end() : end]
            key = (int(mark.group(1)), int(mark.group(2)))
            self.regions[self._region(*key)] += end - mark.start()
            if not segment.strip(b"\r\n"):
                continue  # a bare cursor move (end of strip, input cursor)
            if self.segments.get(key) == segment:
                repeat += end - mark.start()
            self.segments[key] = segment
        return repeat


class PtyApp:
    """``python -m tui ROOT`` on a pty of its own, read without blocking."""

    def __init__(self, root: Path, cells: list[list[str]] | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in {"COLORTERM", "COLUMNS", "LINES"}}
        env["TERM"] = "xterm-256color"
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", str(root)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(slave)
        self.screen = Screen(cells)

    def read(self, seconds: float, *, until_quiet: float | None = None) -> tuple[int, int]:
        """Collect output for ``seconds`` (or until ``until_quiet`` s without any).

        Returns (bytes, repeated bytes).
        """
        total = repeat = 0
        deadline = time.monotonic() + seconds
        last = time.monotonic()
        while True:
            now = time.monotonic()
            wait = deadline - now
            if until_quiet is not None:
                wait = min(wait, last + until_quiet - now)
            if wait <= 0:
                return total, repeat
            ready, _, _ = select.select([self.master], [], [], wait)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: the app has gone
                return total, repeat
            if not data:
                return total, repeat
            total += len(data)
            repeat += self.screen.feed(data)
            last = time.monotonic()

    def press(
        self, key: bytes, seconds: float, *, until_quiet: float | None = None
    ) -> tuple[int, int]:
        os.write(self.master, key)
        return self.read(seconds, until_quiet=until_quiet)

    def close(self) -> None:
        try:
            os.write(self.master, b"\x1b")
            time.sleep(0.3)
            os.write(self.master, b"q")
            self.read(1.0, until_quiet=0.5)
            self.proc.wait(timeout=3)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=3)
        finally:
            os.close(self.master)


def _take_terminal() -> None:
    """In the child, after setsid: make the pty the controlling terminal (for SIGWINCH)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def cell_owners(root: Path) -> list[list[str]] | None:
    """Which widget draws each cell at WIDTH x HEIGHT: the app run headless on ``root``.

    Named by the nearest id (``list``, ``sidebar-body``); scrollbars as
    ``<owner>:scrollbar``. None when the app cannot be run in-process.
    """
    import asyncio

    try:
        from textual.errors import NoWidget
        from textual.scrollbar import ScrollBar, ScrollBarCorner

        from tui.app.app import NewsdeckApp
    except ImportError:
        return None

    def name(widget: object) -> str:
        suffix = ":scrollbar" if isinstance(widget, ScrollBar | ScrollBarCorner) else ""
        node = getattr(widget, "parent", None) if suffix else widget
        while node is not None and getattr(node, "id", None) is None:
            node = getattr(node, "parent", None)
        owner = node.id if node is not None else type(widget).__name__
        return f"{owner}{suffix}" if node is not None else type(widget).__name__

    async def collect() -> list[list[str]]:
        app = NewsdeckApp(root)
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            for _ in range(100):  # until the scan is done
                await pilot.pause(0.1)
                if not getattr(app.screen, "scanning", False):
                    break
            await pilot.pause(0.3)
            cells = []
            for y in range(HEIGHT):
                row = []
                for x in range(WIDTH):
                    try:
                        widget, _ = app.screen.get_widget_at(x, y)
                    except NoWidget:
                        row.append("none")
                        continue
                    row.append(name(widget))
                cells.append(row)
            return cells

    return asyncio.run(collect())


def _mean_regions(samples: list[Counter[str]]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for sample in samples:
        total.update(sample)
    return {name: round(n / len(samples), 1) for name, n in total.most_common() if n}


def run(root: Path | str) -> dict[str, object]:
    """Measure the bytes of one cursor move and one filter keystroke on ``root``."""
    cells = cell_owners(Path(root))
    app = PtyApp(Path(root), cells)
    results: dict[str, object] = {}
    try:
        started = time.monotonic()
        first, _ = app.read(60.0, until_quiet=1.5)
        results["startup_bytes"] = float(first)
        results["startup_s"] = time.monotonic() - started - 1.5
        app.screen.take_regions()

        moves, move_regions = [], []
        for _ in range(REPEATS):
            moves.append(app.press(b"j", 2.0, until_quiet=0.3))
            move_regions.append(app.screen.take_regions())
        results["cursor_move_bytes"] = statistics.median(m[0] for m in moves)
        results["cursor_move_repeat_bytes"] = statistics.median(m[1] for m in moves)
        results["cursor_move_regions"] = _mean_regions(move_regions)

        held = 0
        for _ in range(HELD_KEYS):
            held += app.press(b"j", HELD_INTERVAL_S)[0]
        held += app.read(3.0, until_quiet=0.4)[0]
        results["held_move_bytes"] = round(held / HELD_KEYS, 1)
        results["held_move_regions"] = {
            name: round(n / HELD_KEYS, 1) for name, n in app.screen.take_regions().most_common()
        }

        app.press(b"/", 2.0, until_quiet=0.6)
        app.read(1.2)  # let a blink or two pass, so what follows starts on a fresh cycle
        keys, key_regions = [], []
        for letter in b"ceaor"[:REPEATS]:
            app.screen.take_regions()
            keys.append(app.press(bytes([letter]), BLINK_WINDOW_S))
            key_regions.append(app.screen.take_regions())
            app.read(1.2)  # the filter settles; blinks go by uncounted
        results["filter_key_bytes"] = statistics.median(k[0] for k in keys)
        results["filter_key_repeat_bytes"] = statistics.median(k[1] for k in keys)
        results["filter_key_regions"] = _mean_regions(key_regions)
        # Idle in the focused filter: what the blink timer writes per tick (the
        # median over the windows, so one late redraw of something else does not
        # pass for a blink; 0 when the cursor does not blink).
        app.read(1.5)
        blinks = [app.read(0.5)[0] for _ in range(4)]
        results["blink_bytes"] = statistics.median(blinks)
    finally:
        app.close()
    return results


def main(argv: list[str]) -> int:
    global WIDTH, HEIGHT
    args = list(argv)
    if "--size" in args:
        at = args.index("--size")
        WIDTH, HEIGHT = (int(n) for n in args[at + 1].lower().split("x"))
        del args[at : at + 2]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "sample_seeds"
    print(json.dumps({"size": f"{WIDTH}x{HEIGHT}", **run(root)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
