"""Reads shared by the API and the pages, scoped to what the actor may see, each at a
constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from customers.models import Customer
from inventory.selectors import with_channel_prices
from omni.actor import Actor
from omni.models import Message
from omni.money import MONEY_COLUMN, ZERO

from .models import Cart, CartLine, Fulfilment, Order, OrderStatus, OrderStatusChange, Return, ReturnLine
from .permissions import may_read_all_orders
from .tracking import TrackingLink, tracking_link_read, tracking_link_works

OVERDUE_PREPARATION = timedelta(hours=24)


def _detail_prefetches(*, messages: bool) -> list[Prefetch | str]:
    """What an order's answer shows besides its row, one query each whatever the number of
    orders: its lines, its history, the messages sent about it (``messages``: not for the
    customer's tracking page) and its returns with their lines."""
    history = OrderStatusChange.objects.order_by("at", "id")
    prefetches: list[Prefetch | str] = ["lines", Prefetch("history", queryset=history)]
    if messages:
        prefetches.append(Prefetch("messages", queryset=Message.objects.order_by("created_at", "id")))
    returns = Return.objects.select_related("location", "store_credit").prefetch_related(_return_lines())
    prefetches.append(Prefetch("returns", queryset=returns))
    return prefetches


def _return_lines() -> Prefetch:
    return Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line"))


def with_details(queryset: QuerySet[Order], *, messages: bool = True) -> QuerySet[Order]:
    """Orders with their lines, history, messages and returns (``_detail_prefetches``)."""
    related = queryset.select_related("customer", "pickup_location", "fulfilment_location")
    return related.prefetch_related(*_detail_prefetches(messages=messages))


def order_details(order: Order) -> Order:
    """``order``, just placed or changed by a service and still in memory, with what
    ``with_details`` adds, read without reading its row again."""
    prefetch_related_objects([order], *_detail_prefetches(messages=True))
    return order


def return_get(*, pk: UUID | str) -> Return:
    """One return as its answer shows it: its order, its store and its lines."""
    returns = Return.objects.select_related("order", "location", "store_credit")
    return returns.prefetch_related(_return_lines()).get(pk=pk)


def order_list(*, actor: Actor, filters: dict | None = None, details: bool = True) -> QuerySet[Order]:
    """``details``: lines, history and returns prefetched (the API); without, what a table
    row shows (the pages)."""
    queryset = _scoped(actor=actor, filters=filters)
    queryset = with_details(queryset) if details else queryset.select_related("customer", "pickup_location")
    return queryset.order_by("-created_at", "-pk")


def _scoped(*, actor: Actor, filters: dict | None = None) -> QuerySet[Order]:
    """Administrators, marketing, managers without a location, the ERP and the call
    centre see every order; store staff and a POS see their locations' orders and those
    they placed (nothing of another store); the website and the app see their channel's
    orders, and every order of a customer they name (the customer is one across channels,
    so are their orders: the app follows the web order and the in-store sale alike)."""
    filters = filters or {}
    queryset = Order.objects.all()
    if actor.is_store_staff and not actor.acts_everywhere:
        queryset = queryset.filter(
            Q(pickup_location_id__in=actor.location_ids) | Q(fulfilment_location_id__in=actor.location_ids)
            | Q(created_by_user=actor.user)
        )
    elif not may_read_all_orders(actor):
        if actor.is_pos:
            location_id = actor.location.pk if actor.location else None
            queryset = queryset.filter(
                Q(pickup_location_id=location_id) | Q(fulfilment_location_id=location_id)
                | Q(created_by_client=actor.client)
            )
        elif actor.is_sales_client:
            if not filters.get("customer"):
                queryset = queryset.filter(Q(channel=actor.channel) | Q(created_by_client=actor.client))
        else:
            queryset = queryset.none()
    for field in ("status", "channel", "fulfilment"):
        if filters.get(field):
            queryset = queryset.filter(**{field: filters[field]})
    if filters.get("pickup_location"):
        queryset = queryset.filter(pickup_location__code=filters["pickup_location"])
    if filters.get("customer"):
        queryset = queryset.filter(customer_id=filters["customer"])
    return queryset


def order_get(*, actor: Actor, number: str, details: bool = True) -> Order | None:
    """One order by number. Any store terminal or staff member may open any order
    (returns are taken anywhere), and the website, the app and the call centre any order
    they name, whatever its channel (the customer follows it from any of them); acting on
    it is checked by the services (403). ``details``: lines, history, messages and
    returns, for showing it; without, for a service that reads it again under its lock
    anyway."""
    names_any = actor.is_pos or actor.user is not None or actor.is_sales_client
    queryset = Order.objects.all() if names_any else _scoped(actor=actor)
    queryset = with_details(queryset) if details else queryset.select_related("pickup_location")
    return queryset.filter(number=number.strip().upper()).first()


def customer_orders(*, customer_id: UUID | str, limit: int = 20) -> QuerySet[Order]:
    """A customer's orders of every channel and store, newest first, as one table row each
    (the 360° page and the call centre: staff look up any customer and open any order)."""
    return (
        Order.objects.filter(customer_id=customer_id)
        .select_related("pickup_location", "fulfilment_location", "customer")
        .order_by("-created_at", "-pk")[:limit]
    )


# Orders that count as bought (not cancelled, not expired): what segments and spend read.
COUNTED_STATUSES = (
    OrderStatus.PLACED,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.COLLECTED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    OrderStatus.PARTIALLY_RETURNED,
    OrderStatus.RETURNED,  # still an order; spend deducts what its returns refunded
)


def spend_by_customer(customers: QuerySet | Iterable[UUID]) -> QuerySet:
    """Rows ``{customer_id, orders, spent}`` of these customers (a queryset of them, or
    ids): their counted orders of every channel, and what they spent on them net of what
    returns refunded. The one definition of a customer's spend (the 360° page, segments)."""
    refunded = (
        Return.objects.filter(order__customer_id=OuterRef("customer_id"), order__status__in=COUNTED_STATUSES)
        .order_by()
        .values("order__customer_id")
        .annotate(total=Sum("refund_amount"))
        .values("total")
    )
    money = DecimalField(**MONEY_COLUMN)
    return (
        Order.objects.filter(customer__in=customers, status__in=COUNTED_STATUSES)
        .order_by()
        .values("customer_id")
        .annotate(
            orders=Count("pk"),
            spent=Sum("total", output_field=money) - Coalesce(Subquery(refunded, output_field=money), ZERO),
        )
    )


def customer_spend(*, customer_id: UUID) -> dict:
    """``{orders, spent}`` of one customer (zeros before a first order). One query."""
    for row in spend_by_customer([customer_id]):  # one row, or none before a first order
        return {"orders": row["orders"], "spent": row["spent"]}
    return {"orders": 0, "spent": ZERO}


def last_shipping_address(*, customer: Customer) -> dict[str, str]:
    """The address of the customer's latest delivery (``name``, ``line1``, ``postcode``,
    ``city``), or an empty dict: what a new delivery offers, to be checked. One query."""
    last = (
        Order.objects.filter(customer=customer, fulfilment=Fulfilment.DELIVERY, shipping_address__isnull=False)
        .order_by("-created_at").values_list("shipping_address", flat=True).first()
    )
    return {key: str(last.get(key, "")) for key in ("name", "line1", "postcode", "city")} if last else {}


def customer_open_carts(*, customer_id: UUID | str, limit: int = 5) -> QuerySet[Cart]:
    """A customer's open carts of every channel, latest first, each with its number of
    units: what a store may continue at the till."""
    return (
        Cart.objects.filter(customer_id=customer_id, status=Cart.Status.OPEN)
        .annotate(units=Coalesce(Sum("lines__quantity"), 0))
        .order_by("-updated_at", "-pk")[:limit]
    )


def order_for_tracking(*, token: str, now: datetime | None = None) -> tuple[Order, TrackingLink] | None:
    """The order a tracking link names, with its details, while the link works; None for
    a forged or altered token, an unknown order or a link past its time."""
    link = tracking_link_read(token)
    if link is None:
        return None
    order = with_details(Order.objects.filter(number=link.number), messages=False).first()
    if order is None or not tracking_link_works(order, now=now):
        return None
    return order, link


# --- the click & collect board ---------------------------------------------------------------
def pickup_board(*, location_ids: Iterable[int], now: datetime | None = None) -> dict[str, list[Order]]:
    """A store's pickups: to prepare, ready, overdue (placed for more than a day and not
    prepared, or past their hold and not yet expired by the scan), collected today."""
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    orders = list(
        Order.objects.filter(fulfilment=Fulfilment.CLICK_AND_COLLECT, pickup_location_id__in=location_ids)
        .filter(Q(status__in=(OrderStatus.PLACED, OrderStatus.READY_FOR_PICKUP))
                | Q(status=OrderStatus.COLLECTED, closed_at__gte=start_of_day))
        .select_related("customer", "pickup_location")
        .prefetch_related("lines")
        .order_by("created_at")[:500]
    )
    board: dict[str, list[Order]] = {"to_prepare": [], "ready": [], "overdue": [], "collected": []}
    for order in orders:
        if order.status == OrderStatus.COLLECTED:
            board["collected"].append(order)
        elif (order.hold_until and order.hold_until <= now) or (
            order.status == OrderStatus.PLACED and order.created_at <= now - OVERDUE_PREPARATION
        ):
            board["overdue"].append(order)
        elif order.status == OrderStatus.PLACED:
            board["to_prepare"].append(order)
        else:
            board["ready"].append(order)
    return board


def pickup_counts(*, location_ids: Iterable[int], now: datetime | None = None) -> dict[str, int]:
    return {key: len(value) for key, value in pickup_board(location_ids=location_ids, now=now).items()}


# --- carts ----------------------------------------------------------------------------------
def _carts() -> QuerySet[Cart]:
    # The lines bring their products and channel prices, which ``services.cart_price``
    # hands to the pricing engine instead of it reading them again.
    lines = with_channel_prices(CartLine.objects.select_related("product"), product="product")
    return Cart.objects.select_related("customer").prefetch_related(Prefetch("lines", queryset=lines))


def cart_list(*, actor: Actor, filters: dict | None = None) -> QuerySet[Cart]:
    """A customer's carts, whoever started them (how a store picks up the cart started on
    the website), or without a customer the caller's own carts (``_carts_in_scope``)."""
    filters = filters or {}
    queryset = _carts()
    if filters.get("customer"):
        queryset = queryset.filter(customer_id=filters["customer"])
    else:
        queryset = _carts_in_scope(queryset, actor)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset.order_by("-updated_at")


def _carts_in_scope(queryset: QuerySet[Cart], actor: Actor) -> QuerySet[Cart]:
    """Without a customer to look for, a caller lists only its own carts: a till those of
    its store, store staff those of their stores (nothing of another store), the website,
    the app or the call centre those of its channel; the ERP and head-office staff all."""
    if actor.is_pos:
        return queryset.filter(location=actor.location)
    if actor.is_store_staff and not actor.acts_everywhere:
        return queryset.filter(location_id__in=actor.location_ids)
    if actor.user is not None or actor.is_integration:
        return queryset
    return queryset.filter(channel=actor.channel)


def cart_get(*, actor: Actor, cart_id: UUID | str, lines: bool = True) -> Cart | None:
    """Any selling actor may continue any cart it can name by its id (a UUID, shown to
    the customer as a QR code). ``lines``: with its lines, their products and prices (to
    price it); without, for a service that reads it again under its lock."""
    queryset = _carts() if lines else Cart.objects.all()
    return queryset.filter(pk=cart_id).first()
