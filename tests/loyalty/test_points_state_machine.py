"""A stateful model of the points ledger, driven through the real order services on a
frozen clock (the issue's state machine: earn / spend / cancel / return / expire).

Hypothesis picks a sequence of: orders placed for the customer (click & collect, spending
0, 100 or 200 points, some more than the balance holds), pickups collected, orders
cancelled, one unit returned, an administrator's bonus, the clock moving on and the
expiry task. A small model predicts each outcome: the balance, the pending points, which
credits are spent first (the earliest-expiring, then the oldest) and what expires. After
every step the database must agree with the model, the balance must never go below zero,
and the audit (``ledger_mismatches``, what ``loyalty_audit`` runs) must find nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from loyalty import services as loyalty
from loyalty.errors import InsufficientPoints
from loyalty.models import LoyaltyProgram
from loyalty.selectors import balance_of, ledger_mismatches
from omni.actor import Actor
from orders import services as orders
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PRICE = Decimal("10.00")
DAYS = 365
SETTINGS = settings(max_examples=60, stateful_step_count=40, deadline=None, derandomize=True, database=None,
                    print_blob=False, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Credit:
    seq: int
    order: str
    remaining: int
    expires_at: datetime
    at: datetime


@dataclass
class PlacedOrder:
    number: str
    units: int
    spent: int
    paid: Decimal
    earned: int
    status: str = "placed"
    returned: int = 0
    refunded: Decimal = Decimal("0.00")
    reversed: int = 0


@dataclass
class Model:
    credits: list[Credit] = field(default_factory=list)
    orders: list[PlacedOrder] = field(default_factory=list)
    seq: int = 0

    @property
    def balance(self) -> int:
        return sum(credit.remaining for credit in self.credits)

    @property
    def pending(self) -> int:
        return sum(order.earned for order in self.orders if order.status == "placed")

    def credit(self, order: str, points: int, now: datetime, seq: int | None = None) -> None:
        self.credits.append(Credit(self.seq if seq is None else seq, order, points, now + timedelta(days=DAYS), now))

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def consume(self, points: int, *, first_order: str = "") -> int:
        ordered = sorted((c for c in self.credits if c.remaining), key=lambda c: (c.expires_at, c.at, c.seq))
        ordered.sort(key=lambda c: c.order != first_order if first_order else False)
        left = points
        for credit in ordered:
            take = min(credit.remaining, left)
            credit.remaining -= take
            left -= take
        return points - left


class PointsMachine(RuleBasedStateMachine):
    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self.model = Model()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._travel = time_machine.travel(START, tick=False)
        self.clock = self._travel.start()
        self.customer = CustomerFactory()

    def teardown(self) -> None:
        self._travel.stop()
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    @staticmethod
    def now() -> datetime:
        return timezone.now()

    def _order(self, predicate) -> PlacedOrder | None:
        return next((order for order in self.model.orders if predicate(order)), None)

    # --- the rules ----------------------------------------------------------------------
    @rule(points=st.sampled_from([0, 100, 200]))
    def bonus(self, points):
        if points:
            loyalty.points_adjust(customer=self.customer, points=points, note="bonus", actor=Actor.system(),
                                  check_permission=False)
            self.model.credit("", points, self.now(), seq=self.model.next_seq())

    @rule(units=st.integers(min_value=1, max_value=3), spend=st.sampled_from([0, 100, 200]))
    def place(self, units, spend):
        seq_before = self.model.seq
        call = lambda: orders.order_place(  # noqa: E731 - read as the call it is
            lines=[{"sku": "SM-PTS", "quantity": units}], fulfilment="click_and_collect",
            pickup_location=self.world["store"], customer=self.customer, loyalty_points=spend,
            actor=self.world["web"])
        if spend > self.model.balance:
            with pytest.raises(InsufficientPoints):
                call()
            return
        order = call()
        self.model.consume(spend)
        paid = PRICE * units - Decimal(spend) / 100
        earned = math.floor(paid)
        if earned:
            self.model.seq = seq_before + 1  # the earn entry, to become a credit when collected
        self.model.orders.append(PlacedOrder(order.number, units, spend, paid, earned))
        self.earn_seq = getattr(self, "earn_seq", {})
        self.earn_seq[order.number] = self.model.seq

    @precondition(lambda self: any(order.status == "placed" for order in self.model.orders))
    @rule()
    def collect(self):
        placed = self._order(lambda order: order.status == "placed")
        order = orders.order_mark_ready(order=self._db(placed), actor=self.world["pos"])
        orders.order_collect(order=order, pickup_code=orders.pickup_code_for(order), actor=self.world["pos"])
        placed.status = "collected"
        if placed.earned:
            self.model.credit(placed.number, placed.earned, self.now(), seq=self.earn_seq[placed.number])

    @precondition(lambda self: any(order.status == "placed" for order in self.model.orders))
    @rule()
    def cancel(self):
        placed = self._order(lambda order: order.status == "placed")
        orders.order_cancel(order=self._db(placed), actor=self.world["pos"])
        placed.status = "cancelled"
        if placed.spent:
            self.model.credit(placed.number, placed.spent, self.now(), seq=self.model.next_seq())

    @precondition(lambda self: any(o.status == "collected" and o.returned < o.units for o in self.model.orders))
    @rule()
    def return_one(self):
        kept_order = self._order(lambda o: o.status == "collected" and o.returned < o.units)
        if kept_order.earned:
            self.model.seq += 1  # the reverse entry takes a primary key, never a credit
        orders.return_create(order=self._db(kept_order), location=self.world["store"], lines={"SM-PTS": 1},
                             actor=self.world["pos"])
        kept_order.returned += 1
        kept = kept_order.units - kept_order.returned
        kept_cost = max(Decimal("0.00"), PRICE * kept - Decimal(kept_order.spent) / 100)
        refund = max(Decimal("0.00"), kept_order.paid - kept_order.refunded - kept_cost)
        kept_order.refunded += refund
        owed = math.floor(kept_order.earned * min(kept_order.refunded / kept_order.paid, Decimal(1))) \
            - kept_order.reversed if kept_order.paid else 0
        if owed > 0:
            kept_order.reversed += self.model.consume(owed, first_order=kept_order.number)
        if kept == 0:
            kept_order.status = "returned"
            if kept_order.spent:
                self.model.credit(kept_order.number, kept_order.spent, self.now(), seq=self.model.next_seq())

    @rule(days=st.sampled_from([1, 100, 200, 366]))
    def time_passes(self, days):
        self.clock.shift(timedelta(days=days))

    @rule()
    def expire(self):
        now = self.now()
        expected = sum(credit.remaining for credit in self.model.credits if credit.expires_at <= now)
        assert loyalty.points_expire(now=now) == expected
        for credit in self.model.credits:
            if credit.expires_at <= now:
                credit.remaining = 0

    def _db(self, placed: PlacedOrder):
        from orders.models import Order

        return Order.objects.get(number=placed.number)

    # --- after every step ---------------------------------------------------------------
    @invariant()
    def the_ledger_agrees_with_the_model(self):
        balance = balance_of(self.customer.pk)
        assert balance.balance >= 0
        assert (balance.balance, balance.pending) == (self.model.balance, self.model.pending)
        assert ledger_mismatches() == []


@pytest.mark.django_db
def test_every_points_operation_keeps_the_ledger_right():
    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"active": True})
    store = LocationFactory(code="sm-pts-store")
    stock(ProductFactory(sku="SM-PTS", price=PRICE), store, 10_000)
    world = {
        "store": store,
        "web": Actor.for_client(make_api_client("web")[0]),
        "pos": Actor.for_client(make_api_client("pos", location=store)[0]),
    }
    run_state_machine_as_test(lambda: PointsMachine(world), settings=SETTINGS)
