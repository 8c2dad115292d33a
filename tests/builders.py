"""Builders of valid domain values for the tests (change one field, keep the rest), and
shorthands for the errors the tests expect."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from renewal_core.errors import ArgumentTypeError, InvalidField
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
from renewal_core.money import Money
from renewal_core.periods import PolicyTerm

NAME = "张三"
ID_NUMBER = "110101199003071234"
# The same number with the check digit ISO 7064 MOD 11-2 gives (computed by hand): the
# fixture above has a wrong one, as host data often does.
VALID_ID_NUMBER = "110101199003071233"
PHONE = "13812345678"
EMAIL = "zhang.san@example.com"
PERSONAL = (NAME, ID_NUMBER, PHONE, EMAIL)


def cny(amount: str) -> Money:
    return Money(amount, "CNY")


def make_party(**changes: Any) -> Party:
    fields: dict[str, Any] = {
        "party_id": "C-1001",
        "kind": PartyKind.INDIVIDUAL,
        "name": NAME,
        "id_kind": IdKind.RESIDENT_ID,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": EMAIL,
        "locale": "zh_CN",
        "time_zone": "Asia/Shanghai",
        "preferred_channels": (Channel.MOBILE_APP, Channel.SMS),
    }
    fields.update(changes)
    return Party(**fields)


def make_term(
    start: dt.date = dt.date(2024, 3, 1), inception: dt.date | None = dt.date(2022, 3, 1)
) -> PolicyTerm:
    """An annual term, a renewal year of a policy first written on ``inception``."""
    return PolicyTerm.annual(start, "Asia/Shanghai", inception=inception)


def make_coverage(**changes: Any) -> Coverage:
    fields: dict[str, Any] = {
        "code": "third_party_liability",
        "sum_insured": cny("1000000"),
        "premium": cny("1180.00"),
        "deductible": cny("0"),
        "description": "三者险",
    }
    fields.update(changes)
    return Coverage(**fields)


def make_claim(**changes: Any) -> ClaimRecord:
    fields: dict[str, Any] = {
        "claim_id": "CL-1",
        "occurred_on": dt.date(2024, 7, 1),
        "paid": cny("3200.00"),
        "status": ClaimStatus.CLOSED,
        "at_fault": True,
        "fatal": False,
        "reported_on": dt.date(2024, 7, 2),
    }
    fields.update(changes)
    return ClaimRecord(**fields)


def make_policy(**changes: Any) -> Policy:
    fields: dict[str, Any] = {
        "number": "P-2024-0001",
        "holder": make_party(),
        "line_of_business": LineOfBusiness.AUTO,
        "product_code": "AUTO-COMMERCIAL",
        "term": make_term(),
        "status": PolicyStatus.ACTIVE,
        "premium": cny("3560.00"),
        "sales_channel": Channel.AGENT,
        "inception": dt.date(2022, 3, 1),
        "renewal_count": 2,
        "coverages": [make_coverage()],
        "claims": [make_claim()],
        "payment_status": PaymentStatus.PAID,
        "insured": None,
    }
    fields.update(changes)
    return Policy(**fields)


def loose(value: object) -> Any:
    """Pass a value of the wrong type past the type checker, as a caller without one would."""
    return value


def wrong_type(parameter: str, fragment: str) -> Any:
    """``pytest.raises`` for an ArgumentTypeError of ``parameter`` with ``fragment``."""
    return pytest.raises(ArgumentTypeError, match=rf"^{re.escape(parameter)} takes .*{fragment}")


def invalid(owner: str, field: str, fragment: str) -> Any:
    """``pytest.raises`` for an InvalidField of ``owner.field`` whose reason has ``fragment``."""
    return pytest.raises(InvalidField, match=rf"^{owner}\.{field}: .*{fragment}")
