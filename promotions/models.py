"""Promotions, discount codes, redemptions and campaigns.

Invariants the database keeps by itself: sane values per kind (a percentage between 0
and 100, quantities of at least one, no negative amounts, a schedule that ends after it
starts), one code per string, a single-use code redeemed once (a partial unique index on
unreleased redemptions), one redemption of a promotion per order, and one recipient row
per campaign and customer (so a campaign sent twice never gives anyone two codes).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Segment
from omni.channels import Channel
from omni.models import ApiClient
from omni.money import MONEY_COLUMN

from . import engine


class Kind(models.TextChoices):
    PERCENT = engine.PERCENT, _("Percentage off")
    AMOUNT = engine.AMOUNT, _("Amount off")
    FIXED_PRICE = engine.FIXED_PRICE, _("Fixed price")
    BUY_X_GET_Y = engine.BUY_X_GET_Y, _("Buy X get Y free")


class PromotionQuerySet(models.QuerySet["Promotion"]):
    def running(self, now: datetime | None = None) -> PromotionQuerySet:
        now = now or timezone.now()
        return self.filter(is_active=True).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now), Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )


class Promotion(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")
        INACTIVE = "inactive", _("Inactive")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.DecimalField(_("value"), null=True, blank=True, **MONEY_COLUMN)
    buy_quantity = models.PositiveIntegerField(_("buy quantity"), null=True, blank=True)
    get_quantity = models.PositiveIntegerField(_("free quantity"), null=True, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True, help_text=_("Empty: every channel."))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    skus = models.JSONField(_("SKUs"), default=list, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    min_subtotal = models.DecimalField(_("minimum subtotal"), null=True, blank=True, **MONEY_COLUMN)
    segments = models.ManyToManyField(Segment, blank=True, related_name="promotions", verbose_name=_("segments"))
    requires_code = models.BooleanField(_("requires a code"), default=False)
    # One shared code that anybody may enter (stored upper-case); generated single-use
    # codes are ``DiscountCode`` rows.
    code = models.CharField(_("shared code"), max_length=40, unique=True, null=True, blank=True)
    usage_limit = models.PositiveIntegerField(_("usage limit"), null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(_("limit per customer"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0)
    stackable = models.BooleanField(_("stackable"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.CharField(max_length=150, blank=True)
    updated_by = models.CharField(max_length=150, blank=True)

    # Set by the readers that load many promotions with their segments in one query
    # (promotions.selectors.codes_load, promotions.services.codes._lock).
    loaded_segment_ids: frozenset[int]

    objects = PromotionQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "name"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        indexes = [models.Index(fields=["is_active", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="promotion_kind_known"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="promotion_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.PERCENT) | Q(value__isnull=False, value__gt=0, value__lte=100),
                name="promotion_percent_0_100",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[Kind.AMOUNT, Kind.FIXED_PRICE]) | Q(value__isnull=False),
                name="promotion_amount_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.BUY_X_GET_Y)
                | Q(buy_quantity__isnull=False, get_quantity__isnull=False, buy_quantity__gte=1, get_quantity__gte=1),
                name="promotion_buy_get_quantities",
            ),
            models.CheckConstraint(
                condition=Q(min_subtotal__isnull=True) | Q(min_subtotal__gte=0),
                name="promotion_min_subtotal_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="promotion_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(usage_limit__gte=1), name="promotion_usage_limit_positive"
            ),
            models.CheckConstraint(
                condition=Q(per_customer_limit__isnull=True) | Q(per_customer_limit__gte=1),
                name="promotion_per_customer_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(requires_code=True), name="promotion_shared_code_requires_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.ends_at is not None and self.ends_at <= now:
            return self.Status.ENDED
        if not self.is_active:
            return self.Status.INACTIVE
        if self.starts_at is not None and now < self.starts_at:
            return self.Status.SCHEDULED
        return self.Status.RUNNING

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    def is_used_up_by(self, usage, *, has_customer: bool) -> bool:
        if self.usage_limit is not None and usage.total >= self.usage_limit:
            return True
        return has_customer and self.per_customer_limit is not None and usage.by_customer >= self.per_customer_limit

    def spec(self) -> engine.PromotionSpec:
        """The engine's view of this promotion (its segments fetched unless prefetched)."""
        row = {name: getattr(self, name) for name in engine.SPEC_FIELDS}
        return engine.PromotionSpec.from_values(row, [segment.pk for segment in self.segments.all()])


class PricingVersion(models.Model):
    """One row: a value every change of a promotion replaces (``services.pricing_changed``).

    Each process keeps the promotions it prices with under the value it read with them
    (``promotions.running``) and reloads them when the row holds another. A fresh random
    value rather than a counter: a change rolled back and another one made could both
    count to the same number, and leave a process pricing with the first."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pricing version")
        verbose_name_plural = _("pricing versions")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_pricing_version")]

    def __str__(self) -> str:
        return str(self.version)


class DiscountCode(models.Model):
    class State(models.TextChoices):
        AVAILABLE = "available", _("Available")
        REDEEMED = "redeemed", _("Redeemed")
        DISABLED = "disabled", _("Disabled")

    code = models.CharField(_("code"), max_length=40, unique=True)
    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="codes")
    single_use = models.BooleanField(_("single use"), default=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.AVAILABLE)
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "code"]
        verbose_name = _("discount code")
        verbose_name_plural = _("discount codes")
        indexes = [models.Index(fields=["promotion", "state"])]
        constraints = [models.CheckConstraint(condition=Q(state__in=["available", "redeemed", "disabled"]),
                                              name="discount_code_state_known")]

    def __str__(self) -> str:
        return self.code


class Redemption(models.Model):
    """A promotion (and the code that unlocked it) used by an order. A cancelled order's
    redemptions are released, not deleted, so that the history stays."""

    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="redemptions")
    code = models.ForeignKey(DiscountCode, null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions")
    # Copied from the code, so that the database itself can keep a single-use code to one
    # unreleased redemption (a partial unique index cannot look at another table).
    single_use = models.BooleanField(default=False)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="redemptions")
    order_reference = models.CharField(_("order"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, blank=True)
    amount = models.DecimalField(_("discount"), default=0, **MONEY_COLUMN)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        indexes = [
            models.Index(fields=["promotion", "released_at"]),
            models.Index(fields=["customer", "promotion"]),
            models.Index(fields=["order_reference"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(single_use=True, released_at__isnull=True),
                name="single_use_code_redeemed_once",
            ),
            models.UniqueConstraint(
                fields=["promotion", "order_reference"], condition=Q(released_at__isnull=True),
                name="promotion_redeemed_once_per_order",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="redemption_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.promotion_id} {self.order_reference}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    name = models.CharField(_("name"), max_length=120)
    promotion = models.ForeignKey(Promotion, on_delete=models.PROTECT, related_name="campaigns",
                                  verbose_name=_("promotion"))
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("segment"))
    sms_text = models.TextField(_("SMS text"), blank=True)
    email_subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    email_text = models.TextField(_("e-mail text"), blank=True)
    code_prefix = models.CharField(_("code prefix"), max_length=12, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    audience = models.PositiveIntegerField(default=0)  # segment members when the send started
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=~Q(sms_text="") | ~Q(email_text=""), name="campaign_has_a_message"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignRecipient(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SKIPPED_NO_CONSENT = "skipped_no_consent", _("Skipped: no consent")
        SKIPPED_NO_CONTACT = "skipped_no_contact", _("Skipped: no contact data")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="campaign_receipts")
    status = models.CharField(max_length=20, choices=Status.choices)
    code = models.OneToOneField(DiscountCode, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="campaign_recipient")
    media = models.CharField(max_length=20, blank=True)  # "sms", "email" or "sms,email"
    error = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.customer_id} {self.status}"
