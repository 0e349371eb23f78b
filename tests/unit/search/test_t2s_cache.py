"""The Traditional -> Simplified table is kept in the cache folder and rebuilt when it must be."""

from __future__ import annotations

import marshal
from collections.abc import Iterator

import pytest

from tui.paths import cache_dir
from tui.search import chinese


@pytest.fixture
def fresh_map() -> Iterator[None]:
    chinese.t2s_map.cache_clear()
    yield
    chinese.t2s_map.cache_clear()


def test_the_table_is_kept_and_reused(fresh_map: None, monkeypatch: pytest.MonkeyPatch) -> None:
    built = chinese.t2s_map()
    assert built[ord("會")] == "会" and len(built) > 2000
    kept = cache_dir() / chinese._T2S_FILE
    assert kept.is_file()
    chinese.t2s_map.cache_clear()

    def no_build() -> dict[int, str]:
        raise AssertionError("rebuilt although a good table was kept")

    monkeypatch.setattr(chinese, "_build_t2s", no_build)
    assert chinese.t2s_map() == built


@pytest.mark.parametrize("damage", [b"", b"garbage", marshal.dumps((("other",), {1: "x"}))])
def test_a_damaged_or_stale_table_is_rebuilt(fresh_map: None, damage: bytes) -> None:
    built = chinese.t2s_map()
    kept = cache_dir() / chinese._T2S_FILE
    kept.write_bytes(damage)
    chinese.t2s_map.cache_clear()
    assert chinese.t2s_map() == built
    assert marshal.loads(kept.read_bytes())[1] == built  # written back, whole
