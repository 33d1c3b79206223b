"""A customer named in an API body by id: the field every app's inputs share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .selectors import customer_resolve


@extend_schema_field(OpenApiTypes.UUID)
class CustomerField(serializers.Field):
    default_error_messages = {
        "unknown": _("No customer has the id %(value)s."),
        "erased": _("This customer's data was erased."),
    }

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        customer = customer_resolve(str(data))  # a merged duplicate stands for its target
        if customer is None:
            raise serializers.ValidationError(self.error_messages["unknown"] % {"value": data})
        if customer.is_erased:
            raise serializers.ValidationError(self.error_messages["erased"])
        return customer

    def to_representation(self, value):
        return str(value.pk) if value else None
