"""Redis (cache and broker) goes down under a running Omni: gunicorn and a Celery worker
started by the test on a private Redis and the test database. Logins, pages, stock reads,
checkouts and POS sales keep working; the SMS queued meanwhile waits in the outbox and
goes out exactly once when Redis is back and the sweep runs."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from celery import Celery
from kombu import Connection

from omni.models import Message
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, StaffFactory, make_api_client
from tests.faults.conftest import omni_env, wait_for

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

SKU = "REDIS-CAP"
HANGING = 10  # seconds without an answer: the request hangs on the missing Redis


class Http:
    """A small HTTP client with cookies (a browser's session) or a token (an API client)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base, self.token = base, token
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies),
                                                  _NoRedirect())

    def request(self, method: str, path: str, body=None, form: dict | None = None):
        headers = {"Accept": "application/json, text/html"}
        data = None
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        try:
            response = self.opener.open(urllib.request.Request(  # noqa: S310 - our own local server
                self.base + path, data=data, method=method,
                headers=headers), timeout=HANGING)
        except urllib.error.HTTPError as error:
            response = error
        except (TimeoutError, urllib.error.URLError) as error:
            if isinstance(error, TimeoutError) or isinstance(error.reason, TimeoutError):
                pytest.fail(f"{method} {path} hung: no answer in {HANGING} s")
            raise
        return response.status, response.read().decode(), response.headers

    def json(self, method: str, path: str, body=None):
        status, text, _headers = self.request(method, path, body)
        try:
            return status, json.loads(text)
        except ValueError:  # an error page
            return status, text[:500]

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.cookies if c.name == name)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def publish(url: str, task_name: str) -> None:
    """Publish a task to the private Redis, as beat would."""
    with Connection(url) as broker:
        Celery("faults", set_as_current=False).send_task(task_name, connection=broker)


class Stack:
    """gunicorn and a Celery worker on the private Redis (cache db 1, broker db 0)."""

    def __init__(self, redis, sms_provider, omni_processes) -> None:
        self.store = LocationFactory(code="redis-store", click_and_collect=True)
        stock(ProductFactory(sku=SKU, price=Decimal("19.90")), self.store, 10)
        self.customer = CustomerFactory(phone="+33612345678", sms_consent=True)
        StaffFactory(username="staff.redis", role="store_staff", locations=[self.store])
        self.web_token = make_api_client("web")[1]
        self.pos_token = make_api_client("pos", location=self.store)[1]
        env = omni_env(
            CACHE_URL=redis.url.replace("/0", "/1"),
            CELERY_BROKER_URL=redis.url,
            OMNI_SMS_BACKEND="omni.sms.HttpSmsBackend",
            OMNI_SMS_HTTP_URL=sms_provider.url,
            OMNI_SMS_HTTP_TIMEOUT="5",
        )
        self.web = omni_processes("web", env)
        self.worker = omni_processes("worker", env)
        self.base = f"http://127.0.0.1:{self.web.port}"
        try:
            wait_for(self.serving, timeout=40, interval=0.2, what="gunicorn to serve")
        except AssertionError:
            raise AssertionError(self.web.tail()) from None

    def serving(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:  # noqa: S310 - local
                return response.status == 200
        except OSError:
            return False


@pytest.fixture
def stack(private_redis, sms_provider, omni_processes):
    return Stack(private_redis, sms_provider, omni_processes)


def test_redis_down_then_back(stack, private_redis, sms_provider):
    store, customer = stack.store, stack.customer
    shop, pos = Http(stack.base, stack.web_token), Http(stack.base, stack.pos_token)
    # Before the outage: a click & collect order of a known customer, to be made ready during it.
    status, pickup = shop.json("POST", "/api/v1/orders/", {
        "lines": [{"sku": SKU, "quantity": 1}], "fulfilment": "click_and_collect",
        "pickup_location": store.code, "customer": str(customer.pk)})
    assert status == 201, pickup

    private_redis.kill()
    assert not private_redis.ping()

    # Staff: log in, then the dashboard and the pages of the day.
    browser = Http(stack.base)
    status, page, _ = browser.request("GET", "/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, page, headers = browser.request("POST", "/login/", form={
        "csrfmiddlewaretoken": token, "username": "staff.redis", "password": "pw-for-tests"})
    assert status == 302 and headers["Location"] == "/", (status, page[:500])
    for path in ("/", "/inventory/", "/orders/", "/customers/", f"/inventory/?q={SKU}"):
        status, page, _ = browser.request("GET", path)
        assert status == 200, (path, status, page[:300])

    # Machines: stock reads, a web checkout, a cart checkout, a POS sale, a pickup made ready (an SMS).
    status, level = shop.json("GET", f"/api/v1/stock/{SKU}/")
    assert status == 200 and level["total_available"] == 9, level
    status, order = shop.json("POST", "/api/v1/orders/", {
        "lines": [{"sku": SKU, "quantity": 1}], "fulfilment": "click_and_collect", "pickup_location": store.code})
    assert status == 201, order
    status, cart = shop.json("POST", "/api/v1/carts/", {})
    assert status == 201, cart
    assert shop.json("POST", f"/api/v1/carts/{cart['id']}/lines/", {"sku": SKU, "quantity": 1})[0] == 200
    status, checkout = shop.json("POST", f"/api/v1/carts/{cart['id']}/checkout/", {
        "fulfilment": "click_and_collect", "pickup_location": store.code})
    assert status == 201, checkout
    status, sale = pos.json("POST", "/api/v1/orders/", {"lines": [{"sku": SKU, "quantity": 2}],
                                                        "fulfilment": "in_store"})
    assert status == 201 and sale["status"] == "completed", sale
    status, ready = pos.json("POST", f"/api/v1/orders/{pickup['number']}/ready/")
    assert status == 200 and ready["status"] == "ready_for_pickup", ready
    status, level = pos.json("GET", f"/api/v1/stock/?skus={SKU}&location={store.code}")
    assert status == 200 and level["results"][0]["available"] == 10 - 1 - 1 - 1 - 2, level

    message = Message.objects.get()
    assert message.status == Message.Status.PENDING  # the broker was away: it waits in the outbox
    assert sms_provider.attempts == []

    private_redis.start()  # same port: the web process, the worker and beat find it again
    publish(private_redis.url, "omni.tasks.send_pending_messages")
    worker = stack.worker
    try:
        wait_for(lambda: sms_provider.deliveries, timeout=60, interval=0.1, what="the queued SMS to go out")
        publish(private_redis.url, "omni.tasks.send_pending_messages")  # beat's next round
        wait_for(lambda: worker.log.read_text().count("omni.tasks.send_pending_messages[") >= 4,
                 timeout=30, what="a second sweep (received, succeeded, twice)")
    except AssertionError:
        raise AssertionError(worker.tail()) from None
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.SENT, 1)
    assert sms_provider.delivered_to() == ["+33612345678"]
    assert sms_provider.attempts == [str(message.pk)]
    assert pickup["number"] in sms_provider.deliveries[0]["text"]


def test_checkout_for_a_known_customer_while_redis_is_down(stack, private_redis):
    shop = Http(stack.base, stack.web_token)
    private_redis.kill()
    status, order = shop.json("POST", "/api/v1/orders/", {
        "lines": [{"sku": SKU, "quantity": 1}], "fulfilment": "click_and_collect",
        "pickup_location": stack.store.code, "customer": str(stack.customer.pk)})
    assert status == 201, order
