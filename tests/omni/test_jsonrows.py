"""Children read inside their parent's query come back as the same values a prefetch gives."""

from datetime import UTC, datetime

from django.db.models import OuterRef

from omni.jsonrows import json_rows, rows_as
from orders.models import Order, OrderStatusChange
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup


def test_history_read_as_json_equals_the_rows(db, store):
    product = ProductFactory()
    stock(product, store, 5)
    order = place_pickup(location=store, lines={product.sku: 1})
    OrderStatusChange.objects.create(order=order, status="ready_for_pickup", from_status="placed",
                                     at=datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=UTC), channel="store",
                                     actor_label="Paris till", note="shelf B")
    fields = ("id", "status", "from_status", "at", "channel", "actor_label", "note", "location_id")
    value = Order.objects.annotate(
        rows=json_rows(OrderStatusChange.objects.filter(order=OuterRef("pk")), group_by="order", fields=fields)
    ).get(pk=order.pk).rows
    read = rows_as(OrderStatusChange, value, order_by=("at", "id"))
    expected = list(OrderStatusChange.objects.filter(order=order).order_by("at", "id"))
    assert [(c.pk, c.status, c.from_status, c.at, c.channel, c.actor_label, c.note, c.location_id) for c in read] == [
        (c.pk, c.status, c.from_status, c.at, c.channel, c.actor_label, c.note, c.location_id) for c in expected
    ]
    assert all(c.at.tzinfo is not None for c in read)


def test_no_child_gives_an_empty_list(db):
    assert rows_as(OrderStatusChange, None) == []


def test_money_read_as_json_stays_exact(db):
    """Channel prices come as JSON inside the product's query: read as Decimals at the
    column's places, never through floats."""
    from decimal import Decimal

    from inventory.models import ChannelPrice
    from inventory.selectors import price_for, products_by_sku

    product = ProductFactory(sku="CAP-EXACT", price=Decimal("20.00"))
    ChannelPrice.objects.create(product=product, channel="web", price=Decimal("19.90"))
    ChannelPrice.objects.create(product=product, channel="app", price=Decimal("1234567.89"))
    read = products_by_sku(skus=["CAP-EXACT"])["CAP-EXACT"]
    assert str(price_for(read, "web")) == "19.90"
    assert price_for(read, "app") == Decimal("1234567.89")
    assert price_for(read, "store") == Decimal("20.00")
