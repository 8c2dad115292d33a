"""Follow-up scheduling (D3): regular visits per tier, after claims and complaints, before renewal.

Regular follow-up visits (回访) keep a customer close. :func:`follow_ups` plans them
for one customer over a range of days, from :class:`FollowUpRules` that are data:

* **regular** visits every so many months by tier (by default VIP every 3 months,
  key every 6, regular every 12, at risk every month), counted from the customer's
  first purchase (``customer_since``): the ``n``-th visit is ``n x months`` after
  it, with :func:`~renewal_core.periods.add_months` (clamped to the month's end), so
  the visits never drift;
* **after a claim** (``after_claim_days`` after its day, 3 by default) and **after
  a complaint** (``after_complaint_days``, 1 by default);
* **before renewal**: ``before_renewal_days`` (30 by default) before each renewal
  due day given.

When the rules have a :class:`~renewal_core.workflows.engine.WorkingCalendar`, a
follow-up on a day off moves to the next working day, except a before-renewal one,
which moves to the working day before so it stays ahead of the renewal.

Each :class:`FollowUp` has a day, a :class:`FollowUpKind`, the
:class:`~renewal_core.model.Channel` to use (the first of the customer's preferred
channels that the rules allow, else the rules' first channel), and a contact window
as aware instants in the customer's time zone (10:00 to 12:00 local time by
default).

**Merging.** Follow-ups close together are merged, so a customer is not contacted
twice in a few days. Taken in order of day (the most urgent kind first on a day), a
follow-up is merged into the last one kept when it falls at most ``merge_days`` (7
by default) after it *and* what triggered it (a claim's or a complaint's day; a
regular or before-renewal follow-up has no trigger) is not after the kept one's day,
so the visit it joins still comes after the claim or complaint. The kept follow-up
keeps its day, takes the more urgent kind (complaint, then claim, then renewal,
then regular) and lists the reasons of both. A merged follow-up thus never comes
later than any of those it replaces, and never before what triggered them.

>>> import pendulum
>>> from renewal_core.customers.tiers import CustomerProfile, Tier
>>> from renewal_core.model import Channel
>>> from renewal_core.money import Money
>>> profile = CustomerProfile(
...     "C-1001",
...     purchases=7,
...     annual_premium=Money("12000.00", "CNY"),
...     customer_since=pendulum.date(2019, 5, 10),
...     last_purchase=pendulum.date(2025, 1, 20),
...     time_zone="Asia/Shanghai",
...     preferred_channels=[Channel.SMS, Channel.AGENT],
... )
>>> plan = follow_ups(
...     profile,
...     Tier.VIP,
...     from_day=pendulum.date(2025, 4, 1),
...     until_day=pendulum.date(2025, 12, 31),
...     events=[CustomerEvent(EventKind.COMPLAINT, pendulum.date(2025, 8, 6))],
...     renewal_due=pendulum.date(2026, 1, 20),
... )
>>> for visit in plan:
...     print(visit.day, visit.kind.value, visit.channel.value, visit.starts_at.isoformat())
2025-05-10 regular sms 2025-05-10T10:00:00+08:00
2025-08-07 after_complaint sms 2025-08-07T10:00:00+08:00
2025-11-10 regular sms 2025-11-10T10:00:00+08:00
2025-12-21 before_renewal sms 2025-12-21T10:00:00+08:00
>>> [reason.code for reason in plan[1].reasons]
['follow_up.after_complaint', 'follow_up.regular']
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _as_tuple,
    _count,
    _day,
    _fail,
    _items,
    _member_of,
    _read_only,
    _type_name,
    _wrong_type,
)
from renewal_core.customers.tiers import CustomerProfile, Tier
from renewal_core.errors import InvalidField
from renewal_core.model import Channel
from renewal_core.periods import _to_date, add_months, time_zone
from renewal_core.reasons import Reason, Severity, _reason
from renewal_core.workflows.engine import WorkingCalendar

__all__ = [
    "DEFAULT_FOLLOW_UP_RULES",
    "CustomerEvent",
    "EventKind",
    "FollowUp",
    "FollowUpKind",
    "FollowUpRules",
    "follow_ups",
]

_RULE: Final = "follow_ups"


@enum.unique
class FollowUpKind(ShortReprEnum):
    """Why a follow-up is planned, from the least to the most urgent.

    Attributes:
        REGULAR: a regular visit of the customer's tier.
        BEFORE_RENEWAL: ahead of a renewal due day.
        AFTER_CLAIM: after a claim.
        AFTER_COMPLAINT: after a complaint.

    >>> FollowUpKind.AFTER_COMPLAINT.urgency > FollowUpKind.REGULAR.urgency
    True
    """

    REGULAR = "regular"
    BEFORE_RENEWAL = "before_renewal"
    AFTER_CLAIM = "after_claim"
    AFTER_COMPLAINT = "after_complaint"

    @property
    def urgency(self) -> int:
        """0 for ``REGULAR``, 1 ``BEFORE_RENEWAL``, 2 ``AFTER_CLAIM``, 3 ``AFTER_COMPLAINT``."""
        return _URGENCY[self]


_URGENCY: Final = {
    FollowUpKind.REGULAR: 0,
    FollowUpKind.BEFORE_RENEWAL: 1,
    FollowUpKind.AFTER_CLAIM: 2,
    FollowUpKind.AFTER_COMPLAINT: 3,
}


@enum.unique
class EventKind(ShortReprEnum):
    """An event in a customer's history that calls for a follow-up.

    Attributes:
        CLAIM: the customer made a claim.
        COMPLAINT: the customer complained.
    """

    CLAIM = "claim"
    COMPLAINT = "complaint"


@attrs.frozen
class CustomerEvent:
    """A claim or a complaint on a day, to follow up.

    Args:
        kind: the :class:`EventKind`.
        day: the day it happened, in the customer's time zone (a datetime is
            refused).

    >>> import pendulum
    >>> CustomerEvent(EventKind.CLAIM, pendulum.date(2025, 3, 2))
    CustomerEvent(kind=EventKind.CLAIM, day=Date(2025, 3, 2))
    """

    kind: EventKind = attrs.field(validator=_member_of(EventKind))
    day: pendulum.Date = attrs.field(converter=_as_day, validator=_day)


# --------------------------------------------------------------------------- rules


def _every_months(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(
            instance,
            attribute.name,
            f"must be a mapping of Tier to months, not {_type_name(value)}",
        )
    for key in value:
        if not isinstance(key, Tier):
            _fail(instance, attribute.name, f"keys must be Tier members, not {_type_name(key)}")
    missing = [tier.name for tier in Tier if tier not in value]
    if missing:
        _fail(
            instance,
            attribute.name,
            f"has no entry for {', '.join(missing)}; give every tier its months, or None for "
            "no regular visits",
        )
    for tier, months in value.items():
        if months is None:
            continue
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
            _fail(
                instance,
                f"{attribute.name}[{tier!r}]",
                f"must be None or an int of months from 1 to 120, not {months!r}",
            )


def _local_time(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.time):
        _fail(instance, attribute.name, f"must be a datetime.time, not {_type_name(value)}")
    if value.tzinfo is not None:
        _fail(
            instance,
            attribute.name,
            "must be a local wall time without a time zone (the customer's zone applies)",
        )


def _calendar(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, WorkingCalendar):
        _fail(
            instance, attribute.name, f"must be a WorkingCalendar or None, not {_type_name(value)}"
        )


def _channels(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _items(Channel, lambda channel: channel, "channel")(instance, attribute, value)
    if not value:
        _fail(instance, attribute.name, "must hold at least one channel")


_DEFAULT_MONTHS: Final = MappingProxyType(
    {Tier.VIP: 3, Tier.KEY: 6, Tier.REGULAR: 12, Tier.AT_RISK: 1}
)
_DEFAULT_CHANNELS: Final = (
    Channel.PHONE,
    Channel.AGENT,
    Channel.MOBILE_APP,
    Channel.SMS,
    Channel.EMAIL,
)


@attrs.frozen
class FollowUpRules:
    """When and how customers are followed up.

    Args:
        every_months: the months between regular visits, by
            :class:`~renewal_core.customers.tiers.Tier` (every tier; ``None`` for no
            regular visits); by default VIP 3, KEY 6, REGULAR 12, AT_RISK 1.
        after_claim_days: days from a claim to its follow-up (3 by default).
        after_complaint_days: days from a complaint to its follow-up (1 by default).
        before_renewal_days: days from the follow-up to the renewal due day (30 by
            default).
        merge_days: follow-ups at most this many days apart may be merged (7 by
            default; 0 merges follow-ups on the same day only).
        contact_from: the start of the contact window, a local wall time (10:00 by
            default).
        contact_until: its end, after ``contact_from`` (12:00 by default).
        channels: the channels a follow-up may use, in the insurer's order of
            preference (its first is used when none of the customer's preferred
            channels is allowed): by default phone, agent, mobile app, SMS, e-mail.
        calendar: a :class:`~renewal_core.workflows.engine.WorkingCalendar` whose
            days off are avoided, or ``None`` (every day is a contact day; the
            default).

    Raises:
        InvalidField: a field has the wrong type or value, or the window ends before
            it starts.

    >>> FollowUpRules().every_months[Tier.VIP]
    3
    """

    every_months: Mapping[Tier, int | None] = attrs.field(
        default=_DEFAULT_MONTHS, converter=_read_only, validator=_every_months
    )
    after_claim_days: int = attrs.field(default=3, kw_only=True, validator=_count)
    after_complaint_days: int = attrs.field(default=1, kw_only=True, validator=_count)
    before_renewal_days: int = attrs.field(default=30, kw_only=True, validator=_count)
    merge_days: int = attrs.field(default=7, kw_only=True, validator=_count)
    contact_from: dt.time = attrs.field(default=dt.time(10), kw_only=True, validator=_local_time)
    contact_until: dt.time = attrs.field(default=dt.time(12), kw_only=True, validator=_local_time)
    channels: tuple[Channel, ...] = attrs.field(
        default=_DEFAULT_CHANNELS, kw_only=True, converter=_as_tuple, validator=_channels
    )
    calendar: WorkingCalendar | None = attrs.field(default=None, kw_only=True, validator=_calendar)

    def __attrs_post_init__(self) -> None:
        if self.contact_until <= self.contact_from:
            _fail(
                self,
                "contact_until",
                f"must be after contact_from {self.contact_from}, not {self.contact_until}",
            )


DEFAULT_FOLLOW_UP_RULES: Final = FollowUpRules()
"""Default follow-up rules.

Visits every 3, 6, 12 and 1 months for VIP, key, regular and at-risk customers; 3
days after a claim, 1 day after a complaint, 30 days before a renewal; merged within
7 days; 10:00 to 12:00 local time; every day a contact day.
"""


# --------------------------------------------------------------------------- follow-ups


@attrs.frozen
class FollowUp:
    """A planned follow-up of a customer.

    Attributes:
        customer_id: the customer's id.
        day: the day, in the customer's time zone.
        kind: the most urgent :class:`FollowUpKind` among the merged follow-ups.
        channel: the :class:`~renewal_core.model.Channel` to use.
        preferred: whether ``channel`` is one of the customer's preferred channels
            (``False`` when the rules' first channel stands in).
        starts_at: the start of the contact window, an aware instant in the
            customer's zone.
        ends_at: its end. Both are the window's wall times on ``day``; a wall time
            that a clock change skips moves forward by the change (pendulum's rule),
            and a repeated one is its later occurrence. Should the end then not be
            after the start, it is the start plus the window's length.
        reasons: a :class:`~renewal_core.reasons.Reason` per follow-up merged into
            this one, in the order merged (by day, the most urgent first): code
            ``follow_up.<kind>`` (such as ``follow_up.after_claim``), ``INFO``,
            rule ``"follow_ups"``, details ``planned`` (the day before any move to
            a working day) and, as it applies, ``trigger`` (the claim's or
            complaint's day), ``due`` (the renewal due day), ``visit`` (the regular
            visit's number) and ``every_months``.
    """

    customer_id: str
    day: pendulum.Date
    kind: FollowUpKind
    channel: Channel
    preferred: bool
    starts_at: pendulum.DateTime
    ends_at: pendulum.DateTime
    reasons: tuple[Reason, ...]


@attrs.frozen
class _Candidate:
    day: pendulum.Date
    kind: FollowUpKind
    trigger: pendulum.Date | None
    reason: Reason


def _next_working(calendar: WorkingCalendar | None, day: pendulum.Date) -> pendulum.Date:
    if calendar is not None:
        while not calendar.is_working_day(day):
            day = day.add(days=1)
    return day


def _previous_working(calendar: WorkingCalendar | None, day: pendulum.Date) -> pendulum.Date:
    if calendar is not None:
        while not calendar.is_working_day(day):
            day = day.subtract(days=1)
    return day


def _days_of(value: object, parameter: str) -> list[pendulum.Date]:
    if value is None:
        return []
    if isinstance(value, dt.date):
        return [_to_date(value, parameter)]
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        _wrong_type(value, parameter, "a date, an iterable of dates or None")
    return [_to_date(day, f"{parameter}[{index}]") for index, day in enumerate(value)]


def follow_ups(
    profile: CustomerProfile,
    tier: Tier,
    rules: FollowUpRules = DEFAULT_FOLLOW_UP_RULES,
    *,
    from_day: dt.date,
    until_day: dt.date,
    events: Iterable[CustomerEvent] = (),
    renewal_due: dt.date | Iterable[dt.date] | None = None,
) -> tuple[FollowUp, ...]:
    """Plan the follow-ups of a customer from ``from_day`` to ``until_day``, sorted by day.

    Every follow-up whose day (after any move to a working day) falls in the range,
    both ends included, is planned; merging (see the module's text) happens among
    them. Days are the customer's local days.

    Args:
        profile: the :class:`~renewal_core.customers.tiers.CustomerProfile`: its
            id, first purchase, time zone and preferred channels.
        tier: the customer's :class:`~renewal_core.customers.tiers.Tier`, as
            :func:`~renewal_core.customers.tiers.screen` found it.
        rules: the :class:`FollowUpRules` (:data:`DEFAULT_FOLLOW_UP_RULES` by
            default).
        from_day: the first day of the range.
        until_day: the last day, not before ``from_day``.
        events: the customer's claims and complaints, as :class:`CustomerEvent`
            values, in any order.
        renewal_due: the renewal due day (a policy's expiry), several of them, or
            ``None``.

    Returns:
        The :class:`FollowUp` values, by day.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        DateTypeError: a day is not a date (a datetime is refused).
        InvalidField: ``until_day`` is before ``from_day``.

    A key customer (every 6 months since 2020-01-15) with a claim on Saturday
    2025-03-08, planned on working days: the claim's follow-up, 3 days later, is on
    Tuesday 11 March; the visit of 15 July 2025 is a Tuesday.

    >>> import pendulum
    >>> from renewal_core.customers.tiers import CustomerProfile, Tier
    >>> from renewal_core.money import Money
    >>> from renewal_core.workflows.engine import WorkingCalendar
    >>> profile = CustomerProfile(
    ...     "C-3003", 3, Money("6000.00", "CNY"), pendulum.date(2020, 1, 15),
    ...     pendulum.date(2025, 1, 15), time_zone="Europe/Berlin",
    ... )
    >>> rules = FollowUpRules(calendar=WorkingCalendar("Europe/Berlin"))
    >>> plan = follow_ups(
    ...     profile, Tier.KEY, rules,
    ...     from_day=pendulum.date(2025, 3, 1), until_day=pendulum.date(2025, 8, 31),
    ...     events=[CustomerEvent(EventKind.CLAIM, pendulum.date(2025, 3, 8))],
    ... )
    >>> [(str(v.day), v.kind.value, v.channel.value, v.preferred) for v in plan]
    [('2025-03-11', 'after_claim', 'phone', False), ('2025-07-15', 'regular', 'phone', False)]
    >>> plan[0].starts_at.isoformat(), plan[0].ends_at.isoformat()
    ('2025-03-11T10:00:00+01:00', '2025-03-11T12:00:00+01:00')
    """
    if not isinstance(profile, CustomerProfile):
        _wrong_type(profile, "follow_ups(profile)", "a CustomerProfile")
    if not isinstance(tier, Tier):
        _wrong_type(tier, "follow_ups(tier)", "a Tier")
    if not isinstance(rules, FollowUpRules):
        _wrong_type(rules, "follow_ups(rules)", "a FollowUpRules")
    first = _to_date(from_day, "follow_ups(from_day)")
    last = _to_date(until_day, "follow_ups(until_day)")
    if last < first:
        raise InvalidField(
            "follow_ups", "until_day", f"{last} is before from_day {first}; swap them"
        )
    if isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable):
        _wrong_type(events, "follow_ups(events)", "an iterable of CustomerEvent")
    dues = _days_of(renewal_due, "follow_ups(renewal_due)")
    candidates = [
        *_regular(profile, tier, rules, first, last),
        *_after_events(events, rules, first, last),
        *_before_renewals(dues, rules, first, last),
    ]
    candidates.sort(key=_order)
    return _merged(profile, rules, candidates)


def _order(candidate: _Candidate) -> tuple[pendulum.Date, int, pendulum.Date, pendulum.Date]:
    planned = candidate.reason.details["planned"]
    assert isinstance(planned, pendulum.Date)  # noqa: S101 - set by the candidates below
    trigger = candidate.trigger or planned
    return (candidate.day, -candidate.kind.urgency, trigger, planned)


def _regular(
    profile: CustomerProfile,
    tier: Tier,
    rules: FollowUpRules,
    start: pendulum.Date,
    end: pendulum.Date,
) -> list[_Candidate]:
    months = rules.every_months[tier]
    if months is None:
        return []
    since = profile.customer_since
    # A visit moved forward to a working day lands on or after ``start`` exactly when
    # it was planned after the last working day before ``start``. Begin with a visit
    # planned before that day, from the whole months between the first purchase and
    # it; stop at the first visit planned after ``end``.
    earliest = _previous_working(rules.calendar, start.subtract(days=1))
    elapsed = (earliest.year - since.year) * 12 + earliest.month - since.month
    visit = max(1, elapsed // months - 1)
    found: list[_Candidate] = []
    while True:
        planned = add_months(since, visit * months)
        if planned > end:
            return found
        day = _next_working(rules.calendar, planned)
        if start <= day <= end:
            found.append(
                _Candidate(
                    day,
                    FollowUpKind.REGULAR,
                    None,
                    _reason(
                        "follow_up.regular",
                        Severity.INFO,
                        _RULE,
                        f"regular visit {visit} of a {tier.name} customer, every {months} "
                        f"month(s) since {since}",
                        {"planned": planned, "visit": visit, "every_months": months},
                    ),
                )
            )
        visit += 1


def _after_events(
    events: Iterable[CustomerEvent],
    rules: FollowUpRules,
    start: pendulum.Date,
    end: pendulum.Date,
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for index, event in enumerate(events):
        if not isinstance(event, CustomerEvent):
            _wrong_type(event, f"follow_ups(events[{index}])", "a CustomerEvent")
        if event.kind is EventKind.CLAIM:
            kind, delay, what = FollowUpKind.AFTER_CLAIM, rules.after_claim_days, "claim"
        else:
            kind, delay, what = (
                FollowUpKind.AFTER_COMPLAINT,
                rules.after_complaint_days,
                "complaint",
            )
        planned = event.day.add(days=delay)
        day = _next_working(rules.calendar, planned)
        if not start <= day <= end:
            continue
        found.append(
            _Candidate(
                day,
                kind,
                event.day,
                _reason(
                    f"follow_up.{kind.value}",
                    Severity.INFO,
                    _RULE,
                    f"follow-up {delay} day(s) after the {what} of {event.day}",
                    {"planned": planned, "trigger": event.day},
                ),
            )
        )
    return found


def _before_renewals(
    dues: list[pendulum.Date],
    rules: FollowUpRules,
    start: pendulum.Date,
    end: pendulum.Date,
) -> list[_Candidate]:
    found: list[_Candidate] = []
    lead = rules.before_renewal_days
    for due in dues:
        planned = due.subtract(days=lead)
        day = _previous_working(rules.calendar, planned)
        if not start <= day <= end:
            continue
        found.append(
            _Candidate(
                day,
                FollowUpKind.BEFORE_RENEWAL,
                None,
                _reason(
                    "follow_up.before_renewal",
                    Severity.INFO,
                    _RULE,
                    f"follow-up {lead} day(s) before the renewal due on {due}",
                    {"planned": planned, "due": due},
                ),
            )
        )
    return found


def _merged(
    profile: CustomerProfile, rules: FollowUpRules, candidates: list[_Candidate]
) -> tuple[FollowUp, ...]:
    groups: list[tuple[pendulum.Date, FollowUpKind, list[Reason]]] = []
    for candidate in candidates:
        if groups:
            day, kind, reasons = groups[-1]
            if (candidate.day - day).days <= rules.merge_days and (
                candidate.trigger is None or candidate.trigger <= day
            ):
                stronger = kind if kind.urgency >= candidate.kind.urgency else candidate.kind
                reasons.append(candidate.reason)
                groups[-1] = (day, stronger, reasons)
                continue
        groups.append((candidate.day, candidate.kind, [candidate.reason]))
    channel, preferred = _channel(profile, rules)
    zone = time_zone(profile.time_zone)
    return tuple(
        FollowUp(
            profile.customer_id,
            day,
            kind,
            channel,
            preferred,
            *_window(day, rules, zone),
            tuple(reasons),
        )
        for day, kind, reasons in groups
    )


def _channel(profile: CustomerProfile, rules: FollowUpRules) -> tuple[Channel, bool]:
    for channel in profile.preferred_channels:
        if channel in rules.channels:
            return channel, True
    return rules.channels[0], False


def _window(
    day: pendulum.Date, rules: FollowUpRules, zone: pendulum.Timezone
) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    start, end = rules.contact_from, rules.contact_until
    starts_at = pendulum.datetime(
        day.year, day.month, day.day, start.hour, start.minute, start.second, tz=zone
    )
    ends_at = pendulum.datetime(
        day.year, day.month, day.day, end.hour, end.minute, end.second, tz=zone
    )
    if ends_at <= starts_at:
        length = dt.datetime.combine(day, end) - dt.datetime.combine(day, start)
        ends_at = starts_at + length
    return starts_at, ends_at
