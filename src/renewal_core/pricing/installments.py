"""Installment plans, payment schedules, payments and delinquency (D2.6).

A premium paid in installments follows an :class:`InstallmentPlan`; :func:`schedule`
turns a premium into a :class:`Schedule` of installments whose premium parts add up
exactly to the premium; :func:`apply_payment` records payments against it in a
:class:`ScheduleState`; :func:`delinquency_status` says whether the policy is
current, overdue, in grace or lapsed on a given day. Under
:class:`ReinstatementRules`, :func:`quote_reinstatement` says whether a lapsed
schedule can be reinstated on a day and what it costs, and
:func:`apply_reinstatement` records the reinstatement and its payment.

The conventions, in one place:

* **Amounts.** Installment 1 carries the down payment when the plan has one; the
  rest of the premium is split evenly over the other installments, and when it does
  not divide exactly the *earlier* installments take the extra minor units. The
  premium parts always add up to the premium, to the minor unit. A percent down
  payment is the premium times the percent, rounded half up to the minor unit.
* **Fees** are charged on top of the premium part of each installment (on all but
  the first when ``fee_on_first`` is ``False``), and not on an installment whose
  premium part is zero; they never change the premium parts.
* **Due dates.** Installment ``i`` (counted from 0) is due ``i * months_between``
  months after the start, computed in one step from the start and never chained: a
  31 January start gives 29 February (28 in a common year), 31 March, 30 April, ….
  A day the month lacks moves to the month's last day. With a fixed ``due_day``, the
  first installment is still due on the start and the later ones on that day of
  their month (the last day of a shorter month).
* **Bills** are issued ``bill_lead_days`` days before each due date.
* **Payments** go to the oldest installment not fully paid first, the fee of an
  installment before its premium part; installments not yet due are paid in advance.
  What is left once every installment is paid is kept as credit.
* **Overdue, grace and lapse.** An installment not fully paid is *overdue* from the
  day after its due date. With ``grace_days`` set, the grace period runs from the day
  after the due date to ``grace_days`` days after it, and the policy *lapses* the day
  after that (on the day after the due date when ``grace_days`` is 0); an
  installment fully paid on or after its lapse day does not undo the lapse; only a
  reinstatement does. Without ``grace_days`` the plan never lapses by itself, and an
  unpaid installment is just overdue.
* **Reinstatement.** A lapsed schedule may be reinstated from its lapse day (the
  lapse day of the oldest installment whose lapse is not yet reinstated) to
  ``within_days`` days after it, both included, or on any later day when
  ``within_days`` is ``None``. It requires paying, on the day of reinstatement,
  everything overdue that day (what is left of every installment due before it; an
  installment due on the day itself is not overdue yet and is not required) plus
  the fee: a fixed amount, or a percent of that overdue amount rounded half up to
  the minor unit. The fee is taken from the payment first and is never taken from
  the credit. From the day of reinstatement on, the lapses on or before that day no
  longer count; a later installment can lapse again, and be reinstated again.

>>> import pendulum
>>> from renewal_core.money import Money
>>> plan = InstallmentPlan(count=12)
>>> plan_schedule = schedule(Money("3102.50", "CNY"), plan, start=pendulum.date(2024, 1, 31))
>>> for item in plan_schedule.installments[:4]:
...     print(item.number, item.due_on, item.amount)
1 2024-01-31 258.55 CNY
2 2024-02-29 258.55 CNY
3 2024-03-31 258.54 CNY
4 2024-04-30 258.54 CNY
>>> plan_schedule.total
Money('3102.50', 'CNY')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _count,
    _day,
    _fail,
    _flag,
    _maker,
    _member_of,
    _money,
    _positive_int,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import CurrencyMismatch, DateOutOfRange, InvalidField
from renewal_core.money import Money
from renewal_core.periods import MonthEndRule, _fit, _shift, _to_date
from renewal_core.reasons import Reason, Severity, _reason

__all__ = [
    "MAX_PLAN_DAYS",
    "MAX_REINSTATEMENT_DAYS",
    "Delinquency",
    "DelinquencyStatus",
    "Frequency",
    "Installment",
    "InstallmentPlan",
    "Payment",
    "PaymentMethod",
    "Reinstatement",
    "ReinstatementRules",
    "Schedule",
    "ScheduleStanding",
    "ScheduleState",
    "apply_payment",
    "apply_reinstatement",
    "delinquency_status",
    "quote_reinstatement",
    "schedule",
]

MAX_PLAN_DAYS: Final = 366
"""The longest grace period or bill lead time a plan takes, in days."""

MAX_REINSTATEMENT_DAYS: Final = 5 * 366
"""The longest reinstatement window in days, five years (life products commonly
allow two years after lapse)."""

_CLAMP = MonthEndRule.CLAMP
_Date = pendulum.Date
_HUNDRED = Decimal(100)


class Frequency(ShortReprEnum):
    """How often installments fall due; each member's value is the months between them.

    For any other spacing, give :class:`InstallmentPlan` a whole number of months
    instead (``frequency=2`` for every two months).

    >>> [(member.name, member.months) for member in Frequency]
    [('ANNUAL', 12), ('SEMI_ANNUAL', 6), ('QUARTERLY', 3), ('MONTHLY', 1)]
    """

    ANNUAL = 12
    """Once a year."""

    SEMI_ANNUAL = 6
    """Every six months."""

    QUARTERLY = 3
    """Every three months."""

    MONTHLY = 1
    """Every month."""

    @property
    def months(self) -> int:
        """The number of months between two installments."""
        return int(self.value)


class PaymentMethod(ShortReprEnum):
    """How a payment was made: data only; the library never talks to a payment system.

    >>> PaymentMethod.E_WALLET.value
    'e_wallet'
    """

    CARD = "card"
    """A debit or credit card."""

    BANK_TRANSFER = "bank_transfer"
    """A bank transfer or direct debit."""

    E_WALLET = "e_wallet"
    """An electronic wallet."""

    PAYROLL_DEDUCTION = "payroll_deduction"
    """Deducted from the payer's salary by the employer."""

    CASH = "cash"
    """Cash at a counter."""

    OTHER = "other"
    """Any other method."""


class DelinquencyStatus(ShortReprEnum):
    """Where a schedule stands on a day; see :func:`delinquency_status`.

    Attributes:
        CURRENT: no installment is overdue and the policy has not lapsed.
        OVERDUE: an installment is overdue and the plan has no grace period
            (``grace_days`` is ``None``), so the plan never lapses by itself.
        IN_GRACE: an installment is overdue and the day falls in its grace period.
        LAPSED: an installment was not fully paid by the end of its grace period,
            and no reinstatement has cured that lapse.
    """

    CURRENT = "current"
    OVERDUE = "overdue"
    IN_GRACE = "in_grace"
    LAPSED = "lapsed"


# --------------------------------------------------------------------------- checks


def _frequency(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Frequency):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(
            instance,
            attribute.name,
            f"must be a Frequency member or a whole number of months, not {_type_name(value)}",
        )
    if value < 1:
        _fail(instance, attribute.name, f"must be at least 1 month, not {value}")


def _money_or_percent(
    *, positive: bool, bounds: str, within: Callable[[Decimal | int], bool]
) -> Any:
    """Check ``None``, a :class:`Money` amount, or a percent that ``within`` accepts."""
    money = _money(positive=positive)

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        if isinstance(value, Money):
            money(instance, attribute, value)
            return
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            _fail(
                instance,
                attribute.name,
                f"must be a Money amount or a percent as a Decimal, not {_type_name(value)}"
                + (f"; write Decimal('{value!r}')" if isinstance(value, float) else ""),
            )
        if not (isinstance(value, int) or value.is_finite()) or not within(value):
            _fail(instance, attribute.name, f"a percent must be {bounds}, not {value}")

    return validate


_down_payment = _money_or_percent(
    positive=True, bounds="above 0 and below 100", within=lambda value: 0 < value < _HUNDRED
)
_fee_rule = _money_or_percent(
    positive=False, bounds="from 0 to 100", within=lambda value: 0 <= value <= _HUNDRED
)


def _optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _money()(instance, attribute, value)


def _days(*, optional: bool, positive: bool = False, most: int = MAX_PLAN_DAYS) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        (_positive_int if positive else _count)(instance, attribute, value)
        if isinstance(value, int) and value > most:
            _fail(instance, attribute.name, f"must be at most {most} days, not {value}")

    return validate


def _due_day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    _positive_int(instance, attribute, value)
    if isinstance(value, int) and value > 31:
        _fail(instance, attribute.name, f"must be a day of the month from 1 to 31, not {value}")


def _days_after(day: pendulum.Date, days: int) -> pendulum.Date:
    try:
        return _Date.fromordinal(day.toordinal() + days)
    except (ValueError, OverflowError):
        raise DateOutOfRange(f"{day} plus {days} days falls outside the years 1 to 9999") from None


# --------------------------------------------------------------------------- plan


@attrs.frozen
class InstallmentPlan:
    """How a premium is paid in installments.

    Attributes:
        count: the number of installments, at least 1 (the down payment, when there is
            one, is installment 1).
        frequency: a :class:`Frequency`, or a whole number of months between two
            installments (``2`` for every two months).
        down_payment: ``None``; a percent of the premium as a ``Decimal`` (or an
            ``int``) above 0 and below 100, rounded half up to the minor unit; or a
            :class:`~renewal_core.money.Money` amount above zero and at most the premium. It needs
            ``count`` of 2 or more.
        fee: a fee charged on top of each installment's premium part, or ``None``.
        fee_on_first: whether installment 1 bears the fee too (``True`` by default).
        due_day: ``None`` to fall due on the start's day of the month (the last day of
            a shorter month); or a day from 1 to 31 on which installments 2 onwards
            fall due (the last day of a shorter month), installment 1 being due on the
            start.
        bill_lead_days: how many days before its due date each bill is issued (0 to
            :data:`MAX_PLAN_DAYS`).
        grace_days: how many days after a due date an unpaid installment keeps the
            policy in force (0 to :data:`MAX_PLAN_DAYS`); the policy lapses the day after.
            ``None`` (the default) means the plan never lapses by itself.

    >>> from decimal import Decimal
    >>> InstallmentPlan(count=4, frequency=Frequency.QUARTERLY, down_payment=Decimal("40"))
    InstallmentPlan(count=4, frequency=Frequency.QUARTERLY, down_payment=Decimal('40'), \
fee=None, fee_on_first=True, due_day=None, bill_lead_days=0, grace_days=None)
    >>> InstallmentPlan(count=1, down_payment=Decimal("30"))
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: InstallmentPlan.down_payment: needs at least 2 \
installments (the down payment is installment 1), not 1
    """

    count: int = attrs.field(validator=_positive_int)
    frequency: Frequency | int = attrs.field(default=Frequency.MONTHLY, validator=_frequency)
    down_payment: Decimal | int | Money | None = attrs.field(default=None, validator=_down_payment)
    fee: Money | None = attrs.field(default=None, validator=_optional_money)
    fee_on_first: bool = attrs.field(default=True, validator=_flag)
    due_day: int | None = attrs.field(default=None, validator=_due_day)
    bill_lead_days: int = attrs.field(default=0, validator=_days(optional=False))
    grace_days: int | None = attrs.field(default=None, validator=_days(optional=True))

    def __attrs_post_init__(self) -> None:
        if self.down_payment is not None and self.count < 2:
            _fail(
                self,
                "down_payment",
                "needs at least 2 installments (the down payment is installment 1), "
                f"not {self.count}",
            )
        down, fee = self.down_payment, self.fee
        if isinstance(down, Money) and fee is not None and fee.currency != down.currency:
            raise CurrencyMismatch(
                down.currency,
                fee.currency,
                "build an InstallmentPlan whose down_payment and fee are",
            )

    @property
    def months_between(self) -> int:
        """The number of months between two installments.

        >>> InstallmentPlan(count=6, frequency=2).months_between
        2
        """
        frequency = self.frequency
        return frequency.months if isinstance(frequency, Frequency) else frequency


# --------------------------------------------------------------------------- schedule


@attrs.frozen(init=False)
class Installment:
    """One installment of a :class:`Schedule` (built by :func:`schedule` only).

    Attributes:
        number: the installment's number, from 1.
        due_on: the day it falls due.
        bill_on: the day its bill is issued (``bill_lead_days`` before ``due_on``).
        amount: its part of the premium.
        fee: the fee charged on top of it (zero when there is none).
    """

    number: int
    due_on: pendulum.Date
    bill_on: pendulum.Date
    amount: Money
    fee: Money

    @property
    def amount_due(self) -> Money:
        """The amount the payer owes for the installment, its premium part plus its fee."""
        return self.amount + self.fee


@attrs.frozen(init=False)
class Schedule:
    """The installments of one premium under one plan (built by :func:`schedule`).

    Attributes:
        total: the premium; the installments' premium parts add up to it exactly.
        plan: the :class:`InstallmentPlan` it follows.
        start: the day the schedule is anchored to (installment 1's due day).
        installments: the installments, in order of due date.
    """

    total: Money
    plan: InstallmentPlan
    start: pendulum.Date
    installments: tuple[Installment, ...]

    @property
    def fees(self) -> Money:
        """The fees of all installments together."""
        return Money.total((item.fee for item in self.installments), self.total.currency)

    @property
    def amount_due(self) -> Money:
        """The premium plus the fees, the amount the payer pays in all."""
        return self.total + self.fees


# The slot setters of Installment, for the hot loop of schedule(): setting a slot
# through its descriptor is the cheapest way to fill a frozen, slotted instance.
_INSTALLMENT_SLOTS: Final = (
    object.__new__,
    *(
        Installment.__dict__[name].__set__
        for name in ("number", "due_on", "bill_on", "amount", "fee")
    ),
)
_make_schedule = _maker(Schedule, "total", "plan", "start", "installments")


def _premium_parts(total: Money, plan: InstallmentPlan) -> tuple[Money, ...]:
    count = plan.count
    down = plan.down_payment
    if down is None:
        return total.split(count)
    if isinstance(down, Money):
        if down.currency != total.currency:
            raise CurrencyMismatch(
                total.currency, down.currency, "schedule a total and a down payment in"
            )
        if down > total:
            raise InvalidField(
                "InstallmentPlan",
                "down_payment",
                f"{down} is more than the premium {total}; lower the down payment",
            )
        return (down.round(), *(total - down).split(count - 1))
    first, rest = total.allocate([down, _HUNDRED - down])
    return (first, *rest.split(count - 1))


def schedule(total: Money, plan: InstallmentPlan, *, start: dt.date) -> Schedule:
    """Lay out the installments of ``total`` under ``plan`` from ``start``.

    Args:
        total: the premium, zero or more, in whole minor units.
        plan: the installment plan.
        start: the day installment 1 falls due (usually the term's start); a
            ``datetime.date`` or ``pendulum.Date``, not a ``datetime``.

    Returns:
        The schedule; see the module's conventions for amounts, fees and dates.

    Raises:
        ArgumentTypeError: ``total`` is not a :class:`~renewal_core.money.Money` or ``plan`` not an
            :class:`InstallmentPlan`.
        DateTypeError: ``start`` is not a day.
        InvalidField: ``total`` is negative, or the down payment is more than it.
        AllocationError: ``total`` is finer than its currency's minor unit.
        CurrencyMismatch: the fee or down payment is in another currency.
        DateOutOfRange: a due or bill day falls outside the years 1 to 9999.

    >>> import pendulum
    >>> from decimal import Decimal
    >>> plan = InstallmentPlan(count=4, frequency=Frequency.QUARTERLY,
    ...                        down_payment=Decimal("40"), fee=Money("5.00", "CNY"))
    >>> for item in schedule(Money("1000.00", "CNY"), plan,
    ...                      start=pendulum.date(2024, 11, 30)).installments:
    ...     print(item.number, item.due_on, item.amount, item.fee)
    1 2024-11-30 400.00 CNY 5.00 CNY
    2 2025-02-28 200.00 CNY 5.00 CNY
    3 2025-05-30 200.00 CNY 5.00 CNY
    4 2025-08-30 200.00 CNY 5.00 CNY
    """
    if total.__class__ is not Money:
        _wrong_type(total, "schedule(total)", "a Money")
    if plan.__class__ is not InstallmentPlan:
        _wrong_type(plan, "schedule(plan)", "an InstallmentPlan")
    day = _to_date(start, "schedule(start)")
    if total.is_negative():
        raise InvalidField("Schedule", "total", f"must not be negative, not {total}")
    currency = total.currency
    fee = plan.fee
    if fee is None:
        fee = first_fee = Money.zero(currency)
    else:
        if fee.currency != currency:
            raise CurrencyMismatch(currency, fee.currency, "schedule a total and a fee in")
        first_fee = fee if plan.fee_on_first else Money.zero(currency)
    parts = _premium_parts(total, plan)
    zero = Money.zero(currency)
    charged = plan.fee is not None
    months = plan.months_between
    lead = plan.bill_lead_days
    year, month = day.year, day.month
    due_day = day.day if plan.due_day is None else plan.due_day
    # The last due day is the latest: checking it first (it raises DateOutOfRange when
    # out of range) lets the loop build every other day without a check.
    _shift(year, month, due_day, (len(parts) - 1) * months, _CLAMP)
    first_month = year * 12 + month - 1
    new, set_number, set_due, set_bill, set_amount, set_fee = _INSTALLMENT_SLOTS
    installments = []
    due_on = day
    for index, amount in enumerate(parts):
        if index:
            due_year, due_month = divmod(first_month + index * months, 12)
            if due_day > 28:
                due_on = _fit(due_year, due_month + 1, due_day, _CLAMP)
            else:
                due_on = _Date(due_year, due_month + 1, due_day)
        item = new(Installment)
        set_number(item, index + 1)
        set_due(item, due_on)
        set_bill(item, _days_after(due_on, -lead) if lead else due_on)
        set_amount(item, amount)
        if charged:
            # No fee on an installment with no premium to collect (a down payment of
            # the whole premium, or a zero total).
            set_fee(item, (fee if index else first_fee) if amount.amount else zero)
        else:
            set_fee(item, zero)
        installments.append(item)
    return _make_schedule(total, plan, day, tuple(installments))


# --------------------------------------------------------------------------- payments


@attrs.frozen
class Payment:
    """A payment received from the payer.

    Attributes:
        amount: what was received, above zero, in whole minor units.
        received_on: the day it was received.
        method: how it was paid, a :class:`PaymentMethod`.

    >>> import pendulum
    >>> Payment(Money("100.00", "CNY"), pendulum.date(2024, 3, 1), PaymentMethod.CARD)
    Payment(amount=Money('100.00', 'CNY'), received_on=Date(2024, 3, 1), \
method=PaymentMethod.CARD)
    """

    amount: Money = attrs.field(validator=_money(positive=True))
    received_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    method: PaymentMethod = attrs.field(validator=_member_of(PaymentMethod))


@attrs.frozen(init=False)
class ScheduleState:
    """What has been paid against a schedule; start from :meth:`unpaid`.

    A new state comes from :func:`apply_payment` or :func:`apply_reinstatement`; a
    state is never changed.

    Attributes:
        schedule: the :class:`Schedule` paid against.
        paid: what has been paid towards each installment (fee and premium part).
        settled_on: the day each installment was fully paid, or ``None`` while it is
            not (also ``None`` for an installment of nothing due).
        credit: what was paid beyond the whole schedule.
        last_received_on: the day of the latest payment applied, or ``None``.
        reinstatements: the reinstatements applied, oldest first, each the
            :class:`Reinstatement` quoted for it (its ``fee`` is the fee paid).
    """

    schedule: Schedule
    paid: tuple[Money, ...]
    settled_on: tuple[pendulum.Date | None, ...]
    credit: Money
    last_received_on: pendulum.Date | None
    reinstatements: tuple[Reinstatement, ...]

    @classmethod
    def unpaid(cls, schedule: Schedule) -> ScheduleState:
        """Return the state of ``schedule`` before any payment.

        Raises:
            ArgumentTypeError: ``schedule`` is not a :class:`Schedule`.
        """
        if schedule.__class__ is not Schedule:
            _wrong_type(schedule, "ScheduleState.unpaid(schedule)", "a Schedule")
        zero = Money.zero(schedule.total.currency)
        count = len(schedule.installments)
        return _make_state(schedule, (zero,) * count, (None,) * count, zero, None, ())

    @property
    def reinstatement_fees(self) -> Money:
        """The reinstatement fees paid, all reinstatements together (zero when none)."""
        return Money.total(
            (record.fee for record in self.reinstatements), self.schedule.total.currency
        )

    def _check_day(self, day: object, operation: str) -> pendulum.Date:
        checked = _to_date(day, operation)
        last = self.last_received_on
        if last is not None and checked < last:
            raise InvalidField(
                "ScheduleState",
                operation,
                f"{checked} is before {last}, the day of the latest payment applied; "
                f"ask as of {last} or later, or about a state without the later payments",
            )
        if self.reinstatements:
            reinstated = self.reinstatements[-1].on
            if checked < reinstated:
                raise InvalidField(
                    "ScheduleState",
                    operation,
                    f"{checked} is before {reinstated}, the day of the latest reinstatement "
                    f"applied; ask as of {reinstated} or later, or about a state without the "
                    "reinstatement",
                )
        return checked

    def as_of(self, day: dt.date) -> ScheduleStanding:
        """Report the paid, open and overdue installments on ``day``.

        Raises:
            DateTypeError: ``day`` is not a day.
            InvalidField: ``day`` is before the latest payment applied.
        """
        checked = self._check_day(day, "as_of(day)")
        paid: list[Installment] = []
        still_open: list[Installment] = []
        overdue: list[Installment] = []
        outstanding: list[Money] = []
        late: list[Money] = []
        for item, amount in zip(self.schedule.installments, self.paid, strict=True):
            left = item.amount_due - amount
            if not left:
                paid.append(item)
                continue
            still_open.append(item)
            outstanding.append(left)
            if item.due_on < checked:
                overdue.append(item)
                late.append(left)
        currency = self.schedule.total.currency
        return _make_standing(
            checked,
            tuple(paid),
            tuple(still_open),
            tuple(overdue),
            Money.total(outstanding, currency),
            Money.total(late, currency),
            self.credit,
        )


_make_state = _maker(
    ScheduleState, "schedule", "paid", "settled_on", "credit", "last_received_on", "reinstatements"
)


@attrs.frozen(init=False)
class ScheduleStanding:
    """Where a schedule's installments stand on a day (from :meth:`ScheduleState.as_of`).

    Attributes:
        as_of: the day reported on.
        paid: the installments fully paid.
        open: the installments not fully paid, overdue or not.
        overdue: the open installments whose due day is before ``as_of``.
        outstanding: what is left to pay on the open installments.
        overdue_amount: what is left to pay on the overdue installments.
        credit: what was paid beyond the whole schedule.
    """

    as_of: pendulum.Date
    paid: tuple[Installment, ...]
    open: tuple[Installment, ...]
    overdue: tuple[Installment, ...]
    outstanding: Money
    overdue_amount: Money
    credit: Money


_make_standing = _maker(
    ScheduleStanding,
    "as_of",
    "paid",
    "open",
    "overdue",
    "outstanding",
    "overdue_amount",
    "credit",
)


def apply_payment(state: ScheduleState, payment: Payment) -> ScheduleState:
    """Return the state after ``payment``; ``state`` itself is not changed.

    The payment goes to the oldest installment not fully paid, then the next, and so
    on, paying installments not yet due in advance; within an installment the fee is
    paid before the premium part. What is left once every installment is paid is
    added to the credit. Payments must be applied in the order they were received,
    and not before the day of a reinstatement already applied.

    Raises:
        ArgumentTypeError: ``state`` is not a :class:`ScheduleState` or ``payment``
            not a :class:`Payment`.
        CurrencyMismatch: the payment is in another currency than the schedule.
        InvalidField: the payment was received before the latest payment or
            reinstatement applied.

    >>> import pendulum
    >>> plan = InstallmentPlan(count=2, frequency=Frequency.SEMI_ANNUAL)
    >>> state = ScheduleState.unpaid(
    ...     schedule(Money("100.00", "CNY"), plan, start=pendulum.date(2024, 1, 1)))
    >>> state = apply_payment(
    ...     state, Payment(Money("70.00", "CNY"), pendulum.date(2024, 1, 1), PaymentMethod.CASH))
    >>> state.paid, state.settled_on
    ((Money('50.00', 'CNY'), Money('20.00', 'CNY')), (Date(2024, 1, 1), None))
    """
    if state.__class__ is not ScheduleState:
        _wrong_type(state, "apply_payment(state)", "a ScheduleState")
    if payment.__class__ is not Payment:
        _wrong_type(payment, "apply_payment(payment)", "a Payment")
    currency = state.schedule.total.currency
    left = payment.amount
    if left.currency != currency:
        raise CurrencyMismatch(currency, left.currency, "apply a payment to a schedule in")
    received = payment.received_on
    last = state.last_received_on
    if last is not None and received < last:
        raise InvalidField(
            "Payment",
            "received_on",
            f"{received} is before {last}, the day of the latest payment applied; "
            "apply payments in the order they were received",
        )
    reinstatements = state.reinstatements
    if reinstatements and received < reinstatements[-1].on:
        raise InvalidField(
            "Payment",
            "received_on",
            f"{received} is before {reinstatements[-1].on}, the day of the latest "
            "reinstatement applied; apply payments and reinstatements in the order they "
            "happened",
        )
    paid = list(state.paid)
    settled = list(state.settled_on)
    for index, item in enumerate(state.schedule.installments):
        owed = item.amount_due - paid[index]
        if not owed:
            continue
        if left < owed:
            paid[index] += left
            left = Money.zero(currency)
            break
        paid[index] += owed
        settled[index] = received
        left -= owed
    return _make_state(
        state.schedule, tuple(paid), tuple(settled), state.credit + left, received, reinstatements
    )


# --------------------------------------------------------------------------- delinquency


@attrs.frozen(init=False)
class Delinquency:
    """Whether a schedule is current, overdue, in grace or lapsed on a day.

    Attributes:
        status: the :class:`DelinquencyStatus`.
        as_of: the day reported on.
        installment: the number of the installment concerned (the one that lapsed,
            or else the oldest overdue one), or ``None`` when current.
        due_on: that installment's due day, or ``None``.
        grace_ends_on: the last day of its grace period, or ``None`` (current, or no
            grace period in the plan).
        lapses_on: the day the policy lapses (or lapsed) for it, or ``None``.
        overdue_amount: what is left to pay on the overdue installments.
    """

    status: DelinquencyStatus
    as_of: pendulum.Date
    installment: int | None
    due_on: pendulum.Date | None
    grace_ends_on: pendulum.Date | None
    lapses_on: pendulum.Date | None
    overdue_amount: Money


_make_delinquency = _maker(
    Delinquency,
    "status",
    "as_of",
    "installment",
    "due_on",
    "grace_ends_on",
    "lapses_on",
    "overdue_amount",
)


def delinquency_status(state: ScheduleState, as_of: dt.date) -> Delinquency:
    """Say whether the schedule is current, overdue, in grace or lapsed on ``as_of``.

    The policy is ``LAPSED`` when some installment was not fully paid before its lapse
    day (the day after its grace period ends) and that day is on or before ``as_of``,
    even if it has been paid since, unless a reinstatement applied with
    :func:`apply_reinstatement` on or after that lapse day has cured it. Otherwise,
    when an installment is overdue on ``as_of`` (not fully paid and due before it),
    the status is ``IN_GRACE`` if the plan has a grace period and ``OVERDUE`` if not.
    Otherwise it is ``CURRENT``.

    Raises:
        ArgumentTypeError: ``state`` is not a :class:`ScheduleState`.
        DateTypeError: ``as_of`` is not a day.
        InvalidField: ``as_of`` is before the latest payment or reinstatement applied.
        DateOutOfRange: a lapse day falls after the year 9999.

    >>> import pendulum
    >>> plan = InstallmentPlan(count=12, grace_days=30)
    >>> state = ScheduleState.unpaid(
    ...     schedule(Money("1200.00", "CNY"), plan, start=pendulum.date(2024, 1, 15)))
    >>> status = delinquency_status(state, pendulum.date(2024, 1, 20))
    >>> status.status, status.due_on, status.grace_ends_on, status.lapses_on
    (DelinquencyStatus.IN_GRACE, Date(2024, 1, 15), Date(2024, 2, 14), Date(2024, 2, 15))
    >>> delinquency_status(state, pendulum.date(2024, 2, 15)).status
    DelinquencyStatus.LAPSED
    """
    if state.__class__ is not ScheduleState:
        _wrong_type(state, "delinquency_status(state)", "a ScheduleState")
    return _delinquency(state, state._check_day(as_of, "delinquency_status(as_of)"))


def _delinquency(state: ScheduleState, day: pendulum.Date) -> Delinquency:
    grace = state.schedule.plan.grace_days
    installments = state.schedule.installments
    currency = state.schedule.total.currency
    # A reinstatement on a day cures every lapse on or before that day (it required
    # every overdue installment paid); day is never before the latest reinstatement.
    reinstatements = state.reinstatements
    cured = reinstatements[-1].on if reinstatements else None
    overdue: Installment | None = None
    late: list[Money] = []
    for item, amount, settled in zip(installments, state.paid, state.settled_on, strict=True):
        left = item.amount_due - amount
        if grace is not None and item.amount_due:
            lapses_on = _days_after(item.due_on, grace + 1)
            if (
                lapses_on <= day
                and (settled is None or settled >= lapses_on)
                and (cured is None or lapses_on > cured)
            ):
                return _make_delinquency(
                    DelinquencyStatus.LAPSED,
                    day,
                    item.number,
                    item.due_on,
                    _days_after(item.due_on, grace),
                    lapses_on,
                    Money.total(_overdue_amounts(state, day), currency),
                )
        if left and item.due_on < day:
            late.append(left)
            if overdue is None:
                overdue = item
    if overdue is None:
        return _make_delinquency(
            DelinquencyStatus.CURRENT, day, None, None, None, None, Money.zero(currency)
        )
    if grace is None:
        return _make_delinquency(
            DelinquencyStatus.OVERDUE,
            day,
            overdue.number,
            overdue.due_on,
            None,
            None,
            Money.total(late, currency),
        )
    return _make_delinquency(
        DelinquencyStatus.IN_GRACE,
        day,
        overdue.number,
        overdue.due_on,
        _days_after(overdue.due_on, grace),
        _days_after(overdue.due_on, grace + 1),
        Money.total(late, currency),
    )


def _overdue_amounts(state: ScheduleState, day: pendulum.Date) -> list[Money]:
    return [
        item.amount_due - amount
        for item, amount in zip(state.schedule.installments, state.paid, strict=True)
        if item.due_on < day and item.amount_due != amount
    ]


# --------------------------------------------------------------------------- reinstatement


@attrs.frozen
class ReinstatementRules:
    """When and at what cost a lapsed schedule may be reinstated.

    Reinstatement always requires paying everything overdue on the day of
    reinstatement (what is left of every installment due before that day; an
    installment due on the day itself is not overdue yet), plus the fee.

    Attributes:
        within_days: how many days after the lapse day the schedule may still be
            reinstated (1 to :data:`MAX_REINSTATEMENT_DAYS`): the last day to reinstate is
            ``within_days`` days after the lapse day, which is the first. ``None``
            means there is no limit; it must be given, so that no limit is a choice.
        fee: ``None`` for no fee; a :class:`~renewal_core.money.Money` amount, not
            negative, in the schedule's currency, charged whatever is overdue; or a
            percent of the overdue amount as a ``Decimal`` (or an ``int``) from 0 to
            100, rounded half up to the minor unit.

    >>> from decimal import Decimal
    >>> ReinstatementRules(within_days=60, fee=Decimal("2.5"))
    ReinstatementRules(within_days=60, fee=Decimal('2.5'))
    >>> ReinstatementRules(within_days=0)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: ReinstatementRules.within_days: must be at least 1, not 0
    """

    within_days: int | None = attrs.field(
        validator=_days(optional=True, positive=True, most=MAX_REINSTATEMENT_DAYS)
    )
    fee: Money | Decimal | int | None = attrs.field(default=None, validator=_fee_rule)


@attrs.frozen(init=False)
class Reinstatement:
    """Whether a schedule can be reinstated on a day, and at what cost.

    Built by :func:`quote_reinstatement` only; apply it with
    :func:`apply_reinstatement`.

    Attributes:
        rules: the :class:`ReinstatementRules` quoted under.
        on: the day of reinstatement quoted for.
        possible: whether the schedule can be reinstated on ``on``.
        reasons: why it cannot, as :class:`~renewal_core.reasons.Reason` values of
            severity ``BLOCK`` and rule ``"reinstatement"`` (empty when possible):
            ``reinstatement.not_lapsed`` (details ``status`` and ``as_of``) or
            ``reinstatement.window_closed`` (details ``installment``, ``lapsed_on``,
            ``deadline`` and ``within_days``).
        installment: the number of the installment whose lapse is reinstated (the
            oldest lapse not yet reinstated), or ``None`` when the schedule is not
            lapsed.
        lapsed_on: that installment's lapse day, or ``None``.
        deadline: the last day to reinstate, or ``None`` (not lapsed, or no limit).
        overdue_amount: what is left to pay on the installments due before ``on``.
        fee: the reinstatement fee; zero when there is none, and when reinstatement
            is not possible.
    """

    rules: ReinstatementRules
    on: pendulum.Date
    possible: bool
    reasons: tuple[Reason, ...]
    installment: int | None
    lapsed_on: pendulum.Date | None
    deadline: pendulum.Date | None
    overdue_amount: Money
    fee: Money

    @property
    def amount_due(self) -> Money:
        """What must be paid on ``on`` to reinstate: the overdue amount plus the fee."""
        return self.overdue_amount + self.fee


_make_reinstatement = _maker(
    Reinstatement,
    "rules",
    "on",
    "possible",
    "reasons",
    "installment",
    "lapsed_on",
    "deadline",
    "overdue_amount",
    "fee",
)
_RULE: Final = "reinstatement"


def quote_reinstatement(
    state: ScheduleState, rules: ReinstatementRules, *, on: dt.date
) -> Reinstatement:
    """Say whether the schedule can be reinstated on ``on``, and what it costs.

    Reinstatement is possible when :func:`delinquency_status` reports the schedule
    ``LAPSED`` on ``on`` and ``on`` is no later than the deadline: ``within_days``
    days after the lapse day of the oldest lapse not yet reinstated. It costs the
    overdue amount (what is left of every installment due before ``on``; one due on
    ``on`` is not overdue yet) plus the fee of ``rules``. Otherwise the answer says
    why not, in its reasons.

    Args:
        state: the schedule's payments so far.
        rules: the reinstatement rules.
        on: the day of reinstatement, on or after the latest payment or
            reinstatement applied; a ``datetime.date`` or ``pendulum.Date``, not a
            ``datetime``.

    Returns:
        The :class:`Reinstatement`, possible or not.

    Raises:
        ArgumentTypeError: ``state`` is not a :class:`ScheduleState` or ``rules`` not
            a :class:`ReinstatementRules`.
        DateTypeError: ``on`` is not a day.
        InvalidField: ``on`` is before the latest payment or reinstatement applied.
        CurrencyMismatch: the fee is an amount in another currency than the schedule.
        DateOutOfRange: a lapse day or the deadline falls after the year 9999.

    >>> import pendulum
    >>> plan = InstallmentPlan(count=12, grace_days=30)
    >>> state = ScheduleState.unpaid(
    ...     schedule(Money("1200.00", "CNY"), plan, start=pendulum.date(2024, 1, 15)))
    >>> rules = ReinstatementRules(within_days=60, fee=Money("50.00", "CNY"))
    >>> quote = quote_reinstatement(state, rules, on=pendulum.date(2024, 3, 1))
    >>> quote.possible, quote.installment, quote.lapsed_on, quote.deadline
    (True, 1, Date(2024, 2, 15), Date(2024, 4, 15))
    >>> quote.overdue_amount, quote.fee, quote.amount_due
    (Money('200.00', 'CNY'), Money('50.00', 'CNY'), Money('250.00', 'CNY'))
    >>> late = quote_reinstatement(state, rules, on=pendulum.date(2024, 4, 16))
    >>> late.possible, [reason.code for reason in late.reasons]
    (False, ['reinstatement.window_closed'])
    """
    if state.__class__ is not ScheduleState:
        _wrong_type(state, "quote_reinstatement(state)", "a ScheduleState")
    if rules.__class__ is not ReinstatementRules:
        _wrong_type(rules, "quote_reinstatement(rules)", "a ReinstatementRules")
    return _quote(state, rules, state._check_day(on, "quote_reinstatement(on)"))


def _quote(state: ScheduleState, rules: ReinstatementRules, day: pendulum.Date) -> Reinstatement:
    currency = state.schedule.total.currency
    zero = Money.zero(currency)
    fee = rules.fee
    # A fee in another currency is refused whatever the answer would be.
    if isinstance(fee, Money) and fee.currency != currency:
        raise CurrencyMismatch(
            currency, fee.currency, "charge a reinstatement fee on a schedule in"
        )
    standing = _delinquency(state, day)
    overdue = standing.overdue_amount
    if standing.status is not DelinquencyStatus.LAPSED:
        status = standing.status.value.replace("_", " ")
        reason = _reason(
            "reinstatement.not_lapsed",
            Severity.BLOCK,
            _RULE,
            f"the schedule is {status} on {day}, not lapsed: there is nothing to reinstate",
            {"status": standing.status, "as_of": day},
        )
        return _make_reinstatement(rules, day, False, (reason,), None, None, None, overdue, zero)
    installment = standing.installment
    lapsed_on = standing.lapses_on
    assert lapsed_on is not None  # noqa: S101 - a lapse always has its day
    within = rules.within_days
    deadline = None if within is None else _days_after(lapsed_on, within)
    if deadline is not None and day > deadline:
        reason = _reason(
            "reinstatement.window_closed",
            Severity.BLOCK,
            _RULE,
            f"installment {installment} lapsed on {lapsed_on}; the schedule could be "
            f"reinstated until {deadline}, {within} days later, not on {day}",
            {
                "installment": installment,
                "lapsed_on": lapsed_on,
                "deadline": deadline,
                "within_days": within,
            },
        )
        return _make_reinstatement(
            rules, day, False, (reason,), installment, lapsed_on, deadline, overdue, zero
        )
    if fee is None:
        charged = zero
    elif isinstance(fee, Money):
        charged = fee
    else:
        # In whole numbers, so the thread's decimal context plays no part: the overdue
        # minor units times the percent, over 100, rounded half up (all of it >= 0).
        numerator, denominator = fee.as_integer_ratio()
        scale = 200 * denominator
        units = (2 * overdue.to_minor_units() * numerator + scale // 2) // scale
        charged = Money.from_minor_units(units, currency)
    return _make_reinstatement(
        rules, day, True, (), installment, lapsed_on, deadline, overdue, charged
    )


def apply_reinstatement(
    state: ScheduleState, reinstatement: Reinstatement, payment: Payment | None = None
) -> ScheduleState:
    """Return the state after ``reinstatement``, paid by ``payment``.

    ``reinstatement`` must be possible and must still be what
    :func:`quote_reinstatement` gives for ``state`` on its day (quote again after
    applying other payments). ``payment`` must be received on the day of
    reinstatement and be at least :attr:`Reinstatement.amount_due`; it may be left
    out only when nothing is due. The fee is taken from it first and recorded with
    the reinstatement; the rest is applied as by :func:`apply_payment`, so it pays
    every overdue installment, and anything beyond goes to later installments in
    advance, then to the credit. The credit is never used for the fee.

    From the day of reinstatement on, :func:`delinquency_status` no longer counts
    the lapses reinstated (every lapse on or before that day); a later installment
    can lapse again, and be reinstated again.

    Raises:
        ArgumentTypeError: ``state`` is not a :class:`ScheduleState`,
            ``reinstatement`` not a :class:`Reinstatement`, or ``payment`` neither a
            :class:`Payment` nor ``None``.
        CurrencyMismatch: the payment is in another currency than the schedule.
        InvalidField: the reinstatement is not possible or no longer matches
            ``state``; the payment is missing, short or received on another day; or
            the day is before the latest payment or reinstatement applied.

    >>> import pendulum
    >>> plan = InstallmentPlan(count=12, grace_days=30)
    >>> state = ScheduleState.unpaid(
    ...     schedule(Money("1200.00", "CNY"), plan, start=pendulum.date(2024, 1, 15)))
    >>> day = pendulum.date(2024, 3, 1)
    >>> quote = quote_reinstatement(state, ReinstatementRules(within_days=60), on=day)
    >>> state = apply_reinstatement(
    ...     state, quote, Payment(quote.amount_due, day, PaymentMethod.BANK_TRANSFER))
    >>> delinquency_status(state, day).status
    DelinquencyStatus.CURRENT
    """
    if state.__class__ is not ScheduleState:
        _wrong_type(state, "apply_reinstatement(state)", "a ScheduleState")
    if reinstatement.__class__ is not Reinstatement:
        _wrong_type(reinstatement, "apply_reinstatement(reinstatement)", "a Reinstatement")
    if payment is not None and payment.__class__ is not Payment:
        _wrong_type(payment, "apply_reinstatement(payment)", "a Payment or None")
    day = reinstatement.on
    if not reinstatement.possible:
        why = "; ".join(reason.message for reason in reinstatement.reasons)
        raise InvalidField(
            "Reinstatement",
            "possible",
            f"reinstatement on {day} is not possible ({why}); apply a possible one only",
        )
    state._check_day(day, "apply_reinstatement(reinstatement.on)")
    current = _quote(state, reinstatement.rules, day)
    if current != reinstatement:
        field = next(
            name for name in _QUOTED if getattr(current, name) != getattr(reinstatement, name)
        )
        raise InvalidField(
            "Reinstatement",
            field,
            f"the quote says {getattr(reinstatement, field)} but the state gives "
            f"{getattr(current, field)} on {day}: the state is not the one quoted; quote "
            "again with quote_reinstatement on the state to reinstate",
        )
    currency = state.schedule.total.currency
    due = reinstatement.amount_due
    if payment is None:
        if due:
            raise InvalidField(
                "Reinstatement",
                "amount_due",
                f"{due} is due to reinstate on {day}; pass the payment of it",
            )
        return _make_state(
            state.schedule,
            state.paid,
            state.settled_on,
            state.credit,
            state.last_received_on,
            (*state.reinstatements, reinstatement),
        )
    amount = payment.amount
    if amount.currency != currency:
        raise CurrencyMismatch(
            currency, amount.currency, "apply a reinstatement payment to a schedule in"
        )
    if payment.received_on != day:
        raise InvalidField(
            "Payment",
            "received_on",
            f"{payment.received_on} is not {day}, the day of reinstatement; everything "
            "overdue and the fee are paid on the day of reinstatement",
        )
    if amount < due:
        raise InvalidField(
            "Payment",
            "amount",
            f"{amount} is less than {due}, the overdue amount {reinstatement.overdue_amount} "
            f"plus the reinstatement fee {reinstatement.fee}; pay at least {due}",
        )
    rest = amount - reinstatement.fee
    if rest:
        state = apply_payment(state, Payment(rest, day, payment.method))
    return _make_state(
        state.schedule,
        state.paid,
        state.settled_on,
        state.credit,
        day,
        (*state.reinstatements, reinstatement),
    )


# The fields of a quote that depend on the state, in the order a mismatch is named.
_QUOTED: Final = ("possible", "installment", "lapsed_on", "deadline", "overdue_amount", "fee")
