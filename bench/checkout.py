"""Checkout throughput: orders per second for a 3-line click & collect order with two
running promotions and one entered code, from 8 concurrent clients, against the
framework floor of the same server, on PostgreSQL.

    .venv/bin/python bench/checkout.py [--seconds 10] [--clients 8] [--workers 4] [--threads 2]
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (the server; a throwaway database is made)

What it does:
1. creates and migrates the throwaway database ``omni_bench_checkout`` (dropped first);
2. builds one click & collect store, three stocked products, two running promotions (one
   automatic, stackable; one unlocked by the shared code ``BENCH5``) and a web API client;
3. counts the SQL queries of one order through Django's full stack, in process;
4. starts gunicorn on 127.0.0.1 (``--workers`` processes × ``--threads`` threads,
   DEBUG off, the psycopg pool on) and drives it with ``--clients`` keep-alive HTTP clients:
   - the floor: ``GET /api/v1/stock/ping/`` (token auth, throttling, DRF; one small query);
   - the checkout: ``POST /api/v1/orders/`` (3 lines, click & collect, code ``BENCH5``);
5. the same checkout paying with money kept by Omni: each client's customer spends 100
   loyalty points and pays 10.00 with a gift card (each customer with a history of 10,000
   ledger entries, each client its own card), orders/s beside the plain checkout's (goal: at least
   0.8 of it), and the queries of one such order for a customer with 10 entries and one
   with 10,000 (goal: the same);
6. the oversell check: the same clients race for the last 50 units of a fourth product
   (one unit per order) until refused; exactly 50 must succeed, and the stock ledger, the
   reservations and the orders must agree.

Not part of the test run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _figures import emit, quick  # noqa: E402

DATABASE = "omni_bench_checkout"
LAST_UNITS = 50
MONEY_CUSTOMERS = 8  # one per client: a shop's tills serve different customers
LEDGER_ENTRIES = 10_000


def environment() -> None:
    from _django import production_environment  # bench/ is the script's folder

    production_environment()
    os.environ["OMNI_SMS_BACKEND"] = "omni.sms.MemorySmsBackend"


def build() -> tuple[str, dict]:
    from decimal import Decimal

    from django.db import connection

    from inventory.models import MovementKind, Product, StockLevel, StockMovement
    from omni.models import Location
    from omni.services import api_client_create
    from promotions.models import Promotion

    store = Location.objects.create(code="bench-store", name="Bench store", kind="store", click_and_collect=True,
                                    address="1 rue du Banc", postcode="75001", city="Paris",
                                    opening_hours="Mon-Sat 10:00-19:30")
    products = Product.objects.bulk_create([
        Product(sku="B-CAP", name="Bench cap", category="caps", price=Decimal("19.90")),
        Product(sku="B-TEE", name="Bench tee", category="tees", price=Decimal("25.00")),
        Product(sku="B-JKT", name="Bench jacket", category="jackets", price=Decimal("89.00")),
        Product(sku="B-LAST", name="Bench last units", category="caps", price=Decimal("9.90")),
    ])
    for product in products:
        quantity = LAST_UNITS if product.sku == "B-LAST" else 1_000_000
        StockLevel.objects.create(product=product, location=store, on_hand=quantity)
        StockMovement.objects.create(product=product, location=store, kind=MovementKind.RECEIPT, quantity=quantity,
                                     on_hand_delta=quantity, on_hand_after=quantity, reserved_after=0)
    Promotion.objects.create(name="Caps -10%", kind="percent", value=Decimal("10"), categories=["caps"],
                             stackable=True, priority=10, is_active=True)
    Promotion.objects.create(name="5 € with BENCH5", kind="amount", value=Decimal("5"), code="BENCH5",
                             requires_code=True, stackable=True, priority=0, is_active=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _client, token = api_client_create(name="bench web", kind="web")
    body = {
        "lines": [{"sku": "B-CAP", "quantity": 1}, {"sku": "B-TEE", "quantity": 1}, {"sku": "B-JKT", "quantity": 1}],
        "fulfilment": "click_and_collect", "pickup_location": "bench-store", "payment": "paid", "codes": ["BENCH5"],
    }
    return token, body


def build_money(count: int) -> list[dict]:
    """Customers with ``LEDGER_ENTRIES`` points entries each (one with 10, last) and a gift
    card each, written in bulk as a big shop's history would be; the bodies that spend them."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from customers.models import Customer
    from giftcards import codes
    from giftcards.models import GiftCard, GiftCardEntry
    from loyalty.models import LoyaltyProgram, PointsEntry

    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"active": True})
    now, later = timezone.now(), timezone.now() + timedelta(days=365)
    bodies = []
    for index in range(count + 1):
        entries = 10 if index == count else LEDGER_ENTRIES
        customer = Customer.objects.create(first_name="Bench", last_name=f"Points {index}",
                                           email=f"bench.points{index}@example.com")
        PointsEntry.objects.bulk_create(_history(customer, entries, now, later), batch_size=2000)
        code = codes.new_code()
        card = GiftCard.objects.create(code_hash=codes.code_hash(code), code_last4=code[-4:],
                                       initial_amount=Decimal("1000000"), balance=Decimal("1000000"),
                                       expires_at=later)
        GiftCardEntry.objects.create(card=card, kind="issue", amount=Decimal("1000000"),
                                     balance_after=Decimal("1000000"))
        bodies.append({"customer": str(customer.pk), "loyalty_points": 100,
                       "gift_cards": [{"code": code, "amount": "10.00"}]})
    return bodies


def _history(customer, entries: int, now, later) -> list:
    """A customer's points history of ``entries`` rows as years of shopping leave it: earns
    of 100 points mostly spent by redemptions of 100, and 20 credits of 1,000 still live
    (20,000 points to spend). Balance and remainders agree, as the ledger keeps them."""
    from loyalty.models import PointsEntry

    live = [PointsEntry(customer=customer, kind="earn", points=1000, remaining=1000, expires_at=later, at=now,
                        order="BENCH") for _ in range(20)]
    spent_pairs = max(entries - len(live), 0) // 2
    history = []
    for _ in range(spent_pairs):
        history.append(PointsEntry(customer=customer, kind="earn", points=100, remaining=0, expires_at=later, at=now,
                                   order="BENCH"))
        history.append(PointsEntry(customer=customer, kind="redeem", points=-100, at=now, order="BENCH"))
    return history + live


def queries_per_order(token: str, body: dict) -> tuple[int, dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Authorization": f"Token {token}"})
    client.post("/api/v1/orders/", body, content_type="application/json")  # warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/orders/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    return len(captured.captured_queries), response.json()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    process = subprocess.Popen(
        [gunicorn, "omni.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads),
         "-k", "gthread", "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=os.environ.copy(),
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def drive(port: int, token: str, clients: int, seconds: float, request) -> tuple[int, dict[int, int], float]:
    """Each client sends ``request(connection)`` in a loop for ``seconds``; returns the
    number of requests, the statuses seen and the elapsed time."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def run() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        seen: dict[int, int] = {}
        start.wait()
        while time.monotonic() < deadline[0]:
            status = request(connection)
            seen[status] = seen.get(status, 0) + 1
        connection.close()
        with lock:
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return sum(statuses.values()), statuses, time.monotonic() - began


def drive_money(port: int, headers: dict, body: dict, bodies: list[dict], args, label: str) -> float:
    """The checkout again, each client as its own customer (``bodies``: what each adds)."""
    payloads = [json.dumps({**body, **spend}) for spend in bodies[: args.clients]]
    mine = threading.local()
    taken = iter(range(len(payloads)))
    lock = threading.Lock()

    def money_order(connection) -> int:
        if not hasattr(mine, "payload"):
            with lock:
                mine.payload = payloads[next(taken)]
        connection.request("POST", "/api/v1/orders/", body=mine.payload, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    _count, statuses, elapsed = drive(port, "", args.clients, args.seconds, money_order)
    rate = statuses.get(201, 0) / elapsed
    print(f"orders  {label}: {rate:8.1f} orders/s  {statuses}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3 if quick() else 10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    environment()
    from _django import setup

    setup(DATABASE)
    token, body = build()
    queries, sample = queries_per_order(token, body)
    print(f"one order: {queries} SQL queries; subtotal {sample['subtotal']}, discount {sample['discount_total']}, "
          f"total {sample['total']} {sample['currency']}")
    assert sample["discount_total"] == "6.99", sample  # 10 % of 19.90 (1.99) + 5.00: both promotions applied
    money_bodies = build_money(args.clients)
    many, _answer = queries_per_order(token, {**body, **money_bodies[0]})
    few, answer = queries_per_order(token, {**body, **money_bodies[-1]})
    assert answer["loyalty_discount"] == "1.00" and answer["gift_cards"][0]["amount"] == "10.00", answer
    print(f"one order with points and a card: {few} queries with 10 ledger entries, {many} with {LEDGER_ENTRIES:,} "
          f"(goal: the same)")
    emit("checkout", f"SQL queries per order with points and a card, 10 entries / {LEDGER_ENTRIES:,} (goal: equal)",
         f"{few} / {many}", "")

    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    payload = json.dumps(body)

    def ping(connection) -> int:
        connection.request("GET", "/api/v1/stock/ping/", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    def order(connection) -> int:
        connection.request("POST", "/api/v1/orders/", body=payload, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    last_payload = json.dumps({"lines": [{"sku": "B-LAST", "quantity": 1}], "fulfilment": "click_and_collect",
                               "pickup_location": "bench-store", "payment": "paid"})

    def last_unit(connection) -> int:
        connection.request("POST", "/api/v1/orders/", body=last_payload, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status

    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        drive(port, token, args.clients, 1.0, ping)  # warm-up: every worker imports and connects
        drive(port, token, args.clients, 1.0, order)
        count, statuses, elapsed = drive(port, token, args.clients, args.seconds, ping)
        floor = count / elapsed
        print(f"floor   GET /api/v1/stock/ping/ : {floor:8.1f} req/s  {statuses}")
        emit("checkout", f"floor GET /api/v1/stock/ping/, {args.clients} clients", floor, "req/s")
        count, statuses, elapsed = drive(port, token, args.clients, args.seconds, order)
        created = statuses.get(201, 0)
        rate = created / elapsed
        print(f"orders  POST /api/v1/orders/    : {rate:8.1f} orders/s  {statuses}  "
              f"({rate / floor:.1%} of the floor, {queries} queries per order)")
        emit("checkout", f"click & collect orders, {args.clients} clients, {args.workers}x{args.threads} gunicorn",
             rate, "orders/s")
        emit("checkout", "orders vs the floor", 100 * rate / floor, "%")
        emit("checkout", "SQL queries per order", queries, "")
        count, statuses, elapsed = drive(port, token, 1, args.seconds / 2, order)
        print(f"orders  POST /api/v1/orders/    : {statuses.get(201, 0) / elapsed:8.1f} orders/s  {statuses}  "
              f"(one client: {elapsed / max(count, 1) * 1000:.0f} ms per order)")
        emit("checkout", "one client, latency per order", elapsed / max(count, 1) * 1000, "ms")
        known = [{"customer": spend["customer"]} for spend in money_bodies]
        customer_rate = drive_money(port, headers, body, known, args, "for a known customer     ")
        money_rate = drive_money(port, headers, body, money_bodies, args, "with points and a card   ")
        emit("checkout", "orders for a known customer (10,000 points entries), per second", customer_rate,
             "orders/s")
        emit("checkout", "orders spending points and a gift card, per second", money_rate, "orders/s")
        emit("checkout", "with points and a gift card vs the plain checkout (goal: at least 0.8)",
             money_rate / rate if rate else 0.0, "ratio")
        emit("checkout", "with points and a gift card vs the same customers' plain checkout",
             money_rate / customer_rate if customer_rate else 0.0, "ratio")
        _count, statuses, _elapsed = drive(port, token, args.clients, 10.0, last_unit)
        print(f"race for the last {LAST_UNITS} units          : {statuses}")
    finally:
        server.terminate()
        server.wait(timeout=10)

    from django.db.models import Sum

    from inventory.models import Reservation, StockLevel
    from inventory.selectors import ledger_mismatches
    from orders.models import OrderLine

    level = StockLevel.objects.get(product__sku="B-LAST")
    ordered = OrderLine.objects.filter(sku="B-LAST").aggregate(total=Sum("quantity"))["total"] or 0
    active = Reservation.objects.filter(product__sku="B-LAST", status="active").aggregate(
        total=Sum("quantity"))["total"] or 0
    mismatches = ledger_mismatches()
    oversold = ordered > LAST_UNITS or level.reserved > level.on_hand
    print(f"last units: {ordered} ordered, {level.reserved} reserved of {level.on_hand} on hand, "
          f"{active} in active reservations; ledger mismatches: {len(mismatches)}")
    correct = not (oversold or ordered != active or mismatches)
    print("zero oversell: " + ("yes" if correct else "NO — OVERSOLD"))
    emit("checkout", f"race for the last {LAST_UNITS} units: units ordered", ordered, f"of {LAST_UNITS}")
    emit("checkout", "zero oversell, ledger consistent", "yes" if correct else "NO", "")


if __name__ == "__main__":
    main()
