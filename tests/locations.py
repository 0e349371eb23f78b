"""Where the tests find the checkout, its sample seeds and the real corpus beside it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_CORPUS = REPO.parent / "shared" / "corpus" / "real"
SAMPLE_SEEDS = REPO / "sample_seeds"
