"""The ``Idempotency-Key`` mechanism shared by every POST that creates something.

1. The first request with a key inserts an ``in_flight`` record, committed at once: the
   unique constraint on (caller, key) decides which of two concurrent retries runs.
2. The view runs in one transaction with the storing of its response (below 500) against
   the key: what the request created and the answer to replay commit together, so a
   connection lost between the two cannot leave a created order behind a key that a
   retry would take over and create again. A 5xx or an exception deletes the record,
   since nothing was created and the caller must be able to retry; when the connection
   died with the request, the record is deleted on a fresh one.
3. A later request with the same key and body gets the stored status and body with
   ``Idempotent-Replayed: true``; with another body 422 ``idempotency_key_reused``; while
   the first is still running 409 ``idempotency_key_in_use``.

Records are kept ``OMNI_IDEMPOTENCY_TTL_HOURS`` (24 h) and purged by a periodic task.

A view whose answer carries a secret (a pickup code) keeps it out of the record with
``body_to_store(data)`` and puts it back on replay with ``body_to_replay(data)``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import DomainError, IdempotencyKeyInUse, IdempotencyKeyInvalid, IdempotencyKeyReused
from .models import ApiClient, IdempotencyRecord
from .transactions import all_or_nothing

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255


def _scope(request: Request) -> str:
    if isinstance(request.auth, ApiClient):
        return f"client:{request.auth.pk}"
    return f"user:{request.user.pk}"


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _expired_before() -> datetime:
    return timezone.now() - timedelta(hours=settings.OMNI_IDEMPOTENCY_TTL_HOURS)


def _claim(scope: str, key: str, fingerprint: str) -> IdempotencyRecord | Response:
    """Insert the in-flight record, or return what an earlier request with this key says."""
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    scope=scope, key=key, fingerprint=fingerprint, created_at=now
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:  # deleted meanwhile (the first request failed): try again
            continue
        if existing.created_at < _expired_before():
            IdempotencyRecord.objects.filter(pk=existing.pk, created_at=existing.created_at).delete()
            continue
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if existing.state == IdempotencyRecord.State.DONE:
            return Response(
                existing.response_body, status=existing.response_status, headers={REPLAYED_HEADER: "true"}
            )
        stale_before = now - timedelta(seconds=settings.OMNI_IDEMPOTENCY_STALE_SECONDS)
        if existing.created_at < stale_before:
            # The first request died with its process; take the key over, once.
            taken = IdempotencyRecord.objects.filter(
                pk=existing.pk, state=IdempotencyRecord.State.IN_FLIGHT, created_at=existing.created_at
            ).update(created_at=now)
            if taken:
                existing.created_at = now
                return existing
        raise IdempotencyKeyInUse()
    raise IdempotencyKeyInUse()


def _on_a_live_connection(operation: Callable[[], object]) -> object:
    """Run ``operation``; if the connection turns out dead (a terminated backend, a
    restarted server) and no transaction is open, run it once more on a fresh one."""
    try:
        return operation()
    except DatabaseError:
        if connection.in_atomic_block:  # a caller's transaction: not ours to drop
            raise
        connection.close()
        return operation()


def _release(claimed: IdempotencyRecord) -> None:
    """Free the key of a request that created nothing, so that the caller may retry now."""
    try:
        _on_a_live_connection(lambda: IdempotencyRecord.objects.filter(pk=claimed.pk).delete())
    except DatabaseError:  # the database is away: the key frees itself once stale
        logger.warning("idempotency key %s not released", claimed.pk, exc_info=True)


def _store(claimed: IdempotencyRecord, response: Response, view) -> None:
    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)) if response.data is not None else None
    if body is not None and hasattr(view, "body_to_store"):
        body = view.body_to_store(body)
    IdempotencyRecord.objects.filter(pk=claimed.pk).update(
        state=IdempotencyRecord.State.DONE, response_status=response.status_code, response_body=body
    )


def run_idempotent(view, request: Request, handler: Callable[[], Response]) -> Response:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return handler()
    # Cut to the column, two keys sharing their first 255 characters would be one key, and
    # a different request would be answered as the replay of another: refused instead.
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise IdempotencyKeyInvalid()
    claimed = _claim(_scope(request), key, _fingerprint(request))
    if isinstance(claimed, Response):
        if hasattr(view, "body_to_replay") and claimed.data is not None:
            claimed.data = view.body_to_replay(claimed.data)
        return claimed
    try:
        try:
            with all_or_nothing():  # what the request creates and its record commit together
                response = handler()
                if response.status_code < 500:
                    _store(claimed, response, view)  # with what the request created, or not at all
                    return response
                # A failure answered rather than raised creates nothing either: the key is
                # released below, so whatever the handler wrote must not commit.
                transaction.set_rollback(True)
        except (APIException, DomainError) as exc:
            # A refusal is an answer too: the replay must give the same one.
            response = view.handle_exception(exc)
            if response.status_code < 500:
                _store(claimed, response, view)
                return response
    except BaseException:
        _release(claimed)
        raise
    _release(claimed)
    return response


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted
