"""How an indicator is computed in one pass, whole or per group (private).

Every indicator function of :mod:`renewal_core.kpi` is backed by a :class:`Measure`:
a small state per group (counts, exact sums), a way to add one record to it, to
combine two states and to finish a state into an
:class:`~renewal_core.kpi.indicator.Indicator`. The function itself tallies all
its records into one state; a breakdown tallies them into one state per key in
the same single pass, then finishes each part, and combines the parts into the
total, so that the parts always add up to it.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Final, Generic, TypeVar

from renewal_core._fields import _type_name
from renewal_core.errors import ArgumentTypeError, CurrencyMismatch, InvalidField
from renewal_core.kpi.dimensions import (
    DIMENSIONS,
    Dimension,
    check_filter,
    check_supported,
    resolve,
)
from renewal_core.kpi.indicator import Indicator, Period
from renewal_core.money import _EXACT

S = TypeVar("S")
Key = Callable[[Any], Hashable]
Select = Callable[[Any], bool]

add_exact: Final = _EXACT.add
subtract_exact: Final = _EXACT.subtract
ZERO: Final = Decimal(0)


def _no_key(record: Any) -> None:
    return None


NO_KEY: Final[Key] = _no_key


class Measure(abc.ABC, Generic[S]):
    """An indicator as a fold over records: start, add, combine, finish.

    Each kind of measure declares, in ``dimensions``, the built-in dimensions its
    record type has: a filter or a breakdown by any other is refused.
    """

    __slots__ = ("admits", "name", "record_type")

    dimensions: ClassVar[tuple[str, ...]]

    def __init__(self, name: str, record_type: type[Any], admits: Select | None = None) -> None:
        self.name = name
        self.record_type = record_type
        self.admits = admits

    @abc.abstractmethod
    def start(self) -> S:
        """A new, empty state."""

    @abc.abstractmethod
    def add(self, state: S, record: Any) -> None:
        """Add one record (of the right type, selected) to ``state``."""

    @abc.abstractmethod
    def combine(self, into: S, other: S) -> None:
        """Add ``other`` into ``into``."""

    @abc.abstractmethod
    def finish(self, state: S, period: Period | None, filters: Mapping[str, object]) -> Indicator:
        """The indicator of ``state``."""

    @abc.abstractmethod
    def selector(self, period: Period) -> Select | None:
        """A predicate selecting the records ``period`` covers.

        ``None`` when the records carry no day: the period is then recorded only.
        """

    def merged(self, states: Iterable[S]) -> S:
        """One state holding all of ``states``."""
        total = self.start()
        for state in states:
            self.combine(total, state)
        return total

    def refuse(self, record: object) -> None:
        """Raise unless ``record`` is of this measure's record type."""
        if not isinstance(record, self.record_type):
            raise ArgumentTypeError(
                _type_name(record), f"{self.name}(records)", f"{self.record_type.__name__} records"
            )

    def tally(
        self, records: Iterable[Any], key: Key, period: Period | None, match: Select | None
    ) -> dict[Hashable, S]:
        """Go through ``records`` once; return the state of each key's group."""
        record_type = self.record_type
        selects = None if period is None else self.selector(period)
        admits = self.admits
        start, add = self.start, self.add
        states: dict[Hashable, S] = {}
        get = states.get
        for record in records:
            if type(record) is not record_type:
                self.refuse(record)
            if admits is not None and not admits(record):
                continue
            if selects is not None and not selects(record):
                continue
            if match is not None and not match(record):
                continue
            group = key(record)
            state = get(group)
            if state is None:
                state = states[group] = start()
            add(state, record)
        return states

    def total(
        self, records: Iterable[Any], period: Period | None, filters: Mapping[str, object] | None
    ) -> Indicator:
        """The indicator over all of ``records`` (those ``period`` and ``filters`` select)."""
        check_records(records, f"{self.name}(records)")
        chosen = check_filters(filters, f"{self.name}(filters)", self)
        check_period(period, f"{self.name}(period)")
        states = self.tally(records, NO_KEY, period, matcher(chosen, f"{self.name}(filters)"))
        return self.finish(self.merged(states.values()), period, chosen)


def check_records(records: object, parameter: str) -> None:
    """Refuse what is not an iterable of records (a ``str`` or a mapping included)."""
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
        raise ArgumentTypeError(_type_name(records), parameter, "an iterable of records")


def check_period(period: object, parameter: str) -> None:
    """Refuse what is neither a :class:`Period` nor ``None``."""
    if period is not None and not isinstance(period, Period):
        raise ArgumentTypeError(_type_name(period), parameter, "a Period or None")


def check_filters(
    filters: object, parameter: str, measure: Measure[Any] | None
) -> dict[str, object]:
    """The filters as a ``dict`` keyed by dimension name (``None`` is no filter).

    With a ``measure`` (filters that select its records), each key must name a
    built-in dimension its records have, and each value be one that dimension can
    take; without one, any ``str`` key is taken (filters only recorded).
    """
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise ArgumentTypeError(_type_name(filters), parameter, "a mapping of dimension names")
    chosen: dict[str, object] = {}
    for name, value in filters.items():
        if not isinstance(name, str):
            raise ArgumentTypeError(_type_name(name), parameter, "dimension names (str keys)")
        if measure is not None:
            resolve(name, parameter=parameter)
            owner = parameter.partition("(")[0]
            check_supported(
                name,
                measure.dimensions,
                measure.record_type,
                f"{owner}(filters[{name!r}])",
                custom=False,
            )
            check_filter(name, value, parameter)
        chosen[name] = value
    return chosen


def check_dimension(measure: Measure[Any], dimension: Dimension, parameter: str) -> None:
    """Refuse a built-in ``dimension`` that ``measure``'s records do not have.

    A :class:`Dimension` of one's own is taken as it is: its key reads what it reads.
    """
    if DIMENSIONS.get(dimension.name) is dimension:
        check_supported(
            dimension.name, measure.dimensions, measure.record_type, parameter, custom=True
        )


def matcher(filters: Mapping[str, object], parameter: str) -> Select | None:
    """A predicate selecting the records whose dimensions equal ``filters``' values."""
    pairs = tuple(
        (resolve(name, parameter=parameter).key, value) for name, value in filters.items()
    )
    if not pairs:
        return None
    if len(pairs) == 1:
        ((read, wanted),) = pairs

        def match_one(record: Any) -> bool:
            return bool(read(record) == wanted)

        return match_one

    def match_all(record: Any) -> bool:
        return all(read(record) == wanted for read, wanted in pairs)

    return match_all


def same_currency(current: str | None, currency: str | None, name: str) -> str | None:
    """The currency of a sum: ``current``, or ``currency`` when there is none yet.

    ``None`` stands for no amount yet (an empty state). Raises
    :class:`~renewal_core.errors.CurrencyMismatch` for two different currencies.
    """
    if current is None:
        return currency
    if currency is not None and currency != current:
        raise CurrencyMismatch(current, currency, f"sum for {name}")
    return current


# --------------------------------------------------------------------------- registry

_REGISTRY: Final[dict[Callable[..., Indicator], Callable[..., Measure[Any]]]] = {}


def register(function: Callable[..., Indicator], factory: Callable[..., Measure[Any]]) -> None:
    """Back the indicator ``function`` by the measures ``factory`` makes.

    The factory takes the function's options (such as ``months=``) as keywords.
    """
    _REGISTRY[function] = factory


def measure_for(function: object, options: Mapping[str, object], parameter: str) -> Measure[Any]:
    """The measure behind an indicator function of :mod:`renewal_core.kpi`, with options."""
    factory = _REGISTRY.get(function) if callable(function) else None
    if factory is None:
        names = ", ".join(sorted(getattr(known, "__name__", "?") for known in _REGISTRY))
        raise ArgumentTypeError(
            _type_name(function)
            if not callable(function)
            else f"{getattr(function, '__name__', 'callable')}",
            parameter,
            f"an indicator function of renewal_core.kpi ({names})",
        )
    accepted = inspect.signature(factory).parameters
    for option in options:
        if option not in accepted:
            listed = ", ".join(accepted) or "none"
            raise InvalidField(
                parameter.partition("(")[0],
                option,
                f"is not an option of {getattr(function, '__name__', '?')} (its options: "
                f"{listed})",
            )
    return factory(**options)
