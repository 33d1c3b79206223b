"""Locations API and the API root."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .actor import Actor
from .errors import error_codes
from .idempotency import run_idempotent
from .models import Location
from .permissions import catalogue_writer
from .registry import ApiLink, registry
from .selectors import location_list
from .services import location_create, location_update


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "code",
            "name",
            "kind",
            "city",
            "address",
            "postcode",
            "phone",
            "opening_hours",
            "click_and_collect",
            "ship_from_store",
        ]


class LocationListCreateApi(generics.ListAPIView):
    serializer_class = LocationSerializer
    actor_rules = {"POST": catalogue_writer}
    filterset_fields = ["kind", "city", "click_and_collect", "ship_from_store"]

    def get_queryset(self):
        return location_list(actor=Actor.from_request(self.request))

    @extend_schema(request=LocationSerializer, responses={201: LocationSerializer})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._create(request))

    def _create(self, request):
        incoming = LocationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        location = location_create(actor=Actor.from_request(request), **incoming.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(generics.RetrieveAPIView):
    serializer_class = LocationSerializer
    lookup_field = "code"
    actor_rules = {"PATCH": catalogue_writer}

    def get_queryset(self):
        return location_list(actor=Actor.from_request(self.request))

    @extend_schema(request=LocationSerializer, responses=LocationSerializer)
    def patch(self, request, code):
        location = self.get_object()
        incoming = LocationSerializer(location, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        location = location_update(location=location, actor=Actor.from_request(request), **incoming.validated_data)
        return Response(LocationSerializer(location).data)


class ApiRootApi(APIView):
    """The entry points of API v1."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        links = registry.entries(ApiLink)
        return Response({link.name: reverse(link.url_name, request=request) for link in links})


# --- OpenAPI: the error answers every operation can give ---------------------------------
# The contract's errors are uniform across the API (see omni.errors.exception_handler), so
# they are documented once here rather than on each view: a validation error is DRF's
# field errors, everything else is ``{"code", "detail", ...}``.
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
_VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "DRF's field errors: each field (or `non_field_errors`) with its messages.",
    "additionalProperties": True,
}
_ERRORS = {
    "400": ("Validation error", "ValidationError"),
    "401": ("No or invalid credentials", "Error"),
    "403": ("The caller may not do this (outside its scope)", "Error"),
    "404": ("Unknown object in the URL, or a page past the end of a list", "Error"),
    "409": ("A business rule refused the request", "Error"),
    "413": ("The request body is larger than the limit", "Error"),
    "422": ("The Idempotency-Key was already used with a different body", "Error"),
    "429": ("Throttled; see Retry-After", "Error"),
    "503": ("Temporarily unavailable (lost connection, lock timeout); see Retry-After", "Error"),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the uniform error answers."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    error = {
        **_ERROR_SCHEMA,
        "properties": {**_ERROR_SCHEMA["properties"], "code": {"type": "string", "enum": error_codes()}},
    }
    schemas.setdefault("Error", error)
    schemas.setdefault("ValidationError", _VALIDATION_ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            parameters = operation.get("parameters", [])
            statuses = ["401", "403", "429", "503"]
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                statuses.append("400")
            if any(p.get("in") in ("path", "query") for p in parameters):
                statuses.append("404")
            if "requestBody" in operation:
                statuses.append("413")
            if method != "get":  # an unusable Idempotency-Key is a 400 even without a body
                statuses += ["400", "404", "409", "422"]
            responses = operation.setdefault("responses", {})
            for code in statuses:
                description, component = _ERRORS[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result
