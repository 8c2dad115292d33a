from __future__ import annotations

import enum
import random
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import invalid, loose, wrong_type
from renewal_core.kpi.breakdowns import breakdown
from renewal_core.kpi.indicator import IntervalMethod, Period, Unit
from renewal_core.kpi.records import ScoreRecord
from renewal_core.kpi.satisfaction import CSAT_SCALE, NPS_SCALE, csat, nps
from renewal_core.model import Channel

nps_scores = st.lists(st.integers(0, 10), max_size=60)
csat_scores = st.lists(st.integers(1, 5), max_size=60)


def four_places(value: Fraction) -> Decimal:
    """A reference rounding: half to even at 4 places, by integer arithmetic."""
    scaled = value * 10_000
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2):
        floor += 1
    return Decimal(floor).scaleb(-4)


# --------------------------------------------------------------------------- NPS


def test_nps_by_hand() -> None:
    # 3 promoters (10, 9, 9), 2 passives (8, 7), 3 detractors (6, 0, 5) of 8:
    # 37.5 % - 37.5 % = 0.
    score = nps([10, 9, 9, 8, 7, 6, 0, 5])
    assert score.name == "nps"
    assert score.value == Decimal("0.0000")
    assert (score.numerator, score.denominator) == (0, 8)
    assert dict(score.details) == {"promoters": 3, "passives": 2, "detractors": 3}
    assert score.unit is Unit.SCORE
    assert score.method is IntervalMethod.NPS


def test_nps_of_one_third_rounds_half_even_at_four_places() -> None:
    # 1 promoter of 3: 33.33333... -> 33.3333; 2 of 3 detractors: -66.6667.
    assert nps([9, 7, 8]).value == Decimal("33.3333")
    assert nps([9, 0, 0]).value == Decimal("-33.3333")
    assert nps([0, 0, 8]).value == Decimal("-66.6667")


def test_all_promoters_give_100_and_all_detractors_minus_100() -> None:
    assert nps([9, 10, 10, 9]).value == Decimal("100.0000")
    assert nps([0, 6, 3]).value == Decimal("-100.0000")
    assert nps([7, 8]).value == Decimal("0.0000")


def test_the_boundaries_of_the_nps_groups() -> None:
    assert dict(nps([6]).details) == {"promoters": 0, "passives": 0, "detractors": 1}
    assert dict(nps([7]).details) == {"promoters": 0, "passives": 1, "detractors": 0}
    assert dict(nps([8]).details) == {"promoters": 0, "passives": 1, "detractors": 0}
    assert dict(nps([9]).details) == {"promoters": 1, "passives": 0, "detractors": 0}


def test_no_responses_give_no_data() -> None:
    empty = nps([])
    assert empty.no_data
    assert empty.value is None
    assert (empty.numerator, empty.denominator) == (0, 0)
    assert empty.interval() is None
    assert csat(iter([])).no_data


def test_the_nps_interval_by_hand() -> None:
    # Two promoters and one detractor of n = 4: NPS 25. The adjusted Wald interval adds
    # 0.75 promoters, 0.75 detractors and 3 responses: p = 2.75 / 7 = 0.392857, d = 1.75 /
    # 7 = 0.25, p - d = 1 / 7 = 0.142857; half = 1.959964 * sqrt((0.642857 - 0.020408) / 7)
    # = 1.959964 * 0.298197 = 0.584455: [-44.1598, 72.7312].
    interval = nps([9, 10, 7, 3]).interval()
    assert interval is not None
    low, high = interval
    assert low == Decimal("-44.1598")
    assert high == Decimal("72.7312")


def test_scores_come_from_a_generator_read_once() -> None:
    reads = 0

    def scores() -> Iterator[int]:
        nonlocal reads
        for score in (10, 9, 3):
            reads += 1
            yield score

    assert nps(scores()).value == Decimal("33.3333")
    assert reads == 3


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_nps_refuses_scores_off_the_scale(score: int) -> None:
    with invalid("nps", r"scores\[1\]", f"{score} is off the 0 to 10 scale"):
        nps([9, score])


@pytest.mark.parametrize(("score", "kind"), [(True, "bool"), (9.0, "float"), ("9", "str")])
def test_nps_refuses_scores_that_are_not_ints(score: object, kind: str) -> None:
    with wrong_type("nps(scores[0])", kind):
        nps(loose([score]))


def test_an_int_subclass_counts_as_its_value() -> None:
    class Score(enum.IntEnum):
        TOP = 10
        LOW = 2

    assert nps([Score.TOP, Score.LOW, Score.TOP]).value == Decimal("33.3333")


@pytest.mark.parametrize("scores", [None, 9, "9910", {9: 1}])
def test_nps_refuses_what_is_not_an_iterable_of_scores(scores: object) -> None:
    with wrong_type("nps(scores)", type(scores).__name__):
        nps(loose(scores))


def test_survey_responses_have_no_expiry_month() -> None:
    responses = [ScoreRecord(9, pendulum.date(2025, 3, 1))]
    lacks = "a ScoreRecord has no due day \\(due_on\\) to take the expiry month from"
    with invalid("breakdown", "by", lacks):
        breakdown(nps, responses, by="expiry_month")
    with invalid("breakdown", r"filters\['expiry_month'\]", lacks):
        breakdown(csat, responses, by="channel", filters={"expiry_month": Period.month(2025, 3)})


def test_period_and_filters_are_recorded_as_given() -> None:
    march = Period.month(2025, 3)
    score = nps([9], period=march, filters={"survey": "after-claim"})
    assert score.period == march
    assert dict(score.filters) == {"survey": "after-claim"}
    with wrong_type("nps(period)", "str"):
        nps([9], period=loose("2025-03"))
    with wrong_type("csat(filters)", "list"):
        csat([5], filters=loose(["channel"]))


@given(nps_scores)
def test_nps_matches_a_reference_and_stays_within_the_scale(scores: list[int]) -> None:
    score = nps(scores)
    if not scores:
        assert score.no_data
        return
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    expected = four_places(Fraction(100 * (promoters - detractors), len(scores)))
    assert score.value == expected
    assert Decimal(-100) <= expected <= Decimal(100)
    interval = score.interval()
    assert interval is not None
    low, high = interval
    assert Decimal(-100) <= low <= expected <= high <= Decimal(100)


@given(nps_scores, st.randoms(use_true_random=False))
def test_the_order_of_the_scores_never_changes_a_result(
    scores: list[int], rng: random.Random
) -> None:
    shuffled = list(scores)
    rng.shuffle(shuffled)
    assert nps(shuffled) == nps(scores)
    assert csat([s for s in shuffled if 1 <= s <= 5]) == csat([s for s in scores if 1 <= s <= 5])


# --------------------------------------------------------------------------- CSAT


def test_csat_by_hand() -> None:
    # 4 and 5 are satisfied: 3 of 7.
    satisfied = csat([5, 4, 5, 3, 2, 1, 3])
    assert satisfied.name == "csat"
    assert satisfied.value == Decimal("42.8571")
    assert (satisfied.numerator, satisfied.denominator) == (3, 7)
    assert satisfied.unit is Unit.PERCENT
    assert satisfied.method is IntervalMethod.WILSON


def test_all_satisfied_and_none_satisfied() -> None:
    assert csat([4, 5, 5]).value == Decimal("100.0000")
    assert csat([1, 2, 3]).value == Decimal("0.0000")


@pytest.mark.parametrize("score", [0, 6, -3])
def test_csat_refuses_scores_off_the_scale(score: int) -> None:
    with invalid("csat", r"scores\[0\]", f"{score} is off the 1 to 5 scale"):
        csat([score, 5])


def test_csat_refuses_a_bool_and_a_float() -> None:
    with wrong_type("csat(scores[0])", "bool"):
        csat(loose([True]))
    with wrong_type("csat(scores[2])", "float"):
        csat(loose([4, 5, 4.0]))


@given(csat_scores)
def test_csat_matches_a_reference(scores: list[int]) -> None:
    satisfied = csat(scores)
    if not scores:
        assert satisfied.no_data
        return
    hits = sum(1 for s in scores if s >= 4)
    assert satisfied.value == four_places(Fraction(100 * hits, len(scores)))
    assert Decimal(0) <= satisfied.value <= Decimal(100)


def test_the_scales() -> None:
    assert list(NPS_SCALE) == list(range(11))
    assert list(CSAT_SCALE) == [1, 2, 3, 4, 5]


# --------------------------------------------------------------------------- by record


def responses() -> list[ScoreRecord]:
    day = pendulum.date(2025, 3, 5)
    return [
        ScoreRecord(10, day, channel=Channel.AGENT),
        ScoreRecord(3, day, channel=Channel.AGENT),
        ScoreRecord(9, day, channel=Channel.ONLINE),
        ScoreRecord(9, pendulum.date(2025, 4, 1), channel=Channel.ONLINE),
    ]


def test_nps_by_channel_from_score_records() -> None:
    by_channel = breakdown(nps, responses(), by="channel", period=Period.month(2025, 3))
    assert by_channel[Channel.AGENT].value == Decimal("0.0000")
    assert by_channel[Channel.ONLINE].value == Decimal("100.0000")
    assert (by_channel[Channel.ONLINE].numerator, by_channel[Channel.ONLINE].denominator) == (1, 1)
    # The April response is outside the period.
    assert by_channel.total.denominator == 3
    assert by_channel.total.value == Decimal("33.3333")
    assert dict(by_channel.total.details) == {"promoters": 2, "passives": 0, "detractors": 1}


def test_csat_by_channel_checks_its_own_scale() -> None:
    day = pendulum.date(2025, 3, 5)
    records = [ScoreRecord(5, day, channel=Channel.AGENT), ScoreRecord(2, day)]
    by_channel = breakdown(csat, records, by="channel")
    assert by_channel[Channel.AGENT].value == Decimal("100.0000")
    assert by_channel[None].value == Decimal("0.0000")
    with invalid("csat", "records", "scores 0, off the 1 to 5 scale"):
        breakdown(csat, [ScoreRecord(0, day)], by="channel")
    with invalid("csat", "records", "scores 7, off the 1 to 5 scale"):
        breakdown(csat, [ScoreRecord(7, day)], by="channel")
