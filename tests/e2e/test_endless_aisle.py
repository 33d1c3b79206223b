"""The endless aisle as a real sale: several items, the total with promotions before
placing, and the order placed for the customer."""

from decimal import Decimal

from playwright.sync_api import expect

from orders.models import Order
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import WarehouseFactory
from tests.factories.promotions import PromotionFactory


def test_a_store_sells_two_items_it_lacks_after_reviewing_the_total(logged_in_page, live_server, store):
    warehouse = WarehouseFactory(code="eshop")
    stock(ProductFactory(sku="E2E-AISLE-J", name="Veste", category="jackets", price=Decimal("89.00")), warehouse, 5)
    stock(ProductFactory(sku="E2E-AISLE-T", name="T-shirt", price=Decimal("25.00")), warehouse, 5)
    PromotionFactory(name="Jackets -10%", value=Decimal("10"), categories=["jackets"])
    customer = CustomerFactory(first_name="Léa", last_name="Martin", phone="+33698765432")
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/orders/new/?sku=E2E-AISLE-J")
    expect(page.get_by_label("SKU of item 1")).to_have_value("E2E-AISLE-J")
    page.get_by_label("SKU of item 2").fill("E2E-AISLE-T")
    page.get_by_label("Quantity of item 2").fill("2")
    page.get_by_label("Customer's e-mail, phone or loyalty card").fill("06 98 76 54 32")
    page.get_by_placeholder("Street").fill("4 rue des Lilas")
    page.get_by_placeholder("Postcode").fill("69003")
    page.get_by_placeholder("City").fill("Lyon")
    page.get_by_role("button", name="Review the total").click()
    expect(page.get_by_test_id("aisle-total")).to_have_text("€130.10")
    expect(page.get_by_test_id("aisle-review")).to_contain_text("Jackets -10%")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url("**/orders/OM-*/")
    order = Order.objects.get(customer=customer)
    assert order.total == Decimal("130.10") and order.lines.count() == 2 and order.fulfilment == "delivery"
