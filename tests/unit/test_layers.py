"""Parsing, indexing and matching know nothing of Textual: every layer below the app imports
without it (import-linter checks the same statically in ``make lint``; this checks it at run time,
where a lazy import inside a function would also show)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.body
import tui.files
import tui.search
import tui.store

LOWER = ("tui.model", "tui.paths", "tui.library")


def _lower_modules() -> list[str]:
    modules = list(LOWER)
    for pkg in (tui.files, tui.body, tui.search, tui.store):
        modules += [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + ".")]
    return modules


def test_lower_layers_import_without_textual() -> None:
    modules = _lower_modules()
    assert len(modules) >= 15
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "", f"a lower layer pulled in Textual: {result.stdout}"
