import pytest

from inventory.models import ChannelPrice, Product, Reservation, StockLevel, StockMovement
from inventory.services import stock_reserve
from tests.factories.inventory import ChannelPriceFactory, ProductFactory, make_ean, stock
from tests.factories.omni import LocationFactory

pytestmark = pytest.mark.django_db

NEW_PRODUCT = {
    "sku": "SNK-RUN-BLANC-42",
    "barcode": "3760000000024",
    "name": "Sneakers running blanches",
    "category": "sneakers",
    "price": "89.90",
    "channel_prices": {"web": "84.90"},
    "attributes": {"size": "42", "colour": "Blanc"},
}


def make_ean_from(body: str) -> str:
    from inventory.models import ean13_check_digit

    return body + str(ean13_check_digit(body))


# --- products -------------------------------------------------------------------------------
def test_anonymous_gets_401():
    from django.test import Client

    assert Client().get("/api/v1/products/").status_code == 401
    assert Client().get("/api/v1/stock/X/").status_code == 401


def test_integration_creates_a_product_and_each_channel_sees_its_price(api_as):
    NEW_PRODUCT["barcode"] = make_ean_from("376000000002")
    erp = api_as("integration")
    created = erp.post("/api/v1/products/", NEW_PRODUCT)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sku"] == "SNK-RUN-BLANC-42" and body["currency"] == "EUR"
    assert body["price"] == "89.90"  # the ERP has no channel: base price
    assert body["attributes"] == {"size": "42", "colour": "Blanc"}
    web = api_as("web").get("/api/v1/products/SNK-RUN-BLANC-42/").json()
    assert web["price"] == "84.90"
    app = api_as("app").get("/api/v1/products/?sku=SNK-RUN-BLANC-42").json()
    assert app["count"] == 1 and app["results"][0]["price"] == "89.90"
    assert set(app["results"][0]) >= {"sku", "barcode", "name", "category", "price", "currency", "attributes"}


@pytest.mark.parametrize("kind", ["web", "app", "pos", "call_centre"])
def test_only_integration_writes_the_catalogue(api_as, store, kind, product):
    client = api_as(kind, location=store if kind == "pos" else None)
    assert client.post("/api/v1/products/", {**NEW_PRODUCT, "barcode": None}).status_code == 403
    assert client.patch(f"/api/v1/products/{product.sku}/", {"name": "Hacked"}).status_code == 403
    assert not Product.objects.filter(sku=NEW_PRODUCT["sku"]).exists()
    product.refresh_from_db()
    assert product.name != "Hacked"


def test_admin_session_creates_a_product(staff_client):
    admin = staff_client("admin")
    response = admin.post("/api/v1/products/", {"sku": "BAG-1", "name": "Sac", "price": "39.00"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"barcode": "3760000000018"}, "barcode"),  # wrong check digit
        ({"barcode": "12345"}, "barcode"),
        ({"price": "-1.00"}, "price"),
        ({"price": "abc"}, "price"),
        ({"price": "1e20"}, "price"),
        ({"name": ""}, "name"),
        ({"sku": ""}, "sku"),
        ({"sku": "with space"}, "sku"),
        ({"category": "Not a slug!"}, "category"),
        ({"channel_prices": {"moon": "1.00"}}, "channel_prices"),
        ({"channel_prices": "nope"}, "channel_prices"),
        ({"attributes": ["x"]}, "attributes"),
    ],
)
def test_bad_product_is_a_400_naming_the_field(api_as, change, field):
    response = api_as("integration").post("/api/v1/products/", {**NEW_PRODUCT, "barcode": None, **change})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Product.objects.exists()


def test_duplicate_sku_or_barcode_is_a_400(api_as, product):
    erp = api_as("integration")
    response = erp.post("/api/v1/products/", {**NEW_PRODUCT, "sku": product.sku, "barcode": None})
    assert response.status_code == 400 and "sku" in response.json()
    response = erp.post("/api/v1/products/", {**NEW_PRODUCT, "barcode": product.barcode})
    assert response.status_code == 400 and "barcode" in response.json()
    assert Product.objects.count() == 1


def test_non_json_and_garbage_bodies_never_500(api_as):
    erp = api_as("integration")
    for body in ([], "text", 12, None, {"sku": {"nested": 1}}):
        response = erp.post("/api/v1/products/", body)
        assert response.status_code == 400, (body, response.content)
    raw = erp.generic(
        "POST",
        "/api/v1/products/",
        b"{not json",
        content_type="application/json",
        headers={"Authorization": f"Token {erp.token}"},
    )
    assert raw.status_code == 400


def test_patch_updates_fields_and_channel_prices(api_as, product):
    ChannelPriceFactory(product=product, channel="app", price="20.00")
    erp = api_as("integration")
    response = erp.patch(
        f"/api/v1/products/{product.sku}/",
        {"name": "Casquette trucker noir mat", "price": "26.90", "channel_prices": {"web": "22.00", "app": None}},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Casquette trucker noir mat"
    assert body["price"] == "26.90"
    assert body["channel_prices"] == {"web": "22.00"}
    assert erp.patch(f"/api/v1/products/{product.sku}/", {"sku": "OTHER"}).status_code == 400
    assert erp.patch("/api/v1/products/NOPE/", {"name": "x"}).status_code == 404


def test_product_search_and_filters(api_as):
    ProductFactory(sku="CAP-1", name="Casquette rouge", category="caps", barcode=make_ean(1))
    ProductFactory(sku="BAG-1", name="Sac à dos", category="bags", barcode=make_ean(2))
    ProductFactory(sku="OLD-1", name="Casquette ancienne", category="caps", is_active=False, barcode=make_ean(3))
    web = api_as("web")

    def skus(query):
        return [row["sku"] for row in web.get(f"/api/v1/products/{query}").json()["results"]]

    assert skus("?search=casquette") == ["CAP-1"]
    assert skus("?category=bags") == ["BAG-1"]
    assert skus(f"?barcode={make_ean(1)}") == ["CAP-1"]
    assert skus("?sku=BAG-1") == ["BAG-1"]
    too_long = web.get("/api/v1/products/?search=" + "x" * 500)  # a search is at most 100 characters
    assert too_long.status_code == 400
    assert "search" in too_long.json()
    erp = api_as("integration")
    assert "OLD-1" in [row["sku"] for row in erp.get("/api/v1/products/?category=caps").json()["results"]]


def test_product_list_costs_constant_queries(api_as, django_assert_max_num_queries):
    web = api_as("web")
    for n in range(3):
        ChannelPriceFactory(product=ProductFactory(barcode=make_ean(10 + n)), channel="web")
    with django_assert_max_num_queries(4):
        assert web.get("/api/v1/products/").status_code == 200
    for n in range(40):
        ChannelPriceFactory(product=ProductFactory(barcode=make_ean(100 + n)), channel="web")
    with django_assert_max_num_queries(4):
        assert web.get("/api/v1/products/?page_size=200").json()["count"] == 43


# --- stock reads ----------------------------------------------------------------------------
def test_stock_of_one_sku_everywhere(api_as, product, store, other_store, warehouse, erp_actor):
    stock(product, store, 5)
    stock(product, warehouse, 20)
    stock_reserve(location=store, lines={product.sku: 2}, reference="O-1", actor=erp_actor)
    pos = api_as("pos", location=other_store)
    response = pos.get(f"/api/v1/stock/{product.sku}/")
    assert response.status_code == 200
    body = response.json()
    assert body["sku"] == product.sku and body["total_available"] == 23
    by_code = {row["location"]: row for row in body["locations"]}
    assert by_code["paris"] == {
        "location": "paris",
        "on_hand": 5,
        "reserved": 2,
        "available": 3,
        "click_and_collect": True,
    }
    assert by_code["lyon"]["available"] == 0
    assert body["locations"][0]["location"] == "lyon"  # the terminal's own store first
    assert pos.get("/api/v1/stock/NOPE/").status_code == 404


def test_batch_stock_by_skus_and_location(api_as, store, warehouse):
    a, b = ProductFactory(sku="A"), ProductFactory(sku="B")
    stock(a, store, 3)
    stock(a, warehouse, 7)
    stock(b, warehouse, 1)
    web = api_as("web")
    at_store = web.get("/api/v1/stock/?skus=A,B,NOPE&location=paris").json()["results"]
    assert at_store == [
        {"sku": "A", "location": "paris", "on_hand": 3, "reserved": 0, "available": 3},
        {"sku": "B", "location": "paris", "on_hand": 0, "reserved": 0, "available": 0},
    ]
    everywhere = web.get("/api/v1/stock/?skus=A,B").json()["results"]
    assert {(row["sku"], row["location"], row["available"]) for row in everywhere} == {
        ("A", "paris", 3),
        ("A", "warehouse", 7),
        ("B", "warehouse", 1),
    }
    assert "location" in web.get("/api/v1/stock/?skus=A&location=atlantis").json()
    # Unknown SKUs only: the location is still checked, and a known one answers no rows.
    unknown = web.get("/api/v1/stock/?skus=NOPE&location=atlantis")
    assert unknown.status_code == 400
    assert unknown.json()["location"] == ["Object with code=atlantis does not exist."]
    assert web.get("/api/v1/stock/?skus=NOPE&location=paris").json()["results"] == []
    store.is_active = False
    store.save()
    assert "location" in web.get("/api/v1/stock/?skus=A&location=paris").json()
    assert "skus" in web.get("/api/v1/stock/").json()
    assert "skus" in web.get("/api/v1/stock/?skus=" + ",".join(f"S{n}" for n in range(201))).json()


def test_stock_reads_cost_constant_queries(api_as, django_assert_max_num_queries, erp_actor):
    products = [ProductFactory(sku=f"P{n:02d}") for n in range(50)]
    locations = [LocationFactory() for _ in range(3)]
    for location in locations:
        for product in products[:5]:
            stock(product, location, 4)
    web = api_as("web")
    skus = ",".join(p.sku for p in products)
    with django_assert_max_num_queries(4):
        assert web.get("/api/v1/stock/P00/").status_code == 200
    with django_assert_max_num_queries(4):
        assert web.get(f"/api/v1/stock/?skus={skus}&location={locations[0].code}").status_code == 200
    with django_assert_max_num_queries(4):
        assert web.get(f"/api/v1/stock/?skus={skus}").status_code == 200
    for _ in range(17):
        location = LocationFactory()
        for product in products:
            stock(product, location, 2)
    stock_reserve(location=locations[0], lines={"P00": 1, "P01": 1}, reference="O", actor=erp_actor)
    with django_assert_max_num_queries(4):
        assert web.get("/api/v1/stock/P00/").json()["total_available"] == 3 * 4 + 17 * 2 - 1
    with django_assert_max_num_queries(4):
        assert web.get(f"/api/v1/stock/?skus={skus}&location={locations[0].code}").json()["count"] == 50
    with django_assert_max_num_queries(4):
        assert web.get(f"/api/v1/stock/?skus={skus}&page_size=200").status_code == 200


# --- stock writes ---------------------------------------------------------------------------
def test_integration_receipt_adjustment_count(api_as, product, store):
    erp = api_as("integration")
    url = "/api/v1/stock/movements/"
    response = erp.post(
        url, {"sku": product.sku, "location": "paris", "kind": "receipt", "quantity": 12, "reason": "PO 4512"}
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"sku": product.sku, "location": "paris", "on_hand": 12, "reserved": 0, "available": 12}
    response = erp.post(url, {"sku": product.sku, "location": "paris", "kind": "adjustment", "quantity": -2})
    assert response.json()["on_hand"] == 10
    response = erp.post(url, {"sku": product.sku, "location": "paris", "kind": "count", "quantity": 7})
    assert response.json()["on_hand"] == 7
    assert StockMovement.objects.count() == 3


def test_pos_moves_stock_only_at_its_own_location(api_as, product, store, other_store):
    pos = api_as("pos", location=store)
    body = {"sku": product.sku, "location": "paris", "kind": "receipt", "quantity": 2}
    assert pos.post("/api/v1/stock/movements/", body).status_code == 201
    refused = pos.post("/api/v1/stock/movements/", {**body, "location": "lyon"})
    assert refused.status_code == 403
    assert not StockLevel.objects.filter(location=other_store).exists()
    transfer = {"sku": product.sku, "from_location": "lyon", "to_location": "paris", "quantity": 1}
    assert pos.post("/api/v1/stock/transfers/", transfer).status_code == 403


@pytest.mark.parametrize("kind", ["web", "app", "call_centre"])
def test_sales_clients_may_not_move_stock(api_as, product, store, kind):
    client = api_as(kind)
    body = {"sku": product.sku, "location": "paris", "kind": "receipt", "quantity": 2}
    assert client.post("/api/v1/stock/movements/", body).status_code == 403
    transfer = {"sku": product.sku, "from_location": "paris", "to_location": "paris", "quantity": 1}
    assert client.post("/api/v1/stock/transfers/", transfer).status_code == 403
    assert not StockMovement.objects.exists()


def test_movement_that_would_oversell_is_409(api_as, product, store, erp_actor):
    stock(product, store, 3)
    stock_reserve(location=store, lines={product.sku: 2}, reference="O-1", actor=erp_actor)
    response = api_as("integration").post(
        "/api/v1/stock/movements/", {"sku": product.sku, "location": "paris", "kind": "adjustment", "quantity": -2}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["sku"] == product.sku and response.json()["available"] == 1
    assert StockLevel.objects.get().on_hand == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku": "NOPE"}, "sku"),
        ({"location": "atlantis"}, "location"),
        ({"kind": "teleport"}, "kind"),
        ({"quantity": "many"}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),  # a receipt adds
        ({"quantity": 10**12}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"sku": ["a"]}, "sku"),
        ({"location": {"code": "paris"}}, "location"),
    ],
)
def test_bad_movement_is_a_400_naming_the_field(api_as, product, store, change, field):
    body = {"sku": product.sku, "location": "paris", "kind": "receipt", "quantity": 1, **change}
    response = api_as("integration").post("/api/v1/stock/movements/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not StockMovement.objects.exists()


def test_count_below_zero_is_400(api_as, product, store):
    body = {"sku": product.sku, "location": "paris", "kind": "count", "quantity": -1}
    assert api_as("integration").post("/api/v1/stock/movements/", body).status_code == 400


def test_movement_is_idempotent(api_as, product, store):
    erp = api_as("integration")
    body = {"sku": product.sku, "location": "paris", "kind": "receipt", "quantity": 5}
    headers = {"Idempotency-Key": "receipt-42"}
    first = erp.post("/api/v1/stock/movements/", body, headers=headers)
    again = erp.post("/api/v1/stock/movements/", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert StockLevel.objects.get().on_hand == 5
    assert StockMovement.objects.count() == 1
    reused = erp.post("/api/v1/stock/movements/", {**body, "quantity": 6}, headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_transfer(api_as, product, store, warehouse):
    stock(product, warehouse, 10)
    erp = api_as("integration")
    response = erp.post(
        "/api/v1/stock/transfers/",
        {"sku": product.sku, "from_location": "warehouse", "to_location": "paris", "quantity": 4},
        headers={"Idempotency-Key": "tr-1"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["from_location"]["on_hand"] == 6 and body["to_location"]["on_hand"] == 4
    assert body["reference"].startswith("TR-")
    again = erp.post(
        "/api/v1/stock/transfers/",
        {"sku": product.sku, "from_location": "warehouse", "to_location": "paris", "quantity": 4},
        headers={"Idempotency-Key": "tr-1"},
    )
    assert again.json() == body
    too_many = erp.post(
        "/api/v1/stock/transfers/",
        {"sku": product.sku, "from_location": "warehouse", "to_location": "paris", "quantity": 7},
    )
    assert too_many.status_code == 409 and too_many.json()["available"] == 6
    same = erp.post(
        "/api/v1/stock/transfers/",
        {"sku": product.sku, "from_location": "paris", "to_location": "paris", "quantity": 1},
    )
    assert same.status_code == 400 and "to_location" in same.json()
    unknown = erp.post(
        "/api/v1/stock/transfers/",
        {"sku": product.sku, "from_location": "nowhere", "to_location": "paris", "quantity": 1},
    )
    assert unknown.status_code == 400 and "from_location" in unknown.json()
    assert StockMovement.objects.filter(kind__startswith="transfer").count() == 2


def test_store_staff_session_may_move_stock_at_own_store(staff_client, product, store, other_store):
    clerk = staff_client("store_staff", locations=[store])
    body = {"sku": product.sku, "location": "paris", "kind": "receipt", "quantity": 1}
    assert clerk.post("/api/v1/stock/movements/", body).status_code == 201
    assert clerk.post("/api/v1/stock/movements/", {**body, "location": "lyon"}).status_code == 403
    assert staff_client("marketing").post("/api/v1/stock/movements/", body).status_code == 403


def test_api_root_lists_products_and_stock(api_as):
    links = api_as("web").get("/api/v1/").json()
    assert links["products"].endswith("/api/v1/products/") and links["stock"].endswith("/api/v1/stock/")


def test_reservation_untouched_by_reads(api_as, product, store, erp_actor):
    stock(product, store, 2)
    stock_reserve(location=store, lines={product.sku: 1}, reference="O", actor=erp_actor)
    api_as("web").get(f"/api/v1/stock/{product.sku}/")
    assert Reservation.objects.get().status == "active"
    assert ChannelPrice.objects.count() == 0


def test_product_creation_is_idempotent(api_as):
    erp = api_as("integration")
    body = {"sku": "BAG-IDEM", "name": "Sac", "price": "39.00"}
    first = erp.post("/api/v1/products/", body, headers={"Idempotency-Key": "p-1"})
    again = erp.post("/api/v1/products/", body, headers={"Idempotency-Key": "p-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Product.objects.filter(sku="BAG-IDEM").count() == 1


def test_expired_reservations_do_not_count_in_api_reads(api_as, product, store, erp_actor):
    from datetime import timedelta

    from django.utils import timezone

    stock(product, store, 4)
    stock_reserve(
        location=store,
        lines={product.sku: 3},
        reference="O-old",
        actor=erp_actor,
        expires_at=timezone.now() + timedelta(minutes=1),
    )
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    web = api_as("web")
    paris = {row["location"]: row for row in web.get(f"/api/v1/stock/{product.sku}/").json()["locations"]}["paris"]
    assert (paris["on_hand"], paris["reserved"], paris["available"]) == (4, 0, 4)
    [row] = web.get(f"/api/v1/stock/?skus={product.sku}&location=paris").json()["results"]
    assert row["available"] == 4
    [row] = web.get(f"/api/v1/stock/?skus={product.sku}").json()["results"]
    assert (row["reserved"], row["available"]) == (0, 4)
