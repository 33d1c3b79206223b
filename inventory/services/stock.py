"""Receipts, adjustments, counts, transfers and low-stock thresholds: the changes staff and
the ERP make. With ``reservations``, the only code that writes ``StockLevel``,
``StockMovement`` and ``Reservation`` (the rules are in ``ledger``)."""

from __future__ import annotations

import secrets
from functools import partial
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omni.actor import Actor
from omni.errors import Forbidden
from omni.models import Location

from ..errors import InvalidQuantity, SameLocation
from ..models import MAX_STOCK_QUANTITY, MovementKind, StockLevel, StockMovement
from ..permissions import can_move_stock_at
from .ledger import insufficient, lock_levels, movement_row, products_of, release_expired, save_changes


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
    if isinstance(quantity, bool) or not isinstance(quantity, int) or abs(quantity) > MAX_STOCK_QUANTITY:
        raise InvalidQuantity()
    if kind == MovementKind.RECEIPT and quantity <= 0:
        raise InvalidQuantity(_("A receipt needs a positive quantity."))
    if kind == MovementKind.ADJUSTMENT and quantity == 0:
        raise InvalidQuantity(_("An adjustment needs a non-zero quantity."))
    if kind == MovementKind.COUNT and quantity < 0:
        raise InvalidQuantity(_("A count cannot be negative."))
    if kind not in (MovementKind.RECEIPT, MovementKind.ADJUSTMENT, MovementKind.COUNT):
        raise InvalidQuantity(_("Unknown movement kind."))
    product = products_of([sku])[sku]
    now = timezone.now()
    levels = lock_levels(product_ids=[product.pk], location_ids=[location.pk], create=True)
    level = levels[(product.pk, location.pk)]
    movements: list[StockMovement] = []
    release_expired(levels, now=now, movements=movements)
    delta = quantity - level.on_hand if kind == MovementKind.COUNT else quantity
    if level.available + delta < 0:
        raise insufficient(sku, level.available, location)
    level.on_hand += delta
    movements.append(
        movement_row(
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
    save_changes([level], movements, now)
    level.product = product
    level.location = location
    return level


# Shortcuts for the movement kinds of the contract, same keywords as ``stock_move``.
stock_receive = partial(stock_move, kind=MovementKind.RECEIPT)
stock_adjust = partial(stock_move, kind=MovementKind.ADJUSTMENT)
stock_count = partial(stock_move, kind=MovementKind.COUNT)


class Transfer(NamedTuple):
    """A transfer's two levels after it, and the reference its two ledger rows share."""

    source: StockLevel
    target: StockLevel
    reference: str


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
) -> Transfer:
    """Move units from one location to another: one ledger row out, one in, one reference."""
    if not can_move_stock_at(actor, from_location):
        raise Forbidden(_("You may not move stock out of %(location)s.") % {"location": from_location.name})
    if from_location.pk == to_location.pk:
        raise SameLocation()
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity <= MAX_STOCK_QUANTITY:
        raise InvalidQuantity(_("A transfer needs a positive quantity."))
    product = products_of([sku])[sku]
    now = timezone.now()
    reference = reference or f"TR-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"
    levels = lock_levels(product_ids=[product.pk], location_ids=[from_location.pk, to_location.pk], create=True)
    movements: list[StockMovement] = []
    release_expired(levels, now=now, movements=movements)
    source, target = levels[(product.pk, from_location.pk)], levels[(product.pk, to_location.pk)]
    if source.available < quantity:
        raise insufficient(sku, source.available, from_location)
    source.on_hand -= quantity
    movements.append(
        movement_row(
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
        movement_row(
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
    save_changes([source, target], movements, now)
    for level, location in ((source, from_location), (target, to_location)):
        level.product, level.location = product, location
    return Transfer(source, target, reference)


@transaction.atomic
def stock_threshold_set(*, sku: str, location: Location, threshold: int | None, actor: Actor) -> StockLevel:
    """The low-stock alert threshold of one product at one location (``None``: the product's)."""
    if not can_move_stock_at(actor, location):
        raise Forbidden(_("You may not manage stock at %(location)s.") % {"location": location.name})
    if threshold is not None and (isinstance(threshold, bool) or not 0 <= threshold <= MAX_STOCK_QUANTITY):
        raise InvalidQuantity()
    product = products_of([sku])[sku]
    level = lock_levels(product_ids=[product.pk], location_ids=[location.pk], create=True)[(product.pk, location.pk)]
    level.low_stock_threshold = threshold
    level.save(update_fields=["low_stock_threshold", "updated_at"])
    return level
