"""The reader's images: asking, the worker that fetches and encodes, laying them in.

Why apart from :mod:`.pane`: the pane is about rendering the text; this is about the
pictures laid over it (:mod:`.images` does the pure layout). :class:`ImageLoading` is
the Reader's base: it needs the Reader's view, article and column width, declared
here and provided by :class:`~tui.app.reader.pane.Reader`.

Privacy (issue 16): nothing is fetched unless the reader asked: ``i`` on an opened
article, or ``images = "auto"`` when an article is opened; a preview never fetches.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PIL import Image
from textual import on, work
from textual.containers import Vertical
from textual.message import Message
from textual.worker import get_current_worker

from tui.app.reader.find import FindBar
from tui.app.reader.images import (
    ArticleImages,
    Inserts,
    Overlay,
    Slot,
    encode,
    from_base,
    lay_out,
    resolve,
    to_base,
)
from tui.app.reader.render import Rendered
from tui.app.reader.resume import ResumeTracker
from tui.app.reader.view import ArticleView
from tui.body.markdown import image_refs
from tui.files.parser import load_body
from tui.images.terminal import Encoded
from tui.model import Article

if TYPE_CHECKING:
    from tui.images import ImageStore


def article_key(article: Article) -> tuple[str, float]:
    """Which version of which article images belong to."""
    return (str(article.path), article.mtime)


class ImageLoading(Vertical):
    """The image half of the Reader (its base class)."""

    article: Article | None
    previewing: bool
    resume: ResumeTracker

    class ImagesFound(Message):
        """The images of article ``key`` (from the image worker's thread)."""

        bubble = False

        def __init__(self, key: tuple[str, float], slots: list[Slot]) -> None:
            super().__init__()
            self.key = key
            self.slots = slots

    class ImageLoaded(Message):
        """Image ``index`` of article ``key`` is fetched (or failed) and encoded for ``box``."""

        bubble = False

        def __init__(
            self,
            key: tuple[str, float],
            index: int,
            image: Image.Image | None,
            reason: str | None,
            box: tuple[str, int, int],
            encoded: tuple[Encoded, str] | None,
        ) -> None:
            super().__init__()
            self.key = key
            self.index = index
            self.image = image
            self.reason = reason
            self.box = box
            self.encoded = encoded

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The opened article's images, once asked for (``i`` or "auto").
        self.images: ArticleImages | None = None
        #: The lines last swapped in before images were laid over them.
        self._base = Rendered([], [], 0)
        self._inserts: Inserts = []
        #: Seconds from asking for images to the first one drawn (bench).
        self.first_image_seconds: float | None = None
        self._images_asked = 0.0

    @property
    def view(self) -> ArticleView:
        """The line view (the Reader's)."""
        raise NotImplementedError

    def column_width(self) -> int:
        """The text column's width (the Reader's)."""
        raise NotImplementedError

    def images_live(self) -> bool:
        """Whether ``i`` means anything now (an opened article, images not off)."""
        return self._image_mode() != "off" and self.article is not None and not self.previewing

    def images_on_open(self, article: Article, preview: bool) -> None:
        """Called by ``Reader.open``: forget another article's images; "auto" loads them."""
        if self.images is not None and (preview or self.images.key != article_key(article)):
            self.drop_images()
        if not preview:
            self.call_later(self._auto_images)

    def lay_images(self, base: Rendered) -> tuple[Rendered, list[Overlay]]:
        """``base`` with the images so far laid in (the Reader's every swap)."""
        self._base = base
        rendered, self._inserts, overlays = self._with_images(base)
        return rendered, overlays

    def _image_mode(self) -> str:
        config = getattr(self.app, "config", None)
        return str(getattr(config, "images", "off"))

    def _image_box(self, width: int) -> tuple[str, int, int]:
        """(protocol, columns, rows) images are fitted to: the text column and the cap."""
        terminal = getattr(self.app, "image_terminal", None)
        protocol = getattr(terminal, "protocol", "halfblocks")
        config = getattr(self.app, "config", None)
        return (protocol, width, int(getattr(config, "image_max_height", 20)))

    def _image_cell(self) -> tuple[int, int] | None:
        return getattr(getattr(self.app, "image_terminal", None), "cell", None)

    def _background(self) -> tuple[int, int, int]:
        colour = self.view.rich_style.bgcolor
        if colour is None:
            return (0, 0, 0)
        r, g, b = colour.get_truecolor()
        return (r, g, b)

    def _write_graphics(self, data: str) -> None:
        write = getattr(self.app, "write_graphics", None)
        if write is not None:
            write(data)

    def _auto_images(self) -> None:
        if self._image_mode() == "auto" and self.article is not None and not self.previewing:
            self.action_load_images()

    def action_load_images(self) -> None:
        """Fetch the opened article's images (in a worker), once per opening."""
        article = self.article
        if article is None or self.previewing or self._image_mode() == "off":
            return
        if self.images is not None and self.images.key == article_key(article):
            return
        store = getattr(self.app, "image_store", None)
        if store is None:
            return
        self.images = ArticleImages(article_key(article))
        self.first_image_seconds = None
        self._images_asked = time.perf_counter()
        self.view.graphics_writer = self._write_graphics
        box = self._image_box(self.column_width())
        self._fetch_images(article, store, box, self._image_cell(), self._background())

    def drop_images(self) -> None:
        """Forget the images (another article, or none)."""
        self.workers.cancel_group(self, "images")
        self.images = None
        self._inserts = []

    @work(thread=True, exclusive=True, group="images", description="images", exit_on_error=False)
    def _fetch_images(
        self,
        article: Article,
        store: ImageStore,
        box: tuple[str, int, int],
        cell: tuple[int, int] | None,
        background: tuple[int, int, int],
    ) -> None:
        """Find, fetch and encode the article's images off the UI thread, one message each."""
        worker = get_current_worker()
        key = article_key(article)
        slots: list[Slot] = []
        if article.image:
            slots.append(Slot(resolve(article.image, article.url), None))
        body = load_body(article) or ""
        slots += [Slot(resolve(ref.src, article.url), ref) for ref in image_refs(body)]
        del body
        if worker.is_cancelled:
            return
        self.post_message(self.ImagesFound(key, slots))
        protocol, width, rows = box
        for index, slot in enumerate(slots):
            if worker.is_cancelled:
                return
            if not slot.url:
                continue  # an embedded data: image: nothing to fetch
            result = store.get(slot.url)
            encoded = None
            if result.image is not None:
                encoded = encode(result.image, protocol, width, rows, cell, background)
            self.post_message(
                self.ImageLoaded(key, index, result.image, result.reason, box, encoded)
            )

    @work(thread=True, exclusive=True, group="images", description="images", exit_on_error=False)
    def _encode_images(
        self,
        key: tuple[str, float],
        todo: list[tuple[int, Image.Image]],
        box: tuple[str, int, int],
        cell: tuple[int, int] | None,
        background: tuple[int, int, int],
    ) -> None:
        """Encode images already fetched for a new column width."""
        worker = get_current_worker()
        protocol, width, rows = box
        for index, image in todo:
            if worker.is_cancelled:
                return
            encoded = encode(image, protocol, width, rows, cell, background)
            self.post_message(self.ImageLoaded(key, index, image, None, box, encoded))

    @on(ImagesFound)
    def _images_found(self, message: ImagesFound) -> None:
        if self.images is not None and self.images.key == message.key:
            self.images.slots = message.slots

    @on(ImageLoaded)
    def _image_loaded(self, message: ImageLoaded) -> None:
        images = self.images
        if images is None or images.key != message.key or message.index >= len(images.slots):
            return
        slot = images.slots[message.index]
        slot.image, slot.reason, slot.done = message.image, message.reason, True
        if message.encoded is not None:
            slot.encoded[message.box] = message.encoded
            if self.first_image_seconds is None:
                self.first_image_seconds = time.perf_counter() - self._images_asked
        self._relayout()

    def _with_images(self, base: Rendered) -> tuple[Rendered, Inserts, list[Overlay]]:
        images = self.images
        if images is None or self.article is None or images.key != article_key(self.article):
            return base, [], []
        if not base.complete and not base.strips:
            return base, [], []
        box = self._image_box(base.width)
        missing = images.missing(box)
        if missing and not self.workers_in_group("images"):
            todo = [(n, img) for n in missing if (img := images.slots[n].image) is not None]
            self._encode_images(images.key, todo, box, self._image_cell(), self._background())
        rendered, inserts, overlays, sends = lay_out(base, images, box)
        for data in sends:
            self._write_graphics(data)
        return rendered, inserts, overlays

    def workers_in_group(self, group: str) -> bool:
        """Whether a worker of ``group`` is still running on this pane."""
        return any(w.group == group and not w.is_finished for w in self.workers if w.node is self)

    def _relayout(self) -> None:
        """Lay the images in again, keeping the reader on the same line of the article."""
        view = self.view
        old = self._inserts
        top = to_base(old, int(view.scroll_y))
        current = view.current_match
        rendered, self._inserts, overlays = self._with_images(self._base)
        view.set_rendered(rendered, keep_line=True)
        view.scroll_to(y=from_base(self._inserts, top), animate=False, immediate=True)
        view.set_overlays(overlays)
        find_bar = self.query_one(FindBar)
        if find_bar.has_class("-visible") and find_bar.input.value:
            prefer = None
            if current is not None:
                line = from_base(self._inserts, to_base(old, current[0]))
                prefer = (line, current[1], current[2])
            total = view.find(find_bar.input.value, scroll=False, prefer=prefer)
            find_bar.set_count(view.match_index + 1, total)
        self.resume.swapped()
