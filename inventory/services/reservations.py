"""Holds and sales, called by the orders capability: reserve, release, consume, sell,
return, and the sweeper of expired holds (the rules are in ``ledger``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.models import Location
from omni.transactions import service

from ..errors import ReservationNotActive
from ..models import MovementKind, Product, Reservation, StockMovement
from .ledger import (
    clean_lines,
    insufficient,
    lock_levels,
    movement_row,
    products_of,
    release_expired,
    save_changes,
)

EXPIRY_BATCH = 500  # reservations released per transaction by the sweeper


# --- reservations and sales: the orders capability calls these ------------------------------
def _lock_available(
    *, lines: dict[str, int], location: Location, now: datetime, products: dict[str, Product] | None = None
) -> tuple[dict, dict, list[StockMovement]]:
    """Lock the lines' levels at ``location`` and check that every line is available,
    before any write: all or nothing. Expired holds found on the way are released.
    ``products`` (by SKU), when the caller already read them, saves reading them again."""
    if products is None or not set(lines) <= set(products):
        products = products_of(lines)
    levels = lock_levels(
        product_ids=[product.pk for product in products.values()], location_ids=[location.pk], create=False
    )
    movements: list[StockMovement] = []
    release_expired(levels, now=now, movements=movements)
    for sku in sorted(lines):
        level = levels.get((products[sku].pk, location.pk))
        available = level.available if level else 0
        if available < lines[sku]:
            raise insufficient(sku, available, location)
    return products, levels, movements


@service
def stock_reserve(
    *,
    location: Location,
    lines: dict[str, int],
    reference: str,
    actor: Actor,
    expires_at: datetime | None = None,
    products: dict[str, Product] | None = None,
) -> list[Reservation]:
    """Reserve every line at ``location`` or nothing (409 ``insufficient_stock`` naming the
    first SKU short, in SKU order, with what is available of it)."""
    lines = clean_lines(lines)
    now = timezone.now()
    products, levels, movements = _lock_available(lines=lines, location=location, now=now, products=products)
    reservations = []
    for sku in sorted(lines):
        product, quantity = products[sku], lines[sku]
        level = levels[(product.pk, location.pk)]
        level.reserved += quantity
        movements.append(
            movement_row(
                level,
                kind=MovementKind.RESERVATION,
                quantity=quantity,
                reserved_delta=quantity,
                reference=reference,
                actor=actor,
                now=now,
            )
        )
        reservations.append(
            Reservation(
                product=product,
                location=location,
                reference=reference[:100],
                quantity=quantity,
                expires_at=expires_at,
                created_at=now,
                actor_label=actor.label[:160],
                channel=actor.channel or "",
            )
        )
    save_changes(levels.values(), movements, now)
    return Reservation.objects.bulk_create(reservations)


def _close_reservations(*, reference: str, actor: Actor, sku: str | None, consume: bool) -> list[Reservation]:
    # Found the way ``stock_reserve`` stored it: cut to the column's 100 characters.
    candidates = Reservation.objects.filter(reference=reference[:100], status=Reservation.Status.ACTIVE)
    if sku is not None:
        candidates = candidates.filter(product__sku=sku)
    keys = set(candidates.values_list("product_id", "location_id"))
    if not keys:
        return []
    now = timezone.now()
    levels = lock_levels(product_ids=[k[0] for k in keys], location_ids=[k[1] for k in keys], create=False)
    # Read again under the level locks: a concurrent release may have closed some.
    reservations = [
        reservation
        for reservation in candidates.select_related("product").order_by("pk")
        if (reservation.product_id, reservation.location_id) in levels
    ]
    movements: list[StockMovement] = []
    for reservation in reservations:
        level = levels[(reservation.product_id, reservation.location_id)]
        level.reserved -= reservation.quantity
        if consume:
            level.on_hand -= reservation.quantity
        movements.append(
            movement_row(
                level,
                kind=MovementKind.SALE if consume else MovementKind.RELEASE,
                quantity=reservation.quantity,
                on_hand_delta=-reservation.quantity if consume else 0,
                reserved_delta=-reservation.quantity,
                reference=reference,
                actor=actor,
                now=now,
            )
        )
        reservation.status = Reservation.Status.CONSUMED if consume else Reservation.Status.RELEASED
        reservation.closed_at = now
    Reservation.objects.bulk_update(reservations, ["status", "closed_at"])
    save_changes(levels.values(), movements, now)
    return reservations


@transaction.atomic
def stock_release(*, reference: str, actor: Actor, sku: str | None = None) -> list[Reservation]:
    """Release the active reservations of ``reference`` (only ``sku``'s if given).
    Safe to call twice: the second call finds nothing to release and returns []."""
    return _close_reservations(reference=reference, actor=actor, sku=sku, consume=False)


@transaction.atomic
def stock_consume(*, reference: str, actor: Actor) -> list[Reservation]:
    """Reserved units are sold: on hand and reserved both decrease, reservations close.
    A reservation past its expiry that the sweeper has not released yet is still honoured
    (its units were never given to anyone else). Nothing active -> 409 ``reservation_not_active``."""
    consumed = _close_reservations(reference=reference, actor=actor, sku=None, consume=True)
    if not consumed:
        raise ReservationNotActive(reference=reference)
    return consumed


@service
def stock_sell(
    *,
    location: Location,
    lines: dict[str, int],
    reference: str,
    actor: Actor,
    products: dict[str, Product] | None = None,
) -> list[StockMovement]:
    """A direct sale (POS): every line leaves stock at once, or none does."""
    lines = clean_lines(lines)
    now = timezone.now()
    products, levels, movements = _lock_available(lines=lines, location=location, now=now, products=products)
    sales = []
    for sku in sorted(lines):
        level = levels[(products[sku].pk, location.pk)]
        level.on_hand -= lines[sku]
        sales.append(
            movement_row(
                level,
                kind=MovementKind.SALE,
                quantity=lines[sku],
                on_hand_delta=-lines[sku],
                reference=reference,
                actor=actor,
                now=now,
            )
        )
    save_changes(levels.values(), movements + sales, now)
    return sales


@transaction.atomic
def stock_return(
    *, location: Location, lines: dict[str, int], reference: str, actor: Actor,
    written_off: dict[str, int] | None = None,
) -> list[StockMovement]:
    """Returned goods go back on hand at ``location`` (returns are taken anywhere).
    ``written_off``: of those units, the damaged ones, received and then written off at
    once, so that the ledger shows both and they are never sold again."""
    lines = clean_lines(lines)
    written_off = {sku: quantity for sku, quantity in (written_off or {}).items() if quantity > 0}
    if any(quantity > lines.get(sku, 0) for sku, quantity in written_off.items()):
        raise ValueError("Only units received back can be written off.")
    products = products_of(lines)
    now = timezone.now()
    levels = lock_levels(
        product_ids=[product.pk for product in products.values()], location_ids=[location.pk], create=True
    )
    movements = []
    for sku in sorted(lines):
        level = levels[(products[sku].pk, location.pk)]
        level.on_hand += lines[sku]
        movements.append(
            movement_row(level, kind=MovementKind.RETURN, quantity=lines[sku], on_hand_delta=lines[sku],
                         reference=reference, actor=actor, now=now)
        )
        damaged = written_off.get(sku, 0)
        if damaged:
            level.on_hand -= damaged
            movements.append(
                movement_row(level, kind=MovementKind.WRITE_OFF, quantity=damaged, on_hand_delta=-damaged,
                             reason=_("Returned damaged"), reference=reference, actor=actor, now=now)
            )
    save_changes(levels.values(), movements, now)
    return movements


def reservations_expire(*, now: datetime | None = None) -> int:
    """Release every reservation expired at ``now``: one ledger row each, in batches, each
    batch its own transaction. Idempotent: a second run finds nothing left to release."""
    now = now or timezone.now()
    released = 0
    while True:
        with transaction.atomic():
            due = list(
                Reservation.objects.filter(status=Reservation.Status.ACTIVE, expires_at__lte=now)
                .order_by("pk")
                .values_list("product_id", "location_id")[:EXPIRY_BATCH]
            )
            if not due:
                return released
            levels = lock_levels(
                product_ids=[key[0] for key in due], location_ids=[key[1] for key in due], create=False
            )
            levels = {key: level for key, level in levels.items() if key in set(due)}
            movements: list[StockMovement] = []
            count = release_expired(levels, now=now, movements=movements)
            touched = {(m.product_id, m.location_id) for m in movements}
            save_changes([levels[key] for key in sorted(touched)], movements, now)
        released += count
        if count == 0:
            return released
