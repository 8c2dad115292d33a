"""Tests for renewal_core.kpi.indicator: periods, indicator values and intervals.

Expected figures are worked out by hand (Wilson: centre and half-width from the
closed form with z = 1.959964 for 95%), or by a small float reference here.
"""

from __future__ import annotations

import enum
import math
from decimal import Decimal
from statistics import NormalDist

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core.errors import DateTypeError, InvalidField
from renewal_core.kpi.indicator import (
    Indicator,
    IntervalMethod,
    Period,
    Unit,
    rate,
    ratio_value,
)
from renewal_core.workflows.engine import Transition, Workflow


def test_a_month_period_and_its_label() -> None:
    february = Period.month(2024, 2)
    assert (february.start, february.end) == (
        pendulum.date(2024, 2, 1),
        pendulum.date(2024, 2, 29),
    )
    assert february.label == "2024-02"
    assert february.contains(pendulum.date(2024, 2, 29))
    assert not february.contains(pendulum.date(2024, 3, 1))


def test_a_period_that_is_not_a_month_is_labelled_by_its_days() -> None:
    span = Period(pendulum.date(2025, 1, 15), pendulum.date(2025, 2, 14))
    assert span.label == "2025-01-15..2025-02-14"
    assert Period(pendulum.date(2025, 1, 2), pendulum.date(2025, 1, 31)).label == (
        "2025-01-02..2025-01-31"
    )


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidField, match=r"Period.end: 2025-01-01 is before start 2025-01-02"):
        Period(pendulum.date(2025, 1, 2), pendulum.date(2025, 1, 1))


def test_a_period_of_datetimes_is_refused() -> None:
    with pytest.raises(DateTypeError):
        Period(pendulum.datetime(2025, 1, 1), pendulum.date(2025, 1, 2))


@pytest.mark.parametrize(
    ("year", "month"), [(2025, 13), (2025, 0), ("2025", 1), (True, 1), (2025, True)]
)
def test_a_month_that_does_not_exist_is_refused(year: object, month: object) -> None:
    with pytest.raises(InvalidField, match=r"Period\.month: no month"):
        Period.month(year, month)  # type: ignore[arg-type]


def test_rates_in_percent_with_no_data_for_an_empty_base() -> None:
    # 2 of 3 = 66.666... % -> 66.6667 (half to even at 4 places).
    assert rate("r", 2, 3).value == Decimal("66.6667")
    empty = rate("r", 0, 0, period=Period.month(2025, 3), filters={"channel": "agent"})
    assert empty.no_data
    assert empty.value is None
    assert empty.interval() is None
    assert empty.period == Period.month(2025, 3)
    assert dict(empty.filters) == {"channel": "agent"}


def test_ratio_value_rounds_half_to_even() -> None:
    # 1 / 16 * 100 = 6.25 exactly; 1/32*100 = 3.125; 1 / 3 * 100 = 33.3333...
    assert ratio_value(1, 16) == Decimal("6.2500")
    assert ratio_value(1, 3) == Decimal("33.3333")
    # 0.00005 is a tie at 4 places: to even -> 0.0000; 0.00015 -> 0.0002.
    assert ratio_value(1, 20000, scale=1) == Decimal("0.0000")
    assert ratio_value(3, 20000, scale=1) == Decimal("0.0002")


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        (-1, 3, "rate.numerator: must be an int of at least 0, not -1"),
        (1, True, "rate.denominator: must be an int of at least 0, not True"),
        (1.0, 3, "rate.numerator: must be an int of at least 0, not 1.0"),
        (4, 3, "rate.numerator: 4 is more than the denominator 3"),
    ],
)
def test_bad_counts_are_refused(numerator: object, denominator: object, message: str) -> None:
    with pytest.raises(InvalidField, match=message.replace(".", r"\.")):
        rate("r", numerator, denominator)  # type: ignore[arg-type]


def test_the_wilson_interval_of_45_of_60() -> None:
    # p = 0.75, n = 60, z^2 = 3.841459: centre = (0.75 + 0.032012) / 1.064024 = 0.734958,
    # half = 1.959964 * sqrt(0.003125 + 0.000266788) / 1.064024 = 0.107279.
    low, high = rate("r", 45, 60).interval() or (Decimal(0), Decimal(0))
    assert abs(low - Decimal("62.7679")) <= Decimal("0.0002")
    assert abs(high - Decimal("84.2237")) <= Decimal("0.0003")


def test_a_wider_confidence_gives_a_wider_interval() -> None:
    narrow = rate("r", 45, 60).interval("0.80")
    wide = rate("r", 45, 60).interval(Decimal("0.99"))
    assert narrow is not None and wide is not None
    assert wide[0] < narrow[0] and narrow[1] < wide[1]


def test_a_float_confidence_is_taken_as_written() -> None:
    assert rate("r", 45, 60).interval(0.95) == rate("r", 45, 60).interval("0.95")


@pytest.mark.parametrize("confidence", ["0", "1", "1.5", "nan", "ninety", 1.5, float("nan"), None])
def test_a_confidence_outside_0_and_1_is_refused(confidence: object) -> None:
    with pytest.raises(InvalidField, match=r"Indicator\.interval\(confidence\)"):
        rate("r", 1, 2).interval(confidence)  # type: ignore[arg-type]


def test_the_nps_interval() -> None:
    # Adjusted Wald: p = 40.75 / 103 = 0.395631, d = 20.75 / 103 = 0.201456,
    # centre 0.194175; var = (0.597087 - 0.037704) / 103 = 0.00543090,
    # half = 1.959964 * 0.0736947 = 0.144439 -> [4.9736, 33.8614].
    nps = Indicator(
        "nps",
        Decimal("20.0000"),
        20,
        100,
        unit=Unit.SCORE,
        method=IntervalMethod.NPS,
        details={"promoters": 40, "detractors": 20},
    )
    assert nps.interval() == (Decimal("4.9736"), Decimal("33.8614"))


def test_an_all_promoter_nps_interval_is_not_a_point() -> None:
    # 10 promoters of 10: p = 10.75 / 13 = 0.826923, d = 0.75 / 13 = 0.057692,
    # centre 0.769231; var = (0.884615 - 0.591716) / 13 = 0.0225307,
    # half = 1.959964 * 0.150102 = 0.294195 -> low 47.5036; high clipped, and the
    # interval widened to hold the NPS of 100.
    nps = Indicator(
        "nps",
        Decimal("100.0000"),
        10,
        10,
        unit=Unit.SCORE,
        method=IntervalMethod.NPS,
        details={"promoters": 10, "detractors": 0},
    )
    interval = nps.interval()
    assert interval is not None
    assert abs(interval[0] - Decimal("47.5036")) <= Decimal("0.0002")
    assert interval[1] == Decimal("100.0000")


def test_a_ratio_of_amounts_has_no_interval() -> None:
    premium = Indicator(
        "premium_renewal_rate",
        Decimal("95.0000"),
        Decimal("950.00"),
        Decimal("1000.00"),
        unit=Unit.PERCENT,
        currency="CNY",
    )
    assert premium.interval() is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": 1.5}, "Indicator.value: must be a finite Decimal or None"),
        ({"value": Decimal("NaN")}, "Indicator.value: must be a finite Decimal or None"),
        ({"numerator": True}, "Indicator.numerator: must be an int or a Decimal, not bool"),
        ({"denominator": Decimal("Infinity")}, "Indicator.denominator: must be finite"),
        ({"period": "2025-03"}, "Indicator.period: must be a Period or None, not str"),
        ({"filters": {1: "x"}}, "Indicator.filters: keys must be str, not int"),
        ({"details": ["x"]}, "Indicator.details: must be a mapping, not list"),
        ({"value": None}, "Indicator.value: must be None exactly when the denominator is 0"),
        ({"denominator": 0}, "Indicator.value: must be None exactly when the denominator is 0"),
        (
            {"method": IntervalMethod.WILSON, "numerator": Decimal("1.5"), "denominator": 3},
            "Indicator.method: IntervalMethod.WILSON needs whole counts",
        ),
        (
            {"method": IntervalMethod.WILSON, "numerator": 3},
            "Indicator.numerator: 3 is not a count from 0 to 2",
        ),
        (
            {"method": IntervalMethod.NPS, "details": {"promoters": 1}},
            "Indicator.details: an NPS needs 'promoters' and 'detractors' counts",
        ),
        (
            {"method": IntervalMethod.NPS, "details": {"promoters": 2, "detractors": 0}},
            "Indicator.details: an NPS needs",
        ),
    ],
)
def test_indicator_fields_are_checked(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "name": "r",
        "value": Decimal("50.0000"),
        "numerator": 1,
        "denominator": 2,
        "unit": Unit.PERCENT,
    }
    fields.update(changes)
    with pytest.raises(InvalidField, match=message.replace(".", r"\.").replace("(", r"\(")):
        Indicator(**fields)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=400))
def test_the_interval_contains_the_rate_and_matches_a_float_reference(
    successes: int, extra: int
) -> None:
    n = successes + extra
    indicator = rate("r", successes, n)
    interval = indicator.interval()
    assert interval is not None and indicator.value is not None
    low, high = interval
    assert Decimal(0) <= low <= indicator.value <= high <= Decimal(100)
    z = NormalDist().inv_cdf(0.975)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert abs(float(low) - max(centre - half, 0) * 100) < 0.0002
    assert abs(float(high) - min(centre + half, 1) * 100) < 0.0002


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=2, max_value=20))
def test_the_interval_narrows_as_the_sample_grows(successes: int, factor: int) -> None:
    small = rate("r", successes, 2 * successes).interval()
    large = rate("r", successes * factor, 2 * successes * factor).interval()
    assert small is not None and large is not None
    assert large[1] - large[0] < small[1] - small[0]


class _S(enum.Enum):
    A = "a"
    B = "b"


def test_a_workflow_shows_its_name_and_states_only() -> None:
    flow = Workflow("w", _S, initial=_S.A, final=_S.B, transitions=[Transition(_S.A, "go", _S.B)])
    assert repr(flow) == "Workflow('w', _S)"
