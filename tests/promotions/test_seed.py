import pytest

from promotions.models import Campaign, CampaignRecipient, DiscountCode, Promotion, Redemption
from promotions.seed import seed_promotions
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import add_members

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_sends_the_welcome_campaign(store):
    segment = SegmentFactory(slug="traditional", name="Traditional")
    add_members(segment, *[CustomerFactory(sms_consent=n % 2 == 0, preferred_store=store) for n in range(6)])
    seed_promotions()
    counts = (Promotion.objects.count(), Campaign.objects.count(), DiscountCode.objects.count(),
              Redemption.objects.count(), CampaignRecipient.objects.count())
    assert counts[0] == 7 and counts[1] == 1 and counts[2] == 3 and counts[4] == 6
    assert Campaign.objects.get().status == "sent"
    assert {p.status for p in Promotion.objects.all()} == {"running", "scheduled", "ended"}
    seed_promotions()
    assert counts == (Promotion.objects.count(), Campaign.objects.count(), DiscountCode.objects.count(),
                      Redemption.objects.count(), CampaignRecipient.objects.count())


def test_seed_without_customers_segments():
    seed_promotions()
    assert Promotion.objects.count() == 7 and not Campaign.objects.exists()
