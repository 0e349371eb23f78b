"""Parsing, indexing and matching know nothing of Textual: every layer below the app imports
without it (import-linter checks the same statically in ``make lint``; this checks it at run time,
where a lazy import inside a function would also show)."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import tui.body
import tui.files
import tui.images
import tui.search
import tui.store

LOWER = ("tui.model", "tui.paths", "tui.library")


def _lower_modules() -> list[str]:
    modules = list(LOWER)
    for pkg in (tui.files, tui.body, tui.search, tui.store, tui.images):
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


def _product_modules() -> list[Path]:
    return sorted(Path(tui.body.__file__).resolve().parents[1].rglob("*.py"))


def test_no_module_imports_another_modules_private_name() -> None:
    offenders = []
    for path in _product_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui"):
                offenders += [
                    f"{path.name}: from {node.module} import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert offenders == []


def test_long_modules_say_why_they_are_one_piece() -> None:
    long = []
    for path in _product_modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 600:
            doc = ast.get_docstring(ast.parse(text)) or ""
            if "one piece" not in doc:
                long.append(path.name)
    assert long == []
