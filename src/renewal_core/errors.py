"""The errors ``renewal_core`` raises, and the fields they carry.

Every error the library raises on purpose derives from :class:`RenewalError`, so a
host can catch the whole family with one ``except``. Each subclass also derives from
the built-in exception a Python user would expect (``ValueError`` for a bad value,
``TypeError`` for a value of the wrong type, ``LookupError`` for an unknown code), so
generic handlers keep working.

Messages say what was wrong and how to fix it. Every error also carries the same
facts as attributes, so programs never have to parse a message. Personal data is
never put into a message or an attribute unmasked.

The tree::

    RenewalError
    ├── MoneyError
    │   ├── InvalidAmount            (ValueError)   amount is NaN, infinite or malformed
    │   ├── AmountTypeError          (TypeError)    amount or factor of an unsupported type
    │   ├── UnknownCurrency          (LookupError)  code not an ISO 4217 code known to CLDR
    │   ├── CurrencyMismatch         (ValueError)   two currencies met in one operation
    │   ├── InvalidRounding          (ValueError)   rounding mode or minor units not valid
    │   ├── MoneyDivisionByZero      (ZeroDivisionError)  an amount divided by zero
    │   └── AllocationError          (ValueError)   amount or ratios cannot be allocated
    ├── TimeError
    │   ├── NaiveDateTimeError       (ValueError)   a datetime without a time zone
    │   ├── DateTypeError            (TypeError)    wrong type for a day, instant or term argument
    │   ├── DateOutOfRange           (ValueError)   a result before year 1 or after year 9999
    │   ├── UnknownTimeZone          (LookupError)  not an IANA time zone name
    │   └── InvalidTerm              (ValueError)   start after end, cadence mismatch
    ├── InvalidField                 (ValueError)   a domain object field failed validation
    ├── ArgumentTypeError            (TypeError)    a function argument of the wrong type
    ├── RateLookupError              (LookupError)  no rate table version or rate for a risk
    ├── WorkflowError
    │   ├── InvalidWorkflow          (ValueError)   a workflow definition that cannot work
    │   ├── InvalidTransition        (ValueError)   an event the case's state does not allow
    │   └── TransitionRefused        (ValueError)   a guard, a role or four-eyes refused it
    ├── UnknownLocale                (LookupError)  a locale babel cannot parse
    └── SerializationError           (ValueError)   JSON that does not fit the target type

>>> from renewal_core import Money
>>> from renewal_core.errors import CurrencyMismatch
>>> try:
...     Money("1.00", "CNY") + Money("1.00", "USD")
... except CurrencyMismatch as error:
...     print(error.expected, error.actual)
CNY USD
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = [
    "AllocationError",
    "AmountTypeError",
    "ArgumentTypeError",
    "CurrencyMismatch",
    "DateOutOfRange",
    "DateTypeError",
    "InvalidAmount",
    "InvalidField",
    "InvalidRounding",
    "InvalidTerm",
    "InvalidTransition",
    "InvalidWorkflow",
    "MoneyDivisionByZero",
    "MoneyError",
    "NaiveDateTimeError",
    "RateLookupError",
    "RenewalError",
    "SerializationError",
    "TimeError",
    "TransitionRefused",
    "UnknownCurrency",
    "UnknownLocale",
    "UnknownTimeZone",
    "WorkflowError",
]


class RenewalError(Exception):
    """Root of every error raised on purpose by ``renewal_core``."""


def _shown(
    value: object,
    safe: re.Pattern[str],
    *,
    max_length: int = 40,
    known: Callable[[str], bool] | None = None,
) -> str:
    """How an error message may show a refused value without leaking personal data.

    A short string of a shape no personal datum has (``safe``), or one that
    ``known`` recognises as a near miss of a valid value (``"cny"`` for ``"CNY"``),
    is shown as its ``repr``. Any other string is described by its length only,
    since a host that maps the wrong column may have put a phone number, an ID
    number or a name there. Values of other types are described by their type.
    """
    if isinstance(value, str):
        text = str(value)
        if len(text) <= max_length and (
            safe.fullmatch(text) is not None or (known is not None and known(text))
        ):
            return repr(text)
        return f"a string of {len(text)} characters"
    return f"a value of type {type(value).__name__}"


# --------------------------------------------------------------------------- money


class MoneyError(RenewalError):
    """Root of the errors about amounts, currencies, rounding and allocation."""


class InvalidAmount(MoneyError, ValueError):
    """An amount or factor is NaN, infinite, out of range, or a malformed string.

    Attributes:
        given: the value as the message shows it (a long or unusual string is
            described, not shown, in case it is personal data).
        reason: what is wrong with it.
        expected: what to pass instead.
    """

    def __init__(
        self,
        given: str,
        reason: str,
        expected: str = "a Decimal, an int or a decimal string such as '1234.50'",
    ) -> None:
        self.given = given
        self.reason = reason
        self.expected = expected
        super().__init__(f"invalid amount {given}: {reason}; pass {expected}")


class AmountTypeError(MoneyError, TypeError):
    """An amount, factor or ratio has a type the operation does not accept.

    Floats are refused everywhere because they cannot hold most decimal fractions
    exactly; ``bool`` is refused because ``True`` is almost always a mistake.

    Attributes:
        given_type: name of the type that was passed.
        expected: what the operation accepts.
        operation: what was being done.
    """

    def __init__(self, given_type: str, expected: str, operation: str) -> None:
        self.given_type = given_type
        self.expected = expected
        self.operation = operation
        hint = ""
        if given_type == "float" and "Decimal" in expected:
            instead = (
                "Decimal('0.1') or the string '0.1'" if "string" in expected else "Decimal('0.1')"
            )
            hint = f" (floats are inexact; write {instead})"
        super().__init__(f"{operation} takes {expected}, not {given_type}{hint}")


class UnknownCurrency(MoneyError, LookupError):
    """A currency code is not an ISO 4217 code known to CLDR.

    Attributes:
        code: the code as the message shows it: its ``repr`` when it looks like a
            code, otherwise a description (it may be personal data in the wrong
            place).
    """

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"unknown currency {code}: use an upper-case ISO 4217 code known to CLDR, "
            "such as 'CNY', 'USD' or 'EUR'"
        )


class CurrencyMismatch(MoneyError, ValueError):
    """Two amounts in different currencies met in one operation.

    ``renewal_core`` never converts currencies; convert explicitly first.

    Attributes:
        expected: currency of the left-hand amount.
        actual: currency of the right-hand amount.
        operation: the operation that was refused.
    """

    def __init__(self, expected: str, actual: str, operation: str) -> None:
        self.expected = expected
        self.actual = actual
        self.operation = operation
        super().__init__(
            f"cannot {operation} {expected} and {actual} amounts: currencies never mix; "
            "convert one amount explicitly first"
        )


class InvalidRounding(MoneyError, ValueError):
    """A rounding mode or a minor-unit override is not valid.

    Attributes:
        given: ``repr`` of the value that was passed.
        reason: what is wrong with it.
    """

    def __init__(self, given: str, reason: str) -> None:
        self.given = given
        self.reason = reason
        super().__init__(f"invalid rounding setting {given}: {reason}")


class MoneyDivisionByZero(MoneyError, ZeroDivisionError):
    """An amount was divided by zero.

    Attributes:
        amount: ``str`` of the amount that was being divided.
    """

    def __init__(self, amount: str) -> None:
        self.amount = amount
        super().__init__(f"cannot divide {amount} by zero")


class AllocationError(MoneyError, ValueError):
    """An amount cannot be allocated as asked.

    Raised for an amount finer than its currency's minor unit (by ``allocate``,
    ``split`` and ``to_minor_units``), for no ratios, for ratios that are all zero,
    and for negative ratios.

    Attributes:
        reason: what is wrong.
        operation: the operation that was refused.
    """

    def __init__(self, reason: str, operation: str = "allocate") -> None:
        self.reason = reason
        self.operation = operation
        super().__init__(f"cannot {operation}: {reason}")


# --------------------------------------------------------------------------- time


class TimeError(RenewalError):
    """Root of the errors about dates, instants, time zones and policy terms."""


class NaiveDateTimeError(TimeError, ValueError):
    """A datetime without a time zone was given where an instant is needed.

    Attributes:
        given: ``repr`` of the value that was passed.
    """

    def __init__(self, given: str) -> None:
        self.given = given
        super().__init__(
            f"naive datetime {given} has no time zone; attach one, e.g. "
            "pendulum.datetime(2025, 1, 1, tz='Asia/Shanghai')"
        )


class DateTypeError(TimeError, TypeError):
    """A value of the wrong type was given to a day, instant or term operation.

    A ``datetime`` is refused where a day is expected: turn an instant into the
    policy's local day explicitly, with :func:`renewal_core.periods.local_day`.

    Attributes:
        given_type: name of the type that was passed.
        parameter: the parameter that received it.
        expected: what the parameter takes (``"a date"``, ``"a datetime"``).
    """

    def __init__(self, given_type: str, parameter: str, expected: str = "a date") -> None:
        self.given_type = given_type
        self.parameter = parameter
        self.expected = expected
        hint = ""
        if expected == "a date" and given_type in {"datetime", "DateTime"}:
            hint = "; convert an instant with local_day(instant, tz) first"
        super().__init__(f"{parameter} must be {expected}, not {given_type}{hint}")


class DateOutOfRange(TimeError, ValueError):
    """A date computation would leave the calendar's range (years 1 to 9999).

    Attributes:
        reason: what was being computed, and from which dates.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"date out of range: {reason}; check the dates and the term length")


class UnknownTimeZone(TimeError, LookupError):
    """A time zone is not a policy time zone: an IANA time zone database name.

    Attributes:
        given: the value as the message shows it (its ``repr`` when it looks like a
            zone name, otherwise a description: it may be personal data).
        hint: what to pass instead.
        field: the field of the domain object being built, when there is one.
    """

    def __init__(
        self,
        given: str,
        hint: str = "use an IANA name such as 'Asia/Shanghai' or 'Europe/Berlin'",
        *,
        field: str | None = None,
    ) -> None:
        self.given = given
        self.hint = hint
        self.field = field
        super().__init__(f"unknown time zone {given}: {hint}")


class InvalidTerm(TimeError, ValueError):
    """A policy term's days do not make a valid term.

    Attributes:
        reason: what is wrong.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid policy term: {reason}")


# --------------------------------------------------------------------------- model


class InvalidField(RenewalError, ValueError):
    """A field of a domain object failed validation.

    The message names the class and field; values that are personal data appear
    masked.

    Attributes:
        owner: name of the class being built.
        field: name of the field.
        reason: what is wrong, with any personal data masked.
    """

    def __init__(self, owner: str, field: str, reason: str) -> None:
        self.owner = owner
        self.field = field
        self.reason = reason
        super().__init__(f"{owner}.{field}: {reason}")


class ArgumentTypeError(RenewalError, TypeError):
    """A function was given an argument of a type it does not take.

    Nothing is converted silently: a validator of identity numbers takes a ``str``
    only, and refuses an ``int`` (which would have lost leading zeros), ``bytes`` or
    ``None`` alike.

    Attributes:
        given_type: name of the type that was passed.
        parameter: the function and parameter that received it, such as
            ``"check_resident_id(value)"``.
        expected: what the parameter takes (``"a str"``).
    """

    def __init__(self, given_type: str, parameter: str, expected: str) -> None:
        self.given_type = given_type
        self.parameter = parameter
        self.expected = expected
        hint = ""
        if given_type in {"bytes", "bytearray"} and expected == "a str":
            hint = "; decode it first"
        elif given_type == "int" and expected == "a str":
            hint = "; pass the text as the host stores it (an int loses leading zeros)"
        super().__init__(f"{parameter} takes {expected}, not {given_type}{hint}")


class RateLookupError(RenewalError, LookupError):
    """A rate table has no version in force on a day, or no rate for a key.

    The key is shown only when it looks like a code (an enum member, a number of at
    most 6 digits, or a short word of letters, digits, ``_``, ``.`` and ``-``
    starting with a letter): anything else is described by its length, since it may
    be personal data put in the wrong attribute.

    Attributes:
        table: the table's name, or ``None`` when a lone table version was asked.
        version: the version looked in, or ``None`` when no version was in force.
        on: the day whose version was asked for, as ``YYYY-MM-DD``.
        key: the key as the message shows it, or ``None`` for a version lookup.
        reason: what is missing and how to fix it.
    """

    def __init__(
        self, table: str | None, version: str | None, on: str, key: str | None, reason: str
    ) -> None:
        self.table = table
        self.version = version
        self.on = on
        self.key = key
        self.reason = reason
        if table is None:
            where = f"rate table version {version!r}"
        elif version is None:
            where = f"rate table {table!r}"
        else:
            where = f"rate table {table!r} {version}"
        super().__init__(f"{where} on {on}: {reason}")


# --------------------------------------------------------------------------- workflows


class WorkflowError(RenewalError):
    """Root of the errors of the workflows (:mod:`renewal_core.workflows.engine`)."""


class InvalidWorkflow(WorkflowError, ValueError):
    """A workflow definition that cannot work, found when it is defined.

    Attributes:
        workflow: the workflow's name.
        problem: what is wrong and how to fix it.
    """

    def __init__(self, workflow: str, problem: str) -> None:
        self.workflow = workflow
        self.problem = problem
        super().__init__(f"workflow {workflow!r}: {problem}")


class InvalidTransition(WorkflowError, ValueError):
    """An event that the case's current state does not allow.

    Attributes:
        workflow: the workflow's name.
        case_id: the case's identifier.
        state: the current state's value.
        event: the event fired.
        allowed: the events the state allows, in the order they were defined.
    """

    def __init__(
        self, workflow: str, case_id: str, state: str, event: str, allowed: Sequence[str]
    ) -> None:
        self.workflow = workflow
        self.case_id = case_id
        self.state = state
        self.event = event
        self.allowed = tuple(allowed)
        listed = ", ".join(repr(name) for name in self.allowed) or "none (a final state)"
        super().__init__(
            f"{workflow} case {case_id!r} is {state!r}, where event {event!r} is not "
            f"allowed; allowed events: {listed}"
        )


class TransitionRefused(WorkflowError, ValueError):
    """A transition refused by a guard, a required role or the four-eyes rule.

    Attributes:
        workflow: the workflow's name.
        case_id: the case's identifier.
        state: the current state's value.
        event: the event fired.
        reasons: the :class:`~renewal_core.reasons.Reason` of the refusal, in order.
    """

    def __init__(
        self, workflow: str, case_id: str, state: str, event: str, reasons: Sequence[object]
    ) -> None:
        self.workflow = workflow
        self.case_id = case_id
        self.state = state
        self.event = event
        self.reasons = tuple(reasons)
        messages = "; ".join(
            f"{getattr(reason, 'code', '?')}: {getattr(reason, 'message', reason)}"
            for reason in self.reasons
        )
        super().__init__(
            f"{workflow} case {case_id!r}: event {event!r} refused in state {state!r}: {messages}"
        )


class UnknownLocale(RenewalError, LookupError):
    """A locale identifier that babel cannot parse or does not know.

    Attributes:
        given: the identifier as the message shows it: its ``repr`` when it looks
            like a locale identifier, otherwise a description (it may be personal
            data in the wrong place).
        field: the field of the domain object being built, when there is one.
    """

    def __init__(self, given: str, *, field: str | None = None) -> None:
        self.given = given
        self.field = field
        super().__init__(
            f"unknown locale {given}: use a CLDR locale identifier such as 'zh_CN', "
            "'en_US' or 'de_DE'"
        )


# --------------------------------------------------------------------------- serialization


class SerializationError(RenewalError, ValueError):
    """JSON that does not fit the type it is read into.

    Attributes:
        target: name of the type being read.
        problems: one line per problem, each ending in the JSON path of the bad
            value (``@ $.premium.amount``).
    """

    def __init__(self, target: str, problems: Sequence[str]) -> None:
        self.target = target
        self.problems = tuple(problems)
        listing = "; ".join(self.problems)
        super().__init__(f"cannot read {target} from JSON: {listing}")
