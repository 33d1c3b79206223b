"""The pickup slip, A4 and 80 mm: the order number as a code the board's scanner reads,
the store's address, and a page the size of the paper it prints on."""

import re
from decimal import Decimal

import pytest
import segno
from playwright.sync_api import expect

from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup

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
