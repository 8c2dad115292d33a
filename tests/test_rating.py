"""Tests for renewal_core.pricing.rating.

Expected figures are worked out by hand (the arithmetic is in the comments), or
computed by the small reference code in this file (exact ``Fraction`` arithmetic and
half-up rounding in integers), never by the code under test.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, loose, make_coverage, make_policy
from renewal_core.errors import (
    ArgumentTypeError,
    CurrencyMismatch,
    DateOutOfRange,
    DateTypeError,
    InvalidField,
    InvalidRounding,
    InvalidTerm,
    RateLookupError,
    UnknownCurrency,
)
from renewal_core.model import LineOfBusiness
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.presets.cn_short_rate import PROPERTY_SHORT_RATE
from renewal_core.pricing.rating import (
    BasePremium,
    Charge,
    Factor,
    Quote,
    QuoteLine,
    QuoteStep,
    RateCap,
    RatedRisk,
    RateTable,
    RatingPlan,
    RoundAt,
    SumInsuredRate,
    TableVersion,
    quote,
    verify_quote,
)
from renewal_core.pricing.refunds import ShortRateTable
from renewal_core.reasons import Severity

D = pendulum.date
ZONE = "Asia/Shanghai"
EPOCH = D(1990, 1, 1)
YEAR_2025 = PolicyTerm.annual(D(2025, 3, 1), ZONE)  # 2025-03-01 to 2026-02-28, 365 days
AS_OF = D(2025, 2, 10)
PHONE = "13812345678"
NAME = "张三"


class Use(enum.Enum):
    PRIVATE = "private"
    COMMERCIAL = "commercial"


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def table(
    name: str,
    rates: Mapping[Any, Decimal | int | Money],
    *,
    version: str = "v1",
    on: dt.date = EPOCH,
    banded: bool = False,
) -> RateTable:
    return RateTable(name, [TableVersion(version, on, rates, banded=banded)])


def flat_rate_plan(rate: str = "0.012", currency: str = "CNY", **settings: Any) -> RatingPlan:
    """A plan whose base is the sum insured times ``rate``, with no factors by default."""
    return RatingPlan(
        "flat", currency, SumInsuredRate(table("rate", {(): Decimal(rate)})), **settings
    )


def flat_premium_plan(premium: Money, **settings: Any) -> RatingPlan:
    """A plan whose base premium is ``premium`` for every risk."""
    return RatingPlan(
        "premium", premium.currency, BasePremium(table("premium", {(): premium})), **settings
    )


def insured(amount: str, *, expiring: Money | None = None, **attributes: Any) -> RatedRisk:
    return RatedRisk(attributes, sum_insured=cny(amount), expiring_premium=expiring)


def short(start: dt.date, end: dt.date) -> PolicyTerm:
    return PolicyTerm(start, end, ZONE)


def steps(result: Quote) -> list[str]:
    return [line.step.value for line in result.breakdown]


def line_of(result: Quote, step: QuoteStep) -> QuoteLine:
    (found,) = [line for line in result.breakdown if line.step is step]
    return found


def fails(error: type[Exception], fragment: str) -> Any:
    """``pytest.raises`` for ``error`` whose message contains ``fragment`` literally."""
    return pytest.raises(error, match=re.escape(fragment))


# --------------------------------------------------------------------------- reference


def ref_round(value: Fraction, decimals: int) -> int:
    """Reference rounding of a non-negative exact value to minor units, half up."""
    scale: int = 10**decimals
    halved = value * scale + Fraction(1, 2)
    return halved.numerator // halved.denominator


def ref_year_days(start: dt.date) -> int:
    """Days from ``start`` to the same day a year later (``start.day`` <= 28 here)."""
    return (start.replace(year=start.year + 1) - start).days


def units(money: Money) -> int:
    """An amount in whole minor units (the amounts compared are whole)."""
    numerator, denominator = money.amount.as_integer_ratio()
    decimals = {"JPY": 0, "KWD": 3, "BHD": 3}.get(money.currency, 2)
    scale: int = 10**decimals
    scaled = Fraction(numerator, denominator) * scale
    assert scaled.denominator == 1, f"{money} is not in whole minor units"
    return scaled.numerator


# --------------------------------------------------------------------------- worked: CTPL


def ctpl_plan() -> RatingPlan:
    # The base premium by (vehicle use, lower bound of the seats band): a private car
    # under 6 seats pays 950.00, from 6 seats 1,100.00. The floating factor by
    # accident-free years, banded: 0 -> 1.00, 1 -> 0.90, 2 -> 0.80, 3 and up -> 0.70.
    base = RateTable(
        "ctpl_base",
        [
            TableVersion(
                "2008",
                D(2008, 2, 1),
                {
                    (Use.PRIVATE, 1): cny("950.00"),
                    (Use.PRIVATE, 6): cny("1100.00"),
                    (Use.COMMERCIAL, 1): cny("1800.00"),
                },
                banded=True,
            )
        ],
    )
    floats = RateTable(
        "ctpl_float",
        [
            TableVersion(
                "2007",
                D(2007, 7, 1),
                {0: Decimal("1.00"), 1: Decimal("0.90"), 2: Decimal("0.80"), 3: Decimal("0.70")},
                banded=True,
            )
        ],
    )
    return RatingPlan(
        "ctpl",
        "CNY",
        BasePremium(base, key=("use", "seats")),
        factors=[Factor("float", floats, "accident_free_years")],
    )


def ctpl_risk(seats: int, years: int, use: Use = Use.PRIVATE) -> RatedRisk:
    return RatedRisk({"use": use, "seats": seats, "accident_free_years": years})


def test_ctpl_private_car_five_seats_three_accident_free_years() -> None:
    # 5 seats fall in the band from 1 seat: 950.00; 3 years: 0.70.
    # 950.00 x 0.70 = 665.0000, rounded once at the end: 665.00.
    result = quote(ctpl_risk(5, 3), ctpl_plan(), term=YEAR_2025, as_of=AS_OF)
    assert result.premium == cny("665.00")
    assert result.total == cny("665.00")
    assert (result.fees, result.taxes) == (cny("0"), cny("0"))
    assert steps(result) == ["base", "factor", "rounding"]
    base, factor, rounding = result.breakdown
    assert (base.name, base.table, base.version) == ("base", "ctpl_base", "2008")
    assert base.inputs == (("use", Use.PRIVATE), ("seats", 5))
    assert base.coefficient is None
    assert base.amount == cny("950.00")
    assert base.rounding is None
    assert (factor.name, factor.table, factor.version) == ("float", "ctpl_float", "2007")
    assert factor.inputs == (("accident_free_years", 3),)
    assert factor.coefficient == Decimal("0.70")
    assert factor.rounding is None
    assert (rounding.amount, rounding.rounding) == (cny("665.00"), ROUND_HALF_UP)
    assert str(result.premium.amount) == "665.00"


@pytest.mark.parametrize(
    ("seats", "years", "use", "premium"),
    [
        (6, 3, Use.PRIVATE, "770.00"),  # 1,100.00 x 0.70
        (9, 3, Use.PRIVATE, "770.00"),  # still the band from 6 seats
        (1, 0, Use.PRIVATE, "950.00"),  # 950.00 x 1.00
        (5, 1, Use.PRIVATE, "855.00"),  # 950.00 x 0.90
        (5, 2, Use.PRIVATE, "760.00"),  # 950.00 x 0.80
        (5, 10, Use.PRIVATE, "665.00"),  # 10 years fall in the band from 3
        (40, 2, Use.COMMERCIAL, "1440.00"),  # 1,800.00 x 0.80
    ],
)
def test_ctpl_bands(seats: int, years: int, use: Use, premium: str) -> None:
    result = quote(ctpl_risk(seats, years, use), ctpl_plan(), term=YEAR_2025, as_of=AS_OF)
    assert result.premium == cny(premium)


def test_ctpl_below_the_lowest_band_has_no_rate() -> None:
    with pytest.raises(RateLookupError) as caught:
        quote(ctpl_risk(0, 3), ctpl_plan(), term=YEAR_2025, as_of=AS_OF)
    error = caught.value
    assert (error.table, error.version, error.on) == ("ctpl_base", "2008", "2025-03-01")
    assert error.key == "(Use.PRIVATE, 0)"
    assert "no band for key (Use.PRIVATE, 0)" in str(error)


# --------------------------------------------------------------------------- worked: five factors


def five_factor_plan(round_at: RoundAt = RoundAt.PREMIUM, **settings: Any) -> RatingPlan:
    return RatingPlan(
        "property",
        "CNY",
        SumInsuredRate(table("rate", {(): Decimal("0.0123")})),
        factors=[
            Factor("ncd", table("ncd", {"claim_free_1": Decimal("0.85"), "new": 1}), "ncd"),
            Factor(
                "age",
                table(
                    "age",
                    {18: Decimal("1.20"), 25: Decimal("1.00"), 60: Decimal("1.10")},
                    banded=True,
                ),
                "age",
            ),
            Factor("region", table("region", {"north": Decimal("1.05")}), "region"),
            Factor("loading", table("loading", {"high": Decimal("1.15")}), "risk"),
            Factor("tenure", table("tenure", {0: 1, 3: Decimal("0.95")}, banded=True), "years"),
        ],
        round_at=round_at,
        **settings,
    )


def five_factor_risk(**changes: Any) -> RatedRisk:
    attributes: dict[str, Any] = {
        "ncd": "claim_free_1",
        "age": 30,
        "region": "north",
        "risk": "high",
        "years": 4,
    }
    attributes.update(changes)
    return RatedRisk(attributes, sum_insured=cny("100000"))


def test_five_factors_rounded_once() -> None:
    # 100,000 x 0.0123 = 1,230; x 0.85 = 1,045.5; x 1.00 (age 30: band 25) = 1,045.5;
    # x 1.05 = 1,097.775; x 1.15 = 1,262.44125; x 0.95 (4 years: band 3) = 1,199.3191875,
    # rounded once, half up: 1,199.32.
    result = quote(five_factor_risk(), five_factor_plan(), term=YEAR_2025, as_of=AS_OF)
    assert steps(result) == ["base"] + ["factor"] * 5 + ["rounding"]
    running = [line.amount.amount for line in result.breakdown]
    assert running == [
        Decimal("1230"),
        Decimal("1045.5"),
        Decimal("1045.5"),
        Decimal("1097.775"),
        Decimal("1262.44125"),
        Decimal("1199.3191875"),
        Decimal("1199.32"),
    ]
    assert [line.name for line in result.breakdown[1:6]] == [
        "ncd",
        "age",
        "region",
        "loading",
        "tenure",
    ]
    assert [line.coefficient for line in result.breakdown[1:6]] == [
        Decimal("0.85"),
        Decimal("1.00"),
        Decimal("1.05"),
        Decimal("1.15"),
        Decimal("0.95"),
    ]
    assert all(line.rounding is None for line in result.breakdown[:6])
    assert result.breakdown[0].inputs == (("sum_insured", cny("100000")),)
    assert result.premium == cny("1199.32")


def test_five_factors_rounded_at_each_step_differ_by_a_cent() -> None:
    # Rounding after every step: 1,230.00; 1,045.50; 1,045.50; 1,097.775 -> 1,097.78
    # (the half cent rounds up); x 1.15 = 1,262.447 -> 1,262.45; x 0.95 = 1,199.3275 ->
    # 1,199.33. The 0.005 gained at the region factor, grown by 1.15 x 0.95, and the
    # 0.003 gained at the loading, grown by 0.95, lift the end from 1,199.319... (which
    # rounds down) past 1,199.325: one cent more than rounding once.
    result = quote(
        five_factor_risk(), five_factor_plan(RoundAt.EACH_STEP), term=YEAR_2025, as_of=AS_OF
    )
    assert [line.amount for line in result.breakdown] == [
        cny("1230.00"),
        cny("1045.50"),
        cny("1045.50"),
        cny("1097.78"),
        cny("1262.45"),
        cny("1199.33"),
    ]
    assert all(line.rounding == ROUND_HALF_UP for line in result.breakdown)
    assert steps(result) == ["base"] + ["factor"] * 5  # step 5 has nothing left to do
    assert result.premium == cny("1199.33")
    once = quote(five_factor_risk(), five_factor_plan(), term=YEAR_2025, as_of=AS_OF)
    assert result.premium - once.premium == cny("0.01")


@pytest.mark.parametrize(
    ("age", "coefficient"),
    [(18, "1.20"), (24, "1.20"), (25, "1.00"), (59, "1.00"), (60, "1.10"), (99, "1.10")],
)
def test_age_bands(age: int, coefficient: str) -> None:
    result = quote(five_factor_risk(age=age), five_factor_plan(), term=YEAR_2025, as_of=AS_OF)
    assert result.breakdown[2].coefficient == Decimal(coefficient)
    assert result.breakdown[2].inputs == (("age", age),)


def test_a_decimal_value_in_a_band() -> None:
    result = quote(
        five_factor_risk(age=Decimal("24.9")), five_factor_plan(), term=YEAR_2025, as_of=AS_OF
    )
    assert result.breakdown[2].coefficient == Decimal("1.20")


def test_an_int_rate_is_a_decimal() -> None:
    # The NCD table holds "new": 1 (an int), read as Decimal(1): 1,230 x 1 x 1.00 =
    # 1,230; x 1.05 = 1,291.5; x 1.15 = 1,485.225; x 0.95 = 1,410.96375 -> 1,410.96.
    result = quote(five_factor_risk(ncd="new"), five_factor_plan(), term=YEAR_2025, as_of=AS_OF)
    assert result.breakdown[1].coefficient == Decimal(1)
    assert isinstance(result.breakdown[1].coefficient, Decimal)
    assert result.premium == cny("1410.96")


def test_a_risk_younger_than_every_band_has_no_rate() -> None:
    with pytest.raises(RateLookupError) as caught:
        quote(five_factor_risk(age=17), five_factor_plan(), term=YEAR_2025, as_of=AS_OF)
    assert (caught.value.table, caught.value.key) == ("age", "17")


def test_a_rounding_mode_other_than_half_up() -> None:
    # 1,230 ... 1,199.3191875 rounded down is 1,199.31; half even, 1,199.32.
    down = five_factor_plan(rounding=ROUND_DOWN)
    even = five_factor_plan(rounding=ROUND_HALF_EVEN)
    risk = five_factor_risk()
    assert quote(risk, down, term=YEAR_2025, as_of=AS_OF).premium == cny("1199.31")
    assert quote(risk, even, term=YEAR_2025, as_of=AS_OF).premium == cny("1199.32")
    # A short term: 1,000 x 90/365 = 246.5753...: down 246.57, half up 246.58.
    term = short(D(2025, 1, 1), D(2025, 3, 31))
    plan = flat_rate_plan("0.01")
    assert quote(insured("100000"), plan, term=term, as_of=AS_OF).premium == cny("246.58")
    plan_down = flat_rate_plan("0.01", rounding=ROUND_DOWN)
    assert quote(insured("100000"), plan_down, term=term, as_of=AS_OF).premium == cny("246.57")


def test_a_factor_keyed_by_two_attributes() -> None:
    # ("north", "van") -> 1.25: 100,000 x 0.01 = 1,000 x 1.25 = 1,250.00.
    zones = table("zone", {("north", "van"): Decimal("1.25"), ("north", "car"): 1})
    plan = flat_rate_plan("0.01", factors=[Factor("zone", zones, ["region", "body"])])
    result = quote(
        insured("100000", region="north", body="van"), plan, term=YEAR_2025, as_of=AS_OF
    )
    assert result.premium == cny("1250.00")
    assert result.breakdown[1].inputs == (("region", "north"), ("body", "van"))
    with fails(InvalidField, "has no 'body', which factor 'zone' of plan 'flat' is keyed by"):
        quote(insured("100000", region="north"), plan, term=YEAR_2025, as_of=AS_OF)


def test_a_banded_factor_keyed_by_a_code_and_a_band() -> None:
    # Prefix "north", bands from 0 and 10 (tonnes): 12 tonnes -> 1.3.
    tonnes = table(
        "tonnes", {("north", 0): Decimal("1.1"), ("north", 10): Decimal("1.3")}, banded=True
    )
    plan = flat_rate_plan("0.01", factors=[Factor("tonnes", tonnes, ["region", "tonnes"])])
    risk = insured("100000", region="north", tonnes=12)
    assert quote(risk, plan, term=YEAR_2025, as_of=AS_OF).premium == cny("1300.00")
    south = insured("100000", region="south", tonnes=12)
    with fails(RateLookupError, "no band for key ('south', 12)"):
        quote(south, plan, term=YEAR_2025, as_of=AS_OF)
    texts = insured("100000", region="north", tonnes="heavy")
    with fails(RateLookupError, "no band for key ('north', 'heavy')"):
        quote(texts, plan, term=YEAR_2025, as_of=AS_OF)
    flags = insured("100000", region="north", tonnes=True)
    with fails(RateLookupError, "no band"):
        quote(flags, plan, term=YEAR_2025, as_of=AS_OF)


def test_a_banded_factor_without_attributes_has_no_rate() -> None:
    bands = table("bands", {0: Decimal("1.1")}, banded=True)
    plan = flat_rate_plan("0.01", factors=[Factor("bands", bands, [])])
    with fails(RateLookupError, "no band for key ()"):
        quote(insured("100000"), plan, term=YEAR_2025, as_of=AS_OF)


def test_a_missing_key_of_a_plain_table() -> None:
    regions = table("region", {"north": Decimal("1.05")})
    plan = flat_rate_plan("0.01", factors=[Factor("region", regions, "region")])
    with pytest.raises(RateLookupError) as caught:
        quote(insured("100000", region="west"), plan, term=YEAR_2025, as_of=AS_OF)
    error = caught.value
    assert (error.table, error.version, error.on, error.key) == (
        "region",
        "v1",
        "2025-03-01",
        "'west'",
    )
    assert str(error) == (
        "rate table 'region' v1 on 2025-03-01: no rate for key 'west'; add it to the "
        "table or check the risk's attributes"
    )


# --------------------------------------------------------------------------- worked: cap


CAP = RateCap(max_increase=10, max_decrease=15)


@pytest.mark.parametrize(
    ("sum_insured", "premium", "highest", "lowest"),
    [
        # 100,000 x 0.012 = 1,200 above 1,000 x 1.10 = 1,100: held at 1,100.00.
        ("100000", "1100.00", "1100", "850"),
        # 50,000 x 0.012 = 600 below 1,000 x 0.85 = 850: held at 850.00.
        ("50000", "850.00", "1100", "850"),
        # 85,000 x 0.012 = 1,020 between 850 and 1,100: unchanged.
        ("85000", "1020.00", "1100", "850"),
    ],
)
def test_cap(sum_insured: str, premium: str, highest: str, lowest: str) -> None:
    plan = flat_rate_plan(cap=CAP)
    risk = insured(sum_insured, expiring=cny("1000.00"))
    result = quote(risk, plan, term=YEAR_2025, as_of=AS_OF)
    assert steps(result) == ["base", "cap", "rounding"]
    cap = line_of(result, QuoteStep.CAP)
    assert cap.name == "cap"
    assert (cap.table, cap.version, cap.coefficient, cap.rounding) == (None, None, None, None)
    assert cap.inputs == (
        ("expiring_premium", cny("1000.00")),
        ("max_increase", Decimal(10)),
        ("max_decrease", Decimal(15)),
        ("highest", cny(highest)),
        ("lowest", cny(lowest)),
    )
    assert cap.amount == cny(premium)
    assert result.premium == cny(premium)


def test_cap_with_one_limit() -> None:
    # Only an increase limit: 600 stays 600; only a decrease limit: 1,200 stays 1,200.
    up = flat_rate_plan(cap=RateCap(max_increase=10))
    down = flat_rate_plan(cap=RateCap(max_decrease=15))
    low = quote(insured("50000", expiring=cny("1000.00")), up, term=YEAR_2025, as_of=AS_OF)
    high = quote(insured("100000", expiring=cny("1000.00")), down, term=YEAR_2025, as_of=AS_OF)
    assert low.premium == cny("600.00")
    assert dict(line_of(low, QuoteStep.CAP).inputs)["lowest"] is None
    assert high.premium == cny("1200.00")
    assert dict(line_of(high, QuoteStep.CAP).inputs)["highest"] is None


@pytest.mark.parametrize("expiring", [cny("0.00"), None])
def test_cap_needs_an_expiring_premium_above_zero(expiring: Money | None) -> None:
    result = quote(
        insured("100000", expiring=expiring), flat_rate_plan(cap=CAP), term=YEAR_2025, as_of=AS_OF
    )
    assert steps(result) == ["base", "rounding"]
    assert result.premium == cny("1200.00")


def test_cap_applies_to_the_annual_premium_before_the_short_term() -> None:
    # 1,200 capped at 1,100 first, then 181 days of 365 (2025-01-01 to 06-30):
    # 1,100 x 181 / 365 = 545.479... -> 545.48. (Capping after the short term would
    # leave 1,200 x 181 / 365 = 595.07, below the cap.)
    term = short(D(2025, 1, 1), D(2025, 6, 30))
    result = quote(
        insured("100000", expiring=cny("1000.00")), flat_rate_plan(cap=CAP), term=term, as_of=AS_OF
    )
    assert steps(result) == ["base", "cap", "short_term"]
    assert result.premium == cny("545.48")


def test_cap_rounds_at_each_step() -> None:
    # Expiring 999.99, +10%: 1,099.989, rounded at the cap step to 1,099.99.
    plan = flat_rate_plan(cap=CAP, round_at=RoundAt.EACH_STEP)
    result = quote(insured("100000", expiring=cny("999.99")), plan, term=YEAR_2025, as_of=AS_OF)
    cap = line_of(result, QuoteStep.CAP)
    assert (cap.amount, cap.rounding) == (cny("1099.99"), ROUND_HALF_UP)
    assert str(cap.amount.amount) == "1099.99"
    assert dict(cap.inputs)["highest"] == cny("1099.989")
    assert result.premium == cny("1099.99")


# --------------------------------------------------------------------------- worked: short term


@pytest.mark.parametrize(
    ("start", "end", "days", "year", "premium"),
    [
        # 2024-01-01 to 03-31: 31 + 29 + 31 = 91 days of a 366-day year:
        # 1,200 x 91 / 366 = 298.3606... -> 298.36.
        (D(2024, 1, 1), D(2024, 3, 31), 91, 366, "298.36"),
        # 2023-03-01 to 05-31: 92 days; the year from 2023-03-01 holds 2024-02-29:
        # 366 days. 1,200 x 92 / 366 = 301.6393... -> 301.64 (not 302.47 over 365).
        (D(2023, 3, 1), D(2023, 5, 31), 92, 366, "301.64"),
        # 2025-01-01 to 03-31: 90 days of 365: 1,200 x 90 / 365 = 295.8904... -> 295.89.
        (D(2025, 1, 1), D(2025, 3, 31), 90, 365, "295.89"),
        # One day: 1,200 / 365 = 3.2876... -> 3.29.
        (D(2025, 1, 1), D(2025, 1, 1), 1, 365, "3.29"),
        # A day short of a leap year: 1,200 x 365 / 366 = 1,196.7213... -> 1,196.72.
        (D(2024, 1, 1), D(2024, 12, 30), 365, 366, "1196.72"),
    ],
)
def test_short_term_pro_rata(
    start: dt.date, end: dt.date, days: int, year: int, premium: str
) -> None:
    result = quote(insured("100000"), flat_rate_plan(), term=short(start, end), as_of=AS_OF)
    assert steps(result) == ["base", "short_term"]
    line = line_of(result, QuoteStep.SHORT_TERM)
    assert line.name == "short_term"
    assert line.inputs == (("days", days), ("days_in_year", year))
    assert line.coefficient == Fraction(days, year)
    assert isinstance(line.coefficient, Fraction)
    assert (line.amount, line.rounding) == (cny(premium), ROUND_HALF_UP)
    assert result.premium == cny(premium)


def test_a_term_in_the_last_year_of_the_calendar() -> None:
    # The year from 9999-01-01 would end in 10000.
    with fails(DateOutOfRange, "a year from 9999-01-01 falls after the year 9999"):
        quote(
            insured("100000"),
            flat_rate_plan(),
            term=short(D(9999, 1, 1), D(9999, 6, 30)),
            as_of=AS_OF,
        )


def test_a_quote_made_at_the_end_of_the_calendar() -> None:
    # as_of 9999-12-31 + 30 - 1 days is after the last day: refused with DateOutOfRange.
    with pytest.raises(DateOutOfRange, match="valid after the year 9999"):
        quote(
            insured("100000"),
            flat_rate_plan(),
            term=short(D(9998, 1, 1), D(9998, 12, 31)),
            as_of=D(9999, 12, 31),
        )


def test_a_term_of_an_annual_cadence_is_a_whole_year() -> None:
    # 2024-02-29 renews on 2025-02-28 (clamped): 365 days, still a whole year.
    term = PolicyTerm.annual(D(2024, 2, 29), ZONE)
    assert term.days == 365
    result = quote(insured("100000"), flat_rate_plan(), term=term, as_of=AS_OF)
    assert steps(result) == ["base", "rounding"]
    assert result.premium == cny("1200.00")


@pytest.mark.parametrize(
    ("end", "premium"),
    [
        # The year from 2024-02-29 runs to 2025-03-01, excluded: 366 days, so the
        # one-off term to 2025-02-28 (366 days) is a whole year ...
        (D(2025, 2, 28), None),
        # ... and to 2025-02-27 (365 days) is short: 1,200 x 365 / 366 = 1,196.72.
        (D(2025, 2, 27), "1196.72"),
    ],
)
def test_a_one_off_term_from_29_february(end: dt.date, premium: str | None) -> None:
    result = quote(
        insured("100000"), flat_rate_plan(), term=short(D(2024, 2, 29), end), as_of=AS_OF
    )
    if premium is None:
        assert steps(result) == ["base", "rounding"]
        assert result.premium == cny("1200.00")
    else:
        assert line_of(result, QuoteStep.SHORT_TERM).inputs == (
            ("days", 365),
            ("days_in_year", 366),
        )
        assert result.premium == cny(premium)


def test_a_term_of_a_six_month_cadence_is_short() -> None:
    # 2025-01-01 to 06-30: 181 days: 1,200 x 181 / 365 = 595.068... -> 595.07.
    term = PolicyTerm.months(D(2025, 1, 1), 6, ZONE)
    result = quote(insured("100000"), flat_rate_plan(), term=term, as_of=AS_OF)
    assert line_of(result, QuoteStep.SHORT_TERM).coefficient == Fraction(181, 365)
    assert result.premium == cny("595.07")


def test_a_whole_leap_year_is_no_short_term() -> None:
    term = short(D(2024, 1, 1), D(2024, 12, 31))  # 366 days
    result = quote(insured("100000"), flat_rate_plan(), term=term, as_of=AS_OF)
    assert steps(result) == ["base", "rounding"]
    assert result.premium == cny("1200.00")


@pytest.mark.parametrize(
    ("end", "months", "percent", "premium"),
    [
        # 2025-01-01 to 04-01: 3 months (to 03-31) and 1 day, so 4 months: 40%.
        # 1,200 x 40% = 480.00.
        (D(2025, 4, 1), 4, 40, "480.00"),
        # Exactly 3 months (to 03-31): 30%, 360.00.
        (D(2025, 3, 31), 3, 30, "360.00"),
        # 1 day: 1 month, 10%: 120.00.
        (D(2025, 1, 1), 1, 10, "120.00"),
        # 8 months and 1 day: 9 months, 85%: 1,020.00.
        (D(2025, 9, 1), 9, 85, "1020.00"),
        # A day short of a year: 12 months, 100%.
        (D(2025, 12, 30), 12, 100, "1200.00"),
    ],
)
def test_short_term_by_the_property_short_rate_table(
    end: dt.date, months: int, percent: int, premium: str
) -> None:
    plan = flat_rate_plan(short_term=PROPERTY_SHORT_RATE)
    result = quote(insured("100000"), plan, term=short(D(2025, 1, 1), end), as_of=AS_OF)
    line = line_of(result, QuoteStep.SHORT_TERM)
    assert line.inputs == (("months", months), ("percent", Decimal(percent)))
    assert line.coefficient == Fraction(percent, 100)
    assert result.premium == cny(premium)


def test_short_term_months_are_counted_from_the_start() -> None:
    # From 01-31: + 1 month is 02-28. A term 01-31 to 02-27 is within one month (10%);
    # 01-31 to 02-28 runs one day past it, so 2 months (20%).
    plan = flat_rate_plan(short_term=PROPERTY_SHORT_RATE)
    one = quote(insured("100000"), plan, term=short(D(2025, 1, 31), D(2025, 2, 27)), as_of=AS_OF)
    two = quote(insured("100000"), plan, term=short(D(2025, 1, 31), D(2025, 2, 28)), as_of=AS_OF)
    assert (one.premium, two.premium) == (cny("120.00"), cny("240.00"))


def test_short_term_by_a_days_table() -> None:
    # 90 days fall in the band 1-180 at 60%: 1,200 x 60% = 720.00.
    days = ShortRateTable.by_days([(1, 180, 60), (181, 365, 100)])
    plan = flat_rate_plan(short_term=days)
    result = quote(insured("100000"), plan, term=short(D(2025, 1, 1), D(2025, 3, 31)), as_of=AS_OF)
    assert line_of(result, QuoteStep.SHORT_TERM).inputs == (("days", 90), ("percent", 60))
    assert result.premium == cny("720.00")


def test_short_term_rounds_after_each_step_too() -> None:
    # Each step: 100,001 x 0.012 = 1,200.012 -> 1,200.01; x 90/365 = 295.8929... ->
    # 295.89. Rounded once: 1,200.012 x 90 / 365 = 295.8933... -> 295.89.
    plan = flat_rate_plan(round_at=RoundAt.EACH_STEP)
    term = short(D(2025, 1, 1), D(2025, 3, 31))
    result = quote(insured("100001"), plan, term=term, as_of=AS_OF)
    assert result.breakdown[0].amount == cny("1200.01")
    assert str(result.breakdown[0].amount.amount) == "1200.01"
    assert result.premium == cny("295.89")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 1, 1), D(2026, 1, 1)),  # 366 days from a start whose year has 365
        (D(2024, 1, 1), D(2025, 1, 1)),  # 367 days from a start whose year has 366
        (D(2025, 3, 1), D(2027, 2, 28)),  # two years
        (D(2024, 2, 29), D(2025, 3, 1)),  # 367 days from 29 February
    ],
)
def test_a_term_longer_than_a_year_is_refused(start: dt.date, end: dt.date) -> None:
    with fails(InvalidTerm, "a rating plan prices a term of at most a year from its start"):
        quote(insured("100000"), flat_rate_plan(), term=short(start, end), as_of=AS_OF)


# --------------------------------------------------------------------------- worked: minimum


def test_minimum_binding() -> None:
    # 10 days: 1,200 x 10 / 365 = 32.876... -> 32.88, below the minimum 50.00.
    plan = flat_rate_plan(minimum_premium=cny("50.00"))
    term = short(D(2025, 1, 1), D(2025, 1, 10))
    result = quote(insured("100000"), plan, term=term, as_of=AS_OF)
    assert steps(result) == ["base", "short_term", "minimum"]
    assert line_of(result, QuoteStep.SHORT_TERM).amount == cny("32.88")
    minimum = line_of(result, QuoteStep.MINIMUM)
    assert minimum.name == "minimum"
    assert minimum.inputs == (("minimum_premium", cny("50.00")),)
    assert (minimum.amount, minimum.rounding, minimum.coefficient) == (cny("50.00"), None, None)
    assert result.premium == cny("50.00")


def test_minimum_not_binding() -> None:
    # 100 days: 1,200 x 100 / 365 = 328.767... -> 328.77, above 50.00.
    plan = flat_rate_plan(minimum_premium=cny("50.00"))
    term = short(D(2025, 1, 1), D(2025, 4, 10))
    result = quote(insured("100000"), plan, term=term, as_of=AS_OF)
    assert line_of(result, QuoteStep.MINIMUM).amount == cny("328.77")
    assert result.premium == cny("328.77")


def test_minimum_after_rounding() -> None:
    # 4,166 x 0.012 = 49.992 -> 49.99 below 50.00: 50.00.
    plan = flat_rate_plan(minimum_premium=cny("50.00"))
    result = quote(insured("4166"), plan, term=YEAR_2025, as_of=AS_OF)
    assert steps(result) == ["base", "rounding", "minimum"]
    assert result.premium == cny("50.00")


# --------------------------------------------------------------------------- worked: fees, taxes


def test_fees_and_taxes() -> None:
    # 102,880 x 0.012 = 1,234.56.
    # Fees, on the premium: service 1.5% = 18.5184 -> 18.52; card 5.00. Fees 23.52.
    # Taxes, on 1,234.56 + 23.52 = 1,258.08: VAT 6% = 75.4848 -> 75.48; levy 2.00.
    # Taxes 77.48. Total 1,234.56 + 23.52 + 77.48 = 1,335.56.
    plan = flat_rate_plan(
        fees=[Charge("service", percent=Decimal("1.5")), Charge("card", amount=cny("5.00"))],
        taxes=[Charge("vat", percent=6), Charge("levy", amount=cny("2.00"))],
    )
    result = quote(insured("102880"), plan, term=YEAR_2025, as_of=AS_OF)
    assert result.premium == cny("1234.56")
    assert (result.fees, result.taxes, result.total) == (
        cny("23.52"),
        cny("77.48"),
        cny("1335.56"),
    )
    service, card, vat, levy = result.breakdown[2:]
    assert (service.step, service.name, service.coefficient) == (
        QuoteStep.FEE,
        "service",
        Decimal("0.015"),
    )
    assert service.inputs == (("percent", Decimal("1.5")), ("on", cny("1234.56")))
    assert (service.charge, service.amount, service.rounding) == (
        cny("18.52"),
        cny("1253.08"),
        ROUND_HALF_UP,
    )
    assert (card.step, card.coefficient, card.rounding) == (QuoteStep.FEE, None, None)
    assert card.inputs == (("amount", cny("5.00")),)
    assert (card.charge, card.amount) == (cny("5.00"), cny("1258.08"))
    assert (vat.step, vat.coefficient) == (QuoteStep.TAX, Decimal("0.06"))
    assert vat.inputs == (("percent", Decimal(6)), ("on", cny("1258.08")))
    assert (vat.charge, vat.amount) == (cny("75.48"), cny("1333.56"))
    assert (levy.step, levy.charge, levy.amount) == (QuoteStep.TAX, cny("2.00"), cny("1335.56"))
    assert result.breakdown[-1].amount == result.total
    assert all(line.table is None and line.version is None for line in result.breakdown[1:])


def test_fees_are_charged_on_the_minimum_premium() -> None:
    # Premium 50.00 (the minimum); fee 10% = 5.00; tax 6% of 55.00 = 3.30; 58.30.
    plan = flat_rate_plan(
        minimum_premium=cny("50.00"),
        fees=[Charge("fee", percent=10)],
        taxes=[Charge("tax", percent=6)],
    )
    result = quote(insured("1000"), plan, term=YEAR_2025, as_of=AS_OF)
    assert (result.premium, result.fees, result.taxes, result.total) == (
        cny("50.00"),
        cny("5.00"),
        cny("3.30"),
        cny("58.30"),
    )


def test_two_percentage_taxes_are_each_on_premium_plus_fees() -> None:
    # Premium 1,200.00, fee 100.00: each tax on 1,300.00: 6% = 78.00, 1% = 13.00.
    plan = flat_rate_plan(
        fees=[Charge("fee", amount=cny("100.00"))],
        taxes=[Charge("vat", percent=6), Charge("surtax", percent=1)],
    )
    result = quote(insured("100000"), plan, term=YEAR_2025, as_of=AS_OF)
    assert [line.charge for line in result.breakdown[3:]] == [cny("78.00"), cny("13.00")]
    assert result.total == cny("1391.00")


# --------------------------------------------------------------------------- worked: currencies


def test_yen_has_no_minor_unit() -> None:
    # 1,234,567 x 0.012 = 14,814.804 -> 14,815 JPY; fee 3% = 444.45 -> 444 JPY.
    plan = flat_rate_plan(currency="JPY", fees=[Charge("fee", percent=3)])
    risk = RatedRisk({}, sum_insured=Money("1234567", "JPY"))
    result = quote(risk, plan, term=YEAR_2025, as_of=AS_OF)
    assert result.premium == Money("14815", "JPY")
    assert str(result.premium.amount) == "14815"
    assert result.fees == Money("444", "JPY")
    assert result.total == Money("15259", "JPY")
    assert str(result.total.amount) == "15259"


@pytest.mark.parametrize("currency", ["KWD", "BHD"])
def test_three_decimal_currencies(currency: str) -> None:
    # 12,345.678 x 0.0125 = 154.3209750 -> 154.321; fee 1% = 1.54321 -> 1.543.
    plan = flat_rate_plan("0.0125", currency=currency, fees=[Charge("fee", percent=1)])
    risk = RatedRisk({}, sum_insured=Money("12345.678", currency))
    result = quote(risk, plan, term=YEAR_2025, as_of=AS_OF)
    assert str(result.premium.amount) == "154.321"
    assert result.premium == Money("154.321", currency)
    assert result.fees == Money("1.543", currency)
    assert str(result.total.amount) == "155.864"


def test_amounts_in_another_currency_are_refused() -> None:
    plan = flat_rate_plan()
    with pytest.raises(CurrencyMismatch) as caught:
        quote(RatedRisk({}, sum_insured=usd("100")), plan, term=YEAR_2025, as_of=AS_OF)
    assert (caught.value.expected, caught.value.actual) == ("CNY", "USD")
    premium_plan = flat_premium_plan(cny("100.00"))
    with fails(CurrencyMismatch, "expiring_premium"):
        quote(
            RatedRisk({}, expiring_premium=usd("1")),
            premium_plan,
            term=YEAR_2025,
            as_of=AS_OF,
        )


def test_a_sum_insured_rate_needs_a_sum_insured() -> None:
    with fails(
        InvalidField,
        "RatedRisk.sum_insured: is None, but the base of plan 'flat' is a rate of the sum insured",
    ):
        quote(RatedRisk({}), flat_rate_plan(), term=YEAR_2025, as_of=AS_OF)
    # A base premium needs none.
    assert quote(
        RatedRisk({}), flat_premium_plan(cny("100.00")), term=YEAR_2025, as_of=AS_OF
    ).premium == cny("100.00")


def test_a_base_premium_keyed_by_one_attribute() -> None:
    premiums = table("premium", {Use.PRIVATE: cny("950.00"), Use.COMMERCIAL: cny("1800.00")})
    plan = RatingPlan("single", "CNY", BasePremium(premiums, key="use"))
    result = quote(RatedRisk({"use": Use.COMMERCIAL}), plan, term=YEAR_2025, as_of=AS_OF)
    assert result.breakdown[0].inputs == (("use", Use.COMMERCIAL),)
    assert result.premium == cny("1800.00")
    with fails(InvalidField, "has no 'use', which the base of plan 'single' is keyed by"):
        quote(RatedRisk({}), plan, term=YEAR_2025, as_of=AS_OF)


def test_a_missing_base_attribute() -> None:
    with fails(InvalidField, "has no 'seats', which the base of plan 'ctpl' is keyed by"):
        quote(
            RatedRisk({"use": Use.PRIVATE, "accident_free_years": 1}),
            ctpl_plan(),
            term=YEAR_2025,
            as_of=AS_OF,
        )


# --------------------------------------------------------------------------- effective dating


def dated_table(**version_settings: Any) -> RateTable:
    return RateTable(
        "rate",
        [
            TableVersion("v2024", D(2024, 1, 1), {(): Decimal("0.010")}, **version_settings),
            TableVersion("v2025", D(2025, 1, 1), {(): Decimal("0.012")}),
        ],
    )


def dated_plan() -> RatingPlan:
    return RatingPlan("dated", "CNY", SumInsuredRate(dated_table()))


def test_the_version_in_force_on_the_term_start_applies() -> None:
    result = quote(insured("100000"), dated_plan(), term=YEAR_2025, as_of=D(2024, 12, 1))
    assert result.versions == (("rate", "v2025"),)
    assert result.rates_on == D(2025, 3, 1)
    assert result.premium == cny("1200.00")  # 100,000 x 0.012
    term_2024 = PolicyTerm.annual(D(2024, 12, 31), ZONE)
    earlier = quote(insured("100000"), dated_plan(), term=term_2024, as_of=D(2024, 12, 1))
    assert earlier.versions == (("rate", "v2024"),)
    assert earlier.premium == cny("1000.00")  # 100,000 x 0.010


def test_rates_on_overrides_the_term_start() -> None:
    result = quote(
        insured("100000"),
        dated_plan(),
        term=YEAR_2025,
        as_of=D(2024, 12, 1),
        rates_on=dt.date(2024, 12, 31),
    )
    assert result.rates_on == D(2024, 12, 31)
    assert isinstance(result.rates_on, pendulum.Date)
    assert result.versions == (("rate", "v2024"),)
    assert result.breakdown[0].version == "v2024"
    assert result.premium == cny("1000.00")


def test_version_on_and_rate_for() -> None:
    rates = dated_table()
    assert rates.version_on(D(2024, 1, 1)).version == "v2024"
    assert rates.version_on(dt.date(2024, 12, 31)).version == "v2024"
    assert rates.version_on(D(2025, 1, 1)).version == "v2025"
    assert rates.version_on(D(2099, 1, 1)).version == "v2025"
    assert rates.rate_for((), on=D(2024, 6, 1)) == Decimal("0.010")
    with pytest.raises(RateLookupError) as caught:
        rates.rate_for("north", on=D(2024, 6, 1))
    assert (caught.value.table, caught.value.version, caught.value.key) == (
        "rate",
        "v2024",
        "'north'",
    )
    with pytest.raises(DateTypeError):
        rates.version_on(loose(dt.datetime(2024, 6, 1, tzinfo=dt.UTC)))
    with pytest.raises(DateTypeError):
        rates.rate_for((), on=loose("2024-06-01"))


def gap_table() -> RateTable:
    return RateTable(
        "rate",
        [
            TableVersion("v1", D(2024, 1, 1), {(): Decimal("0.01")}, until=D(2024, 6, 30)),
            TableVersion("v2", D(2024, 8, 1), {(): Decimal("0.02")}),
        ],
    )


def test_a_day_in_a_gap_has_no_version() -> None:
    plan = RatingPlan("gap", "CNY", SumInsuredRate(gap_table()))
    term = PolicyTerm.annual(D(2024, 7, 15), ZONE)
    with pytest.raises(RateLookupError) as caught:
        quote(insured("100000"), plan, term=term, as_of=D(2024, 7, 1))
    error = caught.value
    assert (error.table, error.version, error.on, error.key) == ("rate", None, "2024-07-15", None)
    assert str(error) == (
        "rate table 'rate' on 2024-07-15: no version is in force: v1 ended on 2024-06-30 "
        "and no later version had taken effect"
    )
    assert isinstance(error, LookupError)
    # The last day of v1 and the first of v2 are in force.
    assert gap_table().version_on(D(2024, 6, 30)).version == "v1"
    assert gap_table().version_on(D(2024, 8, 1)).version == "v2"


def test_a_day_before_the_first_version_has_none() -> None:
    term = PolicyTerm.annual(D(2023, 12, 31), ZONE)
    with pytest.raises(RateLookupError) as caught:
        quote(insured("100000"), dated_plan(), term=term, as_of=D(2023, 12, 1))
    error = caught.value
    assert (error.table, error.version, error.on, error.key) == ("rate", None, "2023-12-31", None)
    assert "no version is in force yet: the first, v2024, takes effect on 2024-01-01" in str(error)


def test_a_last_version_with_until_ends() -> None:
    rates = RateTable("rate", [TableVersion("v1", D(2024, 1, 1), {(): 1}, until=D(2024, 12, 31))])
    assert rates.version_on(D(2024, 12, 31)).version == "v1"
    with fails(RateLookupError, "v1 ended on 2024-12-31"):
        rates.version_on(D(2025, 1, 1))


@pytest.mark.parametrize("value", [PHONE, NAME, f"{NAME}{PHONE}", "x" * 41, "a b", "1abc"])
def test_a_lookup_error_never_shows_a_personal_looking_key(value: str) -> None:
    regions = table("region", {"north": Decimal("1.05")})
    plan = flat_rate_plan(factors=[Factor("region", regions, "region")])
    with pytest.raises(RateLookupError) as caught:
        quote(insured("100000", region=value), plan, term=YEAR_2025, as_of=AS_OF)
    error = caught.value
    assert value not in str(error)
    assert PHONE not in str(error)
    assert NAME not in str(error)
    assert error.key == f"a string of {len(value)} characters"
    assert (error.table, error.version, error.on) == ("region", "v1", "2025-03-01")
    # In a tuple key too.
    pairs = table("pairs", {("north", "x"): Decimal("1.05")})
    plan = flat_rate_plan(factors=[Factor("pairs", pairs, ["region", "name"])])
    with pytest.raises(RateLookupError) as caught:
        quote(insured("100000", region="north", name=value), plan, term=YEAR_2025, as_of=AS_OF)
    assert value not in str(caught.value)
    assert caught.value.key == f"('north', a string of {len(value)} characters)"


def test_a_lookup_error_shows_codes_numbers_and_enum_members() -> None:
    uses = table("use", {Use.PRIVATE: 1})
    plan = flat_rate_plan(factors=[Factor("use", uses, "use")])
    with fails(RateLookupError, "no rate for key Use.COMMERCIAL"):
        quote(insured("100000", use=Use.COMMERCIAL), plan, term=YEAR_2025, as_of=AS_OF)
    with fails(RateLookupError, "no rate for key 7"):
        quote(insured("100000", use=7), plan, term=YEAR_2025, as_of=AS_OF)
    with fails(RateLookupError, "no rate for key 'claim_free-2.b'"):
        quote(insured("100000", use="claim_free-2.b"), plan, term=YEAR_2025, as_of=AS_OF)


def test_table_version_rate_for() -> None:
    ages = TableVersion(
        "2025", D(2025, 1, 1), {18: Decimal("1.2"), 25: 1, 60: Decimal("1.1")}, banded=True
    )
    assert (ages.rate_for(18), ages.rate_for(59), ages.rate_for(Decimal("60.0"))) == (
        Decimal("1.2"),
        Decimal(1),
        Decimal("1.1"),
    )
    with pytest.raises(RateLookupError) as caught:
        ages.rate_for(17)
    assert (caught.value.version, caught.value.on, caught.value.key) == (
        "2025",
        "2025-01-01",
        "17",
    )
    plain = TableVersion("2025", D(2025, 1, 1), {"a": Decimal("1.2"), True: 2})
    assert plain.rate_for("a") == Decimal("1.2")
    assert plain.rate_for(1) == Decimal(2)  # Python counts True and 1 as one key
    with fails(RateLookupError, "no rate for key 'b'"):
        plain.rate_for("b")
    with pytest.raises(RateLookupError):
        plain.rate_for(loose(["a"]))  # unhashable: no rate, not a TypeError


# --------------------------------------------------------------------------- validation


def valid_version(**changes: Any) -> TableVersion:
    fields: dict[str, Any] = {
        "version": "v1",
        "effective_from": D(2025, 1, 1),
        "rates": {"a": Decimal("1.1")},
    }
    fields.update(changes)
    return TableVersion(**fields)


def version_of(on: dt.date, name: str = "v1", **changes: Any) -> TableVersion:
    return valid_version(version=name, effective_from=on, **changes)


MONEY_TABLE = table("premiums", {(): cny("100.00")})
DECIMAL_TABLE = table("rates", {(): Decimal("0.01")})


def plan_with(**changes: Any) -> RatingPlan:
    fields: dict[str, Any] = {
        "name": "plan",
        "currency": "CNY",
        "base": SumInsuredRate(DECIMAL_TABLE),
    }
    fields.update(changes)
    return RatingPlan(**fields)


Case = tuple[Callable[[], object], type[Exception], str]

VERSION_CASES: list[Case] = [
    (lambda: valid_version(version=""), InvalidField, "TableVersion.version: must not be empty"),
    (lambda: valid_version(version=1), InvalidField, "TableVersion.version: must be a str"),
    (lambda: valid_version(effective_from="2025-01-01"), DateTypeError, "effective_from"),
    (
        lambda: valid_version(effective_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
        DateTypeError,
        "effective_from",
    ),
    (
        lambda: valid_version(rates=[("a", 1)]),
        InvalidField,
        "TableVersion.rates: must be a mapping of key to rate, not list",
    ),
    (lambda: valid_version(rates={}), InvalidField, "must hold at least one rate"),
    (
        lambda: valid_version(rates={1.5: 1}),
        InvalidField,
        "key 1.5: must be a str, an int, a bool, a Decimal or an enum member, not float "
        "(floats are inexact; write Decimal('...'))",
    ),
    (
        lambda: valid_version(rates={Decimal("NaN"): 1}),
        InvalidField,
        "NaN is not a finite Decimal",
    ),
    (lambda: valid_version(rates={None: 1}), InvalidField, "enum member, not NoneType"),
    (
        lambda: valid_version(rates={("a", 1.5): 1}),
        InvalidField,
        "key ('a', 1.5): must be a str",
    ),
    (
        lambda: valid_version(rates={"a": 0.85}),
        InvalidField,
        "rate for 'a' must be a Decimal, an int or a Money, not float (floats are inexact; "
        "write Decimal('...'))",
    ),
    (
        lambda: valid_version(rates={"a": "0.85"}),
        InvalidField,
        "rate for 'a' must be a Decimal, an int or a Money, not str",
    ),
    (
        lambda: valid_version(rates={"a": True}),
        InvalidField,
        "rate for 'a' must be a Decimal, an int or a Money, not bool",
    ),
    (
        lambda: valid_version(rates={"a": Decimal("-0.1")}),
        InvalidField,
        "rate for 'a' must be a finite Decimal not below 0, not -0.1",
    ),
    (
        lambda: valid_version(rates={"a": -1}),
        InvalidField,
        "must be a finite Decimal not below 0, not -1",
    ),
    (
        lambda: valid_version(rates={"a": Decimal("Infinity")}),
        InvalidField,
        "must be a finite Decimal not below 0, not Infinity",
    ),
    (
        lambda: valid_version(rates={"a": cny("-1.00")}),
        InvalidField,
        "premium for 'a' is negative",
    ),
    (
        lambda: valid_version(rates={"a": Decimal(1), "b": cny("1.00")}),
        InvalidField,
        "must hold only Decimal rates or only Money premiums",
    ),
    (
        lambda: valid_version(rates={"a": cny("1.00"), "b": usd("1.00")}),
        CurrencyMismatch,
        "build a TableVersion whose premiums are",
    ),
    (
        lambda: valid_version(rates={PHONE: 1.5}),
        InvalidField,
        "rate for a string of 11 characters",
    ),
    (lambda: valid_version(banded="yes"), InvalidField, "must be True or False, not str"),
    (
        lambda: valid_version(banded=True),
        InvalidField,
        "TableVersion.rates: key 'a' of a banded table must be a number (or a tuple ending "
        "with one): the band's lower bound",
    ),
    (
        lambda: valid_version(rates={True: 1}, banded=True),
        InvalidField,
        "of a banded table must be a number",
    ),
    (
        lambda: valid_version(rates={("a", "b"): 1}, banded=True),
        InvalidField,
        "key ('a', 'b') of a banded table",
    ),
    (
        lambda: valid_version(rates={(): 1}, banded=True),
        InvalidField,
        "key () of a banded table",
    ),
    (
        lambda: valid_version(until=D(2024, 12, 31)),
        InvalidField,
        "TableVersion.until: 2024-12-31 is before effective_from 2025-01-01",
    ),
    (lambda: valid_version(until="2025-12-31"), DateTypeError, "until"),
]

TABLE_CASES: list[Case] = [
    (lambda: RateTable("", [valid_version()]), InvalidField, "RateTable.name: must not be empty"),
    (
        lambda: RateTable("t", []),
        InvalidField,
        "RateTable.versions: must be a non-empty list or tuple of TableVersion",
    ),
    (
        lambda: RateTable("t", loose(valid_version())),
        InvalidField,
        "must be a non-empty list or tuple of TableVersion",
    ),
    (
        lambda: RateTable("t", loose([valid_version(), "v2"])),
        InvalidField,
        "RateTable.versions[1]: must be a TableVersion, not str",
    ),
    (
        lambda: RateTable("t", [version_of(D(2025, 1, 1)), version_of(D(2024, 1, 1), "v0")]),
        InvalidField,
        "v0 takes effect on 2024-01-01, not after v1 (2025-01-01); list versions oldest first",
    ),
    (
        lambda: RateTable("t", [version_of(D(2025, 1, 1)), version_of(D(2025, 1, 1), "v2")]),
        InvalidField,
        "list versions oldest first",
    ),
    (
        lambda: RateTable(
            "t",
            [
                version_of(D(2024, 1, 1), until=D(2025, 1, 1)),
                version_of(D(2025, 1, 1), "v2"),
            ],
        ),
        InvalidField,
        "v1 runs until 2025-01-01, when v2 is already in force (from 2025-01-01); versions "
        "must not overlap",
    ),
    (
        lambda: RateTable("t", [version_of(D(2024, 1, 1)), version_of(D(2025, 1, 1))]),
        InvalidField,
        "RateTable.versions: version 'v1' is listed twice",
    ),
    (
        lambda: RateTable(
            "t",
            [
                version_of(D(2023, 1, 1)),
                version_of(D(2024, 1, 1), "v2"),
                version_of(D(2025, 1, 1)),
            ],
        ),
        InvalidField,
        "version 'v1' is listed twice",
    ),
    (
        lambda: RateTable(
            "t",
            [
                version_of(D(2024, 1, 1)),
                version_of(D(2025, 1, 1), "v2", rates={"a": cny("1.00")}),
            ],
        ),
        InvalidField,
        "RateTable.versions: must hold only Decimal rates or only Money premiums",
    ),
]

PART_CASES: list[Case] = [
    (
        lambda: SumInsuredRate(loose("rates")),
        InvalidField,
        "SumInsuredRate.table: must be a RateTable, not str",
    ),
    (
        lambda: BasePremium(loose(None)),
        InvalidField,
        "BasePremium.table: must be a RateTable, not NoneType",
    ),
    (
        lambda: BasePremium(MONEY_TABLE, key=loose(5)),
        InvalidField,
        "BasePremium.key: must be an attribute name or a list of them, not int",
    ),
    (
        lambda: Factor("f", DECIMAL_TABLE, loose(["a", 1])),
        InvalidField,
        "Factor.key: names must be non-empty str, not 1",
    ),
    (
        lambda: Factor("f", DECIMAL_TABLE, ["a", ""]),
        InvalidField,
        "names must be non-empty str, not ''",
    ),
    (
        lambda: Factor("f", DECIMAL_TABLE, ""),
        InvalidField,
        "names must be non-empty str",
    ),
    (
        lambda: Factor("f", DECIMAL_TABLE, ["a", "b", "a"]),
        InvalidField,
        "Factor.key: names an attribute twice: ('a', 'b', 'a')",
    ),
    (lambda: Factor("", DECIMAL_TABLE, "a"), InvalidField, "Factor.name: must not be empty"),
    (lambda: Factor("f", loose({}), "a"), InvalidField, "Factor.table: must be a RateTable"),
    (
        lambda: Charge("fee", percent=1, amount=cny("1.00")),
        InvalidField,
        "Charge.percent: give exactly one of percent= and amount=",
    ),
    (lambda: Charge("fee"), InvalidField, "give exactly one of percent= and amount="),
    (
        lambda: Charge("fee", percent=loose(0.5)),
        InvalidField,
        "Charge.percent: must be a Decimal or an int, not float (floats are inexact; write "
        "Decimal('...'))",
    ),
    (
        lambda: Charge("fee", percent=-1),
        InvalidField,
        "Charge.percent: must be a percentage from 0 to 100, not -1",
    ),
    (
        lambda: Charge("fee", percent=Decimal("100.01")),
        InvalidField,
        "must be a percentage from 0 to 100, not 100.01",
    ),
    (
        lambda: Charge("fee", percent=loose(True)),
        InvalidField,
        "must be a Decimal or an int, not bool",
    ),
    (
        lambda: Charge("fee", amount=cny("-1.00")),
        InvalidField,
        "Charge.amount: must not be negative",
    ),
    (
        lambda: Charge("fee", amount=loose(Decimal(1))),
        InvalidField,
        "Charge.amount: must be a Money, not Decimal",
    ),
    (
        lambda: Charge("fee", amount=cny("1.005")),
        InvalidField,
        "finer than the minor unit",
    ),
    (lambda: Charge("", percent=1), InvalidField, "Charge.name: must not be empty"),
    (
        RateCap,
        InvalidField,
        "RateCap.max_increase: give max_increase=, max_decrease= or both",
    ),
    (
        lambda: RateCap(max_increase=loose(0.1)),
        InvalidField,
        "RateCap.max_increase: must be a Decimal or an int, not float (floats are inexact",
    ),
    (
        lambda: RateCap(max_decrease=101),
        InvalidField,
        "RateCap.max_decrease: must be a percentage from 0 to 100, not 101",
    ),
    (
        lambda: RateCap(max_increase=Decimal("NaN")),
        InvalidField,
        "must be a percentage from 0 to 100",
    ),
]

PLAN_CASES: list[Case] = [
    (lambda: plan_with(name=""), InvalidField, "RatingPlan.name: must not be empty"),
    (
        lambda: plan_with(currency=156),
        InvalidField,
        "RatingPlan.currency: must be an ISO 4217 code, not int",
    ),
    (lambda: plan_with(currency="XYZ"), UnknownCurrency, "XYZ"),
    (
        lambda: plan_with(base=DECIMAL_TABLE),
        InvalidField,
        "RatingPlan.base: must be a SumInsuredRate or a BasePremium, not RateTable",
    ),
    (
        lambda: plan_with(factors=Factor("f", DECIMAL_TABLE, "a")),
        InvalidField,
        "RatingPlan.factors: must be a list or a tuple, not Factor",
    ),
    (
        lambda: plan_with(factors=["ncd"]),
        InvalidField,
        "RatingPlan.factors[0]: must be a Factor, not str",
    ),
    (
        lambda: plan_with(fees=[Charge("f", percent=1), Factor("f", DECIMAL_TABLE, "a")]),
        InvalidField,
        "RatingPlan.fees[1]: must be a Charge, not Factor",
    ),
    (
        lambda: plan_with(taxes="vat"),
        InvalidField,
        "RatingPlan.taxes: must be a list or a tuple, not str",
    ),
    (
        lambda: plan_with(
            factors=[Factor("ncd", DECIMAL_TABLE, "a"), Factor("ncd", DECIMAL_TABLE, "b")]
        ),
        InvalidField,
        "RatingPlan.factors: factor name 'ncd' is used twice",
    ),
    (
        lambda: plan_with(fees=[Charge("vat", percent=1)], taxes=[Charge("vat", percent=6)]),
        InvalidField,
        "RatingPlan.fees: charge name 'vat' is used twice among fees and taxes",
    ),
    (
        lambda: plan_with(taxes=[Charge("vat", percent=1), Charge("vat", percent=6)]),
        InvalidField,
        "charge name 'vat' is used twice",
    ),
    (
        lambda: plan_with(factors=[Factor("ncd", MONEY_TABLE, "a")]),
        InvalidField,
        "RatingPlan.factors: factor 'ncd': table 'premiums' must hold Decimal rates",
    ),
    (
        lambda: plan_with(base=SumInsuredRate(MONEY_TABLE)),
        InvalidField,
        "RatingPlan.base: base: table 'premiums' must hold Decimal rates",
    ),
    (
        lambda: plan_with(base=BasePremium(DECIMAL_TABLE)),
        InvalidField,
        "RatingPlan.base: base: table 'rates' must hold Money premiums",
    ),
    (
        lambda: plan_with(base=BasePremium(table("usd", {(): usd("1.00")}))),
        CurrencyMismatch,
        "base table 'usd'",
    ),
    (
        lambda: plan_with(
            base=BasePremium(
                RateTable(
                    "mixed",
                    [
                        TableVersion("v1", D(2024, 1, 1), {(): cny("1.00")}),
                        TableVersion("v2", D(2025, 1, 1), {(): usd("1.00")}),
                    ],
                )
            )
        ),
        CurrencyMismatch,
        "base table 'mixed'",
    ),
    (
        lambda: plan_with(fees=[Charge("card", amount=usd("1.00"))]),
        CurrencyMismatch,
        "charge 'card'",
    ),
    (
        lambda: plan_with(taxes=[Charge("levy", amount=usd("1.00"))]),
        CurrencyMismatch,
        "charge 'levy'",
    ),
    (
        lambda: plan_with(minimum_premium=usd("1.00")),
        CurrencyMismatch,
        "minimum_premium",
    ),
    (
        lambda: plan_with(minimum_premium=cny("-1.00")),
        InvalidField,
        "RatingPlan.minimum_premium: must not be negative",
    ),
    (
        lambda: plan_with(minimum_premium=Decimal(1)),
        InvalidField,
        "RatingPlan.minimum_premium: must be a Money",
    ),
    (
        lambda: plan_with(validity_days=0),
        InvalidField,
        "RatingPlan.validity_days: must be from 1 to 366, not 0",
    ),
    (lambda: plan_with(validity_days=367), InvalidField, "must be from 1 to 366, not 367"),
    (
        lambda: plan_with(validity_days=True),
        InvalidField,
        "RatingPlan.validity_days: must be an int, not bool",
    ),
    (lambda: plan_with(validity_days="30"), InvalidField, "must be an int, not str"),
    (lambda: plan_with(rounding="half_up"), InvalidRounding, "use one of the decimal module's"),
    (lambda: plan_with(rounding=None), InvalidRounding, "None"),
    (
        lambda: plan_with(round_at="premium"),
        InvalidField,
        "RatingPlan.round_at: must be a RoundAt member",
    ),
    (
        lambda: plan_with(short_term=[10] * 12),
        InvalidField,
        "RatingPlan.short_term: must be a ShortRateTable, or None for daily pro-rata, not list",
    ),
]

RISK_CASES: list[Case] = [
    (
        lambda: RatedRisk(loose([("a", 1)])),
        InvalidField,
        "RatedRisk.attributes: must be a mapping, not list",
    ),
    (
        lambda: RatedRisk(loose({1: "a"})),
        InvalidField,
        "RatedRisk.attributes: keys must be str, not int",
    ),
    (
        lambda: RatedRisk(loose({"age": 30.5})),
        InvalidField,
        "'age' must be a str, an int, a bool, a Decimal or an enum member, not float "
        "(floats are inexact",
    ),
    (lambda: RatedRisk(loose({"age": None})), InvalidField, "'age' must be a str"),
    (lambda: RatedRisk(loose({"age": (1, 2)})), InvalidField, "not tuple"),
    (
        lambda: RatedRisk({"age": Decimal("sNaN")}),
        InvalidField,
        "'age' sNaN is not a finite Decimal",
    ),
    (
        lambda: RatedRisk({}, sum_insured=loose(Decimal(1))),
        InvalidField,
        "RatedRisk.sum_insured: must be a Money, not Decimal",
    ),
    (
        lambda: RatedRisk({}, sum_insured=cny("0")),
        InvalidField,
        "RatedRisk.sum_insured: must be greater than zero, not 0 CNY",
    ),
    (
        lambda: RatedRisk({}, sum_insured=cny("-1")),
        InvalidField,
        "RatedRisk.sum_insured: must be greater than zero, not -1 CNY",
    ),
    (
        lambda: RatedRisk({}, expiring_premium=cny("-0.01")),
        InvalidField,
        "RatedRisk.expiring_premium: must not be negative, not -0.01 CNY",
    ),
    (
        lambda: RatedRisk({}, expiring_premium=loose("100")),
        InvalidField,
        "RatedRisk.expiring_premium: must be a Money, not str",
    ),
    (
        lambda: RatedRisk({}, sum_insured=cny("1"), expiring_premium=usd("1")),
        CurrencyMismatch,
        "build a RatedRisk whose sum_insured and expiring_premium are",
    ),
]


def case_ids(cases: list[Case]) -> list[str]:
    return [f"{error.__name__}-{index}" for index, (_, error, _) in enumerate(cases)]


@pytest.mark.parametrize(
    ("build", "error", "fragment"),
    VERSION_CASES + TABLE_CASES + PART_CASES + PLAN_CASES + RISK_CASES,
    ids=case_ids(VERSION_CASES + TABLE_CASES + PART_CASES + PLAN_CASES + RISK_CASES),
)
def test_invalid_fields_are_refused(
    build: Callable[[], object], error: type[Exception], fragment: str
) -> None:
    with fails(error, fragment):
        build()


def test_a_cap_of_the_wrong_type_is_an_invalid_field() -> None:
    with fails(InvalidField, "RatingPlan.cap: must be a RateCap"):
        plan_with(cap="10%")


def test_limits_of_valid_fields() -> None:
    assert plan_with(validity_days=1).validity_days == 1
    assert plan_with(validity_days=366).validity_days == 366
    assert Charge("fee", percent=0).percent == Decimal(0)
    assert Charge("fee", percent=100).percent == Decimal(100)
    assert Charge("fee", amount=cny("0.00")).amount == cny("0")
    assert RateCap(max_increase=0, max_decrease=100) == RateCap(
        max_increase=Decimal(0), max_decrease=Decimal(100)
    )
    assert TableVersion("v", D(2025, 1, 1), {"a": 0}).rates["a"] == Decimal(0)
    assert TableVersion("v", D(2025, 1, 1), {"a": 1}, until=D(2025, 1, 1)).until == D(2025, 1, 1)
    assert plan_with(minimum_premium=cny("0.00")).minimum_premium == cny("0")


def test_values_are_converted_and_read_only() -> None:
    version = TableVersion("v", dt.date(2025, 1, 1), {"a": 1}, until=dt.date(2025, 12, 31))
    assert isinstance(version.effective_from, pendulum.Date)
    assert isinstance(version.until, pendulum.Date)
    assert type(version.rates["a"]) is Decimal
    with pytest.raises(TypeError):
        version.rates["b"] = Decimal(1)  # type: ignore[index]
    given = {"region": "north"}
    risk = RatedRisk(given)
    given["region"] = "south"
    assert risk.attributes["region"] == "north"
    with pytest.raises(TypeError):
        risk.attributes["region"] = "west"  # type: ignore[index]
    rates = table("t", {"a": 1})
    assert RateTable("t", (rates.versions[0],)) == rates
    assert Factor("f", rates, "a").key == ("a",)
    assert Factor("f", rates, ("a", "b")).key == ("a", "b")
    assert SumInsuredRate(rates).key == ()
    assert Charge("vat", percent=6).percent == Decimal(6)
    plan = plan_with(factors=(Factor("f", rates, "a"),), fees=[Charge("fee", percent=1)])
    assert isinstance(plan.factors, tuple)
    assert isinstance(plan.fees, tuple)
    assert (plan.rounding, plan.round_at, plan.validity_days) == (
        ROUND_HALF_UP,
        RoundAt.PREMIUM,
        30,
    )
    assert plan.short_term is None


def test_round_at_and_steps_are_enums() -> None:
    assert [member.value for member in RoundAt] == ["premium", "each_step"]
    assert [member.value for member in QuoteStep] == [
        "base",
        "factor",
        "cap",
        "short_term",
        "rounding",
        "minimum",
        "fee",
        "tax",
    ]


# --------------------------------------------------------------------------- RatedRisk.of


def test_rated_risk_of_a_policy() -> None:
    policy = make_policy(
        coverages=[
            make_coverage(),  # 1,000,000
            make_coverage(code="vehicle_damage", sum_insured=cny("150000")),
        ]
    )
    risk = RatedRisk.of(policy, region="north")
    assert dict(risk.attributes) == {
        "line_of_business": LineOfBusiness.AUTO,
        "product_code": "AUTO-COMMERCIAL",
        "renewal_count": 2,
        "region": "north",
    }
    assert risk.sum_insured == cny("1150000")  # 1,000,000 + 150,000
    assert risk.expiring_premium == cny("3560.00")  # the policy's premium


def test_rated_risk_of_replaces_attributes() -> None:
    risk = RatedRisk.of(make_policy(), renewal_count=5, product_code="AUTO-PRIVATE")
    assert (risk.attributes["renewal_count"], risk.attributes["product_code"]) == (
        5,
        "AUTO-PRIVATE",
    )


def test_rated_risk_of_a_policy_without_coverages() -> None:
    risk = RatedRisk.of(make_policy(coverages=[]))
    assert risk.sum_insured is None
    assert risk.expiring_premium == cny("3560.00")


def test_rated_risk_of_refuses_wrong_types() -> None:
    with fails(ArgumentTypeError, "RatedRisk.of(policy) takes a Policy, not str"):
        RatedRisk.of(loose("P-2024-0001"))
    with fails(InvalidField, "'region' must be a str"):
        RatedRisk.of(make_policy(), region=loose(1.5))


def test_quote_takes_a_policy() -> None:
    # Sum insured 1,000,000 + 150,000 = 1,150,000 x 0.001 = 1,150.00; line AUTO x 1.10
    # = 1,265.00. Change from 3,560.00: -2,295.00, / 3,560 = -64.466...% -> -64.47.
    policy = make_policy(
        coverages=[
            make_coverage(),
            make_coverage(code="vehicle_damage", sum_insured=cny("150000")),
        ]
    )
    lines = table(
        "line", {LineOfBusiness.AUTO: Decimal("1.10"), LineOfBusiness.HEALTH: Decimal("0.9")}
    )
    plan = flat_rate_plan("0.001", factors=[Factor("line", lines, "line_of_business")])
    term = policy.term.renewal()
    result = quote(policy, plan, term=term, as_of=D(2025, 2, 1))
    assert result.premium == cny("1265.00")
    assert result.risk == RatedRisk.of(policy)
    assert result.expiring_premium == cny("3560.00")
    assert result.change == cny("-2295.00")
    assert result.change_percent == Decimal("-64.47")
    assert result.breakdown[1].inputs == (("line_of_business", LineOfBusiness.AUTO),)
    assert verify_quote(result, policy, plan, on=D(2025, 2, 2)).valid


def test_quote_refuses_wrong_types() -> None:
    plan, risk = flat_rate_plan(), insured("100000")
    with fails(ArgumentTypeError, "quote(policy_or_risk) takes a RatedRisk or a Policy, not dict"):
        quote(loose({}), plan, term=YEAR_2025, as_of=AS_OF)
    with fails(ArgumentTypeError, "quote(plan) takes a RatingPlan, not str"):
        quote(risk, loose("plan"), term=YEAR_2025, as_of=AS_OF)
    with fails(ArgumentTypeError, "quote(term) takes a PolicyTerm, not tuple"):
        quote(risk, plan, term=loose((D(2025, 1, 1), D(2025, 12, 31))), as_of=AS_OF)
    with fails(DateTypeError, "quote(as_of)"):
        quote(risk, plan, term=YEAR_2025, as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    with fails(DateTypeError, "quote(rates_on)"):
        quote(risk, plan, term=YEAR_2025, as_of=AS_OF, rates_on=loose("2025-01-01"))


# --------------------------------------------------------------------------- quote fields


@pytest.mark.parametrize(
    ("premium", "expiring", "change", "percent"),
    [
        ("1200.00", "1000.00", "200.00", "20.00"),
        ("850.00", "1000.00", "-150.00", "-15.00"),
        # 100 / 300 = 33.333...% -> 33.33; 200 / 300 = 66.666...% -> 66.67.
        ("400.00", "300.00", "100.00", "33.33"),
        ("500.00", "300.00", "200.00", "66.67"),
        ("200.00", "300.00", "-100.00", "-33.33"),
        ("100.00", "300.00", "-200.00", "-66.67"),
        # 0.01 / 200 = 0.005%: a half, rounded away from zero either way.
        ("200.01", "200.00", "0.01", "0.01"),
        ("199.99", "200.00", "-0.01", "-0.01"),
        # 0.01 / 800 = 0.00125%: rounds to zero.
        ("800.01", "800.00", "0.01", "0.00"),
        ("799.99", "800.00", "-0.01", "0.00"),
        ("100.00", "100.00", "0.00", "0.00"),
        ("0.00", "100.00", "-100.00", "-100.00"),
    ],
)
def test_change_and_change_percent(premium: str, expiring: str, change: str, percent: str) -> None:
    plan = flat_premium_plan(cny(premium))
    result = quote(
        RatedRisk({}, expiring_premium=cny(expiring)), plan, term=YEAR_2025, as_of=AS_OF
    )
    assert result.premium == cny(premium)
    assert result.expiring_premium == cny(expiring)
    assert result.change == cny(change)
    assert result.change_percent == Decimal(percent)
    assert result.change_percent is not None
    assert result.change_percent.as_tuple().exponent == -2
    # A zero is written without a sign.
    assert not (result.change_percent.is_zero() and result.change_percent.is_signed())
    assert result.change is not None
    assert not (result.change.is_zero() and result.change.amount.is_signed())


def test_change_without_an_expiring_premium_above_zero() -> None:
    plan = flat_premium_plan(cny("250.00"))
    none = quote(RatedRisk({}), plan, term=YEAR_2025, as_of=AS_OF)
    assert (none.expiring_premium, none.change, none.change_percent) == (None, None, None)
    zero = quote(RatedRisk({}, expiring_premium=cny("0")), plan, term=YEAR_2025, as_of=AS_OF)
    assert (zero.change, zero.change_percent) == (cny("250.00"), None)


def test_change_is_on_the_premium_not_the_total() -> None:
    plan = flat_premium_plan(cny("1100.00"), taxes=[Charge("vat", percent=6)])
    result = quote(
        RatedRisk({}, expiring_premium=cny("1000.00")), plan, term=YEAR_2025, as_of=AS_OF
    )
    assert result.total == cny("1166.00")
    assert (result.change, result.change_percent) == (cny("100.00"), Decimal("10.00"))


def test_amounts_finer_than_the_minor_unit_are_refused() -> None:
    with fails(InvalidField, "RatedRisk.expiring_premium: 900.005 CNY is finer than the minor"):
        RatedRisk({}, expiring_premium=cny("900.005"))
    with fails(InvalidField, "RatedRisk.sum_insured: 100000.005 CNY is finer than the minor"):
        RatedRisk({}, sum_insured=cny("100000.005"))


@pytest.mark.parametrize(
    ("as_of", "days", "until"),
    [
        # 2025-02-10 + 30 - 1 = 2025-03-11 (18 days to 02-28, 11 more).
        (D(2025, 2, 10), 30, D(2025, 3, 11)),
        (D(2025, 2, 10), 1, D(2025, 2, 10)),
        (D(2024, 2, 10), 30, D(2024, 3, 10)),  # 2024 has a 29 February
        (D(2025, 1, 1), 366, D(2026, 1, 1)),
    ],
)
def test_valid_until(as_of: pendulum.Date, days: int, until: pendulum.Date) -> None:
    result = quote(
        insured("100000"), flat_rate_plan(validity_days=days), term=YEAR_2025, as_of=as_of
    )
    assert result.as_of == as_of
    assert result.valid_until == until
    assert result.is_valid_on(as_of)
    assert result.is_valid_on(until)
    assert not result.is_valid_on(as_of.subtract(days=1))
    assert not result.is_valid_on(until.add(days=1))


def test_as_of_may_be_a_datetime_date() -> None:
    result = quote(insured("100000"), flat_rate_plan(), term=YEAR_2025, as_of=dt.date(2025, 2, 10))
    assert isinstance(result.as_of, pendulum.Date)
    assert result.valid_until == D(2025, 3, 11)
    assert result.is_valid_on(dt.date(2025, 3, 1))
    with pytest.raises(DateTypeError):
        result.is_valid_on(loose(dt.datetime(2025, 3, 1, tzinfo=dt.UTC)))


def test_quote_fields() -> None:
    plan = five_factor_plan(taxes=[Charge("vat", percent=6)])
    risk = five_factor_risk()
    result = quote(risk, plan, term=YEAR_2025, as_of=AS_OF)
    assert (result.plan, result.risk, result.term) == (plan, risk, YEAR_2025)
    # 1,199.32 x 6% = 71.9592 -> 71.96; total 1,271.28.
    assert (result.premium, result.fees, result.taxes, result.total) == (
        cny("1199.32"),
        cny("0.00"),
        cny("71.96"),
        cny("1271.28"),
    )
    assert result.versions == (
        ("rate", "v1"),
        ("ncd", "v1"),
        ("age", "v1"),
        ("region", "v1"),
        ("loading", "v1"),
        ("tenure", "v1"),
    )
    shown = repr(result)
    assert shown.startswith("Quote(term=PolicyTerm(")
    assert "premium=Money('1199.32', 'CNY')" in shown
    assert "plan=" not in shown
    assert "risk=" not in shown


def test_quote_repr_shows_no_attributes() -> None:
    regions = table("region", {PHONE: Decimal("1.05")})
    plan = flat_rate_plan(factors=[Factor("region", regions, "region")])
    result = quote(insured("100000", region=PHONE), plan, term=YEAR_2025, as_of=AS_OF)
    assert PHONE not in repr(result)


# --------------------------------------------------------------------------- digests


def digest_plan(**settings: Any) -> RatingPlan:
    return flat_rate_plan(
        factors=[Factor("region", table("region", {"north": Decimal("1.05")}), "region")],
        **settings,
    )


def digest_quote(
    risk: RatedRisk | None = None,
    plan: RatingPlan | None = None,
    term: PolicyTerm = YEAR_2025,
    **options: Any,
) -> Quote:
    return quote(
        insured("100000", region="north", colour="red") if risk is None else risk,
        digest_plan() if plan is None else plan,
        term=term,
        as_of=options.pop("as_of", AS_OF),
        **options,
    )


def test_digest_is_stable() -> None:
    first, second = digest_quote(), digest_quote()
    assert first.digest == second.digest
    assert re.fullmatch(r"[0-9a-f]{64}", first.digest)
    assert first.inputs_digest == second.inputs_digest
    assert re.fullmatch(r"[0-9a-f]{64}", first.inputs_digest)
    assert first.plan.digest == digest_plan().digest
    assert first == second
    # The day the quote is made is not a figure's input.
    assert digest_quote(as_of=D(2025, 2, 20)).digest == first.digest


def corrected_region() -> RatingPlan:
    # The same table and version names, one rate corrected.
    return flat_rate_plan(
        factors=[Factor("region", table("region", {"north": Decimal("1.06")}), "region")]
    )


def changed_quotes() -> Iterator[tuple[str, Quote]]:
    yield "attribute", digest_quote(insured("100000", region="north", colour="blue"))
    yield "attribute type", digest_quote(insured("100000", region="north", colour=Use.PRIVATE))
    yield "sum insured", digest_quote(insured("100001", region="north", colour="red"))
    yield (
        "expiring",
        digest_quote(insured("100000", expiring=cny("1.00"), region="north", colour="red")),
    )
    yield "term", digest_quote(term=PolicyTerm.annual(D(2025, 3, 2), ZONE))
    yield "term end", digest_quote(term=short(D(2025, 3, 1), D(2026, 2, 27)))
    yield "rates_on", digest_quote(rates_on=D(2025, 2, 1))
    yield "table rates", digest_quote(plan=corrected_region())
    yield "validity", digest_quote(plan=digest_plan(validity_days=31))
    yield "rounding", digest_quote(plan=digest_plan(rounding=ROUND_DOWN))
    yield "round at", digest_quote(plan=digest_plan(round_at=RoundAt.EACH_STEP))
    yield "minimum", digest_quote(plan=digest_plan(minimum_premium=cny("1.00")))
    yield "cap", digest_quote(plan=digest_plan(cap=RateCap(max_increase=5)))
    yield "fee", digest_quote(plan=digest_plan(fees=[Charge("fee", percent=1)]))
    yield "tax", digest_quote(plan=digest_plan(taxes=[Charge("tax", amount=cny("1.00"))]))
    yield "short term", digest_quote(plan=digest_plan(short_term=PROPERTY_SHORT_RATE))


def test_digest_changes_with_every_input() -> None:
    reference = digest_quote().digest
    seen = {reference}
    for label, changed in changed_quotes():
        assert changed.digest != reference, label
        seen.add(changed.digest)
    assert len(seen) == 17  # all different from each other too


def test_table_version_digest() -> None:
    version = valid_version()
    assert version.digest == valid_version().digest
    assert re.fullmatch(r"[0-9a-f]{64}", version.digest)
    for changed in [
        valid_version(version="v2"),
        valid_version(effective_from=D(2025, 1, 2)),
        valid_version(until=D(2025, 12, 31)),
        valid_version(rates={"a": Decimal("1.2")}),
        valid_version(rates={"b": Decimal("1.1")}),
        valid_version(rates={"a": Decimal("1.1"), "b": 1}),
        valid_version(rates={"a": cny("1.10")}),
        valid_version(rates={1: Decimal("1.1")}, banded=True),
        valid_version(rates={1: Decimal("1.1")}),
        valid_version(rates={True: Decimal("1.1")}),
        valid_version(rates={Decimal(1): Decimal("1.1")}),
        valid_version(rates={(Use.PRIVATE, 1): Decimal("1.1")}),
    ]:
        assert changed.digest != version.digest
    # The order of the rates does not matter.
    both = valid_version(rates={"a": Decimal("1.1"), "b": Decimal(2)})
    assert both.digest == valid_version(rates={"b": Decimal(2), "a": Decimal("1.1")}).digest


def test_plan_digest_ignores_table_content() -> None:
    # The plan names its tables; their content is in the quote's digest instead.
    assert digest_plan().digest == corrected_region().digest
    assert digest_plan(validity_days=31).digest != digest_plan().digest


# --------------------------------------------------------------------------- verify_quote


def offer() -> Quote:
    return digest_quote(as_of=D(2025, 2, 1))  # valid through 2025-03-02


def codes(plan: RatingPlan | None = None, **options: Any) -> list[str]:
    risk = options.pop("risk", insured("100000", region="north", colour="red"))
    on = options.pop("on", D(2025, 2, 10))
    check = verify_quote(offer(), risk, digest_plan() if plan is None else plan, on=on, **options)
    return [reason.code for reason in check.reasons]


def test_verify_a_quote_that_holds() -> None:
    made = offer()
    risk = insured("100000", region="north", colour="red")
    check = verify_quote(made, risk, digest_plan(), on=dt.date(2025, 2, 10))
    assert check.valid
    assert check.reasons == ()
    assert check.checked_on == D(2025, 2, 10)
    assert isinstance(check.checked_on, pendulum.Date)
    assert check.quote is made
    assert check.recomputed is not None
    assert check.recomputed.as_of == D(2025, 2, 10)
    assert check.recomputed.valid_until == D(2025, 3, 11)
    assert check.recomputed.rates_on == made.rates_on
    assert check.recomputed.total == made.total == cny("1260.00")  # 1,200 x 1.05
    assert check.recomputed.digest == made.digest
    # On the day it is made, and on its last day.
    assert verify_quote(made, risk, digest_plan(), on=D(2025, 2, 1)).valid
    assert verify_quote(made, risk, digest_plan(), on=D(2025, 3, 2)).valid
    assert "quote=" not in repr(check)


def test_verify_expired() -> None:
    assert codes(on=D(2025, 3, 3)) == ["quote.expired"]
    check = verify_quote(
        offer(), insured("100000", region="north", colour="red"), digest_plan(), on=D(2025, 3, 3)
    )
    (reason,) = check.reasons
    assert not check.valid
    assert reason.severity is Severity.BLOCK
    assert reason.rule == "verify_quote"
    assert reason.message == "the quote was valid until 2025-03-02"
    assert dict(reason.details) == {"valid_until": D(2025, 3, 2), "checked_on": D(2025, 3, 3)}


def test_verify_inputs_changed() -> None:
    # An attribute no table reads: the figures are the same, the inputs are not.
    assert codes(risk=insured("100000", region="north", colour="blue")) == ["quote.inputs_changed"]
    assert codes(risk=insured("100000", expiring=cny("5.00"), region="north", colour="red")) == [
        "quote.inputs_changed"
    ]
    # Another term of the same length (365 days), same rates_on.
    assert codes(term=PolicyTerm.annual(D(2025, 3, 2), ZONE)) == ["quote.inputs_changed"]
    # Another sum insured changes the total too.
    assert codes(risk=insured("200000", region="north", colour="red")) == [
        "quote.inputs_changed",
        "quote.premium_changed",
    ]


def test_verify_plan_changed() -> None:
    assert codes(plan=digest_plan(validity_days=60)) == ["quote.plan_changed"]
    assert codes(plan=digest_plan(minimum_premium=cny("2000.00"))) == [
        "quote.plan_changed",
        "quote.premium_changed",
    ]
    renamed = attrs.evolve(digest_plan(), name="renamed")
    check = verify_quote(
        offer(), insured("100000", region="north", colour="red"), renamed, on=D(2025, 2, 10)
    )
    (reason,) = check.reasons
    assert reason.code == "quote.plan_changed"
    assert reason.message == "plan 'renamed' differs from the plan quoted ('flat')"
    assert dict(reason.details) == {"plan_digest": offer().plan.digest}


def test_verify_tables_changed_by_a_corrected_version() -> None:
    # Same names, region rate 1.06: 1,200 x 1.06 = 1,272.00.
    check = verify_quote(
        offer(),
        insured("100000", region="north", colour="red"),
        corrected_region(),
        on=D(2025, 2, 10),
    )
    assert [reason.code for reason in check.reasons] == [
        "quote.tables_changed",
        "quote.premium_changed",
    ]
    tables, premium = check.reasons
    assert tables.message == ("the rate tables in force differ from the quote's: region v1 -> v1")
    assert dict(tables.details) == {
        "before": (("rate", "v1"), ("region", "v1")),
        "after": (("rate", "v1"), ("region", "v1")),
    }
    assert premium.message == "the total is now 1272.00 CNY, not 1260.00 CNY"
    assert dict(premium.details) == {"quoted": cny("1260.00"), "recomputed": cny("1272.00")}
    assert check.recomputed is not None
    assert check.recomputed.total == cny("1272.00")


def test_verify_tables_changed_alone() -> None:
    # The region table gains a key this risk does not use: same figures, other content.
    wider = flat_rate_plan(
        factors=[
            Factor(
                "region",
                table("region", {"north": Decimal("1.05"), "south": Decimal("0.95")}),
                "region",
            )
        ]
    )
    assert codes(plan=wider) == ["quote.tables_changed"]


def test_verify_tables_changed_by_a_new_version_in_force() -> None:
    # A new version from 2025-02-15, in force on rates_on (2025-03-01), same rates.
    region = RateTable(
        "region",
        [
            TableVersion("v1", EPOCH, {"north": Decimal("1.05")}),
            TableVersion("v2", D(2025, 2, 15), {"north": Decimal("1.05")}),
        ],
    )
    plan = flat_rate_plan(factors=[Factor("region", region, "region")])
    check = verify_quote(
        offer(), insured("100000", region="north", colour="red"), plan, on=D(2025, 2, 10)
    )
    (reason,) = check.reasons
    assert reason.code == "quote.tables_changed"
    assert reason.message.endswith(": region v1 -> v2")
    assert dict(reason.details)["after"] == (("rate", "v1"), ("region", "v2"))
    # A version from after rates_on changes nothing.
    later = RateTable(
        "region",
        [
            TableVersion("v1", EPOCH, {"north": Decimal("1.05")}),
            TableVersion("v2", D(2025, 6, 1), {"north": Decimal("2")}),
        ],
    )
    assert codes(plan=flat_rate_plan(factors=[Factor("region", later, "region")])) == []


def test_verify_tables_changed_when_other_tables_are_used() -> None:
    # A factor added: the plan differs, and so do the tables used.
    more = flat_rate_plan(
        factors=[
            Factor("region", table("region", {"north": Decimal("1.05")}), "region"),
            Factor("colour", table("colour", {"red": 1}), "colour"),
        ]
    )
    check = verify_quote(
        offer(), insured("100000", region="north", colour="red"), more, on=D(2025, 2, 10)
    )
    assert [reason.code for reason in check.reasons] == [
        "quote.plan_changed",
        "quote.tables_changed",
    ]
    assert check.reasons[1].message.endswith(": other tables are used")


def test_verify_rates_unavailable() -> None:
    # The region table loses "north": the risk can no longer be rated.
    plan = flat_rate_plan(
        factors=[Factor("region", table("region", {"south": Decimal("0.95")}), "region")]
    )
    check = verify_quote(
        offer(), insured("100000", region="north", colour="red"), plan, on=D(2025, 2, 10)
    )
    (reason,) = check.reasons
    assert reason.code == "quote.rates_unavailable"
    assert reason.severity is Severity.BLOCK
    assert reason.message.startswith("the risk can no longer be rated: rate table 'region' v1")
    assert check.recomputed is None
    assert not check.valid


@pytest.mark.parametrize(
    "risk",
    [
        insured("100000", colour="red"),  # the attribute is gone
        RatedRisk({"region": "north", "colour": "red"}),  # the sum insured is gone
        RatedRisk({"region": "north", "colour": "red"}, sum_insured=usd("100000")),
    ],
)
def test_verify_rates_unavailable_for_other_faults(risk: RatedRisk) -> None:
    check = verify_quote(offer(), risk, digest_plan(), on=D(2025, 2, 10))
    assert [reason.code for reason in check.reasons] == [
        "quote.inputs_changed",
        "quote.rates_unavailable",
    ]


def test_verify_rates_unavailable_for_a_term_too_long() -> None:
    long = short(D(2025, 3, 1), D(2026, 3, 1))
    assert codes(term=long) == ["quote.inputs_changed", "quote.rates_unavailable"]


def test_verify_rates_unavailable_never_shows_the_key() -> None:
    plan = flat_rate_plan(
        factors=[Factor("region", table("region", {"south": Decimal("0.95")}), "region")]
    )
    made = quote(
        insured("100000", region="north"), digest_plan(), term=YEAR_2025, as_of=D(2025, 2, 1)
    )
    for value in [PHONE, NAME]:
        check = verify_quote(made, insured("100000", region=value), plan, on=D(2025, 2, 10))
        assert all(value not in reason.message for reason in check.reasons)
        assert all(value not in repr(reason) for reason in check.reasons)


def test_verify_every_reason_at_once() -> None:
    assert codes(
        plan=attrs.evolve(corrected_region(), validity_days=10),
        risk=insured("200000", region="north", colour="red"),
        on=D(2025, 4, 1),
    ) == [
        "quote.expired",
        "quote.inputs_changed",
        "quote.plan_changed",
        "quote.tables_changed",
        "quote.premium_changed",
    ]


def test_verify_refuses_a_day_before_the_quote() -> None:
    with fails(
        InvalidField,
        "verify_quote.on: 2025-01-31 is before 2025-02-01, the day the quote was made; check on "
        "that day or later",
    ):
        codes(on=D(2025, 1, 31))


def test_verify_refuses_wrong_types() -> None:
    made, plan = offer(), digest_plan()
    risk = insured("100000", region="north", colour="red")
    with fails(ArgumentTypeError, "verify_quote(quote) takes a Quote, not str"):
        verify_quote(loose("quote"), risk, plan, on=AS_OF)
    with fails(ArgumentTypeError, "verify_quote(policy_or_risk) takes a RatedRisk or a Policy"):
        verify_quote(made, loose(None), plan, on=AS_OF)
    with fails(ArgumentTypeError, "verify_quote(plan) takes a RatingPlan, not NoneType"):
        verify_quote(made, risk, loose(None), on=AS_OF)
    with fails(ArgumentTypeError, "verify_quote(term) takes a PolicyTerm, not str"):
        verify_quote(made, risk, plan, on=AS_OF, term=loose("2025"))
    with fails(DateTypeError, "verify_quote(on)"):
        verify_quote(made, risk, plan, on=loose("2025-02-10"))


def test_verify_an_equal_sum_insured_written_otherwise() -> None:
    same = RatedRisk({"region": "north", "colour": "red"}, sum_insured=cny("100000.00"))
    assert same == insured("100000", region="north", colour="red")
    assert codes(risk=same) == []


def test_verify_an_equal_plan_written_otherwise() -> None:
    six = digest_plan(taxes=[Charge("vat", percent=6)])
    same = digest_plan(taxes=[Charge("vat", percent=Decimal("6.0"))])
    assert six == same
    made = quote(insured("100000", region="north"), six, term=YEAR_2025, as_of=D(2025, 2, 1))
    check = verify_quote(made, insured("100000", region="north"), same, on=D(2025, 2, 10))
    assert check.reasons == ()


def test_verify_equal_rates_written_otherwise() -> None:
    same = flat_rate_plan(
        factors=[Factor("region", table("region", {"north": Decimal("1.050")}), "region")]
    )
    assert same == digest_plan()
    assert codes(plan=same) == []


# --------------------------------------------------------------------------- properties


class Params(NamedTuple):
    si_units: int
    rate: Decimal
    coefficients: tuple[Decimal, ...]
    cap: tuple[Decimal | None, Decimal | None] | None
    expiring_units: int | None
    minimum_units: int | None
    fees: tuple[tuple[Decimal | None, int | None], ...]
    taxes: tuple[tuple[Decimal | None, int | None], ...]
    start: dt.date
    days: int
    round_at: RoundAt


def build(params: Params) -> tuple[RatedRisk, RatingPlan, PolicyTerm]:
    """The risk, plan and term a draw describes: one table per factor, keyed by "k"."""
    attributes = {f"a{index}": "k" for index in range(len(params.coefficients))}
    factors = [
        Factor(f"f{index}", table(f"t{index}", {"k": coefficient}), f"a{index}")
        for index, coefficient in enumerate(params.coefficients)
    ]

    def charges(drawn: tuple[tuple[Decimal | None, int | None], ...], prefix: str) -> list[Charge]:
        return [
            Charge(f"{prefix}{index}", percent=percent)
            if percent is not None
            else Charge(f"{prefix}{index}", amount=Money.from_minor_units(amount or 0, "CNY"))
            for index, (percent, amount) in enumerate(drawn)
        ]

    plan = RatingPlan(
        "drawn",
        "CNY",
        SumInsuredRate(table("base", {(): params.rate})),
        factors=factors,
        fees=charges(params.fees, "fee"),
        taxes=charges(params.taxes, "tax"),
        cap=None
        if params.cap is None
        else RateCap(max_increase=params.cap[0], max_decrease=params.cap[1]),
        minimum_premium=None
        if params.minimum_units is None
        else Money.from_minor_units(params.minimum_units, "CNY"),
        round_at=params.round_at,
    )
    expiring = (
        None
        if params.expiring_units is None
        else Money.from_minor_units(params.expiring_units, "CNY")
    )
    risk = RatedRisk(
        attributes,
        sum_insured=Money.from_minor_units(params.si_units, "CNY"),
        expiring_premium=expiring,
    )
    end = params.start + dt.timedelta(days=params.days - 1)
    return risk, plan, PolicyTerm(params.start, end, ZONE)


class Reference(NamedTuple):
    annual: Fraction  # after the cap, before the short term
    premium: int
    fees: int
    taxes: int


def reference(params: Params) -> Reference:
    """The figures a draw must give, in exact fractions and integer minor units."""
    each = params.round_at is RoundAt.EACH_STEP

    def step(value: Fraction) -> Fraction:
        return Fraction(ref_round(value, 2), 100) if each else value

    amount = step(Fraction(params.si_units, 100) * Fraction(params.rate))
    for coefficient in params.coefficients:
        amount = step(amount * Fraction(coefficient))
    if params.cap is not None and params.expiring_units:
        expiring = Fraction(params.expiring_units, 100)
        increase, decrease = params.cap
        if increase is not None:
            amount = min(amount, expiring * (1 + Fraction(increase) / 100))
        if decrease is not None:
            amount = max(amount, expiring * (1 - Fraction(decrease) / 100))
        amount = step(amount)
    year = ref_year_days(params.start)
    share = Fraction(params.days, year)
    premium = ref_round(amount * share, 2)
    if params.minimum_units is not None:
        premium = max(premium, params.minimum_units)
    fees = 0
    for percent, fixed in params.fees:
        if percent is not None:
            fees += ref_round(Fraction(premium, 100) * Fraction(percent) / 100, 2)
        if fixed is not None:
            fees += fixed
    taxes = 0
    for percent, fixed in params.taxes:
        on = Fraction(premium + fees, 100)
        if percent is not None:
            taxes += ref_round(on * Fraction(percent) / 100, 2)
        if fixed is not None:
            taxes += fixed
    return Reference(amount, premium, fees, taxes)


starts = st.builds(
    dt.date,
    st.integers(2000, 2040),
    st.integers(1, 12),
    st.integers(1, 28),
)
percents = st.integers(0, 1000).map(lambda tenths: Decimal(tenths).scaleb(-1))  # 0.0 to 100.0
charge_draws = st.lists(
    st.one_of(
        st.tuples(st.integers(0, 2000).map(lambda n: Decimal(n).scaleb(-2)), st.none()),
        st.tuples(st.none(), st.integers(0, 100_000)),
    ),
    max_size=2,
).map(tuple)


@st.composite
def draws(
    draw: st.DrawFn,
    *,
    round_at: RoundAt | None = None,
    cap: bool = True,
    minimum: bool = True,
    charges: bool = True,
    annual: bool = False,
) -> Params:
    start = draw(starts)
    year = ref_year_days(start)
    days = year if annual else draw(st.one_of(st.just(year), st.integers(1, year)))
    drawn_cap = None
    expiring = draw(st.none() | st.integers(0, 10**8))
    if cap and draw(st.booleans()):
        drawn_cap = draw(
            st.tuples(st.none() | percents, st.none() | percents).filter(
                lambda limits: limits != (None, None)
            )
        )
    return Params(
        si_units=draw(st.integers(1, 10**11)),
        rate=Decimal(draw(st.integers(1, 10_000))).scaleb(-5),
        coefficients=tuple(
            Decimal(n).scaleb(-3) for n in draw(st.lists(st.integers(0, 3000), max_size=5))
        ),
        cap=drawn_cap,
        expiring_units=expiring,
        minimum_units=draw(st.none() | st.integers(0, 10**6)) if minimum else None,
        fees=draw(charge_draws) if charges else (),
        taxes=draw(charge_draws) if charges else (),
        start=start,
        days=days,
        round_at=draw(st.sampled_from(RoundAt)) if round_at is None else round_at,
    )


def check_against_reference(params: Params) -> Quote:
    risk, plan, term = build(params)
    result = quote(risk, plan, term=term, as_of=params.start)
    expected = reference(params)
    assert units(result.premium) == expected.premium
    assert units(result.fees) == expected.fees
    assert units(result.taxes) == expected.taxes
    assert units(result.total) == expected.premium + expected.fees + expected.taxes
    assert result.total == result.premium + result.fees + result.taxes
    assert result.breakdown[-1].amount == result.total
    return result


@given(draws(round_at=RoundAt.PREMIUM))
def test_property_premium_rounded_once_matches_the_reference(params: Params) -> None:
    result = check_against_reference(params)
    # Steps 1 to 4 stay exact but for the short-term step, which rounds.
    for line in result.breakdown:
        expected = (
            ROUND_HALF_UP if line.step in {QuoteStep.SHORT_TERM, QuoteStep.ROUNDING} else None
        )
        if line.step not in {QuoteStep.FEE, QuoteStep.TAX}:
            assert line.rounding == expected


@given(draws(round_at=RoundAt.EACH_STEP))
def test_property_premium_rounded_at_each_step_matches_the_reference(params: Params) -> None:
    result = check_against_reference(params)
    for line in result.breakdown:
        if line.step in {QuoteStep.BASE, QuoteStep.FACTOR, QuoteStep.CAP, QuoteStep.SHORT_TERM}:
            assert line.rounding == ROUND_HALF_UP
            assert units(line.amount) >= 0  # whole minor units
    assert QuoteStep.ROUNDING not in {line.step for line in result.breakdown}


@given(draws(cap=False, charges=False), st.integers(0, 10**9), st.data())
def test_property_premium_is_monotone(params: Params, more: int, data: st.DataObject) -> None:
    risk, plan, term = build(params)
    base = quote(risk, plan, term=term, as_of=params.start).premium
    bigger = build(params._replace(si_units=params.si_units + more))
    assert quote(bigger[0], bigger[1], term=bigger[2], as_of=params.start).premium >= base
    if params.coefficients:
        index = data.draw(st.integers(0, len(params.coefficients) - 1))
        raised = Decimal(data.draw(st.integers(0, 1000))).scaleb(-3)
        coefficients = list(params.coefficients)
        coefficients[index] += raised
        steeper = build(params._replace(coefficients=tuple(coefficients)))
        assert quote(steeper[0], steeper[1], term=steeper[2], as_of=params.start).premium >= base


@given(draws(minimum=False, charges=False, annual=True), st.integers(1, 10**8), percents)
def test_property_cap_holds_the_annual_premium(
    params: Params, expiring: int, increase: Decimal
) -> None:
    capped = params._replace(cap=(increase, params.cap[1] if params.cap else None))
    capped = capped._replace(expiring_units=expiring)
    risk, plan, term = build(capped)
    premium = units(quote(risk, plan, term=term, as_of=params.start).premium)
    assert capped.cap is not None
    highest = Fraction(expiring, 100) * (1 + Fraction(increase) / 100)
    assert premium <= ref_round(highest, 2)
    decrease = capped.cap[1]
    if decrease is not None:
        lowest = Fraction(expiring, 100) * (1 - Fraction(decrease) / 100)
        assert premium >= ref_round(lowest, 2)


@given(draws())
def test_property_minimum_premium(params: Params) -> None:
    risk, plan, term = build(params)
    result = quote(risk, plan, term=term, as_of=params.start)
    if plan.minimum_premium is not None:
        assert result.premium >= plan.minimum_premium
        assert line_of(result, QuoteStep.MINIMUM).amount == result.premium
    assert result.premium >= cny("0")


@given(
    draws(cap=False, minimum=False, charges=False),
    st.integers(1, 366),
    st.integers(1, 366),
)
def test_property_pro_rata_is_monotone_in_days(params: Params, first: int, second: int) -> None:
    year = ref_year_days(params.start)
    fewer, more = sorted((min(first, year), min(second, year)))
    results = []
    for days in (fewer, more):
        risk, plan, term = build(params._replace(days=days))
        results.append(quote(risk, plan, term=term, as_of=params.start).premium)
    assert results[0] <= results[1]
    # The share of a full year is the annual premium.
    annual = reference(params._replace(days=year)).premium
    assert units(results[1]) <= annual


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=8)


@given(
    st.lists(st.tuples(names, names), max_size=5, unique_by=lambda pair: pair[0]),
    names,
    names,
)
def test_property_breakdown_names_tables_and_versions_in_plan_order(
    tables: list[tuple[str, str]], base_name: str, base_version: str
) -> None:
    factors = [
        Factor(
            f"factor_{index}",
            RateTable(name, [TableVersion(version, EPOCH, {(): Decimal("1.1")})]),
            [],
        )
        for index, (name, version) in enumerate(tables)
    ]
    plan = RatingPlan(
        "named",
        "CNY",
        SumInsuredRate(
            RateTable(base_name, [TableVersion(base_version, EPOCH, {(): Decimal("0.01")})])
        ),
        factors=factors,
    )
    result = quote(insured("100000"), plan, term=YEAR_2025, as_of=AS_OF)
    base, *rest = result.breakdown
    assert (base.step, base.table, base.version) == (QuoteStep.BASE, base_name, base_version)
    factor_lines = [line for line in rest if line.step is QuoteStep.FACTOR]
    assert [(line.name, line.table, line.version) for line in factor_lines] == [
        (f"factor_{index}", name, version) for index, (name, version) in enumerate(tables)
    ]
    assert rest[: len(tables)] == factor_lines  # right after the base, in order
    assert result.versions == ((base_name, base_version), *tables)
    for line in rest[len(tables) :]:
        assert (line.table, line.version) == (None, None)


# --------------------------------------------------------------------------- review fixes


def test_a_short_term_change_is_measured_like_for_like() -> None:
    # 100,000 * 1.2% = 1200.00 a year; 2025-04-01..2025-09-30 is 183 of 365 days:
    # 1200 * 183/365 = 601.643... -> 601.64. The 1200.00 expiring annual premium for
    # as long: 601.64 too, so no change at unchanged rates.
    term = short(D(2025, 4, 1), D(2025, 9, 30))
    result = quote(
        insured("100000", expiring=cny("1200.00")), flat_rate_plan(), term=term, as_of=AS_OF
    )
    assert result.premium == cny("601.64")
    assert (result.change, result.change_percent) == (cny("0.00"), Decimal("0.00"))
    # Expiring 1000.00 a year: 1000 * 183/365 = 501.369... -> 501.37; change 100.27,
    # 100.27 / 501.37 = 19.9992...% -> 20.00.
    cheaper = quote(
        insured("100000", expiring=cny("1000.00")), flat_rate_plan(), term=term, as_of=AS_OF
    )
    assert (cheaper.change, cheaper.change_percent) == (cny("100.27"), Decimal("20.00"))


def test_a_policy_on_a_short_term_needs_its_annual_premium_given() -> None:
    half_year = PolicyTerm.months(D(2025, 3, 1), 6, ZONE)
    policy = make_policy(term=half_year, inception=D(2025, 3, 1), premium=cny("600.00"))
    with pytest.raises(
        InvalidField, match=r"RatedRisk\.expiring_premium: the policy's term has 184 days"
    ):
        RatedRisk.of(policy)
    risk = RatedRisk.of(policy, expiring_premium=cny("1200.00"))
    assert risk.expiring_premium == cny("1200.00")


def test_verifying_for_another_term_uses_that_terms_tables() -> None:
    rates = RateTable(
        "rate",
        [
            TableVersion("2025", D(2025, 1, 1), {(): Decimal("0.01")}),
            TableVersion("2026", D(2026, 1, 1), {(): Decimal("0.02")}),
        ],
    )
    plan = RatingPlan("p", "CNY", SumInsuredRate(rates))
    risk = insured("100000")
    offer = quote(risk, plan, term=PolicyTerm.annual(D(2025, 12, 15), ZONE), as_of=D(2025, 12, 1))
    assert offer.total == cny("1000.00")
    moved = PolicyTerm.annual(D(2026, 1, 15), ZONE)
    check = verify_quote(offer, risk, plan, on=D(2025, 12, 5), term=moved)
    assert check.recomputed is not None
    assert check.recomputed.total == cny("2000.00")
    assert check.recomputed.versions == (("rate", "2026"),)
    assert [reason.code for reason in check.reasons] == [
        "quote.inputs_changed",
        "quote.tables_changed",
        "quote.premium_changed",
    ]
    # A stated rates_on stays: the tables of that day are used again.
    stated = quote(
        risk,
        plan,
        term=PolicyTerm.annual(D(2025, 12, 15), ZONE),
        as_of=D(2025, 12, 1),
        rates_on=D(2025, 12, 1),
    )
    again = verify_quote(stated, risk, plan, on=D(2025, 12, 5), term=moved)
    assert again.recomputed is not None and again.recomputed.total == cny("1000.00")


def test_the_digest_tells_a_renewal_year_from_the_same_days_without_a_cadence() -> None:
    # 2024-02-29 renews on 2025-02-28: a 365-day renewal year, a whole year; the same
    # days without a cadence are 365 of the 366 days to 1 March 2025.
    year = PolicyTerm.annual(D(2024, 2, 29), ZONE)
    bare = PolicyTerm(year.start, year.end, ZONE)
    risk = insured("100000")
    a = quote(risk, flat_rate_plan(), term=year, as_of=AS_OF)
    b = quote(risk, flat_rate_plan(), term=bare, as_of=AS_OF)
    assert a.total != b.total
    assert a.inputs_digest != b.inputs_digest
    assert a.digest != b.digest
