"""The newsdeck App: thin. It holds the settings and pushes the main screen.

Everything about articles lives in :mod:`tui.app.screens.main` and the panes; the
App adds the global keys (help, quit), the themes, the palette commands and the
one place where a failed worker becomes a notification instead of a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, InvalidThemeError, SystemCommand
from textual.binding import Binding, BindingType, Keymap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tui.app.commands import NewsdeckCommands
from tui.app.screens.help import HelpScreen
from tui.app.screens.main import MainScreen
from tui.app.themes import DARK, DEFAULT_THEME, LIGHT, THEMES
from tui.app.wrapping import install_line_breaking
from tui.images.terminal import Terminal, detect
from tui.paths import styles_dir
from tui.store.config import Config, load_config, unknown_binding_ids
from tui.store.state import StateStore

if TYPE_CHECKING:
    from tui.images import ImageStore


class NewsdeckApp(App[int]):
    """Browse a directory of news articles."""

    TITLE = "newsdeck"
    CSS_PATH = str(styles_dir() / "newsdeck.tcss")
    COMMANDS: ClassVar = App.COMMANDS | {NewsdeckCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        root: Path,
        *,
        watch_css: bool = False,
        config: Config | None = None,
        store: StateStore | None = None,
        image_store: ImageStore | None = None,
        image_terminal: Terminal | None = None,
    ) -> None:
        """``config``/``store`` default to the user's file and state database;
        ``image_store`` to the cache folder's; ``image_terminal`` to the forced
        ``image_protocol`` (half-blocks for "auto" until :meth:`detect_images` asks)."""
        install_line_breaking()  # CJK line breaking wherever Rich or Textual wraps
        #: binding id -> keys now in force (see :meth:`set_keymap`); the help screen shows it.
        self.keymap: dict[str, str] = {}
        super().__init__(watch_css=watch_css)
        self.root = Path(root).expanduser()
        #: Shown as notifications once the screen is up: a bad config never stops the app.
        self.startup_warnings: list[str] = []
        if config is None:
            config, warnings = load_config()
            self.startup_warnings += warnings
        self.config = config
        if store is None:
            store, warning = StateStore.open_or_memory()
            if warning:
                self.startup_warnings.append(warning)
        #: The one reading-state store of this app (marks, views, saved searches).
        self.store = store
        self._image_store = image_store
        forced = config.image_protocol if config.image_protocol != "auto" else "halfblocks"
        #: What this session's terminal draws images with (see :meth:`detect_images`).
        self.image_terminal = image_terminal or Terminal(forced)
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = DEFAULT_THEME
        if config.theme != DEFAULT_THEME:
            try:
                self.theme = config.theme
            except InvalidThemeError:
                self.startup_warnings.append(
                    f"theme {config.theme!r} is unknown; using {DEFAULT_THEME!r}"
                    f" (themes: {', '.join(sorted(self.available_themes))})"
                )
        if config.keys:
            self.startup_warnings += unknown_binding_ids(config, binding_ids())
            self.set_keymap(dict(config.keys))

    def detect_images(self) -> None:
        """Ask this process's terminal what images it can draw, once, before Textual
        starts reading its input (it would swallow the replies). Not when images are
        off (nothing is asked of the terminal then); half-blocks under ``serve web``."""
        if self.config.images == "off":
            return
        web = "web" in os.environ.get("TEXTUAL_DRIVER", "")
        self.image_terminal = detect(self.config.image_protocol, web=web)

    @property
    def image_store(self) -> ImageStore | None:
        """The image cache (made on first use); None when images are off."""
        if self.config.images == "off":
            return None
        if self._image_store is None:
            from tui.images import ImageStore, image_cache_dir

            self._image_store = ImageStore(image_cache_dir(), max_mb=self.config.image_cache_mb)
        return self._image_store

    def write_graphics(self, data: str) -> None:
        """Image bytes (kitty, sixel) to this session's terminal, through the app's own
        output: Textual's driver writes to the terminal the app runs on (the session's pty
        under ``serve ssh``), in order with the screen updates. Textual has no public
        call for raw output; its own clipboard support uses the driver the same way."""
        driver = self._driver
        if driver is not None and not self.is_web and data:
            driver.write(self.image_terminal.wrap(data))

    def set_keymap(self, keymap: Keymap) -> None:
        """Textual's, also kept in :attr:`keymap`: Textual 8 has no public way to read it back."""
        self.keymap = dict(keymap)
        super().set_keymap(keymap)

    def update_keymap(self, keymap: Keymap) -> None:
        """Textual's, also kept in :attr:`keymap`."""
        self.keymap = {**self.keymap, **keymap}
        super().update_keymap(keymap)

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.root, store=self.store, config=self.config))
        for warning in self.startup_warnings:
            self.notify(
                warning, title="newsdeck settings", severity="warning", timeout=10, markup=False
            )

    def on_unmount(self) -> None:
        """Everything is committed already; closing just releases the file."""
        self.store.close()

    def action_help(self) -> None:
        """`?`: every key, from the live bindings."""
        if isinstance(self.screen, HelpScreen):
            return
        main = self.main_screen
        if main is None:
            return
        from tui.app.reader import ArticleView, FindBar, Reader
        from tui.app.widgets.article_list import ArticleList
        from tui.app.widgets.browser import Browser
        from tui.app.widgets.filter_bar import FilterBar

        sections: list[tuple[str, list[DOMNode]]] = [
            ("Everywhere", [self]),
            ("Main screen", [main]),
            ("Article list", list(main.query(ArticleList))),
            ("Source browser", list(main.query(Browser))),
            ("Filter box", list(main.query(FilterBar))),
            ("Reading pane", [*main.query(ArticleView), *main.query(Reader)]),
            ("Find box", list(main.query(FindBar))),
        ]
        self.push_screen(HelpScreen(sections, self.keymap))

    def action_toggle_dark_light(self) -> None:
        """Switch between newsdeck's dark and light themes (from any theme)."""
        self.theme = LIGHT.name if self.current_theme.dark else DARK.name

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette entries minus "Keys" and "Quit", which newsdeck names itself.

        Textual's "Keys" opens a different, widget-level key panel beside our
        `?` screen; two entries for each would only make a person wonder which.
        """
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Quit"):
                yield command

    @property
    def main_screen(self) -> MainScreen | None:
        """The main screen, wherever it is in the stack."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one failure handler: a worker error becomes a notification."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            what = event.worker.description or event.worker.name or "a task"
            self.notify(
                f"{type(error).__name__}: {error}",
                title=f"Could not {what}",
                severity="error",
                timeout=8,
                markup=False,
            )


def binding_ids() -> set[str]:
    """Every binding id newsdeck defines (what ``[keys]`` in the config may remap)."""
    from tui.app.reader import ArticleView, FindBar, Reader
    from tui.app.screens.dialogs import ConfirmScreen, NameScreen
    from tui.app.screens.problems import ProblemsScreen
    from tui.app.widgets.article_list import ArticleList
    from tui.app.widgets.browser import Browser
    from tui.app.widgets.filter_bar import FilterBar

    owners = (
        NewsdeckApp,
        MainScreen,
        ArticleList,
        FilterBar,
        ArticleView,
        FindBar,
        Reader,
        Browser,
        ConfirmScreen,
        NameScreen,
        HelpScreen,
        ProblemsScreen,
    )
    return {
        binding.id
        for owner in owners
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
