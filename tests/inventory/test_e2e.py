"""The stock pages in a real browser (Playwright + Debian's Chromium): a scan lands in the
focused field, a receipt updates the page in place, a refusal shows where the user acted."""

import pytest
from playwright.sync_api import expect

from inventory.models import StockLevel
from tests.e2e.conftest import browser_type_launch_args, logged_in_page  # noqa: F401 - fixtures
from tests.factories.inventory import ProductFactory, stock

pytestmark = pytest.mark.e2e


def test_scan_then_receive_then_refusal_in_place(logged_in_page, live_server, store, other_store):  # noqa: F811
    product = ProductFactory(sku="E2E-SNK-42", name="Sneakers e2e", barcode="3760000000017")
    stock(product, store, 2)
    stock(product, other_store, 7)
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/inventory/")
    scan = page.locator("#stock-scan")
    expect(scan).to_be_focused()
    page.keyboard.type("3760000000017")  # what a USB scanner does: the code, then Enter
    page.keyboard.press("Enter")
    table = page.locator("#stock-table")
    expect(table).to_contain_text("Paris Rivoli")
    expect(table.locator("tbody tr").first).to_contain_text("Paris Rivoli")  # own store first
    expect(page.locator("#lookup-results")).to_contain_text("9 available in all locations")
    expect(scan).to_be_focused()
    ProductFactory(sku="E2E-CAP", name="Casquette e2e", barcode="3760000000024")
    page.keyboard.type("3760000000024")  # the next scan replaces the previous code
    page.keyboard.press("Enter")
    expect(page.locator("#lookup-results")).to_contain_text("Casquette e2e")
    expect(scan).to_have_value("3760000000024")

    page.goto(f"{live_server.url}/inventory/products/E2E-SNK-42/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sneakers e2e")
    page.get_by_label("Movement").select_option("receipt")
    page.get_by_label("Quantity").first.fill("5")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#stock-feedback")).to_contain_text("7 on hand")
    assert StockLevel.objects.get(product=product, location=store).on_hand == 7

    page.get_by_label("Movement").select_option("adjustment")
    page.get_by_label("Quantity").first.fill("-50")
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#stock-feedback")).to_contain_text("Only 7 of E2E-SNK-42")
    assert StockLevel.objects.get(product=product, location=store).on_hand == 7
