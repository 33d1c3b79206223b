"""With a real broker (CI's Redis), a message queued by a change reaches a real worker."""

import time

import pytest
from django.conf import settings

from omni import celery_app
from omni.models import Message
from omni.notifications import message_queue
from omni.sms import MemorySmsBackend

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # One queue on CI's Redis for every worker of a parallel run: the tests that start a
    # consumer on it run in one worker, one after the other (--dist loadgroup).
    pytest.mark.xdist_group("broker"),
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (CI runs it on Redis)"),
]


@pytest.fixture
def real_worker():
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def test_message_goes_through_the_broker_to_a_worker(real_worker):
    message_queue(medium="sms", recipient="+33612345678", body="Your order is ready", kind="pickup_ready")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not MemorySmsBackend.outbox:
        time.sleep(0.1)
    assert [sms.body for sms in MemorySmsBackend.outbox] == ["Your order is ready"]
    assert Message.objects.get().status == Message.Status.SENT
