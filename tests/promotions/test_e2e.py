"""The marketing pages in a real browser: live preview, codes, campaign send and report."""

import pytest
from playwright.sync_api import expect

from promotions.models import Campaign, DiscountCode, Promotion
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import add_members

pytestmark = pytest.mark.e2e


def test_create_with_live_preview_generate_codes_and_send_a_campaign(logged_in_page, live_server, catalogue, store):
    segment = SegmentFactory(name="Traditional", slug="traditional")
    add_members(segment, CustomerFactory(first_name="Jérémy", sms_consent=True, preferred_store=store),
                CustomerFactory(first_name="Paul"))
    page = logged_in_page("marketing")
    page.goto(f"{live_server.url}/promotions/new/")
    page.get_by_label("Name", exact=True).fill("Caps -20%")
    page.get_by_label("Value").fill("20")
    page.get_by_label("Categories").fill("caps")
    preview = page.locator("#promotion-preview")
    expect(preview).to_contain_text("20% off on caps")
    # web: 22.00 + 30.00 = 52.00 -> 41.60
    expect(preview).to_contain_text("41.60")
    page.get_by_label("Value").fill("120")
    expect(preview).to_contain_text("at most 100")
    page.get_by_label("Value").fill("20")
    page.locator("#promotion-form").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Caps -20%")
    promotion = Promotion.objects.get()

    expect(page.get_by_test_id("code-counts")).to_contain_text("0 codes: 0 available")
    page.get_by_label("How many codes").fill("5")
    page.get_by_label("Prefix").fill("e2e")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#codes-result")).to_contain_text("5 codes generated")
    expect(page.get_by_test_id("code-counts")).to_contain_text("5 codes: 5 available")  # the counter follows
    assert DiscountCode.objects.filter(promotion=promotion).count() == 5

    page.goto(f"{live_server.url}/promotions/campaigns/new/?promotion={promotion.pk}")
    page.get_by_label("Name", exact=True).fill("Welcome back")
    page.get_by_label("Segment").select_option(label="Traditional")
    page.get_by_label("SMS text").fill("Hi {first_name}, -20% with {code} at {store}")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator("main")).to_contain_text("Hi Jérémy, -20% with")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#campaign-progress")).to_contain_text("2 of 2 customers handled")
    expect(page.get_by_test_id("campaign-status")).to_have_text("Sent")  # the badge follows
    assert Campaign.objects.get().status == "sent"
    assert DiscountCode.objects.filter(campaign_recipient__isnull=False).count() == 1
