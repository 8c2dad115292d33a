"""Tests for renewal_core.risk.

Expected figures are worked out by hand in the comments, or by small reference
implementations in this file (exact ``Fraction`` arithmetic for scores, a product rule
for matrices, ``hashlib`` + ``random`` for audit samples), never by the code under test.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import (
    PERSONAL,
    PHONE,
    VALID_ID_NUMBER,
    cny,
    invalid,
    loose,
    make_claim,
    make_party,
    make_policy,
    wrong_type,
)
from renewal_core.errors import (
    CurrencyMismatch,
    DateTypeError,
    InvalidField,
    NaiveDateTimeError,
)
from renewal_core.facts import RenewalFacts, RenewalSubject
from renewal_core.materials import Materials
from renewal_core.model import ClaimStatus, LineOfBusiness, Policy, PolicyStatus
from renewal_core.money import Money
from renewal_core.reasons import Severity
from renewal_core.risk import (
    DEFAULT_MATRIX,
    DEFAULT_MEASURES,
    DEFAULT_RISK_MODEL,
    INTENSITY_PLACES,
    SCORE_PLACES,
    ClaimFrequency,
    ClaimSeverity,
    CustomerInformation,
    FraudIndicators,
    FunctionPoint,
    LapseRisk,
    Measure,
    PaymentDelinquency,
    RiskAssessment,
    RiskLevel,
    RiskMatrix,
    RiskModel,
    RiskPoint,
    RiskSignal,
    ScoreThresholds,
    UnderwriterRating,
    WeightedPoint,
    assess_risk,
    assess_subject,
    likelihood_band,
    risk_point,
)

L, M, H = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH
AS_OF = pendulum.date(2025, 2, 1)
SUBJECT = RenewalSubject.of(make_policy(), AS_OF)


def clean_policy(**changes: Any) -> Policy:
    """The builders' policy with a valid resident ID number: no customer-data signal."""
    return make_policy(**{"holder": make_party(id_number=VALID_ID_NUMBER), **changes})


def subject(policy: Policy | None = None, **facts: Any) -> RenewalSubject:
    return RenewalSubject.of(
        make_policy() if policy is None else policy, AS_OF, RenewalFacts(**facts)
    )


def fixed_point(
    name: str, intensity: Decimal | None, rating: tuple[int, int] | None = None
) -> FunctionPoint:
    """A point that always finds ``intensity`` (absent when ``None``)."""
    signal = (
        None
        if intensity is None
        else RiskSignal(
            f"test.{name}",
            intensity,
            f"{name} found",
            likelihood=None if rating is None else rating[0],
            impact=None if rating is None else rating[1],
        )
    )
    return FunctionPoint(name, lambda _: signal)


def model_of(
    intensities: Sequence[Decimal | None],
    weights: Sequence[Decimal | int],
    ratings: Sequence[tuple[int, int] | None] | None = None,
    **options: Any,
) -> RiskModel:
    ratings = ratings or [None] * len(intensities)
    return RiskModel(
        [
            WeightedPoint(fixed_point(f"p{index}", intensity, rating), weight)
            for index, (intensity, weight, rating) in enumerate(
                zip(intensities, weights, ratings, strict=True)
            )
        ],
        **options,
    )


def floor_places(value: Fraction, places: int) -> Decimal:
    """The reference rounding: ``value`` rounded down to ``places`` decimals."""
    units = math.floor(value * 10**places)
    return Decimal(units).scaleb(-places)


# --------------------------------------------------------------------------- levels


def test_risk_levels_are_ordered_by_rank() -> None:
    medium = RiskLevel.MEDIUM
    assert L < M < H and H > M > L and L <= M <= medium and H >= M >= medium
    assert not M < L and not M > H
    assert [level.rank for level in RiskLevel] == [0, 1, 2]
    assert max([M, H, L]) is H and min([M, H, L]) is L
    assert sorted([H, L, M]) == [L, M, H]
    assert repr(M) == "RiskLevel.MEDIUM"
    assert RiskLevel("high") is H


@pytest.mark.parametrize("operator", ["__lt__", "__le__", "__gt__", "__ge__"])
def test_risk_levels_do_not_compare_with_other_values(operator: str) -> None:
    assert getattr(L, operator)(0) is NotImplemented
    assert getattr(L, operator)(Severity.INFO) is NotImplemented
    with pytest.raises(TypeError):
        _ = L < 1


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("intensity", "levels", "expected"),
    [
        (Decimal(0), 5, 1),
        (Decimal("0.1999"), 5, 1),
        (Decimal("0.2"), 5, 2),
        (Decimal("0.3999"), 5, 2),
        (Decimal("0.4"), 5, 3),
        (Decimal("0.6"), 5, 4),
        (Decimal("0.7999"), 5, 4),
        (Decimal("0.8"), 5, 5),
        (Decimal(1), 5, 5),
        (1, 5, 5),
        (0, 5, 1),
        (Decimal("0.5"), 3, 2),  # 1 + floor(1.5)
        (Decimal("0.6667"), 3, 3),  # 1 + floor(2.0001)
        (Decimal(1), 1, 1),
    ],
)
def test_likelihood_bands(intensity: Decimal | int, levels: int, expected: int) -> None:
    assert likelihood_band(intensity, levels) == expected


@pytest.mark.parametrize(
    ("intensity", "levels", "field", "fragment"),
    [
        (Decimal("1.0001"), 5, "intensity", "must be from 0 to 1, not 1.0001"),
        (Decimal("-0.1"), 5, "intensity", "must be from 0 to 1, not -0.1"),
        (Decimal("NaN"), 5, "intensity", "must be from 0 to 1, not NaN"),
        (Decimal("0.5"), 0, "levels", "must be at least 1, not 0"),
    ],
)
def test_likelihood_band_refuses_values_out_of_range(
    intensity: Any, levels: Any, field: str, fragment: str
) -> None:
    with invalid("likelihood_band", field, fragment):
        likelihood_band(intensity, levels)


@pytest.mark.parametrize(
    ("intensity", "levels", "parameter", "fragment"),
    [
        (
            0.5,
            5,
            "likelihood_band(intensity)",
            r"a Decimal or an int, such as Decimal\('0.5'\) \(floats are inexact\), not float$",
        ),
        ("0.5", 5, "likelihood_band(intensity)", "a Decimal or an int, not str$"),
        (True, 5, "likelihood_band(intensity)", "not bool$"),
        (Decimal("0.5"), True, "likelihood_band(levels)", "an int, not bool$"),
        (Decimal("0.5"), 5.0, "likelihood_band(levels)", "not float$"),
    ],
)
def test_likelihood_band_refuses_wrong_types(
    intensity: Any, levels: Any, parameter: str, fragment: str
) -> None:
    with wrong_type(parameter, fragment):
        likelihood_band(intensity, levels)


@given(
    st.decimals(min_value=0, max_value=1, places=4),
    st.decimals(min_value=0, max_value=1, places=4),
    st.integers(1, 10),
)
def test_likelihood_band_is_monotone_and_matches_the_bands(
    a: Decimal, b: Decimal, levels: int
) -> None:
    low, high = sorted([a, b])
    assert likelihood_band(low, levels) <= likelihood_band(high, levels)
    expected = min(levels, 1 + math.floor(Fraction(low) * levels))
    assert likelihood_band(low, levels) == expected
    assert 1 <= likelihood_band(high, levels) <= levels


# --------------------------------------------------------------------------- signals


def test_signal_keeps_its_fields_and_freezes_details() -> None:
    details = {"days": 3}
    signal = RiskSignal("risk.x", 1, "found", likelihood=2, impact=4, details=details)
    details["days"] = 4
    assert signal.intensity == Decimal(1) and type(signal.intensity) is Decimal
    assert (signal.likelihood, signal.impact) == (2, 4)
    assert signal.details == {"days": 3}
    with pytest.raises(TypeError):
        signal.details["days"] = 5  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        signal.code = "risk.y"  # type: ignore[misc]
    assert RiskSignal("risk.x", Decimal("0.25"), "found").likelihood is None


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"code": "Risk.X"}, "code", "lower-case words"),
        ({"code": 3}, "code", "must be a str, not int"),
        ({"intensity": 0.5}, "intensity", r"write Decimal\('0.5'\)"),
        ({"intensity": Decimal("1.01")}, "intensity", "at least 0 and at most 1, not 1.01"),
        ({"intensity": Decimal(-1)}, "intensity", "at least 0"),
        ({"intensity": 2}, "intensity", "at most 1, not 2"),
        ({"intensity": Decimal("Infinity")}, "intensity", "finite"),
        ({"intensity": Decimal("1E-29")}, "intensity", "29 decimal places, more than 28"),
        ({"intensity": False}, "intensity", "not bool"),
        ({"message": ""}, "message", "must not be empty"),
        ({"message": " found"}, "message", "whitespace"),
        ({"likelihood": 0, "impact": 1}, "likelihood", "at least 1, not 0"),
        ({"likelihood": True, "impact": 1}, "likelihood", "not bool"),
        ({"likelihood": 1, "impact": "2"}, "impact", "not str"),
        ({"likelihood": 1}, "impact", "together or not at all"),
        ({"impact": 1}, "impact", "together or not at all"),
        ({"details": [("a", 1)]}, "details", "must be a mapping"),
        ({"details": {1: "a"}}, "details", "keys must be str"),
    ],
)
def test_signal_refuses_bad_fields(changes: dict[str, Any], field: str, fragment: str) -> None:
    fields: dict[str, Any] = {"code": "risk.x", "intensity": Decimal("0.5"), "message": "found"}
    fields.update(changes)
    with invalid("RiskSignal", field, fragment):
        RiskSignal(**fields)


# --------------------------------------------------------------------------- points


def test_risk_point_decorator_makes_a_named_point() -> None:
    @risk_point("renewal.first")
    def first(subject: RenewalSubject) -> RiskSignal | None:
        if subject.policy.renewal_count:
            return None
        return RiskSignal("risk.first", 1, "first renewal")

    assert isinstance(first, RiskPoint)
    assert first.name == "renewal.first"
    assert first.evaluate(SUBJECT) is None  # the builders' policy was renewed twice
    signal = first.evaluate(RenewalSubject.of(make_policy(renewal_count=0), AS_OF))
    assert signal is not None and signal.code == "risk.first"


def test_risk_point_checks_its_name_and_function() -> None:
    with invalid("FunctionPoint", "name", "lower-case words"):
        risk_point("First Renewal")
    with invalid("FunctionPoint", "function", "must be callable, not str"):
        risk_point("first")("not a function")  # type: ignore[arg-type]


def test_built_in_points_are_risk_points() -> None:
    for weighted in DEFAULT_RISK_MODEL.points:
        assert isinstance(weighted.point, RiskPoint)
    assert not isinstance(object(), RiskPoint)


# LapseRisk: intensity = days / 30 to 4 places; in grace at least 0.5.
@pytest.mark.parametrize(
    ("days", "status", "intensity", "likelihood", "message"),
    [
        (12, PolicyStatus.ACTIVE, "0.4000", 3, "12 days overdue"),  # 12/30 = 0.4
        (1, PolicyStatus.ACTIVE, "0.0333", 1, "1 day overdue"),  # 0.0333.. -> 0.0333
        (29, PolicyStatus.ACTIVE, "0.9667", 5, "29 days overdue"),  # 0.96666.. -> 0.9667
        (30, PolicyStatus.ACTIVE, "1.0000", 5, "30 days overdue"),
        (45, PolicyStatus.ACTIVE, "1.0000", 5, "45 days overdue"),
        (0, PolicyStatus.IN_GRACE, "0.5", 3, "0 days overdue; the policy is in its grace period"),
        (6, PolicyStatus.IN_GRACE, "0.5", 3, "6 days overdue; the policy is in its grace period"),
        (20, PolicyStatus.IN_GRACE, "0.6667", 4, "20 days overdue; the policy is in its grace"),
    ],
)
def test_lapse_risk(
    days: int, status: PolicyStatus, intensity: str, likelihood: int, message: str
) -> None:
    signal = LapseRisk().evaluate(subject(make_policy(status=status), days_overdue=days))
    assert signal is not None
    assert signal.code == "risk.lapse"
    assert signal.intensity == Decimal(intensity)
    assert str(signal.intensity) == intensity
    assert (signal.likelihood, signal.impact) == (likelihood, 3)
    assert signal.message.startswith(message)
    assert signal.details == {
        "days_overdue": days,
        "days_for_full": 30,
        "in_grace": status is PolicyStatus.IN_GRACE,
    }


def test_lapse_risk_is_absent_when_nothing_is_overdue() -> None:
    assert LapseRisk().evaluate(subject()) is None
    assert LapseRisk().evaluate(subject(make_policy(status=PolicyStatus.LAPSED))) is None


def test_lapse_risk_rounds_half_to_even() -> None:
    # 1 / 20000 = 0.00005, a tie between 0.0000 and 0.0001: the even 0.0000.
    # 3 / 20000 = 0.00015, a tie between 0.0001 and 0.0002: the even 0.0002.
    point = LapseRisk(20000)
    first = point.evaluate(subject(days_overdue=1))
    third = point.evaluate(subject(days_overdue=3))
    assert first is not None and str(first.intensity) == "0.0000"
    assert third is not None and str(third.intensity) == "0.0002"
    # 1 / 7 = 0.142857.. -> 0.1429
    seventh = LapseRisk(7).evaluate(subject(days_overdue=1))
    assert seventh is not None and seventh.intensity == Decimal("0.1429")


def test_lapse_risk_settings() -> None:
    point = LapseRisk(10, in_grace_floor=Decimal("0.9"), impact=5, name="lapse.strict")
    signal = point.evaluate(subject(make_policy(status=PolicyStatus.IN_GRACE), days_overdue=2))
    assert signal is not None
    assert (signal.intensity, signal.likelihood, signal.impact) == (Decimal("0.9"), 5, 5)
    assert point.name == "lapse.strict"


@pytest.mark.parametrize(
    ("factory", "owner", "field", "fragment"),
    [
        (lambda: LapseRisk(0), "LapseRisk", "days_for_full", "at least 1, not 0"),
        (lambda: LapseRisk(True), "LapseRisk", "days_for_full", "must be an int, not bool"),
        (lambda: LapseRisk(in_grace_floor=loose(0.5)), "LapseRisk", "in_grace_floor", "float"),
        (
            lambda: LapseRisk(in_grace_floor=Decimal("1.5")),
            "LapseRisk",
            "in_grace_floor",
            "at most 1",
        ),
        (lambda: LapseRisk(impact=0), "LapseRisk", "impact", "at least 1"),
        (lambda: LapseRisk(name="Lapse"), "LapseRisk", "name", "lower-case"),
        (lambda: ClaimFrequency(0), "ClaimFrequency", "lookback_months", "at least 1"),
        (lambda: ClaimFrequency(36, 0), "ClaimFrequency", "full_at", "at least 1"),
        (lambda: ClaimFrequency(36, loose(2.0)), "ClaimFrequency", "full_at", "not float"),
        (lambda: ClaimSeverity(0), "ClaimSeverity", "lookback_months", "at least 1"),
        (lambda: ClaimSeverity(36, 0), "ClaimSeverity", "full_at", "more than 0"),
        (lambda: ClaimSeverity(36, Decimal(-1)), "ClaimSeverity", "full_at", "more than 0"),
        (lambda: ClaimSeverity(36, loose(1.0)), "ClaimSeverity", "full_at", r"Decimal\('1.0'\)"),
        (
            lambda: ClaimSeverity(36, Decimal(1_000_001)),
            "ClaimSeverity",
            "full_at",
            "at most 1000000",
        ),
        (lambda: PaymentDelinquency(0), "PaymentDelinquency", "full_at", "at least 1"),
        (lambda: PaymentDelinquency(impact=-1), "PaymentDelinquency", "impact", "at least 1"),
        (lambda: FraudIndicators(0), "FraudIndicators", "full_at", "at least 1"),
        (lambda: FraudIndicators(name=""), "FraudIndicators", "name", "lower-case"),
        (
            lambda: UnderwriterRating(max_likelihood=0),
            "UnderwriterRating",
            "max_likelihood",
            "at least 1",
        ),
        (
            lambda: UnderwriterRating(max_impact=loose("5")),
            "UnderwriterRating",
            "max_impact",
            "str",
        ),
    ],
)
def test_built_in_points_refuse_bad_settings(
    factory: Callable[[], object], owner: str, field: str, fragment: str
) -> None:
    with invalid(owner, field, fragment):
        factory()


def _claims_policy(
    *claims: tuple[str, dt.date, str, ClaimStatus], premium: str = "3560.00"
) -> Policy:
    return make_policy(
        premium=cny(premium),
        claims=[
            make_claim(
                claim_id=claim_id, occurred_on=day, reported_on=None, paid=cny(paid), status=status
            )
            for claim_id, day, paid, status in claims
        ],
    )


def test_claim_frequency_counts_claims_in_the_look_back() -> None:
    # as_of 2025-03-01, 36 months: the look-back runs 2022-03-02 to 2025-03-01.
    policy = _claims_policy(
        ("before", dt.date(2022, 3, 1), "100.00", ClaimStatus.CLOSED),  # excluded: on the start
        ("first", dt.date(2022, 3, 2), "100.00", ClaimStatus.CLOSED),
        ("open", dt.date(2023, 5, 5), "0", ClaimStatus.OPEN),
        ("reopened", dt.date(2024, 1, 9), "50.00", ClaimStatus.REOPENED),
        ("declined", dt.date(2024, 2, 9), "0", ClaimStatus.DECLINED),
        ("withdrawn", dt.date(2024, 3, 9), "0", ClaimStatus.WITHDRAWN),
        ("last", dt.date(2025, 3, 1), "0", ClaimStatus.CLOSED),
        ("later", dt.date(2025, 3, 2), "0", ClaimStatus.CLOSED),  # after as_of
    )
    day = pendulum.date(2025, 3, 1)
    signal = ClaimFrequency().evaluate(RenewalSubject.of(policy, day))
    assert signal is not None
    # first, open, reopened, last: 4 of 4 -> 1
    assert signal.code == "risk.claim_frequency"
    assert signal.intensity == 1
    assert (signal.likelihood, signal.impact) == (5, 2)
    assert signal.message == "4 claims in the 36 months to 2025-03-01"
    assert signal.details == {
        "claims": 4,
        "full_at": 4,
        "lookback_months": 36,
        "since": pendulum.date(2022, 3, 1),
    }
    # 12 months: 2024-03-02 to 2025-03-01 holds only "last": 1 of 4.
    short = ClaimFrequency(12).evaluate(RenewalSubject.of(policy, day))
    assert short is not None
    assert (short.intensity, short.likelihood, short.message) == (
        Decimal("0.25"),
        2,
        "1 claim in the 12 months to 2025-03-01",
    )


def test_claim_frequency_look_back_clamps_at_month_end() -> None:
    # as_of 2024-02-29 minus 12 months is 2023-02-28 (clamped): a claim on that day is
    # outside, one on 2023-03-01 inside.
    policy = _claims_policy(
        ("a", dt.date(2023, 2, 28), "0", ClaimStatus.CLOSED),
        ("b", dt.date(2023, 3, 1), "0", ClaimStatus.CLOSED),
    )
    signal = ClaimFrequency(12, 3).evaluate(RenewalSubject.of(policy, pendulum.date(2024, 2, 29)))
    assert signal is not None
    assert signal.details["claims"] == 1
    assert signal.details["since"] == pendulum.date(2023, 2, 28)
    assert signal.intensity == Decimal("0.3333")  # 1/3


def test_claim_frequency_is_absent_without_counted_claims() -> None:
    policy = _claims_policy(("declined", dt.date(2024, 2, 9), "0", ClaimStatus.DECLINED))
    assert ClaimFrequency().evaluate(subject(policy)) is None
    assert ClaimFrequency().evaluate(subject(make_policy(claims=[]))) is None


def test_claim_severity_over_the_policy_premium() -> None:
    # 3200.00 paid over 3560.00 = 0.898876.. -> 0.8989; 1 + floor(4.4945) = 5.
    signal = ClaimSeverity().evaluate(SUBJECT)
    assert signal is not None
    assert signal.code == "risk.claim_severity"
    assert signal.intensity == Decimal("0.8989")
    assert (signal.likelihood, signal.impact) == (5, 4)
    assert signal.message == (
        "claims paid 3200.00 CNY in the 36 months to 2025-02-01; loss ratio 0.8989"
    )
    assert signal.details == {
        "paid": cny("3200.00"),
        "premium": cny("3560.00"),
        "premium_basis": "policy_premium",
        "loss_ratio": Decimal("0.8989"),
        "full_at": Decimal("1.0"),
        "lookback_months": 36,
        "since": pendulum.date(2022, 2, 1),
    }


def test_claim_severity_over_the_earned_premium_and_full_at() -> None:
    policy = _claims_policy(
        ("a", dt.date(2023, 5, 1), "1200.00", ClaimStatus.CLOSED),
        ("b", dt.date(2024, 5, 1), "2000.00", ClaimStatus.REOPENED),
        ("c", dt.date(2024, 6, 1), "0", ClaimStatus.DECLINED),
        ("old", dt.date(2021, 6, 1), "9000.00", ClaimStatus.CLOSED),  # before 2022-02-01
    )
    context = subject(policy, earned_premium=cny("10000.00"))
    signal = ClaimSeverity().evaluate(context)
    assert signal is not None
    # 3200 / 10000 = 0.32 -> likelihood 1 + floor(1.6) = 2
    assert (signal.intensity, signal.likelihood) == (Decimal("0.32"), 2)
    assert signal.details["premium_basis"] == "earned_premium"
    assert signal.details["premium"] == cny("10000.00")
    assert signal.details["paid"] == cny("3200.00")
    # Full at a loss ratio of 0.5: 0.32 / 0.5 = 0.64 -> likelihood 4.
    half = ClaimSeverity(36, Decimal("0.5")).evaluate(context)
    assert half is not None
    assert (half.intensity, half.likelihood, half.details["loss_ratio"]) == (
        Decimal("0.64"),
        4,
        Decimal("0.32"),
    )
    # Full at 3: 0.32 / 3 = 0.10666.. -> 0.1067
    third = ClaimSeverity(36, 3).evaluate(context)
    assert third is not None and third.intensity == Decimal("0.1067")
    # Over the premium: capped at 1, the loss ratio shown as it is.
    high = ClaimSeverity().evaluate(subject(policy, earned_premium=cny("1600.00")))
    assert high is not None
    assert (high.intensity, high.details["loss_ratio"]) == (Decimal(1), Decimal(2))


def test_claim_severity_with_zero_premium_is_full_without_a_ratio() -> None:
    policy = _claims_policy(("a", dt.date(2024, 5, 1), "10.00", ClaimStatus.CLOSED), premium="0")
    signal = ClaimSeverity().evaluate(subject(policy))
    assert signal is not None
    assert signal.intensity == 1
    assert signal.details["loss_ratio"] is None
    assert signal.message.endswith("; no premium")
    earned = ClaimSeverity().evaluate(subject(policy, earned_premium=cny("0")))
    assert earned is not None and earned.intensity == 1


def test_claim_severity_is_absent_when_nothing_was_paid() -> None:
    policy = _claims_policy(("a", dt.date(2024, 5, 1), "0", ClaimStatus.OPEN), premium="0")
    assert ClaimSeverity().evaluate(subject(policy)) is None


@pytest.mark.parametrize(
    ("late", "overdue", "intensity", "likelihood", "message"),
    [
        (1, 0, "0.3333", 2, "1 late payment and 0 overdue installments"),
        (0, 2, "0.6667", 4, "0 late payments and 2 overdue installments"),
        (2, 1, "1.0000", 5, "2 late payments and 1 overdue installment"),
        (5, 5, "1.0000", 5, "5 late payments and 5 overdue installments"),
    ],
)
def test_payment_delinquency(
    late: int, overdue: int, intensity: str, likelihood: int, message: str
) -> None:
    facts: dict[str, Any] = {"late_payments": late, "overdue_installments": overdue}
    signal = PaymentDelinquency().evaluate(subject(**facts, days_overdue=5 if overdue else 0))
    assert signal is not None
    assert signal.code == "risk.payment_delinquency"
    assert str(signal.intensity) == intensity
    assert (signal.likelihood, signal.impact) == (likelihood, 2)
    assert signal.message == message
    assert signal.details == {**facts, "full_at": 3}
    assert PaymentDelinquency().evaluate(subject()) is None


def test_fraud_indicators() -> None:
    flagged = FraudIndicators().evaluate(subject(fraud_flag=True, fraud_indicators=["b"]))
    assert flagged is not None
    assert (flagged.code, flagged.intensity, flagged.likelihood, flagged.impact) == (
        "risk.fraud",
        Decimal(1),
        5,
        5,
    )
    assert flagged.message == "the host's fraud system flagged the case"
    assert flagged.details == {"fraud_flag": True, "indicators": ("b",), "full_at": 2}
    # One code of 2: 0.5 -> likelihood 3.
    one = FraudIndicators().evaluate(subject(fraud_indicators=["dup"]))
    assert one is not None
    assert (one.intensity, one.likelihood, one.message) == (
        Decimal("0.5"),
        3,
        "1 fraud indicator raised",
    )
    two = FraudIndicators().evaluate(subject(fraud_indicators=("staged", "dup")))
    assert two is not None
    assert two.intensity == 1 and two.details["indicators"] == ("dup", "staged")
    assert two.message == "2 fraud indicators raised"
    assert FraudIndicators().evaluate(subject()) is None


def test_underwriter_rating() -> None:
    signal = UnderwriterRating().evaluate(subject(underwriter_likelihood=3, underwriter_impact=4))
    assert signal is not None
    # 3 x 4 / 25 = 0.48
    assert (signal.code, signal.intensity, signal.likelihood, signal.impact) == (
        "risk.underwriter_rating",
        Decimal("0.48"),
        3,
        4,
    )
    assert signal.message == "underwriter rated likelihood 3 and impact 4"
    assert signal.details == {"likelihood": 3, "impact": 4, "max_likelihood": 5, "max_impact": 5}
    # On a 3 x 3 scale: 2 x 2 / 9 = 0.4444..
    small = UnderwriterRating(max_likelihood=3, max_impact=3)
    rated = small.evaluate(subject(underwriter_likelihood=2, underwriter_impact=2))
    assert rated is not None and rated.intensity == Decimal("0.4444")
    assert UnderwriterRating().evaluate(subject()) is None


@pytest.mark.parametrize(
    ("likelihood", "impact", "field"),
    [(6, 1, "underwriter_likelihood"), (1, 6, "underwriter_impact")],
)
def test_underwriter_rating_above_its_scale_is_an_error(
    likelihood: int, impact: int, field: str
) -> None:
    context = subject(underwriter_likelihood=likelihood, underwriter_impact=impact)
    with invalid("RenewalFacts", field, "is 6, above 5, the top of the scale.*rate from 1 to 5"):
        UnderwriterRating().evaluate(context)


# --------------------------------------------------------------------------- matrix


def test_default_matrix_is_the_documented_table() -> None:
    # Rows likelihood 1 to 5, columns impact 1 to 5: product <= 4 LOW, 5..12 MEDIUM,
    # >= 15 HIGH.
    assert DEFAULT_MATRIX.levels == (
        (L, L, L, L, M),
        (L, L, M, M, M),
        (L, M, M, M, H),
        (L, M, M, H, H),
        (M, M, H, H, H),
    )
    assert (DEFAULT_MATRIX.likelihoods, DEFAULT_MATRIX.impacts) == (5, 5)
    assert DEFAULT_MATRIX.level_of(3, 5) is H
    assert DEFAULT_MATRIX.level_of(4, 3) is M


def test_matrix_stores_rows_as_tuples() -> None:
    matrix = RiskMatrix([[L, M], [M, H], [H, H]])
    assert matrix.levels == ((L, M), (M, H), (H, H))
    assert (matrix.likelihoods, matrix.impacts) == (3, 2)
    assert matrix.level_of(1, 2) is M
    assert matrix == RiskMatrix(((L, M), (M, H), (H, H)))


@pytest.mark.parametrize(
    ("levels", "field", "fragment"),
    [
        ("LLM", "levels", "must be a list or a tuple of rows, not str"),
        ([], "levels", "at least one row"),
        ([[L], "M"], r"levels\[1\]", "must be a list or a tuple of RiskLevel, not str"),
        ([[L, M], [M]], r"levels\[1\]", "has 1 levels and row 0 has 2: the matrix must be rect"),
        ([[], []], r"levels\[0\]", "at least one level"),
        ([[L, "medium"]], r"levels\[0\]\[1\]", "must be a RiskLevel, not str"),
        ([[M, L]], r"levels\[0\]\[1\]", "is RiskLevel.LOW, lower than RiskLevel.MEDIUM at the "),
        ([[L, H], [M, M]], r"levels\[1\]\[1\]", "lower than RiskLevel.HIGH at the next lower lik"),
        ([[H], [L]], r"levels\[1\]\[0\]", "next lower likelihood"),
    ],
)
def test_matrix_refuses_bad_grids(levels: Any, field: str, fragment: str) -> None:
    with invalid("RiskMatrix", field, fragment):
        RiskMatrix(levels)


def test_matrix_refuses_a_row_that_is_not_a_sequence() -> None:
    with invalid("RiskMatrix", r"levels\[0\]", "must be a list or a tuple of RiskLevel, not set"):
        RiskMatrix(({L}, [M]))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("likelihood", "impact", "field", "shown"),
    [(0, 1, "likelihood", "0"), (6, 1, "likelihood", "6"), (1, 6, "impact", "6")],
)
def test_matrix_level_of_refuses_ratings_outside(
    likelihood: int, impact: int, field: str, shown: str
) -> None:
    with invalid(
        "RiskMatrix", field, rf"must be from 1 to 5 \(the matrix is 5 x 5\), not {shown}$"
    ):
        DEFAULT_MATRIX.level_of(likelihood, impact)


def test_matrix_level_of_refuses_ratings_of_other_types() -> None:
    with wrong_type("RiskMatrix.level_of(likelihood)", "an int, not bool$"):
        DEFAULT_MATRIX.level_of(True, 1)
    with wrong_type("RiskMatrix.level_of(impact)", "an int, not str$"):
        DEFAULT_MATRIX.level_of(1, loose("2"))


def test_matrix_from_products() -> None:
    # 3 x 3 with medium 3 and high 6: products 1 2 3 / 2 4 6 / 3 6 9.
    assert RiskMatrix.from_products(3, 3, medium=3, high=6).levels == (
        (L, L, M),
        (L, M, H),
        (M, H, H),
    )
    assert RiskMatrix.from_products(1, 1, medium=1, high=1).levels == ((H,),)
    assert RiskMatrix.from_products() == DEFAULT_MATRIX


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        ({"likelihoods": 0}, "likelihoods", "must be at least 1, not 0$"),
        ({"medium": 0}, "medium", "must be at least 1, not 0$"),
        ({"medium": 10, "high": 9}, "high", "must be at least 10, not 9$"),
    ],
)
def test_matrix_from_products_refuses_values_out_of_range(
    arguments: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("RiskMatrix", field, fragment):
        RiskMatrix.from_products(**arguments)


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [({"impacts": 2.0}, "impacts", "an int, not float$"), ({"high": True}, "high", "not bool$")],
)
def test_matrix_from_products_refuses_wrong_types(
    arguments: dict[str, Any], field: str, fragment: str
) -> None:
    with wrong_type(f"RiskMatrix.from_products({field})", fragment):
        RiskMatrix.from_products(**arguments)


def _monotone(grid: list[list[RiskLevel]]) -> bool:
    ranks = [[level.rank for level in row] for row in grid]
    rows_ok = all(a <= b for row in ranks for a, b in itertools.pairwise(row))
    columns_ok = all(
        ranks[r][c] <= ranks[r + 1][c] for r in range(len(ranks) - 1) for c in range(len(ranks[0]))
    )
    return rows_ok and columns_ok


@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.sampled_from([L, M, H]), min_size=width, max_size=width),
            min_size=1,
            max_size=4,
        )
    )
)
def test_matrix_accepts_exactly_the_monotone_grids(grid: list[list[RiskLevel]]) -> None:
    if _monotone(grid):
        matrix = RiskMatrix(grid)
        for likelihood, impact in itertools.product(
            range(1, len(grid) + 1), range(1, len(grid[0]) + 1)
        ):
            assert matrix.level_of(likelihood, impact) is grid[likelihood - 1][impact - 1]
    else:
        with pytest.raises(InvalidField, match="must not decrease"):
            RiskMatrix(grid)


@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 30), st.integers(0, 30))
def test_matrix_from_products_follows_the_product(
    likelihoods: int, impacts: int, medium: int, extra: int
) -> None:
    high = medium + extra
    matrix = RiskMatrix.from_products(likelihoods, impacts, medium=medium, high=high)
    for likelihood, impact in itertools.product(range(1, likelihoods + 1), range(1, impacts + 1)):
        product = likelihood * impact
        expected = H if product >= high else M if product >= medium else L
        assert matrix.level_of(likelihood, impact) is expected


# --------------------------------------------------------------------------- thresholds


def test_score_thresholds() -> None:
    thresholds = ScoreThresholds()
    assert (thresholds.medium, thresholds.high) == (Decimal(30), Decimal(60))
    assert thresholds.level_of(Decimal("29.9999")) is L
    assert thresholds.level_of(Decimal(30)) is M
    assert thresholds.level_of(Decimal("59.9999")) is M
    assert thresholds.level_of(60) is H
    assert thresholds.level_of(Decimal(100)) is H
    assert thresholds.level_of(0) is L
    same = ScoreThresholds(Decimal("12.5"), Decimal("12.5"))
    assert (same.level_of(Decimal("12.4999")), same.level_of(Decimal("12.5"))) == (L, H)
    assert type(ScoreThresholds(1, 100).medium) is Decimal


@pytest.mark.parametrize(
    ("medium", "high", "field", "fragment"),
    [
        (0, 60, "medium", "more than 0 and at most 100, not 0"),
        (Decimal(-5), 60, "medium", "more than 0"),
        (30, Decimal("100.0001"), "high", "at most 100, not 100.0001"),
        (30, 60.0, "high", r"not float \(floats are inexact; write Decimal\('60.0'\)\)"),
        (Decimal("30.00001"), 60, "medium", "at most 4 decimal places, not 30.00001"),
        (Decimal("NaN"), 60, "medium", "finite"),
        (61, 60, "high", r"must be at least medium \(61\), not 60"),
        ("30", 60, "medium", "not str"),
    ],
)
def test_score_thresholds_refuse_bad_values(
    medium: Any, high: Any, field: str, fragment: str
) -> None:
    with invalid("ScoreThresholds", field, fragment):
        ScoreThresholds(medium, high)


@pytest.mark.parametrize(
    ("score", "fragment"),
    [
        (
            30.0,
            r"a Decimal or an int, such as Decimal\('30.0'\) \(floats are inexact\), not float",
        ),
        ("30", "a Decimal or an int, not str$"),
        (None, "not NoneType$"),
    ],
)
def test_score_thresholds_level_of_refuses_wrong_types(score: Any, fragment: str) -> None:
    with wrong_type("ScoreThresholds.level_of(score)", fragment):
        ScoreThresholds().level_of(score)


def test_score_thresholds_level_of_refuses_nan() -> None:
    with invalid("ScoreThresholds", "score", "must be a finite number, not NaN"):
        ScoreThresholds().level_of(Decimal("NaN"))


# --------------------------------------------------------------------------- measures


def test_default_measures_follow_the_domain_brief() -> None:
    codes = {level: [m.code for m in measures] for level, measures in DEFAULT_MEASURES.items()}
    assert codes == {
        H: ["underwriting.stricter", "identity.verify", "data.full_review"],
        M: ["process.monitor", "recheck.periodic", "data.sample"],
        L: ["processing.streamlined", "monitoring.continued"],
    }
    with pytest.raises(TypeError):
        DEFAULT_MEASURES[L] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    ("code", "description", "field", "fragment"),
    [("Call Customer", "x", "code", "lower-case"), ("call", "", "description", "empty")],
)
def test_measure_refuses_bad_fields(
    code: str, description: str, field: str, fragment: str
) -> None:
    with invalid("Measure", field, fragment):
        Measure(code, description)


# --------------------------------------------------------------------------- model


class _NamedPoint:
    def __init__(self, name: object) -> None:
        self.name = name

    def evaluate(self, subject: RenewalSubject) -> RiskSignal | None:
        return None


def test_weighted_point() -> None:
    weighted = WeightedPoint(LapseRisk(), 20)
    assert weighted.weight == 20 and type(weighted.weight) is Decimal
    assert WeightedPoint(LapseRisk(), Decimal("0.25")).weight == Decimal("0.25")
    assert WeightedPoint(LapseRisk(), 0).weight == 0
    assert WeightedPoint(_NamedPoint("mine"), 1).point.name == "mine"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("point", "weight", "field", "fragment"),
    [
        (LapseRisk(), 0.5, "weight", r"not float \(floats are inexact; write Decimal\('0.5'\)\)"),
        (LapseRisk(), Decimal(-1), "weight", "at least 0"),
        (LapseRisk(), 1_000_001, "weight", "at most 1000000"),
        (LapseRisk(), "20", "weight", "not str"),
        (object(), 1, "point", r"must be a risk point .*not object; write a function with @risk"),
        (_NamedPoint("My Point"), 1, r"point\.name", "lower-case words.*not 'My Point'"),
        (_NamedPoint(7), 1, r"point\.name", "must be a str, not int"),
    ],
)
def test_weighted_point_refuses_bad_fields(
    point: Any, weight: Any, field: str, fragment: str
) -> None:
    with invalid("WeightedPoint", field, fragment):
        WeightedPoint(point, weight)


def test_risk_model() -> None:
    model = RiskModel(
        [WeightedPoint(LapseRisk(), 3), WeightedPoint(FraudIndicators(), Decimal("1.5"))],
        measures={L: [], M: [Measure("call", "Call")], H: (Measure("stop", "Stop"),)},
    )
    assert model.total_weight == Decimal("4.5")
    assert model.measures[M] == (Measure("call", "Call"),)
    assert model.measures[L] == ()
    with pytest.raises(TypeError):
        model.measures[L] = ()  # type: ignore[index]
    extended = model.with_point(PaymentDelinquency(), 2)
    assert [w.point.name for w in extended.points] == ["lapse", "fraud", "payment_delinquency"]
    assert extended.total_weight == Decimal("6.5")
    assert model.total_weight == Decimal("4.5")  # unchanged
    assert attrs.evolve(model, thresholds=ScoreThresholds(10, 20)).thresholds.high == 20


def test_default_risk_model() -> None:
    assert [(w.point.name, w.weight) for w in DEFAULT_RISK_MODEL.points] == [
        ("customer_information", Decimal(10)),
        ("lapse", Decimal(15)),
        ("claim_frequency", Decimal(15)),
        ("claim_severity", Decimal(15)),
        ("payment_delinquency", Decimal(15)),
        ("fraud", Decimal(20)),
        ("underwriter_rating", Decimal(10)),
    ]
    assert DEFAULT_RISK_MODEL.total_weight == 100
    assert DEFAULT_RISK_MODEL.matrix is DEFAULT_MATRIX
    assert DEFAULT_RISK_MODEL.thresholds == ScoreThresholds(30, 60)
    assert DEFAULT_RISK_MODEL.measures == DEFAULT_MEASURES


@pytest.mark.parametrize(
    ("points", "options", "field", "fragment"),
    [
        ([], {}, "points", "at least one WeightedPoint"),
        ("lapse", {}, "points", "must be a list or a tuple, not str"),
        ([LapseRisk()], {}, r"points\[0\]", r"must be a WeightedPoint, not LapseRisk; wrap"),
        (
            [WeightedPoint(LapseRisk(), 1), WeightedPoint(LapseRisk(30), 2)],
            {},
            r"points\[1\]",
            "repeats the point name 'lapse'",
        ),
        ([WeightedPoint(LapseRisk(), 1)], {"thresholds": (30, 60)}, "thresholds", "tuple"),
        ([WeightedPoint(LapseRisk(), 1)], {"matrix": [[L]]}, "matrix", "must be a RiskMatrix"),
        ([WeightedPoint(LapseRisk(), 1)], {"measures": [L]}, "measures", "must be a mapping"),
        (
            [WeightedPoint(LapseRisk(), 1)],
            {"measures": {L: (), M: ()}},
            "measures",
            r"has no measures for \[RiskLevel.HIGH\]",
        ),
        (
            [WeightedPoint(LapseRisk(), 1)],
            {"measures": {L: (), M: (), H: (), "x": ()}},
            "measures",
            "keys must be RiskLevel members, not str",
        ),
        (
            [WeightedPoint(LapseRisk(), 1)],
            {"measures": {L: [], M: "call", H: ()}},
            r"measures\[RiskLevel.MEDIUM\]",
            "must be a list or a tuple, not str",
        ),
        (
            [WeightedPoint(LapseRisk(), 1)],
            {"measures": {L: (), M: ["call"], H: ()}},
            r"measures\[RiskLevel.MEDIUM\]\[0\]",
            "must be a Measure, not str",
        ),
    ],
)
def test_risk_model_refuses_bad_fields(
    points: Any, options: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("RiskModel", field, fragment):
        RiskModel(points, **options)


# --------------------------------------------------------------------------- assessment


def test_assessment_of_a_renewal_worked_by_hand() -> None:
    # The builders' policy: premium 3560.00, one closed claim of 3200.00 on 2024-07-01,
    # and a resident ID number whose check digit is wrong.
    facts = RenewalFacts(days_overdue=12, late_payments=2, overdue_installments=1)
    assessment = assess_risk(make_policy(), as_of=AS_OF, context=facts)
    rows = [
        (c.point, c.code, str(c.weight), str(c.intensity), c.likelihood, c.impact, c.matrix_level)
        for c in assessment.contributions
    ]
    assert rows == [
        # 1 invalid item of 2 = 0.5; likelihood 1 + floor(2.5) = 3; 3 x 3 = 9 MEDIUM
        ("customer_information", "risk.customer_information", "10", "0.5000", 3, 3, M),
        # 12/30 = 0.4; likelihood 1 + floor(2) = 3; 3 x 3 = 9 MEDIUM
        ("lapse", "risk.lapse", "15", "0.4000", 3, 3, M),
        # 1 claim of 4 = 0.25; 1 + floor(1.25) = 2; 2 x 2 = 4 LOW
        ("claim_frequency", "risk.claim_frequency", "15", "0.2500", 2, 2, L),
        # 3200/3560 = 0.89887.. -> 0.8989; 1 + floor(4.4945) = 5; 5 x 4 = 20 HIGH
        ("claim_severity", "risk.claim_severity", "15", "0.8989", 5, 4, H),
        # 3 of 3 = 1; 5 x 2 = 10 MEDIUM
        ("payment_delinquency", "risk.payment_delinquency", "15", "1.0000", 5, 2, M),
    ]
    # 5 + 6 + 3.75 + 13.4835 + 15 = 43.2335: MEDIUM by score, HIGH by the matrix.
    assert str(assessment.score) == "43.2335"
    assert (assessment.score_level, assessment.matrix_level, assessment.level) == (M, H, H)
    # 10 x 0.5 = 5; 15 x 0.4 = 6; 15 x 0.25 = 3.75; 15 x 0.8989 = 13.4835; 15 x 1 = 15
    assert [str(c.points) for c in assessment.contributions] == [
        "5.0000",
        "6.0000",
        "3.7500",
        "13.4835",
        "15.0000",
    ]
    assert assessment.measures == DEFAULT_MEASURES[H]
    assert assessment.as_of == AS_OF
    assert assessment.codes == (
        "risk.customer_information",
        "risk.lapse",
        "risk.claim_frequency",
        "risk.claim_severity",
        "risk.payment_delinquency",
    )
    assert [c.point for c in assessment.ranked()] == [
        "payment_delinquency",
        "claim_severity",
        "lapse",
        "customer_information",
        "claim_frequency",
    ]
    customer = assessment.contributions[0]
    assert customer.details == {"missing": (), "invalid": ("holder.resident_id",), "full_at": 2}
    assert customer.message == "0 items of customer data missing and 1 invalid"
    assert assessment.contributions[1].message == "12 days overdue"
    assert assessment.contributions[1].details["days_overdue"] == 12


def test_customer_information_counts_missing_and_invalid_items() -> None:
    point = CustomerInformation()
    assert point.evaluate(subject(clean_policy())) is None
    no_phone = clean_policy(holder=make_party(id_number=None, id_kind=None, phone=None))
    signal = point.evaluate(subject(no_phone))
    assert signal is not None
    # Two required fields missing, at full_at 2: intensity 1, likelihood 5, impact 3.
    assert (signal.intensity, signal.likelihood, signal.impact) == (Decimal(1), 5, 3)
    assert signal.details["missing"] == ("holder.id_number", "holder.phone")
    # The application's materials are reviewed, documents included, when given.
    application = Materials({"holder.name": "x", "holder.id_number": "E1", "holder.phone": PHONE})
    signal = point.evaluate(subject(clean_policy(), materials=application))
    assert signal is not None
    assert signal.details["missing"] == ("id_document", "vehicle_licence")
    lenient = CustomerInformation(full_at=4, impact=2, name="data")
    signal = lenient.evaluate(subject(no_phone))
    assert signal is not None
    assert (signal.intensity, signal.likelihood, signal.impact) == (Decimal("0.5"), 3, 2)
    with pytest.raises(InvalidField, match="checklists: must be a MaterialChecklists"):
        CustomerInformation({})  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="full_at: must be at least 1"):
        CustomerInformation(full_at=0)


def test_assessment_repr_holds_no_personal_data() -> None:
    facts = RenewalFacts(
        days_overdue=3, fraud_flag=True, underwriter_likelihood=2, underwriter_impact=2
    )
    text = repr(assess_risk(make_policy(), as_of=AS_OF, context=facts))
    for personal in PERSONAL:
        assert personal not in text


def test_assessment_without_any_signal() -> None:
    assessment = assess_risk(clean_policy(claims=[]), as_of=AS_OF)
    assert assessment.contributions == ()
    assert str(assessment.score) == "0.0000"
    assert (assessment.level, assessment.score_level, assessment.matrix_level) == (L, L, None)
    assert assessment.measures == DEFAULT_MEASURES[L]
    assert assessment.ranked() == ()


def test_a_grave_rare_signal_raises_the_level_above_the_score() -> None:
    # A fraud flag alone: 20 x 1 = 20 points, LOW by score; 5 x 5 = 25, HIGH by matrix.
    assessment = assess_risk(
        clean_policy(claims=[]), as_of=AS_OF, context=RenewalFacts(fraud_flag=True)
    )
    assert (assessment.score, assessment.score_level, assessment.matrix_level) == (
        Decimal(20),
        L,
        H,
    )
    assert assessment.level is H


def test_score_level_can_be_above_the_matrix_level() -> None:
    # Two unrated points of intensity 1 and 0.5 with weights 1 and 1: 75 -> HIGH.
    assessment = assess_subject(SUBJECT, model_of([Decimal(1), Decimal("0.5")], [1, 1]))
    assert (assessment.score, assessment.score_level, assessment.matrix_level) == (
        Decimal(75),
        H,
        None,
    )
    assert assessment.level is H
    rated = assess_subject(SUBJECT, model_of([Decimal(1), Decimal("0.5")], [1, 1], [(1, 1), None]))
    assert (rated.score_level, rated.matrix_level, rated.level) == (H, L, H)


def test_assess_risk_takes_an_aware_datetime_as_its_local_day() -> None:
    # 2025-01-31 20:00 UTC is 2025-02-01 04:00 in Shanghai.
    instant = pendulum.datetime(2025, 1, 31, 20, tz="UTC")
    assert assess_risk(make_policy(), as_of=instant).as_of == pendulum.date(2025, 2, 1)
    assert assess_risk(make_policy(), as_of=dt.date(2025, 2, 1)).as_of == AS_OF


def test_assess_risk_refuses_bad_days_and_facts() -> None:
    with pytest.raises(NaiveDateTimeError):
        assess_risk(make_policy(), as_of=dt.datetime(2025, 2, 1, 9))  # noqa: DTZ001
    with pytest.raises(DateTypeError):
        assess_risk(make_policy(), as_of="2025-02-01")  # type: ignore[arg-type]
    with pytest.raises(CurrencyMismatch):
        assess_risk(
            make_policy(), as_of=AS_OF, context=RenewalFacts(earned_premium=Money("1", "USD"))
        )
    with invalid("RenewalSubject", "policy", "must be a Policy"):
        assess_risk("P-1", as_of=AS_OF)  # type: ignore[arg-type]


def test_assess_subject_refuses_bad_arguments() -> None:
    with wrong_type("assess_subject(subject)", "a RenewalSubject, not Policy$"):
        assess_subject(loose(make_policy()))
    with wrong_type("assess_subject(model)", "a RiskModel, not list$"):
        assess_subject(SUBJECT, loose([WeightedPoint(LapseRisk(), 1)]))
    with wrong_type("assess_subject(model)", "a RiskModel, not str$"):
        assess_risk(make_policy(), loose("default"), as_of=AS_OF)


def test_a_point_returning_something_else_is_an_error() -> None:
    broken = FunctionPoint("broken", lambda _: Decimal(1))  # type: ignore[arg-type,return-value]
    model = RiskModel([WeightedPoint(LapseRisk(), 1), WeightedPoint(broken, 1)])
    with invalid("RiskModel", r"points\[1\]", "the point 'broken' returned Decimal; return a"):
        assess_subject(SUBJECT, model)


def test_a_rating_outside_the_matrix_is_an_error() -> None:
    small = RiskMatrix.from_products(3, 3, medium=3, high=6)
    model = model_of([Decimal(1)], [1], [(2, 4)], matrix=small)
    with invalid(
        "RiskModel",
        "matrix",
        "the point 'p0' rated likelihood 2 and impact 4, outside this 3 x 3 matrix; use a "
        "matrix with at least 2 likelihood and 4 impact",
    ):
        assess_subject(SUBJECT, model)
    # The default model's built-in points rate on 5-point scales.
    with invalid("RiskModel", "matrix", "the point 'lapse' rated likelihood 3 and impact 3"):
        assess_subject(
            subject(clean_policy(), days_overdue=12),
            attrs.evolve(DEFAULT_RISK_MODEL, matrix=RiskMatrix([[L, M]])),
        )


@pytest.mark.parametrize(
    ("likelihood", "impact", "field", "top"),
    [(4, 1, "underwriter_likelihood", 3), (3, 5, "underwriter_impact", 3)],
)
def test_an_underwriter_rating_outside_the_matrix_names_the_fact(
    likelihood: int, impact: int, field: str, top: int
) -> None:
    small = RiskMatrix.from_products(3, 3, medium=3, high=6)
    model = RiskModel([WeightedPoint(UnderwriterRating(), 1)], matrix=small)
    context = subject(underwriter_likelihood=likelihood, underwriter_impact=impact)
    with invalid(
        "RenewalFacts", field, rf"outside the model's 3 x 3 risk matrix; rate from 1 to {top}"
    ):
        assess_subject(context, model)


def test_scores_that_do_not_terminate_are_rounded_down_and_allocated() -> None:
    # Weights 1, 1, 1; intensities 0.5, 0.4, 0: 100 x 0.9 / 3 = 30 exactly, MEDIUM.
    # Shares 16.666.. and 13.333..: floors 16.6666 + 13.3333 = 29.9999; the unit left
    # goes to the larger remainder (0.66.. > 0.33..): 16.6667.
    assessment = assess_subject(
        SUBJECT, model_of([Decimal("0.5"), Decimal("0.4"), Decimal(0)], [1, 1, 1])
    )
    assert str(assessment.score) == "30.0000"
    assert assessment.score_level is M
    assert [str(c.points) for c in assessment.contributions] == ["16.6667", "13.3333", "0.0000"]
    # Weights 1 and 2, both full: 100. Shares 33.33.. (remainder 1/3) and 66.66..
    # (remainder 2/3): the unit goes to the second.
    both = assess_subject(SUBJECT, model_of([Decimal(1), Decimal(1)], [1, 2]))
    assert [str(c.points) for c in both.contributions] == ["33.3333", "66.6667"]
    assert str(both.score) == "100.0000"
    # Three equal shares of 100: the tie goes to the first point.
    equal = assess_subject(SUBJECT, model_of([Decimal(1)] * 3, [1, 1, 1]))
    assert [str(c.points) for c in equal.contributions] == ["33.3334", "33.3333", "33.3333"]
    # One full point of three: 33.333.. rounded down, whatever follows.
    one = assess_subject(SUBJECT, model_of([Decimal(1), None, None], [1, 1, 1]))
    assert str(one.score) == "33.3333"
    assert [str(c.points) for c in one.contributions] == ["33.3333"]


def test_scores_finer_than_the_places_are_rounded_down() -> None:
    # Weights sum to 100 but a custom intensity of 0.123456 on weight 50: 6.1728.
    model = model_of([Decimal("0.123456"), Decimal("0.5")], [50, 50])
    assessment = assess_subject(SUBJECT, model)
    # 50 x 0.123456 = 6.1728 exactly; 50 x 0.5 = 25: 31.1728.
    assert str(assessment.score) == "31.1728"
    finer = assess_subject(SUBJECT, model_of([Decimal("0.1234567"), Decimal("0.5")], [50, 50]))
    # 6.172835 + 25 = 31.172835 -> 31.1728; shares 6.1728 (+0.000035) and 25.
    assert str(finer.score) == "31.1728"
    assert [str(c.points) for c in finer.contributions] == ["6.1728", "25.0000"]


def test_all_weights_zero_give_a_zero_score() -> None:
    assessment = assess_subject(
        SUBJECT, model_of([Decimal(1), Decimal("0.3")], [0, 0], [(5, 5), None])
    )
    assert str(assessment.score) == "0.0000"
    assert [str(c.points) for c in assessment.contributions] == ["0.0000", "0.0000"]
    assert (assessment.score_level, assessment.matrix_level, assessment.level) == (L, H, H)


def test_a_zero_weight_point_counts_in_the_matrix_only() -> None:
    assessment = assess_subject(
        SUBJECT, model_of([Decimal(1), Decimal(1)], [0, 3], [(4, 4), None])
    )
    assert [str(c.points) for c in assessment.contributions] == ["0.0000", "100.0000"]
    assert (assessment.matrix_level, assessment.level) == (H, H)


def test_ranked_is_stable_on_ties() -> None:
    model = model_of([Decimal("0.5"), Decimal(1), Decimal("0.5")], [2, 1, 2])
    ranked = assess_subject(SUBJECT, model).ranked()
    assert [c.point for c in ranked] == ["p0", "p1", "p2"]  # all 20 points: model order
    model = model_of([Decimal("0.1"), Decimal(1), Decimal("0.5")], [1, 1, 1])
    assert [c.point for c in assess_subject(SUBJECT, model).ranked()] == ["p1", "p2", "p0"]


def test_the_thread_decimal_context_does_not_change_an_assessment() -> None:
    facts = RenewalFacts(days_overdue=7, late_payments=1, earned_premium=cny("9999.99"))
    expected = assess_risk(make_policy(), as_of=AS_OF, context=facts)
    odd = model_of([Decimal("0.1234567"), Decimal("0.5"), Decimal("0.7")], [1, 1, 1])
    expected_odd = assess_subject(SUBJECT, odd)
    with decimal.localcontext() as context:
        context.prec = 2
        context.rounding = decimal.ROUND_UP
        context.traps[decimal.Inexact] = True
        assert assess_risk(make_policy(), as_of=AS_OF, context=facts) == expected
        assert assess_subject(SUBJECT, odd) == expected_odd


# Properties of the score, against an exact Fraction reference.

_intensity = st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=4))
_weight = st.one_of(st.integers(0, 50), st.decimals(min_value=0, max_value=50, places=2))
_rating = st.one_of(st.none(), st.tuples(st.integers(1, 5), st.integers(1, 5)))
_points = st.integers(1, 6).flatmap(
    lambda n: st.tuples(
        st.lists(_intensity, min_size=n, max_size=n),
        st.lists(_weight, min_size=n, max_size=n),
        st.lists(_rating, min_size=n, max_size=n),
    )
)


def _exact_score(
    intensities: Sequence[Decimal | None], weights: Sequence[Decimal | int]
) -> Fraction:
    total = sum((Fraction(w) for w in weights), Fraction(0))
    if not total:
        return Fraction(0)
    found = sum(
        (
            Fraction(w) * Fraction(i)
            for i, w in zip(intensities, weights, strict=True)
            if i is not None
        ),
        Fraction(0),
    )
    return 100 * found / total


@given(_points)
def test_score_matches_the_exact_reference(
    points: tuple[list[Decimal | None], list[Decimal | int], list[tuple[int, int] | None]],
) -> None:
    intensities, weights, ratings = points
    assessment = assess_subject(SUBJECT, model_of(intensities, weights, ratings))
    exact = _exact_score(intensities, weights)
    assert assessment.score == floor_places(exact, SCORE_PLACES)
    assert assessment.score.as_tuple().exponent == -SCORE_PLACES
    assert 0 <= assessment.score <= 100
    # The contributions add up to the score exactly, each within a unit of its share.
    assert sum((c.points for c in assessment.contributions), Decimal(0)) == assessment.score
    total = sum((Fraction(w) for w in weights), Fraction(0))
    present = [(i, w) for i, w in zip(intensities, weights, strict=True) if i is not None]
    assert len(assessment.contributions) == len(present)
    for contribution, (intensity, weight) in zip(assessment.contributions, present, strict=True):
        share = 100 * Fraction(weight) * Fraction(intensity) / total if total else Fraction(0)
        assert abs(Fraction(contribution.points) - share) < Fraction(1, 10**SCORE_PLACES)
    # The level is the higher of the score level and the matrix level.
    expected_score_level = H if exact >= 60 else M if exact >= 30 else L
    assert assessment.score_level is expected_score_level
    rated = [
        DEFAULT_MATRIX.levels[r[0] - 1][r[1] - 1]
        for i, r in zip(intensities, ratings, strict=True)
        if i is not None and r is not None
    ]
    assert assessment.matrix_level == (max(rated) if rated else None)
    assert assessment.level >= assessment.score_level
    assert assessment.matrix_level is None or assessment.level >= assessment.matrix_level
    assert assessment.level is max([assessment.score_level, *rated])
    assert assessment.measures == DEFAULT_MEASURES[assessment.level]


@given(_points, st.data())
def test_score_is_monotone_in_each_intensity(
    points: tuple[list[Decimal | None], list[Decimal | int], list[tuple[int, int] | None]],
    data: st.DataObject,
) -> None:
    intensities, weights, _ = points
    index = data.draw(st.integers(0, len(intensities) - 1))
    before = intensities[index]
    low = Decimal(0) if before is None else before
    raised = data.draw(st.decimals(min_value=low, max_value=1, places=4))
    higher = [*intensities]
    higher[index] = raised
    first = assess_subject(SUBJECT, model_of(intensities, weights))
    second = assess_subject(SUBJECT, model_of(higher, weights))
    assert second.score >= first.score
    assert second.score_level >= first.score_level


@given(_points, st.data())
def test_raising_a_weight_moves_the_score_towards_that_point(
    points: tuple[list[Decimal | None], list[Decimal | int], list[tuple[int, int] | None]],
    data: st.DataObject,
) -> None:
    # The score is a weighted mean: more weight on a point pulls it towards that
    # point's intensity (x 100). It rises when the intensity is above the mean, falls
    # when below, and never passes it.
    intensities, weights, _ = points
    index = data.draw(st.integers(0, len(intensities) - 1))
    extra = data.draw(st.integers(1, 50))
    heavier = [*weights]
    heavier[index] = Decimal(weights[index]) + extra
    mean = _exact_score(intensities, weights)
    target = 100 * Fraction(intensities[index] or 0)
    first = assess_subject(SUBJECT, model_of(intensities, weights)).score
    second = assess_subject(SUBJECT, model_of(intensities, heavier)).score
    if target >= mean:
        assert first <= second <= floor_places(target, SCORE_PLACES)
    else:
        assert first >= second >= floor_places(target, SCORE_PLACES)


def test_an_odd_but_valid_e_mail_is_a_customer_information_finding() -> None:
    holder = make_party(id_number=VALID_ID_NUMBER, email="information@example.c")
    assessment = assess_risk(make_policy(holder=holder, claims=[]), as_of=AS_OF)
    assert assessment.codes == ("risk.customer_information",)
    assert assessment.contributions[0].details["invalid"] == ("holder.email",)


def test_the_grace_period_counts_by_the_calendar_too() -> None:
    # Health: expiry 2025-02-28, grace to 2025-03-30; the status still says ACTIVE.
    policy = clean_policy(line_of_business=LineOfBusiness.HEALTH, claims=[])
    signal = LapseRisk().evaluate(RenewalSubject.of(policy, dt.date(2025, 3, 10)))
    assert signal is not None
    assert (signal.intensity, signal.details["in_grace"]) == (Decimal("0.5"), True)
    assert LapseRisk().evaluate(RenewalSubject.of(policy, dt.date(2025, 2, 28))) is None
    assert LapseRisk().evaluate(RenewalSubject.of(policy, dt.date(2025, 3, 31))) is None
    with pytest.raises(InvalidField, match="in_grace_floor: must have at most 4 decimal places"):
        LapseRisk(in_grace_floor=Decimal("0.12345"))


@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 5), st.integers(0, 5))
def test_the_default_score_never_drops_when_days_or_delinquencies_rise(
    days: int, more_days: int, late: int, more_late: int
) -> None:
    policy = clean_policy(claims=[])
    base = RenewalFacts(days_overdue=days, late_payments=late)
    raised = RenewalFacts(days_overdue=days + more_days, late_payments=late + more_late)
    first = assess_risk(policy, as_of=AS_OF, context=base)
    second = assess_risk(policy, as_of=AS_OF, context=raised)
    assert second.score >= first.score
    assert second.level >= first.level


def test_module_constants() -> None:
    assert (SCORE_PLACES, INTENSITY_PLACES) == (4, 4)
    assert isinstance(assess_risk(make_policy(), as_of=AS_OF), RiskAssessment)
