"""The pickup slip, A4 and 80 mm: the order number as a code the board's scanner reads,
the store's address, and a page the size of the paper it prints on."""

import re
from decimal import Decimal

import pytest
import segno
from playwright.sync_api import expect

from orders import services
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup, pos_actor, sell_in_store

MM = 72 / 25.4  # PDF points per millimetre


def _page_size_mm(pdf: bytes) -> tuple[float, float]:
    media_box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert media_box, "the PDF has no page box"
    return round(float(media_box[1]) / MM), round(float(media_box[2]) / MM)


@pytest.mark.parametrize(("query", "width_mm"), [("", 210), ("?format=receipt", 80)], ids=["a4", "80mm"])
def test_the_slip_carries_the_order_code_and_the_store_and_sets_its_page(
    logged_in_page, live_server, store, query, width_mm
):
    store.address, store.postcode, store.phone = "12 rue de Rivoli", "75004", "+33 1 42 00 00 00"
    store.save()
    stock(ProductFactory(sku="E2E-SLIP", name="Casquette du bordereau", price=Decimal("19.90")), store, 3)
    order = place_pickup(location=store, lines={"E2E-SLIP": 1})
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/orders/{order.number}/slip/{query}")

    code = page.get_by_test_id("slip-code")
    expect(code).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", code.element_handle()) > 0  # the image decodes
    scale = 3 if query else 4
    assert code.get_attribute("src") == segno.make(order.number, error="m").svg_data_uri(scale=scale)
    store_block = page.get_by_test_id("slip-store")
    for part in ("Paris Rivoli", "12 rue de Rivoli", "75004 Paris", "+33 1 42 00 00 00"):
        expect(store_block).to_contain_text(part)

    width, _height = _page_size_mm(page.pdf(prefer_css_page_size=True))
    assert width == width_mm


@pytest.mark.parametrize(("query", "width_mm"), [("", 210), ("?format=receipt", 80)], ids=["a4", "80mm"])
def test_the_return_receipt_carries_the_code_the_store_the_lines_and_the_refund(
    logged_in_page, live_server, store, query, width_mm
):
    store.address, store.postcode = "12 rue de Rivoli", "75004"
    store.save()
    stock(ProductFactory(sku="E2E-RET", name="Casquette rendue", price=Decimal("19.90")), store, 3)
    order = sell_in_store(location=store, lines={"E2E-RET": 2})
    services.return_create(order=order, location=store, lines={"E2E-RET": 1}, actor=pos_actor(store))
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/orders/{order.number}/")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Receipt (80 mm)" if query else "Receipt (A4)").click()
    receipt = opened.value
    receipt.wait_for_load_state()
    expect(receipt.get_by_test_id("return-receipt")).to_contain_text("Casquette rendue")
    expect(receipt.get_by_test_id("return-refund")).to_have_text("€19.90")
    expect(receipt.get_by_test_id("slip-store")).to_contain_text("12 rue de Rivoli")
    assert receipt.get_by_test_id("slip-code").get_attribute("src") == segno.make(
        order.number, error="m").svg_data_uri(scale=3 if query else 4)
    width, _height = _page_size_mm(receipt.pdf(prefer_css_page_size=True))
    assert width == width_mm
