"""What an article image may cost, and the one-word reasons shown when it is refused.

An image URL comes from an article, so from whoever wrote the feed: every fetch and
decode is bounded (time, bytes, pixels, redirects, schemes) before it can cost the
reader memory, time or privacy.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BLOCKED",
    "DEFAULT_CACHE_MB",
    "FAILED",
    "NOT_AN_IMAGE",
    "REASONS",
    "TIMEOUT",
    "TOO_BIG",
    "ImageFailure",
    "ImageLimits",
]

#: The whole fetch, from connecting to the last byte, took longer than ``timeout_s``.
TIMEOUT = "timeout"
#: More bytes than ``max_bytes`` (announced or received), or more pixels than ``max_pixels``.
TOO_BIG = "too big"
#: The body is not a picture newsdeck decodes (HTML, text, an unsupported format).
NOT_AN_IMAGE = "not an image"
#: Not an http(s) URL, on the first hop or on a redirect (``file:``, a relative path, ``data:``).
BLOCKED = "blocked"
#: Anything else: HTTP error status, too many redirects, connection refused, a truncated or
#: corrupt image whose header was fine.
FAILED = "failed"
REASONS = (TIMEOUT, TOO_BIG, NOT_AN_IMAGE, BLOCKED, FAILED)

#: The cache folder's default bound (the ``image_cache_mb`` setting), in megabytes.
DEFAULT_CACHE_MB = 200


@dataclass(frozen=True, slots=True)
class ImageLimits:
    """Bounds on one image: fetch time, body size, decoded size, redirects."""

    #: The whole fetch, connect to last byte (a slow trickle times out too). DNS lookup is
    #: the one step the stdlib cannot interrupt.
    timeout_s: float = 10.0
    #: Body bytes, checked against Content-Length first and counted while streaming.
    max_bytes: int = 10 * 1024 * 1024
    #: width * height read from the header, checked BEFORE decoding (decompression bombs).
    max_pixels: int = 40_000_000
    #: Redirects followed; one more fails the fetch.
    max_redirects: int = 3


class ImageFailure(Exception):
    """A fetch or decode refused for one of ``REASONS``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
