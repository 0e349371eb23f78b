"""The command palette's newsdeck commands (ctrl+p): the main actions by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (name, help, action run on the main screen or the app).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Filter articles", "Focus the fuzzy filter", "screen.focus_filter"),
    ("Next article", "Open the next article in the list", "screen.step_article(1)"),
    ("Previous article", "Open the previous article in the list", "screen.step_article(-1)"),
    ("Open URL", "Open the article's URL in the browser", "screen.open_url"),
    ("Copy URL", "Copy the article's URL to the clipboard", "screen.copy_url"),
    ("Toggle sidebar", "Show or hide the metadata sidebar", "screen.toggle_sidebar"),
    ("Find in article", "Search the text of the open article", "screen.find_in_article"),
    ("Show problems", "Files that could not be read, and why", "screen.problems"),
    ("Show keys", "Every key binding", "app.help"),
    ("Quit newsdeck", "Leave the app", "app.quit"),
)


class NewsdeckCommands(Provider):
    """Offers the actions of the main screen and the app by name."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from tui.app.main_screen import MainScreen

        if not isinstance(self.screen, MainScreen):
            return []
        return [
            (name, help_text, partial(self.screen.run_action, action))
            for name, help_text, action in COMMANDS
        ]

    async def discover(self) -> Hits:
        """Everything, before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match the command names."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
