from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum
import pytest

from builders import cny, invalid, loose
from renewal_core.errors import CurrencyMismatch, DateTypeError, InvalidField
from renewal_core.kpi.records import (
    DueRecord,
    Exclusion,
    PersistencyRecord,
    Receipt,
    ReminderRecord,
    ScoreRecord,
    SurrenderRecord,
)
from renewal_core.model import Channel, LineOfBusiness
from renewal_core.money import Money

DAY = pendulum.date(2025, 3, 31)


def due(**changes: Any) -> DueRecord:
    fields: dict[str, Any] = {
        "policy_number": "P-1",
        "due_on": DAY,
        "expiring_premium": cny("3560.00"),
        "channel": Channel.AGENT,
        "line": LineOfBusiness.AUTO,
    }
    fields.update(changes)
    return DueRecord(**fields)


def test_a_due_record_with_its_defaults() -> None:
    record = due()
    assert record.eligible
    assert not record.renewed
    assert record.renewed_on is None
    assert record.renewal_premium is None
    assert (record.region, record.segment, record.product, record.first_reminder_on) == (
        None,
        None,
        None,
        None,
    )
    assert repr(record).startswith("DueRecord(policy_number='P-1', due_on=Date(2025, 3, 31)")


def test_a_renewed_due_record() -> None:
    record = due(
        renewed_on=dt.date(2025, 3, 20),
        renewal_premium=cny("3380.00"),
        first_reminder_on=dt.date(2025, 2, 1),
        region="310000",
        segment="vip",
        product="AUTO-COMMERCIAL",
    )
    assert record.renewed
    # datetime.date is converted to pendulum.Date
    assert type(record.renewed_on) is pendulum.Date
    assert type(record.first_reminder_on) is pendulum.Date
    assert record.renewed_on == pendulum.date(2025, 3, 20)


def test_the_first_reminder_may_be_the_renewal_day() -> None:
    assert due(renewed_on=DAY, renewal_premium=cny("1"), first_reminder_on=DAY).renewed


def test_a_due_record_refuses_a_datetime_for_a_day() -> None:
    with pytest.raises(DateTypeError, match="due_on must be a date, not DateTime"):
        due(due_on=pendulum.datetime(2025, 3, 31, tz="Asia/Shanghai"))
    with pytest.raises(DateTypeError, match="renewed_on must be a date, not datetime"):
        due(renewed_on=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), renewal_premium=cny("1"))


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"policy_number": ""}, "policy_number", "must not be empty"),
        ({"policy_number": " P-1"}, "policy_number", "whitespace"),
        ({"expiring_premium": "3560.00"}, "expiring_premium", "must be a Money, not str"),
        ({"expiring_premium": cny("-1")}, "expiring_premium", "must not be negative"),
        ({"expiring_premium": cny("1.001")}, "expiring_premium", "finer than the minor unit"),
        ({"channel": "agent"}, "channel", r"Channel\('agent'\)"),
        ({"line": "AUTO"}, "line", r"LineOfBusiness.AUTO"),
        ({"eligible": 1}, "eligible", "must be True or False"),
        ({"region": ""}, "region", "must not be empty"),
        ({"segment": 7}, "segment", "must be a str"),
        ({"product": "A\u200bB"}, "product", "invisible"),
        ({"renewal_premium": cny("1")}, "renewal_premium", "renewed_on is not"),
        ({"renewed_on": DAY}, "renewal_premium", "is missing"),
        (
            {"renewed_on": DAY, "renewal_premium": cny("1"), "eligible": False},
            "renewed_on",
            "not eligible",
        ),
        (
            {
                "renewed_on": DAY,
                "renewal_premium": cny("1"),
                "first_reminder_on": DAY.add(days=1),
            },
            "first_reminder_on",
            "is after renewed_on",
        ),
    ],
)
def test_a_due_record_refuses_bad_fields(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("DueRecord", field, fragment):
        due(**changes)


def test_a_due_record_refuses_two_currencies() -> None:
    with pytest.raises(CurrencyMismatch, match="CNY and USD"):
        due(renewed_on=DAY, renewal_premium=Money("1.00", "USD"))


def test_a_due_record_is_frozen_and_changes_by_evolve() -> None:
    record = due()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.eligible = False  # type: ignore[misc]
    assert not attrs.evolve(record, eligible=False).eligible
    with invalid("DueRecord", "renewal_premium", "is missing"):
        attrs.evolve(record, renewed_on=DAY)


# --------------------------------------------------------------------------- persistency


def persisting(**changes: Any) -> PersistencyRecord:
    fields: dict[str, Any] = {
        "policy_number": "L-1",
        "effective_on": pendulum.date(2024, 3, 10),
        "premium": cny("6000.00"),
        "channel": Channel.BANCASSURANCE,
    }
    fields.update(changes)
    return PersistencyRecord(**fields)


def test_a_persistency_record_with_its_defaults() -> None:
    record = persisting()
    assert record.line is LineOfBusiness.LIFE
    assert record.received_13 is None
    assert record.received_25 is None
    assert record.exclusion is None


def test_a_persistency_record_with_receipts() -> None:
    paid = Receipt(dt.date(2025, 3, 12), cny("6000.00"))
    record = persisting(received_13=paid, received_25=paid, exclusion=Exclusion.CONVERSION)
    assert record.received_13 == paid
    assert type(paid.received_on) is pendulum.Date


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"received_13": "6000"}, "received_13", "must be a Receipt"),
        ({"exclusion": "waiver"}, "exclusion", r"Exclusion\('waiver'\)"),
        (
            {"received_13": Receipt(pendulum.date(2024, 3, 9), cny("1"))},
            "received_13",
            "before effective_on",
        ),
        (
            {"received_25": Receipt(pendulum.date(2026, 3, 9), cny("6000.01"))},
            "received_25",
            "is more than the premium due",
        ),
    ],
)
def test_a_persistency_record_refuses_bad_fields(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("PersistencyRecord", field, fragment):
        persisting(**changes)


def test_a_receipt_refuses_nothing_received() -> None:
    with invalid("Receipt", "amount", "greater than zero"):
        Receipt(DAY, cny("0"))


def test_a_persistency_record_refuses_a_receipt_in_another_currency() -> None:
    with pytest.raises(CurrencyMismatch, match="CNY and USD"):
        persisting(received_13=Receipt(DAY, Money("1.00", "USD")))


def test_the_exclusions_of_the_published_definition() -> None:
    assert [kind.value for kind in Exclusion] == [
        "single_premium",
        "free_look",
        "claim_termination",
        "waiver",
        "transfer_out",
        "conversion",
    ]
    assert repr(Exclusion.WAIVER) == "Exclusion.WAIVER"


# --------------------------------------------------------------------------- surrender


def test_a_surrender_record() -> None:
    record = SurrenderRecord(cny("1"), cny("2"), cny("3"), line=LineOfBusiness.LIFE)
    assert record.surrendered_sum_insured is None
    assert record.channel is None
    both = SurrenderRecord(
        cny("1"),
        cny("2"),
        cny("3"),
        surrendered_sum_insured=cny("4"),
        opening_sum_insured=cny("5"),
    )
    assert both.opening_sum_insured == cny("5")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"surrendered_sum_insured": cny("4")}, "opening_sum_insured"),
        ({"opening_sum_insured": cny("4")}, "surrendered_sum_insured"),
    ],
)
def test_a_surrender_record_takes_both_sums_insured_or_neither(
    changes: dict[str, Any], field: str
) -> None:
    with invalid("SurrenderRecord", field, "give both sums insured or neither"):
        SurrenderRecord(cny("1"), cny("2"), cny("3"), **changes)


def test_a_surrender_record_is_in_one_currency() -> None:
    with pytest.raises(CurrencyMismatch, match="CNY and USD"):
        SurrenderRecord(cny("1"), cny("2"), Money("3", "USD"))
    with pytest.raises(CurrencyMismatch, match="CNY and USD"):
        SurrenderRecord(
            cny("1"),
            cny("2"),
            cny("3"),
            surrendered_sum_insured=cny("1"),
            opening_sum_insured=Money("3", "USD"),
        )


# --------------------------------------------------------------------------- reminders


def test_a_reminder_record_stands_for_one_reminder_by_default() -> None:
    record = ReminderRecord(Channel.SMS, dt.date(2025, 3, 1), cny("0.05"))
    assert (record.reminders, record.contacts, record.renewals) == (1, 0, 0)
    assert type(record.sent_on) is pendulum.Date


@pytest.mark.parametrize(
    ("counts", "field", "fragment"),
    [
        ({"reminders": 1, "contacts": 2}, "contacts", "2 is more than reminders 1"),
        ({"reminders": 3, "contacts": 2, "renewals": 3}, "renewals", "3 is more than contacts 2"),
        ({"reminders": -1}, "reminders", "must not be negative"),
        ({"contacts": True}, "contacts", "must be an int"),
    ],
)
def test_a_reminder_record_refuses_a_funnel_that_widens(
    counts: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("ReminderRecord", field, fragment):
        ReminderRecord(Channel.SMS, DAY, cny("1"), **counts)


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize("score", [0, 10])
def test_a_score_record_takes_the_whole_nps_scale(score: int) -> None:
    assert ScoreRecord(score, DAY, segment="vip").score == score


@pytest.mark.parametrize(
    ("score", "fragment"),
    [(-1, "-1 is off the 0 to 10 scale"), (11, "11 is off"), (True, "must be an int, not bool")],
)
def test_a_score_record_refuses_a_score_off_the_scale(score: object, fragment: str) -> None:
    with invalid("ScoreRecord", "score", fragment):
        ScoreRecord(loose(score), DAY)


def test_invalid_field_is_the_error_of_every_bad_field() -> None:
    with pytest.raises(InvalidField):
        ScoreRecord(loose("9"), DAY)
