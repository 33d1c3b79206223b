import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from customers.errors import MergeNotAllowed
from customers.models import ConsentEvent, Contact, Customer, CustomerChannel, CustomerIdentifier, CustomerMerge
from customers.selectors import customer_get, duplicate_suggestions
from customers.services import contact_record, customer_find_or_create, customer_merge
from customers.signals import customers_merged
from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Message
from tests.factories.customers import CustomerFactory
from tests.factories.omni import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_user(StaffFactory(role="admin"))


def test_merge_moves_identifiers_contacts_consents_and_channels(admin):
    target = CustomerFactory(
        first_name="Léa", last_name="Martin", email="lea@example.fr", phone=None, loyalty_card=None, channels=["web"]
    )
    source = CustomerFactory(
        first_name="Lea",
        last_name="Martin",
        email=None,
        phone="+33612345678",
        loyalty_card="OMNI0001",
        channels=["store", "web"],
    )
    source.sms_consent, source.sms_consent_at, source.sms_consent_channel = True, timezone.now(), "store"
    source.save()
    ConsentEvent.objects.create(customer=source, medium="sms", granted=True, channel="store", at=timezone.now())
    agent = Actor(user=StaffFactory(role="store_staff"), channel="call_centre")
    contact = contact_record(customer=source, kind="call", note="Visited Paris", actor=agent)
    CustomerIdentifier.objects.create(
        customer=source, kind="phone", value="+33612345678", channel="store", first_seen_at=timezone.now()
    )
    Message.objects.create(
        medium="sms",
        recipient="+33612345678",
        body="Hi",
        kind="welcome",
        about_type=ContentType.objects.get_for_model(Customer),
        about_id=str(source.pk),
        next_attempt_at=timezone.now(),
    )
    received = []

    def receiver(sender, source_id, target_id, **kwargs):
        received.append((source_id, target_id))

    customers_merged.connect(receiver)
    try:
        merged = customer_merge(source=source, target=target, actor=admin)
    finally:
        customers_merged.disconnect(receiver)

    assert merged.pk == target.pk
    target.refresh_from_db()
    source.refresh_from_db()
    assert (target.email, target.phone, target.loyalty_card) == ("lea@example.fr", "+33612345678", "OMNI0001")
    assert target.sms_consent is True and target.sms_consent_channel == "store"
    assert source.merged_into_id == target.pk
    assert (source.email, source.phone, source.loyalty_card, source.first_name) == (None, None, None, "")
    assert Contact.objects.get().customer_id == target.pk
    assert ConsentEvent.objects.get().customer_id == target.pk
    # The contact's channel counts too (journeys records a contact as a touchpoint).
    expected_channels = {"web", "store", contact.channel}
    assert set(CustomerChannel.objects.filter(customer=target).values_list("channel", flat=True)) == expected_channels
    assert not CustomerChannel.objects.filter(customer=source).exists()
    assert CustomerIdentifier.objects.get().customer_id == target.pk
    assert Message.objects.get().about_id == str(target.pk)
    assert received == [(source.pk, target.pk)]
    record = CustomerMerge.objects.get()
    assert record.snapshot["phone"] == "+33612345678"
    assert record.actor_label == admin.label
    # The duplicate's id leads to the customer kept; its phone now finds the customer kept.
    assert customer_get(actor=admin, customer_id=source.pk).pk == target.pk
    found, created = customer_find_or_create(actor=Actor.for_user(StaffFactory()), phone="06 12 34 56 78")
    assert (found.pk, created) == (target.pk, False)


def test_merge_refusals_change_nothing(admin):
    first, second = CustomerFactory(), CustomerFactory()
    with pytest.raises(MergeNotAllowed):
        customer_merge(source=first, target=first, actor=admin)
    with pytest.raises(Forbidden):
        customer_merge(source=first, target=second, actor=Actor.for_user(StaffFactory(role="store_staff")))
    with pytest.raises(Forbidden):
        customer_merge(source=first, target=second, actor=Actor.for_user(StaffFactory(role="marketing")))
    assert not CustomerMerge.objects.exists()
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0
    customer_merge(source=first, target=second, actor=admin)
    with pytest.raises(MergeNotAllowed):
        customer_merge(source=first, target=second, actor=admin)


def test_merge_resolves_ambiguity(admin):
    actor = Actor.for_user(StaffFactory())
    a = CustomerFactory(email="a@example.fr", phone=None)
    b = CustomerFactory(email=None, phone="+33611111111")
    customer_merge(source=b, target=a, actor=Actor.for_user(StaffFactory(role="store_manager")))
    found, _created = customer_find_or_create(actor=actor, email="a@example.fr", phone="0611111111")
    assert found.pk == a.pk


def test_duplicate_suggestions_same_name_similar_contact():
    CustomerFactory(first_name="Jean", last_name="Dupont", email="jean.dupont@gmail.com", phone=None)
    CustomerFactory(first_name="JEAN", last_name="dupont", email="jeandupont@orange.fr", phone="+33611111111")
    CustomerFactory(first_name="Jean", last_name="Dupont", email="jd@free.fr", phone="+33622222222")
    CustomerFactory(first_name="Marie", last_name="Curie", email="m1@example.fr", phone="+33633333333")
    CustomerFactory(first_name="Marie", last_name="Curie", email="m2@example.fr", phone="+33644444444")
    suggestions = duplicate_suggestions()
    assert len(suggestions) == 1
    pair = {suggestions[0].first.email, suggestions[0].second.email}
    assert pair == {"jean.dupont@gmail.com", "jeandupont@orange.fr"}
    assert suggestions[0].reasons


def test_duplicate_suggestions_cost_constant_queries(django_assert_max_num_queries):
    for index in range(10):
        CustomerFactory(first_name="Paul", last_name=f"Petit{index}", email=f"paul.petit{index}@a.fr")
        CustomerFactory(first_name="Paul", last_name=f"Petit{index}", email=f"paulpetit{index}@b.fr")
    with django_assert_max_num_queries(2):
        assert len(duplicate_suggestions()) == 10


def test_every_door_follows_a_merge_to_the_same_customer(db):
    """customers.selectors.customer_resolve is the one place that follows merges: orders'
    customer field and the pricing quote call it too."""
    from customers.selectors import customer_resolve

    target = CustomerFactory()
    middle = CustomerFactory(merged_into=target)
    oldest = CustomerFactory(merged_into=middle)
    assert customer_resolve(oldest.pk) == target
    assert customer_resolve("not-a-uuid") is None
    assert customer_resolve("00000000-0000-0000-0000-000000000000") is None
