"""Dates as newsdeck shows them (tui.body.dates): one zone, UTC, for the app and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tui.body.dates import DATE_WIDTH, NO_DATE, date_column, format_date, format_day

SHANGHAI = timezone(timedelta(hours=8))


def test_an_aware_date_is_converted_to_utc_not_relabelled() -> None:
    morning = datetime(2022, 1, 1, 7, 30, tzinfo=SHANGHAI)
    assert format_date(morning) == "2021-12-31 23:30 UTC"
    assert format_day(morning) == "2021-12-31"
    assert format_date(datetime(2022, 1, 1, 7, 30, tzinfo=UTC)) == "2022-01-01 07:30 UTC"


def test_the_date_column_always_has_one_width() -> None:
    assert date_column(None) == NO_DATE
    assert len(date_column(datetime(2022, 1, 1, tzinfo=UTC))) == DATE_WIDTH == len(NO_DATE)
