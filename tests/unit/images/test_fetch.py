"""Fetching within limits, against the loopback image server: schemes, redirects, time, bytes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.image_server import ImageServer, image_server, serve_images
from tui.images.fetch import check_url, fetch
from tui.images.limits import BLOCKED, FAILED, TIMEOUT, TOO_BIG, ImageFailure, ImageLimits

__all__ = ["image_server"]  # the fixture, used by argument name

LIMITS = ImageLimits(timeout_s=5.0)


def _reason(url: str, limits: ImageLimits = LIMITS) -> str:
    with pytest.raises(ImageFailure) as caught:
        fetch(url, limits)
    return caught.value.reason


def test_a_picture_is_fetched_whole(image_server: ImageServer) -> None:
    assert fetch(image_server.url("/img.png"), LIMITS) == image_server.bodies["/img.png"][0]
    assert image_server.count("/img.png") == 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "/etc/passwd",
        "images/a.png",
        "../a.png",
        "//127.0.0.1/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://127.0.0.1/a.png",
        "javascript:alert(1)",
        "http:///no-host.png",
        "",
    ],
)
def test_only_http_urls_with_a_host_are_fetched(url: str) -> None:
    with pytest.raises(ImageFailure) as caught:
        check_url(url)
    assert caught.value.reason == BLOCKED
    assert _reason(url) == BLOCKED


def test_a_redirect_to_file_is_blocked(image_server: ImageServer) -> None:
    assert _reason(image_server.url("/to-file")) == BLOCKED
    assert image_server.count("/to-file") == 1


def test_three_redirects_are_followed_a_fourth_is_not(image_server: ImageServer) -> None:
    body = image_server.bodies["/img.png"][0]
    assert fetch(image_server.url("/chain/3"), LIMITS) == body
    assert [image_server.count(f"/chain/{n}") for n in (3, 2, 1)] == [1, 1, 1]
    assert image_server.count("/img.png") == 1
    assert _reason(image_server.url("/chain/4")) == FAILED
    assert image_server.count("/img.png") == 1  # the 4th hop was never asked for
    assert _reason(image_server.url("/chain/1"), ImageLimits(max_redirects=0)) == FAILED


def test_a_redirect_loop_stops_after_the_limit(image_server: ImageServer) -> None:
    assert _reason(image_server.url("/loop")) == FAILED
    assert image_server.count("/loop") == 1 + LIMITS.max_redirects


def test_a_slow_trickle_times_out_on_the_whole_fetch_not_per_read() -> None:
    # 8 bytes every 0.1 s: each read is quick, the whole body takes seconds
    with serve_images(trickle_s=0.1) as server:
        started = time.monotonic()
        assert _reason(server.url("/slow.png"), ImageLimits(timeout_s=0.6)) == TIMEOUT
        elapsed = time.monotonic() - started
        assert elapsed < 2.0, elapsed  # bounded by the deadline, not by the body's length
        assert server.count("/slow.png") == 1


def test_an_unanswered_connection_times_out() -> None:
    import socket

    with socket.socket() as listener:  # accepts (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        assert _reason(f"http://127.0.0.1:{port}/x.png", ImageLimits(timeout_s=0.3)) == TIMEOUT


def test_content_length_over_the_limit_is_refused_before_reading(
    image_server: ImageServer,
) -> None:
    assert _reason(image_server.url("/huge.png")) == TOO_BIG


def test_bytes_are_counted_while_streaming(image_server: ImageServer) -> None:
    limits = ImageLimits(timeout_s=5.0, max_bytes=1024 * 1024)
    assert _reason(image_server.url("/huge-stream.png"), limits) == TOO_BIG
    small = ImageLimits(max_bytes=len(image_server.bodies["/img.png"][0]) - 1)
    assert _reason(image_server.url("/img.png"), small) == TOO_BIG


def test_a_body_shorter_than_announced_fails(image_server: ImageServer) -> None:
    assert _reason(image_server.url("/short.png")) == FAILED


def test_http_errors_and_refused_connections_fail(image_server: ImageServer) -> None:
    assert _reason(image_server.url("/missing.png")) == FAILED
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: refused
        assert _reason(f"http://127.0.0.1:{port}/x.png") == FAILED


def test_check_url_never_touches_the_filesystem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins
    import os

    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    monkeypatch.chdir(tmp_path)
    touched: list[str] = []

    def spy(name: str, real: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            touched.append(f"{name}{args[:1]}")
            return real(*args, **kwargs)  # type: ignore[operator]

        return wrapper

    for module, name in ((builtins, "open"), (os, "open"), (os, "stat"), (os, "scandir")):
        monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
    for url in ("a.png", "./a.png", f"file://{tmp_path}/a.png", str(tmp_path / "a.png")):
        assert _reason(url) == BLOCKED
    monkeypatch.undo()
    assert touched == []
