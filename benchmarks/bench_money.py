"""Money against hand-written Decimal code doing the same work.

* Arithmetic: a book of 1,000 premium lines, each ``(base * factor)`` rounded half-up
  to the cent plus a fee, summed. The first floor is raw ``Decimal`` in the thread's
  context (no currency, no exactness guard); the second keeps what ``Money`` keeps,
  hand-written: a currency tag checked on every addition and exact arithmetic in a
  private context.
* Total: 1,000 amounts added up with ``Money.total``, against the same loop over
  currency-tagged decimals (currency checked, exact context), and against the
  builtin ``sum()`` of bare decimals.
* Split: 1,000.00 CNY into 12 installments, the leftover cents going to the first
  parts, against ``divmod`` on the integer number of cents. Like the library, the
  floor refuses an amount that is not a whole number of cents instead of silently
  truncating it.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

from benchmarks._harness import Benchmark
from renewal_core import Money

_N = 1000
_BASES = [Decimal(1000 + 37 * i).scaleb(-2) * 10 for i in range(_N)]
_FACTORS = [Decimal("0.85"), Decimal("1.15"), Decimal("0.7"), Decimal("1.0"), Decimal("1.25")]
_FEE = Decimal("12.50")
_CENT = Decimal("0.01")

_money_bases = [Money(b, "CNY") for b in _BASES]
_money_fee = Money(_FEE, "CNY")


def _library_book() -> Money:
    total = Money.zero("CNY")
    factors = _FACTORS
    fee = _money_fee
    for i, base in enumerate(_money_bases):
        total = total + ((base * factors[i % 5]).round() + fee)
    return total


def _raw_decimal_book() -> tuple[Decimal, str]:
    total = Decimal("0.00")
    factors = _FACTORS
    fee = _FEE
    cent = _CENT
    for i, base in enumerate(_BASES):
        total = total + ((base * factors[i % 5]).quantize(cent, ROUND_HALF_UP) + fee)
    return total, "CNY"


_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.Inexact],
)
_ROUND = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
_tagged_bases = [(b, "CNY") for b in _BASES]


def _checked_decimal_book() -> tuple[Decimal, str]:
    add, mul = _EXACT.add, _EXACT.multiply
    total = (Decimal("0.00"), "CNY")
    factors = _FACTORS
    fee = (_FEE, "CNY")
    cent = _CENT
    for i, (amount, currency) in enumerate(_tagged_bases):
        line = (mul(amount, factors[i % 5]).quantize(cent, ROUND_HALF_UP, _ROUND), currency)
        if fee[1] != line[1]:
            raise ValueError(line[1])
        line = (add(line[0], fee[0]), line[1])
        if total[1] != line[1]:
            raise ValueError(line[1])
        total = (add(total[0], line[0]), total[1])
    return total


def _check_book(library: object, floor: object) -> None:
    assert isinstance(library, Money)
    assert isinstance(floor, tuple)
    assert (library.amount, library.currency) == floor
    assert str(library.amount) == str(floor[0])


def _library_total() -> Money:
    return Money.total(_money_bases, "CNY")


def _checked_decimal_total() -> tuple[Decimal, str]:
    add = _EXACT.add
    total = Decimal("0.00")
    for amount, currency in _tagged_bases:
        if currency != "CNY":
            raise ValueError(currency)
        total = add(total, amount)
    return total, "CNY"


def _raw_decimal_total() -> tuple[Decimal, str]:
    return sum(_BASES, Decimal("0.00")), "CNY"


_TOTAL = Money("1000.00", "CNY")
_TOTAL_AMOUNT = Decimal("1000.00")


def _library_split() -> tuple[Money, ...]:
    return _TOTAL.split(12)


def _floor_split() -> list[tuple[Decimal, str]]:
    scaled = _TOTAL_AMOUNT.scaleb(2)
    cents = int(scaled)
    if cents != scaled:
        raise ValueError(_TOTAL_AMOUNT)
    base, extra = divmod(cents, 12)
    multiply = _EXACT.multiply  # a cent times a whole number: the fastest exact way
    high = (multiply(_CENT, base + 1), "CNY")
    low = (multiply(_CENT, base), "CNY")
    return [high] * extra + [low] * (12 - extra)


def _check_split(library: object, floor: object) -> None:
    assert isinstance(library, tuple)
    assert isinstance(floor, list)
    assert [(m.amount, m.currency) for m in library] == floor
    assert sum(library, Money.zero("CNY")) == _TOTAL


BENCHMARKS = [
    Benchmark(
        "Money arithmetic vs raw Decimal (1,000 lines)",
        _library_book,
        _raw_decimal_book,
        _check_book,
        target=1.5,
        number=20,
    ),
    Benchmark(
        "Money arithmetic vs checked Decimal (1,000 lines)",
        _library_book,
        _checked_decimal_book,
        _check_book,
        target=1.5,
        number=20,
    ),
    Benchmark(
        "Money.total vs checked Decimal loop (1,000)",
        _library_total,
        _checked_decimal_total,
        _check_book,
        target=1.5,
        number=200,
    ),
    Benchmark(
        "Money.total vs raw sum() of Decimals (1,000)",
        _library_total,
        _raw_decimal_total,
        _check_book,
        target=1.5,
        number=200,
    ),
    Benchmark(
        "Money 12-way split vs Decimal divmod",
        _library_split,
        _floor_split,
        _check_split,
        target=1.5,
        number=20000,
    ),
]
