"""The strategies behind :mod:`renewal_core.testing`."""

from __future__ import annotations

import decimal
import string
from datetime import date
from decimal import Decimal

import pendulum
from hypothesis import strategies as st

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
from renewal_core.money import Money, minor_units
from renewal_core.periods import MonthEndRule, PolicyTerm, add_months, anniversary

#: A spread of currencies with 0, 2, 3 and 4 minor units.
SAMPLE_CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "KRW", "KWD", "BHD", "CLF")


def currencies() -> st.SearchStrategy[str]:
    """Currency codes with 0, 2, 3 and 4 decimals (CNY, JPY, KWD, CLF, ...)."""
    return st.sampled_from(SAMPLE_CURRENCIES)


def amounts(
    *, places: int = 2, max_units: int = 10**12, allow_negative: bool = True
) -> st.SearchStrategy[Decimal]:
    """Decimals with exactly ``places`` decimals and at most ``max_units`` minor units.

    Built from integers, so every value is exact and shrinks towards zero.
    """
    low = -max_units if allow_negative else 0
    # scaleb in an exact context: the caller's thread context must not round values.
    exact = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    return st.integers(low, max_units).map(lambda units: Decimal(units).scaleb(-places, exact))


def money(
    *,
    currency: str | None = None,
    max_units: int = 10**12,
    allow_negative: bool = True,
    extra_places: int = 0,
) -> st.SearchStrategy[Money]:
    """Money values, exact in minor units unless ``extra_places`` asks for finer ones.

    Args:
        currency: one currency, or ``None`` for any of :func:`currencies`.
        max_units: the largest magnitude, in units of the smallest decimal generated.
        allow_negative: whether negative amounts are generated.
        extra_places: decimals beyond the currency's minor unit (to exercise rounding).
    """
    codes = st.just(currency) if currency is not None else currencies()

    def build(code: str) -> st.SearchStrategy[Money]:
        places = minor_units(code) + extra_places
        return amounts(places=places, max_units=max_units, allow_negative=allow_negative).map(
            lambda amount: Money(amount, code)
        )

    return codes.flatmap(build)


#: IANA zones with and without daylight saving time, including zones whose
#: midnight has been skipped or repeated.
SAMPLE_TIME_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Tokyo",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Havana",
    "Australia/Sydney",
    "Pacific/Apia",
    "UTC",
)


def time_zones() -> st.SearchStrategy[str]:
    """IANA time zone names, with and without daylight saving time."""
    return st.sampled_from(SAMPLE_TIME_ZONES)


def days(
    *, min_value: date = date(1950, 1, 1), max_value: date = date(2100, 12, 31)
) -> st.SearchStrategy[pendulum.Date]:
    """Calendar days as :class:`pendulum.Date`, leap days included."""
    return st.dates(min_value, max_value).map(lambda d: pendulum.Date(d.year, d.month, d.day))


def policy_terms(
    *,
    tz: str | None = None,
    min_start: date = date(1990, 1, 1),
    max_start: date = date(2060, 12, 31),
) -> st.SearchStrategy[PolicyTerm]:
    """Policy terms: annual, monthly (1-36 months) and explicit spans of 1-800 days.

    Starts on the 29th to the 31st and on 29 February are favoured, since that is
    where month arithmetic goes wrong.
    """
    zones = st.just(tz) if tz is not None else time_zones()
    starts = st.one_of(
        days(min_value=min_start, max_value=max_start),
        st.sampled_from(
            [
                pendulum.Date(2024, 2, 29),
                pendulum.Date(2028, 2, 29),
                pendulum.Date(2025, 1, 31),
                pendulum.Date(2025, 8, 31),
                pendulum.Date(2023, 12, 31),
            ]
        ),
    )
    rules = st.sampled_from(MonthEndRule)
    annual = st.builds(
        lambda start, zone, rule: PolicyTerm.annual(start, zone, rule=rule), starts, zones, rules
    )
    monthly = st.builds(
        lambda start, n, zone, rule: PolicyTerm.months(start, n, zone, rule=rule),
        starts,
        st.integers(1, 36),
        zones,
        rules,
    )
    explicit = st.builds(
        lambda start, length, zone: PolicyTerm(start, start.add(days=length - 1), zone),
        starts,
        st.integers(1, 800),
        zones,
    )
    return st.one_of(annual, monthly, explicit)


_ASCII_WORDS = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
_CHINESE_NAMES = st.text(
    alphabet="张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高梁欧阳伟芳娜敏静丽强磊军洋",
    min_size=2,
    max_size=4,
)


def _resident_ids() -> st.SearchStrategy[str]:
    return st.builds(
        lambda region, born, seq, check: f"{region:06d}{born:%Y%m%d}{seq:03d}{check}",
        st.integers(110000, 659999),
        st.dates(date(1940, 1, 1), date(2010, 12, 31)),
        st.integers(0, 999),
        st.sampled_from("0123456789X"),
    )


def _phones() -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, rest: f"1{prefix}{rest:09d}",
        st.sampled_from("3456789"),
        st.integers(0, 10**9 - 1),
    )


def parties(*, kind: PartyKind | None = None) -> st.SearchStrategy[Party]:
    """Valid parties with random (fake) personal data, some fields left out."""
    kinds = st.just(kind) if kind is not None else st.sampled_from(PartyKind)
    names = st.one_of(
        _CHINESE_NAMES, st.builds(lambda a, b: f"{a} {b}", _ASCII_WORDS, _ASCII_WORDS)
    )
    identity = st.one_of(
        st.just((None, None)),
        _resident_ids().map(lambda number: (IdKind.RESIDENT_ID, number)),
        st.text(alphabet=string.ascii_uppercase + string.digits, min_size=8, max_size=12).map(
            lambda number: (IdKind.PASSPORT, number)
        ),
    )
    emails = st.builds(lambda local, domain: f"{local}@{domain}.com", _ASCII_WORDS, _ASCII_WORDS)
    return st.builds(
        lambda party_id, kind, name, ident, phone, email, locale, zone, channels: Party(
            party_id,
            kind,
            name,
            id_kind=ident[0],
            id_number=ident[1],
            phone=phone,
            email=email,
            locale=locale,
            time_zone=zone,
            preferred_channels=channels,
        ),
        st.integers(1, 10**9).map(lambda n: f"P-{n}"),
        kinds,
        names,
        identity,
        st.none() | _phones(),
        st.none() | emails,
        st.sampled_from([None, "zh_CN", "en_US", "zh_Hant_HK"]),
        st.none() | time_zones(),
        st.lists(st.sampled_from(Channel), unique=True, max_size=3),
    )


def _non_negative(currency: str) -> st.SearchStrategy[Money]:
    return money(currency=currency, allow_negative=False, max_units=10**10)


@st.composite
def coverages(draw: st.DrawFn, *, currency: str = "CNY") -> Coverage:
    """Valid coverages in ``currency`` (a deductible never above the sum insured)."""
    sum_insured = draw(
        money(currency=currency, allow_negative=False, max_units=10**12).filter(Money.is_positive)
    )
    deductible_units = draw(st.none() | st.integers(0, sum_insured.to_minor_units()))
    return Coverage(
        code=draw(
            st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=20).filter(
                lambda code: code.strip("_") == code
            )
        ),
        sum_insured=sum_insured,
        premium=draw(st.none() | _non_negative(currency)),
        deductible=None
        if deductible_units is None
        else Money.from_minor_units(deductible_units, currency),
    )


def claim_records(*, currency: str = "CNY") -> st.SearchStrategy[ClaimRecord]:
    """Valid claim records in ``currency``."""
    return st.builds(
        lambda claim_id, occurred, delay, paid, status, at_fault, fatal: ClaimRecord(
            claim_id,
            occurred,
            paid,
            status,
            at_fault=at_fault,
            fatal=fatal,
            reported_on=None if delay is None else occurred.add(days=delay),
        ),
        st.integers(1, 10**9).map(lambda n: f"CL-{n}"),
        days(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
        st.none() | st.integers(0, 400),
        _non_negative(currency),
        st.sampled_from(ClaimStatus),
        st.none() | st.booleans(),
        st.booleans(),
    )


@st.composite
def policies(draw: st.DrawFn, *, currency: str = "CNY") -> Policy:
    """Valid policies in ``currency``, with holders, coverages and claims.

    The term is an annual or monthly term some renewals after the inception date
    (its cadence anchored on that date), or an explicit term that starts on or after
    it.
    """
    zone = draw(time_zones())
    inception = draw(
        st.one_of(
            days(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
            st.sampled_from([pendulum.Date(2024, 2, 29), pendulum.Date(2020, 1, 31)]),
        )
    )
    renewals = draw(st.integers(0, 20))
    rule = draw(st.sampled_from(MonthEndRule))
    shape = draw(st.sampled_from(["annual", "monthly", "explicit"]))
    if shape == "annual":
        start = anniversary(inception, renewals, rule)
        term = PolicyTerm.annual(start, zone, inception=inception, rule=rule)
    elif shape == "monthly":
        months = draw(st.integers(1, 36))
        start = add_months(inception, months * renewals, rule)
        term = PolicyTerm.months(start, months, zone, inception=inception, rule=rule)
    else:
        start = inception.add(days=draw(st.integers(0, 3000)))
        term = PolicyTerm(start, start.add(days=draw(st.integers(0, 800))), zone)
    return Policy(
        number=f"POL-{draw(st.integers(1, 10**12))}",
        holder=draw(parties()),
        line_of_business=draw(st.sampled_from(LineOfBusiness)),
        product_code=draw(
            st.sampled_from(["AUTO-COMM", "AUTO-CTPL", "HEALTH-MED", "LIFE-TERM", "PROP-HOME"])
        ),
        term=term,
        status=draw(st.sampled_from(PolicyStatus)),
        premium=draw(_non_negative(currency)),
        sales_channel=draw(st.sampled_from(Channel)),
        inception=inception,
        renewal_count=renewals,
        coverages=draw(
            st.lists(coverages(currency=currency), max_size=3, unique_by=lambda c: c.code)
        ),
        claims=draw(
            st.lists(claim_records(currency=currency), max_size=3, unique_by=lambda c: c.claim_id)
        ),
        payment_status=draw(st.sampled_from(PaymentStatus)),
        insured=draw(st.none() | parties()),
    )
