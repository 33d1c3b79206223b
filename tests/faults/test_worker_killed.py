"""A Celery worker SIGKILLed in the middle of a campaign: after a restart every targeted
customer has exactly one code and one SMS.

The worker is a real ``celery -A omni worker`` process on a private Redis and the test
database. To stop it in the middle, deterministically, the test holds the row of one
customer (``SELECT ... FOR UPDATE``): the worker hands out the codes of the customers
before that one, then waits on the row inside that customer's transaction, and is killed
there. Late acks keep the campaign's task in Redis's unacked set; the test then does what
the transport does once its visibility timeout has passed (puts it back in the queue),
and a new worker finishes the campaign.
"""

from __future__ import annotations

import signal

import pytest
from celery import Celery
from kombu import Connection

from omni.actor import Actor
from omni.models import Message
from promotions.models import Campaign, CampaignRecipient, DiscountCode
from promotions.services import campaign_create, campaign_send
from promotions.services import campaigns as campaign_services
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.promotions import PromotionFactory, add_members
from tests.faults.conftest import omni_env, side_connection, wait_for

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

AUDIENCE = 8
HELD = 3  # the worker is killed while waiting on the 4th customer (0-based index 3)


def blocked_by(side, side_pid: int) -> bool:
    """Some backend waits on a lock that the side connection holds."""
    row = side.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                       [side_pid]).fetchone()
    return row[0] > 0


def publish(url: str, task_name: str, *args) -> None:
    """Publish a task to the private Redis, as a web process or beat would (whatever
    CELERY_BROKER_URL this test process runs with: Celery reads it first)."""
    with Connection(url) as broker:
        Celery("faults", set_as_current=False).send_task(task_name, args=list(args), connection=broker)


@pytest.mark.parametrize("moment", ["mid_transaction", "at_commit"])
def test_worker_killed_mid_campaign_then_restarted(private_redis, sms_provider, omni_processes, monkeypatch,
                                                     moment):
    """``mid_transaction``: killed while inserting the next customer's receipt (the side
    connection holds an uncommitted one for the same customer): that customer's work dies
    with the worker. ``at_commit``: killed while committing it (the side connection holds
    the customer row, which the deferred foreign key checks at commit): the database
    finishes the commit, the worker never queues that customer's SMS, and the outbox sweep
    sends it."""
    segment = SegmentFactory(slug="traditional", name="Traditional")
    customers = [CustomerFactory(sms_consent=True) for _ in range(AUDIENCE)]
    add_members(segment, *customers)
    customers.sort(key=lambda c: c.pk)  # the order the campaign follows
    campaign = campaign_create(
        name="Welcome back", promotion=PromotionFactory(name="Welcome -10", value="10"), segment=segment,
        actor=Actor.system(), sms_text="Hi {first_name}: -10% with {code}", code_prefix="wb",
    )
    worker_env = omni_env(
        CELERY_BROKER_URL=private_redis.url,
        OMNI_SMS_BACKEND="omni.sms.HttpSmsBackend",
        OMNI_SMS_HTTP_URL=sms_provider.url,
        OMNI_SMS_HTTP_TIMEOUT="5",
        DATABASE_LOCK_TIMEOUT_MS="60000",  # the first worker waits on the held row until it is killed
    )
    # What campaign_send's on_commit does with a broker configured.
    monkeypatch.setattr(campaign_services, "_dispatch",
                        lambda task, campaign_id: publish(private_redis.url, task.name, str(campaign_id)))

    held = customers[HELD]
    side = side_connection(autocommit=False)
    try:
        side_pid = side.info.backend_pid
        if moment == "mid_transaction":
            side.execute(
                "INSERT INTO promotions_campaignrecipient (campaign_id, customer_id, status, media, error, at)"
                " VALUES (%s, %s, 'sent', 'sms', '', now())", [campaign.pk, held.pk])
        else:
            side.execute("SELECT 1 FROM customers_customer WHERE id = %s FOR UPDATE", [held.pk])

        first = omni_processes("worker", worker_env, name="first")
        campaign_send(campaign=campaign, actor=Actor.system())
        try:
            wait_for(lambda: CampaignRecipient.objects.filter(campaign=campaign).count() == HELD
                     and blocked_by(side, side_pid), timeout=45,
                     what="the worker to hand out the first codes and wait on the held customer")
        except AssertionError:
            raise AssertionError(first.tail()) from None
        assert first.alive()
        first.kill(signal.SIGKILL)
    finally:
        side.rollback()
        side.close()

    handled = HELD + (moment == "at_commit")
    with side_connection() as side:  # the dead worker's backend ends (and, at commit, commits)
        wait_for(lambda: not blocked_by(side, side_pid) and not side.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state <> 'idle'"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND pid <> %s",
            [connection_pid()]).fetchone()[0], timeout=20, what="the killed worker's backend to end")
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == handled
    redis = private_redis.client()
    assert redis.hlen("unacked") == 1, "the campaign's task was acknowledged before it finished"

    # The visibility timeout has passed: the transport puts the unacked task back.
    with Connection(private_redis.url, transport_options={"visibility_timeout": 0}) as broker:
        broker.default_channel.qos.restore_visible(num=100)
    assert redis.hlen("unacked") == 0

    second = omni_processes("worker", worker_env, name="second")
    try:
        wait_for(lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENT, timeout=60,
                 what="the campaign to finish")
        publish(private_redis.url, "omni.tasks.send_pending_messages")  # beat's periodic sweep
        wait_for(lambda: "send_pending_messages" in second.log.read_text()
                 and "succeeded" in second.log.read_text().split("send_pending_messages")[-1]
                 and len(sms_provider.deliveries) >= AUDIENCE, timeout=60, what="every SMS to go out")
    except AssertionError:
        state = (Campaign.objects.get(pk=campaign.pk).status, list(Message.objects.values_list("status", flat=True)),
                 len(sms_provider.deliveries), len(sms_provider.attempts))
        raise AssertionError(f"{state}\n{second.tail()}") from None

    recipients = CampaignRecipient.objects.filter(campaign=campaign)
    assert sorted(recipients.values_list("customer_id", flat=True)) == [c.pk for c in customers]
    assert set(recipients.values_list("status", flat=True)) == {CampaignRecipient.Status.SENT}
    codes = DiscountCode.objects.filter(promotion=campaign.promotion)
    assert codes.count() == AUDIENCE  # a code drawn by the killed transaction went with it
    assert set(recipients.values_list("code_id", flat=True)) == set(codes.values_list("pk", flat=True))
    messages = Message.objects.filter(kind="campaign")
    assert sorted(messages.values_list("recipient", flat=True)) == sorted(str(c.phone) for c in customers)
    assert set(messages.values_list("status", flat=True)) == {Message.Status.SENT}
    assert sorted(sms_provider.delivered_to()) == sorted(str(c.phone) for c in customers)
    for code in codes:  # each customer's own code, in their one SMS
        assert sum(code.code in d["text"] for d in sms_provider.deliveries) == 1
    # Each message reached the provider once: nothing was sent twice after the kill either.
    assert len(sms_provider.attempts) == AUDIENCE


def connection_pid() -> int:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.info.backend_pid
