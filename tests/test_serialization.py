"""Tests for renewal_core.serialization: round trips and strict, located errors."""

from __future__ import annotations

import json
import traceback
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from renewal_core import (
    Channel,
    ClaimRecord,
    Coverage,
    LineOfBusiness,
    Money,
    MonthEndRule,
    Party,
    PartyKind,
    Policy,
    PolicyStatus,
    PolicyTerm,
    RenewalCadence,
    from_json,
    make_converter,
    to_json,
)
from renewal_core.errors import NaiveDateTimeError, RenewalError, SerializationError
from renewal_core.testing import (
    claim_records,
    coverages,
    currencies,
    money,
    parties,
    policies,
    policy_terms,
)

# ---------------------------------------------------------------- round trips


@given(money(extra_places=2))
def test_money_round_trips(value: Money) -> None:
    text = to_json(value)
    back = from_json(Money, text)
    assert back == value
    assert str(back.amount) == str(value.amount)  # the exponent survives too
    assert json.loads(text) == {"amount": str(value.amount), "currency": value.currency}


@given(policy_terms())
def test_policy_terms_round_trip(term: PolicyTerm) -> None:
    back = from_json(PolicyTerm, to_json(term))
    assert back == term
    assert back.days == term.days
    assert back.tz.name == term.tz.name


@given(parties())
def test_parties_round_trip(party: Party) -> None:
    assert from_json(Party, to_json(party)) == party


@given(coverages(currency="USD"))
def test_coverages_round_trip(coverage: Coverage) -> None:
    assert from_json(Coverage, to_json(coverage)) == coverage


@given(claim_records(currency="JPY"))
def test_claim_records_round_trip(claim: ClaimRecord) -> None:
    assert from_json(ClaimRecord, to_json(claim)) == claim


@given(st.data(), currencies())
def test_policies_round_trip(data: st.DataObject, currency: str) -> None:
    policy = data.draw(policies(currency=currency))
    text = to_json(policy)
    assert from_json(Policy, text) == policy
    assert to_json(from_json(Policy, text)) == text


@pytest.mark.parametrize("member", [*LineOfBusiness, *Channel, *MonthEndRule, *PartyKind])
def test_enums_round_trip_by_value(member: Any) -> None:
    assert to_json(member) == json.dumps(member.value)
    assert from_json(type(member), to_json(member)) is member


def test_json_shapes_are_documented_ones() -> None:
    term = PolicyTerm.annual(pendulum.date(2024, 2, 29), "Asia/Shanghai")
    assert json.loads(to_json(term)) == {
        "start": "2024-02-29",
        "end": "2025-02-27",
        "tz": "Asia/Shanghai",
        "cadence": {"anchor": "2024-02-29", "months": 12, "rule": "clamp"},
    }
    assert to_json(Money("1.50", "CNY")) == '{"amount": "1.50", "currency": "CNY"}'


def test_chinese_text_is_not_ascii_escaped() -> None:
    party = Party("C-1", PartyKind.INDIVIDUAL, "张三")
    assert '"name": "张三"' in to_json(party)


def test_instants_carry_their_offset() -> None:
    converter = make_converter()
    instant = pendulum.datetime(2025, 1, 1, 8, 30, tz="Asia/Shanghai")
    assert converter.unstructure(instant) == "2025-01-01T08:30:00+08:00"
    back = converter.structure("2025-01-01T08:30:00+08:00", pendulum.DateTime)
    assert back == instant
    assert isinstance(back, pendulum.DateTime)


# ---------------------------------------------------------------- strictness


def _problems(cls: type[Any], payload: object) -> list[str]:
    text = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    with pytest.raises(SerializationError) as info:
        from_json(cls, text)
    error = info.value
    assert isinstance(error, RenewalError)
    assert isinstance(error, ValueError)
    assert error.target == cls.__name__
    return list(error.problems)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ('{"amount": 12.5, "currency": "CNY"}', "got a JSON number @ $.amount"),
        ('{"amount": 12, "currency": "CNY"}', "got a JSON number @ $.amount"),
        ('{"amount": "1e5", "currency": "CNY"}', "decimal string such as"),
        ('{"amount": " 1.00", "currency": "CNY"}', "@ $.amount"),
        ('{"amount": "1.00", "currency": "cny"}', "unknown currency 'cny'"),
        ('{"amount": "1.00"}', "required field missing @ $.currency"),
        ('{"amount": "1.00", "currency": "CNY", "note": "x"}', "extra fields found (note) @ $"),
        (
            '{"amount": "1.00", "currency": 156}',
            "expected a string, got a JSON number @ $.currency",
        ),
        ("[1, 2]", "expected a JSON object @ $"),
        ('"1.00 CNY"', "expected a JSON object @ $"),
        ("NaN", "expected a JSON object @ $"),
        (
            '{"amount": Infinity, "currency": "CNY"}',
            "got the non-finite number Infinity @ $.amount",
        ),
        (
            '{"amount": "1.00", "amount": "999.00", "currency": "CNY"}',
            'the key "amount" appears twice',
        ),
        (b'{"amount": "1.00", "currency": "CNY"\xff}', "not UTF-8 text"),
        ('\ufeff{"amount": "1.00", "currency": "CNY"}', "not valid JSON"),
        (
            '{"amount": ' + "9" * 5000 + ', "currency": "CNY"}',
            "a number has more digits than can be read",
        ),
        ("{", "not valid JSON"),
    ],
)
def test_money_is_read_strictly(payload: str | bytes, problem: str) -> None:
    problems = _problems(Money, payload)
    assert any(problem in p for p in problems), problems


def test_unknown_currency_points_at_the_currency() -> None:
    assert _problems(Money, {"amount": "1", "currency": "XYZ"}) == [
        "unknown currency 'XYZ': use an upper-case ISO 4217 code known to CLDR, such as "
        "'CNY', 'USD' or 'EUR' @ $.currency"
    ]


def _policy_json() -> dict[str, Any]:
    holder = Party("C-1", PartyKind.INDIVIDUAL, "张三", phone="13812345678")
    policy = Policy(
        number="P-1",
        holder=holder,
        line_of_business=LineOfBusiness.AUTO,
        product_code="AUTO-COMM",
        term=PolicyTerm.annual(
            pendulum.date(2025, 1, 1), "Asia/Shanghai", inception=pendulum.date(2020, 1, 1)
        ),
        status=PolicyStatus.ACTIVE,
        premium=Money("3102.50", "CNY"),
        sales_channel=Channel.AGENT,
        inception=pendulum.date(2020, 1, 1),
        coverages=[Coverage("third_party_liability", Money("1000000.00", "CNY"))],
    )
    loaded: dict[str, Any] = json.loads(to_json(policy))
    return loaded


def test_every_problem_is_reported_with_its_path() -> None:
    data = _policy_json()
    data["holder"]["phone"] = "call me"
    data["term"]["tz"] = "Mars/Olympus"
    data["term"]["start"] = "2025-1-1"
    data["premium"]["amount"] = 3102.5
    data["coverages"][0]["code"] = 7
    data["renewal_count"] = True
    data["line_of_business"] = "marine"
    problems = _problems(Policy, data)
    located = {p.rsplit(" @ ", 1)[1] for p in problems}
    assert {
        "$.holder.phone",
        "$.term.tz",
        "$.term.start",
        "$.premium.amount",
        "$.coverages[0].code",
        "$.renewal_count",
        "$.line_of_business",
    } <= located


def test_nested_validation_failures_point_at_the_field() -> None:
    data = _policy_json()
    data["term"]["end"] = "2024-12-01"  # before the start
    problems = _problems(Policy, data)
    assert len(problems) == 1
    assert problems[0].endswith("@ $.term")
    assert "invalid policy term" in problems[0]


def test_wrong_types_are_never_coerced() -> None:
    data = _policy_json()
    data["renewal_count"] = "3"
    data["number"] = 42
    problems = _problems(Policy, data)
    assert "expected an integer, got a string that does not fit @ $.renewal_count" in problems
    assert "expected a string, got a JSON number @ $.number" in problems


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2025-02-30", "2025-02-30 is not a calendar day"),
        ("20250101", 'expected a day such as "2025-01-31"'),
        (20250101, 'expected a day such as "2025-01-31", got a JSON number'),
    ],
)
def test_days_are_read_strictly(value: object, problem: str) -> None:
    data = _policy_json()
    data["inception"] = value
    problems = _problems(Policy, data)
    assert any(problem in p and p.endswith("@ $.inception") for p in problems), problems


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2025-01-01T08:00:00", "no UTC offset"),
        ("yesterday", "extended format, at most 6 decimals"),
        ("2025-01-01T08:00:00.1234567+08:00", "at most 6 decimals"),
        ("2025-01-01T08:00:00+0800", "at most 6 decimals"),
        ("2025-W01-1T08:00:00+08:00", "at most 6 decimals"),
        ("2025-02-30T08:00:00+08:00", "not a real date and time"),
        (1735689600, "got a JSON number"),
    ],
)
def test_instants_are_read_strictly(value: object, problem: str) -> None:
    @attrs.frozen
    class Stamp:
        at: pendulum.DateTime

    converter = make_converter()
    with pytest.raises(SerializationError) as info:
        from_json(Stamp, json.dumps({"at": value}), converter=converter)
    assert any(problem in p and p.endswith("@ $.at") for p in info.value.problems)


def test_booleans_are_read_strictly() -> None:
    data = _policy_json()
    data["claims"] = [
        {
            "claim_id": "CL-1",
            "occurred_on": "2025-03-01",
            "paid": {"amount": "10.00", "currency": "CNY"},
            "status": "closed",
            "at_fault": "yes",
            "fatal": 0,
            "reported_on": None,
        }
    ]
    problems = _problems(Policy, data)
    assert (
        "expected true or false, got a string that does not fit @ $.claims[0].at_fault" in problems
    )
    assert "expected true or false, got a JSON number @ $.claims[0].fatal" in problems


def test_enum_errors_list_the_allowed_values() -> None:
    data = _policy_json()
    data["holder"]["kind"] = "person"
    (problem,) = _problems(Policy, data)
    assert problem == (
        'expected one of "individual", "family", "enterprise", got a string that does not fit'
        " @ $.holder.kind"
    )


def test_time_zone_must_be_a_string() -> None:
    data = _policy_json()
    data["term"]["tz"] = 8
    (problem,) = _problems(Policy, data)
    assert problem.endswith("got a JSON number @ $.term.tz")


def test_problems_never_carry_personal_data() -> None:
    data = _policy_json()
    data["holder"]["phone"] = 13812345678  # a number where a string belongs
    data["holder"]["name"] = ["张三"]
    data["premium"]["amount"] = "110101199003071234X"  # an ID number in the wrong column
    problems = _problems(Policy, data)
    text = " ".join(problems)
    for secret in ("13812345678", "张三", "110101199003071234"):
        assert secret not in text
    assert len(problems) == 3


def test_custom_converters_serialize_user_classes() -> None:
    @attrs.frozen
    class Fee:
        name: str
        amount: Money
        rate: Decimal

    converter = make_converter()
    fee = Fee("stamp duty", Money("5.00", "CNY"), Decimal("0.0005"))
    text = to_json(fee, converter=converter)
    assert json.loads(text) == {
        "name": "stamp duty",
        "amount": {"amount": "5.00", "currency": "CNY"},
        "rate": "0.0005",
    }
    assert from_json(Fee, text, converter=converter) == fee


def test_renewal_cadence_round_trips() -> None:
    cadence = RenewalCadence(pendulum.date(2024, 2, 29), 12, MonthEndRule.NEXT_DAY)
    assert from_json(RenewalCadence, to_json(cadence)) == cadence


def test_non_text_input_is_refused() -> None:
    with pytest.raises(SerializationError, match="expected JSON text"):
        from_json(Money, None)  # type: ignore[arg-type]


def test_bytes_are_read_as_utf8() -> None:
    assert from_json(Money, b'{"amount": "1.00", "currency": "CNY"}') == Money("1", "CNY")


@given(st.decimals(allow_nan=False, allow_infinity=False), currencies())
def test_any_finite_amount_round_trips(value: Decimal, code: str) -> None:
    assume(abs(value.adjusted()) < 1000 and abs(int(value.as_tuple().exponent)) < 1000)
    m = Money(value, code)
    assert from_json(Money, to_json(m)) == m
    assert "E" not in json.loads(to_json(m))["amount"]


def test_naive_instants_are_not_written() -> None:
    @attrs.frozen
    class Stamp:
        at: pendulum.DateTime

    naive = pendulum.naive(2025, 1, 1, 8)
    with pytest.raises(NaiveDateTimeError):
        to_json(Stamp(naive), converter=make_converter())


def test_errors_carry_no_chained_exception_with_the_input() -> None:
    phone = "13812345678"
    for text in (
        '{"amount": "1", "currency": "' + phone + '"',
        '{"amount": "1", "currency": "CNY", "x": "' + phone + '"}',
    ):
        with pytest.raises(SerializationError) as info:
            from_json(Money, text)
        error = info.value
        assert error.__cause__ is None
        assert error.__context__ is None
        assert phone not in "".join(traceback.format_exception(error))


def test_instants_with_second_offsets_round_trip() -> None:
    converter = make_converter()
    lmt = pendulum.datetime(1900, 1, 1, tz="Asia/Shanghai")  # local mean time, +08:05:43
    text = converter.unstructure(lmt)
    assert text.endswith("+08:05:43")
    assert converter.structure(text, pendulum.DateTime) == lmt


def test_null_where_a_string_is_due() -> None:
    assert _problems(Money, {"amount": "1", "currency": None}) == [
        "expected a string, got null @ $.currency"
    ]
