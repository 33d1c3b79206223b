"""Every URL htmx pushes to history is a whole page when the browser comes back to it:
after leaving for another page (the browser's cache, which must not hand back the
fragment: ``Vary: HX-Request``), after going back through htmx's own history, and when
loaded directly."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from inventory.models import Product
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup
from tests.factories.promotions import PromotionFactory


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


def _look_stock_up_by_name(page: Page) -> None:  # a name matches many products: a list
    page.get_by_label("Scan a barcode or type a SKU, a name, a category").fill("historique")
    expect(page.locator("#lookup-results")).to_contain_text("E2E-HIST-00")


def _filter_low_stock(page: Page) -> None:
    page.locator("#low-stock-location").select_option("paris")


def _search_promotions(page: Page) -> None:
    page.get_by_label("Name or shared code").fill("Soldes")


def _next_page(target: str):
    def turn(page: Page) -> None:
        page.locator(target).get_by_role("link", name="Next").click()

    return turn


def _change_journeys_period(page: Page) -> None:
    page.get_by_label("From").fill("2026-01-01")  # a date input's fill fires its change


def _many_rows(store) -> None:
    """More than one page (25 rows) of everything the paging cases turn."""
    for n in range(26):
        CustomerFactory(first_name=f"Client{n:02d}", last_name="Guérin")
        product = ProductFactory(sku=f"E2E-HIST-{n:02d}", name="Casquette historique", price=Decimal("9.90"))
        stock(product, store, 1, threshold=5)
        PromotionFactory(name=f"Soldes {n:02d}")
    stock(Product.objects.get(sku="E2E-HIST"), store, 100)
    for _ in range(26):
        place_pickup(location=store, lines={"E2E-HIST": 1})


CASES = {
    # id: (who, page, its heading, the in-place updates, what each pushed URL then holds)
    "customers": ("store_manager", "/customers/", "Customers", [_search_customers], ["q="]),
    "orders": ("store_manager", "/orders/", "Orders", [_filter_orders], ["status=placed"]),
    "stock": ("store_manager", "/inventory/", "Stock look-up", [_look_stock_up], ["q=E2E-HIST"]),
    "low-stock": ("store_manager", "/inventory/low-stock/", "Low stock", [_filter_low_stock], ["location=paris"]),
    "promotions": ("marketing", "/promotions/", "Promotions", [_search_promotions], ["search=Soldes"]),
    "journeys": ("marketing", "/journeys/", "Customer journeys", [_change_journeys_period], ["since=2026-01-01"]),
    # Paging keeps the search or filter and pushes the page too.
    "customers-paged": ("store_manager", "/customers/", "Customers",
                        [_search_customers, _next_page("#customer-results")], ["q=", "page=2"]),
    "orders-paged": ("store_manager", "/orders/", "Orders",
                     [_filter_orders, _next_page("#order-table")], ["status=placed", "page=2"]),
    "stock-paged": ("store_manager", "/inventory/", "Stock look-up",
                    [_look_stock_up_by_name, _next_page("#lookup-results")], ["q=historique", "page=2"]),
    "low-stock-paged": ("store_manager", "/inventory/low-stock/", "Low stock",
                        [_filter_low_stock, _next_page("#low-stock-table")], ["location=paris", "page=2"]),
    "promotions-paged": ("marketing", "/promotions/", "Promotions",
                         [_search_promotions, _next_page("#promotion-results")], ["search=Soldes", "page=2"]),
}


@pytest.mark.parametrize("case", CASES)
def test_back_after_an_in_place_update_shows_the_whole_page(logged_in_page, live_server, store, case):
    role, path, heading, updates, pushed = CASES[case]
    CustomerFactory(first_name="Françoise", last_name="Guérin")
    stock(ProductFactory(sku="E2E-HIST", name="Casquette historique", price=Decimal("19.90")), store, 5)
    place_pickup(location=store, lines={"E2E-HIST": 1})
    if case.endswith("-paged"):
        _many_rows(store)
    page = logged_in_page(role, locations=[store])
    page.goto(f"{live_server.url}{path}")
    visited = [page.url]
    for update, holds in zip(updates, pushed, strict=True):
        update(page)
        page.wait_for_url(lambda url, seen=visited[-1], holds=holds: url != seen and holds in url)
        assert all(earlier in page.url for earlier in pushed[: pushed.index(holds)])  # kept, not reset
        visited.append(page.url)

    # Away to another page and back: the pushed URL comes back whole, not as its fragment.
    page.goto(f"{live_server.url}/")
    page.go_back()
    page.wait_for_url(visited[-1])
    _is_whole_page(page, heading)

    # Back through htmx's history, one update at a time, to the page before them.
    for earlier in reversed(visited[:-1]):
        page.go_back()
        page.wait_for_url(earlier)
        _is_whole_page(page, heading)

    # And the last pushed URL loaded directly.
    page.goto(visited[-1])
    _is_whole_page(page, heading)
