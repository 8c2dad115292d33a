"""Tests for renewal_core.workflows.application.

Expected states, reasons and days come from the module's table as the issue states it
and are worked out by hand in the comments (a quote of 80,000.00 x 1% = 800.00 CNY
made on 2025-03-03 with 30 days' validity is valid through 2025-04-01), never from
the code under test. The generic state machine checks the engine's invariants on the
real table.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from builders import loose, make_policy
from renewal_core.eligibility import Decision, Outcome
from renewal_core.errors import (
    ArgumentTypeError,
    DateTypeError,
    InvalidField,
    InvalidTransition,
    TransitionRefused,
    UnknownTimeZone,
)
from renewal_core.materials import MaterialReview
from renewal_core.model import Channel
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.pricing.rating import (
    Quote,
    QuoteVerification,
    RatedRisk,
    RateTable,
    RatingPlan,
    SumInsuredRate,
    TableVersion,
    quote,
    verify_quote,
)
from renewal_core.reasons import Reason, Severity
from renewal_core.risk import RiskAssessment, RiskLevel
from renewal_core.windows import RenewalWindow, RenewalWindowPolicy
from renewal_core.workflows.application import (
    APPLICATION_WORKFLOW,
    ApplicationDetails,
    ApplicationState,
    application_workflow,
    open_application,
)
from renewal_core.workflows.engine import (
    Actor,
    Case,
    Role,
    Transition,
    Workflow,
    WorkingCalendar,
)
from workflow_machine import workflow_machine

D = pendulum.date
S = ApplicationState
FLOW = APPLICATION_WORKFLOW
ZONE = "Asia/Shanghai"


class _Other(enum.Enum):
    OPEN = "open"
    DONE = "done"


_OTHER_FLOW = Workflow(
    "other",
    _Other,
    initial=_Other.OPEN,
    final=_Other.DONE,
    transitions=[Transition(_Other.OPEN, "close", _Other.DONE)],
)
T0 = pendulum.datetime(2025, 3, 3, 9, tz=ZONE)  # a Monday


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(year, month, day, hour, minute, tz=ZONE)


# --------------------------------------------------------------------------- actors

CUSTOMER = Actor("c-1001", Role.CUSTOMER)
AGENT = Actor("a-2001", Role.AGENT)
CLERK = Actor("u-1", Role.CLERK)
CLERK_2 = Actor("u-2", Role.CLERK)
UNDERWRITER = Actor("u-3", Role.UNDERWRITER)
SENIOR = Actor("u-4", Role.SENIOR_UNDERWRITER)
COMMITTEE = Actor("u-5", Role.COMMITTEE)
FINANCE = Actor("f-1", Role.FINANCE)
SYSTEM = Actor("sys-1", Role.SYSTEM)
MANAGER = Actor("m-1", Role.MANAGER)
ALL_ACTORS = [CUSTOMER, AGENT, CLERK, CLERK_2, UNDERWRITER, SENIOR, COMMITTEE, FINANCE, SYSTEM]

# --------------------------------------------------------------------------- inputs

DETAILS = ApplicationDetails("P-2024-0001", Channel.MOBILE_APP, D(2025, 3, 31), ZONE)
LATE_DETAILS = attrs.evolve(DETAILS, window_closes_on=D(2025, 4, 30))

PASSED = MaterialReview("auto", (), (), ())
INCOMPLETE = MaterialReview(
    "auto",
    ("vehicle_licence",),
    (),
    (Reason("materials.missing", Severity.REFER, "material_review", "missing: licence"),),
)
INFO_ONLY = MaterialReview(
    "auto",
    (),
    (("holder.email", "format"),),
    (Reason("materials.invalid", Severity.INFO, "material_review", "invalid: e-mail"),),
)
BLOCKING = MaterialReview(
    "auto",
    (),
    (("holder.id_number", "check_digit"),),
    (Reason("materials.invalid", Severity.BLOCK, "material_review", "invalid: ID"),),
)

ELIGIBLE = Decision(Outcome.ELIGIBLE, (), D(2025, 3, 3))
REFER = Decision(
    Outcome.REFER,
    (Reason("claims.frequency", Severity.REFER, "claim_history", "4 claims"),),
    D(2025, 3, 3),
)
INELIGIBLE = Decision(
    Outcome.INELIGIBLE,
    (Reason("status.cancelled", Severity.BLOCK, "policy_status", "cancelled"),),
    D(2025, 3, 3),
)
DECISIONS = {Outcome.ELIGIBLE: ELIGIBLE, Outcome.REFER: REFER, Outcome.INELIGIBLE: INELIGIBLE}


def assessment(level: RiskLevel) -> RiskAssessment:
    return RiskAssessment(D(2025, 3, 3), Decimal("10.0000"), level, level, None, (), ())


LOW, MEDIUM, HIGH = (assessment(level) for level in RiskLevel)

PLAN = RatingPlan(
    "fire",
    "CNY",
    SumInsuredRate(RateTable("rate", [TableVersion("v1", D(2025, 1, 1), {(): Decimal("0.01")})])),
    validity_days=30,
)
RISK = RatedRisk({}, sum_insured=cny("80000"))
BIGGER = RatedRisk({}, sum_insured=cny("90000"))
TERM = PolicyTerm.annual(D(2025, 4, 1), ZONE)
QUOTE = quote(RISK, PLAN, term=TERM, as_of=D(2025, 3, 3))  # 800.00, valid through 04-01
LATER_QUOTE = quote(RISK, PLAN, term=TERM, as_of=D(2025, 3, 20))  # valid through 04-18
OTHER_QUOTE = quote(BIGGER, PLAN, term=TERM, as_of=D(2025, 3, 3))  # 900.00
VERIFIED = verify_quote(QUOTE, RISK, PLAN, on=D(2025, 3, 3))
VERIFIED_LATER_QUOTE = verify_quote(LATER_QUOTE, RISK, PLAN, on=D(2025, 3, 20))
CHANGED = verify_quote(QUOTE, BIGGER, PLAN, on=D(2025, 3, 3))


def test_the_inputs_are_what_the_comments_say() -> None:
    # Worked by hand: 80,000.00 x 0.01 = 800.00; valid 03-03 + 30 - 1 days = 04-01.
    assert (QUOTE.total, QUOTE.valid_until) == (cny("800.00"), D(2025, 4, 1))
    assert (LATER_QUOTE.valid_until, OTHER_QUOTE.total) == (D(2025, 4, 18), cny("900.00"))
    assert VERIFIED.valid and VERIFIED_LATER_QUOTE.valid
    assert [reason.code for reason in CHANGED.reasons] == [
        "quote.inputs_changed",
        "quote.premium_changed",
    ]


# --------------------------------------------------------------------------- walking

Step = tuple[str, Actor, Mapping[str, object] | None]

HAPPY: list[Step] = [
    ("submit", CUSTOMER, None),
    ("start_review", CLERK, None),
    ("review", CLERK, {"materials": PASSED}),
    ("decide", SYSTEM, {"eligibility": ELIGIBLE, "risk": LOW}),
    ("quote", SYSTEM, {"quote": QUOTE}),
    ("confirm", CUSTOMER, {"verification": VERIFIED}),
    ("sign", CUSTOMER, None),
    ("pay_first_installment", FINANCE, {"payment": cny("800.00")}),
]
PATHS: dict[enum.Enum, list[Step]] = {
    S.DRAFT: [],
    S.SUBMITTED: HAPPY[:1],
    S.UNDER_REVIEW: HAPPY[:2],
    S.NEEDS_INFORMATION: [*HAPPY[:2], ("review", CLERK, {"materials": INCOMPLETE})],
    S.REVIEWED: HAPPY[:3],
    S.REFERRED: [*HAPPY[:3], ("decide", SYSTEM, {"eligibility": REFER, "risk": LOW})],
    S.APPROVED: HAPPY[:4],
    S.QUOTED: HAPPY[:5],
    S.CONFIRMED: HAPPY[:6],
    S.SIGNED: HAPPY[:7],
    S.ACTIVE: HAPPY,
}
OPEN = [
    S.DRAFT,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.NEEDS_INFORMATION,
    S.REVIEWED,
    S.REFERRED,
    S.APPROVED,
    S.QUOTED,
    S.CONFIRMED,
    S.SIGNED,
]


def walk(
    steps: Sequence[Step],
    *,
    details: object = DETAILS,
    flow: Workflow = FLOW,
    start: pendulum.DateTime = T0,
) -> Case:
    """Open a case at ``start`` and fire ``steps`` a minute apart."""
    data = None if details is None else {"details": details}
    case, _ = flow.start("APP-1", actor=CUSTOMER, at=start, data=data)
    for minute, (event, actor, payload) in enumerate(steps, start=1):
        case, _ = flow.fire(
            case, event, actor=actor, at=start.add(minutes=minute), payload=payload
        )
    return case


def case_in(state: enum.Enum, **options: Any) -> Case:
    return walk(PATHS[state], **options)


@functools.cache
def cached(state: enum.Enum, *, late: bool = False) -> Case:
    """A case in ``state``, made once (for properties)."""
    return case_in(state, details=LATE_DETAILS if late else DETAILS)


def fire(
    case: Case,
    event: str,
    actor: Actor,
    when: pendulum.DateTime | None = None,
    payload: Mapping[str, object] | None = None,
    *,
    reason: str | None = None,
) -> Case:
    moment = case.entered_at.add(minutes=1) if when is None else when
    after, _ = case.workflow.fire(
        case, event, actor=actor, at=moment, reason=reason, payload=payload
    )
    return after


def refusal(
    case: Case,
    event: str,
    actor: Actor,
    when: pendulum.DateTime | None = None,
    payload: Mapping[str, object] | None = None,
    *,
    reason: str | None = None,
) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as raised:
        fire(case, event, actor, when, payload, reason=reason)
    return raised.value


def reasons(error: TransitionRefused) -> list[Reason]:
    found = [reason for reason in error.reasons if isinstance(reason, Reason)]
    assert len(found) == len(error.reasons)
    return found


def codes(error: TransitionRefused) -> list[str]:
    return [reason.code for reason in reasons(error)]


# --------------------------------------------------------------------------- details


def test_details_hold_their_fields() -> None:
    details = ApplicationDetails("P-1", Channel.PHONE, dt.date(2025, 3, 31), ZONE)
    assert details.window_closes_on == D(2025, 3, 31)
    assert type(details.window_closes_on) is pendulum.Date
    assert repr(details) == (
        "ApplicationDetails(policy_number='P-1', channel=Channel.PHONE, "
        "window_closes_on=Date(2025, 3, 31), time_zone='Asia/Shanghai')"
    )


def test_details_take_a_zone_object_by_its_name() -> None:
    details = ApplicationDetails("P-1", Channel.PHONE, D(2025, 3, 31), pendulum.timezone(ZONE))
    assert details.time_zone == ZONE


@pytest.mark.parametrize(
    ("changes", "error", "fragment"),
    [
        ({"policy_number": ""}, InvalidField, r"policy_number: must not be empty"),
        ({"policy_number": 1}, InvalidField, r"policy_number: must be a str, not int"),
        ({"channel": "online"}, InvalidField, r"channel: must be a Channel member .*online"),
        ({"time_zone": 8}, InvalidField, r"time_zone: must be an IANA time zone name"),
        ({"time_zone": "Mars/Olympus"}, UnknownTimeZone, r"Mars/Olympus"),
        ({"window_closes_on": at(2025, 3, 31)}, DateTypeError, r"window_closes_on"),
        ({"window_closes_on": "2025-03-31"}, DateTypeError, r"window_closes_on"),
    ],
)
def test_details_refuse_bad_fields(
    changes: dict[str, object], error: type[Exception], fragment: str
) -> None:
    fields: dict[str, object] = {
        "policy_number": "P-1",
        "channel": Channel.PHONE,
        "window_closes_on": D(2025, 3, 31),
        "time_zone": ZONE,
    }
    fields.update(changes)
    with pytest.raises(error, match=fragment):
        ApplicationDetails(**loose(fields))


def test_details_of_a_policy_close_with_its_window() -> None:
    # make_policy(): an auto policy 2024-03-01 to 2025-02-28 in Asia/Shanghai; auto has
    # no grace period by default, so the window closes on the expiry day.
    details = ApplicationDetails.of(make_policy(), Channel.AGENT)
    assert details == ApplicationDetails("P-2024-0001", Channel.AGENT, D(2025, 2, 28), ZONE)
    window = RenewalWindow(
        opens_on=D(2024, 12, 30),
        expires_on=D(2025, 2, 28),
        grace_ends_on=D(2025, 3, 30),
        window_policy=RenewalWindowPolicy(60, [30], 30),
    )
    assert ApplicationDetails.of(make_policy(), Channel.AGENT, window).window_closes_on == D(
        2025, 3, 30
    )


def test_details_of_refuse_wrong_types() -> None:
    with pytest.raises(ArgumentTypeError, match=r"ApplicationDetails.of\(policy\)"):
        ApplicationDetails.of(loose("P-1"), Channel.AGENT)
    with pytest.raises(ArgumentTypeError, match=r"ApplicationDetails.of\(window\)"):
        ApplicationDetails.of(make_policy(), Channel.AGENT, loose(D(2025, 3, 1)))
    with pytest.raises(InvalidField, match=r"channel"):
        ApplicationDetails.of(make_policy(), loose("agent"))


# --------------------------------------------------------------------------- opening


@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, CLERK])
def test_open_application_records_the_details(actor: Actor) -> None:
    case, events = open_application("APP-9", DETAILS, actor=actor, at=T0)
    assert case.state is S.DRAFT
    assert dict(case.data) == {"details": DETAILS}
    assert [(e.event, e.actor.actor_id, e.payload["details"]) for e in events] == [
        ("start", actor.actor_id, DETAILS)
    ]
    flow = application_workflow(review_days=1)
    case, _ = open_application("APP-9", DETAILS, actor=actor, at=T0, workflow=flow)
    assert case.workflow is flow


@pytest.mark.parametrize("actor", [UNDERWRITER, FINANCE, SYSTEM, MANAGER])
def test_open_application_refuses_other_roles(actor: Actor) -> None:
    with pytest.raises(TransitionRefused) as raised:
        open_application("APP-9", DETAILS, actor=actor, at=T0)
    assert codes(raised.value) == ["role.not_allowed"]
    assert str(raised.value) == (
        "renewal_application case 'APP-9': event 'start' refused in state 'draft': "
        "role.not_allowed: an application is opened by the customer, an agent or a clerk, "
        f"not by {actor.role.value}"
    )


def test_open_application_refuses_wrong_arguments() -> None:
    with pytest.raises(ArgumentTypeError, match=r"open_application\(details\) takes an "):
        open_application("APP-9", loose({"policy_number": "P-1"}), actor=CLERK, at=T0)
    for flow in ("renewal_application", _OTHER_FLOW):
        with pytest.raises(ArgumentTypeError, match=r"open_application\(workflow\)"):
            open_application("APP-9", DETAILS, actor=CLERK, at=T0, workflow=loose(flow))
    with pytest.raises(InvalidField, match=r"start\(case_id\): must be a non-empty str"):
        open_application("", DETAILS, actor=CLERK, at=T0)


# --------------------------------------------------------------------------- factory


def test_the_default_workflow() -> None:
    assert FLOW.name == "renewal_application"
    assert FLOW.states is ApplicationState
    assert FLOW.initial is S.DRAFT
    assert FLOW.final == {S.ACTIVE, S.REJECTED, S.WITHDRAWN, S.EXPIRED}
    assert FLOW.calendar == WorkingCalendar(ZONE)
    assert [(d.state, d.days, d.working_days) for d in FLOW.deadlines] == [
        (S.UNDER_REVIEW, 3, True)
    ]
    assert all(state.value == state.name.lower() for state in ApplicationState)


@pytest.mark.parametrize("days", [0, 3661, True, "3", 2.5])
def test_the_factory_refuses_bad_review_days(days: object) -> None:
    with pytest.raises(InvalidField, match=r"^application_workflow\.review_days: must be an int"):
        application_workflow(review_days=loose(days))


def test_the_factory_refuses_a_bad_refer_from_and_calendar() -> None:
    with pytest.raises(InvalidField, match=r"refer_from: must be a RiskLevel .*not str"):
        application_workflow(refer_from=loose("high"))
    with pytest.raises(ArgumentTypeError, match=r"application_workflow\(calendar\)"):
        application_workflow(calendar=loose("Asia/Shanghai"))


# The table as the issue states it: (state, event) -> targets.
TABLE: dict[tuple[enum.Enum, str], set[enum.Enum]] = {
    (S.DRAFT, "submit"): {S.SUBMITTED},
    (S.SUBMITTED, "start_review"): {S.UNDER_REVIEW},
    (S.UNDER_REVIEW, "review"): {S.NEEDS_INFORMATION, S.REVIEWED},
    (S.NEEDS_INFORMATION, "provide_information"): {S.SUBMITTED},
    (S.REVIEWED, "decide"): {S.REJECTED, S.REFERRED, S.APPROVED},
    (S.REFERRED, "approve"): {S.APPROVED},
    (S.REFERRED, "reject"): {S.REJECTED},
    (S.APPROVED, "quote"): {S.QUOTED},
    (S.QUOTED, "quote"): {S.QUOTED},
    (S.QUOTED, "confirm"): {S.CONFIRMED},
    (S.CONFIRMED, "sign"): {S.SIGNED},
    (S.SIGNED, "pay_first_installment"): {S.ACTIVE},
    **{(state, "withdraw"): {S.WITHDRAWN} for state in OPEN},
    **{(state, "expire"): {S.EXPIRED} for state in OPEN},
}
ROLES = {
    "submit": {Role.CUSTOMER, Role.AGENT, Role.CLERK},
    "start_review": {Role.CLERK, Role.UNDERWRITER},
    "review": {Role.CLERK, Role.UNDERWRITER},
    "provide_information": {Role.CUSTOMER, Role.AGENT, Role.CLERK},
    "decide": {Role.CLERK, Role.UNDERWRITER, Role.SYSTEM},
    "approve": {Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.COMMITTEE},
    "reject": {Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.COMMITTEE},
    "quote": {Role.CLERK, Role.UNDERWRITER, Role.SYSTEM},
    "confirm": {Role.CUSTOMER, Role.AGENT, Role.CLERK},
    "sign": {Role.CUSTOMER, Role.AGENT, Role.CLERK},
    "pay_first_installment": {Role.FINANCE, Role.SYSTEM},
    "withdraw": {Role.CUSTOMER, Role.AGENT, Role.CLERK},
    "expire": {Role.SYSTEM},
}


def test_the_table_is_the_one_the_issue_describes() -> None:
    found = {
        (source, transition.event): set(transition.targets)
        for transition in FLOW.transitions
        for source in transition.sources
    }
    assert found == TABLE
    assert {t.event: set(t.roles) for t in FLOW.transitions} == ROLES
    required = {t.event for t in FLOW.transitions if t.reason_required}
    assert required == {"reject", "withdraw"}
    four_eyes = {t.event: t.four_eyes for t in FLOW.transitions if t.four_eyes}
    assert four_eyes == {
        "approve": ("submit", "review", "decide"),
        "reject": ("submit", "review", "decide"),
    }


def test_allowed_events_per_state() -> None:
    assert FLOW.allowed_events(S.DRAFT) == ("submit", "withdraw", "expire")
    assert FLOW.allowed_events(S.QUOTED) == ("quote", "confirm", "withdraw", "expire")
    assert FLOW.allowed_events(S.REFERRED) == ("approve", "reject", "withdraw", "expire")
    for state in (S.ACTIVE, S.REJECTED, S.WITHDRAWN, S.EXPIRED):
        assert FLOW.allowed_events(state) == ()


# --------------------------------------------------------------------------- happy path


def test_the_happy_path_from_draft_to_active() -> None:
    case = walk(HAPPY)
    assert case.state is S.ACTIVE and case.is_final
    assert [(e.event, e.target, e.actor_id) for e in case.history] == [
        ("start", S.DRAFT, "c-1001"),
        ("submit", S.SUBMITTED, "c-1001"),
        ("start_review", S.UNDER_REVIEW, "u-1"),
        ("review", S.REVIEWED, "u-1"),
        ("decide", S.APPROVED, "sys-1"),
        ("quote", S.QUOTED, "sys-1"),
        ("confirm", S.CONFIRMED, "c-1001"),
        ("sign", S.SIGNED, "c-1001"),
        ("pay_first_installment", S.ACTIVE, "f-1"),
    ]
    # The case records every input it was based on.
    assert case.data["details"] is DETAILS
    assert case.data["materials"] is PASSED
    assert (case.data["eligibility"], case.data["risk"]) == (ELIGIBLE, LOW)
    assert (case.data["quote"], case.data["verification"]) == (QUOTE, VERIFIED)
    assert case.data["payment"] == cny("800.00")


def test_the_happy_path_replays() -> None:
    case, events = FLOW.start("APP-1", actor=AGENT, at=T0, data={"details": DETAILS})
    produced = list(events)
    for minute, (event, actor, payload) in enumerate(HAPPY, start=1):
        case, events = FLOW.fire(
            case, event, actor=actor, at=T0.add(minutes=minute), payload=payload
        )
        produced += events
    assert FLOW.replay(produced) == case


def test_a_case_goes_back_and_forth_for_information() -> None:
    case = case_in(S.NEEDS_INFORMATION)
    case = fire(case, "provide_information", AGENT)
    assert case.state is S.SUBMITTED
    case = fire(case, "start_review", UNDERWRITER)
    case = fire(case, "review", UNDERWRITER, payload={"materials": PASSED})
    assert case.state is S.REVIEWED
    assert case.data["materials"] is PASSED  # the later review replaces the earlier one


# --------------------------------------------------------------------------- each step


@pytest.mark.parametrize(
    ("event", "state", "actor"),
    [
        ("submit", S.DRAFT, FINANCE),
        ("start_review", S.SUBMITTED, CUSTOMER),
        ("review", S.UNDER_REVIEW, AGENT),
        ("provide_information", S.NEEDS_INFORMATION, UNDERWRITER),
        ("decide", S.REVIEWED, FINANCE),
        ("approve", S.REFERRED, CLERK_2),
        ("quote", S.APPROVED, CUSTOMER),
        ("confirm", S.QUOTED, SYSTEM),
        ("sign", S.CONFIRMED, FINANCE),
        ("pay_first_installment", S.SIGNED, CLERK),
        ("withdraw", S.DRAFT, SYSTEM),
        ("expire", S.DRAFT, CLERK),
    ],
)
def test_each_step_needs_its_roles(event: str, state: enum.Enum, actor: Actor) -> None:
    steps = {step[0]: step for step in [*HAPPY, *PATHS[S.NEEDS_INFORMATION]]}
    payload = steps[event][2] if event in steps else None
    # After the window closed only for expire, so that only the role is refused.
    when = at(2025, 4, 1) if event == "expire" else None
    error = refusal(case_in(state), event, actor, when, payload, reason="asked")
    assert codes(error) == ["role.not_allowed"]
    assert f"event {event!r} needs the role" in str(error)


def test_submit_is_refused_after_the_window_closed() -> None:
    # The window closes on 2025-03-31: 2025-03-31T16:30Z is 00:30 on 1 April in Shanghai.
    draft = case_in(S.DRAFT)
    late = pendulum.datetime(2025, 3, 31, 16, 30, tz="UTC")
    error = refusal(draft, "submit", CUSTOMER, late)
    assert codes(error) == ["application.window_closed"]
    assert "window closed on 2025-03-31, before 2025-04-01; expire the application" in str(error)
    assert reasons(error)[0].details == {
        "window_closes_on": D(2025, 3, 31),
        "day": D(2025, 4, 1),
    }
    # 23:59 on the 31st, Shanghai time, is still in the window.
    in_time = pendulum.datetime(2025, 3, 31, 15, 59, tz="UTC")
    assert fire(draft, "submit", CUSTOMER, in_time).state is S.SUBMITTED


@pytest.mark.parametrize("details", [None, "P-2024-0001"])
def test_submit_is_refused_without_details(details: object) -> None:
    error = refusal(walk([], details=details), "submit", CUSTOMER)
    assert codes(error) == ["application.data_missing"]
    assert "records no ApplicationDetails under 'details'" in str(error)


@pytest.mark.parametrize(
    ("review", "target"),
    [
        (INCOMPLETE, S.NEEDS_INFORMATION),
        (BLOCKING, S.NEEDS_INFORMATION),
        (INFO_ONLY, S.REVIEWED),
        (PASSED, S.REVIEWED),
    ],
)
def test_review_routes_by_the_materials(review: MaterialReview, target: enum.Enum) -> None:
    case = fire(case_in(S.UNDER_REVIEW), "review", CLERK, payload={"materials": review})
    assert case.state is target
    assert case.history[-1].event == "review"


def test_review_needs_a_material_review() -> None:
    case = case_in(S.UNDER_REVIEW)
    with pytest.raises(InvalidField, match=r"event 'review' needs 'materials'"):
        fire(case, "review", CLERK)
    with pytest.raises(
        InvalidField,
        match=r"'materials' of event 'review' must be a "
        r"MaterialReview, not str",
    ):
        fire(case, "review", CLERK, payload={"materials": "complete"})


def test_provide_information_is_refused_after_the_window_closed() -> None:
    error = refusal(case_in(S.NEEDS_INFORMATION), "provide_information", CUSTOMER, at(2025, 4, 1))
    assert codes(error) == ["application.window_closed"]


def decide_target(outcome: Outcome, level: RiskLevel, refer_from: RiskLevel) -> enum.Enum:
    """The route as the issue states it, with the risk ranks written out."""
    rank = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}
    if outcome is Outcome.INELIGIBLE:
        return S.REJECTED
    if outcome is Outcome.REFER or rank[level] >= rank[refer_from]:
        return S.REFERRED
    return S.APPROVED


@pytest.mark.parametrize(
    ("decision", "risk", "target"),
    [
        (INELIGIBLE, LOW, S.REJECTED),
        (INELIGIBLE, HIGH, S.REJECTED),
        (REFER, LOW, S.REFERRED),
        (ELIGIBLE, HIGH, S.REFERRED),
        (ELIGIBLE, MEDIUM, S.APPROVED),
        (ELIGIBLE, LOW, S.APPROVED),
    ],
)
def test_decide_routes_by_eligibility_and_risk(
    decision: Decision, risk: RiskAssessment, target: enum.Enum
) -> None:
    case = fire(
        case_in(S.REVIEWED), "decide", SYSTEM, payload={"eligibility": decision, "risk": risk}
    )
    assert case.state is target


FLOWS = {level: application_workflow(refer_from=level) for level in RiskLevel}


@given(
    st.sampled_from(list(Outcome)),
    st.sampled_from(list(RiskLevel)),
    st.sampled_from(list(RiskLevel)),
)
def test_decide_routes_as_the_issue_states(
    outcome: Outcome, level: RiskLevel, refer_from: RiskLevel
) -> None:
    flow = FLOWS[refer_from]
    case = walk(HAPPY[:3], flow=flow)
    case = fire(
        case,
        "decide",
        UNDERWRITER,
        payload={"eligibility": DECISIONS[outcome], "risk": assessment(level)},
    )
    assert case.state is decide_target(outcome, level, refer_from)


def test_decide_needs_both_inputs() -> None:
    case = case_in(S.REVIEWED)
    with pytest.raises(InvalidField, match=r"event 'decide' needs 'risk'"):
        fire(case, "decide", SYSTEM, payload={"eligibility": ELIGIBLE})
    with pytest.raises(InvalidField, match=r"'eligibility' of event 'decide' must be a Decision"):
        fire(case, "decide", SYSTEM, payload={"eligibility": "eligible", "risk": LOW})


def test_a_referred_case_is_approved_by_another_underwriter() -> None:
    case = fire(case_in(S.REFERRED), "approve", UNDERWRITER, reason="claims explained")
    assert case.state is S.APPROVED
    assert case.history[-1].reason == "claims explained"


@pytest.mark.parametrize("event", ["approve", "reject"])
def test_who_prepared_the_case_cannot_decide_on_the_referral(event: str) -> None:
    # The underwriter reviewed the materials: four eyes forbid them to approve.
    steps: list[Step] = [
        HAPPY[0],
        ("start_review", UNDERWRITER, None),
        ("review", UNDERWRITER, {"materials": PASSED}),
        ("decide", SYSTEM, {"eligibility": REFER, "risk": LOW}),
    ]
    case = walk(steps)
    error = refusal(case, event, UNDERWRITER, reason="fine")
    assert codes(error) == ["four_eyes.same_actor"]
    assert "'u-3' fired 'review' on this case, so cannot fire" in str(error)
    # Nor the one who decided, in another role (the same actor id).
    decided = walk(
        [
            *HAPPY[:3],
            ("decide", Actor("u-9", Role.UNDERWRITER), {"eligibility": REFER, "risk": LOW}),
        ]
    )
    error = refusal(decided, event, Actor("u-9", Role.SENIOR_UNDERWRITER), reason="fine")
    assert codes(error) == ["four_eyes.same_actor"]
    # A senior underwriter who took no part may.
    assert fire(case, event, SENIOR, reason="fine").is_final is (event == "reject")


def test_reject_needs_a_reason() -> None:
    case = case_in(S.REFERRED)
    with pytest.raises(InvalidField, match=r"event 'reject' needs a reason"):
        fire(case, "reject", COMMITTEE)
    rejected = fire(case, "reject", COMMITTEE, reason="claims history")
    assert rejected.state is S.REJECTED
    assert rejected.history[-1].reason == "claims history"


def test_quote_records_the_quote_and_a_later_one_replaces_it() -> None:
    quoted = case_in(S.QUOTED)
    assert quoted.data["quote"] is QUOTE
    again = fire(quoted, "quote", CLERK, at(2025, 3, 20), {"quote": LATER_QUOTE})
    assert again.state is S.QUOTED
    assert again.data["quote"] is LATER_QUOTE


def test_quote_refuses_a_quote_made_later() -> None:
    error = refusal(case_in(S.APPROVED), "quote", SYSTEM, at(2025, 3, 19), {"quote": LATER_QUOTE})
    assert codes(error) == ["application.quote_dated_later"]
    assert "made on 2025-03-20, after 2025-03-19" in str(error)


def test_quote_refuses_a_lapsed_quote() -> None:
    # Valid through 2025-04-01: recorded on 04-01 it is taken, on 04-02 refused.
    approved = case_in(S.APPROVED)
    assert fire(approved, "quote", SYSTEM, at(2025, 4, 1, 23, 59), {"quote": QUOTE}).state is (
        S.QUOTED
    )
    error = refusal(approved, "quote", SYSTEM, at(2025, 4, 2), {"quote": QUOTE})
    assert codes(error) == ["application.quote_lapsed"]
    assert "valid until 2025-04-01, before 2025-04-02; quote again" in str(error)


def test_quote_needs_a_quote() -> None:
    with pytest.raises(
        InvalidField,
        match=r"'quote' of event 'quote' must be a Quote, not "
        r"Money",
    ):
        fire(case_in(S.APPROVED), "quote", SYSTEM, payload={"quote": cny("800.00")})


def test_confirm_with_a_valid_verification() -> None:
    case = fire(case_in(S.QUOTED), "confirm", AGENT, payload={"verification": VERIFIED})
    assert case.state is S.CONFIRMED
    assert case.data["verification"] is VERIFIED


def test_confirm_refuses_the_verification_of_another_quote() -> None:
    other = verify_quote(OTHER_QUOTE, BIGGER, PLAN, on=D(2025, 3, 3))
    error = refusal(case_in(S.QUOTED), "confirm", CUSTOMER, payload={"verification": other})
    assert codes(error) == ["application.quote_mismatch"]
    assert "verification is of another quote than the one recorded" in str(error)
    assert reasons(error)[0].details == {
        "quoted_total": cny("800.00"),
        "verified_total": cny("900.00"),
    }


def test_confirm_refuses_a_quote_that_no_longer_holds() -> None:
    error = refusal(case_in(S.QUOTED), "confirm", CUSTOMER, payload={"verification": CHANGED})
    assert codes(error) == ["quote.inputs_changed", "quote.premium_changed"]
    assert "the total is now 900.00 CNY, not 800.00 CNY" in str(error)


def test_confirm_refuses_a_verification_dated_later() -> None:
    later = verify_quote(QUOTE, RISK, PLAN, on=D(2025, 3, 10))
    error = refusal(
        case_in(S.QUOTED), "confirm", CUSTOMER, at(2025, 3, 9), {"verification": later}
    )
    assert codes(error) == ["application.verified_later"]
    assert "dated 2025-03-10, after 2025-03-09" in str(error)


def test_confirm_refuses_a_lapsed_quote() -> None:
    # The window is open until 04-30; the quote was valid through 04-01.
    quoted = case_in(S.QUOTED, details=LATE_DETAILS)
    error = refusal(quoted, "confirm", CUSTOMER, at(2025, 4, 2), {"verification": VERIFIED})
    assert codes(error) == ["application.quote_lapsed"]
    # Verified on the day, the verification itself says so: one reason, not two.
    expired = verify_quote(QUOTE, RISK, PLAN, on=D(2025, 4, 2))
    error = refusal(quoted, "confirm", CUSTOMER, at(2025, 4, 2), {"verification": expired})
    assert codes(error) == ["quote.expired"]


def test_confirm_is_refused_after_the_window_closed() -> None:
    error = refusal(
        case_in(S.QUOTED), "confirm", CUSTOMER, at(2025, 4, 1), {"verification": VERIFIED}
    )
    assert codes(error) == ["application.window_closed"]


def test_sign_and_its_window() -> None:
    confirmed = case_in(S.CONFIRMED)
    assert fire(confirmed, "sign", CLERK).state is S.SIGNED
    error = refusal(confirmed, "sign", CUSTOMER, at(2025, 4, 1))
    assert codes(error) == ["application.window_closed"]


@pytest.mark.parametrize("amount", ["800.00", "400.00", "0.01"])
def test_the_first_payment_activates(amount: str) -> None:
    case = fire(
        case_in(S.SIGNED), "pay_first_installment", SYSTEM, payload={"payment": cny(amount)}
    )
    assert case.state is S.ACTIVE


@pytest.mark.parametrize(
    ("payment", "code", "fragment"),
    [
        (Money("800.00", "USD"), "application.payment_currency", "in USD, the quote in CNY"),
        (cny("0.00"), "application.payment_not_positive", "0.00 CNY is no payment"),
        (cny("-1.00"), "application.payment_not_positive", "-1.00 CNY is no payment"),
        (
            cny("800.01"),
            "application.payment_exceeds_total",
            "800.01 CNY is more than the quote's total of 800.00 CNY",
        ),
    ],
)
def test_a_payment_that_cannot_be_the_first_is_refused(
    payment: Money, code: str, fragment: str
) -> None:
    error = refusal(
        case_in(S.SIGNED), "pay_first_installment", FINANCE, payload={"payment": payment}
    )
    assert codes(error) == [code]
    assert fragment in str(error)


def test_a_later_step_cannot_replace_the_quote_recorded() -> None:
    # Only the step that records a key (here ``quote``) may record it again.
    confirmed = walk(HAPPY[:6])
    error = refusal(confirmed, "sign", CUSTOMER, payload={"quote": "replaced"})
    assert codes(error) == ["payload.replaces_record"]


@pytest.mark.parametrize("state", OPEN)
def test_withdraw_from_every_open_state(state: enum.Enum) -> None:
    case = case_in(state)
    with pytest.raises(InvalidField, match=r"event 'withdraw' needs a reason"):
        fire(case, "withdraw", CUSTOMER)
    withdrawn = fire(case, "withdraw", CUSTOMER, reason="changed insurer")
    assert withdrawn.state is S.WITHDRAWN and withdrawn.is_final


@pytest.mark.parametrize("state", OPEN)
def test_expire_from_every_open_state_once_the_window_closed(state: enum.Enum) -> None:
    case = case_in(state)
    closed = pendulum.datetime(2025, 3, 31, 16, 0, tz="UTC")  # 00:00 on 1 April, Shanghai
    assert fire(case, "expire", SYSTEM, closed).state is S.EXPIRED
    error = refusal(case, "expire", SYSTEM, closed.subtract(seconds=1))
    assert codes(error) == ["application.not_lapsed"]
    assert "on 2025-03-31 the window is open (it closes on 2025-03-31)" in str(error)


def test_a_quoted_application_expires_when_its_quote_lapses() -> None:
    quoted = case_in(S.QUOTED, details=LATE_DETAILS)
    assert fire(quoted, "expire", SYSTEM, at(2025, 4, 2, 0, 0)).state is S.EXPIRED
    assert codes(refusal(quoted, "expire", SYSTEM, at(2025, 4, 1, 23, 59))) == [
        "application.not_lapsed"
    ]
    # Once confirmed, the premium is agreed: the quote's validity no longer matters.
    confirmed = case_in(S.CONFIRMED, details=LATE_DETAILS)
    assert codes(refusal(confirmed, "expire", SYSTEM, at(2025, 4, 2))) == [
        "application.not_lapsed"
    ]


def test_expire_without_details() -> None:
    error = refusal(walk([], details=None), "expire", SYSTEM)
    assert codes(error) == ["application.data_missing"]


@pytest.mark.parametrize("state", [S.ACTIVE, S.REJECTED, S.WITHDRAWN, S.EXPIRED])
def test_final_states_take_no_event(state: enum.Enum) -> None:
    paths: dict[enum.Enum, list[Step]] = {
        S.ACTIVE: HAPPY,
        S.REJECTED: [*HAPPY[:3], ("decide", SYSTEM, {"eligibility": INELIGIBLE, "risk": LOW})],
        S.WITHDRAWN: [],
        S.EXPIRED: [],
    }
    case = walk(paths[state])
    if state is S.WITHDRAWN:
        case = fire(case, "withdraw", CUSTOMER, reason="no longer needed")
    if state is S.EXPIRED:
        case = fire(case, "expire", SYSTEM, at(2025, 4, 1))
    assert case.state is state
    with pytest.raises(InvalidTransition, match=r"allowed events: none \(a final state\)"):
        fire(case, "withdraw", CUSTOMER, reason="again")


def test_refusals_name_the_case_state_and_event() -> None:
    error = refusal(case_in(S.DRAFT), "submit", CUSTOMER, at(2025, 4, 1))
    assert str(error).startswith(
        "renewal_application case 'APP-1': event 'submit' refused in state 'draft': "
        "application.window_closed: "
    )
    assert (error.workflow, error.case_id, error.state, error.event) == (
        "renewal_application",
        "APP-1",
        "draft",
        "submit",
    )
    assert all(reason.severity is Severity.BLOCK for reason in reasons(error))


# --------------------------------------------------------------------------- deadlines


def test_the_review_deadline_is_three_working_days() -> None:
    # Entered under review on Friday 2025-03-07 (01:00 in Shanghai, 17:00Z on the 6th):
    # Mon 10, Tue 11, Wed 12 are the three working days, so it is late from Thu 13.
    start = pendulum.datetime(2025, 3, 6, 16, 58, tz="UTC")
    case = walk(HAPPY[:2], start=start)
    assert case.state is S.UNDER_REVIEW
    assert FLOW.overdue(case, D(2025, 3, 12)) is None
    late = FLOW.overdue(case, D(2025, 3, 13))
    assert late is not None
    assert (late.state, late.due_on, late.days_late) == (S.UNDER_REVIEW, D(2025, 3, 12), 1)
    assert FLOW.overdue(case, at(2025, 3, 15)) is not None


def test_the_review_deadline_counts_holidays_and_make_up_days() -> None:
    # Monday 10 a holiday: Tue 11, Wed 12, Thu 13. Saturday 8 worked as well: Sat 8,
    # Tue 11, Wed 12.
    start = at(2025, 3, 7, 9)
    holiday = WorkingCalendar(ZONE, holidays={D(2025, 3, 10)})
    both = WorkingCalendar(ZONE, holidays={D(2025, 3, 10)}, working_days={D(2025, 3, 8)})
    for calendar, due in ((holiday, D(2025, 3, 13)), (both, D(2025, 3, 12))):
        flow = application_workflow(calendar=calendar)
        case = walk(HAPPY[:2], flow=flow, start=start)
        assert flow.overdue(case, due) is None
        late = flow.overdue(case, due.add(days=1))
        assert late is not None and late.due_on == due


def test_a_longer_review_deadline_and_no_deadline_elsewhere() -> None:
    flow = application_workflow(review_days=5)
    case = walk(HAPPY[:2], flow=flow)  # Monday 2025-03-03: due Monday 03-10
    assert flow.overdue(case, D(2025, 3, 10)) is None
    assert flow.overdue(case, D(2025, 3, 11)) is not None
    assert FLOW.overdue(case_in(S.SUBMITTED), D(2026, 1, 1)) is None


# --------------------------------------------------------------------------- properties

review_reasons = st.lists(st.sampled_from(list(Severity)), max_size=4)


@given(review_reasons)
def test_review_holds_the_case_on_any_reason_above_info(severities: list[Severity]) -> None:
    review = MaterialReview(
        "auto",
        (),
        (),
        tuple(
            Reason("materials.invalid", severity, "material_review", "found")
            for severity in severities
        ),
    )
    case = fire(cached(S.UNDER_REVIEW), "review", CLERK, payload={"materials": review})
    held = any(severity in {Severity.REFER, Severity.BLOCK} for severity in severities)
    assert case.state is (S.NEEDS_INFORMATION if held else S.REVIEWED)


@given(st.integers(min_value=-100_000, max_value=100_000))
def test_a_first_payment_is_taken_when_it_is_above_zero_and_at_most_the_total(
    cents: int,
) -> None:
    payment = Money(Decimal(cents).scaleb(-2), "CNY")
    signed = cached(S.SIGNED)
    if 0 < cents <= 80_000:  # up to 800.00 CNY
        case = fire(signed, "pay_first_installment", FINANCE, payload={"payment": payment})
        assert case.state is S.ACTIVE
    else:
        with pytest.raises(
            TransitionRefused,
            match=r"application\.payment_not_positive|"
            r"application\.payment_exceeds_total",
        ):
            fire(signed, "pay_first_installment", FINANCE, payload={"payment": payment})


@given(st.integers(min_value=0, max_value=80 * 24 * 60), st.sampled_from([S.QUOTED, S.APPROVED]))
def test_expire_is_taken_exactly_when_something_lapsed(minutes: int, state: enum.Enum) -> None:
    case = cached(state, late=True)
    moment = case.entered_at.add(minutes=minutes)
    day = moment.in_timezone(ZONE).date()
    lapsed = (day.year, day.month, day.day) > (2025, 4, 30) or (
        state is S.QUOTED and (day.year, day.month, day.day) > (2025, 4, 1)
    )
    if lapsed:
        assert fire(case, "expire", SYSTEM, moment).state is S.EXPIRED
    else:
        with pytest.raises(TransitionRefused, match=r"application\.not_lapsed"):
            fire(case, "expire", SYSTEM, moment)


# --------------------------------------------------------------------------- machine

# The machine starts on 2025-03-03 and steps 0 to 72 hours: the window closes during
# many runs, and the quote made on 03-03 lapses after 04-01.
MACHINE_DETAILS = attrs.evolve(DETAILS, window_closes_on=D(2025, 3, 14))


def _needing(key: str, values: Sequence[object]) -> st.SearchStrategy[Mapping[str, object] | None]:
    valid = st.sampled_from(values).map(lambda value: {key: value})
    invalid = st.sampled_from([None, {key: "not the right type"}])
    return st.one_of(valid, valid, valid, invalid)


def application_payloads(event: str) -> st.SearchStrategy[Mapping[str, object] | None]:
    if event == "review":
        return _needing("materials", [PASSED, PASSED, INCOMPLETE, INFO_ONLY])
    if event == "decide":
        return st.one_of(
            st.fixed_dictionaries(
                {
                    "eligibility": st.sampled_from([ELIGIBLE, ELIGIBLE, REFER, INELIGIBLE]),
                    "risk": st.sampled_from([LOW, LOW, MEDIUM, HIGH]),
                }
            ),
            st.just({"eligibility": ELIGIBLE}),
        )
    if event == "quote":
        return _needing("quote", [QUOTE, QUOTE, LATER_QUOTE])
    if event == "confirm":
        return _needing("verification", [VERIFIED, VERIFIED, VERIFIED_LATER_QUOTE, CHANGED])
    if event == "pay_first_installment":
        return _needing(
            "payment", [cny("800.00"), cny("400.00"), cny("0.00"), Money("800.00", "USD")]
        )
    return st.sampled_from([None, None, None, {"note": "by phone"}])


def guided(
    machine: type[RuleBasedStateMachine],
    workflow: Workflow,
    actors: Sequence[Actor],
    *,
    detours: frozenset[str] = frozenset({"withdraw"}),
) -> type[RuleBasedStateMachine]:
    """``machine`` with one more rule: fire an event the case's state allows (but a
    detour, left to the random rule), by an actor whose role the transition allows,
    so that runs reach the deep and the final states too."""
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
        allowed = [event for (source, event) in table if source is state]
        event = data_.draw(st.sampled_from([e for e in allowed if e not in detours] or allowed))
        roles = table[state, event].roles
        actor = data_.draw(st.sampled_from([a for a in actors if a.role in roles] or actors))
        self.fire(data_, event, actor, hours, reason)

    return type(f"Guided{machine.__name__}", (machine,), {"fire_allowed": fire_allowed})


ApplicationMachine = guided(
    workflow_machine(
        FLOW, actors=ALL_ACTORS, payloads=application_payloads, data={"details": MACHINE_DETAILS}
    ),
    FLOW,
    ALL_ACTORS,
)
TestApplicationMachine = ApplicationMachine.TestCase
# Every step replays the case from its events: 30 steps reach every state (the window
# closes after about six accepted steps) and keep the run under 20 s in CI.
TestApplicationMachine.settings = settings(TestApplicationMachine.settings, stateful_step_count=30)


def test_each_step_needs_its_typed_inputs() -> None:
    needs = {t.event: dict(t.needs) for t in FLOW.transitions}
    assert needs["review"] == {"materials": MaterialReview}
    assert needs["decide"] == {"eligibility": Decision, "risk": RiskAssessment}
    assert needs["quote"] == {"quote": Quote}
    assert needs["confirm"] == {"verification": QuoteVerification}
    assert needs["pay_first_installment"] == {"payment": Money}
    assert all(
        not value
        for event, value in needs.items()
        if event not in {"review", "decide", "quote", "confirm", "pay_first_installment"}
    )
