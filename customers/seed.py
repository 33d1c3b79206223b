"""Demo customers: about two thousand French customers known on one or several channels,
with consents, preferred stores, contacts, a few duplicates to merge, and the segments
"ultra-connected" (web + app, never a store) and "traditional" (store only).

Idempotent and resumable: every demo customer has a fixed id, only missing ones are
created, and unique identifiers taken meanwhile are skipped rather than failing.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from omni.actor import Actor
from omni.models import Location, User

from .models import ConsentEvent, Contact, Customer, CustomerChannel, CustomerIdentifier, Segment
from .services import segment_recompute, segment_save

COUNT = 2000
DUPLICATES = 12
NAMESPACE = uuid.UUID("6f1d8a52-3c1b-4a55-9a57-0f6c1b7d2e11")

FIRST_NAMES = (  # noqa: SIM905 - reads as a list of names
    "Jérémy Léa Emma Louise Jade Alice Chloé Lina Mila Rose Anna Inès Julia Zoé Camille Manon Sarah Clara "
    "Juliette Lou Eva Léna Ambre Margaux Nina Romane Agathe Mathilde Gabriel Louis Raphaël Jules Adam Lucas "
    "Léo Hugo Arthur Nathan Paul Tom Sacha Noah Ethan Théo Maël Mohamed Nolan Baptiste Maxime Antoine Thomas "
    "Nicolas Julien Pierre Sébastien Karim Yanis Amine Sofiane Élodie Aurélie Céline Nathalie Isabelle Sylvie "
    "Philippe Christophe Frédéric Stéphane Laurent Olivier Véronique Martine Françoise Bernard Michel Alain"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux "
    "David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefèvre Faure "
    "André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément "
    "Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer "
    "Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard "
    "Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix "
    "Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Benali Nguyen"
).split()
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr", "hotmail.fr", "yahoo.fr", "outlook.fr"]
CITIES = {
    "paris-rivoli": "Paris",
    "lyon-part-dieu": "Lyon",
    "marseille-vieux-port": "Marseille",
    "bordeaux-sainte-catherine": "Bordeaux",
    "lille-euralille": "Lille",
    "toulouse-capitole": "Toulouse",
}
OTHER_CITIES = ["Nantes", "Rennes", "Strasbourg", "Nice", "Montpellier", "Grenoble", "Dijon", "Angers", "Reims"]
# (channels, weight): the order is the order in which the customer met the channels.
PROFILES = [
    (["store"], 30),
    (["web"], 14),
    (["app"], 5),
    (["web", "app"], 12),
    (["web", "store"], 18),
    (["store", "web"], 6),
    (["app", "web", "store"], 7),
    (["store", "call_centre"], 4),
    (["web", "call_centre"], 4),
]
NOTES = [
    ("call", "Asked where her parcel was; tracking sent by SMS."),
    ("call", "Wants to change the delivery address of the last order."),
    ("visit", "Tried the navy jacket in M, size L ordered for home delivery."),
    ("visit", "Came back for the sneakers reserved online."),
    ("email", "Complained about a late delivery; 10% code offered."),
    ("chat", "Question about the return policy for sale items."),
]

ULTRA_CONNECTED = [
    {"fact": "channels_all", "params": {"channels": ["web", "app"]}, "negate": False},
    {"fact": "channels_any", "params": {"channels": ["store"]}, "negate": True},
]
TRADITIONAL = [{"fact": "channels_only", "params": {"channels": ["store"]}, "negate": False}]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _phone(index: int) -> str:
    # Distinct for every index: +336 then 8 digits, or +337[5-9] then 7 digits.
    if index % 3 == 2:
        return f"+337{5 + index % 5}{(index * 7919 + 1234567) % 10_000_000:07d}"
    return f"+336{(index * 104_729 + 12_345_678) % 100_000_000:08d}"


def _demo_customers(rng: random.Random, now, stores: list[Location]) -> list[dict]:
    people = []
    profiles, weights = zip(*PROFILES, strict=True)
    for index in range(COUNT):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        channels = rng.choices(profiles, weights)[0]
        created = now - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
        online = any(c in ("web", "app") for c in channels)
        in_store = "store" in channels or "call_centre" in channels
        store = rng.choice(stores) if stores and (in_store or rng.random() < 0.3) else None
        people.append(
            {
                "id": uuid.uuid5(NAMESPACE, f"customer-{index}"),
                "first_name": first,
                "last_name": last,
                "email": f"{_ascii(first)}.{_ascii(last)}{index}@{rng.choice(DOMAINS)}"
                if online or rng.random() < 0.5
                else None,
                "phone": _phone(index) if in_store or rng.random() < 0.6 else None,
                "loyalty_card": f"OMNI{100000 + index:08d}" if "store" in channels and rng.random() < 0.8 else None,
                "city": CITIES.get(store.code, "") if store else rng.choice(OTHER_CITIES),
                "store": store,
                "channels": channels,
                "created": created,
                "email_consent": online and rng.random() < 0.55,
                "sms_consent": rng.random() < 0.45,
            }
        )
    for person in people:
        if person["email"] is None and person["phone"] is None and person["loyalty_card"] is None:
            person["email"] = (
                f"{_ascii(person['first_name'])}.{_ascii(person['last_name'])}{person['id'].hex[:6]}@gmail.com"
            )
        person["created"] = min(person["created"], now)
    # A few customers met twice: known in a store by phone and card, then on the web by an
    # e-mail address that differs only by its dots and domain.
    for number in range(DUPLICATES):
        original = people[number * 37]
        if original["email"]:
            local, domain = original["email"].split("@")
            email = f"{local.replace('.', '')}@{next(d for d in DOMAINS if d != domain)}"
        else:
            email = f"{_ascii(original['first_name'])}.{_ascii(original['last_name'])}.{number}@gmail.com"
        people.append(
            {
                **original,
                "id": uuid.uuid5(NAMESPACE, f"duplicate-{number}"),
                "email": email,
                "phone": None,
                "loyalty_card": None,
                "channels": ["web"],
                "created": min(original["created"] + timedelta(days=rng.randint(5, 200)), now),
            }
        )
    return people


@transaction.atomic
def seed_customers(stdout=None) -> None:
    rng = random.Random(20_240_601)  # noqa: S311 - demo data, reproducible
    now = timezone.now()
    stores = list(Location.objects.filter(kind=Location.Kind.STORE, is_active=True).order_by("code"))
    people = [{**person, "index": index} for index, person in enumerate(_demo_customers(rng, now, stores))]
    existing = set(Customer.objects.filter(pk__in=[p["id"] for p in people]).values_list("pk", flat=True))
    missing = [p for p in people if p["id"] not in existing]
    Customer.objects.bulk_create(
        [
            Customer(
                id=p["id"],
                first_name=p["first_name"],
                last_name=p["last_name"],
                email=p["email"],
                phone=p["phone"],
                loyalty_card=p["loyalty_card"],
                city=p["city"],
                preferred_store=p["store"],
                created_channel=p["channels"][0],
                # Most speak French; one in ten of the demo's customers reads English.
                language="en" if p["index"] % 10 == 7 else "fr",
                created_at=p["created"],
                email_confirmed_at=p["created"] if p["email"] else None,
                phone_confirmed_at=p["created"] if p["phone"] else None,
                email_consent=bool(p["email_consent"] and p["email"]),
                email_consent_at=p["created"] if p["email_consent"] and p["email"] else None,
                email_consent_channel=p["channels"][0] if p["email_consent"] and p["email"] else "",
                sms_consent=bool(p["sms_consent"] and p["phone"]),
                sms_consent_at=p["created"] if p["sms_consent"] and p["phone"] else None,
                sms_consent_channel=p["channels"][0] if p["sms_consent"] and p["phone"] else "",
            )
            for p in missing
        ],
        batch_size=500,
        ignore_conflicts=True,  # an identifier taken since by a real customer: skip that one
    )
    created_ids = (
        set(Customer.objects.filter(pk__in=[p["id"] for p in missing]).values_list("pk", flat=True))
        if missing
        else set()
    )
    created = [p for p in missing if p["id"] in created_ids]
    _seed_related(rng, created, now)
    segments = _seed_segments()
    if stdout:
        stdout.write(
            f"  customers: {len(created)} created, {len(existing)} already there; "
            + ", ".join(f"{s.name} {s.member_count}" for s in segments)
        )


def _seed_related(rng: random.Random, people: list[dict], now) -> None:
    channels, identifiers, consents, contacts = [], [], [], []
    staff = {u.username: u for u in User.objects.filter(username__in=["staff.paris", "staff.lyon", "agent"])}
    for p in people:
        moment = p["created"]
        span = max((now - moment).total_seconds(), 60)
        for position, channel in enumerate(p["channels"]):
            first_seen = moment + timedelta(seconds=span * position / (len(p["channels"]) + 1))
            last_seen = first_seen + timedelta(seconds=rng.uniform(0, (now - first_seen).total_seconds()))
            channels.append(
                CustomerChannel(customer_id=p["id"], channel=channel, first_seen_at=first_seen, last_seen_at=last_seen)
            )
        for kind in ("email", "phone", "loyalty_card"):
            if p[kind]:
                seen_on = "store" if kind == "loyalty_card" and "store" in p["channels"] else p["channels"][0]
                identifiers.append(
                    CustomerIdentifier(
                        customer_id=p["id"], kind=kind, value=p[kind], channel=seen_on, first_seen_at=moment
                    )
                )
        for medium, field in (("email", "email_consent"), ("sms", "sms_consent")):
            if p[field] and p["email" if medium == "email" else "phone"]:
                consents.append(
                    ConsentEvent(customer_id=p["id"], medium=medium, granted=True, channel=p["channels"][0], at=moment)
                )
        if staff and ("store" in p["channels"] or "call_centre" in p["channels"]) and rng.random() < 0.15:
            kind, note = rng.choice(NOTES)
            author = staff.get("agent") if kind == "call" else staff.get("staff.paris") or staff.get("staff.lyon")
            contacts.append(
                Contact(
                    customer_id=p["id"],
                    kind=kind,
                    note=note,
                    channel="call_centre" if kind == "call" else "store",
                    staff=author,
                    location=p["store"] if kind == "visit" else None,
                    at=now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 10)),
                )
            )
    CustomerChannel.objects.bulk_create(channels, batch_size=1000, ignore_conflicts=True)
    CustomerIdentifier.objects.bulk_create(identifiers, batch_size=1000, ignore_conflicts=True)
    ConsentEvent.objects.bulk_create(consents, batch_size=1000)
    Contact.objects.bulk_create(contacts, batch_size=1000)


def _seed_segments() -> list[Segment]:
    admin = User.objects.filter(username="marketing").first() or User.objects.filter(is_superuser=True).first()
    actor = Actor.for_user(admin) if admin else Actor.system()
    definitions = [
        ("ultra-connected", "Ultra-connected", "Web and app, never seen in a store.", ULTRA_CONNECTED),
        ("traditional", "Traditional", "Store only: never bought online.", TRADITIONAL),
    ]
    segments = []
    for slug, name, description, rules in definitions:
        segment = Segment.objects.filter(slug=slug).first()
        if segment is None:
            segment = (
                segment_save(actor=actor, slug=slug, name=name, description=description, rules=rules)
                if admin
                else Segment.objects.create(slug=slug, name=name, description=description, rules=rules)
            )
        segment_recompute(segment=segment)
        segment.refresh_from_db()
        segments.append(segment)
    return segments
