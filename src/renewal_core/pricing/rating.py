"""Rating plans, effective-dated rate tables and explained quotes (D2.4, D2.5).

A :class:`RatingPlan` is data: a base (a rate times the sum insured, or a base
premium from a table), an ordered list of :class:`Factor`, fees and taxes
(:class:`Charge`), an optional :class:`RateCap` on the change from the expiring
premium, a minimum premium, how a term shorter than a year is priced, and the
rounding: its mode and the step where it happens (:class:`RoundAt`). Every table is
a :class:`RateTable` of effective-dated :class:`TableVersion`; a quote uses, for
every table, the version in force on the new term's start day (or on a day given
as ``rates_on``), and a day outside every version fails with
:class:`~renewal_core.errors.RateLookupError`.

:func:`quote` rates a :class:`RatedRisk` (or a
:class:`~renewal_core.model.Policy`, through :meth:`RatedRisk.of`) and returns a
:class:`Quote` whose ``breakdown`` lists every step in order, with the table and
version it came from, the inputs, the coefficient and the running amount, so a
reviewer can recompute it by hand. :func:`verify_quote` recomputes a quote later and
says whether it still holds.

The steps, in order:

1. **Base**: the sum insured times the rate from the base table
   (:class:`SumInsuredRate`), or the base premium from the table
   (:class:`BasePremium`).
2. **Factors**, in the plan's order: the running amount times each coefficient.
3. **Cap** (when the plan has one and the risk an expiring premium above zero): the
   amount is held between ``expiring * (1 - max_decrease%)`` and
   ``expiring * (1 + max_increase%)``. The cap compares annual premiums, before the
   short-term step.
4. **Short term** (a term shorter than a year): the amount times ``days / days in
   the year from the start`` (daily pro-rata), or times the short-rate table's
   percentage (``short_term=``, months counted from the start, a part month as a
   whole one, or days). The year from the start runs to the same day a year on,
   excluded (to 1 March after a 29 February), so it has 365 or 366 days. A term of a
   12-month renewal cadence (``PolicyTerm.annual``) is always a whole year; a term
   longer than a year is refused (quote each year separately).
5. **Rounding** to the minor unit, with the plan's mode.
6. **Minimum**: the premium is at least the plan's minimum premium.
7. **Fees**, each a percentage of the premium or an amount; then **taxes**, each a
   percentage of the premium plus the fees, or an amount. Each is rounded to the
   minor unit with the plan's mode.

Rounding happens where :class:`RoundAt` says: with ``RoundAt.PREMIUM`` (the
default) the amounts of steps 1 to 4 are exact and the premium is rounded once, at
the short-term step when there is one (a quotient is rarely a whole number of minor
units) and at step 5 otherwise; with ``RoundAt.EACH_STEP`` every step of 1 to 4
rounds its running amount, and step 5 changes nothing. Either way the line of each
step says whether it rounded.

A quote is valid from its ``as_of`` day through ``as_of + validity_days - 1``.
:func:`verify_quote` answers with reasons whose codes are:

* ``quote.expired`` -- the day of the check is after ``valid_until``;
* ``quote.inputs_changed`` -- the risk's attributes, sum insured or expiring
  premium, or the term, differ from the quote's;
* ``quote.plan_changed`` -- the plan's steps, charges, cap, minimum or rounding
  differ;
* ``quote.tables_changed`` -- a table's version in force on ``rates_on``, or its
  rates, differ;
* ``quote.rates_unavailable`` -- the risk can no longer be rated (a table has no
  version or no rate for it);
* ``quote.premium_changed`` -- the recomputed total differs.

>>> import pendulum
>>> from decimal import Decimal
>>> from renewal_core.money import Money
>>> from renewal_core.periods import PolicyTerm
>>> on = pendulum.date(2025, 1, 1)
>>> base = RateTable("base", [TableVersion("2025", on, {(): Decimal("0.012")})])
>>> ncd = RateTable(
...     "ncd", [TableVersion("2015", on, {"claim_free_1": Decimal("0.85"), "new": 1})])
>>> plan = RatingPlan(
...     "auto", "CNY", SumInsuredRate(base), factors=[Factor("ncd", ncd, "ncd")])
>>> risk = RatedRisk({"ncd": "claim_free_1"}, sum_insured=Money("198765", "CNY"))
>>> term = PolicyTerm.annual(pendulum.date(2025, 3, 1), "Asia/Shanghai")
>>> result = quote(risk, plan, term=term, as_of=pendulum.date(2025, 2, 10))
>>> result.total
Money('2027.40', 'CNY')
>>> for line in result.breakdown:
...     print(line.step.value, line.name, line.coefficient, line.amount)
base base 0.012 2385.18 CNY
factor ncd 0.85 2027.403 CNY
rounding rounding None 2027.40 CNY
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import enum
import json
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, NoReturn, TypeAlias, cast

import attrs
import pendulum

from renewal_core._digests import _canonical, _digest
from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_day,
    _as_tuple,
    _day,
    _fail,
    _flag,
    _instance_of,
    _maker,
    _member_of,
    _money,
    _read_only,
    _text,
    _type_name,
    _wrong_type,
)
from renewal_core.errors import (
    CurrencyMismatch,
    DateOutOfRange,
    InvalidField,
    InvalidTerm,
    RateLookupError,
)
from renewal_core.model import Policy
from renewal_core.money import (
    _QUANTIZE,
    _UNITS,
    Money,
    _add,
    _from_units,
    _make,
    _multiply,
    _subtract,
)
from renewal_core.periods import PolicyTerm, _day_after, _to_date
from renewal_core.pricing.refunds import (
    ShortRateTable,
    ShortRateUnit,
    _check_rounding,
    _decimals,
    _months_used,
    _percent,
    _percent_ratio,
    _round_ratio,
)
from renewal_core.reasons import Reason, Severity, _reason

__all__ = [
    "BasePremium",
    "Charge",
    "Factor",
    "Quote",
    "QuoteLine",
    "QuoteStep",
    "QuoteVerification",
    "RateCap",
    "RateKey",
    "RateKeyPart",
    "RateTable",
    "RateValue",
    "RatedRisk",
    "RatingPlan",
    "RoundAt",
    "SumInsuredRate",
    "TableVersion",
    "quote",
    "verify_quote",
]

RateKeyPart: TypeAlias = str | int | bool | Decimal | enum.Enum
"""A value a rate table can be keyed by (a str, an int, a bool, a Decimal or an enum member)."""

RateKey: TypeAlias = RateKeyPart | tuple[RateKeyPart, ...]
"""A rate table key, one :data:`RateKeyPart` or a tuple of them for several attributes."""

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_HUNDRED: Final = Decimal(100)
_MONTHS_IN_YEAR: Final = 12
_MAX_VALIDITY_DAYS: Final = 366
_SHOWN_KEY_LENGTH: Final = 40
_SHOWN_KEY_DIGITS: Final = 6
_RULE: Final = "verify_quote"
_SCALE: Final = tuple(Decimal(10**n) for n in range(19))


def _valid_until(day: dt.date, days: int) -> pendulum.Date:
    ordinal = day.toordinal() + days - 1
    if ordinal > _LAST_ORDINAL:
        raise DateOutOfRange(f"a quote made on {day} would be valid after the year {dt.MAXYEAR}")
    until = dt.date.fromordinal(ordinal)
    return pendulum.Date(until.year, until.month, until.day)


_LAST_ORDINAL: Final = dt.date.max.toordinal()


# --------------------------------------------------------------------------- keys


def _key_part_problem(value: object) -> str | None:
    """Why ``value`` cannot be (part of) a rate key, or ``None`` when it can."""
    if isinstance(value, str | int | enum.Enum):  # bool is an int
        return None
    if isinstance(value, Decimal):
        return None if value.is_finite() else f"{value} is not a finite Decimal"
    hint = " (floats are inexact; write Decimal('...'))" if isinstance(value, float) else ""
    return (
        f"must be a str, an int, a bool, a Decimal or an enum member, not {_type_name(value)}"
        f"{hint}"
    )


def _key_problem(key: object) -> str | None:
    if isinstance(key, tuple):
        for part in key:
            problem = _key_part_problem(part)
            if problem is not None:
                return problem
        return None
    return _key_part_problem(key)


def _shown_key(key: object) -> str:
    """The key as a message may show it: codes as they are, other text by its length."""
    if isinstance(key, tuple):
        return "(" + ", ".join(_shown_key(part) for part in key) + ")"
    if isinstance(key, enum.Enum):
        return f"{type(key).__name__}.{key.name}"
    if isinstance(key, str):
        if (
            len(key) <= _SHOWN_KEY_LENGTH
            and key[:1].isascii()
            and key[:1].isalpha()
            and all(char.isascii() and (char.isalnum() or char in "_.-") for char in key)
        ):
            return repr(key)
        return f"a string of {len(key)} characters"
    text = str(key)
    digits = sum(char.isdigit() for char in text)
    return text if digits <= _SHOWN_KEY_DIGITS else f"a number of {digits} digits"


# --------------------------------------------------------------------------- tables


RateValue: TypeAlias = Decimal | Money
"""A table's value, a coefficient or rate (``Decimal``) or a base premium (``Money``)."""


def _as_rates(value: Mapping[Any, Decimal | int | Money]) -> Mapping[Any, RateValue]:
    given: object = value
    if not isinstance(given, Mapping):
        return value  # type: ignore[return-value]  # left for the validator
    return MappingProxyType(
        {
            key: Decimal(rate) if isinstance(rate, int) and not isinstance(rate, bool) else rate
            for key, rate in given.items()
        }
    )


def _rates(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(
            instance, attribute.name, f"must be a mapping of key to rate, not {_type_name(value)}"
        )
    if not value:
        _fail(instance, attribute.name, "must hold at least one rate")
    kinds: set[type] = set()
    currencies: set[str] = set()
    for key, rate in value.items():
        problem = _key_problem(key)
        if problem is not None:
            _fail(instance, attribute.name, f"key {_shown_key(key)}: {problem}")
        if isinstance(rate, Decimal):
            if not rate.is_finite() or rate < _ZERO:
                _fail(
                    instance,
                    attribute.name,
                    f"rate for {_shown_key(key)} must be a finite Decimal not below 0, not {rate}",
                )
        elif isinstance(rate, Money):
            if rate.is_negative():
                _fail(instance, attribute.name, f"premium for {_shown_key(key)} is negative")
            currencies.add(rate.currency)
        else:
            hint = " (floats are inexact; write Decimal('...'))" if isinstance(rate, float) else ""
            _fail(
                instance,
                attribute.name,
                f"rate for {_shown_key(key)} must be a Decimal, an int or a Money, not "
                f"{_type_name(rate)}{hint}",
            )
        kinds.add(type(rate))
    if len(kinds) > 1:
        _fail(instance, attribute.name, "must hold only Decimal rates or only Money premiums")
    if len(currencies) > 1:
        first, second = sorted(currencies)[:2]
        raise CurrencyMismatch(first, second, "build a TableVersion whose premiums are")


def _band_bound(key: object) -> Decimal | int | None:
    bound = key[-1] if isinstance(key, tuple) and key else key
    if isinstance(bound, bool) or not isinstance(bound, int | Decimal):
        return None
    return bound


@attrs.frozen
class TableVersion:
    """One version of a rate table, in force from ``effective_from``.

    A version is in force from ``effective_from`` until the day before the next
    version of its :class:`RateTable` takes effect, or through ``until`` when given.

    Attributes:
        version: the version's name, such as ``"2015"`` or ``"v3"``.
        effective_from: its first day in force.
        rates: the rates by key, copied into a read-only mapping: coefficients or
            rates as ``Decimal`` (an ``int`` is taken as the same ``Decimal``; a
            float is refused), or base premiums as
            :class:`~renewal_core.money.Money` in one currency; never negative.
            A key is a :data:`RateKeyPart` (a str, an int, a bool, a Decimal or an
            enum member) or, for a factor of several attributes, a tuple of them in
            the factor's order. A table with one rate for everything holds it under
            the empty key ``()``. Python counts ``True`` and ``1`` as one key.
        banded: the key (or the last part of a tuple key) is the *lower bound* of a
            band, included: a value takes the rate of the greatest bound not above it
            (ages 18, 25, 60 make the bands 18-24, 25-59 and 60 up).
        until: its last day in force, or ``None``.

    Raises:
        InvalidField: a field is not valid (a banded key without a numeric bound;
            ``until`` before ``effective_from``).
        CurrencyMismatch: premiums in two currencies.

    >>> import pendulum
    >>> ages = TableVersion(
    ...     "2025", pendulum.date(2025, 1, 1), {18: Decimal("1.2"), 25: 1, 60: Decimal("1.1")},
    ...     banded=True)
    >>> ages.rate_for(24), ages.rate_for(25), ages.rate_for(80)
    (Decimal('1.2'), Decimal('1'), Decimal('1.1'))
    """

    version: str = attrs.field(validator=_text())
    effective_from: pendulum.Date = attrs.field(converter=_as_day, validator=_day)
    rates: Mapping[RateKey, RateValue] = attrs.field(converter=_as_rates, validator=_rates)
    banded: bool = attrs.field(default=False, kw_only=True, validator=_flag)
    until: pendulum.Date | None = attrs.field(
        default=None,
        kw_only=True,
        converter=attrs.converters.optional(_as_day),
        validator=attrs.validators.optional(_day),
    )
    _bands: Mapping[
        tuple[RateKeyPart, ...], tuple[tuple[Decimal | int, ...], tuple[RateValue, ...]]
    ] = attrs.field(init=False, repr=False, eq=False)
    _digest: str = attrs.field(init=False, repr=False, eq=False)
    _flat: dict[RateKey, RateValue] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_flat", dict(self.rates))
        if self.until is not None and self.until < self.effective_from:
            _fail(self, "until", f"{self.until} is before effective_from {self.effective_from}")
        bands: dict[tuple[RateKeyPart, ...], list[tuple[Decimal | int, RateValue]]] = {}
        if self.banded:
            for key, rate in self.rates.items():
                bound = _band_bound(key)
                if bound is None:
                    _fail(
                        self,
                        "rates",
                        f"key {_shown_key(key)} of a banded table must be a number (or a "
                        "tuple ending with one): the band's lower bound",
                    )
                prefix = key[:-1] if isinstance(key, tuple) else ()
                bands.setdefault(prefix, []).append((bound, rate))
        object.__setattr__(
            self,
            "_bands",
            {
                prefix: (
                    tuple(bound for bound, _ in sorted(pairs, key=lambda pair: pair[0])),
                    tuple(rate for _, rate in sorted(pairs, key=lambda pair: pair[0])),
                )
                for prefix, pairs in bands.items()
            },
        )
        content = sorted(
            (json.dumps(_canonical(key)), json.dumps(_canonical(rate)))
            for key, rate in self.rates.items()
        )
        object.__setattr__(
            self,
            "_digest",
            _digest(
                [
                    self.version,
                    self.effective_from,
                    self.until,
                    self.banded,
                    [list(c) for c in content],
                ]
            ),
        )

    @property
    def digest(self) -> str:
        """A SHA-256 digest of the version's name, days, banding and rates (hex)."""
        return self._digest

    def rate_for(self, key: RateKey) -> RateValue:
        """Return the rate for ``key`` (for a banded table, a value within a band).

        Raises:
            RateLookupError: the version has no rate for ``key``.
        """
        rate = self._lookup(key)
        if rate is None:
            raise RateLookupError(
                None,
                self.version,
                self.effective_from.isoformat(),
                _shown_key(key),
                self._missing(key),
            )
        return rate

    def _lookup(self, key: Any) -> RateValue | None:  # noqa: PLR0911 - each miss returns None
        if not self.banded:
            try:
                return self._flat.get(key)
            except TypeError:  # an unhashable key
                return None
        if isinstance(key, tuple):
            if not key:
                return None
            prefix, value = key[:-1], key[-1]
        else:
            prefix, value = (), key
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return None
        try:
            band = self._bands.get(prefix)
        except TypeError:  # pragma: no cover - a prefix of hashable parts
            return None
        if band is None:
            return None
        bounds, rates = band
        index = bisect.bisect_right(bounds, value)
        return rates[index - 1] if index else None

    def _missing(self, key: object) -> str:
        shown = _shown_key(key)
        if self.banded:
            return (
                f"no band for key {shown}: the value is below the lowest bound, or not a "
                "number, or its other parts are not in the table; add a band or check "
                "the risk's attributes"
            )
        return f"no rate for key {shown}; add it to the table or check the risk's attributes"


def _versions(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not value:
        _fail(instance, attribute.name, "must be a non-empty list or tuple of TableVersion")
    previous: TableVersion | None = None
    for index, version in enumerate(value):
        if not isinstance(version, TableVersion):
            _fail(
                instance,
                f"{attribute.name}[{index}]",
                f"must be a TableVersion, not {_type_name(version)}",
            )
        if previous is not None:
            if version.effective_from <= previous.effective_from:
                _fail(
                    instance,
                    attribute.name,
                    f"{version.version} takes effect on {version.effective_from}, not after "
                    f"{previous.version} ({previous.effective_from}); list versions oldest "
                    "first",
                )
            if previous.until is not None and previous.until >= version.effective_from:
                _fail(
                    instance,
                    attribute.name,
                    f"{previous.version} runs until {previous.until}, when {version.version} "
                    f"is already in force (from {version.effective_from}); versions must "
                    "not overlap",
                )
            if version.version == previous.version or any(
                version.version == other.version for other in value[:index]
            ):
                _fail(instance, attribute.name, f"version {version.version!r} is listed twice")
        previous = version
    kinds = {type(rate) for version in value for rate in version.rates.values()}
    if len(kinds) > 1:
        _fail(instance, attribute.name, "must hold only Decimal rates or only Money premiums")


@attrs.frozen
class RateTable:
    """A named rate table and its effective-dated versions, oldest first.

    Attributes:
        name: the table's name, shown in every quote line that uses it.
        versions: its :class:`TableVersion`, a list or a tuple, with strictly
            increasing ``effective_from`` and no overlap; all of coefficients or all
            of premiums. Days between versions (after one's ``until``, before the
            next one) have no version in force.

    >>> import pendulum
    >>> table = RateTable("region", [
    ...     TableVersion("v1", pendulum.date(2024, 1, 1), {"north": Decimal("1.05")}),
    ...     TableVersion("v2", pendulum.date(2025, 1, 1), {"north": Decimal("1.10")}),
    ... ])
    >>> table.version_on(pendulum.date(2024, 12, 31)).version
    'v1'
    >>> table.rate_for("north", on=pendulum.date(2025, 6, 1))
    Decimal('1.10')
    >>> table.rate_for("north", on=pendulum.date(2023, 6, 1))
    Traceback (most recent call last):
    ...
    renewal_core.errors.RateLookupError: rate table 'region' on 2023-06-01: no version is in \
force yet: the first, v1, takes effect on 2024-01-01
    """

    name: str = attrs.field(validator=_text())
    versions: tuple[TableVersion, ...] = attrs.field(converter=_as_tuple, validator=_versions)

    def version_on(self, day: dt.date) -> TableVersion:
        """Return the version in force on ``day``.

        Raises:
            DateTypeError: ``day`` is not a day.
            RateLookupError: no version is in force on ``day``.
        """
        return self._version_on(_to_date(day, "RateTable.version_on(day)"))

    def _version_on(self, day: dt.date) -> TableVersion:
        versions = self.versions
        latest = versions[-1]
        if latest.effective_from <= day and (latest.until is None or day <= latest.until):
            return latest
        for version in reversed(versions):
            if version.effective_from <= day:
                until = version.until
                if until is None or day <= until:
                    return version
                raise RateLookupError(
                    self.name,
                    None,
                    day.isoformat(),
                    None,
                    f"no version is in force: {version.version} ended on {until} and no "
                    "later version had taken effect",
                )
        first = versions[0]
        raise RateLookupError(
            self.name,
            None,
            day.isoformat(),
            None,
            f"no version is in force yet: the first, {first.version}, takes effect on "
            f"{first.effective_from}",
        )

    def rate_for(self, key: RateKey, *, on: dt.date) -> RateValue:
        """Return the rate for ``key`` in the version in force on ``on``.

        Raises:
            DateTypeError: ``on`` is not a day.
            RateLookupError: no version in force on ``on``, or no rate for ``key``.
        """
        day = _to_date(on, "RateTable.rate_for(on)")
        version = self._version_on(day)
        rate = version._lookup(key)
        if rate is None:
            raise RateLookupError(
                self.name, version.version, day.isoformat(), _shown_key(key), version._missing(key)
            )
        return rate


# --------------------------------------------------------------------------- plan parts


def _key_names(value: str | Sequence[str]) -> tuple[str, ...]:
    given: object = value
    if isinstance(given, str):
        return (given,)
    if isinstance(given, list | tuple):
        return tuple(given)
    return value  # type: ignore[return-value]  # left for the validator


def _names(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(
            instance,
            attribute.name,
            f"must be an attribute name or a list of them, not {_type_name(value)}",
        )
    for name in value:
        if not isinstance(name, str) or not name:
            _fail(instance, attribute.name, f"names must be non-empty str, not {name!r}")
    if len(set(value)) != len(value):
        _fail(instance, attribute.name, f"names an attribute twice: {value}")


def _table(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, RateTable):
        _fail(instance, attribute.name, f"must be a RateTable, not {_type_name(value)}")


@attrs.frozen
class SumInsuredRate:
    """The base premium as the sum insured times a rate from ``table``.

    Attributes:
        table: a :class:`RateTable` of ``Decimal`` rates (``0.012`` for 1.2%).
        key: the risk attribute (or attributes, in order) the rate is keyed by;
            ``()`` (the default) for a table with one rate under the key ``()``.
    """

    table: RateTable = attrs.field(validator=_table)
    key: tuple[str, ...] = attrs.field(default=(), converter=_key_names, validator=_names)


@attrs.frozen
class BasePremium:
    """The base premium read from ``table``, keyed by the risk's attributes.

    Attributes:
        table: a :class:`RateTable` of :class:`~renewal_core.money.Money` premiums.
        key: the risk attribute (or attributes, in order) the premium is keyed by.
    """

    table: RateTable = attrs.field(validator=_table)
    key: tuple[str, ...] = attrs.field(default=(), converter=_key_names, validator=_names)


@attrs.frozen
class Factor:
    """A multiplicative coefficient from ``table``, keyed by the risk's attributes.

    Attributes:
        name: the factor's name in the breakdown (``"ncd"``, ``"region"``), unique
            within a plan.
        table: a :class:`RateTable` of ``Decimal`` coefficients.
        key: the risk attribute (or attributes, in order) the coefficient is keyed
            by; a single name is taken as a one-name tuple.
    """

    name: str = attrs.field(validator=_text())
    table: RateTable = attrs.field(validator=_table)
    key: tuple[str, ...] = attrs.field(converter=_key_names, validator=_names)


def _optional_percent(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _percent(type(instance).__name__, attribute.name, value)


def _optional_decimal(value: Decimal | int | None) -> Decimal | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value  # type: ignore[return-value]  # a bool is left for the validator


@attrs.frozen
class Charge:
    """A fee or a tax: ``percent`` of what it is charged on, or a fixed ``amount``.

    A fee is charged on the premium; a tax on the premium plus the fees. A
    percentage is rounded to the minor unit with the plan's mode.

    Attributes:
        name: its name in the breakdown, unique among a plan's fees and taxes.
        percent: a percentage from 0 to 100 (``Decimal`` or ``int``).
        amount: a fixed amount, not negative, in the plan's currency.

    >>> Charge("vat", percent=Decimal("6"))
    Charge(name='vat', percent=Decimal('6'), amount=None)
    """

    name: str = attrs.field(validator=_text())
    percent: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=_optional_decimal, validator=_optional_percent
    )
    amount: Money | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_money())
    )

    _share: Decimal | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if (self.percent is None) == (self.amount is None):
            _fail(self, "percent", "give exactly one of percent= and amount=")
        share = None if self.percent is None else self.percent.scaleb(-2)
        object.__setattr__(self, "_share", share)


@attrs.frozen
class RateCap:
    """Limits on the change of the premium from the expiring premium (rate capping).

    Attributes:
        max_increase: the largest increase, in percent (``Decimal`` or ``int``, 0
            to 100), or ``None`` for no upper limit.
        max_decrease: the largest decrease, in percent (0 to 100), or ``None``.

    >>> RateCap(max_increase=15, max_decrease=Decimal("10"))
    RateCap(max_increase=Decimal('15'), max_decrease=Decimal('10'))
    """

    max_increase: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=_optional_decimal, validator=_optional_percent
    )
    max_decrease: Decimal | None = attrs.field(
        default=None, kw_only=True, converter=_optional_decimal, validator=_optional_percent
    )

    _up: Decimal | None = attrs.field(init=False, repr=False, eq=False)
    _down: Decimal | None = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.max_increase is None and self.max_decrease is None:
            _fail(self, "max_increase", "give max_increase=, max_decrease= or both")
        up = None if self.max_increase is None else _ONE + self.max_increase.scaleb(-2)
        down = None if self.max_decrease is None else _ONE - self.max_decrease.scaleb(-2)
        object.__setattr__(self, "_up", up)
        object.__setattr__(self, "_down", down)


class RoundAt(ShortReprEnum):
    """Where a rating plan rounds the premium to the minor unit."""

    PREMIUM = "premium"
    """Round once (base, factor and cap amounts stay exact), at the short-term step or,
    without one, at the rounding step."""

    EACH_STEP = "each_step"
    """After the base, after every factor, after the cap and after the short-term step."""


class QuoteStep(ShortReprEnum):
    """The kind of a :class:`QuoteLine`."""

    BASE = "base"
    """The base premium, the sum insured times a rate or a premium from a table."""
    FACTOR = "factor"
    """A coefficient applied to the running amount."""
    CAP = "cap"
    """The limits on the change from the expiring premium."""
    SHORT_TERM = "short_term"
    """The share of the annual premium for a term shorter than a year."""
    ROUNDING = "rounding"
    """Rounding of the premium to the minor unit."""
    MINIMUM = "minimum"
    """The minimum premium."""
    FEE = "fee"
    """A fee on the premium."""
    TAX = "tax"
    """A tax on the premium plus the fees."""


# --------------------------------------------------------------------------- plan


def _base(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, SumInsuredRate | BasePremium):
        _fail(
            instance,
            attribute.name,
            f"must be a SumInsuredRate or a BasePremium, not {_type_name(value)}",
        )


def _typed_items(kind: type[Any]) -> Any:
    def validate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                _fail(
                    instance,
                    f"{attribute.name}[{index}]",
                    f"must be a {kind.__name__}, not {_type_name(item)}",
                )

    return validate


def _currency(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, f"must be an ISO 4217 code, not {_type_name(value)}")
    Money.zero(value)  # raises UnknownCurrency


def _validity(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(instance, attribute.name, f"must be an int, not {_type_name(value)}")
    if not 1 <= value <= _MAX_VALIDITY_DAYS:
        _fail(instance, attribute.name, f"must be from 1 to {_MAX_VALIDITY_DAYS}, not {value}")


def _rounding(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_rounding(value)


def _short_term_table(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, ShortRateTable):
        _fail(
            instance,
            attribute.name,
            f"must be a ShortRateTable, or None for daily pro-rata, not {_type_name(value)}",
        )


@attrs.frozen
class RatingPlan:
    """How a product prices a risk: data only, checked when built.

    Attributes:
        name: the plan's name, shown in quotes.
        currency: the ISO 4217 code of every amount of the plan and its quotes.
        base: a :class:`SumInsuredRate` or a :class:`BasePremium`.
        factors: the :class:`Factor` in the order they apply, with distinct names.
        fees: the fees (:class:`Charge`), each on the premium, in order.
        taxes: the taxes (:class:`Charge`), each on the premium plus the fees.
        cap: a :class:`RateCap`, or ``None``.
        minimum_premium: the least premium of a term, or ``None``.
        short_term: for a term shorter than a year, a
            :class:`~renewal_core.pricing.refunds.ShortRateTable` of the share of the
            annual premium charged, or ``None`` (the default) for daily pro-rata.
        rounding: the rounding mode, one of the decimal module's (``ROUND_HALF_UP``
            by default).
        round_at: a :class:`RoundAt`: where the premium is rounded.
        validity_days: how many days a quote stays valid, from its ``as_of`` day
            (1 to 366; 30 by default).

    Raises:
        InvalidField: a field is not valid, names repeat, or a table holds the wrong
            kind of values (premiums for a factor, rates for a base premium).
        CurrencyMismatch: an amount, or a premium of the base table, is in another
            currency.
    """

    name: str = attrs.field(validator=_text())
    currency: str = attrs.field(validator=_currency)
    base: SumInsuredRate | BasePremium = attrs.field(validator=_base)
    factors: tuple[Factor, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_tuple, validator=_typed_items(Factor)
    )
    fees: tuple[Charge, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_tuple, validator=_typed_items(Charge)
    )
    taxes: tuple[Charge, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_tuple, validator=_typed_items(Charge)
    )
    cap: RateCap | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_instance_of(RateCap))
    )
    minimum_premium: Money | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_money())
    )
    short_term: ShortRateTable | None = attrs.field(
        default=None, kw_only=True, validator=_short_term_table
    )
    rounding: str = attrs.field(default=ROUND_HALF_UP, kw_only=True, validator=_rounding)
    round_at: RoundAt = attrs.field(
        default=RoundAt.PREMIUM, kw_only=True, validator=_member_of(RoundAt)
    )
    validity_days: int = attrs.field(default=30, kw_only=True, validator=_validity)
    _digest: str = attrs.field(init=False, repr=False, eq=False)
    _steps: tuple[tuple[Factor, RateTable, str | None], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        names = [factor.name for factor in self.factors]
        for name in names:
            if names.count(name) > 1:
                _fail(self, "factors", f"factor name {name!r} is used twice")
        charges = [charge.name for charge in (*self.fees, *self.taxes)]
        for name in charges:
            if charges.count(name) > 1:
                _fail(self, "fees", f"charge name {name!r} is used twice among fees and taxes")
        for factor in self.factors:
            self._check_kind(factor.table, Decimal, f"factor {factor.name!r}")
        if isinstance(self.base, BasePremium):
            self._check_kind(self.base.table, Money, "base")
            for version in self.base.table.versions:
                for premium in version.rates.values():
                    self._check_currency(premium, f"base table {self.base.table.name!r}")
        else:
            self._check_kind(self.base.table, Decimal, "base")
        for charge in (*self.fees, *self.taxes):
            if charge.amount is not None:
                self._check_currency(charge.amount, f"charge {charge.name!r}")
        if self.minimum_premium is not None:
            self._check_currency(self.minimum_premium, "minimum_premium")
        object.__setattr__(self, "_digest", _digest(self._settings()))
        object.__setattr__(
            self,
            "_steps",
            tuple(
                (factor, factor.table, factor.key[0] if len(factor.key) == 1 else None)
                for factor in self.factors
            ),
        )

    def _check_kind(self, table: RateTable, kind: type, role: str) -> None:
        rate = next(iter(table.versions[0].rates.values()))
        if not isinstance(rate, kind):
            wanted = "Decimal rates" if kind is Decimal else "Money premiums"
            _fail(
                self,
                "base" if role == "base" else "factors",
                f"{role}: table {table.name!r} must hold {wanted}",
            )

    def _check_currency(self, amount: RateValue, role: str) -> None:
        if isinstance(amount, Money) and amount.currency != self.currency:
            raise CurrencyMismatch(
                self.currency, amount.currency, f"build a RatingPlan whose currency and {role} are"
            )

    def _settings(self) -> list[object]:
        base = self.base
        short = self.short_term
        return [
            self.name,
            self.currency,
            [type(base).__name__, base.table.name, list(base.key)],
            [[factor.name, factor.table.name, list(factor.key)] for factor in self.factors],
            [[charge.name, charge.percent, charge.amount] for charge in self.fees],
            [[charge.name, charge.percent, charge.amount] for charge in self.taxes],
            None if self.cap is None else [self.cap.max_increase, self.cap.max_decrease],
            self.minimum_premium,
            None
            if short is None
            else [short.unit.value, [[b.first, b.last, b.percent] for b in short.bands]],
            self.rounding,
            self.round_at.value,
            self.validity_days,
        ]

    @property
    def digest(self) -> str:
        """A SHA-256 digest of the plan's steps and settings (hex), tables by name only."""
        return self._digest


# --------------------------------------------------------------------------- risk


def _attributes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for name, item in value.items():
        if not isinstance(name, str):
            _fail(instance, attribute.name, f"keys must be str, not {_type_name(name)}")
        problem = _key_part_problem(item)
        if problem is not None:
            _fail(instance, attribute.name, f"{name!r} {problem}")


@attrs.frozen
class RatedRisk:
    """What a rating plan rates: the insured object's attributes and amounts.

    The attributes are rating factors, shown in the ``repr``, in quote lines and in
    digests: never put personal data (names, ID numbers, phones) among them.

    Attributes:
        attributes: the rating attributes by name (vehicle use, seats, region, NCD
            class, driver age, ...), each a str, an int, a bool, a Decimal or an enum
            member; copied into a read-only mapping. Derived values (a claim-history
            class, an age band) are computed by the host, with the presets'
            helpers where they exist, before rating.
        sum_insured: the sum insured, for a :class:`SumInsuredRate` base; above zero.
        expiring_premium: the annual premium of the expiring term, for the cap and
            the change reported by the quote; not negative.

    >>> RatedRisk({"region": "north"}, sum_insured=Money("100000", "CNY"))
    RatedRisk(attributes=mappingproxy({'region': 'north'}), \
sum_insured=Money('100000', 'CNY'), expiring_premium=None)
    """

    attributes: Mapping[str, RateKeyPart] = attrs.field(
        converter=_read_only, validator=_attributes
    )
    sum_insured: Money | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_money(positive=True))
    )
    expiring_premium: Money | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(_money())
    )

    def __attrs_post_init__(self) -> None:
        if (
            self.sum_insured is not None
            and self.expiring_premium is not None
            and self.sum_insured.currency != self.expiring_premium.currency
        ):
            raise CurrencyMismatch(
                self.sum_insured.currency,
                self.expiring_premium.currency,
                "build a RatedRisk whose sum_insured and expiring_premium are",
            )

    @classmethod
    def of(
        cls,
        policy: Policy,
        *,
        expiring_premium: Money | None = None,
        **attributes: RateKeyPart,
    ) -> RatedRisk:
        """Describe ``policy`` for rating its renewal.

        The attributes are the policy's ``line_of_business``, ``product_code`` and
        ``renewal_count``, then ``attributes`` (which may replace them); the sum
        insured is the total of the coverages' sums insured (``None`` without
        coverages). The expiring premium is the annual premium of the expiring term:
        the policy's premium when its term is a whole year (a 12-month renewal
        cadence, or as many days as the year from its start); for a shorter or
        longer term give the annual premium as ``expiring_premium=``, since the cap
        and the reported change compare annual premiums.

        Raises:
            ArgumentTypeError: ``policy`` is not a :class:`~renewal_core.model.Policy`.
            InvalidField: an attribute is not a valid rating value, or the policy's
                term is not a year and no ``expiring_premium`` is given.
        """
        if not isinstance(policy, Policy):
            _wrong_type(policy, "RatedRisk.of(policy)", "a Policy")
        if expiring_premium is None:
            term = policy.term
            cadence = term.cadence
            if not (cadence is not None and cadence.months == _MONTHS_IN_YEAR) and (
                term.days != _year_days(term.start)
            ):
                raise InvalidField(
                    "RatedRisk",
                    "expiring_premium",
                    f"the policy's term has {term.days} days, not a year, so its premium is "
                    "no annual premium; give the expiring term's annual premium as "
                    "RatedRisk.of(policy, expiring_premium=...)",
                )
            expiring_premium = policy.premium
        values: dict[str, RateKeyPart] = {
            "line_of_business": policy.line_of_business,
            "product_code": policy.product_code,
            "renewal_count": policy.renewal_count,
        }
        values.update(attributes)
        coverages = policy.coverages
        insured = (
            Money.total([coverage.sum_insured for coverage in coverages], policy.currency)
            if coverages
            else None
        )
        return cls(values, sum_insured=insured, expiring_premium=expiring_premium)


# --------------------------------------------------------------------------- quote


# A step as the hot path records it: the fields of a QuoteLine, amounts as Decimal.
_Step: TypeAlias = tuple[
    QuoteStep,
    str,
    str | None,
    str | None,
    tuple[tuple[str, object], ...],
    Decimal | Fraction | None,
    Decimal,
    Decimal | None,
    str | None,
]


@attrs.frozen(init=False)
class QuoteLine:
    """One step of a :class:`Quote`'s breakdown.

    Attributes:
        step: the :class:`QuoteStep`.
        name: the step's name: ``"base"``, the factor's or the charge's name, or the
            step's own (``"cap"``, ``"short_term"``, ``"rounding"``, ``"minimum"``).
        table: the rate table's name, for a base or a factor; else ``None``.
        version: the table version used, for a base or a factor; else ``None``.
        inputs: the step's inputs as ``(name, value)`` pairs: the risk attributes the
            table was keyed by, the sum insured, the expiring premium and the
            limits, the days or months, the percentage.
        coefficient: what the running amount was multiplied by, exactly (a
            ``Decimal``, or a ``Fraction`` for a share of days), or ``None``.
        amount: the running amount after the step: exact (written without trailing
            zeros beyond the minor unit), or rounded where ``rounding`` says; for fees
            and taxes the running total.
        charge: the fee or tax itself, for those steps; else ``None``.
        rounding: the rounding mode applied at this step, or ``None``.
    """

    step: QuoteStep
    name: str
    table: str | None
    version: str | None
    inputs: tuple[tuple[str, object], ...]
    coefficient: Decimal | Fraction | None
    amount: Money
    charge: Money | None
    rounding: str | None


_line = _maker(
    QuoteLine,
    "step",
    "name",
    "table",
    "version",
    "inputs",
    "coefficient",
    "amount",
    "charge",
    "rounding",
)


@attrs.frozen(init=False)
class Quote:
    """An explained premium for a risk and a term (from :func:`quote` only).

    Attributes:
        plan: the :class:`RatingPlan` used.
        risk: the :class:`RatedRisk` rated.
        term: the term priced.
        as_of: the day the quote was made.
        rates_on: the day whose table versions were used.
        valid_until: the last day the quote is valid.
        premium: the premium, rounded, before fees and taxes.
        fees: the fees, added up.
        taxes: the taxes, added up.
        total: premium + fees + taxes.
        expiring_premium: the risk's expiring premium, or ``None``.
        change: ``premium`` minus the expiring premium, like for like: for a short
            term, the expiring (annual) premium times the same short-term share,
            rounded as the premium is; ``None`` without an expiring premium.
        change_percent: the change in percent of that expiring premium, rounded half
            up (away from zero) to 2 places; ``None`` without an expiring premium
            above zero.

    The steps are in :attr:`breakdown`, and the ``(table name, version)`` of every
    table used in :attr:`versions`.
    """

    plan: RatingPlan = attrs.field(repr=False)
    risk: RatedRisk = attrs.field(repr=False)
    term: PolicyTerm
    as_of: pendulum.Date
    rates_on: pendulum.Date = attrs.field(repr=False)
    valid_until: pendulum.Date
    premium: Money
    fees: Money
    taxes: Money
    total: Money
    expiring_premium: Money | None = attrs.field(repr=False)
    change: Money | None
    change_percent: Decimal | None
    _steps: tuple[_Step, ...] = attrs.field(repr=False)
    _used: tuple[TableVersion, ...] = attrs.field(repr=False)
    _rates_given: bool = attrs.field(repr=False)

    @property
    def breakdown(self) -> tuple[QuoteLine, ...]:
        """The :class:`QuoteLine` of every step, in order; the last line's amount is the total.

        >>> import pendulum
        >>> from renewal_core.periods import PolicyTerm
        >>> from renewal_core.presets.cn_auto_plans import CTPL_PLAN
        >>> from renewal_core.presets.cn_ctpl import CtplFloat, VehicleUse
        >>> car = RatedRisk(
        ...     {"vehicle_use": VehicleUse.PRIVATE, "measure": 7, "ctpl_float": CtplFloat.A1})
        >>> term = PolicyTerm.annual(pendulum.date(2025, 3, 1), "Asia/Shanghai")
        >>> made = quote(car, CTPL_PLAN, term=term, as_of=pendulum.date(2025, 2, 1))
        >>> for line in made.breakdown:
        ...     print(line.step.value, line.table, line.version, line.inputs, line.amount)
        base cn_ctpl_base 2008 (('vehicle_use', VehicleUse.PRIVATE), ('measure', 7)) 1100.00 CNY
        factor cn_ctpl_float 2007 (('ctpl_float', CtplFloat.A1),) 990.00 CNY
        rounding None None () 990.00 CNY
        """
        currency = self.plan.currency
        unit = _UNITS[_decimals(currency)]
        return tuple(
            _line(
                step,
                name,
                table,
                version,
                inputs,
                coefficient,
                _make(_tidy(amount, unit), currency),
                None if charge is None else _make(charge, currency),
                rounding,
            )
            for step, name, table, version, inputs, coefficient, amount, charge, rounding in (
                self._steps
            )
        )

    @property
    def versions(self) -> tuple[tuple[str, str], ...]:
        """The ``(table name, version)`` of every table used, base first."""
        names = [self.plan.base.table.name, *(factor.table.name for factor in self.plan.factors)]
        return tuple(zip(names, (version.version for version in self._used), strict=True))

    @property
    def inputs_digest(self) -> str:
        """A SHA-256 digest (hex) of the risk, the term and ``rates_on``."""
        return _inputs_digest(self.risk, self.term, self.rates_on)

    @property
    def digest(self) -> str:
        """A SHA-256 digest (hex) of everything the figures depend on.

        The inputs (:attr:`inputs_digest`), the plan's settings and the content of
        every table version used. Two quotes with the same digest have the same
        figures; store it with an accepted quote to show what was agreed.
        """
        return _digest(
            [
                self.inputs_digest,
                self.plan.digest,
                [
                    [name, version.digest]
                    for (name, _), version in zip(self.versions, self._used, strict=True)
                ],
            ]
        )

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` is within the quote's validity period.

        Raises:
            DateTypeError: ``day`` is not a day.
        """
        checked = _to_date(day, "Quote.is_valid_on(day)")
        return self.as_of <= checked <= self.valid_until


_make_quote = _maker(
    Quote,
    "plan",
    "risk",
    "term",
    "as_of",
    "rates_on",
    "valid_until",
    "premium",
    "fees",
    "taxes",
    "total",
    "expiring_premium",
    "change",
    "change_percent",
    "_steps",
    "_used",
    "_rates_given",
)


def _tidy(amount: Decimal, unit: Decimal) -> Decimal:
    """``amount`` without trailing zeros beyond the minor ``unit`` (the same value)."""
    exponent = unit.as_tuple().exponent
    if amount.as_tuple().exponent >= exponent:  # type: ignore[operator]
        return amount
    tidy = amount.normalize(_QUANTIZE)
    if tidy.as_tuple().exponent < exponent:  # type: ignore[operator]
        return tidy
    return amount.quantize(unit, context=_QUANTIZE)


def _inputs_digest(risk: RatedRisk, term: PolicyTerm, rates_on: dt.date) -> str:
    attributes = sorted(
        [name, json.dumps(_canonical(value))] for name, value in risk.attributes.items()
    )
    return _digest(
        [
            attributes,
            risk.sum_insured,
            risk.expiring_premium,
            term.start,
            term.end,
            term.tz.name,
            None
            if term.cadence is None
            else [term.cadence.anchor, term.cadence.months, term.cadence.rule],
            rates_on,
        ]
    )


def _key_of(
    attributes: Mapping[str, RateKeyPart], names: tuple[str, ...], plan: RatingPlan, role: str
) -> tuple[RateKey, tuple[tuple[str, object], ...]]:
    try:
        if len(names) == 1:
            name = names[0]
            value = attributes[name]
            return value, ((name, value),)
        values = tuple(attributes[name] for name in names)
    except KeyError as missing:
        raise InvalidField(
            "RatedRisk",
            "attributes",
            f"has no {missing.args[0]!r}, which {role} of plan {plan.name!r} is keyed by",
        ) from None
    return values, tuple(zip(names, values, strict=True))


def _compute(  # noqa: PLR0912, PLR0915 - one pass over the steps, kept inline for speed
    risk: RatedRisk, plan: RatingPlan, term: PolicyTerm, rates_on: pendulum.Date
) -> tuple[
    list[_Step],
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    tuple[TableVersion, ...],
    tuple[int, int] | None,
]:
    """Run the plan's steps.

    Returns the steps, premium, fees, taxes, total, versions, and the short-term share
    (``None`` for a whole year).
    """
    currency = plan.currency
    insured = risk.sum_insured
    expiring = risk.expiring_premium
    if insured is not None and insured.currency != currency:
        _mismatch(currency, insured, "sum_insured")
    if expiring is not None and expiring.currency != currency:
        _mismatch(currency, expiring, "expiring_premium")
    unit = _UNITS[_decimals(currency)]
    mode = plan.rounding
    each = plan.round_at is RoundAt.EACH_STEP
    step_rounding = mode if each else None
    attributes = risk.attributes
    steps: list[_Step] = []
    used: list[TableVersion] = []

    # 1. base
    base = plan.base
    table = base.table
    version = table._version_on(rates_on)
    used.append(version)
    key, inputs = _key_of(attributes, base.key, plan, "the base")
    rate = version._lookup(key)
    if rate is None:
        _no_rate(table, version, key, rates_on)
    coefficient: Decimal | None = None
    if isinstance(rate, Money):
        amount = rate.amount
    else:
        if insured is None:
            raise InvalidField(
                "RatedRisk",
                "sum_insured",
                f"is None, but the base of plan {plan.name!r} is a rate of the sum insured",
            )
        coefficient = rate
        amount = _multiply(insured.amount, coefficient)
        inputs = (*inputs, ("sum_insured", insured))
    if each:
        amount = amount.quantize(unit, mode, _QUANTIZE)
    steps.append(
        (
            _BASE,
            "base",
            table.name,
            version.version,
            inputs,
            coefficient,
            amount,
            None,
            step_rounding,
        )
    )

    # 2. factors
    for factor, table, single in plan._steps:
        version = table.versions[-1]
        if version.effective_from > rates_on or (
            version.until is not None and rates_on > version.until
        ):
            version = table._version_on(rates_on)
        used.append(version)
        if single is None:
            key, inputs = _key_of(attributes, factor.key, plan, f"factor {factor.name!r}")
        else:
            try:
                key = attributes[single]
            except KeyError:
                _key_of(attributes, factor.key, plan, f"factor {factor.name!r}")  # raises
            inputs = ((single, key),)
        factor_rate = version._lookup(key) if version.banded else version._flat.get(key)
        if factor_rate is None:
            _no_rate(table, version, key, rates_on)
        # A factor's table holds Decimal rates only (checked when the plan was built).
        rate = cast("Decimal", factor_rate)
        amount = _multiply(amount, rate)
        if each:
            amount = amount.quantize(unit, mode, _QUANTIZE)
        steps.append(
            (
                _FACTOR,
                factor.name,
                table.name,
                version.version,
                inputs,
                rate,
                amount,
                None,
                step_rounding,
            )
        )

    # 3. cap
    cap = plan.cap
    if cap is not None and expiring is not None and expiring.amount:
        highest = lowest = None
        if cap._up is not None:
            highest = _multiply(expiring.amount, cap._up)
            amount = min(amount, highest)
        if cap._down is not None:
            lowest = _multiply(expiring.amount, cap._down)
            amount = max(amount, lowest)
        if each:
            amount = amount.quantize(unit, mode, _QUANTIZE)
        steps.append(
            (
                _CAP,
                "cap",
                None,
                None,
                (
                    ("expiring_premium", expiring),
                    ("max_increase", cap.max_increase),
                    ("max_decrease", cap.max_decrease),
                    ("highest", None if highest is None else _make(highest, currency)),
                    ("lowest", None if lowest is None else _make(lowest, currency)),
                ),
                None,
                amount,
                None,
                step_rounding,
            )
        )

    # 4. short term, or 5. rounding
    share: tuple[int, int] | None = None
    cadence = term.cadence
    if cadence is not None and cadence.months == _MONTHS_IN_YEAR:
        days = year_days = 0  # a term of a renewal year is a whole year
    else:
        start = term.start
        days = term.end.toordinal() - start.toordinal() + 1
        year_days = _year_days(start)
    if days == year_days:
        if not each:
            amount = amount.quantize(unit, mode, _QUANTIZE)
            steps.append((_ROUNDING, "rounding", None, None, (), None, amount, None, mode))
    elif days < year_days:
        amount, share = _short_term(amount, plan, term, days, year_days, unit, steps)
    else:
        raise InvalidTerm(
            f"a rating plan prices a term of at most a year from its start ({year_days} "
            f"days from {term.start}), not {days} days; quote each year separately"
        )

    # 6. minimum
    minimum = plan.minimum_premium
    if minimum is not None:
        if amount < minimum.amount:
            amount = minimum.amount.quantize(unit, mode, _QUANTIZE)
        steps.append(
            (
                _MINIMUM,
                "minimum",
                None,
                None,
                (("minimum_premium", minimum),),
                None,
                amount,
                None,
                None,
            )
        )

    # 7. fees on the premium, then taxes on the premium and the fees
    premium = amount
    fees = taxes = _ZERO.quantize(unit, context=_QUANTIZE)
    for charge in plan.fees:
        value = _charge(charge, premium, unit, mode)
        fees = _add(fees, value)
        amount = _add(amount, value)
        steps.append(_charge_step(_FEE, charge, premium, value, amount, currency, mode))
    with_fees = amount
    for charge in plan.taxes:
        value = _charge(charge, with_fees, unit, mode)
        taxes = _add(taxes, value)
        amount = _add(amount, value)
        steps.append(_charge_step(_TAX, charge, with_fees, value, amount, currency, mode))
    return steps, premium, fees, taxes, amount, tuple(used), share


_BASE: Final = QuoteStep.BASE
_FACTOR: Final = QuoteStep.FACTOR
_CAP: Final = QuoteStep.CAP
_ROUNDING: Final = QuoteStep.ROUNDING
_MINIMUM: Final = QuoteStep.MINIMUM
_FEE: Final = QuoteStep.FEE
_TAX: Final = QuoteStep.TAX


def _mismatch(currency: str, amount: Money, field: str) -> NoReturn:
    raise CurrencyMismatch(
        currency, amount.currency, f"rate a risk whose {field} and the plan are"
    )


def _no_rate(table: RateTable, version: TableVersion, key: RateKey, day: dt.date) -> NoReturn:
    raise RateLookupError(
        table.name, version.version, day.isoformat(), _shown_key(key), version._missing(key)
    )


def _year_days(start: dt.date) -> int:
    """Days from ``start`` to the same day a year on, excluded (1 March after 29 February)."""
    year = start.year + 1
    if year > dt.MAXYEAR:
        raise DateOutOfRange(f"a year from {start} falls after the year {dt.MAXYEAR}")
    month, day = start.month, start.day
    if month == 2 and day == 29 and not calendar.isleap(year):
        month, day = 3, 1
    return dt.date(year, month, day).toordinal() - start.toordinal()


def _short_term(  # noqa: PLR0917 - a private step of _compute
    amount: Decimal,
    plan: RatingPlan,
    term: PolicyTerm,
    days: int,
    year_days: int,
    unit: Decimal,
    steps: list[_Step],
) -> tuple[Decimal, tuple[int, int]]:
    """Step 4: the share of the annual amount for a short term, rounded; and the share."""
    table = plan.short_term
    inputs: tuple[tuple[str, object], ...]
    if table is None:
        multiplier, divisor = days, year_days
        inputs = (("days", days), ("days_in_year", year_days))
    else:
        if table.unit is ShortRateUnit.DAYS:
            used, label = days, "days"
        else:
            used, label = _months_used(term.start, _day_after(term.end)), "months"
        numerator, denominator = _percent_ratio(table, used)
        multiplier, divisor = numerator, denominator * 100
        inputs = ((label, used), ("percent", table.percent_for(used)))
    decimals = -unit.as_tuple().exponent  # type: ignore[operator]
    numerator, denominator = amount.as_integer_ratio()
    units = _round_ratio(
        numerator * 10**decimals * multiplier, denominator * divisor, plan.rounding
    )
    amount = _from_units(units, decimals)
    steps.append(
        (
            QuoteStep.SHORT_TERM,
            "short_term",
            None,
            None,
            inputs,
            Fraction(multiplier, divisor),
            amount,
            None,
            plan.rounding,
        )
    )
    return amount, (multiplier, divisor)


def _charge(charge: Charge, on: Decimal, unit: Decimal, mode: str) -> Decimal:
    """A fee's or a tax's amount on ``on``, rounded to ``unit``."""
    fixed = charge.amount
    if fixed is not None:
        return fixed.amount.quantize(unit, mode, _QUANTIZE)
    return _multiply(on, charge._share).quantize(unit, mode, _QUANTIZE)  # type: ignore[arg-type]


def _charge_step(  # noqa: PLR0917 - a private step of _compute
    step: QuoteStep,
    charge: Charge,
    on: Decimal,
    value: Decimal,
    running: Decimal,
    currency: str,
    mode: str,
) -> _Step:
    if charge.amount is not None:
        return (
            step,
            charge.name,
            None,
            None,
            (("amount", charge.amount),),
            None,
            running,
            value,
            None,
        )
    return (
        step,
        charge.name,
        None,
        None,
        (("percent", charge.percent), ("on", _make(on, currency))),
        charge._share,
        running,
        value,
        mode,
    )


def _risk_of(policy_or_risk: object, function: str) -> RatedRisk:
    if isinstance(policy_or_risk, RatedRisk):
        return policy_or_risk
    if isinstance(policy_or_risk, Policy):
        return RatedRisk.of(policy_or_risk)
    return _wrong_type(policy_or_risk, f"{function}(policy_or_risk)", "a RatedRisk or a Policy")


def _check_plan(plan: object, function: str) -> RatingPlan:
    if not isinstance(plan, RatingPlan):
        _wrong_type(plan, f"{function}(plan)", "a RatingPlan")
    return plan


def _check_term(term: object, function: str) -> PolicyTerm:
    if not isinstance(term, PolicyTerm):
        _wrong_type(term, f"{function}(term)", "a PolicyTerm")
    return term


def _change(premium: Decimal, expiring: Decimal, decimals: int) -> tuple[Decimal, Decimal | None]:
    """The change from ``expiring``, and in percent rounded half up to 2 places.

    Both amounts are in whole minor units (``decimals`` places), so the percentage
    is a ratio of integers, rounded away from zero on a tie.
    """
    change = _subtract(premium, expiring)
    if not expiring:
        return change, None
    units = int(change.scaleb(decimals, _QUANTIZE))
    base = int(expiring.scaleb(decimals, _QUANTIZE))
    magnitude, rest = divmod(abs(units) * 10_000, base)
    if 2 * rest >= base:
        magnitude += 1
    return change, _from_units(-magnitude if units < 0 else magnitude, 2)


def quote(
    policy_or_risk: RatedRisk | Policy,
    plan: RatingPlan,
    *,
    term: PolicyTerm,
    as_of: dt.date,
    rates_on: dt.date | None = None,
) -> Quote:
    """Price ``policy_or_risk`` for ``term`` with ``plan``, step by step.

    Args:
        policy_or_risk: a :class:`RatedRisk`, or a
            :class:`~renewal_core.model.Policy` rated through :meth:`RatedRisk.of`
            (its renewal, with the policy's premium as the expiring premium).
        plan: the :class:`RatingPlan`.
        term: the term priced, usually ``policy.term.renewal()``; at most a year.
        as_of: the day the quote is made; it is valid through ``as_of +
            plan.validity_days - 1``.
        rates_on: the day whose table versions apply; the term's start by default.

    Raises:
        ArgumentTypeError: an argument of the wrong type.
        DateTypeError: ``as_of`` or ``rates_on`` is not a day.
        InvalidField: the risk lacks an attribute a table is keyed by, or a sum
            insured the base needs.
        InvalidTerm: the term is longer than a year.
        DateOutOfRange: a year from the term's start, or the end of the quote's
            validity, falls after the year 9999.
        RateLookupError: a table has no version in force on ``rates_on``, or no rate
            for the risk.
        CurrencyMismatch: the risk's amounts are not in the plan's currency.

    >>> import pendulum
    >>> from renewal_core.money import Money
    >>> from renewal_core.periods import PolicyTerm
    >>> on = pendulum.date(2024, 1, 1)
    >>> plan = RatingPlan(
    ...     "property", "CNY",
    ...     SumInsuredRate(RateTable("rate", [TableVersion("v1", on, {(): Decimal("0.0015")})])),
    ...     minimum_premium=Money("100.00", "CNY"),
    ...     taxes=[Charge("vat", percent=6)],
    ... )
    >>> risk = RatedRisk({}, sum_insured=Money("500000", "CNY"),
    ...                  expiring_premium=Money("700.00", "CNY"))
    >>> short = PolicyTerm(pendulum.date(2024, 3, 1), pendulum.date(2024, 5, 31), "Asia/Shanghai")
    >>> result = quote(risk, plan, term=short, as_of=pendulum.date(2024, 2, 20))
    >>> for line in result.breakdown:
    ...     print(line.step.value, line.coefficient, line.amount, line.charge)
    base 0.0015 750.00 CNY None
    short_term 92/365 189.04 CNY None
    minimum None 189.04 CNY None
    tax 0.06 200.38 CNY 11.34 CNY
    >>> result.premium, result.total, result.change, result.change_percent
    (Money('189.04', 'CNY'), Money('200.38', 'CNY'), Money('12.60', 'CNY'), Decimal('7.14'))

    The change is like for like: the 700.00 annual expiring premium for 92 days is
    700.00 * 92/365 = 176.44, so the change is 12.60, 7.14%.
    >>> result.valid_until
    Date(2024, 3, 20)
    """
    risk = _risk_of(policy_or_risk, "quote")
    _check_plan(plan, "quote")
    _check_term(term, "quote")
    day = _to_date(as_of, "quote(as_of)")
    rates_day = term.start if rates_on is None else _to_date(rates_on, "quote(rates_on)")
    return _quote(risk, plan, term, day, rates_day, given=rates_on is not None)


def _quote(
    risk: RatedRisk,
    plan: RatingPlan,
    term: PolicyTerm,
    day: pendulum.Date,
    rates_day: pendulum.Date,
    *,
    given: bool,
) -> Quote:
    steps, premium, fees, taxes, total, used, share = _compute(risk, plan, term, rates_day)
    currency = plan.currency
    expiring = risk.expiring_premium
    change: Money | None = None
    percent: Decimal | None = None
    if expiring is not None:
        decimals = _decimals(currency)
        basis = expiring.amount
        if share is not None:  # like for like: the expiring premium for as long a term
            numerator, denominator = basis.as_integer_ratio()
            multiplier, divisor = share
            basis = _from_units(
                _round_ratio(
                    numerator * 10**decimals * multiplier, denominator * divisor, plan.rounding
                ),
                decimals,
            )
        difference, percent = _change(premium, basis, decimals)
        change = _make(difference if difference else difference.copy_abs(), currency)
    return _make_quote(
        plan,
        risk,
        term,
        day,
        rates_day,
        _valid_until(day, plan.validity_days),
        _make(premium, currency),
        _make(fees, currency),
        _make(taxes, currency),
        _make(total, currency),
        expiring,
        change,
        percent,
        tuple(steps),
        used,
        given,
    )


# --------------------------------------------------------------------------- verification


@attrs.frozen(init=False)
class QuoteVerification:
    """Whether a quote still holds (from :func:`verify_quote` only).

    Attributes:
        valid: ``True`` when there are no reasons.
        reasons: why the quote no longer holds, as
            :class:`~renewal_core.reasons.Reason` (codes in the module docstring).
        checked_on: the day of the check.
        quote: the quote checked.
        recomputed: the quote as made on ``checked_on`` with the inputs and plan
            given, or ``None`` when the risk can no longer be rated.
    """

    valid: bool
    reasons: tuple[Reason, ...]
    checked_on: pendulum.Date
    quote: Quote = attrs.field(repr=False)
    recomputed: Quote | None = attrs.field(repr=False)


_make_verification = _maker(
    QuoteVerification, "valid", "reasons", "checked_on", "quote", "recomputed"
)


def verify_quote(
    quote: Quote,
    policy_or_risk: RatedRisk | Policy,
    plan: RatingPlan,
    *,
    on: dt.date,
    term: PolicyTerm | None = None,
) -> QuoteVerification:
    """Recompute ``quote`` on ``on`` and say whether it still holds.

    The quote holds when ``on`` is within its validity period and the risk, the
    term (the quote's by default), the plan, the table versions in force on the
    quote's ``rates_on`` and the total are all unchanged.

    Raises:
        ArgumentTypeError: an argument of the wrong type.
        DateTypeError: ``on`` is not a day.
        InvalidField: ``on`` is before the quote's ``as_of``.

    >>> import attrs, pendulum
    >>> from renewal_core.money import Money
    >>> from renewal_core.periods import PolicyTerm
    >>> on = pendulum.date(2025, 1, 1)
    >>> rates = RateTable("rate", [TableVersion("v1", on, {(): Decimal("0.01")})])
    >>> plan = RatingPlan("fire", "CNY", SumInsuredRate(rates), validity_days=15)
    >>> risk = RatedRisk({}, sum_insured=Money("80000", "CNY"))
    >>> term = PolicyTerm.annual(pendulum.date(2025, 3, 1), "Asia/Shanghai")
    >>> offer = quote(risk, plan, term=term, as_of=pendulum.date(2025, 2, 1))
    >>> verify_quote(offer, risk, plan, on=pendulum.date(2025, 2, 10)).valid
    True
    >>> bigger = attrs.evolve(risk, sum_insured=Money("90000", "CNY"))
    >>> check = verify_quote(offer, bigger, plan, on=pendulum.date(2025, 2, 20))
    >>> [reason.code for reason in check.reasons]
    ['quote.expired', 'quote.inputs_changed', 'quote.premium_changed']
    >>> check.recomputed.total
    Money('900.00', 'CNY')
    """
    if not isinstance(quote, Quote):
        _wrong_type(quote, "verify_quote(quote)", "a Quote")
    risk = _risk_of(policy_or_risk, "verify_quote")
    _check_plan(plan, "verify_quote")
    checked_term = quote.term if term is None else _check_term(term, "verify_quote")
    day = _to_date(on, "verify_quote(on)")
    if day < quote.as_of:
        raise InvalidField(
            "verify_quote",
            "on",
            f"{day} is before {quote.as_of}, the day the quote was made; check on that day "
            "or later",
        )
    reasons: list[Reason] = []
    if day > quote.valid_until:
        reasons.append(
            _reason(
                "quote.expired",
                Severity.BLOCK,
                _RULE,
                f"the quote was valid until {quote.valid_until}",
                {"valid_until": quote.valid_until, "checked_on": day},
            )
        )
    if _inputs_digest(risk, checked_term, quote.rates_on) != quote.inputs_digest:
        reasons.append(
            _reason(
                "quote.inputs_changed",
                Severity.BLOCK,
                _RULE,
                "the risk or the term differs from the quote's",
                {"inputs_digest": quote.inputs_digest},
            )
        )
    if plan.digest != quote.plan.digest:
        reasons.append(
            _reason(
                "quote.plan_changed",
                Severity.BLOCK,
                _RULE,
                f"plan {plan.name!r} differs from the plan quoted ({quote.plan.name!r})",
                {"plan_digest": quote.plan.digest},
            )
        )
    try:
        # Tables of the stated day, or else of the (possibly new) term's start.
        rates_day = quote.rates_on if quote._rates_given else checked_term.start
        recomputed: Quote | None = _quote(
            risk, plan, checked_term, day, rates_day, given=quote._rates_given
        )
    except (RateLookupError, InvalidField, InvalidTerm, CurrencyMismatch) as error:
        recomputed = None
        reasons.append(
            _reason(
                "quote.rates_unavailable",
                Severity.BLOCK,
                _RULE,
                f"the risk can no longer be rated: {error}",
            )
        )
    if recomputed is not None:
        before = [
            (name, version.digest)
            for (name, _), version in zip(quote.versions, quote._used, strict=True)
        ]
        after = [
            (name, version.digest)
            for (name, _), version in zip(recomputed.versions, recomputed._used, strict=True)
        ]
        if before != after:
            changed = [
                f"{name} {old} -> {new}"
                for (name, old), (_, new), old_v, new_v in zip(
                    quote.versions,
                    recomputed.versions,
                    quote._used,
                    recomputed._used,
                    strict=False,
                )
                if old_v.digest != new_v.digest
            ]
            reasons.append(
                _reason(
                    "quote.tables_changed",
                    Severity.BLOCK,
                    _RULE,
                    "the rate tables in force differ from the quote's: "
                    + ("; ".join(changed) if changed else "other tables are used"),
                    {"before": quote.versions, "after": recomputed.versions},
                )
            )
        if recomputed.total != quote.total:
            reasons.append(
                _reason(
                    "quote.premium_changed",
                    Severity.BLOCK,
                    _RULE,
                    f"the total is now {recomputed.total}, not {quote.total}",
                    {"quoted": quote.total, "recomputed": recomputed.total},
                )
            )
    return _make_verification(not reasons, tuple(reasons), day, quote, recomputed)
