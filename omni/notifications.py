"""The notification layer: queue an SMS or e-mail in the outbox, send it after commit.

``message_queue`` writes the outbox row inside the caller's transaction and queues the
send with ``transaction.on_commit``; if the broker is down the row simply waits for the
periodic ``send_pending_messages`` sweep. ``message_send`` locks the row, so a message is
sent by one worker only, and marks it sent in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from .models import Message
from .outages import BROKER_ERRORS
from .sms import Sms, get_sms_backend

logger = logging.getLogger(__name__)

# Seconds to wait before attempt n+1: 30 s, 1 min, 2 min, 4 min, 8 min...
BACKOFF_BASE_SECONDS = 30


def message_queue(
    *,
    medium: str,
    recipient: str,
    body: str,
    kind: str,
    about: models.Model | None = None,
    subject_line: str = "",
) -> Message:
    message = Message.objects.create(
        medium=medium,
        recipient=recipient,
        body=body,
        kind=kind,
        subject_line=subject_line,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=str(about.pk) if about is not None else "",
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: dispatch_message(message.pk))
    return message


def dispatch_message(message_id) -> None:
    """Hand the message to a worker; a broker outage leaves it for the sweep."""
    from .tasks import send_message  # tasks import this module

    try:
        send_message.delay(str(message_id))
    except BROKER_ERRORS:  # the outbox row is the guarantee, not the broker
        logger.warning("broker unavailable, message %s left for the sweep", message_id, exc_info=True)


def _deliver(message: Message) -> str:
    if message.medium == Message.Medium.SMS:
        return get_sms_backend().send(Sms(to=message.recipient, body=message.body, reference=str(message.pk)))
    send_mail(
        subject=message.subject_line or message.kind,
        message=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[message.recipient],
    )
    return ""


def message_send(*, message_id) -> Message | None:
    """Send one pending message whose time has come; safe to call twice."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Message.Status.PENDING, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            message.provider_reference = _deliver(message)[:120]
        except Exception as exc:  # noqa: BLE001 - any failure is an attempt, recorded, retried after the backoff
            message.last_error = str(exc)[:2000]
            if message.attempts >= settings.OMNI_MESSAGE_MAX_ATTEMPTS:
                message.status = Message.Status.FAILED
            else:
                delay = BACKOFF_BASE_SECONDS * 2 ** (message.attempts - 1)
                message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            logger.warning("message %s not sent (attempt %s): %s", message.pk, message.attempts, exc)
        else:
            message.status = Message.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(
            update_fields=["attempts", "provider_reference", "last_error", "status", "next_attempt_at", "sent_at"]
        )
        return message


def pending_message_ids(*, limit: int = 500) -> list:
    return list(
        Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def messages_about(obj: models.Model):
    return Message.objects.filter(about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk))
