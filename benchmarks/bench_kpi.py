"""Renewal rate by channel x line over 1,000,000 due records, against dict counting.

The library: ``pivot(renewal_rate, records, rows="channel", columns="line",
period=March)``, giving exact rates (and Wilson intervals on demand) per cell, per
row, per column and in total. The floor: the single pass an engineer would write,
a ``dict`` of ``[due, renewed]`` counts keyed by ``(channel, line)`` for the
eligible policies due in March, then the same exact rates (half-even to 4 places,
by integer arithmetic) per cell, row, column and in total.

The records are built once, from a seeded generator, and kept in a list, so both
sides time the same pass over the same objects. A second check streams records
from a generator (never held) through the library under :mod:`tracemalloc`, for
two sizes ten times apart, and checks that the peak memory does not grow with the
number of records.

``--quick`` (the CI smoke run) uses 100,000 records and streams of 10,000 and
100,000.
"""

from __future__ import annotations

import functools
import random
import tracemalloc
from collections.abc import Hashable, Iterator
from decimal import Decimal
from fractions import Fraction

import pendulum

from benchmarks._harness import Benchmark
from renewal_core.kpi.breakdowns import Pivot, pivot
from renewal_core.kpi.indicator import Period
from renewal_core.kpi.records import DueRecord
from renewal_core.kpi.renewals import renewal_rate
from renewal_core.model import Channel, LineOfBusiness
from renewal_core.money import Money

_FULL = 1_000_000
_QUICK = 100_000
_MARCH = Period.month(2025, 3)
_CHANNELS = (
    Channel.AGENT,
    Channel.ONLINE,
    Channel.MOBILE_APP,
    Channel.PHONE,
    Channel.BANCASSURANCE,
    Channel.DEALER,
)
_LINES = tuple(LineOfBusiness)
_DAYS = tuple(pendulum.date(2025, 2, 1).add(days=offset) for offset in range(59))  # Feb, Mar
_PREMIUMS = tuple(Money(Decimal(100_000 + 7_919 * i).scaleb(-2), "CNY") for i in range(97))
_NUMBERS = tuple(f"P-{i:06d}" for i in range(1_000))
# Peak memory of a stream may differ by allocator noise, never by the number of records.
_MEMORY_SLACK = 64 * 1024


_RUN = {"quick": False}


def _setup(quick: bool) -> None:
    _RUN["quick"] = quick


def _quick() -> bool:
    return _RUN["quick"]


def _stream(count: int) -> Iterator[DueRecord]:
    """``count`` due records, from a seeded generator: the same book on every run."""
    rng = random.Random(20250301)  # noqa: S311 - reproducible benchmark data, not security
    draw, pick = rng.random, rng.randrange
    channels, lines, days, premiums, numbers = _CHANNELS, _LINES, _DAYS, _PREMIUMS, _NUMBERS
    for index in range(count):
        day = days[pick(59)]
        chance = draw()
        eligible = chance < 0.96
        renewed = chance < 0.71
        yield DueRecord(
            numbers[index % 1_000],
            day,
            premiums[index % 97],
            channels[pick(6)],
            lines[pick(4)],
            eligible=eligible,
            renewed_on=day if renewed else None,
            renewal_premium=premiums[(index + 1) % 97] if renewed else None,
        )


def _book() -> list[DueRecord]:
    return _records(_QUICK if _quick() else _FULL)


@functools.cache
def _records(count: int) -> list[DueRecord]:
    return list(_stream(count))


def _library() -> Pivot:
    return pivot(renewal_rate, _book(), rows="channel", columns="line", period=_MARCH)


def _percent(top: int, base: int) -> Decimal | None:
    """``top / base * 100`` rounded half to even to 4 places, by integer arithmetic."""
    if not base:
        return None
    whole, rest = divmod(top * 1_000_000, base)
    if rest * 2 > base or (rest * 2 == base and whole % 2):
        whole += 1
    return Decimal(whole).scaleb(-4)


_Counts = dict[Hashable, tuple[int, int, Decimal | None]]


def _floor() -> tuple[_Counts, _Counts, _Counts, tuple[int, int, Decimal | None]]:
    start, end = _MARCH.start, _MARCH.end
    counts: dict[tuple[Channel, LineOfBusiness], list[int]] = {}
    get = counts.get
    for record in _book():
        if record.eligible and start <= record.due_on <= end:
            key = (record.channel, record.line)
            cell = get(key)
            if cell is None:
                cell = counts[key] = [0, 0]
            cell[0] += 1
            if record.renewed_on is not None:
                cell[1] += 1
    rows: dict[Hashable, list[int]] = {}
    columns: dict[Hashable, list[int]] = {}
    total = [0, 0]
    for (channel, line), (due, renewed) in counts.items():
        for side, group in ((rows, channel), (columns, line)):
            sums = side.setdefault(group, [0, 0])
            sums[0] += due
            sums[1] += renewed
        total[0] += due
        total[1] += renewed

    def rates(sums: dict[Hashable, list[int]]) -> _Counts:
        return {
            key: (renewed, due, _percent(renewed, due)) for key, (due, renewed) in sums.items()
        }

    cells: _Counts = {
        pair: (renewed, due, _percent(renewed, due)) for pair, (due, renewed) in counts.items()
    }
    return cells, rates(rows), rates(columns), (total[1], total[0], _percent(total[1], total[0]))


def _peak(count: int) -> int:
    """Peak traced memory of the library over a stream of ``count`` records, in bytes."""
    records = _stream(count)
    tracemalloc.start()
    try:
        pivot(renewal_rate, records, rows="channel", columns="line", period=_MARCH)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _check(library: object, floor: object) -> None:
    assert isinstance(library, Pivot)
    assert isinstance(floor, tuple)
    cells, rows, columns, total = floor
    assert len(library) == len(_CHANNELS) * len(_LINES) == len(cells)
    for key, (renewed, due, value) in cells.items():
        cell = library[key]
        assert (cell.numerator, cell.denominator, cell.value) == (renewed, due, value)
    for side, expected in ((library.rows, rows), (library.columns, columns)):
        assert {
            key: (part.numerator, part.denominator, part.value) for key, part in side.items()
        } == expected
    assert (library.total.numerator, library.total.denominator, library.total.value) == total
    # About half the book is due in March, 96 % eligible, 71 / 96 of those renewed.
    size = len(_book())
    assert abs(total[1] - size * 31 / 59 * 0.96) < size * 0.01
    assert abs(Fraction(total[0], total[1]) - Fraction(71, 96)) < Fraction(1, 100)
    small, large = (10_000, 100_000) if _quick() else (100_000, 1_000_000)
    small_peak, large_peak = _peak(small), _peak(large)
    print(
        f"KPI streaming peak memory: {small_peak / 1024:.1f} KiB for {small:,} records, "
        f"{large_peak / 1024:.1f} KiB for {large:,}"
    )
    assert large_peak <= small_peak + _MEMORY_SLACK, (small_peak, large_peak)


BENCHMARKS = [
    Benchmark(
        "KPI: renewal rate, channel x line pivot (1M records)",
        _library,
        _floor,
        _check,
        target=2.0,
        number=1,
        setup=_setup,
    ),
]
