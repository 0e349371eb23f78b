"""How newsdeck shows a date: one zone (UTC, which every reader of a shared server agrees on)
for the reader, the list, the sidebar and the command line.

No Rich here: ``newsdeck list`` prints dates and should not pay for importing it.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["DATE_WIDTH", "NO_DATE", "date_column", "format_date", "format_day"]

#: Cells :func:`format_date` takes, so a column of dates lines up.
DATE_WIDTH = len("2000-01-01 00:00 UTC")
#: The date column's placeholder for an article without a date.
NO_DATE = "-" * DATE_WIDTH


def format_date(date: datetime) -> str:
    """The absolute date as newsdeck shows it everywhere (UTC, minutes)."""
    return _utc(date).strftime("%Y-%m-%d %H:%M UTC")


def format_day(date: datetime) -> str:
    """The calendar day of ``date`` in the same zone as :func:`format_date`."""
    return _utc(date).strftime("%Y-%m-%d")


def date_column(date: datetime | None) -> str:
    """:func:`format_date`, or :data:`NO_DATE`: always :data:`DATE_WIDTH` cells."""
    return NO_DATE if date is None else format_date(date)


def _utc(date: datetime) -> datetime:
    """Parsed dates are already UTC; an aware date from elsewhere is converted, not relabelled."""
    return date.astimezone(UTC) if date.tzinfo is not None else date
