"""Carts (contract section Carts): started on any channel, continued on any other, each
answer the repriced cart."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from omni.actor import Actor
from omni.idempotency import run_idempotent
from omni.pagination import PageNumberPagination

from .. import selectors, services
from ..models import Cart
from .answers import PickupCodeKeptOutOfRecords, placed_response, sells
from .inputs import (
    CartChangeInput,
    CartCreateInput,
    CartLineInput,
    CodeInput,
    FulfilmentInput,
    QuantityInput,
    customer_filter,
)
from .outputs import CartSerializer, OrderSerializer


class CartPagination(PageNumberPagination):
    """Each cart is priced by the promotions engine (a few queries each): pages stay short."""

    page_size = 20
    max_page_size = 20


def _cart(request: Request, cart_id, *, lines: bool = True) -> Cart:
    cart = selectors.cart_get(actor=Actor.from_request(request), cart_id=cart_id, lines=lines)
    if cart is None:
        raise Http404
    return cart


def cart_answer(cart: Cart) -> dict:
    return CartSerializer(services.cart_price(cart)).data


def cart_response(request: Request, cart_id, *, status_code: int = 200) -> Response:
    """The cart read again after a service changed it, priced."""
    return Response(cart_answer(_cart(request, cart_id)), status=status_code)


class CartListCreateApi(APIView):
    actor_rules = {"POST": sells}
    pagination_class = CartPagination

    @extend_schema(
        operation_id="carts_list",
        parameters=[
            OpenApiParameter("customer", str, description="A customer id (UUID)."),
            OpenApiParameter("status", str, enum=Cart.Status.values),
            OpenApiParameter("page", int), OpenApiParameter("page_size", int),
        ],
        responses={200: CartSerializer(many=True)},
    )
    def get(self, request):
        customer = request.query_params.get("customer")
        state = request.query_params.get("status")
        if state and state not in Cart.Status.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        if customer:
            customer_filter(customer)
        queryset = selectors.cart_list(actor=Actor.from_request(request),
                                       filters={"customer": customer, "status": state})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        if page is None:  # not reached: CartPagination always has a page size
            raise RuntimeError("CartPagination returned no page.")
        return paginator.get_paginated_response([cart_answer(cart) for cart in page])

    @extend_schema(request=CartCreateInput, responses={201: CartSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = CartCreateInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        cart = services.cart_create(actor=Actor.from_request(request), **incoming.validated_data)
        return cart_response(request, cart.pk, status_code=status.HTTP_201_CREATED)


class CartDetailApi(APIView):
    actor_rules = {"PATCH": sells}

    @extend_schema(responses={200: CartSerializer})
    def get(self, request, cart_id):
        return Response(cart_answer(_cart(request, cart_id)))

    @extend_schema(request=CartChangeInput, responses={200: CartSerializer})
    def patch(self, request, cart_id):
        cart = _cart(request, cart_id, lines=False)
        incoming = CartChangeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        actor = Actor.from_request(request)
        if "customer" in incoming.validated_data:
            cart = services.cart_customer_set(cart=cart, customer=incoming.validated_data["customer"], actor=actor)
        if "loyalty_points" in incoming.validated_data:
            services.cart_loyalty_set(cart=cart, points=incoming.validated_data["loyalty_points"], actor=actor)
        return cart_response(request, cart_id)


class CartLinesApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(request=CartLineInput, responses={200: CartSerializer})
    def post(self, request, cart_id):
        return run_idempotent(self, request, lambda: self._add(request, cart_id))

    def _add(self, request, cart_id):
        cart = _cart(request, cart_id, lines=False)
        incoming = CartLineInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.cart_line_add(cart=cart, actor=Actor.from_request(request), **incoming.validated_data)
        return cart_response(request, cart_id)


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
        return cart_response(request, cart_id)

    @extend_schema(responses={200: CartSerializer})
    def delete(self, request, cart_id, sku):
        cart = _cart(request, cart_id)
        self._line_exists(cart, sku)
        services.cart_line_remove(cart=cart, sku=sku, actor=Actor.from_request(request))
        return cart_response(request, cart_id)


class CartCodesApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(request=CodeInput, responses={200: CartSerializer})
    def post(self, request, cart_id):
        cart = _cart(request, cart_id, lines=False)
        incoming = CodeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.cart_code_add(cart=cart, code=incoming.validated_data["code"], actor=Actor.from_request(request))
        return cart_response(request, cart_id)


class CartCheckoutApi(PickupCodeKeptOutOfRecords, APIView):
    actor_rules = {"POST": sells}

    @extend_schema(request=FulfilmentInput, responses={201: OrderSerializer})
    def post(self, request, cart_id):
        return run_idempotent(self, request, lambda: self._checkout(request, cart_id))

    def _checkout(self, request, cart_id):
        cart = _cart(request, cart_id, lines=False)  # the service reads it again, lines too, under its lock
        incoming = FulfilmentInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = services.cart_checkout(cart=cart, actor=Actor.from_request(request), **incoming.validated_data)
        return placed_response(request, order)
