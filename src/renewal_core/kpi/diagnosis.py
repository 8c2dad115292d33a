"""Diagnosis (D5): did a rate really move, where did the move come from, and why?

:func:`diagnose` compares a rate of counts in two periods (this month's renewal rate
against last month's, say) and answers with a :class:`Finding`:

1. **The change**, in percentage points, computed exactly from the numerators and
   denominators (never from the rounded values).
2. **The judgement**, a :class:`FindingStatus`, made in this order:

   * ``NO_DATA``: a period has no data (a denominator of 0); nothing is compared.
   * ``STABLE``: the rate moved by no more than ``threshold`` points.
   * ``INCONCLUSIVE``: it moved by more, but the sample is too small to judge (a
     period counts fewer than ``min_sample`` cases, or a count expected under the
     test's pooled rate is below :data:`MIN_EXPECTED`), or the change is not
     statistically significant (its p-value is not below ``significance``). A small
     sample is never an alarm.
   * ``ALARM``: it moved by more than ``threshold`` points in the bad direction, and
     significantly; ``IMPROVED``: the same in the good direction. Which direction is
     good is ``higher_is_better`` (``True`` for a renewal rate, ``False`` for a
     lapse or surrender rate).

   The finding's :class:`~renewal_core.reasons.Reason` values say which step
   decided, with the figures compared.
3. **The test**, a two-sided two-proportion z-test (:func:`two_proportion_test`)
   on the counts ``x1`` of ``n1`` (current) and ``x0`` of ``n0`` (previous), with
   the pooled standard error::

       p = (x1 + x0) / (n1 + n0)                  the pooled proportion
       SE = sqrt(p * (1 - p) * (1/n1 + 1/n0))
       z = (x1/n1 - x0/n0) / SE
       p-value = 2 * P(Z <= -|z|)                 Z standard normal

   ``z`` is computed from exact fractions with one final square root in binary
   floating point, and the normal distribution is ``statistics.NormalDist``;
   ``z`` is reported to 4 decimal places and the p-value to
   :data:`P_VALUE_PLACES`, both rounded half to even, and the judgement compares
   the p-value *as reported*. The test is symmetric: swapping the periods negates
   ``z`` and keeps the p-value. The normal approximation needs every expected count
   ``n1 * p``, ``n1 * (1 - p)``, ``n0 * p`` and ``n0 * (1 - p)`` to be at least
   :data:`MIN_EXPECTED` (the textbook rule of thumb), hence the check above.
4. **The attribution**: for each dimension of ``breakdowns`` (channel, line of
   business, region ...), a mix/rate decomposition (:class:`Attribution`) that
   splits the change among the dimension's segments, ranked by the size of their
   contribution.

**The decomposition.** With ``w0``, ``w1`` a segment's share of the denominator
and ``r0``, ``r1`` its rate (in percent) in the previous and current periods, and
``R0``, ``R1`` the overall rates, the change ``R1 - R0 = sum(w1*r1) - sum(w0*r0)``
is split into, for each segment::

    mix  = (w1 - w0) * (r_mid - R_mid)
    rate = (w0 + w1) / 2 * (r1 - r0)

where ``R_mid = (R0 + R1) / 2`` and ``r_mid = (r0 + r1) / 2`` for a segment present
in both periods. A segment present in one period only (missing from the other's
breakdown, or with a denominator of 0 there) has weight 0 in the other, ``r_mid``
is its one rate and its ``rate`` part is 0: all of its effect is mix. The ``mix``
part is what a shift of the book between segments explains: a segment that grows
raises the total when its rate is above the average; the ``rate`` part is what the
segments' own rates explain. For every segment
``mix + rate = (w1*r1 - w0*r0) - (w1 - w0) * R_mid``, and summed over the segments
the ``R_mid`` terms cancel (each period's shares add up to 1), so the contributions
add up **exactly** to the change ``R1 - R0``: they are held as
:class:`~fractions.Fraction` values and rounded for display only. The
decomposition is symmetric too: swapping the periods negates every part. Each
period's segments must recombine to the indicator (their numerators and
denominators add up to its own), which the diagnosis checks.

**Root causes.** An analyst attaches one or more :class:`CauseCategory` tags
(product, price, channel, service) to a finding with :func:`tag`; improvement
actions (:mod:`renewal_core.kpi.improvement`) then address a tagged cause.

>>> from renewal_core.kpi.indicator import Period, rate
>>> feb, mar = Period.month(2025, 2), Period.month(2025, 3)
>>> finding = diagnose(
...     rate("renewal_rate", 860, 1000, period=mar),
...     rate("renewal_rate", 904, 1000, period=feb),
...     breakdowns={"channel": (
...         {"agent": rate("renewal_rate", 420, 500), "online": rate("renewal_rate", 440, 500)},
...         {"agent": rate("renewal_rate", 552, 600), "online": rate("renewal_rate", 352, 400)},
...     )},
... )
>>> finding.status, finding.change, finding.test.z, finding.test.p_value
(FindingStatus.ALARM, Decimal('-4.4000'), Decimal('-3.0497'), Decimal('0.002290'))
>>> for part in finding.attribution("channel").contributions:
...     print(part.segment, part.mix_points, part.rate_points, part.points)
agent 0.0200 -4.4000 -4.3800
online -0.0200 0.0000 -0.0200
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from statistics import NormalDist
from typing import Any, Final, NamedTuple

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _flag,
    _instance_of,
    _items,
    _member_of,
    _positive_int,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.kpi.indicator import Indicator, IntervalMethod, _round
from renewal_core.kpi.reports import _figure, _label, _pad, _width
from renewal_core.reasons import Reason, Severity, _reason

__all__ = [
    "DEFAULT_MIN_SAMPLE",
    "DEFAULT_SIGNIFICANCE",
    "DEFAULT_THRESHOLD",
    "MIN_EXPECTED",
    "P_VALUE_PLACES",
    "Attribution",
    "CauseCategory",
    "CauseTag",
    "Finding",
    "FindingStatus",
    "ProportionTest",
    "SegmentContribution",
    "diagnose",
    "tag",
    "two_proportion_test",
]

DEFAULT_THRESHOLD: Final = Decimal(1)
"""The change, in percentage points, that a rate must exceed to be judged (1 point)."""

DEFAULT_SIGNIFICANCE: Final = Decimal("0.05")
"""The p-value below which a change counts as significant (0.05)."""

DEFAULT_MIN_SAMPLE: Final = 30
"""The fewest cases each period must count for a change to be judged (30)."""

MIN_EXPECTED: Final = 5
"""The smallest count expected under the pooled rate for the z-test to hold (5)."""

P_VALUE_PLACES: Final = 6
"""Decimal places of a reported p-value (rounded half to even)."""

_Z_QUANTUM: Final = Decimal("0.0001")
_P_QUANTUM: Final = Decimal(1).scaleb(-P_VALUE_PLACES)
_STANDARD: Final = NormalDist()
_SHOWN: Final = 8  # the longest refused setting an error message shows


# --------------------------------------------------------------------------- the test


@attrs.frozen
class ProportionTest:
    """The result of a two-sided two-proportion z-test with a pooled standard error.

    Attributes:
        z: the z statistic, positive when the first proportion is the higher, to 4
            decimal places (half to even).
        p_value: the two-sided p-value, to :data:`P_VALUE_PLACES` decimal places
            (half to even).
        pooled: the pooled proportion in percent, to 4 decimal places.
        smallest_expected: the smallest count expected under the pooled proportion
            (the smaller sample times the smaller of ``p`` and ``1 - p``), rounded
            down to 4 decimal places so that it is below :data:`MIN_EXPECTED` exactly
            when the exact value is.
    """

    z: Decimal = attrs.field(validator=_instance_of(Decimal))
    p_value: Decimal = attrs.field(validator=_instance_of(Decimal))
    pooled: Decimal = attrs.field(validator=_instance_of(Decimal))
    smallest_expected: Decimal = attrs.field(validator=_instance_of(Decimal))

    def is_significant(self, significance: Decimal | str = DEFAULT_SIGNIFICANCE) -> bool:
        """Whether the reported p-value is below ``significance``.

        Raises:
            InvalidField: ``significance`` is not strictly between 0 and 1.
            ArgumentTypeError: ``significance`` is not a ``Decimal`` or a ``str``.
        """
        return self.p_value < _significance(significance, "ProportionTest.is_significant")


def _count(value: object, function: str, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(value, f"{function}({parameter})", "an int")
    return value


def two_proportion_test(x1: int, n1: int, x0: int, n0: int) -> ProportionTest:
    """Test whether ``x1`` of ``n1`` and ``x0`` of ``n0`` differ, two-sided, pooled.

    ``z = (x1/n1 - x0/n0) / sqrt(p * (1 - p) * (1/n1 + 1/n0))`` with the pooled
    ``p = (x1 + x0) / (n1 + n0)``, and the p-value is ``2 * P(Z <= -|z|)``. When ``p``
    is 0 or 1 both proportions are equal (all or none succeeded in both samples):
    ``z`` is 0 and the p-value 1.

    Args:
        x1: the successes of the first sample (this period's renewals).
        n1: the size of the first sample (this period's policies due), at least 1.
        x0: the successes of the second sample.
        n0: the size of the second sample, at least 1.

    Raises:
        ArgumentTypeError: a count is not an ``int``.
        InvalidField: a size is below 1, or successes are negative or more than the
            size.

    >>> test = two_proportion_test(860, 1000, 904, 1000)
    >>> test.z, test.p_value, test.pooled
    (Decimal('-3.0497'), Decimal('0.002290'), Decimal('88.2000'))
    >>> two_proportion_test(10, 10, 20, 20).p_value
    Decimal('1.000000')
    """
    counts = (("x1", x1), ("n1", n1), ("x0", x0), ("n0", n0))
    for parameter, value in counts:
        _count(value, "two_proportion_test", parameter)
    for x_name, x, n_name, n in (("x1", x1, "n1", n1), ("x0", x0, "n0", n0)):
        if n < 1:
            raise InvalidField("two_proportion_test", n_name, f"must be at least 1, not {n}")
        if not 0 <= x <= n:
            raise InvalidField(
                "two_proportion_test", x_name, f"must be between 0 and {n_name}={n}, not {x}"
            )
    return _test(x1, n1, x0, n0)


def _test(x1: int, n1: int, x0: int, n0: int) -> ProportionTest:
    pooled = Fraction(x1 + x0, n1 + n0)
    variance = pooled * (1 - pooled) * (Fraction(1, n1) + Fraction(1, n0))
    difference = Fraction(x1, n1) - Fraction(x0, n0)
    z = 0.0
    if variance:  # else the pooled proportion is 0 or 1, and both proportions equal it
        z = math.copysign(math.sqrt(difference * difference / variance), difference)
    p_value = min(2 * _STANDARD.cdf(-abs(z)), 1.0)
    expected = min(n1, n0) * min(pooled, 1 - pooled)
    return ProportionTest(
        _unsigned_zero(Decimal(z).quantize(_Z_QUANTUM, ROUND_HALF_EVEN)),
        Decimal(p_value).quantize(_P_QUANTUM, ROUND_HALF_EVEN),
        _round(pooled * 100),
        Decimal(math.floor(expected * 10**4)).scaleb(-4),
    )


def _unsigned_zero(value: Decimal) -> Decimal:
    return value.copy_abs() if value.is_zero() else value


# --------------------------------------------------------------------------- causes


class CauseCategory(ShortReprEnum):
    """The root-cause categories of a finding (D5), as an analyst attributes them."""

    PRODUCT = "product"
    """The product, when its cover, terms or fit no longer meet the customers' needs."""
    PRICE = "price"
    """The price, such as a premium increase, a lost discount or a competitor's offer."""
    CHANNEL = "channel"
    """The channel, that is how and by whom customers are reached and renewed."""
    SERVICE = "service"
    """The service, such as claims handling, reminders, complaints or ease of renewing."""


@attrs.frozen
class CauseTag:
    """A root cause an analyst attached to a :class:`Finding`.

    Attributes:
        category: the :class:`CauseCategory`.
        note: the analyst's explanation, free text. It is left out of the ``repr``
            and of error messages, since free text may name people.
    """

    category: CauseCategory = attrs.field(validator=_member_of(CauseCategory))
    note: str = attrs.field(validator=_text(personal=True), repr=False)


# --------------------------------------------------------------------------- results


class FindingStatus(ShortReprEnum):
    """What :func:`diagnose` concluded about a change."""

    ALARM = "alarm"
    """The rate moved beyond the threshold in the bad direction, significantly."""
    IMPROVED = "improved"
    """The rate moved beyond the threshold in the good direction, significantly."""
    STABLE = "stable"
    """The rate moved by no more than the threshold."""
    INCONCLUSIVE = "inconclusive"
    """It moved beyond the threshold, but the sample is too small or the change not
    significant: it may be chance."""
    NO_DATA = "no_data"
    """A period has no data, so there is nothing to compare."""


def _fraction(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Fraction):
        _fail(instance, attribute.name, f"must be a Fraction, not {_type_name(value)}")


_optional_indicator = attrs.validators.optional(_instance_of(Indicator))


@attrs.frozen
class SegmentContribution:
    """One segment's part of a change: what its mix and its own rate explain.

    The parts are exact, in percentage points; the ``*_points`` properties round
    them to 4 decimal places for display.

    Attributes:
        segment: the segment's key in the breakdown (``Channel.AGENT``).
        current: the segment's indicator in the current period, or ``None`` when the
            current breakdown has no such segment.
        previous: the same in the previous period.
        share: the segment's share of the current denominator (0 to 1).
        previous_share: its share of the previous denominator.
        mix: the part explained by the change of the segment's share.
        rate: the part explained by the change of the segment's rate.
    """

    segment: Hashable
    current: Indicator | None = attrs.field(validator=_optional_indicator, repr=False)
    previous: Indicator | None = attrs.field(validator=_optional_indicator, repr=False)
    share: Fraction = attrs.field(validator=_fraction)
    previous_share: Fraction = attrs.field(validator=_fraction)
    mix: Fraction = attrs.field(validator=_fraction)
    rate: Fraction = attrs.field(validator=_fraction)

    @property
    def total(self) -> Fraction:
        """The segment's whole contribution, ``mix + rate``, exact."""
        return self.mix + self.rate

    @property
    def points(self) -> Decimal:
        """The whole contribution in points, to 4 decimal places."""
        return _round(self.total)

    @property
    def mix_points(self) -> Decimal:
        """The mix part in points, to 4 decimal places."""
        return _round(self.mix)

    @property
    def rate_points(self) -> Decimal:
        """The rate part in points, to 4 decimal places."""
        return _round(self.rate)


def _contributions(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, SegmentContribution):
            _fail(instance, f"{attribute.name}[{index}]", "must be a SegmentContribution")


@attrs.frozen
class Attribution:
    """A change split among the segments of one dimension, largest contribution first.

    Attributes:
        dimension: the dimension's name (``"channel"``).
        contributions: each segment's :class:`SegmentContribution`, ranked by the
            size of its whole contribution (largest first; ties by the segment's
            ``repr``).
    """

    dimension: str = attrs.field(validator=_text())
    contributions: tuple[SegmentContribution, ...] = attrs.field(
        converter=_as_tuple, validator=_contributions
    )

    @property
    def change(self) -> Fraction:
        """The sum of the contributions, which is the change of the rate in points, exact."""
        return sum((item.total for item in self.contributions), Fraction(0))

    @property
    def mix(self) -> Fraction:
        """The sum of the mix parts, exact."""
        return sum((item.mix for item in self.contributions), Fraction(0))

    @property
    def rate(self) -> Fraction:
        """The sum of the rate parts, exact."""
        return sum((item.rate for item in self.contributions), Fraction(0))

    @property
    def top(self) -> SegmentContribution | None:
        """The largest contribution, or ``None`` without segments."""
        return self.contributions[0] if self.contributions else None


def _optional_decimal(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Decimal):
        _fail(instance, attribute.name, f"must be a Decimal or None, not {_type_name(value)}")


@attrs.frozen(kw_only=True)
class Finding:
    """What :func:`diagnose` found about the change of a rate between two periods.

    Attributes:
        name: the indicator's name.
        status: the :class:`FindingStatus`.
        change: the change in percentage points (current minus previous), to 4
            decimal places; ``None`` without data.
        test: the :class:`ProportionTest` of the change; ``None`` without data.
        current: the current period's indicator.
        previous: the previous period's indicator.
        reasons: why the status is what it is, with the figures compared.
        attributions: one :class:`Attribution` a dimension of the breakdowns, the
            dimension whose largest segment contributes most first; empty without
            data or breakdowns.
        threshold: the threshold used, in points.
        significance: the significance level used.
        min_sample: the fewest cases a period had to count.
        higher_is_better: whether a rise was good news.
        tags: the root causes an analyst attached (:func:`tag`), one a category.
    """

    name: str = attrs.field(validator=_text())
    status: FindingStatus = attrs.field(validator=_member_of(FindingStatus))
    change: Decimal | None = attrs.field(validator=_optional_decimal)
    test: ProportionTest | None = attrs.field(
        validator=attrs.validators.optional(_instance_of(ProportionTest))
    )
    current: Indicator = attrs.field(validator=_instance_of(Indicator), repr=False)
    previous: Indicator = attrs.field(validator=_instance_of(Indicator), repr=False)
    reasons: tuple[Reason, ...] = attrs.field(
        converter=_as_tuple, validator=_items(Reason, lambda item: item.code, "code"), repr=False
    )
    attributions: tuple[Attribution, ...] = attrs.field(
        default=(),
        converter=_as_tuple,
        validator=_items(Attribution, lambda item: item.dimension, "dimension"),
        repr=False,
    )
    threshold: Decimal = attrs.field(
        default=DEFAULT_THRESHOLD, validator=_instance_of(Decimal), repr=False
    )
    significance: Decimal = attrs.field(
        default=DEFAULT_SIGNIFICANCE, validator=_instance_of(Decimal), repr=False
    )
    min_sample: int = attrs.field(default=DEFAULT_MIN_SAMPLE, validator=_positive_int, repr=False)
    higher_is_better: bool = attrs.field(default=True, validator=_flag, repr=False)
    tags: tuple[CauseTag, ...] = attrs.field(
        default=(),
        converter=_as_tuple,
        validator=_items(CauseTag, lambda item: item.category, "cause category"),
    )

    @property
    def alarm(self) -> bool:
        """Whether the status is :attr:`FindingStatus.ALARM`."""
        return self.status is FindingStatus.ALARM

    @property
    def exact_change(self) -> Fraction | None:
        """The change in points as an exact fraction, or ``None`` without data."""
        if self.current.no_data or self.previous.no_data:
            return None
        return _rate_of(self.current) - _rate_of(self.previous)

    def attribution(self, dimension: str) -> Attribution | None:
        """The attribution to ``dimension``, or ``None`` when it was not broken down."""
        for attribution in self.attributions:
            if attribution.dimension == dimension:
                return attribution
        return None

    def explain(self, *, include_notes: bool = False) -> str:
        """The finding in words: the figures, the judgement, the attributions, the causes.

        The shares of the change are rounded to one decimal place, the contributions
        to 4. Each tag shows its category; its note only with ``include_notes``,
        since a note is free text that may name people (and is kept out of reprs
        for that reason): ask for the notes where the text goes to readers allowed
        to see them, never to a log.

        Args:
            include_notes: whether to show the tags' notes after their categories.

        Raises:
            ArgumentTypeError: ``include_notes`` is not ``True`` or ``False``.
        """
        if not isinstance(include_notes, bool):
            _wrong_type(include_notes, "Finding.explain(include_notes)", "True or False")
        lines = [f"{self.name}{_periods(self.current, self.previous)}: {self.status.name}"]
        if self.change is not None:
            lines.append(
                f"  {_rate_text(self.current)} against {_rate_text(self.previous)}: "
                f"{self.change:+} points"
            )
        lines.extend(f"  {reason.message}" for reason in self.reasons)
        for attribution in self.attributions:
            lines.extend(_attribution_lines(attribution, self.exact_change))
        for cause in self.tags:
            note = f": {cause.note}" if include_notes else ""
            lines.append(f"  cause {cause.category.name}{note}")
        return "\n".join(lines)


def _tenths(value: Fraction) -> Decimal:
    """``value`` rounded half to even to one decimal place."""
    return Decimal(round(value * 10)).scaleb(-1)


def _periods(current: Indicator, previous: Indicator) -> str:
    if current.period is None or previous.period is None:
        return ""
    return f" {current.period.label} against {previous.period.label}"


def _rate_text(indicator: Indicator) -> str:
    return f"{_figure(indicator)} ({indicator.numerator} of {indicator.denominator})"


def _attribution_lines(attribution: Attribution, change: Fraction | None) -> list[str]:
    lines = [f"  by {attribution.dimension}, in points (mix + rate = total):"]
    labels = [_label(item.segment) for item in attribution.contributions]
    width = max((_width(label) for label in labels), default=0)
    for label, item in zip(labels, attribution.contributions, strict=True):
        line = (
            f"    {_pad(label, width)}  {item.mix_points:+} + {item.rate_points:+} = "
            f"{item.points:+}"
        )
        if change:
            line += f"  ({_tenths(item.total * 100 / change)}% of the change)"
        lines.append(line)
    return lines


# --------------------------------------------------------------------------- checks


def _shown(value: Decimal | int | str) -> str:
    """A refused setting as a message shows it; a long one only by its length.

    A long value may be a number put in the wrong place, such as a phone number.
    """
    text = str(value)
    return repr(value) if len(text) <= _SHOWN else f"a value of {len(text)} characters"


def _significance(value: object, function: str) -> Decimal:
    if not isinstance(value, Decimal | str):
        _wrong_type(value, f"{function}(significance)", "a Decimal or a str such as '0.05'")
    try:
        level = Decimal(value)
    except ArithmeticError:
        level = Decimal("NaN")
    if not level.is_finite() or not Decimal(0) < level < Decimal(1):
        raise InvalidField(
            function,
            "significance",
            f"must be between 0 and 1, such as '0.05', not {_shown(value)}",
        )
    return level


def _threshold(value: object, function: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        _wrong_type(value, f"{function}(threshold)", "a Decimal, an int or a str such as '1.5'")
    try:
        points = Decimal(value)
    except ArithmeticError:
        points = Decimal("NaN")
    if not points.is_finite() or points < 0 or points > 100:
        raise InvalidField(
            function, "threshold", f"must be a number of points from 0 to 100, not {_shown(value)}"
        )
    return points


def _min_sample(value: object, function: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(value, f"{function}(min_sample)", "an int")
    if value < 1:
        raise InvalidField(function, "min_sample", f"must be at least 1, not {value}")
    return value


def _counts(value: object, function: str, field: str) -> tuple[int, int]:
    """The counts of a rate of counts, or an error saying why it is not one."""
    if not isinstance(value, Indicator):
        raise InvalidField(function, field, f"must be an Indicator, not {_type_name(value)}")
    numerator, denominator = value.numerator, value.denominator
    if (
        value.method is not IntervalMethod.WILSON
        or not isinstance(numerator, int)
        or not isinstance(denominator, int)
    ):
        raise InvalidField(
            function,
            field,
            f"{value.name!r} is not a rate of counts: the test and the decomposition need "
            "whole counts on top and below, as rate() builds them (a ratio of amounts, "
            "a score or an average cannot be tested this way)",
        )
    return numerator, denominator


def _in_order(earlier: Indicator, later: Indicator, function: str, names: tuple[str, str]) -> None:
    """Refuse two indicators whose periods are not in order (``later`` after ``earlier``).

    Swapped periods would flip the verdict. Without a period on either, the caller
    vouches for the order.
    """
    first, then = earlier.period, later.period
    if first is None or then is None or then.start > first.end:
        return
    before, after = names
    raise InvalidField(
        function,
        after,
        f"covers {then.label}, which does not start after the {before} period "
        f"{first.label} ends; pass the earlier period as {before} and the later one as "
        f"{after}, without overlap",
    )


def _rate_of(indicator: Indicator) -> Fraction:
    return Fraction(100 * int(indicator.numerator), int(indicator.denominator))


def _points(value: Decimal) -> str:
    return f"{value} point" if abs(value) == 1 else f"{value} points"


# --------------------------------------------------------------------------- judgement


class _Judgement(NamedTuple):
    status: FindingStatus
    change: Decimal | None
    test: ProportionTest | None
    reasons: tuple[Reason, ...]


class _Settings(NamedTuple):
    threshold: Decimal
    significance: Decimal
    min_sample: int
    higher_is_better: bool


def _settings(
    function: str,
    threshold: object,
    significance: object,
    min_sample: object,
    higher_is_better: object,
) -> _Settings:
    if not isinstance(higher_is_better, bool):
        _wrong_type(higher_is_better, f"{function}(higher_is_better)", "True or False")
    return _Settings(
        _threshold(threshold, function),
        _significance(significance, function),
        _min_sample(min_sample, function),
        higher_is_better,
    )


def _judge(
    name: str, current: tuple[int, int], previous: tuple[int, int], settings: _Settings, rule: str
) -> _Judgement:
    """Judge the change from ``previous`` to ``current`` counts (see the module's steps)."""
    (x1, n1), (x0, n0) = current, previous
    if not n1 or not n0:
        empty = " and ".join(label for label, n in (("current", n1), ("previous", n0)) if not n)
        message = (
            f"{name} has no data in the {empty} period (a denominator of 0): nothing to compare"
        )
        counts = {"current_denominator": n1, "previous_denominator": n0}
        reason = _reason("data.missing", Severity.INFO, rule, message, counts)
        return _Judgement(FindingStatus.NO_DATA, None, None, (reason,))
    change = Fraction(100 * x1, n1) - Fraction(100 * x0, n0)
    shown = _round(change)
    test = _test(x1, n1, x0, n0)
    details: dict[str, object] = {
        "change": shown,
        "threshold": settings.threshold,
        "z": test.z,
        "p_value": test.p_value,
        "significance": settings.significance,
        "current": (x1, n1),
        "previous": (x0, n0),
    }
    moved = f"{name} moved {shown:+} points"
    if abs(change) <= settings.threshold:
        message = f"{moved}, within the threshold of {_points(settings.threshold)}"
        reason = _reason("change.within_threshold", Severity.INFO, rule, message, details)
        return _Judgement(FindingStatus.STABLE, shown, test, (reason,))
    small: list[Reason] = []
    fewest = min(n1, n0)
    if fewest < settings.min_sample:
        message = (
            f"{moved}, but a period counts only {fewest} cases, fewer than the "
            f"{settings.min_sample} needed to judge it"
        )
        small.append(_reason("sample.too_small", Severity.INFO, rule, message, details))
    if test.smallest_expected < MIN_EXPECTED:
        message = (
            f"{moved}, but the smallest count expected under the pooled rate is "
            f"{test.smallest_expected}, below {MIN_EXPECTED}: the test does not hold"
        )
        small.append(
            _reason("sample.expected_count_too_small", Severity.INFO, rule, message, details)
        )
    if small:
        return _Judgement(FindingStatus.INCONCLUSIVE, shown, test, tuple(small))
    if not test.p_value < settings.significance:
        message = (
            f"{moved}, but the change is not significant (z = {test.z}, p-value "
            f"{test.p_value}, not below {settings.significance}): it may be chance"
        )
        reason = _reason("change.not_significant", Severity.INFO, rule, message, details)
        return _Judgement(FindingStatus.INCONCLUSIVE, shown, test, (reason,))
    worse = (change < 0) is settings.higher_is_better
    status = FindingStatus.ALARM if worse else FindingStatus.IMPROVED
    message = (
        f"{name} {'fell' if change < 0 else 'rose'} {abs(shown)} points, more than the "
        f"threshold of {_points(settings.threshold)}, and significantly (z = {test.z}, "
        f"p-value {test.p_value} below {settings.significance})"
    )
    severity = Severity.REFER if worse else Severity.INFO
    code = "change.worse" if worse else "change.better"
    return _Judgement(status, shown, test, (_reason(code, severity, rule, message, details),))


# --------------------------------------------------------------------------- attribution


def _breakdown(
    value: object, function: str, field: str, total: tuple[int, int]
) -> dict[Hashable, tuple[Indicator, int, int]]:
    """Check one period's breakdown; return each segment's indicator and counts."""
    if not isinstance(value, Mapping):
        raise InvalidField(
            function,
            field,
            f"must be a mapping of segments to indicators, not {_type_name(value)}",
        )
    segments: dict[Hashable, tuple[Indicator, int, int]] = {}
    for key, indicator in value.items():
        x, n = _counts(indicator, function, f"{field}[{_label(key)!r}]")
        segments[key] = (indicator, x, n)
    x_sum = sum(x for _, x, _ in segments.values())
    n_sum = sum(n for _, _, n in segments.values())
    if (x_sum, n_sum) != total:
        raise InvalidField(
            function,
            field,
            f"its segments count {x_sum} of {n_sum}, where the indicator counts "
            f"{total[0]} of {total[1]}: a breakdown must cover the indicator exactly "
            "(put cases without a value in a segment of their own)",
        )
    return segments


def _attribute(
    dimension: str,
    current: dict[Hashable, tuple[Indicator, int, int]],
    previous: dict[Hashable, tuple[Indicator, int, int]],
    totals: tuple[tuple[int, int], tuple[int, int]],
) -> Attribution:
    (x1, n1), (x0, n0) = totals
    middle = (Fraction(100 * x1, n1) + Fraction(100 * x0, n0)) / 2
    contributions = []
    for key in {**current, **previous}:
        now, before = current.get(key), previous.get(key)
        c_indicator, cx, cn = now if now is not None else (None, 0, 0)
        p_indicator, px, pn = before if before is not None else (None, 0, 0)
        w1, w0 = Fraction(cn, n1), Fraction(pn, n0)
        rate = Fraction(0)
        if cn and pn:
            r1, r0 = Fraction(100 * cx, cn), Fraction(100 * px, pn)
            segment_middle = (r1 + r0) / 2
            rate = (w0 + w1) / 2 * (r1 - r0)
        elif cn:
            segment_middle = Fraction(100 * cx, cn)
        elif pn:
            segment_middle = Fraction(100 * px, pn)
        else:  # no data in either period: no weight, no part
            segment_middle = middle
        mix = (w1 - w0) * (segment_middle - middle)
        contributions.append(SegmentContribution(key, c_indicator, p_indicator, w1, w0, mix, rate))
    contributions.sort(key=lambda item: (-abs(item.total), repr(item.segment)))
    return Attribution(dimension, contributions)


def _attributions(
    breakdowns: object,
    current: tuple[int, int],
    previous: tuple[int, int],
    attribute: bool,
) -> tuple[Attribution, ...]:
    if breakdowns is None:
        return ()
    if not isinstance(breakdowns, Mapping):
        _wrong_type(
            breakdowns,
            "diagnose(breakdowns)",
            "a mapping of dimension names to (current, previous) breakdowns",
        )
    attributions = []
    for dimension, pair in breakdowns.items():
        if not isinstance(dimension, str) or not dimension:
            raise InvalidField(
                "diagnose", "breakdowns", f"keys must be dimension names, not {dimension!r}"
            )
        field = f"breakdowns[{dimension!r}]"
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise InvalidField(
                "diagnose", field, "must be a pair (current breakdown, previous breakdown)"
            )
        now = _breakdown(pair[0], "diagnose", f"{field}[0]", current)
        before = _breakdown(pair[1], "diagnose", f"{field}[1]", previous)
        if attribute:
            attributions.append(_attribute(dimension, now, before, (current, previous)))
    # Each attribution has a segment at least, since a period with data has cases.
    attributions.sort(
        key=lambda item: (-max(abs(part.total) for part in item.contributions), item.dimension)
    )
    return tuple(attributions)


def diagnose(
    current: Indicator,
    previous: Indicator,
    *,
    threshold: Decimal | int | str = DEFAULT_THRESHOLD,
    significance: Decimal | str = DEFAULT_SIGNIFICANCE,
    min_sample: int = DEFAULT_MIN_SAMPLE,
    higher_is_better: bool = True,
    breakdowns: Mapping[str, tuple[Mapping[Any, Indicator], Mapping[Any, Indicator]]]
    | None = None,
) -> Finding:
    """Diagnose the change of a rate from ``previous`` to ``current``.

    The steps, the test and the decomposition are described in the module's
    documentation: the status is ``NO_DATA``, ``STABLE``, ``INCONCLUSIVE``, ``ALARM``
    or ``IMPROVED``, the reasons say why, and each breakdown's dimension gets an
    :class:`Attribution` (whenever both periods have data, whatever the status).

    Args:
        current: the rate in the current period, a rate of counts as
            :func:`~renewal_core.kpi.indicator.rate` builds it.
        previous: the same rate in the period compared against; same name. When
            both carry a ``period``, the current one must start after the
            previous one ends.
        threshold: the change, in percentage points, a rate must exceed to be
            judged (a ``Decimal``, an ``int`` or a decimal string, 0 to 100).
        significance: the p-value below which a change is significant, strictly
            between 0 and 1 (a ``Decimal`` or a decimal string).
        min_sample: the fewest cases each period must count, at least 1.
        higher_is_better: whether a rise is good news (``False`` for a lapse rate).
        breakdowns: for attribution, each dimension's name mapped to the pair
            (current breakdown, previous breakdown), a breakdown mapping each
            segment to its rate; each period's segments must add up to its
            indicator's counts.

    Raises:
        InvalidField: an indicator is not a rate of counts, the names differ, the
            current period does not start after the previous one ends, a setting is
            out of range, or a breakdown is malformed or does not add up.
        ArgumentTypeError: a setting has the wrong type.

    >>> from renewal_core.kpi.indicator import rate
    >>> diagnose(rate("renewal_rate", 8, 10), rate("renewal_rate", 9, 10)).status
    FindingStatus.INCONCLUSIVE
    >>> diagnose(rate("lapse_rate", 120, 1000), rate("lapse_rate", 80, 1000),
    ...          higher_is_better=False).status
    FindingStatus.ALARM
    """
    settings = _settings("diagnose", threshold, significance, min_sample, higher_is_better)
    now = _counts(current, "diagnose", "current")
    before = _counts(previous, "diagnose", "previous")
    if current.name != previous.name:
        raise InvalidField(
            "diagnose",
            "previous",
            f"is {previous.name!r}, where current is {current.name!r}: compare one indicator",
        )
    _in_order(previous, current, "diagnose", ("previous", "current"))
    judgement = _judge(current.name, now, before, settings, "diagnose")
    attributions = _attributions(
        breakdowns, now, before, judgement.status is not FindingStatus.NO_DATA
    )
    return Finding(
        name=current.name,
        status=judgement.status,
        change=judgement.change,
        test=judgement.test,
        current=current,
        previous=previous,
        reasons=judgement.reasons,
        attributions=attributions,
        threshold=settings.threshold,
        significance=settings.significance,
        min_sample=settings.min_sample,
        higher_is_better=settings.higher_is_better,
    )


def tag(finding: Finding, category: CauseCategory, note: str) -> Finding:
    """Attach a root cause to ``finding``: a new finding with one more :class:`CauseTag`.

    Args:
        finding: the finding.
        category: the :class:`CauseCategory`; a finding has one tag a category.
        note: the analyst's explanation (free text, kept out of reprs).

    Raises:
        ArgumentTypeError: ``finding`` is not a :class:`Finding`.
        InvalidField: the finding already has a tag of ``category``, or ``category``
            or ``note`` is not valid.

    >>> from renewal_core.kpi.indicator import rate
    >>> finding = diagnose(rate("renewal_rate", 860, 1000), rate("renewal_rate", 904, 1000))
    >>> tagged = tag(finding, CauseCategory.CHANNEL, "agents stopped calling before expiry")
    >>> tagged.tags
    (CauseTag(category=CauseCategory.CHANNEL),)
    """
    if not isinstance(finding, Finding):
        _wrong_type(finding, "tag(finding)", "a Finding")
    cause = CauseTag(category, note)
    if any(existing.category is cause.category for existing in finding.tags):
        raise InvalidField(
            "tag",
            "category",
            f"the finding already has a {cause.category.name} tag: a finding has one tag "
            "a category; put both explanations in one note",
        )
    return attrs.evolve(finding, tags=(*finding.tags, cause))
