"""``omni.prepared``: a read built once gives, on every later call, what the ORM would."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from inventory.models import Reservation, StockLevel
from omni.models import Location
from omni.outputs import PlainOutput
from omni.prepared import PreparedRead
from tests.factories.inventory import ProductFactory
from tests.factories.omni import LocationFactory


def levels(skus, now):
    return (
        StockLevel.objects.filter(product__sku__in=skus)
        .with_available(now)
        .order_by("product__sku", "location__code")
        .values_list("product__sku", "location__code", "on_hand", "live_reserved")
    )


@pytest.fixture
def stocked(db):
    places = [LocationFactory(code=f"shop-{n}") for n in range(3)]
    for sku in ("A", "B", "C"):
        product = ProductFactory(sku=sku)
        for n, place in enumerate(places):
            StockLevel.objects.create(product=product, location=place, on_hand=10 + n, reserved=2)
            Reservation.objects.create(
                product=product,
                location=place,
                reference=f"{sku}-{n}",
                quantity=2,
                expires_at=timezone.now() + timedelta(minutes=10 * n - 5),  # shop-0's has expired
            )
    return places


def test_each_call_runs_the_statement_with_its_own_values(stocked):
    read = PreparedRead(levels)
    now = timezone.now()
    assert read.rows(skus=["A", "B"], now=now) == list(levels(["A", "B"], now))
    assert read.rows(skus=["B", "C"], now=now) == list(levels(["B", "C"], now))
    # Later, shop-1's reservation has expired too: the same statement, another time.
    later = now + timedelta(minutes=10)
    assert read.rows(skus=["A", "C"], now=later) == list(levels(["A", "C"], later))
    assert ("A", "shop-1", 11, 0) in read.rows(skus=["A", "C"], now=later)
    assert ("A", "shop-1", 11, 2) in read.rows(skus=["A", "C"], now=now)
    # One statement per list length: [A, B] and [B, C] share one, [C] has its own.
    assert read.rows(skus=["C"], now=now) == list(levels(["C"], now))
    assert len(read.statements) == 2


def test_a_window_slices_like_the_queryset(stocked):
    read = PreparedRead(levels)
    now = timezone.now()
    assert read.rows(skus=["A", "B", "C"], now=now, window=(2, 5)) == list(levels(["A", "B", "C"], now)[2:5])
    assert read.rows(skus=["A", "B", "C"], now=now, window=(8, 20)) == list(levels(["A", "B", "C"], now)[8:20])


def test_a_prepared_read_costs_one_query_and_no_rebuilding(stocked):
    built = []

    def build(code):
        built.append(code)
        return Location.objects.filter(code=code).values_list("name")

    read = PreparedRead(build)
    read.rows(code="shop-0")
    name = Location.objects.get(code="shop-1").name
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(code="shop-1") == [(name,)]
    assert len(queries) == 1
    assert len(built) == 1


def test_a_value_the_orm_writes_into_the_sql_is_refused(db):
    # A slice's bounds become LIMIT/OFFSET in the SQL text, not parameters.
    read = PreparedRead(lambda top: Location.objects.order_by("code").values_list("code")[:top])
    with pytest.raises(ValueError, match="no parameter for"):
        read.rows(top=3)
    with pytest.raises(TypeError, match="Booleans"):
        PreparedRead(lambda active: Location.objects.filter(is_active=active).values_list("code")).rows(active=True)


class Plain(PlainOutput):
    sku = serializers.CharField(source="product.sku")
    on_hand = serializers.IntegerField()
    available = serializers.IntegerField()


class Ordinary(serializers.Serializer):
    sku = serializers.CharField(source="product.sku")
    on_hand = serializers.IntegerField()
    available = serializers.IntegerField()


def test_a_plain_output_renders_what_an_ordinary_serializer_renders(stocked):
    rows = list(StockLevel.objects.select_related("product").with_available().order_by("pk"))
    assert Plain(rows, many=True).data == Ordinary(rows, many=True).data
    assert Plain(rows[0]).data == {"sku": "A", "on_hand": 10, "available": rows[0].available}


def test_a_plain_output_holds_plain_read_fields_only():
    class Nested(PlainOutput):
        when = serializers.DateTimeField()

    with pytest.raises(TypeError, match="plain read fields only"):
        Nested({"when": timezone.now()}).data  # noqa: B018
