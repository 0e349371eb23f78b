"""A warm parent for ``serve ssh``: one process loads the library once and forks each session.

Why: every session used to be its own ``python -m tui``, importing Textual and loading
the whole index privately (~124 MB at 20,000 articles, ~350 MB at 100,000, and 9 s to
the list with 16 starting at once). The zygote imports the app and loads the library
once, calls :func:`gc.freeze` so the garbage collector never writes into those pages,
and forks a child per session: the children share the loaded pages copy-on-write and
start in a fraction of a second.

Two halves, one protocol over a ``SOCK_SEQPACKET`` socket pair (one JSON message per
packet; a session's request carries its pty's slave end as ``SCM_RIGHTS``):

- :func:`run_zygote`, the zygote process (started as ``newsdeck serve zygote``): warm
  up, say ``ready``, then per request fork a child that makes the pty its controlling
  terminal, takes the session's environment and working directory and runs the app;
  report ``spawned`` (the pid) and, when it is reaped, ``exit`` (its wait status).
- :class:`Zygote`, the server's side (asyncio): start and restart the process, send
  requests, hand out :class:`ForkedApp` handles that look like an
  :class:`asyncio.subprocess.Process` to the session (``pid``, ``returncode``,
  ``wait()``). If the zygote dies its sessions live on (they are their own sessions,
  on their own terminals); the server then watches their pids, reports status 0 when
  they go, and starts a new zygote. Until one is ready, sessions are spawned as before.

Nothing here knows the app: the CLI passes the warm-up and the session as callables.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import io
import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger("newsdeck.serve.zygote")

#: Where the zygote finds its end of the socket pair (a file descriptor number).
FD_ENV = "NEWSDECK_ZYGOTE_FD"
MAX_MESSAGE = 1 << 20
#: How long the server waits for a fork to be reported before spawning instead.
SPAWN_TIMEOUT = 10.0
#: How long the server waits for the zygote to warm up (loading 100,000 articles).
READY_TIMEOUT = 600.0
#: Seconds between restarts of a zygote that keeps dying.
RESTART_DELAY = 2.0


# --- the zygote process ---------------------------------------------------------------------


def run_zygote(warm: Callable[[], str], session: Callable[[], int]) -> int:
    """The zygote's main loop: warm up, then fork a session per request until EOF."""
    fd = int(os.environ.pop(FD_ENV))
    sock = socket.socket(fileno=fd)
    # Ctrl-C in the server's terminal reaches the whole process group: the server
    # decides when the zygote ends (by closing the socket).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = time.monotonic()
    info = warm()
    gc.collect()
    gc.freeze()
    if threading.active_count() > 1:
        log.warning("zygote: %d threads alive after warm-up", threading.active_count())
    _send(sock, {"op": "ready", "pid": os.getpid(), "info": info,
                 "seconds": round(time.monotonic() - started, 2)})  # fmt: skip
    children: set[int] = set()
    while True:
        ready, _, _ = select.select([sock], [], [], 0.5)
        _reap(sock, children)
        if not ready:
            continue
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
        except OSError:
            return 0
        if not data:
            return 0  # the server is gone; the sessions end with their terminals
        try:
            request = json.loads(data)
        except ValueError:
            for extra in fds:
                os.close(extra)
            continue
        if request.get("op") != "spawn" or len(fds) != 1:
            for extra in fds:
                os.close(extra)
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(sock, fds[0], request, session)  # never returns
        os.close(fds[0])
        children.add(pid)
        _send(sock, {"op": "spawned", "id": request.get("id"), "pid": pid})


def _reap(sock: socket.socket, children: set[int]) -> None:
    """Report every child that ended since the last call."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)
        with contextlib.suppress(OSError):
            _send(sock, {"op": "exit", "pid": pid, "status": os.waitstatus_to_exitcode(status)})


def _send(sock: socket.socket, message: Mapping[str, Any]) -> None:
    sock.sendall(json.dumps(message).encode())


def _child(
    sock: socket.socket, tty: int, request: Mapping[str, Any], session: Callable[[], int]
) -> None:
    """In the forked child: become the session's process on its terminal, run the app, exit."""
    status = 1
    try:
        sock.close()
        os.setsid()
        fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
        for target in (0, 1, 2):
            os.dup2(tty, target)
        if tty > 2:
            os.close(tty)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request.get("env") or {}).items()})
        os.chdir(str(request.get("cwd") or "/"))
        _reopen_stdio()
        status = session()
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _reopen_stdio() -> None:
    """The zygote's text streams were made for its log file: make them the terminal's."""
    for name, fd, mode in (("stdin", 0, "r"), ("stdout", 1, "w"), ("stderr", 2, "w")):
        binary = open(fd, mode + "b", closefd=False)  # noqa: SIM115 - lives as long as sys.*
        stream = io.TextIOWrapper(
            binary,
            encoding="utf-8",
            errors="backslashreplace" if name == "stderr" else "strict",
            line_buffering=mode == "w",
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


# --- the server's side ----------------------------------------------------------------------


class ForkedApp:
    """A session's app forked by the zygote: what the session needs of a Process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._done = asyncio.get_running_loop().create_future()

    def finished(self, status: int) -> None:
        if self.returncode is None:
            self.returncode = status
        if not self._done.done():
            self._done.set_result(self.returncode)

    async def wait(self) -> int:
        return int(await asyncio.shield(self._done))


class Zygote:
    """The server's handle on the zygote process: start it, ask it for sessions, restart it."""

    def __init__(self, command: list[str], env: Mapping[str, str], cwd: str) -> None:
        self.command = command
        self.env = dict(env)
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.ready = False
        self.info = ""
        #: Forked sessions still running, by pid.
        self.apps: dict[int, ForkedApp] = {}
        #: Sessions forked by a zygote that has died since (watched by pid).
        self.orphans: dict[int, ForkedApp] = {}
        self._pending: dict[int, asyncio.Future[int]] = {}
        self._next_id = 0
        self._closed = False
        self._restart: asyncio.TimerHandle | None = None
        self._orphans: asyncio.Task[None] | None = None
        self.starts = 0

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the zygote process (it says ``ready`` when warm); a failure is logged."""
        if self._closed:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**self.env, FD_ENV: str(theirs.fileno())}
        try:
            self.proc = subprocess.Popen(
                self.command,
                env=env,
                cwd=self.cwd,
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.error("cannot start the session zygote: %s", exc)
            ours.close()
            return
        finally:
            theirs.close()
        self.starts += 1
        ours.setblocking(False)
        self.sock = ours
        asyncio.get_running_loop().add_reader(ours.fileno(), self._on_message)
        log.info("session zygote starting (pid %d)", self.proc.pid)

    async def close(self) -> None:
        """Server stopping: end the zygote (the sessions are ended by their own handles)."""
        self._closed = True
        if self._restart is not None:
            self._restart.cancel()
        self._drop_socket()
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            for _ in range(50):
                if proc.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            else:
                proc.kill()
        if self._orphans is not None:
            self._orphans.cancel()

    def _drop_socket(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(ValueError, OSError):
                asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self.sock.close()
            self.sock = None
        self.ready = False

    # -- asking for a session -------------------------------------------------------------

    async def spawn(self, tty: int, env: Mapping[str, str], cwd: str) -> ForkedApp | None:
        """Fork a session on ``tty`` (the pty's slave end); None: spawn it another way."""
        if not self.ready or self.sock is None:
            return None
        self._next_id += 1
        request_id = self._next_id
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        message = json.dumps({"op": "spawn", "id": request_id, "env": dict(env), "cwd": cwd})
        try:
            socket.send_fds(self.sock, [message.encode()], [tty])
            pid = await asyncio.wait_for(future, SPAWN_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            log.warning("session zygote did not fork (%s); spawning instead", exc or "timeout")
            return None
        finally:
            self._pending.pop(request_id, None)
        app = self.apps.get(pid)
        if app is None:  # not reaped yet (the usual case)
            app = ForkedApp(pid)
            self.apps[pid] = app
        return app

    # -- messages from the zygote ---------------------------------------------------------

    def _on_message(self) -> None:
        assert self.sock is not None
        try:
            data = self.sock.recv(MAX_MESSAGE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lost()
            return
        try:
            message = json.loads(data)
        except ValueError:
            log.warning("session zygote sent %r", data[:80])
            return
        op = message.get("op")
        if op == "ready":
            self.ready = True
            self.info = str(message.get("info", ""))
            log.info(
                "session zygote ready (pid %s, %s, %.1f s)",
                message.get("pid"),
                self.info,
                float(message.get("seconds", 0)),
            )
        elif op == "spawned":
            future = self._pending.get(int(message.get("id", -1)))
            pid = int(message["pid"])
            self.apps.setdefault(pid, ForkedApp(pid))
            if future is not None and not future.done():
                future.set_result(pid)
        elif op == "exit":
            pid, status = int(message["pid"]), int(message["status"])
            app = self.apps.pop(pid, None)
            if app is not None:
                app.finished(status)

    def _lost(self) -> None:
        """The zygote died: keep its sessions' handles alive by watching their pids; restart."""
        proc = self.proc
        status = proc.poll() if proc is not None else None
        if proc is not None and status is None:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                status = proc.wait(timeout=5)
        log.warning(
            "session zygote (pid %d) ended (status %s); %d session(s) it forked go on",
            proc.pid if proc is not None else -1,
            status,
            len(self.apps),
        )
        self._drop_socket()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(OSError("the session zygote ended"))
        self.orphans.update(self.apps)
        self.apps = {}
        if self.orphans and self._orphans is None:
            self._orphans = asyncio.get_running_loop().create_task(self._watch_orphans())
        if not self._closed:
            self._restart = asyncio.get_running_loop().call_later(RESTART_DELAY, self.start)

    async def _watch_orphans(self) -> None:
        """Sessions whose zygote died are nobody's children here: poll until they are gone."""
        try:
            while self.orphans:
                for pid, app in list(self.orphans.items()):
                    if not _alive(pid):
                        del self.orphans[pid]
                        app.finished(0)  # their status went with the zygote
                await asyncio.sleep(0.5)
        finally:
            self._orphans = None


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaps counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _state(pid) not in ("Z", "X", "?")


def _stat_fields(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].decode().split()
    except OSError:
        return []


def _state(pid: int) -> str:
    fields = _stat_fields(pid)
    return fields[0] if fields else "?"
