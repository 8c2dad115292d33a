"""Your first renewal figures: a premium in installments, an eligibility check, a risk level.

Run it with ``python docs/examples/quickstart.py`` after ``pip install .``.
"""

from decimal import Decimal

import pendulum

from renewal_core import (
    Channel,
    IdKind,
    LineOfBusiness,
    Money,
    Party,
    PartyKind,
    Policy,
    PolicyStatus,
    PolicyTerm,
    RenewalFacts,
    assess_risk,
    check_eligibility,
    format_day,
    format_money,
)


def main() -> None:
    """Quote a renewal term and its monthly installments."""
    # The expiring term: cover from 00:00 on 29 Feb 2024 to 24:00 on 27 Feb 2025,
    # in the policy's own time zone.
    term = PolicyTerm.annual(pendulum.date(2024, 2, 29), "Asia/Shanghai")
    renewal = term.renewal()  # anniversaries come from the original inception date

    premium = (Money("3650.00", "CNY") * Decimal("0.85")).round()  # 0.85: a no-claim discount
    installments = premium.split(12)

    print(
        f"Renewal term: {format_day(renewal.start, 'en_US')} to {format_day(renewal.end, 'en_US')}"
    )
    print(f"Days of cover: {renewal.days}")
    print(f"Premium: {format_money(premium, 'zh_CN')}")
    print(
        f"12 installments: {installments[0].amount} x {installments.count(installments[0])}, "
        f"then {installments[-1].amount} x {installments.count(installments[-1])}"
    )
    print(f"Installments add up to the premium: {sum(installments) == premium}")

    # Twenty days before expiry, billing says 150.00 of the premium is unpaid, in one
    # installment 12 days overdue.
    policy = Policy(
        number="P-2024-0001",
        holder=Party(
            "C-1001",
            PartyKind.INDIVIDUAL,
            "张三",
            id_kind=IdKind.RESIDENT_ID,
            id_number="11010519491231002X",
            phone="13812345678",
        ),
        line_of_business=LineOfBusiness.AUTO,
        product_code="AUTO-COMMERCIAL",
        term=term,
        status=PolicyStatus.ACTIVE,
        premium=Money("3650.00", "CNY"),
        sales_channel=Channel.AGENT,
        inception=term.start,
    )
    facts = RenewalFacts(
        outstanding_premium=Money("150.00", "CNY"),
        overdue_installments=1,
        days_overdue=12,
        vehicle_first_registered=pendulum.date(2019, 6, 1),
    )
    today = pendulum.date(2025, 2, 7)
    decision = check_eligibility(policy, as_of=today, context=facts)
    print(f"Eligibility: {decision.outcome.value}")
    for reason in decision.reasons:
        print(f"- [{reason.severity.value}] {reason.code}: {reason.message}")
    risk = assess_risk(policy, as_of=today, context=facts)
    print(f"Risk: {risk.level.name} (score {risk.score}); first measure: {risk.measures[0].code}")


if __name__ == "__main__":
    main()
