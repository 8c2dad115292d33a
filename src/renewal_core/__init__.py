"""renewal_core: typed, exact and explainable building blocks for insurance renewals.

Everything a user needs is importable from here; :mod:`renewal_core.errors` holds
the error tree and :mod:`renewal_core.testing` the hypothesis strategies.
"""

from renewal_core import errors
from renewal_core.formatting import format_day, format_money, format_number, parse_locale
from renewal_core.money import DEFAULT_ROUNDING, Money, minor_units

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_ROUNDING",
    "Money",
    "__version__",
    "errors",
    "format_day",
    "format_money",
    "format_number",
    "minor_units",
    "parse_locale",
]
