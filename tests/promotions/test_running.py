"""The promotions each process keeps: every change, by whatever path and whichever process,
is priced from the next quote on; nothing else reloads them."""

import uuid
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from omni.actor import Actor
from promotions.models import PricingVersion, Promotion
from promotions.pricing import price_cart
from promotions.services import pricing_changed, promotion_update
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.inventory import ProductFactory
from tests.factories.promotions import PromotionFactory, add_members

pytestmark = pytest.mark.django_db


def discount(sku="TEE-01", customer=None):
    return price_cart(lines=[{"sku": sku, "quantity": 1}], channel="web", customer=customer).discount_total


@pytest.fixture
def tee(db):
    ProductFactory(sku="TEE-01", category="tees", price="20.00")
    return ProductFactory(sku="CAP-01", category="caps", price="10.00")


def test_a_created_changed_or_deleted_promotion_is_priced_at_the_next_quote(tee):
    assert discount() == 0
    promotion = PromotionFactory(kind="percent", value=D("10"), categories=["tees"])
    assert discount() == D("2.00")
    promotion_update(promotion=promotion, actor=Actor.system(), value=D("25"))
    assert discount() == D("5.00")
    promotion.delete()
    assert discount() == 0


def test_a_promotion_given_segments_is_priced_for_their_members_only(tee):
    member, other = CustomerFactory(), CustomerFactory()
    segment = SegmentFactory()
    add_members(segment, member)
    promotion = PromotionFactory(kind="amount", value=D("3"), skus=["TEE-01"])
    assert discount(customer=other) == D("3.00")
    promotion.segments.add(segment)
    assert (discount(customer=member), discount(customer=other)) == (D("3.00"), 0)
    promotion.segments.clear()
    assert discount(customer=other) == D("3.00")


def test_another_process_s_change_is_seen_through_the_version(tee):
    promotion = PromotionFactory(kind="percent", value=D("10"), skus=["TEE-01"])
    assert discount() == D("2.00")
    # Another process changes the row and the version in its transaction; no signal here.
    Promotion.objects.filter(pk=promotion.pk).update(value=D("50"))
    assert discount() == D("2.00"), "kept until the version changes: no reload per quote"
    assert PricingVersion.objects.update(version=uuid.uuid4()) == 1  # what its pricing_changed() wrote
    assert discount() == D("10.00")


def test_a_change_rolled_back_leaves_no_stale_promotions(tee):
    before = PricingVersion.objects.get().version if PricingVersion.objects.exists() else None
    with pytest.raises(RuntimeError), transaction.atomic():
        PromotionFactory(kind="percent", value=D("10"), skus=["TEE-01"])
        assert discount() == D("2.00")  # priced inside the change's transaction
        raise RuntimeError
    assert (PricingVersion.objects.get().version if PricingVersion.objects.exists() else None) == before
    assert discount() == 0


def test_start_and_end_need_no_reload(tee):
    now = timezone.now()
    PromotionFactory(kind="amount", value=D("1"), skus=["TEE-01"], starts_at=now + timedelta(minutes=5))
    PromotionFactory(kind="amount", value=D("2"), skus=["TEE-01"], stackable=True, ends_at=now + timedelta(minutes=5))
    assert price_cart(lines=[{"sku": "TEE-01", "quantity": 1}], channel="web", now=now).discount_total == D("2.00")
    later = now + timedelta(minutes=10)
    assert price_cart(lines=[{"sku": "TEE-01", "quantity": 1}], channel="web", now=later).discount_total == D("1.00")


def test_a_quote_reads_only_the_version_while_nothing_changed(tee):
    for n in range(30):
        PromotionFactory(kind="percent", value=D("5"), skus=[f"OTHER-{n}"])
    discount()
    with CaptureQueriesContext(connection) as queries:
        discount()
    promotion_reads = [query["sql"] for query in queries if "promotion" in query["sql"]]
    assert len(promotion_reads) == 1 and "pricingversion" in promotion_reads[0], promotion_reads
    pricing_changed()
    with CaptureQueriesContext(connection) as queries:
        discount()
    assert len([query for query in queries if "promotions_promotion" in query["sql"]]) == 1
