"""What the carts and orders API accepts: the shape of each request. The rules (which
fulfilment needs what, who may act, what stock allows) are the services'."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from customers.fields import CustomerField
from giftcards.services import CardPayment
from inventory.selectors import products_by_sku
from omni.fields import IntegerField
from omni.models import Location
from omni.money import MoneyField
from promotions.pricing import MAX_LINE_QUANTITY

from ..models import Fulfilment, ItemCondition, Payment, RefundMethod, ReturnReason
from ..services import ReturnItem

MAX_LINES = 100


def customer_filter(value: str):
    """``?customer=``: the customer it names (following merges), or a 400 on ``customer``."""
    try:
        return CustomerField().to_internal_value(value)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({"customer": exc.detail}) from exc


class LocationField(serializers.SlugRelatedField):
    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "does_not_exist": _("No location has the code {value}."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Location.objects.filter(is_active=True), **kwargs)


class LineInput(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


def validate_skus(lines: list[dict], known: dict | None = None) -> list[dict]:
    """Every line names an active product, or a 400 naming each line that does not."""
    known = products_by_sku(skus=[line["sku"] for line in lines]) if known is None else known
    errors = [
        {} if line["sku"] in known and known[line["sku"]].is_active
        else {"sku": [_("No product has the SKU %(sku)s.") % {"sku": line["sku"]}]}
        for line in lines
    ]
    if any(errors):
        raise serializers.ValidationError(errors)
    return lines


class CartLineInput(LineInput):
    def validate(self, data):
        try:
            validate_skus([data])
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, list):  # validate_skus raises a list, one error per line
                raise
            raise serializers.ValidationError(exc.detail[0]) from exc
        return data


class GiftCardPaymentInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    amount = MoneyField(required=False, min_value=Decimal("0.01"),
                        help_text="How much of the card to spend; by default, what is left to pay.")

    def validate(self, data):
        return CardPayment(code=data["code"], amount=data.get("amount"))


class FulfilmentInput(serializers.Serializer):
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    gift_cards = serializers.ListField(child=GiftCardPaymentInput(), required=False, max_length=5,
                                       help_text="Gift cards or store credit paying part or all of the order.")
    pickup_location = LocationField(required=False, allow_null=True)
    shipping_address = serializers.DictField(required=False, allow_null=True, allow_empty=False)
    payment = serializers.ChoiceField(choices=Payment.choices, default=Payment.PAID)
    # For store staff selling in store at one of several stores (a POS uses its own).
    location = LocationField(required=False, allow_null=True)

    def validate_shipping_address(self, value):
        if value is not None and len(str(value)) > 2000:
            raise serializers.ValidationError(_("The address is too long."))
        return value


class OrderInput(FulfilmentInput):
    customer = CustomerField(required=False, allow_null=True)
    lines: serializers.ListSerializer[list[dict]] = serializers.ListSerializer(
        child=LineInput(), allow_empty=False, max_length=MAX_LINES)
    codes = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=10)
    loyalty_points = IntegerField(required=False, default=0, min_value=0, max_value=10_000_000,
                                  help_text="Loyalty points the customer spends on the order.")

    def validate_lines(self, lines):
        # Kept for the order: placing it reads the same products (with their prices) again otherwise.
        self.products = products_by_sku(skus=[line["sku"] for line in lines])
        return validate_skus(lines, known=self.products)


class CartCreateInput(serializers.Serializer):
    customer = CustomerField(required=False, allow_null=True)


class CartChangeInput(CartCreateInput):
    loyalty_points = IntegerField(required=False, min_value=0, max_value=10_000_000,
                                  help_text="Loyalty points to spend at checkout (0: none).")


class QuantityInput(serializers.Serializer):
    quantity = IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY)


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)


class PickupCodeInput(serializers.Serializer):
    pickup_code = serializers.CharField(max_length=12)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReturnLineInput(LineInput):
    condition = serializers.ChoiceField(choices=ItemCondition.choices, default=ItemCondition.RESELLABLE)


class ReturnInput(serializers.Serializer):
    location = LocationField()
    reason = serializers.ChoiceField(choices=ReturnReason.choices, default=ReturnReason.OTHER)
    refund_method = serializers.ChoiceField(choices=RefundMethod.choices, default=RefundMethod.ORIGINAL)
    lines: serializers.ListSerializer[list[dict]] = serializers.ListSerializer(
        child=ReturnLineInput(), allow_empty=False, max_length=MAX_LINES)

    def validate_lines(self, lines):
        validate_skus(lines)
        return [ReturnItem(line["sku"], line["quantity"], line["condition"]) for line in lines]
