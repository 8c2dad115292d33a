"""China commercial auto surrender (退保): 3% fee before cover starts, daily pro-rata after.

Edition, source and effective date: the 2014 model clauses of Chinese commercial
auto insurance (中国保险行业协会机动车综合商业保险示范条款, 2014 edition), in
force for commercial auto policies written under them from their pilot in 2015:

* cancelled before cover starts, the insurer keeps a 3% fee and refunds the rest
  (:data:`FEE_BEFORE_START`; the "agreed fee" of Insurance Law art. 54);
* after cover starts, the premium is earned by day over the term's days and the
  unearned part refunded (:data:`METHOD`, daily pro-rata).

:func:`surrender` applies both.

>>> import pendulum
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> term = PolicyTerm.annual(pendulum.Date(2025, 1, 1), "Asia/Shanghai")
>>> surrender(Money("3650.00", "CNY"), term, pendulum.Date(2024, 12, 30)).refund
Money('3540.50', 'CNY')
>>> surrender(Money("3650.00", "CNY"), term, pendulum.Date(2025, 4, 11)).earned
Money('1000.00', 'CNY')
"""

from __future__ import annotations

from datetime import date
from typing import Final

from renewal_core.money import Money
from renewal_core.periods import PolicyTerm
from renewal_core.pricing.refunds import Fee, ProRata, Refund, refund

__all__ = ["FEE_BEFORE_START", "METHOD", "surrender"]

FEE_BEFORE_START: Final = Fee(percent=3)
"""The fee kept when the policy is cancelled before cover starts, 3% of the premium."""

METHOD: Final = ProRata()
"""Daily pro-rata over the term's days, once cover has started."""


def surrender(premium: Money, term: PolicyTerm, cancelled_on: date) -> Refund:
    """Refund a commercial auto premium surrendered at 00:00 on ``cancelled_on``.

    The same as ``refund(premium, term, cancelled_on, METHOD,
    fee_before_start=FEE_BEFORE_START)``, rounding half up to the minor unit.
    """
    return refund(premium, term, cancelled_on, METHOD, fee_before_start=FEE_BEFORE_START)
