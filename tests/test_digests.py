from __future__ import annotations

import datetime as dt
import enum
import hashlib
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core._digests import _canonical, _digest
from renewal_core.money import Money
from renewal_core.workflows.engine import Role


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


class Colour(enum.Enum):
    RED = "red"
    ONE = 1


class Count(enum.IntEnum):
    ONE = 1


class Code(enum.StrEnum):
    ONE = "1"


@attrs.frozen
class Point:
    x: int
    label: str = attrs.field(repr=False)


@attrs.frozen
class Other:
    x: int
    label: str


POINT = f"{Point.__module__}.Point"


# ------------------------------------------------------------------ canonical forms


@pytest.mark.parametrize(
    ("value", "form"),
    [
        (None, None),
        ("1", "1"),
        ("", ""),
        (1, ["i", "1"]),
        (-12, ["i", "-12"]),
        (True, ["b", True]),
        (False, ["b", False]),
        (Decimal(1), ["d", "1"]),
        (Decimal("1.0"), ["d", "1"]),
        (Decimal("100.00"), ["d", "1E+2"]),
        (Decimal("1E+2"), ["d", "1E+2"]),
        (Decimal("0.25"), ["d", "0.25"]),
        (Decimal("-0.10"), ["d", "-0.1"]),
        (Decimal("-0"), ["d", "0"]),
        (Decimal("1E+5000"), ["d", "1E+5000"]),
        (Fraction(6, 4), ["q", "3/2"]),
        (Money("100.00", "CNY"), ["m", "1E+2", "CNY"]),
        (Money("0.5", "USD"), ["m", "0.5", "USD"]),
        (dt.date(2025, 3, 3), ["t", "2025-03-03"]),
        (pendulum.date(2025, 3, 3), ["t", "2025-03-03"]),
        (pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai"), ["t", "2025-03-03T09:00:00+08:00"]),
        (dt.datetime(2025, 3, 3, 1, tzinfo=dt.UTC), ["t", "2025-03-03T01:00:00+00:00"]),
        (Role.CLERK, ["e", "renewal_core.workflows.engine.Role.CLERK"]),
        (Colour.ONE, ["e", f"{Colour.__module__}.Colour.ONE"]),
        ({}, ["map", []]),
        ({"b": 1, "a": "x"}, ["map", [['"a"', "x"], ['"b"', ["i", "1"]]]]),
        ({1: None}, ["map", [['["i", "1"]', None]]]),
        ([], ["seq", []]),
        ([1, "a", None], ["seq", [["i", "1"], "a", None]]),
        ((1, "a"), ["seq", [["i", "1"], "a"]]),
        ({3, 1, 2}, ["set", [["i", "1"], ["i", "2"], ["i", "3"]]]),
        (frozenset({"b", "a"}), ["set", ["a", "b"]]),
        (Point(1, "p"), ["obj", POINT, [["x", ["i", "1"]], ["label", "p"]]]),
        ([{"k": (True,)}], ["seq", [["map", [['"k"', ["seq", [["b", True]]]]]]]]),
    ],
)
def test_canonical_forms(value: object, form: object) -> None:
    assert _canonical(value) == form


def test_the_digest_is_the_sha256_of_the_compact_json_form() -> None:
    assert _digest({}) == _sha('["map",[]]')
    assert _digest(None) == _sha("null")
    assert _digest("1") == _sha('"1"')
    assert _digest({"amount": Decimal("10.00")}) == _sha('["map",[["\\"amount\\"",["d","1E+1"]]]]')
    assert _digest("保单") == _sha('"\\u4fdd\\u5355"')  # ASCII only, non-ASCII escaped
    assert len(_digest(1)) == 64


# ------------------------------------------------------------------ types told apart


def test_a_str_an_int_a_bool_and_a_decimal_differ() -> None:
    digests = {
        _digest(value) for value in ("1", 1, True, Decimal(1), None, "True", Money(1, "CNY"))
    }
    assert len(digests) == 7


def test_dates_and_instants_differ() -> None:
    day = pendulum.date(2025, 3, 3)
    assert _digest(day) == _digest(dt.date(2025, 3, 3))
    assert _digest(day) != _digest(pendulum.datetime(2025, 3, 3, tz="UTC"))
    assert _digest(day) != _digest("2025-03-03")
    # An instant is written with its offset: the same instant in two zones differs.
    shanghai = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
    assert _digest(shanghai) != _digest(shanghai.in_timezone("UTC"))


def test_enum_members_differ_from_their_values_and_from_each_other() -> None:
    assert _digest(Colour.RED) != _digest("red")
    assert _digest(Colour.ONE) != _digest(1)
    assert _digest(Colour.RED) != _digest(Colour.ONE)
    assert _digest(Role.CLERK) != _digest(Role.MANAGER)


def test_money_differs_by_currency_and_amount_but_not_by_trailing_zeros() -> None:
    assert _digest(Money("100.00", "CNY")) == _digest(Money("100", "CNY"))
    assert _digest(Money("100", "CNY")) != _digest(Money("100", "USD"))
    assert _digest(Money("100", "CNY")) != _digest(Money("100.01", "CNY"))
    assert _digest(Money("100", "CNY")) != _digest(Decimal(100))


def test_mappings_ignore_key_order_and_tell_keys_apart() -> None:
    assert _digest({"a": 1, "b": 2}) == _digest({"b": 2, "a": 1})
    assert _digest({"a": 1}) != _digest({"a": 2})
    assert _digest({"1": "x"}) != _digest({1: "x"})
    assert _digest({"a": None}) != _digest({})


def test_sets_ignore_order_and_sequences_keep_it() -> None:
    assert _digest({"a", "b", "c"}) == _digest(frozenset({"c", "b", "a"}))
    assert _digest([1, 2]) != _digest([2, 1])
    # A list and a tuple of equal items are alike: a payload read back from JSON holds
    # lists where the host gave tuples, and keeps its digest.
    assert _digest(("a", 1)) == _digest(["a", 1])


def test_attrs_instances_are_written_field_by_field() -> None:
    assert _digest(Point(1, "p")) == _digest(Point(1, "p"))
    assert _digest(Point(1, "p")) != _digest(Point(1, "q"))  # a field left out of repr counts
    assert _digest(Point(1, "p")) != _digest(Other(1, "p"))  # the class counts
    assert _digest(Point(1, "p")) != _digest({"x": 1, "label": "p"})


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (1.5, "float"),
        (b"1", "bytes"),
        (object(), "object"),
        ({"a": [1.0]}, "float"),
        (1j, "complex"),
        (Point(1.5, "p"), "float"),  # type: ignore[arg-type]
    ],
)
def test_unsupported_types_are_refused(value: object, name: str) -> None:
    with pytest.raises(TypeError) as error:
        _digest(value)
    assert str(error.value) == f"no canonical form for a value of type {name}"


def test_decimals_without_a_value_are_refused() -> None:
    for special in ("NaN", "sNaN", "Infinity", "-Infinity"):
        with pytest.raises((TypeError, ValueError, OverflowError)):
            _digest(Decimal(special))


def test_a_sequence_of_strs_differs_from_a_scalar() -> None:
    assert _digest(["i", "1"]) != _digest(1)
    assert _digest(["d", "1"]) != _digest(Decimal(1))
    assert _digest(["map", []]) != _digest({})


def test_a_set_differs_from_a_sequence() -> None:
    assert _digest({"a"}) != _digest(["a"])


def test_int_and_str_enum_members_are_written_by_class_and_name() -> None:
    assert _digest(Count.ONE) != _digest(1)
    assert _digest(Code.ONE) != _digest("1")


# ------------------------------------------------------------------ properties


@given(
    coefficient=st.integers(min_value=-(10**30), max_value=10**30),
    exponent=st.integers(min_value=-30, max_value=30),
    zeros=st.integers(min_value=0, max_value=10),
)
def test_equal_decimals_written_differently_have_one_digest(
    coefficient: int, exponent: int, zeros: int
) -> None:
    plain = Decimal(f"{coefficient}E{exponent}")
    padded = Decimal(f"{coefficient * 10**zeros}E{exponent - zeros}")  # trailing zeros added
    assert plain == padded
    assert _digest(plain) == _digest(padded)
    money = Money(f"{coefficient}.{'0' * zeros}" if zeros else str(coefficient), "CNY")
    assert _digest(money) == _digest(Money(coefficient, "CNY"))


_DECIMALS = st.decimals(
    min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False
)


@given(first=_DECIMALS, second=_DECIMALS)
def test_decimals_have_one_digest_exactly_when_equal(first: Decimal, second: Decimal) -> None:
    assert (_digest(first) == _digest(second)) == (first == second)


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=5),
    _DECIMALS,
    st.sampled_from(list(Role)),
)


@given(
    items=st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), _VALUES, max_size=8),
    data=st.data(),
)
def test_a_mappings_digest_ignores_the_order_of_its_keys(
    items: dict[object, object], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(list(items.items())))
    again: Mapping[object, object] = dict(shuffled)
    assert _digest(again) == _digest(items)
    assert _digest({"payload": again}) == _digest({"payload": items})


def test_zones_are_written_by_name_or_offset() -> None:
    assert _canonical(pendulum.timezone("Asia/Shanghai")) == ["z", "Asia/Shanghai"]
    assert _canonical(zoneinfo.ZoneInfo("Europe/Berlin")) == ["z", "Europe/Berlin"]
    assert _canonical(pendulum.FixedTimezone(8 * 3600)) == ["z", "+08:00"]
    assert _digest(pendulum.timezone("Asia/Shanghai")) != _digest(pendulum.timezone("Asia/Tokyo"))
