"""Campaigns: one unique code per consenting customer, whatever the number of sends."""

import re

import pytest

from omni.actor import Actor
from omni.models import Message
from promotions.models import Campaign, CampaignRecipient, DiscountCode
from promotions.services import campaign_create, campaign_preview, campaign_send
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import PromotionFactory, add_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(store):
    segment = SegmentFactory(slug="traditional", name="Traditional")
    customers = {
        "sms": CustomerFactory(first_name="Jérémy", sms_consent=True, preferred_store=store),
        "email": CustomerFactory(first_name="Anne", email_consent=True, phone=None),
        "none": CustomerFactory(first_name="Paul"),
        "no_phone": CustomerFactory(first_name="Zoé", sms_consent=True, phone=None),
    }
    add_members(segment, *customers.values())
    return segment, customers


def make_campaign(segment, **kwargs):
    return campaign_create(
        name="Welcome",
        promotion=PromotionFactory(name="Welcome -10", value="10"),
        segment=segment,
        actor=Actor.system(),
        sms_text="Hi {first_name}! -10% with {code} at {store}",
        email_subject="A gift for you",
        email_text="Hello {first_name}, your code: {code}",
        code_prefix="hi",
        **kwargs,
    )


def test_send_gives_one_code_to_each_consenting_customer(audience, django_capture_on_commit_callbacks):
    segment, customers = audience
    campaign = make_campaign(segment)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=Actor.system())
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.audience == 4
    statuses = {r.customer_id: r.status for r in campaign.recipients.all()}
    assert statuses == {
        customers["sms"].pk: "sent",
        customers["email"].pk: "sent",
        customers["none"].pk: "skipped_no_consent",
        customers["no_phone"].pk: "skipped_no_contact",
    }
    sms = Message.objects.get(medium="sms")
    code = CampaignRecipient.objects.get(customer=customers["sms"]).code
    assert sms.recipient == customers["sms"].phone
    assert sms.body == f"Hi Jérémy! -10% with {code.code} at Paris Rivoli"
    assert code.code.startswith("HI-") and code.single_use and code.promotion == campaign.promotion
    email = Message.objects.get(medium="email")
    assert email.subject_line == "A gift for you" and "Anne" in email.body
    assert Message.objects.count() == 2 and DiscountCode.objects.count() == 2
    campaign.promotion.refresh_from_db()
    assert campaign.promotion.requires_code


def test_sending_twice_never_gives_a_second_code(audience, django_capture_on_commit_callbacks):
    segment, customers = audience
    campaign = make_campaign(segment)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=Actor.system())
    newcomer = CustomerFactory(sms_consent=True)
    add_members(segment, newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=Actor.system())
    assert campaign.recipients.count() == 5
    assert campaign.recipients.filter(customer=customers["sms"]).count() == 1
    assert DiscountCode.objects.count() == 3 and Message.objects.filter(medium="sms").count() == 2
    assert campaign.recipients.get(customer=newcomer).status == "sent"


def test_preview_renders_placeholders_without_writing(audience):
    segment, customers = audience
    campaign = make_campaign(segment)
    previews = campaign_preview(campaign=campaign)
    assert len(previews) == 3
    assert all("{code}" not in p["sms"] and "{first_name}" not in p["sms"] for p in previews)
    assert not DiscountCode.objects.exists() and not Message.objects.exists()


def test_campaign_needs_a_message_with_a_code(audience):
    from promotions.errors import InvalidPromotion

    segment, _ = audience
    with pytest.raises(InvalidPromotion):
        campaign_create(name="x", promotion=PromotionFactory(), segment=segment, actor=Actor.system())
    with pytest.raises(InvalidPromotion):
        campaign_create(name="x", promotion=PromotionFactory(), segment=segment, actor=Actor.system(),
                        sms_text="No code here")
    assert not Campaign.objects.exists()


def test_no_campaign_for_an_ended_promotion(audience):
    from datetime import timedelta

    from django.utils import timezone

    from promotions.errors import PromotionNotRunning

    segment, _ = audience
    campaign = make_campaign(segment)
    now = timezone.now()
    campaign.promotion.starts_at, campaign.promotion.ends_at = now - timedelta(days=9), now - timedelta(days=1)
    campaign.promotion.save()
    with pytest.raises(PromotionNotRunning):
        campaign_send(campaign=campaign, actor=Actor.system())
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT and not DiscountCode.objects.exists()


def test_broker_outage_leaves_the_send_to_the_sweep(audience, monkeypatch, django_capture_on_commit_callbacks):
    from promotions import tasks

    segment, _ = audience
    campaign = make_campaign(segment)

    def broker_down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.campaign_deliver_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=Actor.system())
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING and not CampaignRecipient.objects.exists()
    tasks.resume_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and CampaignRecipient.objects.count() == 4


def test_a_campaign_is_not_created_on_an_ended_promotion_and_the_page_says_why(audience, staff_client):
    from datetime import timedelta

    from django.utils import timezone

    from promotions.errors import PromotionNotRunning

    segment, _ = audience
    now = timezone.now()
    ended = PromotionFactory(name="Last summer", starts_at=now - timedelta(days=90), ends_at=now - timedelta(days=30))
    with pytest.raises(PromotionNotRunning):
        campaign_create(name="Too late", promotion=ended, segment=segment, actor=Actor.system(),
                        sms_text="Hi {first_name}, {code}")
    marketing = staff_client("marketing")
    refused = marketing.post("/promotions/campaigns/new/", {
        "name": "Too late", "promotion": str(ended.pk), "segment": str(segment.pk),
        "sms_text": "Hi {first_name}, {code}",
    })
    assert refused.status_code == 400 and "has ended or is inactive" in refused.content.decode()
    assert "<nav" in refused.content.decode() and not Campaign.objects.exists()


def test_before_sending_the_page_shows_who_is_reachable_and_the_sms_length(audience, staff_client):
    segment, _ = audience
    campaign = make_campaign(segment)
    page = staff_client("marketing").get(f"/promotions/campaigns/{campaign.pk}/").content.decode()
    assert "4 members" in page
    assert "1 member reachable by SMS" in page  # Jérémy: consent and a confirmed phone (Zoé has no phone)
    assert "1 member reachable by e-mail" in page  # Anne
    # "Hi Jérémy! -10% with HI-XXXXXXXX at Paris Rivoli": 7-bit, one SMS.
    assert "characters: 1 SMS each" in page


def test_a_test_send_goes_to_the_staff_members_own_address_only(audience, staff_client,
                                                               django_capture_on_commit_callbacks):
    from omni.models import Message

    segment, _ = audience
    campaign = make_campaign(segment)
    marketing = staff_client("marketing", email="chloe@omni.example")
    with django_capture_on_commit_callbacks(execute=True):
        sent = marketing.post(f"/promotions/campaigns/{campaign.pk}/test/", headers={"HX-Request": "true"})
    assert sent.status_code == 200 and "Test sent to chloe@omni.example." in sent.content.decode()
    assert set(Message.objects.values_list("recipient", "kind")) == {("chloe@omni.example", "campaign_test")}
    assert Message.objects.count() == 2  # the SMS text and the e-mail
    assert not DiscountCode.objects.exists() and campaign.recipients.count() == 0  # nobody else got anything

    nobody = staff_client("marketing", email="")
    refused = nobody.post(f"/promotions/campaigns/{campaign.pk}/test/", headers={"HX-Request": "true"})
    assert refused.status_code == 400 and 'data-code="no_test_address"' in refused.content.decode()


def test_sms_segments_count_as_carriers_do():
    from omni.sms import sms_segments

    assert sms_segments("a" * 160) == (1, 160)
    assert sms_segments("a" * 161) == (2, 161)  # 153 a part once split
    assert sms_segments("€" * 80) == (1, 160)  # the extension table's characters count two
    assert sms_segments("Cœur") == (1, 4)  # œ is not 7-bit: UCS-2, 70 a message
    assert sms_segments("x" * 70 + "😀") == (2, 72)  # an emoji is two UCS-2 units


def test_campaign_results_count_its_codes_used_by_channel_and_by_day(audience, staff_client,
                                                                   django_capture_on_commit_callbacks):
    from decimal import Decimal

    from promotions.services import code_redeem

    segment, customers = audience
    campaign = make_campaign(segment)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send(campaign=campaign, actor=Actor.system())
    sms_code = CampaignRecipient.objects.get(customer=customers["sms"]).code.code
    email_code = CampaignRecipient.objects.get(customer=customers["email"]).code.code
    code_redeem(code=sms_code, customer=customers["sms"], order_reference="OM-STORE1", channel="store",
                actor=Actor.system(), amount=Decimal("4.50"))
    code_redeem(code=email_code, customer=customers["email"], order_reference="OM-WEB1", channel="web",
                actor=Actor.system(), amount=Decimal("2.00"))
    other = DiscountCode.objects.create(code="NOT-THIS-ONE", promotion=campaign.promotion, single_use=True)
    code_redeem(code=other.code, customer=None, order_reference="OM-WEB2", channel="web", actor=Actor.system(),
                amount=Decimal("9.00"))  # the promotion's, not the campaign's

    page = staff_client("marketing").get(f"/promotions/campaigns/{campaign.pk}/").content.decode()
    results = page[page.index('data-testid="campaign-results"'):]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"text-end\">(\d+)</td><td class=\"text-end\">(\d+)</td>"
                      r"<td class=\"text-end\">([^<]+)</td></tr>", results)
    assert rows == [("Store", "1", "1", "€4.50"), ("Web shop", "1", "1", "€2.00")]
    assert "Codes redeemed per day" in results
