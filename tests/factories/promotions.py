from decimal import Decimal

import factory
from django.utils import timezone

from customers.models import SegmentMembership
from promotions.models import Campaign, DiscountCode, Promotion


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promotion
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Promotion {n}")
    kind = "percent"
    value = Decimal("20")
    channels = factory.LazyFunction(list)
    skus = factory.LazyFunction(list)
    categories = factory.LazyFunction(list)
    is_active = True

    @factory.post_generation
    def segments(self, create, extracted, **kwargs):
        if create and extracted:
            self.segments.set(extracted)


class DiscountCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountCode

    code = factory.Sequence(lambda n: f"TEST-{n:06d}")
    promotion = factory.SubFactory(PromotionFactory, requires_code=True)
    single_use = True


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    promotion = factory.SubFactory(PromotionFactory, requires_code=True)
    sms_text = "Hello {first_name}, your code {code} at {store}"


def add_members(segment, *customers) -> None:
    now = timezone.now()
    SegmentMembership.objects.bulk_create(
        [SegmentMembership(segment=segment, customer=customer, added_at=now) for customer in customers]
    )
