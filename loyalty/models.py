"""Loyalty: one balance per customer, shared by every till, the web shop, the app and the
call centre (api-contract.md, "Loyalty").

The balance is never a stored counter: it is the sum of the customer's ``PointsEntry``
rows that are not pending (read as what is left of the live credits, which is the same
figure: see ``selectors.balance_of``). Entries are appended, never edited, except for two state
fields: an earn entry's ``pending`` (until its order is handed over) and a credit's
``remaining`` (what is left of it to spend or expire, so that spending takes the
earliest-expiring points first and expiry is exact). ``loyalty_audit`` checks that the
remainders agree with the sums.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from omni.channels import Channel
from omni.models import ApiClient, Location

DEFAULT_EARN_RATE = {channel: "1" for channel in Channel.values}


def default_earn_rate() -> dict[str, str]:
    return dict(DEFAULT_EARN_RATE)


class LoyaltyProgram(models.Model):
    """The one programme of the shop (a single row, ``LoyaltyProgram.current()``)."""

    active = models.BooleanField(_("running"), default=False)
    # Points per 1.00 paid, per channel (as strings: "1", "1.5").
    earn_rate = models.JSONField(_("points per unit of money, per channel"), default=default_earn_rate)
    point_value = models.DecimalField(_("value of a point"), max_digits=8, decimal_places=4, default=Decimal("0.01"))
    redeem_step = models.PositiveIntegerField(_("points are spent in steps of"), default=100)
    min_redeem = models.PositiveIntegerField(_("fewest points spent at once"), default=100)
    expire_after_days = models.PositiveIntegerField(_("points expire after (days)"), default=365)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("loyalty programme")
        verbose_name_plural = _("loyalty programmes")
        constraints = [
            models.CheckConstraint(condition=Q(point_value__gt=0), name="loyalty_point_value_positive"),
            models.CheckConstraint(condition=Q(redeem_step__gt=0), name="loyalty_redeem_step_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Loyalty programme"))

    @classmethod
    def current(cls) -> LoyaltyProgram:
        program, _created = cls.objects.get_or_create(pk=1)
        return program

    def rate_for(self, channel: str | None) -> Decimal:
        return Decimal(str((self.earn_rate or {}).get(channel or "", "0")))


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Spent")
    EXPIRE = "expire", _("Expired")
    REVERSE = "reverse", _("Taken back")
    ADJUST = "adjust", _("Adjusted")


class PointsEntry(models.Model):
    Kind = EntryKind

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="points_entries")
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))  # signed: spending is negative
    # An earn entry waits for its order to be handed over; a pending entry is not in the balance.
    pending = models.BooleanField(_("pending"), default=False)
    # Of a credit (an earn, a positive adjustment): what is left to spend, and until when.
    remaining = models.PositiveIntegerField(_("left"), default=0)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    order = models.CharField(_("order"), max_length=24, blank=True, db_index=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor_label = models.CharField(_("by"), max_length=160, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="points_entry_kind_known"),
            models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(remaining=0) | Q(points__gte=models.F("remaining")), name="points_entry_remaining_in_credit"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-at"], name="points_customer_recent"),
            models.Index(fields=["customer", "expires_at"], condition=Q(remaining__gt=0), name="points_credits_left"),
            models.Index(fields=["customer"], condition=Q(pending=True), name="points_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d} for {self.customer_id}"
