import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from customers.models import (
    ConsentEvent,
    Contact,
    Customer,
    CustomerChannel,
    CustomerIdentifier,
    CustomerMerge,
    PrivacyAuditEntry,
    SegmentMembership,
)
from customers.services import customer_erase, customer_find_or_create, customer_merge, segment_recompute
from customers.signals import customer_erased
from omni.actor import Actor
from omni.models import Message
from tests.factories.customers import ContactFactory, CustomerFactory, SegmentFactory
from tests.factories.omni import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"
PERSONAL = [
    "Gaëlle",
    "Lefebvre",
    "gaelle.lefebvre@example.fr",
    "+33698765432",
    "OMNI7777",
    "Nantes",
    "allergic to wool",
    "Gaelle",
]


def _customer_with_history(store):
    customer = CustomerFactory(
        first_name="Gaëlle",
        last_name="Lefebvre",
        email="gaelle.lefebvre@example.fr",
        phone="+33698765432",
        loyalty_card="OMNI7777",
        city="Nantes",
        preferred_store=store,
        channels=["web", "store"],
    )
    customer.email_consent, customer.email_consent_at, customer.email_consent_channel = True, timezone.now(), "web"
    customer.save()
    ConsentEvent.objects.create(customer=customer, medium="email", granted=True, channel="web", at=timezone.now())
    ContactFactory(customer=customer, note="allergic to wool")
    for kind, value in (("email", customer.email), ("phone", customer.phone), ("loyalty_card", "OMNI7777")):
        CustomerIdentifier.objects.create(
            customer=customer, kind=kind, value=value, channel="web", first_seen_at=timezone.now()
        )
    Message.objects.create(
        medium="sms",
        recipient=customer.phone,
        body="Gaëlle, your order is ready",
        kind="pickup_ready",
        next_attempt_at=timezone.now(),
    )
    Message.objects.create(
        medium="email",
        recipient=customer.email,
        body="Welcome Gaëlle",
        kind="welcome",
        about_type=ContentType.objects.get_for_model(Customer),
        about_id=str(customer.pk),
        next_attempt_at=timezone.now(),
    )
    duplicate = CustomerFactory(
        first_name="Gaelle", last_name="Lefebvre", email=None, phone=None, loyalty_card="OMNI7778"
    )
    customer_merge(source=duplicate, target=customer, actor=Actor.for_user(StaffFactory(role="admin")))
    segment = SegmentFactory(rules=[{"fact": "channels_all", "params": {"channels": ["web"]}, "negate": False}])
    segment_recompute(segment=segment)
    assert SegmentMembership.objects.filter(customer=customer).exists()
    return customer


def _all_rows_text(customer_ids) -> str:
    """Every row of the customers tables and the outbox that points at these customers, as text."""
    texts = []
    with connection.cursor() as cursor:
        for model in (
            Customer,
            ConsentEvent,
            Contact,
            CustomerChannel,
            CustomerIdentifier,
            CustomerMerge,
            SegmentMembership,
            PrivacyAuditEntry,
            Message,
        ):
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the models
            texts.extend(str(row) for row in cursor.fetchall())
    return "\n".join(texts)


def test_erase_leaves_no_personal_data_in_the_database(api_as, store):
    customer = _customer_with_history(store)
    before = _all_rows_text([customer.pk])
    assert all(value in before for value in PERSONAL)
    erased_ids = []
    customer_erased.connect(
        lambda sender, customer_id, **kw: erased_ids.append(customer_id), weak=False, dispatch_uid="test-erase"
    )
    try:
        response = api_as("integration").post(f"{URL}{customer.pk}/erase/", {"reason": "customer request"})
    finally:
        customer_erased.disconnect(dispatch_uid="test-erase")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(customer.pk)
    assert body["email"] is None and body["phone"] is None and body["first_name"] == ""
    after = _all_rows_text([customer.pk])
    for value in PERSONAL:
        assert value not in after, value
    assert erased_ids == [customer.pk]
    assert Customer.objects.filter(pk=customer.pk, is_erased=True).exists()  # kept for the accounts
    audit = PrivacyAuditEntry.objects.get(action="erase")
    assert audit.customer_id == customer.pk and audit.reason == "customer request"
    # Erased identifiers no longer recognise anybody: the next visit is a new customer.
    _again, created = customer_find_or_create(actor=Actor.for_user(StaffFactory()), phone="06 98 76 54 32")
    assert created is True
    # Erasing twice is harmless.
    assert api_as("integration").post(f"{URL}{customer.pk}/erase/").status_code == 200
    assert PrivacyAuditEntry.objects.filter(action="erase").count() == 1


def test_export_holds_every_personal_datum_and_is_audited(staff_client, store):
    customer = _customer_with_history(store)
    admin = staff_client("admin")
    response = admin.get(f"{URL}{customer.pk}/export/")
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    for value in PERSONAL[:7]:
        assert value in text, value
    assert response.json()["consents"]["email"]["granted"] is True
    assert PrivacyAuditEntry.objects.get().action == "export"
    assert PrivacyAuditEntry.objects.get().actor_user == admin.user


@pytest.mark.parametrize("role", ["store_staff", "store_manager", "marketing"])
def test_export_and_erase_refused_to_non_admin_staff(staff_client, role, store):
    customer = CustomerFactory(first_name="Kept")
    client = staff_client(role, locations=[store])
    assert client.get(f"{URL}{customer.pk}/export/").status_code == 403
    assert client.post(f"{URL}{customer.pk}/erase/").status_code == 403
    customer.refresh_from_db()
    assert customer.first_name == "Kept" and not customer.is_erased
    assert not PrivacyAuditEntry.objects.exists()


@pytest.mark.parametrize("kind", ["web", "app", "pos", "call_centre"])
def test_export_and_erase_refused_to_sales_clients(api_as, kind, store):
    customer = CustomerFactory(first_name="Kept")
    client = api_as(kind, location=store if kind == "pos" else None)
    assert client.get(f"{URL}{customer.pk}/export/").status_code == 403
    assert client.post(f"{URL}{customer.pk}/erase/").status_code == 403
    customer.refresh_from_db()
    assert customer.first_name == "Kept"
    assert not PrivacyAuditEntry.objects.exists()


def test_erased_customer_is_not_listed_and_refuses_updates(api_as):
    customer = CustomerFactory(email="gone@example.fr")
    customer_erase(customer=customer, actor=Actor.for_user(StaffFactory(role="admin")))
    web = api_as("web")
    assert web.get(URL).json()["count"] == 0
    response = web.patch(f"{URL}{customer.pk}/", {"first_name": "Back"})
    assert response.status_code == 409
    assert response.json()["code"] == "customer_erased"


def test_export_includes_the_orders_and_the_addresses_given(staff_client, store, warehouse):
    """Orders register their part of the export (customers.exports): what was bought and
    the shipping address, which is personal data too."""
    from tests.factories.inventory import ProductFactory, stock
    from tests.factories.orders import place_delivery

    customer = CustomerFactory()
    product = ProductFactory(sku="CAP-EXPORT")
    stock(product, warehouse, 5)
    order = place_delivery(lines={product.sku: 2}, customer=customer)
    exported = staff_client("admin").get(f"{URL}{customer.pk}/export/").json()
    [line] = [o for o in exported["orders"] if o["number"] == order.number][0]["lines"]
    assert (line["sku"], line["quantity"]) == ("CAP-EXPORT", 2)
    assert exported["orders"][0]["shipping_address"] == order.shipping_address
