"""Staff create and edit customers with the API's recognition rules: identifiers someone
has offer that customer, a customer of the same name is offered, nothing is created
silently, and every refusal comes back inside the page."""

import pytest

from customers.models import Customer
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db

NEW = "/customers/new/"


def _form(**fields) -> dict:
    return {"first_name": "", "last_name": "", "email": "", "phone": "", "loyalty_card": "", "city": "",
            "language": "fr", **fields}


def test_a_new_customer_is_created_with_identifiers_normalised_and_consent_recorded(staff_client, store):
    staff = staff_client("store_staff", locations=[store])
    assert staff.get("/customers/").content.decode().count(NEW) == 1  # offered on the list
    response = staff.post(NEW, _form(first_name="Inès", last_name="Moreau", phone="06 98 76 54 32",
                                     email="Ines.Moreau@Example.fr", city="Lyon", sms_consent="on"))
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert (customer.phone, customer.email, customer.city) == ("+33698765432", "ines.moreau@example.fr", "Lyon")
    assert customer.sms_consent and not customer.email_consent
    assert customer.created_channel == "store"


def test_identifiers_someone_has_offer_that_customer_and_create_nothing(staff_client, store):
    known = CustomerFactory(first_name="Jérémy", last_name="Roy", phone="+33612345678", email=None)
    staff = staff_client("store_staff", locations=[store])
    typed = _form(first_name="Jeremy", last_name="Roy", phone="06 12 34 56 78", email="jeremy@example.fr")
    offer = staff.post(NEW, typed)
    html = offer.content.decode()
    assert offer.status_code == 200 and 'data-testid="recognised"' in html
    assert f"/customers/{known.pk}/" in html and 'name="decision" value="attach"' in html
    assert Customer.objects.count() == 1

    attached = staff.post(NEW, {**typed, "decision": "attach"})
    assert attached["Location"] == f"/customers/{known.pk}/"
    known.refresh_from_db()
    assert known.email == "jeremy@example.fr" and Customer.objects.count() == 1


def test_identifiers_of_two_customers_are_refused_in_the_page(staff_client, store):
    by_phone = CustomerFactory(phone="+33612345678")
    by_email = CustomerFactory(email="two@example.fr")
    staff = staff_client("store_staff", locations=[store])
    typed = _form(phone="0612345678", email="two@example.fr")
    offer = staff.post(NEW, typed).content.decode()
    assert f"/customers/{by_phone.pk}/" in offer and f"/customers/{by_email.pk}/" in offer
    assert 'value="attach"' not in offer  # nothing to add them to: they are to be merged
    refused = staff.post(NEW, {**typed, "decision": "attach"})
    assert refused.status_code == 409 and "merge them first" in refused.content.decode()
    assert "<nav" in refused.content.decode()  # inside the layout
    assert Customer.objects.count() == 2


def test_a_customer_of_the_same_name_is_offered_before_a_new_one(staff_client, store):
    CustomerFactory(first_name="Françoise", last_name="Guérin", phone="+33611111111")
    staff = staff_client("store_staff", locations=[store])
    typed = _form(first_name="francoise", last_name="GUÉRIN", phone="0622222222")  # as people type it
    offer = staff.post(NEW, typed)
    assert 'data-testid="same-name"' in offer.content.decode() and Customer.objects.count() == 1
    created = staff.post(NEW, {**typed, "decision": "new"})
    assert created.status_code == 302 and Customer.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "12"}, "phone"),
        ({"first_name": "Nobody"}, "Give at least one of e-mail, phone or loyalty card."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
    ],
    ids=["bad-phone", "no-identifier", "bad-email"],
)
def test_bad_details_are_refused_in_the_page_and_create_nothing(staff_client, store, fields, message):
    staff = staff_client("store_staff", locations=[store])
    response = staff.post(NEW, {**_form(**fields), "decision": "new"})
    html = response.content.decode()
    assert response.status_code == 400 and "<nav" in html
    assert message in html
    assert not Customer.objects.exists()


def test_marketing_neither_sees_nor_uses_the_customer_forms(staff_client):
    marketing = staff_client("marketing")
    customer = CustomerFactory()
    assert NEW not in marketing.get("/customers/").content.decode()
    assert "/edit/" not in marketing.get(f"/customers/{customer.pk}/").content.decode()
    assert marketing.post(NEW, _form(phone="0612345678")).status_code == 403
    edit = marketing.post(f"/customers/{customer.pk}/edit/", _form(first_name="X", phone="0612345678"))
    assert edit.status_code == 403
    assert Customer.objects.count() == 1


def test_staff_edit_a_customer_and_an_identifier_in_use_is_refused_on_its_field(staff_client, store):
    customer = CustomerFactory(first_name="Léa", last_name="Martin", phone="+33633333333", email="lea@example.fr")
    CustomerFactory(phone="+33644444444")
    staff = staff_client("store_staff", locations=[store])
    edit = f"/customers/{customer.pk}/edit/"
    form = staff.get(edit).content.decode()
    assert 'value="Léa"' in form and "06 33 33 33 33" in form  # prefilled, the phone as people read it
    assert f'href="{edit}"' in staff.get(f"/customers/{customer.pk}/").content.decode()

    taken = staff.post(edit, _form(first_name="Léa", last_name="Martin", phone="06 44 44 44 44",
                                   email="lea@example.fr"))
    assert taken.status_code == 409 and "Another customer already has this identifier." in taken.content.decode()
    customer.refresh_from_db()
    assert customer.phone == "+33633333333"

    saved = staff.post(edit, _form(first_name="Léa", last_name="Martin-Roux", phone="06 33 33 33 33",
                                   email="lea@example.fr", city="Nantes"))
    assert saved.status_code == 302
    customer.refresh_from_db()
    assert (customer.last_name, customer.city, customer.phone) == ("Martin-Roux", "Nantes", "+33633333333")
