"""``newsdeck serve ssh|web DIR``: argument parsing only; the servers load lazily.

The servers live in :mod:`tui.serve` and know nothing of argparse; this module turns
flags into their configuration, so ``newsdeck list`` never pays for asyncssh.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from tui.cli.common import EXIT_USAGE, checked_directory, error, positive_int

COLOR_SYSTEMS = ("auto", "standard", "256", "truecolor", "windows")


def register(subparsers: Any) -> None:
    """Add ``serve`` with its ``ssh`` and ``web`` subcommands to the main parser."""
    p_serve = subparsers.add_parser("serve", help="serve the app to other machines (SSH or web)")
    sub = p_serve.add_subparsers(dest="serve_command", required=True, metavar="{ssh,web}")

    p_ssh = sub.add_parser(
        "ssh",
        help="an SSH server whose only program is newsdeck",
        description="Every SSH session gets its own newsdeck on a terminal, forked from one "
        "process that loaded the directory once; public-key login against an authorized_keys "
        "file; no shell, exec, forwarding or SFTP.",
    )
    p_ssh.add_argument("directory", type=Path)
    p_ssh.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p_ssh.add_argument("--port", type=_port, default=2222, help="port (default: 2222; 0: any)")
    p_ssh.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        default=Path("~/.ssh/authorized_keys").expanduser(),
        help="public keys allowed to log in (default: ~/.ssh/authorized_keys)",
    )
    p_ssh.add_argument(
        "--host-key",
        type=Path,
        metavar="FILE",
        help="host key (default: generated on first run in the newsdeck data directory)",
    )
    p_ssh.add_argument(
        "--max-sessions",
        type=positive_int,
        default=32,
        metavar="N",
        help="concurrent sessions allowed; one more is told the server is busy (default: 32)",
    )
    p_ssh.add_argument(
        "--spawn-sessions",
        action="store_true",
        help="start every session as a new process that loads the directory itself, instead "
        "of forking it from the warm one (uses much more memory)",
    )
    p_ssh.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=1800.0,
        metavar="SECONDS",
        help="close a session after this long without a keystroke (default: 1800; 0: never)",
    )
    p_ssh.add_argument(
        "--password-env",
        metavar="VAR",
        help="also allow password login, checked against the value of environment variable VAR",
    )
    p_ssh.add_argument(
        "--color-system",
        choices=COLOR_SYSTEMS,
        help="force the app's colours (sets TEXTUAL_COLOR_SYSTEM; default: from the client's TERM)",
    )
    p_ssh.add_argument(
        "--escape-delay",
        type=positive_int,
        metavar="MS",
        help="how long a lone Esc waits for the rest of a key sequence (sets ESCDELAY; "
        "Textual's default is 100)",
    )
    p_ssh.add_argument("-v", "--verbose", action="store_true", help="log resizes and SSH details")
    p_ssh.set_defaults(handler=cmd_ssh)

    # Started by `serve ssh` itself, with its end of a socket pair in the environment.
    p_zygote = sub.add_parser("zygote")
    p_zygote.add_argument("directory", type=Path)
    p_zygote.set_defaults(handler=cmd_zygote)

    p_web = sub.add_parser(
        "web",
        help="the app in a web browser (textual-serve); no authentication",
        description="Serve the app to web browsers through textual-serve. It has no "
        "authentication of its own: keep it on 127.0.0.1 unless something in front logs people in.",
    )
    p_web.add_argument("directory", type=Path)
    p_web.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p_web.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    p_web.add_argument("--public-url", metavar="URL", help="the address browsers use, if different")
    p_web.set_defaults(handler=cmd_web)


def _port(text: str) -> int:
    """argparse type for ``--port``: 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return value


def _seconds(text: str) -> float:
    """argparse type for ``--idle-timeout``: seconds, 0 or more (0 turns it off)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def _setup_logging(verbose: bool = False) -> None:
    """Timestamped lines on stderr: a server runs unattended and its log is all it says."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    logging.getLogger("newsdeck").setLevel(logging.DEBUG if verbose else logging.INFO)
    # asyncssh logs every packet-level step at INFO; ours already say what matters.
    logging.getLogger("asyncssh").setLevel(logging.INFO if verbose else logging.WARNING)


def _root(ns: argparse.Namespace) -> Path | None:
    """The seeds directory as an absolute path (sessions may start elsewhere), or None."""
    root: Path = ns.directory.expanduser().resolve()
    return root if checked_directory(root) else None


def cmd_ssh(ns: argparse.Namespace) -> int:
    """Serve the app over SSH until interrupted."""
    root = _root(ns)
    if root is None:
        return EXIT_USAGE
    try:
        from tui.serve import ssh
    except ImportError as exc:
        error(f"serve ssh needs asyncssh ({exc})")
        return EXIT_USAGE
    _setup_logging(ns.verbose)
    config = ssh.SSHConfig(
        root=root,
        host=ns.host,
        port=ns.port,
        authorized_keys=ns.authorized_keys.expanduser(),
        host_key=ns.host_key.expanduser() if ns.host_key else None,
        max_sessions=ns.max_sessions,
        idle_timeout=ns.idle_timeout,
        password_env=ns.password_env,
        color_system=ns.color_system,
        escape_delay_ms=ns.escape_delay,
        fork=not ns.spawn_sessions,
    )
    return ssh.serve(config)


def cmd_zygote(ns: argparse.Namespace) -> int:
    """The warm parent of ``serve ssh``'s sessions (started by the server, not by people)."""
    root = _root(ns)
    if root is None:
        return EXIT_USAGE
    from tui.app import preload
    from tui.serve import zygote

    _setup_logging()
    return zygote.run_zygote(lambda: preload.warm(root), lambda: preload.run_session(root))


def cmd_web(ns: argparse.Namespace) -> int:
    """Serve the app to web browsers until interrupted."""
    root = _root(ns)
    if root is None:
        return EXIT_USAGE
    try:
        import textual_serve  # noqa: F401
    except ImportError as exc:
        error(f"serve web needs textual-serve ({exc})")
        return EXIT_USAGE
    from tui.serve import web

    _setup_logging()
    return web.serve(root, ns.host, ns.port, ns.public_url)
