from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.errors import CurrencyMismatch
from renewal_core.kpi.indicator import Indicator, IntervalMethod, Period, Unit
from renewal_core.kpi.records import DueRecord, ScoreRecord
from renewal_core.kpi.renewals import (
    average_premium_change,
    lapse_rate,
    premium_renewal_rate,
    renewal_rate,
    retention_rate,
)
from renewal_core.model import Channel, LineOfBusiness
from renewal_core.money import Money

MARCH = Period.month(2025, 3)
COUNTED = (renewal_rate, retention_rate, lapse_rate)


def four_places(value: Fraction) -> Decimal:
    """A reference rounding: half to even at 4 places, by integer arithmetic."""
    scaled = value * 10_000
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2):
        floor += 1
    return Decimal(floor).scaleb(-4)


def due(
    number: str,
    day: dt.date,
    premium: str,
    *,
    renewal: str | None = None,
    eligible: bool = True,
    channel: Channel = Channel.AGENT,
    line: LineOfBusiness = LineOfBusiness.AUTO,
    currency: str = "CNY",
) -> DueRecord:
    return DueRecord(
        number,
        day,
        Money(premium, currency),
        channel,
        line,
        eligible=eligible,
        renewed_on=None if renewal is None else day,
        renewal_premium=None if renewal is None else Money(renewal, currency),
    )


def book() -> list[DueRecord]:
    """Ten policies due, eight in March 2025, by hand."""
    march, april, february = (
        pendulum.date(2025, 3, 10),
        pendulum.date(2025, 4, 1),
        pendulum.date(2025, 2, 28),
    )
    return [
        due("P-01", march, "1000.00", renewal="1050.00"),
        due("P-02", march, "2000.00", renewal="1900.00"),
        due("P-03", march, "1500.00"),
        due("P-04", march, "800.00", renewal="800.00", channel=Channel.ONLINE),
        due("P-05", march, "1200.00", channel=Channel.ONLINE),
        due("P-06", march, "600.00", eligible=False, channel=Channel.ONLINE),
        due("P-07", march, "900.00", renewal="990.00", line=LineOfBusiness.HEALTH),
        due("P-08", pendulum.date(2025, 3, 31), "700.00", eligible=False),
        due("P-09", april, "5000.00", renewal="5000.00"),
        due("P-10", february, "3000.00"),
    ]


def test_renewal_rate_by_hand() -> None:
    # Eligible in March: P-01..P-05, P-07 (six); renewed: P-01, P-02, P-04, P-07 (four).
    renewed = renewal_rate(book(), period=MARCH)
    assert renewed.name == "renewal_rate"
    assert (renewed.numerator, renewed.denominator) == (4, 6)
    assert renewed.value == Decimal("66.6667")
    assert renewed.unit is Unit.PERCENT
    assert renewed.method is IntervalMethod.WILSON
    assert renewed.period == MARCH
    assert dict(renewed.filters) == {}


def test_retention_and_lapse_by_hand() -> None:
    # All eight due in March (P-06 and P-08 not eligible): four kept, four lost.
    kept = retention_rate(book(), period=MARCH)
    lost = lapse_rate(book(), period=MARCH)
    assert (kept.numerator, kept.denominator, kept.value) == (4, 8, Decimal("50.0000"))
    assert (lost.numerator, lost.denominator, lost.value) == (4, 8, Decimal("50.0000"))


def test_without_a_period_every_record_counts() -> None:
    # Eligible: 8 (all but P-06, P-08); renewed: 5 (with P-09).
    assert renewal_rate(book()).value == Decimal("62.5000")
    assert renewal_rate(book()).period is None
    # All ten; 5 kept; 5 lost.
    assert retention_rate(book()).value == Decimal("50.0000")


def test_filters_select_and_are_recorded() -> None:
    online = renewal_rate(book(), period=MARCH, filters={"channel": Channel.ONLINE})
    assert (online.numerator, online.denominator) == (1, 2)
    assert dict(online.filters) == {"channel": Channel.ONLINE}
    both = renewal_rate(book(), filters={"channel": Channel.AGENT, "line": LineOfBusiness.HEALTH})
    assert (both.numerator, both.denominator) == (1, 1)
    assert renewal_rate(book(), filters={"region": "310000"}).no_data


def test_premium_renewal_rate_by_hand() -> None:
    # Eligible in March: expiring 1000 + 2000 + 1500 + 800 + 1200 + 900 = 7400;
    # renewal premium 1050 + 1900 + 800 + 990 = 4740; 4740 / 7400 = 64.054054...
    premium = premium_renewal_rate(book(), period=MARCH)
    assert premium.numerator == Decimal("4740.00")
    assert premium.denominator == Decimal("7400.00")
    assert premium.value == Decimal("64.0541")
    assert premium.currency == "CNY"
    assert premium.unit is Unit.PERCENT
    assert premium.interval() is None
    assert dict(premium.details) == {"policies": 6, "renewed": 4}


def test_premium_renewal_rate_may_exceed_100() -> None:
    day = pendulum.date(2025, 3, 1)
    rising = premium_renewal_rate([due("P-1", day, "100.00", renewal="130.00")])
    assert rising.value == Decimal("130.0000")


def test_average_premium_change_by_hand() -> None:
    # Renewed in March: +50, -100, 0, +90: +40 over 4 policies = +10 each;
    # in percent of the expiring 1000 + 2000 + 800 + 900 = 4700: 0.851063...
    change = average_premium_change(book(), period=MARCH)
    assert change.numerator == Decimal("40.00")
    assert change.denominator == 4
    assert change.value == Decimal("10.0000")
    assert change.unit is Unit.MONEY
    assert change.currency == "CNY"
    assert change.details["expiring"] == Decimal("4700.00")
    assert change.details["renewal"] == Decimal("4740.00")
    assert change.details["percent"] == Decimal("0.8511")


def test_no_policy_gives_no_data_for_every_indicator() -> None:
    for indicator in (*COUNTED, premium_renewal_rate, average_premium_change):
        empty = indicator([], period=MARCH)
        assert empty.no_data, indicator
        assert empty.interval() is None
    nothing_renewed = average_premium_change([due("P-1", pendulum.date(2025, 3, 1), "10.00")])
    assert nothing_renewed.no_data
    assert nothing_renewed.details["percent"] is None
    assert nothing_renewed.details["expiring"] == Decimal(0)
    zero_premium = premium_renewal_rate([due("P-1", pendulum.date(2025, 3, 1), "0.00")])
    assert zero_premium.no_data
    assert zero_premium.details["policies"] == 1


def test_records_may_come_from_a_generator_read_once() -> None:
    reads = 0

    def stream() -> Iterator[DueRecord]:
        nonlocal reads
        for record in book():
            reads += 1
            yield record

    assert renewal_rate(stream(), period=MARCH).value == Decimal("66.6667")
    assert reads == 10


@pytest.mark.parametrize(
    "indicator",
    [*COUNTED, premium_renewal_rate, average_premium_change],
)
def test_every_indicator_refuses_records_of_another_kind(
    indicator: Callable[..., Indicator],
) -> None:
    other = ScoreRecord(9, pendulum.date(2025, 3, 1))
    with wrong_type(f"{indicator.__name__}(records)", "DueRecord records, not ScoreRecord"):
        indicator([*book(), other])


@pytest.mark.parametrize("records", [None, "P-01", {"P-01": 1}, 3])
def test_every_indicator_refuses_what_is_not_an_iterable_of_records(records: object) -> None:
    with wrong_type("renewal_rate(records)", type(records).__name__):
        renewal_rate(loose(records))


def test_period_and_filters_are_checked() -> None:
    with wrong_type("renewal_rate(period)", "a Period or None, not tuple"):
        renewal_rate(book(), period=loose((1, 2)))
    with wrong_type("retention_rate(filters)", "a mapping"):
        retention_rate(book(), filters=loose([("channel", Channel.AGENT)]))
    with wrong_type("lapse_rate(filters)", "dimension names"):
        lapse_rate(book(), filters=loose({1: Channel.AGENT}))
    with invalid("premium_renewal_rate", "filters", "no dimension is named 'colour'"):
        premium_renewal_rate(book(), filters={"colour": "red"})
    with invalid("renewal_rate", "filters", "a string of 41 characters"):
        renewal_rate(book(), filters={"x" * 41: 1})


@pytest.mark.parametrize(
    ("filters", "field", "fragment"),
    [
        ({"channel": "agent"}, "channel", r"convert it with Channel\('agent'\)"),
        ({"line": 1}, "line", "must be a LineOfBusiness member"),
        ({"region": 310000}, "region", r"must be a str, not int \(or None\)"),
        ({"expiry_month": "2025-03"}, "expiry_month", "must be a Period, not str"),
    ],
)
def test_a_filter_value_of_the_wrong_type_is_refused_not_matched_against_nothing(
    filters: dict[str, object], field: str, fragment: str
) -> None:
    with invalid("renewal_rate", rf"filters\['{field}'\]", fragment):
        renewal_rate(book(), filters=filters)


@pytest.mark.parametrize(
    ("start", "end", "label", "month"),
    [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 15), "2025-03-01..2025-03-15", "2025, 3"),
        (dt.date(2025, 3, 2), dt.date(2025, 3, 31), "2025-03-02..2025-03-31", "2025, 3"),
        (dt.date(2025, 3, 1), dt.date(2025, 4, 30), "2025-03-01..2025-04-30", "2025, 3"),
        (dt.date(2025, 2, 28), dt.date(2025, 3, 31), "2025-02-28..2025-03-31", "2025, 2"),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 28), "2024-02-01..2024-02-28", "2024, 2"),
    ],
)
def test_an_expiry_month_that_is_not_a_calendar_month_is_refused(
    start: dt.date, end: dt.date, label: str, month: str
) -> None:
    # It would select nothing: a record's expiry month is always a whole calendar month.
    # (2024 is a leap year: its February ends on the 29th.)
    with invalid(
        "renewal_rate",
        r"filters\['expiry_month'\]",
        rf"{label} is not a calendar month, .* Period\.month\({month}\), or select days "
        "with period=$",
    ):
        renewal_rate(book(), filters={"expiry_month": Period(start, end)})


def test_an_expiry_month_of_none_is_refused() -> None:
    with invalid("lapse_rate", r"filters\['expiry_month'\]", "is None, and every due record"):
        lapse_rate(book(), filters={"expiry_month": None})


def test_an_expiry_month_selects_the_policies_due_in_it() -> None:
    # book(): eight policies due in March (P-01..P-08), six of them eligible and four of
    # those renewed; one due in February (P-10, not renewed).
    march = renewal_rate(book(), filters={"expiry_month": MARCH})
    assert (march.numerator, march.denominator) == (4, 6)
    assert dict(march.filters) == {"expiry_month": MARCH}
    assert retention_rate(book(), filters={"expiry_month": MARCH}).denominator == 8
    february = retention_rate(book(), filters={"expiry_month": Period.month(2025, 2)})
    assert (february.numerator, february.denominator) == (0, 1)
    assert renewal_rate(book(), filters={"expiry_month": Period.month(2025, 5)}).no_data


def test_a_filter_on_none_selects_the_records_without_that_code() -> None:
    coded = DueRecord(
        "P-11",
        pendulum.date(2025, 3, 1),
        cny("1.00"),
        Channel.AGENT,
        LineOfBusiness.AUTO,
        region="310000",
    )
    records = [*book(), coded]
    assert renewal_rate(records, filters={"region": None}).denominator == 8
    assert renewal_rate(records, filters={"region": "310000"}).denominator == 1


def test_premiums_in_two_currencies_are_refused() -> None:
    day = pendulum.date(2025, 3, 1)
    mixed = [due("P-1", day, "1.00"), due("P-2", day, "1.00", renewal="1.00", currency="USD")]
    with pytest.raises(CurrencyMismatch, match="premium_renewal_rate"):
        premium_renewal_rate(mixed)
    with pytest.raises(CurrencyMismatch, match="average_premium_change"):
        average_premium_change([*mixed, due("P-3", day, "2.00", renewal="2.00")])
    # Counting indicators do not add amounts: they take any currencies.
    assert renewal_rate(mixed).value == Decimal("50.0000")


# --------------------------------------------------------------------------- properties

days = st.dates(dt.date(2025, 2, 1), dt.date(2025, 4, 30))
cents = st.integers(0, 10**8)


@st.composite
def due_records(draw: st.DrawFn) -> DueRecord:
    eligible = draw(st.booleans())
    renewed = eligible and draw(st.booleans())
    day = draw(days)
    return DueRecord(
        f"P-{draw(st.integers(1, 999))}",
        day,
        Money(Decimal(draw(cents)).scaleb(-2), "CNY"),
        draw(st.sampled_from([Channel.AGENT, Channel.ONLINE, Channel.PHONE])),
        draw(st.sampled_from(list(LineOfBusiness))),
        eligible=eligible,
        renewed_on=day if renewed else None,
        renewal_premium=Money(Decimal(draw(cents)).scaleb(-2), "CNY") if renewed else None,
    )


books = st.lists(due_records(), max_size=40)
periods = st.sampled_from([None, Period.month(2025, 2), MARCH, Period.month(2025, 4)])


def selected(records: list[DueRecord], period: Period | None) -> list[DueRecord]:
    return [r for r in records if period is None or period.start <= r.due_on <= period.end]


@given(books, periods)
def test_the_rates_match_a_reference_and_stay_within_0_and_100(
    records: list[DueRecord], period: Period | None
) -> None:
    chosen = selected(records, period)
    eligible = [r for r in chosen if r.eligible]
    renewed = [r for r in chosen if r.renewed_on is not None]
    expected = {
        renewal_rate: (len(renewed), len(eligible)),
        retention_rate: (len(renewed), len(chosen)),
        lapse_rate: (len(chosen) - len(renewed), len(chosen)),
    }
    for indicator, (top, base) in expected.items():
        result = indicator(records, period=period)
        assert (result.numerator, result.denominator) == (top, base)
        if base == 0:
            assert result.no_data
        else:
            assert result.value == four_places(Fraction(100 * top, base))
            assert Decimal(0) <= result.value <= Decimal(100)


@given(books, periods)
def test_retention_and_lapse_add_up_to_100_and_retention_never_beats_renewal(
    records: list[DueRecord], period: Period | None
) -> None:
    kept = retention_rate(records, period=period)
    lost = lapse_rate(records, period=period)
    renewed = renewal_rate(records, period=period)
    assert kept.numerator + lost.numerator == kept.denominator == lost.denominator
    if kept.value is not None and lost.value is not None:
        assert kept.value + lost.value == Decimal(100)
    if renewed.value is not None:
        assert kept.value is not None
        assert kept.value <= renewed.value


@given(books, periods)
def test_premium_figures_match_a_reference(
    records: list[DueRecord], period: Period | None
) -> None:
    eligible = [r for r in selected(records, period) if r.eligible]
    renewed = [r for r in eligible if r.renewal_premium is not None]
    expiring = sum((r.expiring_premium.amount for r in eligible), Decimal(0))
    renewal = sum((r.renewal_premium.amount for r in renewed if r.renewal_premium), Decimal(0))
    premium = premium_renewal_rate(records, period=period)
    assert premium.numerator == renewal
    assert premium.denominator == expiring
    assert premium.value == (
        four_places(Fraction(renewal) * 100 / Fraction(expiring)) if expiring else None
    )
    change = average_premium_change(records, period=period)
    renewed_expiring = sum((r.expiring_premium.amount for r in renewed), Decimal(0))
    assert change.numerator == renewal - renewed_expiring
    assert change.denominator == len(renewed)
    assert change.value == (
        four_places(Fraction(renewal - renewed_expiring) / len(renewed)) if renewed else None
    )


def is_calendar_month(start: dt.date, end: dt.date) -> bool:
    """A reference: the first day of a month to the last day of the same month."""
    return start.day == 1 and end == dt.date(
        start.year, start.month, calendar.monthrange(start.year, start.month)[1]
    )


@given(books, st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)), st.integers(0, 70))
def test_an_expiry_month_filter_is_a_calendar_month_or_refused(
    records: list[DueRecord], start: dt.date, days: int
) -> None:
    period = Period(start, start + dt.timedelta(days=days))
    if not is_calendar_month(period.start, period.end):
        with invalid("retention_rate", r"filters\['expiry_month'\]", "is not a calendar month"):
            retention_rate(records, filters={"expiry_month": period})
        return
    expected = [r for r in records if (r.due_on.year, r.due_on.month) == (start.year, start.month)]
    result = retention_rate(records, filters={"expiry_month": period})
    assert result.denominator == len(expected)
    assert result.numerator == sum(1 for r in expected if r.renewed_on is not None)


@given(books, periods, st.randoms(use_true_random=False))
def test_the_order_of_the_records_never_changes_a_result(
    records: list[DueRecord], period: Period | None, rng: random.Random
) -> None:
    shuffled = list(records)
    rng.shuffle(shuffled)
    for indicator in (*COUNTED, premium_renewal_rate, average_premium_change):
        assert indicator(shuffled, period=period) == indicator(records, period=period)


@given(st.integers(0, 20), st.integers(1, 20), st.integers(2, 5))
def test_the_interval_holds_the_value_and_narrows_as_the_sample_grows(
    renewed: int, extra: int, factor: int
) -> None:
    total = renewed + extra
    day = pendulum.date(2025, 3, 1)

    def sample(scale: int) -> list[DueRecord]:
        records: list[Any] = []
        for index in range(total * scale):
            renewal = "1.00" if index < renewed * scale else None
            records.append(due(f"P-{index}", day, "1.00", renewal=renewal))
        return records

    small = renewal_rate(sample(1))
    large = renewal_rate(sample(factor))
    assert small.value == large.value
    small_interval, large_interval = small.interval(), large.interval()
    assert small_interval is not None and large_interval is not None
    assert small.value is not None
    assert small_interval[0] <= small.value <= small_interval[1]
    assert large_interval[0] <= small.value <= large_interval[1]
    assert large_interval[1] - large_interval[0] <= small_interval[1] - small_interval[0]
    # Strictly narrower unless both are pinned at the ends of the scale.
    if Decimal(0) < small_interval[0] or small_interval[1] < Decimal(100):
        assert large_interval[1] - large_interval[0] < small_interval[1] - small_interval[0]


def test_a_renewal_with_a_generated_cny_premium() -> None:
    # cny() and due() agree on what a premium is.
    assert due("P-1", pendulum.date(2025, 3, 1), "10.00").expiring_premium == cny("10.00")
