"""Business refusals and the one DRF handler that turns them into responses.

A service raises a ``DomainError`` subclass whose ``code`` is the contract's snake_case
code; the API answers ``{"code", "detail", ...extra}`` with its status, and pages show
``detail`` in place.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorCode(StrEnum):
    """The codes Omni's core answers with; each app declares its own in its ``errors.py``.

    DRF's own refusals keep DRF's codes (``not_authenticated``, ``throttled``...): the
    schema lists them beside these (``omni.api.error_codes``).
    """

    CONFLICT = "conflict"
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    PERMISSION_DENIED = "permission_denied"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    SERVICE_UNAVAILABLE = "service_unavailable"
    LOCATION_REQUIRED = "location_required"
    # Answered by Django's error handlers and middleware on /api/ (omni.error_pages).
    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    REQUEST_TOO_LARGE = "request_too_large"
    SERVER_ERROR = "server_error"


class DomainError(Exception):
    code: StrEnum = ErrorCode.CONFLICT
    status: int = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")

    def __init__(self, detail: str | None = None, **extra: object) -> None:
        self.detail = str(detail or self.default_detail)
        self.extra = extra
        super().__init__(self.detail)

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail, **self.extra}


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION
    default_detail = _("This change is not allowed from the current status.")


class Forbidden(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    status = status.HTTP_403_FORBIDDEN
    default_detail = _("You may not do this here.")


class IdempotencyKeyReused(DomainError):
    code = ErrorCode.IDEMPOTENCY_KEY_REUSED
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with a different request.")


class IdempotencyKeyInvalid(DomainError):
    code = ErrorCode.IDEMPOTENCY_KEY_INVALID
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("An Idempotency-Key has 1 to 255 visible ASCII characters.")


class IdempotencyKeyInUse(DomainError):
    code = ErrorCode.IDEMPOTENCY_KEY_IN_USE
    default_detail = _("A request with this Idempotency-Key is still being processed.")


class ServiceUnavailable(DomainError):
    code = ErrorCode.SERVICE_UNAVAILABLE
    status = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Temporarily unavailable, please retry.")


class FieldRefused(DomainError):
    """A service's refusal of one field's value; answered as a 400 naming the field, like
    DRF's validation errors, so that a client reads both the same way."""

    code = ErrorCode.INVALID
    status = status.HTTP_400_BAD_REQUEST

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail, field=field)
        self.field = field

    def as_dict(self) -> dict:
        return {self.field: [self.detail]}


class LocationRequired(DomainError):
    code = ErrorCode.LOCATION_REQUIRED
    status = status.HTTP_400_BAD_REQUEST
    default_detail = _("A POS client needs a location.")


def error_codes() -> list[str]:
    """Every ``code`` an error answer on /api/ can carry, for the schema's ``Error`` body:
    each app's enum (through the refusals that use it) and DRF's own refusals."""
    autodiscover_modules("errors")  # every installed app's refusals, even one no view imported yet
    codes: set[str] = set(ErrorCode)
    refusals: list[type[DomainError]] = [DomainError]
    while refusals:
        refusal = refusals.pop()
        refusals.extend(refusal.__subclasses__())
        codes.add(refusal.code)
    drf_refusals: list[type[exceptions.APIException]] = [exceptions.APIException]
    while drf_refusals:
        drf_refusal = drf_refusals.pop()
        drf_refusals.extend(drf_refusal.__subclasses__())
        if not issubclass(drf_refusal, exceptions.ValidationError):  # answered as field errors
            codes.add(drf_refusal.default_code)
    return sorted(str(code) for code in codes)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # A refusal that says when to come back (``retry_after`` seconds) says it in the
        # header HTTP clients read too; a 503 always does.
        retry_after = exc.extra.get("retry_after", 1 if exc.status == 503 else None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(exc.as_dict(), status=exc.status, headers=headers)
    if isinstance(exc, OperationalError | InterfaceError):
        # A lost connection or a lock timeout: nothing was committed, the client may retry.
        return Response(ServiceUnavailable().as_dict(), status=503, headers={"Retry-After": "1"})
    if isinstance(exc, IntegrityError):
        # A concurrent request won a uniqueness race; the state is intact.
        return Response(DomainError().as_dict(), status=409)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    carries_code = isinstance(exc, exceptions.APIException) and not isinstance(exc, exceptions.ValidationError)
    if response is not None and carries_code and isinstance(response.data, dict):
        response.data.setdefault("code", exc.default_code)
    return response
