from __future__ import annotations

import calendar
import decimal
import itertools
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from renewal_core.errors import (
    AllocationError,
    ArgumentTypeError,
    CurrencyMismatch,
    DateOutOfRange,
    DateTypeError,
    InvalidField,
)
from renewal_core.money import Money
from renewal_core.pricing.installments import (
    MAX_PLAN_DAYS,
    MAX_REINSTATEMENT_DAYS,
    DelinquencyStatus,
    Frequency,
    InstallmentPlan,
    Payment,
    PaymentMethod,
    Reinstatement,
    ReinstatementRules,
    Schedule,
    ScheduleState,
    apply_payment,
    apply_reinstatement,
    delinquency_status,
    quote_reinstatement,
    schedule,
)
from renewal_core.reasons import Severity

D = pendulum.date


def cny(text: str) -> Money:
    return Money(text, "CNY")


def pay(text: str, day: date, method: PaymentMethod = PaymentMethod.CARD) -> Payment:
    return Payment(cny(text), day, method)


# --------------------------------------------------------------- independent references


def ref_month_shift(start: date, months: int) -> date:
    # Plain month arithmetic, clamped to the month's last day.
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def ref_allocate(units: int, weights: list[int]) -> list[int]:
    # Largest remainder, written out as a loop; earlier parts win ties.
    total = sum(weights)
    shares = [units * w // total for w in weights]
    remainders = [units * w % total for w in weights]
    left = units - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def ref_split(units: int, parts: int) -> list[int]:
    return ref_allocate(units, [1] * parts)


# --------------------------------------------------------------- examples: amounts


def test_3102_50_in_12_monthly_installments() -> None:
    result = schedule(cny("3102.50"), InstallmentPlan(count=12), start=D(2024, 3, 1))
    amounts = [item.amount for item in result.installments]
    assert amounts == [cny("258.55")] * 2 + [cny("258.54")] * 10
    assert result.total == cny("3102.50")
    assert [item.number for item in result.installments] == list(range(1, 13))
    assert all(item.fee == cny("0.00") for item in result.installments)
    assert result.fees == cny("0.00")
    assert result.amount_due == cny("3102.50")


def test_31_january_2024_start_clamps_to_month_ends_without_drift() -> None:
    result = schedule(cny("1200.00"), InstallmentPlan(count=12), start=D(2024, 1, 31))
    due = [item.due_on for item in result.installments]
    assert due[:5] == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
        D(2024, 5, 31),
    ]
    assert due[-1] == D(2024, 12, 31)
    assert all(type(day) is pendulum.Date for day in due)
    assert [item.bill_on for item in result.installments] == due


def test_common_year_february() -> None:
    result = schedule(cny("100.00"), InstallmentPlan(count=2), start=D(2025, 1, 31))
    assert result.installments[1].due_on == D(2025, 2, 28)


def test_leap_day_start_annual_plan() -> None:
    plan = InstallmentPlan(count=5, frequency=Frequency.ANNUAL)
    result = schedule(cny("500.00"), plan, start=D(2024, 2, 29))
    assert [item.due_on for item in result.installments] == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_30_percent_down_payment() -> None:
    plan = InstallmentPlan(count=4, down_payment=Decimal("30"))
    result = schedule(cny("1000.01"), plan, start=D(2024, 1, 1))
    # 30% of 1000.01 = 300.003 -> 300.00; the rest 700.01 over 3: 233.34, 233.34, 233.33.
    assert [item.amount for item in result.installments] == [
        cny("300.00"),
        cny("233.34"),
        cny("233.34"),
        cny("233.33"),
    ]


def test_percent_down_payment_rounds_half_up() -> None:
    plan = InstallmentPlan(count=2, down_payment=Decimal("50"))
    result = schedule(cny("0.01"), plan, start=D(2024, 1, 1))
    assert [item.amount for item in result.installments] == [cny("0.01"), cny("0.00")]


def test_int_percent_and_money_down_payment() -> None:
    by_percent = schedule(
        cny("100.00"), InstallmentPlan(count=3, down_payment=25), start=D(2024, 1, 1)
    )
    assert [i.amount for i in by_percent.installments] == [
        cny("25.00"),
        cny("37.50"),
        cny("37.50"),
    ]
    by_amount = schedule(
        cny("100.00"), InstallmentPlan(count=3, down_payment=cny("40")), start=D(2024, 1, 1)
    )
    assert [repr(i.amount) for i in by_amount.installments] == [
        "Money('40.00', 'CNY')",
        "Money('30.00', 'CNY')",
        "Money('30.00', 'CNY')",
    ]
    whole = schedule(
        cny("100.00"), InstallmentPlan(count=2, down_payment=cny("100.00")), start=D(2024, 1, 1)
    )
    assert [i.amount for i in whole.installments] == [cny("100.00"), cny("0.00")]


def test_fees_on_every_installment_or_all_but_the_first() -> None:
    fee = cny("5.00")
    every = schedule(
        cny("300.00"),
        InstallmentPlan(count=3, fee=fee),
        start=D(2024, 1, 1),
    )
    assert [i.fee for i in every.installments] == [fee] * 3
    assert [i.amount_due for i in every.installments] == [cny("105.00")] * 3
    assert every.fees == cny("15.00")
    assert every.amount_due == cny("315.00")
    assert every.total == cny("300.00")
    waived = schedule(
        cny("300.00"),
        InstallmentPlan(count=3, fee=fee, fee_on_first=False),
        start=D(2024, 1, 1),
    )
    assert [i.fee for i in waived.installments] == [cny("0.00"), fee, fee]
    assert waived.amount_due == cny("310.00")


def test_quarterly_plan() -> None:
    plan = InstallmentPlan(count=4, frequency=Frequency.QUARTERLY)
    result = schedule(cny("1000.00"), plan, start=D(2024, 11, 30))
    assert [(i.due_on, i.amount) for i in result.installments] == [
        (D(2024, 11, 30), cny("250.00")),
        (D(2025, 2, 28), cny("250.00")),
        (D(2025, 5, 30), cny("250.00")),
        (D(2025, 8, 30), cny("250.00")),
    ]


def test_semi_annual_and_every_two_months() -> None:
    semi = schedule(
        cny("1.00"),
        InstallmentPlan(count=2, frequency=Frequency.SEMI_ANNUAL),
        start=D(2024, 8, 31),
    )
    assert [i.due_on for i in semi.installments] == [D(2024, 8, 31), D(2025, 2, 28)]
    assert [i.amount for i in semi.installments] == [cny("0.50"), cny("0.50")]
    plan = InstallmentPlan(count=3, frequency=2)
    assert plan.months_between == 2
    every_two = schedule(cny("1.00"), plan, start=D(2024, 12, 31))
    assert [i.due_on for i in every_two.installments] == [
        D(2024, 12, 31),
        D(2025, 2, 28),
        D(2025, 4, 30),
    ]
    assert [i.amount for i in every_two.installments] == [
        cny("0.34"),
        cny("0.33"),
        cny("0.33"),
    ]


def test_zero_total() -> None:
    result = schedule(
        cny("0.00"), InstallmentPlan(count=3, down_payment=Decimal(10)), start=D(2024, 1, 1)
    )
    assert [i.amount for i in result.installments] == [cny("0.00")] * 3
    state = ScheduleState.unpaid(result)
    assert delinquency_status(state, D(2030, 1, 1)).status is DelinquencyStatus.CURRENT
    standing = state.as_of(D(2030, 1, 1))
    assert len(standing.paid) == 3
    assert standing.open == ()


def test_count_one_and_jpy() -> None:
    result = schedule(Money("12345", "JPY"), InstallmentPlan(count=1), start=date(2024, 5, 6))
    assert len(result.installments) == 1
    only = result.installments[0]
    assert only.amount == Money("12345", "JPY")
    assert only.due_on == D(2024, 5, 6)
    assert type(result.start) is pendulum.Date


def test_fixed_due_day_clamped() -> None:
    plan = InstallmentPlan(count=4, due_day=31)
    result = schedule(cny("4.00"), plan, start=D(2024, 1, 10))
    assert [i.due_on for i in result.installments] == [
        D(2024, 1, 10),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]
    early = schedule(cny("4.00"), InstallmentPlan(count=2, due_day=5), start=D(2024, 1, 20))
    assert [i.due_on for i in early.installments] == [D(2024, 1, 20), D(2024, 2, 5)]


def test_bill_lead_days() -> None:
    plan = InstallmentPlan(count=3, bill_lead_days=10)
    result = schedule(cny("3.00"), plan, start=D(2024, 3, 5))
    assert [i.bill_on for i in result.installments] == [
        D(2024, 2, 24),
        D(2024, 3, 26),
        D(2024, 4, 25),
    ]


# --------------------------------------------------------------- schedule errors


def test_schedule_refuses_bad_arguments() -> None:
    plan = InstallmentPlan(count=2)
    with pytest.raises(ArgumentTypeError, match=r"schedule\(total\) takes a Money"):
        schedule(Decimal("1"), plan, start=D(2024, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"schedule\(plan\)"):
        schedule(cny("1.00"), "monthly", start=D(2024, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(DateTypeError):
        schedule(cny("1.00"), plan, start=datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidField, match=r"Schedule\.total: must not be negative"):
        schedule(cny("-1.00"), plan, start=D(2024, 1, 1))
    with pytest.raises(AllocationError, match="round it first"):
        schedule(cny("1.001"), plan, start=D(2024, 1, 1))


def test_schedule_refuses_currency_mismatch_and_large_down_payment() -> None:
    with pytest.raises(CurrencyMismatch):
        schedule(
            cny("1.00"),
            InstallmentPlan(count=2, fee=Money("1.00", "USD")),
            start=D(2024, 1, 1),
        )
    with pytest.raises(CurrencyMismatch):
        schedule(
            cny("1.00"),
            InstallmentPlan(count=2, down_payment=Money("1.00", "USD")),
            start=D(2024, 1, 1),
        )
    with pytest.raises(InvalidField, match="more than the premium"):
        schedule(
            cny("1.00"),
            InstallmentPlan(count=2, down_payment=cny("1.01")),
            start=D(2024, 1, 1),
        )


def test_schedule_dates_out_of_range() -> None:
    with pytest.raises(DateOutOfRange):
        schedule(cny("2.00"), InstallmentPlan(count=2), start=D(9999, 12, 1))
    with pytest.raises(DateOutOfRange, match="outside the years 1 to 9999"):
        schedule(cny("1.00"), InstallmentPlan(count=1, bill_lead_days=5), start=D(1, 1, 2))


# --------------------------------------------------------------- plan validation


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"count": 0}, "count: must be at least 1"),
        ({"count": True}, "count: must be an int"),
        ({"frequency": "monthly"}, "frequency: must be a Frequency member"),
        ({"frequency": 0}, "frequency: must be at least 1 month"),
        ({"frequency": True}, "frequency: must be a Frequency member"),
        ({"down_payment": Decimal(0)}, "above 0 and below 100"),
        ({"down_payment": Decimal(100)}, "above 0 and below 100"),
        ({"down_payment": Decimal("NaN")}, "above 0 and below 100"),
        ({"down_payment": 0.3}, r"write Decimal\('0.3'\)"),
        ({"down_payment": "30"}, "must be a Money amount or a percent"),
        ({"down_payment": True}, "must be a Money amount or a percent"),
        ({"down_payment": Money("0.00", "CNY")}, "must be greater than zero"),
        ({"down_payment": Money("1.001", "CNY")}, "finer than the minor unit"),
        ({"fee": Money("-1.00", "CNY")}, "fee: must not be negative"),
        ({"fee": Decimal(1)}, "fee: must be a Money"),
        ({"fee_on_first": 1}, "fee_on_first: must be True or False"),
        ({"due_day": 0}, "due_day: must be at least 1"),
        ({"due_day": 32}, "from 1 to 31"),
        ({"bill_lead_days": -1}, "bill_lead_days: must not be negative"),
        ({"bill_lead_days": MAX_PLAN_DAYS + 1}, "at most 366 days"),
        ({"bill_lead_days": None}, "bill_lead_days: must be an int"),
        ({"grace_days": MAX_PLAN_DAYS + 1}, "at most 366 days"),
        ({"grace_days": "30"}, "grace_days: must be an int"),
    ],
)
def test_plan_validation(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"count": 2, **changes}
    with pytest.raises(InvalidField, match=message):
        InstallmentPlan(**fields)  # type: ignore[arg-type]


def test_plan_cross_checks_and_defaults() -> None:
    with pytest.raises(InvalidField, match="needs at least 2 installments"):
        InstallmentPlan(count=1, down_payment=cny("1.00"))
    with pytest.raises(CurrencyMismatch):
        InstallmentPlan(count=2, down_payment=cny("1.00"), fee=Money("1.00", "USD"))
    plan = InstallmentPlan(count=2, down_payment=cny("1.00"), fee=cny("1.00"), grace_days=0)
    assert plan.grace_days == 0
    default = InstallmentPlan(count=3)
    assert default.frequency is Frequency.MONTHLY
    assert default.months_between == 1
    assert (default.down_payment, default.fee, default.due_day, default.grace_days) == (
        None,
        None,
        None,
        None,
    )
    assert default.bill_lead_days == 0
    assert default.fee_on_first is True
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        default.count = 4  # type: ignore[misc]
    assert [f.months for f in Frequency] == [12, 6, 3, 1]
    assert repr(Frequency.QUARTERLY) == "Frequency.QUARTERLY"
    assert repr(PaymentMethod.CASH) == "PaymentMethod.CASH"
    assert repr(DelinquencyStatus.LAPSED) == "DelinquencyStatus.LAPSED"
    assert {m.value for m in PaymentMethod} == {
        "card",
        "bank_transfer",
        "e_wallet",
        "payroll_deduction",
        "cash",
        "other",
    }


# --------------------------------------------------------------- payments


def three_months(plan_changes: dict[str, object] | None = None) -> Schedule:
    plan = InstallmentPlan(count=3, **(plan_changes or {}))  # type: ignore[arg-type]
    return schedule(cny("300.00"), plan, start=D(2024, 1, 15))


def test_payment_validation() -> None:
    assert pay("1.00", date(2024, 1, 1)).received_on == D(2024, 1, 1)
    assert type(pay("1.00", date(2024, 1, 1)).received_on) is pendulum.Date
    with pytest.raises(InvalidField, match="amount: must be greater than zero"):
        pay("0.00", D(2024, 1, 1))
    with pytest.raises(DateTypeError):
        pay("1.00", datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(InvalidField, match="method: must be a PaymentMethod"):
        Payment(cny("1.00"), D(2024, 1, 1), "card")  # type: ignore[arg-type]


def test_partial_then_full_payment_fee_first() -> None:
    state = ScheduleState.unpaid(three_months({"fee": cny("2.00")}))
    assert state.paid == (cny("0.00"),) * 3
    assert state.last_received_on is None
    state = apply_payment(state, pay("50.00", D(2024, 1, 10)))
    assert state.paid == (cny("50.00"), cny("0.00"), cny("0.00"))
    assert state.settled_on == (None, None, None)
    standing = state.as_of(D(2024, 1, 16))
    assert [i.number for i in standing.overdue] == [1]
    assert standing.overdue_amount == cny("52.00")
    assert standing.outstanding == cny("256.00")
    # fee first: 2.00 of the 50.00 paid the fee, 48.00 the premium part
    state = apply_payment(state, pay("60.00", D(2024, 1, 16), PaymentMethod.E_WALLET))
    assert state.paid == (cny("102.00"), cny("8.00"), cny("0.00"))
    assert state.settled_on == (D(2024, 1, 16), None, None)
    assert state.credit == cny("0.00")
    standing = state.as_of(D(2024, 1, 16))
    assert [i.number for i in standing.paid] == [1]
    assert [i.number for i in standing.open] == [2, 3]
    assert standing.overdue == ()
    assert standing.as_of == D(2024, 1, 16)


def test_over_payment_kept_as_credit() -> None:
    original = ScheduleState.unpaid(three_months())
    state = apply_payment(original, pay("350.00", D(2024, 1, 15)))
    assert state.paid == (cny("100.00"),) * 3
    assert state.settled_on == (D(2024, 1, 15),) * 3
    assert state.credit == cny("50.00")
    more = apply_payment(state, pay("1.00", D(2024, 2, 1)))
    assert more.credit == cny("51.00")
    assert more.paid == state.paid
    assert original.paid == (cny("0.00"),) * 3  # never mutated
    assert state.as_of(D(2025, 1, 1)).credit == cny("50.00")


def test_payment_errors() -> None:
    state = ScheduleState.unpaid(three_months())
    with pytest.raises(CurrencyMismatch):
        apply_payment(state, Payment(Money("1.00", "USD"), D(2024, 1, 1), PaymentMethod.CASH))
    with pytest.raises(ArgumentTypeError):
        apply_payment("state", pay("1.00", D(2024, 1, 1)))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        apply_payment(state, cny("1.00"))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        ScheduleState.unpaid("schedule")  # type: ignore[arg-type]
    later = apply_payment(state, pay("1.00", D(2024, 2, 1)))
    with pytest.raises(InvalidField, match="in the order they were received"):
        apply_payment(later, pay("1.00", D(2024, 1, 31)))
    with pytest.raises(InvalidField, match="before 2024-02-01"):
        later.as_of(D(2024, 1, 31))
    with pytest.raises(InvalidField, match="before 2024-02-01"):
        delinquency_status(later, D(2024, 1, 31))
    with pytest.raises(ArgumentTypeError):
        delinquency_status("state", D(2024, 1, 31))  # type: ignore[arg-type]


# --------------------------------------------------------------- delinquency


def test_delinquency_with_grace_period() -> None:
    state = ScheduleState.unpaid(three_months({"grace_days": 10}))
    on_due = delinquency_status(state, D(2024, 1, 15))
    assert on_due.status is DelinquencyStatus.CURRENT
    assert (on_due.installment, on_due.due_on, on_due.grace_ends_on, on_due.lapses_on) == (
        None,
        None,
        None,
        None,
    )
    assert on_due.overdue_amount == cny("0.00")
    grace = delinquency_status(state, D(2024, 1, 16))
    assert grace.status is DelinquencyStatus.IN_GRACE
    assert grace.installment == 1
    assert grace.due_on == D(2024, 1, 15)
    assert grace.grace_ends_on == D(2024, 1, 25)
    assert grace.lapses_on == D(2024, 1, 26)
    assert grace.overdue_amount == cny("100.00")
    assert delinquency_status(state, D(2024, 1, 25)).status is DelinquencyStatus.IN_GRACE
    lapsed = delinquency_status(state, D(2024, 1, 26))
    assert lapsed.status is DelinquencyStatus.LAPSED
    assert (lapsed.installment, lapsed.lapses_on) == (1, D(2024, 1, 26))
    assert lapsed.as_of == D(2024, 1, 26)
    # paid on the last day of grace: current again, the next one overdue later
    paid = apply_payment(state, pay("100.00", D(2024, 1, 25)))
    assert delinquency_status(paid, D(2024, 1, 26)).status is DelinquencyStatus.CURRENT
    second = delinquency_status(paid, D(2024, 2, 20))
    assert second.status is DelinquencyStatus.IN_GRACE
    assert (second.installment, second.due_on) == (2, D(2024, 2, 15))
    # paid on the lapse day: too late, the lapse stands
    late = apply_payment(state, pay("100.00", D(2024, 1, 26)))
    still = delinquency_status(late, D(2024, 1, 26))
    assert still.status is DelinquencyStatus.LAPSED
    assert still.overdue_amount == cny("0.00")
    far = delinquency_status(state, D(2024, 3, 20))
    assert far.status is DelinquencyStatus.LAPSED
    assert far.installment == 1
    assert far.overdue_amount == cny("300.00")


def test_zero_grace_lapses_the_day_after_due() -> None:
    state = ScheduleState.unpaid(three_months({"grace_days": 0}))
    status = delinquency_status(state, D(2024, 1, 16))
    assert status.status is DelinquencyStatus.LAPSED
    assert (status.grace_ends_on, status.lapses_on) == (D(2024, 1, 15), D(2024, 1, 16))


def test_without_grace_an_installment_is_just_overdue() -> None:
    state = ScheduleState.unpaid(three_months())
    status = delinquency_status(state, D(2025, 1, 1))
    assert status.status is DelinquencyStatus.OVERDUE
    assert (status.installment, status.due_on) == (1, D(2024, 1, 15))
    assert (status.grace_ends_on, status.lapses_on) == (None, None)
    assert status.overdue_amount == cny("300.00")


def test_lapse_date_out_of_range() -> None:
    result = schedule(cny("1.00"), InstallmentPlan(count=1, grace_days=30), start=D(9999, 12, 31))
    with pytest.raises(DateOutOfRange):
        delinquency_status(ScheduleState.unpaid(result), D(9999, 12, 31))


# --------------------------------------------------------------- properties

currencies = st.sampled_from(["CNY", "JPY", "KWD"])
starts = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
frequencies = st.one_of(st.sampled_from(list(Frequency)), st.integers(1, 24))


@given(
    currencies,
    st.integers(0, 10**9),
    st.integers(1, 36),
    frequencies,
    starts,
)
def test_schedule_properties(
    code: str, units: int, count: int, frequency: Frequency | int, start: date
) -> None:
    total = Money.from_minor_units(units, code)
    plan = InstallmentPlan(count=count, frequency=frequency)
    result = schedule(total, plan, start=start)
    items = result.installments
    assert len(items) == count
    assert sum(i.amount.to_minor_units() for i in items) == units
    assert [i.amount.to_minor_units() for i in items] == ref_split(units, count)
    assert all(i.amount.currency == code for i in items)
    months = frequency.value if isinstance(frequency, Frequency) else frequency
    assert [i.due_on for i in items] == [ref_month_shift(start, k * months) for k in range(count)]
    assert all(a.due_on < b.due_on for a, b in itertools.pairwise(items))
    parts = [i.amount.to_minor_units() for i in items]
    assert max(parts) - min(parts) <= 1


@given(
    st.integers(0, 10**8),
    st.integers(2, 24),
    st.one_of(
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2),
        st.integers(0, 10**8).map(lambda u: Money.from_minor_units(u + 1, "CNY")),
    ),
    starts,
)
def test_down_payment_properties(
    units: int, count: int, down: Decimal | Money, start: date
) -> None:
    if isinstance(down, Money) and down.to_minor_units() > units:
        down = Money.from_minor_units(max(units, 1), "CNY")
        units = max(units, 1)
    plan = InstallmentPlan(count=count, down_payment=down)
    result = schedule(Money.from_minor_units(units, "CNY"), plan, start=start)
    parts = [i.amount.to_minor_units() for i in result.installments]
    assert sum(parts) == units
    if isinstance(down, Money):
        expected_down = down.to_minor_units()
    else:
        # half up: floor(units * p / 100 + 1/2), in integers (p has two places)
        numerator = units * int(down * 100)
        expected_down = (2 * numerator + 10000) // 20000
    assert parts[0] == expected_down
    assert parts[1:] == ref_split(units - expected_down, count - 1)
    assert max(parts[1:]) - min(parts[1:]) <= 1


@given(
    st.integers(0, 10**6),
    st.integers(1, 12),
    st.tuples(st.integers(0, 500), st.booleans()),
    st.lists(st.integers(1, 10**6), min_size=1, max_size=8),
    st.randoms(use_true_random=False),
)
def test_payments_in_any_split_give_the_same_state(
    units: int,
    count: int,
    fee_rule: tuple[int, bool],
    amounts: list[int],
    rng: random.Random,
) -> None:
    fee_units, fee_on_first = fee_rule
    plan = InstallmentPlan(
        count=count, fee=Money.from_minor_units(fee_units, "CNY"), fee_on_first=fee_on_first
    )
    result = schedule(Money.from_minor_units(units, "CNY"), plan, start=D(2024, 1, 31))
    day = D(2024, 6, 1)
    shuffled = list(amounts)
    rng.shuffle(shuffled)
    split = ScheduleState.unpaid(result)
    for amount in shuffled:
        split = apply_payment(
            split, Payment(Money.from_minor_units(amount, "CNY"), day, PaymentMethod.CARD)
        )
    whole = apply_payment(
        ScheduleState.unpaid(result),
        Payment(Money.from_minor_units(sum(amounts), "CNY"), day, PaymentMethod.OTHER),
    )
    assert split == whole
    # paid never exceeds due; paid + credit accounts for every payment
    dues = [i.amount_due.to_minor_units() for i in result.installments]
    paid = [p.to_minor_units() for p in whole.paid]
    assert all(0 <= p <= d for p, d in zip(paid, dues, strict=True))
    assert sum(paid) + whole.credit.to_minor_units() == sum(amounts)
    # oldest first, by hand
    left = sum(amounts)
    expected = []
    for due in dues:
        take = min(due, left)
        expected.append(take)
        left -= take
    assert paid == expected
    assert whole.credit.to_minor_units() == left


def test_no_fee_on_an_installment_with_no_premium_to_collect() -> None:
    # A down payment of the whole 110.00: installments 2 and 3 collect nothing, so
    # they carry no fee; installment 1 carries 110.00 + 5.00.
    plan = InstallmentPlan(3, down_payment=cny("110.00"), fee=cny("5.00"))
    items = schedule(cny("110.00"), plan, start=D(2025, 1, 1)).installments
    assert [(str(i.amount.amount), str(i.fee.amount)) for i in items] == [
        ("110.00", "5.00"),
        ("0.00", "0.00"),
        ("0.00", "0.00"),
    ]
    zero = schedule(cny("0.00"), InstallmentPlan(2, fee=cny("5.00")), start=D(2025, 1, 1))
    assert [i.fee.is_zero() for i in zero.installments] == [True, True]


# --------------------------------------------------------------- reinstatement: examples
#
# three_months({"grace_days": 10}): 100.00 due on 15 January, 15 February and 15 March
# 2024; they lapse 11 days after their due day: 26 January, 26 February, 26 March.


def lapsing(grace: int = 10, **changes: object) -> ScheduleState:
    return ScheduleState.unpaid(three_months({"grace_days": grace, **changes}))


def test_reinstate_without_a_fee() -> None:
    state = lapsing()
    rules = ReinstatementRules(within_days=30)
    assert rules.fee is None
    quote = quote_reinstatement(state, rules, on=date(2024, 2, 20))
    assert type(quote.on) is pendulum.Date
    assert quote.possible is True
    assert quote.reasons == ()
    assert quote.rules == rules
    assert (quote.on, quote.installment, quote.lapsed_on, quote.deadline) == (
        D(2024, 2, 20),
        1,
        D(2024, 1, 26),
        D(2024, 2, 25),  # 26 January + 30 days
    )
    # installments 1 and 2 are due before 20 February
    assert quote.overdue_amount == cny("200.00")
    assert quote.fee == cny("0.00")
    assert quote.amount_due == cny("200.00")
    reinstated = apply_reinstatement(state, quote, pay("200.00", D(2024, 2, 20)))
    assert reinstated.paid == (cny("100.00"), cny("100.00"), cny("0.00"))
    assert reinstated.settled_on == (D(2024, 2, 20), D(2024, 2, 20), None)
    assert reinstated.credit == cny("0.00")
    assert reinstated.last_received_on == D(2024, 2, 20)
    assert reinstated.reinstatements == (quote,)
    assert reinstated.reinstatement_fees == cny("0.00")
    assert state.reinstatements == ()  # never mutated
    assert delinquency_status(state, D(2024, 2, 20)).status is DelinquencyStatus.LAPSED
    on_the_day = delinquency_status(reinstated, D(2024, 2, 20))
    assert on_the_day.status is DelinquencyStatus.CURRENT
    assert on_the_day.overdue_amount == cny("0.00")
    assert delinquency_status(reinstated, D(2024, 3, 15)).status is DelinquencyStatus.CURRENT
    grace = delinquency_status(reinstated, D(2024, 3, 16))
    assert (grace.status, grace.installment) == (DelinquencyStatus.IN_GRACE, 3)
    # installment 3 is not paid: it lapses on 26 March, and can be reinstated in turn
    again = delinquency_status(reinstated, D(2024, 3, 26))
    assert (again.status, again.installment, again.lapses_on) == (
        DelinquencyStatus.LAPSED,
        3,
        D(2024, 3, 26),
    )
    second = quote_reinstatement(reinstated, rules, on=D(2024, 3, 30))
    assert (second.possible, second.installment, second.lapsed_on, second.deadline) == (
        True,
        3,
        D(2024, 3, 26),
        D(2024, 4, 25),
    )
    assert second.overdue_amount == cny("100.00")
    twice = apply_reinstatement(reinstated, second, pay("100.00", D(2024, 3, 30)))
    assert twice.reinstatements == (quote, second)
    assert delinquency_status(twice, D(2030, 1, 1)).status is DelinquencyStatus.CURRENT


def test_reinstate_with_a_fixed_fee_and_an_over_payment() -> None:
    state = lapsing()
    rules = ReinstatementRules(within_days=30, fee=cny("20.00"))
    quote = quote_reinstatement(state, rules, on=D(2024, 2, 20))
    assert (quote.overdue_amount, quote.fee, quote.amount_due) == (
        cny("200.00"),
        cny("20.00"),
        cny("220.00"),
    )
    # 250.00: the fee 20.00 first, 200.00 for the overdue installments, 30.00 in advance
    reinstated = apply_reinstatement(state, quote, pay("250.00", D(2024, 2, 20)))
    assert reinstated.paid == (cny("100.00"), cny("100.00"), cny("30.00"))
    assert reinstated.reinstatement_fees == cny("20.00")
    assert reinstated.credit == cny("0.00")
    assert delinquency_status(reinstated, D(2024, 2, 20)).status is DelinquencyStatus.CURRENT
    # exactly the amount due is enough
    exact = apply_reinstatement(state, quote, pay("220.00", D(2024, 2, 20)))
    assert exact.paid == (cny("100.00"), cny("100.00"), cny("0.00"))
    assert exact.reinstatement_fees == cny("20.00")


def test_reinstate_with_a_percent_fee_rounded_half_up() -> None:
    # 123.00 in three: 41.00 each; no grace days, so installment 1 lapses 16 January.
    plan = InstallmentPlan(count=3, grace_days=0)
    state = ScheduleState.unpaid(schedule(cny("123.00"), plan, start=D(2024, 1, 15)))
    day = D(2024, 1, 20)
    # 2.5% of 41.00 is 1.025: half up gives 1.03 (half even would give 1.02)
    quote = quote_reinstatement(state, ReinstatementRules(None, Decimal("2.5")), on=day)
    assert (quote.overdue_amount, quote.fee, quote.amount_due) == (
        cny("41.00"),
        cny("1.03"),
        cny("42.03"),
    )
    assert quote.deadline is None
    assert quote_reinstatement(state, ReinstatementRules(None, 10), on=day).fee == cny("4.10")
    assert quote_reinstatement(state, ReinstatementRules(None, 100), on=day).fee == cny("41.00")
    assert quote_reinstatement(state, ReinstatementRules(None, Decimal(0)), on=day).fee == cny(
        "0.00"
    )
    reinstated = apply_reinstatement(state, quote, pay("42.03", day))
    assert reinstated.paid == (cny("41.00"), cny("0.00"), cny("0.00"))
    assert reinstated.reinstatement_fees == cny("1.03")
    # 0.5% of 41.00 is 0.205: half up gives 0.21
    small = quote_reinstatement(state, ReinstatementRules(None, Decimal("0.5")), on=day)
    assert small.fee == cny("0.21")
    jpy = ScheduleState.unpaid(
        schedule(Money("3", "JPY"), InstallmentPlan(count=1, grace_days=0), start=D(2024, 1, 1))
    )
    # 50% of 3 yen is 1.5: half up gives 2 yen
    half = quote_reinstatement(jpy, ReinstatementRules(None, 50), on=D(2024, 1, 2))
    assert half.fee == Money("2", "JPY")


def test_percent_fee_ignores_the_decimal_context() -> None:
    plan = InstallmentPlan(count=1, grace_days=0)
    state = ScheduleState.unpaid(schedule(cny("1000000.00"), plan, start=D(2024, 1, 1)))
    percent = Decimal("12.34567890123456789012345678901234")
    with decimal.localcontext(prec=3, rounding=decimal.ROUND_DOWN):
        quote = quote_reinstatement(state, ReinstatementRules(None, percent), on=D(2024, 1, 2))
    # 1,000,000.00 x 12.345678901...% = 123,456.789012... -> 123,456.79
    assert quote.fee == cny("123456.79")
    assert quote.amount_due == cny("1123456.79")


def test_window_boundaries() -> None:
    state = lapsing()
    rules = ReinstatementRules(within_days=30, fee=cny("20.00"))
    assert quote_reinstatement(state, rules, on=D(2024, 1, 25)).possible is False  # grace
    assert quote_reinstatement(state, rules, on=D(2024, 1, 26)).possible is True  # lapse day
    assert quote_reinstatement(state, rules, on=D(2024, 2, 25)).possible is True  # deadline
    closed = quote_reinstatement(state, rules, on=D(2024, 2, 26))
    assert closed.possible is False
    assert (closed.installment, closed.lapsed_on, closed.deadline) == (
        1,
        D(2024, 1, 26),
        D(2024, 2, 25),
    )
    assert closed.overdue_amount == cny("200.00")
    assert closed.fee == cny("0.00")
    assert closed.amount_due == cny("200.00")
    [reason] = closed.reasons
    assert (reason.code, reason.severity, reason.rule) == (
        "reinstatement.window_closed",
        Severity.BLOCK,
        "reinstatement",
    )
    assert dict(reason.details) == {
        "installment": 1,
        "lapsed_on": D(2024, 1, 26),
        "deadline": D(2024, 2, 25),
        "within_days": 30,
    }
    assert reason.message == (
        "installment 1 lapsed on 2024-01-26; the schedule could be reinstated until "
        "2024-02-25, 30 days later, not on 2024-02-26"
    )
    one_day = ReinstatementRules(within_days=1)
    assert quote_reinstatement(state, one_day, on=D(2024, 1, 27)).possible is True
    assert quote_reinstatement(state, one_day, on=D(2024, 1, 28)).possible is False
    unlimited = quote_reinstatement(state, ReinstatementRules(None), on=D(2034, 6, 1))
    assert (unlimited.possible, unlimited.deadline) == (True, None)
    assert unlimited.overdue_amount == cny("300.00")
    longest = ReinstatementRules(within_days=MAX_PLAN_DAYS)
    # 26 January 2024 + 366 days = 26 January 2025 (2024 is a leap year)
    assert quote_reinstatement(state, longest, on=D(2025, 1, 26)).deadline == D(2025, 1, 26)


def test_no_reinstatement_unless_lapsed() -> None:
    rules = ReinstatementRules(within_days=30, fee=Decimal(5))
    current = quote_reinstatement(lapsing(), rules, on=D(2024, 1, 15))
    assert current.possible is False
    assert (current.installment, current.lapsed_on, current.deadline) == (None, None, None)
    assert (current.overdue_amount, current.fee) == (cny("0.00"), cny("0.00"))
    [reason] = current.reasons
    assert (reason.code, reason.severity, reason.rule) == (
        "reinstatement.not_lapsed",
        Severity.BLOCK,
        "reinstatement",
    )
    assert dict(reason.details) == {"status": DelinquencyStatus.CURRENT, "as_of": D(2024, 1, 15)}
    in_grace = quote_reinstatement(lapsing(), rules, on=D(2024, 1, 20))
    assert in_grace.possible is False
    assert in_grace.overdue_amount == cny("100.00")
    assert in_grace.reasons[0].message == (
        "the schedule is in grace on 2024-01-20, not lapsed: there is nothing to reinstate"
    )
    # without grace days a plan never lapses, so it is never reinstated
    never = ScheduleState.unpaid(three_months())
    overdue = quote_reinstatement(never, rules, on=D(2030, 1, 1))
    assert overdue.possible is False
    assert overdue.reasons[0].details["status"] is DelinquencyStatus.OVERDUE
    assert overdue.overdue_amount == cny("300.00")


def test_an_installment_due_on_the_day_is_not_required() -> None:
    state = lapsing()
    quote = quote_reinstatement(state, ReinstatementRules(within_days=30), on=D(2024, 2, 15))
    # installment 2 is due on 15 February, not overdue yet: only installment 1 is required
    assert quote.overdue_amount == cny("100.00")
    reinstated = apply_reinstatement(state, quote, pay("100.00", D(2024, 2, 15)))
    assert delinquency_status(reinstated, D(2024, 2, 15)).status is DelinquencyStatus.CURRENT
    assert delinquency_status(reinstated, D(2024, 2, 16)).status is DelinquencyStatus.IN_GRACE
    lapsed = delinquency_status(reinstated, D(2024, 2, 26))
    assert (lapsed.status, lapsed.installment) == (DelinquencyStatus.LAPSED, 2)


def test_several_lapses_are_reinstated_at_once() -> None:
    state = lapsing()
    rules = ReinstatementRules(within_days=60)
    # on 26 February installments 1 and 2 have both lapsed; the window runs from the
    # first lapse, 26 January, to 26 March
    quote = quote_reinstatement(state, rules, on=D(2024, 2, 26))
    assert (quote.installment, quote.lapsed_on, quote.deadline) == (
        1,
        D(2024, 1, 26),
        D(2024, 3, 26),
    )
    assert quote.overdue_amount == cny("200.00")
    reinstated = apply_reinstatement(state, quote, pay("200.00", D(2024, 2, 26)))
    assert delinquency_status(reinstated, D(2024, 2, 26)).status is DelinquencyStatus.CURRENT


def test_lapsed_though_paid_late_and_nothing_overdue() -> None:
    # installment 1 paid on 28 January, after its lapse day: still lapsed, nothing overdue
    state = apply_payment(lapsing(), pay("100.00", D(2024, 1, 28)))
    day = D(2024, 1, 30)
    assert delinquency_status(state, day).status is DelinquencyStatus.LAPSED
    free = quote_reinstatement(state, ReinstatementRules(within_days=30), on=day)
    assert free.possible is True
    assert free.amount_due == cny("0.00")
    reinstated = apply_reinstatement(state, free)
    assert reinstated.last_received_on == D(2024, 1, 28)
    assert reinstated.paid == state.paid
    assert reinstated.reinstatements == (free,)
    assert delinquency_status(reinstated, day).status is DelinquencyStatus.CURRENT
    # nothing may be applied or asked about before the reinstatement day any more
    with pytest.raises(InvalidField, match="before 2024-01-30, the day of the latest reinst"):
        delinquency_status(reinstated, D(2024, 1, 29))
    with pytest.raises(InvalidField, match="payments and reinstatements in the order"):
        apply_payment(reinstated, pay("1.00", D(2024, 1, 29)))
    assert apply_payment(reinstated, pay("1.00", day)).paid[1] == cny("1.00")
    # a percent fee on nothing overdue is zero; a fixed fee is still due
    percent = quote_reinstatement(state, ReinstatementRules(30, Decimal(10)), on=day)
    assert percent.amount_due == cny("0.00")
    fixed = quote_reinstatement(state, ReinstatementRules(30, cny("15.00")), on=day)
    assert fixed.amount_due == cny("15.00")
    with pytest.raises(InvalidField, match=r"amount_due: 15.00 CNY is due to reinstate"):
        apply_reinstatement(state, fixed)
    paid_fee = apply_reinstatement(state, fixed, pay("15.00", day))
    assert (paid_fee.paid, paid_fee.credit) == (state.paid, state.credit)
    assert paid_fee.last_received_on == day
    assert paid_fee.reinstatement_fees == cny("15.00")


def test_a_lapse_on_the_reinstatement_day_is_reinstated_too() -> None:
    state = lapsing()
    # 26 February is installment 2's lapse day: reinstating then cures it too
    quote = quote_reinstatement(state, ReinstatementRules(within_days=60), on=D(2024, 2, 26))
    reinstated = apply_reinstatement(state, quote, pay("200.00", D(2024, 2, 26)))
    assert delinquency_status(reinstated, D(2024, 3, 25)).status is DelinquencyStatus.IN_GRACE


# --------------------------------------------------------------- reinstatement: errors


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"within_days": 0}, "within_days: must be at least 1, not 0"),
        ({"within_days": MAX_REINSTATEMENT_DAYS + 1}, "within_days: must be at most 1830 days"),
        ({"within_days": True}, "within_days: must be an int"),
        ({"within_days": "30"}, "within_days: must be an int"),
        ({"fee": cny("-1.00")}, "fee: must not be negative"),
        ({"fee": cny("1.001")}, "finer than the minor unit"),
        ({"fee": 1.5}, r"write Decimal\('1.5'\)"),
        ({"fee": "5"}, "fee: must be a Money amount or a percent as a Decimal, not str"),
        ({"fee": True}, "fee: must be a Money amount or a percent"),
        ({"fee": Decimal("100.01")}, "a percent must be from 0 to 100, not 100.01"),
        ({"fee": -1}, "a percent must be from 0 to 100, not -1"),
        ({"fee": Decimal("NaN")}, "a percent must be from 0 to 100"),
        ({"fee": Decimal("Infinity")}, "a percent must be from 0 to 100"),
    ],
)
def test_reinstatement_rules_validation(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"within_days": 30, **changes}
    with pytest.raises(InvalidField, match=message):
        ReinstatementRules(**fields)  # type: ignore[arg-type]


def test_reinstatement_rules_values() -> None:
    with pytest.raises(TypeError):
        ReinstatementRules()  # type: ignore[call-arg]
    rules = ReinstatementRules(within_days=MAX_PLAN_DAYS, fee=cny("0.00"))
    assert rules.within_days == MAX_PLAN_DAYS
    assert ReinstatementRules(None, 0).fee == 0
    assert repr(ReinstatementRules(1)) == "ReinstatementRules(within_days=1, fee=None)"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rules.within_days = 2  # type: ignore[misc]


def test_quote_reinstatement_errors() -> None:
    state = lapsing()
    rules = ReinstatementRules(within_days=30)
    with pytest.raises(ArgumentTypeError, match=r"quote_reinstatement\(state\) takes a Sched"):
        quote_reinstatement("state", rules, on=D(2024, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"quote_reinstatement\(rules\) takes a Reinst"):
        quote_reinstatement(state, 30, on=D(2024, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(DateTypeError):
        quote_reinstatement(state, rules, on=datetime(2024, 2, 1))  # noqa: DTZ001
    later = apply_payment(state, pay("1.00", D(2024, 2, 1)))
    with pytest.raises(InvalidField, match=r"quote_reinstatement\(on\): 2024-01-31 is before"):
        quote_reinstatement(later, rules, on=D(2024, 1, 31))
    dollars = ReinstatementRules(within_days=30, fee=Money("5.00", "USD"))
    with pytest.raises(CurrencyMismatch, match="reinstatement fee"):
        quote_reinstatement(state, dollars, on=D(2024, 2, 1))
    with pytest.raises(CurrencyMismatch):
        quote_reinstatement(state, dollars, on=D(2024, 1, 1))  # whatever the status
    result = schedule(cny("1.00"), InstallmentPlan(count=1, grace_days=0), start=D(9999, 11, 1))
    with pytest.raises(DateOutOfRange):
        # lapsed on 2 November 9999; the deadline would fall in the year 10000
        quote_reinstatement(
            ScheduleState.unpaid(result), ReinstatementRules(MAX_PLAN_DAYS), on=D(9999, 11, 2)
        )


def test_apply_reinstatement_errors() -> None:
    state = lapsing()
    day = D(2024, 2, 20)
    quote = quote_reinstatement(state, ReinstatementRules(30, cny("20.00")), on=day)
    with pytest.raises(ArgumentTypeError, match=r"apply_reinstatement\(state\)"):
        apply_reinstatement("state", quote)  # type: ignore[arg-type]
    status = delinquency_status(state, day)
    with pytest.raises(ArgumentTypeError, match=r"apply_reinstatement\(reinstatement\)"):
        apply_reinstatement(state, status)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"takes a Payment or None, not Money"):
        apply_reinstatement(state, quote, cny("220.00"))  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"Reinstatement.amount_due: 220.00 CNY is due"):
        apply_reinstatement(state, quote)
    with pytest.raises(CurrencyMismatch):
        apply_reinstatement(state, quote, Payment(Money("220.00", "USD"), day, PaymentMethod.CARD))
    with pytest.raises(InvalidField, match=r"received_on: 2024-02-21 is not 2024-02-20, the day"):
        apply_reinstatement(state, quote, pay("220.00", D(2024, 2, 21)))
    with pytest.raises(
        InvalidField,
        match=r"Payment.amount: 219.99 CNY is less than 220.00 CNY, the overdue amount "
        r"200.00 CNY plus the reinstatement fee 20.00 CNY",
    ):
        apply_reinstatement(state, quote, pay("219.99", day))
    refused = quote_reinstatement(state, ReinstatementRules(30), on=D(2024, 1, 20))
    with pytest.raises(
        InvalidField, match=r"Reinstatement.possible: reinstatement on 2024-01-20 "
    ):
        apply_reinstatement(state, refused, pay("100.00", D(2024, 1, 20)))
    # the state changed after the quote: quote again
    part = apply_payment(state, pay("50.00", day))
    with pytest.raises(
        InvalidField,
        match=r"Reinstatement.overdue_amount: the quote says 200.00 CNY but the state gives "
        r"150.00 CNY on 2024-02-20",
    ):
        apply_reinstatement(part, quote, pay("220.00", day))
    done = apply_reinstatement(state, quote, pay("220.00", day))
    with pytest.raises(InvalidField, match=r"Reinstatement.possible: the quote says True but"):
        apply_reinstatement(done, quote, pay("220.00", day))
    later = apply_payment(state, pay("1.00", D(2024, 2, 21)))
    with pytest.raises(InvalidField, match=r"reinstatement.on\): 2024-02-20 is before 2024-02-21"):
        apply_reinstatement(later, quote, pay("220.00", day))
    other = lapsing(fee=cny("1.00"))
    with pytest.raises(InvalidField, match=r"Reinstatement\.overdue_amount"):
        apply_reinstatement(other, quote, pay("220.00", day))


# --------------------------------------------------------------- reinstatement: properties
#
# A reference model written out plainly: payments (net of reinstatement fees) go to
# installments oldest first, so installment i is settled on the day the running total
# paid first reaches the total due of installments 1..i.


def ref_settled(
    dues: list[tuple[date, int]], payments: list[tuple[date, int]]
) -> list[date | None]:
    settled: list[date | None] = []
    needed = 0
    for _, due in dues:
        needed += due
        running = 0
        day: date | None = None
        for received, units in payments:
            running += units
            if running >= needed:
                day = received
                break
        settled.append(day)
    return settled


def ref_overdue(dues: list[tuple[date, int]], payments: list[tuple[date, int]], day: date) -> int:
    left = sum(units for _, units in payments)
    overdue = 0
    for due_on, due in dues:
        take = min(due, left)
        left -= take
        if due_on < day:
            overdue += due - take
    return overdue


def ref_first_lapse(
    dues: list[tuple[date, int]],
    grace: int,
    payments: list[tuple[date, int]],
    cured: date | None,
    day: date,
) -> tuple[int, date] | None:
    for number, ((due_on, due), settled) in enumerate(
        zip(dues, ref_settled(dues, payments), strict=True), start=1
    ):
        lapse = due_on + timedelta(days=grace + 1)
        if (
            due
            and lapse <= day
            and (settled is None or settled >= lapse)
            and (cured is None or lapse > cured)
        ):
            return number, lapse
    return None


def ref_fee(fee: int | Decimal | None, overdue: int) -> int:
    # as drawn by fee_rules: None, an amount in minor units, or a percent
    if fee is None:
        return 0
    if isinstance(fee, int):
        return fee
    # half up: floor(overdue * p / 100 + 1/2), in integers (p has two places)
    return (2 * overdue * int(fee * 100) + 10000) // 20000


fee_rules = st.one_of(
    st.none(),
    st.integers(0, 10**4),  # an amount, in minor units
    st.decimals(min_value=0, max_value=100, places=2),
    # percents that often give a half unit, where half up and half even differ
    st.sampled_from([Decimal(50), Decimal("12.5"), Decimal("2.5"), Decimal("0.5")]),
)


@st.composite
def reinstatement_cases(draw: st.DrawFn) -> tuple[Schedule, list[tuple[date, int]], date]:
    code = draw(currencies)
    count = draw(st.integers(1, 5))
    units = draw(st.integers(0, 10**6))
    fee = draw(st.integers(0, 300))
    plan = InstallmentPlan(
        count=count, fee=Money.from_minor_units(fee, code), grace_days=draw(st.integers(0, 40))
    )
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
    result = schedule(Money.from_minor_units(units, code), plan, start=start)
    day = start
    payments: list[tuple[date, int]] = []
    for gap, paid in draw(
        st.lists(st.tuples(st.integers(0, 90), st.integers(1, 10**6)), max_size=4)
    ):
        day += timedelta(days=gap)
        payments.append((day, paid))
    if draw(st.booleans()):
        # often a lapse day, the first day a reinstatement is possible
        item = draw(st.sampled_from(result.installments))
        lapse_day = item.due_on + timedelta(days=(plan.grace_days or 0) + 1)
        return result, payments, max(day, lapse_day)
    return result, payments, day + timedelta(days=draw(st.integers(0, 400)))


def state_after(result: Schedule, payments: list[tuple[date, int]]) -> ScheduleState:
    state = ScheduleState.unpaid(result)
    code = result.total.currency
    for day, units in payments:
        state = apply_payment(
            state, Payment(Money.from_minor_units(units, code), day, PaymentMethod.CARD)
        )
    return state


def dues_of(result: Schedule) -> list[tuple[date, int]]:
    return [(item.due_on, item.amount_due.to_minor_units()) for item in result.installments]


def as_rules(code: str, within: int | None, fee: int | Decimal | None) -> ReinstatementRules:
    if isinstance(fee, int):
        return ReinstatementRules(within, Money.from_minor_units(fee, code))
    return ReinstatementRules(within, fee)


@given(reinstatement_cases(), st.one_of(st.none(), st.integers(1, MAX_PLAN_DAYS)), fee_rules)
def test_quote_matches_the_reference(
    case: tuple[Schedule, list[tuple[date, int]], date],
    within: int | None,
    fee: int | Decimal | None,
) -> None:
    result, payments, day = case
    code = result.total.currency
    rules = as_rules(code, within, fee)
    quote = quote_reinstatement(state_after(result, payments), rules, on=day)
    grace = result.plan.grace_days
    assert grace is not None
    dues = dues_of(result)
    lapse = ref_first_lapse(dues, grace, payments, None, day)
    overdue = ref_overdue(dues, payments, day)
    assert quote.overdue_amount.to_minor_units() == overdue
    # the fee is never negative, and the amount due is exactly the overdue plus the fee
    assert quote.fee.to_minor_units() >= 0
    assert quote.amount_due.to_minor_units() == overdue + quote.fee.to_minor_units()
    assert quote.amount_due.currency == quote.fee.currency == code
    if lapse is None:
        # never possible when not lapsed
        assert not quote.possible
        assert [r.code for r in quote.reasons] == ["reinstatement.not_lapsed"]
        assert (quote.installment, quote.lapsed_on, quote.deadline) == (None, None, None)
        assert quote.fee.is_zero()
        return
    number, lapsed_on = lapse
    deadline = None if within is None else lapsed_on + timedelta(days=within)
    assert (quote.installment, quote.lapsed_on, quote.deadline) == (number, lapsed_on, deadline)
    if deadline is not None and day > deadline:
        # a closed window always refuses
        assert not quote.possible
        assert [r.code for r in quote.reasons] == ["reinstatement.window_closed"]
        assert quote.fee.is_zero()
    else:
        assert quote.possible
        assert quote.reasons == ()
        assert quote.fee.to_minor_units() == ref_fee(fee, overdue)


@given(reinstatement_cases(), st.integers(1, MAX_PLAN_DAYS), st.integers(0, 400))
def test_a_closed_window_always_refuses(
    case: tuple[Schedule, list[tuple[date, int]], date], within: int, late: int
) -> None:
    result, payments, _ = case
    grace = result.plan.grace_days
    assert grace is not None
    dues = dues_of(result)
    lapse = ref_first_lapse(dues, grace, payments, None, date.max)
    if lapse is None:
        # nothing lapses: reinstatement is never possible, whatever the day
        day = max([result.start, *(d for d, _ in payments)]) + timedelta(days=late)
        quote = quote_reinstatement(state_after(result, payments), ReinstatementRules(1), on=day)
        assert [r.code for r in quote.reasons] == ["reinstatement.not_lapsed"]
        return
    last_paid = max([result.start, *(d for d, _ in payments)])
    day = max(lapse[1] + timedelta(days=within + late), last_paid)
    quote = quote_reinstatement(state_after(result, payments), ReinstatementRules(within), on=day)
    assert quote.possible is (day <= lapse[1] + timedelta(days=within))
    if not quote.possible:
        assert [r.code for r in quote.reasons] == ["reinstatement.window_closed"]
        assert quote.deadline == lapse[1] + timedelta(days=within)


@given(
    reinstatement_cases(),
    fee_rules,
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.one_of(st.just(0), st.integers(1, 10**5)),  # often no payment
            st.booleans(),
            st.integers(0, 10**3),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_after_reinstating_the_schedule_is_not_lapsed_until_a_later_lapse(
    case: tuple[Schedule, list[tuple[date, int]], date],
    fee: int | Decimal | None,
    events: list[tuple[int, int, bool, int]],
) -> None:
    result, payments, day = case
    code = result.total.currency
    grace = result.plan.grace_days
    assert grace is not None
    rules = as_rules(code, None, fee)
    dues = dues_of(result)
    state = state_after(result, payments)
    net = list(payments)  # what went to the installments, fees left out
    received = sum(units for _, units in payments)
    cured: date | None = None  # the day of the latest reinstatement
    # the first event is a reinstatement on the case's day; then payments, reinstatements
    # and looks at the status, on later days
    first = (0, 0, True, events[0][3])
    for gap, units, reinstate, extra in [first, *events[1:]]:
        day += timedelta(days=gap)
        if units:
            money = Money.from_minor_units(units, code)
            state = apply_payment(state, Payment(money, day, PaymentMethod.CASH))
            net.append((day, units))
            received += units
        lapse = ref_first_lapse(dues, grace, net, cured, day)
        if reinstate:
            quote = quote_reinstatement(state, rules, on=day)
            # possible exactly when lapsed: there is no window here
            assert quote.possible is (lapse is not None)
            if lapse is not None:
                event("reinstated")
                assert (quote.installment, quote.lapsed_on) == lapse
                overdue = ref_overdue(dues, net, day)
                assert quote.overdue_amount.to_minor_units() == overdue
                assert quote.fee.to_minor_units() == ref_fee(fee, overdue)
                amount = quote.amount_due.to_minor_units() + extra
                payment = (
                    Payment(Money.from_minor_units(amount, code), day, PaymentMethod.OTHER)
                    if amount
                    else None
                )
                state = apply_reinstatement(state, quote, payment)
                received += amount
                if amount - quote.fee.to_minor_units():
                    net.append((day, amount - quote.fee.to_minor_units()))
                cured = day
                lapse = None
                # on the day of reinstatement nothing is overdue any more
                status = delinquency_status(state, day)
                assert status.status is DelinquencyStatus.CURRENT
                assert status.overdue_amount.is_zero()
        status = delinquency_status(state, day)
        if lapse is None:
            assert status.status is not DelinquencyStatus.LAPSED
        else:
            # lapsed again: only by an installment that lapsed after the reinstatement
            if cured is not None:
                event("lapsed again")
                assert lapse[1] > cured
            assert (status.status, status.installment, status.lapses_on) == (
                DelinquencyStatus.LAPSED,
                *lapse,
            )
        # every unit received is accounted for: installments, credit and fees
        paid = sum(p.to_minor_units() for p in state.paid)
        fees = state.reinstatement_fees.to_minor_units()
        assert paid + state.credit.to_minor_units() + fees == received
    assert [r.on for r in state.reinstatements] == sorted({r.on for r in state.reinstatements})


def test_reinstatement_value_is_built_by_the_quote_only() -> None:
    quote = quote_reinstatement(lapsing(), ReinstatementRules(30), on=D(2024, 2, 1))
    assert type(quote) is Reinstatement
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        quote.fee = cny("1.00")  # type: ignore[misc]
