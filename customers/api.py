"""Customers API (contract: Customers). Thin: serializers validate, services decide."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from omni.actor import Actor
from omni.idempotency import run_idempotent
from omni.models import Location

from .errors import IdentifierRequired
from .filters import CustomerFilter
from .identifiers import normalise_card, normalise_email, normalise_phone
from .models import Contact, Customer, Medium, Segment
from .permissions import may_edit_segments, may_handle_personal_data, may_write_customers
from .selectors import customer_get, customer_list, segment_list
from .services import (
    contact_point_verification_check,
    contact_point_verification_send,
    contact_record,
    customer_erase,
    customer_export,
    customer_find_or_create,
    customer_update,
    segment_recompute,
)
from .timeline import customer_timeline

TIMELINE_DEFAULT = 50
TIMELINE_MAX = 200


# --- output -----------------------------------------------------------------------------
class CustomerOutput(serializers.ModelSerializer):
    consents = serializers.SerializerMethodField()
    consent_details = serializers.SerializerMethodField()
    confirmed = serializers.SerializerMethodField()
    channels = serializers.SerializerMethodField()
    segments = serializers.SerializerMethodField()
    preferred_store: serializers.SlugRelatedField[Location] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    language = serializers.CharField(
        source="message_language", read_only=True,
        help_text="The language of their messages (the shop's default until theirs is known): en or fr.",
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "email",
            "phone",
            "loyalty_card",
            "first_name",
            "last_name",
            "consents",
            "consent_details",
            "confirmed",
            "channels",
            "segments",
            "created_at",
            "city",
            "language",
            "preferred_store",
            "is_erased",
        ]

    def get_consents(self, customer: Customer) -> dict[str, bool]:
        return {medium: customer.consent(medium) for medium in Medium.values}

    def get_consent_details(self, customer: Customer) -> dict:
        return {
            medium: {
                "granted": customer.consent(medium),
                "at": serializers.DateTimeField().to_representation(getattr(customer, f"{medium}_consent_at"))
                if getattr(customer, f"{medium}_consent_at")
                else None,
                "channel": getattr(customer, f"{medium}_consent_channel") or None,
            }
            for medium in Medium.values
        }

    def get_confirmed(self, customer: Customer) -> dict[str, bool]:
        """Whether each contact point is confirmed as the customer's (customers.contact_points)."""
        return {medium: customer.confirmed_contact(medium) is not None for medium in Medium.values}

    def get_channels(self, customer: Customer) -> list[str]:
        return [use.channel for use in customer.channel_uses.all()]

    def get_segments(self, customer: Customer) -> list[str]:
        return [segment.slug for segment in customer.segments.all()]


# A pattern rather than an enum: drf-spectacular names enums after the field, and other
# apps' ``kind`` enums would collide with this one.
CONTACT_KIND_SCHEMA = {
    "type": "string",
    "pattern": "^(" + "|".join(Contact.Kind.values) + ")$",
    "description": "One of: " + ", ".join(Contact.Kind.values),
}


@extend_schema_field(CONTACT_KIND_SCHEMA)
class ContactKindField(serializers.ChoiceField):
    """Described inline in the schema: other apps have ``kind`` enums too."""

    def __init__(self, **kwargs):
        super().__init__(choices=Contact.Kind.choices, **kwargs)


class ContactOutput(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()
    kind = ContactKindField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "kind", "channel", "note", "at", "by"]

    def get_by(self, contact: Contact) -> str:
        if contact.staff is not None:
            return contact.staff.get_username()
        return contact.client.name if contact.client is not None else ""


# --- input ------------------------------------------------------------------------------
class ConsentsInput(serializers.Serializer):
    email = serializers.BooleanField(required=False, allow_null=True)
    sms = serializers.BooleanField(required=False, allow_null=True)


class CustomerInput(serializers.Serializer):
    email = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=320)
    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40)
    loyalty_card = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)
    first_name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=80)
    last_name = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=80)
    city = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=80)
    consents = ConsentsInput(required=False, allow_null=True)
    # The language of their messages; on creation, when not given, the one the caller's
    # request asks for (Accept-Language: the website's or app's shopper), if it asks.
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False,
                                       allow_blank=True)
    preferred_store = serializers.SlugRelatedField(
        slug_field="code", queryset=Location.objects.filter(is_active=True), required=False, allow_null=True
    )

    def validate_email(self, value):
        return normalise_email(value)

    def validate_phone(self, value):
        return normalise_phone(value)

    def validate_loyalty_card(self, value):
        return normalise_card(value)

    def validate(self, data):
        # "At least one identifier" is the service's rule (IdentifierRequired): not checked here.
        for field in ("first_name", "last_name", "city"):
            if field in data and data[field] is None:
                data[field] = ""
        return data


class ContactInput(serializers.Serializer):
    kind = ContactKindField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


# --- views ------------------------------------------------------------------------------
def _asked_language(request) -> str:
    """The language the request's Accept-Language names (among Omni's), or "" without one."""
    if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return ""
    return translation.get_language_from_request(request)



class CustomerListCreateApi(generics.ListAPIView):
    """Look customers up (every actor); find-or-create one (every actor but marketing)."""

    serializer_class = CustomerOutput
    filterset_class = CustomerFilter
    actor_rules = {"POST": may_write_customers}

    def get_queryset(self):
        return customer_list(actor=Actor.from_request(self.request))

    @extend_schema(
        request=CustomerInput,
        responses={200: CustomerOutput, 201: CustomerOutput, 409: OpenApiResponse(description="ambiguous_customer")},
    )
    def post(self, request):
        return run_idempotent(self, request, lambda: self._find_or_create(request))

    def _find_or_create(self, request):
        incoming = CustomerInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            customer, created = customer_find_or_create(
                actor=Actor.from_request(request),
                email=data.get("email"),
                phone=data.get("phone"),
                loyalty_card=data.get("loyalty_card"),
                first_name=data.get("first_name") or "",
                last_name=data.get("last_name") or "",
                consents=dict(data.get("consents") or {}),
                preferred_store=data.get("preferred_store"),
                language=data.get("language") or _asked_language(request),
            )
        except IdentifierRequired as exc:
            # The contract answers this refusal as the body's own validation error.
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Give at least one of email, phone or loyalty_card.")]}
            ) from exc
        customer = customer_get(actor=Actor.from_request(request), customer_id=customer.pk)
        return Response(
            CustomerOutput(customer).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class CustomerDetailApi(APIView):
    actor_rules = {"PATCH": may_write_customers}

    @extend_schema(responses=CustomerOutput)
    def get(self, request, customer_id):
        customer = customer_get(actor=Actor.from_request(request), customer_id=customer_id)
        return Response(CustomerOutput(customer).data)

    @extend_schema(request=CustomerInput, responses=CustomerOutput)
    def patch(self, request, customer_id):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id)
        incoming = CustomerInput(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        if "consents" in fields:
            fields["consents"] = dict(fields["consents"] or {})
        customer_update(customer=customer, actor=actor, **fields)
        return Response(CustomerOutput(customer_get(actor=actor, customer_id=customer.pk)).data)


TIMELINE_SCHEMA = {
    "type": "array",
    "description": "Newest first: every order, touchpoint and contact.",
    "items": {
        "type": "object",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "channel": {"type": "string", "nullable": True},
            "kind": {"type": "string"},
            "summary": {"type": "string"},
        },
        "required": ["at", "kind"],
        "additionalProperties": True,
    },
}


class CustomerTimelineApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("limit", int, description="How many entries, newest first.")],
        responses={200: TIMELINE_SCHEMA},
    )
    def get(self, request, customer_id):
        customer = customer_get(actor=Actor.from_request(request), customer_id=customer_id, details=False)
        try:
            limit = max(1, min(int(request.query_params.get("limit", TIMELINE_DEFAULT)), TIMELINE_MAX))
        except ValueError:
            raise serializers.ValidationError({"limit": [_("A whole number.")]}) from None
        entries = customer_timeline(customer, limit=limit)
        field = serializers.DateTimeField()
        return Response([{**entry, "at": field.to_representation(entry["at"])} for entry in entries])


class CustomerContactsApi(APIView):
    actor_rules = {"POST": may_write_customers}

    @extend_schema(request=ContactInput, responses={201: ContactOutput})
    def post(self, request, customer_id):
        return run_idempotent(self, request, lambda: self._record(request, customer_id))

    def _record(self, request, customer_id):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id)
        incoming = ContactInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact = contact_record(customer=customer, actor=actor, **incoming.validated_data)
        return Response(ContactOutput(contact).data, status=status.HTTP_201_CREATED)


class VerificationCodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=12)


class ContactPointVerificationSent(serializers.Serializer):
    medium = serializers.ChoiceField(choices=Medium.choices)
    sent = serializers.BooleanField()


MEDIUM_PARAMETER = OpenApiParameter("medium", str, OpenApiParameter.PATH, enum=list(Medium.values))


class ContactPointVerifyApi(APIView):
    """POST /customers/{id}/contact-points/{medium}/verify/: a code goes to the customer's
    e-mail address or phone, for them to type back (customers.contact_points)."""

    actor_rules = {"POST": may_write_customers}

    @extend_schema(request=None, parameters=[MEDIUM_PARAMETER], responses={202: ContactPointVerificationSent})
    def post(self, request, customer_id, medium):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id, details=False)
        contact_point_verification_send(customer=customer, medium=medium, actor=actor)
        return Response({"medium": medium, "sent": True}, status=status.HTTP_202_ACCEPTED)


class ContactPointConfirmApi(APIView):
    """POST /customers/{id}/contact-points/{medium}/confirm/ ``{code}``: the code the
    customer received; right, the contact point is confirmed (409 otherwise)."""

    actor_rules = {"POST": may_write_customers}

    @extend_schema(request=VerificationCodeInput, parameters=[MEDIUM_PARAMETER], responses={200: CustomerOutput})
    def post(self, request, customer_id, medium):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id, details=False)
        incoming = VerificationCodeInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact_point_verification_check(customer=customer, medium=medium, actor=actor, **incoming.validated_data)
        return Response(CustomerOutput(customer_get(actor=actor, customer_id=customer_id)).data)


class CustomerExportApi(APIView):
    """Every personal datum of the customer (GDPR), for administrators and the ERP."""

    actor_rules = {"GET": may_handle_personal_data}

    @extend_schema(responses={200: dict})
    def get(self, request, customer_id):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id)
        return Response(customer_export(customer=customer, actor=actor))


class EraseInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class CustomerEraseApi(APIView):
    """Anonymise the customer (GDPR); orders stay for the accounts."""

    actor_rules = {"POST": may_handle_personal_data}

    @extend_schema(request=EraseInput, responses=CustomerOutput)
    def post(self, request, customer_id):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id)
        incoming = EraseInput(data=request.data if isinstance(request.data, dict) else {})
        incoming.is_valid(raise_exception=True)
        customer_erase(customer=customer, actor=actor, reason=incoming.validated_data["reason"])
        return Response(CustomerOutput(customer_get(actor=actor, customer_id=customer.pk)).data)


class SegmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = ["slug", "name", "description", "rules", "is_active", "member_count", "recomputed_at"]


class SegmentListApi(generics.ListAPIView):
    """The segments (promotions target them by ``slug``); every actor reads them."""

    serializer_class = SegmentOutput

    def get_queryset(self):
        return segment_list(actor=Actor.from_request(self.request))


class SegmentRecomputeApi(APIView):
    """Bring a segment's membership up to date now (marketing, administrators, ERP)."""

    actor_rules = {"POST": may_edit_segments}

    @extend_schema(request=None, responses=SegmentOutput)
    def post(self, request, slug):
        segment = generics.get_object_or_404(segment_list(actor=Actor.from_request(request)), slug=slug)
        segment_recompute(segment=segment, actor=Actor.from_request(request))
        segment.refresh_from_db()
        return Response(SegmentOutput(segment).data)
