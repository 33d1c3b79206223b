"""Gift cards in the real browser: a till issues one and sees its code once, checks its
balance, and a web cart continued at the till is paid partly with it; the customer's
360° page lists the card."""

from decimal import Decimal

from playwright.sync_api import expect

from giftcards.models import GiftCard
from orders import services
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import web_actor


def test_issue_check_and_pay_at_the_till_with_a_card(logged_in_page, live_server, store):
    customer = CustomerFactory(first_name="Jérémy", last_name="Roy", email="jeremy.card@example.com")
    stock(ProductFactory(sku="E2E-GC", name="Veste carte", price=Decimal("89.00")), store, 3)
    web = web_actor()
    cart = services.cart_create(actor=web, customer=customer)
    services.cart_line_add(cart=cart, sku="E2E-GC", quantity=1, actor=web)

    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/gift-cards/")
    page.get_by_label("Amount").fill("50")
    page.get_by_label("For the customer (optional)").fill("jeremy.card@example.com")
    page.get_by_role("button", name="Issue the card").click()
    code = page.get_by_test_id("issued-code").inner_text().strip()
    assert len(code.replace("-", "")) == 16
    expect(page.get_by_test_id("issued-card")).to_contain_text("shown only this once")

    page.get_by_label("Code").fill(code.lower())
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_test_id("card-balance")).to_have_text("€50.00")
    expect(page.get_by_test_id("card-status")).to_have_text("Active")

    page.goto(f"{live_server.url}/orders/carts/{cart.pk}/")
    page.get_by_label("Card code").fill(code)
    page.get_by_label("Amount from the card").fill("30")
    page.get_by_role("button", name="Sell in store at these prices").click()
    expect(page.get_by_test_id("order-payment")).to_contain_text(f"€30.00 by card …{code[-4:]}")
    assert GiftCard.objects.get().balance == Decimal("20.00")

    page.goto(f"{live_server.url}/gift-cards/customers/{customer.pk}/")
    expect(page.get_by_test_id("customer-cards")).to_contain_text("€20.00")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gift cards and store credit")


def test_an_unknown_code_is_refused_in_the_page(logged_in_page, live_server, store):
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/gift-cards/")
    page.get_by_label("Code").fill("ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("No gift card has this code.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gift cards")
    expect(page.get_by_role("navigation").get_by_role("link", name="Dashboard")).to_be_visible()
