"""The status flow every order follows, and the steps every change of status takes.

Rules every service of ``placing``, ``pickup``, ``delivery`` and ``closing`` follows:
- one transaction; the order row is locked first (``select_for_update``), then stock
  levels (inventory locks them in pk order), then codes: one lock order for everybody;
- every transition is checked against ``TRANSITIONS`` (409 ``invalid_transition``) and
  recorded in ``OrderStatusChange`` with the actor, the channel and the time;
- ``order_placed`` / ``order_status_changed`` are sent inside the transaction;
- messages go to the outbox in the same transaction and leave after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from loyalty import services as loyalty_services
from omni.actor import Actor
from omni.errors import InvalidTransition
from omni.models import Location

from ..models import Fulfilment, Order, OrderStatus, OrderStatusChange
from ..signals import order_status_changed

S = OrderStatus
# The transitions that hand an order over (the points it earned stop being pending).
HANDED_OVER_NOW = (S.COLLECTED, S.DELIVERED)
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Fulfilment.CLICK_AND_COLLECT: {
        S.READY_FOR_PICKUP: (S.PLACED,),
        S.COLLECTED: (S.READY_FOR_PICKUP,),
        S.CANCELLED: (S.PLACED, S.READY_FOR_PICKUP),
        S.EXPIRED: (S.PLACED, S.READY_FOR_PICKUP),
        S.PARTIALLY_RETURNED: (S.COLLECTED,),
        S.RETURNED: (S.COLLECTED, S.PARTIALLY_RETURNED),
    },
    Fulfilment.DELIVERY: {
        S.SHIPPED: (S.PLACED,),
        S.DELIVERED: (S.SHIPPED,),
        S.CANCELLED: (S.PLACED,),
        S.PARTIALLY_RETURNED: (S.DELIVERED,),
        S.RETURNED: (S.DELIVERED, S.PARTIALLY_RETURNED),
    },
    Fulfilment.IN_STORE: {
        S.PARTIALLY_RETURNED: (S.COMPLETED,),
        S.RETURNED: (S.COMPLETED, S.PARTIALLY_RETURNED),
    },
}


def record_change(
    order: Order,
    *,
    status: str,
    actor: Actor,
    now: datetime,
    from_status: str = "",
    note: str = "",
    location: Location | None = None,
) -> OrderStatusChange:
    """One line of the order's history: who, on which channel, where and when."""
    return OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        status=status,
        at=now,
        channel=actor.channel or "",
        actor_label=actor.label[:160],
        actor_user=actor.user,
        actor_client=actor.client,
        location=location or actor.location,
        note=note[:200],
    )


def locked(order: Order) -> Order:
    """``order`` read again under its row lock (the first lock every service takes)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("pickup_location", "fulfilment_location", "customer")
        .get(pk=order.pk)
    )


def start_transition(order: Order, to_status: str, *, now: datetime) -> str:
    """Moves ``order`` (in memory) to ``to_status`` if ``TRANSITIONS`` allows it, or 409
    ``invalid_transition``; the status it had is returned for ``finish_transition``."""
    allowed_from = TRANSITIONS.get(order.fulfilment, {}).get(to_status, ())
    if order.status not in allowed_from:
        raise InvalidTransition(
            _("Order %(number)s is %(status)s: it cannot become %(to)s.")
            % {"number": order.number, "status": order.get_status_display(), "to": S(to_status).label},
            status=order.status,
        )
    from_status = order.status
    order.status = to_status
    order.updated_at = now
    return from_status


def finish_transition(
    order: Order, from_status: str, *, actor: Actor, now: datetime, fields: Iterable[str], note: str = ""
) -> Order:
    """Saves the new status (and ``fields``), records it and tells the apps above."""
    order.save(update_fields=["status", "updated_at", *fields])
    record_change(order, status=order.status, from_status=from_status, actor=actor, now=now, note=note)
    if order.status in HANDED_OVER_NOW and order.customer_id:
        loyalty_services.points_confirm(order=order.number, now=now)  # its pending points can be spent
    order_status_changed.send(sender=Order, order=order, from_status=from_status, to_status=order.status, actor=actor)
    return order
