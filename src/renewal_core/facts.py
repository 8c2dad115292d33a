"""Host-supplied facts and the subject that eligibility and risk rules look at.

The library never looks anything up: what the policy itself does not carry (the
unpaid premium from billing, fraud and sanctions flags, the insured's birth date, the
vehicle's first registration, the materials of the application) arrives as a typed
:class:`RenewalFacts` value built by the host. Rules see a :class:`RenewalSubject`:
the policy, the day of the check in the policy's zone, and the facts.

>>> import pendulum
>>> from renewal_core.money import Money
>>> facts = RenewalFacts(
...     outstanding_premium=Money("120.00", "CNY"), overdue_installments=1, days_overdue=9
... )
>>> facts.overdue_installments, facts.fraud_flag
(1, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

import attrs
import pendulum

from renewal_core._fields import (
    _as_day,
    _count,
    _day,
    _fail,
    _flag,
    _instance_of,
    _money,
    _optional_rating,
    _read_only,
    _str_keys,
    _text,
    _type_name,
)
from renewal_core.errors import ArgumentTypeError, CurrencyMismatch, DateTypeError, InvalidField
from renewal_core.materials import (
    DEFAULT_CHECKLISTS,
    MaterialChecklists,
    MaterialReview,
    Materials,
    review_materials,
)
from renewal_core.model import ClaimRecord, ClaimStatus, Policy
from renewal_core.money import Money
from renewal_core.periods import add_months
from renewal_core.reasons import _CODE
from renewal_core.windows import (
    DEFAULT_WINDOW_CONFIG,
    RenewalWindow,
    RenewalWindowConfig,
    _window,
)

__all__ = ["COUNTED_CLAIM_STATUSES", "RenewalFacts", "RenewalSubject"]

COUNTED_CLAIM_STATUSES: Final = frozenset(
    {ClaimStatus.OPEN, ClaimStatus.REOPENED, ClaimStatus.CLOSED}
)
"""The claim statuses that count in a claim history (declined and withdrawn claims do not)."""


def _optional(validator: Any) -> Any:
    return attrs.validators.optional(validator)


def _optional_day(value: dt.date | None) -> pendulum.Date | None:
    return None if value is None else _as_day(value)


def _codes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    seen: set[str] = set()
    for index, item in enumerate(value):
        # Codes only, never free text: they are copied into reasons and logs.
        if not isinstance(item, str) or _CODE.fullmatch(item) is None:
            _fail(
                instance,
                f"{attribute.name}[{index}]",
                "must be a code of lower-case words of letters, digits and '_' joined by "
                "dots, such as 'staged_accident'",
            )
        if item in seen:
            _fail(instance, f"{attribute.name}[{index}]", f"repeats the code {item!r}")
        seen.add(item)


def _as_codes(value: Sequence[str]) -> tuple[str, ...]:
    given: object = value
    if isinstance(given, list):
        return tuple(given)
    return cast("tuple[str, ...]", value)


def _hidden_day(value: pendulum.Date | None) -> str:
    """The ``repr`` of a birth date: whether there is one, never the day."""
    return "None" if value is None else "'****-**-**'"


def _keys_only(value: Mapping[str, object]) -> str:
    """The ``repr`` of ``extra``: its keys, since the values may be personal data."""
    return repr(sorted(value))


@attrs.frozen
class RenewalFacts:
    """What the host knows about a renewal that the policy itself does not carry.

    Every field is optional; a rule that needs a fact that is missing says so in its
    reasons (usually by referring the case to a person) instead of guessing.

    Args:
        outstanding_premium: premium of the current term still unpaid, from billing;
            ``None`` when billing did not say (rules then use ``Policy.payment_status``).
            Not negative, whole minor units.
        overdue_installments: how many installments are past their due day.
        days_overdue: days since the due day of the oldest unpaid installment (or
            premium); at least 1 when ``overdue_installments`` is above 0. Given
            without a count, something is overdue and billing did not say how many
            installments.
        late_payments: payments made after their due day in the look-back period
            (payment history, for lapse and delinquency risk).
        insured_birth_date: the insured person's birth date (for the maximum
            renewal age). When absent, rules read it from a resident ID number of the
            insured, if there is one. Personal data: the ``repr`` hides it.
        vehicle_first_registered: the day the vehicle was first registered (auto).
        earned_premium: premium earned over the claims look-back period, the
            denominator of the loss ratio; same currency as the policy.
        do_not_renew: the insurer marked the policy not to be renewed.
        fraud_flag: the host's fraud system flagged the case.
        fraud_indicators: codes of the fraud signals raised, as the host names them
            (``"staged_accident"``, ``"duplicate_claim"``): lower-case words joined by
            dots, each once; a list or a tuple. Codes only, never free text: they are
            copied into reasons.
        sanctions_hit: a party matched a sanctions or watch list.
        jurisdiction: where the policy is written, as the host names it (``"CN-31"``;
            visible characters, no surrounding whitespace); used to pick
            renewal-window rules.
        materials: the data and documents of the renewal application; ``None``
            means the policy's own party data is reviewed.
        underwriter_likelihood: an underwriter's qualitative rating of how likely
            the risk is to materialise, 1 (rare) and up; ``None`` when not rated.
        underwriter_impact: the underwriter's rating of its impact, 1 (minor) and up.
        extra: any further facts for your own rules, keyed by name; the ``repr``
            shows the keys only.
    """

    outstanding_premium: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_money())
    )
    overdue_installments: int = attrs.field(default=0, kw_only=True, validator=_count)
    days_overdue: int = attrs.field(default=0, kw_only=True, validator=_count)
    late_payments: int = attrs.field(default=0, kw_only=True, validator=_count)
    insured_birth_date: pendulum.Date | None = attrs.field(
        default=None,
        kw_only=True,
        converter=_optional_day,
        validator=_optional(_day),
        repr=_hidden_day,
    )
    vehicle_first_registered: pendulum.Date | None = attrs.field(
        default=None, kw_only=True, converter=_optional_day, validator=_optional(_day)
    )
    earned_premium: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_money())
    )
    do_not_renew: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    fraud_flag: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    fraud_indicators: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_codes, validator=_codes
    )
    sanctions_hit: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    jurisdiction: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_text())
    )
    materials: Materials | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_instance_of(Materials))
    )
    underwriter_likelihood: int | None = attrs.field(
        default=None, kw_only=True, validator=_optional_rating
    )
    underwriter_impact: int | None = attrs.field(
        default=None, kw_only=True, validator=_optional_rating
    )
    extra: Mapping[str, object] = attrs.field(
        factory=dict,
        kw_only=True,
        converter=_read_only,
        validator=_str_keys,
        hash=False,
        repr=_keys_only,
    )

    def __attrs_post_init__(self) -> None:
        if self.overdue_installments and not self.days_overdue:
            _fail(
                self,
                "days_overdue",
                f"is 0 while {self.overdue_installments} installment(s) are overdue; an "
                "overdue installment is at least 1 day overdue",
            )
        if (self.underwriter_likelihood is None) != (self.underwriter_impact is None):
            _fail(
                self,
                "underwriter_impact",
                "underwriter_likelihood and underwriter_impact are given together or not at all",
            )
        if (
            self.outstanding_premium is not None
            and self.earned_premium is not None
            and self.outstanding_premium.currency != self.earned_premium.currency
        ):
            raise CurrencyMismatch(
                self.outstanding_premium.currency,
                self.earned_premium.currency,
                "build RenewalFacts whose outstanding_premium and earned_premium are",
            )


_NO_FACTS = RenewalFacts()


def _subject_day(value: dt.date) -> pendulum.Date:
    given: object = value
    if isinstance(given, dt.datetime) or not isinstance(given, dt.date):
        raise DateTypeError(type(given).__name__, "as_of", "a date (use policy.term.local_day)")
    return _as_day(given)


@attrs.frozen
class RenewalSubject:
    """What a rule looks at: the policy, the day of the check and the host's facts.

    Build it with :meth:`of`, which turns an aware datetime into the day it falls on
    in the policy's zone and checks that the facts' amounts are in the policy's
    currency.

    Attributes:
        policy: the policy in its current term.
        as_of: the day of the check, in the policy's time zone.
        facts: the host-supplied :class:`RenewalFacts`.
    """

    policy: Policy = attrs.field(validator=_instance_of(Policy))
    as_of: pendulum.Date = attrs.field(converter=_subject_day)
    facts: RenewalFacts = attrs.field(default=_NO_FACTS, validator=_instance_of(RenewalFacts))
    # Results computed once per subject and shared by the rules that need them, keyed
    # by the id of the settings object, which the entry keeps alive.
    _memo: dict[int, tuple[object, object]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        facts = self.facts
        if facts is _NO_FACTS:
            return
        currency = self.policy.premium.currency
        for name, amount in (
            ("outstanding_premium", facts.outstanding_premium),
            ("earned_premium", facts.earned_premium),
        ):
            if amount is not None and amount.currency != currency:
                raise CurrencyMismatch(
                    currency, amount.currency, f"check a policy whose premium and facts.{name} are"
                )

    @classmethod
    def of(
        cls, policy: Policy, as_of: dt.date | dt.datetime, facts: RenewalFacts | None = None
    ) -> RenewalSubject:
        """Build a subject; an aware datetime ``as_of`` becomes its day in the policy's zone.

        Raises:
            NaiveDateTimeError: ``as_of`` is a datetime without a time zone.
            DateTypeError: ``as_of`` is neither a date nor a datetime.
            CurrencyMismatch: an amount of ``facts`` is not in the policy's currency.
        """
        given: object = as_of
        day = policy.term.local_day(given) if isinstance(given, dt.datetime) else as_of
        return cls(policy, day, _NO_FACTS if facts is None else facts)

    def claims_within(self, months: int) -> tuple[ClaimRecord, ...]:
        """The policy's counted claims that occurred in the ``months`` before ``as_of``.

        The look-back runs from the day after ``add_months(as_of, -months)`` to
        ``as_of``, both included: 36 months before 2025-03-01 is from 2022-03-02. Only
        claims in :data:`COUNTED_CLAIM_STATUSES` count; claims are kept in the policy's
        order.
        """
        given: object = months  # typed loosely: callers without mypy can pass anything
        if isinstance(given, bool) or not isinstance(given, int) or given < 1:
            raise InvalidField("RenewalSubject", "claims_within", "months must be a positive int")
        since = add_months(self.as_of, -months)
        as_of = self.as_of
        return tuple(
            claim
            for claim in self.policy.claims
            if since < claim.occurred_on <= as_of and claim.status in COUNTED_CLAIM_STATUSES
        )

    def renewal_window(self, config: RenewalWindowConfig = DEFAULT_WINDOW_CONFIG) -> RenewalWindow:
        """The policy's renewal window under ``config``, for the facts' jurisdiction.

        Computed once per ``config`` for this subject: the rules that need it share it.
        See :func:`~renewal_core.windows.renewal_window`.

        Raises:
            ArgumentTypeError: ``config`` is not a
                :class:`~renewal_core.windows.RenewalWindowConfig`.
        """
        entry = self._memo.get(id(config))
        if entry is not None and entry[0] is config:
            return cast("RenewalWindow", entry[1])
        if not isinstance(config, RenewalWindowConfig):
            raise ArgumentTypeError(
                _type_name(config),
                "RenewalSubject.renewal_window(config)",
                "a RenewalWindowConfig",
            )
        # The policy and the jurisdiction were checked when the subject was built.
        window = _window(self.policy, config, self.facts.jurisdiction)
        self._memo[id(config)] = (config, window)
        return window

    def review_materials(
        self, checklists: MaterialChecklists = DEFAULT_CHECKLISTS
    ) -> MaterialReview:
        """Review the customer's data: the application's materials, else the policy's.

        Reviews ``facts.materials`` when the host gave them (every item, documents
        included), otherwise the policy's own party data (field items only: a
        policy carries no documents), against the checklist
        ``checklists.checklist_for(policy)`` picks. Computed once per
        ``checklists`` for this subject.
        """
        entry = self._memo.get(id(checklists))
        if entry is not None and entry[0] is checklists:
            return cast("MaterialReview", entry[1])
        subject: Policy | Materials = self.facts.materials or self.policy
        review = review_materials(subject, checklists.checklist_for(self.policy))
        self._memo[id(checklists)] = (checklists, review)
        return review
