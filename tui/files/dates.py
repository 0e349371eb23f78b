"""Reading the many ways seeds write a date, into timezone-aware UTC.

Real files use RFC 2822 (`Fri, 24 Dec 2021 10:21:49 GMT`), ISO 8601 with or
without a zone, bare dates, naive local times, epoch milliseconds or seconds,
literal `NaN`, and Chinese dates (`2020年6月24日`). A value that cannot be
read, or lies outside any plausible range, yields ``None`` plus a problem
message: never an exception, so sorting mixed files cannot fail.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

#: Earliest date accepted as an article date.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
#: How far past "now" a date may lie before it is called absurd (clock skew, time zones).
FUTURE_SLACK = timedelta(days=2)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_YYYYMMDD = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CHINESE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?"
    r"(?:\s*(\d{1,2})\s*[:：时時点點]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?"
)
_SLASHED = re.compile(
    r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$"
)
_NOT_A_DATE = {"nan", "null", "none", "undefined", "invalid date", "-", "~"}

ParsedDate = tuple[datetime | None, str | None]


def parse_date(value: object, *, now: datetime | None = None) -> ParsedDate:
    """Parse one date value; return ``(aware UTC datetime or None, problem or None)``."""
    if value is None:
        return None, None
    if isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value).strip().strip("\"'").strip()
    if not text:
        return None, None
    if text.lower() in _NOT_A_DATE:
        return None, f"date is {text!r}, not a date"
    if _NUMBER.fullmatch(text) and not _YYYYMMDD.fullmatch(text):
        return _validate_epoch(float(text), text)
    try:
        parsed, naive = _parse(text)
    except (ValueError, OverflowError, OSError, TypeError, IndexError):
        parsed, naive = None, False
    if parsed is None:
        return None, f"date {_short(text)!r} could not be read"
    return _validate(parsed, text, naive, now)


def parse_epoch(text: str) -> ParsedDate:
    """An epoch timestamp from a feed's first line: milliseconds, or seconds when small."""
    text = text.strip()
    if text.lower() in _NOT_A_DATE:
        return None, f"timestamp is {text!r}, not a date"
    if not _NUMBER.fullmatch(text):
        return None, f"timestamp {_short(text)!r} is not a number"
    return _validate_epoch(float(text), text)


def _parse(text: str) -> tuple[datetime | None, bool]:
    """Returns (datetime, was_naive). Raises ValueError and friends on nonsense."""
    if _NUMBER.fullmatch(text):
        m = _YYYYMMDD.fullmatch(text)
        if m and 1900 <= int(m.group(1)) <= 2100:
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))), True
        return _from_epoch(float(text)), False

    iso = text.replace("Z", "+00:00").replace("z", "+00:00") if text[:4].isdigit() else text
    if iso[:4].isdigit():
        try:
            dt = datetime.fromisoformat(iso)
            return dt, dt.tzinfo is None
        except ValueError:
            pass
        m = _SLASHED.match(iso)
        if m:
            return _from_groups(m.groups()), True
        m = _CHINESE.search(text)
        if m:
            return _from_groups(m.groups()), True

    if text[:1].isalpha():
        rfc: datetime | None
        try:
            rfc = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            rfc = None
        if rfc is not None:
            # `-0000` means "zone unknown" in RFC 2822; treat as UTC.
            return (rfc if rfc.tzinfo else rfc.replace(tzinfo=UTC)), False

    m = _CHINESE.search(text)
    if m:
        return _from_groups(m.groups()), True
    return None, False


def _from_groups(groups: tuple[str | None, ...]) -> datetime:
    parts = [int(g) if g else 0 for g in groups]
    while len(parts) < 6:
        parts.append(0)
    return datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])


def _from_epoch(number: float) -> datetime:
    seconds = number / 1000 if abs(number) >= 1e11 else number
    return datetime.fromtimestamp(seconds, tz=UTC)


def _validate_epoch(number: float, text: str) -> ParsedDate:
    if number <= 0:
        return None, f"timestamp {_short(text)} is not a plausible date"
    try:
        dt = _from_epoch(number)
    except (ValueError, OverflowError, OSError):
        return None, f"timestamp {_short(text)} is out of range"
    return _validate(dt, text, False, None)


def _validate(dt: datetime, text: str, naive: bool, now: datetime | None) -> ParsedDate:
    problem = None
    if naive or dt.tzinfo is None:
        try:
            # Naive times are taken as the reader's local time (TZ), like `date` does.
            dt = dt.astimezone()
        except (OverflowError, OSError, ValueError):
            dt = dt.replace(tzinfo=UTC)
        if len(text) > 10:
            problem = f"date {_short(text)!r} has no time zone; local time assumed"
    try:
        dt = dt.astimezone(UTC)
    except (OverflowError, OSError, ValueError):
        return None, f"date {_short(text)!r} is out of range"
    now = now or datetime.now(UTC)
    if dt < EARLIEST or dt > now + FUTURE_SLACK:
        return None, f"date {_short(text)!r} is implausible ({dt:%Y-%m-%d}); ignored"
    return dt, problem


def _short(text: str, limit: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
