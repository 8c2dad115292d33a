"""Tests for renewal_core.periods: expected values are worked out by hand or by
independent reference code (stdlib ``calendar`` / ``zoneinfo``), never by the code
under test."""

from __future__ import annotations

import calendar
import copy
import enum
import importlib.resources
import io
import pickle
import subprocess
import sys
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import attrs
import pendulum
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from renewal_core import periods
from renewal_core.errors import (
    DateOutOfRange,
    DateTypeError,
    InvalidTerm,
    NaiveDateTimeError,
    TimeError,
    UnknownTimeZone,
)
from renewal_core.periods import (
    MonthEndRule,
    PolicyTerm,
    RenewalCadence,
    add_months,
    anniversary,
    local_day,
    time_zone,
)

D = pendulum.Date
CLAMP = MonthEndRule.CLAMP
NEXT_DAY = MonthEndRule.NEXT_DAY
SHANGHAI = "Asia/Shanghai"
MONCTON = "America/Moncton"
FIXED_OFFSET_REMARK = "fixed UTC offsets are not policy time zones"

# Zones with midnight DST changes, day skips and ordinary rules.
ZONES = (
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Havana",
    "Pacific/Apia",
    "Australia/Lord_Howe",
    "America/Moncton",
    "America/Toronto",
    "UTC",
)
# Days whose midnight is repeated or skipped, with their zones.
CLOCK_CHANGES = (
    ("America/Moncton", date(1993, 10, 31)),  # 00:01 -> 23:01 the day before: repeated
    ("America/Havana", date(2012, 11, 4)),  # 01:00 -> 00:00: 00:00 twice
    ("America/Sao_Paulo", date(2018, 11, 4)),  # 00:00 -> 01:00: no 00:00
    ("Pacific/Apia", date(2011, 12, 30)),  # the whole day skipped
    ("Pacific/Apia", date(2011, 12, 31)),
    ("America/Toronto", date(1919, 3, 31)),  # 23:30 -> 00:30: no 00:00
)

days_st = st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 12, 31))
rules_st = st.sampled_from(list(MonthEndRule))
zones_st = st.sampled_from(ZONES)
cadences_st = st.builds(
    RenewalCadence,
    anchor=days_st,
    months=st.integers(1, 60),
    rule=rules_st,
)
# Explicit spans, and annual and monthly terms with their cadences.
any_terms_st = st.one_of(
    st.builds(
        lambda start, length, zone: PolicyTerm(start, start + timedelta(days=length), zone),
        start=days_st,
        length=st.integers(0, 800),
        zone=zones_st,
    ),
    st.builds(
        lambda start, zone, rule: PolicyTerm.annual(start, zone, rule=rule),
        days_st,
        zones_st,
        rules_st,
    ),
    st.builds(
        lambda start, n, zone, rule: PolicyTerm.months(start, n, zone, rule=rule),
        days_st,
        st.integers(1, 60),
        zones_st,
        rules_st,
    ),
)


class MyDate(date):
    """A date subclass that is not pendulum's: accepted like any date."""


# --------------------------------------------------------------------------- reference


def ref_add_months(day: date, months: int, rule: MonthEndRule) -> date:
    """Step one month at a time, then fit the day with calendar.monthrange."""
    year, month = day.year, day.month
    step = 1 if months >= 0 else -1
    for _ in range(abs(months)):
        month += step
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12
    last = calendar.monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    if rule is MonthEndRule.CLAMP:
        return date(year, month, last)
    return date(year, month, last) + timedelta(days=1)


def plain(day: date) -> date:
    return date(day.year, day.month, day.day)


# --------------------------------------------------------------------------- public surface


def test_all_is_sorted_and_documented() -> None:
    assert periods.__all__ == sorted(periods.__all__)
    for name in periods.__all__:
        assert getattr(periods, name).__doc__, name


def test_month_end_rule_values() -> None:
    assert MonthEndRule.CLAMP.value == "clamp"
    assert MonthEndRule.NEXT_DAY.value == "next_day"
    assert [rule.name for rule in MonthEndRule] == ["CLAMP", "NEXT_DAY"]


def test_month_end_rule_repr_is_short() -> None:
    assert repr(MonthEndRule.CLAMP) == "MonthEndRule.CLAMP"
    assert repr(MonthEndRule.NEXT_DAY) == "MonthEndRule.NEXT_DAY"
    assert repr(RenewalCadence(D(2024, 2, 29))) == (
        "RenewalCadence(anchor=Date(2024, 2, 29), months=12, rule=MonthEndRule.CLAMP)"
    )


def test_private_day_helpers_used_by_other_modules() -> None:
    # model.py and formatting.py import these two: keep their contract.
    assert periods._check_day(D(2025, 1, 1), "day") is None  # type: ignore[func-returns-value]
    assert periods._check_day(MyDate(2025, 1, 1), "day") is None  # type: ignore[func-returns-value]
    day = D(2025, 1, 31)
    assert periods._to_date(day, "day") is day
    converted = periods._to_date(MyDate(2025, 1, 31), "day")
    assert type(converted) is pendulum.Date
    assert converted == day
    for bad in (datetime(2025, 1, 1, tzinfo=UTC), "2025-01-01", None):
        with pytest.raises(DateTypeError, match=r"Policy\.inception must be a date"):
            periods._check_day(bad, "Policy.inception")
        with pytest.raises(DateTypeError, match=r"Policy\.inception must be a date"):
            periods._to_date(bad, "Policy.inception")


# --------------------------------------------------------------------------- add_months


@pytest.mark.parametrize(
    ("day", "months", "rule", "expected"),
    [
        (D(2025, 1, 31), 1, CLAMP, D(2025, 2, 28)),
        (D(2025, 1, 31), 1, NEXT_DAY, D(2025, 3, 1)),
        (D(2024, 1, 31), 1, CLAMP, D(2024, 2, 29)),
        (D(2024, 1, 31), 1, NEXT_DAY, D(2024, 3, 1)),
        (D(2024, 2, 29), 12, CLAMP, D(2025, 2, 28)),
        (D(2024, 2, 29), 12, NEXT_DAY, D(2025, 3, 1)),
        (D(2024, 2, 29), 48, CLAMP, D(2028, 2, 29)),
        (D(2025, 8, 31), 1, CLAMP, D(2025, 9, 30)),
        (D(2025, 8, 31), 1, NEXT_DAY, D(2025, 10, 1)),
        (D(2025, 1, 31), 2, CLAMP, D(2025, 3, 31)),
        (D(2025, 12, 31), 1, CLAMP, D(2026, 1, 31)),
        (D(2025, 11, 30), 3, CLAMP, D(2026, 2, 28)),
        (D(2025, 3, 31), -1, CLAMP, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, NEXT_DAY, D(2025, 3, 1)),
        (D(2025, 5, 15), -17, CLAMP, D(2023, 12, 15)),
        (D(2025, 1, 1), -1, CLAMP, D(2024, 12, 1)),
        (D(2025, 6, 15), 0, CLAMP, D(2025, 6, 15)),
        (D(2000, 2, 29), 1200, CLAMP, D(2100, 2, 28)),
        (D(2000, 2, 29), 1200, NEXT_DAY, D(2100, 3, 1)),
        (D(2000, 2, 29), 4800, CLAMP, D(2400, 2, 29)),
        (D(9999, 11, 30), 1, CLAMP, D(9999, 12, 30)),
        (D(1, 2, 1), -1, CLAMP, D(1, 1, 1)),
    ],
)
def test_add_months_hand_computed(
    day: date, months: int, rule: MonthEndRule, expected: date
) -> None:
    result = add_months(day, months, rule)
    assert result == expected
    assert type(result) is pendulum.Date


def test_add_months_default_rule_is_clamp() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)


def test_add_months_is_not_chained() -> None:
    # 31 Jan + 2 months is 31 Mar; one month at a time would give 28 Mar.
    assert add_months(D(2025, 1, 31), 2) == D(2025, 3, 31)
    assert add_months(add_months(D(2025, 1, 31), 1), 1) == D(2025, 3, 28)


def test_add_months_accepts_stdlib_dates_and_subclasses() -> None:
    result = add_months(date(2025, 1, 31), 1)
    assert result == D(2025, 2, 28)
    assert type(result) is pendulum.Date
    assert add_months(MyDate(2025, 1, 31), 1) == D(2025, 2, 28)


@pytest.mark.parametrize("bad", [datetime(2025, 1, 1, tzinfo=UTC), pendulum.datetime(2025, 1, 1)])
def test_add_months_refuses_datetimes(bad: datetime) -> None:
    with pytest.raises(DateTypeError) as info:
        add_months(bad, 1)
    assert info.value.parameter == "day"
    assert "local_day" in str(info.value)


def test_add_months_refuses_non_dates() -> None:
    with pytest.raises(DateTypeError, match="day must be a date, not str"):
        add_months("2025-01-01", 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("months", [True, 1.0, "1", None])
def test_add_months_refuses_non_int_months(months: object) -> None:
    with pytest.raises(DateTypeError, match="months must be an int") as info:
        add_months(D(2025, 1, 1), months)  # type: ignore[arg-type]
    assert info.value.given_type == type(months).__name__
    assert isinstance(info.value, TypeError)


def test_add_months_refuses_a_rule_that_is_not_a_month_end_rule() -> None:
    with pytest.raises(DateTypeError, match="rule must be a MonthEndRule, not str"):
        add_months(D(2025, 1, 1), 1, "clamp")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "months", "message"),
    [
        (D(9999, 12, 1), 1, "9999-12-01 plus 1 month falls in year 10000"),
        (D(1, 1, 31), -1, "0001-01-31 plus -1 month falls in year 0"),
        (D(2025, 1, 31), 12 * 8000, "2025-01-31 plus 96000 months falls in year 10025"),
        (D(2025, 1, 31), 12 * 10**20, "falls in year 100000000000000002025"),
    ],
)
def test_add_months_out_of_range(day: date, months: int, message: str) -> None:
    with pytest.raises(DateOutOfRange, match="outside the years 1 to 9999") as info:
        add_months(day, months)
    assert message in str(info.value)
    assert message in info.value.reason
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, TimeError)


@given(day=days_st, months=st.integers(-1200, 1200), rule=rules_st)
def test_add_months_matches_reference(day: date, months: int, rule: MonthEndRule) -> None:
    assert add_months(day, months, rule) == ref_add_months(day, months, rule)


@given(day=days_st, months=st.integers(-1200, 1200))
def test_add_months_rules_agree_when_the_day_exists(day: date, months: int) -> None:
    clamp, next_day = add_months(day, months, CLAMP), add_months(day, months, NEXT_DAY)
    if clamp.day == day.day:
        assert clamp == next_day
    else:
        assert clamp.day < day.day
        assert plain(next_day) == plain(clamp) + timedelta(days=1)


# --------------------------------------------------------------------------- anniversary


def test_anniversary_of_29_february() -> None:
    inception = D(2024, 2, 29)
    clamp = [anniversary(inception, k) for k in range(6)]
    assert clamp == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
        D(2029, 2, 28),
    ]
    next_day = [anniversary(inception, k, NEXT_DAY) for k in range(6)]
    assert next_day == [
        D(2024, 2, 29),
        D(2025, 3, 1),
        D(2026, 3, 1),
        D(2027, 3, 1),
        D(2028, 2, 29),
        D(2029, 3, 1),
    ]


@pytest.mark.parametrize(
    ("inception", "years", "rule", "expected"),
    [
        (D(2025, 1, 31), 1, CLAMP, D(2026, 1, 31)),
        (D(2023, 6, 15), 40, CLAMP, D(2063, 6, 15)),
        (D(2020, 12, 31), -3, CLAMP, D(2017, 12, 31)),
        (D(2000, 2, 29), 100, CLAMP, D(2100, 2, 28)),
        (D(2000, 2, 29), 100, NEXT_DAY, D(2100, 3, 1)),
        (D(2000, 2, 29), 400, NEXT_DAY, D(2400, 2, 29)),
        (D(2024, 2, 29), -4, CLAMP, D(2020, 2, 29)),
        (D(2024, 2, 28), 1, NEXT_DAY, D(2025, 2, 28)),
        (D(2024, 3, 29), 1, NEXT_DAY, D(2025, 3, 29)),
        (date(2024, 2, 29), 1, CLAMP, D(2025, 2, 28)),
        (MyDate(2024, 2, 29), 1, CLAMP, D(2025, 2, 28)),
    ],
)
def test_anniversary_hand_computed(
    inception: date, years: int, rule: MonthEndRule, expected: date
) -> None:
    result = anniversary(inception, years, rule)
    assert result == expected
    assert type(result) is pendulum.Date


def test_anniversary_refuses_bad_arguments() -> None:
    with pytest.raises(DateTypeError, match="inception must be a date, not DateTime"):
        anniversary(pendulum.datetime(2024, 2, 29), 1)
    with pytest.raises(DateTypeError, match="years must be an int, not bool"):
        anniversary(D(2024, 2, 29), True)
    with pytest.raises(DateTypeError, match="years must be an int, not float"):
        anniversary(D(2024, 2, 29), 1.0)  # type: ignore[arg-type]
    with pytest.raises(DateTypeError, match="rule must be a MonthEndRule"):
        anniversary(D(2024, 2, 29), 1, "next_day")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("inception", "years", "message"),
    [
        (D(9999, 1, 1), 1, "anniversary 1 of 9999-01-01 falls in year 10000"),
        (D(1, 1, 1), -1, "anniversary -1 of 0001-01-01 falls in year 0"),
        (D(2024, 2, 29), 8000, "anniversary 8000 of 2024-02-29 falls in year 10024"),
        (D(2024, 1, 1), 10**20, "falls in year 100000000000000002024"),
    ],
)
def test_anniversary_out_of_range(inception: date, years: int, message: str) -> None:
    with pytest.raises(DateOutOfRange, match="outside the years 1 to 9999") as info:
        anniversary(inception, years)
    assert message in str(info.value)


@given(inception=days_st, years=st.integers(-100, 100), rule=rules_st)
def test_anniversary_matches_reference(inception: date, years: int, rule: MonthEndRule) -> None:
    assert anniversary(inception, years, rule) == ref_add_months(inception, 12 * years, rule)


@given(inception=days_st, years=st.integers(-100, 100), rule=rules_st)
def test_anniversary_is_add_months_of_12_years(
    inception: date, years: int, rule: MonthEndRule
) -> None:
    assert anniversary(inception, years, rule) == add_months(inception, 12 * years, rule)


# --------------------------------------------------------------------------- time zones


def test_time_zone_by_name() -> None:
    zone = time_zone(SHANGHAI)
    assert isinstance(zone, pendulum.Timezone)
    assert zone.name == SHANGHAI
    assert time_zone(SHANGHAI) is zone
    assert time_zone(pendulum.timezone(SHANGHAI)) is zone


def test_time_zone_accepts_a_stdlib_zoneinfo_by_its_name() -> None:
    zone = time_zone(zoneinfo.ZoneInfo(SHANGHAI))
    assert zone is time_zone(SHANGHAI)
    assert type(zone) is pendulum.Timezone
    # An uncached ZoneInfo is a different object with the same name: same zone.
    assert time_zone(zoneinfo.ZoneInfo.no_cache(SHANGHAI)) is zone
    with pytest.raises(UnknownTimeZone, match="'localtime' is the zone of the machine"):
        time_zone(zoneinfo.ZoneInfo("localtime"))


def test_time_zone_accepts_str_enum_members() -> None:
    class Zone(enum.StrEnum):
        SHANGHAI = "Asia/Shanghai"

    assert time_zone(Zone.SHANGHAI) is time_zone(SHANGHAI)


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        # Fixed-offset entries of the IANA database are zone names like any other.
        ("Etc/GMT-8", timedelta(hours=8)),
        ("Etc/GMT+5", timedelta(hours=-5)),
        ("EST", timedelta(hours=-5)),
        ("MST", timedelta(hours=-7)),
        ("UTC", timedelta(0)),
        # An alias keeps its own name.
        ("PRC", timedelta(hours=8)),
    ],
)
def test_time_zone_accepts_every_iana_name(name: str, offset: timedelta) -> None:
    zone = time_zone(name)
    assert zone.name == name
    assert zone.utcoffset(datetime(2025, 1, 15)) == offset  # noqa: DTZ001 - a wall time


def test_time_zone_lookups_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[None] = []
    real = zoneinfo.available_timezones

    def counting() -> set[str]:
        calls.append(None)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    periods._zone_by_name.cache_clear()
    periods._policy_zone_names.cache_clear()
    try:
        zones = [time_zone("Pacific/Chatham") for _ in range(3)]
        assert periods._zone_by_name.cache_info().misses == 1
        assert periods._zone_by_name.cache_info().hits == 2
        assert zones[0] is zones[1] is zones[2]
        assert zones[0].name == "Pacific/Chatham"
        # The list of names is read once, on the first lookup, then kept.
        assert time_zone("Europe/Berlin").name == "Europe/Berlin"
        with pytest.raises(UnknownTimeZone):
            time_zone("Nope/Zone")
        assert len(calls) == 1
    finally:
        periods._policy_zone_names.cache_clear()


def test_time_zone_names_are_not_read_at_import() -> None:
    code = (
        "import zoneinfo\n"
        "calls = []\n"
        "real = zoneinfo.available_timezones\n"
        "zoneinfo.available_timezones = lambda: calls.append(1) or real()\n"
        "import renewal_core.periods as periods\n"
        "assert calls == [], 'read at import'\n"
        "periods.time_zone('Asia/Shanghai')\n"
        "periods.time_zone('Europe/Berlin')\n"
        "print(len(calls))\n"
    )
    out = subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "1"


@pytest.mark.parametrize(
    "name",
    [
        "Nope/Zone",
        "Asia",
        "",
        "../etc/passwd",
        "zone.tab",
        "Asia/Shanghai\x00",
        "Asia/Shanghia",
        "x" * 300,
        "posix/Nope",
    ],
)
def test_time_zone_refuses_unknown_names(name: str) -> None:
    with pytest.raises(UnknownTimeZone) as info:
        time_zone(name)
    # Shown only when shaped like a zone name (Area/Location, a short code); anything
    # else may be personal data in the wrong field and is described by its length.
    looks_like_a_zone = (
        name.isascii()
        and "/" in name
        and all(part and part.replace("_", "").isalnum() for part in name.split("/"))
    )
    shown = (
        repr(name)
        if looks_like_a_zone and len(name) <= 40
        else f"a string of {len(name)} characters"
    )
    assert info.value.given == shown
    assert str(info.value) == (
        f"unknown time zone {shown}: use an IANA name such as 'Asia/Shanghai' or 'Europe/Berlin'"
    )
    assert FIXED_OFFSET_REMARK not in str(info.value)
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("localtime", "'localtime' is the zone of the machine the code runs on"),
        ("Factory", "'Factory' is the zone database's placeholder"),
        ("posixrules", "'posixrules' is the zone database's template"),
        ("posix/Asia/Shanghai", "use the zone's own name 'Asia/Shanghai'"),
        ("right/Asia/Shanghai", "'Asia/Shanghai', without the 'right/' prefix (its clock counts"),
        ("right/UTC", "use the zone's own name 'UTC'"),
        ("utc", "zone names are case-sensitive: use 'UTC'"),
        ("asia/shanghai", "zone names are case-sensitive: use 'Asia/Shanghai'"),
    ],
)
def test_time_zone_refuses_database_entries_that_are_not_policy_zones(
    name: str, hint: str
) -> None:
    # pendulum loads each of these: files in many zone databases, and names in the
    # wrong case (its own "utc", or any name on a case-insensitive file system).
    with pytest.raises(UnknownTimeZone) as info:
        time_zone(name)
    assert info.value.given == repr(name)
    assert hint in str(info.value)
    assert FIXED_OFFSET_REMARK not in str(info.value)


def test_policy_zone_names_come_from_zoneinfo() -> None:
    names = periods._policy_zone_names()
    assert names == zoneinfo.available_timezones() - {"localtime", "Factory", "posixrules"}
    assert not any(name.startswith(("posix/", "right/")) for name in names)
    assert {"Asia/Shanghai", "Etc/GMT-8", "PRC", "UTC"} <= names


@pytest.mark.parametrize("name", ["+08:00", "-0500", "UTC+8", "GMT-03:30", " +8 "])
def test_time_zone_refuses_offsets_written_as_names(name: str) -> None:
    with pytest.raises(UnknownTimeZone, match=FIXED_OFFSET_REMARK) as info:
        time_zone(name)
    assert "'Etc/GMT-8' for UTC+08:00" in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        pendulum.timezone(28800),
        pendulum.FixedTimezone(0),
        UTC,
        timezone(timedelta(hours=8)),
    ],
)
def test_time_zone_refuses_fixed_offset_objects(value: object) -> None:
    with pytest.raises(UnknownTimeZone, match=FIXED_OFFSET_REMARK) as info:
        time_zone(value)  # type: ignore[arg-type]
    assert info.value.given == repr(value)


class _NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


def test_time_zone_refuses_other_tzinfo_objects() -> None:
    with pytest.raises(UnknownTimeZone, match="a _NoOffset has no IANA zone name") as info:
        time_zone(_NoOffset())  # type: ignore[arg-type]
    assert FIXED_OFFSET_REMARK not in str(info.value)


@pytest.mark.parametrize(("value", "kind"), [(8, "int"), (None, "NoneType"), (b"UTC", "bytes")])
def test_time_zone_refuses_values_that_are_not_zones(value: object, kind: str) -> None:
    with pytest.raises(UnknownTimeZone, match=f"not {kind}; use an IANA name") as info:
        time_zone(value)  # type: ignore[arg-type]
    assert FIXED_OFFSET_REMARK not in str(info.value)


@pytest.mark.parametrize("cls", [pendulum.Timezone, zoneinfo.ZoneInfo])
def test_time_zone_refuses_a_zone_without_a_key(cls: type[zoneinfo.ZoneInfo]) -> None:
    data = importlib.resources.files("tzdata.zoneinfo").joinpath("UTC").read_bytes()
    nameless = cls.from_file(io.BytesIO(data))
    with pytest.raises(UnknownTimeZone, match="read from a file and has no IANA name") as info:
        time_zone(nameless)
    assert FIXED_OFFSET_REMARK not in str(info.value)


# --------------------------------------------------------------------------- local_day


@pytest.mark.parametrize(
    ("instant", "tz", "expected"),
    [
        (pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC"), SHANGHAI, D(2025, 1, 2)),
        (pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC"), "America/New_York", D(2025, 1, 1)),
        (pendulum.datetime(2024, 12, 31, 16, 0, tz="UTC"), SHANGHAI, D(2025, 1, 1)),
        (datetime(2024, 12, 31, 15, 59, 59, 999999, tzinfo=UTC), SHANGHAI, D(2024, 12, 31)),
        (datetime(2025, 1, 1, 4, 59, tzinfo=UTC), "America/New_York", D(2024, 12, 31)),
        (datetime(2025, 1, 1, 5, 0, tzinfo=UTC), "America/New_York", D(2025, 1, 1)),
        (datetime(2025, 1, 2, 0, 30, tzinfo=timezone(timedelta(hours=8))), "UTC", D(2025, 1, 1)),
        (
            datetime(2025, 7, 1, 23, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
            "UTC",
            D(2025, 7, 1),
        ),
        (
            pendulum.datetime(2025, 1, 1, 12, tz=SHANGHAI),
            time_zone("Pacific/Kiritimati"),
            D(2025, 1, 1),
        ),
        (pendulum.datetime(2025, 1, 1, 12, tz=SHANGHAI), "Pacific/Pago_Pago", D(2024, 12, 31)),
    ],
)
def test_local_day_near_midnight(instant: datetime, tz: str, expected: date) -> None:
    result = local_day(instant, tz)
    assert result == expected
    assert type(result) is pendulum.Date


def test_local_day_refuses_naive_datetimes() -> None:
    naive = datetime(2025, 1, 1, 12)  # noqa: DTZ001 - the point of the test
    with pytest.raises(NaiveDateTimeError) as info:
        local_day(naive, SHANGHAI)
    assert info.value.given == repr(naive)
    assert "attach one" in str(info.value)
    with pytest.raises(NaiveDateTimeError):
        local_day(pendulum.naive(2025, 1, 1), SHANGHAI)


def test_local_day_treats_a_tzinfo_without_offset_as_naive() -> None:
    with pytest.raises(NaiveDateTimeError):
        local_day(datetime(2025, 1, 1, tzinfo=_NoOffset()), SHANGHAI)


@pytest.mark.parametrize("bad", [D(2025, 1, 1), "2025-01-01T00:00:00Z", 1735689600])
def test_local_day_refuses_non_datetimes(bad: object) -> None:
    with pytest.raises(DateTypeError, match="instant must be a datetime") as info:
        local_day(bad, SHANGHAI)  # type: ignore[arg-type]
    assert info.value.expected == "a datetime"


def test_local_day_refuses_unknown_zones() -> None:
    with pytest.raises(UnknownTimeZone):
        local_day(pendulum.datetime(2025, 1, 1), "Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("instant", "tz"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "America/New_York"),
        (pendulum.datetime(1, 1, 1, tz="UTC"), "America/New_York"),
        (datetime(9999, 12, 31, 23, tzinfo=UTC), SHANGHAI),
        (datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))), "UTC"),
    ],
)
def test_local_day_outside_the_calendar(instant: datetime, tz: str) -> None:
    with pytest.raises(DateOutOfRange, match="leaves the years 1 to 9999") as info:
        local_day(instant, tz)
    assert instant.isoformat() in str(info.value)
    assert tz in str(info.value)


def test_local_day_at_the_edges_of_the_calendar() -> None:
    assert local_day(datetime(1, 1, 1, 5, tzinfo=UTC), "America/New_York") == D(1, 1, 1)
    assert local_day(datetime(9999, 12, 31, 15, tzinfo=UTC), SHANGHAI) == D(9999, 12, 31)


@given(
    instant=st.datetimes(
        min_value=datetime(1950, 1, 1),  # noqa: DTZ001 - bounds for hypothesis
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    name=zones_st,
)
def test_local_day_matches_zoneinfo(instant: datetime, name: str) -> None:
    assert local_day(instant, name) == instant.astimezone(zoneinfo.ZoneInfo(name)).date()


# --------------------------------------------------------------------------- RenewalCadence


def test_cadence_defaults_and_conversion() -> None:
    cadence = RenewalCadence(date(2024, 2, 29))
    assert type(cadence.anchor) is pendulum.Date
    assert cadence.anchor == D(2024, 2, 29)
    assert cadence.months == 12
    assert cadence.rule is CLAMP
    assert cadence == RenewalCadence(D(2024, 2, 29), 12, CLAMP)
    assert RenewalCadence(MyDate(2024, 2, 29)).anchor == D(2024, 2, 29)


def test_cadence_is_frozen() -> None:
    cadence = RenewalCadence(D(2024, 2, 29))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        cadence.months = 6  # type: ignore[misc]


def test_cadence_refuses_bad_fields() -> None:
    with pytest.raises(DateTypeError, match="anchor must be a date, not datetime"):
        RenewalCadence(datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(DateTypeError, match="anchor must be a date, not str"):
        RenewalCadence("2025-01-01")  # type: ignore[arg-type]
    with pytest.raises(InvalidTerm, match="pass months >= 1"):
        RenewalCadence(D(2025, 1, 1), 0)
    with pytest.raises(InvalidTerm, match="not -12"):
        RenewalCadence(D(2025, 1, 1), -12)
    with pytest.raises(DateTypeError, match="months must be an int, not bool"):
        RenewalCadence(D(2025, 1, 1), True)
    with pytest.raises(DateTypeError, match="months must be an int, not float"):
        RenewalCadence(D(2025, 1, 1), 12.0)  # type: ignore[arg-type]
    with pytest.raises(DateTypeError, match="rule must be a MonthEndRule"):
        RenewalCadence(D(2025, 1, 1), 12, "clamp")  # type: ignore[arg-type]


def test_cadence_term_starts_and_ends() -> None:
    monthly = RenewalCadence(D(2025, 1, 31), months=1)
    assert [monthly.term_start(k) for k in range(5)] == [
        D(2025, 1, 31),
        D(2025, 2, 28),
        D(2025, 3, 31),
        D(2025, 4, 30),
        D(2025, 5, 31),
    ]
    assert [monthly.term_end(k) for k in range(4)] == [
        D(2025, 2, 27),
        D(2025, 3, 30),
        D(2025, 4, 29),
        D(2025, 5, 30),
    ]
    monthly_next = RenewalCadence(D(2025, 1, 31), months=1, rule=NEXT_DAY)
    assert [monthly_next.term_start(k) for k in range(5)] == [
        D(2025, 1, 31),
        D(2025, 3, 1),
        D(2025, 3, 31),
        D(2025, 5, 1),
        D(2025, 5, 31),
    ]
    assert monthly_next.index_of(D(2025, 3, 1)) == 1
    assert monthly_next.index_of(D(2025, 3, 31)) == 2
    assert monthly_next.index_of(D(2025, 5, 1)) == 3
    annual = RenewalCadence(D(2025, 1, 1))
    assert annual.term_end(0) == D(2025, 12, 31)
    assert annual.index_of(D(2025, 1, 1)) == 0
    assert annual.index_of(date(2035, 1, 1)) == 10


def test_cadence_index_errors() -> None:
    cadence = RenewalCadence(D(2024, 2, 29))
    with pytest.raises(InvalidTerm, match="negative"):
        cadence.term_start(-1)
    with pytest.raises(InvalidTerm, match="negative"):
        cadence.term_end(-1)
    with pytest.raises(DateTypeError, match="index must be an int"):
        cadence.term_start(1.0)  # type: ignore[arg-type]
    with pytest.raises(DateTypeError, match="index must be an int"):
        cadence.term_end("1")  # type: ignore[arg-type]
    with pytest.raises(InvalidTerm, match="before the cadence anchor") as info:
        cadence.index_of(D(2024, 2, 28))
    assert "the first term starts on 2024-02-29" in str(info.value)
    with pytest.raises(InvalidTerm) as info:
        cadence.index_of(D(2025, 3, 1))
    assert "nearest term starts are 2025-02-28 and 2026-02-28" in str(info.value)
    with pytest.raises(DateTypeError, match="start must be a date"):
        cadence.index_of(pendulum.datetime(2025, 2, 28))


def test_cadence_at_the_end_of_the_calendar() -> None:
    annual = RenewalCadence(D(9990, 1, 31))
    assert annual.term_start(9) == D(9999, 1, 31)
    with pytest.raises(DateOutOfRange) as info:
        annual.term_start(10)
    assert "term 10 of the 12-month cadence from 9990-01-31 would start after 9999-12-31" in (
        str(info.value)
    )
    with pytest.raises(DateOutOfRange, match=r"term 9 of the 12-month cadence .* would end after"):
        annual.term_end(9)
    # The "nearest term starts" hint must not itself leave the calendar.
    with pytest.raises(InvalidTerm) as not_a_start:
        annual.index_of(D(9999, 6, 1))
    assert "the nearest term start is 9999-01-31 (the next would start after 9999-12-31)" in (
        str(not_a_start.value)
    )
    five_yearly = RenewalCadence(D(9990, 1, 31), 60)
    with pytest.raises(InvalidTerm, match="nearest term start is 9995-01-31 "):
        five_yearly.index_of(D(9999, 6, 1))
    # A term whose next one would start on 10000-01-01 ends on the last day there is.
    last = RenewalCadence(D(9999, 1, 1))
    assert last.term_end(0) == D(9999, 12, 31)
    assert RenewalCadence(D(9998, 1, 1), 24).term_end(0) == D(9999, 12, 31)
    assert RenewalCadence(D(9999, 12, 1), 1).term_end(0) == D(9999, 12, 31)
    with pytest.raises(DateOutOfRange, match="would end after 9999-12-31"):
        RenewalCadence(D(9999, 2, 1)).term_end(0)
    with pytest.raises(DateOutOfRange, match="would end after 9999-12-31"):
        RenewalCadence(D(9999, 12, 2), 1).term_end(0)


@given(
    anchor=days_st,
    months=st.sampled_from([1, 2, 3, 6, 12]),
    rule=rules_st,
    index=st.integers(0, 60),
)
def test_cadence_index_of_inverts_term_start(
    anchor: date, months: int, rule: MonthEndRule, index: int
) -> None:
    cadence = RenewalCadence(anchor, months, rule)
    start = ref_add_months(anchor, index * months, rule)
    assert cadence.term_start(index) == start
    assert cadence.index_of(start) == index


@given(cadence=cadences_st, offset=st.integers(0, 3 * 366))
def test_cadence_index_of_rejects_every_day_that_is_not_a_term_start(
    cadence: RenewalCadence, offset: int
) -> None:
    day = plain(cadence.anchor) + timedelta(days=offset)
    starts = [plain(cadence.anchor)]
    while starts[-1] <= day:
        starts.append(ref_add_months(cadence.anchor, len(starts) * cadence.months, cadence.rule))
    if day in starts:
        assert cadence.index_of(day) == starts.index(day)
        return
    before, after = starts[-2], starts[-1]
    assert before < day < after
    with pytest.raises(InvalidTerm, match="is not a term start") as info:
        cadence.index_of(day)
    assert f"the nearest term starts are {before} and {after}" in str(info.value)


@given(cadence=cadences_st, index=st.integers(0, 40))
def test_cadence_term_end_is_the_day_before_the_next_start(
    cadence: RenewalCadence, index: int
) -> None:
    following = ref_add_months(cadence.anchor, (index + 1) * cadence.months, cadence.rule)
    assert cadence.term_end(index) == following - timedelta(days=1)


# --------------------------------------------------------------------------- PolicyTerm: building


def test_policy_term_fields_and_repr() -> None:
    term = PolicyTerm(date(2025, 1, 1), date(2025, 12, 31), SHANGHAI)
    assert type(term.start) is pendulum.Date
    assert type(term.end) is pendulum.Date
    assert isinstance(term.tz, pendulum.Timezone)
    assert term.tz.name == SHANGHAI
    assert term.cadence is None
    assert repr(term) == (
        "PolicyTerm(start=Date(2025, 1, 1), end=Date(2025, 12, 31), "
        "tz='Asia/Shanghai', cadence=None)"
    )


def test_policy_term_equality_and_hash() -> None:
    one = PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), SHANGHAI)
    two = PolicyTerm(date(2025, 1, 1), date(2025, 12, 31), pendulum.timezone(SHANGHAI))
    three = PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), zoneinfo.ZoneInfo.no_cache(SHANGHAI))
    assert one == two == three
    assert hash(one) == hash(two) == hash(three)
    assert one != PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), "Europe/Berlin")
    # Equality includes the cadence ...
    assert one != PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    # ... and compares the zone by name: an alias is a different name.
    alias = PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), "PRC")
    assert alias.tz.name == "PRC"
    assert alias != one
    assert alias.start_instant == one.start_instant


def test_policy_term_fields_are_the_constructor_arguments() -> None:
    assert [field.name for field in attrs.fields(PolicyTerm)] == [
        "start",
        "end",
        "tz",
        "cadence",
    ]
    for term in (
        PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), SHANGHAI),
        PolicyTerm.annual(D(2024, 2, 29), SHANGHAI, rule=NEXT_DAY),
        PolicyTerm.months(D(2025, 1, 31), 3, "Europe/Berlin"),
    ):
        fields = attrs.asdict(term, recurse=False)
        assert set(fields) == {"start", "end", "tz", "cadence"}
        assert PolicyTerm(**fields) == term
        moved = attrs.evolve(term, tz="Europe/Berlin")
        assert moved.tz.name == "Europe/Berlin"
        assert (moved.start, moved.end, moved.cadence, moved.days) == (
            term.start,
            term.end,
            term.cadence,
            term.days,
        )


def test_policy_term_is_frozen_and_evolve_revalidates() -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        term.end = D(2025, 6, 30)  # type: ignore[misc]
    with pytest.raises(InvalidTerm, match="ends on 2025-12-31"):
        attrs.evolve(term, end=D(2025, 6, 30))
    shorter = attrs.evolve(term, end=D(2025, 6, 30), cadence=None)
    assert shorter.days == 181


def test_policy_term_single_day() -> None:
    term = PolicyTerm(D(2025, 3, 1), D(2025, 3, 1), "UTC")
    assert term.days == 1
    assert term.contains(D(2025, 3, 1))


def test_policy_term_refuses_start_after_end() -> None:
    with pytest.raises(InvalidTerm, match="start 2025-01-02 is after end 2025-01-01; swap"):
        PolicyTerm(D(2025, 1, 2), D(2025, 1, 1), SHANGHAI)


def test_policy_term_refuses_datetimes_and_non_dates() -> None:
    with pytest.raises(DateTypeError, match="start must be a date, not DateTime") as info:
        PolicyTerm(pendulum.datetime(2025, 1, 1), D(2025, 12, 31), SHANGHAI)
    assert "local_day" in str(info.value)
    with pytest.raises(DateTypeError, match="end must be a date, not datetime"):
        PolicyTerm(D(2025, 1, 1), datetime(2025, 12, 31, tzinfo=UTC), SHANGHAI)
    with pytest.raises(DateTypeError, match="end must be a date, not str"):
        PolicyTerm(D(2025, 1, 1), "2025-12-31", SHANGHAI)  # type: ignore[arg-type]


def test_policy_term_refuses_bad_zones() -> None:
    with pytest.raises(UnknownTimeZone):
        PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), "+08:00")
    with pytest.raises(UnknownTimeZone):
        PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), pendulum.timezone(28800))  # type: ignore[arg-type]


def test_policy_term_refuses_a_cadence_of_the_wrong_type() -> None:
    with pytest.raises(DateTypeError, match="cadence must be a RenewalCadence or None, not int"):
        PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), SHANGHAI, cadence=12)  # type: ignore[arg-type]


def test_policy_term_with_an_explicit_cadence() -> None:
    cadence = RenewalCadence(D(2024, 2, 29))
    term = PolicyTerm(D(2027, 2, 28), D(2028, 2, 28), SHANGHAI, cadence=cadence)
    assert term.days == 366
    assert term.renewal() == PolicyTerm(D(2028, 2, 29), D(2029, 2, 27), SHANGHAI, cadence=cadence)


def test_policy_term_refuses_days_that_do_not_fit_the_cadence() -> None:
    cadence = RenewalCadence(D(2024, 2, 29))
    with pytest.raises(InvalidTerm) as info:
        PolicyTerm(D(2025, 2, 28), D(2026, 2, 28), SHANGHAI, cadence=cadence)
    message = str(info.value)
    assert "end 2026-02-28 does not fit the cadence" in message
    assert "ends on 2026-02-27" in message
    assert "next term starts on 2026-02-28" in message
    with pytest.raises(InvalidTerm, match="nearest term starts are 2025-02-28 and 2026-02-28"):
        PolicyTerm(D(2025, 3, 1), D(2026, 2, 28), SHANGHAI, cadence=cadence)
    with pytest.raises(InvalidTerm, match="before the cadence anchor"):
        PolicyTerm(D(2023, 3, 1), D(2024, 2, 28), SHANGHAI, cadence=cadence)


@pytest.mark.parametrize(
    ("start", "rule", "end", "days"),
    [
        (D(2025, 1, 1), CLAMP, D(2025, 12, 31), 365),
        (D(2024, 1, 1), CLAMP, D(2024, 12, 31), 366),
        (D(2024, 2, 29), CLAMP, D(2025, 2, 27), 365),
        (D(2024, 2, 29), NEXT_DAY, D(2025, 2, 28), 366),
        (D(2023, 3, 1), CLAMP, D(2024, 2, 29), 366),
        (D(2025, 7, 15), CLAMP, D(2026, 7, 14), 365),
        (date(2025, 12, 31), CLAMP, D(2026, 12, 30), 365),
    ],
)
def test_annual(start: date, rule: MonthEndRule, end: date, days: int) -> None:
    term = PolicyTerm.annual(start, SHANGHAI, rule=rule)
    assert term.start == start
    assert term.end == end
    assert term.days == days
    assert term.cadence == RenewalCadence(start, 12, rule)


def test_annual_renewal_term_from_the_original_inception() -> None:
    term = PolicyTerm.annual(D(2027, 2, 28), SHANGHAI, inception=D(2024, 2, 29))
    assert term.end == D(2028, 2, 28)
    assert term.days == 366
    assert term.cadence == RenewalCadence(D(2024, 2, 29))
    with pytest.raises(InvalidTerm, match="not a term start"):
        PolicyTerm.annual(D(2027, 3, 1), SHANGHAI, inception=D(2024, 2, 29))
    with pytest.raises(DateTypeError, match="inception must be a date"):
        PolicyTerm.annual(D(2027, 2, 28), SHANGHAI, inception=pendulum.datetime(2024, 2, 29))
    with pytest.raises(DateTypeError, match="start must be a date"):
        PolicyTerm.annual(pendulum.datetime(2027, 2, 28), SHANGHAI)


@pytest.mark.parametrize(
    ("start", "n", "rule", "inception", "end"),
    [
        (D(2025, 1, 31), 1, CLAMP, None, D(2025, 2, 27)),
        (D(2025, 1, 31), 1, NEXT_DAY, None, D(2025, 2, 28)),
        (D(2025, 2, 28), 1, CLAMP, D(2025, 1, 31), D(2025, 3, 30)),
        (D(2025, 11, 30), 3, CLAMP, None, D(2026, 2, 27)),
        (D(2025, 1, 1), 6, CLAMP, None, D(2025, 6, 30)),
        (D(2025, 8, 31), 6, CLAMP, None, D(2026, 2, 27)),
        (D(2025, 1, 1), 24, CLAMP, None, D(2026, 12, 31)),
    ],
)
def test_months(
    start: date, n: int, rule: MonthEndRule, inception: date | None, end: date
) -> None:
    term = PolicyTerm.months(start, n, SHANGHAI, inception=inception, rule=rule)
    assert term.end == end
    assert term.cadence is not None
    assert term.cadence.months == n


def test_months_refuses_bad_lengths_naming_n() -> None:
    with pytest.raises(InvalidTerm) as info:
        PolicyTerm.months(D(2025, 1, 1), 0, SHANGHAI)
    assert (
        str(info.value) == "invalid policy term: a term lasts at least 1 month, not 0; pass n >= 1"
    )
    with pytest.raises(InvalidTerm, match="not -3; pass n >= 1"):
        PolicyTerm.months(D(2025, 1, 1), -3, SHANGHAI)
    with pytest.raises(DateTypeError, match=r"^n must be an int, not bool$") as type_info:
        PolicyTerm.months(D(2025, 1, 1), True, SHANGHAI)
    assert type_info.value.parameter == "n"
    with pytest.raises(DateTypeError, match=r"^n must be an int, not float$"):
        PolicyTerm.months(D(2025, 1, 1), 3.0, SHANGHAI)  # type: ignore[arg-type]


def test_terms_at_the_end_of_the_calendar() -> None:
    last = PolicyTerm.annual(D(9999, 1, 1), "UTC")
    assert last.end == D(9999, 12, 31)
    assert last.days == 365
    renewed = PolicyTerm.annual(D(9998, 1, 1), "UTC").renewal()
    assert renewed == PolicyTerm.annual(D(9999, 1, 1), "UTC", inception=D(9998, 1, 1))
    assert (renewed.start, renewed.end) == (last.start, last.end)
    for term, anchor in ((last, "9999-01-01"), (renewed, "9998-01-01")):
        with pytest.raises(DateOutOfRange) as info:
            term.renewal()
        assert (
            "no renewal after the term 9999-01-01 to 9999-12-31: the next term of its "
            f"12-month cadence from {anchor} would start after 9999-12-31"
        ) in str(info.value)
    february = PolicyTerm.annual(D(9998, 2, 1), SHANGHAI)
    with pytest.raises(DateOutOfRange, match="no renewal after the term 9998-02-01 to 9999-01-31"):
        february.renewal()
    with pytest.raises(DateOutOfRange, match="would end after 9999-12-31"):
        february.renewal()
    with pytest.raises(DateOutOfRange, match="term 0 of the 12-month cadence"):
        PolicyTerm.annual(D(9999, 2, 1), SHANGHAI)
    with pytest.raises(
        InvalidTerm, match="ends on 9999-12-31, the day before the next term starts on 10000-01-01"
    ):
        PolicyTerm(D(9999, 1, 1), D(9999, 6, 30), "UTC", cadence=RenewalCadence(D(9999, 1, 1)))


# ------------------------------------------------------------------------ PolicyTerm: day counts


@pytest.mark.parametrize(
    ("on", "elapsed", "remaining"),
    [
        (D(2024, 6, 1), 0, 365),
        (D(2024, 12, 31), 0, 365),
        (D(2025, 1, 1), 0, 365),
        (D(2025, 1, 2), 1, 364),
        (D(2025, 3, 1), 59, 306),
        (date(2025, 7, 1), 181, 184),
        (D(2025, 12, 31), 364, 1),
        (D(2026, 1, 1), 365, 0),
        (D(2027, 6, 1), 365, 0),
        (MyDate(2025, 2, 1), 31, 334),
    ],
)
def test_day_counts_hand_computed(on: date, elapsed: int, remaining: int) -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    assert term.days == 365
    assert term.elapsed_days(on) == elapsed
    assert term.remaining_days(on) == remaining


def test_contains() -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    assert term.contains(D(2025, 1, 1))
    assert term.contains(date(2025, 12, 31))
    assert term.contains(MyDate(2025, 6, 30))
    assert not term.contains(D(2024, 12, 31))
    assert not term.contains(D(2026, 1, 1))


@pytest.mark.parametrize("method", ["contains", "elapsed_days", "remaining_days"])
@pytest.mark.parametrize(
    "bad",
    [pendulum.datetime(2025, 3, 1), datetime(2025, 3, 1, tzinfo=UTC), "2025-03-01", None],
)
def test_day_methods_refuse_datetimes_and_non_dates(method: str, bad: object) -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    with pytest.raises(DateTypeError, match="must be a date") as info:
        getattr(term, method)(bad)
    if isinstance(bad, datetime):
        assert "local_day(instant, tz)" in str(info.value)


terms_st = st.builds(
    lambda start, length, zone: PolicyTerm(start, start + timedelta(days=length), zone),
    start=days_st,
    length=st.integers(0, 800),
    zone=zones_st,
)


@given(term=terms_st, on=days_st)
def test_elapsed_plus_remaining_is_days(term: PolicyTerm, on: date) -> None:
    elapsed, remaining = term.elapsed_days(on), term.remaining_days(on)
    assert elapsed + remaining == term.days
    assert 0 <= elapsed <= term.days
    assert term.days == (plain(term.end) - plain(term.start)).days + 1
    # Independent formula: days from start to on, clamped.
    assert elapsed == min(max((on - plain(term.start)).days, 0), term.days)


@given(term=terms_st, first=days_st, second=days_st)
def test_elapsed_is_monotone(term: PolicyTerm, first: date, second: date) -> None:
    early, late = sorted((first, second))
    assert term.elapsed_days(early) <= term.elapsed_days(late)
    assert term.remaining_days(early) >= term.remaining_days(late)


@given(term=terms_st, on=days_st)
def test_contains_matches_comparison(term: PolicyTerm, on: date) -> None:
    assert term.contains(on) == (plain(term.start) <= on <= plain(term.end))


# --------------------------------------------------------------------------- PolicyTerm: renewal


def test_renewal_of_29_february_over_40_years() -> None:
    term = PolicyTerm.annual(D(2024, 2, 29), SHANGHAI)
    starts = [term.start]
    for _ in range(44):
        term = term.renewal()
        starts.append(term.start)
    expected = [
        date(year, 2, 29) if calendar.isleap(year) else date(year, 2, 28)
        for year in range(2024, 2069)
    ]
    assert starts == expected
    assert starts[:5] == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_renewal_of_29_february_with_next_day() -> None:
    term = PolicyTerm.annual(D(2024, 2, 29), SHANGHAI, rule=NEXT_DAY)
    starts = [term.start]
    for _ in range(44):
        term = term.renewal()
        starts.append(term.start)
    expected = [
        date(year, 2, 29) if calendar.isleap(year) else date(year, 3, 1)
        for year in range(2024, 2069)
    ]
    assert starts == expected


def test_renewal_keeps_zone_and_cadence() -> None:
    term = PolicyTerm.months(D(2025, 1, 31), 1, "Europe/Berlin")
    nxt = term.renewal()
    assert nxt == PolicyTerm(D(2025, 2, 28), D(2025, 3, 30), "Europe/Berlin", cadence=term.cadence)
    assert nxt.renewal().start == D(2025, 3, 31)


def test_renewal_without_cadence() -> None:
    term = PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), SHANGHAI)
    with pytest.raises(InvalidTerm, match=r"PolicyTerm\.annual\(\)") as info:
        term.renewal()
    assert "cadence=" in str(info.value)
    assert isinstance(info.value, TimeError)


@given(
    inception=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    months=st.one_of(st.sampled_from([1, 3, 6, 12]), st.integers(1, 60)),
    rule=rules_st,
    renewals=st.integers(1, 45),
)
def test_renewals_chain_contiguously_and_never_drift(
    inception: date, months: int, rule: MonthEndRule, renewals: int
) -> None:
    term = PolicyTerm.months(inception, months, "UTC", rule=rule)
    for k in range(1, renewals + 1):
        nxt = term.renewal()
        assert plain(nxt.start) == plain(term.end) + timedelta(days=1)
        assert nxt.start == ref_add_months(inception, k * months, rule)
        assert plain(nxt.end) == ref_add_months(inception, (k + 1) * months, rule) - timedelta(
            days=1
        )
        if months == 12:
            assert nxt.days in {365, 366}
        term = nxt


@given(
    inception=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    rule=rules_st,
    k=st.integers(0, 60),
)
def test_annual_from_any_anniversary_matches_the_chain(
    inception: date, rule: MonthEndRule, k: int
) -> None:
    start = ref_add_months(inception, 12 * k, rule)
    term = PolicyTerm.annual(start, "UTC", inception=inception, rule=rule)
    assert term.days in {365, 366}
    assert plain(term.end) == ref_add_months(inception, 12 * (k + 1), rule) - timedelta(days=1)


# --------------------------------------------------------------------------- values


@given(term=any_terms_st)
def test_policy_terms_survive_pickle_and_copy(term: PolicyTerm) -> None:
    for again in (pickle.loads(pickle.dumps(term)), copy.copy(term), copy.deepcopy(term)):  # noqa: S301 - our own data
        assert again == term
        assert hash(again) == hash(term)
        assert repr(again) == repr(term)
        assert again.days == term.days
        assert again.tz.name == term.tz.name
        if term.cadence is not None:
            assert again.renewal() == term.renewal()


@given(cadence=cadences_st)
def test_cadences_survive_pickle_and_copy(cadence: RenewalCadence) -> None:
    for again in (pickle.loads(pickle.dumps(cadence)), copy.copy(cadence), copy.deepcopy(cadence)):  # noqa: S301 - our own data
        assert again == cadence
        assert hash(again) == hash(cadence)
        assert again.term_start(3) == cadence.term_start(3)


@given(start=days_st, length=st.integers(0, 800), name=zones_st, with_cadence=st.booleans())
def test_equal_terms_have_equal_hashes_however_the_zone_is_given(
    start: date, length: int, name: str, with_cadence: bool
) -> None:
    cadence = RenewalCadence(start, 12) if with_cadence else None
    end = start + timedelta(days=length) if cadence is None else cadence.term_end(0)
    zones: list[str | zoneinfo.ZoneInfo] = [
        name,
        pendulum.timezone(name),
        zoneinfo.ZoneInfo(name),
        zoneinfo.ZoneInfo.no_cache(name),
        pendulum.Timezone.no_cache(name),
    ]
    terms = [PolicyTerm(start, end, zone, cadence=cadence) for zone in zones]
    assert all(term == terms[0] for term in terms)
    assert len({hash(term) for term in terms}) == 1


# --------------------------------------------------------------------------- PolicyTerm: instants


def test_instants_in_shanghai() -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    assert term.start_instant == datetime(2024, 12, 31, 16, tzinfo=UTC)
    assert term.end_instant == datetime(2025, 12, 31, 16, tzinfo=UTC)
    assert isinstance(term.start_instant, pendulum.DateTime)
    assert term.start_instant.timezone_name == SHANGHAI
    assert (term.start_instant.hour, term.start_instant.minute) == (0, 0)


def test_start_in_a_dst_gap_at_midnight() -> None:
    # Sao Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04 (UTC-3 -> UTC-2).
    term = PolicyTerm(D(2018, 11, 4), D(2018, 11, 10), "America/Sao_Paulo")
    start = term.start_instant
    assert start == datetime(2018, 11, 4, 3, tzinfo=UTC)
    assert (start.hour, start.minute) == (1, 0)
    assert start.utcoffset() == timedelta(hours=-2)
    # The day before ends where it starts: 24:00 on 3 Nov is 01:00 on 4 Nov.
    before = PolicyTerm(D(2018, 11, 1), D(2018, 11, 3), "America/Sao_Paulo")
    assert before.end_instant == start
    assert before.contains_instant(datetime(2018, 11, 4, 2, 59, 59, tzinfo=UTC))
    assert not before.contains_instant(start)
    assert term.contains_instant(start)


def test_end_on_an_ambiguous_midnight_uses_the_first() -> None:
    # Havana fell back from 01:00 (UTC-4) to 00:00 (UTC-5) on 2012-11-04: 00:00 twice.
    term = PolicyTerm(D(2012, 11, 1), D(2012, 11, 3), "America/Havana")
    end = term.end_instant
    # == across zones is False for instants in a repeated hour (PEP 495): use UTC.
    assert end.in_timezone("UTC") == datetime(2012, 11, 4, 4, tzinfo=UTC)
    assert (end.hour, end.minute, end.utcoffset()) == (0, 0, timedelta(hours=-4))


def test_start_in_a_dst_gap_that_straddles_midnight() -> None:
    # Toronto jumped from 23:30 (UTC-5) to 00:30 (UTC-4) on 1919-03-30/31, so
    # 31 March 1919 began at 00:30 local time: neither 00:00 nor 01:00.
    start = PolicyTerm(D(1919, 3, 31), D(1919, 4, 30), "America/Toronto").start_instant
    assert start == datetime(1919, 3, 31, 4, 30, tzinfo=UTC)
    assert (start.hour, start.minute) == (0, 30)


def test_a_day_the_zone_skipped() -> None:
    # Samoa skipped 2011-12-30: 2011-12-29 24:00 (UTC-10) became 2011-12-31 00:00 (UTC+14).
    term = PolicyTerm(D(2011, 12, 30), D(2011, 12, 31), "Pacific/Apia")
    assert term.start_instant == datetime(2011, 12, 30, 10, tzinfo=UTC)
    before = PolicyTerm(D(2011, 12, 1), D(2011, 12, 29), "Pacific/Apia")
    assert before.end_instant == term.start_instant


def test_instants_at_the_edges_of_the_calendar() -> None:
    # 00:00 on 1 January of year 1 in Shanghai (local mean time, +08:05:43) is in
    # year 0 in UTC: the instant exists as a local time all the same.
    first = PolicyTerm(D(1, 1, 1), D(1, 1, 2), SHANGHAI)
    start = first.start_instant
    assert (start.year, start.month, start.day, start.hour, start.minute) == (1, 1, 1, 0, 0)
    assert start.utcoffset() == timedelta(hours=8, minutes=5, seconds=43)
    assert first.contains_instant(datetime(1, 1, 1, tzinfo=UTC))
    assert first.contains_instant(datetime(1, 1, 1, 0, 30, tzinfo=time_zone(SHANGHAI)))
    assert not first.contains_instant(datetime(1, 1, 3, 0, 30, tzinfo=time_zone(SHANGHAI)))
    assert first.end_instant.utcoffset() == start.utcoffset()
    assert PolicyTerm(D(9999, 12, 1), D(9999, 12, 30), "UTC").end_instant == datetime(
        9999, 12, 31, tzinfo=UTC
    )
    with pytest.raises(DateOutOfRange, match="no datetime can hold") as info:
        _ = PolicyTerm(D(9999, 12, 1), D(9999, 12, 31), "UTC").end_instant
    assert "cover ending on 9999-12-31 ends at 24:00 that day" in str(info.value)


@pytest.mark.parametrize(
    ("instant", "name", "expected"),
    [
        (datetime(2025, 6, 1, tzinfo=UTC), "America/New_York", True),
        (datetime(9999, 12, 30, 12, tzinfo=UTC), SHANGHAI, True),
        # The last day in UTC: the local day decides.
        (datetime(9999, 12, 31, 12, tzinfo=UTC), "America/New_York", True),
        (datetime(9999, 12, 31, 15, 59, tzinfo=UTC), SHANGHAI, True),
        (datetime(9999, 12, 31, 16, tzinfo=UTC), SHANGHAI, False),
        (datetime(9999, 12, 31, 23, tzinfo=UTC), SHANGHAI, False),
        (datetime(9999, 12, 31, 23, 59, tzinfo=time_zone(SHANGHAI)), SHANGHAI, True),
    ],
)
def test_contains_instant_when_cover_runs_to_the_end_of_the_calendar(
    instant: datetime, name: str, expected: bool
) -> None:
    term = PolicyTerm(D(2025, 1, 1), D(9999, 12, 31), name)
    assert term.contains_instant(instant) is expected


def test_contains_instant_past_the_end_of_the_calendar_in_utc() -> None:
    # 23:00 at UTC-05:00 on 9999-12-31 is 04:00 on 10000-01-01 in UTC: no datetime
    # holds it, so the library cannot tell which local day it is in the zone.
    term = PolicyTerm(D(2025, 1, 1), D(9999, 12, 31), "America/New_York")
    late = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
    with pytest.raises(DateOutOfRange, match="cannot be told") as info:
        term.contains_instant(late)
    assert late.isoformat() in str(info.value)


def test_contains_instant_across_a_repeated_hour_in_the_local_zone() -> None:
    # Moncton, 31 October 1993: at 00:01 ADT (UTC-3) clocks went back to 23:01 AST
    # (UTC-4) on 30 October. 31 October begins at the first 00:00, 03:00 UTC; the
    # hour after it reads 30 October again.
    zone = time_zone(MONCTON)
    october = PolicyTerm(D(1993, 10, 1), D(1993, 10, 30), MONCTON)
    november = PolicyTerm(D(1993, 10, 31), D(1993, 11, 30), MONCTON)
    assert october.end_instant.in_timezone("UTC") == datetime(1993, 10, 31, 3, tzinfo=UTC)
    assert november.start_instant.in_timezone("UTC") == datetime(1993, 10, 31, 3, tzinfo=UTC)
    for tz in (zone, zoneinfo.ZoneInfo(MONCTON)):
        first = datetime(1993, 10, 30, 23, 30, tzinfo=tz)  # 02:30 UTC
        second = datetime(1993, 10, 30, 23, 30, fold=1, tzinfo=tz)  # 03:30 UTC
        for instant in (first, pendulum.instance(first)):
            assert october.contains_instant(instant)
            assert not november.contains_instant(instant)
        for instant in (second, pendulum.instance(second)):
            assert instant.utcoffset() == timedelta(hours=-4)
            assert not october.contains_instant(instant)
            assert november.contains_instant(instant)
            # The day-based test puts the repeated hour on its local day instead.
            assert october.contains(october.local_day(instant))
        midnight_again = datetime(1993, 10, 31, fold=1, tzinfo=tz)  # 04:00 UTC
        assert november.contains_instant(midnight_again)
        assert not october.contains_instant(midnight_again)
    utc = datetime(1993, 10, 31, 3, 30, tzinfo=UTC)
    assert (october.contains_instant(utc), november.contains_instant(utc)) == (False, True)


def test_contains_instant_at_a_repeated_midnight_in_the_local_zone() -> None:
    # Havana, 4 November 2012: at 01:00 CDT (UTC-4) clocks went back to 00:00 CST
    # (UTC-5), so 00:00 happened twice; the day starts at the first.
    zone = time_zone("America/Havana")
    before = PolicyTerm(D(2012, 10, 1), D(2012, 11, 3), "America/Havana")
    after = PolicyTerm(D(2012, 11, 4), D(2012, 11, 30), "America/Havana")
    for tz in (zone, zoneinfo.ZoneInfo("America/Havana")):
        for fold in (0, 1):
            for minute in (0, 30):
                instant = datetime(2012, 11, 4, 0, minute, fold=fold, tzinfo=tz)
                assert not before.contains_instant(instant)
                assert after.contains_instant(instant)
                assert after.contains(after.local_day(instant))
        last = datetime(2012, 11, 3, 23, 59, 59, 999999, tzinfo=tz)
        assert before.contains_instant(last)
        assert not after.contains_instant(last)


def test_contains_instant_boundaries() -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    assert term.contains_instant(pendulum.datetime(2024, 12, 31, 16, tz="UTC"))
    assert not term.contains_instant(pendulum.datetime(2024, 12, 31, 15, 59, 59, tz="UTC"))
    assert term.contains_instant(datetime(2025, 12, 31, 15, 59, 59, 999999, tzinfo=UTC))
    assert not term.contains_instant(datetime(2025, 12, 31, 16, tzinfo=UTC))


def test_contains_instant_refuses_naive_and_non_datetimes() -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    with pytest.raises(NaiveDateTimeError):
        term.contains_instant(datetime(2025, 6, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(DateTypeError, match="instant must be a datetime"):
        term.contains_instant(D(2025, 6, 1))  # type: ignore[arg-type]


def test_local_day_method() -> None:
    term = PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)
    assert term.local_day(pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC")) == D(2025, 1, 2)
    with pytest.raises(NaiveDateTimeError):
        term.local_day(datetime(2025, 1, 1))  # noqa: DTZ001 - the point of the test


@given(
    day=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
    name=zones_st,
)
def test_start_instant_is_the_first_instant_of_the_day(day: date, name: str) -> None:
    zone = zoneinfo.ZoneInfo(name)
    start = PolicyTerm(day, day, name).start_instant
    just_before = start - timedelta(microseconds=1)
    assert start.astimezone(zone).date() >= day
    assert just_before.astimezone(zone).date() < day


@given(
    term=st.builds(
        lambda start, length, zone: PolicyTerm(start, start + timedelta(days=length), zone),
        start=st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 1, 1)),
        length=st.integers(0, 400),
        zone=st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York"]),
    ),
    instant=st.datetimes(
        min_value=datetime(1969, 1, 1),  # noqa: DTZ001 - bounds for hypothesis
        max_value=datetime(2102, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_contains_instant_matches_the_local_day(term: PolicyTerm, instant: datetime) -> None:
    # In zones whose clocks never change at midnight, cover is in force exactly on
    # the instants whose local day is a day of the term.
    local = instant.astimezone(zoneinfo.ZoneInfo(term.tz.name)).date()
    assert term.contains_instant(instant) == (plain(term.start) <= local <= plain(term.end))


def _in_utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


@settings(max_examples=400)
@given(
    boundary=st.one_of(st.sampled_from(CLOCK_CHANGES), st.tuples(zones_st, days_st)),
    length=st.integers(0, 40),
    at_end=st.booleans(),
    minutes=st.one_of(st.integers(-90, 90), st.integers(-26 * 60, 26 * 60)),
    seconds=st.integers(0, 59),
    fold=st.sampled_from([0, 1]),
    written_in=st.sampled_from(["term zone", "zoneinfo", "other zone", "utc"]),
    other=zones_st,
)
@example(  # 23:30 the second time on 30 October 1993 in Moncton is after the term
    boundary=("America/Moncton", date(1993, 10, 31)),
    length=0,
    at_end=True,
    minutes=-30,
    seconds=0,
    fold=1,
    written_in="term zone",
    other="UTC",
)
def test_contains_instant_agrees_with_comparing_utc_times(
    *,
    boundary: tuple[str, date],
    length: int,
    at_end: bool,
    minutes: int,
    seconds: int,
    fold: int,
    written_in: str,
    other: str,
) -> None:
    # A term that starts, or ends the day before, the boundary day; and an instant
    # near that day's start, written as a wall time (fold included) in the term's
    # own zone object, a stdlib copy of it, another zone, or UTC.
    name, near = boundary
    start = near if not at_end else near - timedelta(days=length + 1)
    term = PolicyTerm(start, start + timedelta(days=length), name)
    wall = datetime(near.year, near.month, near.day) + timedelta(  # noqa: DTZ001 - zoned below
        minutes=minutes, seconds=seconds
    )
    zones: dict[str, tzinfo] = {
        "term zone": term.tz,
        "zoneinfo": zoneinfo.ZoneInfo(name),
        "other zone": time_zone(other),
        "utc": UTC,
    }
    instant = wall.replace(tzinfo=zones[written_in], fold=fold)
    # pendulum normalises a wall time that does not exist, so it may be another instant.
    for candidate in (instant, pendulum.instance(instant)):
        expected = _in_utc(term.start_instant) <= _in_utc(candidate) < _in_utc(term.end_instant)
        assert term.contains_instant(candidate) is expected


@pytest.mark.parametrize(
    "secret", ["13812345678", "Zhang San", "王小明", "zhang.san@example.com", "Alice", "Wang"]
)
def test_unknown_zone_messages_never_show_personal_data(secret: str) -> None:
    with pytest.raises(UnknownTimeZone) as info:
        time_zone(secret)
    assert secret not in str(info.value)
    assert info.value.given == f"a string of {len(secret)} characters"


def test_zone_shaped_values_with_long_numbers_are_not_shown() -> None:
    with pytest.raises(UnknownTimeZone) as info:
        time_zone("Asia/13812345678")
    assert "13812345678" not in str(info.value)
    with pytest.raises(UnknownTimeZone) as info:
        time_zone("America/Port-au-Prance")
    assert info.value.given == "'America/Port-au-Prance'"
