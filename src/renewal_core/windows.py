"""Renewal windows (D2.1): when a renewal may be applied for, reminders, grace and lapse.

The customer applies for renewal within a set window before the current term
expires; reminders go out before (and, if the product says so, during) that window;
after expiry a grace period may follow, and then the policy lapses. Everything here
is counted in whole calendar days in the policy's zone, from the policy's
**current** term (``policy.term``), never from its inception.

The definitions, for a term whose last covered day is ``term.end``:

* The **expiry day** is ``term.end``, the term's last covered day: cover ends at
  24:00 on it. "*N* days before expiry" is the day ``term.end - N days``.
* This is plain calendar arithmetic on days, so leap days and month ends need no
  rule: 60 days before 2025-02-28 is 2024-12-30, and 60 days before 2024-02-29 is
  2023-12-31, with 29 February counted like any other day. (Month arithmetic, which
  does need a rule, is only used to find the term itself: see
  :mod:`renewal_core.periods`.)
* The window **opens** on ``term.end - lead_days``; applying before that is too
  early. It stays open up to and including the expiry day.
* The **grace period** runs from ``term.end + 1`` to ``term.end + grace_days``
  (there is none when ``grace_days`` is 0). A renewal applied for in it continues
  cover without a break.
* The policy **lapses** on the day after the grace period ends
  (``term.end + grace_days + 1``). What a renewal applied for from then on does is
  the rules' :class:`LateRenewal` choice.

How many days each of these is, per line of business, per product and per
jurisdiction, is configuration: a :class:`RenewalWindowPolicy` of plain numbers,
picked by a :class:`RenewalWindowConfig`. :data:`DEFAULT_WINDOW_POLICIES` gives a
starting point per line; set your own per product.

A health policy written for 2024-03-01 to 2025-02-28 (the defaults for health: the
window opens 60 days before expiry, reminders 60, 30 and 7 days before it, 30 days'
grace):

>>> from renewal_core.model import Channel, LineOfBusiness, Party, PartyKind
>>> from renewal_core.model import Policy, PolicyStatus
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> policy = Policy(
...     number="P-2024-0001",
...     holder=Party("C-1001", PartyKind.INDIVIDUAL, "张三"),
...     line_of_business=LineOfBusiness.HEALTH,
...     product_code="MEDICAL-MILLION",
...     term=PolicyTerm.annual(pendulum.date(2024, 3, 1), "Asia/Shanghai"),
...     status=PolicyStatus.ACTIVE,
...     premium=Money("1200.00", "CNY"),
...     sales_channel=Channel.ONLINE,
...     inception=pendulum.date(2024, 3, 1),
... )
>>> window = renewal_window(policy)
>>> window.opens_on, window.expires_on, window.grace_ends_on, window.lapses_on
(Date(2024, 12, 30), Date(2025, 2, 28), Date(2025, 3, 30), Date(2025, 3, 31))
>>> window.phase(pendulum.date(2024, 12, 29)), window.phase(pendulum.date(2024, 12, 30))
(WindowPhase.TOO_EARLY, WindowPhase.OPEN)
>>> window.phase(pendulum.date(2025, 3, 30)), window.phase(pendulum.date(2025, 3, 31))
(WindowPhase.GRACE, WindowPhase.LAPSED)

The reminders still due on a day, and the first day of the next term for an
application made on a day:

>>> [str(r.due_on) for r in reminder_dates(policy, today=pendulum.date(2024, 12, 1))]
['2024-12-30', '2025-01-29', '2025-02-21']
>>> renewal_start(policy, applied_on=pendulum.date(2025, 3, 10))
RenewalStart(starts_on=Date(2025, 3, 1), phase=WindowPhase.GRACE, uncovered_days=0)
>>> renewal_start(policy, applied_on=pendulum.date(2025, 4, 10))
RenewalStart(starts_on=Date(2025, 4, 10), phase=WindowPhase.LAPSED, uncovered_days=40)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar, cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _as_tuple,
    _day,
    _fail,
    _flag,
    _instance_of,
    _maker,
    _member_of,
    _not_a_member,
    _type_name,
    _Validator,
)
from renewal_core.errors import ArgumentTypeError, DateOutOfRange, DateTypeError, InvalidField
from renewal_core.model import LineOfBusiness, Policy
from renewal_core.periods import _to_date

__all__ = [
    "DEFAULT_WINDOW_CONFIG",
    "DEFAULT_WINDOW_POLICIES",
    "MAX_WINDOW_DAYS",
    "LateRenewal",
    "Reminder",
    "RenewalStart",
    "RenewalWindow",
    "RenewalWindowConfig",
    "RenewalWindowPolicy",
    "WindowPhase",
    "reminder_dates",
    "renewal_start",
    "renewal_window",
]

_Date = pendulum.Date
# date.fromordinal run in C for pendulum.Date (pendulum's own override is Python).
_from_ordinal: Final[Callable[[int], pendulum.Date]] = dt.date.__dict__["fromordinal"].__get__(
    None, _Date
)
_K = TypeVar("_K")
_V = TypeVar("_V")
_LAST_ORDINAL: Final = dt.date.max.toordinal()

MAX_WINDOW_DAYS: Final = 366
"""The longest lead, grace period or reminder offset allowed, in days (a leap year).

A renewal window is counted around one expiry day. A lead, grace period or reminder
of more than a year would reach across a whole annual term, back into the previous
term or past the next expiry, which is almost surely a mistake: months entered as
days, or a typing slip. Terms shorter than a year need shorter windows still.
"""


@enum.unique
class LateRenewal(ShortReprEnum):
    """What a renewal applied for after the grace period (once lapsed) does.

    Attributes:
        FROM_APPLICATION_DAY: the new term starts on the application day; the days
            between expiry and it are not covered. The default.
        FROM_NEXT_DAY: the new term starts the day after the application, so the
            application day is not covered either (as when cover may only start at
            00:00 after the contract is made).
        NOT_ALLOWED: a lapsed policy cannot be renewed; a new policy must be
            written (new underwriting, new waiting periods).

    >>> LateRenewal("not_allowed")
    LateRenewal.NOT_ALLOWED
    """

    FROM_APPLICATION_DAY = "from_application_day"
    FROM_NEXT_DAY = "from_next_day"
    NOT_ALLOWED = "not_allowed"


@enum.unique
class WindowPhase(ShortReprEnum):
    """Where a day falls relative to a policy's renewal window; members in time order.

    Attributes:
        TOO_EARLY: before the window opens.
        OPEN: from the day the window opens up to and including the expiry day.
        GRACE: in the grace period, from the day after expiry to its last day.
        LAPSED: from the day after the grace period ends (the day after expiry when
            there is no grace period).

    >>> [phase.value for phase in WindowPhase]
    ['too_early', 'open', 'grace', 'lapsed']
    """

    TOO_EARLY = "too_early"
    OPEN = "open"
    GRACE = "grace"
    LAPSED = "lapsed"


# --------------------------------------------------------------------------- checks


def _days_in_range(low: int, what: str) -> _Validator:
    """Check an ``int`` (``bool`` refused) from ``low`` to :data:`MAX_WINDOW_DAYS`."""

    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
        if not low <= value <= MAX_WINDOW_DAYS:
            _fail(
                instance,
                attribute.name,
                f"must be from {low} to {MAX_WINDOW_DAYS} {what}, not {value}",
            )

    return validate


def _sorted_offsets(value: list[int] | tuple[int, ...]) -> tuple[int, ...]:
    """Store a list or tuple of ints as a tuple, largest offset (earliest day) first.

    A converter: a value of another type, or holding anything but ``int``, is passed
    on unsorted for :func:`_check_offsets` to refuse.
    """
    given: object = _as_tuple(value)
    if isinstance(given, tuple) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in given
    ):
        return tuple(sorted(given, reverse=True))
    return cast("tuple[int, ...]", given)


def _check_offsets(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    seen: set[int] = set()
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int):
            _fail(
                instance, f"{attribute.name}[{index}]", f"must be an int, not {_type_name(item)}"
            )
        if item in seen:
            _fail(instance, attribute.name, f"repeats the offset {item}; list each offset once")
        if item > MAX_WINDOW_DAYS:
            _fail(
                instance,
                attribute.name,
                f"{item} days before expiry is more than {MAX_WINDOW_DAYS}; a reminder is "
                "sent within a year of expiry",
            )
        seen.add(item)


def _check_key(owner: object, field: str, key: object) -> None:
    """Check a product or jurisdiction code used as a key: a plain, non-empty ``str``."""
    if not isinstance(key, str):
        _fail(owner, field, f"keys must be str, not {_type_name(key)}")
    if not key or key != key.strip():
        _fail(
            owner,
            field,
            f"key {key[:40]!r} is empty or starts or ends with whitespace, so it would never "
            "match; strip it first",
        )


def _check_lines(owner: object, field: str, value: object) -> Mapping[Any, Any]:
    """Check a mapping of :class:`LineOfBusiness` to :class:`RenewalWindowPolicy`."""
    if not isinstance(value, Mapping):
        _fail(owner, field, f"must be a mapping, not {_type_name(value)}")
    for line, rules in value.items():
        reason = _not_a_member(LineOfBusiness, line)
        if reason is not None:
            _fail(owner, field, f"keys {reason}")
        if not isinstance(rules, RenewalWindowPolicy):
            _fail(
                owner,
                f"{field}[{line!r}]",
                f"must be a RenewalWindowPolicy, not {_type_name(rules)}",
            )
    return value


def _read_only(value: Mapping[_K, _V]) -> Mapping[_K, _V]:
    """Copy a mapping into a read-only one; anything else is left for the check."""
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, Mapping):
        return MappingProxyType(dict(given))
    return value


def _read_only_lines(
    value: Mapping[LineOfBusiness, RenewalWindowPolicy],
) -> Mapping[LineOfBusiness, RenewalWindowPolicy]:
    return _read_only(value)


def _read_only_products(
    value: Mapping[str, RenewalWindowPolicy],
) -> Mapping[str, RenewalWindowPolicy]:
    return _read_only(value)


def _read_only_nested(
    value: Mapping[str, Mapping[LineOfBusiness, RenewalWindowPolicy]],
) -> Mapping[str, Mapping[LineOfBusiness, RenewalWindowPolicy]]:
    """Copy a mapping of mappings into read-only ones; anything else is left for the check."""
    given: object = value
    if isinstance(given, Mapping):
        return MappingProxyType({key: _read_only(inner) for key, inner in given.items()})
    return value


def _check_defaults(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    lines = _check_lines(instance, attribute.name, value)
    missing = [line.name for line in LineOfBusiness if line not in lines]
    if missing:
        _fail(
            instance,
            attribute.name,
            f"has no rules for {', '.join(missing)}; the defaults must cover every "
            "LineOfBusiness (start from DEFAULT_WINDOW_POLICIES and change what differs)",
        )


def _check_by_product(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for code, rules in value.items():
        _check_key(instance, attribute.name, code)
        if not isinstance(rules, RenewalWindowPolicy):
            _fail(
                instance,
                f"{attribute.name}[{code!r}]",
                f"must be a RenewalWindowPolicy, not {_type_name(rules)}",
            )


def _check_by_jurisdiction(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for code, lines in value.items():
        _check_key(instance, attribute.name, code)
        _check_lines(instance, f"{attribute.name}[{code!r}]", lines)


_LINES: Final = (
    "a LineOfBusiness member (AUTO, HEALTH, LIFE or PROPERTY; convert a stored value "
    "with LineOfBusiness(value))"
)


def _argument(value: object, kind: type[Any], parameter: str, expected: str) -> None:
    if not isinstance(value, kind):
        raise ArgumentTypeError(_type_name(value), parameter, expected)


def _optional_code(value: object, parameter: str) -> None:
    if value is not None and not isinstance(value, str):
        raise ArgumentTypeError(_type_name(value), parameter, "a str or None")


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _shifted(day: dt.date, days: int, what: Callable[[], str]) -> pendulum.Date:
    """``day`` plus ``days`` calendar days (minus when negative), within years 1 to 9999.

    ``what`` names the day for the error message; it is called only on an error.
    """
    ordinal = day.toordinal() + days
    if not 1 <= ordinal <= _LAST_ORDINAL:
        raise DateOutOfRange(f"{what()} would fall outside the years 1 to 9999")
    return _from_ordinal(ordinal)


def _day_of(policy: Policy, value: object, parameter: str) -> pendulum.Date:
    """A day, or an aware datetime's day in the policy's zone."""
    if isinstance(value, dt.datetime):
        return policy.term.local_day(value)  # NaiveDateTimeError when naive
    if not isinstance(value, dt.date):
        raise DateTypeError(_type_name(value), parameter, "a date or an aware datetime")
    return _to_date(value, parameter)


# --------------------------------------------------------------------------- rules


@attrs.frozen
class RenewalWindowPolicy:
    """The renewal-window rules of a product: plain numbers of days.

    Args:
        lead_days: how many days before expiry the window opens (``0``: on the
            expiry day itself); from 0 to :data:`MAX_WINDOW_DAYS`.
        reminder_offsets: the days before expiry on which reminders are due, a list
            or tuple of distinct ``int`` values, stored as a tuple sorted from the
            largest offset to the smallest, that is in date order. An offset may be

            * larger than ``lead_days``: a reminder before the window opens, to tell
              the customer when it will;
            * ``0``: a reminder on the expiry day;
            * negative, down to ``-grace_days``: a reminder during the grace
              period, that many days after expiry. A reminder after the grace
              period would come once the policy has lapsed, so it is refused.

            At most :data:`MAX_WINDOW_DAYS`. May be empty: no reminders.
        grace_days: how many days after expiry a renewal still continues cover
            without a break; ``0`` for none. From 0 to :data:`MAX_WINDOW_DAYS`.
        late_renewal: what a renewal applied for after the grace period does, a
            :class:`LateRenewal`.

    Every number is an ``int`` (``bool`` is refused). The bound of
    :data:`MAX_WINDOW_DAYS` (366) is there because a window of more than a year
    around one expiry day would reach across a whole annual term: almost surely
    months entered as days, or a typing slip.

    Raises:
        InvalidField: a field has the wrong type or is out of range, an offset is
            repeated, or an offset falls after the grace period.

    >>> rules = RenewalWindowPolicy(60, [7, 60, -10, 30], 30)
    >>> rules
    RenewalWindowPolicy(lead_days=60, reminder_offsets=(60, 30, 7, -10), grace_days=30,
                        late_renewal=LateRenewal.FROM_APPLICATION_DAY)
    >>> RenewalWindowPolicy(60, [60, 30, -10], 0)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: RenewalWindowPolicy.reminder_offsets: -10 is 10 days \
after expiry, after the 0-day grace period, when the policy has lapsed; use offsets of at \
least 0, or a longer grace_days
    """

    lead_days: int = attrs.field(validator=_days_in_range(0, "days before expiry"))
    reminder_offsets: tuple[int, ...] = attrs.field(
        converter=_sorted_offsets, validator=_check_offsets
    )
    grace_days: int = attrs.field(validator=_days_in_range(0, "days after expiry"))
    late_renewal: LateRenewal = attrs.field(
        default=LateRenewal.FROM_APPLICATION_DAY, validator=_member_of(LateRenewal)
    )

    def __attrs_post_init__(self) -> None:
        offsets = self.reminder_offsets
        if offsets and offsets[-1] < -self.grace_days:
            latest = offsets[-1]
            _fail(
                self,
                "reminder_offsets",
                f"{latest} is {_days(-latest)} after expiry, after the {self.grace_days}-day "
                "grace period, when the policy has lapsed; use offsets of at least "
                f"{-self.grace_days}, or a longer grace_days",
            )


_STANDARD_REMINDERS: Final = (60, 30, 7)

DEFAULT_WINDOW_POLICIES: Final[Mapping[LineOfBusiness, RenewalWindowPolicy]] = MappingProxyType(
    {
        LineOfBusiness.AUTO: RenewalWindowPolicy(90, _STANDARD_REMINDERS, 0),
        LineOfBusiness.HEALTH: RenewalWindowPolicy(60, _STANDARD_REMINDERS, 30),
        LineOfBusiness.LIFE: RenewalWindowPolicy(60, _STANDARD_REMINDERS, 60),
        LineOfBusiness.PROPERTY: RenewalWindowPolicy(60, _STANDARD_REMINDERS, 0),
    }
)
"""Starting-point renewal-window rules per line of business (a read-only mapping).

These are starting points, not law or a market standard: set the rules of each
product (``RenewalWindowConfig(by_product=...)``) from its terms and conditions and
the rules of the places it is sold.

==========  =========  ===========  ==========  ====================
Line        Lead days  Reminders    Grace days  After grace
==========  =========  ===========  ==========  ====================
AUTO        90         60, 30, 7    0           from application day
HEALTH      60         60, 30, 7    30          from application day
LIFE        60         60, 30, 7    60          from application day
PROPERTY    60         60, 30, 7    0           from application day
==========  =========  ===========  ==========  ====================

Reminders are in days before expiry.

* AUTO and PROPERTY have no grace period: cover ends at 24:00 on the expiry day.
  AUTO opens earlier, so a motor renewal can be arranged well before the vehicle
  would be uninsured.
* HEALTH has 30 days' grace, a common contractual grace period for health products.
* LIFE has 60 days' grace, after art. 36 of the Insurance Law of the PRC
  (《中华人民共和国保险法》第三十六条), on personal insurance contracts whose premium
  is paid in installments: unless the contract agrees otherwise, the contract is
  suspended only when an installment is unpaid more than 60 days after its due day
  (or more than 30 days after the insurer demanded payment).

>>> DEFAULT_WINDOW_POLICIES[LineOfBusiness.LIFE].grace_days
60
>>> DEFAULT_WINDOW_POLICIES[LineOfBusiness.AUTO].reminder_offsets
(60, 30, 7)

:meta hide-value:
"""


@attrs.frozen
class RenewalWindowConfig:
    """Which :class:`RenewalWindowPolicy` applies to a policy.

    The rules are looked up, most specific first:

    1. the product's rules, ``by_product[product_code]``, wherever the policy is
       written;
    2. the jurisdiction's rules for the line,
       ``by_jurisdiction[jurisdiction][line_of_business]``;
    3. the line's default, ``defaults[line_of_business]``.

    A product or jurisdiction without entries simply falls through to the next
    step. To give one product different rules in different jurisdictions, keep one
    configuration per jurisdiction.

    Args:
        defaults: rules for every :class:`~renewal_core.model.LineOfBusiness`
            (all of them are required); :data:`DEFAULT_WINDOW_POLICIES` when not
            given.
        by_product: rules keyed by product code (a policy's ``product_code``).
        by_jurisdiction: per jurisdiction (as the host names it, such as
            ``"CN-31"``), rules keyed by line of business; a jurisdiction need not
            list every line.

    Every mapping is copied into a read-only one. Codes used as keys are non-empty
    ``str`` values without surrounding whitespace (a policy's product code never
    has any, so such a key could never match).

    Raises:
        InvalidField: a mapping, key or value has the wrong type, a key is empty
            or padded with whitespace, or ``defaults`` lacks a line of business.

    >>> config = RenewalWindowConfig(
    ...     by_product={"AUTO-COMPULSORY": RenewalWindowPolicy(30, [30, 7], 0)},
    ...     by_jurisdiction={"CN-31": {LineOfBusiness.HEALTH: RenewalWindowPolicy(45, [45], 15)}},
    ... )
    >>> config.policy_for(LineOfBusiness.AUTO, product_code="AUTO-COMPULSORY").lead_days
    30
    >>> config.policy_for(LineOfBusiness.HEALTH, jurisdiction="CN-31").grace_days
    15
    >>> config.policy_for(LineOfBusiness.HEALTH, jurisdiction="CN-44").grace_days
    30
    >>> RenewalWindowConfig({LineOfBusiness.AUTO: RenewalWindowPolicy(90, [30], 0)})
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: RenewalWindowConfig.defaults: has no rules for HEALTH, \
LIFE, PROPERTY; the defaults must cover every LineOfBusiness (start from \
DEFAULT_WINDOW_POLICIES and change what differs)
    """

    defaults: Mapping[LineOfBusiness, RenewalWindowPolicy] = attrs.field(
        default=DEFAULT_WINDOW_POLICIES,
        converter=_read_only_lines,
        validator=_check_defaults,
        hash=False,
    )
    by_product: Mapping[str, RenewalWindowPolicy] = attrs.field(
        factory=dict,
        kw_only=True,
        converter=_read_only_products,
        validator=_check_by_product,
        hash=False,
    )
    by_jurisdiction: Mapping[str, Mapping[LineOfBusiness, RenewalWindowPolicy]] = attrs.field(
        factory=dict,
        kw_only=True,
        converter=_read_only_nested,
        validator=_check_by_jurisdiction,
        hash=False,
    )

    def policy_for(
        self,
        line_of_business: LineOfBusiness,
        *,
        product_code: str | None = None,
        jurisdiction: str | None = None,
    ) -> RenewalWindowPolicy:
        """Return the rules for a line of business, product and jurisdiction.

        Args:
            line_of_business: a :class:`~renewal_core.model.LineOfBusiness`.
            product_code: the policy's product code, or ``None``.
            jurisdiction: where the policy is written, as the host names it, or
                ``None``.

        Returns:
            The product's rules if it has any; else the jurisdiction's rules for the
            line if it has any; else the line's default.

        Raises:
            ArgumentTypeError: an argument has the wrong type.
        """
        _argument(line_of_business, LineOfBusiness, "policy_for(line_of_business)", _LINES)
        _optional_code(product_code, "policy_for(product_code)")
        _optional_code(jurisdiction, "policy_for(jurisdiction)")
        return self._rules_for(line_of_business, product_code, jurisdiction)

    def _rules_for(
        self, line_of_business: LineOfBusiness, product_code: str | None, jurisdiction: str | None
    ) -> RenewalWindowPolicy:
        """:meth:`policy_for` without checking its arguments."""
        if product_code is not None and self.by_product:
            rules = self.by_product.get(product_code)
            if rules is not None:
                return rules
        if jurisdiction is not None:
            lines = self.by_jurisdiction.get(jurisdiction)
            if lines is not None and line_of_business in lines:
                return lines[line_of_business]
        return self.defaults[line_of_business]


DEFAULT_WINDOW_CONFIG: Final = RenewalWindowConfig()
"""The configuration of :data:`DEFAULT_WINDOW_POLICIES`, with no product or jurisdiction rules.

:meta hide-value:
"""


# --------------------------------------------------------------------------- window


@attrs.frozen
class RenewalWindow:
    """A policy's renewal window around the expiry of its current term.

    Build it with :func:`renewal_window`. Built directly, its days must agree with
    its rules: ``opens_on`` is ``expires_on - lead_days`` and ``grace_ends_on`` is
    ``expires_on + grace_days``, so
    ``opens_on <= expires_on <= grace_ends_on < lapses_on``.

    Attributes:
        opens_on: the first day a renewal may be applied for.
        expires_on: the expiry day, the term's last covered day (cover ends at
            24:00 on it).
        grace_ends_on: the last day of the grace period; ``expires_on`` when there
            is no grace period. Before 9999-12-31, so that :attr:`lapses_on`
            exists.
        window_policy: the :class:`RenewalWindowPolicy` the days were computed
            from.

    Raises:
        InvalidField: a field has the wrong type, or the days disagree with the
            rules.
        DateTypeError: a day is a datetime or not a date.

    >>> window = RenewalWindow(
    ...     opens_on=pendulum.date(2024, 12, 31),
    ...     expires_on=pendulum.date(2025, 12, 31),
    ...     grace_ends_on=pendulum.date(2026, 1, 30),
    ...     window_policy=RenewalWindowPolicy(365, [60, 30], 30),
    ... )
    >>> window.lapses_on, window.next_term_starts_on
    (Date(2026, 1, 31), Date(2026, 1, 1))
    >>> window.phase(pendulum.date(2026, 1, 1)), window.contains(pendulum.date(2026, 1, 1))
    (WindowPhase.GRACE, True)
    """

    opens_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    expires_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    grace_ends_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    window_policy: RenewalWindowPolicy = attrs.field(validator=_instance_of(RenewalWindowPolicy))

    def __attrs_post_init__(self) -> None:
        expiry = self.expires_on.toordinal()
        rules = self.window_policy
        if self.opens_on.toordinal() != expiry - rules.lead_days:
            _fail(
                self,
                "opens_on",
                f"{self.opens_on} is not {rules.lead_days} days (the rules' lead_days) "
                f"before expires_on {self.expires_on}",
            )
        if self.grace_ends_on.toordinal() != expiry + rules.grace_days:
            _fail(
                self,
                "grace_ends_on",
                f"{self.grace_ends_on} is not {rules.grace_days} days (the rules' grace_days) "
                f"after expires_on {self.expires_on}",
            )
        if self.grace_ends_on.toordinal() == _LAST_ORDINAL:
            _fail(
                self,
                "grace_ends_on",
                "is 9999-12-31, so the policy would lapse after the last day of the calendar",
            )

    @property
    def lapses_on(self) -> pendulum.Date:
        """The day the policy lapses, the day after the grace period ends."""
        return _from_ordinal(self.grace_ends_on.toordinal() + 1)

    @property
    def next_term_starts_on(self) -> pendulum.Date:
        """The first day of the next term when renewed in time, the day after expiry."""
        return _from_ordinal(self.expires_on.toordinal() + 1)

    def phase(self, day: dt.date) -> WindowPhase:
        """Return the :class:`WindowPhase` of ``day``.

        Args:
            day: a day in the policy's zone (not a ``datetime``: take its day with
                :meth:`PolicyTerm.local_day <renewal_core.periods.PolicyTerm.local_day>`).

        Raises:
            DateTypeError: ``day`` is not a date, or is a datetime.
        """
        ordinal = _to_date(day, "day").toordinal()
        if ordinal < self.opens_on.toordinal():
            return WindowPhase.TOO_EARLY
        if ordinal <= self.expires_on.toordinal():
            return WindowPhase.OPEN
        if ordinal <= self.grace_ends_on.toordinal():
            return WindowPhase.GRACE
        return WindowPhase.LAPSED

    def contains(self, day: dt.date) -> bool:
        """Whether a renewal may be applied for on ``day``: its phase is OPEN or GRACE.

        Raises:
            DateTypeError: ``day`` is not a date, or is a datetime.
        """
        return self.phase(day) in {WindowPhase.OPEN, WindowPhase.GRACE}

    def start_for(self, applied_on: dt.date) -> RenewalStart:
        """Return when the next term starts for a renewal applied for on ``applied_on``.

        The rule :func:`renewal_start` describes, on this window.

        Raises:
            DateTypeError: ``applied_on`` is not a date, or is a datetime.
            DateOutOfRange: the new term would start after 9999-12-31.

        >>> window = RenewalWindow(
        ...     pendulum.date(2025, 1, 30), pendulum.date(2025, 3, 31),
        ...     pendulum.date(2025, 3, 31), RenewalWindowPolicy(60, [30], 0),
        ... )
        >>> window.start_for(pendulum.date(2025, 3, 10)).starts_on
        Date(2025, 4, 1)
        >>> window.start_for(pendulum.date(2025, 4, 10))
        RenewalStart(starts_on=Date(2025, 4, 10), phase=WindowPhase.LAPSED, uncovered_days=9)
        """
        day = _to_date(applied_on, "applied_on")
        phase = self.phase(day)
        if phase is not WindowPhase.LAPSED:
            return RenewalStart(self.next_term_starts_on, phase, 0)
        late = self.window_policy.late_renewal
        gap = day.toordinal() - self.expires_on.toordinal() - 1  # expiry and `day` left out
        if late is LateRenewal.FROM_APPLICATION_DAY:
            return RenewalStart(day, phase, gap)
        if late is LateRenewal.FROM_NEXT_DAY:
            starts_on = _shifted(day, 1, lambda: f"the day after the application day {day}")
            return RenewalStart(starts_on, phase, gap + 1)
        return RenewalStart(None, phase, gap)

    def days_to_expiry(self, day: dt.date) -> int:
        """Return ``expires_on - day`` in days: 0 on the expiry day, negative after it.

        Raises:
            DateTypeError: ``day`` is not a date, or is a datetime.

        >>> window = RenewalWindow(
        ...     pendulum.date(2025, 1, 30), pendulum.date(2025, 3, 31),
        ...     pendulum.date(2025, 3, 31), RenewalWindowPolicy(60, [30], 0),
        ... )
        >>> window.days_to_expiry(pendulum.date(2025, 3, 1)), window.days_to_expiry(
        ...     pendulum.date(2025, 4, 2))
        (30, -2)
        """
        return self.expires_on.toordinal() - _to_date(day, "day").toordinal()


def _check_call(policy: object, config: object, jurisdiction: object, function: str) -> None:
    # The parameter names are formatted only on an error.
    if not isinstance(policy, Policy):
        _argument(policy, Policy, f"{function}(policy)", "a Policy")
    if not isinstance(config, RenewalWindowConfig):
        _argument(config, RenewalWindowConfig, f"{function}(config)", "a RenewalWindowConfig")
    if jurisdiction is not None and not isinstance(jurisdiction, str):
        _optional_code(jurisdiction, f"{function}(jurisdiction)")


_new_window: Final = _maker(
    RenewalWindow, "opens_on", "expires_on", "grace_ends_on", "window_policy"
)


def _window(
    policy: Policy, config: RenewalWindowConfig, jurisdiction: str | None
) -> RenewalWindow:
    rules = config._rules_for(policy.line_of_business, policy.product_code, jurisdiction)
    expires_on = policy.term.end
    end = expires_on.toordinal()
    opens, grace_ends = end - rules.lead_days, end + rules.grace_days
    if opens < 1:
        raise DateOutOfRange(
            f"the renewal window opening {rules.lead_days} days before the expiry day "
            f"{expires_on} would fall outside the years 1 to 9999"
        )
    if grace_ends > _LAST_ORDINAL:
        raise DateOutOfRange(
            f"the end of the grace period, {rules.grace_days} days after the expiry day "
            f"{expires_on}, would fall outside the years 1 to 9999"
        )
    if grace_ends == _LAST_ORDINAL:  # the lapse day, the day after, must exist too
        raise DateOutOfRange(
            f"the lapse day, the day after the {rules.grace_days}-day grace period after the "
            f"expiry day {expires_on}, would fall outside the years 1 to 9999"
        )
    # The days were computed from validated rules: the checks of RenewalWindow hold.
    return _new_window(_from_ordinal(opens), expires_on, _from_ordinal(grace_ends), rules)


def renewal_window(
    policy: Policy,
    config: RenewalWindowConfig = DEFAULT_WINDOW_CONFIG,
    *,
    jurisdiction: str | None = None,
) -> RenewalWindow:
    """Return the renewal window of ``policy``'s current term.

    The rules come from ``config.policy_for(policy.line_of_business,
    product_code=policy.product_code, jurisdiction=jurisdiction)``; the days are
    counted from ``policy.term.end``, in calendar days.

    A lead longer than the term (90 days for a monthly term, say) opens the window
    before the term started: set shorter lead days for products with short terms.

    Args:
        policy: the policy, in its current term.
        config: the :class:`RenewalWindowConfig`; the defaults per line when not given.
        jurisdiction: where the policy is written, as the host names it (as in
            ``RenewalFacts.jurisdiction``), or ``None``.

    Returns:
        The :class:`RenewalWindow`.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        DateOutOfRange: the window would open before 0001-01-01, or the policy would
            lapse after 9999-12-31.
    """
    _check_call(policy, config, jurisdiction, "renewal_window")
    return _window(policy, config, jurisdiction)


# --------------------------------------------------------------------------- reminders


@attrs.frozen
class Reminder:
    """A renewal reminder due on a day.

    Attributes:
        due_on: the day the reminder is due, in the policy's zone.
        days_before_expiry: the reminder's offset, in days before expiry (negative:
            after expiry, in the grace period). For a catch-up reminder, the offset
            of the latest scheduled reminder it stands in for; the days actually
            left are :meth:`RenewalWindow.days_to_expiry` of ``due_on``.
        catch_up: whether it stands in for scheduled reminders whose days passed
            before the policy was looked at.

    Raises:
        InvalidField: a field has the wrong type.
        DateTypeError: ``due_on`` is a datetime or not a date.

    >>> Reminder(pendulum.date(2025, 2, 21), 7, catch_up=False)
    Reminder(due_on=Date(2025, 2, 21), days_before_expiry=7, catch_up=False)
    """

    due_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    days_before_expiry: int = attrs.field(
        validator=_days_in_range(-MAX_WINDOW_DAYS, "days before expiry")
    )
    catch_up: bool = attrs.field(default=False, validator=_flag)


def reminder_dates(
    policy: Policy,
    config: RenewalWindowConfig = DEFAULT_WINDOW_CONFIG,
    *,
    today: dt.date | dt.datetime,
    since: dt.date | dt.datetime | None = None,
    jurisdiction: str | None = None,
) -> tuple[Reminder, ...]:
    """Return the renewal reminders due on or after ``today``, in date order.

    A reminder is scheduled on ``expires_on - offset`` for each of the rules'
    ``reminder_offsets``. The result holds

    * the scheduled reminders due on or after ``today``;
    * when scheduled reminders were missed and the policy has not lapsed by
      ``today``, one *catch-up* reminder due ``today`` with the offset of the latest
      one missed (``catch_up=True``), unless a scheduled reminder is due ``today``
      anyway. A reminder was missed when it was due before ``today`` and, if
      ``since`` is given, after ``since``: a run on ``since`` took care of those due
      up to then. So a daily run that passes the day of its previous run as
      ``since`` sends each reminder once; without ``since`` (a policy found late,
      seen for the first time), every reminder due before ``today`` counts as
      missed.

    No reminder is ever due before ``today``, no two on the same day, and none once
    the policy has lapsed (after the grace period): then the result is empty.

    Args:
        policy: the policy, in its current term.
        config: the :class:`RenewalWindowConfig`.
        today: the day of the run: a date in the policy's zone, or an aware datetime,
            whose day in the policy's zone is taken.
        since: the day of the previous run for this policy, before ``today`` (a date
            or an aware datetime, as ``today``), or ``None``.
        jurisdiction: where the policy is written, or ``None``.

    Returns:
        The reminders, by ``due_on``.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        InvalidField: ``since`` is not before ``today``.
        DateTypeError: ``today`` or ``since`` is not a date or a datetime.
        NaiveDateTimeError: ``today`` is a datetime without a time zone.
        DateOutOfRange: as for :func:`renewal_window`.
    """
    _check_call(policy, config, jurisdiction, "reminder_dates")
    day = _day_of(policy, today, "today")
    handled = 0  # the day numbers up to which reminders were taken care of
    if since is not None:
        previous = _day_of(policy, since, "since")
        if previous >= day:
            raise InvalidField(
                "reminder_dates",
                "since",
                f"{previous} is not before today {day}; pass the day of the previous run",
            )
        handled = previous.toordinal()
    window = _window(policy, config, jurisdiction)
    if day > window.grace_ends_on:
        return ()
    expiry = window.expires_on.toordinal()
    current = day.toordinal()
    upcoming: list[Reminder] = []
    latest_missed: int | None = None
    for offset in window.window_policy.reminder_offsets:  # earliest day first
        due = expiry - offset
        if due < current:
            if due > handled:
                latest_missed = offset
        else:
            upcoming.append(Reminder(_from_ordinal(due), offset, catch_up=False))
    if latest_missed is not None and not (upcoming and upcoming[0].due_on == day):
        upcoming.insert(0, Reminder(day, latest_missed, catch_up=True))
    return tuple(upcoming)


# --------------------------------------------------------------------------- renewal start


def _check_uncovered(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if value < 0:
        _fail(instance, attribute.name, f"must not be negative, not {value}")


@attrs.frozen
class RenewalStart:
    """When the next term of a renewal applied for on a day starts.

    Attributes:
        starts_on: the first day of the new term; ``None`` when the policy has
            lapsed and its rules do not allow a late renewal
            (:attr:`LateRenewal.NOT_ALLOWED`): a new policy must be written.
        phase: the :class:`WindowPhase` of the application day. ``TOO_EARLY`` is
            reported, not refused: whether an early application is accepted is for
            the eligibility rules to decide.
        uncovered_days: the days after expiry that no term covers before
            ``starts_on``: 0 when cover continues; when renewal is not allowed, the
            days from expiry to the application day, both left out.

    Raises:
        InvalidField: a field has the wrong type, or ``starts_on`` is ``None`` or
            ``uncovered_days`` is not 0 for an application made before the policy
            lapsed.

    >>> RenewalStart(pendulum.date(2025, 3, 1), WindowPhase.OPEN, 0)
    RenewalStart(starts_on=Date(2025, 3, 1), phase=WindowPhase.OPEN, uncovered_days=0)
    """

    starts_on: pendulum.Date | None = attrs.field(
        converter=attrs.converters.optional(_as_day),
        validator=attrs.validators.optional(_day),
    )
    phase: WindowPhase = attrs.field(validator=_member_of(WindowPhase))
    uncovered_days: int = attrs.field(validator=_check_uncovered)

    def __attrs_post_init__(self) -> None:
        if self.phase is WindowPhase.LAPSED:
            return
        if self.starts_on is None:
            _fail(
                self,
                "starts_on",
                f"is None for an application made in phase {self.phase!r}; only a lapsed "
                "policy can be refused renewal",
            )
        if self.uncovered_days != 0:
            _fail(
                self,
                "uncovered_days",
                f"is {self.uncovered_days} for an application made in phase "
                f"{self.phase!r}; cover continues without a break until the policy lapses",
            )


def renewal_start(
    policy: Policy,
    config: RenewalWindowConfig = DEFAULT_WINDOW_CONFIG,
    *,
    applied_on: dt.date | dt.datetime,
    jurisdiction: str | None = None,
) -> RenewalStart:
    """Return when the next term starts for a renewal applied for on ``applied_on``.

    * Applied for too early, in the window or in the grace period: the next term
      starts the day after expiry, so no day is lost, and a renewal in the grace
      period goes back no further than that day.
    * Applied for after the grace period (lapsed): as the rules' ``late_renewal``
      says: on the application day (``FROM_APPLICATION_DAY``), the day after it
      (``FROM_NEXT_DAY``), or not at all (``NOT_ALLOWED``, ``starts_on`` is
      ``None``). The days between expiry and the new start are not covered.

    An application made too early is reported as phase ``TOO_EARLY``, not refused:
    refusing it is the eligibility rules' job.

    Args:
        policy: the policy, in its current term.
        config: the :class:`RenewalWindowConfig`.
        applied_on: the application day: a date in the policy's zone, or an aware
            datetime, whose day in the policy's zone is taken.
        jurisdiction: where the policy is written, or ``None``.

    Returns:
        The :class:`RenewalStart`.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        DateTypeError: ``applied_on`` is not a date or a datetime.
        NaiveDateTimeError: ``applied_on`` is a datetime without a time zone.
        DateOutOfRange: as for :func:`renewal_window`, or the new term would start
            after 9999-12-31.
    """
    _check_call(policy, config, jurisdiction, "renewal_start")
    day = _day_of(policy, applied_on, "applied_on")
    return _window(policy, config, jurisdiction).start_for(day)
