"""Tests for renewal_core.customers.tiers.

Expected figures are worked out by hand in the comments, or by a small reference in
this file (the documented default bands transcribed as tables, exact ``Fraction``
weighted means rounded down), never by the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, make_party, wrong_type
from renewal_core.customers.tiers import (
    DEFAULT_CULTIVATION_PLANS,
    DEFAULT_TIER_CRITERIA,
    TIER_SCORE_PLACES,
    Band,
    Benefit,
    Criterion,
    CriterionRule,
    CultivationPlan,
    CultivationPlans,
    CustomerProfile,
    Tier,
    TierAssessment,
    TierCriteria,
    TierThresholds,
    screen,
)
from renewal_core.errors import CurrencyMismatch, DateTypeError, UnknownTimeZone
from renewal_core.model import Channel
from renewal_core.money import Money
from renewal_core.reasons import Severity

AS_OF = pendulum.date(2025, 3, 1)


def make_profile(**changes: Any) -> CustomerProfile:
    fields: dict[str, Any] = {
        "customer_id": "C-1001",
        "purchases": 7,
        "annual_premium": cny("12000.00"),
        "customer_since": dt.date(2019, 5, 10),
        "last_purchase": dt.date(2025, 1, 20),
        "claims": [dt.date(2024, 7, 1)],
        "late_payments": [],
        "time_zone": "Asia/Shanghai",
        "preferred_channels": [Channel.SMS, Channel.AGENT],
    }
    fields.update(changes)
    return CustomerProfile(**fields)


def only(criterion: Criterion, bands: list[Band], **changes: Any) -> TierCriteria:
    return TierCriteria([CriterionRule(criterion, bands)], **changes)


def points_of(assessment: TierAssessment) -> list[tuple[str, int | Money, int, Decimal]]:
    return [
        (entry.criterion.value, entry.measure, entry.points, entry.contribution)
        for entry in assessment.criteria
    ]


# ---------------------------------------------------------------- enums


def test_tier_ranks_and_criterion_directions() -> None:
    assert [tier.rank for tier in Tier] == [3, 2, 1, 0]
    assert {c for c in Criterion if c.higher_is_better} == {
        Criterion.FREQUENCY,
        Criterion.MONETARY,
        Criterion.TENURE,
    }


# ---------------------------------------------------------------- profile


def test_profile_converts_days_and_keeps_its_fields() -> None:
    profile = make_profile(late_payments=(dt.date(2024, 5, 1), dt.date(2024, 5, 1)))
    assert profile.customer_since == pendulum.date(2019, 5, 10)
    assert isinstance(profile.customer_since, pendulum.Date)
    assert profile.claims == (pendulum.date(2024, 7, 1),)
    assert profile.late_payments == (pendulum.date(2024, 5, 1),) * 2
    assert profile.preferred_channels == (Channel.SMS, Channel.AGENT)
    assert profile.time_zone == "Asia/Shanghai"
    assert make_profile(time_zone=pendulum.timezone("Europe/Berlin")).time_zone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"customer_id": ""}, "customer_id", "must not be empty"),
        ({"purchases": -1}, "purchases", "must not be negative"),
        ({"purchases": True}, "purchases", "must be an int, not bool"),
        ({"annual_premium": Decimal("1.00")}, "annual_premium", "must be a Money"),
        ({"annual_premium": cny("-1.00")}, "annual_premium", "must not be negative"),
        ({"annual_premium": cny("1.005")}, "annual_premium", "finer than the minor unit"),
        ({"last_purchase": dt.date(2019, 5, 9)}, "last_purchase", "is before customer_since"),
        (
            {"claims": {dt.date(2024, 1, 1)}},
            "claims",
            "must be a list or a tuple of days, not set",
        ),
        ({"preferred_channels": ["sms"]}, r"preferred_channels\[0\]", "must be a Channel"),
        ({"preferred_channels": [Channel.SMS] * 2}, r"preferred_channels\[1\]", "repeats"),
        ({"time_zone": 8}, "time_zone", "must be an IANA time zone name"),
    ],
)
def test_profile_refuses_bad_fields(changes: dict[str, Any], field: str, fragment: str) -> None:
    with invalid("CustomerProfile", field, fragment):
        make_profile(**changes)


def test_profile_refuses_datetimes_and_unknown_zones() -> None:
    moment = pendulum.datetime(2024, 1, 1, tz="Asia/Shanghai")
    with pytest.raises(DateTypeError, match=r"CustomerProfile\.claims\[1\] must be a date"):
        make_profile(claims=[dt.date(2024, 1, 1), moment])
    with pytest.raises(DateTypeError, match=r"CustomerProfile\.customer_since"):
        make_profile(customer_since=moment)
    with pytest.raises(UnknownTimeZone) as error:
        make_profile(time_zone="Mars/Olympus")
    assert error.value.field == "time_zone"


def test_profile_from_party_takes_its_id_zone_and_channels() -> None:
    party = make_party(preferred_channels=[Channel.PHONE])
    profile = CustomerProfile.from_party(
        party,
        purchases=2,
        annual_premium=cny("800.00"),
        customer_since=dt.date(2024, 1, 1),
        last_purchase=dt.date(2025, 1, 1),
        claims=[dt.date(2024, 6, 1)],
    )
    assert (profile.customer_id, profile.time_zone, profile.preferred_channels) == (
        "C-1001",
        "Asia/Shanghai",
        (Channel.PHONE,),
    )
    assert profile.claims == (pendulum.date(2024, 6, 1),)
    assert profile.late_payments == ()
    with invalid("CustomerProfile", "time_zone", "the party has no time_zone"):
        CustomerProfile.from_party(
            make_party(time_zone=None),
            purchases=2,
            annual_premium=cny("800.00"),
            customer_since=dt.date(2024, 1, 1),
            last_purchase=dt.date(2025, 1, 1),
        )
    with wrong_type("CustomerProfile.from_party(party)", "a Party"):
        CustomerProfile.from_party(
            loose("C-1"),
            purchases=2,
            annual_premium=cny("800.00"),
            customer_since=dt.date(2024, 1, 1),
            last_purchase=dt.date(2025, 1, 1),
        )


def test_profile_repr_holds_no_personal_data() -> None:
    text = repr(
        CustomerProfile.from_party(
            make_party(),
            purchases=1,
            annual_premium=cny("1.00"),
            customer_since=dt.date(2024, 1, 1),
            last_purchase=dt.date(2024, 1, 1),
        )
    )
    for value in ("张三", "13812345678", "110101199003071234", "zhang.san@example.com"):
        assert value not in text


# ---------------------------------------------------------------- bands and rules


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        ((-1, 10), "at_least", "must not be negative"),
        ((True, 10), "at_least", "or a Money, not bool"),
        ((Decimal(1), 10), "at_least", "not Decimal"),
        ((cny("-1"), 10), "at_least", "must not be negative"),
        ((0, 101), "points", "must be from 0 to 100, not 101"),
        ((0, -1), "points", "must be from 0 to 100"),
        ((0, 50.0), "points", "must be an int, not float"),
    ],
)
def test_band_refuses_bad_values(arguments: tuple[Any, Any], field: str, fragment: str) -> None:
    with invalid("Band", field, fragment):
        Band(*arguments)


def test_rule_finds_the_band_of_a_measure() -> None:
    rule = CriterionRule(Criterion.TENURE, [Band(0, 0), Band(2, 50), Band(5, 100)], 3)
    assert [rule.band_for(years).points for years in (0, 1, 2, 4, 5, 80)] == [
        0,
        0,
        50,
        50,
        100,
        100,
    ]
    assert rule.weight == Decimal(3) and isinstance(rule.weight, Decimal)
    assert rule.currency is None
    money = CriterionRule(Criterion.MONETARY, [Band(cny("0"), 0), Band(cny("100.00"), 100)])
    assert money.currency == "CNY"
    assert money.band_for(cny("99.99")).points == 0 and money.band_for(cny("100")).points == 100


@pytest.mark.parametrize(
    ("criterion", "bands", "field", "fragment"),
    [
        (Criterion.CLAIMS, [], "bands", "at least one band"),
        (Criterion.CLAIMS, [Band(1, 100)], r"bands\[0\]", "must start at 0"),
        (Criterion.MONETARY, [Band(cny("10"), 0)], r"bands\[0\]", "must start at 0"),
        (Criterion.CLAIMS, [Band(0, 100), Band(2, 50), Band(1, 0)], r"bands\[2\]", "above 2"),
        (Criterion.MONETARY, [Band(0, 0)], r"bands\[0\]", "start at a Money"),
        (Criterion.TENURE, [Band(0, 0), Band(cny("1"), 9)], r"bands\[1\]", "start at an int"),
        (Criterion.CLAIMS, [Band(0, 50), Band(1, 60)], r"bands\[1\]", "points must not rise"),
        (Criterion.RECENCY, [Band(0, 50), Band(30, 60)], r"bands\[1\]", "fewer days since"),
        (Criterion.FREQUENCY, [Band(0, 50), Band(1, 40)], r"bands\[1\]", "points must not fall"),
        (Criterion.TENURE, [Band(0, 0), Band(0, 10)], r"bands\[1\]", "repeats the lower bound 0"),
        (Criterion.CLAIMS, ["0:100"], r"bands\[0\]", "must be a Band"),
    ],
)
def test_rule_refuses_bad_bands(
    criterion: Criterion, bands: list[Any], field: str, fragment: str
) -> None:
    with invalid("CriterionRule", field, fragment):
        CriterionRule(criterion, bands)


def test_rule_refuses_mixed_currencies_and_bad_weights() -> None:
    with pytest.raises(CurrencyMismatch, match="cannot build monetary bands of CNY and USD"):
        CriterionRule(Criterion.MONETARY, [Band(cny("0"), 0), Band(Money("10", "USD"), 10)])
    with invalid("CriterionRule", "weight", "at least 0, not -1"):
        CriterionRule(Criterion.CLAIMS, [Band(0, 1)], -1)
    with invalid("CriterionRule", "weight", r"floats are inexact"):
        CriterionRule(Criterion.CLAIMS, [Band(0, 1)], loose(0.5))
    with invalid("CriterionRule", "weight", "finite"):
        CriterionRule(Criterion.CLAIMS, [Band(0, 1)], Decimal("Infinity"))
    with invalid("CriterionRule", "criterion", "must be a Criterion member"):
        CriterionRule(loose("claims"), [Band(0, 1)])


# ---------------------------------------------------------------- thresholds and criteria


def test_thresholds_turn_scores_into_tiers() -> None:
    thresholds = TierThresholds(vip=Decimal("80.5"), key=60, regular=Decimal("40.0001"))
    assert [thresholds.tier_of(score) for score in (100, Decimal("80.5"), Decimal("80.4999"))] == [
        Tier.VIP,
        Tier.VIP,
        Tier.KEY,
    ]
    assert thresholds.tier_of(60) is Tier.KEY
    assert thresholds.tier_of(Decimal("40.0001")) is Tier.REGULAR
    assert thresholds.tier_of(Fraction(400001, 10000) - Fraction(1, 10**9)) is Tier.AT_RISK
    assert thresholds.tier_of(0) is Tier.AT_RISK
    assert TierThresholds(0, 0, 0).tier_of(0) is Tier.VIP
    with wrong_type("TierThresholds.tier_of(score)", "a Decimal, an int or a Fraction"):
        thresholds.tier_of(loose(50.0))
    with wrong_type("TierThresholds.tier_of(score)", "a Decimal"):
        thresholds.tier_of(loose(True))


@pytest.mark.parametrize("score", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_score_that_is_not_a_finite_number_has_no_tier(score: str) -> None:
    # A NaN does not compare with the thresholds (a signalling NaN raises as it is
    # compared): refused with the method named.
    with invalid("TierThresholds", r"tier_of\(score\)", f"must be a finite number, not {score}$"):
        TierThresholds().tier_of(Decimal(score))


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"vip": 101}, "vip", "must be from 0 to 100, not 101"),
        ({"regular": -1}, "regular", "must be from 0 to 100"),
        ({"key": Decimal("60.00001")}, "key", "at most 4 decimal places"),
        ({"key": 60.0}, "key", "must be a Decimal or an int, not float"),
        ({"key": Decimal("NaN")}, "key", "must be from 0 to 100, not NaN"),
        ({"key": 85}, "key", "must not be above vip"),
        ({"regular": 65}, "regular", "must not be above key"),
    ],
)
def test_thresholds_refuse_bad_values(changes: dict[str, Any], field: str, fragment: str) -> None:
    with invalid("TierThresholds", field, fragment):
        TierThresholds(**changes)


def test_criteria_are_checked() -> None:
    rule = CriterionRule(Criterion.CLAIMS, [Band(0, 100)])
    with invalid("TierCriteria", "rules", "at least one criterion rule"):
        TierCriteria([])
    with invalid("TierCriteria", r"rules\[1\]", "repeats the criterion Criterion.CLAIMS"):
        TierCriteria([rule, rule])
    with invalid("TierCriteria", "rules", "weights add up to 0"):
        TierCriteria([attrs.evolve(rule, weight=0)])
    with invalid("TierCriteria", "thresholds", "must be a TierThresholds"):
        TierCriteria([rule], loose((80, 60, 40)))
    with invalid("TierCriteria", "claim_years", "from 1 to 100 years, not 0"):
        TierCriteria([rule], claim_years=0)
    with invalid("TierCriteria", "payment_years", "must be an int, not bool"):
        TierCriteria([rule], payment_years=loose(True))
    criteria = TierCriteria([rule])
    assert (criteria.currency, criteria.claim_years, criteria.payment_years) == (None, 3, 2)
    assert criteria.rule_for(Criterion.CLAIMS) is rule
    assert criteria.rule_for(Criterion.TENURE) is None


# The default criteria as documented: (criterion, weight, [(from, points)]).
DEFAULT_TABLE: list[tuple[Criterion, int, list[tuple[int | Money, int]]]] = [
    (Criterion.RECENCY, 15, [(0, 100), (366, 50), (731, 20), (1096, 0)]),
    (Criterion.FREQUENCY, 20, [(0, 0), (1, 20), (2, 40), (4, 70), (6, 100)]),
    (
        Criterion.MONETARY,
        25,
        [
            (cny("0"), 0),
            (cny("2000"), 30),
            (cny("5000"), 60),
            (cny("10000"), 80),
            (cny("20000"), 100),
        ],
    ),
    (Criterion.TENURE, 15, [(0, 0), (1, 30), (3, 60), (5, 80), (10, 100)]),
    (Criterion.CLAIMS, 10, [(0, 100), (1, 70), (2, 40), (3, 0)]),
    (Criterion.PAYMENT, 15, [(0, 100), (1, 60), (2, 20), (3, 0)]),
]


def test_default_criteria_are_as_documented() -> None:
    assert [
        (rule.criterion, rule.weight, [(band.at_least, band.points) for band in rule.bands])
        for rule in DEFAULT_TIER_CRITERIA.rules
    ] == [(criterion, Decimal(weight), table) for criterion, weight, table in DEFAULT_TABLE]
    thresholds = DEFAULT_TIER_CRITERIA.thresholds
    assert (thresholds.vip, thresholds.key, thresholds.regular) == (
        Decimal(80),
        Decimal(60),
        Decimal(40),
    )
    assert (DEFAULT_TIER_CRITERIA.claim_years, DEFAULT_TIER_CRITERIA.payment_years) == (3, 2)
    assert DEFAULT_TIER_CRITERIA.currency == "CNY"
    assert TIER_SCORE_PLACES == 4


# ---------------------------------------------------------------- screening by hand


def test_screen_a_vip_by_hand() -> None:
    # 40 days since the last purchase: 100; 7 purchases: 100; 12,000 CNY: 80; since
    # 2019-05-10, 5 whole years on 2025-03-01: 80; 1 claim in 3 years: 70; no late
    # payment: 100. The score is 1500 + 2000 + 2000 + 1200 + 700 + 1500, over 100: 89.
    assessment = screen(make_profile(), as_of=AS_OF)
    assert (assessment.customer_id, assessment.as_of, assessment.tier, assessment.score) == (
        "C-1001",
        AS_OF,
        Tier.VIP,
        Decimal("89.0000"),
    )
    assert points_of(assessment) == [
        ("recency", 40, 100, Decimal("15.0000")),
        ("frequency", 7, 100, Decimal("20.0000")),
        ("monetary", cny("12000.00"), 80, Decimal("20.0000")),
        ("tenure", 5, 80, Decimal("12.0000")),
        ("claims", 1, 70, Decimal("7.0000")),
        ("payment", 0, 100, Decimal("15.0000")),
    ]
    messages = [reason.message for reason in assessment.reasons]
    assert messages == [
        "40 days since the last purchase: 100 points (the band from 0); weight 15, 15.0000 "
        "points of the score",
        "7 purchases: 100 points (the band from 6); weight 20, 20.0000 points of the score",
        "annual premium 12000.00 CNY: 80 points (the band from 10000 CNY); weight 25, 20.0000 "
        "points of the score",
        "5 whole years as a customer: 80 points (the band from 5); weight 15, 12.0000 points of "
        "the score",
        "1 claim in the last 3 years: 70 points (the band from 1); weight 10, 7.0000 points of "
        "the score",
        "0 late payments in the last 2 years: 100 points (the band from 0); weight 15, 15.0000 "
        "points of the score",
        "score 89.0000: VIP (at least 80)",
    ]
    assert [reason.code for reason in assessment.reasons] == [
        "tier.recency",
        "tier.frequency",
        "tier.monetary",
        "tier.tenure",
        "tier.claims",
        "tier.payment",
        "tier.assigned",
    ]
    assert {(r.severity, r.rule) for r in assessment.reasons} == {
        (Severity.INFO, "tier_screening")
    }
    assert dict(assessment.reasons[2].details) == {
        "measure": cny("12000.00"),
        "band_from": cny("10000"),
        "points": 80,
        "weight": Decimal(25),
        "contribution": Decimal("20.0000"),
    }
    assert dict(assessment.reasons[-1].details) == {
        "tier": Tier.VIP,
        "score": Decimal("89.0000"),
        "vip": Decimal(80),
        "key": Decimal(60),
        "regular": Decimal(40),
    }


def test_screen_a_key_customer_by_hand() -> None:
    # Same day: 100; 4 purchases: 70; 5,000 CNY: 60; since 2022-03-01, 3 whole years
    # on the anniversary itself: 60; no claim: 100; 1 late payment: 60.
    # (1500 + 1400 + 1500 + 900 + 1000 + 900) / 100 = 72.
    profile = make_profile(
        purchases=4,
        annual_premium=cny("5000.00"),
        customer_since=dt.date(2022, 3, 1),
        last_purchase=AS_OF,
        claims=[],
        late_payments=[dt.date(2023, 3, 2)],
    )
    assessment = screen(profile, as_of=AS_OF)
    assert (assessment.tier, assessment.score) == (Tier.KEY, Decimal("72.0000"))
    assert [entry.points for entry in assessment.criteria] == [100, 70, 60, 60, 100, 60]
    assert assessment.reasons[-1].message == "score 72.0000: KEY (at least 60, below 80)"
    assert assessment.reasons[0].message.startswith("0 days since the last purchase")


def test_screen_a_customer_at_risk_by_hand() -> None:
    # 1,369 days since 2021-06-01 (1,096 to 2024-06-01, then 273): 0; 1 purchase: 20;
    # 800 CNY: 0; since 2020-01-01, 5 years: 80; claims after 2022-03-01: 2 (the one on
    # that day is out): 40; late payments after 2023-03-01: 3: 0.
    # (0 + 400 + 0 + 1200 + 400 + 0) / 100 = 20.
    profile = make_profile(
        purchases=1,
        annual_premium=cny("800.00"),
        customer_since=dt.date(2020, 1, 1),
        last_purchase=dt.date(2021, 6, 1),
        claims=[dt.date(2022, 3, 1), dt.date(2023, 5, 1), dt.date(2024, 2, 1)],
        late_payments=[dt.date(2023, 4, 1), dt.date(2024, 1, 1), dt.date(2025, 2, 1)],
    )
    assessment = screen(profile, as_of=AS_OF)
    assert [entry.measure for entry in assessment.criteria] == [1369, 1, cny("800.00"), 5, 2, 3]
    assert (assessment.tier, assessment.score) == (Tier.AT_RISK, Decimal("20.0000"))
    assert assessment.reasons[-1].message == "score 20.0000: AT_RISK (below 40)"
    assert assessment.reasons[1].message.startswith("1 purchase: 20 points")
    assert assessment.reasons[4].message.startswith("2 claims in the last 3 years")


def test_windows_exclude_their_first_day_and_days_after_as_of() -> None:
    counting = only(Criterion.CLAIMS, [Band(0, 100), Band(1, 50), Band(2, 0)], claim_years=1)
    # On 2025-03-31 one year back is 2024-03-31: out; 2024-04-01 and 2025-03-31 in;
    # 2025-04-01, after as_of, out.
    profile = make_profile(
        claims=[
            dt.date(2024, 3, 31),
            dt.date(2024, 4, 1),
            dt.date(2025, 3, 31),
            dt.date(2025, 4, 1),
        ]
    )
    [entry] = screen(profile, counting, as_of=dt.date(2025, 3, 31)).criteria
    assert entry.measure == 2
    # On 29 February 2024, one year back is 28 February 2023 (clamped): out.
    leap = make_profile(
        claims=[dt.date(2023, 2, 28), dt.date(2023, 3, 1)], last_purchase=dt.date(2023, 1, 1)
    )
    [entry] = screen(leap, counting, as_of=dt.date(2024, 2, 29)).criteria
    assert entry.measure == 1
    paying = only(Criterion.PAYMENT, [Band(0, 100), Band(1, 0)], payment_years=1)
    late = make_profile(late_payments=[dt.date(2024, 3, 31), dt.date(2024, 4, 1)])
    [entry] = screen(late, paying, as_of=dt.date(2025, 3, 31)).criteria
    assert (entry.measure, entry.points) == (1, 0)


@pytest.mark.parametrize(
    ("since", "as_of", "years"),
    [
        (dt.date(2020, 2, 29), dt.date(2021, 2, 27), 0),
        (dt.date(2020, 2, 29), dt.date(2021, 2, 28), 1),  # clamped anniversary
        (dt.date(2020, 2, 29), dt.date(2024, 2, 28), 3),
        (dt.date(2020, 2, 29), dt.date(2024, 2, 29), 4),
        (dt.date(2020, 5, 10), dt.date(2020, 5, 10), 0),
        (dt.date(2020, 5, 10), dt.date(2020, 12, 31), 0),
        (dt.date(2020, 5, 10), dt.date(2023, 5, 9), 2),
        (dt.date(2020, 5, 10), dt.date(2023, 5, 10), 3),
    ],
)
def test_tenure_counts_whole_years(since: dt.date, as_of: dt.date, years: int) -> None:
    tenure = only(Criterion.TENURE, [Band(0, 0), Band(1, 100)])
    profile = make_profile(customer_since=since, last_purchase=since, claims=[])
    [entry] = screen(profile, tenure, as_of=as_of).criteria
    assert entry.measure == years


def test_the_score_is_rounded_down_and_contributions_add_up() -> None:
    # Weights 1, 1, 1; points 50, 50, 0: exact 100/3 = 33.3333...; shares 16.6666...
    # each, rounded down to 16.6666 + 16.6666 = 33.3332, and the unit left goes to the
    # earlier of the two equal remainders.
    def criteria(key: str) -> TierCriteria:
        return TierCriteria(
            [
                CriterionRule(Criterion.FREQUENCY, [Band(0, 0), Band(1, 50)]),
                CriterionRule(Criterion.TENURE, [Band(0, 0), Band(1, 50)]),
                CriterionRule(Criterion.PAYMENT, [Band(0, 0)]),
            ],
            TierThresholds(vip=100, key=Decimal(key), regular=0),
        )

    below = screen(make_profile(), criteria("33.3334"), as_of=AS_OF)
    assert below.score == Decimal("33.3333") and below.tier is Tier.REGULAR
    assert [entry.contribution for entry in below.criteria] == [
        Decimal("16.6667"),
        Decimal("16.6666"),
        Decimal("0.0000"),
    ]
    at = screen(make_profile(), criteria("33.3333"), as_of=AS_OF)
    assert at.tier is Tier.KEY


def test_screen_refuses_bad_arguments() -> None:
    with invalid("screen", "as_of", "is before the customer's last purchase on 2025-01-20"):
        screen(make_profile(), as_of=dt.date(2025, 1, 19))
    with pytest.raises(DateTypeError, match=r"screen\(as_of\) must be a date"):
        screen(make_profile(), as_of=loose(pendulum.datetime(2025, 3, 1)))
    with wrong_type("screen(profile)", "a CustomerProfile"):
        screen(loose(make_party()), as_of=AS_OF)
    with wrong_type("screen(criteria)", "a TierCriteria"):
        screen(make_profile(), loose(DEFAULT_TIER_CRITERIA.rules), as_of=AS_OF)
    with pytest.raises(
        CurrencyMismatch, match="monetary bands and annual premium are CNY and USD"
    ):
        screen(make_profile(annual_premium=Money("100.00", "USD")), as_of=AS_OF)
    # Without a monetary rule, any currency goes.
    frequency = only(Criterion.FREQUENCY, [Band(0, 0), Band(5, 100)])
    usd = screen(make_profile(annual_premium=Money("1.00", "USD")), frequency, as_of=AS_OF)
    assert usd.score == Decimal("100.0000")


# ---------------------------------------------------------------- properties


def _points(table: list[tuple[Any, int]], measure: Any) -> int:
    found = table[0][1]
    for bound, points in table:
        if bound <= measure:
            found = points
    return found


def _reference(profile: CustomerProfile, as_of: pendulum.Date) -> tuple[Decimal, Tier]:
    """Score and tier under the documented default table, counted independently."""
    tenure = as_of.year - profile.customer_since.year
    if (as_of.month, as_of.day) < (profile.customer_since.month, profile.customer_since.day):
        tenure -= 1
    claim_start = pendulum.date(as_of.year - 3, as_of.month, as_of.day)
    pay_start = pendulum.date(as_of.year - 2, as_of.month, as_of.day)
    measures = {
        Criterion.RECENCY: (as_of - profile.last_purchase).days,
        Criterion.FREQUENCY: profile.purchases,
        Criterion.MONETARY: profile.annual_premium,
        Criterion.TENURE: tenure,
        Criterion.CLAIMS: sum(claim_start < day <= as_of for day in profile.claims),
        Criterion.PAYMENT: sum(pay_start < day <= as_of for day in profile.late_payments),
    }
    exact = sum(
        (
            Fraction(weight * _points(table, measures[criterion]), 100)
            for criterion, weight, table in DEFAULT_TABLE
        ),
        Fraction(0),
    )
    units = exact * 10_000
    score = Decimal(units.numerator // units.denominator).scaleb(-4)
    tier = (
        Tier.VIP
        if exact >= 80
        else Tier.KEY
        if exact >= 60
        else Tier.REGULAR
        if exact >= 40
        else Tier.AT_RISK
    )
    return score, tier


# Days away from 29 February, where the reference's plain "same day N years back" and
# the library's clamped one may differ.
_AS_OF = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)).filter(
    lambda day: (day.month, day.day) != (2, 29)
)


@st.composite
def profiles(draw: st.DrawFn) -> tuple[CustomerProfile, pendulum.Date]:
    day = draw(_AS_OF)
    as_of = pendulum.date(day.year, day.month, day.day)
    since = as_of.subtract(days=draw(st.integers(0, 6000)))
    if (since.month, since.day) == (2, 29):
        since = since.add(days=1)
    since = min(since, as_of)
    last = since.add(days=draw(st.integers(0, (as_of - since).days)))
    days = st.integers(0, 2000).map(lambda back: as_of.subtract(days=back - 100))
    profile = CustomerProfile(
        "C-1",
        draw(st.integers(0, 12)),
        Money(draw(st.integers(0, 30_000)), "CNY"),
        since,
        last,
        claims=draw(st.lists(days, max_size=5)),
        late_payments=draw(st.lists(days, max_size=5)),
        time_zone="Asia/Shanghai",
    )
    return profile, as_of


@given(profiles())
def test_default_screening_matches_the_reference(
    case: tuple[CustomerProfile, pendulum.Date],
) -> None:
    profile, as_of = case
    assessment = screen(profile, as_of=as_of)
    assert (assessment.score, assessment.tier) == _reference(profile, as_of)
    assert sum(entry.contribution for entry in assessment.criteria) == assessment.score
    assert all(entry.contribution >= 0 for entry in assessment.criteria)
    assert Decimal(0) <= assessment.score <= Decimal(100)


def _better(
    profile: CustomerProfile, criterion: Criterion, step: int, as_of: pendulum.Date
) -> CustomerProfile:
    """The profile improved on ``criterion`` alone (or left as it is, when it cannot be)."""
    if criterion is Criterion.FREQUENCY:
        return attrs.evolve(profile, purchases=profile.purchases + step)
    if criterion is Criterion.MONETARY:
        return attrs.evolve(profile, annual_premium=profile.annual_premium + cny(str(step * 997)))
    if criterion is Criterion.TENURE:
        return attrs.evolve(
            profile, customer_since=profile.customer_since.subtract(days=step * 200)
        )
    if criterion is Criterion.RECENCY:
        later = profile.last_purchase.add(days=step * 100)
        return attrs.evolve(profile, last_purchase=min(later, as_of))
    if criterion is Criterion.CLAIMS:
        return attrs.evolve(profile, claims=profile.claims[1:])
    return attrs.evolve(profile, late_payments=profile.late_payments[1:])


@given(profiles(), st.sampled_from(list(Criterion)), st.integers(1, 10))
def test_a_better_measure_never_lowers_the_tier(
    case: tuple[CustomerProfile, pendulum.Date], criterion: Criterion, step: int
) -> None:
    profile, as_of = case
    before = screen(profile, as_of=as_of)
    after = screen(_better(profile, criterion, step, as_of), as_of=as_of)
    assert after.tier.rank >= before.tier.rank
    assert after.score >= before.score


_rising_bands = st.lists(st.tuples(st.integers(1, 5), st.integers(0, 30)), max_size=5).map(
    lambda steps: [
        Band(sum(gap for gap, _ in steps[:i]), min(100, sum(rise for _, rise in steps[:i])))
        for i in range(len(steps) + 1)
    ]
)


@given(
    _rising_bands,
    st.decimals(0, 10, places=2),
    st.decimals(Decimal("0.01"), 10, places=2),
    st.integers(0, 25),
    st.integers(0, 25),
)
def test_tier_is_monotone_in_a_criterion_of_any_weight(
    bands: list[Band], weight: Decimal, other: Decimal, low: int, extra: int
) -> None:
    criteria = TierCriteria(
        [
            CriterionRule(Criterion.FREQUENCY, bands, weight),
            CriterionRule(Criterion.CLAIMS, [Band(0, 100), Band(1, 50)], other),
        ],
        TierThresholds(vip=90, key=Decimal("55.5"), regular=Decimal("20.25")),
    )
    fewer = screen(make_profile(purchases=low), criteria, as_of=AS_OF)
    more = screen(make_profile(purchases=low + extra), criteria, as_of=AS_OF)
    assert more.tier.rank >= fewer.tier.rank
    assert more.score >= fewer.score


# ---------------------------------------------------------------- cultivation plans


def test_default_cultivation_plans_as_documented() -> None:
    assert [
        (plan.tier, [benefit.code for benefit in plan.benefits])
        for plan in DEFAULT_CULTIVATION_PLANS.plans
    ] == [
        (
            Tier.VIP,
            [
                "vip_service_line",
                "dedicated_agent",
                "priority_handling",
                "renewal_discount",
                "annual_review",
            ],
        ),
        (Tier.KEY, ["priority_handling", "renewal_discount", "cover_review"]),
        (Tier.REGULAR, ["renewal_reminder", "self_service"]),
        (Tier.AT_RISK, ["retention_call", "service_recovery", "renewal_reminder"]),
    ]
    assert (
        DEFAULT_CULTIVATION_PLANS.plan_for(Tier.KEY).goal == "grow valuable customers towards VIP"
    )
    with wrong_type("CultivationPlans.plan_for(tier)", "a Tier"):
        DEFAULT_CULTIVATION_PLANS.plan_for(loose("vip"))


def test_cultivation_plans_are_checked() -> None:
    benefit = Benefit("gift", "a yearly gift")
    plans = [CultivationPlan(tier, "goal", [benefit]) for tier in Tier]
    assert CultivationPlans(plans).plan_for(Tier.AT_RISK).benefits == (benefit,)
    with invalid("CultivationPlans", "plans", "has no plan for KEY, AT_RISK; give one per tier"):
        CultivationPlans([plans[0], plans[2]])
    with invalid("CultivationPlans", r"plans\[4\]", "repeats the tier Tier.VIP"):
        CultivationPlans([*plans, plans[0]])
    with invalid("CultivationPlan", r"benefits\[1\]", "repeats the code 'gift'"):
        CultivationPlan(Tier.VIP, "goal", [benefit, benefit])
    with invalid("CultivationPlan", "goal", "must not be empty"):
        CultivationPlan(Tier.VIP, "", [])
    with invalid("Benefit", "code", "lower-case words"):
        Benefit("VIP line", "x")
    with invalid("Benefit", "description", "must not be empty"):
        Benefit("gift", "")
