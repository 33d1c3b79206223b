from celery import shared_task

from . import idempotency, notifications


@shared_task(ignore_result=True)
def send_message(message_id: str) -> None:
    notifications.message_send(message_id=message_id)


@shared_task(ignore_result=True)
def send_pending_messages() -> int:
    """The sweep: whatever the broker lost or the provider refused is tried again."""
    sent = 0
    for message_id in notifications.pending_message_ids():
        if notifications.message_send(message_id=message_id) is not None:
            sent += 1
    return sent


@shared_task(ignore_result=True)
def purge_idempotency_records() -> int:
    return idempotency.purge_expired()
