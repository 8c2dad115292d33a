"""Field checks shared by the domain's frozen attrs classes (private).

Validators and converters for attrs fields: each validator raises
:class:`~renewal_core.errors.InvalidField` naming the class and the field, and never
shows a personal value in its message. Converters pass anything they cannot convert
on, for the matching validator to refuse with the class and field named.
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, NoReturn, TypeVar, cast

import attrs
import pendulum

from renewal_core.errors import AllocationError, ArgumentTypeError, CurrencyMismatch, InvalidField
from renewal_core.money import Money, minor_units
from renewal_core.periods import _to_date

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]
_T = TypeVar("_T")


def _fail(instance: object, field: str, reason: str) -> NoReturn:
    raise InvalidField(type(instance).__name__, field, reason)


def _type_name(value: object) -> str:
    return type(value).__name__


# Text fields hold visible characters only. ``str.isprintable()`` refuses control
# characters (Cc), format characters (Cf: zero-width spaces and joiners, direction
# marks, soft hyphens, ...), surrogates, line and paragraph separators and every space
# but U+0020; of the characters it refuses, only private-use (Co) and unassigned (Cn)
# code points are let through, since rare CJK characters in names are encoded in the
# private-use area by some host systems, or are newer than this Python's Unicode data.
_INVISIBLE_ALLOWED: Final = frozenset({"Co", "Cn"})

# Names may also hold two characters real names need, which ``isprintable()`` refuses:
# the ideographic space U+3000, with which hosts pad two-character Chinese names
# ("张\u3000三"; at either end it is whitespace, refused before this check), and the
# zero-width non-joiner and joiner U+200C and U+200D, which Persian and Uyghur names
# need, between two letters only (a letter's combining marks may stand between it and
# the joiner, as after an Indic virama).
_IDEOGRAPHIC_SPACE: Final = "\u3000"
_JOINERS: Final = frozenset({"\u200c", "\u200d"})


def _is_visible(value: str) -> bool:
    return value.isprintable() or all(
        char.isprintable() or unicodedata.category(char) in _INVISIBLE_ALLOWED for char in value
    )


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _joins_letters(value: str, index: int) -> bool:
    """Whether the joiner at ``index`` stands between two letters of ``value``."""
    before = index - 1
    while before >= 0 and _is_mark(value[before]):
        before -= 1
    after = index + 1
    return (
        before >= 0
        and after < len(value)
        and _is_letter(value[before])
        and _is_letter(value[after])
    )


def _is_visible_name(value: str) -> bool:
    return value.isprintable() or all(
        char.isprintable()
        or unicodedata.category(char) in _INVISIBLE_ALLOWED
        or char == _IDEOGRAPHIC_SPACE
        or (char in _JOINERS and _joins_letters(value, index))
        for index, char in enumerate(value)
    )


_INVISIBLE: Final = (
    "must not contain control characters, invisible formatting characters (such as "
    "zero-width spaces) or spaces other than ' '"
)
_INVISIBLE_IN_NAME: Final = (
    "must not contain control characters, invisible formatting characters (such as "
    "zero-width spaces; a zero-width joiner or non-joiner only between two letters) or "
    "spaces other than ' ' and the ideographic space U+3000"
)


def _text(*, personal: bool = False, name: bool = False) -> _Validator:
    """Check a non-empty ``str`` of visible characters without surrounding whitespace.

    Messages about a ``personal`` field never show the value, not even masked: they
    say what is wrong and what is expected only. Other fields show their value. A
    ``name`` (always personal) may also hold U+3000 and, between two letters, U+200C
    and U+200D.
    """
    visible, invisible = (
        (_is_visible_name, _INVISIBLE_IN_NAME) if name else (_is_visible, _INVISIBLE)
    )

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            _fail(instance, attribute.name, f"must be a str, not {_type_name(value)}")
        if not value:
            _fail(instance, attribute.name, "must not be empty")
        shown = "" if personal else f" (got {value!r})"
        if value != value.strip():
            _fail(
                instance,
                attribute.name,
                f"must not start or end with whitespace{shown}; strip it first",
            )
        if not visible(value):
            _fail(instance, attribute.name, f"{invisible}{shown}; remove them first")

    return validate


def _plain_str(value: str) -> str:
    """Store a ``str`` subclass (a ``StrEnum`` member, say) as the plain ``str`` it equals.

    A converter: anything that is not a ``str`` is passed on for the validator to refuse.
    """
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, str):
        return str.__str__(given)
    return value


def _as_day(value: dt.date) -> pendulum.Date:
    """Turn a :class:`datetime.date` into a :class:`pendulum.Date`.

    A converter: anything else, a datetime included, is passed on for :func:`_day` to
    refuse with the class and field in the message.
    """
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, dt.date) and not isinstance(given, dt.datetime):
        return _to_date(given, "day")
    return cast("pendulum.Date", value)


def _day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _to_date(value, f"{type(instance).__name__}.{attribute.name}")  # raises DateTypeError


def _as_tuple(value: Sequence[Any]) -> tuple[Any, ...]:
    """Store a list (or a tuple) as a plain tuple.

    A converter: anything else is passed on for :func:`_items` to refuse.
    """
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, list | tuple):
        return tuple(given)
    return cast("tuple[Any, ...]", value)


def _not_a_member(kind: type[enum.Enum], value: object) -> str | None:
    """Say why ``value`` is not a member of ``kind``, or ``None`` when it is one."""
    if isinstance(value, kind):
        return None
    names = [member.name for member in kind]
    allowed = ", ".join(names[:-1]) + f" or {names[-1]}"
    reason = f"must be a {kind.__name__} member ({allowed}), not {_type_name(value)}"
    # Only a string that names a member is echoed: anything else might be personal
    # data passed in the wrong place.
    if isinstance(value, str):
        if value in {member.value for member in kind}:
            return f"{reason} {value!r}; convert it with {kind.__name__}({value!r})"
        if value.upper() in kind.__members__:
            return f"{reason} {value!r}; use {kind.__name__}.{value.upper()}"
    return reason


def _not_an_instance(kind: type[Any], value: object) -> str | None:
    """Say why ``value`` is not a ``kind``, or ``None`` when it is one."""
    if isinstance(value, kind):
        return None
    return f"must be a {kind.__name__}, not {_type_name(value)}"


def _member_of(kind: type[enum.Enum]) -> _Validator:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        reason = _not_a_member(kind, value)
        if reason is not None:
            _fail(instance, attribute.name, reason)

    return validate


def _instance_of(kind: type[Any]) -> _Validator:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        reason = _not_an_instance(kind, value)
        if reason is not None:
            _fail(instance, attribute.name, reason)

    return validate


def _money(*, positive: bool = False) -> _Validator:
    """Check a :class:`Money` in whole minor units, not negative (``positive``: > 0)."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Money):
            _fail(instance, attribute.name, f"must be a Money, not {_type_name(value)}")
        if positive and not value.is_positive():
            _fail(instance, attribute.name, f"must be greater than zero, not {value}")
        if value.is_negative():
            _fail(instance, attribute.name, f"must not be negative, not {value}")
        try:
            value.to_minor_units()
        except AllocationError:
            places = minor_units(value.currency)
            raise InvalidField(
                type(instance).__name__,
                attribute.name,
                f"{value} is finer than the minor unit of {value.currency} ({places} "
                "decimals); round it first with .round()",
            ) from None

    return validate


def _flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        _fail(instance, attribute.name, f"must be True or False, not {_type_name(value)}")


def _items(kind: type[Any], key: Callable[[Any], object], label: str) -> _Validator:
    """Check a list or tuple (stored as a tuple) of ``kind`` values with distinct ``key``."""
    check = _not_a_member if issubclass(kind, enum.Enum) else _not_an_instance

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
        seen: set[object] = set()
        for index, item in enumerate(value):
            field = f"{attribute.name}[{index}]"
            reason = check(kind, item)
            if reason is not None:
                _fail(instance, field, reason)
            if key(item) in seen:
                _fail(instance, field, f"repeats the {label} {key(item)!r}")
            seen.add(key(item))

    return validate


def _masked(mask: Callable[[str], str]) -> Callable[[str | None], str]:
    """Build the ``repr`` of a personal field: the masked value, or ``None``."""

    def represent(value: str | None) -> str:
        return "None" if value is None else repr(mask(value))

    return represent


def _same_currency(
    owner: str, reference: tuple[str, Money], others: Iterable[tuple[str, Money | None]]
) -> None:
    name, money = reference
    for other_name, other in others:
        if other is not None and other.currency != money.currency:
            raise CurrencyMismatch(
                money.currency,
                other.currency,
                f"build a {owner} whose {name} and {other_name} are",
            )


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if value < 0:
        _fail(instance, attribute.name, f"must not be negative, not {value}")


def _positive_int(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Check an ``int`` of at least 1 (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if value < 1:
        _fail(instance, attribute.name, f"must be at least 1, not {value}")


def _read_only(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """Copy a mapping into a read-only one; anything else is left for the validator."""
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, Mapping):
        return MappingProxyType(dict(given))
    return value


def _str_keys(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Check a mapping keyed by ``str``."""
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key in value:
        if not isinstance(key, str):
            _fail(instance, attribute.name, f"keys must be str, not {_type_name(key)}")


def _maker(cls: type[_T], *names: str) -> Callable[..., _T]:
    """Return a function that builds ``cls`` from values already known to be valid.

    It takes one positional argument per name, in order, and sets the fields without
    running the class's converters and validators. For the library's own hot paths
    only (values it has just computed from validated ones); every field must be
    named. The function is generated once per class, as attrs generates its
    ``__init__``.
    """
    for name in names:
        if not name.isidentifier():  # pragma: no cover - a programming error
            raise ValueError(f"not a field name: {name!r}")
    arguments = ", ".join(names)
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def make({arguments}):", "    instance = new(cls)"]
    for index, name in enumerate(names):
        # A slot's own descriptor sets it past the frozen __setattr__, and fastest.
        slot = cls.__dict__.get(name)
        if slot is None or not hasattr(slot, "__set__"):  # pragma: no cover - a programming error
            raise TypeError(f"{cls.__name__}.{name} is not a slot")
        namespace[f"set_{index}"] = slot.__set__
        lines.append(f"    set_{index}(instance, {name})")
    lines.append("    return instance")
    exec("\n".join(lines), namespace)  # noqa: S102 - code built from field names only
    return cast("Callable[..., _T]", namespace["make"])


def _wrong_type(value: object, parameter: str, expected: str) -> NoReturn:
    """Refuse a function argument of the wrong type.

    Where a ``Decimal`` is taken, a float is shown as the ``Decimal`` to write instead.
    """
    if isinstance(value, float) and "Decimal" in expected:
        expected += f", such as Decimal('{value!r}') (floats are inexact)"
    raise ArgumentTypeError(_type_name(value), parameter, expected)


def _is_plain_int(value: object) -> bool:
    """Whether ``value`` is an ``int`` and not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def _callable(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        _fail(instance, attribute.name, f"must be callable, not {_type_name(value)}")


def _optional_rating(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Check ``None`` or a rating: an ``int`` of at least 1 (``bool`` is refused)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int or None, not {_type_name(value)}")
    if value < 1:
        _fail(instance, attribute.name, f"must be at least 1, not {value}")
