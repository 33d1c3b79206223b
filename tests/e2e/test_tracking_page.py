"""The public tracking page in Chromium, in both languages, on a phone and on paper; and an
agent sending the link again from the 360° page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from omni.actor import Actor
from omni.sms import MemorySmsBackend
from orders import services
from orders.models import Order
from orders.tracking import tracking_token
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import make_api_client
from tests.factories.orders import place_pickup, pos_actor

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def ready_order(transactional_db, store):
    stock(ProductFactory(sku="E2E-TRACK", name="Casquette trucker", price=Decimal("19.90")), store, 5)
    customer = CustomerFactory(first_name="Jérémy", last_name="Petit", phone="+33612345678", sms_consent=True)
    order = place_pickup(location=store, lines={"E2E-TRACK": 1}, customer=customer, payment="pay_at_pickup")
    services.order_mark_ready(order=order, actor=pos_actor(store))
    return order


def _violations(page) -> list:
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', function (e) {"
        "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize(
    ("language", "greeting", "status", "collect", "bring", "amount"),
    [
        ("fr", "Bonjour Jérémy", "Prête pour le retrait", "Où la retirer", "Quoi apporter", "19,90\u00a0€"),
        ("en", "Hello Jérémy", "Ready for pickup", "Where to collect it", "What to bring", "€19.90"),
    ],
)
def test_the_tracking_page_on_a_phone_in_both_languages(page, live_server, store, ready_order, language, greeting,
                                                         status, collect, bring, amount):
    errors = _violations(page)
    page.set_viewport_size(PHONE)
    token = tracking_token(number=ready_order.number, via="sms", language=language)
    page.goto(f"{live_server.url}/t/{token}/")

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(greeting)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ready_order.number)
    expect(page.get_by_test_id("tracking-status")).to_have_text(status)
    expect(page.get_by_role("heading", name=collect)).to_be_visible()
    expect(page.get_by_test_id("tracking-store")).to_contain_text(store.address)
    expect(page.get_by_test_id("tracking-hours")).to_contain_text(store.opening_hours)
    expect(page.get_by_role("heading", name=bring)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(amount)
    expect(page.get_by_role("main")).not_to_contain_text(services.pickup_code_for(ready_order))
    expect(page.get_by_role("main")).not_to_contain_text("Petit")
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.__cspViolations") == [] and errors == []

    # Printable: the tools go, the order stays.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer" if language == "fr" else "Print")).to_be_hidden()
    expect(page.get_by_test_id("tracking-store")).to_be_visible()
    page.emulate_media(media="screen")

    # The reader may switch language; the link keeps working.
    other, other_greeting = ("English", "Hello Jérémy") if language == "fr" else ("Français", "Bonjour Jérémy")
    page.get_by_role("link", name=other).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(other_greeting)


def test_a_forged_link_shows_a_page_not_the_order(page, live_server, ready_order):
    token = tracking_token(number=ready_order.number, via="sms", language="en")
    # Another last character, whatever the real one is (a fixed "x" is the real one once in 64 runs).
    forged = token[:-1] + ("x" if token[-1] != "x" else "y")
    response = page.goto(f"{live_server.url}/t/{forged}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("This tracking link does not work")
    expect(page.get_by_role("main")).not_to_contain_text(ready_order.number)


def test_an_agent_sends_the_link_again_from_the_360_page(logged_in_page, live_server, ready_order):
    page = logged_in_page("store_staff", channel="call_centre")
    page.goto(f"{live_server.url}/customers/{ready_order.customer_id}/")
    table = page.get_by_test_id("customer-orders")
    expect(table).to_contain_text(ready_order.number)
    sent_before = len(MemorySmsBackend.outbox)
    table.get_by_role("button", name=f"Send the tracking link of {ready_order.number} by SMS").click()
    result = page.locator(f"#tracking-result-{ready_order.number}")
    expect(result).to_contain_text("sent by SMS")
    assert len(MemorySmsBackend.outbox) == sent_before + 1
    assert f"/t/{ready_order.number.removeprefix('OM-')}-s" in MemorySmsBackend.outbox[-1].body
    # A second click within the minute is refused, in place.
    table.get_by_role("button", name=f"Send the tracking link of {ready_order.number} by SMS").click()
    expect(result.get_by_role("alert")).to_contain_text("less than a minute ago")
    assert len(MemorySmsBackend.outbox) == sent_before + 1


def test_a_store_continues_a_web_cart_from_the_360_page(logged_in_page, live_server, ready_order, store):
    """The hand-over without the QR code: the customer at the counter, their web cart
    found on their page and sold at the till."""
    customer = ready_order.customer
    web = Actor.for_client(make_api_client("web")[0])
    cart = services.cart_create(actor=web, customer=customer)
    services.cart_line_add(cart=cart, sku=ready_order.lines.first().sku, quantity=1, actor=web)
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    carts = page.get_by_test_id("customer-carts")
    expect(carts).to_contain_text("Web shop")
    carts.get_by_role("link", name="Continue at the till").click()
    page.wait_for_url(f"**/orders/carts/{cart.pk}/")
    page.get_by_role("button", name="Sell in store at these prices").click()
    page.wait_for_url("**/orders/OM-*/")
    sold = Order.objects.get(number=page.url.rstrip("/").rsplit("/", 1)[-1])
    assert (sold.customer_id, sold.fulfilment, sold.channel) == (customer.pk, "in_store", "store")
