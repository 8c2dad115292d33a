"""The change workflow (D2.7, D2.8): an endorsement of a policy in force, from request to effect.

A policyholder asks to change a policy in force (an endorsement, 批改): its insured
object, its term, its sum insured, or their contact data. The insurer validates
the request, prices the change as a mid-term adjustment
(:func:`~renewal_core.pricing.refunds.adjust`), the customer confirms the additional
or returned premium, an underwriter approves, and the change is applied.

States (:class:`ChangeState`) and events, with the roles that may fire them
(:class:`~renewal_core.workflows.engine.Role` members) and what they carry:

* creation, in ``requested``: the customer, an agent or a clerk opens the case with a
  :class:`ChangeRequest` (:func:`request_change`);
* ``validate``, ``requested`` → ``validated`` or ``rejected``: a clerk or an
  underwriter records the ``review``, a
  :class:`~renewal_core.materials.MaterialReview` of the request's data and
  documents; a review with a finding of severity ``REFER`` or ``BLOCK`` rejects the
  change (branch ``review failed``), its reasons recorded in the review;
* ``price``, ``validated`` or ``priced`` → ``priced``: a clerk or an underwriter
  records the ``adjustment``, an :class:`~renewal_core.pricing.refunds.Adjustment`
  from :func:`~renewal_core.pricing.refunds.adjust`; pricing again before the
  customer confirms replaces it. A contact-data change is not priced;
* ``confirm``, ``priced`` → ``confirmed``: the customer, or an agent or a clerk on
  their behalf, records the ``confirmed_amount``, the
  :class:`~renewal_core.money.Money` the customer accepted, which must be the
  adjustment's amount; not one who priced the change (four eyes);
* ``approve``, ``confirmed`` → ``approved``, or ``validated`` → ``approved`` for a
  contact-data change: an underwriter or a senior underwriter (configurable), not
  one who validated or priced the change (four eyes);
* ``apply``, ``approved`` → ``applied``: a clerk or the host system, once the policy
  is changed;
* ``reject``, ``validated``, ``priced`` or ``confirmed`` → ``rejected``: a clerk or an
  approver, with a reason;
* ``withdraw``, any state before ``applied`` and the final ones → ``withdrawn``: the
  customer, an agent or a clerk, with a reason (a customer who does not accept the
  price withdraws).

``applied``, ``rejected`` and ``withdrawn`` are final. A contact-data change
(:attr:`ChangeKind.CONTACT_DATA`) changes no premium, so it skips pricing and the
customer's confirmation: it goes from ``validated`` straight to approval. The case's
data holds each record under its key: the request under ``"request"`` (from the
creation), then ``"review"``, ``"adjustment"`` and ``"confirmed_amount"``. Each is
written by its own step only: a payload of another event that carries one of these
keys is refused, so what was approved is what is applied.

**Refusals and outcomes.** An outcome the business expects is never a refusal: a
request whose review fails is a :class:`~renewal_core.workflows.engine.Route` to
``rejected`` (its reasons are the review's); an approver who says no fires
``reject``; a customer who declines the price fires ``withdraw``. A refusal
(:class:`~renewal_core.errors.TransitionRefused`) is for a step that must not
happen; its reasons, all ``Severity.BLOCK``, have these codes:

* ``role.not_allowed`` and ``four_eyes.same_actor``: from the engine, and
  ``role.not_allowed`` from :func:`request_change` for an opener who is not the
  customer, an agent or a clerk;
* ``change.no_request``: ``validate`` on a case opened without a
  :class:`ChangeRequest` (by ``Workflow.start`` instead of :func:`request_change`);
  withdraw it and open another;
* ``change.no_premium``: ``price`` for a contact-data change, which has no premium;
* ``change.not_priced``: ``approve`` from ``validated`` for a change that alters the
  premium: it must be priced and confirmed first;
* ``change.effective_day_mismatch``: an adjustment computed for another day than the
  request's ``effective_on``;
* ``change.amount_not_confirmed``: a ``confirmed_amount`` other than the
  adjustment's amount (the customer confirmed an older or another price);
* ``change.record_replaced``: a payload that would replace a record of another step.

**Deadlines** (:meth:`~renewal_core.workflows.engine.Workflow.overdue`), counted from
the day the case entered the state, on ``WorkingCalendar("Asia/Shanghai")`` unless
:func:`change_workflow` is given another calendar (with the host's holidays and
make-up working days): 2 working days for each of the insurer's steps (in
``requested``, ``validated``, ``confirmed`` and ``approved``), and 15 calendar days
for the customer to confirm the price (in ``priced``). These are service standards
of the library; set your own.

**Personal data.** A contact-data change carries the new phone number or e-mail
address in :attr:`ChangeRequest.phone` and :attr:`ChangeRequest.email`, which are
left out of the request's ``repr`` and of every message and reason. The audit entry
of the creation keeps only the SHA-256 digest of the case's data, never the value.
A digest is not encryption, though: a phone number has few enough possible values
to be found again from a digest by trying them all, so keep the audit trail under
the same access rules as the policy data. The :class:`ChangeRequest` itself, in the
case's data and in the creation's :class:`~renewal_core.workflows.engine.WorkflowEvent`,
holds the value: store both as personal data.

>>> import pendulum
>>> from renewal_core.materials import MaterialReview
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> from renewal_core.pricing.refunds import adjust
>>> from renewal_core.workflows.engine import Actor, Role
>>> customer, clerk = Actor("c-88", Role.CUSTOMER), Actor("u-7", Role.CLERK)
>>> underwriter = Actor("u-9", Role.UNDERWRITER)
>>> at = pendulum.datetime(2025, 4, 7, 9, tz="Asia/Shanghai")
>>> request = ChangeRequest(ChangeKind.SUM_INSURED, pendulum.date(2025, 4, 11),
...                         "sum insured from 500,000 to 600,000 CNY")
>>> case, _ = request_change("E-1", request, actor=customer, at=at)
>>> review = MaterialReview("endorsement", missing=(), invalid=(), reasons=())
>>> case, _ = CHANGE_WORKFLOW.fire(case, "validate", actor=clerk, at=at.add(hours=2),
...                                payload={"review": review})
>>> term = PolicyTerm.annual(pendulum.date(2025, 1, 1), "Asia/Shanghai")
>>> priced = adjust(Money("3650.00", "CNY"), Money("4380.00", "CNY"), term,
...                 pendulum.date(2025, 4, 11))
>>> priced.amount  # 730.00 more a year, for 265 of the term's 365 days
Money('530.00', 'CNY')
>>> case, _ = CHANGE_WORKFLOW.fire(case, "price", actor=clerk, at=at.add(hours=3),
...                                payload={"adjustment": priced})
>>> case, _ = CHANGE_WORKFLOW.fire(case, "confirm", actor=customer, at=at.add(hours=5),
...                                payload={"confirmed_amount": Money("530.00", "CNY")})
>>> case, _ = CHANGE_WORKFLOW.fire(case, "approve", actor=clerk, at=at.add(hours=6))
Traceback (most recent call last):
...
renewal_core.errors.TransitionRefused: change case 'E-1': event 'approve' refused in state \
'confirmed': role.not_allowed: event 'approve' needs the role senior_underwriter or \
underwriter, not clerk; four_eyes.same_actor: 'u-7' fired 'validate' on this case, so cannot \
fire 'approve'
>>> case, _ = CHANGE_WORKFLOW.fire(case, "approve", actor=underwriter, at=at.add(hours=6))
>>> case, _ = CHANGE_WORKFLOW.fire(case, "apply", actor=clerk, at=at.add(hours=7))
>>> [entry.target.value for entry in case.history]
['requested', 'validated', 'priced', 'confirmed', 'approved', 'applied']
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Final, cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import _as_day, _day, _fail, _member_of, _text, _wrong_type
from renewal_core.materials import MaterialReview
from renewal_core.model import _email, _phone
from renewal_core.money import Money
from renewal_core.pricing.refunds import Adjustment
from renewal_core.reasons import Reason, Severity, _reason
from renewal_core.workflows._steps import (
    _calendar_argument,
    _days_argument,
    _keeps_records,
    _open,
    _review_failed,
    _roles_argument,
)
from renewal_core.workflows.engine import (
    START,
    Actor,
    Case,
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
    "CHANGE_WORKFLOW",
    "ChangeKind",
    "ChangeRequest",
    "ChangeState",
    "change_workflow",
    "request_change",
]


@enum.unique
class ChangeState(ShortReprEnum):
    """The states of a change case.

    Attributes:
        REQUESTED: the customer asked for the change; waiting for validation.
        VALIDATED: the request and its materials passed review; waiting to be
            priced (or, for a contact-data change, approved).
        PRICED: the adjustment is computed; waiting for the customer to confirm it.
        CONFIRMED: the customer accepted the price; waiting for approval.
        APPROVED: approved; waiting to be applied to the policy.
        APPLIED: the policy is changed (final).
        REJECTED: the review failed, or the insurer declined the change (final).
        WITHDRAWN: the customer gave up the change (final).
    """

    REQUESTED = "requested"
    VALIDATED = "validated"
    PRICED = "priced"
    CONFIRMED = "confirmed"
    APPROVED = "approved"
    APPLIED = "applied"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@enum.unique
class ChangeKind(ShortReprEnum):
    """What a change alters.

    Attributes:
        INSURED_OBJECT: the insured object: another vehicle, the data of an insured
            property or person that the premium depends on.
        TERM: the term's days (an extension or a shortening).
        SUM_INSURED: the sum insured or the coverages.
        CONTACT_DATA: the policyholder's phone number or e-mail address; the only
            kind that changes no premium.

    >>> ChangeKind.SUM_INSURED.priced, ChangeKind.CONTACT_DATA.priced
    (True, False)
    """

    INSURED_OBJECT = "insured_object"
    TERM = "term"
    SUM_INSURED = "sum_insured"
    CONTACT_DATA = "contact_data"

    @property
    def priced(self) -> bool:
        """Whether the change alters the premium, and is priced as a mid-term adjustment."""
        return self is not ChangeKind.CONTACT_DATA


@attrs.frozen
class ChangeRequest:
    """A request to change a policy in force, recorded when the case is opened.

    A :attr:`ChangeKind.CONTACT_DATA` change carries the new ``phone``, the new
    ``email`` or both; any other kind carries neither, and says what changes in its
    ``description``.

    Attributes:
        kind: a :class:`ChangeKind`.
        effective_on: the day the change takes effect, at 00:00 in the policy's
            zone, a ``pendulum.Date`` (a ``datetime.date`` is converted; a datetime
            is refused).
        description: what changes, in words, for people ("sum insured from 500,000
            to 600,000 CNY"): a non-empty text without surrounding whitespace. Put
            no personal data in it; it is left out of the ``repr`` all the same.
        phone: the new phone number of a contact-data change, in the format
            :class:`~renewal_core.model.Party` accepts, or ``None``. Personal data:
            left out of the ``repr`` and of every message.
        email: the new e-mail address of a contact-data change, or ``None``.
            Personal data, as ``phone``.

    Raises:
        InvalidField: a field has the wrong type or format (the message never shows
            a phone or an e-mail), a contact-data change has neither a phone nor an
            e-mail, or another kind has one.
        DateTypeError: ``effective_on`` is not a day.

    >>> import pendulum
    >>> request = ChangeRequest(ChangeKind.CONTACT_DATA, pendulum.date(2025, 4, 11),
    ...                         "new mobile number", phone="13900001111")
    >>> request
    ChangeRequest(kind=ChangeKind.CONTACT_DATA, effective_on=Date(2025, 4, 11))
    >>> request.phone
    '13900001111'
    >>> ChangeRequest(ChangeKind.TERM, pendulum.date(2025, 4, 11), "extend to 30 June",
    ...               email="zhang.san@example.com")
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: ChangeRequest.email: only a CONTACT_DATA change carries \
a new email, not a TERM change; say what a TERM change changes in its description
    """

    kind: ChangeKind = attrs.field(validator=_member_of(ChangeKind))
    effective_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    description: str = attrs.field(validator=_text(personal=True), repr=False)
    phone: str | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional([_text(personal=True), _phone]),
        repr=False,
    )
    email: str | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional([_text(personal=True), _email]),
        repr=False,
    )

    def __attrs_post_init__(self) -> None:
        given = [name for name in ("phone", "email") if getattr(self, name) is not None]
        if self.kind is ChangeKind.CONTACT_DATA and not given:
            _fail(
                self,
                "phone",
                "a CONTACT_DATA change needs the new phone, the new email, or both",
            )
        if self.kind is not ChangeKind.CONTACT_DATA and given:
            kind = self.kind.name
            _fail(
                self,
                given[0],
                f"only a CONTACT_DATA change carries a new {given[0]}, not a {kind} change; "
                f"say what a {kind} change changes in its description",
            )


# --------------------------------------------------------------------------- guards

_RECORDED_BY: Final[Mapping[str, str]] = {
    "request": START,
    "review": "validate",
    "adjustment": "price",
    "confirmed_amount": "confirm",
}


def _keeps(*own: str) -> Guard:
    return _keeps_records("change", _RECORDED_BY, *own)


def _request(case: Case) -> ChangeRequest:
    # Recorded at the creation, checked by ``validate`` and kept by every step after it.
    return cast("ChangeRequest", case.data["request"])


def _has_request(case: Case, firing: Firing) -> Iterable[Reason]:
    if isinstance(case.data.get("request"), ChangeRequest):
        return ()
    return (
        _reason(
            "change.no_request",
            Severity.BLOCK,
            "request",
            "the case was opened without a ChangeRequest under 'request'; withdraw it and "
            "open the change with request_change()",
        ),
    )


def _premium_changes(case: Case, firing: Firing) -> Iterable[Reason]:
    kind = _request(case).kind
    if kind.priced:
        return ()
    return (
        _reason(
            "change.no_premium",
            Severity.BLOCK,
            "pricing",
            f"a {kind.name} change has no premium to price; approve it once validated",
            {"kind": kind},
        ),
    )


def _same_effective_day(case: Case, firing: Firing) -> Iterable[Reason]:
    adjustment = cast("Adjustment", firing.payload["adjustment"])
    wanted = _request(case).effective_on
    if adjustment.effective_on == wanted:
        return ()
    return (
        _reason(
            "change.effective_day_mismatch",
            Severity.BLOCK,
            "pricing",
            f"the adjustment takes effect on {adjustment.effective_on}, but the change on "
            f"{wanted}; compute it with adjust(..., effective_on={wanted})",
            {"adjustment": adjustment.effective_on, "request": wanted},
        ),
    )


def _confirms_the_price(case: Case, firing: Firing) -> Iterable[Reason]:
    confirmed = cast("Money", firing.payload["confirmed_amount"])
    priced = cast("Adjustment", case.data["adjustment"]).amount
    if confirmed == priced:
        return ()
    return (
        _reason(
            "change.amount_not_confirmed",
            Severity.BLOCK,
            "confirmation",
            f"the customer confirmed {confirmed}, but the change is priced at {priced}; "
            "have the customer confirm the current price",
            {"confirmed": confirmed, "priced": priced},
        ),
    )


def _priced_before_approval(case: Case, firing: Firing) -> Iterable[Reason]:
    kind = _request(case).kind
    if case.state is not ChangeState.VALIDATED or not kind.priced:
        return ()
    return (
        _reason(
            "change.not_priced",
            Severity.BLOCK,
            "pricing",
            f"a {kind.name} change alters the premium: price it and have the customer "
            "confirm it before approval",
            {"kind": kind},
        ),
    )


# --------------------------------------------------------------------------- the workflow

_OWNER: Final = "change_workflow"
_OPENERS: Final = frozenset({Role.CUSTOMER, Role.AGENT, Role.CLERK})


def change_workflow(
    *,
    calendar: WorkingCalendar | None = None,
    approver_roles: enum.Enum | Iterable[enum.Enum] = (Role.UNDERWRITER, Role.SENIOR_UNDERWRITER),
    handling_days: int = 2,
    confirmation_days: int = 15,
) -> Workflow:
    """Build the change workflow with your approvers, calendar and deadlines.

    Args:
        calendar: the :class:`~renewal_core.workflows.engine.WorkingCalendar` of the
            deadlines; ``WorkingCalendar("Asia/Shanghai")`` (Saturday and Sunday off,
            no holidays) when ``None``.
        approver_roles: the roles that may approve (and reject) a change: a role or a
            non-empty collection of roles.
        handling_days: the working days each of the insurer's steps may take.
        confirmation_days: the calendar days the customer has to confirm the price.

    Returns:
        A :class:`~renewal_core.workflows.engine.Workflow` named ``"change"``, as
        described in the module docstring; :data:`CHANGE_WORKFLOW` is the one with
        the defaults.

    Raises:
        InvalidField: an argument has the wrong type, no role is given, or a number
            of days is not an int from 1 to 3660.

    >>> flow = change_workflow(approver_roles=Role.MANAGER, handling_days=3)
    >>> sorted(role.value for role in flow.transitions[3].roles)
    ['manager']
    >>> change_workflow(approver_roles=[])
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: change_workflow.approver_roles: must hold at least one role
    """
    checked = _calendar_argument(_OWNER, calendar)
    approvers = _roles_argument(_OWNER, "approver_roles", approver_roles)
    handling = _days_argument(_OWNER, "handling_days", handling_days)
    confirming = _days_argument(_OWNER, "confirmation_days", confirmation_days)
    state = ChangeState
    office = {Role.CLERK, Role.UNDERWRITER}
    return Workflow(
        "change",
        ChangeState,
        initial=state.REQUESTED,
        final={state.APPLIED, state.REJECTED, state.WITHDRAWN},
        transitions=[
            Transition(
                state.REQUESTED,
                "validate",
                Route(
                    [("review failed", _review_failed, state.REJECTED)],
                    otherwise=state.VALIDATED,
                ),
                roles=office,
                needs={"review": MaterialReview},
                guards=[_keeps("review"), _has_request],
            ),
            Transition(
                [state.VALIDATED, state.PRICED],
                "price",
                state.PRICED,
                roles=office,
                needs={"adjustment": Adjustment},
                guards=[_keeps("adjustment"), _premium_changes, _same_effective_day],
            ),
            Transition(
                state.PRICED,
                "confirm",
                state.CONFIRMED,
                roles={Role.CUSTOMER, Role.AGENT, Role.CLERK},
                four_eyes=("price",),
                needs={"confirmed_amount": Money},
                guards=[_keeps("confirmed_amount"), _confirms_the_price],
            ),
            Transition(
                [state.VALIDATED, state.CONFIRMED],
                "approve",
                state.APPROVED,
                roles=approvers,
                four_eyes=("validate", "price"),
                guards=[_keeps(), _priced_before_approval],
            ),
            Transition(
                state.APPROVED,
                "apply",
                state.APPLIED,
                roles={Role.CLERK, Role.SYSTEM},
                guards=[_keeps()],
            ),
            Transition(
                [state.VALIDATED, state.PRICED, state.CONFIRMED],
                "reject",
                state.REJECTED,
                roles={Role.CLERK, *approvers},
                reason_required=True,
                guards=[_keeps()],
            ),
            Transition(
                [state.REQUESTED, state.VALIDATED, state.PRICED, state.CONFIRMED, state.APPROVED],
                "withdraw",
                state.WITHDRAWN,
                roles=_OPENERS,
                reason_required=True,
                guards=[_keeps()],
            ),
        ],
        deadlines=[
            Deadline(state.REQUESTED, handling, working_days=True),
            Deadline(state.VALIDATED, handling, working_days=True),
            Deadline(state.PRICED, confirming),
            Deadline(state.CONFIRMED, handling, working_days=True),
            Deadline(state.APPROVED, handling, working_days=True),
        ],
        calendar=checked,
    )


CHANGE_WORKFLOW: Final = change_workflow()
"""The change workflow with the default approvers, calendar and deadlines.

:meta hide-value:
"""


def request_change(
    case_id: str,
    request: ChangeRequest,
    *,
    actor: Actor,
    at: dt.datetime,
    workflow: Workflow = CHANGE_WORKFLOW,
) -> tuple[Case, tuple[WorkflowEvent, ...]]:
    """Open a change case for ``request``, recorded under ``"request"``.

    Only the customer, an agent or a clerk opens a change: ``workflow.start`` does
    not check who opens a case, this function does.

    Args:
        case_id: the host's identifier of the case (not personal data).
        request: the :class:`ChangeRequest`.
        actor: who opens it: a :class:`~renewal_core.workflows.engine.Role`
            ``CUSTOMER``, ``AGENT`` or ``CLERK``.
        at: when, an aware datetime.
        workflow: a workflow from :func:`change_workflow`.

    Returns:
        The new case in ``requested`` and its creation event, as
        :meth:`~renewal_core.workflows.engine.Workflow.start` returns them.

    Raises:
        ArgumentTypeError: ``request``, ``actor`` or ``workflow`` has the wrong type,
            or as :meth:`~renewal_core.workflows.engine.Workflow.start` raises.
        InvalidField: ``case_id`` is empty.
        NaiveDateTimeError: ``at`` has no time zone.
        TransitionRefused: ``actor`` is not the customer, an agent or a clerk
            (``role.not_allowed``).

    >>> import pendulum
    >>> from renewal_core.workflows.engine import Actor, Role
    >>> request = ChangeRequest(ChangeKind.TERM, pendulum.date(2025, 4, 11), "extend to 30 June")
    >>> at = pendulum.datetime(2025, 4, 7, 9, tz="Asia/Shanghai")
    >>> case, events = request_change("E-2", request, actor=Actor("a-3", Role.AGENT), at=at)
    >>> case.state, case.data["request"].kind
    (ChangeState.REQUESTED, ChangeKind.TERM)
    >>> request_change("E-3", request, actor=Actor("u-9", Role.UNDERWRITER), at=at)
    Traceback (most recent call last):
    ...
    renewal_core.errors.TransitionRefused: change case 'E-3': event 'start' refused in state \
'requested': role.not_allowed: a change is requested by the customer, an agent or a clerk, \
not by underwriter
    """
    arguments: tuple[object, object] = (request, workflow)
    if not isinstance(arguments[0], ChangeRequest):
        _wrong_type(request, "request_change(request)", "a ChangeRequest")
    if not isinstance(arguments[1], Workflow) or workflow.states is not ChangeState:
        _wrong_type(workflow, "request_change(workflow)", "a Workflow from change_workflow()")
    return _open(
        workflow,
        case_id,
        request,
        actor=actor,
        at=at,
        openers=_OPENERS,
        who="a change is requested by the customer, an agent or a clerk",
    )
