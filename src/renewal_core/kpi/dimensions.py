"""Dimensions: what a breakdown groups records by, and what a filter selects on.

A :class:`Dimension` is a name and a function from a record to its key. The
built-in dimensions read the record attribute of the same name (``channel``,
``line``, ``region``, ``segment``, ``product``) or, for ``expiry_month``, the
calendar month of a :class:`~renewal_core.kpi.records.DueRecord`'s ``due_on`` as a
:class:`~renewal_core.kpi.indicator.Period`. Wherever a dimension is taken, its
name is enough for a built-in one; any other grouping is a ``Dimension`` of your
own:

>>> import pendulum
>>> from renewal_core.kpi.records import ScoreRecord
>>> by_weekday = Dimension("weekday", lambda record: record.answered_on.isoweekday())
>>> by_weekday.key(ScoreRecord(9, pendulum.date(2025, 3, 3)))
1
>>> DIMENSIONS["line"].name, sorted(DIMENSIONS)[:3]
('line', ['channel', 'expiry_month', 'line'])
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Hashable, Mapping
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Final

import attrs

from renewal_core._fields import (
    _callable,
    _not_a_member,
    _not_an_instance,
    _text,
    _type_name,
)
from renewal_core.errors import ArgumentTypeError, InvalidField, _shown
from renewal_core.kpi.indicator import Period
from renewal_core.model import Channel, LineOfBusiness

__all__ = [
    "DIMENSIONS",
    "Dimension",
]


@attrs.frozen
class Dimension:
    """A way to group records: a name and a function from a record to its key.

    Attributes:
        name: what the dimension is called in filters and breakdowns
            (``"channel"``).
        key: the function that gives a record's key; the key must be hashable,
            and keys of one dimension comparable with each other, or enum
            members, or periods, so that breakdowns list them in order.
    """

    name: str = attrs.field(validator=_text())
    key: Callable[[Any], Hashable] = attrs.field(validator=_callable)


@functools.cache
def _month(year: int, month: int) -> Period:
    return Period.month(year, month)


def _expiry_month(record: Any) -> Period:
    day = record.due_on
    return _month(day.year, day.month)


# The built-in dimensions that read one attribute of the same name.
ATTRIBUTES: Final = ("channel", "line", "region", "segment", "product")
EXPIRY_MONTH: Final = Dimension("expiry_month", _expiry_month)

DIMENSIONS: Final[Mapping[str, Dimension]] = MappingProxyType(
    {
        **{name: Dimension(name, attrgetter(name)) for name in ATTRIBUTES},
        EXPIRY_MONTH.name: EXPIRY_MONTH,
    }
)
"""The built-in dimensions by name.

``channel``, ``line``, ``region``, ``segment`` and ``product`` read the record
attribute of that name; ``expiry_month`` gives the calendar month of a due record's
``due_on`` as a month :class:`~renewal_core.kpi.indicator.Period`.
"""

_NAME_SHAPE: Final = re.compile(r"[a-z][a-z0-9_]{0,39}")


# What a filter on a built-in dimension compares with: a value of this type, or None
# (records may leave a code out). A "agent" where Channel.AGENT is meant would
# silently select nothing: it is refused instead.
_FILTER_TYPES: Final[Mapping[str, type[Any]]] = MappingProxyType(
    {
        "channel": Channel,
        "line": LineOfBusiness,
        "region": str,
        "segment": str,
        "product": str,
        "expiry_month": Period,
    }
)


def check_filter(name: str, value: object, parameter: str) -> None:
    """Refuse a filter value of a type the built-in dimension ``name`` never has.

    Raises:
        InvalidField: ``value`` is neither ``None`` nor of the dimension's type.
    """
    kind = _FILTER_TYPES[name]
    if value is None or isinstance(value, kind):
        return
    reason = (
        _not_a_member(kind, value)
        if issubclass(kind, enum.Enum)
        else _not_an_instance(kind, value)
    )
    owner = parameter.partition("(")[0]
    raise InvalidField(owner, f"filters[{name!r}]", f"{reason} (or None)")


def resolve(by: str | Dimension, *, parameter: str) -> Dimension:
    """The :class:`Dimension` ``by`` names, or ``by`` itself when it is one.

    Args:
        by: a built-in dimension's name (a key of :data:`DIMENSIONS`) or a
            :class:`Dimension`.
        parameter: the function and parameter to name in an error, such as
            ``"breakdown(by)"``.

    Raises:
        InvalidField: ``by`` is a name no built-in dimension has.
        ArgumentTypeError: ``by`` is neither a ``str`` nor a :class:`Dimension`.
    """
    given: object = by
    if isinstance(given, Dimension):
        return given
    if not isinstance(given, str):
        raise ArgumentTypeError(_type_name(given), parameter, "a dimension name or a Dimension")
    found = DIMENSIONS.get(given)
    if found is None:
        owner, _, field = parameter.partition("(")
        known = ", ".join(DIMENSIONS)
        raise InvalidField(
            owner,
            field.rstrip(")"),
            f"no dimension is named {_shown(given, _NAME_SHAPE)}: use one of {known}, or "
            "a Dimension(name, key) of your own",
        )
    return found
