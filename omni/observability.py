"""What operators see: structured logs with a request id, personal data masked, /metrics.

- ``RequestIdMiddleware``: django-structlog's request middleware that takes the request id
  from an incoming ``X-Request-ID`` (when it looks like an id), generates one otherwise,
  binds it to every log line of the request (and, through django-structlog's Celery
  receivers, of the tasks it queues) and echoes it in the response's ``X-Request-ID``.
  The logged request is the method and path only: query strings carry search terms,
  e-mail addresses and codes.
- ``mask_personal_data``: a structlog processor, the safety net behind careful log calls,
  that replaces e-mail addresses and phone-number-like strings in every value and redacts
  values under sensitive keys (password, token...). ``scrub_sentry_event`` does the same to
  what goes to Sentry.
- ``metrics``: django-prometheus' exporter, only for allowed addresses or a bearer token.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import structlog
from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django_structlog.middlewares.request import RequestMiddleware

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

REQUEST_ID_HEADER = "X-Request-ID"
# An upstream id is trusted only if it cannot forge a log line or grow without bound.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# International (+33 6 12 34 56 78, 0033612345678) and French national (06 12 34 56 78)
# shapes; not inside UUIDs, timestamps or references (no word character or hyphen around).
_PHONE = re.compile(
    r"(?<![\w.+-])(?:(?:\+|00)[1-9](?:[ .()-]?\d){6,14}|0[1-9](?:[ .-]?\d{2}){4})(?![\w-])"
)
# A gift card's code is in the URL of its balance check (api-contract.md): never in a log.
_GIFT_CARD_PATH = re.compile(r"(/api/v1/gift-cards/)[^/\s?'\"]+")
SENSITIVE_KEYS = frozenset({
    "password", "passwd", "secret", "token", "access_token", "refresh_token", "api_key",
    "authorization", "cookie", "pickup_code", "otp",
})
EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
REDACTED = "[redacted]"


def mask_text(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and gift card codes replaced by placeholders."""
    return _GIFT_CARD_PATH.sub(r"\1[card]", _PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, text)))


def _mask(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if depth > 8:
        return value
    if isinstance(value, dict):
        return {
            key: REDACTED if isinstance(key, str) and key.lower() in SENSITIVE_KEYS and item else _mask(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_mask(item, depth + 1) for item in value)
    return value


def mask_personal_data(logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """structlog processor: no e-mail address, phone number or secret leaves in a log line."""
    return _mask(event_dict)


def mask_exception_text(logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> Mapping[str, Any]:
    """structlog processor, after ``format_exc_info``: the traceback's text, the one part of
    a line that did not exist yet when ``mask_personal_data`` ran (frames print values)."""
    if isinstance(event_dict.get("exception"), str):
        event_dict["exception"] = mask_text(event_dict["exception"])
    return event_dict


def scrub_sentry_event(event: Event, hint: Hint) -> Event | None:
    """Sentry ``before_send``: the same masking over the whole event (messages, breadcrumbs, frame variables)."""
    return _mask(event)


class RequestIdMiddleware(RequestMiddleware):
    def prepare(self, request) -> None:
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        if incoming is not None and not _REQUEST_ID.fullmatch(incoming):
            del request.META["HTTP_X_REQUEST_ID"]
            request.__dict__.pop("headers", None)  # HttpRequest.headers is cached
        super().prepare(request)
        request.request_id = structlog.contextvars.get_contextvars().get("request_id")

    def handle_response(self, request, response) -> None:
        request_id = getattr(request, "request_id", None)
        if request_id:
            response[REQUEST_ID_HEADER] = request_id
        super().handle_response(request, response)

    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {request.path}"


def _client_allowed(request) -> bool:
    # A request relayed by a proxy on an allowed address is not the proxy's own request.
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.OMNI_METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def _token_allowed(request) -> bool:
    token = settings.OMNI_METRICS_TOKEN
    if not token:
        return False
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@never_cache
def metrics(request):
    """Prometheus exposition, for allowed addresses or ``Authorization: Bearer <OMNI_METRICS_TOKEN>``."""
    if not (_client_allowed(request) or _token_allowed(request)):
        return HttpResponseForbidden("Forbidden\n", content_type="text/plain")
    from django_prometheus.exports import ExportToDjangoView  # imports app modules: not at settings time

    return ExportToDjangoView(request)
