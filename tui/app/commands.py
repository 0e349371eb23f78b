"""The command palette's newsdeck commands (ctrl+p): the main actions by name.

Names say what happens ("Open article", "Switch to light theme"). The help lines
name no keys: a user keymap can move them, and the `?` screen shows the live ones.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (name, help, action run on the main screen or the app).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Filter articles", "Fuzzy text plus src: cat: is:unread after: …", "screen.focus_filter"),
    ("Open article", "Read the article under the cursor", "screen.open_selected"),
    ("Next article", "Open the next article in the list", "screen.step_article(1)"),
    ("Previous article", "Open the previous article in the list", "screen.step_article(-1)"),
    ("Open URL in browser", "Open the article's web page", "screen.open_url"),
    ("Copy URL", "Copy the article's URL to the clipboard", "screen.copy_url"),
    ("Toggle sidebar", "Show or hide the metadata sidebar", "screen.toggle_sidebar"),
    ("Find in article", "Search the text of the open article", "screen.find_in_article"),
    ("Show problems", "Files that could not be read, and why", "screen.problems"),
    ("Toggle read", "Mark the article read, or unread again", "screen.toggle_read"),
    ("Mark all shown as read", "Every article in the view, after asking", "screen.mark_view_read"),
    ("Toggle star", "Star the article, or unstar it", "screen.toggle_star"),
    ("Change sort order", "Date, title or source, ascending or descending", "screen.cycle_sort"),
    ("Browse sources", "Filter by source, category or saved search", "screen.toggle_browser"),
    ("Save search", "Save the current filter under a name", "screen.save_search"),
    ("Show keys", "Every key binding", "app.help"),
    ("Quit newsdeck", "Leave the app", "app.quit"),
)


def theme_command(dark: bool) -> tuple[str, str, str]:
    """The theme switch, named after where it goes (so "light" and "dark" both find it)."""
    target = "light" if dark else "dark"
    return (
        f"Switch to {target} theme",
        "Toggle newsdeck's dark and light themes",
        "app.toggle_dark_light",
    )


class NewsdeckCommands(Provider):
    """Offers the actions of the main screen and the app by name."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from tui.app.screens.main import MainScreen

        if not isinstance(self.screen, MainScreen):
            return []
        commands = [*COMMANDS, theme_command(self.app.current_theme.dark)]
        return [
            (name, help_text, partial(self.screen.run_action, action))
            for name, help_text, action in commands
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
