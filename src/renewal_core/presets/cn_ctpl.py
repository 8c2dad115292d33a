"""China compulsory traffic insurance (交强险, CTPL): 2008 base premiums and floating rates.

Final premium = base premium * (1 + floating rate).

Base premiums (CNY per year), 2008 table, :data:`CTPL_BASE_2008`:

=============================  ========  ============================================
Vehicle use                    Measure   Bands and base premiums
=============================  ========  ============================================
Private car                    seats     <6: 950; 6+: 1100
Enterprise non-commercial      seats     <6: 1000; 6-10: 1130; 10-20: 1220; 20+: 1270
Government non-commercial      seats     <6: 950; 6-10: 1070; 10-20: 1140; 20+: 1320
Taxi / rental                  seats     <6: 1800; 6-10: 2360; 10-20: 2400;
                                         20-36: 2560; 36+: 3530
City bus                       seats     6-10: 2250; 10-20: 2520; 20-36: 3020; 36+: 3140
Highway coach                  seats     6-10: 2350; 10-20: 2620; 20-36: 3420; 36+: 4690
Non-commercial truck           tonnes    <2: 1200; 2-5: 1470; 5-10: 1650; 10+: 2220
Commercial truck               tonnes    <2: 1850; 2-5: 3070; 5-10: 3450; 10+: 4480
Motorcycle                     cc        ≤50: 80; 50-250: 120; >250: 400
=============================  ========  ============================================

Seat and tonnage bands include their lower bound and exclude their upper one: 6
seats is "6-10", 10 tonnes is "10+". The motorcycle bands are printed the other way
round, "≤50cc / 50-250cc / >250cc": 50cc is in the first band and 250cc in the
second, so those bands include their upper bound (:attr:`CtplScale.upper_closed`).
City buses and highway coaches start at 6 seats; fewer is not in the table. A
trailer pays 30% of the premium of a truck of the same use and tonnage
(:data:`TRAILER_SHARE`), rounded half up to the fen.

Floating rates (:data:`CTPL_FLOATS`), national scheme of 2007 (kept as region group
E in 2020): A1 -10% (no at-fault road accident last year), A2 -20% (none in the last
2 years), A3 -30% (none in the last 3 or more years), A4 0% (1 at-fault accident
last year, no death), A5 +10% (2 or more at-fault accidents last year), A6 +30% (an
at-fault fatal accident last year). The 2020 regional groups A to D are not shipped.

Edition, source and effective date: the CTPL base premium table approved by the
China Insurance Regulatory Commission in 2008 (交强险基础费率表, in force from
1 February 2008), and the floating rates of the 2007 rules linking CTPL premiums to
road traffic accidents (与道路交通事故相联系的浮动比率), in force from 1 July 2007.

The tables are plain data: ``dict(CTPL_BASE_2008)`` and ``dict(CTPL_FLOATS)`` are
copies you can change and pass as ``table=`` and ``floats=``.

Cancellation (退保): CTPL is compulsory, so a policyholder may cancel it only in a
statutory case, :class:`CtplCancellationCase`: the vehicle was deregistered, laid
up, lost (destroyed, stolen or robbed), or insured twice. The insurer then keeps the
premium of the days of cover given and returns the rest, refund = premium * (1 - days
of cover elapsed / days in the term), which :func:`ctpl_refund` computes. Source: the
CTPL regulation (机动车交通事故责任强制保险条例, in force from 1 July 2006), which
limits the policyholder's right to cancel, and the CTPL clauses and practice rules
issued under it, which add duplicate cover and set the daily charge.

A private car under 6 seats with 3 accident-free years:

>>> base = ctpl_base_premium(VehicleUse.PRIVATE, seats=5)
>>> base
Money('950.00', 'CNY')
>>> code = ctpl_float(accident_free_years=3, at_fault_accidents_last_year=0, fatal_last_year=False)
>>> code
CtplFloat.A3
>>> ctpl_premium(base, code)
Money('665.00', 'CNY')

A policy for 2025 at that base premium, cancelled because the car is deregistered,
taking effect on 11 April (100 of its 365 days used; 950 * 265/365 = 689.726...):

>>> import pendulum
>>> from renewal_core.periods import PolicyTerm
>>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
>>> done = ctpl_refund(base, term, pendulum.Date(2025, 4, 11), CtplCancellationCase.DEREGISTERED)
>>> done.earned, done.refund
(Money('260.27', 'CNY'), Money('689.73', 'CNY'))
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Final

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _flag,
    _is_plain_int,
    _member_of,
    _not_a_member,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import ArgumentTypeError, InvalidField
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm, _to_date
from renewal_core.pricing.refunds import ProRata, Refund, refund

__all__ = [
    "CTPL_BASE_2008",
    "CTPL_FLOATS",
    "TRAILER_SHARE",
    "CtplCancellationCase",
    "CtplFloat",
    "CtplMeasure",
    "CtplScale",
    "VehicleUse",
    "ctpl_base_premium",
    "ctpl_float",
    "ctpl_premium",
    "ctpl_refund",
]


@enum.unique
class VehicleUse(ShortReprEnum):
    """A vehicle category of the 2008 CTPL base premium table.

    Attributes:
        PRIVATE: private car (家庭自用汽车), by seats.
        ENTERPRISE_NON_COMMERCIAL: enterprise non-commercial car (企业非营业客车), by seats.
        GOVERNMENT_NON_COMMERCIAL: government or institution non-commercial car
            (党政机关、事业团体非营业客车), by seats.
        TAXI_RENTAL: taxi or rental car (出租、租赁营业客车), by seats.
        CITY_BUS: city bus (城市公交营业客车), by seats, from 6.
        HIGHWAY_COACH: highway coach (公路客运营业客车), by seats, from 6.
        NON_COMMERCIAL_TRUCK: non-commercial truck (非营业货车), by tonnes.
        COMMERCIAL_TRUCK: commercial truck (营业货车), by tonnes.
        MOTORCYCLE: motorcycle (摩托车), by engine displacement.

    >>> VehicleUse("taxi_rental")
    VehicleUse.TAXI_RENTAL
    """

    PRIVATE = "private"
    ENTERPRISE_NON_COMMERCIAL = "enterprise_non_commercial"
    GOVERNMENT_NON_COMMERCIAL = "government_non_commercial"
    TAXI_RENTAL = "taxi_rental"
    CITY_BUS = "city_bus"
    HIGHWAY_COACH = "highway_coach"
    NON_COMMERCIAL_TRUCK = "non_commercial_truck"
    COMMERCIAL_TRUCK = "commercial_truck"
    MOTORCYCLE = "motorcycle"


@enum.unique
class CtplMeasure(ShortReprEnum):
    """What a vehicle category's bands measure.

    Attributes:
        SEATS: the number of seats, an ``int``.
        TONNES: the load capacity in tonnes, a ``Decimal`` (or an ``int``).
        ENGINE_CC: the engine displacement in cubic centimetres, an ``int``.
    """

    SEATS = "seats"
    TONNES = "tonnes"
    ENGINE_CC = "engine_cc"


def _edges(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, edge in enumerate(value):
        if not (_is_plain_int(edge) or (isinstance(edge, Decimal) and edge.is_finite())):
            _fail(
                instance,
                f"{attribute.name}[{index}]",
                f"must be an int or a finite Decimal, not {_type_name(edge)}",
            )
        if edge <= 0 or (index and edge <= value[index - 1]):
            _fail(instance, attribute.name, f"must be positive and increasing, not {value}")


def _premiums(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, premium in enumerate(value):
        if not isinstance(premium, Money) or premium.is_negative():
            _fail(instance, f"{attribute.name}[{index}]", "must be a Money, not negative")


def _minimum(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not (
        _is_plain_int(value) or (isinstance(value, Decimal) and value.is_finite())
    ):
        _fail(
            instance,
            attribute.name,
            f"must be an int, a finite Decimal or None, not {_type_name(value)}",
        )


@attrs.frozen
class CtplScale:
    """The base premiums of one vehicle category, by band of one measure.

    ``edges`` split the measure into ``len(edges) + 1`` bands, each with its premium
    in ``premiums``: the first band is below the first edge, the last from the last
    edge up. Each edge belongs to the band above it (a band includes its lower
    bound), unless ``upper_closed``, when it belongs to the band below (a band
    includes its upper bound, as the motorcycle bands "≤50cc / 50-250cc / >250cc").

    Attributes:
        measure: what the bands measure.
        edges: the band edges, positive and increasing.
        premiums: the base premium of each band, one more than the edges.
        minimum: the smallest measure the table rates (included), or ``None``.
        upper_closed: each edge belongs to the band below it.

    >>> scale = CTPL_BASE_2008[VehicleUse.PRIVATE]
    >>> scale.edges, scale.premiums
    ((6,), (Money('950.00', 'CNY'), Money('1100.00', 'CNY')))
    """

    measure: CtplMeasure = attrs.field(validator=_member_of(CtplMeasure))
    edges: tuple[int | Decimal, ...] = attrs.field(converter=_as_tuple, validator=_edges)
    premiums: tuple[Money, ...] = attrs.field(converter=_as_tuple, validator=_premiums)
    minimum: int | Decimal | None = attrs.field(default=None, validator=_minimum)
    upper_closed: bool = attrs.field(default=False, validator=_flag)

    def __attrs_post_init__(self) -> None:
        if len(self.premiums) != len(self.edges) + 1:
            _fail(
                self,
                "premiums",
                f"must hold one premium per band, {len(self.edges) + 1}, not {len(self.premiums)}",
            )

    def premium_for(self, value: int | Decimal) -> Money:
        """The base premium of the band ``value`` falls in.

        >>> CTPL_BASE_2008[VehicleUse.MOTORCYCLE].premium_for(250)
        Money('120.00', 'CNY')
        """
        find = bisect.bisect_left if self.upper_closed else bisect.bisect_right
        return self.premiums[find(self.edges, value)]


def _cny(*amounts: int) -> tuple[Money, ...]:
    return tuple(Money(f"{amount}.00", "CNY") for amount in amounts)


_SEATS: Final = CtplMeasure.SEATS
_TONNES: Final = CtplMeasure.TONNES

CTPL_BASE_2008: Final[Mapping[VehicleUse, CtplScale]] = MappingProxyType(
    {
        VehicleUse.PRIVATE: CtplScale(_SEATS, (6,), _cny(950, 1100)),
        VehicleUse.ENTERPRISE_NON_COMMERCIAL: CtplScale(
            _SEATS, (6, 10, 20), _cny(1000, 1130, 1220, 1270)
        ),
        VehicleUse.GOVERNMENT_NON_COMMERCIAL: CtplScale(
            _SEATS, (6, 10, 20), _cny(950, 1070, 1140, 1320)
        ),
        VehicleUse.TAXI_RENTAL: CtplScale(
            _SEATS, (6, 10, 20, 36), _cny(1800, 2360, 2400, 2560, 3530)
        ),
        VehicleUse.CITY_BUS: CtplScale(
            _SEATS, (10, 20, 36), _cny(2250, 2520, 3020, 3140), minimum=6
        ),
        VehicleUse.HIGHWAY_COACH: CtplScale(
            _SEATS, (10, 20, 36), _cny(2350, 2620, 3420, 4690), minimum=6
        ),
        VehicleUse.NON_COMMERCIAL_TRUCK: CtplScale(
            _TONNES, (2, 5, 10), _cny(1200, 1470, 1650, 2220)
        ),
        VehicleUse.COMMERCIAL_TRUCK: CtplScale(_TONNES, (2, 5, 10), _cny(1850, 3070, 3450, 4480)),
        VehicleUse.MOTORCYCLE: CtplScale(
            CtplMeasure.ENGINE_CC, (50, 250), _cny(80, 120, 400), upper_closed=True
        ),
    }
)
"""The 2008 base premiums by vehicle use (read-only; ``dict(CTPL_BASE_2008)`` copies it)."""

TRAILER_SHARE: Final = Decimal("0.30")
"""The share of a truck's premium a trailer of the same tonnage pays, 30%."""

_TRUCKS: Final = frozenset({VehicleUse.NON_COMMERCIAL_TRUCK, VehicleUse.COMMERCIAL_TRUCK})


@enum.unique
class CtplFloat(ShortReprEnum):
    """A floating-rate code of the national CTPL scheme (2007), A1 to A6.

    Attributes:
        A1: no at-fault road accident last year (-10%).
        A2: no at-fault road accident in the last 2 years (-20%).
        A3: no at-fault road accident in the last 3 or more years (-30%).
        A4: 1 at-fault accident last year, no death; also no record (0%).
        A5: 2 or more at-fault accidents last year (+10%).
        A6: an at-fault fatal accident last year (+30%).

    >>> CtplFloat("A5")
    CtplFloat.A5
    """

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"
    A4 = "A4"
    A5 = "A5"
    A6 = "A6"


CTPL_FLOATS: Final = MappingProxyType(
    {
        CtplFloat.A1: Decimal("-0.10"),
        CtplFloat.A2: Decimal("-0.20"),
        CtplFloat.A3: Decimal("-0.30"),
        CtplFloat.A4: Decimal("0.00"),
        CtplFloat.A5: Decimal("0.10"),
        CtplFloat.A6: Decimal("0.30"),
    }
)
"""The floating rate of each code, as a fraction (read-only; ``dict(CTPL_FLOATS)`` copies it)."""

_BY_FREE_YEARS: Final = (CtplFloat.A4, CtplFloat.A1, CtplFloat.A2, CtplFloat.A3)


def _measure(
    use: VehicleUse, measure: CtplMeasure, given: dict[CtplMeasure, object]
) -> int | Decimal:
    """Check the measure ``use`` is rated by and refuse the others."""
    for other, value in given.items():
        if other is not measure and value is not None:
            raise InvalidField(
                "ctpl_base_premium",
                other.value,
                f"does not apply: a {use.name} is rated by {measure.value}; leave "
                f"{other.value} out",
            )
    value = given[measure]
    name = measure.value
    if value is None:
        raise InvalidField(
            "ctpl_base_premium", name, f"is missing: a {use.name} is rated by {name}"
        )
    if measure is CtplMeasure.TONNES:
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            _wrong_type(value, f"ctpl_base_premium({name})", "a Decimal or an int")
        if isinstance(value, Decimal) and not value.is_finite():
            raise InvalidField("ctpl_base_premium", name, f"must be finite, not {value}")
    elif isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(value, f"ctpl_base_premium({name})", "an int")
    if value <= 0:
        raise InvalidField("ctpl_base_premium", name, f"must be greater than zero, not {value}")
    return value


def ctpl_base_premium(
    use: VehicleUse,
    *,
    seats: int | None = None,
    tonnes: Decimal | int | None = None,
    engine_cc: int | None = None,
    trailer: bool = False,
    table: Mapping[VehicleUse, CtplScale] = CTPL_BASE_2008,
) -> Money:
    """The CTPL base premium of a vehicle, per year.

    Pass exactly the measure the category is rated by: ``seats`` for cars, buses and
    coaches, ``tonnes`` for trucks and trailers, ``engine_cc`` for motorcycles. Seat
    and tonnage bands include their lower bound (6 seats is "6-10", 2 tonnes "2-5");
    motorcycle bands include their upper bound (50cc pays 80, 250cc pays 120).

    Args:
        use: the vehicle category.
        seats: the number of seats, an ``int``.
        tonnes: the load capacity in tonnes, a ``Decimal`` or an ``int``, never a
            float.
        engine_cc: the engine displacement in cubic centimetres, an ``int``.
        trailer: the vehicle is a trailer of a truck category: it pays
            :data:`TRAILER_SHARE` of that truck's premium for the same tonnage,
            rounded half up to the fen.
        table: the base premiums; :data:`CTPL_BASE_2008` unless given a changed copy.

    Returns:
        The base premium, in the table's currency (CNY).

    Raises:
        ArgumentTypeError: a measure or ``trailer`` has the wrong type (a float for
            ``tonnes``, say).
        InvalidField: ``use`` is not a :class:`VehicleUse` or not in ``table``; the
            category's measure is missing, zero, negative or below the table's
            minimum; another measure is given; or ``trailer`` is set for a category
            that is not a truck.

    >>> from decimal import Decimal
    >>> ctpl_base_premium(VehicleUse.COMMERCIAL_TRUCK, tonnes=Decimal("10"))
    Money('4480.00', 'CNY')
    >>> ctpl_base_premium(VehicleUse.COMMERCIAL_TRUCK, tonnes=Decimal("4.5"), trailer=True)
    Money('921.00', 'CNY')
    >>> ctpl_base_premium(VehicleUse.COMMERCIAL_TRUCK, seats=2)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: ctpl_base_premium.seats: does not apply: \
a COMMERCIAL_TRUCK is rated by tonnes; leave seats out
    """
    reason = _not_a_member(VehicleUse, use)
    if reason is not None:
        raise InvalidField("ctpl_base_premium", "use", reason)
    if not isinstance(trailer, bool):
        _wrong_type(trailer, "ctpl_base_premium(trailer)", "True or False")
    if trailer and use not in _TRUCKS:
        raise InvalidField(
            "ctpl_base_premium",
            "trailer",
            f"applies to trucks only (NON_COMMERCIAL_TRUCK or COMMERCIAL_TRUCK), not {use.name}",
        )
    if use not in table:
        raise InvalidField(
            "ctpl_base_premium", "table", f"has no scale for {use.name}; add one to the table"
        )
    scale = table[use]
    given: dict[CtplMeasure, object] = {
        CtplMeasure.SEATS: seats,
        CtplMeasure.TONNES: tonnes,
        CtplMeasure.ENGINE_CC: engine_cc,
    }
    value = _measure(use, scale.measure, given)
    if scale.minimum is not None and value < scale.minimum:
        raise InvalidField(
            "ctpl_base_premium",
            scale.measure.value,
            f"a {use.name} is rated from {scale.minimum} {scale.measure.value}, not {value}",
        )
    premium = scale.premium_for(value)
    if trailer:
        return (premium * TRAILER_SHARE).round(ROUND_HALF_UP)
    return premium


def _float_count(value: object, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(value, f"ctpl_float({parameter})", "an int")
    if value < 0:
        raise InvalidField("ctpl_float", parameter, f"must not be negative, not {value}")
    return value


def ctpl_float(
    *, accident_free_years: int, at_fault_accidents_last_year: int, fatal_last_year: bool
) -> CtplFloat:
    """Classify a vehicle's road accident record into a floating-rate code.

    The rules, in order (the first that applies decides):

    1. ``fatal_last_year``: an at-fault accident last year caused a death → A6.
    2. 2 or more at-fault accidents last year → A5.
    3. 1 at-fault accident last year → A4.
    4. No at-fault accident last year: by ``accident_free_years``, 3 or more → A3,
       2 → A2, 1 → A1.
    5. No accident and no accident-free year on record (a new vehicle, or one not
       insured last year) → A4, no float.

    Args:
        accident_free_years: consecutive insured years without an at-fault road
            accident, ending last year.
        at_fault_accidents_last_year: at-fault road accidents last year, a fatal one
            included.
        fatal_last_year: one of last year's at-fault accidents caused a death.

    Returns:
        The code; its rate is in :data:`CTPL_FLOATS`.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        InvalidField: a count is negative, or a fatal accident is given with no
            at-fault accident last year.

    >>> ctpl_float(accident_free_years=0, at_fault_accidents_last_year=1, fatal_last_year=True)
    CtplFloat.A6
    >>> ctpl_float(accident_free_years=0, at_fault_accidents_last_year=0, fatal_last_year=False)
    CtplFloat.A4
    """
    free = _float_count(accident_free_years, "accident_free_years")
    accidents = _float_count(at_fault_accidents_last_year, "at_fault_accidents_last_year")
    if not isinstance(fatal_last_year, bool):
        _wrong_type(fatal_last_year, "ctpl_float(fatal_last_year)", "True or False")
    if fatal_last_year and not accidents:
        raise InvalidField(
            "ctpl_float",
            "fatal_last_year",
            "a fatal accident is an at-fault accident: count it in "
            "at_fault_accidents_last_year, which is 0",
        )
    if fatal_last_year:
        return CtplFloat.A6
    if accidents >= 2:
        return CtplFloat.A5
    if accidents == 1:
        return CtplFloat.A4
    return _BY_FREE_YEARS[min(free, len(_BY_FREE_YEARS) - 1)]


def ctpl_premium(
    base: Money, float_: CtplFloat, *, floats: Mapping[CtplFloat, Decimal] = CTPL_FLOATS
) -> Money:
    """The CTPL premium: ``base * (1 + rate)``, rounded half up to the minor unit.

    Args:
        base: the base premium, from :func:`ctpl_base_premium`.
        float_: the floating-rate code, from :func:`ctpl_float`.
        floats: the rates; :data:`CTPL_FLOATS` unless given a changed copy.

    Returns:
        The premium, in the base's currency.

    Raises:
        ArgumentTypeError: ``base`` is not a :class:`~renewal_core.money.Money`.
        InvalidField: ``float_`` is not a :class:`CtplFloat` or not in ``floats``.

    >>> ctpl_premium(Money("1100.00", "CNY"), CtplFloat.A6)
    Money('1430.00', 'CNY')
    """
    if not isinstance(base, Money):
        _wrong_type(base, "ctpl_premium(base)", "a Money")
    reason = _not_a_member(CtplFloat, float_)
    if reason is not None:
        raise InvalidField("ctpl_premium", "float_", reason)
    if float_ not in floats:
        raise InvalidField(
            "ctpl_premium", "floats", f"has no rate for {float_.name}; add one to the mapping"
        )
    return (base * (1 + floats[float_])).round(ROUND_HALF_UP)


# --------------------------------------------------------------------------- cancellation


@enum.unique
class CtplCancellationCase(ShortReprEnum):
    """A statutory case in which the policyholder may cancel CTPL.

    There is no other: a CTPL policy cannot be cancelled at will.

    Attributes:
        DEREGISTERED: the vehicle's registration was cancelled according to law
            (注销登记): scrapped, exported, and so on.
        LAID_UP: the vehicle was laid up, its use suspended with the authorities
            (办理停驶).
        LOST: the vehicle was destroyed, stolen or robbed (灭失/被盗抢).
        INSURED_TWICE: the vehicle was insured twice (重复投保); one of the
            policies is cancelled.

    >>> CtplCancellationCase("laid_up")
    CtplCancellationCase.LAID_UP
    """

    DEREGISTERED = "deregistered"
    LAID_UP = "laid_up"
    LOST = "lost"
    INSURED_TWICE = "insured_twice"


_DAILY: Final = ProRata()

# ``refund`` rounds the earned part and returns premium - earned. Rounding the earned
# part half down rounds the refund, its mirror image, half up (四舍五入), as the
# published formula of the refund reads.
_EARNED_ROUNDING: Final = ROUND_HALF_DOWN


def ctpl_refund(
    premium: Money, term: PolicyTerm, cancelled_on: date, case: CtplCancellationCase
) -> Refund:
    """Refund a CTPL premium cancelled in a statutory case, at 00:00 on ``cancelled_on``.

    By the day: refund = premium * (1 - days of cover elapsed / days in the term),
    computed exactly and rounded once, half up (四舍五入), to the fen; the insurer
    keeps the rest, so ``earned + refund == premium`` exactly. The days elapsed are
    ``term.elapsed_days(cancelled_on)``: a leap-year term has 366 days. Cancelled on
    or before the start day, the whole premium is returned, with no fee; taking effect
    after the term's last day, nothing is.

    The result is the :class:`~renewal_core.pricing.refunds.Refund` of
    ``refund(premium, term, cancelled_on, ProRata(), rounding=ROUND_HALF_DOWN)``: its
    ``rounding`` is that of the earned part, half down, so that the refund (the
    premium less it) is rounded half up. This differs from ``refund``'s default (the
    earned part rounded half up) only when the exact refund ends in half a fen, which
    needs a term with an even number of days, such as 366.

    Args:
        premium: the CTPL premium paid for ``term``, in whole fen, not negative.
        term: the term cancelled.
        cancelled_on: the day the cancellation takes effect, at 00:00 in the policy's
            zone (a ``datetime`` is refused).
        case: the statutory case that allows the cancellation.

    Returns:
        The :class:`~renewal_core.pricing.refunds.Refund`, with its breakdown.

    Raises:
        InvalidField: ``case`` is not a :class:`CtplCancellationCase` (``None``
            included: CTPL cannot be cancelled outside the statutory cases), or
            ``premium`` is negative or finer than the fen.
        ArgumentTypeError: ``premium`` is not a :class:`~renewal_core.money.Money`
            or ``term`` not a :class:`~renewal_core.periods.PolicyTerm`.
        DateTypeError: ``cancelled_on`` is not a date, or is a ``datetime``.

    >>> import pendulum
    >>> from renewal_core.periods import PolicyTerm
    >>> leap = PolicyTerm.annual(pendulum.Date(2024, 1, 1), "Asia/Shanghai")
    >>> done = ctpl_refund(Money("950.01", "CNY"), leap, pendulum.Date(2024, 7, 2),
    ...                    CtplCancellationCase.LAID_UP)
    >>> done.days_used, done.days_in_term, done.refund, done.earned
    (183, 366, Money('475.01', 'CNY'), Money('475.00', 'CNY'))
    >>> ctpl_refund(Money("950.00", "CNY"), leap, pendulum.Date(2024, 7, 2), None)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: ctpl_refund.case: must be a CtplCancellationCase \
member (DEREGISTERED, LAID_UP, LOST or INSURED_TWICE), not NoneType; CTPL may be \
cancelled only in one of these statutory cases
    """
    reason = _not_a_member(CtplCancellationCase, case)
    if reason is not None:
        raise InvalidField(
            "ctpl_refund",
            "case",
            f"{reason}; CTPL may be cancelled only in one of these statutory cases",
        )
    if not isinstance(premium, Money):
        _wrong_type(premium, "ctpl_refund(premium)", "a Money")
    if not isinstance(term, PolicyTerm):
        raise ArgumentTypeError(_type_name(term), "ctpl_refund(term)", "a PolicyTerm")
    day = _to_date(cancelled_on, "ctpl_refund(cancelled_on)")
    return refund(premium, term, day, _DAILY, rounding=_EARNED_ROUNDING)
