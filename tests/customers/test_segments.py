from datetime import timedelta

import pytest
from django.utils import timezone

from customers.errors import InvalidSegmentRules
from customers.facts import Fact, Param
from customers.models import Customer, Segment, SegmentMembership
from customers.services import segment_recompute, segment_save
from customers.tasks import recompute_segments
from omni.actor import Actor
from omni.errors import Forbidden
from omni.registry import registry
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.omni import StaffFactory

pytestmark = pytest.mark.django_db

ULTRA = [
    {"fact": "channels_all", "params": {"channels": ["web", "app"]}},
    {"fact": "channels_any", "params": {"channels": ["store"]}, "negate": True},
]
TRADITIONAL = [{"fact": "channels_only", "params": {"channels": ["store"]}}]


@pytest.fixture
def marketing():
    return Actor.for_user(StaffFactory(role="marketing"))


def _members(segment):
    return set(SegmentMembership.objects.filter(segment=segment).values_list("customer__last_name", flat=True))


def test_channel_segments(marketing):
    CustomerFactory(last_name="Ultra", channels=["web", "app"])
    CustomerFactory(last_name="Omni", channels=["web", "app", "store"])
    CustomerFactory(last_name="Store", channels=["store"])
    CustomerFactory(last_name="StoreCall", channels=["store", "call_centre"])
    CustomerFactory(last_name="Nothing")
    ultra = segment_save(actor=marketing, name="Ultra-connected", rules=ULTRA)
    traditional = segment_save(actor=marketing, name="Traditional", rules=TRADITIONAL)
    assert segment_recompute(segment=ultra, actor=marketing) == 1
    assert segment_recompute(segment=traditional, actor=marketing) == 1
    assert _members(ultra) == {"Ultra"}
    assert _members(traditional) == {"Store"}
    assert ultra.slug == "ultra-connected"


def test_city_consent_and_created_facts(marketing, store):
    CustomerFactory(last_name="Lyon", city="Lyon", sms_consent=True)
    CustomerFactory(last_name="ParisStore", city="", preferred_store=store, sms_consent=True)
    old = CustomerFactory(last_name="Old", city="Paris", sms_consent=False)
    Customer.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    paris_sms = segment_save(
        actor=marketing,
        name="Paris SMS",
        rules=[
            {"fact": "city", "params": {"city": "paris"}},
            {"fact": "consent", "params": {"medium": "sms"}},
        ],
    )
    segment_recompute(segment=paris_sms)
    assert _members(paris_sms) == {"ParisStore"}
    recent = segment_save(
        actor=marketing, name="Recent", rules=[{"fact": "created_within_days", "params": {"days": 30}}]
    )
    segment_recompute(segment=recent)
    assert _members(recent) == {"Lyon", "ParisStore"}


def test_recompute_removes_those_who_no_longer_match(marketing):
    customer = CustomerFactory(last_name="Mover", city="Lille")
    segment = segment_save(actor=marketing, name="Lille", rules=[{"fact": "city", "params": {"city": "Lille"}}])
    segment_recompute(segment=segment)
    assert _members(segment) == {"Mover"}
    Customer.objects.filter(pk=customer.pk).update(city="Lyon")
    recompute_segments.delay()  # eager in tests: what Celery beat runs
    assert _members(segment) == set()
    assert Segment.objects.get(pk=segment.pk).member_count == 0


def test_registered_fact_from_a_higher_app(marketing):
    big = CustomerFactory(last_name="Big")
    CustomerFactory(last_name="Small")

    def big_spenders(customers, params):
        assert params == {"amount": 100}
        return [big.pk]  # a higher app answers with ids

    orders_fact = registry.get(Fact, "spend_at_least")
    registry.add(Fact("spend_at_least", "Spent at least", big_spenders, (Param("amount", "int"),)))
    try:
        segment = segment_save(
            actor=marketing,
            name="Big",
            rules=[
                {"fact": "spend_at_least", "params": {"amount": "100"}},
                {"fact": "channels_any", "params": {"channels": ["store"]}, "negate": True},
            ],
        )
        segment_recompute(segment=segment)
        assert _members(segment) == {"Big"}
    finally:
        registry.remove(Fact, "spend_at_least")
    # The fact's app is gone: nobody matches rather than everybody.
    try:
        segment_recompute(segment=segment)
        assert _members(segment) == set()
    finally:
        if orders_fact is not None:
            registry.add(orders_fact)


@pytest.mark.parametrize(
    "rules",
    [
        [],
        "channels",
        [{"fact": "nope"}],
        [{"fact": "channels_all", "params": {"channels": ["fax"]}}],
        [{"fact": "channels_all", "params": {"channels": []}}],
        [{"fact": "consent", "params": {"medium": "pigeon"}}],
        [{"fact": "created_within_days", "params": {"days": "soon"}}],
        [{"fact": "preferred_store", "params": {"location": "atlantis"}}],
        [{"fact": "city", "params": "Paris"}],
    ],
)
def test_invalid_rules_are_refused(marketing, rules):
    with pytest.raises(InvalidSegmentRules):
        segment_save(actor=marketing, name="Bad", rules=rules)
    assert not Segment.objects.exists()


def test_only_marketing_and_admins_edit_segments():
    with pytest.raises(Forbidden):
        segment_save(actor=Actor.for_user(StaffFactory(role="store_staff")), name="X", rules=TRADITIONAL)
    assert not Segment.objects.exists()


def test_segments_appear_in_the_customer_representation(api_as):
    customer = CustomerFactory(channels=["web"])
    segment = SegmentFactory(slug="web-people", name="Web people")
    segment_recompute(segment=segment)
    assert api_as("web").get(f"/api/v1/customers/{customer.pk}/").json()["segments"] == ["web-people"]
