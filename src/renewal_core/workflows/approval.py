"""The renewal approval workflow (D2.3): authority by risk and amount, and four eyes.

Per the insurer's internal rules, a renewal is approved by someone whose authority
covers it: who that is depends on the risk level and the amount. The authority is
data, an :class:`ApprovalAuthority`: :class:`AuthorityLevel` values in order of
rising authority, each with a role, a maximum amount and a maximum risk level, and a
review deadline in working days. :func:`approval_workflow` builds the table from it;
:data:`APPROVAL_WORKFLOW` is the one of :data:`DEFAULT_AUTHORITY`:

* ``auto``: automatic (role system), up to CNY 5,000.00 at low risk;
* ``underwriter``: an underwriter, up to CNY 50,000.00 at medium risk, in 2 working
  days;
* ``senior_underwriter``: a senior underwriter, up to CNY 500,000.00 at any risk, in
  3 working days;
* ``committee``: the underwriting committee, with no limit, in 5 working days.

These limits are illustrative starting points: set the insurer's own. The amount is
whatever the insurer's limits are written in (usually the renewal premium), given
with the risk level in an :class:`ApprovalRequest`.

The states (:class:`ApprovalState` for the default authority): ``draft``, one review
state ``<level>_review`` per level that is not automatic, ``needs_information``, and
the final ``approved`` and ``rejected``. The events:

* ``submit``: draft -> the review state of the first level whose authority covers the
  request (the route skips every level whose limits it exceeds); a request the
  automatic level covers goes straight to approved. Prepared by a clerk, an
  underwriter or the system (``preparers``); ``request``: an
  :class:`ApprovalRequest`.
* ``approve``: a level's review state -> approved; the level's role only, and never
  the actor who submitted or resubmitted the case (the **four-eyes rule**, enforced
  by the engine with ``four_eyes=("submit", "resubmit")``).
* ``escalate`` (with a reason): a level's review state -> the next level's; the
  level's role. The last level has none.
* ``refer_back`` (with a reason, what is needed): a level's review state ->
  needs_information; the level's role.
* ``reject`` (with a reason): a level's review state -> rejected; the level's role,
  four eyes as for ``approve``.
* ``resubmit``: needs_information -> the review state of the first level (not the
  automatic one: a person asked for the information, so a person decides) whose
  authority covers the request, which may have changed; the preparers;
  ``request``: an :class:`ApprovalRequest`.

**Outcomes and refusals.** The level a request goes to, an escalation, a referral
back and a rejection are outcomes: routes and events of the table. What must not
happen is refused with :class:`~renewal_core.errors.TransitionRefused` and the case
does not change: a step by a role the table does not allow (``role.not_allowed``),
an approval or rejection by the actor who prepared the case
(``four_eyes.same_actor``), and ``approval.currency`` (rule ``"approval"``,
``BLOCK``): a request whose amount is in another currency than the authority's
limits.

For another authority, :func:`approval_workflow` keeps :class:`ApprovalState` when
the levels that are not automatic are named ``underwriter``, ``senior_underwriter``
and ``committee``, in that order; otherwise the states are a new enum of the same
shape, named after the levels: find them by value, ``flow.states("approved")``.

>>> import pendulum
>>> from renewal_core.money import Money
>>> from renewal_core.risk import RiskLevel
>>> from renewal_core.workflows.engine import Actor, Role
>>> clerk = Actor("u-7", Role.CLERK)
>>> at = pendulum.datetime(2025, 2, 3, 9, tz="Asia/Shanghai")
>>> case, _ = APPROVAL_WORKFLOW.start("APR-1", actor=clerk, at=at)
>>> request = ApprovalRequest(Money("86000.00", "CNY"), RiskLevel.MEDIUM)
>>> case, _ = APPROVAL_WORKFLOW.fire(case, "submit", actor=clerk, at=at,
...                                  payload={"request": request})
>>> case.state, case.allowed_events()
(ApprovalState.SENIOR_UNDERWRITER_REVIEW, ('approve', 'escalate', 'refer_back', 'reject'))
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any, Final, cast

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _flag,
    _items,
    _member_of,
    _money,
    _same_currency,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.money import Money
from renewal_core.reasons import Reason, Severity, _reason
from renewal_core.risk import RiskLevel
from renewal_core.workflows.engine import (
    DEFAULT_CALENDAR,
    Case,
    Condition,
    Deadline,
    Firing,
    Guard,
    Role,
    Route,
    Transition,
    Workflow,
    WorkingCalendar,
)

__all__ = [
    "APPROVAL_WORKFLOW",
    "DEFAULT_AUTHORITY",
    "ApprovalAuthority",
    "ApprovalRequest",
    "ApprovalState",
    "AuthorityLevel",
    "approval_workflow",
]

_RULE: Final = "approval"
_SHANGHAI: Final = DEFAULT_CALENDAR
_NAME: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_NAME_LENGTH: Final = 40
_MAX_DAYS: Final = 3660
_PREPARED: Final = ("submit", "resubmit")


@enum.unique
class ApprovalState(ShortReprEnum):
    """The states of a renewal approval under :data:`DEFAULT_AUTHORITY`.

    Attributes:
        DRAFT: being prepared.
        UNDERWRITER_REVIEW: with an underwriter.
        SENIOR_UNDERWRITER_REVIEW: with a senior underwriter.
        COMMITTEE_REVIEW: with the underwriting committee.
        NEEDS_INFORMATION: referred back to the preparer for information.
        APPROVED: approved (final).
        REJECTED: rejected (final).
    """

    DRAFT = "draft"
    UNDERWRITER_REVIEW = "underwriter_review"
    SENIOR_UNDERWRITER_REVIEW = "senior_underwriter_review"
    COMMITTEE_REVIEW = "committee_review"
    NEEDS_INFORMATION = "needs_information"
    APPROVED = "approved"
    REJECTED = "rejected"


_DEFAULT_NAMES: Final = ("underwriter", "senior_underwriter", "committee")


@attrs.frozen
class ApprovalRequest:
    """What a case asks to approve: an amount and a risk level.

    Attributes:
        amount: the amount the authority's limits are written in (usually the
            renewal premium): a :class:`~renewal_core.money.Money` of zero or more,
            in whole minor units.
        risk_level: the renewal's :class:`~renewal_core.risk.RiskLevel` (the
            ``level`` of its :class:`~renewal_core.risk.RiskAssessment`).

    Raises:
        InvalidField: a field has the wrong type, or the amount is negative or finer
            than its currency's minor unit.

    >>> from renewal_core.money import Money
    >>> from renewal_core.risk import RiskLevel
    >>> ApprovalRequest(Money("3560.00", "CNY"), RiskLevel.LOW)
    ApprovalRequest(amount=Money('3560.00', 'CNY'), risk_level=RiskLevel.LOW)
    """

    amount: Money = attrs.field(validator=_money())
    risk_level: RiskLevel = attrs.field(validator=_member_of(RiskLevel))


def _level_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be a str, not {_type_name(value)}")
    if len(value) > _NAME_LENGTH or _NAME.fullmatch(value) is None:
        _fail(
            instance,
            attribute.name,
            f"must be lower-case words joined by '_', at most {_NAME_LENGTH} characters, "
            f"such as 'senior_underwriter', not {value[:_NAME_LENGTH]!r}",
        )


def _role(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, enum.Enum):
        _fail(
            instance,
            attribute.name,
            f"must be a Role (or a member of the host's role Enum), not {_type_name(value)}",
        )


def _limit(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _money()(instance, attribute, value)


def _review_days(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_DAYS:
        _fail(instance, attribute.name, f"must be an int from 1 to 3660 or None, not {value!r}")


@attrs.frozen
class AuthorityLevel:
    """One level of approval authority.

    Attributes:
        name: the level's name, lower-case words joined by ``_``; its review state is
            ``<name>_review``.
        role: who approves at this level: a
            :class:`~renewal_core.workflows.engine.Role`, or a member of the host's
            own role ``Enum``; the role that may approve, escalate, refer back and
            reject in its review state.
        max_amount: the largest amount the level may approve, or ``None`` for no
            limit.
        max_risk: the highest :class:`~renewal_core.risk.RiskLevel` the level may
            approve.
        automatic: whether requests within the level are approved on submission,
            without a review (only the first level may be automatic).
        review_days: the working days a case may stay in the level's review state,
            or ``None`` for no deadline (always ``None`` for an automatic level).

    Raises:
        InvalidField: a field has the wrong type, the name is badly formed, the
            maximum amount is negative, or an automatic level has review days.

    >>> from renewal_core.money import Money
    >>> from renewal_core.risk import RiskLevel
    >>> from renewal_core.workflows.engine import Role
    >>> level = AuthorityLevel(
    ...     "underwriter", Role.UNDERWRITER, Money("50000.00", "CNY"), RiskLevel.MEDIUM,
    ...     review_days=2)
    >>> level.covers(ApprovalRequest(Money("50000.00", "CNY"), RiskLevel.MEDIUM))
    True
    >>> level.covers(ApprovalRequest(Money("50000.01", "CNY"), RiskLevel.LOW))
    False
    """

    name: str = attrs.field(validator=_level_name)
    role: enum.Enum = attrs.field(validator=_role)
    max_amount: Money | None = attrs.field(validator=_limit)
    max_risk: RiskLevel = attrs.field(validator=_member_of(RiskLevel))
    automatic: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    review_days: int | None = attrs.field(default=None, kw_only=True, validator=_review_days)

    def __attrs_post_init__(self) -> None:
        if self.automatic and self.review_days is not None:
            _fail(self, "review_days", "an automatic level has no review, so no review days")

    def covers(self, request: ApprovalRequest) -> bool:
        """Whether the level's authority covers ``request``: its risk and its amount.

        Raises:
            ArgumentTypeError: ``request`` is not an :class:`ApprovalRequest`.
            CurrencyMismatch: the request's amount is in another currency than
                ``max_amount``.
        """
        if not isinstance(request, ApprovalRequest):
            _wrong_type(request, "AuthorityLevel.covers(request)", "an ApprovalRequest")
        if request.risk_level > self.max_risk:
            return False
        return self.max_amount is None or request.amount <= self.max_amount


def _check_levels(authority: ApprovalAuthority, levels: tuple[AuthorityLevel, ...]) -> None:
    if not levels:
        _fail(authority, "levels", "must hold at least one AuthorityLevel")
    for index, level in enumerate(levels[1:], start=1):
        if level.automatic:
            _fail(
                authority,
                f"levels[{index}]",
                f"{level.name!r} is automatic, but only the first level may be",
            )
    last = levels[-1]
    if last.automatic or last.max_amount is not None or last.max_risk is not RiskLevel.HIGH:
        _fail(
            authority,
            f"levels[{len(levels) - 1}]",
            f"the last level, {last.name!r}, must be a person's, with no amount limit and "
            "risk up to HIGH, so that every request has someone to decide it",
        )
    limits = [
        (f"{level.name!r} limit", level.max_amount)
        for level in levels
        if level.max_amount is not None
    ]
    if limits:
        _same_currency("ApprovalAuthority", limits[0], limits[1:])
    for index, (lower, level) in enumerate(itertools.pairwise(levels), start=1):
        if level.max_risk < lower.max_risk or _narrower(level.max_amount, lower.max_amount):
            _fail(
                authority,
                f"levels[{index}]",
                f"{level.name!r} must have at least the authority of {lower.name!r} (its "
                "amount and risk limits), so that an escalation never lowers it",
            )


def _narrower(limit: Money | None, lower: Money | None) -> bool:
    """Whether the amount ``limit`` (``None``: no limit) is below the ``lower`` level's."""
    if limit is None:
        return False
    return lower is None or limit < lower


@attrs.frozen
class ApprovalAuthority:
    """Who may approve what: :class:`AuthorityLevel` values in order of rising authority.

    Each level's authority covers at least the one before (its amount and risk limits
    are as high or higher); the last level has no amount limit and takes every risk,
    so every request has a level; only the first may be automatic, and the last is a
    person's.

    Attributes:
        levels: the levels, lowest authority first; names distinct.

    Raises:
        InvalidField: the levels break one of the rules above.
        CurrencyMismatch: two levels' amount limits are in different currencies.
    """

    levels: tuple[AuthorityLevel, ...] = attrs.field(
        converter=_as_tuple, validator=_items(AuthorityLevel, lambda level: level.name, "name")
    )

    def __attrs_post_init__(self) -> None:
        _check_levels(self, self.levels)

    @property
    def currency(self) -> str | None:
        """The currency of the amount limits, or ``None`` when no level has one."""
        for level in self.levels:
            if level.max_amount is not None:
                return level.max_amount.currency
        return None

    def level_for(self, request: ApprovalRequest) -> AuthorityLevel:
        """The first level whose authority covers ``request``: the one it is routed to.

        ``resubmit`` skips an automatic level.

        Raises:
            ArgumentTypeError: ``request`` is not an :class:`ApprovalRequest`.
            CurrencyMismatch: the request's amount is in another currency than the
                limits.

        >>> from renewal_core.money import Money
        >>> from renewal_core.risk import RiskLevel
        >>> DEFAULT_AUTHORITY.level_for(ApprovalRequest(Money("800", "CNY"), RiskLevel.HIGH)).name
        'senior_underwriter'
        """
        *lower, last = self.levels
        for level in lower:
            if level.covers(request):
                return level
        return last  # no amount limit, every risk: it covers every request


DEFAULT_AUTHORITY: Final = ApprovalAuthority(
    [
        AuthorityLevel(
            "auto", Role.SYSTEM, Money("5000.00", "CNY"), RiskLevel.LOW, automatic=True
        ),
        AuthorityLevel(
            "underwriter",
            Role.UNDERWRITER,
            Money("50000.00", "CNY"),
            RiskLevel.MEDIUM,
            review_days=2,
        ),
        AuthorityLevel(
            "senior_underwriter",
            Role.SENIOR_UNDERWRITER,
            Money("500000.00", "CNY"),
            RiskLevel.HIGH,
            review_days=3,
        ),
        AuthorityLevel("committee", Role.COMMITTEE, None, RiskLevel.HIGH, review_days=5),
    ]
)
"""The default approval authority, in CNY, with illustrative limits to replace.

Automatic approval up to 5,000.00 at low risk; an underwriter up to 50,000.00 at
medium risk (2 working days); a senior underwriter up to 500,000.00 at any risk (3
working days); the committee beyond (5 working days)."""


# --------------------------------------------------------------------------- guards


def _same_currency_as(currency: str | None) -> Guard:
    def in_currency(case: Case, firing: Firing) -> Iterable[Reason]:
        request = firing.payload["request"]
        assert isinstance(request, ApprovalRequest)  # noqa: S101 - checked by needs
        given = request.amount.currency
        if currency is None or given == currency:
            return []
        return [
            _reason(
                "approval.currency",
                Severity.BLOCK,
                _RULE,
                f"the request's amount is in {given}, but the authority's limits are in "
                f"{currency}; convert the amount, or use an authority in {given}",
                {"currency": given, "authority_currency": currency},
            )
        ]

    return in_currency


def _covered_by(level: AuthorityLevel) -> Condition:
    def covered(case: Case, firing: Firing) -> bool:
        request = firing.payload["request"]
        assert isinstance(request, ApprovalRequest)  # noqa: S101 - checked by needs
        return level.covers(request)

    return covered


def _route(
    levels: Sequence[AuthorityLevel], state_of: dict[str, enum.Enum], approved: enum.Enum
) -> enum.Enum | Route:
    targets = [approved if level.automatic else state_of[level.name] for level in levels]
    if len(levels) == 1:
        return targets[0]
    return Route(
        [
            (level.name, _covered_by(level), target)
            for level, target in zip(levels[:-1], targets, strict=False)
        ],
        otherwise=targets[-1],
    )


def _states_for(names: tuple[str, ...]) -> type[enum.Enum]:
    if names == _DEFAULT_NAMES:
        return ApprovalState
    members = [
        ("DRAFT", "draft"),
        *((f"{name.upper()}_REVIEW", f"{name}_review") for name in names),
        ("NEEDS_INFORMATION", "needs_information"),
        ("APPROVED", "approved"),
        ("REJECTED", "rejected"),
    ]
    factory = cast("Any", ShortReprEnum)
    return cast("type[enum.Enum]", factory("ApprovalState", members, module=__name__))


def approval_workflow(
    authority: ApprovalAuthority = DEFAULT_AUTHORITY,
    *,
    calendar: WorkingCalendar = _SHANGHAI,
    preparers: Iterable[enum.Enum] = (Role.CLERK, Role.UNDERWRITER, Role.SYSTEM),
) -> Workflow:
    """Build the approval workflow of ``authority``.

    Args:
        authority: the :class:`ApprovalAuthority` (:data:`DEFAULT_AUTHORITY`).
        calendar: the :class:`~renewal_core.workflows.engine.WorkingCalendar` the
            review deadlines count in (``Asia/Shanghai``, Saturday and Sunday off, by
            default): the insurer's zone, holidays and make-up working days.
        preparers: the roles that may submit and resubmit a case.

    Returns:
        The :class:`~renewal_core.workflows.engine.Workflow` (see the module
        docstring for its table); its states are :class:`ApprovalState` when the
        levels that are not automatic are named as the default's.

    Raises:
        ArgumentTypeError: ``authority`` is not an :class:`ApprovalAuthority` or
            ``calendar`` not a
            :class:`~renewal_core.workflows.engine.WorkingCalendar`.
        InvalidField: ``preparers`` is empty or holds something else than roles.

    >>> from renewal_core.money import Money
    >>> from renewal_core.risk import RiskLevel
    >>> from renewal_core.workflows.engine import Role
    >>> two = ApprovalAuthority([
    ...     AuthorityLevel("desk", Role.UNDERWRITER, Money("20000", "CNY"), RiskLevel.MEDIUM),
    ...     AuthorityLevel("board", Role.COMMITTEE, None, RiskLevel.HIGH, review_days=10),
    ... ])
    >>> flow = approval_workflow(two)
    >>> [state.value for state in flow.states]
    ['draft', 'desk_review', 'board_review', 'needs_information', 'approved', 'rejected']
    >>> flow.deadlines
    (Deadline(state=ApprovalState.BOARD_REVIEW, days=10, working_days=True),)
    """
    if not isinstance(authority, ApprovalAuthority):
        _wrong_type(authority, "approval_workflow(authority)", "an ApprovalAuthority")
    if not isinstance(calendar, WorkingCalendar):
        _wrong_type(calendar, "approval_workflow(calendar)", "a WorkingCalendar")
    given: object = preparers
    roles = (
        frozenset(given)
        if isinstance(given, Iterable) and not isinstance(given, str | bytes)
        else None
    )
    if not roles or not all(isinstance(role, enum.Enum) for role in roles):
        raise InvalidField(
            "approval_workflow",
            "preparers",
            "must be a non-empty collection of roles (Role members, or the host's own)",
        )
    levels = authority.levels
    manual = [level for level in levels if not level.automatic]
    states = _states_for(tuple(level.name for level in manual))
    state_of = {level.name: states(f"{level.name}_review") for level in manual}
    draft, needs = states("draft"), states("needs_information")
    approved, rejected = states("approved"), states("rejected")
    in_currency = _same_currency_as(authority.currency)
    transitions = [
        Transition(
            draft,
            "submit",
            _route(levels, state_of, approved),
            roles=roles,
            needs={"request": ApprovalRequest},
            guards=[in_currency],
        )
    ]
    for index, level in enumerate(manual):
        review = state_of[level.name]
        transitions.append(
            Transition(review, "approve", approved, roles=level.role, four_eyes=_PREPARED)
        )
        if index + 1 < len(manual):
            transitions.append(
                Transition(
                    review,
                    "escalate",
                    state_of[manual[index + 1].name],
                    roles=level.role,
                    reason_required=True,
                )
            )
        transitions += [
            Transition(review, "refer_back", needs, roles=level.role, reason_required=True),
            Transition(
                review,
                "reject",
                rejected,
                roles=level.role,
                four_eyes=_PREPARED,
                reason_required=True,
            ),
        ]
    transitions.append(
        Transition(
            needs,
            "resubmit",
            _route(manual, state_of, approved),
            roles=roles,
            needs={"request": ApprovalRequest},
            guards=[in_currency],
        )
    )
    return Workflow(
        "renewal_approval",
        states,
        initial=draft,
        final={approved, rejected},
        transitions=transitions,
        deadlines=[
            Deadline(state_of[level.name], level.review_days, working_days=True)
            for level in manual
            if level.review_days is not None
        ],
        calendar=calendar,
    )


APPROVAL_WORKFLOW: Final = approval_workflow()
"""The approval workflow of :data:`DEFAULT_AUTHORITY`, with review deadlines on an
``Asia/Shanghai`` calendar (Saturday and Sunday off), prepared by a clerk, an
underwriter or the system."""
