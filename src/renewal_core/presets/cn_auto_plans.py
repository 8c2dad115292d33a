"""Rating plans for Chinese auto business, built from the presets: CTPL and an example.

Two :class:`~renewal_core.pricing.rating.RatingPlan`, each plain data to copy and
change with ``attrs.evolve``:

* :data:`CTPL_PLAN` prices compulsory traffic insurance (交强险) from the published
  tables of :mod:`renewal_core.presets.cn_ctpl`: the 2008 base premium by vehicle use
  and band (:data:`CTPL_BASE_TABLE`, keyed by ``("vehicle_use", "measure")``: a
  :class:`~renewal_core.presets.cn_ctpl.VehicleUse` and the seats, tonnes or engine
  cc), times ``1 +`` the floating rate of the ``ctpl_float`` code
  (:data:`CTPL_FLOAT_TABLE`). It prices a vehicle, not a trailer (a trailer pays
  :data:`~renewal_core.presets.cn_ctpl.TRAILER_SHARE` of a truck's premium: use
  :func:`~renewal_core.presets.cn_ctpl.ctpl_base_premium`).
* :data:`EXAMPLE_COMMERCIAL_AUTO_PLAN` is an **illustrative** commercial auto plan,
  used by the documentation: five factors on a rate of the sum insured. Only the
  no-claim discount is a published table (the 2015 edition,
  :data:`~renewal_core.presets.cn_auto_ncd.NCD_2015`); the base rates, the vehicle
  age, region, risk-level and tenure coefficients, the cap, the minimum premium and
  the 6% tax are example figures, not any insurer's or regulator's. Write your own
  plan with your approved tables; the how-to "write a rating plan" shows how.

Both plans round half up to the fen, once (``RoundAt.PREMIUM``), and price a term
shorter than a year by daily pro-rata (their ``short_term`` is ``None``); give a
plan your short-term rate table with ``attrs.evolve(plan, short_term=...)`` where
your rules use one.

A private car under 6 seats with 3 accident-free years (950 * 0.70):

>>> import pendulum
>>> from renewal_core.periods import PolicyTerm
>>> from renewal_core.pricing.rating import RatedRisk, quote
>>> from renewal_core.presets.cn_ctpl import CtplFloat, VehicleUse
>>> car = RatedRisk(
...     {"vehicle_use": VehicleUse.PRIVATE, "measure": 5, "ctpl_float": CtplFloat.A3})
>>> term = PolicyTerm.annual(pendulum.date(2025, 3, 1), "Asia/Shanghai")
>>> quote(car, CTPL_PLAN, term=term, as_of=pendulum.date(2025, 2, 10)).total
Money('665.00', 'CNY')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import pendulum

from renewal_core.money import Money
from renewal_core.presets.cn_auto_ncd import NCD_2015, NcdClass, ncd_coefficient
from renewal_core.presets.cn_ctpl import CTPL_BASE_2008, CTPL_FLOATS, VehicleUse
from renewal_core.pricing.rating import (
    BasePremium,
    Charge,
    Factor,
    RateCap,
    RateKey,
    RateTable,
    RatingPlan,
    SumInsuredRate,
    TableVersion,
)

__all__ = [
    "CTPL_BASE_TABLE",
    "CTPL_FLOAT_TABLE",
    "CTPL_PLAN",
    "EXAMPLE_COMMERCIAL_AUTO_PLAN",
    "EXAMPLE_EFFECTIVE_FROM",
    "NCD_TABLE",
    "ncd_rating_class",
]

_CTPL_BASE_FROM: Final = pendulum.date(2008, 2, 1)
_CTPL_FLOATS_FROM: Final = pendulum.date(2007, 7, 1)
_NCD_FROM: Final = pendulum.date(2015, 6, 1)
EXAMPLE_EFFECTIVE_FROM: Final = pendulum.date(2025, 1, 1)
"""The day the example plan's illustrative tables take effect."""


def _ctpl_base_rates() -> dict[RateKey, Decimal | Money]:
    rates: dict[RateKey, Decimal | Money] = {}
    for use, scale in CTPL_BASE_2008.items():
        first = scale.minimum if scale.minimum is not None else 0
        # Engine cc is a whole number: a band that includes its upper edge starts
        # one cc above it.
        step = 1 if scale.upper_closed else 0
        bounds = [first, *(edge + step for edge in scale.edges)]
        for bound, premium in zip(bounds, scale.premiums, strict=True):
            rates[use, bound] = premium
    return rates


CTPL_BASE_TABLE: Final = RateTable(
    "cn_ctpl_base",
    [TableVersion("2008", _CTPL_BASE_FROM, _ctpl_base_rates(), banded=True)],
)
"""The 2008 CTPL base premiums by ``(VehicleUse, lower bound of the band)``, banded.

The bound is seats, tonnes or, for motorcycles, whole engine cc (0, 51 and 251: the
printed bands "≤50cc / 50-250cc / >250cc" include their upper edge).
"""

CTPL_FLOAT_TABLE: Final = RateTable(
    "cn_ctpl_float",
    [
        TableVersion(
            "2007", _CTPL_FLOATS_FROM, {code: 1 + rate for code, rate in CTPL_FLOATS.items()}
        )
    ],
)
"""``1 +`` the floating rate of each :class:`~renewal_core.presets.cn_ctpl.CtplFloat` code."""

CTPL_PLAN: Final = RatingPlan(
    "cn_ctpl_2008",
    "CNY",
    BasePremium(CTPL_BASE_TABLE, ("vehicle_use", "measure")),
    factors=[Factor("ctpl_float", CTPL_FLOAT_TABLE, "ctpl_float")],
)
"""The CTPL plan, the base premium by use and band times the float.

The risk's attributes: ``vehicle_use``
(:class:`~renewal_core.presets.cn_ctpl.VehicleUse`), ``measure`` (seats, tonnes as a
``Decimal`` or whole engine cc, as the use's
:class:`~renewal_core.presets.cn_ctpl.CtplMeasure` says) and ``ctpl_float``
(:class:`~renewal_core.presets.cn_ctpl.CtplFloat`, from
:func:`~renewal_core.presets.cn_ctpl.ctpl_float`).
"""

NCD_TABLE: Final = RateTable("cn_auto_ncd", [TableVersion("2015", _NCD_FROM, dict(NCD_2015))])
"""The 2015 NCD coefficients by :class:`~renewal_core.presets.cn_auto_ncd.NcdClass`.

In force from 1 June 2015 (the first pilot regions of the reform) with no end day, so
the example plan keeps working; a real plan ends it where the 2020 edition (not
shipped) takes over, and adds that version.
"""


def ncd_rating_class(
    cls: NcdClass, *, ownership_transferred: bool = False, lapsed_months: int = 0
) -> NcdClass:
    """The class to rate by, after the no-float cases of the 2015 table.

    A class whose coefficient the no-float cases replace by 1.00 (ownership
    transferred; a lapse over 6 months; a discount after a lapse of 3 to 6 months)
    rates as :attr:`~renewal_core.presets.cn_auto_ncd.NcdClass.NEW_OR_ONE_CLAIM`,
    whose coefficient is 1.00; any other keeps its class.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        InvalidField: ``cls`` is not an :class:`~renewal_core.presets.cn_auto_ncd.NcdClass`
            or ``lapsed_months`` is negative.

    >>> ncd_rating_class(NcdClass.CLAIM_FREE_3, lapsed_months=4)
    NcdClass.NEW_OR_ONE_CLAIM
    >>> ncd_rating_class(NcdClass.CLAIMS_2, lapsed_months=4)
    NcdClass.CLAIMS_2
    """
    coefficient = ncd_coefficient(
        cls, ownership_transferred=ownership_transferred, lapsed_months=lapsed_months
    )
    return cls if coefficient == NCD_2015[cls] else NcdClass.NEW_OR_ONE_CLAIM


def _example(
    version: str, rates: dict[RateKey, Decimal | Money], *, banded: bool = False
) -> TableVersion:
    return TableVersion(version, EXAMPLE_EFFECTIVE_FROM, rates, banded=banded)


_D = Decimal

EXAMPLE_COMMERCIAL_AUTO_PLAN: Final = RatingPlan(
    "example_commercial_auto",
    "CNY",
    SumInsuredRate(
        RateTable(
            "example_base_rate",
            [
                _example(
                    "example",
                    {
                        VehicleUse.PRIVATE: _D("0.0120"),
                        VehicleUse.ENTERPRISE_NON_COMMERCIAL: _D("0.0135"),
                        VehicleUse.TAXI_RENTAL: _D("0.0180"),
                    },
                )
            ],
        ),
        "vehicle_use",
    ),
    factors=[
        Factor("ncd", NCD_TABLE, "ncd_class"),
        Factor(
            "vehicle_age",
            RateTable(
                "example_vehicle_age",
                [
                    _example(
                        "example",
                        {0: _D("1.00"), 3: _D("1.05"), 6: _D("1.10"), 10: _D("1.20")},
                        banded=True,
                    )
                ],
            ),
            "vehicle_age",
        ),
        Factor(
            "region",
            RateTable(
                "example_region",
                [
                    _example(
                        "example",
                        {
                            "north": _D("1.00"),
                            "east": _D("1.05"),
                            "south": _D("0.95"),
                            "west": _D("1.00"),
                        },
                    )
                ],
            ),
            "region",
        ),
        Factor(
            "risk_level",
            RateTable(
                "example_risk_level",
                [
                    _example(
                        "example", {"low": _D("0.95"), "medium": _D("1.00"), "high": _D("1.15")}
                    )
                ],
            ),
            "risk_level",
        ),
        Factor(
            "tenure",
            RateTable(
                "example_tenure",
                [_example("example", {0: _D("1.00"), 1: _D("0.98"), 3: _D("0.95")}, banded=True)],
            ),
            "renewal_count",
        ),
    ],
    taxes=[Charge("vat", percent=6)],
    cap=RateCap(max_increase=25, max_decrease=25),
    minimum_premium=Money("300.00", "CNY"),
)
"""The illustrative commercial auto plan (example figures except the NCD).

Base: the sum insured times the rate of the ``vehicle_use``
(:class:`~renewal_core.presets.cn_ctpl.VehicleUse`: private 1.20%, enterprise
non-commercial 1.35%, taxi or rental 1.80%). Factors, in order: ``ncd`` by
``ncd_class`` (:data:`NCD_TABLE`), ``vehicle_age`` by whole years (bands from 0, 3,
6 and 10: 1.00, 1.05, 1.10, 1.20), ``region`` (north 1.00, east 1.05, south 0.95,
west 1.00), ``risk_level`` (the :class:`~renewal_core.risk.RiskLevel` value: low
0.95, medium 1.00, high 1.15) and ``tenure`` by ``renewal_count`` (bands from 0, 1
and 3: 1.00, 0.98, 0.95). The change from the expiring premium is capped at 25% either
way, the minimum premium is 300.00 CNY, and a 6% ``vat`` is added on top. All its
tables but the NCD take effect on :data:`EXAMPLE_EFFECTIVE_FROM`.
"""
