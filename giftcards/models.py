"""Gift cards and store credit: money a customer holds with the shop, kept apart from
loyalty points (api-contract.md, "Gift cards and store credit").

A card's code is never stored: only its SHA-256 (the code is 16 characters drawn from 32,
80 bits, so a plain hash cannot be searched) and its last four characters, to name it on a
receipt. Every change of balance is a ``GiftCardEntry`` in an append-only ledger; the
card's ``balance`` is the running sum the ledger ends on, kept on the row so that a debit
locks one row, checked by the database (never below zero) and by ``giftcards_audit``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from omni.models import ApiClient, Location
from omni.money import MONEY_COLUMN


class CardKind(models.TextChoices):
    GIFT_CARD = "gift_card", _("Gift card")
    STORE_CREDIT = "store_credit", _("Store credit")


class CardStatus(models.TextChoices):
    """As the contract names them; ``used`` and ``expired`` are read from the balance and
    the date, only ``disabled`` is stored (``GiftCard.is_disabled``)."""

    ACTIVE = "active", _("Active")
    USED = "used", _("Used up")
    EXPIRED = "expired", _("Expired")
    DISABLED = "disabled", _("Disabled")


class GiftCard(models.Model):
    Kind = CardKind
    Status = CardStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_last4 = models.CharField(_("code ends with"), max_length=4)
    kind = models.CharField(_("kind"), max_length=16, choices=CardKind.choices, default=CardKind.GIFT_CARD)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="gift_cards",
        verbose_name=_("customer"),
    )
    initial_amount = models.DecimalField(_("issued for"), **MONEY_COLUMN)
    balance = models.DecimalField(_("balance"), **MONEY_COLUMN)
    expires_at = models.DateTimeField(_("expires at"))
    is_disabled = models.BooleanField(_("disabled"), default=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued at")
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="gift_card_balance_not_negative"),
            models.CheckConstraint(condition=Q(initial_amount__gte=0), name="gift_card_amount_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=CardKind.values), name="gift_card_kind_known"),
        ]
        indexes = [models.Index(fields=["customer", "kind"], name="gift_card_customer_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.code_last4}"

    def status_at(self, now) -> str:
        if self.is_disabled:
            return CardStatus.DISABLED
        if self.expires_at <= now:
            return CardStatus.EXPIRED
        if self.balance <= 0:
            return CardStatus.USED
        return CardStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())


class EntryKind(models.TextChoices):
    ISSUE = "issue", _("Issued")
    DEBIT = "debit", _("Paid with")
    CREDIT = "credit", _("Credited back")
    TOP_UP = "top_up", _("Topped up")


class GiftCardEntry(models.Model):
    """One change of a card's balance: append-only, signed, with the balance it left."""

    Kind = EntryKind

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY_COLUMN)  # signed: a debit is negative
    balance_after = models.DecimalField(_("balance after"), **MONEY_COLUMN)
    # What it was for: an order's number, a return's number.
    reference = models.CharField(_("reference"), max_length=32, blank=True, db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("by"), max_length=160, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("gift card entry")
        verbose_name_plural = _("gift card entries")
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="gift_card_entry_balance_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="gift_card_entry_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.card_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("The gift card ledger is append-only.")
        super().save(*args, **kwargs)
