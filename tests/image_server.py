"""A loopback HTTP server of test images, good and hostile, that counts requests per path.

Shared by the image unit tests, the app's Pilot tests, the ``serve ssh`` test and the
benchmark. It listens on 127.0.0.1 only, on a free port; every image is drawn with
Pillow at start-up, so nothing binary lives in the repository.

Use the fixture (``from tests.image_server import image_server`` in a conftest or test
module), or ``with serve_images() as server:`` anywhere. Paths:

  /img.png /img.jpg /img.webp /img.gif  64x48 pictures (GIF: 2 frames, the first red)
  /alpha.png                            RGBA with a transparent half
  /truncated.png                        the first half of a PNG (Content-Length says so)
  /bomb.png                             a ~100-byte PNG whose header says 20000x20000
  /big-header.png                       a tiny PNG whose header says 8000x8000 (64 Mpx)
  /page.html                            an HTML page (not an image)
  /loop                                 redirects to itself
  /chain/N                              N redirects, then /img.png (/chain/3 ok, /chain/4 not)
  /to-file                              redirects to file:///etc/passwd
  /slow.png                             /img.png a few bytes every ``trickle_s`` seconds
  /huge.png                             Content-Length 64 MiB (nothing more is sent)
  /huge-stream.png                      no Content-Length, 12 MiB streamed until closed
  /short.png                            Content-Length larger than the bytes sent
  /missing.png                          404
and anything added with ``server.add(path, body, content_type)``.
"""

from __future__ import annotations

import io
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from PIL import Image

__all__ = ["ImageServer", "bomb_png", "image_bytes", "image_server", "serve_images"]


def image_bytes(
    fmt: str, size: tuple[int, int] = (64, 48), color: tuple[int, ...] = (200, 30, 30)
) -> bytes:
    """A picture of ``size`` in ``fmt`` (PNG, JPEG, WEBP, GIF, BMP), left half ``color``."""
    mode = "RGBA" if len(color) == 4 else "RGB"
    image = Image.new(mode, size, (20, 120, 220, 255)[: len(color)])
    image.paste(color, (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _gif_two_frames() -> bytes:
    first = Image.new("RGB", (64, 48), (255, 0, 0))
    second = Image.new("RGB", (64, 48), (0, 0, 255))
    out = io.BytesIO()
    first.save(out, format="GIF", save_all=True, append_images=[second], duration=100, loop=0)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid-looking PNG of a few hundred bytes whose IHDR claims ``width`` x ``height``."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


class ImageServer:
    """The running server: ``url(path)``, ``count(path)``, ``add(...)``."""

    def __init__(self, trickle_s: float = 0.25) -> None:
        self.trickle_s = trickle_s
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        png = image_bytes("PNG")
        whole = image_bytes("PNG", size=(256, 256))
        self.bodies: dict[str, tuple[bytes, str]] = {
            "/img.png": (png, "image/png"),
            "/img.jpg": (image_bytes("JPEG"), "image/jpeg"),
            "/img.webp": (image_bytes("WEBP"), "image/webp"),
            "/img.gif": (_gif_two_frames(), "image/gif"),
            "/alpha.png": (image_bytes("PNG", color=(0, 0, 0, 0)), "image/png"),
            "/truncated.png": (whole[: len(whole) // 2], "image/png"),
            "/bomb.png": (bomb_png(), "image/png"),
            "/big-header.png": (bomb_png(8000, 8000), "image/png"),
            "/page.html": (b"<!doctype html><title>hi</title><p>not a picture</p>", "text/html"),
        }
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    server.counts[path] += 1
                with suppress(BrokenPipeError, ConnectionResetError):  # the client hung up
                    server._answer(self, path)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- what tests use --------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        with self._lock:
            return self.counts[path]

    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    def add(self, path: str, body: bytes, content_type: str = "image/png") -> str:
        """Serve ``body`` at ``path``; returns its URL."""
        self.bodies[path] = (body, content_type)
        return self.url(path)

    def start(self) -> ImageServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- answers ---------------------------------------------------------------------

    def _answer(self, h: BaseHTTPRequestHandler, path: str) -> None:
        if path in self.bodies:
            body, kind = self.bodies[path]
            self._send(h, 200, body, kind)
        elif path == "/loop":
            self._redirect(h, "/loop")
        elif path.startswith("/chain/") and path[7:].isdigit():
            left = int(path[7:])
            self._redirect(h, f"/chain/{left - 1}" if left > 1 else "/img.png")
        elif path == "/to-file":
            self._redirect(h, "file:///etc/passwd")
        elif path == "/slow.png":
            body = self.bodies["/img.png"][0]
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            for i in range(0, len(body), 8):
                if self._stopping.wait(self.trickle_s):
                    return
                h.wfile.write(body[i : i + 8])
                h.wfile.flush()
        elif path == "/huge.png":
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.send_header("Content-Length", str(64 * 1024 * 1024))
            h.end_headers()
        elif path == "/huge-stream.png":
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.end_headers()
            block = b"\x00" * 65536
            for _ in range(12 * 16):
                if self._stopping.is_set():
                    return
                h.wfile.write(block)
        elif path == "/short.png":
            body = self.bodies["/img.png"][0]
            h.send_response(200)
            h.send_header("Content-Type", "image/png")
            h.send_header("Content-Length", str(len(body) + 1000))
            h.end_headers()
            h.wfile.write(body)
        else:
            self._send(h, 404, b"not found", "text/plain")

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    @staticmethod
    def _redirect(h: BaseHTTPRequestHandler, location: str) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()


@contextmanager
def serve_images(trickle_s: float = 0.25) -> Iterator[ImageServer]:
    """Run an ``ImageServer`` on 127.0.0.1 for the ``with`` block."""
    server = ImageServer(trickle_s=trickle_s).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    """A fresh loopback image server (fresh request counts) per test."""
    with serve_images() as server:
        yield server


if __name__ == "__main__":  # a manual check: python -m tests.image_server
    with serve_images() as running:
        print(running.url("/img.png"), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
