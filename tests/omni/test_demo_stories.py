"""The five stories README.md ("Try the demo") walks a newcomer through, on the demo data,
with the same logins, customer, SKUs, calls and pages, in the same order (the call-centre
story reads what the first three left). If the demo data or a page changes under a
story, this fails before the README misleads anyone.
"""

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from customers.models import Contact
from inventory.models import StockLevel
from omni.notifications import messages_about
from omni.seed import DEMO_PASSWORD
from orders.models import Order
from promotions.models import Campaign
from tests.conftest import ApiTestClient

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
JEREMY = "ace5545f-c6c7-5d41-bf7f-6c6b9630f657"
JEREMY_EMAIL = "jeremy.roy1717@gmail.com"
CAP = "CAP-BSB-BEI-LXL"
FLEECE = "JKT-POL-VER-L"
CART_LINES = ("CAP-TRK-NOI-SM", "SNK-TOI-BLA-41")
NOTE = "Tried the fleece in M, size L ordered for home delivery."
CAMPAIGN = "Bienvenue en magasin (SMS)"

pytestmark = pytest.mark.django_db


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    return client


def page(client: Client, url: str, *texts: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    for text in texts:
        assert text in body, f"{text!r} not on {url}"
    return body


def test_the_readme_tells_these_stories():
    for fact in (JEREMY, JEREMY_EMAIL, CAP, FLEECE, *CART_LINES, NOTE, CAMPAIGN, "BIENVENUE", "omni_demo_web",
                 "/orders/pickups/", "/orders/new/", "/orders/carts/open/", "/customers/segments/",
                 "/promotions/campaigns/", "/promotions/statistics/", "/journeys/"):
        assert fact in README, fact


def test_the_five_demo_stories():
    call_command("seed_demo", stdout=StringIO())
    web = ApiTestClient("omni_demo_web")
    jeremy = f"/customers/{JEREMY}/"

    # 1. A web order collected in store with its code.
    answer = web.post("/api/v1/orders/", {
        "fulfilment": "click_and_collect", "pickup_location": "paris-rivoli", "customer": JEREMY,
        "lines": [{"sku": CAP, "quantity": 1}],
    })
    assert answer.status_code == 201, answer.content
    placed = answer.json()
    number, code = placed["number"], placed["pickup_code"]
    assert placed["total"] == "23.92" and placed["discounts"][0]["name"] == "Casquettes -20 % partout"
    staff = logged_in("staff.paris")
    page(staff, "/orders/pickups/", number)
    page(staff, f"/orders/{number}/", "Mark ready")
    assert staff.post(f"/orders/{number}/ready/").status_code == 302
    ready = messages_about(Order.objects.get(number=number)).get()  # sent after commit, outside a test
    assert ready.medium == "sms" and code in ready.body
    page(staff, f"/orders/{number}/", "Pickup code given by the customer")
    assert staff.post(f"/orders/{number}/collect/", {"pickup_code": code}).status_code == 302
    assert Order.objects.get(number=number).status == "collected"

    # 2. The endless aisle: Paris has no size L of the fleece, the warehouse has.
    levels = {level.location.code: level.available
              for level in StockLevel.objects.filter(product__sku=FLEECE).with_available().select_related("location")}
    assert levels.get("paris-rivoli", 0) == 0 and levels["eshop-warehouse"] > 0
    page(staff, f"/inventory/products/{FLEECE}/", "E-shop warehouse")
    page(staff, "/orders/", "/orders/new/")
    page(staff, f"/orders/new/?sku={FLEECE}", FLEECE)
    created = staff.post("/orders/new/", {
        "sku": FLEECE, "quantity": "1", "customer": JEREMY_EMAIL, "fulfilment": "delivery",
        "name": "Jérémy Roy", "line1": "12 rue Oberkampf", "postcode": "75011", "city": "Paris",
    })
    assert created.status_code == 302, created.content.decode()[-2000:]
    aisle = Order.objects.get(number=created["Location"].strip("/").rsplit("/", 1)[-1])
    assert aisle.fulfilment == "delivery" and aisle.fulfilment_location.code == "eshop-warehouse"
    assert staff.post(f"{jeremy}contacts/", {"kind": "visit", "note": NOTE}).status_code == 302
    assert Contact.objects.filter(customer_id=JEREMY, note=NOTE, staff__username="staff.paris").exists()

    # 3. A web cart finished at the till, same prices, same promotion.
    cart = web.post("/api/v1/carts/", {"customer": JEREMY}).json()["id"]
    for sku in CART_LINES:
        assert web.post(f"/api/v1/carts/{cart}/lines/", {"sku": sku, "quantity": 1}).status_code == 200
    priced = web.post(f"/api/v1/carts/{cart}/codes/", {"code": "BIENVENUE"}).json()
    assert priced["total"] == "74.80" and priced["discounts"][0]["name"].startswith("Code BIENVENUE")
    opened = staff.get("/orders/carts/open/", {"code": f"http://127.0.0.1:8000/orders/carts/{cart}/"})
    assert opened.status_code == 302 and opened["Location"] == f"/orders/carts/{cart}/"
    page(staff, f"/orders/carts/{cart}/", "74.80", "Sell in store at these prices")
    sold = staff.post(f"/orders/carts/{cart}/")
    assert sold.status_code == 302
    sale = Order.objects.get(number=sold["Location"].strip("/").rsplit("/", 1)[-1])
    assert sale.fulfilment == "in_store" and sale.status == "completed" and sale.total == Decimal("74.80")

    # 4. The call centre's 360° view of the same customer.
    agent = logged_in("agent")
    page(agent, f"/search/?q={JEREMY_EMAIL}", jeremy)
    body = page(agent, jeremy, "Jérémy Roy", number, aisle.number, sale.number, NOTE, "Sophie Bernard")
    assert re.search(r"Web shop.{0,400}" + number, body, re.S)

    # 5. A campaign to store-only customers, and its results.
    marketing = logged_in("marketing")
    page(marketing, "/customers/segments/", "Traditional")
    campaign = Campaign.objects.get(name=CAMPAIGN)
    assert campaign.segment.slug == "traditional" and campaign.status == "sent"
    page(marketing, "/promotions/campaigns/", CAMPAIGN)
    page(marketing, f"/promotions/campaigns/{campaign.pk}/", "Skipped: no consent", "HELLO-")
    page(marketing, "/promotions/statistics/", "Bon retour en magasin : -10 % (SMS)")
    page(marketing, "/journeys/", "Channel switches", "Codes redeemed")
