"""Touchpoints (every interaction of a customer with any channel) and the journeys
derived from them.

A journey is a customer's touchpoints up to and including a purchase, or up to 30 days
of inactivity (api-contract.md, Journeys). Journeys are stored, recomputed incrementally
when touchpoints arrive, and are the aggregate that analytics read: the summary never
scans touchpoints.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from omni.channels import Channel
from omni.models import Location


class TouchpointType(models.TextChoices):
    PAGE_VIEW = "page_view", _("Page view")
    PRODUCT_VIEW = "product_view", _("Product view")
    ADD_TO_CART = "add_to_cart", _("Added to cart")
    STORE_VISIT = "store_visit", _("Store visit")
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail exchange")
    CHAT = "chat", _("Chat")
    SMS_CLICK = "sms_click", _("SMS click")
    EMAIL_CLICK = "email_click", _("E-mail click")
    CODE_REDEEMED = "code_redeemed", _("Code redeemed")
    POINTS_REDEEMED = "points_redeemed", _("Loyalty points spent")
    PURCHASE = "purchase", _("Purchase")
    IDENTIFY = "identify", _("Identified")
    ORDER_TRACKED = "order_tracked", _("Order followed")


# An identify event links identities, a code is redeemed as part of a purchase, and
# following an order is what comes after one (whoever holds the link may open it): none
# is a step of a journey on its own.
NOT_A_STEP_TYPES = [TouchpointType.IDENTIFY, TouchpointType.CODE_REDEEMED, TouchpointType.ORDER_TRACKED]


class Touchpoint(models.Model):
    # The sender's event id: a replayed event is recognised and stored once.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=TouchpointType.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("at"))
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="touchpoints")
    anonymous_id = models.CharField(max_length=100, blank=True, db_index=True)
    sku = models.CharField(max_length=64, blank=True)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    properties = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "occurred_at"]),
            models.Index(fields=["anonymous_id", "customer"]),
        ]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")

    def __str__(self) -> str:
        return f"{self.type} on {self.channel} at {self.occurred_at:%Y-%m-%d %H:%M}"


class AnonymousLink(models.Model):
    """An anonymous id (a browser, an app install) known to belong to a customer."""

    anonymous_id = models.CharField(max_length=100, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="anonymous_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.anonymous_id} -> {self.customer_id}"


class Journey(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="journeys")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    # With started_at, where the journey starts in the (time, id) order of touchpoints.
    first_touchpoint_id = models.UUIDField(null=True)
    # Channels in the order the customer first used them in this journey.
    channels = models.JSONField(default=list)
    channel_count = models.PositiveSmallIntegerField()
    touchpoint_count = models.PositiveIntegerField()
    converted = models.BooleanField(default=False)
    purchase_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    purchase_location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["customer", "ended_at"]),
            models.Index(fields=["started_at", "ended_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ended_at__gte=models.F("started_at")), name="journey_in_order"),
            models.CheckConstraint(
                condition=models.Q(converted=False) | ~models.Q(purchase_channel=""),
                name="converted_journey_names_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.started_at:%Y-%m-%d} {'+'.join(self.channels)}"

    @property
    def duration(self):
        return self.ended_at - self.started_at


class JourneyChannel(models.Model):
    """One row per channel a journey touched: what conversion and switches group by."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="channel_rows")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    converted = models.BooleanField()
    purchase_channel = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [models.Index(fields=["started_at", "ended_at", "channel"])]
        constraints = [models.UniqueConstraint(fields=["journey", "channel"], name="journey_channel_once")]

    def __str__(self) -> str:
        return f"{self.journey_id} {self.channel}"
