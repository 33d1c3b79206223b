"""Following an order from any channel (contract section of that name): the website, the app
and the call centre see a customer's orders of every channel; every message about an order
carries a tracking link to a public page and its JSON; staff send the link again.

Real HTTP through Django's test client with real tokens, on the real database."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from journeys.models import Touchpoint
from omni.actor import Actor
from omni.models import Message
from omni.sms import MemorySmsBackend
from orders import services
from orders.models import Order, TrackingLinkSent
from orders.tracking import tracking_link_read, tracking_token
from tests.factories.customers import CustomerFactory
from tests.factories.omni import make_api_client
from tests.factories.orders import place_delivery, place_pickup, pos_actor, sell_in_store
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/t/([^/\s]+)/")


def token_in(text: str) -> str:
    found = LINK.search(text)
    assert found, text
    return found.group(1)


@pytest.fixture
def jeremy(db):
    return CustomerFactory(first_name="Jérémy", last_name="Petit", email="jeremy.petit@example.fr",
                           phone="+33612345678", sms_consent=True)


def pickup_body(store, customer, **extra):
    return {"lines": [{"sku": "CAP-1", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code, "customer": str(customer.pk), "payment": "paid", **extra}


# --- orders of every channel -------------------------------------------------------------------
def test_the_app_follows_a_web_order_and_an_in_store_sale_of_the_same_customer(
        web, api_as, pos, catalogue, store, jeremy):
    app = api_as("app")
    created = web.post("/api/v1/orders/", pickup_body(store, jeremy)).json()
    sale = pos.post("/api/v1/orders/", {"lines": [{"sku": "TEE-1", "quantity": 1}], "fulfilment": "in_store",
                                        "customer": str(jeremy.pk)}).json()
    assert created["channel"] == "web" and sale["channel"] == "store" and "pickup_code" in created
    pos.post(f"/api/v1/orders/{sale['number']}/returns/", {"location": store.code,
                                                           "lines": [{"sku": "TEE-1", "quantity": 1}]})

    listed = app.get(f"/api/v1/orders/?customer={jeremy.pk}")
    assert listed.status_code == 200
    orders = {order["number"]: order for order in listed.json()["results"]}
    assert set(orders) == {created["number"], sale["number"]}
    web_order, store_sale = orders[created["number"]], orders[sale["number"]]
    assert web_order["status"] == "placed" and web_order["pickup_location"] == store.code
    assert [change["status"] for change in web_order["history"]] == ["placed"]
    assert [line["sku"] for line in web_order["lines"]] == ["CAP-1"]
    assert store_sale["status"] == "returned" and store_sale["fulfilment_location"] == store.code
    assert store_sale["returns"][0]["lines"] == [
        {"sku": "TEE-1", "quantity": 1, "condition": "resellable", "refund_amount": "25.00"}
    ]
    assert all("pickup_code" not in order for order in orders.values())

    # Without naming the customer, the app lists its own channel's orders only.
    assert app.get("/api/v1/orders/").json()["results"] == []
    # ... and it reads the status of the web order from its number too, once it is ready.
    pos.post(f"/api/v1/orders/{created['number']}/ready/")
    detail = app.get(f"/api/v1/orders/{created['number']}/").json()
    assert detail["status"] == "ready_for_pickup" and "pickup_code" not in detail
    assert [change["status"] for change in detail["history"]] == ["placed", "ready_for_pickup"]


def test_a_web_client_opens_another_channels_order_by_number_without_its_pickup_code(
        web, api_as, catalogue, store, jeremy):
    app = api_as("app")
    created = app.post("/api/v1/orders/", pickup_body(store, jeremy))
    assert created.status_code == 201 and len(created.json()["pickup_code"]) == 6
    number = created.json()["number"]

    seen = web.get(f"/api/v1/orders/{number}/")
    assert seen.status_code == 200
    assert seen.json()["channel"] == "app" and seen.json()["customer"] == str(jeremy.pk)
    assert "pickup_code" not in seen.json() and created.json()["pickup_code"] not in seen.content.decode()
    assert "pickup_code" not in app.get(f"/api/v1/orders/{number}/").json()  # nor to its creator, later
    # Seeing is not acting: the website may not cancel an order of the app (403, not 404).
    refused = web.post(f"/api/v1/orders/{number}/cancel/")
    assert refused.status_code == 403
    assert Order.objects.get(number=number).status == "placed"


@pytest.mark.parametrize("kind", ["web", "app", "call_centre"])
def test_listing_a_customers_orders_costs_the_same_for_one_order_or_several(
        kind, api_as, catalogue, store, other_store, jeremy, django_assert_num_queries):
    caller = api_as(kind)
    place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = caller.get(f"/api/v1/orders/?customer={jeremy.pk}")
        assert response.status_code == 200
        return len(captured.captured_queries)

    count()  # the first request reads the API client, then cached
    one = count()
    order = place_pickup(location=other_store, lines={"TEE-1": 1}, customer=jeremy, actor=pos_actor(other_store))
    services.order_mark_ready(order=order, actor=pos_actor(other_store))
    sell_in_store(location=store, lines={"JKT-1": 1}, customer=jeremy)
    place_delivery(lines={"CAP-1": 1}, customer=jeremy)
    with django_assert_num_queries(one):
        listed = caller.get(f"/api/v1/orders/?customer={jeremy.pk}")
    assert listed.json()["count"] == 4


# --- the tracking link in every message -------------------------------------------------------------
def test_jeremys_story_a_web_order_with_a_code_then_an_sms_with_a_link_the_app_and_the_page(
        web, api_as, pos, catalogue, store, jeremy, django_capture_on_commit_callbacks):
    promotion = PromotionFactory(name="SMS -10%", value=Decimal("10"), requires_code=True)
    code = DiscountCodeFactory(promotion=promotion).code
    created = web.post("/api/v1/orders/", pickup_body(store, jeremy, codes=[code]))
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    assert created.json()["discount_total"] == "1.99"

    with django_capture_on_commit_callbacks(execute=True):
        assert pos.post(f"/api/v1/orders/{number}/ready/").status_code == 200
    sms = MemorySmsBackend.outbox[-1]
    assert sms.to == jeremy.phone and created.json()["pickup_code"] in sms.body
    token = token_in(sms.body)
    assert len(f"http://127.0.0.1:8000/t/{token}/") <= 60  # short enough for an SMS

    app = api_as("app")
    assert app.get(f"/api/v1/orders/?customer={jeremy.pk}").json()["results"][0]["status"] == "ready_for_pickup"

    page = _anonymous().get(f"/t/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jérémy" in html and number in html
    assert store.address in html and store.postcode in html and store.opening_hours in html
    assert created.json()["pickup_code"] not in html
    for personal in (jeremy.last_name, jeremy.email, jeremy.phone, "+33 6 12 34 56 78"):
        assert personal not in html

    json = _anonymous().get(f"/api/v1/orders/track/{token}/")
    assert json.status_code == 200
    body = json.json()
    assert body["number"] == number and body["status"] == "ready_for_pickup" and body["first_name"] == "Jérémy"
    assert body["pickup_store"]["address"] == store.address
    assert body["pickup_store"]["opening_hours"] == store.opening_hours
    assert [step["status"] for step in body["steps"]] == ["placed", "ready_for_pickup", "collected"]
    assert [step["is_done"] for step in body["steps"]] == [True, True, False]
    assert body["lines"] == [{"sku": "CAP-1", "name": "Casquette trucker", "quantity": 1, "returned_quantity": 0}]
    assert body["what_to_bring"] and "pickup_code" not in body
    assert created.json()["pickup_code"] not in json.content.decode()
    assert jeremy.email not in json.content.decode() and jeremy.last_name not in json.content.decode()

    # Journeys: each opening is an order_tracked touchpoint, from the SMS, read on the web / the app.
    tracked = Touchpoint.objects.filter(type="order_tracked", customer=jeremy)
    assert sorted((t.channel, t.properties["via"], t.properties["order"]) for t in tracked) == [
        ("app", "sms", number), ("web", "sms", number)]
    assert tracked.first().location == store


def _anonymous():
    from tests.conftest import ApiTestClient

    return ApiTestClient()


def test_every_message_about_an_order_carries_its_tracking_link(catalogue, store, warehouse, jeremy, settings):
    settings.OMNI_PICKUP_HOLD_DAYS = 7
    pos = pos_actor(store)
    pickup = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    services.order_mark_ready(order=pickup, actor=pos)
    hold_until = Order.objects.get(pk=pickup.pk).hold_until
    services.orders_expire(now=hold_until - timedelta(hours=2))  # the reminder
    cancelled = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    services.order_cancel(order=cancelled, actor=pos)

    erp = Actor.for_client(make_api_client("integration")[0])
    delivery = place_delivery(lines={"TEE-1": 1}, customer=jeremy)
    services.order_ship(order=delivery, actor=erp)
    services.order_deliver(order=delivery, actor=erp)
    services.return_create(order=delivery, location=store, lines={"TEE-1": 1}, actor=pos)

    messages = list(Message.objects.order_by("created_at"))
    assert [m.kind for m in messages] == ["pickup_ready", "pickup_reminder", "order_cancelled", "order_shipped",
                                          "order_delivered", "return_received"]
    for message in messages:
        link = tracking_link_read(token_in(message.body))
        assert link is not None and link.via == "sms", message.body
        assert link.number == {"order_shipped": delivery, "order_delivered": delivery, "return_received": delivery,
                               "order_cancelled": cancelled}.get(message.kind, pickup).number
    # In the customer's language (the shop's default, French, until theirs is known), whoever acts.
    assert all(tracking_link_read(token_in(message.body)).language == "fr" for message in messages)
    assert "25,00\xa0€ vous seront remboursés" in messages[-1].body
    email_customer = CustomerFactory(phone=None, sms_consent=False)
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=email_customer)
    services.order_mark_ready(order=order, actor=pos)
    assert tracking_link_read(token_in(Message.objects.get(recipient=email_customer.email).body)).via == "email"


def test_messages_speak_the_customers_own_language_with_its_dates_and_amounts(catalogue, store, jeremy, settings):
    settings.OMNI_PICKUP_HOLD_DAYS = 7
    pos = pos_actor(store)
    jeremy.language = "en"
    jeremy.save(update_fields=["language"])
    french_reader = CustomerFactory(language="fr", sms_consent=True)
    for customer in (jeremy, french_reader):
        with translation.override("fr" if customer is jeremy else "en"):  # whatever the staff's language
            services.order_mark_ready(order=place_pickup(location=store, lines={"CAP-1": 1}, customer=customer),
                                      actor=pos)
    english, french = (Message.objects.get(recipient=customer.phone) for customer in (jeremy, french_reader))
    until = Order.objects.filter(customer=jeremy).get().hold_until
    assert english.body.startswith("Your order") and timezone.localtime(until).strftime("%m/%d/%Y") in english.body
    assert french.body.startswith("Votre commande") and timezone.localtime(until).strftime("%d/%m/%Y") in french.body
    assert tracking_link_read(token_in(english.body)).language == "en"
    assert tracking_link_read(token_in(french.body)).language == "fr"


def test_the_api_answer_carries_the_tracking_link_for_the_confirmation(web, catalogue, store, jeremy):
    created = web.post("/api/v1/orders/", pickup_body(store, jeremy)).json()
    link = tracking_link_read(token_in(created["tracking_url"]))
    assert link.number == created["number"] and link.via == "web"
    assert web.get(f"/api/v1/orders/{created['number']}/").json()["tracking_url"] == created["tracking_url"]


# --- forged, altered and expired tokens ---------------------------------------------------------------
def test_forged_or_altered_tokens_are_404(catalogue, store, jeremy):
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    other = place_pickup(location=store, lines={"CAP-1": 1}, customer=CustomerFactory())
    token = tracking_token(number=order.number, via="sms", language="fr")
    payload, signature = token.rsplit(".", 1)
    other_payload = other.number.removeprefix("OM-") + payload[len(payload) - 4:]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    forged = [
        "nothing-here",
        f"{other_payload}.{signature}",  # another order's number under this order's signature
        f"{payload[:-3]}-efr.{signature}" if payload[-3] != "e" else f"{payload[:-3]}-sfr.{signature}",  # the medium
        f"{payload[:-2]}en.{signature}",  # the language
        f"{payload}.{flipped}",
        payload,
        token + "x",
        "A" * 79,
        "a" * 500,
    ]
    anonymous = _anonymous()
    assert anonymous.get(f"/t/{token}/").status_code == 200
    for bad in forged:
        page = anonymous.get(f"/t/{bad}/")
        assert page.status_code == 404, bad
        assert order.number not in page.content.decode()
        api = anonymous.get(f"/api/v1/orders/track/{bad}/")
        assert api.status_code == 404 and api.json()["code"] == "not_found", bad
    assert not Touchpoint.objects.filter(type="order_tracked").exclude(properties__order=order.number).exists()


def test_a_link_works_while_the_order_can_change_and_30_days_after_it_closed(catalogue, store, jeremy):
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    services.order_mark_ready(order=order, actor=pos_actor(store))
    services.order_collect(order=order, pickup_code=services.pickup_code_for(order), actor=pos_actor(store))
    token = tracking_token(number=order.number, via="sms", language="en")
    anonymous = _anonymous()
    assert anonymous.get(f"/api/v1/orders/track/{token}/").json()["status"] == "collected"
    Order.objects.filter(pk=order.pk).update(closed_at=timezone.now() - timedelta(days=29))
    assert anonymous.get(f"/t/{token}/").status_code == 200
    Order.objects.filter(pk=order.pk).update(closed_at=timezone.now() - timedelta(days=31))
    assert anonymous.get(f"/t/{token}/").status_code == 404
    assert anonymous.get(f"/api/v1/orders/track/{token}/").status_code == 404
    # A return afterwards makes the order change again: its message's link works 30 days more.
    services.return_create(order=order, location=store, lines={"CAP-1": 1}, actor=pos_actor(store))
    assert anonymous.get(f"/api/v1/orders/track/{token}/").json()["returns"][0]["store"] == store.name


# --- the page: language, phone, print, privacy ------------------------------------------------------------
def test_the_page_speaks_the_language_of_the_message(catalogue, store, jeremy):
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy, payment="pay_at_pickup")
    services.order_mark_ready(order=order, actor=pos_actor(store))
    anonymous = _anonymous()
    french = anonymous.get(f"/t/{tracking_token(number=order.number, via='sms', language='fr')}/")
    html = french.content.decode()
    assert french["Content-Language"] == "fr" and '<html lang="fr"' in html
    assert "Bonjour Jérémy" in html and "Prête pour le retrait" in html and "19,90\u00a0€" in html
    english = anonymous.get(f"/t/{tracking_token(number=order.number, via='sms', language='en')}/",
                            headers={"Accept-Language": "fr"})
    html = english.content.decode()
    assert english["Content-Language"] == "en" and "Hello Jérémy" in html and "Ready for pickup" in html
    assert "€19.90" in html and 'name="viewport"' in html and "data-print" in html
    assert english["Cache-Control"] == "private, no-store" and "noindex" in english["X-Robots-Tag"]
    switched = anonymous.get(f"/t/{tracking_token(number=order.number, via='sms', language='en')}/?lang=fr")
    assert "Bonjour Jérémy" in switched.content.decode()
    data = anonymous.get(f"/api/v1/orders/track/{tracking_token(number=order.number, via='email', language='fr')}/")
    assert data.json()["status_label"] == "Prête pour le retrait" and data.json()["language"] == "fr"


def test_staff_previewing_the_page_are_not_counted_as_the_customer(staff_client, catalogue, store, jeremy):
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    token = tracking_token(number=order.number, via="sms", language="en")
    assert staff_client("store_staff", locations=[store]).get(f"/t/{token}/").status_code == 200
    assert not Touchpoint.objects.filter(type="order_tracked").exists()
    for _repeat in range(3):  # a customer refreshing the page: one visit an hour
        _anonymous().get(f"/t/{token}/")
    assert Touchpoint.objects.filter(type="order_tracked").count() == 1


def test_the_tracking_page_and_json_cost_the_same_whatever_the_order(catalogue, store, jeremy,
                                                                      django_assert_num_queries):
    small = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    big = place_pickup(location=store, lines={"CAP-1": 2, "TEE-1": 1, "JKT-1": 1}, customer=jeremy)
    services.order_mark_ready(order=big, actor=pos_actor(store))
    anonymous = _anonymous()
    # The order, its lines, its history, its returns (a prefetch each), the visit (one
    # insert, in a transaction: its BEGIN and COMMIT are a savepoint's two statements
    # inside the test's).
    for order in (small, big):
        token = tracking_token(number=order.number, via="sms", language="en")
        with django_assert_num_queries(7):
            assert anonymous.get(f"/api/v1/orders/track/{token}/").status_code == 200
        with django_assert_num_queries(7):
            assert anonymous.get(f"/t/{token}/").status_code == 200


# --- the 360° page and the call centre ------------------------------------------------------------------
@pytest.fixture
def orders_of_every_channel(catalogue, store, other_store, jeremy, api_as):
    web_order = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    app_order = place_pickup(location=other_store, lines={"TEE-1": 1}, customer=jeremy,
                             actor=Actor.for_client(api_as("app").api_client))
    sale = sell_in_store(location=other_store, lines={"JKT-1": 1}, customer=jeremy)
    return [web_order, app_order, sale]


def test_the_360_page_shows_the_customers_orders_of_every_channel(staff_client, store, jeremy,
                                                                 orders_of_every_channel,
                                                                 django_assert_num_queries):
    staff = staff_client("store_staff", locations=[store])
    page = staff.get(f"/customers/{jeremy.pk}/").content.decode()
    assert "/orders/customers/" in page  # the section, loaded by htmx
    # Session, user, their stores, the spend, the open carts, the orders (whatever their number).
    with django_assert_num_queries(6):
        section = staff.get(f"/orders/customers/{jeremy.pk}/", headers={"HX-Request": "true"})
    html = section.content.decode()
    assert section.status_code == 200 and "<html" not in html
    for order in orders_of_every_channel:  # the other store's sale too: the customer is one
        assert order.number in html
    assert "Web shop" in html and "Mobile app" in html and "Store" in html
    assert staff.get(f"/orders/customers/{jeremy.pk}/").status_code == 200  # the full page without htmx


def test_the_360_page_shows_the_spend_net_of_returns_and_the_open_carts_to_continue(
        staff_client, store, other_store, jeremy, orders_of_every_channel, api_as):
    web_order, _app_order, sale = orders_of_every_channel  # 19.90 + 25.00 + 89.00
    cancelled = place_pickup(location=store, lines={"TEE-1": 2}, customer=jeremy)
    services.order_cancel(order=cancelled, actor=pos_actor(store))  # not bought: not counted
    services.return_create(order=sale, location=other_store, lines={"JKT-1": 1}, actor=pos_actor(other_store))
    web = Actor.for_client(api_as("web").api_client)
    cart = services.cart_line_add(cart=services.cart_create(actor=web, customer=jeremy), sku="TEE-1", quantity=2,
                                  actor=web)
    services.cart_line_add(cart=services.cart_create(actor=web, customer=CustomerFactory()), sku="CAP-1", quantity=1,
                           actor=web)  # another customer's

    staff = staff_client("store_staff", locations=[store])
    html = staff.get(f"/orders/customers/{jeremy.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "3 orders, €44.90 spent (net of refunds)." in html  # 133.90 less the 89.00 returned
    carts = re.findall(r'href="/orders/carts/([0-9a-f-]+)/"', html)
    assert carts == [str(cart.pk)] and "2 items" in html

    marketing = staff_client("marketing")
    seen = marketing.get(f"/orders/customers/{jeremy.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "€44.90" in seen and "/orders/carts/" not in seen  # marketing sells nothing: no till link


def test_an_agent_sends_the_tracking_link_again_by_sms_and_is_audited(staff_client, jeremy,
                                                                     orders_of_every_channel,
                                                                     django_capture_on_commit_callbacks):
    agent = staff_client("store_staff", channel="call_centre")
    order = orders_of_every_channel[0]
    url = f"/orders/{order.number}/tracking-link/"
    assert agent.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        sent = agent.post(url, {"medium": "sms", "language": "fr"}, headers={"HX-Request": "true"})
    assert sent.status_code == 200 and "SMS" in sent.content.decode()
    message = Message.objects.get(kind="tracking_link")
    assert message.recipient == jeremy.phone and message.body.startswith("Bonjour Jérémy")
    link = tracking_link_read(token_in(message.body))
    assert (link.number, link.via, link.language) == (order.number, "sms", "fr")
    assert MemorySmsBackend.outbox[-1].body == message.body
    audit = TrackingLinkSent.objects.get()
    assert (audit.order, audit.medium, audit.message_id, audit.actor_user, audit.channel) == (
        order, "sms", message.pk, agent.user, "call_centre")

    again = agent.post(url, {"medium": "sms"}, headers={"HX-Request": "true"})
    assert again.status_code == 409 and 'data-code="tracking_link_just_sent"' in again.content.decode()
    assert TrackingLinkSent.objects.count() == 1 and Message.objects.filter(kind="tracking_link").count() == 1


def test_a_refused_send_shows_in_place_and_changes_nothing(staff_client, catalogue, store):
    no_email = CustomerFactory(email=None)
    order = place_pickup(location=store, lines={"CAP-1": 1}, customer=no_email)
    staff = staff_client("store_staff", locations=[store])
    refused = staff.post(f"/orders/{order.number}/tracking-link/", {"medium": "email"},
                         headers={"HX-Request": "true"})
    assert refused.status_code == 409 and 'data-code="no_contact"' in refused.content.decode()
    unknown = staff.post(f"/orders/{order.number}/tracking-link/", {"medium": "pigeon"},
                         headers={"HX-Request": "true"})
    assert unknown.status_code == 409
    without_htmx = staff.post(f"/orders/{order.number}/tracking-link/", {"medium": "email"})
    assert without_htmx.status_code == 302 and without_htmx.url == f"/customers/{no_email.pk}/"
    assert not TrackingLinkSent.objects.exists() and not Message.objects.filter(kind="tracking_link").exists()
    marketing = staff_client("marketing")
    assert marketing.post(f"/orders/{order.number}/tracking-link/", {"medium": "sms"},
                          headers={"HX-Request": "true"}).status_code == 403
    assert not TrackingLinkSent.objects.exists()


# --- journeys ------------------------------------------------------------------------------------------
def test_marketing_sees_how_many_follow_their_order_and_from_where(staff_client, catalogue, store, jeremy):
    from journeys.models import Journey
    from journeys.services import journeys_recompute_all

    first = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    second = place_pickup(location=store, lines={"CAP-1": 1}, customer=jeremy)
    anonymous = _anonymous()
    anonymous.get(f"/t/{tracking_token(number=first.number, via='sms', language='en')}/")
    anonymous.get(f"/api/v1/orders/track/{tracking_token(number=first.number, via='sms', language='en')}/")
    anonymous.get(f"/t/{tracking_token(number=second.number, via='email', language='en')}/")
    journeys_recompute_all()
    # Following an order is no step of a journey: the two purchases are the journeys.
    assert Journey.objects.filter(customer=jeremy).count() == 2

    page = staff_client("marketing").get("/journeys/")
    assert page.context["tracking"]["orders"] == 2
    assert page.context["tracking"]["by_via"] == {"SMS": {"orders": 1, "visits": 2},
                                                  "E-mail": {"orders": 1, "visits": 1}}
    assert 'data-testid="orders-tracked"' in page.content.decode()
    timeline = staff_client("store_staff").get(f"/api/v1/customers/{jeremy.pk}/timeline/").json()
    assert any(entry["kind"] == "order_tracked" and first.number in entry["summary"] for entry in timeline)


def test_the_tracking_json_is_in_the_openapi_schema(staff_client):
    schema = staff_client("admin").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/orders/track/{token}/"]["get"]
    assert operation["operationId"] == "orders_track"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/OrderTrackingOutput")
    assert "404" in operation["responses"]
    assert "pickup_code" not in schema["components"]["schemas"]["OrderTrackingOutput"]["properties"]
