import json

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import Contact, Customer, CustomerMerge, PrivacyAuditEntry, Segment
from customers.services import segment_recompute
from tests.factories.customers import ContactFactory, CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def form_post(client, path, data=None, headers=None):
    """A form POST, as the browser sends it (the shared test client speaks JSON)."""
    return Client.post(client, path, data or {}, headers=headers)


def test_login_required(client):
    response = client.get(reverse("customers:customer-list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_search_as_you_type(staff_client, store, django_assert_max_num_queries):
    CustomerFactory(first_name="Jérémy", last_name="Morel", phone="+33612345678", loyalty_card="OMNI4242")
    CustomerFactory(first_name="Claire", last_name="Dubois", email="claire.dubois@example.fr")
    staff = staff_client("store_staff", locations=[store])
    url = reverse("customers:customer-list")
    page = staff.get(url)
    assert page.status_code == 200
    assert "Morel" in page.content.decode() and "Dubois" in page.content.decode()
    for query in ["morel", "06 12 34 56 78", "+33612345678", "omni4242", "Jérémy"]:
        fragment = staff.get(url, {"q": query}, headers={"HX-Request": "true", "HX-Target": "customer-results"})
        text = fragment.content.decode()
        assert fragment.status_code == 200
        assert "Morel" in text and "Dubois" not in text, query
        assert "<html" not in text
    with django_assert_max_num_queries(8):
        staff.get(url, {"q": "claire"})
    CustomerFactory.create_batch(40)
    with django_assert_max_num_queries(8):
        assert staff.get(url).status_code == 200


def test_customer_page_shows_everything_at_constant_cost(staff_client, store, django_assert_max_num_queries):
    customer = CustomerFactory(first_name="Anne", last_name="Roux", channels=["web", "store"], preferred_store=store)
    segment = SegmentFactory(name="Web fans")
    segment_recompute(segment=segment)
    ContactFactory(customer=customer, note="Called about a return")
    agent = staff_client("store_staff", channel="call_centre")
    url = reverse("customers:customer-detail", args=[customer.pk])
    response = agent.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    for expected in ["Anne Roux", "Web fans", "Called about a return", store.name, "Note a contact"]:
        assert expected in text, expected
    assert "Export personal data" not in text and "Erase" not in text
    with django_assert_max_num_queries(16) as before:
        agent.get(url)
    for index in range(15):
        ContactFactory(customer=customer, note=f"note {index}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        agent.get(url)


def test_add_a_contact_note_with_htmx(staff_client, store):
    customer = CustomerFactory()
    staff = staff_client("store_staff", locations=[store])
    url = reverse("customers:contact-add", args=[customer.pk])
    response = form_post(staff, url, {"kind": "visit", "note": "Tried the red jacket"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Tried the red jacket" in response.content.decode()
    contact = Contact.objects.get()
    assert (contact.staff, contact.channel, contact.location) == (staff.user, "store", store)
    refused = form_post(staff, url, {"kind": "", "note": "x"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert Contact.objects.count() == 1


def test_marketing_may_not_note_contacts(staff_client):
    customer = CustomerFactory()
    marketing = staff_client("marketing")
    page = marketing.get(reverse("customers:customer-detail", args=[customer.pk]))
    assert "Note a contact" not in page.content.decode()
    response = form_post(
        marketing,
        reverse("customers:contact-add", args=[customer.pk]),
        {"kind": "call"},
    )
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_admin_exports_and_erases_from_the_page(staff_client):
    customer = CustomerFactory(first_name="Zoé", last_name="Garnier")
    admin = staff_client("admin")
    page = admin.get(reverse("customers:customer-detail", args=[customer.pk])).content.decode()
    assert "Export personal data" in page and "Erase personal data" in page
    export = admin.get(reverse("customers:export", args=[customer.pk]))
    assert export.status_code == 200
    assert json.loads(export.content)["customer"]["first_name"] == "Zoé"
    not_confirmed = form_post(admin, reverse("customers:erase", args=[customer.pk]), {})
    assert not_confirmed.status_code == 400
    assert not Customer.objects.get().is_erased
    erased = form_post(admin, reverse("customers:erase", args=[customer.pk]), {"confirm": "erase"})
    assert erased.status_code == 302
    assert Customer.objects.get().is_erased
    assert list(PrivacyAuditEntry.objects.order_by("at").values_list("action", flat=True)) == ["export", "erase"]


def test_staff_may_not_export_or_erase_from_pages(staff_client, store):
    customer = CustomerFactory(first_name="Kept")
    manager = staff_client("store_manager", locations=[store])
    assert manager.get(reverse("customers:export", args=[customer.pk])).status_code == 403
    assert (
        form_post(
            manager,
            reverse("customers:erase", args=[customer.pk]),
            {"confirm": "erase"},
        ).status_code
        == 403
    )
    assert Customer.objects.get().first_name == "Kept"
    assert not PrivacyAuditEntry.objects.exists()


def test_duplicates_and_merge_pages(staff_client, store, django_assert_max_num_queries):
    keep = CustomerFactory(first_name="Jean", last_name="Dupont", email="jean.dupont@gmail.com", phone=None)
    duplicate = CustomerFactory(first_name="Jean", last_name="Dupont", email="jeandupont@orange.fr", phone=None)
    manager = staff_client("store_manager", locations=[store])
    with django_assert_max_num_queries(8):
        listing = manager.get(reverse("customers:duplicates"))
    assert listing.status_code == 200
    assert "similar e-mail" in listing.content.decode()
    preview = manager.get(reverse("customers:merge"), {"source": duplicate.pk, "target": keep.pk})
    assert preview.status_code == 200
    assert "jeandupont@orange.fr" in preview.content.decode()
    merged = form_post(manager, reverse("customers:merge"), {"source": duplicate.pk, "target": keep.pk})
    assert merged.status_code == 302
    assert merged["Location"] == reverse("customers:customer-detail", args=[keep.pk])
    assert CustomerMerge.objects.get().target == keep
    again = form_post(manager, reverse("customers:merge"), {"source": duplicate.pk, "target": keep.pk})
    assert again.status_code == 409
    bad = form_post(manager, reverse("customers:merge"), {"source": "nope", "target": keep.pk})
    assert bad.status_code == 400
    # The duplicate's page now leads to the customer kept, which shows the merge.
    followed = manager.get(reverse("customers:customer-detail", args=[duplicate.pk]), follow=True)
    assert "Merged duplicates" in followed.content.decode()


def test_store_staff_may_not_merge(staff_client, store):
    first, second = CustomerFactory(), CustomerFactory()
    staff = staff_client("store_staff", locations=[store])
    assert staff.get(reverse("customers:duplicates")).status_code == 403
    assert (
        form_post(
            staff,
            reverse("customers:merge"),
            {"source": first.pk, "target": second.pk},
        ).status_code
        == 403
    )
    assert not CustomerMerge.objects.exists()


def test_segment_pages_for_marketing(staff_client):
    CustomerFactory(channels=["store"])
    CustomerFactory(channels=["web", "app"])
    marketing = staff_client("marketing")
    assert marketing.get(reverse("customers:segment-list")).status_code == 200
    form = marketing.get(reverse("customers:segment-create"))
    assert "Used only these channels" in form.content.decode()
    created = form_post(
        marketing,
        reverse("customers:segment-create"),
        {"name": "Traditional", "fact": ["channels_only", "", ""], "value": ["store", "", ""], "is_active": "on"},
    )
    assert created.status_code == 302
    segment = Segment.objects.get()
    assert segment.rules == [{"fact": "channels_only", "params": {"channels": ["store"]}, "negate": False}]
    assert segment.member_count == 1
    edit = marketing.get(reverse("customers:segment-edit", args=[segment.slug])).content.decode()
    assert 'value="store"' in edit
    changed = form_post(
        marketing,
        reverse("customers:segment-edit", args=[segment.slug]),
        {
            "name": "Not in store",
            "fact": ["channels_any", ""],
            "value": ["store", ""],
            "negate": ["0"],
            "is_active": "on",
        },
    )
    assert changed.status_code == 302
    segment.refresh_from_db()
    assert segment.rules[0]["negate"] is True and segment.member_count == 1
    invalid = form_post(
        marketing,
        reverse("customers:segment-edit", args=[segment.slug]),
        {"name": "Bad", "fact": ["channels_all"], "value": ["fax"]},
    )
    assert invalid.status_code == 400
    assert "must list channels" in invalid.content.decode()
    assert Segment.objects.get().name == "Not in store"
    row = form_post(
        marketing, reverse("customers:segment-recompute", args=[segment.slug]), headers={"HX-Request": "true"}
    )
    assert row.status_code == 200
    assert f'id="segment-{segment.slug}"' in row.content.decode()


def test_store_staff_may_not_edit_segments(staff_client, store):
    staff = staff_client("store_staff", locations=[store])
    assert staff.get(reverse("customers:segment-list")).status_code == 403
    assert (
        form_post(
            staff,
            reverse("customers:segment-create"),
            {"name": "X", "rules": "[]"},
        ).status_code
        == 403
    )
    assert not Segment.objects.exists()


def test_global_search_finds_customers_and_a_scanned_card_opens_the_page(staff_client, store):
    customer = CustomerFactory(first_name="Yanis", last_name="Mercier", loyalty_card="OMNI5555")
    staff = staff_client("store_staff", locations=[store])
    hits = staff.get(reverse("global-search"), {"q": "mercier"}, headers={"HX-Request": "true"})
    assert "Yanis Mercier" in hits.content.decode()
    scanned = staff.get(reverse("global-search"), {"q": "OMNI5555", "go": "1"})
    assert scanned.status_code == 302
    assert scanned["Location"] == reverse("customers:customer-detail", args=[customer.pk])


def test_dashboard_panel():
    from django.template.loader import render_to_string

    from customers.search import dashboard_context
    from omni.actor import Actor

    CustomerFactory.create_batch(3)
    context = dashboard_context(Actor())
    assert context["total"] == 3
    assert "Find a customer" in render_to_string("customers/_dashboard_panel.html", {"panel": context})


def test_merge_page_finds_the_duplicate_of_a_customer(staff_client):
    keep = CustomerFactory(first_name="Inès", last_name="Garnier")
    other = CustomerFactory(first_name="Ines", last_name="Garnier", email="ines.g@example.fr")
    admin = staff_client("admin")
    page = admin.get(reverse("customers:merge"), {"target": keep.pk, "q": "garnier"}).content.decode()
    assert f"source={other.pk}" in page
    assert f"source={keep.pk}" not in page


def test_staff_record_consents_from_the_customer_page(staff_client, store):
    from customers.models import ConsentEvent

    customer = CustomerFactory(email_consent=False, sms_consent=False)
    staff = staff_client("store_staff", locations=[store])
    response = form_post(staff, reverse("customers:consents", args=[customer.pk]), {"sms": "on"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.email_consent, customer.sms_consent, customer.sms_consent_channel) == (False, True, "store")
    assert set(ConsentEvent.objects.values_list("medium", "granted")) == {("email", False), ("sms", True)}
    marketing = staff_client("marketing")
    assert form_post(marketing, reverse("customers:consents", args=[customer.pk]), {}).status_code == 403
    customer.refresh_from_db()
    assert customer.sms_consent is True


def test_null_consents_are_no_statement(api_as):
    response = api_as("web").post("/api/v1/customers/", {"email": "n@example.fr", "consents": None})
    assert response.status_code == 201
    assert response.json()["consents"] == {"email": False, "sms": False}


def test_refusals_render_in_place_for_htmx_and_with_the_layout_otherwise(staff_client, store):
    customer = CustomerFactory()
    marketing = staff_client("marketing")
    url = reverse("customers:contact-add", args=[customer.pk])
    fragment = form_post(marketing, url, {"kind": "call"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 403
    assert 'role="alert"' in fragment.content.decode() and "<html" not in fragment.content.decode()
    page = staff_client("store_staff", locations=[store]).get(reverse("customers:segment-list"))
    assert page.status_code == 403
    assert "<html" in page.content.decode() and "Not allowed" in page.content.decode()
