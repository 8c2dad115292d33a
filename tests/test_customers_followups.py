"""Tests for renewal_core.customers.followups.

Expected days are worked out by hand in the comments (with the weekday of each day
checked against a calendar), or by a brute-force reference in this file that lists
every candidate follow-up day by day, never by the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import cny, invalid, loose, wrong_type
from renewal_core.customers.followups import (
    DEFAULT_FOLLOW_UP_RULES,
    CustomerEvent,
    EventKind,
    FollowUp,
    FollowUpKind,
    FollowUpRules,
    follow_ups,
)
from renewal_core.customers.tiers import CustomerProfile, Tier
from renewal_core.errors import DateTypeError
from renewal_core.model import Channel
from renewal_core.periods import add_months
from renewal_core.reasons import Severity
from renewal_core.workflows.engine import WorkingCalendar

D = pendulum.date
CLAIM, COMPLAINT = EventKind.CLAIM, EventKind.COMPLAINT
WEEKDAYS = WorkingCalendar("Asia/Shanghai")


def make_profile(**changes: Any) -> CustomerProfile:
    fields: dict[str, Any] = {
        "customer_id": "C-1001",
        "purchases": 7,
        "annual_premium": cny("12000.00"),
        "customer_since": dt.date(2019, 5, 10),
        "last_purchase": dt.date(2025, 1, 20),
        "time_zone": "Asia/Shanghai",
        "preferred_channels": [Channel.SMS, Channel.AGENT],
    }
    fields.update(changes)
    return CustomerProfile(**fields)


def summary(plan: tuple[FollowUp, ...]) -> list[tuple[str, str, list[str]]]:
    return [
        (str(visit.day), visit.kind.value, [reason.code.split(".")[1] for reason in visit.reasons])
        for visit in plan
    ]


# ---------------------------------------------------------------- rules


def test_default_rules_as_documented() -> None:
    rules = DEFAULT_FOLLOW_UP_RULES
    assert dict(rules.every_months) == {
        Tier.VIP: 3,
        Tier.KEY: 6,
        Tier.REGULAR: 12,
        Tier.AT_RISK: 1,
    }
    assert (rules.after_claim_days, rules.after_complaint_days, rules.before_renewal_days) == (
        3,
        1,
        30,
    )
    assert (rules.merge_days, rules.contact_from, rules.contact_until) == (
        7,
        dt.time(10),
        dt.time(12),
    )
    assert rules.channels == (
        Channel.PHONE,
        Channel.AGENT,
        Channel.MOBILE_APP,
        Channel.SMS,
        Channel.EMAIL,
    )
    assert rules.calendar is None
    assert [kind.urgency for kind in FollowUpKind] == [0, 1, 2, 3]


def test_rules_copy_the_months() -> None:
    months: dict[Tier, int | None] = {
        Tier.VIP: 2,
        Tier.KEY: None,
        Tier.REGULAR: 12,
        Tier.AT_RISK: 1,
    }
    rules = FollowUpRules(months)
    months[Tier.VIP] = 5
    assert rules.every_months[Tier.VIP] == 2
    with pytest.raises(TypeError):
        rules.every_months[Tier.VIP] = 1  # type: ignore[index]


_ALL: dict[Any, Any] = {Tier.VIP: 3, Tier.KEY: 6, Tier.REGULAR: 12, Tier.AT_RISK: 1}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"every_months": [3, 6, 12, 1]}, "every_months", "must be a mapping of Tier to months"),
        (
            {"every_months": {**_ALL, "vip": 3}},
            "every_months",
            "keys must be Tier members, not str",
        ),
        ({"every_months": {Tier.VIP: 3}}, "every_months", "no entry for KEY, REGULAR, AT_RISK"),
        (
            {"every_months": {**_ALL, Tier.KEY: 0}},
            r"every_months\[Tier.KEY\]",
            "from 1 to 120, not 0",
        ),
        ({"every_months": {**_ALL, Tier.KEY: 121}}, r"every_months\[Tier.KEY\]", "not 121"),
        ({"every_months": {**_ALL, Tier.KEY: True}}, r"every_months\[Tier.KEY\]", "not True"),
        ({"after_claim_days": -1}, "after_claim_days", "must not be negative"),
        ({"before_renewal_days": 1.5}, "before_renewal_days", "must be an int"),
        ({"merge_days": None}, "merge_days", "must be an int"),
        ({"contact_from": "10:00"}, "contact_from", "must be a datetime.time, not str"),
        (
            {"contact_from": dt.time(10, tzinfo=dt.UTC)},
            "contact_from",
            "local wall time without a time zone",
        ),
        ({"contact_until": dt.time(9)}, "contact_until", "must be after contact_from 10:00:00"),
        ({"contact_until": dt.time(10)}, "contact_until", "must be after contact_from"),
        ({"channels": []}, "channels", "at least one channel"),
        ({"channels": [Channel.SMS, Channel.SMS]}, r"channels\[1\]", "repeats the channel"),
        ({"channels": ["sms"]}, r"channels\[0\]", "must be a Channel member"),
        ({"calendar": "weekdays"}, "calendar", "must be a WorkingCalendar or None, not str"),
    ],
)
def test_rules_refuse_bad_fields(changes: dict[str, Any], field: str, fragment: str) -> None:
    with invalid("FollowUpRules", field, fragment):
        FollowUpRules(**changes)


def test_events_are_checked() -> None:
    assert CustomerEvent(CLAIM, dt.date(2025, 1, 2)).day == D(2025, 1, 2)
    with invalid("CustomerEvent", "kind", r"convert it with EventKind\(.claim.\)"):
        CustomerEvent(loose("claim"), dt.date(2025, 1, 2))
    with pytest.raises(DateTypeError, match=r"CustomerEvent\.day must be a date"):
        CustomerEvent(CLAIM, loose(pendulum.datetime(2025, 1, 2)))


# ---------------------------------------------------------------- plans by hand


def test_a_vip_year_by_hand() -> None:
    # Every 3 months from 2019-05-10: 2025-05-10, 08-10, 11-10. A complaint on 08-06:
    # 08-07, and the visit of 08-10 (3 days later, no trigger) joins it. Renewal due
    # 2026-01-20: 30 days before is 2025-12-21.
    plan = follow_ups(
        make_profile(),
        Tier.VIP,
        from_day=dt.date(2025, 4, 1),
        until_day=dt.date(2025, 12, 31),
        events=[CustomerEvent(COMPLAINT, dt.date(2025, 8, 6))],
        renewal_due=dt.date(2026, 1, 20),
    )
    assert summary(plan) == [
        ("2025-05-10", "regular", ["regular"]),
        ("2025-08-07", "after_complaint", ["after_complaint", "regular"]),
        ("2025-11-10", "regular", ["regular"]),
        ("2025-12-21", "before_renewal", ["before_renewal"]),
    ]
    first = plan[0]
    assert (first.customer_id, first.channel, first.preferred) == ("C-1001", Channel.SMS, True)
    assert first.starts_at == pendulum.datetime(2025, 5, 10, 10, tz="Asia/Shanghai")
    assert first.ends_at == pendulum.datetime(2025, 5, 10, 12, tz="Asia/Shanghai")
    assert first.starts_at.timezone_name == "Asia/Shanghai"
    [regular] = first.reasons
    assert (regular.severity, regular.rule) == (Severity.INFO, "follow_ups")
    assert (
        regular.message == "regular visit 24 of a VIP customer, every 3 month(s) since 2019-05-10"
    )
    assert dict(regular.details) == {"planned": D(2025, 5, 10), "visit": 24, "every_months": 3}
    complaint, joined = plan[1].reasons
    assert complaint.message == "follow-up 1 day(s) after the complaint of 2025-08-06"
    assert dict(complaint.details) == {"planned": D(2025, 8, 7), "trigger": D(2025, 8, 6)}
    assert joined.details["visit"] == 25
    [renewal] = plan[3].reasons
    assert renewal.message == "follow-up 30 day(s) before the renewal due on 2026-01-20"
    assert dict(renewal.details) == {"planned": D(2025, 12, 21), "due": D(2026, 1, 20)}


def test_working_days_move_follow_ups() -> None:
    # Claim on Saturday 2025-03-08 + 3 = Tuesday 03-11 (a working day). Complaint on
    # Friday 2025-03-14 + 1 = Saturday 03-15: moves to Monday 03-17. Renewal due
    # 2025-10-06: 30 days before is Saturday 09-06: moves back to Friday 09-05. A KEY
    # customer since 2020-01-15 is visited every 6 months: in range, on Tuesday
    # 2025-07-15 only.
    rules = FollowUpRules(calendar=WEEKDAYS)
    plan = follow_ups(
        make_profile(customer_since=dt.date(2020, 1, 15)),
        Tier.KEY,
        rules,
        from_day=dt.date(2025, 3, 1),
        until_day=dt.date(2025, 9, 30),
        events=[
            CustomerEvent(COMPLAINT, dt.date(2025, 3, 14)),
            CustomerEvent(CLAIM, dt.date(2025, 3, 8)),
        ],
        renewal_due=[dt.date(2025, 10, 6)],
    )
    assert summary(plan) == [
        ("2025-03-11", "after_claim", ["after_claim"]),
        ("2025-03-17", "after_complaint", ["after_complaint"]),
        ("2025-07-15", "regular", ["regular"]),
        ("2025-09-05", "before_renewal", ["before_renewal"]),
    ]
    # The moved follow-ups keep the day they were planned for in their details.
    assert plan[1].reasons[0].details["planned"] == D(2025, 3, 15)
    assert plan[3].reasons[0].details["planned"] == D(2025, 9, 6)


def test_holidays_and_make_up_working_days() -> None:
    # National Day 2025: 1-8 October off (4 and 5 are a weekend), Sunday 28 September
    # and Saturday 11 October worked. A claim on Monday 29 September + 3 = 2 October,
    # off: the next working day is Thursday 9 October. A complaint on Friday 26
    # September + 1 = Saturday 27: the next working day is Sunday 28. (Nothing is
    # merged, to show each move.)
    calendar = WorkingCalendar(
        "Asia/Shanghai",
        holidays={D(2025, 10, day) for day in (1, 2, 3, 6, 7, 8)},
        working_days={D(2025, 9, 28), D(2025, 10, 11)},
    )
    plan = follow_ups(
        make_profile(),
        Tier.VIP,
        FollowUpRules(calendar=calendar, every_months=dict.fromkeys(Tier), merge_days=0),
        from_day=dt.date(2025, 9, 1),
        until_day=dt.date(2025, 10, 31),
        events=[
            CustomerEvent(CLAIM, dt.date(2025, 9, 29)),
            CustomerEvent(COMPLAINT, dt.date(2025, 9, 26)),
        ],
        # 30 days before 2025-11-06 is 7 October, off: the working day before is
        # Tuesday 30 September.
        renewal_due=[dt.date(2025, 11, 6)],
    )
    assert summary(plan) == [
        ("2025-09-28", "after_complaint", ["after_complaint"]),
        ("2025-09-30", "before_renewal", ["before_renewal"]),
        ("2025-10-09", "after_claim", ["after_claim"]),
    ]


def test_merging_needs_the_trigger_before_the_kept_day() -> None:
    # Regular visit 2025-05-10. A claim on 05-08 is followed up 05-11: within 7 days,
    # and the claim came before the visit, so the visit covers it. A claim on 05-12
    # (follow-up 05-15) came after the visit: its own follow-up.
    def plan(claim_day: dt.date) -> list[tuple[str, str, list[str]]]:
        return summary(
            follow_ups(
                make_profile(),
                Tier.VIP,
                from_day=dt.date(2025, 5, 1),
                until_day=dt.date(2025, 5, 31),
                events=[CustomerEvent(CLAIM, claim_day)],
            )
        )

    assert plan(dt.date(2025, 5, 8)) == [("2025-05-10", "after_claim", ["regular", "after_claim"])]
    assert plan(dt.date(2025, 5, 12)) == [
        ("2025-05-10", "regular", ["regular"]),
        ("2025-05-15", "after_claim", ["after_claim"]),
    ]
    # A claim on the visit's day is followed up 3 days later, joining the visit:
    # same-day triggers count as before it.
    assert plan(dt.date(2025, 5, 10)) == [
        ("2025-05-10", "after_claim", ["regular", "after_claim"])
    ]


def test_merging_measures_from_the_kept_follow_up() -> None:
    # Monthly visits on the 10th; two complaints on 05-11 and one on 05-16 (follow-ups
    # 05-12, 05-12 and 05-17). 05-12 is 2 days after the visit, but its complaint came
    # after the visit: kept; the second 05-12 joins it. 05-17 is 5 days after 05-12,
    # but its complaint came after 05-12: kept.
    profile = make_profile()
    plan = follow_ups(
        profile,
        Tier.AT_RISK,
        from_day=dt.date(2025, 5, 1),
        until_day=dt.date(2025, 6, 30),
        events=[
            CustomerEvent(COMPLAINT, dt.date(2025, 5, 16)),
            CustomerEvent(COMPLAINT, dt.date(2025, 5, 11)),
            CustomerEvent(COMPLAINT, dt.date(2025, 5, 11)),
        ],
    )
    assert summary(plan) == [
        ("2025-05-10", "regular", ["regular"]),
        ("2025-05-12", "after_complaint", ["after_complaint", "after_complaint"]),
        ("2025-05-17", "after_complaint", ["after_complaint"]),
        ("2025-06-10", "regular", ["regular"]),
    ]
    # A chain, merging within 1 day: renewals followed up on 07-01, 07-02 and 07-03.
    # 07-02 joins 07-01; 07-03 is 2 days from the kept 07-01: kept.
    rules = FollowUpRules(merge_days=1, every_months=dict.fromkeys(Tier))
    chain = follow_ups(
        profile,
        Tier.VIP,
        rules,
        from_day=dt.date(2025, 1, 1),
        until_day=dt.date(2025, 12, 31),
        renewal_due=[dt.date(2025, 7, 31), dt.date(2025, 8, 1), dt.date(2025, 8, 2)],
    )
    assert summary(chain) == [
        ("2025-07-01", "before_renewal", ["before_renewal", "before_renewal"]),
        ("2025-07-03", "before_renewal", ["before_renewal"]),
    ]


def test_merge_days_zero_merges_the_same_day_only() -> None:
    rules = FollowUpRules(merge_days=0)
    plan = follow_ups(
        make_profile(),
        Tier.VIP,
        rules,
        from_day=dt.date(2025, 5, 1),
        until_day=dt.date(2025, 5, 31),
        events=[
            CustomerEvent(COMPLAINT, dt.date(2025, 5, 9)),
            CustomerEvent(CLAIM, dt.date(2025, 5, 8)),
        ],
    )
    # Complaint 05-09 + 1 = 05-10, the visit's day; claim 05-08 + 3 = 05-11.
    assert summary(plan) == [
        ("2025-05-10", "after_complaint", ["after_complaint", "regular"]),
        ("2025-05-11", "after_claim", ["after_claim"]),
    ]


def test_monthly_visits_clamp_to_the_month_end() -> None:
    # Since 31 January 2024, monthly: 29 February, 31 March, 30 April (never drifting).
    plan = follow_ups(
        make_profile(customer_since=dt.date(2024, 1, 31), last_purchase=dt.date(2024, 1, 31)),
        Tier.AT_RISK,
        from_day=dt.date(2024, 1, 1),
        until_day=dt.date(2024, 5, 1),
    )
    assert [str(visit.day) for visit in plan] == ["2024-02-29", "2024-03-31", "2024-04-30"]
    assert [visit.reasons[0].details["visit"] for visit in plan] == [1, 2, 3]


def test_the_range_holds_the_days_after_moving() -> None:
    # Monthly visits on the 6th; Saturday 2024-01-06 moves to Monday 01-08. A renewal
    # due 2024-02-05 is followed up 30 days before, Saturday 01-06: back to Friday 01-05.
    profile = make_profile(customer_since=dt.date(2015, 1, 6), last_purchase=dt.date(2015, 1, 6))
    rules = FollowUpRules(calendar=WEEKDAYS, merge_days=0)

    def plan(first: dt.date, last: dt.date) -> list[tuple[str, str, list[str]]]:
        return summary(
            follow_ups(
                profile,
                Tier.AT_RISK,
                rules,
                from_day=first,
                until_day=last,
                renewal_due=dt.date(2024, 2, 5),
            )
        )

    # Planned in the range, moved out of it (both ways): nothing.
    assert plan(dt.date(2024, 1, 6), dt.date(2024, 1, 7)) == []
    # Planned before the range, moved into it; planned after it, moved back into it.
    assert plan(dt.date(2024, 1, 8), dt.date(2024, 1, 31)) == [
        ("2024-01-08", "regular", ["regular"])
    ]
    assert plan(dt.date(2024, 1, 1), dt.date(2024, 1, 5)) == [
        ("2024-01-05", "before_renewal", ["before_renewal"])
    ]


def test_no_regular_visits_and_an_empty_range() -> None:
    rules = FollowUpRules({Tier.VIP: 3, Tier.KEY: 6, Tier.REGULAR: None, Tier.AT_RISK: 1})
    assert (
        follow_ups(
            make_profile(),
            Tier.REGULAR,
            rules,
            from_day=dt.date(2025, 1, 1),
            until_day=dt.date(2025, 12, 31),
        )
        == ()
    )
    # A one-day range holding a visit; events and renewals outside it are left out.
    plan = follow_ups(
        make_profile(),
        Tier.VIP,
        from_day=dt.date(2025, 5, 10),
        until_day=dt.date(2025, 5, 10),
        events=[CustomerEvent(CLAIM, dt.date(2025, 5, 10))],
        renewal_due=dt.date(2025, 6, 10),
    )
    assert summary(plan) == [("2025-05-10", "regular", ["regular"])]


def test_channel_falls_back_to_the_rules_first_channel() -> None:
    day = dt.date(2025, 5, 10)
    dealer = make_profile(preferred_channels=[Channel.DEALER])
    [visit] = follow_ups(dealer, Tier.VIP, from_day=day, until_day=day)
    assert (visit.channel, visit.preferred) == (Channel.PHONE, False)
    nobody = make_profile(preferred_channels=[])
    [visit] = follow_ups(
        nobody, Tier.VIP, FollowUpRules(channels=[Channel.EMAIL]), from_day=day, until_day=day
    )
    assert (visit.channel, visit.preferred) == (Channel.EMAIL, False)
    rules = FollowUpRules(channels=[Channel.PHONE, Channel.EMAIL])
    both = make_profile(preferred_channels=[Channel.SMS, Channel.EMAIL, Channel.PHONE])
    [visit] = follow_ups(both, Tier.VIP, rules, from_day=day, until_day=day)
    assert (visit.channel, visit.preferred) == (Channel.EMAIL, True)


def test_contact_windows_across_clock_changes() -> None:
    profile = make_profile(customer_since=dt.date(2024, 3, 9), time_zone="America/New_York")
    # 9 March 2025: clocks jump from 02:00 to 03:00. 02:30 does not exist: it is 03:30
    # EDT; 03:00 exists and is earlier, so the window ends 30 minutes after it starts.
    spring = FollowUpRules(contact_from=dt.time(2, 30), contact_until=dt.time(3))
    [visit] = follow_ups(
        profile, Tier.VIP, spring, from_day=dt.date(2025, 3, 9), until_day=dt.date(2025, 3, 9)
    )
    assert visit.starts_at.isoformat() == "2025-03-09T03:30:00-04:00"
    assert visit.ends_at.isoformat() == "2025-03-09T04:00:00-04:00"
    # 2 November 2025: clocks go back from 02:00 to 01:00; 01:00 to 01:30 happen twice,
    # and the later occurrence (EST) is taken.
    autumn = FollowUpRules(contact_from=dt.time(1), contact_until=dt.time(1, 30))
    fall = make_profile(customer_since=dt.date(2024, 11, 2), time_zone="America/New_York")
    [visit] = follow_ups(
        fall, Tier.VIP, autumn, from_day=dt.date(2025, 11, 2), until_day=dt.date(2025, 11, 2)
    )
    assert visit.starts_at.isoformat() == "2025-11-02T01:00:00-05:00"
    assert visit.ends_at.isoformat() == "2025-11-02T01:30:00-05:00"
    # An ordinary day in the zone.
    [visit] = follow_ups(
        profile, Tier.VIP, from_day=dt.date(2025, 6, 9), until_day=dt.date(2025, 6, 9)
    )
    assert visit.starts_at.isoformat() == "2025-06-09T10:00:00-04:00"


def test_follow_ups_refuses_bad_arguments() -> None:
    day = dt.date(2025, 5, 10)
    profile = make_profile()
    with invalid("follow_ups", "until_day", "2025-05-09 is before from_day 2025-05-10; swap them"):
        follow_ups(profile, Tier.VIP, from_day=day, until_day=dt.date(2025, 5, 9))
    with wrong_type("follow_ups(profile)", "a CustomerProfile"):
        follow_ups(loose("C-1"), Tier.VIP, from_day=day, until_day=day)
    with wrong_type("follow_ups(tier)", "a Tier"):
        follow_ups(profile, loose("vip"), from_day=day, until_day=day)
    with wrong_type("follow_ups(rules)", "a FollowUpRules"):
        follow_ups(profile, Tier.VIP, loose({}), from_day=day, until_day=day)
    with pytest.raises(DateTypeError, match=r"follow_ups\(from_day\) must be a date"):
        follow_ups(
            profile, Tier.VIP, from_day=loose(pendulum.datetime(2025, 5, 10)), until_day=day
        )
    with pytest.raises(DateTypeError, match=r"follow_ups\(until_day\)"):
        follow_ups(profile, Tier.VIP, from_day=day, until_day=loose("2025-05-10"))
    with wrong_type("follow_ups(events)", "an iterable of CustomerEvent"):
        follow_ups(profile, Tier.VIP, from_day=day, until_day=day, events=loose("claim"))
    with wrong_type("follow_ups(events)", "an iterable of CustomerEvent"):
        follow_ups(profile, Tier.VIP, from_day=day, until_day=day, events=loose(None))
    with wrong_type(r"follow_ups(events[0])", "a CustomerEvent"):
        follow_ups(profile, Tier.VIP, from_day=day, until_day=day, events=loose([("claim", day)]))
    with pytest.raises(DateTypeError, match=r"follow_ups\(renewal_due\) must be a date"):
        follow_ups(
            profile,
            Tier.VIP,
            from_day=day,
            until_day=day,
            renewal_due=loose(pendulum.datetime(2025, 6, 9)),
        )
    with pytest.raises(DateTypeError, match=r"follow_ups\(renewal_due\)\[1\] must be a date"):
        follow_ups(
            profile, Tier.VIP, from_day=day, until_day=day, renewal_due=loose([day, "2025-06-09"])
        )
    with wrong_type("follow_ups(renewal_due)", "a date, an iterable of dates or None"):
        follow_ups(profile, Tier.VIP, from_day=day, until_day=day, renewal_due=loose(20250609))


# ---------------------------------------------------------------- properties


def _forward(calendar: WorkingCalendar | None, day: pendulum.Date) -> pendulum.Date:
    while calendar is not None and not calendar.is_working_day(day):
        day = day.add(days=1)
    return day


def _back(calendar: WorkingCalendar | None, day: pendulum.Date) -> pendulum.Date:
    while calendar is not None and not calendar.is_working_day(day):
        day = day.subtract(days=1)
    return day


def _reference(
    profile: CustomerProfile,
    tier: Tier,
    rules: FollowUpRules,
    *,
    first: pendulum.Date,
    last: pendulum.Date,
    events: list[CustomerEvent],
    dues: list[pendulum.Date],
) -> Counter[tuple[str, pendulum.Date, pendulum.Date]]:
    """Every candidate (kind, planned day, day after moving) in the range, by brute force."""
    found: Counter[tuple[str, pendulum.Date, pendulum.Date]] = Counter()
    calendar = rules.calendar
    months = rules.every_months[tier]
    if months is not None:
        visit = 1
        while (planned := add_months(profile.customer_since, visit * months)) <= last.add(days=40):
            day = _forward(calendar, planned)
            if first <= day <= last:
                found["regular", planned, day] += 1
            visit += 1
    for event in events:
        delay = rules.after_claim_days if event.kind is CLAIM else rules.after_complaint_days
        planned = event.day.add(days=delay)
        day = _forward(calendar, planned)
        if first <= day <= last:
            found[f"after_{event.kind.value}", planned, day] += 1
    for due in dues:
        planned = due.subtract(days=rules.before_renewal_days)
        day = _back(calendar, planned)
        if first <= day <= last:
            found["before_renewal", planned, day] += 1
    return found


_zones = st.sampled_from(
    ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
)
_days = st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)).map(
    lambda d: D(d.year, d.month, d.day)
)
_calendars = st.one_of(
    st.none(),
    st.just(WEEKDAYS),
    st.sets(_days, max_size=30).map(lambda days: WorkingCalendar("Asia/Shanghai", holidays=days)),
)
_rules = st.builds(
    FollowUpRules,
    st.fixed_dictionaries({tier: st.one_of(st.none(), st.integers(1, 13)) for tier in Tier}),
    after_claim_days=st.integers(0, 10),
    after_complaint_days=st.integers(0, 10),
    before_renewal_days=st.integers(0, 60),
    merge_days=st.integers(0, 10),
    contact_from=st.times(max_value=dt.time(22)),
    contact_until=st.just(dt.time(23, 30)),
    calendar=_calendars,
)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    since = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 31)))
    first = draw(_days)
    return {
        "profile": make_profile(customer_since=since, last_purchase=since, time_zone=draw(_zones)),
        "tier": draw(st.sampled_from(list(Tier))),
        "rules": draw(_rules),
        "from_day": first,
        "until_day": first.add(days=draw(st.integers(0, 200))),
        "events": draw(
            st.lists(
                st.builds(CustomerEvent, st.sampled_from([CLAIM, COMPLAINT]), _days), max_size=6
            )
        ),
        "renewal_due": draw(st.lists(_days, max_size=3)),
    }


@given(cases())
def test_follow_ups_are_sorted_in_range_in_the_zone_and_cover_every_candidate(
    case: dict[str, Any],
) -> None:
    plan = follow_ups(**case)
    rules: FollowUpRules = case["rules"]
    profile: CustomerProfile = case["profile"]
    days = [visit.day for visit in plan]
    assert days == sorted(set(days))
    for visit in plan:
        assert case["from_day"] <= visit.day <= case["until_day"]
        assert visit.starts_at.timezone_name == profile.time_zone
        assert visit.starts_at.date() == visit.day
        assert visit.starts_at < visit.ends_at
        assert visit.kind.urgency == max(
            FollowUpKind(reason.code.split(".")[1]).urgency for reason in visit.reasons
        )
        if rules.calendar is not None:
            assert rules.calendar.is_working_day(visit.day)
    # Every candidate is in exactly one follow-up, which is not later than the
    # candidate's own day nor before what triggered it.
    reference = _reference(
        profile,
        case["tier"],
        rules,
        first=case["from_day"],
        last=case["until_day"],
        events=case["events"],
        dues=case["renewal_due"],
    )
    found: Counter[tuple[str, pendulum.Date, pendulum.Date]] = Counter()
    by_planned = {(kind, planned): day for kind, planned, day in reference}
    for visit in plan:
        for reason in visit.reasons:
            kind = reason.code.split(".")[1]
            planned = reason.details["planned"]
            assert isinstance(planned, pendulum.Date)
            own_day = by_planned[kind, planned]
            found[kind, planned, own_day] += 1
            assert visit.day <= own_day
            trigger = reason.details.get("trigger")
            if trigger is not None:
                assert isinstance(trigger, pendulum.Date) and visit.day >= trigger
            assert visit.day >= own_day - pendulum.duration(days=rules.merge_days)
    assert found == reference


@given(cases(), st.randoms(use_true_random=False))
def test_event_order_does_not_change_the_plan(case: dict[str, Any], random: Any) -> None:
    shuffled = dict(case, events=list(case["events"]), renewal_due=list(case["renewal_due"]))
    random.shuffle(shuffled["events"])
    random.shuffle(shuffled["renewal_due"])
    assert follow_ups(**shuffled) == follow_ups(**case)
