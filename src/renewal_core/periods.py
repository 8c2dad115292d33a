"""Policy time: terms, anniversaries and day counts in the policy's time zone.

The conventions, in one place:

* A **policy term** is a span of whole calendar days in the policy's IANA time
  zone. Cover starts at 00:00 on ``start`` and ends at 24:00 on ``end``, so ``end``
  is *inclusive* (as a Chinese policy puts it: "自…零时起至…二十四时止").
* A **zone** is a name from the IANA time zone database, as Python's ``zoneinfo``
  lists it (:func:`zoneinfo.available_timezones`), except ``"localtime"`` (the
  host's own zone, different on every machine), ``"Factory"``, ``"posixrules"`` and
  the ``posix/`` and ``right/`` variants. Fixed-offset entries of the database
  (``"Etc/GMT-8"``, ``"EST"``) are names like any other and are accepted; a bare
  offset (``"+08:00"``, ``pendulum.FixedTimezone``, ``datetime.timezone``) is not.
* **Days** are :class:`pendulum.Date` values (a :class:`datetime.date` subclass).
  A plain ``datetime.date`` is accepted and converted losslessly. A ``datetime``
  is refused wherever a day is needed: an instant only becomes a day in a given
  zone, so call :func:`local_day` explicitly.
* **Instants** are aware datetimes. Naive datetimes are refused. Instants are
  compared as points on the timeline (UTC), never by their wall-clock reading.
* **Anniversaries** are always computed from the *original* inception date, so they
  never drift. A date the target month lacks (29, 30 or 31) follows a
  :class:`MonthEndRule`: the last day of the month by default, or the first day of
  the next month.
* **Day counts** for a change effective at 00:00 on a day (a cancellation, an
  endorsement) are whole days, clamped to the term.
* Results outside the years 1 to 9999 raise
  :class:`~renewal_core.errors.DateOutOfRange`.

>>> term = PolicyTerm.annual(pendulum.Date(2024, 2, 29), "Asia/Shanghai")
>>> term.end, term.days
(Date(2025, 2, 27), 365)
>>> term.renewal().start
Date(2025, 2, 28)
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core.errors import (
    DateOutOfRange,
    DateTypeError,
    InvalidTerm,
    NaiveDateTimeError,
    UnknownTimeZone,
    _shown,
)

__all__ = [
    "MonthEndRule",
    "PolicyTerm",
    "RenewalCadence",
    "add_months",
    "anniversary",
    "local_day",
    "time_zone",
]

_Date = pendulum.Date
_Timezone = pendulum.Timezone

# Days in each month of a common year; February gains a day in leap years.
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_LAST_DAY = _Date(9999, 12, 31)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_MICROSECOND = timedelta(microseconds=1)
_MICROS_PER_SECOND = 1_000_000
_MICROS_PER_DAY = 86_400 * _MICROS_PER_SECOND
# 10000-01-01T00:00, the first moment no datetime can hold, in microseconds since
# 1970-01-01T00:00 (read as a wall time, or as UTC).
_CALENDAR_END = (date.max.toordinal() + 1 - _EPOCH_ORDINAL) * _MICROS_PER_DAY


class MonthEndRule(ShortReprEnum):
    """What to do when adding months lands on a day the target month lacks.

    Only days 29, 30 and 31 can be missing. ``CLAMP`` (the default) moves to the
    last day of the target month; ``NEXT_DAY`` moves to the first day of the month
    after it.

    >>> MonthEndRule.CLAMP
    MonthEndRule.CLAMP
    >>> add_months(pendulum.Date(2024, 2, 29), 12, MonthEndRule.CLAMP)
    Date(2025, 2, 28)
    >>> add_months(pendulum.Date(2024, 2, 29), 12, MonthEndRule.NEXT_DAY)
    Date(2025, 3, 1)
    """

    CLAMP = "clamp"
    """Use the last day of the target month (31 January + 1 month is 28 or 29 February)."""

    NEXT_DAY = "next_day"
    """Use the first day of the following month (29 February + 12 months is 1 March)."""


_CLAMP = MonthEndRule.CLAMP
_NEXT_DAY = MonthEndRule.NEXT_DAY

# --------------------------------------------------------------------------- helpers


def _check_day(value: object, parameter: str) -> None:
    """Refuse anything that is not a calendar day, including every ``datetime``."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DateTypeError(type(value).__name__, parameter)


def _to_date(value: object, parameter: str) -> pendulum.Date:
    """Return ``value`` as a :class:`pendulum.Date`; refuse datetimes and non-dates."""
    if type(value) is _Date:
        return value
    _check_day(value, parameter)
    day = cast("date", value)
    return _Date(day.year, day.month, day.day)


def _check_int(value: object, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DateTypeError(type(value).__name__, parameter, "an int")
    return value


def _check_rule(value: object) -> MonthEndRule:
    if not isinstance(value, MonthEndRule):
        raise DateTypeError(type(value).__name__, "rule", "a MonthEndRule")
    return value


def _check_index(value: object) -> int:
    index = _check_int(value, "index")
    if index < 0:
        raise InvalidTerm(f"term index {index} is negative; the first term is index 0")
    return index


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count in {1, -1} else f"{count} {unit}s"


def _fit(year: int, month: int, day: int, rule: MonthEndRule) -> pendulum.Date:
    """Return the day ``year-month-day``, moving a day the month lacks as ``rule`` says.

    ``month`` and ``day`` come from a valid date; only ``year`` can be out of range,
    and then the date constructor raises ``ValueError`` or ``OverflowError``.
    """
    if day > 28:
        if month != 2:
            last = _MONTH_DAYS[month - 1]
        elif year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
            last = 29
        else:
            last = 28
        if day > last:
            if rule is _CLAMP:
                day = last
            else:
                # December has 31 days, so a month that lacks the day is never
                # December and the next month is in the same year.
                day = 1
                month += 1
    return _Date(year, month, day)


def _shift(year: int, month: int, day: int, months: int, rule: MonthEndRule) -> pendulum.Date:
    """Add ``months`` to a valid year/month/day, with plain integer arithmetic."""
    total = year * 12 + month - 1 + months
    try:
        return _fit(total // 12, total % 12 + 1, day, rule)
    except (ValueError, OverflowError):  # only the year can be out of range
        raise DateOutOfRange(
            f"{_Date(year, month, day)} plus {_plural(months, 'month')} falls in year "
            f"{total // 12}, outside the years 1 to 9999"
        ) from None


def _day_before(day: date) -> pendulum.Date:
    """The previous calendar day (never asked of 0001-01-01: see the callers)."""
    return _Date.fromordinal(day.toordinal() - 1)


def _day_after(day: date) -> pendulum.Date:
    """The next calendar day (never asked of 9999-12-31: see the callers)."""
    return _Date.fromordinal(day.toordinal() + 1)


# --------------------------------------------------------------------------- dates


def add_months(day: date, months: int, rule: MonthEndRule = MonthEndRule.CLAMP) -> pendulum.Date:
    """Return the day ``months`` calendar months after ``day`` (before it if negative).

    The result is computed in one step from the year, month and day, never by adding
    one month at a time, so ``add_months(d, 2)`` may differ from
    ``add_months(add_months(d, 1), 1)``: 31 January + 2 months is 31 March, while
    31 January + 1 month + 1 month is 28 March.

    Args:
        day: the starting day: a ``datetime.date`` or ``pendulum.Date``, not a
            ``datetime``.
        months: how many months to add; negative to go back.
        rule: what to do when the target month lacks the day (29, 30 or 31).

    Returns:
        The resulting day.

    Raises:
        DateTypeError: ``day`` is not a date (or is a datetime), ``months`` is not
            an ``int`` (``bool`` is refused), or ``rule`` is not a
            :class:`MonthEndRule`.
        DateOutOfRange: the result falls outside the years 1 to 9999.

    >>> add_months(pendulum.Date(2025, 1, 31), 1)
    Date(2025, 2, 28)
    >>> add_months(pendulum.Date(2025, 1, 31), 1, MonthEndRule.NEXT_DAY)
    Date(2025, 3, 1)
    >>> add_months(pendulum.Date(2025, 3, 31), -1)
    Date(2025, 2, 28)
    """
    kind = type(day)
    if kind is not _Date and kind is not date:
        _check_day(day, "day")
    if type(months) is not int:
        _check_int(months, "months")
    if rule is not _CLAMP and rule is not _NEXT_DAY:
        _check_rule(rule)
    return _shift(day.year, day.month, day.day, months, rule)


def anniversary(
    inception: date, years: int, rule: MonthEndRule = MonthEndRule.CLAMP
) -> pendulum.Date:
    """Return the ``years``-th anniversary of ``inception``.

    Always computed from the original inception date, so anniversaries never drift:
    a 29 February inception has its anniversaries on 28 February in common years
    and on 29 February again in leap years (with the default
    :attr:`MonthEndRule.CLAMP`). Same as ``add_months(inception, 12 * years, rule)``.

    Args:
        inception: the original inception day (not a ``datetime``).
        years: which anniversary; ``0`` is the inception itself.
        rule: what to do on 29 February in a common year.

    Returns:
        The anniversary day.

    Raises:
        DateTypeError: ``inception`` is not a date, ``years`` is not an ``int`` or
            ``rule`` is not a :class:`MonthEndRule`.
        DateOutOfRange: the result falls outside the years 1 to 9999.

    >>> [str(anniversary(pendulum.Date(2024, 2, 29), k)) for k in range(5)]
    ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']
    >>> anniversary(pendulum.Date(2024, 2, 29), 1, MonthEndRule.NEXT_DAY)
    Date(2025, 3, 1)
    """
    kind = type(inception)
    if (
        (kind is not _Date and kind is not date)
        or type(years) is not int
        or (rule is not _CLAMP and rule is not _NEXT_DAY)
    ):
        _check_day(inception, "inception")
        _check_int(years, "years")
        _check_rule(rule)
    day = inception.day
    try:
        # Whole years keep the month, so every day but 29 February exists in the
        # target year; that one day takes the month-end rule, as in add_months.
        if day == 29 and inception.month == 2:
            return _fit(inception.year + years, 2, 29, rule)
        return _Date(inception.year + years, inception.month, day)
    except (ValueError, OverflowError):  # only the year can be out of range
        raise DateOutOfRange(
            f"anniversary {years} of {inception} falls in year {inception.year + years}, "
            "outside the years 1 to 9999"
        ) from None


# --------------------------------------------------------------------------- zones

# Entries of the zone database that are not a policy's zone: the host's own zone
# (different on every machine), the database's placeholder, and its template for
# POSIX TZ strings. The posix/ and right/ trees repeat the database; right/ zones
# also count leap seconds, which civil time does not.
_NOT_POLICY_ZONES = {
    "localtime": "'localtime' is the zone of the machine the code runs on, so results "
    "would differ from machine to machine",
    "Factory": "'Factory' is the zone database's placeholder for an unset zone, not a place",
    "posixrules": "'posixrules' is the zone database's template for POSIX TZ strings, not a place",
}
_VARIANT_PREFIXES = ("posix/", "right/")
_USE_A_NAME = "use an IANA name such as 'Asia/Shanghai' or 'Europe/Berlin'"
_FIXED_OFFSET = (
    f"{_USE_A_NAME} (fixed UTC offsets are not policy time zones: an offset does not "
    "follow a place's clock changes; a policy that really keeps one offset all year "
    "can name it as a zone, such as 'Etc/GMT-8' for UTC+08:00)"
)
# "+08:00", "-0500", "UTC+8", "GMT-03:30": an offset written where a name belongs.
_OFFSET_TEXT = re.compile(r"(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2}){0,2}", re.IGNORECASE)
_OFFSET_TEXT_LENGTH = 20  # longer values are never offsets: the pattern is not tried


@functools.cache
def _policy_zone_names() -> frozenset[str]:
    """The names :func:`time_zone` accepts, read from the zone database on first use."""
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if name not in _NOT_POLICY_ZONES and not name.startswith(_VARIANT_PREFIXES)
    )


def _name_hint(name: str) -> str:
    """Why ``name`` is refused, and what to pass instead."""
    if name in _NOT_POLICY_ZONES:
        return f"{_NOT_POLICY_ZONES[name]}; {_USE_A_NAME}"
    if name.startswith(_VARIANT_PREFIXES):
        prefix, plain = name.split("/", 1)
        if plain in _policy_zone_names():
            why = " (its clock counts leap seconds)" if prefix == "right" else ""
            return f"use the zone's own name {plain!r}, without the '{prefix}/' prefix{why}"
    elif len(name) <= _OFFSET_TEXT_LENGTH and _OFFSET_TEXT.fullmatch(
        "".join(name.split())  # spaces anywhere: " UTC + 8 "
    ):
        return _FIXED_OFFSET
    folded = name.casefold()
    for known in sorted(_policy_zone_names()):
        if known.casefold() == folded:
            return f"zone names are case-sensitive: use {known!r}"
    return _USE_A_NAME


@functools.cache
def _zone_by_name(name: str) -> pendulum.Timezone:
    if name not in _policy_zone_names():
        raise UnknownTimeZone(_shown(name, _ZONE_SHAPE, known=_near_zone), _name_hint(name))
    return _Timezone(name)


# Refused zone names that messages may show as they are: an Area/Location path, an
# offset, a database entry that is not a policy zone, or a known name in the wrong
# case. Anything else is described by its length only, since it may be personal data
# in the wrong field (see errors._shown).
_ZONE_SHAPE = re.compile(
    r"[A-Za-z][A-Za-z_\-]*(?:/[A-Za-z][A-Za-z_\-]*(?:[+-]?[0-9]{1,2})?)+"
    r"|(?:UTC|GMT)?[+-][0-9:]{1,5}"
    r"|localtime|Factory|posixrules"
)


def _near_zone(text: str) -> bool:
    folded = text.casefold()
    return any(name.casefold() == folded for name in _policy_zone_names())


def time_zone(tz: str | zoneinfo.ZoneInfo) -> pendulum.Timezone:
    """Return the policy time zone ``tz``, checked.

    A policy zone is a name from the IANA time zone database as Python's
    ``zoneinfo`` lists it (:func:`zoneinfo.available_timezones`), except
    ``"localtime"`` (the zone of whichever machine runs the code), ``"Factory"``,
    ``"posixrules"`` and the ``posix/`` and ``right/`` variants. Aliases such as
    ``"PRC"`` and fixed-offset entries such as ``"Etc/GMT-8"`` (UTC+08:00) or
    ``"EST"`` are database names and are accepted; the zone keeps the name it was
    given. The list of names is read once, on first use; lookups are cached, so
    calling this in a loop is cheap.

    Args:
        tz: a zone name such as ``"Asia/Shanghai"``, or a ``pendulum.Timezone`` or
            ``zoneinfo.ZoneInfo``, checked by its name.

    Returns:
        The ``pendulum.Timezone`` of that name.

    Raises:
        UnknownTimeZone: ``tz`` is not an accepted name; or a zone object without
            one (a ``ZoneInfo`` read from a file); or a bare UTC offset (``"+08:00"``,
            ``pendulum.FixedTimezone``, ``datetime.timezone``), another kind of
            ``tzinfo``, or not a zone at all.

    >>> time_zone("Asia/Shanghai")
    Timezone('Asia/Shanghai')
    >>> time_zone("Etc/GMT-8").utcoffset(None)
    datetime.timedelta(seconds=28800)
    >>> time_zone("+08:00")
    Traceback (most recent call last):
    ...
    renewal_core.errors.UnknownTimeZone: unknown time zone '+08:00': use an IANA name ...
    >>> time_zone("localtime")
    Traceback (most recent call last):
    ...
    renewal_core.errors.UnknownTimeZone: unknown time zone 'localtime': 'localtime' is the zone ...
    """
    given: object = tz  # typed loosely: callers without mypy can pass anything
    if isinstance(given, str):
        return _zone_by_name(str(given))  # str() turns a StrEnum member into its value
    if isinstance(given, zoneinfo.ZoneInfo):  # pendulum.Timezone is a ZoneInfo too
        key: object = given.key
        if isinstance(key, str):
            return _zone_by_name(key)
        raise UnknownTimeZone(
            repr(given),
            f"this zone was read from a file and has no IANA name; {_USE_A_NAME}",
        )
    if isinstance(given, pendulum.FixedTimezone | timezone):
        raise UnknownTimeZone(repr(given), _FIXED_OFFSET)
    if isinstance(given, tzinfo):
        raise UnknownTimeZone(
            repr(given), f"a {type(given).__name__} has no IANA zone name; {_USE_A_NAME}"
        )
    raise UnknownTimeZone(
        _shown(given, _ZONE_SHAPE, known=_near_zone),
        f"a time zone is given as its IANA name (a str), a pendulum.Timezone or a "
        f"zoneinfo.ZoneInfo, not {type(given).__name__}; {_USE_A_NAME}",
    )


def local_day(instant: datetime, tz: str | zoneinfo.ZoneInfo) -> pendulum.Date:
    """Return the calendar day that the aware ``instant`` falls on in zone ``tz``.

    This is the one explicit step from an instant to a day.

    Args:
        instant: an aware datetime (``pendulum.DateTime`` or a standard one with a
            ``tzinfo``).
        tz: the zone whose calendar counts, as accepted by :func:`time_zone`.

    Returns:
        The local calendar day.

    Raises:
        DateTypeError: ``instant`` is not a datetime.
        NaiveDateTimeError: ``instant`` has no time zone.
        UnknownTimeZone: ``tz`` is not a policy time zone.
        DateOutOfRange: converting ``instant`` to ``tz`` leaves the years 1 to 9999.

    >>> moment = pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC")
    >>> local_day(moment, "Asia/Shanghai")
    Date(2025, 1, 2)
    >>> local_day(moment, "America/New_York")
    Date(2025, 1, 1)
    """
    if not isinstance(instant, datetime):
        raise DateTypeError(type(instant).__name__, "instant", "a datetime")
    if instant.utcoffset() is None:
        raise NaiveDateTimeError(repr(instant))
    zone = time_zone(tz)
    try:
        local = instant.astimezone(zone)
    except OverflowError:
        raise DateOutOfRange(
            f"converting {instant.isoformat()} to {zone.name} leaves the years 1 to 9999"
        ) from None
    return _Date(local.year, local.month, local.day)


def _offset_micros(offset: timedelta | None) -> int:
    assert offset is not None  # noqa: S101 - aware datetimes and ZoneInfo always have one
    return offset // _MICROSECOND


def _utc_micros(instant: datetime) -> int:
    """Microseconds from 1970-01-01T00:00Z to ``instant``.

    Exact integer arithmetic on the wall time and the offset (which honours
    ``fold``), so it never overflows, even where the UTC time has no datetime.
    """
    wall_seconds = (
        (instant.toordinal() - _EPOCH_ORDINAL) * 86_400
        + instant.hour * 3_600
        + instant.minute * 60
        + instant.second
    )
    return (
        wall_seconds * _MICROS_PER_SECOND
        + instant.microsecond
        - _offset_micros(instant.utcoffset())
    )


def _first_instant(day: date, zone: pendulum.Timezone) -> tuple[int, bool]:
    """The first instant of ``day`` in ``zone``, in microseconds since 1970-01-01T00:00Z.

    That is 00:00 local time, or, when 00:00 does not exist there (clocks jump
    forward over midnight), the moment of the jump: the first instant whose local
    day is ``day`` or later. When 00:00 happens twice, the first one. The flag says
    whether the instant is 00:00 on the local clock (``False`` for a jump).
    """
    wall = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a wall time, zoned below
    wall_micros = (day.toordinal() - _EPOCH_ORDINAL) * _MICROS_PER_DAY
    # For a wall time near a change of offset, fold=0 reads it with the offset before
    # the change and fold=1 with the one after (PEP 495).
    earlier = wall_micros - _offset_micros(zone.utcoffset(wall))
    later = wall_micros - _offset_micros(zone.utcoffset(wall.replace(fold=1)))
    if earlier <= later:
        # 00:00 exists: once (the offsets agree) or twice (clocks went back over
        # midnight), and ``earlier`` is the first.
        return earlier, True
    # 00:00 falls in a gap: ``later`` is still on an earlier day, ``earlier`` already
    # on ``day`` or after. Find the jump by bisection on whole seconds (tz data has
    # whole-second transitions). Gaps are far from the ends of the calendar, so
    # these UTC datetimes exist.
    target = day.toordinal()
    low, high = later // _MICROS_PER_SECOND, earlier // _MICROS_PER_SECOND
    while high - low > 1:
        middle = (low + high) // 2
        if (_EPOCH + timedelta(seconds=middle)).astimezone(zone).toordinal() >= target:
            high = middle
        else:
            low = middle
    return high * _MICROS_PER_SECOND, False


def _day_start(day: date, zone: pendulum.Timezone) -> pendulum.DateTime:
    """The first instant of ``day`` in ``zone`` (see :func:`_first_instant`).

    Built from the local wall time when that is 00:00, so it exists even where the
    UTC time does not (the first day of the calendar, east of Greenwich).
    """
    micros, at_midnight = _first_instant(day, zone)
    if at_midnight:
        return pendulum.DateTime(day.year, day.month, day.day, tzinfo=zone)  # fold=0: the first
    return pendulum.from_timestamp(micros // _MICROS_PER_SECOND, tz=zone)


# --------------------------------------------------------------------------- cadence


def _anchor_converter(value: date) -> pendulum.Date:
    return _to_date(value, "anchor")


def _months_validator(_instance: object, _attribute: object, value: object) -> None:
    months = _check_int(value, "months")
    if months < 1:
        raise InvalidTerm(f"a term lasts at least 1 month, not {months}; pass months >= 1")


def _rule_validator(_instance: object, _attribute: object, value: object) -> None:
    _check_rule(value)


@attrs.frozen
class RenewalCadence:
    """How a policy renews: every ``months`` months from the original ``anchor``.

    Term ``k`` (``k = 0`` for the first) starts on ``add_months(anchor, k * months,
    rule)`` and ends the day before term ``k + 1`` starts. Because every start is
    computed from ``anchor`` and never from the previous term, renewals do not drift.

    Attributes:
        anchor: the original inception day of the first term. A
            ``datetime.date`` is converted to ``pendulum.Date`` (losslessly); a
            ``datetime`` is refused with :class:`~renewal_core.errors.DateTypeError`.
        months: the term length in months, at least 1 (12 for annual policies).
        rule: what to do when a start lands on a day the month lacks.

    >>> cadence = RenewalCadence(pendulum.Date(2024, 2, 29))
    >>> cadence
    RenewalCadence(anchor=Date(2024, 2, 29), months=12, rule=MonthEndRule.CLAMP)
    >>> cadence.term_start(1), cadence.term_start(4)
    (Date(2025, 2, 28), Date(2028, 2, 29))
    """

    anchor: pendulum.Date = attrs.field(converter=_anchor_converter)
    months: int = attrs.field(default=12, validator=_months_validator)
    rule: MonthEndRule = attrs.field(default=MonthEndRule.CLAMP, validator=_rule_validator)

    def term_start(self, index: int) -> pendulum.Date:
        """Return the first day of term ``index`` (``0`` is the first term).

        Raises:
            DateTypeError: ``index`` is not an ``int``.
            InvalidTerm: ``index`` is negative.
            DateOutOfRange: the term would start after 9999-12-31.

        >>> RenewalCadence(pendulum.Date(2025, 1, 31), months=1).term_start(1)
        Date(2025, 2, 28)
        """
        return self._start(_check_index(index))

    def term_end(self, index: int) -> pendulum.Date:
        """Return the last day of term ``index``: the day before term ``index + 1``.

        Raises:
            DateTypeError: ``index`` is not an ``int``.
            InvalidTerm: ``index`` is negative.
            DateOutOfRange: the term would end after 9999-12-31.

        >>> RenewalCadence(pendulum.Date(2024, 2, 29)).term_end(0)
        Date(2025, 2, 27)
        """
        return self._end(_check_index(index))

    def _start(self, index: int) -> pendulum.Date:
        anchor = self.anchor
        try:
            return _shift(anchor.year, anchor.month, anchor.day, index * self.months, self.rule)
        except DateOutOfRange:
            raise DateOutOfRange(
                f"term {index} of the {self.months}-month cadence from {anchor} would start "
                "after 9999-12-31"
            ) from None

    def _end(self, index: int) -> pendulum.Date:
        anchor = self.anchor
        months = (index + 1) * self.months
        try:
            return _day_before(_shift(anchor.year, anchor.month, anchor.day, months, self.rule))
        except DateOutOfRange:
            if anchor.day == 1 and anchor.year * 12 + anchor.month - 1 + months == 120_000:
                # The next term would start on 10000-01-01: this one ends the calendar.
                return _LAST_DAY
            raise DateOutOfRange(
                f"term {index} of the {self.months}-month cadence from {anchor} would end "
                "after 9999-12-31"
            ) from None

    def index_of(self, start: date) -> int:
        """Return the index of the term starting on ``start``.

        Raises:
            DateTypeError: ``start`` is not a date (or is a datetime).
            InvalidTerm: ``start`` is not a term start of this cadence; the message
                names the nearest term starts.

        >>> RenewalCadence(pendulum.Date(2024, 2, 29)).index_of(pendulum.Date(2026, 2, 28))
        2
        """
        day = _to_date(start, "start")
        anchor = self.anchor
        if day < anchor:
            raise InvalidTerm(
                f"start {day} is before the cadence anchor (original inception) {anchor}; "
                f"the first term starts on {anchor}"
            )
        months_apart = (day.year - anchor.year) * 12 + day.month - anchor.month
        # Term k starts in month k * months after the anchor's month, or (NEXT_DAY)
        # on the 1st of the month after that; so this index is right or one too
        # high, and after the correction _start(index) <= day < _start(index + 1).
        # Neither of these starts is after ``day``, so both exist.
        index = months_apart // self.months
        found = self._start(index)
        if found > day:
            index -= 1
            found = self._start(index)
        if found != day:
            try:
                nearest = f"the nearest term starts are {found} and {self._start(index + 1)}"
            except DateOutOfRange:
                nearest = (
                    f"the nearest term start is {found} (the next would start after 9999-12-31)"
                )
            raise InvalidTerm(
                f"start {day} is not a term start of a {self.months}-month cadence from "
                f"{anchor} (rule {self.rule.value}); {nearest}"
            )
        return index


# --------------------------------------------------------------------------- terms


def _start_converter(value: date) -> pendulum.Date:
    return _to_date(value, "start")


def _end_converter(value: date) -> pendulum.Date:
    return _to_date(value, "end")


def _cadence_validator(
    _instance: object, _attribute: object, value: RenewalCadence | None
) -> None:
    given: object = value  # typed loosely: callers without mypy can pass anything
    if given is not None and not isinstance(given, RenewalCadence):
        raise DateTypeError(type(given).__name__, "cadence", "a RenewalCadence or None")


def _zone_name(zone: pendulum.Timezone) -> str:
    return zone.name


def _zone_repr(zone: pendulum.Timezone) -> str:
    return repr(zone.name)


@attrs.frozen(slots=True)
class PolicyTerm:
    """A policy term: whole calendar days ``start`` to ``end`` in zone ``tz``.

    Cover starts at 00:00 on ``start`` and ends at 24:00 on ``end`` (inclusive), local
    time in ``tz``. Build annual and monthly terms with :meth:`annual` and
    :meth:`months`, which attach a :class:`RenewalCadence` so :meth:`renewal` works.

    Two terms are equal when their ``start``, ``end``, zone *name* and ``cadence``
    are all equal. So a term with a cadence never equals the same days without one,
    and a term in ``"PRC"`` does not equal one in ``"Asia/Shanghai"``: the alias
    follows the same rules, but the policy names a different zone.

    Attributes:
        start: first day of cover. A ``datetime.date`` is converted to
            ``pendulum.Date``; a ``datetime`` is refused.
        end: last day of cover (inclusive); not before ``start``.
        tz: the policy's time zone, given as anything :func:`time_zone` accepts (an
            IANA name, a ``pendulum.Timezone`` or a ``zoneinfo.ZoneInfo``) and kept
            as a ``pendulum.Timezone``.
        cadence: how the policy renews, or ``None`` for a one-off term. With a
            cadence, ``start`` must be one of its term starts and ``end`` the day
            before the next one.

    Raises:
        DateTypeError: ``start`` or ``end`` is not a date (or is a datetime), or
            ``cadence`` is not a :class:`RenewalCadence`.
        UnknownTimeZone: ``tz`` is not a policy time zone.
        InvalidTerm: ``start`` is after ``end``, or the days do not fit the cadence.
        DateOutOfRange: the cadence's term would end after 9999-12-31.

    >>> term = PolicyTerm(pendulum.Date(2025, 1, 1), pendulum.Date(2025, 12, 31), "Asia/Shanghai")
    >>> term
    PolicyTerm(start=Date(2025, 1, 1), end=Date(2025, 12, 31), tz='Asia/Shanghai', cadence=None)
    >>> term.days
    365
    >>> term == PolicyTerm(term.start, term.end, "PRC")
    False
    """

    start: pendulum.Date = attrs.field(converter=_start_converter)
    end: pendulum.Date = attrs.field(converter=_end_converter)
    tz: pendulum.Timezone = attrs.field(converter=time_zone, eq=_zone_name, repr=_zone_repr)
    cadence: RenewalCadence | None = attrs.field(
        default=None, kw_only=True, validator=_cadence_validator
    )

    def __attrs_post_init__(self) -> None:
        start, end = self.start, self.end
        if start > end:
            raise InvalidTerm(f"start {start} is after end {end}; swap them or fix the dates")
        cadence = self.cadence
        if cadence is not None:
            index = cadence.index_of(start)
            expected = cadence._end(index)
            if end != expected:
                following = "10000-01-01" if expected == _LAST_DAY else _day_after(expected)
                raise InvalidTerm(
                    f"end {end} does not fit the cadence: the term starting {start} ends on "
                    f"{expected}, the day before the next term starts on {following}"
                )

    # ----------------------------------------------------------------- builders

    @classmethod
    def annual(
        cls,
        start: date,
        tz: str | zoneinfo.ZoneInfo,
        *,
        inception: date | None = None,
        rule: MonthEndRule = MonthEndRule.CLAMP,
    ) -> PolicyTerm:
        """Build the annual term starting on ``start``.

        Args:
            start: first day of the term; must be an anniversary of ``inception``.
            tz: the policy's time zone, as accepted by :func:`time_zone`.
            inception: the original inception day, when this is a renewal term;
                defaults to ``start``.
            rule: what to do on 29 February in a common year.

        Returns:
            The term, with a 12-month :class:`RenewalCadence` attached.

        Raises:
            DateTypeError: a day is not a date (or is a datetime).
            UnknownTimeZone: ``tz`` is not a policy time zone.
            InvalidTerm: ``start`` is not an anniversary of ``inception``.
            DateOutOfRange: the term would end after 9999-12-31.

        >>> PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai").end
        Date(2025, 12, 31)
        >>> PolicyTerm.annual(pendulum.Date(2024, 2, 29), "Asia/Shanghai").end
        Date(2025, 2, 27)
        >>> term = PolicyTerm.annual(
        ...     pendulum.Date(2024, 2, 29), "Asia/Shanghai", rule=MonthEndRule.NEXT_DAY
        ... )
        >>> term.end
        Date(2025, 2, 28)
        """
        return cls._with_cadence(start, 12, tz, inception, rule)

    @classmethod
    def months(
        cls,
        start: date,
        n: int,
        tz: str | zoneinfo.ZoneInfo,
        *,
        inception: date | None = None,
        rule: MonthEndRule = MonthEndRule.CLAMP,
    ) -> PolicyTerm:
        """Build the ``n``-month term starting on ``start``.

        Args:
            start: first day of the term; must be a term start of an ``n``-month
                cadence from ``inception``.
            n: term length in months, at least 1.
            tz: the policy's time zone, as accepted by :func:`time_zone`.
            inception: the original inception day, when this is a renewal term;
                defaults to ``start``.
            rule: what to do when a term start lands on a day the month lacks.

        Returns:
            The term, with an ``n``-month :class:`RenewalCadence` attached.

        Raises:
            DateTypeError: a day is not a date, or ``n`` is not an ``int``.
            UnknownTimeZone: ``tz`` is not a policy time zone.
            InvalidTerm: ``n`` is less than 1, or ``start`` does not fit the cadence.
            DateOutOfRange: the term would end after 9999-12-31.

        >>> PolicyTerm.months(pendulum.Date(2025, 1, 31), 1, "Asia/Shanghai").end
        Date(2025, 2, 27)
        """
        if _check_int(n, "n") < 1:
            raise InvalidTerm(f"a term lasts at least 1 month, not {n}; pass n >= 1")
        return cls._with_cadence(start, n, tz, inception, rule)

    @classmethod
    def _with_cadence(
        cls,
        start: date,
        months: int,
        tz: str | zoneinfo.ZoneInfo,
        inception: date | None,
        rule: MonthEndRule,
    ) -> PolicyTerm:
        first = _to_date(start, "start")
        anchor = first if inception is None else _to_date(inception, "inception")
        cadence = RenewalCadence(anchor, months, rule)
        end = cadence._end(cadence.index_of(first))
        return cls(first, end, tz, cadence=cadence)

    # ----------------------------------------------------------------- day counts

    @property
    def days(self) -> int:
        """The number of days of cover, counting both ``start`` and ``end``.

        >>> PolicyTerm.annual(pendulum.Date(2024, 1, 1), "Asia/Shanghai").days
        366
        """
        return self.end.toordinal() - self.start.toordinal() + 1

    def contains(self, day: date) -> bool:
        """Whether ``day`` is one of the term's days (``start <= day <= end``).

        Raises:
            DateTypeError: ``day`` is not a date (or is a datetime).

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.contains(pendulum.Date(2025, 12, 31)), term.contains(pendulum.Date(2026, 1, 1))
        (True, False)
        """
        kind = type(day)
        if kind is not _Date and kind is not date:
            _check_day(day, "day")
        return self.start.toordinal() <= day.toordinal() <= self.end.toordinal()

    def elapsed_days(self, on: date) -> int:
        """Days of cover used by a change effective at 00:00 on ``on``.

        That is ``on - start`` in days, clamped to ``[0, days]``: a change on or
        before ``start`` has used nothing (0); a change after ``end`` has used the
        whole term (``days``). ``on == end`` leaves one day unused: cover runs to
        24:00 on ``end``.

        Raises:
            DateTypeError: ``on`` is not a date (or is a datetime: convert an instant
                with :func:`local_day` first).

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.elapsed_days(pendulum.Date(2025, 3, 1))
        59
        >>> term.elapsed_days(pendulum.Date(2024, 6, 1))
        0
        >>> term.elapsed_days(pendulum.Date(2027, 1, 1))
        365
        """
        kind = type(on)
        if kind is not _Date and kind is not date:
            _check_day(on, "on")
        first = self.start.toordinal()
        used = on.toordinal() - first
        if used <= 0:
            return 0
        days = self.end.toordinal() - first + 1
        return used if used < days else days

    def remaining_days(self, on: date) -> int:
        """Days of cover left after a change effective at 00:00 on ``on``.

        Always ``days - elapsed_days(on)``, so it is clamped to ``[0, days]`` too.

        Raises:
            DateTypeError: ``on`` is not a date (or is a datetime).

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.remaining_days(pendulum.Date(2025, 3, 1))
        306
        """
        kind = type(on)
        if kind is not _Date and kind is not date:
            _check_day(on, "on")
        first = self.start.toordinal()
        used = on.toordinal() - first
        days = self.end.toordinal() - first + 1
        if used <= 0:
            return days
        return days - used if used < days else 0

    # ----------------------------------------------------------------- renewal

    def renewal(self) -> PolicyTerm:
        """Return the next term: it starts the day after ``end``.

        Its end is computed from the cadence's original anchor, never from this
        term's days, so renewals never drift.

        Raises:
            InvalidTerm: the term has no cadence (build it with :meth:`annual` or
                :meth:`months`, or pass ``cadence=``).
            DateOutOfRange: the next term would start or end after 9999-12-31.

        >>> term = PolicyTerm.annual(pendulum.Date(2024, 2, 29), "Asia/Shanghai")
        >>> [str(t.start) for t in [term.renewal(), term.renewal().renewal()]]
        ['2025-02-28', '2026-02-28']
        """
        cadence = self.cadence
        if cadence is None:
            raise InvalidTerm(
                "this term has no renewal cadence; build it with PolicyTerm.annual() or "
                "PolicyTerm.months(), or pass cadence=RenewalCadence(...)"
            )
        index = cadence.index_of(self.start) + 1
        try:
            start, end = cadence._start(index), cadence._end(index)
        except DateOutOfRange:
            which = "start" if self.end == _LAST_DAY else "end"
            raise DateOutOfRange(
                f"no renewal after the term {self.start} to {self.end}: the next term of "
                f"its {cadence.months}-month cadence from {cadence.anchor} would {which} "
                "after 9999-12-31"
            ) from None
        return PolicyTerm(start, end, self.tz, cadence=cadence)

    # ----------------------------------------------------------------- instants

    @property
    def start_instant(self) -> pendulum.DateTime:
        """The instant cover starts, midnight at the beginning of ``start`` in ``tz``.

        When 00:00 does not exist locally (clocks jump forward at midnight), the
        first instant of the day; when it happens twice, the first of the two.

        >>> PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai").start_instant
        DateTime(2025, 1, 1, 0, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        return _day_start(self.start, self.tz)

    @property
    def end_instant(self) -> pendulum.DateTime:
        """The instant cover ends, midnight at the end of ``end`` in ``tz``.

        Cover ends just before this instant. Like :attr:`start_instant`, it is the
        first instant of a day, so the end of one term is the start of the next.

        To test whether cover is in force at an instant, use :meth:`contains_instant`.
        To compare instants yourself, convert both to UTC first (``.in_timezone("UTC")``
        or ``.astimezone(datetime.UTC)``): Python compares two datetimes that share a
        ``tzinfo`` by their wall-clock reading, ignoring ``fold``, so ``<``, ``<=``
        and ``==`` are wrong for an instant in a repeated hour; and ``==`` between
        different zones is always ``False`` for such an instant (PEP 495).

        Raises:
            DateOutOfRange: ``end`` is 9999-12-31: cover ends at the first instant of
                10000-01-01, which no datetime can hold.

        >>> PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai").end_instant
        DateTime(2026, 1, 1, 0, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        end = self.end
        if end == _LAST_DAY:
            raise DateOutOfRange(
                "cover ending on 9999-12-31 ends at 24:00 that day, the first instant of "
                "10000-01-01, which no datetime can hold"
            )
        return _day_start(_day_after(end), self.tz)

    def contains_instant(self, instant: datetime) -> bool:
        """Whether cover is in force at ``instant``: ``start_instant <= instant < end_instant``.

        The comparison is of points on the timeline (UTC), whatever zone ``instant``
        is written in and whatever its ``fold``. Where the local clock goes back over
        midnight, an instant in the repeated hour can be after ``end_instant`` while
        its local day is still ``end``: then ``contains_instant`` is ``False`` though
        ``contains(local_day(instant))`` is ``True``. The term's instants follow the
        first midnight, so consecutive terms still meet without a gap or an overlap.

        Raises:
            DateTypeError: ``instant`` is not a datetime.
            NaiveDateTimeError: ``instant`` has no time zone.
            DateOutOfRange: ``end`` is 9999-12-31 and ``instant`` is so close to the
                end of the calendar that no datetime can tell (its UTC time is after
                9999-12-31).

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.contains_instant(pendulum.datetime(2025, 12, 31, 16, 0, tz="UTC"))
        False
        >>> term.contains_instant(pendulum.datetime(2025, 12, 31, 23, 59, tz="Asia/Shanghai"))
        True
        """
        if not isinstance(instant, datetime):
            raise DateTypeError(type(instant).__name__, "instant", "a datetime")
        if instant.utcoffset() is None:
            raise NaiveDateTimeError(repr(instant))
        moment = _utc_micros(instant)
        zone = self.tz
        if moment < _first_instant(self.start, zone)[0]:
            return False
        end = self.end
        if end != _LAST_DAY:
            return moment < _first_instant(_day_after(end), zone)[0]
        # Cover runs to 24:00 on 9999-12-31 local time, which no datetime can hold.
        # Every UTC offset is less than a day, so an instant a day before that wall
        # time is covered; nearer it, the instant's local day decides.
        if moment < _CALENDAR_END - _MICROS_PER_DAY:
            return True
        if moment < _CALENDAR_END:
            try:
                (_EPOCH + timedelta(microseconds=moment)).astimezone(zone)
            except OverflowError:  # its local day is 10000-01-01: cover has ended
                return False
            return True
        raise DateOutOfRange(
            f"whether cover ending at 24:00 on 9999-12-31 in {zone.name} is in force at "
            f"{instant.isoformat()} cannot be told: that instant is after 9999-12-31 in UTC"
        )

    def local_day(self, instant: datetime) -> pendulum.Date:
        """Return the day ``instant`` falls on in the policy's zone.

        Same as ``local_day(instant, self.tz)``.

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.local_day(pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC"))
        Date(2025, 1, 2)
        """
        return local_day(instant, self.tz)
