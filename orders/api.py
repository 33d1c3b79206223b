"""Carts and orders API (contract sections Carts and Orders). Thin: validate, call a
service or a selector, serialise."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.selectors import customer_resolve
from inventory.selectors import products_by_sku
from omni.actor import Actor
from omni.channels import Channel
from omni.fields import IntegerField
from omni.idempotency import run_idempotent
from omni.models import Location
from omni.money import MoneyField, currency
from omni.pagination import PageNumberPagination
from promotions.api import PricedLineOutput

from . import selectors, services
from .models import Cart, Fulfilment, Order, OrderStatus, Payment
from .services.carts import MAX_LINE_QUANTITY
from .services.tracking import order_tracking_opened
from .tracking import DEFAULT_API_READER, tracking_data, tracking_link_works, tracking_url

MAX_LINES = 100
logger = logging.getLogger(__name__)


def sells(actor: Actor) -> bool:
    """Marketing staff read orders but never change them."""
    return not actor.is_marketing


# --- input ------------------------------------------------------------------------------------
@extend_schema_field(OpenApiTypes.UUID)
class CustomerField(serializers.Field):
    default_error_messages = {
        "unknown": _("No customer has the id %(value)s."),
        "erased": _("This customer's data was erased."),
    }

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        customer = customer_resolve(str(data))  # a merged duplicate stands for its target
        if customer is None:
            raise serializers.ValidationError(self.error_messages["unknown"] % {"value": data})
        if customer.is_erased:
            raise serializers.ValidationError(self.error_messages["erased"])
        return customer

    def to_representation(self, value):
        return str(value.pk) if value else None


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
    known = products_by_sku(skus=[line["sku"] for line in lines]) if known is None else known
    errors = [
        {} if line["sku"] in known and known[line["sku"]].is_active
        else {"sku": [_("No product has the SKU %(sku)s.") % {"sku": line["sku"]}]}
        for line in lines
    ]
    if any(errors):
        raise serializers.ValidationError(errors)
    return lines


class FulfilmentInput(serializers.Serializer):
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    pickup_location = LocationField(required=False, allow_null=True)
    shipping_address = serializers.DictField(required=False, allow_null=True, allow_empty=False)
    payment = serializers.ChoiceField(choices=Payment.choices, default=Payment.PAID)
    # For store staff selling in store at one of several stores (a POS uses its own).
    location = LocationField(required=False, allow_null=True)

    def validate_shipping_address(self, value):
        if value is not None and len(str(value)) > 2000:
            raise serializers.ValidationError(_("The address is too long."))
        return value

    def validate(self, data):
        if data["fulfilment"] == Fulfilment.CLICK_AND_COLLECT and not data.get("pickup_location"):
            raise serializers.ValidationError({"pickup_location": [_("Choose the pickup store.")]})
        if data["fulfilment"] == Fulfilment.DELIVERY and not data.get("shipping_address"):
            raise serializers.ValidationError({"shipping_address": [_("A delivery needs a shipping address.")]})
        if data.get("payment") == Payment.PAY_AT_PICKUP and data["fulfilment"] != Fulfilment.CLICK_AND_COLLECT:
            raise serializers.ValidationError({"payment": [_("Pay at pickup is only for click & collect.")]})
        return data


class OrderInput(FulfilmentInput):
    customer = CustomerField(required=False, allow_null=True)
    lines = LineInput(many=True, allow_empty=False, max_length=MAX_LINES)
    codes = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=10)

    def validate_lines(self, lines):
        # Kept for the order: placing it reads the same products (with their prices) again otherwise.
        self.products = products_by_sku(skus=[line["sku"] for line in lines])
        return validate_skus(lines, known=self.products)


# --- output ------------------------------------------------------------------------------------
def money(value) -> str:
    return f"{value:.2f}"


_DATETIME = serializers.DateTimeField()


def when(value) -> str | None:
    """As DRF writes times, so that an idempotent replay is byte-for-byte the first answer."""
    return _DATETIME.to_representation(value) if value else None


def order_data(order: Order, *, pickup_code: str | None = None, fresh: bool = False, via: str = Channel.WEB) -> dict:
    """``order`` as ``selectors.with_details`` reads it (or, ``fresh``, as just placed).
    ``via``: the channel of the client that asks, signed into the ``tracking_url`` it gets
    (for the confirmation it sends the customer), so that a visit counts where it came from."""
    notifications = () if fresh else order.messages.all()  # just placed: nothing sent yet
    lines = order.prepared_lines if fresh else order.lines.all()
    history = order.prepared_history if fresh else order.history.all()
    returns = [] if fresh else order.returns.all()
    works = tracking_link_works(order, returns=returns)
    data = {
        "number": order.number,
        "channel": order.channel,
        "status": order.status,
        "fulfilment": order.fulfilment,
        "customer": str(order.customer_id) if order.customer_id else None,
        "pickup_location": order.pickup_location.code if order.pickup_location_id else None,
        "fulfilment_location": order.fulfilment_location.code if order.fulfilment_location_id else None,
        "lines": [
            {
                "sku": line.sku, "name": line.name, "quantity": line.quantity, "unit_price": money(line.unit_price),
                "discount": money(line.discount), "total": money(line.total),
                "returned_quantity": line.returned_quantity,
            }
            for line in lines
        ],
        "codes": order.codes,
        "discounts": order.discounts,
        "subtotal": money(order.subtotal),
        "discount_total": money(order.discount_total),
        "total": money(order.total),
        "currency": currency(),
        "payment": order.payment,
        "shipping_address": order.shipping_address,
        "created_at": when(order.created_at),
        "ready_at": when(order.ready_at),
        "hold_until": when(order.hold_until),
        "closed_at": when(order.closed_at),
        "history": [
            {
                "status": change.status, "at": when(change.at), "channel": change.channel or None,
                "actor": change.actor_label,
            }
            for change in history
        ],
        "notifications": [
            {"channel": message.medium, "kind": message.kind, "at": when(message.created_at), "status": message.status}
            for message in notifications
        ],
        "returns": [return_data(order_return) for order_return in returns],
        "tracking_url": tracking_url(order, via=via) if works else None,
    }
    if pickup_code:
        data["pickup_code"] = pickup_code
    return data


def return_data(order_return) -> dict:
    lines = getattr(order_return, "prepared_lines", None) or order_return.lines.all()
    return {
        "id": str(order_return.pk),
        "order": order_return.order.number,
        "location": order_return.location.code,
        "refund_amount": money(order_return.refund_amount),
        "currency": currency(),
        "created_at": when(order_return.created_at),
        "lines": [
            {"sku": line.order_line.sku, "quantity": line.quantity, "refund_amount": money(line.refund_amount)}
            for line in lines
        ],
    }


def cart_data(cart: Cart) -> dict:
    priced = services.cart_price(cart)
    return {
        "id": str(cart.pk),
        "channel": cart.channel,
        "status": cart.status,
        "customer": str(cart.customer_id) if cart.customer_id else None,
        "lines": [
            {
                "sku": line["sku"], "name": line["name"], "quantity": line["quantity"],
                "unit_price": money(line["unit_price"]), "discount": money(line["discount"]),
                "total": money(line["total"]),
            }
            for line in priced["lines"]
        ],
        "codes": list(cart.codes),
        "code_errors": priced.get("code_errors", []),
        "subtotal": money(priced["subtotal"]),
        "discount_total": money(priced["discount_total"]),
        "total": money(priced["total"]),
        "currency": priced.get("currency") or currency(),
        "discounts": [
            {"promotion": str(d["promotion"]), "name": d["name"], "amount": money(d["amount"])}
            for d in priced.get("discounts", [])
        ],
        "created_at": when(cart.created_at),
        "updated_at": when(cart.updated_at),
    }


# --- OpenAPI: what cart_data, order_data and return_data answer (documentation only) -------------
# A cart line is the pricing engine's line, as promotions documents it.
CartLineSerializer = PricedLineOutput


class CartDiscountSerializer(serializers.Serializer):
    promotion = serializers.UUIDField()
    name = serializers.CharField()
    amount = MoneyField()


class CartSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    channel = serializers.CharField()
    status = serializers.CharField(help_text="open, converted or abandoned")
    customer = serializers.UUIDField(allow_null=True)
    lines = CartLineSerializer(many=True)
    codes = serializers.ListField(child=serializers.CharField())
    code_errors = serializers.ListField(child=serializers.JSONField())
    subtotal = MoneyField()
    discount_total = MoneyField()
    total = MoneyField()
    currency = serializers.CharField()
    discounts = CartDiscountSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PaginatedCartSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CartSerializer(many=True)


class OrderLineSerializer(CartLineSerializer):
    returned_quantity = serializers.IntegerField()


class ReturnLineSerializer(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    refund_amount = MoneyField()


class ReturnSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    order = serializers.CharField()
    location = serializers.CharField()
    refund_amount = MoneyField()
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = ReturnLineSerializer(many=True)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField()
    at = serializers.DateTimeField()
    channel = serializers.CharField(allow_null=True)
    actor = serializers.CharField()


class NotificationSerializer(serializers.Serializer):
    channel = serializers.CharField(help_text="sms or email")
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    status = serializers.CharField()


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    fulfilment = serializers.CharField()
    customer = serializers.UUIDField(allow_null=True)
    pickup_location = serializers.CharField(allow_null=True)
    fulfilment_location = serializers.CharField(allow_null=True)
    pickup_code = serializers.CharField(
        required=False, help_text="In the creating client's 201 answer only (and its idempotent replay)."
    )
    lines = OrderLineSerializer(many=True)
    codes = serializers.ListField(child=serializers.CharField())
    discounts = serializers.ListField(child=serializers.JSONField())
    subtotal = MoneyField()
    discount_total = MoneyField()
    total = MoneyField()
    currency = serializers.CharField()
    payment = serializers.CharField()
    shipping_address = serializers.JSONField(allow_null=True)
    created_at = serializers.DateTimeField()
    ready_at = serializers.DateTimeField(allow_null=True)
    hold_until = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    history = StatusChangeSerializer(many=True)
    notifications = NotificationSerializer(many=True)
    returns = ReturnSerializer(many=True)
    tracking_url = serializers.URLField(
        allow_null=True,
        help_text="The order's public tracking page (/t/<token>/), for the confirmation the client sends the "
        "customer; null once the link no longer works (30 days after the order closed).",
    )


class PaginatedOrderSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OrderSerializer(many=True)


def _via(request) -> str:
    return Actor.from_request(request).channel or Channel.WEB


def _order_response(request, order: Order, *, status_code=200, pickup_code=None, fresh=False) -> Response:
    """``fresh``: a just-placed order, answered from memory (it has no message yet)."""
    if fresh:
        return Response(order_data(order, pickup_code=pickup_code, fresh=True, via=_via(request)), status=status_code)
    order = selectors.with_details(Order.objects.filter(pk=order.pk)).get()
    return Response(order_data(order, pickup_code=pickup_code, via=_via(request)), status=status_code)


# --- carts -------------------------------------------------------------------------------------
class CartPagination(PageNumberPagination):
    """Each cart is priced by the promotions engine (a few queries each): pages stay short."""

    page_size = 20
    max_page_size = 20


class CartCreateInput(serializers.Serializer):
    customer = CustomerField(required=False, allow_null=True)


class CartListCreateApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(
        operation_id="carts_list",
        parameters=[
            OpenApiParameter("customer", str, description="A customer id (UUID)."),
            OpenApiParameter("status", str, enum=Cart.Status.values),
            OpenApiParameter("page", int), OpenApiParameter("page_size", int),
        ],
        responses={200: PaginatedCartSerializer},
    )
    def get(self, request):
        customer = request.query_params.get("customer")
        state = request.query_params.get("status")
        if state and state not in Cart.Status.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        if customer:
            try:
                CustomerField().to_internal_value(customer)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"customer": exc.detail}) from exc
        actor = Actor.from_request(request)
        queryset = selectors.cart_list(actor=actor, filters={"customer": customer, "status": state})
        paginator = CartPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([cart_data(cart) for cart in page])

    @extend_schema(request=CartCreateInput, responses={201: CartSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = CartCreateInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        cart = services.cart_create(actor=Actor.from_request(request), **incoming.validated_data)
        return Response(cart_data(_cart(request, cart.pk)), status=status.HTTP_201_CREATED)


def _cart(request, cart_id) -> Cart:
    cart = selectors.cart_get(actor=Actor.from_request(request), cart_id=cart_id)
    if cart is None:
        raise Http404
    return cart


class CartDetailApi(APIView):
    actor_rules = {"PATCH": sells}

    @extend_schema(responses={200: CartSerializer})
    def get(self, request, cart_id):
        return Response(cart_data(_cart(request, cart_id)))

    @extend_schema(request=CartCreateInput, responses={200: CartSerializer})
    def patch(self, request, cart_id):
        cart = _cart(request, cart_id)
        incoming = CartCreateInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        if "customer" in incoming.validated_data:
            services.cart_customer_set(cart=cart, customer=incoming.validated_data["customer"],
                                       actor=Actor.from_request(request))
        return Response(cart_data(_cart(request, cart_id)))


class CartLinesApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(request=LineInput, responses={200: CartSerializer})
    def post(self, request, cart_id):
        return run_idempotent(self, request, lambda: self._add(request, cart_id))

    def _add(self, request, cart_id):
        cart = _cart(request, cart_id)
        incoming = LineInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        validate_skus_field(incoming.validated_data)
        services.cart_line_add(cart=cart, actor=Actor.from_request(request), **incoming.validated_data)
        return Response(cart_data(_cart(request, cart_id)))


def validate_skus_field(line: dict) -> None:
    try:
        validate_skus([line])
    except serializers.ValidationError as exc:
        raise serializers.ValidationError(exc.detail[0]) from exc


class QuantityInput(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_LINE_QUANTITY)


class CartLineDetailApi(APIView):
    actor_rules = {"PATCH": sells, "DELETE": sells}

    def _line_exists(self, cart: Cart, sku: str) -> None:
        if not any(line.product.sku == sku for line in cart.lines.all()):
            raise Http404

    @extend_schema(request=QuantityInput, responses={200: CartSerializer})
    def patch(self, request, cart_id, sku):
        cart = _cart(request, cart_id)
        self._line_exists(cart, sku)
        incoming = QuantityInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.cart_line_set(cart=cart, sku=sku, actor=Actor.from_request(request), **incoming.validated_data)
        return Response(cart_data(_cart(request, cart_id)))

    @extend_schema(responses={200: CartSerializer})
    def delete(self, request, cart_id, sku):
        cart = _cart(request, cart_id)
        self._line_exists(cart, sku)
        services.cart_line_remove(cart=cart, sku=sku, actor=Actor.from_request(request))
        return Response(cart_data(_cart(request, cart_id)))


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=64)


class CartCodesApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(request=CodeInput, responses={200: CartSerializer})
    def post(self, request, cart_id):
        cart = _cart(request, cart_id)
        incoming = CodeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.cart_code_add(cart=cart, code=incoming.validated_data["code"], actor=Actor.from_request(request))
        return Response(cart_data(_cart(request, cart_id)))


class PickupCodeKeptOutOfRecords:
    """A new click & collect order's pickup code is shown to the client that placed it,
    and again on an ``Idempotency-Key`` replay. It is derived from the order, never stored:
    the idempotency record keeps the answer without it and the replay derives it again."""

    def body_to_store(self, data):
        return {key: value for key, value in data.items() if key != "pickup_code"} if isinstance(data, dict) else data

    def body_to_replay(self, data):
        if isinstance(data, dict) and data.get("fulfilment") == Fulfilment.CLICK_AND_COLLECT and data.get("number"):
            order = Order.objects.filter(number=data["number"]).first()
            if order is not None:
                return {**data, "pickup_code": services.pickup_code_for(order)}
        return data


class CartCheckoutApi(PickupCodeKeptOutOfRecords, APIView):
    actor_rules = {"POST": sells}

    @extend_schema(request=FulfilmentInput, responses={201: OrderSerializer})
    def post(self, request, cart_id):
        return run_idempotent(self, request, lambda: self._checkout(request, cart_id))

    def _checkout(self, request, cart_id):
        incoming = FulfilmentInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:  # the service reads the cart once, under its lock
            order = services.cart_checkout(cart=Cart(pk=cart_id), actor=Actor.from_request(request),
                                           **incoming.validated_data)
        except Cart.DoesNotExist:
            raise Http404 from None
        return _order_response(request, order, status_code=status.HTTP_201_CREATED, pickup_code=order.pickup_code,
                               fresh=True)


# --- orders ------------------------------------------------------------------------------------
class OrderListCreateApi(PickupCodeKeptOutOfRecords, APIView):
    actor_rules = {"POST": sells}
    FILTERS = ("status", "pickup_location", "customer", "channel", "fulfilment")

    @extend_schema(
        operation_id="orders_list",
        parameters=[
            OpenApiParameter("status", str, enum=OrderStatus.values),
            OpenApiParameter("pickup_location", str, description="A location code."),
            OpenApiParameter("customer", str, description="A customer id (UUID)."),
            OpenApiParameter("channel", str),
            OpenApiParameter("fulfilment", str),
            OpenApiParameter("page", int), OpenApiParameter("page_size", int),
        ],
        responses={200: PaginatedOrderSerializer},
    )
    def get(self, request):
        filters = {name: request.query_params.get(name) for name in self.FILTERS if request.query_params.get(name)}
        if filters.get("status") and filters["status"] not in OrderStatus.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        if filters.get("customer"):
            try:
                filters["customer"] = CustomerField().to_internal_value(filters["customer"]).pk
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"customer": exc.detail}) from exc
        queryset = selectors.order_list(actor=Actor.from_request(request), filters=filters)
        paginator = generics.GenericAPIView.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        via = _via(request)
        return paginator.get_paginated_response([order_data(order, via=via) for order in page])

    @extend_schema(request=OrderInput, responses={201: OrderSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = OrderInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = services.order_place(actor=Actor.from_request(request), products=incoming.products,
                                     **incoming.validated_data)
        return _order_response(request, order, status_code=status.HTTP_201_CREATED, pickup_code=order.pickup_code,
                               fresh=True)


def _order(request, number, *, details: bool = True) -> Order:
    order = selectors.order_get(actor=Actor.from_request(request), number=number, details=details)
    if order is None:
        raise Http404
    return order


class OrderDetailApi(APIView):
    @extend_schema(responses={200: OrderSerializer})
    def get(self, request, number):
        order = _order(request, number)
        return Response(order_data(order, via=_via(request)))


class PickupCodeInput(serializers.Serializer):
    pickup_code = serializers.CharField(max_length=12)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class _OrderActionSchema(AutoSchema):
    """One view serves every transition; only ``collect`` and ``cancel`` read a body."""

    def get_request_serializer(self):
        return {"collect": PickupCodeInput, "cancel": CancelInput}.get(self.view.action)


class OrderActionApi(APIView):
    """POST /orders/{number}/<action>/: one transition each."""

    actor_rules = {"POST": sells}
    action = ""
    schema = _OrderActionSchema()

    @extend_schema(responses={200: OrderSerializer})
    def post(self, request, number):
        order = _order(request, number, details=False)  # the service reads it under its lock
        actor = Actor.from_request(request)
        if self.action == "ready":
            order = services.order_mark_ready(order=order, actor=actor)
        elif self.action == "collect":
            incoming = PickupCodeInput(data=request.data)
            incoming.is_valid(raise_exception=True)
            order = services.order_collect(order=order, actor=actor, **incoming.validated_data)
        elif self.action == "ship":
            order = services.order_ship(order=order, actor=actor)
        elif self.action == "deliver":
            order = services.order_deliver(order=order, actor=actor)
        else:
            incoming = CancelInput(data=request.data or {})
            incoming.is_valid(raise_exception=True)
            order = services.order_cancel(order=order, actor=actor, **incoming.validated_data)
        return _order_response(request, order)


class ReturnLineInput(LineInput):
    pass


class ReturnInput(serializers.Serializer):
    location = LocationField()
    lines = ReturnLineInput(many=True, allow_empty=False, max_length=MAX_LINES)

    def validate_lines(self, lines):
        validate_skus(lines)
        merged: dict[str, int] = {}
        for line in lines:
            merged[line["sku"]] = merged.get(line["sku"], 0) + line["quantity"]
        return merged


class OrderReturnsApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(responses={200: ReturnSerializer(many=True)})
    def get(self, request, number):
        order = _order(request, number)
        return Response([return_data(order_return) for order_return in order.returns.all()])

    @extend_schema(request=ReturnInput, responses={201: ReturnSerializer})
    def post(self, request, number):
        return run_idempotent(self, request, lambda: self._create(request, number))

    def _create(self, request, number):
        order = _order(request, number, details=False)  # return_create reads it under its lock
        incoming = ReturnInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        order_return = services.return_create(order=order, actor=Actor.from_request(request), **incoming.validated_data)
        order_return.order = order
        return Response(return_data(order_return), status=status.HTTP_201_CREATED)


# --- tracking (public: whoever holds the link of a message about the order) ----------------------
class TrackingStoreOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    phone = serializers.CharField()
    opening_hours = serializers.CharField()


class TrackingStepOutput(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True, help_text="When it was reached; null: still to come.")
    is_done = serializers.BooleanField()
    is_current = serializers.BooleanField()


class TrackingHistoryOutput(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
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
    """One order as its tracking page shows it, in the language of the link's message; of
    the customer, the first name only. Never the pickup code (it is in the message)."""

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
    payment = serializers.CharField(help_text="paid or pay_at_pickup")
    returns = TrackingReturnOutput(many=True)


def tracking_channel(actor: Actor) -> str:
    """Where a tracking JSON is read: the channel of the client that says who it is, else
    the app (the public answer is for it)."""
    return actor.channel if actor.client is not None and actor.channel else DEFAULT_API_READER


class OrderTrackingApi(APIView):
    """The tracking page of an order as JSON, for an app that opened the link of a message:
    public (no credentials), 404 for a forged, altered or expired token."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="orders_track", responses={200: OrderTrackingOutput})
    def get(self, request, token):
        found = selectors.order_for_tracking(token=token)
        if found is None:
            raise Http404
        order, link = found
        record_tracking_visit(order=order, link=link, channel=tracking_channel(Actor.from_request(request)))
        with translation.override(link.language):
            return Response(OrderTrackingOutput(tracking_data(order)).data)


def record_tracking_visit(*, order: Order, link, channel: str) -> None:
    """A visit is counted for marketing; counting it must never cost the customer the page."""
    try:
        order_tracking_opened(order=order, link=link, channel=channel)
    except DatabaseError:
        logger.warning("tracking visit of %s not recorded", order.number, exc_info=True)
