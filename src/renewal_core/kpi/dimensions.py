"""Dimensions: what a breakdown groups records by, and what a filter selects on.

A :class:`Dimension` is a name and a function from a record to its key. The
built-in dimensions read the record attribute of the same name (``channel``,
``line``, ``region``, ``segment``, ``product``), which every record type has, or,
for ``expiry_month``, the calendar month of a
:class:`~renewal_core.kpi.records.DueRecord`'s ``due_on`` as a
:class:`~renewal_core.kpi.indicator.Period`: only due records have it, so an
indicator of other records refuses a filter or a breakdown by ``expiry_month``.
Wherever a dimension is taken, its name is enough for a built-in one; any other
grouping is a ``Dimension`` of your own:

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
        key: the function that gives a record's key; the key must be hashable
            (a ``tuple``, not a ``list``), and keys of one dimension comparable
            with each other, or enum members, or periods, so that breakdowns list
            them in order.
    """

    name: str = attrs.field(validator=_text())
    key: Callable[[Any], Hashable] = attrs.field(validator=_callable)


@functools.cache
def _month(year: int, month: int) -> Period:
    return Period.month(year, month)


def _expiry_month(record: Any) -> Period:
    day = record.due_on
    return _month(day.year, day.month)


# The built-in dimensions that read one attribute of the same name: every record
# type has these attributes.
ATTRIBUTES: Final = ("channel", "line", "region", "segment", "product")
EXPIRY_MONTH: Final = Dimension("expiry_month", _expiry_month)
# The built-in dimensions of records with a due day (DueRecord).
DUE_DIMENSIONS: Final = (*ATTRIBUTES, EXPIRY_MONTH.name)

DIMENSIONS: Final[Mapping[str, Dimension]] = MappingProxyType(
    {
        **{name: Dimension(name, attrgetter(name)) for name in ATTRIBUTES},
        EXPIRY_MONTH.name: EXPIRY_MONTH,
    }
)
"""The built-in dimensions by name.

``channel``, ``line``, ``region``, ``segment`` and ``product`` read the record
attribute of that name; ``expiry_month`` gives the calendar month of a due record's
``due_on`` as a month :class:`~renewal_core.kpi.indicator.Period` (records without
a due day have no expiry month).
"""

# What each built-in dimension reads, for the message that refuses it on records
# without it.
_READS: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{name: f"{name} attribute" for name in ATTRIBUTES},
        EXPIRY_MONTH.name: "due day (due_on) to take the expiry month from",
    }
)

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


def _is_month(period: Period) -> bool:
    return period.start.day == 1 and period.end == period.start.end_of("month")


def check_filter(name: str, value: object, parameter: str) -> None:
    """Refuse a filter value the built-in dimension ``name`` never has.

    Such a filter would silently select nothing: a value of another type (a
    ``"agent"`` where ``Channel.AGENT`` is meant) and, for ``expiry_month``, ``None``
    or a period that is not a whole calendar month (every due record has an expiry
    month, and it is a calendar month).

    Raises:
        InvalidField: ``value`` is neither ``None`` nor of the dimension's type, or
            an expiry month is not a calendar month.
    """
    owner = parameter.partition("(")[0]
    field = f"filters[{name!r}]"
    if name == EXPIRY_MONTH.name:
        if isinstance(value, Period) and not _is_month(value):
            start = value.start
            raise InvalidField(
                owner,
                field,
                f"{value.label} is not a calendar month, and an expiry month always is one, "
                f"so it would select nothing; give a month such as "
                f"Period.month({start.year}, {start.month}), or select days with period=",
            )
        if value is None:
            raise InvalidField(
                owner,
                field,
                "is None, and every due record has an expiry month, so it would select "
                "nothing; give a month such as Period.month(2025, 3)",
            )
    kind = _FILTER_TYPES[name]
    if value is None or isinstance(value, kind):
        return
    reason = (
        _not_a_member(kind, value)
        if issubclass(kind, enum.Enum)
        else _not_an_instance(kind, value)
    )
    shown = " (a month Period)" if name == EXPIRY_MONTH.name else " (or None)"
    raise InvalidField(owner, field, f"{reason}{shown}")


def check_supported(
    name: str,
    supported: tuple[str, ...],
    record_type: type[Any],
    parameter: str,
    *,
    custom: bool,
) -> None:
    """Refuse the built-in dimension ``name`` where the records have nothing it reads.

    Args:
        name: the built-in dimension's name.
        supported: the built-in dimensions the records support.
        record_type: the type of the records, named in the message.
        parameter: the function and parameter to name in an error, such as
            ``"breakdown(by)"`` or ``"contact_rate(filters['expiry_month'])"``.
        custom: whether the parameter also takes a :class:`Dimension` of one's own
            (a ``by``, not a filter), which the message then suggests.

    Raises:
        InvalidField: ``name`` is not one of ``supported``.
    """
    if name in supported:
        return
    owner, _, field = parameter.partition("(")
    others = ", ".join(supported)
    instead = (
        f"use one of {others}, or a Dimension of your own"
        if custom
        else f"filter by one of {others}"
    )
    raise InvalidField(
        owner,
        field.removesuffix(")"),
        f"a {record_type.__name__} has no {_READS[name]}, so the {name!r} dimension cannot "
        f"be read from it; {instead}",
    )


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
