"""Indicator values: a figure with its numerator, denominator, period, filters and interval.

Every indicator function of ``renewal_core.kpi`` answers with an
:class:`Indicator`, never a bare float: the ``value`` (a ``Decimal``, in percent
for a rate), the exact ``numerator`` and ``denominator`` it came from, the
:class:`Period` and the filters used, and :meth:`Indicator.interval` for the
uncertainty that comes with a sample. An empty denominator gives an explicit "no
data" indicator (``value`` is ``None``, :attr:`Indicator.no_data` is ``True``),
never a division error or a silent 0.

Conventions:

* **Values** are exact ratios rounded once, half to even, to :data:`VALUE_PLACES`
  decimal places (percentages such as ``Decimal('83.3333')``). Numerators and
  denominators are exact: counts as ``int``, amounts as ``Decimal`` in the
  indicator's ``currency``.
* **Intervals** are computed in binary floating point from the exact counts (they
  are statistics, not money) and returned as ``Decimal`` rounded to
  :data:`VALUE_PLACES` places, clipped to the scale: the Wilson score interval for
  a rate of counts, and the normal approximation of a difference of proportions
  for an NPS. Ratios of amounts have no interval (``None``).

>>> renewed = rate("renewal_rate", 45, 60)
>>> renewed.value, renewed.numerator, renewed.denominator
(Decimal('75.0000'), 45, 60)
>>> renewed.interval()
(Decimal('62.7679'), Decimal('84.2235'))
>>> rate("renewal_rate", 0, 0).no_data
True
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from statistics import NormalDist
from typing import Any, Final, cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _day,
    _fail,
    _member_of,
    _read_only,
    _str_keys,
    _text,
    _type_name,
)
from renewal_core.errors import InvalidField

__all__ = [
    "VALUE_PLACES",
    "Indicator",
    "IntervalMethod",
    "Period",
    "Unit",
    "rate",
    "ratio_value",
]

VALUE_PLACES: Final = 4
"""Decimal places of an indicator's value and interval (rounded half to even)."""

_QUANTUM: Final = Decimal(1).scaleb(-VALUE_PLACES)
_HUNDRED: Final = Fraction(100)


class Unit(ShortReprEnum):
    """What an indicator's value measures."""

    PERCENT = "percent"
    """A rate in percent, from 0 to 100."""
    SCORE = "score"
    """A net score from -100 to +100 (NPS)."""
    MONEY = "money"
    """An amount in the indicator's currency."""
    DAYS = "days"
    """A number of days (an average)."""
    COUNT = "count"
    """A count."""
    RATIO = "ratio"
    """A plain ratio of two figures that is not a percentage."""


class IntervalMethod(ShortReprEnum):
    """How :meth:`Indicator.interval` is computed."""

    WILSON = "wilson"
    """The Wilson score interval of a proportion of counts."""
    NPS = "nps"
    """A normal approximation of the difference of promoters and detractors (an NPS)."""
    NONE = "none"
    """No interval (a ratio of amounts, an average, a count)."""


@attrs.frozen
class Period:
    """A span of whole days, both ends included.

    Attributes:
        start: the first day.
        end: the last day, not before ``start``.

    >>> import pendulum
    >>> Period.month(2025, 2)
    Period(start=Date(2025, 2, 1), end=Date(2025, 2, 28))
    >>> Period.month(2025, 2).label, Period.month(2025, 2).contains(pendulum.date(2025, 2, 28))
    ('2025-02', True)
    """

    start: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    end: pendulum.Date = attrs.field(converter=_as_day, validator=_day)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            _fail(self, "end", f"{self.end} is before start {self.start}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``year``-``month``.

        Raises:
            InvalidField: not a valid year and month.
        """
        try:
            if isinstance(year, bool) or isinstance(month, bool):
                raise TypeError
            first = pendulum.date(year, month, 1)
        except (TypeError, ValueError):
            raise InvalidField("Period", "month", f"no month {year!r}-{month!r}") from None
        return cls(first, first.end_of("month"))

    @property
    def label(self) -> str:
        """``YYYY-MM`` for a calendar month, else ``start..end`` in ISO form."""
        if self.start.day == 1 and self.end == self.start.end_of("month"):
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` is within the period."""
        return self.start <= day <= self.end


def _number(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        _fail(instance, attribute.name, f"must be an int or a Decimal, not {_type_name(value)}")
    if isinstance(value, Decimal) and not value.is_finite():
        _fail(instance, attribute.name, f"must be finite, not {value}")


def _optional_value(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, Decimal) or not value.is_finite()):
        _fail(instance, attribute.name, f"must be a finite Decimal or None, not {value!r}")


def _optional_period(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Period):
        _fail(instance, attribute.name, f"must be a Period or None, not {_type_name(value)}")


@attrs.frozen
class Indicator:
    """A computed indicator: a value and everything needed to read it.

    Attributes:
        name: the indicator's name (``"renewal_rate"``).
        value: the figure, or ``None`` when there is no data (an empty denominator).
        numerator: what was counted or summed on top (exact).
        denominator: what it was divided by (exact).
        unit: the :class:`Unit` of ``value``.
        method: how :meth:`interval` is computed (:class:`IntervalMethod`).
        period: the :class:`Period` covered, or ``None``.
        filters: the filters applied, by dimension (``{"channel": Channel.AGENT}``).
        currency: the currency of amounts in ``numerator``/``denominator``, or ``None``.
        details: further exact figures by name (an NPS's promoters and detractors).
    """

    name: str = attrs.field(validator=_text())
    value: Decimal | None = attrs.field(validator=_optional_value)
    numerator: int | Decimal = attrs.field(validator=_number)
    denominator: int | Decimal = attrs.field(validator=_number)
    unit: Unit = attrs.field(kw_only=True, validator=_member_of(Unit))
    method: IntervalMethod = attrs.field(
        default=IntervalMethod.NONE, kw_only=True, validator=_member_of(IntervalMethod)
    )
    period: Period | None = attrs.field(default=None, kw_only=True, validator=_optional_period)
    filters: Mapping[str, object] = attrs.field(
        factory=dict, kw_only=True, converter=_read_only, validator=_str_keys
    )
    currency: str | None = attrs.field(default=None, kw_only=True)
    details: Mapping[str, object] = attrs.field(
        factory=dict, kw_only=True, converter=_read_only, validator=_str_keys, repr=False
    )

    def __attrs_post_init__(self) -> None:
        empty = not self.denominator
        if empty != (self.value is None):
            _fail(
                self,
                "value",
                "must be None exactly when the denominator is 0 (no data), not "
                f"{self.value!r} with the denominator {self.denominator!r}",
            )
        if self.method is IntervalMethod.NONE:
            return
        numerator, denominator = self.numerator, self.denominator
        if not isinstance(numerator, int) or not isinstance(denominator, int) or denominator < 0:
            _fail(
                self, "method", f"{self.method!r} needs whole counts for numerator and denominator"
            )
        if self.method is IntervalMethod.WILSON and not 0 <= numerator <= denominator:
            _fail(self, "numerator", f"{numerator} is not a count from 0 to {denominator}")
        if self.method is IntervalMethod.NPS:
            promoters = self.details.get("promoters")
            detractors = self.details.get("detractors")
            if not (
                _is_count(promoters)
                and _is_count(detractors)
                and promoters + detractors <= denominator  # type: ignore[operator]
                and promoters - detractors == numerator  # type: ignore[operator]
            ):
                _fail(
                    self,
                    "details",
                    "an NPS needs 'promoters' and 'detractors' counts whose difference is "
                    "the numerator and whose sum is at most the denominator",
                )

    @property
    def no_data(self) -> bool:
        """Whether there was nothing to compute from (``value`` is ``None``)."""
        return self.value is None

    def interval(
        self, confidence: Decimal | str | float = "0.95"
    ) -> tuple[Decimal, Decimal] | None:
        """The confidence interval of ``value``, or ``None`` without one.

        ``None`` when there is no data, or when the method is
        :attr:`IntervalMethod.NONE`. A rate's interval is Wilson's. An NPS's is the
        adjusted Wald interval: with ``P`` promoters and ``D`` detractors of ``n``,
        ``p = (P + 0.75) / (n + 3)`` and ``d = (D + 0.75) / (n + 3)``, the interval is
        ``100 * ((p - d) +- z * sqrt((p + d - (p - d)**2) / (n + 3)))``, clipped to
        -100..100 and widened, where needed, to contain the NPS itself; unlike the
        plain normal approximation it does not collapse to a point when every answer
        is a promoter (or every answer a detractor).

        Args:
            confidence: the confidence level, strictly between 0 and 1: a
                ``Decimal``, a decimal string or a float (a statistic, not an
                amount); 0.95 by default.

        Raises:
            InvalidField: ``confidence`` is not strictly between 0 and 1.
        """
        level = _confidence(confidence)
        if self.value is None or self.method is IntervalMethod.NONE:
            return None
        z = NormalDist().inv_cdf(0.5 + level / 2)
        n = int(self.denominator)
        if self.method is IntervalMethod.WILSON:
            low, high = _wilson(int(self.numerator), n, z)
            return _percent(low), _percent(high)
        promoters, detractors = _nps_counts(self)
        size = n + 3
        p, d = (promoters + 0.75) / size, (detractors + 0.75) / size
        centre = p - d
        half = z * math.sqrt(max(p + d - centre * centre, 0.0) / size)
        score = (promoters - detractors) / n
        low = min(max(centre - half, -1.0), score)
        high = max(min(centre + half, 1.0), score)
        return _score(low), _score(high)


def _nps_counts(indicator: Indicator) -> tuple[int, int]:
    promoters, detractors = indicator.details["promoters"], indicator.details["detractors"]
    return cast("int", promoters), cast("int", detractors)


def _confidence(value: object) -> float:
    try:
        if isinstance(value, float):
            level: Decimal | None = Decimal(repr(value))
        elif isinstance(value, str | Decimal):
            level = Decimal(value)
        else:
            level = None
    except ArithmeticError:
        level = None
    if level is None or not level.is_finite() or not Decimal(0) < level < Decimal(1):
        raise InvalidField(
            "Indicator",
            "interval(confidence)",
            f"must be between 0 and 1, such as '0.95', not {value!r}",
        )
    return float(level)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _wilson(successes: int, n: int, z: float) -> tuple[float, float]:
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _percent(share: float) -> Decimal:
    return (Decimal(share) * 100).quantize(_QUANTUM, ROUND_HALF_EVEN)


def _score(share: float) -> Decimal:
    return (Decimal(share) * 100).quantize(_QUANTUM, ROUND_HALF_EVEN)


def ratio_value(numerator: int | Decimal, denominator: int | Decimal, scale: int = 100) -> Decimal:
    """``numerator / denominator * scale`` exactly, rounded half to even to 4 places.

    ``denominator`` must not be zero.
    """
    exact = Fraction(numerator) * scale / Fraction(denominator)
    return _round(exact)


def _round(exact: Fraction) -> Decimal:
    scaled = exact * 10**VALUE_PLACES
    whole = round(scaled)  # Fraction.__round__ rounds half to even
    return Decimal(whole).scaleb(-VALUE_PLACES)


def rate(
    name: str,
    numerator: int,
    denominator: int,
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """A rate of counts in percent, with a Wilson interval; no data when ``denominator`` is 0.

    Raises:
        InvalidField: a count is not an ``int``, is negative, or the numerator
            exceeds the denominator.

    >>> rate("retention", 3, 4).value
    Decimal('75.0000')
    """
    counts: tuple[tuple[str, object], ...] = (
        ("numerator", numerator),
        ("denominator", denominator),
    )
    for label, count in counts:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidField("rate", label, f"must be an int of at least 0, not {count!r}")
    if numerator > denominator:
        raise InvalidField(
            "rate", "numerator", f"{numerator} is more than the denominator {denominator}"
        )
    value = ratio_value(numerator, denominator) if denominator else None
    return Indicator(
        name,
        value,
        numerator,
        denominator,
        unit=Unit.PERCENT,
        method=IntervalMethod.WILSON,
        period=period,
        filters=filters or {},
    )
