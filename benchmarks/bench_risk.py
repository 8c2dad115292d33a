"""Risk assessment against hand-written if-statements doing the same work.

One realistic renewal: an auto policy with six claims over five years (one declined,
one withdrawn, one outside the look-back), 12 days overdue, two late payments and an
overdue installment, a fraud indicator, an underwriter's rating and a resident ID
number with a wrong check digit, so every point of
the default model is present. The library runs ``assess_risk`` with the default
model, building the subject from the policy, the day and the facts, and returns the
full explained assessment. The floor computes the same intensities, score, score
level, matrix level and level with plain ``if`` statements and ``Decimal``
arithmetic: the look-back start by hand (month-end clamped), the counted claims and
their paid amounts summed in one loop, each ratio rounded to four places half to even, the
likelihood bands and the 5 x 5 product matrix inline, and the score rounded down to
four places.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import pendulum

from benchmarks._floors import EMAIL, MOBILE, resident_id_problem
from benchmarks._harness import Benchmark
from renewal_core import (
    Channel,
    ClaimRecord,
    ClaimStatus,
    IdKind,
    LineOfBusiness,
    Money,
    Party,
    PartyKind,
    Policy,
    PolicyStatus,
    PolicyTerm,
)
from renewal_core.facts import RenewalFacts
from renewal_core.risk import RiskAssessment, RiskLevel, assess_risk


def _cny(amount: str) -> Money:
    return Money(amount, "CNY")


_CLAIMS = [
    ClaimRecord("CL-1", dt.date(2020, 5, 2), _cny("8000.00"), ClaimStatus.CLOSED),
    ClaimRecord("CL-2", dt.date(2022, 6, 9), _cny("1200.00"), ClaimStatus.CLOSED),
    ClaimRecord("CL-3", dt.date(2023, 1, 15), _cny("0"), ClaimStatus.DECLINED),
    ClaimRecord("CL-4", dt.date(2023, 11, 30), _cny("2650.50"), ClaimStatus.REOPENED),
    ClaimRecord("CL-5", dt.date(2024, 7, 1), _cny("0"), ClaimStatus.WITHDRAWN),
    ClaimRecord("CL-6", dt.date(2024, 12, 20), _cny("900.00"), ClaimStatus.OPEN),
]
_POLICY = Policy(
    number="P-2024-0001",
    holder=Party(
        "C-1001",
        PartyKind.INDIVIDUAL,
        "张三",
        id_kind=IdKind.RESIDENT_ID,
        id_number="110101199003071234",  # a wrong check digit: customer data is invalid
        phone="13812345678",
    ),
    line_of_business=LineOfBusiness.AUTO,
    product_code="AUTO-COMMERCIAL",
    term=PolicyTerm.annual(dt.date(2024, 3, 1), "Asia/Shanghai", inception=dt.date(2019, 3, 1)),
    status=PolicyStatus.IN_GRACE,
    premium=_cny("3560.00"),
    sales_channel=Channel.AGENT,
    inception=dt.date(2019, 3, 1),
    renewal_count=5,
    claims=_CLAIMS,
)
_FACTS = RenewalFacts(
    days_overdue=12,
    late_payments=2,
    overdue_installments=1,
    earned_premium=_cny("10320.00"),
    fraud_indicators=("duplicate_claim",),
    underwriter_likelihood=3,
    underwriter_impact=4,
)
_AS_OF = pendulum.date(2025, 2, 28)


def _library() -> RiskAssessment:
    return assess_risk(_POLICY, as_of=_AS_OF, context=_FACTS)


_Q = Decimal("0.0001")
_LEVELS = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)


def _band(intensity: Decimal) -> int:
    return min(5, 1 + int(intensity * 5))


def _matrix(likelihood: int, impact: int) -> RiskLevel:
    product = likelihood * impact
    if product >= 15:
        return RiskLevel.HIGH
    if product >= 5:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def _floor() -> tuple[Decimal, RiskLevel, RiskLevel, RiskLevel, tuple[Decimal, ...]]:  # noqa: PLR0912 - every point inline, as hand-written code has it
    policy, facts, as_of = _POLICY, _FACTS, _AS_OF
    # Look-back start: 36 months before as_of, clamped to the month's last day.
    months = as_of.year * 12 + as_of.month - 1 - 36
    year, month = divmod(months, 12)
    month += 1
    start = dt.date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))
    intensities: list[Decimal] = []
    ratings: list[tuple[int, int]] = []
    score = Decimal(0)
    # Customer information (weight 10, impact 3): the policy's party fields.
    holder = policy.holder
    problems = 0
    if not holder.name:
        problems += 1
    number = holder.id_number
    if not number or (
        holder.id_kind is IdKind.RESIDENT_ID and resident_id_problem(number) is not None
    ):
        problems += 1
    if not holder.phone or MOBILE.fullmatch(holder.phone) is None:
        problems += 1
    if holder.email and EMAIL.fullmatch(holder.email) is None:
        problems += 1
    if problems:
        customer = Decimal(1) if problems >= 2 else Decimal("0.5")
        intensities.append(customer)
        ratings.append((_band(customer), 3))
        score += 10 * customer
    # Lapse (weight 15, impact 3).
    days = facts.days_overdue
    in_grace = policy.status is PolicyStatus.IN_GRACE
    if days or in_grace:
        lapse = Decimal(1) if days >= 30 else (Decimal(days) / 30).quantize(_Q, ROUND_HALF_EVEN)
        if in_grace and lapse < Decimal("0.5"):
            lapse = Decimal("0.5")
        intensities.append(lapse)
        ratings.append((_band(lapse), 3))
        score += 15 * lapse
    # Claim frequency (weight 15, impact 2) and severity (weight 15, impact 4).
    count = 0
    paid = Decimal(0)
    for claim in policy.claims:
        if start < claim.occurred_on <= as_of and (
            claim.status is not ClaimStatus.DECLINED and claim.status is not ClaimStatus.WITHDRAWN
        ):
            count += 1
            paid += claim.paid.amount
    if count:
        frequency = (
            Decimal(1) if count >= 4 else (Decimal(count) / 4).quantize(_Q, ROUND_HALF_EVEN)
        )
        intensities.append(frequency)
        ratings.append((_band(frequency), 2))
        score += 15 * frequency
    if paid:
        premium = facts.earned_premium.amount if facts.earned_premium else policy.premium.amount
        if not premium or paid >= premium:
            severity = Decimal(1)
        else:
            severity = (paid / premium).quantize(_Q, ROUND_HALF_EVEN)
        intensities.append(severity)
        ratings.append((_band(severity), 4))
        score += 15 * severity
    # Payment delinquency (weight 15, impact 2).
    late = facts.late_payments + facts.overdue_installments
    if late:
        delinquency = (
            Decimal(1) if late >= 3 else (Decimal(late) / 3).quantize(_Q, ROUND_HALF_EVEN)
        )
        intensities.append(delinquency)
        ratings.append((_band(delinquency), 2))
        score += 15 * delinquency
    # Fraud (weight 20, impact 5).
    indicators = len(set(facts.fraud_indicators))
    if facts.fraud_flag or indicators:
        fraud = (
            Decimal(1)
            if facts.fraud_flag or indicators >= 2
            else (Decimal(indicators) / 2).quantize(_Q, ROUND_HALF_EVEN)
        )
        intensities.append(fraud)
        ratings.append((_band(fraud), 5))
        score += 20 * fraud
    # Underwriter rating (weight 10).
    likelihood, impact = facts.underwriter_likelihood, facts.underwriter_impact
    if likelihood is not None and impact is not None:
        rated = (Decimal(likelihood * impact) / 25).quantize(_Q, ROUND_HALF_EVEN)
        intensities.append(rated)
        ratings.append((likelihood, impact))
        score += 10 * rated
    score = (100 * score / 100).quantize(_Q, ROUND_FLOOR)
    if score >= 60:
        score_level = RiskLevel.HIGH
    elif score >= 30:
        score_level = RiskLevel.MEDIUM
    else:
        score_level = RiskLevel.LOW
    matrix_level = RiskLevel.LOW
    for likelihood, impact in ratings:
        level = _matrix(likelihood, impact)
        if _LEVELS.index(level) > _LEVELS.index(matrix_level):
            matrix_level = level
    level = (
        matrix_level if _LEVELS.index(matrix_level) > _LEVELS.index(score_level) else score_level
    )
    return score, level, score_level, matrix_level, tuple(intensities)


def _check(library: object, floor: object) -> None:
    assert isinstance(library, RiskAssessment)
    assert isinstance(floor, tuple)
    assert len(library.contributions) == 7
    intensities = tuple(contribution.intensity for contribution in library.contributions)
    found = (library.score, library.level, library.score_level, library.matrix_level, intensities)
    assert found == floor, (found, floor)
    assert sum(contribution.points for contribution in library.contributions) == library.score


BENCHMARKS = [
    Benchmark(
        "assess_risk default model vs hand-written if-statements",
        _library,
        _floor,
        _check,
        target=3.0,
        number=2000,
    ),
]
