"""The SMS provider fails (500, a timeout, an answer that is not HTTP): the event that
sends the SMS still answers normally, each attempt is recorded on the message with a
growing backoff, and once the provider is back the message goes out once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from omni import tasks
from omni.models import Message
from tests.conftest import ApiTestClient
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import LocationFactory, make_api_client
from tests.factories.orders import place_pickup

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 0.5  # OMNI_SMS_HTTP_TIMEOUT in these tests


@pytest.fixture
def http_sms(settings, sms_provider):
    settings.OMNI_SMS_BACKEND = "omni.sms.HttpSmsBackend"
    settings.OMNI_SMS_HTTP_URL = sms_provider.url
    settings.OMNI_SMS_HTTP_TIMEOUT = TIMEOUT
    settings.OMNI_MESSAGE_MAX_ATTEMPTS = 6
    sms_provider.delay = 60  # held until released: far beyond the client's timeout
    return sms_provider


def make_due(message: Message) -> None:
    """Let the backoff elapse: the retry time is now."""
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


@pytest.mark.parametrize("failure", ["error", "slow", "garbage"])
def test_failing_provider_never_blocks_the_pickup_and_the_sms_goes_out_once(http_sms, failure):
    store = LocationFactory(code="sms-store", click_and_collect=True)
    stock(ProductFactory(sku="SMS-CAP", price=Decimal("19.90")), store, 5)
    customer = CustomerFactory(phone="+33612345678", sms_consent=True)
    order = place_pickup(location=store, lines={"SMS-CAP": 1}, customer=customer)
    _client, token = make_api_client("pos", location=store)
    http_sms.mode = failure

    response = ApiTestClient(token).post(f"/api/v1/orders/{order.number}/ready/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ready_for_pickup"
    # Inline tasks (no broker) give up on the provider at its timeout; with a broker the
    # request only queues the send. Either way the answer came while the slow provider
    # still held its own: a request that waited for it would find it answered.
    assert http_sms.answered == []
    http_sms.release()

    message = Message.objects.get()
    assert (message.status, message.attempts, message.kind) == (Message.Status.PENDING, 1, "pickup_ready")
    assert message.last_error
    assert http_sms.attempts == [str(message.pk)] and http_sms.deliveries == []
    first_wait = message.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < first_wait <= timedelta(seconds=30)

    assert tasks.send_pending_messages() == 0  # not due yet: the backoff holds
    assert len(http_sms.attempts) == 1

    make_due(message)
    before = timezone.now()
    assert tasks.send_pending_messages() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.PENDING, 2)
    assert message.next_attempt_at - before >= 2 * timedelta(seconds=30) - timedelta(seconds=1)  # backoff grows

    http_sms.mode = "ok"  # the provider recovers
    make_due(message)
    tasks.send_pending_messages()
    assert tasks.send_pending_messages() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Message.Status.SENT, 3, "")
    assert http_sms.attempts == [str(message.pk)] * 3  # every attempt is one call, counted on the message
    assert http_sms.delivered_to() == ["+33612345678"]
    assert order.number in http_sms.deliveries[0]["text"]


def test_checkout_answers_while_the_provider_is_down(http_sms):
    """A checkout never waits on the provider (no SMS is due at checkout), and the later
    pickup SMS waits in the outbox."""
    store = LocationFactory(code="sms-store", click_and_collect=True)
    stock(ProductFactory(sku="SMS-CAP", price=Decimal("19.90")), store, 5)
    customer = CustomerFactory(phone="+33612345678", sms_consent=True)
    _client, token = make_api_client("pos", location=store)
    pos = ApiTestClient(token)
    http_sms.mode = "slow"

    sale = pos.post("/api/v1/orders/", {"lines": [{"sku": "SMS-CAP", "quantity": 1}], "fulfilment": "in_store",
                                        "customer": str(customer.pk)})
    assert sale.status_code == 201, sale.content
    pickup = pos.post("/api/v1/orders/", {"lines": [{"sku": "SMS-CAP", "quantity": 1}],
                                          "fulfilment": "click_and_collect", "pickup_location": store.code,
                                          "customer": str(customer.pk)})
    assert pickup.status_code == 201, pickup.content
    ready = pos.post(f"/api/v1/orders/{pickup.json()['number']}/ready/")
    assert ready.status_code == 200, ready.content
    assert Message.objects.get().status == Message.Status.PENDING

    http_sms.mode = "ok"
    make_due(Message.objects.get())
    assert tasks.send_pending_messages() == 1
    assert http_sms.delivered_to() == ["+33612345678"]
