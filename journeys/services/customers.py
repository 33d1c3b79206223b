"""What journeys does when a customer changes identity: merged into another, or erased."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction

from ..models import AnonymousLink, Journey, Touchpoint
from .ingest import publish_recompute


@transaction.atomic
def touchpoints_repoint(*, source_id: UUID, target_id: UUID) -> None:
    """A duplicate was merged: its touchpoints and anonymous ids follow the customer it
    became; its journeys are rebuilt for the target once the merge is committed."""
    Touchpoint.objects.filter(customer_id=source_id).update(customer_id=target_id)
    AnonymousLink.objects.filter(customer_id=source_id).update(customer_id=target_id)
    Journey.objects.filter(customer_id=source_id).delete()
    transaction.on_commit(lambda: publish_recompute([str(target_id)], None))


@transaction.atomic
def touchpoints_anonymise(*, customer_id: UUID) -> None:
    """A customer was erased: keep what analytics count (type, channel, time), drop what
    could identify them."""
    Touchpoint.objects.filter(customer_id=customer_id).update(properties={}, anonymous_id="", sku="")
    AnonymousLink.objects.filter(customer_id=customer_id).delete()
