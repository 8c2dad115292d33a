from __future__ import annotations

import calendar
import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.errors import CurrencyMismatch
from renewal_core.kpi.breakdowns import breakdown
from renewal_core.kpi.indicator import Period, Unit
from renewal_core.kpi.persistency import DEFAULT_GRACE_DAYS, persistency
from renewal_core.kpi.records import DueRecord, Exclusion, PersistencyRecord, Receipt
from renewal_core.model import Channel, LineOfBusiness
from renewal_core.money import Money

YEAR_2025 = Period(pendulum.date(2025, 1, 1), pendulum.date(2025, 12, 31))


def four_places(value: Fraction) -> Decimal:
    scaled = value * 10_000
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2):
        floor += 1
    return Decimal(floor).scaleb(-4)


def policy(
    number: str,
    effective: dt.date,
    premium: str,
    *,
    paid_13: tuple[dt.date, str] | None = None,
    paid_25: tuple[dt.date, str] | None = None,
    exclusion: Exclusion | None = None,
    channel: Channel = Channel.AGENT,
) -> PersistencyRecord:
    def receipt(paid: tuple[dt.date, str] | None) -> Receipt | None:
        return None if paid is None else Receipt(paid[0], cny(paid[1]))

    return PersistencyRecord(
        number,
        effective,
        cny(premium),
        channel,
        received_13=receipt(paid_13),
        received_25=receipt(paid_25),
        exclusion=exclusion,
    )


def test_13_month_persistency_by_hand() -> None:
    # Effective 2024-05-20: the 13th policy month starts 2025-05-20; 60 days of grace
    # end on 2025-07-19.
    effective = pendulum.date(2024, 5, 20)
    records = [
        policy("L-1", effective, "10000.00", paid_13=(dt.date(2025, 5, 20), "10000.00")),
        policy("L-2", effective, "5000.00", paid_13=(dt.date(2025, 7, 19), "5000.00")),
        policy("L-3", effective, "5000.00", paid_13=(dt.date(2025, 7, 20), "5000.00")),
        policy("L-4", effective, "3000.00", paid_13=(dt.date(2025, 5, 1), "1500.00")),
        policy("L-5", effective, "2000.00"),
        policy("L-6", effective, "7000.00", exclusion=Exclusion.SINGLE_PREMIUM),
        policy("L-7", effective, "8000.00", exclusion=Exclusion.FREE_LOOK),
        policy("L-8", effective, "9000.00", exclusion=Exclusion.FREE_LOOK),
    ]
    # Due: 10000 + 5000 + 5000 + 3000 + 2000 = 25000; received in time:
    # 10000 + 5000 + 1500 (a part paid early) = 16500; 16500 / 25000 = 66 %.
    kept = persistency(records, 13, period=YEAR_2025)
    assert kept.name == "persistency_13"
    assert kept.numerator == Decimal("16500.00")
    assert kept.denominator == Decimal("25000.00")
    assert kept.value == Decimal("66.0000")
    assert kept.unit is Unit.PERCENT
    assert kept.currency == "CNY"
    assert kept.interval() is None
    assert dict(kept.details) == {
        "policies": 5,
        "paid": 3,
        "late": 1,
        "excluded": {Exclusion.SINGLE_PREMIUM: 1, Exclusion.FREE_LOOK: 2},
        "grace_days": 60,
    }


def test_the_grace_period_is_an_option() -> None:
    effective = pendulum.date(2024, 5, 20)
    late = [policy("L-1", effective, "100.00", paid_13=(dt.date(2025, 6, 19), "100.00"))]
    # Paid 30 days after the due day.
    assert persistency(late, grace_days=30).value == Decimal("100.0000")
    assert persistency(late, grace_days=29).value == Decimal("0.0000")
    assert persistency(late, grace_days=0).details["late"] == 1
    assert DEFAULT_GRACE_DAYS == 60


def test_25_month_persistency_reads_its_own_receipt() -> None:
    effective = pendulum.date(2023, 6, 30)
    records = [
        # The 25th month starts 2025-06-30; grace ends 2025-08-29.
        policy(
            "L-1",
            effective,
            "1200.00",
            paid_13=(dt.date(2024, 6, 30), "1200.00"),
            paid_25=(dt.date(2025, 8, 29), "1200.00"),
        ),
        policy("L-2", effective, "1200.00", paid_13=(dt.date(2024, 7, 1), "1200.00")),
        policy("L-3", effective, "1200.00", paid_25=(dt.date(2025, 8, 30), "1200.00")),
    ]
    kept = persistency(records, 25, period=YEAR_2025)
    assert kept.name == "persistency_25"
    assert (kept.numerator, kept.denominator) == (Decimal("1200.00"), Decimal("3600.00"))
    assert kept.value == Decimal("33.3333")
    assert kept.details["late"] == 1
    # Their 13th months started in 2024, not in 2025.
    assert persistency(records, 13, period=YEAR_2025).no_data


def test_the_cohort_is_the_business_whose_13th_month_starts_in_the_period() -> None:
    records = [
        policy("L-1", pendulum.date(2024, 2, 29), "100.00"),  # 13th month: 2025-02-28
        policy("L-2", pendulum.date(2024, 3, 1), "200.00"),  # 2025-03-01
        policy("L-3", pendulum.date(2024, 3, 31), "400.00"),  # 2025-03-31
        policy("L-4", pendulum.date(2024, 4, 1), "800.00"),  # 2025-04-01
    ]
    assert persistency(records, period=Period.month(2025, 2)).denominator == Decimal("100.00")
    assert persistency(records, period=Period.month(2025, 3)).denominator == Decimal("600.00")
    # A period of days: the leap day's business falls on the last day of February.
    feb_28 = Period(pendulum.date(2025, 2, 28), pendulum.date(2025, 2, 28))
    assert persistency(records, period=feb_28).denominator == Decimal("100.00")
    # For the 25th month, the business of two years before.
    assert persistency(records, 25, period=Period.month(2026, 3)).denominator == Decimal("600.00")


def test_persistency_per_channel() -> None:
    effective = pendulum.date(2024, 1, 15)
    paid = (dt.date(2025, 1, 15), "100.00")
    records = [
        policy("L-1", effective, "100.00", paid_13=paid, channel=Channel.AGENT),
        policy("L-2", effective, "100.00", channel=Channel.AGENT),
        policy("L-3", effective, "100.00", paid_13=paid, channel=Channel.BANCASSURANCE),
    ]
    by_channel = breakdown(persistency, records, by="channel", period=YEAR_2025)
    assert by_channel[Channel.AGENT].value == Decimal("50.0000")
    assert by_channel[Channel.BANCASSURANCE].value == Decimal("100.0000")
    assert by_channel.total.value == Decimal("66.6667")
    assert by_channel[Channel.AGENT].name == "persistency_13"
    at_25 = breakdown(persistency, records, by="channel", months=25, grace_days=0)
    assert at_25.total.name == "persistency_25"
    assert at_25.total.value == Decimal("0.0000")
    assert at_25.total.details["grace_days"] == 0


def test_excluded_policies_are_counted_per_group_and_in_the_total() -> None:
    effective = pendulum.date(2024, 1, 15)
    records = [
        policy("L-1", effective, "100.00", exclusion=Exclusion.WAIVER, channel=Channel.AGENT),
        policy("L-2", effective, "100.00", exclusion=Exclusion.WAIVER, channel=Channel.PHONE),
        policy("L-3", effective, "100.00", exclusion=Exclusion.CONVERSION, channel=Channel.PHONE),
    ]
    by_channel = breakdown(persistency, records, by="channel")
    assert by_channel[Channel.AGENT].no_data
    assert by_channel.total.details["excluded"] == {
        Exclusion.WAIVER: 2,
        Exclusion.CONVERSION: 1,
    }
    assert list(by_channel.total.details["excluded"]) == [Exclusion.WAIVER, Exclusion.CONVERSION]


@pytest.mark.parametrize(
    ("options", "field", "fragment"),
    [
        ({"months": 12}, "months", "must be 13 or 25, not 12"),
        ({"months": 37}, "months", "must be 13 or 25"),
        ({"grace_days": -1}, "grace_days", "must not be negative, not -1"),
    ],
)
def test_persistency_refuses_bad_options(
    options: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("persistency", field, fragment):
        persistency([], **options)


@pytest.mark.parametrize(
    ("options", "parameter", "kind"),
    [
        ({"months": True}, "persistency(months)", "bool"),
        ({"months": "13"}, "persistency(months)", "str"),
        ({"grace_days": 60.0}, "persistency(grace_days)", "float"),
    ],
)
def test_persistency_refuses_options_of_the_wrong_type(
    options: dict[str, Any], parameter: str, kind: str
) -> None:
    with wrong_type(parameter, kind):
        persistency([], **{name: loose(value) for name, value in options.items()})


def test_persistency_refuses_other_records_and_mixed_currencies() -> None:
    due = DueRecord("P-1", dt.date(2025, 1, 1), cny("1"), Channel.AGENT, LineOfBusiness.AUTO)
    with wrong_type("persistency_13(records)", "PersistencyRecord records, not DueRecord"):
        persistency(loose([due]))
    effective = pendulum.date(2024, 1, 15)
    mixed = [
        policy("L-1", effective, "1.00"),
        PersistencyRecord("L-2", effective, Money("1.00", "USD"), Channel.AGENT),
    ]
    with pytest.raises(CurrencyMismatch, match="persistency_13"):
        persistency(mixed)
    with pytest.raises(CurrencyMismatch, match="persistency_13"):
        breakdown(persistency, mixed, by="product")


def test_persistency_records_have_no_expiry_month() -> None:
    lacks = "a PersistencyRecord has no due day \\(due_on\\) to take the expiry month from"
    march = Period.month(2025, 3)
    with invalid("persistency_13", r"filters\['expiry_month'\]", lacks):
        persistency([], filters={"expiry_month": march})
    with invalid("persistency_25", r"filters\['expiry_month'\]", lacks):
        persistency([], 25, filters={"expiry_month": march})
    with invalid("breakdown", "by", lacks):
        breakdown(persistency, [], by="expiry_month", months=25)


# --------------------------------------------------------------------------- properties


@st.composite
def life_policies(draw: st.DrawFn) -> PersistencyRecord:
    effective = draw(st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)))
    premium = draw(st.integers(1, 10**6))
    received: Receipt | None = None
    if draw(st.booleans()):
        offset = draw(st.integers(300, 460))
        amount = draw(st.integers(1, premium))
        received = Receipt(effective + dt.timedelta(days=offset), cny(f"{amount}.00"))
    return PersistencyRecord(
        "L-1",
        effective,
        cny(f"{premium}.00"),
        draw(st.sampled_from([Channel.AGENT, Channel.BANCASSURANCE])),
        received_13=received,
        exclusion=draw(st.one_of(st.none(), st.sampled_from(list(Exclusion)))),
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """A reference month shift, clamping to the month's end, written by hand."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@given(st.lists(life_policies(), max_size=30), st.integers(0, 90))
def test_persistency_matches_a_reference(records: list[PersistencyRecord], grace: int) -> None:
    due = received = Fraction(0)
    for record in records:
        if record.exclusion is not None or not YEAR_2025.contains(
            add_months(record.effective_on, 12)
        ):
            continue
        due += Fraction(record.premium.amount)
        paid = record.received_13
        if paid is not None:
            last = add_months(record.effective_on, 12) + dt.timedelta(days=grace)
            if paid.received_on <= last:
                received += Fraction(paid.amount.amount)
    kept = persistency(records, period=YEAR_2025, grace_days=grace)
    assert Fraction(kept.numerator) == received
    assert Fraction(kept.denominator) == due
    assert kept.value == (four_places(received * 100 / due) if due else None)
    if kept.value is not None:
        assert Decimal(0) <= kept.value <= Decimal(100)


@given(st.lists(life_policies(), max_size=30), st.randoms(use_true_random=False))
def test_the_order_of_the_policies_never_changes_persistency(
    records: list[PersistencyRecord], rng: random.Random
) -> None:
    shuffled = list(records)
    rng.shuffle(shuffled)
    assert persistency(shuffled) == persistency(records)
