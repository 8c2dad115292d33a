from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Callable
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import ID_NUMBER, PERSONAL
from renewal_core import validators
from renewal_core.errors import ArgumentTypeError, InvalidField, RenewalError
from renewal_core.validators import (
    RESIDENT_ID_REGIONS,
    Validator,
    check_email,
    check_mainland_mobile,
    check_resident_id,
    check_unified_social_credit_code,
    check_vin,
    check_vin_without_check_digit,
    credit_code_check_character,
    resident_id_birth_date,
    resident_id_check_digit,
    vin_check_digit,
)

# ---------------------------------------------------------------- references
# Independent reference computations, written from the standards' own descriptions and
# in another form than the library's.

# GB/T 2260 province-level codes, as the brief of the validator lists them.
REGIONS = [
    *range(11, 16),
    *range(21, 24),
    *range(31, 38),
    *range(41, 47),
    *range(50, 55),
    *range(61, 66),
    *(71, 81, 82, 83),
]


def mod_11_2(digits: str) -> str:
    """ISO 7064 MOD 11-2, the recursive ("pure system") form of the standard."""
    carry = 0
    for digit in digits:
        carry = (carry + int(digit)) * 2 % 11
    check = (12 - carry) % 11
    return "X" if check == 10 else str(check)


def reference_resident_id(value: str) -> str | None:
    if len(value) != 18 or not all(c in "0123456789" for c in value[:17]):
        return "format"
    if value[17] not in "0123456789X":
        return "format"
    if int(value[:2]) not in REGIONS:
        return "region"
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900:
        return "birth_date"
    return None if mod_11_2(value[:17]) == value[17] else "check_digit"


CREDIT_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def reference_credit_character(body: str) -> str:
    total = sum(CREDIT_SET.index(char) * pow(3, index, 31) for index, char in enumerate(body))
    return CREDIT_SET[(31 - total % 31) % 31]


# The well-known transliteration trick: a character's value is its index in this string
# mod 10 (the dots stand for I, O, Q and the letters no VIN has).
VIN_TABLE = "0123456789.ABCDEFGH..JKLMN.P.R..STUVWXYZ"
VIN_WEIGHTS = "8765432X098765432"  # X stands for 10
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"


def vin_value(char: str) -> int:
    return VIN_TABLE.index(char) % 10


def reference_vin_digit(vin: str) -> str:
    total = sum(
        vin_value(char) * (10 if weight == "X" else int(weight))
        for char, weight in zip(vin, VIN_WEIGHTS, strict=True)
    )
    return "X" if total % 11 == 10 else str(total % 11)


def full_width(value: str) -> str:
    """The full-width forms of ASCII characters, which some input methods type."""
    return "".join(chr(ord(char) + 0xFEE0) for char in value)


def with_check(body: str, position: int, check: str) -> str:
    return body[:position] + check + body[position + 1 :]


# ---------------------------------------------------------------- module


def _ruff_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_complete_and_documented() -> None:
    assert validators.__all__ == sorted(validators.__all__, key=_ruff_key)
    assert validators.__doc__
    for name in validators.__all__:
        value = getattr(validators, name)
        if callable(value) and not name[0].isupper():
            assert value.__doc__, name
    checks: list[Validator] = [
        check_email,
        check_mainland_mobile,
        check_resident_id,
        check_unified_social_credit_code,
        check_vin,
        check_vin_without_check_digit,
        functools.partial(check_vin, check_digit=False),
    ]
    assert all(check("") == "format" for check in checks)


# ---------------------------------------------------------------- type errors

STR_FUNCTIONS: list[tuple[Callable[[Any], object], str]] = [
    (check_resident_id, "check_resident_id(value)"),
    (check_unified_social_credit_code, "check_unified_social_credit_code(value)"),
    (check_mainland_mobile, "check_mainland_mobile(value)"),
    (check_email, "check_email(value)"),
    (check_vin, "check_vin(value)"),
    (check_vin_without_check_digit, "check_vin_without_check_digit(value)"),
    (resident_id_check_digit, "resident_id_check_digit(first17)"),
    (resident_id_birth_date, "resident_id_birth_date(value)"),
    (credit_code_check_character, "credit_code_check_character(first17)"),
    (vin_check_digit, "vin_check_digit(vin)"),
]


@pytest.mark.parametrize(("function", "parameter"), STR_FUNCTIONS)
@pytest.mark.parametrize(
    ("value", "message_end"),
    [
        (None, "not NoneType"),
        (
            11010519491231002,
            "not int; pass the text as the host stores it (an int loses leading zeros)",
        ),
        (b"11010519491231002X", "not bytes; decode it first"),
        (bytearray(b"x"), "not bytearray; decode it first"),
        (["1"], "not list"),
        (1.5, "not float"),
    ],
)
def test_non_str_arguments_are_refused_not_converted(
    function: Callable[[Any], object], parameter: str, value: object, message_end: str
) -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        function(value)
    error = caught.value
    assert isinstance(error, TypeError)
    assert isinstance(error, RenewalError)
    assert str(error) == f"{parameter} takes a str, {message_end}"
    assert error.parameter == parameter
    assert error.expected == "a str"
    assert error.given_type == type(value).__name__


class Text(str):
    """A ``str`` subclass, as a ``StrEnum`` member or a host's own text type is."""

    __slots__ = ()


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (check_resident_id, "11010519491231002X", None),
        (check_unified_social_credit_code, "91350100M000100Y43", None),
        (check_mainland_mobile, "13812345678", None),
        (check_email, "a@example.com", None),
        (check_vin, "1M8GDM9AXKP042788", None),
        (check_vin_without_check_digit, "1M8GDM9AXKP042788", None),
        (resident_id_check_digit, "11010519491231002", "X"),
        (resident_id_birth_date, "11010519491231002X", pendulum.Date(1949, 12, 31)),
        (credit_code_check_character, "91350100M000100Y4", "3"),
        (vin_check_digit, "1M8GDM9AXKP042788", "X"),
    ],
)
def test_str_subclasses_are_read_as_text(
    function: Callable[[Any], object], value: str, expected: object
) -> None:
    assert function(Text(value)) == expected


def test_check_vin_refuses_a_non_bool_check_digit_flag() -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        check_vin("1M8GDM9AXKP042788", check_digit=1)  # type: ignore[arg-type]
    assert str(caught.value) == "check_vin(check_digit) takes True or False, not int"


# ---------------------------------------------------------------- resident ID

STANDARD_EXAMPLE = "11010519491231002X"  # the example of GB 11643-1999


def test_the_standard_example_is_valid() -> None:
    # 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3 + 1*7 + 2*9 + 3*10
    # + 1*5 + 0*8 + 0*4 + 2*2 = 167; 167 = 15*11 + 2; "10X98765432"[2] = "X".
    assert check_resident_id(STANDARD_EXAMPLE) is None
    assert resident_id_check_digit(STANDARD_EXAMPLE[:17]) == "X"
    assert resident_id_birth_date(STANDARD_EXAMPLE) == pendulum.Date(1949, 12, 31)
    assert isinstance(resident_id_birth_date(STANDARD_EXAMPLE), pendulum.Date)


def test_the_fixture_number_has_a_wrong_check_digit() -> None:
    # 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 1*4 + 1*2 + 9*1 + 9*6 + 0*3 + 0*7 + 3*9 + 0*10
    # + 7*5 + 1*8 + 2*4 + 3*2 = 174; 174 = 15*11 + 9; "10X98765432"[9] = "3", not "4".
    assert resident_id_check_digit(ID_NUMBER[:17]) == "3"
    assert check_resident_id(ID_NUMBER) == "check_digit"
    assert check_resident_id(ID_NUMBER[:17] + "3") is None


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002x",  # lower-case x is not turned into X
        "11010519491231002",  # 17 characters
        "11010519491231002X0",  # 19
        "110105491231002",  # a 15-digit number of before 1999
        " 11010519491231002X",
        "11010519491231002X ",
        "11010519491231002X\n",
        "110105 19491231002X",
        "1101051949123100X2",  # X is only the check character
        "A1010519491231002X",
        full_width("11010519491231002X"),
        "".join(chr(0x0660 + int(c)) for c in "11010519491231002") + "X",  # Arabic-Indic
        "11010519491231002Y",
        "",
    ],
)
def test_malformed_numbers_are_a_format_problem(value: str) -> None:
    assert check_resident_id(value) == "format"


@pytest.mark.parametrize("region", [f"{code:02d}" for code in range(100)])
def test_regions_are_the_province_level_codes(region: str) -> None:
    body = f"{region}010519491231002"
    value = body + mod_11_2(body)
    expected = None if int(region) in REGIONS else "region"
    assert check_resident_id(value) == expected
    assert (region in RESIDENT_ID_REGIONS) is (int(region) in REGIONS)


def test_region_set_is_exactly_the_listed_codes() -> None:
    assert {f"{code}" for code in REGIONS} == RESIDENT_ID_REGIONS
    assert len(RESIDENT_ID_REGIONS) == 35


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        ("19000101", None),  # the earliest day
        ("18991231", "birth_date"),
        ("00000101", "birth_date"),
        ("20000229", None),  # a leap day (2000 is a leap year)
        ("19000229", "birth_date"),  # 1900 is not a leap year
        ("20230229", "birth_date"),
        ("20240229", None),
        ("19491331", "birth_date"),  # month 13
        ("19490001", "birth_date"),  # month 0
        ("19491200", "birth_date"),  # day 0
        ("19490431", "birth_date"),  # 31 April
        ("99991231", None),  # no clock is read: a future day is not refused
    ],
)
def test_birth_dates_must_be_real_days_from_1900(born: str, problem: str | None) -> None:
    body = f"110105{born}002"
    value = body + mod_11_2(body)
    assert check_resident_id(value) == problem


def test_problems_are_reported_in_order() -> None:
    # A bad region, a bad birth date and a bad check digit: the region comes first.
    assert check_resident_id("99010519491331002X") == "region"
    assert check_resident_id("11010519491331002Y") == "format"
    assert check_resident_id("110105194913310020") == "birth_date"


@pytest.mark.parametrize("check", [c for c in "0123456789X" if c != "X"])
def test_every_other_check_character_is_refused(check: str) -> None:
    assert check_resident_id(STANDARD_EXAMPLE[:17] + check) == "check_digit"


@pytest.mark.parametrize("value", ["1101051949123100", "1101051949123100X", "1101051949123100 2"])
def test_check_digit_needs_seventeen_digits(value: str) -> None:
    with pytest.raises(InvalidField) as caught:
        resident_id_check_digit(value)
    error = caught.value
    assert (error.owner, error.field) == ("resident_id_check_digit", "first17")
    assert str(error) == (
        "resident_id_check_digit.first17: must be the first 17 characters of a resident "
        f"identity number, 17 digits 0-9, not a string of {len(value)} characters of another "
        "shape"
    )
    assert value not in f"{error} {error!r} {vars(error)}"


@pytest.mark.parametrize(
    ("value", "problem", "explained"),
    [
        (
            "11010519491231002x",
            "format",
            "it is not 17 digits 0-9 followed by a digit or an upper-case 'X'",
        ),
        ("99010519491231002X", "region", "its first two digits are not a province-level code"),
        ("110105194913310020", "birth_date", "its digits 7 to 14 are not a real day from 1900 on"),
        (
            ID_NUMBER,
            "check_digit",
            "its last character is not the check digit of the first 17 digits",
        ),
    ],
)
def test_birth_date_of_an_invalid_number_is_refused_without_the_number(
    value: str, problem: str, explained: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        resident_id_birth_date(value)
    error = caught.value
    assert str(error) == (
        f"resident_id_birth_date.value: is not a valid resident identity number (problem "
        f"{problem!r}: {explained}); check it with check_resident_id first"
    )
    text = f"{error} {error!r} {vars(error)}"
    assert value not in text
    assert value[:17] not in text
    assert error.__cause__ is None
    assert error.__context__ is None


_DIGITS = string.digits


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    area = draw(st.text(_DIGITS, min_size=4, max_size=4))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(9999, 12, 31)))
    sequence = draw(st.text(_DIGITS, min_size=3, max_size=3))
    body = f"{region}{area}{born:%Y%m%d}{sequence}"
    return body + mod_11_2(body)


@given(resident_ids())
def test_valid_bodies_with_their_check_digit_are_valid(value: str) -> None:
    assert check_resident_id(value) is None
    assert resident_id_check_digit(value[:17]) == value[17]
    born = resident_id_birth_date(value)
    assert f"{born:%Y%m%d}" == value[6:14]


@given(resident_ids(), st.integers(0, 17), st.data())
def test_any_single_substitution_is_detected(
    value: str, position: int, data: st.DataObject
) -> None:
    allowed = "0123456789X" if position == 17 else _DIGITS
    replacement = data.draw(st.sampled_from([c for c in allowed if c != value[position]]))
    changed = value[:position] + replacement + value[position + 1 :]
    problem = check_resident_id(changed)
    assert problem is not None
    assert problem == reference_resident_id(changed)


@given(st.text(alphabet="0123456789Xx ", max_size=20) | st.text(max_size=20))
def test_any_text_gets_the_reference_answer(value: str) -> None:
    assert check_resident_id(value) == reference_resident_id(value)


# ---------------------------------------------------------------- credit code

# Published codes of registered enterprises, the first also worked by hand.
PUBLISHED_CREDIT_CODES = [
    "91350100M000100Y43",
    "91110108551385082Q",
    "91440300708461136T",
    "914403001922038216",
    "91330100716105852F",
]


def test_credit_code_check_character_by_hand() -> None:
    # 91350100M000100Y4: code values 9 1 3 5 0 1 0 0 21 0 0 0 1 0 0 30 4, weights
    # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28: 9 + 3 + 27 + 135 + 0 + 26 + 0
    # + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640 = 52*31 + 28; 31 - 28 = 3.
    assert credit_code_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", PUBLISHED_CREDIT_CODES)
def test_published_credit_codes_are_valid(code: str) -> None:
    assert check_unified_social_credit_code(code) is None
    assert credit_code_check_character(code[:17]) == code[17]
    assert reference_credit_character(code[:17]) == code[17]


def test_a_remainder_of_zero_gives_check_character_zero() -> None:
    # 0 everywhere gives a sum of 0, so 31 - 0 = 31, written 0.
    assert credit_code_check_character("00000000000000000") == "0"
    assert check_unified_social_credit_code("000000000000000000") is None


@pytest.mark.parametrize(
    "value",
    [
        "91350100m000100Y43",  # lower case
        "91350100M000100y43",
        "9135010AM000100Y43",  # a letter among characters 3 to 8
        "91A50100M000100Y43",
        "91350100I000100Y43",  # I, O, S, V and Z are not in the set
        "91350100O000100Y43",
        "91350100S000100Y43",
        "91350100V000100Y43",
        "91350100Z000100Y43",
        "91350100M000100Y4",  # 17
        "91350100M000100Y433",  # 19
        " 91350100M000100Y43",
        "91350100M000100Y43\n",
        full_width("91350100M000100Y43"),
        "",
    ],
)
def test_malformed_credit_codes_are_a_format_problem(value: str) -> None:
    assert check_unified_social_credit_code(value) == "format"


@pytest.mark.parametrize("check", [c for c in CREDIT_SET if c != "3"])
def test_every_other_check_character_of_a_credit_code_is_refused(check: str) -> None:
    assert check_unified_social_credit_code(f"91350100M000100Y4{check}") == "check_character"


@pytest.mark.parametrize("value", ["91350100M000100Y", "9135010AM000100Y4", "91350100m000100Y4"])
def test_credit_code_check_character_needs_a_well_formed_body(value: str) -> None:
    with pytest.raises(InvalidField) as caught:
        credit_code_check_character(value)
    error = caught.value
    assert (error.owner, error.field) == ("credit_code_check_character", "first17")
    assert f"not a string of {len(value)} characters of another shape" in str(error)
    assert value not in str(error)


CREDIT_BODY = st.builds(
    lambda head, region, rest: head + region + rest,
    st.text(CREDIT_SET, min_size=2, max_size=2),
    st.text(_DIGITS, min_size=6, max_size=6),
    st.text(CREDIT_SET, min_size=9, max_size=9),
)


@given(CREDIT_BODY)
def test_credit_bodies_with_their_check_character_are_valid(body: str) -> None:
    check = credit_code_check_character(body)
    assert check == reference_credit_character(body)
    assert check_unified_social_credit_code(body + check) is None


@given(CREDIT_BODY, st.integers(0, 17), st.data())
def test_any_single_substitution_in_a_credit_code_is_detected(
    body: str, position: int, data: st.DataObject
) -> None:
    code = body + reference_credit_character(body)
    replacement = data.draw(st.sampled_from([c for c in CREDIT_SET if c != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    expected = "format" if 2 <= position < 8 and replacement not in _DIGITS else "check_character"
    assert check_unified_social_credit_code(changed) == expected


# ---------------------------------------------------------------- mobile


@pytest.mark.parametrize(
    "value",
    ["13812345678", "19912345678", "13000000000", "+8613812345678", "+86 13812345678"],
)
def test_mainland_mobiles_are_accepted(value: str) -> None:
    assert check_mainland_mobile(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",  # second digit 2
        "10812345678",
        "23812345678",  # not starting with 1
        "1381234567",  # 10 digits
        "138123456789",  # 12
        "138 1234 5678",
        "138-1234-5678",
        "+86  13812345678",  # two spaces
        "+86-13812345678",
        "(+86)13812345678",
        "008613812345678",
        "8613812345678",
        "86 13812345678",
        "+8513812345678",
        "+86 ",
        " 13812345678",
        "13812345678 ",
        "13812345678\n",
        full_width("13812345678"),
        "021-60000000",
        "",
    ],
)
def test_anything_else_is_not_a_mainland_mobile(value: str) -> None:
    assert check_mainland_mobile(value) == "format"


@given(
    st.sampled_from(["", "+86", "+86 "]),
    st.sampled_from("3456789"),
    st.text(_DIGITS, min_size=9, max_size=9),
)
def test_every_mobile_of_the_documented_shape_is_accepted(
    prefix: str, second: str, rest: str
) -> None:
    assert check_mainland_mobile(f"{prefix}1{second}{rest}") is None


@given(st.text(alphabet="0123456789+86 -", max_size=16))
def test_mobiles_are_exactly_the_documented_shape(value: str) -> None:
    national = (
        value.removeprefix("+86 ") if value.startswith("+86 ") else value.removeprefix("+86")
    )
    expected_valid = (
        len(national) == 11
        and all(c in _DIGITS for c in national)
        and national[0] == "1"
        and national[1] in "3456789"
    )
    assert (check_mainland_mobile(value) is None) is expected_valid


# ---------------------------------------------------------------- e-mail

ATEXT = "!#$%&'*+/=?^_`{|}~-"


@pytest.mark.parametrize(
    "value",
    [
        "zhang.san@example.com",
        "a@b.cn",
        "user+renewal@sub.example.com.cn",
        "Zhang.San@Example.COM",
        "o'brien@example.ie",
        f"{ATEXT}@example.com",
        "x@example.xn--fiqs8s",  # an internationalised TLD in its ASCII form
        "x@xn--fsqu00a.xn--fiqs8s",
        "x@a-b.example.com",
        "x@1.example.com",
        "x@123.example.com",
        "a" * 64 + "@example.com",
        "x@" + "a" * 63 + ".com",
    ],
)
def test_deliverable_addresses_are_accepted(value: str) -> None:
    assert check_email(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "zhang.san",
        "zhang.san@",
        "@example.com",
        "a@@example.com",
        "a@b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a..b@example.com",
        "a b@example.com",
        '"a b"@example.com',
        "a@example",  # a single label
        "a@example.c",  # a one-letter TLD
        "a@example.123",  # a numeric TLD
        "a@example.c0m",
        "a@example.xn--",
        "a@-example.com",
        "a@example-.com",
        "a@example.com-",
        "a@.example.com",
        "a@example..com",
        "a@example.com.",
        "a@[192.0.2.1]",
        "a@192.0.2.1",
        "a@例子.中国",  # not in its ASCII form
        "张三@example.com",
        "a@exa_mple.com",
        " a@example.com",
        "a@example.com ",
        "a@example.com\n",
        "a" * 65 + "@example.com",  # a local part of 65 characters
        "x@" + "a" * 64 + ".com",  # a label of 64
        "a(comment)@example.com",
        "a\\b@example.com",
    ],
)
def test_other_text_is_not_an_address(value: str) -> None:
    assert check_email(value) == "format"


def test_length_limits_of_address_and_domain() -> None:
    # 4 labels of 63 and ".cn": 4*63 + 3 dots + 3 = 258 > 253.
    long_domain = ".".join(["a" * 63] * 4) + ".cn"
    assert check_email("x@" + long_domain) == "format"
    # 3 labels of 63 + "b"*58 + ".cn": 63*3 + 58 + 4 dots + 2 = 253 characters.
    domain = ".".join(["a" * 63] * 3 + ["b" * 58, "cn"])
    assert len(domain) == 253
    assert check_email("x@" + domain) == "format"  # 255 in all, over 254
    domain = domain[1:]  # 252
    assert check_email("x@" + domain) is None  # 254 in all
    assert check_email("xy@" + domain) == "format"  # 255


@pytest.mark.parametrize(
    "value",
    [
        "a" * 200_000,
        "a." * 100_000 + "@example.com",
        "a@" + "a-" * 100_000 + "a.com",
        "a@" + "a." * 100_000,
        "@" * 200_000,
        ("a" * 63 + ".") * 3000 + "@",
    ],
)
def test_long_adversarial_input_is_refused(value: str) -> None:
    # Inputs that make a backtracking pattern take exponential time: with a linear
    # pattern this returns at once, with a bad one the suite would not finish.
    assert check_email(value) == "format"


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        # The patterns themselves run in linear time, without the length limit that
        # guards them: runs of atext with a dot or a bad character at the end, the
        # shapes that make a nested quantifier backtrack exponentially.
        ("_LOCAL_PART", "a" * 100_000 + "."),
        ("_LOCAL_PART", "a." * 50_000 + "@"),
        ("_LOCAL_PART", "a" * 100_000 + "..a"),
        ("_LABEL", "a-" * 100_000),
        ("_TOP_LEVEL", "xn--" + "a" * 100_000 + "."),
    ],
)
def test_email_patterns_are_linear_on_adversarial_input(pattern: str, value: str) -> None:
    compiled = getattr(validators, pattern)
    assert compiled.fullmatch(value) is None


LOCAL_ATOMS = st.text(
    alphabet=string.ascii_letters + string.digits + ATEXT, min_size=1, max_size=8
)
LABELS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10)
ADDRESSES = st.builds(
    lambda atoms, labels, tld: ".".join(atoms) + "@" + ".".join([*labels, tld]),
    st.lists(LOCAL_ATOMS, min_size=1, max_size=4),
    st.lists(LABELS, min_size=1, max_size=3),
    st.text(alphabet=string.ascii_letters, min_size=2, max_size=6),
)


@given(ADDRESSES)
def test_generated_addresses_are_accepted(value: str) -> None:
    assert check_email(value) is None


@given(ADDRESSES, st.data(), st.sampled_from(["@", " ", "..", "\n", "é", "[", '"']))
def test_a_forbidden_character_anywhere_is_refused(
    value: str, data: st.DataObject, inserted: str
) -> None:
    position = data.draw(st.integers(0, len(value)))
    assert check_email(value[:position] + inserted + value[position:]) == "format"


# ---------------------------------------------------------------- VIN


def test_vin_check_digits_by_hand() -> None:
    # 1M8GDM9A?KP042788: values 1 4 8 7 4 4 9 1 . 2 7 0 4 2 7 8 8, weights
    # 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2: 8 + 28 + 48 + 35 + 16 + 12 + 18 + 10 + 0
    # + 18 + 56 + 0 + 24 + 10 + 28 + 24 + 16 = 351 = 31*11 + 10: "X".
    assert vin_check_digit("1M8GDM9A0KP042788") == "X"
    assert check_vin("1M8GDM9AXKP042788") is None
    # All ones: the weights sum to 89 = 8*11 + 1: "1".
    assert vin_check_digit("11111111111111111") == "1"
    assert check_vin("11111111111111111") is None


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP042788", "11111111111111111", "5GZCZ43D13S812715"])
def test_known_vins_are_valid(vin: str) -> None:
    assert check_vin(vin) is None
    assert check_vin(vin, check_digit=False) is None
    assert check_vin_without_check_digit(vin) is None
    assert vin_check_digit(vin) == vin[8] == reference_vin_digit(vin)


@pytest.mark.parametrize(
    "vin",
    [
        "1M8GDM9AXKP04278",  # 16
        "1M8GDM9AXKP0427888",  # 18
        "1m8gdm9axkp042788",  # lower case
        "1M8GDM9AXKP04278I",  # I, O and Q are never used
        "1M8GDM9AXKP04278O",
        "1M8GDM9AXKP04278Q",
        "1M8GDM9AX KP04278",
        " 1M8GDM9AXKP042788",
        "1M8GDM9AXKP042788\n",
        full_width("1") + "M8GDM9AXKP042788",
        "",
    ],
)
def test_malformed_vins_are_a_format_problem(vin: str) -> None:
    assert check_vin(vin) == "format"
    assert check_vin(vin, check_digit=False) == "format"
    assert check_vin_without_check_digit(vin) == "format"


@pytest.mark.parametrize("check", [c for c in "0123456789" if c != "X"] + ["A", "Z"])
def test_a_wrong_check_digit_is_found_unless_switched_off(check: str) -> None:
    vin = with_check("1M8GDM9AXKP042788", 8, check)
    assert check_vin(vin) == "check_digit"
    assert check_vin(vin, check_digit=False) is None
    assert check_vin_without_check_digit(vin) is None
    assert functools.partial(check_vin, check_digit=False)(vin) is None


def test_european_vins_without_a_check_digit() -> None:
    vin = "WVWZZZ1JZ3W386752"  # a "Z" where the check digit would be
    assert check_vin(vin) == "check_digit"
    assert check_vin_without_check_digit(vin) is None


@pytest.mark.parametrize("vin", ["1M8GDM9A0KP04278", "1M8GDM9AIKP042788", "1m8GDM9A0KP042788"])
def test_vin_check_digit_needs_a_well_formed_vin(vin: str) -> None:
    with pytest.raises(InvalidField) as caught:
        vin_check_digit(vin)
    error = caught.value
    assert (error.owner, error.field) == ("vin_check_digit", "vin")
    assert str(error) == (
        "vin_check_digit.vin: must be 17 characters, digits and upper-case letters but I, O "
        f"and Q, not a string of {len(vin)} characters of another shape"
    )


VINS = st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17).map(
    lambda vin: with_check(vin, 8, reference_vin_digit(vin))
)


@given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17))
def test_vin_check_digit_matches_the_reference_and_ignores_position_9(vin: str) -> None:
    assert vin_check_digit(vin) == reference_vin_digit(vin)
    assert check_vin(with_check(vin, 8, reference_vin_digit(vin))) is None


@given(VINS, st.integers(0, 16), st.data())
def test_a_substitution_is_found_unless_it_keeps_the_transliterated_value(
    vin: str, position: int, data: st.DataObject
) -> None:
    # The weights are not 0 mod 11 (but that of the check position itself), and two
    # values differ by 1 to 9: a substitution changes the sum mod 11 unless the two
    # characters have the same value (A, J and 1; B, K, S and 2; ...).
    replacement = data.draw(st.sampled_from([c for c in VIN_ALPHABET if c != vin[position]]))
    changed = with_check(vin, position, replacement)
    found = check_vin(changed) == "check_digit"
    if position == 8:
        assert found
    else:
        assert found is (vin_value(replacement) != vin_value(vin[position]))
    assert check_vin(changed, check_digit=False) is None


def test_some_substitutions_are_not_found() -> None:
    # A and J both stand for 1: the check digit cannot tell them apart.
    assert check_vin("1M8GDM9JXKP042788") is None


# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize("value", [*PERSONAL, "11010519491231002x", "+86 13812345678"])
def test_no_problem_code_contains_the_value(value: str) -> None:
    checks: list[Validator] = [
        check_resident_id,
        check_unified_social_credit_code,
        check_mainland_mobile,
        check_email,
        check_vin,
    ]
    for check in checks:
        problem = check(value)
        assert problem in {
            None,
            "format",
            "region",
            "birth_date",
            "check_digit",
            "check_character",
        }


@pytest.mark.parametrize(
    ("value", "born"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31)),
        ("11010519491231002x", None),  # format
        ("99010519491231002X", None),  # region
        ("110105194912320025", None),  # birth date
        ("110105194912310020", None),  # check digit
    ],
)
def test_the_birth_date_of_a_valid_number_only(value: str, born: dt.date | None) -> None:
    assert validators._resident_id_birth(value) == born
