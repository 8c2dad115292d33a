"""Internal audit and compliance checks (D4): checklists with standards, audit samples.

A :class:`ComplianceChecklist` checks cases of any kind (policies, renewal files,
approvals: whatever the host passes) against items with clear standards, for regular
self-checks and cross-checks, and summarises a batch in a :class:`ComplianceReport`
with exact pass rates. :func:`sample_for_audit` draws a reproducible audit sample,
stratified if asked (by :class:`~renewal_core.risk.RiskLevel`, say), the same for a
seed whatever the order of the cases and whatever the process.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Hashable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs

from renewal_core._fields import (
    _as_tuple,
    _callable,
    _fail,
    _is_plain_int,
    _items,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import InvalidField
from renewal_core.reasons import Reason, Severity, _code

__all__ = [
    "AuditSample",
    "AuditStratum",
    "ComplianceChecklist",
    "ComplianceItem",
    "ComplianceItemSummary",
    "ComplianceReport",
    "ComplianceResult",
    "sample_for_audit",
]

_T = TypeVar("_T")


def _not_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, tuple) and not value:
        _fail(instance, attribute.name, "must hold at least one item")


@attrs.frozen
class ComplianceItem(Generic[_T]):
    """One item of a compliance checklist (合规检查项): a clear standard and its check.

    Args:
        code: a stable code, lower-case words joined by dots
            (``"identity.verified"``); a failure is reported as a
            :class:`~renewal_core.reasons.Reason` with code ``compliance.<code>``.
        standard: the standard the item checks, for people, without personal data
            (``"The holder's identity was verified against an original document"``).
        check: called with a case; returns ``True`` when the case meets the
            standard, ``False`` when it does not, and ``None`` when the item does not
            apply to the case (it is then not counted as checked).

    Raises:
        InvalidField: a field has the wrong type or ``code`` is badly formed.
    """

    code: str = attrs.field(validator=_code)
    standard: str = attrs.field(validator=_text())
    check: Callable[[_T], bool | None] = attrs.field(validator=_callable)


@attrs.frozen
class ComplianceResult:
    """The outcome of checking one case against a :class:`ComplianceChecklist`.

    Attributes:
        checklist: the checklist's name.
        case_id: the case's id.
        passed: the codes of the items the case meets, in checklist order.
        failed: one :class:`~renewal_core.reasons.Reason` per item the case does not
            meet, in checklist order: code ``compliance.<item code>``, severity
            ``REFER``, the checklist's name as rule, the standard in the message, and
            details ``item`` and ``case_id``.
        not_applicable: the codes of the items that do not apply to the case.
    """

    checklist: str
    case_id: str
    passed: tuple[str, ...]
    failed: tuple[Reason, ...]
    not_applicable: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the case meets every item that applies to it."""
        return not self.failed


@attrs.frozen
class ComplianceItemSummary:
    """How one item of a checklist fared over a batch of cases.

    Attributes:
        code: the item's code.
        standard: the item's standard.
        checked: the cases the item applied to.
        failed: the cases that did not meet it.
        failing_case_ids: the ids of those cases, in batch order.
    """

    code: str
    standard: str
    checked: int
    failed: int
    failing_case_ids: tuple[str, ...]

    @property
    def pass_rate(self) -> Fraction | None:
        """The exact share of checked cases that met the item; ``None`` if none was checked."""
        return None if not self.checked else Fraction(self.checked - self.failed, self.checked)


@attrs.frozen
class ComplianceReport:
    """The outcome of checking a batch of cases: per case, per item, and overall.

    Attributes:
        checklist: the checklist's name.
        results: a :class:`ComplianceResult` per case, in batch order.
        items: a :class:`ComplianceItemSummary` per item, in checklist order.
    """

    checklist: str
    results: tuple[ComplianceResult, ...]
    items: tuple[ComplianceItemSummary, ...]

    @property
    def cases(self) -> int:
        """The number of cases checked."""
        return len(self.results)

    @property
    def passed_cases(self) -> int:
        """The number of cases that met every item that applied to them."""
        return sum(1 for result in self.results if not result.failed)

    @property
    def pass_rate(self) -> Fraction | None:
        """The exact share of cases that met every item; ``None`` for an empty batch."""
        return None if not self.results else Fraction(self.passed_cases, len(self.results))

    @property
    def failing_case_ids(self) -> tuple[str, ...]:
        """The ids of the cases that failed an item, in batch order."""
        return tuple(result.case_id for result in self.results if result.failed)


@attrs.frozen
class ComplianceChecklist(Generic[_T]):
    """A compliance checklist (合规检查清单) for cases of any kind.

    Use one for regular self-checks of a team's own cases and for cross-checks of
    another team's, and draw the cases with :func:`sample_for_audit`.

    Args:
        name: the checklist's name, for people and as the rule of its reasons.
        items: the :class:`ComplianceItem` objects, at least one, with distinct
            codes; a list or a tuple, stored as a tuple.
        case_id: returns a case's id (a policy or case number, never personal
            data), a non-empty ``str``.

    Raises:
        InvalidField: a field has the wrong type, there are no items, or two items
            share a code.

    >>> checklist = ComplianceChecklist(
    ...     "renewal file check",
    ...     [
    ...         ComplianceItem("identity.verified", "Identity verified against an original "
    ...                        "document", lambda case: case["id_checked"]),
    ...         ComplianceItem("approval.separated", "Approver is not the preparer",
    ...                        lambda case: case["approver"] != case["preparer"]),
    ...     ],
    ...     case_id=lambda case: case["number"],
    ... )
    >>> case = {"number": "P-1", "id_checked": True, "approver": "u7", "preparer": "u7"}
    >>> result = checklist.evaluate(case)
    >>> result.passed, [reason.code for reason in result.failed]
    (('identity.verified',), ['compliance.approval.separated'])
    """

    name: str = attrs.field(validator=_text())
    items: tuple[ComplianceItem[_T], ...] = attrs.field(
        converter=_as_tuple,
        validator=[_items(ComplianceItem, lambda item: item.code, "item code"), _not_empty],
    )
    case_id: Callable[[_T], str] = attrs.field(kw_only=True, validator=_callable)

    def _id_of(self, case: _T) -> str:
        case_id: object = self.case_id(case)
        if not isinstance(case_id, str) or not case_id:
            raise InvalidField(
                "ComplianceChecklist",
                "case_id",
                f"must return a non-empty str for every case, not {_type_name(case_id)}"
                + (" ''" if isinstance(case_id, str) else ""),
            )
        return case_id

    def evaluate(self, case: _T) -> ComplianceResult:
        """Check one case against every item.

        Raises:
            InvalidField: an item's check returned something else than ``True``,
                ``False`` or ``None``, or ``case_id`` returned something else than a
                non-empty ``str``.
        """
        case_id = self._id_of(case)
        passed: list[str] = []
        failed: list[Reason] = []
        not_applicable: list[str] = []
        for item in self.items:
            outcome = item.check(case)
            if outcome is True:
                passed.append(item.code)
            elif outcome is False:
                failed.append(
                    Reason(
                        f"compliance.{item.code}",
                        Severity.REFER,
                        self.name,
                        f"does not meet {item.code}: {item.standard}",
                        {"item": item.code, "case_id": case_id},
                    )
                )
            elif outcome is None:
                not_applicable.append(item.code)
            else:
                raise InvalidField(
                    "ComplianceItem",
                    "check",
                    f"the check of {item.code!r} returned {_type_name(outcome)}; return "
                    "True when the case meets the standard, False when it does not and None "
                    "when the item does not apply",
                )
        return ComplianceResult(
            self.name, case_id, tuple(passed), tuple(failed), tuple(not_applicable)
        )

    def evaluate_all(self, cases: Iterable[_T]) -> ComplianceReport:
        """Check a batch of cases and summarise it per item.

        Raises:
            ArgumentTypeError: ``cases`` is not iterable.
            InvalidField: as :meth:`evaluate`, or two cases share an id.
        """
        if not isinstance(cases, Iterable):
            _wrong_type(cases, "ComplianceChecklist.evaluate_all(cases)", "an iterable of cases")
        results: list[ComplianceResult] = []
        seen: dict[str, int] = {}
        for index, case in enumerate(cases):
            result = self.evaluate(case)
            first = seen.setdefault(result.case_id, index)
            if first != index:
                raise InvalidField(
                    "ComplianceChecklist",
                    "case_id",
                    f"returned the same id for the cases at positions {first} and {index} "
                    "of the batch; a case id must identify one case",
                )
            results.append(result)
        summaries = []
        for item in self.items:
            reason_code = f"compliance.{item.code}"
            checked = 0
            failing: list[str] = []
            for result in results:
                if item.code in result.not_applicable:
                    continue
                checked += 1
                if any(reason.code == reason_code for reason in result.failed):
                    failing.append(result.case_id)
            summaries.append(
                ComplianceItemSummary(
                    item.code, item.standard, checked, len(failing), tuple(failing)
                )
            )
        return ComplianceReport(self.name, tuple(results), tuple(summaries))


# --------------------------------------------------------------------------- audit sampling


@attrs.frozen
class AuditStratum:
    """The counts of one stratum of an :class:`AuditSample`.

    Attributes:
        stratum: the stratum (a :class:`~renewal_core.risk.RiskLevel`, say), or ``None`` for an
            unstratified sample.
        population: the cases of the stratum.
        sampled: the cases drawn from it.
    """

    stratum: Hashable
    population: int
    sampled: int


@attrs.frozen
class AuditSample(Generic[_T]):
    """A reproducible audit sample drawn by :func:`sample_for_audit`.

    Attributes:
        cases: the cases drawn, in key order; left out of the ``repr``, since cases
            may hold personal data (the keys are shown).
        keys: their keys, in the same order.
        strata: an :class:`AuditStratum` per stratum (a single one keyed ``None``
            when the sample is not stratified), strata sorted when they can be
            compared and otherwise in the order of their first case by key.
        rate: the sampling rate.
        seed: the seed.
    """

    cases: tuple[_T, ...] = attrs.field(repr=False)
    keys: tuple[str, ...]
    strata: Mapping[Hashable, AuditStratum] = attrs.field(hash=False)
    rate: Decimal | Fraction
    seed: int | str

    @property
    def population(self) -> int:
        """The number of cases sampled from."""
        return sum(stratum.population for stratum in self.strata.values())


def _sampling_rate(rate: object) -> Fraction:
    if isinstance(rate, bool) or not isinstance(rate, Decimal | Fraction | int):
        expected = "a Decimal or a Fraction"
        if not isinstance(rate, float):
            expected += ", such as Decimal('0.1')"
        _wrong_type(rate, "sample_for_audit(rate)", expected)
    if isinstance(rate, Decimal) and not rate.is_finite():
        raise InvalidField("sample_for_audit", "rate", f"must be a finite number, not {rate}")
    exact = Fraction(rate)
    if not 0 < exact <= 1:
        raise InvalidField(
            "sample_for_audit", "rate", f"must be more than 0 and at most 1, not {rate}"
        )
    return exact


def _stratum_random(seed: int | str, stratum: Hashable) -> random.Random:
    """A generator seeded from the seed and the stratum's ``repr``, never from ``hash``."""
    text = f"{type(seed).__name__}:{seed}\x1f{stratum!r}"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest, "big"))  # noqa: S311 - sampling, not security


def _by_key(cases: Iterable[_T], key: Callable[[_T], str]) -> list[tuple[str, _T]]:
    """The cases with their keys, sorted by key; keys must be distinct ``str``."""
    if not isinstance(cases, Iterable):
        _wrong_type(cases, "sample_for_audit(cases)", "an iterable of cases")
    keyed: list[tuple[str, _T]] = []
    positions: dict[str, int] = {}
    for index, case in enumerate(cases):
        case_key: object = key(case)
        if not isinstance(case_key, str):
            raise InvalidField(
                "sample_for_audit", "key", f"must return a str, not {_type_name(case_key)}"
            )
        first = positions.setdefault(case_key, index)
        if first != index:
            raise InvalidField(
                "sample_for_audit",
                "key",
                f"returned the same key for the cases at positions {first} and {index}; a "
                "key must identify one case",
            )
        keyed.append((case_key, case))
    keyed.sort(key=lambda pair: pair[0])
    return keyed


def _strata(
    keyed: list[tuple[str, _T]], stratify_by: Callable[[_T], Hashable] | None
) -> dict[Hashable, list[tuple[str, _T]]]:
    """The keyed cases by stratum (key order within each), strata sorted when they compare."""
    groups: dict[Hashable, list[tuple[str, _T]]] = {}
    for case_key, case in keyed:
        stratum = None if stratify_by is None else stratify_by(case)
        try:
            groups.setdefault(stratum, []).append((case_key, case))
        except TypeError:
            raise InvalidField(
                "sample_for_audit",
                "stratify_by",
                f"must return a hashable value, not {_type_name(stratum)}",
            ) from None
    order: list[Any] = list(groups)
    try:
        order.sort()
    except TypeError:
        return groups  # strata that do not compare keep the order of their first case
    return {stratum: groups[stratum] for stratum in order}


def sample_for_audit(
    cases: Iterable[_T],
    rate: Decimal | Fraction,
    seed: int | str,
    *,
    key: Callable[[_T], str],
    stratify_by: Callable[[_T], Hashable] | None = None,
    minimum_per_stratum: int = 1,
) -> AuditSample[_T]:
    """Draw a reproducible audit sample (审计抽样), optionally stratified.

    The cases are sorted by ``key`` first, so the sample does not depend on the
    order they come in. Each stratum (all cases, without ``stratify_by``) gives
    ``ceil(rate x n)`` of its ``n`` cases, at least ``minimum_per_stratum`` and at
    most ``n``, drawn with ``random.Random`` seeded from a SHA-256 digest of
    ``seed`` and the stratum's ``repr``: the same cases, rate and seed give the same
    sample in every process and on every Python version whose ``random.sample``
    draws alike, whatever ``PYTHONHASHSEED`` says. Use strata with a stable
    ``repr``: enum members (such as :class:`~renewal_core.risk.RiskLevel`), strings, numbers, or
    tuples of them.

    Args:
        cases: the population, any iterable.
        rate: the share to draw, a :class:`~decimal.Decimal` or a
            ``Fraction``, more than 0 and at most 1.
        seed: an ``int`` or a ``str``; record it to repeat the draw.
        key: returns a case's stable id, a ``str`` (a policy number); ids must be
            distinct.
        stratify_by: returns a case's stratum, any hashable value; ``None`` draws
            from all cases at once.
        minimum_per_stratum: the least number of cases drawn from a stratum (when
            it has that many), an ``int`` of at least 0.

    Returns:
        An :class:`AuditSample`.

    Raises:
        ArgumentTypeError: an argument has the wrong type.
        InvalidField: ``rate`` or ``minimum_per_stratum`` is out of range, ``key``
            returned something else than a ``str``, two cases share a key, or
            ``stratify_by`` returned an unhashable value.

    >>> from decimal import Decimal
    >>> numbers = [f"P-{n:03}" for n in range(1, 21)]
    >>> sample = sample_for_audit(numbers, Decimal("0.1"), "2025-Q1", key=str)
    >>> len(sample.cases), sample.strata[None]
    (2, AuditStratum(stratum=None, population=20, sampled=2))
    >>> sample == sample_for_audit(reversed(numbers), Decimal("0.1"), "2025-Q1", key=str)
    True
    """
    fraction = _sampling_rate(rate)
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        _wrong_type(seed, "sample_for_audit(seed)", "an int or a str")
    if not callable(key):
        _wrong_type(key, "sample_for_audit(key)", "a function")
    if stratify_by is not None and not callable(stratify_by):
        _wrong_type(stratify_by, "sample_for_audit(stratify_by)", "a function or None")
    if not _is_plain_int(minimum_per_stratum):
        _wrong_type(minimum_per_stratum, "sample_for_audit(minimum_per_stratum)", "an int")
    if minimum_per_stratum < 0:
        raise InvalidField(
            "sample_for_audit",
            "minimum_per_stratum",
            f"must be at least 0, not {minimum_per_stratum}",
        )
    keyed = _by_key(cases, key)
    groups = _strata(keyed, stratify_by)
    chosen: set[str] = set()
    strata: dict[Hashable, AuditStratum] = {}
    for stratum, members in groups.items():
        size = len(members)
        wanted = -(-fraction.numerator * size // fraction.denominator)  # ceil(rate x n)
        count = min(size, max(minimum_per_stratum, wanted))
        for index in _stratum_random(seed, stratum).sample(range(size), count):
            chosen.add(members[index][0])
        strata[stratum] = AuditStratum(stratum, size, count)
    picked = [(case_key, case) for case_key, case in keyed if case_key in chosen]
    return AuditSample(
        tuple(case for _, case in picked),
        tuple(case_key for case_key, _ in picked),
        MappingProxyType(strata),
        rate,
        seed,
    )
