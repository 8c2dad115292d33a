"""Steps shared by the workflows of this package (private).

Checks of the arguments of the workflow factories, a guard that keeps each step's
records from being replaced by another step, a route condition on a material
review, and the opening of a case with its request by the roles allowed to.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import cast

from renewal_core._fields import _type_name
from renewal_core.errors import InvalidField, TransitionRefused
from renewal_core.materials import MaterialReview
from renewal_core.reasons import Reason, Severity, _reason
from renewal_core.workflows.engine import (
    DEFAULT_CALENDAR,
    START,
    Actor,
    Case,
    Firing,
    Guard,
    Workflow,
    WorkflowEvent,
    WorkingCalendar,
)


def _days_argument(owner: str, name: str, value: object) -> int:
    """Check a number of days given to a workflow factory: an int from 1 to 3660."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3660:
        shown = repr(value) if isinstance(value, int) else _type_name(value)
        raise InvalidField(owner, name, f"must be an int from 1 to 3660 days, not {shown}")
    return value


def _roles_argument(owner: str, name: str, value: object) -> frozenset[enum.Enum]:
    """Check the roles given to a workflow factory: a non-empty collection of Enum members."""
    if isinstance(value, enum.Enum):
        return frozenset({value})
    if not isinstance(value, Iterable) or isinstance(value, str | bytes):
        raise InvalidField(
            owner,
            name,
            f"must be a collection of roles, such as Role members, not {_type_name(value)}",
        )
    roles = frozenset(value)
    if not roles:
        raise InvalidField(owner, name, "must hold at least one role")
    for role in roles:
        if not isinstance(role, enum.Enum):
            raise InvalidField(
                owner,
                name,
                f"must hold roles (Enum members, such as Role.UNDERWRITER), not "
                f"{_type_name(role)}",
            )
    return roles


def _calendar_argument(owner: str, value: object) -> WorkingCalendar:
    """The calendar given to a workflow factory, or Shanghai's with Saturday and Sunday off."""
    if value is None:
        return DEFAULT_CALENDAR
    if not isinstance(value, WorkingCalendar):
        raise InvalidField(
            owner, "calendar", f"must be a WorkingCalendar or None, not {_type_name(value)}"
        )
    return value


def _keeps_records(prefix: str, recorded_by: Mapping[str, str], *own: str) -> Guard:
    """A guard: the payload replaces none of the records other steps wrote.

    ``recorded_by`` maps each record's key to the event that writes it; ``own`` are
    the keys this transition writes.
    """
    others = tuple(key for key in recorded_by if key not in own)

    def guard(case: Case, firing: Firing) -> Iterable[Reason]:
        payload = firing.payload
        return [
            _reason(
                f"{prefix}.record_replaced",
                Severity.BLOCK,
                "records",
                f"{key!r} is recorded by {_step_name(recorded_by[key])} and cannot be "
                f"replaced by event {firing.event!r}; carry other data under another key",
                {"key": key, "recorded_by": recorded_by[key], "event": firing.event},
            )
            for key in others
            if key in payload
        ]

    return guard


def _step_name(event: str) -> str:
    return "the creation of the case" if event == START else f"event {event!r}"


def _review_failed(case: Case, firing: Firing) -> bool:
    """A route condition: the payload's review has a finding of severity REFER or BLOCK."""
    severity = cast("MaterialReview", firing.payload["review"]).severity
    return severity is not None and severity >= Severity.REFER


def _open(
    workflow: Workflow,
    case_id: str,
    request: object,
    *,
    actor: Actor,
    at: dt.datetime,
    openers: frozenset[enum.Enum],
    who: str,
    key: str = "request",
) -> tuple[Case, tuple[WorkflowEvent, ...]]:
    """Open a case with ``request`` recorded under ``key``, if ``actor`` may open it."""
    case, events = workflow.start(case_id, actor=actor, at=at, data={key: request})
    if actor.role not in openers:
        raise TransitionRefused(
            workflow.name,
            case_id,
            workflow.initial.value,
            START,
            [
                _reason(
                    "role.not_allowed",
                    Severity.BLOCK,
                    "roles",
                    f"{who}, not by {actor.role.value}",
                    {"role": actor.role, "roles": openers},
                )
            ],
        )
    return case, events
