"""Satisfaction surveys (D3): questionnaires, responses, summaries and representativeness.

A survey asks customers about the product, the service and the price. This module
holds the four steps of one:

1. **Define** a :class:`Questionnaire`: a tuple of :class:`SurveyItem` values, each
   with an id, a :class:`Topic` (product, service, price or overall), a
   :class:`Scale` of whole-number answers and whether it must be answered. Two
   scales are presets: :meth:`Scale.nps` (0 to 10, "how likely are you to recommend
   us") and :meth:`Scale.csat` (1 to 5, "how satisfied are you").
2. **Check** each :class:`SurveyResponse` with :func:`validate_response`: a
   :class:`~renewal_core.reasons.Reason` for each required item not answered, each
   answer off its item's scale and each answer to an item the questionnaire does
   not have.
3. **Summarize** the valid responses with :func:`summarize_survey`, in one pass
   over any iterable: per item the count, the exact mean, the distribution over
   the scale and, for an NPS or CSAT item, its
   :class:`~renewal_core.kpi.indicator.Indicator` (through
   :func:`renewal_core.kpi.satisfaction.nps` and
   :func:`~renewal_core.kpi.satisfaction.csat`); per topic and overall a
   *satisfaction score* from 0 to 100 (see :class:`SurveySummary`).
4. **Check the sample** with :func:`check_representativeness`: are the
   respondents' segments spread as the book's are? A chi-square goodness-of-fit
   test and the largest gap between the shares answer together.

>>> questionnaire = Questionnaire(
...     "renewal-2025",
...     [
...         SurveyItem("recommend", Topic.OVERALL, Scale.nps()),
...         SurveyItem("service", Topic.SERVICE, Scale.csat()),
...         SurveyItem("price", Topic.PRICE, Scale.csat(), required=False),
...     ],
... )
>>> responses = [
...     SurveyResponse("R-1", "individual", {"recommend": 10, "service": 5, "price": 3}),
...     SurveyResponse("R-2", "individual", {"recommend": 6, "service": 4}),
...     SurveyResponse("R-3", "enterprise", {"recommend": 9, "service": 2, "price": 4}),
...     SurveyResponse("R-4", "enterprise", {"recommend": 12, "service": 5}),
... ]
>>> [reason.code for reason in validate_response(questionnaire, responses[3])]
['survey.out_of_scale']
>>> summary = summarize_survey(questionnaire, responses)
>>> summary.responses, summary.rejected
(3, 1)
>>> summary.item("recommend").indicator.value  # 2 promoters, 1 detractor of 3
Decimal('33.3333')
>>> summary.item("service").mean, summary.item("service").indicator.value
(Decimal('3.6667'), Decimal('66.6667'))

Answers are whole numbers; every figure is exact and then rounded once, half to
even, to :data:`~renewal_core.kpi.indicator.VALUE_PLACES` decimal places. Nothing here
reads personal data: a respondent is known by an id, a segment and a channel only.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _flag,
    _instance_of,
    _items,
    _member_of,
    _read_only,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.kpi.indicator import Indicator, Period, ratio_value
from renewal_core.kpi.satisfaction import csat, nps
from renewal_core.model import Channel
from renewal_core.reasons import Reason, Severity, _reason

__all__ = [
    "ItemSummary",
    "Questionnaire",
    "Representativeness",
    "Scale",
    "SegmentShare",
    "SurveyItem",
    "SurveyMetric",
    "SurveyResponse",
    "SurveySummary",
    "Topic",
    "TopicSummary",
    "check_representativeness",
    "summarize_survey",
    "validate_response",
]

_RULE: Final = "survey"
_SAMPLE_RULE: Final = "survey_sample"
_MAX_SCALE_POINTS: Final = 101  # 0 to 100 at most: a distribution has one entry per point
_MIN_EXPECTED: Final = 5  # the usual floor of expected counts for the chi-square test

# An item id: lower-case words of letters, digits and "_", each starting with a
# letter, joined by dots ("recommend", "service.speed"), at most 64 characters. Ids
# of this shape are shown in messages and reasons; nothing else of a response is.
_ITEM_ID: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")
_ITEM_ID_LENGTH: Final = 64


@enum.unique
class Topic(ShortReprEnum):
    """What a survey item asks about (D3: product, service and price).

    Attributes:
        PRODUCT: the product and its covers.
        SERVICE: the service: reminders, claims, staff, channels.
        PRICE: the price and its value for money.
        OVERALL: the relationship as a whole (satisfaction, likelihood to recommend).
    """

    PRODUCT = "product"
    SERVICE = "service"
    PRICE = "price"
    OVERALL = "overall"


@enum.unique
class SurveyMetric(ShortReprEnum):
    """A published satisfaction metric that a :class:`Scale` feeds.

    Attributes:
        NPS: the net promoter score, on the 0 to 10 scale
            (:func:`renewal_core.kpi.satisfaction.nps`).
        CSAT: customer satisfaction, on the 1 to 5 scale
            (:func:`renewal_core.kpi.satisfaction.csat`).
    """

    NPS = "nps"
    CSAT = "csat"


_METRIC_SCALES: Final = {SurveyMetric.NPS: (0, 10), SurveyMetric.CSAT: (1, 5)}


def _whole(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")


@attrs.frozen
class Scale:
    """The whole-number answers an item takes, from ``minimum`` to ``maximum``.

    Args:
        minimum: the lowest answer (an ``int``).
        maximum: the highest answer, above ``minimum``, at most 100 points above it.
        metric: the :class:`SurveyMetric` the answers feed, or ``None``. An NPS
            scale must be 0 to 10 and a CSAT scale 1 to 5; only items on such a
            scale get an NPS or CSAT indicator (a 0 to 10 item without the metric
            is a plain rating).

    Raises:
        InvalidField: a bound is not an ``int``, the bounds are in the wrong order
            or too far apart, or they do not fit the metric.

    >>> Scale.nps(), Scale(1, 7).points
    (Scale(minimum=0, maximum=10, metric=SurveyMetric.NPS), range(1, 8))
    >>> Scale(0, 5, metric=SurveyMetric.CSAT)
    Traceback (most recent call last):
    ...
    renewal_core.errors.InvalidField: Scale.metric: a CSAT scale runs from 1 to 5, not 0 to 5
    """

    minimum: int = attrs.field(validator=_whole)
    maximum: int = attrs.field(validator=_whole)
    metric: SurveyMetric | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_member_of(SurveyMetric))
    )

    def __attrs_post_init__(self) -> None:
        if self.maximum <= self.minimum:
            _fail(self, "maximum", f"must be above the minimum {self.minimum}, not {self.maximum}")
        if self.maximum - self.minimum >= _MAX_SCALE_POINTS:
            _fail(
                self,
                "maximum",
                f"{self.minimum} to {self.maximum} has more than {_MAX_SCALE_POINTS} points; "
                "use a scale of at most 101 points, such as 0 to 100",
            )
        if self.metric is not None and (self.minimum, self.maximum) != _METRIC_SCALES[self.metric]:
            low, high = _METRIC_SCALES[self.metric]
            _fail(
                self,
                "metric",
                f"a {self.metric.name} scale runs from {low} to {high}, not {self.minimum} to "
                f"{self.maximum}",
            )

    @classmethod
    def nps(cls) -> Scale:
        """The 0 to 10 scale of the net promoter score."""
        return cls(0, 10, metric=SurveyMetric.NPS)

    @classmethod
    def csat(cls) -> Scale:
        """The 1 to 5 scale of customer satisfaction."""
        return cls(1, 5, metric=SurveyMetric.CSAT)

    @property
    def points(self) -> range:
        """Every answer the scale takes, lowest first."""
        return range(self.minimum, self.maximum + 1)

    def contains(self, answer: int) -> bool:
        """Whether ``answer`` is on the scale (``minimum <= answer <= maximum``)."""
        return self.minimum <= answer <= self.maximum


def _item_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be a str, not {_type_name(value)}")
    if len(value) > _ITEM_ID_LENGTH or _ITEM_ID.fullmatch(value) is None:
        _fail(
            instance,
            attribute.name,
            "must be lower-case words of letters, digits and '_', each starting with a "
            "letter, joined by dots, of at most 64 characters, such as 'service.speed', "
            f"not {value[:_ITEM_ID_LENGTH]!r}",
        )


@attrs.frozen
class SurveyItem:
    """One question of a questionnaire.

    Args:
        item_id: the item's id: lower-case words of letters, digits and ``_``, each
            starting with a letter, joined by dots (``"service.speed"``), at most
            64 characters.
        topic: the :class:`Topic` it asks about.
        scale: the :class:`Scale` of its answers.
        required: whether every response must answer it (``True`` by default).
        question: the question's text, for people; may be empty.

    Raises:
        InvalidField: a field has the wrong type or ``item_id`` is badly formed.

    >>> SurveyItem("claims.speed", Topic.SERVICE, Scale.csat(), question="How fast was it?")
    SurveyItem(item_id='claims.speed', topic=Topic.SERVICE,
               scale=Scale(minimum=1, maximum=5, metric=SurveyMetric.CSAT), required=True,
               question='How fast was it?')
    """

    item_id: str = attrs.field(validator=_item_id)
    topic: Topic = attrs.field(validator=_member_of(Topic))
    scale: Scale = attrs.field(validator=_instance_of(Scale))
    required: bool = attrs.field(default=True, kw_only=True, validator=_flag)
    question: str = attrs.field(default="", kw_only=True, validator=_instance_of(str))


def _non_empty(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]
) -> None:
    if not value:
        _fail(instance, attribute.name, "must hold at least one item")


@attrs.frozen
class Questionnaire:
    """A survey's definition: a name and its items, in the order they are asked.

    Args:
        name: the questionnaire's name (``"renewal-2025"``).
        items: the :class:`SurveyItem` values, at least one, with distinct ids; a
            list or a tuple, stored as a tuple.

    Raises:
        InvalidField: ``name`` is empty, there are no items, an item is not a
            :class:`SurveyItem` or two items share an id.

    >>> questionnaire = Questionnaire("q", [SurveyItem("recommend", Topic.OVERALL, Scale.nps())])
    >>> questionnaire.item("recommend").topic
    Topic.OVERALL
    """

    name: str = attrs.field(validator=_text())
    items: tuple[SurveyItem, ...] = attrs.field(
        converter=_as_tuple,
        validator=[_items(SurveyItem, lambda item: item.item_id, "item id"), _non_empty],
    )

    def item(self, item_id: str) -> SurveyItem:
        """Return the item ``item_id``.

        Raises:
            InvalidField: the questionnaire has no such item.
        """
        for item in self.items:
            if item.item_id == item_id:
                return item
        known = ", ".join(repr(item.item_id) for item in self.items)
        raise InvalidField(
            "Questionnaire",
            "item(item_id)",
            f"no item {_shown_id(item_id)} in {self.name!r}; items: {known}",
        )


def _is_item_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= _ITEM_ID_LENGTH
        and _ITEM_ID.fullmatch(value) is not None
    )


def _shown_id(value: object) -> str:
    """How a message shows a looked-up item id: as it is when it has an id's shape.

    Anything else is described only, as it may be personal data in the wrong place.
    """
    if _is_item_id(value):
        return repr(value)
    if isinstance(value, str):
        return f"of {len(value)} characters"
    return f"of type {_type_name(value)}"


def _answers(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key, answer in value.items():
        if not _is_item_id(key):
            # A key of another shape is not shown: it may be personal data put in the
            # wrong place by a host's mapping.
            _fail(
                instance,
                attribute.name,
                "keys must be item ids (lower-case words of letters, digits and '_', each "
                "starting with a letter, joined by dots, at most 64 characters), not a key "
                f"{_shown_id(key)}",
            )
        if isinstance(answer, bool) or not isinstance(answer, int):
            _fail(
                instance,
                f"{attribute.name}[{key!r}]",
                f"must be an int, not {_type_name(answer)}; leave an unanswered item out",
            )


@attrs.frozen
class SurveyResponse:
    """One respondent's answers.

    Args:
        respondent_id: the host's id of the response or respondent; an opaque id,
            never a name, phone number or ID number.
        segment: the respondent's segment in the book (``"individual"``,
            ``"enterprise"``, a region, a tier), as :func:`check_representativeness`
            compares them.
        answers: the answers by item id, each an ``int``; an item not answered is
            left out. Copied into a read-only mapping.
        channel: the :class:`~renewal_core.model.Channel` the survey was answered
            through, or ``None``.

    Raises:
        InvalidField: a field has the wrong type, a key is not an item id, or an
            answer is not an ``int`` (a ``bool`` or a float is refused).

    >>> SurveyResponse("R-1", "individual", {"recommend": 9}, channel=Channel.SMS)
    SurveyResponse(respondent_id='R-1', segment='individual',
                   answers=mappingproxy({'recommend': 9}), channel=Channel.SMS)
    """

    respondent_id: str = attrs.field(validator=_text())
    segment: str = attrs.field(validator=_text())
    answers: Mapping[str, int] = attrs.field(converter=_read_only, validator=_answers)
    channel: Channel | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_member_of(Channel))
    )


def _check_type(value: object, kind: type[Any], parameter: str, expected: str) -> None:
    if not isinstance(value, kind):
        _wrong_type(value, parameter, expected)


def validate_response(
    questionnaire: Questionnaire, response: SurveyResponse
) -> tuple[Reason, ...]:
    """Check ``response`` against ``questionnaire``; no reasons means it is valid.

    The reasons come in the questionnaire's order, then the unknown items in the
    order of their ids. Each has severity ``BLOCK`` (the response cannot be counted
    as it is) and rule ``"survey"``:

    * ``survey.missing_answer``: a required item is not answered (details
      ``item``, ``topic``);
    * ``survey.out_of_scale``: an answer is off its item's scale (details ``item``,
      ``answer``, ``minimum``, ``maximum``);
    * ``survey.unknown_item``: an answer to an item the questionnaire does not have,
      as from another version of it (details ``item``).

    Args:
        questionnaire: the :class:`Questionnaire` answered.
        response: the :class:`SurveyResponse` to check.

    Returns:
        The reasons, empty for a valid response.

    Raises:
        ArgumentTypeError: an argument has the wrong type.

    >>> questionnaire = Questionnaire("q", [SurveyItem("service", Topic.SERVICE, Scale.csat())])
    >>> reasons = validate_response(questionnaire, SurveyResponse("R-9", "individual", {}))
    >>> reasons[0].code, reasons[0].message
    ('survey.missing_answer', "the required item 'service' is not answered")
    """
    _check_type(
        questionnaire, Questionnaire, "validate_response(questionnaire)", "a Questionnaire"
    )
    _check_type(response, SurveyResponse, "validate_response(response)", "a SurveyResponse")
    return _validate(questionnaire, _ids(questionnaire), response)


def _validate(
    questionnaire: Questionnaire, known: frozenset[str], response: SurveyResponse
) -> tuple[Reason, ...]:
    answers = response.answers
    reasons: list[Reason] = []
    for item in questionnaire.items:
        answer = answers.get(item.item_id)
        if answer is None:
            if item.required:
                reasons.append(
                    _reason(
                        "survey.missing_answer",
                        Severity.BLOCK,
                        _RULE,
                        f"the required item {item.item_id!r} is not answered",
                        {"item": item.item_id, "topic": item.topic},
                    )
                )
        elif not item.scale.contains(answer):
            scale = item.scale
            reasons.append(
                _reason(
                    "survey.out_of_scale",
                    Severity.BLOCK,
                    _RULE,
                    f"the answer {answer} to {item.item_id!r} is off its {scale.minimum} to "
                    f"{scale.maximum} scale",
                    {
                        "item": item.item_id,
                        "answer": answer,
                        "minimum": scale.minimum,
                        "maximum": scale.maximum,
                    },
                )
            )
    if any(key not in known for key in answers):
        reasons.extend(
            _reason(
                "survey.unknown_item",
                Severity.BLOCK,
                _RULE,
                f"{key!r} is not an item of {questionnaire.name!r}",
                {"item": key},
            )
            for key in sorted(answers)
            if key not in known
        )
    return tuple(reasons)


def _ids(questionnaire: Questionnaire) -> frozenset[str]:
    return frozenset(item.item_id for item in questionnaire.items)


# --------------------------------------------------------------------------- summaries


@attrs.frozen
class ItemSummary:
    """The answers to one item, over the valid responses.

    Attributes:
        item_id: the item's id.
        topic: the item's :class:`Topic`.
        scale: the item's :class:`Scale`.
        count: how many valid responses answered it.
        mean: the mean answer, exact and then rounded half to even to 4 places, or
            ``None`` without answers.
        score: the mean answer on a 0 to 100 scale, ``(mean - minimum) / (maximum -
            minimum) x 100``, rounded the same way, or ``None`` without answers.
        distribution: how many answers each point of the scale got, for every
            point, lowest first (zeros included).
        indicator: the NPS or CSAT :class:`~renewal_core.kpi.indicator.Indicator` of
            an item on such a scale (with the questionnaire's name and the item id
            as its filters), else ``None``.
    """

    item_id: str
    topic: Topic
    scale: Scale
    count: int
    mean: Decimal | None
    score: Decimal | None
    distribution: Mapping[int, int]
    indicator: Indicator | None


@attrs.frozen
class TopicSummary:
    """The answers to the items of one topic, over the valid responses.

    Attributes:
        topic: the :class:`Topic`.
        answers: how many answers the topic's items got together.
        score: the mean of those answers on a 0 to 100 scale (each answer placed on
            its own item's scale), or ``None`` without answers.
    """

    topic: Topic
    answers: int
    score: Decimal | None


@attrs.frozen
class SurveySummary:
    """The outcome of :func:`summarize_survey`.

    The *satisfaction score* of a topic, and overall, puts each answer on a 0 to
    100 scale, ``(answer - minimum) / (maximum - minimum) x 100`` of its item's
    scale, and takes the mean over all the answers (each answer weighs the same; an
    optional item not answered does not count). It is exact and then rounded half
    to even to 4 places.

    Attributes:
        questionnaire: the questionnaire's name.
        responses: how many valid responses were summarized.
        rejected: how many responses were left out because
            :func:`validate_response` found a reason.
        rejections: how many rejected responses had each reason code (a response
            with two codes counts under both).
        items: an :class:`ItemSummary` per item, in the questionnaire's order.
        topics: a :class:`TopicSummary` per topic the questionnaire asks about, in
            the order of :class:`Topic`.
        score: the overall satisfaction score, or ``None`` without answers.
        reasons: ``survey.rejected_responses`` (``REFER``: some responses were left
            out; details ``rejected`` and ``codes``) and ``survey.no_responses``
            (``REFER``: nothing to summarize), when they apply.
        period: the period given to :func:`summarize_survey`, or ``None``.
    """

    questionnaire: str
    responses: int
    rejected: int
    rejections: Mapping[str, int]
    items: tuple[ItemSummary, ...]
    topics: tuple[TopicSummary, ...]
    score: Decimal | None
    reasons: tuple[Reason, ...]
    period: Period | None

    def item(self, item_id: str) -> ItemSummary:
        """Return the summary of the item ``item_id``.

        Raises:
            InvalidField: the questionnaire has no such item.
        """
        for item in self.items:
            if item.item_id == item_id:
                return item
        known = ", ".join(repr(item.item_id) for item in self.items)
        raise InvalidField(
            "SurveySummary",
            "item(item_id)",
            f"no item {_shown_id(item_id)} in the summary; items: {known}",
        )

    def topic(self, topic: Topic) -> TopicSummary | None:
        """Return the summary of ``topic``, or ``None`` when no item asks about it."""
        for summary in self.topics:
            if summary.topic is topic:
                return summary
        return None


def _mean(total: int, count: int) -> Decimal | None:
    return ratio_value(total, count, 1) if count else None


def _fraction_value(exact: Fraction) -> Decimal:
    return ratio_value(exact.numerator, exact.denominator, 1)


def summarize_survey(
    questionnaire: Questionnaire,
    responses: Iterable[SurveyResponse],
    *,
    period: Period | None = None,
) -> SurveySummary:
    """Summarize the valid ``responses`` to ``questionnaire``, in one pass.

    Each response is checked with :func:`validate_response`; a response with any
    reason is left out as a whole and counted in ``rejected`` (check them yourself
    with :func:`validate_response` to see which). The result does not depend on the
    order of the responses.

    Args:
        questionnaire: the :class:`Questionnaire` answered.
        responses: the :class:`SurveyResponse` values: a list, a generator, a
            cursor.
        period: the period the responses were collected in, recorded on the summary
            and on the NPS and CSAT indicators (responses are not selected by it).

    Returns:
        A :class:`SurveySummary`.

    Raises:
        ArgumentTypeError: ``questionnaire`` is not a :class:`Questionnaire`,
            ``responses`` is not an iterable, an element of it is not a
            :class:`SurveyResponse`, or ``period`` is not a
            :class:`~renewal_core.kpi.indicator.Period`.

    >>> questionnaire = Questionnaire("q", [SurveyItem("service", Topic.SERVICE, Scale(1, 3))])
    >>> summary = summarize_survey(
    ...     questionnaire,
    ...     (SurveyResponse(f"R-{n}", "individual", {"service": n}) for n in (1, 2, 3, 3)),
    ... )
    >>> item = summary.item("service")
    >>> item.mean, item.score, dict(item.distribution), item.indicator
    (Decimal('2.2500'), Decimal('62.5000'), {1: 1, 2: 1, 3: 2}, None)
    """
    _check_type(questionnaire, Questionnaire, "summarize_survey(questionnaire)", "a Questionnaire")
    if period is not None:
        _check_type(period, Period, "summarize_survey(period)", "a Period or None")
    if isinstance(responses, str | bytes | Mapping) or not isinstance(responses, Iterable):
        _wrong_type(responses, "summarize_survey(responses)", "an iterable of SurveyResponse")
    items = questionnaire.items
    known = _ids(questionnaire)
    counts = [Counter[int]() for _ in items]
    rejections: Counter[str] = Counter()
    accepted = rejected = 0
    for index, response in enumerate(responses):
        if not isinstance(response, SurveyResponse):
            _wrong_type(response, f"summarize_survey(responses[{index}])", "a SurveyResponse")
        reasons = _validate(questionnaire, known, response)
        if reasons:
            rejected += 1
            rejections.update({reason.code for reason in reasons})
            continue
        accepted += 1
        answers = response.answers
        for item, tally in zip(items, counts, strict=True):
            answer = answers.get(item.item_id)
            if answer is not None:
                tally[answer] += 1
    summaries = tuple(
        _item_summary(questionnaire.name, item, tally, period)
        for item, tally in zip(items, counts, strict=True)
    )
    topics, overall = _topic_summaries(items, counts)
    return SurveySummary(
        questionnaire.name,
        accepted,
        rejected,
        MappingProxyType(dict(sorted(rejections.items()))),
        summaries,
        topics,
        overall,
        _summary_reasons(accepted, rejected, rejections),
        period,
    )


def _item_summary(
    name: str, item: SurveyItem, tally: Counter[int], period: Period | None
) -> ItemSummary:
    scale = item.scale
    count = sum(tally.values())
    total = sum(answer * times for answer, times in tally.items())
    score = _normalized(scale, tally)
    indicator: Indicator | None = None
    if scale.metric is not None:
        function = nps if scale.metric is SurveyMetric.NPS else csat
        indicator = function(
            (answer for answer in scale.points for _ in range(tally[answer])),
            period=period,
            filters={"questionnaire": name, "item": item.item_id},
        )
    return ItemSummary(
        item.item_id,
        item.topic,
        scale,
        count,
        _mean(total, count),
        None if score is None else _fraction_value(score),
        MappingProxyType({answer: tally[answer] for answer in scale.points}),
        indicator,
    )


def _normalized(scale: Scale, tally: Counter[int]) -> Fraction | None:
    """The exact mean answer on a 0 to 100 scale, or ``None`` without answers."""
    count = sum(tally.values())
    if not count:
        return None
    above = sum((answer - scale.minimum) * times for answer, times in tally.items())
    return Fraction(above * 100, (scale.maximum - scale.minimum) * count)


def _topic_summaries(
    items: tuple[SurveyItem, ...], counts: list[Counter[int]]
) -> tuple[tuple[TopicSummary, ...], Decimal | None]:
    # Each answer's 0-100 value, summed exactly per topic and overall.
    sums: dict[Topic, Fraction] = {}
    answers: dict[Topic, int] = {}
    for item, tally in zip(items, counts, strict=True):
        scale = item.scale
        width = scale.maximum - scale.minimum
        count = sum(tally.values())
        above = sum((answer - scale.minimum) * times for answer, times in tally.items())
        sums[item.topic] = sums.get(item.topic, Fraction(0)) + Fraction(above * 100, width)
        answers[item.topic] = answers.get(item.topic, 0) + count
    topics = tuple(
        TopicSummary(
            topic,
            answers[topic],
            _fraction_value(sums[topic] / answers[topic]) if answers[topic] else None,
        )
        for topic in Topic
        if topic in sums
    )
    total_answers = sum(answers.values())
    overall = (
        _fraction_value(sum(sums.values(), Fraction(0)) / total_answers) if total_answers else None
    )
    return topics, overall


def _summary_reasons(accepted: int, rejected: int, rejections: Counter[str]) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if rejected:
        codes = dict(sorted(rejections.items()))
        listed = ", ".join(f"{code} ({count})" for code, count in codes.items())
        reasons.append(
            _reason(
                "survey.rejected_responses",
                Severity.REFER,
                _RULE,
                f"{rejected} response(s) left out: {listed}; check them with validate_response",
                {"rejected": rejected, "codes": MappingProxyType(codes)},
            )
        )
    if not accepted:
        reasons.append(
            _reason(
                "survey.no_responses",
                Severity.REFER,
                _RULE,
                "no valid response to summarize",
                {"rejected": rejected},
            )
        )
    return tuple(reasons)


# --------------------------------------------------------------------------- representativeness


@attrs.frozen
class SegmentShare:
    """One segment of a representativeness check.

    Attributes:
        segment: the segment.
        sample_count: how many responses came from it.
        expected_count: how many would have, were the sample spread as the book
            (``sample size x book share``), rounded half to even to 4 places.
        sample_share: its share of the sample, in percent.
        book_share: its share of the book, in percent.
        difference: ``sample_share - book_share``, in percentage points (from the
            exact shares).
    """

    segment: str
    sample_count: int
    expected_count: Decimal
    sample_share: Decimal
    book_share: Decimal
    difference: Decimal


@attrs.frozen
class Representativeness:
    """The outcome of :func:`check_representativeness`.

    The sample is *representative* when it is not empty, no segment's share is
    more than ``tolerance`` percentage points from the book's, and the chi-square
    test does not find the spread different at the ``significance`` level.

    Attributes:
        sample_size: how many responses were compared.
        segments: a :class:`SegmentShare` per segment of the book, by segment.
        statistic: the chi-square statistic ``sum((observed - expected)**2 /
            expected)`` over the segments with a share of the book, exact and then
            rounded half to even to 4 places; ``None`` for an empty sample.
        degrees_of_freedom: the number of segments with a share of the book, less 1.
        p_value: the probability of a statistic at least as large were the sample
            drawn from the book, rounded to 4 places; ``None`` for an empty sample
            or a book of one segment (no test).
        max_difference: the largest absolute ``difference`` of a segment, in
            percentage points; ``None`` for an empty sample.
        tolerance: the largest difference allowed, in percentage points.
        significance: the level below which a p-value rejects the book's spread.
        representative: the verdict.
        reasons: why the sample is not representative, and notes on the test:
            ``survey.empty_sample`` (``REFER``), ``survey.share_off`` (``REFER``,
            one per segment beyond the tolerance, details ``segment``,
            ``sample_share``, ``book_share``, ``difference``, ``tolerance``),
            ``survey.spread_differs`` (``REFER``, details ``statistic``,
            ``degrees_of_freedom``, ``p_value``, ``significance``) and
            ``survey.small_expected_counts`` (``INFO``: an expected count below 5
            makes the chi-square test approximate; details ``segments``).
    """

    sample_size: int
    segments: tuple[SegmentShare, ...]
    statistic: Decimal | None
    degrees_of_freedom: int
    p_value: Decimal | None
    max_difference: Decimal | None
    tolerance: Decimal
    significance: Decimal
    representative: bool
    reasons: tuple[Reason, ...]


def _decimal_in(
    value: object, field: str, low: Decimal, high: Decimal, *, closed: bool
) -> Decimal:
    parameter = f"check_representativeness({field})"
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            _wrong_type(value, parameter, "a Decimal, an int or a decimal string")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        _wrong_type(value, parameter, "a Decimal, an int or a decimal string")
    number = Decimal(value)
    # A NaN does not compare (a signalling one raises), so finiteness is checked first.
    inside = number.is_finite() and (low < number <= high if closed else low < number < high)
    if not inside:
        bound = f"at most {high}" if closed else f"below {high}"
        raise InvalidField(
            "check_representativeness",
            field,
            f"must be above {low} and {bound}, not {value}",
        )
    return number


def _book_weights(book: object) -> dict[str, Fraction]:
    if not isinstance(book, Mapping):
        _wrong_type(book, "check_representativeness(book)", "a mapping of segment to count")
    weights: dict[str, Fraction] = {}
    for segment, weight in book.items():
        if not isinstance(segment, str):
            _wrong_type(segment, "check_representativeness(book) keys", "a str segment")
        if isinstance(weight, bool) or not isinstance(weight, int | Decimal):
            _wrong_type(
                weight, f"check_representativeness(book[{segment!r}])", "an int or a Decimal"
            )
        if (isinstance(weight, Decimal) and not weight.is_finite()) or weight < 0:
            raise InvalidField(
                "check_representativeness",
                f"book[{segment!r}]",
                f"must be a finite number of at least 0, not {weight}",
            )
        weights[segment] = Fraction(weight)
    if not any(weights.values()):
        raise InvalidField(
            "check_representativeness",
            "book",
            "has no segment with a count above 0; give each segment's count in the book",
        )
    return weights


def _sample_counts(sample: object) -> Counter[str]:
    counts: Counter[str] = Counter()
    if isinstance(sample, Mapping):
        for segment, count in sample.items():
            if not isinstance(segment, str):
                _wrong_type(segment, "check_representativeness(sample) keys", "a str segment")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise InvalidField(
                    "check_representativeness",
                    f"sample[{segment!r}]",
                    f"must be an int of at least 0, not {count!r}",
                )
            counts[segment] += count
        return counts
    if isinstance(sample, str | bytes) or not isinstance(sample, Iterable):
        _wrong_type(
            sample,
            "check_representativeness(sample)",
            "an iterable of SurveyResponse or a mapping of segment to count",
        )
    for index, response in enumerate(sample):
        if not isinstance(response, SurveyResponse):
            _wrong_type(response, f"check_representativeness(sample[{index}])", "a SurveyResponse")
        counts[response.segment] += 1
    return counts


def check_representativeness(
    sample: Iterable[SurveyResponse] | Mapping[str, int],
    book: Mapping[str, int | Decimal],
    *,
    tolerance: Decimal | int | str = Decimal(5),
    significance: Decimal | str = Decimal("0.05"),
) -> Representativeness:
    """Compare the segments of a survey sample with the book's (chi-square and share gaps).

    The book's shares come from its counts (or any non-negative weights) by
    segment. The chi-square goodness-of-fit statistic compares the sample's counts
    with the counts the book's shares would give, over the segments with a share of
    the book; its p-value is the chi-square distribution's upper tail with (number
    of those segments - 1) degrees of freedom, computed in closed form for whole
    degrees of freedom (the regularized upper incomplete gamma function of half
    the degrees of freedom: a finite sum of Poisson terms, with the complementary
    error function for odd degrees). The verdict is decided on the exact shares and
    the unrounded p-value; see :class:`Representativeness`.

    Args:
        sample: the responses (their ``segment`` counts), or the sample's counts by
            segment.
        book: the book's counts by segment: ``int`` or ``Decimal`` values of at
            least 0, at least one above 0.
        tolerance: the largest gap allowed between a segment's share of the sample
            and of the book, in percentage points (above 0, at most 100; 5 by
            default).
        significance: the test's level (between 0 and 1; 0.05 by default).

    Returns:
        A :class:`Representativeness`.

    Raises:
        ArgumentTypeError: an argument, a count or a key has the wrong type.
        InvalidField: a count is negative, the book is all zeros, ``tolerance`` or
            ``significance`` is out of range, or the sample has responses in a
            segment that has no share of the book (give the book's count for every
            segment the sample uses).

    Sixty responses from individuals and forty from enterprises, against a book of
    seven individuals to three enterprises: expected 70 and 30, a chi-square of
    ``100/70 + 100/30 = 4.7619`` with one degree of freedom (p = 0.0291), and a
    gap of 10 percentage points.

    >>> check = check_representativeness(
    ...     {"individual": 60, "enterprise": 40}, {"individual": 7000, "enterprise": 3000}
    ... )
    >>> check.statistic, check.degrees_of_freedom, check.p_value, check.max_difference
    (Decimal('4.7619'), 1, Decimal('0.0291'), Decimal('10.0000'))
    >>> check.representative, [reason.code for reason in check.reasons]
    (False, ['survey.share_off', 'survey.share_off', 'survey.spread_differs'])
    """
    limit = _decimal_in(tolerance, "tolerance", Decimal(0), Decimal(100), closed=True)
    level = _decimal_in(significance, "significance", Decimal(0), Decimal(1), closed=False)
    weights = _book_weights(book)
    counts = _sample_counts(sample)
    for segment, count in sorted(counts.items()):
        if count and not weights.get(segment):
            raise InvalidField(
                "check_representativeness",
                "book",
                f"the sample has {count} response(s) in the segment {segment!r}, which has no "
                "share of the book; give the book's count for every segment of the sample",
            )
    size = sum(counts.values())
    total_weight = sum(weights.values(), Fraction(0))
    segments: list[SegmentShare] = []
    differences: list[Fraction] = []
    statistic = Fraction(0)
    small: list[str] = []
    for segment in sorted(weights):
        share = weights[segment] / total_weight
        observed = counts.get(segment, 0)
        expected = share * size
        sample_share = Fraction(observed, size) if size else Fraction(0)
        difference = (sample_share - share) * 100
        differences.append(abs(difference))
        if size and share:
            statistic += (observed - expected) ** 2 / expected
            if expected < _MIN_EXPECTED:
                small.append(segment)
        segments.append(
            SegmentShare(
                segment,
                observed,
                _fraction_value(expected),
                _fraction_value(sample_share * 100),
                _fraction_value(share * 100),
                _fraction_value(difference),
            )
        )
    categories = sum(1 for weight in weights.values() if weight)
    freedom = categories - 1
    if not size:
        return Representativeness(
            0,
            tuple(segments),
            None,
            freedom,
            None,
            None,
            limit,
            level,
            representative=False,
            reasons=(
                _reason(
                    "survey.empty_sample",
                    Severity.REFER,
                    _SAMPLE_RULE,
                    "the sample has no responses",
                ),
            ),
        )
    p_value = _chi_square_sf(float(statistic), freedom) if freedom else None
    reasons = [
        _reason(
            "survey.share_off",
            Severity.REFER,
            _SAMPLE_RULE,
            f"the segment {share.segment!r} is {share.sample_share}% of the sample and "
            f"{share.book_share}% of the book, {abs(share.difference)} points apart, more "
            f"than the {limit} allowed",
            {
                "segment": share.segment,
                "sample_share": share.sample_share,
                "book_share": share.book_share,
                "difference": share.difference,
                "tolerance": limit,
            },
        )
        for share, gap in zip(segments, differences, strict=True)
        if gap > limit
    ]
    shown_statistic = _fraction_value(statistic)
    shown_p = None if p_value is None else _round_float(p_value)
    if p_value is not None and p_value < float(level):
        reasons.append(
            _reason(
                "survey.spread_differs",
                Severity.REFER,
                _SAMPLE_RULE,
                f"the sample's spread over the segments differs from the book's: chi-square "
                f"{shown_statistic} with {freedom} degree(s) of freedom, p = {shown_p}, below "
                f"the significance level {level}",
                {
                    "statistic": shown_statistic,
                    "degrees_of_freedom": freedom,
                    "p_value": shown_p,
                    "significance": level,
                },
            )
        )
    representative = not reasons
    if small:
        reasons.append(
            _reason(
                "survey.small_expected_counts",
                Severity.INFO,
                _SAMPLE_RULE,
                f"{len(small)} segment(s) expect fewer than {_MIN_EXPECTED} responses, so the "
                "chi-square test is approximate; merge small segments or survey more customers",
                {"segments": tuple(small)},
            )
        )
    return Representativeness(
        size,
        tuple(segments),
        shown_statistic,
        freedom,
        shown_p,
        _fraction_value(max(differences)),
        limit,
        level,
        representative=representative,
        reasons=tuple(reasons),
    )


def _round_float(value: float) -> Decimal:
    return _fraction_value(Fraction(value))


def _chi_square_sf(statistic: float, degrees_of_freedom: int) -> float:
    """The chi-square distribution's upper tail ``P(X >= statistic)``, whole degrees of freedom.

    That is the regularized upper incomplete gamma function ``Q(k/2, x/2)``, which
    for whole ``k`` has a closed form: for even ``k``, ``exp(-h) * sum(h**i / i!)``
    for ``i`` below ``k/2``, with ``h = x/2``; for odd ``k``, ``erfc(sqrt(h))`` plus
    ``exp(-h) * sum(h**(i + 1/2) / Gamma(i + 3/2))`` for ``i`` below ``(k-1)/2``.
    Each term is computed through its logarithm, so none overflows.
    """
    half = statistic / 2
    if half <= 0:  # a statistic of 0, or too small to halve
        return 1.0
    log_half = math.log(half)
    if degrees_of_freedom % 2 == 0:
        tail = math.fsum(
            math.exp(-half + i * log_half - math.lgamma(i + 1))
            for i in range(degrees_of_freedom // 2)
        )
    else:
        tail = math.erfc(math.sqrt(half)) + math.fsum(
            math.exp(-half + (i + 0.5) * log_half - math.lgamma(i + 1.5))
            for i in range((degrees_of_freedom - 1) // 2)
        )
    return min(tail, 1.0)
