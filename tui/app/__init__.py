"""The Textual app. :func:`run` is what ``newsdeck [DIR]`` calls."""

from __future__ import annotations

import sys
from pathlib import Path


def run(root: Path | str) -> int:
    """Browse ``root``; return the exit code (2 when it is not a directory)."""
    path = Path(root).expanduser()
    if not path.exists():
        print(f"newsdeck: {path}: no such directory", file=sys.stderr)
        return 2
    if not path.is_dir():
        print(f"newsdeck: {path}: not a directory", file=sys.stderr)
        return 2
    from tui.app.app import NewsdeckApp

    app = NewsdeckApp(path)
    app.detect_images()  # this process owns its terminal now (a forked ssh session too)
    result = app.run()
    return int(result or app.return_code or 0)


__all__ = ["run"]
