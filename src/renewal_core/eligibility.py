"""Renewal eligibility: rules that explain themselves, and decisions that carry reasons.

:func:`check_eligibility` runs a set of rules over a policy and the host's facts and
returns a :class:`Decision`: an :class:`Outcome` and every
:class:`~renewal_core.reasons.Reason` found, in the order of the rules. All rules run
by default, so a person sees every reason at once; ``stop_at_first_block=True`` stops
at the first rule that blocks, for batch speed.

* ``ELIGIBLE``: no reason blocks or needs review (``INFO`` reasons may be present,
  such as a replacement product to offer).
* ``REFER``: at least one reason needs a person's review, and none blocks.
* ``INELIGIBLE``: at least one reason blocks.

The outcome depends only on the reasons found, never on the order of the rules: it is
given by the heaviest :class:`~renewal_core.reasons.Severity` among them.

A rule is anything with a ``name`` and a ``check(subject)`` method that returns the
reasons it found (none when the policy passes); :func:`rule` turns a plain function
into one. The built-in rules are small frozen classes whose fields are their
settings, so a rule set is a tuple of values a host builds from its own
configuration (:func:`default_rules`). Their reason codes:

* :class:`WithinRenewalWindow`: ``outside_window.too_early`` (block),
  ``outside_window.lapsed`` (block when late renewal is not allowed, else refer),
  ``window.in_grace`` (info).
* :class:`PolicyStatusRule`: ``status.cancelled``, ``status.terminated``,
  ``status.renewed`` (block), ``status.lapsed`` (refer), ``status.do_not_renew``
  (block).
* :class:`UnpaidPremium`: ``unpaid.premium`` and ``unpaid.overdue_installments``
  (block, or refer under the configured limits), ``unpaid.status_overdue`` (refer).
* :class:`ClaimHistory`: ``claims.frequency``, ``claims.loss_ratio`` (refer).
* :class:`MaximumRenewalAge`: ``age.above_maximum`` (block), ``age.unknown``
  (refer).
* :class:`VehicleAge`: ``vehicle.age_above_limit`` (refer), ``vehicle.age_unknown``
  (info).
* :class:`ProductWithdrawn`: ``product.withdrawn`` (info, with the replacement),
  ``product.withdrawn_no_replacement`` (block).
* :class:`SumInsuredLimits`: ``sum_insured.below_minimum``,
  ``sum_insured.above_maximum`` (refer, configurable).
* :class:`FraudAndSanctions`: ``flag.fraud``, ``flag.sanctions`` (block),
  ``flag.fraud_indicators`` (refer).
* :class:`CustomerData`: ``materials.missing``, ``materials.invalid`` (severity per
  checklist item).

>>> import pendulum
>>> from renewal_core import Channel, IdKind, Money, Party, PartyKind, Policy, PolicyTerm
>>> from renewal_core.facts import RenewalFacts
>>> holder = Party(
...     "C-1001", PartyKind.INDIVIDUAL, "张三",
...     id_kind=IdKind.RESIDENT_ID, id_number="11010519491231002X", phone="13812345678",
... )
>>> policy = Policy(
...     number="P-2024-0001",
...     holder=holder,
...     line_of_business=LineOfBusiness.AUTO,
...     product_code="AUTO-COMMERCIAL",
...     term=PolicyTerm.annual(pendulum.date(2024, 3, 1), "Asia/Shanghai"),
...     status=PolicyStatus.ACTIVE,
...     premium=Money("3560.00", "CNY"),
...     sales_channel=Channel.AGENT,
...     inception=pendulum.date(2024, 3, 1),
... )
>>> decision = check_eligibility(
...     policy,
...     as_of=pendulum.date(2025, 2, 10),
...     context=RenewalFacts(outstanding_premium=Money("200.00", "CNY")),
... )
>>> decision.outcome
Outcome.INELIGIBLE
>>> [reason.code for reason in decision.reasons]
['unpaid.premium', 'vehicle.age_unknown']
>>> print(decision.reasons[0].message)
200.00 CNY of premium is unpaid, more than the 0.00 CNY that may be referred
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final, Protocol, runtime_checkable

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _count,
    _day,
    _fail,
    _flag,
    _instance_of,
    _maker,
    _member_of,
    _money,
    _positive_int,
    _read_only,
    _type_name,
)
from renewal_core.errors import CurrencyMismatch, InvalidField
from renewal_core.facts import RenewalFacts, RenewalSubject
from renewal_core.materials import (
    DEFAULT_CHECKLISTS,
    MaterialChecklists,
)
from renewal_core.model import IdKind, LineOfBusiness, PaymentStatus, Policy, PolicyStatus
from renewal_core.money import Money
from renewal_core.reasons import Reason, Severity, _code, _reason
from renewal_core.validators import _resident_id_birth
from renewal_core.windows import (
    DEFAULT_WINDOW_CONFIG,
    LateRenewal,
    RenewalWindowConfig,
    WindowPhase,
)

__all__ = [
    "DEFAULT_RULES",
    "ClaimHistory",
    "CustomerData",
    "Decision",
    "FraudAndSanctions",
    "MaximumRenewalAge",
    "Outcome",
    "PolicyStatusRule",
    "ProductTerms",
    "ProductWithdrawn",
    "Rule",
    "SumInsuredLimits",
    "UnpaidPremium",
    "VehicleAge",
    "WithinRenewalWindow",
    "all_of",
    "any_of",
    "check_eligibility",
    "completed_years",
    "default_rules",
    "not_",
    "only_for",
    "outcome_of",
    "rule",
]


# --------------------------------------------------------------------------- outcome


@enum.unique
class Outcome(ShortReprEnum):
    """What a decision says.

    Attributes:
        ELIGIBLE: the policy may be renewed as it is.
        REFER: a person must review the case first.
        INELIGIBLE: the policy cannot be renewed as it is.
    """

    ELIGIBLE = "eligible"
    REFER = "refer"
    INELIGIBLE = "ineligible"


_OUTCOME_OF: Final = {
    None: Outcome.ELIGIBLE,
    Severity.INFO: Outcome.ELIGIBLE,
    Severity.REFER: Outcome.REFER,
    Severity.BLOCK: Outcome.INELIGIBLE,
}


def outcome_of(reasons: Iterable[Reason]) -> Outcome:
    """The outcome that ``reasons`` lead to: the heaviest severity decides.

    >>> outcome_of([])
    Outcome.ELIGIBLE
    >>> outcome_of([Reason("a", Severity.REFER, "r", "m"), Reason("b", Severity.INFO, "r", "m")])
    Outcome.REFER
    """
    refer = False
    for reason in reasons:
        severity = reason.severity
        if severity is Severity.BLOCK:
            return Outcome.INELIGIBLE
        if severity is Severity.REFER:
            refer = True
    return Outcome.REFER if refer else Outcome.ELIGIBLE


def _reasons(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a tuple, not {_type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, Reason):
            _fail(
                instance, f"{attribute.name}[{index}]", f"must be a Reason, not {_type_name(item)}"
            )


def _names(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(item, str) for item in value):
        _fail(instance, attribute.name, "must be a tuple of rule names (str)")


@attrs.frozen
class Decision:
    """The answer of :func:`check_eligibility`: an outcome and its reasons.

    Attributes:
        outcome: the :class:`Outcome`, given by the heaviest severity among
            ``reasons``.
        reasons: every reason found, in the order of the rules.
        as_of: the day of the check, in the policy's zone.
        checked: the names of the rules that ran, in order; with
            ``stop_at_first_block`` the rules after the first block did not run.
        complete: whether every rule ran.

    Raises:
        InvalidField: ``outcome`` does not match the reasons, or a field has the wrong
            type.
    """

    outcome: Outcome = attrs.field(validator=_member_of(Outcome))
    reasons: tuple[Reason, ...] = attrs.field(validator=_reasons)
    as_of: pendulum.Date = attrs.field(validator=_day)
    checked: tuple[str, ...] = attrs.field(default=(), validator=_names)
    complete: bool = attrs.field(default=True, validator=_flag)

    def __attrs_post_init__(self) -> None:
        expected = outcome_of(self.reasons)
        if self.outcome is not expected:
            _fail(self, "outcome", f"the reasons lead to {expected.name}, not {self.outcome.name}")

    @property
    def eligible(self) -> bool:
        """Whether the outcome is ``ELIGIBLE``."""
        return self.outcome is Outcome.ELIGIBLE

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the reasons, in order."""
        return tuple(reason.code for reason in self.reasons)

    def with_severity(self, severity: Severity) -> tuple[Reason, ...]:
        """The reasons of one severity, in order."""
        return tuple(reason for reason in self.reasons if reason.severity is severity)

    def explain(self) -> str:
        """A plain-text account of the decision, one reason per line.

        >>> print(Decision(Outcome.ELIGIBLE, (), pendulum.date(2025, 1, 1)).explain())
        eligible on 2025-01-01: no reasons
        """
        head = f"{self.outcome.value} on {self.as_of}"
        if not self.reasons:
            return f"{head}: no reasons"
        lines = [f"{head}:"]
        lines += [
            f"- [{reason.severity.value}] {reason.code} ({reason.rule}): {reason.message}"
            for reason in self.reasons
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------- rules


@runtime_checkable
class Rule(Protocol):
    """An eligibility rule: a name and a check returning the reasons it finds.

    ``check`` must be pure: it looks at the subject only (the policy, the day and the
    host's facts) and returns the same reasons for the same subject. It returns an
    empty sequence when the policy passes.
    """

    @property
    def name(self) -> str:
        """The rule's name, recorded in every reason it gives."""
        ...  # pragma: no cover - a protocol

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        ...  # pragma: no cover - a protocol


def _rule_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        _fail(instance, attribute.name, "must be a non-empty str")


def _is_rule(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Rule):
        _fail(
            instance,
            attribute.name,
            f"must be a Rule (a name and a check(subject) method), not {_type_name(value)}",
        )


def _rules(instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    if not value:
        _fail(instance, attribute.name, "must hold at least one rule")
    for index, item in enumerate(value):
        if not isinstance(item, Rule):
            _fail(
                instance,
                f"{attribute.name}[{index}]",
                f"must be a Rule (a name and a check(subject) method), not {_type_name(item)}",
            )


@attrs.frozen
class _FunctionRule:
    """A rule made of a plain function by :func:`rule`."""

    name: str = attrs.field(validator=_rule_name)
    function: Callable[[RenewalSubject], Iterable[Reason]] = attrs.field(repr=False)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        return self.function(subject)


def rule(name: str) -> Callable[[Callable[[RenewalSubject], Iterable[Reason]]], Rule]:
    """Turn a function ``subject -> reasons`` into a :class:`Rule` called ``name``.

    >>> @rule("vehicle_use")
    ... def commercial_use(subject):
    ...     if subject.facts.extra.get("vehicle_use") == "ride_hailing":
    ...         yield Reason("vehicle.commercial_use", Severity.REFER, "vehicle_use",
    ...                      "the vehicle is used for ride hailing")
    >>> commercial_use.name
    'vehicle_use'
    """

    def wrap(function: Callable[[RenewalSubject], Iterable[Reason]]) -> Rule:
        if not callable(function):
            raise InvalidField("rule", "function", f"must be callable, not {_type_name(function)}")
        return _FunctionRule(name, function)

    return wrap


def _run(rule_: Rule, subject: RenewalSubject) -> tuple[Reason, ...]:
    """Run one rule and check that it returned an iterable of reasons."""
    found: object = rule_.check(subject)
    if type(found) is tuple:
        reasons: tuple[object, ...] = found
    elif isinstance(found, Iterable) and not isinstance(found, Reason | str | bytes | Mapping):
        reasons = tuple(found)
    else:
        raise InvalidField(
            "Rule",
            rule_.name,
            "check() must return an iterable of Reason values (empty when the policy "
            f"passes), not {_type_name(found)}",
        )
    for reason in reasons:
        if type(reason) is not Reason and not isinstance(reason, Reason):
            raise InvalidField(
                "Rule",
                rule_.name,
                f"check() must return Reason values, not {_type_name(reason)}",
            )
    return reasons  # type: ignore[return-value]  # every item checked above


_RANK: Final = {None: 0, Severity.INFO: 0, Severity.REFER: 1, Severity.BLOCK: 2}


def _rank(reasons: Sequence[Reason]) -> int:
    return max((_RANK[reason.severity] for reason in reasons), default=0)


def _combined_name(kind: str, rules: Sequence[Rule]) -> str:
    given: Sequence[object] = rules  # typed loosely: callers without mypy can pass anything
    names = (rule_.name if isinstance(rule_, Rule) else "?" for rule_ in given)
    return f"{kind}({', '.join(names)})"


def _as_rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


@attrs.frozen
class _AllOf:
    rules: tuple[Rule, ...] = attrs.field(converter=_as_rules, validator=_rules)
    name: str = attrs.field(validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        found: list[Reason] = []
        for rule_ in self.rules:
            found += _run(rule_, subject)
        return found


@attrs.frozen
class _AnyOf:
    rules: tuple[Rule, ...] = attrs.field(converter=_as_rules, validator=_rules)
    name: str = attrs.field(validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        best: tuple[Reason, ...] | None = None
        best_rank = 3
        for rule_ in self.rules:
            reasons = _run(rule_, subject)
            rank = _rank(reasons)
            if rank < best_rank:
                best, best_rank = reasons, rank
                if rank == 0:
                    break
        return best or ()


@attrs.frozen
class _Not:
    rule: Rule = attrs.field(validator=_is_rule)
    code: str = attrs.field(validator=_code)
    message: str = attrs.field(validator=_rule_name)
    severity: Severity = attrs.field(validator=_member_of(Severity))
    name: str = attrs.field(validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        if _rank(_run(self.rule, subject)):
            return ()
        return (_reason(self.code, self.severity, self.name, self.message),)


@attrs.frozen
class _OnlyFor:
    lines: frozenset[LineOfBusiness]
    rule: Rule = attrs.field(validator=_is_rule)

    @property
    def name(self) -> str:
        return self.rule.name

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        if subject.policy.line_of_business in self.lines:
            return self.rule.check(subject)
        return ()


def all_of(*rules: Rule, name: str | None = None) -> Rule:
    """A rule that runs every one of ``rules`` and gives all their reasons.

    Its outcome is the heaviest of theirs: it passes only when every rule passes.

    Raises:
        InvalidField: no rules, or something that is not a rule.
    """
    return _AllOf(rules, _combined_name("all_of", rules) if name is None else name)


def any_of(*rules: Rule, name: str | None = None) -> Rule:
    """A rule that passes when any one of ``rules`` passes.

    The rules run in order until one passes (finds nothing that blocks or refers);
    the reasons given are those of the first rule with the mildest outcome, so its
    outcome is the mildest of theirs. When one passes, its ``INFO`` reasons are
    given.

    Raises:
        InvalidField: no rules, or something that is not a rule.
    """
    return _AnyOf(rules, _combined_name("any_of", rules) if name is None else name)


def not_(
    rule_: Rule,
    *,
    code: str,
    message: str,
    severity: Severity = Severity.BLOCK,
    name: str | None = None,
) -> Rule:
    """A rule that gives one reason when ``rule_`` passes, and none when it does not.

    ``rule_`` passes when it finds nothing that blocks or refers; its own reasons are
    never given.

    Args:
        rule_: the rule to negate.
        code: the code of the reason given when ``rule_`` passes.
        message: its message.
        severity: its severity; ``BLOCK`` by default.
        name: the rule's name; ``not(<name of rule_>)`` by default.

    Raises:
        InvalidField: ``rule_`` is not a rule, or ``code`` is badly formed.
    """
    given: object = rule_
    label = f"not({given.name})" if isinstance(given, Rule) else "not"
    return _Not(rule_, code, message, severity, label if name is None else name)


def only_for(lines: LineOfBusiness | Iterable[LineOfBusiness], rule_: Rule) -> Rule:
    """A rule that runs ``rule_`` for policies of the given lines of business only.

    Raises:
        InvalidField: a line is not a :class:`~renewal_core.model.LineOfBusiness`, or
            ``rule_`` is not a rule.
    """
    chosen = frozenset((lines,) if isinstance(lines, LineOfBusiness) else lines)
    for line in chosen:
        if not isinstance(line, LineOfBusiness):
            raise InvalidField(
                "only_for", "lines", f"must be LineOfBusiness members, not {_type_name(line)}"
            )
    if not chosen:
        raise InvalidField("only_for", "lines", "must name at least one line of business")
    return _OnlyFor(chosen, rule_)


# --------------------------------------------------------------------------- helpers


def completed_years(born: dt.date, on: dt.date) -> int:
    """Whole years from ``born`` to ``on``: an age as people count it.

    A birthday on 29 February is reached on 1 March in common years.

    >>> completed_years(pendulum.date(2000, 2, 29), pendulum.date(2021, 2, 28))
    20
    >>> completed_years(pendulum.date(2000, 2, 29), pendulum.date(2021, 3, 1))
    21
    """
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def _new_term_start(subject: RenewalSubject, config: RenewalWindowConfig) -> pendulum.Date:
    """The first day of the new term for a renewal applied for on the day of the check.

    The day after expiry, or for a lapsed policy the day its rules say; when they do
    not allow a late renewal, the day after expiry.
    """
    window = subject.renewal_window(config)
    day = subject.as_of
    if day <= window.grace_ends_on:
        return window.next_term_starts_on
    return window.start_for(day).starts_on or window.next_term_starts_on


_amount = _money()


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Check ``None`` or a :class:`Money` not negative, in whole minor units."""
    if value is not None and not isinstance(value, Money):
        _fail(instance, attribute.name, f"must be a Money or None, not {_type_name(value)}")
    if value is not None:
        _amount(instance, attribute, value)


def _same_currency(limit: Money, amount: Money, what: str) -> None:
    if limit.currency != amount.currency:
        raise CurrencyMismatch(amount.currency, limit.currency, what)


# --------------------------------------------------------------------------- built-ins


@attrs.frozen
class WithinRenewalWindow:
    """The application falls within the renewal window (D2.1).

    Uses :func:`~renewal_core.windows.renewal_window` with ``config`` and the facts'
    ``jurisdiction``. Codes: ``outside_window.too_early`` (block) before the window
    opens; ``outside_window.lapsed`` after the grace period: block when the window
    policy does not allow late renewal, else refer (a late renewal starts a new term,
    with uncovered days); ``window.in_grace`` (info) during the grace period.

    Args:
        config: the renewal-window configuration.
        name: the rule's name.
    """

    config: RenewalWindowConfig = attrs.field(
        default=DEFAULT_WINDOW_CONFIG, validator=_instance_of(RenewalWindowConfig)
    )
    name: str = attrs.field(default="renewal_window", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        window = subject.renewal_window(self.config)
        day = subject.as_of
        phase = window.phase(day)
        if phase is WindowPhase.OPEN:
            return ()
        details = {
            "as_of": day,
            "opens_on": window.opens_on,
            "expires_on": window.expires_on,
            "grace_ends_on": window.grace_ends_on,
        }
        if phase is WindowPhase.TOO_EARLY:
            return (
                _reason(
                    "outside_window.too_early",
                    Severity.BLOCK,
                    self.name,
                    f"the renewal window opens on {window.opens_on}; {day} is too early",
                    details,
                ),
            )
        if phase is WindowPhase.GRACE:
            return (
                _reason(
                    "window.in_grace",
                    Severity.INFO,
                    self.name,
                    f"the policy expired on {window.expires_on} and is in its grace period "
                    f"until {window.grace_ends_on}",
                    details,
                ),
            )
        late = window.window_policy.late_renewal
        allowed = late is not LateRenewal.NOT_ALLOWED
        tail = (
            "; a late renewal starts a new term with uncovered days"
            if allowed
            else "; it cannot be renewed, a new policy is needed"
        )
        return (
            _reason(
                "outside_window.lapsed",
                Severity.REFER if allowed else Severity.BLOCK,
                self.name,
                f"the policy lapsed on {window.lapses_on}, after its grace period{tail}",
                {**details, "late_renewal": late},
            ),
        )


_DEFAULT_STATUS_SEVERITIES: Final = MappingProxyType(
    {
        PolicyStatus.CANCELLED: Severity.BLOCK,
        PolicyStatus.TERMINATED: Severity.BLOCK,
        PolicyStatus.RENEWED: Severity.BLOCK,
        PolicyStatus.LAPSED: Severity.REFER,
    }
)


def _mapping_of(keys: type, values: type, what: str) -> Callable[..., None]:
    """Check a mapping from ``keys`` to ``values``; ``what`` says so in the message."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Mapping):
            _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
        for key, item in value.items():
            if not isinstance(key, keys) or not isinstance(item, values):
                _fail(instance, attribute.name, f"must map {what}")

    return validate


_status_severities = _mapping_of(
    PolicyStatus, Severity, "PolicyStatus members to Severity members"
)


@attrs.frozen
class PolicyStatusRule:
    """The policy's status allows a renewal, and the insurer has not marked it not to renew.

    Codes: ``status.<status value>`` for each status in ``severities`` (by default
    ``status.cancelled``, ``status.terminated`` and ``status.renewed`` block,
    ``status.lapsed`` refers), and ``status.do_not_renew`` (block) when the facts
    say so.

    Args:
        severities: the statuses that stop or refer a renewal, with their severity.
        name: the rule's name.
    """

    severities: Mapping[PolicyStatus, Severity] = attrs.field(
        default=_DEFAULT_STATUS_SEVERITIES,
        converter=_read_only,
        validator=_status_severities,
        hash=False,
    )
    name: str = attrs.field(default="policy_status", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        status = subject.policy.status
        severity = self.severities.get(status)
        found: list[Reason] = []
        if severity is not None:
            found.append(
                _reason(
                    f"status.{status.value}",
                    severity,
                    self.name,
                    f"the policy is {status.value.replace('_', ' ')}",
                    {"status": status},
                )
            )
        if subject.facts.do_not_renew:
            found.append(
                _reason(
                    "status.do_not_renew",
                    Severity.BLOCK,
                    self.name,
                    "the insurer marked the policy not to be renewed",
                )
            )
        return found


@attrs.frozen
class UnpaidPremium:
    """No premium of the current term is left unpaid.

    Codes:

    * ``unpaid.premium`` when ``facts.outstanding_premium`` is above zero: refer when
      it is at most ``refer_up_to``, block otherwise (always block when
      ``refer_up_to`` is ``None``).
    * ``unpaid.overdue_installments`` when installments (or, without a count, the
      premium) are overdue, that is when ``facts.days_overdue`` is above 0: refer
      when the oldest is at most ``refer_days_overdue`` days overdue, block
      otherwise.
    * ``unpaid.status_overdue`` (refer) when billing gave no amount but the policy's
      payment status is ``OVERDUE``.

    Args:
        refer_up_to: the largest unpaid amount referred rather than blocked, in the
            policy's currency; ``None`` to block any unpaid amount.
        refer_days_overdue: the most days overdue referred rather than blocked.
        name: the rule's name.
    """

    refer_up_to: Money | None = attrs.field(default=None, validator=_optional_money)
    refer_days_overdue: int = attrs.field(default=30, validator=_count)
    name: str = attrs.field(default="unpaid_premium", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        facts = subject.facts
        found: list[Reason] = []
        outstanding = facts.outstanding_premium
        if outstanding is not None and outstanding.is_positive():
            limit = self.refer_up_to
            if limit is not None:
                _same_currency(limit, outstanding, "compare an unpaid premium and refer_up_to")
            refer = limit is not None and outstanding <= limit
            shown = Money.zero(outstanding.currency) if limit is None else limit
            found.append(
                _reason(
                    "unpaid.premium",
                    Severity.REFER if refer else Severity.BLOCK,
                    self.name,
                    f"{outstanding} of premium is unpaid, "
                    + (
                        f"within the {shown} that may be referred"
                        if refer
                        else f"more than the {shown} that may be referred"
                    ),
                    {"outstanding": outstanding, "refer_up_to": limit},
                )
            )
        if facts.days_overdue:  # at least 1 whenever installments are overdue
            refer = facts.days_overdue <= self.refer_days_overdue
            count = facts.overdue_installments
            what = f"{count} installment(s) overdue, the oldest" if count else "premium overdue"
            found.append(
                _reason(
                    "unpaid.overdue_installments",
                    Severity.REFER if refer else Severity.BLOCK,
                    self.name,
                    f"{what} by {facts.days_overdue} days ("
                    + ("at most" if refer else "more than")
                    + f" the {self.refer_days_overdue} days that may be referred)",
                    {
                        "overdue_installments": count,
                        "days_overdue": facts.days_overdue,
                        "refer_days_overdue": self.refer_days_overdue,
                    },
                )
            )
        if (
            outstanding is None
            and not facts.days_overdue
            and subject.policy.payment_status is PaymentStatus.OVERDUE
        ):
            found.append(
                _reason(
                    "unpaid.status_overdue",
                    Severity.REFER,
                    self.name,
                    "the policy's payment status is overdue and billing gave no amount",
                    {"payment_status": PaymentStatus.OVERDUE},
                )
            )
        return found


def _ratio(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        _fail(
            instance, attribute.name, f"must be a finite Decimal or None, not {_type_name(value)}"
        )
    if value < 0:
        _fail(instance, attribute.name, f"must not be negative, not {value}")
    if value > _MAX_LOSS_RATIO:
        _fail(
            instance,
            attribute.name,
            f"{value} is more than {_MAX_LOSS_RATIO} times the premium; give the ratio as a "
            "fraction (Decimal('0.7') for 70%), not a percentage",
        )


# A loss-ratio limit above this is almost surely a percentage typed as a fraction.
_MAX_LOSS_RATIO: Final = Decimal(10)


@attrs.frozen
class ClaimHistory:
    """The claim history over a look-back period stays within limits; refer otherwise.

    Claims count when they occurred within the ``lookback_months`` before the day of
    the check (see :meth:`~renewal_core.facts.RenewalSubject.claims_within`) and are
    not declined or withdrawn. The loss ratio is their paid amount over
    ``facts.earned_premium``, or, when billing did not give it, over the current
    term's premium (an approximation: give the earned premium for a true ratio).

    Codes: ``claims.frequency`` when there are more than ``max_claims`` claims;
    ``claims.loss_ratio`` when the loss ratio is above ``max_loss_ratio`` (or claims
    were paid on a zero premium). Both refer.

    Args:
        lookback_months: the look-back period in months.
        max_claims: the most claims accepted without review.
        max_loss_ratio: the highest loss ratio accepted without review, as a Decimal
            fraction (``Decimal("0.7")`` for 70%); ``None`` to skip the check.
        name: the rule's name.
    """

    lookback_months: int = attrs.field(default=36, validator=_positive_int)
    max_claims: int = attrs.field(default=3, validator=_count)
    max_loss_ratio: Decimal | None = attrs.field(default=Decimal("0.7"), validator=_ratio)
    name: str = attrs.field(default="claim_history", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        policy = subject.policy
        if not policy.claims:
            return ()
        claims = subject.claims_within(self.lookback_months)
        found: list[Reason] = []
        if len(claims) > self.max_claims:
            found.append(
                _reason(
                    "claims.frequency",
                    Severity.REFER,
                    self.name,
                    f"{len(claims)} claims in the last {self.lookback_months} months, more "
                    f"than the {self.max_claims} accepted without review",
                    {
                        "claims": len(claims),
                        "max_claims": self.max_claims,
                        "lookback_months": self.lookback_months,
                    },
                )
            )
        limit = self.max_loss_ratio
        if limit is not None and claims:
            paid = Money.total([claim.paid for claim in claims], policy.currency)
            earned = subject.facts.earned_premium
            premium = policy.premium if earned is None else earned
            if premium.is_zero():
                above = paid.is_positive()
                ratio = None
            else:
                ratio = paid.amount / premium.amount
                above = ratio > limit
            if above:
                shown = "infinite" if ratio is None else f"{ratio:.4f}"
                found.append(
                    _reason(
                        "claims.loss_ratio",
                        Severity.REFER,
                        self.name,
                        f"loss ratio {shown} over the last {self.lookback_months} months, "
                        f"above the {limit} accepted without review",
                        {
                            "paid": paid,
                            "premium": premium,
                            "loss_ratio": ratio,
                            "max_loss_ratio": limit,
                        },
                    )
                )
        return found


_DEFAULT_MAXIMUM_AGES: Final = MappingProxyType(
    {LineOfBusiness.HEALTH: 80, LineOfBusiness.LIFE: 80}
)


def _ages(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key, item in value.items():
        if not isinstance(key, LineOfBusiness):
            _fail(instance, attribute.name, "keys must be LineOfBusiness members")
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            _fail(instance, f"{attribute.name}[{key.name}]", "must be an int, not negative")


def _birth_date(subject: RenewalSubject) -> dt.date | None:
    """The insured's birth date: from the facts, else from a valid resident ID number."""
    given = subject.facts.insured_birth_date
    if given is not None:
        return given
    policy = subject.policy
    insured = policy.insured or policy.holder
    number = insured.id_number
    if number is None or insured.id_kind is not IdKind.RESIDENT_ID:
        return None
    return _resident_id_birth(number)


@attrs.frozen
class MaximumRenewalAge:
    """The insured person is not older than the line's maximum renewal age.

    The age is counted in completed years on the first day of the new term: the day
    after expiry, or for a policy renewed after its grace period the day its window
    rules give (:meth:`~renewal_core.windows.RenewalWindow.start_for`). The birth
    date is ``facts.insured_birth_date`` or, when that is missing, read from the
    insured's resident ID number (the holder's when the policy names no insured) if
    it is valid. Lines without a maximum are not checked. The default maximum, 80 for
    health and life, is a placeholder: set your products' limits.

    Codes: ``age.above_maximum`` (block) when the age is above the maximum;
    ``age.unknown`` (refer) when no birth date is known; ``age.birth_date_after_start``
    (refer) when the birth date given is after the new term's start. The details hold
    the age, never the birth date.

    Args:
        maximum_ages: the highest age at which a policy of each line renews.
        window_config: the renewal-window configuration that gives the new term's
            start.
        name: the rule's name.
    """

    maximum_ages: Mapping[LineOfBusiness, int] = attrs.field(
        default=_DEFAULT_MAXIMUM_AGES, converter=_read_only, validator=_ages, hash=False
    )
    window_config: RenewalWindowConfig = attrs.field(
        default=DEFAULT_WINDOW_CONFIG, validator=_instance_of(RenewalWindowConfig)
    )
    name: str = attrs.field(default="renewal_age", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        maximum = self.maximum_ages.get(subject.policy.line_of_business)
        if maximum is None:
            return ()
        born = _birth_date(subject)
        if born is None:
            return (
                _reason(
                    "age.unknown",
                    Severity.REFER,
                    self.name,
                    "the insured's birth date is unknown, so the renewal age cannot be checked",
                    {"maximum_age": maximum},
                ),
            )
        starts = _new_term_start(subject, self.window_config)
        if born > starts:
            return (
                _reason(
                    "age.birth_date_after_start",
                    Severity.REFER,
                    self.name,
                    f"the insured's birth date is after the new term's start on {starts}; "
                    "check the date",
                    {"maximum_age": maximum, "term_starts_on": starts},
                ),
            )
        age = completed_years(born, starts)
        if age <= maximum:
            return ()
        return (
            _reason(
                "age.above_maximum",
                Severity.BLOCK,
                self.name,
                f"the insured will be {age} when the new term starts on {starts}, above the "
                f"maximum renewal age of {maximum}",
                {"age": age, "maximum_age": maximum, "term_starts_on": starts},
            ),
        )


@attrs.frozen
class VehicleAge:
    """An auto policy's vehicle is not older than ``max_years``; refer otherwise.

    The vehicle's age is counted in completed years from
    ``facts.vehicle_first_registered`` to the first day of the new term (as for
    :class:`MaximumRenewalAge`). Other lines are not checked.

    Codes: ``vehicle.age_above_limit`` (refer); ``vehicle.age_unknown`` (info) when
    the first registration is not known; ``vehicle.registered_after_start`` (refer)
    when it is after the new term's start.

    Args:
        max_years: the oldest vehicle renewed without review, in completed years.
        window_config: the renewal-window configuration that gives the new term's
            start.
        name: the rule's name.
    """

    max_years: int = attrs.field(default=10, validator=_count)
    window_config: RenewalWindowConfig = attrs.field(
        default=DEFAULT_WINDOW_CONFIG, validator=_instance_of(RenewalWindowConfig)
    )
    name: str = attrs.field(default="vehicle_age", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        if subject.policy.line_of_business is not LineOfBusiness.AUTO:
            return ()
        registered = subject.facts.vehicle_first_registered
        if registered is None:
            return (
                _reason(
                    "vehicle.age_unknown",
                    Severity.INFO,
                    self.name,
                    "the vehicle's first registration day is unknown",
                ),
            )
        starts = _new_term_start(subject, self.window_config)
        if registered > starts:
            return (
                _reason(
                    "vehicle.registered_after_start",
                    Severity.REFER,
                    self.name,
                    f"the vehicle's first registration is after the new term's start on "
                    f"{starts}; check the date",
                    {"first_registered": registered, "term_starts_on": starts},
                ),
            )
        years = completed_years(registered, starts)
        if years <= self.max_years:
            return ()
        return (
            _reason(
                "vehicle.age_above_limit",
                Severity.REFER,
                self.name,
                f"the vehicle will be {years} years old when the new term starts, above the "
                f"{self.max_years} accepted without review",
                {"vehicle_age": years, "max_years": self.max_years, "term_starts_on": starts},
            ),
        )


def _optional_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        _fail(instance, attribute.name, "must be a non-empty str or None")


@attrs.frozen
class ProductTerms:
    """What a product allows at renewal, as a host's product catalogue says.

    Args:
        withdrawn: the product is no longer sold.
        replacement: the product code to offer instead of a withdrawn product.
        min_sum_insured: the smallest total sum insured of a policy, or ``None``.
        max_sum_insured: the largest, or ``None``.

    Raises:
        InvalidField: a field has the wrong type, or the limits are in different
            currencies or the wrong order.
    """

    withdrawn: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    replacement: str | None = attrs.field(default=None, kw_only=True, validator=_optional_code)
    min_sum_insured: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money
    )
    max_sum_insured: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional_money
    )

    def __attrs_post_init__(self) -> None:
        low, high = self.min_sum_insured, self.max_sum_insured
        if low is not None and high is not None:
            _same_currency(low, high, "build ProductTerms whose sum insured limits are")
            if low > high:
                _fail(self, "max_sum_insured", f"{high} is below min_sum_insured {low}")


_catalogue = _mapping_of(str, ProductTerms, "product codes (str) to ProductTerms")


@attrs.frozen
class ProductWithdrawn:
    """The policy's product is still sold, or a replacement is offered.

    Products missing from the catalogue are not checked.

    Codes: ``product.withdrawn`` (info) with the ``replacement`` in the details;
    ``product.withdrawn_no_replacement`` (block) when there is none.

    Args:
        catalogue: product terms keyed by product code.
        name: the rule's name.
    """

    catalogue: Mapping[str, ProductTerms] = attrs.field(
        factory=dict, converter=_read_only, validator=_catalogue, hash=False
    )
    name: str = attrs.field(default="product", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        code = subject.policy.product_code
        terms = self.catalogue.get(code)
        if terms is None or not terms.withdrawn:
            return ()
        if terms.replacement is None:
            return (
                _reason(
                    "product.withdrawn_no_replacement",
                    Severity.BLOCK,
                    self.name,
                    f"product {code} is withdrawn and has no replacement",
                    {"product_code": code},
                ),
            )
        return (
            _reason(
                "product.withdrawn",
                Severity.INFO,
                self.name,
                f"product {code} is withdrawn; offer {terms.replacement} instead",
                {"product_code": code, "replacement": terms.replacement},
            ),
        )


@attrs.frozen
class SumInsuredLimits:
    """The policy's total sum insured is within its product's limits.

    The total is the sum of the coverages' sums insured; a policy without coverages
    and products missing from the catalogue are not checked.

    Codes: ``sum_insured.below_minimum``, ``sum_insured.above_maximum``, with
    ``severity`` (refer by default).

    Args:
        catalogue: product terms keyed by product code.
        severity: the severity of a sum insured outside the limits.
        name: the rule's name.
    """

    catalogue: Mapping[str, ProductTerms] = attrs.field(
        factory=dict, converter=_read_only, validator=_catalogue, hash=False
    )
    severity: Severity = attrs.field(default=Severity.REFER, validator=_member_of(Severity))
    name: str = attrs.field(default="sum_insured", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        policy = subject.policy
        terms = self.catalogue.get(policy.product_code)
        if terms is None or not policy.coverages:
            return ()
        total = Money.total([cover.sum_insured for cover in policy.coverages], policy.currency)
        low, high = terms.min_sum_insured, terms.max_sum_insured
        if low is not None:
            _same_currency(low, total, "compare a sum insured and min_sum_insured")
            if total < low:
                return (
                    _reason(
                        "sum_insured.below_minimum",
                        self.severity,
                        self.name,
                        f"the total sum insured {total} is below the product's minimum {low}",
                        {"sum_insured": total, "min_sum_insured": low},
                    ),
                )
        if high is not None:
            _same_currency(high, total, "compare a sum insured and max_sum_insured")
            if total > high:
                return (
                    _reason(
                        "sum_insured.above_maximum",
                        self.severity,
                        self.name,
                        f"the total sum insured {total} is above the product's maximum {high}",
                        {"sum_insured": total, "max_sum_insured": high},
                    ),
                )
        return ()


@attrs.frozen
class FraudAndSanctions:
    """No fraud flag or sanctions match stands against the case.

    Codes: ``flag.fraud`` (block) when the host's fraud system flagged the case;
    ``flag.fraud_indicators`` (refer) when fraud signals were raised without a flag
    (their codes in the details); ``flag.sanctions`` (block) when a party matched a
    sanctions or watch list.

    Args:
        name: the rule's name.
    """

    name: str = attrs.field(default="flags", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        facts = subject.facts
        found: list[Reason] = []
        if facts.fraud_flag:
            found.append(
                _reason("flag.fraud", Severity.BLOCK, self.name, "the case is flagged for fraud")
            )
        elif facts.fraud_indicators:
            found.append(
                _reason(
                    "flag.fraud_indicators",
                    Severity.REFER,
                    self.name,
                    f"{len(facts.fraud_indicators)} fraud signal(s) raised",
                    {"indicators": facts.fraud_indicators},
                )
            )
        if facts.sanctions_hit:
            found.append(
                _reason(
                    "flag.sanctions",
                    Severity.BLOCK,
                    self.name,
                    "a party matched a sanctions or watch list",
                )
            )
        return found


@attrs.frozen
class CustomerData:
    """The customer's data and documents are complete and valid (D2.2).

    Reviews ``facts.materials`` (the application's) or, when the host gave none, the
    policy's own party data, against the checklist
    :meth:`~renewal_core.materials.MaterialChecklists.checklist_for` picks (see
    :meth:`~renewal_core.facts.RenewalSubject.review_materials`), and gives the
    review's reasons (``materials.missing``, ``materials.invalid``) under this rule's
    name.

    Args:
        checklists: the material checklists by product and line of business.
        name: the rule's name.
    """

    checklists: MaterialChecklists = attrs.field(
        default=DEFAULT_CHECKLISTS, validator=_instance_of(MaterialChecklists)
    )
    name: str = attrs.field(default="customer_data", validator=_rule_name)

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        """Return the reasons found for ``subject``; none when it passes."""
        return [
            _reason(reason.code, reason.severity, self.name, reason.message, reason.details)
            for reason in subject.review_materials(self.checklists).reasons
        ]


def default_rules(
    *,
    window_config: RenewalWindowConfig = DEFAULT_WINDOW_CONFIG,
    checklists: MaterialChecklists = DEFAULT_CHECKLISTS,
    catalogue: Mapping[str, ProductTerms] | None = None,
) -> tuple[Rule, ...]:
    """The built-in rule set, configured: a plain tuple a host can extend or filter.

    In order: :class:`WithinRenewalWindow`, :class:`PolicyStatusRule`,
    :class:`UnpaidPremium`, :class:`ClaimHistory`, :class:`MaximumRenewalAge`,
    :class:`VehicleAge`, :class:`FraudAndSanctions`, :class:`CustomerData`, and,
    when a ``catalogue`` is given, :class:`ProductWithdrawn` and
    :class:`SumInsuredLimits`.

    >>> [rule.name for rule in default_rules()]
    ['renewal_window', 'policy_status', 'unpaid_premium', 'claim_history', 'renewal_age', \
'vehicle_age', 'flags', 'customer_data']
    """
    rules: list[Rule] = [
        WithinRenewalWindow(window_config),
        PolicyStatusRule(),
        UnpaidPremium(),
        ClaimHistory(),
        MaximumRenewalAge(window_config=window_config),
        VehicleAge(window_config=window_config),
        FraudAndSanctions(),
        CustomerData(checklists),
    ]
    if catalogue is not None:
        rules += [ProductWithdrawn(catalogue), SumInsuredLimits(catalogue)]
    return tuple(rules)


# The built-in rules: their check() returns a tuple or a list of Reason values.
_TRUSTED: Final[frozenset[type]] = frozenset(
    {
        WithinRenewalWindow,
        PolicyStatusRule,
        UnpaidPremium,
        ClaimHistory,
        MaximumRenewalAge,
        VehicleAge,
        ProductWithdrawn,
        SumInsuredLimits,
        FraudAndSanctions,
        CustomerData,
    }
)
_BLOCK: Final = Severity.BLOCK

DEFAULT_RULES: Final = default_rules()
"""The rule set :func:`check_eligibility` runs when given none."""


_new_decision: Final = _maker(Decision, "outcome", "reasons", "as_of", "checked", "complete")


def _rule_set(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """Check a rule set given to :func:`check_eligibility`: rules, at least one."""
    given: object = rules  # typed loosely: callers without mypy can pass anything
    if not isinstance(given, Iterable) or isinstance(given, str | bytes | Mapping):
        raise InvalidField(
            "check_eligibility", "rules", f"must be an iterable of rules, not {_type_name(given)}"
        )
    chosen = tuple(given)
    if not chosen:
        raise InvalidField(
            "check_eligibility",
            "rules",
            "must hold at least one rule; pass None (or leave it out) for DEFAULT_RULES",
        )
    for index, item in enumerate(chosen):
        if not isinstance(item, Rule):
            raise InvalidField(
                "check_eligibility",
                f"rules[{index}]",
                f"must be a Rule (a name and a check(subject) method), not {_type_name(item)}",
            )
    return chosen


def check_eligibility(
    policy: Policy,
    *,
    as_of: dt.date | dt.datetime,
    rules: Iterable[Rule] | None = None,
    context: RenewalFacts | None = None,
    stop_at_first_block: bool = False,
) -> Decision:
    """Decide whether ``policy`` may be renewed, with every reason found.

    Args:
        policy: the policy in its current term.
        as_of: the day of the check, in the policy's zone; an aware datetime is turned
            into its day there.
        rules: the rules to run, in order; :data:`DEFAULT_RULES` when ``None``.
        context: the host's :class:`~renewal_core.facts.RenewalFacts`; none when
            ``None``.
        stop_at_first_block: stop after the first rule that gives a blocking reason.
            The outcome is the same (``INELIGIBLE`` either way); only the reasons of
            later rules are missing, and ``Decision.complete`` is ``False`` when some
            did not run.

    Returns:
        A :class:`Decision`.

    Raises:
        NaiveDateTimeError: ``as_of`` is a datetime without a time zone.
        DateTypeError: ``as_of`` is not a date.
        CurrencyMismatch: an amount of ``context`` or of a rule's settings is not in
            the policy's currency.
        InvalidField: ``rules`` is empty or holds something that is not a rule,
            ``stop_at_first_block`` is not a bool, or a rule returned something other
            than an iterable of :class:`~renewal_core.reasons.Reason` values.
    """
    subject = RenewalSubject.of(policy, as_of, context)
    chosen = DEFAULT_RULES if rules is None else _rule_set(rules)
    if type(stop_at_first_block) is not bool:
        raise InvalidField(
            "check_eligibility",
            "stop_at_first_block",
            f"must be True or False, not {_type_name(stop_at_first_block)}",
        )
    found: list[Reason] = []
    checked: list[str] = []
    blocked = False
    trusted = _TRUSTED
    for rule_ in chosen:
        # The built-in rules return tuples or lists of reasons: no need to check them.
        reasons = rule_.check(subject) if type(rule_) in trusted else _run(rule_, subject)
        checked.append(rule_.name)
        if reasons:
            found += reasons
            if stop_at_first_block and any(reason.severity is _BLOCK for reason in reasons):
                blocked = True
                break
    # Every field computed here is valid by construction, the outcome included.
    return _new_decision(
        outcome_of(found),
        tuple(found),
        subject.as_of,
        tuple(checked),
        not blocked or len(checked) == len(chosen),
    )
