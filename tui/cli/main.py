"""The ``newsdeck`` entry point: run the app, or hand a subcommand to the module that owns it.

Only dispatch lives here. Each command group is a module with ``register(subparsers)``
(see :data:`COMMANDS`); what they share is in :mod:`tui.cli.common`. Command modules
import their heavy dependencies inside the handlers so ``newsdeck list`` starts quickly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, checked_directory, error
from tui.paths import sample_seeds_dir

#: Subcommand -> the module that registers it (``register(subparsers)``, each parser with
#: ``set_defaults(handler=...)``), in the order ``newsdeck`` lists them.
COMMANDS: dict[str, str] = {
    "list": "tui.cli.read",
    "show": "tui.cli.read",
    "check": "tui.cli.read",
    "export": "tui.cli.export",
    "serve": "tui.cli.serve",
    "index": "tui.cli.index",
    "search": "tui.cli.index",
    "related": "tui.cli.index",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script and ``python -m tui``."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            return run_command(args)
        return run_app(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `newsdeck list DIR | head`: the reader went away; that is not an error.
        sys.stderr.close()
        return EXIT_OK


def run_app(args: list[str]) -> int:
    """``newsdeck [DIR]``: the reader app on a directory (default: the bundled samples)."""
    parser = argparse.ArgumentParser(
        prog="newsdeck",
        description="Read a folder of news articles in the terminal.",
        epilog="Commands: newsdeck list | show | check | index | search | related | export | serve"
        "  (see newsdeck COMMAND --help)",
    )
    parser.add_argument(
        "directory", nargs="?", help="seeds directory (default: the bundled samples)"
    )
    parser.add_argument(
        "--color-system",
        choices=("auto", "standard", "256", "truecolor", "windows"),
        help="colours to use (default: from TERM/COLORTERM; also $TEXTUAL_COLOR_SYSTEM)",
    )
    ns = parser.parse_args(args)
    if ns.color_system:
        # Textual reads this once, at import: set it before the app is imported.
        os.environ["TEXTUAL_COLOR_SYSTEM"] = ns.color_system
    root = Path(ns.directory) if ns.directory else sample_seeds_dir()
    if not checked_directory(root):
        return EXIT_USAGE
    try:
        from tui.app import run
    except ImportError as exc:  # the app is optional for the scripting commands
        error(f"the reader app is not available ({exc})")
        return EXIT_USAGE
    return run(root)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand (or only of ``command``'s module), as the modules register.

    Why only one: importing every command module costs a script's ``newsdeck list``
    more than reading its first rows. A parser given a known subcommand behaves
    the same either way: only that subparser's help and errors can show.
    """
    parser = argparse.ArgumentParser(prog="newsdeck")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = dict.fromkeys(COMMANDS.values())
    if command in COMMANDS:
        modules = {COMMANDS[command]: None}
    for module_name in modules:
        importlib.import_module(module_name).register(sub)
    return parser


def run_command(args: list[str]) -> int:
    """Parse ``args`` (a subcommand first) and run its handler."""
    ns = build_parser(args[0] if args else None).parse_args(args)
    handler: Callable[[argparse.Namespace], int] = ns.handler
    return handler(ns)
