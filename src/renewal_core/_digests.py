"""Canonical digests of library values (private).

A digest is the SHA-256 (hex) of a canonical JSON form that tells types apart: the
string ``"1"``, the int ``1``, the bool ``True`` and the Decimal ``1`` all differ.
Equal values of one type have one form: a Decimal is written without its trailing
zeros, so ``Decimal("1.0")`` and ``Decimal("1")`` agree, and so do money amounts
with more or fewer trailing zeros; a Fraction is written in lowest terms. Dates and
instants are written in ISO 8601 (an instant with its offset), enum members by class
and name, money by amount and currency, mappings with sorted keys, and attrs
instances field by field.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from renewal_core.money import Money

# Unlimited precision: normalising a Decimal never rounds it, whatever the thread's
# context.
_EXACT: Final = decimal.Context(
    prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN
)


def _ratio(number: Decimal) -> str:
    """A Decimal's value without its trailing zeros (``1.0`` and ``1`` agree; zero is 0)."""
    if not number:
        return "0"
    return str(number.normalize(_EXACT))


def _canonical(value: object) -> object:  # noqa: PLR0911, PLR0912 - one return per type
    """A JSON-ready form of ``value`` that tells types apart."""
    if isinstance(value, enum.Enum):  # before str and int: StrEnum and IntEnum members
        return ["e", f"{type(value).__module__}.{type(value).__qualname__}.{value.name}"]
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, Fraction):
        return ["q", f"{value.numerator}/{value.denominator}"]
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"no canonical form for the Decimal {value}; give a finite number")
        return ["d", _ratio(value)]
    if isinstance(value, Money):
        return ["m", _ratio(value.amount), value.currency]
    if isinstance(value, zoneinfo.ZoneInfo):  # pendulum.Timezone too: a zone by its IANA key
        return ["z", value.key]
    if isinstance(value, dt.tzinfo):  # a fixed offset
        return ["z", value.tzname(None)]
    if isinstance(value, dt.date):  # a datetime is a date too
        return ["t", value.isoformat()]
    if isinstance(value, Mapping):
        return [
            "map",
            sorted([json.dumps(_canonical(k)), _canonical(v)] for k, v in value.items()),
        ]
    if isinstance(value, frozenset | set):
        return ["set", sorted((_canonical(item) for item in value), key=json.dumps)]
    if isinstance(value, tuple | list):
        return ["seq", [_canonical(item) for item in value]]
    kind: Any = type(value)
    if attrs.has(kind):
        return [
            "obj",
            f"{kind.__module__}.{kind.__qualname__}",
            [[field.name, _canonical(getattr(value, field.name))] for field in attrs.fields(kind)],
        ]
    raise TypeError(f"no canonical form for a value of type {type(value).__name__}")


def _digest(value: object) -> str:
    """The SHA-256 (hex) of ``value``'s canonical JSON form.

    Raises:
        TypeError: ``value`` holds a type without a canonical form.
    """
    text = json.dumps(_canonical(value), ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()
