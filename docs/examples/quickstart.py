"""Your first renewal figures: a premium split into installments over a policy term.

Run it with ``python docs/examples/quickstart.py`` after ``pip install .``.
"""

from decimal import Decimal

import pendulum

from renewal_core import Money, PolicyTerm, format_day, format_money


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


if __name__ == "__main__":
    main()
