"""One http(s) GET of an image URL, within ``ImageLimits``.

``http.client`` rather than ``urllib``: the socket is public there, so every read gets
the time left before ONE deadline (a server trickling a byte a second still times out),
and redirects are followed by hand, each hop checked for its scheme. No cookies, no
Referer, no proxies from the environment: the request says as little as it can about
who reads what.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from tui.images.limits import BLOCKED, FAILED, TIMEOUT, TOO_BIG, ImageFailure, ImageLimits

__all__ = ["USER_AGENT", "check_url", "fetch"]

USER_AGENT = "newsdeck (terminal news reader)"
_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


def check_url(url: str) -> None:
    """Refuse anything but an absolute http(s) URL with a host (``file:``, relative paths,
    ``data:``): raises ``ImageFailure("blocked")``. Never touches the filesystem."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise ImageFailure(BLOCKED, f"unparsable URL {url!r}") from exc
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise ImageFailure(BLOCKED, f"not an http(s) URL: {url!r}")


def fetch(url: str, limits: ImageLimits) -> bytes:
    """The body of ``url`` after at most ``limits.max_redirects`` redirects.

    Raises ``ImageFailure`` with the reason: blocked (scheme, on any hop), timeout (the
    whole fetch), too big (Content-Length or bytes received), failed (status, network,
    too many redirects, a body shorter than announced).
    """
    deadline = time.monotonic() + limits.timeout_s
    check_url(url)
    current = url.strip()
    for _hop in range(limits.max_redirects + 1):
        location = _get(current, limits, deadline)
        if isinstance(location, bytes):
            return location
        current = urljoin(current, location)
        check_url(current)
    raise ImageFailure(FAILED, f"more than {limits.max_redirects} redirects")


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise ImageFailure(TIMEOUT)
    return left


def _get(url: str, limits: ImageLimits, deadline: float) -> bytes | str:
    """One request: the body, or the Location of a redirect."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn: http.client.HTTPConnection
    if parts.scheme.lower() == "https":
        conn = http.client.HTTPSConnection(
            host, parts.port, timeout=_left(deadline), context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(host, parts.port, timeout=_left(deadline))
    try:
        conn.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "image/*",
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
        )
        # getresponse() drops conn.sock when the server closes after the body (HTTP/1.0,
        # Connection: close), but the response still reads from this socket: keep it.
        sock = conn.sock
        _bound(sock, deadline)
        response = conn.getresponse()
        if response.status in _REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise ImageFailure(FAILED, f"HTTP {response.status} without a Location")
            return location
        if response.status != 200:
            raise ImageFailure(FAILED, f"HTTP {response.status}")
        return _body(sock, response, limits, deadline)
    except ImageFailure:
        raise
    except TimeoutError as exc:  # socket.timeout is TimeoutError since 3.10
        raise ImageFailure(TIMEOUT) from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise ImageFailure(FAILED, f"{type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()


def _bound(sock: socket.socket | None, deadline: float) -> None:
    """Give the socket's next blocking read only the time left (timeout when none is)."""
    left = _left(deadline)
    if sock is not None:
        sock.settimeout(left)


def _body(
    sock: socket.socket | None,
    response: http.client.HTTPResponse,
    limits: ImageLimits,
    deadline: float,
) -> bytes:
    header = (response.getheader("Content-Length") or "").strip()
    announced = int(header) if header.isdigit() else None
    if announced is not None and announced > limits.max_bytes:
        raise ImageFailure(TOO_BIG, f"Content-Length {announced}")
    chunks: list[bytes] = []
    received = 0
    while True:
        _bound(sock, deadline)
        # read1: returns what one recv brings, so a trickle cannot hold a read open
        # across the deadline (read(n) would wait for n bytes).
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > limits.max_bytes:
            raise ImageFailure(TOO_BIG, f"more than {limits.max_bytes} bytes")
        chunks.append(chunk)
    if announced is not None and received < announced:
        # read1 does not raise IncompleteRead as read() does: a cut connection
        raise ImageFailure(FAILED, f"{received} of {announced} bytes")
    return b"".join(chunks)
