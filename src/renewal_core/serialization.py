"""JSON for every public domain type, strict in both directions (cattrs).

:func:`to_json` and :func:`from_json` round-trip :class:`~renewal_core.money.Money`,
:class:`~renewal_core.periods.PolicyTerm`, the model classes and enums. The JSON shapes are:

* ``Decimal``: a string (``"1234.50"``), never a JSON number, so no float ever
  touches an amount;
* ``Money``: ``{"amount": "1234.50", "currency": "CNY"}``;
* days: ``"2025-01-01"``; instants: ISO 8601 with their UTC offset
  (``"2025-01-01T08:00:00+08:00"``); time zones: their IANA name;
* enums: their value (``"auto"``); tuples: arrays; attrs classes: objects keyed by
  field name.

Reading is strict: an unknown key, a missing key, a number where a string is due
(or the reverse), a float amount, a naive instant or an invalid value fails with a
:class:`~renewal_core.errors.SerializationError` whose ``problems`` name the JSON
path of every bad value. Nothing is coerced. The problems describe what kind of
value was found, never the value itself (it could be personal data in the wrong
place); values that reach a domain constructor are reported by its own, masked,
message.

>>> from renewal_core import Money, from_json, to_json
>>> to_json(Money("1234.50", "CNY"))
'{"amount": "1234.50", "currency": "CNY"}'
>>> from_json(Money, '{"amount": "1234.50", "currency": "CNY"}')
Money('1234.50', 'CNY')
>>> from_json(Money, '{"amount": 1234.5, "currency": "CNY"}')
Traceback (most recent call last):
...
renewal_core.errors.SerializationError: cannot read Money from JSON: expected a decimal \
string such as "1234.50", got a JSON number @ $.amount

For your own attrs classes that hold these types, build a converter with
:func:`make_converter` and register your hooks on it; the module's default
converter is never changed by the library.
"""

import datetime as _dt
import functools
import json
import re
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import (
    BaseValidationError,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.v import format_exception

from renewal_core.errors import (
    NaiveDateTimeError,
    RenewalError,
    SerializationError,
    UnknownCurrency,
)
from renewal_core.money import is_plain_decimal
from renewal_core.periods import time_zone

__all__ = ["from_json", "make_converter", "to_json"]

T = TypeVar("T")

_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INSTANT: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?P<offset>Z|[+-][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)?"
)


class _Refused(ValueError):
    """A JSON value of the wrong shape; the message says what was expected."""


def _describe(value: object) -> str:
    # The kind of JSON value found, never the value itself: a misplaced field may
    # hold personal data (a phone number where an amount belongs), and error
    # messages must not carry it.
    if isinstance(value, _NonFinite):
        return f"the non-finite number {value.name}"
    if isinstance(value, bool):
        return "a JSON boolean"
    if value is None:
        return "null"
    if isinstance(value, Decimal | int):
        return "a JSON number"
    if isinstance(value, str):
        return "a string that does not fit" if value else "an empty string"
    return "an array" if isinstance(value, list) else "an object"


def _structure_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise _Refused(f"expected a string, got {_describe(value)}")
    return value


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(f"expected an integer, got {_describe(value)}")
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise _Refused(f"expected true or false, got {_describe(value)}")
    return value


def _unstructure_decimal(value: Decimal) -> str:
    return format(value, "f")  # plain digits, never exponent notation


def _structure_decimal(value: object, _: type) -> Decimal:
    if not isinstance(value, str) or not is_plain_decimal(value):
        raise _Refused(f'expected a decimal string such as "1234.50", got {_describe(value)}')
    return Decimal(value)


def _structure_date(value: object, _: type) -> pendulum.Date:
    if not isinstance(value, str) or _DAY.fullmatch(value) is None:
        raise _Refused(f'expected a day such as "2025-01-31", got {_describe(value)}')
    try:
        day = _dt.date.fromisoformat(value)
    except ValueError:
        # The pattern above let only digits through: nothing personal to mask.
        raise _Refused(f"{value} is not a calendar day") from None
    return pendulum.Date(day.year, day.month, day.day)


def _structure_datetime(value: object, _: type) -> pendulum.DateTime:
    expected = 'expected an ISO 8601 instant such as "2025-01-01T08:00:00.5+08:00"'
    if not isinstance(value, str):
        raise _Refused(f"{expected}, got {_describe(value)}")
    shape = _INSTANT.fullmatch(value)
    if shape is None:
        raise _Refused(f"{expected} (extended format, at most 6 decimals), got {_describe(value)}")
    if shape["offset"] is None:
        raise _Refused("the instant has no UTC offset; instants must carry one, such as +08:00")
    try:
        instant = _dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Refused(f"{expected}, got a string that is not a real date and time") from None
    return pendulum.instance(instant)


def _unstructure_datetime(value: _dt.datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDateTimeError(value.isoformat())
    return value.isoformat()


def _structure_time_zone(value: object, _: type) -> pendulum.Timezone:
    if not isinstance(value, str):
        raise _Refused(
            f'expected an IANA time zone name such as "Asia/Shanghai", got {_describe(value)}'
        )
    return time_zone(value)


def _structure_enum(value: object, cls: type[Enum]) -> Enum:
    for member in cls:
        if member.value == value and type(member.value) is type(value):
            return member
    allowed = ", ".join(json.dumps(m.value) for m in cls)
    raise _Refused(f"expected one of {allowed}, got {_describe(value)}")


def make_converter() -> cattrs.Converter:
    """Return a new converter configured for ``renewal_core`` types.

    Use it to serialize your own attrs classes that contain ``Money``, days, terms or
    the model classes; register your own hooks on the returned converter.

    >>> import attrs
    >>> from renewal_core import Money
    >>> @attrs.frozen
    ... class Fee:
    ...     name: str
    ...     amount: Money
    >>> converter = make_converter()
    >>> converter.unstructure(Fee("stamp duty", Money("5.00", "CNY")))
    {'name': 'stamp duty', 'amount': {'amount': '5.00', 'currency': 'CNY'}}
    """
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, _unstructure_decimal)
    converter.register_structure_hook(pendulum.Date, _structure_date)
    converter.register_unstructure_hook(pendulum.Date, _dt.date.isoformat)
    converter.register_structure_hook(pendulum.DateTime, _structure_datetime)
    converter.register_unstructure_hook(pendulum.DateTime, _unstructure_datetime)
    converter.register_structure_hook(pendulum.Timezone, _structure_time_zone)
    converter.register_unstructure_hook(pendulum.Timezone, lambda tz: tz.name)
    converter.register_structure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), _structure_enum
    )
    return converter


@functools.cache
def _default_converter() -> cattrs.Converter:
    return make_converter()


def to_json(value: object, *, converter: cattrs.Converter | None = None) -> str:
    """Serialize a domain value to a JSON string (UTF-8 text, not ASCII-escaped).

    >>> from renewal_core import Money
    >>> to_json([Money("1", "JPY"), Money("2.50", "USD")])
    '[{"amount": "1", "currency": "JPY"}, {"amount": "2.50", "currency": "USD"}]'
    """
    plain = (converter or _default_converter()).unstructure(value)
    return json.dumps(plain, ensure_ascii=False)


class _NonFinite:
    """Stands in for NaN or Infinity in parsed JSON.

    The hook that meets it refuses it, so the problem carries the field's path.
    """

    def __init__(self, name: str) -> None:
        self.name = name


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # json gives no path here; "$.." (anywhere below the root) and the key
            # name are what can be said.
            raise _Refused(
                f"the key {json.dumps(key, ensure_ascii=False)} appears twice in one "
                "object; each key may appear once @ $.."
            )
        result[key] = value
    return result


def from_json(cls: type[T], text: str | bytes, *, converter: cattrs.Converter | None = None) -> T:
    """Read a value of type ``cls`` from JSON, strictly.

    Raises:
        SerializationError: the text is not JSON, or does not fit ``cls``; its
            ``problems`` list every bad value with its JSON path.
    """
    target = getattr(cls, "__name__", repr(cls))
    # Problems are collected inside the except blocks and raised outside them, so
    # the SerializationError carries no chained exception: the originals (a
    # JSONDecodeError holds the whole input, a validator's error its value) may hold
    # personal data.
    problems = _problems_reading(text)
    if isinstance(problems, list):
        raise SerializationError(target, problems)
    try:
        return (converter or _default_converter()).structure(problems.value, cls)
    except (BaseValidationError, RenewalError, ValueError, TypeError, AttributeError) as error:
        # BaseValidationError groups what cattrs found field by field; the others
        # come from a value at the top level (AttributeError: not a JSON object).
        found = _problems(error, "$")
    raise SerializationError(target, found)


@attrs.frozen
class _Parsed:
    value: object


def _problems_reading(text: object) -> _Parsed | list[str]:
    """Parse JSON text strictly: the parsed value, or the problems found."""
    try:
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8")  # strict: no BOM, no other encoding
        if not isinstance(text, str):
            return [f"expected JSON text (str or UTF-8 bytes), not {type(text).__name__} @ $"]
        return _Parsed(
            json.loads(
                text,
                parse_float=Decimal,
                parse_constant=_NonFinite,
                object_pairs_hook=_no_duplicate_keys,
            )
        )
    except UnicodeDecodeError as error:
        return [f"not UTF-8 text (byte {error.start}) @ $"]
    except json.JSONDecodeError as error:
        return [f"not valid JSON ({error.msg}, line {error.lineno} column {error.colno}) @ $"]
    except _Refused as error:
        return [str(error)]
    except ValueError:  # an integer longer than Python converts from text
        return ["a number has more digits than can be read @ $"]


def _leaf(error: BaseException, expected: type | None) -> str:
    if isinstance(error, _Refused | RenewalError):
        return str(error)
    if isinstance(error, AttributeError):
        return "expected a JSON object"
    return format_exception(error, expected)


def _problems(error: BaseException, path: str) -> list[str]:
    # Like cattrs.transform_error, but keeps renewal_core's own messages and points
    # an attrs validator's InvalidField at the field it names.
    found: list[str] = []
    if isinstance(error, ClassValidationError | IterableValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            if isinstance(note, IterableValidationNote):
                step = f"[{note.index!r}]"
            else:
                step = f".{note.name}"
            if isinstance(inner, ClassValidationError | IterableValidationError):
                found.extend(_problems(inner, path + step))
            else:
                found.append(f"{_leaf(inner, note.type)} @ {path}{step}")
        for inner in without:
            found.extend(_problems(inner, path))
    else:
        # A domain object's own check may name its field: InvalidField, and
        # UnknownLocale / UnknownTimeZone raised while building a Party; only Money
        # raises UnknownCurrency, for its currency.
        field = "currency" if isinstance(error, UnknownCurrency) else getattr(error, "field", None)
        where = f"{path}.{field}" if isinstance(field, str) else path
        found.append(f"{_leaf(error, None)} @ {where}")
    return found
