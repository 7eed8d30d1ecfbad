"""Reading event timestamps the same way in every collector.

ISO-8601 (``2025-03-04T09:30:00+01:00``, ``2025-03-04 09:30:00.123Z``,
``2025-03-04``) is read by default; a source may name a ``strptime`` format
instead. A timestamp without an offset is read in the source's ``timezone``
option (an IANA name such as ``Europe/Amsterdam``), or as UTC when there is
none. Every event therefore carries an aware timestamp, and a log whose rows
have different offsets (daylight saving, several systems) orders correctly.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from cxframe.store import NAIVE_UTC

#: ``parse(text) -> aware datetime``; raises ValueError with a reason.
Parser = Callable[[str], dt.datetime]
#: ``parse(text) -> integer microseconds since 1970 (UTC)``; raises ValueError with a reason.
MicrosParser = Callable[[str], int]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)
MICROSECOND = dt.timedelta(microseconds=1)


def timezone(name: str | None) -> dt.tzinfo:
    """The zone naive timestamps are read in; ValueError when ``name`` is unknown."""
    if not name:
        # read as UTC, but stored with no offset: the source gave none (see cxframe.store.NAIVE_UTC)
        return NAIVE_UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as 'Europe/Amsterdam')") from None


def parser(fmt: str | None = None, zone: dt.tzinfo = NAIVE_UTC) -> Parser:
    """A parser for ISO-8601 text, or for ``fmt`` (``strptime`` codes) when given."""
    expected = f"the format {fmt!r}" if fmt else "ISO-8601, e.g. 2025-03-04T09:30:00+01:00"

    def parse(text: str) -> dt.datetime:
        try:
            value = dt.datetime.strptime(text, fmt) if fmt else dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"unparsable timestamp {text!r} (expected {expected})") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        # the store keeps UTC: a timestamp at the edge of the calendar may not have one (only
        # years 1 and 9999 can overflow, and checking every timestamp costs a second a million)
        if value.year in (1, 9999):
            try:
                value.astimezone(dt.UTC)
            except OverflowError:
                raise ValueError(f"timestamp {text!r} is out of range in UTC") from None
        return value

    return parse


def micros(value: dt.datetime) -> int:
    """Exact integer microseconds since 1970 (UTC) of an aware timestamp."""
    return (value - EPOCH) // MICROSECOND


def micros_parser(fmt: str | None = None, zone: dt.tzinfo = dt.UTC) -> MicrosParser:
    """`parser`, giving exact integer microseconds since 1970 (UTC) instead of a datetime.

    The same text is accepted and rejected with the same reason as `parser`,
    and the value is the one the store's analytics compute from the UTC text
    the store keeps. For ISO-8601 (the common case) it skips what `parser`
    does for the store's sake: no aware datetime is made for a naive timestamp
    read as UTC, and the year-edge check runs only in years 1 and 9999; any
    text the fast path cannot take goes to `parser`, so that the error is its.
    """
    full = parser(fmt, zone)
    if fmt:
        return lambda text: (full(text) - EPOCH) // MICROSECOND
    fromisoformat = dt.datetime.fromisoformat
    naive_is_utc = zone is dt.UTC

    def parse(text: str) -> int:
        try:
            value = fromisoformat(text)
        except ValueError:
            full(text)  # raises with the reason and the expected form
            raise  # pragma: no cover - full() has raised already
        if value.year in (1, 9999):  # may have no UTC equivalent: full() says so
            return (full(text) - EPOCH) // MICROSECOND
        if value.tzinfo is None:
            if naive_is_utc:
                return (value - _NAIVE_EPOCH) // MICROSECOND
            value = value.replace(tzinfo=zone)
        return (value - EPOCH) // MICROSECOND

    return parse
