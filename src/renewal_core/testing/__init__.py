"""Hypothesis strategies for ``renewal_core`` values, for use in your own tests.

This subpackage needs `hypothesis <https://hypothesis.readthedocs.io>`_ (installed
with the ``test`` extra); ``import renewal_core`` never imports it.

>>> from hypothesis import given
>>> from renewal_core.testing import money
>>> @given(money(currency="CNY"))
... def test_round_is_idempotent(m):
...     assert m.round().round() == m.round()
>>> test_round_is_idempotent()
"""

from renewal_core.testing._strategies import (
    amounts,
    claim_records,
    coverages,
    currencies,
    days,
    money,
    parties,
    policies,
    policy_terms,
    time_zones,
)

__all__ = [
    "amounts",
    "claim_records",
    "coverages",
    "currencies",
    "days",
    "money",
    "parties",
    "policies",
    "policy_terms",
    "time_zones",
]
