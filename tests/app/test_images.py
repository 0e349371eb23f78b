"""Images in the reader: per mode (off/ask/auto), per forced protocol, failures, privacy.

The app's graphics output (:meth:`NewsdeckApp.write_graphics`, what reaches the
terminal beside Textual's screen updates) is captured; half-blocks are in the lines.
Every image comes from the loopback server of :mod:`tests.image_server`.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from tests.app.test_app import main, settle
from tests.image_server import ImageServer, image_server  # noqa: F401
from tui.app.app import NewsdeckApp
from tui.app.screens.main import PREVIEW_DELAY
from tui.images import ImageLimits, ImageStore
from tui.images.terminal import HALF, KITTY_PLACEHOLDER, Terminal
from tui.store.config import Config

TITLE = "Pictures of the harbour"


def write_article(root: Path, server: ImageServer, body_images: list[tuple[str, str]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    filler = "<p>More words to read.</p>" * 6
    imgs = "".join(
        f'<p>Paragraph {n} of words before the picture.</p><img src="{url}" alt="{alt}">{filler}'
        for n, (url, alt) in enumerate(body_images)
    )
    text = (
        "---\n"
        f"title: {TITLE}\n"
        "date: 2024-05-02 08:00:00\n"
        "url: https://example.com/harbour\n"
        "---\n"
        f"<div><p>Opening words.</p>{imgs}<p>Closing words of the article.</p></div>\n"
    )
    (root / "harbour.md").write_text(text, encoding="utf-8")
    return root


class Captured:
    """What the app wrote to the terminal outside its screen updates."""

    def __init__(self, app: NewsdeckApp) -> None:
        self.data: list[str] = []
        app.write_graphics = self.data.append  # type: ignore[method-assign]

    @property
    def text(self) -> str:
        return "".join(self.data)


def make_app(
    root: Path, tmp_path: Path, *, mode: str, protocol: str = "halfblocks", timeout: float = 5.0
) -> NewsdeckApp:
    config = dataclasses.replace(Config(), images=mode, image_protocol=protocol)
    store = ImageStore(tmp_path / "cache", limits=ImageLimits(timeout_s=timeout))
    return NewsdeckApp(root, config=config, image_store=store, image_terminal=Terminal(protocol))


def reader_lines(app: NewsdeckApp) -> list[str]:
    return [strip.text for strip in main(app).reader.view.rendered.strips]


async def open_article(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def wait_images(pilot, app: NewsdeckApp, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    reader = main(app).reader
    for _ in range(200):
        await settle(pilot)
        images = reader.images
        if images is not None and sum(s.done for s in images.slots) >= count:
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("images never arrived")


async def test_off_never_fetches_and_i_does_nothing(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = write_article(
        tmp_path / "seeds", image_server, [(image_server.url("/img.png"), "A boat")]
    )
    app = make_app(root, tmp_path, mode="off")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_article(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert any("🖼 image: A boat" in line for line in reader_lines(app))
        assert not any(HALF in line for line in reader_lines(app))
    assert image_server.total() == 0


async def test_ask_loads_on_i_with_halfblocks_and_caption(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = write_article(
        tmp_path / "seeds", image_server, [(image_server.url("/img.png"), "A boat")]
    )
    app = make_app(root, tmp_path, mode="ask")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_article(pilot)
        assert image_server.total() == 0  # ask: nothing until i
        assert app.screen.active_bindings["i"].binding.id == "reader.images"
        await pilot.press("i")
        await wait_images(pilot, app)
        lines = reader_lines(app)
        assert image_server.count("/img.png") == 1
        assert sum(HALF in line for line in lines) >= 2
        assert not any("🖼 image: A boat" in line for line in lines)  # replaced in place
        assert any(line.strip() == "A boat" for line in lines)  # the caption
        # The words around it are all still there, in order.
        text = "\n".join(lines)
        assert text.index("Opening words") < text.index(HALF) < text.index("Closing words")
        # Find still works and never matches inside the picture.
        await pilot.press("ctrl+f")
        await pilot.press(*"Closing")
        await settle(pilot)
        view = main(app).reader.view
        assert len(view.matches) == 1 and "Closing" in lines[view.matches[0][0]]


async def test_auto_loads_when_opened_never_for_the_preview(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = write_article(
        tmp_path / "seeds", image_server, [(image_server.url("/img.png"), "A boat")]
    )
    app = make_app(root, tmp_path, mode="auto")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.pause(PREVIEW_DELAY + 0.2)
        await settle(pilot)
        reader = main(app).reader
        assert reader.previewing and reader.article is not None  # the preview shows it
        assert image_server.total() == 0  # ... and never fetches
        await pilot.press("enter")
        await wait_images(pilot, app)
        assert image_server.count("/img.png") == 1
        assert any(HALF in line for line in reader_lines(app))


@pytest.mark.parametrize("protocol", ["kitty", "sixel", "halfblocks"])
async def test_forced_protocol_bytes(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
    protocol: str,
) -> None:
    root = write_article(
        tmp_path / "seeds", image_server, [(image_server.url("/img.png"), "A boat")]
    )
    app = make_app(root, tmp_path, mode="ask", protocol=protocol)
    async with app.run_test(size=(120, 36)) as pilot:
        captured = Captured(app)
        await open_article(pilot)
        await pilot.press("i")
        await wait_images(pilot, app)
        await pilot.pause(0.1)
        lines = reader_lines(app)
        if protocol == "kitty":
            assert captured.text.startswith("\x1b_Ga=t,f=100,")
            assert "\x1b_Ga=p,U=1," in captured.text
            assert any(KITTY_PLACEHOLDER in line for line in lines)
        elif protocol == "sixel":
            # Drawn over its (half-block) rows once wholly on screen.
            assert "\x1bP0;1;0q" in captured.text and captured.text.endswith("\x1b\\\x1b8")
            assert any(HALF in line for line in lines)
        else:
            assert captured.text == ""
            assert any(HALF in line for line in lines)


async def test_failure_keeps_placeholder_with_reason(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    images = [
        (image_server.url("/page.html"), "Not a picture"),
        (image_server.url("/img.png"), "A boat"),
    ]
    root = write_article(tmp_path / "seeds", image_server, images)
    app = make_app(root, tmp_path, mode="ask")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_article(pilot)
        await pilot.press("i")
        await wait_images(pilot, app, count=2)
        lines = reader_lines(app)
        text = "\n".join(lines)
        assert "🖼 image: Not a picture" in text
        assert "🖼 not shown: not an image" in text
        assert text.index("not shown: not an image") < text.index(HALF)


async def test_keys_answered_while_a_slow_image_loads(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = write_article(
        tmp_path / "seeds", image_server, [(image_server.url("/slow.png"), "Slow")]
    )
    app = make_app(root, tmp_path, mode="ask", timeout=3.0)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_article(pilot)
        reader = main(app).reader
        await pilot.press("i")
        await pilot.pause(0.2)
        assert image_server.count("/slow.png") == 1
        worst = 0.0
        for key in ["ctrl+f", "escape"] * 3:
            started = time.perf_counter()
            await pilot.press(key)
            worst = max(worst, time.perf_counter() - started)
        assert reader.images is not None and not any(s.done for s in reader.images.slots)
        assert worst < 1.0, f"a key took {worst:.2f}s while the image loaded"
        await wait_images(pilot, app)
        assert "🖼 not shown: timeout" in "\n".join(reader_lines(app))


async def test_reader_keeps_its_line_when_an_image_comes_in_above(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    images = [(image_server.url("/img.png"), f"Picture {n}") for n in range(4)]
    root = write_article(tmp_path / "seeds", image_server, images)
    app = make_app(root, tmp_path, mode="ask")
    async with app.run_test(size=(120, 20)) as pilot:
        await open_article(pilot)
        view = main(app).reader.view
        line = next(n for n, text in enumerate(view.plain_lines) if "Paragraph 2" in text)
        view.scroll_to(y=line, animate=False, immediate=True)
        await pilot.pause()
        assert int(view.scroll_y) == line
        await pilot.press("i")
        await wait_images(pilot, app, count=4)
        # Pictures came in above: the reader still has "Paragraph 2" at the top.
        assert sum(HALF in text for text in reader_lines(app)) >= 4
        assert "Paragraph 2" in view.plain_lines[int(view.scroll_y)]


async def test_lead_image_goes_under_the_header(
    image_server: ImageServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "lead.md").write_text(
        f"---\ntitle: {TITLE}\ndate: 2024-05-02\nheadimg: {image_server.url('/img.jpg')}\n---\n"
        "<p>The only paragraph.</p>\n",
        encoding="utf-8",
    )
    app = make_app(root, tmp_path, mode="ask")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_article(pilot)
        await pilot.press("i")
        await wait_images(pilot, app)
        lines = reader_lines(app)
        first_image = next(n for n, line in enumerate(lines) if HALF in line)
        assert image_server.count("/img.jpg") == 1
        assert lines.index(next(x for x in lines if TITLE in x)) < first_image
        assert first_image < next(n for n, x in enumerate(lines) if "The only paragraph" in x)
