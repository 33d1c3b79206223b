"""Facts that segment rules are built from.

A fact is ``fn(customers, params) -> matching customer ids``: ``customers`` is a queryset
of the candidate customers and the result may be a queryset (of customers or of their
ids, evaluated in the database) or any iterable of ids. Facts owned by higher apps
(number of orders, spend over a period, last purchase, researched online and bought in
store...) are registered by those apps in ``AppConfig.ready()``, into the one registry::

    from customers.facts import Fact, Param
    registry.add(Fact("orders_count_at_least", _("At least N orders"), orders_at_least,
                      (Param("count", "int", _("orders")),)))

The customers app never imports them (docs/architecture.md, layering).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omni.channels import Channel
from omni.registry import registry

from .models import Customer, CustomerChannel, Medium

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

FactFunction = Callable[[QuerySet[Customer], dict[str, Any]], "QuerySet[Any] | Iterable[Any]"]


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "int", "str", "channels", "medium", "location", "date"
    label: _StrOrPromise = ""


@dataclass(frozen=True)
class Fact:
    name: str
    label: _StrOrPromise
    fn: FactFunction
    params: tuple[Param, ...] = field(default_factory=tuple)
    builtin: bool = False
    order: int = 100  # unused: facts are listed built-in first, then by name

    @property
    def key(self) -> str:
        return self.name


def get_fact(name: str) -> Fact | None:
    return registry.get(Fact, name)


def all_facts() -> list[Fact]:
    return sorted(registry.entries(Fact), key=lambda fact: (not fact.builtin, fact.name))


# --- built-in facts --------------------------------------------------------------------
def _used_channel(channel: str):
    return Exists(CustomerChannel.objects.filter(customer=OuterRef("pk"), channel=channel))


def channels_all(customers: QuerySet, params: dict) -> QuerySet:
    """Used every one of the channels."""
    for channel in params.get("channels", []):
        customers = customers.filter(_used_channel(channel))
    return customers


def channels_any(customers: QuerySet, params: dict) -> QuerySet:
    """Used at least one of the channels."""
    condition = Q(pk__in=[])
    for channel in params.get("channels", []):
        condition |= Q(_used_channel(channel))
    return customers.filter(condition)


def channels_only(customers: QuerySet, params: dict) -> QuerySet:
    """Used some of the channels and none other."""
    wanted = list(params.get("channels", []))
    others = [channel for channel in Channel.values if channel not in wanted]
    customers = channels_any(customers, {"channels": wanted})
    for channel in others:
        customers = customers.exclude(_used_channel(channel))
    return customers


def city(customers: QuerySet, params: dict) -> QuerySet:
    """Lives in the city, or, when the city is unknown, prefers a store there."""
    name = str(params.get("city", "")).strip()
    return customers.filter(Q(city__iexact=name) | Q(city="", preferred_store__city__iexact=name))


def consent(customers: QuerySet, params: dict) -> QuerySet:
    """Consented to marketing by this medium (e-mail or SMS)."""
    medium = params.get("medium")
    if medium == Medium.EMAIL:
        return customers.filter(email_consent=True, email__isnull=False)
    if medium == Medium.SMS:
        return customers.filter(sms_consent=True, phone__isnull=False)
    return customers.none()


def created_within_days(customers: QuerySet, params: dict) -> QuerySet:
    """Became a customer in the last N days."""
    return customers.filter(created_at__gte=timezone.now() - timedelta(days=int(params.get("days", 0))))


def preferred_store(customers: QuerySet, params: dict) -> QuerySet:
    return customers.filter(preferred_store__code=params.get("location"))


_channels = Param("channels", "channels", _("channels"))
BUILTIN_FACTS = [
    Fact("channels_all", _("Used all of these channels"), channels_all, (_channels,), builtin=True),
    Fact("channels_any", _("Used any of these channels"), channels_any, (_channels,), builtin=True),
    Fact("channels_only", _("Used only these channels"), channels_only, (_channels,), builtin=True),
    Fact("city", _("City"), city, (Param("city", "str", _("city")),), builtin=True),
    Fact("consent", _("Consented to marketing"), consent, (Param("medium", "medium", _("medium")),), builtin=True),
    Fact(
        "created_within_days",
        _("Became a customer in the last N days"),
        created_within_days,
        (Param("days", "int", _("days")),),
        builtin=True,
    ),
    Fact(
        "preferred_store",
        _("Preferred store"),
        preferred_store,
        (Param("location", "location", _("store")),),
        builtin=True,
    ),
]
