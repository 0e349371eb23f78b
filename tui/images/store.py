"""Fetch-and-cache of article images: files in the cache folder keyed by a hash of the URL.

Only bytes that decoded are kept, each written atomically (temp file + ``os.replace``) so a
crash or a second process (every ``serve ssh`` session is one) never sees half a file. The
folder is bounded by ``max_mb``: a hit sets the file's mtime to now (atime is unreliable on
``noatime``/``relatime`` mounts), and after each write the least recently used files go
until the rest fit. The folder is re-listed for that rather than indexed in memory, so
several processes sharing it stay right; a few thousand entries list in milliseconds.

Failures are remembered in memory only, for ``FAILURE_TTL_S``, so a dead URL is not asked
again on every keypress, and asked again later in case it was a passing outage.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tui.images.decode import decode
from tui.images.fetch import check_url, fetch
from tui.images.limits import DEFAULT_CACHE_MB, ImageFailure, ImageLimits

__all__ = ["FAILURE_TTL_S", "ImageResult", "ImageStore", "cache_key"]

#: How long a failed URL answers from memory before it is fetched again.
FAILURE_TTL_S = 60.0
_SUFFIX = ".img"
_TEMP_PREFIX = ".tmp-"
#: A temp file older than this is a crashed writer's: removed when the folder is listed.
_STALE_TEMP_S = 3600.0


@dataclass(frozen=True, slots=True)
class ImageResult:
    """One image asked for: the picture, or why there is none."""

    url: str
    #: Decoded, RGB or RGBA, the first frame of an animation; None on failure.
    image: Image.Image | None
    #: One word (``tui.images.limits.REASONS``) on failure, else None.
    reason: str | None
    #: True when the bytes came from the cache folder (or the failure from memory).
    from_cache: bool


def cache_key(url: str) -> str:
    """The file name for ``url``'s bytes: a hash, so no URL text reaches the filesystem."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest() + _SUFFIX


class ImageStore:
    """Fetch-and-cache of article images, keyed by URL, in the cache dir, LRU-evicted past
    max_mb. Thread-safe, blocking: call it from a worker thread, never the UI thread."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        max_mb: int = DEFAULT_CACHE_MB,
        limits: ImageLimits = ImageLimits(),  # noqa: B008 (frozen, so one shared default is safe)
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cache_dir = cache_dir
        self.max_bytes = max(0, max_mb) * 1024 * 1024
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[str, float]] = {}
        self._inflight: dict[str, threading.Lock] = {}

    def path_for(self, url: str) -> Path:
        """Where ``url``'s bytes are (or would be) kept."""
        return self.cache_dir / cache_key(url)

    def cached(self, url: str) -> bool:
        """Whether ``url``'s bytes are on disk; no network."""
        return self.path_for(url).is_file()

    def get(self, url: str) -> ImageResult:
        """The decoded image for ``url``: from the cache folder, else fetched (blocking)."""
        try:
            check_url(url)
        except ImageFailure as failure:
            return ImageResult(url, None, failure.reason, from_cache=False)
        remembered = self._failure(url)
        if remembered is not None:
            return ImageResult(url, None, remembered, from_cache=True)
        with self._url_lock(url):
            # a thread that waited here may find the bytes (or the failure) just stored
            remembered = self._failure(url)
            if remembered is not None:
                return ImageResult(url, None, remembered, from_cache=True)
            hit = self._from_disk(url)
            if hit is not None:
                return hit
            try:
                data = fetch(url, self.limits)
                image = decode(data, self.limits.max_pixels)
            except ImageFailure as failure:
                with self._lock:
                    self._failures[url] = (failure.reason, self._clock() + FAILURE_TTL_S)
                return ImageResult(url, None, failure.reason, from_cache=False)
            self._store(url, data)
            return ImageResult(url, image, None, from_cache=False)

    def forget_failures(self) -> None:
        """Drop the remembered failures (the next ``get`` asks the network again)."""
        with self._lock:
            self._failures.clear()

    # -- internals -------------------------------------------------------------------

    def _failure(self, url: str) -> str | None:
        with self._lock:
            entry = self._failures.get(url)
            if entry is None:
                return None
            reason, until = entry
            if self._clock() < until:
                return reason
            del self._failures[url]
            return None

    def _url_lock(self, url: str) -> threading.Lock:
        """One fetch per URL at a time; other URLs go on in parallel."""
        with self._lock:
            lock = self._inflight.get(url)
            if lock is None:
                lock = self._inflight[url] = threading.Lock()
            if len(self._inflight) > 256:
                # drop idle locks so the map does not grow with every URL ever seen
                for key in [k for k, v in self._inflight.items() if not v.locked() and k != url]:
                    del self._inflight[key]
            return lock

    def _from_disk(self, url: str) -> ImageResult | None:
        path = self.path_for(url)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            image = decode(data, self.limits.max_pixels)
        except ImageFailure:
            # corrupt on disk (or stricter limits now): fetch it again
            path.unlink(missing_ok=True)
            return None
        # most recently used; if another process evicted it meanwhile, the image is decoded anyway
        with contextlib.suppress(OSError):
            os.utime(path)
        return ImageResult(url, image, None, from_cache=True)

    def _store(self, url: str, data: bytes) -> None:
        """Keep ``data`` atomically, then evict; a full or read-only disk only costs the cache."""
        if len(data) > self.max_bytes:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=self.cache_dir)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, self.path_for(url))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self._evict()

    def _evict(self) -> None:
        """Remove least recently used files until the folder holds at most ``max_bytes``."""
        entries: list[tuple[float, int, str]] = []
        total = 0
        now = time.time()
        try:
            with os.scandir(self.cache_dir) as listing:
                for entry in listing:
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if entry.name.startswith(_TEMP_PREFIX):
                        if now - stat.st_mtime > _STALE_TEMP_S:
                            Path(entry.path).unlink(missing_ok=True)
                        continue
                    if not entry.name.endswith(_SUFFIX) or not entry.is_file():
                        continue
                    entries.append((stat.st_mtime, stat.st_size, entry.path))
                    total += stat.st_size
        except OSError:
            return
        if total <= self.max_bytes:
            return
        entries.sort()
        for _mtime, size, path in entries:
            if total <= self.max_bytes:
                break
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError:
                continue
            total -= size
