from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.errors import CurrencyMismatch
from renewal_core.kpi.breakdowns import breakdown, over_periods
from renewal_core.kpi.indicator import Period, Unit
from renewal_core.kpi.records import ScoreRecord, SurrenderRecord
from renewal_core.kpi.surrender import simple_surrender_rate, surrender_rate
from renewal_core.model import LineOfBusiness
from renewal_core.money import Money

YEAR = Period(pendulum.date(2025, 1, 1), pendulum.date(2025, 12, 31))


def figures() -> list[SurrenderRecord]:
    return [
        SurrenderRecord(
            cny("12000.00"),
            cny("400000.00"),
            cny("100000.00"),
            surrendered_sum_insured=cny("300000.00"),
            opening_sum_insured=cny("9000000.00"),
            line=LineOfBusiness.LIFE,
            product="WL-1",
        ),
        SurrenderRecord(
            cny("3000.00"),
            cny("150000.00"),
            cny("50000.00"),
            surrendered_sum_insured=cny("100000.00"),
            opening_sum_insured=cny("3000000.00"),
            line=LineOfBusiness.HEALTH,
            product="CI-2",
        ),
    ]


def test_surrender_rate_by_hand() -> None:
    # 15000 / (550000 + 150000) = 2.142857... %
    rate = surrender_rate(figures(), period=YEAR)
    assert rate.name == "surrender_rate"
    assert rate.numerator == Decimal("15000.00")
    assert rate.denominator == Decimal("700000.00")
    assert rate.value == Decimal("2.1429")
    assert rate.unit is Unit.PERCENT
    assert rate.currency == "CNY"
    assert rate.period == YEAR
    assert rate.interval() is None
    assert dict(rate.details) == {"records": 2}


def test_simple_surrender_rate_by_hand() -> None:
    # 400000 / 12000000 = 3.3333... %
    rate = simple_surrender_rate(figures())
    assert rate.name == "simple_surrender_rate"
    assert (rate.numerator, rate.denominator) == (Decimal("400000.00"), Decimal("12000000.00"))
    assert rate.value == Decimal("3.3333")


def test_surrender_rates_per_line() -> None:
    by_line = breakdown(surrender_rate, figures(), by="line")
    # 12000 / 500000 and 3000 / 200000
    assert by_line[LineOfBusiness.LIFE].value == Decimal("2.4000")
    assert by_line[LineOfBusiness.HEALTH].value == Decimal("1.5000")
    assert surrender_rate(figures(), filters={"product": "CI-2"}).value == Decimal("1.5000")


def test_a_zero_base_gives_no_data() -> None:
    zero = cny("0.00")
    assert surrender_rate([SurrenderRecord(zero, zero, zero)]).no_data
    assert surrender_rate([]).no_data
    assert simple_surrender_rate([]).no_data


def test_the_simple_rate_needs_the_sums_insured() -> None:
    bare = SurrenderRecord(cny("1.00"), cny("2.00"), cny("3.00"))
    with invalid("simple_surrender_rate", "records", "has no sums insured"):
        simple_surrender_rate([*figures(), bare])
    assert surrender_rate([bare]).value == Decimal("20.0000")


def test_surrender_figures_in_two_currencies_are_refused() -> None:
    usd = SurrenderRecord(Money("1.00", "USD"), Money("2.00", "USD"), Money("3.00", "USD"))
    with pytest.raises(CurrencyMismatch, match="surrender_rate"):
        surrender_rate([*figures(), usd])
    with pytest.raises(CurrencyMismatch, match="surrender_rate"):
        breakdown(surrender_rate, [*figures(), usd], by="line")


@pytest.mark.parametrize("indicator", [surrender_rate, simple_surrender_rate])
def test_surrender_figures_have_no_expiry_month_to_filter_or_break_down_by(indicator: Any) -> None:
    lacks = "a SurrenderRecord has no due day \\(due_on\\) to take the expiry month from"
    with invalid(indicator.__name__, r"filters\['expiry_month'\]", lacks):
        indicator(figures(), filters={"expiry_month": Period.month(2025, 3)})
    with invalid("breakdown", "by", lacks):
        breakdown(indicator, figures(), by="expiry_month")


def test_surrender_figures_carry_no_day() -> None:
    with invalid("over_periods", "indicator", "records without a day"):
        over_periods(surrender_rate, figures(), [YEAR])
    with wrong_type("surrender_rate(records)", "SurrenderRecord records, not ScoreRecord"):
        surrender_rate(loose([ScoreRecord(1, pendulum.date(2025, 1, 1))]))


amounts = st.integers(0, 10**9).map(lambda cents: cny(str(Decimal(cents).scaleb(-2))))


@given(st.lists(st.tuples(amounts, amounts, amounts), max_size=20))
def test_surrender_rate_matches_a_reference(rows: list[tuple[Money, Money, Money]]) -> None:
    records = [SurrenderRecord(paid, reserves, income) for paid, reserves, income in rows]
    paid = sum((Fraction(row[0].amount) for row in rows), Fraction(0))
    base = sum((Fraction(row[1].amount) + Fraction(row[2].amount) for row in rows), Fraction(0))
    rate = surrender_rate(records)
    assert Fraction(rate.numerator) == paid
    assert Fraction(rate.denominator) == base
    if base:
        assert rate.value is not None
        scaled = paid * 100 * 10_000 / base
        assert abs(Fraction(rate.value) * 10_000 - scaled) <= Fraction(1, 2)
    else:
        assert rate.no_data
