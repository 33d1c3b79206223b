"""Every answer of the carts and orders API, rendered and documented by one serializer each
(the OpenAPI schema is generated from the same classes, so it cannot drift from the answers).

The classes keep their ``...Serializer`` names: the schema's component names (``Cart``,
``Order``, ``Return``) come from them, and integrators generate clients from those names.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from omni.money import MoneyField, currency
from promotions.api import PricedLineOutput

from ..models import Order
from ..tracking import tracking_link_works, tracking_url


class NullIfBlankCharField(serializers.CharField):
    """A text column that stores "" for "none" (``OrderStatusChange.channel``), answered as null."""

    def to_representation(self, value):
        return value or None


class CurrencyField(serializers.CharField):
    """The shop's currency (one per installation): not stored on each row."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return currency()


# --- carts -----------------------------------------------------------------------------------
class CartDiscountSerializer(serializers.Serializer):
    promotion = serializers.UUIDField()
    name = serializers.CharField()
    amount = MoneyField()


class CartSerializer(serializers.Serializer):
    """A cart as ``services.cart_price`` prices it (``CartPrice``): the cart's own fields,
    then the engine's priced lines and totals, then the codes that no longer apply."""

    id = serializers.UUIDField(source="cart.pk")
    channel = serializers.CharField(source="cart.channel")
    status = serializers.CharField(source="cart.status", help_text="open, converted or abandoned")
    customer = serializers.UUIDField(source="cart.customer_id", allow_null=True)
    lines = PricedLineOutput(many=True, source="priced.lines")
    codes = serializers.ListField(child=serializers.CharField(), source="cart.codes")
    code_errors = serializers.ListField(child=serializers.JSONField())
    subtotal = MoneyField(source="priced.subtotal")
    discount_total = MoneyField(source="priced.discount_total")
    total = MoneyField(source="priced.total")
    currency = serializers.CharField(source="priced.currency")
    discounts = CartDiscountSerializer(many=True, source="priced.discounts")
    loyalty_points = serializers.IntegerField(source="priced.loyalty_points")
    loyalty_discount = MoneyField(source="priced.loyalty_discount")
    loyalty_error = serializers.JSONField(allow_null=True, help_text="Why the cart's points no longer apply.")
    created_at = serializers.DateTimeField(source="cart.created_at")
    updated_at = serializers.DateTimeField(source="cart.updated_at")


# --- orders ----------------------------------------------------------------------------------
class OrderLineSerializer(PricedLineOutput):
    returned_quantity = serializers.IntegerField()


class ReturnLineSerializer(serializers.Serializer):
    sku = serializers.CharField(source="order_line.sku")
    quantity = serializers.IntegerField()
    condition = serializers.CharField(help_text="resellable or damaged (received, then written off)")
    refund_amount = MoneyField()


class StoreCreditOutput(serializers.Serializer):
    code = serializers.SerializerMethodField(help_text="In full only in the answer that issued the card; else null.")
    code_last4 = serializers.CharField()
    balance = MoneyField()

    def get_code(self, card) -> str | None:
        return self.context.get("store_credit_code")


class ReturnSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    number = serializers.CharField(help_text="The return's own number: the order's, then R1, R2...")
    order = serializers.CharField(source="order.number")
    location = serializers.CharField(source="location.code")
    reason = serializers.CharField()
    refund_method = serializers.CharField(help_text="original or store_credit")
    refund_amount = MoneyField()
    loyalty_points_reversed = serializers.IntegerField()
    store_credit = StoreCreditOutput(allow_null=True, help_text="The store-credit card refunded, if any.")
    currency = CurrencyField()
    created_at = serializers.DateTimeField()
    lines = ReturnLineSerializer(many=True)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()
    channel = NullIfBlankCharField(allow_null=True)
    actor = serializers.CharField(source="actor_label")


class NotificationSerializer(serializers.Serializer):
    channel = serializers.CharField(source="medium", help_text="sms or email")
    kind = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")
    status = serializers.CharField()


class PickupCodeField(serializers.CharField):
    """The pickup code is never stored: the view that placed the order passes it in the
    serializer's context, and only that answer (and its idempotent replay) shows it."""

    def get_attribute(self, instance):
        code = self.context.get("pickup_code")
        if not code:
            raise SkipField
        return code


class GiftCardTenderOutput(serializers.Serializer):
    code_last4 = serializers.CharField(source="last4")
    amount = MoneyField()


class OrderSerializer(serializers.Serializer):
    """An order as ``selectors.with_details`` reads it. Context: ``via``, the channel of the
    client that asks, signed into the ``tracking_url`` it gets (for the confirmation it sends
    the customer), so that a visit counts where it came from; ``pickup_code`` for the
    creating client's answer."""

    number = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    fulfilment = serializers.CharField()
    customer = serializers.UUIDField(source="customer_id", allow_null=True)
    pickup_location = serializers.CharField(source="pickup_location.code", allow_null=True)
    fulfilment_location = serializers.CharField(source="fulfilment_location.code", allow_null=True)
    lines = OrderLineSerializer(many=True)
    codes = serializers.ListField(child=serializers.CharField())
    discounts = serializers.ListField(child=serializers.JSONField())
    subtotal = MoneyField()
    discount_total = MoneyField()
    loyalty_points = serializers.IntegerField()
    loyalty_discount = MoneyField()
    total = MoneyField()
    currency = CurrencyField()
    payment = serializers.CharField()
    gift_cards = GiftCardTenderOutput(many=True, help_text="What gift cards and store credit paid, card by card.")
    amount_due = MoneyField(read_only=True, help_text="The total less what gift cards paid: the payment's part.")
    shipping_address = serializers.JSONField(allow_null=True)
    created_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    hold_until = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    history = StatusChangeSerializer(many=True)
    notifications = NotificationSerializer(many=True, source="messages")
    returns = ReturnSerializer(many=True)
    tracking_url = serializers.SerializerMethodField(
        help_text="The order's public tracking page (/t/<token>/), for the confirmation the client sends the "
        "customer; null once the link no longer works (30 days after the order closed).",
    )
    pickup_code = PickupCodeField(
        required=False, help_text="In the creating client's 201 answer only (and its idempotent replay)."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_tracking_url(self, order: Order) -> str | None:
        if not tracking_link_works(order):
            return None
        return tracking_url(order, via=self.context["via"])


# --- tracking (public) -------------------------------------------------------------------------
class TrackingStoreOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    phone = serializers.CharField()
    opening_hours = serializers.CharField()


# A status and its label, first in a step and in a history entry. No docstring: the schema
# would give it as the description of both.
class _TrackingStatusOutput(serializers.Serializer):
    status = serializers.CharField()
    # The stubs see Field.label (a string) here; DRF takes declared fields off the class.
    label = serializers.CharField()  # type: ignore[assignment]


class TrackingStepOutput(_TrackingStatusOutput):
    at = serializers.DateTimeField(allow_null=True, help_text="When it was reached; null: still to come.")
    is_done = serializers.BooleanField()
    is_current = serializers.BooleanField()


class TrackingHistoryOutput(_TrackingStatusOutput):
    at = serializers.DateTimeField()


class TrackingLineOutput(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    returned_quantity = serializers.IntegerField()


class TrackingReturnLineOutput(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()


class TrackingReturnOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    store = serializers.CharField()
    refund_amount = MoneyField()
    lines = TrackingReturnLineOutput(many=True)


class OrderTrackingOutput(serializers.Serializer):
    """One order as its tracking page shows it (``tracking.tracking_data``), in the language
    of the link's message; of the customer, the first name only. Never the pickup code (it
    is in the message)."""

    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    is_open = serializers.BooleanField(help_text="False once collected, delivered, completed, cancelled or expired.")
    fulfilment = serializers.CharField()
    fulfilment_label = serializers.CharField()
    channel = serializers.CharField(help_text="Where the order was placed.")
    channel_label = serializers.CharField()
    first_name = serializers.CharField(help_text="The customer's first name, or empty.")
    language = serializers.CharField(help_text="The language of the labels and sentences: en or fr.")
    placed_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    hold_until = serializers.DateTimeField(allow_null=True, help_text="An open pickup waits until then.")
    closed_at = serializers.DateTimeField(allow_null=True)
    next_step = serializers.CharField(help_text="What happens next, in a sentence (may be empty).")
    steps = TrackingStepOutput(many=True)
    history = TrackingHistoryOutput(many=True)
    pickup_store = TrackingStoreOutput(allow_null=True, help_text="Click & collect: where, with address and hours.")
    sold_at = TrackingStoreOutput(allow_null=True, help_text="An in-store sale: the store.")
    what_to_bring = serializers.ListField(child=serializers.CharField())
    lines = TrackingLineOutput(many=True)
    total = MoneyField()
    currency = serializers.CharField()
    payment = serializers.CharField(help_text="paid, pay_at_pickup or pay_on_delivery")
    returns = TrackingReturnOutput(many=True)
