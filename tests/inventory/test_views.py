import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.models import ImportJob, Product, StockLevel, StockMovement
from inventory.services import stock_reserve
from tests.factories.inventory import ProductFactory, make_ean, stock
from tests.factories.omni import LocationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_lookup_page_has_a_focused_scan_field(staff_client, store):
    page = staff_client("store_staff", locations=[store]).get("/inventory/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-autofocus-scan" in html and "<h1" in html


def test_scanning_a_barcode_shows_every_location_own_store_first(
    staff_client, product, store, other_store, warehouse, erp_actor
):
    stock(product, store, 2)
    stock(product, warehouse, 30)
    stock_reserve(location=store, lines={product.sku: 1}, reference="O-1", actor=erp_actor)
    clerk = staff_client("store_staff", locations=[other_store])
    response = clerk.get(f"/inventory/?q={product.barcode}", headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the fragment only
    assert html.index("Lyon Part-Dieu") < html.index("Paris Rivoli") < html.index("E-shop warehouse")
    assert "31 available in all locations" in html


def test_search_lists_products_with_constant_queries(staff_client, store, django_assert_max_num_queries):
    clerk = staff_client("store_staff", locations=[store])
    for n in range(3):
        stock(ProductFactory(name=f"Casquette {n}", barcode=make_ean(n)), store, n)
    with django_assert_max_num_queries(9):
        assert clerk.get("/inventory/?q=casquette").status_code == 200
    for n in range(3, 40):
        stock(ProductFactory(name=f"Casquette {n}", barcode=make_ean(n)), store, n)
    with django_assert_max_num_queries(9):
        response = clerk.get("/inventory/?q=casquette")
    assert "Casquette 10" in response.content.decode()


def test_product_page_shows_history_with_constant_queries(staff_client, product, store, django_assert_max_num_queries):
    clerk = staff_client("store_staff", locations=[store])
    stock(product, store, 3)
    with django_assert_max_num_queries(14):
        page = clerk.get(f"/inventory/products/{product.sku}/")
    assert page.status_code == 200 and "test setup" in page.content.decode()
    for n in range(20):
        location = LocationFactory()
        stock(product, location, n)
    with django_assert_max_num_queries(14):
        assert clerk.get(f"/inventory/products/{product.sku}/").status_code == 200
    assert clerk.get(f"/inventory/products/{product.sku}/?page=2", headers=HTMX).status_code == 200
    assert clerk.get("/inventory/products/NOPE/").status_code == 404


def test_staff_records_a_receipt_at_own_store(staff_client, product, store):
    clerk = staff_client("store_staff", locations=[store])
    response = clerk.post(
        f"/inventory/products/{product.sku}/movements/",
        {"kind": "receipt", "location": store.code, "quantity": "6", "reason": "delivery"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "6 on hand" in response.content.decode()
    assert StockLevel.objects.get().on_hand == 6
    assert StockMovement.objects.get().actor_user == clerk.user


def test_staff_cannot_move_stock_elsewhere_refusal_in_place(staff_client, product, store, other_store):
    clerk = staff_client("store_staff", locations=[store])
    response = clerk.post(
        f"/inventory/products/{product.sku}/movements/",
        {"kind": "receipt", "location": other_store.code, "quantity": "6"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_oversell_refusal_is_shown_in_place(staff_client, product, store):
    stock(product, store, 2)
    manager = staff_client("store_manager", locations=[store])
    response = manager.post(
        f"/inventory/products/{product.sku}/movements/",
        {"kind": "adjustment", "location": store.code, "quantity": "-5"},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "Only 2 of" in response.content.decode()
    assert StockLevel.objects.get().on_hand == 2
    assert StockMovement.objects.count() == 1


def test_manager_transfers_between_any_locations(staff_client, product, store, other_store, warehouse):
    stock(product, warehouse, 5)
    manager = staff_client("store_manager", locations=[store])
    response = manager.post(
        f"/inventory/products/{product.sku}/transfers/",
        {"from_location": warehouse.code, "to_location": other_store.code, "quantity": "3"},
        headers=HTMX,
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert StockLevel.objects.get(location=other_store).on_hand == 3
    refused = manager.post(
        f"/inventory/products/{product.sku}/transfers/",
        {"from_location": warehouse.code, "to_location": other_store.code, "quantity": "3"},
        headers=HTMX,
    )
    assert refused.status_code == 409


def test_marketing_sees_stock_but_has_no_forms(staff_client, product, store):
    marketing = staff_client("marketing")
    page = marketing.get(f"/inventory/products/{product.sku}/")
    assert page.status_code == 200 and "movement-create" not in page.content.decode()
    refused = marketing.post(
        f"/inventory/products/{product.sku}/movements/",
        {"kind": "receipt", "location": store.code, "quantity": "1"},
        headers=HTMX,
    )
    assert refused.status_code == 400
    assert not StockMovement.objects.exists()


def test_anonymous_is_sent_to_login():
    from django.test import Client

    assert Client().get("/inventory/").status_code == 302


def test_dashboard_shows_low_stock_of_own_store(staff_client, store, other_store):
    low = ProductFactory(name="Sac bandoulière camel", barcode=make_ean(1))
    fine = ProductFactory(name="Sac cabas noir", barcode=make_ean(2))
    elsewhere = ProductFactory(name="Casquette ailleurs", barcode=make_ean(3))
    stock(low, store, 1)
    stock(fine, store, 50)
    stock(elsewhere, other_store, 0)
    from django.template.loader import render_to_string

    from omni.actor import Actor
    from omni.registry import DashboardPanel, registry

    clerk = staff_client("store_staff", locations=[store])
    [panel] = [
        panel for panel in registry.entries(DashboardPanel) if panel.template == "inventory/_low_stock_panel.html"
    ]
    actor = Actor.for_user(clerk.user)
    assert panel.allowed(actor)
    # Rendered as the dashboard does (``{% include template with panel=context %}``).
    html = render_to_string(panel.template, {"panel": panel.context(actor)})
    assert "Sac bandoulière camel" in html
    assert "Sac cabas noir" not in html and "Casquette ailleurs" not in html


def test_global_search_and_scan_open_the_product(staff_client, product):
    clerk = staff_client("store_staff")
    hits = clerk.get("/search/?q=trucker", headers=HTMX).content.decode()
    assert product.name in hits
    scanned = clerk.get(f"/search/?q={product.barcode}&go=1")
    assert scanned.status_code == 302 and scanned.url == f"/inventory/products/{product.sku}/"


# --- CSV imports ----------------------------------------------------------------------------
PRODUCTS_CSV = (
    "sku;name;price;barcode;category;size;colour;price_web\n"
    f"JKT-1;Veste en jean;79,90;{make_ean(500)};jackets;M;Bleu;74.90\n"
    "JKT-2;Veste sans prix;;;jackets;L;Noir;\n"
    f"JKT-3;Veste mauvais code;59.90;1234567890123;jackets;S;Kaki;\n"
)


def upload(client, kind, text, name="file.csv"):
    return client.post(
        "/inventory/import/", {"kind": kind, "file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    )


def test_product_import_preview_then_run(staff_client, django_capture_on_commit_callbacks):
    admin = staff_client("admin")
    response = upload(admin, "products", PRODUCTS_CSV)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "preview" and job.total_rows == 3
    preview = admin.get(response.url).content.decode()
    assert "price: not an amount." in preview and "barcode: not a valid EAN-13." in preview
    assert not Product.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        progress = admin.post(response.url, headers=HTMX)
    assert progress.status_code == 200
    job.refresh_from_db()
    assert (job.status, job.applied_rows, job.error_rows) == ("done", 1, 2)
    product = Product.objects.get()
    assert (product.sku, str(product.price), product.attributes) == ("JKT-1", "79.90", {"size": "M", "colour": "Bleu"})
    assert product.channel_prices.get().channel == "web"
    assert "1 rows imported, 2 with errors" in admin.get(response.url, headers=HTMX).content.decode()


def test_store_staff_may_not_import_products(staff_client, store):
    clerk = staff_client("store_staff", locations=[store])
    response = upload(clerk, "products", PRODUCTS_CSV)
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_count_import_only_at_own_locations(
    staff_client, product, store, other_store, django_capture_on_commit_callbacks
):
    stock(product, store, 3)
    clerk = staff_client("store_staff", locations=[store])
    text = (
        f"sku,location,quantity\n{product.sku},{store.code},7\n{product.sku},{other_store.code},4\n"
        f"NOPE,{store.code},1\n"
    )
    response = upload(clerk, "counts", text)
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(response.url)
    job = ImportJob.objects.get()
    assert (job.applied_rows, job.error_rows) == (1, 2)
    assert StockLevel.objects.get(location=store).on_hand == 7
    assert not StockLevel.objects.filter(location=other_store).exists()


def test_import_refuses_bad_files_in_place(staff_client):
    admin = staff_client("admin")
    response = upload(admin, "products", "nothing,useful\n1,2\n")
    assert response.status_code == 400 and "Missing column" in response.content.decode()
    assert upload(admin, "products", "").status_code == 400
    assert not ImportJob.objects.exists()


def test_admin_pages_load(staff_client, product, store, erp_actor):
    from inventory.services import stock_reserve as reserve

    stock(product, store, 3)
    reserve(location=store, lines={product.sku: 1}, reference="O-1", actor=erp_actor)
    admin = staff_client("admin", is_staff=True, is_superuser=True)
    for url in ("product", "stocklevel", "stockmovement", "reservation", "importjob"):
        assert admin.get(f"/admin/inventory/{url}/").status_code == 200, url
    assert admin.get(f"/admin/inventory/product/{product.pk}/change/").status_code == 200
    from inventory.models import Reservation

    response = admin.post(
        "/admin/inventory/reservation/",
        {"action": "release", "_selected_action": [Reservation.objects.get().pk]},
    )
    assert response.status_code == 302
    assert Reservation.objects.get().status == "released"
    assert StockLevel.objects.get().reserved == 0


def test_staff_sets_a_low_stock_threshold_for_own_store(staff_client, product, store, other_store):
    stock(product, store, 8)
    clerk = staff_client("store_staff", locations=[store])
    response = clerk.post(
        f"/inventory/products/{product.sku}/threshold/", {"location": store.code, "threshold": "10"}, headers=HTMX
    )
    assert response.status_code == 200
    assert StockLevel.objects.get(location=store).low_stock_threshold == 10
    refused = clerk.post(
        f"/inventory/products/{product.sku}/threshold/",
        {"location": other_store.code, "threshold": "10"},
        headers=HTMX,
    )
    assert refused.status_code == 400
    assert not StockLevel.objects.filter(location=other_store).exists()
    page = clerk.get("/inventory/low-stock/")
    assert page.status_code == 200 and product.name in page.content.decode()
    cleared = clerk.post(
        f"/inventory/products/{product.sku}/threshold/", {"location": store.code, "threshold": ""}, headers=HTMX
    )
    assert cleared.status_code == 200
    assert StockLevel.objects.get(location=store).low_stock_threshold is None
    assert product.name not in clerk.get("/inventory/low-stock/").content.decode()


def test_low_stock_page_filters_by_location_with_constant_queries(
    staff_client, store, other_store, django_assert_max_num_queries
):
    manager = staff_client("store_manager", locations=[store])
    for n in range(3):
        stock(ProductFactory(name=f"Sac {n}", barcode=make_ean(700 + n)), other_store, 0)
    with django_assert_max_num_queries(9):
        html = manager.get(f"/inventory/low-stock/?location={other_store.code}", headers=HTMX).content.decode()
    assert "Sac 0" in html
    for n in range(3, 40):
        stock(ProductFactory(name=f"Sac {n}", barcode=make_ean(700 + n)), other_store, 1)
    with django_assert_max_num_queries(9):
        assert manager.get(f"/inventory/low-stock/?location={other_store.code}&page=2").status_code == 200
    assert "Sac 0" not in manager.get("/inventory/low-stock/", headers=HTMX).content.decode()


@pytest.mark.parametrize(
    "text, says",
    [
        ("sku,name,price\nCAP-1,Cas\x00quette,19.90\n", "NUL characters"),
        ("sku,name,price\nCAP-1," + "x" * 200_000 + ",19.90\n", "Line 2 cannot be read as CSV"),
        ("sku,name," + "p" * 200_000 + "\nCAP-1,Casquette,19.90\n", "Line 1 cannot be read as CSV"),
    ],
    ids=["nul-byte", "field-over-128-kb", "header-over-128-kb"],
)
def test_an_unreadable_csv_is_refused_in_place_not_a_server_error(staff_client, text, says):
    response = upload(staff_client("admin"), "products", text, name="bad\x00name.csv")
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not ImportJob.objects.exists()


def test_products_are_found_as_people_type_their_name(staff_client, store):
    """Accents and capitals aside, on the stock look-up and Ctrl+K alike."""
    ProductFactory(sku="SCARF-1", name="Écharpe tricotée")
    ProductFactory(sku="CAP-9", name="Casquette")
    clerk = staff_client("store_staff", locations=[store])
    for typed in ("echarpe", "ÉCHARPE", "TRICOTEE"):
        assert "SCARF-1" in clerk.get("/inventory/", {"q": typed}).content.decode(), typed
        assert "Écharpe tricotée" in clerk.get("/search/", {"q": typed}).content.decode(), typed
    assert "SCARF-1" not in clerk.get("/inventory/", {"q": "casquette"}).content.decode()
