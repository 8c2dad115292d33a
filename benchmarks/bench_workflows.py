"""Workflow steps against hand-written code and against two state-machine libraries.

All run the dispute workflow (:mod:`renewal_core.workflows.dispute`).

*One transition*: ``DISPUTE_WORKFLOW.fire`` of ``respond`` (``opened`` to
``negotiating``, clerks and managers only) on a fresh case. The floor does the same
work by hand: a dict lookup of ``(state, event)`` to the target and the roles, the
role check, the time-order check against the last audit entry, the audit record (a
tuple of the same ten values) appended to a new history tuple, a new case (a small
slotted class) and the event tuple.

*Creating a case*: ``DISPUTE_WORKFLOW.start`` against a slotted object holding the
same values (workflow, case id, initial state, empty data, history) with its first
audit tuple and the event tuple, after the same check of the case id.

*A lifecycle, against peers*: a case is created and taken through five steps:
``respond``, ``fail_negotiation`` (with a reason), ``escalate`` (to arbitration,
chosen by the escalation's forum), ``record_ruling`` (checked: role, forum, day) and
``close``. The peers run the same lifecycle with the same checks, as conditions: the
role of each step, the route on the forum, the ruling's forum and day; and an audit
record per step in a list. The peers are `transitions` (one shared ``Machine``, a
model added and removed per case) and `python-statemachine` (a ``StateMachine``
instance per case). Here the *floor* column is the peer, the *library* column is
``renewal_core``, and a ratio under 1 means the library is faster. Both must end in
``closed``.

The peers are not dependencies of ``renewal_core``: they come with the ``bench``
extra, and these two benchmarks run only when both import::

    python -m pip install -e '.[bench]'
    python -m benchmarks -k Workflow
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from typing import Any

import pendulum

from benchmarks._harness import Benchmark
from renewal_core.money import Money
from renewal_core.workflows.dispute import (
    DISPUTE_WORKFLOW,
    DisputeOutcome,
    DisputeState,
    Escalation,
    Forum,
    Ruling,
)
from renewal_core.workflows.engine import Actor, AuditEntry, Case, Role, WorkflowEvent

_AT = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
_LATER = _AT.add(hours=5)
_CLERK = Actor("u-17", Role.CLERK)
_MANAGER = Actor("u-3", Role.MANAGER)
_LEGAL = Actor("u-40", Role.LEGAL)
# The digest of an empty payload: SHA-256 of its canonical JSON form.
_EMPTY_DIGEST = hashlib.sha256(b'["map",[]]').hexdigest()
_NO_DATA: dict[str, object] = {}

# ---------------------------------------------------------------- one transition

_OPENED_CASE, _ = DISPUTE_WORKFLOW.start("D-1", actor=_CLERK, at=_AT)


class _FloorCase:
    __slots__ = ("case_id", "data", "history", "state", "workflow")

    def __init__(
        self,
        workflow: object,
        case_id: str,
        state: DisputeState,
        data: dict[str, object],
        history: tuple[tuple[Any, ...], ...],
    ) -> None:
        self.workflow = workflow
        self.case_id = case_id
        self.state = state
        self.data = data
        self.history = history


_STAFF = frozenset({Role.CLERK, Role.MANAGER})
_FLOOR_TABLE: dict[tuple[DisputeState, str], tuple[DisputeState, frozenset[Role]]] = {
    (DisputeState.OPENED, "respond"): (DisputeState.NEGOTIATING, _STAFF),
}
_FLOOR_OPENED = _FloorCase(
    "dispute",
    "D-1",
    DisputeState.OPENED,
    _NO_DATA,
    (
        (
            "D-1",
            0,
            "start",
            None,
            DisputeState.OPENED,
            "u-17",
            Role.CLERK,
            _AT,
            None,
            _EMPTY_DIGEST,
        ),
    ),
)


def _floor_fire(
    case: _FloorCase, event: str, actor: Actor, at: pendulum.DateTime
) -> tuple[_FloorCase, tuple[tuple[Any, ...], ...]]:
    found = _FLOOR_TABLE.get((case.state, event))
    if found is None:
        raise ValueError(event)
    target, roles = found
    if actor.role not in roles:
        raise PermissionError(actor.role)
    history = case.history
    if at < history[-1][7]:  # the instant of the last entry
        raise ValueError(at)
    entry = (
        case.case_id,
        len(history),
        event,
        case.state,
        target,
        actor.actor_id,
        actor.role,
        at,
        None,
        _EMPTY_DIGEST,
    )
    new = _FloorCase(case.workflow, case.case_id, target, case.data, (*history, entry))
    return new, (("dispute", entry, actor, _NO_DATA),)


def _library_fire() -> tuple[Case, tuple[WorkflowEvent, ...]]:
    return DISPUTE_WORKFLOW.fire(_OPENED_CASE, "respond", actor=_CLERK, at=_LATER)


def _floor_fire_once() -> tuple[_FloorCase, tuple[tuple[Any, ...], ...]]:
    return _floor_fire(_FLOOR_OPENED, "respond", _CLERK, _LATER)


def _check_fire(library: object, floor: object) -> None:
    assert isinstance(library, tuple)
    assert isinstance(floor, tuple)
    case, events = library
    floor_case, floor_events = floor
    assert isinstance(case, Case)
    assert isinstance(floor_case, _FloorCase)
    assert case.state is floor_case.state is DisputeState.NEGOTIATING
    assert len(case.history) == len(floor_case.history) == 2
    assert [tuple(entry) for entry in case.history] == list(floor_case.history)
    assert isinstance(case.history[-1], AuditEntry)
    assert len(events) == len(floor_events) == 1
    assert tuple(events[0].entry) == floor_events[0][1]


# ---------------------------------------------------------------- creating a case


def _library_start() -> tuple[Case, tuple[WorkflowEvent, ...]]:
    return DISPUTE_WORKFLOW.start("D-2", actor=_CLERK, at=_AT)


def _floor_new(
    case_id: object, actor: Actor, at: pendulum.DateTime
) -> tuple[_FloorCase, tuple[tuple[Any, ...], ...]]:
    if not isinstance(case_id, str) or not case_id.strip():
        raise ValueError(case_id)
    entry = (
        case_id,
        0,
        "start",
        None,
        DisputeState.OPENED,
        actor.actor_id,
        actor.role,
        at,
        None,
        _EMPTY_DIGEST,
    )
    case = _FloorCase("dispute", case_id, DisputeState.OPENED, _NO_DATA, (entry,))
    return case, (("dispute", entry, actor, _NO_DATA),)


def _floor_start() -> tuple[_FloorCase, tuple[tuple[Any, ...], ...]]:
    return _floor_new("D-2", _CLERK, _AT)


def _check_start(library: object, floor: object) -> None:
    assert isinstance(library, tuple)
    assert isinstance(floor, tuple)
    case, events = library
    floor_case, floor_events = floor
    assert isinstance(case, Case)
    assert isinstance(floor_case, _FloorCase)
    assert (case.case_id, case.state, dict(case.data)) == (
        floor_case.case_id,
        floor_case.state,
        floor_case.data,
    )
    assert [tuple(entry) for entry in case.history] == list(floor_case.history)
    assert tuple(events[0].entry) == floor_events[0][1]


# ---------------------------------------------------------------- a lifecycle

_ESCALATION = Escalation(Forum.ARBITRATION, arbitration_agreement=True)
_RULED_ON = pendulum.date(2025, 3, 20)
_AWARD = Ruling(
    Forum.ARBITRATION, DisputeOutcome.GRANTED, ruled_on=_RULED_ON, amount=Money("800.00", "CNY")
)
_STEPS = (
    ("respond", _CLERK, _AT.add(days=1), None, None),
    ("fail_negotiation", _CLERK, _AT.add(days=10), "no agreement", None),
    ("escalate", _LEGAL, _AT.add(days=12), None, {"escalation": _ESCALATION}),
    ("record_ruling", _LEGAL, _AT.add(days=20), None, {"ruling": _AWARD}),
    ("close", _MANAGER, _AT.add(days=25), None, None),
)


def _library_lifecycle() -> str:
    workflow = DISPUTE_WORKFLOW
    case, _ = workflow.start("D-3", actor=_CLERK, at=_AT)
    for event, actor, at, reason, payload in _STEPS:
        case, _ = workflow.fire(case, event, actor=actor, at=at, reason=reason, payload=payload)
    return str(case.state.value)


_STATE_NAMES = [state.value for state in DisputeState]
_ROLES_OF = {
    "respond": _STAFF,
    "fail_negotiation": _STAFF,
    "escalate": frozenset({Role.LEGAL}),
    "record_ruling": frozenset({Role.LEGAL}),
    "close": _STAFF,
}


def _day_in_shanghai(at: pendulum.DateTime) -> pendulum.Date:
    return at.in_timezone("Asia/Shanghai").date()


def _ruling_ok(state: str, ruling: Ruling, at: pendulum.DateTime, escalated: Any) -> bool:
    expected = Forum.ARBITRATION if state == "in_arbitration" else Forum.COURT
    return ruling.forum is expected and _day_in_shanghai(
        escalated
    ) <= ruling.ruled_on <= _day_in_shanghai(at)


def _transitions_machine(module: Any) -> tuple[Any, Any]:
    """A shared ``transitions.Machine`` for the dispute table, and a model factory."""

    class Model:
        def __init__(self, case_id: str) -> None:
            self.case_id = case_id
            self.audit: list[tuple[object, ...]] = []

        def allowed(self, event_data: Any) -> bool:
            kwargs = event_data.kwargs
            return bool(kwargs["actor"].role in _ROLES_OF[event_data.event.name])

        def to_arbitration(self, event_data: Any) -> bool:
            return bool(event_data.kwargs["escalation"].forum is Forum.ARBITRATION)

        def ruling_ok(self, event_data: Any) -> bool:
            kwargs = event_data.kwargs
            return _ruling_ok(
                event_data.state.name, kwargs["ruling"], kwargs["at"], self.audit[-1][7]
            )

        def record(self, event_data: Any) -> None:
            kwargs = event_data.kwargs
            actor = kwargs["actor"]
            self.audit.append(
                (
                    self.case_id,
                    len(self.audit),
                    event_data.event.name,
                    event_data.transition.source,
                    event_data.transition.dest,
                    actor.actor_id,
                    actor.role,
                    kwargs["at"],
                    kwargs.get("reason"),
                )
            )

    allowed = "allowed"
    machine = module.Machine(
        model=None,
        states=_STATE_NAMES,
        initial="opened",
        send_event=True,
        auto_transitions=False,
        after_state_change="record",
        transitions=[
            {
                "trigger": "respond",
                "source": "opened",
                "dest": "negotiating",
                "conditions": allowed,
            },
            {
                "trigger": "fail_negotiation",
                "source": "negotiating",
                "dest": "negotiation_failed",
                "conditions": allowed,
            },
            {
                "trigger": "escalate",
                "source": "negotiation_failed",
                "dest": "in_arbitration",
                "conditions": [allowed, "to_arbitration"],
            },
            {
                "trigger": "escalate",
                "source": "negotiation_failed",
                "dest": "in_court",
                "conditions": allowed,
                "unless": "to_arbitration",
            },
            {
                "trigger": "record_ruling",
                "source": ["in_arbitration", "in_court"],
                "dest": "ruled",
                "conditions": [allowed, "ruling_ok"],
            },
            {
                "trigger": "close",
                "source": ["resolved", "ruled"],
                "dest": "closed",
                "conditions": allowed,
            },
        ],
    )
    return machine, Model


def _transitions_lifecycle(machine: Any, model_class: Any) -> Callable[[], object]:
    def lifecycle() -> str:
        model = model_class("D-3")
        machine.add_model(model)
        model.audit.append(
            ("D-3", 0, "start", None, "opened", _CLERK.actor_id, _CLERK.role, _AT, None)
        )
        for event, actor, at, reason, payload in _STEPS:
            if not model.trigger(event, actor=actor, at=at, reason=reason, **(payload or {})):
                raise RuntimeError(event)
        machine.remove_model(model)
        return str(model.state)

    return lifecycle


def _statemachine_class(module: Any) -> Any:
    """A ``python-statemachine`` class for the dispute table."""
    state = module.State

    def allowed(event: str, actor: Actor) -> bool:
        return actor.role in _ROLES_OF[event]

    def to_arbitration(escalation: Escalation) -> bool:
        return escalation.forum is Forum.ARBITRATION

    namespace: dict[str, Any] = {
        "opened": state(initial=True, value="opened"),
        "negotiating": state(value="negotiating"),
        "resolved": state(value="resolved"),
        "negotiation_failed": state(value="negotiation_failed"),
        "in_arbitration": state(value="in_arbitration"),
        "in_court": state(value="in_court"),
        "ruled": state(value="ruled"),
        "closed": state(final=True, value="closed"),
        "withdrawn": state(final=True, value="withdrawn"),
    }
    s = namespace
    namespace["respond"] = s["opened"].to(s["negotiating"], cond=allowed)
    namespace["agree"] = s["negotiating"].to(s["resolved"], cond=allowed)
    namespace["fail_negotiation"] = s["negotiating"].to(s["negotiation_failed"], cond=allowed)
    namespace["escalate"] = s["negotiation_failed"].to(
        s["in_arbitration"], cond=[allowed, to_arbitration]
    ) | s["negotiation_failed"].to(s["in_court"], cond=allowed, unless=to_arbitration)
    namespace["record_ruling"] = s["in_arbitration"].to(
        s["ruled"], cond=[allowed, "ruling_ok"]
    ) | s["in_court"].to(s["ruled"], cond=[allowed, "ruling_ok"])
    namespace["close"] = s["resolved"].to(s["closed"], cond=allowed) | s["ruled"].to(
        s["closed"], cond=allowed
    )
    namespace["withdraw"] = (
        s["opened"].to(s["withdrawn"])
        | s["negotiating"].to(s["withdrawn"])
        | s["negotiation_failed"].to(s["withdrawn"])
        | s["in_arbitration"].to(s["withdrawn"])
        | s["in_court"].to(s["withdrawn"])
    )

    def __init__(self: Any, case_id: str) -> None:  # noqa: N807 - the class's constructor
        self.case_id = case_id
        self.audit = [("D-3", 0, "start", None, "opened", _CLERK.actor_id, _CLERK.role, _AT, None)]
        module.StateMachine.__init__(self)

    def ruling_ok(self: Any, ruling: Ruling, at: pendulum.DateTime, source: Any) -> bool:
        return _ruling_ok(source.value, ruling, at, self.audit[-1][7])

    def after_transition(
        self: Any,
        *,
        event: str,
        source: Any,
        target: Any,
        actor: Actor,
        at: pendulum.DateTime,
        reason: str | None = None,
    ) -> None:
        self.audit.append(
            (
                self.case_id,
                len(self.audit),
                event,
                source.value,
                target.value,
                actor.actor_id,
                actor.role,
                at,
                reason,
            )
        )

    namespace.update(
        __init__=__init__,
        ruling_ok=ruling_ok,
        after_transition=after_transition,
        __module__=__name__,
    )
    return type(module.StateMachine)("DisputeMachine", (module.StateMachine,), namespace)


def _statemachine_lifecycle(machine_class: Any) -> Callable[[], object]:
    def lifecycle() -> str:
        machine = machine_class("D-3")
        for event, actor, at, reason, payload in _STEPS:
            machine.send(event, actor=actor, at=at, reason=reason, **(payload or {}))
        return str(machine.current_state_value)

    return lifecycle


def _check_lifecycle(library: object, floor: object) -> None:
    assert library == floor == "closed"


def _peers() -> list[Benchmark]:
    try:
        transitions = importlib.import_module("transitions")
        statemachine = importlib.import_module("statemachine")
    except ImportError:
        return []
    machine, model_class = _transitions_machine(transitions)
    return [
        Benchmark(
            "Workflow: 5-step dispute lifecycle vs transitions",
            _library_lifecycle,
            _transitions_lifecycle(machine, model_class),
            _check_lifecycle,
            target=1.0,
            number=200,
        ),
        Benchmark(
            "Workflow: 5-step dispute lifecycle vs python-statemachine",
            _library_lifecycle,
            _statemachine_lifecycle(_statemachine_class(statemachine)),
            _check_lifecycle,
            target=1.0,
            number=200,
        ),
    ]


BENCHMARKS = [
    Benchmark(
        "Workflow: fire one transition (dispute respond)",
        _library_fire,
        _floor_fire_once,
        _check_fire,
        target=3.0,
        number=5000,
    ),
    Benchmark(
        "Workflow: start a case",
        _library_start,
        _floor_start,
        _check_start,
        target=5.0,
        number=5000,
    ),
    *_peers(),
]
