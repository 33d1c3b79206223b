"""The only writers of the points ledger.

Every change that spends or takes back points locks the customer's row first
(``select_for_update``): two tills spending one balance at once are served one after the
other, and the second sees what the first left. Changes run inside the caller's
transaction (an order's placement, cancellation or return): a refused order spends
nothing. Spending takes the earliest-expiring credits first; ``remaining`` on each credit
says what is left of it, so expiry takes exactly what was not spent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from omni.actor import Actor
from omni.errors import FieldRefused, Forbidden
from omni.money import ZERO, to_money

from .errors import InsufficientPoints, InvalidPointsStep, LoyaltyNotRunning, LoyaltyRequiresCustomer
from .models import EntryKind, LoyaltyProgram, PointsEntry
from .selectors import available_credits, spendable_points
from .signals import points_redeemed

EXPIRY_BATCH = 500


@dataclass(frozen=True)
class Redemption:
    points: int
    discount: Decimal


# --- spending ---------------------------------------------------------------------------------
def redemption_check(*, customer: Customer | None, points: int, program: LoyaltyProgram | None = None) -> Redemption:
    """What spending ``points`` is worth, or the contract's refusal: no customer, the
    programme not running, not a multiple of the step or under the minimum, more than the
    balance. Read without a lock (a quote); placing the order checks again under it."""
    program = program or LoyaltyProgram.current()
    if customer is None:
        raise LoyaltyRequiresCustomer()
    if not program.active:
        raise LoyaltyNotRunning()
    if points < program.min_redeem or points % program.redeem_step:
        raise InvalidPointsStep(
            _("Points are spent in steps of %(step)s, at least %(min)s at once.")
            % {"step": program.redeem_step, "min": program.min_redeem},
            redeem_step=program.redeem_step, min_redeem=program.min_redeem,
        )
    available = spendable_points(customer.pk)
    if points > available:
        raise InsufficientPoints(available=available)
    return Redemption(points=points, discount=to_money(Decimal(points) * program.point_value))


def points_redeem(
    *, customer: Customer, points: int, order: str, channel: str, actor: Actor, now: datetime | None = None
) -> PointsEntry:
    """Spend ``points`` for ``order`` (placed on ``channel``) under the customer's lock,
    earliest-expiring first."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock(customer)
        redemption_check(customer=customer, points=points)
        _consume(customer, points)
        entry = _entry(customer, EntryKind.REDEEM, -points, order=order, actor=actor, now=now, channel=channel)
        points_redeemed.send(sender=PointsEntry, customer=customer, points=points, channel=entry.channel,
                             location_id=entry.location_id, at=now, order=order)
    return entry


# --- earning ----------------------------------------------------------------------------------
def points_for(amount_paid: Decimal, channel: str | None, program: LoyaltyProgram | None = None) -> int:
    """The points ``amount_paid`` earns on ``channel``, rounded down."""
    program = program or LoyaltyProgram.current()
    if not program.active or amount_paid <= ZERO:
        return 0
    return math.floor(amount_paid * program.rate_for(channel))


def points_earn(
    *, customer: Customer | None, order: str, amount_paid: Decimal, channel: str, pending: bool, actor: Actor,
    now: datetime | None = None,
) -> int:
    """Credit what ``amount_paid`` earns on ``channel``, pending until the order is handed over."""
    if customer is None:
        return 0  # nothing to read: an anonymous sale earns nothing
    now = now or timezone.now()
    program = LoyaltyProgram.current()
    points = points_for(amount_paid, channel, program)
    if points:
        _entry(customer, EntryKind.EARN, points, order=order, actor=actor, now=now, pending=pending,
               remaining=points, expires_at=now + timedelta(days=program.expire_after_days), channel=channel)
    return points


def points_confirm(*, order: str, now: datetime | None = None) -> int:
    """The order was handed over: its pending points become spendable, and their time to
    expire starts now."""
    now = now or timezone.now()
    days = LoyaltyProgram.current().expire_after_days
    return PointsEntry.objects.filter(order=order, kind=EntryKind.EARN, pending=True).update(
        pending=False, at=now, expires_at=now + timedelta(days=days)
    )


def points_cancel(*, customer: Customer | None, order: str, actor: Actor, now: datetime | None = None) -> None:
    """The order was cancelled (or expired): its pending points are dropped and the points
    it spent come back, as a new credit."""
    if customer is None:
        return
    now = now or timezone.now()
    with transaction.atomic():
        _lock(customer)
        for earn in PointsEntry.objects.select_for_update().filter(order=order, kind=EntryKind.EARN, pending=True):
            earn.pending, earn.remaining = False, 0
            earn.save(update_fields=["pending", "remaining"])
            _entry(customer, EntryKind.REVERSE, -earn.points, order=order, actor=actor, now=now,
                   note=_("Order cancelled"))
        _give_back(customer, order=order, actor=actor, now=now, note=_("Points given back: order cancelled"))


def points_give_back(*, customer: Customer | None, order: str, actor: Actor, now: datetime | None = None) -> int:
    """Everything the order bought came back: the points it spent come back too."""
    if customer is None:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        _lock(customer)
        return _give_back(customer, order=order, actor=actor, now=now, note=_("Points given back: order returned"))


def _give_back(customer: Customer, *, order: str, actor: Actor, now: datetime, note: str) -> int:
    """The points ``order`` spent, less what was given back already, as a new credit."""
    points = -_points_of(order, EntryKind.REDEEM) - _points_of(order, EntryKind.REVERSE, points__gt=0)
    if points > 0:
        days = LoyaltyProgram.current().expire_after_days
        _entry(customer, EntryKind.REVERSE, points, order=order, actor=actor, now=now, remaining=points,
               expires_at=now + timedelta(days=days), note=note)
    return max(points, 0)


def points_reverse(
    *, customer: Customer | None, order: str, refunded: Decimal, paid: Decimal, actor: Actor,
    now: datetime | None = None,
) -> int:
    """A return refunded part of ``paid``: the points it earned go back in proportion,
    cumulatively (returning everything takes back all of them), taken from what is left
    of the customer's credits (points already spent stay spent). Returns the points taken."""
    if customer is None or paid <= ZERO:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        _lock(customer)
        earned = _points_of(order, EntryKind.EARN)
        reversed_so_far = -_points_of(order, EntryKind.REVERSE, points__lt=0)
        owed = math.floor(earned * min(refunded / paid, Decimal(1))) - reversed_so_far
        taken = _consume(customer, owed, up_to_what_is_left=True, first_order=order) if owed > 0 else 0
        if taken:
            _entry(customer, EntryKind.REVERSE, -taken, order=order, actor=actor, now=now, note=_("Items returned"))
    return taken


# --- adjusting and expiring -----------------------------------------------------------------
def points_adjust(
    *, customer: Customer, points: int, note: str, actor: Actor, now: datetime | None = None,
    check_permission: bool = True,
) -> PointsEntry:
    """An administrator's (or the ERP's) correction, with the reason (``check_permission``
    off: the demo data's own bonus)."""
    if check_permission and not (actor.is_admin or actor.is_integration):
        raise Forbidden(_("Only an administrator or the ERP adjusts points."))
    if points == 0:
        raise FieldRefused("points", _("Enter a number of points other than zero."))
    if not note.strip():
        raise FieldRefused("note", _("Say why the points are adjusted."))
    now = now or timezone.now()
    with transaction.atomic():
        _lock(customer)
        if points > 0:
            days = LoyaltyProgram.current().expire_after_days
            return _entry(customer, EntryKind.ADJUST, points, actor=actor, now=now, note=note, remaining=points,
                          expires_at=now + timedelta(days=days))
        available = spendable_points(customer.pk)
        if -points > available:
            raise InsufficientPoints(available=available)
        _consume(customer, -points)
        return _entry(customer, EntryKind.ADJUST, points, actor=actor, now=now, note=note)


def points_expire(*, now: datetime | None = None) -> int:
    """The periodic task: every credit past its date loses what is left of it, with an
    ``expire`` entry. Each customer in their own transaction; a second run finds nothing."""
    now = now or timezone.now()
    expired = 0
    while True:
        customer_ids = list(
            PointsEntry.objects.filter(remaining__gt=0, pending=False, expires_at__lte=now)
            .values_list("customer_id", flat=True).distinct()[:EXPIRY_BATCH]
        )
        if not customer_ids:
            return expired
        for customer_id in customer_ids:
            with transaction.atomic():
                customer = Customer.objects.select_for_update().get(pk=customer_id)
                for credit in PointsEntry.objects.select_for_update().filter(
                    customer=customer, remaining__gt=0, pending=False, expires_at__lte=now
                ).order_by("expires_at", "pk"):
                    _entry(customer, EntryKind.EXPIRE, -credit.remaining, actor=Actor.system(), now=now,
                           order=credit.order)
                    expired += credit.remaining
                    credit.remaining = 0
                    credit.save(update_fields=["remaining"])


def points_repoint(*, source_id, target_id) -> int:
    """A duplicate was merged: its points are the customer's it became (one balance)."""
    return PointsEntry.objects.filter(customer_id=source_id).update(customer_id=target_id)


# --- the steps --------------------------------------------------------------------------------
def _points_of(order: str, kind: str, **more) -> int:
    """The sum of ``order``'s entries of ``kind`` (and ``more`` conditions)."""
    return PointsEntry.objects.filter(order=order, kind=kind, **more).aggregate(s=Sum("points"))["s"] or 0


def _lock(customer: Customer) -> None:
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).first()


CONSUME_BATCH = 20  # credits read (and locked) at a time: spending reads what it needs, not the whole history


def _consume(customer: Customer, points: int, *, up_to_what_is_left: bool = False, first_order: str = "") -> int:
    """Take ``points`` from the customer's credits, earliest-expiring first (the credits of
    ``first_order`` before all others); returns what was taken. Reads the credits a few at a
    time, under their row locks, so that its cost follows the points taken, not the ledger."""
    left = points
    sources = [available_credits(customer.pk)]
    if first_order:
        sources = [sources[0].filter(order=first_order), sources[0].exclude(order=first_order)]
    for source in sources:
        while left > 0:
            batch = list(source.select_for_update()[:CONSUME_BATCH])
            if not batch:
                break
            for credit in batch:
                take = min(credit.remaining, left)
                credit.remaining -= take
                credit.save(update_fields=["remaining"])
                left -= take
                if left <= 0:
                    break
    if left > 0 and not up_to_what_is_left:
        raise InsufficientPoints(available=points - left)
    return points - max(left, 0)


def _entry(customer: Customer, kind: str, points: int, *, actor: Actor, now: datetime, order: str = "",
           note: str = "", pending: bool = False, remaining: int = 0, expires_at: datetime | None = None,
           channel: str = "") -> PointsEntry:
    return PointsEntry.objects.create(
        customer=customer, kind=kind, points=points, pending=pending, remaining=remaining, expires_at=expires_at,
        order=order, at=now, note=note[:200], location=actor.location, actor_label=actor.label[:160],
        **{**actor.record(), "channel": channel or actor.channel or ""},
    )
