"""Journeys API: event ingestion, the analytics summary, a customer's journeys."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.identifiers import normalise_email, normalise_phone
from customers.models import Customer
from omni.actor import Actor
from omni.fields import DateTimeField
from omni.idempotency import run_idempotent
from omni.models import Location

from .analytics import Period, journeys_summary
from .models import TouchpointType
from .selectors import customer_journeys
from .services import events_ingest

MAX_BATCH = 1000
# Events from further ahead than this are a sender's clock error, not the future.
CLOCK_SKEW = timedelta(hours=1)


def sends_events(actor: Actor) -> bool:
    """Events carry the channel of their sender: clients and staff that have one."""
    return bool(actor.channel)


def reads_analytics(actor: Actor) -> bool:
    return actor.is_marketing or actor.is_admin or actor.is_integration


def reads_customer_journeys(actor: Actor) -> bool:
    return actor.user is not None or actor.is_integration or bool(actor.client and actor.client.kind == "call_centre")


class EventInput(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=TouchpointType.choices)
    occurred_at = DateTimeField()
    customer = serializers.UUIDField(required=False, allow_null=True)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    anonymous_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    sku = serializers.CharField(required=False, allow_blank=True, max_length=64)
    location = serializers.CharField(required=False, allow_blank=True, max_length=32)
    properties = serializers.DictField(required=False)

    def validate_occurred_at(self, value):
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError(_("This time is in the future."))
        return value

    def validate_email(self, value):
        try:
            return normalise_email(value) if value else None
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_phone(self, value):
        try:
            return normalise_phone(value) if value else None
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs):
        if attrs["type"] == TouchpointType.IDENTIFY and not attrs.get("anonymous_id"):
            raise serializers.ValidationError({"anonymous_id": _("An identify event links an anonymous_id.")})
        return attrs


class BatchInput(serializers.Serializer):
    # many=True hands allow_empty and max_length to the ListSerializer; the stubs type the child's.
    events = EventInput(many=True, allow_empty=False, max_length=MAX_BATCH)  # type: ignore[call-arg]

    def validate_events(self, events):
        """Resolve every reference of the batch in a constant number of queries; one
        unknown reference refuses the whole batch."""
        customer_ids = {event["customer"] for event in events if event.get("customer")}
        known = set(Customer.objects.filter(pk__in=customer_ids).values_list("pk", flat=True))
        codes = {event["location"] for event in events if event.get("location")}
        locations = dict(Location.objects.filter(code__in=codes).values_list("code", "pk"))
        emails = {event["email"] for event in events if event.get("email")}
        phones = {event["phone"] for event in events if event.get("phone")}
        by_email = dict(Customer.objects.active().filter(email__in=emails).values_list("email", "pk")) if emails else {}
        by_phone = dict(Customer.objects.active().filter(phone__in=phones).values_list("phone", "pk")) if phones else {}
        errors, resolved = {}, []
        for index, event in enumerate(events):
            problem = {}
            if event.get("customer") and event["customer"] not in known:
                problem["customer"] = [_("Unknown customer.")]
            if event.get("location") and event["location"] not in locations:
                problem["location"] = [_("Unknown location.")]
            customer_id = event.get("customer") or by_email.get(event.get("email")) or by_phone.get(event.get("phone"))
            if event["type"] == TouchpointType.IDENTIFY and not customer_id:
                problem["customer"] = [_("An identify event names a known customer.")]
            if problem:
                errors[index] = problem  # the shape DRF gives the other errors of a list
            resolved.append({**event, "customer_id": customer_id, "location_id": locations.get(event.get("location"))})
        if errors:
            raise serializers.ValidationError(errors)  # type: ignore[arg-type]  # keyed by index, as DRF does
        return resolved


class EventsIngestApi(APIView):
    actor_rules = {"POST": sends_events}

    @extend_schema(request=BatchInput, responses={202: dict})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._ingest(request))

    def _ingest(self, request):
        incoming = BatchInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        accepted, duplicates = events_ingest(
            events=incoming.validated_data["events"], actor=Actor.from_request(request)
        )
        return Response({"accepted": accepted, "duplicates": duplicates}, status=status.HTTP_202_ACCEPTED)


class PeriodInput(serializers.Serializer):
    since = DateTimeField(required=False)
    until = DateTimeField(required=False)
    location = serializers.SlugRelatedField(
        slug_field="code", queryset=Location.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs):
        period = Period.from_bounds(attrs.get("since"), attrs.get("until"))
        if period.since > period.until:
            raise serializers.ValidationError({"since": _("since is after until.")})
        return {"period": period, "location": attrs.get("location")}


class JourneysSummaryApi(APIView):
    actor_rules = {"GET": reads_analytics}

    @extend_schema(parameters=[PeriodInput], responses={200: dict})
    def get(self, request):
        incoming = PeriodInput(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        return Response(journeys_summary(**incoming.validated_data))


class CustomerJourneySerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    channels = serializers.ListField(child=serializers.CharField())
    touchpoints = serializers.IntegerField(source="touchpoint_count")
    converted = serializers.BooleanField()
    purchase_channel = serializers.CharField(allow_blank=True)


class CustomerJourneysApi(APIView):
    actor_rules = {"GET": reads_customer_journeys}

    @extend_schema(responses=CustomerJourneySerializer(many=True))
    def get(self, request, customer_id):
        journeys = customer_journeys(customer_id=customer_id)
        return Response(CustomerJourneySerializer(journeys, many=True).data)
