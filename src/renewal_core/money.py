"""Money: an exact decimal amount in one currency.

:class:`Money` holds a :class:`~decimal.Decimal` amount and an ISO 4217 currency code.
It is immutable, hashable and exact:

* amounts are built from ``Decimal``, ``int`` or a plain decimal string; floats, bools,
  NaN and infinities are refused;
* addition, subtraction and multiplication are exact whatever the thread's decimal
  context says (they run in a private context with unlimited precision);
* division is computed to :data:`DIVISION_DIGITS` significant digits, half-even,
  and is meant to be followed by :meth:`Money.round`; to split an amount into parts
  use :meth:`Money.allocate` or :meth:`Money.split`, which never lose a minor unit;
* currencies never mix: combining two currencies raises
  :class:`~renewal_core.errors.CurrencyMismatch`;
* rounding always names its mode; the default is ``ROUND_HALF_UP`` (ties away from
  zero, the rounding of Chinese and most insurance tariffs).

Minor units (the number of decimals of a currency) come from CLDR through babel:
CNY 2, JPY 0, KWD 3, CLF 4. CLDR differs from ISO 4217 for a few currencies (IQD is 0
in CLDR and 3 in ISO 4217); every operation that depends on minor units takes a
``minor_units=`` keyword to override CLDR for that call.

>>> from decimal import Decimal
>>> from renewal_core import Money
>>> premium = Money("1234.56", "CNY")
>>> premium * Decimal("0.85")
Money('1049.3760', 'CNY')
>>> (premium * Decimal("0.85")).round()
Money('1049.38', 'CNY')
>>> premium.split(3)
(Money('411.52', 'CNY'), Money('411.52', 'CNY'), Money('411.52', 'CNY'))
"""

from __future__ import annotations

import decimal
import functools
import re
from collections.abc import Iterable
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Final, NoReturn, cast

import attrs
from babel.numbers import get_currency_precision, list_currencies

from renewal_core.errors import (
    AllocationError,
    AmountTypeError,
    CurrencyMismatch,
    InvalidAmount,
    InvalidRounding,
    MoneyDivisionByZero,
    UnknownCurrency,
    _shown,
)

__all__ = [
    "AMOUNT_DIGITS_LIMIT",
    "DEFAULT_ROUNDING",
    "DIVISION_DIGITS",
    "DIVISION_FRACTION_DIGITS",
    "ROUNDING_MODES",
    "Money",
    "is_plain_decimal",
    "minor_units",
]

DEFAULT_ROUNDING: Final = ROUND_HALF_UP
"""The rounding mode used when none is named (half up, ties away from zero)."""

ROUNDING_MODES: Final = frozenset(
    {
        ROUND_05UP,
        ROUND_CEILING,
        ROUND_DOWN,
        ROUND_FLOOR,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
        ROUND_HALF_UP,
        ROUND_UP,
    }
)
"""The rounding modes :meth:`Money.round` accepts, the eight of :mod:`decimal`."""

DIVISION_DIGITS: Final = 34
"""Significant digits kept by ``Money / n`` (as IEEE 754 decimal128), half-even.

A quotient of 10**6 or more keeps more: always at least
:data:`DIVISION_FRACTION_DIGITS` digits after the decimal point.
"""

DIVISION_FRACTION_DIGITS: Final = 28
"""Digits after the decimal point that ``Money / n`` always keeps, at the least."""

AMOUNT_DIGITS_LIMIT: Final = 10_000
"""Amounts, factors and ratios must lie within ``10**±AMOUNT_DIGITS_LIMIT``.

The bound keeps every operation fast and inside the decimal module's range: an
amount of ``1E+100000000`` would make allocation build a hundred-million-digit
integer. No real amount comes near it. New amounts and ratios are checked when they
are made; a product is checked when it is rounded, allocated or split (checking
every multiplication would slow the hot path for no real case).
"""

_MAX_MINOR_UNITS: Final = 18

# Exact arithmetic whatever the caller's thread context: unlimited precision, and
# every condition that would lose information is an error.
_EXACT: Final = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    rounding=ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
_DIVIDE: Final = decimal.Context(
    prec=DIVISION_DIGITS,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    rounding=ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_QUANTIZE: Final = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.Overflow],
)
_add = _EXACT.add
_subtract = _EXACT.subtract
_multiply = _EXACT.multiply
_UNITS: Final = tuple(Decimal(1).scaleb(-n) for n in range(_MAX_MINOR_UNITS + 1))
_POWERS_OF_TEN: Final[tuple[int, ...]] = tuple(10**n for n in range(_MAX_MINOR_UNITS + 1))

_PLAIN_DECIMAL: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
# Refused values that an error message may show as they are: short, and of a shape
# no personal datum has (three capitals; digits with an exponent or separators; NaN).
# Anything else is described by its length only: it may be personal data.
_CODE_SHAPE: Final = re.compile(r"[A-Z]{3}")
_AMOUNT_SHAPE: Final = re.compile(r"[0-9.,+\-eE_ ]+|(?i:s?nan|inf|infinity)")
_AMOUNT_SHOWN_LENGTH: Final = 8

_AMOUNT_TYPES: Final = "a Decimal, an int or a decimal string"
_FACTOR_TYPES: Final = "a Decimal or an int"
_AMOUNT_EXPECTED: Final = "a Decimal, an int or a decimal string such as '1234.50'"
_FACTOR_EXPECTED: Final = "a finite Decimal or an int"
_RATIO_EXPECTED: Final = "ratios within 10**±AMOUNT_DIGITS_LIMIT, scaled alike"
_RATIO_BITS: Final = AMOUNT_DIGITS_LIMIT * 10 // 3 + 1  # an int below 10**AMOUNT_DIGITS_LIMIT


@functools.cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


_MINOR_OF: dict[str, int] = {}


def _cldr_minor_units(currency: str) -> int:
    # Memoized in a plain dict: a dict lookup is the cheapest cache on hot paths.
    units = _MINOR_OF.get(currency)
    if units is None:
        units = _MINOR_OF[currency] = get_currency_precision(currency)
    return units


def _check_currency(currency: object) -> str:
    if type(currency) is str:
        if currency in _known_currencies():
            return currency
    elif isinstance(currency, str) and currency in _known_currencies():
        return str.__str__(currency)  # a StrEnum member or other str subclass: its text
    raise UnknownCurrency(_shown(currency, _CODE_SHAPE, known=_near_code))


def _near_code(text: str) -> bool:
    # A known code in the wrong case ("cny") is shown; other words are not.
    return text.upper() in _known_currencies()


def minor_units(currency: str) -> int:
    """Return the number of decimals of ``currency`` per CLDR.

    >>> minor_units("CNY"), minor_units("JPY"), minor_units("KWD"), minor_units("CLF")
    (2, 0, 3, 4)

    Raises:
        UnknownCurrency: ``currency`` is not a code CLDR knows.
    """
    return _cldr_minor_units(_check_currency(currency))


def _check_minor_units(value: object) -> int:
    if type(value) is not int or not 0 <= value <= _MAX_MINOR_UNITS:
        raise InvalidRounding(
            repr(value), f"minor_units must be an int from 0 to {_MAX_MINOR_UNITS}"
        )
    return value


def _units_for(currency: str, override: int | None) -> int:
    if override is None:
        units = _MINOR_OF.get(currency)
        return _cldr_minor_units(currency) if units is None else units
    return _check_minor_units(override)


def _refuse_rounding(rounding: object) -> NoReturn:
    raise InvalidRounding(
        repr(rounding), "use one of the decimal module's modes, e.g. decimal.ROUND_HALF_UP"
    )


def is_plain_decimal(text: str) -> bool:
    """Whether ``text`` is a plain decimal number, the only strings amounts accept.

    Plain means digits with an optional sign and an optional decimal point followed
    by digits: no exponent, no spaces, no thousands separators.

    >>> is_plain_decimal("-1234.50"), is_plain_decimal("1e3"), is_plain_decimal("1,000")
    (True, False, False)
    """
    return _PLAIN_DECIMAL.fullmatch(text) is not None


def _in_range(number: Decimal, given: object, expected: str) -> Decimal:
    # Finite, within 10**±AMOUNT_DIGITS_LIMIT, and never negative zero.
    if not number.is_finite():
        raise InvalidAmount(repr(given), "not a finite number", expected)
    if number:
        if not -AMOUNT_DIGITS_LIMIT <= int(number.as_tuple().exponent) <= AMOUNT_DIGITS_LIMIT or (
            abs(number.adjusted()) > AMOUNT_DIGITS_LIMIT
        ):
            raise InvalidAmount(
                f"with exponent {number.adjusted()}",
                f"out of range: amounts, factors and ratios lie within 10**±{AMOUNT_DIGITS_LIMIT}",
                expected,
            )
        return number
    return number.copy_abs() if number.is_signed() else number


def _to_amount(value: object) -> Decimal:
    if isinstance(value, str):
        if not is_plain_decimal(value):
            raise InvalidAmount(
                _shown(value, _AMOUNT_SHAPE, max_length=_AMOUNT_SHOWN_LENGTH),
                "not a plain decimal number (digits with an optional sign and decimal "
                "point; no exponent, spaces or thousands separators)",
            )
        return _in_range(Decimal(value), value, _AMOUNT_EXPECTED)
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AmountTypeError(type(value).__name__, _AMOUNT_TYPES, "Money")
    if isinstance(value, int):
        return _in_range(Decimal(int(value)), value, _AMOUNT_EXPECTED)
    return _in_range(value if type(value) is Decimal else Decimal(value), value, _AMOUNT_EXPECTED)


def _to_factor(value: object, operation: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise AmountTypeError(type(value).__name__, _FACTOR_TYPES, operation)
    if isinstance(value, int):
        return _in_range(Decimal(int(value)), value, _FACTOR_EXPECTED)
    return _in_range(value if type(value) is Decimal else Decimal(value), value, _FACTOR_EXPECTED)


@attrs.frozen(slots=True, init=False, repr=False, order=False)
class Money:
    """An exact amount of one currency.

    Args:
        amount: a :class:`~decimal.Decimal`, an ``int`` or a plain decimal string
            (``"1234.50"``, ``"-3"``). Floats and bools are refused (``AmountTypeError``);
            NaN, infinities and strings with exponents, spaces or separators are refused
            (``InvalidAmount``). The amount is kept exactly as given: ``Money("1.5",
            "CNY")`` keeps one decimal until it is rounded.
        currency: an upper-case ISO 4217 code known to CLDR (``UnknownCurrency``
            otherwise).

    Equal amounts in the same currency are equal whatever their number of decimals
    (``Money("1.5", "CNY") == Money("1.50", "CNY")``) and hash alike. A zero amount is
    falsy. Amounts of different currencies are never equal and never combine.

    >>> Money("99.90", "CNY") + Money("0.10", "CNY")
    Money('100.00', 'CNY')
    >>> sum([Money("1.10", "USD"), Money("2.20", "USD")])
    Money('3.30', 'USD')
    >>> Money(0.1, "CNY")
    Traceback (most recent call last):
    ...
    renewal_core.errors.AmountTypeError: Money takes a Decimal, an int or a decimal string, \
not float (floats are inexact; write Decimal('0.1') or the string '0.1')
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        _set_amount(self, _to_amount(amount))
        _set_currency(self, _check_currency(currency))

    # ------------------------------------------------------------------ constructors

    @classmethod
    def zero(cls, currency: str, *, minor_units: int | None = None) -> Money:
        """Return zero in ``currency``, with the currency's decimals.

        >>> Money.zero("CNY"), Money.zero("JPY"), Money.zero("IQD", minor_units=3)
        (Money('0.00', 'CNY'), Money('0', 'JPY'), Money('0.000', 'IQD'))
        """
        code = _check_currency(currency)
        return _make(_from_units(0, _units_for(code, minor_units)), code)

    @classmethod
    def from_minor_units(
        cls, units: int, currency: str, *, minor_units: int | None = None
    ) -> Money:
        """Build an amount from a whole number of minor units (cents, fen, fils).

        >>> Money.from_minor_units(123456, "CNY")
        Money('1234.56', 'CNY')
        >>> Money.from_minor_units(1500, "KWD")
        Money('1.500', 'KWD')
        """
        if type(units) is not int:
            raise AmountTypeError(type(units).__name__, "an int", "from_minor_units")
        code = _check_currency(currency)
        amount = _from_units(units, _units_for(code, minor_units))
        return _make(_in_range(amount, amount, "a whole number of minor units in range"), code)

    @classmethod
    def total(
        cls, amounts: Iterable[Money], currency: str, *, minor_units: int | None = None
    ) -> Money:
        """Add up amounts of one currency in one pass; nothing to add gives zero.

        Unlike ``sum()``, an empty iterable still gives an amount in ``currency``,
        and no intermediate ``Money`` is built, so totalling a book is about as fast
        as adding the decimals by hand. The total has at least the currency's
        decimals (``minor_units`` overrides CLDR's).

        >>> Money.total([Money("1.10", "CNY"), Money("2.2", "CNY")], "CNY")
        Money('3.30', 'CNY')
        >>> Money.total([], "JPY")
        Money('0', 'JPY')

        Raises:
            CurrencyMismatch: an amount is in another currency.
            AmountTypeError: an item is not a ``Money``.
        """
        code = _check_currency(currency)
        result = _from_units(0, _units_for(code, minor_units))
        add = _add
        for money in amounts:
            if money.__class__ is not Money:
                raise AmountTypeError(type(money).__name__, "Money amounts", "Money.total")
            if money.currency != code:
                raise CurrencyMismatch(code, money.currency, "add")
            result = add(result, money.amount)
        return _make(result, code)

    # ------------------------------------------------------------------ views

    def to_minor_units(self, *, minor_units: int | None = None) -> int:
        """Return the amount as a whole number of minor units.

        >>> Money("1234.56", "CNY").to_minor_units()
        123456

        Raises:
            AllocationError: the amount is finer than the minor unit; round it first.
        """
        return _whole_units(self, _units_for(self.currency, minor_units), "convert to minor units")

    def is_zero(self) -> bool:
        """Whether the amount is zero."""
        return not self.amount

    def is_positive(self) -> bool:
        """Whether the amount is greater than zero."""
        return self.amount > 0

    def is_negative(self) -> bool:
        """Whether the amount is less than zero."""
        return self.amount < 0

    # ------------------------------------------------------------------ rounding

    def round(self, rounding: str = DEFAULT_ROUNDING, *, minor_units: int | None = None) -> Money:
        """Round to the currency's minor unit with an explicit mode.

        Args:
            rounding: one of :data:`ROUNDING_MODES`; default ``ROUND_HALF_UP`` (ties
                away from zero, so ``-0.125`` becomes ``-0.13``).
            minor_units: decimals to keep instead of the CLDR figure.

        >>> from decimal import ROUND_HALF_EVEN
        >>> Money("2.345", "CNY").round(), Money("2.345", "CNY").round(ROUND_HALF_EVEN)
        (Money('2.35', 'CNY'), Money('2.34', 'CNY'))
        >>> Money("1234.5", "JPY").round()
        Money('1235', 'JPY')
        >>> Money("1.2345", "IQD").round(minor_units=3)
        Money('1.235', 'IQD')
        """
        if rounding.__class__ is not str or rounding not in ROUNDING_MODES:
            _refuse_rounding(rounding)
        currency = self.currency
        unit = _UNITS[_units_for(currency, minor_units)]
        amount = self.amount
        if amount.adjusted() > AMOUNT_DIGITS_LIMIT:
            _in_range(amount, amount, _FACTOR_EXPECTED)  # raises: the result is too large
        rounded = amount.quantize(unit, rounding, _QUANTIZE)
        return _make(rounded if rounded else rounded.copy_abs(), currency)  # no -0.00

    # ------------------------------------------------------------------ allocation

    def allocate(
        self, ratios: Iterable[Decimal | int], *, minor_units: int | None = None
    ) -> tuple[Money, ...]:
        """Split the amount into parts proportional to ``ratios``, losing nothing.

        Each part first gets its proportional share rounded down to the minor unit;
        the units left over go one each to the parts with the largest remainders,
        earlier parts first on a tie. The parts always add up exactly to the amount.
        A negative amount is allocated as its absolute value, then negated, so
        ``(-m).allocate(r) == tuple(-p for p in m.allocate(r))``.

        Args:
            ratios: non-negative ``Decimal`` or ``int`` weights, at least one of them
                greater than zero. A zero ratio gets a zero part.
            minor_units: decimals of the parts instead of the CLDR figure.

        Raises:
            AllocationError: the amount is finer than the minor unit (round it first),
                or the ratios are empty, all zero or negative.
            AmountTypeError: a ratio is a float, a bool or not a number.

        >>> Money("100.00", "CNY").allocate([1, 1, 1])
        (Money('33.34', 'CNY'), Money('33.33', 'CNY'), Money('33.33', 'CNY'))
        >>> Money("100.00", "CNY").allocate([Decimal("0.7"), Decimal("0.3")])
        (Money('70.00', 'CNY'), Money('30.00', 'CNY'))
        """
        units = _units_for(self.currency, minor_units)
        whole = _whole_units(self, units, "allocate")
        weights = _weights(ratios)
        total = sum(weights)
        if total == 0:
            raise AllocationError("the ratios are all zero; give at least one ratio above 0")
        magnitude = -whole if whole < 0 else whole
        shares: list[int] = []
        remainders: list[int] = []
        for weight in weights:
            share, remainder = divmod(magnitude * weight, total)
            shares.append(share)
            remainders.append(remainder)
        left = magnitude - sum(shares)
        if left:
            by_remainder = sorted(range(len(shares)), key=remainders.__getitem__, reverse=True)
            # sorted() is stable and reverse=True keeps equal keys in their original
            # order, so on a tie the earlier part gets the unit.
            for index in by_remainder[:left]:
                shares[index] += 1
        currency = self.currency
        if whole < 0:
            return tuple(_make(_from_units(-share, units), currency) for share in shares)
        return tuple(_make(_from_units(share, units), currency) for share in shares)

    def split(self, parts: int, *, minor_units: int | None = None) -> tuple[Money, ...]:
        """Split into ``parts`` equal parts; earlier parts take the leftover units.

        The same as ``allocate([1] * parts)``.

        >>> Money("1000.00", "CNY").split(12)[:5]
        (Money('83.34', 'CNY'), Money('83.34', 'CNY'), Money('83.34', 'CNY'), \
Money('83.34', 'CNY'), Money('83.33', 'CNY'))
        >>> sum(Money("1000.00", "CNY").split(12))
        Money('1000.00', 'CNY')

        Raises:
            AllocationError: ``parts`` is below 1, or the amount is finer than the
                minor unit.
        """
        if type(parts) is not int:
            raise AmountTypeError(type(parts).__name__, "an int", "split")
        if parts < 1:
            raise AllocationError(f"parts must be at least 1, not {parts}")
        currency = self.currency
        units = _units_for(currency, minor_units)
        whole = _whole_units(self, units, "split")
        # Equal ratios leave equal remainders, so largest-remainder allocation
        # reduces to divmod: the first ``extra`` parts get one unit more.
        if whole < 0:
            base, extra = divmod(-whole, parts)
            base, step = -base, -1
        else:
            base, extra = divmod(whole, parts)
            step = 1
        low = _make(_from_units(base, units), currency)
        if not extra:
            return (low,) * parts
        high = _make(_from_units(base + step, units), currency)
        return (high,) * extra + (low,) * (parts - extra)

    # ------------------------------------------------------------------ arithmetic

    def __add__(self, other: Money) -> Money:
        if other.__class__ is Money:
            if other.currency != self.currency:
                raise CurrencyMismatch(self.currency, other.currency, "add")
            return _make(_add(self.amount, other.amount), self.currency)
        return _refuse_bare(other, "Money addition")

    def __radd__(self, other: int) -> Money:
        if other.__class__ is int and other == 0:
            return self  # lets sum() start from its default 0
        return _refuse_bare(other, "Money addition")

    def __sub__(self, other: Money) -> Money:
        if other.__class__ is Money:
            if other.currency != self.currency:
                raise CurrencyMismatch(self.currency, other.currency, "subtract")
            return _make(_subtract(self.amount, other.amount), self.currency)
        return _refuse_bare(other, "Money subtraction")

    def __rsub__(self, other: object) -> Money:
        return _refuse_bare(other, "Money subtraction")

    def __mul__(self, factor: Decimal | int) -> Money:
        if factor.__class__ is not Decimal or not factor.is_finite():
            factor = _to_factor(factor, "Money multiplication")
        product = _multiply(self.amount, factor)
        if not product:
            product = product.copy_abs()  # never negative zero
        elif not -AMOUNT_DIGITS_LIMIT <= product.adjusted() <= AMOUNT_DIGITS_LIMIT:
            _in_range(product, product, _FACTOR_EXPECTED)  # raises: out of range
        return _make(product, self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        value = _to_factor(divisor, "Money division")
        if not value:
            raise MoneyDivisionByZero(str(self))
        amount = self.amount
        if not amount:
            return _make(amount, self.currency)
        quotient = _divide(amount, value)
        if not -AMOUNT_DIGITS_LIMIT <= quotient.adjusted() <= AMOUNT_DIGITS_LIMIT:
            _in_range(quotient, quotient, _FACTOR_EXPECTED)  # raises: out of range
        return _make(quotient, self.currency)

    def __neg__(self) -> Money:
        amount = self.amount
        return _make(amount.copy_negate() if amount else amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return _make(self.amount.copy_abs(), self.currency)

    def __bool__(self) -> bool:
        return bool(self.amount)

    # ------------------------------------------------------------------ ordering

    def _comparable(self, other: object, operation: str) -> Decimal:
        if other.__class__ is not Money:
            raise AmountTypeError(type(other).__name__, "a Money in the same currency", operation)
        assert isinstance(other, Money)  # noqa: S101 - narrows the type for mypy
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency, "compare")
        return other.amount

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._comparable(other, "Money comparison")

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._comparable(other, "Money comparison")

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._comparable(other, "Money comparison")

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._comparable(other, "Money comparison")

    # ------------------------------------------------------------------ text

    def __repr__(self) -> str:
        return f"Money('{self.amount:f}', '{self.currency}')"

    def __str__(self) -> str:
        """``"1234.50 CNY"``, never in exponent notation; for people use ``format_money``."""
        return f"{self.amount:f} {self.currency}"


_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__
_new_object = object.__new__


def _make(amount: Decimal, currency: str) -> Money:
    # Internal constructor for values already validated: skips the checks of
    # __init__, which is what keeps arithmetic close to raw Decimal speed.
    money: Money = _new_object(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


def _from_units(units: int, decimals: int) -> Decimal:
    # Exact: the minor unit (Decimal('0.01')) times a whole number, with that exponent.
    return _multiply(_UNITS[decimals], units)


def _whole_units(money: Money, decimals: int, operation: str) -> int:
    amount = money.amount
    if abs(amount.adjusted()) > AMOUNT_DIGITS_LIMIT:
        raise InvalidAmount(f"with exponent {amount.adjusted()}", "out of range to split")
    # amount = numerator / denominator exactly; it is a whole number of minor units
    # when the denominator divides 10**decimals.
    numerator, denominator = amount.as_integer_ratio()
    scale = _POWERS_OF_TEN[decimals]
    if scale % denominator:
        raise AllocationError(
            f"it needs an amount in whole minor units, and {money} is finer than "
            f"{decimals} decimals; round it first with .round()",
            operation,
        )
    return numerator * (scale // denominator)


def _divide(amount: Decimal, divisor: Decimal) -> Decimal:
    # DIVISION_DIGITS significant digits, and at least DIVISION_FRACTION_DIGITS after
    # the point: a large quotient gets a wider context.
    digits = amount.adjusted() - divisor.adjusted() + 2 + DIVISION_FRACTION_DIGITS
    if digits <= DIVISION_DIGITS:
        return _DIVIDE.divide(amount, divisor)
    return _division_context(digits).divide(amount, divisor)


@functools.lru_cache(maxsize=64)
def _division_context(digits: int) -> decimal.Context:
    # Built whole before it is cached, so no thread ever sees a half-set context;
    # bounded, since the widths are as many as the amounts' magnitudes.
    return decimal.Context(
        prec=digits,
        Emax=decimal.MAX_EMAX,
        Emin=decimal.MIN_EMIN,
        rounding=ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def _weights(ratios: Iterable[Decimal | int]) -> list[int]:
    values = list(ratios)
    if not values:
        raise AllocationError("no ratios given; give at least one")
    exponent = 0
    for value in values:
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise AmountTypeError(type(value).__name__, _FACTOR_TYPES, "allocate ratios")
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise AllocationError(f"ratio {value!r} is not a finite number")
            _in_range(value, value, _RATIO_EXPECTED)
            exponent = min(exponent, int(value.as_tuple().exponent))
        elif value.bit_length() > _RATIO_BITS:
            raise InvalidAmount(
                f"with about {value.bit_length() * 3 // 10} digits",
                "out of range",
                _RATIO_EXPECTED,
            )
        if value < 0:
            raise AllocationError(f"ratio {value!r} is negative; ratios must be 0 or more")
    if exponent == 0:
        return [int(value) for value in values]
    return [int(Decimal(value).scaleb(-exponent, _EXACT)) for value in values]


def _refuse_bare(other: object, operation: str) -> Money:
    # Bare numbers are refused with a clear error; anything else gets NotImplemented
    # so that Python can try the other operand (and raise its usual TypeError).
    if isinstance(other, Decimal | int | float | str):
        raise AmountTypeError(type(other).__name__, "a Money in the same currency", operation)
    return cast("Money", NotImplemented)
