"""The typed records indicators are computed from: one small frozen value per fact.

A host maps its rows into these records (a generator is enough: nothing here keeps
them) and hands them to the indicator functions of ``renewal_core.kpi``:

* :class:`DueRecord`, a policy due for renewal, with its outcome: renewal,
  retention and lapse rates, premium renewal rate, premium change and the days
  from the first reminder to the renewal.
* :class:`PersistencyRecord` (with its :class:`Receipt` and :class:`Exclusion`),
  a long-term individual life policy for the 13- and 25-month persistency.
* :class:`SurrenderRecord`, surrender figures of a policy or of a block of
  business, for the surrender rates.
* :class:`ReminderRecord`, reminders sent through a channel and what came of them,
  for channel efficiency.
* :class:`ScoreRecord`, a survey score with the dimensions it is broken down by,
  for NPS and CSAT per channel or segment.

Every record is checked when it is built, as every domain value is: days are
:class:`pendulum.Date` (a :class:`datetime.date` is converted, a datetime refused),
amounts are :class:`~renewal_core.money.Money` in whole minor units, never
negative, and the amounts of one record share one currency. The dimensions a
breakdown reads (``channel``, ``line``, ``region``, ``segment``, ``product``) are
attributes of the same names. No record holds personal data: policy numbers and
codes only.

>>> import pendulum
>>> from renewal_core.model import Channel, LineOfBusiness
>>> from renewal_core.money import Money
>>> record = DueRecord(
...     "P-1", pendulum.date(2025, 3, 31), Money("3560.00", "CNY"),
...     Channel.AGENT, LineOfBusiness.AUTO,
...     renewed_on=pendulum.date(2025, 3, 20), renewal_premium=Money("3380.00", "CNY"),
... )
>>> record.renewed
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _count,
    _day,
    _fail,
    _flag,
    _instance_of,
    _member_of,
    _money,
    _same_currency,
    _text,
    _type_name,
)
from renewal_core.model import Channel, LineOfBusiness
from renewal_core.money import Money

__all__ = [
    "DueRecord",
    "Exclusion",
    "PersistencyRecord",
    "Receipt",
    "ReminderRecord",
    "ScoreRecord",
    "SurrenderRecord",
]

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _optional(validator: _Validator) -> _Validator:
    """``validator``, or nothing for ``None`` (a closure: cheaper than attrs' own)."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            validator(instance, attribute, value)

    return validate


def _optional_day(value: dt.date | None) -> pendulum.Date | None:
    return None if value is None else _as_day(value)


def _code() -> _Validator:
    return _optional(_text())


def _score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if not 0 <= value <= 10:
        _fail(instance, attribute.name, f"{value} is off the 0 to 10 scale")


@attrs.frozen
class DueRecord:
    """A policy due for renewal in the period, and what became of it.

    Args:
        policy_number: the policy number (保单号).
        due_on: the day the expiring term ends, when the policy falls due for
            renewal; the day a period and the expiry-month cohort select on.
        expiring_premium: the premium of the expiring term.
        channel: the channel the policy is sold and renewed through.
        line: the line of business.
        eligible: whether the policy counts in the base of the renewal rate:
            ``False`` for a policy the insurer does not offer to renew, or that
            cannot be (the vehicle scrapped, the insured object sold). Such a
            policy counts in retention and lapse only, and cannot be renewed.
        renewed_on: the day the renewal was concluded (before or after
            ``due_on``), or ``None`` if the policy was not renewed.
        renewal_premium: the premium of the renewal term; given with
            ``renewed_on`` and only then, in the currency of ``expiring_premium``.
        region: the region code, if the host breaks down by region.
        segment: the customer segment code (such as a tier).
        product: the product code.
        first_reminder_on: the day the first renewal reminder was sent, if one
            was; not after ``renewed_on``.

    Raises:
        InvalidField: a field is missing, of the wrong type or inconsistent with
            another (a renewal premium without a renewal day, say).
        CurrencyMismatch: the two premiums are in different currencies.
    """

    policy_number: str = attrs.field(validator=_text())
    due_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    expiring_premium: Money = attrs.field(validator=_money())
    channel: Channel = attrs.field(validator=_member_of(Channel))
    line: LineOfBusiness = attrs.field(validator=_member_of(LineOfBusiness))
    eligible: bool = attrs.field(default=True, kw_only=True, validator=_flag)
    renewed_on: pendulum.Date | None = attrs.field(
        default=None, kw_only=True, converter=_optional_day, validator=_optional(_day)
    )
    renewal_premium: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_money())
    )
    region: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    segment: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    product: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    first_reminder_on: pendulum.Date | None = attrs.field(
        default=None, kw_only=True, converter=_optional_day, validator=_optional(_day)
    )

    def __attrs_post_init__(self) -> None:
        if self.renewed_on is None:
            if self.renewal_premium is not None:
                _fail(
                    self, "renewal_premium", "is given but renewed_on is not; set both or neither"
                )
            return
        if self.renewal_premium is None:
            _fail(self, "renewal_premium", "is missing: a renewed policy has a renewal premium")
        if not self.eligible:
            _fail(
                self,
                "renewed_on",
                "is set on a policy not eligible for renewal; set eligible=True or "
                "clear renewed_on",
            )
        _same_currency(
            "DueRecord",
            ("expiring_premium", self.expiring_premium),
            (("renewal_premium", self.renewal_premium),),
        )
        if self.first_reminder_on is not None and self.first_reminder_on > self.renewed_on:
            _fail(
                self,
                "first_reminder_on",
                f"{self.first_reminder_on} is after renewed_on {self.renewed_on}; a reminder "
                "sent after the renewal is not the first reminder of it",
            )

    @property
    def renewed(self) -> bool:
        """Whether the policy was renewed (``renewed_on`` is set)."""
        return self.renewed_on is not None


@attrs.frozen
class Receipt:
    """A premium received: the day and the amount.

    Args:
        received_on: the day the premium was received.
        amount: the amount received, greater than zero.
    """

    received_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    amount: Money = attrs.field(validator=_money(positive=True))


class Exclusion(ShortReprEnum):
    """Why a policy is left out of the base of a persistency rate.

    The published definition of persistency leaves these policies out of both the
    premium due and the premium received.
    """

    SINGLE_PREMIUM = "single_premium"
    """A single-premium policy, with nothing due after the first premium."""
    FREE_LOOK = "free_look"
    """Cancelled within the free-look (cooling-off) period."""
    CLAIM_TERMINATION = "claim_termination"
    """Terminated by a claim (death or another benefit that ends the contract)."""
    WAIVER = "waiver"
    """The premium is waived under a waiver-of-premium benefit."""
    TRANSFER_OUT = "transfer_out"
    """Transferred out (to another insurer or another book)."""
    CONVERSION = "conversion"
    """Converted into another contract."""


@attrs.frozen
class PersistencyRecord:
    """A long-term individual life policy, for its 13- and 25-month persistency.

    Args:
        policy_number: the policy number.
        effective_on: the day the policy took effect (its new-business day); the
            13th policy month starts 12 months later, the 25th 24 months later.
        premium: the premium due at the start of the 13th (and 25th) policy month
            under the original contract: the annual premium of an annual-pay
            policy, the monthly premium of a monthly-pay one.
        channel: the channel the policy was sold through.
        line: the line of business, :attr:`~renewal_core.model.LineOfBusiness.LIFE`
            unless given.
        received_13: the premium received for the 13th policy month, if any.
        received_25: the premium received for the 25th policy month, if any.
        exclusion: why the policy is left out of the base, or ``None``.
        region: the region code.
        segment: the customer segment code.
        product: the product code.

    Raises:
        InvalidField: a field is of the wrong type, a receipt is before
            ``effective_on`` or is more than ``premium``.
        CurrencyMismatch: a receipt is not in the premium's currency.
    """

    policy_number: str = attrs.field(validator=_text())
    effective_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    premium: Money = attrs.field(validator=_money())
    channel: Channel = attrs.field(validator=_member_of(Channel))
    line: LineOfBusiness = attrs.field(
        default=LineOfBusiness.LIFE, kw_only=True, validator=_member_of(LineOfBusiness)
    )
    received_13: Receipt | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_instance_of(Receipt))
    )
    received_25: Receipt | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_instance_of(Receipt))
    )
    exclusion: Exclusion | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_member_of(Exclusion))
    )
    region: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    segment: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    product: str | None = attrs.field(default=None, kw_only=True, validator=_code())

    def __attrs_post_init__(self) -> None:
        for name, receipt in (
            ("received_13", self.received_13),
            ("received_25", self.received_25),
        ):
            if receipt is None:
                continue
            _same_currency(
                "PersistencyRecord", ("premium", self.premium), ((name, receipt.amount),)
            )
            if receipt.received_on < self.effective_on:
                _fail(
                    self,
                    name,
                    f"received on {receipt.received_on}, before effective_on {self.effective_on}",
                )
            if receipt.amount > self.premium:
                _fail(
                    self,
                    name,
                    f"{receipt.amount} is more than the premium due {self.premium}; record "
                    "only what was received for that month's premium",
                )


@attrs.frozen
class SurrenderRecord:
    """Surrender figures of a policy or of a block of long-term business for a period.

    Args:
        payments: surrender payments made in the period (退保金).
        opening_reserves: long-term reserves at the start of the period.
        premium_income: long-term premium income of the period.
        surrendered_sum_insured: sum insured of the policies surrendered in the
            period, for the simple variant; given with ``opening_sum_insured``.
        opening_sum_insured: sum insured in force at the start of the period.
        channel: the channel, if the figures are of one channel.
        line: the line of business, if the figures are of one line.
        region: the region code.
        segment: the customer segment code.
        product: the product code.

    Raises:
        InvalidField: an amount is negative or not ``Money``, or only one of the
            two sums insured is given.
        CurrencyMismatch: the amounts are not all in one currency.
    """

    payments: Money = attrs.field(validator=_money())
    opening_reserves: Money = attrs.field(validator=_money())
    premium_income: Money = attrs.field(validator=_money())
    surrendered_sum_insured: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_money())
    )
    opening_sum_insured: Money | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_money())
    )
    channel: Channel | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_member_of(Channel))
    )
    line: LineOfBusiness | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_member_of(LineOfBusiness))
    )
    region: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    segment: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    product: str | None = attrs.field(default=None, kw_only=True, validator=_code())

    def __attrs_post_init__(self) -> None:
        if (self.surrendered_sum_insured is None) != (self.opening_sum_insured is None):
            missing = (
                "surrendered_sum_insured"
                if self.surrendered_sum_insured is None
                else "opening_sum_insured"
            )
            _fail(self, missing, "is missing: give both sums insured or neither")
        _same_currency(
            "SurrenderRecord",
            ("payments", self.payments),
            (
                ("opening_reserves", self.opening_reserves),
                ("premium_income", self.premium_income),
                ("surrendered_sum_insured", self.surrendered_sum_insured),
                ("opening_sum_insured", self.opening_sum_insured),
            ),
        )


@attrs.frozen
class ReminderRecord:
    """Renewal reminders sent through a channel, and the contacts and renewals they led to.

    One record may stand for one reminder (``reminders=1``, the default) or for a
    day's batch of a channel. The funnel narrows: ``renewals <= contacts <=
    reminders``, a renewal counting under the contact that led to it.

    Args:
        channel: the channel the reminders went through.
        sent_on: the day they were sent; the day a period selects on.
        cost: what sending them and following them up cost.
        reminders: how many reminders were sent.
        contacts: how many of them reached the customer and got an answer.
        renewals: how many of those contacts ended in a renewal.
        line: the line of business of the policies reminded.
        region: the region code.
        segment: the customer segment code.
        product: the product code.

    Raises:
        InvalidField: a count is negative or not an ``int``, or the funnel widens.
    """

    channel: Channel = attrs.field(validator=_member_of(Channel))
    sent_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    cost: Money = attrs.field(validator=_money())
    reminders: int = attrs.field(default=1, kw_only=True, validator=_count)
    contacts: int = attrs.field(default=0, kw_only=True, validator=_count)
    renewals: int = attrs.field(default=0, kw_only=True, validator=_count)
    line: LineOfBusiness | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_member_of(LineOfBusiness))
    )
    region: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    segment: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    product: str | None = attrs.field(default=None, kw_only=True, validator=_code())

    def __attrs_post_init__(self) -> None:
        if self.contacts > self.reminders:
            _fail(self, "contacts", f"{self.contacts} is more than reminders {self.reminders}")
        if self.renewals > self.contacts:
            _fail(self, "renewals", f"{self.renewals} is more than contacts {self.contacts}")


@attrs.frozen
class ScoreRecord:
    """A survey score with the day and the dimensions it is broken down by.

    :func:`~renewal_core.kpi.satisfaction.nps` and
    :func:`~renewal_core.kpi.satisfaction.csat` take bare scores; a breakdown of
    either (NPS per channel, say) takes these records. The score is checked
    against the widest scale here (0 to 10); CSAT checks its own 1 to 5.

    Args:
        score: the score, an ``int`` from 0 to 10.
        answered_on: the day the response was given; the day a period selects on.
        channel: the channel of the customer's policy or of the survey.
        line: the line of business.
        region: the region code.
        segment: the customer segment code.
        product: the product code.

    Raises:
        InvalidField: the score is not an ``int`` (a ``bool`` is refused) or is
            off the 0 to 10 scale.
    """

    score: int = attrs.field(validator=_score)
    answered_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    channel: Channel | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_member_of(Channel))
    )
    line: LineOfBusiness | None = attrs.field(
        default=None, kw_only=True, validator=_optional(_member_of(LineOfBusiness))
    )
    region: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    segment: str | None = attrs.field(default=None, kw_only=True, validator=_code())
    product: str | None = attrs.field(default=None, kw_only=True, validator=_code())
