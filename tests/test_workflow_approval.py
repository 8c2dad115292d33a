"""Tests for renewal_core.workflows.approval.

Expected levels come from the authority table as the issue and the module state it
(automatic up to 5,000.00 CNY at low risk, an underwriter up to 50,000.00 at medium
risk, a senior underwriter up to 500,000.00 at any risk, the committee beyond), and
from a small reference router in this file that works on minor units and risk
ranks; deadlines are counted on the calendar by hand. The generic state machine
checks the engine's invariants, four eyes among them, on the real table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from builders import loose
from renewal_core.errors import (
    ArgumentTypeError,
    CurrencyMismatch,
    InvalidField,
    InvalidTransition,
    TransitionRefused,
)
from renewal_core.money import Money
from renewal_core.reasons import Reason
from renewal_core.risk import RiskLevel
from renewal_core.workflows.approval import (
    APPROVAL_WORKFLOW,
    DEFAULT_AUTHORITY,
    ApprovalAuthority,
    ApprovalRequest,
    ApprovalState,
    AuthorityLevel,
    approval_workflow,
)
from renewal_core.workflows.engine import Actor, Case, Role, Workflow, WorkingCalendar
from workflow_machine import workflow_machine

D = pendulum.date
S = ApprovalState
FLOW = APPROVAL_WORKFLOW
ZONE = "Asia/Shanghai"
T0 = pendulum.datetime(2025, 3, 3, 9, tz=ZONE)  # a Monday
LOW, MEDIUM, HIGH = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def request(amount: str, risk: RiskLevel = LOW, currency: str = "CNY") -> ApprovalRequest:
    return ApprovalRequest(Money(amount, currency), risk)


CLERK = Actor("u-1", Role.CLERK)
CLERK_2 = Actor("u-2", Role.CLERK)
UNDERWRITER = Actor("u-3", Role.UNDERWRITER)
UNDERWRITER_2 = Actor("u-6", Role.UNDERWRITER)
SENIOR = Actor("u-4", Role.SENIOR_UNDERWRITER)
COMMITTEE = Actor("u-5", Role.COMMITTEE)
SYSTEM = Actor("sys-1", Role.SYSTEM)
CUSTOMER = Actor("c-1001", Role.CUSTOMER)
REVIEWERS = {
    S.UNDERWRITER_REVIEW: UNDERWRITER,
    S.SENIOR_UNDERWRITER_REVIEW: SENIOR,
    S.COMMITTEE_REVIEW: COMMITTEE,
}

AUTO_REQUEST = request("3560.00", LOW)
UNDERWRITER_REQUEST = request("20000.00", MEDIUM)
SENIOR_REQUEST = request("86000.00", MEDIUM)
COMMITTEE_REQUEST = request("600000.00", LOW)
REQUESTS = {
    S.APPROVED: AUTO_REQUEST,
    S.UNDERWRITER_REVIEW: UNDERWRITER_REQUEST,
    S.SENIOR_UNDERWRITER_REVIEW: SENIOR_REQUEST,
    S.COMMITTEE_REVIEW: COMMITTEE_REQUEST,
}


def start(flow: Workflow = FLOW, at: pendulum.DateTime = T0) -> Case:
    case, _ = flow.start("APR-1", actor=CLERK, at=at)
    return case


def fire(
    case: Case,
    event: str,
    actor: Actor,
    payload: Mapping[str, object] | None = None,
    *,
    reason: str | None = None,
    at: pendulum.DateTime | None = None,
) -> Case:
    moment = case.entered_at.add(minutes=1) if at is None else at
    after, _ = case.workflow.fire(
        case, event, actor=actor, at=moment, reason=reason, payload=payload
    )
    return after


def submitted(
    req: ApprovalRequest, *, by: Actor = CLERK, at: pendulum.DateTime = T0, flow: Workflow = FLOW
) -> Case:
    return fire(start(flow, at), "submit", by, {"request": req}, at=at)


def refusal(
    case: Case,
    event: str,
    actor: Actor,
    payload: Mapping[str, object] | None = None,
    *,
    reason: str | None = None,
) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as raised:
        fire(case, event, actor, payload, reason=reason)
    return raised.value


def codes(error: TransitionRefused) -> list[str]:
    found = [reason.code for reason in error.reasons if isinstance(reason, Reason)]
    assert len(found) == len(error.reasons)
    return found


# --------------------------------------------------------------------------- reference

RANK = {LOW: 0, MEDIUM: 1, HIGH: 2}
# (name, limit in fen or None, highest risk rank, automatic): the default authority.
REFERENCE = [
    ("auto", 500_000, 0, True),
    ("underwriter", 5_000_000, 1, False),
    ("senior_underwriter", 50_000_000, 2, False),
    ("committee", None, 2, False),
]


def reference_level(
    levels: Sequence[tuple[str, int | None, int, bool]],
    cents: int,
    risk: RiskLevel,
    *,
    automatic: bool = True,
) -> str:
    for name, limit, top, is_auto in levels:
        if is_auto and not automatic:
            continue
        if RANK[risk] <= top and (limit is None or cents <= limit):
            return name
    raise AssertionError("the last level takes every request")


# --------------------------------------------------------------------------- values


def test_a_request_holds_its_fields() -> None:
    assert request("3560.00").amount == cny("3560.00")
    assert repr(AUTO_REQUEST) == (
        "ApprovalRequest(amount=Money('3560.00', 'CNY'), risk_level=RiskLevel.LOW)"
    )


@pytest.mark.parametrize(
    ("amount", "risk", "fragment"),
    [
        (cny("-0.01"), LOW, r"amount: must not be negative, not -0.01 CNY"),
        (Money("0.001", "CNY"), LOW, r"amount: 0.001 CNY is finer than the minor unit of CNY"),
        (Decimal("100"), LOW, r"amount: must be a Money, not Decimal"),
        (cny("1.00"), "low", r"risk_level: must be a RiskLevel member .*RiskLevel\('low'\)"),
    ],
)
def test_a_request_refuses_bad_fields(amount: object, risk: object, fragment: str) -> None:
    with pytest.raises(InvalidField, match=rf"^ApprovalRequest\.{fragment}"):
        ApprovalRequest(loose(amount), loose(risk))


def level(name: str = "desk", **changes: Any) -> AuthorityLevel:
    fields: dict[str, Any] = {
        "role": Role.UNDERWRITER,
        "max_amount": cny("20000.00"),
        "max_risk": MEDIUM,
    }
    fields.update(changes)
    return AuthorityLevel(name, **fields)


@pytest.mark.parametrize(
    ("name", "changes", "fragment"),
    [
        ("Senior", {}, r"name: must be lower-case words joined by '_'.* not 'Senior'"),
        ("senior-underwriter", {}, r"name: must be lower-case words"),
        ("", {}, r"name: must be lower-case words"),
        ("a" * 41, {}, r"name: must be lower-case words joined by '_', at most 40"),
        (7, {}, r"name: must be a str, not int"),
        ("desk", {"role": "underwriter"}, r"role: must be a Role .*not str"),
        ("desk", {"max_amount": cny("-1.00")}, r"max_amount: must not be negative"),
        ("desk", {"max_amount": 20000}, r"max_amount: must be a Money, not int"),
        ("desk", {"max_risk": 2}, r"max_risk: must be a RiskLevel member"),
        ("desk", {"automatic": 1}, r"automatic: must be True or False, not int"),
        ("desk", {"review_days": 0}, r"review_days: must be an int from 1 to 3660 or None"),
        ("desk", {"review_days": 3661}, r"review_days: must be an int from 1 to 3660"),
        ("desk", {"review_days": True}, r"review_days: must be an int from 1 to 3660"),
        (
            "desk",
            {"automatic": True, "review_days": 2},
            r"review_days: an automatic level has no review, so no review days",
        ),
    ],
)
def test_a_level_refuses_bad_fields(name: object, changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidField, match=rf"^AuthorityLevel\.{fragment}"):
        level(loose(name), **changes)


def test_a_level_covers_its_risk_and_amount() -> None:
    desk = level()  # up to 20,000.00 at medium risk
    assert desk.covers(request("20000.00", MEDIUM))
    assert desk.covers(request("0.00", LOW))
    assert not desk.covers(request("20000.01", LOW))
    assert not desk.covers(request("1.00", HIGH))
    assert level(max_amount=None).covers(request("99999999.99", MEDIUM))
    with pytest.raises(ArgumentTypeError, match=r"AuthorityLevel.covers\(request\)"):
        desk.covers(loose(cny("1.00")))
    with pytest.raises(CurrencyMismatch):
        desk.covers(request("1.00", LOW, "USD"))


def test_a_level_takes_the_host_roles() -> None:
    class HostRole(enum.Enum):
        BRANCH_MANAGER = "branch_manager"

    assert level(role=HostRole.BRANCH_MANAGER).role is HostRole.BRANCH_MANAGER


# --------------------------------------------------------------------------- authority


def top(name: str = "board", **changes: Any) -> AuthorityLevel:
    fields: dict[str, Any] = {"role": Role.COMMITTEE, "max_amount": None, "max_risk": HIGH}
    fields.update(changes)
    return AuthorityLevel(name, **fields)


def test_the_default_authority_is_the_documented_one() -> None:
    found = [
        (lvl.name, lvl.role, lvl.max_amount, lvl.max_risk, lvl.automatic, lvl.review_days)
        for lvl in DEFAULT_AUTHORITY.levels
    ]
    assert found == [
        ("auto", Role.SYSTEM, cny("5000.00"), LOW, True, None),
        ("underwriter", Role.UNDERWRITER, cny("50000.00"), MEDIUM, False, 2),
        ("senior_underwriter", Role.SENIOR_UNDERWRITER, cny("500000.00"), HIGH, False, 3),
        ("committee", Role.COMMITTEE, None, HIGH, False, 5),
    ]
    assert DEFAULT_AUTHORITY.currency == "CNY"


@pytest.mark.parametrize(
    ("levels", "fragment"),
    [
        ([], r"levels: must hold at least one AuthorityLevel"),
        ("board", r"levels: must be a list or a tuple, not str"),
        ([top(), "x"], r"levels\[1\]: must be a AuthorityLevel, not str"),
        ([level("board"), top()], r"levels\[1\]: repeats the name 'board'"),
        (
            [level(), level("auto", automatic=True), top()],
            r"levels\[1\]: 'auto' is automatic, but only the first level may be",
        ),
        ([level()], r"levels\[0\]: the last level, 'desk', must be a person's, with no amount"),
        ([top(automatic=True)], r"levels\[0\]: the last level, 'board', must be a person's"),
        ([level(), top(max_risk=MEDIUM)], r"levels\[1\]: the last level, 'board'"),
        (
            [level(max_risk=HIGH), level("team", max_risk=MEDIUM), top()],
            r"levels\[1\]: 'team' must have at least the authority of 'desk'",
        ),
        (
            [level(), level("team", max_amount=cny("19999.99")), top()],
            r"levels\[1\]: 'team' must have at least the authority of 'desk'",
        ),
        (
            [level(max_amount=None), level("team", max_amount=cny("1.00")), top()],
            r"levels\[1\]: 'team' must have at least the authority of 'desk'",
        ),
    ],
)
def test_an_authority_refuses_levels_that_cannot_work(levels: object, fragment: str) -> None:
    with pytest.raises(InvalidField, match=rf"^ApprovalAuthority\.{fragment}"):
        ApprovalAuthority(loose(levels))


def test_an_authority_keeps_one_currency() -> None:
    with pytest.raises(
        CurrencyMismatch,
        match=r"cannot build a ApprovalAuthority whose 'desk' limit and 'team' limit are CNY "
        r"and USD amounts",
    ):
        ApprovalAuthority([level(), level("team", max_amount=Money("5000", "USD")), top()])
    # A limit of zero counts as well.
    with pytest.raises(CurrencyMismatch):
        ApprovalAuthority([level(max_amount=Money("0", "USD")), level("team"), top()])


def test_equal_neighbouring_levels_and_no_limits_at_all_are_accepted() -> None:
    same = ApprovalAuthority([level(), level("team"), top()])
    assert [lvl.name for lvl in same.levels] == ["desk", "team", "board"]
    assert ApprovalAuthority([level(max_amount=None), top()]).currency is None


@pytest.mark.parametrize(
    ("amount", "risk", "name"),
    [
        ("5000.00", LOW, "auto"),
        ("5000.01", LOW, "underwriter"),
        ("0.00", MEDIUM, "underwriter"),
        ("50000.00", MEDIUM, "underwriter"),
        ("50000.01", MEDIUM, "senior_underwriter"),
        ("0.00", HIGH, "senior_underwriter"),
        ("500000.00", HIGH, "senior_underwriter"),
        ("500000.01", LOW, "committee"),
    ],
)
def test_level_for_picks_the_first_level_that_covers(
    amount: str, risk: RiskLevel, name: str
) -> None:
    assert DEFAULT_AUTHORITY.level_for(request(amount, risk)).name == name


# --------------------------------------------------------------------------- factory


def test_the_default_workflow() -> None:
    assert FLOW.name == "renewal_approval"
    assert FLOW.states is ApprovalState
    assert FLOW.initial is S.DRAFT
    assert FLOW.final == {S.APPROVED, S.REJECTED}
    assert FLOW.calendar == WorkingCalendar(ZONE)
    assert [(d.state, d.days, d.working_days) for d in FLOW.deadlines] == [
        (S.UNDERWRITER_REVIEW, 2, True),
        (S.SENIOR_UNDERWRITER_REVIEW, 3, True),
        (S.COMMITTEE_REVIEW, 5, True),
    ]
    assert all(state.value == state.name.lower() for state in ApprovalState)


PREPARERS = {Role.CLERK, Role.UNDERWRITER, Role.SYSTEM}
# (state, event) -> (targets, roles): the table as the issue and the module state it.
TABLE: dict[tuple[enum.Enum, str], tuple[set[enum.Enum], set[Role]]] = {
    (S.DRAFT, "submit"): (
        {S.APPROVED, S.UNDERWRITER_REVIEW, S.SENIOR_UNDERWRITER_REVIEW, S.COMMITTEE_REVIEW},
        PREPARERS,
    ),
    (S.UNDERWRITER_REVIEW, "approve"): ({S.APPROVED}, {Role.UNDERWRITER}),
    (S.UNDERWRITER_REVIEW, "escalate"): ({S.SENIOR_UNDERWRITER_REVIEW}, {Role.UNDERWRITER}),
    (S.UNDERWRITER_REVIEW, "refer_back"): ({S.NEEDS_INFORMATION}, {Role.UNDERWRITER}),
    (S.UNDERWRITER_REVIEW, "reject"): ({S.REJECTED}, {Role.UNDERWRITER}),
    (S.SENIOR_UNDERWRITER_REVIEW, "approve"): ({S.APPROVED}, {Role.SENIOR_UNDERWRITER}),
    (S.SENIOR_UNDERWRITER_REVIEW, "escalate"): (
        {S.COMMITTEE_REVIEW},
        {Role.SENIOR_UNDERWRITER},
    ),
    (S.SENIOR_UNDERWRITER_REVIEW, "refer_back"): (
        {S.NEEDS_INFORMATION},
        {Role.SENIOR_UNDERWRITER},
    ),
    (S.SENIOR_UNDERWRITER_REVIEW, "reject"): ({S.REJECTED}, {Role.SENIOR_UNDERWRITER}),
    (S.COMMITTEE_REVIEW, "approve"): ({S.APPROVED}, {Role.COMMITTEE}),
    (S.COMMITTEE_REVIEW, "refer_back"): ({S.NEEDS_INFORMATION}, {Role.COMMITTEE}),
    (S.COMMITTEE_REVIEW, "reject"): ({S.REJECTED}, {Role.COMMITTEE}),
    (S.NEEDS_INFORMATION, "resubmit"): (
        {S.UNDERWRITER_REVIEW, S.SENIOR_UNDERWRITER_REVIEW, S.COMMITTEE_REVIEW},
        PREPARERS,
    ),
}


def test_the_table_is_the_one_the_issue_describes() -> None:
    found = {
        (source, t.event): (set(t.targets), set(t.roles))
        for t in FLOW.transitions
        for source in t.sources
    }
    assert found == TABLE
    for transition in FLOW.transitions:
        assert transition.four_eyes == (
            ("submit", "resubmit") if transition.event in {"approve", "reject"} else ()
        )
        assert transition.reason_required is (
            transition.event in {"escalate", "refer_back", "reject"}
        )
    assert FLOW.allowed_events(S.UNDERWRITER_REVIEW) == (
        "approve",
        "escalate",
        "refer_back",
        "reject",
    )
    assert FLOW.allowed_events(S.COMMITTEE_REVIEW) == ("approve", "refer_back", "reject")


def test_the_factory_refuses_wrong_arguments() -> None:
    with pytest.raises(ArgumentTypeError, match=r"approval_workflow\(authority\)"):
        approval_workflow(loose([level(), top()]))
    with pytest.raises(ArgumentTypeError, match=r"approval_workflow\(calendar\)"):
        approval_workflow(calendar=loose(ZONE))
    for preparers in ([], "clerk", [Role.CLERK, "clerk"], 3):
        with pytest.raises(InvalidField, match=r"^approval_workflow\.preparers: must be a non"):
            approval_workflow(preparers=loose(preparers))


def test_other_limits_with_the_default_names_keep_the_states() -> None:
    authority = ApprovalAuthority(
        [
            AuthorityLevel("underwriter", Role.UNDERWRITER, cny("10000"), MEDIUM),
            AuthorityLevel("senior_underwriter", Role.SENIOR_UNDERWRITER, cny("90000"), HIGH),
            AuthorityLevel("committee", Role.COMMITTEE, None, HIGH),
        ]
    )
    flow = approval_workflow(authority, preparers=[Role.AGENT])
    assert flow.states is ApprovalState
    assert flow.deadlines == ()
    # No automatic level: a small low-risk request goes to the underwriter.
    case = submitted(request("1.00", LOW), by=Actor("a-1", Role.AGENT), flow=flow)
    assert case.state is S.UNDERWRITER_REVIEW


def test_other_level_names_make_states_of_the_same_shape() -> None:
    authority = ApprovalAuthority(
        [
            AuthorityLevel("desk", Role.UNDERWRITER, cny("20000"), MEDIUM, review_days=1),
            AuthorityLevel("board", Role.COMMITTEE, None, HIGH),
        ]
    )
    flow = approval_workflow(authority)
    states = flow.states
    assert states is not ApprovalState
    assert [(state.name, state.value) for state in states] == [
        ("DRAFT", "draft"),
        ("DESK_REVIEW", "desk_review"),
        ("BOARD_REVIEW", "board_review"),
        ("NEEDS_INFORMATION", "needs_information"),
        ("APPROVED", "approved"),
        ("REJECTED", "rejected"),
    ]
    assert repr(states("desk_review")) == "ApprovalState.DESK_REVIEW"
    case = submitted(request("20000.01", LOW), flow=flow)
    assert case.state is states("board_review")
    case = fire(case, "approve", COMMITTEE)
    assert case.state is states("approved")


def test_one_person_level_needs_no_route() -> None:
    flow = approval_workflow(ApprovalAuthority([top()]))
    assert [(t.event, t.targets) for t in flow.transitions if t.event.endswith("submit")] == [
        ("submit", (flow.states("board_review"),)),
        ("resubmit", (flow.states("board_review"),)),
    ]
    # Without amount limits, the authority takes a request in any currency.
    case = submitted(request("1.00", LOW, "USD"), flow=flow)
    assert case.state is flow.states("board_review")


def test_an_automatic_level_and_one_person_level() -> None:
    flow = approval_workflow(ApprovalAuthority([level("auto", automatic=True), top()]))
    assert submitted(request("1.00", LOW), flow=flow).state is flow.states("approved")
    board = submitted(request("20000.01", LOW), flow=flow)
    assert board.state is flow.states("board_review")
    back = fire(board, "refer_back", COMMITTEE, reason="need the claims file")
    again = fire(back, "resubmit", CLERK_2, {"request": request("1.00", LOW)})
    assert again.state is flow.states("board_review")  # never automatic after a referral


# --------------------------------------------------------------------------- steps


@pytest.mark.parametrize("target", list(REQUESTS))
def test_submit_routes_to_the_first_level_that_covers(target: ApprovalState) -> None:
    case = submitted(REQUESTS[target])
    assert case.state is target
    assert case.data["request"] == REQUESTS[target]
    assert case.history[-1].event == "submit"


def test_an_auto_approved_renewal() -> None:
    case = submitted(AUTO_REQUEST)
    assert case.state is S.APPROVED and case.is_final
    assert [(e.event, e.source, e.target, e.actor_id) for e in case.history] == [
        ("start", None, S.DRAFT, "u-1"),
        ("submit", S.DRAFT, S.APPROVED, "u-1"),
    ]


def test_submit_refuses_other_roles_and_currencies() -> None:
    error = refusal(start(), "submit", CUSTOMER, {"request": AUTO_REQUEST})
    assert codes(error) == ["role.not_allowed"]
    error = refusal(start(), "submit", CLERK, {"request": request("100.00", LOW, "USD")})
    assert codes(error) == ["approval.currency"]
    assert (
        "the request's amount is in USD, but the authority's limits are in CNY; convert the "
        "amount, or use an authority in USD"
    ) in str(error)


def test_submit_needs_a_request() -> None:
    with pytest.raises(InvalidField, match=r"event 'submit' needs 'request'"):
        fire(start(), "submit", CLERK)
    with pytest.raises(InvalidField, match=r"'request' of event 'submit' must be a "):
        fire(start(), "submit", CLERK, {"request": cny("3560.00")})


@pytest.mark.parametrize("state", list(REVIEWERS))
def test_each_level_approves_with_its_role(state: ApprovalState) -> None:
    case = submitted(REQUESTS[state])
    approved = fire(case, "approve", REVIEWERS[state], reason="within appetite")
    assert approved.state is S.APPROVED
    assert approved.history[-1].role is REVIEWERS[state].role
    others = [actor for actor in (UNDERWRITER, SENIOR, COMMITTEE) if actor is not REVIEWERS[state]]
    for other in others:
        error = refusal(case, "approve", other)
        assert codes(error) == ["role.not_allowed"]
        assert f"not {other.role.value}" in str(error)


def test_a_senior_underwriter_approval() -> None:
    case = submitted(SENIOR_REQUEST)  # 86,000.00 at medium risk: above the underwriter's
    assert case.state is S.SENIOR_UNDERWRITER_REVIEW
    case = fire(case, "approve", SENIOR)
    assert [(e.event, e.target, e.actor_id) for e in case.history[1:]] == [
        ("submit", S.SENIOR_UNDERWRITER_REVIEW, "u-1"),
        ("approve", S.APPROVED, "u-4"),
    ]


@pytest.mark.parametrize("event", ["approve", "reject"])
def test_who_prepared_a_case_cannot_approve_or_reject_it(event: str) -> None:
    case = submitted(UNDERWRITER_REQUEST, by=UNDERWRITER)
    error = refusal(case, event, UNDERWRITER, reason="fine")
    assert codes(error) == ["four_eyes.same_actor"]
    assert f"'u-3' fired 'submit' on this case, so cannot fire {event!r}" in str(error)
    assert fire(case, event, UNDERWRITER_2, reason="fine").is_final


def test_four_eyes_hold_across_a_resubmission() -> None:
    case = submitted(UNDERWRITER_REQUEST, by=UNDERWRITER)
    case = fire(case, "refer_back", UNDERWRITER_2, reason="need the claims file")
    case = fire(case, "resubmit", Actor("u-6", Role.CLERK), {"request": UNDERWRITER_REQUEST})
    assert case.state is S.UNDERWRITER_REVIEW
    # The first preparer, and the one who resubmitted (in another role), are both out.
    assert codes(refusal(case, "approve", UNDERWRITER)) == ["four_eyes.same_actor"]
    assert codes(refusal(case, "approve", UNDERWRITER_2)) == ["four_eyes.same_actor"]
    assert fire(case, "approve", Actor("u-7", Role.UNDERWRITER)).state is S.APPROVED


def test_escalation_goes_one_level_up_with_a_reason() -> None:
    case = submitted(UNDERWRITER_REQUEST)
    with pytest.raises(InvalidField, match=r"event 'escalate' needs a reason"):
        fire(case, "escalate", UNDERWRITER)
    case = fire(case, "escalate", UNDERWRITER, reason="unusual claims pattern")
    assert case.state is S.SENIOR_UNDERWRITER_REVIEW
    assert case.history[-1].reason == "unusual claims pattern"
    case = fire(case, "escalate", SENIOR, reason="portfolio concentration")
    assert case.state is S.COMMITTEE_REVIEW
    with pytest.raises(InvalidTransition, match=r"'committee_review', where event 'escalate'"):
        fire(case, "escalate", COMMITTEE, reason="higher")
    assert codes(refusal(submitted(SENIOR_REQUEST), "escalate", UNDERWRITER, reason="x")) == [
        "role.not_allowed"
    ]


def test_refer_back_and_resubmit_route_afresh() -> None:
    case = submitted(SENIOR_REQUEST)
    with pytest.raises(InvalidField, match=r"event 'refer_back' needs a reason"):
        fire(case, "refer_back", SENIOR)
    case = fire(case, "refer_back", SENIOR, reason="need the vehicle inspection")
    assert case.state is S.NEEDS_INFORMATION
    assert case.allowed_events() == ("resubmit",)
    # The inspection lowered the amount: the underwriter now has the authority. A
    # request the automatic level would take still goes to a person.
    for new, target in (
        (UNDERWRITER_REQUEST, S.UNDERWRITER_REVIEW),
        (AUTO_REQUEST, S.UNDERWRITER_REVIEW),
        (COMMITTEE_REQUEST, S.COMMITTEE_REVIEW),
    ):
        again = fire(case, "resubmit", CLERK, {"request": new})
        assert again.state is target
        assert again.data["request"] == new
    error = refusal(case, "resubmit", CLERK, {"request": request("1.00", LOW, "USD")})
    assert codes(error) == ["approval.currency"]
    assert codes(refusal(case, "resubmit", SENIOR, {"request": SENIOR_REQUEST})) == [
        "role.not_allowed"
    ]


@pytest.mark.parametrize("state", list(REVIEWERS))
def test_reject_needs_a_reason(state: ApprovalState) -> None:
    case = submitted(REQUESTS[state])
    with pytest.raises(InvalidField, match=r"event 'reject' needs a reason"):
        fire(case, "reject", REVIEWERS[state])
    rejected = fire(case, "reject", REVIEWERS[state], reason="loss ratio above 120%")
    assert rejected.state is S.REJECTED and rejected.is_final
    assert rejected.history[-1].reason == "loss ratio above 120%"


@pytest.mark.parametrize("state", [S.APPROVED, S.REJECTED])
def test_final_states_take_no_event(state: ApprovalState) -> None:
    case = submitted(AUTO_REQUEST)
    if state is S.REJECTED:
        case = fire(submitted(COMMITTEE_REQUEST), "reject", COMMITTEE, reason="no")
    with pytest.raises(InvalidTransition, match=r"allowed events: none \(a final state\)"):
        fire(case, "approve", COMMITTEE)


# --------------------------------------------------------------------------- deadlines


def test_the_underwriter_has_two_working_days() -> None:
    # Submitted Thursday 2025-03-06: Fri 7 and Mon 10, so late from Tuesday 11.
    case = submitted(UNDERWRITER_REQUEST, at=pendulum.datetime(2025, 3, 6, 17, tz=ZONE))
    assert FLOW.overdue(case, D(2025, 3, 10)) is None
    late = FLOW.overdue(case, D(2025, 3, 11))
    assert late is not None
    assert (late.state, late.due_on, late.days_late) == (S.UNDERWRITER_REVIEW, D(2025, 3, 10), 1)


def test_an_escalation_restarts_the_clock() -> None:
    # Escalated on Friday 2025-03-07 at 18:00: Mon 10, Tue 11, Wed 12 for the senior.
    case = submitted(UNDERWRITER_REQUEST, at=pendulum.datetime(2025, 3, 6, 9, tz=ZONE))
    case = fire(
        case, "escalate", UNDERWRITER, reason="x", at=pendulum.datetime(2025, 3, 7, 18, tz=ZONE)
    )
    assert FLOW.overdue(case, D(2025, 3, 12)) is None
    late = FLOW.overdue(case, D(2025, 3, 14))
    assert late is not None and (late.due_on, late.days_late) == (D(2025, 3, 12), 2)


def test_the_committee_has_five_working_days_and_needs_information_none() -> None:
    # Monday 2025-03-03: Tue 4 to Mon 10 are five working days.
    case = submitted(COMMITTEE_REQUEST)
    assert FLOW.overdue(case, D(2025, 3, 10)) is None
    assert FLOW.overdue(case, D(2025, 3, 11)) is not None
    back = fire(case, "refer_back", COMMITTEE, reason="more")
    assert FLOW.overdue(back, D(2026, 3, 3)) is None


def test_review_days_count_holidays_and_make_up_days() -> None:
    # 2025: Friday 4 April is a holiday (Qingming), so an underwriter case submitted on
    # Thursday 3 April is due on Tuesday 8 (Mon 7, Tue 8). Sunday 27 April is a make-up
    # working day: a case submitted on Friday 25 April is due on Monday 28 (Sun 27,
    # Mon 28), not Tuesday 29.
    calendar = WorkingCalendar(ZONE, holidays={D(2025, 4, 4)}, working_days={D(2025, 4, 27)})
    flow = approval_workflow(calendar=calendar)
    for submitted_on, due in ((D(2025, 4, 3), D(2025, 4, 8)), (D(2025, 4, 25), D(2025, 4, 28))):
        when = pendulum.datetime(
            submitted_on.year, submitted_on.month, submitted_on.day, 10, tz=ZONE
        )
        case = submitted(UNDERWRITER_REQUEST, at=when, flow=flow)
        assert flow.overdue(case, due) is None
        late = flow.overdue(case, due.add(days=1))
        assert late is not None and late.due_on == due
    plain = submitted(UNDERWRITER_REQUEST, at=pendulum.datetime(2025, 4, 25, 10, tz=ZONE))
    assert FLOW.overdue(plain, D(2025, 4, 29)) is None  # Mon 28, Tue 29 without make-up


# --------------------------------------------------------------------------- properties

cents = st.integers(min_value=0, max_value=100_000_000)
risks = st.sampled_from(list(RiskLevel))


def as_money(amount: int) -> Money:
    return Money(Decimal(amount).scaleb(-2), "CNY")


def state_of(flow: Workflow, name: str) -> enum.Enum:
    return flow.states("approved" if name == "auto" else f"{name}_review")


@given(cents, risks)
def test_submit_routes_as_the_reference_does(amount: int, risk: RiskLevel) -> None:
    case = submitted(ApprovalRequest(as_money(amount), risk))
    assert case.state is state_of(FLOW, reference_level(REFERENCE, amount, risk))


REFERRED_BACK = fire(submitted(SENIOR_REQUEST), "refer_back", SENIOR, reason="more")


@given(cents, risks)
def test_resubmit_routes_as_the_reference_does_without_the_automatic_level(
    amount: int, risk: RiskLevel
) -> None:
    case = fire(
        REFERRED_BACK, "resubmit", CLERK_2, {"request": ApprovalRequest(as_money(amount), risk)}
    )
    expected = reference_level(REFERENCE, amount, risk, automatic=False)
    assert case.state is state_of(FLOW, expected)


@st.composite
def authorities(draw: st.DrawFn) -> list[tuple[str, int | None, int, bool]]:
    """Random authorities as reference tuples: rising limits and ranks, an unlimited top."""
    count = draw(st.integers(min_value=1, max_value=4))
    limits = sorted(draw(st.lists(cents, min_size=count - 1, max_size=count - 1)))
    ranks = sorted(draw(st.lists(st.integers(0, 2), min_size=count - 1, max_size=count - 1)))
    automatic = count > 1 and draw(st.booleans())
    levels: list[tuple[str, int | None, int, bool]] = [
        (f"level_{index}", limit, rank, automatic and index == 0)
        for index, (limit, rank) in enumerate(zip(limits, ranks, strict=True))
    ]
    return [*levels, ("top", None, 2, False)]


@given(authorities(), cents, risks)
def test_any_authority_routes_as_the_reference_does(
    reference: list[tuple[str, int | None, int, bool]], amount: int, risk: RiskLevel
) -> None:
    by_rank = {0: LOW, 1: MEDIUM, 2: HIGH}
    authority = ApprovalAuthority(
        [
            AuthorityLevel(
                name,
                Role.UNDERWRITER,
                None if limit is None else as_money(limit),
                by_rank[rank],
                automatic=is_auto,
            )
            for name, limit, rank, is_auto in reference
        ]
    )
    flow = approval_workflow(authority)
    case = submitted(ApprovalRequest(as_money(amount), risk), flow=flow)
    name = reference_level(reference, amount, risk)
    is_auto = next(level[3] for level in reference if level[0] == name)
    assert case.state.value == ("approved" if is_auto else f"{name}_review")


# --------------------------------------------------------------------------- machine

ACTORS = [CLERK, CLERK_2, UNDERWRITER, UNDERWRITER_2, SENIOR, COMMITTEE, SYSTEM, CUSTOMER]


def approval_payloads(event: str) -> st.SearchStrategy[Mapping[str, object] | None]:
    if event in {"submit", "resubmit"}:
        valid = st.sampled_from(list(REQUESTS.values())).map(lambda req: {"request": req})
        invalid = st.sampled_from(
            [None, {"request": "86000"}, {"request": request("100.00", LOW, "USD")}]
        )
        return st.one_of(valid, valid, valid, invalid)
    return st.sampled_from([None, None, None, {"note": "see the file"}])


def guided(
    machine: type[RuleBasedStateMachine], workflow: Workflow, actors: Sequence[Actor]
) -> type[RuleBasedStateMachine]:
    """``machine`` with one more rule: fire an event the case's state allows, by an
    actor whose role the transition allows, so that runs reach the deep and the final
    states too."""
    table = {
        (source, transition.event): transition
        for transition in workflow.transitions
        for source in transition.sources
    }

    @precondition(lambda self: self.case is not None and not self.case.is_final)
    @rule(
        data_=st.data(),
        hours=st.integers(min_value=0, max_value=72),
        reason=st.one_of(st.none(), st.just("a reason given")),
    )
    def fire_allowed(self: Any, data_: st.DataObject, hours: int, reason: str | None) -> None:
        state = self.case.state
        event = data_.draw(st.sampled_from([e for (s, e) in table if s is state]))
        roles = table[state, event].roles
        actor = data_.draw(st.sampled_from([a for a in actors if a.role in roles] or actors))
        self.fire(data_, event, actor, hours, reason)

    return type(f"Guided{machine.__name__}", (machine,), {"fire_allowed": fire_allowed})


ApprovalMachine = guided(
    workflow_machine(FLOW, actors=ACTORS, payloads=approval_payloads), FLOW, ACTORS
)
TestApprovalMachine = ApprovalMachine.TestCase
# An automatic approval ends most runs at once, and every step replays the case: 25
# steps reach every state (in most runs a review state) and keep the run under 20 s
# in CI.
TestApprovalMachine.settings = settings(TestApprovalMachine.settings, stateful_step_count=25)
