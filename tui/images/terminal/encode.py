"""A decoded image → what a terminal draws: kitty graphics, sixel, or coloured half-blocks.

Why our own encoders and not textual-image or rich-pixels: textual-image detects the
terminal at import time on the process's stdio and writes kitty/sixel bytes straight to
``sys.__stdout__``; under ``newsdeck serve ssh`` the app is imported by a warm zygote
before a session owns its pty, and the bytes must go through the session's own output.
Its sixel encoder is a private module. rich-pixels is half-blocks only, one Segment per
pixel and no cell-box scaling. What we need is small: a size fit, ~40 lines of
half-blocks, a chunked kitty transmission, and a sixel encoder kept fast by doing the
per-band bit work with ``bytes.translate`` and big-int sums (no numpy).

Everything here is pure (PIL in, ``str`` or Rich segments out) and thread-safe, so the
reader's worker encodes off the UI thread. Rich downgrades the half-blocks' truecolor to
256 colours by itself when the console (Textual's, or the CLI's) lacks truecolor.
"""

from __future__ import annotations

import base64
import io
import itertools
import re
import threading
from dataclasses import dataclass

from PIL import Image
from rich.color import Color
from rich.segment import Segment
from rich.style import Style

#: A cell's size in pixels when the terminal does not say (CSI 16 t): the VT340's.
DEFAULT_CELL = (10, 20)
#: Upper half block: foreground is the top pixel, background the bottom one.
HALF = "▀"
#: Kitty's unicode placeholder (a cell of a virtual placement).
KITTY_PLACEHOLDER = "\U0010eeee"
#: Base64 bytes per kitty APC chunk (the protocol's limit).
KITTY_CHUNK = 4096

RGB = tuple[int, int, int]
Row = list[Segment]


@dataclass(frozen=True, slots=True)
class Encoded:
    """One image for one cell box: the rows shown in the text and the bytes sent aside.

    ``rows`` are exactly ``cols`` cells wide each. ``payload`` goes to the terminal once
    (kitty: the transmission and virtual placement) or whenever the image is drawn
    (sixel: the DCS, written at the image's screen position); empty for half-blocks.
    """

    protocol: str
    cols: int
    rows: list[Row]
    payload: str = ""


def fit_cells(
    size: tuple[int, int], max_cols: int, max_rows: int, cell: tuple[int, int] = DEFAULT_CELL
) -> tuple[int, int]:
    """The cell box (cols, rows) for an image of ``size`` pixels within the limits.

    Keeps the aspect ratio and never enlarges past the image's own pixels (an icon
    blown up to the column's width is all blur), at least one cell each way.
    """
    width, height = max(1, size[0]), max(1, size[1])
    cell_w, cell_h = max(1, cell[0]), max(1, cell[1])
    scale = min(1.0, max_cols * cell_w / width, max_rows * cell_h / height)
    cols = max(1, min(max_cols, round(width * scale / cell_w)))
    rows = max(1, min(max_rows, round(height * scale / cell_h)))
    return cols, rows


def flatten(image: Image.Image, background: RGB = (0, 0, 0)) -> Image.Image:
    """RGB, with any transparency composited over ``background`` (the pane's colour)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*background, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    return image.convert("RGB")


# -- half-blocks ----------------------------------------------------------------------


def halfblocks(image: Image.Image, cols: int, rows: int, background: RGB = (0, 0, 0)) -> Encoded:
    """Two pixels per cell: ``▀`` with the top pixel as foreground, the bottom as background."""
    small = flatten(image, background).resize((cols, rows * 2), Image.Resampling.LANCZOS)
    data = small.tobytes()
    styles: dict[tuple[bytes, bytes], Style] = {}
    out: list[Row] = []
    stride = cols * 3
    for y in range(rows):
        top = data[2 * y * stride : (2 * y + 1) * stride]
        bottom = data[(2 * y + 1) * stride : (2 * y + 2) * stride]
        row: Row = []
        run_style: Style | None = None
        run = 0
        for x in range(0, stride, 3):
            key = (top[x : x + 3], bottom[x : x + 3])
            style = styles.get(key)
            if style is None:
                style = Style(color=Color.from_rgb(*key[0]), bgcolor=Color.from_rgb(*key[1]))
                styles[key] = style
            if style is run_style:
                run += 1
                continue
            if run_style is not None:
                row.append(Segment(HALF * run, run_style))
            run_style, run = style, 1
        if run_style is not None:
            row.append(Segment(HALF * run, run_style))
        out.append(row)
    return Encoded("halfblocks", cols, out)


# -- kitty graphics (unicode placeholders) --------------------------------------------

#: Row/column diacritics of kitty's placeholders: the first 268 of kitty's
#: rowcolumn-diacritics.txt (checked against textual-image's copy), so up to 268 cells.
_DIACRITICS = [
    0x0305, 0x030D, 0x030E, 0x0310, 0x0312, 0x033D, 0x033E, 0x033F, 0x0346, 0x034A,
    0x034B, 0x034C, 0x0350, 0x0351, 0x0352, 0x0357, 0x035B, 0x0363, 0x0364, 0x0365,
    0x0366, 0x0367, 0x0368, 0x0369, 0x036A, 0x036B, 0x036C, 0x036D, 0x036E, 0x036F,
    0x0483, 0x0484, 0x0485, 0x0486, 0x0487, 0x0592, 0x0593, 0x0594, 0x0595, 0x0597,
    0x0598, 0x0599, 0x059C, 0x059D, 0x059E, 0x059F, 0x05A0, 0x05A1, 0x05A8, 0x05A9,
    0x05AB, 0x05AC, 0x05AF, 0x05C4, 0x0610, 0x0611, 0x0612, 0x0613, 0x0614, 0x0615,
    0x0616, 0x0617, 0x0657, 0x0658, 0x0659, 0x065A, 0x065B, 0x065D, 0x065E, 0x06D6,
    0x06D7, 0x06D8, 0x06D9, 0x06DA, 0x06DB, 0x06DC, 0x06DF, 0x06E0, 0x06E1, 0x06E2,
    0x06E4, 0x06E7, 0x06E8, 0x06EB, 0x06EC, 0x0730, 0x0732, 0x0733, 0x0735, 0x0736,
    0x073A, 0x073D, 0x073F, 0x0740, 0x0741, 0x0743, 0x0745, 0x0747, 0x0749, 0x074A,
    0x07EB, 0x07EC, 0x07ED, 0x07EE, 0x07EF, 0x07F0, 0x07F1, 0x07F3, 0x0816, 0x0817,
    0x0818, 0x0819, 0x081B, 0x081C, 0x081D, 0x081E, 0x081F, 0x0820, 0x0821, 0x0822,
    0x0823, 0x0825, 0x0826, 0x0827, 0x0829, 0x082A, 0x082B, 0x082C, 0x082D, 0x0951,
    0x0953, 0x0954, 0x0F82, 0x0F83, 0x0F86, 0x0F87, 0x135D, 0x135E, 0x135F, 0x17DD,
    0x193A, 0x1A17, 0x1A75, 0x1A76, 0x1A77, 0x1A78, 0x1A79, 0x1A7A, 0x1A7B, 0x1A7C,
    0x1B6B, 0x1B6D, 0x1B6E, 0x1B6F, 0x1B70, 0x1B71, 0x1B72, 0x1B73, 0x1CD0, 0x1CD1,
    0x1CD2, 0x1CDA, 0x1CDB, 0x1CE0, 0x1DC0, 0x1DC1, 0x1DC3, 0x1DC4, 0x1DC5, 0x1DC6,
    0x1DC7, 0x1DC8, 0x1DC9, 0x1DCB, 0x1DCC, 0x1DD1, 0x1DD2, 0x1DD3, 0x1DD4, 0x1DD5,
    0x1DD6, 0x1DD7, 0x1DD8, 0x1DD9, 0x1DDA, 0x1DDB, 0x1DDC, 0x1DDD, 0x1DDE, 0x1DDF,
    0x1DE0, 0x1DE1, 0x1DE2, 0x1DE3, 0x1DE4, 0x1DE5, 0x1DE6, 0x1DFE, 0x20D0, 0x20D1,
    0x20D4, 0x20D5, 0x20D6, 0x20D7, 0x20DB, 0x20DC, 0x20E1, 0x20E7, 0x20E9, 0x20F0,
    0x2CEF, 0x2CF0, 0x2CF1, 0x2DE0, 0x2DE1, 0x2DE2, 0x2DE3, 0x2DE4, 0x2DE5, 0x2DE6,
    0x2DE7, 0x2DE8, 0x2DE9, 0x2DEA, 0x2DEB, 0x2DEC, 0x2DED, 0x2DEE, 0x2DEF, 0x2DF0,
    0x2DF1, 0x2DF2, 0x2DF3, 0x2DF4, 0x2DF5, 0x2DF6, 0x2DF7, 0x2DF8, 0x2DF9, 0x2DFA,
    0x2DFB, 0x2DFC, 0x2DFD, 0x2DFE, 0x2DFF, 0xA66F, 0xA67C, 0xA67D, 0xA6F0, 0xA6F1,
    0xA8E0, 0xA8E1, 0xA8E2, 0xA8E3, 0xA8E4, 0xA8E5, 0xA8E6, 0xA8E7, 0xA8E8, 0xA8E9,
    0xA8EA, 0xA8EB, 0xA8EC, 0xA8ED, 0xA8EE, 0xA8EF, 0xA8F0, 0xA8F1,
]  # fmt: skip
#: The most rows or columns a kitty placement can address (one diacritic each).
KITTY_MAX_CELLS = len(_DIACRITICS)

_ids = itertools.count(1)
_ids_lock = threading.Lock()


def next_kitty_id() -> int:
    """A fresh image id: the low byte 1..255 goes in the 256-colour foreground (which
    survives Textual's colour downgrades), the high byte in a third diacritic."""
    with _ids_lock:
        n = next(_ids)
    return (((n - 1) // 255 % 256) << 24) | ((n - 1) % 255 + 1)


def apc(keys: str, payload: str = "") -> str:
    """One kitty graphics command."""
    return f"\x1b_G{keys}{';' + payload if payload else ''}\x1b\\"


def kitty(
    image: Image.Image,
    cols: int,
    rows: int,
    image_id: int,
    cell: tuple[int, int] = DEFAULT_CELL,
    background: RGB = (0, 0, 0),
) -> Encoded:
    """Transmit a PNG scaled to the box (chunked base64), place it virtually (``U=1``),
    and show it with placeholder cells: the terminal draws the image wherever those
    cells are, so scrolling, cropping at the pane's edges and repaints need nothing more.
    """
    cols, rows = min(cols, KITTY_MAX_CELLS), min(rows, KITTY_MAX_CELLS)
    size = (cols * cell[0], rows * cell[1])
    scaled = flatten(image, background).resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    scaled.save(buffer, format="PNG", optimize=False, compress_level=6)
    data = base64.standard_b64encode(buffer.getvalue()).decode("ascii")
    chunks = [data[i : i + KITTY_CHUNK] for i in range(0, len(data), KITTY_CHUNK)] or [""]
    parts = []
    for n, chunk in enumerate(chunks):
        more = int(n < len(chunks) - 1)
        keys = f"a=t,f=100,t=d,i={image_id},q=2,m={more}" if n == 0 else f"m={more}"
        parts.append(apc(keys, chunk))
    parts.append(apc(f"a=p,U=1,i={image_id},c={cols},r={rows},q=2"))
    style = Style(color=Color.from_ansi(image_id & 0xFF))
    high = chr(_DIACRITICS[(image_id >> 24) & 0xFF])
    out: list[Row] = []
    for y in range(rows):
        row_mark = chr(_DIACRITICS[y])
        text = "".join(
            KITTY_PLACEHOLDER + row_mark + chr(_DIACRITICS[x]) + high for x in range(cols)
        )
        out.append([Segment(text, style)])
    return Encoded("kitty", cols, out, "".join(parts))


def kitty_delete(image_id: int) -> str:
    """Free an image (and its placements) in the terminal."""
    return apc(f"a=d,d=I,i={image_id},q=2")


# -- sixel ------------------------------------------------------------------------------

_RUN = re.compile(rb"(.)\1{3,}")
_TO_SIXEL = bytes((b + 63) & 0xFF for b in range(256))


def _rle(line: bytes) -> bytes:
    return _RUN.sub(lambda m: b"!%d%s" % (len(m.group(0)), m.group(1)), line)


def sixel(
    image: Image.Image,
    cols: int,
    rows: int,
    cell: tuple[int, int] = DEFAULT_CELL,
    background: RGB = (0, 0, 0),
    colours: int = 255,
) -> str:
    """A sixel DCS for the image scaled to the box, in up to ``colours`` registers.

    Per band of six pixel rows and per colour in it, the six bit-planes are made with
    ``bytes.translate`` and summed as big ints (each byte stays under 64, so no carry
    crosses bytes): C-speed work per band, not per pixel.
    """
    width, height = cols * cell[0], rows * cell[1]
    scaled = flatten(image, background).resize((width, height), Image.Resampling.LANCZOS)
    quant = scaled.quantize(
        colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    palette = quant.getpalette() or []
    pixels = quant.tobytes()
    used = sorted(set(pixels))
    out = [b'\x1bP0;1;0q"1;1;%d;%d' % (width, height)]
    for index in used:
        r, g, b = palette[3 * index : 3 * index + 3]
        out.append(b"#%d;2;%d;%d;%d" % (index, r * 100 // 255, g * 100 // 255, b * 100 // 255))
    planes: dict[tuple[int, int], bytes] = {}
    for top in range(0, height, 6):
        band = [
            pixels[(top + k) * width : (top + k + 1) * width] for k in range(min(6, height - top))
        ]
        present = sorted(set().union(*(set(line) for line in band)))
        lines = []
        for index in present:
            total = 0
            for k, line in enumerate(band):
                table = planes.get((index, k))
                if table is None:
                    table = bytes((1 << k) if v == index else 0 for v in range(256))
                    planes[(index, k)] = table
                total += int.from_bytes(line.translate(table), "big")
            bits = total.to_bytes(width, "big").translate(_TO_SIXEL)
            lines.append(b"#%d%s" % (index, _rle(bits)))
        out.append(b"$".join(lines) + b"-")
    out.append(b"\x1b\\")
    return b"".join(out).decode("ascii")


__all__ = [
    "DEFAULT_CELL",
    "HALF",
    "KITTY_CHUNK",
    "KITTY_MAX_CELLS",
    "KITTY_PLACEHOLDER",
    "Encoded",
    "apc",
    "fit_cells",
    "flatten",
    "halfblocks",
    "kitty",
    "kitty_delete",
    "next_kitty_id",
    "sixel",
]
