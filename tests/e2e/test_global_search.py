"""Ctrl+K: the header's search lists what matches with the stock of each product, says
how many more there are, moves with the arrow keys, and agrees with Enter."""

from decimal import Decimal

from playwright.sync_api import expect

from inventory.models import ean13_check_digit
from tests.factories.inventory import ProductFactory, stock


def _barcode(n: int) -> str:
    first = f"{376000200000 + n}"
    return first + str(ean13_check_digit(first))


def test_ctrl_k_lists_stock_counts_the_rest_moves_with_arrows_and_agrees_with_enter(
    logged_in_page, live_server, store, other_store
):
    caps = [ProductFactory(sku=f"E2E-KCAP-{n:02d}", name=f"Casquette clavier {n:02d}", barcode=_barcode(n),
                           price=Decimal("19.90")) for n in range(11)]
    stock(caps[0], store, 3)
    stock(caps[0], other_store, 5)
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/")

    page.keyboard.press("Control+k")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("clavier")
    results = page.get_by_test_id("search-results")
    first = results.get_by_role("option").first
    expect(first).to_contain_text("Casquette clavier 00")
    expect(first).to_contain_text("3 here, 8 everywhere")  # its stock, here and in every store
    more = page.get_by_test_id("search-more")
    expect(more).to_contain_text("3 more: Product")  # 11 match, 8 shown
    assert more.get_attribute("href") == "/inventory/?q=clavier"

    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    second = results.get_by_role("option").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/inventory/products/{caps[1].sku}/")

    # A scanned barcode: the list shows first what Enter opens, and Enter opens it.
    page.keyboard.press("Control+k")
    page.keyboard.type(caps[5].barcode)
    marked = page.get_by_test_id("search-results").get_by_role("option").first
    expect(marked).to_contain_text("Enter opens this")
    expect(marked).to_contain_text("Casquette clavier 05")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/inventory/products/{caps[5].sku}/")
