"""Reads of gift cards: a customer's cards, and the ledger check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from customers.models import Customer

from .models import GiftCard, GiftCardEntry


def cards_of(customer: Customer) -> QuerySet[GiftCard]:
    return GiftCard.objects.filter(customer=customer).order_by("-issued_at")


@dataclass(frozen=True)
class BalanceMismatch:
    card_id: str
    last4: str
    stored: Decimal
    ledger: Decimal


def ledger_mismatches() -> list[BalanceMismatch]:
    """Every card whose balance is not the sum of its entries (``giftcards_audit``)."""
    money = DecimalField(max_digits=12, decimal_places=2)
    summed = (
        GiftCardEntry.objects.filter(card=OuterRef("pk")).values("card").annotate(total=Sum("amount")).values("total")
    )
    cards = GiftCard.objects.annotate(ledger=Coalesce(Subquery(summed, output_field=money), Decimal(0),
                                                      output_field=money))
    return [
        BalanceMismatch(str(card.pk), card.code_last4, card.balance, card.ledger)
        for card in cards.only("pk", "code_last4", "balance")
        if abs(card.balance - card.ledger) >= Decimal("0.005")  # SQLite sums decimals in floating point
    ]
