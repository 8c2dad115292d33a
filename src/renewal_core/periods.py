"""Policy time: terms, anniversaries and day counts in the policy's time zone.

The conventions, in one place:

* A **policy term** is a span of whole calendar days in the policy's IANA time
  zone. Cover starts at 00:00 on ``start`` and ends at 24:00 on ``end``, so ``end``
  is *inclusive* (as a Chinese policy puts it: "自…零时起至…二十四时止").
* **Days** are :class:`pendulum.Date` values (a :class:`datetime.date` subclass).
  A plain ``datetime.date`` is accepted and converted losslessly. A ``datetime``
  is refused wherever a day is needed: an instant only becomes a day in a given
  zone, so call :func:`local_day` explicitly.
* **Instants** are aware datetimes. Naive datetimes are refused.
* **Anniversaries** are always computed from the *original* inception date, so they
  never drift. A date the target month lacks (29, 30 or 31) follows a
  :class:`MonthEndRule`: the last day of the month by default, or the first day of
  the next month.
* **Day counts** for a change effective at 00:00 on a day (a cancellation, an
  endorsement) are whole days, clamped to the term.

>>> term = PolicyTerm.annual(pendulum.Date(2024, 2, 29), "Asia/Shanghai")
>>> term.end, term.days
(Date(2025, 2, 27), 365)
>>> term.renewal().start
Date(2025, 2, 28)
"""

from __future__ import annotations

import enum
import functools
from datetime import UTC, date, datetime, timedelta
from typing import NoReturn

import attrs
import pendulum

from renewal_core.errors import DateTypeError, InvalidTerm, NaiveDateTimeError, UnknownTimeZone

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
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - subtracted from naive wall times
_SECOND = timedelta(seconds=1)


class MonthEndRule(enum.Enum):
    """What to do when adding months lands on a day the target month lacks.

    Only days 29, 30 and 31 can be missing. ``CLAMP`` (the default) moves to the
    last day of the target month; ``NEXT_DAY`` moves to the first day of the month
    after it.

    >>> add_months(pendulum.Date(2024, 2, 29), 12, MonthEndRule.CLAMP)
    Date(2025, 2, 28)
    >>> add_months(pendulum.Date(2024, 2, 29), 12, MonthEndRule.NEXT_DAY)
    Date(2025, 3, 1)
    """

    CLAMP = "clamp"
    """The last day of the target month: 31 January + 1 month is 28 or 29 February."""

    NEXT_DAY = "next_day"
    """The first day of the following month: 29 February + 12 months is 1 March."""


_CLAMP = MonthEndRule.CLAMP
_NEXT_DAY = MonthEndRule.NEXT_DAY

# --------------------------------------------------------------------------- helpers


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year: int, month: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def _check_day(value: object, parameter: str) -> None:
    """Refuse anything that is not a calendar day, including every ``datetime``."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DateTypeError(type(value).__name__, parameter)


def _to_date(value: object, parameter: str) -> pendulum.Date:
    """Return ``value`` as a :class:`pendulum.Date`; refuse datetimes and non-dates."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DateTypeError(type(value).__name__, parameter)
    if type(value) is _Date:
        return value
    return _Date(value.year, value.month, value.day)


def _check_int(value: object, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DateTypeError(type(value).__name__, parameter, "an int")
    return value


def _check_rule(value: object) -> MonthEndRule:
    if not isinstance(value, MonthEndRule):
        raise DateTypeError(type(value).__name__, "rule", "a MonthEndRule")
    return value


def _out_of_range(day: date, months: int, year: int) -> NoReturn:
    raise InvalidTerm(
        f"{day} plus {months} months falls in year {year}, outside the supported years "
        "1 to 9999; check the dates and the term length"
    )


def _shift(year: int, month: int, day: int, months: int, rule: MonthEndRule) -> pendulum.Date:
    """Add ``months`` to a valid year/month/day, with plain integer arithmetic."""
    new_year, month_index = divmod(year * 12 + month - 1 + months, 12)
    new_month = month_index + 1
    if not 0 < new_year < 10000:
        _out_of_range(_Date(year, month, day), months, new_year)
    if day > 28:
        last = _month_length(new_year, new_month)
        if day > last:
            if rule is _CLAMP:
                day = last
            else:
                # December has 31 days, so a month that lacks the day is never
                # December and the next month is in the same year.
                day = 1
                new_month += 1
    return _Date(new_year, new_month, day)


def _day_before(day: date) -> pendulum.Date:
    """The previous calendar day, without pendulum arithmetic (which is slow)."""
    year, month, dom = day.year, day.month, day.day
    if dom > 1:
        return _Date(year, month, dom - 1)
    if month > 1:
        return _Date(year, month - 1, _month_length(year, month - 1))
    # Only called on a term start after the anchor, so never on 0001-01-01.
    return _Date(year - 1, 12, 31)


def _day_after(day: date) -> pendulum.Date:
    """The next calendar day, without pendulum arithmetic (which is slow)."""
    year, month, dom = day.year, day.month, day.day
    if dom < _month_length(year, month):
        return _Date(year, month, dom + 1)
    if month < 12:
        return _Date(year, month + 1, 1)
    if year == 9999:
        raise InvalidTerm("there is no day after 9999-12-31; check the dates")
    return _Date(year + 1, 1, 1)


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
        InvalidTerm: the result falls outside the years 1 to 9999.

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
        InvalidTerm: the result falls outside the years 1 to 9999.

    >>> [str(anniversary(pendulum.Date(2024, 2, 29), k)) for k in range(5)]
    ['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']
    >>> anniversary(pendulum.Date(2024, 2, 29), 1, MonthEndRule.NEXT_DAY)
    Date(2025, 3, 1)
    """
    # Hot path: inlined rather than calling add_months, with identity checks first
    # and the full validation only when one of them fails.
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
        # Anniversaries keep the month, so only 29 February can be missing, and
        # only in a common year.
        if day != 29:
            return _Date(inception.year + years, inception.month, day)
        year = inception.year + years
        if inception.month == 2 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            return _Date(year, 2, 28) if rule is _CLAMP else _Date(year, 3, 1)
        return _Date(year, inception.month, day)
    except (ValueError, OverflowError):  # only a year outside 1..9999 can fail here
        _out_of_range(inception, 12 * years, inception.year + years)


# --------------------------------------------------------------------------- zones


@functools.cache
def _zone_by_name(name: str) -> pendulum.Timezone:
    try:
        zone = pendulum.timezone(name)
    except (ValueError, LookupError, OSError) as error:
        raise UnknownTimeZone(repr(name)) from error
    if not isinstance(zone, _Timezone):  # pragma: no cover - pendulum gives names a Timezone
        raise UnknownTimeZone(repr(name))
    return zone


def time_zone(tz: str | pendulum.Timezone) -> pendulum.Timezone:
    """Return the IANA time zone ``tz``, checked.

    Lookups are cached, so calling this in a loop is cheap.

    Args:
        tz: an IANA name such as ``"Asia/Shanghai"``, or a ``pendulum.Timezone``.

    Returns:
        The ``pendulum.Timezone``.

    Raises:
        UnknownTimeZone: ``tz`` is not a known IANA name, is not a string, or is a
            fixed UTC offset (``pendulum.FixedTimezone``, ``"+08:00"``): an offset
            does not follow a place's daylight-saving rules, so it is not a policy
            time zone.

    >>> time_zone("Asia/Shanghai")
    Timezone('Asia/Shanghai')
    >>> time_zone("+08:00")
    Traceback (most recent call last):
    ...
    renewal_core.errors.UnknownTimeZone: unknown time zone '+08:00': use an IANA name ...
    """
    given: object = tz  # typed loosely: callers without mypy can pass anything
    if isinstance(given, str):
        return _zone_by_name(str(given))  # str() turns a StrEnum member into its value
    if isinstance(given, _Timezone) and isinstance(given.key, str):
        return _zone_by_name(given.key)
    raise UnknownTimeZone(repr(given))


def local_day(instant: datetime, tz: str | pendulum.Timezone) -> pendulum.Date:
    """Return the calendar day that the aware ``instant`` falls on in zone ``tz``.

    This is the one explicit step from an instant to a day.

    Args:
        instant: an aware datetime (``pendulum.DateTime`` or a standard one with a
            ``tzinfo``).
        tz: the zone whose calendar counts, as an IANA name or ``pendulum.Timezone``.

    Returns:
        The local calendar day.

    Raises:
        DateTypeError: ``instant`` is not a datetime.
        NaiveDateTimeError: ``instant`` has no time zone.
        UnknownTimeZone: ``tz`` is not an IANA time zone.

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
    local = instant.astimezone(time_zone(tz))
    return _Date(local.year, local.month, local.day)


def _day_start(day: date, zone: pendulum.Timezone) -> pendulum.DateTime:
    """Return the first instant of ``day`` in ``zone``.

    That is 00:00 local time, or, when 00:00 does not exist there (clocks jump
    forward over midnight), the moment of the jump: the first instant whose local
    day is ``day`` or later. When 00:00 happens twice, the first one.
    """
    try:
        return _first_instant(day, zone)
    except OverflowError:
        raise InvalidTerm(
            f"the start of {day} in {zone.name} is outside the instants Python can "
            "represent; check the dates"
        ) from None


def _at(seconds: int, zone: pendulum.Timezone) -> datetime:
    return (_EPOCH + timedelta(seconds=seconds)).astimezone(zone)


def _first_instant(day: date, zone: pendulum.Timezone) -> pendulum.DateTime:
    wall = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - a wall time, zoned below
    wall_seconds = (wall - _NAIVE_EPOCH) // _SECOND
    seconds: list[int] = []
    for fold in (0, 1):
        offset = zone.utcoffset(wall.replace(fold=fold))
        assert offset is not None  # noqa: S101 - a ZoneInfo always has an offset
        seconds.append(wall_seconds - offset // _SECOND)
    early, late = min(seconds), max(seconds)
    for candidate in (early, late):
        local = _at(candidate, zone)
        if local.replace(tzinfo=None, fold=0) == wall:
            return pendulum.from_timestamp(candidate, tz=zone)
    # 00:00 falls in a gap: ``early`` is still on an earlier day, ``late`` already on
    # ``day`` or after. Find the jump by bisection on whole seconds (tz data has
    # whole-second transitions).
    target = day.toordinal()
    while late - early > 1:
        middle = (early + late) // 2
        if _at(middle, zone).toordinal() >= target:
            late = middle
        else:
            early = middle
    return pendulum.from_timestamp(late, tz=zone)


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
            InvalidTerm: ``index`` is negative, or the day is beyond year 9999.

        >>> RenewalCadence(pendulum.Date(2025, 1, 31), months=1).term_start(1)
        Date(2025, 2, 28)
        """
        _check_int(index, "index")
        if index < 0:
            raise InvalidTerm(f"term index {index} is negative; the first term is index 0")
        anchor = self.anchor
        return _shift(anchor.year, anchor.month, anchor.day, index * self.months, self.rule)

    def term_end(self, index: int) -> pendulum.Date:
        """Return the last day of term ``index``: the day before term ``index + 1``.

        Raises:
            DateTypeError: ``index`` is not an ``int``.
            InvalidTerm: ``index`` is negative, or the day is beyond year 9999.

        >>> RenewalCadence(pendulum.Date(2024, 2, 29)).term_end(0)
        Date(2025, 2, 27)
        """
        _check_int(index, "index")
        if index < 0:
            raise InvalidTerm(f"term index {index} is negative; the first term is index 0")
        return _day_before(self.term_start(index + 1))

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
        # high, and after the correction term_start(index) <= day < term_start(index + 1).
        index = months_apart // self.months
        found = self.term_start(index)
        if found > day:
            index -= 1
            found = self.term_start(index)
        if found != day:
            raise InvalidTerm(
                f"start {day} is not a term start of a {self.months}-month cadence from "
                f"{anchor} (rule {self.rule.value}); the nearest term starts are {found} "
                f"and {self.term_start(index + 1)}"
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


def _zone_repr(zone: pendulum.Timezone) -> str:
    return repr(zone.name)


@attrs.frozen(slots=True)
class PolicyTerm:
    """A policy term: whole calendar days ``start`` to ``end`` in zone ``tz``.

    Cover starts at 00:00 on ``start`` and ends at 24:00 on ``end`` (inclusive), local
    time in ``tz``. Build annual and monthly terms with :meth:`annual` and
    :meth:`months`, which attach a :class:`RenewalCadence` so :meth:`renewal` works.

    Attributes:
        start: first day of cover. A ``datetime.date`` is converted to
            ``pendulum.Date``; a ``datetime`` is refused.
        end: last day of cover (inclusive); not before ``start``.
        tz: the policy's IANA time zone, given as a name or ``pendulum.Timezone``.
        cadence: how the policy renews, or ``None`` for a one-off term. With a
            cadence, ``start`` must be one of its term starts and ``end`` the day
            before the next one.

    Raises:
        DateTypeError: ``start`` or ``end`` is not a date (or is a datetime), or
            ``cadence`` is not a :class:`RenewalCadence`.
        UnknownTimeZone: ``tz`` is not an IANA time zone.
        InvalidTerm: ``start`` is after ``end``, or the days do not fit the cadence.

    >>> term = PolicyTerm(pendulum.Date(2025, 1, 1), pendulum.Date(2025, 12, 31), "Asia/Shanghai")
    >>> term
    PolicyTerm(start=Date(2025, 1, 1), end=Date(2025, 12, 31), tz='Asia/Shanghai', cadence=None)
    >>> term.days
    365
    """

    start: pendulum.Date = attrs.field(converter=_start_converter)
    end: pendulum.Date = attrs.field(converter=_end_converter)
    tz: pendulum.Timezone = attrs.field(converter=time_zone, repr=_zone_repr)
    cadence: RenewalCadence | None = attrs.field(
        default=None, kw_only=True, validator=_cadence_validator
    )
    _start_ordinal: int = attrs.field(init=False, eq=False, repr=False)
    _days: int = attrs.field(init=False, eq=False, repr=False)
    _index: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        start, end = self.start, self.end
        if start > end:
            raise InvalidTerm(f"start {start} is after end {end}; swap them or fix the dates")
        index = -1
        cadence = self.cadence
        if cadence is not None:
            index = cadence.index_of(start)
            expected = cadence.term_end(index)
            if end != expected:
                raise InvalidTerm(
                    f"end {end} does not fit the cadence: the term starting {start} ends on "
                    f"{expected}, the day before the next term starts on "
                    f"{cadence.term_start(index + 1)}"
                )
        start_ordinal = start.toordinal()
        object.__setattr__(self, "_start_ordinal", start_ordinal)
        object.__setattr__(self, "_days", end.toordinal() - start_ordinal + 1)
        object.__setattr__(self, "_index", index)

    # ----------------------------------------------------------------- builders

    @classmethod
    def annual(
        cls,
        start: date,
        tz: str | pendulum.Timezone,
        *,
        inception: date | None = None,
        rule: MonthEndRule = MonthEndRule.CLAMP,
    ) -> PolicyTerm:
        """Build the annual term starting on ``start``.

        Args:
            start: first day of the term; must be an anniversary of ``inception``.
            tz: the policy's IANA time zone.
            inception: the original inception day, when this is a renewal term;
                defaults to ``start``.
            rule: what to do on 29 February in a common year.

        Returns:
            The term, with a 12-month :class:`RenewalCadence` attached.

        Raises:
            DateTypeError: a day is not a date (or is a datetime).
            UnknownTimeZone: ``tz`` is not an IANA time zone.
            InvalidTerm: ``start`` is not an anniversary of ``inception``.

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
        tz: str | pendulum.Timezone,
        *,
        inception: date | None = None,
        rule: MonthEndRule = MonthEndRule.CLAMP,
    ) -> PolicyTerm:
        """Build the ``n``-month term starting on ``start``.

        Args:
            start: first day of the term; must be a term start of an ``n``-month
                cadence from ``inception``.
            n: term length in months, at least 1.
            tz: the policy's IANA time zone.
            inception: the original inception day, when this is a renewal term;
                defaults to ``start``.
            rule: what to do when a term start lands on a day the month lacks.

        Returns:
            The term, with an ``n``-month :class:`RenewalCadence` attached.

        Raises:
            DateTypeError: a day is not a date, or ``n`` is not an ``int``.
            UnknownTimeZone: ``tz`` is not an IANA time zone.
            InvalidTerm: ``n`` is less than 1, or ``start`` does not fit the cadence.

        >>> PolicyTerm.months(pendulum.Date(2025, 1, 31), 1, "Asia/Shanghai").end
        Date(2025, 2, 27)
        """
        return cls._with_cadence(start, n, tz, inception, rule)

    @classmethod
    def _with_cadence(
        cls,
        start: date,
        months: int,
        tz: str | pendulum.Timezone,
        inception: date | None,
        rule: MonthEndRule,
    ) -> PolicyTerm:
        first = _to_date(start, "start")
        anchor = first if inception is None else _to_date(inception, "inception")
        cadence = RenewalCadence(anchor, months, rule)
        index = cadence.index_of(first)
        return cls(first, cadence.term_end(index), tz, cadence=cadence)

    # ----------------------------------------------------------------- day counts

    @property
    def days(self) -> int:
        """The number of days of cover, counting both ``start`` and ``end``.

        >>> PolicyTerm.annual(pendulum.Date(2024, 1, 1), "Asia/Shanghai").days
        366
        """
        return self._days

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
        return 0 <= day.toordinal() - self._start_ordinal < self._days

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
        used = on.toordinal() - self._start_ordinal
        if used <= 0:
            return 0
        days = self._days
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
        used = on.toordinal() - self._start_ordinal
        days = self._days
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
        index = self._index + 1
        return PolicyTerm(
            cadence.term_start(index), cadence.term_end(index), self.tz, cadence=cadence
        )

    # ----------------------------------------------------------------- instants

    @property
    def start_instant(self) -> pendulum.DateTime:
        """The instant cover starts: 00:00 on ``start`` in ``tz``.

        When 00:00 does not exist locally (clocks jump forward at midnight), the
        first instant of the day.

        >>> PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai").start_instant
        DateTime(2025, 1, 1, 0, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        return _day_start(self.start, self.tz)

    @property
    def end_instant(self) -> pendulum.DateTime:
        """The instant cover ends: 24:00 on ``end``, i.e. 00:00 on the next day.

        Cover ends just before this instant. Like :attr:`start_instant`, it is the
        first instant of a day, so the end of one term is the start of the next.

        Compare instants with ``<`` and ``<=``, or convert both to UTC before using
        ``==``: Python's ``==`` between different zones is always ``False`` for an
        instant in a repeated hour (PEP 495), such as a midnight that happens twice.

        Raises:
            InvalidTerm: ``end`` is 9999-12-31, which has no next day.

        >>> PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai").end_instant
        DateTime(2026, 1, 1, 0, 0, 0, tzinfo=Timezone('Asia/Shanghai'))
        """
        return _day_start(_day_after(self.end), self.tz)

    def contains_instant(self, instant: datetime) -> bool:
        """Whether cover is in force at ``instant``: ``start_instant <= instant < end_instant``.

        Raises:
            DateTypeError: ``instant`` is not a datetime.
            NaiveDateTimeError: ``instant`` has no time zone.

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.contains_instant(pendulum.datetime(2025, 12, 31, 16, 0, tz="UTC"))
        False
        """
        if not isinstance(instant, datetime):
            raise DateTypeError(type(instant).__name__, "instant", "a datetime")
        if instant.utcoffset() is None:
            raise NaiveDateTimeError(repr(instant))
        return self.start_instant <= instant < self.end_instant

    def local_day(self, instant: datetime) -> pendulum.Date:
        """Return the day ``instant`` falls on in the policy's zone.

        Same as ``local_day(instant, self.tz)``.

        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> term.local_day(pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC"))
        Date(2025, 1, 2)
        """
        return local_day(instant, self.tz)
