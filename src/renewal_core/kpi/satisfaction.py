"""Satisfaction indicators: the net promoter score and customer satisfaction (D3).

Both take a plain iterable of integer scores (a list, a generator, a database
cursor's column) and go through it once:

* :func:`nps`, the **net promoter score**, on the 0 to 10 scale of "how likely are
  you to recommend us": *promoters* score 9 or 10, *detractors* 0 to 6, *passives*
  7 or 8; the score is the percentage of promoters minus the percentage of
  detractors, from -100 to +100. Its interval is the normal approximation of a
  difference of two proportions of the same sample.
* :func:`csat`, **customer satisfaction**, on the 1 to 5 scale: the percentage of
  responses scoring 4 or 5, with a Wilson interval.

A score must be an ``int`` on the scale: a ``bool``, a float (even ``9.0``) or a
score off the scale is refused with the position of the bad score, never rounded
or skipped. No responses at all give an indicator with no data.

>>> nps([10, 9, 8, 6, 10]).value
Decimal('40.0000')
>>> csat([5, 4, 3, 1]).value
Decimal('50.0000')
>>> nps([]).no_data
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final

from renewal_core._fields import _type_name
from renewal_core.errors import ArgumentTypeError, InvalidField
from renewal_core.kpi._tally import Measure, Select, check_filters, check_period, register
from renewal_core.kpi.dimensions import ATTRIBUTES
from renewal_core.kpi.indicator import Indicator, IntervalMethod, Period, Unit, rate, ratio_value
from renewal_core.kpi.records import ScoreRecord

__all__ = [
    "CSAT_SCALE",
    "NPS_SCALE",
    "csat",
    "nps",
]

NPS_SCALE: Final = range(11)
"""The scores an NPS question takes, 0 to 10."""

CSAT_SCALE: Final = range(1, 6)
"""The scores a CSAT question takes, 1 to 5."""


class _ScoreMeasure(Measure[list[int]]):
    """Counts of each score on a scale; NPS and CSAT differ in how they finish."""

    __slots__ = ("scale",)

    dimensions: ClassVar = ATTRIBUTES

    def __init__(self, name: str, scale: range) -> None:
        super().__init__(name, ScoreRecord)
        self.scale = scale

    def start(self) -> list[int]:
        return [0] * self.scale.stop

    def add(self, state: list[int], record: Any) -> None:
        score: int = record.score
        if score not in self.scale:
            raise InvalidField(
                self.name,
                "records",
                f"a ScoreRecord scores {score}, off the {self.scale.start} to "
                f"{self.scale.stop - 1} scale",
            )
        state[score] += 1

    def combine(self, into: list[int], other: list[int]) -> None:
        for score, count in enumerate(other):
            into[score] += count

    def selector(self, period: Period) -> Select:
        start, end = period.start, period.end

        def selects(record: Any) -> bool:
            return bool(start <= record.answered_on <= end)

        return selects

    def finish(
        self, state: list[int], period: Period | None, filters: Mapping[str, object]
    ) -> Indicator:
        if self.name == "csat":
            return rate("csat", state[4] + state[5], sum(state), period=period, filters=filters)
        promoters = state[9] + state[10]
        passives = state[7] + state[8]
        responses = sum(state)
        detractors = responses - promoters - passives
        net = promoters - detractors
        return Indicator(
            "nps",
            ratio_value(net, responses) if responses else None,
            net,
            responses,
            unit=Unit.SCORE,
            method=IntervalMethod.NPS,
            period=period,
            filters=filters,
            details={"promoters": promoters, "passives": passives, "detractors": detractors},
        )


_NPS: Final = _ScoreMeasure("nps", NPS_SCALE)
_CSAT: Final = _ScoreMeasure("csat", CSAT_SCALE)


def _scored(
    scores: Iterable[int],
    measure: _ScoreMeasure,
    period: Period | None,
    filters: Mapping[str, object] | None,
) -> Indicator:
    function = measure.name
    if isinstance(scores, str | bytes | Mapping) or not isinstance(scores, Iterable):
        raise ArgumentTypeError(
            _type_name(scores), f"{function}(scores)", "an iterable of int scores"
        )
    check_period(period, f"{function}(period)")
    chosen = check_filters(filters, f"{function}(filters)", None)
    counts = measure.start()
    low, high = measure.scale.start, measure.scale.stop - 1
    for index, given in enumerate(scores):
        score = given
        if type(score) is not int:
            if isinstance(score, bool) or not isinstance(score, int):
                raise ArgumentTypeError(
                    _type_name(score),
                    f"{function}(scores[{index}])",
                    f"an int score from {low} to {high}",
                )
            score = int(score)  # an int subclass (an IntEnum member): its plain value
        if not low <= score <= high:
            raise InvalidField(
                function,
                f"scores[{index}]",
                f"{score} is off the {low} to {high} scale; correct or drop that response",
            )
        counts[score] += 1
    return measure.finish(counts, period, chosen)


def nps(
    scores: Iterable[int],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """The net promoter score of 0 to 10 scores: % promoters - % detractors.

    Promoters score 9 or 10, detractors 0 to 6; passives (7 and 8) count in the
    number of responses only. The value is ``(promoters - detractors) / responses *
    100``, exact and then rounded half to even to 4 places, from -100 to +100.
    ``numerator`` is ``promoters - detractors`` and ``denominator`` the number of
    responses, so that parts of a breakdown add up; ``details`` holds
    ``promoters``, ``passives`` and ``detractors``. The interval is
    :attr:`~renewal_core.kpi.indicator.IntervalMethod.NPS`.

    Args:
        scores: the scores, each an ``int`` from 0 to 10, in any order.
        period: the period the responses cover (recorded on the result, not used
            to select: the scores carry no day).
        filters: the filters the responses were selected by (recorded only).

    Returns:
        An :class:`~renewal_core.kpi.indicator.Indicator` named ``"nps"`` in
        :attr:`~renewal_core.kpi.indicator.Unit.SCORE`; no data without responses.

    Raises:
        ArgumentTypeError: ``scores`` is not an iterable, or a score is not an
            ``int`` (a ``bool`` or a float such as ``9.0`` is refused).
        InvalidField: a score is off the 0 to 10 scale.

    Two promoters, one passive and one detractor out of four: 50 % - 25 %.

    >>> score = nps([9, 10, 7, 3])
    >>> score.value, score.numerator, score.denominator
    (Decimal('25.0000'), 1, 4)
    >>> dict(score.details)
    {'promoters': 2, 'passives': 1, 'detractors': 1}
    >>> nps([10, 10, 9]).value
    Decimal('100.0000')
    >>> nps([11])
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: nps.scores[0]: 11 is off the 0 to 10 scale; ...
    """
    return _scored(scores, _NPS, period, filters)


def csat(
    scores: Iterable[int],
    *,
    period: Period | None = None,
    filters: Mapping[str, object] | None = None,
) -> Indicator:
    """Customer satisfaction of 1 to 5 scores: the percentage scoring 4 or 5.

    ``numerator`` is the number of responses scoring 4 or 5, ``denominator`` the
    number of responses; the interval is Wilson's.

    Args:
        scores: the scores, each an ``int`` from 1 to 5, in any order.
        period: the period the responses cover (recorded on the result only).
        filters: the filters the responses were selected by (recorded only).

    Returns:
        An :class:`~renewal_core.kpi.indicator.Indicator` named ``"csat"`` in
        :attr:`~renewal_core.kpi.indicator.Unit.PERCENT`; no data without responses.

    Raises:
        ArgumentTypeError: ``scores`` is not an iterable, or a score is not an
            ``int`` (a ``bool`` or a float is refused).
        InvalidField: a score is off the 1 to 5 scale (a 0 included).

    Five responses, three of them 4 or 5:

    >>> satisfied = csat([5, 4, 4, 3, 2])
    >>> satisfied.value, satisfied.numerator, satisfied.denominator
    (Decimal('60.0000'), 3, 5)
    >>> csat([0])
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: csat.scores[0]: 0 is off the 1 to 5 scale; ...
    """
    return _scored(scores, _CSAT, period, filters)


register(nps, lambda: _NPS)
register(csat, lambda: _CSAT)
