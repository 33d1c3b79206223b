from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory import services
from inventory.errors import InsufficientStock, InvalidQuantity, ReservationNotActive, UnknownProduct
from inventory.models import MovementKind, Reservation, StockLevel, StockMovement
from inventory.selectors import availability, available_at, price_for, product_get, products_by_sku
from omni.actor import Actor
from omni.errors import Forbidden
from tests.factories.inventory import ChannelPriceFactory, ProductFactory, stock
from tests.factories.omni import StaffFactory, make_api_client

pytestmark = pytest.mark.django_db


def level_of(product, location):
    return StockLevel.objects.get(product=product, location=location)


def test_receipt_adjustment_count_write_the_ledger(product, store, erp_actor, audit):
    level = services.stock_receive(sku=product.sku, location=store, quantity=10, actor=erp_actor, reason="PO-1")
    assert (level.on_hand, level.available) == (10, 10)
    level = services.stock_adjust(sku=product.sku, location=store, quantity=-3, actor=erp_actor, reason="damaged")
    assert level.on_hand == 7
    level = services.stock_count(sku=product.sku, location=store, quantity=5, actor=erp_actor)
    assert level.on_hand == 5
    movements = list(StockMovement.objects.order_by("pk").values_list("kind", "quantity", "on_hand_delta"))
    assert movements == [("receipt", 10, 10), ("adjustment", -3, -3), ("count", 5, -2)]
    assert StockMovement.objects.filter(actor_client=erp_actor.client).count() == 3
    assert audit() == 0


def test_adjustment_below_reserved_is_refused_and_changes_nothing(product, store, erp_actor):
    stock(product, store, 5)
    services.stock_reserve(location=store, lines={product.sku: 4}, reference="O-1", actor=erp_actor)
    before = StockMovement.objects.count()
    with pytest.raises(InsufficientStock) as refused:
        services.stock_adjust(sku=product.sku, location=store, quantity=-2, actor=erp_actor)
    assert refused.value.extra == {"sku": product.sku, "available": 1}
    with pytest.raises(InsufficientStock):
        services.stock_count(sku=product.sku, location=store, quantity=3, actor=erp_actor)
    assert (level_of(product, store).on_hand, level_of(product, store).reserved) == (5, 4)
    assert StockMovement.objects.count() == before


def test_reserve_is_all_or_nothing(store, erp_actor, audit):
    cap, bag = ProductFactory(sku="A"), ProductFactory(sku="B")
    stock(cap, store, 5)
    stock(bag, store, 1)
    with pytest.raises(InsufficientStock) as refused:
        services.stock_reserve(location=store, lines={"A": 2, "B": 2}, reference="O-1", actor=erp_actor)
    assert refused.value.extra == {"sku": "B", "available": 1}
    assert not Reservation.objects.exists()
    assert level_of(cap, store).reserved == 0
    reservations = services.stock_reserve(location=store, lines={"A": 2, "B": 1}, reference="O-2", actor=erp_actor)
    assert sorted(r.quantity for r in reservations) == [1, 2]
    assert (level_of(cap, store).reserved, level_of(bag, store).reserved) == (2, 1)
    assert audit() == 0


def test_reserve_unknown_sku_or_missing_level(store, erp_actor):
    ProductFactory(sku="NEVER-STOCKED")
    with pytest.raises(UnknownProduct):
        services.stock_reserve(location=store, lines={"NOPE": 1}, reference="O-1", actor=erp_actor)
    with pytest.raises(InsufficientStock) as refused:
        services.stock_reserve(location=store, lines={"NEVER-STOCKED": 1}, reference="O-1", actor=erp_actor)
    assert refused.value.extra["available"] == 0


def test_release_consume_sell_return(product, store, other_store, erp_actor, audit):
    stock(product, store, 10)
    services.stock_reserve(location=store, lines={product.sku: 3}, reference="O-1", actor=erp_actor)
    services.stock_reserve(location=store, lines={product.sku: 2}, reference="O-2", actor=erp_actor)
    released = services.stock_release(reference="O-1", actor=erp_actor)
    assert [r.status for r in released] == ["released"]
    assert services.stock_release(reference="O-1", actor=erp_actor) == []
    services.stock_consume(reference="O-2", actor=erp_actor)
    level = level_of(product, store)
    assert (level.on_hand, level.reserved) == (8, 0)
    with pytest.raises(ReservationNotActive):
        services.stock_consume(reference="O-2", actor=erp_actor)
    services.stock_sell(location=store, lines={product.sku: 3}, reference="POS-1", actor=erp_actor)
    with pytest.raises(InsufficientStock):
        services.stock_sell(location=store, lines={product.sku: 6}, reference="POS-2", actor=erp_actor)
    services.stock_return(location=other_store, lines={product.sku: 1}, reference="RET-1", actor=erp_actor)
    assert level_of(product, store).on_hand == 5
    assert level_of(product, other_store).on_hand == 1
    references = ["O-1", "O-2", "POS-1", "RET-1"]
    kinds = list(StockMovement.objects.filter(reference__in=references).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["reservation", "reservation", "release", "sale", "sale", "return"])
    assert audit() == 0


def test_release_one_sku_of_a_reference(store, erp_actor):
    stock(ProductFactory(sku="A"), store, 5)
    stock(ProductFactory(sku="B"), store, 5)
    services.stock_reserve(location=store, lines={"A": 1, "B": 1}, reference="O-1", actor=erp_actor)
    released = services.stock_release(reference="O-1", sku="A", actor=erp_actor)
    assert [r.product.sku for r in released] == ["A"]
    assert Reservation.objects.get(reference="O-1", status="active").product.sku == "B"


def test_expired_reservations_stop_counting_at_once_and_are_swept_once(product, store, erp_actor, audit):
    stock(product, store, 3)
    past = timezone.now() - timedelta(minutes=1)
    services.stock_reserve(
        location=store,
        lines={product.sku: 3},
        reference="O-old",
        actor=erp_actor,
        expires_at=timezone.now() + timedelta(seconds=30),
    )
    Reservation.objects.update(expires_at=past)  # time passes
    [row] = availability(skus=[product.sku], location=store)
    assert (row.live_reserved, row.available) == (0, 3)
    assert level_of(product, store).reserved == 3  # the sweeper has not run yet
    assert services.reservations_expire() == 1
    assert services.reservations_expire() == 0
    assert Reservation.objects.get().status == "expired"
    assert level_of(product, store).reserved == 0
    assert StockMovement.objects.filter(kind="release", reason="expired").count() == 1
    assert audit() == 0


def test_a_new_reservation_takes_units_of_an_expired_one(product, store, erp_actor, audit):
    stock(product, store, 2)
    services.stock_reserve(
        location=store,
        lines={product.sku: 2},
        reference="O-old",
        actor=erp_actor,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    services.stock_reserve(location=store, lines={product.sku: 2}, reference="O-new", actor=erp_actor)
    assert Reservation.objects.get(reference="O-old").status == "expired"
    assert level_of(product, store).reserved == 2
    assert services.reservations_expire() == 0
    assert audit() == 0


def test_transfer_moves_units_with_two_rows(product, store, warehouse, erp_actor, audit):
    stock(product, warehouse, 10)
    source, target, reference = services.stock_transfer(
        sku=product.sku, from_location=warehouse, to_location=store, quantity=4, actor=erp_actor
    )
    assert (source.on_hand, target.on_hand) == (6, 4)
    rows = StockMovement.objects.filter(kind__in=["transfer_out", "transfer_in"])
    assert rows.count() == 2 and {row.reference for row in rows} == {reference}
    with pytest.raises(InsufficientStock):
        services.stock_transfer(
            sku=product.sku, from_location=warehouse, to_location=store, quantity=7, actor=erp_actor
        )
    assert audit() == 0


def test_scoping_of_stock_movements(product, store, other_store):
    pos = Actor.for_client(make_api_client("pos", location=store)[0])
    services.stock_receive(sku=product.sku, location=store, quantity=1, actor=pos)
    with pytest.raises(Forbidden):
        services.stock_receive(sku=product.sku, location=other_store, quantity=1, actor=pos)
    staff = Actor.for_user(StaffFactory(role="store_staff", locations=[store]))
    services.stock_receive(sku=product.sku, location=store, quantity=1, actor=staff)
    with pytest.raises(Forbidden):
        services.stock_receive(sku=product.sku, location=other_store, quantity=1, actor=staff)
    manager = Actor.for_user(StaffFactory(role="store_manager", locations=[store]))
    services.stock_receive(sku=product.sku, location=other_store, quantity=1, actor=manager)
    for refused in (
        Actor.for_client(make_api_client("web")[0]),
        Actor.for_user(StaffFactory(role="marketing")),
    ):
        with pytest.raises(Forbidden):
            services.stock_receive(sku=product.sku, location=store, quantity=1, actor=refused)
    assert StockMovement.objects.count() == 3


def test_database_refuses_negative_available(product, store):
    level = stock(product, store, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(reserved=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(pk=level.pk).update(on_hand=-1, reserved=0)


def test_ledger_is_append_only(product, store):
    stock(product, store, 1)
    movement = StockMovement.objects.get()
    movement.quantity = 99
    with pytest.raises(RuntimeError):
        movement.save()


def test_audit_detects_a_tampered_level(product, store, audit):
    level = stock(product, store, 4)
    assert audit() == 0
    StockLevel.objects.filter(pk=level.pk).update(on_hand=5)
    assert audit() == 1


def test_selectors_for_other_apps(product, store):
    ChannelPriceFactory(product=product, channel="web", price="19.90")
    stock(product, store, 6)
    found = product_get(sku=product.sku)
    assert str(price_for(found, "web")) == "19.90"
    assert price_for(found, "store") == found.price
    assert set(products_by_sku(skus=[product.sku, "NOPE"])) == {product.sku}
    assert available_at(skus=[product.sku, "NOPE"], location=store) == {product.sku: 6, "NOPE": 0}
    with pytest.raises(UnknownProduct):
        product_get(sku="NOPE")


def test_movement_kinds_are_the_contracts():
    assert {MovementKind.RECEIPT, MovementKind.ADJUSTMENT, MovementKind.COUNT} == {"receipt", "adjustment", "count"}


def test_prepared_availability_reads_agree_with_the_model(product, store, other_store, warehouse, erp_actor):
    from inventory.selectors import stock_for_product, stock_rows

    other = ProductFactory(sku="OTHER")
    for location, quantity in ((store, 5), (other_store, 3), (warehouse, 9)):
        stock(product, location, quantity)
        stock(other, location, quantity)
    services.stock_reserve(
        location=store,
        lines={product.sku: 2, "OTHER": 1},
        reference="live",
        actor=erp_actor,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    services.stock_reserve(
        location=store,
        lines={product.sku: 1},
        reference="old",
        actor=erp_actor,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    services.stock_reserve(location=warehouse, lines={product.sku: 4}, reference="old", actor=erp_actor)
    Reservation.objects.filter(reference="old", location=store).update(expires_at=timezone.now() - timedelta(1))
    orm = {
        (level.product.sku, level.location.code): (level.on_hand, level.live_reserved, level.available)
        for level in StockLevel.objects.select_related("product", "location").with_available()
    }
    assert orm[(product.sku, "paris")] == (5, 2, 3)
    by_hand = {
        (row.sku, row.location): (row.on_hand, row.live_reserved, row.available)
        for row in stock_for_product(product=product)
    }
    assert by_hand == {key: value for key, value in orm.items() if key[0] == product.sku}
    everywhere = stock_rows(skus=[product.sku, "OTHER", "NOPE"])
    assert len(everywhere) == 6
    assert {
        (row.sku, row.location): (row.on_hand, row.live_reserved, row.available) for row in everywhere
    } == orm
    assert [row.sku for row in everywhere[4:10]] == ["OTHER", "OTHER"]
    for location in (store, other_store, warehouse):
        rows = stock_rows(skus=[product.sku, "OTHER", "NOPE"], location=location.code)
        assert {
            (row.sku, row.location): (row.on_hand, row.live_reserved, row.available) for row in rows
        } == {key: value for key, value in orm.items() if key[1] == location.code}


def test_expiry_task_releases_expired_reservations(product, store, erp_actor):
    from inventory.tasks import expire_reservations

    stock(product, store, 2)
    services.stock_reserve(
        location=store,
        lines={product.sku: 2},
        reference="O-1",
        actor=erp_actor,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert expire_reservations.delay().get() == 1
    assert expire_reservations.delay().get() == 0
    assert level_of(product, store).reserved == 0


def test_threshold_is_scoped_and_validated(product, store, other_store):
    staff = Actor.for_user(StaffFactory(role="store_staff", locations=[store]))
    assert (
        services.stock_threshold_set(sku=product.sku, location=store, threshold=4, actor=staff).low_stock_threshold == 4
    )
    with pytest.raises(Forbidden):
        services.stock_threshold_set(sku=product.sku, location=other_store, threshold=4, actor=staff)
    with pytest.raises(InvalidQuantity):
        services.stock_threshold_set(sku=product.sku, location=store, threshold=-1, actor=staff)
    assert level_of(product, store).low_stock_threshold == 4


def test_a_hold_with_a_reference_longer_than_its_column_is_released_by_that_reference(db):
    from inventory import services
    from omni.actor import Actor
    from tests.factories.inventory import ProductFactory, stock
    from tests.factories.omni import LocationFactory

    location = LocationFactory(code="long-ref")
    product = ProductFactory()
    stock(product, location, 5)
    reference = "CART-" + "x" * 150
    services.stock_reserve(location=location, lines={product.sku: 2}, reference=reference, actor=Actor.system())
    released = services.stock_release(reference=reference, actor=Actor.system())
    assert [r.quantity for r in released] == [2]
