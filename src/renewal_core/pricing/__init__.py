"""Pricing: installment plans and payments, cancellation refunds and mid-term adjustments.

Everything here is also importable from :mod:`renewal_core`; each submodule's
reference page documents it.
"""

from renewal_core.pricing.installments import (
    MAX_PLAN_DAYS,
    Delinquency,
    DelinquencyStatus,
    Frequency,
    Installment,
    InstallmentPlan,
    Payment,
    PaymentMethod,
    Schedule,
    ScheduleStanding,
    ScheduleState,
    apply_payment,
    delinquency_status,
    schedule,
)

__all__ = [
    "MAX_PLAN_DAYS",
    "Delinquency",
    "DelinquencyStatus",
    "Frequency",
    "Installment",
    "InstallmentPlan",
    "Payment",
    "PaymentMethod",
    "Schedule",
    "ScheduleStanding",
    "ScheduleState",
    "apply_payment",
    "delinquency_status",
    "schedule",
]
