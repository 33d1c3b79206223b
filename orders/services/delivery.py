"""Deliveries: shipped, then delivered (the rules of ``transitions`` apply)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.services import stock_consume
from omni.actor import Actor
from omni.errors import Forbidden

from ..models import Order, OrderStatus, Payment
from ..permissions import may_ship
from .notify import order_notify
from .transitions import finish_transition, locked, start_transition


@transaction.atomic
def order_ship(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    order = locked(order)
    if not may_ship(actor, order):
        raise Forbidden(_("Only the location that fulfils this order ships it."))
    from_status = start_transition(order, OrderStatus.SHIPPED, now=now)
    stock_consume(reference=order.number, actor=actor)
    order_notify(order, kind="order_shipped", compose=lambda: (
        _("Your order %(number)s is on its way.") % {"number": order.number},
        _("Your order %(number)s has shipped") % {"number": order.number},
    ))
    return finish_transition(order, from_status, actor=actor, now=now, fields=[])


@transaction.atomic
def order_deliver(*, order: Order, actor: Actor, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    order = locked(order)
    if not may_ship(actor, order):
        raise Forbidden(_("Only the location that fulfils this order reports its delivery."))
    from_status = start_transition(order, OrderStatus.DELIVERED, now=now)
    order.closed_at = now
    if order.payment == Payment.PAY_ON_DELIVERY:
        order.payment = Payment.PAID  # the carrier took the payment at the door
    order_notify(order, kind="order_delivered", compose=lambda: (
        _("Your order %(number)s has been delivered.") % {"number": order.number},
        _("Your order %(number)s has been delivered") % {"number": order.number},
    ))
    return finish_transition(order, from_status, actor=actor, now=now, fields=["closed_at", "payment"])
