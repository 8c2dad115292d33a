"""Tests for renewal_core.kpi.reports.

Tables are compared with the text written out by hand; the Wilson bounds shown were
worked out with the formula in the comments. Properties check that every figure of
the input appears in the output, as the indicator holds it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import invalid, loose, wrong_type
from renewal_core.kpi.indicator import Indicator, IntervalMethod, Period, Unit, rate
from renewal_core.kpi.reports import (
    NO_DATA,
    ReportStyle,
    Series,
    SeriesPoint,
    render_pivot,
    render_table,
    series,
)
from renewal_core.model import Channel

JAN, FEB, MAR = (Period.month(2025, month) for month in (1, 2, 3))


class Region(enum.Enum):
    EAST = "华东"


# Wilson, z = 1.959964: for 45 of 60, p = 0.75, centre = (p + z^2/120) / (1 + z^2/60)
# = 0.782014 / 1.064024 = 0.734958, half = z * sqrt(p(1-p)/60 + z^2/14400) / 1.064024
# = 0.107279: [62.7679, 84.2235].
RETENTION = rate("retention", 45, 60, period=MAR)


def test_a_table_in_text_by_hand() -> None:
    rows = [
        RETENTION,
        rate("retention", 0, 0, period=MAR, filters={"channel": Channel.AGENT}),
    ]
    assert render_table(rows) == (
        "Indicator  Filters        Period      Value  95% interval        Numerator  Denominator\n"
        "---------  -------------  -------  --------  ------------------  ---------  -----------\n"
        "retention  all            2025-03  75.0000%  [62.7679, 84.2235]         45           60\n"
        "retention  channel=agent  2025-03   no data  -                           0            0"
    )


def test_a_table_in_markdown_by_hand() -> None:
    assert render_table([RETENTION], style=ReportStyle.MARKDOWN) == (
        "| Indicator | Filters | Period  |    Value | 95% interval       "
        "| Numerator | Denominator |\n"
        "| --------- | ------- | ------- | -------: | ------------------ "
        "| --------: | ----------: |\n"
        "| retention | all     | 2025-03 | 75.0000% | [62.7679, 84.2235] "
        "|        45 |          60 |"
    )


def test_an_empty_table_has_its_header() -> None:
    assert render_table([], style=ReportStyle.MARKDOWN) == (
        "| Indicator | Filters | Period | Value | 95% interval | Numerator | Denominator |\n"
        "| --------- | ------- | ------ | ----: | ------------ | --------: | ----------: |"
    )


def test_units_currencies_and_missing_intervals() -> None:
    premium = Indicator(
        "premium_renewal_rate",
        Decimal("91.2500"),
        Decimal("3650.00"),
        Decimal("4000.00"),
        unit=Unit.PERCENT,
        currency="CNY",
    )
    cost = Indicator(
        "cost_per_renewal",
        Decimal("12.5000"),
        Decimal("250.00"),
        20,
        unit=Unit.MONEY,
        currency="CNY",
    )
    days = Indicator("days_to_renewal", Decimal("6.5000"), 13, 2, unit=Unit.DAYS)
    nps = Indicator(
        "nps",
        Decimal("20.0000"),
        2,
        10,
        unit=Unit.SCORE,
        method=IntervalMethod.NPS,
        details={"promoters": 4, "passives": 4, "detractors": 2},
    )
    text = render_table([premium, cost, days, nps])
    lines = text.splitlines()
    assert lines[2].split("  ")[0] == "premium_renewal_rate"
    assert "91.2500%  -" in lines[2]
    assert lines[2].endswith("3650.00 CNY  4000.00 CNY")
    assert "12.5000 CNY  -" in lines[3]
    assert lines[3].endswith("250.00 CNY           20")
    assert "6.5000 days  -" in lines[4]
    # NPS 20 of 10 answers (4 promoters, 2 detractors), adjusted Wald: p = 4.75 / 13 =
    # 0.365385, d = 2.75 / 13 = 0.211538, p - d = 0.153846; half = 1.959964 * sqrt((0.576923
    # - 0.023669) / 13) = 1.959964 * 0.206296 = 0.404333: [-25.0487, 55.8179].
    assert "20.0000  [-25.0487, 55.8179]" in lines[5]


def test_filters_are_labelled_plainly() -> None:
    indicator = rate(
        "renewal_rate",
        1,
        2,
        filters={
            "region": Region.EAST,
            "month": FEB,
            "day": pendulum.date(2025, 2, 3),
            "since": dt.date(2024, 12, 31),
            "pair": (Channel.AGENT, "auto"),
            "segment": None,
            "odd": "a\nb",
        },
    )
    row = render_table([indicator]).splitlines()[2]
    assert (
        "region=华东, month=2025-02, day=2025-02-03, since=2024-12-31, pair=agent / auto, "
        "segment=(none), odd=a b" in row
    )


def test_wide_characters_are_aligned_by_their_width() -> None:
    pivot = {"华东": {"auto": rate("r", 1, 2)}, "north": {"auto": rate("r", 1, 4)}}
    # 华东 takes four columns, as "north" takes five.
    assert render_pivot(pivot, counts=False) == (
        "           auto\n-----  --------\n华东   50.0000%\nnorth  25.0000%"
    )
    assert render_pivot({"e\u0301": {"a": rate("r", 1, 1)}}, counts=False).splitlines()[2] == (
        "e\u0301  100.0000%"
    )


def test_markdown_cells_are_escaped() -> None:
    indicator = rate("renewal_rate", 1, 2, filters={"plan": "A|B", "path": "x\\y"})
    row = render_table([indicator], style=ReportStyle.MARKDOWN).splitlines()[2]
    assert "plan=A\\|B, path=x\\\\y" in row


def test_markdown_emphasis_and_code_render_literally() -> None:
    indicator = rate("renewal_rate", 1, 2, filters={"segment": "*vip*", "code": "`x`~y~"})
    row = render_table([indicator], style=ReportStyle.MARKDOWN).splitlines()[2]
    assert row.startswith("| renewal\\_rate | segment=\\*vip\\*, code=\\`x\\`\\~y\\~ |")
    pivot = {"*vip*": {"__auto__": rate("r", 1, 2)}}
    # Widths count the escapes: \*vip\* takes 7 columns, \_\_auto\_\_ 12.
    table = render_pivot(pivot, style=ReportStyle.MARKDOWN, counts=False, corner="a_b")
    assert table.splitlines() == [
        "| a\\_b    | \\_\\_auto\\_\\_ |",
        "| ------- | -----------: |",
        "| \\*vip\\* |     50.0000% |",
    ]
    # Plain text shows the text as it is.
    assert render_pivot(pivot, counts=False).splitlines()[2] == "*vip*  50.0000%"


def unescape(cell: str) -> str:
    """A reference: drop the backslash before each escaped character."""
    return re.sub(r"\\(.)", r"\1", cell)


# Printable text: table cells show other characters as spaces.
cell_texts = st.text(
    alphabet=st.characters(categories=["L", "N", "P", "S"]) | st.just(" "), max_size=20
)


@given(cell_texts)
def test_a_markdown_cell_reads_back_as_its_text_with_no_bare_markup(text: str) -> None:
    pivot = {"row": {"column": rate("r", 1, 2)}}
    table = render_pivot(pivot, style=ReportStyle.MARKDOWN, corner=text)
    cell = table.splitlines()[0].removeprefix("| ").split(" | ")[0]
    assert unescape(cell).rstrip() == text.rstrip()
    # Every markup character is preceded by a backslash of its own.
    bare = re.sub(r"\\.", "", cell)
    assert not set(bare) & set("\\|*_~`")


@pytest.mark.parametrize(
    ("confidence", "header"), [("0.9", "90% interval"), (Decimal("0.975"), "97.5% interval")]
)
def test_the_interval_header_names_the_confidence(confidence: Decimal | str, header: str) -> None:
    text = render_table([RETENTION], confidence=confidence)
    assert header in text.splitlines()[0]
    low, high = RETENTION.interval(confidence) or (None, None)
    assert f"[{low}, {high}]" in text


def test_table_arguments_are_checked() -> None:
    with invalid("Indicator", r"interval\(confidence\)", "between 0 and 1"):
        render_table([], confidence="1")
    with wrong_type("render_table(style)", "a ReportStyle"):
        render_table([], style=loose("markdown"))
    with invalid("render_table", r"indicators\[1\]", "must be an Indicator, not float"):
        render_table([RETENTION, loose(0.75)])


# --------------------------------------------------------------------------- pivots

PIVOT = {
    Channel.AGENT: {"auto": rate("renewal_rate", 300, 400), "health": rate("renewal_rate", 9, 10)},
    Channel.ONLINE: {"health": rate("renewal_rate", 40, 50), "auto": rate("renewal_rate", 0, 0)},
    Channel.DEALER: {},
}


def test_a_pivot_in_text_by_hand() -> None:
    # Columns in order of first appearance (auto, health); online has no auto data and
    # dealer no cells at all.
    assert render_pivot(PIVOT, corner="channel / line") == (
        "channel / line                auto            health\n"
        "--------------  ------------------  ----------------\n"
        "agent           75.0000% (300/400)   90.0000% (9/10)\n"
        "online                     no data  80.0000% (40/50)\n"
        "dealer                     no data           no data"
    )


def test_a_pivot_in_markdown_by_hand() -> None:
    assert render_pivot(PIVOT, style=ReportStyle.MARKDOWN, counts=False) == (
        "|        |     auto |   health |\n"
        "| ------ | -------: | -------: |\n"
        "| agent  | 75.0000% | 90.0000% |\n"
        "| online |  no data | 80.0000% |\n"
        "| dealer |  no data |  no data |"
    )


def test_a_flat_pivot_of_pairs_renders_alike() -> None:
    flat = {(row, column): cell for row, cells in PIVOT.items() for column, cell in cells.items()}
    # The dealer row has no cells, so the flat form has no dealer row at all.
    nested = {row: cells for row, cells in PIVOT.items() if cells}
    for style in ReportStyle:
        assert render_pivot(flat, style=style) == render_pivot(nested, style=style)


def test_a_cell_is_given_once() -> None:
    with invalid("render_pivot", r"pivot\['agent'\]\['auto'\]", "is given twice"):
        render_pivot(loose({"agent": {"auto": RETENTION}, ("agent", "auto"): RETENTION}))


def test_a_flat_key_is_a_pair() -> None:
    with invalid("render_pivot", r"pivot\['agent'\]", r"must be a \(row, column\) pair"):
        render_pivot(loose({"agent": RETENTION}))
    with invalid("render_pivot", r"pivot\['a / b / c'\]", "pair"):
        render_pivot(loose({("a", "b", "c"): RETENTION}))


def test_an_empty_pivot_is_its_corner() -> None:
    assert render_pivot({}, corner="channel") == "channel\n-------"


def test_pivot_arguments_are_checked() -> None:
    with invalid("render_pivot", r"pivot\['agent'\]", "must be a mapping of columns"):
        render_pivot({"agent": loose([RETENTION])})
    with invalid("render_pivot", r"pivot\['agent'\]\['auto'\]", "must be an Indicator"):
        render_pivot({"agent": {"auto": loose("75%")}})
    with wrong_type("render_pivot(pivot)", "a mapping of rows"):
        render_pivot(loose([RETENTION]))
    with wrong_type("render_pivot(style)", "a ReportStyle"):
        render_pivot({}, style=loose("text"))
    with wrong_type("render_pivot(counts)", "True or False"):
        render_pivot({}, counts=loose(1))
    with wrong_type("render_pivot(corner)", "a str"):
        render_pivot({}, corner=loose(None))


# --------------------------------------------------------------------------- series


def test_a_series_is_sorted_by_period_with_gaps_for_no_data() -> None:
    chart = series(
        [
            rate("renewal_rate", 86, 100, period=MAR),
            rate("renewal_rate", 0, 0, period=JAN),
            rate("renewal_rate", 91, 100, period=FEB),
        ]
    )
    assert (chart.name, chart.unit) == ("renewal_rate", Unit.PERCENT)
    assert chart.labels == ("2025-01", "2025-02", "2025-03")
    assert chart.values == (None, Decimal("91.0000"), Decimal("86.0000"))
    # Wilson for 86 of 100: centre = (0.86 + 0.019207) / 1.038415 = 0.846682, half =
    # 1.959964 * sqrt(0.001204 + 0.000096) / 1.038415 = 0.068054: [77.8628, 91.4737].
    assert chart.lows[0] is None and chart.highs[0] is None
    assert (chart.lows[2], chart.highs[2]) == (Decimal("77.8628"), Decimal("91.4737"))
    # 91 of 100: centre = (0.91 + 0.019207) / 1.038415 = 0.894832, half = 1.959964 *
    # sqrt(0.000819 + 0.000096) / 1.038415 = 0.057095: [83.7738, 95.1927].
    bounds = (Decimal("83.7738"), Decimal("95.1927"))
    assert chart.points[1] == SeriesPoint(FEB, Decimal("91.0000"), *bounds)


def test_a_series_of_a_figure_without_interval_has_no_bounds() -> None:
    days = [
        Indicator("days_to_renewal", Decimal("6.5000"), 13, 2, unit=Unit.DAYS, period=FEB),
        Indicator("days_to_renewal", Decimal("5.0000"), 10, 2, unit=Unit.DAYS, period=MAR),
    ]
    chart = series(days)
    assert chart.values == (Decimal("6.5000"), Decimal("5.0000"))
    assert chart.lows == (None, None) and chart.highs == (None, None)


def test_a_series_may_hold_periods_other_than_months() -> None:
    first = Period(pendulum.date(2025, 1, 1), pendulum.date(2025, 3, 31))
    second = Period(pendulum.date(2025, 4, 1), pendulum.date(2025, 6, 30))
    chart = series([rate("r", 1, 2, period=second), rate("r", 1, 2, period=first)])
    assert chart.labels == ("2025-01-01..2025-03-31", "2025-04-01..2025-06-30")


@pytest.mark.parametrize(
    ("periods", "shown"),
    [
        (
            (MAR, Period(MAR.start, pendulum.date(2025, 6, 30))),
            "2025-03 and 2025-03-01..2025-06-30",
        ),
        ((Period(JAN.start, MAR.end), FEB), "2025-01-01..2025-03-31 and 2025-02"),
        ((FEB, Period(FEB.end, MAR.end)), "2025-02 and 2025-02-28..2025-03-31"),
    ],
)
def test_a_series_refuses_overlapping_periods(periods: tuple[Period, Period], shown: str) -> None:
    # A month and the quarter holding it would draw the same records twice.
    indicators = [rate("renewal_rate", 1, 2, period=period) for period in periods]
    with invalid("series", "indicators", f"hold periods {shown}, which overlap"):
        series(indicators)
    with invalid("series", "indicators", f"hold periods {shown}, which overlap"):
        series(reversed(indicators))


@pytest.mark.parametrize(
    ("indicators", "field", "fragment"),
    [
        ([], "indicators", "is empty"),
        ([rate("r", 1, 2)], r"indicators\[0\]", "has no period"),
        (
            [rate("r", 1, 2, period=JAN), rate("q", 1, 2, period=FEB)],
            r"indicators\[1\]",
            "one indicator",
        ),
        (
            [
                rate("r", 1, 2, period=JAN),
                Indicator("r", Decimal(1), 1, 1, unit=Unit.DAYS, period=FEB),
            ],
            r"indicators\[1\]",
            "is 'r' in days, where the first is 'r' in percent",
        ),
        (
            [rate("r", 1, 2, period=JAN), rate("r", 1, 3, period=JAN)],
            "indicators",
            "hold two indicators for 2025-01",
        ),
        ([loose("r")], r"indicators\[0\]", "must be an Indicator"),
    ],
)
def test_series_arguments_are_checked(
    indicators: list[Indicator], field: str, fragment: str
) -> None:
    with invalid("series", field, fragment):
        series(indicators)


def test_series_checks_the_confidence_first() -> None:
    with invalid("Indicator", r"interval\(confidence\)", "between 0 and 1"):
        series([], confidence="0")


def test_series_values_check_their_fields() -> None:
    point = SeriesPoint(JAN, Decimal(1), None, None)
    later = SeriesPoint(FEB, None, None, None)
    with invalid("Series", r"points\[1\]", "period 2025-01 does not start after 2025-02 ends"):
        Series("r", Unit.PERCENT, [later, point])
    with invalid("Series", r"points\[1\]", "does not start after"):
        Series("r", Unit.PERCENT, [point, point])
    quarter = SeriesPoint(Period(JAN.start, MAR.end), None, None, None)
    with invalid("Series", r"points\[1\]", "2025-01-01..2025-03-31 does not start after 2025-01"):
        Series("r", Unit.PERCENT, [point, quarter])
    with invalid("Series", "points", "must be a list or a tuple, not set"):
        Series("r", Unit.PERCENT, loose({point}))
    with invalid("Series", r"points\[0\]", "must be a SeriesPoint"):
        Series("r", Unit.PERCENT, [loose(JAN)])
    with invalid("SeriesPoint", "value", "must be a Decimal, not float"):
        SeriesPoint(JAN, loose(1.0), None, None)
    assert Series("r", Unit.PERCENT, (point, later)).labels == ("2025-01", "2025-02")


# --------------------------------------------------------------------------- properties

counts_of = st.integers(0, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(st.lists(counts_of, max_size=6), st.sampled_from(list(ReportStyle)))
def test_every_figure_of_a_table_appears(
    counts: list[tuple[int, int]], style: ReportStyle
) -> None:
    indicators = [rate(f"rate_{i}", x, n, period=JAN) for i, (x, n) in enumerate(counts)]
    lines = render_table(indicators, style=style).splitlines()
    assert len(lines) == 2 + len(indicators)
    for line, indicator in zip(lines[2:], indicators, strict=True):
        cells = [
            cell.strip()
            for cell in line.strip("| ").split(" | " if style is ReportStyle.MARKDOWN else "  ")
            if cell.strip()
        ]
        name = (
            indicator.name.replace("_", "\\_")
            if style is ReportStyle.MARKDOWN
            else (indicator.name)
        )
        assert cells[0] == name
        assert cells[-2:] == [str(indicator.numerator), str(indicator.denominator)]
        if indicator.value is None:
            assert NO_DATA in cells
        else:
            assert f"{indicator.value}%" in cells
            low, high = indicator.interval() or (None, None)
            assert f"[{low}, {high}]" in cells


@given(
    st.dictionaries(
        st.sampled_from(list(Channel)),
        st.dictionaries(st.sampled_from(["auto", "health", "life", "property"]), counts_of),
        max_size=4,
    ),
    st.sampled_from(list(ReportStyle)),
)
def test_every_cell_of_a_pivot_appears_in_its_row(
    cells: dict[Channel, dict[str, tuple[int, int]]], style: ReportStyle
) -> None:
    pivot = {
        row: {column: rate("renewal_rate", *count) for column, count in columns.items()}
        for row, columns in cells.items()
    }
    lines = render_pivot(pivot, style=style).splitlines()
    assert len(lines) == 2 + len(pivot)
    header = lines[0]
    columns = list(dict.fromkeys(column for columns in cells.values() for column in columns))
    positions = [header.index(column) for column in columns]
    assert positions == sorted(positions)  # columns in order of first appearance
    for line, (row, indicators) in zip(lines[2:], pivot.items(), strict=True):
        label = row.value.replace("_", "\\_") if style is ReportStyle.MARKDOWN else row.value
        assert label in line
        for indicator in indicators.values():
            if indicator.value is None:
                assert NO_DATA in line
            else:
                assert (
                    f"{indicator.value}% ({indicator.numerator}/{indicator.denominator})" in line
                )
        missing = len(columns) - sum(1 for i in indicators.values() if i.value is not None)
        assert line.count(NO_DATA) == missing


@given(st.lists(counts_of, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_the_order_of_input_never_changes_a_series(
    counts: list[tuple[int, int]], random: Any
) -> None:
    indicators = [
        rate("renewal_rate", x, n, period=Period.month(2024 + i // 12, i % 12 + 1))
        for i, (x, n) in enumerate(counts)
    ]
    shuffled = list(indicators)
    random.shuffle(shuffled)
    chart = series(shuffled)
    assert chart == series(indicators)
    assert chart.values == tuple(indicator.value for indicator in indicators)
