"""Promotions and pricing API (contract: Promotions, Pricing). Thin: serializers validate,
services and the pricing loader decide."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import Customer, Segment
from customers.selectors import customer_resolve
from inventory.errors import UnknownProduct
from omni.actor import Actor
from omni.channels import Channel
from omni.fields import DateTimeField, IntegerField
from omni.idempotency import run_idempotent
from omni.money import MoneyField
from omni.permissions import marketing_or_admin

from .codes import MAX_CODE_LENGTH
from .engine import PricedCart
from .errors import InvalidPromotion
from .models import Kind, Promotion
from .pricing import MAX_LINE_QUANTITY, price_cart
from .selectors import promotion_list
from .services import codes_generate, promotion_create, promotion_errors, promotion_update
from .services.codes import MAX_CODES_PER_BATCH

MAX_LINES = 500


# The channel is a plain string in the schema: the enum postprocessor would otherwise name
# the same choice set twice ("channel", "channels") and collide with other apps' fields.
@extend_schema_field({"type": "string", "description": "web | app | store | call_centre"})
class ChannelField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in Channel.values:
            raise serializers.ValidationError(
                _("Unknown channel %(value)s; one of: %(channels)s.") % {"value": value,
                                                                        "channels": ", ".join(Channel.values)}
            )
        return value


class SegmentSlugField(serializers.SlugRelatedField):
    """A segment by slug; a value that cannot be a slug is refused before the query
    (PostgreSQL rejects NUL bytes in a lookup with an error, not an empty result)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 60:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:60])
        return super().to_internal_value(data)


# --- the priced structure (carts, quotes and orders share it) ------------------------------
class PricedLineOutput(serializers.Serializer):
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyField()
    discount = MoneyField()
    total = MoneyField()


class DiscountOutput(serializers.Serializer):
    promotion = serializers.CharField()
    name = serializers.CharField()
    amount = MoneyField()
    explanation = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class PricedCartOutput(serializers.Serializer):
    lines = PricedLineOutput(many=True)
    codes = serializers.ListField(child=serializers.CharField())
    subtotal = MoneyField()
    discount_total = MoneyField()
    total = MoneyField()
    currency = serializers.CharField()
    discounts = DiscountOutput(many=True)
    loyalty_points = serializers.IntegerField(help_text="Loyalty points spent on it.")
    loyalty_discount = MoneyField(help_text="What the points took off, after promotions.")


def priced_cart_data(priced: PricedCart) -> dict:
    return PricedCartOutput(priced.as_dict()).data


def unknown_sku_error(exc: UnknownProduct, line_count: int) -> serializers.ValidationError:
    """``UnknownProduct`` from the loader as DRF's field errors on ``lines[index].sku``."""
    errors: list[dict] = [{} for _ in range(line_count)]
    index = exc.extra.get("index", 0)
    if isinstance(index, int) and 0 <= index < line_count:
        errors[index] = {"sku": [_("No active product has the SKU %(sku)s.") % {"sku": exc.extra.get("sku")}]}
    return serializers.ValidationError({"lines": errors})


def _customer(customer_id) -> Customer | None:
    """The customer, following merges (a duplicate's old id still prices for the customer
    it became); an unknown or erased one is a validation error on ``customer``."""
    if not customer_id:
        return None
    customer = customer_resolve(customer_id)
    if customer is None or customer.is_erased:
        raise serializers.ValidationError({"customer": [_("No customer has this id.")]})
    return customer


class QuoteApi(APIView):
    """Price lines for a customer and codes on a channel, exactly as a cart or an order would."""

    class QuoteLineInput(serializers.Serializer):
        sku = serializers.CharField(max_length=64)
        quantity = IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)

    class QuoteInput(serializers.Serializer):
        customer = serializers.UUIDField(required=False, allow_null=True)
        lines = serializers.ListField(child=serializers.DictField(), max_length=MAX_LINES)
        codes = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False, default=list, max_length=20
        )
        channel = ChannelField(required=False, allow_null=True)
        loyalty_points = IntegerField(required=False, default=0, min_value=0, max_value=10_000_000)

        def validate_lines(self, lines):
            errors, cleaned = [], []
            for line in lines:
                serializer = QuoteApi.QuoteLineInput(data=line)
                errors.append({} if serializer.is_valid() else serializer.errors)
                cleaned.append(serializer.validated_data if not serializer.errors else None)
            if any(errors):
                raise serializers.ValidationError(errors)
            return cleaned

    @extend_schema(request=QuoteInput, responses={200: PricedCartOutput})
    def post(self, request):
        actor = Actor.from_request(request)
        incoming = self.QuoteInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        customer = _customer(data.get("customer"))
        try:
            priced = price_cart(
                lines=data["lines"],
                channel=data.get("channel") or actor.channel_or_default,
                customer=customer,
                codes=data["codes"],
                loyalty_points=data["loyalty_points"],
            )
        except UnknownProduct as exc:
            raise unknown_sku_error(exc, len(data["lines"])) from exc
        return Response(priced_cart_data(priced))


# --- promotions -----------------------------------------------------------------------------
class PromotionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    min_subtotal = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    starts_at = DateTimeField(required=False, allow_null=True)
    ends_at = DateTimeField(required=False, allow_null=True)
    buy_quantity = IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    get_quantity = IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    channels = serializers.ListField(child=ChannelField(), required=False)
    skus = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=1000)
    categories = serializers.ListField(child=serializers.SlugField(max_length=40), required=False, max_length=200)
    segments = SegmentSlugField(slug_field="slug", many=True, queryset=Segment.objects.all(), required=False)
    code = serializers.CharField(max_length=MAX_CODE_LENGTH, required=False, allow_null=True, allow_blank=True)
    usage_limit = IntegerField(min_value=1, max_value=2_000_000_000, required=False, allow_null=True)
    per_customer_limit = IntegerField(
        min_value=1, max_value=2_000_000_000, required=False, allow_null=True
    )
    priority = IntegerField(min_value=-1000, max_value=1000, required=False)
    active = serializers.BooleanField(source="is_active", required=False)
    status = serializers.CharField(read_only=True)
    codes_count = serializers.SerializerMethodField()

    class Meta:
        model = Promotion
        fields = [
            "id", "name", "description", "kind", "value", "buy_quantity", "get_quantity", "channels", "starts_at",
            "ends_at", "skus", "categories", "min_subtotal", "segments", "requires_code", "code", "usage_limit",
            "per_customer_limit", "priority", "stackable", "active", "status", "codes_count", "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_codes_count(self, promotion) -> int | None:
        return getattr(promotion, "codes_count", None)

    def validate(self, attrs):
        errors = promotion_errors({k: v for k, v in attrs.items() if k != "segments"}, instance=self.instance)
        if errors:
            raise serializers.ValidationError({name: [message] for name, message in errors.items()})
        return attrs


def _invalid(exc: InvalidPromotion) -> serializers.ValidationError:
    errors = exc.extra.get("errors")
    if not isinstance(errors, dict) or not errors:
        errors = {"non_field_errors": exc.detail}
    return serializers.ValidationError({name: [str(message)] for name, message in errors.items()})


class PromotionListCreateApi(generics.ListAPIView):
    serializer_class = PromotionSerializer
    actor_rules = {"*": marketing_or_admin}

    def get_queryset(self):
        from django.db.models import Count

        filters = {name: self.request.query_params.get(name) for name in ("status", "search", "channel")}
        return promotion_list(actor=Actor.from_request(self.request), filters=filters).annotate(
            codes_count=Count("codes")
        )

    @extend_schema(request=PromotionSerializer, responses={201: PromotionSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = PromotionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            promotion = promotion_create(actor=Actor.from_request(request), **incoming.validated_data)
        except InvalidPromotion as exc:
            raise _invalid(exc) from exc
        return Response(PromotionSerializer(promotion).data, status=status.HTTP_201_CREATED)


class PromotionDetailApi(generics.RetrieveAPIView):
    serializer_class = PromotionSerializer
    actor_rules = {"*": marketing_or_admin}
    lookup_url_kwarg = "promotion_id"

    def get_queryset(self):
        return promotion_list(actor=Actor.from_request(self.request))

    @extend_schema(request=PromotionSerializer, responses=PromotionSerializer)
    def patch(self, request, promotion_id):
        promotion = self.get_object()
        incoming = PromotionSerializer(promotion, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        try:
            actor = Actor.from_request(request)
            promotion = promotion_update(promotion=promotion, actor=actor, **incoming.validated_data)
        except InvalidPromotion as exc:
            raise _invalid(exc) from exc
        return Response(PromotionSerializer(promotion).data)


class PromotionCodesApi(APIView):
    """Generate unique single-use codes for a promotion."""

    actor_rules = {"*": marketing_or_admin}

    class CodesInput(serializers.Serializer):
        count = IntegerField(min_value=1, max_value=MAX_CODES_PER_BATCH)
        prefix = serializers.RegexField(r"^[A-Za-z0-9]{0,12}-?$", required=False, default="", allow_blank=True)

    class CodesOutput(serializers.Serializer):
        codes = serializers.ListField(child=serializers.CharField())

    @extend_schema(request=CodesInput, responses={201: CodesOutput})
    def post(self, request, promotion_id):
        return run_idempotent(self, request, lambda: self._create(request, promotion_id))

    def _create(self, request, promotion_id):
        actor = Actor.from_request(request)
        promotion = get_object_or_404(promotion_list(actor=actor), pk=promotion_id)
        incoming = self.CodesInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        codes = codes_generate(promotion=promotion, actor=actor, **incoming.validated_data)
        return Response({"codes": codes}, status=status.HTTP_201_CREATED)
