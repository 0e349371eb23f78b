"""newsdeck's own Textual themes: one dark, one light.

Colours are picked close to entries of the xterm 256-colour cube so they stay
distinct when Textual downgrades them for terminals without ``COLORTERM``
(most SSH sessions). ``NO_COLOR`` is handled by Textual itself (monochrome).
"""

from __future__ import annotations

from textual.theme import Theme

DARK = Theme(
    name="newsdeck-dark",
    primary="#5f87d7",
    secondary="#5fafaf",
    accent="#ffaf5f",
    warning="#ffd75f",
    error="#ff5f5f",
    success="#87d787",
    foreground="#d0d0d0",
    background="#121212",
    surface="#1c1c1c",
    panel="#303030",
    dark=True,
    variables={
        "footer-key-foreground": "#ffaf5f",
        "input-selection-background": "#5f87d7 40%",
    },
)

LIGHT = Theme(
    name="newsdeck-light",
    primary="#005faf",
    secondary="#008787",
    accent="#af5f00",
    warning="#af8700",
    error="#d70000",
    success="#008700",
    foreground="#1c1c1c",
    background="#eeeeee",
    surface="#e4e4e4",
    panel="#d0d0d0",
    dark=False,
    variables={
        "footer-key-foreground": "#af5f00",
    },
)

THEMES: tuple[Theme, ...] = (DARK, LIGHT)
DEFAULT_THEME = DARK.name
