"""A small, typed, table-driven state machine engine with a full audit trail.

A :class:`Workflow` is a table of :class:`Transition`: from source states, on an
event, to a target state (or a :class:`Route` that picks one of several targets).
One workflow value, immutable and shared, serves every case; a case's state is a
plain value on a frozen :class:`Case`, and each step returns a new case.

The definition is checked when it is built, and a bad one raises
:class:`~renewal_core.errors.InvalidWorkflow` with what to fix: states are the
members of one ``Enum``; there is exactly one initial state and at least one final
state; every state is reachable from the initial one; a final state has no
transition out and every other state has one; no ``(state, event)`` pair has two
transitions; event names are lower-case words joined by ``_``.

Firing an event (:meth:`Workflow.fire`) checks, in order:

1. the case's state allows the event, or
   :class:`~renewal_core.errors.InvalidTransition` names the state, the event and
   the events allowed;
2. the arguments: the actor, an aware instant not before the case's last step,
   a reason where the transition requires one, the payload keys and types the
   transition needs (:class:`~renewal_core.errors.InvalidField` otherwise);
3. authority: the actor's role is one the transition requires (``roles``), and the
   **four-eyes rule**: an actor who fired any of the transition's ``four_eyes``
   events on this case (such as the one who prepared it) cannot fire it;
4. the guards, pure functions that return
   :class:`~renewal_core.reasons.Reason` when they refuse.

A refusal at 3 or 4 raises :class:`~renewal_core.errors.TransitionRefused` with all
the reasons found: it is for steps that must not happen (a clerk approving, an
incomplete file). An **expected business outcome** (a high risk goes to the senior
underwriter, a rejected application is rejected) is not a refusal: the workflow
models it as a :class:`Route` to the right state, or as an event of its own.

Every step appends an :class:`AuditEntry` (case, sequence, event, from, to, actor and
role, instant, reason, payload digest) to the case's history, starting with the
creation in the initial state, and returns the :class:`WorkflowEvent` it produced.
:meth:`Workflow.replay` rebuilds a case from its events exactly. A state may carry a
:class:`Deadline` (an SLA, in calendar or working days of a
:class:`WorkingCalendar`); :meth:`Workflow.overdue` says whether the case is late.
:meth:`Workflow.to_mermaid` and :meth:`Workflow.to_dot` draw the table.

>>> import enum, pendulum
>>> class Light(enum.Enum):
...     DRAFT = "draft"
...     SENT = "sent"
...     DONE = "done"
>>> flow = Workflow(
...     "memo", Light, initial=Light.DRAFT, final={Light.DONE},
...     transitions=[
...         Transition(Light.DRAFT, "send", Light.SENT),
...         Transition(Light.SENT, "close", Light.DONE, roles={Role.MANAGER},
...                    four_eyes=("send",)),
...     ],
... )
>>> clerk, boss = Actor("u-1", Role.CLERK), Actor("u-2", Role.MANAGER)
>>> at = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
>>> case, _ = flow.start("M-1", actor=clerk, at=at)
>>> case, events = flow.fire(case, "send", actor=clerk, at=at.add(hours=1))
>>> case.state, case.allowed_events()
(<Light.SENT: 'sent'>, ('close',))
>>> flow.fire(case, "send", actor=clerk, at=at.add(hours=2))
Traceback (most recent call last):
...
renewal_core.errors.InvalidTransition: memo case 'M-1' is 'sent', where event 'send' is not \
allowed; allowed events: 'close'
>>> case, _ = flow.fire(case, "close", actor=boss, at=at.add(hours=3))
>>> [(entry.event, entry.target.value, entry.actor_id) for entry in case.history]
[('start', 'draft', 'u-1'), ('send', 'sent', 'u-1'), ('close', 'done', 'u-2')]
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple, TypeAlias

import attrs
import pendulum

from renewal_core._digests import _digest
from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _flag,
    _maker,
    _read_only,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import (
    ArgumentTypeError,
    DateOutOfRange,
    DateTypeError,
    InvalidField,
    InvalidTransition,
    InvalidWorkflow,
    NaiveDateTimeError,
    TransitionRefused,
)
from renewal_core.periods import _to_date, local_day, time_zone
from renewal_core.reasons import Reason, Severity, _reason

__all__ = [
    "DEFAULT_CALENDAR",
    "START",
    "Actor",
    "AuditEntry",
    "Case",
    "Condition",
    "Deadline",
    "Firing",
    "Guard",
    "Lateness",
    "Role",
    "Route",
    "Transition",
    "Workflow",
    "WorkflowEvent",
    "WorkingCalendar",
]

START: Final = "start"
"""The event name of a case's creation, the first entry of every history."""

_EVENT: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_NO_PAYLOAD: Final[Mapping[str, object]] = MappingProxyType({})
_EMPTY_DIGEST: Final = _digest(_NO_PAYLOAD)
_DateTime: Final = pendulum.DateTime


class Role(ShortReprEnum):
    """Who acts in a workflow step; any other ``Enum``'s members work as roles too."""

    CUSTOMER = "customer"
    """The policyholder or their representative."""
    AGENT = "agent"
    """A sales agent or broker."""
    CLERK = "clerk"
    """A renewal or service clerk who prepares cases."""
    UNDERWRITER = "underwriter"
    """An underwriter."""
    SENIOR_UNDERWRITER = "senior_underwriter"
    """A senior underwriter, with a higher authority."""
    COMMITTEE = "committee"
    """An underwriting or claims committee."""
    MANAGER = "manager"
    """A manager."""
    FINANCE = "finance"
    """Finance staff who pay and collect."""
    LEGAL = "legal"
    """Legal staff, for disputes."""
    SYSTEM = "system"
    """The host system itself (automatic steps)."""


def _enum_member(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, enum.Enum):
        _fail(instance, attribute.name, f"must be an Enum member, not {_type_name(value)}")


@attrs.frozen
class Actor:
    """Who fires an event, and in which role.

    Attributes:
        actor_id: the host's identifier of the person or system (not a name, phone
            or ID number: it is shown in the audit trail and in messages).
        role: a :class:`Role`, or a member of the host's own role ``Enum``.

    >>> Actor("u-1001", Role.UNDERWRITER)
    Actor(actor_id='u-1001', role=Role.UNDERWRITER)
    """

    actor_id: str = attrs.field(validator=_text())
    role: enum.Enum = attrs.field(validator=_enum_member)


@attrs.frozen(init=False)
class Firing:
    """The step being attempted, as a guard or a route condition sees it.

    Attributes:
        event: the event fired.
        actor: the :class:`Actor`.
        at: the instant, an aware ``pendulum.DateTime``.
        reason: the reason given, or ``None``.
        payload: the payload, a read-only mapping (empty when none was given).
    """

    event: str
    actor: Actor
    at: pendulum.DateTime
    reason: str | None
    payload: Mapping[str, object] = attrs.field(repr=False)  # may hold personal data


_make_firing = _maker(Firing, "event", "actor", "at", "reason", "payload")

Guard: TypeAlias = "Callable[[Case, Firing], Iterable[Reason]]"
"""A pure function of the case and the step that returns the reasons it refuses (none to allow)."""

Condition: TypeAlias = "Callable[[Case, Firing], bool]"
"""A pure function of the case and the step that says whether a route's branch applies."""


def _as_states(value: object) -> object:
    """A member, or a collection of them, as a frozenset (states, roles, weekdays)."""
    if isinstance(value, enum.Enum):
        return frozenset({value})
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return frozenset(value)
    return value  # left for the validator


def _states(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset) or not value:
        _fail(instance, attribute.name, "must be a state or a non-empty collection of states")
    for state in value:
        if not isinstance(state, enum.Enum):
            _fail(instance, attribute.name, f"must hold Enum members, not {_type_name(state)}")


def _event_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be a str, not {_type_name(value)}")
    if _EVENT.fullmatch(value) is None:
        _fail(
            instance,
            attribute.name,
            f"must be lower-case words joined by '_', such as 'request_information', not "
            f"{value[:40]!r}",
        )
    if value == START:
        _fail(instance, attribute.name, f"{START!r} is the creation of a case; use another name")


def _callables(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, item in enumerate(value):
        if not callable(item):
            _fail(
                instance, f"{attribute.name}[{index}]", f"must be callable, not {_type_name(item)}"
            )


@attrs.frozen
class Route:
    """Where a transition goes when the target depends on the case.

    The target is that of the first branch whose condition holds, else ``otherwise``.

    Attributes:
        branches: ``(label, condition, target)`` triples, tried in order; the label
            names the branch in diagrams.
        otherwise: the target when no condition holds.

    >>> import enum
    >>> class Level(enum.Enum):
    ...     AUTO = "auto"
    ...     MANUAL = "manual"
    >>> route = Route([("small", lambda case, step: step.payload["amount"] < 1000, Level.AUTO)],
    ...               otherwise=Level.MANUAL)
    >>> route.targets
    (<Level.AUTO: 'auto'>, <Level.MANUAL: 'manual'>)
    """

    branches: tuple[tuple[str, Condition, enum.Enum], ...] = attrs.field(converter=_as_tuple)
    otherwise: enum.Enum = attrs.field(kw_only=True, validator=_enum_member)

    def __attrs_post_init__(self) -> None:
        branches: object = self.branches
        if not isinstance(branches, tuple) or not branches:
            _fail(self, "branches", "must be a non-empty list of (label, condition, target)")
        for index, branch in enumerate(branches):
            if (
                not isinstance(branch, tuple)
                or len(branch) != 3
                or not isinstance(branch[0], str)
                or not branch[0]
                or not callable(branch[1])
                or not isinstance(branch[2], enum.Enum)
            ):
                _fail(
                    self,
                    f"branches[{index}]",
                    "must be a (label, condition, target) triple: a non-empty str, a "
                    "callable and a state",
                )

    @property
    def targets(self) -> tuple[enum.Enum, ...]:
        """Every state the route can go to, branches first, without repeats."""
        targets: list[enum.Enum] = []
        for _, _, target in self.branches:
            if target not in targets:
                targets.append(target)
        if self.otherwise not in targets:
            targets.append(self.otherwise)
        return tuple(targets)

    def choose(self, case: Case, firing: Firing) -> enum.Enum:
        """The target for this step: the first branch whose condition holds, else ``otherwise``."""
        for _, condition, target in self.branches:
            if condition(case, firing):
                return target
        return self.otherwise


def _target(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, enum.Enum | Route):
        _fail(instance, attribute.name, f"must be a state or a Route, not {_type_name(value)}")


def _role_set(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset):
        _fail(instance, attribute.name, f"must be a collection of roles, not {_type_name(value)}")
    for role in value:
        if not isinstance(role, enum.Enum):
            _fail(instance, attribute.name, f"must hold Enum members, not {_type_name(role)}")


def _event_names(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for name in value:
        if not isinstance(name, str) or (name != START and _EVENT.fullmatch(name) is None):
            _fail(instance, attribute.name, f"must hold event names, not {name!r}")


def _needs(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key, kind in value.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(key, str) or not all(isinstance(item, type) for item in kinds):
            _fail(
                instance,
                attribute.name,
                f"must map payload keys (str) to a type or a tuple of types, not {key!r}",
            )


@attrs.frozen
class Transition:
    """One row of a workflow's table.

    Attributes:
        sources: the state (or states) the event is allowed in.
        event: the event's name, lower-case words joined by ``_``.
        target: the state it leads to, or a :class:`Route`.
        guards: pure functions ``(case, firing) -> reasons`` that refuse the step by
            returning :class:`~renewal_core.reasons.Reason` (none to allow).
        roles: the roles allowed to fire it; empty (the default) for anyone.
        four_eyes: events whose actors on this case may not fire this one
            (``("submit",)``: who submitted cannot approve).
        needs: payload keys the event must carry, with the type (or tuple of
            types) of each value.
        reason_required: whether the actor must give a reason (a rejection, a
            withdrawal).

    >>> import enum
    >>> class S(enum.Enum):
    ...     A = "a"
    ...     B = "b"
    >>> Transition([S.A], "go", S.B, roles=Role.CLERK).roles
    frozenset({Role.CLERK})
    """

    sources: frozenset[enum.Enum] = attrs.field(converter=_as_states, validator=_states)
    event: str = attrs.field(validator=_event_name)
    target: enum.Enum | Route = attrs.field(validator=_target)
    guards: tuple[Guard, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_tuple, validator=_callables
    )
    roles: frozenset[enum.Enum] = attrs.field(
        default=frozenset(), kw_only=True, converter=_as_states, validator=_role_set
    )
    four_eyes: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_tuple, validator=_event_names
    )
    needs: Mapping[str, type | tuple[type, ...]] = attrs.field(
        factory=dict, kw_only=True, converter=_read_only, validator=_needs
    )
    reason_required: bool = attrs.field(default=False, kw_only=True, validator=_flag)

    @property
    def targets(self) -> tuple[enum.Enum, ...]:
        """The states the transition can lead to."""
        target = self.target
        return target.targets if isinstance(target, Route) else (target,)


def _positive_days(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3660:
        _fail(instance, attribute.name, f"must be an int from 1 to 3660, not {value!r}")


@attrs.frozen
class Deadline:
    """How long a case may stay in a state (an SLA).

    Attributes:
        state: the state.
        days: the days allowed, counted from the day the case entered the state
            (in the calendar's zone): the case is late from the day after the
            ``days``-th day.
        working_days: count working days of the workflow's
            :class:`WorkingCalendar` instead of calendar days.

    >>> import enum
    >>> class S(enum.Enum):
    ...     REVIEW = "review"
    >>> Deadline(S.REVIEW, 3, working_days=True)
    Deadline(state=<S.REVIEW: 'review'>, days=3, working_days=True)
    """

    state: enum.Enum = attrs.field(validator=_enum_member)
    days: int = attrs.field(validator=_positive_days)
    working_days: bool = attrs.field(default=False, kw_only=True, validator=_flag)


def _zone_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be an IANA zone name, not {_type_name(value)}")
    time_zone(value)  # raises UnknownTimeZone


def _as_days(value: object) -> object:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        items = list(value)
        if all(isinstance(item, dt.date) and not isinstance(item, dt.datetime) for item in items):
            return frozenset(pendulum.Date(day.year, day.month, day.day) for day in items)
        return frozenset(items)
    return value


def _day_set(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset) or not all(
        isinstance(day, dt.date) and not isinstance(day, dt.datetime) for day in value
    ):
        _fail(instance, attribute.name, "must be a collection of days (dates, not datetimes)")


def _weekdays(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value
    ):
        _fail(instance, attribute.name, "must be ISO weekdays from 1 (Monday) to 7 (Sunday)")
    if len(value) == 7:
        _fail(instance, attribute.name, "cannot hold every day of the week")


@attrs.frozen
class WorkingCalendar:
    """Which days are working days, for deadlines in working days.

    Attributes:
        tz: the IANA zone whose calendar days count.
        weekend: ISO weekdays off (6 and 7, Saturday and Sunday, by default).
        holidays: days off that are not weekend days.
        working_days: weekend days worked (make-up working days, 调休).

    >>> import pendulum
    >>> calendar = WorkingCalendar(
    ...     "Asia/Shanghai",
    ...     holidays={pendulum.date(2025, 10, 1), pendulum.date(2025, 10, 2)},
    ...     working_days={pendulum.date(2025, 9, 28)},
    ... )
    >>> calendar.add_working_days(pendulum.date(2025, 9, 26), 2)  # Friday; Sunday 28 is worked
    Date(2025, 9, 29)
    >>> calendar.add_working_days(pendulum.date(2025, 9, 29), 2)  # over the 1-2 October holidays
    Date(2025, 10, 3)
    """

    tz: str = attrs.field(validator=_zone_name)
    weekend: frozenset[int] = attrs.field(
        default=frozenset({6, 7}), kw_only=True, converter=_as_states, validator=_weekdays
    )
    holidays: frozenset[pendulum.Date] = attrs.field(
        default=frozenset(), kw_only=True, converter=_as_days, validator=_day_set
    )
    working_days: frozenset[pendulum.Date] = attrs.field(
        default=frozenset(), kw_only=True, converter=_as_days, validator=_day_set
    )

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day.

        Raises:
            DateTypeError: ``day`` is not a day.
        """
        checked = _to_date(day, "WorkingCalendar.is_working_day(day)")
        if checked in self.working_days:
            return True
        return checked.isoweekday() not in self.weekend and checked not in self.holidays

    def add_working_days(self, day: dt.date, days: int) -> pendulum.Date:
        """The ``days``-th working day after ``day`` (``day`` itself not counted).

        Raises:
            DateTypeError: ``day`` is not a day.
            InvalidField: ``days`` is not an int of at least 0.
        """
        current = _to_date(day, "WorkingCalendar.add_working_days(day)")
        count: object = days
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidField(
                "WorkingCalendar", "add_working_days(days)", f"must be 0 or more, not {days!r}"
            )
        left = days
        while left:
            try:
                current = current.add(days=1)
            except OverflowError:
                raise DateOutOfRange(f"{days} working days after {day}") from None
            if self.is_working_day(current):
                left -= 1
        return current


_make_calendar = _maker(WorkingCalendar, "tz", "weekend", "holidays", "working_days")

DEFAULT_CALENDAR: Final = _make_calendar(
    "Asia/Shanghai", frozenset({6, 7}), frozenset(), frozenset()
)
"""The default calendar of the workflows, ``WorkingCalendar("Asia/Shanghai")``.

Saturday and Sunday off, no holidays; built without reading the zone database at
import."""


class AuditEntry(NamedTuple):
    """One accepted step of a case, as the audit trail keeps it (an immutable record)."""

    case_id: str
    """The case's identifier."""
    sequence: int
    """0 for the creation, then 1, 2, ... in order."""
    event: str
    """The event (:data:`START` for the creation)."""
    source: enum.Enum | None
    """The state before the step (``None`` for the creation)."""
    target: enum.Enum
    """The state after it."""
    actor_id: str
    """Who fired it."""
    role: enum.Enum
    """In which role."""
    at: pendulum.DateTime
    """When, an aware ``pendulum.DateTime``."""
    reason: str | None
    """The reason given, or ``None``."""
    payload_digest: str
    """The SHA-256 (hex) of the payload's canonical form."""


class WorkflowEvent(NamedTuple):
    """The domain event a step produced: everything needed to replay it."""

    workflow: str
    """The workflow's name."""
    entry: AuditEntry
    """The step's audit entry."""
    actor: Actor
    """The :class:`Actor` who fired it."""
    payload: Mapping[str, object]
    """The payload (for the creation, the case's initial data)."""

    def __repr__(self) -> str:
        # The payload may hold personal data: it is left out, as its digest is in
        # the entry.
        return (
            f"WorkflowEvent(workflow={self.workflow!r}, entry={self.entry!r}, "
            f"actor={self.actor!r})"
        )

    @property
    def case_id(self) -> str:
        """The case's identifier."""
        return self.entry.case_id

    @property
    def sequence(self) -> int:
        """The step's sequence number (0 for the creation)."""
        return self.entry.sequence

    @property
    def event(self) -> str:
        """The event."""
        return self.entry.event

    @property
    def target(self) -> enum.Enum:
        """The state after the step."""
        return self.entry.target


_new_tuple = tuple.__new__


@attrs.frozen(init=False, hash=False)
class Case:
    """A case of a workflow: its state, its data and its history (from :meth:`Workflow.start`).

    Attributes:
        workflow: the :class:`Workflow` it follows.
        case_id: the host's identifier of the case.
        state: the current state.
        data: everything recorded so far: the initial data, then each step's
            payload merged in (a later value replaces an earlier one).
        history: the :class:`AuditEntry` of every accepted step, in order.
    """

    workflow: Workflow = attrs.field(repr=False)
    case_id: str
    state: enum.Enum
    data: Mapping[str, object] = attrs.field(repr=False)
    history: tuple[AuditEntry, ...] = attrs.field(repr=False)

    def allowed_events(self) -> tuple[str, ...]:
        """The events the current state allows, in the order they were defined."""
        return self.workflow._allowed[self.state]

    @property
    def is_final(self) -> bool:
        """Whether the case is in a final state."""
        return self.state in self.workflow.final

    @property
    def entered_at(self) -> pendulum.DateTime:
        """When the case entered its current state."""
        return self.history[-1].at


_make_case = _maker(Case, "workflow", "case_id", "state", "data", "history")


@attrs.frozen(init=False)
class Lateness:
    """A case past its state's deadline (from :meth:`Workflow.overdue`).

    Attributes:
        case_id: the case's identifier.
        state: the state it is late in.
        entered_at: when it entered the state.
        due_on: the last day allowed.
        as_of: the day checked.
        days_late: calendar days from ``due_on`` to ``as_of``.
    """

    case_id: str
    state: enum.Enum
    entered_at: pendulum.DateTime
    due_on: pendulum.Date
    as_of: pendulum.Date
    days_late: int


_make_lateness = _maker(Lateness, "case_id", "state", "entered_at", "due_on", "as_of", "days_late")


def _instant(value: object, parameter: str) -> pendulum.DateTime:
    if value.__class__ is _DateTime and value.tzinfo is not None:
        return value  # a pendulum zone always has an offset
    if not isinstance(value, dt.datetime):
        raise DateTypeError(_type_name(value), parameter, "an aware datetime")
    if value.utcoffset() is None:
        raise NaiveDateTimeError(repr(value))
    if isinstance(value, pendulum.DateTime):
        return value
    return pendulum.instance(value)


def _guard_reasons(guard: Guard, case: Case, firing: Firing, event: str) -> list[Reason]:
    """The reasons ``guard`` returns for the step, checked."""
    returned: object = guard(case, firing)
    if isinstance(returned, Reason) or not isinstance(returned, Iterable):
        raise ArgumentTypeError(
            _type_name(returned), f"guard of event {event!r}", "an iterable of Reason values"
        )
    found = list(returned)
    for item in found:
        if not isinstance(item, Reason):
            raise ArgumentTypeError(_type_name(item), f"guard of event {event!r}", "Reason values")
    return found


def _quoted(text: str) -> str:
    """``text`` as a DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _state_name(state: enum.Enum) -> str:
    value = state.value
    return value if isinstance(value, str) and value.isidentifier() else state.name


def _payload(value: object, parameter: str) -> Mapping[str, object]:
    if value is None:
        return _NO_PAYLOAD
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(_type_name(value), parameter, "a mapping of str keys, or None")
    for key in value:
        if not isinstance(key, str):
            raise ArgumentTypeError(_type_name(key), f"{parameter} keys", "a str")
    return MappingProxyType({key: _frozen(item) for key, item in value.items()})


def _frozen(value: object) -> object:
    """``value`` with its lists, sets and mappings made immutable, recursively.

    A payload is recorded as it is when fired: a list changed later by the caller
    must not change the case (nor break its replay).
    """
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, set | frozenset):
        return frozenset(_frozen(item) for item in value)
    if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    return value


def _payload_digest(payload: Mapping[str, object]) -> str:
    if not payload:
        return _EMPTY_DIGEST
    try:
        return _digest(payload)
    except (TypeError, ValueError) as error:
        raise InvalidField("Workflow", "payload", f"cannot be recorded: {error}") from None


def _state_type(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, type) and issubclass(value, enum.Enum)) or not len(value):
        _fail(instance, attribute.name, f"must be an Enum class with members, not {value!r}")


def _calendar(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, WorkingCalendar):
        _fail(
            instance, attribute.name, f"must be a WorkingCalendar or None, not {_type_name(value)}"
        )


@attrs.frozen(eq=False, repr=False)
class Workflow:
    """A workflow: its states, initial and final states, transitions and deadlines.

    Two workflows are equal only when they are the same object: define each once, at
    import time, and share it.

    Attributes:
        name: the workflow's name, used in messages, audit events and diagrams.
        states: the ``Enum`` class of its states.
        initial: the state a new case starts in.
        final: the final states (a state or a collection).
        transitions: the :class:`Transition` rows, in order; the order is the order
            of :meth:`allowed_events` and of the diagrams.
        deadlines: the :class:`Deadline` of states that have one.
        calendar: the :class:`WorkingCalendar` deadlines count in; required when
            there are deadlines.

    Raises:
        InvalidWorkflow: the definition cannot work (see the module docstring).
    """

    name: str = attrs.field(validator=_text())
    states: type[enum.Enum] = attrs.field(validator=_state_type)
    initial: enum.Enum = attrs.field(kw_only=True, validator=_enum_member)
    final: frozenset[enum.Enum] = attrs.field(
        kw_only=True, converter=_as_states, validator=_states
    )
    transitions: tuple[Transition, ...] = attrs.field(kw_only=True, converter=_as_tuple)
    deadlines: tuple[Deadline, ...] = attrs.field(default=(), kw_only=True, converter=_as_tuple)
    calendar: WorkingCalendar | None = attrs.field(default=None, kw_only=True, validator=_calendar)
    _table: Mapping[tuple[enum.Enum, str], Transition] = attrs.field(init=False, repr=False)
    _allowed: Mapping[enum.Enum, tuple[str, ...]] = attrs.field(init=False, repr=False)
    _deadlines: Mapping[enum.Enum, Deadline] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        members = list(self.states)
        table = _table_of(self, members)
        _check_reachable(self, members, table)
        allowed = {
            state: tuple(event for (source, event) in table if source is state)
            for state in members
        }
        stuck = [
            state.value for state in members if state not in self.final and not allowed[state]
        ]
        if stuck:
            raise InvalidWorkflow(
                self.name,
                f"states {stuck} are not final but have no transition out; add one or make "
                "them final",
            )
        object.__setattr__(self, "_table", MappingProxyType(table))
        object.__setattr__(self, "_allowed", MappingProxyType(allowed))
        object.__setattr__(self, "_deadlines", MappingProxyType(_deadlines_of(self, members)))

    def __repr__(self) -> str:
        return f"Workflow({self.name!r}, {self.states.__name__})"

    # ----------------------------------------------------------------- queries

    def allowed_events(self, state: enum.Enum) -> tuple[str, ...]:
        """The events ``state`` allows, in the order they were defined.

        Raises:
            InvalidField: ``state`` is not one of the workflow's states.
        """
        try:
            return self._allowed[state]
        except (KeyError, TypeError):
            raise InvalidField(
                "Workflow", "allowed_events(state)", f"{state!r} is not a state of {self.name!r}"
            ) from None

    def is_final(self, state: enum.Enum) -> bool:
        """Whether ``state`` is final.

        Raises:
            InvalidField: ``state`` is not one of the workflow's states.
        """
        self.allowed_events(state)
        return state in self.final

    # ----------------------------------------------------------------- steps

    def start(
        self,
        case_id: str,
        *,
        actor: Actor,
        at: dt.datetime,
        data: Mapping[str, object] | None = None,
    ) -> tuple[Case, tuple[WorkflowEvent, ...]]:
        """Open a case in the initial state, with its first audit entry.

        Args:
            case_id: the host's identifier of the case (not personal data).
            actor: who opens it.
            at: when, an aware datetime.
            data: what the case records from the start (a mapping with str keys).

        Raises:
            ArgumentTypeError: an argument of the wrong type.
            InvalidField: ``case_id`` is empty.
            NaiveDateTimeError: ``at`` has no time zone.
        """
        given: object = case_id
        if not isinstance(given, str) or not given.strip():
            raise InvalidField("Workflow", "start(case_id)", "must be a non-empty str")
        if actor.__class__ is not Actor:
            _wrong_type(actor, "Workflow.start(actor)", "an Actor")
        when = _instant(at, "Workflow.start(at)")
        recorded = _payload(data, "Workflow.start(data)")
        initial = self.initial
        entry = _new_tuple(
            AuditEntry,
            (
                case_id,
                0,
                START,
                None,
                initial,
                actor.actor_id,
                actor.role,
                when,
                None,
                _payload_digest(recorded),
            ),
        )
        case = _make_case(self, case_id, initial, recorded, (entry,))
        return case, (_new_tuple(WorkflowEvent, (self.name, entry, actor, recorded)),)

    def fire(  # noqa: PLR0912 - the checks of the module docstring, in order
        self,
        case: Case,
        event: str,
        *,
        actor: Actor,
        at: dt.datetime,
        reason: str | None = None,
        payload: Mapping[str, object] | None = None,
    ) -> tuple[Case, tuple[WorkflowEvent, ...]]:
        """Fire ``event`` on ``case``; return the new case and the events produced.

        The case given is never changed.

        Raises:
            ArgumentTypeError: an argument of the wrong type.
            InvalidField: the case belongs to another workflow, ``at`` is before the
                case's last step, a required reason is missing, or the payload lacks
                a key the transition needs (or holds a value of the wrong type).
            InvalidTransition: the case's state does not allow ``event``.
            NaiveDateTimeError: ``at`` has no time zone.
            TransitionRefused: a role, the four-eyes rule or a guard refused it.
        """
        if case.__class__ is not Case:
            _wrong_type(case, "Workflow.fire(case)", "a Case")
        if case.workflow is not self:
            raise InvalidField(
                "Workflow",
                "fire(case)",
                f"case {case.case_id!r} follows workflow {case.workflow.name!r}, not "
                f"{self.name!r}",
            )
        state = case.state
        if not isinstance(event, str):
            _wrong_type(event, "Workflow.fire(event)", "a str")
        transition = self._table.get((state, event))
        if transition is None:
            raise InvalidTransition(
                self.name, case.case_id, _state_name(state), event, self._allowed[state]
            )
        if actor.__class__ is not Actor:
            _wrong_type(actor, "Workflow.fire(actor)", "an Actor")
        when = _instant(at, "Workflow.fire(at)")
        history = case.history
        last = history[-1].at
        if when < last:
            raise InvalidField(
                "Workflow",
                "fire(at)",
                f"{when} is before the case's last step ({last}); steps are recorded in "
                "time order",
            )
        why: object = reason
        if why is not None and (not isinstance(why, str) or not why.strip()):
            raise InvalidField("Workflow", "fire(reason)", "must be a non-empty str or None")
        if transition.reason_required and reason is None:
            raise InvalidField("Workflow", "fire(reason)", f"event {event!r} needs a reason")
        given = _payload(payload, "Workflow.fire(payload)")
        for key, kind in transition.needs.items():
            if key not in given:
                raise InvalidField("Workflow", "fire(payload)", f"event {event!r} needs {key!r}")
            kinds = kind if isinstance(kind, tuple) else (kind,)
            value = given[key]
            if not isinstance(value, kind) or (isinstance(value, bool) and bool not in kinds):
                raise InvalidField(
                    "Workflow",
                    "fire(payload)",
                    f"{key!r} of event {event!r} must be a {_kind_names(kind)}, not "
                    f"{_type_name(given[key])}",
                )
        refusals = _replaced(case.data, given, transition) if given else []
        roles = transition.roles
        if roles and actor.role not in roles:
            needed = " or ".join(sorted(str(role.value) for role in roles))
            refusals.append(
                _reason(
                    "role.not_allowed",
                    Severity.BLOCK,
                    "roles",
                    f"event {event!r} needs the role {needed}, not {actor.role.value}",
                    {"role": actor.role, "roles": roles},
                )
            )
        if transition.four_eyes:
            for entry in history:
                if entry.actor_id == actor.actor_id and entry.event in transition.four_eyes:
                    refusals.append(
                        _reason(
                            "four_eyes.same_actor",
                            Severity.BLOCK,
                            "four_eyes",
                            f"{actor.actor_id!r} fired {entry.event!r} on this case, so "
                            f"cannot fire {event!r}",
                            {"actor_id": actor.actor_id, "event": entry.event},
                        )
                    )
                    break
        target = transition.target
        firing = (
            _make_firing(event, actor, when, reason, given)
            if transition.guards or isinstance(target, Route)
            else None
        )
        for guard in transition.guards:
            refusals += _guard_reasons(guard, case, firing, event)  # type: ignore[arg-type]
        if refusals:
            raise TransitionRefused(self.name, case.case_id, _state_name(state), event, refusals)
        if isinstance(target, Route):
            target = target.choose(case, firing)  # type: ignore[arg-type]  # made for routes
        case_id = case.case_id
        entry = _new_tuple(
            AuditEntry,
            (
                case_id,
                len(history),
                event,
                state,
                target,
                actor.actor_id,
                actor.role,
                when,
                reason,
                _payload_digest(given) if given else _EMPTY_DIGEST,
            ),
        )
        data = case.data if not given else MappingProxyType({**case.data, **given})
        return _make_case(self, case_id, target, data, (*history, entry)), (
            _new_tuple(WorkflowEvent, (self.name, entry, actor, given)),
        )

    def replay(self, events: Iterable[WorkflowEvent]) -> Case:
        """Rebuild a case from its events, creation first; the result equals the case.

        Raises:
            InvalidField: the events are not one case's steps of this workflow, in
                order, or a step no longer leads where it led.
            ArgumentTypeError: an item is not a :class:`WorkflowEvent`.
        """
        given: object = events
        if not isinstance(given, Iterable) or isinstance(given, str | bytes | Mapping):
            _wrong_type(given, "Workflow.replay(events)", "an iterable of WorkflowEvent")
        case: Case | None = None
        for index, item in enumerate(given):
            entry: object = getattr(item, "entry", None)
            if not isinstance(item, WorkflowEvent) or not isinstance(entry, AuditEntry):
                _wrong_type(
                    item,
                    f"Workflow.replay(events[{index}])",
                    "a WorkflowEvent holding its AuditEntry",
                )
            if item.workflow != self.name or item.sequence != index:
                raise InvalidField(
                    "Workflow",
                    "replay(events)",
                    f"event {index} is step {item.sequence} of workflow {item.workflow!r}; "
                    f"expected step {index} of {self.name!r}",
                )
            if case is None:
                if item.event != START:
                    raise InvalidField(
                        "Workflow", "replay(events)", "must start with the creation"
                    )
                case, _ = self.start(
                    item.case_id, actor=item.actor, at=item.entry.at, data=item.payload
                )
            else:
                if item.case_id != case.case_id:
                    raise InvalidField(
                        "Workflow", "replay(events)", f"event {index} belongs to another case"
                    )
                case, _ = self.fire(
                    case,
                    item.event,
                    actor=item.actor,
                    at=item.entry.at,
                    reason=item.entry.reason,
                    payload=item.payload,
                )
            if case.state is not item.target:
                raise InvalidField(
                    "Workflow",
                    "replay(events)",
                    f"event {index} ({item.event!r}) now leads to {case.state.value!r}, not "
                    f"{item.target.value!r}",
                )
            if case.history[-1] != item.entry:
                raise InvalidField(
                    "Workflow",
                    "replay(events)",
                    f"event {index} ({item.event!r}) does not match its audit entry (the "
                    "actor, role, source or payload digest differ)",
                )
        if case is None:
            raise InvalidField("Workflow", "replay(events)", "must hold at least the creation")
        return case

    def overdue(self, case: Case, as_of: dt.date) -> Lateness | None:
        """Whether ``case`` is past its current state's deadline on ``as_of``.

        ``as_of`` is a day, or an aware datetime taken as its day in the calendar's
        zone. ``None`` when the state has no deadline or the case is on time.

        Raises:
            ArgumentTypeError: ``case`` is not a :class:`Case` of this workflow.
            DateTypeError: ``as_of`` is neither a day nor an aware datetime.
        """
        if case.__class__ is not Case or case.workflow is not self:
            _wrong_type(case, "Workflow.overdue(case)", f"a Case of {self.name!r}")
        if isinstance(as_of, dt.datetime):
            _instant(as_of, "Workflow.overdue(as_of)")
        else:
            day = _to_date(as_of, "Workflow.overdue(as_of)")
        deadline = self._deadlines.get(case.state)
        if deadline is None:
            return None
        calendar = self.calendar
        assert calendar is not None  # noqa: S101 - required with deadlines, checked when built
        if isinstance(as_of, dt.datetime):
            day = local_day(_instant(as_of, "Workflow.overdue(as_of)"), calendar.tz)
        entered = case.entered_at
        entered_day = local_day(entered, calendar.tz)
        due = (
            calendar.add_working_days(entered_day, deadline.days)
            if deadline.working_days
            else entered_day.add(days=deadline.days)
        )
        if day <= due:
            return None
        return _make_lateness(
            case.case_id, case.state, entered, due, day, day.toordinal() - due.toordinal()
        )

    # ----------------------------------------------------------------- diagrams

    def _edges(self) -> list[tuple[enum.Enum, enum.Enum, str]]:
        members = list(self.states)
        edges = []
        for transition in self.transitions:
            target = transition.target
            for source in sorted(transition.sources, key=members.index):
                if isinstance(target, Route):
                    for label, _, branch in target.branches:
                        edges.append((source, branch, f"{transition.event} [{label}]"))
                    edges.append((source, target.otherwise, f"{transition.event} [otherwise]"))
                else:
                    edges.append((source, target, transition.event))
        return edges

    def to_mermaid(self) -> str:
        """The workflow as a Mermaid state diagram, from its table.

        >>> import enum
        >>> class S(enum.Enum):
        ...     OPEN = "open"
        ...     CLOSED = "closed"
        >>> print(Workflow("w", S, initial=S.OPEN, final=S.CLOSED,
        ...                transitions=[Transition(S.OPEN, "close", S.CLOSED)]).to_mermaid())
        stateDiagram-v2
            [*] --> open
            open --> closed: close
            closed --> [*]
        """
        lines = ["stateDiagram-v2", f"    [*] --> {_state_name(self.initial)}"]
        lines += [
            f"    {_state_name(source)} --> {_state_name(target)}: {label}"
            for source, target, label in self._edges()
        ]
        lines += [
            f"    {_state_name(state)} --> [*]" for state in self.states if state in self.final
        ]
        return "\n".join(lines)

    def to_dot(self) -> str:
        """The workflow as a Graphviz DOT digraph, from its table.

        >>> import enum
        >>> class S(enum.Enum):
        ...     OPEN = "open"
        ...     CLOSED = "closed"
        >>> print(Workflow("w", S, initial=S.OPEN, final=S.CLOSED,
        ...                transitions=[Transition(S.OPEN, "close", S.CLOSED)]).to_dot())
        digraph "w" {
            rankdir=LR;
            node [shape=box, style=rounded];
            "__start__" [shape=point];
            "closed" [peripheries=2];
            "__start__" -> "open";
            "open" -> "closed" [label="close"];
        }
        """
        lines = [
            f"digraph {_quoted(self.name)} {{",
            "    rankdir=LR;",
            "    node [shape=box, style=rounded];",
            '    "__start__" [shape=point];',
        ]
        lines += [
            f'    "{_state_name(state)}" [peripheries=2];'
            for state in self.states
            if state in self.final
        ]
        lines.append(f'    "__start__" -> "{_state_name(self.initial)}";')
        lines += [
            f"    {_quoted(_state_name(source))} -> {_quoted(_state_name(target))} "
            f"[label={_quoted(label)}];"
            for source, target, label in self._edges()
        ]
        lines.append("}")
        return "\n".join(lines)


def _table_of(  # noqa: PLR0912 - one check per rule of the module docstring
    workflow: Workflow, members: list[enum.Enum]
) -> dict[tuple[enum.Enum, str], Transition]:
    """Check the states and transitions of ``workflow``; return its table."""
    name, kind = workflow.name, workflow.states.__name__
    if workflow.initial not in members:
        raise InvalidWorkflow(
            name, f"the initial state {workflow.initial!r} is not a member of {kind}"
        )
    if workflow.initial in workflow.final:
        raise InvalidWorkflow(
            name, "the initial state cannot be final: a case would have nothing to do"
        )
    for state in workflow.final:
        if state not in members:
            raise InvalidWorkflow(name, f"the final state {state!r} is not a member of {kind}")
    transitions: object = workflow.transitions
    if not isinstance(transitions, tuple) or not transitions:
        raise InvalidWorkflow(name, "needs a non-empty list of Transition")
    table: dict[tuple[enum.Enum, str], Transition] = {}
    for index, transition in enumerate(transitions):
        if not isinstance(transition, Transition):
            raise InvalidWorkflow(
                name, f"transitions[{index}] is a {_type_name(transition)}, not a Transition"
            )
        for state in (*transition.sources, *transition.targets):
            if state not in members:
                raise InvalidWorkflow(
                    name,
                    f"transition {transition.event!r} uses {state!r}, which is not a member of "
                    f"{kind}",
                )
        for source in sorted(transition.sources, key=members.index):
            if source in workflow.final:
                raise InvalidWorkflow(
                    name,
                    f"transition {transition.event!r} leaves the final state {source.value!r}; "
                    "a final state has no way out",
                )
            if (source, transition.event) in table:
                raise InvalidWorkflow(
                    name,
                    f"event {transition.event!r} has two transitions from state "
                    f"{source.value!r}; merge them, or choose the target with a Route",
                )
            table[source, transition.event] = transition
    events = {transition.event for transition in table.values()} | {START}
    for transition in table.values():
        for other in transition.four_eyes:
            if other not in events:
                raise InvalidWorkflow(
                    name,
                    f"transition {transition.event!r} keeps four eyes on {other!r}, which is "
                    "no event of this workflow",
                )
    return table


def _check_reachable(
    workflow: Workflow,
    members: list[enum.Enum],
    table: Mapping[tuple[enum.Enum, str], Transition],
) -> None:
    reached = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        state = frontier.pop()
        for (source, _), transition in table.items():
            if source is state:
                for target in transition.targets:
                    if target not in reached:
                        reached.add(target)
                        frontier.append(target)
    unreachable = [state.value for state in members if state not in reached]
    if unreachable:
        raise InvalidWorkflow(
            workflow.name,
            f"states {unreachable} cannot be reached from the initial state "
            f"{workflow.initial.value!r}",
        )


def _deadlines_of(workflow: Workflow, members: list[enum.Enum]) -> dict[enum.Enum, Deadline]:
    deadlines: dict[enum.Enum, Deadline] = {}
    given: object = workflow.deadlines
    if not isinstance(given, tuple):
        raise InvalidWorkflow(workflow.name, "deadlines must be a list of Deadline")
    for deadline in given:
        if not isinstance(deadline, Deadline):
            raise InvalidWorkflow(
                workflow.name, f"deadlines hold a {_type_name(deadline)}, not a Deadline"
            )
        if deadline.state not in members or deadline.state in workflow.final:
            raise InvalidWorkflow(
                workflow.name,
                f"a deadline for {deadline.state!r}, which is not a state of "
                f"{workflow.states.__name__} that a case can stay in",
            )
        if deadline.state in deadlines:
            raise InvalidWorkflow(workflow.name, f"two deadlines for {deadline.state.value!r}")
        deadlines[deadline.state] = deadline
    if deadlines and workflow.calendar is None:
        raise InvalidWorkflow(
            workflow.name, "has deadlines but no calendar; give calendar=WorkingCalendar(tz)"
        )
    return deadlines


def _replaced(
    recorded: Mapping[str, object], given: Mapping[str, object], transition: Transition
) -> list[Reason]:
    """Refusals for payload keys that replace data an earlier step recorded.

    Only a transition that declares a key in its ``needs`` may record it again (a
    new quote after a re-quote, a request resubmitted).
    """
    return [
        _reason(
            "payload.replaces_record",
            Severity.BLOCK,
            "records",
            f"{key!r} is already recorded on the case and event {transition.event!r} does "
            "not record it (it is not in the event's needs); carry other data under "
            "another key",
            {"key": key, "event": transition.event},
        )
        for key in given
        if key in recorded and key not in transition.needs
    ]


def _kind_names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(item.__name__ for item in kinds)
