"""``newsdeck serve ssh`` under many readers: memory, time to the list, keystroke latency.

Starts the real server (``python -m tui serve ssh``) on a generated archive with a warm
index, waits until it is idle, then opens 1, 8 or 16 real OpenSSH clients at once, each
on its own pseudo-terminal (120x36, ``TERM=xterm-256color``), and measures:

- ``first_list_s``: seconds from starting ``ssh`` to the newest article's title in the
  output (p50 and max over the sessions);
- ``pss_mb``: proportional set size of the server and every descendant (sessions,
  helpers), from ``/proc/PID/smaps_rollup``, once every list is up and the sessions have
  gone quiet (``pss_idle_mb``), and again after the typing (``pss_mb``);
- ``key_ms``: every session types at once, ``/`` then a query letter by letter and back
  (about four keys a second, as a person types); each sample is the time from writing a
  key to the first repaint of a list row (a cursor move to a row under the filter box),
  p50 and p95 over all keys of all sessions.

Usage::

    python -m bench.serve_bench [--articles 20000,100000] [--sessions 1,8,16]
                                [--tree DIR] [--workdir DIR] [--query TEXT]

``--tree`` runs another checkout's ``tui`` (its ``PYTHONPATH``) with this venv: how
before/after figures come from the same machine and corpus. The corpus is generated
once per size under the work directory (default ``/tmp/newsdeck-serve-bench``).
Nothing is asserted; figures go to stdout, one JSON line per run with ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 120, 36
#: Rows at or below this one belong to the list (or the reader beside it), not to the
#: header line or the filter box above them.
FIRST_LIST_ROW = 5
KEY_GAP_S = 0.25
KEY_TIMEOUT_S = 5.0
LIST_TIMEOUT_S = 120.0
_CUP = re.compile(rb"\x1b\[(\d+);(\d+)H")
_ESC = re.compile(
    rb"\x1b(?:\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|.)"
)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (values need not be sorted); nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[k]


# --- the process tree ---------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from each process's ``PPid``)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_kb(pid: int) -> int:
    """Pss of one process in kB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(pid: int) -> tuple[float, int]:
    """Total PSS of ``pid``'s tree in MB, and how many processes it has."""
    pids = descendants(pid)
    return sum(pss_kb(p) for p in pids) / 1024, len(pids)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of ``pid``'s tree."""
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wait_quiet(pid: int, *, idle: float = 0.05, span: float = 2.0, limit: float = 120.0) -> float:
    """Wait until the tree uses under ``idle`` of a core over ``span`` seconds; the wait."""
    started = time.monotonic()
    last = tree_cpu_s(pid)
    while time.monotonic() - started < limit:
        time.sleep(span)
        now = tree_cpu_s(pid)
        if (now - last) / span < idle:
            break
        last = now
    return time.monotonic() - started


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    key: Path
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def tree_env(tree: Path, work: Path, data: str = "data") -> dict[str, str]:
    """The environment for the checkout under test, with private cache/data/config dirs.

    ``data``: a fresh one per server, so no run starts from a filter an earlier one left.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"COLORTERM", "TMUX"}}
    env["PYTHONPATH"] = str(tree)
    env["NEWSDECK_CACHE_DIR"] = str(work / "cache")
    env["NEWSDECK_DATA_DIR"] = str(work / data)
    env["NEWSDECK_CONFIG_DIR"] = str(work / "config")
    return env


def start_server(
    tree: Path, work: Path, root: Path, max_sessions: int, extra: tuple[str, ...] = ()
) -> Server:
    key = work / "client_key"
    if not key.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    authorized = work / "authorized_keys"
    authorized.write_text(key.with_suffix(".pub").read_text())
    port = free_port()
    log = work / f"server-{port}.log"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "tui", "serve", "ssh", str(root), "--port", str(port),
                   "--authorized-keys", str(authorized), "--max-sessions", str(max_sessions),
                   "--host-key", str(work / "host_key"), *extra]  # fmt: skip
        proc = subprocess.Popen(
            command,
            cwd=tree,
            env=tree_env(tree, work, f"data-{port}"),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = Server(proc, port, key, log)
    deadline = time.monotonic() + 60
    while b"serving" not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"server did not start: {log.read_text(errors='replace')}")
        time.sleep(0.1)
    return server


# --- the clients --------------------------------------------------------------------------


@dataclass
class Client:
    proc: subprocess.Popen[bytes]
    master: int
    started: float
    first_list: float | None = None
    keys_ms: list[float] = field(default_factory=list)
    seen: bytes = b""


def _take_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def open_client(server: Server) -> Client:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in {"COLORTERM", "TMUX"}}
    env["TERM"] = "xterm-256color"
    started = time.monotonic()
    command = ["ssh", "-tt", "-i", str(server.key), "-p", str(server.port),
               "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
               "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
               "reader@127.0.0.1"]  # fmt: skip
    proc = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        preexec_fn=_take_terminal,
    )
    os.close(slave)
    os.set_blocking(master, False)
    return Client(proc, master, started)


def _read(client: Client) -> bytes:
    try:
        return os.read(client.master, 65536)
    except (BlockingIOError, OSError):
        return b""


def wait_lists(clients: list[Client], marker: bytes, timeout: float) -> None:
    """Read every client until its output shows ``marker`` (escape sequences removed)."""
    deadline = time.monotonic() + timeout
    waiting = {c.master: c for c in clients}
    while waiting and time.monotonic() < deadline:
        ready, _, _ = select.select(list(waiting), [], [], 0.2)
        now = time.monotonic()
        for fd in ready:
            client = waiting[fd]
            data = _read(client)
            # Only the tail: the whole output again on every read is quadratic at 16 sessions.
            window = client.seen[-4096:] + data
            client.seen = window
            if marker in _ESC.sub(b"", window):
                client.first_list = now - client.started
                del waiting[fd]


def drain(client: Client, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([client.master], [], [], max(0.0, deadline - time.monotonic()))
        if ready:
            out += _read(client)
    return out


def list_repainted(data: bytes) -> bool:
    return any(int(m.group(1)) >= FIRST_LIST_ROW for m in _CUP.finditer(data))


def type_query(client: Client, query: str, start: threading.Event) -> None:
    """``/``, then the query key by key and back again, timing each key to a list repaint."""
    start.wait()
    os.write(client.master, b"/")
    drain(client, 0.5)
    keys = [ch.encode() for ch in query] + [b"\x7f"] * len(query)
    for key in keys:
        drain(client, 0.0)
        sent = time.monotonic()
        os.write(client.master, key)
        buffer = b""
        deadline = sent + KEY_TIMEOUT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([client.master], [], [], deadline - time.monotonic())
            if not ready:
                continue
            buffer += _read(client)
            if list_repainted(buffer):
                client.keys_ms.append((time.monotonic() - sent) * 1000)
                break
        else:
            client.keys_ms.append(KEY_TIMEOUT_S * 1000)
        drain(client, KEY_GAP_S)


def close_clients(clients: list[Client]) -> None:
    for key in (b"\x1b", b"\x1b", b"q"):  # leave the filter box, then quit
        for client in clients:
            with contextlib.suppress(OSError):
                os.write(client.master, key)
        time.sleep(0.3)
    time.sleep(1.0)
    for client in clients:
        if client.proc.poll() is None:
            client.proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            client.proc.wait(timeout=5)
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait(timeout=5)
        os.close(client.master)


# --- one run ------------------------------------------------------------------------------


def newest_title(tree: Path, work: Path, root: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "list", str(root), "--json", "--limit", "1"],
        cwd=tree,
        env=tree_env(tree, work),
        capture_output=True,
        check=True,
        timeout=300,
    )
    return str(json.loads(out.stdout.splitlines()[0])["title"])


def prepare(tree: Path, work: Path, n: int) -> Path:
    """The generated archive of ``n`` articles, indexed (warm) for ``tree``."""
    sys.path.insert(0, str(REPO))
    from bench import corpus

    root = corpus.generate(work / f"{n}-0", n)
    subprocess.run(
        [sys.executable, "-m", "tui", "index", str(root)],
        cwd=tree,
        env=tree_env(tree, work),
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return root


def run_one(tree: Path, work: Path, root: Path, sessions: int, query: str) -> dict[str, object]:
    marker = newest_title(tree, work, root)[:8].encode()
    server = start_server(tree, work, root, max(32, sessions))
    clients: list[Client] = []
    try:
        warm = wait_quiet(server.proc.pid)
        pss_start, _ = tree_pss_mb(server.proc.pid)
        clients = [open_client(server) for _ in range(sessions)]
        wait_lists(clients, marker, LIST_TIMEOUT_S)
        firsts = [c.first_list for c in clients if c.first_list is not None]
        settle = wait_quiet(server.proc.pid)
        pss_idle, procs = tree_pss_mb(server.proc.pid)
        start = threading.Event()
        typists = [
            threading.Thread(target=type_query, args=(c, query, start), daemon=True)
            for c in clients
        ]
        for t in typists:
            t.start()
        start.set()
        for t in typists:
            t.join(timeout=120)
        pss_after, _ = tree_pss_mb(server.proc.pid)
        keys = [k for c in clients for k in c.keys_ms]
        return {
            "articles": n_articles(root),
            "sessions": sessions,
            "listed": f"{len(firsts)}/{sessions}",
            "first_list_p50_s": round(statistics.median(firsts), 2) if firsts else None,
            "first_list_max_s": round(max(firsts), 2) if firsts else None,
            "pss_server_idle_mb": round(pss_start),
            "pss_idle_mb": round(pss_idle),
            "pss_mb": round(max(pss_idle, pss_after)),
            "processes": procs,
            "key_p50_ms": round(percentile(keys, 0.5), 1),
            "key_p95_ms": round(percentile(keys, 0.95), 1),
            "keys": len(keys),
            "warm_wait_s": round(warm, 1),
            "settle_s": round(settle, 1),
        }
    finally:
        close_clients(clients)
        server.stop()


def n_articles(root: Path) -> int:
    with contextlib.suppress(OSError, ValueError):
        facts = json.loads((root.parent / f".{root.name}.complete").read_text())
        return int(facts["n"])
    return -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_bench", description=__doc__)
    parser.add_argument("--articles", default="20000", help="archive sizes (default: 20000)")
    parser.add_argument("--sessions", default="1,8,16", help="sessions at once (default: 1,8,16)")
    parser.add_argument("--tree", type=Path, default=REPO, help="checkout to run (default: this)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdeck-serve-bench"))
    parser.add_argument("--query", default="xinwen", help="what every session types")
    parser.add_argument("--json", action="store_true", help="one JSON line per run")
    ns = parser.parse_args(argv)
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        print("serve bench: skipped (no OpenSSH client: apt-get install openssh-client)")
        return 0
    work = ns.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    tree = ns.tree.resolve()
    print(f"serve bench: tree {tree}, work {work}", flush=True)
    for n in [int(x) for x in ns.articles.split(",") if x]:
        root = prepare(tree, work, n)
        for sessions in [int(x) for x in ns.sessions.split(",") if x]:
            result = run_one(tree, work, root, sessions, ns.query)
            if ns.json:
                print(json.dumps(result), flush=True)
            else:
                print(
                    f"{n:>7} articles {sessions:>3} sessions: "
                    f"PSS {result['pss_mb']} MB (idle {result['pss_idle_mb']} MB, "
                    f"server alone {result['pss_server_idle_mb']} MB, "
                    f"{result['processes']} processes); "
                    f"first list p50 {result['first_list_p50_s']} s, "
                    f"max {result['first_list_max_s']} s ({result['listed']}); "
                    f"key p50 {result['key_p50_ms']} ms, p95 {result['key_p95_ms']} ms "
                    f"({result['keys']} keys)",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
