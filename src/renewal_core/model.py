"""The domain model: parties, policies, coverages, claims and the enums they use.

Every class here is a frozen, slotted attrs class whose fields are checked when it is
built; a change is a new object made with :func:`attrs.evolve`, which checks the
fields again. Collections are tuples: a field such as ``Policy.coverages`` accepts a
list or a tuple and stores a tuple, so a value can never change under your feet.
Enum-typed fields take enum members only: ``"auto"`` is refused where
``LineOfBusiness.AUTO`` is meant (convert with ``LineOfBusiness("auto")``).

Personal data (names, ID numbers, phone numbers, e-mail addresses) is kept exactly
as given in the attributes, but is masked in every ``repr`` and ``str`` (see
:mod:`renewal_core.privacy`) and left out of every error message, so logging a party,
a policy or an error never leaks it. Free text that may hold personal data
(``Coverage.description``) is left out of the ``repr``.

>>> import attrs
>>> from renewal_core.model import Party, PartyKind
>>> holder = Party("C-1001", PartyKind.INDIVIDUAL, "张三", phone="13812345678")
>>> holder
Party(party_id='C-1001', kind=PartyKind.INDIVIDUAL, name='张*', id_kind=None,
      id_number=None, phone='138****5678', email=None, locale=None, time_zone=None,
      preferred_channels=())
>>> holder.phone
'13812345678'
>>> attrs.evolve(holder, phone="13900001111").phone
'13900001111'
"""

from __future__ import annotations

import enum
import re
import zoneinfo
from collections.abc import Callable
from typing import Any, Final, cast

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _as_tuple,
    _count,
    _day,
    _fail,
    _flag,
    _instance_of,
    _items,
    _masked,
    _member_of,
    _money,
    _plain_str,
    _same_currency,
    _text,
    _type_name,
)
from renewal_core.errors import (
    InvalidField,
    InvalidTerm,
    UnknownLocale,
    UnknownTimeZone,
)
from renewal_core.formatting import parse_locale
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm, RenewalCadence, time_zone
from renewal_core.privacy import mask_email, mask_id_number, mask_name, mask_phone

__all__ = [
    "Channel",
    "ClaimRecord",
    "ClaimStatus",
    "Coverage",
    "IdKind",
    "LineOfBusiness",
    "Party",
    "PartyKind",
    "PaymentStatus",
    "Policy",
    "PolicyStatus",
]

_Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


# --------------------------------------------------------------------------- enums


@enum.unique
class LineOfBusiness(ShortReprEnum):
    """A line of business (险种大类); rules, tables and calendars differ by line.

    Attributes:
        AUTO: motor insurance (车险).
        HEALTH: health insurance (健康险).
        LIFE: life insurance (寿险).
        PROPERTY: property insurance (财产险), for homes and enterprises.

    >>> LineOfBusiness.AUTO.value
    'auto'
    >>> LineOfBusiness("health")
    LineOfBusiness.HEALTH
    """

    AUTO = "auto"
    HEALTH = "health"
    LIFE = "life"
    PROPERTY = "property"


@enum.unique
class PartyKind(ShortReprEnum):
    """What kind of customer a party is (个人 / 家庭 / 企业).

    Attributes:
        INDIVIDUAL: one natural person.
        FAMILY: a household insured together, represented by one party.
        ENTERPRISE: a company or other organisation.

    >>> [kind.value for kind in PartyKind]
    ['individual', 'family', 'enterprise']
    """

    INDIVIDUAL = "individual"
    FAMILY = "family"
    ENTERPRISE = "enterprise"


@enum.unique
class IdKind(ShortReprEnum):
    """The kind of identity document a party's ``id_number`` comes from.

    Attributes:
        RESIDENT_ID: a resident identity card number (居民身份证), 18 characters.
        PASSPORT: a passport number.
        UNIFIED_SOCIAL_CREDIT_CODE: an organisation's unified social credit code
            (统一社会信用代码), 18 characters.
        OTHER: any other document (permits, military IDs, foreign registrations).

    >>> IdKind("passport")
    IdKind.PASSPORT
    """

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    UNIFIED_SOCIAL_CREDIT_CODE = "unified_social_credit_code"
    OTHER = "other"


@enum.unique
class PolicyStatus(ShortReprEnum):
    """Where a policy stands in its life.

    Attributes:
        PENDING: accepted but not yet in force (awaiting its start day or its first
            payment).
        ACTIVE: in force.
        IN_GRACE: a premium is overdue and the grace period runs; cover continues.
        EXPIRED: the term has ended and the policy was not (yet) renewed; a late
            renewal may still be possible.
        LAPSED: ended because a premium was not paid by the end of the grace period
            (失效); some products allow reinstatement.
        CANCELLED: ended before the end of its term by the holder (surrender, 退保) or
            by the insurer.
        TERMINATED: ended by a contract event, such as a claim that exhausts the sum
            insured or the death of the insured (终止).
        RENEWED: the term has ended and the cover continues under a renewal.

    >>> PolicyStatus.IN_GRACE.value
    'in_grace'
    """

    PENDING = "pending"
    ACTIVE = "active"
    IN_GRACE = "in_grace"
    EXPIRED = "expired"
    LAPSED = "lapsed"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"
    RENEWED = "renewed"


@enum.unique
class Channel(ShortReprEnum):
    """A channel through which a policy is sold or a customer is contacted (D3).

    Every sale and every contact records its channel, so that channel efficiency can
    be measured and compared.

    Attributes:
        ONLINE: the insurer's own website (官网).
        MOBILE_APP: the insurer's mobile app or mini program, including those inside
            super-apps such as WeChat or Alipay.
        THIRD_PARTY_PLATFORM: a third-party internet platform or marketplace
            (互联网平台).
        AGENT: an individual or agency insurance agent (代理人).
        BROKER: an insurance broker (经纪人).
        BRANCH_COUNTER: a walk-in counter at a branch (柜面).
        PHONE: a call centre or telemarketing (电销), in or out.
        BANCASSURANCE: a bank's branches or apps (银保).
        DEALER: a car dealership (4S store, 车商), mainly for auto business.
        SMS: text messages (contact only: reminders, notices).
        EMAIL: e-mail (contact only: reminders, notices).
        OTHER: any channel not listed; map host codes you cannot place here.

    >>> Channel("mobile_app")
    Channel.MOBILE_APP
    """

    ONLINE = "online"
    MOBILE_APP = "mobile_app"
    THIRD_PARTY_PLATFORM = "third_party_platform"
    AGENT = "agent"
    BROKER = "broker"
    BRANCH_COUNTER = "branch_counter"
    PHONE = "phone"
    BANCASSURANCE = "bancassurance"
    DEALER = "dealer"
    SMS = "sms"
    EMAIL = "email"
    OTHER = "other"


@enum.unique
class PaymentStatus(ShortReprEnum):
    """How far the premium of the current term has been paid.

    Attributes:
        PAID: paid in full.
        PARTIALLY_PAID: some installments paid, none overdue.
        UNPAID: nothing paid yet, nothing overdue.
        OVERDUE: a payment is past its due day.
        REFUNDED: paid, then refunded (after a cancellation, for example).
        WAIVED: the premium is waived under a waiver-of-premium benefit (保费豁免).

    >>> PaymentStatus.PARTIALLY_PAID.value
    'partially_paid'
    """

    PAID = "paid"
    PARTIALLY_PAID = "partially_paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"
    REFUNDED = "refunded"
    WAIVED = "waived"


@enum.unique
class ClaimStatus(ShortReprEnum):
    """Where a claim stands.

    Attributes:
        OPEN: reported and being handled.
        REOPENED: closed once, then opened again.
        CLOSED: settled and closed, with or without payment.
        DECLINED: refused by the insurer (拒赔).
        WITHDRAWN: withdrawn by the claimant (撤案).

    >>> ClaimStatus("declined")
    ClaimStatus.DECLINED
    """

    OPEN = "open"
    REOPENED = "reopened"
    CLOSED = "closed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


# --------------------------------------------------------------------------- checks


# A phone number: digits, after an optional "+" or a country calling code of 1 to 3
# digits in parentheses with its "+" ("(+86)"). A group of digits may be put in
# parentheses (not nested), and one separator may stand between two digits or groups:
# a space, or one "-", "." or "/" with or without a single space on either side.
#
# The pattern takes linear time on any text (re backtracks, so this matters): it is
# unambiguous, so a text can be matched in one way only, and each repetition of the
# loop starts with a token of its own. A separator starts with " ", "-", "." or "/", a
# group with a digit or "(", and both alternatives of the separator, as those of the
# first group, tell themselves apart within two characters. So every repetition ends
# on a digit or ")", and on a mismatch the engine gives each one up after a bounded
# number of steps (a parenthesised group after rereading its own digits once) instead
# of trying the text in other splits. No quantifier is nested in another that could
# match the same characters.
_PHONE_GROUP: Final = r"(?:[0-9]|\([0-9]+\))"
_PHONE_SEPARATOR: Final = r"(?: ?[\-./] ?| )"
_PHONE: Final = re.compile(
    rf"(?:\+?{_PHONE_GROUP}|\(\+[0-9]{{1,3}}\))(?:{_PHONE_SEPARATOR}?{_PHONE_GROUP})*"
)
_PHONE_DIGITS: Final = range(5, 21)  # 5 to 20 digits
_PHONE_FORMAT: Final = (
    "must be a phone number: 5 to 20 digits 0-9 after an optional '+' or a country "
    "calling code such as '(+86)'; a space, or one '-', '.' or '/' with at most one "
    "space on either side, may separate groups of digits, and a group may be put in "
    "parentheses, as in '+86 21 6000 0000', '(+86) 21-6000-0000' or '(021) 6000 - "
    "0000'; an extension ('ext. 12', '转 123') is not accepted: keep it in a field of "
    "its own"
)


def _phone(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    digits = sum(char in "0123456789" for char in value)
    if digits not in _PHONE_DIGITS or not _PHONE.fullmatch(value):
        _fail(instance, attribute.name, _PHONE_FORMAT)


# One "@", a non-empty local part, a domain of non-empty labels with at least one dot,
# and no whitespace (control characters are refused by ``_text`` before).
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_EMAIL_FORMAT: Final = (
    "must be an e-mail address: local-part@domain with one '@', a domain with at least "
    "one dot and no spaces, as in 'name@example.com'"
)


def _email(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not _EMAIL.fullmatch(value):
        _fail(instance, attribute.name, _EMAIL_FORMAT)


# UnknownLocale and UnknownTimeZone raised for a field are raised again, naming the
# field, outside the ``except`` block and ``from None``: no exception chain then holds
# the first error, nor anything it may have chained from (such as a lookup error that
# repeats the raw value, which may be personal data in the wrong field).


def _locale(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be a str such as 'zh_CN', not {_type_name(value)}")
    try:
        parse_locale(value)  # cached
    except UnknownLocale as error:
        given = error.given  # shown safely by renewal_core.formatting
    else:
        return
    raise UnknownLocale(given, field=attribute.name) from None


def _zone_name(value: str | zoneinfo.ZoneInfo) -> str:
    """Store a time zone as its IANA name, a plain ``str``; check it exists.

    A converter of ``Party.time_zone``: takes a name, a ``pendulum.Timezone`` or a
    ``zoneinfo.ZoneInfo`` (``UnknownTimeZone`` naming the field when it is not a known
    IANA zone); anything else is passed on for :func:`_time_zone` to refuse.
    """
    given: object = value  # typed loosely: callers without mypy can pass anything
    try:
        if isinstance(given, zoneinfo.ZoneInfo):  # pendulum.Timezone is a ZoneInfo
            return time_zone(given.key).name  # a key of None raises UnknownTimeZone
        if isinstance(given, str):
            return time_zone(str.__str__(given)).name
    except UnknownTimeZone as error:
        shown, hint = error.given, error.hint  # shown safely by renewal_core.periods
    else:
        return cast("str", value)  # not a zone at all: _time_zone refuses it
    raise UnknownTimeZone(shown, hint, field="time_zone") from None


def _time_zone(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(
            instance,
            attribute.name,
            "must be an IANA time zone name (a str such as 'Asia/Shanghai'), a "
            f"pendulum.Timezone or a zoneinfo.ZoneInfo, not {_type_name(value)}",
        )


# --------------------------------------------------------------------------- party


@attrs.frozen(str=True)
class Party:
    """A customer: a person, a family or an enterprise, as known to the host system.

    Args:
        party_id: the host system's identifier of the party.
        kind: a :class:`PartyKind`.
        name: the name. Besides the visible characters of every text field (see
            below), it may hold the ideographic space U+3000, with which hosts pad
            two-character Chinese names (a U+3000 between 张 and 三), and the zero-width
            non-joiner and joiner U+200C and U+200D between two letters, as Persian
            and Uyghur names need. Masked in ``repr``.
        id_kind: the kind of document ``id_number`` comes from; required with an
            ``id_number`` and refused without one.
        id_number: the identity document number. Masked in ``repr``. Only its
            basic format is checked here (a text field as below); check digits of
            resident IDs and credit codes are not verified yet.
        phone: a phone number: 5 to 20 digits ``0-9``, after an optional ``+`` or
            a country calling code of 1 to 3 digits in parentheses with its ``+``
            (``"(+86)"``). One separator may stand between two digits: a space, or
            one ``-``, ``.`` or ``/`` with or without a single space on either side;
            and a group of digits may be put in parentheses, not nested:
            ``"+86 138-1234-5678"``, ``"(+86) 138 1234 5678"``,
            ``"(+86)13812345678"``, ``"021 - 6000 0000"``, ``"(021) 8765 4321"``
            and ``"+1 (415) 555.0123"`` pass; ``"138--1234"``, ``"(((1)))"`` and
            ``"110"`` (too few digits) do not. Extensions are refused too
            (``"010-88888888 转 123"``, ``"021 6000 0000 ext. 12"``): keep them in a
            field of your own. Masked in ``repr``.
        email: an e-mail address: one ``@``, a non-empty local part, a domain with
            at least one dot, no whitespace. Masked in ``repr``.
        locale: the CLDR locale to address the party in, such as ``"zh_CN"``
            (checked with babel; ``UnknownLocale`` otherwise). Stored as a plain
            ``str``: a ``str`` subclass, such as a ``StrEnum`` member, is stored as
            the plain string it is equal to; any other type is refused.
        time_zone: the party's time zone: an IANA name such as
            ``"Asia/Shanghai"``, a ``pendulum.Timezone`` or a ``zoneinfo.ZoneInfo``
            (``UnknownTimeZone`` when it is not a known IANA zone). Stored as the
            zone's IANA name, a plain ``str``.
        preferred_channels: the channels the party wants to be contacted through,
            most preferred first, without repeats; a list or a tuple, stored as a
            tuple.

    Text fields (``party_id``, ``name``, ``id_number``, ``phone``, ``email``) must be
    non-empty ``str`` values without leading or trailing whitespace, made of visible
    characters: control characters, invisible formatting characters such as
    zero-width spaces, and spaces other than ``" "`` are refused (Chinese and other
    scripts are welcome; ``name`` takes the few exceptions above). A field that does
    not pass raises :class:`~renewal_core.errors.InvalidField`. Its message never
    shows any part of a personal value (name, ID number, phone, e-mail), not even
    masked: it says what is wrong and what is expected. No exception chain holds the
    value either (errors are raised ``from None``). An unknown ``locale`` or
    ``time_zone`` raises :class:`~renewal_core.errors.UnknownLocale` or
    :class:`~renewal_core.errors.UnknownTimeZone`, whose ``field`` names the
    attribute. ``str()`` is the masked ``repr``; the attributes keep the real values.

    >>> party = Party(
    ...     "C-1001",
    ...     PartyKind.INDIVIDUAL,
    ...     "张三",
    ...     id_kind=IdKind.RESIDENT_ID,
    ...     id_number="110101199003071234",
    ...     email="zhang.san@example.com",
    ...     locale="zh_CN",
    ...     time_zone="Asia/Shanghai",
    ...     preferred_channels=[Channel.MOBILE_APP, Channel.SMS],
    ... )
    >>> print(party)
    Party(party_id='C-1001', kind=PartyKind.INDIVIDUAL, name='张*',
          id_kind=IdKind.RESIDENT_ID, id_number='110***********1234', phone=None,
          email='z***@example.com', locale='zh_CN', time_zone='Asia/Shanghai',
          preferred_channels=(Channel.MOBILE_APP, Channel.SMS))
    >>> party.id_number
    '110101199003071234'
    >>> Party("C-1002", PartyKind.INDIVIDUAL, "李四", id_number="310101198001011234")
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: Party.id_kind: an id_number needs its id_kind, such as \
IdKind.RESIDENT_ID
    >>> Party("C-1003", PartyKind.INDIVIDUAL, "王五", phone="王五")
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: Party.phone: must be a phone number: 5 to 20 digits 0-9 \
after an optional '+' or a country calling code such as '(+86)'; a space, or one '-', '.' or \
'/' with at most one space on either side, may separate groups of digits, and a group may be \
put in parentheses, as in '+86 21 6000 0000', '(+86) 21-6000-0000' or '(021) 6000 - 0000'; \
an extension ('ext. 12', '转 123') is not accepted: keep it in a field of its own
    """

    party_id: str = attrs.field(validator=_text())
    kind: PartyKind = attrs.field(validator=_member_of(PartyKind))
    name: str = attrs.field(validator=_text(personal=True, name=True), repr=_masked(mask_name))
    id_kind: IdKind | None = attrs.field(
        default=None, validator=attrs.validators.optional(_member_of(IdKind))
    )
    id_number: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_text(personal=True)),
        repr=_masked(mask_id_number),
    )
    phone: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional([_text(personal=True), _phone]),
        repr=_masked(mask_phone),
    )
    email: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional([_text(personal=True), _email]),
        repr=_masked(mask_email),
    )
    locale: str | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(_plain_str),
        validator=attrs.validators.optional(_locale),
    )
    time_zone: str | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(_zone_name),
        validator=attrs.validators.optional(_time_zone),
    )
    preferred_channels: tuple[Channel, ...] = attrs.field(
        default=(),
        converter=_as_tuple,
        validator=_items(Channel, lambda channel: channel, "channel"),
    )

    def __attrs_post_init__(self) -> None:
        if self.id_number is not None and self.id_kind is None:
            raise InvalidField(
                "Party", "id_kind", "an id_number needs its id_kind, such as IdKind.RESIDENT_ID"
            )
        if self.id_kind is not None and self.id_number is None:
            raise InvalidField(
                "Party", "id_number", f"{self.id_kind!r} is given without an id_number"
            )


# --------------------------------------------------------------------------- coverage


@attrs.frozen
class Coverage:
    """One cover of a policy (险别/责任): what is insured, up to how much, at what price.

    Args:
        code: the product's code for the cover, such as ``"third_party_liability"``.
        sum_insured: the most the cover pays (保额); greater than zero.
        premium: the cover's own premium, when the product prices covers
            separately; not negative.
        deductible: the amount the insured bears per claim (免赔额); not negative
            and not more than ``sum_insured``.
        description: free text for people; may be empty. It often holds personal
            data (a driver's name, a plate number), so it is left out of the
            ``repr`` (and of every message); read the attribute when you need it.

    All amounts are in one currency
    (:class:`~renewal_core.errors.CurrencyMismatch` otherwise) and in whole minor
    units of it: ``Money("1.005", "CNY")`` is refused
    (:class:`~renewal_core.errors.InvalidField`); round it first with
    :meth:`Money.round() <renewal_core.money.Money.round>`.

    >>> from renewal_core.money import Money
    >>> Coverage(
    ...     "third_party_liability",
    ...     Money("1000000", "CNY"),
    ...     premium=Money("1180.00", "CNY"),
    ...     description="三者险, 驾驶人 张三",
    ... )
    Coverage(code='third_party_liability', sum_insured=Money('1000000', 'CNY'),
             premium=Money('1180.00', 'CNY'), deductible=None)
    >>> Coverage("collision", Money("80000", "CNY"), deductible=Money("500", "USD"))
    Traceback (most recent call last):
    ...
    renewal_core.errors.CurrencyMismatch: cannot build a Coverage whose sum_insured and \
deductible are CNY and USD amounts: currencies never mix; convert one amount explicitly first
    """

    code: str = attrs.field(validator=_text())
    sum_insured: Money = attrs.field(validator=_money(positive=True))
    premium: Money | None = attrs.field(
        default=None, validator=attrs.validators.optional(_money())
    )
    deductible: Money | None = attrs.field(
        default=None, validator=attrs.validators.optional(_money())
    )
    description: str = attrs.field(default="", validator=_instance_of(str), repr=False)

    def __attrs_post_init__(self) -> None:
        _same_currency(
            "Coverage",
            ("sum_insured", self.sum_insured),
            [("premium", self.premium), ("deductible", self.deductible)],
        )
        if self.deductible is not None and self.deductible > self.sum_insured:
            raise InvalidField(
                "Coverage",
                "deductible",
                f"{self.deductible} is more than the sum insured {self.sum_insured}; a "
                "deductible cannot exceed what the cover pays",
            )


# --------------------------------------------------------------------------- claim


@attrs.frozen
class ClaimRecord:
    """A claim in a policy's history, as far as renewal needs it.

    Args:
        claim_id: the host system's identifier of the claim.
        occurred_on: the day of the loss. A :class:`datetime.date` is turned into a
            :class:`pendulum.Date`; a datetime is refused
            (:class:`~renewal_core.errors.DateTypeError`): take its local day first.
        paid: the amount paid so far; not negative, in whole minor units.
        status: a :class:`ClaimStatus`.
        at_fault: whether the insured was at fault (auto business); ``None`` when
            unknown or not applicable.
        fatal: whether the loss involved a death.
        reported_on: the day the claim was reported; not before ``occurred_on``.

    >>> from datetime import date
    >>> from renewal_core.money import Money
    >>> claim = ClaimRecord("CL-9", date(2024, 7, 1), Money("3200.00", "CNY"), ClaimStatus.CLOSED)
    >>> claim.occurred_on
    Date(2024, 7, 1)
    >>> ClaimRecord("CL-9", date(2024, 7, 1), Money("0", "CNY"), "closed")
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: ClaimRecord.status: must be a ClaimStatus member (OPEN, \
REOPENED, CLOSED, DECLINED or WITHDRAWN), not str 'closed'; convert it with ClaimStatus('closed')
    """

    claim_id: str = attrs.field(validator=_text())
    occurred_on: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    paid: Money = attrs.field(validator=_money())
    status: ClaimStatus = attrs.field(validator=_member_of(ClaimStatus))
    at_fault: bool | None = attrs.field(default=None, validator=attrs.validators.optional(_flag))
    fatal: bool = attrs.field(default=False, validator=_flag)
    reported_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(_as_day),
        validator=attrs.validators.optional(_day),
    )

    def __attrs_post_init__(self) -> None:
        if self.reported_on is not None and self.reported_on < self.occurred_on:
            raise InvalidField(
                "ClaimRecord",
                "reported_on",
                f"{self.reported_on} is before occurred_on {self.occurred_on}",
            )


# --------------------------------------------------------------------------- policy


@attrs.frozen(str=True)
class Policy:
    """An insurance policy in its current term.

    Args:
        number: the policy number (保单号).
        holder: the policy holder (投保人), a :class:`Party`.
        line_of_business: a :class:`LineOfBusiness`.
        product_code: the host's product code.
        term: the current term, a :class:`~renewal_core.periods.PolicyTerm`.
        status: a :class:`PolicyStatus`.
        premium: the premium of the current term; not negative, in whole minor
            units. Its currency is the policy's currency.
        sales_channel: the :class:`Channel` the policy (or this renewal) was sold
            through.
        inception: the start day of the first term ever (首次起保日). It must not be
            after ``term.start`` and, when the term renews (it has a ``cadence``, as
            terms built with ``PolicyTerm.annual`` or ``PolicyTerm.months`` do), not
            after the cadence's ``anchor``, the first day of the renewal series the
            term belongs to; see below. A :class:`datetime.date` is turned into a
            :class:`pendulum.Date`; a datetime is refused.
        renewal_count: how many times the policy has been renewed; an ``int`` not
            below zero (``bool`` is refused).
        coverages: the covers, with distinct codes; a list or a tuple, stored as a
            tuple.
        claims: the claim history, with distinct claim ids; a list or a tuple,
            stored as a tuple.
        payment_status: a :class:`PaymentStatus`.
        insured: the insured (被保险人) when not the holder; ``None`` means the
            holder is the insured.

    A renewing term counts its renewals from its cadence's ``anchor``. Usually that
    is the inception: build a renewal year's term with ``PolicyTerm.annual(start, tz,
    inception=inception)``. An anchor after the inception is the start of a new
    renewal series, as when a lapsed policy is renewed from another day (first
    written on 2021-03-15, renewed from 2024-03-25 after a break), and is accepted.
    But an anchor that falls exactly on a term start of the inception's own cadence
    (the same months and month-end rule) is refused
    (:class:`~renewal_core.errors.InvalidField` for ``term``), such as 2025-02-28,
    the anchor of ``PolicyTerm.annual(date(2025, 2, 28), tz)``, for a policy first
    written on 2024-02-29: such a term was almost certainly built without
    ``inception=``, and its renewals would drift (to 28 February, for good). An
    anchor before the inception is refused too (for ``inception``).

    Every amount of the policy, its coverages and its claims is in the premium's
    currency (:class:`~renewal_core.errors.CurrencyMismatch` otherwise). The
    ``repr`` (and ``str``) shows the parties masked.

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> from renewal_core.periods import PolicyTerm
    >>> holder = Party("C-1001", PartyKind.INDIVIDUAL, "张三", phone="13812345678")
    >>> policy = Policy(
    ...     number="P-2024-0001",
    ...     holder=holder,
    ...     line_of_business=LineOfBusiness.AUTO,
    ...     product_code="AUTO-COMMERCIAL",
    ...     term=PolicyTerm.annual(
    ...         pendulum.date(2024, 3, 1), "Asia/Shanghai", inception=pendulum.date(2022, 3, 1)
    ...     ),
    ...     status=PolicyStatus.ACTIVE,
    ...     premium=Money("3560.00", "CNY"),
    ...     sales_channel=Channel.AGENT,
    ...     inception=pendulum.date(2022, 3, 1),
    ...     renewal_count=2,
    ... )
    >>> policy.currency
    'CNY'
    >>> "13812345678" in repr(policy), "138****5678" in repr(policy)
    (False, True)

    A renewal year's term built without its inception would renew counting from the
    wrong day, so it is refused:

    >>> attrs.evolve(policy, term=PolicyTerm.annual(pendulum.date(2024, 3, 1), "Asia/Shanghai"))
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: Policy.term: its renewal cadence starts on 2024-03-01, \
the start of term 2 of the 12-month cadence from the inception 2022-03-01, so the term was \
probably built without inception= and would renew counting from 2024-03-01 instead of the \
inception, drifting at month ends (after a 29 February inception, on 28 February for good); \
build it with PolicyTerm.annual(start, tz, inception=...) (or PolicyTerm.months(start, n, tz, \
inception=...)), passing the inception 2022-03-01

    A new renewal series after a break starts on a day of its own, and renews from it:

    >>> redated = attrs.evolve(
    ...     policy,
    ...     term=PolicyTerm.annual(pendulum.date(2024, 3, 25), "Asia/Shanghai"),
    ...     inception=pendulum.date(2021, 3, 15),
    ... )
    >>> redated.term.renewal().start
    Date(2025, 3, 25)
    """

    number: str = attrs.field(validator=_text())
    holder: Party = attrs.field(validator=_instance_of(Party))
    line_of_business: LineOfBusiness = attrs.field(validator=_member_of(LineOfBusiness))
    product_code: str = attrs.field(validator=_text())
    term: PolicyTerm = attrs.field(validator=_instance_of(PolicyTerm))
    status: PolicyStatus = attrs.field(validator=_member_of(PolicyStatus))
    premium: Money = attrs.field(validator=_money())
    sales_channel: Channel = attrs.field(validator=_member_of(Channel))
    inception: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    renewal_count: int = attrs.field(default=0, validator=_count)
    coverages: tuple[Coverage, ...] = attrs.field(
        default=(),
        converter=_as_tuple,
        validator=_items(Coverage, lambda coverage: coverage.code, "coverage code"),
    )
    claims: tuple[ClaimRecord, ...] = attrs.field(
        default=(),
        converter=_as_tuple,
        validator=_items(ClaimRecord, lambda claim: claim.claim_id, "claim_id"),
    )
    payment_status: PaymentStatus = attrs.field(
        default=PaymentStatus.PAID, validator=_member_of(PaymentStatus)
    )
    insured: Party | None = attrs.field(
        default=None, validator=attrs.validators.optional(_instance_of(Party))
    )

    def __attrs_post_init__(self) -> None:
        self._check_inception()
        amounts: list[tuple[str, Money | None]] = []
        for index, coverage in enumerate(self.coverages):
            amounts += [
                (f"coverages[{index}].sum_insured", coverage.sum_insured),
                (f"coverages[{index}].premium", coverage.premium),
                (f"coverages[{index}].deductible", coverage.deductible),
            ]
        amounts += [
            (f"claims[{index}].paid", claim.paid) for index, claim in enumerate(self.claims)
        ]
        _same_currency("Policy", ("premium", self.premium), amounts)

    def _check_inception(self) -> None:
        """Check ``inception`` against the term and the anchor of its cadence."""
        cadence = self.term.cadence
        if cadence is None:
            if self.inception > self.term.start:
                raise InvalidField(
                    "Policy",
                    "inception",
                    f"{self.inception} is after the start of the current term "
                    f"{self.term.start}; inception is the start of the first term",
                )
            return
        anchor = cadence.anchor
        if self.inception > anchor:
            raise InvalidField(
                "Policy",
                "inception",
                f"{self.inception} is after {anchor}, the first day of the term's renewal "
                "series (its cadence's anchor); inception is the start of the first term "
                "ever, so it cannot come later",
            )
        if self.inception == anchor:
            return
        try:
            # Raises InvalidTerm when the anchor is no term start of the inception's
            # own cadence (the anchor is never before the inception here).
            index = RenewalCadence(self.inception, cadence.months, cadence.rule).index_of(anchor)
        except InvalidTerm:
            return  # a new renewal series, started after a break
        raise InvalidField(
            "Policy",
            "term",
            f"its renewal cadence starts on {anchor}, the start of term {index} of the "
            f"{cadence.months}-month cadence from the inception {self.inception}, so the "
            "term was probably built without inception= and would renew counting from "
            f"{anchor} instead of the inception, drifting at month ends (after a 29 "
            "February inception, on 28 February for good); build it with "
            "PolicyTerm.annual(start, tz, inception=...) (or PolicyTerm.months(start, n, "
            f"tz, inception=...)), passing the inception {self.inception}",
        )

    @property
    def currency(self) -> str:
        """The policy's currency, the ISO 4217 code of its premium."""
        return self.premium.currency
