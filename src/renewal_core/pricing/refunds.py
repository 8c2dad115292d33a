"""Cancellation refunds and mid-term adjustments.

:func:`refund` splits the premium paid for a term into the part the insurer has
earned and the part it returns, by a :data:`RefundMethod`:

* :class:`ProRata` -- by days: refund = premium * days remaining / days in the term,
  times an optional ``factor`` ("90% of pro-rata");
* :class:`ShortRate` -- by a :class:`ShortRateTable` of earned percentages, by
  months (a part month counts as a whole month) or by day bands;
* :class:`Flat` -- the whole premium is refunded (cancellation from inception).

The conventions, in one place:

* A cancellation **takes effect at 00:00** on ``cancelled_on`` in the policy's zone,
  so the days of cover used are ``term.elapsed_days(cancelled_on)``: 0 on or before
  the start day, the whole term on or after the day after its end. A cancellation
  taking effect after the term has ended has used the whole term and refunds 0
  (except :class:`Flat`, which always refunds everything).
* **Rounding**: the earned amount is computed exactly (as a ratio of whole numbers of
  minor units), then rounded once to the currency's minor unit with the mode given
  (``ROUND_HALF_UP`` by default); the refund is premium - earned, so the two always
  add up to the premium exactly.
* **Before cover starts** (cancelled on or before the start day) the whole premium
  is refunded, less ``fee_before_start`` when one is agreed (3% for Chinese commercial auto,
  :mod:`renewal_core.presets.cn_auto_surrender`).
* **Cooling-off**: with ``cooling_off_days=k``, a cancellation that has used at most
  ``k`` days (``elapsed_days <= k``; before the start included) refunds the whole
  premium, and no fee is charged.
* **Minimum earned premium**: after cover starts, :class:`ProRata` and
  :class:`ShortRate` keep at least ``minimum_earned`` (a percentage of the premium
  or an amount; never more than the premium).

>>> from decimal import Decimal
>>> import pendulum
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
>>> result = refund(Money("3650.00", "CNY"), term, pendulum.Date(2025, 4, 11), ProRata())
>>> result.days_used, result.earned, result.refund
(100, Money('1000.00', 'CNY'), Money('2650.00', 'CNY'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import _fail, _maker, _money, _positive_int, _read_only, _type_name
from renewal_core.errors import (
    AllocationError,
    ArgumentTypeError,
    CurrencyMismatch,
    InvalidField,
    InvalidRounding,
    InvalidTerm,
)
from renewal_core.money import (
    _MINOR_OF,
    _QUANTIZE,
    ROUNDING_MODES,
    Money,
    _add,
    _from_units,
    _make,
    minor_units,
)
from renewal_core.periods import PolicyTerm, _day_after, _to_date

__all__ = [
    "Adjustment",
    "CancelledBy",
    "Fee",
    "Flat",
    "ProRata",
    "Refund",
    "RefundBasis",
    "RefundLine",
    "RefundMethod",
    "RefundRules",
    "ShortRate",
    "ShortRateBand",
    "ShortRateTable",
    "ShortRateUnit",
    "adjust",
    "refund",
]

_Date: Final = pendulum.Date
_HUNDRED: Final = Decimal(100)
_POWERS_OF_TEN: Final = tuple(10**n for n in range(19))
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_MONTHS_IN_YEAR: Final = 12
_DAYS_IN_TABLE: Final = 365
_LONGEST_DAY_TERM: Final = 366
# Stand-ins for the fraction part of an exact ratio: they sit below, on and above one
# half, so quantizing ``quotient + stand-in`` rounds as the exact ratio would.
_BELOW_HALF: Final = Decimal("0.25")
_HALF: Final = Decimal("0.5")
_ABOVE_HALF: Final = Decimal("0.75")


# --------------------------------------------------------------------------- helpers


def _percent(owner: str, field: str, value: object) -> Decimal:
    """Check a percentage from 0 to 100, a ``Decimal`` or an ``int``, never a float."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        hint = " (floats are inexact; write Decimal('...'))" if isinstance(value, float) else ""
        raise InvalidField(
            owner, field, f"must be a Decimal or an int, not {_type_name(value)}{hint}"
        )
    number = Decimal(value)
    if not number.is_finite() or not _ZERO <= number <= _HUNDRED:
        raise InvalidField(owner, field, f"must be a percentage from 0 to 100, not {value}")
    return number


def _round_ratio(numerator: int, denominator: int, rounding: str) -> int:
    """Round ``numerator / denominator`` (denominator > 0) to a whole number, exactly."""
    quotient, remainder = divmod(numerator, denominator)
    if not remainder:
        return quotient
    twice = 2 * remainder
    if rounding is ROUND_HALF_UP and quotient >= 0:  # the usual case, in integers
        return quotient + 1 if twice >= denominator else quotient
    part = _BELOW_HALF if twice < denominator else _HALF if twice == denominator else _ABOVE_HALF
    # In the exact contexts of money, so the thread's decimal context plays no part.
    return int(_add(Decimal(quotient), part).quantize(_ONE, rounding, _QUANTIZE))


def _check_rounding(rounding: object) -> str:
    if rounding.__class__ is not str or rounding not in ROUNDING_MODES:
        raise InvalidRounding(
            repr(rounding), "use one of the decimal module's modes, e.g. decimal.ROUND_HALF_UP"
        )
    return rounding


def _decimals(currency: str) -> int:
    units = _MINOR_OF.get(currency)
    return minor_units(currency) if units is None else units


def _premium_units(premium: object, owner: str, field: str) -> int:
    if premium.__class__ is not Money:
        raise ArgumentTypeError(_type_name(premium), f"{owner}({field})", "a Money")
    assert isinstance(premium, Money)  # noqa: S101 - narrows the type for mypy
    # The amount is numerator / denominator exactly: whole minor units when the
    # denominator divides 10**decimals.
    numerator, denominator = premium.amount.as_integer_ratio()
    scale: int = 10 ** _decimals(premium.currency)
    if not scale % denominator:
        return numerator * (scale // denominator)
    try:
        return premium.to_minor_units()  # raises
    except AllocationError:
        raise InvalidField(
            owner, field, f"{premium} is finer than the minor unit; round it first with .round()"
        ) from None


def _ratio(number: Decimal) -> tuple[int, int]:
    numerator, denominator = number.as_integer_ratio()
    return numerator, denominator


# --------------------------------------------------------------------------- tables


class ShortRateUnit(ShortReprEnum):
    """What a :class:`ShortRateTable` counts: months or days of cover used."""

    MONTHS = "months"
    """Months from the term start; a part month counts as a whole month."""

    DAYS = "days"
    """Days of cover used."""


def _band_percent(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _percent(type(instance).__name__, attribute.name, value)


def _as_decimal(value: Decimal | int) -> Decimal:
    given: object = value
    if isinstance(given, int) and not isinstance(given, bool):
        return Decimal(given)
    return value  # type: ignore[return-value]  # anything else: for the validator


@attrs.frozen(slots=True)
class ShortRateBand:
    """One row of a :class:`ShortRateTable`: units ``first`` to ``last`` earn ``percent``.

    Attributes:
        first: the first month or day of the band (counted from 1).
        last: the last month or day of the band, inclusive; not before ``first``.
        percent: the percentage of the premium earned, 0 to 100 (``Decimal`` or
            ``int``; kept as a ``Decimal``).

    >>> ShortRateBand(3, 4, 7)
    ShortRateBand(first=3, last=4, percent=Decimal('7'))
    """

    first: int = attrs.field(validator=_positive_int)
    last: int = attrs.field(validator=_positive_int)
    percent: Decimal = attrs.field(converter=_as_decimal, validator=_band_percent)

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            _fail(self, "last", f"{self.last} is before first {self.first}")


def _as_bands(value: Sequence[ShortRateBand]) -> tuple[ShortRateBand, ...]:
    given: object = value
    if isinstance(given, list | tuple):
        return tuple(given)
    return value  # type: ignore[return-value]  # anything else: for the validator


@attrs.frozen(slots=True)
class ShortRateTable:
    """A short-rate table: the percentage of the premium earned by cover used.

    Build one with :meth:`monthly` (twelve percentages) or :meth:`by_days` (day
    bands). The bands must run from 1 without gaps or overlaps, to 12 months or to
    365 days; the percentages must not decrease, lie from 0 to 100, and end at 100.

    Over the table's span: a months table counts whole years at 100% plus the
    table for the rest (:meth:`percent_for`); a days table counts any day after 365
    (day 366 of a leap-year term) as 100%, and serves terms of at most 366 days.

    Attributes:
        unit: what the bands count (:class:`ShortRateUnit`).
        bands: the rows, in order.

    Raises:
        InvalidField: the bands are not a list or tuple of :class:`ShortRateBand`,
            leave a gap, overlap, do not cover the span, decrease or do not end at 100.

    >>> table = ShortRateTable.monthly([10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100])
    >>> table.percent_for(4), table.percent_for(15)
    (Decimal('40'), Decimal('130'))
    """

    unit: ShortRateUnit = attrs.field()
    bands: tuple[ShortRateBand, ...] = attrs.field(converter=_as_bands)
    _by_unit: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False)
    _ratios: tuple[tuple[int, int], ...] = attrs.field(init=False, repr=False, eq=False)

    @unit.validator
    def _check_unit(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, ShortRateUnit):
            _fail(self, attribute.name, f"must be a ShortRateUnit, not {_type_name(value)}")

    def __attrs_post_init__(self) -> None:
        bands: object = self.bands
        if not isinstance(bands, tuple) or not bands:
            _fail(self, "bands", "must be a non-empty list or tuple of ShortRateBand")
        span = _MONTHS_IN_YEAR if self.unit is ShortRateUnit.MONTHS else _DAYS_IN_TABLE
        by_unit = [_ZERO]
        previous = _ZERO
        for index, band in enumerate(bands):
            field = f"bands[{index}]"
            if not isinstance(band, ShortRateBand):
                _fail(self, field, f"must be a ShortRateBand, not {_type_name(band)}")
            if band.first != len(by_unit):
                _fail(self, field, f"starts at {band.first}, expected {len(by_unit)} (no gaps)")
            if band.percent < previous:
                _fail(self, field, f"percent {band.percent} is below the previous {previous}")
            previous = band.percent
            by_unit.extend([band.percent] * (band.last - band.first + 1))
        if len(by_unit) - 1 != span:
            _fail(self, "bands", f"must end at {span} {self.unit.value}, not {len(by_unit) - 1}")
        if previous != _HUNDRED:
            _fail(self, "bands", f"must end at 100 percent, not {previous}")
        object.__setattr__(self, "_by_unit", tuple(by_unit))
        object.__setattr__(self, "_ratios", tuple(_ratio(percent) for percent in by_unit))

    @classmethod
    def monthly(cls, percents: Sequence[Decimal | int]) -> ShortRateTable:
        """Build a months table from twelve percentages, for months 1 to 12.

        >>> ShortRateTable.monthly([10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100]).bands[8]
        ShortRateBand(first=9, last=9, percent=Decimal('85'))

        Raises:
            InvalidField: not twelve valid, non-decreasing percentages ending at 100.
        """
        values = list(percents)
        if len(values) != _MONTHS_IN_YEAR:
            raise InvalidField(
                "ShortRateTable", "bands", f"needs 12 monthly percentages, not {len(values)}"
            )
        bands = [ShortRateBand(month, month, value) for month, value in enumerate(values, 1)]
        return cls(ShortRateUnit.MONTHS, bands)

    @classmethod
    def by_days(cls, bands: Sequence[tuple[int, int, Decimal | int]]) -> ShortRateTable:
        """Build a days table from ``(first_day, last_day, percent)`` bands covering 1..365.

        >>> table = ShortRateTable.by_days([(1, 180, 60), (181, 365, 100)])
        >>> table.percent_for(45), table.percent_for(366)
        (Decimal('60'), Decimal('100'))

        Raises:
            InvalidField: the bands leave a gap, overlap, decrease, do not cover 1 to
                365 or do not end at 100.
        """
        return cls(ShortRateUnit.DAYS, [ShortRateBand(*band) for band in bands])

    def percent_for(self, used: int) -> Decimal:
        """Return the percentage earned for ``used`` months or days of cover.

        0 for nothing used. A months table over 12 months gives 100 for each whole
        year plus the table for the rest; a days table gives 100 after day 365.
        """
        by_unit = self._by_unit
        if self.unit is ShortRateUnit.DAYS:
            return by_unit[used] if used <= _DAYS_IN_TABLE else _HUNDRED
        years, rest = divmod(used, _MONTHS_IN_YEAR)
        return by_unit[rest] + _HUNDRED * years if years else by_unit[rest]


def _percent_ratio(table: ShortRateTable, used: int) -> tuple[int, int]:
    """:meth:`ShortRateTable.percent_for` as an exact ratio of integers."""
    ratios = table._ratios
    if table.unit is ShortRateUnit.DAYS:
        return ratios[used] if used <= _DAYS_IN_TABLE else (100, 1)
    years, rest = divmod(used, _MONTHS_IN_YEAR)
    numerator, denominator = ratios[rest]
    return numerator + 100 * years * denominator, denominator


def _months_used(start: date, until: date) -> int:
    """Months from ``start`` to 00:00 of ``until``, a part month counting as whole.

    Months are counted as :func:`~renewal_core.periods.add_months` counts them, from
    ``start`` each time (never chained) with month ends clamped: the smallest ``n``
    with ``start + n months >= until``. Plain integer arithmetic: no date is built.
    """
    months = (until.year - start.year) * 12 + until.month - start.month
    # ``start + months`` falls in until's month, on start's day or, clamped, on the
    # month's last day: on or after ``until`` exactly when start's day is not before
    # until's day (a clamped day is still at least until's day).
    return months if start.day >= until.day else months + 1


# --------------------------------------------------------------------------- methods


def _factor(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        _fail(instance, attribute.name, f"must be a Decimal or an int, not {_type_name(value)}")
    if not Decimal(value).is_finite() or not _ZERO <= value <= _ONE:
        _fail(instance, attribute.name, f"must be from 0 to 1, not {value}")


@attrs.frozen(slots=True)
class ProRata:
    """Refund by days: premium * days remaining / days in the term, times ``factor``.

    Attributes:
        factor: the share of the pro-rata refund paid, from 0 to 1 (``Decimal`` or
            ``int``): 1 by default, ``Decimal("0.9")`` for "90% of pro-rata".

    >>> ProRata(Decimal("0.9"))
    ProRata(factor=Decimal('0.9'))
    """

    factor: Decimal = attrs.field(default=_ONE, converter=_as_decimal, validator=_factor)
    _ratio: tuple[int, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_ratio", _ratio(self.factor))


@attrs.frozen(slots=True)
class ShortRate:
    """Earned premium by a short-rate table: premium * the table's percentage.

    The percentage for the cover used is taken relative to the percentage for the
    whole term, so a one-year term earns the table's figure (its whole term is
    100%), and a term the table prices at 60% (six months) earns ``percent / 60``
    of its own premium. It never earns less than the share of the days used (the
    pro-rata floor), so a short-rate refund is never more than a pro-rata one.

    Attributes:
        table: the :class:`ShortRateTable` to read.
    """

    table: ShortRateTable = attrs.field()

    @table.validator
    def _check_table(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, ShortRateTable):
            _fail(self, attribute.name, f"must be a ShortRateTable, not {_type_name(value)}")


@attrs.frozen(slots=True)
class Flat:
    """The whole premium is refunded, whenever the cancellation takes effect.

    For cancellation from inception (the policy treated as never written).

    >>> Flat()
    Flat()
    """


RefundMethod = ProRata | ShortRate | Flat
"""How a refund is computed, one of :class:`ProRata`, :class:`ShortRate` and :class:`Flat`."""

_METHODS: Final = (ProRata, ShortRate, Flat)


def _check_method(method: object, owner: str) -> None:
    if method.__class__ not in _METHODS:
        raise ArgumentTypeError(
            _type_name(method), f"{owner}(method)", "a ProRata, ShortRate or Flat"
        )


@attrs.frozen(slots=True)
class Fee:
    """A charge of ``percent`` of the premium, or a fixed ``amount``; exactly one.

    A percentage is rounded to the minor unit with the refund's rounding mode; a fee
    is never more than the premium.

    Attributes:
        percent: the percentage of the premium (0 to 100, ``Decimal`` or ``int``).
        amount: a fixed amount, not negative, in the premium's currency.

    >>> Fee(percent=3)
    Fee(percent=Decimal('3'), amount=None)
    """

    percent: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=attrs.converters.optional(_as_decimal)
    )
    amount: Money | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_money())
    )

    def __attrs_post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            _fail(self, "percent", "give exactly one of percent= and amount=")
        if self.percent is not None:
            _percent("Fee", "percent", self.percent)

    def charge(self, premium: Money, rounding: str = ROUND_HALF_UP) -> Money:
        """Return the fee on ``premium``, rounded, and at most the premium.

        >>> Fee(percent=3).charge(Money("1234.50", "CNY"))
        Money('37.04', 'CNY')
        """
        if self.percent is not None:
            units = premium.to_minor_units()
            numerator, denominator = _ratio(self.percent)
            fee = _round_ratio(units * numerator, denominator * 100, _check_rounding(rounding))
            return Money.from_minor_units(fee, premium.currency)
        amount = self.amount
        assert amount is not None  # noqa: S101 - one of the two is set
        if amount.currency != premium.currency:
            raise CurrencyMismatch(premium.currency, amount.currency, "charge a Fee on a premium")
        return amount if amount <= premium else premium


# --------------------------------------------------------------------------- refund


class RefundBasis(ShortReprEnum):
    """Which rule decided a :class:`Refund`."""

    COOLING_OFF = "cooling_off"
    """Within the cooling-off (free-look) days, so the whole premium is refunded."""

    BEFORE_START = "before_start"
    """Cancelled on or before the start day, so the premium less the agreed fee."""

    METHOD = "method"
    """The refund method, applied to the days of cover used."""

    MINIMUM_EARNED = "minimum_earned"
    """The method's earned premium was below the minimum, which was kept instead."""


@attrs.frozen(slots=True)
class RefundLine:
    """One step of a refund's or an adjustment's breakdown.

    Attributes:
        step: the step's name (``"premium"``, ``"earned"``, ``"fee"``, ...).
        inputs: the step's inputs as ``(name, value)`` pairs, in words and figures.
        coefficient: the exact ratio applied at this step, if any.
        amount: the running amount after the step.
        rounding: the rounding mode applied at this step, if any.
    """

    step: str
    inputs: tuple[tuple[str, str], ...]
    coefficient: Fraction | None
    amount: Money
    rounding: str | None


def _earned_ratio(
    method: ProRata | ShortRate,
    term: PolicyTerm,
    on: pendulum.Date,
    used: int,
    *,
    explain: bool = False,
) -> tuple[int, int, tuple[tuple[str, str], ...]]:
    """The exact share of the premium earned: ``(numerator, denominator, inputs)``.

    The inputs are spelt out only when ``explain`` is set (for the breakdown).
    """
    first = term.start.toordinal()
    days = term.end.toordinal() - first + 1
    inputs: tuple[tuple[str, str], ...] = ()
    if method.__class__ is ProRata:
        assert isinstance(method, ProRata)  # noqa: S101 - narrows the type for mypy
        numerator, denominator = method._ratio
        # The earned share is 1 - factor times the days remaining over the days.
        remaining = days - used
        if explain:
            inputs = (("days used", str(used)), ("days in term", str(days)))
            if method.factor != _ONE:
                inputs += (("factor", str(method.factor)),)
        return days * denominator - remaining * numerator, days * denominator, inputs
    assert isinstance(method, ShortRate)  # noqa: S101 - narrows the type for mypy
    return _short_rate_ratio(method.table, term, on, used, days, explain=explain)


def _short_rate_ratio(
    table: ShortRateTable,
    term: PolicyTerm,
    on: pendulum.Date,
    used: int,
    days: int,
    *,
    explain: bool,
) -> tuple[int, int, tuple[tuple[str, str], ...]]:
    """The share earned by a short-rate table, at least the share of the days used."""
    inputs: tuple[tuple[str, str], ...] = ()
    if table.unit is ShortRateUnit.MONTHS:
        cadence = term.cadence
        if cadence is None:
            whole = _months_used(term.start, _day_after(term.end))
        else:
            whole = cadence.months
        if used >= days:
            counted = whole
        elif used <= 0:  # on or before the start (an adjustment before cover starts)
            counted = 0
        else:
            counted = min(_months_used(term.start, on), whole)
    else:
        if days > _LONGEST_DAY_TERM:
            raise InvalidTerm(
                f"a days short-rate table serves terms of up to {_LONGEST_DAY_TERM} days, "
                f"and this term has {days}; use a months table or pro-rata"
            )
        whole, counted = days, used
    if explain:
        inputs = (
            (f"{table.unit.value} used", str(counted)),
            (f"{table.unit.value} in term", str(whole)),
            ("percent for cover used", str(table.percent_for(counted))),
            ("percent for the term", str(table.percent_for(whole))),
        )
    top_numerator, top_denominator = _percent_ratio(table, whole)
    if not top_numerator:
        return 0, 1, inputs
    part_numerator, part_denominator = _percent_ratio(table, counted)
    numerator = part_numerator * top_denominator
    denominator = part_denominator * top_numerator
    # A short-rate refund is never more than the pro-rata refund: on a term that is
    # not a whole number of years, the table's share of the term can fall below the
    # share of the days used, and then the days used count.
    if numerator * days < used * denominator:
        if explain:
            inputs += (("pro-rata floor", f"{used}/{days} of the term used"),)
        return used, days, inputs
    return numerator, denominator, inputs


@attrs.frozen(slots=True)
class Refund:
    """The outcome of :func:`refund`: the premium split into earned and refunded.

    ``earned + refund == premium`` always, both in whole minor units. Call
    :attr:`breakdown` for the steps, enough to recompute the figures by hand.

    Attributes:
        premium: the premium paid for the term.
        earned: the part the insurer keeps.
        refund: the part returned to the policyholder.
        method: the :data:`RefundMethod` used.
        basis: the rule that decided the figures (:class:`RefundBasis`).
        days_used: days of cover used (``term.elapsed_days(cancelled_on)``).
        days_in_term: days in the term.
        term: the term cancelled.
        cancelled_on: the day the cancellation took effect, at 00:00.
        rounding: the rounding mode of the earned amount.
        fee: the fee charged before cover started, if any.
        minimum: the minimum earned premium, if one was given.
    """

    premium: Money
    earned: Money
    refund: Money
    method: RefundMethod
    basis: RefundBasis
    days_used: int
    days_in_term: int
    term: PolicyTerm = attrs.field(repr=False)
    cancelled_on: pendulum.Date
    rounding: str = attrs.field(repr=False)
    fee: Money | None = attrs.field(repr=False)
    minimum: Money | None = attrs.field(repr=False)

    @property
    def breakdown(self) -> tuple[RefundLine, ...]:
        """The steps in order (premium, the rule applied, earned and refund).

        >>> import pendulum
        >>> from renewal_core.periods import PolicyTerm
        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> done = refund(Money("1200.00", "CNY"), term, pendulum.Date(2025, 2, 1), ProRata())
        >>> [(line.step, str(line.coefficient), str(line.amount)) for line in done.breakdown]
        [('premium', 'None', '1200.00 CNY'), ('earned', '31/365', '101.92 CNY'),
         ('refund', 'None', '1098.08 CNY')]
        """
        premium = self.premium
        lines = [RefundLine("premium", (("premium paid", str(premium)),), None, premium, None)]
        basis = self.basis
        if basis is RefundBasis.COOLING_OFF:
            lines.append(
                RefundLine(
                    "cooling-off",
                    (("days used", str(self.days_used)),),
                    Fraction(0),
                    self.earned,
                    None,
                )
            )
        elif basis is RefundBasis.BEFORE_START:
            fee = self.fee
            lines.append(
                RefundLine(
                    "fee before start",
                    (("fee", str(fee)) if fee is not None else ("fee", "none"),),
                    None,
                    self.earned,
                    self.rounding if fee is not None else None,
                )
            )
        elif self.method.__class__ is Flat:
            lines.append(RefundLine("flat", (), Fraction(0), self.earned, None))
        else:
            method: Any = self.method
            numerator, denominator, inputs = _earned_ratio(
                method, self.term, self.cancelled_on, self.days_used, explain=True
            )
            by_method = _round_ratio(
                premium.to_minor_units() * numerator, denominator, self.rounding
            )
            lines.append(
                RefundLine(
                    "earned",
                    inputs,
                    Fraction(numerator, denominator),
                    Money.from_minor_units(by_method, premium.currency),
                    self.rounding,
                )
            )
            if basis is RefundBasis.MINIMUM_EARNED:
                lines.append(
                    RefundLine(
                        "minimum earned",
                        (("minimum", str(self.minimum)),),
                        None,
                        self.earned,
                        None,
                    )
                )
        lines.append(
            RefundLine(
                "refund", (("premium - earned", str(self.refund)),), None, self.refund, None
            )
        )
        return tuple(lines)


_make_refund = _maker(
    Refund,
    "premium",
    "earned",
    "refund",
    "method",
    "basis",
    "days_used",
    "days_in_term",
    "term",
    "cancelled_on",
    "rounding",
    "fee",
    "minimum",
)


def _minimum_units(
    minimum: Money | Decimal | int, premium: Money, units: int, rounding: str
) -> int:
    if isinstance(minimum, Money):
        if minimum.is_negative():
            raise InvalidField("refund", "minimum_earned", f"must not be negative, not {minimum}")
        if minimum.currency != premium.currency:
            raise CurrencyMismatch(
                premium.currency, minimum.currency, "refund a premium with a minimum_earned"
            )
        value = _premium_units(minimum, "refund", "minimum_earned")
    else:
        percent = _percent("refund", "minimum_earned", minimum)
        numerator, denominator = _ratio(percent)
        value = _round_ratio(units * numerator, denominator * 100, rounding)
    return value if value < units else units


def _whole_premium(premium: Money) -> tuple[int, int]:
    """The premium paid in minor units, and the currency's decimals; checked."""
    if premium.__class__ is not Money:
        _premium_units(premium, "refund", "premium")  # raises
    currency = premium.currency
    decimals = minor_units(currency)  # cached
    # The amount is numerator / denominator exactly: whole minor units when the
    # denominator divides 10**decimals.
    numerator, denominator = premium.amount.as_integer_ratio()
    scale = _POWERS_OF_TEN[decimals]
    if scale % denominator:
        _premium_units(premium, "refund", "premium")  # raises
    units = numerator * (scale // denominator)
    if units < 0:
        raise InvalidField("refund", "premium", f"must not be negative, not {premium}")
    return units, decimals


_COOLING_OFF: Final = RefundBasis.COOLING_OFF
_BEFORE_START: Final = RefundBasis.BEFORE_START
_BY_METHOD: Final = RefundBasis.METHOD


def _earned_units(
    method: ProRata | ShortRate,
    term: PolicyTerm,
    day: pendulum.Date,
    used: int,
    *,
    units: int,
    mode: str,
) -> int:
    """The earned premium by ``method`` in minor units, rounded once with ``mode``."""
    if method.__class__ is ProRata:
        # Earned share: 1 - factor * remaining / days, as in _earned_ratio.
        factor_numerator, factor_denominator = method._ratio
        days = term.end.toordinal() - term.start.toordinal() + 1
        denominator = days * factor_denominator
        numerator = denominator - (days - used) * factor_numerator
    else:
        numerator, denominator, _ = _earned_ratio(method, term, day, used)
    return _round_ratio(units * numerator, denominator, mode)


def _check_cooling_off(days: object) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ArgumentTypeError(_type_name(days), "refund(cooling_off_days)", "an int")
    if days < 1:
        raise InvalidField(
            "refund",
            "cooling_off_days",
            f"must be at least 1, not {days}; leave it out (None) when there is no "
            "cooling-off period",
        )


def _fee(fee: object, premium: Money, rounding: str) -> Money:
    """Charge the agreed fee on ``premium``; ``fee`` must be a :class:`Fee`."""
    if not isinstance(fee, Fee):
        raise ArgumentTypeError(_type_name(fee), "refund(fee_before_start)", "a Fee")
    return fee.charge(premium, rounding)


def refund(
    premium: Money,
    term: PolicyTerm,
    cancelled_on: date,
    method: RefundMethod,
    *,
    fee_before_start: Fee | None = None,
    minimum_earned: Money | Decimal | int | None = None,
    cooling_off_days: int | None = None,
    rounding: str = ROUND_HALF_UP,
) -> Refund:
    """Split ``premium`` into earned and refunded for a cancellation on ``cancelled_on``.

    The rules apply in this order: cooling-off (whole premium back), before cover
    starts (premium less ``fee_before_start``), :class:`Flat` (whole premium back),
    then the method, raised to ``minimum_earned``.

    Args:
        premium: the premium paid for ``term``, in whole minor units, not negative.
        term: the term cancelled.
        cancelled_on: the day the cancellation takes effect, at 00:00 in the policy's
            zone (a ``datetime`` is refused).
        method: :class:`ProRata`, :class:`ShortRate` or :class:`Flat`.
        fee_before_start: the fee kept when cancelled on or before the start day.
        minimum_earned: a minimum earned premium once cover has started: a
            percentage of the premium (``Decimal`` or ``int``) or an amount.
        cooling_off_days: a cancellation that has used at most this many days
            refunds the whole premium.
        rounding: the rounding mode of the earned amount (and of percentage fees).

    Returns:
        The :class:`Refund`.

    Raises:
        ArgumentTypeError: ``premium`` is not a ``Money``, ``method`` not a method,
            ``fee_before_start`` not a :class:`Fee`, or ``cooling_off_days`` not an int.
        InvalidField: ``premium`` is negative or finer than the minor unit, or a
            minimum, fee or cooling-off figure is out of range or in another currency.
        InvalidRounding: ``rounding`` is not a decimal rounding mode.
        InvalidTerm: a days short-rate table used for a term over 366 days.
        DateTypeError: ``cancelled_on`` is not a date.

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> from renewal_core.periods import PolicyTerm
    >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
    >>> refund(Money("1000.00", "CNY"), term, pendulum.Date(2024, 12, 20), ProRata(),
    ...        fee_before_start=Fee(percent=3)).refund
    Money('970.00', 'CNY')
    """
    units, decimals = _whole_premium(premium)
    currency = premium.currency
    if term.__class__ is not PolicyTerm:
        raise ArgumentTypeError(_type_name(term), "refund(term)", "a PolicyTerm")
    day = (
        cancelled_on
        if cancelled_on.__class__ is _Date
        else _to_date(cancelled_on, "refund(cancelled_on)")
    )
    if method.__class__ not in _METHODS:
        _check_method(method, "refund")
    mode = rounding if rounding is ROUND_HALF_UP else _check_rounding(rounding)
    first = term.start.toordinal()
    days = term.end.toordinal() - first + 1
    used = day.toordinal() - first
    used = 0 if used < 0 else used if used < days else days
    fee: Money | None = None
    minimum: Money | None = None
    # Checked whatever the basis, so that a bad argument never passes unnoticed.
    agreed_fee = None if fee_before_start is None else _fee(fee_before_start, premium, mode)
    floor = (
        None if minimum_earned is None else _minimum_units(minimum_earned, premium, units, mode)
    )
    if cooling_off_days is not None:
        _check_cooling_off(cooling_off_days)
    if cooling_off_days is not None and used <= cooling_off_days:
        basis = _COOLING_OFF
        earned_units = 0
    elif used == 0:
        basis = _BEFORE_START
        fee = agreed_fee
        earned_units = 0 if fee is None else fee.to_minor_units()
    elif method.__class__ is Flat:
        basis = _BY_METHOD
        earned_units = 0
    else:
        basis = _BY_METHOD
        earned_units = _earned_units(method, term, day, used, units=units, mode=mode)  # type: ignore[arg-type]
        if floor is not None:
            minimum = Money.from_minor_units(floor, currency)
            if floor > earned_units:
                earned_units = floor
                basis = RefundBasis.MINIMUM_EARNED
    return _make_refund(
        premium,
        _make(_from_units(earned_units, decimals), currency),
        _make(_from_units(units - earned_units, decimals), currency),
        method,
        basis,
        used,
        days,
        term,
        day,
        mode,
        fee,
        minimum,
    )


# --------------------------------------------------------------------------- adjust


@attrs.frozen(slots=True)
class Adjustment:
    """The outcome of :func:`adjust`: the premium charged or returned for a change.

    Attributes:
        premium_before: the term premium in force before the change.
        premium_after: the term premium after it.
        amount: the premium for the rest of the term: positive is an additional
            premium, negative a return premium, in whole minor units.
        method: the :data:`RefundMethod` that gave the share of the term left.
        days_remaining: days of cover left after the change.
        days_in_term: days in the term.
        term: the term changed.
        effective_on: the day the change takes effect, at 00:00.
        rounding: the rounding mode of ``amount``.
    """

    premium_before: Money
    premium_after: Money
    amount: Money
    method: RefundMethod
    days_remaining: int
    days_in_term: int
    term: PolicyTerm = attrs.field(repr=False)
    effective_on: pendulum.Date
    rounding: str = attrs.field(repr=False)

    @property
    def breakdown(self) -> tuple[RefundLine, ...]:
        """The steps (the change in premium, then the share of the term left and the amount).

        >>> import pendulum
        >>> from renewal_core.periods import PolicyTerm
        >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
        >>> change = adjust(Money("1000.00", "CNY"), Money("1365.00", "CNY"), term,
        ...                 pendulum.Date(2025, 4, 11))
        >>> [(line.step, str(line.coefficient), str(line.amount)) for line in change.breakdown]
        [('change', 'None', '365.00 CNY'), ('unearned share', '53/73', '265.00 CNY')]
        """
        delta = self.premium_after - self.premium_before
        coefficient, inputs = _unearned(self.method, self.term, self.effective_on, explain=True)
        return (
            RefundLine(
                "change",
                (("before", str(self.premium_before)), ("after", str(self.premium_after))),
                None,
                delta,
                None,
            ),
            RefundLine("unearned share", inputs, coefficient, self.amount, self.rounding),
        )


def _unearned(
    method: RefundMethod, term: PolicyTerm, on: pendulum.Date, *, explain: bool = False
) -> tuple[Fraction, tuple[tuple[str, str], ...]]:
    if isinstance(method, Flat):
        return Fraction(1), (("flat", "the whole change"),) if explain else ()
    numerator, denominator, inputs = _earned_ratio(
        method, term, on, term.elapsed_days(on), explain=explain
    )
    return Fraction(denominator - numerator, denominator), inputs


def adjust(
    premium_before: Money,
    premium_after: Money,
    term: PolicyTerm,
    effective_on: date,
    method: RefundMethod | None = None,
    *,
    rounding: str = ROUND_HALF_UP,
) -> Adjustment:
    """The additional (positive) or returned (negative) premium for a mid-term change.

    The change in the term premium, ``premium_after - premium_before``, times the
    share of the term the method leaves unearned at 00:00 on ``effective_on``:
    days remaining / days in the term for :class:`ProRata` (the default; times its
    factor), 1 - the table's share for :class:`ShortRate`, the whole change for
    :class:`Flat`. The product is rounded once to the minor unit with ``rounding``.

    Several changes in one term compose: apply them in order, each from the
    premium in force before it (the previous change's ``premium_after``) on its own
    effective day, and add up the amounts. With a rounding mode symmetric about
    zero (all but ``ROUND_CEILING`` and ``ROUND_FLOOR``), a change and its reversal
    on the same day net to exactly zero.

    Raises:
        ArgumentTypeError: a premium is not a ``Money``, or ``method`` not a method.
        InvalidField: a premium is negative or finer than the minor unit.
        CurrencyMismatch: the premiums are in different currencies.
        InvalidRounding: ``rounding`` is not a decimal rounding mode.
        DateTypeError: ``effective_on`` is not a date.

    >>> import pendulum
    >>> from renewal_core.periods import PolicyTerm
    >>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
    >>> adjust(Money("3650.00", "CNY"), Money("2920.00", "CNY"), term,
    ...        pendulum.Date(2025, 4, 11)).amount
    Money('-530.00', 'CNY')
    """
    before = _premium_units(premium_before, "adjust", "premium_before")
    after = _premium_units(premium_after, "adjust", "premium_after")
    for field, units, money in (
        ("premium_before", before, premium_before),
        ("premium_after", after, premium_after),
    ):
        if units < 0:
            raise InvalidField("adjust", field, f"must not be negative, not {money}")
    delta = premium_after - premium_before  # raises CurrencyMismatch
    if term.__class__ is not PolicyTerm:
        raise ArgumentTypeError(_type_name(term), "adjust(term)", "a PolicyTerm")
    day = _to_date(effective_on, "adjust(effective_on)")
    chosen: RefundMethod = ProRata() if method is None else method
    _check_method(chosen, "adjust")
    mode = _check_rounding(rounding)
    share, _ = _unearned(chosen, term, day)
    units = _round_ratio((after - before) * share.numerator, share.denominator, mode)
    return Adjustment(
        premium_before,
        premium_after,
        Money.from_minor_units(units, delta.currency),
        chosen,
        term.remaining_days(day),
        term.days,
        term,
        day,
        mode,
    )


# --------------------------------------------------------------------------- rules


class CancelledBy(ShortReprEnum):
    """Who asked for a cancellation."""

    INSURED = "insured"
    """The policyholder's request (surrender)."""

    INSURER = "insurer"
    """The insurer's cancellation."""


def _rule_keys(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key, method in value.items():
        if (
            not isinstance(key, tuple)
            or len(key) != 2
            or not isinstance(key[0], CancelledBy)
            or not (key[1] is None or isinstance(key[1], str))
        ):
            _fail(
                instance,
                attribute.name,
                "keys must be (CancelledBy, product code or None) pairs",
            )
        if method.__class__ not in _METHODS:
            _fail(
                instance,
                attribute.name,
                f"values must be refund methods, not {_type_name(method)}",
            )


def _default_method(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ not in _METHODS:
        _fail(instance, attribute.name, f"must be a refund method, not {_type_name(value)}")


@attrs.frozen(slots=True)
class RefundRules:
    """Which refund method applies, as data: by who cancels and the product.

    :meth:`method_for` looks up ``(cancelled_by, product)``, then
    ``(cancelled_by, None)`` (any product), then falls back on ``default``.

    Attributes:
        rules: a mapping of ``(CancelledBy, product code or None)`` to a method.
        default: the method when no rule matches.

    >>> rules = RefundRules(
    ...     {(CancelledBy.INSURED, None): ShortRate(ShortRateTable.monthly(
    ...         [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100])),
    ...      (CancelledBy.INSURED, "CTPL"): ProRata()},
    ...     default=ProRata(),
    ... )
    >>> rules.method_for(CancelledBy.INSURED, "CTPL"), rules.method_for(CancelledBy.INSURER)
    (ProRata(factor=Decimal('1')), ProRata(factor=Decimal('1')))
    """

    rules: Mapping[tuple[CancelledBy, str | None], RefundMethod] = attrs.field(
        converter=_read_only, validator=_rule_keys
    )
    default: RefundMethod = attrs.field(kw_only=True, validator=_default_method)

    def method_for(self, cancelled_by: CancelledBy, product: str | None = None) -> RefundMethod:
        """Return the method for a cancellation by ``cancelled_by`` of ``product``."""
        rules = self.rules
        found = rules.get((cancelled_by, product))
        if found is None:
            found = rules.get((cancelled_by, None), self.default)
        return found
