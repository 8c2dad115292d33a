"""Masking of personal data: ID numbers, phone numbers, e-mail addresses and names.

``renewal_core`` never shows personal data unmasked in a ``repr``, an error message or
a log record. These pure functions produce the masked forms it uses; hosts can use
them for their own logs and screens.

Each function is deterministic (the same input always gives the same output) and
masks with ``*``. Apart from :func:`mask_email`, which hides the length of the local
part, every function keeps the length of its input and masks one ``*`` per
character, so a masked value still lines up in a table.

How much stays visible:

* :func:`mask_id_number`, ``110***********1234``: the first 3 and last 4 characters
  (fewer when short);
* :func:`mask_phone`, ``+86 138 **** 5678``: the country code, the first 3 and the
  last 4 digits;
* :func:`mask_email`, ``z***@example.com``: the first character of the local part,
  and the domain;
* :func:`mask_name`, ``张*``, ``Z**** S**``: the first character of each word.

ID numbers and names never show more than half of their characters, whatever their
length. A phone number shows, besides a recognised country calling code (see
:func:`mask_phone`), never more than the first 3 and the last 4 digits of its national
number: all 7 once it has 11 digits or more (the customary ``138****5678``, which hides
at least 4); a shorter number shows only its last digits, fewer than half of them.

>>> from renewal_core.privacy import mask_email, mask_id_number, mask_name, mask_phone
>>> mask_id_number("110101199003071234"), mask_phone("13812345678")
('110***********1234', '138****5678')
>>> mask_email("zhang.san@example.com"), mask_name("欧阳娜娜")
('z***@example.com', '欧***')
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["mask_email", "mask_id_number", "mask_name", "mask_phone"]

_MASK: Final = "*"  # replaces each hidden character

# ID numbers: at most 3 leading and 4 trailing characters, and together never more
# than half of the value.
_ID_HEAD: Final = 3
_ID_TAIL: Final = 4
_ID_SHORT: Final = 7

# Phone numbers: the customary 3 + 4 display from 11 national digits on.
_PHONE_HEAD: Final = 3
_PHONE_TAIL: Final = 4
_PHONE_FULL_DISPLAY: Final = 11
_PHONE_SEPARATORS: Final = frozenset(" -.()/")

# The country calling codes recognised after "+" or "00" (ITU-T E.164 codes): mainland
# China, Hong Kong, Macao and Taiwan, and the countries customers most often have
# numbers from. Calling codes are a prefix code (no code starts another), so at most
# one of them matches. Digits after "+" that start with no code here are all treated
# as the national number, which is masked like any other.
_CALLING_CODES: Final = (
    "1",  # North America (NANP)
    "33",  # France
    "44",  # United Kingdom
    "49",  # Germany
    "60",  # Malaysia
    "61",  # Australia
    "64",  # New Zealand
    "65",  # Singapore
    "66",  # Thailand
    "81",  # Japan
    "82",  # South Korea
    "86",  # mainland China
    "91",  # India
    "852",  # Hong Kong
    "853",  # Macao
    "886",  # Taiwan
)

# Names: words are separated by whitespace or by the middle dots used between the
# parts of transliterated names ("阿依古丽·买买提", "ジョン・スミス").
_NAME_WORD: Final = re.compile(r"[^\s·・]+")

_EMAIL_MASK: Final = _MASK * 3


def _keep(value: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, mask the rest."""
    hidden = len(value) - head - tail
    return value[:head] + _MASK * hidden + value[len(value) - tail :]


def mask_id_number(value: str) -> str:
    """Mask an identity document number (resident ID, passport, credit code).

    One ``*`` replaces each hidden character, so the length is kept. At most half of
    the characters stay visible:

    * 16 characters or more: the first 3 and the last 4 (an 18-character resident
      ID or unified social credit code shows 7 of 18);
    * 8 to 15 characters: ``n // 4`` leading and ``n // 4`` trailing characters,
      capped at 3 (a 9-character passport number shows 2 + 2);
    * 7 characters or fewer: only the last ``n // 4`` characters (one for 4 to 7
      characters, none below 4).

    >>> mask_id_number("110101199003071234")
    '110***********1234'
    >>> mask_id_number("E12345678")
    'E1*****78'
    >>> mask_id_number("AB12345")
    '******5'
    >>> mask_id_number("123")
    '***'
    """
    size = len(value)
    quarter = size // 4
    if size <= _ID_SHORT:
        return _keep(value, 0, quarter)
    return _keep(value, min(_ID_HEAD, quarter), min(_ID_TAIL, quarter))


def _is_phone_separator(char: str) -> bool:
    return char.isspace() or char in _PHONE_SEPARATORS


def _calling_code_length(compact: str) -> int:
    """Count the leading significant characters that are an international prefix.

    ``compact`` is the value without separators. The prefix is ``+`` or ``00``
    followed by one of ``_CALLING_CODES`` (``+86…``, ``+1415…``, ``0044…``). A ``+``
    followed by no listed code is still counted (it hides nothing); a ``00`` followed
    by no listed code is part of the number.
    """
    if compact.startswith("+"):
        prefix = 1
    elif compact.startswith("00"):
        prefix = 2
    else:
        return 0
    for code in _CALLING_CODES:
        if compact.startswith(code, prefix):
            return prefix + len(code)
    return 1 if prefix == 1 else 0


def mask_phone(value: str) -> str:
    """Mask a phone number, keeping its separators and country calling code.

    Separators (spaces, ``-``, ``.``, ``(``, ``)``, ``/``) stay in place, and so does
    an international prefix (``+86``, ``(+86)``, ``0086``, ``+1``; see below): every
    form :class:`~renewal_core.model.Party` accepts is masked. Of the remaining
    characters, the *national number*, one ``*`` replaces each hidden character:

    * 11 characters or more: the first 3 and the last 4 stay visible (the customary
      ``138****5678``);
    * 10 characters or fewer: only the last ``(n - 1) // 2``, at most 4, stay
      visible, always fewer than half (``******0123`` for a 10-digit number).

    So no more than the first 3 and the last 4 digits of the national number are
    ever shown.

    A country calling code is recognised after ``+`` or ``00`` only when it is one
    of this fixed list, with or without a separator after it: 86 (mainland China),
    852 (Hong Kong), 853 (Macao), 886 (Taiwan), 1 (North America), 44 (United
    Kingdom), 49 (Germany), 33 (France), 81 (Japan), 82 (South Korea), 65
    (Singapore), 60 (Malaysia), 61 (Australia), 64 (New Zealand), 66 (Thailand) and
    91 (India). Calling codes are a prefix code, so at most one of them matches.
    After ``+``, digits that start with no listed code are all the national number;
    after ``00`` they are, with the ``00``. So in ``+138 1234 5678`` (a Chinese
    mobile number with a stray ``+``) only ``1`` is taken for North America's code,
    and the remaining 10 digits show only their last 4.

    >>> mask_phone("13812345678")
    '138****5678'
    >>> mask_phone("+86 138-1234-5678")
    '+86 138-****-5678'
    >>> mask_phone("+8613812345678")
    '+86138****5678'
    >>> mask_phone("(+86) 138 1234 5678")
    '(+86) 138 **** 5678'
    >>> mask_phone("021 - 6000 0000")
    '021 - **** 0000'
    >>> mask_phone("+1 (415) 555-0123")
    '+1 (***) ***-0123'
    >>> mask_phone("+138 1234 5678")
    '+1** **** 5678'
    >>> mask_phone("021-87654321")
    '021-****4321'
    >>> mask_phone("87654321")
    '*****321'
    """
    significant = [i for i, char in enumerate(value) if not _is_phone_separator(char)]
    compact = "".join(value[i] for i in significant)
    national = significant[_calling_code_length(compact) :]
    size = len(national)
    if size >= _PHONE_FULL_DISPLAY:
        head, tail = _PHONE_HEAD, _PHONE_TAIL
    else:
        head, tail = 0, min(_PHONE_TAIL, max(size - 1, 0) // 2)
    hidden = set(national[head : size - tail])
    return "".join(_MASK if i in hidden else char for i, char in enumerate(value))


def mask_email(value: str) -> str:
    """Mask an e-mail address: the first character of the local part, then ``***``.

    The domain stays visible; the local part becomes its first character followed by
    ``***`` whatever its length, so its length is hidden too. A local part of a single
    character is hidden entirely (``***@example.com``), and a value without ``@`` is
    not an address at all and becomes ``***``. The address is split at its last
    ``@``.

    >>> mask_email("zhang.san@example.com")
    'z***@example.com'
    >>> mask_email("a@example.com")
    '***@example.com'
    >>> mask_email("not an address")
    '***'
    """
    local, at, domain = value.rpartition("@")
    if not at:
        return _EMAIL_MASK
    visible = local[:1] if len(local) > 1 else ""
    return f"{visible}{_EMAIL_MASK}@{domain}"


def _mask_word(match: re.Match[str]) -> str:
    word = match.group()
    if len(word) == 1:
        return _MASK
    return word[0] + _MASK * (len(word) - 1)


def mask_name(value: str) -> str:
    """Mask a person's or company's name: the first character of each word stays.

    Words are separated by whitespace or by a middle dot (``·``, ``・``); the
    separators stay in place. In each word the first character stays and one ``*``
    replaces each other character; a word of a single character is hidden entirely,
    so no more than half of a name is ever visible. Chinese names, written without
    spaces, are one word: the family name's first character stays.

    >>> mask_name("张三")
    '张*'
    >>> mask_name("欧阳娜娜")
    '欧***'
    >>> mask_name("Zhang San")
    'Z**** S**'
    >>> mask_name("阿依古丽·买买提")
    '阿***·买**'
    >>> mask_name("张")
    '*'
    """
    return _NAME_WORD.sub(_mask_word, value)
