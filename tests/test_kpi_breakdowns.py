from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.kpi.breakdowns import (
    Breakdown,
    BreakdownComparison,
    Comparison,
    Pivot,
    breakdown,
    cohorts,
    compare,
    over_periods,
    pivot,
)
from renewal_core.kpi.channels import contact_rate
from renewal_core.kpi.dimensions import DIMENSIONS, Dimension, resolve
from renewal_core.kpi.indicator import Indicator, Period, Unit, rate
from renewal_core.kpi.records import DueRecord, ReminderRecord, ScoreRecord
from renewal_core.kpi.renewals import (
    average_premium_change,
    lapse_rate,
    premium_renewal_rate,
    renewal_rate,
    retention_rate,
)
from renewal_core.kpi.satisfaction import nps
from renewal_core.model import Channel, LineOfBusiness

MARCH = Period.month(2025, 3)
CHANNEL, LINE, EXPIRY_MONTH = DIMENSIONS["channel"], DIMENSIONS["line"], DIMENSIONS["expiry_month"]
APRIL = Period.month(2025, 4)
AGENT, ONLINE, PHONE = Channel.AGENT, Channel.ONLINE, Channel.PHONE
AUTO, HEALTH = LineOfBusiness.AUTO, LineOfBusiness.HEALTH


def due(
    channel: Channel,
    line: LineOfBusiness,
    renewed: bool,
    *,
    day: dt.date = dt.date(2025, 3, 15),
    premium: str = "1000.00",
    renewal: str = "1000.00",
    eligible: bool = True,
    region: str | None = None,
) -> DueRecord:
    return DueRecord(
        "P-1",
        day,
        cny(premium),
        channel,
        line,
        eligible=eligible,
        renewed_on=day if renewed else None,
        renewal_premium=cny(renewal) if renewed else None,
        region=region,
    )


def book() -> list[DueRecord]:
    """By hand: agents 3 of 4 (auto 2 of 3, health 1 of 1), online 1 of 2 (auto), phone 0 of 1."""
    return [
        due(AGENT, AUTO, True),
        due(AGENT, AUTO, True),
        due(AGENT, AUTO, False),
        due(AGENT, HEALTH, True),
        due(ONLINE, AUTO, True),
        due(ONLINE, AUTO, False),
        due(PHONE, HEALTH, False),
        due(PHONE, HEALTH, True, eligible=True, day=dt.date(2025, 4, 2)),
        due(ONLINE, HEALTH, False, eligible=False),
    ]


# --------------------------------------------------------------------------- one dimension


def test_a_breakdown_by_channel_by_hand() -> None:
    by_channel = breakdown(renewal_rate, book(), by="channel", period=MARCH)
    assert isinstance(by_channel, Breakdown)
    assert by_channel.dimension == "channel"
    # Channel order: ONLINE, AGENT, ..., PHONE, as the enum defines them.
    assert list(by_channel) == [ONLINE, AGENT, PHONE]
    counts = {key: (part.numerator, part.denominator) for key, part in by_channel.items()}
    assert counts == {ONLINE: (1, 2), AGENT: (3, 4), PHONE: (0, 1)}
    assert by_channel[AGENT].value == Decimal("75.0000")
    assert dict(by_channel[AGENT].filters) == {"channel": AGENT}
    assert by_channel[AGENT].period == MARCH
    assert (by_channel.total.numerator, by_channel.total.denominator) == (4, 7)
    assert by_channel.total.value == Decimal("57.1429")
    assert dict(by_channel.total.filters) == {}


def test_a_breakdown_is_a_read_only_mapping() -> None:
    by_line = breakdown(renewal_rate, book(), by=LINE, period=MARCH)
    assert len(by_line) == 2
    assert HEALTH in by_line
    assert Channel.AGENT not in by_line
    assert by_line.get(LineOfBusiness.LIFE) is None
    with pytest.raises(KeyError):
        by_line[LineOfBusiness.LIFE]
    with pytest.raises(TypeError):
        by_line.parts[LineOfBusiness.LIFE] = by_line.total  # type: ignore[index]
    assert by_line == breakdown(renewal_rate, book(), by="line", period=MARCH)
    assert by_line != breakdown(renewal_rate, book(), by="line", period=APRIL)


def test_a_breakdown_checks_its_fields() -> None:
    total = rate("renewal_rate", 1, 2)
    with invalid("Breakdown", "parts", "values must be Indicator, not int"):
        Breakdown("channel", {AGENT: 1}, total)
    with invalid("Breakdown", "parts", "must be a mapping, not list"):
        Breakdown("channel", loose([total]), total)
    with invalid("Breakdown", "dimension", "must not be empty"):
        Breakdown("", {}, total)


def test_filters_and_a_breakdown_combine() -> None:
    by_line = breakdown(renewal_rate, book(), by="line", filters={"channel": AGENT})
    assert dict(by_line[HEALTH].filters) == {"channel": AGENT, "line": HEALTH}
    assert dict(by_line.total.filters) == {"channel": AGENT}
    assert (by_line.total.numerator, by_line.total.denominator) == (3, 4)


def test_no_records_give_no_parts_and_a_total_with_no_data() -> None:
    empty = breakdown(premium_renewal_rate, [], by="channel")
    assert len(empty) == 0
    assert empty.total.no_data


def test_a_breakdown_by_a_dimension_of_your_own() -> None:
    renewed_early = Dimension("fortnight", lambda record: (record.due_on.day - 1) // 14)
    records = [
        due(AGENT, AUTO, True, day=dt.date(2025, 3, 1)),
        due(AGENT, AUTO, False, day=dt.date(2025, 3, 20)),
        due(AGENT, AUTO, True, day=dt.date(2025, 3, 31)),
    ]
    by_fortnight = breakdown(renewal_rate, records, by=renewed_early)
    assert list(by_fortnight) == [0, 1, 2]
    assert by_fortnight.dimension == "fortnight"
    assert dict(by_fortnight[2].filters) == {"fortnight": 2}


def test_none_keys_come_last_and_codes_sort() -> None:
    records = [
        due(AGENT, AUTO, True, region="440000"),
        due(AGENT, AUTO, True),
        due(AGENT, AUTO, False, region="110000"),
    ]
    assert list(breakdown(renewal_rate, records, by="region")) == ["110000", "440000", None]


def test_keys_of_different_types_are_ordered_by_type() -> None:
    odd = Dimension("odd", lambda record: 1 if record.renewed else "x")
    assert list(breakdown(renewal_rate, book(), by=odd)) == [1, "x"]


def test_keys_that_do_not_compare_are_ordered_by_repr() -> None:
    # Complex numbers have no order: their reprs give one.
    odd = Dimension("odd", lambda record: complex(0, 2) if record.renewed else complex(0, 1))
    assert list(breakdown(renewal_rate, book(), by=odd)) == [complex(0, 1), complex(0, 2)]


def test_tuple_keys_sort_item_by_item() -> None:
    pair = Dimension("pair", lambda record: (record.line, record.channel))
    keys = list(breakdown(renewal_rate, book(), by=pair))
    # The only online health policy is not eligible: renewal_rate never counts it.
    assert keys == [(AUTO, ONLINE), (AUTO, AGENT), (HEALTH, AGENT), (HEALTH, PHONE)]


def test_records_of_a_subclass_are_taken() -> None:
    @attrs.frozen
    class HostDueRecord(DueRecord):
        pass

    day = dt.date(2025, 3, 1)
    records = [
        HostDueRecord("P-1", day, cny("1.00"), AGENT, AUTO),
        due(AGENT, AUTO, True),
    ]
    assert renewal_rate(records).value == Decimal("50.0000")
    assert breakdown(renewal_rate, records, by="line")[AUTO].denominator == 2
    assert breakdown(retention_rate, records, by="line").total.denominator == 2


def test_a_group_with_no_amount_yet_combines_into_the_total() -> None:
    # Online has policies due but none renewed: its premium change has no currency yet.
    records = [due(AGENT, AUTO, True, renewal="1100.00"), due(ONLINE, AUTO, False)]
    change = breakdown(average_premium_change, records, by="channel")
    assert change[ONLINE].no_data
    assert change[ONLINE].currency is None
    assert change.total.currency == "CNY"
    assert change.total.value == Decimal("100.0000")


def test_nps_by_segment() -> None:
    day = pendulum.date(2025, 3, 1)
    responses = [
        ScoreRecord(10, day, segment="vip"),
        ScoreRecord(9, day, segment="vip"),
        ScoreRecord(2, day, segment="regular"),
        ScoreRecord(8, day, segment="regular"),
    ]
    by_segment = breakdown(nps, responses, by="segment")
    assert list(by_segment) == ["regular", "vip"]
    assert by_segment["vip"].value == Decimal("100.0000")
    assert by_segment["regular"].value == Decimal("-50.0000")
    assert (
        by_segment.total.numerator == by_segment["vip"].numerator + by_segment["regular"].numerator
    )
    assert by_segment.total.value == Decimal("25.0000")


# --------------------------------------------------------------------------- errors


def test_breakdown_takes_the_indicator_functions_of_the_library_only() -> None:
    def my_rate(records: Any) -> Indicator:
        return rate("mine", 0, 0)

    with wrong_type("breakdown(indicator)", "renewal_rate"):
        breakdown(my_rate, book(), by="channel")
    with wrong_type("breakdown(indicator)", "not str"):
        breakdown(loose("renewal_rate"), book(), by="channel")


def test_breakdown_refuses_options_the_function_does_not_take() -> None:
    with invalid("breakdown", "months", "is not an option of renewal_rate"):
        breakdown(renewal_rate, book(), by="channel", months=13)


def test_breakdown_refuses_an_unknown_dimension() -> None:
    with invalid("breakdown", "by", "no dimension is named 'colour': use one of channel"):
        breakdown(renewal_rate, book(), by="colour")
    with wrong_type("breakdown(by)", "a dimension name or a Dimension, not int"):
        breakdown(renewal_rate, book(), by=loose(1))


NO_DUE_DAY = (
    "a ReminderRecord has no due day \\(due_on\\) to take the expiry month from, so the "
    "'expiry_month' dimension cannot be read from it; use one of channel, line, region, "
    "segment, product, or a Dimension of your own$"
)


def sent() -> list[ReminderRecord]:
    return [ReminderRecord(Channel.SMS, dt.date(2025, 3, 1), cny("1.00"))]


@pytest.mark.parametrize("by", ["expiry_month", EXPIRY_MONTH])
def test_breakdown_refuses_a_built_in_dimension_the_records_lack(by: str | Dimension) -> None:
    with invalid("breakdown", "by", NO_DUE_DAY):
        breakdown(contact_rate, sent(), by=by)
    # Refused before any record is read: an empty input is refused alike.
    with invalid("breakdown", "by", NO_DUE_DAY):
        breakdown(contact_rate, [], by=by)


def test_pivot_names_the_side_whose_dimension_the_records_lack() -> None:
    with invalid("pivot", "columns", NO_DUE_DAY):
        pivot(contact_rate, sent(), rows="channel", columns="expiry_month")
    with invalid("pivot", "rows", NO_DUE_DAY):
        pivot(contact_rate, sent(), rows=EXPIRY_MONTH, columns="channel")


def test_cohorts_refuse_an_indicator_of_records_without_a_due_day() -> None:
    with invalid("cohorts", "indicator", "a ReminderRecord has no due day"):
        cohorts(contact_rate, sent())
    responses = [ScoreRecord(9, dt.date(2025, 3, 1))]
    with invalid("cohorts", "indicator", "a ScoreRecord has no due day"):
        cohorts(nps, responses)


def test_a_filter_on_a_dimension_the_records_lack_is_refused_everywhere() -> None:
    month = {"expiry_month": MARCH}
    fragment = "a ReminderRecord has no due day .* filter by one of channel, line"
    with invalid("breakdown", r"filters\['expiry_month'\]", fragment):
        breakdown(contact_rate, sent(), by="channel", filters=month)
    with invalid("pivot", r"filters\['expiry_month'\]", fragment):
        pivot(contact_rate, sent(), rows="channel", columns="line", filters=month)
    with invalid("over_periods", r"filters\['expiry_month'\]", fragment):
        over_periods(contact_rate, sent(), [MARCH], filters=month)
    one_day = Period(MARCH.start, MARCH.start)
    with invalid("cohorts", r"filters\['expiry_month'\]", "2025-03-01..2025-03-01 is not a"):
        cohorts(renewal_rate, book(), filters={"expiry_month": one_day})


def test_a_dimension_of_your_own_that_reads_a_missing_attribute_is_refused() -> None:
    due_day = Dimension("due_day", lambda record: record.due_on.day)
    with invalid("breakdown", "by", "Dimension 'due_day' cannot be read from a ReminderRecord"):
        breakdown(contact_rate, sent(), by=due_day)
    with invalid("pivot", "columns", "Dimension 'due_day' cannot be read from a ReminderRecord"):
        pivot(contact_rate, sent(), rows="channel", columns=due_day)
    # A dimension of your own named like a built-in one reads what it reads.
    own_month = Dimension("expiry_month", lambda record: record.sent_on.month)
    assert list(breakdown(contact_rate, sent(), by=own_month)) == [3]


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        (lambda record: [record.channel], "list"),
        (lambda record: {record.channel}, "set"),
        (lambda record: {"channel": record.channel}, "dict"),
    ],
)
def test_a_dimension_of_your_own_with_an_unhashable_key_is_refused(
    key: Callable[[Any], Any], kind: str
) -> None:
    weird = Dimension("x", key)
    expected = f"Dimension 'x' gave an unhashable key \\({kind}\\); a key must be hashable"
    with invalid("breakdown", "by", expected):
        breakdown(renewal_rate, book(), by=weird)
    with invalid("pivot", "rows", expected):
        pivot(renewal_rate, book(), rows=weird, columns="line")
    with invalid("pivot", "columns", expected):
        pivot(renewal_rate, book(), rows="line", columns=weird)
    # No record, no key: nothing to refuse.
    assert len(breakdown(renewal_rate, [], by=weird)) == 0


def test_an_unhashable_key_of_a_dimension_named_oddly_does_not_echo_the_name() -> None:
    weird = Dimension("Zhang San", loose(lambda record: [record.channel]))
    with invalid("breakdown", "by", "Dimension a string of 9 characters gave an unhashable key"):
        breakdown(renewal_rate, book(), by=weird)


def test_breakdown_checks_records_period_and_filters() -> None:
    with wrong_type("breakdown(records)", "int"):
        breakdown(renewal_rate, loose(7), by="channel")
    with wrong_type("breakdown(period)", "date"):
        breakdown(renewal_rate, book(), by="channel", period=loose(dt.date(2025, 3, 1)))
    with invalid("breakdown", "filters", "no dimension is named 'colour'"):
        breakdown(renewal_rate, book(), by="channel", filters={"colour": "red"})
    with wrong_type("renewal_rate(records)", "DueRecord records, not ScoreRecord"):
        breakdown(renewal_rate, [ScoreRecord(1, dt.date(2025, 3, 1))], by="channel")


# --------------------------------------------------------------------------- dimensions


def test_the_built_in_dimensions() -> None:
    assert list(DIMENSIONS) == ["channel", "line", "region", "segment", "product", "expiry_month"]
    record = due(AGENT, AUTO, True, day=dt.date(2024, 2, 29), region="310000")
    assert DIMENSIONS["channel"].key(record) is AGENT
    assert DIMENSIONS["line"].key(record) is AUTO
    assert DIMENSIONS["region"].key(record) == "310000"
    assert DIMENSIONS["segment"].key(record) is None
    assert DIMENSIONS["product"].key(record) is None
    assert EXPIRY_MONTH.key(record) == Period.month(2024, 2)
    assert resolve(CHANNEL, parameter="test(by)") is CHANNEL
    with pytest.raises(TypeError):
        DIMENSIONS["x"] = CHANNEL  # type: ignore[index]


def test_a_dimension_checks_its_fields() -> None:
    with invalid("Dimension", "name", "must not be empty"):
        Dimension("", str)
    with invalid("Dimension", "key", "must be callable, not str"):
        Dimension("region", loose("region"))


def test_an_unknown_dimension_name_is_not_echoed_when_it_may_be_personal() -> None:
    with invalid("test", "by", "no dimension is named a string of 11 characters"):
        resolve("13812345678", parameter="test(by)")


# --------------------------------------------------------------------------- pivot


def test_a_pivot_by_hand() -> None:
    table = pivot(renewal_rate, book(), rows="channel", columns="line", period=MARCH)
    assert isinstance(table, Pivot)
    assert list(table.rows) == [ONLINE, AGENT, PHONE]
    assert list(table.columns) == [AUTO, HEALTH]
    assert list(table) == [
        (ONLINE, AUTO),
        (ONLINE, HEALTH),
        (AGENT, AUTO),
        (AGENT, HEALTH),
        (PHONE, AUTO),
        (PHONE, HEALTH),
    ]
    assert len(table) == 6
    assert (table[AGENT, AUTO].numerator, table[AGENT, AUTO].denominator) == (2, 3)
    assert table[AGENT, AUTO].value == Decimal("66.6667")
    assert dict(table[AGENT, AUTO].filters) == {"channel": AGENT, "line": AUTO}
    assert table[ONLINE, HEALTH].no_data  # the only online health policy is not eligible
    assert table[PHONE, AUTO].no_data
    assert (table.rows[AGENT].numerator, table.rows[AGENT].denominator) == (3, 4)
    assert (table.columns[HEALTH].numerator, table.columns[HEALTH].denominator) == (1, 2)
    assert table.total == renewal_rate(book(), period=MARCH)
    assert table.rows.dimension == "channel"
    assert table.columns.dimension == "line"


def test_a_row_and_a_column_of_a_pivot() -> None:
    table = pivot(renewal_rate, book(), rows="channel", columns="line", period=MARCH)
    agents = table.row(AGENT)
    assert agents.dimension == "line"
    assert list(agents) == [AUTO, HEALTH]
    assert agents.total == table.rows[AGENT]
    health = table.column(HEALTH)
    assert health.dimension == "channel"
    assert list(health) == [ONLINE, AGENT, PHONE]
    assert health[PHONE].value == Decimal("0.0000")
    with pytest.raises(KeyError):
        table.row(Channel.BROKER)
    with pytest.raises(KeyError):
        table.column(LineOfBusiness.LIFE)


def test_a_pivot_by_dimensions_of_your_own() -> None:
    table = pivot(renewal_rate, book(), rows=EXPIRY_MONTH, columns="channel")
    assert list(table.rows) == [MARCH, APRIL]
    assert table[APRIL, PHONE].value == Decimal("100.0000")
    assert table[APRIL, AGENT].no_data
    assert dict(table[APRIL, PHONE].filters) == {"expiry_month": APRIL, "channel": PHONE}


def test_a_pivot_needs_two_dimensions() -> None:
    with invalid("pivot", "columns", "is 'channel' as rows is"):
        pivot(renewal_rate, book(), rows="channel", columns=CHANNEL)
    with invalid("pivot", "rows", "no dimension is named 'team'"):
        pivot(renewal_rate, book(), rows="team", columns=CHANNEL)


# --------------------------------------------------------------------------- cohorts and periods


def test_cohorts_by_expiry_month() -> None:
    months = cohorts(renewal_rate, book())
    assert months.dimension == "expiry_month"
    assert list(months) == [MARCH, APRIL]
    assert months[APRIL].value == Decimal("100.0000")
    assert dict(months[MARCH].filters) == {"expiry_month": MARCH}


def test_over_periods_by_hand() -> None:
    february = Period.month(2025, 2)
    series = over_periods(renewal_rate, book(), [APRIL, february, MARCH])
    assert series.dimension == "period"
    assert list(series) == [february, MARCH, APRIL]
    assert series[february].no_data
    assert series[february].period == february
    assert (series[MARCH].numerator, series[MARCH].denominator) == (4, 7)
    assert series[MARCH].period == MARCH
    assert dict(series[MARCH].filters) == {}
    assert (series.total.numerator, series.total.denominator) == (5, 8)
    assert series.total.period is None


def test_over_periods_leaves_out_records_outside_every_period() -> None:
    half = Period(pendulum.date(2025, 3, 1), pendulum.date(2025, 3, 14))
    series = over_periods(renewal_rate, book(), (half,), filters={"channel": AGENT})
    assert series[half].no_data
    assert series.total.no_data
    assert dict(series.total.filters) == {"channel": AGENT}


def test_over_periods_reads_a_generator_once() -> None:
    reads = 0

    def stream() -> Iterator[DueRecord]:
        nonlocal reads
        for record in book():
            reads += 1
            yield record

    series = over_periods(retention_rate, stream(), [MARCH, APRIL])
    assert reads == len(book())
    assert series[MARCH] == retention_rate(book(), period=MARCH)
    assert series[APRIL] == retention_rate(book(), period=APRIL)


def test_over_periods_checks_its_periods() -> None:
    with invalid("over_periods", "periods", "is empty"):
        over_periods(renewal_rate, book(), [])
    with invalid("over_periods", "periods", "2025-03 and 2025-03-31..2025-04-30 overlap"):
        over_periods(
            renewal_rate,
            book(),
            [MARCH, Period(pendulum.date(2025, 3, 31), pendulum.date(2025, 4, 30))],
        )
    with wrong_type("over_periods(periods)", "a list or a tuple of Period, not Period"):
        over_periods(renewal_rate, book(), loose(MARCH))
    with wrong_type("over_periods(periods[1])", "a Period, not str"):
        over_periods(renewal_rate, book(), loose([MARCH, "2025-04"]))


# --------------------------------------------------------------------------- compare


def test_compare_two_indicators() -> None:
    now = renewal_rate(book(), period=MARCH)  # 57.1429
    before = rate("renewal_rate", 3, 4, period=Period.month(2025, 2))  # 75
    moved = compare(now, before)
    assert isinstance(moved, Comparison)
    assert moved.name == "renewal_rate"
    assert moved.change == Decimal("-17.8571")
    # -17.8571 / 75 * 100 = -23.809466...
    assert moved.relative == Decimal("-23.8095")
    assert (moved.current.numerator, moved.previous.numerator) == (4, 3)


def test_a_comparison_without_both_values_has_no_change() -> None:
    now = rate("renewal_rate", 1, 2)
    assert compare(now, rate("renewal_rate", 0, 0)).change is None
    assert compare(now, rate("renewal_rate", 0, 0)).relative is None
    assert compare(rate("renewal_rate", 0, 0), now).change is None
    from_zero = compare(now, rate("renewal_rate", 0, 5))
    assert from_zero.change == Decimal("50.0000")
    assert from_zero.relative is None


def test_a_negative_previous_value_gives_a_relative_change_of_its_size() -> None:
    before = nps([0, 0, 9])  # -33.3333
    now = nps([0, 9, 9])  # +33.3333
    moved = compare(now, before)
    assert moved.change == Decimal("66.6666")
    assert moved.relative == Decimal("200.0000")


def test_compare_refuses_two_different_indicators() -> None:
    now = renewal_rate(book())
    with invalid("Comparison", "previous", "has name 'retention_rate' where current has"):
        compare(now, retention_rate(book()))
    with invalid("Comparison", "previous", "has unit Unit.SCORE"):
        compare(now, attrs.evolve(now, unit=Unit.SCORE))
    with invalid("Comparison", "previous", "has currency 'USD' where current has 'CNY'"):
        premium = premium_renewal_rate(book())
        compare(premium, attrs.evolve(premium, currency="USD"))
    # A side with no data has no currency: it compares.
    assert compare(premium_renewal_rate(book()), premium_renewal_rate([])).change is None
    with invalid("Comparison", "previous", "must be an Indicator, not int"):
        Comparison(now, loose(1))
    with wrong_type("compare(current, previous)", "Indicator and Breakdown"):
        compare(loose(now), loose(breakdown(renewal_rate, book(), by="channel")))


def test_compare_two_breakdowns() -> None:
    now = breakdown(renewal_rate, book(), by="channel", period=MARCH)
    before = breakdown(renewal_rate, book(), by="channel", period=APRIL)
    moved = compare(now, before)
    assert isinstance(moved, BreakdownComparison)
    assert moved.dimension == "channel"
    assert list(moved) == [ONLINE, AGENT, PHONE]
    assert len(moved) == 3
    # Online and agents had nothing due in April: compared with no data.
    assert moved[AGENT].change is None
    assert moved[AGENT].previous.no_data
    assert moved[AGENT].previous.period == APRIL
    assert dict(moved[AGENT].previous.filters) == {"channel": AGENT}
    assert moved[PHONE].change == Decimal("-100.0000")
    assert moved.total.change == Decimal("-42.8571")
    back = compare(before, now)
    assert back[ONLINE].current.no_data
    assert back[ONLINE].current.period == APRIL
    assert back[ONLINE].previous.value == Decimal("50.0000")


def test_compare_refuses_breakdowns_by_different_dimensions() -> None:
    with invalid("compare", "previous", "is by 'line' where current is by 'channel'"):
        compare(
            breakdown(renewal_rate, book(), by="channel"),
            breakdown(renewal_rate, book(), by="line"),
        )


# --------------------------------------------------------------------------- properties


@st.composite
def due_records(draw: st.DrawFn) -> DueRecord:
    eligible = draw(st.booleans())
    renewed = eligible and draw(st.booleans())
    return due(
        draw(st.sampled_from([AGENT, ONLINE, PHONE])),
        draw(st.sampled_from([AUTO, HEALTH, LineOfBusiness.LIFE])),
        renewed,
        day=draw(st.dates(dt.date(2025, 2, 1), dt.date(2025, 4, 30))),
        premium=str(Decimal(draw(st.integers(0, 10**7))).scaleb(-2)),
        renewal=str(Decimal(draw(st.integers(0, 10**7))).scaleb(-2)),
        eligible=eligible,
        region=draw(st.sampled_from([None, "110000", "310000"])),
    )


books = st.lists(due_records(), max_size=40)
dimensions = st.sampled_from(["channel", "line", "region", "expiry_month"])
indicators: list[Callable[..., Indicator]] = [
    renewal_rate,
    retention_rate,
    lapse_rate,
    premium_renewal_rate,
    average_premium_change,
]


@given(books, dimensions, st.sampled_from(indicators))
def test_the_parts_of_a_breakdown_add_up_to_the_total(
    records: list[DueRecord], by: str, indicator: Callable[..., Indicator]
) -> None:
    split = breakdown(indicator, records, by=by)
    assert split.total == indicator(records)
    numerators = sum((part.numerator for part in split.values()), Decimal(0))
    denominators = sum((part.denominator for part in split.values()), Decimal(0))
    assert numerators == split.total.numerator
    assert denominators == split.total.denominator
    for key, part in split.items():
        assert part == indicator(records, filters={by: key})


@given(books, dimensions)
def test_a_breakdown_counts_each_record_in_its_own_group(
    records: list[DueRecord], by: str
) -> None:
    split = breakdown(retention_rate, records, by=by)
    expected = Counter(DIMENSIONS[by].key(record) for record in records)
    assert {key: part.denominator for key, part in split.items()} == dict(expected)
    for part in split.values():
        assert part.value is not None
        assert Decimal(0) <= part.value <= Decimal(100)


@given(books, st.sampled_from(indicators))
def test_the_cells_of_a_pivot_add_up_to_its_rows_columns_and_total(
    records: list[DueRecord], indicator: Callable[..., Indicator]
) -> None:
    table = pivot(indicator, records, rows="channel", columns="line")
    for row in table.rows:
        cells = [table[row, column] for column in table.columns]
        assert sum(cell.numerator for cell in cells) == table.rows[row].numerator
        assert sum(cell.denominator for cell in cells) == table.rows[row].denominator
    for column in table.columns:
        cells = [table[row, column] for row in table.rows]
        assert sum(cell.denominator for cell in cells) == table.columns[column].denominator
    assert table.total == indicator(records)
    for (row, column), cell in table.items():
        assert cell == indicator(records, filters={"channel": row, "line": column})


@given(books, st.randoms(use_true_random=False))
def test_the_order_of_the_records_never_changes_a_breakdown(
    records: list[DueRecord], rng: random.Random
) -> None:
    shuffled = list(records)
    rng.shuffle(shuffled)
    for indicator in indicators:
        first = breakdown(indicator, records, by="channel")
        second = breakdown(indicator, shuffled, by="channel")
        assert first == second
        assert list(first) == list(second)
        assert pivot(indicator, records, rows="line", columns="region") == pivot(
            indicator, shuffled, rows="line", columns="region"
        )


@given(books)
def test_over_periods_is_each_period_on_its_own(records: list[DueRecord]) -> None:
    months = [Period.month(2025, month) for month in (2, 3, 4)]
    series = over_periods(premium_renewal_rate, records, months)
    for month in months:
        assert series[month] == premium_renewal_rate(records, period=month)
    assert series.total == premium_renewal_rate(records)


@given(books, books)
def test_a_comparison_is_the_difference_of_the_values(
    now: list[DueRecord], before: list[DueRecord]
) -> None:
    current, previous = renewal_rate(now), renewal_rate(before)
    moved = compare(current, previous)
    if current.value is None or previous.value is None:
        assert moved.change is None
    else:
        assert moved.change == current.value - previous.value
        assert previous.value + moved.change == current.value
