"""Decoding: web formats to RGB/RGBA, the first frame, pixels checked from the header first."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.image_server import bomb_png, image_bytes
from tui.images.decode import decode
from tui.images.limits import FAILED, NOT_AN_IMAGE, TOO_BIG, ImageFailure

LIMIT = 40_000_000


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF", "BMP"])
def test_web_formats_decode_to_rgb(fmt: str) -> None:
    image = decode(image_bytes(fmt, size=(30, 20)), LIMIT)
    assert image.mode == "RGB"
    assert image.size == (30, 20)
    red, green, blue = image.getpixel((2, 2))  # type: ignore[misc]
    assert red > 150 and green < 80 and blue < 80


def test_transparency_keeps_an_alpha_channel() -> None:
    image = decode(image_bytes("PNG", color=(0, 0, 0, 0)), LIMIT)
    assert image.mode == "RGBA"
    assert image.getpixel((1, 1)) == (0, 0, 0, 0)


def test_an_animation_gives_its_first_frame() -> None:
    import io

    frames = [Image.new("RGB", (8, 8), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    for fmt in ("GIF", "WEBP"):
        out = io.BytesIO()
        frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=50)
        image = decode(out.getvalue(), LIMIT)
        red, _green, blue = image.getpixel((4, 4))[:3]  # type: ignore[index]
        assert red > 200 and blue < 50, fmt


def test_pixels_are_checked_from_the_header_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb, picture = bomb_png(8000, 8000), image_bytes("PNG", size=(64, 48))
    decoded: list[str] = []
    real_load = Image.Image.load

    def spying_load(self: Image.Image) -> object:
        decoded.append(self.format or "?")
        return real_load(self)

    monkeypatch.setattr(Image.Image, "load", spying_load)
    # 8000x8000 = 64 Mpx: under Pillow's own bomb guard, over ours
    with pytest.raises(ImageFailure) as caught:
        decode(bomb, LIMIT)
    assert caught.value.reason == TOO_BIG
    with pytest.raises(ImageFailure) as caught:
        decode(picture, 64 * 48 - 1)
    assert caught.value.reason == TOO_BIG
    assert decoded == []  # refused on the header alone
    assert decode(picture, 64 * 48).size == (64, 48)
    assert decoded  # the same picture within the limit is decoded


def test_a_20000_square_bomb_is_too_big_even_with_a_lax_limit() -> None:
    data = bomb_png(20_000, 20_000)
    assert len(data) < 1000
    for limit in (LIMIT, 10**12):  # 10**12: Pillow's DecompressionBombError still stops it
        with pytest.raises(ImageFailure) as caught:
            decode(data, limit)
        assert caught.value.reason == TOO_BIG


def test_a_truncated_image_is_failed_not_not_an_image() -> None:
    whole = image_bytes("PNG", size=(256, 256))
    for cut in (len(whole) // 2, 60):
        with pytest.raises(ImageFailure) as caught:
            decode(whole[:cut], LIMIT)
        assert caught.value.reason == FAILED
    jpeg = image_bytes("JPEG", size=(256, 256))
    with pytest.raises(ImageFailure) as caught:
        decode(jpeg[: len(jpeg) // 2], LIMIT)
    assert caught.value.reason == FAILED


@pytest.mark.parametrize(
    "data",
    [
        b"<!doctype html><p>hello</p>",
        b"",
        b"GIF8",  # a signature alone
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n",  # EPS would run Ghostscript
        b"<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'/>",
    ],
)
def test_what_is_not_a_web_image_is_not_an_image(data: bytes) -> None:
    with pytest.raises(ImageFailure) as caught:
        decode(data, LIMIT)
    assert caught.value.reason in (NOT_AN_IMAGE, FAILED)
    if not data.startswith(b"GIF8"):
        assert caught.value.reason == NOT_AN_IMAGE


def test_other_pillow_formats_are_not_opened() -> None:
    import io

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="TIFF")
    with pytest.raises(ImageFailure) as caught:
        decode(out.getvalue(), LIMIT)
    assert caught.value.reason == NOT_AN_IMAGE
