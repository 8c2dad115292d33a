"""Renewal indicators over policies due: renewal, retention, lapse and premium (R6, D5).

Each function takes a plain iterable of
:class:`~renewal_core.kpi.records.DueRecord` (a list, a generator, a cursor) and
goes through it once. ``period`` selects the policies whose ``due_on`` falls in it;
``filters`` selects by dimension (``{"channel": Channel.AGENT}``); both are
recorded on the result. Without a policy to count, the result has no data.

* :func:`renewal_rate`: renewed ÷ eligible policies due, in percent.
* :func:`retention_rate`: renewed ÷ all policies due, eligible or not.
* :func:`lapse_rate`: not renewed ÷ all policies due (100 minus the retention rate).
* :func:`premium_renewal_rate`: renewal premium ÷ expiring premium of the eligible
  policies due.
* :func:`average_premium_change`: the mean change of premium of the renewed
  policies, in money.

The examples use this book of four policies due in March 2025 and one in April:

>>> import pendulum
>>> from renewal_core.kpi.indicator import Period
>>> from renewal_core.kpi.records import DueRecord
>>> from renewal_core.model import Channel, LineOfBusiness
>>> from renewal_core.money import Money
>>> def due(number, day, premium, channel, renewed=None, renewal=None, eligible=True):
...     return DueRecord(
...         number, day, Money(premium, "CNY"), channel, LineOfBusiness.AUTO,
...         eligible=eligible, renewed_on=renewed,
...         renewal_premium=None if renewal is None else Money(renewal, "CNY"),
...     )
>>> march, april = pendulum.date(2025, 3, 15), pendulum.date(2025, 4, 10)
>>> book = [
...     due("P-1", march, "1000.00", Channel.AGENT, march, "1100.00"),
...     due("P-2", march, "2000.00", Channel.AGENT, march, "1800.00"),
...     due("P-3", march, "3000.00", Channel.ONLINE),
...     due("P-4", march, "500.00", Channel.ONLINE, eligible=False),
...     due("P-5", april, "800.00", Channel.ONLINE, april, "800.00"),
... ]
>>> in_march = Period.month(2025, 3)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, ClassVar, Final

from renewal_core.kpi._tally import (
    ZERO,
    Key,
    Measure,
    Select,
    add_exact,
    register,
    same_currency,
    subtract_exact,
)
from renewal_core.kpi.dimensions import DUE_DIMENSIONS
from renewal_core.kpi.indicator import Indicator, IntervalMethod, Period, Unit, rate, ratio_value
from renewal_core.kpi.records import DueRecord

__all__ = [
    "average_premium_change",
    "lapse_rate",
    "premium_renewal_rate",
    "renewal_rate",
    "retention_rate",
]


_FIRST: Final = dt.date.min
_LAST: Final = dt.date.max


def _eligible(record: DueRecord) -> bool:
    return record.eligible


class _DueMeasure(Measure[Any]):
    """A measure over due records: a period selects on ``due_on``."""

    __slots__ = ()

    dimensions: ClassVar = DUE_DIMENSIONS

    def selector(self, period: Period) -> Select:
        start, end = period.start, period.end

        def selects(record: Any) -> bool:
            return bool(start <= record.due_on <= end)

        return selects


class _DueCount(_DueMeasure):
    """Policies due and renewed, counted; the fast path of the renewal rates."""

    __slots__ = ("eligible_only", "renewed_on_top")

    def __init__(self, name: str, *, eligible_only: bool, renewed_on_top: bool) -> None:
        super().__init__(name, DueRecord)
        self.eligible_only = eligible_only
        self.renewed_on_top = renewed_on_top

    def start(self) -> list[int]:
        return [0, 0]

    def add(self, state: list[int], record: Any) -> None:  # pragma: no cover - see tally
        state[0] += 1
        if record.renewed_on is not None:
            state[1] += 1

    def combine(self, into: list[int], other: list[int]) -> None:
        into[0] += other[0]
        into[1] += other[1]

    def tally(
        self, records: Iterable[Any], key: Key, period: Period | None, match: Select | None
    ) -> dict[Hashable, Any]:
        # The generic loop, with the selection and the counting inlined: this is the
        # indicator run over millions of records.
        states: dict[Hashable, list[int]] = {}
        get = states.get
        eligible_only = self.eligible_only
        within = period is not None
        start: dt.date = _FIRST if period is None else period.start
        end: dt.date = _LAST if period is None else period.end
        for record in records:
            if type(record) is not DueRecord:
                self.refuse(record)
            if eligible_only and not record.eligible:
                continue
            if within and not start <= record.due_on <= end:
                continue
            if match is not None and not match(record):
                continue
            group = key(record)
            state = get(group)
            if state is None:
                state = states[group] = [0, 0]
            state[0] += 1
            if record.renewed_on is not None:
                state[1] += 1
        return states

    def finish(
        self, state: list[int], period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        due, renewed = state
        on_top = renewed if self.renewed_on_top else due - renewed
        return rate(self.name, on_top, due, period=period, filters=filters)


class _Premiums:
    __slots__ = ("currency", "expiring", "policies", "renewal", "renewed")

    def __init__(self) -> None:
        self.currency: str | None = None
        self.policies = 0
        self.renewed = 0
        self.expiring = ZERO
        self.renewal = ZERO


class _PremiumMeasure(_DueMeasure):
    """Expiring and renewal premium of the eligible policies due, summed exactly."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(name, DueRecord, _eligible)

    def start(self) -> _Premiums:
        return _Premiums()

    def add(self, state: _Premiums, record: Any) -> None:
        expiring = record.expiring_premium
        state.currency = same_currency(state.currency, expiring.currency, self.name)
        state.policies += 1
        state.expiring = add_exact(state.expiring, expiring.amount)
        renewal = record.renewal_premium
        if renewal is not None:
            state.renewed += 1
            state.renewal = add_exact(state.renewal, renewal.amount)

    def combine(self, into: _Premiums, other: _Premiums) -> None:
        into.currency = same_currency(into.currency, other.currency, self.name)
        into.policies += other.policies
        into.renewed += other.renewed
        into.expiring = add_exact(into.expiring, other.expiring)
        into.renewal = add_exact(into.renewal, other.renewal)

    def finish(
        self, state: _Premiums, period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        if self.name == "premium_renewal_rate":
            return Indicator(
                self.name,
                ratio_value(state.renewal, state.expiring) if state.expiring else None,
                state.renewal,
                state.expiring,
                unit=Unit.PERCENT,
                period=period,
                filters=filters,
                currency=state.currency,
                details={"policies": state.policies, "renewed": state.renewed},
            )
        change = subtract_exact(state.renewal, state.expiring)
        return Indicator(
            self.name,
            ratio_value(change, state.renewed, scale=1) if state.renewed else None,
            change,
            state.renewed,
            unit=Unit.MONEY,
            method=IntervalMethod.NONE,
            period=period,
            filters=filters,
            currency=state.currency,
            details={
                "expiring": state.expiring,
                "renewal": state.renewal,
                "percent": ratio_value(change, state.expiring) if state.expiring else None,
            },
        )


class _ChangeMeasure(_PremiumMeasure):
    """Premiums of the renewed policies only, for the average change."""

    __slots__ = ()

    def add(self, state: _Premiums, record: Any) -> None:
        renewal = record.renewal_premium
        if renewal is None:
            return
        expiring = record.expiring_premium
        state.currency = same_currency(state.currency, expiring.currency, self.name)
        state.policies += 1
        state.renewed += 1
        state.expiring = add_exact(state.expiring, expiring.amount)
        state.renewal = add_exact(state.renewal, renewal.amount)


_RENEWAL: Final = _DueCount("renewal_rate", eligible_only=True, renewed_on_top=True)
_RETENTION: Final = _DueCount("retention_rate", eligible_only=False, renewed_on_top=True)
_LAPSE: Final = _DueCount("lapse_rate", eligible_only=False, renewed_on_top=False)
_PREMIUM: Final = _PremiumMeasure("premium_renewal_rate")
_CHANGE: Final = _ChangeMeasure("average_premium_change")


def renewal_rate(
    records: Iterable[DueRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The renewal rate: policies renewed ÷ policies due and eligible for renewal.

    The base (``denominator``) is the number of eligible policies whose ``due_on``
    falls in ``period``; on top (``numerator``), those of them renewed (whatever
    the day of the renewal, before or after ``due_on``). Policies not eligible
    (``eligible=False``) are left out of both. The value is in percent with a
    Wilson interval.

    Args:
        records: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`.
        period: selects the policies by ``due_on``; ``None`` takes all.
        filters: selects by dimension name, such as ``{"channel": Channel.AGENT}``.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``DueRecord``, or
            ``period`` or ``filters`` have the wrong type.
        InvalidField: a filter names no built-in dimension, or has a value the
            dimension never takes (an ``expiry_month`` that is not a calendar month).

    Two of the three eligible policies due in March were renewed (the fourth is
    not eligible):

    >>> renewed = renewal_rate(book, period=in_march)
    >>> renewed.value, renewed.numerator, renewed.denominator
    (Decimal('66.6667'), 2, 3)
    >>> renewal_rate(book, period=in_march, filters={"channel": Channel.ONLINE}).value
    Decimal('0.0000')
    >>> renewal_rate([]).no_data
    True
    """
    return _RENEWAL.total(records, period, filters)


def retention_rate(
    records: Iterable[DueRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The retention rate: policies renewed ÷ all policies due, eligible or not.

    The share of the expiring book kept: unlike :func:`renewal_rate`, the base
    includes the policies not eligible for renewal, which count as lost. It is
    never above the renewal rate of the same policies. In percent, with a Wilson
    interval.

    Args:
        records: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`.
        period: selects the policies by ``due_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``DueRecord``.
        InvalidField: a filter names no built-in dimension, or has a value the
            dimension never takes (an ``expiry_month`` that is not a calendar month).

    Two of the four policies due in March were kept:

    >>> retention_rate(book, period=in_march).value
    Decimal('50.0000')
    """
    return _RETENTION.total(records, period, filters)


def lapse_rate(
    records: Iterable[DueRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The lapse rate: policies due and not renewed ÷ all policies due.

    The complement of :func:`retention_rate` over the same policies: the two
    values add up to exactly 100 (their numerators to the denominator). In
    percent, with a Wilson interval.

    Args:
        records: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`.
        period: selects the policies by ``due_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``DueRecord``.
        InvalidField: a filter names no built-in dimension, or has a value the
            dimension never takes (an ``expiry_month`` that is not a calendar month).

    >>> lapsed = lapse_rate(book, period=in_march)
    >>> lapsed.value, lapsed.numerator, lapsed.denominator
    (Decimal('50.0000'), 2, 4)
    """
    return _LAPSE.total(records, period, filters)


def premium_renewal_rate(
    records: Iterable[DueRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The premium renewal rate: renewal premium ÷ expiring premium of the policies due.

    Over the eligible policies due in ``period``: the base (``denominator``) is the
    sum of their expiring premiums, the ``numerator`` the sum of the renewal
    premiums of those renewed, both exact ``Decimal`` amounts in the indicator's
    ``currency``. The value may exceed 100 when premiums rise. No interval (a
    ratio of amounts). ``details`` counts the ``policies`` and those ``renewed``.
    No data when there is no expiring premium.

    Args:
        records: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`.
        period: selects the policies by ``due_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``DueRecord``.
        InvalidField: a filter names no built-in dimension, or has a value the
            dimension never takes (an ``expiry_month`` that is not a calendar month).
        CurrencyMismatch: the premiums are not all in one currency.

    In March, 1100 + 1800 renewed on 1000 + 2000 + 3000 due:

    >>> premium = premium_renewal_rate(book, period=in_march)
    >>> premium.value, premium.numerator, premium.denominator, premium.currency
    (Decimal('48.3333'), Decimal('2900.00'), Decimal('6000.00'), 'CNY')
    """
    return _PREMIUM.total(records, period, filters)


def average_premium_change(
    records: Iterable[DueRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The average change of premium at renewal, per renewed policy, in money.

    Over the eligible policies due in ``period`` and renewed: the ``numerator`` is
    the sum of (renewal premium - expiring premium), exact and possibly negative,
    the ``denominator`` the number of those policies; the value is their quotient
    rounded to 4 places, in the indicator's ``currency``. ``details`` holds the
    sums of ``expiring`` and ``renewal`` premium and the change in ``percent`` of
    the expiring premium. No data without a renewed policy.

    Args:
        records: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`.
        period: selects the policies by ``due_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``DueRecord``.
        InvalidField: a filter names no built-in dimension, or has a value the
            dimension never takes (an ``expiry_month`` that is not a calendar month).
        CurrencyMismatch: the premiums are not all in one currency.

    In March, +100 and -200 over two renewals:

    >>> change = average_premium_change(book, period=in_march)
    >>> change.value, change.numerator, change.denominator
    (Decimal('-50.0000'), Decimal('-100.00'), 2)
    >>> change.details["percent"]
    Decimal('-3.3333')
    """
    return _CHANGE.total(records, period, filters)


register(renewal_rate, lambda: _RENEWAL)
register(retention_rate, lambda: _RETENTION)
register(lapse_rate, lambda: _LAPSE)
register(premium_renewal_rate, lambda: _PREMIUM)
register(average_premium_change, lambda: _CHANGE)
