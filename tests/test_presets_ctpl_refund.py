"""Tests for the CTPL statutory cancellation: the cases and the daily pro-rata refund.

Expected figures are worked out by hand in the comments, or by a reference
implementation of the published formula written here with fractions, never by
calling the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_DOWN
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.errors import DateTypeError, InvalidField
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.presets import cn_ctpl
from renewal_core.presets.cn_ctpl import CtplCancellationCase, ctpl_refund
from renewal_core.pricing.refunds import CancelledBy, ProRata, RefundBasis

ZONE = "Asia/Shanghai"
TERM_2025 = PolicyTerm.annual(pendulum.Date(2025, 1, 1), ZONE)  # 365 days
TERM_2024 = PolicyTerm.annual(pendulum.Date(2024, 1, 1), ZONE)  # 366 days: 29 February
DEREGISTERED = CtplCancellationCase.DEREGISTERED


# --------------------------------------------------------------------------- the cases


def test_the_statutory_cases_are_the_published_four() -> None:
    assert {case.name: case.value for case in CtplCancellationCase} == {
        "DEREGISTERED": "deregistered",
        "LAID_UP": "laid_up",
        "LOST": "lost",
        "INSURED_TWICE": "insured_twice",
    }
    assert repr(CtplCancellationCase.INSURED_TWICE) == "CtplCancellationCase.INSURED_TWICE"


def test_the_new_names_are_exported_in_order() -> None:
    exported = cn_ctpl.__all__
    assert "CtplCancellationCase" in exported
    assert "ctpl_refund" in exported
    assert exported.index("CtplCancellationCase") < exported.index("CtplFloat")
    assert exported[-1] == "ctpl_refund"


# --------------------------------------------------------------------------- by hand


@pytest.mark.parametrize("case", list(CtplCancellationCase))
def test_worked_example(case: CtplCancellationCase) -> None:
    # 1 January to 10 April 2025 is 31 + 28 + 31 + 10 = 100 days of cover; 265 are left.
    # Refund = 950 * (1 - 100/365) = 950 * 265/365 = 251750/365 = 689.7260... -> 689.73.
    done = ctpl_refund(cny("950.00"), TERM_2025, pendulum.Date(2025, 4, 11), case)
    assert (done.days_used, done.days_in_term) == (100, 365)
    assert done.refund == cny("689.73")
    assert done.earned == cny("260.27")
    assert done.basis is RefundBasis.METHOD
    assert done.method == ProRata()
    assert done.fee is None
    assert done.minimum is None
    assert done.cancelled_on == pendulum.Date(2025, 4, 11)


def test_worked_example_breakdown() -> None:
    done = ctpl_refund(cny("950.00"), TERM_2025, pendulum.Date(2025, 4, 11), DEREGISTERED)
    steps = [(line.step, line.coefficient, str(line.amount)) for line in done.breakdown]
    # Earned share 100/365 = 20/73; 950 * 20/73 = 260.2739... -> 260.27.
    assert steps == [
        ("premium", None, "950.00 CNY"),
        ("earned", Fraction(20, 73), "260.27 CNY"),
        ("refund", None, "689.73 CNY"),
    ]
    assert dict(done.breakdown[1].inputs) == {"days used": "100", "days in term": "365"}


def test_a_leap_year_term_counts_366_days() -> None:
    # January (31) and February 2024 (29) make 60 days used, of 366.
    # Refund = 950 * 306/366 = 290700/366 = 794.2622... -> 794.26; earned 155.74.
    done = ctpl_refund(cny("950.00"), TERM_2024, pendulum.Date(2024, 3, 1), DEREGISTERED)
    assert (done.days_used, done.days_in_term) == (60, 366)
    assert (done.refund, done.earned) == (cny("794.26"), cny("155.74"))


def test_a_term_across_29_february() -> None:
    # 1 July 2023 to 30 June 2024 holds 29 February 2024: 366 days. To 1 March 2024:
    # 31 + 31 + 30 + 31 + 30 + 31 + 31 + 29 = 244 used, 122 left.
    # Refund = 1100 * 122/366 = 1100/3 = 366.666... -> 366.67.
    term = PolicyTerm.annual(pendulum.Date(2023, 7, 1), ZONE)
    done = ctpl_refund(cny("1100.00"), term, pendulum.Date(2024, 3, 1), CtplCancellationCase.LOST)
    assert (done.days_used, done.days_in_term) == (244, 366)
    assert (done.refund, done.earned) == (cny("366.67"), cny("733.33"))


@pytest.mark.parametrize(
    ("premium", "refunded"),
    [
        # 183 of 366 days used: the refund is exactly half the premium.
        ("950.01", "475.01"),  # 475.005 -> 475.01, half up
        ("950.03", "475.02"),  # 475.015 -> 475.02
        ("0.01", "0.01"),  # 0.005 -> 0.01
        ("950.00", "475.00"),  # no tie
    ],
)
def test_a_half_fen_refund_is_rounded_up(premium: str, refunded: str) -> None:
    # 1 January to 1 July 2024 is 31 + 29 + 31 + 30 + 31 + 30 + 1 = 183 days.
    done = ctpl_refund(cny(premium), TERM_2024, pendulum.Date(2024, 7, 2), DEREGISTERED)
    assert done.days_used == 183
    assert done.refund == cny(refunded)
    assert done.earned == cny(premium) - cny(refunded)
    assert done.rounding == ROUND_HALF_DOWN  # the earned part's mode, mirror of half up


@pytest.mark.parametrize("day", [pendulum.Date(2024, 12, 20), pendulum.Date(2025, 1, 1)])
def test_before_cover_starts_the_whole_premium_no_fee(day: pendulum.Date) -> None:
    done = ctpl_refund(cny("950.00"), TERM_2025, day, CtplCancellationCase.INSURED_TWICE)
    assert done.basis is RefundBasis.BEFORE_START
    assert done.days_used == 0
    assert (done.refund, done.earned, done.fee) == (cny("950.00"), cny("0.00"), None)


def test_on_the_last_day_one_day_is_left() -> None:
    # Cover runs to 24:00 on 31 December: 364 days used, 1 left. 950/365 = 2.6027... -> 2.60.
    done = ctpl_refund(cny("950.00"), TERM_2025, pendulum.Date(2025, 12, 31), DEREGISTERED)
    assert (done.days_used, done.refund, done.earned) == (364, cny("2.60"), cny("947.40"))


@pytest.mark.parametrize("day", [pendulum.Date(2026, 1, 1), pendulum.Date(2027, 6, 30)])
def test_after_the_term_nothing_is_refunded(day: pendulum.Date) -> None:
    done = ctpl_refund(cny("950.00"), TERM_2025, day, CtplCancellationCase.LAID_UP)
    assert done.days_used == 365
    assert (done.refund, done.earned) == (cny("0.00"), cny("950.00"))


def test_a_zero_premium_refunds_zero() -> None:
    done = ctpl_refund(cny("0.00"), TERM_2025, pendulum.Date(2025, 4, 11), DEREGISTERED)
    assert (done.refund, done.earned) == (cny("0.00"), cny("0.00"))


def test_a_datetime_date_is_accepted_and_converted() -> None:
    done = ctpl_refund(cny("950.00"), TERM_2025, dt.date(2025, 4, 11), DEREGISTERED)
    assert type(done.cancelled_on) is pendulum.Date
    assert done.refund == cny("689.73")


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "case", [None, "DEREGISTERED", 1, CancelledBy.INSURED, True, object()], ids=repr
)
def test_a_cancellation_outside_the_statutory_cases_is_refused(case: object) -> None:
    with invalid("ctpl_refund", "case", "only in one of these statutory cases") as caught:
        ctpl_refund(cny("950.00"), TERM_2025, pendulum.Date(2025, 4, 11), loose(case))
    message = str(caught.value)
    assert "DEREGISTERED, LAID_UP, LOST or INSURED_TWICE" in message
    assert f"not {type(case).__name__}" in message


def test_a_case_given_as_its_value_names_the_conversion() -> None:
    with invalid("ctpl_refund", "case", r"CtplCancellationCase\('lost'\)"):
        ctpl_refund(cny("950.00"), TERM_2025, pendulum.Date(2025, 4, 11), loose("lost"))


def test_a_refused_case_shows_no_other_text() -> None:
    # A string that names no member may be anything, personal data included.
    with pytest.raises(InvalidField) as caught:
        ctpl_refund(cny("950.00"), TERM_2025, pendulum.Date(2025, 4, 11), loose("13812345678"))
    assert "13812345678" not in str(caught.value)


def test_the_case_is_checked_first() -> None:
    with invalid("ctpl_refund", "case", "statutory"):
        ctpl_refund(loose(None), loose(None), loose(None), loose(None))


@pytest.mark.parametrize("premium", [950, 950.0, "950.00", None])
def test_a_premium_that_is_not_money_is_refused(premium: object) -> None:
    with wrong_type("ctpl_refund(premium)", "a Money"):
        ctpl_refund(loose(premium), TERM_2025, pendulum.Date(2025, 4, 11), DEREGISTERED)


def test_a_term_that_is_not_a_policy_term_is_refused() -> None:
    span = (pendulum.Date(2025, 1, 1), pendulum.Date(2025, 12, 31))
    with wrong_type("ctpl_refund(term)", "a PolicyTerm"):
        ctpl_refund(cny("950.00"), loose(span), pendulum.Date(2025, 4, 11), DEREGISTERED)


@pytest.mark.parametrize(
    "day",
    [
        pendulum.datetime(2025, 4, 11, tz=ZONE),
        dt.datetime(2025, 4, 11, tzinfo=dt.UTC),
        "2025-04-11",
        None,
    ],
    ids=repr,
)
def test_a_cancellation_day_that_is_not_a_date_is_refused(day: object) -> None:
    with pytest.raises(DateTypeError, match=r"^ctpl_refund\(cancelled_on\) must be a date"):
        ctpl_refund(cny("950.00"), TERM_2025, loose(day), DEREGISTERED)


def test_a_negative_premium_is_refused() -> None:
    with invalid("refund", "premium", "must not be negative"):
        ctpl_refund(cny("-950.00"), TERM_2025, pendulum.Date(2025, 4, 11), DEREGISTERED)


def test_a_premium_finer_than_the_fen_is_refused() -> None:
    with invalid("refund", "premium", "finer than the minor unit"):
        ctpl_refund(cny("950.005"), TERM_2025, pendulum.Date(2025, 4, 11), DEREGISTERED)


# --------------------------------------------------------------------------- reference


def reference_refund(fen: int, start: dt.date, end: dt.date, on: dt.date) -> int:
    """The published formula in fen: premium * (1 - elapsed / days), rounded half up."""
    days = (end - start).days + 1
    elapsed = min(max((on - start).days, 0), days)
    exact = Fraction(fen) * (1 - Fraction(elapsed, days))
    whole, rest = divmod(exact, 1)
    return int(whole) + (1 if rest >= Fraction(1, 2) else 0)


def test_the_reference_is_right_on_the_hand_figures() -> None:
    assert (
        reference_refund(95000, dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 4, 11))
        == 68973
    )
    assert (
        reference_refund(95001, dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 7, 2))
        == 47501
    )
    assert (
        reference_refund(95000, dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2024, 1, 1))
        == 95000
    )
    assert (
        reference_refund(95000, dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 1))
        == 0
    )


fens = st.integers(min_value=0, max_value=10**9)
starts = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
lengths = st.integers(min_value=1, max_value=800)
offsets = st.integers(min_value=-40, max_value=840)
cases = st.sampled_from(list(CtplCancellationCase))


@given(fens, starts, lengths, offsets, cases)
def test_the_refund_is_the_published_formula(
    fen: int, start: dt.date, length: int, offset: int, case: CtplCancellationCase
) -> None:
    end = start + dt.timedelta(days=length - 1)
    on = start + dt.timedelta(days=offset)
    term = PolicyTerm(start, end, ZONE)
    premium = Money.from_minor_units(fen, "CNY")
    done = ctpl_refund(premium, term, on, case)
    expected = reference_refund(fen, start, end, on)
    assert done.refund.to_minor_units() == expected
    assert done.earned.to_minor_units() == fen - expected
    assert done.days_in_term == length
    assert done.days_used == min(max(offset, 0), length)


@given(fens, starts, offsets, offsets, cases)
def test_a_later_cancellation_never_refunds_more(
    fen: int, start: dt.date, first: int, second: int, case: CtplCancellationCase
) -> None:
    term = PolicyTerm.annual(start, ZONE)
    premium = Money.from_minor_units(fen, "CNY")
    early, late = sorted((first, second))
    earlier = ctpl_refund(premium, term, start + dt.timedelta(days=early), case)
    later = ctpl_refund(premium, term, start + dt.timedelta(days=late), case)
    assert cny("0.00") <= later.refund <= earlier.refund <= premium
    assert earlier.refund + earlier.earned == premium


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1990, max_value=2090))
def test_halfway_through_a_leap_year_the_refund_is_half_rounded_up(pairs: int, year: int) -> None:
    # From 1988 to 2088 every year divisible by 4 is a leap year (2000 is divisible by 400).
    leap = year - year % 4
    term = PolicyTerm.annual(pendulum.Date(leap, 1, 1), ZONE)
    on = pendulum.Date(leap, 7, 2)  # 183 days used of 366
    fen = 2 * pairs + 1  # odd: the exact refund ends in half a fen
    done = ctpl_refund(Money.from_minor_units(fen, "CNY"), term, on, DEREGISTERED)
    assert done.refund.to_minor_units() == pairs + 1
    assert done.earned.to_minor_units() == pairs
