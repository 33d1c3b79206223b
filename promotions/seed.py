"""Demo offers: a handful of realistic promotions (running, scheduled, ended), a welcome
SMS campaign to the "traditional" segment, and a few redemptions across channels so that
the statistics page has something to show. Idempotent: fixed ids, get-or-create."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Segment
from omni.actor import Actor

from .errors import CodeUsed
from .models import Campaign, CampaignRecipient, Promotion, Redemption
from .services import campaign_create, campaign_deliver, code_redeem

NAMESPACE = uuid.UUID("0b6f3c1e-5d2a-4f6b-9a51-7c1f0e4a9d10")
SEED_ORDER_PREFIX = "SEED-"


def _promotions(now) -> list[dict]:
    return [
        {"name": "Casquettes -20 % partout", "kind": "percent", "value": Decimal("20"), "categories": ["caps"],
         "priority": 10, "starts_at": now - timedelta(days=7), "ends_at": now + timedelta(days=30)},
        {"name": "Web : 2 sacs achetés, le 3e offert", "kind": "buy_x_get_y", "buy_quantity": 2, "get_quantity": 1,
         "categories": ["bags"], "channels": ["web"], "priority": 8, "starts_at": now - timedelta(days=2),
         "ends_at": now + timedelta(days=12)},
        {"name": "Vestes : 15 € offerts dès 100 €", "kind": "amount", "value": Decimal("15"),
         "categories": ["jackets"], "min_subtotal": Decimal("100"), "stackable": True, "priority": 5},
        {"name": "Code BIENVENUE : 10 € dès 50 €", "kind": "amount", "value": Decimal("10"),
         "min_subtotal": Decimal("50"), "code": "BIENVENUE", "requires_code": True, "usage_limit": 500,
         "per_customer_limit": 1, "stackable": True, "priority": 1},
        {"name": "Bon retour en magasin : -10 % (SMS)", "kind": "percent", "value": Decimal("10"),
         "requires_code": True, "per_customer_limit": 1, "priority": 3, "ends_at": now + timedelta(days=60),
         "segment": "traditional"},
        {"name": "Soldes de printemps", "kind": "percent", "value": Decimal("30"), "categories": ["sneakers"],
         "starts_at": now - timedelta(days=60), "ends_at": now - timedelta(days=30)},
        {"name": "Black Friday : baskets à 59 €", "kind": "fixed_price", "value": Decimal("59"),
         "categories": ["sneakers"], "priority": 20, "starts_at": now + timedelta(days=3),
         "ends_at": now + timedelta(days=6)},
    ]


@transaction.atomic
def _seed_promotions(now) -> dict[str, Promotion]:
    seeded = {}
    segments = {segment.slug: segment for segment in Segment.objects.all()}
    for definition in _promotions(now):
        definition = dict(definition)
        segment_slug = definition.pop("segment", None)
        pk = uuid.uuid5(NAMESPACE, definition["name"])
        promotion, created = Promotion.objects.get_or_create(
            pk=pk, defaults={**definition, "created_by": "seed", "updated_by": "seed"}
        )
        if created and segment_slug and segment_slug in segments:
            promotion.segments.add(segments[segment_slug])
        seeded[definition["name"]] = promotion
    return seeded


def _seed_campaign(promotion: Promotion, stdout) -> Campaign | None:
    segment = Segment.objects.filter(slug="traditional").first()
    if segment is None:
        return None
    campaign = Campaign.objects.filter(name="Bienvenue en magasin (SMS)").first()
    if campaign is None:
        campaign = campaign_create(
            name="Bienvenue en magasin (SMS)",
            promotion=promotion,
            segment=segment,
            actor=Actor.system(),
            sms_text="Bonjour {first_name}, -10 % sur votre prochain achat avec le code {code}, "
            "en ligne ou dans votre magasin {store}. Omni",
            email_subject="Un cadeau pour votre retour",
            email_text="Bonjour {first_name},\n\nVotre code personnel {code} vous offre 10 % sur votre prochain "
            "achat, sur le web, l'appli ou dans votre magasin {store}.\n\nÀ bientôt !",
            code_prefix="HELLO",
        )
    if campaign.status == Campaign.Status.DRAFT:
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SENDING, started_at=timezone.now(), sent_by="seed",
            audience=segment.memberships.count(),
        )
        campaign_deliver(campaign_id=campaign.pk)
        campaign.refresh_from_db()
    return campaign


def _seed_redemptions(campaign: Campaign | None, promotions: dict[str, Promotion]) -> int:
    if Redemption.objects.filter(order_reference__startswith=SEED_ORDER_PREFIX).exists():
        return 0
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    actor = Actor.system()
    channels = ["store", "store", "store", "web", "app", "call_centre"]
    done = 0
    if campaign is not None:
        recipients = list(
            CampaignRecipient.objects.filter(campaign=campaign, code__isnull=False)
            .select_related("code", "customer").order_by("pk")
        )
        for n, recipient in enumerate(recipients[: max(3, len(recipients) // 3)]):
            if recipient.code is None:  # filtered out above; says so to the type checker
                continue
            try:
                code_redeem(code=recipient.code.code, customer=recipient.customer,
                            order_reference=f"{SEED_ORDER_PREFIX}C{n:04d}", channel=rng.choice(channels), actor=actor,
                            amount=Decimal(rng.randint(200, 900)) / 100)
            except CodeUsed:
                continue
            done += 1
    caps = promotions.get("Casquettes -20 % partout")
    if caps is not None:
        Redemption.objects.bulk_create(
            Redemption(promotion=caps, order_reference=f"{SEED_ORDER_PREFIX}P{n:04d}", channel=rng.choice(channels),
                       amount=Decimal(rng.randint(450, 800)) / 100, actor_label="seed")
            for n in range(40)
        )
        done += 40
    return done


def seed_promotions(stdout=None) -> None:
    now = timezone.now()
    promotions = _seed_promotions(now)
    campaign = _seed_campaign(promotions["Bon retour en magasin : -10 % (SMS)"], stdout)
    redeemed = _seed_redemptions(campaign, promotions)
    if stdout is not None:
        stdout.write(f"  promotions: {len(promotions)} promotions, campaign "
                     f"{'sent' if campaign else 'skipped (no traditional segment)'}, {redeemed} redemptions")
