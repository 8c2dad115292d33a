"""Tests for renewal_core.windows: expected days are worked out by hand (the comments
show the counting) or by stdlib ``timedelta`` arithmetic in the test, never by the code
under test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import make_policy
from renewal_core.errors import (
    ArgumentTypeError,
    DateOutOfRange,
    DateTypeError,
    InvalidField,
    NaiveDateTimeError,
)
from renewal_core.model import LineOfBusiness, Policy
from renewal_core.periods import PolicyTerm
from renewal_core.testing import policies, policy_terms
from renewal_core.windows import (
    DEFAULT_WINDOW_CONFIG,
    DEFAULT_WINDOW_POLICIES,
    MAX_WINDOW_DAYS,
    LateRenewal,
    Reminder,
    RenewalStart,
    RenewalWindow,
    RenewalWindowConfig,
    RenewalWindowPolicy,
    WindowPhase,
    reminder_dates,
    renewal_start,
    renewal_window,
)

D = pendulum.Date
SHANGHAI = "Asia/Shanghai"
AUTO, HEALTH, LIFE, PROPERTY = (
    LineOfBusiness.AUTO,
    LineOfBusiness.HEALTH,
    LineOfBusiness.LIFE,
    LineOfBusiness.PROPERTY,
)
TIME_ORDER = [WindowPhase.TOO_EARLY, WindowPhase.OPEN, WindowPhase.GRACE, WindowPhase.LAPSED]


def same_rules_everywhere(rules: RenewalWindowPolicy) -> RenewalWindowConfig:
    return RenewalWindowConfig(dict.fromkeys(LineOfBusiness, rules))


def dates(*texts: str) -> list[D]:
    return [D.fromisoformat(text) for text in texts]


# --------------------------------------------------------------------------- defaults


def test_default_policies_per_line() -> None:
    expected = {
        AUTO: (90, (60, 30, 7), 0),
        HEALTH: (60, (60, 30, 7), 30),
        LIFE: (60, (60, 30, 7), 60),
        PROPERTY: (60, (60, 30, 7), 0),
    }
    assert set(DEFAULT_WINDOW_POLICIES) == set(LineOfBusiness)
    for line, (lead, offsets, grace) in expected.items():
        rules = DEFAULT_WINDOW_POLICIES[line]
        assert (rules.lead_days, rules.reminder_offsets, rules.grace_days) == (
            lead,
            offsets,
            grace,
        )
        assert rules.late_renewal is LateRenewal.FROM_APPLICATION_DAY
        assert DEFAULT_WINDOW_CONFIG.policy_for(line) is rules


def test_default_policies_are_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT_WINDOW_POLICIES[AUTO] = RenewalWindowPolicy(1, [], 0)  # type: ignore[index]
    assert RenewalWindowConfig() == DEFAULT_WINDOW_CONFIG
    assert DEFAULT_WINDOW_CONFIG.by_product == {}
    assert DEFAULT_WINDOW_CONFIG.by_jurisdiction == {}


def test_max_window_days_is_a_leap_year() -> None:
    assert MAX_WINDOW_DAYS == 366


# --------------------------------------------------------------------------- pinned windows


def test_window_of_a_term_ending_on_a_leap_day() -> None:
    # Term 2023-03-01..2024-02-29, HEALTH: 29 days back from 29 Feb is 31 Jan, 60 days
    # back is 31 Dec 2023; 30 days of grace run 1 Mar..30 Mar 2024.
    policy = make_policy(
        term=PolicyTerm.annual(dt.date(2023, 3, 1), SHANGHAI),
        inception=dt.date(2023, 3, 1),
        line_of_business=HEALTH,
    )
    assert policy.term.end == D(2024, 2, 29)
    window = renewal_window(policy)
    assert window.opens_on == D(2023, 12, 31)
    assert window.expires_on == D(2024, 2, 29)
    assert window.grace_ends_on == D(2024, 3, 30)
    assert window.lapses_on == D(2024, 3, 31)
    assert window.next_term_starts_on == D(2024, 3, 1)
    assert window.window_policy is DEFAULT_WINDOW_POLICIES[HEALTH]
    reminders = reminder_dates(policy, today=D(2023, 12, 1))
    # 60 -> 31 Dec; 30 -> 30 Jan (29 Feb - 29 = 31 Jan, - 1 more); 7 -> 22 Feb.
    assert [r.due_on for r in reminders] == dates("2023-12-31", "2024-01-30", "2024-02-22")
    assert [r.days_before_expiry for r in reminders] == [60, 30, 7]
    assert not any(r.catch_up for r in reminders)


def test_window_counts_back_over_month_ends() -> None:
    # Term ends 2025-03-31, AUTO: 31 days back is 28 Feb, 59 back is 31 Jan, 90 back
    # is 31 Dec 2024. No grace: the policy lapses on 1 April.
    policy = make_policy(
        term=PolicyTerm.annual(dt.date(2024, 4, 1), SHANGHAI), inception=dt.date(2024, 4, 1)
    )
    window = renewal_window(policy)
    assert (window.opens_on, window.expires_on) == (D(2024, 12, 31), D(2025, 3, 31))
    assert window.grace_ends_on == D(2025, 3, 31)
    assert window.lapses_on == D(2025, 4, 1)
    # 60 -> 30 Jan (28 Feb - 28 = 31 Jan, - 1), 30 -> 1 Mar, 7 -> 24 Mar.
    assert [r.due_on for r in reminder_dates(policy, today=D(2024, 12, 1))] == dates(
        "2025-01-30", "2025-03-01", "2025-03-24"
    )


def test_grace_period_crossing_a_year_end() -> None:
    # LIFE, term ends 2025-12-15: 16 days of grace to 31 Dec, 31 more to 31 Jan (47),
    # 13 more to 13 Feb 2026 (60). The policy lapses on 14 Feb 2026.
    policy = make_policy(
        term=PolicyTerm.annual(dt.date(2024, 12, 16), SHANGHAI),
        inception=dt.date(2024, 12, 16),
        line_of_business=LIFE,
    )
    window = renewal_window(policy)
    assert window.expires_on == D(2025, 12, 15)
    assert window.grace_ends_on == D(2026, 2, 13)
    assert window.lapses_on == D(2026, 2, 14)
    assert window.phase(D(2026, 1, 1)) is WindowPhase.GRACE
    assert window.phase(D(2026, 2, 13)) is WindowPhase.GRACE
    assert window.phase(D(2026, 2, 14)) is WindowPhase.LAPSED
    assert window.days_to_expiry(D(2026, 1, 1)) == -17


def test_no_grace_lapses_the_day_after_expiry() -> None:
    policy = make_policy(line_of_business=PROPERTY)  # term 2024-03-01..2025-02-28
    window = renewal_window(policy)
    assert window.grace_ends_on == window.expires_on == D(2025, 2, 28)
    assert window.lapses_on == window.next_term_starts_on == D(2025, 3, 1)
    assert window.phase(D(2025, 2, 28)) is WindowPhase.OPEN
    assert window.phase(D(2025, 3, 1)) is WindowPhase.LAPSED
    assert not window.contains(D(2025, 3, 1))


def test_phase_boundaries_and_days_to_expiry() -> None:
    policy = make_policy(line_of_business=HEALTH)  # expires 2025-02-28, lead 60, grace 30
    window = renewal_window(policy)
    # 60 days before 28 Feb 2025: 28 back is 31 Jan, 59 back is 31 Dec, 60 back 30 Dec.
    cases = [
        ("2024-12-29", WindowPhase.TOO_EARLY, False, 61),
        ("2024-12-30", WindowPhase.OPEN, True, 60),
        ("2025-02-28", WindowPhase.OPEN, True, 0),
        ("2025-03-01", WindowPhase.GRACE, True, -1),
        ("2025-03-30", WindowPhase.GRACE, True, -30),
        ("2025-03-31", WindowPhase.LAPSED, False, -31),
    ]
    for text, phase, inside, left in cases:
        day = D.fromisoformat(text)
        assert window.phase(day) is phase, text
        assert window.contains(day) is inside, text
        assert window.days_to_expiry(day) == left, text


def test_window_methods_take_plain_dates_and_refuse_datetimes() -> None:
    window = renewal_window(make_policy())
    assert window.phase(dt.date(2025, 2, 28)) is WindowPhase.OPEN
    assert window.days_to_expiry(dt.date(2025, 2, 27)) == 1
    instant = pendulum.datetime(2025, 2, 28, 12, tz=SHANGHAI)
    with pytest.raises(DateTypeError, match="local_day"):
        window.phase(instant)
    with pytest.raises(DateTypeError):
        window.contains("2025-02-28")  # type: ignore[arg-type]
    with pytest.raises(DateTypeError):
        window.days_to_expiry(instant)


def test_zero_lead_opens_on_the_expiry_day() -> None:
    rules = RenewalWindowPolicy(0, [0], 0)
    window = renewal_window(make_policy(), same_rules_everywhere(rules))
    assert window.opens_on == window.expires_on == D(2025, 2, 28)
    assert window.phase(D(2025, 2, 27)) is WindowPhase.TOO_EARLY


def test_window_is_counted_from_the_current_term_not_the_inception() -> None:
    # The same term, written first in 2022 or in 2024: the same window.
    renewed = make_policy()
    first_year = make_policy(
        term=PolicyTerm.annual(dt.date(2024, 3, 1), SHANGHAI),
        inception=dt.date(2024, 3, 1),
        renewal_count=0,
    )
    assert renewal_window(renewed) == renewal_window(first_year)
    next_year = attrs.evolve(renewed, term=renewed.term.renewal())
    assert renewal_window(next_year).expires_on == D(2026, 2, 28)
    assert renewal_window(next_year).opens_on == D(2025, 11, 30)


def test_lead_longer_than_a_short_term_opens_before_the_term() -> None:
    # A one-month term 2025-01-01..2025-01-31 with the AUTO lead of 90 days: the
    # window opens on 2 Nov 2024 (31 back is 31 Dec, 61 back 1 Dec, 90 back 2 Nov).
    term = PolicyTerm.months(dt.date(2025, 1, 1), 1, SHANGHAI)
    window = renewal_window(make_policy(term=term, inception=dt.date(2025, 1, 1)))
    assert window.opens_on == D(2024, 11, 2)
    assert window.phase(term.start) is WindowPhase.OPEN


# --------------------------------------------------------------------------- resolution


PRODUCT_RULES = RenewalWindowPolicy(30, [30], 0)
SHANGHAI_AUTO = RenewalWindowPolicy(45, [45], 10)
SHANGHAI_HEALTH = RenewalWindowPolicy(20, [20], 20)


def resolution_config() -> RenewalWindowConfig:
    return RenewalWindowConfig(
        by_product={"AUTO-COMMERCIAL": PRODUCT_RULES},
        by_jurisdiction={"CN-31": {AUTO: SHANGHAI_AUTO, HEALTH: SHANGHAI_HEALTH}},
    )


def test_product_rules_win_over_jurisdiction_and_line() -> None:
    config = resolution_config()
    for jurisdiction in (None, "CN-31", "CN-44"):
        rules = config.policy_for(AUTO, product_code="AUTO-COMMERCIAL", jurisdiction=jurisdiction)
        assert rules is PRODUCT_RULES


def test_jurisdiction_rules_for_the_line_win_over_the_line_default() -> None:
    config = resolution_config()
    assert config.policy_for(AUTO, product_code="AUTO-OTHER", jurisdiction="CN-31") is (
        SHANGHAI_AUTO
    )
    assert config.policy_for(HEALTH, jurisdiction="CN-31") is SHANGHAI_HEALTH


def test_line_default_when_nothing_more_specific() -> None:
    config = resolution_config()
    assert config.policy_for(AUTO, product_code="AUTO-OTHER") is DEFAULT_WINDOW_POLICIES[AUTO]
    assert config.policy_for(AUTO, jurisdiction="CN-44") is DEFAULT_WINDOW_POLICIES[AUTO]
    # CN-31 has no LIFE rules: the line's default.
    assert config.policy_for(LIFE, jurisdiction="CN-31") is DEFAULT_WINDOW_POLICIES[LIFE]
    assert config.policy_for(PROPERTY) is DEFAULT_WINDOW_POLICIES[PROPERTY]


def test_renewal_window_uses_the_policy_product_and_the_given_jurisdiction() -> None:
    config = resolution_config()
    auto = make_policy()  # product AUTO-COMMERCIAL
    assert renewal_window(auto, config, jurisdiction="CN-31").window_policy is PRODUCT_RULES
    other = make_policy(product_code="AUTO-OTHER")
    assert renewal_window(other, config).window_policy is DEFAULT_WINDOW_POLICIES[AUTO]
    window = renewal_window(other, config, jurisdiction="CN-31")
    assert window.window_policy is SHANGHAI_AUTO
    # 45 days before 28 Feb 2025: 28 back is 31 Jan, 45 back is 14 Jan; 10 days grace.
    assert (window.opens_on, window.grace_ends_on) == (D(2025, 1, 14), D(2025, 3, 10))


def test_custom_defaults() -> None:
    defaults = dict(DEFAULT_WINDOW_POLICIES)
    defaults[HEALTH] = SHANGHAI_HEALTH
    config = RenewalWindowConfig(defaults)
    assert config.policy_for(HEALTH) is SHANGHAI_HEALTH
    assert config.policy_for(AUTO) is DEFAULT_WINDOW_POLICIES[AUTO]


def test_config_mappings_are_read_only_copies() -> None:
    products = {"P": PRODUCT_RULES}
    lines = {AUTO: SHANGHAI_AUTO}
    jurisdictions: dict[str, Mapping[LineOfBusiness, RenewalWindowPolicy]] = {"CN-31": lines}
    defaults = dict(DEFAULT_WINDOW_POLICIES)
    config = RenewalWindowConfig(defaults, by_product=products, by_jurisdiction=jurisdictions)
    products["Q"] = PRODUCT_RULES
    lines[HEALTH] = SHANGHAI_HEALTH
    jurisdictions["CN-44"] = {}
    defaults[AUTO] = PRODUCT_RULES
    assert set(config.by_product) == {"P"}
    assert set(config.by_jurisdiction) == {"CN-31"}
    assert set(config.by_jurisdiction["CN-31"]) == {AUTO}
    assert config.defaults[AUTO] is DEFAULT_WINDOW_POLICIES[AUTO]
    with pytest.raises(TypeError):
        config.by_product["Q"] = PRODUCT_RULES  # type: ignore[index]
    with pytest.raises(TypeError):
        config.by_jurisdiction["CN-31"][HEALTH] = SHANGHAI_HEALTH  # type: ignore[index]
    with pytest.raises(TypeError):
        config.defaults[AUTO] = PRODUCT_RULES  # type: ignore[index]


def test_values_are_frozen_and_config_hashable() -> None:
    rules = RenewalWindowPolicy(60, [30], 0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        rules.lead_days = 1  # type: ignore[misc]
    assert hash(resolution_config()) == hash(resolution_config())
    assert resolution_config() == resolution_config()
    assert resolution_config() != DEFAULT_WINDOW_CONFIG


# --------------------------------------------------------------------------- rules validation


def test_offsets_are_stored_sorted_in_date_order() -> None:
    rules = RenewalWindowPolicy(60, [7, -3, 60, 30], 5)
    assert rules.reminder_offsets == (60, 30, 7, -3)
    assert RenewalWindowPolicy(60, (), 0).reminder_offsets == ()
    # An offset beyond the lead (a reminder before the window opens) is allowed.
    assert RenewalWindowPolicy(30, [90], 0).reminder_offsets == (90,)
    # Down to -grace_days.
    assert RenewalWindowPolicy(30, [-5], 5).reminder_offsets == (-5,)


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        ((True, [], 0), "lead_days", "must be an int, not bool"),
        (("60", [], 0), "lead_days", "must be an int, not str"),
        ((-1, [], 0), "lead_days", "from 0 to 366 days before expiry, not -1"),
        ((367, [], 0), "lead_days", "not 367"),
        ((60, [], False), "grace_days", "must be an int, not bool"),
        ((60, [], 1.0), "grace_days", "must be an int, not float"),
        ((60, [], -1), "grace_days", "from 0 to 366 days after expiry, not -1"),
        ((60, [], 367), "grace_days", "not 367"),
        ((60, {30, 7}, 0), "reminder_offsets", "must be a list or a tuple, not set"),
        ((60, 30, 0), "reminder_offsets", "must be a list or a tuple, not int"),
        ((60, [30, True], 0), "reminder_offsets[1]", "must be an int, not bool"),
        ((60, [30, "7"], 0), "reminder_offsets[1]", "must be an int, not str"),
        ((60, [30, 7, 30], 0), "reminder_offsets", "repeats the offset 30"),
        ((60, [367], 0), "reminder_offsets", "367 days before expiry is more than 366"),
        ((60, [30, -1], 0), "reminder_offsets", "-1 is 1 day after expiry, after the 0-day"),
        ((60, [-11, 30], 10), "reminder_offsets", "use offsets of at least -10"),
    ],
)
def test_window_policy_validation(arguments: tuple[Any, ...], field: str, fragment: str) -> None:
    with pytest.raises(InvalidField) as caught:
        RenewalWindowPolicy(*arguments)
    assert caught.value.owner == "RenewalWindowPolicy"
    assert caught.value.field == field
    assert fragment in str(caught.value)


def test_late_renewal_must_be_a_member() -> None:
    with pytest.raises(InvalidField, match=r"LateRenewal\('not_allowed'\)"):
        RenewalWindowPolicy(60, [], 0, "not_allowed")  # type: ignore[arg-type]
    rules = RenewalWindowPolicy(60, [], 0, LateRenewal.NOT_ALLOWED)
    assert rules.late_renewal is LateRenewal.NOT_ALLOWED
    with pytest.raises(InvalidField, match="repeats"):
        attrs.evolve(rules, reminder_offsets=[1, 1])


# --------------------------------------------------------------------------- config validation


GOOD = RenewalWindowPolicy(60, [30], 0)


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"defaults": [GOOD]}, "defaults", "must be a mapping, not list"),
        ({"defaults": {}}, "defaults", "has no rules for AUTO, HEALTH, LIFE, PROPERTY"),
        (
            {"defaults": {"auto": GOOD}},
            "defaults",
            "keys must be a LineOfBusiness member (AUTO, HEALTH, LIFE or PROPERTY), not str "
            "'auto'; convert it with LineOfBusiness('auto')",
        ),
        (
            {"defaults": {**DEFAULT_WINDOW_POLICIES, AUTO: (90, [30], 0)}},
            "defaults[LineOfBusiness.AUTO]",
            "must be a RenewalWindowPolicy, not tuple",
        ),
        ({"by_product": [("P", GOOD)]}, "by_product", "must be a mapping, not list"),
        ({"by_product": {1: GOOD}}, "by_product", "keys must be str, not int"),
        ({"by_product": {"": GOOD}}, "by_product", "key '' is empty"),
        ({"by_product": {" P ": GOOD}}, "by_product", "key ' P ' is empty or starts or ends"),
        ({"by_product": {"P": None}}, "by_product['P']", "not NoneType"),
        ({"by_jurisdiction": "CN-31"}, "by_jurisdiction", "must be a mapping, not str"),
        ({"by_jurisdiction": {None: {}}}, "by_jurisdiction", "keys must be str, not NoneType"),
        ({"by_jurisdiction": {"CN-31\n": {}}}, "by_jurisdiction", "strip it first"),
        (
            {"by_jurisdiction": {"CN-31": [GOOD]}},
            "by_jurisdiction['CN-31']",
            "must be a mapping, not list",
        ),
        (
            {"by_jurisdiction": {"CN-31": {"health": GOOD}}},
            "by_jurisdiction['CN-31']",
            "keys must be a LineOfBusiness member",
        ),
        (
            {"by_jurisdiction": {"CN-31": {HEALTH: 30}}},
            "by_jurisdiction['CN-31'][LineOfBusiness.HEALTH]",
            "must be a RenewalWindowPolicy, not int",
        ),
    ],
)
def test_config_validation(changes: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(InvalidField) as caught:
        RenewalWindowConfig(**changes)
    assert caught.value.owner == "RenewalWindowConfig"
    assert caught.value.field == field
    assert fragment in str(caught.value)


def test_defaults_missing_one_line_names_it() -> None:
    defaults = {line: GOOD for line in LineOfBusiness if line is not LIFE}
    with pytest.raises(InvalidField, match=r"has no rules for LIFE; the defaults must cover"):
        RenewalWindowConfig(defaults)


def test_policy_for_argument_types() -> None:
    config = resolution_config()
    with pytest.raises(ArgumentTypeError, match=r"policy_for\(line_of_business\) takes a Line"):
        config.policy_for("auto")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"policy_for\(product_code\) takes a str or No"):
        config.policy_for(AUTO, product_code=101)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"policy_for\(jurisdiction\) takes a str or No"):
        config.policy_for(AUTO, jurisdiction=31)  # type: ignore[arg-type]


@pytest.mark.parametrize("function", ["renewal_window", "reminder_dates", "renewal_start"])
def test_function_argument_types(function: str) -> None:
    def call(*args: Any, **kwargs: Any) -> object:
        if function == "renewal_window":
            return renewal_window(*args, **kwargs)
        if function == "reminder_dates":
            return reminder_dates(*args, today=D(2025, 1, 1), **kwargs)
        return renewal_start(*args, applied_on=D(2025, 1, 1), **kwargs)

    with pytest.raises(ArgumentTypeError, match=rf"{function}\(policy\) takes a Policy, not str"):
        call("P-2024-0001")
    with pytest.raises(ArgumentTypeError, match=rf"{function}\(config\) takes a RenewalWindowC"):
        call(make_policy(), DEFAULT_WINDOW_POLICIES)
    with pytest.raises(ArgumentTypeError, match=rf"{function}\(jurisdiction\) takes a str or"):
        call(make_policy(), jurisdiction=31)


# --------------------------------------------------------------------------- range ends


def test_window_opening_before_year_one_is_out_of_range() -> None:
    term = PolicyTerm(dt.date(1, 1, 1), dt.date(1, 1, 31), "UTC")
    policy = make_policy(term=term, inception=dt.date(1, 1, 1))
    with pytest.raises(DateOutOfRange, match="opening 90 days before the expiry day 0001-01-31"):
        renewal_window(policy)
    # 30 days before 31 Jan of year 1 is 1 Jan of year 1: still in range.
    window = renewal_window(policy, same_rules_everywhere(RenewalWindowPolicy(30, [], 0)))
    assert window.opens_on == D(1, 1, 1)


def test_lapse_after_the_last_day_is_out_of_range() -> None:
    last = PolicyTerm(dt.date(9999, 1, 1), dt.date(9999, 12, 31), "UTC")
    with pytest.raises(DateOutOfRange, match="the lapse day"):
        renewal_window(make_policy(term=last, inception=dt.date(9999, 1, 1)))
    long_grace = same_rules_everywhere(RenewalWindowPolicy(60, [], 30))
    near = PolicyTerm(dt.date(9999, 1, 1), dt.date(9999, 12, 30), "UTC")
    with pytest.raises(DateOutOfRange, match="the end of the grace period"):
        renewal_window(make_policy(term=near, inception=dt.date(9999, 1, 1)), long_grace)
    window = renewal_window(make_policy(term=near, inception=dt.date(9999, 1, 1)))
    assert window.lapses_on == D(9999, 12, 31)


def test_late_start_after_the_last_day_is_out_of_range() -> None:
    rules = RenewalWindowPolicy(60, [], 0, LateRenewal.FROM_NEXT_DAY)
    with pytest.raises(DateOutOfRange, match="the day after the application day 9999-12-31"):
        renewal_start(
            make_policy(), same_rules_everywhere(rules), applied_on=dt.date(9999, 12, 31)
        )


# --------------------------------------------------------------------------- RenewalWindow values


def test_window_built_directly() -> None:
    rules = RenewalWindowPolicy(10, [5], 3)
    window = RenewalWindow(dt.date(2025, 2, 18), dt.date(2025, 2, 28), dt.date(2025, 3, 3), rules)
    assert window.opens_on == D(2025, 2, 18)
    assert type(window.opens_on) is D
    assert window.lapses_on == D(2025, 3, 4)


@pytest.mark.parametrize(
    ("days", "field", "fragment"),
    [
        (("2025-02-17", "2025-02-28", "2025-03-03"), "opens_on", "is not 10 days"),
        (("2025-02-18", "2025-02-28", "2025-03-04"), "grace_ends_on", "is not 3 days"),
    ],
)
def test_window_days_must_agree_with_the_rules(
    days: tuple[str, str, str], field: str, fragment: str
) -> None:
    rules = RenewalWindowPolicy(10, [5], 3)
    opens_on, expires_on, grace_ends_on = dates(*days)
    with pytest.raises(InvalidField) as caught:
        RenewalWindow(opens_on, expires_on, grace_ends_on, rules)
    assert (caught.value.owner, caught.value.field) == ("RenewalWindow", field)
    assert fragment in str(caught.value)


def test_window_cannot_end_its_grace_on_the_last_day() -> None:
    rules = RenewalWindowPolicy(0, [], 0)
    last = D(9999, 12, 31)
    with pytest.raises(InvalidField, match="grace_ends_on: is 9999-12-31"):
        RenewalWindow(last, last, last, rules)


def test_window_field_types() -> None:
    rules = RenewalWindowPolicy(0, [], 0)
    day = D(2025, 1, 1)
    with pytest.raises(DateTypeError, match=r"RenewalWindow\.expires_on"):
        RenewalWindow(day, pendulum.datetime(2025, 1, 1), day, rules)
    with pytest.raises(InvalidField, match="window_policy: must be a RenewalWindowPolicy"):
        RenewalWindow(day, day, day, None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- reminders


def test_reminders_before_any_is_due() -> None:
    # HEALTH, expires 2025-02-28: 60 -> 30 Dec 2024, 30 -> 29 Jan, 7 -> 21 Feb.
    policy = make_policy(line_of_business=HEALTH)
    reminders = reminder_dates(policy, today=D(2024, 6, 1))
    assert reminders == (
        Reminder(D(2024, 12, 30), 60, catch_up=False),
        Reminder(D(2025, 1, 29), 30, catch_up=False),
        Reminder(D(2025, 2, 21), 7, catch_up=False),
    )
    # A reminder due today is still listed.
    assert reminder_dates(policy, today=D(2024, 12, 30)) == reminders


def test_policy_found_late_gets_one_catch_up_today() -> None:
    policy = make_policy(line_of_business=HEALTH)
    assert reminder_dates(policy, today=D(2025, 2, 1)) == (
        Reminder(D(2025, 2, 1), 30, catch_up=True),  # the latest missed: 29 Jan
        Reminder(D(2025, 2, 21), 7, catch_up=False),
    )
    # All missed, in the grace period: one catch-up, for the 7-day reminder.
    assert reminder_dates(policy, today=D(2025, 3, 30)) == (
        Reminder(D(2025, 3, 30), 7, catch_up=True),
    )


def test_no_catch_up_when_a_scheduled_reminder_is_due_today() -> None:
    policy = make_policy(line_of_business=HEALTH)
    assert reminder_dates(policy, today=D(2025, 1, 29)) == (
        Reminder(D(2025, 1, 29), 30, catch_up=False),
        Reminder(D(2025, 2, 21), 7, catch_up=False),
    )


def test_no_reminders_once_lapsed() -> None:
    health = make_policy(line_of_business=HEALTH)
    assert reminder_dates(health, today=D(2025, 3, 31)) == ()  # grace ended 30 Mar
    auto = make_policy()  # no grace: lapses 1 Mar
    assert reminder_dates(auto, today=D(2025, 2, 28)) == (
        Reminder(D(2025, 2, 28), 7, catch_up=True),
    )
    assert reminder_dates(auto, today=D(2025, 3, 1)) == ()


def test_reminders_before_the_window_and_during_grace() -> None:
    # Lead 30 but a reminder 45 days ahead; grace 15 with a reminder 10 days after
    # expiry. Expiry 2025-02-28: 45 back is 14 Jan (28 back is 31 Jan, 17 more);
    # -10 is 10 Mar.
    rules = RenewalWindowPolicy(30, [-10, 45, 0], 15)
    config = same_rules_everywhere(rules)
    reminders = reminder_dates(make_policy(), config, today=D(2025, 1, 1))
    assert [(r.due_on, r.days_before_expiry) for r in reminders] == [
        (D(2025, 1, 14), 45),
        (D(2025, 2, 28), 0),
        (D(2025, 3, 10), -10),
    ]
    window = renewal_window(make_policy(), config)
    assert window.phase(D(2025, 1, 14)) is WindowPhase.TOO_EARLY
    assert window.phase(D(2025, 3, 10)) is WindowPhase.GRACE
    # Found on 1 Mar, in grace: a catch-up for offset 0, then the one of 10 Mar.
    assert reminder_dates(make_policy(), config, today=D(2025, 3, 1)) == (
        Reminder(D(2025, 3, 1), 0, catch_up=True),
        Reminder(D(2025, 3, 10), -10, catch_up=False),
    )


def test_no_offsets_no_reminders() -> None:
    config = same_rules_everywhere(RenewalWindowPolicy(30, [], 0))
    assert reminder_dates(make_policy(), config, today=D(2025, 2, 1)) == ()


def test_today_as_an_instant_or_a_plain_date() -> None:
    policy = make_policy(line_of_business=HEALTH)
    # 28 Jan 16:30 UTC is 29 Jan 00:30 in Shanghai: the 30-day reminder is due.
    late_evening_utc = pendulum.datetime(2025, 1, 28, 16, 30, tz="UTC")
    assert reminder_dates(policy, today=late_evening_utc)[0] == Reminder(D(2025, 1, 29), 30)
    stdlib = dt.datetime(2025, 1, 28, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    assert reminder_dates(policy, today=stdlib)[0] == Reminder(D(2025, 1, 28), 60, catch_up=True)
    assert reminder_dates(policy, today=dt.date(2025, 1, 29))[0].due_on == D(2025, 1, 29)
    with pytest.raises(NaiveDateTimeError):
        reminder_dates(policy, today=dt.datetime(2025, 1, 29, 12))  # noqa: DTZ001 - on purpose
    with pytest.raises(DateTypeError, match="today must be a date or an aware datetime, not str"):
        reminder_dates(policy, today="2025-01-29")  # type: ignore[arg-type]


def test_reminder_validation() -> None:
    assert Reminder(dt.date(2025, 1, 1), -366).due_on == D(2025, 1, 1)
    with pytest.raises(InvalidField, match="days_before_expiry: must be an int, not bool"):
        Reminder(D(2025, 1, 1), True)
    with pytest.raises(InvalidField, match="from -366 to 366 days before expiry, not 367"):
        Reminder(D(2025, 1, 1), 367)
    with pytest.raises(InvalidField, match="catch_up: must be True or False, not int"):
        Reminder(D(2025, 1, 1), 7, catch_up=1)  # type: ignore[arg-type]
    with pytest.raises(DateTypeError, match=r"Reminder\.due_on"):
        Reminder(pendulum.datetime(2025, 1, 1), 7)


# --------------------------------------------------------------------------- renewal start


def test_start_before_and_within_grace_is_the_day_after_expiry() -> None:
    policy = make_policy(line_of_business=HEALTH)  # expires 2025-02-28, grace to 30 Mar
    for text, phase in [
        ("2024-06-01", WindowPhase.TOO_EARLY),
        ("2024-12-30", WindowPhase.OPEN),
        ("2025-02-28", WindowPhase.OPEN),
        ("2025-03-01", WindowPhase.GRACE),
        ("2025-03-30", WindowPhase.GRACE),
    ]:
        assert renewal_start(policy, applied_on=D.fromisoformat(text)) == RenewalStart(
            D(2025, 3, 1), phase, 0
        ), text


def test_late_start_per_late_renewal_rule() -> None:
    # AUTO-like rules with no grace; expires 2025-02-28, applied 2025-03-20.
    # Uncovered: 1 Mar..19 Mar is 19 days; with the next-day rule 1 Mar..20 Mar, 20.
    applied = D(2025, 3, 20)
    expected = {
        LateRenewal.FROM_APPLICATION_DAY: RenewalStart(D(2025, 3, 20), WindowPhase.LAPSED, 19),
        LateRenewal.FROM_NEXT_DAY: RenewalStart(D(2025, 3, 21), WindowPhase.LAPSED, 20),
        LateRenewal.NOT_ALLOWED: RenewalStart(None, WindowPhase.LAPSED, 19),
    }
    for late, start in expected.items():
        config = same_rules_everywhere(RenewalWindowPolicy(60, [30], 0, late))
        assert renewal_start(make_policy(), config, applied_on=applied) == start, late


def test_late_start_on_the_lapse_day() -> None:
    # Applied on the day the policy lapses (1 Mar): nothing is lost by default.
    assert renewal_start(make_policy(), applied_on=D(2025, 3, 1)) == RenewalStart(
        D(2025, 3, 1), WindowPhase.LAPSED, 0
    )


def test_applied_on_as_an_instant() -> None:
    policy = make_policy()
    # 28 Feb 16:00 UTC is 1 Mar 00:00 in Shanghai: lapsed already.
    moment = pendulum.datetime(2025, 2, 28, 16, 0, tz="UTC")
    assert renewal_start(policy, applied_on=moment).phase is WindowPhase.LAPSED
    just_before = pendulum.datetime(2025, 2, 28, 15, 59, 59, tz="UTC")
    assert renewal_start(policy, applied_on=just_before).phase is WindowPhase.OPEN
    with pytest.raises(NaiveDateTimeError):
        renewal_start(policy, applied_on=dt.datetime(2025, 3, 1))  # noqa: DTZ001 - on purpose
    with pytest.raises(DateTypeError, match="applied_on must be a date or an aware datetime"):
        renewal_start(policy, applied_on=20250301)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        ((None, WindowPhase.OPEN, 0), "starts_on", "is None for an application made in phase"),
        ((D(2025, 3, 1), WindowPhase.GRACE, 2), "uncovered_days", "is 2 for an application"),
        ((D(2025, 3, 1), WindowPhase.LAPSED, -1), "uncovered_days", "must not be negative"),
        ((D(2025, 3, 1), WindowPhase.LAPSED, True), "uncovered_days", "must be an int, not bool"),
        ((D(2025, 3, 1), "open", 0), "phase", "convert it with WindowPhase('open')"),
    ],
)
def test_renewal_start_validation(arguments: tuple[Any, ...], field: str, fragment: str) -> None:
    with pytest.raises(InvalidField) as caught:
        RenewalStart(*arguments)
    assert (caught.value.owner, caught.value.field) == ("RenewalStart", field)
    assert fragment in str(caught.value)


def test_renewal_start_day_types() -> None:
    assert RenewalStart(dt.date(2025, 3, 1), WindowPhase.OPEN, 0).starts_on == D(2025, 3, 1)
    with pytest.raises(DateTypeError, match=r"RenewalStart\.starts_on"):
        RenewalStart(pendulum.datetime(2025, 3, 1), WindowPhase.OPEN, 0)


def test_enum_reprs_and_values() -> None:
    assert repr(WindowPhase.GRACE) == "WindowPhase.GRACE"
    assert repr(LateRenewal.FROM_NEXT_DAY) == "LateRenewal.FROM_NEXT_DAY"
    assert list(WindowPhase) == TIME_ORDER
    assert [late.value for late in LateRenewal] == [
        "from_application_day",
        "from_next_day",
        "not_allowed",
    ]


# --------------------------------------------------------------------------- properties


@st.composite
def window_policies(draw: st.DrawFn) -> RenewalWindowPolicy:
    lead = draw(st.integers(0, MAX_WINDOW_DAYS))
    grace = draw(st.one_of(st.just(0), st.integers(0, MAX_WINDOW_DAYS)))
    offsets = draw(st.lists(st.integers(-grace, MAX_WINDOW_DAYS), unique=True, max_size=6))
    late = draw(st.sampled_from(LateRenewal))
    return RenewalWindowPolicy(lead, offsets, grace, late)


def policy_with(term: PolicyTerm) -> Policy:
    return make_policy(term=term, inception=term.start)


class Expected:
    """The window worked out with stdlib date arithmetic, independently of the module."""

    def __init__(self, policy: Policy, rules: RenewalWindowPolicy) -> None:
        end = dt.date(policy.term.end.year, policy.term.end.month, policy.term.end.day)
        self.rules = rules
        self.expires = end
        self.opens = end - dt.timedelta(days=rules.lead_days)
        self.grace_ends = end + dt.timedelta(days=rules.grace_days)
        self.lapses = self.grace_ends + dt.timedelta(days=1)

    def phase(self, day: dt.date) -> WindowPhase:
        if day < self.opens:
            return WindowPhase.TOO_EARLY
        if day <= self.expires:
            return WindowPhase.OPEN
        if day < self.lapses:
            return WindowPhase.GRACE
        return WindowPhase.LAPSED

    def reminders(self, today: dt.date) -> list[tuple[dt.date, int, bool]]:
        if today >= self.lapses:
            return []
        scheduled = sorted(
            (self.expires - dt.timedelta(days=offset), offset)
            for offset in self.rules.reminder_offsets
        )
        due = [(day, offset, False) for day, offset in scheduled if day >= today]
        missed = [(day, offset) for day, offset in scheduled if day < today]
        if missed and not any(day == today for day, _, _ in due):
            due.insert(0, (today, missed[-1][1], True))
        return due


around = st.integers(-(MAX_WINDOW_DAYS + 30), 2 * MAX_WINDOW_DAYS + 30)


@given(policy_terms(), window_policies())
def test_window_days_are_ordered_and_match_reference(
    term: PolicyTerm, rules: RenewalWindowPolicy
) -> None:
    policy = policy_with(term)
    window = renewal_window(policy, same_rules_everywhere(rules))
    expected = Expected(policy, rules)
    assert window.opens_on <= window.expires_on <= window.grace_ends_on < window.lapses_on
    assert (window.opens_on, window.expires_on, window.grace_ends_on, window.lapses_on) == (
        expected.opens,
        expected.expires,
        expected.grace_ends,
        expected.lapses,
    )
    assert window.next_term_starts_on == expected.expires + dt.timedelta(days=1)
    assert window.window_policy is rules


@given(policy_terms(), window_policies(), around, around)
def test_phase_partitions_days_and_is_monotone(
    term: PolicyTerm, rules: RenewalWindowPolicy, first: int, second: int
) -> None:
    policy = policy_with(term)
    window = renewal_window(policy, same_rules_everywhere(rules))
    expected = Expected(policy, rules)
    earlier, later = sorted(expected.expires + dt.timedelta(days=n) for n in (first, second))
    phase_earlier, phase_later = window.phase(earlier), window.phase(later)
    assert phase_earlier is expected.phase(earlier)
    assert phase_later is expected.phase(later)
    assert TIME_ORDER.index(phase_earlier) <= TIME_ORDER.index(phase_later)
    for day, phase in ((earlier, phase_earlier), (later, phase_later)):
        assert window.contains(day) is (phase in {WindowPhase.OPEN, WindowPhase.GRACE})
        assert window.days_to_expiry(day) == (expected.expires - day).days


@given(policy_terms(), window_policies())
def test_phase_changes_exactly_at_the_boundaries(
    term: PolicyTerm, rules: RenewalWindowPolicy
) -> None:
    window = renewal_window(policy_with(term), same_rules_everywhere(rules))
    one = dt.timedelta(days=1)
    assert window.phase(window.opens_on - one) is WindowPhase.TOO_EARLY
    assert window.phase(window.opens_on) is WindowPhase.OPEN
    assert window.phase(window.expires_on) is WindowPhase.OPEN
    after_expiry = window.phase(window.expires_on + one)
    assert after_expiry is (WindowPhase.GRACE if rules.grace_days else WindowPhase.LAPSED)
    if rules.grace_days:
        assert window.phase(window.grace_ends_on) is WindowPhase.GRACE
    assert window.phase(window.lapses_on) is WindowPhase.LAPSED


@given(policy_terms(), window_policies(), around)
def test_reminders_invariants_and_reference(
    term: PolicyTerm, rules: RenewalWindowPolicy, before: int
) -> None:
    policy = policy_with(term)
    config = same_rules_everywhere(rules)
    expected = Expected(policy, rules)
    today = expected.expires - dt.timedelta(days=before)
    reminders = reminder_dates(policy, config, today=today)
    due = [reminder.due_on for reminder in reminders]
    assert due == sorted(due)
    assert len(set(due)) == len(due)
    assert all(day >= today for day in due)
    assert all(day < expected.lapses for day in due)
    catch_ups = [reminder for reminder in reminders if reminder.catch_up]
    assert len(catch_ups) <= 1
    assert all(reminder.due_on == today for reminder in catch_ups)
    if today >= expected.lapses:
        assert reminders == ()
    assert [(r.due_on, r.days_before_expiry, r.catch_up) for r in reminders] == (
        expected.reminders(today)
    )
    for reminder in reminders:
        assert reminder.days_before_expiry in rules.reminder_offsets
        if not reminder.catch_up:
            assert (
                expected.expires.toordinal() - reminder.due_on.toordinal()
                == reminder.days_before_expiry
            )


@given(policy_terms(), window_policies(), around)
def test_renewal_start_invariants(
    term: PolicyTerm, rules: RenewalWindowPolicy, before: int
) -> None:
    policy = policy_with(term)
    expected = Expected(policy, rules)
    applied = expected.expires - dt.timedelta(days=before)
    start = renewal_start(policy, same_rules_everywhere(rules), applied_on=applied)
    assert start.phase is expected.phase(applied)
    if applied < expected.lapses:
        assert start.starts_on == expected.expires + dt.timedelta(days=1)
        assert start.uncovered_days == 0
    elif rules.late_renewal is LateRenewal.NOT_ALLOWED:
        assert start.starts_on is None
        assert start.uncovered_days == (applied - expected.expires).days - 1
    else:
        assert start.starts_on is not None
        assert start.starts_on >= applied
        assert (
            start.uncovered_days == start.starts_on.toordinal() - expected.expires.toordinal() - 1
        )
        shift = 1 if rules.late_renewal is LateRenewal.FROM_NEXT_DAY else 0
        assert start.starts_on == applied + dt.timedelta(days=shift)


# Whole policies (parties, coverages, claims) are slow to build; the properties above
# cover the windows on every kind of term, so fewer examples suffice here.
@settings(max_examples=60)
@given(policies(), st.integers(-400, 400))
def test_default_config_on_any_policy(policy: Policy, before: int) -> None:
    rules = DEFAULT_WINDOW_POLICIES[policy.line_of_business]
    expected = Expected(policy, rules)
    window = renewal_window(policy)
    assert (window.opens_on, window.grace_ends_on) == (expected.opens, expected.grace_ends)
    today = expected.expires - dt.timedelta(days=before)
    assert [
        (r.due_on, r.days_before_expiry, r.catch_up) for r in reminder_dates(policy, today=today)
    ] == expected.reminders(today)


@given(
    st.lists(st.integers(-30, MAX_WINDOW_DAYS), unique=True, max_size=8),
    st.integers(30, MAX_WINDOW_DAYS),
)
def test_offsets_keep_their_values_in_descending_order(offsets: list[int], grace: int) -> None:
    rules = RenewalWindowPolicy(0, offsets, grace)
    assert sorted(rules.reminder_offsets) == sorted(offsets)
    assert all(
        a > b for a, b in zip(rules.reminder_offsets, rules.reminder_offsets[1:], strict=False)
    )


@given(
    policy_terms(tz=SHANGHAI, min_start=dt.date(1993, 1, 1)),
    st.integers(-100, 100),
    st.integers(0, 24 * 60 - 1),
)
def test_aware_today_counts_its_day_in_the_policy_zone(
    term: PolicyTerm, before: int, minute: int
) -> None:
    policy = make_policy(term=term, inception=term.start, line_of_business=HEALTH)
    day = policy.term.end - dt.timedelta(days=before)
    # A Shanghai wall time on `day`, written in UTC (Shanghai has kept UTC+8 since 1991).
    local = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    instant = (local + dt.timedelta(minutes=minute)).astimezone(dt.UTC)
    assert reminder_dates(policy, today=instant) == reminder_dates(policy, today=day)
    assert renewal_start(policy, applied_on=instant) == renewal_start(policy, applied_on=day)


# ---------------------------------------------------------------- runs with `since`


@given(
    st.lists(st.integers(-40, 120), min_size=1, max_size=4, unique=True),
    st.integers(40, 60),
    st.integers(-130, 0),
)
def test_a_daily_run_that_passes_its_previous_day_sends_each_reminder_once(
    offsets: list[int], grace: int, start: int
) -> None:
    # Daily runs from `start` days after expiry (before it) to the end of grace; each
    # run sends what is due on its own day. Worked out here: each reminder scheduled
    # from the first run on goes out once, on its day, not as a catch-up; the ones
    # scheduled before the first run are caught up once, by it, as the latest of them.
    policy = make_policy(term=PolicyTerm(dt.date(2024, 3, 1), dt.date(2025, 2, 28), "UTC"))
    config = same_rules_everywhere(RenewalWindowPolicy(90, offsets, grace))
    expiry = dt.date(2025, 2, 28)
    first = expiry + dt.timedelta(days=start)
    sent: list[tuple[dt.date, int, bool]] = []
    previous: dt.date | None = None
    for k in range(grace - start + 1):
        day = first + dt.timedelta(days=k)
        sent += [
            (r.due_on, r.days_before_expiry, r.catch_up)
            for r in reminder_dates(policy, config, today=day, since=previous)
            if r.due_on == day
        ]
        previous = day
    due = {offset: expiry - dt.timedelta(days=offset) for offset in offsets}
    on_time = sorted((day, offset, False) for offset, day in due.items() if day >= first)
    missed = [offset for offset, day in due.items() if day < first]
    expected = list(on_time)
    if missed and not any(day == first for day, _, _ in on_time):
        expected.insert(0, (first, min(missed), True))
    assert sent == expected


def test_since_limits_the_catch_up_to_reminders_missed_since_the_previous_run() -> None:
    policy = make_policy(term=PolicyTerm(dt.date(2024, 3, 1), dt.date(2025, 2, 28), "UTC"))
    # Reminders on 2024-12-30 (60), 2025-01-29 (30) and 2025-02-21 (7).
    daily = reminder_dates(policy, today=dt.date(2025, 1, 2), since=dt.date(2025, 1, 1))
    assert [r.catch_up for r in daily] == [False, False]
    found_late = reminder_dates(policy, today=dt.date(2025, 1, 2))
    assert found_late[0] == Reminder(D(2025, 1, 2), 60, catch_up=True)
    after_a_break = reminder_dates(policy, today=dt.date(2025, 1, 31), since=dt.date(2024, 12, 31))
    assert after_a_break[0] == Reminder(D(2025, 1, 31), 30, catch_up=True)
    on_the_day = reminder_dates(policy, today=dt.date(2025, 1, 29), since=dt.date(2025, 1, 28))
    assert on_the_day[0] == Reminder(D(2025, 1, 29), 30, catch_up=False)
    with pytest.raises(InvalidField, match="since: 2025-01-02 is not before today 2025-01-02"):
        reminder_dates(policy, today=dt.date(2025, 1, 2), since=dt.date(2025, 1, 2))
    instant = pendulum.datetime(2025, 1, 1, 16, 30, tz="UTC")
    assert reminder_dates(policy, today=dt.date(2025, 1, 2), since=instant) == daily
