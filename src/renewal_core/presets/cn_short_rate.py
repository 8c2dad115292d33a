"""China short-term rate tables (短期费率表): property, accident and marine products.

Percent of the annual premium earned for a cover of N months, a part month counting
as a whole month; over 12 months, whole years at 100% plus the table for the rest
(see :class:`~renewal_core.pricing.refunds.ShortRateTable`).

* :data:`PROPERTY_SHORT_RATE` -- property insurance.
* :data:`ACCIDENT_SHORT_RATE` -- the table some accident products print.
* :data:`MARINE_SHORT_RATE` -- the table some marine products print; months 10 to
  12 all earn 100%.

Edition, source and effective date: the tables as commonly printed in the
short-term rate schedules (短期费率表) attached to Chinese insurers' clauses for
these products. No edition date is printed with them; they take effect for a policy
whose clauses print them, from that policy's start. Check them against the clauses
of the product at hand.

Insurance Law of the PRC, art. 54: cancelled before cover starts, the insurer may
charge the agreed fee and returns the rest; after cover starts, it keeps the premium
earned from the start of cover to the termination, per the contract.

Each table is plain data: build a changed copy with
:meth:`~renewal_core.pricing.refunds.ShortRateTable.monthly`.

>>> [str(band.percent) for band in PROPERTY_SHORT_RATE.bands]
['10', '20', '30', '40', '50', '60', '70', '80', '85', '90', '95', '100']
"""

from __future__ import annotations

from typing import Final

from renewal_core.pricing.refunds import ShortRateTable

__all__ = ["ACCIDENT_SHORT_RATE", "MARINE_SHORT_RATE", "PROPERTY_SHORT_RATE"]

PROPERTY_SHORT_RATE: Final = ShortRateTable.monthly(
    [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100]
)
"""The property insurance table, 10% for one month up to 80% for eight, then 85 to 100."""

ACCIDENT_SHORT_RATE: Final = ShortRateTable.monthly(
    [20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 100]
)
"""The table of some accident products, 20% for one month up to 70% for six, then 75 to 100."""

MARINE_SHORT_RATE: Final = ShortRateTable.monthly(
    [30, 40, 50, 60, 70, 80, 85, 90, 95, 100, 100, 100]
)
"""The table of some marine products, 30% for one month and 100% from the tenth month."""
