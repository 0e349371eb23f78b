"""Pictures in the reading pane: which images an article has, and their lines in the text.

Why lines: the pane shows pre-rendered lines (:mod:`.view`), so an image is a run of
lines too, ``cols`` cells wide and centred in the text column: half-block rows, or
kitty's unicode placeholder cells (the terminal draws the transmitted image wherever
those cells are, so scrolling and cropping need nothing more). Sixel cannot live in
cells: its rows are half-blocks, and the view draws the sixel over them whenever the
image is wholly on screen (:meth:`ArticleView.draw_overlays`), so a half-scrolled image
still shows.

An image replaces its placeholder line(s) (``🖼 image: alt — where``) in place, with
its alt text as a caption under it; a placeholder inside a paragraph keeps its text and
gets the image under that line. A failure keeps the placeholder and adds the one-word
reason under it. The base rendering (no images) stays in the reader's cache; this
module lays images over it on every swap, and says where each insertion was
(:class:`Inserts`) so the reader keeps its place when lines come in above it. Image
rows have empty plain text, so find never matches inside a picture and the resume
measure (written characters) does not move.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from PIL import Image
from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip

from tui.app.reader.render import Rendered, new_console
from tui.body.markdown import ImageRef
from tui.images.terminal import (
    DEFAULT_CELL,
    Encoded,
    fit_cells,
    halfblocks,
    kitty,
    next_kitty_id,
    sixel,
)

#: The placeholder's start as rendered (tui.body.markdown emits ``🖼 image``).
MARK = "🖼 image"
#: (base line, base lines replaced, lines put there) of each insertion, in order.
Inserts = list[tuple[int, int, int]]


def resolve(src: str, base: str | None) -> str:
    """An image URL as the store must get it: relative ones against the article's
    own http(s) URL; otherwise as written (the store refuses what is not http(s))."""
    if not src or urlsplit(src).scheme:
        return src
    if base and urlsplit(base).scheme in ("http", "https"):
        return urljoin(base, src)
    return src


@dataclass
class Slot:
    """One image of the article: the lead image (``ref`` None) or a body placeholder."""

    url: str
    ref: ImageRef | None
    image: Image.Image | None = None
    reason: str | None = None
    done: bool = False
    #: Encodings (rows, sixel DCS or "") by (protocol, max cols, max rows).
    encoded: dict[tuple[str, int, int], tuple[Encoded, str]] = field(default_factory=dict)


def encode(
    image: Image.Image,
    protocol: str,
    max_cols: int,
    max_rows: int,
    cell: tuple[int, int] | None,
    background: tuple[int, int, int],
) -> tuple[Encoded, str]:
    """``(rows, sixel payload)`` for one image at one box (thread-safe: the worker calls it).

    Sixel's rows are half-blocks (shown while the image is partly scrolled out);
    its DCS comes back as the second value.
    """
    cell = cell or DEFAULT_CELL
    cols, rows = fit_cells(image.size, max_cols, max_rows, cell)
    if protocol == "kitty":
        return kitty(image, cols, rows, next_kitty_id(), cell, background), ""
    # Half-blocks are 2 pixels per cell row: the same box, at the same aspect.
    blocks = halfblocks(image, cols, rows, background)
    if protocol == "sixel":
        return blocks, sixel(image, cols, rows, cell, background)
    return blocks, ""


@dataclass
class Overlay:
    """A sixel to draw over its rows when they are all on screen."""

    line: int
    rows: int
    offset: int
    payload: str


@dataclass
class ArticleImages:
    """The images of one opened article, as loading goes."""

    key: tuple[str, float]
    slots: list[Slot] = field(default_factory=list)
    #: Kitty transmissions already written to the terminal (by ``id`` of the Encoded).
    sent: set[int] = field(default_factory=set)

    def missing(self, box: tuple[str, int, int]) -> list[int]:
        """Slots with a picture but no encoding at this box (a width change)."""
        return [n for n, s in enumerate(self.slots) if s.image is not None and box not in s.encoded]


def _centred(rows: list[list[Segment]], cols: int, width: int) -> list[Strip]:
    pad = max(0, (width - cols) // 2)
    lead = [Segment(" " * pad)] if pad else []
    return [Strip([*lead, *row], pad + cols) for row in rows]


def _caption(text: str, width: int, style: str) -> list[Strip]:
    console = new_console(width)
    lines = console.render_lines(Text(text, style=style, justify="center"), pad=False)
    return [Strip(line) for line in lines]


def _placeholder_spans(plain: list[str], refs: list[ImageRef]) -> list[tuple[int, int, bool]]:
    """(first line, last line, whole lines) of each body placeholder, in order.

    ``whole`` when the placeholder is alone on its lines (a block): it can be replaced.
    Matching is by the placeholder's text with spaces removed (wrapping eats spaces).
    """
    spans: list[tuple[int, int, bool]] = []
    line = 0
    for ref in refs:
        text = MARK + (": " + ref.alt if ref.alt else "") + (" — " + ref.where if ref.where else "")
        want = "".join(text.split())
        while line < len(plain) and MARK not in plain[line]:
            line += 1
        if line >= len(plain):
            break
        start = plain[line].index(MARK)
        before = plain[line][:start].strip(" ▌│┃")
        got = "".join(plain[line][start:].split())
        last = line
        while len(got) < len(want) and last + 1 < len(plain):
            last += 1
            got += "".join(plain[last].split())
        after = got[len(want) :] if got.startswith(want) else "x"
        spans.append((line, last, not before and not after))
        line = last + 1
    return spans


def lay_out(
    base: Rendered, images: ArticleImages, box: tuple[str, int, int]
) -> tuple[Rendered, Inserts, list[Overlay], list[str]]:
    """``base`` with the loaded images (and failures) in it: the lines, where they went,
    the sixels to draw over them, and the kitty transmissions not yet sent."""
    width = base.width
    inserts: list[tuple[int, int, list[Strip], list[str], str, int, int, int]] = []
    sends: list[str] = []
    body = [s for s in images.slots if s.ref is not None]
    spans = _placeholder_spans(base.plain, [s.ref for s in body if s.ref is not None])
    where: list[tuple[Slot, int, int, bool]] = []
    lead = next((s for s in images.slots if s.ref is None), None)
    if lead is not None:
        where.append((lead, base.header_lines, base.header_lines - 1, False))
    where += [(slot, a, b, whole) for slot, (a, b, whole) in zip(body, spans, strict=False)]
    for slot, first, last, whole in where:
        if not slot.done:
            continue
        pair = slot.encoded.get(box)
        if slot.image is not None and pair is not None:
            encoded, payload = pair
            if encoded.payload and id(encoded) not in images.sent:
                images.sent.add(id(encoded))
                sends.append(encoded.payload)
            strips = _centred(encoded.rows, encoded.cols, width)
            caption = (
                _caption(slot.ref.alt, width, "dim italic") if slot.ref and slot.ref.alt else []
            )
            # A block placeholder already has blank lines around it; an inline one does not.
            gap = [] if whole else [Strip([], 0)]
            lines = [*gap, *strips, *caption, *gap]
            plain = [*("" for _ in gap), *("" for _ in strips), *(c.text for c in caption)]
            plain += ["" for _ in gap]
            pad = max(0, (width - encoded.cols) // 2)
            at, removed = (first, last - first + 1) if whole else (last + 1, 0)
            inserts.append((at, removed, lines, plain, payload, pad, len(strips), len(gap)))
        elif slot.image is None and slot.reason:
            note = _caption(f"🖼 not shown: {slot.reason}", width, "dim")
            inserts.append((last + 1, 0, note, [s.text for s in note], "", 0, 0, 0))
    if not inserts:
        return base, [], [], sends
    inserts.sort(key=lambda item: item[0])
    out: list[Strip] = []
    out_plain: list[str] = []
    at = 0
    done: Inserts = []
    overlays: list[Overlay] = []
    for line, removed, lines, texts, payload, pad, rows, blank in inserts:
        line = max(line, at)
        out += base.strips[at:line]
        out_plain += base.plain[at:line]
        if payload:
            overlays.append(Overlay(len(out) + blank, rows, pad, payload))
        out += lines
        out_plain += texts
        at = line + removed
        done.append((line, removed, len(lines)))
    out += base.strips[at:]
    out_plain += base.plain[at:]
    rendered = Rendered(
        out, out_plain, width, base.complete, base.truncated, header_lines=base.header_lines
    )
    return rendered, done, overlays, sends


def to_base(inserts: Inserts, line: int) -> float:
    """A line of the laid-out text as a line of the base (inside an image: its start)."""
    shift = 0
    for base_line, removed, added in inserts:
        start = base_line + shift
        if line < start:
            break
        if line < start + added:
            return float(base_line)
        shift += added - removed
    return float(line - shift)


def from_base(inserts: Inserts, line: float) -> int:
    """A base line as a line of the laid-out text."""
    starts = [b for b, _, _ in inserts]
    shift = sum(
        added - removed for _, removed, added in inserts[: bisect_right(starts, int(line) - 1)]
    )
    return int(line) + shift


__all__ = [
    "MARK",
    "ArticleImages",
    "Inserts",
    "Overlay",
    "Slot",
    "encode",
    "from_base",
    "lay_out",
    "resolve",
    "to_base",
]
