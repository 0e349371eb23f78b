"""Resume where you stopped: the reader's position in each opened article, saved and restored.

What is stored (:meth:`tui.store.state.StateStore.set_position`) is the share of the
article's written characters above the first line shown. Why that measure: a
reader may reopen the article at another width, where every line wraps
differently; the written characters (CJK included) do not change with the
wrapping, while spaces, rules, table borders and quote bars do, so they are not
counted. So the fraction lands on
about the same sentence at any width, and it also gives the progress shown
(``42%``: the share above the *bottom* of the view, 100% at the end).

When: a position is restored once the whole article is rendered (a fraction of
the whole cannot be placed in the first screenful alone), unless the user moved
meanwhile or a find is showing its match; it is saved as the user scrolls, at
most once per :data:`SAVE_DELAY` of stillness, and at once when the article is
closed or replaced (or the app quits). Only :meth:`Reader.open` tracks an article:
a preview of the highlighted article never records a position.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from typing import Any, Protocol

from textual.app import App
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer

from tui.app.reader.render import Rendered
from tui.app.reader.view import ArticleView
from tui.model import Article
from tui.store.state import FINISHED_AT, StateError, StateStore

__all__ = ["SAVE_DELAY", "ReadingMeter", "ReadingProgress", "ResumeTracker", "progress_label"]

#: Seconds of stillness before a scrolled position is written (one write per pause).
SAVE_DELAY = 1.0
#: Drawn, not written: rules, table borders and quote bars, repeated with the width.
_DRAWN = " ─━═│┃┆┇┊┋╌╍┏┓┗┛┣┫┳┻╋┡┩┢┪┠┨┯┷┿╇╈┼├┤┬┴╭╮╰╯╔╗╚╝╠╣╦╩╬▌▐▔▁"


def _weight(line: str) -> int:
    """The written characters of a line: what does not change when the text rewraps.

    Spaces (wrapping eats them), rules and borders (drawn at the pane's width) and
    the quote bar (one per wrapped line) do not count. Plain ``str`` methods only:
    the meter measures every line of an article on the UI thread.
    """
    if not line.strip(_DRAWN):
        return 0
    return len(line) - line.count(" ") - line.count("▌") - line.count("│") - line.count("┃")


class ReadingMeter:
    """Lines of one rendering ↔ width-independent fractions of the article."""

    def __init__(self, lines: list[str]) -> None:
        #: ``before[i]``: letters and digits in the lines above line ``i``.
        self.before = [0, *accumulate(_weight(line) for line in lines)]
        self.total = self.before[-1]

    @property
    def lines(self) -> int:
        """How many lines the rendering has."""
        return len(self.before) - 1

    def fraction_at(self, line: int) -> float:
        """The share of the article above ``line``."""
        if self.total == 0:
            return 0.0
        return self.before[max(0, min(line, self.lines))] / self.total

    def line_at(self, fraction: float) -> int:
        """The line at which ``fraction`` of the article lies above.

        Blank lines (and rules) weigh nothing, so several lines may start at the
        same count: the last of them is chosen, the one whose text comes next.
        """
        if self.total == 0 or fraction <= 0.0:
            return 0
        wanted = round(fraction * self.total)
        line = bisect_right(self.before, wanted) - 1
        return max(0, min(line, self.lines - 1))

    def progress(self, top: int, height: int) -> float:
        """The share read when lines ``top``..``top+height`` are on screen (1.0 at the end)."""
        if self.total == 0:
            return 1.0
        return self.fraction_at(top + height)


def progress_label(progress: float | None) -> str:
    """``42%`` (rounded down, so 100% only at the very end); empty when unknown."""
    if progress is None:
        return ""
    return f"{int(min(1.0, max(0.0, progress)) * 100 + 1e-9)}%"


class ReadingProgress(Message):
    """How far the reader is in the opened article (bubbles to the screen for its header).

    ``progress`` is None when no opened article is tracked (closed, or a preview).
    """

    def __init__(self, article: Article | None, progress: float | None) -> None:
        super().__init__()
        self.article = article
        self.progress = progress

    @property
    def label(self) -> str:
        """``42%``, or empty."""
        return progress_label(self.progress)


class _Reader(Protocol):
    """What the tracker uses of :class:`~tui.app.reader.pane.Reader` (no import cycle)."""

    @property
    def app(self) -> App[Any]: ...

    @property
    def article(self) -> Article | None: ...

    @property
    def view(self) -> ArticleView: ...

    @property
    def loading_article(self) -> bool: ...

    @property
    def rendering_article(self) -> bool: ...

    def post_message(self, message: Message) -> bool: ...

    def set_timer(self, delay: float, callback: Callable[[], object]) -> Timer: ...

    def notify(
        self, message: str, *, title: str = ..., severity: SeverityLevel = ..., markup: bool = ...
    ) -> None: ...


class ResumeTracker:
    """The reading position of the article the reader opened: restore, measure, save.

    The Reader calls :meth:`opened` from ``open``, :meth:`swapped` after every swap
    of lines, :meth:`scrolled` on every scroll and :meth:`close` when the article
    goes away; everything else is here, so the pane only carries the hooks.
    """

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        #: The opened article being tracked (None: nothing, or a preview shows).
        self.article: Article | None = None
        #: A saved fraction still to restore (None once restored, or when there was none).
        self.target: float | None = None
        #: Where the first line shown is now, and whether the end was reached.
        self.fraction = 0.0
        self.finished = False
        #: The share read, as shown (``42%``); None when unknown.
        self.progress: float | None = None
        self._saved: tuple[float, bool] | None = None
        self._meter: tuple[Rendered, ReadingMeter] | None = None
        self._timer: Timer | None = None
        self._warned = False

    # -- the store ---------------------------------------------------------------------

    def _store(self) -> StateStore | None:
        store = getattr(self.reader.app, "store", None)
        return store if isinstance(store, StateStore) else None

    # -- hooks ---------------------------------------------------------------------------

    def opened(self, article: Article) -> None:
        """The user opened ``article`` (never a preview): save the last one, track this one."""
        self.close()
        store = self._store()
        if store is None:
            return
        self.article = article
        saved = store.position(article)
        self.target = saved if saved else None
        self.fraction = saved or 0.0
        self.finished = store.is_finished(article)
        self._saved = (self.fraction, self.finished)
        self.progress = None

    def swapped(self) -> None:
        """New lines are on screen: restore once the whole article is in, then measure."""
        if not self._tracking():
            return
        view = self.reader.view
        rendered = view.rendered
        if not rendered.complete:
            return
        if self.target is not None:
            target, self.target = self.target, None
            # Not when the user already moved (or a find shows its match): they win.
            restore = view.scroll_y == 0 and not view.matches
            if restore:
                line = self._meter_for(rendered).line_at(target)
                view.scroll_to(y=line, animate=False, immediate=True)
            self._measure()
            if restore:
                # The restored place is what was saved: nothing new to write for it
                # (only a "finished" reached just now is).
                self._saved = (self.fraction, self._saved_finished())
            self._schedule()
            return
        self._measure()
        self._schedule()

    def scrolled(self) -> None:
        """The view scrolled: update the progress now, save once scrolling pauses.

        Not while the article is still coming: the lines on screen are then its
        "Loading…" placeholder or its first screenful, which say nothing of the whole.
        """
        if not self._tracking() or self.target is not None:
            return
        reader = self.reader
        if reader.loading_article or reader.rendering_article:
            return
        if not reader.view.rendered.complete:
            return
        self._measure()
        self._schedule()

    def close(self) -> None:
        """The article is closed or replaced: save its position now, stop tracking."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.article is not None:
            self._save()
            self.article = None
            self._post(None, None)
        self.target = None
        self._meter = None
        self.progress = None

    # -- inside ------------------------------------------------------------------------

    def _tracking(self) -> bool:
        """Whether the reader still shows the opened article (a preview or clear ends it)."""
        if self.article is None:
            return False
        if self.reader.article is not self.article:
            self.close()  # replaced without open() (a preview): keep what was measured
            return False
        return True

    def _saved_finished(self) -> bool:
        return self._saved is not None and self._saved[1]

    def _meter_for(self, rendered: Rendered) -> ReadingMeter:
        if self._meter is None or self._meter[0] is not rendered:
            self._meter = (rendered, ReadingMeter(rendered.plain))
        return self._meter[1]

    def _measure(self) -> None:
        view = self.reader.view
        meter = self._meter_for(view.rendered)
        top = int(view.scroll_y)
        height = view.scrollable_content_region.height
        self.fraction = meter.fraction_at(top)
        progress = meter.progress(top, height)
        at_end = view.scroll_y >= view.max_scroll_y
        self.finished = self.finished or at_end or progress >= FINISHED_AT
        if progress_label(progress) != progress_label(self.progress):
            self._post(self.article, progress)
        self.progress = progress

    def _post(self, article: Article | None, progress: float | None) -> None:
        self.progress = progress
        self.reader.post_message(ReadingProgress(article, progress))

    def _schedule(self) -> None:
        if self._saved == (self.fraction, self.finished):
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.reader.set_timer(SAVE_DELAY, self._save)

    def _save(self) -> None:
        self._timer = None
        article, store = self.article, self._store()
        if article is None or store is None or self._saved == (self.fraction, self.finished):
            return
        try:
            store.set_position(article, self.fraction, finished=self.finished)
        except StateError as exc:
            if not self._warned:  # once: scrolling must not bury the screen in notices
                self._warned = True
                self.reader.notify(
                    str(exc), title="Reading position", severity="warning", markup=False
                )
            return
        self._saved = (self.fraction, self.finished)
