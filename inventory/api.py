"""Products and stock API (contract sections Products and Stock). Thin: validate, call a
service or a selector, serialise."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from omni.actor import Actor
from omni.channels import Channel
from omni.fields import IntegerField
from omni.idempotency import run_idempotent
from omni.models import Location
from omni.money import MoneyField, currency
from omni.outputs import PlainOutput

from . import selectors, services
from .errors import UnknownProduct
from .filters import ProductFilter
from .models import MAX_STOCK_QUANTITY, MovementKind, Product, StockLevel, validate_ean13
from .permissions import can_move_stock, can_write_catalogue

MAX_BATCH_SKUS = 200


# --- products -----------------------------------------------------------------------------
class ProductOutput(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()
    base_price = MoneyField(source="price", read_only=True)
    channel_prices = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "sku",
            "barcode",
            "name",
            "category",
            "price",
            "currency",
            "attributes",
            "base_price",
            "channel_prices",
            "is_active",
            "low_stock_threshold",
        ]

    @extend_schema(responses=str)
    def get_price(self, product: Product) -> str:
        return f"{selectors.price_for(product, self.context.get('channel')):.2f}"

    def get_currency(self, product: Product) -> str:
        return currency()

    def get_channel_prices(self, product: Product) -> dict[str, str]:
        return {price.channel: f"{price.price:.2f}" for price in product.channel_prices.all()}


class ChannelPricesField(serializers.DictField):
    child = MoneyField(min_value=0, allow_null=True)

    def to_internal_value(self, data):
        prices = super().to_internal_value(data)
        unknown = sorted(set(prices) - set(Channel.values))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown channel(s): %(channels)s. Channels: %(known)s.")
                % {"channels": ", ".join(unknown), "known": ", ".join(Channel.values)}
            )
        return prices


class ProductInput(serializers.Serializer):
    sku = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$", max_length=64)
    barcode = serializers.CharField(
        max_length=13, required=False, allow_null=True, allow_blank=True, validators=[validate_ean13]
    )
    name = serializers.CharField(max_length=200)
    category = serializers.SlugField(max_length=40, required=False, allow_blank=True)
    price = MoneyField(min_value=0)
    channel_prices = ChannelPricesField(required=False)
    attributes = serializers.DictField(required=False)
    is_active = serializers.BooleanField(required=False)
    low_stock_threshold = IntegerField(min_value=0, max_value=MAX_STOCK_QUANTITY, required=False, allow_null=True)

    def validate_barcode(self, value):
        if not value:
            return None
        clash = Product.objects.filter(barcode=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("Another product has this barcode."))
        return value

    def validate_sku(self, value):
        if self.instance is not None:
            if value != self.instance.sku:
                raise serializers.ValidationError(_("The SKU of a product cannot change."))
            return value
        if Product.objects.filter(sku=value).exists():
            raise serializers.ValidationError(_("A product with this SKU already exists."))
        return value

    def validate_attributes(self, value):
        if len(str(value)) > 2000:
            raise serializers.ValidationError(_("Attributes are too large."))
        return value


def _product_context(request) -> dict:
    return {"channel": Actor.from_request(request).channel, "request": request}


class ProductListCreateApi(generics.ListAPIView):
    serializer_class = ProductOutput
    filterset_class = ProductFilter
    actor_rules = {"POST": can_write_catalogue}

    def get_queryset(self):
        return selectors.product_list(actor=Actor.from_request(self.request))

    def get_serializer_context(self):
        return _product_context(self.request)

    @extend_schema(request=ProductInput, responses={201: ProductOutput})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = ProductInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        product = services.product_create(actor=Actor.from_request(request), **incoming.validated_data)
        product = selectors.product_get(sku=product.sku)
        return Response(ProductOutput(product, context=_product_context(request)).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(generics.RetrieveAPIView):
    serializer_class = ProductOutput
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"
    actor_rules = {"PATCH": can_write_catalogue}

    def get_queryset(self):
        return selectors.product_list(actor=Actor.from_request(self.request))

    def get_serializer_context(self):
        return _product_context(self.request)

    @extend_schema(request=ProductInput, responses=ProductOutput)
    def patch(self, request, sku):
        product = self.get_object()
        incoming = ProductInput(product, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        fields = {key: value for key, value in incoming.validated_data.items() if key != "sku"}
        services.product_update(product=product, actor=Actor.from_request(request), **fields)
        product = selectors.product_get(sku=product.sku)
        return Response(ProductOutput(product, context=_product_context(request)).data)


# --- stock --------------------------------------------------------------------------------
class StockRowOutput(PlainOutput):
    """One level's figures: the stock list's rows, a movement's and a transfer's answers."""

    sku = serializers.CharField()
    location = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField(source="live_reserved")
    available = serializers.IntegerField()


class LocationStockOutput(PlainOutput):
    """One location's stock of the product."""

    location = serializers.CharField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField(source="live_reserved")
    available = serializers.IntegerField()
    click_and_collect = serializers.BooleanField()


class ProductStockOutput(serializers.Serializer):
    sku = serializers.CharField()
    total_available = serializers.IntegerField()
    locations = LocationStockOutput(many=True)


class StockDetailApi(APIView):
    """Every location's stock of one SKU, the caller's own location first."""

    @extend_schema(responses=ProductStockOutput)
    def get(self, request, sku):
        try:
            rows = selectors.stock_for_sku(sku=sku, actor=Actor.from_request(request))
        except UnknownProduct:
            raise Http404 from None
        answer = {"sku": sku, "total_available": selectors.total_available(rows), "locations": rows}
        return Response(ProductStockOutput(answer).data)


class StockQuery(serializers.Serializer):
    skus = serializers.CharField(max_length=MAX_BATCH_SKUS * 65)
    # A code, not a SlugRelatedField: the selector finds the location inside its own query
    # (the batch read is one of the hottest), and says when there is none.
    location = serializers.CharField(max_length=Location._meta.get_field("code").max_length, required=False)

    def validate_skus(self, value):
        skus = [sku.strip() for sku in value.split(",") if sku.strip()]
        if not skus:
            raise serializers.ValidationError(_("Give at least one SKU."))
        if len(set(skus)) > MAX_BATCH_SKUS:
            raise serializers.ValidationError(_("At most %(max)s SKUs at once.") % {"max": MAX_BATCH_SKUS})
        return skus


class StockListApi(generics.GenericAPIView):
    """Batch availability: ``?skus=A,B[&location=CODE]``."""

    serializer_class = StockRowOutput
    queryset = StockLevel.objects.none()  # for the schema; rows come from the selector

    @extend_schema(
        parameters=[
            OpenApiParameter("skus", str, required=True, description="Comma-separated SKUs"),
            OpenApiParameter("location", str, description="A location code"),
        ],
        responses=StockRowOutput(many=True),
    )
    def get(self, request):
        params = {key: request.query_params.get(key) for key in ("skus", "location") if request.query_params.get(key)}
        query = StockQuery(data=params)
        query.is_valid(raise_exception=True)
        location = query.validated_data.get("location")
        try:
            rows = selectors.stock_rows(skus=query.validated_data["skus"], location=location)
        except Location.DoesNotExist:
            # The answer a SlugRelatedField gives, word for word (and in the caller's language).
            unknown = serializers.SlugRelatedField.default_error_messages["does_not_exist"]
            message = unknown.format(slug_name="code", value=location)
            raise serializers.ValidationError({"location": [message]}) from None
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(StockRowOutput(rows, many=True).data)
        return self.get_paginated_response(StockRowOutput(page, many=True).data)


class MovementInput(serializers.Serializer):
    sku = serializers.SlugRelatedField(slug_field="sku", queryset=Product.objects.all())
    location = serializers.SlugRelatedField(slug_field="code", queryset=Location.objects.filter(is_active=True))
    kind = serializers.ChoiceField(choices=[MovementKind.RECEIPT, MovementKind.ADJUSTMENT, MovementKind.COUNT])
    quantity = IntegerField(min_value=-MAX_STOCK_QUANTITY, max_value=MAX_STOCK_QUANTITY)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate(self, data):
        kind, quantity = data["kind"], data["quantity"]
        if kind == MovementKind.RECEIPT and quantity <= 0:
            raise serializers.ValidationError({"quantity": [_("A receipt needs a positive quantity.")]})
        if kind == MovementKind.ADJUSTMENT and quantity == 0:
            raise serializers.ValidationError({"quantity": [_("An adjustment needs a non-zero quantity.")]})
        if kind == MovementKind.COUNT and quantity < 0:
            raise serializers.ValidationError({"quantity": [_("A count cannot be negative.")]})
        return data


class StockMovementCreateApi(APIView):
    """Receipt (adds), adjustment (signed delta) or count (sets on hand) -> the new level."""

    actor_rules = {"POST": can_move_stock}

    @extend_schema(request=MovementInput, responses={201: StockRowOutput})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = MovementInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        level = services.stock_move(
            sku=data["sku"].sku,
            location=data["location"],
            kind=data["kind"],
            quantity=data["quantity"],
            reason=data.get("reason", ""),
            reference=data.get("reference", ""),
            actor=Actor.from_request(request),
        )
        return Response(StockRowOutput(selectors.StockFigures.of(level)).data, status=status.HTTP_201_CREATED)


class TransferInput(serializers.Serializer):
    sku = serializers.SlugRelatedField(slug_field="sku", queryset=Product.objects.all())
    from_location = serializers.SlugRelatedField(slug_field="code", queryset=Location.objects.filter(is_active=True))
    to_location = serializers.SlugRelatedField(slug_field="code", queryset=Location.objects.filter(is_active=True))
    quantity = IntegerField(min_value=1, max_value=MAX_STOCK_QUANTITY)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate(self, data):
        if data["from_location"].pk == data["to_location"].pk:
            raise serializers.ValidationError({"to_location": [_("Choose a location other than the origin.")]})
        return data


class TransferOutput(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    reference = serializers.CharField()
    from_location = StockRowOutput()
    to_location = StockRowOutput()


class StockTransferCreateApi(APIView):
    actor_rules = {"POST": can_move_stock}

    @extend_schema(request=TransferInput, responses={201: TransferOutput})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = TransferInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        transfer = services.stock_transfer(
            sku=data["sku"].sku,
            from_location=data["from_location"],
            to_location=data["to_location"],
            quantity=data["quantity"],
            reason=data.get("reason", ""),
            actor=Actor.from_request(request),
        )
        answer = {
            "sku": data["sku"].sku,
            "quantity": data["quantity"],
            "reference": transfer.reference,
            "from_location": selectors.StockFigures.of(transfer.source),
            "to_location": selectors.StockFigures.of(transfer.target),
        }
        return Response(TransferOutput(answer).data, status=status.HTTP_201_CREATED)
