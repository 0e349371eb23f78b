"""``newsdeck serve ssh DIR``: an SSH server whose only program is the newsdeck app.

Every session gets its own newsdeck process (forked from the warm zygote of
:mod:`tui.serve.zygote`, or a fresh ``python -m tui DIR`` when there is none) on a
fresh pseudo-terminal sized like the client's window, with the client's ``TERM``;
window changes are passed on with ``TIOCSWINSZ`` so the app gets SIGWINCH as it
would under sshd. There is
no shell, no exec, no port forwarding and no SFTP: those requests are refused and
logged. Clients log in with a public key listed in an authorized_keys file, which
is re-read for every attempt so edits take effect without a restart.

Each SSH user name reaches the app as ``NEWSDECK_USER`` so the reading state can be
kept per user although every session runs as the same OS account.

Why one piece (~670 lines): the server (login, session limit, idle timeout) and the
session (pty, child process, window changes, teardown) share one lifecycle and one
set of failure paths; :class:`AppSession` is half the file and reads best beside the
server that creates and counts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import hmac
import logging
import os
import re
import signal
import struct
import sys
import termios
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from tui.paths import data_dir
from tui.serve.zygote import ForkedApp, Zygote

log = logging.getLogger("newsdeck.serve.ssh")

DEFAULT_PORT = 2222
HOST_KEY_NAME = "ssh_host_ed25519_key"
#: SSH user names become ``NEWSDECK_USER`` and may end up in file names: keep them plain.
USERNAME_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
#: Client environment (``SendEnv``) the app may see; everything else is dropped.
CLIENT_ENV_RE = {
    "COLORTERM": re.compile(r"truecolor|24bit"),
    "LANG": re.compile(r"[A-Za-z0-9_.@-]{1,40}"),
    "LC_ALL": re.compile(r"[A-Za-z0-9_.@-]{1,40}"),
    "LC_CTYPE": re.compile(r"[A-Za-z0-9_.@-]{1,40}"),
}
#: Server environment that must not leak into a session: the size would freeze the app
#: at the server's size (shutil.get_terminal_size prefers these), the rest is per-session.
DROPPED_ENV = frozenset(
    {"COLUMNS", "LINES", "COLORTERM", "TERM", "NEWSDECK_USER", "TEXTUAL_DRIVER", "SSH_AUTH_SOCK"}
)
#: Sent after the app was killed, so the client's terminal is usable again: leave the
#: alternate screen, show the cursor, reset colours, mouse and bracketed-paste modes.
TERMINAL_RESET = (
    b"\x1b[?1049l\x1b[?25h\x1b[0m\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l"
)
IDLE_EXIT_STATUS = 124  # as timeout(1)


def default_authorized_keys() -> Path:
    """The user's own ``~/.ssh/authorized_keys``: whoever may ssh in as them may read."""
    return Path("~/.ssh/authorized_keys").expanduser()


def load_host_key(path: Path | None = None) -> tuple[asyncssh.SSHKey, Path]:
    """Read the server's host key, generating it (ed25519, mode 0600) on first run."""
    path = path or data_dir() / HOST_KEY_NAME
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning("host key %s had mode %o; set to 600", path, mode)
            path.chmod(0o600)
        return asyncssh.read_private_key(str(path)), path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="newsdeck host key")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.export_private_key())
    path.with_name(path.name + ".pub").write_bytes(key.export_public_key())
    log.info("generated host key %s (%s)", path, key.get_fingerprint())
    return key, path


@dataclass
class SSHConfig:
    """Everything ``serve ssh`` can be told; the CLI flags map one to one."""

    root: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    authorized_keys: Path = field(default_factory=default_authorized_keys)
    host_key: Path | None = None
    max_sessions: int = 32
    #: Seconds without a keystroke before the session is closed; 0 disables.
    idle_timeout: float = 1800.0
    #: Seconds between SIGHUP and SIGKILL when a session's app must go.
    grace: float = 3.0
    #: Name of an environment variable holding a shared password; None: no password login.
    password_env: str | None = None
    #: ``TEXTUAL_COLOR_SYSTEM`` for the app (None: detect from the client's TERM).
    color_system: str | None = None
    #: ``ESCDELAY`` for the app, in ms (None: Textual's default).
    escape_delay_ms: int | None = None
    login_timeout: float = 30.0
    #: The app's command line; tests may point it elsewhere (sessions are then spawned).
    command: list[str] = field(default_factory=list)
    #: Fork sessions from a warm zygote that loaded the library once (see
    #: :mod:`tui.serve.zygote`); False: every session is a fresh ``python -m tui``.
    fork: bool = True

    def app_command(self) -> list[str]:
        """The program each session runs: newsdeck on ``root``, unless a test says otherwise."""
        return self.command or [sys.executable, "-m", "tui", str(self.root)]

    def zygote_command(self) -> list[str] | None:
        """The session zygote's command line; None when sessions are spawned."""
        if self.command or not self.fork:
            return None
        return [sys.executable, "-m", "tui", "serve", "zygote", str(self.root)]


class Service:
    """State shared by all connections: config, the password, the live sessions."""

    def __init__(self, config: SSHConfig) -> None:
        self.config = config
        self.sessions: set[AppSession] = set()
        #: The warm parent sessions are forked from (None: spawn every session).
        self.zygote: Zygote | None = None
        self.password: str | None = None
        if config.password_env:
            self.password = os.environ.get(config.password_env) or None
            if self.password is None:
                raise ValueError(f"${config.password_env} is empty or unset")

    def authorized_keys(self) -> asyncssh.SSHAuthorizedKeys | None:
        """Re-read the authorized_keys file, so added or removed keys count at once."""
        try:
            return asyncssh.read_authorized_keys(str(self.config.authorized_keys))
        except (OSError, ValueError) as exc:
            log.error("cannot use %s: %s", self.config.authorized_keys, exc)
            return None


def _peer(conn: asyncssh.SSHServerConnection) -> tuple[str, int]:
    """The client's address for log lines; never fails, even on a half-open connection."""
    peer = conn.get_extra_info("peername") or ("?", 0)
    return str(peer[0]), int(peer[1])


class NewsdeckServer(asyncssh.SSHServer):
    """One client connection: authentication and what it may open (sessions only)."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer = ("?", 0)
        self.username = ""
        self.started = time.monotonic()

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.peer = _peer(conn)
        log.info("connect from %s:%d", *self.peer)

    def connection_lost(self, exc: Exception | None) -> None:
        why = f" ({exc})" if exc else ""
        log.info(
            "disconnect %s from %s:%d after %.0f s%s",
            self.username or "-",
            *self.peer,
            time.monotonic() - self.started,
            why,
        )

    def begin_auth(self, username: str) -> bool:
        self.username = username
        if not USERNAME_RE.fullmatch(username):
            log.warning("refused user name %r from %s:%d", username[:80], *self.peer)
        return True  # authentication is always required

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if not USERNAME_RE.fullmatch(username):
            return False
        keys = self.service.authorized_keys()
        ok = keys is not None and keys.validate(key, self.peer[0], self.peer[0]) is not None
        if not ok:
            log.warning(
                "refused key %s for %s from %s:%d", key.get_fingerprint(), username, *self.peer
            )
        return ok

    def password_auth_supported(self) -> bool:
        return self.service.password is not None

    def validate_password(self, username: str, password: str) -> bool:
        expected = self.service.password
        ok = (
            expected is not None
            and USERNAME_RE.fullmatch(username) is not None
            and hmac.compare_digest(password.encode(), expected.encode())
        )
        if not ok:
            log.warning("refused password for %s from %s:%d", username, *self.peer)
        return ok

    def kbdint_auth_supported(self) -> bool:
        return False

    def auth_completed(self) -> None:
        log.info("login %s from %s:%d", self.username, *self.peer)

    def session_requested(self) -> AppSession:
        return AppSession(self.service, self.username, self.peer)

    # Everything but sessions is refused, and said so in the log.

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        log.warning(
            "refused port forward to %s:%d for %s from %s:%d",
            dest_host,
            dest_port,
            self.username,
            *self.peer,
        )
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.warning(
            "refused remote forward of %s:%d for %s from %s:%d",
            listen_host,
            listen_port,
            self.username,
            *self.peer,
        )
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.warning("refused unix-socket forward for %s from %s:%d", self.username, *self.peer)
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.warning("refused unix-socket listen for %s from %s:%d", self.username, *self.peer)
        return False


class AppSession(asyncssh.SSHServerSession[bytes]):
    """One SSH session channel: the app on a pty, bytes relayed both ways."""

    def __init__(self, service: Service, username: str, peer: tuple[str, int]) -> None:
        self.service = service
        self.username = username
        self.peer = peer
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term_type = ""
        self.size = (80, 24, 0, 0)
        self.has_pty = False
        self.master: int | None = None
        self.proc: asyncio.subprocess.Process | ForkedApp | None = None
        self.started = 0.0
        self._reading = False
        self._paused = False
        self._pending = b""
        self._idle: asyncio.TimerHandle | None = None
        self._closing = False
        #: Set when the server ends the app itself: what to tell the client, and the status.
        self._farewell: tuple[bytes, int] | None = None
        self._task: asyncio.Task[None] | None = None

    # -- requests from the client -------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        self.has_pty = True
        self.term_type = term_type
        self.size = term_size
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        log.warning("refused exec %r for %s from %s:%d", command[:200], self.username, *self.peer)
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.warning(
            "refused subsystem %r for %s from %s:%d", subsystem[:80], self.username, *self.peer
        )
        return False

    def session_started(self) -> None:
        assert self.chan is not None
        if not self.has_pty:
            log.warning("refused session without a terminal for %s", self.username)
            self.chan.write_stderr(b"newsdeck needs a terminal: connect with ssh -t\r\n")
            self.chan.exit(1)
            return
        limit = self.service.config.max_sessions
        if len(self.service.sessions) >= limit:
            log.warning(
                "refused session for %s from %s:%d: %d sessions already open",
                self.username,
                *self.peer,
                limit,
            )
            readers = len(self.service.sessions)
            self.chan.write_stderr(
                f"newsdeck: busy, {readers} readers connected, try again later\r\n".encode()
            )
            self.chan.exit(1)
            return
        self.service.sessions.add(self)
        self._task = asyncio.get_running_loop().create_task(self._run())

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self._touch()
        if self.master is None:
            return
        self._pending += data
        self._flush_input()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height, pixwidth, pixheight)
        if self.master is not None:
            _set_size(self.master, self.size)
            log.debug("resize %s to %dx%d", self.username, width, height)

    def eof_received(self) -> bool:
        return True  # keep the channel: the app decides when it is done

    def pause_writing(self) -> None:
        """The client is slow: stop reading the pty so the app blocks instead of buffering."""
        self._paused = True
        self._stop_reading()

    def resume_writing(self) -> None:
        self._paused = False
        self._start_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.chan = None
        if self.proc is not None and self.proc.returncode is None and not self._closing:
            asyncio.get_running_loop().create_task(self._stop_app("client went away"))
        self._cancel_idle()

    # -- the app ------------------------------------------------------------------------

    def app_environment(self) -> dict[str, str]:
        """The app's environment: the server's, minus per-terminal variables, plus the client's."""
        config = self.service.config
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        client_env: Mapping[str, str] = self.chan.get_environment() if self.chan else {}
        for name, pattern in CLIENT_ENV_RE.items():
            value = client_env.get(name)
            if value is not None and pattern.fullmatch(value):
                env[name] = value
        env["TERM"] = self.term_type or "xterm-256color"
        env["NEWSDECK_USER"] = self.username
        if config.color_system:
            env["TEXTUAL_COLOR_SYSTEM"] = config.color_system
        if config.escape_delay_ms:
            env["ESCDELAY"] = str(config.escape_delay_ms)
        return env

    async def _run(self) -> None:
        """Start the app on a fresh pty, relay it until it exits, then end the channel."""
        config = self.service.config
        master, slave = os.openpty()
        _set_size(slave, self.size)
        env = self.app_environment()
        try:
            zygote = self.service.zygote
            if zygote is not None:
                self.proc = await zygote.spawn(slave, env, str(config.root))
            if self.proc is None:
                self.proc = await asyncio.create_subprocess_exec(
                    *config.app_command(),
                    stdin=slave,
                    stdout=slave,
                    stderr=slave,
                    env=env,
                    cwd=str(config.root),
                    start_new_session=True,
                    preexec_fn=_take_terminal,
                )
        except OSError as exc:
            os.close(master)
            log.error("cannot start the app for %s: %s", self.username, exc)
            self._finish(1)
            return
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        self.started = time.monotonic()
        log.info(
            "session %s: pid %d (%s), %s %dx%d",
            self.username,
            self.proc.pid,
            "forked" if isinstance(self.proc, ForkedApp) else "spawned",
            self.term_type or "-",
            self.size[0],
            self.size[1],
        )
        self._start_reading()
        self._touch()
        if self._pending:
            self._flush_input()
        status = await self.proc.wait()
        self._drain()
        if self._farewell is not None:
            message, status = self._farewell
            if self.chan is not None:
                self.chan.write(TERMINAL_RESET + message)
        self._finish(status if status >= 0 else 128 - status)

    def _finish(self, status: int) -> None:
        """The app is gone: release the pty and the slot, tell the client the exit status."""
        self._stop_reading()
        self._cancel_idle()
        if self.master is not None:
            loop = asyncio.get_running_loop()
            loop.remove_writer(self.master)
            os.close(self.master)
            self.master = None
        if self in self.service.sessions:
            self.service.sessions.discard(self)
            log.info(
                "session %s ended (status %d) after %.0f s",
                self.username,
                status,
                time.monotonic() - self.started if self.started else 0.0,
            )
        if self.chan is not None:
            with contextlib.suppress(OSError, asyncssh.Error):
                self.chan.exit(status)

    def _start_reading(self) -> None:
        if self.master is not None and not self._reading and not self._paused:
            asyncio.get_running_loop().add_reader(self.master, self._on_output)
            self._reading = True

    def _stop_reading(self) -> None:
        if self.master is not None and self._reading:
            asyncio.get_running_loop().remove_reader(self.master)
        self._reading = False

    def _on_output(self) -> None:
        """The pty has output: forward it to the client; a closed pty stops the reading."""
        assert self.master is not None
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: the app closed its terminal
            self._stop_reading()
            return
        if not data:
            self._stop_reading()
            return
        if self.chan is not None:
            self.chan.write(data)

    def _drain(self) -> None:
        """Relay what the app wrote just before it exited (its terminal restore)."""
        if self.master is None:
            return
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            if self.chan is not None:
                self.chan.write(data)

    def _flush_input(self) -> None:
        """Write queued keystrokes to the pty without blocking the whole server."""
        if self.master is None:
            return
        loop = asyncio.get_running_loop()
        try:
            written = os.write(self.master, self._pending) if self._pending else 0
        except BlockingIOError:
            written = 0
        except OSError as exc:
            if exc.errno != errno.EIO:
                log.debug("pty write failed: %s", exc)
            self._pending = b""
            return
        self._pending = self._pending[written:]
        loop.remove_writer(self.master)
        if self._pending:
            loop.add_writer(self.master, self._flush_input)

    # -- ending a session -----------------------------------------------------------------

    def _touch(self) -> None:
        """A keystroke: push the idle deadline back."""
        timeout = self.service.config.idle_timeout
        if timeout <= 0 or self._closing:
            return
        self._cancel_idle()
        loop = asyncio.get_running_loop()
        self._idle = loop.call_later(timeout, self._on_idle)

    def _cancel_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def _on_idle(self) -> None:
        """No keystroke for ``idle_timeout``: tell the client why, then stop the app."""
        self._idle = None
        log.info(
            "idle timeout for %s from %s:%d after %.0f s",
            self.username,
            *self.peer,
            self.service.config.idle_timeout,
        )
        minutes = self.service.config.idle_timeout / 60
        self._farewell = (
            f"\r\nnewsdeck: closed after {minutes:g} idle minute(s)\r\n".encode(),
            IDLE_EXIT_STATUS,
        )
        asyncio.get_running_loop().create_task(self._stop_app("idle"))

    async def _stop_app(self, why: str) -> None:
        """SIGHUP the app's process group, then SIGKILL after the grace period."""
        if self._closing or self.proc is None:
            return
        self._closing = True
        self._stop_reading()
        proc = self.proc
        if proc.returncode is None:
            log.info("hanging up %s's app (pid %d): %s", self.username, proc.pid, why)
            _killpg(proc.pid, signal.SIGHUP)
            try:
                await asyncio.wait_for(proc.wait(), self.service.config.grace)
            except TimeoutError:
                log.warning("app pid %d ignored SIGHUP; killing it", proc.pid)
                _killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(proc.wait(), 5)

    async def shutdown(self) -> None:
        """Server stopping: end this session's app."""
        self._farewell = (b"\r\nnewsdeck: server shutting down\r\n", 1)
        await self._stop_app("server shutting down")
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _set_size(fd: int, size: tuple[int, int, int, int]) -> None:
    """Give the pty the client's size (the app reads it there and gets SIGWINCH on change)."""
    width, height, pixwidth, pixheight = size
    winsize = struct.pack("HHHH", max(height, 1), max(width, 1), pixwidth, pixheight)
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize)


def _take_terminal() -> None:
    """In the child, after setsid: the pty becomes its controlling terminal (SIGWINCH, SIGHUP)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _killpg(pid: int, sig: int) -> None:
    """Signal the app and everything it started; a group already gone is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


async def start_server(config: SSHConfig) -> tuple[asyncssh.SSHAcceptor, Service]:
    """Listen on ``config.host:config.port``; returns the acceptor and the shared state."""
    service = Service(config)
    host_key, key_path = load_host_key(config.host_key)
    if not config.authorized_keys.exists():
        log.warning("%s does not exist: nobody can log in yet", config.authorized_keys)
    options: dict[str, Any] = {
        "server_host_keys": [host_key],
        "encoding": None,
        "line_editor": False,
        "allow_pty": True,
        "agent_forwarding": False,
        "x11_forwarding": False,
        "sftp_factory": None,
        "allow_scp": False,
        "public_key_auth": True,
        "password_auth": service.password is not None,
        "kbdint_auth": False,
        "host_based_auth": False,
        "gss_host": None,
        "login_timeout": config.login_timeout,
        "keepalive_interval": 60,
        "keepalive_count_max": 3,
    }
    acceptor = await asyncssh.create_server(
        lambda: NewsdeckServer(service), config.host, config.port, **options
    )
    port = acceptor.sockets[0].getsockname()[1] if acceptor.sockets else config.port
    log.info(
        "serving %s over SSH on %s:%d (host key %s, %s); keys from %s",
        config.root,
        config.host,
        port,
        key_path,
        host_key.get_fingerprint(),
        config.authorized_keys,
    )
    if config.host not in {"127.0.0.1", "::1", "localhost"}:
        log.warning("listening on %s: reachable from other machines", config.host)
    command = config.zygote_command()
    if command is not None:
        service.zygote = Zygote(command, os.environ, str(config.root))
        service.zygote.start()
    return acceptor, service


async def serve_forever(config: SSHConfig) -> None:
    """Run until SIGINT/SIGTERM, then hang up every session."""
    acceptor, service = await start_server(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("shutting down (%d session(s) open)", len(service.sessions))
        acceptor.close()
        await asyncio.gather(*(s.shutdown() for s in list(service.sessions)))
        if service.zygote is not None:
            await service.zygote.close()
        await acceptor.wait_closed()


def serve(config: SSHConfig) -> int:
    """Blocking entry point for the CLI."""
    try:
        asyncio.run(serve_forever(config))
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", config.host, config.port, exc)
        return 1
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    return 0
