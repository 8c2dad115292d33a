"""Renewal quotes against hand-written Decimal code doing the same work.

200 renewals rated with the example commercial auto plan
(:data:`~renewal_core.presets.cn_auto_plans.EXAMPLE_COMMERCIAL_AUTO_PLAN`): a rate
of the sum insured by vehicle use, five factors (no-claim discount, vehicle age
band, region, risk level, tenure band), a 25% cap either way on the change from the
expiring premium, a minimum premium, one rounding half up to the fen, and a 6% tax.
The floor does what an engineer would inline: for each table it checks the version
is in force on the term's start, reads the rate from a dict (a band by ``bisect``),
multiplies exactly, caps, rounds, applies the minimum and the tax, works out the
change from the expiring premium in percent, and keeps a breakdown row per step
(step, name, table, version, inputs, coefficient, running amount) as ``quote`` does.
"""

from __future__ import annotations

import bisect
import decimal
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pendulum

from benchmarks._harness import Benchmark
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.presets.cn_auto_ncd import NCD_2015, NcdClass
from renewal_core.presets.cn_auto_plans import EXAMPLE_COMMERCIAL_AUTO_PLAN
from renewal_core.presets.cn_ctpl import VehicleUse
from renewal_core.pricing.rating import Quote, RatedRisk, quote

_N = 200
_PLAN = EXAMPLE_COMMERCIAL_AUTO_PLAN
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.Overflow, decimal.Inexact],
)
_CENT = Decimal("0.01")
_USES = (VehicleUse.PRIVATE, VehicleUse.ENTERPRISE_NON_COMMERCIAL, VehicleUse.TAXI_RENTAL)
_REGIONS = ("north", "east", "south", "west")
_LEVELS = ("low", "medium", "high")


def _book() -> list[tuple[RatedRisk, PolicyTerm, pendulum.Date]]:
    rng = random.Random(20261126)  # noqa: S311 - reproducible benchmark data, not security
    book = []
    for _ in range(_N):
        start = pendulum.date(2025, 1, 1).add(days=rng.randrange(700))
        risk = RatedRisk(
            {
                "vehicle_use": rng.choice(_USES),
                "ncd_class": rng.choice(list(NcdClass)),
                "vehicle_age": rng.randrange(15),
                "region": rng.choice(_REGIONS),
                "risk_level": rng.choice(_LEVELS),
                "renewal_count": rng.randrange(6),
            },
            sum_insured=Money(Decimal(rng.randrange(20_000, 600_000)), "CNY"),
            expiring_premium=Money(Decimal(rng.randrange(20_000, 900_000)).scaleb(-2), "CNY"),
        )
        book.append((risk, PolicyTerm.annual(start, "Asia/Shanghai"), start.subtract(days=20)))
    return book


_BOOK = _book()

# The floor's own copy of the plan's tables: (table, version, effective_from, rates).
_FROM = pendulum.date(2025, 1, 1)
_BASE = (
    "example_base_rate",
    "example",
    _FROM,
    {
        VehicleUse.PRIVATE: Decimal("0.0120"),
        VehicleUse.ENTERPRISE_NON_COMMERCIAL: Decimal("0.0135"),
        VehicleUse.TAXI_RENTAL: Decimal("0.0180"),
    },
)
_NCD = ("cn_auto_ncd", "2015", pendulum.date(2015, 6, 1), dict(NCD_2015))
_AGE = (
    "example_vehicle_age",
    "example",
    _FROM,
    ((0, 3, 6, 10), (Decimal("1.00"), Decimal("1.05"), Decimal("1.10"), Decimal("1.20"))),
)
_REGION = (
    "example_region",
    "example",
    _FROM,
    {
        "north": Decimal("1.00"),
        "east": Decimal("1.05"),
        "south": Decimal("0.95"),
        "west": Decimal("1.00"),
    },
)
_LEVEL = (
    "example_risk_level",
    "example",
    _FROM,
    {"low": Decimal("0.95"), "medium": Decimal("1.00"), "high": Decimal("1.15")},
)
_TENURE = (
    "example_tenure",
    "example",
    _FROM,
    ((0, 1, 3), (Decimal("1.00"), Decimal("0.98"), Decimal("0.95"))),
)
_EXACT_FACTORS = (("ncd", "ncd_class", _NCD), ("region", "region", _REGION))
_UP = Decimal("1.25")
_DOWN = Decimal("0.75")
_MINIMUM = Decimal("300.00")
_TAX = Decimal("0.06")


def _library() -> list[Quote]:
    plan = _PLAN
    return [quote(risk, plan, term=term, as_of=day) for risk, term, day in _BOOK]


def _in_force(table: tuple[object, object, pendulum.Date, object], day: pendulum.Date) -> None:
    if table[2] > day:
        raise LookupError(table[0])


def _floor() -> list[tuple[Decimal, Decimal, Decimal, Decimal | None, list[tuple[object, ...]]]]:
    multiply = _EXACT.multiply
    out = []
    for risk, term, _ in _BOOK:
        attributes: Any = risk.attributes  # the floor reads the values untyped
        day = term.start
        rows: list[tuple[object, ...]] = []
        _in_force(_BASE, day)
        use = attributes["vehicle_use"]
        rate = _BASE[3][use]
        insured = risk.sum_insured
        assert insured is not None
        amount = multiply(insured.amount, rate)
        rows.append(("base", "base", _BASE[0], _BASE[1], (use, insured), rate, amount))
        for name, attribute, table in (
            ("ncd", "ncd_class", _NCD),
            ("vehicle_age", "vehicle_age", _AGE),
            ("region", "region", _REGION),
            ("risk_level", "risk_level", _LEVEL),
            ("tenure", "renewal_count", _TENURE),
        ):
            _in_force(table, day)
            value = attributes[attribute]
            rates = table[3]
            if isinstance(rates, dict):
                coefficient = rates[value]
            else:
                bounds, values = rates
                coefficient = values[bisect.bisect_right(bounds, value) - 1]
            amount = multiply(amount, coefficient)
            rows.append(("factor", name, table[0], table[1], (value,), coefficient, amount))
        expiring = risk.expiring_premium
        assert expiring is not None
        highest = multiply(expiring.amount, _UP)
        lowest = multiply(expiring.amount, _DOWN)
        amount = min(max(amount, lowest), highest)
        rows.append(("cap", "cap", None, None, (expiring, highest, lowest), None, amount))
        amount = amount.quantize(_CENT, ROUND_HALF_UP)
        rows.append(("rounding", "rounding", None, None, (), None, amount))
        amount = max(amount, _MINIMUM)
        rows.append(("minimum", "minimum", None, None, (_MINIMUM,), None, amount))
        tax = multiply(amount, _TAX).quantize(_CENT, ROUND_HALF_UP)
        total = amount + tax
        rows.append(("tax", "vat", None, None, (_TAX, amount), _TAX, total))
        change = amount - expiring.amount
        percent = (
            (change * 100 / expiring.amount).quantize(_CENT, ROUND_HALF_UP)
            if expiring.amount
            else None
        )
        out.append((amount, tax, total, percent, rows))
    return out


def _check(library: object, floor: object) -> None:
    assert isinstance(library, list)
    assert isinstance(floor, list)
    assert len(library) == len(floor) == _N
    for made, (premium, tax, total, percent, rows) in zip(library, floor, strict=True):
        assert isinstance(made, Quote)
        assert made.premium.amount == premium
        assert made.taxes.amount == tax
        assert made.total.amount == total
        assert str(made.total.amount) == str(total)
        assert made.change_percent == percent
        assert [line.amount.amount for line in made.breakdown] == [row[6] for row in rows]
        assert [line.name for line in made.breakdown] == [row[1] for row in rows]


BENCHMARKS = [
    Benchmark(
        "Quote: renewal with five factors, cap, minimum and tax (200)",
        _library,
        _floor,
        _check,
        target=1.5,
        number=20,
    ),
]
