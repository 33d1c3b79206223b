"""What orders plug into the core and into customers: global search and scan-to-open,
the dashboard's pickup panel, the customer timeline, segment facts, customer merges."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.channels import Channel
from omni.money import money_text
from omni.registry import SearchHit, SearchResults

from . import selectors, services
from .models import Order, Return
from .permissions import may_order_for_customer, may_read_all_orders, may_see_pickups
from .selectors import COUNTED_STATUSES


def sees_orders(actor: Actor) -> bool:
    return actor.user is not None and may_read_all_orders(actor)


def search_orders(query: str, actor: Actor, limit: int) -> SearchResults:
    if not sees_orders(actor):
        return SearchResults([])
    query = query.strip().upper()
    if len(query) < 3:
        return SearchResults([])
    # A partial number lists orders: only those the actor's order list shows (store staff
    # see nothing of another store); the exact number still opens any order (returns).
    return SearchResults.of(
        selectors.order_list(actor=actor, details=False).filter(number__icontains=query),
        limit,
        lambda order: SearchHit(
            kind=_("Order"),
            label=order.number,
            detail=" · ".join(filter(None, [order.get_status_display(), str(order.customer or "")])),
            url=reverse("orders:order-detail", args=[order.number]),
        ),
    )


def exact_order(query: str, actor: Actor) -> str | None:
    if not sees_orders(actor):
        return None
    number = query.strip().upper()
    if not number.startswith("OM-") and len(number) == 6:
        number = "OM-" + number
    if Order.objects.filter(number=number).exists():
        return reverse("orders:order-detail", args=[number])
    return None


def pickup_panel(actor: Actor) -> dict:
    return {"counts": selectors.pickup_counts(location_ids=actor.location_ids)}


def sees_pickup_panel(actor: Actor) -> bool:
    return may_see_pickups(actor) and bool(actor.location_ids)  # an administrator's has no counts


def timeline_entries(customer, limit: int) -> list[dict]:
    return _order_entries(customer, limit) + _return_entries(customer, limit)


def _return_entries(customer, limit: int) -> list[dict]:
    returns = (
        Return.objects.filter(order__customer=customer)
        .select_related("order", "location")
        .order_by("-created_at")[:limit]
    )
    return [
        {
            "at": order_return.created_at,
            "channel": order_return.channel or Channel.STORE.value,
            "kind": "return",
            "summary": _("Return %(number)s at %(store)s: %(amount)s refunded to %(method)s, %(reason)s")
            % {
                "number": order_return.number,
                "store": order_return.location.name,
                "amount": money_text(order_return.refund_amount),
                "method": order_return.get_refund_method_display().lower(),
                "reason": order_return.get_reason_display().lower(),
            },
            "reference": order_return.number,
            "amount": f"{order_return.refund_amount:.2f}",
            "url": reverse("orders:order-detail", args=[order_return.order.number]),
        }
        for order_return in returns
    ]


def _order_entries(customer, limit: int) -> list[dict]:
    orders = Order.objects.filter(customer=customer).select_related("pickup_location").order_by("-created_at")[:limit]
    return [
        {
            "at": order.created_at,
            "channel": order.channel,
            "kind": "order",
            "summary": _("Order %(number)s: %(total)s %(currency)s, %(fulfilment)s, %(status)s")
            % {
                "number": order.number,
                "total": f"{order.total:.2f}",
                "currency": _currency(),
                "fulfilment": order.get_fulfilment_display(),
                "status": order.get_status_display(),
            },
            "reference": order.number,
            "amount": f"{order.total:.2f}",
            "status": order.status,
            "url": reverse("orders:order-detail", args=[order.number]),
        }
        for order in orders
    ]


def _currency() -> str:
    from omni.money import currency

    return currency()


# --- segment facts ------------------------------------------------------------------------------
def orders_count_at_least(customers, params: dict):
    count = int(params.get("count", 1))
    return (
        Order.objects.filter(customer__in=customers, status__in=COUNTED_STATUSES)
        .values("customer_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=count)
        .values("customer_id")
    )


def spend_at_least(customers, params: dict):
    from decimal import Decimal

    amount = Decimal(str(params.get("amount", 0)))
    return selectors.spend_by_customer(customers).filter(spent__gte=amount).values("customer_id")


def bought_on_channel(customers, params: dict):
    return (
        Order.objects.filter(customer__in=customers, status__in=COUNTED_STATUSES)
        .filter(channel__in=params.get("channels", []))
        .values("customer_id")
    )


def facts() -> list:
    """The segment facts orders know (registered in ``OrdersConfig.ready()``)."""
    from django.utils.translation import gettext_lazy

    from customers.facts import Fact, Param

    return [
        Fact(
            "orders_count_at_least",
            gettext_lazy("At least N orders"),
            orders_count_at_least,
            (Param("count", "int", gettext_lazy("orders")),),
        ),
        Fact(
            "spend_at_least",
            gettext_lazy("Spent at least"),
            spend_at_least,
            (Param("amount", "int", gettext_lazy("amount")),),
        ),
        Fact(
            "bought_on_channel",
            gettext_lazy("Bought on any of these channels"),
            bought_on_channel,
            (Param("channels", "channels", gettext_lazy("channels")),),
        ),
    ]


def on_customers_merged(sender, source_id, target_id, actor=None, **kwargs) -> None:
    services.orders_repoint(source_id=source_id, target_id=target_id)


def on_customer_erased(sender, customer_id, actor=None, **kwargs) -> None:
    services.orders_anonymise(customer_id=customer_id)


# --- personal-data export -------------------------------------------------------------------------
def export_orders(customer) -> list[dict]:
    """The customer's orders for their personal-data export: what they bought, where, and
    the shipping addresses they gave."""
    orders = (
        Order.objects.filter(customer=customer)
        .select_related("pickup_location", "fulfilment_location")
        .prefetch_related("lines")
        .order_by("created_at", "pk")
    )
    return [
        {
            "number": order.number,
            "channel": order.channel,
            "status": order.status,
            "fulfilment": order.fulfilment,
            "pickup_location": order.pickup_location.code if order.pickup_location else None,
            "shipping_address": order.shipping_address,
            "codes": order.codes,
            "total": f"{order.total:.2f}",
            "created_at": order.created_at.isoformat(),
            "lines": [
                {
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": line.quantity,
                    "total": f"{line.total:.2f}",
                    "returned_quantity": line.returned_quantity,
                }
                for line in order.lines.all()
            ],
        }
        for order in orders
    ]


def aisle_link(sku: str, actor: Actor, available_here: int) -> str | None:
    """The product page's "Sell it from elsewhere" when the actor's store cannot promise one."""
    if available_here > 0 or not actor.location_ids or not may_order_for_customer(actor):
        return None
    return f"{reverse('orders:order-create')}?{urlencode({'sku': sku})}"
