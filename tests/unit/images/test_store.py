"""The image store: cache hits without a request, LRU eviction, atomic writes, failures in memory."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from PIL import Image

from tests.image_server import ImageServer, image_server
from tui.images import ImageLimits, ImageStore, image_cache_dir
from tui.images.store import FAILURE_TTL_S, cache_key

__all__ = ["image_server"]  # the fixture, used by argument name


def _noise_png(seed: int, side: int = 365) -> bytes:
    """About 400 kB that PNG cannot compress: two fit in 1 MB, three do not."""
    rng = __import__("random").Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_cache_folder_is_images_in_the_cache_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(tmp_path / "c"))
    assert image_cache_dir() == tmp_path / "c" / "images"


@pytest.mark.parametrize("path", ["/img.png", "/img.jpg", "/img.webp", "/img.gif"])
def test_a_second_get_is_a_cache_hit_without_a_request(
    image_server: ImageServer, tmp_path: Path, path: str
) -> None:
    store = ImageStore(tmp_path / "images")
    url = image_server.url(path)
    assert not store.cached(url)
    first = store.get(url)
    assert first.reason is None and first.image is not None and not first.from_cache
    assert first.image.mode == "RGB" and first.image.size == (64, 48)
    assert store.cached(url)
    second = store.get(url)
    assert second.from_cache and second.image is not None
    assert second.image.tobytes() == first.image.tobytes()
    # another process on the same folder (a second serve ssh session) hits too
    third = ImageStore(tmp_path / "images").get(url)
    assert third.from_cache
    assert image_server.count(path) == 1
    assert _files(tmp_path / "images") == [cache_key(url)]
    assert (tmp_path / "images" / cache_key(url)).read_bytes() == image_server.bodies[path][0]


def test_the_key_is_a_hash_so_no_url_text_reaches_the_disk(
    image_server: ImageServer, tmp_path: Path
) -> None:
    url = image_server.url("/img.png") + "?../../etc/passwd"
    image_server.add("/img.png", image_server.bodies["/img.png"][0])
    store = ImageStore(tmp_path / "images")
    assert store.get(url).reason is None
    (name,) = _files(tmp_path / "images")
    assert name == cache_key(url) and len(name) == 64 + 4 and "/" not in name


def test_least_recently_used_files_go_past_max_mb(
    image_server: ImageServer, tmp_path: Path
) -> None:
    folder = tmp_path / "images"
    urls = [image_server.add(f"/n{i}.png", _noise_png(i)) for i in range(3)]
    assert all(390_000 < len(image_server.bodies[f"/n{i}.png"][0]) < 420_000 for i in range(3))
    store = ImageStore(folder, max_mb=1)
    a, b, c = urls
    store.get(a)
    os.utime(folder / cache_key(a), (1_000, 1_000))  # long ago...
    store.get(b)
    os.utime(folder / cache_key(b), (2_000, 2_000))
    assert store.get(a).from_cache  # ...but a hit makes it the most recent
    store.get(c)
    assert store.cached(a) and store.cached(c) and not store.cached(b)
    assert sum(p.stat().st_size for p in folder.iterdir()) <= 1024 * 1024
    assert not store.get(b).from_cache  # evicted, so fetched again
    assert image_server.count("/n1.png") == 2 and image_server.count("/n0.png") == 1


def test_max_mb_zero_keeps_nothing_on_disk(image_server: ImageServer, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images", max_mb=0)
    url = image_server.url("/img.png")
    assert store.get(url).image is not None
    assert _files(tmp_path / "images") == []
    assert not store.get(url).from_cache


def test_writes_are_atomic_temp_then_rename(
    image_server: ImageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "images"
    url = image_server.url("/img.png")
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def spying_replace(src: str, dst: str | Path) -> None:
        renames.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spying_replace)
    ImageStore(folder).get(url)
    ((src, dst),) = renames
    assert Path(src).parent == folder and Path(src).name.startswith(".tmp-")
    assert dst == str(folder / cache_key(url))

    def failing_replace(src: str, dst: str | Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    other = image_server.url("/img.jpg")
    result = ImageStore(folder).get(other)
    assert result.image is not None  # a full disk costs the cache, not the picture
    assert _files(folder) == [cache_key(url)]  # no half file, no temp left behind


def test_a_corrupt_cache_file_is_fetched_again(image_server: ImageServer, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    url = image_server.url("/img.png")
    store.get(url)
    store.path_for(url).write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    again = store.get(url)
    assert again.image is not None and not again.from_cache
    assert store.path_for(url).read_bytes() == image_server.bodies["/img.png"][0]


def test_failures_are_remembered_briefly_in_memory_only(
    image_server: ImageServer, tmp_path: Path
) -> None:
    now = [100.0]
    store = ImageStore(tmp_path / "images", clock=lambda: now[0])
    url = image_server.url("/page.html")
    first = store.get(url)
    assert (first.reason, first.from_cache) == ("not an image", False)
    again = store.get(url)
    assert (again.reason, again.from_cache) == ("not an image", True)
    assert image_server.count("/page.html") == 1
    assert _files(tmp_path / "images") == []  # a failure is never written
    now[0] += FAILURE_TTL_S + 1
    assert store.get(url).reason == "not an image"
    assert image_server.count("/page.html") == 2
    store.forget_failures()
    store.get(url)
    assert image_server.count("/page.html") == 3


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/truncated.png", "failed"),
        ("/bomb.png", "too big"),
        ("/big-header.png", "too big"),
        ("/page.html", "not an image"),
        ("/loop", "failed"),
        ("/chain/4", "failed"),
        ("/to-file", "blocked"),
        ("/huge.png", "too big"),
        ("/missing.png", "failed"),
    ],
)
def test_each_failure_has_its_one_word_reason(
    image_server: ImageServer, tmp_path: Path, path: str, reason: str
) -> None:
    result = ImageStore(tmp_path / "images").get(image_server.url(path))
    assert (result.image, result.reason, result.from_cache) == (None, reason, False)
    assert _files(tmp_path / "images") == []


def test_a_timeout_is_a_reason_too(image_server: ImageServer, tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images", limits=ImageLimits(timeout_s=0.3))
    assert store.get(image_server.url("/slow.png")).reason == "timeout"


def test_blocked_urls_touch_neither_disk_nor_network(
    image_server: ImageServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(image_server.bodies["/img.png"][0])
    monkeypatch.chdir(tmp_path)
    store = ImageStore(tmp_path / "images")
    opened: list[object] = []
    real_read = Path.read_bytes

    def spying_read(self: Path) -> bytes:
        opened.append(self)
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", spying_read)
    for url in ("secret.png", f"file://{secret}", str(secret), "file:secret.png"):
        result = store.get(url)
        assert (result.image, result.reason) == (None, "blocked")
    assert opened == [] and image_server.total() == 0
    assert not (tmp_path / "images").exists()


def test_concurrent_gets_of_one_url_fetch_it_once(
    image_server: ImageServer, tmp_path: Path
) -> None:
    store = ImageStore(tmp_path / "images")
    urls = [image_server.url(p) for p in ("/img.png", "/img.jpg", "/img.webp")]
    results: list[object] = []
    barrier = threading.Barrier(12)

    def worker(url: str) -> None:
        barrier.wait()
        results.append(store.get(url))

    threads = [threading.Thread(target=worker, args=(urls[i % 3],)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 12
    assert all(getattr(r, "image", None) is not None for r in results)
    assert [image_server.count(p) for p in ("/img.png", "/img.jpg", "/img.webp")] == [1, 1, 1]
    assert len(_files(tmp_path / "images")) == 3


def test_stale_temp_files_of_a_crashed_writer_are_removed(
    image_server: ImageServer, tmp_path: Path
) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    stale, fresh = folder / ".tmp-crashed", folder / ".tmp-writing"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    os.utime(stale, (1_000, 1_000))
    ImageStore(folder).get(image_server.url("/img.png"))
    assert not stale.exists() and fresh.exists()
