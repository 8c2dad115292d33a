"""Policy time against hand-written floors.

* Day counts: ``PolicyTerm.days``, ``elapsed_days`` and ``remaining_days`` against
  ``toordinal()`` arithmetic on plain ``datetime.date`` values.
* Anniversaries: ``anniversary(inception, k)`` for 41 years of 4 inceptions against
  a hand-written loop that builds the same ``pendulum.Date`` values with integer
  year arithmetic and a leap-year test (29 February clamped to 28 February), and,
  for reference, against pendulum's own ``inception.add(years=k)``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pendulum

from benchmarks._harness import Benchmark
from renewal_core.periods import PolicyTerm, anniversary

_ZONES = ("Asia/Shanghai", "Europe/Berlin", "America/Sao_Paulo", "UTC")
_YEARS = 41


def _pairs() -> list[tuple[PolicyTerm, date, date, date]]:
    """~1000 (term, day) pairs, plus the term's plain start and end for the floor."""
    rng = random.Random(20250101)  # noqa: S311 - reproducible benchmark data, not security
    pairs: list[tuple[PolicyTerm, date, date, date]] = []
    for _ in range(1000):
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        if rng.random() < 0.5:
            term = PolicyTerm.annual(start, rng.choice(_ZONES))
        else:
            term = PolicyTerm.months(start, rng.choice((1, 3, 6)), rng.choice(_ZONES))
        # Days before, inside and after the term, so clamping is exercised.
        day = start + timedelta(days=rng.randrange(-60, term.days + 60))
        end = date(term.end.year, term.end.month, term.end.day)
        pairs.append((term, day, start, end))
    return pairs


_PAIRS = _pairs()
_TERM_DAYS = [(term, day) for term, day, _, _ in _PAIRS]
_PLAIN_DAYS = [(start, end, day) for _, day, start, end in _PAIRS]


def _counts_library() -> list[tuple[int, int, int]]:
    return [
        (term.days, term.elapsed_days(day), term.remaining_days(day)) for term, day in _TERM_DAYS
    ]


def _counts_floor() -> list[tuple[int, int, int]]:
    out = []
    for start, end, day in _PLAIN_DAYS:
        first = start.toordinal()
        days = end.toordinal() - first + 1
        elapsed = min(max(day.toordinal() - first, 0), days)
        out.append((days, elapsed, days - elapsed))
    return out


_INCEPTIONS = [
    pendulum.Date(2024, 2, 29),
    pendulum.Date(2025, 1, 31),
    pendulum.Date(2023, 6, 15),
    pendulum.Date(2020, 12, 31),
]
_PLAIN_INCEPTIONS = [date(d.year, d.month, d.day) for d in _INCEPTIONS]


def _anniversaries_library() -> list[date]:
    return [anniversary(inception, k) for inception in _INCEPTIONS for k in range(_YEARS)]


def _anniversaries_floor() -> list[date]:
    out: list[date] = []
    new = pendulum.Date
    for inception in _PLAIN_INCEPTIONS:
        year, month, day = inception.year, inception.month, inception.day
        for k in range(_YEARS):
            y = year + k
            if month == 2 and day == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
                out.append(new(y, 2, 28))
            else:
                out.append(new(y, month, day))
    return out


def _anniversaries_pendulum() -> list[date]:
    return [inception.add(years=k) for inception in _INCEPTIONS for k in range(_YEARS)]


def _check_equal(library: object, floor: object) -> None:
    assert library == floor, "library and floor disagree"


BENCHMARKS: list[Benchmark] = [
    Benchmark(
        name="PolicyTerm day counts vs date.toordinal",
        library=_counts_library,
        floor=_counts_floor,
        check=_check_equal,
        target=2.0,
        number=20,
    ),
    Benchmark(
        name="anniversaries over 40 years",
        library=_anniversaries_library,
        floor=_anniversaries_floor,
        check=_check_equal,
        target=2.0,
        number=200,
    ),
    Benchmark(
        name="anniversaries vs pendulum add(years=k)",
        library=_anniversaries_library,
        floor=_anniversaries_pendulum,
        check=_check_equal,
        target=1.0,
        number=200,
    ),
]
