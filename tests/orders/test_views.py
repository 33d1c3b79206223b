"""Staff pages: the board, detail, hand-over, slips, returns, endless aisle, carts by QR."""

import pytest

from orders import services
from orders.models import Order
from tests.factories.orders import place_delivery, place_pickup, pos_actor, sell_in_store

pytestmark = pytest.mark.django_db


def test_board_shows_the_stores_pickups(staff_client, catalogue, store, other_store, customer,
                                        django_assert_max_num_queries):
    mine = place_pickup(location=store, lines={"CAP-1": 1}, customer=customer)
    theirs = place_pickup(location=other_store, lines={"CAP-1": 1})
    ready = place_pickup(location=store, lines={"TEE-1": 1})
    services.order_mark_ready(order=ready, actor=pos_actor(store))
    client = staff_client("store_staff", locations=[store])
    page = client.get("/orders/pickups/")
    assert page.status_code == 200
    html = page.content.decode()
    assert mine.number in html and ready.number in html and theirs.number not in html
    for _ in range(5):
        place_pickup(location=store, lines={"JKT-1": 1})
    with django_assert_max_num_queries(12):
        fragment = client.get("/orders/pickups/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"<html" not in fragment.content


def test_scan_opens_the_order(staff_client, catalogue, store):
    order = place_pickup(location=store, lines={"CAP-1": 1})
    client = staff_client("store_staff", locations=[store])
    response = client.get("/orders/pickups/", {"q": order.number.lower()})
    assert response.status_code == 302 and response.url.endswith(f"/orders/{order.number}/")
    assert client.get("/search/", {"q": order.number, "go": "1"}).url.endswith(f"/orders/{order.number}/")
    assert b"No order has" in client.get("/orders/pickups/", {"q": "OM-ZZZZZZ"}).content


def test_mark_ready_and_hand_over_through_the_pages(staff_client, catalogue, store, level):
    order = place_pickup(location=store, lines={"CAP-1": 2})
    client = staff_client("store_staff", locations=[store])
    assert client.post(f"/orders/{order.number}/ready/").status_code == 302
    wrong = client.post(f"/orders/{order.number}/collect/", {"pickup_code": "bad"}, headers={"HX-Request": "true"})
    assert wrong.status_code == 409 and wrong["HX-Retarget"] == "#order-alert"
    code = services.pickup_code_for(order)
    done = client.post(f"/orders/{order.number}/collect/", {"pickup_code": code}, headers={"HX-Request": "true"})
    assert done.status_code == 200 and b"Collected" in done.content
    assert level("CAP-1", store) == (8, 0)


def test_an_action_from_the_board_on_a_delivery_order_answers_the_order_page(staff_client, catalogue, warehouse):
    order = place_delivery(lines={"CAP-1": 1})
    client = staff_client("store_manager", locations=[warehouse])
    response = client.post(f"/orders/{order.number}/ship/", {"from": "board"})
    assert response.status_code == 302 and response.url.endswith(f"/orders/{order.number}/")
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_other_store_staff_cannot_act(staff_client, catalogue, store, other_store):
    order = place_pickup(location=store, lines={"CAP-1": 1})
    client = staff_client("store_staff", locations=[other_store])
    assert client.post(f"/orders/{order.number}/ready/").status_code == 403
    assert Order.objects.get(pk=order.pk).status == "placed"
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "Mark ready" not in page


def test_detail_slip_and_list(staff_client, catalogue, store, customer, django_assert_max_num_queries):
    order = place_pickup(location=store, lines={"CAP-1": 1, "TEE-1": 2}, customer=customer)
    client = staff_client("store_staff", locations=[store])
    with django_assert_max_num_queries(20):
        detail = client.get(f"/orders/{order.number}/")
    assert detail.status_code == 200 and order.number in detail.content.decode()
    assert services.pickup_code_for(order) not in detail.content.decode()
    slip = client.get(f"/orders/{order.number}/slip/", {"format": "receipt"})
    assert b'class="receipt"' in slip.content
    assert client.get(f"/orders/{order.number}/slip/").status_code == 200
    listing = client.get("/orders/", {"status": "placed"})
    assert order.number in listing.content.decode()
    assert client.get("/orders/OM-NOPE00/").status_code == 404


def test_return_form(staff_client, catalogue, store, other_store, level):
    order = sell_in_store(location=store, lines={"CAP-1": 2})
    client = staff_client("store_staff", locations=[other_store])
    url = f"/orders/{order.number}/return/"
    response = client.post(url, {"location": other_store.code, "quantity-CAP-1": "1", "reason": "wrong_size"})
    assert response.status_code == 302 and level("CAP-1", other_store) == (6, 0)
    too_many = client.post(url, {"location": other_store.code, "quantity-CAP-1": "5", "reason": "wrong_size"})
    assert too_many.status_code == 409
    no_reason = client.post(url, {"location": other_store.code, "quantity-CAP-1": "1"})
    assert no_reason.status_code == 400
    damaged = client.post(url, {"location": other_store.code, "quantity-CAP-1": "1", "condition-CAP-1": "damaged",
                                "reason": "damaged", "refund_method": "original"})
    assert damaged.status_code == 302 and level("CAP-1", other_store) == (6, 0)  # received, then written off
    assert [r.reason for r in order.returns.all()] == ["wrong_size", "damaged"]
    assert order.returns.last().lines.get().condition == "damaged"


def test_endless_aisle_order(staff_client, catalogue, store, warehouse, customer, level):
    client = staff_client("store_staff", locations=[store])
    assert client.get("/orders/new/").status_code == 200
    response = client.post("/orders/new/", {"sku": "JKT-1", "quantity": "2", "customer": customer.email,
                                            "fulfilment": "delivery", "line1": "4 rue des Lilas",
                                            "postcode": "69003", "city": "Lyon"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.fulfilment_location == warehouse and order.channel == "store" and order.customer == customer
    assert level("JKT-1", warehouse) == (20, 2)
    bad = client.post("/orders/new/", {"sku": "NOPE", "quantity": "1", "fulfilment": "click_and_collect"})
    assert bad.status_code == 400


def test_cart_opened_by_qr(staff_client, web, catalogue, store, level):
    cart_id = web.post("/api/v1/carts/", {}).json()["id"]
    web.post(f"/api/v1/carts/{cart_id}/lines/", {"sku": "CAP-1", "quantity": 1})
    qr = web.get(f"/orders/carts/{cart_id}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    client = staff_client("store_staff", locations=[store])
    opened = client.get("/orders/carts/open/", {"code": f"https://shop.example/orders/carts/{cart_id}/"})
    assert opened.status_code == 302
    assert client.get(opened.url).status_code == 200
    sold = client.post(opened.url)
    assert sold.status_code == 302 and level("CAP-1", store) == (9, 0)


def test_dashboard_panel_counts_the_stores_pickups(staff_client, catalogue, store):
    place_pickup(location=store, lines={"CAP-1": 1})
    page = staff_client("store_staff", locations=[store]).get("/")
    assert page.status_code == 200 and b"Open the board" in page.content


def test_marketing_cannot_use_the_order_form(staff_client, catalogue):
    assert staff_client("marketing").get("/orders/new/").status_code == 403


def test_endless_aisle_shows_where_the_item_is(staff_client, catalogue, store):
    client = staff_client("store_staff", locations=[store])
    fragment = client.get("/orders/new/availability/", {"sku": "JKT-1"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"Veste coupe-vent" in fragment.content and b"20" in fragment.content
    assert client.get("/orders/new/availability/", {"sku": "NOPE"}).content.strip() == b""


def test_order_list_page_costs_constant_queries(staff_client, catalogue, store):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = staff_client("store_staff", locations=[store])
    place_pickup(location=store, lines={"CAP-1": 1})
    with CaptureQueriesContext(connection) as few:
        assert client.get("/orders/").status_code == 200
    for _ in range(6):
        order = place_pickup(location=store, lines={"TEE-1": 1})
        services.order_mark_ready(order=order, actor=pos_actor(store))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/orders/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_pickups_are_marked_ready_several_at_once_from_the_list(staff_client, catalogue, store, other_store,
                                                                 django_capture_on_commit_callbacks):
    from omni.models import Message
    from orders.models import Order
    from tests.factories.customers import CustomerFactory
    from tests.factories.orders import place_pickup

    customer = CustomerFactory(sms_consent=True)
    mine = [place_pickup(location=store, lines={"CAP-1": 1}, customer=customer) for _ in range(2)]
    theirs = place_pickup(location=other_store, lines={"CAP-1": 1})
    staff = staff_client("store_staff", locations=[store])
    listing = staff.get("/orders/").content.decode()
    assert f'value="{mine[0].number}" form="orders-bulk"' in listing
    assert f'value="{theirs.number}" form="orders-bulk"' not in listing  # another store's: no box

    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post("/orders/mark-ready/", {"number": [o.number for o in (*mine, theirs)], "next": "/orders/"},
                          follow=True)
    page = done.content.decode()
    assert "2 orders marked ready." in page and f"{theirs.number}: " in page  # refused, and said why
    statuses = set(Order.objects.filter(pk__in=[o.pk for o in mine]).values_list("status", flat=True))
    assert statuses == {"ready_for_pickup"}
    assert Order.objects.get(pk=theirs.pk).status == "placed"
    assert Message.objects.filter(kind="pickup_ready").count() == 2  # each customer told, as from the order page


def test_endless_aisle_sells_several_lines_reviewed_with_promotions_and_confirms_to_the_customer(
        staff_client, catalogue, store, warehouse, django_capture_on_commit_callbacks):
    from decimal import Decimal

    from omni.models import Message
    from tests.factories.customers import CustomerFactory
    from tests.factories.orders import place_delivery
    from tests.factories.promotions import PromotionFactory

    customer = CustomerFactory(sms_consent=True, language="en")
    place_delivery(lines={"CAP-1": 1}, customer=customer,
                   address={"name": "Léa Martin", "line1": "4 rue des Lilas", "postcode": "69003", "city": "Lyon",
                            "country": "FR"})
    PromotionFactory(name="Jackets -10%", value=Decimal("10"), categories=["jackets"])
    client = staff_client("store_staff", locations=[store])
    typed = {"sku": ["JKT-1", "TEE-1", ""], "quantity": ["1", "2", "1"], "customer": customer.phone,
             "fulfilment": "delivery", "payment": "paid"}
    review = client.post("/orders/new/", {**typed, "action": "review"})
    html = review.content.decode()
    assert review.status_code == 200 and 'data-testid="aisle-review"' in html
    assert "€130.10" in html  # 89.00 - 10 % + 2 × 25.00, as the order will be priced
    assert 'value="4 rue des Lilas"' in html  # their last delivery address, offered
    assert Order.objects.count() == 1  # nothing placed yet

    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post("/orders/new/", {**typed, "action": "place", "name": "Léa Martin",
                                              "line1": "4 rue des Lilas", "postcode": "69003", "city": "Lyon"})
    assert placed.status_code == 302
    order = Order.objects.latest("created_at")
    assert sorted((line.sku, line.quantity) for line in order.lines.all()) == [("JKT-1", 1), ("TEE-1", 2)]
    assert order.total == Decimal("130.10") and order.shipping_address["line1"] == "4 rue des Lilas"
    message = Message.objects.get(kind="order_placed")
    assert message.recipient == customer.phone and "€130.10" in message.body and "/t/" in message.body

    later_at_home = client.post("/orders/new/", {**typed, "payment": "pay_at_pickup", "line1": "x",
                                                 "postcode": "1", "city": "y"})
    assert later_at_home.status_code == 400
    assert "Pay at pickup is for click &amp; collect" in later_at_home.content.decode()
    at_the_door = client.post("/orders/new/", {**typed, "payment": "pay_on_delivery", "line1": "4 rue des Lilas",
                                               "postcode": "69003", "city": "Lyon"})
    assert at_the_door.status_code == 302
    assert Order.objects.order_by("-created_at").first().payment == "pay_on_delivery"
    no_items = client.post("/orders/new/", {**typed, "sku": ["", ""], "action": "review"})
    assert no_items.status_code == 400 and "Add at least one item." in no_items.content.decode()


def test_the_product_page_offers_the_endless_aisle_when_the_store_cannot_promise_it(staff_client, catalogue, store,
                                                                                     other_store):
    from tests.factories.inventory import ProductFactory, stock

    stock(ProductFactory(sku="GONE-1", name="Épuisée"), store, 0)
    staff = staff_client("store_staff", locations=[store])
    lacking = staff.get("/inventory/products/GONE-1/").content.decode()
    assert 'href="/orders/new/?sku=GONE-1"' in lacking and "Sell it from elsewhere" in lacking
    assert "/orders/new/" not in staff.get("/inventory/products/CAP-1/").content.decode()  # 10 here: sell it
    assert "/orders/new/" not in staff_client("marketing").get("/inventory/products/GONE-1/").content.decode()
