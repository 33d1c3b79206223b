"""Load test: a realistic omnichannel mix against gunicorn on PostgreSQL and Redis, driven
by locust for a bounded time, with per-endpoint throughput and latency percentiles.

    .venv/bin/python bench/load.py [--seconds 30] [--users 40] [--workers 4] [--threads 2]
    BENCH_LOAD_SECONDS=60 .venv/bin/python bench/load.py     # the same, from the environment
    BENCH_QUICK=1 .venv/bin/python bench/load.py             # 10 s
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (the server; BENCH_REDIS_URL the cache)

What it does:
1. drops and recreates the PostgreSQL database ``omni_bench_load``, migrates it and loads
   ``manage.py seed_demo`` (7 locations, the catalogue, customers, promotions, orders);
   creates its own API clients with ``manage.py create_api_client``: web, app,
   call_centre, integration, and one POS per click & collect store; picks 100 SKUs spread
   over the catalogue (the ones the users ask for) and receives 100,000 units of each at
   every click & collect store (as the integration client), so that stock never runs out
   and an ``insufficient_stock`` answer would be a real failure; flushes
   Redis database 11, the cache of the run (throttle windows, idempotency keys);
2. starts gunicorn on 127.0.0.1 and a free port (``--workers`` processes × ``--threads``
   threads, gthread, DEBUG off, the psycopg pool on, ``CACHE_URL`` on Redis db 11) and
   waits until every worker answers ``/healthz``;
3. runs locust headless in a subprocess (``bench/_locustfile.py``; locust's gevent
   patching never meets Django) with ``--users`` users for ``--seconds``:
   - shoppers on the website (6 in 10) and the app (3 in 10), call-centre agents (1 in 10):
     ``GET /stock/{sku}/``, ``GET /stock/?skus=`` (5 to 20 SKUs), ``POST /pricing/quote/``
     (1 to 3 lines, sometimes a code and a customer), ``POST /events/`` (batches of 5 to 25
     journey events), click & collect orders through ``POST /orders/`` or through a cart
     (``POST /carts/``, ``/lines/``, ``/checkout/``), always with an ``Idempotency-Key``;
     one order in ten is sent twice with the same key and must come back replayed
     (``Idempotent-Replayed: true``, same number; otherwise a ``CHECK`` failure);
   - one POS terminal per click & collect store: takes the orders placed for its store,
     ``POST /orders/{number}/ready/`` (the customer's SMS or e-mail is sent) then
     ``POST /orders/{number}/collect/`` with the pickup code the shopper received; lists
     its pickup board and looks stock up at its location meanwhile;
4. stops gunicorn (always, also on failure, Ctrl-C or SIGTERM), checks that the stock ledger,
   the levels and the reservations still agree, and prints the table.

How to read it: one row per endpoint (ids in paths shown as ``{sku}``, ``{id}``,
``{number}``): requests, failures (any answer other than the expected 2xx), throughput in
requests per second over the run, and latency percentiles in ms as the client saw them
(locust rounds values above 100 ms to two significant digits). "Aggregated" is every
request together. Below it, each distinct failure (status and start of the body) with its
count, and the exceptions the server logged (by request and last line), then the orders
of the run by status and the stock check. The run's files (the users' configuration,
locust's CSV and log, gunicorn's log) stay in the ``/tmp/load_*`` directory it names.

Users wait 0.2 to 1 s between actions (agents 1 to 3 s), so the offered load grows with
``--users``; past what the server can take, throughput stays flat and latencies grow. On
a small machine locust, gunicorn and PostgreSQL share the same cores, and the figures
are a measurement of that machine at that moment: compare runs on the same machine only.
Clients keep their connections open (``--keep-alive 30``), and a gthread worker keeps
the connections it accepted, so the users may spread unevenly over the workers (``top``
shows it); ``--keep-alive 0`` closes every connection and spreads the load per request.

Choices: Celery runs eagerly (no ``CELERY_BROKER_URL``): a task queued on commit (the
pickup notification, rebuilding the journeys touched by a batch of events) runs inside
the request that queued it, after its commit. The latencies therefore include all the
work a request causes, which is an upper bound of what a shopper waits for, and the run
needs no worker whose backlog would have to be drained and timed separately; with a
broker and workers that work leaves the request path but competes for the same cores.
The per-client throttle is raised (``OMNI_API_THROTTLE_RATE``,
``OMNI_API_SHOP_THROTTLE_RATE``) so that the few clients of the run, each standing for many
shoppers, are never refused with 429: throttling is still counted in Redis on every request.
SMS go to the in-memory backend, e-mail to the dummy one.

Not part of the test run.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _figures import emit, quick  # noqa: E402

DATABASE = "omni_bench_load"
RECEIVED = 100_000
SKUS = 100
BENCHMARK = "load"


def environment(redis_url: str) -> None:
    from _django import production_environment  # bench/ is the script's folder

    production_environment()
    os.environ["OMNI_LOG_FORMAT"] = "json"  # as in production (the console format renders tracebacks slowly)
    os.environ["OMNI_SMS_BACKEND"] = "omni.sms.MemorySmsBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["CACHE_URL"] = redis_url
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("DATABASE_REPLICA_URL", None)
    os.environ.pop("SENTRY_DSN", None)


def flush_cache(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def create_client(name: str, kind: str, location: str | None = None) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    arguments = [name, "--kind", kind] + (["--location", location] if location else [])
    call_command("create_api_client", *arguments, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def prepare() -> dict:
    """The database, the demo, the clients and the stock; returns the locust users' config."""
    from _django import setup

    setup(DATABASE)
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    print(f"seed_demo: {time.monotonic() - started:.0f} s")

    from customers.models import Customer
    from inventory.models import Product
    from inventory.services import stock_receive
    from omni.actor import Actor
    from omni.models import ApiClient, Location

    stores = list(Location.objects.filter(kind="store", click_and_collect=True).order_by("code"))
    tokens = {
        "web": create_client("load web", "web"),
        "app": create_client("load app", "app"),
        "call_centre": create_client("load call centre", "call_centre"),
        "integration": create_client("load erp", "integration"),
        "pos": {store.code: create_client(f"load pos {store.code}", "pos", store.code) for store in stores},
    }
    erp = Actor.for_client(ApiClient.objects.get(name="load erp"))
    catalogue = list(Product.objects.order_by("sku").values_list("sku", flat=True))
    skus = catalogue[:: max(1, len(catalogue) // SKUS)][:SKUS]
    started = time.monotonic()
    for store in stores:
        for sku in skus:
            stock_receive(sku=sku, location=store, quantity=RECEIVED, actor=erp, reason="load test")
    print(f"received {RECEIVED:,} units of {len(skus)} SKUs at {len(stores)} stores "
          f"in {time.monotonic() - started:.0f} s")
    customers = [str(pk) for pk in Customer.objects.active().order_by("pk").values_list("pk", flat=True)[:500]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return {"skus": skus, "stores": [store.code for store in stores], "customers": customers,
            "codes": ["BIENVENUE"], "tokens": tokens}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, threads: int, keep_alive: int, log: Path) -> subprocess.Popen:
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [gunicorn, "omni.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads),
             "-k", "gthread", "--log-level", "warning", "--keep-alive", str(keep_alive), "--timeout", "60"],
            cwd=ROOT, env=os.environ.copy(), stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    deadline = time.monotonic() + 60
    answered = 0
    while time.monotonic() < deadline and answered < workers * 4:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                answered += 1
            connection.close()
        except OSError:
            time.sleep(0.2)
    if answered < workers * 4:
        raise RuntimeError(f"gunicorn did not answer /healthz; see {log}")
    return process


def stop_server(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def run_locust(url: str, users: int, seconds: int, config: Path, prefix: Path, log: Path) -> int:
    locust = str(ROOT / ".venv" / "bin" / "locust")
    command = [locust, "-f", str(ROOT / "bench" / "_locustfile.py"), "--headless", "--host", url,
               "-u", str(users), "-r", str(max(1, users // 2)), "-t", f"{seconds}s", "--stop-timeout", "10",
               "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    with open(log, "wb") as output:
        completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "LOAD_CONFIG": str(config)},
                                   stdout=output, stderr=subprocess.STDOUT, timeout=seconds + 120, check=False)
    return completed.returncode


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def report(prefix: Path, seconds: int) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(f"\n{'endpoint':48} {'requests':>9} {'failures':>9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7} {'max ms':>7}")
    rows.sort(key=lambda row: (row["Name"] == "Aggregated", row["Name"]))
    for row in rows:
        label = row["Name"] if row["Name"] == "Aggregated" else f"{row['Name']}"
        if row["Name"] == "Aggregated":
            print("-" * 109)
        print(f"{label:48} {int(row['Request Count']):9d} {int(row['Failure Count']):9d} "
              f"{number(row['Requests/s']):8.1f} {number(row['50%']):7.0f} {number(row['95%']):7.0f} "
              f"{number(row['99%']):7.0f} {number(row['Max Response Time']):7.0f}")
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        failures = sorted(csv.DictReader(handle), key=lambda row: -int(row["Occurrences"]))
    if failures:
        print("\nfailures (count, endpoint, answer):")
        for row in failures:
            print(f"{int(row['Occurrences']):7d}  {row['Name']}  {row['Error'][:400]}")
    else:
        print("\nno failures")
    return rows


def server_errors(log: Path) -> int:
    """Exceptions the server logged (JSON lines, as in production), by request and last line."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    found: collections.Counter = collections.Counter()
    for line in text.splitlines():
        if "Traceback (most recent call last)" not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = {"exception": line}
        exception = str(record.get("exception", "")).strip().splitlines() or ["?"]
        found[(str(record.get("request", "?")), exception[-1][:300])] += 1
    if found:
        print(f"\nserver: {sum(found.values())} exception(s) logged in {log}:")
        for (request, last), count in found.most_common():
            print(f"{count:7d}  {request}  {last}")
    return sum(found.values())


def consistency() -> tuple[int, int]:
    """Ledger mismatches, and levels where more is reserved than is on hand."""
    from django.db.models import F

    from inventory.models import StockLevel
    from inventory.selectors import ledger_mismatches

    oversold = StockLevel.objects.filter(reserved__gt=F("on_hand")).count()
    return len(ledger_mismatches()), oversold


def outcome() -> dict[str, int]:
    from django.db.models import Count

    from orders.models import Order

    return dict(Order.objects.filter(created_by_client__name__startswith="load ")
                .values_list("status").annotate(count=Count("pk")).order_by("status"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "10" if quick() else "30"))
    parser.add_argument("--seconds", type=int, default=default_seconds, help="of load (BENCH_LOAD_SECONDS)")
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_LOAD_USERS", "40")))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--keep-alive", type=int, default=30, help="gunicorn's, in seconds; 0 closes every connection")
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    for url in (os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"), redis_url):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            raise SystemExit(f"refusing a non-local target: {url}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the finally below stops gunicorn

    environment(redis_url)
    config = prepare()
    flush_cache(redis_url)
    work = Path(tempfile.mkdtemp(prefix="load_", dir="/tmp"))
    (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
    port = free_port()
    server = None
    try:
        server = start_server(port, args.workers, args.threads, args.keep_alive, work / "gunicorn.log")
        print(f"gunicorn on 127.0.0.1:{port}: {args.workers} workers x {args.threads} threads; locust: "
              f"{args.users} users ({len(config['stores'])} of them POS terminals) for {args.seconds} s "
              f"on {os.cpu_count()} cores shared by all; files in {work}")
        code = run_locust(f"http://127.0.0.1:{port}", args.users, args.seconds, work / "config.json",
                          work / "run", work / "locust.log")
    finally:
        stop_server(server)
    if not Path(f"{work}/run_stats.csv").exists():
        print((work / "locust.log").read_text(encoding="utf-8", errors="replace")[-3000:])
        raise SystemExit(f"locust exited with {code} and wrote no statistics")
    rows = report(work / "run", args.seconds)
    tracebacks = server_errors(work / "gunicorn.log")
    mismatches, oversold = consistency()
    orders = outcome()
    print(f"\norders of the run by status: {orders}")
    print(f"stock: {mismatches} ledger mismatches, {oversold} levels with more reserved than on hand")

    by_name = {row["Name"]: row for row in rows}
    total = by_name["Aggregated"]
    emit(BENCHMARK, f"throughput, {args.users} users, {args.workers}x{args.threads} gunicorn",
         number(total["Requests/s"]), "req/s")
    for percentile in ("50%", "95%", "99%"):
        emit(BENCHMARK, f"latency p{percentile[:-1]}, all requests", number(total[percentile]), "ms")
    emit(BENCHMARK, "requests", int(total["Request Count"]), "")
    emit(BENCHMARK, "failed requests", int(total["Failure Count"]), "")
    emit(BENCHMARK, "server tracebacks", tracebacks, "")
    placed = sum(int(by_name[name]["Request Count"]) - int(by_name[name]["Failure Count"])
                 for name in ("POST /orders/", "POST /carts/{id}/checkout/") if name in by_name)
    emit(BENCHMARK, "click & collect orders placed", placed / args.seconds, "orders/s")
    emit(BENCHMARK, "orders collected", orders.get("collected", 0) / args.seconds, "orders/s")
    for name, row in sorted(by_name.items()):
        if name != "Aggregated" and row["Type"] != "CHECK":
            emit(BENCHMARK, f"p95 {name}", number(row["95%"]), "ms")
    emit(BENCHMARK, "stock ledger mismatches after the run", mismatches + oversold, "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
