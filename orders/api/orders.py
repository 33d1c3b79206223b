"""Orders (contract section Orders): placing, reading, the status transitions and returns."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from omni.actor import Actor
from omni.idempotency import run_idempotent
from omni.pagination import PageNumberPagination

from .. import selectors, services
from ..models import Order, OrderStatus
from .answers import PickupCodeKeptOutOfRecords, order_context, order_response, placed_response, sells
from .inputs import CancelInput, OrderInput, PickupCodeInput, ReturnInput, customer_filter
from .outputs import OrderSerializer, ReturnSerializer


class OrderListCreateApi(PickupCodeKeptOutOfRecords, APIView):
    actor_rules = {"POST": sells}
    pagination_class = PageNumberPagination
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
        responses={200: OrderSerializer(many=True)},
    )
    def get(self, request):
        filters = {name: request.query_params.get(name) for name in self.FILTERS if request.query_params.get(name)}
        if filters.get("status") and filters["status"] not in OrderStatus.values:
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        if filters.get("customer"):
            filters["customer"] = customer_filter(filters["customer"]).pk
        queryset = selectors.order_list(actor=Actor.from_request(request), filters=filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(OrderSerializer(page, many=True, context=order_context(request)).data)

    @extend_schema(request=OrderInput, responses={201: OrderSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = OrderInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = services.order_place(actor=Actor.from_request(request), products=incoming.products,
                                     **incoming.validated_data)
        return placed_response(request, order)


def _order(request: Request, number: str, *, details: bool = True) -> Order:
    order = selectors.order_get(actor=Actor.from_request(request), number=number, details=details)
    if order is None:
        raise Http404
    return order


class OrderDetailApi(APIView):
    @extend_schema(responses={200: OrderSerializer})
    def get(self, request, number):
        return Response(OrderSerializer(_order(request, number), context=order_context(request)).data)


class _OrderActionSchema(AutoSchema):
    """One view serves every transition; only ``collect`` and ``cancel`` read a body."""

    def get_request_serializer(self):
        view = self.view
        if not isinstance(view, OrderActionApi):  # this schema is OrderActionApi's own
            raise TypeError(f"_OrderActionSchema describes OrderActionApi, not {type(view).__name__}.")
        return {"collect": PickupCodeInput, "cancel": CancelInput}.get(view.action)


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
            cancel_input = CancelInput(data=request.data or {})
            cancel_input.is_valid(raise_exception=True)
            order = services.order_cancel(order=order, actor=actor, **cancel_input.validated_data)
        return order_response(request, order)


class OrderReturnsApi(APIView):
    actor_rules = {"POST": sells}

    @extend_schema(responses={200: ReturnSerializer(many=True)})
    def get(self, request, number):
        return Response(ReturnSerializer(_order(request, number).returns.all(), many=True).data)

    @extend_schema(request=ReturnInput, responses={201: ReturnSerializer})
    def post(self, request, number):
        return run_idempotent(self, request, lambda: self._create(request, number))

    def _create(self, request, number):
        order = _order(request, number, details=False)  # return_create reads it under its lock
        incoming = ReturnInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        order_return = services.return_create(order=order, actor=Actor.from_request(request), **incoming.validated_data)
        answer = ReturnSerializer(selectors.return_get(pk=order_return.pk),
                                  context={"store_credit_code": order_return.store_credit_code})
        return Response(answer.data, status=status.HTTP_201_CREATED)
