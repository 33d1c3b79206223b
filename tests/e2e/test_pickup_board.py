"""The pickup board in a real browser: mark an order ready, hand it over with its code."""

from decimal import Decimal

from playwright.sync_api import expect

from inventory.models import StockLevel
from orders import services
from orders.models import Order
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup


def test_mark_ready_then_hand_over_with_the_code(logged_in_page, live_server, store):
    stock(ProductFactory(sku="E2E-CAP", name="Casquette e2e", price=Decimal("19.90")), store, 5)
    customer = CustomerFactory(first_name="Jérémy", last_name="Petit", sms_consent=True)
    order = place_pickup(location=store, lines={"E2E-CAP": 2}, customer=customer)
    code = services.pickup_code_for(order)

    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/orders/pickups/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Click & collect")
    to_prepare = page.locator('[data-column="to_prepare"]')
    card = to_prepare.locator(f'[data-order="{order.number}"]')
    expect(card).to_be_visible()
    card.get_by_role("button", name="Mark ready").click()

    ready_card = page.locator('[data-column="ready"]').locator(f'[data-order="{order.number}"]')
    expect(ready_card).to_be_visible()
    expect(to_prepare.locator(f'[data-order="{order.number}"]')).to_have_count(0)
    ready_card.get_by_role("link", name="Hand over").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    page.get_by_label("Pickup code given by the customer").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("alert")).to_contain_text("pickup code is not right")

    page.get_by_label("Pickup code given by the customer").fill(code)
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#order-main h1")).to_contain_text("Collected")
    assert Order.objects.get(pk=order.pk).status == "collected"
    level = StockLevel.objects.get(product__sku="E2E-CAP", location=store)
    assert (level.on_hand, level.reserved) == (3, 0)


def test_scanning_an_order_number_opens_it(logged_in_page, live_server, store):
    stock(ProductFactory(sku="E2E-TEE", price=Decimal("25.00")), store, 5)
    order = place_pickup(location=store, lines={"E2E-TEE": 1})
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/orders/pickups/")
    page.get_by_label("Scan or type an order number").fill(order.number)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
