"""Eligibility against a hand-written if-chain doing the same checks on the same data.

A book of 200 renewal cases (four lines of business; days before, in and after the
window; unpaid premiums, overdue installments, claim histories, ages from facts and
from resident ID numbers, vehicle ages, fraud and sanctions flags, valid and invalid
party data) is checked with ``check_eligibility`` and the default rules, and by a
floor: one function of plain ``if`` statements that computes the same window dates,
counts the same claims, validates the same ID numbers and phone numbers, and returns
the same outcome and reason codes. Both results are compared before timing.

* ``eligibility``: every rule runs (target 3x the floor).
* ``eligibility-stop-at-first-block``: both stop at the first blocking rule
  (target 2x).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pendulum

from benchmarks._floors import EMAIL, MOBILE, WEIGHTS, resident_id_problem
from benchmarks._harness import Benchmark
from renewal_core.eligibility import check_eligibility
from renewal_core.facts import RenewalFacts
from renewal_core.model import (
    Channel,
    ClaimRecord,
    ClaimStatus,
    IdKind,
    LineOfBusiness,
    Party,
    PartyKind,
    PaymentStatus,
    Policy,
    PolicyStatus,
)
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm, add_months

_LINES = (LineOfBusiness.AUTO, LineOfBusiness.HEALTH, LineOfBusiness.LIFE, LineOfBusiness.PROPERTY)


def _id_number(rng: random.Random, born: date, *, valid: bool) -> str:
    body = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]
    if not valid:
        check = "0" if check != "0" else "1"
    return body + check


def _cases() -> list[tuple[Policy, date, RenewalFacts]]:
    rng = random.Random(20261126)  # noqa: S311 - reproducible benchmark data, not security
    cases: list[tuple[Policy, date, RenewalFacts]] = []
    for index in range(200):
        line = _LINES[index % 4]
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(366))
        term = PolicyTerm.annual(start, "Asia/Shanghai")
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(25000))
        roll = rng.random()
        id_number = None if roll < 0.05 else _id_number(rng, born, valid=roll > 0.1)
        holder = Party(
            f"C-{index}",
            PartyKind.INDIVIDUAL,
            "张三",
            id_kind=None if id_number is None else IdKind.RESIDENT_ID,
            id_number=id_number,
            phone=f"13{rng.randrange(10**9):09d}",
            email="zhang.san@example.com" if rng.random() < 0.5 else None,
        )
        claims = []
        for number in range(rng.choice((0, 0, 0, 1, 2, 4, 5))):
            occurred = start - timedelta(days=rng.randrange(1200))
            status = ClaimStatus.DECLINED if rng.random() < 0.1 else ClaimStatus.CLOSED
            claims.append(
                ClaimRecord(
                    f"CL-{index}-{number}",
                    occurred,
                    Money(f"{rng.randrange(0, 300000) / 100:.2f}", "CNY"),
                    status,
                )
            )
        policy = Policy(
            number=f"P-{index}",
            holder=holder,
            line_of_business=line,
            product_code=f"{line.value.upper()}-STANDARD",
            term=term,
            status=PolicyStatus.CANCELLED if rng.random() < 0.05 else PolicyStatus.ACTIVE,
            premium=Money(f"{rng.randrange(50000, 500000) / 100:.2f}", "CNY"),
            sales_channel=Channel.AGENT,
            inception=start,
            claims=claims,
            payment_status=PaymentStatus.OVERDUE if rng.random() < 0.05 else PaymentStatus.PAID,
        )
        as_of = term.end - timedelta(days=rng.randrange(-70, 120))
        facts = RenewalFacts(
            outstanding_premium=Money("150.00", "CNY") if rng.random() < 0.05 else None,
            overdue_installments=(overdue := 1 if rng.random() < 0.05 else 0),
            days_overdue=rng.randrange(1, 60) if overdue else 0,
            insured_birth_date=born if rng.random() < 0.3 else None,
            vehicle_first_registered=(
                date(2008, 1, 1) + timedelta(days=rng.randrange(6000))
                if rng.random() < 0.8
                else None
            ),
            fraud_flag=rng.random() < 0.02,
            fraud_indicators=("staged_accident",) if rng.random() < 0.03 else (),
            sanctions_hit=rng.random() < 0.01,
        )
        cases.append((policy, as_of, facts))
    return cases


_CASES = _cases()

# --------------------------------------------------------------------------- floor

_LEAD = {LineOfBusiness.AUTO: 90}  # other lines: 60
_GRACE = {LineOfBusiness.HEALTH: 30, LineOfBusiness.LIFE: 60}  # other lines: 0
_STATUS = {
    PolicyStatus.CANCELLED: ("status.cancelled", 2),
    PolicyStatus.TERMINATED: ("status.terminated", 2),
    PolicyStatus.RENEWED: ("status.renewed", 2),
    PolicyStatus.LAPSED: ("status.lapsed", 1),
}
_MAX_AGE = {LineOfBusiness.HEALTH: 80, LineOfBusiness.LIFE: 80}
_COUNTED = (ClaimStatus.OPEN, ClaimStatus.REOPENED, ClaimStatus.CLOSED)
_LIMIT = Decimal("0.7")
_OUTCOMES = ("eligible", "refer", "ineligible")


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _floor_one(  # noqa: PLR0912 - one if-chain on purpose: it is the floor
    policy: Policy, day: date, facts: RenewalFacts, stop: bool
) -> tuple[str, list[str]]:
    codes: list[str] = []
    worst = 0
    blocked = False  # whether the current rule blocked

    def add(code: str, weight: int) -> None:
        nonlocal worst, blocked
        codes.append(code)
        worst = max(worst, weight)
        blocked = blocked or weight == 2

    line = policy.line_of_business
    # Renewal window, in day numbers.
    expires = policy.term.end.toordinal()
    today = day.toordinal()
    grace_ends = expires + _GRACE.get(line, 0)
    if today < expires - _LEAD.get(line, 60):
        add("outside_window.too_early", 2)
    elif today > grace_ends:
        add("outside_window.lapsed", 1)
    elif today > expires:
        add("window.in_grace", 0)
    if stop and blocked:
        return _OUTCOMES[worst], codes
    # Status.
    status = _STATUS.get(policy.status)
    if status is not None:
        add(*status)
    if facts.do_not_renew:
        add("status.do_not_renew", 2)
    if stop and blocked:
        return _OUTCOMES[worst], codes
    # Unpaid premium.
    outstanding = facts.outstanding_premium
    if outstanding is not None and outstanding.amount > 0:
        add("unpaid.premium", 2)
    if facts.days_overdue:
        add("unpaid.overdue_installments", 1 if facts.days_overdue <= 30 else 2)
    if (
        outstanding is None
        and not facts.days_overdue
        and policy.payment_status is PaymentStatus.OVERDUE
    ):
        add("unpaid.status_overdue", 1)
    if stop and blocked:
        return _OUTCOMES[worst], codes
    # Claims over 36 months.
    if policy.claims:
        since = add_months(day, -36)
        counted = [
            c for c in policy.claims if since < c.occurred_on <= day and c.status in _COUNTED
        ]
        if len(counted) > 3:
            add("claims.frequency", 1)
        if counted:
            paid = sum((c.paid.amount for c in counted), Decimal(0))
            premium = policy.premium.amount
            if (premium == 0 and paid > 0) or (premium != 0 and paid / premium > _LIMIT):
                add("claims.loss_ratio", 1)
    # Renewal age, on the new term's start (a late renewal starts on the day applied).
    starts = date.fromordinal(today if today > grace_ends else expires + 1)
    maximum = _MAX_AGE.get(line)
    if maximum is not None:
        born: date | None = facts.insured_birth_date
        party = policy.insured or policy.holder
        number = party.id_number
        if (
            born is None
            and number is not None
            and party.id_kind is IdKind.RESIDENT_ID
            and resident_id_problem(number) is None
        ):
            born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        if born is None:
            add("age.unknown", 1)
        elif _age(born, starts) > maximum:
            add("age.above_maximum", 2)
    if stop and blocked:
        return _OUTCOMES[worst], codes
    # Vehicle age.
    if line is LineOfBusiness.AUTO:
        registered = facts.vehicle_first_registered
        if registered is None:
            add("vehicle.age_unknown", 0)
        elif _age(registered, starts) > 10:
            add("vehicle.age_above_limit", 1)
    # Flags.
    if facts.fraud_flag:
        add("flag.fraud", 2)
    elif facts.fraud_indicators:
        add("flag.fraud_indicators", 1)
    if facts.sanctions_hit:
        add("flag.sanctions", 2)
    if stop and blocked:
        return _OUTCOMES[worst], codes
    # Customer data (the policy's fields; a policy carries no documents).
    holder = policy.holder
    if not holder.name:
        add("materials.missing", 1)
    number = holder.id_number
    if not number:
        add("materials.missing", 1)
    elif holder.id_kind is IdKind.RESIDENT_ID and resident_id_problem(number) is not None:
        add("materials.invalid", 1)
    if not holder.phone:
        add("materials.missing", 1)
    elif line is not LineOfBusiness.PROPERTY and MOBILE.fullmatch(holder.phone) is None:
        add("materials.invalid", 1)
    if holder.email and EMAIL.fullmatch(holder.email) is None:
        add("materials.invalid", 0)
    return _OUTCOMES[worst], codes


def _floor(stop: bool) -> list[tuple[str, list[str]]]:
    return [_floor_one(policy, day, facts, stop) for policy, day, facts in _CASES]


def _library(stop: bool) -> list[tuple[str, list[str]]]:
    out = []
    for policy, day, facts in _CASES:
        decision = check_eligibility(
            policy,
            as_of=pendulum.Date(day.year, day.month, day.day),
            context=facts,
            stop_at_first_block=stop,
        )
        out.append((decision.outcome.value, [reason.code for reason in decision.reasons]))
    return out


def _same(library: object, floor: object) -> None:
    assert library == floor, "the library and the floor disagree"
    assert isinstance(library, list)
    outcomes = {outcome for outcome, _ in library}
    assert outcomes == set(_OUTCOMES), f"the book should reach every outcome, not {outcomes}"


BENCHMARKS = [
    Benchmark(
        "eligibility",
        lambda: _library(False),
        lambda: _floor(False),
        _same,
        target=3.0,
        number=5,
    ),
    Benchmark(
        "eligibility-stop-at-first-block",
        lambda: _library(True),
        lambda: _floor(True),
        _same,
        target=2.0,
        number=5,
    ),
]
