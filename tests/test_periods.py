"""Tests for renewal_core.periods: expected values are worked out by hand or by
independent reference code (stdlib ``calendar`` / ``zoneinfo``), never by the code
under test."""

from __future__ import annotations

import calendar
import enum
import importlib.resources
import io
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core import periods
from renewal_core.errors import (
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
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
KIRITIMATI = time_zone("Pacific/Kiritimati")

# Zones with midnight DST changes, day skips and ordinary rules.
ZONES = (
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Havana",
    "Pacific/Apia",
    "Australia/Lord_Howe",
    "UTC",
)

days_st = st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 12, 31))
rules_st = st.sampled_from(list(MonthEndRule))
zones_st = st.sampled_from(ZONES)


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


@pytest.mark.parametrize(("day", "months"), [(D(9999, 12, 1), 1), (D(1, 1, 31), -1)])
def test_add_months_out_of_range(day: date, months: int) -> None:
    with pytest.raises(InvalidTerm, match="outside the supported years 1 to 9999"):
        add_months(day, months)


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
    ("inception", "years"),
    [(D(9999, 1, 1), 1), (D(1, 1, 1), -1), (D(2024, 2, 29), 8000), (D(2024, 1, 1), 10**20)],
)
def test_anniversary_out_of_range(inception: date, years: int) -> None:
    with pytest.raises(InvalidTerm, match="outside the supported years"):
        anniversary(inception, years)


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


def test_time_zone_accepts_str_enum_members() -> None:
    class Zone(enum.StrEnum):
        SHANGHAI = "Asia/Shanghai"

    assert time_zone(Zone.SHANGHAI) is time_zone(SHANGHAI)


def test_time_zone_lookups_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = pendulum.timezone

    def counting(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
        calls.append(name)
        return real(name)

    monkeypatch.setattr(pendulum, "timezone", counting)
    for _ in range(3):
        assert time_zone("Pacific/Chatham").name == "Pacific/Chatham"
    assert calls.count("Pacific/Chatham") <= 1


@pytest.mark.parametrize(
    "name",
    [
        "Nope/Zone",
        "Asia",
        "",
        "../etc/passwd",
        "+08:00",
        "zone.tab",
        "Asia/Shanghai\x00",
        "x" * 300,
    ],
)
def test_time_zone_refuses_unknown_names(name: str) -> None:
    with pytest.raises(UnknownTimeZone) as info:
        time_zone(name)
    assert info.value.given == repr(name)
    assert "IANA name" in str(info.value)
    assert isinstance(info.value, LookupError)


@pytest.mark.parametrize(
    "value",
    [
        8,
        None,
        pendulum.timezone(28800),
        pendulum.FixedTimezone(0),
        UTC,
        timezone(timedelta(hours=8)),
        zoneinfo.ZoneInfo(SHANGHAI),
    ],
)
def test_time_zone_refuses_non_names_and_fixed_offsets(value: object) -> None:
    with pytest.raises(UnknownTimeZone, match="fixed UTC offsets are not policy time zones"):
        time_zone(value)  # type: ignore[arg-type]


def test_time_zone_refuses_a_zone_without_a_key() -> None:
    data = importlib.resources.files("tzdata.zoneinfo").joinpath("UTC").read_bytes()
    nameless = pendulum.Timezone.from_file(io.BytesIO(data))
    with pytest.raises(UnknownTimeZone):
        time_zone(nameless)


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


class _NoOffset(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


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
    assert one == two
    assert hash(one) == hash(two)
    assert one != PolicyTerm(D(2025, 1, 1), D(2025, 12, 31), "Europe/Berlin")
    assert one != PolicyTerm.annual(D(2025, 1, 1), SHANGHAI)


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


def test_months_refuses_bad_lengths() -> None:
    with pytest.raises(InvalidTerm, match="at least 1 month"):
        PolicyTerm.months(D(2025, 1, 1), 0, SHANGHAI)
    with pytest.raises(DateTypeError, match="months must be an int"):
        PolicyTerm.months(D(2025, 1, 1), True, SHANGHAI)


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
    months=st.sampled_from([1, 3, 6, 12]),
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
    with pytest.raises(InvalidTerm, match="outside the instants Python can represent"):
        _ = PolicyTerm(D(1, 1, 1), D(1, 1, 2), SHANGHAI).start_instant
    with pytest.raises(InvalidTerm, match="no day after 9999-12-31"):
        _ = PolicyTerm(D(9999, 12, 1), D(9999, 12, 31), "UTC").end_instant


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
