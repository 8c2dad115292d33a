"""Tests for renewal_core.workflows.dispute.

Expected states, allowed events, deadlines and messages are written out by hand from
the module's table and the issue (days counted on a calendar in the comments); the
properties compare with small reference computations on integers and standard-library
dates, never with the code under test.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from builders import cny
from renewal_core.errors import (
    ArgumentTypeError,
    DateTypeError,
    InvalidField,
    InvalidTransition,
    TransitionRefused,
)
from renewal_core.model import Channel
from renewal_core.money import Money
from renewal_core.reasons import Reason, Severity
from renewal_core.workflows import dispute
from renewal_core.workflows.dispute import (
    DISPUTE_WORKFLOW,
    Agreement,
    DisputeClaim,
    DisputeOutcome,
    DisputeState,
    DisputeSubject,
    Escalation,
    Forum,
    Ruling,
    dispute_workflow,
    open_dispute,
)
from renewal_core.workflows.engine import (
    START,
    Actor,
    Case,
    Deadline,
    Lateness,
    Role,
    Transition,
    Workflow,
    WorkingCalendar,
)
from workflow_machine import workflow_machine

S = DisputeState
D = pendulum.Date
AT = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")  # a Monday
CUSTOMER = Actor("c-1", Role.CUSTOMER)
CLERK = Actor("u-1", Role.CLERK)
CLERK_2 = Actor("u-2", Role.CLERK)
MANAGER = Actor("m-1", Role.MANAGER)
LEGAL = Actor("l-1", Role.LEGAL)
LEGAL_2 = Actor("l-2", Role.LEGAL)
UNDERWRITER = Actor("w-1", Role.UNDERWRITER)
CLAIM = DisputeClaim(
    DisputeSubject.CLAIM_SETTLEMENT, channel=Channel.PHONE, claimed=cny("8000.00")
)
PARTLY = Agreement(DisputeOutcome.PARTLY_GRANTED, amount=cny("5000.00"))


# ---------------------------------------------------------------- helpers


def _step(
    case: Case,
    event: str,
    actor: Actor,
    days: int,
    *,
    reason: str | None = None,
    payload: dict[str, object] | None = None,
) -> Case:
    new, events = case.workflow.fire(
        case, event, actor=actor, at=AT.add(days=days), reason=reason, payload=payload
    )
    assert len(events) == 1
    return new


def _opened(flow: Workflow = DISPUTE_WORKFLOW, claim: DisputeClaim = CLAIM) -> Case:
    case, _ = open_dispute("D-1", claim, actor=CUSTOMER, at=AT, workflow=flow)
    return case


def _negotiating(flow: Workflow = DISPUTE_WORKFLOW, claim: DisputeClaim = CLAIM) -> Case:
    return _step(_opened(flow, claim), "respond", CLERK, 1)  # 4 March


def _failed(flow: Workflow = DISPUTE_WORKFLOW, claim: DisputeClaim = CLAIM) -> Case:
    return _step(_negotiating(flow, claim), "fail_negotiation", CLERK, 5, reason="no deal")


def _before(forum: Forum, flow: Workflow = DISPUTE_WORKFLOW, claim: DisputeClaim = CLAIM) -> Case:
    escalation = Escalation(forum, arbitration_agreement=forum is Forum.ARBITRATION)
    # Escalated on 13 March 2025, 09:00 in Shanghai.
    return _step(_failed(flow, claim), "escalate", LEGAL, 10, payload={"escalation": escalation})


def _ruling(
    forum: Forum = Forum.ARBITRATION,
    outcome: DisputeOutcome = DisputeOutcome.GRANTED,
    *,
    ruled_on: dt.date = dt.date(2025, 4, 10),
    amount: Money | None = None,
) -> Ruling:
    return Ruling(forum, outcome, ruled_on=ruled_on, amount=amount)


def _reasons(error: pytest.ExceptionInfo[TransitionRefused]) -> list[Reason]:
    found = [reason for reason in error.value.reasons if isinstance(reason, Reason)]
    assert len(found) == len(error.value.reasons)
    return found


def _refusal(error: pytest.ExceptionInfo[TransitionRefused]) -> list[str]:
    reasons = _reasons(error)
    assert all(reason.severity is Severity.BLOCK for reason in reasons)
    return [reason.code for reason in reasons]


def _first(error: pytest.ExceptionInfo[TransitionRefused]) -> Reason:
    return _reasons(error)[0]


# ---------------------------------------------------------------- module and table


def _ruff_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_complete_and_documented() -> None:
    assert dispute.__all__ == sorted(dispute.__all__, key=_ruff_key)
    assert dispute.__doc__
    for name in dispute.__all__:
        value = getattr(dispute, name)
        if isinstance(value, type):
            assert value.__dict__.get("__doc__"), name
        elif callable(value):
            assert value.__doc__, name


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (
            DisputeState,
            [
                "opened",
                "negotiating",
                "resolved",
                "negotiation_failed",
                "in_arbitration",
                "in_court",
                "ruled",
                "closed",
                "withdrawn",
            ],
        ),
        (DisputeSubject, ["claim_settlement", "premium", "refund", "contract", "service"]),
        (DisputeOutcome, ["granted", "partly_granted", "rejected"]),
        (Forum, ["arbitration", "court"]),
    ],
)
def test_enum_values_and_short_repr(kind: type[enum.Enum], values: list[str]) -> None:
    assert [member.value for member in kind] == values
    first = next(iter(kind))
    assert repr(first) == f"{kind.__name__}.{first.name}"


def test_the_default_workflow() -> None:
    flow = DISPUTE_WORKFLOW
    assert flow.name == "dispute"
    assert flow.states is DisputeState
    assert flow.initial is S.OPENED
    assert flow.final == {S.CLOSED, S.WITHDRAWN}
    assert flow.calendar == WorkingCalendar("Asia/Shanghai")
    assert flow.calendar.weekend == {6, 7}
    assert flow.deadlines == (
        Deadline(S.OPENED, 15),
        Deadline(S.NEGOTIATING, 30),
        Deadline(S.RESOLVED, 10),
    )


def test_allowed_events_per_state() -> None:
    expected = {
        S.OPENED: ("respond", "withdraw"),
        S.NEGOTIATING: ("agree", "fail_negotiation", "withdraw"),
        S.RESOLVED: ("close",),
        S.NEGOTIATION_FAILED: ("escalate", "lapse", "withdraw"),
        S.IN_ARBITRATION: ("settle", "record_ruling", "withdraw"),
        S.IN_COURT: ("settle", "record_ruling", "withdraw"),
        S.RULED: ("close",),
        S.CLOSED: (),
        S.WITHDRAWN: (),
    }
    assert {state: DISPUTE_WORKFLOW.allowed_events(state) for state in S} == expected


def test_roles_reasons_and_payloads_of_each_transition() -> None:
    staff = {Role.CLERK, Role.MANAGER}
    expected = {
        "respond": (staff, (), {}, False),
        "agree": (staff, (), {"agreement": Agreement}, False),
        "fail_negotiation": (staff, (), {}, True),
        "escalate": ({Role.LEGAL}, (), {"escalation": Escalation}, False),
        "settle": ({Role.LEGAL}, (), {"agreement": Agreement}, False),
        "record_ruling": ({Role.LEGAL}, (), {"ruling": Ruling}, False),
        "close": (staff, ("agree", "settle"), {}, False),
        "lapse": ({Role.MANAGER, Role.LEGAL}, (), {}, True),
        "withdraw": ({Role.CUSTOMER, Role.CLERK, Role.LEGAL}, (), {}, True),
    }
    found = {
        transition.event: (
            set(transition.roles),
            transition.four_eyes,
            dict(transition.needs),
            transition.reason_required,
        )
        for transition in DISPUTE_WORKFLOW.transitions
    }
    assert found == expected


def test_the_diagram() -> None:
    assert DISPUTE_WORKFLOW.to_mermaid() == "\n".join(
        [
            "stateDiagram-v2",
            "    [*] --> opened",
            "    opened --> negotiating: respond",
            "    negotiating --> resolved: agree",
            "    negotiating --> negotiation_failed: fail_negotiation",
            "    negotiation_failed --> in_arbitration: escalate [arbitration]",
            "    negotiation_failed --> in_court: escalate [otherwise]",
            "    in_arbitration --> resolved: settle",
            "    in_court --> resolved: settle",
            "    in_arbitration --> ruled: record_ruling",
            "    in_court --> ruled: record_ruling",
            "    resolved --> closed: close",
            "    ruled --> closed: close",
            "    negotiation_failed --> closed: lapse",
            "    opened --> withdrawn: withdraw",
            "    negotiating --> withdrawn: withdraw",
            "    negotiation_failed --> withdrawn: withdraw",
            "    in_arbitration --> withdrawn: withdraw",
            "    in_court --> withdrawn: withdraw",
            "    closed --> [*]",
            "    withdrawn --> [*]",
        ]
    )


# ---------------------------------------------------------------- records


def test_claim_fields() -> None:
    claim = DisputeClaim(DisputeSubject.PREMIUM, channel=Channel.AGENT)
    assert (claim.subject, claim.channel, claim.claimed) == (
        DisputeSubject.PREMIUM,
        Channel.AGENT,
        None,
    )
    assert repr(CLAIM) == (
        "DisputeClaim(subject=DisputeSubject.CLAIM_SETTLEMENT, channel=Channel.PHONE, "
        "claimed=Money('8000.00', 'CNY'))"
    )


@pytest.mark.parametrize(
    ("build", "field", "phrase"),
    [
        (
            lambda: DisputeClaim("premium", channel=Channel.AGENT),  # type: ignore[arg-type]
            "subject",
            "convert it with DisputeSubject('premium')",
        ),
        (
            lambda: DisputeClaim(DisputeSubject.PREMIUM, channel="phone"),  # type: ignore[arg-type]
            "channel",
            "must be a Channel member",
        ),
        (
            lambda: DisputeClaim(DisputeSubject.PREMIUM, channel=Channel.AGENT, claimed=cny("0")),
            "claimed",
            "must be greater than zero, not 0 CNY",
        ),
        (
            lambda: DisputeClaim(
                DisputeSubject.PREMIUM,
                channel=Channel.AGENT,
                claimed=Decimal("100"),  # type: ignore[arg-type]
            ),
            "claimed",
            "must be a Money, not Decimal",
        ),
        (
            lambda: Agreement(DisputeOutcome.GRANTED, amount=cny("0.001")),
            "amount",
            "finer than the minor unit of CNY",
        ),
        (
            lambda: Agreement(DisputeOutcome.GRANTED, amount=cny("-1.00")),
            "amount",
            "must be greater than zero",
        ),
        (
            lambda: Agreement(DisputeOutcome.REJECTED, amount=cny("1.00")),
            "amount",
            "must be None when the outcome is REJECTED",
        ),
        (
            lambda: Agreement("granted"),  # type: ignore[arg-type]
            "outcome",
            "convert it with DisputeOutcome('granted')",
        ),
        (
            lambda: Escalation(Forum.COURT, arbitration_agreement=1),  # type: ignore[arg-type]
            "arbitration_agreement",
            "must be True or False, not int",
        ),
        (
            lambda: Escalation("COURT", arbitration_agreement=False),  # type: ignore[arg-type]
            "forum",
            "use Forum.COURT",
        ),
        (
            lambda: _ruling(Forum.COURT, DisputeOutcome.REJECTED, amount=cny("3.00")),
            "amount",
            "must be None when the outcome is REJECTED",
        ),
        (
            lambda: _ruling(Forum.COURT, DisputeOutcome.GRANTED, amount=cny("0.00")),
            "amount",
            "must be greater than zero",
        ),
    ],
)
def test_records_refuse_bad_fields(build: Callable[[], object], field: str, phrase: str) -> None:
    with pytest.raises(InvalidField) as error:
        build()
    assert error.value.field == field
    assert phrase in str(error.value)


def test_a_ruling_day_is_a_day() -> None:
    ruling = _ruling(ruled_on=dt.date(2025, 4, 10))
    assert type(ruling.ruled_on) is pendulum.Date
    assert ruling.ruled_on == D(2025, 4, 10)
    with pytest.raises(DateTypeError):
        _ruling(ruled_on=pendulum.datetime(2025, 4, 10, tz="Asia/Shanghai"))


def test_records_are_frozen_values() -> None:
    assert Agreement(DisputeOutcome.GRANTED) == Agreement(DisputeOutcome.GRANTED, amount=None)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        PARTLY.amount = None  # type: ignore[misc]
    assert attrs.evolve(PARTLY, amount=cny("4000.00")).amount == cny("4000.00")
    with pytest.raises(InvalidField, match="REJECTED"):
        attrs.evolve(PARTLY, outcome=DisputeOutcome.REJECTED)


@given(
    outcome=st.sampled_from(DisputeOutcome),
    cents=st.one_of(st.none(), st.integers(min_value=1, max_value=10**9)),
)
def test_only_a_rejection_pays_nothing(outcome: DisputeOutcome, cents: int | None) -> None:
    amount = None if cents is None else Money(Decimal(cents).scaleb(-2), "CNY")
    if outcome is DisputeOutcome.REJECTED and amount is not None:
        with pytest.raises(InvalidField):
            Agreement(outcome, amount=amount)
        with pytest.raises(InvalidField):
            _ruling(outcome=outcome, amount=amount)
    else:
        assert Agreement(outcome, amount=amount).amount == amount
        assert _ruling(outcome=outcome, amount=amount).amount == amount


# ---------------------------------------------------------------- opening


@pytest.mark.parametrize("actor", [CUSTOMER, CLERK])
def test_the_customer_or_a_clerk_opens_a_dispute(actor: Actor) -> None:
    case, events = open_dispute("D-9", CLAIM, actor=actor, at=AT)
    assert case.state is S.OPENED
    assert case.case_id == "D-9"
    assert dict(case.data) == {"claim": CLAIM}
    [entry] = case.history
    assert (entry.event, entry.source, entry.target, entry.actor_id, entry.role, entry.at) == (
        START,
        None,
        S.OPENED,
        actor.actor_id,
        actor.role,
        AT,
    )
    assert [event.payload for event in events] == [{"claim": CLAIM}]
    assert DISPUTE_WORKFLOW.replay(events) == case


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LEGAL, Role.UNDERWRITER, Role.SYSTEM])
def test_nobody_else_opens_a_dispute(role: Role) -> None:
    with pytest.raises(TransitionRefused) as error:
        open_dispute("D-9", CLAIM, actor=Actor("x-1", role), at=AT)
    assert _refusal(error) == ["role.not_allowed"]
    assert (error.value.workflow, error.value.case_id, error.value.state, error.value.event) == (
        "dispute",
        "D-9",
        "opened",
        "start",
    )
    assert "a dispute is opened by the customer, or by a clerk on their behalf, not by " in str(
        error.value
    )
    assert str(error.value).endswith(f"not by {role.value}")
    assert _first(error).details == {
        "role": role,
        "roles": frozenset({Role.CUSTOMER, Role.CLERK}),
    }


class _Memo(enum.Enum):
    DRAFT = "draft"
    DONE = "done"


_MEMO = Workflow(
    "memo",
    _Memo,
    initial=_Memo.DRAFT,
    final=_Memo.DONE,
    transitions=[Transition(_Memo.DRAFT, "finish", _Memo.DONE)],
)


def test_open_dispute_refuses_bad_arguments() -> None:
    with pytest.raises(ArgumentTypeError, match=r"open_dispute\(claim\)"):
        open_dispute("D-9", {"subject": "premium"}, actor=CUSTOMER, at=AT)  # type: ignore[arg-type]
    for workflow in (_MEMO, "dispute"):
        with pytest.raises(ArgumentTypeError, match=r"a Workflow from dispute_workflow\(\)"):
            open_dispute("D-9", CLAIM, actor=CUSTOMER, at=AT, workflow=workflow)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="must be a non-empty str"):
        open_dispute(" ", CLAIM, actor=CUSTOMER, at=AT)
    with pytest.raises(ArgumentTypeError, match="an Actor"):
        open_dispute("D-9", CLAIM, actor="c-1", at=AT)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the happy path


def test_a_negotiated_agreement_is_performed_and_closed() -> None:
    case, events = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=AT)
    produced = list(events)
    for event, actor, days, payload in [
        ("respond", CLERK, 2, None),
        ("agree", CLERK, 9, {"agreement": PARTLY}),
        ("close", MANAGER, 12, None),
    ]:
        case, events = DISPUTE_WORKFLOW.fire(
            case, event, actor=actor, at=AT.add(days=days), payload=payload
        )
        produced.extend(events)
    assert case.state is S.CLOSED
    assert case.is_final
    assert case.allowed_events() == ()
    assert dict(case.data) == {"claim": CLAIM, "agreement": PARTLY}
    assert [
        (entry.sequence, entry.event, entry.source, entry.target, entry.actor_id, entry.role)
        for entry in case.history
    ] == [
        (0, "start", None, S.OPENED, "c-1", Role.CUSTOMER),
        (1, "respond", S.OPENED, S.NEGOTIATING, "u-1", Role.CLERK),
        (2, "agree", S.NEGOTIATING, S.RESOLVED, "u-1", Role.CLERK),
        (3, "close", S.RESOLVED, S.CLOSED, "m-1", Role.MANAGER),
    ]
    assert [entry.at for entry in case.history] == [
        AT,
        AT.add(days=2),
        AT.add(days=9),
        AT.add(days=12),
    ]
    assert DISPUTE_WORKFLOW.replay(produced) == case


def test_a_failed_negotiation_goes_to_arbitration_and_its_award_is_performed() -> None:
    case = _before(Forum.ARBITRATION)
    assert case.state is S.IN_ARBITRATION
    assert case.history[-1].reason is None
    assert case.history[-2].reason == "no deal"
    award = _ruling(Forum.ARBITRATION, DisputeOutcome.GRANTED, amount=cny("8000.00"))
    case = _step(case, "record_ruling", LEGAL, 40, payload={"ruling": award})
    assert case.state is S.RULED
    assert case.data["ruling"] == award
    assert case.data["escalation"] == Escalation(Forum.ARBITRATION, arbitration_agreement=True)
    case = _step(case, "close", CLERK, 45)
    assert case.state is S.CLOSED
    assert [entry.event for entry in case.history] == [
        "start",
        "respond",
        "fail_negotiation",
        "escalate",
        "record_ruling",
        "close",
    ]


def test_without_an_arbitration_agreement_the_dispute_goes_to_court() -> None:
    case = _before(Forum.COURT)
    assert case.state is S.IN_COURT
    judgment = _ruling(Forum.COURT, DisputeOutcome.REJECTED)
    case = _step(case, "record_ruling", LEGAL, 40, payload={"ruling": judgment})
    assert case.state is S.RULED
    assert case.data["ruling"] == judgment


# ---------------------------------------------------------------- each transition


@pytest.mark.parametrize("actor", [CLERK, MANAGER])
def test_staff_respond(actor: Actor) -> None:
    case = _step(_opened(), "respond", actor, 1)
    assert case.state is S.NEGOTIATING


@pytest.mark.parametrize("actor", [CUSTOMER, LEGAL, UNDERWRITER])
def test_only_staff_respond(actor: Actor) -> None:
    with pytest.raises(TransitionRefused) as error:
        _step(_opened(), "respond", actor, 1)
    assert _refusal(error) == ["role.not_allowed"]
    assert "needs the role clerk or manager" in str(error.value)


@pytest.mark.parametrize("actor", [CLERK, MANAGER])
def test_staff_record_an_agreement(actor: Actor) -> None:
    case = _step(_negotiating(), "agree", actor, 3, payload={"agreement": PARTLY})
    assert case.state is S.RESOLVED
    assert case.data["agreement"] is PARTLY


def test_an_agreement_needs_its_record() -> None:
    case = _negotiating()
    with pytest.raises(InvalidField, match="event 'agree' needs 'agreement'"):
        _step(case, "agree", CLERK, 3)
    with pytest.raises(InvalidField, match="'agreement' of event 'agree' must be a Agreement"):
        _step(case, "agree", CLERK, 3, payload={"agreement": "5000"})
    with pytest.raises(TransitionRefused) as error:
        _step(case, "agree", LEGAL, 3, payload={"agreement": PARTLY})
    assert _refusal(error) == ["role.not_allowed"]


def test_a_rejection_can_be_agreed() -> None:
    rejected = Agreement(DisputeOutcome.REJECTED)
    case = _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": rejected})
    assert case.state is S.RESOLVED
    assert case.data["agreement"] == Agreement(DisputeOutcome.REJECTED, amount=None)


def test_a_failed_negotiation_needs_a_reason_and_staff() -> None:
    case = _negotiating()
    with pytest.raises(InvalidField, match="event 'fail_negotiation' needs a reason"):
        _step(case, "fail_negotiation", CLERK, 5)
    with pytest.raises(TransitionRefused) as error:
        _step(case, "fail_negotiation", CUSTOMER, 5, reason="refused the offer")
    assert _refusal(error) == ["role.not_allowed"]
    failed = _step(case, "fail_negotiation", MANAGER, 5, reason="refused the offer")
    assert failed.state is S.NEGOTIATION_FAILED
    assert failed.history[-1].reason == "refused the offer"


@pytest.mark.parametrize(
    ("forum", "state"), [(Forum.ARBITRATION, S.IN_ARBITRATION), (Forum.COURT, S.IN_COURT)]
)
def test_the_forum_picks_the_state(forum: Forum, state: S) -> None:
    assert _before(forum).state is state


def test_arbitration_needs_an_arbitration_agreement() -> None:
    escalation = Escalation(Forum.ARBITRATION, arbitration_agreement=False)
    with pytest.raises(TransitionRefused) as error:
        _step(_failed(), "escalate", LEGAL, 10, payload={"escalation": escalation})
    assert _refusal(error) == ["dispute.no_arbitration_agreement"]
    reason = _first(error)
    assert reason.rule == "arbitration_agreement"
    assert "arbitration needs an arbitration agreement" in reason.message
    assert reason.details == {"forum": Forum.ARBITRATION, "arbitration_agreement": False}


def test_a_court_does_not_hear_a_dispute_the_parties_agreed_to_arbitrate() -> None:
    escalation = Escalation(Forum.COURT, arbitration_agreement=True)
    with pytest.raises(TransitionRefused) as error:
        _step(_failed(), "escalate", LEGAL, 10, payload={"escalation": escalation})
    assert _refusal(error) == ["dispute.arbitration_agreed"]
    assert "a court does not hear the dispute" in _first(error).message


def test_only_legal_escalates_and_with_its_record() -> None:
    case = _failed()
    escalation = Escalation(Forum.COURT, arbitration_agreement=False)
    with pytest.raises(TransitionRefused) as error:
        _step(case, "escalate", MANAGER, 10, payload={"escalation": escalation})
    assert _refusal(error) == ["role.not_allowed"]
    with pytest.raises(InvalidField, match="event 'escalate' needs 'escalation'"):
        _step(case, "escalate", LEGAL, 10, payload={"forum": Forum.COURT})


@pytest.mark.parametrize("forum", list(Forum))
def test_a_settlement_during_the_proceedings_resolves_the_dispute(forum: Forum) -> None:
    case = _step(_before(forum), "settle", LEGAL, 20, payload={"agreement": PARTLY})
    assert case.state is S.RESOLVED
    with pytest.raises(TransitionRefused) as error:
        _step(_before(forum), "settle", CLERK, 20, payload={"agreement": PARTLY})
    assert _refusal(error) == ["role.not_allowed"]


@pytest.mark.parametrize("forum", list(Forum))
def test_a_ruling_comes_from_the_forum_of_the_case(forum: Forum) -> None:
    other = Forum.COURT if forum is Forum.ARBITRATION else Forum.ARBITRATION
    with pytest.raises(TransitionRefused) as error:
        _step(_before(forum), "record_ruling", LEGAL, 40, payload={"ruling": _ruling(other)})
    assert _refusal(error) == ["dispute.ruling_forum"]
    reason = _first(error)
    assert reason.message == (
        f"the case is before {forum.value}, but the ruling comes from {other.value}; record "
        "the ruling of the forum that heard it"
    )
    assert reason.details == {"forum": other, "expected": forum}
    ruled = _step(_before(forum), "record_ruling", LEGAL, 40, payload={"ruling": _ruling(forum)})
    assert ruled.state is S.RULED


@pytest.mark.parametrize(
    ("ruled_on", "codes"),
    [
        (D(2025, 3, 12), ["dispute.ruling_before_escalation"]),  # escalated on 13 March
        (D(2025, 3, 13), []),
        (D(2025, 4, 12), []),  # recorded on 12 April
        (D(2025, 4, 13), ["dispute.ruling_in_future"]),
    ],
)
def test_a_ruling_is_dated_between_the_escalation_and_its_recording(
    ruled_on: pendulum.Date, codes: list[str]
) -> None:
    payload: dict[str, object] = {"ruling": _ruling(ruled_on=ruled_on)}
    case = _before(Forum.ARBITRATION)
    if codes:
        with pytest.raises(TransitionRefused) as error:
            _step(case, "record_ruling", LEGAL, 40, payload=payload)
        assert _refusal(error) == codes
        assert "2025-04-12" in str(error.value) or "2025-03-13" in str(error.value)
    else:
        assert _step(case, "record_ruling", LEGAL, 40, payload=payload).state is S.RULED


def test_ruling_days_are_counted_in_the_calendars_zone() -> None:
    case = _before(Forum.ARBITRATION)
    # 12 April 17:00 UTC is 13 April 01:00 in Shanghai: a ruling of 13 April is not early.
    recorded = pendulum.datetime(2025, 4, 12, 17, tz="UTC")
    ruling = _ruling(ruled_on=D(2025, 4, 13))
    after, _ = DISPUTE_WORKFLOW.fire(
        case, "record_ruling", actor=LEGAL, at=recorded, payload={"ruling": ruling}
    )
    assert after.state is S.RULED


def test_without_a_calendar_ruling_days_are_those_of_the_step() -> None:
    flow = attrs.evolve(DISPUTE_WORKFLOW, deadlines=[], calendar=None)
    case = _before(Forum.ARBITRATION, flow)
    recorded = pendulum.datetime(2025, 4, 12, 17, tz="UTC")  # 12 April in UTC
    with pytest.raises(TransitionRefused) as error:
        flow.fire(
            case,
            "record_ruling",
            actor=LEGAL,
            at=recorded,
            payload={"ruling": _ruling(ruled_on=D(2025, 4, 13))},
        )
    assert _refusal(error) == ["dispute.ruling_in_future"]
    assert _first(error).details == {
        "ruled_on": D(2025, 4, 13),
        "recorded_on": D(2025, 4, 12),
    }
    # Escalated at 13 March 01:00 UTC: a ruling of 12 March is before it.
    with pytest.raises(TransitionRefused) as error:
        flow.fire(
            case,
            "record_ruling",
            actor=LEGAL,
            at=recorded,
            payload={"ruling": _ruling(ruled_on=D(2025, 3, 12))},
        )
    assert _first(error).details == {
        "ruled_on": D(2025, 3, 12),
        "escalated_on": D(2025, 3, 13),
    }
    ruled = flow.fire(
        case,
        "record_ruling",
        actor=LEGAL,
        at=recorded,
        payload={"ruling": _ruling(ruled_on=D(2025, 4, 12))},
    )[0]
    assert ruled.state is S.RULED


def test_a_ruling_needs_legal_and_its_record() -> None:
    case = _before(Forum.COURT)
    with pytest.raises(TransitionRefused) as error:
        _step(case, "record_ruling", MANAGER, 40, payload={"ruling": _ruling(Forum.COURT)})
    assert _refusal(error) == ["role.not_allowed"]
    with pytest.raises(InvalidField, match="event 'record_ruling' needs 'ruling'"):
        _step(case, "record_ruling", LEGAL, 40)


def test_every_refusal_of_a_step_is_reported_together() -> None:
    # A manager records a court ruling dated in the future on an arbitration case.
    ruling = _ruling(Forum.COURT, ruled_on=D(2025, 5, 1), amount=Money("10.00", "USD"))
    with pytest.raises(TransitionRefused) as error:
        _step(_before(Forum.ARBITRATION), "record_ruling", MANAGER, 40, payload={"ruling": ruling})
    assert _refusal(error) == [
        "role.not_allowed",
        "dispute.ruling_forum",
        "dispute.ruling_in_future",
        "dispute.currency_mismatch",
    ]


def test_who_agreed_does_not_close() -> None:
    resolved = _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": PARTLY})
    with pytest.raises(TransitionRefused) as error:
        _step(resolved, "close", CLERK, 10)
    assert _refusal(error) == ["four_eyes.same_actor"]
    assert "'u-1' fired 'agree' on this case, so cannot fire 'close'" in str(error.value)
    assert _step(resolved, "close", CLERK_2, 10).state is S.CLOSED


def test_who_settled_does_not_close_even_in_another_role() -> None:
    settled = _step(_before(Forum.COURT), "settle", LEGAL, 20, payload={"agreement": PARTLY})
    with pytest.raises(TransitionRefused) as error:
        _step(settled, "close", Actor(LEGAL.actor_id, Role.MANAGER), 25)
    assert _refusal(error) == ["four_eyes.same_actor"]
    assert _step(settled, "close", MANAGER, 25).state is S.CLOSED


def test_only_staff_close() -> None:
    ruled = _step(
        _before(Forum.COURT), "record_ruling", LEGAL, 40, payload={"ruling": _ruling(Forum.COURT)}
    )
    with pytest.raises(TransitionRefused) as error:
        _step(ruled, "close", LEGAL, 41)
    assert _refusal(error) == ["role.not_allowed"]
    assert _step(ruled, "close", MANAGER, 41).state is S.CLOSED


@pytest.mark.parametrize("actor", [MANAGER, LEGAL])
def test_a_dispute_not_pursued_lapses(actor: Actor) -> None:
    case = _failed()
    with pytest.raises(InvalidField, match="event 'lapse' needs a reason"):
        _step(case, "lapse", actor, 60)
    closed = _step(case, "lapse", actor, 60, reason="no filing within two years")
    assert closed.state is S.CLOSED
    assert "ruling" not in closed.data
    assert "agreement" not in closed.data


def test_a_clerk_does_not_let_a_dispute_lapse() -> None:
    with pytest.raises(TransitionRefused) as error:
        _step(_failed(), "lapse", CLERK, 60, reason="no filing")
    assert _refusal(error) == ["role.not_allowed"]


_BUILDERS: dict[S, Callable[[], Case]] = {
    S.OPENED: _opened,
    S.NEGOTIATING: _negotiating,
    S.NEGOTIATION_FAILED: _failed,
    S.IN_ARBITRATION: lambda: _before(Forum.ARBITRATION),
    S.IN_COURT: lambda: _before(Forum.COURT),
}


@pytest.mark.parametrize("state", list(_BUILDERS))
@pytest.mark.parametrize("actor", [CUSTOMER, CLERK, LEGAL])
def test_the_customer_withdraws_before_a_resolution(state: S, actor: Actor) -> None:
    case = _BUILDERS[state]()
    assert case.state is state
    with pytest.raises(InvalidField, match="event 'withdraw' needs a reason"):
        _step(case, "withdraw", actor, 50)
    withdrawn = _step(case, "withdraw", actor, 50, reason="the customer withdrew")
    assert withdrawn.state is S.WITHDRAWN
    assert withdrawn.is_final


def test_a_manager_does_not_withdraw_for_the_customer() -> None:
    with pytest.raises(TransitionRefused) as error:
        _step(_opened(), "withdraw", MANAGER, 1, reason="closing it")
    assert _refusal(error) == ["role.not_allowed"]


@pytest.mark.parametrize(
    ("build", "event", "allowed"),
    [
        (
            lambda: _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": PARTLY}),
            "withdraw",
            "'close'",
        ),
        (_opened, "agree", "'respond', 'withdraw'"),
        (_negotiating, "escalate", "'agree', 'fail_negotiation', 'withdraw'"),
        (
            lambda: _step(_failed(), "lapse", LEGAL, 60, reason="no filing"),
            "respond",
            "none (a final state)",
        ),
    ],
)
def test_events_a_state_does_not_allow(
    build: Callable[[], Case], event: str, allowed: str
) -> None:
    case = build()
    with pytest.raises(InvalidTransition) as error:
        _step(case, event, LEGAL, 70, reason="r")
    assert str(error.value).endswith(f"allowed events: {allowed}")


# ---------------------------------------------------------------- currency


def test_an_agreement_pays_in_the_currency_claimed() -> None:
    dollars = Agreement(DisputeOutcome.GRANTED, amount=Money("1100.00", "USD"))
    with pytest.raises(TransitionRefused) as error:
        _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": dollars})
    assert _refusal(error) == ["dispute.currency_mismatch"]
    reason = _first(error)
    assert reason.message == (
        "the agreement pays in USD, but the customer claimed an amount in CNY; record the "
        "amount in CNY"
    )
    assert reason.details == {"amount": Money("1100.00", "USD"), "claimed": cny("8000.00")}
    with pytest.raises(TransitionRefused) as error:
        _step(_before(Forum.COURT), "settle", LEGAL, 20, payload={"agreement": dollars})
    assert _refusal(error) == ["dispute.currency_mismatch"]


def test_a_ruling_pays_in_the_currency_claimed() -> None:
    ruling = _ruling(Forum.COURT, amount=Money("1100.00", "USD"))
    with pytest.raises(TransitionRefused) as error:
        _step(_before(Forum.COURT), "record_ruling", LEGAL, 40, payload={"ruling": ruling})
    assert _refusal(error) == ["dispute.currency_mismatch"]
    assert _first(error).message.startswith("the ruling pays in USD")


def test_the_currency_is_checked_only_when_both_amounts_are_known() -> None:
    dollars = Agreement(DisputeOutcome.GRANTED, amount=Money("1100.00", "USD"))
    no_amount = DisputeClaim(DisputeSubject.SERVICE, channel=Channel.ONLINE)
    case = _step(_negotiating(claim=no_amount), "agree", CLERK, 3, payload={"agreement": dollars})
    assert case.state is S.RESOLVED
    # Opened without the helper: no claim recorded.
    started, _ = DISPUTE_WORKFLOW.start("D-5", actor=CLERK, at=AT)
    case = _step(
        _step(started, "respond", CLERK, 1), "agree", MANAGER, 3, payload={"agreement": dollars}
    )
    assert case.state is S.RESOLVED
    # The claim under its key is not a DisputeClaim: nothing to compare.
    started, _ = DISPUTE_WORKFLOW.start("D-6", actor=CLERK, at=AT, data={"claim": "8000 CNY"})
    case = _step(
        _step(started, "respond", CLERK, 1), "agree", MANAGER, 3, payload={"agreement": dollars}
    )
    assert case.state is S.RESOLVED
    granted = Agreement(DisputeOutcome.GRANTED)
    case = _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": granted})
    assert case.state is S.RESOLVED


# ---------------------------------------------------------------- clerk authority

LIMITED = dispute_workflow(clerk_limit=cny("10000.00"))


@pytest.mark.parametrize(
    ("actor", "amount", "codes"),
    [
        (CLERK, "10000.00", []),
        (CLERK, "10000.01", ["dispute.authority_exceeded"]),
        (MANAGER, "10000.01", []),
        (MANAGER, "99999999.99", []),
    ],
)
def test_a_clerk_agrees_up_to_the_limit(actor: Actor, amount: str, codes: list[str]) -> None:
    claim = DisputeClaim(DisputeSubject.CLAIM_SETTLEMENT, channel=Channel.PHONE)
    agreement = Agreement(DisputeOutcome.GRANTED, amount=cny(amount))
    case = _negotiating(LIMITED, claim)
    if codes:
        with pytest.raises(TransitionRefused) as error:
            _step(case, "agree", actor, 3, payload={"agreement": agreement})
        assert _refusal(error) == codes
        reason = _first(error)
        assert reason.rule == "authority"
        assert reason.message == (
            f"a clerk may agree to pay up to 10000.00 CNY, not {amount} CNY; a manager must "
            "agree it"
        )
        assert reason.details == {"amount": cny(amount), "limit": cny("10000.00")}
    else:
        assert _step(case, "agree", actor, 3, payload={"agreement": agreement}).state is S.RESOLVED


def test_a_clerk_agrees_only_in_the_currency_of_the_limit() -> None:
    claim = DisputeClaim(DisputeSubject.CLAIM_SETTLEMENT, channel=Channel.PHONE)
    agreement = Agreement(DisputeOutcome.GRANTED, amount=Money("5.00", "USD"))
    with pytest.raises(TransitionRefused) as error:
        _step(_negotiating(LIMITED, claim), "agree", CLERK, 3, payload={"agreement": agreement})
    assert _refusal(error) == ["dispute.authority_currency"]
    assert _first(error).message == (
        "a clerk may agree amounts in CNY only, not in USD; a manager must agree it"
    )
    case = _step(
        _negotiating(LIMITED, claim), "agree", MANAGER, 3, payload={"agreement": agreement}
    )
    assert case.state is S.RESOLVED


def test_a_clerk_agrees_without_a_payment_whatever_the_limit() -> None:
    agreement = Agreement(DisputeOutcome.GRANTED)
    case = _step(_negotiating(LIMITED), "agree", CLERK, 3, payload={"agreement": agreement})
    assert case.state is S.RESOLVED


def test_without_a_limit_a_clerk_agrees_any_amount() -> None:
    agreement = Agreement(DisputeOutcome.GRANTED, amount=cny("8000.00"))
    case = _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": agreement})
    assert case.state is S.RESOLVED


def test_the_limit_does_not_bind_a_settlement_in_proceedings() -> None:
    big = Agreement(DisputeOutcome.GRANTED, amount=cny("50000.00"))
    case = _step(_before(Forum.COURT, LIMITED), "settle", LEGAL, 20, payload={"agreement": big})
    assert case.state is S.RESOLVED


@given(
    limit=st.integers(min_value=1, max_value=10**8),
    amount=st.integers(min_value=1, max_value=10**8),
)
def test_a_clerk_is_refused_exactly_above_the_limit(limit: int, amount: int) -> None:
    flow = dispute_workflow(clerk_limit=Money(Decimal(limit).scaleb(-2), "CNY"))
    agreement = Agreement(DisputeOutcome.GRANTED, amount=Money(Decimal(amount).scaleb(-2), "CNY"))
    case = _negotiating(flow)
    if amount > limit:
        with pytest.raises(TransitionRefused) as error:
            _step(case, "agree", CLERK, 3, payload={"agreement": agreement})
        assert _refusal(error) == ["dispute.authority_exceeded"]
    else:
        assert _step(case, "agree", CLERK, 3, payload={"agreement": agreement}).state is (
            S.RESOLVED
        )


# ---------------------------------------------------------------- the factory


def test_the_factory_sets_the_deadlines() -> None:
    flow = dispute_workflow(
        response_days=3,
        negotiation_days=None,
        settlement_days=7,
        performance_days=20,
        working_days=True,
    )
    assert flow.deadlines == (
        Deadline(S.OPENED, 3, working_days=True),
        Deadline(S.RESOLVED, 7, working_days=True),
        Deadline(S.RULED, 20, working_days=True),
    )
    none = dispute_workflow(
        response_days=None, negotiation_days=None, settlement_days=None, performance_days=None
    )
    assert none.deadlines == ()
    assert none.overdue(_opened(none), D(2030, 1, 1)) is None


def test_each_factory_call_builds_a_new_workflow() -> None:
    assert dispute_workflow() is not dispute_workflow()
    with pytest.raises(InvalidField, match="follows workflow 'dispute', not 'dispute'"):
        dispute_workflow().fire(_opened(), "respond", actor=CLERK, at=AT)


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("response_days", 0, "0"),
        ("negotiation_days", 3661, "3661"),
        ("settlement_days", True, "True"),
        ("performance_days", "10", "str"),
        ("response_days", 1.5, "float"),
        ("settlement_days", -1, "-1"),
    ],
)
def test_the_factory_refuses_bad_days(name: str, value: object, shown: str) -> None:
    with pytest.raises(InvalidField) as error:
        dispute_workflow(**{name: value})  # type: ignore[arg-type]
    assert (error.value.owner, error.value.field) == ("dispute_workflow", name)
    assert error.value.reason == (
        f"must be an int from 1 to 3660, or None for no deadline, not {shown}"
    )


def test_the_factory_takes_the_extreme_days() -> None:
    flow = dispute_workflow(response_days=1, negotiation_days=3660)
    assert [deadline.days for deadline in flow.deadlines] == [1, 3660, 10]


@pytest.mark.parametrize(
    ("arguments", "error", "phrase"),
    [
        ({"calendar": "Asia/Shanghai"}, ArgumentTypeError, "dispute_workflow(calendar)"),
        ({"calendar": None}, ArgumentTypeError, "a WorkingCalendar"),
        ({"working_days": 1}, ArgumentTypeError, "dispute_workflow(working_days)"),
        ({"clerk_limit": "10000"}, ArgumentTypeError, "dispute_workflow(clerk_limit)"),
        ({"clerk_limit": cny("0")}, InvalidField, "must be greater than zero, not 0 CNY"),
        ({"clerk_limit": cny("-5.00")}, InvalidField, "must be greater than zero"),
        ({"clerk_limit": cny("0.005")}, InvalidField, "finer than the minor unit of CNY"),
    ],
)
def test_the_factory_refuses_bad_arguments(
    arguments: dict[str, object], error: type[Exception], phrase: str
) -> None:
    with pytest.raises(error) as raised:
        dispute_workflow(**arguments)  # type: ignore[arg-type]
    assert phrase in str(raised.value)
    if isinstance(raised.value, InvalidField):
        assert (raised.value.owner, raised.value.field) == ("dispute_workflow", "clerk_limit")


# ---------------------------------------------------------------- deadlines


def test_an_answer_is_due_within_15_days() -> None:
    case = _opened()  # Monday 3 March 2025, 09:00
    # 3 March + 15 days = 18 March: late from 19 March.
    assert DISPUTE_WORKFLOW.overdue(case, D(2025, 3, 18)) is None
    late = DISPUTE_WORKFLOW.overdue(case, D(2025, 3, 19))
    assert late is not None
    assert (
        late.case_id,
        late.state,
        late.entered_at,
        late.due_on,
        late.as_of,
        late.days_late,
    ) == (
        "D-1",
        S.OPENED,
        AT,
        D(2025, 3, 18),
        D(2025, 3, 19),
        1,
    )
    # 18 March 16:30 UTC is 19 March 00:30 in Shanghai.
    at_night = DISPUTE_WORKFLOW.overdue(case, pendulum.datetime(2025, 3, 18, 16, 30, tz="UTC"))
    assert isinstance(at_night, Lateness)
    assert at_night.days_late == 1
    assert DISPUTE_WORKFLOW.overdue(case, dt.date(2025, 3, 25)).days_late == 7  # type: ignore[union-attr]


def test_the_negotiation_and_the_settlement_have_their_deadlines() -> None:
    case = _negotiating()  # entered on 4 March: + 30 days = 3 April
    assert DISPUTE_WORKFLOW.overdue(case, D(2025, 4, 3)) is None
    assert DISPUTE_WORKFLOW.overdue(case, D(2025, 4, 4)).due_on == D(2025, 4, 3)  # type: ignore[union-attr]
    resolved = _step(case, "agree", CLERK, 9, payload={"agreement": PARTLY})  # 12 March
    assert DISPUTE_WORKFLOW.overdue(resolved, D(2025, 3, 22)) is None
    assert DISPUTE_WORKFLOW.overdue(resolved, D(2025, 3, 24)).days_late == 2  # type: ignore[union-attr]


def test_states_without_a_deadline_are_never_late() -> None:
    far = D(2030, 1, 1)
    assert DISPUTE_WORKFLOW.overdue(_failed(), far) is None
    assert DISPUTE_WORKFLOW.overdue(_before(Forum.COURT), far) is None
    ruled = _step(
        _before(Forum.COURT), "record_ruling", LEGAL, 40, payload={"ruling": _ruling(Forum.COURT)}
    )
    assert DISPUTE_WORKFLOW.overdue(ruled, far) is None
    tracked = dispute_workflow(performance_days=10)
    ruled = _step(
        _before(Forum.COURT, tracked),
        "record_ruling",
        LEGAL,
        40,
        payload={"ruling": _ruling(Forum.COURT)},
    )  # 12 April + 10 days = 22 April
    assert tracked.overdue(ruled, D(2025, 4, 22)) is None
    assert tracked.overdue(ruled, D(2025, 4, 23)).due_on == D(2025, 4, 22)  # type: ignore[union-attr]


def test_working_days_skip_the_weekend() -> None:
    flow = dispute_workflow(response_days=3, working_days=True)
    opened_at = pendulum.datetime(2025, 3, 6, 15, tz="Asia/Shanghai")  # Thursday
    case, _ = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=opened_at, workflow=flow)
    # Friday 7 (1), Monday 10 (2), Tuesday 11 (3).
    assert flow.overdue(case, D(2025, 3, 11)) is None
    assert flow.overdue(case, D(2025, 3, 12)).due_on == D(2025, 3, 11)  # type: ignore[union-attr]


# National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October worked.
GOLDEN_WEEK = WorkingCalendar(
    "Asia/Shanghai",
    holidays={D(2025, 10, day) for day in range(1, 9)},
    working_days={D(2025, 9, 28), D(2025, 10, 11)},
)


def test_working_days_skip_a_holiday_and_count_a_make_up_day() -> None:
    flow = dispute_workflow(calendar=GOLDEN_WEEK, response_days=5, working_days=True)
    opened_at = pendulum.datetime(2025, 9, 26, 10, tz="Asia/Shanghai")  # Friday
    case, _ = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=opened_at, workflow=flow)
    # Sunday 28 (1), Monday 29 (2), Tuesday 30 (3), 1-8 October off, Thursday 9 (4),
    # Friday 10 (5).
    assert flow.overdue(case, D(2025, 10, 10)) is None
    late = flow.overdue(case, D(2025, 10, 13))
    assert late is not None
    assert (late.due_on, late.days_late) == (D(2025, 10, 10), 3)
    # Without the holidays and make-up days: Monday 29 September to Friday 3 October.
    plain = dispute_workflow(response_days=5, working_days=True)
    case, _ = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=opened_at, workflow=plain)
    assert plain.overdue(case, D(2025, 10, 4)).due_on == D(2025, 10, 3)  # type: ignore[union-attr]


@given(
    hour=st.integers(min_value=0, max_value=23),
    start=st.integers(min_value=0, max_value=365),
    days=st.integers(min_value=1, max_value=60),
    later=st.integers(min_value=0, max_value=120),
)
def test_a_calendar_day_deadline_is_late_exactly_after_its_last_day(
    hour: int, start: int, days: int, later: int
) -> None:
    flow = dispute_workflow(response_days=days)
    opened_at = pendulum.datetime(2025, 1, 1, hour, tz="Asia/Shanghai").add(days=start)
    case, _ = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=opened_at, workflow=flow)
    first = dt.date(2025, 1, 1).toordinal() + start
    as_of = dt.date.fromordinal(first + later)
    late = flow.overdue(case, as_of)
    if later <= days:
        assert late is None
    else:
        assert late is not None
        assert late.due_on == dt.date.fromordinal(first + days)
        assert late.days_late == later - days


def _reference_due(start: dt.date, days: int, holidays: set[dt.date]) -> dt.date:
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


@given(
    start=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 12, 31)),
    days=st.integers(min_value=1, max_value=20),
    holidays=st.sets(
        st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 3, 31)), max_size=20
    ),
)
def test_a_working_day_deadline_skips_weekends_and_holidays(
    start: dt.date, days: int, holidays: set[dt.date]
) -> None:
    calendar = WorkingCalendar("Asia/Shanghai", holidays=holidays)
    flow = dispute_workflow(calendar=calendar, response_days=days, working_days=True)
    opened_at = pendulum.datetime(start.year, start.month, start.day, 12, tz="Asia/Shanghai")
    case, _ = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=opened_at, workflow=flow)
    due = _reference_due(start, days, holidays)
    assert flow.overdue(case, due) is None
    late = flow.overdue(case, due + dt.timedelta(days=1))
    assert late is not None
    assert late.due_on == due


# ---------------------------------------------------------------- privacy


def test_reprs_and_messages_show_no_case_data() -> None:
    case = _step(_negotiating(), "agree", CLERK, 3, payload={"agreement": PARTLY})
    assert repr(case) == "Case(case_id='D-1', state=DisputeState.RESOLVED)"
    with pytest.raises(TransitionRefused) as error:
        _step(case, "close", CLERK, 10)
    assert "8000" not in str(error.value)
    assert "5000" not in str(error.value)


# ---------------------------------------------------------------- the state machine


_CNY_AMOUNTS = st.integers(min_value=1, max_value=2_000_000).map(
    lambda cents: Money(Decimal(cents).scaleb(-2), "CNY")
)
# Mostly yuan, as claimed, or no payment; now and then dollars, which the currency
# guard refuses.
_AMOUNTS = st.one_of(
    st.none(), _CNY_AMOUNTS, _CNY_AMOUNTS, _CNY_AMOUNTS, st.just(Money("10.00", "USD"))
)
_AGREEMENTS = st.one_of(
    st.just(Agreement(DisputeOutcome.REJECTED)),
    st.builds(
        Agreement,
        st.sampled_from([DisputeOutcome.GRANTED, DisputeOutcome.PARTLY_GRANTED]),
        amount=_AMOUNTS,
    ),
)
# Mostly an escalation the guard accepts: arbitration with an agreement, court without.
_ESCALATIONS = st.one_of(
    st.just(Escalation(Forum.ARBITRATION, arbitration_agreement=True)),
    st.just(Escalation(Forum.COURT, arbitration_agreement=False)),
    st.just(Escalation(Forum.ARBITRATION, arbitration_agreement=True)),
    st.just(Escalation(Forum.COURT, arbitration_agreement=False)),
    st.just(Escalation(Forum.ARBITRATION, arbitration_agreement=False)),
    st.just(Escalation(Forum.COURT, arbitration_agreement=True)),
)
# The machine starts on 3 March 2025 and moves up to three days a step: a ruling of
# its first week is sometimes dated between the escalation and the recording, and
# accepted; most are refused, which the machine checks too.
_RULINGS = st.builds(
    lambda forum, outcome, days, amount: Ruling(
        forum, outcome, ruled_on=D(2025, 3, 3).add(days=days), amount=amount
    ),
    st.sampled_from(Forum),
    st.sampled_from([DisputeOutcome.GRANTED, DisputeOutcome.PARTLY_GRANTED]),
    st.integers(min_value=0, max_value=6),
    st.one_of(st.none(), _CNY_AMOUNTS),
)


def _mostly_valid(
    key: str, records: st.SearchStrategy[object]
) -> st.SearchStrategy[dict[str, object] | None]:
    valid = st.fixed_dictionaries({key: records})
    # Nine valid payloads in ten; else none, a wrong type or the wrong key.
    return st.one_of(
        *[valid] * 9,
        st.one_of(st.none(), st.just({key: "a text"}), st.just({"other": 1})),
    )


_PAYLOADS: dict[str, st.SearchStrategy[dict[str, object] | None]] = {
    "agree": _mostly_valid("agreement", _AGREEMENTS),
    "settle": _mostly_valid("agreement", _AGREEMENTS),
    "escalate": _mostly_valid("escalation", _ESCALATIONS),
    "record_ruling": _mostly_valid("ruling", _RULINGS),
}
_NO_PAYLOAD: st.SearchStrategy[dict[str, object] | None] = st.none()


def _payloads(event: str) -> st.SearchStrategy[dict[str, object] | None]:
    return _PAYLOADS.get(event, _NO_PAYLOAD)


# ---------------------------------------------------------------- every path

# The table of the module docstring, written out: for each state that is not final,
# the events that lead on, who may fire them, whether they need a reason, the record
# they carry and where they lead.
_STAFF = [CLERK, CLERK_2, MANAGER]
_WITHDRAW = ("withdraw", [CUSTOMER, CLERK, LEGAL], True, None, S.WITHDRAWN)
_PATHS: dict[S, list[tuple[str, list[Actor], bool, str | None, S]]] = {
    S.OPENED: [("respond", _STAFF, False, None, S.NEGOTIATING), _WITHDRAW],
    S.NEGOTIATING: [
        ("agree", _STAFF, False, "agreement", S.RESOLVED),
        ("fail_negotiation", _STAFF, True, None, S.NEGOTIATION_FAILED),
        _WITHDRAW,
    ],
    S.NEGOTIATION_FAILED: [
        ("escalate", [LEGAL, LEGAL_2], False, "arbitration", S.IN_ARBITRATION),
        ("escalate", [LEGAL, LEGAL_2], False, "court", S.IN_COURT),
        ("lapse", [MANAGER, LEGAL], True, None, S.CLOSED),
        _WITHDRAW,
    ],
    S.IN_ARBITRATION: [
        ("settle", [LEGAL, LEGAL_2], False, "agreement", S.RESOLVED),
        ("record_ruling", [LEGAL, LEGAL_2], False, "ruling", S.RULED),
        _WITHDRAW,
    ],
    S.IN_COURT: [
        ("settle", [LEGAL, LEGAL_2], False, "agreement", S.RESOLVED),
        ("record_ruling", [LEGAL, LEGAL_2], False, "ruling", S.RULED),
        _WITHDRAW,
    ],
    S.RESOLVED: [("close", _STAFF, False, None, S.CLOSED)],
    S.RULED: [("close", _STAFF, False, None, S.CLOSED)],
}
_LIMITED_AND_TRACKED = dispute_workflow(clerk_limit=cny("10000.00"), performance_days=10)


def _shanghai_day(at: pendulum.DateTime) -> dt.date:
    local = at.in_timezone("Asia/Shanghai")
    return dt.date(local.year, local.month, local.day)


@given(st.data())
def test_every_path_through_the_table_reaches_a_final_state(data: st.DataObject) -> None:
    flow = _LIMITED_AND_TRACKED
    now = AT
    case, events = open_dispute("D-1", CLAIM, actor=CUSTOMER, at=now, workflow=flow)
    produced = list(events)
    path: list[tuple[str, S]] = [("start", S.OPENED)]
    recorded: dict[str, object] = {"claim": CLAIM}
    paid_by: set[str] = set()
    while case.state not in {S.CLOSED, S.WITHDRAWN}:
        event, actors, needs_reason, record, target = data.draw(
            st.sampled_from(_PATHS[case.state])  # type: ignore[index]
        )
        if event == "close":  # four eyes: not who agreed or settled
            actors = [actor for actor in actors if actor.actor_id not in paid_by]
        actor = data.draw(st.sampled_from(actors))
        now = now.add(hours=data.draw(st.integers(min_value=0, max_value=240)))
        payload: dict[str, object] | None = None
        if record == "agreement":
            outcome = data.draw(st.sampled_from(DisputeOutcome))
            cents = data.draw(st.integers(min_value=1, max_value=1_000_000))
            amount = (
                None
                if outcome is DisputeOutcome.REJECTED
                else Money(Decimal(cents).scaleb(-2), "CNY")
            )
            payload = {"agreement": Agreement(outcome, amount=amount)}
            paid_by.add(actor.actor_id)
        elif record in {"arbitration", "court"}:
            forum = Forum(record)
            payload = {
                "escalation": Escalation(forum, arbitration_agreement=forum is Forum.ARBITRATION)
            }
        elif record == "ruling":
            escalated, today = _shanghai_day(case.entered_at), _shanghai_day(now)
            offset = data.draw(
                st.integers(min_value=0, max_value=today.toordinal() - escalated.toordinal())
            )
            forum = Forum.ARBITRATION if case.state is S.IN_ARBITRATION else Forum.COURT
            payload = {
                "ruling": Ruling(
                    forum,
                    DisputeOutcome.GRANTED,
                    ruled_on=escalated + dt.timedelta(days=offset),
                    amount=cny("100.00"),
                )
            }
        case, events = flow.fire(
            case,
            event,
            actor=actor,
            at=now,
            reason="a reason" if needs_reason else None,
            payload=payload,
        )
        assert case.state is target
        produced.extend(events)
        path.append((event, target))
        recorded.update(payload or {})
    assert [(entry.event, entry.target) for entry in case.history] == path
    assert dict(case.data) == recorded
    assert flow.replay(produced) == case
    assert case.allowed_events() == ()


# ---------------------------------------------------------------- the state machine

# The generic machine fires any event with any actor, so most cases end early in
# ``withdrawn``; one more rule moves a case forward (an event of the table other than
# ``withdraw`` and ``lapse``, by an actor whose role may fire it, with the payloads
# above), so that deep states and both final states are reached too.
_FORWARD: dict[S, list[tuple[str, list[Actor]]]] = {
    state: [(event, actors) for event, actors, *_ in paths if event not in {"withdraw", "lapse"}]
    for state, paths in _PATHS.items()
}


@precondition(lambda self: self.case is not None and not self.case.is_final)
@rule(data_=st.data(), hours=st.integers(min_value=0, max_value=72))
def _move_forward(self: Any, data_: st.DataObject, hours: int) -> None:
    event, actors = data_.draw(st.sampled_from(_FORWARD[self.case.state]))
    self.fire(data_, event, data_.draw(st.sampled_from(actors)), hours, "a reason given")


_GENERIC = workflow_machine(
    _LIMITED_AND_TRACKED,
    actors=[CUSTOMER, CLERK, CLERK_2, MANAGER, LEGAL, LEGAL_2, UNDERWRITER],
    payloads=_payloads,
    data={"claim": CLAIM},
)
DisputeMachine: type[RuleBasedStateMachine] = type(
    "DisputeMachine", (_GENERIC,), {"move_forward": _move_forward}
)
TestDisputeMachine = DisputeMachine.TestCase
