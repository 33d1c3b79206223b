"""An order's tracking page as JSON (public: whoever holds the link of a message about it)."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import Http404
from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from omni.actor import Actor

from .. import selectors
from ..models import Order
from ..services.tracking import order_tracking_opened
from ..tracking import DEFAULT_API_READER, tracking_data
from .outputs import OrderTrackingOutput

logger = logging.getLogger(__name__)


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
