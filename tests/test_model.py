from __future__ import annotations

import datetime as dt
import enum
import logging
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core import model
from renewal_core.errors import (
    CurrencyMismatch,
    DateTypeError,
    InvalidField,
    RenewalError,
    UnknownLocale,
    UnknownTimeZone,
)
from renewal_core.model import (
    Channel,
    ClaimRecord,
    ClaimStatus,
    Coverage,
    IdKind,
    LineOfBusiness,
    Party,
    PartyKind,
    PaymentStatus,
    Policy,
    PolicyStatus,
)
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm

NAME = "张三"
ID_NUMBER = "110101199003071234"
PHONE = "13812345678"
EMAIL = "zhang.san@example.com"
PERSONAL = (NAME, ID_NUMBER, PHONE, EMAIL)

ENUMS: tuple[type[enum.Enum], ...] = (
    Channel,
    ClaimStatus,
    IdKind,
    LineOfBusiness,
    PartyKind,
    PaymentStatus,
    PolicyStatus,
)


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def make_party(**changes: Any) -> Party:
    fields: dict[str, Any] = {
        "party_id": "C-1001",
        "kind": PartyKind.INDIVIDUAL,
        "name": NAME,
        "id_kind": IdKind.RESIDENT_ID,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": EMAIL,
        "locale": "zh_CN",
        "time_zone": "Asia/Shanghai",
        "preferred_channels": (Channel.MOBILE_APP, Channel.SMS),
    }
    fields.update(changes)
    return Party(**fields)


def make_term(start: dt.date = dt.date(2024, 3, 1)) -> PolicyTerm:
    return PolicyTerm.annual(pendulum.Date(start.year, start.month, start.day), "Asia/Shanghai")


def make_coverage(**changes: Any) -> Coverage:
    fields: dict[str, Any] = {
        "code": "third_party_liability",
        "sum_insured": cny("1000000"),
        "premium": cny("1180.00"),
        "deductible": cny("0"),
        "description": "三者险",
    }
    fields.update(changes)
    return Coverage(**fields)


def make_claim(**changes: Any) -> ClaimRecord:
    fields: dict[str, Any] = {
        "claim_id": "CL-1",
        "occurred_on": dt.date(2024, 7, 1),
        "paid": cny("3200.00"),
        "status": ClaimStatus.CLOSED,
        "at_fault": True,
        "fatal": False,
        "reported_on": dt.date(2024, 7, 2),
    }
    fields.update(changes)
    return ClaimRecord(**fields)


def make_policy(**changes: Any) -> Policy:
    fields: dict[str, Any] = {
        "number": "P-2024-0001",
        "holder": make_party(),
        "line_of_business": LineOfBusiness.AUTO,
        "product_code": "AUTO-COMMERCIAL",
        "term": make_term(),
        "status": PolicyStatus.ACTIVE,
        "premium": cny("3560.00"),
        "sales_channel": Channel.AGENT,
        "inception": dt.date(2022, 3, 1),
        "renewal_count": 2,
        "coverages": [make_coverage()],
        "claims": [make_claim()],
        "payment_status": PaymentStatus.PAID,
        "insured": None,
    }
    fields.update(changes)
    return Policy(**fields)


PERSONAL_FIELDS = ("name", "id_number", "phone", "email")


def assert_no_leak(error: BaseException, changes: dict[str, Any] | None = None) -> None:
    """No raw personal value, from the fixtures or from ``changes``, is in the error."""
    text = f"{error} {error!r} {vars(error)}"
    raw = list(PERSONAL)
    for field, value in (changes or {}).items():
        if field in PERSONAL_FIELDS and isinstance(value, str):
            # The domain of an e-mail address is shown on purpose.
            raw.append(value.rpartition("@")[0] if field == "email" else value)
    for value in raw:
        # Values of one character, or without letters or digits, reveal nothing.
        if len(value.strip()) > 1 and any(char.isalnum() for char in value):
            assert value.strip() not in text


# ---------------------------------------------------------------- module


def test_all_is_sorted_complete_and_documented() -> None:
    assert model.__all__ == sorted(model.__all__)
    for name in model.__all__:
        assert getattr(model, name).__doc__


@pytest.mark.parametrize("kind", ENUMS)
def test_enum_values_are_lowercase_names_and_documented(kind: type[enum.Enum]) -> None:
    doc = kind.__doc__ or ""
    for member in kind:
        assert member.value == member.name.lower()
        assert f"{member.name}:" in doc
        assert repr(member) == f"{kind.__name__}.{member.name}"


def test_enum_members() -> None:
    assert [m.name for m in LineOfBusiness] == ["AUTO", "HEALTH", "LIFE", "PROPERTY"]
    assert [m.name for m in PartyKind] == ["INDIVIDUAL", "FAMILY", "ENTERPRISE"]
    assert [m.name for m in IdKind] == [
        "RESIDENT_ID",
        "PASSPORT",
        "UNIFIED_SOCIAL_CREDIT_CODE",
        "OTHER",
    ]
    assert LineOfBusiness.AUTO.value == "auto"
    assert Channel("bancassurance") is Channel.BANCASSURANCE
    assert {"PAID", "PARTIALLY_PAID", "UNPAID", "OVERDUE", "REFUNDED"} <= set(
        PaymentStatus.__members__
    )
    assert {"OPEN", "CLOSED", "DECLINED"} <= set(ClaimStatus.__members__)
    assert {"PENDING", "ACTIVE", "EXPIRED", "IN_GRACE", "LAPSED", "CANCELLED"} <= set(
        PolicyStatus.__members__
    )
    assert {"TERMINATED", "RENEWED"} <= set(PolicyStatus.__members__)
    assert {"ONLINE", "MOBILE_APP", "AGENT", "BROKER", "BRANCH_COUNTER", "PHONE"} <= set(
        Channel.__members__
    )


# ---------------------------------------------------------------- party


def test_party_keeps_real_values_and_masks_its_repr() -> None:
    party = make_party()
    assert party.name == NAME
    assert party.id_number == ID_NUMBER
    assert party.phone == PHONE
    assert party.email == EMAIL
    assert repr(party) == (
        "Party(party_id='C-1001', kind=PartyKind.INDIVIDUAL, name='张*', "
        "id_kind=IdKind.RESIDENT_ID, id_number='110***********1234', phone='138****5678', "
        "email='z***@example.com', locale='zh_CN', time_zone='Asia/Shanghai', "
        "preferred_channels=(Channel.MOBILE_APP, Channel.SMS))"
    )
    assert str(party) == repr(party)
    for value in PERSONAL:
        assert value not in repr(party)


def test_party_minimal_defaults() -> None:
    party = Party("E-1", PartyKind.ENTERPRISE, "平安保险有限公司")
    assert party.id_kind is None
    assert party.id_number is None
    assert party.phone is None
    assert party.email is None
    assert party.locale is None
    assert party.time_zone is None
    assert party.preferred_channels == ()
    assert repr(party) == (
        "Party(party_id='E-1', kind=PartyKind.ENTERPRISE, name='平*******', id_kind=None, "
        "id_number=None, phone=None, email=None, locale=None, time_zone=None, "
        "preferred_channels=())"
    )


def test_party_stores_a_list_of_channels_as_a_tuple() -> None:
    party = make_party(preferred_channels=[Channel.PHONE, Channel.EMAIL])
    assert party.preferred_channels == (Channel.PHONE, Channel.EMAIL)
    assert isinstance(party.preferred_channels, tuple)


def test_party_is_frozen_and_changes_with_evolve() -> None:
    party = make_party()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        party.name = "李四"  # type: ignore[misc]
    changed = attrs.evolve(party, phone="+86 139-0000-1111")
    assert changed.phone == "+86 139-0000-1111"
    assert party.phone == PHONE
    assert attrs.evolve(party) == party
    assert hash(attrs.evolve(party)) == hash(party)


@pytest.mark.parametrize(
    "phone", ["+86 138-1234-5678", "(021) 8765 4321", "021-87654321", "+1 (415) 555.0123", "110"]
)
def test_party_accepts_phone_formats(phone: str) -> None:
    assert make_party(phone=phone).phone == phone


@pytest.mark.parametrize("locale", ["zh_CN", "en", "zh_Hans_CN", "de_DE"])
def test_party_accepts_locales_and_stores_them_as_given(locale: str) -> None:
    assert make_party(locale=locale).locale == locale


def test_party_stores_the_time_zone_name() -> None:
    party = make_party(time_zone="Europe/Berlin")
    assert party.time_zone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"party_id": 1001}, "party_id", "must be a str, not int"),
        ({"party_id": ""}, "party_id", "must not be empty"),
        ({"party_id": " C-1"}, "party_id", "(got ' C-1'); strip it first"),
        ({"kind": "individual"}, "kind", "convert it with PartyKind('individual')"),
        ({"kind": "ENTERPRISE"}, "kind", "use PartyKind.ENTERPRISE"),
        ({"kind": NAME}, "kind", "(INDIVIDUAL, FAMILY or ENTERPRISE), not str"),
        ({"kind": None}, "kind", "not NoneType"),
        ({"name": ""}, "name", "must not be empty"),
        ({"name": 42}, "name", "must be a str, not int"),
        ({"name": f" {NAME}"}, "name", "(got ' 张*')"),
        ({"name": f"{NAME}\n"}, "name", "(got '张*\\n')"),
        ({"id_kind": "resident_id"}, "id_kind", "convert it with IdKind('resident_id')"),
        ({"id_kind": None}, "id_kind", "an id_number ('110***********1234') needs its id_kind"),
        ({"id_number": None}, "id_number", "IdKind.RESIDENT_ID is given without an id_number"),
        ({"id_number": ""}, "id_number", "must not be empty"),
        ({"id_number": f"{ID_NUMBER} "}, "id_number", "(got '110************234 ')"),
        ({"id_number": 110101199003071234}, "id_number", "must be a str, not int"),
        ({"phone": f"{PHONE} "}, "phone", "must not start or end with whitespace"),
        ({"phone": f"{PHONE}x"}, "phone", "'138*****678x'"),
        ({"phone": f"{PHONE}x"}, "phone", "is not a phone number"),
        ({"phone": "１３８１２３４５６７８"}, "phone", "is not a phone number"),  # noqa: RUF001 - full-width digits are the point
        ({"phone": "138+12345678"}, "phone", "is not a phone number"),
        ({"phone": "+ - ()"}, "phone", "is not a phone number"),
        ({"phone": 13812345678}, "phone", "must be a str, not int"),
        ({"email": "zhang.san"}, "email", "'***' is not an e-mail address"),
        ({"email": "zhang.san@"}, "email", "'z***@' is not an e-mail address"),
        ({"email": "@example.com"}, "email", "'***@example.com' is not an e-mail address"),
        ({"email": "zhang san@example.com"}, "email", "'z***@example.com' is not an e-mail"),
        ({"email": f" {EMAIL}"}, "email", "must not start or end with whitespace"),
        ({"locale": 5}, "locale", "must be a str such as 'zh_CN', not int"),
        ({"time_zone": pendulum.timezone("Asia/Shanghai")}, "time_zone", "not Timezone"),
        ({"preferred_channels": "online"}, "preferred_channels", "a list or a tuple, not str"),
        ({"preferred_channels": {Channel.SMS}}, "preferred_channels", "not set"),
        ({"preferred_channels": ["sms"]}, "preferred_channels[0]", "Channel('sms')"),
        (
            {"preferred_channels": [Channel.SMS, Channel.PHONE, Channel.SMS]},
            "preferred_channels[2]",
            "repeats the channel Channel.SMS",
        ),
    ],
)
def test_party_refuses_bad_fields_without_leaking(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        make_party(**changes)
    error = caught.value
    assert error.owner == "Party"
    assert error.field == field
    assert fragment in str(error)
    assert str(error).startswith(f"Party.{field}: ")
    assert isinstance(error, ValueError)
    assert isinstance(error, RenewalError)
    assert_no_leak(error, changes)


@pytest.mark.parametrize("locale", ["xx_YY", "zh-CN", "", " zh_CN", "C"])
def test_party_refuses_unknown_locales(locale: str) -> None:
    with pytest.raises(UnknownLocale) as caught:
        make_party(locale=locale)
    assert caught.value.given == repr(locale)
    assert_no_leak(caught.value)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "+08:00", "", "asia/shanghai?"])
def test_party_refuses_unknown_time_zones(zone: str) -> None:
    with pytest.raises(UnknownTimeZone):
        make_party(time_zone=zone)


def test_validation_runs_again_on_evolve() -> None:
    with pytest.raises(InvalidField) as caught:
        attrs.evolve(make_party(), phone="call me")
    assert "call me" not in str(caught.value)


# ---------------------------------------------------------------- coverage


def test_coverage() -> None:
    coverage = make_coverage()
    assert coverage.sum_insured == cny("1000000")
    assert coverage.premium == cny("1180.00")
    assert coverage.deductible == cny("0")
    assert coverage.description == "三者险"
    minimal = Coverage("fire", Money("500000", "USD"))
    assert (minimal.premium, minimal.deductible, minimal.description) == (None, None, "")
    assert attrs.evolve(coverage) == coverage


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"code": ""}, "code", "must not be empty"),
        ({"code": "tpl "}, "code", "(got 'tpl ')"),
        ({"sum_insured": cny("0")}, "sum_insured", "must be greater than zero, not 0 CNY"),
        ({"sum_insured": cny("-1")}, "sum_insured", "must be greater than zero"),
        ({"sum_insured": Decimal(1000)}, "sum_insured", "must be a Money, not Decimal"),
        ({"premium": cny("-0.01")}, "premium", "must not be negative, not -0.01 CNY"),
        ({"premium": 100}, "premium", "must be a Money, not int"),
        ({"deductible": cny("-500")}, "deductible", "must not be negative"),
        ({"description": None}, "description", "must be a str, not NoneType"),
    ],
)
def test_coverage_refuses_bad_fields(changes: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidField) as caught:
        make_coverage(**changes)
    assert (caught.value.owner, caught.value.field) == ("Coverage", field)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("field", ["premium", "deductible"])
def test_coverage_refuses_mixed_currencies(field: str) -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        make_coverage(**{field: Money("10", "USD")})
    assert (caught.value.expected, caught.value.actual) == ("CNY", "USD")
    assert f"a Coverage whose sum_insured and {field} are CNY and USD" in str(caught.value)


# ---------------------------------------------------------------- claim


def test_claim_converts_dates_to_pendulum() -> None:
    claim = make_claim()
    assert type(claim.occurred_on) is pendulum.Date
    assert type(claim.reported_on) is pendulum.Date
    assert claim.occurred_on == pendulum.Date(2024, 7, 1)
    assert claim.reported_on == pendulum.Date(2024, 7, 2)
    day = pendulum.Date(2024, 7, 1)
    assert make_claim(occurred_on=day, reported_on=day).occurred_on is day
    minimal = ClaimRecord("CL-2", day, cny("0"), ClaimStatus.OPEN)
    assert (minimal.at_fault, minimal.fatal, minimal.reported_on) == (None, False, None)
    assert attrs.evolve(claim) == claim


@pytest.mark.parametrize("field", ["occurred_on", "reported_on"])
@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2024, 7, 1, 9, 30, tzinfo=dt.UTC),
        pendulum.datetime(2024, 7, 1, tz="Asia/Shanghai"),
        "2024-07-01",
        20240701,
    ],
)
def test_claim_refuses_datetimes_and_non_dates(field: str, value: object) -> None:
    with pytest.raises(DateTypeError) as caught:
        make_claim(**{field: value})
    assert caught.value.parameter == f"ClaimRecord.{field}"
    assert caught.value.given_type == type(value).__name__


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"claim_id": ""}, "claim_id", "must not be empty"),
        ({"paid": cny("-1")}, "paid", "must not be negative"),
        ({"paid": "3200"}, "paid", "must be a Money, not str"),
        ({"status": "open"}, "status", "convert it with ClaimStatus('open')"),
        ({"at_fault": 1}, "at_fault", "must be True or False, not int"),
        ({"fatal": None}, "fatal", "must be True or False, not NoneType"),
        (
            {"occurred_on": dt.date(2024, 7, 2), "reported_on": dt.date(2024, 7, 1)},
            "reported_on",
            "2024-07-01 is before occurred_on 2024-07-02",
        ),
    ],
)
def test_claim_refuses_bad_fields(changes: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidField) as caught:
        make_claim(**changes)
    assert (caught.value.owner, caught.value.field) == ("ClaimRecord", field)
    assert fragment in str(caught.value)


def test_claim_may_be_reported_on_the_day_it_occurred() -> None:
    claim = make_claim(reported_on=dt.date(2024, 7, 1))
    assert claim.reported_on == claim.occurred_on


# ---------------------------------------------------------------- policy


def test_policy() -> None:
    policy = make_policy()
    assert policy.currency == "CNY"
    assert policy.inception == pendulum.Date(2022, 3, 1)
    assert type(policy.inception) is pendulum.Date
    assert isinstance(policy.coverages, tuple)
    assert isinstance(policy.claims, tuple)
    assert policy.holder.phone == PHONE
    assert attrs.evolve(policy) == policy
    renewed = attrs.evolve(policy, renewal_count=3, status=PolicyStatus.RENEWED)
    assert (renewed.renewal_count, policy.renewal_count) == (3, 2)


def test_policy_defaults() -> None:
    term = make_term()
    policy = Policy(
        "P-1",
        make_party(),
        LineOfBusiness.HEALTH,
        "MED-1",
        term,
        PolicyStatus.PENDING,
        Money("0", "JPY"),
        Channel.ONLINE,
        term.start,
    )
    assert policy.renewal_count == 0
    assert policy.coverages == ()
    assert policy.claims == ()
    assert policy.payment_status is PaymentStatus.PAID
    assert policy.insured is None
    assert policy.currency == "JPY"


def test_policy_repr_masks_its_parties() -> None:
    insured = Party("C-2", PartyKind.INDIVIDUAL, "欧阳娜娜", phone="13900001111")
    policy = make_policy(insured=insured)
    text = repr(policy)
    assert str(policy) == text
    assert text.startswith("Policy(number='P-2024-0001', holder=Party(party_id='C-1001', ")
    assert "name='张*'" in text
    assert "name='欧***'" in text
    assert "phone='139****1111'" in text
    for value in (*PERSONAL, "欧阳娜娜", "13900001111"):
        assert value not in text


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"number": ""}, "number", "must not be empty"),
        ({"number": " P-1"}, "number", "(got ' P-1')"),
        ({"holder": {"name": NAME, "phone": PHONE}}, "holder", "must be a Party, not dict"),
        ({"holder": NAME}, "holder", "must be a Party, not str"),
        ({"line_of_business": "auto"}, "line_of_business", "LineOfBusiness('auto')"),
        ({"line_of_business": "车险"}, "line_of_business", "(AUTO, HEALTH, LIFE or PROPERTY)"),
        ({"product_code": 7}, "product_code", "must be a str, not int"),
        ({"term": (dt.date(2024, 3, 1), dt.date(2025, 2, 28))}, "term", "PolicyTerm, not tuple"),
        ({"status": "active"}, "status", "PolicyStatus('active')"),
        ({"premium": cny("-1")}, "premium", "must not be negative"),
        ({"premium": Decimal("3560")}, "premium", "must be a Money, not Decimal"),
        ({"sales_channel": "agent"}, "sales_channel", "Channel('agent')"),
        ({"sales_channel": "WeChat"}, "sales_channel", "SMS, EMAIL or OTHER), not str"),
        ({"inception": dt.date(2024, 3, 2)}, "inception", "2024-03-02 is after the start"),
        ({"renewal_count": True}, "renewal_count", "must be an int, not bool"),
        ({"renewal_count": "2"}, "renewal_count", "must be an int, not str"),
        ({"renewal_count": -1}, "renewal_count", "must not be negative, not -1"),
        ({"coverages": make_coverage()}, "coverages", "a list or a tuple, not Coverage"),
        ({"coverages": [make_coverage(), "fire"]}, "coverages[1]", "must be a Coverage, not str"),
        (
            {"coverages": [make_coverage(), make_coverage(premium=None)]},
            "coverages[1]",
            "repeats the coverage code 'third_party_liability'",
        ),
        ({"claims": None}, "claims", "a list or a tuple, not NoneType"),
        ({"claims": [{"claim_id": "CL-1"}]}, "claims[0]", "must be a ClaimRecord, not dict"),
        (
            {"claims": (make_claim(), make_claim(paid=cny("1")))},
            "claims[1]",
            "repeats the claim_id 'CL-1'",
        ),
        ({"payment_status": "paid"}, "payment_status", "PaymentStatus('paid')"),
        ({"insured": NAME}, "insured", "must be a Party, not str"),
    ],
)
def test_policy_refuses_bad_fields_without_leaking(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        make_policy(**changes)
    assert (caught.value.owner, caught.value.field) == ("Policy", field)
    assert fragment in str(caught.value)
    assert_no_leak(caught.value)


@pytest.mark.parametrize(
    "value",
    [dt.datetime(2022, 3, 1, tzinfo=dt.UTC), "2022-03-01", None],
)
def test_policy_refuses_an_inception_that_is_not_a_day(value: object) -> None:
    with pytest.raises(DateTypeError) as caught:
        make_policy(inception=value)
    assert caught.value.parameter == "Policy.inception"


def test_policy_inception_may_be_the_term_start() -> None:
    policy = make_policy(inception=dt.date(2024, 3, 1), renewal_count=0)
    assert policy.inception == policy.term.start


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        (
            {
                "coverages": [
                    make_coverage(sum_insured=Money("1", "USD"), premium=None, deductible=None)
                ]
            },
            "coverages[0].sum_insured",
        ),
        (
            {
                "coverages": [
                    make_coverage(
                        sum_insured=Money("1", "USD"), premium=Money("1", "USD"), deductible=None
                    )
                ]
            },
            "coverages[0].sum_insured",
        ),
        (
            {
                "coverages": [
                    make_coverage(),
                    make_coverage(
                        code="glass",
                        sum_insured=Money("1", "USD"),
                        premium=None,
                        deductible=Money("0", "USD"),
                    ),
                ]
            },
            "coverages[1].sum_insured",
        ),
        (
            {"claims": [make_claim(), make_claim(claim_id="CL-2", paid=Money("5", "USD"))]},
            "claims[1].paid",
        ),
    ],
)
def test_policy_refuses_mixed_currencies(changes: dict[str, Any], where: str) -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        make_policy(**changes)
    assert (caught.value.expected, caught.value.actual) == ("CNY", "USD")
    assert f"build a Policy whose premium and {where} are CNY and USD" in str(caught.value)


def test_policy_refuses_a_coverage_premium_in_another_currency() -> None:
    coverage = make_coverage(
        sum_insured=Money("100", "USD"), premium=Money("1", "USD"), deductible=None
    )
    with pytest.raises(CurrencyMismatch) as caught:
        make_policy(premium=Money("1", "USD"), coverages=[coverage], claims=[make_claim()])
    assert "premium and claims[0].paid are USD and CNY" in str(caught.value)


# ---------------------------------------------------------------- logging


def test_logging_shows_masked_values_only(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("renewal_core.tests.model")
    party = make_party()
    policy = make_policy()
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("party %r", party)
        logger.info("party %s", party)
        logger.info("policy %r", policy)
        logger.info("policy %s", policy)
        logger.info("party %s and policy %r", party, policy)
    assert len(caplog.records) == 5
    assert "138****5678" in caplog.text
    assert "110***********1234" in caplog.text
    assert "z***@example.com" in caplog.text
    for value in PERSONAL:
        assert value not in caplog.text
        for record in caplog.records:
            assert value not in record.getMessage()


# ---------------------------------------------------------------- properties

id_numbers = st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True)
phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
emails = st.from_regex(r"[a-z0-9._]{2,12}@example\.(com|cn)", fullmatch=True)
names = (
    st.text(st.characters(categories=["Lo", "Lu", "Ll"]) | st.just(" "), max_size=12)
    .map(str.strip)
    .filter(bool)
)
# Chinese names: their characters never occur in the fixed text of a message.
chinese_names = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=4
)
codes = st.from_regex(r"[A-Z]{1,3}-[0-9]{1,6}", fullmatch=True)


@st.composite
def parties(draw: st.DrawFn) -> Party:
    with_id = draw(st.booleans())
    return Party(
        party_id=draw(codes),
        kind=draw(st.sampled_from(PartyKind)),
        name=draw(names),
        id_kind=draw(st.sampled_from(IdKind)) if with_id else None,
        id_number=draw(id_numbers) if with_id else None,
        phone=draw(st.none() | phones),
        email=draw(st.none() | emails),
        locale=draw(st.none() | st.sampled_from(["zh_CN", "en_US", "de_DE", "zh_Hant_HK"])),
        time_zone=draw(st.none() | st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "UTC"])),
        preferred_channels=draw(st.lists(st.sampled_from(Channel), unique=True, max_size=4)),
    )


days = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))
amounts = st.integers(0, 10**9).map(lambda units: cny(str(Decimal(units).scaleb(-2))))


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    start = draw(days)
    inception = draw(st.dates(dt.date(1990, 1, 1), start))
    coverage_codes = draw(st.lists(codes, unique=True, max_size=3))
    claim_ids = draw(st.lists(codes, unique=True, max_size=3))
    coverages = [
        Coverage(
            code,
            draw(amounts.filter(lambda m: m.is_positive())),
            premium=draw(st.none() | amounts),
            deductible=draw(st.none() | amounts),
        )
        for code in coverage_codes
    ]
    claims = []
    for claim_id in claim_ids:
        occurred = draw(days)
        claims.append(
            ClaimRecord(
                claim_id,
                occurred,
                draw(amounts),
                draw(st.sampled_from(ClaimStatus)),
                at_fault=draw(st.none() | st.booleans()),
                fatal=draw(st.booleans()),
                reported_on=draw(st.none() | st.dates(occurred, dt.date(2041, 12, 31))),
            )
        )
    return Policy(
        number=draw(codes),
        holder=draw(parties()),
        line_of_business=draw(st.sampled_from(LineOfBusiness)),
        product_code=draw(codes),
        term=PolicyTerm(start, start + dt.timedelta(days=draw(st.integers(0, 400))), "UTC"),
        status=draw(st.sampled_from(PolicyStatus)),
        premium=draw(amounts),
        sales_channel=draw(st.sampled_from(Channel)),
        inception=inception,
        renewal_count=draw(st.integers(0, 50)),
        coverages=coverages,
        claims=claims,
        payment_status=draw(st.sampled_from(PaymentStatus)),
        insured=draw(st.none() | parties()),
    )


@given(parties())
def test_party_round_trips_through_evolve(party: Party) -> None:
    assert attrs.evolve(party) == party
    assert attrs.evolve(party, **attrs.asdict(party, recurse=False)) == party


@given(policies())
def test_policy_round_trips_through_evolve(policy: Policy) -> None:
    assert attrs.evolve(policy) == policy
    assert attrs.evolve(policy, **attrs.asdict(policy, recurse=False)) == policy
    assert hash(attrs.evolve(policy)) == hash(policy)


@given(parties())
def test_party_repr_never_contains_raw_personal_data(party: Party) -> None:
    text = repr(party)
    assert str(party) == text
    for value in (party.id_number, party.phone, party.email):
        if value is not None:
            assert value not in text
    if len(party.name) > 1:
        assert repr(party.name) not in text


@given(policies())
def test_policy_repr_never_contains_raw_personal_data(policy: Policy) -> None:
    text = repr(policy)
    for party in (policy.holder, policy.insured):
        if party is not None:
            for value in (party.id_number, party.phone, party.email):
                if value is not None:
                    assert value not in text


@given(
    st.sampled_from(["name", "id_number", "phone", "email"]),
    st.sampled_from([" ", "\t", "\n", "\u3000"]),
    st.booleans(),
    st.data(),
)
def test_error_messages_never_contain_raw_personal_data(
    field: str, space: str, leading: bool, data: st.DataObject
) -> None:
    raw = data.draw(
        {"name": chinese_names, "id_number": id_numbers, "phone": phones, "email": emails}[field]
    )
    bad = f"{space}{raw}" if leading else f"{raw}{space}"
    with pytest.raises(InvalidField) as caught:
        make_party(**{field: bad})
    message = str(caught.value)
    assert caught.value.field == field
    assert raw not in message
    assert raw not in caught.value.reason
