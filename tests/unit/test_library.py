"""The Library: accumulates scan batches, separates failures, ranks with the fuzzy index."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from tui.library import Library
from tui.model import Article


def art(title: str, day: int | None, source: str = "", author: str = "") -> Article:
    date = datetime(2024, 5, day, tzinfo=UTC) if day is not None else None
    return Article(
        path=Path(f"/x/{title}.md"), title=title, date=date, source=source, author=author
    )


def test_newest_first_across_batches_with_undated_last() -> None:
    library = Library(Path("/x"))
    assert library.add([art("b", 2), art("nodate", None)]) == 2
    assert library.add([art("c", 3), art("a", 1)]) == 2
    assert [a.title for a in library.newest_first()] == ["c", "b", "a", "nodate"]
    assert len(library) == 4


def test_failures_go_to_problems_not_the_list() -> None:
    library = Library(Path("/x"))
    bad = Article(path=Path("/x/junk.bin"), error="binary data, not text")
    assert library.add([art("good", 1), bad]) == 1
    assert library.problems == [bad]
    assert [a.title for a in library.newest_first()] == ["good"]
    assert library.total_files == 2


def test_blank_query_is_newest_first() -> None:
    library = Library(Path("/x"))
    library.add([art("old", 1), art("new", 9)])
    result = library.filtered("  ")
    assert [a.title for a in result.articles] == ["new", "old"]
    assert result.result is None


def test_filter_matches_title_then_source_and_author() -> None:
    library = Library(Path("/x"))
    library.add(
        [
            art("Weather in Europe", 1, source="BBC"),
            art("NATO summit opens", 2, source="Reuters"),
            art("Markets calm", 3, source="NATO Review"),
            art("俄罗斯与北约的安全谈判", 4, source="半岛网"),
        ]
    )
    titles = [a.title for a in library.filtered("nato").articles]
    assert titles[0] == "NATO summit opens"
    assert "Markets calm" in titles  # matched by source
    assert "Weather in Europe" not in titles
    chinese = [a.title for a in library.filtered("俄罗斯").articles]
    assert chinese == ["俄罗斯与北约的安全谈判"]
    assert library.highlight("nato", "NATO summit opens") == [0, 1, 2, 3]
    assert library.highlight("", "NATO summit opens") == []


def test_previous_result_is_not_reused_after_new_articles() -> None:
    library = Library(Path("/x"))
    library.add([art("nato one", 1)])
    first = library.filtered("nat")
    library.add([art("nato two", 2)])
    second = library.filtered("nato", previous=first)
    assert {a.title for a in second.articles} == {"nato one", "nato two"}


def test_should_stop_marks_result_cancelled() -> None:
    library = Library(Path("/x"))
    library.add([art(f"title {i}", 1) for i in range(50)])
    result = library.filtered("title", should_stop=lambda: True)
    assert result.cancelled


def test_concurrent_add_and_filter() -> None:
    """The scan adds from one thread while the filter reads in another."""
    library = Library(Path("/x"))
    errors: list[BaseException] = []

    def add() -> None:
        for n in range(40):
            library.add([art(f"story {n} {i}", 1 + i % 28) for i in range(25)])

    def search() -> None:
        try:
            for _ in range(40):
                for article in library.filtered("story").articles:
                    assert "story" in article.title
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add), threading.Thread(target=search)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(library) == 1000
    assert len(library.filtered("story").articles) == 1000
