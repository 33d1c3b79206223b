"""What other apps do becomes touchpoints, by signal."""

import pytest

from customers.services import contact_record
from journeys.models import Journey, Touchpoint
from omni.actor import Actor
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup, sell_in_store

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_order_is_a_purchase_touchpoint_on_its_channel(store):
    customer = CustomerFactory()
    cap = ProductFactory(sku="CAP-1")
    stock(cap, store, on_hand=5)
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=customer)
    touchpoint = Touchpoint.objects.get(customer=customer)
    assert (touchpoint.type, touchpoint.channel, touchpoint.location) == ("purchase", "web", store)
    assert touchpoint.properties["order"] == order.number
    journey = Journey.objects.get(customer=customer)
    assert journey.converted and journey.purchase_channel == "web"

    sell_in_store(location=store, lines={"CAP-1": 1}, customer=customer)
    assert list(
        Journey.objects.filter(customer=customer).order_by("started_at").values_list("purchase_channel", flat=True)
    ) == ["web", "store"]


def test_an_anonymous_order_is_no_journey(store):
    cap = ProductFactory(sku="CAP-2")
    stock(cap, store, on_hand=5)
    sell_in_store(location=store, lines={"CAP-2": 1})
    assert Touchpoint.objects.filter(type="purchase", customer__isnull=True).count() == 1
    assert not Journey.objects.exists()


def test_a_staff_contact_is_a_touchpoint(staff_client, store):
    customer = CustomerFactory()
    user = staff_client("store_staff", locations=[store]).user
    contact_record(customer=customer, kind="visit", note="Tried the jacket in M", actor=Actor.for_user(user))
    touchpoint = Touchpoint.objects.get(customer=customer)
    assert (touchpoint.type, touchpoint.channel) == ("store_visit", "store")


def test_channels_of_events_and_orders_reach_the_customer(api_as, store):
    from django.utils import timezone

    from customers.models import CustomerChannel

    customer = CustomerFactory()
    app = api_as("app")
    event = {
        "id": "6c1f0d4e-2222-4c3e-9a55-0a3c2b1d9e77",
        "type": "product_view",
        "occurred_at": timezone.now().isoformat(),
        "customer": str(customer.pk),
    }
    assert app.post("/api/v1/events/", {"events": [event]}).status_code == 202
    cap = ProductFactory(sku="CAP-3")
    stock(cap, store, on_hand=5)
    sell_in_store(location=store, lines={"CAP-3": 1}, customer=customer)
    assert set(CustomerChannel.objects.filter(customer=customer).values_list("channel", flat=True)) >= {"app", "store"}


def test_a_contact_shows_once_on_the_timeline(staff_client, store):
    from customers.timeline import customer_timeline

    customer = CustomerFactory()
    user = staff_client("store_staff", locations=[store]).user
    contact_record(customer=customer, kind="call", note="Asked about sizes", actor=Actor.for_user(user))
    entries = [entry for entry in customer_timeline(customer) if "sizes" in entry["summary"] or entry["kind"] == "call"]
    assert len(entries) == 1
