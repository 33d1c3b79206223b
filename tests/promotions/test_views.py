"""Marketing pages: marketing and admins only, constant queries, forms that refuse in place."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from omni.models import Message
from promotions.models import Campaign, DiscountCode, Promotion, Redemption
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import CampaignFactory, DiscountCodeFactory, PromotionFactory, add_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing(staff_client):
    return staff_client("marketing")


def _pages(promotion, campaign):
    return [
        reverse("promotions:list"),
        reverse("promotions:create"),
        reverse("promotions:stats"),
        reverse("promotions:detail", args=[promotion.pk]),
        reverse("promotions:edit", args=[promotion.pk]),
        reverse("promotions:codes-export", args=[promotion.pk]),
        reverse("promotions:campaign-list"),
        reverse("promotions:campaign-create"),
        reverse("promotions:campaign-detail", args=[campaign.pk]),
        reverse("promotions:campaign-progress", args=[campaign.pk]),
    ]


@pytest.mark.parametrize("role, status", [("marketing", 200), ("admin", 200), ("store_staff", 403),
                                          ("store_manager", 403)])
def test_pages_for_marketing_only(staff_client, store, catalogue, role, status):
    promotion = PromotionFactory()
    campaign = CampaignFactory(promotion=promotion, segment=SegmentFactory())
    client = staff_client(role, locations=[store] if role.startswith("store") else [])
    for url in _pages(promotion, campaign):
        assert client.get(url).status_code == status, url
    for url in (reverse("promotions:preview"), reverse("promotions:codes-generate", args=[promotion.pk]),
                reverse("promotions:campaign-send", args=[campaign.pk])):
        if status == 403:
            assert client.post(url, {"count": 3}).status_code == 403
    assert not DiscountCode.objects.exists() or status == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("promotions:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_list_shows_statuses_with_constant_queries(marketing, catalogue, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    segment = SegmentFactory()
    PromotionFactory(name="Running caps", segments=[segment])
    PromotionFactory(name="Future", starts_at=now + timedelta(days=3))
    PromotionFactory(name="Past", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    for _ in range(20):
        PromotionFactory(segments=[segment])
    with django_assert_max_num_queries(12):
        response = marketing.get(reverse("promotions:list"))
    body = response.content.decode()
    assert "Running caps" in body and "Scheduled" in body and "Ended" in body
    scheduled = marketing.get(reverse("promotions:list"), {"status": "scheduled"}, headers={
        "HX-Request": "true", "HX-Target": "promotion-results"})
    assert "Future" in scheduled.content.decode() and "Running caps" not in scheduled.content.decode()
    assert "<html" not in scheduled.content.decode()


FORM = {"name": "Caps -20%", "kind": "percent", "value": "20", "categories": "caps", "priority": "0",
        "is_active": "on"}


def test_create_promotion_through_the_form(marketing, catalogue):
    response = marketing.post(reverse("promotions:create"), {**FORM, "channels": ["web", "store"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    promotion = Promotion.objects.get()
    assert promotion.channels == ["store", "web"] and promotion.categories == ["caps"]
    assert promotion.created_by == marketing.user.username
    edited = marketing.post(reverse("promotions:edit", args=[promotion.pk]), {**FORM, "value": "25", "code": "caps25"})
    assert edited.status_code == 302
    promotion.refresh_from_db()
    assert promotion.code == "CAPS25" and promotion.requires_code


@pytest.mark.parametrize("change", [{"value": "120"}, {"value": "-3"}, {"kind": "nope"}, {"skus": "NOPE"},
                                    {"kind": "buy_x_get_y"}, {"name": ""}])
def test_form_refuses_in_place(marketing, catalogue, change):
    response = marketing.post(reverse("promotions:create"), {**FORM, **change})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Promotion.objects.exists()


def test_live_preview_prices_an_example_cart_on_each_channel(marketing, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = marketing.post(reverse("promotions:preview"), {**FORM, "channels": ["web"]},
                                  headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    # web: CAP-LA 30.00 + CAP-NY 22.00 = 52.00, -20% = 41.60; store: 55.00 is not targeted
    assert "41.60" in body and "not targeted" in body
    invalid = marketing.post(reverse("promotions:preview"), {**FORM, "value": "300"}, headers={"HX-Request": "true"})
    assert "alert-warning" in invalid.content.decode()
    assert not Promotion.objects.exists()


def test_generate_codes_and_export_csv(marketing, catalogue):
    promotion = PromotionFactory()
    response = marketing.post(reverse("promotions:codes-generate", args=[promotion.pk]), {"count": 12, "prefix": "vip"},
                              headers={"HX-Request": "true"})
    assert response.status_code == 200 and "12" in response.content.decode()
    assert DiscountCode.objects.filter(promotion=promotion).count() == 12
    bad = marketing.post(reverse("promotions:codes-generate", args=[promotion.pk]), {"count": 0},
                         headers={"HX-Request": "true"})
    assert bad.status_code == 400 and DiscountCode.objects.count() == 12
    export = marketing.get(reverse("promotions:codes-export", args=[promotion.pk]))
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("code,state") and len(rows) == 13 and rows[1].startswith("VIP-")


def test_campaign_compose_preview_send_and_report(marketing, catalogue, store, django_capture_on_commit_callbacks):
    segment = SegmentFactory(name="Traditional")
    add_members(segment, CustomerFactory(first_name="Jérémy", sms_consent=True, preferred_store=store),
                CustomerFactory(first_name="Paul"))
    promotion = PromotionFactory(name="Welcome")
    response = marketing.post(reverse("promotions:campaign-create"), {
        "name": "Welcome SMS", "promotion": promotion.pk, "segment": segment.pk,
        "sms_text": "Hi {first_name}, {code} at {store}",
    })
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    page = marketing.get(reverse("promotions:campaign-detail", args=[campaign.pk])).content.decode()
    assert "Hi Jérémy, 7QX4H2KM9P at Paris Rivoli" in page
    with django_capture_on_commit_callbacks(execute=True):
        sent = marketing.post(reverse("promotions:campaign-send", args=[campaign.pk]), headers={"HX-Request": "true"})
    assert sent.status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == "sent"
    report = marketing.get(reverse("promotions:campaign-progress", args=[campaign.pk])).content.decode()
    assert "100%" in report and "every 1s" not in report
    assert Message.objects.filter(medium="sms").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = marketing.post(reverse("promotions:campaign-send", args=[campaign.pk]), headers={"HX-Request": "true"})
    assert again.status_code == 200 and Message.objects.count() == 1 and DiscountCode.objects.count() == 1


def test_campaign_form_refuses_a_message_without_code(marketing, catalogue):
    segment = SegmentFactory()
    response = marketing.post(reverse("promotions:campaign-create"), {
        "name": "x", "promotion": PromotionFactory().pk, "segment": segment.pk, "sms_text": "no code"})
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_stats_page_counts_per_channel(marketing, catalogue, django_assert_max_num_queries):
    promotion = PromotionFactory(name="Caps")
    for n, channel in enumerate(["web", "web", "store"]):
        Redemption.objects.create(promotion=promotion, order_reference=f"O{n}", channel=channel, amount="2.00")
    with django_assert_max_num_queries(8):
        body = marketing.get(reverse("promotions:stats")).content.decode()
    assert "Caps" in body and "chart.umd.min.js" in body


def test_global_search_finds_promotions_and_codes(marketing, staff_client, store):
    promotion = PromotionFactory(name="Casquettes d'été")
    DiscountCodeFactory(code="SMS-ABCDEFGH", promotion=promotion)
    body = marketing.get(reverse("global-search"), {"q": "casquettes"}).content.decode()
    assert "Casquettes d&#x27;été" in body or "Casquettes d'été" in body
    opened = marketing.get(reverse("global-search"), {"q": "sms-abcdefgh", "go": "1"})
    assert opened.status_code == 302 and str(promotion.pk) in opened["Location"]
    clerk = staff_client("store_staff", locations=[store])
    assert "Casquettes" not in clerk.get(reverse("global-search"), {"q": "casquettes"}).content.decode()


def test_promotion_filters(api_as, catalogue):
    PromotionFactory(name="Web only", channels=["web"])
    PromotionFactory(name="Store only", channels=["store"])
    PromotionFactory(name="Everywhere", code="EVERY", requires_code=True)
    client = api_as("integration")
    names = {p["name"] for p in client.get("/api/v1/promotions/", {"channel": "web"}).json()["results"]}
    assert names == {"Web only", "Everywhere"}
    assert [p["name"] for p in client.get("/api/v1/promotions/", {"search": "every"}).json()["results"]] == [
        "Everywhere"]


def test_dashboard_panel_for_marketing(marketing, staff_client, store):
    PromotionFactory(name="Caps everywhere")
    CampaignFactory(segment=SegmentFactory(), name="Welcome back")
    body = marketing.get(reverse("dashboard")).content.decode()
    assert "Caps everywhere" in body and "Welcome back" in body
    clerk = staff_client("store_staff", locations=[store])
    assert "Caps everywhere" not in clerk.get(reverse("dashboard")).content.decode()


def test_detail_pages_cost_a_constant_number_of_queries(marketing, catalogue, django_assert_max_num_queries):
    segment = SegmentFactory()
    customers = [CustomerFactory(sms_consent=True) for _ in range(15)]
    add_members(segment, *customers)
    promotion = PromotionFactory(segments=[segment])
    for n in range(15):
        DiscountCodeFactory(promotion=promotion, code=f"Q-{n:04d}")
        Redemption.objects.create(promotion=promotion, order_reference=f"Q{n}", channel="web", amount="1.00")
    campaign = CampaignFactory(promotion=promotion, segment=segment)
    with django_assert_max_num_queries(14):
        assert marketing.get(reverse("promotions:detail", args=[promotion.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert marketing.get(reverse("promotions:campaign-detail", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert marketing.get(reverse("promotions:campaign-list")).status_code == 200


def test_end_dates_before_the_start_or_already_past_are_refused_in_place(marketing, catalogue):
    now = timezone.localtime()
    day = "%Y-%m-%dT%H:%M"
    past = marketing.post(reverse("promotions:create"), {**FORM, "ends_at": (now - timedelta(days=1)).strftime(day)})
    assert past.status_code == 400 and "The end is already past." in past.content.decode()
    later, sooner = (now + timedelta(days=5)).strftime(day), (now + timedelta(days=2)).strftime(day)
    backwards = marketing.post(reverse("promotions:create"), {**FORM, "starts_at": later, "ends_at": sooner})
    assert backwards.status_code == 400 and "The end must come after the start." in backwards.content.decode()
    assert "<nav" in backwards.content.decode() and not Promotion.objects.exists()

    # An ended promotion keeps its past end: renaming it is not moving it.
    ended = PromotionFactory(name="Past", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1),
                             categories=["caps"])
    renamed = marketing.post(reverse("promotions:edit", args=[ended.pk]), {
        **FORM, "name": "Past (archive)", "starts_at": timezone.localtime(ended.starts_at).strftime(day),
        "ends_at": timezone.localtime(ended.ends_at).strftime(day)})
    assert renamed.status_code == 302, renamed.content.decode()[:500]


def test_bulk_activate_and_deactivate_through_the_service_and_back_to_the_same_list(marketing, catalogue):
    on = [PromotionFactory(name=f"On {n}") for n in range(2)]
    off = PromotionFactory(name="Off", is_active=False)
    back = "/promotions/?sort=name&status=running"
    done = marketing.post(reverse("promotions:bulk"), {"action": "deactivate", "next": back,
                                                       "promotion": [str(on[0].pk), str(off.pk), "not-a-uuid"]})
    assert done.status_code == 302 and done["Location"] == back
    on[0].refresh_from_db()
    assert not on[0].is_active and on[0].updated_by == marketing.user.username  # the service wrote it
    page = marketing.get(back).content.decode()
    assert "1 promotion deactivated." in page
    marketing.post(reverse("promotions:bulk"), {"action": "activate", "promotion": [str(p.pk) for p in (*on, off)]})
    assert Promotion.objects.filter(is_active=True).count() == 3
    outside = marketing.post(reverse("promotions:bulk"), {"action": "activate", "promotion": [str(off.pk)],
                                                          "next": "https://elsewhere.example/"})
    assert outside["Location"] == reverse("promotions:list")  # never sent off-site
    nothing = marketing.post(reverse("promotions:bulk"), {"action": "activate"}, follow=True)
    assert "Tick at least one promotion" in nothing.content.decode()
