"""A stateful model of the stock, driven through the real services on a frozen clock.

Hypothesis picks a sequence of operations (receive, adjust, count, reserve with or without
an expiry, release, sell against a hold, direct sale, return, transfer between two
locations, the clock moving on, the expiry task) and impossible ones (over-reserving,
overselling, a count under what is held, zero or negative quantities, an unknown SKU, a
transfer to the same place, a terminal acting at a location that is not its own). A small
model predicts each outcome: an operation the model accepts must succeed, one it refuses
must raise the right domain error (naming the SKU and what is available) and change
nothing. After every step the database must agree with the model and with itself:

- every level: on hand >= 0 and 0 <= reserved <= on hand, equal to the model's;
- reservations: the same rows in the same states as the model's;
- available = on hand - unexpired holds, through every availability read (the prepared
  selectors and the ORM's ``with_available``), including while an expired hold waits for
  the sweeper;
- the ledger: the audit (``ledger_mismatches``, what ``inventory_audit`` runs) finds nothing,
  and every change appended exactly the rows the model expects.

Each example runs inside a savepoint rolled back in ``teardown``, and on its own frozen clock
starting at the same instant, so examples are independent and runs reproducible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from inventory import services, tasks
from inventory.errors import InsufficientStock, InvalidQuantity, ReservationNotActive, SameLocation, UnknownProduct
from inventory.models import MAX_STOCK_QUANTITY, Reservation, StockLevel, StockMovement
from inventory.selectors import availability, available_at, ledger_mismatches, products_by_sku, stock_for_product
from inventory.services import reservations as reservation_service
from omni.actor import Actor
from omni.errors import Forbidden
from tests.factories.inventory import ProductFactory
from tests.factories.omni import LocationFactory, WarehouseFactory, make_api_client

SKUS = ("SM-CAP", "SM-BAG")
LOCATIONS = ("sm-store", "sm-wh")
KEYS = [(sku, code) for sku in SKUS for code in LOCATIONS]
REFERENCES = ("R1", "R2", "R3")
# Europe/Paris (the default zone) moves to summer time at 01:00 UTC that day: the clock
# crosses it within a few steps, and nothing may care.
START = datetime(2026, 3, 29, 0, 58, tzinfo=UTC)

ACTIVE = Reservation.Status.ACTIVE
RELEASED = Reservation.Status.RELEASED
CONSUMED = Reservation.Status.CONSUMED
EXPIRED = Reservation.Status.EXPIRED

SETTINGS = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)

skus = st.sampled_from(SKUS)
codes = st.sampled_from(LOCATIONS)
references = st.sampled_from(REFERENCES)
lines = st.dictionaries(skus, st.integers(min_value=1, max_value=4), min_size=1, max_size=2)
# Seconds to expiry: 0 makes a hold already due when it is made.
ttls = st.one_of(st.sampled_from([0, 30, 60]), st.integers(min_value=1, max_value=300))


@dataclass
class World:
    """What every example shares: created once per test, never changed by the machine."""

    locations: dict
    products: dict
    actor: Actor
    pos_at_store: Actor

    def __post_init__(self) -> None:
        self.sku_of = {product.pk: sku for sku, product in self.products.items()}
        self.code_of = {location.pk: code for code, location in self.locations.items()}


@dataclass
class Hold:
    pk: int
    reference: str
    sku: str
    location: str
    quantity: int
    expires_at: datetime | None
    status: str = ACTIVE


@dataclass
class Model:
    on_hand: dict = field(default_factory=lambda: defaultdict(int))
    holds: list[Hold] = field(default_factory=list)
    movements: int = 0

    @staticmethod
    def is_live(hold: Hold, now: datetime) -> bool:
        return hold.status == ACTIVE and (hold.expires_at is None or hold.expires_at > now)

    def active(self, key) -> list[Hold]:
        return [h for h in self.holds if h.status == ACTIVE and (h.sku, h.location) == key]

    def stored_reserved(self, key) -> int:
        """``StockLevel.reserved``: every active hold, expired ones not yet released included."""
        return sum(h.quantity for h in self.active(key))

    def live_reserved(self, key, now) -> int:
        return sum(h.quantity for h in self.active(key) if self.is_live(h, now))

    def available(self, key, now) -> int:
        return self.on_hand[key] - self.live_reserved(key, now)

    def release_expired(self, keys, now) -> int:
        """What every write does first at the levels it locks (and the sweeper everywhere)."""
        expired = [h for key in keys for h in self.active(key) if h.expires_at is not None and h.expires_at <= now]
        for hold in expired:
            hold.status = EXPIRED
        self.movements += len(expired)
        return len(expired)

    def first_short(self, code: str, wanted: dict[str, int], now) -> tuple[str, int] | None:
        """The first SKU (in SKU order) of which less than wanted is available, as the services name it."""
        for sku in sorted(wanted):
            available = self.available((sku, code), now)
            if available < wanted[sku]:
                return sku, max(available, 0)
        return None


def _snapshot() -> tuple:
    return (
        sorted(StockLevel.objects.values_list("product__sku", "location__code", "on_hand", "reserved")),
        sorted(Reservation.objects.values_list("pk", "status")),
        StockMovement.objects.count(),
    )


class StockMachine(RuleBasedStateMachine):
    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world
        self.model = Model()
        self.expiry_batch = reservation_service.EXPIRY_BATCH
        # A savepoint per example, rolled back in teardown: the next example starts empty.
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self._travel = time_machine.travel(START, tick=False)
        self.clock = self._travel.start()

    def teardown(self) -> None:
        self._travel.stop()
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # --- helpers ------------------------------------------------------------------------
    def location(self, code: str):
        return self.world.locations[code]

    @staticmethod
    def now() -> datetime:
        return timezone.now()

    @staticmethod
    def refused(error: type[Exception], call, **extra) -> None:
        """``call`` must raise ``error`` (with these extra fields) and leave every row as it was."""
        before = _snapshot()
        with pytest.raises(error) as raised:
            call()
        if extra:
            assert raised.value.extra == extra
        assert _snapshot() == before, "a refused operation changed the stock"

    def insufficient(self, call, short: tuple[str, int]) -> None:
        self.refused(InsufficientStock, call, sku=short[0], available=short[1])

    # --- set-up -------------------------------------------------------------------------
    @initialize(
        stock=st.fixed_dictionaries({key: st.integers(min_value=0, max_value=10) for key in KEYS}),
        batch=st.sampled_from([1, 2, reservation_service.EXPIRY_BATCH]),
    )
    def opening_stock(self, stock, batch):
        # The sweeper's batch size: small ones make it loop over several transactions.
        self.expiry_batch = batch
        for (sku, code), quantity in sorted(stock.items()):
            if quantity:
                self.receive(sku=sku, code=code, quantity=quantity)

    # --- movements ----------------------------------------------------------------------
    @rule(sku=skus, code=codes, quantity=st.integers(min_value=1, max_value=8))
    def receive(self, sku, code, quantity):
        level = services.stock_receive(sku=sku, location=self.location(code), quantity=quantity, actor=self.world.actor)
        self.model.release_expired([(sku, code)], self.now())
        self.model.on_hand[(sku, code)] += quantity
        self.model.movements += 1
        assert (level.on_hand, level.available) == (
            self.model.on_hand[(sku, code)],
            self.model.available((sku, code), self.now()),
        )

    @rule(sku=skus, code=codes, delta=st.integers(min_value=-6, max_value=6).filter(bool))
    def adjust(self, sku, code, delta):
        key, now = (sku, code), self.now()
        call = lambda: services.stock_adjust(  # noqa: E731
            sku=sku, location=self.location(code), quantity=delta, actor=self.world.actor, reason="damaged"
        )
        if self.model.on_hand[key] + delta < self.model.live_reserved(key, now):
            self.insufficient(call, (sku, max(self.model.available(key, now), 0)))
            return
        call()
        self.model.release_expired([key], now)
        self.model.on_hand[key] += delta
        self.model.movements += 1

    @rule(sku=skus, code=codes, counted=st.integers(min_value=0, max_value=10))
    def count(self, sku, code, counted):
        key, now = (sku, code), self.now()
        call = lambda: services.stock_count(  # noqa: E731
            sku=sku, location=self.location(code), quantity=counted, actor=self.world.actor
        )
        if counted < self.model.live_reserved(key, now):
            self.insufficient(call, (sku, max(self.model.available(key, now), 0)))
            return
        level = call()
        self.model.release_expired([key], now)
        self.model.on_hand[key] = counted
        self.model.movements += 1
        assert (level.on_hand, level.reserved) == (counted, self.model.stored_reserved(key))

    @rule(sku=skus, route=st.sampled_from([LOCATIONS, LOCATIONS[::-1]]), quantity=st.integers(min_value=1, max_value=8))
    def transfer(self, sku, route, quantity):
        """Store to warehouse or back: one row out, one in, under one reference."""
        (from_code, to_code), now = route, self.now()
        call = lambda: services.stock_transfer(  # noqa: E731
            sku=sku,
            from_location=self.location(from_code),
            to_location=self.location(to_code),
            quantity=quantity,
            actor=self.world.actor,
        )
        if self.model.available((sku, from_code), now) < quantity:
            self.insufficient(call, (sku, max(self.model.available((sku, from_code), now), 0)))
            return
        transfer = call()
        shared = StockMovement.objects.filter(reference=transfer.reference).values_list("kind", flat=True)
        assert sorted(shared) == ["transfer_in", "transfer_out"]
        self.model.release_expired([(sku, from_code), (sku, to_code)], now)
        self.model.on_hand[(sku, from_code)] -= quantity
        self.model.on_hand[(sku, to_code)] += quantity
        self.model.movements += 2

    # --- holds, sales, returns ----------------------------------------------------------
    @staticmethod
    def read_first(wanted, read: bool) -> dict:
        """What checkout passes when it already read the products (``products=``), or nothing."""
        return {"products": products_by_sku(skus=list(wanted))} if read else {}

    @rule(code=codes, wanted=lines, reference=references, read=st.booleans())
    def reserve(self, code, wanted, reference, read):
        """A hold without expiry (an order's stock until it is collected or cancelled)."""
        self._reserve(code, wanted, reference, read, expires_at=None)

    @rule(code=codes, wanted=lines, reference=references, read=st.booleans(), ttl=ttls)
    def reserve_until(self, code, wanted, reference, read, ttl):
        """A hold that expires (a cart's); a ttl of 0 makes one already due."""
        self._reserve(code, wanted, reference, read, expires_at=self.now() + timedelta(seconds=ttl))

    def _reserve(self, code, wanted, reference, read, expires_at):
        now = self.now()
        call = lambda: services.stock_reserve(  # noqa: E731
            location=self.location(code),
            lines=wanted,
            reference=reference,
            actor=self.world.actor,
            expires_at=expires_at,
            **self.read_first(wanted, read),
        )
        short = self.model.first_short(code, wanted, now)
        if short:
            self.insufficient(call, short)
            return
        made = call()
        self.model.release_expired([(sku, code) for sku in wanted], now)
        assert sorted((r.product.sku, r.quantity) for r in made) == sorted(wanted.items())
        for reservation in made:
            assert reservation.pk is not None
            self.model.holds.append(
                Hold(reservation.pk, reference, reservation.product.sku, code, reservation.quantity, expires_at)
            )
        self.model.movements += len(wanted)

    @rule(reference=references, sku=st.none() | skus)
    def release(self, reference, sku):
        released = services.stock_release(reference=reference, actor=self.world.actor, sku=sku)
        expected = [
            h for h in self.model.holds if h.status == ACTIVE and h.reference == reference and sku in (None, h.sku)
        ]
        assert sorted(r.pk for r in released) == sorted(h.pk for h in expected)
        for hold in expected:
            hold.status = RELEASED
        self.model.movements += len(expected)

    @precondition(lambda self: self.model.holds)
    @rule(reference=references)
    def sell_held(self, reference):
        """A hold is sold (click & collect handed over); a hold past its expiry that the
        sweeper has not released yet is still honoured."""
        call = lambda: services.stock_consume(reference=reference, actor=self.world.actor)  # noqa: E731
        held = [h for h in self.model.holds if h.status == ACTIVE and h.reference == reference]
        if not held:
            self.refused(ReservationNotActive, call, reference=reference)
            return
        sold = call()
        assert sorted(r.pk for r in sold) == sorted(h.pk for h in held)
        for hold in held:
            hold.status = CONSUMED
            self.model.on_hand[(hold.sku, hold.location)] -= hold.quantity
        self.model.movements += len(held)

    @rule(code=codes, wanted=lines, reference=references, read=st.booleans())
    def sell(self, code, wanted, reference, read):
        """A direct sale at the till, every line or none."""
        now = self.now()
        call = lambda: services.stock_sell(  # noqa: E731
            location=self.location(code),
            lines=wanted,
            reference=f"S-{reference}",
            actor=self.world.actor,
            **self.read_first(wanted, read),
        )
        short = self.model.first_short(code, wanted, now)
        if short:
            self.insufficient(call, short)
            return
        call()
        self.model.release_expired([(sku, code) for sku in wanted], now)
        for sku, quantity in wanted.items():
            self.model.on_hand[(sku, code)] -= quantity
        self.model.movements += len(wanted)

    @rule(code=codes, wanted=lines, reference=references)
    def return_goods(self, code, wanted, reference):
        services.stock_return(
            location=self.location(code), lines=wanted, reference=f"RET-{reference}", actor=self.world.actor
        )
        for sku, quantity in wanted.items():
            self.model.on_hand[(sku, code)] += quantity
        self.model.movements += len(wanted)

    # --- the clock and the sweeper ------------------------------------------------------
    @rule(seconds=st.integers(min_value=1, max_value=200), sweep=st.booleans())
    def clock_moves_on(self, seconds, sweep):
        """Time passes; the beat task may then run (or not yet: holds expire unswept)."""
        self.clock.shift(timedelta(seconds=seconds))
        if sweep:
            self.sweep()

    def _pending(self) -> list[Hold]:
        now = self.now()
        return [h for h in self.model.holds if h.status == ACTIVE and h.expires_at is not None and h.expires_at > now]

    @precondition(lambda self: self._pending())
    @rule(
        data=st.data(),
        past=st.sampled_from([timedelta(0), timedelta(microseconds=1), timedelta(seconds=1)]),
        sweep=st.booleans(),
    )
    def hold_expires(self, data, past, sweep):
        """The clock reaches (or passes) one hold's expiry; the beat task may then run."""
        hold = data.draw(st.sampled_from(self._pending()), label="hold")
        self.clock.move_to(hold.expires_at + past)
        assert not self.model.is_live(hold, self.now())
        if sweep:
            self.sweep()

    def sweep(self):
        """The periodic task ``expire_reservations`` (run inline, as the beat would queue it)."""
        with mock.patch.object(reservation_service, "EXPIRY_BATCH", self.expiry_batch):
            released = tasks.expire_reservations.delay().get()
        expected = self.model.release_expired(KEYS, self.now())
        assert released == expected

    # --- what must be refused -----------------------------------------------------------
    @rule(
        case=st.sampled_from(
            [
                "receive_zero",
                "receive_negative",
                "adjust_zero",
                "count_negative",
                "reserve_zero",
                "reserve_nothing",
                "sell_zero",
                "return_negative",
                "transfer_zero",
                "transfer_same_location",
                "unknown_sku_reserve",
                "sell_unknown_hold",
                "unknown_sku_receive",
                "unknown_sku_transfer",
                "pos_elsewhere_receive",
                "pos_elsewhere_transfer",
                "over_max_quantity",
            ]
        ),
        code=codes,
        sku=skus,
    )
    def refused_outright(self, case, code, sku):
        actor, here = self.world.actor, self.location(code)
        other = self.location(next(c for c in LOCATIONS if c != code))
        cases = {
            "receive_zero": (
                InvalidQuantity,
                lambda: services.stock_receive(sku=sku, location=here, quantity=0, actor=actor),
            ),
            "receive_negative": (
                InvalidQuantity,
                lambda: services.stock_receive(sku=sku, location=here, quantity=-2, actor=actor),
            ),
            "adjust_zero": (
                InvalidQuantity,
                lambda: services.stock_adjust(sku=sku, location=here, quantity=0, actor=actor),
            ),
            "count_negative": (
                InvalidQuantity,
                lambda: services.stock_count(sku=sku, location=here, quantity=-1, actor=actor),
            ),
            "reserve_zero": (
                InvalidQuantity,
                lambda: services.stock_reserve(location=here, lines={sku: 0}, reference="R1", actor=actor),
            ),
            "reserve_nothing": (
                InvalidQuantity,
                lambda: services.stock_reserve(location=here, lines={}, reference="R1", actor=actor),
            ),
            "sell_zero": (
                InvalidQuantity,
                lambda: services.stock_sell(location=here, lines={sku: 0}, reference="S-R1", actor=actor),
            ),
            "return_negative": (
                InvalidQuantity,
                lambda: services.stock_return(location=here, lines={sku: -1}, reference="RET-R1", actor=actor),
            ),
            "transfer_zero": (
                InvalidQuantity,
                lambda: services.stock_transfer(
                    sku=sku, from_location=here, to_location=other, quantity=0, actor=actor
                ),
            ),
            "transfer_same_location": (
                SameLocation,
                lambda: services.stock_transfer(sku=sku, from_location=here, to_location=here, quantity=1, actor=actor),
            ),
            "unknown_sku_reserve": (
                UnknownProduct,
                lambda: services.stock_reserve(
                    location=here, lines={sku: 1, "SM-NONE": 1}, reference="R1", actor=actor
                ),
            ),
            "sell_unknown_hold": (
                ReservationNotActive,
                lambda: services.stock_consume(reference="R-NONE", actor=actor),
            ),
            "unknown_sku_receive": (
                UnknownProduct,
                lambda: services.stock_receive(sku="SM-NONE", location=here, quantity=1, actor=actor),
            ),
            "unknown_sku_transfer": (
                UnknownProduct,
                lambda: services.stock_transfer(
                    sku="SM-NONE", from_location=here, to_location=other, quantity=1, actor=actor
                ),
            ),
            # The terminal belongs to the store: the warehouse is out of its reach.
            "pos_elsewhere_receive": (
                Forbidden,
                lambda: services.stock_receive(
                    sku=sku, location=self.location("sm-wh"), quantity=1, actor=self.world.pos_at_store
                ),
            ),
            "pos_elsewhere_transfer": (
                Forbidden,
                lambda: services.stock_transfer(
                    sku=sku,
                    from_location=self.location("sm-wh"),
                    to_location=self.location("sm-store"),
                    quantity=1,
                    actor=self.world.pos_at_store,
                ),
            ),
            "over_max_quantity": (
                InvalidQuantity,
                lambda: services.stock_sell(
                    location=here, lines={sku: MAX_STOCK_QUANTITY + 1}, reference="S-R1", actor=actor
                ),
            ),
        }
        error, call = cases[case]
        self.refused(error, call)

    # --- invariants ---------------------------------------------------------------------
    @invariant()
    def stock_is_consistent(self):
        """Every invariant, on rows read once per step (the run does ~1,500 steps)."""
        sku_of, code_of = self.world.sku_of, self.world.code_of
        levels = {
            (sku_of[product_id], code_of[location_id]): (on_hand, reserved)
            for product_id, location_id, on_hand, reserved in StockLevel.objects.values_list(
                "product_id", "location_id", "on_hand", "reserved"
            )
        }
        holds = [
            (pk, (sku_of[product_id], code_of[location_id]), quantity, status, expires_at)
            for pk, product_id, location_id, quantity, status, expires_at in Reservation.objects.values_list(
                "pk", "product_id", "location_id", "quantity", "status", "expires_at"
            )
        ]
        self.check_levels(levels)
        self.check_holds(holds)
        self.check_availability(holds)
        self.check_ledger()

    def check_levels(self, levels):
        """on hand >= 0, 0 <= reserved <= on hand, and both as the model says."""
        assert set(levels) <= set(KEYS)
        for key in KEYS:
            on_hand, reserved = levels.get(key, (0, 0))
            assert on_hand >= 0 and 0 <= reserved <= on_hand, (key, on_hand, reserved)
            assert (on_hand, reserved) == (self.model.on_hand[key], self.model.stored_reserved(key)), key

    def check_holds(self, holds):
        assert {pk: status for pk, _key, _quantity, status, _expires_at in holds} == {
            h.pk: h.status for h in self.model.holds
        }

    def check_availability(self, holds):
        """available = on hand - unexpired holds, whatever read answers, swept or not."""
        now = self.now()
        unexpired = defaultdict(int)
        for _pk, key, quantity, status, expires_at in holds:
            if status == ACTIVE and (expires_at is None or expires_at > now):
                unexpired[key] += quantity
        expected = {key: self.model.on_hand[key] - unexpired[key] for key in KEYS}
        assert expected == {key: self.model.available(key, now) for key in KEYS}
        assert all(value >= 0 for value in expected.values()), expected
        # At one location, the website's and the terminals' read...
        for code in LOCATIONS:
            assert available_at(skus=list(SKUS), location=self.location(code)) == {
                sku: expected[(sku, code)] for sku in SKUS
            }
        # ...everywhere, one row per level that exists...
        for row in availability(skus=list(SKUS)):
            key = (row.sku, row.location)
            assert (row.on_hand, row.available) == (self.model.on_hand[key], expected[key]), key
        # ...per product at every location (the product page)...
        for sku, product in self.world.products.items():
            for row in stock_for_product(product=product):
                if row.location in LOCATIONS:
                    assert row.available == expected[(sku, row.location)], (sku, row.location)
        # ...and the ORM twin the pages use.
        for level in StockLevel.objects.with_available(now):
            key = (self.world.sku_of[level.product_id], self.world.code_of[level.location_id])
            assert level.available == expected[key], key

    def check_ledger(self):
        """The audit (what ``inventory_audit`` runs) finds every level equal to the sum of its
        ledger and reserved equal to its active holds; every change wrote its rows."""
        assert ledger_mismatches() == []
        assert StockMovement.objects.count() == self.model.movements


@pytest.mark.django_db
def test_every_stock_operation_keeps_the_invariants():
    locations = {"sm-store": LocationFactory(code="sm-store"), "sm-wh": WarehouseFactory(code="sm-wh")}
    world = World(
        locations=locations,
        products={sku: ProductFactory(sku=sku) for sku in SKUS},
        actor=Actor.for_client(make_api_client("integration")[0]),
        pos_at_store=Actor.for_client(make_api_client("pos", location=locations["sm-store"])[0]),
    )
    run_state_machine_as_test(lambda: StockMachine(world), settings=SETTINGS)
