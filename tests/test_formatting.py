"""Tests for renewal_core.formatting."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime
from decimal import Decimal

import pendulum
import pytest
from babel import Locale

from renewal_core import Money, format_day, format_money, format_number, parse_locale
from renewal_core.errors import (
    AmountTypeError,
    DateTypeError,
    InvalidAmount,
    RenewalError,
    UnknownLocale,
)


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234567.5", "CNY", "zh_CN", "¥1,234,567.50"),
        ("1234567.5", "EUR", "de_DE", "1.234.567,50\xa0€"),
        ("-12.3", "USD", "en_US", "-$12.30"),
        ("1500", "JPY", "ja_JP", "￥1,500"),
        ("0", "CNY", "zh_CN", "¥0.00"),
        ("1.5", "KWD", "en_US", "KWD1.500"),
    ],
)
def test_format_money(amount: str, currency: str, locale: str, expected: str) -> None:
    assert format_money(Money(amount, currency), locale) == expected


def test_format_money_never_rounds_away_digits() -> None:
    assert format_money(Money("8.3333", "CNY"), "zh_CN") == "¥8.3333"
    assert format_money(Money("8.3333", "CNY").round(), "zh_CN") == "¥8.33"


def test_locale_objects_are_accepted_and_identifiers_cached() -> None:
    zh = Locale.parse("zh_CN")
    assert format_money(Money("1", "CNY"), zh) == "¥1.00"
    assert parse_locale(zh) is zh
    assert parse_locale("en_US") is parse_locale("en_US")


@pytest.mark.parametrize("bad", ["xx_YY", "", "zh-", "not a locale"])
def test_unknown_locales_are_refused(bad: str) -> None:
    with pytest.raises(UnknownLocale) as info:
        format_money(Money("1", "CNY"), bad)
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, RenewalError)
    assert "zh_CN" in str(info.value)


def test_non_string_locale_is_refused() -> None:
    with pytest.raises(UnknownLocale):
        parse_locale(None)  # type: ignore[arg-type]


def test_format_number_keeps_every_digit() -> None:
    assert format_number(Decimal("1234.5678"), "de_DE") == "1.234,5678"
    assert format_number(1234567, "en_US") == "1,234,567"


def test_format_day() -> None:
    assert format_day(date(2025, 2, 28), "zh_CN") == "2025年2月28日"
    assert format_day(pendulum.date(2024, 2, 29), "en_US", style="medium") == "Feb 29, 2024"
    assert format_day(date(2025, 1, 5), "de_DE", style="short") == "05.01.25"


@pytest.mark.parametrize(
    "bad", [datetime(2025, 1, 1, 12, 0, tzinfo=UTC), pendulum.datetime(2025, 1, 1), "2025-01-01"]
)
def test_format_day_refuses_instants_and_strings(bad: object) -> None:
    with pytest.raises(DateTypeError):
        format_day(bad, "zh_CN")  # type: ignore[arg-type]


def test_formatting_ignores_the_thread_decimal_context() -> None:
    third = Money("100", "CNY") / 3
    expected = "¥33." + "3" * (len(str(third.amount)) - 3)
    huge = Money("1" + "0" * 40 + ".25", "CNY")
    with decimal.localcontext() as ctx:
        ctx.prec = 6
        ctx.rounding = decimal.ROUND_DOWN
        ctx.traps[decimal.Inexact] = True
        assert format_money(third, "zh_CN") == expected
        assert format_money(Money("1234567890.129", "CNY"), "zh_CN") == "¥1,234,567,890.129"
        assert format_money(huge, "en_US").endswith(",000.25")
        assert format_number(Decimal("1234567890.129"), "en_US") == "1,234,567,890.129"


@pytest.mark.parametrize("bad", [0.1, True, "1.5"])
def test_format_number_refuses_floats_bools_and_strings(bad: object) -> None:
    with pytest.raises(AmountTypeError):
        format_number(bad, "en_US")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity")])
def test_format_number_refuses_non_finite_numbers(bad: Decimal) -> None:
    with pytest.raises(InvalidAmount):
        format_number(bad, "en_US")


def test_format_money_refuses_bare_numbers() -> None:
    with pytest.raises(AmountTypeError, match="format_money takes a Money"):
        format_money(Decimal("1.00"), "zh_CN")  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", ["王小明", "13812345678", "zhang.san@example.com", "Alice"])
def test_unknown_locale_messages_never_show_personal_data(secret: str) -> None:
    with pytest.raises(UnknownLocale) as info:
        parse_locale(secret)
    assert secret not in str(info.value)
    assert info.value.given == f"a string of {len(secret)} characters"
