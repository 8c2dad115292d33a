"""renewal_core: typed, exact and explainable building blocks for insurance renewals.

Everything a user needs is importable from here. :mod:`renewal_core.errors` holds
the error tree and :mod:`renewal_core.testing` the hypothesis strategies for your
own tests (it needs the ``test`` extra and is not imported here).

The library logs through ``logging.getLogger("renewal_core")`` with a
``NullHandler`` and configures nothing else; no log record carries personal data.
"""

import logging

from renewal_core import errors
from renewal_core.formatting import format_day, format_money, format_number, parse_locale
from renewal_core.model import (
    Channel,
    ClaimRecord,
    ClaimStatus,
    Coverage,
    IdKind,
    LineOfBusiness,
    Party,
    PartyKind,
    PaymentStatus,
    Policy,
    PolicyStatus,
)
from renewal_core.money import (
    AMOUNT_DIGITS_LIMIT,
    DEFAULT_ROUNDING,
    DIVISION_DIGITS,
    DIVISION_FRACTION_DIGITS,
    ROUNDING_MODES,
    Money,
    is_plain_decimal,
    minor_units,
)
from renewal_core.periods import (
    MonthEndRule,
    PolicyTerm,
    RenewalCadence,
    add_months,
    anniversary,
    local_day,
    time_zone,
)
from renewal_core.privacy import mask_email, mask_id_number, mask_name, mask_phone
from renewal_core.serialization import from_json, make_converter, to_json

__version__ = "0.1.0"

__all__ = [
    "AMOUNT_DIGITS_LIMIT",
    "DEFAULT_ROUNDING",
    "DIVISION_DIGITS",
    "DIVISION_FRACTION_DIGITS",
    "ROUNDING_MODES",
    "Channel",
    "ClaimRecord",
    "ClaimStatus",
    "Coverage",
    "IdKind",
    "LineOfBusiness",
    "Money",
    "MonthEndRule",
    "Party",
    "PartyKind",
    "PaymentStatus",
    "Policy",
    "PolicyStatus",
    "PolicyTerm",
    "RenewalCadence",
    "__version__",
    "add_months",
    "anniversary",
    "errors",
    "format_day",
    "format_money",
    "format_number",
    "from_json",
    "is_plain_decimal",
    "local_day",
    "make_converter",
    "mask_email",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "minor_units",
    "parse_locale",
    "time_zone",
    "to_json",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
