"""The dispute workflow (D2.8): negotiation first, then arbitration or court, then a ruling.

A customer who disagrees with the insurer (a claim settlement, a premium, a
cancellation refund, the contract's terms, the service) opens a dispute; the
insurer answers, and the two negotiate. An agreement resolves the dispute; a failed
negotiation may be taken to arbitration or to court, whose ruling ends it. Once the
agreement or the ruling is performed, the case is closed.

States (:class:`DisputeState`) and events, with the roles that may fire them
(:class:`~renewal_core.workflows.engine.Role` members) and what they carry:

* creation, in ``opened``: the customer, or a clerk on their behalf, opens the case
  with a :class:`DisputeClaim` (:func:`open_dispute`);
* ``respond``, ``opened`` → ``negotiating``: a clerk or a manager answers the
  customer;
* ``agree``, ``negotiating`` → ``resolved``: a clerk or a manager records the
  ``agreement``, an :class:`Agreement`;
* ``fail_negotiation``, ``negotiating`` → ``negotiation_failed``: a clerk or a
  manager, with a reason;
* ``escalate``, ``negotiation_failed`` → ``in_arbitration`` or ``in_court``: legal
  records the ``escalation``, an :class:`Escalation`, whose forum picks the state;
* ``settle``, ``in_arbitration`` or ``in_court`` → ``resolved``: legal records an
  ``agreement`` reached during the proceedings;
* ``record_ruling``, ``in_arbitration`` or ``in_court`` → ``ruled``: legal records the
  ``ruling``, a :class:`Ruling`;
* ``close``, ``resolved`` or ``ruled`` → ``closed``: a clerk or a manager, once the
  agreement or the ruling is performed; not one who agreed or settled on this case
  (four eyes);
* ``lapse``, ``negotiation_failed`` → ``closed``: a manager or legal, with a reason,
  when the customer takes no further step;
* ``withdraw``, any state before ``resolved``, ``ruled`` and the final ones →
  ``withdrawn``: the customer, a clerk on their behalf or legal, with a reason.

``closed`` and ``withdrawn`` are final. Whatever a step carries is recorded in the
case's data under its key: the :class:`DisputeClaim` under ``"claim"`` (given at
opening), then the ``"agreement"``, the ``"escalation"`` and the ``"ruling"``; the
outcome and any amount are read from the :class:`Agreement` or the :class:`Ruling`.
A case opened with ``Workflow.start`` instead of :func:`open_dispute` has no claim
(unless its data holds one): it goes on, and amounts are not compared with a claim.

**Refusals and outcomes.** An outcome the business expects is never a refusal:

* the insurer's answer and the customer's refusal of it are the events ``respond``
  and ``fail_negotiation``; a customer who gives up is ``withdraw``, one who takes
  no further step after a failed negotiation is ``lapse``;
* arbitration or court is a :class:`~renewal_core.workflows.engine.Route` on the
  :class:`Escalation`'s forum;
* a claim granted in full, in part or not at all is the :class:`DisputeOutcome` of
  the :class:`Agreement` or the :class:`Ruling`, recorded as it is.

A refusal (:class:`~renewal_core.errors.TransitionRefused`) is for a step that must
not happen; its reasons, all ``Severity.BLOCK``, have these codes:

* ``role.not_allowed`` and ``four_eyes.same_actor``: from the engine, and
  ``role.not_allowed`` from :func:`open_dispute` for an opener who is neither the
  customer nor a clerk;
* ``dispute.authority_exceeded``: a clerk agrees to pay more than the clerk limit of
  :func:`dispute_workflow` (a manager must agree it); ``dispute.authority_currency``:
  a clerk agrees an amount in another currency than the limit's;
* ``dispute.currency_mismatch``: an agreement or a ruling in another currency than
  the amount the customer claimed;
* ``dispute.no_arbitration_agreement``: arbitration without an arbitration agreement,
  which an arbitration commission does not accept (Arbitration Law of the PRC,
  article 4); ``dispute.arbitration_agreed``: court despite a valid arbitration
  agreement, which a people's court does not accept (article 5);
* ``dispute.ruling_forum``: a ruling from another forum than the one the case went
  to; ``dispute.ruling_in_future``: a ruling dated after the day it is recorded;
  ``dispute.ruling_before_escalation``: one dated before the day the case was taken
  to its forum (days in the calendar's zone).

**Deadlines** (:meth:`~renewal_core.workflows.engine.Workflow.overdue`), by default in
calendar days from the day the case entered the state, on
``WorkingCalendar("Asia/Shanghai")``; :func:`dispute_workflow` changes them, counts
them in working days, or drops them:

* ``opened``: 15 days to answer the customer, the period within which the
  complaint-handling measures for banking and insurance institutions
  (银行业保险业消费投诉处理管理办法, 2020) ask for a simple complaint to be handled;
* ``negotiating``: 30 days, the longest the same measures allow a complex
  complaint, here counted from the answer: a service standard of the library,
  set your own;
* ``resolved``: 10 days to perform the agreement, the period the Insurance Law of the
  PRC (article 23) gives an insurer to pay once an indemnity is agreed;
* ``ruled``: none, since a ruling sets its own time to perform; give one to track it.

>>> import pendulum
>>> from renewal_core.model import Channel
>>> from renewal_core.money import Money
>>> from renewal_core.workflows.engine import Actor, Role
>>> customer, clerk = Actor("c-88", Role.CUSTOMER), Actor("u-7", Role.CLERK)
>>> manager = Actor("u-9", Role.MANAGER)
>>> at = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
>>> claim = DisputeClaim(DisputeSubject.CLAIM_SETTLEMENT, channel=Channel.PHONE,
...                      claimed=Money("8000.00", "CNY"))
>>> case, _ = open_dispute("D-1", claim, actor=customer, at=at)
>>> case, _ = DISPUTE_WORKFLOW.fire(case, "respond", actor=clerk, at=at.add(days=2))
>>> agreement = Agreement(DisputeOutcome.PARTLY_GRANTED, amount=Money("5000.00", "CNY"))
>>> case, _ = DISPUTE_WORKFLOW.fire(case, "agree", actor=clerk, at=at.add(days=9),
...                                 payload={"agreement": agreement})
>>> case.state, case.data["agreement"].amount
(DisputeState.RESOLVED, Money('5000.00', 'CNY'))
>>> late = DISPUTE_WORKFLOW.overdue(case, pendulum.date(2025, 3, 23))
>>> late.due_on, late.days_late
(Date(2025, 3, 22), 1)
>>> case, _ = DISPUTE_WORKFLOW.fire(case, "close", actor=manager, at=at.add(days=12))
>>> case.state, case.is_final
(DisputeState.CLOSED, True)
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
    _flag,
    _member_of,
    _money,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.model import Channel
from renewal_core.money import Money
from renewal_core.periods import local_day
from renewal_core.reasons import Reason, Severity, _reason
from renewal_core.workflows._steps import _open
from renewal_core.workflows.engine import (
    DEFAULT_CALENDAR,
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
    "DISPUTE_WORKFLOW",
    "Agreement",
    "DisputeClaim",
    "DisputeOutcome",
    "DisputeState",
    "DisputeSubject",
    "Escalation",
    "Forum",
    "Ruling",
    "dispute_workflow",
    "open_dispute",
]


@enum.unique
class DisputeState(ShortReprEnum):
    """The states of a dispute case.

    Attributes:
        OPENED: lodged by the customer, waiting for the insurer's answer.
        NEGOTIATING: the insurer has answered; the parties negotiate.
        RESOLVED: an agreement is recorded and waits to be performed.
        NEGOTIATION_FAILED: the negotiation failed; the customer may go to
            arbitration or to court.
        IN_ARBITRATION: before an arbitration commission.
        IN_COURT: before a people's court.
        RULED: the award or the judgment is recorded and waits to be performed.
        CLOSED: finished (final): the agreement or the ruling was performed, or the
            customer took no further step.
        WITHDRAWN: the customer withdrew the dispute (final).
    """

    OPENED = "opened"
    NEGOTIATING = "negotiating"
    RESOLVED = "resolved"
    NEGOTIATION_FAILED = "negotiation_failed"
    IN_ARBITRATION = "in_arbitration"
    IN_COURT = "in_court"
    RULED = "ruled"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


@enum.unique
class DisputeSubject(ShortReprEnum):
    """What the customer disputes.

    Attributes:
        CLAIM_SETTLEMENT: a claim's settlement: declined, or paid less (理赔).
        PREMIUM: the renewal premium or how it was computed.
        REFUND: the refund of a cancellation (退保).
        CONTRACT: the contract's terms, or a change of them (变更).
        SERVICE: how the customer was served.
    """

    CLAIM_SETTLEMENT = "claim_settlement"
    PREMIUM = "premium"
    REFUND = "refund"
    CONTRACT = "contract"
    SERVICE = "service"


@enum.unique
class DisputeOutcome(ShortReprEnum):
    """How an agreement or a ruling answers the customer's claim.

    Attributes:
        GRANTED: in full.
        PARTLY_GRANTED: in part.
        REJECTED: not at all (the insurer's position stands; nothing is paid).
    """

    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REJECTED = "rejected"


@enum.unique
class Forum(ShortReprEnum):
    """Where a dispute is taken when the negotiation fails.

    Attributes:
        ARBITRATION: an arbitration commission (仲裁委员会); its award is final.
        COURT: a people's court (人民法院).
    """

    ARBITRATION = "arbitration"
    COURT = "court"


def _optional_amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _money(positive=True)(instance, attribute, value)


def _amount_for_outcome(instance: Agreement | Ruling) -> None:
    if instance.outcome is DisputeOutcome.REJECTED and instance.amount is not None:
        raise InvalidField(
            type(instance).__name__,
            "amount",
            "must be None when the outcome is REJECTED, since nothing is paid; use "
            "PARTLY_GRANTED for a payment short of the claim",
        )


@attrs.frozen
class DisputeClaim:
    """What the customer disputes, recorded when the dispute is opened.

    Attributes:
        subject: a :class:`DisputeSubject`.
        channel: the :class:`~renewal_core.model.Channel` it came through.
        claimed: the amount the customer claims, if the dispute is about money; a
            :class:`~renewal_core.money.Money` greater than zero in whole minor
            units, or ``None``.

    Raises:
        InvalidField: a field has the wrong type or value.

    >>> from renewal_core.model import Channel
    >>> from renewal_core.money import Money
    >>> DisputeClaim(DisputeSubject.REFUND, channel=Channel.ONLINE, claimed=Money("300", "CNY"))
    DisputeClaim(subject=DisputeSubject.REFUND, channel=Channel.ONLINE,
                 claimed=Money('300', 'CNY'))
    """

    subject: DisputeSubject = attrs.field(validator=_member_of(DisputeSubject))
    channel: Channel = attrs.field(kw_only=True, validator=_member_of(Channel))
    claimed: Money | None = attrs.field(default=None, kw_only=True, validator=_optional_amount)


@attrs.frozen
class Agreement:
    """What the parties agreed, as the ``agreement`` of ``agree`` and ``settle``.

    Attributes:
        outcome: the :class:`DisputeOutcome`.
        amount: what the insurer pays, a :class:`~renewal_core.money.Money` greater
            than zero in whole minor units; ``None`` when nothing is paid (always so
            for ``REJECTED``; a claim may also be granted without a payment, such as
            a corrected record).

    Raises:
        InvalidField: a field has the wrong type or value, or a ``REJECTED`` outcome
            has an amount.

    >>> from renewal_core.money import Money
    >>> Agreement(DisputeOutcome.GRANTED, amount=Money("1200.00", "CNY"))
    Agreement(outcome=DisputeOutcome.GRANTED, amount=Money('1200.00', 'CNY'))
    >>> Agreement(DisputeOutcome.REJECTED, amount=Money("1.00", "CNY"))
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: Agreement.amount: must be None when the outcome is \
REJECTED, since nothing is paid; use PARTLY_GRANTED for a payment short of the claim
    """

    outcome: DisputeOutcome = attrs.field(validator=_member_of(DisputeOutcome))
    amount: Money | None = attrs.field(default=None, kw_only=True, validator=_optional_amount)

    def __attrs_post_init__(self) -> None:
        _amount_for_outcome(self)


@attrs.frozen
class Escalation:
    """Where the dispute goes after a failed negotiation, as the ``escalation`` of ``escalate``.

    Attributes:
        forum: the :class:`Forum` the customer took the dispute to.
        arbitration_agreement: whether a valid arbitration agreement binds the
            parties: an arbitration clause of the contract, or an agreement to
            arbitrate made after the dispute arose. Arbitration needs one; a court
            does not hear a dispute that has one.

    Raises:
        InvalidField: a field has the wrong type.

    >>> Escalation(Forum.ARBITRATION, arbitration_agreement=True)
    Escalation(forum=Forum.ARBITRATION, arbitration_agreement=True)
    """

    forum: Forum = attrs.field(validator=_member_of(Forum))
    arbitration_agreement: bool = attrs.field(kw_only=True, validator=_flag)


@attrs.frozen
class Ruling:
    """The award or the judgment that binds the parties, as the ``ruling`` of ``record_ruling``.

    Record the ruling that ends the dispute: an arbitral award (final once made), or
    a court judgment in force (after any appeal).

    Attributes:
        forum: the :class:`Forum` that ruled.
        outcome: the :class:`DisputeOutcome`.
        ruled_on: the day of the award or judgment, a ``pendulum.Date`` (a
            ``datetime.date`` is converted; a datetime is refused).
        amount: what the insurer must pay, as for :class:`Agreement`.

    Raises:
        InvalidField: a field has the wrong type or value, or a ``REJECTED`` outcome
            has an amount.
        DateTypeError: ``ruled_on`` is not a day.

    >>> import datetime
    >>> Ruling(Forum.COURT, DisputeOutcome.REJECTED, ruled_on=datetime.date(2025, 6, 30))
    Ruling(forum=Forum.COURT, outcome=DisputeOutcome.REJECTED, ruled_on=Date(2025, 6, 30),
           amount=None)
    """

    forum: Forum = attrs.field(validator=_member_of(Forum))
    outcome: DisputeOutcome = attrs.field(validator=_member_of(DisputeOutcome))
    ruled_on: pendulum.Date = attrs.field(kw_only=True, converter=_as_day, validator=_day)
    amount: Money | None = attrs.field(default=None, kw_only=True, validator=_optional_amount)

    def __attrs_post_init__(self) -> None:
        _amount_for_outcome(self)


# ------------------------------------------------------------------ guards

_FORUM_OF: Final[Mapping[enum.Enum, Forum]] = {
    DisputeState.IN_ARBITRATION: Forum.ARBITRATION,
    DisputeState.IN_COURT: Forum.COURT,
}


def _same_currency(key: str) -> Guard:
    """A guard: the payload's ``key`` record pays in the currency the customer claimed."""

    def guard(case: Case, firing: Firing) -> Iterable[Reason]:
        record = cast("Agreement | Ruling", firing.payload[key])
        claim = case.data.get("claim")
        if (
            not isinstance(claim, DisputeClaim)
            or claim.claimed is None
            or record.amount is None
            or record.amount.currency == claim.claimed.currency
        ):
            return ()
        return (
            _reason(
                "dispute.currency_mismatch",
                Severity.BLOCK,
                "currency",
                f"the {key} pays in {record.amount.currency}, but the customer claimed an "
                f"amount in {claim.claimed.currency}; record the amount in "
                f"{claim.claimed.currency}",
                {"amount": record.amount, "claimed": claim.claimed},
            ),
        )

    return guard


def _within_authority(limit: Money | None) -> Guard:
    """A guard: a clerk agrees to pay no more than ``limit`` (any amount when ``None``)."""

    def guard(case: Case, firing: Firing) -> Iterable[Reason]:
        amount = cast("Agreement", firing.payload["agreement"]).amount
        if limit is None or amount is None or firing.actor.role is not Role.CLERK:
            return ()
        if amount.currency != limit.currency:
            return (
                _reason(
                    "dispute.authority_currency",
                    Severity.BLOCK,
                    "authority",
                    f"a clerk may agree amounts in {limit.currency} only, not in "
                    f"{amount.currency}; a manager must agree it",
                    {"amount": amount, "limit": limit},
                ),
            )
        if amount <= limit:
            return ()
        return (
            _reason(
                "dispute.authority_exceeded",
                Severity.BLOCK,
                "authority",
                f"a clerk may agree to pay up to {limit}, not {amount}; a manager must agree it",
                {"amount": amount, "limit": limit},
            ),
        )

    return guard


def _arbitration_agreement(case: Case, firing: Firing) -> Iterable[Reason]:
    escalation = cast("Escalation", firing.payload["escalation"])
    details = {
        "forum": escalation.forum,
        "arbitration_agreement": escalation.arbitration_agreement,
    }
    if escalation.forum is Forum.ARBITRATION and not escalation.arbitration_agreement:
        return (
            _reason(
                "dispute.no_arbitration_agreement",
                Severity.BLOCK,
                "arbitration_agreement",
                "arbitration needs an arbitration agreement, which the parties do not have; "
                "without one the dispute goes to court",
                details,
            ),
        )
    if escalation.forum is Forum.COURT and escalation.arbitration_agreement:
        return (
            _reason(
                "dispute.arbitration_agreed",
                Severity.BLOCK,
                "arbitration_agreement",
                "the parties agreed to arbitrate, so a court does not hear the dispute; take "
                "it to arbitration unless the agreement is held invalid",
                details,
            ),
        )
    return ()


def _ruling_forum(case: Case, firing: Firing) -> Iterable[Reason]:
    ruling = cast("Ruling", firing.payload["ruling"])
    expected = _FORUM_OF[case.state]
    if ruling.forum is expected:
        return ()
    return (
        _reason(
            "dispute.ruling_forum",
            Severity.BLOCK,
            "ruling_forum",
            f"the case is before {expected.value}, but the ruling comes from "
            f"{ruling.forum.value}; record the ruling of the forum that heard it",
            {"forum": ruling.forum, "expected": expected},
        ),
    )


def _ruling_dated(case: Case, firing: Firing) -> Iterable[Reason]:
    ruling = cast("Ruling", firing.payload["ruling"])
    calendar = case.workflow.calendar
    if calendar is None:  # a host's variant without deadlines: the step's own zone
        today = firing.at.date()
        escalated = case.entered_at.astimezone(firing.at.tzinfo).date()
    else:
        today = local_day(firing.at, calendar.tz)
        escalated = local_day(case.entered_at, calendar.tz)
    if ruling.ruled_on > today:
        return (
            _reason(
                "dispute.ruling_in_future",
                Severity.BLOCK,
                "ruling_date",
                f"the ruling is dated {ruling.ruled_on}, after the day it is recorded "
                f"({today}); record it once it is made",
                {"ruled_on": ruling.ruled_on, "recorded_on": today},
            ),
        )
    if ruling.ruled_on < escalated:
        return (
            _reason(
                "dispute.ruling_before_escalation",
                Severity.BLOCK,
                "ruling_date",
                f"the ruling is dated {ruling.ruled_on}, before the case was taken to its "
                f"forum ({escalated}); check the date or the case",
                {"ruled_on": ruling.ruled_on, "escalated_on": escalated},
            ),
        )
    return ()


def _goes_to_arbitration(case: Case, firing: Firing) -> bool:
    return cast("Escalation", firing.payload["escalation"]).forum is Forum.ARBITRATION


# ------------------------------------------------------------------ the workflow


@attrs.frozen
class _ClerkLimit:
    """The check of ``dispute_workflow(clerk_limit)``, as a field's."""

    clerk_limit: Money = attrs.field(validator=_money(positive=True))


_SHANGHAI: Final = DEFAULT_CALENDAR
_OPENERS: Final = frozenset({Role.CUSTOMER, Role.CLERK})
_STAFF: Final = frozenset({Role.CLERK, Role.MANAGER})


def _days(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3660:
        shown = repr(value) if isinstance(value, int) else _type_name(value)
        raise InvalidField(
            "dispute_workflow",
            name,
            f"must be an int from 1 to 3660, or None for no deadline, not {shown}",
        )
    return value


def dispute_workflow(
    *,
    calendar: WorkingCalendar = _SHANGHAI,
    response_days: int | None = 15,
    negotiation_days: int | None = 30,
    settlement_days: int | None = 10,
    performance_days: int | None = None,
    working_days: bool = False,
    clerk_limit: Money | None = None,
) -> Workflow:
    """Build the dispute workflow with your deadlines, calendar and clerk limit.

    :data:`DISPUTE_WORKFLOW` is ``dispute_workflow()``. Build your own once, when
    your program starts, and share it: two workflows are equal only when they are
    the same object.

    Args:
        calendar: the :class:`~renewal_core.workflows.engine.WorkingCalendar` the
            deadlines count in, with your holidays and make-up working days.
        response_days: days to answer the customer (state ``opened``).
        negotiation_days: days to agree or to end the negotiation (``negotiating``).
        settlement_days: days to perform an agreement (``resolved``).
        performance_days: days to perform a ruling (``ruled``).
        working_days: count every deadline in working days of ``calendar`` instead
            of calendar days.
        clerk_limit: the largest amount a clerk may agree to pay; above it, or in
            another currency, a manager must agree. ``None`` (the default) sets no
            limit.

    A deadline of ``None`` drops it. The module docstring explains the defaults.

    Returns:
        The :class:`~renewal_core.workflows.engine.Workflow`, named ``"dispute"``.

    Raises:
        ArgumentTypeError: ``calendar``, ``working_days`` or ``clerk_limit`` has
            the wrong type.
        InvalidField: a number of days is not an int from 1 to 3660 or ``None``, or
            ``clerk_limit`` is not greater than zero in whole minor units.

    >>> from renewal_core.money import Money
    >>> flow = dispute_workflow(response_days=5, working_days=True,
    ...                         clerk_limit=Money("10000.00", "CNY"))
    >>> [(deadline.state.value, deadline.days) for deadline in flow.deadlines]
    [('opened', 5), ('negotiating', 30), ('resolved', 10)]
    """
    arguments: tuple[object, object, object] = (calendar, working_days, clerk_limit)
    if not isinstance(arguments[0], WorkingCalendar):
        _wrong_type(arguments[0], "dispute_workflow(calendar)", "a WorkingCalendar")
    if not isinstance(arguments[1], bool):
        _wrong_type(arguments[1], "dispute_workflow(working_days)", "True or False")
    if arguments[2] is not None:
        if not isinstance(arguments[2], Money):
            _wrong_type(arguments[2], "dispute_workflow(clerk_limit)", "a Money or None")
        try:
            _ClerkLimit(arguments[2])
        except InvalidField as error:
            raise InvalidField("dispute_workflow", "clerk_limit", error.reason) from None
    stages = (
        (DisputeState.OPENED, "response_days", response_days),
        (DisputeState.NEGOTIATING, "negotiation_days", negotiation_days),
        (DisputeState.RESOLVED, "settlement_days", settlement_days),
        (DisputeState.RULED, "performance_days", performance_days),
    )
    deadlines = []
    for state, name, given in stages:
        days = _days(name, given)
        if days is not None:
            deadlines.append(Deadline(state, days, working_days=working_days))
    proceedings = (DisputeState.IN_ARBITRATION, DisputeState.IN_COURT)
    return Workflow(
        "dispute",
        DisputeState,
        initial=DisputeState.OPENED,
        final={DisputeState.CLOSED, DisputeState.WITHDRAWN},
        transitions=[
            Transition(DisputeState.OPENED, "respond", DisputeState.NEGOTIATING, roles=_STAFF),
            Transition(
                DisputeState.NEGOTIATING,
                "agree",
                DisputeState.RESOLVED,
                roles=_STAFF,
                needs={"agreement": Agreement},
                guards=[_same_currency("agreement"), _within_authority(clerk_limit)],
            ),
            Transition(
                DisputeState.NEGOTIATING,
                "fail_negotiation",
                DisputeState.NEGOTIATION_FAILED,
                roles=_STAFF,
                reason_required=True,
            ),
            Transition(
                DisputeState.NEGOTIATION_FAILED,
                "escalate",
                Route(
                    [("arbitration", _goes_to_arbitration, DisputeState.IN_ARBITRATION)],
                    otherwise=DisputeState.IN_COURT,
                ),
                roles=Role.LEGAL,
                needs={"escalation": Escalation},
                guards=[_arbitration_agreement],
            ),
            Transition(
                proceedings,
                "settle",
                DisputeState.RESOLVED,
                roles=Role.LEGAL,
                needs={"agreement": Agreement},
                guards=[_same_currency("agreement")],
            ),
            Transition(
                proceedings,
                "record_ruling",
                DisputeState.RULED,
                roles=Role.LEGAL,
                needs={"ruling": Ruling},
                guards=[_ruling_forum, _ruling_dated, _same_currency("ruling")],
            ),
            Transition(
                (DisputeState.RESOLVED, DisputeState.RULED),
                "close",
                DisputeState.CLOSED,
                roles=_STAFF,
                four_eyes=("agree", "settle"),
            ),
            Transition(
                DisputeState.NEGOTIATION_FAILED,
                "lapse",
                DisputeState.CLOSED,
                roles={Role.MANAGER, Role.LEGAL},
                reason_required=True,
            ),
            Transition(
                (
                    DisputeState.OPENED,
                    DisputeState.NEGOTIATING,
                    DisputeState.NEGOTIATION_FAILED,
                    *proceedings,
                ),
                "withdraw",
                DisputeState.WITHDRAWN,
                roles={Role.CUSTOMER, Role.CLERK, Role.LEGAL},
                reason_required=True,
            ),
        ],
        deadlines=deadlines,
        calendar=calendar,
    )


DISPUTE_WORKFLOW: Final = dispute_workflow()
"""The dispute workflow with the default deadlines and calendar (``dispute_workflow()``)."""


def open_dispute(
    case_id: str,
    claim: DisputeClaim,
    *,
    actor: Actor,
    at: dt.datetime,
    workflow: Workflow = DISPUTE_WORKFLOW,
) -> tuple[Case, tuple[WorkflowEvent, ...]]:
    """Open a dispute case for the customer's ``claim``, recorded under ``"claim"``.

    Only the customer, or a clerk on their behalf, opens a dispute:
    ``workflow.start`` does not check who opens a case, this function does.

    Args:
        case_id: the host's identifier of the case (not personal data).
        claim: the :class:`DisputeClaim`.
        actor: who opens it: a :class:`~renewal_core.workflows.engine.Role`
            ``CUSTOMER`` or ``CLERK``.
        at: when, an aware datetime.
        workflow: a workflow from :func:`dispute_workflow`.

    Returns:
        The new case in ``opened`` and its creation event, as
        :meth:`~renewal_core.workflows.engine.Workflow.start` returns them.

    Raises:
        ArgumentTypeError: ``claim``, ``actor`` or ``workflow`` has the wrong type, or
            as :meth:`~renewal_core.workflows.engine.Workflow.start` raises.
        InvalidField: ``case_id`` is empty.
        NaiveDateTimeError: ``at`` has no time zone.
        TransitionRefused: ``actor`` is neither the customer nor a clerk
            (``role.not_allowed``).

    >>> import pendulum
    >>> from renewal_core.model import Channel
    >>> from renewal_core.workflows.engine import Actor, Role
    >>> claim = DisputeClaim(DisputeSubject.SERVICE, channel=Channel.BRANCH_COUNTER)
    >>> at = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")
    >>> open_dispute("D-2", claim, actor=Actor("u-3", Role.UNDERWRITER), at=at)
    Traceback (most recent call last):
    ...
    renewal_core.errors.TransitionRefused: dispute case 'D-2': event 'start' refused in state \
'opened': role.not_allowed: a dispute is opened by the customer, or by a clerk on their \
behalf, not by underwriter
    """
    arguments: tuple[object, object] = (claim, workflow)
    if not isinstance(arguments[0], DisputeClaim):
        _wrong_type(claim, "open_dispute(claim)", "a DisputeClaim")
    if not isinstance(arguments[1], Workflow) or workflow.states is not DisputeState:
        _wrong_type(workflow, "open_dispute(workflow)", "a Workflow from dispute_workflow()")
    return _open(
        workflow,
        case_id,
        claim,
        actor=actor,
        at=at,
        openers=_OPENERS,
        who="a dispute is opened by the customer, or by a clerk on their behalf",
        key="claim",
    )
