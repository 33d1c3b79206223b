"""Loyalty API (api-contract.md, "Loyalty"). Thin: serializers check shapes, ``services``
decide, ``selectors`` read the balance from the entries."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.selectors import customer_get
from omni.actor import Actor
from omni.channels import Channel
from omni.fields import IntegerField
from omni.idempotency import run_idempotent
from omni.money import MoneyField, currency, to_money

from . import services
from .models import LoyaltyProgram, PointsEntry
from .selectors import balance_of

ENTRIES_SHOWN = 100


def may_change_program(actor: Actor) -> bool:
    return actor.is_admin or actor.is_integration


class ProgramSerializer(serializers.ModelSerializer):
    earn_rate = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0))
    point_value = serializers.DecimalField(max_digits=8, decimal_places=4, min_value=Decimal("0.0001"),
                                           max_value=Decimal("100"))
    redeem_step = IntegerField(min_value=1, max_value=1_000_000)
    min_redeem = IntegerField(min_value=1, max_value=10_000_000)
    expire_after_days = IntegerField(min_value=1, max_value=3650)

    class Meta:
        model = LoyaltyProgram
        fields = ["active", "earn_rate", "point_value", "redeem_step", "min_redeem", "expire_after_days"]

    def validate_earn_rate(self, value):
        unknown = sorted(set(value) - set(Channel.values))
        if unknown:
            raise serializers.ValidationError(f"Unknown channels: {', '.join(unknown)}.")
        return {channel: format(rate.normalize(), "f") for channel, rate in value.items()}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["earn_rate"] = {channel: str(rate) for channel, rate in (instance.earn_rate or {}).items()}
        data["point_value"] = format(instance.point_value.normalize(), "f")
        return data


class LoyaltyProgramApi(APIView):
    actor_rules = {"PATCH": may_change_program}

    @extend_schema(responses={200: ProgramSerializer})
    def get(self, request):
        return Response(ProgramSerializer(LoyaltyProgram.current()).data)

    @extend_schema(request=ProgramSerializer, responses={200: ProgramSerializer})
    def patch(self, request):
        program = LoyaltyProgram.current()
        incoming = ProgramSerializer(program, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        incoming.save(updated_at=timezone.now())
        return Response(ProgramSerializer(program).data)


class EntryOutput(serializers.ModelSerializer):
    order = serializers.SerializerMethodField()
    channel = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = PointsEntry
        fields = ["at", "kind", "points", "pending", "order", "channel", "location", "note", "expires_at"]

    def get_order(self, entry) -> str | None:
        return entry.order or None

    def get_channel(self, entry) -> str | None:
        return entry.channel or None

    def get_location(self, entry) -> str | None:
        return entry.location.code if entry.location else None

    def get_note(self, entry) -> str | None:
        return entry.note or None


class NextExpiryOutput(serializers.Serializer):
    points = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class CustomerLoyaltyOutput(serializers.Serializer):
    balance = serializers.IntegerField()
    pending = serializers.IntegerField()
    value = MoneyField(max_digits=20, help_text="What the balance is worth when spent.")
    currency = serializers.CharField()
    next_expiry = NextExpiryOutput(allow_null=True)
    entries = EntryOutput(many=True)


def loyalty_answer(customer) -> dict:
    program = LoyaltyProgram.current()
    balance = balance_of(customer.pk)
    entries = PointsEntry.objects.filter(customer=customer).select_related("location")[:ENTRIES_SHOWN]
    next_expiry = (
        {"points": balance.next_expiry_points, "expires_at": balance.next_expiry_at}
        if balance.next_expiry_at else None
    )
    return CustomerLoyaltyOutput({
        "balance": balance.balance, "pending": balance.pending,
        "value": to_money(balance.balance * program.point_value), "currency": currency(),
        "next_expiry": next_expiry, "entries": entries,
    }).data


class CustomerLoyaltyApi(APIView):
    @extend_schema(responses={200: CustomerLoyaltyOutput})
    def get(self, request, customer_id):
        customer = customer_get(actor=Actor.from_request(request), customer_id=customer_id, details=False)
        return Response(loyalty_answer(customer))


class AdjustmentInput(serializers.Serializer):
    points = IntegerField(min_value=-1_000_000, max_value=1_000_000)
    note = serializers.CharField(max_length=200)


class CustomerAdjustmentsApi(APIView):
    actor_rules = {"POST": may_change_program}

    @extend_schema(request=AdjustmentInput, responses={201: CustomerLoyaltyOutput})
    def post(self, request, customer_id):
        return run_idempotent(self, request, lambda: self._adjust(request, customer_id))

    def _adjust(self, request, customer_id):
        actor = Actor.from_request(request)
        customer = customer_get(actor=actor, customer_id=customer_id, details=False)
        incoming = AdjustmentInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.points_adjust(customer=customer, actor=actor, **incoming.validated_data)
        return Response(loyalty_answer(customer), status=status.HTTP_201_CREATED)
