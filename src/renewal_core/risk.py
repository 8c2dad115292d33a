"""Risk assessment (D4): risk points, scores, the likelihood x impact matrix, measures.

A renewal's risk is assessed in four steps:

1. **Risk points** (风险点) look at a :class:`~renewal_core.facts.RenewalSubject` (the
   policy, the day of the check and the host's facts). A point that finds something
   answers with a :class:`RiskSignal`: a code, an *intensity* from 0 to 1 (how
   strongly the point is present), a message, the values it compared and, for the
   matrix, a *likelihood* and an *impact* rating. A point that finds nothing answers
   ``None``. The built-in points are :class:`LapseRisk`, :class:`ClaimFrequency`,
   :class:`ClaimSeverity`, :class:`PaymentDelinquency`, :class:`FraudIndicators` and
   :class:`UnderwriterRating`; write your own with :func:`risk_point`.
2. **The quantitative score**: a :class:`RiskModel` weighs its points
   (:class:`WeightedPoint`); the score is ``100 x sum(weight x intensity) /
   sum(weight)`` over all the model's points, an absent point counting as intensity
   0, and :class:`ScoreThresholds` turn it into a :class:`RiskLevel`.
3. **The qualitative matrix**: each signal's likelihood and impact give a level
   through the :class:`RiskMatrix`; the highest of them is the matrix level.
4. **The level and its measures**: the assessment's level is the higher of the score
   level and the matrix level, so a rare but grave signal (a fraud flag) raises the
   level even when the score stays low; the model's measures for that level say what
   to do (:data:`DEFAULT_MEASURES`).

:func:`assess_risk` does all four and returns a :class:`RiskAssessment` that lists
each present point's :class:`RiskContribution` (its share of the score, in points,
and its matrix rating), so every figure can be explained.

>>> import pendulum
>>> from renewal_core.facts import RenewalFacts
>>> from renewal_core.model import Channel, IdKind, Party, PartyKind, Policy, PolicyStatus
>>> from renewal_core.model import LineOfBusiness
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> holder = Party(
...     "C-1001", PartyKind.INDIVIDUAL, "张三",
...     id_kind=IdKind.RESIDENT_ID, id_number="11010519491231002X", phone="13812345678",
... )
>>> policy = Policy(
...     number="P-2024-0001",
...     holder=holder,
...     line_of_business=LineOfBusiness.AUTO,
...     product_code="AUTO-COMMERCIAL",
...     term=PolicyTerm.annual(pendulum.date(2024, 3, 1), "Asia/Shanghai"),
...     status=PolicyStatus.ACTIVE,
...     premium=Money("3560.00", "CNY"),
...     sales_channel=Channel.AGENT,
...     inception=pendulum.date(2024, 3, 1),
... )
>>> facts = RenewalFacts(days_overdue=12, late_payments=2, overdue_installments=1)
>>> assessment = assess_risk(policy, as_of=pendulum.date(2025, 2, 1), context=facts)
>>> assessment.score, assessment.score_level, assessment.matrix_level, assessment.level
(Decimal('21.0000'), RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.MEDIUM)
>>> [(c.code, c.intensity, c.points, c.matrix_level) for c in assessment.contributions]
[('risk.lapse', Decimal('0.4000'), Decimal('6.0000'), RiskLevel.MEDIUM),
 ('risk.payment_delinquency', Decimal('1.0000'), Decimal('15.0000'), RiskLevel.MEDIUM)]
>>> [measure.code for measure in assessment.measures]
['process.monitor', 'recheck.periodic', 'data.sample']

The score of 21 (weight 15 x intensity 0.4, plus 15 x 1) is below the default
medium threshold of 30, but 12 days overdue rate likelihood 3 and impact 3 on the
matrix, a medium risk: the level is ``MEDIUM``.

**Exactness.** Every figure is a :class:`~decimal.Decimal` computed exactly,
whatever the thread's decimal context. The built-in points give their intensity to
:data:`INTENSITY_PLACES` decimal places (a ratio such as 1 late payment of 3 is
rounded half to even: ``0.3333``). The score has :data:`SCORE_PLACES` decimal places:
it is the exact weighted mean when that has no more places (always so for the
default model, whose weights add up to 100), and otherwise the exact value rounded
*down*, so the score crosses a threshold exactly when the exact value does
(thresholds have at most :data:`SCORE_PLACES` places). The contributions' points are
the exact shares allocated to the same places by largest remainder (ties to the
earlier point of the model), so they always add up to the score exactly.

**Likelihood and impact.** The built-in points rate on 5-point scales. Their
likelihood comes from their intensity in five equal bands (:func:`likelihood_band`),
and their impact is a fixed rating per point, set by its ``impact`` field;
:class:`UnderwriterRating` passes on the underwriter's own two ratings instead.

=================  ==================
intensity          likelihood
=================  ==================
0 to below 0.2     1 (rare)
0.2 to below 0.4   2
0.4 to below 0.6   3
0.6 to below 0.8   4
0.8 to 1           5 (almost certain)
=================  ==================

=======================  ==============
point                    default impact
=======================  ==============
``lapse``                3
``claim_frequency``      2
``claim_severity``       4
``payment_delinquency``  2
``fraud``                5
=======================  ==============

Compliance checklists and audit samples (D4) are in :mod:`renewal_core.audit`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, NoReturn, Protocol, TypeVar, cast, runtime_checkable

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _callable,
    _fail,
    _instance_of,
    _is_plain_int,
    _maker,
    _optional_rating,
    _positive_int,
    _read_only,
    _str_keys,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.facts import RenewalFacts, RenewalSubject
from renewal_core.materials import DEFAULT_CHECKLISTS, MaterialChecklists
from renewal_core.model import ClaimRecord, Policy, PolicyStatus
from renewal_core.money import _EXACT
from renewal_core.money import _make as _make_money
from renewal_core.periods import add_months
from renewal_core.reasons import _CODE, _code
from renewal_core.windows import DEFAULT_WINDOW_CONFIG, RenewalWindowConfig, WindowPhase

__all__ = [
    "DEFAULT_MATRIX",
    "DEFAULT_MEASURES",
    "DEFAULT_RISK_MODEL",
    "INTENSITY_PLACES",
    "SCORE_PLACES",
    "ClaimFrequency",
    "ClaimSeverity",
    "CustomerInformation",
    "FraudIndicators",
    "FunctionPoint",
    "LapseRisk",
    "Measure",
    "PaymentDelinquency",
    "RiskAssessment",
    "RiskContribution",
    "RiskLevel",
    "RiskMatrix",
    "RiskModel",
    "RiskPoint",
    "RiskSignal",
    "ScoreThresholds",
    "UnderwriterRating",
    "WeightedPoint",
    "assess_risk",
    "assess_subject",
    "likelihood_band",
    "risk_point",
]

_T = TypeVar("_T")

SCORE_PLACES: Final = 4
"""Decimal places of a risk score and of each contribution's points."""

INTENSITY_PLACES: Final = 4
"""Decimal places to which the built-in points round their intensity (half to even)."""

# Division with a bounded precision that refuses to round: an exact quotient of up
# to 60 digits, or decimal.Inexact (unlimited precision would exhaust memory on a
# quotient that never ends, such as 1 / 3).
_FACTOR: Final = decimal.Context(
    prec=60,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
_add = _EXACT.add
_multiply = _EXACT.multiply
_divmod = _EXACT.divmod
_divide_int = _EXACT.divide_int
_quantize = _EXACT.quantize

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal("1.0000")
_HUNDRED: Final = Decimal(100)
_SCORE_QUANTUM: Final = Decimal(1).scaleb(-SCORE_PLACES)
_ZERO_SCORE: Final = Decimal(0).scaleb(-SCORE_PLACES)
_SCORE_UNIT: Final = 10**SCORE_PLACES
_INTENSITY_UNIT: Final = 10**INTENSITY_PLACES

# Bounds that keep exact arithmetic small: no real weight, intensity or threshold
# comes near them, and a value such as Decimal("1E-100000000") would otherwise make
# a sum carry a hundred million digits.
_MAX_PLACES: Final = 28
_MAX_WEIGHT: Final = Decimal(1_000_000)
_MAX_FULL_AT: Final = Decimal(1_000_000)

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


# --------------------------------------------------------------------------- numbers


def _as_decimal(value: Decimal | int) -> Decimal:
    """Store an ``int`` as a :class:`~decimal.Decimal`; pass anything else on to the check."""
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, int) and not isinstance(given, bool):
        return Decimal(int(given))
    return cast("Decimal", value)  # a Decimal, or anything for the check to refuse


def _float_hint(value: object) -> str:
    """The hint for a float: write the number as a ``Decimal`` from a string."""
    if isinstance(value, float):
        return f" (floats are inexact; write Decimal('{value!r}'))"
    return ""


def _is_number(value: object) -> bool:
    """Whether ``value`` is a ``Decimal`` or an ``int`` (not a ``bool``)."""
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def _decimal_problem(value: object) -> str | None:
    """Say why ``value`` is not a finite ``Decimal`` of at most 28 places, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, Decimal):
        return f"must be a Decimal or an int, not {_type_name(value)}{_float_hint(value)}"
    if not value.is_finite():
        return f"must be a finite number, not {value}"
    places = -int(value.as_tuple().exponent)
    if places > _MAX_PLACES:
        return (
            f"has {places} decimal places, more than {_MAX_PLACES}; round it first, e.g. "
            "with .quantize(Decimal('0.0001'))"
        )
    return None


def _decimal_in(
    low: Decimal,
    high: Decimal,
    *,
    low_open: bool = False,
    places: int | None = None,
) -> _Validator:
    """Check a finite ``Decimal`` from ``low`` to ``high`` (``low`` excluded if ``low_open``)."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        problem = _decimal_problem(value)
        if problem is not None:
            _fail(instance, attribute.name, problem)
        number = cast("Decimal", value)  # checked just above
        if number < low or (low_open and number == low) or number > high:
            lower = f"more than {low}" if low_open else f"at least {low}"
            _fail(instance, attribute.name, f"must be {lower} and at most {high}, not {number}")
        if places is not None and -int(number.as_tuple().exponent) > places:
            _fail(
                instance,
                attribute.name,
                f"must have at most {places} decimal places, not {number}",
            )

    return validate


def _ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal:
    """``min(1, numerator / denominator)`` to INTENSITY_PLACES places, half to even.

    Exact: the quotient is computed as a whole number of units with its remainder,
    and the remainder decides the rounding. ``denominator`` is more than zero.
    """
    if numerator >= denominator:
        return _ONE
    return _rounded_ratio(numerator, denominator)


def _rounded_ratio(numerator: int | Decimal, denominator: int | Decimal) -> Decimal:
    """``numerator / denominator`` to INTENSITY_PLACES places, half to even (exact)."""
    if type(numerator) is int and type(denominator) is int:
        return _int_ratio(numerator, denominator)
    whole, remainder = _divmod(_multiply(numerator, _INTENSITY_UNIT), denominator)
    return _rounded_units(int(whole), _add(remainder, remainder), denominator)


@functools.lru_cache(maxsize=4096)
def _int_ratio(numerator: int, denominator: int) -> Decimal:
    """:func:`_rounded_ratio` of two ints; counts and days repeat, so it is cached."""
    units, rest = divmod(numerator * _INTENSITY_UNIT, denominator)
    return _rounded_units(units, rest + rest, denominator)


def _rounded_units(units: int, twice: int | Decimal, denominator: int | Decimal) -> Decimal:
    """``units`` of INTENSITY_PLACES, plus one when twice the remainder says so (half even)."""
    if twice > denominator or (twice == denominator and units % 2):
        units += 1
    return Decimal(units).scaleb(-INTENSITY_PLACES, _EXACT)


def _band(intensity: Decimal) -> int:
    """:func:`likelihood_band` of a valid intensity, on five levels, unchecked."""
    return min(5, 1 + int(_multiply(intensity, 5)))


def likelihood_band(intensity: Decimal | int, levels: int = 5) -> int:
    """Return the likelihood rating of an ``intensity``: ``levels`` equal bands of 0 to 1.

    The rating is ``1 + floor(intensity x levels)``, at most ``levels``: with five
    levels, 0 to below 0.2 is 1, 0.2 to below 0.4 is 2, and so on up to 0.8 to 1,
    which is 5. The built-in points rate their likelihood this way; use it in your
    own points to rate alike.

    Args:
        intensity: a :class:`~decimal.Decimal` (or an ``int``) from 0 to 1.
        levels: the number of likelihood levels, 1 or more.

    Returns:
        The rating, from 1 to ``levels``.

    Raises:
        ArgumentTypeError: ``intensity`` is not a ``Decimal`` or an ``int``, or
            ``levels`` not an ``int``.
        InvalidField: ``intensity`` is not from 0 to 1, or ``levels`` below 1.

    >>> from decimal import Decimal
    >>> [likelihood_band(Decimal(x)) for x in ("0", "0.1999", "0.2", "0.75", "0.8", "1")]
    [1, 1, 2, 4, 5, 5]
    >>> likelihood_band(Decimal("0.5"), levels=3)
    2
    """
    if not _is_number(intensity):
        _wrong_type(intensity, "likelihood_band(intensity)", "a Decimal or an int")
    if not _is_plain_int(levels):
        _wrong_type(levels, "likelihood_band(levels)", "an int")
    value = _as_decimal(intensity)
    if not value.is_finite() or not _ZERO <= value <= 1:
        raise InvalidField("likelihood_band", "intensity", f"must be from 0 to 1, not {value}")
    if levels < 1:
        raise InvalidField("likelihood_band", "levels", f"must be at least 1, not {levels}")
    return min(levels, 1 + int(_multiply(value, levels)))


# --------------------------------------------------------------------------- levels


@enum.unique
class RiskLevel(ShortReprEnum):
    """A risk level; members compare by rank, so ``max()`` gives the highest.

    The level is what later steps act on: the measures of :data:`DEFAULT_MEASURES`,
    and the approval authority an approval workflow picks.

    Attributes:
        LOW: streamlined processing, with continued monitoring.
        MEDIUM: closer process monitoring, periodic re-checks and data sampling.
        HIGH: stricter underwriting, identity verification and a full data review.

    >>> RiskLevel.LOW < RiskLevel.MEDIUM < RiskLevel.HIGH
    True
    >>> max([RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.LOW])
    RiskLevel.HIGH
    >>> RiskLevel("medium").rank
    1
    """

    _rank: int

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    def __init__(self, value: str) -> None:
        self._rank = ("low", "medium", "high").index(value)

    @property
    def rank(self) -> int:
        """The level's rank, 0 for ``LOW``, 1 for ``MEDIUM`` and 2 for ``HIGH``."""
        return self._rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self._rank < other._rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self._rank <= other._rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self._rank > other._rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, RiskLevel):
            return NotImplemented
        return self._rank >= other._rank


_LOW: Final = RiskLevel.LOW
_MEDIUM: Final = RiskLevel.MEDIUM
_HIGH: Final = RiskLevel.HIGH


# --------------------------------------------------------------------------- signals


@attrs.frozen
class RiskSignal:
    """What a risk point found: how strongly it is present, and the evidence.

    Args:
        code: a stable code, lower-case words of letters, digits and ``_`` joined by
            dots, as for :class:`~renewal_core.reasons.Reason` (``"risk.lapse"``).
        intensity: how strongly the point is present, a
            :class:`~decimal.Decimal` (or an ``int``) from 0 to 1, where 1 is
            fully; at most 28 decimal places. Floats are refused.
        message: a sentence for people, without personal data.
        likelihood: the likelihood rating for the :class:`RiskMatrix`, from 1;
            ``None`` when the point does not rate (it then counts in the score
            only). Given together with ``impact``.
        impact: the impact rating for the matrix, from 1; ``None`` with
            ``likelihood``.
        details: the values compared, as plain values (numbers, ``Decimal``,
            :class:`~renewal_core.money.Money`, dates, strings), never personal data;
            stored as a read-only mapping.

    Raises:
        InvalidField: a field has the wrong type or is out of range, or only one of
            ``likelihood`` and ``impact`` is given.

    >>> from decimal import Decimal
    >>> signal = RiskSignal(
    ...     "risk.lapse", Decimal("0.4"), "12 days overdue", likelihood=3, impact=3,
    ...     details={"days_overdue": 12},
    ... )
    >>> signal.intensity, signal.details["days_overdue"]
    (Decimal('0.4'), 12)
    >>> RiskSignal("risk.lapse", 0.4, "12 days overdue")
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: RiskSignal.intensity: must be a Decimal or an int, \
not float (floats are inexact; write Decimal('0.4'))
    """

    code: str = attrs.field(validator=_code)
    intensity: Decimal = attrs.field(
        converter=_as_decimal, validator=_decimal_in(_ZERO, Decimal(1))
    )
    message: str = attrs.field(validator=_text())
    likelihood: int | None = attrs.field(default=None, kw_only=True, validator=_optional_rating)
    impact: int | None = attrs.field(default=None, kw_only=True, validator=_optional_rating)
    details: Mapping[str, object] = attrs.field(
        factory=dict, kw_only=True, converter=_read_only, validator=_str_keys, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if (self.likelihood is None) != (self.impact is None):
            _fail(self, "impact", "likelihood and impact are given together or not at all")


def _signal(
    code: str,
    intensity: Decimal,
    message: str,
    impact: int,
    details: dict[str, object],
    *,
    likelihood: int | None = None,
) -> RiskSignal:
    """Build a built-in point's signal, whose fields are valid by construction.

    The likelihood is the :func:`likelihood_band` of the intensity unless given.
    """
    return _new_signal(
        code,
        intensity,
        message,
        _band(intensity) if likelihood is None else likelihood,
        impact,
        MappingProxyType(details),
    )


_new_signal: Final = _maker(
    RiskSignal, "code", "intensity", "message", "likelihood", "impact", "details"
)


@runtime_checkable
class RiskPoint(Protocol):
    """A risk point (风险点): something that may make a renewal riskier.

    Any object with a ``name`` and an ``evaluate`` method is a risk point: the
    built-in points are frozen attrs classes, and :func:`risk_point` turns a plain
    function into one. A point must be pure: it reads the subject and nothing else
    (no clock, no I/O), so an assessment can be repeated and explained.
    """

    @property
    def name(self) -> str:
        """The point's name, unique within a model; lower-case words as in a code."""

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return what the point finds in ``subject``, or ``None`` when it is not present."""


@attrs.frozen
class FunctionPoint:
    """A risk point made from a plain function by :func:`risk_point`.

    Args:
        name: the point's name: lower-case words of letters, digits and ``_`` joined
            by dots.
        function: called with the :class:`~renewal_core.facts.RenewalSubject`;
            returns a :class:`RiskSignal`, or ``None`` when the point is not present.
    """

    name: str = attrs.field(validator=_code)
    function: Callable[[RenewalSubject], RiskSignal | None] = attrs.field(validator=_callable)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return what the function finds in ``subject``."""
        return self.function(subject)


def risk_point(
    name: str,
) -> Callable[[Callable[[RenewalSubject], RiskSignal | None]], FunctionPoint]:
    """Turn a function ``(subject) -> RiskSignal | None`` into a named risk point.

    Args:
        name: the point's name, unique within a model: lower-case words of letters,
            digits and ``_`` joined by dots (``"high_sum_insured"``).

    Returns:
        A decorator that returns a :class:`FunctionPoint`.

    Raises:
        InvalidField: ``name`` is badly formed, or what is decorated is not callable.

    >>> from decimal import Decimal
    >>> @risk_point("young_policy")
    ... def young_policy(subject):
    ...     if subject.policy.renewal_count > 0:
    ...         return None
    ...     return RiskSignal("risk.young_policy", Decimal(1), "first renewal",
    ...                       likelihood=2, impact=2)
    >>> young_policy.name
    'young_policy'
    """
    FunctionPoint(name, lambda subject: None)  # check the name now, not when decorating

    def decorate(function: Callable[[RenewalSubject], RiskSignal | None]) -> FunctionPoint:
        return FunctionPoint(name, function)

    return decorate


# --------------------------------------------------------------------------- built-in points


def _in_look_back(
    subject: RenewalSubject, months: int
) -> tuple[pendulum.Date, tuple[ClaimRecord, ...]]:
    """The day before the look-back's first day, and the counted claims in it."""
    return add_months(subject.as_of, -months), subject.claims_within(months)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@attrs.frozen
class LapseRisk:
    """The policy is about to lapse: a premium is overdue, or the grace period runs.

    Present when ``facts.days_overdue`` is above zero or the policy is in its grace
    period: its status is :attr:`~renewal_core.model.PolicyStatus.IN_GRACE`, or the
    day of the assessment falls in the grace period of its renewal window
    (:meth:`RenewalSubject.renewal_window
    <renewal_core.facts.RenewalSubject.renewal_window>` with ``window_config``), even
    when the host has not updated the status yet.

    * Code: ``risk.lapse``.
    * Intensity: ``min(1, days_overdue / days_for_full)``, rounded to
      :data:`INTENSITY_PLACES` places; in the grace period at least
      ``in_grace_floor`` (which has at most :data:`INTENSITY_PLACES` places).
    * Likelihood: :func:`likelihood_band` of the intensity; impact: ``impact``.
    * Details: ``days_overdue``, ``days_for_full``, ``in_grace``.

    Args:
        days_for_full: the days overdue at which the intensity reaches 1 (30).
        in_grace_floor: the least intensity while the policy is in its grace period
            (``Decimal("0.5")``), from 0 to 1, with at most :data:`INTENSITY_PLACES`
            decimal places.
        window_config: the renewal-window configuration that gives the grace
            period.
        impact: the impact rating (3: a lapse ends the cover and the business).
        name: the point's name in a model (``"lapse"``).
    """

    days_for_full: int = attrs.field(default=30, validator=_positive_int)
    in_grace_floor: Decimal = attrs.field(
        default=Decimal("0.5"),
        kw_only=True,
        converter=_as_decimal,
        validator=_decimal_in(_ZERO, Decimal(1), places=INTENSITY_PLACES),
    )
    window_config: RenewalWindowConfig = attrs.field(
        default=DEFAULT_WINDOW_CONFIG, kw_only=True, validator=_instance_of(RenewalWindowConfig)
    )
    impact: int = attrs.field(default=3, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="lapse", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the lapse signal, or ``None`` when nothing is overdue and no grace runs."""
        days = subject.facts.days_overdue
        in_grace = (
            subject.policy.status is PolicyStatus.IN_GRACE
            or subject.renewal_window(self.window_config).phase(subject.as_of) is WindowPhase.GRACE
        )
        if not days and not in_grace:
            return None
        intensity = _ratio(days, self.days_for_full)
        message = f"{_plural(days, 'day')} overdue"
        if in_grace:
            message += "; the policy is in its grace period"
            intensity = max(intensity, self.in_grace_floor)
        return _signal(
            "risk.lapse",
            intensity,
            message,
            self.impact,
            {"days_overdue": days, "days_for_full": self.days_for_full, "in_grace": in_grace},
        )


@attrs.frozen
class ClaimFrequency:
    """Many claims in the look-back period.

    The look-back is the ``lookback_months`` months that end on the day of the
    check, as :meth:`RenewalSubject.claims_within
    <renewal_core.facts.RenewalSubject.claims_within>` counts them (the same count as
    the eligibility rules'): a claim counts when it occurred after
    ``add_months(as_of, -lookback_months)`` (excluded) and on or before ``as_of``
    (included), and its status is ``OPEN``, ``REOPENED`` or ``CLOSED``
    (:data:`~renewal_core.facts.COUNTED_CLAIM_STATUSES`); ``DECLINED`` and
    ``WITHDRAWN`` claims do not count. With ``as_of`` 2025-03-01 and 36 months,
    claims from 2022-03-02 to 2025-03-01 count.

    * Code: ``risk.claim_frequency``; present when at least one claim counts.
    * Intensity: ``min(1, claims / full_at)``, rounded to :data:`INTENSITY_PLACES`
      places.
    * Likelihood: :func:`likelihood_band` of the intensity; impact: ``impact``.
    * Details: ``claims``, ``full_at``, ``lookback_months``, ``since`` (the day
      before the first day of the look-back).

    Args:
        lookback_months: the months of the look-back (36).
        full_at: the number of claims at which the intensity reaches 1 (4).
        impact: the impact rating (2: frequent small claims weigh less than large
            ones).
        name: the point's name in a model (``"claim_frequency"``).
    """

    lookback_months: int = attrs.field(default=36, validator=_positive_int)
    full_at: int = attrs.field(default=4, validator=_positive_int)
    impact: int = attrs.field(default=2, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="claim_frequency", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the claim frequency signal, or ``None`` when no claim counts."""
        since, claims = _in_look_back(subject, self.lookback_months)
        count = len(claims)
        if not count:
            return None
        intensity = _ratio(count, self.full_at)
        return _signal(
            "risk.claim_frequency",
            intensity,
            f"{_plural(count, 'claim')} in the {self.lookback_months} months to "
            f"{subject.as_of.isoformat()}",
            self.impact,
            {
                "claims": count,
                "full_at": self.full_at,
                "lookback_months": self.lookback_months,
                "since": since,
            },
        )


@attrs.frozen
class ClaimSeverity:
    """Large paid claims in the look-back period, against the premium.

    The look-back and the claims counted are those of :class:`ClaimFrequency`; their
    paid amounts are added up (declined and withdrawn claims, which have normally
    nothing paid, are left out). The loss ratio is the paid total
    over ``facts.earned_premium``, the premium earned over the look-back, when the
    host gives it; otherwise over ``policy.premium``, the current term's premium,
    which overstates the ratio of a look-back longer than a term.

    * Code: ``risk.claim_severity``; present when anything was paid.
    * Intensity: ``min(1, loss ratio / full_at)``, rounded to
      :data:`INTENSITY_PLACES` places. A premium of zero with a paid claim is
      intensity 1 (the ratio is unbounded; ``loss_ratio`` is then ``None``).
    * Likelihood: :func:`likelihood_band` of the intensity; impact: ``impact``.
    * Details: ``paid`` and ``premium`` (:class:`~renewal_core.money.Money`),
      ``premium_basis`` (``"earned_premium"`` or ``"policy_premium"``),
      ``loss_ratio`` (to :data:`INTENSITY_PLACES` places, half to even, or
      ``None``), ``full_at``, ``lookback_months``, ``since``.

    Args:
        lookback_months: the months of the look-back (36).
        full_at: the loss ratio at which the intensity reaches 1
            (``Decimal("1.0")``: claims paid equal to the premium); more than zero.
        impact: the impact rating (4: large losses weigh heavily).
        name: the point's name in a model (``"claim_severity"``).
    """

    lookback_months: int = attrs.field(default=36, validator=_positive_int)
    full_at: Decimal = attrs.field(
        default=Decimal("1.0"),
        converter=_as_decimal,
        validator=_decimal_in(_ZERO, _MAX_FULL_AT, low_open=True),
    )
    impact: int = attrs.field(default=4, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="claim_severity", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the claim severity signal, or ``None`` when nothing was paid."""
        since, claims = _in_look_back(subject, self.lookback_months)
        paid = _ZERO
        for claim in claims:
            paid = _add(paid, claim.paid.amount)
        if not paid:
            return None
        policy = subject.policy
        earned = subject.facts.earned_premium
        premium, basis = (
            (policy.premium, "policy_premium") if earned is None else (earned, "earned_premium")
        )
        base = premium.amount
        if base:
            ratio: Decimal | None = _rounded_ratio(paid, base)
            intensity = _ratio(paid, _multiply(base, self.full_at))
            shown = f"loss ratio {ratio}"
        else:
            ratio, intensity, shown = None, _ONE, "no premium"
        paid_money = _make_money(paid, premium.currency)  # a sum of valid amounts
        return _signal(
            "risk.claim_severity",
            intensity,
            f"claims paid {paid_money} in the {self.lookback_months} months to "
            f"{subject.as_of.isoformat()}; {shown}",
            self.impact,
            {
                "paid": paid_money,
                "premium": premium,
                "premium_basis": basis,
                "loss_ratio": ratio,
                "full_at": self.full_at,
                "lookback_months": self.lookback_months,
                "since": since,
            },
        )


@attrs.frozen
class PaymentDelinquency:
    """A history of late payments and overdue installments.

    * Code: ``risk.payment_delinquency``; present when
      ``facts.late_payments + facts.overdue_installments`` is above zero.
    * Intensity: ``min(1, (late_payments + overdue_installments) / full_at)``,
      rounded to :data:`INTENSITY_PLACES` places.
    * Likelihood: :func:`likelihood_band` of the intensity; impact: ``impact``.
    * Details: ``late_payments``, ``overdue_installments``, ``full_at``.

    Args:
        full_at: the count at which the intensity reaches 1 (3).
        impact: the impact rating (2).
        name: the point's name in a model (``"payment_delinquency"``).
    """

    full_at: int = attrs.field(default=3, validator=_positive_int)
    impact: int = attrs.field(default=2, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="payment_delinquency", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the delinquency signal, or ``None`` when nothing was late or is overdue."""
        facts = subject.facts
        late, overdue = facts.late_payments, facts.overdue_installments
        count = late + overdue
        if not count:
            return None
        intensity = _ratio(count, self.full_at)
        return _signal(
            "risk.payment_delinquency",
            intensity,
            f"{_plural(late, 'late payment')} and {_plural(overdue, 'overdue installment')}",
            self.impact,
            {"late_payments": late, "overdue_installments": overdue, "full_at": self.full_at},
        )


@attrs.frozen
class FraudIndicators:
    """Fraud signals from the host: a fraud flag, or fraud indicators.

    * Code: ``risk.fraud``; present when ``facts.fraud_flag`` is set or
      ``facts.fraud_indicators`` holds a code.
    * Intensity: 1 with the flag; otherwise ``min(1, indicators / full_at)``,
      counting distinct indicator codes, rounded to :data:`INTENSITY_PLACES` places.
    * Likelihood: :func:`likelihood_band` of the intensity; impact: ``impact``
      (with the default 5, any fraud signal is a high risk on the default matrix).
    * Details: ``fraud_flag``, ``indicators`` (the distinct codes, sorted),
      ``full_at``.

    Args:
        full_at: the number of distinct indicators at which the intensity reaches
            1 (2).
        impact: the impact rating (5).
        name: the point's name in a model (``"fraud"``).
    """

    full_at: int = attrs.field(default=2, validator=_positive_int)
    impact: int = attrs.field(default=5, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="fraud", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the fraud signal, or ``None`` when there is no flag and no indicator."""
        facts = subject.facts
        flag = facts.fraud_flag
        indicators = tuple(sorted(set(facts.fraud_indicators)))
        if flag:
            intensity, message = _ONE, "the host's fraud system flagged the case"
        elif indicators:
            count = len(indicators)
            intensity = _ratio(count, self.full_at)
            message = f"{_plural(count, 'fraud indicator')} raised"
        else:
            return None
        return _signal(
            "risk.fraud",
            intensity,
            message,
            self.impact,
            {"fraud_flag": flag, "indicators": indicators, "full_at": self.full_at},
        )


@attrs.frozen
class UnderwriterRating:
    """The qualitative input: an underwriter's likelihood and impact rating.

    * Code: ``risk.underwriter_rating``; present when the facts carry
      ``underwriter_likelihood`` and ``underwriter_impact``.
    * Likelihood and impact: the underwriter's, as given.
    * Intensity: ``(likelihood x impact) / (max_likelihood x max_impact)``, rounded
      to :data:`INTENSITY_PLACES` places.
    * Details: ``likelihood``, ``impact``, ``max_likelihood``, ``max_impact``.

    A rating above the scale of this point, or outside the model's
    :class:`RiskMatrix`, is an error
    (:class:`~renewal_core.errors.InvalidField` naming the field of
    :class:`~renewal_core.facts.RenewalFacts`): fix the rating, or use a larger
    scale and matrix.

    Args:
        max_likelihood: the top of the likelihood scale (5).
        max_impact: the top of the impact scale (5).
        name: the point's name in a model (``"underwriter_rating"``).
    """

    max_likelihood: int = attrs.field(default=5, kw_only=True, validator=_positive_int)
    max_impact: int = attrs.field(default=5, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="underwriter_rating", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the underwriter's rating as a signal, or ``None`` when not rated.

        Raises:
            InvalidField: the rating is above ``max_likelihood`` or ``max_impact``.
        """
        facts = subject.facts
        likelihood, impact = facts.underwriter_likelihood, facts.underwriter_impact
        if likelihood is None or impact is None:
            return None
        for field, rating, top in (
            ("underwriter_likelihood", likelihood, self.max_likelihood),
            ("underwriter_impact", impact, self.max_impact),
        ):
            if rating > top:
                raise InvalidField(
                    "RenewalFacts",
                    field,
                    f"is {rating}, above {top}, the top of the scale of the risk point "
                    f"{self.name!r}; rate from 1 to {top}",
                )
        intensity = _ratio(likelihood * impact, self.max_likelihood * self.max_impact)
        return _signal(
            "risk.underwriter_rating",
            intensity,
            f"underwriter rated likelihood {likelihood} and impact {impact}",
            impact,
            {
                "likelihood": likelihood,
                "impact": impact,
                "max_likelihood": self.max_likelihood,
                "max_impact": self.max_impact,
            },
            likelihood=likelihood,
        )


# --------------------------------------------------------------------------- matrix


def _as_grid(value: Sequence[Sequence[RiskLevel]]) -> tuple[tuple[RiskLevel, ...], ...]:
    """Store a list or tuple of rows as a tuple of tuples; pass anything else on."""
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, list | tuple):
        return tuple(tuple(row) if isinstance(row, list | tuple) else row for row in given)
    return cast("tuple[tuple[RiskLevel, ...], ...]", value)  # refused by _grid


def _grid(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(
            instance, attribute.name, f"must be a list or a tuple of rows, not {_type_name(value)}"
        )
    if not value:
        _fail(instance, attribute.name, "must have at least one row (likelihood 1)")
    for row_index, row in enumerate(value):
        if not isinstance(row, tuple):
            _fail(
                instance,
                f"{attribute.name}[{row_index}]",
                f"must be a list or a tuple of RiskLevel, not {_type_name(row)}",
            )
        if len(row) != len(value[0]):
            _fail(
                instance,
                f"{attribute.name}[{row_index}]",
                f"has {len(row)} levels and row 0 has {len(value[0])}: the matrix must be "
                "rectangular, one level per impact rating in every row",
            )
        if not row:
            _fail(instance, f"{attribute.name}[0]", "must hold at least one level (impact 1)")
        for column, level in enumerate(row):
            if not isinstance(level, RiskLevel):
                _fail(
                    instance,
                    f"{attribute.name}[{row_index}][{column}]",
                    f"must be a RiskLevel, not {_type_name(level)}",
                )
            for before, name in (
                (row[column - 1] if column else None, "impact"),
                (value[row_index - 1][column] if row_index else None, "likelihood"),
            ):
                if before is not None and level < before:
                    _fail(
                        instance,
                        f"{attribute.name}[{row_index}][{column}]",
                        f"is {level!r}, lower than {before!r} at the next lower {name}: a "
                        "higher likelihood or impact must never give a lower level, so "
                        "levels must not decrease along a row or down the rows",
                    )


@attrs.frozen
class RiskMatrix:
    """A likelihood x impact grid of risk levels (the qualitative evaluation).

    ``levels[l - 1][i - 1]`` is the level of likelihood ``l`` and impact ``i``:
    rows are likelihood 1 to ``n``, columns impact 1 to ``m``. The grid must be
    rectangular, non-empty and *monotone*: no level is lower than the level to its
    left or above it. A riskier rating must never give a lower level, or an
    underwriter raising a rating could lower the level, and with it the measures and
    the approval authority.

    Args:
        levels: the rows, a list or tuple of lists or tuples of
            :class:`RiskLevel`; stored as tuples.

    Raises:
        InvalidField: the grid is empty, ragged, holds something else than
            :class:`RiskLevel` members, or decreases somewhere.

    >>> L, M, H = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH
    >>> matrix = RiskMatrix([[L, L, M], [L, M, H], [M, H, H]])
    >>> matrix.level_of(2, 3), matrix.likelihoods, matrix.impacts
    (RiskLevel.HIGH, 3, 3)
    >>> RiskMatrix([[L, M], [L, L]])
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: RiskMatrix.levels[1][1]: is RiskLevel.LOW, lower than \
RiskLevel.MEDIUM at the next lower likelihood: a higher likelihood or impact must never give \
a lower level, so levels must not decrease along a row or down the rows
    """

    levels: tuple[tuple[RiskLevel, ...], ...] = attrs.field(converter=_as_grid, validator=_grid)

    @property
    def likelihoods(self) -> int:
        """The number of likelihood ratings (rows)."""
        return len(self.levels)

    @property
    def impacts(self) -> int:
        """The number of impact ratings (columns)."""
        return len(self.levels[0])

    def level_of(self, likelihood: int, impact: int) -> RiskLevel:
        """Return the level of a likelihood and an impact rating.

        Raises:
            ArgumentTypeError: a rating is not an ``int``.
            InvalidField: a rating is outside the matrix.
        """
        for field, rating, top in (
            ("likelihood", likelihood, len(self.levels)),
            ("impact", impact, len(self.levels[0])),
        ):
            if not _is_plain_int(rating):
                _wrong_type(rating, f"RiskMatrix.level_of({field})", "an int")
            if not 1 <= rating <= top:
                raise InvalidField(
                    "RiskMatrix",
                    field,
                    f"must be from 1 to {top} (the matrix is {len(self.levels)} x "
                    f"{len(self.levels[0])}), not {rating}",
                )
        return self.levels[likelihood - 1][impact - 1]

    @classmethod
    def from_products(
        cls, likelihoods: int = 5, impacts: int = 5, *, medium: int = 5, high: int = 15
    ) -> RiskMatrix:
        """Build a matrix whose level follows the product likelihood x impact.

        A product of ``high`` or more is ``HIGH``, of ``medium`` or more
        ``MEDIUM``, anything lower ``LOW``. Such a matrix is always monotone.

        Args:
            likelihoods: the number of likelihood ratings (rows), 1 or more.
            impacts: the number of impact ratings (columns), 1 or more.
            medium: the least product that is a medium risk, 1 or more.
            high: the least product that is a high risk, at least ``medium``.

        Raises:
            ArgumentTypeError: an argument is not an ``int``.
            InvalidField: an argument is out of its range.

        >>> RiskMatrix.from_products(3, 3, medium=3, high=6).level_of(2, 2)
        RiskLevel.MEDIUM
        """
        for field, value, least in (
            ("likelihoods", likelihoods, 1),
            ("impacts", impacts, 1),
            ("medium", medium, 1),
            ("high", high, medium),
        ):
            if not _is_plain_int(value):
                _wrong_type(value, f"RiskMatrix.from_products({field})", "an int")
            if value < least:
                raise InvalidField("RiskMatrix", field, f"must be at least {least}, not {value}")
        return cls(
            tuple(
                tuple(
                    _HIGH if row * column >= high else _MEDIUM if row * column >= medium else _LOW
                    for column in range(1, impacts + 1)
                )
                for row in range(1, likelihoods + 1)
            )
        )


DEFAULT_MATRIX: Final = RiskMatrix.from_products(5, 5, medium=5, high=15)
"""The default 5 x 5 matrix, by the product likelihood x impact.

A product of 4 or less is ``LOW``, 5 to 12 ``MEDIUM``, 15 or more ``HIGH`` (no
product of two ratings from 1 to 5 falls between 12 and 15). Rows are likelihood,
columns impact:

==========  ======  ======  ======  ======  ======
likelihood  1       2       3       4       5
==========  ======  ======  ======  ======  ======
1           LOW     LOW     LOW     LOW     MEDIUM
2           LOW     LOW     MEDIUM  MEDIUM  MEDIUM
3           LOW     MEDIUM  MEDIUM  MEDIUM  HIGH
4           LOW     MEDIUM  MEDIUM  HIGH    HIGH
5           MEDIUM  MEDIUM  HIGH    HIGH    HIGH
==========  ======  ======  ======  ======  ======
"""


# --------------------------------------------------------------------------- thresholds


_THRESHOLD: Final = _decimal_in(_ZERO, _HUNDRED, low_open=True, places=SCORE_PLACES)


@attrs.frozen
class ScoreThresholds:
    """Where the quantitative score turns into a level.

    A score of ``high`` or more is ``HIGH``, of ``medium`` or more ``MEDIUM``,
    anything lower ``LOW``.

    Args:
        medium: the least medium score (``Decimal(30)``).
        high: the least high score (``Decimal(60)``).

    Both are :class:`~decimal.Decimal` (or ``int``) with ``0 < medium <= high <=
    100`` and at most :data:`SCORE_PLACES` decimal places, so that a rounded score
    is on the same side of a threshold as the exact one.

    Raises:
        InvalidField: a threshold is not a number, out of range or too fine, or
            ``medium`` is above ``high``.

    >>> from decimal import Decimal
    >>> thresholds = ScoreThresholds(medium=Decimal(25), high=Decimal(50))
    >>> thresholds.level_of(Decimal("24.9999")), thresholds.level_of(Decimal(50))
    (RiskLevel.LOW, RiskLevel.HIGH)
    """

    medium: Decimal = attrs.field(default=Decimal(30), converter=_as_decimal, validator=_THRESHOLD)
    high: Decimal = attrs.field(default=Decimal(60), converter=_as_decimal, validator=_THRESHOLD)

    def __attrs_post_init__(self) -> None:
        if self.medium > self.high:
            _fail(self, "high", f"must be at least medium ({self.medium}), not {self.high}")

    def level_of(self, score: Decimal | int) -> RiskLevel:
        """Return the level of a ``score``, a :class:`~decimal.Decimal` or an ``int``.

        Raises:
            ArgumentTypeError: ``score`` is not a ``Decimal`` or an ``int``.
            InvalidField: ``score`` is not finite.
        """
        if type(score) is not Decimal:
            if not _is_number(score):
                _wrong_type(score, "ScoreThresholds.level_of(score)", "a Decimal or an int")
        elif not score.is_finite():
            raise InvalidField("ScoreThresholds", "score", f"must be a finite number, not {score}")
        if score >= self.high:
            return _HIGH
        if score >= self.medium:
            return _MEDIUM
        return _LOW


# --------------------------------------------------------------------------- measures


@attrs.frozen
class Measure:
    """A measure to take at a risk level.

    Args:
        code: a stable code, lower-case words joined by dots
            (``"identity.verify"``).
        description: what to do, for people.
    """

    code: str = attrs.field(validator=_code)
    description: str = attrs.field(validator=_text())


def _as_measures(
    value: Mapping[RiskLevel, Sequence[Measure]],
) -> Mapping[RiskLevel, tuple[Measure, ...]]:
    """Store a mapping of levels to lists or tuples as a read-only mapping of tuples."""
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, Mapping):
        return MappingProxyType(
            {
                level: tuple(items) if isinstance(items, list | tuple) else items
                for level, items in given.items()
            }
        )
    return cast("Mapping[RiskLevel, tuple[Measure, ...]]", value)  # refused by _measures


def _measures(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    name = attribute.name
    if not isinstance(value, Mapping):
        _fail(
            instance, name, f"must be a mapping of RiskLevel to measures, not {_type_name(value)}"
        )
    for key, items in value.items():
        if not isinstance(key, RiskLevel):
            _fail(instance, name, f"keys must be RiskLevel members, not {_type_name(key)}")
        if not isinstance(items, tuple):
            _fail(
                instance, f"{name}[{key!r}]", f"must be a list or a tuple, not {_type_name(items)}"
            )
        for index, item in enumerate(items):
            if not isinstance(item, Measure):
                _fail(
                    instance,
                    f"{name}[{key!r}][{index}]",
                    f"must be a Measure, not {_type_name(item)}",
                )
    missing = [level for level in RiskLevel if level not in value]
    if missing:
        _fail(instance, name, f"has no measures for {missing!r}; give every level, even if empty")


DEFAULT_MEASURES: Final[Mapping[RiskLevel, tuple[Measure, ...]]] = MappingProxyType(
    {
        RiskLevel.HIGH: (
            Measure(
                "underwriting.stricter",
                "Underwrite strictly: a senior underwriter reviews terms, price and cover",
            ),
            Measure(
                "identity.verify",
                "Verify the identity of the holder and the insured against original documents",
            ),
            Measure(
                "data.full_review",
                "Review all application data and documents in full before approval",
            ),
        ),
        RiskLevel.MEDIUM: (
            Measure("process.monitor", "Monitor the case closely through each process step"),
            Measure("recheck.periodic", "Re-check the case's risk periodically during the term"),
            Measure("data.sample", "Include the case's data in sample checks"),
        ),
        RiskLevel.LOW: (
            Measure("processing.streamlined", "Process the renewal on the streamlined path"),
            Measure("monitoring.continued", "Keep the case under routine monitoring"),
        ),
    }
)
"""The measures by level (D4); data that a host can replace in its :class:`RiskModel`.

* ``HIGH``: ``underwriting.stricter``, ``identity.verify``, ``data.full_review``.
* ``MEDIUM``: ``process.monitor``, ``recheck.periodic``, ``data.sample``.
* ``LOW``: ``processing.streamlined``, ``monitoring.continued``.
"""


# --------------------------------------------------------------------------- model


def _point(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, RiskPoint):
        _fail(
            instance,
            attribute.name,
            f"must be a risk point (with a name and an evaluate method), not "
            f"{_type_name(value)}; write a function with @risk_point(name) for your own",
        )
    name: object = value.name
    if not isinstance(name, str):
        _fail(instance, f"{attribute.name}.name", f"must be a str, not {_type_name(name)}")
    if _CODE.fullmatch(name) is None:
        _fail(
            instance,
            f"{attribute.name}.name",
            "must be lower-case words of letters, digits and '_' joined by dots, such as "
            f"'claim_frequency', not {name[:60]!r}",
        )


@attrs.frozen
class WeightedPoint:
    """A risk point and its weight in a :class:`RiskModel`'s score.

    Args:
        point: a :class:`RiskPoint`.
        weight: a :class:`~decimal.Decimal` or ``int`` from 0 to 1,000,000 (at most
            28 decimal places); a point of weight 0 counts in the matrix only.

    Raises:
        InvalidField: ``point`` is not a risk point (or its name is badly formed), or
            ``weight`` is not a number in range.
    """

    point: RiskPoint = attrs.field(validator=_point)
    weight: Decimal = attrs.field(converter=_as_decimal, validator=_decimal_in(_ZERO, _MAX_WEIGHT))


def _weighted_points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    if not value:
        _fail(instance, attribute.name, "must hold at least one WeightedPoint")
    seen: set[str] = set()
    for index, item in enumerate(value):
        field = f"{attribute.name}[{index}]"
        if not isinstance(item, WeightedPoint):
            _fail(
                instance,
                field,
                f"must be a WeightedPoint, not {_type_name(item)}; wrap a point with its "
                "weight: WeightedPoint(point, Decimal(10))",
            )
        name = item.point.name
        if name in seen:
            _fail(instance, field, f"repeats the point name {name!r}; give each point its own")
        seen.add(name)


@attrs.frozen
class RiskModel:
    """The points of an assessment, their weights, and how scores become levels.

    Args:
        points: the :class:`WeightedPoint` objects, at least one, with distinct
            point names; a list or a tuple, stored as a tuple. Their order is the
            order of the assessment's contributions. When every weight is 0, every
            score is 0 and the matrix alone can raise the level.
        thresholds: the :class:`ScoreThresholds` of the score.
        matrix: the :class:`RiskMatrix` of the likelihood and impact ratings; it
            must hold every rating the points give.
        measures: the :class:`Measure` tuples for each :class:`RiskLevel`
            (:data:`DEFAULT_MEASURES`); a mapping with every level, stored
            read-only.

    Raises:
        InvalidField: a field has the wrong type, or two points share a name.

    >>> from decimal import Decimal
    >>> model = RiskModel([WeightedPoint(LapseRisk(), 3), WeightedPoint(FraudIndicators(), 1)])
    >>> [(w.point.name, w.weight) for w in model.points]
    [('lapse', Decimal('3')), ('fraud', Decimal('1'))]
    >>> model.total_weight
    Decimal('4')
    """

    points: tuple[WeightedPoint, ...] = attrs.field(
        converter=_as_tuple, validator=_weighted_points
    )
    thresholds: ScoreThresholds = attrs.field(
        factory=ScoreThresholds, kw_only=True, validator=_instance_of(ScoreThresholds)
    )
    matrix: RiskMatrix = attrs.field(
        default=DEFAULT_MATRIX, kw_only=True, validator=_instance_of(RiskMatrix)
    )
    measures: Mapping[RiskLevel, tuple[Measure, ...]] = attrs.field(
        default=DEFAULT_MEASURES,
        kw_only=True,
        converter=_as_measures,
        validator=_measures,
        hash=False,
    )
    _total: Decimal = attrs.field(init=False, repr=False, eq=False)
    _factors: tuple[Decimal, ...] | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        total = _ZERO
        for weighted in self.points:
            total = _add(total, weighted.weight)
        object.__setattr__(self, "_total", total)
        # Each point's score per unit of intensity, 100 x weight / total, when it is
        # exact (as when the weights add up to 100): the score is then found without
        # integer division. None sends every assessment through the general path.
        factors: tuple[Decimal, ...] | None = None
        if total:
            try:
                factors = tuple(
                    _FACTOR.divide(_multiply(_HUNDRED, weighted.weight), total)
                    for weighted in self.points
                )
            except decimal.Inexact:
                factors = None
        object.__setattr__(self, "_factors", factors)

    @property
    def total_weight(self) -> Decimal:
        """The sum of the points' weights, the score's denominator."""
        return self._total

    def with_point(self, point: RiskPoint, weight: Decimal | int) -> RiskModel:
        """Return a copy of the model with ``point`` added last, at ``weight``.

        Raises:
            InvalidField: the point or weight is not valid, or the name is taken.
        """
        return attrs.evolve(self, points=(*self.points, WeightedPoint(point, weight)))


@attrs.frozen
class CustomerInformation:
    """Inaccurate or incomplete customer information, found by the material review (D2.2).

    * Code: ``risk.customer_information``; present when the review of the
      customer's data (:meth:`RenewalSubject.review_materials
      <renewal_core.facts.RenewalSubject.review_materials>`: the application's
      materials when the host gave them, else the policy's party data) finds items
      missing or invalid.
    * Intensity: ``min(1, (missing + invalid) / full_at)``, rounded to
      :data:`INTENSITY_PLACES` places.
    * Likelihood: :func:`likelihood_band` of the intensity; impact: ``impact``.
    * Details: ``missing`` and ``invalid`` (the item keys, never their values),
      ``full_at``.

    Args:
        checklists: the material checklists by product and line of business.
        full_at: the number of missing or invalid items at which the intensity
            reaches 1 (2).
        impact: the impact rating (3).
        name: the point's name in a model (``"customer_information"``).
    """

    checklists: MaterialChecklists = attrs.field(
        default=DEFAULT_CHECKLISTS, validator=_instance_of(MaterialChecklists)
    )
    full_at: int = attrs.field(default=2, kw_only=True, validator=_positive_int)
    impact: int = attrs.field(default=3, kw_only=True, validator=_positive_int)
    name: str = attrs.field(default="customer_information", kw_only=True, validator=_code)

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        """Return the signal, or ``None`` when nothing is missing or invalid."""
        review = subject.review_materials(self.checklists)
        missing = review.missing
        invalid = tuple(key for key, _ in review.invalid)
        count = len(missing) + len(invalid)
        if not count:
            return None
        return _signal(
            "risk.customer_information",
            _ratio(count, self.full_at),
            f"{_plural(len(missing), 'item')} of customer data missing and {len(invalid)} invalid",
            self.impact,
            {"missing": missing, "invalid": invalid, "full_at": self.full_at},
        )


DEFAULT_RISK_MODEL: Final = RiskModel(
    (
        WeightedPoint(CustomerInformation(), 10),
        WeightedPoint(LapseRisk(), 15),
        WeightedPoint(ClaimFrequency(), 15),
        WeightedPoint(ClaimSeverity(), 15),
        WeightedPoint(PaymentDelinquency(), 15),
        WeightedPoint(FraudIndicators(), 20),
        WeightedPoint(UnderwriterRating(), 10),
    )
)
"""The default model, with the built-in points at their default settings.

Their weights:

========================  ======
point                     weight
========================  ======
``customer_information``  10
``lapse``                 15
``claim_frequency``       15
``claim_severity``        15
``payment_delinquency``   15
``fraud``                 20
``underwriter_rating``    10
========================  ======

The weights add up to 100, so a point's contribution is its weight times its
intensity and every score is exact. Thresholds 30 and 60, :data:`DEFAULT_MATRIX`,
:data:`DEFAULT_MEASURES`.
"""


# --------------------------------------------------------------------------- assessment


@attrs.frozen
class RiskContribution:
    """One present point's part of an assessment.

    Attributes:
        point: the point's name in the model.
        code: the signal's code.
        weight: the point's weight in the model.
        intensity: the signal's intensity.
        points: the point's share of the score, to :data:`SCORE_PLACES` places; the
            shares of an assessment add up to its score exactly.
        likelihood: the signal's likelihood rating, or ``None``.
        impact: the signal's impact rating, or ``None``.
        matrix_level: the matrix level of the rating, or ``None`` without one.
        message: the signal's message.
        details: the signal's details.
    """

    point: str
    code: str
    weight: Decimal
    intensity: Decimal
    points: Decimal
    likelihood: int | None
    impact: int | None
    matrix_level: RiskLevel | None
    message: str
    details: Mapping[str, object] = attrs.field(hash=False)


def _by_points(contribution: RiskContribution) -> Decimal:
    return contribution.points


@attrs.frozen
class RiskAssessment:
    """The outcome of :func:`assess_risk`: the score, the levels and their explanation.

    Attributes:
        as_of: the day of the assessment, in the policy's time zone.
        score: the quantitative score, from 0 to 100, to :data:`SCORE_PLACES` places.
        level: the assessment's level: the higher of ``score_level`` and
            ``matrix_level``.
        score_level: the level of the score under the model's thresholds.
        matrix_level: the highest matrix level among the rated signals, or
            ``None`` when no present signal gives a rating.
        contributions: a :class:`RiskContribution` for each present point, in the
            model's order; their points add up to ``score``.
        measures: the model's measures for ``level``.
    """

    as_of: pendulum.Date
    score: Decimal
    level: RiskLevel
    score_level: RiskLevel
    matrix_level: RiskLevel | None
    contributions: tuple[RiskContribution, ...]
    measures: tuple[Measure, ...]

    def ranked(self) -> tuple[RiskContribution, ...]:
        """Return the contributions by points, largest first (ties in model order)."""
        return tuple(sorted(self.contributions, key=_by_points, reverse=True))

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the present signals, in model order."""
        return tuple(contribution.code for contribution in self.contributions)


def _out_of_matrix(point: RiskPoint, signal: RiskSignal, matrix: RiskMatrix) -> NoReturn:
    rows, columns = matrix.likelihoods, matrix.impacts
    if isinstance(point, UnderwriterRating):
        field, rating, top = (
            ("underwriter_likelihood", signal.likelihood, rows)
            if signal.likelihood is not None and signal.likelihood > rows
            else ("underwriter_impact", signal.impact, columns)
        )
        raise InvalidField(
            "RenewalFacts",
            field,
            f"is {rating}, outside the model's {rows} x {columns} risk matrix; rate from 1 "
            f"to {top} or use a larger matrix",
        )
    raise InvalidField(
        "RiskModel",
        "matrix",
        f"the point {point.name!r} rated likelihood {signal.likelihood} and impact "
        f"{signal.impact}, outside this {rows} x {columns} matrix; use a matrix with at "
        f"least {signal.likelihood} likelihood and {signal.impact} impact ratings, or "
        "configure the point to rate within it",
    )


def assess_subject(
    subject: RenewalSubject, model: RiskModel = DEFAULT_RISK_MODEL
) -> RiskAssessment:
    """Assess the risk of a ready :class:`~renewal_core.facts.RenewalSubject`.

    The lower-level entry of :func:`assess_risk`, for hosts that already built the
    subject (to run eligibility rules on it too, for example).

    Raises:
        ArgumentTypeError: ``subject`` or ``model`` has the wrong type.
        InvalidField: a point returned something else than a :class:`RiskSignal` or
            ``None``, or a signal's rating is outside the model's matrix.
    """
    if type(subject) is not RenewalSubject and not isinstance(subject, RenewalSubject):
        _wrong_type(subject, "assess_subject(subject)", "a RenewalSubject")
    if type(model) is not RiskModel and not isinstance(model, RiskModel):
        _wrong_type(model, "assess_subject(model)", "a RiskModel")
    matrix = model.matrix
    grid = matrix.levels
    rows, columns = len(grid), len(grid[0])
    present: list[tuple[WeightedPoint, RiskSignal, RiskLevel | None]] = []
    terms: list[tuple[int, Decimal]] = []
    matrix_level: RiskLevel | None = None
    for index, weighted in enumerate(model.points):
        point = weighted.point
        signal = point.evaluate(subject)
        if signal is None:
            continue
        if type(signal) is not RiskSignal and not isinstance(signal, RiskSignal):
            raise InvalidField(
                "RiskModel",
                f"points[{index}]",
                f"the point {point.name!r} returned {_type_name(signal)}; return a "
                "RiskSignal when the point is present and None when it is not",
            )
        likelihood, impact = signal.likelihood, signal.impact
        level: RiskLevel | None = None
        if likelihood is not None and impact is not None:
            if likelihood > rows or impact > columns:
                _out_of_matrix(point, signal, matrix)
            level = grid[likelihood - 1][impact - 1]
            if matrix_level is None or level._rank > matrix_level._rank:
                matrix_level = level
        present.append((weighted, signal, level))
        terms.append((index, signal.intensity))
    score, shares = _score(model, terms)
    score_level = model.thresholds.level_of(score)
    overall = (
        score_level
        if matrix_level is None or score_level._rank >= matrix_level._rank
        else matrix_level
    )
    contributions = tuple(
        RiskContribution(
            weighted.point.name,
            signal.code,
            weighted.weight,
            signal.intensity,
            share,
            signal.likelihood,
            signal.impact,
            level,
            signal.message,
            signal.details,
        )
        for (weighted, signal, level), share in zip(present, shares, strict=True)
    )
    return RiskAssessment(
        subject.as_of,
        score,
        overall,
        score_level,
        matrix_level,
        contributions,
        model.measures[overall],
    )


def _score(model: RiskModel, terms: list[tuple[int, Decimal]]) -> tuple[Decimal, list[Decimal]]:
    """The score and each present point's share of it, to SCORE_PLACES places.

    ``terms`` are the index in the model and the intensity of each present point.
    The score is ``floor(100 x sum(weight x intensity) / total_weight)`` in units of
    ``10**-SCORE_PLACES``; each share is its exact part rounded down, and the units
    left over go to the largest remainders (earlier terms first on ties). When every
    share is exact to SCORE_PLACES places, the shares and their sum are the answer.
    """
    factors = model._factors
    if factors is not None:
        try:
            shares = [
                _quantize(_multiply(factors[i], intensity), _SCORE_QUANTUM)
                for i, intensity in terms
            ]
        except decimal.Inexact:
            pass  # a share needs more places: the general path rounds and allocates
        else:
            score = _ZERO_SCORE
            for share in shares:
                score = _add(score, share)
            return score, shares
    total_weight = model._total
    if not total_weight:
        return _ZERO_SCORE, [_ZERO_SCORE] * len(terms)
    points = model.points
    scaled = [
        _multiply(_multiply(points[i].weight, intensity), _HUNDRED * _SCORE_UNIT)
        for i, intensity in terms
    ]
    numerator = _ZERO
    units: list[int] = []
    remainders: list[Decimal] = []
    for value in scaled:
        numerator = _add(numerator, value)
        whole, rest = _divmod(value, total_weight)
        units.append(int(whole))
        remainders.append(rest)
    total = int(_divide_int(numerator, total_weight))
    left = total - sum(units)
    if left:
        # Largest remainder first; the sort is stable, so ties keep model order.
        order = sorted(range(len(units)), key=remainders.__getitem__, reverse=True)
        for index in order[:left]:
            units[index] += 1
    return _from_units(total), [_from_units(unit) for unit in units]


def _from_units(units: int) -> Decimal:
    return Decimal(units).scaleb(-SCORE_PLACES, _EXACT)


def assess_risk(
    policy: Policy,
    model: RiskModel = DEFAULT_RISK_MODEL,
    *,
    as_of: dt.date | dt.datetime,
    context: RenewalFacts | None = None,
) -> RiskAssessment:
    """Assess the risk of renewing ``policy`` on ``as_of`` under ``model``.

    Args:
        policy: the policy in its current term.
        model: the :class:`RiskModel` (:data:`DEFAULT_RISK_MODEL`).
        as_of: the day of the assessment, a date, or an aware datetime taken as its
            day in the policy's time zone.
        context: the host's :class:`~renewal_core.facts.RenewalFacts`; ``None``
            means no facts beyond the policy.

    Returns:
        A :class:`RiskAssessment`.

    Raises:
        ArgumentTypeError: ``model`` is not a :class:`RiskModel`.
        InvalidField: see :func:`assess_subject`, and for a bad policy or facts.
        NaiveDateTimeError: ``as_of`` is a datetime without a time zone.
        DateTypeError: ``as_of`` is neither a date nor a datetime.
        CurrencyMismatch: an amount of ``context`` is not in the policy's currency.
    """
    return assess_subject(RenewalSubject.of(policy, as_of, context), model)
