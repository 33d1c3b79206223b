"""What promotions does when a customer is merged into another."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.db.models import Exists, OuterRef

from ..models import CampaignRecipient, Redemption


@transaction.atomic
def redemptions_repoint(*, source_id: UUID, target_id: UUID) -> None:
    """A duplicate was merged: its redemptions count for the customer it became (per-customer
    limits), and its campaign receipts too, unless the target already got that campaign."""
    Redemption.objects.filter(customer_id=source_id).update(customer_id=target_id)
    already = CampaignRecipient.objects.filter(campaign_id=OuterRef("campaign_id"), customer_id=target_id)
    CampaignRecipient.objects.filter(customer_id=source_id).exclude(Exists(already)).update(customer_id=target_id)
