from __future__ import annotations

import inspect
import itertools
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from renewal_core import privacy
from renewal_core.model import Party, PartyKind
from renewal_core.privacy import mask_email, mask_id_number, mask_name, mask_phone

MASK = "*"

# Text without the mask character, so that every visible character is a revealed one.
unmasked_text = st.text(st.characters(blacklist_characters=MASK), max_size=40)
phone_separators = " -.()/"


# The country calling codes mask_phone documents, written out independently here.
CALLING_CODES = (
    *("86", "852", "853", "886", "1", "44", "49", "33"),
    *("81", "82", "65", "60", "61", "64", "66", "91"),
)
INTERNATIONAL_PREFIX = re.compile(rf"(\+|00)({'|'.join(CALLING_CODES)})")


def visible_count(masked: str) -> int:
    return sum(char != MASK for char in masked)


def test_all_is_sorted_and_lists_the_masking_functions() -> None:
    assert privacy.__all__ == sorted(privacy.__all__)
    assert privacy.__all__ == ["mask_email", "mask_id_number", "mask_name", "mask_phone"]
    for name in privacy.__all__:
        function = getattr(privacy, name)
        assert inspect.isfunction(function)
        assert function.__module__ == "renewal_core.privacy"
        assert list(inspect.signature(function).parameters) == ["value"]
        assert ">>> " + name + "(" in (function.__doc__ or "")
        # Every function masks something in a typical value, and returns a str.
        masked = function("zhang.san@example.com")
        assert type(masked) is str
        assert MASK in masked


# ---------------------------------------------------------------- ID numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110101199003071234", "110***********1234"),
        ("11010119900307123X", "110***********123X"),
        ("91350100M000100Y43", "913***********0Y43"),
        ("1234567890123456", "123*********3456"),
        ("123456789012345", "123*********345"),
        ("123456789012", "123******012"),
        ("E12345678", "E1*****78"),
        ("12345678", "12****78"),
        ("1234567", "******7"),
        ("1234", "***4"),
        ("123", "***"),
        ("1", "*"),
        ("", ""),
    ],
)
def test_mask_id_number(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected


@given(unmasked_text)
def test_mask_id_number_keeps_length_and_reveals_at_most_half(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert all(m in (MASK, v) for m, v in zip(masked, value, strict=True))
    assert visible_count(masked) <= len(value) // 2


@given(unmasked_text)
def test_mask_id_number_hides_a_contiguous_middle(value: str) -> None:
    masked = mask_id_number(value)
    hidden = [i for i, char in enumerate(masked) if char == MASK]
    # The visible characters are a prefix and a suffix: the hidden ones are contiguous,
    # and the masked middle never contains the original middle.
    if hidden:
        assert hidden == list(range(hidden[0], hidden[-1] + 1))
        assert masked[hidden[0] : hidden[-1] + 1] == MASK * len(hidden)
        assert value[hidden[0] : hidden[-1] + 1] not in masked
    assert visible_count(masked) <= 7


@given(st.text(st.characters(blacklist_characters=MASK), min_size=16, max_size=40))
def test_mask_id_number_long_values_show_3_and_4(value: str) -> None:
    masked = mask_id_number(value)
    assert masked == value[:3] + MASK * (len(value) - 7) + value[-4:]


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("+86 138-1234-5678", "+86 138-****-5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("+8613812345678", "+86138****5678"),
        ("008613812345678", "0086138****5678"),
        ("0086 138 1234 5678", "0086 138 **** 5678"),
        ("+ 86 138 1234 5678", "+ 86 138 **** 5678"),
        ("+1 (415) 555-0123", "+1 (***) ***-0123"),
        ("+44 20 7946 0958", "+44 ** **** 0958"),
        ("0044-20-7946-0958", "0044-**-****-0958"),
        ("+14155550123", "+1******0123"),
        ("+138 1234 5678", "+1** **** 5678"),
        ("+852 9123 4567", "+852 **** *567"),
        ("+85291234567", "+852*****567"),
        ("00853 2857 1234", "00853 **** *234"),
        ("+886 912 345 678", "+886 *** **5 678"),
        ("+44 7911 123456", "+44 **** **3456"),
        ("+49 30 12345678", "+49 ** ****5678"),
        ("+33 1 23 45 67 89", "+33 * ** ** 67 89"),
        ("+81 3-1234-5678", "+81 *-****-5678"),
        ("+82 2 312 3456", "+82 * *** *456"),
        ("+65 6123 4567", "+65 **** *567"),
        ("+60 3-2123 4567", "+60 *-**** 4567"),
        ("+61 2 9876 5432", "+61 * **** 5432"),
        ("+64 9 123 4567", "+64 * *** *567"),
        ("+66 2 123 4567", "+66 * *** *567"),
        ("+91 98765 43210", "+91 ***** *3210"),
        ("+7 495 123 4567", "+7 49* *** 4567"),
        ("+999 1234 5678", "+999 **** 5678"),
        ("00999 1234 5678", "009** **** 5678"),
        ("0012345678901", "001******8901"),
        ("021-87654321", "021-****4321"),
        ("(021) 8765 4321", "(021) **** 4321"),
        ("(+86) 138 1234 5678", "(+86) 138 **** 5678"),
        ("(+86)13812345678", "(+86)138****5678"),
        ("(+86) (21) 6000 0000", "(+86) (**) **** 0000"),
        ("(+852) 9123 4567", "(+852) **** *567"),
        ("(+1) 415 555 0123", "(+1) *** *** 0123"),
        ("(+7) 495 123 4567", "(+7) 49* *** 4567"),
        ("021 - 6000 0000", "021 - **** 0000"),
        ("021 / 6000 . 0000", "021 / **** . 0000"),
        ("0086 - 138 - 1234 - 5678", "0086 - 138 - **** - 5678"),
        ("87654321", "*****321"),
        ("4155550123", "******0123"),
        ("12345", "***45"),
        ("110", "**0"),
        ("12", "**"),
        ("1", "*"),
        ("+", "+"),
        ("", ""),
        ("---", "---"),
    ],
)
def test_mask_phone(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


phone_text = st.text(st.sampled_from("0123456789+ -.()/"), max_size=30)


@given(phone_text)
def test_mask_phone_keeps_length_and_separators(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    for m, v in zip(masked, value, strict=True):
        if v in phone_separators:
            assert m == v
        else:
            assert m in (MASK, v)


# International numbers: "+" or "00", a code of 1 to 3 digits (listed or not), a
# separator or none, and the rest of the number.
international_phones = st.from_regex(r"(\+|00)[0-9]{1,3}[ \-]?[0-9][0-9 \-]{0,16}", fullmatch=True)


@given(phone_text | international_phones)
@example("+123 12345678901")  # the first 3 digits are no calling code
@example("+138 1234 5678")  # a Chinese mobile number with a stray "+"
def test_mask_phone_reveals_at_most_seven_digits(value: str) -> None:
    masked = mask_phone(value)
    compact = "".join(char for char in value if char not in phone_separators)
    prefix = INTERNATIONAL_PREFIX.match(compact)
    # Digits of a listed calling code, and the 00 before it, are shown as they are; of
    # the national number at most 7 digits are shown.
    code_digits = 0 if prefix is None else len(prefix.group().removeprefix("+"))
    shown_digits = sum(char.isdigit() for char in masked)
    assert shown_digits - code_digits <= 7
    national_digits = sum(char.isdigit() for char in compact) - code_digits
    if compact.removeprefix("+").isdigit() and national_digits < 11:
        # A short national number shows fewer than half of its digits.
        assert 2 * (shown_digits - code_digits) < max(national_digits, 1)


@given(
    st.sampled_from(CALLING_CODES),
    st.sampled_from(["+", "00", "+ "]),
    st.sampled_from(["", " ", "-"]),
    st.from_regex(r"[1-9][0-9]{0,14}", fullmatch=True),
)
def test_mask_phone_keeps_a_listed_calling_code_and_masks_the_rest_alone(
    code: str, prefix: str, separator: str, national: str
) -> None:
    masked = mask_phone(f"{prefix}{code}{separator}{national}")
    assert masked == f"{prefix}{code}{separator}{mask_phone(national)}"


@given(
    st.from_regex(r"[2-9][0-9]{0,3}", fullmatch=True),
    st.from_regex(r"[0-9]{4,12}", fullmatch=True),
)
def test_mask_phone_treats_unlisted_codes_as_part_of_the_number(code: str, rest: str) -> None:
    if INTERNATIONAL_PREFIX.match(f"+{code}{rest}"):
        return  # starts with a listed code, tested above
    assert mask_phone(f"+{code} {rest}") == "+" + mask_phone(f"{code} {rest}")


# "00" starts an international prefix, so national numbers never start with it.
@given(st.text(st.sampled_from("0123456789"), max_size=30).filter(lambda v: v[:2] != "00"))
def test_mask_phone_national_numbers(value: str) -> None:
    masked = mask_phone(value)
    shown = visible_count(masked)
    if len(value) >= 11:
        assert masked == value[:3] + MASK * (len(value) - 7) + value[-4:]
    else:
        # Fewer than half are shown, and only at the end.
        assert 2 * shown < len(value) or not value
        assert masked[: len(value) - shown] == MASK * (len(value) - shown)


def mask_national(digits: str) -> str:
    """How the national number ``digits`` is masked, written out from the docs."""
    size = len(digits)
    if size >= 11:
        return digits[:3] + MASK * (size - 7) + digits[-4:]
    shown = min(4, (size - 1) // 2)
    return MASK * (size - shown) + digits[size - shown :]


# The separators Party accepts between groups of digits: a space, or one of "-", "."
# and "/" with or without a single space on either side.
GROUP_SEPARATORS = (
    *("", " "),
    *(f"{before}{sep}{after}" for sep in "-./" for before in ("", " ") for after in ("", " ")),
)


@st.composite
def accepted_phones(draw: st.DrawFn) -> tuple[str, str]:
    """A phone number in a form Party accepts, and its masked form."""
    code = draw(st.sampled_from(CALLING_CODES))
    prefix = draw(st.sampled_from(["", f"+{code}", f"(+{code})", f"00{code}"]))
    # A national number never starts with "00", which starts an international prefix.
    national = draw(st.from_regex(r"(?:0[1-9]|[1-9][0-9])[0-9]{3,13}", fullmatch=True))
    masked_national = iter(mask_national(national))
    cuts = draw(st.lists(st.integers(1, len(national) - 1), unique=True, max_size=6))
    bounds = [0, *sorted(cuts), len(national)]
    value, masked = prefix, prefix
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        separator = draw(st.sampled_from(GROUP_SEPARATORS)) if index or prefix else ""
        group = national[start:end]
        hidden = "".join(next(masked_national) for _ in group)
        if draw(st.booleans()):
            group, hidden = f"({group})", f"({hidden})"
        value += separator + group
        masked += separator + hidden
    return value, masked


@given(accepted_phones())
@example(("(+86) 138 1234 5678", "(+86) 138 **** 5678"))
@example(("(+86)13812345678", "(+86)138****5678"))
@example(("021 - 6000 0000", "021 - **** 0000"))
def test_mask_phone_masks_every_accepted_form(phone: tuple[str, str]) -> None:
    value, expected = phone
    assert Party("C-1", PartyKind.INDIVIDUAL, "张三", phone=value).phone == value
    masked = mask_phone(value)
    assert masked == expected
    # Without the oracle: a listed calling code stays, and of the national number at
    # most the first 3 and the last 4 digits show; fewer than half when it is shorter
    # than 11 digits.
    compact = "".join(char for char in value if char.isdigit() or char == "+")
    prefix = INTERNATIONAL_PREFIX.match(compact)
    skip = 0 if prefix is None else len(prefix.group().removeprefix("+"))
    digits = [i for i, char in enumerate(value) if char.isdigit()]
    national = digits[skip:]
    assert all(masked[i] == value[i] for i in digits[:skip])
    shown = {i for i in national if masked[i] != MASK}
    assert shown <= {*national[:3], *national[-4:]}
    if len(national) < 11:
        assert 2 * len(shown) < len(national)
    assert all(masked[i] == value[i] for i in range(len(value)) if i not in national)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_phone_chinese_mobiles(value: str) -> None:
    masked = mask_phone(value)
    assert masked == f"{value[:3]}****{value[-4:]}"
    assert value[3:7] not in masked[3:7]
    assert mask_phone("+86" + value) == "+86" + masked
    assert mask_phone("+86 " + value) == "+86 " + masked


@given(st.text(max_size=30))
def test_mask_phone_takes_any_text_and_only_masks(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    assert all(m in (MASK, v) for m, v in zip(masked, value, strict=True))


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zhang.san@example.com", "z***@example.com"),
        ("ZS@example.com", "Z***@example.com"),
        ("a@example.com", "***@example.com"),
        ("@example.com", "***@example.com"),
        ('"a@b"@example.com', '"***@example.com'),
        ("zhang.san@", "z***@"),
        ("not an address", "***"),
        ("", "***"),
    ],
)
def test_mask_email(value: str, expected: str) -> None:
    assert mask_email(value) == expected


@given(
    st.text(st.characters(blacklist_characters="@*"), min_size=2, max_size=30),
    st.text(st.characters(blacklist_characters="@"), max_size=30),
)
def test_mask_email_keeps_domain_and_first_char(local: str, domain: str) -> None:
    masked = mask_email(f"{local}@{domain}")
    assert masked == f"{local[0]}***@{domain}"
    # The rest of the local part, and its length, are hidden.
    assert mask_email(f"{local}{local}@{domain}") == masked


@given(st.text(max_size=40))
def test_mask_email_never_reveals_more_than_the_first_character(value: str) -> None:
    masked = mask_email(value)
    local, at, domain = value.rpartition("@")
    if at:
        shown = masked[: -len(domain) - 1] if domain else masked[:-1]
        assert shown.endswith("***")
        assert len(shown) <= 4
        assert shown[:-3] == (local[:1] if len(local) > 1 else "")
    else:
        assert masked == "***"


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("张", "*"),
        ("Zhang San", "Z**** S**"),
        ("Zhang  San ", "Z****  S** "),
        ("Li X", "L* *"),
        ("阿依古丽·买买提", "阿***·买**"),
        ("ジョン・スミス", "ジ**・ス**"),
        ("平安保险有限公司", "平*******"),
        ("", ""),
        ("   ", "   "),
    ],
)
def test_mask_name(value: str, expected: str) -> None:
    assert mask_name(value) == expected


@given(unmasked_text)
def test_mask_name_keeps_length_and_reveals_at_most_half(value: str) -> None:
    masked = mask_name(value)
    assert len(masked) == len(value)
    assert all(m in (MASK, v) for m, v in zip(masked, value, strict=True))
    letters = sum(not (char.isspace() or char in "·・") for char in value)
    shown = sum(m != MASK and not (m.isspace() or m in "·・") for m in masked)
    assert 2 * shown <= letters


@given(st.lists(st.text(st.characters(categories=["L"]), min_size=2, max_size=8), min_size=1))
def test_mask_name_shows_first_letter_of_each_word(words: list[str]) -> None:
    masked = mask_name(" ".join(words))
    assert masked.split(" ") == [w[0] + MASK * (len(w) - 1) for w in words]
