"""Reasons: the findings every decision of the library carries.

An eligibility decision, a material review and a compliance check each answer with
a value that lists its :class:`Reason` objects in order, so a person can see *which*
condition was not met, *why*, and the values that were compared. A reason has

* a stable ``code``, lower-case dotted words such as ``"outside_window.too_early"``,
  that a host can map to its own texts or route on; codes never change meaning;
* a :class:`Severity`: ``BLOCK`` stops the renewal, ``REFER`` sends it to a person,
  ``INFO`` only informs;
* the name of the ``rule`` that found it;
* a human ``message`` in English, free of personal data;
* structured ``details``: the values compared, as plain values (numbers, ``Decimal``,
  :class:`~renewal_core.money.Money`, dates, strings, enum members), never personal
  data.

>>> from renewal_core.reasons import Reason, Severity
>>> reason = Reason(
...     "claims.frequency",
...     Severity.REFER,
...     "claim_history",
...     "4 claims in the last 36 months, more than the 3 allowed",
...     {"claims": 4, "maximum": 3, "months": 36},
... )
>>> reason.code, reason.severity
('claims.frequency', Severity.REFER)
>>> reason.details["claims"]
4
>>> Severity.BLOCK > Severity.REFER > Severity.INFO
True
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import _fail, _maker, _member_of, _read_only, _str_keys, _type_name

__all__ = ["Reason", "Severity", "worst_severity"]


@enum.unique
class Severity(ShortReprEnum):
    """How much a :class:`Reason` weighs; members compare by weight.

    Attributes:
        INFO: informs only (a replacement product to offer, a late reminder).
        REFER: a person must review the case before it goes on.
        BLOCK: the case cannot go on as it is.

    >>> max([Severity.INFO, Severity.BLOCK, Severity.REFER])
    Severity.BLOCK
    """

    INFO = "info"
    REFER = "refer"
    BLOCK = "block"

    @property
    def weight(self) -> int:
        """The rank of the severity (0 for ``INFO``, 1 for ``REFER``, 2 for ``BLOCK``)."""
        return _WEIGHTS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _WEIGHTS[self] < _WEIGHTS[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _WEIGHTS[self] <= _WEIGHTS[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _WEIGHTS[self] > _WEIGHTS[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return _WEIGHTS[self] >= _WEIGHTS[other]


_WEIGHTS: Final = {Severity.INFO: 0, Severity.REFER: 1, Severity.BLOCK: 2}

# Lower-case words of letters, digits and underscores, joined by dots.
_CODE: Final = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")


def _code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be a str, not {_type_name(value)}")
    if _CODE.fullmatch(value) is None:
        _fail(
            instance,
            attribute.name,
            f"must be lower-case words of letters, digits and '_' joined by dots, such "
            f"as 'outside_window.too_early', not {value[:60]!r}",
        )


def _non_empty_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be a str, not {_type_name(value)}")
    if not value.strip():
        _fail(instance, attribute.name, "must not be empty")


@attrs.frozen
class Reason:
    """One finding of a rule: what was found, how much it weighs, and the evidence.

    Args:
        code: a stable code, lower-case words of letters, digits and ``_`` joined by
            dots (``"status.cancelled"``).
        severity: a :class:`Severity`.
        rule: the name of the rule that found it.
        message: a sentence for people, without personal data.
        details: the values compared, keyed by name; copied into a read-only
            mapping. Reasons with details are compared by value but cannot be
            hashed when a detail cannot.

    Raises:
        InvalidField: a field has the wrong type, or ``code`` is badly formed.

    >>> Reason("flag.fraud", Severity.BLOCK, "flags", "a fraud flag is set").details
    mappingproxy({})
    """

    code: str = attrs.field(validator=_code)
    severity: Severity = attrs.field(validator=_member_of(Severity))
    rule: str = attrs.field(validator=_non_empty_text)
    message: str = attrs.field(validator=_non_empty_text)
    details: Mapping[str, object] = attrs.field(
        factory=dict, converter=_read_only, validator=_str_keys, hash=False
    )

    @property
    def blocks(self) -> bool:
        """Whether the reason has severity ``BLOCK``."""
        return self.severity is Severity.BLOCK


_NO_DETAILS: Final[Mapping[str, object]] = MappingProxyType({})
_new_reason: Final = _maker(Reason, "code", "severity", "rule", "message", "details")


def _reason(
    code: str,
    severity: Severity,
    rule: str,
    message: str,
    details: Mapping[str, object] | None = None,
) -> Reason:
    """Build a :class:`Reason` from values the library has checked, skipping the checks.

    For literal codes and rule names validated with their rule.
    """
    return _new_reason(
        code,
        severity,
        rule,
        message,
        _NO_DETAILS if details is None else MappingProxyType(dict(details)),
    )


def worst_severity(reasons: Iterable[Reason]) -> Severity | None:
    """Return the heaviest severity among ``reasons``, or ``None`` when there are none.

    >>> worst_severity([])
    >>> info = Reason("a", Severity.INFO, "r", "m")
    >>> worst_severity([info, Reason("b", Severity.REFER, "r", "m")])
    Severity.REFER
    """
    worst: Severity | None = None
    for reason in reasons:
        if worst is None or _WEIGHTS[reason.severity] > _WEIGHTS[worst]:
            worst = reason.severity
    return worst
