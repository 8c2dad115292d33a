"""Tests for renewal_core.kpi.diagnosis.

Expected figures are worked out by hand in the comments, or by the small reference
implementations below: the z-test in binary floating point with ``math.erfc`` (not
``statistics.NormalDist``) and the decomposition in ``Fraction`` arithmetic from the
shares and rates of the segments, never by the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builders import PHONE, invalid, loose, wrong_type
from renewal_core.errors import InvalidField
from renewal_core.kpi.diagnosis import (
    DEFAULT_MIN_SAMPLE,
    DEFAULT_SIGNIFICANCE,
    DEFAULT_THRESHOLD,
    MIN_EXPECTED,
    P_VALUE_PLACES,
    Attribution,
    CauseCategory,
    CauseTag,
    Finding,
    FindingStatus,
    ProportionTest,
    SegmentContribution,
    diagnose,
    tag,
    two_proportion_test,
)
from renewal_core.kpi.indicator import Indicator, IntervalMethod, Period, Unit, rate
from renewal_core.reasons import Severity

FEB, MAR = Period.month(2025, 2), Period.month(2025, 3)


def r(numerator: int, denominator: int, **changes: Any) -> Indicator:
    return rate("renewal_rate", numerator, denominator, **changes)


# The guide's example: March 860 of 1000 renewed (86 %), February 904 of 1000 (90.4 %).
# By channel: agent 420/500 (84 %) against 552/600 (92 %); online 440/500 (88 %)
# against 352/400 (88 %).
CURRENT = r(860, 1000, period=MAR)
PREVIOUS = r(904, 1000, period=FEB)
BY_CHANNEL = (
    {"agent": r(420, 500), "online": r(440, 500)},
    {"agent": r(552, 600), "online": r(352, 400)},
)
# By line: auto 860/1000 (86 %) against 810/900 (90 %); home only in February, 94/100.
BY_LINE = ({"auto": r(860, 1000)}, {"auto": r(810, 900), "home": r(94, 100)})
ALARM = diagnose(CURRENT, PREVIOUS)


def reference_test(x1: int, n1: int, x0: int, n0: int) -> tuple[float, float]:
    """The z-test in floats: z and its two-sided p-value, by the complementary error."""
    p1, p0, pooled = x1 / n1, x0 / n0, (x1 + x0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    z = (p1 - p0) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def proportion_test_of(finding: Finding) -> ProportionTest:
    assert finding.test is not None
    return finding.test


# --------------------------------------------------------------------------- the test


def test_two_proportion_test_by_hand() -> None:
    # pooled p = 1764/2000 = 0.882; SE^2 = 0.882 * 0.118 * (1/1000 + 1/1000) = 0.000208152
    # SE = 0.0144275; z = (0.86 - 0.904) / SE = -0.044 / 0.0144275 = -3.04974
    # p-value = erfc(3.04974 / sqrt 2) = 0.0022904; smallest expected = 1000 * 0.118 = 118
    test = two_proportion_test(860, 1000, 904, 1000)
    assert test == ProportionTest(
        Decimal("-3.0497"), Decimal("0.002290"), Decimal("88.2000"), Decimal("118.0000")
    )
    assert test.is_significant()
    assert not test.is_significant("0.001")


def test_two_proportion_test_with_unequal_samples() -> None:
    # 45/60 = 0.75 against 30/50 = 0.6; pooled 75/110 = 0.681818
    # SE^2 = 0.681818 * 0.318182 * (1/60 + 1/50) = 0.216942 * 0.0366667 = 0.00795455
    # SE = 0.0891883; z = 0.15 / 0.0891883 = 1.68184; p = 0.0926007
    # smallest expected = 50 * (35/110) = 15.909090... -> rounded down 15.9090
    test = two_proportion_test(45, 60, 30, 50)
    assert (test.z, test.p_value, test.pooled, test.smallest_expected) == (
        Decimal("1.6818"),
        Decimal("0.092601"),
        Decimal("68.1818"),
        Decimal("15.9090"),
    )
    assert not test.is_significant()
    assert test.is_significant(Decimal("0.1"))


def test_two_proportion_test_is_symmetric_by_hand() -> None:
    forward, backward = (
        two_proportion_test(860, 1000, 904, 1000),
        two_proportion_test(904, 1000, 860, 1000),
    )
    assert backward.z == Decimal("3.0497") == -forward.z
    assert backward.p_value == forward.p_value


@pytest.mark.parametrize(("x1", "n1", "x0", "n0"), [(10, 10, 20, 20), (0, 5, 0, 8)])
def test_equal_extreme_proportions_have_z_0_and_p_value_1(
    x1: int, n1: int, x0: int, n0: int
) -> None:
    test = two_proportion_test(x1, n1, x0, n0)
    assert (test.z, test.p_value, test.smallest_expected) == (
        Decimal("0.0000"),
        Decimal("1.000000"),
        Decimal("0.0000"),
    )
    assert str(test.z) == "0.0000"


def test_a_tiny_negative_z_is_reported_as_zero_without_a_sign() -> None:
    # 5e8 of 1e9 against 5e8 + 1 of 1e9 + 1: a difference of -5e-10 over an SE of
    # sqrt(0.25 * 2e-9) = 2.236e-5 is z = -2.236e-5, -0.0000 at 4 places: shown "0.0000".
    # p = 1 - 2 * 0.398942 * 2.236e-5 = 0.9999822.
    test = two_proportion_test(5 * 10**8, 10**9, 5 * 10**8 + 1, 10**9 + 1)
    assert str(test.z) == "0.0000"
    assert test.p_value == Decimal("0.999982")


@pytest.mark.parametrize(
    ("args", "field", "fragment"),
    [
        ((1, 0, 1, 1), "n1", "at least 1, not 0"),
        ((1, 1, 0, -2), "n0", "at least 1, not -2"),
        ((3, 2, 1, 1), "x1", "between 0 and n1=2, not 3"),
        ((1, 1, -1, 1), "x0", "between 0 and n0=1, not -1"),
    ],
)
def test_two_proportion_test_refuses_impossible_counts(
    args: tuple[int, int, int, int], field: str, fragment: str
) -> None:
    with invalid("two_proportion_test", field, fragment):
        two_proportion_test(*args)


@pytest.mark.parametrize("bad", [True, 1.0, "1", None])
def test_two_proportion_test_refuses_non_int_counts(bad: object) -> None:
    with wrong_type("two_proportion_test(n0)", "an int"):
        two_proportion_test(1, 2, 1, loose(bad))


@pytest.mark.parametrize("bad", ["0", "1", "NaN", "a lot", Decimal("-0.1")])
def test_is_significant_refuses_a_level_outside_0_to_1(bad: object) -> None:
    test = two_proportion_test(860, 1000, 904, 1000)
    with invalid("ProportionTest.is_significant", "significance", "between 0 and 1"):
        test.is_significant(loose(bad))


def test_is_significant_refuses_a_float() -> None:
    test = two_proportion_test(860, 1000, 904, 1000)
    with wrong_type("ProportionTest.is_significant(significance)", r"Decimal\('0.05'\)"):
        test.is_significant(loose(0.05))


@given(
    st.integers(1, 3000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 3000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_the_test_matches_a_float_reference_and_is_symmetric(
    first: tuple[int, int], second: tuple[int, int]
) -> None:
    (x1, n1), (x0, n0) = first, second
    test = two_proportion_test(x1, n1, x0, n0)
    swapped = two_proportion_test(x0, n0, x1, n1)
    assert swapped.z == -test.z
    assert swapped.p_value == test.p_value
    assert swapped.pooled == test.pooled
    assert Decimal(0) <= test.p_value <= Decimal(1)
    pooled = Fraction(x1 + x0, n1 + n0)
    expected = min(n1, n0) * min(pooled, 1 - pooled)
    assert test.smallest_expected <= expected < test.smallest_expected + Decimal("0.0001")
    if pooled in {0, 1}:
        assert (test.z, test.p_value) == (Decimal(0), Decimal(1))
        return
    z, p = reference_test(x1, n1, x0, n0)
    assert abs(float(test.z) - z) <= 0.00005 + 1e-9 * abs(z)
    assert abs(float(test.p_value) - p) <= 0.0000005 + 1e-9


# --------------------------------------------------------------------------- statuses


def test_a_significant_drop_beyond_the_threshold_is_an_alarm() -> None:
    # 86 - 90.4 = -4.4 points, more than 1; p = 0.002290 < 0.05 (see the test above).
    finding = diagnose(CURRENT, PREVIOUS)
    assert finding.status is FindingStatus.ALARM
    assert finding.alarm
    assert finding.change == Decimal("-4.4000")
    assert finding.exact_change == Fraction(-22, 5)
    assert finding.test == two_proportion_test(860, 1000, 904, 1000)
    (reason,) = finding.reasons
    assert (reason.code, reason.severity, reason.rule) == (
        "change.worse",
        Severity.REFER,
        "diagnose",
    )
    assert reason.message == (
        "renewal_rate fell 4.4000 points, more than the threshold of 1 point, and "
        "significantly (z = -3.0497, p-value 0.002290 below 0.05)"
    )
    assert reason.details["current"] == (860, 1000)
    assert reason.details["previous"] == (904, 1000)
    assert (finding.threshold, finding.significance, finding.min_sample) == (
        DEFAULT_THRESHOLD,
        DEFAULT_SIGNIFICANCE,
        DEFAULT_MIN_SAMPLE,
    )
    assert (finding.current, finding.previous, finding.tags) == (CURRENT, PREVIOUS, ())


def test_a_significant_rise_is_an_improvement() -> None:
    # 904 of 1000 in March against 860 of 1000 in February.
    finding = diagnose(r(904, 1000, period=MAR), r(860, 1000, period=FEB))
    assert finding.status is FindingStatus.IMPROVED
    assert not finding.alarm
    assert finding.change == Decimal("4.4000")
    (reason,) = finding.reasons
    assert (reason.code, reason.severity) == ("change.better", Severity.INFO)
    assert reason.message.startswith("renewal_rate rose 4.4000 points")


def test_when_lower_is_better_a_rise_is_an_alarm_and_a_fall_an_improvement() -> None:
    # Lapse 12 % against 8 %: +4 points; pooled 0.1, SE^2 = 0.1*0.9*0.002 = 0.00018,
    # z = 0.04 / 0.0134164 = 2.98142, p = 0.002869.
    up = diagnose(
        rate("lapse_rate", 120, 1000), rate("lapse_rate", 80, 1000), higher_is_better=False
    )
    assert (up.status, up.change, up.test) == (
        FindingStatus.ALARM,
        Decimal("4.0000"),
        ProportionTest(
            Decimal("2.9814"), Decimal("0.002869"), Decimal("10.0000"), Decimal("100.0000")
        ),
    )
    assert up.reasons[0].message.startswith("lapse_rate rose 4.0000 points")
    down = diagnose(
        rate("lapse_rate", 80, 1000), rate("lapse_rate", 120, 1000), higher_is_better=False
    )
    assert down.status is FindingStatus.IMPROVED
    assert not down.higher_is_better


def test_a_move_within_the_threshold_is_stable() -> None:
    finding = diagnose(r(800, 1000), r(805, 1000))
    assert finding.status is FindingStatus.STABLE
    assert finding.change == Decimal("-0.5000")
    (reason,) = finding.reasons
    assert reason.code == "change.within_threshold"
    assert reason.message == "renewal_rate moved -0.5000 points, within the threshold of 1 point"
    assert finding.test is not None  # the test is reported whatever the status


def test_a_move_of_exactly_the_threshold_is_stable() -> None:
    # 79 % against 80 %: exactly -1 point, not more than the threshold of 1.
    assert diagnose(r(790, 1000), r(800, 1000)).status is FindingStatus.STABLE
    finding = diagnose(r(790, 1000), r(800, 1000), threshold=Decimal("0.99"))
    assert finding.status is FindingStatus.INCONCLUSIVE  # p = 0.58: judged, not significant


def test_the_threshold_is_in_points_and_shown_in_the_message() -> None:
    finding = diagnose(r(790, 1000), r(820, 1000), threshold="3.5")
    assert finding.status is FindingStatus.STABLE
    assert finding.threshold == Decimal("3.5")
    assert finding.reasons[0].message.endswith("within the threshold of 3.5 points")
    assert diagnose(r(790, 1000), r(820, 1000), threshold=0).threshold == Decimal(0)


def test_a_change_that_is_not_significant_is_inconclusive() -> None:
    # 80 % against 83 %: -3 points, but z = -1.72759, p = 0.084061 >= 0.05.
    finding = diagnose(r(800, 1000), r(830, 1000))
    assert finding.status is FindingStatus.INCONCLUSIVE
    (reason,) = finding.reasons
    assert reason.code == "change.not_significant"
    assert reason.message == (
        "renewal_rate moved -3.0000 points, but the change is not significant (z = -1.7276, "
        "p-value 0.084061, not below 0.05): it may be chance"
    )
    assert diagnose(r(800, 1000), r(830, 1000), significance="0.1").status is FindingStatus.ALARM


def test_a_small_sample_is_inconclusive_not_an_alarm() -> None:
    # 8 of 10 against 9 of 10: -10 points, but 10 < 30 cases, and the smallest
    # expected count is 10 * (3/20) = 1.5 < 5.
    finding = diagnose(r(8, 10), r(9, 10))
    assert finding.status is FindingStatus.INCONCLUSIVE
    assert [reason.code for reason in finding.reasons] == [
        "sample.too_small",
        "sample.expected_count_too_small",
    ]
    assert finding.reasons[0].message == (
        "renewal_rate moved -10.0000 points, but a period counts only 10 cases, fewer than "
        "the 30 needed to judge it"
    )
    assert finding.reasons[1].message == (
        "renewal_rate moved -10.0000 points, but the smallest count expected under the "
        "pooled rate is 1.5000, below 5: the test does not hold"
    )


def test_the_minimum_sample_alone_makes_a_change_inconclusive() -> None:
    # 10/20 against 18/20: -40 points; pooled 0.7, expected 20 * 0.3 = 6 >= 5, but 20 < 30.
    finding = diagnose(r(10, 20), r(18, 20))
    assert [reason.code for reason in finding.reasons] == ["sample.too_small"]
    # With a minimum of 10: z = -0.4 / sqrt(0.7*0.3*0.1) = -2.76026, p = 0.005775.
    judged = diagnose(r(10, 20), r(18, 20), min_sample=10)
    assert judged.status is FindingStatus.ALARM
    assert proportion_test_of(judged).z == Decimal("-2.7603")
    assert proportion_test_of(judged).p_value == Decimal("0.005775")
    assert judged.min_sample == 10


def test_a_small_expected_count_alone_makes_a_change_inconclusive() -> None:
    # 295/300 against 300/300: -1.6667 points, 300 cases each, but the pooled rate is
    # 595/600 and the smallest expected count 300 * 5/600 = 2.5 < MIN_EXPECTED.
    finding = diagnose(r(295, 300), r(300, 300))
    assert finding.status is FindingStatus.INCONCLUSIVE
    assert [reason.code for reason in finding.reasons] == ["sample.expected_count_too_small"]
    assert proportion_test_of(finding).smallest_expected == Decimal("2.5000") < MIN_EXPECTED


@pytest.mark.parametrize(
    ("current", "previous", "which"),
    [
        (r(0, 0), r(9, 10), "current"),
        (r(9, 10), r(0, 0), "previous"),
        (r(0, 0), r(0, 0), "current and previous"),
    ],
)
def test_no_data_gives_a_no_data_finding(
    current: Indicator, previous: Indicator, which: str
) -> None:
    breakdowns = {"channel": ({"agent": current}, {"agent": previous})}
    finding = diagnose(current, previous, breakdowns=breakdowns)
    assert finding.status is FindingStatus.NO_DATA
    assert (finding.change, finding.test, finding.exact_change, finding.attributions) == (
        None,
        None,
        None,
        (),
    )
    (reason,) = finding.reasons
    assert reason.code == "data.missing"
    assert reason.message == (
        f"renewal_rate has no data in the {which} period (a denominator of 0): nothing to compare"
    )
    assert finding.explain() == f"renewal_rate: NO_DATA\n  {reason.message}"


# --------------------------------------------------------------------------- attribution


def test_the_drop_is_attributed_to_the_agent_channel_by_hand() -> None:
    # Shares: agent 600/1000 = 0.6 -> 500/1000 = 0.5; online 0.4 -> 0.5.
    # R_mid = (86 + 90.4) / 2 = 88.2.
    # agent: r_mid = (84 + 92) / 2 = 88; mix = (0.5 - 0.6) * (88 - 88.2) = +0.02;
    #        rate = (0.6 + 0.5) / 2 * (84 - 92) = 0.55 * -8 = -4.4; total -4.38
    # online: r_mid = 88; mix = (0.5 - 0.4) * (88 - 88.2) = -0.02; rate = 0.45 * 0 = 0
    # total: -4.38 - 0.02 = -4.4, the change.
    finding = diagnose(CURRENT, PREVIOUS, breakdowns={"channel": BY_CHANNEL})
    (channel,) = finding.attributions
    agent, online = channel.contributions
    assert agent == SegmentContribution(
        "agent",
        BY_CHANNEL[0]["agent"],
        BY_CHANNEL[1]["agent"],
        Fraction(1, 2),
        Fraction(3, 5),
        Fraction(1, 50),
        Fraction(-22, 5),
    )
    assert (online.segment, online.mix, online.rate) == ("online", Fraction(-1, 50), Fraction(0))
    assert (agent.total, agent.points, agent.mix_points, agent.rate_points) == (
        Fraction(-219, 50),
        Decimal("-4.3800"),
        Decimal("0.0200"),
        Decimal("-4.4000"),
    )
    assert channel.change == Fraction(-22, 5) == finding.exact_change
    assert (channel.mix, channel.rate) == (Fraction(0), Fraction(-22, 5))
    assert channel.top is agent
    assert finding.attribution("channel") is channel
    assert finding.attribution("region") is None


def test_a_segment_in_one_period_only_is_all_mix() -> None:
    # R_mid = 88.2. auto: shares 0.9 -> 1, rates 90 -> 86: r_mid 88,
    #   mix = 0.1 * (88 - 88.2) = -0.02, rate = 0.95 * -4 = -3.8, total -3.82.
    # home: only in February, share 0.1 -> 0 at 94 %: mix = -0.1 * (94 - 88.2) = -0.58.
    finding = diagnose(CURRENT, PREVIOUS, breakdowns={"line": BY_LINE})
    auto, home = finding.attributions[0].contributions
    assert (auto.segment, auto.mix, auto.rate) == ("auto", Fraction(-1, 50), Fraction(-19, 5))
    assert (home.segment, home.current, home.previous) == ("home", None, BY_LINE[1]["home"])
    assert (home.share, home.previous_share, home.mix, home.rate) == (
        Fraction(0),
        Fraction(1, 10),
        Fraction(-29, 50),
        Fraction(0),
    )
    assert auto.total + home.total == Fraction(-22, 5)


def test_a_segment_present_with_no_data_counts_as_absent() -> None:
    # "home" with 0 of 0 in March weighs what a missing "home" weighs.
    with_empty = ({"auto": r(860, 1000), "home": r(0, 0)}, BY_LINE[1])
    finding = diagnose(CURRENT, PREVIOUS, breakdowns={"line": with_empty})
    home = finding.attributions[0].contributions[1]
    assert (home.current, home.mix, home.rate) == (r(0, 0), Fraction(-29, 50), Fraction(0))
    # A segment new in March: "phone" 0/0 in February, 10/10 in March, 100 %.
    # R1 = 860/1000: the rest of the book holds 850 of 990.
    # mix = (10/1000 - 0) * (100 - 88.2) = 0.118.
    new = diagnose(
        CURRENT,
        PREVIOUS,
        breakdowns={
            "c": (
                {"rest": r(850, 990), "phone": r(10, 10)},
                {"rest": r(904, 1000), "phone": r(0, 0)},
            )
        },
    )
    phone = next(part for part in new.attributions[0].contributions if part.segment == "phone")
    assert (phone.mix, phone.rate) == (Fraction(59, 500), Fraction(0))


def test_a_segment_without_data_in_either_period_contributes_nothing() -> None:
    breakdown = (
        {"agent": r(420, 500), "online": r(440, 500), "dealer": r(0, 0)},
        {"agent": r(552, 600), "online": r(352, 400), "dealer": r(0, 0)},
    )
    finding = diagnose(CURRENT, PREVIOUS, breakdowns={"channel": breakdown})
    dealer = finding.attributions[0].contributions[-1]
    assert dealer.segment == "dealer"
    assert dealer.mix == dealer.rate == dealer.share == 0


def test_dimensions_are_ranked_by_their_largest_segment() -> None:
    # channel's agent contributes -4.38, line's auto -3.82: channel first, whatever
    # the order given.
    finding = diagnose(CURRENT, PREVIOUS, breakdowns={"line": BY_LINE, "channel": BY_CHANNEL})
    assert [attribution.dimension for attribution in finding.attributions] == ["channel", "line"]
    tie = diagnose(CURRENT, PREVIOUS, breakdowns={"b": BY_CHANNEL, "a": BY_CHANNEL})
    assert [attribution.dimension for attribution in tie.attributions] == ["a", "b"]


def test_attribution_is_made_whatever_the_status() -> None:
    # A stable total can hide offsetting moves: agent -8 points, online +8.
    finding = diagnose(
        r(450, 500),
        r(450, 500),
        breakdowns={
            "channel": (
                {"agent": r(210, 250), "online": r(240, 250)},
                {"agent": r(230, 250), "online": r(220, 250)},
            )
        },
    )
    assert finding.status is FindingStatus.STABLE
    agent, online = sorted(
        finding.attributions[0].contributions, key=lambda part: str(part.segment)
    )
    # shares 0.5 each both months: mix 0; rate 0.5 * (84 - 92) = -4 and 0.5 * 8 = +4.
    assert (agent.rate, online.rate) == (Fraction(-4), Fraction(4))
    assert agent.mix == online.mix == 0


def test_explain_tells_the_whole_story() -> None:
    finding = tag(
        diagnose(CURRENT, PREVIOUS, breakdowns={"channel": BY_CHANNEL, "line": BY_LINE}),
        CauseCategory.CHANNEL,
        "agents stopped calling before expiry",
    )
    # Shares of the change: -4.38 / -4.4 = 99.5 %, -0.02 / -4.4 = 0.45... -> 0.5 %,
    # -3.82 / -4.4 = 86.8 %, -0.58 / -4.4 = 13.2 %.
    assert finding.explain(include_notes=True) == (
        "renewal_rate 2025-03 against 2025-02: ALARM\n"
        "  86.0000% (860 of 1000) against 90.4000% (904 of 1000): -4.4000 points\n"
        "  renewal_rate fell 4.4000 points, more than the threshold of 1 point, and "
        "significantly (z = -3.0497, p-value 0.002290 below 0.05)\n"
        "  by channel, in points (mix + rate = total):\n"
        "    agent   +0.0200 + -4.4000 = -4.3800  (99.5% of the change)\n"
        "    online  -0.0200 + +0.0000 = -0.0200  (0.5% of the change)\n"
        "  by line, in points (mix + rate = total):\n"
        "    auto  -0.0200 + -3.8000 = -3.8200  (86.8% of the change)\n"
        "    home  -0.5800 + +0.0000 = -0.5800  (13.2% of the change)\n"
        "  cause CHANNEL: agents stopped calling before expiry"
    )


def test_explain_leaves_the_notes_out_unless_asked() -> None:
    note = f"Li Lei ({PHONE}) says agents stopped calling"
    finding = tag(
        tag(diagnose(CURRENT, PREVIOUS), CauseCategory.CHANNEL, note),
        CauseCategory.PRICE,
        "the no-claims discount fell",
    )
    lines = finding.explain().splitlines()
    assert lines[-2:] == ["  cause CHANNEL", "  cause PRICE"]
    assert "Li Lei" not in finding.explain() and PHONE not in finding.explain()
    assert finding.explain(include_notes=True).splitlines()[-2:] == [
        f"  cause CHANNEL: {note}",
        "  cause PRICE: the no-claims discount fell",
    ]
    with wrong_type("Finding.explain(include_notes)", "True or False, not int"):
        finding.explain(include_notes=loose(1))


# Notes as a tag takes them: visible characters, no whitespace at either end.
notes = (
    st.text(st.characters(categories=["L", "N", "P", "S"]) | st.just(" "), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@given(notes, st.sampled_from(list(CauseCategory)))
def test_no_note_appears_in_an_explanation_unless_asked(
    note: str, category: CauseCategory
) -> None:
    finding = tag(ALARM, category, note)
    without, with_notes = finding.explain(), finding.explain(include_notes=True)
    assert without.splitlines()[-1] == f"  cause {category.name}"
    assert with_notes == f"{without}: {note}"


def test_explain_without_a_change_shows_no_shares() -> None:
    finding = diagnose(
        r(450, 500), r(450, 500), breakdowns={"c": ({"a": r(450, 500)}, {"a": r(450, 500)})}
    )
    assert finding.explain() == (
        "renewal_rate: STABLE\n"
        "  90.0000% (450 of 500) against 90.0000% (450 of 500): +0.0000 points\n"
        "  renewal_rate moved +0.0000 points, within the threshold of 1 point\n"
        "  by c, in points (mix + rate = total):\n"
        "    a  +0.0000 + +0.0000 = +0.0000"
    )


# --------------------------------------------------------------------------- refusals


def test_the_indicators_must_be_one_indicator() -> None:
    with invalid("diagnose", "previous", "is 'retention', where current is 'renewal_rate'"):
        diagnose(CURRENT, rate("retention", 904, 1000))


@pytest.mark.parametrize(
    "bad",
    [
        Indicator(
            "premium_renewal_rate",
            Decimal("90.0000"),
            Decimal("900.00"),
            Decimal("1000.00"),
            unit=Unit.PERCENT,
            currency="CNY",
        ),
        Indicator(
            "nps",
            Decimal(10),
            10,
            100,
            unit=Unit.SCORE,
            method=IntervalMethod.NPS,
            details={"promoters": 40, "passives": 30, "detractors": 30},
        ),
        Indicator("days_to_renewal", Decimal("6.5000"), 13, 2, unit=Unit.DAYS),
    ],
)
def test_only_rates_of_counts_can_be_diagnosed(bad: Indicator) -> None:
    with invalid("diagnose", "current", f"{bad.name!r} is not a rate of counts"):
        diagnose(bad, bad)


@pytest.mark.parametrize(
    ("current", "previous", "shown"),
    [
        (FEB, MAR, "covers 2025-02, which does not start after the previous period 2025-03 ends"),
        (MAR, MAR, "covers 2025-03, which does not start after the previous period 2025-03"),
        (
            MAR,
            Period(pendulum.date(2025, 1, 1), pendulum.date(2025, 3, 31)),
            "covers 2025-03, which does not start after the previous period "
            "2025-01-01..2025-03-31 ends",
        ),
        (
            Period(pendulum.date(2025, 3, 31), pendulum.date(2025, 4, 30)),
            MAR,
            "covers 2025-03-31..2025-04-30, which does not start after",
        ),
    ],
)
def test_periods_in_the_wrong_order_or_overlapping_are_refused(
    current: Period, previous: Period, shown: str
) -> None:
    # Swapped, the periods would turn an alarm into an improvement.
    with invalid(
        "diagnose", "current", f"{shown}.*; pass the earlier period as previous and the later"
    ):
        diagnose(r(860, 1000, period=current), r(904, 1000, period=previous))


def test_the_order_of_periods_is_checked_only_when_both_have_one() -> None:
    assert diagnose(r(860, 1000), r(904, 1000, period=MAR)).status is FindingStatus.ALARM
    assert diagnose(r(860, 1000, period=FEB), r(904, 1000)).status is FindingStatus.ALARM
    # The next day is after: adjacent periods are in order.
    adjacent = diagnose(r(860, 1000, period=MAR), r(904, 1000, period=FEB))
    assert adjacent.status is FindingStatus.ALARM


day_numbers = st.integers(0, 120)


@given(day_numbers, day_numbers, day_numbers, day_numbers)
def test_periods_are_taken_exactly_when_the_current_starts_after_the_previous_ends(
    a: int, b: int, c: int, d: int
) -> None:
    first = pendulum.date(2025, 1, 1)
    current = Period(first.add(days=min(a, b)), first.add(days=max(a, b)))
    previous = Period(first.add(days=min(c, d)), first.add(days=max(c, d)))
    in_order = min(a, b) > max(c, d)
    if in_order:
        assert diagnose(r(8, 10, period=current), r(9, 10, period=previous)).change == Decimal(
            "-10.0000"
        )
    else:
        with pytest.raises(InvalidField, match=r"^diagnose\.current: covers"):
            diagnose(r(8, 10, period=current), r(9, 10, period=previous))


def test_a_non_indicator_is_refused() -> None:
    with invalid("diagnose", "previous", "must be an Indicator, not float"):
        diagnose(CURRENT, loose(0.9))


@pytest.mark.parametrize(
    ("options", "parameter", "fragment"),
    [
        ({"threshold": 1.5}, "diagnose(threshold)", r"Decimal\('1.5'\)"),
        ({"threshold": True}, "diagnose(threshold)", "a Decimal, an int or a str"),
        ({"significance": 0.05}, "diagnose(significance)", r"Decimal\('0.05'\)"),
        ({"min_sample": "30"}, "diagnose(min_sample)", "an int"),
        ({"min_sample": True}, "diagnose(min_sample)", "an int"),
        ({"higher_is_better": 1}, "diagnose(higher_is_better)", "True or False"),
    ],
)
def test_settings_of_the_wrong_type_are_refused(
    options: dict[str, Any], parameter: str, fragment: str
) -> None:
    with wrong_type(parameter, fragment):
        diagnose(CURRENT, PREVIOUS, **options)


@pytest.mark.parametrize(
    ("options", "field", "fragment"),
    [
        ({"threshold": -1}, "threshold", "from 0 to 100, not -1"),
        ({"threshold": "101"}, "threshold", "from 0 to 100"),
        ({"threshold": "a point"}, "threshold", "from 0 to 100, not 'a point'"),
        ({"threshold": Decimal("Infinity")}, "threshold", "from 0 to 100"),
        ({"significance": "0"}, "significance", "between 0 and 1"),
        ({"significance": "1"}, "significance", "between 0 and 1"),
        ({"significance": "five percent"}, "significance", "such as '0.05'"),
        ({"min_sample": 0}, "min_sample", "at least 1, not 0"),
    ],
)
def test_settings_out_of_range_are_refused(
    options: dict[str, Any], field: str, fragment: str
) -> None:
    with invalid("diagnose", field, fragment):
        diagnose(CURRENT, PREVIOUS, **options)


@pytest.mark.parametrize(
    ("breakdowns", "field", "fragment"),
    [
        ({1: BY_CHANNEL}, "breakdowns", "keys must be dimension names, not 1"),
        ({"": BY_CHANNEL}, "breakdowns", "keys must be dimension names, not ''"),
        ({"channel": BY_CHANNEL[0]}, r"breakdowns\['channel'\]", "must be a pair"),
        ({"channel": (BY_CHANNEL[0],)}, r"breakdowns\['channel'\]", "must be a pair"),
        (
            {"channel": (BY_CHANNEL[0], [1, 2])},
            r"breakdowns\['channel'\]\[1\]",
            "must be a mapping of segments to indicators, not list",
        ),
        (
            {"channel": ({"agent": 0.84}, BY_CHANNEL[1])},
            r"breakdowns\['channel'\]\[0\]\['agent'\]",
            "must be an Indicator, not float",
        ),
        (
            {"channel": ({"agent": r(420, 500)}, BY_CHANNEL[1])},
            r"breakdowns\['channel'\]\[0\]",
            "its segments count 420 of 500, where the indicator counts 860 of 1000",
        ),
        (
            {"channel": (BY_CHANNEL[0], {"agent": r(552, 600), "online": r(353, 400)})},
            r"breakdowns\['channel'\]\[1\]",
            "count 905 of 1000, where the indicator counts 904 of 1000: a breakdown must",
        ),
    ],
)
def test_malformed_breakdowns_are_refused(breakdowns: object, field: str, fragment: str) -> None:
    with invalid("diagnose", field, fragment):
        diagnose(CURRENT, PREVIOUS, breakdowns=loose(breakdowns))


def test_a_long_setting_is_not_shown_in_an_error() -> None:
    with invalid("diagnose", "threshold", "not a value of 11 characters") as caught:
        diagnose(CURRENT, PREVIOUS, threshold=PHONE)
    assert PHONE not in str(caught.value)
    with invalid("diagnose", "significance", "not a value of 11 characters"):
        diagnose(CURRENT, PREVIOUS, significance=PHONE)


def test_breakdowns_must_be_a_mapping() -> None:
    with wrong_type("diagnose(breakdowns)", "a mapping of dimension names"):
        diagnose(CURRENT, PREVIOUS, breakdowns=loose([BY_CHANNEL]))


def test_a_pair_may_be_a_list() -> None:
    finding = diagnose(CURRENT, PREVIOUS, breakdowns=loose({"channel": list(BY_CHANNEL)}))
    assert finding.attributions[0].dimension == "channel"


# --------------------------------------------------------------------------- causes


def test_tag_attaches_causes_one_a_category() -> None:
    finding = diagnose(CURRENT, PREVIOUS)
    once = tag(finding, CauseCategory.CHANNEL, "agents stopped calling")
    twice = tag(once, CauseCategory.PRICE, "auto premiums rose 8 %")
    assert finding.tags == ()  # values never change
    assert [t.category for t in twice.tags] == [CauseCategory.CHANNEL, CauseCategory.PRICE]
    assert twice.tags[1].note == "auto premiums rose 8 %"
    with invalid("tag", "category", "already has a CHANNEL tag"):
        tag(twice, CauseCategory.CHANNEL, "again")


def test_cause_categories_are_the_four_of_the_domain() -> None:
    assert [category.value for category in CauseCategory] == [
        "product",
        "price",
        "channel",
        "service",
    ]


def test_tag_refuses_what_is_not_a_finding_or_a_category() -> None:
    with wrong_type("tag(finding)", "a Finding"):
        tag(loose(CURRENT), CauseCategory.PRICE, "note")
    with invalid("CauseTag", "category", "must be a CauseCategory member"):
        tag(diagnose(CURRENT, PREVIOUS), loose("price"), "note")


def test_a_note_is_never_shown_in_a_repr_or_an_error() -> None:
    note = f"customer called from {PHONE}"
    tagged = tag(diagnose(CURRENT, PREVIOUS), CauseCategory.SERVICE, note)
    assert PHONE not in repr(tagged)
    assert repr(tagged.tags) == "(CauseTag(category=CauseCategory.SERVICE),)"
    with pytest.raises(InvalidField) as caught:
        CauseTag(CauseCategory.SERVICE, f" {note}")
    assert PHONE not in str(caught.value)


def test_findings_check_their_fields() -> None:
    finding = diagnose(CURRENT, PREVIOUS, breakdowns={"channel": BY_CHANNEL})
    with invalid("Finding", "change", "must be a Decimal or None, not float"):
        attrs.evolve(finding, change=loose(-4.4))
    with invalid("Finding", r"tags\[1\]", "repeats the cause category"):
        attrs.evolve(
            finding,
            tags=[CauseTag(CauseCategory.PRICE, "a"), CauseTag(CauseCategory.PRICE, "b")],
        )
    part = finding.attributions[0].contributions[0]
    with invalid("SegmentContribution", "mix", "must be a Fraction, not float"):
        attrs.evolve(part, mix=loose(0.02))
    with invalid("Attribution", "contributions", "must be a list or a tuple, not dict"):
        Attribution("channel", loose({}))
    with invalid("Attribution", r"contributions\[0\]", "must be a SegmentContribution"):
        Attribution("channel", [loose(part.total)])
    assert Attribution("channel", []).top is None


# --------------------------------------------------------------------------- properties


@st.composite
def periods(draw: st.DrawFn) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Segments' counts in two periods; a missing segment is absent from that period."""
    names = draw(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=6, unique=True))
    current: dict[str, tuple[int, int]] = {}
    previous: dict[str, tuple[int, int]] = {}
    for name in names:
        for period in (current, previous):
            if draw(st.booleans()) or name == names[0]:
                n = draw(st.integers(0, 400))
                period[name] = (draw(st.integers(0, n)), n)
    assume(sum(n for _, n in current.values()) and sum(n for _, n in previous.values()))
    return current, previous


def build(counts: Mapping[str, tuple[int, int]]) -> tuple[Indicator, dict[str, Indicator]]:
    x = sum(count[0] for count in counts.values())
    n = sum(count[1] for count in counts.values())
    return r(x, n), {name: r(*count) for name, count in counts.items()}


def percent(x: int, n: int) -> Fraction:
    return Fraction(100 * x, n)


@given(periods())
def test_contributions_add_up_exactly_to_the_change(
    counts: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]],
) -> None:
    (now, by_now), (before, by_before) = build(counts[0]), build(counts[1])
    finding = diagnose(now, before, breakdowns={"d": (by_now, by_before)})
    change = percent(int(now.numerator), int(now.denominator)) - percent(
        int(before.numerator), int(before.denominator)
    )
    (attribution,) = finding.attributions
    assert finding.exact_change == change
    assert sum(part.mix + part.rate for part in attribution.contributions) == change
    n1, n0 = int(now.denominator), int(before.denominator)
    r_mid = (percent(int(now.numerator), n1) + percent(int(before.numerator), n0)) / 2
    for part in attribution.contributions:
        x1, c1 = counts[0].get(str(part.segment), (0, 0))
        x0, c0 = counts[1].get(str(part.segment), (0, 0))
        w1, w0 = Fraction(c1, n1), Fraction(c0, n0)
        # Each segment's contribution is its weighted rate now minus before, less
        # its change of share valued at the middle rate (which cancels in the sum).
        weighted = (w1 * percent(x1, c1) if c1 else 0) - (w0 * percent(x0, c0) if c0 else 0)
        assert part.total == weighted - (w1 - w0) * r_mid
        assert (part.share, part.previous_share) == (w1, w0)
        if c1 and c0:
            assert part.rate == (w0 + w1) / 2 * (percent(x1, c1) - percent(x0, c0))
            assert part.mix == (w1 - w0) * ((percent(x1, c1) + percent(x0, c0)) / 2 - r_mid)
        else:
            assert part.rate == 0
    sizes = [abs(part.total) for part in attribution.contributions]
    assert sizes == sorted(sizes, reverse=True)


@given(periods())
def test_swapping_the_periods_negates_everything(
    counts: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]],
) -> None:
    (now, by_now), (before, by_before) = build(counts[0]), build(counts[1])
    forward = diagnose(now, before, breakdowns={"d": (by_now, by_before)})
    backward = diagnose(before, now, breakdowns={"d": (by_before, by_now)})
    assert backward.change is not None and forward.change is not None
    assert backward.change == -forward.change
    assert backward.test is not None and forward.test is not None
    assert backward.test.z == -forward.test.z
    assert backward.test.p_value == forward.test.p_value
    there = {part.segment: (part.mix, part.rate) for part in forward.attributions[0].contributions}
    back = {part.segment: (part.mix, part.rate) for part in backward.attributions[0].contributions}
    assert back == {segment: (-mix, -rate) for segment, (mix, rate) in there.items()}
    flipped = {
        FindingStatus.ALARM: FindingStatus.IMPROVED,
        FindingStatus.IMPROVED: FindingStatus.ALARM,
    }
    assert backward.status is flipped.get(forward.status, forward.status)


@given(periods(), st.randoms(use_true_random=False))
def test_the_order_of_segments_never_changes_the_finding(
    counts: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]], random: Any
) -> None:
    (now, by_now), (before, by_before) = build(counts[0]), build(counts[1])
    reordered = []
    for breakdown in (by_now, by_before):
        items = list(breakdown.items())
        random.shuffle(items)
        reordered.append(dict(items))
    assert diagnose(now, before, breakdowns={"d": (by_now, by_before)}) == diagnose(
        now, before, breakdowns={"d": (reordered[0], reordered[1])}
    )


counts_of = st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts_of, counts_of, st.integers(1, 200), st.sampled_from(["0", "1", "2.5", "10"]))
def test_the_status_follows_the_rules(
    current: tuple[int, int], previous: tuple[int, int], min_sample: int, threshold: str
) -> None:
    (x1, n1), (x0, n0) = current, previous
    finding = diagnose(r(x1, n1), r(x0, n0), min_sample=min_sample, threshold=threshold)
    change = percent(x1, n1) - percent(x0, n0)
    pooled = Fraction(x1 + x0, n1 + n0)
    small = min(n1, n0) < min_sample or min(n1, n0) * min(pooled, 1 - pooled) < MIN_EXPECTED
    if abs(change) <= Decimal(threshold):
        assert finding.status is FindingStatus.STABLE
        return
    if small:  # small samples are never alarms
        assert finding.status is FindingStatus.INCONCLUSIVE
        return
    z, p = reference_test(x1, n1, x0, n0)
    assume(abs(p - 0.05) > 1e-5)
    if p >= 0.05:
        assert finding.status is FindingStatus.INCONCLUSIVE
    else:
        assert finding.status is (FindingStatus.ALARM if z < 0 else FindingStatus.IMPROVED)
    assert finding.change is not None
    assert Decimal(-100) <= finding.change <= Decimal(100)
    exact = Decimal(change.numerator) / change.denominator
    assert abs(finding.change - exact) <= Decimal("0.00005")
    assert len(str(proportion_test_of(finding).p_value).split(".")[1]) == P_VALUE_PLACES
