"""The cancellation workflow (D2.8): a surrender, from request to refund.

A policy in force is cancelled at the policyholder's request (a surrender, 退保) or
by the insurer. The insurer checks that the cancellation is allowed, calculates the
refund (:func:`~renewal_core.pricing.refunds.refund`, or
:func:`~renewal_core.presets.cn_ctpl.ctpl_refund` for compulsory traffic insurance),
an approver approves it, finance pays it, and the case is closed.

States (:class:`CancellationState`) and events, with the roles that may fire them
(:class:`~renewal_core.workflows.engine.Role` members) and what they carry:

* creation, in ``requested``: the customer, an agent or a clerk opens the case with a
  :class:`CancellationRequest` by the insured; a clerk, an underwriter or a manager
  with one by the insurer (:func:`request_cancellation`);
* ``check``, ``requested`` → ``checked`` or ``rejected``: a clerk or an underwriter
  records the ``review``, a :class:`~renewal_core.materials.MaterialReview` of the
  request's documents (the deregistration certificate of a vehicle, say). The
  request is rejected when the policyholder cancels compulsory cover without a
  statutory case (branch ``no statutory case``), or when the review has a finding
  of severity ``REFER`` or ``BLOCK`` (branch ``review failed``);
* ``calculate``, ``checked`` or ``calculated`` → ``calculated``: a clerk or an
  underwriter records the ``refund``, a :class:`~renewal_core.pricing.refunds.Refund`
  of the request's premium, term and day, by the method the configuration gives;
  calculating again before approval replaces it;
* ``approve``, ``calculated`` → ``approved``, or ``closed`` when there is nothing to
  refund (branch ``nothing to refund``): an underwriter or a senior underwriter
  (configurable), not one who calculated the refund (four eyes);
* ``pay``, ``approved`` → ``refunded``: finance records the ``payment``, a
  :class:`RefundPayment` of the refund's amount; not one who calculated or approved
  it (four eyes);
* ``close``, ``refunded`` → ``closed``: a clerk, finance or the host system, once
  the policy is marked cancelled;
* ``reject``, ``checked`` or ``calculated`` → ``rejected``: a clerk or an approver,
  with a reason;
* ``withdraw``, ``requested``, ``checked``, ``calculated`` or ``approved`` →
  ``withdrawn``: the customer, an agent or a clerk, with a reason (the policy stays
  in force).

``closed``, ``rejected`` and ``withdrawn`` are final. The case's data holds each
record under its key: the request under ``"request"`` (from the creation), then
``"review"``, ``"refund"`` and ``"payment"``. Each is written by its own step only:
a payload of another event that carries one of these keys is refused, so what was
approved is what is paid.

**Compulsory cover.** China's compulsory traffic insurance (CTPL, 交强险) may be
cancelled by the policyholder only in a statutory case
(:class:`~renewal_core.presets.cn_ctpl.CtplCancellationCase`): a request with
``compulsory=True`` by the insured and no ``statutory_case`` is rejected at
``check``, and its :attr:`CancellationRequest.findings` hold the reason
``cancellation.no_statutory_case``. Compulsory cover is refunded by the day
(:class:`~renewal_core.pricing.refunds.ProRata`, as ``ctpl_refund`` does), whatever
the refund rules say.

**Refusals and outcomes.** An outcome the business expects is never a refusal: a
cancellation that is not allowed, or whose materials fail review, is a
:class:`~renewal_core.workflows.engine.Route` to ``rejected``; a refund of zero is a
route to ``closed``; an approver who says no fires ``reject``; a customer who keeps
the policy fires ``withdraw``. A refusal
(:class:`~renewal_core.errors.TransitionRefused`) is for a step that must not
happen; its reasons, all ``Severity.BLOCK``, have these codes:

* ``role.not_allowed`` and ``four_eyes.same_actor``: from the engine, and
  ``role.not_allowed`` from :func:`request_cancellation` for an opener of the wrong
  side;
* ``cancellation.no_request``: ``check`` on a case opened without a
  :class:`CancellationRequest` (by ``Workflow.start`` instead of
  :func:`request_cancellation`); withdraw it and open another;
* ``cancellation.refund_mismatch``: a refund of another premium, term or day than the
  request's (one reason per field);
* ``cancellation.wrong_method``: a refund by another method than the one the
  configuration gives: by the day for compulsory cover, else the
  :class:`~renewal_core.pricing.refunds.RefundRules` given to
  :func:`cancellation_workflow` for who cancels and the product (any method when
  none are given);
* ``cancellation.cooling_off_ignored``: a cancellation within the request's
  cooling-off days whose refund is not the whole premium;
* ``cancellation.payment_mismatch``: a payment of another amount than the refund;
* ``cancellation.record_replaced``: a payload that would replace a record of another
  step.

**Deadlines** (:meth:`~renewal_core.workflows.engine.Workflow.overdue`), counted from
the day the case entered the state, on ``WorkingCalendar("Asia/Shanghai")`` unless
:func:`cancellation_workflow` is given another calendar (with the host's holidays and
make-up working days): 2 working days for each of the insurer's steps (in
``requested``, ``checked``, ``calculated`` and ``refunded``), and 10 calendar days
from approval to pay the refund (in ``approved``; ``refund_days``, in calendar or
working days). These are service standards of the library; set your own, within
what the law allows: for a life policy, the Insurance Law of the PRC (article 47)
gives the insurer 30 days from the policyholder's notice to refund the cash value.

>>> import pendulum
>>> from renewal_core.materials import MaterialReview
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> from renewal_core.pricing.refunds import CancelledBy, ProRata, refund
>>> from renewal_core.workflows.engine import Actor, Role
>>> customer, clerk = Actor("c-88", Role.CUSTOMER), Actor("u-7", Role.CLERK)
>>> underwriter, cashier = Actor("u-9", Role.UNDERWRITER), Actor("f-2", Role.FINANCE)
>>> term = PolicyTerm.annual(pendulum.date(2025, 1, 1), "Asia/Shanghai")
>>> request = CancellationRequest(CancelledBy.INSURED, term, pendulum.date(2025, 4, 11),
...                               Money("3650.00", "CNY"))
>>> at = pendulum.datetime(2025, 4, 7, 9, tz="Asia/Shanghai")
>>> case, _ = request_cancellation("S-1", request, actor=customer, at=at)
>>> review = MaterialReview("surrender", missing=(), invalid=(), reasons=())
>>> case, _ = CANCELLATION_WORKFLOW.fire(case, "check", actor=clerk, at=at.add(hours=2),
...                                      payload={"review": review})
>>> done = refund(request.premium, term, request.cancelled_on, ProRata())
>>> done.days_used, done.refund  # 100 of 365 days used: 3,650.00 x 265/365
(100, Money('2650.00', 'CNY'))
>>> case, _ = CANCELLATION_WORKFLOW.fire(case, "calculate", actor=clerk, at=at.add(hours=3),
...                                      payload={"refund": done})
>>> case, _ = CANCELLATION_WORKFLOW.fire(case, "approve", actor=underwriter,
...                                      at=at.add(days=1))
>>> paid = RefundPayment("PAY-20250409-7", Money("2650.00", "CNY"), pendulum.date(2025, 4, 9))
>>> case, _ = CANCELLATION_WORKFLOW.fire(case, "pay", actor=cashier, at=at.add(days=2),
...                                      payload={"payment": paid})
>>> case, _ = CANCELLATION_WORKFLOW.fire(case, "close", actor=clerk, at=at.add(days=2, hours=1))
>>> [entry.target.value for entry in case.history]
['requested', 'checked', 'calculated', 'approved', 'refunded', 'closed']
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final, cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _day,
    _fail,
    _flag,
    _instance_of,
    _member_of,
    _money,
    _positive_int,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.materials import MaterialReview
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.presets.cn_ctpl import CtplCancellationCase
from renewal_core.pricing.refunds import (
    CancelledBy,
    ProRata,
    Refund,
    RefundMethod,
    RefundRules,
    ShortRate,
)
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
    "CANCELLATION_WORKFLOW",
    "CancellationRequest",
    "CancellationState",
    "RefundPayment",
    "cancellation_workflow",
    "request_cancellation",
]


@enum.unique
class CancellationState(ShortReprEnum):
    """The states of a cancellation case.

    Attributes:
        REQUESTED: the cancellation was asked for; waiting for the check.
        CHECKED: the cancellation is allowed and its materials passed review;
            waiting for the refund to be calculated.
        CALCULATED: the refund is calculated; waiting for approval.
        APPROVED: the refund is approved; waiting for finance to pay it.
        REFUNDED: the refund is paid; waiting for the case to be closed.
        CLOSED: the policy is cancelled and any refund paid (final).
        REJECTED: the cancellation is not allowed, or the insurer declined it (final).
        WITHDRAWN: the request was withdrawn; the policy stays in force (final).
    """

    REQUESTED = "requested"
    CHECKED = "checked"
    CALCULATED = "calculated"
    APPROVED = "approved"
    REFUNDED = "refunded"
    CLOSED = "closed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


def _optional_case(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _member_of(CtplCancellationCase)(instance, attribute, value)


def _optional_days(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _positive_int(instance, attribute, value)


@attrs.frozen
class CancellationRequest:
    """A request to cancel a policy in force, recorded when the case is opened.

    Attributes:
        cancelled_by: who cancels, a :class:`~renewal_core.pricing.refunds.CancelledBy`.
        term: the term cancelled, a :class:`~renewal_core.periods.PolicyTerm`.
        cancelled_on: the day the cancellation takes effect, at 00:00 in the
            policy's zone, a ``pendulum.Date`` (a ``datetime.date`` is converted; a
            datetime is refused).
        premium: the premium paid for the term, a
            :class:`~renewal_core.money.Money` in whole minor units, not negative.
        product: the product's code, which picks the refund method from the
            :class:`~renewal_core.pricing.refunds.RefundRules`; ``None`` for the
            rules of any product.
        compulsory: whether the policy is compulsory cover (CTPL), which the
            policyholder may cancel only in a statutory case.
        statutory_case: the
            :class:`~renewal_core.presets.cn_ctpl.CtplCancellationCase` that allows
            the cancellation of compulsory cover, or ``None``.
        cooling_off_days: the product's cooling-off (free-look) period in days, or
            ``None`` when it has none: a cancellation that has used at most these
            days is refunded in full.

    Raises:
        InvalidField: a field has the wrong type or value, or a statutory case is
            given for cover that is not compulsory.
        DateTypeError: ``cancelled_on`` is not a day.

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> from renewal_core.periods import PolicyTerm
    >>> from renewal_core.pricing.refunds import CancelledBy
    >>> term = PolicyTerm.annual(pendulum.date(2025, 1, 1), "Asia/Shanghai")
    >>> request = CancellationRequest(CancelledBy.INSURED, term, pendulum.date(2025, 4, 11),
    ...                               Money("950.00", "CNY"), product="CTPL", compulsory=True)
    >>> [reason.code for reason in request.findings]
    ['cancellation.no_statutory_case']
    """

    cancelled_by: CancelledBy = attrs.field(validator=_member_of(CancelledBy))
    term: PolicyTerm = attrs.field(validator=_instance_of(PolicyTerm))
    cancelled_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    premium: Money = attrs.field(validator=_money())
    product: str | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_text())
    )
    compulsory: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    statutory_case: CtplCancellationCase | None = attrs.field(
        default=None, kw_only=True, validator=_optional_case
    )
    cooling_off_days: int | None = attrs.field(
        default=None, kw_only=True, validator=_optional_days
    )

    def __attrs_post_init__(self) -> None:
        if self.statutory_case is not None and not self.compulsory:
            _fail(
                self,
                "statutory_case",
                "applies to compulsory cover (CTPL) only; set compulsory=True, or leave the "
                "case out",
            )

    @property
    def within_cooling_off(self) -> bool:
        """Whether the cancellation has used no more than the cooling-off days, if any."""
        days = self.cooling_off_days
        return days is not None and self.term.elapsed_days(self.cancelled_on) <= days

    @property
    def findings(self) -> tuple[Reason, ...]:
        """What the request itself says about the cancellation, in order.

        * ``cancellation.no_statutory_case`` (``BLOCK``): the policyholder cancels
          compulsory cover without a statutory case; the ``check`` step rejects it.
        * ``cancellation.cooling_off`` (``INFO``): the cancellation is within the
          cooling-off days, so the whole premium is refunded.
        """
        found: list[Reason] = []
        if (
            self.compulsory
            and self.cancelled_by is CancelledBy.INSURED
            and self.statutory_case is None
        ):
            cases = ", ".join(case.name for case in CtplCancellationCase)
            found.append(
                _reason(
                    "cancellation.no_statutory_case",
                    Severity.BLOCK,
                    "statutory_case",
                    "compulsory cover may be cancelled by the policyholder only in a "
                    f"statutory case ({cases}), and none is given",
                    {"product": self.product},
                )
            )
        if self.within_cooling_off:
            found.append(
                _reason(
                    "cancellation.cooling_off",
                    Severity.INFO,
                    "cooling_off",
                    f"cancelled within the {self.cooling_off_days} cooling-off days, so the "
                    "whole premium is refunded",
                    {
                        "days_used": self.term.elapsed_days(self.cancelled_on),
                        "cooling_off_days": self.cooling_off_days,
                    },
                )
            )
        return tuple(found)


@attrs.frozen
class RefundPayment:
    """A refund paid, as finance records it with ``pay``.

    Attributes:
        reference: the payment's reference in the host's or the bank's system (a
            transaction number, not an account number).
        amount: the amount paid, a :class:`~renewal_core.money.Money` greater than
            zero in whole minor units.
        paid_on: the day it was paid, a ``pendulum.Date`` (a ``datetime.date`` is
            converted; a datetime is refused).

    Raises:
        InvalidField: a field has the wrong type or value.
        DateTypeError: ``paid_on`` is not a day.

    >>> import datetime
    >>> from renewal_core.money import Money
    >>> RefundPayment("PAY-7", Money("2650.00", "CNY"), datetime.date(2025, 4, 9))
    RefundPayment(reference='PAY-7', amount=Money('2650.00', 'CNY'), paid_on=Date(2025, 4, 9))
    """

    reference: str = attrs.field(validator=_text())
    amount: Money = attrs.field(validator=_money(positive=True))
    paid_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)


# --------------------------------------------------------------------------- guards

_RECORDED_BY: Final[Mapping[str, str]] = {
    "request": START,
    "review": "check",
    "refund": "calculate",
    "payment": "pay",
}
_BY_THE_DAY: Final = ProRata()


def _keeps(*own: str) -> Guard:
    return _keeps_records("cancellation", _RECORDED_BY, *own)


def _request(case: Case) -> CancellationRequest:
    # Recorded at the creation, checked by ``check`` and kept by every step after it.
    return cast("CancellationRequest", case.data["request"])


def _has_request(case: Case, firing: Firing) -> Iterable[Reason]:
    if isinstance(case.data.get("request"), CancellationRequest):
        return ()
    return (
        _reason(
            "cancellation.no_request",
            Severity.BLOCK,
            "request",
            "the case was opened without a CancellationRequest under 'request'; withdraw "
            "it and open the cancellation with request_cancellation()",
        ),
    )


def _no_statutory_case(case: Case, firing: Firing) -> bool:
    return any(reason.severity is Severity.BLOCK for reason in _request(case).findings)


def _same_subject(case: Case, firing: Firing) -> Iterable[Reason]:
    calculated = cast("Refund", firing.payload["refund"])
    request = _request(case)
    found = []
    for field, label in (
        ("premium", "premium"),
        ("term", "term"),
        ("cancelled_on", "day of effect"),
    ):
        given, wanted = getattr(calculated, field), getattr(request, field)
        if given != wanted:
            found.append(
                _reason(
                    "cancellation.refund_mismatch",
                    Severity.BLOCK,
                    "refund",
                    f"the refund was calculated for the {label} {_shown(given)}, but the "
                    f"request's is {_shown(wanted)}; calculate it from the request",
                    {"field": field, "refund": given, "request": wanted},
                )
            )
    return found


def _shown(value: object) -> str:
    if isinstance(value, PolicyTerm):
        return f"{value.start} to {value.end}"
    return str(value)


def _method_name(method: RefundMethod) -> str:
    if isinstance(method, ProRata):
        return "pro-rata" if method.factor == 1 else f"pro-rata times {method.factor}"
    if isinstance(method, ShortRate):
        return f"a short-rate table by {method.table.unit.value}"
    return "flat"


def _by_the_rules(rules: RefundRules | None) -> Guard:
    """A guard: the refund's method is the one for the request (any without rules)."""

    def guard(case: Case, firing: Firing) -> Iterable[Reason]:
        request = _request(case)
        if request.compulsory:
            wanted: RefundMethod = _BY_THE_DAY
            why = "compulsory cover is refunded by the day"
        elif rules is None:
            return ()
        else:
            wanted = rules.method_for(request.cancelled_by, request.product)
            product = "any product" if request.product is None else repr(request.product)
            who = request.cancelled_by.value
            why = f"the rules give it for a cancellation by the {who} of {product}"
        used = cast("Refund", firing.payload["refund"]).method
        if used == wanted:
            return ()
        shown, expected = _method_name(used), _method_name(wanted)
        if shown == expected:
            shown, expected = f"{shown} (another one)", f"{expected} (the configured one)"
        return (
            _reason(
                "cancellation.wrong_method",
                Severity.BLOCK,
                "refund",
                f"the refund was calculated by {shown}, but {why}: {expected}",
                {"method": used, "expected": wanted},
            ),
        )

    return guard


def _cooling_off_applied(case: Case, firing: Firing) -> Iterable[Reason]:
    request = _request(case)
    calculated = cast("Refund", firing.payload["refund"])
    if not request.within_cooling_off or calculated.refund == calculated.premium:
        return ()
    return (
        _reason(
            "cancellation.cooling_off_ignored",
            Severity.BLOCK,
            "cooling_off",
            f"the cancellation is within the {request.cooling_off_days} cooling-off days, so "
            f"the whole premium {calculated.premium} is refunded, not {calculated.refund}; "
            f"calculate it with cooling_off_days={request.cooling_off_days}",
            {"refund": calculated.refund, "premium": calculated.premium},
        ),
    )


def _nothing_to_refund(case: Case, firing: Firing) -> bool:
    return cast("Refund", case.data["refund"]).refund.is_zero()


def _pays_the_refund(case: Case, firing: Firing) -> Iterable[Reason]:
    paid = cast("RefundPayment", firing.payload["payment"]).amount
    due = cast("Refund", case.data["refund"]).refund
    if paid == due:
        return ()
    return (
        _reason(
            "cancellation.payment_mismatch",
            Severity.BLOCK,
            "payment",
            f"the payment is {paid}, but the approved refund is {due}; record the payment "
            "of the refund",
            {"paid": paid, "refund": due},
        ),
    )


# --------------------------------------------------------------------------- the workflow

_OWNER: Final = "cancellation_workflow"
_CUSTOMER_SIDE: Final = frozenset({Role.CUSTOMER, Role.AGENT, Role.CLERK})
_INSURER_SIDE: Final = frozenset(
    {Role.CLERK, Role.UNDERWRITER, Role.SENIOR_UNDERWRITER, Role.MANAGER}
)


def _refund_rules(value: object) -> RefundRules | None:
    if value is not None and not isinstance(value, RefundRules):
        raise InvalidField(
            _OWNER, "rules", f"must be a RefundRules or None, not {_type_name(value)}"
        )
    return value


def cancellation_workflow(
    *,
    calendar: WorkingCalendar | None = None,
    rules: RefundRules | None = None,
    approver_roles: enum.Enum | Iterable[enum.Enum] = (Role.UNDERWRITER, Role.SENIOR_UNDERWRITER),
    handling_days: int = 2,
    refund_days: int = 10,
    refund_in_working_days: bool = False,
) -> Workflow:
    """Build the cancellation workflow with your refund rules, approvers, calendar and deadlines.

    Args:
        calendar: the :class:`~renewal_core.workflows.engine.WorkingCalendar` of the
            deadlines; ``WorkingCalendar("Asia/Shanghai")`` (Saturday and Sunday off,
            no holidays) when ``None``.
        rules: the :class:`~renewal_core.pricing.refunds.RefundRules` that give the
            refund method by who cancels and the product; ``None`` accepts any
            method (compulsory cover is refunded by the day either way).
        approver_roles: the roles that may approve (and reject) a cancellation: a
            role or a non-empty collection of roles.
        handling_days: the working days each of the insurer's steps may take.
        refund_days: the days from approval within which the refund is paid.
        refund_in_working_days: count ``refund_days`` in working days, not calendar
            days.

    Returns:
        A :class:`~renewal_core.workflows.engine.Workflow` named ``"cancellation"``,
        as described in the module docstring; :data:`CANCELLATION_WORKFLOW` is the
        one with the defaults.

    Raises:
        InvalidField: an argument has the wrong type, no role is given, or a number
            of days is not an int from 1 to 3660.

    >>> flow = cancellation_workflow(refund_days=5, refund_in_working_days=True)
    >>> flow.deadlines[3]
    Deadline(state=CancellationState.APPROVED, days=5, working_days=True)
    >>> cancellation_workflow(refund_days=0)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: cancellation_workflow.refund_days: must be an int from 1 \
to 3660 days, not 0
    """
    checked = _calendar_argument(_OWNER, calendar)
    method_rules = _refund_rules(rules)
    approvers = _roles_argument(_OWNER, "approver_roles", approver_roles)
    handling = _days_argument(_OWNER, "handling_days", handling_days)
    paying = _days_argument(_OWNER, "refund_days", refund_days)
    if not isinstance(refund_in_working_days, bool):
        raise InvalidField(
            _OWNER,
            "refund_in_working_days",
            f"must be True or False, not {_type_name(refund_in_working_days)}",
        )
    state = CancellationState
    office = {Role.CLERK, Role.UNDERWRITER}
    return Workflow(
        "cancellation",
        CancellationState,
        initial=state.REQUESTED,
        final={state.CLOSED, state.REJECTED, state.WITHDRAWN},
        transitions=[
            Transition(
                state.REQUESTED,
                "check",
                Route(
                    [
                        ("no statutory case", _no_statutory_case, state.REJECTED),
                        ("review failed", _review_failed, state.REJECTED),
                    ],
                    otherwise=state.CHECKED,
                ),
                roles=office,
                needs={"review": MaterialReview},
                guards=[_keeps("review"), _has_request],
            ),
            Transition(
                [state.CHECKED, state.CALCULATED],
                "calculate",
                state.CALCULATED,
                roles=office,
                needs={"refund": Refund},
                guards=[
                    _keeps("refund"),
                    _same_subject,
                    _by_the_rules(method_rules),
                    _cooling_off_applied,
                ],
            ),
            Transition(
                state.CALCULATED,
                "approve",
                Route(
                    [("nothing to refund", _nothing_to_refund, state.CLOSED)],
                    otherwise=state.APPROVED,
                ),
                roles=approvers,
                four_eyes=("calculate",),
                guards=[_keeps()],
            ),
            Transition(
                state.APPROVED,
                "pay",
                state.REFUNDED,
                roles={Role.FINANCE},
                four_eyes=("calculate", "approve"),
                needs={"payment": RefundPayment},
                guards=[_keeps("payment"), _pays_the_refund],
            ),
            Transition(
                state.REFUNDED,
                "close",
                state.CLOSED,
                roles={Role.CLERK, Role.FINANCE, Role.SYSTEM},
                guards=[_keeps()],
            ),
            Transition(
                [state.CHECKED, state.CALCULATED],
                "reject",
                state.REJECTED,
                roles={Role.CLERK, *approvers},
                reason_required=True,
                guards=[_keeps()],
            ),
            Transition(
                [state.REQUESTED, state.CHECKED, state.CALCULATED, state.APPROVED],
                "withdraw",
                state.WITHDRAWN,
                roles=_CUSTOMER_SIDE,
                reason_required=True,
                guards=[_keeps()],
            ),
        ],
        deadlines=[
            Deadline(state.REQUESTED, handling, working_days=True),
            Deadline(state.CHECKED, handling, working_days=True),
            Deadline(state.CALCULATED, handling, working_days=True),
            Deadline(state.APPROVED, paying, working_days=refund_in_working_days),
            Deadline(state.REFUNDED, handling, working_days=True),
        ],
        calendar=checked,
    )


CANCELLATION_WORKFLOW: Final = cancellation_workflow()
"""The cancellation workflow with the default rules (any method), approvers and deadlines.

:meta hide-value:
"""


def request_cancellation(
    case_id: str,
    request: CancellationRequest,
    *,
    actor: Actor,
    at: dt.datetime,
    workflow: Workflow = CANCELLATION_WORKFLOW,
) -> tuple[Case, tuple[WorkflowEvent, ...]]:
    """Open a cancellation case for ``request``, recorded under ``"request"``.

    The side that cancels opens the case: for a cancellation by the insured, the
    customer, an agent or a clerk; for one by the insurer, a clerk, an underwriter, a
    senior underwriter or a manager. ``workflow.start`` does not check who opens a
    case, this function does.

    Args:
        case_id: the host's identifier of the case (not personal data).
        request: the :class:`CancellationRequest`.
        actor: who opens it.
        at: when, an aware datetime.
        workflow: a workflow from :func:`cancellation_workflow`.

    Returns:
        The new case in ``requested`` and its creation event, as
        :meth:`~renewal_core.workflows.engine.Workflow.start` returns them.

    Raises:
        ArgumentTypeError: ``request``, ``actor`` or ``workflow`` has the wrong type,
            or as :meth:`~renewal_core.workflows.engine.Workflow.start` raises.
        InvalidField: ``case_id`` is empty.
        NaiveDateTimeError: ``at`` has no time zone.
        TransitionRefused: ``actor`` is not of the side that cancels
            (``role.not_allowed``).

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> from renewal_core.periods import PolicyTerm
    >>> from renewal_core.pricing.refunds import CancelledBy
    >>> from renewal_core.workflows.engine import Actor, Role
    >>> term = PolicyTerm.annual(pendulum.date(2025, 1, 1), "Asia/Shanghai")
    >>> request = CancellationRequest(CancelledBy.INSURER, term, pendulum.date(2025, 6, 1),
    ...                               Money("1200.00", "CNY"))
    >>> at = pendulum.datetime(2025, 5, 20, 9, tz="Asia/Shanghai")
    >>> request_cancellation("S-2", request, actor=Actor("c-88", Role.CUSTOMER), at=at)
    Traceback (most recent call last):
    ...
    renewal_core.errors.TransitionRefused: cancellation case 'S-2': event 'start' refused in \
state 'requested': role.not_allowed: a cancellation by the insurer is requested by a clerk, an \
underwriter, a senior underwriter or a manager, not by customer
    """
    arguments: tuple[object, object] = (request, workflow)
    if not isinstance(arguments[0], CancellationRequest):
        _wrong_type(request, "request_cancellation(request)", "a CancellationRequest")
    if not isinstance(arguments[1], Workflow) or workflow.states is not CancellationState:
        _wrong_type(
            workflow, "request_cancellation(workflow)", "a Workflow from cancellation_workflow()"
        )
    if request.cancelled_by is CancelledBy.INSURED:
        openers, who = (
            _CUSTOMER_SIDE,
            "a cancellation by the insured is requested by the customer, an agent or a clerk",
        )
    else:
        openers, who = (
            _INSURER_SIDE,
            "a cancellation by the insurer is requested by a clerk, an underwriter, a senior "
            "underwriter or a manager",
        )
    return _open(workflow, case_id, request, actor=actor, at=at, openers=openers, who=who)
