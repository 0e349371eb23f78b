"""`make bench` runs every section it names: a section listed without a runner (or the
reverse) would stop the benchmark with a KeyError after minutes of work."""

from __future__ import annotations

import bench.__main__ as bench_main


def test_every_section_has_a_runner_and_every_runner_a_section() -> None:
    assert list(bench_main.SECTIONS) == list(bench_main.RUNNERS)


def test_section_titles_are_numbered_in_order() -> None:
    numbers = [title.split(".", 1)[0] for title, _ in bench_main.RUNNERS.values()]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
