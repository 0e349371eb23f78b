"""``newsdeck serve web DIR``: the app in a browser, through textual-serve.

textual-serve starts one ``python -m tui DIR`` per browser tab and relays it over
a websocket. It has no authentication at all, so the server binds to loopback by
default and warns loudly when told to listen anywhere else.
"""

from __future__ import annotations

import logging
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual_serve.server import Server

log = logging.getLogger("newsdeck.serve.web")

DEFAULT_PORT = 8000
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

NO_AUTH_WARNING = (
    "newsdeck serve web has NO authentication: anyone who can reach http://{host}:{port}/ "
    "can read every article in {root}. Keep it on 127.0.0.1 and reach it through an SSH "
    "tunnel (ssh -L {port}:127.0.0.1:{port} HOST), or put it behind a proxy that logs people in."
)


def app_command(root: Path) -> str:
    """The shell command textual-serve runs for each browser tab."""
    return shlex.join([sys.executable, "-m", "tui", str(root)])


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``: anywhere else is served unauthenticated."""
    return host in LOOPBACK or host.startswith("127.")


def build_server(root: Path, host: str, port: int, public_url: str | None = None) -> Server:
    """A textual-serve ``Server`` for ``root`` (not started)."""
    from textual_serve.server import Server

    return Server(
        app_command(root.resolve()),
        host=host,
        port=port,
        title=f"newsdeck — {root.name or root}",
        public_url=public_url,
    )


def serve(
    root: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT, public_url: str | None = None
) -> int:
    """Serve until Ctrl+C. Returns the exit code."""
    if not is_loopback(host):
        log.warning(NO_AUTH_WARNING.format(host=host, port=port, root=root))
        if public_url is None:
            log.warning(
                "the page tells browsers to connect to http://%s:%d; pass --public-url "
                "with the address they should use",
                host,
                port,
            )
    server = build_server(root, host, port, public_url)
    try:
        server.serve()
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", host, port, exc)
        return 1
    return 0
