"""The strategies behind :mod:`renewal_core.testing`."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from renewal_core.money import Money, minor_units

#: A spread of currencies with 0, 2, 3 and 4 minor units.
SAMPLE_CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "KRW", "KWD", "BHD", "CLF")


def currencies() -> st.SearchStrategy[str]:
    """Currency codes with 0, 2, 3 and 4 decimals (CNY, JPY, KWD, CLF, ...)."""
    return st.sampled_from(SAMPLE_CURRENCIES)


def amounts(
    *, places: int = 2, max_units: int = 10**12, allow_negative: bool = True
) -> st.SearchStrategy[Decimal]:
    """Decimals with exactly ``places`` decimals and at most ``max_units`` minor units.

    Built from integers, so every value is exact and shrinks towards zero.
    """
    low = -max_units if allow_negative else 0
    return st.integers(low, max_units).map(lambda units: Decimal(units).scaleb(-places))


def money(
    *,
    currency: str | None = None,
    max_units: int = 10**12,
    allow_negative: bool = True,
    extra_places: int = 0,
) -> st.SearchStrategy[Money]:
    """Money values, exact in minor units unless ``extra_places`` asks for finer ones.

    Args:
        currency: one currency, or ``None`` for any of :func:`currencies`.
        max_units: the largest magnitude, in units of the smallest decimal generated.
        allow_negative: whether negative amounts are generated.
        extra_places: decimals beyond the currency's minor unit (to exercise rounding).
    """
    codes = st.just(currency) if currency is not None else currencies()

    def build(code: str) -> st.SearchStrategy[Money]:
        places = minor_units(code) + extra_places
        return amounts(places=places, max_units=max_units, allow_negative=allow_negative).map(
            lambda amount: Money(amount, code)
        )

    return codes.flatmap(build)
