"""The only writers of gift cards and their ledger.

Every change locks the card rows it touches (``select_for_update``, in primary-key order)
and writes one ``GiftCardEntry`` per card with the balance it leaves: two tills paying
with one card at once are served one after the other, and the second sees what the first
left. Debits and credit-backs run inside the caller's transaction (an order's placement or
cancellation), so a refused order takes nothing from any card.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from omni.actor import Actor
from omni.errors import FieldRefused, Forbidden
from omni.money import ZERO, money_text, to_money

from . import codes, guesses
from .errors import GiftCardDisabled, GiftCardExpired, GiftCardInsufficient, GiftCardUnknown
from .models import CardKind, EntryKind, GiftCard, GiftCardEntry
from .permissions import may_issue_cards

CODE_DRAWS = 3  # a clash is 1 in 2^79: three in a row means something else is wrong


@dataclass(frozen=True)
class IssuedCard:
    card: GiftCard
    code: str  # in full, this once: only its hash is kept


@dataclass(frozen=True)
class CardPayment:
    """A card given to pay: its code and, if the payer says, how much of it."""

    code: str
    amount: Decimal | None = None


def card_issue(
    *, amount: Decimal, actor: Actor, customer: Customer | None = None, kind: str = CardKind.GIFT_CARD,
    reference: str = "", now: datetime | None = None, check_permission: bool = True, code: str | None = None,
) -> IssuedCard:
    """A new card holding ``amount``, valid ``OMNI_GIFT_CARD_VALID_DAYS``. Its code is in
    the answer only. ``code``: a chosen one, for the demo data only (drawn otherwise)."""
    now = now or timezone.now()
    if check_permission and not may_issue_cards(actor):
        raise Forbidden(_("Gift cards are issued by the stores' tills and staff and by the ERP."))
    amount = to_money(amount)
    if amount <= ZERO or amount > settings.OMNI_GIFT_CARD_MAX_AMOUNT:
        most = money_text(settings.OMNI_GIFT_CARD_MAX_AMOUNT)
        raise FieldRefused("amount", _("A card holds more than 0 and at most %(most)s.") % {"most": most})
    with transaction.atomic():
        for _attempt in range(CODE_DRAWS):
            code = codes.normalised(code) if code else codes.new_code()
            try:
                with transaction.atomic():  # a savepoint: a clash draws again
                    card = GiftCard.objects.create(
                        code_hash=codes.code_hash(code), code_last4=code[-4:], kind=kind, customer=customer,
                        initial_amount=amount, balance=amount, issued_at=now,
                        expires_at=now + timedelta(days=settings.OMNI_GIFT_CARD_VALID_DAYS),
                        issued_location=actor.location,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError("Could not draw a free gift card code.")
        _entry(card, kind=EntryKind.ISSUE, amount=amount, reference=reference, actor=actor, now=now)
    return IssuedCard(card=card, code=code)


def card_find(code: str, *, actor: Actor) -> GiftCard:
    """The card of ``code``, or 409 ``gift_card_unknown``; unknown codes are counted per
    client and too many answer 429 (``guesses``)."""
    guesses.refuse_if_guessing(actor)
    card = GiftCard.objects.filter(code_hash=codes.code_hash(code)).first() if codes.looks_like_a_code(code) else None
    return _known(code, card, actor=actor)


def _known(code: str, card: GiftCard | None, *, actor: Actor) -> GiftCard:
    """``card``, found by the hash of ``code``, or the refusal of an unknown code (counted)."""
    if card is None or not codes.same_code(code, card.code_hash):
        guesses.count_unknown(actor)
        raise GiftCardUnknown()
    return card


def cards_debit(
    *, payments: Sequence[CardPayment], total: Decimal, reference: str, actor: Actor, now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Pay up to ``total`` with ``payments``, in the order given, each card's amount
    defaulting to what is left to pay, all in the caller's transaction. Returns the
    tenders as the order keeps them (``[{card, last4, amount}]``) to credit back later."""
    now = now or timezone.now()
    guesses.refuse_if_guessing(actor)
    hashes = [codes.code_hash(payment.code) for payment in payments]
    if len(set(hashes)) < len(hashes):
        raise FieldRefused("gift_cards", _("The same card is given twice."))
    # Found and locked in one read, in primary-key order as every lock on cards is taken.
    locked = {card.code_hash: card
              for card in GiftCard.objects.select_for_update().filter(code_hash__in=hashes).order_by("pk")}
    left, tenders = to_money(total), []
    for payment, digest in zip(payments, hashes, strict=True):
        card = _known(payment.code, locked.get(digest), actor=actor)
        _check_usable(card, now)
        amount = min(card.balance, left) if payment.amount is None else to_money(payment.amount)
        if payment.amount is not None and amount > card.balance:
            raise GiftCardInsufficient(balance=f"{card.balance:.2f}", last4=card.code_last4)
        if amount <= ZERO:
            if card.balance <= ZERO:
                raise GiftCardInsufficient(balance=f"{card.balance:.2f}", last4=card.code_last4)
            raise FieldRefused("gift_cards", _("Nothing is left to pay with this card."))
        if amount > left:
            raise FieldRefused("gift_cards", _("The cards pay more than the order's total."))
        card.balance -= amount
        left -= amount
        _save_balance(card, kind=EntryKind.DEBIT, amount=-amount, reference=reference, actor=actor, now=now)
        tenders.append({"card": str(card.pk), "last4": card.code_last4, "amount": f"{amount:.2f}"})
    return tenders


def cards_credit_back(
    *, tenders: Iterable[Mapping[str, Any]], reference: str, actor: Actor, now: datetime | None = None,
) -> None:
    """What ``tenders`` took goes back on their cards (an order cancelled), even a card
    expired since: the money is the customer's."""
    now = now or timezone.now()
    tenders = list(tenders)
    locked = _locked(tender["card"] for tender in tenders)
    for tender in tenders:
        card = locked[str(tender["card"])]
        amount = Decimal(tender["amount"])
        card.balance += amount
        _save_balance(card, kind=EntryKind.CREDIT, amount=amount, reference=reference, actor=actor, now=now)


def store_credit_issue(
    *, amount: Decimal, customer: Customer | None, reference: str, actor: Actor, now: datetime | None = None,
) -> tuple[GiftCard, str | None]:
    """A refund as store credit: the customer's usable store-credit card topped up, or a
    new one (its code returned, this once; None for a top-up)."""
    now = now or timezone.now()
    amount = to_money(amount)
    existing = None
    if customer is not None:
        existing = (
            GiftCard.objects.select_for_update()
            .filter(customer=customer, kind=CardKind.STORE_CREDIT, is_disabled=False, expires_at__gt=now)
            .order_by("-expires_at", "pk")
            .first()
        )
    if existing is None:
        issued = card_issue(amount=amount, actor=actor, customer=customer, kind=CardKind.STORE_CREDIT,
                            reference=reference, now=now, check_permission=False)
        return issued.card, issued.code
    existing.balance += amount
    _save_balance(existing, kind=EntryKind.TOP_UP, amount=amount, reference=reference, actor=actor, now=now)
    return existing, None


def card_disable(*, card: GiftCard, reason: str, actor: Actor) -> GiftCard:
    if not actor.is_admin:
        raise Forbidden(_("Only an administrator disables a card."))
    with transaction.atomic():
        card = GiftCard.objects.select_for_update().get(pk=card.pk)
        card.is_disabled, card.disabled_reason = True, reason[:200]
        card.save(update_fields=["is_disabled", "disabled_reason"])
    return card


def cards_repoint(*, source_id, target_id) -> int:
    """A duplicate was merged: its cards and store credit are the customer's it became."""
    return GiftCard.objects.filter(customer_id=source_id).update(customer_id=target_id)


# --- the steps ------------------------------------------------------------------------------
def _locked(card_ids: Iterable[str]) -> dict[str, GiftCard]:
    """The cards, locked in primary-key order, by their id as the order's tenders keep it."""
    cards = GiftCard.objects.select_for_update().filter(pk__in=set(card_ids)).order_by("pk")
    return {str(card.pk): card for card in cards}


def _check_usable(card: GiftCard, now: datetime) -> None:
    if card.is_disabled:
        raise GiftCardDisabled(last4=card.code_last4)
    if card.expires_at <= now:
        raise GiftCardExpired(last4=card.code_last4, expired_at=card.expires_at.isoformat())


def _save_balance(card: GiftCard, *, kind: str, amount: Decimal, reference: str, actor: Actor, now: datetime) -> None:
    card.save(update_fields=["balance"])
    _entry(card, kind=kind, amount=amount, reference=reference, actor=actor, now=now)


def _entry(card: GiftCard, *, kind: str, amount: Decimal, reference: str, actor: Actor, now: datetime) -> None:
    GiftCardEntry.objects.create(
        card=card, kind=kind, amount=amount, balance_after=card.balance, reference=reference[:32], at=now,
        location=actor.location, actor_label=actor.label[:160], **actor.record(),
    )
