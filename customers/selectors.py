"""Reads shared by the API and the pages, each at a constant number of queries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import Http404

from omni.actor import Actor
from omni.text import searchable

from .identifiers import normalise_card, normalise_email, normalise_phone, phone_query
from .models import Customer, CustomerMerge, CustomerQuerySet, Segment
from .permissions import may_read_customers

MAX_MERGE_HOPS = 10


def customer_queryset_all() -> CustomerQuerySet:
    """Customers (merged-away duplicates too) with what the contract's representation
    needs, prefetched."""
    return Customer.objects.select_related("preferred_store").prefetch_related(
        "channel_uses",
        Prefetch("segments", queryset=Segment.objects.filter(is_active=True).order_by("slug")),
    )


def customer_list(*, actor: Actor) -> QuerySet[Customer]:
    """The live customers the actor may look up, erased ones left out; the API's filter
    set (``customers.api.CustomerFilter``) narrows it by e-mail, phone, card or search."""
    if not may_read_customers(actor):
        return Customer.objects.none()
    return customer_queryset_all().active().order_by(*CUSTOMER_ORDER)


def customer_resolve(customer_id: Any, *, queryset: QuerySet[Customer] | None = None) -> Customer | None:
    """The customer an id stands for, following merges (a duplicate's old id leads to the
    customer it became); None for an unknown or malformed id. No permission check: for
    callers that already know the actor may name customers."""
    queryset = Customer.objects.all() if queryset is None else queryset
    for _hop in range(MAX_MERGE_HOPS):
        try:
            customer = queryset.filter(pk=customer_id).first()
        except (ValueError, DjangoValidationError):
            return None
        if customer is None or customer.merged_into_id is None:
            return customer
        customer_id = customer.merged_into_id
    return None


def customer_get(*, actor: Actor, customer_id: Any, details: bool = True) -> Customer:
    """The customer, following merges, or 404 (also for an actor who may not read customers).
    ``details``: with the channels and segments a customer's page and answer show."""
    if not may_read_customers(actor):
        raise Http404
    customer = customer_resolve(customer_id, queryset=customer_queryset_all() if details else None)
    if customer is None:
        raise Http404
    return customer



NAME_TOKEN = re.compile(r"[\w'’-]+", re.UNICODE)
# The order customers are listed in: the API's list, searches after their exact matches.
CUSTOMER_ORDER = (Lower("last_name"), Lower("first_name"), "created_at", "pk")


def _as_identifier(query: str, normalise: Callable[[str], str | None]) -> str | None:
    try:
        return normalise(query) or None
    except DjangoValidationError:  # not that kind of identifier
        return None


def identifier_condition(query: str) -> Q | None:
    """The customers an identifier typed or scanned names exactly (a card, an e-mail
    address, a whole phone number in any format), or None if the query is none of them."""
    condition = Q()
    for field, normalise in (("loyalty_card", normalise_card), ("email", normalise_email), ("phone", normalise_phone)):
        value = _as_identifier(query, normalise)
        if value:
            condition |= Q(**{field: value})
    return condition or None


def _fragment_condition(query: str) -> Q | None:
    """Customers matching a part of what they are known by: the beginning or end of a
    phone number, a piece of an e-mail address, or every word of the query in their name
    (accents and case aside, see omni.text.searchable) or at the start of their e-mail."""
    phone = phone_query(query)
    if phone is not None:
        return phone
    if "@" in query:
        return Q(email__contains=query.lower())  # stored lower-cased
    words = [(searchable(token), token.lower()) for token in NAME_TOKEN.findall(query)[:4]]
    names = Q()
    for word, lowered in words:
        if word:
            names &= Q(search_name__contains=word) | Q(email__startswith=lowered)
    return names or None


def customers_named_by(identifiers: dict[str, str]) -> CustomerQuerySet:
    """The customers any of these normalised identifiers (``email``, ``phone``,
    ``loyalty_card``) belongs to: the recognition rule of every channel, the API's
    find-or-create and the staff's new-customer form alike."""
    condition = Q()
    for field, value in identifiers.items():
        condition |= Q(**{field: value})
    return Customer.objects.filter(condition).order_by("pk") if identifiers else Customer.objects.none()


def customers_of_the_same_name(*, first_name: str, last_name: str, limit: int = 5) -> list[Customer]:
    """Active customers with this first and last name (accents and case aside, as every
    search compares names): the people a new customer may well be, offered before
    creating one."""
    if not (first_name.strip() and last_name.strip()):
        return []
    name = searchable(Customer(first_name=first_name.strip(), last_name=last_name.strip()).full_name)
    return list(Customer.objects.active().filter(search_name=name).order_by(*CUSTOMER_ORDER)[:limit])


def customer_search(query: str, customers: CustomerQuerySet | None = None) -> CustomerQuerySet:
    """The active ``customers`` (all by default) the query finds: exact matches of an
    identifier first, then matches of a part of a name, e-mail address or phone; each
    group in the list's order. On PostgreSQL every condition is an index scan (migration
    customers 0004), whatever the number of customers."""
    query = (query or "").strip()[:100]
    customers = (customers if customers is not None else Customer.objects.all()).active()
    exact = identifier_condition(query)
    fragment = _fragment_condition(query)
    if exact is None and fragment is None:
        return customers.none()
    found = customers.filter((exact or Q()) | (fragment or Q()))
    if exact is None:
        return found.order_by(*CUSTOMER_ORDER)
    return found.order_by(Case(When(exact, then=Value(0)), default=Value(1)), *CUSTOMER_ORDER)


def customer_exact_match(query: str) -> Customer | None:
    """The one customer a scanned card, a typed phone or an e-mail names exactly."""
    query = (query or "").strip()[:100]
    for field, normalise in (("loyalty_card", normalise_card), ("email", normalise_email)):
        try:
            value = normalise(query)
        except DjangoValidationError:  # noqa: S112 - not that kind of identifier
            continue
        if value:
            customer = Customer.objects.active().filter(**{field: value}).first()
            if customer:
                return customer
    try:
        phone = normalise_phone(query)
    except DjangoValidationError:  # not a phone number
        return None
    return Customer.objects.active().filter(phone=phone).first() if phone else None


def customer_merges(*, customer: Customer) -> list[CustomerMerge]:
    return list(CustomerMerge.objects.filter(target=customer).select_related("actor_user").order_by("-at"))


@dataclass
class DuplicateSuggestion:
    first: Customer
    second: Customer
    reasons: list[str]


def _email_local(email: str | None) -> str:
    if not email:
        return ""
    local = email.split("@", 1)[0].split("+", 1)[0]
    local = re.sub(r"[._\-]", "", local)
    return local if len(local) >= 3 else ""


def duplicate_suggestions(*, limit: int = 50) -> list[DuplicateSuggestion]:
    """Pairs of active customers with the same name and similar contact data: the same
    e-mail address before the @, the same last eight phone digits, or contact data that
    complete each other (one known by e-mail only, the other by phone only)."""
    names = (
        Customer.objects.active()
        .exclude(first_name="")
        .exclude(last_name="")
        .annotate(first=Lower("first_name"), last=Lower("last_name"))
        .values("first", "last")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("last", "first")[: limit * 4]
    )
    groups = [(row["first"], row["last"]) for row in names]
    if not groups:
        return []
    condition = Q()
    for first, last in groups:
        condition |= Q(first_name__iexact=first, last_name__iexact=last)
    by_name = defaultdict(list)
    for customer in (
        Customer.objects.active().filter(condition).select_related("preferred_store").order_by("created_at")
    ):
        by_name[(customer.first_name.lower(), customer.last_name.lower())].append(customer)
    suggestions = []
    for key in groups:
        people = by_name.get(key, [])
        for index, first in enumerate(people):
            for second in people[index + 1 :]:
                reasons = _similarities(first, second)
                if reasons:
                    suggestions.append(DuplicateSuggestion(first, second, reasons))
                    if len(suggestions) >= limit:
                        return suggestions
    return suggestions


def _similarities(a: Customer, b: Customer) -> list[str]:
    from django.utils.translation import gettext as _

    reasons = []
    if _email_local(a.email) and _email_local(a.email) == _email_local(b.email):
        reasons.append(_("similar e-mail"))
    if a.phone and b.phone and a.phone[-8:] == b.phone[-8:]:
        reasons.append(_("similar phone"))
    complementary = (a.email and not a.phone and b.phone and not b.email) or (
        a.phone and not a.email and b.email and not b.phone
    )
    same_place = (a.preferred_store_id and a.preferred_store_id == b.preferred_store_id) or (
        a.city and a.city.lower() == b.city.lower()
    )
    if complementary and same_place:
        # Common names are common: complementary contact data alone is not enough.
        reasons.append(_("e-mail on one, phone on the other"))
    if reasons and a.preferred_store_id and a.preferred_store_id == b.preferred_store_id:
        reasons.append(_("same preferred store"))
    return reasons


def segment_list(*, actor: Actor) -> QuerySet[Segment]:
    return Segment.objects.select_related("updated_by").order_by("name")
