"""Any indicator by any dimension: breakdowns, pivots, cohorts, periods and comparisons.

One mechanism serves every indicator function of ``renewal_core.kpi``: each is
backed by a measure that tallies records into a small state (counts, exact sums),
so :func:`breakdown` goes through the records **once**, tallying each into its
group's state, then finishes every group into an
:class:`~renewal_core.kpi.indicator.Indicator`, and combines the groups' states into
the total. The parts therefore add up to the total: numerators and denominators
alike. A generator of records is never held in memory.

* :func:`breakdown`: one dimension; a :class:`Breakdown` is a read-only mapping of
  key to indicator, with its ``total`` and ``dimension``.
* :func:`pivot`: two dimensions at once, as a :class:`Pivot` of cells with row and
  column totals.
* :func:`cohorts`: by expiry month.
* :func:`over_periods`: one part per period (this month and the last, a year of
  months), in one pass.
* :func:`compare`: the change between two indicators, or two breakdowns, in points.

>>> import pendulum
>>> from renewal_core.kpi.records import DueRecord
>>> from renewal_core.kpi.renewals import renewal_rate
>>> from renewal_core.model import Channel, LineOfBusiness
>>> from renewal_core.money import Money
>>> def due(number, channel, line, renewed):
...     day = pendulum.date(2025, 3, 20)
...     return DueRecord(
...         number, day, Money("1000.00", "CNY"), channel, line,
...         renewed_on=day if renewed else None,
...         renewal_premium=Money("1000.00", "CNY") if renewed else None,
...     )
>>> book = [
...     due("P-1", Channel.AGENT, LineOfBusiness.AUTO, True),
...     due("P-2", Channel.AGENT, LineOfBusiness.AUTO, False),
...     due("P-3", Channel.AGENT, LineOfBusiness.HEALTH, True),
...     due("P-4", Channel.ONLINE, LineOfBusiness.AUTO, True),
... ]
>>> by_channel = breakdown(renewal_rate, book, by="channel")
>>> {channel.value: part.value for channel, part in by_channel.items()}
{'online': Decimal('100.0000'), 'agent': Decimal('66.6667')}
>>> by_channel.total.value, by_channel.dimension
(Decimal('75.0000'), 'channel')
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any, Final, cast, overload

import attrs

from renewal_core._fields import _fail, _instance_of, _read_only, _text, _type_name
from renewal_core.errors import ArgumentTypeError, InvalidField, _shown
from renewal_core.kpi._tally import (
    Key,
    Measure,
    Select,
    check_dimension,
    check_filters,
    check_period,
    check_records,
    matcher,
    measure_for,
)
from renewal_core.kpi.dimensions import (
    _NAME_SHAPE,
    ATTRIBUTES,
    DIMENSIONS,
    EXPIRY_MONTH,
    Dimension,
    resolve,
)
from renewal_core.kpi.indicator import Indicator, Period, ratio_value

__all__ = [
    "Breakdown",
    "BreakdownComparison",
    "Comparison",
    "Pivot",
    "breakdown",
    "cohorts",
    "compare",
    "over_periods",
    "pivot",
]

# The built-in dimensions that read one attribute: a pivot of two of them reads both
# with one attrgetter, the fastest way to build the pair.
_ATTRIBUTE: Final = {id(DIMENSIONS[name]): name for name in ATTRIBUTES}
_OUTSIDE: Final = object()


# --------------------------------------------------------------------------- order


def _rank(key: object) -> tuple[Any, ...]:
    if key is None:
        return (2,)
    if isinstance(key, enum.Enum):
        return (0, type(key).__name__, type(key)._member_names_.index(key.name))
    if isinstance(key, Period):
        return (0, "Period", key.start.toordinal(), key.end.toordinal())
    if isinstance(key, tuple):
        return (1, "tuple", tuple(_rank(item) for item in key))
    return (1, type(key).__name__, key)


def _ordered(keys: Iterable[Hashable]) -> list[Hashable]:
    """Keys in a stable order: enum members as defined, periods by day, then others, None last.

    Keys that do not compare with each other are ordered by type and ``repr``.
    """
    listed = list(keys)
    try:
        return sorted(listed, key=_rank)
    except TypeError:
        return sorted(listed, key=lambda key: (type(key).__name__, repr(key)))


# --------------------------------------------------------------------------- values


def _indicators(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for part in value.values():
        if not isinstance(part, Indicator):
            _fail(instance, attribute.name, f"values must be Indicator, not {_type_name(part)}")


@attrs.frozen
class Breakdown(Mapping[Hashable, Indicator]):
    """An indicator per key of one dimension, with the total: a read-only mapping.

    Iterating gives the keys in order (enum members as their enum defines them,
    periods by day, other keys sorted, ``None`` last). Each part's ``filters``
    include ``{dimension: key}``. For a rate of counts, the parts' numerators and
    denominators add up to the total's.

    Attributes:
        dimension: the name of the dimension (``"channel"``).
        parts: the indicator of each key, in order.
        total: the indicator over every record of every part.
    """

    dimension: str = attrs.field(validator=_text())
    parts: Mapping[Hashable, Indicator] = attrs.field(converter=_read_only, validator=_indicators)
    total: Indicator = attrs.field(validator=_instance_of(Indicator))

    def __getitem__(self, key: Hashable) -> Indicator:
        return self.parts[key]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)


@attrs.frozen
class Pivot(Mapping[tuple[Hashable, Hashable], Indicator]):
    """An indicator per pair of keys of two dimensions, with row and column totals.

    A read-only mapping of ``(row, column)`` to indicator holding **every** pair of
    a row key and a column key seen: a pair with no record has an indicator with
    no data. Each cell's ``filters`` include both keys.

    Attributes:
        rows: the row totals: a :class:`Breakdown` by the row dimension, whose
            ``total`` is the grand total.
        columns: the column totals: a :class:`Breakdown` by the column dimension.
        cells: the indicator of each ``(row, column)`` pair, rows in order, then
            columns in order.
    """

    rows: Breakdown = attrs.field(validator=_instance_of(Breakdown))
    columns: Breakdown = attrs.field(validator=_instance_of(Breakdown))
    cells: Mapping[tuple[Hashable, Hashable], Indicator] = attrs.field(
        converter=_read_only, validator=_indicators, repr=False
    )

    @property
    def total(self) -> Indicator:
        """The indicator over every record."""
        return self.rows.total

    def row(self, key: Hashable) -> Breakdown:
        """One row: its cells by the column dimension, with the row total.

        Raises:
            KeyError: no row has that key.
        """
        total = self.rows[key]
        return Breakdown(
            self.columns.dimension,
            {column: self.cells[key, column] for column in self.columns},
            total,
        )

    def column(self, key: Hashable) -> Breakdown:
        """One column: its cells by the row dimension, with the column total.

        Raises:
            KeyError: no column has that key.
        """
        total = self.columns[key]
        return Breakdown(
            self.rows.dimension, {row: self.cells[row, key] for row in self.rows}, total
        )

    def __getitem__(self, key: tuple[Hashable, Hashable]) -> Indicator:
        return self.cells[key]

    def __iter__(self) -> Iterator[tuple[Hashable, Hashable]]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)


# --------------------------------------------------------------------------- tallying


def _prepared(
    function: str,
    indicator: object,
    records: object,
    *,
    period: object,
    filters: object,
    options: Mapping[str, object],
) -> tuple[Measure[Any], dict[str, object], Select | None]:
    measure = measure_for(indicator, options, f"{function}(indicator)")
    check_records(records, f"{function}(records)")
    check_period(period, f"{function}(period)")
    chosen = check_filters(filters, f"{function}(filters)", measure)
    return measure, chosen, matcher(chosen, f"{function}(filters)")


def _grouping(measure: Measure[Any], by: str | Dimension, parameter: str) -> Dimension:
    """The dimension ``by`` names, if ``measure``'s records have it."""
    dimension = resolve(by, parameter=parameter)
    check_dimension(measure, dimension, parameter)
    return dimension


def _read(dimension: Dimension, measure: Measure[Any], parameter: str) -> Key:
    """The key of ``dimension``, checked as it reads each record when it is one's own.

    A built-in dimension reads what every record of ``measure`` has (which
    :func:`_grouping` checked), and its keys are hashable (enum members, codes,
    months). A dimension of one's own may read an attribute the records do not have,
    or give an unhashable key (a ``list``): either is refused, naming ``parameter``.
    """
    read = dimension.key
    if DIMENSIONS.get(dimension.name) is dimension:
        return read
    owner, _, field = parameter.partition("(")
    field = field.removesuffix(")")
    shown = f"Dimension {_shown(dimension.name, _NAME_SHAPE)}"
    kind = measure.record_type.__name__

    def key(record: Any) -> Hashable:
        try:
            value = read(record)
        except AttributeError as error:
            raise InvalidField(
                owner,
                field,
                f"{shown} cannot be read from a {kind} ({error}); read an attribute the "
                "records have",
            ) from None
        try:
            hash(value)
        except TypeError:
            raise InvalidField(
                owner,
                field,
                f"{shown} gave an unhashable key ({_type_name(value)}); a key must be "
                "hashable: return a tuple rather than a list, a frozenset rather than a set",
            ) from None
        return value

    return key


def _finish_parts(
    measure: Measure[Any],
    name: str,
    states: Mapping[Hashable, Any],
    period: Period | None,
    filters: Mapping[str, object],
) -> Breakdown:
    parts = {
        key: measure.finish(states[key], period, {**filters, name: key})
        for key in _ordered(states)
    }
    total = measure.finish(measure.merged(states.values()), period, filters)
    return Breakdown(name, parts, total)


def breakdown(
    indicator: Callable[..., Indicator],
    records: Iterable[Any],
    by: str | Dimension,
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
    **options: object,
) -> Breakdown:
    """``indicator`` over ``records``, per key of the dimension ``by``, in one pass.

    Args:
        indicator: an indicator function of ``renewal_core.kpi``, such as
            :func:`~renewal_core.kpi.renewals.renewal_rate`; NPS and CSAT are
            broken down from :class:`~renewal_core.kpi.records.ScoreRecord`.
        records: the records that function takes (any iterable, read once).
        by: a built-in dimension's name (``"channel"``, ``"line"``, ``"region"``,
            ``"segment"``, ``"product"``, ``"expiry_month"``) or a
            :class:`~renewal_core.kpi.dimensions.Dimension`.
        period: selects records as the function does.
        filters: selects by dimension name, as the function does.
        options: the function's own options, such as ``months=25`` for
            :func:`~renewal_core.kpi.persistency.persistency`.

    Returns:
        A :class:`Breakdown` with one part per key seen among the selected
        records, and the total of them all (no data, and no parts, without any).

    Raises:
        ArgumentTypeError: ``indicator`` is not an indicator function of
            ``renewal_core.kpi``, or the records are not those it takes.
        InvalidField: ``by`` or a filter names no built-in dimension, or one the
            records do not have (an ``expiry_month`` of records without a due day),
            a filter's value is one the dimension never takes, the records have no
            attribute a dimension of your own reads, its key is not hashable, or
            an option is not one of the function's.

    >>> by_line = breakdown(renewal_rate, book, by="line", filters={"channel": Channel.AGENT})
    >>> [(line.value, part.numerator, part.denominator) for line, part in by_line.items()]
    [('auto', 1, 2), ('health', 1, 1)]
    >>> dict(by_line[LineOfBusiness.HEALTH].filters)
    {'channel': Channel.AGENT, 'line': LineOfBusiness.HEALTH}
    """
    measure, chosen, match = _prepared(
        "breakdown", indicator, records, period=period, filters=filters, options=options
    )
    grouping = _grouping(measure, by, "breakdown(by)")
    states = measure.tally(records, _read(grouping, measure, "breakdown(by)"), period, match)
    return _finish_parts(measure, grouping.name, states, period, chosen)


def pivot(
    indicator: Callable[..., Indicator],
    records: Iterable[Any],
    rows: str | Dimension,
    columns: str | Dimension,
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
    **options: object,
) -> Pivot:
    """``indicator`` over ``records`` by two dimensions at once, in one pass.

    Args:
        indicator: an indicator function of ``renewal_core.kpi``.
        records: the records that function takes (any iterable, read once).
        rows: the row dimension: a built-in name or a
            :class:`~renewal_core.kpi.dimensions.Dimension`.
        columns: the column dimension, of another name.
        period: selects records as the function does.
        filters: selects by dimension name, as the function does.
        options: the function's own options.

    Returns:
        A :class:`Pivot` of every (row, column) pair, with the row and column
        totals and the grand total.

    Raises:
        ArgumentTypeError: as :func:`breakdown`.
        InvalidField: as :func:`breakdown`, or both dimensions have one name.

    >>> table = pivot(renewal_rate, book, rows="channel", columns="line")
    >>> table[Channel.AGENT, LineOfBusiness.AUTO].value
    Decimal('50.0000')
    >>> table[Channel.ONLINE, LineOfBusiness.HEALTH].no_data
    True
    >>> table.columns[LineOfBusiness.AUTO].value, table.total.value
    (Decimal('66.6667'), Decimal('75.0000'))
    """
    measure, chosen, match = _prepared(
        "pivot", indicator, records, period=period, filters=filters, options=options
    )
    row_dimension = _grouping(measure, rows, "pivot(rows)")
    column_dimension = _grouping(measure, columns, "pivot(columns)")
    if row_dimension.name == column_dimension.name:
        raise InvalidField(
            "pivot", "columns", f"is {row_dimension.name!r} as rows is; pick another dimension"
        )
    row_name = _ATTRIBUTE.get(id(row_dimension))
    column_name = _ATTRIBUTE.get(id(column_dimension))
    key: Key
    if row_name is not None and column_name is not None:
        key = attrgetter(row_name, column_name)
    else:
        row_key = _read(row_dimension, measure, "pivot(rows)")
        column_key = _read(column_dimension, measure, "pivot(columns)")

        def key(record: Any) -> tuple[Hashable, Hashable]:
            return (row_key(record), column_key(record))

    states = measure.tally(records, key, period, match)
    by_row: dict[Hashable, list[Any]] = {}
    by_column: dict[Hashable, list[Any]] = {}
    for pair, state in states.items():
        row, column = cast("tuple[Hashable, Hashable]", pair)
        by_row.setdefault(row, []).append(state)
        by_column.setdefault(column, []).append(state)
    row_totals = _finish_parts(
        measure,
        row_dimension.name,
        {row: measure.merged(parts) for row, parts in by_row.items()},
        period,
        chosen,
    )
    column_totals = _finish_parts(
        measure,
        column_dimension.name,
        {column: measure.merged(parts) for column, parts in by_column.items()},
        period,
        chosen,
    )
    cells: dict[tuple[Hashable, Hashable], Indicator] = {}
    for row in row_totals:
        for column in column_totals:
            state = states.get((row, column))
            cells[row, column] = measure.finish(
                measure.start() if state is None else state,
                period,
                {**chosen, row_dimension.name: row, column_dimension.name: column},
            )
    return Pivot(row_totals, column_totals, cells)


def cohorts(
    indicator: Callable[..., Indicator],
    records: Iterable[Any],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
    **options: object,
) -> Breakdown:
    """``indicator`` per expiry month: a breakdown by ``"expiry_month"``.

    Each key is the month :class:`~renewal_core.kpi.indicator.Period` of the
    policies' ``due_on``; the records must be
    :class:`~renewal_core.kpi.records.DueRecord`.

    Raises:
        ArgumentTypeError: as :func:`breakdown`.
        InvalidField: ``indicator`` is computed from records without a due day, or
            as :func:`breakdown`.

    >>> [month.label for month in cohorts(renewal_rate, book)]
    ['2025-03']
    """
    measure, chosen, match = _prepared(
        "cohorts", indicator, records, period=period, filters=filters, options=options
    )
    check_dimension(measure, EXPIRY_MONTH, "cohorts(indicator)")
    states = measure.tally(records, EXPIRY_MONTH.key, period, match)
    return _finish_parts(measure, EXPIRY_MONTH.name, states, period, chosen)


def _periods(periods: object) -> list[Period]:
    if isinstance(periods, str | bytes) or not isinstance(periods, Sequence):
        raise ArgumentTypeError(
            _type_name(periods), "over_periods(periods)", "a list or a tuple of Period"
        )
    chosen = list(periods)
    for index, period in enumerate(chosen):
        if not isinstance(period, Period):
            raise ArgumentTypeError(
                _type_name(period), f"over_periods(periods[{index}])", "a Period"
            )
    if not chosen:
        raise InvalidField("over_periods", "periods", "is empty; give at least one Period")
    chosen.sort(key=lambda period: (period.start, period.end))
    for before, after in itertools.pairwise(chosen):
        if after.start <= before.end:
            raise InvalidField(
                "over_periods",
                "periods",
                f"{before.label} and {after.label} overlap; a record must fall in one period",
            )
    return chosen


def over_periods(
    indicator: Callable[..., Indicator],
    records: Iterable[Any],
    periods: Sequence[Period],
    *,
    filters: Mapping[str, object] | None = None,
    **options: object,
) -> Breakdown:
    """``indicator`` for each of ``periods``, from one pass over ``records``.

    A breakdown by ``"period"``: each part is what the function gives with that
    ``period`` (and has it as its ``period``); records outside every period are
    left out; a period without records has a part with no data. The total, over
    all the periods, has no ``period``. Ready for a period-over-period
    :func:`compare` or a chart series.

    Args:
        indicator: an indicator function of ``renewal_core.kpi`` whose records
            carry a day.
        records: the records that function takes (any iterable, read once).
        periods: the periods, not overlapping; the parts follow them by day.
        filters: selects by dimension name, as the function does.
        options: the function's own options.

    Raises:
        ArgumentTypeError: as :func:`breakdown`, or ``periods`` is not a list or
            tuple of :class:`~renewal_core.kpi.indicator.Period`.
        InvalidField: ``periods`` is empty or two of them overlap, the records
            carry no day (surrender figures), or as :func:`breakdown`.

    >>> months = [Period.month(2025, 2), Period.month(2025, 3)]
    >>> series = over_periods(renewal_rate, book, months)
    >>> [(month.label, part.value) for month, part in series.items()]
    [('2025-02', None), ('2025-03', Decimal('75.0000'))]
    """
    measure, chosen, match = _prepared(
        "over_periods", indicator, records, period=None, filters=filters, options=options
    )
    ordered = _periods(periods)
    selectors: list[tuple[Period, Select]] = []
    for period in ordered:
        selects = measure.selector(period)
        if selects is None:
            raise InvalidField(
                "over_periods",
                "indicator",
                f"{measure.name} is computed from records without a day; compute it for "
                "each period's own figures instead",
            )
        selectors.append((period, selects))

    def which(record: Any) -> object:
        for period, selects in selectors:
            if selects(record):
                return period
        return _OUTSIDE

    states = measure.tally(records, which, None, match)
    states.pop(_OUTSIDE, None)
    parts = {
        period: measure.finish(states.get(period) or measure.start(), period, chosen)
        for period in ordered
    }
    total = measure.finish(measure.merged(states.values()), None, chosen)
    return Breakdown("period", parts, total)


# --------------------------------------------------------------------------- comparison


def _same_kind(instance: Comparison, attribute: attrs.Attribute[Any], value: Indicator) -> None:
    if not isinstance(value, Indicator):
        _fail(instance, attribute.name, f"must be an Indicator, not {_type_name(value)}")
    current = instance.current
    for field in ("name", "unit", "currency"):
        mine, theirs = getattr(current, field), getattr(value, field)
        if mine != theirs and not (field == "currency" and None in {mine, theirs}):
            _fail(
                instance,
                attribute.name,
                f"has {field} {theirs!r} where current has {mine!r}; compare an indicator "
                "with the same indicator of another period or group",
            )


@attrs.frozen
class Comparison:
    """How an indicator moved from a previous value to the current one.

    Attributes:
        current: the indicator now.
        previous: the same indicator before (same name, unit and currency).
    """

    current: Indicator = attrs.field(validator=_instance_of(Indicator))
    previous: Indicator = attrs.field(validator=_same_kind)

    @property
    def name(self) -> str:
        """The indicator's name."""
        return self.current.name

    @property
    def change(self) -> Decimal | None:
        """``current.value - previous.value``, in points of the unit; ``None`` without both."""
        if self.current.value is None or self.previous.value is None:
            return None
        return self.current.value - self.previous.value

    @property
    def relative(self) -> Decimal | None:
        """The change in percent of the previous value (4 places), or ``None``.

        ``None`` without both values or when the previous value is 0.
        """
        change = self.change
        if change is None or not self.previous.value:
            return None
        return ratio_value(change, abs(self.previous.value))


@attrs.frozen
class BreakdownComparison(Mapping[Hashable, Comparison]):
    """A :class:`Comparison` per key of two breakdowns by one dimension, and of the totals.

    Holds every key of either breakdown, in order; a key missing from one side is
    compared with an indicator with no data there.

    Attributes:
        dimension: the dimension's name.
        parts: the comparison of each key.
        total: the comparison of the totals.
    """

    dimension: str = attrs.field(validator=_text())
    parts: Mapping[Hashable, Comparison] = attrs.field(converter=_read_only, repr=False)
    total: Comparison = attrs.field(validator=_instance_of(Comparison))

    def __getitem__(self, key: Hashable) -> Comparison:
        return self.parts[key]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)


def _empty_like(template: Indicator, side: Breakdown, key: Hashable) -> Indicator:
    """An indicator like ``template`` with no data, for ``key`` of ``side``."""
    return attrs.evolve(
        template,
        value=None,
        numerator=0,
        denominator=0,
        period=side.total.period,
        filters={**side.total.filters, side.dimension: key},
        details={},
    )


def _pair(current: Breakdown, previous: Breakdown, key: Hashable) -> Comparison:
    now, before = current.get(key), previous.get(key)
    if now is None:
        return Comparison(_empty_like(previous[key], current, key), previous[key])
    if before is None:
        return Comparison(now, _empty_like(now, previous, key))
    return Comparison(now, before)


@overload
def compare(current: Breakdown, previous: Breakdown) -> BreakdownComparison: ...


@overload
def compare(current: Indicator, previous: Indicator) -> Comparison: ...


def compare(
    current: Indicator | Breakdown, previous: Indicator | Breakdown
) -> Comparison | BreakdownComparison:
    """The change from ``previous`` to ``current``: two indicators, or two breakdowns.

    The change is in points of the indicator's unit (percentage points for a
    rate); each side keeps its counts (``numerator`` and ``denominator``), so the
    change can be tested for significance.

    Args:
        current: an indicator, or a :class:`Breakdown`.
        previous: the same indicator for another period or group, or a breakdown
            of it by the same dimension.

    Raises:
        ArgumentTypeError: the two are not both indicators or both breakdowns.
        InvalidField: they are not the same indicator (name, unit, currency) or
            the breakdowns are by different dimensions.

    >>> march = renewal_rate(book)
    >>> february = renewal_rate(book[:2])
    >>> moved = compare(march, february)
    >>> moved.change, moved.relative
    (Decimal('25.0000'), Decimal('50.0000'))
    """
    if isinstance(current, Breakdown) and isinstance(previous, Breakdown):
        if current.dimension != previous.dimension:
            raise InvalidField(
                "compare",
                "previous",
                f"is by {previous.dimension!r} where current is by {current.dimension!r}",
            )
        parts = {key: _pair(current, previous, key) for key in _ordered({*current, *previous})}
        return BreakdownComparison(
            current.dimension, parts, Comparison(current.total, previous.total)
        )
    if isinstance(current, Indicator) and isinstance(previous, Indicator):
        return Comparison(current, previous)
    raise ArgumentTypeError(
        f"{_type_name(current)} and {_type_name(previous)}",
        "compare(current, previous)",
        "two Indicator or two Breakdown values",
    )
