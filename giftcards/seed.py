"""Demo gift cards: cards with codes the README gives, so that a newcomer can check a
balance and pay with one (the codes of real cards are drawn and shown once)."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from customers.models import Customer
from omni.actor import Actor
from omni.models import ApiClient

from . import codes, services
from .models import GiftCard

# (code, amount, the customer's e-mail or None)
DEMO_CARDS = (
    ("CADE-AU22-2222-2222", Decimal("50.00"), "jeremy.roy1717@gmail.com"),
    ("CADE-AU33-3333-3333", Decimal("100.00"), None),
    ("CADE-AU44-4444-4444", Decimal("25.00"), None),
)


def seed_gift_cards(stdout: IO[str] | None = None) -> None:
    pos = ApiClient.objects.filter(kind=ApiClient.Kind.POS, is_active=True).order_by("name").first()
    actor = Actor.for_client(pos) if pos else Actor.system()
    issued = 0
    for code, amount, email in DEMO_CARDS:
        if GiftCard.objects.filter(code_hash=codes.code_hash(code)).exists():
            continue
        customer = Customer.objects.filter(email=email).first() if email else None
        services.card_issue(amount=amount, actor=actor, customer=customer, code=code, check_permission=False)
        issued += 1
    if stdout:
        stdout.write(f"  gift cards: {issued} issued ({', '.join(code for code, _a, _e in DEMO_CARDS)})")
