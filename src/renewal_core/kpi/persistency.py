"""Persistency of long-term life business: the 13- and 25-month rates (R6).

The published definition, in short: of the long-term individual new business that
took effect in the year before the assessment period, the premium actually
received in the 13th policy month, divided by the premium that fell due then under
the original contracts. Policies that cannot pay again are left out of both sides:
single-premium policies, free-look cancellations, terminations by a claim,
waivers, transfers out and conversions (:class:`~renewal_core.kpi.records.Exclusion`).
A premium received within the grace period counts. The 25-month rate is the same
for the business of two years before and the 25th policy month. It is reported
per channel (a breakdown by ``"channel"``).

Here a policy belongs to the assessment ``period`` when its 13th (or 25th) policy
month starts in it: when ``effective_on`` plus 12 (or 24) calendar months, a
month-end day clamped as :mod:`pendulum` does, falls in ``period``. For a period of
whole months this is the business effective in the same months one (or two) years
before.

>>> import pendulum
>>> from renewal_core.kpi.indicator import Period
>>> from renewal_core.kpi.records import Exclusion, PersistencyRecord, Receipt
>>> from renewal_core.model import Channel
>>> from renewal_core.money import Money
>>> def policy(number, premium, paid_on=None, exclusion=None):
...     effective = pendulum.date(2024, 3, 10)
...     receipt = None if paid_on is None else Receipt(paid_on, Money(premium, "CNY"))
...     return PersistencyRecord(
...         number, effective, Money(premium, "CNY"), Channel.BANCASSURANCE,
...         received_13=receipt, exclusion=exclusion,
...     )
>>> book = [
...     policy("L-1", "12000.00", pendulum.date(2025, 3, 1)),   # paid early
...     policy("L-2", "6000.00", pendulum.date(2025, 5, 9)),    # within 60 days' grace
...     policy("L-3", "6000.00", pendulum.date(2025, 5, 10)),   # after the grace period
...     policy("L-4", "6000.00"),                               # not paid
...     policy("L-5", "9000.00", exclusion=Exclusion.WAIVER),   # left out
... ]
>>> year = Period(pendulum.date(2025, 1, 1), pendulum.date(2025, 12, 31))
>>> kept = persistency(book, 13, period=year)
>>> kept.value, kept.numerator, kept.denominator
(Decimal('60.0000'), Decimal('18000.00'), Decimal('30000.00'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final

from renewal_core._fields import _type_name
from renewal_core.errors import ArgumentTypeError, InvalidField
from renewal_core.kpi._tally import ZERO, Measure, Select, add_exact, register, same_currency
from renewal_core.kpi.dimensions import ATTRIBUTES
from renewal_core.kpi.indicator import Indicator, Period, Unit, ratio_value
from renewal_core.kpi.records import Exclusion, PersistencyRecord

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "persistency",
]

DEFAULT_GRACE_DAYS: Final = 60
"""The grace period of a regular premium in days, 60 under Chinese insurance law."""

_MONTHS: Final = (13, 25)


class _Persisted:
    __slots__ = ("currency", "due", "excluded", "late", "paid", "policies", "received")

    def __init__(self) -> None:
        self.currency: str | None = None
        self.policies = 0
        self.paid = 0
        self.late = 0
        self.due = ZERO
        self.received = ZERO
        self.excluded: dict[Exclusion, int] = {}


class _PersistencyMeasure(Measure[_Persisted]):
    __slots__ = ("grace_days", "months")

    dimensions: ClassVar = ATTRIBUTES

    def __init__(self, months: int, grace_days: int) -> None:
        super().__init__(f"persistency_{months}", PersistencyRecord)
        self.months = months
        self.grace_days = grace_days

    def start(self) -> _Persisted:
        return _Persisted()

    def add(self, state: _Persisted, record: Any) -> None:
        premium = record.premium
        state.currency = same_currency(state.currency, premium.currency, self.name)
        exclusion = record.exclusion
        if exclusion is not None:
            state.excluded[exclusion] = state.excluded.get(exclusion, 0) + 1
            return
        state.policies += 1
        state.due = add_exact(state.due, premium.amount)
        receipt = record.received_13 if self.months == 13 else record.received_25
        if receipt is None:
            return
        due_on = record.effective_on.add(months=self.months - 1)
        if receipt.received_on.toordinal() - due_on.toordinal() > self.grace_days:
            state.late += 1
            return
        state.paid += 1
        state.received = add_exact(state.received, receipt.amount.amount)

    def combine(self, into: _Persisted, other: _Persisted) -> None:
        into.currency = same_currency(into.currency, other.currency, self.name)
        into.policies += other.policies
        into.paid += other.paid
        into.late += other.late
        into.due = add_exact(into.due, other.due)
        into.received = add_exact(into.received, other.received)
        for exclusion, count in other.excluded.items():
            into.excluded[exclusion] = into.excluded.get(exclusion, 0) + count

    def selector(self, period: Period) -> Select:
        start, end, shift = period.start, period.end, self.months - 1

        def selects(record: Any) -> bool:
            return bool(start <= record.effective_on.add(months=shift) <= end)

        return selects

    def finish(
        self, state: _Persisted, period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        excluded = {kind: state.excluded[kind] for kind in Exclusion if kind in state.excluded}
        return Indicator(
            self.name,
            ratio_value(state.received, state.due) if state.due else None,
            state.received,
            state.due,
            unit=Unit.PERCENT,
            period=period,
            filters=filters,
            currency=state.currency,
            details={
                "policies": state.policies,
                "paid": state.paid,
                "late": state.late,
                "excluded": excluded,
                "grace_days": self.grace_days,
            },
        )


def _measure(months: int = 13, grace_days: int = DEFAULT_GRACE_DAYS) -> _PersistencyMeasure:
    for name, value in (("months", months), ("grace_days", grace_days)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ArgumentTypeError(_type_name(value), f"persistency({name})", "an int")
    if months not in _MONTHS:
        raise InvalidField("persistency", "months", f"must be 13 or 25, not {months}")
    if grace_days < 0:
        raise InvalidField("persistency", "grace_days", f"must not be negative, not {grace_days}")
    return _PersistencyMeasure(months, grace_days)


def persistency(
    records: Iterable[PersistencyRecord],
    months: int = 13,
    *,
    period: Period | None = None,
    grace_days: int = DEFAULT_GRACE_DAYS,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The 13- or 25-month persistency: premium received ÷ premium due, in percent.

    For each policy of the cohort (see the module's description) not excluded,
    the ``denominator`` adds the premium due at the start of the ``months``-th
    policy month (``effective_on`` plus ``months - 1`` months) and the
    ``numerator`` adds what was received for it (``received_13`` or
    ``received_25``) on or before the last day of grace, ``grace_days`` after that
    due day. Received later, it counts as not received (``details["late"]``).
    Excluded policies are counted by :class:`~renewal_core.kpi.records.Exclusion`
    in ``details["excluded"]`` and left out of both sums. ``details`` also counts
    the ``policies`` in the base and those ``paid``. No interval (a ratio of
    amounts); no data when no premium is due.

    Args:
        records: the policies, as :class:`~renewal_core.kpi.records.PersistencyRecord`.
        months: 13 or 25.
        period: the assessment period: selects the policies whose
            ``months``-th policy month starts in it; ``None`` takes all (a cohort
            selected by the host).
        grace_days: the grace period in days (60 by default).
        filters: selects by dimension name, such as ``{"channel": Channel.AGENT}``.

    Returns:
        An :class:`~renewal_core.kpi.indicator.Indicator` named
        ``"persistency_13"`` or ``"persistency_25"``.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of
            ``PersistencyRecord``, or ``months`` or ``grace_days`` is not an ``int``.
        InvalidField: ``months`` is neither 13 nor 25, ``grace_days`` is negative,
            or a filter names no built-in dimension, names ``expiry_month``
            (persistency records have no due day) or has a value the dimension
            never takes.
        CurrencyMismatch: the premiums are not all in one currency.

    With the book above: 12000 paid early and 6000 within the grace period count;
    6000 paid a day too late and 6000 unpaid do not; the waived policy is left out.

    >>> dict(kept.details)
    {'policies': 4, 'paid': 2, 'late': 1, 'excluded': {Exclusion.WAIVER: 1}, 'grace_days': 60}
    >>> persistency(book, 25).value  # nothing received for the 25th month yet
    Decimal('0.0000')
    >>> persistency(book, 14)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: persistency.months: must be 13 or 25, not 14
    """
    return _measure(months, grace_days).total(records, period, filters)


register(persistency, _measure)
