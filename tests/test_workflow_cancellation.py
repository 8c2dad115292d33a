"""The cancellation (surrender) workflow: every transition, guard, route branch and deadline.

Expected figures are worked out by hand in the comments. The annual 2025 term from
1 January has 365 days; a cancellation taking effect at 00:00 on 11 April has used
100 of them, so by the day 3,650.00 earns 1,000.00 (10.00 a day) and refunds
2,650.00; CTPL's 950.00 refunds 950.00 x 265/365 = 689.726... = 689.73.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny
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
from renewal_core.presets.cn_ctpl import CtplCancellationCase, ctpl_refund
from renewal_core.presets.cn_short_rate import ACCIDENT_SHORT_RATE, PROPERTY_SHORT_RATE
from renewal_core.pricing.refunds import (
    CancelledBy,
    Flat,
    ProRata,
    Refund,
    RefundRules,
    ShortRate,
    refund,
)
from renewal_core.reasons import Reason, Severity
from renewal_core.workflows.cancellation import (
    CANCELLATION_WORKFLOW,
    CancellationRequest,
    CancellationState,
    RefundPayment,
    cancellation_workflow,
    request_cancellation,
)
from renewal_core.workflows.change import CHANGE_WORKFLOW
from renewal_core.workflows.engine import (
    Actor,
    Case,
    Deadline,
    Role,
    Workflow,
    WorkingCalendar,
)
from workflow_machine import workflow_machine

S = CancellationState
AT = pendulum.datetime(2025, 4, 7, 9, tz="Asia/Shanghai")  # a Monday
TERM = PolicyTerm.annual(pendulum.date(2025, 1, 1), "Asia/Shanghai")
ON = pendulum.date(2025, 4, 11)  # 100 days used

CUSTOMER = Actor("c-1", Role.CUSTOMER)
AGENT = Actor("a-1", Role.AGENT)
CLERK = Actor("u-1", Role.CLERK)
CLERK_2 = Actor("u-2", Role.CLERK)
UNDERWRITER = Actor("w-1", Role.UNDERWRITER)
UNDERWRITER_2 = Actor("w-2", Role.UNDERWRITER)
SENIOR = Actor("w-3", Role.SENIOR_UNDERWRITER)
MANAGER = Actor("m-1", Role.MANAGER)
FINANCE = Actor("f-1", Role.FINANCE)
SYSTEM = Actor("s-1", Role.SYSTEM)

PASSED = MaterialReview("surrender", missing=(), invalid=(), reasons=())


def _review(*severities: Severity) -> MaterialReview:
    reasons = [
        Reason("materials.missing", severity, "material_review", f"finding {index}")
        for index, severity in enumerate(severities)
    ]
    return MaterialReview("surrender", missing=(), invalid=(), reasons=reasons)


FAILED = _review(Severity.REFER)
SURRENDER = CancellationRequest(CancelledBy.INSURED, TERM, ON, cny("3650.00"), product="HOME")
CTPL = CancellationRequest(
    CancelledBy.INSURED,
    TERM,
    ON,
    cny("950.00"),
    product="CTPL",
    compulsory=True,
    statutory_case=CtplCancellationCase.DEREGISTERED,
)
CTPL_WITHOUT_CASE = attrs.evolve(CTPL, statutory_case=None)
# 3,650.00 after 100 of 365 days: 1,000.00 earned, 2,650.00 refunded.
BY_THE_DAY = refund(cny("3650.00"), TERM, ON, ProRata())
# The same a day later: 101 days, 1,010.00 earned, 2,640.00 refunded.
DAY_LATER = refund(cny("3650.00"), TERM, ON.add(days=1), ProRata())
# 4 months started (January to April): the property table's 40%, 1,460.00 earned.
SHORT_RATE = refund(cny("3650.00"), TERM, ON, ShortRate(PROPERTY_SHORT_RATE))
# CTPL by the day: 950.00 x 265/365 = 689.73 refunded.
CTPL_REFUND = ctpl_refund(cny("950.00"), TERM, ON, CtplCancellationCase.DEREGISTERED)
PAID = RefundPayment("PAY-0001", cny("2650.00"), pendulum.date(2025, 4, 9))


def _at(hours: int) -> pendulum.DateTime:
    return AT.add(hours=hours)


def _opened(
    request: CancellationRequest = SURRENDER, *, workflow: Workflow = CANCELLATION_WORKFLOW
) -> Case:
    case, _ = request_cancellation("S-1", request, actor=CLERK, at=AT, workflow=workflow)
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


def _checked(request: CancellationRequest = SURRENDER) -> Case:
    return _fire(_opened(request), "check", CLERK, 1, {"review": PASSED})


def _calculated() -> Case:
    return _fire(_checked(), "calculate", CLERK, 2, {"refund": BY_THE_DAY})


def _approved() -> Case:
    return _fire(_calculated(), "approve", UNDERWRITER, 3)


def _refunded() -> Case:
    return _fire(_approved(), "pay", FINANCE, 4, {"payment": PAID})


def _requested() -> Case:
    return _opened()


# --------------------------------------------------------------------------- values


def test_the_states_are_the_steps_of_a_surrender() -> None:
    assert [state.value for state in CancellationState] == [
        "requested",
        "checked",
        "calculated",
        "approved",
        "refunded",
        "closed",
        "rejected",
        "withdrawn",
    ]
    assert CANCELLATION_WORKFLOW.final == {S.CLOSED, S.REJECTED, S.WITHDRAWN}
    assert CANCELLATION_WORKFLOW.initial is S.REQUESTED
    assert repr(S.REFUNDED) == "CancellationState.REFUNDED"


def test_a_request_keeps_its_fields() -> None:
    request = CancellationRequest(
        CancelledBy.INSURED, TERM, dt.date(2025, 4, 11), cny("3650.00"), cooling_off_days=15
    )
    assert type(request.cancelled_on) is pendulum.Date
    assert request.cancelled_on == ON
    assert (request.product, request.compulsory, request.statutory_case) == (None, False, None)
    assert request.cooling_off_days == 15
    assert "CancellationRequest(cancelled_by=CancelledBy.INSURED" in repr(request)


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"cancelled_by": "insured"}, "cancelled_by", "convert it with CancelledBy('insured')"),
        ({"term": "2025"}, "term", "must be a PolicyTerm, not str"),
        ({"premium": cny("-1.00")}, "premium", "must not be negative"),
        ({"premium": cny("1.005")}, "premium", "finer than the minor unit of CNY"),
        ({"premium": Decimal("3650.00")}, "premium", "must be a Money, not Decimal"),
        ({"product": ""}, "product", "must not be empty"),
        ({"compulsory": 1}, "compulsory", "must be True or False, not int"),
        ({"statutory_case": "lost"}, "statutory_case", "CtplCancellationCase('lost')"),
        ({"cooling_off_days": 0}, "cooling_off_days", "must be at least 1, not 0"),
        ({"cooling_off_days": True}, "cooling_off_days", "must be an int, not bool"),
    ],
)
def test_a_bad_field_is_refused(changes: dict[str, object], field: str, phrase: str) -> None:
    with pytest.raises(InvalidField, match=re.escape(phrase)) as caught:
        attrs.evolve(SURRENDER, **changes)  # type: ignore[arg-type]
    assert (caught.value.owner, caught.value.field) == ("CancellationRequest", field)


def test_a_datetime_is_not_a_day_of_effect() -> None:
    with pytest.raises(DateTypeError):
        attrs.evolve(SURRENDER, cancelled_on=dt.datetime(2025, 4, 11, tzinfo=dt.UTC))


def test_a_statutory_case_is_for_compulsory_cover_only() -> None:
    with pytest.raises(InvalidField, match="applies to compulsory cover \\(CTPL\\) only") as e:
        attrs.evolve(SURRENDER, statutory_case=CtplCancellationCase.LOST)
    assert e.value.field == "statutory_case"


@pytest.mark.parametrize(
    ("compulsory", "cancelled_by", "case", "codes"),
    [
        (True, CancelledBy.INSURED, None, ["cancellation.no_statutory_case"]),
        (True, CancelledBy.INSURED, CtplCancellationCase.LAID_UP, []),
        (True, CancelledBy.INSURER, None, []),
        (False, CancelledBy.INSURED, None, []),
        (False, CancelledBy.INSURER, None, []),
    ],
)
def test_the_policyholder_cancels_compulsory_cover_in_a_statutory_case_only(
    compulsory: bool,
    cancelled_by: CancelledBy,
    case: CtplCancellationCase | None,
    codes: list[str],
) -> None:
    request = CancellationRequest(
        cancelled_by, TERM, ON, cny("950.00"), compulsory=compulsory, statutory_case=case
    )
    assert [reason.code for reason in request.findings] == codes


def test_the_no_statutory_case_finding_explains_itself() -> None:
    (finding,) = CTPL_WITHOUT_CASE.findings
    assert finding.severity is Severity.BLOCK
    assert finding.rule == "statutory_case"
    assert finding.message == (
        "compulsory cover may be cancelled by the policyholder only in a statutory case "
        "(DEREGISTERED, LAID_UP, LOST, INSURED_TWICE), and none is given"
    )
    assert finding.details == {"product": "CTPL"}


@pytest.mark.parametrize(
    ("cancelled_on", "days", "within"),
    [
        (pendulum.date(2024, 12, 20), 10, True),  # before the start: 0 days used
        (pendulum.date(2025, 1, 11), 10, True),  # 10 days used
        (pendulum.date(2025, 1, 12), 10, False),  # 11 days used
        (pendulum.date(2025, 1, 2), None, False),  # no cooling-off period
    ],
)
def test_the_cooling_off_period_counts_the_days_used(
    cancelled_on: pendulum.Date, days: int | None, within: bool
) -> None:
    request = attrs.evolve(SURRENDER, cancelled_on=cancelled_on, cooling_off_days=days)
    assert request.within_cooling_off is within
    codes = [reason.code for reason in request.findings]
    assert codes == (["cancellation.cooling_off"] if within else [])


def test_the_cooling_off_finding_informs_only() -> None:
    request = attrs.evolve(SURRENDER, cancelled_on=pendulum.date(2025, 1, 11), cooling_off_days=15)
    (finding,) = request.findings
    assert finding.severity is Severity.INFO
    assert finding.message == (
        "cancelled within the 15 cooling-off days, so the whole premium is refunded"
    )
    assert finding.details == {"days_used": 10, "cooling_off_days": 15}


@given(used=st.integers(min_value=-30, max_value=400), days=st.integers(min_value=1, max_value=60))
def test_within_cooling_off_is_at_most_the_days_used(used: int, days: int) -> None:
    request = attrs.evolve(
        SURRENDER, cancelled_on=TERM.start.add(days=used), cooling_off_days=days
    )
    # Days used by 00:00 of the day: none before the start, at most the term's 365.
    elapsed = min(max(used, 0), 365)
    assert request.within_cooling_off is (elapsed <= days)


def test_a_payment_is_a_reference_an_amount_and_a_day() -> None:
    payment = RefundPayment("PAY-7", cny("2650.00"), dt.date(2025, 4, 9))
    assert repr(payment) == (
        "RefundPayment(reference='PAY-7', amount=Money('2650.00', 'CNY'), "
        "paid_on=Date(2025, 4, 9))"
    )
    assert type(payment.paid_on) is pendulum.Date


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"reference": ""}, "reference", "must not be empty"),
        ({"amount": cny("0.00")}, "amount", "must be greater than zero"),
        ({"amount": cny("-5.00")}, "amount", "must be greater than zero"),
        ({"amount": 2650}, "amount", "must be a Money, not int"),
    ],
)
def test_a_bad_payment_is_refused(changes: dict[str, object], field: str, phrase: str) -> None:
    with pytest.raises(InvalidField, match=phrase) as caught:
        attrs.evolve(PAID, **changes)  # type: ignore[arg-type]
    assert (caught.value.owner, caught.value.field) == ("RefundPayment", field)
    with pytest.raises(DateTypeError):
        attrs.evolve(PAID, paid_on=dt.datetime(2025, 4, 9, tzinfo=dt.UTC))


# --------------------------------------------------------------------------- the factory


def test_the_default_workflow_has_the_documented_deadlines() -> None:
    deadlines = [(d.state, d.days, d.working_days) for d in CANCELLATION_WORKFLOW.deadlines]
    assert deadlines == [
        (S.REQUESTED, 2, True),
        (S.CHECKED, 2, True),
        (S.CALCULATED, 2, True),
        (S.APPROVED, 10, False),
        (S.REFUNDED, 2, True),
    ]
    assert CANCELLATION_WORKFLOW.calendar == WorkingCalendar("Asia/Shanghai")
    assert CANCELLATION_WORKFLOW.name == "cancellation"


def test_the_factory_takes_its_settings() -> None:
    calendar = WorkingCalendar("Asia/Shanghai", holidays={pendulum.date(2025, 5, 1)})
    flow = cancellation_workflow(
        calendar=calendar,
        approver_roles=Role.MANAGER,
        handling_days=1,
        refund_days=5,
        refund_in_working_days=True,
    )
    assert flow.calendar is calendar
    assert flow.deadlines[0] == Deadline(S.REQUESTED, 1, working_days=True)
    assert flow.deadlines[3] == Deadline(S.APPROVED, 5, working_days=True)
    case = _fire(_opened(workflow=flow), "check", CLERK, 1, {"review": PASSED})
    case = _fire(case, "calculate", CLERK, 2, {"refund": BY_THE_DAY})
    refused = _refusal(case, "approve", UNDERWRITER)
    assert "event 'approve' needs the role manager, not underwriter" in str(refused)
    assert _fire(case, "approve", MANAGER, 3).state is S.APPROVED
    assert _fire(case, "reject", MANAGER, 3, reason="no").state is S.REJECTED


@pytest.mark.parametrize(
    ("arguments", "field", "phrase"),
    [
        ({"rules": ProRata()}, "rules", "must be a RefundRules or None, not ProRata"),
        ({"approver_roles": ()}, "approver_roles", "must hold at least one role"),
        ({"approver_roles": [1]}, "approver_roles", "not int"),
        ({"handling_days": -1}, "handling_days", "must be an int from 1 to 3660 days, not -1"),
        ({"refund_days": 0}, "refund_days", "not 0"),
        ({"refund_days": None}, "refund_days", "not NoneType"),
        ({"refund_in_working_days": 1}, "refund_in_working_days", "must be True or False"),
        ({"calendar": object()}, "calendar", "must be a WorkingCalendar or None, not object"),
    ],
)
def test_the_factory_refuses_bad_arguments(
    arguments: dict[str, object], field: str, phrase: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        cancellation_workflow(**arguments)  # type: ignore[arg-type]
    assert (caught.value.owner, caught.value.field) == ("cancellation_workflow", field)
    assert phrase in caught.value.reason


def test_the_diagram_is_the_table() -> None:
    assert CANCELLATION_WORKFLOW.to_mermaid() == "\n".join(
        [
            "stateDiagram-v2",
            "    [*] --> requested",
            "    requested --> rejected: check [no statutory case]",
            "    requested --> rejected: check [review failed]",
            "    requested --> checked: check [otherwise]",
            "    checked --> calculated: calculate",
            "    calculated --> calculated: calculate",
            "    calculated --> closed: approve [nothing to refund]",
            "    calculated --> approved: approve [otherwise]",
            "    approved --> refunded: pay",
            "    refunded --> closed: close",
            "    checked --> rejected: reject",
            "    calculated --> rejected: reject",
            "    requested --> withdrawn: withdraw",
            "    checked --> withdrawn: withdraw",
            "    calculated --> withdrawn: withdraw",
            "    approved --> withdrawn: withdraw",
            "    closed --> [*]",
            "    rejected --> [*]",
            "    withdrawn --> [*]",
        ]
    )


# --------------------------------------------------------------------------- opening


@pytest.mark.parametrize(
    ("cancelled_by", "actor"),
    [
        (CancelledBy.INSURED, CUSTOMER),
        (CancelledBy.INSURED, AGENT),
        (CancelledBy.INSURED, CLERK),
        (CancelledBy.INSURER, CLERK),
        (CancelledBy.INSURER, UNDERWRITER),
        (CancelledBy.INSURER, SENIOR),
        (CancelledBy.INSURER, MANAGER),
    ],
)
def test_the_side_that_cancels_opens_the_case(cancelled_by: CancelledBy, actor: Actor) -> None:
    request = attrs.evolve(SURRENDER, cancelled_by=cancelled_by)
    case, events = request_cancellation("S-9", request, actor=actor, at=AT)
    assert case.state is S.REQUESTED
    assert case.data == {"request": request}
    assert events[0].payload == {"request": request}
    assert case.allowed_events() == ("check", "withdraw")


@pytest.mark.parametrize(
    ("cancelled_by", "actor", "phrase"),
    [
        (
            CancelledBy.INSURED,
            UNDERWRITER,
            "a cancellation by the insured is requested by the customer, an agent or a clerk, "
            "not by underwriter",
        ),
        (CancelledBy.INSURED, FINANCE, "not by finance"),
        (
            CancelledBy.INSURER,
            AGENT,
            "a cancellation by the insurer is requested by a clerk, an underwriter, a senior "
            "underwriter or a manager, not by agent",
        ),
        (CancelledBy.INSURER, SYSTEM, "not by system"),
    ],
)
def test_the_other_side_does_not_open_it(
    cancelled_by: CancelledBy, actor: Actor, phrase: str
) -> None:
    request = attrs.evolve(SURRENDER, cancelled_by=cancelled_by)
    with pytest.raises(TransitionRefused) as caught:
        request_cancellation("S-9", request, actor=actor, at=AT)
    assert (caught.value.workflow, caught.value.event, caught.value.state) == (
        "cancellation",
        "start",
        "requested",
    )
    assert _codes(caught.value) == ["role.not_allowed"]
    assert phrase in str(caught.value)


def test_request_cancellation_checks_its_arguments() -> None:
    with pytest.raises(
        ArgumentTypeError, match=r"request_cancellation\(request\) takes a CancellationRequest"
    ):
        request_cancellation("S-9", BY_THE_DAY, actor=CUSTOMER, at=AT)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"a Workflow from cancellation_workflow\(\)"):
        request_cancellation("S-9", SURRENDER, actor=CUSTOMER, at=AT, workflow=CHANGE_WORKFLOW)
    with pytest.raises(ArgumentTypeError, match=r"a Workflow from cancellation_workflow\(\)"):
        request_cancellation("S-9", SURRENDER, actor=CUSTOMER, at=AT, workflow=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="must be a non-empty str"):
        request_cancellation("", SURRENDER, actor=CUSTOMER, at=AT)


# --------------------------------------------------------------------------- check


def test_a_passing_review_checks_the_cancellation() -> None:
    case = _checked()
    assert case.state is S.CHECKED
    assert case.data["review"] is PASSED
    assert case.allowed_events() == ("calculate", "reject", "withdraw")


def test_compulsory_cover_without_a_statutory_case_is_rejected_with_the_reason() -> None:
    case = _fire(_opened(CTPL_WITHOUT_CASE), "check", CLERK, 1, {"review": PASSED})
    assert case.state is S.REJECTED
    request = case.data["request"]
    assert isinstance(request, CancellationRequest)
    assert [reason.code for reason in request.findings] == ["cancellation.no_statutory_case"]


@pytest.mark.parametrize(
    "request_",
    [CTPL, attrs.evolve(CTPL_WITHOUT_CASE, cancelled_by=CancelledBy.INSURER)],
    ids=["statutory case", "by the insurer"],
)
def test_compulsory_cover_with_a_statutory_case_or_by_the_insurer_passes(
    request_: CancellationRequest,
) -> None:
    case, _ = request_cancellation("S-2", request_, actor=CLERK, at=AT)
    assert _fire(case, "check", CLERK_2, 1, {"review": PASSED}).state is S.CHECKED


@pytest.mark.parametrize(
    ("severities", "state"),
    [
        ((Severity.INFO,), S.CHECKED),
        ((Severity.REFER,), S.REJECTED),
        ((Severity.INFO, Severity.BLOCK), S.REJECTED),
    ],
)
def test_a_review_with_a_finding_for_a_person_rejects_the_cancellation(
    severities: tuple[Severity, ...], state: CancellationState
) -> None:
    review = _review(*severities)
    case = _fire(_opened(), "check", UNDERWRITER, 1, {"review": review})
    assert case.state is state
    assert case.data["review"] == review


@given(
    compulsory=st.booleans(),
    by_insurer=st.booleans(),
    with_case=st.booleans(),
    severities=st.lists(st.sampled_from(list(Severity)), max_size=3),
)
def test_the_check_rejects_exactly_what_is_not_allowed_or_not_reviewed(
    compulsory: bool, by_insurer: bool, with_case: bool, severities: list[Severity]
) -> None:
    request = CancellationRequest(
        CancelledBy.INSURER if by_insurer else CancelledBy.INSURED,
        TERM,
        ON,
        cny("950.00"),
        compulsory=compulsory,
        statutory_case=CtplCancellationCase.LOST if compulsory and with_case else None,
    )
    case, _ = request_cancellation("S-3", request, actor=CLERK, at=AT)
    case = _fire(case, "check", UNDERWRITER, 1, {"review": _review(*severities)})
    not_allowed = compulsory and not by_insurer and not with_case
    not_reviewed = Severity.REFER in severities or Severity.BLOCK in severities
    assert case.state is (S.REJECTED if not_allowed or not_reviewed else S.CHECKED)


def test_the_check_needs_a_review_from_the_office() -> None:
    with pytest.raises(InvalidField, match="event 'check' needs 'review'"):
        CANCELLATION_WORKFLOW.fire(_opened(), "check", actor=CLERK, at=_at(1))
    with pytest.raises(InvalidField, match="'review' of event 'check' must be a MaterialReview"):
        CANCELLATION_WORKFLOW.fire(
            _opened(), "check", actor=CLERK, at=_at(1), payload={"review": None}
        )
    refused = _refusal(_opened(), "check", FINANCE, payload={"review": PASSED})
    assert _codes(refused) == ["role.not_allowed"]
    assert "needs the role clerk or underwriter, not finance" in str(refused)


def test_a_case_opened_without_a_request_cannot_be_checked() -> None:
    case, _ = CANCELLATION_WORKFLOW.start("S-4", actor=CLERK, at=AT)
    refused = _refusal(case, "check", CLERK, payload={"review": PASSED})
    assert _codes(refused) == ["cancellation.no_request"]
    assert "open the cancellation with request_cancellation()" in str(refused)
    assert _fire(case, "withdraw", CLERK, 1, reason="opened by mistake").state is S.WITHDRAWN


# --------------------------------------------------------------------------- calculate


def test_the_refund_is_calculated_and_can_be_calculated_again() -> None:
    case = _calculated()
    assert case.state is S.CALCULATED
    assert case.data["refund"] == BY_THE_DAY
    assert (BY_THE_DAY.earned, BY_THE_DAY.refund) == (cny("1000.00"), cny("2650.00"))
    again = _fire(case, "calculate", UNDERWRITER, 3, {"refund": SHORT_RATE})
    assert again.data["refund"] == SHORT_RATE
    assert SHORT_RATE.refund == cny("2190.00")  # 3,650.00 less 40%, 1,460.00


@pytest.mark.parametrize(
    ("calculated", "field", "phrase"),
    [
        (
            DAY_LATER,
            "cancelled_on",
            "the refund was calculated for the day of effect 2025-04-12, but the request's is "
            "2025-04-11; calculate it from the request",
        ),
        (
            refund(cny("3600.00"), TERM, ON, ProRata()),
            "premium",
            "for the premium 3600.00 CNY, but the request's is 3650.00 CNY",
        ),
        (
            refund(
                cny("3650.00"),
                PolicyTerm.annual(pendulum.date(2024, 6, 1), "Asia/Shanghai"),
                ON,
                ProRata(),
            ),
            "term",
            "for the term 2024-06-01 to 2025-05-31, but the request's is 2025-01-01 to 2025-12-31",
        ),
    ],
)
def test_the_refund_is_the_requests(calculated: Refund, field: str, phrase: str) -> None:
    refused = _refusal(_checked(), "calculate", CLERK, payload={"refund": calculated})
    assert _codes(refused) == ["cancellation.refund_mismatch"]
    reason = refused.reasons[0]
    assert isinstance(reason, Reason)
    assert reason.details["field"] == field
    assert phrase in reason.message


def test_every_field_that_differs_is_a_reason() -> None:
    other = refund(
        cny("100.00"),
        PolicyTerm.annual(pendulum.date(2024, 6, 1), "Asia/Shanghai"),
        pendulum.date(2024, 7, 1),
        ProRata(),
    )
    refused = _refusal(_checked(), "calculate", CLERK, payload={"refund": other})
    assert [r.details["field"] for r in refused.reasons if isinstance(r, Reason)] == [
        "premium",
        "term",
        "cancelled_on",
    ]


RULES = RefundRules(
    {
        (CancelledBy.INSURED, None): ShortRate(PROPERTY_SHORT_RATE),
        (CancelledBy.INSURED, "TRAVEL"): Flat(),
    },
    default=ProRata(),
)
RULED = cancellation_workflow(rules=RULES)


def test_the_rules_give_the_method() -> None:
    case = _fire(_opened(workflow=RULED), "check", CLERK, 1, {"review": PASSED})
    assert _fire(case, "calculate", CLERK, 2, {"refund": SHORT_RATE}).state is S.CALCULATED
    refused = _refusal(case, "calculate", CLERK, payload={"refund": BY_THE_DAY})
    assert _codes(refused) == ["cancellation.wrong_method"]
    assert (
        "the refund was calculated by pro-rata, but the rules give it for a cancellation by "
        "the insured of 'HOME': a short-rate table by months" in str(refused)
    )


@pytest.mark.parametrize(
    ("request_", "calculated", "phrase"),
    [
        (
            attrs.evolve(SURRENDER, product="TRAVEL"),
            BY_THE_DAY,
            "calculated by pro-rata, but the rules give it for a cancellation by the insured "
            "of 'TRAVEL': flat",
        ),
        (
            attrs.evolve(SURRENDER, product=None),
            refund(cny("3650.00"), TERM, ON, ProRata(Decimal("0.9"))),
            "calculated by pro-rata times 0.9, but the rules give it for a cancellation by the "
            "insured of any product: a short-rate table by months",
        ),
        (
            SURRENDER,
            refund(cny("3650.00"), TERM, ON, ShortRate(ACCIDENT_SHORT_RATE)),
            "calculated by a short-rate table by months (another one), but the rules give it "
            "for a cancellation by the insured of 'HOME': a short-rate table by months (the "
            "configured one)",
        ),
        (
            attrs.evolve(SURRENDER, cancelled_by=CancelledBy.INSURER),
            refund(cny("3650.00"), TERM, ON, Flat()),
            "calculated by flat, but the rules give it for a cancellation by the insurer of "
            "'HOME': pro-rata",
        ),
    ],
)
def test_a_refund_by_another_method_is_refused(
    request_: CancellationRequest, calculated: Refund, phrase: str
) -> None:
    opener = CLERK
    case, _ = request_cancellation("S-5", request_, actor=opener, at=AT, workflow=RULED)
    case = _fire(case, "check", CLERK, 1, {"review": PASSED})
    refused = _refusal(case, "calculate", CLERK, payload={"refund": calculated})
    assert _codes(refused) == ["cancellation.wrong_method"]
    assert phrase in str(refused)


def test_without_rules_any_method_is_accepted() -> None:
    for calculated in (BY_THE_DAY, SHORT_RATE, refund(cny("3650.00"), TERM, ON, Flat())):
        assert _fire(_checked(), "calculate", CLERK, 2, {"refund": calculated}).state is (
            S.CALCULATED
        )


@pytest.mark.parametrize("flow", [CANCELLATION_WORKFLOW, RULED], ids=["no rules", "rules"])
def test_compulsory_cover_is_refunded_by_the_day(flow: Workflow) -> None:
    case, _ = request_cancellation("S-6", CTPL, actor=CUSTOMER, at=AT, workflow=flow)
    case = _fire(case, "check", CLERK, 1, {"review": PASSED})
    assert CTPL_REFUND.refund == cny("689.73")
    assert _fire(case, "calculate", CLERK, 2, {"refund": CTPL_REFUND}).state is S.CALCULATED
    short = refund(cny("950.00"), TERM, ON, ShortRate(PROPERTY_SHORT_RATE))
    refused = _refusal(case, "calculate", CLERK, payload={"refund": short})
    assert _codes(refused) == ["cancellation.wrong_method"]
    assert (
        "calculated by a short-rate table by months, but compulsory cover is refunded by the "
        "day: pro-rata" in str(refused)
    )


def test_a_refund_within_cooling_off_is_the_whole_premium() -> None:
    request = attrs.evolve(SURRENDER, cancelled_on=pendulum.date(2025, 1, 11), cooling_off_days=15)
    case = _checked(request)
    # 10 days used: by the day 3,650.00 x 355/365 = 3,550.00, but cooling-off refunds it all.
    plain = refund(cny("3650.00"), TERM, request.cancelled_on, ProRata())
    assert plain.refund == cny("3550.00")
    refused = _refusal(case, "calculate", CLERK, payload={"refund": plain})
    assert _codes(refused) == ["cancellation.cooling_off_ignored"]
    assert (
        "the cancellation is within the 15 cooling-off days, so the whole premium 3650.00 CNY "
        "is refunded, not 3550.00 CNY; calculate it with cooling_off_days=15" in str(refused)
    )
    whole = refund(cny("3650.00"), TERM, request.cancelled_on, ProRata(), cooling_off_days=15)
    assert whole.refund == cny("3650.00")
    assert _fire(case, "calculate", CLERK, 2, {"refund": whole}).state is S.CALCULATED


@pytest.mark.parametrize("actor", [CUSTOMER, SENIOR, FINANCE])
def test_only_the_office_calculates(actor: Actor) -> None:
    refused = _refusal(_checked(), "calculate", actor, payload={"refund": BY_THE_DAY})
    assert _codes(refused) == ["role.not_allowed"]


def test_the_calculation_needs_a_refund() -> None:
    with pytest.raises(InvalidField, match="'refund' of event 'calculate' must be a Refund"):
        CANCELLATION_WORKFLOW.fire(
            _checked(), "calculate", actor=CLERK, at=_at(2), payload={"refund": cny("2650.00")}
        )


# --------------------------------------------------------------------------- approve


@pytest.mark.parametrize("actor", [UNDERWRITER, SENIOR])
def test_an_approver_approves_the_refund(actor: Actor) -> None:
    case = _fire(_calculated(), "approve", actor, 3)
    assert case.state is S.APPROVED
    assert case.allowed_events() == ("pay", "withdraw")


def test_nothing_to_refund_closes_the_case_on_approval() -> None:
    # Taking effect on 1 January 2026, after the term: the whole term is used.
    late = attrs.evolve(SURRENDER, cancelled_on=pendulum.date(2026, 1, 1))
    nothing = refund(cny("3650.00"), TERM, late.cancelled_on, ProRata())
    assert nothing.refund == cny("0.00")
    case = _fire(_checked(late), "calculate", CLERK, 2, {"refund": nothing})
    case = _fire(case, "approve", UNDERWRITER, 3)
    assert case.state is S.CLOSED
    assert case.is_final


def test_who_calculated_cannot_approve() -> None:
    case = _fire(_checked(), "calculate", UNDERWRITER, 2, {"refund": BY_THE_DAY})
    refused = _refusal(case, "approve", UNDERWRITER)
    assert _codes(refused) == ["four_eyes.same_actor"]
    assert "'w-1' fired 'calculate' on this case, so cannot fire 'approve'" in str(refused)
    assert _fire(case, "approve", UNDERWRITER_2, 3).state is S.APPROVED


@pytest.mark.parametrize("actor", [CLERK_2, CUSTOMER, FINANCE, MANAGER])
def test_only_the_approvers_approve(actor: Actor) -> None:
    assert _codes(_refusal(_calculated(), "approve", actor)) == ["role.not_allowed"]


# --------------------------------------------------------------------------- pay


def test_finance_pays_the_approved_refund() -> None:
    case = _refunded()
    assert case.state is S.REFUNDED
    assert case.data["payment"] == PAID
    assert case.allowed_events() == ("close",)


@pytest.mark.parametrize(
    ("amount", "phrase"),
    [
        (cny("2640.00"), "the payment is 2640.00 CNY, but the approved refund is 2650.00 CNY"),
        (Money("2650.00", "USD"), "the payment is 2650.00 USD"),
    ],
)
def test_the_payment_is_the_refund(amount: Money, phrase: str) -> None:
    payment = attrs.evolve(PAID, amount=amount)
    refused = _refusal(_approved(), "pay", FINANCE, payload={"payment": payment})
    assert _codes(refused) == ["cancellation.payment_mismatch"]
    assert phrase in str(refused)
    assert "record the payment of the refund" in str(refused)


@given(cents=st.integers(min_value=1, max_value=1_000_000))
def test_a_payment_is_accepted_exactly_for_the_refund(cents: int) -> None:
    payment = attrs.evolve(PAID, amount=Money.from_minor_units(cents, "CNY"))
    if cents == 265_000:
        assert _fire(_approved(), "pay", FINANCE, 4, {"payment": payment}).state is S.REFUNDED
    else:
        refused = _refusal(_approved(), "pay", FINANCE, payload={"payment": payment})
        assert _codes(refused) == ["cancellation.payment_mismatch"]


def test_only_finance_pays_and_not_who_calculated_or_approved() -> None:
    assert _codes(_refusal(_approved(), "pay", CLERK_2, payload={"payment": PAID})) == [
        "role.not_allowed"
    ]
    # One person with two roles in the host: calculated as a clerk, now in finance.
    case = _fire(_checked(), "calculate", Actor("u-5", Role.CLERK), 2, {"refund": BY_THE_DAY})
    case = _fire(case, "approve", UNDERWRITER, 3)
    refused = _refusal(case, "pay", Actor("u-5", Role.FINANCE), payload={"payment": PAID})
    assert _codes(refused) == ["four_eyes.same_actor"]
    assert "'u-5' fired 'calculate'" in str(refused)


def test_the_payment_needs_a_record() -> None:
    with pytest.raises(InvalidField, match="'payment' of event 'pay' must be a RefundPayment"):
        CANCELLATION_WORKFLOW.fire(
            _approved(), "pay", actor=FINANCE, at=_at(4), payload={"payment": "PAY-1"}
        )


# --------------------------------------------------------------------------- close


@pytest.mark.parametrize("actor", [CLERK, FINANCE, SYSTEM])
def test_a_refunded_case_is_closed(actor: Actor) -> None:
    case = _fire(_refunded(), "close", actor, 5)
    assert case.state is S.CLOSED
    assert case.allowed_events() == ()


def test_an_underwriter_does_not_close() -> None:
    assert _codes(_refusal(_refunded(), "close", UNDERWRITER)) == ["role.not_allowed"]


# --------------------------------------------------------------------------- reject, withdraw


@pytest.mark.parametrize("build", [_checked, _calculated])
@pytest.mark.parametrize("actor", [CLERK_2, UNDERWRITER, SENIOR])
def test_the_insurer_rejects_with_a_reason(build: Callable[[], Case], actor: Actor) -> None:
    case = _fire(build(), "reject", actor, 9, reason="a claim is open on the policy")
    assert case.state is S.REJECTED
    assert case.history[-1].reason == "a claim is open on the policy"


def test_a_rejection_needs_a_reason_and_comes_before_approval() -> None:
    with pytest.raises(InvalidField, match="event 'reject' needs a reason"):
        CANCELLATION_WORKFLOW.fire(_checked(), "reject", actor=CLERK, at=_at(9))
    assert _codes(_refusal(_checked(), "reject", CUSTOMER, reason="no")) == ["role.not_allowed"]
    for build in (_requested, _approved):
        with pytest.raises(InvalidTransition):
            CANCELLATION_WORKFLOW.fire(build(), "reject", actor=CLERK, at=_at(9), reason="no")


@pytest.mark.parametrize("build", [_requested, _checked, _calculated, _approved])
@pytest.mark.parametrize("actor", [CUSTOMER, AGENT, CLERK_2])
def test_the_customer_withdraws_before_the_refund_is_paid(
    build: Callable[[], Case], actor: Actor
) -> None:
    case = _fire(build(), "withdraw", actor, 9, reason="the customer keeps the policy")
    assert case.state is S.WITHDRAWN


def test_a_withdrawal_needs_a_reason_the_customers_side_and_an_unpaid_refund() -> None:
    with pytest.raises(InvalidField, match="event 'withdraw' needs a reason"):
        CANCELLATION_WORKFLOW.fire(_checked(), "withdraw", actor=CUSTOMER, at=_at(9))
    assert _codes(_refusal(_checked(), "withdraw", FINANCE, reason="x")) == ["role.not_allowed"]
    with pytest.raises(InvalidTransition, match="allowed events: 'close'"):
        CANCELLATION_WORKFLOW.fire(_refunded(), "withdraw", actor=CUSTOMER, at=_at(9), reason="x")


# --------------------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("build", "event", "actor", "payload", "recorded"),
    [
        (_requested, "check", CLERK, {"review": PASSED, "request": CTPL}, ("request", "start")),
        (_checked, "calculate", CLERK, {"refund": BY_THE_DAY, "review": 1}, ("review", "check")),
        (_calculated, "approve", UNDERWRITER, {"refund": SHORT_RATE}, ("refund", "calculate")),
        (_approved, "pay", FINANCE, {"payment": PAID, "refund": None}, ("refund", "calculate")),
        (_refunded, "close", CLERK, {"payment": PAID}, ("payment", "pay")),
    ],
)  # fmt: skip
def test_no_step_replaces_another_steps_record(
    build: Callable[[], Case],
    event: str,
    actor: Actor,
    payload: Mapping[str, object],
    recorded: tuple[str, str],
) -> None:
    key, recorded_by = recorded
    refused = _refusal(build(), event, actor, payload=payload)
    # The engine refuses replacing a recorded key too; the workflow names the step.
    assert "cancellation.record_replaced" in _codes(refused)
    reason = next(
        r for r in refused.reasons if getattr(r, "code", "") == "cancellation.record_replaced"
    )
    assert isinstance(reason, Reason)
    assert reason.details == {"key": key, "recorded_by": recorded_by, "event": event}


# --------------------------------------------------------------------------- deadlines


def test_each_office_step_has_two_working_days() -> None:
    case = _checked()  # checked on Monday 7 April 2025
    # Monday + 2 working days: Wednesday 9 April.
    assert CANCELLATION_WORKFLOW.overdue(case, pendulum.date(2025, 4, 9)) is None
    late = CANCELLATION_WORKFLOW.overdue(case, pendulum.date(2025, 4, 10))
    assert late is not None
    assert (late.state, late.due_on, late.days_late) == (S.CHECKED, pendulum.date(2025, 4, 9), 1)
    friday = pendulum.datetime(2025, 4, 11, 16, tz="Asia/Shanghai")
    opened, _ = request_cancellation("S-7", SURRENDER, actor=CUSTOMER, at=friday)
    # Friday + 2 working days, over the weekend: Tuesday 15 April.
    late = CANCELLATION_WORKFLOW.overdue(opened, pendulum.date(2025, 4, 16))
    assert late is not None
    assert late.due_on == pendulum.date(2025, 4, 15)


def test_the_refund_is_paid_within_ten_calendar_days_of_approval() -> None:
    case = _approved()  # approved on Monday 7 April 2025
    # 7 April + 10 calendar days = 17 April, the weekend counted.
    assert CANCELLATION_WORKFLOW.overdue(case, pendulum.date(2025, 4, 17)) is None
    late = CANCELLATION_WORKFLOW.overdue(case, pendulum.datetime(2025, 4, 19, 8, tz="UTC"))
    assert late is not None
    assert (late.state, late.due_on, late.days_late) == (S.APPROVED, pendulum.date(2025, 4, 17), 2)


def test_refund_days_in_working_days_skip_holidays() -> None:
    # National Day 2025: 1 to 8 October off; Saturday 11 October worked instead.
    calendar = WorkingCalendar(
        "Asia/Shanghai",
        holidays={pendulum.date(2025, 10, day) for day in range(1, 9)},
        working_days={pendulum.date(2025, 9, 28), pendulum.date(2025, 10, 11)},
    )
    flow = cancellation_workflow(calendar=calendar, refund_days=5, refund_in_working_days=True)
    start = pendulum.datetime(2025, 9, 29, 9, tz="Asia/Shanghai")
    case, _ = request_cancellation("S-8", SURRENDER, actor=CUSTOMER, at=start, workflow=flow)
    case = flow.fire(
        case, "check", actor=CLERK, at=start.add(hours=1), payload={"review": PASSED}
    )[0]
    case = flow.fire(case, "calculate", actor=CLERK, at=start.add(hours=2),
                     payload={"refund": BY_THE_DAY})[0]  # fmt: skip
    case = flow.fire(case, "approve", actor=UNDERWRITER, at=start.add(days=1))[0]
    # Approved on Tuesday 30 September: 9, 10, 11 (a make-up Saturday), 13 and 14 October.
    assert flow.overdue(case, pendulum.date(2025, 10, 14)) is None
    late = flow.overdue(case, pendulum.date(2025, 10, 15))
    assert late is not None
    assert (late.due_on, late.days_late) == (pendulum.date(2025, 10, 14), 1)


def test_a_final_state_has_no_deadline() -> None:
    closed = _fire(_refunded(), "close", CLERK, 5)
    assert CANCELLATION_WORKFLOW.overdue(closed, pendulum.date(2026, 1, 1)) is None


# --------------------------------------------------------------------------- whole paths


def test_the_happy_path_is_recorded_step_by_step_and_replays() -> None:
    case, events = request_cancellation("S-1", SURRENDER, actor=CUSTOMER, at=AT)
    produced = list(events)
    steps: list[tuple[str, Actor, Mapping[str, object] | None]] = [
        ("check", CLERK, {"review": PASSED}),
        ("calculate", CLERK, {"refund": BY_THE_DAY}),
        ("approve", UNDERWRITER, None),
        ("pay", FINANCE, {"payment": PAID}),
        ("close", SYSTEM, None),
    ]
    for hours, (event, actor, payload) in enumerate(steps, start=1):
        case, events = CANCELLATION_WORKFLOW.fire(
            case, event, actor=actor, at=_at(hours), payload=payload
        )
        produced.extend(events)
    assert [(e.event, e.source, e.target, e.actor_id) for e in case.history] == [
        ("start", None, S.REQUESTED, "c-1"),
        ("check", S.REQUESTED, S.CHECKED, "u-1"),
        ("calculate", S.CHECKED, S.CALCULATED, "u-1"),
        ("approve", S.CALCULATED, S.APPROVED, "w-1"),
        ("pay", S.APPROVED, S.REFUNDED, "f-1"),
        ("close", S.REFUNDED, S.CLOSED, "s-1"),
    ]
    assert CANCELLATION_WORKFLOW.replay(produced) == case
    assert set(case.data) == {"request", "review", "refund", "payment"}


# --------------------------------------------------------------------------- stateful

ACTORS = [CUSTOMER, CLERK, CLERK_2, UNDERWRITER, SENIOR, FINANCE]


def _payloads_for(
    right: Refund, other: Refund, payment: RefundPayment
) -> Callable[[str], st.SearchStrategy[Mapping[str, object] | None]]:
    """Mostly valid payloads, so cases reach the final states; sometimes wrong ones.

    A withdrawal or a rejection mostly carries a record it may not replace, and is
    refused: cases that end early would rarely reach payment.
    """
    replaced: Mapping[str, object] | None = {"request": SURRENDER}
    review: Mapping[str, object] | None = {"review": PASSED}
    paid: Mapping[str, object] | None = {"payment": payment}
    calculated: Mapping[str, object] | None = {"refund": right}
    valid: dict[str, list[Mapping[str, object] | None]] = {
        "check": [review] * 16 + [{"review": FAILED}],
        "calculate": [calculated] * 16 + [{"refund": other}],
        "pay": [paid] * 16 + [{"payment": attrs.evolve(payment, amount=cny("1.00"))}],
    }
    wrong: list[Mapping[str, object] | None] = [
        None,
        {"review": "complete"},
        {"refund": DAY_LATER},
        {"payment": "PAY-1"},
        replaced,
        {"refund": right, "review": PASSED},
        {"note": "rides along"},
    ]

    def payloads(event: str) -> st.SearchStrategy[Mapping[str, object] | None]:
        if event in {"withdraw", "reject"}:
            return st.sampled_from([None, replaced, replaced, replaced, replaced, replaced])
        return st.sampled_from(valid.get(event, [None] * 16) + wrong)

    return payloads


TestSurrenderMachine = workflow_machine(
    cancellation_workflow(rules=RULES),
    actors=ACTORS,
    payloads=_payloads_for(SHORT_RATE, BY_THE_DAY, attrs.evolve(PAID, amount=cny("2190.00"))),
    data={"request": SURRENDER},
).TestCase
TestCtplCancellationMachine = workflow_machine(
    CANCELLATION_WORKFLOW,
    actors=ACTORS,
    payloads=_payloads_for(CTPL_REFUND, SHORT_RATE, attrs.evolve(PAID, amount=cny("689.73"))),
    data={"request": CTPL},
).TestCase
