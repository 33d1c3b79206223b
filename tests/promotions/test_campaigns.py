"""Campaigns: one unique code per consenting customer, whatever the number of sends."""

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
