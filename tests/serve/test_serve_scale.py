"""``newsdeck serve ssh`` with many readers: forked sessions, the session limit, the zygote.

Real OpenSSH clients (inside tmux, to read the screen) against ``python -m tui serve ssh``
on loopback, as in :mod:`tests.serve.test_serve_ssh`: sessions are forked from the warm
zygote, reading state stays per SSH user, one client past ``--max-sessions`` is told the
server is busy while the others go on, and a zygote killed under the server neither
ends the sessions it forked nor stops new ones.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.locations import REPO
from tests.serve.test_serve_ssh import (
    PY,
    SAMPLES,
    Server,
    Tmux,
    _ensure_tool,
    _titles,
    free_port,
    keygen,
    wait_until,
)

pytest.importorskip("asyncssh")


def start(tmp: Path, *extra: str) -> Server:
    """A server on the samples (its own data directory), sessions forked unless told."""
    _ensure_tool("ssh", "openssh-client")
    _ensure_tool("tmux", "tmux")
    key = keygen(tmp / "alice")
    other = keygen(tmp / "mallory")
    authorized = tmp / "authorized_keys"
    authorized.write_text(key.with_suffix(".pub").read_text())
    data = tmp / "data"
    port = free_port()
    log = tmp / "server.log"
    env = {**os.environ, "NEWSDECK_DATA_DIR": str(data), "NEWSDECK_CACHE_DIR": str(tmp / "cache")}
    env.pop("COLORTERM", None)
    with log.open("wb") as out:
        command = [PY, "-m", "tui", "serve", "ssh", str(SAMPLES), "--port", str(port),
                   "--authorized-keys", str(authorized), *extra]  # fmt: skip
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = Server(port, key, other, log, data, proc)
    wait_until(lambda: "zygote ready" in server.log_text() or proc.poll() is not None, 60, "zygote")
    assert proc.poll() is None, server.log_text()
    return server


def stop(server: Server) -> None:
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait(timeout=5)


@pytest.fixture
def tmuxes(tmp_path: Path) -> Iterator[list[Tmux]]:
    """Tmux servers to kill at the end, whatever happened."""
    made: list[Tmux] = []
    yield made
    for tmux in made:
        tmux.kill()


def open_reader(server: Server, tmp: Path, tmuxes: list[Tmux], user: str = "alice") -> Tmux:
    args = [a.replace("alice@", f"{user}@") for a in server.ssh_args("-tt")]
    command = " ".join(args) + "; echo SSH-EXIT=$?; sleep 30"
    tmux = Tmux(tmp / f"tmux-{len(tmuxes)}.sock", command, 100, 30)
    tmuxes.append(tmux)
    return tmux


def quit_reader(tmux: Tmux) -> str:
    """Leave the filter and quit (keys apart: Esc then ``q`` at once would be alt+q)."""
    for key in ("Escape", "Escape", "q"):
        tmux.keys(key)
        time.sleep(0.3)
    return tmux.wait_for("SSH-EXIT=")


def zygote_pid(server: Server) -> int:
    found = re.findall(r"session zygote ready \(pid (\d+)", server.log_text())
    assert found, server.log_text()
    return int(found[-1])


def starred(data: Path, user: str) -> int:
    """How many of the samples ``user`` has starred, from their own state file."""
    from tui.files.scan import scan
    from tui.store.state import StateStore, state_path

    os.environ["NEWSDECK_DATA_DIR"] = str(data)
    try:
        path = state_path(user)
        if not path.exists():
            return 0
        with StateStore(path, readonly=True) as store:
            return sum(store.is_starred(a) for a in scan(SAMPLES) if a.ok)
    finally:
        del os.environ["NEWSDECK_DATA_DIR"]


def test_forked_session_shows_list_and_state_stays_per_user(
    tmp_path: Path, tmuxes: list[Tmux]
) -> None:
    server = start(tmp_path)
    total = len(_titles())
    try:
        alice = open_reader(server, tmp_path, tmuxes, "alice")
        alice.wait_for(f"{total} articles")
        alice.keys("f")  # star the highlighted article
        time.sleep(0.5)
        alice.keys("q")
        assert "SSH-EXIT=0" in alice.wait_for("SSH-EXIT=")
        bob = open_reader(server, tmp_path, tmuxes, "bob")
        bob.wait_for(f"{total} articles")
        bob.keys("q")
        assert "SSH-EXIT=0" in bob.wait_for("SSH-EXIT=")
        log = server.log_text()
        assert re.search(r"session alice: pid \d+ \(forked\)", log), log
        assert re.search(r"session bob: pid \d+ \(forked\)", log), log
    finally:
        stop(server)
    assert starred(server.data, "alice") == 1
    assert starred(server.data, "bob") == 0


def test_past_max_sessions_busy_and_others_untouched(tmp_path: Path, tmuxes: list[Tmux]) -> None:
    server = start(tmp_path, "--max-sessions", "2")
    total = len(_titles())
    try:
        readers = [open_reader(server, tmp_path, tmuxes) for _ in range(2)]
        for reader in readers:
            reader.wait_for(f"{total} articles")
        refused = subprocess.run(
            server.ssh_args("-tt"),
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert refused.returncode == 1
        said = (refused.stdout + refused.stderr).strip()
        assert "busy, 2 readers connected, try again" in said
        assert len(said.splitlines()) == 1, said
        # The readers already in go on as if nothing happened.
        first = readers[0]
        first.keys("/")
        time.sleep(0.3)
        first.keys("-l", "Moon")
        first.wait_for(f"1 of {total} articles")
        for reader in readers:
            assert "SSH-EXIT=0" in quit_reader(reader)
    finally:
        stop(server)
    assert "refused session for alice" in server.log_text()


def test_zygote_death_keeps_sessions_and_new_ones_start(tmp_path: Path, tmuxes: list[Tmux]) -> None:
    server = start(tmp_path)
    total = len(_titles())
    try:
        before = open_reader(server, tmp_path, tmuxes)
        before.wait_for(f"{total} articles")
        first = zygote_pid(server)
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: "session zygote (pid" in server.log_text(), 10, "the loss logged")
        # A session right after the loss starts anyway (spawned, or from a new zygote).
        after = open_reader(server, tmp_path, tmuxes)
        after.wait_for(f"{total} articles", timeout=60)
        # The session the dead zygote forked still answers keys.
        before.keys("/")
        time.sleep(0.3)
        before.keys("-l", "Moon")
        before.wait_for(f"1 of {total} articles")
        # A new zygote takes over, and forks the next session.
        wait_until(lambda: zygote_pid(server) != first, 60, "a new zygote")
        again = open_reader(server, tmp_path, tmuxes)
        again.wait_for(f"{total} articles", timeout=30)
        for reader in (before, after, again):
            quit_reader(reader)
        log = server.log_text()
        assert len(re.findall(r"session alice: pid \d+ \(forked\)", log)) >= 2, log
    finally:
        stop(server)
    assert server.proc.returncode == 0
