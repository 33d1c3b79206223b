from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from journeys.models import Touchpoint
from journeys.services import journeys_recompute_all
from tests.factories.customers import CustomerFactory


def test_marketing_reads_the_journeys_dashboard(logged_in_page, live_server, store):
    now = timezone.now()
    for channels in (["web", "store"], ["app", "web", "store"], ["store"]):
        customer = CustomerFactory()
        for offset, channel in enumerate(channels):
            kind = "purchase" if offset == len(channels) - 1 else "product_view"
            Touchpoint.objects.create(
                type=kind, channel=channel, customer=customer, occurred_at=now - timedelta(days=5 - offset)
            )
    journeys_recompute_all()

    page = logged_in_page("marketing")
    page.get_by_role("link", name="Journeys").click()
    expect(page.get_by_role("heading", name="Customer journeys")).to_be_visible()
    expect(page.get_by_test_id("customers")).to_have_text("3")
    expect(page.get_by_test_id("typology-omni")).to_have_text("1")
    expect(page.get_by_test_id("typology-mono")).to_have_text("1")
    # Chart.js drew the charts from the vendored file. (A function, not an expression string:
    # Playwright would eval() a string in the page, which the Content-Security-Policy refuses.)
    page.wait_for_function("() => typeof window.Chart === 'function' && Object.keys(Chart.instances).length === 3")
    # Filtering by another store swaps the figures in place.
    page.get_by_label("Store of purchase").select_option(store.code)
    expect(page.get_by_test_id("customers")).to_have_text("0")
