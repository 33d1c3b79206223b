"""Demo orders of every kind and status, made through the services so that the stock
ledger, reservations and history stay consistent: pickups to prepare, ready, due today,
overdue, collected today and earlier, cancelled and expired; deliveries placed, shipped,
delivered; in-store sales, one returned in another store.

Idempotent: it runs once (when no order exists) and is skipped afterwards.
"""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from inventory.models import StockLevel
from omni.actor import Actor
from omni.errors import DomainError
from omni.models import ApiClient, Location, User

from . import services
from .models import ItemCondition, Order, RefundMethod, ReturnReason

ADDRESSES = [
    {"name": "Léa Martin", "line1": "12 rue Oberkampf", "postcode": "75011", "city": "Paris", "country": "FR"},
    {"name": "Hugo Bernard", "line1": "5 cours Lafayette", "postcode": "69003", "city": "Lyon", "country": "FR"},
    {"name": "Inès Petit", "line1": "40 La Canebière", "postcode": "13001", "city": "Marseille", "country": "FR"},
    {"name": "Tom Durand", "line1": "9 rue de Metz", "postcode": "31000", "city": "Toulouse", "country": "FR"},
]


def _client_actor(name: str) -> Actor | None:
    client = ApiClient.objects.filter(name=name).select_related("location").first()
    return Actor.for_client(client) if client else None


def _staff_actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    return Actor.for_user(user) if user else None


def _stocked_skus(location: Location, minimum: int, limit: int = 40) -> list[str]:
    return list(
        StockLevel.objects.filter(location=location, product__is_active=True)
        .with_available().filter(available__gte=minimum)
        .order_by("product__sku").values_list("product__sku", flat=True)[:limit]
    )


def seed_orders(stdout=None) -> None:
    if Order.objects.exists():
        if stdout:
            stdout.write("  orders: already seeded")
        return
    rng = random.Random(20261123)  # noqa: S311 - demo data
    now = timezone.now()
    web = _client_actor("Demo website")
    app = _client_actor("Demo mobile app")
    pos_paris = _client_actor("Demo POS Paris Rivoli")
    staff_paris = _staff_actor("staff.paris")
    staff_lyon = _staff_actor("staff.lyon")
    agent = _staff_actor("agent")
    admin = _staff_actor("admin")
    erp = _client_actor("Demo ERP")  # carrier events come from the ERP
    stores = {loc.code: loc for loc in Location.objects.filter(click_and_collect=True, is_active=True)}
    customers = list(Customer.objects.active().order_by("created_at")[:80])
    if not (web and app and pos_paris and staff_paris and admin and erp and stores and customers):
        if stdout:
            stdout.write("  orders: skipped (run the organisation, inventory and customers seeders first)")
        return
    skus = {code: _stocked_skus(location, 3) for code, location in stores.items()}
    warehouse_skus = [sku for loc in Location.objects.filter(kind="warehouse") for sku in _stocked_skus(loc, 4)]
    created = 0
    hold = timedelta(days=settings.OMNI_PICKUP_HOLD_DAYS)
    since_midnight = now - timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)

    def lines_from(pool, count=None):
        chosen = rng.sample(pool, min(len(pool), count or rng.randint(1, 3)))
        return [{"sku": sku, "quantity": 1} for sku in chosen]

    def pickup(code, *, placed_ago, actor=None, ready_ago=None, collect_ago=None, cancel=False):
        nonlocal created
        location = stores.get(code)
        if location is None or not skus.get(code):
            return None
        staff = pos_paris if code == "paris-rivoli" else (staff_lyon if code == "lyon-part-dieu" else None)
        staff = staff or admin
        try:
            with transaction.atomic():
                order = services.order_place(
                    lines=lines_from(skus[code]), fulfilment="click_and_collect", pickup_location=location,
                    customer=rng.choice(customers), actor=actor or rng.choice([web, web, app]),
                    payment=rng.choice(["paid", "paid", "pay_at_pickup"]), now=now - placed_ago,
                )
                if ready_ago is not None:
                    services.order_mark_ready(order=order, actor=staff, now=now - ready_ago)
                if collect_ago is not None:
                    services.order_collect(order=order, pickup_code=services.pickup_code_for(order), actor=staff,
                                           now=now - collect_ago)
                if cancel:
                    services.order_cancel(order=order, actor=agent or web, reason="customer called",
                                          now=now - placed_ago + timedelta(hours=2))
        except DomainError:
            return None
        created += 1
        return order

    for code in ("paris-rivoli", "lyon-part-dieu"):
        for hours in (1, 2, 5):  # to prepare
            pickup(code, placed_ago=timedelta(hours=hours))
        pickup(code, placed_ago=timedelta(days=2))  # overdue: never prepared
        for days in (1, 2):  # ready, held for days yet
            pickup(code, placed_ago=timedelta(days=days, hours=3), ready_ago=timedelta(days=days))
        # Due today: the hold ends in a few hours (a reminder goes out).
        pickup(code, placed_ago=hold + timedelta(hours=2), ready_ago=hold - timedelta(hours=4))
        for hours in (1, 3):  # collected today, also just after midnight in the shop's time zone
            pickup(code, placed_ago=timedelta(days=1, hours=hours), ready_ago=timedelta(hours=20),
                   collect_ago=min(timedelta(hours=hours), since_midnight / (hours + 1)))
        pickup(code, placed_ago=timedelta(days=12), ready_ago=timedelta(days=11), collect_ago=timedelta(days=10))
        pickup(code, placed_ago=timedelta(days=3), cancel=True)
        pickup(code, placed_ago=hold + timedelta(days=3))  # expires in the scan below
    for code in stores:
        if code not in ("paris-rivoli", "lyon-part-dieu"):
            pickup(code, placed_ago=timedelta(hours=rng.randint(1, 30)))

    # Deliveries from the warehouse (or a ship-from-store store).
    for index in range(10):
        if not warehouse_skus:
            break
        try:
            with transaction.atomic():
                order = services.order_place(
                    lines=lines_from(warehouse_skus), fulfilment="delivery", shipping_address=ADDRESSES[index % 4],
                    customer=rng.choice(customers), actor=(web, app, agent or web)[index % 3],
                    now=now - timedelta(days=index, hours=2),
                )
                if index >= 3:
                    services.order_ship(order=order, actor=erp)
                if index >= 6:
                    services.order_deliver(order=order, actor=erp)
                if index == 2:
                    services.order_cancel(order=order, actor=web)
            created += 1
        except DomainError:
            continue

    # In-store sales, one returned in another store.
    sales = []
    for index in range(8):
        code = "paris-rivoli" if index % 2 == 0 else "lyon-part-dieu"
        actor = pos_paris if code == "paris-rivoli" else staff_lyon
        if actor is None or not skus.get(code):
            continue
        try:
            sales.append(services.order_place(
                lines=lines_from(skus[code], 2), fulfilment="in_store", customer=rng.choice(customers + [None]),
                actor=actor, location=stores[code], now=now - timedelta(days=index, hours=5),
            ))
            created += 1
        except DomainError:
            continue
    if staff_lyon and stores.get("lyon-part-dieu"):
        _seed_returns(sales, location=stores["lyon-part-dieu"], actor=staff_lyon)
    result = services.orders_expire(now=now)
    carts = _seed_carts(web=web, app=app, customers=customers, skus=warehouse_skus, rng=rng)
    if stdout:
        stdout.write(f"  orders: {created} orders, {result['expired']} expired, {result['reminded']} reminders,"
                     f" {carts} open carts")


def _seed_returns(sales: list[Order], *, location: Location, actor: Actor) -> None:
    """Past returns of every kind, all taken in Lyon (returns anywhere): one unit back for a
    wrong size, a damaged unit written off and refunded as store credit, and a sale brought
    back whole."""
    kinds = [
        (ReturnReason.WRONG_SIZE, ItemCondition.RESELLABLE, RefundMethod.ORIGINAL, False),
        (ReturnReason.DAMAGED, ItemCondition.DAMAGED, RefundMethod.STORE_CREDIT, False),
        (ReturnReason.CHANGED_MIND, ItemCondition.RESELLABLE, RefundMethod.ORIGINAL, True),
    ]
    for order, (reason, condition, method, whole) in zip(sales, kinds, strict=False):
        lines = list(order.lines.all())
        items = [services.ReturnItem(line.sku, line.quantity if whole else 1, condition) for line in
                 (lines if whole else lines[:1])]
        with contextlib.suppress(DomainError):
            services.return_create(order=order, location=location, lines=items, actor=actor, reason=reason,
                                   refund_method=method)


def _seed_carts(*, web: Actor, app: Actor, customers: list[Customer], skus: list[str], rng: random.Random) -> int:
    """Open carts left on the website and the app, some with the welcome code, for a store
    to continue at the till (the hand-over story): from the customer's 360° page, or by
    the cart's QR code. The README's own story customer keeps no cart of their own."""
    count = 0
    shoppers = [customer for customer in customers[10:40] if customer.email][:6]
    for index, customer in enumerate(shoppers):
        actor = web if index % 2 == 0 else app
        cart = services.cart_create(actor=actor, customer=customer)
        for sku in rng.sample(skus, min(len(skus), 2 + index % 3)):
            with contextlib.suppress(DomainError):
                cart = services.cart_line_add(cart=cart, sku=sku, quantity=1 + index % 2, actor=actor)
        if index % 3 == 0:
            with contextlib.suppress(DomainError):  # the code needs 50 € of goods
                cart = services.cart_code_add(cart=cart, code="BIENVENUE", actor=actor)
        count += 1
    return count

