"""Two tills paying with one card at once never take more than it holds (real threads,
real connections: PostgreSQL locks the card's row, SQLite serialises its writers)."""

from decimal import Decimal

import pytest

from giftcards import services
from giftcards.errors import GiftCardInsufficient
from giftcards.models import GiftCard
from giftcards.selectors import ledger_mismatches
from giftcards.services import CardPayment
from omni.actor import Actor
from tests.concurrency import race

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_overdraw_a_card():
    code = services.card_issue(amount=Decimal("100.00"), actor=Actor.system(), check_permission=False).code

    def pay(n: int):
        from django.db import transaction

        with transaction.atomic():
            return services.cards_debit(payments=[CardPayment(code, Decimal("30.00"))], total=Decimal("30.00"),
                                        reference=f"RACE-{n}", actor=Actor.system())

    outcomes = race(THREADS, pay)
    paid = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, GiftCardInsufficient)]
    assert len(paid) == 3 and len(refused) == THREADS - 3, outcomes
    card = GiftCard.objects.get()
    assert card.balance == Decimal("10.00")
    assert card.entries.filter(kind="debit").count() == 3
    assert ledger_mismatches() == []
