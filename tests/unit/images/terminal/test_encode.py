"""The bytes each encoder produces: kitty APC, sixel DCS, half-blocks."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image

from tui.images.terminal import encode
from tui.images.terminal.encode import (
    HALF,
    KITTY_PLACEHOLDER,
    fit_cells,
    halfblocks,
    kitty,
    next_kitty_id,
    sixel,
)


def two_colours(width: int = 40, height: int = 40) -> Image.Image:
    """Top half red, bottom half blue."""
    image = Image.new("RGB", (width, height), (255, 0, 0))
    image.paste((0, 0, 255), (0, height // 2, width, height))
    return image


def test_fit_keeps_aspect_and_limits() -> None:
    assert fit_cells((800, 400), 80, 20, (10, 20)) == (80, 20)
    assert fit_cells((1600, 400), 80, 20, (10, 20)) == (80, 10)  # width-bound
    assert fit_cells((400, 2000), 80, 20, (10, 20)) == (8, 20)  # height-bound
    assert fit_cells((30, 20), 80, 20, (10, 20)) == (3, 1)  # never enlarged
    assert fit_cells((1, 1), 80, 20) == (1, 1)


def test_halfblocks_top_is_foreground_bottom_is_background() -> None:
    encoded = halfblocks(two_colours(4, 4), 4, 2)  # no resampling blur
    assert encoded.protocol == "halfblocks" and encoded.payload == ""
    assert len(encoded.rows) == 2
    for row in encoded.rows:
        assert "".join(seg.text for seg in row) == HALF * 4
    top, bottom = encoded.rows[0][0].style, encoded.rows[1][0].style
    assert top is not None and bottom is not None
    assert top.color is not None and top.color.triplet == (255, 0, 0)
    assert top.bgcolor is not None and top.bgcolor.triplet == (255, 0, 0)
    assert bottom.color is not None and bottom.color.triplet == (0, 0, 255)
    assert len(encoded.rows[0]) == 1  # a run of one colour is one segment


def test_halfblocks_transparency_over_background() -> None:
    clear = Image.new("RGBA", (4, 4), (255, 255, 255, 0))
    style = halfblocks(clear, 2, 1, background=(1, 2, 3)).rows[0][0].style
    assert style is not None and style.color is not None
    assert style.color.triplet == (1, 2, 3)


def test_kitty_transmits_in_chunks_then_places_virtually() -> None:
    noisy = Image.effect_noise((200, 200), 100).convert("RGB")
    encoded = kitty(noisy, 10, 5, 7, cell=(10, 20))
    commands = re.findall(r"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\", encoded.payload)
    assert len(commands) >= 3  # a PNG of noise is more than one 4096-byte chunk
    first, *middle, last_data, place = commands
    assert first[0] == "a=t,f=100,t=d,i=7,q=2,m=1"
    assert all(keys == "m=1" for keys, _ in middle)
    assert last_data[0] == "m=0"
    assert all(len(data) <= encode.KITTY_CHUNK for _, data in commands)
    png = base64.b64decode("".join(data for _, data in commands[:-1]))
    assert Image.open(io.BytesIO(png)).size == (100, 100)  # the box in pixels
    assert place == ("a=p,U=1,i=7,c=10,r=5,q=2", "")
    # The rows: one placeholder per cell, row and column diacritics, id in the colour.
    assert len(encoded.rows) == 5
    row = encoded.rows[2][0]
    assert row.text.count(KITTY_PLACEHOLDER) == 10
    assert row.text[1] == chr(encode._DIACRITICS[2])  # row 2
    assert row.text[4 + 2] == chr(encode._DIACRITICS[1])  # column 1
    assert row.style is not None and row.style.color is not None
    assert row.style.color.number == 7


def test_kitty_ids_fit_a_256_colour_foreground() -> None:
    ids = [next_kitty_id() for _ in range(600)]
    assert len(set(ids)) == 600
    assert all(1 <= i & 0xFF <= 255 and (i >> 8) & 0xFFFF == 0 for i in ids)


def test_sixel_dcs_structure() -> None:
    data = sixel(two_colours(20, 20), 2, 1, cell=(10, 20))
    assert data.startswith('\x1bP0;1;0q"1;1;20;20')
    assert data.endswith("\x1b\\")
    body = data[len('\x1bP0;1;0q"1;1;20;20') : -2]
    registers = re.findall(r"#(\d+);2;(\d+);(\d+);(\d+)", body)
    colours = {(int(r), int(g), int(b)) for _, r, g, b in registers}
    assert colours == {(100, 0, 0), (0, 0, 100)}
    bands = body.split("-")[:-1]
    assert len(bands) == 4  # 20 pixel rows, 6 per band, rounded up
    red = next(n for n, r, _, _ in registers if r == "100")
    # The first band is all red: six bits set (63 + 63 = "~") for 20 columns, run-length coded.
    assert f"#{red}!20~" in bands[0]
    assert all(ch in "#!$;-0123456789" or 63 <= ord(ch) <= 126 for ch in body)


def test_sixel_band_mixes_colours_per_bit() -> None:
    # Rows 0-2 red, 3-5 blue: in the one band red holds bits 0-2 (7 -> "F"), blue 3-5 (56 -> "w").
    image = Image.new("RGB", (10, 6), (255, 0, 0))
    image.paste((0, 0, 255), (0, 3, 10, 6))
    data = sixel(image, 1, 1, cell=(10, 6))
    assert "!10F" in data and "!10w" in data
