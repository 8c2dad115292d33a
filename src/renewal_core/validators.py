"""Validators of identity numbers, contact details and vehicle numbers.

A :data:`Validator` is a pure function that takes a ``str`` and returns ``None``
when the value is valid, or a short, stable problem code when it is not:

* ``"format"``: the value does not have the shape of the identifier (length,
  characters, separators);
* ``"region"``: a resident identity number's first two digits are not a
  province-level code (see :data:`RESIDENT_ID_REGIONS`);
* ``"birth_date"``: a resident identity number's birth date is not a real day, or
  is before 1900;
* ``"check_digit"`` / ``"check_character"``: the value has the right shape, but
  its check digit (resident identity numbers, VINs) or check character (unified
  social credit codes) does not match the rest, as after a typing error.

The problems are checked in the order listed and the first one found is returned.
A problem code never contains the value, so it can go into a log, a
:class:`~renewal_core.reasons.Reason` or a report as it is. Nothing is cleaned up
or converted first: surrounding spaces, full-width digits and a lower-case check
character are all refused with ``"format"``, so what is accepted is exactly what is
stored. A value that is not a ``str`` at all (``None``, an ``int``, ``bytes``) is
refused with :class:`~renewal_core.errors.ArgumentTypeError`, since it is a fault
of the caller, not a finding about the customer's data.

>>> from renewal_core.validators import check_resident_id, resident_id_birth_date
>>> check_resident_id("11010519491231002X") is None  # the example of GB 11643
True
>>> check_resident_id("110105194912310021")
'check_digit'
>>> check_resident_id("11010519491331002X")
'birth_date'
>>> resident_id_birth_date("11010519491231002X")
Date(1949, 12, 31)

The companions :func:`resident_id_check_digit`, :func:`credit_code_check_character`
and :func:`vin_check_digit` compute the check character of a number being built,
for test data or for telling a typing error from a wrong number.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Final, NoReturn, TypeAlias

import pendulum

from renewal_core.errors import ArgumentTypeError, InvalidField

__all__ = [
    "RESIDENT_ID_REGIONS",
    "Validator",
    "check_email",
    "check_mainland_mobile",
    "check_resident_id",
    "check_unified_social_credit_code",
    "check_vin",
    "check_vin_without_check_digit",
    "credit_code_check_character",
    "resident_id_birth_date",
    "resident_id_check_digit",
    "vin_check_digit",
]

Validator: TypeAlias = Callable[[str], "str | None"]
"""The type of a check of one text value, which returns ``None`` or a problem code.

The code is lower-case words of letters, digits and ``_``, each starting with a
letter, joined by dots (such as ``"format"`` or ``"check_digit"``), never the value
itself or any part of it. A
validator takes any ``str`` without raising.
"""


def _text(value: object, parameter: str) -> str:
    """Return ``value`` if it is a ``str``; refuse anything else without converting it."""
    if not isinstance(value, str):
        raise ArgumentTypeError(type(value).__name__, parameter, "a str")
    return value


def _refuse(function: str, parameter: str, reason: str) -> NoReturn:
    """Refuse a ``str`` argument that is not what ``function`` needs, without showing it."""
    raise InvalidField(function, parameter, reason)


# --------------------------------------------------------------------------- resident ID

RESIDENT_ID_REGIONS: Final = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83"),
    }
)
"""The first two digits a resident identity number may start with.

The province-level codes of GB/T 2260: 11-15 (Beijing, Tianjin, Hebei, Shanxi, Inner
Mongolia), 21-23 (Liaoning, Jilin, Heilongjiang), 31-37 (Shanghai, Jiangsu,
Zhejiang, Anhui, Fujian, Jiangxi, Shandong), 41-46 (Henan, Hubei, Hunan, Guangdong,
Guangxi, Hainan), 50-54 (Chongqing, Sichuan, Guizhou, Yunnan, Tibet), 61-65
(Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang) and 71 (Taiwan); and 81, 82 and 83, with
which the residence permits of residents of Hong Kong, Macao and Taiwan start (they
follow GB 11643 too).

:meta hide-value:
"""

# Seventeen ASCII digits, then an ASCII digit or an upper-case "X".
_RESIDENT_ID: Final = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS_17: Final = re.compile(r"[0-9]{17}")
# ISO 7064 MOD 11-2: the weight of the digit at index i (0 to 16) is 2**(17 - i) mod 11.
_RESIDENT_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK: Final = "10X98765432"  # indexed by the weighted sum mod 11
_EARLIEST_BIRTH_YEAR: Final = 1900
_RESIDENT_ID_PROBLEMS: Final = {
    "format": "it is not 17 digits 0-9 followed by a digit or an upper-case 'X'",
    "region": "its first two digits are not a province-level code",
    "birth_date": "its digits 7 to 14 are not a real day from 1900 on",
    "check_digit": "its last character is not the check digit of the first 17 digits",
}


def _resident_id_digit(first17: str) -> str:
    total = sum(map(operator.mul, map(int, first17), _RESIDENT_ID_WEIGHTS))
    return _RESIDENT_ID_CHECK[total % 11]


def _birth_day(value: str) -> dt.date | None:
    """The day of digits 7 to 14 (``YYYYMMDD``) of a well-formed number, if it is one."""
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if year < _EARLIEST_BIRTH_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def check_resident_id(value: str) -> str | None:
    """Check a Chinese resident identity number (居民身份证号码, GB 11643-1999).

    A valid number has 18 characters: 17 ASCII digits and a check character, an
    ASCII digit or an upper-case ``X``. The problems, checked in this order:

    * ``"format"``: any other length or character, a lower-case ``x`` included (it
      is not turned into ``X``: store the number as issued), and the 15-digit
      numbers issued before 1999;
    * ``"region"``: the first two digits are not in :data:`RESIDENT_ID_REGIONS`;
    * ``"birth_date"``: characters 7 to 14 are not a real day ``YYYYMMDD``, or a
      day before 1900. A day in the future is not refused: no clock is read here;
      compare :func:`resident_id_birth_date` with your own ``as_of`` day;
    * ``"check_digit"``: the 18th character is not the ISO 7064 MOD 11-2 check
      character of the first 17 (see :func:`resident_id_check_digit`).

    Args:
        value: the number as the host stores it.

    Returns:
        ``None`` when the number is valid, else the problem code.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``.

    >>> check_resident_id("11010519491231002X") is None
    True
    >>> [check_resident_id(v) for v in ("11010519491231002x", "99010519491231002X")]
    ['format', 'region']
    """
    _text(value, "check_resident_id(value)")
    return _resident_id_problem(value)


def _resident_id_birth(value: str) -> dt.date | None:
    """The birth date of a valid resident identity number, ``None`` when it is not valid."""
    if _RESIDENT_ID.fullmatch(value) is None or value[:2] not in RESIDENT_ID_REGIONS:
        return None
    born = _birth_day(value)
    if born is None or value[17] != _resident_id_digit(value[:17]):
        return None
    return born


def _resident_id_problem(value: str) -> str | None:
    if _RESIDENT_ID.fullmatch(value) is None:
        return "format"
    if value[:2] not in RESIDENT_ID_REGIONS:
        return "region"
    if _birth_day(value) is None:
        return "birth_date"
    if value[17] != _resident_id_digit(value[:17]):
        return "check_digit"
    return None


def resident_id_check_digit(first17: str) -> str:
    """Return the check character of the first 17 digits of a resident identity number.

    ISO 7064 MOD 11-2, as GB 11643 uses it: the digit at position *i* (from 0)
    is weighted by ``2**(17 - i) % 11`` (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
    5, 8, 4, 2); the sum's remainder mod 11, *r*, picks the character
    ``"10X98765432"[r]``.

    Args:
        first17: exactly 17 ASCII digits; the region and the birth date are not
            checked here.

    Returns:
        ``"0"`` to ``"9"`` or ``"X"``.

    Raises:
        ArgumentTypeError: ``first17`` is not a ``str``.
        InvalidField: ``first17`` is not 17 ASCII digits (it is not shown).

    >>> resident_id_check_digit("11010519491231002")
    'X'
    """
    _text(first17, "resident_id_check_digit(first17)")
    if _DIGITS_17.fullmatch(first17) is None:
        _refuse(
            "resident_id_check_digit",
            "first17",
            f"must be the first 17 characters of a resident identity number, 17 digits "
            f"0-9, not a string of {len(first17)} characters of another shape",
        )
    return _resident_id_digit(first17)


def resident_id_birth_date(value: str) -> pendulum.Date:
    """Return the birth date a valid resident identity number holds (characters 7-14).

    Args:
        value: a resident identity number.

    Returns:
        The birth date, a :class:`pendulum.Date`.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``.
        InvalidField: ``value`` is not a valid resident identity number (what
            :func:`check_resident_id` finds is in the message, the number is not);
            check it with :func:`check_resident_id` first.

    >>> resident_id_birth_date("11010519491231002X")
    Date(1949, 12, 31)
    >>> resident_id_birth_date("110105194912310021")
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: resident_id_birth_date.value: is not a valid resident \
identity number (problem 'check_digit': its last character is not the check digit of the first \
17 digits); check it with check_resident_id first
    """
    _text(value, "resident_id_birth_date(value)")
    problem = _resident_id_problem(value)
    if problem is not None:
        _refuse(
            "resident_id_birth_date",
            "value",
            f"is not a valid resident identity number (problem {problem!r}: "
            f"{_RESIDENT_ID_PROBLEMS[problem]}); check it with check_resident_id first",
        )
    return pendulum.Date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


# --------------------------------------------------------------------------- credit code

# The 31 characters of GB 32100-2015, in the order of their code values 0 to 30: the
# digits and the upper-case letters but I, O, S, V and Z.
_CREDIT_CODE_CHARACTERS: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUES: Final = {char: value for value, char in enumerate(_CREDIT_CODE_CHARACTERS)}
_CREDIT_CHAR: Final = "[0-9A-HJ-NP-RTUWXY]"  # the same 31 characters
# Two characters (registration authority, organisation type), six digits (the
# administrative region), nine (the organisation code) and the check character.
_CREDIT_CODE: Final = re.compile(f"{_CREDIT_CHAR}{{2}}[0-9]{{6}}{_CREDIT_CHAR}{{10}}")
_CREDIT_BODY: Final = re.compile(f"{_CREDIT_CHAR}{{2}}[0-9]{{6}}{_CREDIT_CHAR}{{9}}")
# The weight of the character at index i (0 to 16) is 3**i mod 31.
_CREDIT_CODE_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_MODULUS: Final = 31


def _credit_code_character(first17: str) -> str:
    total = sum(
        _CREDIT_CODE_VALUES[char] * weight
        for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return _CREDIT_CODE_CHARACTERS[-total % _CREDIT_CODE_MODULUS]


def check_unified_social_credit_code(value: str) -> str | None:
    """Check an organisation's unified social credit code (统一社会信用代码, GB 32100-2015).

    A valid code has 18 characters from the 31 of the standard, the digits and the
    upper-case letters except ``I``, ``O``, ``S``, ``V`` and ``Z``; characters 3 to 8
    (the administrative region) are digits; the 18th is the check character of the
    first 17 (see :func:`credit_code_check_character`). The problems, in this order:

    * ``"format"``: any other length or character (lower-case letters included), or
      a letter among characters 3 to 8. The registration authority and organisation
      type codes (characters 1 and 2) are not checked against their lists, which
      grow.
    * ``"check_character"``: the 18th character does not match.

    Args:
        value: the code as the host stores it.

    Returns:
        ``None`` when the code is valid, else the problem code.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``.

    >>> check_unified_social_credit_code("91110108551385082Q") is None
    True
    >>> check_unified_social_credit_code("91110108551385082R")
    'check_character'
    """
    _text(value, "check_unified_social_credit_code(value)")
    if _CREDIT_CODE.fullmatch(value) is None:
        return "format"
    if value[17] != _credit_code_character(value[:17]):
        return "check_character"
    return None


def credit_code_check_character(first17: str) -> str:
    """Return the check character of the first 17 characters of a unified social credit code.

    GB 32100-2015: each character's code value (its position in
    ``0123456789ABCDEFGHJKLMNPQRTUWXY``) is weighted by ``3**i % 31`` for
    position *i* from 0 (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30,
    28); the check value is 31 minus the sum's remainder mod 31, with 31 written as
    0, and the check character is the character of that code value.

    Args:
        first17: 17 characters of the standard's set, characters 3 to 8 digits.

    Returns:
        One of the 31 characters.

    Raises:
        ArgumentTypeError: ``first17`` is not a ``str``.
        InvalidField: ``first17`` does not have that shape (it is not shown).

    >>> credit_code_check_character("91110108551385082")
    'Q'
    """
    _text(first17, "credit_code_check_character(first17)")
    if _CREDIT_BODY.fullmatch(first17) is None:
        _refuse(
            "credit_code_check_character",
            "first17",
            "must be the first 17 characters of a unified social credit code (digits "
            "and upper-case letters but I, O, S, V and Z; characters 3 to 8 digits), not "
            f"a string of {len(first17)} characters of another shape",
        )
    return _credit_code_character(first17)


# --------------------------------------------------------------------------- mobile


# Eleven ASCII digits, "1" then 3-9, after an optional "+86" or "+86 ".
_MAINLAND_MOBILE: Final = re.compile(r"(?:\+86 ?)?1[3-9][0-9]{9}")


def check_mainland_mobile(value: str) -> str | None:
    """Check a mainland China mobile number (手机号码).

    Accepted: 11 ASCII digits, the first ``1`` and the second ``3`` to ``9``
    (``"13812345678"``), optionally preceded by ``"+86"`` or by ``"+86 "`` with one
    space. Nothing else: no other prefix (``"0086"``, ``"86"``, ``"(+86)"``), no
    spaces, hyphens or other separators between digits, no surrounding spaces.
    Landlines and numbers of other countries are not mobile numbers and are
    refused. The problem is always ``"format"``.

    Args:
        value: the number as the host stores it.

    Returns:
        ``None`` when the number is valid, else ``"format"``.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``.

    >>> [check_mainland_mobile(v) for v in ("13812345678", "+86 13812345678", "138 1234 5678")]
    [None, None, 'format']
    """
    _text(value, "check_mainland_mobile(value)")
    return None if _MAINLAND_MOBILE.fullmatch(value) is not None else "format"


# --------------------------------------------------------------------------- e-mail

# Each pattern below is matched against one part of the address, split on "@" and "."
# first, and none has a quantifier inside another that could match the same text, so
# each takes time linear in its input; the address is at most 254 characters anyway.
# The local part: dot-atoms, runs of atext characters (RFC 5322) joined by single dots.
_ATEXT: Final = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
_LOCAL_PART: Final = re.compile(f"{_ATEXT}+(?:\\.{_ATEXT}+)*")
_LABEL: Final = re.compile(r"[A-Za-z0-9\-]{1,63}")  # no leading or trailing "-": see below
_TOP_LEVEL: Final = re.compile(r"[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9\-]{1,59}")
_EMAIL_MAX: Final = 254
_LOCAL_MAX: Final = 64
_DOMAIN_MAX: Final = 253


def check_email(value: str) -> str | None:
    """Check an e-mail address, pragmatically: the addresses mail systems deliver to.

    Accepted: ``local@domain``, at most 254 characters, with exactly one ``@``:

    * the local part: 1 to 64 characters, ASCII letters, digits and
      ``!#$%&'*+/=?^_`{|}~-``, and dots that neither start nor end it nor follow
      one another (``"zhang.san+renewal"``). Quoted local parts (``"a b"@x.cn``)
      are refused, as few mail systems take them;
    * the domain: at most 253 characters, two or more labels joined by dots, each
      label 1 to 63 ASCII letters, digits and hyphens, neither starting nor ending
      with a hyphen; the last label (the top-level domain) is 2 or more letters, or
      an internationalised one in its ASCII form (``xn--fiqs8s`` for 中国). An
      internationalised domain is accepted in that ASCII (punycode, ``xn--``) form
      only: convert ``例子.中国`` to it before checking. Address literals
      (``user@[192.0.2.1]``) are refused.

    Letters may be of either case. The problem is always ``"format"``.

    Args:
        value: the address as the host stores it.

    Returns:
        ``None`` when the address is valid, else ``"format"``.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``.

    >>> [check_email(v) for v in ("zhang.san@example.com.cn", "a..b@example.com", "a@example")]
    [None, 'format', 'format']
    """
    _text(value, "check_email(value)")
    if len(value) > _EMAIL_MAX:
        return "format"
    local, _, domain = value.partition("@")
    if (
        not domain
        or "@" in domain
        or len(local) > _LOCAL_MAX
        or len(domain) > _DOMAIN_MAX
        or _LOCAL_PART.fullmatch(local) is None
    ):
        return "format"
    labels = domain.split(".")
    if len(labels) < 2 or _TOP_LEVEL.fullmatch(labels[-1]) is None:
        return "format"
    for label in labels:
        if _LABEL.fullmatch(label) is None or label[0] == "-" or label[-1] == "-":
            return "format"
    return None


# --------------------------------------------------------------------------- VIN


# ISO 3779: 17 characters, the digits and the upper-case letters but I, O and Q.
_VIN: Final = re.compile(r"[0-9A-HJ-NPR-Z]{17}")
_VIN_VALUES: Final = {
    **{digit: int(digit) for digit in "0123456789"},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS: Final = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHECK_POSITION: Final = 8  # the 9th character


def _vin_digit(vin: str) -> str:
    total = sum(_VIN_VALUES[char] * weight for char, weight in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_vin(value: str, *, check_digit: bool = True) -> str | None:
    """Check a vehicle identification number (车辆识别代号, ISO 3779).

    A valid VIN has 17 characters, the ASCII digits and upper-case letters except
    ``I``, ``O`` and ``Q`` (problem ``"format"`` otherwise, lower-case letters
    included). With ``check_digit`` (the default), its 9th character must also be
    the check digit of the others (problem ``"check_digit"``; see
    :func:`vin_check_digit`): China (GB 16735) and North America require one.
    Vehicles made for other markets may not have one; check them with
    ``check_digit=False``, or with :func:`check_vin_without_check_digit`, which is a
    :data:`Validator` as it is.

    Args:
        value: the VIN as the host stores it.
        check_digit: whether to check the 9th character.

    Returns:
        ``None`` when the VIN is valid, else the problem code.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``, or ``check_digit`` not a
            ``bool``.

    >>> check_vin("1M8GDM9AXKP042788") is None
    True
    >>> check_vin("1M8GDM9A1KP042788"), check_vin("1M8GDM9A1KP042788", check_digit=False)
    ('check_digit', None)
    """
    _text(value, "check_vin(value)")
    given: object = check_digit  # typed loosely: callers without mypy can pass anything
    if not isinstance(given, bool):
        raise ArgumentTypeError(type(given).__name__, "check_vin(check_digit)", "True or False")
    if _VIN.fullmatch(value) is None:
        return "format"
    if check_digit and value[_VIN_CHECK_POSITION] != _vin_digit(value):
        return "check_digit"
    return None


def check_vin_without_check_digit(value: str) -> str | None:
    """Check the format of a VIN only: :func:`check_vin` with ``check_digit=False``.

    For vehicles made for markets that do not use the check digit (most of Europe).

    Args:
        value: the VIN as the host stores it.

    Returns:
        ``None`` when the VIN has the ISO 3779 format, else ``"format"``.

    Raises:
        ArgumentTypeError: ``value`` is not a ``str``.

    >>> check_vin_without_check_digit("WVWZZZ1JZ3W386752") is None
    True
    """
    _text(value, "check_vin_without_check_digit(value)")
    return None if _VIN.fullmatch(value) is not None else "format"


def vin_check_digit(vin: str) -> str:
    """Return the check digit of a VIN: what its 9th character must be.

    Each character is transliterated to a number (digits stand for themselves;
    A1 B2 C3 D4 E5 F6 G7 H8, J1 K2 L3 M4 N5, P7, R9, S2 T3 U4 V5 W6 X7 Y8 Z9),
    weighted by its position (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2,
    so the 9th character itself counts for nothing), and the sum taken mod 11; a
    remainder of 10 is written ``"X"``.

    Args:
        vin: 17 characters of the VIN alphabet; the 9th may be anything of it, as
            it does not count.

    Returns:
        ``"0"`` to ``"9"`` or ``"X"``.

    Raises:
        ArgumentTypeError: ``vin`` is not a ``str``.
        InvalidField: ``vin`` does not have the format of a VIN (it is not shown).

    >>> vin_check_digit("1M8GDM9A0KP042788")
    'X'
    """
    _text(vin, "vin_check_digit(vin)")
    if _VIN.fullmatch(vin) is None:
        _refuse(
            "vin_check_digit",
            "vin",
            "must be 17 characters, digits and upper-case letters but I, O and Q, not a "
            f"string of {len(vin)} characters of another shape",
        )
    return _vin_digit(vin)
