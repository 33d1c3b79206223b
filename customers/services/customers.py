"""Writes on customers: find-or-create and update (contacts and merge have their own modules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Location

from ..contact_points import consents_stated_by, set_confirmation, vouches_in_person
from ..errors import (
    AmbiguousCustomer,
    CustomerErased,
    IdentifierInUse,
    IdentifierRequired,
    InvalidIdentifier,
    MergeNotAllowed,
)
from ..identifiers import normalise_card, normalise_email, normalise_phone
from ..models import (
    ConsentEvent,
    Customer,
    CustomerIdentifier,
    Medium,
)
from ..permissions import may_write_customers
from ..selectors import customers_named_by
from ..signals import customer_identified
from .contacts import touch_channel

IDENTIFIER_FIELDS = ("email", "phone", "loyalty_card")
NORMALISERS = {"email": normalise_email, "phone": normalise_phone, "loyalty_card": normalise_card}
# A uniqueness race lost to a concurrent request is retried: the winner's row is then seen.
FIND_OR_CREATE_ATTEMPTS = 4


def normalise_identifiers(**values: str | None) -> dict[str, str]:
    """The given identifiers, normalised, without the empty ones; InvalidIdentifier names the field."""
    result = {}
    for field, value in values.items():
        try:
            normalised = NORMALISERS[field](value)
        except ValidationError as exc:
            raise InvalidIdentifier(exc.messages[0], field=field) from exc
        if normalised:
            result[field] = normalised
    return result


def customer_find_or_create(
    *,
    actor: Actor,
    email: str | None = None,
    phone: str | None = None,
    loyalty_card: str | None = None,
    first_name: str = "",
    last_name: str = "",
    consents: dict[str, bool] | None = None,
    preferred_store: Location | None = None,
    language: str = "",
) -> tuple[Customer, bool]:
    """The customer any of these identifiers names, with the new identifiers attached,
    or a new customer. Two different customers named at once -> ``AmbiguousCustomer``.
    ``language``, when the channel knows it, is theirs unless they already have one.

    Concurrent identical requests create one customer: the unique columns refuse the
    second insert and the retry then finds the first one's customer.
    """
    if not may_write_customers(actor):
        raise Forbidden()
    identifiers = normalise_identifiers(email=email, phone=phone, loyalty_card=loyalty_card)
    if not identifiers:
        raise IdentifierRequired()
    if preferred_store is None and actor.location is not None and actor.location.kind == Location.Kind.STORE:
        # A customer recognised at a store's till: that store is theirs until they say otherwise.
        preferred_store = actor.location
    for attempt in range(FIND_OR_CREATE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _find_or_create_once(
                    actor=actor,
                    identifiers=identifiers,
                    first_name=(first_name or "").strip()[:80],
                    last_name=(last_name or "").strip()[:80],
                    consents=consents or {},
                    preferred_store=preferred_store,
                    language=language,
                )
        except IntegrityError:
            if attempt == FIND_OR_CREATE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _find_or_create_once(
    *,
    actor: Actor,
    identifiers: dict[str, str],
    first_name: str,
    last_name: str,
    consents: dict[str, bool],
    preferred_store: Location | None,
    language: str,
) -> tuple[Customer, bool]:
    now = timezone.now()
    matches = list(customers_named_by(identifiers).select_for_update())
    if len(matches) > 1:
        raise AmbiguousCustomer(customers=[str(customer.pk) for customer in matches])
    if matches:
        customer, created = matches[0], False
        attached = [field for field, value in identifiers.items() if getattr(customer, field) is None]
        changed = list(attached)
        for field in attached:
            setattr(customer, field, identifiers[field])
        changed += set_confirmation(customer, attached, confirmed=vouches_in_person(actor), at=now)
        for field, value in (("first_name", first_name), ("last_name", last_name), ("language", language)):
            if value and not getattr(customer, field):
                setattr(customer, field, value)
                changed.append(field)
        if preferred_store is not None and customer.preferred_store_id is None:
            customer.preferred_store = preferred_store
            changed.append("preferred_store")
        changed += _apply_consents(customer, consents_stated_by(actor, customer, consents), actor=actor, at=now)
        if changed:
            customer.save(update_fields=[*changed, "updated_at"])
    else:
        customer, created = (
            Customer(
                **identifiers,
                first_name=first_name,
                last_name=last_name,
                preferred_store=preferred_store,
                created_channel=actor.channel or "",
                language=language,
            ),
            True,
        )
        set_confirmation(customer, list(identifiers), confirmed=True, at=now)  # the creator talks to them
        _apply_consents(customer, consents, actor=actor, at=now, save_events=False)
        customer.save(force_insert=True)
        _apply_consents(customer, consents, actor=actor, at=now, only_events=True)
    _record_identifiers(customer, identifiers, channel=actor.channel or "", at=now)
    touch_channel(customer, actor.channel, at=now)
    customer_identified.send(sender=Customer, customer=customer, created=created, actor=actor, identifiers=identifiers)
    return customer, created


def _apply_consents(
    customer: Customer,
    consents: dict,
    *,
    actor: Actor,
    at: datetime,
    save_events: bool = True,
    only_events: bool = False,
) -> list[str]:
    """Apply stated consents; a statement is recorded when it changes the consent or is
    the first one on record. Returns the customer fields changed."""
    changed: list[str] = []
    events = []
    for medium in Medium.values:
        if medium not in consents or consents[medium] is None:
            continue
        granted = bool(consents[medium])
        if only_events:
            events.append(ConsentEvent(customer=customer, medium=medium, granted=granted, at=at, **_who(actor)))
            continue
        current = getattr(customer, f"{medium}_consent")
        if current == granted and getattr(customer, f"{medium}_consent_at") is not None:
            continue
        setattr(customer, f"{medium}_consent", granted)
        setattr(customer, f"{medium}_consent_at", at)
        setattr(customer, f"{medium}_consent_channel", actor.channel or "")
        changed += [f"{medium}_consent", f"{medium}_consent_at", f"{medium}_consent_channel"]
        if save_events:
            events.append(ConsentEvent(customer=customer, medium=medium, granted=granted, at=at, **_who(actor)))
    if events:
        ConsentEvent.objects.bulk_create(events)
    return changed


def _who(actor: Actor) -> dict:
    return {"actor_user": actor.user, "actor_client": actor.client, "channel": actor.channel or ""}


def _record_identifiers(customer: Customer, identifiers: dict, *, channel: str, at: datetime) -> None:
    CustomerIdentifier.objects.bulk_create(
        [
            CustomerIdentifier(customer=customer, kind=kind, value=value, channel=channel, first_seen_at=at)
            for kind, value in identifiers.items()
        ],
        ignore_conflicts=True,
    )


UPDATABLE_FIELDS = {
    "first_name", "last_name", "city", "email", "phone", "loyalty_card", "preferred_store", "consents", "language",
}


@transaction.atomic
def customer_update(*, customer: Customer, actor: Actor, **fields: Any) -> Customer:
    """Change a customer's identity, identifiers, preferred store or consents."""
    if not may_write_customers(actor):
        raise Forbidden()
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"customer_update() got unexpected fields {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_erased:
        raise CustomerErased()
    if customer.merged_into_id:
        raise MergeNotAllowed()
    now = timezone.now()
    changed: list[str] = []
    new_identifiers = {}
    for field in IDENTIFIER_FIELDS:
        if field not in fields:
            continue
        value = normalise_identifiers(**{field: fields[field]}).get(field)
        if value != getattr(customer, field):
            if value and Customer.objects.filter(**{field: value}).exclude(pk=customer.pk).exists():
                raise IdentifierInUse(field=field)
            setattr(customer, field, value)
            changed.append(field)
            changed += set_confirmation(customer, [field], confirmed=bool(value) and vouches_in_person(actor), at=now)
            if value:
                new_identifiers[field] = value
    for field in ("first_name", "last_name", "city"):
        if field in fields:
            value = (fields[field] or "").strip()[:80]
            if value != getattr(customer, field):
                setattr(customer, field, value)
                changed.append(field)
    if fields.get("language") and fields["language"] != customer.language:
        customer.language = fields["language"]
        changed.append("language")
    if "preferred_store" in fields and fields["preferred_store"] != customer.preferred_store:
        customer.preferred_store = fields["preferred_store"]
        changed.append("preferred_store")
    if fields.get("consents"):
        consents = consents_stated_by(actor, customer, fields["consents"])
        changed += _apply_consents(customer, consents, actor=actor, at=now)
    if changed:
        try:
            with transaction.atomic():
                customer.save(update_fields=[*changed, "updated_at"])
        except IntegrityError as exc:  # a concurrent request took the identifier meanwhile
            raise IdentifierInUse() from exc
    _record_identifiers(customer, new_identifiers, channel=actor.channel or "", at=now)
    return customer
