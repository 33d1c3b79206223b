import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from journeys.models import AnonymousLink, Journey, Touchpoint
from tests.factories.customers import CustomerFactory

# Journeys are recomputed after commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = timezone.now().replace(microsecond=0)


def event(kind, days_ago, **fields):
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "occurred_at": (NOW - timedelta(days=days_ago)).isoformat(),
        **fields,
    }


def send(client, *events, **headers):
    return client.post("/api/v1/events/", {"events": list(events)}, headers=headers or None)


def test_the_contract_example_web_research_app_visit_store_purchase(api_as, store, staff_client):
    customer = CustomerFactory()
    web, app, pos = api_as("web"), api_as("app"), api_as("pos", location=store)
    assert (
        send(
            web,
            event("page_view", 5, customer=str(customer.pk)),
            event("product_view", 5, customer=str(customer.pk), sku="CAP-1"),
        ).status_code
        == 202
    )
    assert send(app, event("product_view", 3, customer=str(customer.pk), sku="CAP-1")).status_code == 202
    response = send(pos, event("purchase", 2, customer=str(customer.pk), location=store.code))
    assert response.status_code == 202 and response.json() == {"accepted": 1, "duplicates": 0}

    journey = api_as("integration").get(f"/api/v1/customers/{customer.pk}/journeys/").json()
    assert journey == [
        {
            "started_at": journey[0]["started_at"],
            "ended_at": journey[0]["ended_at"],
            "channels": ["web", "app", "store"],
            "touchpoints": 4,
            "converted": True,
            "purchase_channel": "store",
        }
    ]

    summary = staff_client("marketing").get("/api/v1/journeys/summary/").json()
    assert summary["customers"] == 1
    assert summary["conversion_by_channel"] == {"app": 0.0, "store": 1.0, "web": 0.0}
    assert summary["channel_switches"] == [
        {"from": "app", "to": "store", "count": 1},
        {"from": "web", "to": "store", "count": 1},
    ]
    assert summary["typology"] == {"mono": 0, "multi": 0, "cross": 0, "omni": 1}


def test_typology_mono_multi_cross(api_as, staff_client):
    mono, multi, cross = CustomerFactory(), CustomerFactory(), CustomerFactory()
    web, app = api_as("web"), api_as("app")
    send(web, event("page_view", 80, customer=str(mono.pk)), event("purchase", 79, customer=str(mono.pk)))
    # Two journeys, one channel each: multi-channel, not cross.
    send(web, event("purchase", 70, customer=str(multi.pk)))
    send(app, event("purchase", 20, customer=str(multi.pk)))
    send(web, event("page_view", 10, customer=str(cross.pk)))
    send(app, event("purchase", 9, customer=str(cross.pk)))
    summary = staff_client("marketing").get("/api/v1/journeys/summary/").json()
    assert summary["typology"] == {"mono": 1, "multi": 1, "cross": 1, "omni": 0}
    assert summary["channel_switches"] == [{"from": "web", "to": "app", "count": 1}]


def test_identify_stitches_earlier_anonymous_events(api_as):
    customer = CustomerFactory()
    web = api_as("web")
    send(web, event("page_view", 4, anonymous_id="browser-42"), event("product_view", 4, anonymous_id="browser-42"))
    assert Touchpoint.objects.filter(customer__isnull=True).count() == 2
    send(web, event("identify", 3, anonymous_id="browser-42", customer=str(customer.pk)))
    assert AnonymousLink.objects.get(anonymous_id="browser-42").customer == customer
    assert Touchpoint.objects.filter(customer=customer).count() == 3
    # Later anonymous events of that browser join the customer at once.
    send(web, event("add_to_cart", 2, anonymous_id="browser-42"))
    journey = Journey.objects.get(customer=customer)
    assert journey.touchpoint_count == 3 and journey.channels == ["web"]


def test_customers_are_found_by_email_or_phone(api_as):
    customer = CustomerFactory(email="jeremy@example.fr", phone="+33612345678")
    send(
        api_as("app"),
        event("product_view", 1, email="Jeremy@Example.fr"),
        event("sms_click", 1, phone="06 12 34 56 78"),
    )
    assert Touchpoint.objects.filter(customer=customer).count() == 2


def test_a_replayed_batch_is_stored_once(api_as):
    customer = CustomerFactory()
    web = api_as("web")
    batch = [event("page_view", 1, customer=str(customer.pk)), event("product_view", 1, customer=str(customer.pk))]
    assert send(web, *batch).json() == {"accepted": 2, "duplicates": 0}
    assert send(web, *batch).json() == {"accepted": 0, "duplicates": 2}
    assert Touchpoint.objects.count() == 2
    replay = send(web, *batch, **{"Idempotency-Key": "batch-1"})
    again = send(web, *batch, **{"Idempotency-Key": "batch-1"})
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == replay.json()


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "teleport"},
        {"customer": str(uuid.uuid4())},
        {"occurred_at": "yesterday"},
        {"occurred_at": (NOW + timedelta(days=3)).isoformat()},
        {"location": "atlantis"},
        {"id": "not-a-uuid"},
        {"type": "identify"},
    ],
)
def test_one_bad_event_refuses_the_whole_batch(api_as, bad):
    good = event("page_view", 1)
    response = send(api_as("web"), good, {**event("page_view", 1), **bad})
    assert response.status_code == 400
    assert list(response.json()["events"]) == ["1"]  # the bad event is named
    assert not Touchpoint.objects.exists()


def test_batches_are_limited_to_a_thousand(api_as):
    response = send(api_as("web"), *[event("page_view", 1) for _ in range(1001)])
    assert response.status_code == 400
    assert not Touchpoint.objects.exists()
    assert send(api_as("web")).status_code == 400  # an empty batch


def test_who_may_do_what(api_as, staff_client, store):
    customer = CustomerFactory()
    assert send(api_as("integration"), event("page_view", 1)).status_code == 403  # no channel of its own
    assert api_as("web").get("/api/v1/journeys/summary/").status_code == 403
    assert api_as("pos", location=store).get(f"/api/v1/customers/{customer.pk}/journeys/").status_code == 403
    assert staff_client("store_staff").get("/api/v1/journeys/summary/").status_code == 403
    assert staff_client("admin").get("/api/v1/journeys/summary/").status_code == 200
    assert api_as("call_centre").get(f"/api/v1/customers/{customer.pk}/journeys/").status_code == 200
    assert api_as("integration").get(f"/api/v1/customers/{uuid.uuid4()}/journeys/").status_code == 404


def test_bad_period_is_a_400(staff_client):
    client = staff_client("marketing")
    assert client.get("/api/v1/journeys/summary/?since=tomorrow").status_code == 400
    assert (
        client.get("/api/v1/journeys/summary/?since=2026-05-01T00:00:00Z&until=2026-01-01T00:00:00Z").status_code == 400
    )
    assert client.get("/api/v1/journeys/summary/?location=atlantis").status_code == 400


def test_summary_costs_constant_queries(api_as, staff_client, django_assert_max_num_queries):
    client = staff_client("marketing")
    web = api_as("web")
    for count in (1, 15):
        for _ in range(count):
            customer = CustomerFactory()
            send(web, event("page_view", 3, customer=str(customer.pk)), event("purchase", 2, customer=str(customer.pk)))
        with django_assert_max_num_queries(9):
            assert client.get("/api/v1/journeys/summary/").status_code == 200
