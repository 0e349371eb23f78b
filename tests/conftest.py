"""Shared fixtures: the real corpus beside the checkout (skipped when absent) and file writers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.locations import REAL_CORPUS


@pytest.fixture
def real_corpus() -> Path:
    """The 296 real articles; tests using them skip on machines that do not have them."""
    if not REAL_CORPUS.is_dir() or not any(REAL_CORPUS.iterdir()):
        pytest.skip("real corpus ../shared/corpus/real is not present")
    return REAL_CORPUS


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a file below tmp_path: ``write("a.md", "text")`` or ``write("a.md", b"bytes")``."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode(encoding) if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test (and every process it starts) gets its own cache, data and config directories.

    newsdeck keeps its index, reading state and config under the user's platform
    directories; a test must never read or write the real ones.
    """
    base = tmp_path_factory.mktemp("user")
    for name in ("CACHE", "DATA", "CONFIG"):
        monkeypatch.setenv(f"NEWSDECK_{name}_DIR", str(base / name.lower()))
    monkeypatch.delenv("NEWSDECK_USER", raising=False)
