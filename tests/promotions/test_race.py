"""A single-use code is redeemed once, whatever the concurrency (real threads, real
connections; PostgreSQL locks the promotion row, SQLite serialises IMMEDIATE writers)."""


import pytest

from omni.actor import Actor
from promotions.errors import CodeUsed
from promotions.models import DiscountCode, Redemption
from promotions.services import code_redeem
from tests.concurrency import race
from tests.factories.promotions import DiscountCodeFactory, PromotionFactory

THREADS = 8




@pytest.mark.django_db(transaction=True)
def test_one_single_use_code_redeemed_once_by_concurrent_orders():
    code = DiscountCodeFactory(code="RACE-ONCE")
    outcomes = race(
        THREADS, lambda n: code_redeem(code="RACE-ONCE", customer=None, order_reference=f"R-{n}", channel="web",
                              actor=Actor.system())
    )
    won = [o for o in outcomes if isinstance(o, Redemption)]
    lost = [o for o in outcomes if isinstance(o, CodeUsed)]
    assert len(won) == 1 and len(lost) == THREADS - 1, outcomes
    assert Redemption.objects.filter(code=code).count() == 1
    code.refresh_from_db()
    assert code.state == DiscountCode.State.REDEEMED


@pytest.mark.django_db(transaction=True)
def test_usage_limit_holds_under_concurrency():
    PromotionFactory(code="RACE-LIMIT", requires_code=True, usage_limit=3)
    outcomes = race(
        THREADS, lambda n: code_redeem(code="RACE-LIMIT", customer=None, order_reference=f"L-{n}", channel="store",
                              actor=Actor.system())
    )
    assert sum(isinstance(o, Redemption) for o in outcomes) == 3, outcomes
    assert sum(isinstance(o, CodeUsed) for o in outcomes) == THREADS - 3
    assert Redemption.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_campaign_give_one_code_each():
    from promotions.models import Campaign, CampaignRecipient
    from promotions.services import campaign_deliver
    from tests.factories.customers import CustomerFactory, SegmentFactory
    from tests.factories.promotions import CampaignFactory, add_members

    segment = SegmentFactory()
    customers = [CustomerFactory(sms_consent=True) for _ in range(12)]
    add_members(segment, *customers)
    campaign = CampaignFactory(segment=segment, status=Campaign.Status.SENDING, audience=12)
    outcomes = race(4, lambda n: campaign_deliver(campaign_id=campaign.pk, batch_size=5))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 12
    assert DiscountCode.objects.filter(campaign_recipient__campaign=campaign).count() == 12
    assert DiscountCode.objects.count() == 12
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
