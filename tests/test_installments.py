from __future__ import annotations

import calendar
import itertools
import random
from datetime import date, datetime
from decimal import Decimal

import attrs
import pendulum
import pytest
from hypothesis import given
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
    DelinquencyStatus,
    Frequency,
    InstallmentPlan,
    Payment,
    PaymentMethod,
    Schedule,
    ScheduleState,
    apply_payment,
    delinquency_status,
    schedule,
)

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
