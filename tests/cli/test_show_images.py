"""``newsdeck show PATH --images``: pictures in a terminal, placeholders (and no fetch) in a file."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.image_server import ImageServer, image_server  # noqa: F401
from tui.images.terminal import HALF


def write(path: Path, url: str) -> Path:
    path.write_text(
        "---\ntitle: Harbour\ndate: 2024-05-02\n---\n"
        f'<p>Before.</p><img src="{url}" alt="A boat"><p>After.</p>\n',
        encoding="utf-8",
    )
    return path


def test_not_a_terminal_keeps_placeholders_and_fetches_nothing(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    article = write(tmp_path / "a.md", image_server.url("/img.png"))
    out = subprocess.run(
        [sys.executable, "-m", "tui", "show", str(article), "--images"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "🖼 image: A boat" in out and HALF not in out
    assert image_server.total() == 0


def test_terminal_gets_halfblocks(image_server: ImageServer, tmp_path: Path) -> None:  # noqa: F811
    article = write(tmp_path / "a.md", image_server.url("/img.png"))
    # The conftest gives every test (and its processes) its own config folder.
    conf = Path(os.environ["NEWSDECK_CONFIG_DIR"]) / "config.toml"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text('image_protocol = "halfblocks"\n', encoding="utf-8")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "show", str(article), "--images", "--width", "60"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    proc.wait(60)
    text = data.decode("utf-8", "replace")
    assert HALF in text and "A boat" in text
    assert text.index("Before.") < text.index(HALF) < text.index("After.")
    assert image_server.count("/img.png") == 1
