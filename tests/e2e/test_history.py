"""Every URL htmx pushes to history is a whole page when the browser comes back to it:
after leaving for another page (the browser's cache, which must not hand back the
fragment: ``Vary: HX-Request``), after going back through htmx's own history, and when
loaded directly."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup


def _is_whole_page(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("navigation").get_by_role("link", name="Dashboard")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    assert page.evaluate("document.styleSheets.length") > 0


def _search_customers(page: Page) -> None:
    page.get_by_label("Name, e-mail, phone or loyalty card").fill("Guérin")
    expect(page.locator("#customer-results")).to_contain_text("Guérin")


def _filter_orders(page: Page) -> None:
    page.locator("#order-status").select_option("placed")


def _look_stock_up(page: Page) -> None:
    page.get_by_label("Scan a barcode or type a SKU, a name, a category").fill("E2E-HIST")
    expect(page.locator("#lookup-results")).to_contain_text("E2E-HIST")


def _filter_low_stock(page: Page) -> None:
    page.locator("#low-stock-location").select_option("paris")


def _search_promotions(page: Page) -> None:
    page.get_by_label("Name or shared code").fill("Soldes")


UPDATES = [
    # (who, page, its heading, the in-place update, what the pushed URL then holds)
    ("store_manager", "/customers/", "Customers", _search_customers, "q="),
    ("store_manager", "/orders/", "Orders", _filter_orders, "status=placed"),
    ("store_manager", "/inventory/", "Stock look-up", _look_stock_up, "q=E2E-HIST"),
    ("store_manager", "/inventory/low-stock/", "Low stock", _filter_low_stock, "location=paris"),
    ("marketing", "/promotions/", "Promotions", _search_promotions, "search=Soldes"),
]


@pytest.mark.parametrize(
    ("role", "path", "heading", "update", "pushed"),
    UPDATES,
    ids=["customers", "orders", "stock", "low-stock", "promotions"],
)
def test_back_after_an_in_place_update_shows_the_whole_page(
    logged_in_page, live_server, store, role, path, heading, update, pushed
):
    CustomerFactory(first_name="Françoise", last_name="Guérin")
    stock(ProductFactory(sku="E2E-HIST", name="Casquette historique", price=Decimal("19.90")), store, 5)
    place_pickup(location=store, lines={"E2E-HIST": 1})
    page = logged_in_page(role, locations=[store])
    page.goto(f"{live_server.url}{path}")
    update(page)
    page.wait_for_url(f"**{pushed}*")
    pushed_url = page.url

    # Away to another page and back: the pushed URL comes back whole, not as its fragment.
    page.goto(f"{live_server.url}/")
    page.go_back()
    page.wait_for_url(pushed_url)
    _is_whole_page(page, heading)

    # Back through htmx's history to the page before the update.
    page.go_back()
    page.wait_for_url(f"{live_server.url}{path}")
    _is_whole_page(page, heading)

    # And the pushed URL loaded directly.
    page.goto(pushed_url)
    _is_whole_page(page, heading)
