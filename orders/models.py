"""Carts, orders and their fulfilment, status history and returns.

Invariants the database keeps by itself, so that a path that forgets a check fails
loudly: one order per converted cart, unique human-friendly numbers, an order's total is
its subtotal minus its discounts and points, a line's total is its unit price times its quantity
minus its discount, a line is never returned beyond what was bought, a click & collect
order names its pickup location.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Customer
from inventory.models import Product
from omni.channels import Channel
from omni.models import ApiClient, Location, Message
from omni.money import MONEY_COLUMN

# SQLite computes decimal columns in floating point: sums are compared to half a cent.
HALF_CENT = Decimal("0.005")


class Cart(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("cart status", "Open")
        CONVERTED = "converted", _("Converted")
        ABANDONED = "abandoned", _("Abandoned")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="carts", verbose_name=_("customer")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    codes = models.JSONField(_("codes"), default=list, blank=True)
    loyalty_points = models.PositiveIntegerField(_("points to spend"), default=0)
    actor_label = models.CharField(max_length=160, blank=True)
    # The store whose till started it (none for the website, the app, the call centre):
    # a store lists its own carts, never another store's.
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("store")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        indexes = [models.Index(fields=["customer", "status"], name="cart_customer_status")]

    def __str__(self) -> str:
        return str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="one_cart_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", _("Home delivery")
    CLICK_AND_COLLECT = "click_and_collect", _("Click & collect")
    IN_STORE = "in_store", _("In store")


class Payment(models.TextChoices):
    PAID = "paid", _("Paid")
    PAY_AT_PICKUP = "pay_at_pickup", _("Pay at pickup")
    PAY_ON_DELIVERY = "pay_on_delivery", _("Pay on delivery")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    COLLECTED = "collected", _("Collected")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    PARTIALLY_RETURNED = "partially_returned", _("Partly returned")
    RETURNED = "returned", _("Returned")


class OrderQuerySet(models.QuerySet):
    def pickups_at(self, location: Location | int) -> OrderQuerySet:
        return self.filter(fulfilment=Fulfilment.CLICK_AND_COLLECT, pickup_location=location)

    def open(self) -> OrderQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


OPEN_STATUSES = (OrderStatus.PLACED, OrderStatus.READY_FOR_PICKUP)
# Handed over to the customer (then perhaps brought back): what may be returned.
HANDED_OVER_STATUSES = (
    OrderStatus.COLLECTED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.PARTIALLY_RETURNED,
    OrderStatus.RETURNED,
)


class Order(models.Model):
    Status = OrderStatus
    Fulfilment = Fulfilment
    Payment = Payment

    number = models.CharField(_("number"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    fulfilment = models.CharField(_("fulfilment"), max_length=20, choices=Fulfilment.choices)
    payment = models.CharField(_("payment"), max_length=16, choices=Payment.choices, default=Payment.PAID)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    cart = models.OneToOneField(Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="order")
    pickup_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="pickup_orders",
        verbose_name=_("pickup location"),
    )
    # Where the stock is reserved, sold or shipped from.
    fulfilment_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="fulfilled_orders",
        verbose_name=_("fulfilled from"),
    )
    # The pickup code is never stored: it is derived from this secret and SECRET_KEY.
    pickup_secret = models.CharField(max_length=32, blank=True, editable=False)
    # Wrong codes in a row at the counter, and the last one: guessing is slowed down.
    pickup_code_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    pickup_code_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    shipping_address = models.JSONField(_("shipping address"), null=True, blank=True)
    codes = models.JSONField(_("codes"), default=list, blank=True)
    discounts = models.JSONField(_("discounts"), default=list, blank=True)
    # The pricing engine's inputs at placement (``promotions.engine.PricingBasis``): a
    # return prices the kept lines again from it, never from today's promotions. Empty on
    # orders placed before it was kept: their returns refund each line's paid share.
    pricing_basis = models.JSONField(null=True, blank=True, editable=False)
    # What gift cards and store credit paid, card by card (``giftcards.services.cards_debit``):
    # ``[{card, last4, amount}]``; the rest is ``payment``. Credited back on cancel.
    gift_cards = models.JSONField(_("paid by gift card"), default=list, blank=True, editable=False)
    subtotal = models.DecimalField(_("subtotal"), **MONEY_COLUMN)
    discount_total = models.DecimalField(_("discount"), **MONEY_COLUMN)
    # Loyalty points spent on the order and what they took off, after promotions.
    loyalty_points = models.PositiveIntegerField(_("points spent"), default=0)
    loyalty_discount = models.DecimalField(_("points discount"), default=Decimal("0.00"), **MONEY_COLUMN)
    total = models.DecimalField(_("total"), **MONEY_COLUMN)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    hold_until = models.DateTimeField(_("held until"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("placed by"), max_length=160, blank=True)
    # The messages sent to the customer about the order (no column: ``Message.about``).
    messages = GenericRelation(
        Message, content_type_field="about_type", object_id_field="about_id", related_query_name="order"
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_known"),
            models.CheckConstraint(condition=Q(fulfilment__in=Fulfilment.values), name="order_fulfilment_known"),
            models.CheckConstraint(
                condition=~Q(fulfilment=Fulfilment.CLICK_AND_COLLECT) | Q(pickup_location__isnull=False),
                name="order_pickup_has_location",
            ),
            models.CheckConstraint(
                condition=Q(payment=Payment.PAID)
                | Q(payment=Payment.PAY_AT_PICKUP, fulfilment=Fulfilment.CLICK_AND_COLLECT)
                | Q(payment=Payment.PAY_ON_DELIVERY, fulfilment=Fulfilment.DELIVERY),
                name="order_pays_later_where_it_is_handed_over",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, discount_total__gte=0, loyalty_discount__gte=0, total__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(total__gt=F("subtotal") - F("discount_total") - F("loyalty_discount") - HALF_CENT)
                & Q(total__lt=F("subtotal") - F("discount_total") - F("loyalty_discount") + HALF_CENT),
                name="order_total_is_subtotal_less_discounts",
            ),
        ]
        indexes = [
            models.Index(fields=["pickup_location", "status"], name="order_pickup_status"),
            models.Index(fields=["customer", "-created_at"], name="order_customer_recent"),
            models.Index(fields=["status", "hold_until"], name="order_status_hold"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_pickup(self) -> bool:
        return self.fulfilment == Fulfilment.CLICK_AND_COLLECT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def amount_due(self) -> Decimal:
        """The total less what gift cards paid: the part of ``payment``."""
        return self.total - sum((Decimal(tender["amount"]) for tender in self.gift_cards), Decimal(0))

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.hold_until is not None and self.hold_until <= timezone.now()


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    # Frozen at placement: later catalogue or promotion changes never alter an order.
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), **MONEY_COLUMN)
    discount = models.DecimalField(_("discount"), **MONEY_COLUMN)
    total = models.DecimalField(_("total"), **MONEY_COLUMN)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="one_order_line_per_product"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(discount__gte=0, total__gte=0, unit_price__gte=0), name="order_line_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(total__gt=F("unit_price") * F("quantity") - F("discount") - HALF_CENT)
                & Q(total__lt=F("unit_price") * F("quantity") - F("discount") + HALF_CENT),
                name="order_line_total_is_price_less_discount",
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")), name="order_line_never_returned_beyond_bought"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def returnable_quantity(self) -> int:
        return self.quantity - self.returned_quantity


class OrderStatusChange(models.Model):
    """Every transition of an order: who, when, from which channel."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    actor_label = models.CharField(_("by"), max_length=160, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.status}"


class ReturnReason(models.TextChoices):
    CHANGED_MIND = "changed_mind", _("Changed their mind")
    WRONG_SIZE = "wrong_size", _("Wrong size")
    DAMAGED = "damaged", _("Damaged")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    OTHER = "other", _("Other reason")


class RefundMethod(models.TextChoices):
    ORIGINAL = "original", _("The original payment")
    STORE_CREDIT = "store_credit", _("Store credit")


class ItemCondition(models.TextChoices):
    RESELLABLE = "resellable", _("Can be sold again")
    DAMAGED = "damaged", _("Damaged")


class Return(models.Model):
    """Items of an order brought back to a store (any store), restocked there (damaged
    units are received, then written off)."""

    Reason = ReturnReason
    RefundMethod = RefundMethod

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The order's number and the return's rank: "OM-7KQ2XP-R2", printed on the receipt.
    number = models.CharField(_("number"), max_length=24, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="order_returns")
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices, default=ReturnReason.OTHER)
    refund_method = models.CharField(
        _("refunded to"), max_length=16, choices=RefundMethod.choices, default=RefundMethod.ORIGINAL
    )
    refund_amount = models.DecimalField(_("refund"), **MONEY_COLUMN)
    # The store-credit card the refund went to (``refund_method`` store_credit).
    store_credit = models.ForeignKey(
        "giftcards.GiftCard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("store credit"),
    )
    loyalty_points_reversed = models.PositiveIntegerField(_("points taken back"), default=0)
    # A new store-credit card's code, in memory only, for the answer that creates it.
    store_credit_code: str | None = None
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(max_length=16, blank=True)
    actor_label = models.CharField(_("by"), max_length=160, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="return_refund_not_negative"),
            models.CheckConstraint(condition=Q(reason__in=ReturnReason.values), name="return_reason_known"),
            models.CheckConstraint(
                condition=Q(refund_method__in=RefundMethod.values), name="return_refund_method_known"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    order_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    condition = models.CharField(
        _("condition"), max_length=12, choices=ItemCondition.choices, default=ItemCondition.RESELLABLE
    )
    refund_amount = models.DecimalField(_("refund"), **MONEY_COLUMN)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_positive"),
            models.CheckConstraint(condition=Q(condition__in=ItemCondition.values), name="return_line_condition_known"),
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="return_line_refund_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line_id}"


class TrackingLinkSent(models.Model):
    """A tracking link sent again to the customer at a staff member's request (the 360° page,
    the call centre): who asked, when, by which medium, and the outbox message it became."""

    class Medium(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tracking_links_sent")
    medium = models.CharField(_("sent by"), max_length=8, choices=Medium.choices)
    message_id = models.UUIDField(null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    actor_label = models.CharField(_("by"), max_length=160, blank=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("tracking link sent")
        verbose_name_plural = _("tracking links sent")
        indexes = [models.Index(fields=["order", "medium", "-at"], name="tracking_sent_order_recent")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.medium} {self.at:%Y-%m-%d %H:%M}"
