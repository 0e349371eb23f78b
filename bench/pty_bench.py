"""What one keystroke costs on the wire: bytes the app writes to its terminal.

Over SSH on a slow link every redraw byte is latency, so this runs the real
``python -m tui ROOT`` on a pseudo-terminal at 120x36 with ``TERM=xterm-256color``
and no ``COLORTERM`` (what a plain ``ssh -t`` session looks like) and counts what
comes out of the pty master:

- ``startup_bytes``: the first full paint, until the output goes quiet;
- ``cursor_move_bytes``: one ``j`` in the article list (median of several);
- ``filter_key_bytes``: one letter typed into the filter box (median of several),
  counted before the input cursor's next blink;
- ``blink_bytes``: one cursor blink of the focused filter box (periodic output
  while the reader sits idle in the filter);
- ``*_repeat_bytes``: of those, bytes that repainted a line segment with exactly
  the bytes it already had (same cursor position, same styles, same text): the
  needless part of the redraw.

Usage: ``python bench/pty_bench.py [DIR]`` (default: the bundled samples).
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
from pathlib import Path

WIDTH, HEIGHT = 120, 36
REPEATS = 5
#: The filter box's cursor blinks every 0.5 s after a key; count what comes before that.
BLINK_WINDOW_S = 0.45
_CUP = re.compile(rb"\x1b\[(\d+);(\d+)H")


class Screen:
    """Remembers the bytes last painted at each cursor position, to spot repaints.

    Textual writes each changed strip as ``CSI row;col H`` followed by styled text;
    a segment identical to the previous one at the same position changed nothing.
    """

    def __init__(self) -> None:
        self.segments: dict[tuple[int, int], bytes] = {}

    def feed(self, data: bytes) -> int:
        """Record ``data``; return how many of its bytes repeated what was there."""
        repeat = 0
        marks = list(_CUP.finditer(data))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(data)
            segment = data[mark.end() : end]
            if not segment.strip(b"\r\n"):
                continue  # a bare cursor move (end of strip, input cursor)
            key = (int(mark.group(1)), int(mark.group(2)))
            if self.segments.get(key) == segment:
                repeat += end - mark.start()
            self.segments[key] = segment
        return repeat


class PtyApp:
    """``python -m tui ROOT`` on a pty of its own, read without blocking."""

    def __init__(self, root: Path) -> None:
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
        self.screen = Screen()

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


def run(root: Path | str) -> dict[str, float]:
    """Measure the bytes of one cursor move and one filter keystroke on ``root``."""
    app = PtyApp(Path(root))
    results: dict[str, float] = {}
    try:
        started = time.monotonic()
        first, _ = app.read(60.0, until_quiet=1.5)
        results["startup_bytes"] = float(first)
        results["startup_s"] = time.monotonic() - started - 1.5

        moves = [app.press(b"j", 2.0, until_quiet=0.3) for _ in range(REPEATS)]
        results["cursor_move_bytes"] = statistics.median(m[0] for m in moves)
        results["cursor_move_repeat_bytes"] = statistics.median(m[1] for m in moves)

        app.press(b"/", 2.0, until_quiet=0.6)
        app.read(1.2)  # let a blink or two pass, so what follows starts on a fresh cycle
        keys = []
        for letter in b"ceaor"[:REPEATS]:
            keys.append(app.press(bytes([letter]), BLINK_WINDOW_S))
            app.read(1.2)  # the filter settles; blinks go by uncounted
        results["filter_key_bytes"] = statistics.median(k[0] for k in keys)
        results["filter_key_repeat_bytes"] = statistics.median(k[1] for k in keys)
        # Idle in the focused filter: exactly what the blink timer writes per tick.
        blinks = [app.read(0.5)[0] for _ in range(4)]
        results["blink_bytes"] = statistics.median(b for b in blinks if b) if any(blinks) else 0.0
    finally:
        app.close()
    return results


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "sample_seeds"
    print(json.dumps(run(root), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
