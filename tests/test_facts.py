from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, make_claim, make_policy
from renewal_core.errors import (
    ArgumentTypeError,
    CurrencyMismatch,
    DateTypeError,
    InvalidField,
    NaiveDateTimeError,
)
from renewal_core.facts import COUNTED_CLAIM_STATUSES, RenewalFacts, RenewalSubject
from renewal_core.materials import Materials
from renewal_core.model import ClaimStatus
from renewal_core.money import Money


def test_facts_default_to_nothing_known() -> None:
    facts = RenewalFacts()
    assert facts.outstanding_premium is None
    assert (facts.overdue_installments, facts.days_overdue, facts.late_payments) == (0, 0, 0)
    assert (facts.do_not_renew, facts.fraud_flag, facts.sanctions_hit) == (False, False, False)
    assert facts.fraud_indicators == ()
    assert facts.materials is None
    assert dict(facts.extra) == {}


def test_facts_convert_and_freeze_their_inputs() -> None:
    extra = {"vehicle_use": "private"}
    facts = RenewalFacts(
        insured_birth_date=dt.date(1990, 3, 7),
        vehicle_first_registered=dt.date(2020, 5, 1),
        fraud_indicators=["staged_accident"],
        extra=extra,
        materials=Materials({"holder.name": "x"}),
        underwriter_likelihood=3,
        underwriter_impact=4,
    )
    extra["vehicle_use"] = "taxi"
    assert facts.extra["vehicle_use"] == "private"
    assert isinstance(facts.insured_birth_date, pendulum.Date)
    assert isinstance(facts.vehicle_first_registered, pendulum.Date)
    assert facts.fraud_indicators == ("staged_accident",)
    with pytest.raises(TypeError):
        facts.extra["x"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outstanding_premium": cny("-1")}, "outstanding_premium: must not be negative"),
        ({"earned_premium": cny("0.001")}, "earned_premium: .* is finer than the minor unit"),
        ({"overdue_installments": -1}, "overdue_installments: must not be negative"),
        ({"days_overdue": True}, "days_overdue: must be an int, not bool"),
        ({"late_payments": 1.0}, "late_payments: must be an int, not float"),
        ({"do_not_renew": 1}, "do_not_renew: must be True or False"),
        ({"fraud_indicators": "abc"}, "fraud_indicators: must be a list or a tuple, not str"),
        ({"fraud_indicators": ["ok", ""]}, r"fraud_indicators\[1\]: must be a code"),
        ({"fraud_indicators": ["13812345678 x"]}, r"fraud_indicators\[0\]: must be a code"),
        ({"fraud_indicators": ["a", "b", "a"]}, r"fraud_indicators\[2\]: repeats the code 'a'"),
        ({"overdue_installments": 1}, "days_overdue: is 0 while 1 installment"),
        ({"jurisdiction": " CN-31"}, "jurisdiction: must not start or end with whitespace"),
        ({"jurisdiction": ""}, "jurisdiction: must not be empty"),
        ({"jurisdiction": 31}, "jurisdiction: must be a str, not int"),
        ({"materials": {}}, "materials: must be a Materials, not dict"),
        ({"underwriter_likelihood": 0, "underwriter_impact": 1}, "must be at least 1, not 0"),
        ({"underwriter_likelihood": "3", "underwriter_impact": 1}, "must be an int or None"),
        ({"underwriter_likelihood": 3}, "given together or not at all"),
        ({"extra": []}, "extra: must be a mapping, not list"),
        ({"extra": {1: "x"}}, "extra: keys must be str, not int"),
    ],
)
def test_facts_refuse_bad_fields(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidField, match=message):
        RenewalFacts(**changes)


def test_facts_repr_hides_the_birth_date_and_the_extra_values() -> None:
    facts = RenewalFacts(
        insured_birth_date=dt.date(1949, 12, 31), extra={"id": "110101199003071234"}
    )
    text = repr(facts) + repr(RenewalSubject.of(make_policy(), dt.date(2025, 1, 1), facts))
    assert "1949" not in text
    assert "110101199003071234" not in text
    assert "insured_birth_date='****-**-**'" in text
    assert "extra=['id']" in text
    assert "insured_birth_date=None" in repr(RenewalFacts())


def test_facts_refuse_datetimes_as_days() -> None:
    with pytest.raises(DateTypeError):
        RenewalFacts(insured_birth_date=pendulum.datetime(1990, 3, 7))


def test_facts_amounts_share_a_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        RenewalFacts(outstanding_premium=cny("1"), earned_premium=Money("1", "USD"))


def test_subject_of_a_day_or_an_aware_instant() -> None:
    policy = make_policy()
    assert RenewalSubject.of(policy, dt.date(2025, 1, 2)).as_of == pendulum.date(2025, 1, 2)
    late_utc = pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC")
    assert RenewalSubject.of(policy, late_utc).as_of == pendulum.date(2025, 1, 2)
    assert RenewalSubject.of(policy, late_utc).facts == RenewalFacts()
    with pytest.raises(NaiveDateTimeError):
        RenewalSubject.of(policy, dt.datetime(2025, 1, 1))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(DateTypeError):
        RenewalSubject(policy, late_utc)
    with pytest.raises(DateTypeError):
        RenewalSubject.of(policy, "2025-01-01")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"RenewalSubject\.policy: must be a Policy"):
        RenewalSubject("P-1", dt.date(2025, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"RenewalSubject\.facts: must be a RenewalFacts"):
        RenewalSubject(policy, dt.date(2025, 1, 1), {})  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["outstanding_premium", "earned_premium"])
def test_subject_facts_must_be_in_the_policy_currency(field: str) -> None:
    changes: dict[str, Any] = {field: Money("1.00", "USD")}
    facts = RenewalFacts(**changes)
    with pytest.raises(CurrencyMismatch, match=f"facts.{field}"):
        RenewalSubject.of(make_policy(), dt.date(2025, 1, 1), facts)


def claim(claim_id: str, day: dt.date, status: ClaimStatus = ClaimStatus.CLOSED) -> Any:
    return make_claim(claim_id=claim_id, occurred_on=day, status=status, reported_on=None)


def test_claims_within_a_look_back_by_hand() -> None:
    # 12 months before 2025-03-01 is 2024-03-01: the look-back starts on 2024-03-02.
    claims = [
        claim("a", dt.date(2024, 3, 1)),
        claim("b", dt.date(2024, 3, 2)),
        claim("c", dt.date(2025, 3, 1)),
        claim("d", dt.date(2025, 3, 2)),
        claim("e", dt.date(2024, 6, 1), ClaimStatus.DECLINED),
        claim("f", dt.date(2024, 6, 1), ClaimStatus.OPEN),
    ]
    subject = RenewalSubject.of(make_policy(claims=claims), dt.date(2025, 3, 1))
    assert [c.claim_id for c in subject.claims_within(12)] == ["b", "c", "f"]
    # 29 February: 12 months before 2025-02-28 is 2024-02-28.
    leap = RenewalSubject.of(
        make_policy(claims=[claim("g", dt.date(2024, 2, 29))]), dt.date(2025, 2, 28)
    )
    assert [c.claim_id for c in leap.claims_within(12)] == ["g"]


@pytest.mark.parametrize("months", [0, -1, True, 1.5, "12"])
def test_claims_within_refuses_a_bad_number_of_months(months: Any) -> None:
    subject = RenewalSubject.of(make_policy(), dt.date(2025, 3, 1))
    with pytest.raises(InvalidField, match="months must be a positive int"):
        subject.claims_within(months)


@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)),
            st.sampled_from(list(ClaimStatus)),
        ),
        max_size=8,
    ),
    st.dates(dt.date(2022, 1, 1), dt.date(2026, 12, 31)),
    st.integers(1, 60),
)
def test_claims_within_matches_a_reference(
    items: list[tuple[dt.date, ClaimStatus]], as_of: dt.date, months: int
) -> None:
    claims = [claim(f"c{index}", day, status) for index, (day, status) in enumerate(items)]
    subject = RenewalSubject.of(make_policy(claims=claims), as_of)
    # Reference: step the month back by hand, clamping the day to the month's length.
    year, month = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    month += 1
    day = as_of.day
    while True:
        try:
            since = dt.date(year, month, day)
            break
        except ValueError:
            day -= 1
    expected = [
        c.claim_id
        for c in claims
        if since < c.occurred_on <= as_of and c.status in COUNTED_CLAIM_STATUSES
    ]
    assert [c.claim_id for c in subject.claims_within(months)] == expected


def test_counted_statuses() -> None:
    assert (
        frozenset({ClaimStatus.OPEN, ClaimStatus.REOPENED, ClaimStatus.CLOSED})
        == COUNTED_CLAIM_STATUSES
    )


def test_subject_renewal_window_needs_a_config() -> None:
    subject = RenewalSubject.of(make_policy(), dt.date(2025, 1, 1))
    with pytest.raises(ArgumentTypeError, match=r"renewal_window\(config\)"):
        subject.renewal_window({})  # type: ignore[arg-type]
