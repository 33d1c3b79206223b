"""An app that knows a customer's e-mail cannot take over their messages: find-or-create
with the victim's address, the attacker's phone and an SMS consent records the phone but
neither confirms it nor turns SMS on, and the next pickup-ready SMS, with its code, does
not go to the attacker. Staff confirm a contact point in person; the rules are in
customers.contact_points."""

from decimal import Decimal

import pytest

from customers.models import Customer
from omni.models import Message
from omni.sms import MemorySmsBackend
from orders import services as order_services
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup, pos_actor

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"
ATTACKER = "+33699887766"


@pytest.fixture
def victim(db):
    """Created on the website with only an e-mail address and no SMS consent."""
    return CustomerFactory(email="victim@example.fr", phone=None, sms_consent=False, email_consent=False,
                           created_channel="web")


def _ready_pickup_for(customer, store):
    stock(ProductFactory(sku="TAKE-CAP", price=Decimal("19.90")), store, 3)
    order = place_pickup(location=store, lines={"TAKE-CAP": 1}, customer=customer)
    order_services.order_mark_ready(order=order, actor=pos_actor(store))
    return order


def test_the_app_cannot_take_over_a_customer_s_messages(
    api_as, victim, store, mailoutbox, django_capture_on_commit_callbacks
):
    response = api_as("app").post(URL, {"email": "VICTIM@example.fr", "phone": "06 99 88 77 66",
                                        "consents": {"sms": True}})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(victim.pk)
    assert body["phone"] == ATTACKER  # recorded: the customer is recognised by it from now on
    assert body["confirmed"] == {"email": True, "sms": False}
    assert body["consents"]["sms"] is False
    victim.refresh_from_db()
    assert (victim.phone, victim.phone_confirmed_at, victim.sms_consent) == (ATTACKER, None, False)

    with django_capture_on_commit_callbacks(execute=True):
        order = _ready_pickup_for(victim, store)
    assert not [sms for sms in MemorySmsBackend.outbox if sms.to == ATTACKER]
    assert not Message.objects.filter(recipient=ATTACKER).exists()
    # The pickup code goes to the address the customer gave when they signed up.
    assert [mail.to for mail in mailoutbox] == [["victim@example.fr"]]
    assert order_services.pickup_code_for(order) in mailoutbox[0].body


def test_a_consent_given_elsewhere_is_not_changed_by_another_channel(api_as):
    customer = CustomerFactory(email="anne@example.fr", sms_consent=False)
    customer.sms_consent_at, customer.sms_consent_channel = customer.created_at, "store"
    customer.save()
    api_as("web").post(URL, {"email": "anne@example.fr", "consents": {"sms": True, "email": True}})
    customer.refresh_from_db()
    assert (customer.sms_consent, customer.sms_consent_channel) == (False, "store")
    assert customer.email_consent is False  # never decided: not the website's to decide either
    api_as("web").patch(f"{URL}{customer.pk}/", {"consents": {"sms": True}})
    customer.refresh_from_db()
    assert customer.sms_consent is False


def test_the_channel_of_the_customer_s_own_decision_may_change_it(api_as):
    customer = CustomerFactory(email="bea@example.fr", sms_consent=False)
    customer.sms_consent_at, customer.sms_consent_channel = customer.created_at, "app"
    customer.save()
    api_as("app").post(URL, {"email": "bea@example.fr", "consents": {"sms": True}})
    customer.refresh_from_db()
    assert customer.sms_consent is True


def test_withdrawing_a_consent_is_honoured_from_any_channel(api_as):
    customer = CustomerFactory(email="carl@example.fr", sms_consent=True)
    customer.sms_consent_at, customer.sms_consent_channel = customer.created_at, "store"
    customer.save()
    api_as("web").post(URL, {"email": "carl@example.fr", "consents": {"sms": False}})
    customer.refresh_from_db()
    assert customer.sms_consent is False


def test_a_new_customer_s_contact_points_and_consents_are_their_own(api_as):
    body = api_as("app").post(URL, {"email": "new@example.fr", "phone": "0611223344",
                                    "consents": {"sms": True}}).json()
    assert body["confirmed"] == {"email": True, "sms": True}
    assert body["consents"]["sms"] is True


def test_a_till_attaching_a_phone_vouches_for_it(api_as, victim, store):
    api_as("pos", location=store).post(URL, {"email": "victim@example.fr", "phone": "0699887766",
                                             "consents": {"sms": True}})
    victim.refresh_from_db()
    assert victim.phone_confirmed_at is not None and victim.sms_consent is True


def test_staff_confirm_an_attached_phone_on_the_360_page(api_as, victim, staff_client, store):
    api_as("app").post(URL, {"email": "victim@example.fr", "phone": "0699887766"})
    staff = staff_client("store_staff", locations=[store])
    page = staff.get(f"/customers/{victim.pk}/").content.decode()
    assert 'id="unconfirmed-sms"' in page
    response = staff.post(f"/customers/{victim.pk}/confirm/sms/")
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.phone_confirmed_at is not None
    assert 'id="unconfirmed-sms"' not in staff.get(f"/customers/{victim.pk}/").content.decode()
    assert victim.contacts.filter(staff=staff.user, note="Confirmed the phone number on file.").exists()


def test_a_phone_changed_by_the_website_is_unconfirmed_until_proved(api_as):
    customer = CustomerFactory(email="dan@example.fr", phone="+33611111111")
    api_as("web").patch(f"{URL}{customer.pk}/", {"phone": "0622222222"})
    customer = Customer.objects.get(pk=customer.pk)
    assert (customer.phone, customer.phone_confirmed_at) == ("+33622222222", None)
    assert customer.service_contact() == ("email", "dan@example.fr")


def _sent_code(customer, medium="sms") -> str:
    from customers.services.verification import _window, verification_code

    customer.refresh_from_db()
    return verification_code(customer, medium, window=_window())


def test_the_customer_proves_an_attached_phone_with_the_code_sent_to_it(api_as, victim):
    app = api_as("app")
    app.post(URL, {"email": "victim@example.fr", "phone": "0699887766"})
    sent = app.post(f"{URL}{victim.pk}/contact-points/sms/verify/")
    assert sent.status_code == 202, sent.content
    message = Message.objects.get(kind="contact_verification")
    code = _sent_code(victim)
    assert (message.recipient, code in message.body) == (ATTACKER, True)

    wrong = app.post(f"{URL}{victim.pk}/contact-points/sms/confirm/", {"code": "000000" if code != "000000" else "1"})
    assert wrong.status_code == 409 and wrong.json()["code"] == "invalid_verification_code"
    victim.refresh_from_db()
    assert victim.phone_confirmed_at is None

    right = app.post(f"{URL}{victim.pk}/contact-points/sms/confirm/", {"code": code})
    assert right.status_code == 200, right.content
    assert right.json()["confirmed"]["sms"] is True


def test_codes_are_not_sent_in_a_flood_nor_guessed(api_as, victim):
    app = api_as("app")
    app.post(URL, {"email": "victim@example.fr", "phone": "0699887766"})
    assert app.post(f"{URL}{victim.pk}/contact-points/sms/verify/").status_code == 202
    again = app.post(f"{URL}{victim.pk}/contact-points/sms/verify/")
    assert again.status_code == 429 and again["Retry-After"] == "60"
    assert Message.objects.filter(kind="contact_verification").count() == 1

    code = _sent_code(victim)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        assert app.post(f"{URL}{victim.pk}/contact-points/sms/confirm/", {"code": wrong}).status_code == 409
    locked = app.post(f"{URL}{victim.pk}/contact-points/sms/confirm/", {"code": code})
    assert locked.status_code == 429 and locked.json()["code"] == "verification_locked"
    victim.refresh_from_db()
    assert victim.phone_confirmed_at is None


@pytest.mark.parametrize("medium, status", [("fax", 400), ("email", 202)])
def test_verification_names_a_medium_the_customer_has(api_as, victim, medium, status):
    assert api_as("app").post(f"{URL}{victim.pk}/contact-points/{medium}/verify/").status_code == status
