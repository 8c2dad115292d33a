r"""Localized display of amounts, numbers and days, through babel (CLDR).

The locale is always an argument: nothing here reads a process-wide default.
Parsed locales are cached, because parsing one costs far more than formatting.

Formatting never rounds: an amount finer than its currency's minor unit is shown
with all of its digits, so a display can never hide an unrounded figure. Round with
:meth:`renewal_core.money.Money.round` first when that is what you mean to show.

>>> from renewal_core import Money, format_money
>>> format_money(Money("1234567.5", "CNY"), "zh_CN")
'¥1,234,567.50'
>>> format_money(Money("1234567.5", "EUR"), "de_DE")
'1.234.567,50\xa0€'
>>> format_money(Money("8.3333", "CNY"), "en_US")
'CN¥8.3333'
"""

from __future__ import annotations

import decimal
import functools
import re
from datetime import date
from decimal import Decimal
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from renewal_core.errors import AmountTypeError, InvalidAmount, UnknownLocale, _shown
from renewal_core.money import Money
from renewal_core.periods import _check_day

__all__ = ["format_day", "format_money", "format_number", "parse_locale"]

# Refused locale identifiers that messages may show as they are (see errors._shown).
_LOCALE_SHAPE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{1,8}){0,3}")


@functools.lru_cache(maxsize=256)
def _parse(identifier: str) -> Locale:
    try:
        return Locale.parse(identifier)
    except (ValueError, TypeError, UnknownLocaleError):
        pass
    # Raised outside the except block: babel's own error repeats the identifier,
    # which may be personal data in the wrong field, and must not be chained.
    raise UnknownLocale(_shown(identifier, _LOCALE_SHAPE))


def parse_locale(locale: str | Locale) -> Locale:
    """Return a babel ``Locale`` for an identifier such as ``"zh_CN"`` (cached).

    >>> parse_locale("zh_CN").display_name
    '中文 (简体, 中国)'

    Raises:
        UnknownLocale: babel cannot parse the identifier or does not know it.
    """
    if isinstance(locale, Locale):
        return locale
    if not isinstance(locale, str):
        raise UnknownLocale(_shown(locale, _LOCALE_SHAPE))
    return _parse(locale)


def _exact_context(number: Decimal) -> decimal.Context:
    # babel computes in the thread's decimal context; give it one wide enough for
    # every digit of the number, so nothing the caller set can round the display.
    digits = len(number.as_tuple().digits) + abs(number.adjusted()) + 10
    return decimal.Context(
        prec=max(28, digits), Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[]
    )


def format_money(money: Money, locale: str | Locale) -> str:
    """Format an amount for people reading ``locale``, with its currency symbol.

    At least the currency's decimals are shown, and every further digit the amount
    carries (nothing is rounded away).

    >>> format_money(Money("-12.3", "USD"), "en_US")
    '-$12.30'
    >>> format_money(Money("1500", "JPY"), "ja_JP")
    '￥1,500'
    """
    if not isinstance(money, Money):
        raise AmountTypeError(type(money).__name__, "a Money", "format_money")
    amount = money.amount
    with decimal.localcontext(_exact_context(amount)):
        return format_currency(
            amount, money.currency, locale=parse_locale(locale), decimal_quantization=False
        )


def format_number(number: Decimal | int, locale: str | Locale) -> str:
    """Format a number with the locale's separators, keeping every digit.

    >>> format_number(Decimal("1234.5678"), "de_DE")
    '1.234,5678'
    """
    if isinstance(number, bool) or not isinstance(number, Decimal | int):
        raise AmountTypeError(type(number).__name__, "a Decimal or an int", "format_number")
    value = Decimal(number)
    if not value.is_finite():
        raise InvalidAmount(repr(number), "not a finite number", "a finite Decimal or an int")
    with decimal.localcontext(_exact_context(value)):
        return format_decimal(value, locale=parse_locale(locale), decimal_quantization=False)


def format_day(
    day: date, locale: str | Locale, *, style: Literal["short", "medium", "long", "full"] = "long"
) -> str:
    """Format a calendar day for ``locale``.

    >>> from datetime import date
    >>> format_day(date(2025, 2, 28), "zh_CN")
    '2025年2月28日'
    >>> format_day(date(2025, 2, 28), "en_US", style="medium")
    'Feb 28, 2025'

    Raises:
        DateTypeError: ``day`` is a datetime (format its local day instead) or not a
            date.
    """
    _check_day(day, "day")
    return format_date(day, format=style, locale=parse_locale(locale))
