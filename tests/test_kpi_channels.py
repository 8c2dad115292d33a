from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.errors import CurrencyMismatch
from renewal_core.kpi.breakdowns import breakdown
from renewal_core.kpi.channels import (
    ChannelEfficiency,
    channel_efficiency,
    contact_conversion,
    contact_rate,
    cost_per_renewal,
    days_to_renewal,
    reminder_conversion,
)
from renewal_core.kpi.indicator import IntervalMethod, Period, Unit
from renewal_core.kpi.records import DueRecord, ReminderRecord
from renewal_core.model import Channel, LineOfBusiness
from renewal_core.money import Money

MARCH = Period.month(2025, 3)
FUNNEL = (contact_rate, contact_conversion, reminder_conversion)


def reminders() -> list[ReminderRecord]:
    march, april = pendulum.date(2025, 3, 3), pendulum.date(2025, 4, 1)
    return [
        ReminderRecord(Channel.SMS, march, cny("40.00"), reminders=800, contacts=100, renewals=16),
        ReminderRecord(Channel.SMS, march, cny("10.00"), reminders=200, contacts=60, renewals=4),
        ReminderRecord(
            Channel.PHONE, march, cny("2400.00"), reminders=400, contacts=240, renewals=60
        ),
        ReminderRecord(
            Channel.AGENT, april, cny("900.00"), reminders=30, contacts=30, renewals=18
        ),
    ]


def test_the_funnel_by_hand() -> None:
    # March: 1400 reminders, 400 contacts, 80 renewals, cost 2450.00.
    reached = contact_rate(reminders(), period=MARCH)
    assert (reached.numerator, reached.denominator, reached.value) == (
        400,
        1400,
        Decimal("28.5714"),
    )
    assert reached.method is IntervalMethod.WILSON
    converted = contact_conversion(reminders(), period=MARCH)
    assert (converted.numerator, converted.denominator, converted.value) == (
        80,
        400,
        Decimal("20.0000"),
    )
    whole = reminder_conversion(reminders(), period=MARCH)
    assert (whole.numerator, whole.denominator, whole.value) == (80, 1400, Decimal("5.7143"))
    cost = cost_per_renewal(reminders(), period=MARCH)
    assert (cost.numerator, cost.denominator) == (Decimal("2450.00"), 80)
    assert cost.value == Decimal("30.6250")
    assert cost.unit is Unit.MONEY
    assert cost.currency == "CNY"
    assert cost.interval() is None


def test_the_funnel_of_one_channel() -> None:
    sms = {"channel": Channel.SMS}
    assert contact_rate(reminders(), filters=sms).value == Decimal("16.0000")
    assert contact_conversion(reminders(), filters=sms).value == Decimal("12.5000")
    assert reminder_conversion(reminders(), filters=sms).value == Decimal("2.0000")
    assert cost_per_renewal(reminders(), filters=sms).value == Decimal("2.5000")


def test_no_renewal_means_no_cost_per_renewal_but_the_cost_is_kept() -> None:
    silent = [ReminderRecord(Channel.EMAIL, dt.date(2025, 3, 1), cny("5.00"), reminders=10)]
    cost = cost_per_renewal(silent)
    assert cost.no_data
    assert cost.numerator == Decimal("5.00")
    assert contact_rate(silent).value == Decimal("0.0000")
    assert contact_conversion(silent).no_data
    assert contact_rate([]).no_data


def test_costs_in_two_currencies_are_refused() -> None:
    day = dt.date(2025, 3, 1)
    mixed = [
        ReminderRecord(Channel.SMS, day, cny("1.00")),
        ReminderRecord(Channel.PHONE, day, Money("1.00", "USD")),
    ]
    with pytest.raises(CurrencyMismatch, match="cost_per_renewal"):
        cost_per_renewal(mixed)
    with pytest.raises(CurrencyMismatch):
        channel_efficiency(mixed)


# --------------------------------------------------------------------------- days to renewal


def due(
    channel: Channel,
    reminded: dt.date | None,
    renewed: dt.date | None,
    due_on: dt.date = dt.date(2025, 3, 31),
) -> DueRecord:
    return DueRecord(
        "P-1",
        due_on,
        cny("1000.00"),
        channel,
        LineOfBusiness.AUTO,
        renewed_on=renewed,
        renewal_premium=None if renewed is None else cny("1000.00"),
        first_reminder_on=reminded,
    )


def policies() -> list[DueRecord]:
    first = dt.date(2025, 2, 1)
    return [
        due(Channel.SMS, first, dt.date(2025, 2, 11)),  # 10 days
        due(Channel.SMS, first, dt.date(2025, 3, 3)),  # 30 days (2025 is not a leap year)
        due(Channel.SMS, first, None),  # not renewed
        due(Channel.PHONE, None, dt.date(2025, 3, 1)),  # renewed without a reminder
        due(Channel.PHONE, dt.date(2025, 3, 30), dt.date(2025, 3, 30)),  # 0 days
        due(Channel.AGENT, first, dt.date(2025, 4, 2), due_on=dt.date(2025, 4, 30)),  # 60 days
    ]


def test_days_to_renewal_by_hand() -> None:
    days = days_to_renewal(policies(), period=MARCH)
    # 10 + 30 + 0 over three renewals after a reminder.
    assert (days.numerator, days.denominator) == (40, 3)
    assert days.value == Decimal("13.3333")
    assert days.unit is Unit.DAYS
    assert days.interval() is None
    assert days_to_renewal(policies()).value == Decimal("25.0000")  # (40 + 60) / 4
    assert days_to_renewal(policies(), filters={"channel": Channel.PHONE}).value == Decimal(
        "0.0000"
    )
    assert days_to_renewal([]).no_data


# --------------------------------------------------------------------------- efficiency


def test_channel_efficiency_per_channel_in_channel_order() -> None:
    efficiency = channel_efficiency(reminders(), policies(), period=MARCH)
    assert list(efficiency) == [Channel.PHONE, Channel.SMS]
    phone = efficiency[Channel.PHONE]
    assert isinstance(phone, ChannelEfficiency)
    assert phone.channel is Channel.PHONE
    assert phone.contact_rate.value == Decimal("60.0000")
    assert phone.contact_conversion.value == Decimal("25.0000")
    assert phone.reminder_conversion.value == Decimal("15.0000")
    assert phone.cost_per_renewal.value == Decimal("40.0000")
    assert phone.days_to_renewal is not None
    assert phone.days_to_renewal.value == Decimal("0.0000")
    sms = efficiency[Channel.SMS]
    assert sms.days_to_renewal is not None
    assert sms.days_to_renewal.value == Decimal("20.0000")
    assert dict(sms.contact_rate.filters) == {"channel": Channel.SMS}
    assert sms.cost_per_renewal.period == MARCH


def test_a_channel_in_one_input_only_has_no_data_on_the_other_side() -> None:
    efficiency = channel_efficiency(reminders(), policies())
    # Agents sent reminders (in April) and renewed a policy due in April.
    assert list(efficiency) == [Channel.AGENT, Channel.PHONE, Channel.SMS]
    only_due = channel_efficiency(reminders()[:1], [due(Channel.BROKER, None, None)])
    assert list(only_due) == [Channel.BROKER, Channel.SMS]
    broker = only_due[Channel.BROKER]
    assert broker.contact_rate.no_data
    assert broker.days_to_renewal is not None
    assert broker.days_to_renewal.no_data
    sms = only_due[Channel.SMS]
    assert sms.days_to_renewal is not None
    assert sms.days_to_renewal.no_data


def test_channel_efficiency_without_due_policies() -> None:
    efficiency = channel_efficiency(reminders(), filters={"channel": Channel.SMS})
    assert list(efficiency) == [Channel.SMS]
    assert efficiency[Channel.SMS].days_to_renewal is None
    with pytest.raises(TypeError):
        efficiency[Channel.PHONE] = efficiency[Channel.SMS]  # type: ignore[index]


def test_channel_efficiency_checks_its_inputs() -> None:
    with wrong_type("channel_efficiency(records)", "NoneType"):
        channel_efficiency(loose(None))
    with wrong_type("channel_efficiency(due)", "str"):
        channel_efficiency([], loose("P-1"))
    with wrong_type("channel_efficiency(period)", "str"):
        channel_efficiency([], period=loose("2025-03"))
    with invalid("channel_efficiency", "filters", "no dimension is named 'team'"):
        channel_efficiency([], filters={"team": "A"})


NO_DUE_DAY = (
    "a ReminderRecord has no due day \\(due_on\\) to take the expiry month from, so the "
    "'expiry_month' dimension cannot be read from it; filter by one of channel, line, "
    "region, segment, product$"
)


@pytest.mark.parametrize("indicator", [*FUNNEL, cost_per_renewal])
def test_reminders_have_no_expiry_month_to_filter_on(indicator: Any) -> None:
    with invalid(indicator.__name__, r"filters\['expiry_month'\]", NO_DUE_DAY):
        indicator(reminders(), filters={"expiry_month": MARCH})
    # Refused whatever the records: an empty input is refused alike.
    with invalid(indicator.__name__, r"filters\['expiry_month'\]", NO_DUE_DAY):
        indicator([], filters={"expiry_month": MARCH})


def test_channel_efficiency_refuses_an_expiry_month_filter() -> None:
    # The filters apply to the reminders too, which have no due day.
    with invalid("channel_efficiency", r"filters\['expiry_month'\]", NO_DUE_DAY):
        channel_efficiency(reminders(), policies(), filters={"expiry_month": MARCH})


def test_days_to_renewal_filters_on_the_expiry_month_of_due_policies() -> None:
    # Due in March: 10 + 30 + 0 days over three renewals after a reminder.
    march = days_to_renewal(policies(), filters={"expiry_month": MARCH})
    assert (march.numerator, march.denominator) == (40, 3)
    with invalid("days_to_renewal", r"filters\['expiry_month'\]", "is not a calendar month"):
        days_to_renewal(policies(), filters={"expiry_month": Period(MARCH.start, MARCH.start)})


def test_channel_efficiency_validates_its_fields() -> None:
    phone = channel_efficiency(reminders())[Channel.PHONE]
    with invalid("ChannelEfficiency", "contact_rate", "must be a Indicator"):
        attrs.evolve(phone, contact_rate=loose(Decimal(1)))


def test_the_funnel_by_channel_is_a_breakdown_too() -> None:
    by_channel = breakdown(contact_rate, reminders(), by="channel", period=MARCH)
    assert list(by_channel) == [Channel.PHONE, Channel.SMS]
    assert by_channel.total.value == Decimal("28.5714")


# --------------------------------------------------------------------------- properties


@st.composite
def reminder_records(draw: st.DrawFn) -> ReminderRecord:
    sent = draw(st.integers(0, 500))
    contacts = draw(st.integers(0, sent))
    renewals = draw(st.integers(0, contacts))
    return ReminderRecord(
        draw(st.sampled_from([Channel.SMS, Channel.PHONE, Channel.EMAIL])),
        draw(st.dates(dt.date(2025, 2, 20), dt.date(2025, 4, 10))),
        cny(str(Decimal(draw(st.integers(0, 10**6))).scaleb(-2))),
        reminders=sent,
        contacts=contacts,
        renewals=renewals,
    )


@given(st.lists(reminder_records(), max_size=30), st.randoms(use_true_random=False))
def test_the_funnel_matches_a_reference_in_any_order(
    records: list[ReminderRecord], rng: random.Random
) -> None:
    chosen = [r for r in records if MARCH.contains(r.sent_on)]
    sent = sum(r.reminders for r in chosen)
    reached = sum(r.contacts for r in chosen)
    renewed = sum(r.renewals for r in chosen)
    cost = sum((Fraction(r.cost.amount) for r in chosen), Fraction(0))
    shuffled = list(records)
    rng.shuffle(shuffled)
    for indicator, (top, base) in {
        contact_rate: (reached, sent),
        contact_conversion: (renewed, reached),
        reminder_conversion: (renewed, sent),
    }.items():
        result = indicator(shuffled, period=MARCH)
        assert (result.numerator, result.denominator) == (top, base)
        if result.value is not None:
            assert Decimal(0) <= result.value <= Decimal(100)
    per_renewal = cost_per_renewal(shuffled, period=MARCH)
    assert Fraction(per_renewal.numerator) == cost
    assert per_renewal == cost_per_renewal(records, period=MARCH)
    if renewed:
        assert per_renewal.value is not None
        assert abs(Fraction(per_renewal.value) - cost / renewed) <= Fraction(1, 20_000)
