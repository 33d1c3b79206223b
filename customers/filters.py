"""The customer list's filters: identifiers are normalised as the services store them, so
``06 12 34 56 78`` finds ``+33612345678``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

from .identifiers import normalise_card, normalise_email, normalise_phone
from .models import Customer, CustomerQuerySet
from .selectors import customer_search


class NormalisedField(forms.CharField):
    normalise = staticmethod(lambda value: value)

    def to_python(self, value: Any) -> str | None:
        """The normalised value; the normalisers refuse odd input with a ValidationError."""
        value = super().to_python(value)
        if not value:
            return value
        return type(self).normalise(value)


class EmailField(NormalisedField):
    normalise = staticmethod(normalise_email)


class PhoneField(NormalisedField):
    normalise = staticmethod(normalise_phone)


class CardField(NormalisedField):
    normalise = staticmethod(normalise_card)


class EmailFilter(django_filters.CharFilter):
    field_class = EmailField


class PhoneFilter(django_filters.CharFilter):
    field_class = PhoneField


class CardFilter(django_filters.CharFilter):
    field_class = CardField


class CustomerFilter(django_filters.FilterSet):
    email = EmailFilter(field_name="email")
    phone = PhoneFilter(field_name="phone")
    loyalty_card = CardFilter(field_name="loyalty_card")
    search = django_filters.CharFilter(method="filter_search", max_length=100)

    class Meta:
        model = Customer
        fields = ["email", "phone", "loyalty_card", "search"]

    def filter_search(self, queryset: CustomerQuerySet, name: str, value: str) -> CustomerQuerySet:
        return customer_search(value, customers=queryset) if value else queryset
