"""Discount codes: generation, checks, redemption and release.

Redemptions run in the caller's transaction (an order's checkout): the promotion row is
locked first (``select_for_update``; on SQLite the IMMEDIATE transaction serialises
writers), so two checkouts with the same single-use code, or racing for the last use of a
limited promotion, run one after the other and the second gets ``code_used``. The partial
unique index on unreleased single-use redemptions is the last word if a path forgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from omni.actor import Actor
from omni.errors import DomainError
from omni.transactions import service

from ..codes import Usage, check_usable, is_valid_prefix, normalise_code, normalise_prefix, random_code
from ..engine import AppliedDiscount, PricedCart
from ..errors import CodeUnknown, CodeUsed, InvalidPromotion
from ..models import DiscountCode, Promotion, Redemption
from ..selectors import customer_segment_ids, usage_for
from ..signals import code_redeemed, code_released

MAX_CODES_PER_BATCH = 10_000


@transaction.atomic
def codes_generate(*, promotion: Promotion, count: int, prefix: str = "", actor: Actor, batch: str = "") -> list[str]:
    """``count`` new unique single-use codes for ``promotion``, which from now on applies
    only when a code is entered."""
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise InvalidPromotion(_("Ask for between 1 and %(max)s codes.") % {"max": MAX_CODES_PER_BATCH})
    if not is_valid_prefix(prefix):
        raise InvalidPromotion(_("A prefix has at most 12 letters and digits."))
    prefix = normalise_prefix(prefix)
    batch = batch or timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    created: list[str] = []
    for _attempt in range(5):
        wanted: set[str] = set()
        while len(wanted) < count - len(created):
            wanted.add(random_code(prefix))
        taken = set(DiscountCode.objects.filter(code__in=wanted).values_list("code", flat=True))
        taken |= {code for code in Promotion.objects.filter(code__in=wanted).values_list("code", flat=True) if code}
        fresh = sorted(wanted - taken)
        try:
            with transaction.atomic():
                DiscountCode.objects.bulk_create(
                    DiscountCode(code=code, promotion=promotion, single_use=True, batch=batch, created_by=actor.label)
                    for code in fresh
                )
        except IntegrityError:  # a concurrent batch drew the same code: draw again
            continue
        created += fresh
        if len(created) == count:
            break
    if not promotion.requires_code:
        promotion.requires_code = True
        promotion.updated_by = actor.label
        promotion.save(update_fields=["requires_code", "updated_by", "updated_at"])
    return created


def code_check(
    *, code: str, channel: str | None, customer: Customer | None = None, now: datetime | None = None
) -> Promotion:
    """The promotion ``code`` unlocks, or the contract's error saying why it may not be used."""
    from ..selectors import codes_resolve

    now = now or timezone.now()
    resolved = codes_resolve(
        codes=[code], channel=channel, customer=customer, segment_ids=customer_segment_ids(customer), now=now
    )
    return Promotion.objects.get(pk=next(iter(resolved.values())))


def _find(code: str) -> tuple[Promotion, DiscountCode | None]:
    discount_code = DiscountCode.objects.filter(code=code).first()
    if discount_code is not None:
        return Promotion(pk=discount_code.promotion_id), discount_code
    promotion = Promotion.objects.filter(code=code).first()
    if promotion is None:
        raise CodeUnknown(str(CodeUnknown.default_detail), code_value=code)
    return promotion, None


def _redeem(
    *,
    promotion: Promotion,
    discount_code: DiscountCode | None,
    customer: Customer | None,
    order_reference: str,
    channel: str | None,
    amount: Decimal | int,
    actor: Actor,
    segment_ids: frozenset[int],
    usage: Usage,
    now: datetime,
    fresh_reference: bool = False,
) -> Redemption:
    """With ``promotion`` locked: check, mark a single-use code redeemed, record.
    ``fresh_reference``: an order number created in this transaction, which no redemption
    can carry yet (no need to look for one)."""
    existing = None if fresh_reference else Redemption.objects.filter(
        promotion=promotion, order_reference=order_reference, released_at__isnull=True
    ).first()
    if existing is not None and existing.code_id == (discount_code.pk if discount_code else None):
        return existing  # the same order redeeming again: once per order
    if discount_code is not None or promotion.requires_code:
        entered = discount_code.code if discount_code else (promotion.code or "")
        check_usable(
            code=entered,
            promotion=promotion,
            discount_code=discount_code,
            channel=channel,
            segment_ids=segment_ids,
            has_customer=customer is not None,
            now=now,
            usage=usage,
        )
    elif promotion.is_used_up_by(usage, has_customer=customer is not None):
        raise CodeUsed(_("The promotion %(name)s has been used up.") % {"name": promotion.name})
    if existing is not None:
        raise CodeUsed(_("This order already used the promotion %(name)s.") % {"name": promotion.name})
    if discount_code is not None and discount_code.single_use:
        claimed = DiscountCode.objects.filter(pk=discount_code.pk, state=DiscountCode.State.AVAILABLE).update(
            state=DiscountCode.State.REDEEMED
        )
        if not claimed:
            raise CodeUsed(_("The code %(code)s has already been used.") % {"code": discount_code.code},
                           code_value=discount_code.code)
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(
                promotion=promotion,
                code=discount_code,
                single_use=bool(discount_code and discount_code.single_use),
                customer=customer,
                order_reference=order_reference,
                channel=channel or "",
                amount=amount,
                at=now,
                actor_user=actor.user,
                actor_client=actor.client,
                actor_label=actor.label,
            )
    except IntegrityError as exc:
        raise CodeUsed(_("This code has already been used.")) from exc
    code_redeemed.send(sender=Redemption, redemption=redemption, actor=actor)
    return redemption


def _lock(promotion_ids: Iterable) -> dict[str, Promotion]:
    """Lock the promotions in one order for everybody (no deadlocks between checkouts)."""
    locked = Promotion.objects.select_for_update().filter(pk__in=list(promotion_ids)).order_by("pk")
    promotions = {str(promotion.pk): promotion for promotion in locked.prefetch_related("segments")}
    for promotion in promotions.values():
        promotion.loaded_segment_ids = frozenset(segment.pk for segment in promotion.segments.all())
    return promotions


@transaction.atomic
def code_redeem(
    *,
    code: str,
    customer: Customer | None,
    order_reference: str,
    channel: str | None,
    actor: Actor,
    amount: Decimal | int = 0,
    now: datetime | None = None,
) -> Redemption:
    """Record that ``order_reference`` used ``code``. A single-use code is redeemed once,
    whatever the concurrency; the same order redeeming the same code again gets its
    first redemption back."""
    now = now or timezone.now()
    code = normalise_code(code)
    if not order_reference:
        raise DomainError(_("An order reference is required."))
    found, discount_code = _find(code)
    promotion = _lock([found.pk])[str(found.pk)]
    if discount_code is not None:
        discount_code.refresh_from_db(fields=["state"])  # read after the lock
    usage = usage_for(promotion_ids=[promotion.pk], customer=customer).get(str(promotion.pk), Usage())
    return _redeem(
        promotion=promotion,
        discount_code=discount_code,
        customer=customer,
        order_reference=order_reference,
        channel=channel,
        amount=amount,
        actor=actor,
        segment_ids=customer_segment_ids(customer),
        usage=usage,
        now=now,
    )


@service
def redemptions_record(
    *,
    priced: PricedCart,
    customer: Customer | None,
    order_reference: str,
    channel: str | None,
    actor: Actor,
    now: datetime | None = None,
) -> list[Redemption]:
    """Record every discount of a priced cart against ``order_reference`` (what an order
    calls when it is placed): codes are redeemed, usage limits counted. Refuses with the
    contract's error, and records nothing, if a code or a limit was used up meanwhile.

    Every entered code and every discount whose use is counted (a usage limit) is judged
    again, under its promotion's lock: another order may have taken the last use since
    the cart was priced. An entered code is thereby applied or refused, never carried by
    an order that did not get it because it was used up. The other discounts were checked
    by that pricing, in this transaction, and are recorded in one insert, locking nothing."""
    if not priced.discounts and not priced.code_promotions:
        return []
    now = now or timezone.now()
    if not order_reference:
        raise DomainError(_("An order reference is required."))
    counted = [discount for discount in priced.discounts if discount.code or discount.limited]
    applied = {discount.promotion for discount in priced.discounts}
    entered_only = {code: promotion for code, promotion in priced.code_promotions.items() if promotion not in applied}
    redemptions = []
    if counted or entered_only:
        redemptions = _redeem_counted(counted, entered_only, customer=customer, order_reference=order_reference,
                                      channel=channel, actor=actor, now=now, segment_ids=priced.segment_ids)
    uncounted = [
        Redemption(promotion_id=discount.promotion, customer=customer, order_reference=order_reference,
                   channel=channel or "", amount=discount.amount, at=now, actor_user=actor.user,
                   actor_client=actor.client, actor_label=actor.label)
        for discount in priced.discounts
        if not (discount.code or discount.limited)
    ]
    for redemption in Redemption.objects.bulk_create(uncounted):
        code_redeemed.send(sender=Redemption, redemption=redemption, actor=actor)
        redemptions.append(redemption)
    return redemptions


def _redeem_counted(
    discounts: Iterable[AppliedDiscount],
    entered_only: dict[str, str],
    *,
    customer: Customer | None,
    order_reference: str,
    channel: str | None,
    actor: Actor,
    now: datetime,
    segment_ids: frozenset[int],
) -> list[Redemption]:
    """``entered_only``: entered codes whose promotion gave no discount to this cart (its
    conditions were not met); each is still checked under the lock, so that one used up
    meanwhile is refused rather than carried."""
    promotions = _lock({discount.promotion for discount in discounts} | set(entered_only.values()))
    entered = [normalise_code(d.code) for d in discounts if d.code] + list(entered_only)
    codes = {code.code: code for code in DiscountCode.objects.filter(code__in=entered)}
    usage = usage_for(promotion_ids=list(promotions), customer=customer)
    for code, promotion_id in entered_only.items():
        promotion = promotions.get(promotion_id)
        if promotion is None:
            raise CodeUsed(_("A promotion of this cart no longer exists."))
        check_usable(code=code, promotion=promotion, discount_code=codes.get(code), channel=channel,
                     segment_ids=segment_ids, has_customer=customer is not None, now=now,
                     usage=usage.get(promotion_id, Usage()))
    redemptions = []
    for discount in discounts:
        promotion = promotions.get(discount.promotion)
        if promotion is None:
            raise CodeUsed(_("A promotion of this cart no longer exists."))
        redemptions.append(
            _redeem(
                promotion=promotion,
                discount_code=codes.get(normalise_code(discount.code)) if discount.code else None,
                customer=customer,
                order_reference=order_reference,
                channel=channel,
                amount=discount.amount,
                actor=actor,
                segment_ids=segment_ids,
                usage=usage.get(discount.promotion, Usage()),
                now=now,
                fresh_reference=True,
            )
        )
    return redemptions


@transaction.atomic
def code_release(*, order_reference: str, actor: Actor) -> list[Redemption]:
    """The order was cancelled: its redemptions stop counting and its single-use codes are
    available again. Safe to call twice."""
    redemptions = list(
        Redemption.objects.select_for_update()
        .filter(order_reference=order_reference, released_at__isnull=True)
        .order_by("pk")
    )
    if not redemptions:
        return []
    now = timezone.now()
    Redemption.objects.filter(pk__in=[r.pk for r in redemptions]).update(released_at=now)
    code_ids = [r.code_id for r in redemptions if r.code_id and r.single_use]
    if code_ids:
        DiscountCode.objects.filter(pk__in=code_ids, state=DiscountCode.State.REDEEMED).update(
            state=DiscountCode.State.AVAILABLE
        )
    for redemption in redemptions:
        redemption.released_at = now
    code_released.send(sender=Redemption, redemptions=redemptions, order_reference=order_reference, actor=actor)
    return redemptions
