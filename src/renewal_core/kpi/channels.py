"""Channel efficiency (D3, D5): the reminder funnel, its cost, and the time to renew.

A channel's renewal reminders narrow into contacts (the reminder reached the
customer and got an answer) and renewals (the contact ended in a renewal). From
:class:`~renewal_core.kpi.records.ReminderRecord` figures:

* :func:`contact_rate`: contacts ÷ reminders sent.
* :func:`contact_conversion`: renewals ÷ contacts.
* :func:`reminder_conversion`: renewals ÷ reminders sent (the whole funnel).
* :func:`cost_per_renewal`: cost ÷ renewals, in money.
* :func:`channel_efficiency`: all four per channel, from one pass.

And from :class:`~renewal_core.kpi.records.DueRecord`:
:func:`days_to_renewal`, the average number of days from the first reminder to the
renewal. ``period`` selects reminders by ``sent_on`` (due records by ``due_on``).

>>> import pendulum
>>> from renewal_core.kpi.records import ReminderRecord
>>> from renewal_core.model import Channel
>>> from renewal_core.money import Money
>>> day = pendulum.date(2025, 3, 3)
>>> sent = [
...     ReminderRecord(Channel.SMS, day, Money("50.00", "CNY"), reminders=1000,
...                    contacts=200, renewals=40),
...     ReminderRecord(Channel.PHONE, day, Money("1800.00", "CNY"), reminders=300,
...                    contacts=150, renewals=60),
...     ReminderRecord(Channel.PHONE, day, Money("1200.00", "CNY"), reminders=200,
...                    contacts=50, renewals=15),
... ]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

import attrs

from renewal_core._fields import _instance_of, _member_of
from renewal_core.kpi._tally import (
    ZERO,
    Measure,
    Select,
    add_exact,
    check_filters,
    check_period,
    check_records,
    matcher,
    register,
    same_currency,
)
from renewal_core.kpi.dimensions import ATTRIBUTES, DIMENSIONS
from renewal_core.kpi.indicator import Indicator, Period, Unit, rate, ratio_value
from renewal_core.kpi.records import DueRecord, ReminderRecord
from renewal_core.kpi.renewals import _DueMeasure, _eligible
from renewal_core.model import Channel

__all__ = [
    "ChannelEfficiency",
    "channel_efficiency",
    "contact_conversion",
    "contact_rate",
    "cost_per_renewal",
    "days_to_renewal",
    "reminder_conversion",
]


class _Funnel:
    __slots__ = ("contacts", "cost", "currency", "reminders", "renewals")

    def __init__(self) -> None:
        self.currency: str | None = None
        self.reminders = 0
        self.contacts = 0
        self.renewals = 0
        self.cost = ZERO


class _FunnelMeasure(Measure[_Funnel]):
    """The reminder funnel summed; each indicator finishes it its own way."""

    __slots__ = ()

    dimensions: ClassVar = ATTRIBUTES

    def __init__(self, name: str) -> None:
        super().__init__(name, ReminderRecord)

    def start(self) -> _Funnel:
        return _Funnel()

    def add(self, state: _Funnel, record: Any) -> None:
        cost = record.cost
        state.currency = same_currency(state.currency, cost.currency, self.name)
        state.reminders += record.reminders
        state.contacts += record.contacts
        state.renewals += record.renewals
        state.cost = add_exact(state.cost, cost.amount)

    def combine(self, into: _Funnel, other: _Funnel) -> None:
        into.currency = same_currency(into.currency, other.currency, self.name)
        into.reminders += other.reminders
        into.contacts += other.contacts
        into.renewals += other.renewals
        into.cost = add_exact(into.cost, other.cost)

    def selector(self, period: Period) -> Select:
        start, end = period.start, period.end

        def selects(record: Any) -> bool:
            return bool(start <= record.sent_on <= end)

        return selects

    def finish(
        self, state: _Funnel, period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        if self.name == "contact_rate":
            return rate(self.name, state.contacts, state.reminders, period=period, filters=filters)
        if self.name == "contact_conversion":
            return rate(self.name, state.renewals, state.contacts, period=period, filters=filters)
        if self.name == "reminder_conversion":
            return rate(self.name, state.renewals, state.reminders, period=period, filters=filters)
        return Indicator(
            self.name,
            ratio_value(state.cost, state.renewals, scale=1) if state.renewals else None,
            state.cost,
            state.renewals,
            unit=Unit.MONEY,
            period=period,
            filters=filters,
            currency=state.currency,
        )


_CONTACT_RATE: Final = _FunnelMeasure("contact_rate")
_CONTACT_CONVERSION: Final = _FunnelMeasure("contact_conversion")
_REMINDER_CONVERSION: Final = _FunnelMeasure("reminder_conversion")
_COST: Final = _FunnelMeasure("cost_per_renewal")


class _DaysMeasure(_DueMeasure):
    """Renewals with a first reminder, and the days between the two, summed."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__("days_to_renewal", DueRecord, _eligible)

    def start(self) -> list[int]:
        return [0, 0]

    def add(self, state: list[int], record: Any) -> None:
        renewed, reminded = record.renewed_on, record.first_reminder_on
        if renewed is not None and reminded is not None:
            state[0] += 1
            state[1] += renewed.toordinal() - reminded.toordinal()

    def combine(self, into: list[int], other: list[int]) -> None:
        into[0] += other[0]
        into[1] += other[1]

    def finish(
        self, state: list[int], period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        renewals, days = state
        return Indicator(
            self.name,
            ratio_value(days, renewals, scale=1) if renewals else None,
            days,
            renewals,
            unit=Unit.DAYS,
            period=period,
            filters=filters,
        )


_DAYS: Final = _DaysMeasure()


def contact_rate(
    records: Iterable[ReminderRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The contact rate: contacts ÷ reminders sent, in percent, with a Wilson interval.

    Args:
        records: the reminders, as :class:`~renewal_core.kpi.records.ReminderRecord`.
        period: selects by ``sent_on``; ``None`` takes all.
        filters: selects by dimension name, such as ``{"channel": Channel.SMS}``.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``ReminderRecord``.
        InvalidField: a filter names no built-in dimension, or names
            ``expiry_month`` (reminders have no due day), or has a value the dimension
            never takes.

    400 contacts from 1500 reminders:

    >>> contact_rate(sent).value
    Decimal('26.6667')
    """
    return _CONTACT_RATE.total(records, period, filters)


def contact_conversion(
    records: Iterable[ReminderRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """Renewals ÷ contacts: how many contacts end in a renewal, in percent (Wilson).

    Args:
        records: the reminders, as :class:`~renewal_core.kpi.records.ReminderRecord`.
        period: selects by ``sent_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``ReminderRecord``.
        InvalidField: a filter names no built-in dimension, or names
            ``expiry_month`` (reminders have no due day), or has a value the dimension
            never takes.

    75 renewals from 200 phone contacts:

    >>> contact_conversion(sent, filters={"channel": Channel.PHONE}).value
    Decimal('37.5000')
    """
    return _CONTACT_CONVERSION.total(records, period, filters)


def reminder_conversion(
    records: Iterable[ReminderRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """Renewals ÷ reminders sent: the whole funnel, in percent (Wilson).

    Args:
        records: the reminders, as :class:`~renewal_core.kpi.records.ReminderRecord`.
        period: selects by ``sent_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``ReminderRecord``.
        InvalidField: a filter names no built-in dimension, or names
            ``expiry_month`` (reminders have no due day), or has a value the dimension
            never takes.

    115 renewals from 1500 reminders:

    >>> reminder_conversion(sent).value
    Decimal('7.6667')
    """
    return _REMINDER_CONVERSION.total(records, period, filters)


def cost_per_renewal(
    records: Iterable[ReminderRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The cost per renewal: total cost ÷ renewals, in money rounded to 4 places.

    The ``numerator`` is the exact total ``cost``, the ``denominator`` the number
    of renewals; no data without a renewal (the cost is then still in the
    ``numerator``).

    Args:
        records: the reminders, as :class:`~renewal_core.kpi.records.ReminderRecord`.
        period: selects by ``sent_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``ReminderRecord``.
        InvalidField: a filter names no built-in dimension, or names
            ``expiry_month`` (reminders have no due day), or has a value the dimension
            never takes.
        CurrencyMismatch: the costs are not all in one currency.

    3000.00 for 75 phone renewals:

    >>> cost = cost_per_renewal(sent, filters={"channel": Channel.PHONE})
    >>> cost.value, cost.numerator, cost.denominator, cost.currency
    (Decimal('40.0000'), Decimal('3000.00'), 75, 'CNY')
    """
    return _COST.total(records, period, filters)


def days_to_renewal(
    records: Iterable[DueRecord],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The average number of days from the first reminder to the renewal.

    Over the eligible policies due in ``period`` that were renewed and had a first
    reminder (``first_reminder_on``): the ``numerator`` is the total of the days
    from that reminder to ``renewed_on``, the ``denominator`` the number of those
    policies; the value is their quotient rounded to 4 places, in
    :attr:`~renewal_core.kpi.indicator.Unit.DAYS`. No data without such a policy.

    Args:
        records: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`.
        period: selects by ``due_on``; ``None`` takes all.
        filters: selects by dimension name.

    Raises:
        ArgumentTypeError: ``records`` is not an iterable of ``DueRecord``.
        InvalidField: a filter names no built-in dimension, or has a value the
            dimension never takes (an ``expiry_month`` that is not a calendar month).

    Renewed 10 and 21 days after the first reminder:

    >>> from renewal_core.kpi.records import DueRecord
    >>> from renewal_core.model import LineOfBusiness
    >>> def renewed(reminded, renewed):
    ...     return DueRecord(
    ...         "P-1", pendulum.date(2025, 3, 31), Money("900.00", "CNY"), Channel.SMS,
    ...         LineOfBusiness.AUTO, renewed_on=renewed, renewal_premium=Money("900.00", "CNY"),
    ...         first_reminder_on=reminded,
    ...     )
    >>> days = days_to_renewal([
    ...     renewed(pendulum.date(2025, 3, 1), pendulum.date(2025, 3, 11)),
    ...     renewed(pendulum.date(2025, 3, 1), pendulum.date(2025, 3, 22)),
    ... ])
    >>> days.value, days.numerator, days.denominator
    (Decimal('15.5000'), 31, 2)
    """
    return _DAYS.total(records, period, filters)


@attrs.frozen
class ChannelEfficiency:
    """The reminder funnel of one channel, its cost and the days to renew.

    Attributes:
        channel: the channel.
        contact_rate: contacts ÷ reminders (:func:`contact_rate`).
        contact_conversion: renewals ÷ contacts (:func:`contact_conversion`).
        reminder_conversion: renewals ÷ reminders (:func:`reminder_conversion`).
        cost_per_renewal: cost ÷ renewals (:func:`cost_per_renewal`).
        days_to_renewal: the average days from the first reminder to the
            renewal of the channel's due policies (:func:`days_to_renewal`), or
            ``None`` when no due records were given.
    """

    channel: Channel = attrs.field(validator=_member_of(Channel))
    contact_rate: Indicator = attrs.field(validator=_instance_of(Indicator))
    contact_conversion: Indicator = attrs.field(validator=_instance_of(Indicator))
    reminder_conversion: Indicator = attrs.field(validator=_instance_of(Indicator))
    cost_per_renewal: Indicator = attrs.field(validator=_instance_of(Indicator))
    days_to_renewal: Indicator | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance_of(Indicator))
    )


def channel_efficiency(
    records: Iterable[ReminderRecord],
    due: Iterable[DueRecord] | None = None,
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Mapping[Channel, ChannelEfficiency]:
    """Every channel's reminder funnel, cost per renewal and days to renew.

    One pass over ``records`` (and one over ``due``, when given) gives, for each
    channel present, the four funnel indicators and, with ``due``, the average
    days from the first reminder to the renewal of that channel's policies. Each
    indicator's ``filters`` include the channel. A channel that appears in only
    one of the two inputs still gets an entry, with no data on the other side.

    Args:
        records: the reminders, as :class:`~renewal_core.kpi.records.ReminderRecord`.
        due: the policies due, as :class:`~renewal_core.kpi.records.DueRecord`,
            for the days to renewal; ``None`` leaves ``days_to_renewal`` out.
        period: selects reminders by ``sent_on`` and due policies by ``due_on``.
        filters: selects by dimension name (both inputs).

    Returns:
        A read-only mapping of channel to :class:`ChannelEfficiency`, in the order
        of :class:`~renewal_core.model.Channel`.

    Raises:
        ArgumentTypeError: an input is not an iterable of its records.
        InvalidField: a filter names no built-in dimension, or names
            ``expiry_month`` (reminders have no due day), or has a value the dimension
            never takes.
        CurrencyMismatch: the costs are not all in one currency.

    >>> efficiency = channel_efficiency(sent)
    >>> [channel.value for channel in efficiency]
    ['phone', 'sms']
    >>> phone = efficiency[Channel.PHONE]
    >>> phone.contact_rate.value, phone.contact_conversion.value, phone.cost_per_renewal.value
    (Decimal('40.0000'), Decimal('37.5000'), Decimal('40.0000'))
    >>> efficiency[Channel.SMS].cost_per_renewal.value
    Decimal('1.2500')
    """
    parameter = "channel_efficiency"
    check_records(records, f"{parameter}(records)")
    if due is not None:
        check_records(due, f"{parameter}(due)")
    check_period(period, f"{parameter}(period)")
    chosen = check_filters(filters, f"{parameter}(filters)", _COST)
    match = matcher(chosen, f"{parameter}(filters)")
    funnels = _COST.tally(records, DIMENSIONS["channel"].key, period, match)
    _COST.merged(funnels.values())  # refuses mixed currencies across channels
    days = {} if due is None else _DAYS.tally(due, DIMENSIONS["channel"].key, period, match)
    result: dict[Channel, ChannelEfficiency] = {}
    for channel in Channel:
        if channel not in funnels and channel not in days:
            continue
        funnel = funnels.get(channel) or _COST.start()
        scope = {**chosen, "channel": channel}
        result[channel] = ChannelEfficiency(
            channel,
            _CONTACT_RATE.finish(funnel, period, scope),
            _CONTACT_CONVERSION.finish(funnel, period, scope),
            _REMINDER_CONVERSION.finish(funnel, period, scope),
            _COST.finish(funnel, period, scope),
            None
            if due is None
            else _DAYS.finish(days.get(channel) or _DAYS.start(), period, scope),
        )
    return MappingProxyType(result)


register(contact_rate, lambda: _CONTACT_RATE)
register(contact_conversion, lambda: _CONTACT_CONVERSION)
register(reminder_conversion, lambda: _REMINDER_CONVERSION)
register(cost_per_renewal, lambda: _COST)
register(days_to_renewal, lambda: _DAYS)
