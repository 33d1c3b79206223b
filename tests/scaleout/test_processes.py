"""Omni scaled out on one host: three gunicorn processes and two Celery workers, separate
processes on one PostgreSQL database and one Redis database, as in production.

- 30 concurrent orders for a SKU with 10 units, spread over the gunicorn processes:
  exactly 10 are placed, the 20 others get the contract's 409 ``insufficient_stock``.
- The pickup SMS of those orders go through the outbox to the two workers, each also
  queued twice more and swept twice by hand, concurrently: the provider (a fake HTTP SMS
  provider in this process) receives each message exactly once.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from celery import Celery

from inventory.models import Reservation, StockLevel
from inventory.selectors import ledger_mismatches
from omni.models import Message
from orders.models import Order
from tests.concurrency import race
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client
from tests.scaleout.conftest import BASE_DIR, BIN, base_environment, database_url, free_port, wait_for

ORDERS = 30
UNITS = 10
WEB_PROCESSES = 3

pytestmark = pytest.mark.postgres_only


class FakeSmsProvider(ThreadingHTTPServer):
    """Records the Idempotency-Key (the outbox message id) of every SMS it is asked to send."""

    daemon_threads = True

    def __init__(self) -> None:
        self.received: list[str] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), FakeSmsHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms"


class FakeSmsHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received.append(self.headers["Idempotency-Key"])
            number = len(self.server.received)
        threading.Event().wait(0.05)  # a provider takes a moment: room for a second sender
        body = json.dumps({"id": f"fake-{number}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider():
    server = FakeSmsProvider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def broker(private_redis):
    """A Celery app that only publishes (by task name) to the test's own Redis."""
    app = Celery("scaleout-publisher", broker=private_redis.url)
    app.conf.broker_connection_timeout = 2

    def empty():
        with app.connection_for_write() as connection:
            client = connection.channel().client
            client.delete("celery", "unacked", "unacked_index")

    empty()
    yield app
    empty()


def redis_queue_is_idle(app: Celery) -> bool:
    with app.connection_for_write() as connection:
        client = connection.channel().client
        return client.llen("celery") == 0 and client.hlen("unacked") == 0


def call(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        # As a TLS-terminating proxy forwards them: the https redirect stays on, as in production.
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own 127.0.0.1
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")




def compose_web_healthcheck() -> str:
    test = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    return test[3]


def served_by(access_log) -> Counter:
    """gunicorn worker pid per request, from the access log written as '<pid> <method> <path> <status>'."""
    lines = access_log.read_text().splitlines() if access_log.exists() else []
    return Counter(line.split()[0] for line in lines if line.strip())


@pytest.mark.django_db(transaction=True)
def test_orders_and_messages_across_processes(processes, sms_provider, broker, tmp_path):
    store = LocationFactory(code="scale-store", click_and_collect=True)
    stock(ProductFactory(sku="SCALE-CAP", price=Decimal("19.90")), store, UNITS)
    customer = CustomerFactory(sms_consent=True)
    _web, web_token = make_api_client("web")
    _pos, pos_token = make_api_client("pos", location=store)

    port = free_port()
    access_log = tmp_path / "access.log"
    environment = base_environment(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        DATABASE_POOL_MIN="1",
        DATABASE_POOL_MAX="4",
        CELERY_BROKER_URL=broker.conf.broker_url,
        CACHE_URL=broker.conf.broker_url,
        OMNI_SMS_BACKEND="omni.sms.HttpSmsBackend",
        OMNI_SMS_HTTP_URL=sms_provider.url,
        OMNI_SMS_HTTP_TOKEN="scale-test",
        DJANGO_LOG_LEVEL="INFO",
    )
    processes.start("web", [
        str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WEB_PROCESSES), "--access-logfile", str(access_log),
        "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "omni.wsgi",
    ], environment)
    worker_logs = []
    for n in (1, 2):
        _process, log = processes.start(f"worker{n}", [
            str(BIN / "celery"), "-A", "omni", "worker", "--pool=threads", "--concurrency=2",
            "-n", f"scale{n}-{port}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=INFO",
        ], environment)
        worker_logs.append(log)

    def every_web_process_answers():
        race(6, lambda n: call(port, "GET", "/healthz", web_token))
        return len(served_by(access_log)) >= WEB_PROCESSES

    def workers_ready():
        return all(" ready." in log.read_text(errors="replace") for log in worker_logs)

    try:
        wait_for(every_web_process_answers, timeout=45, interval=0.5, what="three gunicorn processes")
        wait_for(workers_ready, timeout=45, interval=0.3, what="two Celery workers")
    except BaseException:
        print(processes.log_tails())  # noqa: T201 - shown by pytest on failure
        raise
    # The compose file's web healthcheck, pointed at this port, passes.
    healthcheck = compose_web_healthcheck().replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    assert subprocess.run([sys.executable, "-c", healthcheck], env=environment, timeout=10, check=False).returncode == 0
    access_log.write_text("")  # count only the orders from here on

    # 30 orders at once for the 10 units, through whichever gunicorn process takes each.
    body = {"lines": [{"sku": "SCALE-CAP", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code, "customer": str(customer.pk), "payment": "paid"}
    answers = race(ORDERS, lambda n: call(port, "POST", "/api/v1/orders/", web_token, body))
    outcomes = Counter("created" if status == 201 else f"{status} {answer.get('code')}" for status, answer in answers)
    assert outcomes == {"created": UNITS, "409 insufficient_stock": ORDERS - UNITS}, (outcomes, answers)
    assert len(served_by(access_log)) >= 2, served_by(access_log)
    level = StockLevel.objects.get(product__sku="SCALE-CAP", location=store)
    assert (level.on_hand, level.reserved) == (UNITS, UNITS)
    assert Order.objects.count() == UNITS
    assert len({answer["number"] for status, answer in answers if status == 201}) == UNITS
    assert Reservation.objects.filter(status="active").count() == UNITS
    assert ledger_mismatches() == []

    # Each order made ready at once: ten pickup SMS, queued by the web processes.
    numbers = [answer["number"] for status, answer in answers if status == 201]
    readied = race(UNITS, lambda n: call(port, "POST", f"/api/v1/orders/{numbers[n]}/ready/", pos_token))
    assert [status for status, _answer in readied] == [200] * UNITS, readied
    message_ids = [str(pk) for pk in Message.objects.values_list("pk", flat=True)]
    assert len(message_ids) == UNITS
    # A redelivered task and an overlapping sweep must not send anything twice.
    for message_id in message_ids:
        for _copy in range(2):
            broker.send_task("omni.tasks.send_message", args=[message_id])
    for _sweep in range(2):
        broker.send_task("omni.tasks.send_pending_messages")

    wait_for(lambda: Message.objects.filter(status=Message.Status.SENT).count() == UNITS,
             timeout=30, what="every message sent")
    wait_for(lambda: redis_queue_is_idle(broker), timeout=30, what="the queue drained")

    assert Counter(sms_provider.received) == dict.fromkeys(message_ids, 1), sms_provider.received
    assert set(Message.objects.values_list("status", "attempts")) == {(Message.Status.SENT, 1)}
    logs = [log.read_text(errors="replace") for log in worker_logs]
    assert all('"task_succeeded"' in text for text in logs), "both workers took tasks"
    assert not any('"task_failed"' in text for text in logs), processes.log_tails(40)
    assert not any(re.search(r"Traceback", text) for text in logs), processes.log_tails(40)

