"""China commercial auto no-claim discount (无赔款优待系数, NCD), 2015 reform edition.

The coefficient applied to a commercial auto premium by the vehicle's claim history:

=============================================  ===========
Claim history                                  Coefficient
=============================================  ===========
3 consecutive claim-free years                 0.60
2 consecutive claim-free years                 0.70
claim-free last year                           0.85
new business, or 1 claim last year             1.00
2 claims last year                             1.25
3 claims last year                             1.50
4 claims last year                             1.75
5 or more claims last year                     2.00
=============================================  ===========

No float (coefficient 1.00) for a vehicle whose ownership was transferred, nor for
a policy lapsed more than 6 months; lapsed 3 to 6 months: no downward float.

Edition, source and effective date: the NCD table of the 2015 reform of Chinese
commercial auto pricing (商业车险费率改革, 2015), in force for commercial auto
policies written under the 2014 model clauses from the reform's pilot in 2015 until
the 2020 reform replaced it. The 2020 edition (ten levels from 0.5 to 2.0) is not
shipped here.

:func:`ncd_class` classifies a claim history, :data:`NCD_2015` holds the
coefficients, and :func:`ncd_coefficient` applies the no-float cases. The table is
plain data: ``dict(NCD_2015)`` is a copy you can change.

>>> cls = ncd_class(claim_free_years=3, claims_last_year=0)
>>> cls
NcdClass.CLAIM_FREE_3
>>> ncd_coefficient(cls)
Decimal('0.60')
>>> ncd_coefficient(cls, lapsed_months=4)
Decimal('1.00')
>>> ncd_coefficient(ncd_class(claim_free_years=0, claims_last_year=2), lapsed_months=4)
Decimal('1.25')
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import _not_a_member, _wrong_type
from renewal_core.errors import InvalidField

__all__ = ["NCD_2015", "NcdClass", "ncd_class", "ncd_coefficient"]


@enum.unique
class NcdClass(ShortReprEnum):
    """A claim-history class of the 2015 NCD table.

    Attributes:
        CLAIM_FREE_3: 3 or more consecutive claim-free years (0.60).
        CLAIM_FREE_2: 2 consecutive claim-free years (0.70).
        CLAIM_FREE_1: claim-free last year (0.85).
        NEW_OR_ONE_CLAIM: new business, or 1 claim last year (1.00).
        CLAIMS_2: 2 claims last year (1.25).
        CLAIMS_3: 3 claims last year (1.50).
        CLAIMS_4: 4 claims last year (1.75).
        CLAIMS_5_PLUS: 5 or more claims last year (2.00).

    >>> NcdClass("claims_2")
    NcdClass.CLAIMS_2
    """

    CLAIM_FREE_3 = "claim_free_3"
    CLAIM_FREE_2 = "claim_free_2"
    CLAIM_FREE_1 = "claim_free_1"
    NEW_OR_ONE_CLAIM = "new_or_one_claim"
    CLAIMS_2 = "claims_2"
    CLAIMS_3 = "claims_3"
    CLAIMS_4 = "claims_4"
    CLAIMS_5_PLUS = "claims_5_plus"


NCD_2015: Final = MappingProxyType(
    {
        NcdClass.CLAIM_FREE_3: Decimal("0.60"),
        NcdClass.CLAIM_FREE_2: Decimal("0.70"),
        NcdClass.CLAIM_FREE_1: Decimal("0.85"),
        NcdClass.NEW_OR_ONE_CLAIM: Decimal("1.00"),
        NcdClass.CLAIMS_2: Decimal("1.25"),
        NcdClass.CLAIMS_3: Decimal("1.50"),
        NcdClass.CLAIMS_4: Decimal("1.75"),
        NcdClass.CLAIMS_5_PLUS: Decimal("2.00"),
    }
)
"""The 2015 coefficients by class (read-only; ``dict(NCD_2015)`` is a changeable copy)."""

_NO_FLOAT: Final = Decimal("1.00")

_BY_CLAIMS: Final = (
    NcdClass.NEW_OR_ONE_CLAIM,
    NcdClass.CLAIMS_2,
    NcdClass.CLAIMS_3,
    NcdClass.CLAIMS_4,
    NcdClass.CLAIMS_5_PLUS,
)
_BY_CLAIM_FREE_YEARS: Final = (
    NcdClass.NEW_OR_ONE_CLAIM,
    NcdClass.CLAIM_FREE_1,
    NcdClass.CLAIM_FREE_2,
    NcdClass.CLAIM_FREE_3,
)


def _count(value: object, function: str, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        _wrong_type(value, f"{function}({parameter})", "an int")
    if value < 0:
        raise InvalidField(function, parameter, f"must not be negative, not {value}")
    return value


def _flag(value: object, function: str, parameter: str) -> bool:
    if not isinstance(value, bool):
        _wrong_type(value, f"{function}({parameter})", "True or False")
    return value


def ncd_class(
    *, claim_free_years: int, claims_last_year: int, new_business: bool = False
) -> NcdClass:
    """Classify a commercial auto claim history in the 2015 NCD table.

    The rules, in order:

    1. ``claims_last_year`` of 1 or more decides: 1 claim gives
       :attr:`~NcdClass.NEW_OR_ONE_CLAIM`, 2, 3 and 4 claims their own classes, 5 or
       more :attr:`~NcdClass.CLAIMS_5_PLUS`, whatever ``claim_free_years`` says
       (claim-free years before last year's claim earn nothing).
    2. Otherwise ``claim_free_years``, the consecutive insured years without a claim
       ending with last year, decides: 3 or more give
       :attr:`~NcdClass.CLAIM_FREE_3`, 2 :attr:`~NcdClass.CLAIM_FREE_2`, 1
       :attr:`~NcdClass.CLAIM_FREE_1`.
    3. Otherwise (no claim-free year and no claim on record) the vehicle has no
       history to float on: :attr:`~NcdClass.NEW_OR_ONE_CLAIM` (1.00), as new
       business.

    Args:
        claim_free_years: consecutive insured claim-free years ending last year.
        claims_last_year: claims paid under last year's policy.
        new_business: the vehicle is insured for the first time; it then has no
            history, so both counts must be 0.

    Returns:
        The class; look its coefficient up with :func:`ncd_coefficient`.

    Raises:
        ArgumentTypeError: a count is not an ``int`` or ``new_business`` not a bool.
        InvalidField: a count is negative, or new business is given a history.

    >>> ncd_class(claim_free_years=2, claims_last_year=0)
    NcdClass.CLAIM_FREE_2
    >>> ncd_class(claim_free_years=5, claims_last_year=1)
    NcdClass.NEW_OR_ONE_CLAIM
    >>> ncd_class(claim_free_years=0, claims_last_year=0, new_business=True)
    NcdClass.NEW_OR_ONE_CLAIM
    """
    free = _count(claim_free_years, "ncd_class", "claim_free_years")
    claims = _count(claims_last_year, "ncd_class", "claims_last_year")
    if _flag(new_business, "ncd_class", "new_business") and (free or claims):
        raise InvalidField(
            "ncd_class",
            "new_business",
            f"a new business has no claim history, but got claim_free_years={free} and "
            f"claims_last_year={claims}; pass 0 for both, or new_business=False",
        )
    if claims:
        return _BY_CLAIMS[min(claims, len(_BY_CLAIMS)) - 1]
    return _BY_CLAIM_FREE_YEARS[min(free, len(_BY_CLAIM_FREE_YEARS) - 1)]


def ncd_coefficient(
    cls: NcdClass,
    *,
    ownership_transferred: bool = False,
    lapsed_months: int = 0,
    table: Mapping[NcdClass, Decimal] = NCD_2015,
) -> Decimal:
    """The NCD coefficient of a class, after the no-float cases.

    * ``ownership_transferred``, or ``lapsed_months`` more than 6 (7 or more): no
      float at all, 1.00, whether the class would have discounted or surcharged
      (the history does not carry over).
    * ``lapsed_months`` from 3 to 6, both included: no downward float; a
      coefficient below 1.00 becomes 1.00, one above stays.
    * Otherwise the class's coefficient from ``table``.

    Args:
        cls: the class, from :func:`ncd_class`.
        ownership_transferred: the vehicle changed owner since the last policy.
        lapsed_months: whole months without cover between the last policy and this
            one; count a part month as your rules say (a lapse of 6 months and some
            days is more than 6 months only if counted as 7).
        table: the coefficients; :data:`NCD_2015` unless given a changed copy.

    Returns:
        The coefficient, an exact ``Decimal`` with two decimals as printed.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        InvalidField: ``cls`` is not an :class:`NcdClass`, ``table`` lacks it, or
            ``lapsed_months`` is negative.

    >>> ncd_coefficient(NcdClass.CLAIM_FREE_1)
    Decimal('0.85')
    >>> ncd_coefficient(NcdClass.CLAIMS_3, ownership_transferred=True)
    Decimal('1.00')
    >>> ncd_coefficient(NcdClass.CLAIMS_3, lapsed_months=7)
    Decimal('1.00')
    """
    reason = _not_a_member(NcdClass, cls)
    if reason is not None:
        raise InvalidField("ncd_coefficient", "cls", reason)
    transferred = _flag(ownership_transferred, "ncd_coefficient", "ownership_transferred")
    lapse = _count(lapsed_months, "ncd_coefficient", "lapsed_months")
    if cls not in table:
        raise InvalidField(
            "ncd_coefficient", "table", f"has no coefficient for {cls!r}; add one to the table"
        )
    coefficient = table[cls]
    if transferred or lapse > 6:
        return _NO_FLOAT
    if lapse >= 3:
        return max(coefficient, _NO_FLOAT)
    return coefficient
