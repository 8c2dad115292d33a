"""Tests for renewal_core.pricing.refunds.

Expected figures are worked out by hand (shown in the comments), read from the
published tables (TABLES.md R3-R5), or computed by the small reference code in this
file (integer arithmetic on minor units), never by the code under test.
"""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core.errors import (
    ArgumentTypeError,
    CurrencyMismatch,
    DateTypeError,
    InvalidField,
    InvalidRounding,
    InvalidTerm,
)
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.presets.cn_short_rate import (
    ACCIDENT_SHORT_RATE,
    MARINE_SHORT_RATE,
    PROPERTY_SHORT_RATE,
)
from renewal_core.presets.us_short_rate import US_STANDARD_SHORT_RATE
from renewal_core.pricing import refunds
from renewal_core.pricing.refunds import (
    Adjustment,
    CancelledBy,
    Fee,
    Flat,
    ProRata,
    Refund,
    RefundBasis,
    RefundRules,
    ShortRate,
    ShortRateBand,
    ShortRateTable,
    ShortRateUnit,
    adjust,
    refund,
)

D = pendulum.Date
ZONE = "Asia/Shanghai"
R3 = [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100]
R3_TABLE = ShortRateTable.monthly(R3)
YEAR_2025 = PolicyTerm.annual(D(2025, 1, 1), ZONE)  # 365 days
YEAR_2024 = PolicyTerm.annual(D(2024, 1, 1), ZONE)  # 366 days


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def half_up(numerator: int, denominator: int) -> int:
    """Reference rounding of a non-negative ratio, half up."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


# --------------------------------------------------------------------------- worked


def test_r3_property_three_months_five_days() -> None:
    # 2025-01-01 + 3 months = 04-01; cancelled 04-06: 3 months 5 days, so 4 months
    # counted, 40% earned: 1,200.00 x 40% = 480.00.
    done = refund(cny("1200.00"), YEAR_2025, D(2025, 4, 6), ShortRate(R3_TABLE))
    assert (done.earned, done.refund) == (cny("480.00"), cny("720.00"))
    assert done.basis is RefundBasis.METHOD
    assert (done.days_used, done.days_in_term) == (95, 365)


def test_r3_on_a_term_without_cadence() -> None:
    # The same days as a one-off term: 12 months in the term, 4 counted, 40%.
    term = PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), ZONE)
    done = refund(cny("1200.00"), term, D(2025, 4, 6), ShortRate(R3_TABLE))
    assert done.earned == cny("480.00")
    # A one-off 45-day term from 01-31 (to 03-16): 2 months in the term (01-31 +
    # 1 month is 02-28, before 03-17), 20%; cancelled 02-10: 1 month, 10/20.
    short = PolicyTerm(D(2025, 1, 31), D(2025, 3, 16), ZONE)
    assert refund(cny("100.00"), short, D(2025, 2, 10), ShortRate(R3_TABLE)).earned == cny("50.00")


def test_months_counted_never_exceed_the_term() -> None:
    # Monthly cadence anchored on 01-31: the term 02-28 to 03-30 is one month. On
    # 03-30 the count from 02-28 would be 2 (02-28 + 1 month is 03-28); it is capped
    # at the term's 1 month: 10/10 earned.
    term = PolicyTerm.months(D(2025, 1, 31), 1, ZONE).renewal()
    assert (term.start, term.end) == (D(2025, 2, 28), D(2025, 3, 30))
    assert refund(cny("100.00"), term, D(2025, 3, 30), ShortRate(R3_TABLE)).earned == cny("100.00")


def test_r3_whole_months_are_not_rounded_up() -> None:
    # Exactly 3 months used (01-01 to 04-01): 30%.
    done = refund(cny("1200.00"), YEAR_2025, D(2025, 4, 1), ShortRate(R3_TABLE))
    assert done.earned == cny("360.00")


def test_r3_months_are_anchored_on_the_start() -> None:
    # Start 01-31: +1 month is 02-28, +2 months is 03-31 (not 03-28, chained).
    term = PolicyTerm.annual(D(2025, 1, 31), ZONE)
    method = ShortRate(R3_TABLE)
    assert refund(cny("100.00"), term, D(2025, 2, 28), method).earned == cny("10.00")
    assert refund(cny("100.00"), term, D(2025, 3, 1), method).earned == cny("20.00")
    assert refund(cny("100.00"), term, D(2025, 3, 31), method).earned == cny("20.00")
    assert refund(cny("100.00"), term, D(2025, 4, 1), method).earned == cny("30.00")


def test_r3_over_twelve_months_counts_whole_years() -> None:
    # A 24-month term: the whole term is 200%. 13 months used is 100% + 10% = 110%,
    # so 110/200 of 2,000.00 = 1,100.00.
    term = PolicyTerm.months(D(2025, 1, 1), 24, ZONE)
    done = refund(cny("2000.00"), term, D(2026, 1, 15), ShortRate(R3_TABLE))
    assert done.earned == cny("1100.00")
    # Exactly 12 months: 100/200.
    assert refund(cny("2000.00"), term, D(2026, 1, 1), ShortRate(R3_TABLE)).earned == cny(
        "1000.00"
    )


def test_short_term_policy_earns_relative_to_its_own_percentage() -> None:
    # A 6-month term is priced at 60%; 2 months used earns 20/60 of its premium.
    term = PolicyTerm.months(D(2025, 1, 1), 6, ZONE)
    done = refund(cny("600.00"), term, D(2025, 2, 10), ShortRate(R3_TABLE))
    assert done.earned == cny("200.00")


def test_r4_daily_pro_rata() -> None:
    # 3,650.00 over 365 days is 10.00 a day; 100 days used: earned 1,000.00.
    done = refund(cny("3650.00"), YEAR_2025, D(2025, 4, 11), ProRata())
    assert (done.days_used, done.earned, done.refund) == (100, cny("1000.00"), cny("2650.00"))


def test_r4_fee_before_start() -> None:
    # 3% of 3,650.00 = 109.50 kept; 3,540.50 refunded, before and on the start day.
    for day in (D(2024, 12, 1), D(2025, 1, 1)):
        done = refund(cny("3650.00"), YEAR_2025, day, ProRata(), fee_before_start=Fee(percent=3))
        assert (done.earned, done.refund) == (cny("109.50"), cny("3540.50"))
        assert done.basis is RefundBasis.BEFORE_START
        assert done.fee == cny("109.50")


def test_fee_percentage_is_rounded_with_the_mode() -> None:
    # 3% of 1,234.50 = 37.035: half up 37.04, down 37.03. 2.5% of 9.80 = 0.245: half
    # even 0.24.
    premium = cny("1234.50")
    assert Fee(percent=3).charge(premium) == cny("37.04")
    assert Fee(percent=3).charge(premium, ROUND_DOWN) == cny("37.03")
    assert Fee(percent=Decimal("2.5")).charge(cny("9.80"), ROUND_HALF_EVEN) == cny("0.24")


def test_fixed_fee_is_capped_at_the_premium() -> None:
    assert Fee(amount=cny("50.00")).charge(cny("30.00")) == cny("30.00")
    assert Fee(amount=cny("20.00")).charge(cny("30.00")) == cny("20.00")
    done = refund(
        cny("30.00"), YEAR_2025, D(2025, 1, 1), Flat(), fee_before_start=Fee(amount=cny("50.00"))
    )
    assert (done.earned, done.refund) == (cny("30.00"), cny("0.00"))


def test_before_start_without_fee_refunds_everything() -> None:
    for method in (ProRata(), ShortRate(R3_TABLE), Flat()):
        done = refund(cny("500.00"), YEAR_2025, D(2025, 1, 1), method)
        assert (done.earned, done.refund) == (cny("0.00"), cny("500.00"))


def test_cancellation_on_the_start_day_has_used_nothing() -> None:
    done = refund(cny("365.00"), YEAR_2025, D(2025, 1, 1), ProRata())
    assert done.days_used == 0
    assert done.refund == cny("365.00")


def test_cancellation_on_the_end_day_leaves_one_day() -> None:
    # Effective 00:00 on 12-31: 364 days used, one left: 365.00 / 365 = 1.00 back.
    done = refund(cny("365.00"), YEAR_2025, D(2025, 12, 31), ProRata())
    assert (done.days_used, done.refund) == (364, cny("1.00"))


def test_cancellation_after_the_end_refunds_nothing() -> None:
    for method in (ProRata(), ShortRate(R3_TABLE)):
        done = refund(cny("365.00"), YEAR_2025, D(2026, 3, 1), method)
        assert (done.days_used, done.earned, done.refund) == (365, cny("365.00"), cny("0.00"))


def test_flat_refunds_everything_even_after_the_end() -> None:
    done = refund(cny("365.00"), YEAR_2025, D(2026, 3, 1), Flat())
    assert done.refund == cny("365.00")


def test_leap_year_term_has_366_days() -> None:
    # 3,660.00 over 366 days is 10.00 a day; 2024-03-01 is day 60 used.
    done = refund(cny("3660.00"), YEAR_2024, D(2024, 3, 1), ProRata())
    assert (done.days_in_term, done.days_used, done.earned) == (366, 60, cny("600.00"))


def test_zero_premium() -> None:
    for method in (ProRata(), ShortRate(R3_TABLE), Flat()):
        done = refund(cny("0.00"), YEAR_2025, D(2025, 6, 1), method)
        assert (done.earned, done.refund) == (cny("0.00"), cny("0.00"))


def test_ninety_percent_of_pro_rata() -> None:
    # 100 days used, 265 left: refund 3,650.00 x 265/365 x 0.9 = 2,385.00.
    done = refund(cny("3650.00"), YEAR_2025, D(2025, 4, 11), ProRata(Decimal("0.9")))
    assert (done.refund, done.earned) == (cny("2385.00"), cny("1265.00"))


def test_earned_is_rounded_once_and_refund_is_the_rest() -> None:
    # 100.00 x 1/365 = 0.27397... -> 0.27 half up; refund 99.73.
    done = refund(cny("100.00"), YEAR_2025, D(2025, 1, 2), ProRata())
    assert (done.earned, done.refund) == (cny("0.27"), cny("99.73"))
    # 10.95 x 183/365 = 5.49 exactly? 1095 x 183 / 365 = 549 cents: exactly 5.49.
    assert refund(cny("10.95"), YEAR_2025, D(2025, 7, 3), ProRata()).earned == cny("5.49")
    # 1.46 over 365 days, 182 used: 146 x 182/365 = 72.8 cents; ceiling 73, down 72.
    assert refund(
        cny("1.46"), YEAR_2025, D(2025, 7, 2), ProRata(), rounding=ROUND_CEILING
    ).earned == cny("0.73")
    assert refund(
        cny("1.46"), YEAR_2025, D(2025, 7, 2), ProRata(), rounding=ROUND_DOWN
    ).earned == cny("0.72")


@pytest.mark.parametrize(
    ("rounding", "cents"),
    [(ROUND_HALF_UP, 3), (ROUND_HALF_EVEN, 2), (ROUND_DOWN, 2), (ROUND_CEILING, 3)],
)
def test_exact_ties_follow_the_mode(rounding: str, cents: int) -> None:
    # 0.05 over a 2-day term, 1 day used: earned 2.5 cents exactly, a tie.
    term = PolicyTerm(D(2025, 1, 1), D(2025, 1, 2), ZONE)
    done = refund(cny("0.05"), term, D(2025, 1, 2), ProRata(), rounding=rounding)
    assert done.earned == Money.from_minor_units(cents, "CNY")
    assert done.refund == Money.from_minor_units(5 - cents, "CNY")


def test_cooling_off_refunds_everything() -> None:
    # 10 cooling-off days: 10 days used is within them, 11 is not.
    premium = cny("3650.00")
    fee = Fee(percent=3)
    within = refund(
        premium, YEAR_2025, D(2025, 1, 11), ProRata(), cooling_off_days=10, fee_before_start=fee
    )
    assert (within.refund, within.basis) == (premium, RefundBasis.COOLING_OFF)
    before = refund(
        premium, YEAR_2025, D(2024, 12, 1), ProRata(), cooling_off_days=10, fee_before_start=fee
    )
    assert before.refund == premium
    after = refund(premium, YEAR_2025, D(2025, 1, 12), ProRata(), cooling_off_days=10)
    assert after.earned == cny("110.00")  # 11 days x 10.00


def test_minimum_earned_percent() -> None:
    # 25% minimum: 30 days pro-rata would earn 300.00 of 3,650.00; minimum 912.50.
    done = refund(cny("3650.00"), YEAR_2025, D(2025, 1, 31), ProRata(), minimum_earned=25)
    assert (done.earned, done.basis, done.minimum) == (
        cny("912.50"),
        RefundBasis.MINIMUM_EARNED,
        cny("912.50"),
    )
    # 200 days earns 2,000.00, above the minimum.
    later = refund(cny("3650.00"), YEAR_2025, D(2025, 7, 20), ProRata(), minimum_earned=25)
    assert (later.earned, later.basis) == (cny("2000.00"), RefundBasis.METHOD)


def test_minimum_earned_amount_is_capped_at_the_premium() -> None:
    done = refund(cny("100.00"), YEAR_2025, D(2025, 2, 1), ProRata(), minimum_earned=cny("150.00"))
    assert (done.earned, done.refund) == (cny("100.00"), cny("0.00"))
    done = refund(cny("100.00"), YEAR_2025, D(2025, 2, 1), ProRata(), minimum_earned=cny("50.00"))
    assert done.earned == cny("50.00")


def test_minimum_does_not_apply_before_start_or_to_flat() -> None:
    assert refund(
        cny("100.00"), YEAR_2025, D(2025, 1, 1), ProRata(), minimum_earned=25
    ).refund == (cny("100.00"))
    assert refund(cny("100.00"), YEAR_2025, D(2025, 3, 1), Flat(), minimum_earned=25).refund == (
        cny("100.00")
    )


def test_breakdown_recomputes_by_hand() -> None:
    done = refund(cny("1200.00"), YEAR_2025, D(2025, 4, 6), ShortRate(R3_TABLE))
    steps = [(line.step, line.coefficient, line.amount) for line in done.breakdown]
    assert steps == [
        ("premium", None, cny("1200.00")),
        ("earned", Fraction(40, 100), cny("480.00")),
        ("refund", None, cny("720.00")),
    ]
    earned = done.breakdown[1]
    assert dict(earned.inputs) == {
        "months used": "4",
        "months in term": "12",
        "percent for cover used": "40",
        "percent for the term": "100",
    }
    assert earned.rounding == ROUND_HALF_UP


def test_breakdown_of_each_basis() -> None:
    fee = refund(
        cny("100.00"), YEAR_2025, D(2025, 1, 1), ProRata(), fee_before_start=Fee(percent=3)
    )
    assert [line.step for line in fee.breakdown] == ["premium", "fee before start", "refund"]
    assert fee.breakdown[1].amount == cny("3.00")
    nofee = refund(cny("100.00"), YEAR_2025, D(2025, 1, 1), ProRata())
    assert nofee.breakdown[1].inputs == (("fee", "none"),)
    cool = refund(cny("100.00"), YEAR_2025, D(2025, 1, 3), ProRata(), cooling_off_days=5)
    assert [line.step for line in cool.breakdown] == ["premium", "cooling-off", "refund"]
    flat = refund(cny("100.00"), YEAR_2025, D(2025, 5, 3), Flat())
    assert [line.step for line in flat.breakdown] == ["premium", "flat", "refund"]
    low = refund(
        cny("3650.00"), YEAR_2025, D(2025, 1, 31), ProRata(Decimal("0.9")), minimum_earned=25
    )
    assert [(line.step, line.amount) for line in low.breakdown] == [
        ("premium", cny("3650.00")),
        # 1 - 0.9 x 335/365 = 1 - 301.5/365 = 63.5/365 = 127/730; 3650 x 127/730 = 635.00
        ("earned", cny("635.00")),
        ("minimum earned", cny("912.50")),
        ("refund", cny("2737.50")),
    ]
    assert low.breakdown[1].coefficient == Fraction(127, 730)
    assert ("factor", "0.9") in low.breakdown[1].inputs


def test_refund_is_frozen() -> None:
    done = refund(cny("1.00"), YEAR_2025, D(2025, 2, 1), ProRata())
    assert isinstance(done, Refund)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        done.earned = cny("0.00")  # type: ignore[misc]


def test_plain_date_is_accepted_and_datetime_refused() -> None:
    done = refund(cny("365.00"), YEAR_2025, dt.date(2025, 1, 11), ProRata())
    assert done.cancelled_on == D(2025, 1, 11)
    assert type(done.cancelled_on) is D
    with pytest.raises(DateTypeError):
        refund(cny("365.00"), YEAR_2025, dt.datetime(2025, 1, 11), ProRata())  # noqa: DTZ001


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ArgumentTypeError):
        refund(Decimal(1), YEAR_2025, D(2025, 1, 2), ProRata())  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="finer than the minor unit"):
        refund(cny("1.005"), YEAR_2025, D(2025, 1, 2), ProRata())
    with pytest.raises(InvalidField, match="negative"):
        refund(cny("-1.00"), YEAR_2025, D(2025, 1, 2), ProRata())
    with pytest.raises(ArgumentTypeError):
        refund(cny("1.00"), "term", D(2025, 1, 2), ProRata())  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        refund(cny("1.00"), YEAR_2025, D(2025, 1, 2), "pro-rata")  # type: ignore[arg-type]
    with pytest.raises(InvalidRounding):
        refund(cny("1.00"), YEAR_2025, D(2025, 1, 2), ProRata(), rounding="half")
    with pytest.raises(ArgumentTypeError):
        refund(cny("1.00"), YEAR_2025, D(2025, 1, 2), ProRata(), cooling_off_days=True)
    with pytest.raises(InvalidField, match="must be at least 1, not -1"):
        refund(cny("1.00"), YEAR_2025, D(2025, 1, 2), ProRata(), cooling_off_days=-1)
    with pytest.raises(InvalidField, match="must be at least 1, not 0"):
        refund(cny("1.00"), YEAR_2025, D(2025, 1, 1), ProRata(), cooling_off_days=0)
    with pytest.raises(ArgumentTypeError):
        refund(
            cny("1.00"),
            YEAR_2025,
            D(2025, 1, 1),
            ProRata(),
            fee_before_start=3,  # type: ignore[arg-type]
        )
    with pytest.raises(InvalidField, match=r"^refund\.minimum_earned: must be a percentage"):
        refund(cny("1.00"), YEAR_2025, D(2025, 2, 1), ProRata(), minimum_earned=101)
    with pytest.raises(CurrencyMismatch):
        refund(cny("1.00"), YEAR_2025, D(2025, 2, 1), ProRata(), minimum_earned=Money(1, "USD"))
    with pytest.raises(InvalidField, match="negative"):
        refund(cny("1.00"), YEAR_2025, D(2025, 2, 1), ProRata(), minimum_earned=cny("-1"))


def test_fee_is_validated() -> None:
    with pytest.raises(InvalidField, match="exactly one"):
        Fee()
    with pytest.raises(InvalidField, match="exactly one"):
        Fee(percent=3, amount=cny("1.00"))
    with pytest.raises(InvalidField, match="float"):
        Fee(percent=3.0)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"^Fee\.percent: must be a percentage from 0 to 100"):
        Fee(percent=-1)
    with pytest.raises(InvalidField, match="must be a Money"):
        Fee(amount=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="finer than the minor unit"):
        Fee(amount=cny("1.005"))
    with pytest.raises(InvalidField, match="negative"):
        Fee(amount=cny("-1.00"))
    with pytest.raises(CurrencyMismatch):
        Fee(amount=Money(1, "USD")).charge(cny("10.00"))


def test_pro_rata_factor_is_validated() -> None:
    with pytest.raises(InvalidField, match="from 0 to 1"):
        ProRata(Decimal("1.1"))
    with pytest.raises(InvalidField, match="Decimal or an int"):
        ProRata(0.9)  # type: ignore[arg-type]
    assert ProRata(0).factor == Decimal(0)


def test_tables_are_validated() -> None:
    with pytest.raises(InvalidField, match="12 monthly"):
        ShortRateTable.monthly(R3[:-1])
    with pytest.raises(InvalidField, match="below the previous"):
        ShortRateTable.monthly([10, 20, 15, 40, 50, 60, 70, 80, 85, 90, 95, 100])
    with pytest.raises(InvalidField, match="end at 100"):
        ShortRateTable.monthly([10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 99])
    with pytest.raises(InvalidField, match="float"):
        ShortRateTable.monthly([10.0, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100])  # type: ignore[list-item]
    with pytest.raises(InvalidField, match="from 0 to 100"):
        ShortRateTable.monthly([10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 101])
    with pytest.raises(InvalidField, match="no gaps"):
        ShortRateTable.by_days([(1, 100, 50), (102, 365, 100)])
    with pytest.raises(InvalidField, match="must end at 365"):
        ShortRateTable.by_days([(1, 100, 50), (101, 364, 100)])
    with pytest.raises(InvalidField, match="before first"):
        ShortRateBand(5, 4, 10)
    with pytest.raises(InvalidField, match="at least 1"):
        ShortRateBand(0, 4, 10)
    with pytest.raises(InvalidField, match="must be an int"):
        ShortRateBand(True, 4, 10)
    with pytest.raises(InvalidField, match="ShortRateBand"):
        ShortRateTable(ShortRateUnit.DAYS, [(1, 365, 100)])  # type: ignore[list-item]
    with pytest.raises(InvalidField, match="non-empty"):
        ShortRateTable(ShortRateUnit.DAYS, [])
    with pytest.raises(InvalidField, match="non-empty"):
        ShortRateTable(ShortRateUnit.DAYS, "bands")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="ShortRateUnit"):
        ShortRateTable("days", [ShortRateBand(1, 365, 100)])  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="ShortRateTable"):
        ShortRate(R3)  # type: ignore[arg-type]


def test_a_zero_percent_term_earns_nothing() -> None:
    # A table that earns 0% for the first two months, on a 2-month term.
    table = ShortRateTable.monthly([0, 0, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100])
    term = PolicyTerm.months(D(2025, 1, 1), 2, ZONE)
    assert refund(cny("50.00"), term, D(2025, 1, 20), ShortRate(table)).refund == cny("50.00")


def test_days_table_refuses_long_terms() -> None:
    table = ShortRateTable.by_days([(1, 365, 100)])
    term = PolicyTerm.months(D(2025, 1, 1), 24, ZONE)
    with pytest.raises(InvalidTerm, match="366 days"):
        refund(cny("1.00"), term, D(2025, 3, 1), ShortRate(table))


# --------------------------------------------------------------------------- adjust


def test_adjust_additional_premium_pro_rata() -> None:
    # Premium 1,000.00 -> 1,365.00 from 2025-04-11: 265 of 365 days left;
    # 365.00 x 265/365 = 265.00 additional.
    change = adjust(cny("1000.00"), cny("1365.00"), YEAR_2025, D(2025, 4, 11))
    assert isinstance(change, Adjustment)
    assert (change.amount, change.days_remaining, change.days_in_term) == (
        cny("265.00"),
        265,
        365,
    )


def test_adjust_return_premium_short_rate() -> None:
    # 1,200.00 -> 600.00 after 3 months 5 days: 4 months counted, 60% unearned:
    # -600.00 x 60% = -360.00.
    change = adjust(cny("1200.00"), cny("600.00"), YEAR_2025, D(2025, 4, 6), ShortRate(R3_TABLE))
    assert change.amount == cny("-360.00")


def test_adjust_flat_and_bounds() -> None:
    assert adjust(cny("100.00"), cny("150.00"), YEAR_2025, D(2025, 9, 1), Flat()).amount == cny(
        "50.00"
    )
    # On the start day the whole change applies; after the end, none of it.
    assert adjust(cny("100.00"), cny("150.00"), YEAR_2025, D(2025, 1, 1)).amount == cny("50.00")
    assert adjust(cny("100.00"), cny("150.00"), YEAR_2025, D(2026, 1, 1)).amount == cny("0.00")


def test_adjustments_compose_in_order() -> None:
    # 3,650.00 -> 4,380.00 on day 100 used (265 left): +730.00 x 265/365 = +530.00;
    # then 4,380.00 -> 3,650.00 on day 200 used (165 left): -730.00 x 165/365 = -330.00.
    first = adjust(cny("3650.00"), cny("4380.00"), YEAR_2025, D(2025, 4, 11))
    second = adjust(first.premium_after, cny("3650.00"), YEAR_2025, D(2025, 7, 20))
    assert (first.amount, second.amount) == (cny("530.00"), cny("-330.00"))
    assert first.amount + second.amount == cny("200.00")


def test_adjust_breakdown() -> None:
    change = adjust(cny("100.00"), cny("150.00"), YEAR_2025, D(2025, 9, 1), Flat())
    assert [(line.step, line.coefficient, line.amount) for line in change.breakdown] == [
        ("change", None, cny("50.00")),
        ("unearned share", Fraction(1), cny("50.00")),
    ]


def test_adjust_refuses_bad_arguments() -> None:
    with pytest.raises(CurrencyMismatch):
        adjust(cny("1.00"), Money("2.00", "USD"), YEAR_2025, D(2025, 2, 1))
    with pytest.raises(InvalidField, match="negative"):
        adjust(cny("1.00"), cny("-2.00"), YEAR_2025, D(2025, 2, 1))
    with pytest.raises(ArgumentTypeError):
        adjust(cny("1.00"), cny("2.00"), "term", D(2025, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        adjust(cny("1.00"), cny("2.00"), YEAR_2025, D(2025, 2, 1), "x")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rules


def test_refund_rules() -> None:
    short = ShortRate(R3_TABLE)
    rules = RefundRules(
        {
            (CancelledBy.INSURED, None): short,
            (CancelledBy.INSURED, "CTPL"): ProRata(),
            (CancelledBy.INSURER, "TRAVEL"): Flat(),
        },
        default=ProRata(),
    )
    assert rules.method_for(CancelledBy.INSURED) is short
    assert rules.method_for(CancelledBy.INSURED, "HOME") is short
    assert rules.method_for(CancelledBy.INSURED, "CTPL") == ProRata()
    assert rules.method_for(CancelledBy.INSURER, "TRAVEL") == Flat()
    assert rules.method_for(CancelledBy.INSURER, "HOME") == ProRata()
    with pytest.raises(TypeError):
        rules.rules[(CancelledBy.INSURER, None)] = Flat()  # type: ignore[index]


def test_refund_rules_are_validated() -> None:
    with pytest.raises(InvalidField, match="mapping"):
        RefundRules([], default=ProRata())  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="pairs"):
        RefundRules({("insured", None): ProRata()}, default=ProRata())
    with pytest.raises(InvalidField, match="refund methods"):
        RefundRules({(CancelledBy.INSURED, None): "x"}, default=ProRata())
    with pytest.raises(InvalidField, match="refund method"):
        RefundRules({}, default="x")  # type: ignore[arg-type]


def test_reprs() -> None:
    assert repr(ShortRateUnit.DAYS) == "ShortRateUnit.DAYS"
    assert repr(RefundBasis.METHOD) == "RefundBasis.METHOD"
    assert repr(CancelledBy.INSURER) == "CancelledBy.INSURER"


def test_docstring_examples_run() -> None:
    # The module's examples, run here as well as by the docs' test collection.
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(refunds, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------- properties

premiums = st.integers(min_value=0, max_value=10**9).map(
    lambda cents: Money.from_minor_units(cents, "CNY")
)
starts = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
offsets = st.integers(min_value=-30, max_value=400)
methods = st.sampled_from([ProRata(), ProRata(Decimal("0.9")), ShortRate(R3_TABLE), Flat()])
modes = st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_CEILING])


def _term(start: dt.date) -> PolicyTerm:
    return PolicyTerm.annual(start, ZONE)


@given(premiums, starts, offsets, methods, modes)
def test_refund_is_within_premium_and_sums_exactly(
    premium: Money, start: dt.date, offset: int, method: refunds.RefundMethod, mode: str
) -> None:
    term = _term(start)
    done = refund(premium, term, term.start.add(days=offset), method, rounding=mode)
    assert Money.zero("CNY") <= done.refund <= premium
    assert done.earned + done.refund == premium
    assert done.refund.to_minor_units() >= 0


@given(premiums, starts, offsets)
def test_pro_rata_matches_a_reference(premium: Money, start: dt.date, offset: int) -> None:
    term = _term(start)
    day = term.start.add(days=offset)
    days = (term.end - term.start).days + 1
    used = min(max((day - term.start).days, 0), days)
    expected = half_up(premium.to_minor_units() * used, days)
    assert refund(premium, term, day, ProRata()).earned.to_minor_units() == expected


@given(premiums, starts, offsets, st.integers(min_value=1, max_value=60))
def test_pro_rata_refund_never_increases_later(
    premium: Money, start: dt.date, offset: int, step: int
) -> None:
    term = _term(start)
    day = term.start.add(days=offset)
    earlier = refund(premium, term, day, ProRata())
    later = refund(premium, term, day.add(days=step), ProRata())
    assert later.refund <= earlier.refund


@given(premiums, starts, st.integers(min_value=1, max_value=400), st.sampled_from(["r3", "r5"]))
def test_short_rate_never_refunds_more_than_pro_rata(
    premium: Money, start: dt.date, offset: int, table: str
) -> None:

    term = _term(start)
    day = term.start.add(days=offset)
    method = ShortRate(PROPERTY_SHORT_RATE if table == "r3" else US_STANDARD_SHORT_RATE)
    assert (
        refund(premium, term, day, method).refund <= refund(premium, term, day, ProRata()).refund
    )


@given(premiums, starts, offsets)
def test_flat_refunds_everything(premium: Money, start: dt.date, offset: int) -> None:
    term = _term(start)
    done = refund(premium, term, term.start.add(days=offset), Flat())
    assert (done.refund, done.earned) == (premium, Money.zero("CNY"))


@given(premiums, premiums, starts, offsets, st.sampled_from([ProRata(), ShortRate(R3_TABLE)]))
def test_adjust_then_back_nets_to_zero(
    before: Money, after: Money, start: dt.date, offset: int, method: refunds.RefundMethod
) -> None:
    # With a mode symmetric about zero (half up), the reversal is the exact negative.
    term = _term(start)
    day = term.start.add(days=offset)
    there = adjust(before, after, term, day, method)
    back = adjust(after, before, term, day, method)
    assert there.amount + back.amount == Money.zero("CNY")


@given(premiums, premiums, starts, offsets)
def test_adjust_with_ceiling_nets_within_one_unit(
    before: Money, after: Money, start: dt.date, offset: int
) -> None:
    # Ceiling is not symmetric: a change and its reversal net to 0 or one minor unit.
    term = _term(start)
    day = term.start.add(days=offset)
    there = adjust(before, after, term, day, rounding=ROUND_CEILING)
    back = adjust(after, before, term, day, rounding=ROUND_CEILING)
    assert (there.amount + back.amount).to_minor_units() in {0, 1}


@given(premiums, starts, offsets)
def test_adjust_pro_rata_matches_a_reference(premium: Money, start: dt.date, offset: int) -> None:
    term = _term(start)
    day = term.start.add(days=offset)
    days = (term.end - term.start).days + 1
    left = days - min(max((day - term.start).days, 0), days)
    expected = half_up(premium.to_minor_units() * left, days)
    assert adjust(Money.zero("CNY"), premium, term, day).amount.to_minor_units() == expected


# ---------------------------------------------------------------- review findings


def test_arguments_are_checked_whatever_the_basis() -> None:
    # After the start (no fee applies) and inside cooling-off (no minimum applies),
    # bad arguments are still refused.
    after = D(2025, 3, 1)
    with pytest.raises(ArgumentTypeError):
        refund(cny("100.00"), YEAR_2025, after, ProRata(), fee_before_start="3%")  # type: ignore[arg-type]
    with pytest.raises(CurrencyMismatch):
        refund(
            cny("100.00"),
            YEAR_2025,
            after,
            ProRata(),
            fee_before_start=Fee(amount=Money("5.00", "USD")),
        )
    with pytest.raises(InvalidField):
        refund(cny("100.00"), YEAR_2025, after, Flat(), minimum_earned=-5)
    with pytest.raises(CurrencyMismatch):
        refund(
            cny("100.00"),
            YEAR_2025,
            D(2025, 1, 3),
            ProRata(),
            minimum_earned=Money("1", "USD"),
            cooling_off_days=10,
        )


def test_an_adjustment_before_the_start_by_short_rate_is_the_whole_change() -> None:
    # Effective before cover starts, the whole change applies: 2000 - 1000 = 1000.00.
    change = adjust(
        cny("1000.00"), cny("2000.00"), YEAR_2025, D(2024, 11, 15), ShortRate(PROPERTY_SHORT_RATE)
    )
    assert change.amount == cny("1000.00")


@given(
    st.integers(1, 36),
    st.integers(0, 1200),
    st.sampled_from([PROPERTY_SHORT_RATE, ACCIDENT_SHORT_RATE, MARINE_SHORT_RATE]),
)
def test_short_rate_never_refunds_more_than_pro_rata_on_any_months_term(
    months: int, offset: int, table: ShortRateTable
) -> None:
    term = PolicyTerm.months(dt.date(2025, 1, 31), months, "Asia/Shanghai")
    day = term.start.add(days=offset % (term.days + 2))
    premium = cny("10000.00")
    short = refund(premium, term, day, ShortRate(table))
    prorata = refund(premium, term, day, ProRata())
    assert short.refund <= prorata.refund
    # The days used, counted here, bound what is earned from below (rounded half up).
    used = min(max(day.toordinal() - term.start.toordinal(), 0), term.days)
    floor_units = (1000000 * used * 2 + term.days) // (2 * term.days)
    assert short.earned.to_minor_units() >= floor_units


@given(st.integers(1, 12), st.integers(0, 400))
def test_the_days_table_never_refunds_more_than_pro_rata_on_short_terms(
    months: int, offset: int
) -> None:
    term = PolicyTerm.months(dt.date(2025, 1, 1), months, "UTC")
    day = term.start.add(days=offset % (term.days + 2))
    premium = cny("10000.00")
    assert (
        refund(premium, term, day, ShortRate(US_STANDARD_SHORT_RATE)).refund
        <= refund(premium, term, day, ProRata()).refund
    )


def test_the_pro_rata_floor_is_explained() -> None:
    # A 2-month property term: after 30 of its 59 days, the table's share is 10/20 but
    # 30/59 of the days are used, so the days count: earned 10000 x 30/59 = 5084.75.
    term = PolicyTerm.months(dt.date(2025, 1, 1), 2, "Asia/Shanghai")
    result = refund(cny("10000.00"), term, D(2025, 1, 31), ShortRate(PROPERTY_SHORT_RATE))
    assert result.earned == cny("5084.75")
    assert any(
        ("pro-rata floor", "30/59 of the term used") in line.inputs for line in result.breakdown
    )
