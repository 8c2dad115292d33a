"""Surrender rates of long-term business (R6): by amounts paid, and the simple variant.

Both take :class:`~renewal_core.kpi.records.SurrenderRecord` figures, of single
policies or of blocks of business (a product line, a channel), and add them up
exactly in one pass:

* :func:`surrender_rate`: surrender payments of the period ÷ (long-term reserves
  at the start of the period + long-term premium income of the period).
* :func:`simple_surrender_rate`: sum insured surrendered in the period ÷ sum
  insured in force at its start.

The records carry no day: they are the figures of the period the host selected,
and ``period`` is recorded on the result as that period, not used to select.
``filters`` selects by dimension (``{"line": LineOfBusiness.LIFE}``).

>>> from renewal_core.kpi.records import SurrenderRecord
>>> from renewal_core.model import Channel
>>> from renewal_core.money import Money
>>> def cny(amount):
...     return Money(amount, "CNY")
>>> figures = [
...     SurrenderRecord(cny("30000.00"), cny("800000.00"), cny("200000.00"),
...                     surrendered_sum_insured=cny("500000.00"),
...                     opening_sum_insured=cny("20000000.00"), channel=Channel.AGENT),
...     SurrenderRecord(cny("10000.00"), cny("700000.00"), cny("300000.00"),
...                     surrendered_sum_insured=cny("300000.00"),
...                     opening_sum_insured=cny("20000000.00"), channel=Channel.BANCASSURANCE),
... ]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final

from renewal_core.errors import InvalidField
from renewal_core.kpi._tally import ZERO, Measure, Select, add_exact, register, same_currency
from renewal_core.kpi.dimensions import ATTRIBUTES
from renewal_core.kpi.indicator import Indicator, Period, Unit, ratio_value
from renewal_core.kpi.records import SurrenderRecord

__all__ = [
    "simple_surrender_rate",
    "surrender_rate",
]


class _Sums:
    __slots__ = ("base", "currency", "records", "surrendered")

    def __init__(self) -> None:
        self.currency: str | None = None
        self.records = 0
        self.surrendered = ZERO
        self.base = ZERO


class _SurrenderMeasure(Measure[_Sums]):
    """Surrendered amounts over a base: payments or sums insured."""

    __slots__ = ("simple",)

    dimensions: ClassVar = ATTRIBUTES

    def __init__(self, name: str, *, simple: bool) -> None:
        super().__init__(name, SurrenderRecord)
        self.simple = simple

    def start(self) -> _Sums:
        return _Sums()

    def add(self, state: _Sums, record: Any) -> None:
        if self.simple:
            surrendered = record.surrendered_sum_insured
            if surrendered is None:
                raise InvalidField(
                    self.name,
                    "records",
                    "a SurrenderRecord has no sums insured; give its surrendered_sum_insured "
                    "and opening_sum_insured",
                )
            base = record.opening_sum_insured.amount
        else:
            surrendered = record.payments
            base = add_exact(record.opening_reserves.amount, record.premium_income.amount)
        state.currency = same_currency(state.currency, surrendered.currency, self.name)
        state.records += 1
        state.surrendered = add_exact(state.surrendered, surrendered.amount)
        state.base = add_exact(state.base, base)

    def combine(self, into: _Sums, other: _Sums) -> None:
        into.currency = same_currency(into.currency, other.currency, self.name)
        into.records += other.records
        into.surrendered = add_exact(into.surrendered, other.surrendered)
        into.base = add_exact(into.base, other.base)

    def selector(self, period: Period) -> Select | None:
        return None

    def finish(
        self, state: _Sums, period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        return Indicator(
            self.name,
            ratio_value(state.surrendered, state.base) if state.base else None,
            state.surrendered,
            state.base,
            unit=Unit.PERCENT,
            period=period,
            filters=filters,
            currency=state.currency,
            details={"records": state.records},
        )


_SURRENDER: Final = _SurrenderMeasure("surrender_rate", simple=False)
_SIMPLE: Final = _SurrenderMeasure("simple_surrender_rate", simple=True)


def surrender_rate(
    records: Iterable[SurrenderRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The surrender rate: surrender payments ÷ (opening reserves + premium income).

    The ``numerator`` is the sum of ``payments``, the ``denominator`` the sum of
    ``opening_reserves`` and ``premium_income``, both exact, in the indicator's
    ``currency``; the value is in percent, with no interval (a ratio of amounts).
    No data when the base is zero.

    Args:
        records: the figures, as :class:`~renewal_core.kpi.records.SurrenderRecord`.
        period: the period the figures cover (recorded only).
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``SurrenderRecord``.
        InvalidField: a filter names no built-in dimension, or names
            ``expiry_month`` (surrender figures have no due day), or has a value the dimension
            never takes.
        CurrencyMismatch: the amounts are not all in one currency.

    40000 paid on 1500000 + 500000:

    >>> rate = surrender_rate(figures)
    >>> rate.value, rate.numerator, rate.denominator
    (Decimal('2.0000'), Decimal('40000.00'), Decimal('2000000.00'))
    >>> surrender_rate(figures, filters={"channel": Channel.AGENT}).value
    Decimal('3.0000')
    """
    return _SURRENDER.total(records, period, filters)


def simple_surrender_rate(
    records: Iterable[SurrenderRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The simple surrender rate: surrendered sum insured ÷ opening in-force sum insured.

    The ``numerator`` is the sum of ``surrendered_sum_insured``, the
    ``denominator`` the sum of ``opening_sum_insured``; in percent, no interval.
    Every record must carry both sums insured. No data when the base is zero.

    Args:
        records: the figures, as :class:`~renewal_core.kpi.records.SurrenderRecord`.
        period: the period the figures cover (recorded only).
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``SurrenderRecord``.
        InvalidField: a record has no sums insured, or a filter names no built-in
            dimension, or names ``expiry_month`` (surrender figures have no due
            day), or has a value the dimension never takes.
        CurrencyMismatch: the amounts are not all in one currency.

    800000 surrendered of 40000000 in force:

    >>> simple_surrender_rate(figures).value
    Decimal('2.0000')
    """
    return _SIMPLE.total(records, period, filters)


register(surrender_rate, lambda: _SURRENDER)
register(simple_surrender_rate, lambda: _SIMPLE)
