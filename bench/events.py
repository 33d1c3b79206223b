"""Journeys benchmark: events ingested per second through POST /api/v1/events/ in
batches of 500 on PostgreSQL, against a plain bulk insert of the same rows (the floor),
and the summary's latency over a large history (default 1,000,000 events).

    .venv/bin/python bench/events.py [--batches 20] [--history 1000000]
"""

import argparse
import statistics
import time
import uuid
from datetime import timedelta

from _django import setup
from _figures import emit, quick

BATCH = 500


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=10 if quick() else 20)
    parser.add_argument("--history", type=int, default=100_000 if quick() else 1_000_000)
    args = parser.parse_args()
    setup("omni_bench_events")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from customers.models import Customer
    from journeys.analytics import Period, journeys_summary
    from journeys.models import Touchpoint
    from journeys.services import journeys_recompute_all
    from omni.services import api_client_create

    now = timezone.now()
    customers = Customer.objects.bulk_create(
        Customer(first_name="Bench", email=f"bench{i}@example.fr") for i in range(2_000)
    )
    _client, token = api_client_create(name="bench-web", kind="web")
    http = Client(headers={"Authorization": f"Token {token}"})

    def batch(offset: int) -> list[dict]:
        return [
            {
                "id": str(uuid.uuid4()),
                "type": "product_view" if i % 5 else "purchase",
                "occurred_at": (now - timedelta(minutes=offset * BATCH + i)).isoformat(),
                "customer": str(customers[(offset * BATCH + i) % len(customers)].pk),
                "sku": "CAP-001",
            }
            for i in range(BATCH)
        ]

    def ingest(payloads) -> tuple[float, int]:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            for payload in payloads:
                response = http.post("/api/v1/events/", {"events": payload}, content_type="application/json")
                assert response.status_code == 202, response.content
        return args.batches * BATCH / (time.perf_counter() - started), len(queries)

    api_rate, api_queries = ingest([batch(n) for n in range(args.batches)])
    # With a broker the journeys are rebuilt by a worker: measure the request alone...
    from journeys import tasks

    deferred = []
    real_delay = tasks.recompute_journeys.delay
    tasks.recompute_journeys.delay = lambda *task_args: deferred.append(task_args)
    request_rate, request_queries = ingest([batch(n) for n in range(args.batches, 2 * args.batches)])
    tasks.recompute_journeys.delay = real_delay
    # ...and the worker's share.
    started = time.perf_counter()
    for task_args in deferred:
        tasks.recompute_journeys(*task_args)
    worker_rate = args.batches * BATCH / (time.perf_counter() - started)

    rows = [
        Touchpoint(
            type="product_view",
            channel="web",
            occurred_at=now - timedelta(days=1, minutes=i),
            customer_id=customers[i % len(customers)].pk,
            sku="CAP-001",
        )
        for i in range(args.batches * BATCH)
    ]
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        Touchpoint.objects.bulk_create(rows[start : start + BATCH])
    floor_rate = len(rows) / (time.perf_counter() - started)

    print(
        f"ingestion via API, journeys rebuilt inline: {api_rate:,.0f} events/s "
        f"({api_queries / args.batches:.0f} queries per batch of {BATCH})"
    )
    print(
        f"ingestion via API, journeys left to a worker: {request_rate:,.0f} events/s "
        f"({request_queries / args.batches:.0f} queries per batch); worker rebuilds {worker_rate:,.0f} events/s"
    )
    print(f"plain bulk insert (floor): {floor_rate:,.0f} events/s")
    print(f"ratio API / floor: {request_rate / floor_rate:.2f} (request alone), {api_rate / floor_rate:.2f} (inline)")
    emit("events", f"ingestion via API, batches of {BATCH}, journeys rebuilt inline", api_rate, "events/s")
    emit("events", "ingestion via API, journeys left to a worker: the request", request_rate, "events/s")
    emit("events", "ingestion via API, journeys left to a worker: the worker", worker_rate, "events/s")
    emit("events", "plain bulk insert (floor)", floor_rate, "events/s")
    emit("events", f"SQL queries per batch of {BATCH} (inline)", round(api_queries / args.batches), "")

    # A large history: 10 touchpoints per customer over six months, ~20 % converting.
    history_customers = Customer.objects.bulk_create(
        (Customer(first_name="History") for _ in range(args.history // 10)), batch_size=5_000
    )
    channels = ["web", "app", "store", "call_centre"]
    started = time.perf_counter()
    pending = []
    for index, customer in enumerate(history_customers):
        base = now - timedelta(days=index % 180)
        for step in range(10):
            pending.append(
                Touchpoint(
                    type="purchase" if step in (4, 9) and index % 5 == 0 else "page_view",
                    channel=channels[(index + step // 3) % 4],
                    occurred_at=base + timedelta(hours=step),
                    customer_id=customer.pk,
                )
            )
        if len(pending) >= 20_000:
            Touchpoint.objects.bulk_create(pending, batch_size=5_000)
            pending = []
    Touchpoint.objects.bulk_create(pending, batch_size=5_000)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    journeys = journeys_recompute_all()
    rebuild_seconds = time.perf_counter() - started
    period = Period.from_bounds(now - timedelta(days=200), now)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        journeys_summary(period=period)
        timings.append(time.perf_counter() - started)
    total = Touchpoint.objects.count()
    print(
        f"history: {total:,} touchpoints loaded in {load_seconds:.0f}s, "
        f"{journeys:,} journeys rebuilt in {rebuild_seconds:.0f}s"
    )
    print(
        f"summary over {total:,} touchpoints: median {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms"
    )
    emit("events", f"journeys rebuilt from scratch over {total:,} touchpoints", rebuild_seconds, "s")
    emit("events", f"journeys summary over {total:,} touchpoints, median of 5", statistics.median(timings) * 1000, "ms")


if __name__ == "__main__":
    main()
