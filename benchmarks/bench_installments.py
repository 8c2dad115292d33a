"""Installment schedules against hand-written integer code doing the same work.

200 premiums, each laid out as 12 monthly installments with due dates from a
31 January start (so every month end is clamped), fee 0, no down payment. The floor
does what an engineer would inline: the premium in integer cents (refusing an amount
finer than a cent), largest remainder over equal weights (which is ``divmod``: the
first parts take the extra cents), month arithmetic by hand
from the start (never chained) with month-end clamping, and a record per
installment holding the same values (amounts as currency-tagged decimals, days as
``pendulum.Date``).
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pendulum

from benchmarks._harness import Benchmark
from renewal_core import Money
from renewal_core.pricing.installments import InstallmentPlan, Schedule, schedule

_N = 200
_COUNT = 12
_START = pendulum.Date(2024, 1, 31)
_TOTALS = [Decimal(100_000 + 7_919 * i).scaleb(-2) for i in range(_N)]
_PLAN = InstallmentPlan(count=_COUNT)
_money_totals = [Money(t, "CNY") for t in _TOTALS]

_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.Inexact],
)
_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _library() -> list[Schedule]:
    plan = _PLAN
    start = _START
    return [schedule(total, plan, start=start) for total in _money_totals]


def _due_day(year: int, month: int, day: int, months: int) -> pendulum.Date:
    index = year * 12 + month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if day > 28:
        last = _MONTH_DAYS[month - 1]
        if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
            last = 29
        day = min(day, last)
    return pendulum.Date(year, month, day)


def _floor() -> list[list[tuple[int, pendulum.Date, pendulum.Date, tuple[Decimal, str], Decimal]]]:
    multiply = _EXACT.multiply
    start = _START
    year, month, day = start.year, start.month, start.day
    count = _COUNT
    result = []
    for total in _TOTALS:
        scaled = total.scaleb(2)
        cents = int(scaled)
        if cents != scaled:
            raise ValueError(total)
        # Largest remainder over equal weights: every remainder is the same, so the
        # first ``extra`` parts take one cent more.
        base, extra = divmod(cents, count)
        shares = [base + 1] * extra + [base] * (count - extra)
        rows = []
        for index, share in enumerate(shares):
            due = start if index == 0 else _due_day(year, month, day, index)
            rows.append((index + 1, due, due, (multiply(_CENT, share), "CNY"), _ZERO))
        result.append(rows)
    return result


def _check(library: object, floor: object) -> None:
    assert isinstance(library, list)
    assert isinstance(floor, list)
    assert len(library) == len(floor) == _N
    for built, rows in zip(library, floor, strict=True):
        assert isinstance(built, Schedule)
        got = [
            (i.number, i.due_on, i.bill_on, (i.amount.amount, i.amount.currency), i.fee.amount)
            for i in built.installments
        ]
        assert got == rows
        assert [str(i.amount.amount) for i in built.installments] == [str(r[3][0]) for r in rows]
    first = library[0]
    assert isinstance(first, Schedule)
    assert [i.due_on for i in first.installments][:4] == [
        pendulum.Date(2024, 1, 31),
        pendulum.Date(2024, 2, 29),
        pendulum.Date(2024, 3, 31),
        pendulum.Date(2024, 4, 30),
    ]


BENCHMARKS = [
    Benchmark(
        "Installments: 12-part schedule with due dates (200)",
        _library,
        _floor,
        _check,
        target=1.5,
        number=20,
    ),
]
