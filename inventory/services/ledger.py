"""What every change of stock is built from: locking levels, releasing their expired
holds, writing ledger rows and saving. ``stock`` (movements by staff and the ERP) and
``reservations`` (holds and sales for the orders capability) are the only callers.

Rules every change follows:
- one transaction; the stock levels it touches are locked first, always in primary-key
  order, so two operations never wait for each other in a circle;
- every reservation change happens while its level is locked, so a reservation read
  under the lock is current;
- reservations that expired are released (with their ledger row) before their units are
  counted as available, so correctness never waits for the sweeper;
- every change of a level appends a ledger row with the actor, the channel and the time;
- the database's CHECK constraints (on hand >= reserved >= 0) are the last line: a path
  that forgot a check fails with an IntegrityError instead of overselling.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.models import Location

from ..errors import InsufficientStock, InvalidQuantity, UnknownProduct
from ..models import MAX_STOCK_QUANTITY, MovementKind, Product, Reservation, StockLevel, StockMovement

Key = tuple[int, int]  # (product_id, location_id)


def clean_lines(lines: dict[str, int]) -> dict[str, int]:
    if not lines:
        raise InvalidQuantity(_("At least one line is needed."))
    cleaned: dict[str, int] = {}
    for sku, quantity in lines.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_STOCK_QUANTITY:
            raise InvalidQuantity(sku=sku)
        cleaned[str(sku)] = quantity
    return cleaned


def products_of(skus: Iterable[str]) -> dict[str, Product]:
    skus = set(skus)
    products = {product.sku: product for product in Product.objects.filter(sku__in=skus)}
    missing = sorted(skus - set(products))
    if missing:
        raise UnknownProduct(_("No product has the SKU %(sku)s.") % {"sku": missing[0]}, sku=missing[0])
    return products


def lock_levels(*, product_ids: Iterable[int], location_ids: Iterable[int], create: bool) -> dict[Key, StockLevel]:
    """Lock the levels of these products at these locations, in pk order.

    With ``create``, the missing levels are then inserted (a unique constraint, not a
    check-then-act) in (product, location) order and locked in turn: existing rows are
    always locked before new ones, so two writers cannot wait for each other in a circle.
    """
    product_ids, location_ids = sorted(set(product_ids)), sorted(set(location_ids))
    levels = _select_for_update(product_ids, location_ids)
    wanted = [(p, loc) for p in product_ids for loc in location_ids]
    missing = [key for key in wanted if key not in levels]
    if create and missing:
        StockLevel.objects.bulk_create(
            [StockLevel(product_id=p, location_id=loc) for p, loc in missing], ignore_conflicts=True
        )
        levels.update(_select_for_update(sorted({k[0] for k in missing}), sorted({k[1] for k in missing})))
    return levels


def _select_for_update(product_ids: list[int], location_ids: list[int]) -> dict[Key, StockLevel]:
    levels = (
        StockLevel.objects.select_for_update()
        .filter(product_id__in=product_ids, location_id__in=location_ids)
        .order_by("pk")
    )
    return {(level.product_id, level.location_id): level for level in levels}


def movement_row(
    level: StockLevel,
    *,
    kind: str,
    quantity: int,
    actor: Actor,
    now: datetime,
    on_hand_delta: int = 0,
    reserved_delta: int = 0,
    reason: str = "",
    reference: str = "",
) -> StockMovement:
    """The ledger row of a change already applied to ``level``."""
    return StockMovement(
        product_id=level.product_id,
        location_id=level.location_id,
        kind=kind,
        quantity=quantity,
        on_hand_delta=on_hand_delta,
        reserved_delta=reserved_delta,
        on_hand_after=level.on_hand,
        reserved_after=level.reserved,
        reason=(reason or "")[:200],
        reference=(reference or "")[:100],
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label[:160],
        channel=actor.channel or "",
        created_at=now,
    )


def release_expired(levels: dict[Key, StockLevel], *, now: datetime, movements: list[StockMovement]) -> int:
    """Release the expired reservations of these (locked) levels."""
    if not levels:
        return 0
    expired = [
        reservation
        for reservation in Reservation.objects.filter(
            product_id__in={key[0] for key in levels},
            location_id__in={key[1] for key in levels},
            status=Reservation.Status.ACTIVE,
            expires_at__lte=now,
        ).order_by("pk")
        if (reservation.product_id, reservation.location_id) in levels
    ]
    system = Actor.system()
    for reservation in expired:
        level = levels[(reservation.product_id, reservation.location_id)]
        level.reserved -= reservation.quantity
        movements.append(
            movement_row(
                level,
                kind=MovementKind.RELEASE,
                quantity=reservation.quantity,
                reserved_delta=-reservation.quantity,
                reason="expired",
                reference=reservation.reference,
                actor=system,
                now=now,
            )
        )
        reservation.status = Reservation.Status.EXPIRED
        reservation.closed_at = now
    if expired:
        Reservation.objects.bulk_update(expired, ["status", "closed_at"])
    return len(expired)


def save_changes(levels: Iterable[StockLevel], movements: list[StockMovement], now: datetime) -> None:
    changed = list(levels)
    for level in changed:
        level.updated_at = now
    if changed:
        StockLevel.objects.bulk_update(changed, ["on_hand", "reserved", "updated_at"])
    if movements:
        StockMovement.objects.bulk_create(movements)


def insufficient(sku: str, available: int, location: Location) -> InsufficientStock:
    available = max(available, 0)
    return InsufficientStock(
        _("Only %(available)s of %(sku)s available at %(location)s.")
        % {"available": available, "sku": sku, "location": location.name},
        sku=sku,
        available=available,
    )
