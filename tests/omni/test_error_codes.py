"""One way to fail: every refusal's code comes from its own app's enum, and the schema's
``Error`` body lists every code an answer can carry."""

from enum import StrEnum

import pytest
from django.test import Client
from django.utils.module_loading import autodiscover_modules

from omni.errors import DomainError, ErrorCode


def _refusals() -> list[type[DomainError]]:
    autodiscover_modules("errors")
    found, pending = [], [DomainError]
    while pending:
        refusal = pending.pop()
        found.append(refusal)
        pending.extend(refusal.__subclasses__())
    return found


@pytest.mark.parametrize("refusal", _refusals(), ids=lambda refusal: f"{refusal.__module__}.{refusal.__name__}")
def test_a_refusal_takes_its_code_from_its_app_enum_or_the_core_one(refusal):
    app = refusal.__module__.split(".")[0]
    code_enum = type(refusal.code)
    assert issubclass(code_enum, StrEnum), f"{refusal.__name__}.code is a bare string"
    assert code_enum is ErrorCode or code_enum.__module__ == f"{app}.errors"


@pytest.mark.django_db
def test_the_schema_lists_every_code_an_error_answer_can_carry():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listed = set(schema["components"]["schemas"]["Error"]["properties"]["code"]["enum"])
    assert {str(refusal.code) for refusal in _refusals()} <= listed
    assert {"not_authenticated", "throttled", "not_found", "request_too_large"} <= listed
