"""Facts that segment rules are built from.

A fact is ``fn(customers, params) -> matching customer ids``: ``customers`` is a queryset
of the candidate customers and the result may be a queryset (of customers or of their
ids, evaluated in the database) or any iterable of ids. Facts owned by higher apps
(number of orders, spend over a period, last purchase, researched online and bought in
store...) are registered by those apps in ``AppConfig.ready()``::

    from customers.facts import Param, register_fact
    register_fact("orders_count_at_least", _("At least N orders"), orders_at_least,
                  params=[Param("count", "int", _("orders"))])

The customers app never imports them (docs/architecture.md, layering).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omni.channels import Channel

from .models import CustomerChannel, Medium

FactFunction = Callable[[QuerySet, dict], "QuerySet | Iterable"]


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "int", "str", "channels", "medium", "location", "date"
    label: str = ""


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    fn: FactFunction
    params: tuple[Param, ...] = field(default_factory=tuple)
    builtin: bool = False


_facts: dict[str, Fact] = {}


def register_fact(name: str, label: str, fn: FactFunction, params: Iterable[Param] = (), *, builtin=False) -> None:
    _facts[name] = Fact(name=name, label=label, fn=fn, params=tuple(params), builtin=builtin)


def unregister_fact(name: str) -> None:
    _facts.pop(name, None)


def get_fact(name: str) -> Fact | None:
    return _facts.get(name)


def all_facts() -> list[Fact]:
    return sorted(_facts.values(), key=lambda fact: (not fact.builtin, fact.name))


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


def register_builtin_facts() -> None:
    channels = Param("channels", "channels", _("channels"))
    register_fact("channels_all", _("Used all of these channels"), channels_all, [channels], builtin=True)
    register_fact("channels_any", _("Used any of these channels"), channels_any, [channels], builtin=True)
    register_fact("channels_only", _("Used only these channels"), channels_only, [channels], builtin=True)
    register_fact("city", _("City"), city, [Param("city", "str", _("city"))], builtin=True)
    register_fact(
        "consent", _("Consented to marketing"), consent, [Param("medium", "medium", _("medium"))], builtin=True
    )
    register_fact(
        "created_within_days",
        _("Became a customer in the last N days"),
        created_within_days,
        [Param("days", "int", _("days"))],
        builtin=True,
    )
    register_fact(
        "preferred_store",
        _("Preferred store"),
        preferred_store,
        [Param("location", "location", _("store"))],
        builtin=True,
    )
