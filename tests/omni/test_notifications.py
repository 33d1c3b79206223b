import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from omni import tasks
from omni.models import Message
from omni.notifications import message_queue, messages_about
from omni.sms import HttpSmsBackend, MemorySmsBackend, Sms, SmsDeliveryError

pytestmark = pytest.mark.django_db(transaction=True)


class FailingSmsBackend:
    def send(self, sms):
        raise SmsDeliveryError("provider answered 500")


def test_a_message_is_sent_after_commit_and_recorded_against_its_subject(store):
    with transaction.atomic():
        message_queue(medium="sms", recipient="+33612345678", body="Ready!", kind="pickup_ready", about=store)
        assert MemorySmsBackend.outbox == []  # nothing leaves before the commit
    assert [sms.to for sms in MemorySmsBackend.outbox] == ["+33612345678"]
    recorded = messages_about(store).get()
    assert recorded.status == Message.Status.SENT and recorded.attempts == 1 and recorded.sent_at


def test_a_rolled_back_change_sends_nothing(store):
    with pytest.raises(RuntimeError), transaction.atomic():
        message_queue(medium="sms", recipient="+33612345678", body="Ready!", kind="pickup_ready", about=store)
        raise RuntimeError("the order failed")
    assert MemorySmsBackend.outbox == []
    assert not Message.objects.exists()


def test_email_goes_through_django_mail():
    message_queue(medium="email", recipient="jeremy@example.fr", body="Hello", kind="welcome", subject_line="Hi")
    assert [m.to for m in mail.outbox] == [["jeremy@example.fr"]]
    assert Message.objects.get().status == Message.Status.SENT


def test_broker_outage_delays_but_never_loses_or_doubles(monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.send_message, "delay", broker_down)
    message_queue(medium="sms", recipient="+33612345678", body="Code ABC", kind="campaign")
    assert MemorySmsBackend.outbox == []
    assert Message.objects.get().status == Message.Status.PENDING

    monkeypatch.undo()
    assert tasks.send_pending_messages() == 1
    assert tasks.send_pending_messages() == 0  # the sweep twice: still one SMS
    assert len(MemorySmsBackend.outbox) == 1


def test_provider_failure_retries_with_backoff_then_gives_up(settings):
    settings.OMNI_SMS_BACKEND = "tests.omni.test_notifications.FailingSmsBackend"
    settings.OMNI_MESSAGE_MAX_ATTEMPTS = 2
    message_queue(medium="sms", recipient="+33612345678", body="Hi", kind="campaign")
    message = Message.objects.get()
    assert message.status == Message.Status.PENDING and message.attempts == 1
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert "500" in message.last_error

    assert tasks.send_pending_messages() == 0  # not due yet
    Message.objects.update(next_attempt_at=timezone.now())
    tasks.send_pending_messages()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.attempts == 2


class _Provider(BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Provider.received.append((dict(self.headers), json.loads(body)))
        self.send_response(_Provider.answer)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "prov-1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider(settings):
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.OMNI_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.OMNI_SMS_HTTP_TOKEN = "secret-token"
    _Provider.received, _Provider.answer = [], 200
    yield _Provider
    server.shutdown()


def test_http_sms_backend_posts_json_with_token_and_idempotency_key(sms_provider):
    reference = HttpSmsBackend().send(Sms(to="+33612345678", body="Hello", reference="msg-1"))
    assert reference == "prov-1"
    headers, body = sms_provider.received[0]
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Idempotency-Key"] == "msg-1"
    assert body["to"] == "+33612345678" and body["text"] == "Hello"


def test_http_sms_backend_turns_a_500_into_a_delivery_error(sms_provider):
    sms_provider.answer = 500
    with pytest.raises(SmsDeliveryError):
        HttpSmsBackend().send(Sms(to="+33612345678", body="Hello", reference="msg-2"))
