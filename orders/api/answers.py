"""What every carts and orders view shares: who may change orders, and how an order is
answered (with the pickup code for the client that placed it, on replays too)."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from omni.actor import Actor
from omni.channels import Channel

from .. import selectors, services
from ..models import Fulfilment, Order
from .outputs import OrderSerializer


def sells(actor: Actor) -> bool:
    """Marketing staff read orders but never change them."""
    return not actor.is_marketing


def reader_channel(request: Request) -> str:
    """The channel of the client that asks: signed into the tracking links it is given."""
    return Actor.from_request(request).channel or Channel.WEB


def order_context(request: Request, *, pickup_code: str = "") -> dict:
    return {"via": reader_channel(request), "pickup_code": pickup_code}


def order_response(request: Request, order: Order, *, status_code: int = 200, pickup_code: str = "") -> Response:
    """``order`` as a service returns it (in memory), with its details read once."""
    order = selectors.order_details(order)
    return Response(OrderSerializer(order, context=order_context(request, pickup_code=pickup_code)).data,
                    status=status_code)


def placed_response(request: Request, order: Order) -> Response:
    """A new order's 201, with its pickup code for the client that placed it."""
    return order_response(request, order, status_code=201, pickup_code=services.pickup_code_for(order))


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
