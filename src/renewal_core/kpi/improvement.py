"""Improvement actions (D5): from a diagnosed cause to a measured effect, the closed loop.

A :class:`~renewal_core.kpi.diagnosis.Finding` that an analyst has tagged with a
root cause (:func:`~renewal_core.kpi.diagnosis.tag`) leads to an
:class:`ImprovementAction`: what will be done about that cause, who owns it (the
host's identifier of a person or a team, never a name) and by which day. An action
goes through four statuses, each step a small pure function that returns a new
action and refuses a step its status does not allow::

    PLANNED --start_action()--> IN_PROGRESS --complete_action()--> DONE
    DONE --evaluate()--> EVALUATED

:func:`evaluate` closes the loop: it measures the targeted indicator before and
after the action with the same judgement as
:func:`~renewal_core.kpi.diagnosis.diagnose` (the same threshold, the same
two-proportion test, the same sample checks, the finding's settings unless others
are given) and returns the action ``EVALUATED`` with an :class:`Evaluation` whose
:class:`Verdict` is ``IMPROVED`` (a significant move beyond the threshold in the good
direction), ``WORSE`` (the same in the bad direction), ``NO_EFFECT`` (a move within
the threshold) or ``INCONCLUSIVE`` (too small a sample, a change that is not
significant, or no data).

>>> import pendulum
>>> from renewal_core.kpi.diagnosis import CauseCategory, diagnose, tag
>>> from renewal_core.kpi.indicator import rate
>>> finding = diagnose(rate("renewal_rate", 860, 1000), rate("renewal_rate", 904, 1000))
>>> finding = tag(finding, CauseCategory.SERVICE, "reminders went out late")
>>> action = ImprovementAction(
...     "IA-2025-07", finding, CauseCategory.SERVICE, "send reminders 45 days ahead",
...     "team-renewals-east", pendulum.date(2025, 4, 30),
... )
>>> action = complete_action(start_action(action))
>>> action = evaluate(action, rate("renewal_rate", 860, 1000), rate("renewal_rate", 900, 1000))
>>> action.status, action.evaluation.verdict, action.evaluation.change
(ActionStatus.EVALUATED, Verdict.IMPROVED, Decimal('4.0000'))
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

import attrs
import pendulum

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _as_tuple,
    _day,
    _fail,
    _instance_of,
    _items,
    _member_of,
    _text,
    _wrong_type,
)
from renewal_core.errors import InvalidField, InvalidTransition
from renewal_core.kpi.diagnosis import (
    CauseCategory,
    Finding,
    FindingStatus,
    ProportionTest,
    _counts,
    _in_order,
    _judge,
    _optional_decimal,
    _settings,
)
from renewal_core.kpi.indicator import Indicator
from renewal_core.kpi.reports import _figure
from renewal_core.periods import _to_date
from renewal_core.reasons import Reason

__all__ = [
    "ActionStatus",
    "Evaluation",
    "ImprovementAction",
    "Verdict",
    "complete_action",
    "evaluate",
    "start_action",
]


class ActionStatus(ShortReprEnum):
    """Where an :class:`ImprovementAction` stands."""

    PLANNED = "planned"
    """Recorded, not started."""
    IN_PROGRESS = "in_progress"
    """Started (:func:`start_action`)."""
    DONE = "done"
    """Carried out (:func:`complete_action`); its effect is still to be measured."""
    EVALUATED = "evaluated"
    """Its effect was measured (:func:`evaluate`); a final status."""


class Verdict(ShortReprEnum):
    """The effect of an action on the indicator it targeted."""

    IMPROVED = "improved"
    """The indicator moved beyond the threshold in the good direction, significantly."""
    NO_EFFECT = "no_effect"
    """The indicator moved by no more than the threshold."""
    WORSE = "worse"
    """The indicator moved beyond the threshold in the bad direction, significantly."""
    INCONCLUSIVE = "inconclusive"
    """The sample is too small, the change not significant, or a period has no data."""


_VERDICTS: Final = {
    FindingStatus.IMPROVED: Verdict.IMPROVED,
    FindingStatus.STABLE: Verdict.NO_EFFECT,
    FindingStatus.ALARM: Verdict.WORSE,
    FindingStatus.INCONCLUSIVE: Verdict.INCONCLUSIVE,
    FindingStatus.NO_DATA: Verdict.INCONCLUSIVE,
}


@attrs.frozen(kw_only=True)
class Evaluation:
    """The measured effect of an action: the indicator before and after, and a verdict.

    Attributes:
        verdict: the :class:`Verdict`.
        change: the change in percentage points (after minus before), to 4 decimal
            places; ``None`` without data.
        test: the :class:`~renewal_core.kpi.diagnosis.ProportionTest` of the change;
            ``None`` without data.
        before: the indicator before the action.
        after: the indicator after it.
        reasons: why the verdict is what it is, with the figures compared.
    """

    verdict: Verdict = attrs.field(validator=_member_of(Verdict))
    change: Decimal | None = attrs.field(validator=_optional_decimal)
    test: ProportionTest | None = attrs.field(
        validator=attrs.validators.optional(_instance_of(ProportionTest))
    )
    before: Indicator = attrs.field(validator=_instance_of(Indicator), repr=False)
    after: Indicator = attrs.field(validator=_instance_of(Indicator), repr=False)
    reasons: tuple[Reason, ...] = attrs.field(
        converter=_as_tuple, validator=_items(Reason, lambda item: item.code, "code"), repr=False
    )

    def explain(self) -> str:
        """The evaluation in words: the figures before and after, and why the verdict."""
        lines = [f"{self.after.name}: {self.verdict.name}"]
        if self.change is not None:
            lines.append(
                f"  {_figure(self.after)} ({self.after.numerator} of {self.after.denominator})"
                f" after, {_figure(self.before)} ({self.before.numerator} of "
                f"{self.before.denominator}) before: {self.change:+} points"
            )
        lines.extend(f"  {reason.message}" for reason in self.reasons)
        return "\n".join(lines)


@attrs.frozen
class ImprovementAction:
    """An action taken on a root cause of a finding, with an owner and a deadline.

    Attributes:
        action_id: the host's identifier of the action.
        finding: the :class:`~renewal_core.kpi.diagnosis.Finding` it answers; it must
            carry a tag of ``cause``.
        cause: the :class:`~renewal_core.kpi.diagnosis.CauseCategory` it addresses.
        description: what will be done, free text. It is left out of the ``repr``
            and of error messages, since free text may name people.
        owner: the host's identifier of the person or team responsible (an id such
            as ``"team-renewals-east"``, not a name). Since a name may be put there
            all the same, it is left out of the ``repr`` and of error messages.
        deadline: the day by which it is to be done; a ``datetime.date`` is
            converted, a datetime refused.
        status: the :class:`ActionStatus`, ``PLANNED`` when recorded.
        evaluation: the :class:`Evaluation` once ``EVALUATED``, else ``None``.
    """

    action_id: str = attrs.field(validator=_text())
    finding: Finding = attrs.field(validator=_instance_of(Finding), repr=False)
    cause: CauseCategory = attrs.field(validator=_member_of(CauseCategory))
    description: str = attrs.field(validator=_text(personal=True), repr=False)
    owner: str = attrs.field(validator=_text(personal=True), repr=False)
    deadline: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    status: ActionStatus = attrs.field(
        default=ActionStatus.PLANNED, kw_only=True, validator=_member_of(ActionStatus)
    )
    evaluation: Evaluation | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_instance_of(Evaluation))
    )

    def __attrs_post_init__(self) -> None:
        tagged = [tag.category for tag in self.finding.tags]
        if self.cause not in tagged:
            listed = ", ".join(category.name for category in tagged) or "none"
            _fail(
                self,
                "cause",
                f"the finding has no {self.cause.name} tag (its tags: {listed}); attach the "
                f"cause first with tag(finding, CauseCategory.{self.cause.name}, note)",
            )
        if (self.status is ActionStatus.EVALUATED) is not (self.evaluation is not None):
            _fail(
                self,
                "evaluation",
                "an EVALUATED action has an evaluation and no other status has one; "
                "use evaluate() to record it",
            )

    @property
    def indicator(self) -> str:
        """The name of the indicator the action targets (its finding's)."""
        return self.finding.name

    def overdue(self, as_of: dt.date) -> bool:
        """Whether the action is not done yet although its deadline is before ``as_of``.

        Raises:
            DateTypeError: ``as_of`` is not a day (a datetime is refused).
        """
        day = _to_date(as_of, "ImprovementAction.overdue(as_of)")
        open_ = self.status in {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS}
        return open_ and self.deadline < day


_EVENTS: Final = {
    ActionStatus.PLANNED: ("start", ActionStatus.IN_PROGRESS),
    ActionStatus.IN_PROGRESS: ("complete", ActionStatus.DONE),
    ActionStatus.DONE: ("evaluate", ActionStatus.EVALUATED),
}


def _step(action: object, event: str, function: str) -> ImprovementAction:
    """Check that ``action`` may take ``event`` (the step of ``function``); return it."""
    if not isinstance(action, ImprovementAction):
        _wrong_type(action, f"{function}(action)", "an ImprovementAction")
    allowed = _EVENTS.get(action.status)
    if allowed is None or allowed[0] != event:
        raise InvalidTransition(
            "improvement_action",
            action.action_id,
            action.status.value,
            event,
            () if allowed is None else (allowed[0],),
        )
    return action


def start_action(action: ImprovementAction) -> ImprovementAction:
    """Start a ``PLANNED`` action: the same action, ``IN_PROGRESS``.

    Raises:
        InvalidTransition: the action is not ``PLANNED``.
        ArgumentTypeError: ``action`` is not an :class:`ImprovementAction`.
    """
    return attrs.evolve(_step(action, "start", "start_action"), status=ActionStatus.IN_PROGRESS)


def complete_action(action: ImprovementAction) -> ImprovementAction:
    """Complete an action ``IN_PROGRESS``: the same action, ``DONE``.

    Raises:
        InvalidTransition: the action is not ``IN_PROGRESS``.
        ArgumentTypeError: ``action`` is not an :class:`ImprovementAction`.
    """
    return attrs.evolve(_step(action, "complete", "complete_action"), status=ActionStatus.DONE)


def evaluate(
    action: ImprovementAction,
    before: Indicator,
    after: Indicator,
    *,
    threshold: Decimal | int | str | None = None,
    significance: Decimal | str | None = None,
    min_sample: int | None = None,
) -> ImprovementAction:
    """Measure the effect of a ``DONE`` action; return it ``EVALUATED`` with the result.

    ``before`` and ``after`` are the targeted indicator (same name as the finding's)
    measured before the action and after it, such as the month the alarm was raised
    and the month after completion, or the same for the segment the action aimed at.
    The change is judged as :func:`~renewal_core.kpi.diagnosis.diagnose` judges one,
    with the finding's direction (``higher_is_better``) and, unless given here, its
    threshold, significance and minimum sample.

    Args:
        action: the action, ``DONE``.
        before: the indicator before the action, a rate of counts.
        after: the indicator after the action, a rate of counts; when both carry a
            ``period``, its period must start after the one of ``before`` ends.
        threshold: the change in points to exceed; the finding's by default.
        significance: the significance level; the finding's by default.
        min_sample: the fewest cases each period must count; the finding's by default.

    Returns:
        The action, ``EVALUATED``, whose ``evaluation`` holds the :class:`Evaluation`.

    Raises:
        InvalidTransition: the action is not ``DONE``.
        InvalidField: an indicator is not a rate of counts, is not the finding's
            indicator, the periods are not in order (``after`` starting after
            ``before`` ends), or a setting is out of range.
        ArgumentTypeError: an argument has the wrong type.
    """
    checked = _step(action, "evaluate", "evaluate")
    finding = checked.finding
    settings = _settings(
        "evaluate",
        finding.threshold if threshold is None else threshold,
        finding.significance if significance is None else significance,
        finding.min_sample if min_sample is None else min_sample,
        finding.higher_is_better,
    )
    counts = {}
    for field, indicator in (("before", before), ("after", after)):
        counts[field] = _counts(indicator, "evaluate", field)
        if indicator.name != finding.name:
            raise InvalidField(
                "evaluate",
                field,
                f"is {indicator.name!r}, where the action targets {finding.name!r}: measure "
                "the indicator of the finding",
            )
    _in_order(before, after, "evaluate", ("before", "after"))
    judgement = _judge(finding.name, counts["after"], counts["before"], settings, "evaluate")
    evaluation = Evaluation(
        verdict=_VERDICTS[judgement.status],
        change=judgement.change,
        test=judgement.test,
        before=before,
        after=after,
        reasons=judgement.reasons,
    )
    return attrs.evolve(checked, status=ActionStatus.EVALUATED, evaluation=evaluation)
