"""Sortable columns: a header sorts the list in place, a second click turns the order
round, the filters stay, and the sorted list is a URL (Back, reload, a link)."""

from decimal import Decimal

from playwright.sync_api import expect

from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup


def _totals(page) -> list[str]:
    return page.locator("#order-table tbody tr td:last-child").all_inner_texts()


def test_orders_sort_by_total_both_ways_keeping_the_filter(logged_in_page, live_server, store):
    for sku, price in (("E2E-SORT-A", "5.00"), ("E2E-SORT-B", "50.00"), ("E2E-SORT-C", "20.00")):
        stock(ProductFactory(sku=sku, price=Decimal(price)), store, 5)
        place_pickup(location=store, lines={sku: 1})
    page = logged_in_page("store_manager", locations=[store])
    page.goto(f"{live_server.url}/orders/?status=placed")

    page.locator("#order-table").get_by_role("link", name="Total").click()
    page.wait_for_url("**sort=total*")
    assert "status=placed" in page.url
    expect(page.locator("#order-table th[aria-sort=ascending]")).to_contain_text("Total")
    assert _totals(page) == ["€5.00", "€20.00", "€50.00"]

    page.locator("#order-table").get_by_role("link", name="Total").click()
    page.wait_for_url("**sort=-total*")
    expect(page.locator("#order-table th[aria-sort=descending]")).to_contain_text("Total")
    assert _totals(page) == ["€50.00", "€20.00", "€5.00"]

    page.go_back()
    page.wait_for_url("**sort=total*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Orders")
    page.reload()
    assert _totals(page) == ["€5.00", "€20.00", "€50.00"]
