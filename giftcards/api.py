"""Gift cards API (api-contract.md, "Gift cards and store credit"). Thin: the serializers
check shapes, ``services`` decide."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.fields import CustomerField
from omni.actor import Actor
from omni.idempotency import run_idempotent
from omni.money import MoneyField, currency

from . import services
from .errors import GiftCardNotFound, GiftCardUnknown
from .permissions import may_check_cards, may_issue_cards


class GiftCardIssueInput(serializers.Serializer):
    amount = MoneyField()
    customer = CustomerField(required=False, allow_null=True)


class IssuedGiftCardOutput(serializers.Serializer):
    """The one answer that holds the code in full: it is kept nowhere."""

    code = serializers.CharField()
    balance = MoneyField(source="card.balance")
    currency = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(source="card.expires_at")
    customer = serializers.UUIDField(source="card.customer_id", allow_null=True)

    def get_currency(self, issued) -> str:
        return currency()


class GiftCardOutput(serializers.Serializer):
    code_last4 = serializers.CharField()
    kind = serializers.CharField(help_text="gift_card or store_credit")
    balance = MoneyField()
    currency = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    status = serializers.SerializerMethodField(help_text="active, used, expired or disabled")

    def get_currency(self, card) -> str:
        return currency()

    def get_status(self, card) -> str:
        return card.status_at(timezone.now())


class GiftCardListCreateApi(APIView):
    actor_rules = {"POST": may_issue_cards}

    @extend_schema(request=GiftCardIssueInput, responses={201: IssuedGiftCardOutput})
    def post(self, request):
        return run_idempotent(self, request, lambda: self._issue(request))

    def _issue(self, request):
        incoming = GiftCardIssueInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        issued = services.card_issue(actor=Actor.from_request(request), **incoming.validated_data)
        return Response(IssuedGiftCardOutput(issued).data, status=status.HTTP_201_CREATED)


class GiftCardDetailApi(APIView):
    actor_rules = {"GET": may_check_cards}

    @extend_schema(responses={200: GiftCardOutput})
    def get(self, request, code):
        try:
            card = services.card_find(code, actor=Actor.from_request(request))
        except GiftCardUnknown as exc:
            raise GiftCardNotFound(exc.detail) from exc  # an unknown object in the URL: 404
        return Response(GiftCardOutput(card).data)
