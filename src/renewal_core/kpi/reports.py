"""Reports: indicator tables and pivots as plain text or Markdown, and series for charts.

A dashboard shows indicators in three shapes, each built here from
:class:`~renewal_core.kpi.indicator.Indicator` values and nothing else:

* :func:`render_table`: one indicator a row, with its name, filters, period, value,
  confidence interval, numerator and denominator;
* :func:`render_pivot`: one indicator a cell of a rows x columns table (renewal rate
  by channel x line of business), given as a mapping of rows to mappings of columns
  to indicators, the cell showing the value and its counts;
* :func:`series`: the points of one indicator over periods, sorted by period, with
  the value and the interval bounds of each: what a host needs to draw a line with
  a confidence band, with the charting library of its choice.

Both renderings come in the two :class:`ReportStyle` styles: aligned plain text
(for logs, e-mails and terminals; CJK characters count two columns wide) and
Markdown (GitHub-flavoured tables, for wikis and chat). Every figure appears as
the indicator holds it, never re-rounded: a percent is its ``value`` followed by
``%``, an amount is followed by its currency. An indicator with no data shows
``no data``, never a zero, and so does a pivot cell that is missing.

>>> from renewal_core.kpi.indicator import Period, rate
>>> march = Period.month(2025, 3)
>>> rows = [
...     rate("renewal_rate", 860, 1000, period=march),
...     rate("renewal_rate", 420, 500, period=march, filters={"channel": "agent"}),
...     rate("renewal_rate", 0, 0, period=march, filters={"channel": "dealer"}),
... ]
>>> print(render_table(rows))
Indicator     Filters         Period      Value  95% interval        Numerator  Denominator
------------  --------------  -------  --------  ------------------  ---------  -----------
renewal_rate  all             2025-03  86.0000%  [83.7113, 88.0131]        860         1000
renewal_rate  channel=agent   2025-03  84.0000%  [80.5292, 86.9524]        420          500
renewal_rate  channel=dealer  2025-03   no data  -                           0            0
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _instance_of,
    _member_of,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.kpi.indicator import Indicator, Period, Unit, _confidence

__all__ = [
    "NO_DATA",
    "ReportStyle",
    "Series",
    "SeriesPoint",
    "render_pivot",
    "render_table",
    "series",
]

NO_DATA: Final = "no data"
"""What a report shows in place of the value of an indicator without data."""

_NO_INTERVAL: Final = "-"
_GAP: Final = "  "


class ReportStyle(ShortReprEnum):
    """How :func:`render_table` and :func:`render_pivot` lay out their text."""

    TEXT = "text"
    """Plain text, columns aligned with spaces and the header underlined with dashes."""
    MARKDOWN = "markdown"
    """A GitHub-flavoured Markdown table, numbers aligned right.

    Every cell shows its text as written: what Markdown would read as table syntax,
    emphasis or code (``|``, ``*``, ``_``, ``~``, backticks, backslashes) is escaped
    with a backslash, so that the name ``renewal_rate`` is written
    ``renewal\\_rate`` in the table's source and shows as ``renewal_rate``."""


# --------------------------------------------------------------------------- labels


def _clean(text: str) -> str:
    """Put one space in place of every character that would break a table's line."""
    return "".join(char if char.isprintable() else " " for char in text)


def _label(key: object) -> str:
    """How a report names a segment, a filter value or a column.

    An enum member by its value (``agent``), a :class:`Period` by its label, a day in
    ISO form, a tuple by its parts joined with `` / `` and ``None`` as ``(none)``.
    """
    if key is None:
        return "(none)"
    if isinstance(key, enum.Enum):
        return _clean(str(key.value))
    if isinstance(key, Period):
        return key.label
    if isinstance(key, dt.date):
        return key.isoformat()
    if isinstance(key, tuple):
        return " / ".join(_label(part) for part in key)
    return _clean(str(key))


def _filters(indicator: Indicator) -> str:
    if not indicator.filters:
        return "all"
    return ", ".join(f"{name}={_label(value)}" for name, value in indicator.filters.items())


def _amount(amount: int | Decimal, currency: str | None) -> str:
    """An amount (a ``Decimal``) with its currency; a count (an ``int``) as it is."""
    return f"{amount} {currency}" if currency and isinstance(amount, Decimal) else str(amount)


def _figure(indicator: Indicator) -> str:
    """The value of ``indicator`` as reports show it, with its unit, or ``no data``."""
    value = indicator.value
    if value is None:
        return NO_DATA
    if indicator.unit is Unit.PERCENT:
        return f"{value}%"
    if indicator.unit is Unit.MONEY:
        return _amount(value, indicator.currency)
    if indicator.unit is Unit.DAYS:
        return f"{value} days"
    return str(value)


def _counts(indicator: Indicator) -> str:
    numerator = _amount(indicator.numerator, indicator.currency)
    denominator = _amount(indicator.denominator, indicator.currency)
    return f"{numerator}/{denominator}"


def _bounds(indicator: Indicator, confidence: Decimal | str) -> str:
    interval = indicator.interval(confidence)
    if interval is None:
        return _NO_INTERVAL
    low, high = interval
    return f"[{low}, {high}]"


# --------------------------------------------------------------------------- layout


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide CJK characters 2, combining marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return width


def _pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(width - _width(text), 0)
    return fill + text if right else text + fill


def _layout(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool], style: ReportStyle
) -> str:
    """Lay out a header and rows of cells; ``right`` says which columns align right."""
    if style is ReportStyle.MARKDOWN:
        header = [_escape(cell) for cell in header]
        rows = [[_escape(cell) for cell in row] for row in rows]
    # A Markdown rule needs three characters (two dashes and a colon) at least.
    least = 3 if style is ReportStyle.MARKDOWN else 1
    widths = [max(_width(cell), least) for cell in header]
    for row in rows:
        widths = [max(width, _width(cell)) for width, cell in zip(widths, row, strict=True)]
    if style is ReportStyle.MARKDOWN:
        rule = [
            "-" * (width - 1) + ":" if flush else "-" * width
            for width, flush in zip(widths, right, strict=True)
        ]
        return "\n".join(
            "| " + " | ".join(_cells(line, widths, right)) + " |" for line in [header, rule, *rows]
        )
    rule = ["-" * width for width in widths]
    return "\n".join(
        _GAP.join(_cells(line, widths, right)).rstrip() for line in [header, rule, *rows]
    )


def _cells(line: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> list[str]:
    return [
        _pad(cell, width, right=flush)
        for cell, width, flush in zip(line, widths, right, strict=True)
    ]


# What Markdown would read as table syntax (|), emphasis (* and _), strikethrough (~)
# or code (`) in a cell, and the backslash that escapes them.
_MARKDOWN_ESCAPES: Final = str.maketrans(
    {char: f"\\{char}" for char in ("\\", "|", "*", "_", "~", "`")}
)


def _escape(cell: str) -> str:
    """Escape what Markdown would read as table syntax, emphasis or code in a cell.

    A backslash goes before every backslash, ``|``, ``*``, ``_``, ``~`` and backtick,
    so that a segment ``*vip*`` shows as written, not in italics.
    """
    return cell.translate(_MARKDOWN_ESCAPES)


def _style(value: object, function: str) -> ReportStyle:
    if not isinstance(value, ReportStyle):
        _wrong_type(value, f"{function}(style)", "a ReportStyle (TEXT or MARKDOWN)")
    return value


def _indicator(value: object, owner: str, field: str) -> Indicator:
    if not isinstance(value, Indicator):
        raise InvalidField(owner, field, f"must be an Indicator, not {type(value).__name__}")
    return value


# --------------------------------------------------------------------------- tables


def render_table(
    indicators: Iterable[Indicator],
    *,
    style: ReportStyle = ReportStyle.TEXT,
    confidence: Decimal | str = "0.95",
) -> str:
    """Render indicators as a table, one a row, in the order given.

    The columns are the indicator's name, its filters (``all`` without any), its
    period's label (``-`` without one), its value with its unit (``no data`` for an
    indicator without data), its confidence interval (``-`` without one), its
    numerator and its denominator (amounts followed by the currency, counts
    alone).

    Args:
        indicators: the indicators, in the order of the rows.
        style: :attr:`ReportStyle.TEXT` (the default) or :attr:`ReportStyle.MARKDOWN`.
        confidence: the confidence level of the intervals, strictly between 0 and 1.

    Returns:
        The table, one line a row, without a final newline.

    Raises:
        InvalidField: an item is not an indicator, or ``confidence`` is not between 0
            and 1.
        ArgumentTypeError: ``style`` is not a :class:`ReportStyle`.

    >>> from renewal_core.kpi.indicator import rate
    >>> print(render_table([rate("retention", 45, 60)], style=ReportStyle.MARKDOWN))
    | Indicator | Filters | Period |    Value | 95% interval       | Numerator | Denominator |
    | --------- | ------- | ------ | -------: | ------------------ | --------: | ----------: |
    | retention | all     | -      | 75.0000% | [62.7679, 84.2235] |        45 |          60 |
    """
    layout = _style(style, "render_table")
    _confidence(confidence)
    level = (Decimal(confidence) * 100).normalize()
    header = [
        "Indicator",
        "Filters",
        "Period",
        "Value",
        f"{level:f}% interval",
        "Numerator",
        "Denominator",
    ]
    rows: list[list[str]] = []
    for index, item in enumerate(indicators):
        indicator = _indicator(item, "render_table", f"indicators[{index}]")
        period = indicator.period.label if indicator.period is not None else "-"
        rows.append(
            [
                indicator.name,
                _filters(indicator),
                period,
                _figure(indicator),
                _bounds(indicator, confidence),
                _amount(indicator.numerator, indicator.currency),
                _amount(indicator.denominator, indicator.currency),
            ]
        )
    right = [False, False, False, True, False, True, True]
    return _layout(header, rows, right, layout)


def _pivot_cells(pivot: object) -> dict[Hashable, dict[Hashable, Indicator]]:
    """The cells of a pivot by row and column, from either of its two shapes."""
    if not isinstance(pivot, Mapping):
        _wrong_type(pivot, "render_pivot(pivot)", "a mapping of rows to mappings of indicators")
    rows: dict[Hashable, dict[Hashable, Indicator]] = {}

    def put(row: Hashable, column: Hashable, cell: object) -> None:
        field = f"pivot[{_label(row)!r}][{_label(column)!r}]"
        indicator = _indicator(cell, "render_pivot", field)
        cells = rows.setdefault(row, {})
        if column in cells:
            raise InvalidField("render_pivot", field, "is given twice; give each cell once")
        cells[column] = indicator

    for key, value in pivot.items():
        if isinstance(value, Indicator):
            if not isinstance(key, tuple) or len(key) != 2:
                raise InvalidField(
                    "render_pivot",
                    f"pivot[{_label(key)!r}]",
                    "holds an indicator, so its key must be a (row, column) pair",
                )
            put(key[0], key[1], value)
        elif isinstance(value, Mapping):
            rows.setdefault(key, {})
            for column, cell in value.items():
                put(key, column, cell)
        else:
            raise InvalidField(
                "render_pivot",
                f"pivot[{_label(key)!r}]",
                f"must be a mapping of columns to indicators, not {_type_name(value)}",
            )
    return rows


def render_pivot(
    pivot: Mapping[Any, Mapping[Any, Indicator]] | Mapping[tuple[Any, Any], Indicator],
    *,
    style: ReportStyle = ReportStyle.TEXT,
    counts: bool = True,
    corner: str = "",
) -> str:
    """Render a pivot: rows x columns of indicators, such as renewal rate by channel x line.

    The pivot is either a mapping of each row's key to a mapping of column keys to
    indicators, or a flat mapping of ``(row, column)`` pairs to indicators (as a
    two-dimension breakdown holds its cells). Rows come in the order in which they
    first appear, and so do columns. A cell shows the indicator's value with its unit
    and, with ``counts``, its numerator and denominator (``84.0000% (420/500)``); a
    cell with no data, or missing, shows ``no data``.

    Args:
        pivot: the cells, in either shape.
        style: :attr:`ReportStyle.TEXT` (the default) or :attr:`ReportStyle.MARKDOWN`.
        counts: whether cells show the numerator and denominator after the value.
        corner: the text of the top left cell, such as ``"channel / line"``.

    Returns:
        The table, one line a row, without a final newline.

    Raises:
        InvalidField: a row is not a mapping, a cell is not an indicator, a flat key is
            not a pair, or a cell is given twice.
        ArgumentTypeError: ``pivot`` is not a mapping, ``style`` is not a
            :class:`ReportStyle`, ``counts`` is not a ``bool`` or ``corner`` not a
            ``str``.

    >>> from renewal_core.kpi.indicator import rate
    >>> pivot = {
    ...     "agent": {"auto": rate("renewal_rate", 300, 400),
    ...               "health": rate("renewal_rate", 9, 10)},
    ...     "online": {"auto": rate("renewal_rate", 0, 0)},
    ... }
    >>> print(render_pivot(pivot, corner="channel"))
    channel                auto           health
    -------  ------------------  ---------------
    agent    75.0000% (300/400)  90.0000% (9/10)
    online              no data          no data
    >>> flat = {("agent", "auto"): rate("renewal_rate", 300, 400)}
    >>> print(render_pivot(flat, style=ReportStyle.MARKDOWN))
    |       |               auto |
    | ----- | -----------------: |
    | agent | 75.0000% (300/400) |
    """
    layout = _style(style, "render_pivot")
    if not isinstance(counts, bool):
        _wrong_type(counts, "render_pivot(counts)", "True or False")
    if not isinstance(corner, str):
        _wrong_type(corner, "render_pivot(corner)", "a str")
    cells = _pivot_cells(pivot)
    columns = list(dict.fromkeys(column for row in cells.values() for column in row))
    header = [_clean(corner), *(_label(column) for column in columns)]
    rows = []
    for row, found in cells.items():
        line = [_label(row)]
        for column in columns:
            cell = found.get(column)
            if cell is None or cell.no_data:
                line.append(NO_DATA)
            else:
                line.append(f"{_figure(cell)} ({_counts(cell)})" if counts else _figure(cell))
        rows.append(line)
    right = [False, *(True for _ in columns)]
    return _layout(header, rows, right, layout)


# --------------------------------------------------------------------------- series


@attrs.frozen
class SeriesPoint:
    """One period of a :class:`Series`.

    Attributes:
        period: the :class:`~renewal_core.kpi.indicator.Period` of the point.
        value: the indicator's value, or ``None`` without data (a gap in the line).
        low: the lower bound of its interval, or ``None`` without one.
        high: the upper bound of its interval, or ``None`` without one.
    """

    period: Period = attrs.field(validator=_instance_of(Period))
    value: Decimal | None = attrs.field(validator=attrs.validators.optional(_instance_of(Decimal)))
    low: Decimal | None = attrs.field(validator=attrs.validators.optional(_instance_of(Decimal)))
    high: Decimal | None = attrs.field(validator=attrs.validators.optional(_instance_of(Decimal)))

    @property
    def label(self) -> str:
        """The period's label (``2025-03`` for a month), for the x axis."""
        return self.period.label


def _points(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {type(value).__name__}")
    previous: Period | None = None
    for index, point in enumerate(value):
        if not isinstance(point, SeriesPoint):
            _fail(instance, f"{attribute.name}[{index}]", "must be a SeriesPoint")
        if previous is not None and point.period.start <= previous.end:
            _fail(
                instance,
                f"{attribute.name}[{index}]",
                f"period {point.label} does not start after {previous.label} ends: points "
                "are sorted by period, and periods do not overlap",
            )
        previous = point.period


@attrs.frozen
class Series:
    """An indicator over periods, ready for a chart: labels, values and interval bounds.

    Attributes:
        name: the indicator's name.
        unit: the :class:`~renewal_core.kpi.indicator.Unit` of the values.
        points: the :class:`SeriesPoint` values, sorted by period, each period
            starting after the one before ends (periods do not overlap).
    """

    name: str = attrs.field(validator=_text())
    unit: Unit = attrs.field(validator=_member_of(Unit))
    points: tuple[SeriesPoint, ...] = attrs.field(converter=_as_tuple, validator=_points)

    @property
    def labels(self) -> tuple[str, ...]:
        """The periods' labels, in order (the x axis)."""
        return tuple(point.label for point in self.points)

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        """The values, in order; ``None`` where a period has no data."""
        return tuple(point.value for point in self.points)

    @property
    def lows(self) -> tuple[Decimal | None, ...]:
        """The intervals' lower bounds, in order; ``None`` where there is none."""
        return tuple(point.low for point in self.points)

    @property
    def highs(self) -> tuple[Decimal | None, ...]:
        """The intervals' upper bounds, in order; ``None`` where there is none."""
        return tuple(point.high for point in self.points)


def series(indicators: Iterable[Indicator], *, confidence: Decimal | str = "0.95") -> Series:
    """The points of one indicator over periods, sorted by period, for a chart.

    Each indicator must have a period, the periods must not overlap (a month and
    the quarter holding it would count the same records twice), and all must share
    one name and one unit. A period without data is a point whose value and bounds
    are ``None``, which charting libraries draw as a gap.

    Args:
        indicators: the indicator of each period, in any order.
        confidence: the confidence level of the bounds, strictly between 0 and 1.

    Raises:
        InvalidField: no indicators, an item is not an indicator or has no period,
            two periods overlap, names or units differ, or ``confidence`` is not
            between 0 and 1.

    >>> from renewal_core.kpi.indicator import Period, rate
    >>> months = [rate("renewal_rate", n, 100, period=Period.month(2025, m))
    ...           for m, n in [(2, 91), (1, 90), (3, 86)]]
    >>> chart = series(months)
    >>> chart.labels
    ('2025-01', '2025-02', '2025-03')
    >>> chart.values
    (Decimal('90.0000'), Decimal('91.0000'), Decimal('86.0000'))
    >>> chart.points[2].low, chart.points[2].high
    (Decimal('77.8628'), Decimal('91.4737'))
    """
    _confidence(confidence)
    given = [
        _indicator(item, "series", f"indicators[{index}]") for index, item in enumerate(indicators)
    ]
    if not given:
        raise InvalidField("series", "indicators", "is empty; pass one indicator a period")
    first = given[0]
    points: list[SeriesPoint] = []
    for index, indicator in enumerate(given):
        field = f"indicators[{index}]"
        if indicator.period is None:
            raise InvalidField("series", field, "has no period; build it with period=...")
        if indicator.name != first.name or indicator.unit is not first.unit:
            raise InvalidField(
                "series",
                field,
                f"is {indicator.name!r} in {indicator.unit.value}, where the first is "
                f"{first.name!r} in {first.unit.value}: a series holds one indicator",
            )
        interval = indicator.interval(confidence)
        low, high = interval if interval is not None else (None, None)
        points.append(SeriesPoint(indicator.period, indicator.value, low, high))
    points.sort(key=lambda point: (point.period.start, point.period.end))
    for earlier, later in itertools.pairwise(points):
        if earlier.period == later.period:
            raise InvalidField(
                "series",
                "indicators",
                f"hold two indicators for {later.label}; pass one indicator a period",
            )
        if later.period.start <= earlier.period.end:
            raise InvalidField(
                "series",
                "indicators",
                f"hold periods {earlier.label} and {later.label}, which overlap; a series "
                "holds periods that do not overlap, such as months",
            )
    return Series(first.name, first.unit, points)
