"""The only place where money is rounded: Decimal, half-up to the currency's cents.

A bare ``Decimal.quantize()`` and DRF's ``DecimalField`` round half-even unless told
otherwise, so every amount goes through ``to_money`` and every serializer through
``MoneyField``.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypedDict

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from rest_framework import serializers

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to cents, half-up. Floats are refused: they cannot represent cents exactly."""
    if isinstance(value, float):
        raise TypeError("Money never comes from a float; pass a Decimal, an int or a string.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"Not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def typed_amount(text: str | None, *, below: Decimal = Decimal("1e9")) -> Decimal | None:
    """An amount as a person types it (``49,90``, ``49.90 €``): a finite Decimal from 0 up
    to ``below`` (not included), or None when it is not one. Pages and imports read typed
    amounts here, so that ``NaN`` or ``Infinity`` never reaches a comparison."""
    try:
        amount = Decimal((text or "").replace(",", ".").replace("€", "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and Decimal(0) <= amount < below else None


def currency() -> str:
    return settings.OMNI_CURRENCY


CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def money_text(amount: Decimal | int | str) -> str:
    """An amount as the active language writes it: ``21,52 €`` in French, ``€21.52`` in
    English. Every amount a person reads (pages, messages) is written here."""
    code = currency()
    symbol = CURRENCY_SYMBOLS.get(code, code)
    number = number_format(to_money(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    if (translation.get_language() or "").startswith("fr"):
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{symbol}\u00a0{number}"


class MoneyField(serializers.DecimalField):
    """Two decimal places, half-up, as a string in JSON."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("rounding", ROUND_HALF_UP)
        super().__init__(**kwargs)


class MoneyColumn(TypedDict):
    max_digits: int
    decimal_places: int


# Keyword arguments for a money column: ``models.DecimalField(**MONEY_COLUMN)`` (typed, so
# that mypy checks them against DecimalField's own arguments).
MONEY_COLUMN: MoneyColumn = {"max_digits": 12, "decimal_places": 2}
