"""The users of ``bench/load.py``, run by locust in its own process (gevent patches that
process; Django is never imported here). ``LOAD_CONFIG`` names the JSON file that
``load.py`` writes: tokens, SKUs, click & collect stores, customers.

Shoppers on the website and the app, and call-centre agents, look stock up, ask for
quotes, send journey events and place click & collect orders (directly or through a
cart); each store's POS terminal marks those orders ready and hands them over with the
pickup code that the creating client received. Every non-2xx answer is a failure whose
message is the status and the start of the body, so that locust's failure table says
what went wrong.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import random
import uuid
from datetime import UTC, datetime

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOAD_CONFIG"], encoding="utf-8") as handle:
    CONFIG = json.load(handle)

SKUS: list[str] = CONFIG["skus"]
STORES: list[str] = CONFIG["stores"]
CUSTOMERS: list[str] = CONFIG["customers"]
CODES: list[str] = CONFIG["codes"]
# Orders waiting for their store's POS: (number, pickup code), per pickup store.
TO_PICK_UP: dict[str, collections.deque] = {store: collections.deque() for store in STORES}
_store_numbers = itertools.count()


def now() -> str:
    return datetime.now(UTC).isoformat()


class ApiUser(FastHttpUser):
    abstract = True
    token = ""
    network_timeout = 60.0
    connection_timeout = 60.0

    def call(self, method: str, path: str, name: str, *, body=None, expect=(200,), headers=None):
        """One request; any status outside ``expect`` is a failure named by its status and body."""
        all_headers = {"Authorization": f"Token {self.token}"}
        if headers:
            all_headers.update(headers)
        with self.client.request(method, path, name=name, json=body, headers=all_headers,
                                 catch_response=True) as response:
            if response.status_code not in expect:
                text = (response.text or "").replace("\n", " ")[:300]
                response.failure(f"HTTP {response.status_code}: {text}")
                return None
            response.success()
            return response


class Shopper(ApiUser):
    """Someone on a sales channel: browses stock, prices a basket, orders for pickup."""

    abstract = True
    wait_time = between(0.2, 1.0)

    def basket(self, size: int | None = None) -> list[dict]:
        size = size or random.choice((1, 1, 2, 3))
        return [{"sku": sku, "quantity": random.choice((1, 1, 2))} for sku in random.sample(SKUS, size)]

    def customer(self) -> str | None:
        return random.choice(CUSTOMERS) if random.random() < 0.7 else None

    @task(6)
    def stock_one(self) -> None:
        self.call("GET", f"/api/v1/stock/{random.choice(SKUS)}/", "GET /stock/{sku}/")

    @task(3)
    def stock_batch(self) -> None:
        skus = ",".join(random.sample(SKUS, random.randint(5, 20)))
        self.call("GET", f"/api/v1/stock/?skus={skus}", "GET /stock/?skus=")

    @task(4)
    def quote(self) -> None:
        body = {"lines": self.basket()}
        if random.random() < 0.3:
            body["codes"] = [random.choice(CODES)]
        if (customer := self.customer()) is not None:
            body["customer"] = customer
        self.call("POST", "/api/v1/pricing/quote/", "POST /pricing/quote/", body=body)

    @task(3)
    def events(self) -> None:
        customer = self.customer()
        anonymous = None if customer else f"anon-{uuid.uuid4().hex[:12]}"
        events = []
        for _ in range(random.randint(5, 25)):
            event = {"id": str(uuid.uuid4()), "type": random.choice(("page_view", "product_view", "add_to_cart")),
                     "occurred_at": now(), "sku": random.choice(SKUS)}
            if customer:
                event["customer"] = customer
            else:
                event["anonymous_id"] = anonymous
            events.append(event)
        self.call("POST", "/api/v1/events/", "POST /events/", body={"events": events}, expect=(202,),
                  headers={"Idempotency-Key": str(uuid.uuid4())})

    def placed(self, response) -> None:
        order = response.json()
        TO_PICK_UP[order["pickup_location"]].append((order["number"], order["pickup_code"]))

    @task(1)
    def order(self) -> None:
        body = {"lines": self.basket(), "fulfilment": "click_and_collect", "pickup_location": random.choice(STORES),
                "payment": random.choice(("paid", "pay_at_pickup"))}
        if (customer := self.customer()) is not None:
            body["customer"] = customer
        key = {"Idempotency-Key": str(uuid.uuid4())}
        response = self.call("POST", "/api/v1/orders/", "POST /orders/", body=body, expect=(201,), headers=key)
        if response is None:
            return
        self.placed(response)
        if random.random() < 0.1:  # a client retrying after a lost answer gets the same order back
            first = response.json()["number"]
            replay = self.call("POST", "/api/v1/orders/", "POST /orders/ (replayed key)", body=body, expect=(201,),
                               headers=key)
            if replay is not None and (replay.headers.get("Idempotent-Replayed") != "true"
                                       or replay.json()["number"] != first):
                self.environment.events.request.fire(
                    request_type="CHECK", name="idempotent replay", response_time=0, response_length=0,
                    exception=AssertionError(f"replay of {first} answered {replay.json()['number']}"),
                )

    @task(1)
    def cart_checkout(self) -> None:
        customer = self.customer()
        cart = self.call("POST", "/api/v1/carts/", "POST /carts/", body={"customer": customer} if customer else {},
                         expect=(201,))
        if cart is None:
            return
        cart_id = cart.json()["id"]
        for line in self.basket():
            if self.call("POST", f"/api/v1/carts/{cart_id}/lines/", "POST /carts/{id}/lines/", body=line) is None:
                return
        body = {"fulfilment": "click_and_collect", "pickup_location": random.choice(STORES),
                "payment": random.choice(("paid", "pay_at_pickup"))}
        response = self.call("POST", f"/api/v1/carts/{cart_id}/checkout/", "POST /carts/{id}/checkout/", body=body,
                             expect=(201,), headers={"Idempotency-Key": str(uuid.uuid4())})
        if response is not None:
            self.placed(response)


class WebShopper(Shopper):
    weight = 6
    token = CONFIG["tokens"]["web"]


class AppShopper(Shopper):
    weight = 3
    token = CONFIG["tokens"]["app"]


class CallCentreAgent(Shopper):
    weight = 1
    token = CONFIG["tokens"]["call_centre"]
    wait_time = between(1.0, 3.0)


class StoreTerminal(ApiUser):
    """A click & collect store's POS: prepares the orders for its store, hands them over
    with the customer's code, and looks stock up at its counter meanwhile."""

    fixed_count = len(STORES)
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.store = STORES[next(_store_numbers) % len(STORES)]
        self.token = CONFIG["tokens"]["pos"][self.store]

    @task(4)
    def pickup(self) -> None:
        queue = TO_PICK_UP[self.store]
        if not queue:
            self.stock_here()
            return
        number, code = queue.popleft()
        if self.call("POST", f"/api/v1/orders/{number}/ready/", "POST /orders/{number}/ready/") is not None:
            self.call("POST", f"/api/v1/orders/{number}/collect/", "POST /orders/{number}/collect/",
                      body={"pickup_code": code})

    @task(1)
    def pickup_board(self) -> None:
        self.call("GET", f"/api/v1/orders/?status=placed&pickup_location={self.store}&page_size=50",
                  "GET /orders/?status=placed&pickup_location=")

    @task(1)
    def stock_here(self) -> None:
        skus = ",".join(random.sample(SKUS, random.randint(1, 10)))
        self.call("GET", f"/api/v1/stock/?skus={skus}&location={self.store}", "GET /stock/?skus=&location=")
