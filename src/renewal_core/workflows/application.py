"""The renewal application workflow (D2.1-D2.7): from a draft to an active renewal.

A customer applies to renew a policy (or an agent, or a clerk on the customer's
behalf); the insurer reviews the materials, decides on eligibility and risk, and
quotes; the customer confirms the premium and signs; the renewal is active once the
first payment arrives. :data:`APPLICATION_WORKFLOW` is the table, with a review
deadline of 3 working days on a :class:`~renewal_core.workflows.engine.WorkingCalendar`
of ``Asia/Shanghai`` (Saturday and Sunday off); :func:`application_workflow` builds
it with other settings and the host's calendar (holidays and make-up working days).

:func:`open_application` opens a case in draft with its :class:`ApplicationDetails`
(policy number, channel, the day the window closes and the policy's zone) under
``"details"``; each step then records the input it was based on under its own key:
the material review, the eligibility decision, the risk assessment, the quote, its
verification and the first payment. Only the customer, an agent or a clerk opens an
application. The states (:class:`ApplicationState`) and events, with the roles that
may fire each (:class:`~renewal_core.workflows.engine.Role`) and the payload it
needs:

* ``submit``: draft -> submitted; customer, agent or clerk.
* ``start_review``: submitted -> under_review; clerk or underwriter.
* ``review``: under_review -> needs_information when the materials are missing or
  invalid (a reason of severity ``REFER`` or ``BLOCK``; an invalid e-mail address,
  which only informs, does not hold the case), else -> reviewed; clerk or
  underwriter; ``materials``: a :class:`~renewal_core.materials.MaterialReview`.
* ``provide_information``: needs_information -> submitted; customer, agent or clerk.
* ``decide``: reviewed -> rejected when the decision is ``INELIGIBLE``, -> referred
  when it is ``REFER`` or the risk level is ``refer_from`` (``HIGH``) or above, else
  -> approved; clerk, underwriter or system; ``eligibility``: a
  :class:`~renewal_core.eligibility.Decision`, ``risk``: a
  :class:`~renewal_core.risk.RiskAssessment`.
* ``approve``: referred -> approved, and ``reject`` (with a reason): referred ->
  rejected; underwriter, senior underwriter or committee, never the actor who
  submitted, reviewed or decided the case (four eyes). The host runs the approval
  itself (:mod:`renewal_core.workflows.approval`) and records its outcome here.
* ``quote``: approved or quoted -> quoted (a later quote replaces the earlier one);
  clerk, underwriter or system; ``quote``: a
  :class:`~renewal_core.pricing.rating.Quote`.
* ``confirm``: quoted -> confirmed, the customer confirms the premium (D2.5);
  customer, agent or clerk; ``verification``: the
  :class:`~renewal_core.pricing.rating.QuoteVerification` of the quote recorded, from
  :func:`~renewal_core.pricing.rating.verify_quote`.
* ``sign``: confirmed -> signed, the contract is signed; customer, agent or clerk.
* ``pay_first_installment``: signed -> active, the first payment (the whole premium,
  or the first installment of a plan) arrived; finance or system; ``payment``: a
  :class:`~renewal_core.money.Money`.
* ``withdraw`` (with a reason): any state before active -> withdrawn; customer, agent
  or clerk.
* ``expire``: any state before active -> expired, once the window closed or, in
  state quoted, the quote lapsed; system only.

The final states are active, rejected, withdrawn and expired.

**Outcomes and refusals.** What the insurer decides is an outcome, and the table
routes it: incomplete materials go to needs_information, an ineligible renewal is
rejected, a referred one waits for an underwriter, an approved one is quoted. What
must not happen is refused with
:class:`~renewal_core.errors.TransitionRefused` and its reasons, and the case does not
change: a step by a role the table does not allow (``role.not_allowed``), an approval
by the one who prepared the case (``four_eyes.same_actor``), and the guards below
(rule ``"application"``, all of severity ``BLOCK``). Days are the firing instant's
day in the details' ``time_zone`` (the quote's zone for a quote's validity).

* ``application.data_missing``: the case does not record the value a step needs
  (:class:`ApplicationDetails` under ``"details"``, or a quote under ``"quote"``),
  because it was started without it or a later payload replaced it.
* ``application.window_closed``: a customer's step (``submit``,
  ``provide_information``, ``confirm``, ``sign``) after the day the window closed;
  the application should be expired instead.
* ``application.quote_dated_later``: ``quote`` with a quote made after the day it is
  recorded.
* ``application.quote_lapsed``: ``quote`` or ``confirm`` after the quote's last valid
  day; quote again, or expire the application.
* ``application.quote_mismatch``: ``confirm`` with the verification of another
  quote than the one recorded.
* ``application.verified_later``: ``confirm`` with a verification dated after the
  day of the confirmation.
* the verification's own reasons (``quote.expired``, ``quote.premium_changed``, ...)
  when it says the quote no longer holds: quote again.
* ``application.payment_currency``, ``application.payment_not_positive`` and
  ``application.payment_exceeds_total``: a first payment in another currency than
  the quote's, of zero or less, or of more than the quote's total.
* ``application.not_lapsed``: ``expire`` while the window is open and, in state
  quoted, the quote still valid.

>>> import pendulum
>>> from renewal_core.materials import AUTO_CHECKLIST, Materials, review_materials
>>> from renewal_core.model import Channel
>>> from renewal_core.workflows.engine import Actor, Role
>>> details = ApplicationDetails(
...     "P-2024-0001", Channel.MOBILE_APP, pendulum.date(2025, 3, 31), "Asia/Shanghai")
>>> customer, clerk = Actor("c-1001", Role.CUSTOMER), Actor("u-7", Role.CLERK)
>>> at = pendulum.datetime(2025, 2, 3, 9, tz="Asia/Shanghai")
>>> case, _ = open_application("APP-1", details, actor=customer, at=at)
>>> case, _ = APPLICATION_WORKFLOW.fire(case, "submit", actor=customer, at=at)
>>> case, _ = APPLICATION_WORKFLOW.fire(case, "start_review", actor=clerk, at=at.add(hours=1))
>>> materials = review_materials(Materials({}, documents={"id_document"}), AUTO_CHECKLIST)
>>> case, _ = APPLICATION_WORKFLOW.fire(
...     case, "review", actor=clerk, at=at.add(hours=2), payload={"materials": materials})
>>> case.state, case.allowed_events()
(ApplicationState.NEEDS_INFORMATION, ('provide_information', 'withdraw', 'expire'))
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Final, TypeVar

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import _as_day, _day, _member_of, _text, _wrong_type
from renewal_core.eligibility import Decision, Outcome
from renewal_core.errors import InvalidField
from renewal_core.materials import MaterialReview
from renewal_core.model import Channel, Policy, _time_zone, _zone_name
from renewal_core.money import Money
from renewal_core.periods import local_day
from renewal_core.pricing.rating import Quote, QuoteVerification
from renewal_core.reasons import Reason, Severity, _reason
from renewal_core.risk import RiskAssessment, RiskLevel
from renewal_core.windows import RenewalWindow, renewal_window
from renewal_core.workflows._steps import _open
from renewal_core.workflows.engine import (
    DEFAULT_CALENDAR,
    Actor,
    Case,
    Condition,
    Deadline,
    Firing,
    Guard,
    Role,
    Route,
    Transition,
    Workflow,
    WorkflowEvent,
    WorkingCalendar,
)

__all__ = [
    "APPLICATION_WORKFLOW",
    "ApplicationDetails",
    "ApplicationState",
    "application_workflow",
    "open_application",
]

_T = TypeVar("_T")
_RULE: Final = "application"
_SHANGHAI: Final = DEFAULT_CALENDAR


@enum.unique
class ApplicationState(ShortReprEnum):
    """The states of a renewal application.

    Attributes:
        DRAFT: being filled in.
        SUBMITTED: submitted, waiting for a reviewer.
        UNDER_REVIEW: its materials are being reviewed (a deadline in working days).
        NEEDS_INFORMATION: materials are missing or invalid; the customer is asked.
        REVIEWED: the materials passed; waiting for the eligibility and risk decision.
        REFERRED: the decision needs an underwriter's approval.
        APPROVED: the renewal may go on; waiting for a quote.
        QUOTED: quoted; waiting for the customer to confirm the premium.
        CONFIRMED: the customer confirmed the premium; waiting for the contract.
        SIGNED: the contract is signed; waiting for the first payment.
        ACTIVE: the first payment arrived: the renewal is in force (final).
        REJECTED: not renewed (final).
        WITHDRAWN: withdrawn by the customer (final).
        EXPIRED: the window closed, or the quote lapsed, first (final).
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    NEEDS_INFORMATION = "needs_information"
    REVIEWED = "reviewed"
    REFERRED = "referred"
    APPROVED = "approved"
    QUOTED = "quoted"
    CONFIRMED = "confirmed"
    SIGNED = "signed"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@attrs.frozen
class ApplicationDetails:
    """What a renewal application records from the start (``data={"details": ...}``).

    Attributes:
        policy_number: the number of the policy to renew.
        channel: the :class:`~renewal_core.model.Channel` the application came
            through.
        window_closes_on: the last day the application may go on (usually the last
            day of the grace period,
            :attr:`~renewal_core.windows.RenewalWindow.grace_ends_on`); a
            ``datetime.date`` is converted.
        time_zone: the policy's IANA zone, in which a step's instant gives its day.

    Raises:
        InvalidField: a field has the wrong type, or ``policy_number`` is empty.
        DateTypeError: ``window_closes_on`` is a datetime or not a date.
        UnknownTimeZone: ``time_zone`` is not an IANA zone.

    >>> import pendulum
    >>> from renewal_core.model import Channel
    >>> ApplicationDetails("P-2024-0001", Channel.AGENT, pendulum.date(2025, 3, 30),
    ...                    "Asia/Shanghai")
    ApplicationDetails(policy_number='P-2024-0001', channel=Channel.AGENT,
    window_closes_on=Date(2025, 3, 30), time_zone='Asia/Shanghai')
    """

    policy_number: str = attrs.field(validator=_text())
    channel: Channel = attrs.field(validator=_member_of(Channel))
    window_closes_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    time_zone: str = attrs.field(converter=_zone_name, validator=_time_zone)

    @classmethod
    def of(
        cls, policy: Policy, channel: Channel, window: RenewalWindow | None = None
    ) -> ApplicationDetails:
        """The details of an application to renew ``policy``, made through ``channel``.

        The window closes on the last day of ``window``'s grace period
        (:func:`~renewal_core.windows.renewal_window` of the policy by default); the
        zone is the policy term's.

        Raises:
            ArgumentTypeError: ``policy`` is not a :class:`~renewal_core.model.Policy`
                or ``window`` not a :class:`~renewal_core.windows.RenewalWindow`.
            InvalidField: ``channel`` is not a :class:`~renewal_core.model.Channel`.

        >>> import pendulum
        >>> from renewal_core.model import Channel, LineOfBusiness, Party, PartyKind
        >>> from renewal_core.model import Policy, PolicyStatus
        >>> from renewal_core.money import Money
        >>> from renewal_core.periods import PolicyTerm
        >>> policy = Policy(
        ...     number="P-2024-0001",
        ...     holder=Party("C-1001", PartyKind.INDIVIDUAL, "张三"),
        ...     line_of_business=LineOfBusiness.HEALTH,
        ...     product_code="MEDICAL-MILLION",
        ...     term=PolicyTerm.annual(pendulum.date(2024, 3, 1), "Asia/Shanghai"),
        ...     status=PolicyStatus.ACTIVE,
        ...     premium=Money("1200.00", "CNY"),
        ...     sales_channel=Channel.ONLINE,
        ...     inception=pendulum.date(2024, 3, 1),
        ... )
        >>> ApplicationDetails.of(policy, Channel.PHONE).window_closes_on  # 30 days' grace
        Date(2025, 3, 30)
        """
        if not isinstance(policy, Policy):
            _wrong_type(policy, "ApplicationDetails.of(policy)", "a Policy")
        if window is None:
            window = renewal_window(policy)
        elif not isinstance(window, RenewalWindow):
            _wrong_type(window, "ApplicationDetails.of(window)", "a RenewalWindow or None")
        return cls(policy.number, channel, window.grace_ends_on, policy.term.tz.name)


# --------------------------------------------------------------------------- guards


def _recorded(case: Case, key: str, kind: type[_T]) -> _T | None:
    value = case.data.get(key)
    return value if isinstance(value, kind) else None


def _data_missing(key: str, kind: type) -> Reason:
    return _reason(
        "application.data_missing",
        Severity.BLOCK,
        _RULE,
        f"the case records no {kind.__name__} under {key!r}; start the case with "
        f"data={{'details': ApplicationDetails(...)}} and give each step its payload",
        {"key": key, "expected": kind.__name__},
    )


def _window_open(case: Case, firing: Firing) -> Iterable[Reason]:
    """Refuse a customer's step after the window closed."""
    details = _recorded(case, "details", ApplicationDetails)
    if details is None:
        return [_data_missing("details", ApplicationDetails)]
    day = local_day(firing.at, details.time_zone)
    if day > details.window_closes_on:
        return [
            _reason(
                "application.window_closed",
                Severity.BLOCK,
                _RULE,
                f"the application window closed on {details.window_closes_on}, before "
                f"{day}; expire the application instead",
                {"window_closes_on": details.window_closes_on, "day": day},
            )
        ]
    return []


def _lapsed(quote: Quote, day: pendulum.Date) -> Reason:
    return _reason(
        "application.quote_lapsed",
        Severity.BLOCK,
        _RULE,
        f"the quote was valid until {quote.valid_until}, before {day}; quote again, or "
        "expire the application",
        {"valid_until": quote.valid_until, "day": day},
    )


def _quote_current(case: Case, firing: Firing) -> Iterable[Reason]:
    """Refuse recording a quote made later, or one that has lapsed."""
    quote = firing.payload["quote"]
    assert isinstance(quote, Quote)  # noqa: S101 - checked by the transition's needs
    day = local_day(firing.at, quote.term.tz)
    if quote.as_of > day:
        return [
            _reason(
                "application.quote_dated_later",
                Severity.BLOCK,
                _RULE,
                f"the quote was made on {quote.as_of}, after {day}; record it on that day "
                "or later",
                {"as_of": quote.as_of, "day": day},
            )
        ]
    if day > quote.valid_until:
        return [_lapsed(quote, day)]
    return []


def _quoted(case: Case) -> Quote:
    """The quote of a case in state quoted: the quote event, the only way in, records it."""
    quote = case.data["quote"]
    assert isinstance(quote, Quote)  # noqa: S101 - a payload checked by the quote event's needs
    return quote


def _verified(case: Case, firing: Firing) -> Iterable[Reason]:
    """Refuse a confirmation unless the quote recorded is verified and still valid."""
    quote = _quoted(case)
    verification = firing.payload["verification"]
    assert isinstance(verification, QuoteVerification)  # noqa: S101 - checked by needs
    if verification.quote != quote:
        return [
            _reason(
                "application.quote_mismatch",
                Severity.BLOCK,
                _RULE,
                "the verification is of another quote than the one recorded; verify the "
                "recorded quote, or record the new one first",
                {"quoted_total": quote.total, "verified_total": verification.quote.total},
            )
        ]
    day = local_day(firing.at, quote.term.tz)
    found: list[Reason] = []
    if verification.checked_on > day:
        found.append(
            _reason(
                "application.verified_later",
                Severity.BLOCK,
                _RULE,
                f"the verification is dated {verification.checked_on}, after {day}",
                {"checked_on": verification.checked_on, "day": day},
            )
        )
    found += verification.reasons
    if day > quote.valid_until and not any(
        reason.code == "quote.expired" for reason in verification.reasons
    ):
        found.append(_lapsed(quote, day))
    return found


def _payment_fits(case: Case, firing: Firing) -> Iterable[Reason]:
    """Refuse a first payment that cannot be one for the quote confirmed."""
    quote = _recorded(case, "quote", Quote)
    if quote is None:  # pragma: no cover - the quote step recorded it; no step replaces it
        return [_data_missing("quote", Quote)]
    payment = firing.payload["payment"]
    assert isinstance(payment, Money)  # noqa: S101 - checked by the transition's needs
    total = quote.total
    if payment.currency != total.currency:
        return [
            _reason(
                "application.payment_currency",
                Severity.BLOCK,
                _RULE,
                f"the payment is in {payment.currency}, the quote in {total.currency}; "
                "record the payment in the quote's currency",
                {"payment": payment, "total": total},
            )
        ]
    if not payment.is_positive():
        return [
            _reason(
                "application.payment_not_positive",
                Severity.BLOCK,
                _RULE,
                f"a first payment of {payment} is no payment",
                {"payment": payment},
            )
        ]
    if payment > total:
        return [
            _reason(
                "application.payment_exceeds_total",
                Severity.BLOCK,
                _RULE,
                f"the payment of {payment} is more than the quote's total of {total}",
                {"payment": payment, "total": total},
            )
        ]
    return []


def _has_lapsed(case: Case, firing: Firing) -> Iterable[Reason]:
    """Refuse expiring an application whose window is open and quote (if any) valid."""
    details = _recorded(case, "details", ApplicationDetails)
    if details is None:
        return [_data_missing("details", ApplicationDetails)]
    day = local_day(firing.at, details.time_zone)
    if day > details.window_closes_on:
        return []
    if case.state is ApplicationState.QUOTED:
        quote = _quoted(case)
        if local_day(firing.at, quote.term.tz) > quote.valid_until:
            return []
    return [
        _reason(
            "application.not_lapsed",
            Severity.BLOCK,
            _RULE,
            f"on {day} the window is open (it closes on {details.window_closes_on}) and "
            "no quote has lapsed; nothing expired",
            {"window_closes_on": details.window_closes_on, "day": day},
        )
    ]


# --------------------------------------------------------------------------- routes


def _incomplete(case: Case, firing: Firing) -> bool:
    review = firing.payload["materials"]
    assert isinstance(review, MaterialReview)  # noqa: S101 - checked by the transition's needs
    severity = review.severity
    return severity is not None and severity >= Severity.REFER


def _ineligible(case: Case, firing: Firing) -> bool:
    decision = firing.payload["eligibility"]
    assert isinstance(decision, Decision)  # noqa: S101 - checked by the transition's needs
    return decision.outcome is Outcome.INELIGIBLE


def _refers_from(level: RiskLevel) -> Condition:
    def refers(case: Case, firing: Firing) -> bool:
        decision = firing.payload["eligibility"]
        risk = firing.payload["risk"]
        assert isinstance(decision, Decision)  # noqa: S101 - checked by the transition's needs
        assert isinstance(risk, RiskAssessment)  # noqa: S101 - checked by the transition's needs
        return decision.outcome is Outcome.REFER or risk.level >= level

    return refers


# --------------------------------------------------------------------------- table

_APPLICANTS: Final = frozenset({Role.CUSTOMER, Role.AGENT, Role.CLERK})
_REVIEWERS: Final = frozenset({Role.CLERK, Role.UNDERWRITER})
_DECIDERS: Final = frozenset({Role.CLERK, Role.UNDERWRITER, Role.SYSTEM})
_APPROVERS: Final = frozenset({Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.COMMITTEE})
_PREPARERS: Final = ("submit", "review", "decide")
_OPEN: Final = tuple(
    state
    for state in ApplicationState
    if state
    not in {
        ApplicationState.ACTIVE,
        ApplicationState.REJECTED,
        ApplicationState.WITHDRAWN,
        ApplicationState.EXPIRED,
    }
)
_MAX_DAYS: Final = 3660


def application_workflow(
    *,
    review_days: int = 3,
    refer_from: RiskLevel = RiskLevel.HIGH,
    calendar: WorkingCalendar = _SHANGHAI,
) -> Workflow:
    """Build the renewal application workflow with these settings.

    Args:
        review_days: the working days a case may stay under review, counted from the
            day it entered the state (late from the day after the last one).
        refer_from: the lowest risk level that ``decide`` refers to an underwriter,
            even when the eligibility decision is ``ELIGIBLE``.
        calendar: the :class:`~renewal_core.workflows.engine.WorkingCalendar` the
            review deadline counts in: the insurer's zone, holidays and make-up
            working days (``Asia/Shanghai``, Saturday and Sunday off, by default).

    Returns:
        The :class:`~renewal_core.workflows.engine.Workflow` (see the module
        docstring for its table).

    Raises:
        InvalidField: ``review_days`` is not an int from 1 to 3660, or
            ``refer_from`` is not a :class:`~renewal_core.risk.RiskLevel`.
        ArgumentTypeError: ``calendar`` is not a
            :class:`~renewal_core.workflows.engine.WorkingCalendar`.

    >>> from renewal_core.risk import RiskLevel
    >>> flow = application_workflow(review_days=5, refer_from=RiskLevel.MEDIUM)
    >>> [(deadline.state, deadline.days) for deadline in flow.deadlines]
    [(ApplicationState.UNDER_REVIEW, 5)]
    """
    days: object = review_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= _MAX_DAYS:
        raise InvalidField(
            "application_workflow", "review_days", f"must be an int from 1 to 3660, not {days!r}"
        )
    level: object = refer_from
    if not isinstance(level, RiskLevel):
        raise InvalidField(
            "application_workflow",
            "refer_from",
            f"must be a RiskLevel (LOW, MEDIUM or HIGH), not {type(level).__name__}",
        )
    if not isinstance(calendar, WorkingCalendar):
        _wrong_type(calendar, "application_workflow(calendar)", "a WorkingCalendar")
    state = ApplicationState
    customer_step: tuple[Guard, ...] = (_window_open,)
    return Workflow(
        "renewal_application",
        ApplicationState,
        initial=state.DRAFT,
        final={state.ACTIVE, state.REJECTED, state.WITHDRAWN, state.EXPIRED},
        transitions=[
            Transition(
                state.DRAFT, "submit", state.SUBMITTED, roles=_APPLICANTS, guards=customer_step
            ),
            Transition(state.SUBMITTED, "start_review", state.UNDER_REVIEW, roles=_REVIEWERS),
            Transition(
                state.UNDER_REVIEW,
                "review",
                Route(
                    [("incomplete", _incomplete, state.NEEDS_INFORMATION)],
                    otherwise=state.REVIEWED,
                ),
                roles=_REVIEWERS,
                needs={"materials": MaterialReview},
            ),
            Transition(
                state.NEEDS_INFORMATION,
                "provide_information",
                state.SUBMITTED,
                roles=_APPLICANTS,
                guards=customer_step,
            ),
            Transition(
                state.REVIEWED,
                "decide",
                Route(
                    [
                        ("ineligible", _ineligible, state.REJECTED),
                        ("refer", _refers_from(level), state.REFERRED),
                    ],
                    otherwise=state.APPROVED,
                ),
                roles=_DECIDERS,
                needs={"eligibility": Decision, "risk": RiskAssessment},
            ),
            Transition(
                state.REFERRED, "approve", state.APPROVED, roles=_APPROVERS, four_eyes=_PREPARERS
            ),
            Transition(
                state.REFERRED,
                "reject",
                state.REJECTED,
                roles=_APPROVERS,
                four_eyes=_PREPARERS,
                reason_required=True,
            ),
            Transition(
                [state.APPROVED, state.QUOTED],
                "quote",
                state.QUOTED,
                roles=_DECIDERS,
                needs={"quote": Quote},
                guards=[_quote_current],
            ),
            Transition(
                state.QUOTED,
                "confirm",
                state.CONFIRMED,
                roles=_APPLICANTS,
                needs={"verification": QuoteVerification},
                guards=[*customer_step, _verified],
            ),
            Transition(
                state.CONFIRMED, "sign", state.SIGNED, roles=_APPLICANTS, guards=customer_step
            ),
            Transition(
                state.SIGNED,
                "pay_first_installment",
                state.ACTIVE,
                roles={Role.FINANCE, Role.SYSTEM},
                needs={"payment": Money},
                guards=[_payment_fits],
            ),
            Transition(
                _OPEN, "withdraw", state.WITHDRAWN, roles=_APPLICANTS, reason_required=True
            ),
            Transition(_OPEN, "expire", state.EXPIRED, roles=Role.SYSTEM, guards=[_has_lapsed]),
        ],
        deadlines=[Deadline(state.UNDER_REVIEW, days, working_days=True)],
        calendar=calendar,
    )


APPLICATION_WORKFLOW: Final = application_workflow()
"""The renewal application workflow with the default settings.

A review deadline of 3 working days on an ``Asia/Shanghai`` calendar with Saturday
and Sunday off, and referral from a ``HIGH`` risk."""


def open_application(
    case_id: str,
    details: ApplicationDetails,
    *,
    actor: Actor,
    at: dt.datetime,
    workflow: Workflow = APPLICATION_WORKFLOW,
) -> tuple[Case, tuple[WorkflowEvent, ...]]:
    """Open an application case in draft, with ``details`` recorded under ``"details"``.

    Only the customer, an agent or a clerk opens an application:
    :meth:`~renewal_core.workflows.engine.Workflow.start` does not check who opens a
    case, this function does.

    Args:
        case_id: the host's identifier of the case (not personal data).
        details: the :class:`ApplicationDetails`.
        actor: who opens it: a :class:`~renewal_core.workflows.engine.Role`
            ``CUSTOMER``, ``AGENT`` or ``CLERK``.
        at: when, an aware datetime.
        workflow: a workflow from :func:`application_workflow`.

    Returns:
        The new case and its creation event, as
        :meth:`~renewal_core.workflows.engine.Workflow.start` returns them.

    Raises:
        ArgumentTypeError: ``details`` or ``workflow`` has the wrong type, or as
            :meth:`~renewal_core.workflows.engine.Workflow.start` raises.
        InvalidField: ``case_id`` is empty.
        NaiveDateTimeError: ``at`` has no time zone.
        TransitionRefused: ``actor`` is not the customer, an agent or a clerk
            (``role.not_allowed``).

    >>> import pendulum
    >>> from renewal_core.model import Channel
    >>> from renewal_core.workflows.engine import Actor, Role
    >>> details = ApplicationDetails(
    ...     "P-2024-0001", Channel.AGENT, pendulum.date(2025, 3, 31), "Asia/Shanghai")
    >>> at = pendulum.datetime(2025, 2, 3, 9, tz="Asia/Shanghai")
    >>> case, _ = open_application("APP-2", details, actor=Actor("a-3", Role.AGENT), at=at)
    >>> case.state, case.data["details"].channel
    (ApplicationState.DRAFT, Channel.AGENT)
    >>> open_application("APP-3", details, actor=Actor("f-1", Role.FINANCE), at=at)
    Traceback (most recent call last):
    ...
    renewal_core.errors.TransitionRefused: renewal_application case 'APP-3': event 'start' \
refused in state 'draft': role.not_allowed: an application is opened by the customer, an \
agent or a clerk, not by finance
    """
    if not isinstance(details, ApplicationDetails):
        _wrong_type(details, "open_application(details)", "an ApplicationDetails")
    flow: object = workflow
    if not isinstance(flow, Workflow) or flow.states is not ApplicationState:
        _wrong_type(
            workflow, "open_application(workflow)", "a Workflow from application_workflow()"
        )
    return _open(
        workflow,
        case_id,
        details,
        actor=actor,
        at=at,
        openers=_APPLICANTS,
        who="an application is opened by the customer, an agent or a clerk",
        key="details",
    )
