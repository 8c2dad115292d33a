"""Quality-customer screening (D3): explicit criteria, a score, a tier and its reasons.

An insurer keeps and grows its best customers by knowing who they are, by criteria
anyone can read. :func:`screen` scores a :class:`CustomerProfile` under
:class:`TierCriteria`, in the manner of an RFM (recency, frequency, monetary)
analysis extended with tenure, claims and payment behaviour, and answers with a
:class:`TierAssessment`: the :class:`Tier` (VIP, key, regular, at risk), the score,
and one :class:`~renewal_core.reasons.Reason` per criterion saying what was
measured, which band it fell in, and what it added to the score.

**The criteria** (:class:`Criterion`) measure, on the day ``as_of``:

====================  ==========================================================
criterion             measure (better when)
====================  ==========================================================
``RECENCY``           days since the last purchase (fewer)
``FREQUENCY``         purchases over the customer's tenure, renewals included (more)
``MONETARY``          the annual premium (more)
``TENURE``            whole years as a customer (more)
``CLAIMS``            claims in the last ``claim_years`` years (fewer)
``PAYMENT``           late payments in the last ``payment_years`` years (fewer)
====================  ==========================================================

**The score.** Each :class:`CriterionRule` turns its measure into points from 0 to
100 through :class:`Band` values (the band with the highest ``at_least`` not above
the measure), and carries a weight. The score is the weighted mean of the points,
``sum(weight x points) / sum(weight)``, from 0 to 100, given to
:data:`TIER_SCORE_PLACES` places *rounded down*, so that it reaches a threshold
exactly when the exact score does; each criterion's ``contribution`` is its exact
share ``weight x points / sum(weight)``, rounded down with the units left over given
to the largest remainders (the earlier criterion on ties), so the contributions add
up to the score exactly. :class:`TierThresholds` turn the score into the tier.

Bands must rise in points where more is better and fall where less is better, so a
better measure never lowers the tier.

>>> import pendulum
>>> from renewal_core.money import Money
>>> profile = CustomerProfile(
...     "C-1001",
...     purchases=7,
...     annual_premium=Money("12000.00", "CNY"),
...     customer_since=pendulum.date(2019, 5, 10),
...     last_purchase=pendulum.date(2025, 1, 20),
...     claims=[pendulum.date(2024, 7, 1)],
...     time_zone="Asia/Shanghai",
... )
>>> assessment = screen(profile, as_of=pendulum.date(2025, 3, 1))
>>> assessment.tier, assessment.score
(Tier.VIP, Decimal('89.0000'))
>>> [(c.criterion.value, c.points, c.contribution) for c in assessment.criteria]
[('recency', 100, Decimal('15.0000')), ('frequency', 100, Decimal('20.0000')),
 ('monetary', 80, Decimal('20.0000')), ('tenure', 80, Decimal('12.0000')),
 ('claims', 70, Decimal('7.0000')), ('payment', 100, Decimal('15.0000'))]
>>> print(assessment.reasons[3].message)
5 whole years as a customer: 80 points (the band from 5); weight 15, 12.0000 points of the score

The cultivation plan of each tier is data too: :data:`DEFAULT_CULTIVATION_PLANS`.

>>> [benefit.code for benefit in DEFAULT_CULTIVATION_PLANS.plan_for(Tier.VIP).benefits]
['vip_service_line', 'dedicated_agent', 'priority_handling', 'renewal_discount', 'annual_review']
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _as_tuple,
    _count,
    _day,
    _fail,
    _instance_of,
    _items,
    _member_of,
    _money,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import CurrencyMismatch, InvalidField
from renewal_core.model import Channel, Party, _time_zone, _zone_name
from renewal_core.money import Money
from renewal_core.periods import _to_date, add_months, anniversary
from renewal_core.reasons import Reason, Severity, _code, _reason
from renewal_core.risk import _as_decimal

__all__ = [
    "DEFAULT_CULTIVATION_PLANS",
    "DEFAULT_TIER_CRITERIA",
    "TIER_SCORE_PLACES",
    "Band",
    "Benefit",
    "Criterion",
    "CriterionRule",
    "CriterionScore",
    "CultivationPlan",
    "CultivationPlans",
    "CustomerProfile",
    "Tier",
    "TierAssessment",
    "TierCriteria",
    "TierThresholds",
    "screen",
]

TIER_SCORE_PLACES: Final = 4
"""Decimal places of a tier score and of each criterion's contribution (rounded down)."""

_UNIT: Final = 10**TIER_SCORE_PLACES
_QUANTUM: Final = Decimal(1).scaleb(-TIER_SCORE_PLACES)
_RULE: Final = "tier_screening"
_MAX_POINTS: Final = 100


@enum.unique
class Tier(ShortReprEnum):
    """A customer tier, from the most valuable to the one most at risk of leaving.

    Attributes:
        VIP: the most valuable customers, kept with the most care.
        KEY: valuable customers, to grow towards VIP.
        REGULAR: customers kept satisfied with the standard service.
        AT_RISK: customers likely to leave, to win back.

    >>> sorted([Tier.REGULAR, Tier.VIP, Tier.AT_RISK], key=lambda tier: tier.rank)
    [Tier.AT_RISK, Tier.REGULAR, Tier.VIP]
    """

    VIP = "vip"
    KEY = "key"
    REGULAR = "regular"
    AT_RISK = "at_risk"

    @property
    def rank(self) -> int:
        """Rank of the tier, 3 for ``VIP``, 2 ``KEY``, 1 ``REGULAR`` and 0 ``AT_RISK``."""
        return _RANKS[self]


_RANKS: Final = {Tier.VIP: 3, Tier.KEY: 2, Tier.REGULAR: 1, Tier.AT_RISK: 0}


@enum.unique
class Criterion(ShortReprEnum):
    """What a :class:`CriterionRule` measures (see the table in the module's text).

    Attributes:
        RECENCY: days since the last purchase; fewer is better.
        FREQUENCY: purchases over the customer's tenure, renewals included; more is
            better.
        MONETARY: the annual premium, a :class:`~renewal_core.money.Money`; more is
            better.
        TENURE: whole years as a customer; more is better.
        CLAIMS: claims in the last ``claim_years`` years; fewer is better.
        PAYMENT: late payments in the last ``payment_years`` years; fewer is better.
    """

    RECENCY = "recency"
    FREQUENCY = "frequency"
    MONETARY = "monetary"
    TENURE = "tenure"
    CLAIMS = "claims"
    PAYMENT = "payment"

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger measure is better (frequency, monetary, tenure)."""
        return self in _HIGHER_IS_BETTER


_HIGHER_IS_BETTER: Final = frozenset({Criterion.FREQUENCY, Criterion.MONETARY, Criterion.TENURE})


# --------------------------------------------------------------------------- profile


def _as_days(value: Sequence[dt.date]) -> tuple[pendulum.Date, ...]:
    """Store a list or tuple of days as a tuple of :class:`pendulum.Date`.

    A converter: what is not a day is kept, for the validator to refuse.
    """
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, list | tuple):
        return tuple(_as_day(day) for day in given)
    return cast("tuple[pendulum.Date, ...]", value)


def _days(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(
            instance, attribute.name, f"must be a list or a tuple of days, not {_type_name(value)}"
        )
    for index, day in enumerate(value):
        _to_date(day, f"{type(instance).__name__}.{attribute.name}[{index}]")


@attrs.frozen
class CustomerProfile:
    """What tier screening and follow-up scheduling know of a customer.

    Args:
        customer_id: the host's id of the customer (a party id, not a name or an
            ID number).
        purchases: policies bought over the customer's tenure, each renewal
            counting as a purchase; an ``int`` of at least 0.
        annual_premium: the premium of the customer's policies in force, for a
            year; not negative, in whole minor units.
        customer_since: the day of the first purchase.
        last_purchase: the day of the latest purchase or renewal, not before
            ``customer_since``.
        claims: the days of the customer's claims (a list or a tuple; a day may
            repeat).
        late_payments: the due days of the payments made late or missed.
        time_zone: the customer's IANA time zone (``"Asia/Shanghai"``), in which
            follow-ups are planned; a ``pendulum.Timezone`` or ``zoneinfo.ZoneInfo``
            is stored as its name.
        preferred_channels: the channels the customer wants to be contacted
            through, most preferred first, without repeats.

    A :class:`datetime.date` is turned into a :class:`pendulum.Date`; a datetime is
    refused (:class:`~renewal_core.errors.DateTypeError`). Build a profile from a
    :class:`~renewal_core.model.Party` with :meth:`from_party`.

    Raises:
        InvalidField: a field has the wrong type or value.
        DateTypeError: a day is not a date.
        UnknownTimeZone: ``time_zone`` is not an IANA zone.

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> CustomerProfile(
    ...     "C-1", 1, Money("800.00", "CNY"), pendulum.date(2025, 1, 1), pendulum.date(2024, 1, 1),
    ...     time_zone="Asia/Shanghai",
    ... )
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: CustomerProfile.last_purchase: 2024-01-01 is before \
customer_since 2025-01-01
    """

    customer_id: str = attrs.field(validator=_text())
    purchases: int = attrs.field(validator=_count)
    annual_premium: Money = attrs.field(validator=_money())
    customer_since: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    last_purchase: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    claims: tuple[pendulum.Date, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_days, validator=_days
    )
    late_payments: tuple[pendulum.Date, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_days, validator=_days
    )
    time_zone: str = attrs.field(kw_only=True, converter=_zone_name, validator=_time_zone)
    preferred_channels: tuple[Channel, ...] = attrs.field(
        default=(),
        kw_only=True,
        converter=_as_tuple,
        validator=_items(Channel, lambda channel: channel, "channel"),
    )

    def __attrs_post_init__(self) -> None:
        if self.last_purchase < self.customer_since:
            _fail(
                self,
                "last_purchase",
                f"{self.last_purchase} is before customer_since {self.customer_since}",
            )

    @classmethod
    def from_party(
        cls,
        party: Party,
        *,
        purchases: int,
        annual_premium: Money,
        customer_since: dt.date,
        last_purchase: dt.date,
        claims: Sequence[dt.date] = (),
        late_payments: Sequence[dt.date] = (),
    ) -> CustomerProfile:
        """Build the profile of ``party``: its id, time zone and preferred channels.

        Raises:
            ArgumentTypeError: ``party`` is not a :class:`~renewal_core.model.Party`.
            InvalidField: the party has no time zone, or a field is refused as in
                the class.
        """
        if not isinstance(party, Party):
            _wrong_type(party, "CustomerProfile.from_party(party)", "a Party")
        if party.time_zone is None:
            raise InvalidField(
                "CustomerProfile",
                "time_zone",
                "the party has no time_zone; set Party.time_zone, or build the profile "
                "with its zone",
            )
        return cls(
            party.party_id,
            purchases,
            annual_premium,
            customer_since,
            last_purchase,
            claims=tuple(claims),
            late_payments=tuple(late_payments),
            time_zone=party.time_zone,
            preferred_channels=party.preferred_channels,
        )


# --------------------------------------------------------------------------- criteria


def _band_bound(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Money):
        _money()(instance, attribute, value)
        return
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(
            instance,
            attribute.name,
            f"must be an int (a count, days or years) or a Money, not {_type_name(value)}",
        )
    if value < 0:
        _fail(instance, attribute.name, f"must not be negative, not {value}")


def _points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if not 0 <= value <= _MAX_POINTS:
        _fail(instance, attribute.name, f"must be from 0 to {_MAX_POINTS}, not {value}")


@attrs.frozen
class Band:
    """A scoring band: a measure of at least ``at_least`` earns ``points``.

    Args:
        at_least: the least measure in the band: an ``int`` of at least 0 (a count,
            days or years), or a :class:`~renewal_core.money.Money` for the monetary
            criterion.
        points: the points earned, an ``int`` from 0 to 100.

    >>> Band(5, 80)
    Band(at_least=5, points=80)
    """

    at_least: int | Money = attrs.field(validator=_band_bound)
    points: int = attrs.field(validator=_points)


def _weight(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Decimal):
        hint = " (floats are inexact; write Decimal('...'))" if isinstance(value, float) else ""
        _fail(
            instance, attribute.name, f"must be a Decimal or an int, not {_type_name(value)}{hint}"
        )
    if not value.is_finite() or value < 0:
        _fail(instance, attribute.name, f"must be a finite number of at least 0, not {value}")


def _is_zero(bound: int | Money) -> bool:
    return bound.is_zero() if isinstance(bound, Money) else bound == 0


@attrs.frozen
class CriterionRule:
    """How one criterion scores: its bands and its weight.

    Args:
        criterion: the :class:`Criterion`.
        bands: the :class:`Band` values, by rising ``at_least``, the first from 0
            (so every measure has a band); :class:`~renewal_core.money.Money` bounds
            in one currency for ``MONETARY``, ``int`` bounds otherwise. Points must
            not fall from band to band where more is better, nor rise where less is
            better.
        weight: the criterion's weight in the score, a ``Decimal`` or an ``int`` of
            at least 0 (``1`` by default).

    Raises:
        InvalidField: a band is of the wrong kind, out of order, does not start from
            0 or runs against the criterion's direction, or the weight is negative.
        CurrencyMismatch: the monetary bands are in more than one currency.

    >>> rule = CriterionRule(Criterion.CLAIMS, [Band(0, 100), Band(1, 60), Band(3, 0)], 10)
    >>> rule.band_for(2)
    Band(at_least=1, points=60)
    >>> CriterionRule(Criterion.CLAIMS, [Band(0, 50), Band(1, 60)])
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: CriterionRule.bands[1]: gives 60 points, more than the \
50 of the band before, but fewer claims is better: points must not rise from band to band
    """

    criterion: Criterion = attrs.field(validator=_member_of(Criterion))
    bands: tuple[Band, ...] = attrs.field(
        converter=_as_tuple, validator=_items(Band, lambda band: band.at_least, "lower bound")
    )
    weight: Decimal = attrs.field(default=Decimal(1), converter=_as_decimal, validator=_weight)

    def __attrs_post_init__(self) -> None:
        if not self.bands:
            _fail(self, "bands", "must hold at least one band, the first from 0")
        monetary = self.criterion is Criterion.MONETARY
        for index, band in enumerate(self.bands):
            field = f"bands[{index}]"
            if isinstance(band.at_least, Money) is not monetary:
                kind = "a Money" if monetary else "an int"
                _fail(self, field, f"must start at {kind} for {self.criterion!r}")
        first = self.bands[0].at_least
        if not _is_zero(first):
            _fail(self, "bands[0]", f"must start at 0 so every measure has a band, not {first}")
        if monetary:
            currency = cast("Money", first).currency
            for band in self.bands[1:]:
                other = cast("Money", band.at_least).currency
                if other != currency:
                    raise CurrencyMismatch(currency, other, "build monetary bands of")
        rising = self.criterion.higher_is_better
        for index, (before, band) in enumerate(zip(self.bands, self.bands[1:], strict=False)):
            field = f"bands[{index + 1}]"
            if not before.at_least < band.at_least:  # type: ignore[operator]
                _fail(self, field, f"must start above {before.at_least}, not at {band.at_least}")
            if rising and band.points < before.points:
                _fail(
                    self,
                    field,
                    f"gives {band.points} points, fewer than the {before.points} of the band "
                    f"before, but more {_NOUNS[self.criterion]} is better: points must not fall "
                    "from band to band",
                )
            if not rising and band.points > before.points:
                _fail(
                    self,
                    field,
                    f"gives {band.points} points, more than the {before.points} of the band "
                    f"before, but fewer {_NOUNS[self.criterion]} is better: points must not rise "
                    "from band to band",
                )

    @property
    def currency(self) -> str | None:
        """The currency of monetary bands, else ``None``."""
        first = self.bands[0].at_least
        return first.currency if isinstance(first, Money) else None

    def band_for(self, measure: int | Money) -> Band:
        """The band of ``measure``: the one with the highest ``at_least`` not above it."""
        found = self.bands[0]
        for band in self.bands:
            if band.at_least <= measure:  # type: ignore[operator]
                found = band
            else:
                break
        return found


_NOUNS: Final = {
    Criterion.RECENCY: "days since the last purchase",
    Criterion.FREQUENCY: "purchases",
    Criterion.MONETARY: "premium",
    Criterion.TENURE: "years as a customer",
    Criterion.CLAIMS: "claims",
    Criterion.PAYMENT: "late payments",
}


def _threshold(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Decimal):
        _fail(instance, attribute.name, f"must be a Decimal or an int, not {_type_name(value)}")
    if not value.is_finite() or not 0 <= value <= _MAX_POINTS:
        _fail(instance, attribute.name, f"must be from 0 to 100, not {value}")
    if value.quantize(_QUANTUM) != value:
        _fail(
            instance,
            attribute.name,
            f"must have at most {TIER_SCORE_PLACES} decimal places, not {value}",
        )


@attrs.frozen
class TierThresholds:
    """Where the score turns into a tier.

    A score of ``vip`` or more is ``VIP``, of ``key`` or more ``KEY``, of
    ``regular`` or more ``REGULAR``, anything lower ``AT_RISK``.

    Args:
        vip: the least VIP score (80 by default).
        key: the least key score (60 by default).
        regular: the least regular score (40 by default).

    Each is a ``Decimal`` or an ``int`` from 0 to 100 with at most
    :data:`TIER_SCORE_PLACES` decimal places, and ``regular <= key <= vip``.

    Raises:
        InvalidField: a threshold is not a number, out of range or too fine, or
            the thresholds are out of order.

    >>> thresholds = TierThresholds()
    >>> thresholds.tier_of(Decimal("79.9999")), thresholds.tier_of(80)
    (Tier.KEY, Tier.VIP)
    """

    vip: Decimal = attrs.field(default=Decimal(80), converter=_as_decimal, validator=_threshold)
    key: Decimal = attrs.field(default=Decimal(60), converter=_as_decimal, validator=_threshold)
    regular: Decimal = attrs.field(
        default=Decimal(40), converter=_as_decimal, validator=_threshold
    )

    def __attrs_post_init__(self) -> None:
        if self.key > self.vip:
            _fail(self, "key", f"must not be above vip ({self.vip}), not {self.key}")
        if self.regular > self.key:
            _fail(self, "regular", f"must not be above key ({self.key}), not {self.regular}")

    def tier_of(self, score: Decimal | int | Fraction) -> Tier:
        """Return the tier of ``score`` (a ``Decimal``, an ``int`` or an exact ``Fraction``).

        Raises:
            ArgumentTypeError: ``score`` is not one of those.
            InvalidField: ``score`` is a ``Decimal`` NaN or infinity.
        """
        if isinstance(score, bool) or not isinstance(score, Decimal | int | Fraction):
            _wrong_type(score, "TierThresholds.tier_of(score)", "a Decimal, an int or a Fraction")
        if isinstance(score, Decimal) and not score.is_finite():
            raise InvalidField(
                "TierThresholds", "tier_of(score)", f"must be a finite number, not {score}"
            )
        if score >= self.vip:
            return Tier.VIP
        if score >= self.key:
            return Tier.KEY
        if score >= self.regular:
            return Tier.REGULAR
        return Tier.AT_RISK


def _positive_years(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if not 1 <= value <= 100:
        _fail(instance, attribute.name, f"must be from 1 to 100 years, not {value}")


@attrs.frozen
class TierCriteria:
    """The explicit, configurable criteria of tier screening.

    Args:
        rules: one :class:`CriterionRule` per criterion scored, each criterion at
            most once, with weights adding up to more than 0; a list or a tuple.
            Criteria without a rule are not scored.
        thresholds: the :class:`TierThresholds`.
        claim_years: how many years back ``CLAIMS`` counts claims (3 by default).
        payment_years: how many years back ``PAYMENT`` counts late payments (2 by
            default).

    A window of ``n`` years on ``as_of`` holds the days after the day ``n`` years
    before ``as_of`` (:func:`~renewal_core.periods.add_months`, clamped to the month's
    end) up to ``as_of`` itself.

    Raises:
        InvalidField: a field has the wrong type, a criterion repeats, or the
            weights add up to 0.

    >>> criteria = TierCriteria([CriterionRule(Criterion.FREQUENCY, [Band(0, 0), Band(3, 100)])])
    >>> criteria.currency is None, criteria.rule_for(Criterion.FREQUENCY).weight
    (True, Decimal('1'))
    """

    rules: tuple[CriterionRule, ...] = attrs.field(
        converter=_as_tuple,
        validator=_items(CriterionRule, lambda rule: rule.criterion, "criterion"),
    )
    thresholds: TierThresholds = attrs.field(
        factory=TierThresholds, validator=_instance_of(TierThresholds)
    )
    claim_years: int = attrs.field(default=3, kw_only=True, validator=_positive_years)
    payment_years: int = attrs.field(default=2, kw_only=True, validator=_positive_years)

    def __attrs_post_init__(self) -> None:
        if not self.rules:
            _fail(self, "rules", "must hold at least one criterion rule")
        if not sum(rule.weight for rule in self.rules):
            _fail(self, "rules", "weights add up to 0; give at least one criterion a weight")

    @property
    def currency(self) -> str | None:
        """The currency of the monetary rule's bands, or ``None`` without one."""
        for rule in self.rules:
            if rule.criterion is Criterion.MONETARY:
                return rule.currency
        return None

    def rule_for(self, criterion: Criterion) -> CriterionRule | None:
        """The rule of ``criterion``, or ``None`` when it is not scored."""
        for rule in self.rules:
            if rule.criterion is criterion:
                return rule
        return None


def _cny(amount: str) -> Money:
    return Money(amount, "CNY")


DEFAULT_TIER_CRITERIA: Final = TierCriteria(
    [
        CriterionRule(
            Criterion.RECENCY, [Band(0, 100), Band(366, 50), Band(731, 20), Band(1096, 0)], 15
        ),
        CriterionRule(
            Criterion.FREQUENCY,
            [Band(0, 0), Band(1, 20), Band(2, 40), Band(4, 70), Band(6, 100)],
            20,
        ),
        CriterionRule(
            Criterion.MONETARY,
            [
                Band(_cny("0"), 0),
                Band(_cny("2000"), 30),
                Band(_cny("5000"), 60),
                Band(_cny("10000"), 80),
                Band(_cny("20000"), 100),
            ],
            25,
        ),
        CriterionRule(
            Criterion.TENURE,
            [Band(0, 0), Band(1, 30), Band(3, 60), Band(5, 80), Band(10, 100)],
            15,
        ),
        CriterionRule(Criterion.CLAIMS, [Band(0, 100), Band(1, 70), Band(2, 40), Band(3, 0)], 10),
        CriterionRule(Criterion.PAYMENT, [Band(0, 100), Band(1, 60), Band(2, 20), Band(3, 0)], 15),
    ],
    TierThresholds(vip=80, key=60, regular=40),
)
"""The default criteria, with amounts in CNY (weights add up to 100).

=============  ======  ==========================================================
criterion      weight  bands (measure from: points)
=============  ======  ==========================================================
recency        15      0 days: 100; 366: 50; 731: 20; 1096: 0
frequency      20      0 purchases: 0; 1: 20; 2: 40; 4: 70; 6: 100
monetary       25      0 CNY: 0; 2,000: 30; 5,000: 60; 10,000: 80; 20,000: 100
tenure         15      0 years: 0; 1: 30; 3: 60; 5: 80; 10: 100
claims         10      0 claims in 3 years: 100; 1: 70; 2: 40; 3: 0
payment        15      0 late payments in 2 years: 100; 1: 60; 2: 20; 3: 0
=============  ======  ==========================================================

Thresholds: VIP from 80, key from 60, regular from 40, at risk below. For another
currency, replace the monetary rule with :func:`attrs.evolve`.
"""


# --------------------------------------------------------------------------- screening


@attrs.frozen
class CriterionScore:
    """How one criterion scored in a :class:`TierAssessment`.

    Attributes:
        criterion: the :class:`Criterion`.
        measure: what was measured: days, a count, years, or a
            :class:`~renewal_core.money.Money` for ``MONETARY``.
        band: the :class:`Band` the measure fell in.
        points: the band's points, from 0 to 100.
        weight: the criterion's weight.
        contribution: its share of the score, ``weight x points / sum(weight)``,
            to :data:`TIER_SCORE_PLACES` places (the contributions add up to the
            score).
    """

    criterion: Criterion
    measure: int | Money
    band: Band
    points: int
    weight: Decimal
    contribution: Decimal


@attrs.frozen
class TierAssessment:
    """The outcome of :func:`screen`: the tier, the score and why.

    Attributes:
        customer_id: the customer's id.
        as_of: the day of the screening.
        tier: the :class:`Tier`.
        score: the score from 0 to 100, to :data:`TIER_SCORE_PLACES` places, rounded
            down.
        criteria: a :class:`CriterionScore` per rule, in the criteria's order.
        reasons: one :class:`~renewal_core.reasons.Reason` per criterion (code
            ``tier.<criterion>``, such as ``tier.recency``, details ``measure``,
            ``band_from``, ``points``, ``weight`` and ``contribution``), then
            ``tier.assigned`` (details ``tier``, ``score`` and the thresholds),
            all ``INFO``, rule ``"tier_screening"``.
    """

    customer_id: str
    as_of: pendulum.Date
    tier: Tier
    score: Decimal
    criteria: tuple[CriterionScore, ...]
    reasons: tuple[Reason, ...]


def _within(days: tuple[pendulum.Date, ...], as_of: pendulum.Date, years: int) -> int:
    start = add_months(as_of, -12 * years)
    return sum(1 for day in days if start < day <= as_of)


def _tenure(since: pendulum.Date, as_of: pendulum.Date) -> int:
    years = as_of.year - since.year
    if years and anniversary(since, years) > as_of:
        years -= 1
    return years


def _measure(
    criterion: Criterion, profile: CustomerProfile, criteria: TierCriteria, as_of: pendulum.Date
) -> int | Money:
    if criterion is Criterion.RECENCY:
        return (as_of - profile.last_purchase).days
    if criterion is Criterion.FREQUENCY:
        return profile.purchases
    if criterion is Criterion.MONETARY:
        return profile.annual_premium
    if criterion is Criterion.TENURE:
        return _tenure(profile.customer_since, as_of)
    if criterion is Criterion.CLAIMS:
        return _within(profile.claims, as_of, criteria.claim_years)
    return _within(profile.late_payments, as_of, criteria.payment_years)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _described(
    criterion: Criterion, measure: int | Money, band: Band, criteria: TierCriteria
) -> str:
    if isinstance(measure, Money):
        bound = cast("Money", band.at_least)
        return (
            f"annual premium {measure.amount} {measure.currency}: {band.points} points (the "
            f"band from {bound.amount} {bound.currency})"
        )
    if criterion is Criterion.RECENCY:
        what = f"{_plural(measure, 'day', 'days')} since the last purchase"
    elif criterion is Criterion.FREQUENCY:
        what = _plural(measure, "purchase", "purchases")
    elif criterion is Criterion.TENURE:
        what = f"{_plural(measure, 'whole year', 'whole years')} as a customer"
    elif criterion is Criterion.CLAIMS:
        what = f"{_plural(measure, 'claim', 'claims')} in the last {criteria.claim_years} years"
    else:
        what = (
            f"{_plural(measure, 'late payment', 'late payments')} in the last "
            f"{criteria.payment_years} years"
        )
    return f"{what}: {band.points} points (the band from {band.at_least})"


def _allocate(terms: list[Fraction], total_weight: Fraction) -> tuple[int, list[int]]:
    """The score and each term's share, in units of ``10**-TIER_SCORE_PLACES``, rounded down.

    Each share is its exact part rounded down; the units left over go to the
    largest remainders (the earlier term on ties), so the shares add up to the
    rounded-down score.
    """
    exact = [term * _UNIT / total_weight for term in terms]
    score = int(sum(exact, Fraction(0)) // 1)
    units = [int(value // 1) for value in exact]
    left = score - sum(units)
    order = sorted(range(len(exact)), key=lambda i: exact[i] - units[i], reverse=True)
    for index in order[:left]:
        units[index] += 1
    return score, units


def _from_units(units: int) -> Decimal:
    return Decimal(units).scaleb(-TIER_SCORE_PLACES)


def screen(
    profile: CustomerProfile,
    criteria: TierCriteria = DEFAULT_TIER_CRITERIA,
    *,
    as_of: dt.date,
) -> TierAssessment:
    """Screen ``profile`` under ``criteria`` on the day ``as_of``: its tier, score and reasons.

    Claims and late payments after ``as_of`` are outside every window and do not
    count, so a profile can be screened as it stood on an earlier day.

    Args:
        profile: the :class:`CustomerProfile`.
        criteria: the :class:`TierCriteria` (:data:`DEFAULT_TIER_CRITERIA` by
            default).
        as_of: the day of the screening, in the customer's time zone; not before
            the profile's ``last_purchase``.

    Returns:
        A :class:`TierAssessment`.

    Raises:
        ArgumentTypeError: ``profile`` or ``criteria`` has the wrong type.
        DateTypeError: ``as_of`` is not a date (a datetime is refused).
        InvalidField: ``as_of`` is before the last purchase.
        CurrencyMismatch: the annual premium is not in the monetary bands' currency.

    A customer since 2023-06-01 with 2 purchases, 3,000 CNY a year, the last
    purchase 400 days before, one late payment and no claim: recency 50, frequency
    40, monetary 30, tenure 30, claims 100, payment 60 points, so a score of
    ``(15x50 + 20x40 + 25x30 + 15x30 + 10x100 + 15x60) / 100 = 46.5``: regular.

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> profile = CustomerProfile(
    ...     "C-2002",
    ...     purchases=2,
    ...     annual_premium=Money("3000.00", "CNY"),
    ...     customer_since=pendulum.date(2023, 6, 1),
    ...     last_purchase=pendulum.date(2024, 1, 26),
    ...     late_payments=[pendulum.date(2024, 11, 5)],
    ...     time_zone="Asia/Shanghai",
    ... )
    >>> assessment = screen(profile, as_of=pendulum.date(2025, 3, 1))
    >>> assessment.tier, assessment.score
    (Tier.REGULAR, Decimal('46.5000'))
    >>> print(assessment.reasons[-1].message)
    score 46.5000: REGULAR (at least 40, below 60)
    """
    if not isinstance(profile, CustomerProfile):
        _wrong_type(profile, "screen(profile)", "a CustomerProfile")
    if not isinstance(criteria, TierCriteria):
        _wrong_type(criteria, "screen(criteria)", "a TierCriteria")
    day = _to_date(as_of, "screen(as_of)")
    if day < profile.last_purchase:
        raise InvalidField(
            "screen",
            "as_of",
            f"{day} is before the customer's last purchase on {profile.last_purchase}; screen "
            "on that day or later",
        )
    currency = criteria.currency
    if currency is not None and profile.annual_premium.currency != currency:
        raise CurrencyMismatch(
            currency,
            profile.annual_premium.currency,
            "screen a profile whose monetary bands and annual premium are",
        )
    rules = criteria.rules
    measures = [_measure(rule.criterion, profile, criteria, day) for rule in rules]
    bands = [rule.band_for(measure) for rule, measure in zip(rules, measures, strict=True)]
    total_weight = sum((Fraction(rule.weight) for rule in rules), Fraction(0))
    terms = [Fraction(rule.weight) * band.points for rule, band in zip(rules, bands, strict=True)]
    score_units, shares = _allocate(terms, total_weight)
    exact = sum(terms, Fraction(0)) / total_weight
    tier = criteria.thresholds.tier_of(exact)
    score = _from_units(score_units)
    scores = tuple(
        CriterionScore(rule.criterion, measure, band, band.points, rule.weight, _from_units(share))
        for rule, measure, band, share in zip(rules, measures, bands, shares, strict=True)
    )
    reasons = [_criterion_reason(entry, criteria) for entry in scores]
    reasons.append(_tier_reason(tier, score, criteria.thresholds))
    return TierAssessment(profile.customer_id, day, tier, score, scores, tuple(reasons))


def _criterion_reason(entry: CriterionScore, criteria: TierCriteria) -> Reason:
    described = _described(entry.criterion, entry.measure, entry.band, criteria)
    return _reason(
        f"tier.{entry.criterion.value}",
        Severity.INFO,
        _RULE,
        f"{described}; weight {entry.weight}, {entry.contribution} points of the score",
        {
            "measure": entry.measure,
            "band_from": entry.band.at_least,
            "points": entry.points,
            "weight": entry.weight,
            "contribution": entry.contribution,
        },
    )


def _tier_reason(tier: Tier, score: Decimal, thresholds: TierThresholds) -> Reason:
    bounds = {
        Tier.VIP: (thresholds.vip, None),
        Tier.KEY: (thresholds.key, thresholds.vip),
        Tier.REGULAR: (thresholds.regular, thresholds.key),
        Tier.AT_RISK: (None, thresholds.regular),
    }
    low, high = bounds[tier]
    parts = []
    if low is not None:
        parts.append(f"at least {low}")
    if high is not None:
        parts.append(f"below {high}")
    return _reason(
        "tier.assigned",
        Severity.INFO,
        _RULE,
        f"score {score}: {tier.name} ({', '.join(parts)})",
        {
            "tier": tier,
            "score": score,
            "vip": thresholds.vip,
            "key": thresholds.key,
            "regular": thresholds.regular,
        },
    )


# --------------------------------------------------------------------------- cultivation


@attrs.frozen
class Benefit:
    """One benefit or action of a cultivation plan.

    Args:
        code: a stable code, lower-case words of letters, digits and ``_`` joined
            by dots (``"vip_service_line"``).
        description: what the customer gets, for people.

    >>> Benefit("priority_handling", "requests and claims handled first").code
    'priority_handling'
    """

    code: str = attrs.field(validator=_code)
    description: str = attrs.field(validator=_text())


@attrs.frozen
class CultivationPlan:
    """What an insurer offers and does for the customers of one tier.

    Args:
        tier: the :class:`Tier`.
        goal: what the plan aims at, for people.
        benefits: the :class:`Benefit` values, with distinct codes; a list or a
            tuple.
    """

    tier: Tier = attrs.field(validator=_member_of(Tier))
    goal: str = attrs.field(validator=_text())
    benefits: tuple[Benefit, ...] = attrs.field(
        converter=_as_tuple, validator=_items(Benefit, lambda benefit: benefit.code, "code")
    )


def _every_tier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    plans = cast("tuple[CultivationPlan, ...]", value)
    missing = [tier.name for tier in Tier if tier not in {plan.tier for plan in plans}]
    if missing:
        _fail(instance, attribute.name, f"has no plan for {', '.join(missing)}; give one per tier")


@attrs.frozen
class CultivationPlans:
    """A cultivation plan for every tier.

    Args:
        plans: one :class:`CultivationPlan` per :class:`Tier`; a list or a tuple.

    Raises:
        InvalidField: a plan is not a :class:`CultivationPlan`, a tier has two
            plans or none.
    """

    plans: tuple[CultivationPlan, ...] = attrs.field(
        converter=_as_tuple,
        validator=[_items(CultivationPlan, lambda plan: plan.tier, "tier"), _every_tier],
    )

    def plan_for(self, tier: Tier) -> CultivationPlan:
        """The plan of ``tier``.

        Raises:
            ArgumentTypeError: ``tier`` is not a :class:`Tier`.
        """
        if not isinstance(tier, Tier):
            _wrong_type(tier, "CultivationPlans.plan_for(tier)", "a Tier")
        return next(plan for plan in self.plans if plan.tier is tier)


DEFAULT_CULTIVATION_PLANS: Final = CultivationPlans(
    [
        CultivationPlan(
            Tier.VIP,
            "keep and deepen the relationship with the most valuable customers",
            [
                Benefit("vip_service_line", "a dedicated VIP service line, answered first"),
                Benefit("dedicated_agent", "a named agent or account manager"),
                Benefit("priority_handling", "requests, changes and claims handled first"),
                Benefit(
                    "renewal_discount",
                    "eligible for the loyalty renewal discount, where the product's rating "
                    "plan has one",
                ),
                Benefit("annual_review", "a yearly review of the customer's covers"),
            ],
        ),
        CultivationPlan(
            Tier.KEY,
            "grow valuable customers towards VIP",
            [
                Benefit("priority_handling", "requests, changes and claims handled first"),
                Benefit(
                    "renewal_discount",
                    "eligible for the loyalty renewal discount, where the product's rating "
                    "plan has one",
                ),
                Benefit("cover_review", "a review of the covers the customer lacks"),
            ],
        ),
        CultivationPlan(
            Tier.REGULAR,
            "keep customers satisfied with the standard service",
            [
                Benefit("renewal_reminder", "timely renewal reminders on the preferred channel"),
                Benefit("self_service", "self-service renewal online and in the app"),
            ],
        ),
        CultivationPlan(
            Tier.AT_RISK,
            "win back customers likely to leave, and learn why",
            [
                Benefit("retention_call", "a call by an experienced agent before the renewal"),
                Benefit("service_recovery", "open complaints and requests resolved first"),
                Benefit("renewal_reminder", "timely renewal reminders on the preferred channel"),
            ],
        ),
    ]
)
"""Default cultivation plans, the benefits and actions of each tier.

==========  ======================================================================
tier        benefits
==========  ======================================================================
VIP         VIP service line, dedicated agent, priority handling, renewal
            discount eligibility, annual cover review
KEY         priority handling, renewal discount eligibility, cover review
REGULAR     renewal reminders, self-service renewal
AT_RISK     retention call, service recovery, renewal reminders
==========  ======================================================================
"""
