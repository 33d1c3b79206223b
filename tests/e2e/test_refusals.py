"""A form the server refuses shows why in place, inside the page it was sent from: the
layout, the heading and the styles stay, and nothing changes (never a bare fragment)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from inventory.models import StockLevel
from orders.models import Order
from promotions.models import DiscountCode
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import sell_in_store
from tests.factories.promotions import PromotionFactory


def _still_whole(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("navigation").get_by_role("link", name="Dashboard")).to_be_visible()
    assert page.evaluate("document.styleSheets.length") > 0
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"


@pytest.fixture
def cap(store):
    product = ProductFactory(sku="E2E-REFUSE", name="Casquette refusée", price=Decimal("19.90"))
    stock(product, store, 5)
    return product


def test_a_negative_receipt_is_refused_in_the_product_page(logged_in_page, live_server, store, cap):
    page = logged_in_page("store_manager", locations=[store])
    page.goto(f"{live_server.url}/inventory/products/{cap.sku}/")
    form = page.locator("form", has=page.get_by_role("button", name="Record"))
    form.get_by_label("Movement").select_option("receipt")
    form.get_by_label("Quantity").fill("-3")
    form.get_by_role("button", name="Record").click()

    expect(page.locator("#stock-feedback .alert")).to_be_visible()
    _still_whole(page, "Casquette refusée")
    assert page.url == f"{live_server.url}/inventory/products/{cap.sku}/"
    assert StockLevel.objects.get(product=cap, location=store).on_hand == 5


def test_a_return_without_quantities_is_refused_in_the_order_page(logged_in_page, live_server, store, cap):
    order = sell_in_store(location=store, lines={cap.sku: 2})
    status = Order.objects.get(pk=order.pk).status
    page = logged_in_page("store_manager", locations=[store])
    page.goto(f"{live_server.url}/orders/{order.number}/")
    page.get_by_role("button", name="Take the return").click()

    expect(page.get_by_role("alert")).to_be_visible()
    _still_whole(page, order.number)
    expect(page.get_by_role("button", name="Take the return")).to_be_visible()  # the form is still there
    assert Order.objects.get(pk=order.pk).status == status
    assert not order.returns.exists()


@pytest.mark.parametrize(
    ("count", "prefix"),
    [("0", ""), ("500000", ""), ("10", "not a prefix!")],
    ids=["no-codes", "too-many", "bad-prefix"],
)
def test_a_bad_code_batch_is_refused_in_the_promotion_page(logged_in_page, live_server, count, prefix):
    promotion = PromotionFactory(name="Soldes refusées", requires_code=True)
    page = logged_in_page("marketing")
    page.goto(f"{live_server.url}/promotions/{promotion.pk}/")
    form = page.locator("form", has=page.get_by_role("button", name="Generate"))
    # The server's own refusal, as a browser without form validation would meet it.
    form.evaluate("form => { form.noValidate = true }")
    form.get_by_label("How many codes").fill(count)
    form.get_by_label("Prefix").fill(prefix)
    form.get_by_role("button", name="Generate").click()

    expect(page.locator("#codes-result .alert")).to_be_visible()
    _still_whole(page, "Soldes refusées")
    assert not DiscountCode.objects.filter(promotion=promotion).exists()
