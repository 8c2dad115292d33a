"""Pricing: renewal premiums, installment plans, cancellation refunds and mid-term adjustments.

Being built (issue 4).
"""

__all__: list[str] = []
