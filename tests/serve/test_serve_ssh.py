"""``newsdeck serve ssh``: a real OpenSSH client against the server on loopback.

The end-to-end tests drive ``ssh -tt`` inside tmux (to read the screen as a person
sees it) against ``python -m tui serve ssh`` on an ephemeral port. The in-process
tests use asyncssh's client with a stand-in command, to check what the app's
process gets (environment, window size, signals) without waiting on the app.
Every wait is bounded, so a broken server fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.locations import REPO

pytest.importorskip("asyncssh")

import asyncssh

from tui.serve import ssh as serve_ssh

SAMPLES = REPO / "sample_seeds"
#: ``local_server``'s starter: config overrides in, (port, client key, service) out.
Start = Callable[..., Awaitable[tuple[int, asyncssh.SSHKey, serve_ssh.Service]]]
PY = sys.executable


def _ensure_tool(name: str, package: str) -> str:
    """The path of ``name``, installing Debian's ``package`` when missing; skip if impossible."""
    found = shutil.which(name)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", package],
                env=env,
                capture_output=True,
                timeout=180,
                check=False,
            )
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"{name} ({package}) is not available")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def keygen(path: Path) -> Path:
    subprocess.run(
        [shutil.which("ssh-keygen") or "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path],
        check=True,
        timeout=20,
    )
    return path


@dataclass
class Server:
    port: int
    key: Path
    other_key: Path
    log: Path
    data: Path
    proc: subprocess.Popen[bytes]

    def ssh_args(
        self,
        *extra: str,
        key: Path | None = None,
        batch: bool = True,
        command: tuple[str, ...] = (),
    ) -> list[str]:
        return [
            "ssh",
            "-i",
            str(key or self.key),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            f"BatchMode={'yes' if batch else 'no'}",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "LogLevel=ERROR",
            *extra,
            "alice@127.0.0.1",
            *command,
        ]

    def run_ssh(
        self, *extra: str, key: Path | None = None, command: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.ssh_args(*extra, key=key, command=command),
            capture_output=True,
            text=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _ensure_tool("ssh", "openssh-client")
    tmp = tmp_path_factory.mktemp("serve_ssh")
    key = keygen(tmp / "alice")
    other_key = keygen(tmp / "mallory")
    authorized = tmp / "authorized_keys"
    authorized.write_text(key.with_suffix(".pub").read_text())
    data = tmp / "data"
    port = free_port()
    log = tmp / "server.log"
    env = {**os.environ, "NEWSDECK_DATA_DIR": str(data)}
    env.pop("COLORTERM", None)
    with log.open("wb") as log_out:
        proc = subprocess.Popen(
            [
                PY,
                "-m",
                "tui",
                "serve",
                "ssh",
                str(SAMPLES),
                "--port",
                str(port),
                "--authorized-keys",
                str(authorized),
                "--max-sessions",
                "4",
            ],
            cwd=REPO,
            env=env,
            stdout=log_out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    srv = Server(port, key, other_key, log, data, proc)
    try:
        wait_until(lambda: "serving" in srv.log_text() or proc.poll() is not None, 15, "server")
        assert proc.poll() is None, srv.log_text()
        yield srv
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class Tmux:
    """A private tmux server holding one window: type into it, read its screen."""

    def __init__(self, socket_path: Path, command: str, width: int, height: int) -> None:
        self.base = ["tmux", "-S", str(socket_path)]
        subprocess.run(
            [*self.base, "new-session", "-d", "-x", str(width), "-y", str(height), command],
            check=True,
            timeout=10,
            env={k: v for k, v in os.environ.items() if k not in {"TMUX", "COLORTERM"}},
        )

    def screen(self) -> str:
        out = subprocess.run(
            [*self.base, "capture-pane", "-p"], capture_output=True, text=True, timeout=10
        )
        return out.stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.base, "send-keys", *keys], check=True, timeout=10)

    def resize(self, width: int, height: int) -> None:
        subprocess.run(
            [*self.base, "resize-window", "-x", str(width), "-y", str(height)],
            check=True,
            timeout=10,
        )

    def wait_for(self, text: str, timeout: float = 15) -> str:
        wait_until(lambda: text in self.screen(), timeout, f"{text!r} on screen")
        return self.screen()

    def kill(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=10)


def _titles() -> list[str]:
    from tui.files.scan import scan

    return [a.title for a in scan(SAMPLES) if a.ok]


# --- the real client, end to end ----------------------------------------------------------


def test_read_filter_open_resize_quit(server: Server, tmp_path: Path) -> None:
    _ensure_tool("tmux", "tmux")
    titles = _titles()
    target = next(t for t in titles if t.isascii() and len(t) > 30 and "Moon" in t)
    command = " ".join(server.ssh_args("-tt")) + "; echo SSH-EXIT=$?; sleep 30"
    tmux = Tmux(tmp_path / "tmux.sock", command, 100, 30)
    try:
        screen = tmux.wait_for(f"{len(titles)} articles")
        assert "Harbour ferry" in screen  # the article list
        tmux.keys("/")
        time.sleep(0.3)
        tmux.keys("-l", "Moon")
        tmux.wait_for(f"1 of {len(titles)} articles")
        # The list keeps one row; the reader previews it (debounced) in place of the old one.
        wait_until(lambda: "Harbour ferry" not in tmux.screen(), 10, "the old preview gone")
        tmux.keys("Down")
        time.sleep(0.3)
        tmux.keys("Enter")
        # The list shows a truncated title; the full one means the reader opened it.
        tmux.wait_for(target[:30])

        def footer() -> str:
            return next((ln for ln in tmux.screen().splitlines() if "^p" in ln), "")

        assert 0 < len(footer().rstrip()) <= 100
        tmux.resize(130, 32)
        wait_until(lambda: len(footer().rstrip()) > 100, 10, "the app to redraw at 130 columns")

        tmux.keys("q")
        screen = tmux.wait_for("SSH-EXIT=", 15)
        assert "SSH-EXIT=0" in screen
    finally:
        tmux.kill()
    wait_until(lambda: "session alice ended (status 0)" in server.log_text(), 10, "log")
    log = server.log_text()
    assert "login alice from 127.0.0.1" in log
    assert "x30" in log  # the app started at the client's size (100x30)


def test_host_key_generated_private(server: Server) -> None:
    key = server.data / serve_ssh.HOST_KEY_NAME
    assert key.is_file()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert asyncssh.read_private_key(str(key)).algorithm == b"ssh-ed25519"


def test_unknown_key_refused(server: Server) -> None:
    result = server.run_ssh("-T", key=server.other_key)
    assert result.returncode == 255
    assert "Permission denied" in result.stderr
    assert "refused key" in server.log_text()


def test_password_not_offered(server: Server, tmp_path: Path) -> None:
    # A client that only has a password (supplied by SSH_ASKPASS) gets nowhere.
    askpass = tmp_path / "askpass.sh"
    askpass.write_text("#!/bin/sh\necho hunter2\n")
    askpass.chmod(0o700)
    args = server.ssh_args(
        "-T",
        "-o",
        "PubkeyAuthentication=no",
        "-o",
        "PreferredAuthentications=password,keyboard-interactive",
        batch=False,
    )
    env = {**os.environ, "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=20,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    assert result.returncode == 255
    assert "Permission denied (publickey)" in result.stderr


def test_exec_refused(server: Server) -> None:
    result = server.run_ssh("-T", command=("echo", "pwned"))
    assert result.returncode != 0
    assert "pwned" not in result.stdout
    assert "refused exec" in server.log_text()


def test_subsystem_refused(server: Server) -> None:
    result = server.run_ssh("-T", "-s", command=("sftp",))
    assert result.returncode != 0
    assert "refused subsystem 'sftp'" in server.log_text()


def test_port_forwards_refused(server: Server) -> None:
    local = server.run_ssh("-W", f"127.0.0.1:{server.port}")
    assert local.returncode != 0
    assert "SSH-2.0" not in local.stdout  # nothing was relayed to the target port
    remote = server.run_ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9")
    assert remote.returncode != 0
    assert "forwarding failed" in remote.stderr
    log = server.log_text()
    assert "refused port forward to 127.0.0.1" in log
    assert "refused remote forward" in log


# --- in process: what the app's process gets ------------------------------------------------

PROBE = textwrap.dedent(
    """
    import os, signal, sys
    def show(*_):
        cols, rows = os.get_terminal_size(0)
        print(f"size={cols}x{rows}", flush=True)
    signal.signal(signal.SIGWINCH, show)
    print(f"pid={os.getpid()}", flush=True)
    print("user=" + os.environ.get("NEWSDECK_USER", "-"), flush=True)
    print("term=" + os.environ.get("TERM", "-"), flush=True)
    print("colorterm=" + os.environ.get("COLORTERM", "-"), flush=True)
    print("colors=" + os.environ.get("TEXTUAL_COLOR_SYSTEM", "-"), flush=True)
    show()
    if os.environ.get("PROBE_IGNORE_HUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    sys.stdin.readline()
    print("bye", flush=True)
    """
)


@pytest.fixture
async def local_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Start]:
    """Start an in-process server; yields a function to do so with config overrides."""
    monkeypatch.setenv("NEWSDECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "33")  # must not reach the app
    key = asyncssh.generate_private_key("ssh-ed25519")
    authorized = tmp_path / "authorized_keys"
    authorized.write_bytes(key.export_public_key())
    acceptors: list[tuple[asyncssh.SSHAcceptor, serve_ssh.Service]] = []

    async def start(**overrides: object) -> tuple[int, asyncssh.SSHKey, serve_ssh.Service]:
        config = serve_ssh.SSHConfig(
            root=SAMPLES,
            port=0,
            authorized_keys=authorized,
            command=[PY, "-c", PROBE],
            grace=1.0,
        )
        for name, value in overrides.items():
            setattr(config, name, value)
        acceptor, service = await serve_ssh.start_server(config)
        acceptors.append((acceptor, service))
        return acceptor.sockets[0].getsockname()[1], key, service

    yield start
    for acceptor, service in acceptors:
        acceptor.close()
        await asyncio.wait_for(asyncio.gather(*(s.shutdown() for s in list(service.sessions))), 10)


async def _read_until(stream: asyncssh.SSHReader[str], text: str, timeout: float = 10) -> str:
    seen = ""

    async def loop() -> str:
        nonlocal seen
        while text not in seen:
            chunk = await stream.read(4096)
            if not chunk:
                raise AssertionError(f"stream ended before {text!r}; saw {seen!r}")
            seen += chunk
        return seen

    return await asyncio.wait_for(loop(), timeout)


def _connect(
    port: int, key: asyncssh.SSHKey, user: str = "bob", **kw: Any
) -> Any:  # asyncssh's awaitable context manager; its class is private
    return asyncssh.connect(
        "127.0.0.1", port, username=user, client_keys=[key], known_hosts=None, **kw
    )


async def test_app_gets_user_term_size_and_resizes(local_server: Start) -> None:
    port, key, _ = await local_server(color_system="256")
    async with _connect(port, key, env={"COLORTERM": "truecolor"}) as conn:
        proc = await conn.create_process(term_type="xterm-256color", term_size=(91, 27))
        seen = await _read_until(proc.stdout, "size=91x27")
        assert "user=bob" in seen
        assert "term=xterm-256color" in seen
        assert "colorterm=truecolor" in seen  # passed through from the client's env
        assert "colors=256" in seen
        proc.change_terminal_size(120, 40)
        await _read_until(proc.stdout, "size=120x40")
        proc.stdin.write("done\n")
        await _read_until(proc.stdout, "bye")
        result = await asyncio.wait_for(proc.wait(), 10)
        assert result.exit_status == 0


async def test_session_without_terminal_refused(local_server: Start) -> None:
    port, key, _ = await local_server()
    async with _connect(port, key) as conn:
        proc = await conn.create_process()  # shell, no pty
        result = await asyncio.wait_for(proc.wait(), 10)
        assert result.exit_status == 1
        assert "needs a terminal" in result.stderr


async def test_idle_timeout_kills_app_that_ignores_hangup(
    local_server: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROBE_IGNORE_HUP", "1")
    port, key, service = await local_server(idle_timeout=0.5, grace=0.5)
    async with _connect(port, key) as conn:
        proc = await conn.create_process(term_type="xterm", term_size=(80, 24))
        seen = await _read_until(proc.stdout, "size=80x24")
        pid = int(seen.split("pid=")[1].split()[0])
        result = await asyncio.wait_for(proc.wait(), 10)
        assert result.exit_status == serve_ssh.IDLE_EXIT_STATUS
        assert "idle" in result.stdout
        assert "\x1b[?1049l" in result.stdout  # the client's terminal is restored
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not service.sessions


async def test_disconnect_hangs_up_app(local_server: Start) -> None:
    port, key, service = await local_server()
    async with _connect(port, key) as conn:
        proc = await conn.create_process(term_type="xterm", term_size=(80, 24))
        seen = await _read_until(proc.stdout, "size=80x24")
        pid = int(seen.split("pid=")[1].split()[0])
        assert len(service.sessions) == 1
    deadline = time.monotonic() + 10
    while service.sessions and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not service.sessions
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_session_cap(local_server: Start) -> None:
    port, key, _ = await local_server(max_sessions=1)
    async with _connect(port, key) as conn:
        first = await conn.create_process(term_type="xterm", term_size=(80, 24))
        await _read_until(first.stdout, "size=")
        second = await conn.create_process(term_type="xterm", term_size=(80, 24))
        result = await asyncio.wait_for(second.wait(), 10)
        assert result.exit_status == 1
        assert "busy" in result.stderr
        first.stdin.write("\n")
        assert (await asyncio.wait_for(first.wait(), 10)).exit_status == 0


async def test_password_and_kbdint_refused_by_default(local_server: Start) -> None:
    port, _, _ = await local_server()
    for kw in ({"password": "x"}, {"kbdint_auth": True, "password": "x"}):
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncio.wait_for(
                asyncssh.connect(
                    "127.0.0.1", port, username="bob", client_keys=None, known_hosts=None, **kw
                ),
                10,
            )


async def test_password_when_enabled(local_server: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDECK_TEST_PW", "correct horse")
    port, _, _ = await local_server(password_env="NEWSDECK_TEST_PW")
    opts = {"username": "bob", "client_keys": None, "known_hosts": None}
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncio.wait_for(asyncssh.connect("127.0.0.1", port, password="wrong", **opts), 10)
    conn = await asyncio.wait_for(
        asyncssh.connect("127.0.0.1", port, password="correct horse", **opts), 10
    )
    conn.close()


async def test_odd_user_name_refused(local_server: Start) -> None:
    port, key, _ = await local_server()
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncio.wait_for(_connect(port, key, user="../../etc"), 10)


def test_authorized_keys_reread(tmp_path: Path) -> None:
    """Keys added after start count at once, and a missing file refuses everyone."""
    key = asyncssh.generate_private_key("ssh-ed25519")
    path = tmp_path / "authorized_keys"
    service = serve_ssh.Service(serve_ssh.SSHConfig(root=SAMPLES, authorized_keys=path))
    assert service.authorized_keys() is None
    path.write_bytes(key.export_public_key())
    keys = service.authorized_keys()
    assert keys is not None
    assert keys.validate(key.convert_to_public(), "127.0.0.1", "127.0.0.1") is not None


def test_host_key_kept_and_permissions_fixed(tmp_path: Path) -> None:
    path = tmp_path / "d" / serve_ssh.HOST_KEY_NAME
    first, _ = serve_ssh.load_host_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    again, _ = serve_ssh.load_host_key(path)
    assert again.get_fingerprint() == first.get_fingerprint()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
