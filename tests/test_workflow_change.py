"""The change (endorsement) workflow: every transition, guard, route branch and deadline.

Expected figures are worked out by hand in the comments: an annual 2025 term from
1 January has 365 days, and a change taking effect at 00:00 on 11 April leaves 265
of them, so 730.00 more a year is 730.00 x 265/365 = 530.00 for the rest of the
term.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import EMAIL, PHONE, cny
from renewal_core.errors import (
    ArgumentTypeError,
    DateTypeError,
    InvalidField,
    InvalidTransition,
    TransitionRefused,
)
from renewal_core.materials import MaterialReview
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.pricing.refunds import Adjustment, adjust
from renewal_core.reasons import Reason, Severity
from renewal_core.workflows.cancellation import CANCELLATION_WORKFLOW
from renewal_core.workflows.change import (
    CHANGE_WORKFLOW,
    ChangeKind,
    ChangeRequest,
    ChangeState,
    change_workflow,
    request_change,
)
from renewal_core.workflows.engine import (
    Actor,
    Case,
    Deadline,
    Role,
    Workflow,
    WorkingCalendar,
)
from workflow_machine import workflow_machine

S = ChangeState
AT = pendulum.datetime(2025, 4, 7, 9, tz="Asia/Shanghai")  # a Monday
TERM = PolicyTerm.annual(pendulum.date(2025, 1, 1), "Asia/Shanghai")
EFFECTIVE = pendulum.date(2025, 4, 11)

CUSTOMER = Actor("c-1", Role.CUSTOMER)
AGENT = Actor("a-1", Role.AGENT)
CLERK = Actor("u-1", Role.CLERK)
CLERK_2 = Actor("u-2", Role.CLERK)
UNDERWRITER = Actor("w-1", Role.UNDERWRITER)
UNDERWRITER_2 = Actor("w-2", Role.UNDERWRITER)
SENIOR = Actor("w-3", Role.SENIOR_UNDERWRITER)
MANAGER = Actor("m-1", Role.MANAGER)
SYSTEM = Actor("s-1", Role.SYSTEM)

PASSED = MaterialReview("endorsement", missing=(), invalid=(), reasons=())


def _review(*severities: Severity) -> MaterialReview:
    reasons = [
        Reason("materials.missing", severity, "material_review", f"finding {index}")
        for index, severity in enumerate(severities)
    ]
    return MaterialReview("endorsement", missing=(), invalid=(), reasons=reasons)


FAILED = _review(Severity.REFER)
SUM_INSURED = ChangeRequest(ChangeKind.SUM_INSURED, EFFECTIVE, "sum insured to 600,000 CNY")
CONTACT = ChangeRequest(ChangeKind.CONTACT_DATA, EFFECTIVE, "new mobile and e-mail", phone=PHONE,
                        email=EMAIL)  # fmt: skip
# 3,650.00 -> 4,380.00 is 730.00 a year more: 730.00 x 265/365 = 530.00.
MORE = adjust(cny("3650.00"), cny("4380.00"), TERM, EFFECTIVE)
# 3,650.00 -> 2,920.00 is 730.00 a year less: -530.00.
LESS = adjust(cny("3650.00"), cny("2920.00"), TERM, EFFECTIVE)
# The same change a day later: 264 days left, 730.00 x 264/365 = 528.00.
DAY_LATER = adjust(cny("3650.00"), cny("4380.00"), TERM, EFFECTIVE.add(days=1))


def _at(hours: int) -> pendulum.DateTime:
    return AT.add(hours=hours)


def _opened(request: ChangeRequest = SUM_INSURED, *, workflow: Workflow = CHANGE_WORKFLOW) -> Case:
    case, _ = request_change("E-1", request, actor=CUSTOMER, at=AT, workflow=workflow)
    return case


def _fire(
    case: Case,
    event: str,
    actor: Actor,
    hours: int,
    payload: Mapping[str, object] | None = None,
    *,
    reason: str | None = None,
) -> Case:
    after, events = case.workflow.fire(
        case, event, actor=actor, at=_at(hours), payload=payload, reason=reason
    )
    assert len(events) == 1
    return after


def _validated(request: ChangeRequest = SUM_INSURED) -> Case:
    return _fire(_opened(request), "validate", CLERK, 1, {"review": PASSED})


def _priced() -> Case:
    return _fire(_validated(), "price", CLERK, 2, {"adjustment": MORE})


def _confirmed() -> Case:
    return _fire(_priced(), "confirm", CUSTOMER, 3, {"confirmed_amount": cny("530.00")})


def _approved() -> Case:
    return _fire(_confirmed(), "approve", UNDERWRITER, 4)


def _refusal(
    case: Case,
    event: str,
    actor: Actor,
    *,
    payload: Mapping[str, object] | None = None,
    reason: str | None = None,
) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as caught:
        case.workflow.fire(case, event, actor=actor, at=_at(20), payload=payload, reason=reason)
    return caught.value


def _codes(error: TransitionRefused) -> list[str]:
    return [getattr(reason, "code", "") for reason in error.reasons]


# --------------------------------------------------------------------------- values


def test_the_states_are_the_steps_of_an_endorsement() -> None:
    assert [state.value for state in ChangeState] == [
        "requested",
        "validated",
        "priced",
        "confirmed",
        "approved",
        "applied",
        "rejected",
        "withdrawn",
    ]
    assert CHANGE_WORKFLOW.final == {S.APPLIED, S.REJECTED, S.WITHDRAWN}
    assert CHANGE_WORKFLOW.initial is S.REQUESTED
    assert repr(S.PRICED) == "ChangeState.PRICED"


@pytest.mark.parametrize(
    ("kind", "priced"),
    [
        (ChangeKind.INSURED_OBJECT, True),
        (ChangeKind.TERM, True),
        (ChangeKind.SUM_INSURED, True),
        (ChangeKind.CONTACT_DATA, False),
    ],
)
def test_only_a_contact_data_change_is_not_priced(kind: ChangeKind, priced: bool) -> None:
    assert kind.priced is priced


def test_a_request_keeps_its_fields_and_shows_no_personal_data() -> None:
    assert CONTACT.phone == PHONE
    assert CONTACT.email == EMAIL
    assert CONTACT.description == "new mobile and e-mail"
    assert repr(CONTACT) == (
        "ChangeRequest(kind=ChangeKind.CONTACT_DATA, effective_on=Date(2025, 4, 11))"
    )
    assert str(CONTACT) == repr(CONTACT)


def test_a_request_takes_a_date_and_refuses_a_datetime() -> None:
    request = ChangeRequest(ChangeKind.TERM, dt.date(2025, 4, 11), "extend to 30 June")
    assert type(request.effective_on) is pendulum.Date
    assert request.effective_on == EFFECTIVE
    with pytest.raises(DateTypeError):
        ChangeRequest(ChangeKind.TERM, dt.datetime(2025, 4, 11, tzinfo=dt.UTC), "extend")


def test_a_contact_data_change_needs_a_phone_or_an_email() -> None:
    with pytest.raises(InvalidField, match="needs the new phone, the new email, or both") as e:
        ChangeRequest(ChangeKind.CONTACT_DATA, EFFECTIVE, "new contact data")
    assert (e.value.owner, e.value.field) == ("ChangeRequest", "phone")
    only_email = ChangeRequest(ChangeKind.CONTACT_DATA, EFFECTIVE, "new e-mail", email=EMAIL)
    assert (only_email.phone, only_email.email) == (None, EMAIL)


@pytest.mark.parametrize(("field", "value"), [("phone", PHONE), ("email", EMAIL)])
def test_other_kinds_carry_no_contact_data(field: str, value: str) -> None:
    with pytest.raises(
        InvalidField, match=f"only a CONTACT_DATA change carries a new {field}"
    ) as e:
        ChangeRequest(ChangeKind.SUM_INSURED, EFFECTIVE, "more cover", **{field: value})
    assert e.value.field == field
    assert "say what a SUM_INSURED change changes in its description" in str(e.value)
    assert value not in str(e.value)


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("phone", "138-1234-56x8", "must be a phone number"),
        ("phone", " 13812345678", "must not start or end with whitespace"),
        ("email", "zhang.san.example.com", "must be an e-mail address"),
        ("email", 12345, "must be a str, not int"),
    ],
)
def test_a_bad_phone_or_email_is_refused_without_showing_it(
    field: str, value: object, phrase: str
) -> None:
    with pytest.raises(InvalidField, match=phrase) as caught:
        ChangeRequest(ChangeKind.CONTACT_DATA, EFFECTIVE, "new contact", **{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(value).strip() not in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"kind": "term"}, "kind", "convert it with ChangeKind('term')"),
        ({"description": ""}, "description", "must not be empty"),
        ({"description": " more cover"}, "description", "must not start or end with whitespace"),
    ],
)
def test_a_bad_field_is_refused(changes: dict[str, object], field: str, phrase: str) -> None:
    with pytest.raises(InvalidField, match=re.escape(phrase)) as caught:
        attrs.evolve(SUM_INSURED, **changes)  # type: ignore[arg-type]
    assert caught.value.field == field


@given(digits=st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_requests_repr_never_shows_the_new_phone(digits: str) -> None:
    request = ChangeRequest(ChangeKind.CONTACT_DATA, EFFECTIVE, "new mobile", phone=digits)
    shown = repr(request)
    assert digits not in shown
    assert "phone" not in shown


# --------------------------------------------------------------------------- the factory


def test_the_default_workflow_has_the_documented_deadlines() -> None:
    deadlines = [(d.state, d.days, d.working_days) for d in CHANGE_WORKFLOW.deadlines]
    assert deadlines == [
        (S.REQUESTED, 2, True),
        (S.VALIDATED, 2, True),
        (S.PRICED, 15, False),
        (S.CONFIRMED, 2, True),
        (S.APPROVED, 2, True),
    ]
    assert CHANGE_WORKFLOW.calendar == WorkingCalendar("Asia/Shanghai")
    assert CHANGE_WORKFLOW.name == "change"


def test_the_factory_takes_approvers_days_and_a_calendar() -> None:
    calendar = WorkingCalendar("Asia/Shanghai", holidays={pendulum.date(2025, 5, 1)})
    flow = change_workflow(
        calendar=calendar, approver_roles=[Role.MANAGER], handling_days=3, confirmation_days=7
    )
    assert flow.calendar is calendar
    assert flow.deadlines[0] == Deadline(S.REQUESTED, 3, working_days=True)
    assert flow.deadlines[2] == Deadline(S.PRICED, 7)
    case = _fire(_opened(workflow=flow), "validate", CLERK, 1, {"review": PASSED})
    case = _fire(case, "price", CLERK, 2, {"adjustment": MORE})
    case = _fire(case, "confirm", CUSTOMER, 3, {"confirmed_amount": cny("530.00")})
    refused = _refusal(case, "approve", UNDERWRITER)
    assert _codes(refused) == ["role.not_allowed"]
    assert "needs the role manager, not underwriter" in str(refused)
    assert _fire(case, "approve", MANAGER, 4).state is S.APPROVED
    # The approvers may reject too, besides clerks.
    assert _fire(case, "reject", MANAGER, 4, reason="no").state is S.REJECTED


def test_a_single_role_is_taken_as_the_approvers() -> None:
    flow = change_workflow(approver_roles=Role.SENIOR_UNDERWRITER)
    approve = next(t for t in flow.transitions if t.event == "approve")
    assert approve.roles == {Role.SENIOR_UNDERWRITER}


@pytest.mark.parametrize(
    ("arguments", "field", "phrase"),
    [
        ({"approver_roles": []}, "approver_roles", "must hold at least one role"),
        ({"approver_roles": 3}, "approver_roles", "must be a collection of roles, such as "),
        ({"approver_roles": "underwriter"}, "approver_roles", "collection of roles"),
        ({"approver_roles": ["underwriter"]}, "approver_roles", "must hold roles (Enum members"),
        ({"handling_days": 0}, "handling_days", "must be an int from 1 to 3660 days, not 0"),
        ({"handling_days": 3661}, "handling_days", "not 3661"),
        ({"handling_days": True}, "handling_days", "not True"),
        ({"confirmation_days": 2.0}, "confirmation_days", "not float"),
        ({"confirmation_days": "15"}, "confirmation_days", "not str"),
        ({"calendar": "Asia/Shanghai"}, "calendar", "must be a WorkingCalendar or None, not str"),
    ],
)
def test_the_factory_refuses_bad_arguments(
    arguments: dict[str, object], field: str, phrase: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        change_workflow(**arguments)  # type: ignore[arg-type]
    assert (caught.value.owner, caught.value.field) == ("change_workflow", field)
    assert phrase in caught.value.reason


def test_the_diagram_is_the_table() -> None:
    assert CHANGE_WORKFLOW.to_mermaid() == "\n".join(
        [
            "stateDiagram-v2",
            "    [*] --> requested",
            "    requested --> rejected: validate [review failed]",
            "    requested --> validated: validate [otherwise]",
            "    validated --> priced: price",
            "    priced --> priced: price",
            "    priced --> confirmed: confirm",
            "    validated --> approved: approve",
            "    confirmed --> approved: approve",
            "    approved --> applied: apply",
            "    validated --> rejected: reject",
            "    priced --> rejected: reject",
            "    confirmed --> rejected: reject",
            "    requested --> withdrawn: withdraw",
            "    validated --> withdrawn: withdraw",
            "    priced --> withdrawn: withdraw",
            "    confirmed --> withdrawn: withdraw",
            "    approved --> withdrawn: withdraw",
            "    applied --> [*]",
            "    rejected --> [*]",
            "    withdrawn --> [*]",
        ]
    )


# --------------------------------------------------------------------------- opening


@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, CLERK])
def test_the_customer_an_agent_or_a_clerk_requests_a_change(actor: Actor) -> None:
    case, events = request_change("E-9", SUM_INSURED, actor=actor, at=AT)
    assert case.state is S.REQUESTED
    assert case.data == {"request": SUM_INSURED}
    assert [(e.event, e.actor_id, e.role) for e in case.history] == [
        ("start", actor.actor_id, actor.role)
    ]
    assert events[0].payload == {"request": SUM_INSURED}
    assert case.allowed_events() == ("validate", "withdraw")


@pytest.mark.parametrize("actor", [UNDERWRITER, MANAGER, SYSTEM])
def test_nobody_else_requests_a_change(actor: Actor) -> None:
    with pytest.raises(TransitionRefused) as caught:
        request_change("E-9", SUM_INSURED, actor=actor, at=AT)
    error = caught.value
    assert (error.workflow, error.case_id, error.state, error.event) == (
        "change",
        "E-9",
        "requested",
        "start",
    )
    assert _codes(error) == ["role.not_allowed"]
    assert (
        f"a change is requested by the customer, an agent or a clerk, not by {actor.role.value}"
        in str(error)
    )


def test_request_change_checks_its_arguments() -> None:
    with pytest.raises(
        ArgumentTypeError, match=r"request_change\(request\) takes a ChangeRequest"
    ):
        request_change("E-9", "more cover", actor=CUSTOMER, at=AT)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"a Workflow from change_workflow\(\)"):
        request_change("E-9", SUM_INSURED, actor=CUSTOMER, at=AT, workflow=CANCELLATION_WORKFLOW)
    with pytest.raises(ArgumentTypeError, match=r"a Workflow from change_workflow\(\)"):
        request_change("E-9", SUM_INSURED, actor=CUSTOMER, at=AT, workflow="change")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="must be a non-empty str"):
        request_change(" ", SUM_INSURED, actor=CUSTOMER, at=AT)


def test_the_audit_keeps_a_digest_of_the_contact_data_never_the_data() -> None:
    case = _opened(CONTACT)
    entry = case.history[0]
    assert len(entry.payload_digest) == 64
    assert int(entry.payload_digest, 16) >= 0  # hexadecimal
    for shown in (repr(entry), repr(case), str(case.data)):
        assert PHONE not in shown
        assert EMAIL not in shown
    # Another phone number gives another digest.
    other = _opened(attrs.evolve(CONTACT, phone="13900001111"))
    assert other.history[0].payload_digest != entry.payload_digest


# --------------------------------------------------------------------------- validate


def test_a_passing_review_validates_the_change() -> None:
    case = _validated()
    assert case.state is S.VALIDATED
    assert case.data["review"] is PASSED
    assert case.history[-1].event == "validate"
    assert case.allowed_events() == ("price", "approve", "reject", "withdraw")


@pytest.mark.parametrize(
    ("severities", "state"),
    [
        ((), S.VALIDATED),
        ((Severity.INFO,), S.VALIDATED),
        ((Severity.INFO, Severity.REFER), S.REJECTED),
        ((Severity.REFER,), S.REJECTED),
        ((Severity.BLOCK,), S.REJECTED),
    ],
)
def test_a_review_with_a_finding_for_a_person_rejects_the_change(
    severities: tuple[Severity, ...], state: ChangeState
) -> None:
    review = _review(*severities)
    case = _fire(_opened(), "validate", UNDERWRITER, 1, {"review": review})
    assert case.state is state
    recorded = case.data["review"]
    assert isinstance(recorded, MaterialReview)
    assert recorded.reasons == review.reasons  # the reasons are recorded


@given(severities=st.lists(st.sampled_from(list(Severity)), max_size=4))
def test_validation_rejects_exactly_when_a_finding_needs_a_person(
    severities: list[Severity],
) -> None:
    case = _fire(_opened(), "validate", CLERK, 1, {"review": _review(*severities)})
    rejected = Severity.REFER in severities or Severity.BLOCK in severities
    assert case.state is (S.REJECTED if rejected else S.VALIDATED)


def test_validation_needs_a_review() -> None:
    with pytest.raises(InvalidField, match="event 'validate' needs 'review'"):
        CHANGE_WORKFLOW.fire(_opened(), "validate", actor=CLERK, at=_at(1))
    with pytest.raises(
        InvalidField, match="'review' of event 'validate' must be a MaterialReview"
    ):
        CHANGE_WORKFLOW.fire(
            _opened(), "validate", actor=CLERK, at=_at(1), payload={"review": "complete"}
        )


@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, SENIOR, SYSTEM])
def test_only_a_clerk_or_an_underwriter_validates(actor: Actor) -> None:
    refused = _refusal(_opened(), "validate", actor, payload={"review": PASSED})
    assert _codes(refused) == ["role.not_allowed"]
    assert "needs the role clerk or underwriter" in str(refused)


def test_a_case_opened_without_a_request_cannot_be_validated() -> None:
    case, _ = CHANGE_WORKFLOW.start("E-5", actor=CLERK, at=AT, data={"policy": "P-1"})
    refused = _refusal(case, "validate", CLERK, payload={"review": PASSED})
    assert _codes(refused) == ["change.no_request"]
    assert "opened without a ChangeRequest under 'request'" in str(refused)
    assert "open the change with request_change()" in str(refused)
    # The way out: withdraw it.
    assert _fire(case, "withdraw", CLERK, 1, reason="opened by mistake").state is S.WITHDRAWN


def test_validation_cannot_replace_the_request() -> None:
    refused = _refusal(
        _opened(), "validate", CLERK, payload={"review": PASSED, "request": CONTACT}
    )
    # The engine refuses replacing a recorded key too; the workflow names the step.
    assert "change.record_replaced" in _codes(refused)
    reason = next(r for r in refused.reasons if getattr(r, "code", "") == "change.record_replaced")
    assert isinstance(reason, Reason)
    assert reason.details == {"key": "request", "recorded_by": "start", "event": "validate"}
    assert (
        "'request' is recorded by the creation of the case and cannot be replaced by event "
        "'validate'" in reason.message
    )


# --------------------------------------------------------------------------- price


def test_pricing_records_the_adjustment_and_can_be_done_again() -> None:
    case = _priced()
    assert case.state is S.PRICED
    assert case.data["adjustment"] == MORE
    assert MORE.amount == cny("530.00")
    again = _fire(case, "price", UNDERWRITER, 3, {"adjustment": LESS})
    assert again.state is S.PRICED
    assert again.data["adjustment"] == LESS
    assert LESS.amount == cny("-530.00")
    assert case.data["adjustment"] is MORE  # the case given is never changed


def test_a_contact_data_change_is_not_priced() -> None:
    refused = _refusal(_validated(CONTACT), "price", CLERK, payload={"adjustment": MORE})
    assert _codes(refused) == ["change.no_premium"]
    assert "a CONTACT_DATA change has no premium to price; approve it once validated" in str(
        refused
    )


def test_the_adjustment_takes_effect_on_the_requests_day() -> None:
    refused = _refusal(_validated(), "price", CLERK, payload={"adjustment": DAY_LATER})
    assert _codes(refused) == ["change.effective_day_mismatch"]
    assert (
        "the adjustment takes effect on 2025-04-12, but the change on 2025-04-11; compute it "
        "with adjust(..., effective_on=2025-04-11)" in str(refused)
    )


@given(day=st.integers(min_value=0, max_value=364))
def test_pricing_is_accepted_exactly_for_the_requests_day(day: int) -> None:
    effective = pendulum.date(2025, 1, 1).add(days=day)
    adjustment = adjust(cny("1000.00"), cny("1200.00"), TERM, effective)
    if effective == EFFECTIVE:
        assert _fire(_validated(), "price", CLERK, 2, {"adjustment": adjustment}).state is S.PRICED
    else:
        refused = _refusal(_validated(), "price", CLERK, payload={"adjustment": adjustment})
        assert _codes(refused) == ["change.effective_day_mismatch"]


def test_pricing_needs_an_adjustment() -> None:
    with pytest.raises(InvalidField, match="'adjustment' of event 'price' must be a Adjustment"):
        CHANGE_WORKFLOW.fire(
            _validated(), "price", actor=CLERK, at=_at(2), payload={"adjustment": cny("530.00")}
        )
    assert isinstance(MORE, Adjustment)


@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, SENIOR])
def test_only_a_clerk_or_an_underwriter_prices(actor: Actor) -> None:
    refused = _refusal(_validated(), "price", actor, payload={"adjustment": MORE})
    assert _codes(refused) == ["role.not_allowed"]


# --------------------------------------------------------------------------- confirm


@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, CLERK_2])
def test_the_customer_confirms_the_price(actor: Actor) -> None:
    case = _fire(_priced(), "confirm", actor, 3, {"confirmed_amount": Money("530", "CNY")})
    assert case.state is S.CONFIRMED
    assert case.data["confirmed_amount"] == cny("530.00")


@pytest.mark.parametrize(
    ("confirmed", "phrase"),
    [
        (cny("528.00"), "the customer confirmed 528.00 CNY, but the change is priced at 530.00"),
        (cny("-530.00"), "the customer confirmed -530.00 CNY"),
        (Money("530.00", "USD"), "the customer confirmed 530.00 USD"),
    ],
)
def test_the_customer_must_confirm_the_current_price(confirmed: Money, phrase: str) -> None:
    refused = _refusal(_priced(), "confirm", CUSTOMER, payload={"confirmed_amount": confirmed})
    assert _codes(refused) == ["change.amount_not_confirmed"]
    assert phrase in str(refused)
    assert "have the customer confirm the current price" in str(refused)


def test_a_repriced_change_needs_the_new_price_confirmed() -> None:
    repriced = _fire(_priced(), "price", CLERK, 3, {"adjustment": LESS})
    refused = _refusal(repriced, "confirm", CUSTOMER, payload={"confirmed_amount": cny("530.00")})
    assert _codes(refused) == ["change.amount_not_confirmed"]
    confirmed = _fire(repriced, "confirm", CUSTOMER, 4, {"confirmed_amount": cny("-530.00")})
    assert confirmed.state is S.CONFIRMED


@given(cents=st.integers(min_value=-100_000, max_value=100_000))
def test_confirmation_is_accepted_exactly_for_the_priced_amount(cents: int) -> None:
    confirmed = Money.from_minor_units(cents, "CNY")
    payload = {"confirmed_amount": confirmed}
    if cents == 53_000:
        assert _fire(_priced(), "confirm", AGENT, 3, payload).state is S.CONFIRMED
    else:
        refused = _refusal(_priced(), "confirm", AGENT, payload=payload)
        assert _codes(refused) == ["change.amount_not_confirmed"]


def test_who_priced_cannot_confirm_for_the_customer() -> None:
    refused = _refusal(_priced(), "confirm", CLERK, payload={"confirmed_amount": cny("530.00")})
    assert _codes(refused) == ["four_eyes.same_actor"]


def test_an_underwriter_does_not_confirm_for_the_customer() -> None:
    refused = _refusal(
        _priced(), "confirm", UNDERWRITER, payload={"confirmed_amount": cny("530.00")}
    )
    assert _codes(refused) == ["role.not_allowed"]
    assert "needs the role agent or clerk or customer, not underwriter" in str(refused)


# --------------------------------------------------------------------------- approve


@pytest.mark.parametrize("actor", [UNDERWRITER, SENIOR])
def test_an_underwriter_approves_a_confirmed_change(actor: Actor) -> None:
    case = _fire(_confirmed(), "approve", actor, 4)
    assert case.state is S.APPROVED
    assert case.allowed_events() == ("apply", "withdraw")


def test_a_contact_data_change_goes_from_validation_to_approval() -> None:
    case = _fire(_validated(CONTACT), "approve", UNDERWRITER, 2)
    assert case.state is S.APPROVED
    case = _fire(case, "apply", SYSTEM, 3)
    assert [entry.target for entry in case.history] == [
        S.REQUESTED,
        S.VALIDATED,
        S.APPROVED,
        S.APPLIED,
    ]
    assert case.data["request"] == CONTACT


@pytest.mark.parametrize(
    "kind", [ChangeKind.INSURED_OBJECT, ChangeKind.TERM, ChangeKind.SUM_INSURED]
)
def test_a_change_of_premium_is_priced_and_confirmed_before_approval(kind: ChangeKind) -> None:
    request = ChangeRequest(kind, EFFECTIVE, "a change")
    refused = _refusal(_validated(request), "approve", UNDERWRITER)
    assert _codes(refused) == ["change.not_priced"]
    assert (
        f"a {kind.name} change alters the premium: price it and have the customer confirm it "
        "before approval" in str(refused)
    )


def test_who_validated_cannot_approve() -> None:
    case = _fire(_opened(), "validate", UNDERWRITER, 1, {"review": PASSED})
    case = _fire(case, "price", CLERK, 2, {"adjustment": MORE})
    case = _fire(case, "confirm", CUSTOMER, 3, {"confirmed_amount": cny("530.00")})
    refused = _refusal(case, "approve", UNDERWRITER)
    assert _codes(refused) == ["four_eyes.same_actor"]
    assert "'w-1' fired 'validate' on this case, so cannot fire 'approve'" in str(refused)
    assert _fire(case, "approve", UNDERWRITER_2, 4).state is S.APPROVED


def test_who_priced_cannot_approve() -> None:
    case = _fire(_validated(), "price", UNDERWRITER, 2, {"adjustment": MORE})
    case = _fire(case, "confirm", CUSTOMER, 3, {"confirmed_amount": cny("530.00")})
    refused = _refusal(case, "approve", UNDERWRITER)
    assert _codes(refused) == ["four_eyes.same_actor"]
    assert "'w-1' fired 'price'" in str(refused)


@pytest.mark.parametrize("actor", [CLERK_2, CUSTOMER, MANAGER])
def test_only_the_approvers_approve(actor: Actor) -> None:
    refused = _refusal(_confirmed(), "approve", actor)
    assert "role.not_allowed" in _codes(refused)


# --------------------------------------------------------------------------- apply


@pytest.mark.parametrize("actor", [CLERK, SYSTEM])
def test_an_approved_change_is_applied(actor: Actor) -> None:
    case = _fire(_approved(), "apply", actor, 5)
    assert case.state is S.APPLIED
    assert case.is_final
    assert case.allowed_events() == ()


def test_an_underwriter_does_not_apply() -> None:
    assert _codes(_refusal(_approved(), "apply", UNDERWRITER_2)) == ["role.not_allowed"]


# --------------------------------------------------------------------------- reject


@pytest.mark.parametrize("build", [_validated, _priced, _confirmed])
@pytest.mark.parametrize("actor", [CLERK_2, UNDERWRITER, SENIOR])
def test_the_insurer_rejects_with_a_reason(build: Callable[[], Case], actor: Actor) -> None:
    case = _fire(build(), "reject", actor, 9, reason="the vehicle is not insurable")
    assert case.state is S.REJECTED
    assert case.history[-1].reason == "the vehicle is not insurable"


def test_a_rejection_needs_a_reason_and_an_insurer() -> None:
    with pytest.raises(InvalidField, match="event 'reject' needs a reason"):
        CHANGE_WORKFLOW.fire(_validated(), "reject", actor=UNDERWRITER, at=_at(9))
    refused = _refusal(_validated(), "reject", CUSTOMER, reason="no")
    assert _codes(refused) == ["role.not_allowed"]


def test_a_request_is_not_rejected_before_validation() -> None:
    with pytest.raises(InvalidTransition, match="allowed events: 'validate', 'withdraw'"):
        CHANGE_WORKFLOW.fire(_opened(), "reject", actor=UNDERWRITER, at=_at(1), reason="no")


# --------------------------------------------------------------------------- withdraw


@pytest.mark.parametrize(
    "build",
    [_opened, _validated, _priced, _confirmed, _approved],
)
@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, CLERK_2])
def test_the_customer_withdraws_before_the_change_is_applied(
    build: Callable[[], Case], actor: Actor
) -> None:
    case = _fire(build(), "withdraw", actor, 9, reason="the customer keeps the policy as is")
    assert case.state is S.WITHDRAWN
    assert case.is_final


def test_a_withdrawal_needs_a_reason_and_the_customers_side() -> None:
    with pytest.raises(InvalidField, match="event 'withdraw' needs a reason"):
        CHANGE_WORKFLOW.fire(_priced(), "withdraw", actor=CUSTOMER, at=_at(9))
    assert _codes(_refusal(_priced(), "withdraw", UNDERWRITER, reason="x")) == ["role.not_allowed"]


def test_an_applied_change_cannot_be_withdrawn() -> None:
    applied = _fire(_approved(), "apply", CLERK, 5)
    with pytest.raises(InvalidTransition, match="none \\(a final state\\)"):
        CHANGE_WORKFLOW.fire(applied, "withdraw", actor=CUSTOMER, at=_at(9), reason="late")


# --------------------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("build", "event", "actor", "payload", "recorded"),
    [
        (
            _priced,
            "confirm",
            CUSTOMER,
            {"confirmed_amount": cny("530.00"), "adjustment": LESS},
            ("adjustment", "price"),
        ),
        (
            _confirmed,
            "approve",
            UNDERWRITER,
            {"confirmed_amount": cny("0.00")},
            ("confirmed_amount", "confirm"),
        ),
        (_approved, "apply", CLERK, {"adjustment": LESS}, ("adjustment", "price")),
        (_priced, "price", CLERK, {"adjustment": LESS, "review": FAILED}, ("review", "validate")),
        (_approved, "withdraw", CUSTOMER, {"request": CONTACT}, ("request", "start")),
    ],
)
def test_no_step_replaces_another_steps_record(
    build: Callable[[], Case],
    event: str,
    actor: Actor,
    payload: Mapping[str, object],
    recorded: tuple[str, str],
) -> None:
    key, recorded_by = recorded
    refused = _refusal(build(), event, actor, payload=payload, reason="r")
    # The engine refuses replacing a recorded key too; the workflow names the step.
    assert "change.record_replaced" in _codes(refused)
    reason = next(r for r in refused.reasons if getattr(r, "code", "") == "change.record_replaced")
    assert isinstance(reason, Reason)
    assert reason.details == {"key": key, "recorded_by": recorded_by, "event": event}
    assert reason.severity is Severity.BLOCK


def test_other_data_may_ride_along() -> None:
    case = _fire(_approved(), "apply", CLERK, 5, {"endorsement_number": "END-2025-0042"})
    assert case.data["endorsement_number"] == "END-2025-0042"
    assert case.data["adjustment"] is MORE


# --------------------------------------------------------------------------- deadlines


def test_each_office_step_has_two_working_days() -> None:
    friday = pendulum.datetime(2025, 4, 11, 9, tz="Asia/Shanghai")
    case, _ = request_change("E-7", SUM_INSURED, actor=CUSTOMER, at=friday)
    # Friday 11 April + 2 working days: Monday 14, Tuesday 15 (the weekend is off).
    assert CHANGE_WORKFLOW.overdue(case, pendulum.date(2025, 4, 15)) is None
    late = CHANGE_WORKFLOW.overdue(case, pendulum.date(2025, 4, 17))
    assert late is not None
    assert (late.state, late.due_on, late.days_late) == (
        S.REQUESTED,
        pendulum.date(2025, 4, 15),
        2,
    )


def test_working_days_skip_holidays_and_count_make_up_days() -> None:
    # National Day 2025: 1 to 8 October off; Sunday 28 September and Saturday 11 October
    # worked instead.
    calendar = WorkingCalendar(
        "Asia/Shanghai",
        holidays={pendulum.date(2025, 10, day) for day in range(1, 9)},
        working_days={pendulum.date(2025, 9, 28), pendulum.date(2025, 10, 11)},
    )
    flow = change_workflow(calendar=calendar)
    tuesday = pendulum.datetime(2025, 9, 30, 17, tz="Asia/Shanghai")
    case, _ = request_change("E-8", SUM_INSURED, actor=CUSTOMER, at=tuesday, workflow=flow)
    # From Tuesday 30 September: Thursday 9 and Friday 10 October are the 2 working days.
    assert flow.overdue(case, pendulum.date(2025, 10, 10)) is None
    late = flow.overdue(case, pendulum.date(2025, 10, 11))
    assert late is not None
    assert (late.due_on, late.days_late) == (pendulum.date(2025, 10, 10), 1)
    # A case opened on Friday 26 September: Sunday 28 is worked, so Monday 29 is the 2nd.
    friday = pendulum.datetime(2025, 9, 26, 9, tz="Asia/Shanghai")
    early, _ = request_change("E-9", SUM_INSURED, actor=CUSTOMER, at=friday, workflow=flow)
    late = flow.overdue(early, pendulum.date(2025, 9, 30))
    assert late is not None
    assert late.due_on == pendulum.date(2025, 9, 29)


def test_the_customer_has_fifteen_calendar_days_to_confirm() -> None:
    case = _priced()  # priced on Monday 7 April 2025
    # 7 April + 15 calendar days = 22 April, weekends included.
    assert CHANGE_WORKFLOW.overdue(case, pendulum.date(2025, 4, 22)) is None
    late = CHANGE_WORKFLOW.overdue(case, pendulum.date(2025, 4, 23))
    assert late is not None
    assert (late.state, late.due_on, late.days_late) == (S.PRICED, pendulum.date(2025, 4, 22), 1)


def test_a_final_state_has_no_deadline() -> None:
    applied = _fire(_approved(), "apply", CLERK, 5)
    assert CHANGE_WORKFLOW.overdue(applied, pendulum.date(2026, 1, 1)) is None


# --------------------------------------------------------------------------- whole paths


def test_the_happy_path_is_recorded_step_by_step_and_replays() -> None:
    case, events = request_change("E-1", SUM_INSURED, actor=CUSTOMER, at=AT)
    produced = list(events)
    steps: list[tuple[str, Actor, Mapping[str, object] | None]] = [
        ("validate", CLERK, {"review": PASSED}),
        ("price", CLERK, {"adjustment": MORE}),
        ("confirm", CUSTOMER, {"confirmed_amount": cny("530.00")}),
        ("approve", UNDERWRITER, None),
        ("apply", SYSTEM, None),
    ]
    for hours, (event, actor, payload) in enumerate(steps, start=1):
        case, events = CHANGE_WORKFLOW.fire(
            case, event, actor=actor, at=_at(hours), payload=payload
        )
        produced.extend(events)
    assert [(e.event, e.source, e.target, e.actor_id) for e in case.history] == [
        ("start", None, S.REQUESTED, "c-1"),
        ("validate", S.REQUESTED, S.VALIDATED, "u-1"),
        ("price", S.VALIDATED, S.PRICED, "u-1"),
        ("confirm", S.PRICED, S.CONFIRMED, "c-1"),
        ("approve", S.CONFIRMED, S.APPROVED, "w-1"),
        ("apply", S.APPROVED, S.APPLIED, "s-1"),
    ]
    assert CHANGE_WORKFLOW.replay(produced) == case
    assert set(case.data) == {"request", "review", "adjustment", "confirmed_amount"}


def test_no_message_or_repr_shows_the_new_contact_data() -> None:
    case, events = request_change("E-4", CONTACT, actor=CUSTOMER, at=AT)
    shown = [repr(case), repr(events), repr(case.history)]
    attempts: list[Callable[[], object]] = [
        lambda: CHANGE_WORKFLOW.fire(case, "price", actor=CLERK, at=_at(1)),
        lambda: CHANGE_WORKFLOW.fire(case, "validate", actor=CUSTOMER, at=_at(1), payload={}),
        lambda: CHANGE_WORKFLOW.fire(
            case, "validate", actor=CUSTOMER, at=_at(1), payload={"review": PASSED}
        ),
    ]
    for attempt in attempts:
        with pytest.raises((InvalidField, InvalidTransition, TransitionRefused)) as caught:
            attempt()
        shown.append(str(caught.value))
        shown.append(repr(getattr(caught.value, "reasons", ())))
    case, events = CHANGE_WORKFLOW.fire(
        case, "validate", actor=CLERK, at=_at(2), payload={"review": PASSED}
    )
    case, more = CHANGE_WORKFLOW.fire(case, "approve", actor=UNDERWRITER, at=_at(3))
    shown += [repr(case), repr(events), repr(more), repr(case.history)]
    for text in shown:
        assert PHONE not in text
        assert EMAIL not in text


# --------------------------------------------------------------------------- stateful

ACTORS = [CUSTOMER, AGENT, CLERK, CLERK_2, UNDERWRITER, UNDERWRITER_2, SENIOR, SYSTEM]


def _payloads(event: str) -> st.SearchStrategy[Mapping[str, object] | None]:
    """Mostly valid payloads, so cases reach the final states; sometimes wrong ones.

    A withdrawal or a rejection mostly carries a record it may not replace, and is
    refused: cases that end early would rarely reach approval and application.
    """
    replaced: Mapping[str, object] | None = {"request": CONTACT}
    if event in {"withdraw", "reject"}:
        return st.sampled_from([None, replaced, replaced, replaced, replaced, replaced])
    review: Mapping[str, object] | None = {"review": PASSED}
    more: Mapping[str, object] | None = {"adjustment": MORE}
    confirmed: Mapping[str, object] | None = {"confirmed_amount": cny("530.00")}
    valid: dict[str, list[Mapping[str, object] | None]] = {
        "validate": [review] * 8 + [{"review": FAILED}],
        "price": [more] * 8 + [{"adjustment": LESS}],
        "confirm": [confirmed] * 8 + [{"confirmed_amount": cny("-530.00")}],
    }
    wrong: list[Mapping[str, object] | None] = [
        None,
        {"review": "complete"},
        {"adjustment": DAY_LATER},
        {"confirmed_amount": Money("530.00", "USD")},
        replaced,
        {"adjustment": LESS, "review": PASSED},
        {"note": "rides along"},
    ]
    return st.sampled_from(valid.get(event, [None] * 8) + wrong)


TestPricedChangeMachine = workflow_machine(
    CHANGE_WORKFLOW, actors=ACTORS, payloads=_payloads, data={"request": SUM_INSURED}
).TestCase
TestContactChangeMachine = workflow_machine(
    CHANGE_WORKFLOW, actors=ACTORS, payloads=_payloads, data={"request": CONTACT}
).TestCase
