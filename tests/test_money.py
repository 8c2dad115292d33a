"""Tests for renewal_core.money: construction, arithmetic, rounding, allocation."""

from __future__ import annotations

import decimal
import enum
import pickle
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from renewal_core import Money, minor_units
from renewal_core.errors import (
    AllocationError,
    AmountTypeError,
    CurrencyMismatch,
    InvalidAmount,
    InvalidRounding,
    MoneyDivisionByZero,
    MoneyError,
    RenewalError,
    UnknownCurrency,
)
from renewal_core.money import DIVISION_DIGITS, ROUNDING_MODES
from renewal_core.testing import amounts, currencies, money

# ---------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (Decimal("12.30"), Decimal("12.30")),
        (12, Decimal("12")),
        ("12.30", Decimal("12.30")),
        ("-0.5", Decimal("-0.5")),
        ("+7", Decimal("7")),
        ("0", Decimal("0")),
        (
            "123456789012345678901234567890.123456789",
            Decimal("123456789012345678901234567890.123456789"),
        ),
    ],
)
def test_accepts_decimal_int_and_plain_strings(
    given: Decimal | int | str, expected: Decimal
) -> None:
    m = Money(given, "CNY")
    assert m.amount == expected
    assert type(m.amount) is Decimal
    assert str(m.amount) == str(expected)  # kept exactly, decimals included


@pytest.mark.parametrize(
    "given",
    [
        "1e3",
        "1E-2",
        " 1.00",
        "1.00 ",
        "1,000.00",
        "1_000",
        "",
        ".5",
        "5.",
        "abc",
        "NaN",
        "Infinity",
        "--1",
        "¥12",
    ],
)
def test_rejects_malformed_strings(given: str) -> None:
    with pytest.raises(InvalidAmount) as info:
        Money(given, "CNY")
    assert "decimal string such as" in str(info.value)
    # Shown only when short and shaped like a mistyped amount; otherwise described.
    shaped = bool(given) and (
        set(given) <= set("0123456789.,+-eE_ ")
        or given.lower() in {"nan", "snan", "inf", "infinity"}
    )
    expected = (
        repr(given) if shaped and len(given) <= 8 else f"a string of {len(given)} characters"
    )
    assert info.value.given == expected
    assert str(info.value).startswith(f"invalid amount {expected}: not a plain decimal number")


@pytest.mark.parametrize(
    "secret",
    ["138-1234-5678", "11010119900307123X", "张三", "zhang.san@example.com", "1234 5678 90"],
)
def test_malformed_amount_messages_never_show_personal_data(secret: str) -> None:
    with pytest.raises(InvalidAmount) as info:
        Money(secret, "CNY")
    assert secret not in str(info.value)
    assert info.value.given == f"a string of {len(secret)} characters"


@pytest.mark.parametrize(
    "given", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_rejects_non_finite_decimals(given: Decimal) -> None:
    with pytest.raises(InvalidAmount, match="not a finite number"):
        Money(given, "CNY")


@pytest.mark.parametrize(
    ("given", "type_name"),
    [
        (0.1, "float"),
        (True, "bool"),
        (None, "NoneType"),
        (Fraction(1, 2), "Fraction"),
        ([1], "list"),
    ],
)
def test_rejects_other_types(given: object, type_name: str) -> None:
    with pytest.raises(AmountTypeError) as info:
        Money(given, "CNY")  # type: ignore[arg-type]
    assert info.value.given_type == type_name
    assert isinstance(info.value, TypeError)


def test_float_error_says_what_to_write_instead() -> None:
    with pytest.raises(AmountTypeError, match=r"write Decimal\('0.1'\)"):
        Money(0.1, "CNY")  # type: ignore[arg-type]


def test_subclasses_of_int_and_decimal_become_plain_values() -> None:
    class MyInt(int):
        pass

    class MyDecimal(Decimal):
        pass

    assert type(Money(MyInt(5), "CNY").amount) is Decimal
    assert Money(MyInt(5), "CNY").amount == 5
    assert type(Money(MyDecimal("1.5"), "CNY").amount) is Decimal
    with pytest.raises(InvalidAmount):
        Money(MyDecimal("NaN"), "CNY")


@pytest.mark.parametrize("code", ["cny", "XYZ", "", "CN", 156, None, "CNY "])
def test_rejects_unknown_currencies(code: object) -> None:
    with pytest.raises(UnknownCurrency) as info:
        Money(1, code)  # type: ignore[arg-type]
    assert isinstance(info.value, LookupError)
    assert "ISO 4217" in str(info.value)


def test_error_tree() -> None:
    for error in (
        AllocationError,
        AmountTypeError,
        CurrencyMismatch,
        InvalidAmount,
        InvalidRounding,
        UnknownCurrency,
        MoneyDivisionByZero,
    ):
        assert issubclass(error, MoneyError)
        assert issubclass(error, RenewalError)


def test_frozen_hashable_and_evolvable() -> None:
    m = Money("1.50", "CNY")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        m.amount = Decimal(2)  # type: ignore[misc]
    assert hash(m) == hash(Money("1.5", "CNY"))
    assert {m, Money("1.5", "CNY")} == {m}
    assert attrs.evolve(m, amount=Decimal("2.00")) == Money("2", "CNY")
    with pytest.raises(InvalidAmount):
        attrs.evolve(m, amount=Decimal("NaN"))
    assert pickle.loads(pickle.dumps(m)) == m  # noqa: S301 - our own bytes


def test_equality_is_by_value_within_a_currency() -> None:
    assert Money("1.5", "CNY") == Money("1.50", "CNY")
    assert Money("1.5", "CNY") != Money("1.5", "USD")
    assert Money("1.5", "CNY") != Decimal("1.5")
    zero: object = 0
    assert Money(0, "CNY") != zero


def test_zero_has_the_currency_decimals() -> None:
    assert repr(Money.zero("CNY")) == "Money('0.00', 'CNY')"
    assert repr(Money.zero("JPY")) == "Money('0', 'JPY')"
    assert repr(Money.zero("KWD")) == "Money('0.000', 'KWD')"
    assert not Money.zero("CNY")
    assert Money.zero("CNY").is_zero()
    with pytest.raises(UnknownCurrency):
        Money.zero("ABC")


def test_truthiness_and_sign_predicates() -> None:
    assert Money("0.01", "CNY")
    assert not Money("0.00", "CNY")
    assert Money("1", "CNY").is_positive() and not Money("1", "CNY").is_negative()
    assert Money("-1", "CNY").is_negative() and not Money("-1", "CNY").is_positive()


def test_repr_and_str() -> None:
    assert repr(Money("1234.50", "CNY")) == "Money('1234.50', 'CNY')"
    assert str(Money("1234.50", "CNY")) == "1234.50 CNY"


# ---------------------------------------------------------------- minor units


@pytest.mark.parametrize(
    ("code", "units"),
    [
        ("CNY", 2),
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("CLF", 4),
        ("IQD", 0),
    ],
)
def test_minor_units_follow_cldr(code: str, units: int) -> None:
    # TABLES.md R7; IQD is 0 in CLDR (3 in ISO 4217), which the library follows.
    assert minor_units(code) == units


def test_minor_units_rejects_unknown_codes() -> None:
    with pytest.raises(UnknownCurrency):
        minor_units("ZZZ")


def test_minor_units_round_trip() -> None:
    assert Money.from_minor_units(123456, "CNY") == Money("1234.56", "CNY")
    assert repr(Money.from_minor_units(-5, "CNY")) == "Money('-0.05', 'CNY')"
    assert repr(Money.from_minor_units(1500, "KWD")) == "Money('1.500', 'KWD')"
    assert repr(Money.from_minor_units(1500, "IQD", minor_units=3)) == "Money('1.500', 'IQD')"
    assert Money("1234.56", "CNY").to_minor_units() == 123456
    assert Money("12", "JPY").to_minor_units() == 12
    assert Money("1.5", "IQD").to_minor_units(minor_units=3) == 1500
    with pytest.raises(AllocationError, match="round it first"):
        Money("1.234", "CNY").to_minor_units()
    with pytest.raises(AmountTypeError):
        Money.from_minor_units(Decimal(5), "CNY")  # type: ignore[arg-type]


@given(st.integers(-(10**15), 10**15), currencies())
def test_minor_units_conversion_is_lossless(units: int, code: str) -> None:
    assert Money.from_minor_units(units, code).to_minor_units() == units


# ---------------------------------------------------------------- arithmetic


def test_add_and_subtract() -> None:
    assert Money("99.90", "CNY") + Money("0.10", "CNY") == Money("100", "CNY")
    assert repr(Money("99.90", "CNY") + Money("0.10", "CNY")) == "Money('100.00', 'CNY')"
    assert Money("1", "CNY") - Money("2.5", "CNY") == Money("-1.5", "CNY")


def test_sum_starts_from_int_zero() -> None:
    assert sum([Money("1.10", "USD"), Money("2.20", "USD")]) == Money("3.30", "USD")
    assert sum([], Money.zero("USD")) == Money.zero("USD")


_OPERATIONS = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "compare": lambda a, b: a < b,
}


@pytest.mark.parametrize("op", sorted(_OPERATIONS))
def test_currencies_never_mix(op: str) -> None:
    a, b = Money("1", "CNY"), Money("1", "USD")
    with pytest.raises(CurrencyMismatch) as info:
        _OPERATIONS[op](a, b)
    assert (info.value.expected, info.value.actual, info.value.operation) == ("CNY", "USD", op)
    assert "convert one amount explicitly" in str(info.value)


@pytest.mark.parametrize("bare", [1, Decimal(1), 1.0, "1"])
def test_bare_numbers_do_not_add_to_money(bare: object) -> None:
    m = Money("1", "CNY")
    with pytest.raises(AmountTypeError):
        m + bare  # type: ignore[operator]
    with pytest.raises(AmountTypeError):
        bare + m  # type: ignore[operator]
    with pytest.raises(AmountTypeError):
        m - bare  # type: ignore[operator]
    with pytest.raises(AmountTypeError):
        bare - m


def test_unrelated_types_get_python_type_error() -> None:
    m = Money("1", "CNY")
    with pytest.raises(TypeError):
        m + object()  # type: ignore[operator]  # the point of the test
    with pytest.raises(TypeError):
        [] - m


def test_multiply_and_divide() -> None:
    m = Money("1234.56", "CNY")
    assert repr(m * Decimal("0.85")) == "Money('1049.3760', 'CNY')"
    assert repr(3 * m) == "Money('3703.68', 'CNY')"
    assert m * 2 == m + m
    assert repr(Money("100", "CNY") / 4) == "Money('25', 'CNY')"
    assert (Money("100", "CNY") / 3).amount == Decimal("33.33333333333333333333333333333333")
    assert len((Money("100", "CNY") / 3).amount.as_tuple().digits) == DIVISION_DIGITS


@pytest.mark.parametrize("factor", [0.5, True, Money("1", "CNY"), "2", None])
def test_multiply_refuses_non_decimal_factors(factor: object) -> None:
    with pytest.raises(AmountTypeError):
        Money("1", "CNY") * factor  # type: ignore[operator]
    with pytest.raises(AmountTypeError):
        Money("1", "CNY") / factor  # type: ignore[operator]


def test_multiply_refuses_non_finite_factor() -> None:
    with pytest.raises(InvalidAmount):
        Money("1", "CNY") * Decimal("Infinity")
    with pytest.raises(InvalidAmount):
        Money("1", "CNY") / Decimal("NaN")


def test_decimal_subclass_factor() -> None:
    class MyDecimal(Decimal):
        pass

    assert Money("2", "CNY") * MyDecimal("1.5") == Money("3", "CNY")


def test_divide_by_zero() -> None:
    with pytest.raises(MoneyDivisionByZero) as info:
        Money("1", "CNY") / 0
    assert isinstance(info.value, ZeroDivisionError)
    assert info.value.amount == "1 CNY"


def test_unary_operators() -> None:
    m = Money("-1.50", "CNY")
    assert -m == Money("1.5", "CNY")
    assert +m is m
    assert abs(m) == Money("1.5", "CNY")


def test_ordering_within_one_currency() -> None:
    small, big = Money("1.00", "CNY"), Money("1.01", "CNY")
    assert small < big and small <= big and big > small and big >= small
    assert small <= Money("1", "CNY") and small >= Money("1", "CNY")
    assert sorted([big, small]) == [small, big]
    with pytest.raises(AmountTypeError):
        small < 2  # type: ignore[operator]  # noqa: B015


def test_arithmetic_is_exact_whatever_the_thread_context() -> None:
    big = Money("12345678901234567890123456789.01", "CNY")
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        ctx.rounding = ROUND_DOWN
        assert (big + Money("0.01", "CNY")).amount == Decimal("12345678901234567890123456789.02")
        assert (big * 3).amount == Decimal("37037036703703703670370370367.03")
        assert (-big).amount == Decimal("-12345678901234567890123456789.01")
        assert big.round().amount == Decimal("12345678901234567890123456789.01")
        assert big.split(2)[0].amount == Decimal("6172839450617283945061728394.51")


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        ("2.345", ROUND_HALF_UP, "2.35"),
        ("2.345", ROUND_HALF_EVEN, "2.34"),
        ("2.355", ROUND_HALF_EVEN, "2.36"),
        ("-0.125", ROUND_HALF_UP, "-0.13"),
        ("2.349", ROUND_DOWN, "2.34"),
        ("7", ROUND_HALF_UP, "7.00"),
    ],
)
def test_round_to_minor_units(amount: str, mode: str, expected: str) -> None:
    assert str(Money(amount, "CNY").round(mode).amount) == expected


def test_round_uses_currency_decimals_and_overrides() -> None:
    assert str(Money("1234.5", "JPY").round().amount) == "1235"
    assert str(Money("1.23456", "KWD").round().amount) == "1.235"
    assert str(Money("1.23456", "CLF").round().amount) == "1.2346"
    assert str(Money("1.2345", "IQD").round(minor_units=3).amount) == "1.235"


@pytest.mark.parametrize("mode", ["HALF_UP", "round_half_up", None, 1])
def test_round_rejects_unknown_modes(mode: object) -> None:
    with pytest.raises(InvalidRounding, match=r"decimal\.ROUND_HALF_UP"):
        Money("1", "CNY").round(mode)  # type: ignore[arg-type]


@pytest.mark.parametrize("units", [-1, 19, True, "2", 2.0])
def test_round_rejects_bad_minor_units(units: object) -> None:
    with pytest.raises(InvalidRounding, match="minor_units"):
        Money("1", "CNY").round(minor_units=units)  # type: ignore[arg-type]


@given(money(extra_places=3), st.sampled_from(sorted(ROUNDING_MODES)))
def test_rounding_is_idempotent(m: Money, mode: str) -> None:
    once = m.round(mode)
    assert once.round(mode) == once
    assert once.round(ROUND_HALF_UP) == once  # a rounded amount is exact in minor units


@given(money(extra_places=3))
def test_rounding_moves_at_most_half_a_unit(m: Money) -> None:
    unit = Decimal(1).scaleb(-minor_units(m.currency))
    assert abs(m.round().amount - m.amount) <= unit / 2


# ---------------------------------------------------------------- algebra


@given(st.data(), currencies())
def test_addition_is_associative_and_commutative(data: st.DataObject, code: str) -> None:
    a, b, c = (data.draw(money(currency=code, extra_places=2)) for _ in range(3))
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert a - a == Money.zero(code)
    assert a + (-a) == Money.zero(code)
    assert sum([a, b, c]) == a + b + c


@given(money(), st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_multiplication_distributes(m: Money, x: int, y: int) -> None:
    assert m * (x + y) == m * x + m * y
    assert (m * x).amount == m.amount * x  # exact: compare with Python's int-scaled Decimal


# ---------------------------------------------------------------- allocation


def _reference_allocation(units: int, ratios: list[Fraction]) -> list[int]:
    """Largest remainder on exact fractions, written independently of the library."""
    total = sum(ratios)
    exact = [Fraction(abs(units)) * r / total for r in ratios]
    floors = [int(e) for e in exact]  # exact >= 0, so int() is floor
    left = abs(units) - sum(floors)
    order = sorted(range(len(ratios)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [-f for f in floors] if units < 0 else floors


def test_allocate_examples() -> None:
    parts = Money("100.00", "CNY").allocate([1, 1, 1])
    assert [str(p.amount) for p in parts] == ["33.34", "33.33", "33.33"]
    parts = Money("0.05", "CNY").allocate([3, 7])
    # exact shares 0.015 and 0.035: floors 1 and 3 fen, remainders .5 and .5 -> tie, first wins
    assert [str(p.amount) for p in parts] == ["0.02", "0.03"]
    parts = Money("-100.00", "CNY").allocate([1, 1, 1])
    assert [str(p.amount) for p in parts] == ["-33.34", "-33.33", "-33.33"]
    parts = Money("10", "JPY").allocate([Decimal("0.5"), Decimal("0.25"), Decimal("0.25")])
    assert [str(p.amount) for p in parts] == ["5", "3", "2"]
    parts = Money("1.00", "CNY").allocate([0, 1, 0])
    assert [str(p.amount) for p in parts] == ["0.00", "1.00", "0.00"]
    assert Money("1.500", "IQD").allocate([1, 2], minor_units=3) == (
        Money("0.5", "IQD"),
        Money("1", "IQD"),
    )


def test_allocate_accepts_any_iterable() -> None:
    assert len(Money("1.00", "CNY").allocate(iter([1, 2, 3]))) == 3
    assert len(Money("1.00", "CNY").allocate(r for r in (1, 2))) == 2


@pytest.mark.parametrize(
    ("ratios", "message"),
    [
        ([], "no ratios"),
        ([0, 0], "all zero"),
        ([1, -1], "negative"),
        ([Decimal("NaN")], "finite"),
        ([Decimal("-0.1"), 1], "negative"),
    ],
)
def test_allocate_rejects_bad_ratios(ratios: list[Decimal | int], message: str) -> None:
    with pytest.raises(AllocationError, match=message):
        Money("1.00", "CNY").allocate(ratios)


@pytest.mark.parametrize("ratio", [0.5, True, "1", None])
def test_allocate_rejects_non_numeric_ratios(ratio: object) -> None:
    with pytest.raises(AmountTypeError):
        Money("1.00", "CNY").allocate([1, ratio])  # type: ignore[list-item]


def test_allocate_rejects_amounts_finer_than_the_minor_unit() -> None:
    with pytest.raises(AllocationError, match=r"finer than 2 decimals; round it first"):
        Money("1.005", "CNY").allocate([1, 1])
    with pytest.raises(AllocationError):
        Money("1.5", "JPY").split(2)


def test_split_examples() -> None:
    parts = Money("1000.00", "CNY").split(12)
    assert [str(p.amount) for p in parts] == ["83.34"] * 4 + ["83.33"] * 8
    assert Money("1000.00", "CNY").split(1) == (Money("1000.00", "CNY"),)
    assert [str(p.amount) for p in Money("-0.10", "CNY").split(3)] == ["-0.04", "-0.03", "-0.03"]
    assert [str(p.amount) for p in Money("0.01", "CNY").split(3)] == ["0.01", "0.00", "0.00"]
    assert [str(p.amount) for p in Money("9.00", "CNY").split(3)] == ["3.00", "3.00", "3.00"]


@pytest.mark.parametrize("parts", [0, -3])
def test_split_rejects_fewer_than_one_part(parts: int) -> None:
    with pytest.raises(AllocationError, match="at least 1"):
        Money("1.00", "CNY").split(parts)


def test_split_rejects_non_int_parts() -> None:
    with pytest.raises(AmountTypeError):
        Money("1.00", "CNY").split(2.0)  # type: ignore[arg-type]


ratio_lists = st.lists(
    st.one_of(st.integers(0, 10_000), st.decimals(0, 100, places=3)), min_size=1, max_size=12
).filter(lambda rs: any(r > 0 for r in rs))


@given(money(), ratio_lists)
def test_allocation_matches_reference_and_sums_exactly(
    m: Money, ratios: list[Decimal | int]
) -> None:
    parts = m.allocate(ratios)
    assert sum(parts) == m
    assert all(p.currency == m.currency for p in parts)
    units = [p.to_minor_units() for p in parts]
    assert units == _reference_allocation(m.to_minor_units(), [Fraction(r) for r in ratios])


@given(money(), ratio_lists)
def test_allocation_respects_ratios_within_one_unit(m: Money, ratios: list[Decimal | int]) -> None:
    parts = m.allocate(ratios)
    total = sum(Fraction(r) for r in ratios)
    whole = Fraction(m.to_minor_units())
    for part, ratio in zip(parts, ratios, strict=True):
        exact = whole * Fraction(ratio) / total
        assert abs(Fraction(part.to_minor_units()) - exact) < 1
        if ratio == 0:
            assert part.is_zero()


@given(money(), ratio_lists)
def test_allocation_is_symmetric_for_negative_amounts(
    m: Money, ratios: list[Decimal | int]
) -> None:
    assert (-m).allocate(ratios) == tuple(-p for p in m.allocate(ratios))


@given(money(), st.integers(1, 60))
def test_split_parts_differ_by_at_most_one_unit(m: Money, n: int) -> None:
    parts = m.split(n)
    assert len(parts) == n
    assert sum(parts) == m
    units = [p.to_minor_units() for p in parts]
    assert max(units) - min(units) <= 1
    assert units == sorted(units, key=abs, reverse=True)  # earlier parts take the extra units
    assert parts == m.allocate([1] * n)


@given(money(currency="CNY"), st.integers(1, 24))
def test_split_agrees_with_divmod(m: Money, n: int) -> None:
    q, r = divmod(abs(m.to_minor_units()), n)
    expected = [q + 1] * r + [q] * (n - r)
    if m.is_negative():
        expected = [-x for x in expected]
    assert [p.to_minor_units() for p in m.split(n)] == expected


@given(money(currency="CNY"))
def test_division_then_round_matches_decimal(m: Money) -> None:
    assume(m.amount != 0)
    expected = (m.amount / Decimal(7)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (m / 7).round().amount == expected


# ---------------------------------------------------------------- edges found in review


def test_amounts_never_print_in_exponent_notation() -> None:
    assert repr(Money("100", "JPY") / Decimal("0.5")) == "Money('200', 'JPY')"
    assert str(Money(Decimal("1E+3"), "CNY")) == "1000 CNY"
    assert repr(Money.zero("CNY") * Decimal("0.00005")) == "Money('0.0000000', 'CNY')"


@pytest.mark.parametrize(
    "make",
    [
        lambda: -Money.zero("CNY"),
        lambda: Money("-0.001", "CNY").round(),
        lambda: Money("-0.00", "CNY"),
        lambda: Money(Decimal("-0"), "CNY"),
        lambda: Money.zero("CNY") * -1,
        lambda: Money.zero("CNY") * Decimal("-2.5"),
        lambda: Money.zero("CNY") / -3,
    ],
)
def test_zero_is_never_negative(make: Callable[[], Money]) -> None:
    m = make()
    assert m.is_zero()
    assert not m.amount.is_signed()
    assert not str(m).startswith("-")


def test_amounts_out_of_range_are_refused() -> None:
    with pytest.raises(InvalidAmount, match="out of range"):
        Money(Decimal("1E+10001"), "CNY")
    with pytest.raises(InvalidAmount, match="out of range"):
        Money(Decimal("1E-10001"), "CNY")
    with pytest.raises(InvalidAmount, match="out of range"):
        (Money("1", "CNY") * Decimal("1E+10001")).round()  # factors are checked lazily
    with pytest.raises(InvalidAmount, match="out of range"):
        Money("1.00", "CNY").allocate([Decimal("1E-100000000"), 1])
    assert Money(Decimal("1E+10000"), "CNY").amount == Decimal("1E+10000")


def test_large_quotients_keep_their_cents() -> None:
    big = Money("123456789012345678901234567890123.45", "CNY")
    assert (big / 1).amount == Decimal("123456789012345678901234567890123.45")
    quotient = (big / 3).amount
    assert quotient == Decimal("41152263004115226300411522630041.15")  # /3 is exact here
    third = (Money("1000000000000000000000000000000.00", "CNY") / 3).amount
    fraction = str(third).split(".")[1]
    assert len(fraction) >= 28
    assert set(fraction) == {"3"}


def test_str_subclass_currencies_are_stored_as_plain_text() -> None:
    class Currency(enum.StrEnum):
        CNY = "CNY"

    m = Money("1", Currency.CNY)
    assert type(m.currency) is str
    assert m == Money("1", "CNY")


def test_float_hints_fit_the_operation() -> None:
    with pytest.raises(AmountTypeError) as info:
        Money("1", "CNY") * 0.5  # type: ignore[operator]
    assert str(info.value).endswith("(floats are inexact; write Decimal('0.1'))")
    with pytest.raises(AmountTypeError) as info:
        Money("1", "CNY").split(2.0)  # type: ignore[arg-type]
    assert str(info.value) == "split takes an int, not float"


def test_zero_and_minor_units_overrides() -> None:
    assert repr(Money.zero("IQD", minor_units=3)) == "Money('0.000', 'IQD')"
    with pytest.raises(AllocationError, match=r"^cannot convert to minor units: "):
        Money("1.234", "CNY").to_minor_units()
    with pytest.raises(AllocationError, match=r"^cannot split: "):
        Money("1.234", "CNY").split(2)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None), currencies())
def test_equal_amounts_hash_alike_whatever_their_exponent(value: Decimal, code: str) -> None:
    assume(value.is_finite() and abs(value.adjusted()) < 1000)
    a = Money(value, code)
    b = Money(
        value.normalize(decimal.Context(prec=decimal.MAX_PREC)) if value else Decimal(0), code
    )
    sign, digits, exponent = value.as_tuple()
    padded = Decimal((sign, (*digits, 0, 0, 0), int(exponent) - 3))  # same value, 3 more zeros
    c = Money(padded, code)
    assert a == b == c
    assert hash(a) == hash(b) == hash(c)


def _reference_round(value: Fraction, mode: str) -> int:
    """Round a fraction to an integer under each decimal mode, written from the spec."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    floor = int(magnitude)  # magnitude >= 0: int() is floor
    rest = magnitude - floor
    half = Fraction(1, 2)
    if mode == ROUND_DOWN:
        up = False
    elif mode == decimal.ROUND_UP:
        up = rest > 0
    elif mode == decimal.ROUND_CEILING:
        up = rest > 0 and sign > 0
    elif mode == decimal.ROUND_FLOOR:
        up = rest > 0 and sign < 0
    elif mode == ROUND_HALF_UP:
        up = rest >= half
    elif mode == decimal.ROUND_HALF_DOWN:
        up = rest > half
    elif mode == ROUND_HALF_EVEN:
        up = rest > half or (rest == half and floor % 2 == 1)
    else:  # ROUND_05UP: away from zero only if the last digit kept is 0 or 5
        up = rest > 0 and floor % 10 in (0, 5)
    return sign * (floor + (1 if up else 0))


@given(money(extra_places=3), st.sampled_from(sorted(ROUNDING_MODES)))
def test_rounding_matches_an_independent_reference(m: Money, mode: str) -> None:
    places = minor_units(m.currency)
    scaled = Fraction(m.amount) * 10**places
    expected = Fraction(_reference_round(scaled, mode), 10**places)
    assert Fraction(m.round(mode).amount) == expected


@given(st.lists(money(currency="KWD", extra_places=2), max_size=30))
def test_total_adds_like_decimal_sum(amounts: list[Money]) -> None:
    total = Money.total(amounts, "KWD")
    assert total.currency == "KWD"
    assert total.amount == sum((m.amount for m in amounts), Decimal(0))
    assert int(total.amount.as_tuple().exponent) <= -3  # at least the currency's decimals


def test_total_of_nothing_is_zero_in_the_currency() -> None:
    assert repr(Money.total([], "CNY")) == "Money('0.00', 'CNY')"
    assert repr(Money.total(iter([]), "IQD", minor_units=3)) == "Money('0.000', 'IQD')"


def test_total_refuses_other_currencies_and_types() -> None:
    with pytest.raises(CurrencyMismatch):
        Money.total([Money("1", "CNY"), Money("1", "USD")], "CNY")
    with pytest.raises(AmountTypeError):
        Money.total([Money("1", "CNY"), Decimal(1)], "CNY")  # type: ignore[list-item]
    with pytest.raises(UnknownCurrency):
        Money.total([], "ABC")


def test_results_out_of_range_are_refused_where_they_are_made() -> None:
    with pytest.raises(InvalidAmount, match="out of range"):
        Money("1", "CNY") * Decimal("1E+100000000000")
    with pytest.raises(InvalidAmount, match="out of range"):
        Money("1", "CNY") * Decimal("1E-100000000000")
    with pytest.raises(InvalidAmount, match="out of range"):
        Money("1", "CNY") / Decimal("1E-20000")
    with pytest.raises(InvalidAmount, match="out of range"):
        Money.from_minor_units(10**20000, "CNY")
    with pytest.raises(InvalidAmount, match="out of range"):
        Money("1.00", "CNY").allocate([10**20000, 1])
    assert (Money("1", "CNY") * Decimal("1E+9999")).amount == Decimal("1E+9999")


@pytest.mark.parametrize("secret", ["Wang", "13812345678", "Alice Chen"])
def test_unknown_currency_messages_never_show_personal_data(secret: str) -> None:
    with pytest.raises(UnknownCurrency) as info:
        Money("1", secret)
    assert secret not in str(info.value)
    assert info.value.code == f"a string of {len(secret)} characters"


def test_near_miss_currency_codes_are_shown() -> None:
    with pytest.raises(UnknownCurrency) as info:
        Money("1", "cny")
    assert info.value.code == "'cny'"


@given(st.data())
def test_strategies_ignore_the_thread_decimal_context(data: st.DataObject) -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        value = data.draw(amounts(places=2, max_units=10**12))
    assert value.as_tuple().exponent == -2


def test_sums_beyond_the_range_are_refused_when_rounded_or_split() -> None:
    near_limit = Money(Decimal("9E+10000"), "CNY")
    too_big = near_limit + near_limit  # 1.8E+10001: additions are not checked
    with pytest.raises(InvalidAmount, match="out of range"):
        too_big.round()
    with pytest.raises(InvalidAmount, match="out of range"):
        too_big.split(2)
    with pytest.raises(InvalidAmount, match="out of range"):
        Money(Decimal("1E+10000"), "CNY") / Decimal("0.1")
