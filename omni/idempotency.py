"""The ``Idempotency-Key`` mechanism shared by every POST that creates something.

1. The first request with a key inserts an ``in_flight`` record, committed at once: the
   unique constraint on (caller, key) decides which of two concurrent retries runs.
2. The view runs. A response below 500 is stored against the key; a 5xx or an exception
   deletes the record, since nothing was created and the caller must be able to retry.
3. A later request with the same key and body gets the stored status and body with
   ``Idempotent-Replayed: true``; with another body 422 ``idempotency_key_reused``; while
   the first is still running 409 ``idempotency_key_in_use``.

Records are kept ``OMNI_IDEMPOTENCY_TTL_HOURS`` (24 h) and purged by a periodic task.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import DomainError, IdempotencyKeyInUse, IdempotencyKeyReused
from .models import ApiClient, IdempotencyRecord

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


def _expired_before() -> timezone.datetime:
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


def run_idempotent(view, request: Request, handler: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER)
    if not key:
        return handler()
    key = key.strip()[:MAX_KEY_LENGTH]
    claimed = _claim(_scope(request), key, _fingerprint(request))
    if isinstance(claimed, Response):
        return claimed
    try:
        try:
            response = handler()
        except (APIException, DomainError) as exc:
            # A refusal is an answer too: the replay must give the same one.
            response = view.handle_exception(exc)
    except BaseException:
        claimed.delete()
        raise
    if response.status_code >= 500:
        claimed.delete()
        return response
    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)) if response.data is not None else None
    IdempotencyRecord.objects.filter(pk=claimed.pk).update(
        state=IdempotencyRecord.State.DONE, response_status=response.status_code, response_body=body
    )
    return response


class IdempotentPostMixin:
    """For an APIView whose POST creates something: honours ``Idempotency-Key``."""

    def post(self, request, *args, **kwargs):
        return run_idempotent(self, request, lambda: super(IdempotentPostMixin, self).post(request, *args, **kwargs))


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted
