"""Every change of stock. The only code that writes ``StockLevel``, ``StockMovement`` and
``Reservation``.

Rules every function here follows:
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

import secrets
from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Location
from omni.transactions import service

from ..errors import InsufficientStock, InvalidQuantity, ReservationNotActive, SameLocation, UnknownProduct
from ..models import MovementKind, Product, Reservation, StockLevel, StockMovement
from ..permissions import can_move_stock_at

MAX_QUANTITY = 1_000_000
EXPIRY_BATCH = 500

Key = tuple[int, int]  # (product_id, location_id)


# --- helpers ------------------------------------------------------------------------------
def _clean_lines(lines: dict[str, int]) -> dict[str, int]:
    if not lines:
        raise InvalidQuantity(_("At least one line is needed."))
    cleaned: dict[str, int] = {}
    for sku, quantity in lines.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
            raise InvalidQuantity(sku=sku)
        cleaned[str(sku)] = quantity
    return cleaned


def _products(skus: Iterable[str]) -> dict[str, Product]:
    skus = set(skus)
    products = {product.sku: product for product in Product.objects.filter(sku__in=skus)}
    missing = sorted(skus - set(products))
    if missing:
        raise UnknownProduct(_("No product has the SKU %(sku)s.") % {"sku": missing[0]}, sku=missing[0])
    return products


def _lock_levels(*, product_ids: Iterable[int], location_ids: Iterable[int], create: bool) -> dict[Key, StockLevel]:
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


def _movement(
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


def _release_expired(levels: dict[Key, StockLevel], *, now: datetime, movements: list[StockMovement]) -> int:
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
            _movement(
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


def _save(levels: Iterable[StockLevel], movements: list[StockMovement], now: datetime) -> None:
    changed = list(levels)
    for level in changed:
        level.updated_at = now
    if changed:
        StockLevel.objects.bulk_update(changed, ["on_hand", "reserved", "updated_at"])
    if movements:
        StockMovement.objects.bulk_create(movements)


def _insufficient(sku: str, available: int, location: Location) -> InsufficientStock:
    available = max(available, 0)
    return InsufficientStock(
        _("Only %(available)s of %(sku)s available at %(location)s.")
        % {"available": available, "sku": sku, "location": location.name},
        sku=sku,
        available=available,
    )


# --- receipts, adjustments, counts, transfers ---------------------------------------------
@transaction.atomic
def stock_move(
    *,
    sku: str,
    location: Location,
    kind: str,
    quantity: int,
    actor: Actor,
    reason: str = "",
    reference: str = "",
) -> StockLevel:
    """A receipt adds ``quantity``; an adjustment adds a signed delta; a count sets the
    counted on-hand. Refused (409 ``insufficient_stock``) if available would go negative."""
    if not can_move_stock_at(actor, location):
        raise Forbidden(_("You may not move stock at %(location)s.") % {"location": location.name})
    if isinstance(quantity, bool) or not isinstance(quantity, int) or abs(quantity) > MAX_QUANTITY:
        raise InvalidQuantity()
    if kind == MovementKind.RECEIPT and quantity <= 0:
        raise InvalidQuantity(_("A receipt needs a positive quantity."))
    if kind == MovementKind.ADJUSTMENT and quantity == 0:
        raise InvalidQuantity(_("An adjustment needs a non-zero quantity."))
    if kind == MovementKind.COUNT and quantity < 0:
        raise InvalidQuantity(_("A count cannot be negative."))
    if kind not in (MovementKind.RECEIPT, MovementKind.ADJUSTMENT, MovementKind.COUNT):
        raise InvalidQuantity(_("Unknown movement kind."))
    product = _products([sku])[sku]
    now = timezone.now()
    levels = _lock_levels(product_ids=[product.pk], location_ids=[location.pk], create=True)
    level = levels[(product.pk, location.pk)]
    movements: list[StockMovement] = []
    _release_expired(levels, now=now, movements=movements)
    delta = quantity - level.on_hand if kind == MovementKind.COUNT else quantity
    if level.available + delta < 0:
        raise _insufficient(sku, level.available, location)
    level.on_hand += delta
    movements.append(
        _movement(
            level,
            kind=kind,
            quantity=quantity,
            on_hand_delta=delta,
            reason=reason,
            reference=reference,
            actor=actor,
            now=now,
        )
    )
    _save([level], movements, now)
    level.product = product
    level.location = location
    return level


# Shortcuts for the movement kinds of the contract, same keywords as ``stock_move``.
stock_receive = partial(stock_move, kind=MovementKind.RECEIPT)
stock_adjust = partial(stock_move, kind=MovementKind.ADJUSTMENT)
stock_count = partial(stock_move, kind=MovementKind.COUNT)


@transaction.atomic
def stock_transfer(
    *,
    sku: str,
    from_location: Location,
    to_location: Location,
    quantity: int,
    actor: Actor,
    reason: str = "",
    reference: str = "",
) -> tuple[StockLevel, StockLevel]:
    """Move units from one location to another: one ledger row out, one in, one reference."""
    if not can_move_stock_at(actor, from_location):
        raise Forbidden(_("You may not move stock out of %(location)s.") % {"location": from_location.name})
    if from_location.pk == to_location.pk:
        raise SameLocation()
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
        raise InvalidQuantity(_("A transfer needs a positive quantity."))
    product = _products([sku])[sku]
    now = timezone.now()
    reference = reference or f"TR-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"
    levels = _lock_levels(product_ids=[product.pk], location_ids=[from_location.pk, to_location.pk], create=True)
    movements: list[StockMovement] = []
    _release_expired(levels, now=now, movements=movements)
    source, target = levels[(product.pk, from_location.pk)], levels[(product.pk, to_location.pk)]
    if source.available < quantity:
        raise _insufficient(sku, source.available, from_location)
    source.on_hand -= quantity
    movements.append(
        _movement(
            source,
            kind=MovementKind.TRANSFER_OUT,
            quantity=quantity,
            on_hand_delta=-quantity,
            reason=reason or to_location.code,
            reference=reference,
            actor=actor,
            now=now,
        )
    )
    target.on_hand += quantity
    movements.append(
        _movement(
            target,
            kind=MovementKind.TRANSFER_IN,
            quantity=quantity,
            on_hand_delta=quantity,
            reason=reason or from_location.code,
            reference=reference,
            actor=actor,
            now=now,
        )
    )
    _save([source, target], movements, now)
    for level, location in ((source, from_location), (target, to_location)):
        level.product, level.location = product, location
        level.last_reference = reference
    return source, target


# --- reservations and sales: the orders capability calls these ------------------------------
def _lock_available(
    *, lines: dict[str, int], location: Location, now, products: dict[str, Product] | None = None
) -> tuple[dict, dict, list[StockMovement]]:
    """Lock the lines' levels at ``location`` and check that every line is available,
    before any write: all or nothing. Expired holds found on the way are released.
    ``products`` (by SKU), when the caller already read them, saves reading them again."""
    if products is None or not set(lines) <= set(products):
        products = _products(lines)
    levels = _lock_levels(
        product_ids=[product.pk for product in products.values()], location_ids=[location.pk], create=False
    )
    movements: list[StockMovement] = []
    _release_expired(levels, now=now, movements=movements)
    for sku in sorted(lines):
        level = levels.get((products[sku].pk, location.pk))
        available = level.available if level else 0
        if available < lines[sku]:
            raise _insufficient(sku, available, location)
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
    lines = _clean_lines(lines)
    now = timezone.now()
    products, levels, movements = _lock_available(lines=lines, location=location, now=now, products=products)
    reservations = []
    for sku in sorted(lines):
        product, quantity = products[sku], lines[sku]
        level = levels[(product.pk, location.pk)]
        level.reserved += quantity
        movements.append(
            _movement(
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
    _save(levels.values(), movements, now)
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
    levels = _lock_levels(product_ids=[k[0] for k in keys], location_ids=[k[1] for k in keys], create=False)
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
            _movement(
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
    _save(levels.values(), movements, now)
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
    *, location: Location, lines: dict[str, int], reference: str, actor: Actor,
    products: dict[str, Product] | None = None,
) -> list[StockMovement]:
    """A direct sale (POS): every line leaves stock at once, or none does."""
    lines = _clean_lines(lines)
    now = timezone.now()
    products, levels, movements = _lock_available(lines=lines, location=location, now=now, products=products)
    sales = []
    for sku in sorted(lines):
        level = levels[(products[sku].pk, location.pk)]
        level.on_hand -= lines[sku]
        sales.append(
            _movement(
                level,
                kind=MovementKind.SALE,
                quantity=lines[sku],
                on_hand_delta=-lines[sku],
                reference=reference,
                actor=actor,
                now=now,
            )
        )
    _save(levels.values(), movements + sales, now)
    return sales


@transaction.atomic
def stock_return(*, location: Location, lines: dict[str, int], reference: str, actor: Actor) -> list[StockMovement]:
    """Returned goods go back on hand at ``location`` (returns are taken anywhere)."""
    lines = _clean_lines(lines)
    products = _products(lines)
    now = timezone.now()
    levels = _lock_levels(
        product_ids=[product.pk for product in products.values()], location_ids=[location.pk], create=True
    )
    returns = []
    for sku in sorted(lines):
        level = levels[(products[sku].pk, location.pk)]
        level.on_hand += lines[sku]
        returns.append(
            _movement(
                level,
                kind=MovementKind.RETURN,
                quantity=lines[sku],
                on_hand_delta=lines[sku],
                reference=reference,
                actor=actor,
                now=now,
            )
        )
    _save(levels.values(), returns, now)
    return returns


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
            levels = _lock_levels(
                product_ids=[key[0] for key in due], location_ids=[key[1] for key in due], create=False
            )
            levels = {key: level for key, level in levels.items() if key in set(due)}
            movements: list[StockMovement] = []
            count = _release_expired(levels, now=now, movements=movements)
            touched = {(m.product_id, m.location_id) for m in movements}
            _save([levels[key] for key in sorted(touched)], movements, now)
        released += count
        if count == 0:
            return released


@transaction.atomic
def stock_threshold_set(*, sku: str, location: Location, threshold: int | None, actor: Actor) -> StockLevel:
    """The low-stock alert threshold of one product at one location (``None``: the product's)."""
    if not can_move_stock_at(actor, location):
        raise Forbidden(_("You may not manage stock at %(location)s.") % {"location": location.name})
    if threshold is not None and (isinstance(threshold, bool) or not 0 <= threshold <= MAX_QUANTITY):
        raise InvalidQuantity()
    product = _products([sku])[sku]
    level = _lock_levels(product_ids=[product.pk], location_ids=[location.pk], create=True)[(product.pk, location.pk)]
    level.low_stock_threshold = threshold
    level.save(update_fields=["low_stock_threshold", "updated_at"])
    return level
