"""Tests for renewal_core.customers.surveys.

Expected figures are worked out by hand in the comments, taken from published
chi-square tables, or computed by small reference implementations in this file
(exact ``Fraction`` means, a power-series incomplete gamma function), never by the
code under test.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import PHONE, invalid, loose, wrong_type
from renewal_core.customers.surveys import (
    ItemSummary,
    Questionnaire,
    Scale,
    SurveyItem,
    SurveyMetric,
    SurveyResponse,
    Topic,
    _chi_square_sf,
    check_representativeness,
    summarize_survey,
    validate_response,
)
from renewal_core.errors import ArgumentTypeError, InvalidField
from renewal_core.kpi.indicator import IntervalMethod, Period, Unit
from renewal_core.model import Channel
from renewal_core.reasons import Severity

BLOCK, REFER, INFO = Severity.BLOCK, Severity.REFER, Severity.INFO

QUESTIONNAIRE = Questionnaire(
    "q2025",
    [
        SurveyItem("recommend", Topic.OVERALL, Scale.nps()),
        SurveyItem("service", Topic.SERVICE, Scale.csat()),
        SurveyItem("price", Topic.PRICE, Scale.csat(), required=False),
        SurveyItem("product", Topic.PRODUCT, Scale(1, 7), required=False),
    ],
)


def response(
    answers: dict[str, int], segment: str = "individual", rid: str = "R"
) -> SurveyResponse:
    return SurveyResponse(rid, segment, answers)


RESPONSES = [
    response({"recommend": 10, "service": 5, "price": 4, "product": 7}, rid="R1"),
    response({"recommend": 9, "service": 4, "product": 5}, rid="R2"),
    response({"recommend": 7, "service": 3, "price": 2}, "enterprise", "R3"),
    response({"recommend": 3, "service": 1, "price": 5, "product": 1}, "enterprise", "R4"),
    response({"recommend": 11, "service": 5}, rid="R5"),  # off the scale
    response({"service": 5}, rid="R6"),  # recommend missing
    response({"recommend": 8, "service": 4, "colour": 3}, rid="R7"),  # unknown item
]


# ---------------------------------------------------------------- scales and items


def test_scale_presets_and_points() -> None:
    assert Scale.nps() == Scale(0, 10, metric=SurveyMetric.NPS)
    assert Scale.csat() == Scale(1, 5, metric=SurveyMetric.CSAT)
    assert list(Scale(-2, 2).points) == [-2, -1, 0, 1, 2]
    assert Scale(1, 5).contains(1) and Scale(1, 5).contains(5)
    assert not Scale(1, 5).contains(0) and not Scale(1, 5).contains(6)
    assert len(Scale(0, 100).points) == 101


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        ((True, 5), "minimum", "must be an int, not bool"),
        ((1, 5.0), "maximum", "must be an int, not float"),
        ((5, 5), "maximum", "must be above the minimum 5, not 5"),
        ((5, 1), "maximum", "must be above the minimum 5"),
        ((0, 101), "maximum", "more than 101 points"),
    ],
)
def test_scale_refuses_bad_bounds(arguments: tuple[Any, Any], field: str, fragment: str) -> None:
    with invalid("Scale", field, fragment):
        Scale(*arguments)


def test_scale_metric_must_fit_its_published_scale() -> None:
    with invalid("Scale", "metric", "a NPS scale runs from 0 to 10, not 1 to 10"):
        Scale(1, 10, metric=SurveyMetric.NPS)
    with invalid("Scale", "metric", "a CSAT scale runs from 1 to 5, not 1 to 7"):
        Scale(1, 7, metric=SurveyMetric.CSAT)
    with invalid("Scale", "metric", "must be a SurveyMetric member"):
        Scale(0, 10, metric=loose("nps"))


@pytest.mark.parametrize(
    "item_id",
    ["Recommend", "1st", "service..speed", "service.", "a" * 65, "a b", "", "service.2nd"],
)
def test_item_ids_have_one_shape(item_id: str) -> None:
    with invalid("SurveyItem", "item_id", "must be lower-case words"):
        SurveyItem(item_id, Topic.SERVICE, Scale.csat())


def test_survey_item_fields_are_checked() -> None:
    assert SurveyItem("a" * 64, Topic.PRICE, Scale(1, 3)).required
    assert SurveyItem("claims.speed_2", Topic.SERVICE, Scale(1, 3)).item_id == "claims.speed_2"
    with invalid("SurveyItem", "item_id", "must be a str, not int"):
        SurveyItem(loose(3), Topic.SERVICE, Scale.csat())
    with invalid("SurveyItem", "topic", r"convert it with Topic\(.service.\)"):
        SurveyItem("speed", loose("service"), Scale.csat())
    with invalid("SurveyItem", "scale", "must be a Scale, not range"):
        SurveyItem("speed", Topic.SERVICE, loose(range(1, 6)))
    with invalid("SurveyItem", "required", "must be True or False"):
        SurveyItem("speed", Topic.SERVICE, Scale.csat(), required=loose(1))
    with invalid("SurveyItem", "question", "must be a str"):
        SurveyItem("speed", Topic.SERVICE, Scale.csat(), question=loose(None))


def test_questionnaire_needs_distinct_items() -> None:
    item = SurveyItem("speed", Topic.SERVICE, Scale.csat())
    with invalid("Questionnaire", "items", "at least one item"):
        Questionnaire("q", [])
    with invalid("Questionnaire", r"items\[1\]", "repeats the item id 'speed'"):
        Questionnaire("q", [item, item])
    with invalid("Questionnaire", r"items\[0\]", "must be a SurveyItem, not str"):
        Questionnaire("q", loose(["speed"]))
    with invalid("Questionnaire", "name", "must not be empty"):
        Questionnaire("", [item])
    assert Questionnaire("q", (item,)).items == (item,)


def test_questionnaire_item_lookup_shows_only_id_shaped_names() -> None:
    assert QUESTIONNAIRE.item("price").topic is Topic.PRICE
    with invalid("Questionnaire", r"item\(item_id\)", "no item 'colour' in 'q2025'; items: "):
        QUESTIONNAIRE.item("colour")
    with pytest.raises(InvalidField) as error:
        QUESTIONNAIRE.item(PHONE)
    assert PHONE not in str(error.value)
    assert "of 11 characters" in str(error.value)
    with invalid("Questionnaire", r"item\(item_id\)", "no item of type int"):
        QUESTIONNAIRE.item(loose(7))


# ---------------------------------------------------------------- responses


def test_response_keeps_answers_read_only() -> None:
    answers = {"recommend": 9}
    survey = SurveyResponse("R-1", "individual", answers, channel=Channel.SMS)
    answers["recommend"] = 0
    assert survey.answers == {"recommend": 9}
    with pytest.raises(TypeError):
        survey.answers["recommend"] = 1  # type: ignore[index]


def test_response_refuses_bad_answers_without_showing_bad_keys() -> None:
    with invalid("SurveyResponse", r"answers\['recommend'\]", "must be an int, not bool"):
        SurveyResponse("R-1", "individual", {"recommend": loose(True)})
    with invalid("SurveyResponse", r"answers\['recommend'\]", "must be an int, not float"):
        SurveyResponse("R-1", "individual", {"recommend": loose(9.0)})
    with invalid("SurveyResponse", r"answers\['recommend'\]", "leave an unanswered item out"):
        SurveyResponse("R-1", "individual", {"recommend": loose(None)})
    with invalid("SurveyResponse", "answers", "must be a mapping, not list"):
        SurveyResponse("R-1", "individual", loose([9]))
    with pytest.raises(InvalidField) as error:
        SurveyResponse("R-1", "individual", {PHONE: 9})
    assert PHONE not in str(error.value) and "of 11 characters" in str(error.value)
    with invalid("SurveyResponse", "answers", "not a key of type int"):
        SurveyResponse("R-1", "individual", loose({1: 9}))
    with invalid("SurveyResponse", "segment", "must not be empty"):
        SurveyResponse("R-1", "", {})
    with invalid("SurveyResponse", "channel", r"convert it with Channel\(.sms.\)"):
        SurveyResponse("R-1", "individual", {}, channel=loose("sms"))


def test_a_valid_response_has_no_reasons() -> None:
    assert validate_response(QUESTIONNAIRE, RESPONSES[0]) == ()
    assert validate_response(QUESTIONNAIRE, response({"recommend": 0, "service": 1})) == ()


def test_validate_response_lists_each_problem_in_order() -> None:
    survey = response({"price": 0, "zeta": 1, "alpha": 2, "product": 8})
    reasons = validate_response(QUESTIONNAIRE, survey)
    assert [(r.code, r.severity, r.rule, dict(r.details)) for r in reasons] == [
        ("survey.missing_answer", BLOCK, "survey", {"item": "recommend", "topic": Topic.OVERALL}),
        ("survey.missing_answer", BLOCK, "survey", {"item": "service", "topic": Topic.SERVICE}),
        (
            "survey.out_of_scale",
            BLOCK,
            "survey",
            {"item": "price", "answer": 0, "minimum": 1, "maximum": 5},
        ),
        (
            "survey.out_of_scale",
            BLOCK,
            "survey",
            {"item": "product", "answer": 8, "minimum": 1, "maximum": 7},
        ),
        ("survey.unknown_item", BLOCK, "survey", {"item": "alpha"}),
        ("survey.unknown_item", BLOCK, "survey", {"item": "zeta"}),
    ]
    assert reasons[2].message == "the answer 0 to 'price' is off its 1 to 5 scale"
    assert reasons[4].message == "'alpha' is not an item of 'q2025'"


def test_validate_response_checks_its_arguments() -> None:
    with wrong_type("validate_response(questionnaire)", "a Questionnaire"):
        validate_response(loose("q"), RESPONSES[0])
    with wrong_type("validate_response(response)", "a SurveyResponse"):
        validate_response(QUESTIONNAIRE, loose({"recommend": 9}))


# ---------------------------------------------------------------- summaries


def test_summary_by_hand() -> None:
    period = Period.month(2025, 3)
    summary = summarize_survey(QUESTIONNAIRE, iter(RESPONSES), period=period)
    assert (summary.questionnaire, summary.responses, summary.rejected) == ("q2025", 4, 3)
    assert dict(summary.rejections) == {
        "survey.missing_answer": 1,
        "survey.out_of_scale": 1,
        "survey.unknown_item": 1,
    }
    recommend = summary.item("recommend")
    # 10, 9, 7, 3: 2 promoters, 1 passive, 1 detractor; NPS 50 - 25 = 25; mean 29/4.
    assert (recommend.count, recommend.mean, recommend.score) == (
        4,
        Decimal("7.2500"),
        Decimal("72.5000"),
    )
    assert dict(recommend.distribution) == {p: int(p in (3, 7, 9, 10)) for p in range(11)}
    assert recommend.indicator is not None
    assert recommend.indicator.name == "nps"
    assert (recommend.indicator.value, recommend.indicator.unit) == (
        Decimal("25.0000"),
        Unit.SCORE,
    )
    assert dict(recommend.indicator.details) == {"promoters": 2, "passives": 1, "detractors": 1}
    assert recommend.indicator.period == period
    assert dict(recommend.indicator.filters) == {"questionnaire": "q2025", "item": "recommend"}
    service = summary.item("service")
    # 5, 4, 3, 1: CSAT 2/4; mean 13/4; score (3.25 - 1) / 4 x 100 = 56.25.
    assert (service.count, service.mean, service.score) == (
        4,
        Decimal("3.2500"),
        Decimal("56.2500"),
    )
    assert service.indicator is not None
    assert (service.indicator.name, service.indicator.value) == ("csat", Decimal("50.0000"))
    assert service.indicator.method is IntervalMethod.WILSON
    price = summary.item("price")
    # 4, 2, 5: CSAT 2/3; mean 11/3; score (11/3 - 1) / 4 x 100 = 200/3.
    assert (price.count, price.mean, price.score) == (3, Decimal("3.6667"), Decimal("66.6667"))
    assert price.indicator is not None and price.indicator.value == Decimal("66.6667")
    product = summary.item("product")
    # 7, 5, 1 on 1..7: mean 13/3; score (13/3 - 1) / 6 x 100 = 500/9.
    assert (product.count, product.mean, product.score, product.indicator) == (
        3,
        Decimal("4.3333"),
        Decimal("55.5556"),
        None,
    )
    assert dict(product.distribution) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1, 6: 0, 7: 1}
    assert [(t.topic, t.answers, t.score) for t in summary.topics] == [
        (Topic.PRODUCT, 3, Decimal("55.5556")),
        (Topic.SERVICE, 4, Decimal("56.2500")),
        (Topic.PRICE, 3, Decimal("66.6667")),
        (Topic.OVERALL, 4, Decimal("72.5000")),
    ]
    # 0-100 values: recommend 290, service 225, price 200, product 500/3; 14 answers:
    # (715 + 500/3) / 14 = 2645/42 = 62.976190...
    assert summary.score == Decimal("62.9762")
    assert summary.topic(Topic.PRICE) == summary.topics[2]
    assert summary.period == period
    [reason] = summary.reasons
    assert (reason.code, reason.severity) == ("survey.rejected_responses", REFER)
    assert reason.details["rejected"] == 3
    assert reason.message == (
        "3 response(s) left out: survey.missing_answer (1), survey.out_of_scale (1), "
        "survey.unknown_item (1); check them with validate_response"
    )


def test_topic_scores_weigh_each_answer_alike() -> None:
    questionnaire = Questionnaire(
        "q",
        [
            SurveyItem("speed", Topic.SERVICE, Scale(0, 10)),
            SurveyItem("staff", Topic.SERVICE, Scale(1, 5), required=False),
        ],
    )
    # speed 10 and 0 (100 and 0); staff 5 (100): (100 + 0 + 100) / 3.
    summary = summarize_survey(
        questionnaire, [response({"speed": 10, "staff": 5}), response({"speed": 0})]
    )
    service = summary.topic(Topic.SERVICE)
    assert service is not None and (service.answers, service.score) == (3, Decimal("66.6667"))
    assert summary.topic(Topic.PRICE) is None
    assert summary.score == Decimal("66.6667")


def test_an_empty_survey_has_no_data() -> None:
    summary = summarize_survey(QUESTIONNAIRE, [])
    assert (summary.responses, summary.rejected, summary.score) == (0, 0, None)
    recommend = summary.item("recommend")
    assert (recommend.count, recommend.mean, recommend.score) == (0, None, None)
    assert recommend.indicator is not None and recommend.indicator.no_data
    assert all(topic.score is None for topic in summary.topics)
    assert [(r.code, r.severity, dict(r.details)) for r in summary.reasons] == [
        ("survey.no_responses", REFER, {"rejected": 0})
    ]


def test_all_rejected_gives_both_reasons() -> None:
    summary = summarize_survey(QUESTIONNAIRE, RESPONSES[4:])
    assert [r.code for r in summary.reasons] == [
        "survey.rejected_responses",
        "survey.no_responses",
    ]


def test_all_promoters_and_all_satisfied() -> None:
    questionnaire = Questionnaire(
        "q",
        [
            SurveyItem("nps", Topic.OVERALL, Scale.nps()),
            SurveyItem("csat", Topic.SERVICE, Scale.csat()),
        ],
    )
    summary = summarize_survey(
        questionnaire, [response({"nps": 9, "csat": 4}), response({"nps": 10, "csat": 5})]
    )
    nps_item, csat_item = summary.item("nps"), summary.item("csat")
    assert nps_item.indicator is not None and nps_item.indicator.value == Decimal("100.0000")
    assert csat_item.indicator is not None and csat_item.indicator.value == Decimal("100.0000")


def test_summary_item_lookup() -> None:
    summary = summarize_survey(QUESTIONNAIRE, RESPONSES)
    with invalid("SurveySummary", r"item\(item_id\)", "no item 'colour' in the summary"):
        summary.item("colour")
    with pytest.raises(InvalidField) as error:
        summary.item(PHONE)
    assert PHONE not in str(error.value)


def test_summarize_survey_checks_its_arguments() -> None:
    with wrong_type("summarize_survey(questionnaire)", "a Questionnaire"):
        summarize_survey(loose(None), [])
    with wrong_type("summarize_survey(period)", "a Period or None"):
        summarize_survey(QUESTIONNAIRE, [], period=loose("2025-03"))
    with wrong_type("summarize_survey(responses)", "an iterable of SurveyResponse"):
        summarize_survey(QUESTIONNAIRE, loose("R-1"))
    with wrong_type("summarize_survey(responses)", "an iterable of SurveyResponse"):
        summarize_survey(QUESTIONNAIRE, loose(5))
    with wrong_type("summarize_survey(responses)", "an iterable of SurveyResponse"):
        summarize_survey(QUESTIONNAIRE, loose({"R-1": RESPONSES[0]}))
    with wrong_type(r"summarize_survey(responses[1])", "a SurveyResponse"):
        summarize_survey(QUESTIONNAIRE, loose([RESPONSES[0], {"recommend": 9}]))


_answers = st.fixed_dictionaries(
    {"recommend": st.integers(-1, 11), "service": st.integers(0, 6)},
    optional={
        "price": st.integers(1, 5),
        "product": st.integers(1, 7),
        "extra": st.integers(0, 3),
    },
)
_responses = st.lists(
    st.builds(response, _answers, st.sampled_from(["individual", "enterprise"])), max_size=30
)


@given(_responses, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_response_order(
    responses: list[SurveyResponse], random: Any
) -> None:
    shuffled = list(responses)
    random.shuffle(shuffled)
    assert summarize_survey(QUESTIONNAIRE, shuffled) == summarize_survey(QUESTIONNAIRE, responses)


@given(_responses)
def test_summary_matches_an_exact_reference(responses: list[SurveyResponse]) -> None:
    summary = summarize_survey(QUESTIONNAIRE, responses)
    valid = [r for r in responses if not validate_response(QUESTIONNAIRE, r)]
    assert summary.responses == len(valid)
    assert summary.responses + summary.rejected == len(responses)
    for item in QUESTIONNAIRE.items:
        answers = [r.answers[item.item_id] for r in valid if item.item_id in r.answers]
        found: ItemSummary = summary.item(item.item_id)
        assert found.count == len(answers) == sum(found.distribution.values())
        assert dict(found.distribution) == {p: answers.count(p) for p in item.scale.points}
        if answers:
            mean = Fraction(sum(answers), len(answers))
            assert found.mean == _rounded(mean)
            assert found.score is not None and Decimal(0) <= found.score <= Decimal(100)
        else:
            assert found.mean is None


def _rounded(value: Fraction) -> Decimal:
    """Round half to even to 4 places, by integer arithmetic."""
    scaled = value * 10_000
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2):
        floor += 1
    return Decimal(floor).scaleb(-4)


# ---------------------------------------------------------------- chi-square


@pytest.mark.parametrize(
    ("statistic", "freedom", "expected"),
    [
        # Upper critical values from the published chi-square table (5 % and 1 %).
        (3.841, 1, 0.05),
        (5.991, 2, 0.05),
        (7.815, 3, 0.05),
        (9.488, 4, 0.05),
        (11.070, 5, 0.05),
        (18.307, 10, 0.05),
        (6.635, 1, 0.01),
        (9.210, 2, 0.01),
        (23.209, 10, 0.01),
        (37.566, 20, 0.01),
    ],
)
def test_chi_square_tail_matches_the_published_table(
    statistic: float, freedom: int, expected: float
) -> None:
    assert _chi_square_sf(statistic, freedom) == pytest.approx(expected, abs=5e-5)


def test_chi_square_tail_closed_forms_by_hand() -> None:
    # Two degrees of freedom: exp(-x/2); four: exp(-x/2) (1 + x/2); one: erfc(sqrt(x/2)).
    assert _chi_square_sf(2.0, 2) == pytest.approx(math.exp(-1), rel=1e-12)
    assert _chi_square_sf(2.0, 4) == pytest.approx(2 * math.exp(-1), rel=1e-12)
    assert _chi_square_sf(2.0, 1) == pytest.approx(math.erfc(1.0), rel=1e-12)
    assert _chi_square_sf(0.0, 3) == 1.0
    assert _chi_square_sf(5e-324, 1) == 1.0  # too small to halve
    assert _chi_square_sf(5000.0, 3) == 0.0
    assert _chi_square_sf(1e-300, 200) == 1.0


def _reference_tail(statistic: float, freedom: int) -> float:
    """1 - P(k/2, x/2), the lower regularized gamma function by its power series."""
    a, x = freedom / 2, statistic / 2
    term = total = 1 / a
    n = 1
    while term > total * 1e-17:
        term *= x / (a + n)
        total += term
        n += 1
    lower = math.exp(a * math.log(x) - x - math.lgamma(a)) * total
    return 1 - lower


@given(st.floats(0.01, 60), st.integers(1, 40))
def test_chi_square_tail_matches_a_series_reference(statistic: float, freedom: int) -> None:
    assert _chi_square_sf(statistic, freedom) == pytest.approx(
        _reference_tail(statistic, freedom), abs=1e-9
    )


@given(st.floats(0, 200), st.floats(0, 50), st.integers(1, 60))
def test_chi_square_tail_falls_with_the_statistic(x: float, more: float, freedom: int) -> None:
    # Monotone up to rounding in the last binary place of a float.
    low, high = _chi_square_sf(x, freedom), _chi_square_sf(x + more, freedom)
    assert 0.0 <= high <= low + 1e-12 and low <= 1.0
    assert _chi_square_sf(x, freedom + 1) >= low - 1e-12


# ---------------------------------------------------------------- representativeness


def test_representativeness_by_hand() -> None:
    # 60/40 against a 70/30 book: expected 70 and 30; chi-square 100/70 + 100/30 =
    # 100/21 = 4.761905; one degree of freedom: p = erfc(sqrt(100/42)) = 0.02910.
    check = check_representativeness(
        {"individual": 60, "enterprise": 40}, {"individual": 7000, "enterprise": 3000}
    )
    assert (check.sample_size, check.statistic, check.degrees_of_freedom) == (
        100,
        Decimal("4.7619"),
        1,
    )
    assert check.p_value == Decimal("0.0291")
    assert math.erfc(math.sqrt(100 / 42)) == pytest.approx(0.02910, abs=5e-6)
    assert [
        (s.segment, s.sample_count, s.expected_count, s.sample_share, s.book_share, s.difference)
        for s in check.segments
    ] == [
        (
            "enterprise",
            40,
            Decimal("30.0000"),
            Decimal("40.0000"),
            Decimal("30.0000"),
            Decimal("10.0000"),
        ),
        (
            "individual",
            60,
            Decimal("70.0000"),
            Decimal("60.0000"),
            Decimal("70.0000"),
            Decimal("-10.0000"),
        ),
    ]
    assert check.max_difference == Decimal("10.0000")
    assert (check.tolerance, check.significance, check.representative) == (
        Decimal(5),
        Decimal("0.05"),
        False,
    )
    off, _, differs = check.reasons
    assert (off.code, off.severity, off.rule) == ("survey.share_off", REFER, "survey_sample")
    assert off.message == (
        "the segment 'enterprise' is 40.0000% of the sample and 30.0000% of the book, "
        "10.0000 points apart, more than the 5 allowed"
    )
    assert dict(differs.details) == {
        "statistic": Decimal("4.7619"),
        "degrees_of_freedom": 1,
        "p_value": Decimal("0.0291"),
        "significance": Decimal("0.05"),
    }


def test_a_sample_spread_as_the_book_is_representative() -> None:
    sample = [response({}, "a")] * 20 + [response({}, "b")] * 30 + [response({}, "c")] * 50
    check = check_representativeness(
        sample, {"a": Decimal("0.2"), "b": Decimal("0.3"), "c": 1 - Decimal("0.5")}
    )
    assert (check.statistic, check.degrees_of_freedom, check.p_value) == (
        Decimal("0.0000"),
        2,
        Decimal("1.0000"),
    )
    assert (check.max_difference, check.representative, check.reasons) == (
        Decimal("0.0000"),
        True,
        (),
    )


def test_wide_tolerance_leaves_the_test_to_decide() -> None:
    # 55/45 against 50/50: chi-square (5^2/50) x 2 = 1; p = erfc(sqrt(0.5)) = 0.3173.
    check = check_representativeness({"a": 55, "b": 45}, {"a": 1, "b": 1}, tolerance=10)
    assert (check.statistic, check.p_value, check.representative) == (
        Decimal("1.0000"),
        Decimal("0.3173"),
        True,
    )
    # The same gap with a tolerance of 4 points is too much.
    strict = check_representativeness({"a": 55, "b": 45}, {"a": 1, "b": 1}, tolerance="4")
    assert [r.code for r in strict.reasons] == ["survey.share_off", "survey.share_off"]
    # A large sample makes a 2-point gap significant: 520/480 of 1000,
    # chi-square 2 x 20^2/500 = 1.6 (p 0.2059); 5200/4800: 16 (p 0.0001).
    large = check_representativeness({"a": 5200, "b": 4800}, {"a": 1, "b": 1})
    assert (large.statistic, large.p_value) == (Decimal("16.0000"), Decimal("0.0001"))
    assert [r.code for r in large.reasons] == ["survey.spread_differs"]
    assert not large.representative


def test_small_expected_counts_are_noted() -> None:
    # 3 and 7 responses against 20/80: expected 2 and 8; chi-square 1/2 + 1/8 = 0.625.
    check = check_representativeness(
        {"small": 3, "big": 7}, {"small": 20, "big": 80}, tolerance=20
    )
    assert check.statistic == Decimal("0.6250")
    assert check.representative
    [note] = check.reasons
    assert (note.code, note.severity, dict(note.details)) == (
        "survey.small_expected_counts",
        INFO,
        {"segments": ("small",)},
    )


def test_an_empty_sample_is_not_representative() -> None:
    check = check_representativeness([], {"a": 1, "b": 0})
    assert (check.sample_size, check.statistic, check.p_value, check.max_difference) == (
        0,
        None,
        None,
        None,
    )
    assert check.degrees_of_freedom == 0
    assert [(s.segment, s.sample_share, s.book_share) for s in check.segments] == [
        ("a", Decimal("0.0000"), Decimal("100.0000")),
        ("b", Decimal("0.0000"), Decimal("0.0000")),
    ]
    assert not check.representative
    assert [(r.code, r.severity) for r in check.reasons] == [("survey.empty_sample", REFER)]


def test_a_book_of_one_segment_has_no_test() -> None:
    check = check_representativeness({"a": 12, "b": 0}, {"a": 5, "b": 0})
    assert (check.statistic, check.degrees_of_freedom, check.p_value) == (
        Decimal("0.0000"),
        0,
        None,
    )
    assert check.representative


def test_representativeness_refuses_bad_input() -> None:
    with invalid("check_representativeness", "book", "segment 'c', which has no share"):
        check_representativeness({"a": 1, "c": 2}, {"a": 1, "b": 1})
    with invalid("check_representativeness", "book", "segment 'b', which has no share"):
        check_representativeness({"a": 1, "b": 2}, {"a": 1, "b": 0})
    with invalid("check_representativeness", "book", "no segment with a count above 0"):
        check_representativeness({}, {"a": 0})
    with invalid("check_representativeness", r"book\['a'\]", "at least 0, not -1"):
        check_representativeness({}, {"a": -1})
    with invalid("check_representativeness", r"book\['a'\]", "finite"):
        check_representativeness({}, {"a": Decimal("NaN")})
    with invalid("check_representativeness", r"sample\['a'\]", "at least 0, not -1"):
        check_representativeness({"a": -1}, {"a": 1})
    with invalid("check_representativeness", r"sample\['a'\]", "not True"):
        check_representativeness(loose({"a": True}), {"a": 1})
    with wrong_type("check_representativeness(book)", "a mapping of segment to count"):
        check_representativeness({}, loose([("a", 1)]))
    with wrong_type("check_representativeness(book) keys", "a str segment"):
        check_representativeness({}, loose({1: 1}))
    with wrong_type(r"check_representativeness(book['a'])", "an int or a Decimal"):
        check_representativeness({}, loose({"a": 0.5}))
    with wrong_type("check_representativeness(sample) keys", "a str segment"):
        check_representativeness(loose({1: 1}), {"a": 1})
    with wrong_type("check_representativeness(sample)", "an iterable of SurveyResponse"):
        check_representativeness(loose("abc"), {"a": 1})
    with wrong_type("check_representativeness(sample)", "an iterable of SurveyResponse"):
        check_representativeness(loose(3), {"a": 1})
    with wrong_type(r"check_representativeness(sample[0])", "a SurveyResponse"):
        check_representativeness(loose(["a"]), {"a": 1})


@pytest.mark.parametrize(
    ("keyword", "value", "fragment"),
    [
        ("tolerance", 0, "must be above 0 and at most 100, not 0"),
        ("tolerance", Decimal("100.5"), "must be above 0 and at most 100"),
        ("tolerance", Decimal("Infinity"), "must be above 0"),
        ("significance", Decimal(1), "must be above 0 and below 1, not 1"),
        ("significance", "0", "must be above 0 and below 1, not 0"),
    ],
)
def test_representativeness_limits_are_checked(keyword: str, value: object, fragment: str) -> None:
    limits: dict[str, Any] = {keyword: value}
    with invalid("check_representativeness", keyword, fragment):
        check_representativeness({"a": 1}, {"a": 1}, **limits)


@pytest.mark.parametrize("keyword", ["tolerance", "significance"])
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("NaN", "NaN"),
        (Decimal("NaN"), "NaN"),
        ("sNaN", "sNaN"),
        (Decimal("sNaN"), "sNaN"),
        ("-nan", "-NaN"),
        ("-Infinity", "-Infinity"),
    ],
)
def test_representativeness_limits_that_are_not_numbers_are_refused(
    keyword: str, value: object, shown: str
) -> None:
    # A NaN does not compare (a signalling NaN raises as it is compared): it is refused
    # before any comparison, with the field named.
    limits: dict[str, Any] = {keyword: value}
    bound = "at most 100" if keyword == "tolerance" else "below 1"
    with invalid(
        "check_representativeness", keyword, f"must be above 0 and {bound}, not {shown}$"
    ):
        check_representativeness({"a": 1}, {"a": 1}, **limits)


@given(
    st.sampled_from(["tolerance", "significance"]),
    st.decimals(allow_nan=True, allow_infinity=True).filter(lambda value: not value.is_finite()),
    st.booleans(),
)
def test_every_limit_that_is_not_finite_is_refused(
    keyword: str, value: Decimal, as_text: bool
) -> None:
    limits: dict[str, Any] = {keyword: str(value) if as_text else value}
    with invalid("check_representativeness", keyword, "must be above 0"):
        check_representativeness({"a": 1}, {"a": 1}, **limits)


@pytest.mark.parametrize("value", [0.05, True, "five", None])
def test_representativeness_limits_have_a_type(value: object) -> None:
    with pytest.raises(ArgumentTypeError, match=r"check_representativeness\(significance\)"):
        check_representativeness({"a": 1}, {"a": 1}, significance=loose(value))


_segments = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]), st.integers(1, 50), min_size=1, max_size=4
)


@given(_segments, st.data())
def test_representativeness_shares_and_statistic_match_a_reference(
    book: dict[str, int], data: st.DataObject
) -> None:
    sample = {segment: data.draw(st.integers(0, 40)) for segment in book}
    check = check_representativeness(sample, book, tolerance=100)
    size, total = sum(sample.values()), sum(book.values())
    if not size:
        assert not check.representative and check.statistic is None
        return
    expected = {s: Fraction(size * book[s], total) for s in book}
    statistic = sum(((sample[s] - expected[s]) ** 2 / expected[s] for s in book), Fraction(0))
    assert check.statistic == _rounded(statistic)
    assert check.degrees_of_freedom == len(book) - 1
    assert sum(s.sample_count for s in check.segments) == size
    gaps = [abs(Fraction(sample[s], size) - Fraction(book[s], total)) * 100 for s in book]
    assert check.max_difference == _rounded(max(gaps))
    if check.p_value is not None:
        assert Decimal(0) <= check.p_value <= Decimal(1)
        passes = _chi_square_sf(float(statistic), len(book) - 1) >= 0.05
        assert check.representative is passes


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=40), st.randoms(use_true_random=False))
def test_representativeness_does_not_depend_on_order(segments: list[str], random: Any) -> None:
    responses = [response({}, segment) for segment in segments]
    shuffled = list(responses)
    random.shuffle(shuffled)
    book = {"a": 5, "b": 3, "c": 2}
    assert check_representativeness(shuffled, book) == check_representativeness(responses, book)
    assert check_representativeness(responses, book) == check_representativeness(
        dict(Counter(segments)), dict(reversed(list(book.items())))
    )
