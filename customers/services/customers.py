"""Writes on customers: find-or-create, update, contacts, merge."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Location, Message

from ..contact_points import confirmation_fields, consents_stated_by, vouches_in_person
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
    CONTACT_FIELDS,
    ConsentEvent,
    Contact,
    Customer,
    CustomerChannel,
    CustomerIdentifier,
    CustomerMerge,
    Medium,
    SegmentMembership,
)
from ..permissions import may_merge_customers, may_write_customers
from ..signals import customer_identified, customers_merged

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
) -> tuple[Customer, bool]:
    """The customer any of these identifiers names, with the new identifiers attached,
    or a new customer. Two different customers named at once -> ``AmbiguousCustomer``.

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
                )
        except IntegrityError:
            if attempt == FIND_OR_CREATE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _find_or_create_once(
    *, actor: Actor, identifiers: dict, first_name: str, last_name: str, consents: dict, preferred_store
) -> tuple[Customer, bool]:
    now = timezone.now()
    condition = Q()
    for field, value in identifiers.items():
        condition |= Q(**{field: value})
    matches = list(Customer.objects.select_for_update().filter(condition).order_by("pk"))
    if len(matches) > 1:
        raise AmbiguousCustomer(customers=[str(customer.pk) for customer in matches])
    if matches:
        customer, created = matches[0], False
        attached = [field for field, value in identifiers.items() if getattr(customer, field) is None]
        changed = list(attached)
        for field in attached:
            setattr(customer, field, identifiers[field])
        changed += _set_confirmation(customer, attached, confirmed=vouches_in_person(actor), at=now)
        for field, value in (("first_name", first_name), ("last_name", last_name)):
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
            ),
            True,
        )
        _set_confirmation(customer, list(identifiers), confirmed=True, at=now)  # the creator talks to them
        _apply_consents(customer, consents, actor=actor, at=now, save_events=False)
        customer.save(force_insert=True)
        _apply_consents(customer, consents, actor=actor, at=now, only_events=True)
    _record_identifiers(customer, identifiers, channel=actor.channel or "", at=now)
    _touch_channel(customer, actor.channel, at=now)
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


def _set_confirmation(customer: Customer, fields, *, confirmed: bool, at: datetime) -> list[str]:
    """Mark the contact points among ``fields`` confirmed (or not); returns the columns set."""
    columns = [column for column in map(confirmation_fields, fields) if column]
    for column in columns:
        setattr(customer, column, at if confirmed else None)
    return columns


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


def _touch_channel(customer: Customer, channel: str | None, *, at: datetime) -> None:
    if not channel:
        return
    if not CustomerChannel.objects.filter(customer=customer, channel=channel).update(last_seen_at=at):
        CustomerChannel.objects.bulk_create(
            [CustomerChannel(customer=customer, channel=channel, first_seen_at=at, last_seen_at=at)],
            ignore_conflicts=True,
        )


def customer_touch_channel(*, customer: Customer, channel: str, at: datetime | None = None) -> None:
    """Record that the customer used a channel (for higher apps: an order, a touchpoint)."""
    _touch_channel(customer, channel, at=at or timezone.now())


def customers_touch_channel(*, customer_ids, channel: str, at: datetime) -> None:
    """The same for many customers at once (a batch of events), in three queries."""
    customer_ids = set(customer_ids)
    if not channel or not customer_ids:
        return
    known = CustomerChannel.objects.filter(customer_id__in=customer_ids, channel=channel)
    seen = set(known.values_list("customer_id", flat=True))
    known.filter(last_seen_at__lt=at).update(last_seen_at=at)
    CustomerChannel.objects.bulk_create(
        [
            CustomerChannel(customer_id=customer_id, channel=channel, first_seen_at=at, last_seen_at=at)
            for customer_id in customer_ids - seen
        ],
        ignore_conflicts=True,
    )


UPDATABLE_FIELDS = {"first_name", "last_name", "city", "email", "phone", "loyalty_card", "preferred_store", "consents"}


@transaction.atomic
def customer_update(*, customer: Customer, actor: Actor, **fields) -> Customer:
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
            changed += _set_confirmation(customer, [field], confirmed=bool(value) and vouches_in_person(actor), at=now)
            if value:
                new_identifiers[field] = value
    for field in ("first_name", "last_name", "city"):
        if field in fields:
            value = (fields[field] or "").strip()[:80]
            if value != getattr(customer, field):
                setattr(customer, field, value)
                changed.append(field)
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


@transaction.atomic
def contact_point_confirm(*, customer: Customer, medium: str, actor: Actor) -> Customer:
    """Staff confirm, with the customer in front of them or on the line, that the e-mail
    address or phone number on file is theirs: messages with a secret may go there."""
    if not may_write_customers(actor) or actor.user is None:
        raise Forbidden(_("Only staff confirm a customer's contact details."))
    if medium not in CONTACT_FIELDS:
        raise InvalidIdentifier(field="medium")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_erased:
        raise CustomerErased()
    field = CONTACT_FIELDS[medium]
    if not getattr(customer, field):
        raise InvalidIdentifier(_("There is nothing to confirm."), field=field)
    now = timezone.now()
    columns = _set_confirmation(customer, [field], confirmed=True, at=now)
    customer.save(update_fields=[*columns, "updated_at"])
    Contact.objects.create(
        customer=customer, kind=Contact.Kind.VISIT if actor.location_ids else Contact.Kind.CALL,
        note=_("Confirmed the phone number on file.") if field == "phone"
        else _("Confirmed the e-mail address on file."),
        channel=actor.channel or "",
        staff=actor.user, at=now,
    )
    return customer


@transaction.atomic
def contact_record(
    *, customer: Customer, kind: str, note: str = "", actor: Actor, at: datetime | None = None
) -> Contact:
    """Note a call, visit, e-mail or chat with the customer."""
    if not may_write_customers(actor):
        raise Forbidden()
    if customer.is_erased:
        raise CustomerErased()
    if kind not in Contact.Kind.values:
        raise InvalidIdentifier(field="kind")
    location = actor.location
    if location is None and actor.user is not None and len(actor.location_ids) == 1:
        location = Location.objects.filter(pk=next(iter(actor.location_ids))).first()
    contact = Contact.objects.create(
        customer=customer,
        kind=kind,
        note=(note or "").strip()[:4000],
        channel=actor.channel or "",
        staff=actor.user,
        client=actor.client,
        location=location,
        at=at or timezone.now(),
    )
    _touch_channel(customer, actor.channel, at=contact.at)
    return contact


def identity_snapshot(customer: Customer) -> dict:
    return {
        "id": str(customer.pk),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "email": customer.email,
        "phone": customer.phone,
        "loyalty_card": customer.loyalty_card,
        "city": customer.city,
        "created_at": customer.created_at.isoformat() if customer.created_at else None,
        "created_channel": customer.created_channel,
    }


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, actor: Actor) -> Customer:
    """Merge the duplicate ``source`` into ``target``: identifiers the target lacks,
    contacts, consents (the most recent decision wins), channels and every higher app's
    rows (through ``customers_merged``) move over; the duplicate stays as a tombstone
    pointing at the target, so that its old id still leads somewhere."""
    if not may_merge_customers(actor):
        raise Forbidden()
    if source.pk == target.pk:
        raise MergeNotAllowed(detail=str(MergeNotAllowed.default_detail))
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id or source.is_erased or target.is_erased:
        raise MergeNotAllowed()
    now = timezone.now()
    snapshot = identity_snapshot(source)
    source_consents = {medium: source.consent(medium) for medium in Medium.values}

    moved = {
        field: getattr(source, field)
        for field in IDENTIFIER_FIELDS
        if getattr(source, field) and not getattr(target, field)
    }
    # The tombstone gives its identifiers up first: they are unique.
    source.first_name = source.last_name = source.city = ""
    source.email = source.phone = source.loyalty_card = None
    source.email_consent = source.sms_consent = False
    source.merged_into = target
    source.save(
        update_fields=[
            "first_name",
            "last_name",
            "city",
            "email",
            "phone",
            "loyalty_card",
            "email_consent",
            "sms_consent",
            "merged_into",
            "updated_at",
        ]
    )
    changed = list(moved)
    for field, value in moved.items():
        setattr(target, field, value)
        column = confirmation_fields(field)
        if column:  # a contact point moves with what was known of it
            setattr(target, column, getattr(source, column))
            changed.append(column)
    for field in ("first_name", "last_name", "city"):
        if not getattr(target, field) and snapshot[field]:
            setattr(target, field, snapshot[field])
            changed.append(field)
    if target.preferred_store_id is None and source.preferred_store_id is not None:
        target.preferred_store_id = source.preferred_store_id
        changed.append("preferred_store")
    for medium in Medium.values:
        source_at = getattr(source, f"{medium}_consent_at")
        target_at = getattr(target, f"{medium}_consent_at")
        if source_at and (target_at is None or source_at > target_at):
            # The customer's most recent decision, wherever it was made, is the one that counts.
            setattr(target, f"{medium}_consent", source_consents[medium])
            setattr(target, f"{medium}_consent_at", source_at)
            setattr(target, f"{medium}_consent_channel", getattr(source, f"{medium}_consent_channel"))
            changed += [f"{medium}_consent", f"{medium}_consent_at", f"{medium}_consent_channel"]
    if source.created_at and target.created_at and source.created_at < target.created_at:
        # The customer has been a customer since the duplicate's first visit.
        Customer.objects.filter(pk=target.pk).update(created_at=source.created_at)
        target.created_at = source.created_at
    target.save(update_fields=[*changed, "updated_at"])

    Contact.objects.filter(customer=source).update(customer=target)
    ConsentEvent.objects.filter(customer=source).update(customer=target)
    known = set(target.identifiers.values_list("kind", "value"))
    for identifier in list(source.identifiers.all()):
        if (identifier.kind, identifier.value) in known:
            identifier.delete()
        else:
            identifier.customer = target
            identifier.save(update_fields=["customer"])
    target_channels = {use.channel: use for use in target.channel_uses.all()}
    for use in list(source.channel_uses.all()):
        mine = target_channels.get(use.channel)
        if mine is None:
            use.customer = target
            use.save(update_fields=["customer"])
        else:
            mine.first_seen_at = min(mine.first_seen_at, use.first_seen_at)
            mine.last_seen_at = max(mine.last_seen_at, use.last_seen_at)
            mine.save(update_fields=["first_seen_at", "last_seen_at"])
            use.delete()
    SegmentMembership.objects.filter(customer=source).delete()
    Customer.objects.filter(merged_into=source).update(merged_into=target)
    Message.objects.filter(about_type=ContentType.objects.get_for_model(Customer), about_id=str(source.pk)).update(
        about_id=str(target.pk)
    )
    CustomerMerge.objects.create(
        source=source,
        target=target,
        snapshot=snapshot,
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label,
        channel=actor.channel or "",
        at=now,
    )
    customers_merged.send(sender=Customer, source_id=source.pk, target_id=target.pk, actor=actor)
    return target
