"""Images under ``newsdeck serve ssh``, through the real OpenSSH client: each session gets what
its own terminal draws, on its own channel, at the same time.

Two ``ssh -tt`` clients run in ptys this test drives as their terminals. One answers like
kitty (the graphics query ``a=q`` with ``OK``, the cell size, DA1 without sixel); the
other like a plain terminal (DA1 without sixel, silence to the kitty query). The server
runs with ``images = "auto"``, the article's ``<img>`` points at the loopback image server,
and both readers open it. The kitty session must receive kitty graphics APCs (transmit
and placement) and no half-blocks; the plain one half-blocks (``▀``) and no APC but the
query the probe itself sends. Nothing of either may reach the server's own stdout, and
the preview (before Enter) fetches nothing.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.image_server import ImageServer, image_server
from tests.locations import REPO
from tests.serve.test_serve_ssh import PY, _ensure_tool, free_port, keygen, wait_until

__all__ = ["image_server"]  # the fixture, used by argument name

KITTY_QUERY = "\x1b_Gi=31,s=1,v=1,a=q"
DA1 = "\x1b[c"
CELL = "\x1b[16t"
HALF = "▀"
TITLE = "Test card over SSH"


@dataclass
class Terminal:
    """The far end of one ``ssh -tt``: collects what the session writes, answers its queries."""

    name: str
    kitty: bool
    master: int
    proc: subprocess.Popen[bytes]
    out: bytearray = field(default_factory=bytearray)
    answered: list[str] = field(default_factory=list)
    _scanned: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._pump, daemon=True).start()

    def text(self) -> str:
        return bytes(self.out).decode("utf-8", errors="replace")

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def stop(self) -> None:
        self._stop.set()

    def _pump(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if not ready:
                    continue
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.out += chunk
            self._answer()

    def _answer(self) -> None:
        """Reply to each query once, in the order they were written."""
        text = bytes(self.out).decode("latin-1")
        while True:
            found = [
                (text.find(q, self._scanned), q)
                for q in (KITTY_QUERY, CELL, DA1)
                if text.find(q, self._scanned) != -1
            ]
            if not found:
                return
            at, query = min(found)
            self._scanned = at + len(query)
            if query == KITTY_QUERY and self.kitty:
                self.send("\x1b_Gi=31;OK\x1b\\")
            elif query == CELL and self.kitty:
                self.send("\x1b[6;20;10t")
            elif query == DA1:
                self.send("\x1b[?62;22c")  # VT220-ish, no sixel (4)
            else:
                continue
            self.answered.append(query)


def _seeds(root: Path, image_url: str) -> Path:
    root.mkdir()
    (root / "card.txt").write_text(
        "---\n"
        f"title: '{TITLE}'\n"
        "author: Loopback\n"
        "date: Sat, 02 Sep 2023 14:05:11 GMT\n"
        "---\n\n"
        "<p>Before the picture.</p>\n"
        f'<figure><img src="{image_url}" alt="A red and blue test card"></figure>\n'
        "<p>After the picture.</p>\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def images_server(image_server: ImageServer, tmp_path: Path) -> Iterator[tuple[Path, Path, int]]:
    """``newsdeck serve ssh`` on a one-article seeds dir with ``images = "auto"``."""
    _ensure_tool("ssh", "openssh-client")
    # a bigger picture than /img.png, so both protocols have plenty to send
    from tests.image_server import image_bytes

    url = image_server.add("/card.png", image_bytes("PNG", size=(320, 200)))
    seeds = _seeds(tmp_path / "seeds", url)
    key = keygen(tmp_path / "alice")
    authorized = tmp_path / "authorized_keys"
    authorized.write_text(key.with_suffix(".pub").read_text())
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('images = "auto"\n', encoding="utf-8")
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "NEWSDECK_DATA_DIR": str(tmp_path / "data"),
        "NEWSDECK_CACHE_DIR": str(tmp_path / "cache"),
        "NEWSDECK_CONFIG_DIR": str(config),
    }
    env.pop("COLORTERM", None)
    env.pop("TMUX", None)
    with log.open("wb") as log_out:
        proc = subprocess.Popen(
            [
                *(PY, "-m", "tui", "serve", "ssh", str(seeds), "--port", str(port)),
                *("--authorized-keys", str(authorized), "--max-sessions", "4"),
            ],
            cwd=REPO,
            env=env,
            stdout=log_out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_until(
            lambda: "serving" in log.read_text(errors="replace") or proc.poll() is not None,
            20,
            "server",
        )
        assert proc.poll() is None, log.read_text(errors="replace")
        yield key, log, port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _connect(name: str, kitty: bool, key: Path, port: int) -> Terminal:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in {"TMUX", "COLORTERM", "TERM_PROGRAM"}}
    env["TERM"] = "xterm-256color"
    args = ["ssh", "-tt", "-i", str(key), "-p", str(port)]
    for option in (
        "StrictHostKeyChecking=no",
        "UserKnownHostsFile=/dev/null",
        "IdentitiesOnly=yes",
        "BatchMode=yes",
        "ConnectTimeout=10",
        "LogLevel=ERROR",
    ):
        args += ["-o", option]
    proc = subprocess.Popen(
        [*args, "alice@127.0.0.1"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    terminal = Terminal(name, kitty, master, proc)
    terminal.start()
    return terminal


def _kitty_commands(text: str) -> int:
    """Kitty graphics APCs other than the probe's own query."""
    return text.count("\x1b_G") - text.count(KITTY_QUERY)


def test_each_session_gets_its_own_terminals_protocol(
    images_server: tuple[Path, Path, int], image_server: ImageServer
) -> None:
    key, log, port = images_server
    kitty = _connect("kitty", True, key, port)
    plain = _connect("plain", False, key, port)
    sessions = (kitty, plain)
    try:
        wait_until(lambda: all(TITLE in s.text() for s in sessions), 30, "the list in both")
        # each was asked, in its own session process, and answered before Textual read input
        assert kitty.answered[:3] == [KITTY_QUERY, CELL, DA1], kitty.answered
        assert plain.answered[:1] == [DA1], plain.answered
        time.sleep(1.0)  # the preview has had time to show the article
        assert image_server.count("/card.png") == 0  # a preview never fetches
        for session in sessions:
            session.send("\r")  # open the article: "auto" loads its images
        wait_until(lambda: "\x1b_Ga=p,U=1" in kitty.text(), 30, "kitty placement")
        # the placeholder cells come with the next screen update, after the graphics
        wait_until(lambda: "\U0010eeee" in kitty.text(), 10, "kitty placeholder cells")
        wait_until(lambda: plain.text().count(HALF) >= 100, 30, "half-blocks in plain")
        assert image_server.count("/card.png") >= 1
        k_text, p_text = kitty.text(), plain.text()
        assert "\x1b_Ga=t,f=100" in k_text  # the picture transmitted (PNG, chunked)
        assert k_text.count(HALF) < 20, "the kitty session got half-blocks"
        assert _kitty_commands(p_text) == 0, "the plain session got kitty graphics"
        assert "\U0010eeee" not in p_text
        for session in sessions:
            session.send("q")
        for session in sessions:
            session.proc.wait(timeout=20)
            assert session.proc.returncode == 0, session.text()[-500:]
    finally:
        for session in sessions:
            session.stop()
            if session.proc.poll() is None:
                session.proc.kill()
                session.proc.wait(timeout=5)
            os.close(session.master)
    server_out = log.read_text(errors="replace")
    assert "\x1b_G" not in server_out and HALF not in server_out  # never the server's stdout
    assert server_out.count("login alice from 127.0.0.1") == 2
