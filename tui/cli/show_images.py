"""``newsdeck show PATH --images``: the article printed with its pictures in place.

The same layout as the reader (:func:`tui.app.reader.images.lay_out`) over the lines
Rich prints, so a picture stands where its placeholder stood. Only for a terminal
(:func:`tui.cli.read.cmd_show` checks): half-blocks or escape codes in a file are noise.
The protocol is asked of the terminal (``image_protocol`` forces one); kitty images go
out as a transmission then placeholder cells, sixels are printed where their rows are.
Fetching is the reader asking: ``--images`` is the request.
"""

from __future__ import annotations

import sys

from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from textual.strip import Strip

from tui.app.reader.images import ArticleImages, Slot, encode, lay_out, resolve
from tui.app.reader.render import Rendered
from tui.body.markdown import image_refs
from tui.images import ImageStore, image_cache_dir
from tui.images.terminal import detect
from tui.model import Article
from tui.store.config import load_config


def print_with_images(
    console: Console, article: Article, header: RenderableType, body: RenderableType
) -> None:
    """Print header and body with the article's images fetched and drawn in place."""
    config, _warnings = load_config()
    terminal = detect(config.image_protocol)
    width = console.width
    header_lines = console.render_lines(header, console.options, pad=False)
    body_lines = console.render_lines(Group(body), console.options, pad=False)
    strips = [Strip(line) for line in (*header_lines, *body_lines)]
    base = Rendered(strips, [s.text for s in strips], width, header_lines=len(header_lines))
    box = (terminal.protocol, width, config.image_max_height)
    images = ArticleImages((str(article.path), article.mtime))
    if article.image:
        images.slots.append(Slot(resolve(article.image, article.url), None))
    images.slots += [Slot(resolve(r.src, article.url), r) for r in image_refs(article.body or "")]
    store = ImageStore(image_cache_dir(), max_mb=config.image_cache_mb)
    for slot in images.slots:
        if not slot.url:
            continue
        result = store.get(slot.url)
        slot.image, slot.reason, slot.done = result.image, result.reason, True
        if result.image is not None:
            slot.encoded[box] = encode(
                result.image,
                terminal.protocol,
                width,
                config.image_max_height,
                terminal.cell,
                (0, 0, 0),
            )
    rendered, _inserts, overlays, sends = lay_out(base, images, box)
    out = console.file
    for data in sends:
        out.write(terminal.wrap(data))
    sixel_at = {overlay.line: overlay for overlay in overlays}
    line = 0
    while line < len(rendered.strips):
        overlay = sixel_at.get(line)
        if overlay is not None:
            out.write(" " * overlay.offset + terminal.wrap(overlay.payload) + "\n")
            out.flush()
            line += overlay.rows
            continue
        console.print(Segments([*rendered.strips[line], Segment.line()]), end="")
        line += 1
    out.flush()
    sys.stdout.flush()
