"""Reading event timestamps the same way in every collector.

ISO-8601 (``2025-03-04T09:30:00+01:00``, ``2025-03-04 09:30:00.123Z``,
``2025-03-04``) is read by default; a source may name a ``strptime`` format
instead. A timestamp without an offset is read in the source's ``time_zone``
option (an IANA name such as ``Europe/Amsterdam``), or as UTC when there is
none. Every event therefore carries an aware timestamp, and a log whose rows
have different offsets (daylight saving, several systems) orders correctly.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

from cxframe import NAIVE_UTC

#: ``parse(text) -> aware datetime``; raises ValueError with a reason.
Parser = Callable[[str], dt.datetime]


def timezone(name: str | None) -> dt.tzinfo:
    """The zone naive timestamps are read in; ValueError when ``name`` is unknown."""
    if not name:
        # read as UTC, but stored with no offset: the source gave none (see cxframe.store._sqlite.NAIVE_UTC)
        return NAIVE_UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (expected an IANA name such as 'Europe/Amsterdam')") from None


def expected(fmt: str | None = None) -> str:
    """What a timestamp is expected to be, for the reason of an unparsable one."""
    return f"the format {fmt!r}" if fmt else "ISO-8601, e.g. 2025-03-04T09:30:00+01:00"


def parser(fmt: str | None = None, zone: dt.tzinfo = NAIVE_UTC) -> Parser:
    """A parser for ISO-8601 text, or for ``fmt`` (``strptime`` codes) when given."""
    expected_text = expected(fmt)

    def parse(text: str) -> dt.datetime:
        try:
            value = dt.datetime.strptime(text, fmt) if fmt else dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"unparsable timestamp {text!r} (expected {expected_text})") from None
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


def lenient(parse: Parser) -> Callable[[str], dt.datetime | None]:
    """``parse`` giving None for a text it cannot read, as the core's ``parse_timestamp`` wants."""

    def parse_or_none(text: str) -> dt.datetime | None:
        try:
            return parse(text)
        except ValueError:
            return None

    return parse_or_none
