"""Cancellation refunds against hand-written Decimal code doing the same work.

A book of 500 annual policies (random starts, premiums and cancellation days, some
before the start and some after the end), each refunded by daily pro-rata and by
the China property short-rate table (months counted from the start, a part month
counting as a whole). The floor works on plain ``datetime.date`` values and bare
``Decimal`` premiums: ``toordinal()`` day counts clamped to the term, the months
counted with integer year/month arithmetic (month ends clamped), the earned amount
``(premium * share).quantize(cent, ROUND_HALF_UP)`` and the refund as the rest.

Two floors: the *raw* one checks nothing and keeps only the two amounts; the
*checked* one also does what ``refund`` does besides the arithmetic: it checks the
premium (a currency-tagged ``Decimal`` in whole cents, not negative), the day's type
and the method, and returns a record of the figures a reviewer needs (premium,
earned, refund, method, days used, days in the term, day, rounding), as
``refund`` does in its ``Refund``.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pendulum

from benchmarks._harness import Benchmark
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.presets.cn_short_rate import PROPERTY_SHORT_RATE
from renewal_core.pricing.refunds import ProRata, ShortRate, refund

_N = 500
_PERCENTS = (0, 10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100)
_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _book() -> list[tuple[PolicyTerm, Money, pendulum.Date, date, date, Decimal]]:
    rng = random.Random(20260101)  # noqa: S311 - reproducible benchmark data, not security
    book = []
    for _ in range(_N):
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        term = PolicyTerm.annual(start, "Asia/Shanghai")
        premium = Decimal(rng.randrange(10_000, 2_000_000)).scaleb(-2)
        day = start + timedelta(days=rng.randrange(-20, term.days + 20))
        end = date(term.end.year, term.end.month, term.end.day)
        book.append(
            (
                term,
                Money(premium, "CNY"),
                pendulum.Date(day.year, day.month, day.day),
                start,
                end,
                premium,
            )
        )
    return book


_BOOK = _book()
_LIBRARY = [(term, premium, day) for term, premium, day, _, _, _ in _BOOK]
_FLOOR = [(start, end, day, premium) for _, _, day, start, end, premium in _BOOK]
_PRO_RATA = ProRata()
_SHORT_RATE = ShortRate(PROPERTY_SHORT_RATE)


def _library() -> list[tuple[Money, Money]]:
    out = []
    for term, premium, day in _LIBRARY:
        out.append((refund(premium, term, day, _PRO_RATA).refund, premium))
        out.append((refund(premium, term, day, _SHORT_RATE).refund, premium))
    return out


def _months(start: date, until: date) -> int:
    months = (until.year - start.year) * 12 + until.month - start.month
    total = start.year * 12 + start.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    anchored = date(year, month + 1, min(start.day, last))
    return months if anchored >= until else months + 1


def _floor() -> list[tuple[Decimal, Decimal]]:
    out = []
    cent, hundred, percents = _CENT, _HUNDRED, _PERCENTS
    for start, end, day, premium in _FLOOR:
        first = start.toordinal()
        days = end.toordinal() - first + 1
        used = min(max(day.toordinal() - first, 0), days)
        earned = (premium * used / days).quantize(cent, ROUND_HALF_UP)
        out.append((premium - earned, premium))
        if used == 0:
            counted = 0
        elif used == days:
            counted = 12
        else:
            counted = _months(start, day)
        earned = (premium * percents[counted] / hundred).quantize(cent, ROUND_HALF_UP)
        out.append((premium - earned, premium))
    return out


class _Record:
    __slots__ = ("day", "days", "earned", "method", "premium", "refund", "rounding", "used")

    def __init__(  # noqa: PLR0917 - one argument per figure, as the record holds
        self,
        premium: tuple[Decimal, str],
        earned: Decimal,
        refund: Decimal,
        method: str,
        used: int,
        days: int,
        day: date,
        rounding: str,
    ) -> None:
        self.premium = premium
        self.earned = earned
        self.refund = refund
        self.method = method
        self.used = used
        self.days = days
        self.day = day
        self.rounding = rounding


_TAGGED = [(start, end, day, (premium, "CNY")) for start, end, day, premium in _FLOOR]


def _checked_one(
    start: date, end: date, day: date, paid: tuple[Decimal, str], method: str
) -> _Record:
    premium, currency = paid
    if type(premium) is not Decimal or currency != "CNY":
        raise TypeError(currency)
    if premium < 0 or int(premium.as_tuple().exponent) < -2:
        raise ValueError(premium)
    if not isinstance(day, date):
        raise TypeError(day)
    if method not in {"pro_rata", "short_rate"}:
        raise ValueError(method)
    first = start.toordinal()
    days = end.toordinal() - first + 1
    used = min(max(day.toordinal() - first, 0), days)
    if method == "pro_rata":
        earned = (premium * used / days).quantize(_CENT, ROUND_HALF_UP)
    else:
        counted = 0 if used == 0 else 12 if used == days else _months(start, day)
        earned = (premium * _PERCENTS[counted] / _HUNDRED).quantize(_CENT, ROUND_HALF_UP)
    return _Record(paid, earned, premium - earned, method, used, days, day, ROUND_HALF_UP)


def _checked_floor() -> list[tuple[Decimal, Decimal]]:
    out = []
    for start, end, day, paid in _TAGGED:
        out.append((_checked_one(start, end, day, paid, "pro_rata").refund, paid[0]))
        out.append((_checked_one(start, end, day, paid, "short_rate").refund, paid[0]))
    return out


def _check(library: object, floor: object) -> None:
    assert isinstance(library, list)
    assert isinstance(floor, list)
    assert [(money.amount, paid.amount) for money, paid in library] == floor


BENCHMARKS = [
    Benchmark(
        "refund: pro-rata and short-rate vs raw Decimal (500 policies)",
        _library,
        _floor,
        _check,
        target=2.0,
        number=20,
    ),
    Benchmark(
        "refund: pro-rata and short-rate vs checked Decimal (500 policies)",
        _library,
        _checked_floor,
        _check,
        target=2.0,
        number=20,
    ),
]
