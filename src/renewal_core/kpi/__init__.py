"""Indicator math: renewal, retention, persistency, surrender, satisfaction and channel KPIs.

Everything here is also importable from :mod:`renewal_core`; each submodule's
reference page documents it.
"""

from renewal_core.kpi.indicator import (
    VALUE_PLACES,
    Indicator,
    IntervalMethod,
    Period,
    Unit,
    rate,
)

__all__ = [
    "VALUE_PLACES",
    "Indicator",
    "IntervalMethod",
    "Period",
    "Unit",
    "rate",
]
