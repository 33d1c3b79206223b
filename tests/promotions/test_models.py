"""The database keeps the invariants even when a path forgets a check."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from promotions.models import Campaign, CampaignRecipient, Promotion, Redemption
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import CampaignFactory, DiscountCodeFactory, PromotionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "percent", "value": Decimal("150")},
        {"kind": "percent", "value": None},
        {"kind": "amount", "value": Decimal("-1")},
        {"kind": "fixed_price", "value": None},
        {"kind": "buy_x_get_y", "value": None, "buy_quantity": 2, "get_quantity": None},
        {"kind": "bogus"},
        {"min_subtotal": Decimal("-0.01")},
        {"usage_limit": 0},
        {"code": "SHARED", "requires_code": False},
    ],
)
def test_promotion_constraints(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(**{"name": "x", "kind": "percent", "value": Decimal("10"), **fields})
    assert not Promotion.objects.exists()


def test_schedule_must_end_after_it_starts():
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        PromotionFactory(starts_at=now, ends_at=now)


def test_single_use_code_has_one_unreleased_redemption():
    code = DiscountCodeFactory()
    Redemption.objects.create(promotion=code.promotion, code=code, single_use=True, order_reference="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.create(promotion=code.promotion, code=code, single_use=True, order_reference="B")
    Redemption.objects.filter(order_reference="A").update(released_at="2026-01-01T00:00:00Z")
    Redemption.objects.create(promotion=code.promotion, code=code, single_use=True, order_reference="B")


def test_one_recipient_row_per_campaign_and_customer():
    campaign = CampaignFactory(segment=SegmentFactory(), status=Campaign.Status.SENDING)
    customer = CustomerFactory()
    CampaignRecipient.objects.create(campaign=campaign, customer=customer, status="sent")
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignRecipient.objects.create(campaign=campaign, customer=customer, status="failed")
