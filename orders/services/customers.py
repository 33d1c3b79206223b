"""What orders does when a customer changes identity: merged into another, or erased."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction

from ..models import Cart, Order


@transaction.atomic
def orders_repoint(*, source_id: UUID, target_id: UUID) -> None:
    """A duplicate was merged: its orders and carts follow the customer it became."""
    Order.objects.filter(customer_id=source_id).update(customer_id=target_id)
    Cart.objects.filter(customer_id=source_id).update(customer_id=target_id)


@transaction.atomic
def orders_anonymise(*, customer_id: UUID) -> None:
    """A customer was erased: the orders stay for the accounts; the delivery addresses
    (names, streets) go."""
    Order.objects.filter(customer_id=customer_id, shipping_address__isnull=False).update(
        shipping_address={"erased": True}
    )
