"""Availability throughput, against the framework's floor.

    .venv/bin/python bench/stock.py [--seconds 5] [--rounds 5] [--locations 20] [--skus 50]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/omni_bench .venv/bin/python bench/stock.py

Builds a throwaway database (a temporary SQLite file unless BENCH_DATABASE_URL is given;
that database is flushed), fills it with ``--locations`` locations and products stocked
everywhere (with some live and some expired reservations), then serves, through Django's
full WSGI stack in this process (middleware, token authentication, throttling, DRF):

- ``GET /api/v1/stock/ping/``            the floor: an authenticated DRF view making one query
- ``GET /api/v1/stock/{sku}/``           one SKU across every location
- ``GET /api/v1/stock/?skus=<50>&location=CODE``   a 50-SKU batch at one location
- ``GET /api/v1/stock/?skus=<50>``       a 50-SKU batch everywhere (1,000 rows, paginated 200)
- the one-SKU read with request logging on, as production logs (INFO, JSON lines,
  masked; written to /dev/null), against the same read with logging at ERROR as every
  other case runs: what logging costs a request (goal: under 5 %). The two alternate in
  chunks of 100 requests and their total times are compared, not their best rounds: the
  difference is a few percent, smaller than what separates two best rounds here

and prints requests per second (best of several interleaved rounds, which cancels most of
a noisy machine's variation), the ratio to the floor, and SQL queries per request.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _figures import emit, quick  # noqa: E402


def configure(database_url: str | None) -> str:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        handle, path = tempfile.mkstemp(prefix="omni-bench-", suffix=".sqlite3")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    from _django import production_environment  # bench/ is the script's folder

    production_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni.settings")
    import django

    django.setup()
    return os.environ["DATABASE_URL"]


def build(locations: int, skus: int) -> tuple[str, list[str], str]:
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from inventory.models import MovementKind, Product, Reservation, StockLevel, StockMovement, ean13_check_digit
    from omni.models import ApiClient, Location
    from omni.services import api_client_create

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    places = Location.objects.bulk_create(
        [
            Location(code=f"bench-{n:02d}", name=f"Bench store {n:02d}", kind="store", click_and_collect=n % 2 == 0)
            for n in range(locations)
        ]
    )
    products = Product.objects.bulk_create(
        [
            Product(
                sku=f"BENCH-{n:04d}",
                barcode=f"{376000100000 + n}" + str(ean13_check_digit(f"{376000100000 + n}")),
                name=f"Bench product {n}",
                category="caps",
                price="19.90",
            )
            for n in range(skus)
        ]
    )
    now = timezone.now()
    levels, movements, reservations = [], [], []
    for product in products:
        for place in places:
            levels.append(StockLevel(product=product, location=place, on_hand=10, reserved=2))
            movements.append(
                StockMovement(
                    product=product,
                    location=place,
                    kind=MovementKind.RECEIPT,
                    quantity=10,
                    on_hand_delta=10,
                    on_hand_after=10,
                    reserved_after=0,
                )
            )
            movements.append(
                StockMovement(
                    product=product,
                    location=place,
                    kind=MovementKind.RESERVATION,
                    quantity=2,
                    reserved_delta=2,
                    on_hand_after=10,
                    reserved_after=2,
                )
            )
            # one live reservation and one expired that the sweeper has not released yet
            reservations.append(
                Reservation(
                    product=product, location=place, reference="live", quantity=1, expires_at=now + timedelta(days=1)
                )
            )
            reservations.append(
                Reservation(
                    product=product,
                    location=place,
                    reference="expired",
                    quantity=1,
                    expires_at=now - timedelta(minutes=5),
                )
            )
    StockLevel.objects.bulk_create(levels, batch_size=2000)
    StockMovement.objects.bulk_create(movements, batch_size=2000)
    Reservation.objects.bulk_create(reservations, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have done on a live database
    ApiClient.objects.filter(name="bench web").delete()
    _client, token = api_client_create(name="bench web", kind="web")
    return token, [product.sku for product in products], places[0].code


def probe(client, path: str, token: str) -> tuple[int, int]:
    """Warm the path up; return its SQL queries per request and its response size."""
    from django.db import connection

    headers = {"Authorization": f"Token {token}"}
    for _ in range(30):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: each request resets the debug query log.
    with connection.execute_wrapper(count):
        client.get(path, headers=headers)
    return len(queries), len(response.content)


@contextlib.contextmanager
def request_logging():
    """Every request's lines at INFO through Omni's handler (JSON, masked), into /dev/null."""
    root, structlog_logger = logging.getLogger(), logging.getLogger("django_structlog")
    levels = root.level, structlog_logger.level
    with open(os.devnull, "w") as sink:
        streams = [handler.setStream(sink) for handler in root.handlers]
        root.setLevel(logging.INFO)
        structlog_logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            root.setLevel(levels[0])
            structlog_logger.setLevel(levels[1])
            for handler, stream in zip(root.handlers, streams, strict=True):
                handler.setStream(stream)


def logging_cost(client, path: str, token: str, seconds: float) -> float:
    """Percent of a request's time that request logging adds (see the docstring)."""
    headers = {"Authorization": f"Token {token}"}
    elapsed = {False: 0.0, True: 0.0}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for logged in (False, True):
            with request_logging() if logged else contextlib.nullcontext():
                started = time.perf_counter()
                for _ in range(100):
                    client.get(path, headers=headers)
                elapsed[logged] += time.perf_counter() - started
    return 100 * (elapsed[True] / elapsed[False] - 1)


def rate(client, path: str, token: str, seconds: float) -> float:
    headers = {"Authorization": f"Token {token}"}
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        client.get(path, headers=headers)
        count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=2.0 if quick() else 5.0, help="per case, over all rounds")
    parser.add_argument("--rounds", type=int, default=2 if quick() else 5)
    parser.add_argument("--locations", type=int, default=20)
    parser.add_argument("--skus", type=int, default=50)
    args = parser.parse_args()
    url = configure(os.environ.get("BENCH_DATABASE_URL"))

    from django.db import connection
    from django.test import Client

    token, skus, location = build(args.locations, args.skus)
    client = Client()
    batch = ",".join(skus[:50])
    one_sku = f"/api/v1/stock/{skus[0]}/"
    cases = [
        ("floor: GET /api/v1/stock/ping/", "/api/v1/stock/ping/"),
        (f"one SKU x {args.locations} locations", one_sku),
        (f"{len(skus[:50])}-SKU batch at one location", f"/api/v1/stock/?skus={batch}&location={location}"),
        (f"{len(skus[:50])}-SKU batch everywhere (page 200)", f"/api/v1/stock/?skus={batch}&page_size=200"),
    ]
    print(
        f"database: {connection.vendor} ({url.split('@')[-1]}), {args.locations} locations, {len(skus)} SKUs; "
        f"one process, in-process WSGI (Django test client); best of {args.rounds} interleaved rounds "
        f"of {args.seconds / args.rounds:.1f} s per case"
    )
    probes = {path: probe(client, path, token) for _label, path in cases}
    best = {path: 0.0 for _label, path in cases}
    for _round in range(args.rounds):  # interleaved, so that a noisy neighbour hits every case alike
        for _label, path in cases:
            best[path] = max(best[path], rate(client, path, token, args.seconds / args.rounds))
    print(f"{'case':45} {'req/s':>9} {'vs floor':>9} {'queries':>8} {'bytes':>7}")
    floor = best[cases[0][1]]
    for label, path in cases:
        queries, size = probes[path]
        print(f"{label:45} {best[path]:9.0f} {best[path] / floor:9.2f} {queries:8d} {size:7d}")
        emit("stock", f"{label} ({connection.vendor}, in-process)", best[path], "req/s")
        if path != cases[0][1]:
            emit("stock", f"{label}: SQL queries", queries, "per request")
    cost = logging_cost(client, one_sku, token, args.seconds)
    print(f"request logging costs {cost:.1f} % of a one-SKU read (goal: under 5 %)")
    emit("stock", "request logging, share of a one-SKU read (goal < 5)", cost, "%")
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
