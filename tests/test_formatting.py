"""Tests for renewal_core.formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pendulum
import pytest
from babel import Locale

from renewal_core import Money, format_day, format_money, format_number, parse_locale
from renewal_core.errors import DateTypeError, RenewalError, UnknownLocale


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
