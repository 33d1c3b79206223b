"""Store staff create a customer at the counter: who is already known is offered, not
duplicated, and a new one is created from the same form."""

from playwright.sync_api import expect

from customers.models import Customer
from tests.factories.customers import CustomerFactory


def test_a_known_phone_offers_the_customer_and_a_new_one_is_created(logged_in_page, live_server, store):
    known = CustomerFactory(first_name="Jérémy", last_name="Roy", phone="+33612345678", email=None)
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name="New customer").click()

    page.get_by_label("First name").fill("Jeremy")
    page.get_by_label("Last name").fill("Roy")
    page.get_by_label("E-mail", exact=True).fill("jeremy.roy@example.fr")
    page.get_by_label("Phone", exact=True).fill("06 12 34 56 78")
    page.get_by_role("button", name="Create the customer").click()
    expect(page.get_by_test_id("recognised")).to_contain_text("Jérémy Roy is already a customer")
    page.get_by_role("button", name="Add these details to Jérémy Roy").click()
    page.wait_for_url(f"**/customers/{known.pk}/")
    expect(page.get_by_role("main")).to_contain_text("jeremy.roy@example.fr")
    assert Customer.objects.count() == 1

    page.goto(f"{live_server.url}/customers/new/")
    page.get_by_label("First name").fill("Inès")
    page.get_by_label("Last name").fill("Moreau")
    page.get_by_label("Phone", exact=True).fill("06 98 76 54 32")
    page.get_by_role("button", name="Create the customer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inès Moreau")
    expect(page.get_by_role("alert").filter(has_text="Customer created.")).to_be_visible()
    assert Customer.objects.filter(phone="+33698765432").exists()
