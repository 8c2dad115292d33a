from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import cast
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_core.errors import (
    ArgumentTypeError,
    DateOutOfRange,
    DateTypeError,
    InvalidField,
    InvalidTransition,
    InvalidWorkflow,
    NaiveDateTimeError,
    TransitionRefused,
    UnknownTimeZone,
)
from renewal_core.money import Money
from renewal_core.reasons import Reason, Severity
from renewal_core.workflows.engine import (
    START,
    Actor,
    AuditEntry,
    Case,
    Condition,
    Deadline,
    Firing,
    Lateness,
    Role,
    Route,
    Transition,
    Workflow,
    WorkflowEvent,
    WorkingCalendar,
)
from workflow_machine import workflow_machine

# ------------------------------------------------------------------ fixtures


class Memo(enum.Enum):
    DRAFT = "draft"
    SENT = "sent"
    BIG = "big"
    DONE = "done"
    DROPPED = "dropped"


class Other(enum.Enum):
    X = "x"


class Abc(enum.Enum):
    A = "a"
    B = "b"
    C = "c"
    D = "d"


class HostRole(enum.Enum):
    AUDITOR = "auditor"


AT = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")  # a Monday
CLERK = Actor("u-1", Role.CLERK)
MANAGER = Actor("u-2", Role.MANAGER)
MANAGER_2 = Actor("u-3", Role.MANAGER)
SENIOR = Actor("u-4", Role.SENIOR_UNDERWRITER)

# China's 2025 National Day and Mid-Autumn holidays: 1 to 8 October off, with the
# make-up working days (调休) Sunday 28 September and Saturday 11 October.
NATIONAL_DAY = WorkingCalendar(
    "Asia/Shanghai",
    holidays={pendulum.date(2025, 10, day) for day in range(1, 9)},
    working_days={pendulum.date(2025, 9, 28), pendulum.date(2025, 10, 11)},
)
LIMIT = Decimal(1_000_000)


def _within_limit(case: Case, firing: Firing) -> list[Reason]:
    amount = firing.payload["amount"]
    assert isinstance(amount, Decimal)
    if amount > LIMIT:
        return [Reason("memo.above_limit", Severity.BLOCK, "limit", "above 1000000")]
    return []


def _memo_flow(
    threshold: Decimal = Decimal(1000), calendar: WorkingCalendar = NATIONAL_DAY
) -> Workflow:
    def is_big(case: Case, firing: Firing) -> bool:
        amount = firing.payload["amount"]
        assert isinstance(amount, Decimal)
        return amount >= threshold

    return Workflow(
        "memo",
        Memo,
        initial=Memo.DRAFT,
        final={Memo.DONE, Memo.DROPPED},
        transitions=[
            Transition(
                Memo.DRAFT,
                "send",
                Route([("big", is_big, Memo.BIG)], otherwise=Memo.SENT),
                needs={"amount": Decimal},
                guards=[_within_limit],
            ),
            Transition(
                [Memo.SENT, Memo.BIG],
                "close",
                Memo.DONE,
                roles={Role.MANAGER, Role.SENIOR_UNDERWRITER},
                four_eyes=("send",),
            ),
            Transition([Memo.SENT, Memo.BIG], "send_back", Memo.DRAFT),
            Transition(
                [Memo.DRAFT, Memo.SENT, Memo.BIG], "drop", Memo.DROPPED, reason_required=True
            ),
        ],
        deadlines=[Deadline(Memo.SENT, 3), Deadline(Memo.BIG, 2, working_days=True)],
        calendar=calendar,
    )


FLOW = _memo_flow()


def _opened(
    case_id: str = "M-1", at: pendulum.DateTime = AT, actor: Actor = CLERK
) -> tuple[Case, tuple[WorkflowEvent, ...]]:
    return FLOW.start(case_id, actor=actor, at=at)


def _sent(
    amount: str = "10", at: pendulum.DateTime = AT, actor: Actor = CLERK, case_id: str = "M-1"
) -> Case:
    case, _ = FLOW.start(case_id, actor=actor, at=at)
    sent, _ = FLOW.fire(case, "send", actor=actor, at=at, payload={"amount": Decimal(amount)})
    return sent


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# The canonical JSON form of an empty mapping, written by hand: ["map", []].
EMPTY_DIGEST = _sha('["map",[]]')


def _abc(
    transitions: object = None,
    *,
    initial: object = Abc.A,
    final: object = Abc.D,
    deadlines: object = (),
    calendar: object = None,
    states: object = Abc,
    name: object = "abc",
) -> Workflow:
    """A workflow A -> B -> C -> D, or with the given transitions."""
    if transitions is None:
        transitions = [
            Transition(Abc.A, "one", Abc.B),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    return Workflow(
        name,  # type: ignore[arg-type]
        states,  # type: ignore[arg-type]
        initial=initial,  # type: ignore[arg-type]
        final=final,
        transitions=transitions,  # type: ignore[arg-type]
        deadlines=deadlines,  # type: ignore[arg-type]
        calendar=calendar,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------ definition checks


def test_a_valid_definition_keeps_its_parts() -> None:
    flow = _abc()
    assert flow.name == "abc"
    assert flow.states is Abc
    assert flow.initial is Abc.A
    assert flow.final == frozenset({Abc.D})
    assert [transition.event for transition in flow.transitions] == ["one", "two", "three"]
    assert flow.deadlines == ()
    assert flow.calendar is None
    assert flow != _abc()  # equal only to itself
    assert flow in {flow}
    assert START == "start"


def _problem(error: pytest.ExceptionInfo[InvalidWorkflow]) -> str:
    assert error.value.workflow == "abc"
    assert str(error.value) == f"workflow 'abc': {error.value.problem}"
    assert isinstance(error.value, ValueError)
    return error.value.problem


def test_the_initial_state_must_be_a_member() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(initial=Other.X)
    assert _problem(error) == "the initial state <Other.X: 'x'> is not a member of Abc"


def test_the_initial_state_cannot_be_final() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(final={Abc.A, Abc.D})
    assert _problem(error) == (
        "the initial state cannot be final: a case would have nothing to do"
    )


def test_a_final_state_must_be_a_member() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(final={Abc.D, Other.X})
    assert _problem(error) == "the final state <Other.X: 'x'> is not a member of Abc"


@pytest.mark.parametrize("transitions", [[], (), Transition(Abc.A, "one", Abc.D), "one"])
def test_transitions_must_be_a_non_empty_list(transitions: object) -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(transitions)
    assert _problem(error) == "needs a non-empty list of Transition"


def test_transitions_must_be_transitions() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc([Transition(Abc.A, "one", Abc.D), "two"])
    assert _problem(error) == "transitions[1] is a str, not a Transition"


@pytest.mark.parametrize(
    "transition",
    [
        Transition(Other.X, "one", Abc.D),
        Transition(Abc.A, "one", Other.X),
        Transition(
            Abc.A, "one", Route([("x", lambda case, step: True, Other.X)], otherwise=Abc.D)
        ),
        Transition(
            Abc.A, "one", Route([("d", lambda case, step: True, Abc.D)], otherwise=Other.X)
        ),
    ],
)
def test_transitions_use_only_the_workflows_states(transition: Transition) -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc([transition])
    assert _problem(error) == (
        "transition 'one' uses <Other.X: 'x'>, which is not a member of Abc"
    )


def test_no_transition_leaves_a_final_state() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(
            [
                Transition(Abc.A, "one", Abc.B),
                Transition(Abc.B, "two", Abc.C),
                Transition(Abc.C, "three", Abc.D),
                Transition([Abc.C, Abc.D], "reopen", Abc.A),
            ]
        )
    assert _problem(error) == (
        "transition 'reopen' leaves the final state 'd'; a final state has no way out"
    )


def test_one_state_and_event_have_one_transition() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(
            [
                Transition(Abc.A, "one", Abc.B),
                Transition([Abc.B, Abc.A], "one", Abc.C),
                Transition(Abc.C, "three", Abc.D),
            ]
        )
    assert _problem(error) == (
        "event 'one' has two transitions from state 'a'; merge them, or choose the target "
        "with a Route"
    )


def test_four_eyes_names_events_of_the_workflow() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(
            [
                Transition(Abc.A, "one", Abc.B),
                Transition(Abc.B, "two", Abc.C),
                Transition(Abc.C, "three", Abc.D, four_eyes=("one", "approve")),
            ]
        )
    assert _problem(error) == (
        "transition 'three' keeps four eyes on 'approve', which is no event of this workflow"
    )


def test_four_eyes_may_name_the_creation() -> None:
    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D, four_eyes=(START,)),
        ]
    )
    assert flow.transitions[2].four_eyes == ("start",)


def test_every_state_is_reachable() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc([Transition(Abc.A, "one", Abc.D)])
    assert _problem(error) == "states ['b', 'c'] cannot be reached from the initial state 'a'"


def test_every_state_but_the_final_ones_has_a_way_out() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(
            [
                Transition(Abc.A, "one", Abc.B),
                Transition(Abc.A, "two", Abc.C),
                Transition(Abc.B, "three", Abc.D),
            ]
        )
    assert _problem(error) == (
        "states ['c'] are not final but have no transition out; add one or make them final"
    )


@pytest.mark.parametrize(
    ("deadlines", "problem"),
    [
        (Deadline(Abc.B, 2), "deadlines must be a list of Deadline"),
        ([Deadline(Abc.B, 2), "C: 3 days"], "deadlines hold a str, not a Deadline"),
        (
            [Deadline(Abc.D, 2)],
            "a deadline for <Abc.D: 'd'>, which is not a state of Abc that a case can stay in",
        ),
        (
            [Deadline(Other.X, 2)],
            "a deadline for <Other.X: 'x'>, which is not a state of Abc that a case can stay in",
        ),
        ([Deadline(Abc.B, 2), Deadline(Abc.B, 3, working_days=True)], "two deadlines for 'b'"),
    ],
)
def test_deadline_problems(deadlines: object, problem: str) -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(deadlines=deadlines, calendar=WorkingCalendar("Asia/Shanghai"))
    assert _problem(error) == problem


def test_deadlines_need_a_calendar() -> None:
    with pytest.raises(InvalidWorkflow) as error:
        _abc(deadlines=[Deadline(Abc.B, 2)])
    assert _problem(error) == "has deadlines but no calendar; give calendar=WorkingCalendar(tz)"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Workflow.name: must not be empty"),
        ({"name": 7}, "Workflow.name: must be a str, not int"),
        ({"states": Memo.DRAFT}, "Workflow.states: must be an Enum class with members, not "),
        ({"states": dict}, "Workflow.states: must be an Enum class with members, not "),
        (
            {"states": enum.Enum("Empty", [])},
            "Workflow.states: must be an Enum class with members",
        ),
        ({"initial": "a"}, "Workflow.initial: must be an Enum member, not str"),
        ({"final": []}, "Workflow.final: must be a state or a non-empty collection of states"),
        ({"final": "d"}, "Workflow.final: must be a state or a non-empty collection of states"),
        ({"final": ["d"]}, "Workflow.final: must hold Enum members, not str"),
        ({"calendar": "Asia/Shanghai"}, "Workflow.calendar: must be a WorkingCalendar or None"),
    ],
)
def test_workflow_fields_are_checked(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidField) as error:
        _abc(**changes)
    assert str(error.value).startswith(message)
    assert error.value.owner == "Workflow"


def test_a_host_role_enum_and_several_sources_and_roles_work() -> None:
    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B, roles=[HostRole.AUDITOR, Role.CLERK]),
            Transition(Abc.B, "two", Abc.C),
            Transition({Abc.B, Abc.C}, "three", Abc.D),
        ]
    )
    case, _ = flow.start("A-1", actor=Actor("h-1", HostRole.AUDITOR), at=AT)
    case, _ = flow.fire(case, "one", actor=Actor("h-1", HostRole.AUDITOR), at=AT)
    assert case.allowed_events() == ("two", "three")
    assert case.history[-1].role is HostRole.AUDITOR


# ------------------------------------------------------------------ field validators


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((7, Role.CLERK), "Actor.actor_id: must be a str, not int"),
        (("", Role.CLERK), "Actor.actor_id: must not be empty"),
        ((" u-1", Role.CLERK), "Actor.actor_id: must not start or end with whitespace"),
        (("u\u200b1", Role.CLERK), "Actor.actor_id: must not contain control characters"),
        (("u-1", "clerk"), "Actor.role: must be an Enum member, not str"),
        (("u-1", None), "Actor.role: must be an Enum member, not NoneType"),
    ],
)
def test_actor_fields_are_checked(args: tuple[object, object], message: str) -> None:
    with pytest.raises(InvalidField) as error:
        Actor(*args)  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_an_actor_shows_its_host_id_and_role() -> None:
    assert repr(Actor("u-1001", HostRole.AUDITOR)) == (
        "Actor(actor_id='u-1001', role=<HostRole.AUDITOR: 'auditor'>)"
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        CLERK.actor_id = "u-9"  # type: ignore[misc]


_LONG = "x" * 50


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([], "go", Abc.B), {}, "Transition.sources: must be a state or a non-empty collection"),
        (("a", "go", Abc.B), {}, "Transition.sources: must be a state or a non-empty collection"),
        ((7, "go", Abc.B), {}, "Transition.sources: must be a state or a non-empty collection"),
        ((["a"], "go", Abc.B), {}, "Transition.sources: must hold Enum members, not str"),
        ((Abc.A, 7, Abc.B), {}, "Transition.event: must be a str, not int"),
        ((Abc.A, "Go", Abc.B), {}, "Transition.event: must be lower-case words joined by '_'"),
        ((Abc.A, "go-now", Abc.B), {}, "Transition.event: must be lower-case words joined"),
        ((Abc.A, "_go", Abc.B), {}, "Transition.event: must be lower-case words joined"),
        ((Abc.A, "go__now", Abc.B), {}, "Transition.event: must be lower-case words joined"),
        ((Abc.A, "", Abc.B), {}, "Transition.event: must be lower-case words joined"),
        ((Abc.A, "start", Abc.B), {}, "Transition.event: 'start' is the creation of a case"),
        ((Abc.A, "go", "b"), {}, "Transition.target: must be a state or a Route, not str"),
        ((Abc.A, "go", Abc.B), {"guards": print}, "Transition.guards: must be a list or a tuple"),
        ((Abc.A, "go", Abc.B), {"guards": [1]}, "Transition.guards[0]: must be callable, not int"),
        ((Abc.A, "go", Abc.B), {"roles": "clerk"}, "Transition.roles: must be a collection of"),
        ((Abc.A, "go", Abc.B), {"roles": 7}, "Transition.roles: must be a collection of roles"),
        ((Abc.A, "go", Abc.B), {"roles": ["clerk"]}, "Transition.roles: must hold Enum members"),
        ((Abc.A, "go", Abc.B), {"four_eyes": "go"}, "Transition.four_eyes: must be a list or"),
        ((Abc.A, "go", Abc.B), {"four_eyes": ["Go"]}, "Transition.four_eyes: must hold event"),
        ((Abc.A, "go", Abc.B), {"four_eyes": [1]}, "Transition.four_eyes: must hold event names"),
        ((Abc.A, "go", Abc.B), {"needs": [("a", int)]}, "Transition.needs: must be a mapping"),
        ((Abc.A, "go", Abc.B), {"needs": {"a": "int"}}, "Transition.needs: must map payload"),
        ((Abc.A, "go", Abc.B), {"needs": {1: int}}, "Transition.needs: must map payload keys"),
        ((Abc.A, "go", Abc.B), {"needs": {"a": (int, "x")}}, "Transition.needs: must map"),
    ],
)
def test_transition_fields_are_checked(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidField) as error:
        Transition(*args, **kwargs)  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_transition_messages_name_the_value_to_fix() -> None:
    with pytest.raises(InvalidField) as error:
        Transition(Abc.A, "Request-Info", Abc.B)
    assert str(error.value) == (
        "Transition.event: must be lower-case words joined by '_', such as "
        "'request_information', not 'Request-Info'"
    )
    with pytest.raises(InvalidField) as error:
        Transition(Abc.A, _LONG + "!", Abc.B)
    assert str(error.value).endswith(f"not {'x' * 40!r}")  # cut to 40 characters
    with pytest.raises(InvalidField) as error:
        Transition(Abc.A, "go", Abc.B, needs={"premium": "Money"})
    assert str(error.value) == (
        "Transition.needs: must map payload keys (str) to a type or a tuple of types, not "
        "'premium'"
    )
    with pytest.raises(InvalidField) as error:
        Transition(Abc.A, "go", Abc.B, four_eyes=["Submit"])
    assert str(error.value) == "Transition.four_eyes: must hold event names, not 'Submit'"


def test_transition_converts_and_keeps_its_fields() -> None:
    needs: dict[str, type | tuple[type, ...]] = {"premium": Money, "rate": (Decimal, int)}
    transition = Transition(
        [Abc.A, Abc.B],
        "go",
        Abc.C,
        guards=[_within_limit],
        roles=Role.CLERK,
        four_eyes=["one"],
        needs=needs,
        reason_required=True,
    )
    needs["other"] = str
    assert transition.sources == frozenset({Abc.A, Abc.B})
    assert transition.guards == (_within_limit,)
    assert transition.roles == frozenset({Role.CLERK})
    assert transition.four_eyes == ("one",)
    assert transition.needs == {"premium": Money, "rate": (Decimal, int)}  # a copy
    assert isinstance(transition.needs, MappingProxyType)
    assert transition.reason_required is True
    assert transition.targets == (Abc.C,)
    assert Transition(Abc.A, "go", Abc.C).sources == frozenset({Abc.A})
    defaults = Transition(Abc.A, "go", Abc.C)
    assert (defaults.guards, defaults.roles, defaults.four_eyes) == ((), frozenset(), ())
    assert (dict(defaults.needs), defaults.reason_required) == ({}, False)


def test_reason_required_must_be_a_bool() -> None:
    with pytest.raises(InvalidField, match=r"Transition\.reason_required: must be True or"):
        Transition(Abc.A, "go", Abc.B, reason_required="no")  # type: ignore[arg-type]


def test_deadline_working_days_must_be_a_bool() -> None:
    with pytest.raises(InvalidField, match=r"Deadline\.working_days: must be True or False"):
        Deadline(Abc.B, 2, working_days="no")  # type: ignore[arg-type]


def _yes(case: Case, firing: Firing) -> bool:
    return True


@pytest.mark.parametrize(
    ("branches", "message"),
    [
        ([], "Route.branches: must be a non-empty list of (label, condition, target)"),
        ("x", "Route.branches: must be a non-empty list of (label, condition, target)"),
        ([("x", _yes)], "Route.branches[0]: must be a (label, condition, target) triple"),
        (["x"], "Route.branches[0]: must be a (label, condition, target) triple"),
        ([("", _yes, Abc.B)], "Route.branches[0]: must be a (label, condition, target) triple"),
        ([(1, _yes, Abc.B)], "Route.branches[0]: must be a (label, condition, target) triple"),
        ([("x", "yes", Abc.B)], "Route.branches[0]: must be a (label, condition, target)"),
        ([("x", _yes, Abc.B), ("y", _yes, "c")], "Route.branches[1]: must be a (label,"),
    ],
)
def test_route_branches_are_checked(branches: object, message: str) -> None:
    with pytest.raises(InvalidField) as error:
        Route(branches, otherwise=Abc.D)  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_route_branch_message_says_what_a_branch_is() -> None:
    with pytest.raises(InvalidField) as error:
        Route([("x", _yes)], otherwise=Abc.D)
    assert str(error.value) == (
        "Route.branches[0]: must be a (label, condition, target) triple: a non-empty str, a "
        "callable and a state"
    )
    with pytest.raises(InvalidField, match=r"^Route\.otherwise: must be an Enum member, not str"):
        Route([("x", _yes, Abc.B)], otherwise="d")  # type: ignore[arg-type]


def test_route_targets_and_choice() -> None:
    route = Route(
        (("b", _yes, Abc.B), ("c", _yes, Abc.C), ("b again", _yes, Abc.B)), otherwise=Abc.B
    )
    assert route.targets == (Abc.B, Abc.C)  # branches first, no repeats
    assert Route([("c", _yes, Abc.C)], otherwise=Abc.D).targets == (Abc.C, Abc.D)


@pytest.mark.parametrize("days", [0, -1, 3661, True, "3", 1.5, None])
def test_deadline_days_are_checked(days: object) -> None:
    with pytest.raises(InvalidField) as error:
        Deadline(Abc.B, days)  # type: ignore[arg-type]
    assert str(error.value) == f"Deadline.days: must be an int from 1 to 3660, not {days!r}"


def test_deadline_fields() -> None:
    assert Deadline(Abc.B, 1).working_days is False
    assert Deadline(Abc.B, 3660, working_days=True).days == 3660
    with pytest.raises(InvalidField, match=r"^Deadline\.state: must be an Enum member, not str"):
        Deadline("b", 2)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tz": 8}, "WorkingCalendar.tz: must be an IANA zone name, not int"),
        ({"weekend": {0}}, "WorkingCalendar.weekend: must be ISO weekdays from 1 (Monday) to 7"),
        ({"weekend": {8}}, "WorkingCalendar.weekend: must be ISO weekdays from 1 (Monday) to 7"),
        ({"weekend": {True}}, "WorkingCalendar.weekend: must be ISO weekdays from 1"),
        ({"weekend": 6}, "WorkingCalendar.weekend: must be ISO weekdays from 1 (Monday) to 7"),
        ({"weekend": range(1, 8)}, "WorkingCalendar.weekend: cannot hold every day of the week"),
        (
            {"holidays": {pendulum.datetime(2025, 10, 1)}},
            "WorkingCalendar.holidays: must be a collection of days (dates, not datetimes)",
        ),
        ({"holidays": "2025-10-01"}, "WorkingCalendar.holidays: must be a collection of days"),
        ({"holidays": ["2025-10-01"]}, "WorkingCalendar.holidays: must be a collection of days"),
        (
            {"working_days": [dt.datetime(2025, 9, 28, tzinfo=dt.UTC)]},
            "WorkingCalendar.working_days: must be a collection of days (dates, not datetimes)",
        ),
    ],
)
def test_working_calendar_fields_are_checked(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"tz": "Asia/Shanghai", **kwargs}
    with pytest.raises(InvalidField) as error:
        WorkingCalendar(**arguments)  # type: ignore[arg-type]
    assert str(error.value).startswith(message)


def test_working_calendar_refuses_an_unknown_zone_and_converts_days() -> None:
    with pytest.raises(UnknownTimeZone):
        WorkingCalendar("Asia/Beijing")
    calendar = WorkingCalendar(
        "Asia/Shanghai", weekend=[5, 6], holidays=[dt.date(2025, 10, 1)], working_days=()
    )
    assert calendar.weekend == frozenset({5, 6})
    assert calendar.holidays == frozenset({pendulum.date(2025, 10, 1)})
    assert all(type(day) is pendulum.Date for day in calendar.holidays)
    assert calendar.working_days == frozenset()
    assert WorkingCalendar("Asia/Shanghai").weekend == frozenset({6, 7})
    assert WorkingCalendar("UTC", weekend=()).is_working_day(pendulum.date(2025, 3, 9))


# ------------------------------------------------------------------ working calendar


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (pendulum.date(2025, 9, 26), True),  # Friday
        (pendulum.date(2025, 9, 27), False),  # Saturday
        (pendulum.date(2025, 9, 28), True),  # Sunday, a make-up working day
        (pendulum.date(2025, 10, 1), False),  # Wednesday, National Day
        (pendulum.date(2025, 10, 8), False),  # Wednesday, the last holiday
        (pendulum.date(2025, 10, 9), True),  # Thursday
        (dt.date(2025, 10, 11), True),  # Saturday, a make-up working day (a datetime.date)
        (pendulum.date(2025, 10, 12), False),  # Sunday
    ],
)
def test_is_working_day(day: dt.date, working: bool) -> None:
    assert NATIONAL_DAY.is_working_day(day) is working


def test_a_custom_weekend() -> None:
    friday_saturday = WorkingCalendar("Asia/Riyadh", weekend={5, 6})
    assert not friday_saturday.is_working_day(pendulum.date(2025, 3, 7))  # Friday
    assert friday_saturday.is_working_day(pendulum.date(2025, 3, 9))  # Sunday
    # From Thursday 6 March: Sunday 9 and Monday 10 are the next two working days.
    assert friday_saturday.add_working_days(pendulum.date(2025, 3, 6), 2) == pendulum.date(
        2025, 3, 10
    )


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (pendulum.date(2025, 3, 3), 0, pendulum.date(2025, 3, 3)),
        (pendulum.date(2025, 3, 8), 0, pendulum.date(2025, 3, 8)),  # a Saturday stays
        (pendulum.date(2025, 3, 6), 1, pendulum.date(2025, 3, 7)),  # Thursday -> Friday
        (pendulum.date(2025, 3, 7), 1, pendulum.date(2025, 3, 10)),  # Friday -> Monday
        (pendulum.date(2025, 3, 8), 1, pendulum.date(2025, 3, 10)),  # Saturday -> Monday
        (pendulum.date(2025, 3, 7), 5, pendulum.date(2025, 3, 14)),  # a working week
        (pendulum.date(2025, 9, 26), 1, pendulum.date(2025, 9, 28)),  # make-up Sunday
        (pendulum.date(2025, 9, 26), 3, pendulum.date(2025, 9, 30)),
        (pendulum.date(2025, 9, 30), 1, pendulum.date(2025, 10, 9)),  # over the holidays
        (pendulum.date(2025, 9, 30), 3, pendulum.date(2025, 10, 11)),  # make-up Saturday
        (dt.date(2025, 9, 30), 4, pendulum.date(2025, 10, 13)),
    ],
)
def test_add_working_days(day: dt.date, days: int, expected: pendulum.Date) -> None:
    result = NATIONAL_DAY.add_working_days(day, days)
    assert result == expected
    assert type(result) is pendulum.Date


@pytest.mark.parametrize("days", [-1, True, "2", 1.0, None])
def test_add_working_days_takes_a_count(days: object) -> None:
    with pytest.raises(InvalidField) as error:
        NATIONAL_DAY.add_working_days(pendulum.date(2025, 3, 3), days)  # type: ignore[arg-type]
    assert str(error.value) == (
        f"WorkingCalendar.add_working_days(days): must be 0 or more, not {days!r}"
    )


def test_calendar_methods_take_days_not_datetimes() -> None:
    with pytest.raises(DateTypeError, match=r"WorkingCalendar\.is_working_day\(day\) must be"):
        NATIONAL_DAY.is_working_day(AT)
    with pytest.raises(DateTypeError, match=r"add_working_days\(day\) must be a date, not str"):
        NATIONAL_DAY.add_working_days("2025-03-03", 1)  # type: ignore[arg-type]


def test_add_working_days_past_the_calendars_end() -> None:
    with pytest.raises(DateOutOfRange):
        NATIONAL_DAY.add_working_days(pendulum.date(9999, 12, 31), 1)


_DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


@given(
    start=_DAYS,
    days=st.integers(min_value=1, max_value=25),
    weekend=st.frozensets(st.integers(min_value=1, max_value=7), max_size=6),
    holidays=st.frozensets(_DAYS, max_size=20),
    make_up=st.frozensets(_DAYS, max_size=8),
)
def test_add_working_days_counts_exactly_that_many_working_days(
    start: dt.date,
    days: int,
    weekend: frozenset[int],
    holidays: frozenset[dt.date],
    make_up: frozenset[dt.date],
) -> None:
    def working(day: dt.date) -> bool:  # the reference, read from the definition
        return day in make_up or (day.isoweekday() not in weekend and day not in holidays)

    calendar = WorkingCalendar("Asia/Shanghai", weekend=weekend, holidays=holidays)
    calendar = attrs.evolve(calendar, working_days=make_up)
    result = calendar.add_working_days(start, days)
    assert result > start
    assert working(result)
    assert calendar.is_working_day(result)
    counted = 0
    day = start
    while day < result:
        day += dt.timedelta(days=1)
        counted += working(day)
    assert counted == days


# ------------------------------------------------------------------ start and fire


def test_start_opens_a_case_in_the_initial_state() -> None:
    case, events = FLOW.start("M-1", actor=CLERK, at=AT, data={"product": "AUTO"})
    assert case.workflow is FLOW
    assert (case.case_id, case.state) == ("M-1", Memo.DRAFT)
    assert case.data == {"product": "AUTO"}
    assert isinstance(case.data, MappingProxyType)
    assert case.allowed_events() == ("send", "drop")
    assert not case.is_final
    assert case.entered_at == AT
    expected = AuditEntry(
        "M-1",
        0,
        START,
        None,
        Memo.DRAFT,
        "u-1",
        Role.CLERK,
        AT,
        None,
        _sha('["map",[["\\"product\\"","AUTO"]]]'),
    )
    assert case.history == (expected,)
    assert events == (WorkflowEvent("memo", expected, CLERK, {"product": "AUTO"}),)
    (event,) = events
    assert (event.case_id, event.sequence, event.event, event.target) == (
        "M-1",
        0,
        "start",
        Memo.DRAFT,
    )


def test_a_case_shows_neither_its_data_nor_its_history() -> None:
    case, _ = FLOW.start("M-1", actor=CLERK, at=AT, data={"holder_phone": "13812345678"})
    assert repr(case) == "Case(case_id='M-1', state=<Memo.DRAFT: 'draft'>)"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        case.state = Memo.DONE  # type: ignore[misc]


def test_start_without_data_records_the_empty_digest() -> None:
    case, events = _opened()
    assert case.data == {}
    assert case.history[0].payload_digest == EMPTY_DIGEST
    assert events[0].payload == {}


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"case_id": ""}, InvalidField, "Workflow.start(case_id): must be a non-empty str"),
        ({"case_id": "  "}, InvalidField, "Workflow.start(case_id): must be a non-empty str"),
        ({"case_id": 7}, InvalidField, "Workflow.start(case_id): must be a non-empty str"),
        ({"actor": "u-1"}, ArgumentTypeError, "Workflow.start(actor) takes an Actor, not str"),
        (
            {"at": pendulum.date(2025, 3, 3)},
            DateTypeError,
            "Workflow.start(at) must be an aware datetime, not Date",
        ),
        (
            {"at": "2025-03-03T09:00+08:00"},
            DateTypeError,
            "Workflow.start(at) must be an aware datetime, not str",
        ),
        ({"at": pendulum.naive(2025, 3, 3, 9)}, NaiveDateTimeError, "naive datetime"),
        (
            {"data": [("product", "AUTO")]},
            ArgumentTypeError,
            "Workflow.start(data) takes a mapping of str keys, or None, not list",
        ),
        (
            {"data": {1: "AUTO"}},
            ArgumentTypeError,
            "Workflow.start(data) keys takes a str, not int",
        ),
        (
            {"data": {"rate": 0.85}},
            InvalidField,
            "Workflow.payload: cannot be recorded: no canonical form for a value of type float",
        ),
    ],
)
def test_start_checks_its_arguments(
    changes: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {"case_id": "M-1", "actor": CLERK, "at": AT, **changes}
    with pytest.raises(error) as raised:
        FLOW.start(**arguments)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message)


def test_a_naive_instant_is_refused_with_a_hint() -> None:
    with pytest.raises(NaiveDateTimeError) as error:
        FLOW.start("M-1", actor=CLERK, at=dt.datetime.fromisoformat("2025-03-03T09:00"))
    assert str(error.value) == (
        "naive datetime datetime.datetime(2025, 3, 3, 9, 0) has no time zone; attach one, e.g. "
        "pendulum.datetime(2025, 1, 1, tz='Asia/Shanghai')"
    )


def test_standard_datetimes_with_zoneinfo_are_taken_as_pendulum() -> None:
    at = dt.datetime(2025, 3, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    case, _ = FLOW.start("M-1", actor=CLERK, at=at)
    recorded = case.history[0].at
    assert type(recorded) is pendulum.DateTime
    assert recorded == AT
    assert recorded.timezone_name == "Asia/Shanghai"
    later = dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC)  # 10:00 in Shanghai
    case, _ = FLOW.fire(case, "send", actor=CLERK, at=later, payload={"amount": Decimal(1)})
    assert type(case.entered_at) is pendulum.DateTime
    assert case.entered_at == AT.add(hours=1)


class _Instant(pendulum.DateTime):
    """A host's own kind of pendulum instant."""


def test_a_pendulum_instant_of_a_subclass_is_kept() -> None:
    at = _Instant.instance(AT.add(hours=1))
    case, _ = FLOW.start("M-1", actor=CLERK, at=at)
    assert case.entered_at is at


def test_fire_moves_the_case_and_records_the_step() -> None:
    case, _ = _opened()
    at = AT.add(hours=1)
    payload = {"amount": Decimal("10.00")}
    sent, events = FLOW.fire(case, "send", actor=CLERK, at=at, reason="ready", payload=payload)
    assert case.state is Memo.DRAFT and len(case.history) == 1  # the case given is unchanged
    assert sent.state is Memo.SENT
    assert sent.data == {"amount": Decimal(10)}
    assert sent.entered_at == at
    entry = AuditEntry(
        "M-1",
        1,
        "send",
        Memo.DRAFT,
        Memo.SENT,
        "u-1",
        Role.CLERK,
        at,
        "ready",
        # 10.00 is written without trailing zeros: ["map", [['"amount"', ["d", "1E+1"]]]]
        _sha('["map",[["\\"amount\\"",["d","1E+1"]]]]'),
    )
    assert sent.history == (case.history[0], entry)
    assert events == (WorkflowEvent("memo", entry, CLERK, {"amount": Decimal("10.00")}),)
    payload["amount"] = Decimal(99)
    assert sent.data == {"amount": Decimal(10)}  # a copy was kept


def test_a_step_at_the_same_instant_as_the_last_is_accepted() -> None:
    case = _sent()
    closed, _ = FLOW.fire(case, "close", actor=MANAGER, at=AT)
    assert closed.state is Memo.DONE
    assert closed.is_final
    assert closed.allowed_events() == ()


def test_a_transition_without_guard_or_route_fires() -> None:
    case = _sent()
    back, _ = FLOW.fire(case, "send_back", actor=CLERK, at=AT.add(days=1))
    assert back.state is Memo.DRAFT
    assert back.data == {"amount": Decimal(10)}  # data stays when no payload is given
    assert back.history[-1].payload_digest == EMPTY_DIGEST


@pytest.mark.parametrize(
    ("event", "kwargs", "error", "message"),
    [
        ("send", {"actor": "u-1"}, ArgumentTypeError, "Workflow.fire(actor) takes an Actor, not"),
        ("send", {"at": pendulum.date(2025, 3, 4)}, DateTypeError, "Workflow.fire(at) must be"),
        ("send", {"at": pendulum.naive(2025, 3, 4)}, NaiveDateTimeError, "naive datetime"),
        (
            "send",
            {"at": AT.subtract(seconds=1)},
            InvalidField,
            "Workflow.fire(at): 2025-03-03 08:59:59+08:00 is before the case's last step "
            "(2025-03-03 09:00:00+08:00); steps are recorded in time order",
        ),
        ("send", {"reason": ""}, InvalidField, "Workflow.fire(reason): must be a non-empty str"),
        ("send", {"reason": "  "}, InvalidField, "Workflow.fire(reason): must be a non-empty str"),
        ("send", {"reason": 1}, InvalidField, "Workflow.fire(reason): must be a non-empty str"),
        ("drop", {}, InvalidField, "Workflow.fire(reason): event 'drop' needs a reason"),
        (
            "send",
            {"payload": [("amount", Decimal(1))]},
            ArgumentTypeError,
            "Workflow.fire(payload) takes a mapping of str keys, or None, not list",
        ),
        (
            "send",
            {"payload": {1: Decimal(1)}},
            ArgumentTypeError,
            "Workflow.fire(payload) keys takes a str, not int",
        ),
        ("send", {}, InvalidField, "Workflow.fire(payload): event 'send' needs 'amount'"),
        (
            "send",
            {"payload": {"amont": Decimal(1)}},
            InvalidField,
            "Workflow.fire(payload): event 'send' needs 'amount'",
        ),
        (
            "send",
            {"payload": {"amount": "10"}},
            InvalidField,
            "Workflow.fire(payload): 'amount' of event 'send' must be a Decimal, not str",
        ),
        (
            "send",
            {"payload": {"amount": 10.0}},
            InvalidField,
            "Workflow.fire(payload): 'amount' of event 'send' must be a Decimal, not float",
        ),
        (
            "send",
            {"payload": {"amount": Decimal(1), "rate": 0.85}},
            InvalidField,
            "Workflow.payload: cannot be recorded: no canonical form for a value of type float",
        ),
        (5, {}, ArgumentTypeError, "Workflow.fire(event) takes a str, not int"),
    ],
)
def test_fire_checks_its_arguments(
    event: object, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    case, _ = _opened()
    arguments: dict[str, object] = {"actor": CLERK, "at": AT, **kwargs}
    with pytest.raises(error) as raised:
        FLOW.fire(case, event, **arguments)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message)


def test_a_needed_value_may_be_one_of_several_types() -> None:
    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B, needs={"premium": (Money, Decimal)}),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    with pytest.raises(InvalidField) as error:
        flow.fire(case, "one", actor=CLERK, at=AT, payload={"premium": "100"})
    assert str(error.value) == (
        "Workflow.fire(payload): 'premium' of event 'one' must be a Money or Decimal, not str"
    )
    for premium in (Money("100.00", "CNY"), Decimal(100)):
        moved, _ = flow.fire(case, "one", actor=CLERK, at=AT, payload={"premium": premium})
        assert moved.data == {"premium": premium}


def test_fire_takes_only_a_case_of_this_workflow() -> None:
    with pytest.raises(ArgumentTypeError) as error:
        FLOW.fire("M-1", "send", actor=CLERK, at=AT)  # type: ignore[arg-type]
    assert str(error.value) == "Workflow.fire(case) takes a Case, not str"
    other = _memo_flow()
    case, _ = other.start("M-1", actor=CLERK, at=AT)
    with pytest.raises(InvalidField) as mismatch:
        FLOW.fire(case, "send", actor=CLERK, at=AT, payload={"amount": Decimal(1)})
    assert str(mismatch.value) == (
        "Workflow.fire(case): case 'M-1' follows workflow 'memo', not 'memo'"
    )
    abc, _ = _abc().start("A-1", actor=CLERK, at=AT)
    with pytest.raises(InvalidField, match=r"case 'A-1' follows workflow 'abc', not 'memo'"):
        FLOW.fire(abc, "one", actor=CLERK, at=AT)


def test_an_unhashable_event_is_an_argument_type_error() -> None:
    case, _ = _opened()
    with pytest.raises(ArgumentTypeError, match=r"Workflow\.fire\(event\) takes a str"):
        FLOW.fire(case, ["send"], actor=CLERK, at=AT)  # type: ignore[arg-type]


# ------------------------------------------------------------------ InvalidTransition


def test_an_event_the_state_does_not_allow() -> None:
    case, _ = _opened()
    with pytest.raises(InvalidTransition) as error:
        FLOW.fire(case, "close", actor=MANAGER, at=AT)
    assert str(error.value) == (
        "memo case 'M-1' is 'draft', where event 'close' is not allowed; allowed events: "
        "'send', 'drop'"
    )
    assert (error.value.workflow, error.value.case_id, error.value.state) == (
        "memo",
        "M-1",
        "draft",
    )
    assert (error.value.event, error.value.allowed) == ("close", ("send", "drop"))
    assert isinstance(error.value, ValueError)


def test_an_unknown_event_lists_the_allowed_ones() -> None:
    case = _sent()
    with pytest.raises(InvalidTransition) as error:
        FLOW.fire(case, "approve", actor=MANAGER, at=AT)
    assert error.value.allowed == ("close", "send_back", "drop")
    assert str(error.value).endswith("allowed events: 'close', 'send_back', 'drop'")


def test_a_final_state_allows_nothing() -> None:
    case, _ = FLOW.fire(_sent(), "drop", actor=CLERK, at=AT, reason="duplicate")
    assert case.state is Memo.DROPPED
    with pytest.raises(InvalidTransition) as error:
        FLOW.fire(case, "drop", actor=CLERK, at=AT, reason="again")
    assert str(error.value) == (
        "memo case 'M-1' is 'dropped', where event 'drop' is not allowed; allowed events: "
        "none (a final state)"
    )
    assert error.value.allowed == ()


def test_the_state_is_checked_before_the_arguments() -> None:
    case, _ = _opened()
    with pytest.raises(InvalidTransition):
        FLOW.fire(case, "close", actor="nobody", at="never")  # type: ignore[arg-type]


# ------------------------------------------------------------------ TransitionRefused


def test_role_four_eyes_and_guard_reasons_come_together() -> None:
    def never(case: Case, firing: Firing) -> Iterable[Reason]:
        yield Reason("memo.frozen", Severity.BLOCK, "freeze", "the memo is frozen")

    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B),
            Transition(Abc.B, "two", Abc.C),
            Transition(
                Abc.C,
                "three",
                Abc.D,
                roles={Role.MANAGER, Role.SENIOR_UNDERWRITER},
                four_eyes=("one", "two"),
                guards=[never],
            ),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    case, _ = flow.fire(case, "one", actor=CLERK, at=AT)
    case, _ = flow.fire(case, "two", actor=CLERK, at=AT)
    with pytest.raises(TransitionRefused) as error:
        flow.fire(case, "three", actor=CLERK, at=AT)
    refused = error.value
    assert [reason.code for reason in refused.reasons] == [  # type: ignore[attr-defined]
        "role.not_allowed",
        "four_eyes.same_actor",  # once, although u-1 fired both 'one' and 'two'
        "memo.frozen",
    ]
    assert str(refused) == (
        "abc case 'A-1': event 'three' refused in state 'c': role.not_allowed: event 'three' "
        "needs the role manager or senior_underwriter, not clerk; four_eyes.same_actor: "
        "'u-1' fired 'one' on this case, so cannot fire 'three'; memo.frozen: the memo is frozen"
    )
    assert (refused.workflow, refused.case_id, refused.state, refused.event) == (
        "abc",
        "A-1",
        "c",
        "three",
    )
    role, four_eyes, _ = cast("tuple[Reason, Reason, Reason]", refused.reasons)
    assert (role.severity, role.rule) == (Severity.BLOCK, "roles")
    assert role.details == {
        "role": Role.CLERK,
        "roles": frozenset({Role.MANAGER, Role.SENIOR_UNDERWRITER}),
    }
    assert (four_eyes.severity, four_eyes.rule) == (Severity.BLOCK, "four_eyes")
    assert four_eyes.details == {"actor_id": "u-1", "event": "one"}
    assert isinstance(refused, ValueError)


def test_a_role_alone_refuses() -> None:
    case = _sent(actor=MANAGER)
    with pytest.raises(TransitionRefused) as error:
        FLOW.fire(case, "close", actor=CLERK, at=AT)
    (reason,) = cast("tuple[Reason]", error.value.reasons)
    assert (
        reason.message == "event 'close' needs the role manager or senior_underwriter, not clerk"
    )


def test_four_eyes_alone_refuses_and_another_actor_may_fire() -> None:
    case = _sent(actor=MANAGER)
    with pytest.raises(TransitionRefused) as error:
        FLOW.fire(case, "close", actor=MANAGER, at=AT)
    (reason,) = cast("tuple[Reason]", error.value.reasons)
    assert reason.message == "'u-2' fired 'send' on this case, so cannot fire 'close'"
    closed, _ = FLOW.fire(case, "close", actor=MANAGER_2, at=AT)
    assert closed.state is Memo.DONE
    assert closed.history[-1].actor_id == "u-3"


def test_four_eyes_on_the_creation() -> None:
    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D, four_eyes=(START,)),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    case, _ = flow.fire(case, "one", actor=MANAGER, at=AT)
    case, _ = flow.fire(case, "two", actor=MANAGER, at=AT)
    with pytest.raises(TransitionRefused, match="'u-1' fired 'start' on this case"):
        flow.fire(case, "three", actor=CLERK, at=AT)
    assert flow.fire(case, "three", actor=MANAGER, at=AT)[0].state is Abc.D


def test_a_guard_refuses_with_its_reasons() -> None:
    case, _ = _opened()
    with pytest.raises(TransitionRefused) as error:
        FLOW.fire(case, "send", actor=CLERK, at=AT, payload={"amount": LIMIT + 1})
    assert error.value.reasons == (
        Reason("memo.above_limit", Severity.BLOCK, "limit", "above 1000000"),
    )
    assert str(error.value) == (
        "memo case 'M-1': event 'send' refused in state 'draft': memo.above_limit: above 1000000"
    )
    # At the limit, the guard allows it.
    assert FLOW.fire(case, "send", actor=CLERK, at=AT, payload={"amount": LIMIT})[0].state is (
        Memo.BIG
    )


def test_a_guard_sees_the_case_and_the_step() -> None:
    seen: list[tuple[Case, Firing]] = []

    def spy(case: Case, firing: Firing) -> tuple[Reason, ...]:
        seen.append((case, firing))
        return ()

    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B, guards=[spy, spy]),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    at = dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC)
    flow.fire(case, "one", actor=MANAGER, at=at, reason="checked", payload={"k": "v"})
    assert len(seen) == 2
    seen_case, firing = seen[0]
    assert seen_case is case
    assert (firing.event, firing.actor, firing.reason) == ("one", MANAGER, "checked")
    assert type(firing.at) is pendulum.DateTime and firing.at == at
    assert firing.payload == {"k": "v"}
    with pytest.raises(TypeError):
        firing.payload["k"] = "w"  # type: ignore[index]


def test_a_guard_must_return_reasons() -> None:
    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B, guards=[lambda case, step: ["not allowed"]]),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    with pytest.raises(ArgumentTypeError) as error:
        flow.fire(case, "one", actor=CLERK, at=AT)
    assert str(error.value) == "guard of event 'one' takes Reason values, not str"


def test_a_guard_returning_none_is_an_argument_type_error() -> None:
    flow = _abc(
        [
            Transition(Abc.A, "one", Abc.B, guards=[lambda case, step: None]),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    with pytest.raises(ArgumentTypeError, match="guard of event 'one'"):
        flow.fire(case, "one", actor=CLERK, at=AT)


def test_arguments_are_checked_before_authority() -> None:
    case = _sent()
    with pytest.raises(InvalidField, match="needs a reason"):
        FLOW.fire(case, "drop", actor=CLERK, at=AT)
    with pytest.raises(InvalidField, match="before the case's last step"):
        FLOW.fire(case, "close", actor=CLERK, at=AT.subtract(days=1))


# ------------------------------------------------------------------ routes


def _routed(amount: str, threshold: str = "1000") -> Memo:
    flow = _memo_flow(Decimal(threshold))
    case, _ = flow.start("M-1", actor=CLERK, at=AT)
    moved, _ = flow.fire(case, "send", actor=CLERK, at=AT, payload={"amount": Decimal(amount)})
    return cast("Memo", moved.state)


@pytest.mark.parametrize(
    ("amount", "state"),
    [("0", Memo.SENT), ("999.99", Memo.SENT), ("1000", Memo.BIG), ("1000.00", Memo.BIG)],
)
def test_a_route_picks_the_branch_or_otherwise(amount: str, state: Memo) -> None:
    assert _routed(amount) is state
    assert _routed("500", threshold="100") is Memo.BIG


def test_the_first_branch_that_holds_wins() -> None:
    def amount_at_least(limit: int) -> Condition:
        def condition(case: Case, step: Firing) -> bool:
            amount = step.payload["amount"]
            assert isinstance(amount, int)
            return amount >= limit

        return condition

    flow = _abc(
        [
            Transition(
                Abc.A,
                "one",
                Route(
                    [("100", amount_at_least(100), Abc.B), ("10", amount_at_least(10), Abc.C)],
                    otherwise=Abc.D,
                ),
            ),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    case, _ = flow.start("A-1", actor=CLERK, at=AT)
    for amount, state in [(1000, Abc.B), (100, Abc.B), (99, Abc.C), (10, Abc.C), (9, Abc.D)]:
        moved, events = flow.fire(case, "one", actor=CLERK, at=AT, payload={"amount": amount})
        assert moved.state is state
        assert moved.history[-1].target is state
        assert events[0].target is state


def test_route_conditions_see_the_case() -> None:
    flow = _abc(
        [
            Transition(
                Abc.A,
                "one",
                Route(
                    [("vip", lambda case, step: case.data.get("vip") is True, Abc.C)],
                    otherwise=Abc.B,
                ),
            ),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    vip, _ = flow.start("A-1", actor=CLERK, at=AT, data={"vip": True})
    plain, _ = flow.start("A-2", actor=CLERK, at=AT)
    assert flow.fire(vip, "one", actor=CLERK, at=AT)[0].state is Abc.C
    assert flow.fire(plain, "one", actor=CLERK, at=AT)[0].state is Abc.B


# ------------------------------------------------------------------ data and digests


def test_payloads_merge_into_the_case_data() -> None:
    case, _ = FLOW.start("M-1", actor=CLERK, at=AT, data={"amount": Decimal(1), "note": "n"})
    case, _ = FLOW.fire(case, "send", actor=CLERK, at=AT, payload={"amount": Decimal(5)})
    case, _ = FLOW.fire(case, "send_back", actor=CLERK, at=AT, payload={"extra": 1})
    assert case.data == {"amount": Decimal(5), "note": "n", "extra": 1}
    assert isinstance(case.data, MappingProxyType)
    with pytest.raises(TypeError):
        case.data["note"] = "m"  # type: ignore[index]


def test_equal_payloads_have_equal_digests() -> None:
    def digest(payload: Mapping[str, object]) -> str:
        case, _ = _opened()
        moved, _ = FLOW.fire(case, "drop", actor=CLERK, at=AT, reason="r", payload=payload)
        return moved.history[-1].payload_digest

    first = digest({"amount": Decimal("1.50"), "note": "x"})
    assert first == digest({"note": "x", "amount": Decimal("1.5")})
    assert first != digest({"amount": Decimal("1.51"), "note": "x"})
    assert first != digest({"amount": "1.50", "note": "x"})
    assert digest({}) == EMPTY_DIGEST
    case, _ = _opened()
    assert FLOW.fire(case, "drop", actor=CLERK, at=AT, reason="r")[0].history[
        -1
    ].payload_digest == (EMPTY_DIGEST)


def test_a_payload_that_cannot_be_digested_is_an_invalid_field() -> None:
    case, _ = _opened()
    with pytest.raises(InvalidField, match="cannot be recorded"):
        FLOW.fire(case, "drop", actor=CLERK, at=AT, reason="r", payload={"x": Decimal("NaN")})


# ------------------------------------------------------------------ replay


def _history() -> tuple[Case, list[WorkflowEvent]]:
    events: list[WorkflowEvent] = []
    case, produced = FLOW.start("M-1", actor=CLERK, at=AT, data={"product": "AUTO"})
    events += produced
    steps: list[tuple[str, Actor, str | None, dict[str, object] | None]] = [
        ("send", CLERK, None, {"amount": Decimal(500)}),
        ("send_back", MANAGER, "amount to check", None),
        ("send", CLERK, None, {"amount": Decimal(1500)}),
        ("close", SENIOR, "approved", None),
    ]
    for hours, (event, actor, reason, payload) in enumerate(steps, start=1):
        case, produced = FLOW.fire(
            case, event, actor=actor, at=AT.add(hours=hours), reason=reason, payload=payload
        )
        events += produced
    return case, events


def test_replay_rebuilds_the_case() -> None:
    case, events = _history()
    assert [entry.target for entry in case.history] == [
        Memo.DRAFT,
        Memo.SENT,
        Memo.DRAFT,
        Memo.BIG,
        Memo.DONE,
    ]
    rebuilt = FLOW.replay(events)
    assert rebuilt == case
    assert rebuilt.history == case.history
    assert rebuilt.data == {"product": "AUTO", "amount": Decimal(1500)}
    assert FLOW.replay(iter(events)) == case  # any iterable
    assert FLOW.replay(events[:3]).state is Memo.DRAFT


def _replay_problem(events: list[object]) -> str:
    with pytest.raises(InvalidField) as error:
        FLOW.replay(events)  # type: ignore[arg-type]
    assert (error.value.owner, error.value.field) == ("Workflow", "replay(events)")
    return error.value.reason


def test_replay_refuses_events_of_another_workflow() -> None:
    abc = _abc()
    _, events = abc.start("A-1", actor=CLERK, at=AT)
    assert _replay_problem(list(events)) == (
        "event 0 is step 0 of workflow 'abc'; expected step 0 of 'memo'"
    )


def test_replay_refuses_events_out_of_order() -> None:
    _, events = _history()
    assert _replay_problem([events[0], events[2], events[1]]) == (
        "event 1 is step 2 of workflow 'memo'; expected step 1 of 'memo'"
    )
    assert _replay_problem(list(events[1:])) == (
        "event 0 is step 1 of workflow 'memo'; expected step 0 of 'memo'"
    )


def test_replay_starts_with_the_creation() -> None:
    fake = WorkflowEvent(
        "memo",
        AuditEntry("M-1", 0, "send", Memo.DRAFT, Memo.SENT, "u-1", Role.CLERK, AT, None, ""),
        CLERK,
        {"amount": Decimal(1)},
    )
    assert _replay_problem([fake]) == "must start with the creation"


def test_replay_needs_at_least_the_creation() -> None:
    assert _replay_problem([]) == "must hold at least the creation"


def test_replay_refuses_another_cases_events() -> None:
    _, first = _history()
    _, second = _history()
    other = [event._replace(entry=event.entry._replace(case_id="M-2")) for event in second]
    assert _replay_problem([first[0], other[1]]) == "event 1 belongs to another case"


def test_replay_refuses_a_step_that_now_leads_elsewhere() -> None:
    _, events = _history()
    stricter = _memo_flow(threshold=Decimal(100))  # the same name, another route
    with pytest.raises(InvalidField) as error:
        stricter.replay(events)
    assert error.value.reason == "event 1 ('send') now leads to 'big', not 'sent'"


def test_replay_refuses_what_is_not_an_event() -> None:
    _, events = _history()
    with pytest.raises(ArgumentTypeError) as error:
        FLOW.replay([tuple(events[0])])  # type: ignore[list-item]
    assert (
        str(error.value)
        == "Workflow.replay(events[0]) takes a WorkflowEvent holding its AuditEntry, not tuple"
    )


def test_replay_checks_each_step_again() -> None:
    _, events = _history()
    forged = events[4]._replace(actor=CLERK)  # a clerk may not close
    with pytest.raises(TransitionRefused, match="needs the role manager or senior_underwriter"):
        FLOW.replay([*events[:4], forged])


def test_replay_refuses_a_creation_that_now_leads_elsewhere() -> None:
    _, events = _abc().start("A-1", actor=CLERK, at=AT)
    moved = Workflow(
        "abc",
        Abc,
        initial=Abc.B,
        final=Abc.D,
        transitions=[
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.A),
            Transition(Abc.A, "one", Abc.D),
        ],
    )
    with pytest.raises(InvalidField, match="now leads to 'b', not 'a'"):
        moved.replay(events)


def test_replay_refuses_an_event_whose_entry_disagrees() -> None:
    _, events = _history()
    entry = events[1].entry
    forged = events[1]._replace(entry=entry._replace(payload_digest=EMPTY_DIGEST))
    with pytest.raises(InvalidField, match="event 1"):
        FLOW.replay([events[0], forged])


# ------------------------------------------------------------------ deadlines


def test_overdue_in_calendar_days() -> None:
    case = _sent()  # entered SENT on Monday 3 March 2025; 3 calendar days: due Thursday 6
    assert FLOW.overdue(case, pendulum.date(2025, 3, 3)) is None
    assert FLOW.overdue(case, pendulum.date(2025, 3, 6)) is None
    late = FLOW.overdue(case, pendulum.date(2025, 3, 7))
    assert late is not None
    assert (late.case_id, late.state, late.entered_at) == ("M-1", Memo.SENT, AT)
    assert (late.due_on, late.as_of, late.days_late) == (
        pendulum.date(2025, 3, 6),
        pendulum.date(2025, 3, 7),
        1,
    )
    assert isinstance(late, Lateness)
    later = FLOW.overdue(case, dt.date(2025, 3, 17))  # a datetime.date is taken too
    assert later is not None and (later.as_of, later.days_late) == (pendulum.date(2025, 3, 17), 11)
    assert type(later.as_of) is pendulum.Date


def test_overdue_in_working_days_over_a_weekend() -> None:
    friday = pendulum.datetime(2025, 3, 7, 16, tz="Asia/Shanghai")
    case = _sent("5000", at=friday)  # BIG: 2 working days, Monday 10 and Tuesday 11
    assert case.state is Memo.BIG
    assert FLOW.overdue(case, pendulum.date(2025, 3, 10)) is None
    assert FLOW.overdue(case, pendulum.date(2025, 3, 11)) is None
    late = FLOW.overdue(case, pendulum.date(2025, 3, 12))
    assert late is not None
    assert (late.due_on, late.days_late) == (pendulum.date(2025, 3, 11), 1)


def test_overdue_in_working_days_over_a_make_up_day_and_a_holiday() -> None:
    # Friday 26 September 2025; Saturday 27 is off, Sunday 28 is a make-up working day,
    # so 2 working days are Sunday 28 and Monday 29.
    friday = pendulum.datetime(2025, 9, 26, 10, tz="Asia/Shanghai")
    case = _sent("5000", at=friday)
    late = FLOW.overdue(case, pendulum.date(2025, 9, 30))
    assert late is not None
    assert (late.due_on, late.days_late) == (pendulum.date(2025, 9, 29), 1)
    # Tuesday 30 September: 1 to 8 October are holidays, so Thursday 9 and Friday 10.
    tuesday = pendulum.datetime(2025, 9, 30, 10, tz="Asia/Shanghai")
    case = _sent("5000", at=tuesday)
    assert FLOW.overdue(case, pendulum.date(2025, 10, 8)) is None
    assert FLOW.overdue(case, pendulum.date(2025, 10, 10)) is None
    late = FLOW.overdue(case, pendulum.date(2025, 10, 13))
    assert late is not None
    assert (late.due_on, late.days_late) == (pendulum.date(2025, 10, 10), 3)


def test_without_the_holidays_the_deadline_falls_earlier() -> None:
    plain = _memo_flow(calendar=WorkingCalendar("Asia/Shanghai"))
    case, _ = plain.start("M-1", actor=CLERK, at=pendulum.datetime(2025, 9, 30, 10, tz="PRC"))
    case, _ = plain.fire(
        case, "send", actor=CLERK, at=case.entered_at, payload={"amount": Decimal(5000)}
    )
    late = plain.overdue(case, pendulum.date(2025, 10, 3))
    assert late is not None and late.due_on == pendulum.date(2025, 10, 2)


def test_overdue_takes_an_instant_as_its_day_in_the_calendars_zone() -> None:
    case = _sent()  # due Thursday 6 March 2025 in Shanghai
    # 15:00 UTC on the 6th is 23:00 in Shanghai: still the 6th.
    assert FLOW.overdue(case, pendulum.datetime(2025, 3, 6, 15, tz="UTC")) is None
    # 17:00 UTC on the 6th is 01:00 on the 7th in Shanghai: late.
    late = FLOW.overdue(case, dt.datetime(2025, 3, 6, 17, tzinfo=dt.UTC))
    assert late is not None
    assert (late.as_of, late.days_late) == (pendulum.date(2025, 3, 7), 1)


def test_the_entry_day_is_taken_in_the_calendars_zone() -> None:
    # 23:30 UTC on 2 March is 07:30 on Monday 3 March in Shanghai: due Thursday 6.
    case = _sent(at=pendulum.datetime(2025, 3, 2, 23, 30, tz="UTC"))
    assert FLOW.overdue(case, pendulum.date(2025, 3, 6)) is None
    late = FLOW.overdue(case, pendulum.date(2025, 3, 7))
    assert late is not None and late.due_on == pendulum.date(2025, 3, 6)


def test_no_deadline_means_never_overdue() -> None:
    case, _ = _opened()  # DRAFT has no deadline
    assert FLOW.overdue(case, pendulum.date(2030, 1, 1)) is None
    done, _ = FLOW.fire(_sent(), "close", actor=MANAGER, at=AT)
    assert FLOW.overdue(done, pendulum.date(2030, 1, 1)) is None
    abc, _ = _abc().start("A-1", actor=CLERK, at=AT)
    assert abc.workflow.overdue(abc, pendulum.date(2030, 1, 1)) is None


def test_overdue_checks_its_arguments() -> None:
    case = _sent()
    with pytest.raises(ArgumentTypeError) as error:
        _memo_flow().overdue(case, pendulum.date(2025, 3, 7))
    assert str(error.value) == "Workflow.overdue(case) takes a Case of 'memo', not Case"
    with pytest.raises(
        ArgumentTypeError, match=r"overdue\(case\) takes a Case of 'memo', not str"
    ):
        FLOW.overdue("M-1", pendulum.date(2025, 3, 7))  # type: ignore[arg-type]
    with pytest.raises(DateTypeError, match=r"Workflow\.overdue\(as_of\) must be a date, not str"):
        FLOW.overdue(case, "2025-03-07")  # type: ignore[arg-type]
    with pytest.raises(NaiveDateTimeError):
        FLOW.overdue(case, pendulum.naive(2025, 3, 7))


def test_overdue_checks_as_of_without_a_deadline() -> None:
    case, _ = _opened()
    with pytest.raises(DateTypeError):
        FLOW.overdue(case, "2025-03-07")  # type: ignore[arg-type]


# ------------------------------------------------------------------ queries


def test_allowed_events_and_is_final() -> None:
    assert FLOW.allowed_events(Memo.DRAFT) == ("send", "drop")
    assert FLOW.allowed_events(Memo.BIG) == ("close", "send_back", "drop")
    assert FLOW.allowed_events(Memo.DONE) == ()
    assert [FLOW.is_final(state) for state in Memo] == [False, False, False, True, True]


@pytest.mark.parametrize("state", [Other.X, "draft", [], None])
def test_queries_refuse_an_unknown_state(state: object) -> None:
    with pytest.raises(InvalidField) as error:
        FLOW.allowed_events(state)  # type: ignore[arg-type]
    assert str(error.value) == (
        f"Workflow.allowed_events(state): {state!r} is not a state of 'memo'"
    )
    with pytest.raises(InvalidField, match=r"is not a state of 'memo'"):
        FLOW.is_final(state)  # type: ignore[arg-type]


# ------------------------------------------------------------------ diagrams

MEMO_MERMAID = """\
stateDiagram-v2
    [*] --> draft
    draft --> big: send [big]
    draft --> sent: send [otherwise]
    sent --> done: close
    big --> done: close
    sent --> draft: send_back
    big --> draft: send_back
    draft --> dropped: drop
    sent --> dropped: drop
    big --> dropped: drop
    done --> [*]
    dropped --> [*]"""

MEMO_DOT = """\
digraph "memo" {
    rankdir=LR;
    node [shape=box, style=rounded];
    "__start__" [shape=point];
    "done" [peripheries=2];
    "dropped" [peripheries=2];
    "__start__" -> "draft";
    "draft" -> "big" [label="send [big]"];
    "draft" -> "sent" [label="send [otherwise]"];
    "sent" -> "done" [label="close"];
    "big" -> "done" [label="close"];
    "sent" -> "draft" [label="send_back"];
    "big" -> "draft" [label="send_back"];
    "draft" -> "dropped" [label="drop"];
    "sent" -> "dropped" [label="drop"];
    "big" -> "dropped" [label="drop"];
}"""


def test_to_mermaid_draws_the_table_with_routes() -> None:
    assert FLOW.to_mermaid() == MEMO_MERMAID


def test_to_dot_draws_the_table_with_routes() -> None:
    assert FLOW.to_dot() == MEMO_DOT


class Spaced(enum.Enum):
    NEW = "new case"
    CLOSED = 2


def test_diagrams_name_a_state_by_its_value_or_else_its_name() -> None:
    flow = Workflow(
        "spaced",
        Spaced,
        initial=Spaced.NEW,
        final=Spaced.CLOSED,
        transitions=[Transition(Spaced.NEW, "close", Spaced.CLOSED)],
    )
    assert flow.to_mermaid().splitlines() == [
        "stateDiagram-v2",
        "    [*] --> NEW",
        "    NEW --> CLOSED: close",
        "    CLOSED --> [*]",
    ]
    case, _ = flow.start("S-1", actor=CLERK, at=AT)
    with pytest.raises(InvalidTransition, match="is 'NEW', where event 'open'"):
        flow.fire(case, "open", actor=CLERK, at=AT)


def test_to_dot_quotes_labels_safely() -> None:
    try:
        route = Route([('say "yes"', _yes, Abc.B)], otherwise=Abc.C)
    except InvalidField:  # refusing such a label is a fix too
        return
    flow = _abc(
        [
            Transition(Abc.A, "one", route),
            Transition(Abc.B, "two", Abc.C),
            Transition(Abc.C, "three", Abc.D),
        ]
    )
    assert '[label="one [say \\"yes\\"]"];' in flow.to_dot()


HOW_TO = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "define-a-workflow.md"


def test_the_how_to_draws_the_diagram_its_example_prints() -> None:
    # The page's doctest prints to_mermaid(); the diagram drawn below it must be that text.
    text = HOW_TO.read_text(encoding="utf-8")
    printed = text.split(">>> print(DISCOUNT_WORKFLOW.to_mermaid())\n", 1)[1].split("\n\n", 1)[0]
    drawn = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert printed.startswith("stateDiagram-v2\n")
    assert drawn == printed + "\n"


# Event names: lower-case words of letters and digits joined by "_" (never "start").
_EVENT_NAMES = st.builds(
    lambda first, rest, words: "_".join([first + rest, *words]),
    st.sampled_from("abqxyz"),
    st.text("abz09", max_size=6),
    st.lists(st.text("abz09", min_size=1, max_size=4), max_size=2),
)


def _chain(count: int) -> type[enum.Enum]:
    return cast("type[enum.Enum]", enum.Enum("Chain", [(f"S{i}", f"s{i}") for i in range(count)]))


@given(count=st.integers(min_value=2, max_value=12), data=st.data())
def test_a_linear_workflow_validates_and_draws_one_line_per_edge(
    count: int, data: st.DataObject
) -> None:
    chain = _chain(count)
    members = list(chain)
    events = data.draw(st.lists(_EVENT_NAMES, min_size=count - 1, max_size=count - 1))
    flow = Workflow(
        "chain",
        chain,
        initial=members[0],
        final=members[-1],
        transitions=[
            Transition(members[index], event, members[index + 1])
            for index, event in enumerate(events)
        ],
    )
    lines = flow.to_mermaid().splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    [*] --> s0"]
    assert lines[2:-1] == [
        f"    s{index} --> s{index + 1}: {event}" for index, event in enumerate(events)
    ]
    assert lines[-1] == f"    s{count - 1} --> [*]"
    assert flow.is_final(members[-1]) and not flow.is_final(members[0])
    case, _ = flow.start("C-1", actor=CLERK, at=AT)
    for event in events:
        case, _ = flow.fire(case, event, actor=CLERK, at=AT)
    assert case.state is members[-1]
    assert len(case.history) == count


# ------------------------------------------------------------------ the invariants, stateful


def _memo_payloads(event: str) -> st.SearchStrategy[Mapping[str, object] | None]:
    if event != "send":
        return st.none()
    amounts = st.decimals(min_value=0, max_value=2 * LIMIT, places=2)
    return st.one_of(
        st.fixed_dictionaries({"amount": amounts}),
        st.fixed_dictionaries({"amount": amounts, "note": st.sampled_from(["a", "b"])}),
        st.none(),
        st.just({"amount": "12"}),
    )


TestMemoWorkflow = workflow_machine(
    FLOW,
    actors=[CLERK, MANAGER, MANAGER_2, SENIOR],
    payloads=_memo_payloads,
    data={"product": "AUTO"},
).TestCase
# Each step replays the whole history: fewer steps keep the ci profile's 400 runs fast.
TestMemoWorkflow.settings = settings(stateful_step_count=30)
