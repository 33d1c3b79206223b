"""Reads of the points ledger: a customer's balance, pending points and next expiry, and
the audit of the remainders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min, Q, Sum

from .models import EntryKind, PointsEntry

CREDIT_KINDS = (EntryKind.EARN, EntryKind.ADJUST, EntryKind.REVERSE)


@dataclass(frozen=True)
class Balance:
    balance: int
    pending: int
    next_expiry_points: int
    next_expiry_at: datetime | None


def balance_of(customer_id) -> Balance:
    """Two queries whatever the length of the customer's history. The balance is read as
    what is left of the credits that are not pending, which is the sum of the non-pending
    entries (every debit takes from a credit; ``ledger_mismatches`` checks the two agree),
    and only the live credits and the pending entries are read, through their partial
    indexes: a customer with ten years of spent points costs what a new one does."""
    live = PointsEntry.objects.filter(customer_id=customer_id).filter(Q(remaining__gt=0) | Q(pending=True))
    sums = live.aggregate(
        spendable=Sum("remaining", filter=Q(pending=False)),
        waiting=Sum("points", filter=Q(pending=True)),
        next_at=Min("expires_at", filter=Q(remaining__gt=0, pending=False)),
    )
    expiring = 0
    if sums["next_at"] is not None:
        expiring = PointsEntry.objects.filter(
            customer_id=customer_id, remaining__gt=0, pending=False, expires_at=sums["next_at"]
        ).aggregate(points=Sum("remaining"))["points"] or 0
    return Balance(sums["spendable"] or 0, sums["waiting"] or 0, expiring, sums["next_at"])


def spendable_points(customer_id) -> int:
    """The balance alone (one query, through the live credits' partial index): what a
    spending check needs, without the pending points and the next expiry of ``balance_of``."""
    return PointsEntry.objects.filter(customer_id=customer_id, remaining__gt=0, pending=False).aggregate(
        points=Sum("remaining"))["points"] or 0


def available_credits(customer_id):
    """What can be spent, earliest-expiring first (then oldest): the order points go in."""
    return PointsEntry.objects.filter(customer_id=customer_id, remaining__gt=0, pending=False).order_by(
        "expires_at", "at", "pk"
    )


@dataclass(frozen=True)
class PointsMismatch:
    customer_id: str
    balance: int
    remaining: int


def ledger_mismatches() -> list[PointsMismatch]:
    """Every customer whose balance (the sum of entries) differs from what is left of
    their credits: the two must agree, since every debit takes from a credit."""
    rows = PointsEntry.objects.values("customer_id").annotate(
        summed=Sum("points", filter=Q(pending=False)), left=Sum("remaining", filter=Q(pending=False))
    )
    return [
        PointsMismatch(str(row["customer_id"]), row["summed"] or 0, row["left"] or 0)
        for row in rows
        if (row["summed"] or 0) != (row["left"] or 0)
    ]
