"""``newsdeck serve web``: the page, the app over its websocket, and a real browser.

The browser test drives headless Chromium over the DevTools protocol and reads the
terminal stream the page receives (xterm.js draws on a canvas, so the DOM holds no
text). ``make test`` installs Chromium (Debian's ``chromium``); without it the test is
skipped, except under ``CI=true``, where a missing or broken browser fails it.
``NEWSDECK_CHROMIUM=/path`` picks another binary. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.locations import REPO

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

from tui.serve import web as serve_web  # noqa: E402

SAMPLES = REPO / "sample_seeds"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ascii_titles() -> list[str]:
    from tui.files.scan import scan

    return [a.title for a in scan(SAMPLES) if a.ok and a.title.isascii() and len(a.title) > 12]


@pytest.fixture(scope="module")
def web_url() -> Iterator[str]:
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - must outlive this frame; closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "web", str(SAMPLES), "--port", str(port)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, "serve web exited early"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("serve web did not start listening") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


async def test_index_page(web_url: str) -> None:
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession() as http, http.get(web_url + "/", timeout=timeout) as resp:
        assert resp.status == 200
        assert resp.content_type == "text/html"
        page = await resp.text()
    assert "textual.js" in page
    assert "newsdeck" in page
    assert web_url.replace("http:", "ws:") + "/ws" in page


async def test_websocket_runs_the_app(web_url: str) -> None:
    """What the page's script does: open the websocket and receive the app's screen."""
    wanted = [t[:12] for t in ascii_titles()]
    seen = b""
    ws_url = web_url.replace("http:", "ws:") + "/ws?width=120&height=36"
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url) as ws:

        async def read() -> None:
            nonlocal seen
            while not any(t.encode() in seen for t in wanted):
                msg = await ws.receive()
                if msg.type == aiohttp.WSMsgType.BINARY:
                    seen += msg.data
                elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    raise AssertionError("websocket closed before the list was drawn")

        await asyncio.wait_for(read(), 30)
        await ws.send_json(["stdin", "q"])
    assert any(t.encode() in seen for t in wanted)


def test_warns_when_not_on_loopback(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[str, int]] = []

    class FakeServer:
        def __init__(self, host: str, port: int) -> None:
            self.host, self.port = host, port

        def serve(self) -> None:
            served.append((self.host, self.port))

    monkeypatch.setattr(
        serve_web, "build_server", lambda root, host, port, url=None: FakeServer(host, port)
    )
    with caplog.at_level(logging.WARNING, logger="newsdeck.serve.web"):
        assert serve_web.serve(SAMPLES, "127.0.0.1", 8123) == 0
        assert "NO authentication" not in caplog.text
        assert serve_web.serve(SAMPLES, "192.0.2.7", 8124) == 0
    assert "NO authentication" in caplog.text
    assert served == [("127.0.0.1", 8123), ("192.0.2.7", 8124)]


def test_app_command_quotes_the_directory(tmp_path: Path) -> None:
    odd = tmp_path / "news; rm -rf x"
    command = serve_web.app_command(odd)
    assert command.endswith("'" + str(odd) + "'")


# --- a real browser -----------------------------------------------------------------------


#: Flags for a quiet, self-contained headless browser: no sandbox (tests run as root), no
#: GPU, and none of the background traffic (QUIC, updates, sync) a test machine cannot reach.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
]


def _no_browser(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI, where ``make test`` installs Chromium."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: make test installs Debian's chromium)")
    pytest.skip(reason)


def _chromium() -> str:
    wanted = os.environ.get("NEWSDECK_CHROMIUM")
    names = [wanted] if wanted else ["chromium", "chromium-browser", "google-chrome"]
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    _no_browser(f"Chromium is not installed (looked for {', '.join(names)})")


async def _cdp_call(ws, counter: list[int], method: str, **params: object) -> int:  # type: ignore[no-untyped-def]
    counter[0] += 1
    await ws.send_str(json.dumps({"id": counter[0], "method": method, "params": params}))
    return counter[0]


async def test_chromium_shows_an_article_title(web_url: str, tmp_path: Path) -> None:
    chromium = _chromium()
    profile = tmp_path / "profile"
    profile.mkdir()
    log = (tmp_path / "chromium.log").open("wb")
    browser = subprocess.Popen(
        [
            chromium,
            *CHROMIUM_FLAGS,
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",  # new and empty: no state from another run
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or browser.poll() is not None:
                tail = (tmp_path / "chromium.log").read_bytes()[-2000:].decode(errors="replace")
                _no_browser(f"Chromium did not start its DevTools endpoint:\n{tail}")
            await asyncio.sleep(0.1)
        devtools_port = int(port_file.read_text().split()[0])
        wanted = [t[:12] for t in ascii_titles()]
        received = b""
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{devtools_port}/json/list") as resp:
                targets = await resp.json(content_type=None)
            page = next(t for t in targets if t.get("type") == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                counter = [0]
                await _cdp_call(ws, counter, "Network.enable")
                await _cdp_call(ws, counter, "Page.navigate", url=web_url + "/")

                async def watch() -> None:
                    nonlocal received
                    while not any(t.encode() in received for t in wanted):
                        msg = await ws.receive()
                        if msg.type != aiohttp.WSMsgType.TEXT:
                            raise AssertionError("DevTools connection closed")
                        event = json.loads(msg.data)
                        if event.get("method") != "Network.webSocketFrameReceived":
                            continue
                        frame = event["params"]["response"]
                        data = frame["payloadData"]
                        received += (
                            base64.b64decode(data) if frame.get("opcode") == 2 else data.encode()
                        )

                await asyncio.wait_for(watch(), 40)
                # Keep a picture for people checking by eye (NEWSDECK_SCREENSHOT=path).
                shot_to = os.environ.get("NEWSDECK_SCREENSHOT")
                if shot_to:
                    await asyncio.sleep(1.5)
                    call = await _cdp_call(ws, counter, "Page.captureScreenshot")
                    while True:
                        reply = json.loads((await asyncio.wait_for(ws.receive(), 10)).data)
                        if reply.get("id") == call:
                            Path(shot_to).write_bytes(base64.b64decode(reply["result"]["data"]))
                            break
        assert any(t.encode() in received for t in wanted)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait(timeout=5)
        log.close()
