"""Tests for renewal_core.kpi.improvement.

Expected figures are worked out by hand in the comments (the z-tests with their
arithmetic), never by the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import PHONE, invalid, loose, wrong_type
from renewal_core.errors import DateTypeError, InvalidField, InvalidTransition
from renewal_core.kpi.diagnosis import CauseCategory, ProportionTest, diagnose, tag
from renewal_core.kpi.improvement import (
    ActionStatus,
    Evaluation,
    ImprovementAction,
    Verdict,
    complete_action,
    evaluate,
    start_action,
)
from renewal_core.kpi.indicator import Indicator, Period, Unit, rate
from renewal_core.reasons import Severity

DEADLINE = pendulum.date(2025, 4, 30)


def r(numerator: int, denominator: int, **changes: Any) -> Indicator:
    return rate("renewal_rate", numerator, denominator, **changes)


# March's alarm: 86 % (860/1000) against 90.4 % (904/1000).
FINDING = tag(
    diagnose(r(860, 1000), r(904, 1000)), CauseCategory.SERVICE, "reminders went out late"
)


def make_action(**changes: Any) -> ImprovementAction:
    fields: dict[str, Any] = {
        "action_id": "IA-2025-07",
        "finding": FINDING,
        "cause": CauseCategory.SERVICE,
        "description": "send reminders 45 days ahead",
        "owner": "team-renewals-east",
        "deadline": DEADLINE,
    }
    fields.update(changes)
    return ImprovementAction(**fields)


def done(action: ImprovementAction | None = None) -> ImprovementAction:
    return complete_action(start_action(action or make_action()))


# --------------------------------------------------------------------------- actions


def test_an_action_is_planned_when_recorded() -> None:
    action = make_action()
    assert action.status is ActionStatus.PLANNED
    assert action.evaluation is None
    assert action.indicator == "renewal_rate"
    assert action.owner == "team-renewals-east"
    assert repr(action) == (
        "ImprovementAction(action_id='IA-2025-07', cause=CauseCategory.SERVICE, "
        "deadline=Date(2025, 4, 30), status=ActionStatus.PLANNED, evaluation=None)"
    )


def test_the_steps_go_planned_in_progress_done_evaluated() -> None:
    action = make_action()
    started = start_action(action)
    finished = complete_action(started)
    evaluated = evaluate(finished, r(860, 1000), r(900, 1000))
    assert [a.status for a in (action, started, finished, evaluated)] == [
        ActionStatus.PLANNED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.EVALUATED,
    ]
    assert action.status is ActionStatus.PLANNED  # values never change
    assert attrs.evolve(evaluated, status=ActionStatus.PLANNED, evaluation=None) == action


@pytest.mark.parametrize(
    ("status", "step", "allowed"),
    [
        (ActionStatus.PLANNED, complete_action, "'start'"),
        (ActionStatus.IN_PROGRESS, start_action, "'complete'"),
        (ActionStatus.DONE, start_action, "'evaluate'"),
        (ActionStatus.DONE, complete_action, "'evaluate'"),
    ],
)
def test_a_step_the_status_does_not_allow_is_refused(
    status: ActionStatus, step: Any, allowed: str
) -> None:
    action = make_action(status=status)
    with pytest.raises(InvalidTransition, match=rf"allowed events: {allowed}$") as caught:
        step(action)
    assert (caught.value.workflow, caught.value.case_id, caught.value.state) == (
        "improvement_action",
        "IA-2025-07",
        status.value,
    )
    assert caught.value.event == step.__name__.removesuffix("_action")


@pytest.mark.parametrize("status", [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
def test_only_a_done_action_can_be_evaluated(status: ActionStatus) -> None:
    with pytest.raises(InvalidTransition, match="event 'evaluate' is not allowed"):
        evaluate(make_action(status=status), r(860, 1000), r(900, 1000))


def test_an_evaluated_action_is_final() -> None:
    evaluated = evaluate(done(), r(860, 1000), r(900, 1000))
    for step in (start_action, complete_action):
        with pytest.raises(InvalidTransition, match=r"allowed events: none \(a final state\)"):
            step(evaluated)
    with pytest.raises(InvalidTransition, match="is 'evaluated'"):
        evaluate(evaluated, r(860, 1000), r(900, 1000))


@pytest.mark.parametrize("step", [start_action, complete_action])
def test_steps_refuse_what_is_not_an_action(step: Any) -> None:
    with wrong_type(f"{step.__name__}(action)", "an ImprovementAction"):
        step(FINDING)


def test_evaluate_refuses_what_is_not_an_action() -> None:
    with wrong_type("evaluate(action)", "an ImprovementAction"):
        evaluate(loose(FINDING), r(860, 1000), r(900, 1000))


def test_the_cause_must_be_a_tag_of_the_finding() -> None:
    with invalid(
        "ImprovementAction",
        "cause",
        r"no PRICE tag \(its tags: SERVICE\); attach the cause first with "
        r"tag\(finding, CauseCategory.PRICE, note\)",
    ):
        make_action(cause=CauseCategory.PRICE)
    untagged = diagnose(r(860, 1000), r(904, 1000))
    with invalid("ImprovementAction", "cause", r"\(its tags: none\)"):
        make_action(finding=untagged)


def test_an_evaluation_goes_with_the_evaluated_status_only() -> None:
    evaluated = evaluate(done(), r(860, 1000), r(900, 1000))
    with invalid("ImprovementAction", "evaluation", "an EVALUATED action has an evaluation"):
        make_action(status=ActionStatus.EVALUATED)
    with invalid("ImprovementAction", "evaluation", "use evaluate"):
        make_action(status=ActionStatus.DONE, evaluation=evaluated.evaluation)


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("action_id", "", "must not be empty"),
        ("owner", " team", "must not start or end with whitespace"),
        ("finding", "F-1", "must be a Finding, not str"),
        ("cause", "price", "must be a CauseCategory member"),
        ("status", "done", "must be a ActionStatus member"),
        ("evaluation", "improved", "must be a Evaluation, not str"),
    ],
)
def test_fields_are_checked(field: str, value: object, fragment: str) -> None:
    with invalid("ImprovementAction", field, fragment):
        make_action(**{field: value})


def test_the_owner_never_shows_in_a_repr_or_an_error() -> None:
    # Documented as an id, but a name may be put there all the same.
    action = make_action(owner="王小明")
    assert action.owner == "王小明"
    assert "王小明" not in repr(action)
    assert "王小明" not in repr(complete_action(start_action(action)))
    for owner in ("王小明 ", f"王\u200b{PHONE}"):
        with pytest.raises(InvalidField, match=r"^ImprovementAction\.owner: ") as caught:
            make_action(owner=owner)
        assert "王" not in str(caught.value) and PHONE not in str(caught.value)
    with pytest.raises(InvalidTransition) as refused:
        complete_action(action)
    assert "王小明" not in str(refused.value)


def test_the_description_never_shows_in_a_repr_or_an_error() -> None:
    text = f"call the customer at {PHONE} again"
    action = make_action(description=text)
    assert action.description == text
    assert PHONE not in repr(action)
    with pytest.raises(InvalidField) as caught:
        make_action(description=f"{text} ")
    assert PHONE not in str(caught.value)


def test_a_deadline_is_a_day() -> None:
    assert make_action(deadline=dt.date(2025, 4, 30)).deadline == DEADLINE
    assert type(make_action(deadline=dt.date(2025, 4, 30)).deadline) is pendulum.Date
    with pytest.raises(DateTypeError):
        make_action(deadline=dt.datetime(2025, 4, 30, 12, tzinfo=dt.UTC))
    with pytest.raises(DateTypeError):
        make_action(deadline="2025-04-30")


@pytest.mark.parametrize(
    ("status", "as_of", "overdue"),
    [
        (ActionStatus.PLANNED, pendulum.date(2025, 4, 30), False),
        (ActionStatus.PLANNED, pendulum.date(2025, 5, 1), True),
        (ActionStatus.IN_PROGRESS, dt.date(2025, 5, 1), True),
        (ActionStatus.DONE, pendulum.date(2025, 6, 1), False),
    ],
)
def test_an_open_action_past_its_deadline_is_overdue(
    status: ActionStatus, as_of: dt.date, overdue: bool
) -> None:
    assert make_action(status=status).overdue(as_of) is overdue


def test_overdue_takes_a_day() -> None:
    with pytest.raises(DateTypeError, match=r"ImprovementAction.overdue\(as_of\)"):
        make_action().overdue(loose(pendulum.datetime(2025, 5, 1)))


# --------------------------------------------------------------------------- evaluate


def test_a_significant_recovery_is_an_improvement() -> None:
    # 86 % (860/1000) before, 90 % (900/1000) after: +4 points. Pooled 1760/2000 = 0.88;
    # SE^2 = 0.88 * 0.12 * 0.002 = 0.0002112; SE = 0.0145327; z = 0.04 / SE = 2.75241;
    # p = erfc(2.75241 / sqrt 2) = 0.0059159.
    before = r(860, 1000, period=Period.month(2025, 3))
    after = r(900, 1000, period=Period.month(2025, 5))
    evaluated = evaluate(done(), before, after)
    evaluation = evaluated.evaluation
    assert evaluation is not None
    assert (evaluation.verdict, evaluation.change, evaluation.test) == (
        Verdict.IMPROVED,
        Decimal("4.0000"),
        ProportionTest(
            Decimal("2.7524"), Decimal("0.005916"), Decimal("88.0000"), Decimal("120.0000")
        ),
    )
    assert (evaluation.before, evaluation.after) == (before, after)
    (reason,) = evaluation.reasons
    assert (reason.code, reason.severity, reason.rule) == (
        "change.better",
        Severity.INFO,
        "evaluate",
    )
    assert evaluation.explain() == (
        "renewal_rate: IMPROVED\n"
        "  90.0000% (900 of 1000) after, 86.0000% (860 of 1000) before: +4.0000 points\n"
        "  renewal_rate rose 4.0000 points, more than the threshold of 1 point, and "
        "significantly (z = 2.7524, p-value 0.005916 below 0.05)"
    )
    assert repr(evaluation) == (
        "Evaluation(verdict=Verdict.IMPROVED, change=Decimal('4.0000'), test=ProportionTest("
        "z=Decimal('2.7524'), p_value=Decimal('0.005916'), pooled=Decimal('88.0000'), "
        "smallest_expected=Decimal('120.0000')))"
    )


def test_a_significant_further_drop_is_worse() -> None:
    # 86 % before, 82 % after: -4 points; pooled 0.84, SE^2 = 0.84*0.16*0.002 = 0.0002688,
    # z = -0.04 / 0.0163951 = -2.43975, p = 0.01470.
    evaluation = evaluate(done(), r(860, 1000), r(820, 1000)).evaluation
    assert evaluation is not None
    assert (evaluation.verdict, evaluation.change) == (Verdict.WORSE, Decimal("-4.0000"))
    assert evaluation.reasons[0].severity is Severity.REFER


def test_a_move_within_the_threshold_is_no_effect() -> None:
    evaluation = evaluate(done(), r(860, 1000), r(865, 1000)).evaluation
    assert evaluation is not None
    assert (evaluation.verdict, evaluation.change) == (Verdict.NO_EFFECT, Decimal("0.5000"))


@pytest.mark.parametrize(
    ("before", "after", "code"),
    [
        (r(860, 1000), r(880, 1000), "change.not_significant"),  # +2, z = 1.3298, p = 0.1836
        (r(8, 10), r(10, 10), "sample.too_small"),
        (r(860, 1000), r(0, 0), "data.missing"),
    ],
)
def test_what_cannot_be_judged_is_inconclusive(
    before: Indicator, after: Indicator, code: str
) -> None:
    evaluation = evaluate(done(), before, after).evaluation
    assert evaluation is not None
    assert evaluation.verdict is Verdict.INCONCLUSIVE
    assert evaluation.reasons[0].code == code


def test_no_data_explains_itself_without_figures() -> None:
    evaluation = evaluate(done(), r(0, 0), r(900, 1000)).evaluation
    assert evaluation is not None
    assert (evaluation.change, evaluation.test) == (None, None)
    assert evaluation.explain() == (
        "renewal_rate: INCONCLUSIVE\n"
        "  renewal_rate has no data in the previous period (a denominator of 0): nothing to "
        "compare"
    )


def test_the_findings_settings_are_used_unless_others_are_given() -> None:
    strict = tag(
        diagnose(r(860, 1000), r(904, 1000), threshold=5),
        CauseCategory.SERVICE,
        "late reminders",
    )
    action = done(make_action(finding=strict))
    # +4 points is within the finding's threshold of 5 ...
    judged = evaluate(action, r(860, 1000), r(900, 1000)).evaluation
    assert judged is not None and judged.verdict is Verdict.NO_EFFECT
    # ... but beyond a threshold of 3 given here.
    overridden = evaluate(action, r(860, 1000), r(900, 1000), threshold=3).evaluation
    assert overridden is not None and overridden.verdict is Verdict.IMPROVED
    # +2 points: p = 0.18, significant at 0.2 but not at 0.05.
    loose_level = evaluate(done(), r(860, 1000), r(880, 1000), significance="0.2").evaluation
    assert loose_level is not None and loose_level.verdict is Verdict.IMPROVED
    # 8/10 -> 10/10: +20 points; the sample of 10 is enough with min_sample=10, but the
    # smallest expected count 10 * (2/20) = 1 < 5 keeps it inconclusive.
    small = evaluate(done(), r(8, 10), r(10, 10), min_sample=10).evaluation
    assert small is not None
    assert [reason.code for reason in small.reasons] == ["sample.expected_count_too_small"]


def test_the_findings_direction_is_used() -> None:
    lapse = tag(
        diagnose(
            rate("lapse_rate", 120, 1000), rate("lapse_rate", 80, 1000), higher_is_better=False
        ),
        CauseCategory.PRICE,
        "renewal premiums rose",
    )
    action = done(make_action(finding=lapse, cause=CauseCategory.PRICE))
    evaluation = evaluate(action, rate("lapse_rate", 120, 1000), rate("lapse_rate", 80, 1000))
    assert evaluation.evaluation is not None
    assert evaluation.evaluation.verdict is Verdict.IMPROVED


def test_the_indicators_must_be_the_findings() -> None:
    with invalid("evaluate", "after", "is 'retention', where the action targets 'renewal_rate'"):
        evaluate(done(), r(860, 1000), rate("retention", 900, 1000))
    with invalid("evaluate", "before", "is not a rate of counts"):
        amounts = Indicator(
            "renewal_rate",
            Decimal("90.0000"),
            Decimal("900.00"),
            Decimal("1000.00"),
            unit=Unit.PERCENT,
            currency="CNY",
        )
        evaluate(done(), amounts, r(900, 1000))
    with invalid("evaluate", "significance", "between 0 and 1"):
        evaluate(done(), r(860, 1000), r(900, 1000), significance="5")


MARCH, APRIL, MAY = (Period.month(2025, month) for month in (3, 4, 5))


def test_evaluate_refuses_periods_in_the_wrong_order() -> None:
    # Swapped, 86 % in May "before" and 90 % in March "after" would read as IMPROVED
    # where the rate fell.
    with invalid(
        "evaluate",
        "after",
        "covers 2025-03, which does not start after the before period 2025-05 ends; pass "
        "the earlier period as before and the later one as after",
    ):
        evaluate(done(), r(860, 1000, period=MAY), r(900, 1000, period=MARCH))
    with invalid("evaluate", "after", "covers 2025-03, which does not start after"):
        evaluate(done(), r(860, 1000, period=MARCH), r(900, 1000, period=MARCH))
    spring = Period(MARCH.start, MAY.end)
    with invalid("evaluate", "after", "covers 2025-05, which does not start after"):
        evaluate(done(), r(860, 1000, period=spring), r(900, 1000, period=MAY))


def test_evaluate_takes_periods_in_order_or_without_one() -> None:
    for before, after in ((MARCH, APRIL), (MARCH, MAY), (None, MAY), (MARCH, None)):
        evaluated = evaluate(done(), r(860, 1000, period=before), r(900, 1000, period=after))
        assert evaluated.evaluation is not None
        assert evaluated.evaluation.verdict is Verdict.IMPROVED


def test_evaluations_check_their_fields() -> None:
    evaluation = evaluate(done(), r(860, 1000), r(900, 1000)).evaluation
    assert evaluation is not None
    with invalid("Evaluation", "change", "must be a Decimal or None, not float"):
        attrs.evolve(evaluation, change=loose(4.0))
    with invalid("Evaluation", "verdict", "must be a Verdict member"):
        Evaluation(
            verdict=loose("improved"),
            change=None,
            test=None,
            before=evaluation.before,
            after=evaluation.after,
            reasons=[],
        )


# --------------------------------------------------------------------------- properties


counts_of = st.integers(1, 1000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(counts_of, counts_of)
def test_small_samples_never_get_a_verdict_of_improved_or_worse(
    before: tuple[int, int], after: tuple[int, int]
) -> None:
    evaluation = evaluate(done(), r(*before), r(*after)).evaluation
    assert evaluation is not None
    if min(before[1], after[1]) < FINDING.min_sample:
        assert evaluation.verdict in {Verdict.NO_EFFECT, Verdict.INCONCLUSIVE}
    # The change is after minus before, in points.
    exact = Decimal(100 * after[0]) / after[1] - Decimal(100 * before[0]) / before[1]
    assert evaluation.change is not None
    assert abs(evaluation.change - exact) <= Decimal("0.00005")
    if evaluation.verdict is Verdict.IMPROVED:
        assert evaluation.change > FINDING.threshold
    if evaluation.verdict is Verdict.WORSE:
        assert evaluation.change < -FINDING.threshold
