"""Tests for the China auto presets: the 2015 NCD table and CTPL.

The expected coefficients, premiums and rates are typed here from the published
tables, independently of the presets.
"""

from __future__ import annotations

import doctest
import types
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core.errors import ArgumentTypeError, InvalidField
from renewal_core.money import Money
from renewal_core.presets import cn_auto_ncd, cn_ctpl
from renewal_core.presets.cn_auto_ncd import NCD_2015, NcdClass, ncd_class, ncd_coefficient
from renewal_core.presets.cn_ctpl import (
    CTPL_BASE_2008,
    CTPL_FLOATS,
    TRAILER_SHARE,
    CtplFloat,
    CtplMeasure,
    CtplScale,
    VehicleUse,
    ctpl_base_premium,
    ctpl_float,
    ctpl_premium,
)

# --------------------------------------------------------------------------- NCD, typed

PRINTED_NCD = {
    "claim_free_3": "0.60",
    "claim_free_2": "0.70",
    "claim_free_1": "0.85",
    "new_or_one_claim": "1.00",
    "claims_2": "1.25",
    "claims_3": "1.50",
    "claims_4": "1.75",
    "claims_5_plus": "2.00",
}


def r1_by_history(claim_free_years: int, claims_last_year: int) -> str:
    """The coefficient, read off the printed rows by hand."""
    by_claims = {1: "1.00", 2: "1.25", 3: "1.50", 4: "1.75"}
    if claims_last_year >= 5:
        return "2.00"
    if claims_last_year >= 1:
        return by_claims[claims_last_year]
    return {0: "1.00", 1: "0.85", 2: "0.70"}.get(claim_free_years, "0.60")


def test_ncd_table_is_r1() -> None:
    assert {cls.value: str(value) for cls, value in NCD_2015.items()} == PRINTED_NCD
    assert len(NcdClass) == 8


def test_ncd_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        NCD_2015[NcdClass.CLAIMS_2] = Decimal("1")  # type: ignore[index]


@pytest.mark.parametrize(
    ("free", "claims", "expected"),
    [
        (0, 0, NcdClass.NEW_OR_ONE_CLAIM),
        (1, 0, NcdClass.CLAIM_FREE_1),
        (2, 0, NcdClass.CLAIM_FREE_2),
        (3, 0, NcdClass.CLAIM_FREE_3),
        (10, 0, NcdClass.CLAIM_FREE_3),
        (0, 1, NcdClass.NEW_OR_ONE_CLAIM),
        (3, 1, NcdClass.NEW_OR_ONE_CLAIM),
        (0, 2, NcdClass.CLAIMS_2),
        (5, 2, NcdClass.CLAIMS_2),
        (0, 3, NcdClass.CLAIMS_3),
        (0, 4, NcdClass.CLAIMS_4),
        (0, 5, NcdClass.CLAIMS_5_PLUS),
        (0, 9, NcdClass.CLAIMS_5_PLUS),
    ],
)
def test_ncd_class(free: int, claims: int, expected: NcdClass) -> None:
    assert ncd_class(claim_free_years=free, claims_last_year=claims) is expected


def test_ncd_new_business() -> None:
    cls = ncd_class(claim_free_years=0, claims_last_year=0, new_business=True)
    assert cls is NcdClass.NEW_OR_ONE_CLAIM
    assert str(ncd_coefficient(cls)) == "1.00"


@pytest.mark.parametrize(("free", "claims"), [(1, 0), (0, 1), (3, 2)])
def test_ncd_new_business_with_history_is_refused(free: int, claims: int) -> None:
    with pytest.raises(InvalidField, match="new business has no claim history") as caught:
        ncd_class(claim_free_years=free, claims_last_year=claims, new_business=True)
    assert caught.value.field == "new_business"


@pytest.mark.parametrize("free", range(6))
@pytest.mark.parametrize("claims", range(8))
def test_ncd_coefficient_is_r1(free: int, claims: int) -> None:
    cls = ncd_class(claim_free_years=free, claims_last_year=claims)
    assert str(ncd_coefficient(cls)) == r1_by_history(free, claims)
    assert str(ncd_coefficient(cls, lapsed_months=2)) == r1_by_history(free, claims)


@pytest.mark.parametrize("cls", list(NcdClass))
def test_ncd_no_float_on_transfer_or_long_lapse(cls: NcdClass) -> None:
    assert str(ncd_coefficient(cls, ownership_transferred=True)) == "1.00"
    assert str(ncd_coefficient(cls, lapsed_months=7)) == "1.00"
    assert str(ncd_coefficient(cls, lapsed_months=24)) == "1.00"
    assert str(ncd_coefficient(cls, ownership_transferred=True, lapsed_months=4)) == "1.00"


@pytest.mark.parametrize("months", [3, 4, 5, 6])
def test_ncd_no_downward_float_on_short_lapse(months: int) -> None:
    expected = {
        NcdClass.CLAIM_FREE_3: "1.00",
        NcdClass.CLAIM_FREE_2: "1.00",
        NcdClass.CLAIM_FREE_1: "1.00",
        NcdClass.NEW_OR_ONE_CLAIM: "1.00",
        NcdClass.CLAIMS_2: "1.25",
        NcdClass.CLAIMS_3: "1.50",
        NcdClass.CLAIMS_4: "1.75",
        NcdClass.CLAIMS_5_PLUS: "2.00",
    }
    for cls, coefficient in expected.items():
        assert str(ncd_coefficient(cls, lapsed_months=months)) == coefficient


def test_ncd_lapse_boundaries() -> None:
    cls = NcdClass.CLAIM_FREE_3
    assert [str(ncd_coefficient(cls, lapsed_months=m)) for m in range(9)] == [
        "0.60", "0.60", "0.60", "1.00", "1.00", "1.00", "1.00", "1.00", "1.00",
    ]  # fmt: skip
    surcharged = NcdClass.CLAIMS_4
    assert [str(ncd_coefficient(surcharged, lapsed_months=m)) for m in (2, 3, 6, 7)] == [
        "1.75", "1.75", "1.75", "1.00",
    ]  # fmt: skip


def test_ncd_changed_copy() -> None:
    table = dict(NCD_2015)
    table[NcdClass.CLAIM_FREE_3] = Decimal("0.55")
    assert ncd_coefficient(NcdClass.CLAIM_FREE_3, table=table) == Decimal("0.55")
    assert str(NCD_2015[NcdClass.CLAIM_FREE_3]) == "0.60"
    del table[NcdClass.CLAIMS_2]
    with pytest.raises(InvalidField, match=r"has no coefficient for NcdClass\.CLAIMS_2"):
        ncd_coefficient(NcdClass.CLAIMS_2, table=table)


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"claim_free_years": 1.0, "claims_last_year": 0}, "claim_free_years"),
        ({"claim_free_years": True, "claims_last_year": 0}, "claim_free_years"),
        ({"claim_free_years": 0, "claims_last_year": "1"}, "claims_last_year"),
        ({"claim_free_years": 0, "claims_last_year": 0, "new_business": 1}, "new_business"),
    ],
)
def test_ncd_class_wrong_types(arguments: dict[str, Any], parameter: str) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        ncd_class(**arguments)
    assert caught.value.parameter == f"ncd_class({parameter})"


@pytest.mark.parametrize("parameter", ["claim_free_years", "claims_last_year"])
def test_ncd_class_negative_counts(parameter: str) -> None:
    arguments: dict[str, Any] = {"claim_free_years": 0, "claims_last_year": 0, parameter: -1}
    with pytest.raises(InvalidField, match="must not be negative, not -1"):
        ncd_class(**arguments)


def test_ncd_coefficient_errors() -> None:
    with pytest.raises(InvalidField, match=r"convert it with NcdClass\('claims_2'\)") as caught:
        ncd_coefficient("claims_2")  # type: ignore[arg-type]
    assert caught.value.field == "cls"
    with pytest.raises(ArgumentTypeError, match="True or False"):
        ncd_coefficient(NcdClass.CLAIMS_2, ownership_transferred=None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="an int"):
        ncd_coefficient(NcdClass.CLAIMS_2, lapsed_months=Decimal(4))  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="lapsed_months: must not be negative"):
        ncd_coefficient(NcdClass.CLAIMS_2, lapsed_months=-1)


counts = st.integers(min_value=0, max_value=12)


@given(free=counts, claims=counts, more=st.integers(1, 5), lapse=counts, moved=st.booleans())
def test_ncd_never_drops_as_claims_rise(
    free: int, claims: int, more: int, lapse: int, moved: bool
) -> None:
    def coefficient(n: int) -> Decimal:
        cls = ncd_class(claim_free_years=free, claims_last_year=n)
        return ncd_coefficient(cls, ownership_transferred=moved, lapsed_months=lapse)

    assert coefficient(claims) <= coefficient(claims + more)


@given(free=counts, claims=counts, lapse=counts, moved=st.booleans())
def test_ncd_coefficient_bounds(free: int, claims: int, lapse: int, moved: bool) -> None:
    cls = ncd_class(claim_free_years=free, claims_last_year=claims)
    value = ncd_coefficient(cls, ownership_transferred=moved, lapsed_months=lapse)
    assert Decimal("0.60") <= value <= Decimal("2.00")
    assert value == Decimal(r1_by_history(free, claims)) or lapse >= 3 or moved
    if moved or lapse > 6:
        assert value == 1
    elif lapse >= 3:
        assert value >= 1


@given(free=counts, more=st.integers(1, 5))
def test_ncd_never_rises_with_more_claim_free_years(free: int, more: int) -> None:
    def coefficient(n: int) -> Decimal:
        return ncd_coefficient(ncd_class(claim_free_years=n, claims_last_year=0))

    assert coefficient(free + more) <= coefficient(free)


# --------------------------------------------------------------------------- CTPL, typed

PRIVATE = VehicleUse.PRIVATE
ENTERPRISE = VehicleUse.ENTERPRISE_NON_COMMERCIAL
GOVERNMENT = VehicleUse.GOVERNMENT_NON_COMMERCIAL
TAXI = VehicleUse.TAXI_RENTAL
BUS = VehicleUse.CITY_BUS
COACH = VehicleUse.HIGHWAY_COACH
TRUCK = VehicleUse.NON_COMMERCIAL_TRUCK
HAULER = VehicleUse.COMMERCIAL_TRUCK
MOTORCYCLE = VehicleUse.MOTORCYCLE

# (use, seats, premium in CNY): every band, on each side of each bound.
R2_SEATS = [
    (PRIVATE, 1, 950), (PRIVATE, 5, 950), (PRIVATE, 6, 1100), (PRIVATE, 9, 1100),
    (PRIVATE, 40, 1100),
    (ENTERPRISE, 2, 1000), (ENTERPRISE, 5, 1000), (ENTERPRISE, 6, 1130), (ENTERPRISE, 9, 1130),
    (ENTERPRISE, 10, 1220), (ENTERPRISE, 19, 1220), (ENTERPRISE, 20, 1270),
    (ENTERPRISE, 50, 1270),
    (GOVERNMENT, 4, 950), (GOVERNMENT, 5, 950), (GOVERNMENT, 6, 1070), (GOVERNMENT, 9, 1070),
    (GOVERNMENT, 10, 1140), (GOVERNMENT, 19, 1140), (GOVERNMENT, 20, 1320),
    (GOVERNMENT, 45, 1320),
    (TAXI, 5, 1800), (TAXI, 6, 2360), (TAXI, 9, 2360), (TAXI, 10, 2400), (TAXI, 19, 2400),
    (TAXI, 20, 2560), (TAXI, 35, 2560), (TAXI, 36, 3530), (TAXI, 60, 3530),
    (BUS, 6, 2250), (BUS, 9, 2250), (BUS, 10, 2520), (BUS, 19, 2520), (BUS, 20, 3020),
    (BUS, 35, 3020), (BUS, 36, 3140), (BUS, 90, 3140),
    (COACH, 6, 2350), (COACH, 9, 2350), (COACH, 10, 2620), (COACH, 19, 2620),
    (COACH, 20, 3420), (COACH, 35, 3420), (COACH, 36, 4690), (COACH, 55, 4690),
]  # fmt: skip

# (use, tonnes, premium in CNY, trailer premium = 30% of it, by hand).
R2_TONNES = [
    (TRUCK, "0.5", 1200, "360.00"), (TRUCK, "1.99", 1200, "360.00"),
    (TRUCK, "2", 1470, "441.00"), (TRUCK, "4.999", 1470, "441.00"),
    (TRUCK, "5.0", 1650, "495.00"), (TRUCK, "9.99", 1650, "495.00"),
    (TRUCK, "10", 2220, "666.00"), (TRUCK, "49", 2220, "666.00"),
    (HAULER, "1", 1850, "555.00"), (HAULER, "1.999", 1850, "555.00"),
    (HAULER, "2.00", 3070, "921.00"), (HAULER, "4.99", 3070, "921.00"),
    (HAULER, "5", 3450, "1035.00"), (HAULER, "9.9", 3450, "1035.00"),
    (HAULER, "10.0", 4480, "1344.00"), (HAULER, "30", 4480, "1344.00"),
]  # fmt: skip

# (engine cc, premium in CNY): ≤50cc / 50-250cc / >250cc, so 50 and 250 fall below.
R2_MOTORCYCLE = [(1, 80), (49, 80), (50, 80), (51, 120), (125, 120), (249, 120), (250, 120),
                 (251, 400), (1000, 400)]  # fmt: skip


def cny(amount: str | int) -> Money:
    return Money(amount, "CNY")


@pytest.mark.parametrize(("use", "seats", "premium"), R2_SEATS)
def test_ctpl_seat_bands_are_r2(use: VehicleUse, seats: int, premium: int) -> None:
    assert ctpl_base_premium(use, seats=seats) == cny(premium)


@pytest.mark.parametrize(("use", "tonnes", "premium", "trailer"), R2_TONNES)
def test_ctpl_tonnage_bands_are_r2(
    use: VehicleUse, tonnes: str, premium: int, trailer: str
) -> None:
    assert ctpl_base_premium(use, tonnes=Decimal(tonnes)) == cny(premium)
    towed = ctpl_base_premium(use, tonnes=Decimal(tonnes), trailer=True)
    assert repr(towed) == f"Money('{trailer}', 'CNY')"


@pytest.mark.parametrize("tonnes", [1, 2, 5, 10])
def test_ctpl_tonnes_as_int(tonnes: int) -> None:
    assert ctpl_base_premium(HAULER, tonnes=tonnes) == ctpl_base_premium(
        HAULER, tonnes=Decimal(tonnes)
    )


@pytest.mark.parametrize(("engine_cc", "premium"), R2_MOTORCYCLE)
def test_ctpl_motorcycle_bands_are_r2(engine_cc: int, premium: int) -> None:
    assert ctpl_base_premium(MOTORCYCLE, engine_cc=engine_cc) == cny(premium)


def test_ctpl_every_row_of_r2() -> None:
    """Each use's premiums, lowest band first, as the 2008 table prints them."""
    r2 = {
        PRIVATE: [950, 1100],
        ENTERPRISE: [1000, 1130, 1220, 1270],
        GOVERNMENT: [950, 1070, 1140, 1320],
        TAXI: [1800, 2360, 2400, 2560, 3530],
        BUS: [2250, 2520, 3020, 3140],
        COACH: [2350, 2620, 3420, 4690],
        TRUCK: [1200, 1470, 1650, 2220],
        HAULER: [1850, 3070, 3450, 4480],
        MOTORCYCLE: [80, 120, 400],
    }
    assert set(CTPL_BASE_2008) == set(VehicleUse) == set(r2)
    for use, premiums in r2.items():
        assert CTPL_BASE_2008[use].premiums == tuple(cny(f"{p}.00") for p in premiums)


def test_ctpl_worked_example() -> None:
    base = ctpl_base_premium(PRIVATE, seats=5)
    code = ctpl_float(accident_free_years=3, at_fault_accidents_last_year=0, fatal_last_year=False)
    assert code is CtplFloat.A3
    assert repr(ctpl_premium(base, code)) == "Money('665.00', 'CNY')"


def test_ctpl_floats_are_r2() -> None:
    r2 = {"A1": "-10", "A2": "-20", "A3": "-30", "A4": "0", "A5": "10", "A6": "30"}
    assert {code.value: value * 100 for code, value in CTPL_FLOATS.items()} == {
        code: Decimal(percent) for code, percent in r2.items()
    }
    assert len(CtplFloat) == 6


@pytest.mark.parametrize(
    ("code", "on_950", "on_1100"),
    [
        (CtplFloat.A1, "855.00", "990.00"),
        (CtplFloat.A2, "760.00", "880.00"),
        (CtplFloat.A3, "665.00", "770.00"),
        (CtplFloat.A4, "950.00", "1100.00"),
        (CtplFloat.A5, "1045.00", "1210.00"),
        (CtplFloat.A6, "1235.00", "1430.00"),
    ],
)
def test_ctpl_premium_by_code(code: CtplFloat, on_950: str, on_1100: str) -> None:
    assert repr(ctpl_premium(cny("950.00"), code)) == f"Money('{on_950}', 'CNY')"
    assert repr(ctpl_premium(cny("1100.00"), code)) == f"Money('{on_1100}', 'CNY')"


def test_ctpl_premium_rounds_half_up() -> None:
    # 80.05 * 0.9 = 72.045 -> 72.05 half up (half even would give 72.04).
    assert ctpl_premium(cny("80.05"), CtplFloat.A1) == cny("72.05")
    # 0.05 * 1.1 = 0.055 -> 0.06.
    assert ctpl_premium(cny("0.05"), CtplFloat.A5) == cny("0.06")


def test_ctpl_trailer_rounds_half_up() -> None:
    table = dict(CTPL_BASE_2008)
    table[HAULER] = CtplScale(CtplMeasure.TONNES, (2,), (cny("1000.15"), cny("2000.00")))
    # 1000.15 * 0.30 = 300.045 -> 300.05 half up.
    assert ctpl_base_premium(HAULER, tonnes=1, trailer=True, table=table) == cny("300.05")
    assert str(TRAILER_SHARE) == "0.30"


@pytest.mark.parametrize(
    ("free", "accidents", "fatal", "expected"),
    [
        (0, 0, False, CtplFloat.A4),
        (1, 0, False, CtplFloat.A1),
        (2, 0, False, CtplFloat.A2),
        (3, 0, False, CtplFloat.A3),
        (8, 0, False, CtplFloat.A3),
        (0, 1, False, CtplFloat.A4),
        (5, 1, False, CtplFloat.A4),
        (0, 2, False, CtplFloat.A5),
        (4, 3, False, CtplFloat.A5),
        (0, 1, True, CtplFloat.A6),
        (0, 3, True, CtplFloat.A6),
        (6, 2, True, CtplFloat.A6),
    ],
)
def test_ctpl_float(free: int, accidents: int, fatal: bool, expected: CtplFloat) -> None:
    code = ctpl_float(
        accident_free_years=free, at_fault_accidents_last_year=accidents, fatal_last_year=fatal
    )
    assert code is expected


def test_ctpl_float_errors() -> None:
    with pytest.raises(InvalidField, match="fatal accident is an at-fault accident"):
        ctpl_float(accident_free_years=2, at_fault_accidents_last_year=0, fatal_last_year=True)
    with pytest.raises(InvalidField, match="must not be negative, not -1") as caught:
        ctpl_float(accident_free_years=-1, at_fault_accidents_last_year=0, fatal_last_year=False)
    assert caught.value.field == "accident_free_years"
    with pytest.raises(ArgumentTypeError) as wrong:
        ctpl_float(
            accident_free_years=0, at_fault_accidents_last_year=False, fatal_last_year=False
        )
    assert wrong.value.parameter == "ctpl_float(at_fault_accidents_last_year)"
    with pytest.raises(ArgumentTypeError, match="True or False"):
        ctpl_float(accident_free_years=0, at_fault_accidents_last_year=1, fatal_last_year=1)  # type: ignore[arg-type]


def test_ctpl_premium_errors() -> None:
    with pytest.raises(ArgumentTypeError, match="a Money"):
        ctpl_premium(Decimal(950), CtplFloat.A1)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"convert it with CtplFloat\('A1'\)"):
        ctpl_premium(cny(950), "A1")  # type: ignore[arg-type]
    floats = dict(CTPL_FLOATS)
    del floats[CtplFloat.A6]
    with pytest.raises(InvalidField, match="has no rate for A6"):
        ctpl_premium(cny(950), CtplFloat.A6, floats=floats)
    floats[CtplFloat.A3] = Decimal("-0.40")
    assert ctpl_premium(cny(950), CtplFloat.A3, floats=floats) == cny(570)


def test_ctpl_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        CTPL_FLOATS[CtplFloat.A1] = Decimal(0)  # type: ignore[index]
    with pytest.raises(TypeError):
        CTPL_BASE_2008[PRIVATE] = CTPL_BASE_2008[TAXI]  # type: ignore[index]


@pytest.mark.parametrize(
    ("use", "arguments", "field", "message"),
    [
        (PRIVATE, {}, "seats", "is missing: a PRIVATE is rated by seats"),
        (HAULER, {}, "tonnes", "is missing"),
        (MOTORCYCLE, {}, "engine_cc", "is missing"),
        (HAULER, {"seats": 2}, "seats", "does not apply: a COMMERCIAL_TRUCK is rated by tonnes"),
        (PRIVATE, {"seats": 5, "tonnes": Decimal(1)}, "tonnes", "does not apply"),
        (PRIVATE, {"seats": 5, "engine_cc": 1500}, "engine_cc", "does not apply"),
        (MOTORCYCLE, {"engine_cc": 125, "seats": 2}, "seats", "does not apply"),
        (PRIVATE, {"seats": 0}, "seats", "must be greater than zero, not 0"),
        (TRUCK, {"tonnes": Decimal("-1")}, "tonnes", "must be greater than zero"),
        (TRUCK, {"tonnes": Decimal("NaN")}, "tonnes", "must be finite"),
        (TRUCK, {"tonnes": Decimal("Infinity")}, "tonnes", "must be finite"),
        (MOTORCYCLE, {"engine_cc": -50}, "engine_cc", "must be greater than zero"),
        (BUS, {"seats": 5}, "seats", "a CITY_BUS is rated from 6 seats, not 5"),
        (COACH, {"seats": 1}, "seats", "a HIGHWAY_COACH is rated from 6 seats, not 1"),
        (PRIVATE, {"seats": 5, "trailer": True}, "trailer", "applies to trucks only"),
        (MOTORCYCLE, {"engine_cc": 5, "trailer": True}, "trailer", "applies to trucks only"),
    ],
)
def test_ctpl_base_premium_invalid(
    use: VehicleUse, arguments: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidField, match=message) as caught:
        ctpl_base_premium(use, **arguments)
    assert caught.value.owner == "ctpl_base_premium"
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("use", "arguments", "parameter", "message"),
    [
        (TRUCK, {"tonnes": 2.5}, "tonnes", r"Decimal\('2.5'\) \(floats are inexact\)"),
        (TRUCK, {"tonnes": True}, "tonnes", "a Decimal or an int, not bool"),
        (TRUCK, {"tonnes": "2.5"}, "tonnes", "a Decimal or an int, not str"),
        (PRIVATE, {"seats": 5.0}, "seats", "an int, not float"),
        (PRIVATE, {"seats": True}, "seats", "an int, not bool"),
        (MOTORCYCLE, {"engine_cc": Decimal(125)}, "engine_cc", "an int, not Decimal"),
        (TRUCK, {"tonnes": 1, "trailer": "yes"}, "trailer", "True or False"),
    ],
)
def test_ctpl_base_premium_wrong_types(
    use: VehicleUse, arguments: dict[str, Any], parameter: str, message: str
) -> None:
    with pytest.raises(ArgumentTypeError, match=message) as caught:
        ctpl_base_premium(use, **arguments)
    assert caught.value.parameter == f"ctpl_base_premium({parameter})"


def test_ctpl_base_premium_use_and_table() -> None:
    with pytest.raises(InvalidField, match=r"convert it with VehicleUse\('private'\)") as caught:
        ctpl_base_premium("private", seats=5)  # type: ignore[arg-type]
    assert caught.value.field == "use"
    table = dict(CTPL_BASE_2008)
    del table[TAXI]
    with pytest.raises(InvalidField, match="has no scale for TAXI_RENTAL"):
        ctpl_base_premium(TAXI, seats=5, table=table)
    table[PRIVATE] = CtplScale(CtplMeasure.SEATS, [6], [cny("1000.00"), cny("1200.00")])
    assert ctpl_base_premium(PRIVATE, seats=5, table=table) == cny(1000)
    assert ctpl_base_premium(PRIVATE, seats=5) == cny(950)


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"edges": (6,), "premiums": (cny(1),)}, "premiums", "one premium per band, 2, not 1"),
        ({"edges": (6, 6), "premiums": (cny(1),) * 3}, "edges", "positive and increasing"),
        ({"edges": (10, 6), "premiums": (cny(1),) * 3}, "edges", "positive and increasing"),
        ({"edges": (0,), "premiums": (cny(1),) * 2}, "edges", "positive and increasing"),
        ({"edges": (6.0,), "premiums": (cny(1),) * 2}, "edges[0]", "not float"),
        ({"edges": (Decimal("NaN"),), "premiums": (cny(1),) * 2}, "edges[0]", "finite"),
        ({"edges": 6, "premiums": (cny(1),) * 2}, "edges", "a list or a tuple, not int"),
        ({"edges": (6,), "premiums": "950"}, "premiums", "a list or a tuple, not str"),
        ({"edges": (6,), "premiums": (cny(1), 950)}, "premiums[1]", "must be a Money"),
        ({"edges": (6,), "premiums": (cny(1), cny(-1))}, "premiums[1]", "not negative"),
        ({"edges": (6,), "premiums": (cny(1),) * 2, "minimum": 1.5}, "minimum", "not float"),
        ({"edges": (6,), "premiums": (cny(1),) * 2, "upper_closed": 1}, "upper_closed", "True"),
    ],
)
def test_ctpl_scale_invalid(arguments: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidField, match=message) as caught:
        CtplScale(CtplMeasure.SEATS, **arguments)
    assert caught.value.owner == "CtplScale"
    assert caught.value.field == field


def test_ctpl_scale_minimum_and_closed_side() -> None:
    scale = CtplScale(
        CtplMeasure.TONNES, (Decimal("1.5"),), (cny(1), cny(2)), minimum=Decimal("0.5")
    )
    assert scale.premium_for(Decimal("1.5")) == cny(2)
    closed = CtplScale(CtplMeasure.TONNES, (Decimal("1.5"),), (cny(1), cny(2)), upper_closed=True)
    assert closed.premium_for(Decimal("1.5")) == cny(1)
    table = dict(CTPL_BASE_2008)
    table[TRUCK] = scale
    with pytest.raises(InvalidField, match=r"rated from 0\.5 tonnes, not 0\.4"):
        ctpl_base_premium(TRUCK, tonnes=Decimal("0.4"), table=table)


SEAT_USES = [PRIVATE, ENTERPRISE, GOVERNMENT, TAXI, BUS, COACH]
seats = st.integers(min_value=6, max_value=120)
tonnes = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(60), places=2)


@given(use=st.sampled_from(SEAT_USES), low=seats, high=seats)
def test_ctpl_monotone_in_seats(use: VehicleUse, low: int, high: int) -> None:
    low, high = sorted((low, high))
    assert ctpl_base_premium(use, seats=low) <= ctpl_base_premium(use, seats=high)


@given(use=st.sampled_from([PRIVATE, ENTERPRISE, GOVERNMENT, TAXI]), few=st.integers(1, 5))
def test_ctpl_small_cars_pay_least(use: VehicleUse, few: int) -> None:
    assert ctpl_base_premium(use, seats=few) < ctpl_base_premium(use, seats=6)


@given(use=st.sampled_from([TRUCK, HAULER]), low=tonnes, high=tonnes, trailer=st.booleans())
def test_ctpl_monotone_in_tonnes(
    use: VehicleUse, low: Decimal, high: Decimal, trailer: bool
) -> None:
    low, high = sorted((low, high))
    cheaper = ctpl_base_premium(use, tonnes=low, trailer=trailer)
    assert cheaper <= ctpl_base_premium(use, tonnes=high, trailer=trailer)


@given(low=st.integers(1, 2000), high=st.integers(1, 2000))
def test_ctpl_monotone_in_engine_cc(low: int, high: int) -> None:
    low, high = sorted((low, high))
    assert ctpl_base_premium(MOTORCYCLE, engine_cc=low) <= ctpl_base_premium(
        MOTORCYCLE, engine_cc=high
    )


@given(use=st.sampled_from([TRUCK, HAULER]), load=tonnes)
def test_ctpl_trailer_is_30_percent(use: VehicleUse, load: Decimal) -> None:
    truck_fen = ctpl_base_premium(use, tonnes=load).to_minor_units()
    trailer_fen = ctpl_base_premium(use, tonnes=load, trailer=True).to_minor_units()
    assert trailer_fen == (truck_fen * 30 + 50) // 100  # half up, in whole fen


PERCENT = {"A1": -10, "A2": -20, "A3": -30, "A4": 0, "A5": 10, "A6": 30}


@given(fen=st.integers(0, 10**9), code=st.sampled_from(list(CtplFloat)))
def test_ctpl_premium_matches_integer_arithmetic(fen: int, code: CtplFloat) -> None:
    scaled = fen * (100 + PERCENT[code.value])
    expected = (scaled + 50) // 100  # half up; never negative
    assert ctpl_premium(Money.from_minor_units(fen, "CNY"), code).to_minor_units() == expected


@given(free=counts, accidents=counts, more=st.integers(1, 4), fatal=st.booleans())
def test_ctpl_float_never_lower_with_more_accidents(
    free: int, accidents: int, more: int, fatal: bool
) -> None:
    def rate(n: int, dead: bool) -> int:
        code = ctpl_float(
            accident_free_years=free, at_fault_accidents_last_year=n, fatal_last_year=dead
        )
        return PERCENT[code.value]

    fewer = rate(accidents, fatal and accidents > 0)
    assert fewer <= rate(accidents + more, fatal)
    assert rate(accidents + more, False) <= rate(accidents + more, True)


@given(free=counts, more=st.integers(1, 4))
def test_ctpl_float_never_higher_with_more_free_years(free: int, more: int) -> None:
    def rate(n: int) -> int:
        code = ctpl_float(
            accident_free_years=n, at_fault_accidents_last_year=0, fatal_last_year=False
        )
        return PERCENT[code.value]

    assert rate(free + more) <= rate(free)


@pytest.mark.parametrize("module", [cn_auto_ncd, cn_ctpl])
def test_docstring_examples_run(module: types.ModuleType) -> None:
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0
