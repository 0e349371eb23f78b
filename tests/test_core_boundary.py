"""Parsing, indexing and matching know nothing of Textual: the core imports without it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core


def test_core_imports_without_textual() -> None:
    modules = [f"tui.core.{m.name}" for m in pkgutil.iter_modules(tui.core.__path__)]
    assert len(modules) >= 10
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
    assert result.stdout.strip() == "", f"tui.core pulled in Textual: {result.stdout}"
