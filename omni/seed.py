"""Demo data of the core: a French retailer's six stores, its e-shop warehouse, demo
staff logins and demo API clients. Idempotent: run it as often as you like."""

from django.db import transaction

from .models import ApiClient, Location, User

DEMO_PASSWORD = "omni-demo"  # noqa: S105 - demo logins, printed by `make run`

LOCATIONS = [
    # code, name, kind, address, postcode, city, phone, click & collect, ship from store
    ("paris-rivoli", "Omni Paris Rivoli", "store", "112 rue de Rivoli", "75001", "Paris", "+33142600101", True, True),
    ("lyon-part-dieu", "Omni Lyon Part-Dieu", "store", "17 rue du Docteur Bouchut", "69003", "Lyon",
     "+33478620202", True, True),
    ("marseille-vieux-port", "Omni Marseille Vieux-Port", "store", "8 quai du Port", "13002", "Marseille",
     "+33491900303", True, False),
    ("bordeaux-sainte-catherine", "Omni Bordeaux Sainte-Catherine", "store", "74 rue Sainte-Catherine",
     "33000", "Bordeaux", "+33556440404", True, False),
    ("lille-euralille", "Omni Lille Euralille", "store", "100 centre commercial Euralille", "59777", "Lille",
     "+33320130505", False, False),
    ("toulouse-capitole", "Omni Toulouse Capitole", "store", "3 place du Capitole", "31000", "Toulouse",
     "+33561210606", True, False),
    ("eshop-warehouse", "E-shop warehouse", "warehouse", "ZA des Montées, 45 rue des Entrepôts", "45770",
     "Saran", "+33238700707", False, True),
]
STORE_HOURS = "Mon-Sat 10:00-19:30"
WAREHOUSE_HOURS = "Mon-Fri 06:00-22:00"

# username, first name, last name, role, channel, location codes
STAFF = [
    ("admin", "Alice", "Martin", "admin", "store", []),
    ("manager.paris", "Paul", "Durand", "store_manager", "store", ["paris-rivoli"]),
    ("staff.paris", "Sophie", "Bernard", "store_staff", "store", ["paris-rivoli"]),
    ("staff.lyon", "Karim", "Benali", "store_staff", "store", ["lyon-part-dieu"]),
    ("marketing", "Chloé", "Petit", "marketing", "store", []),
    ("agent", "Lucas", "Moreau", "store_staff", "call_centre", []),
]

# name, kind, location, token: fixed so that the demo's integrations keep working.
API_CLIENTS = [
    ("Demo website", "web", None, "omni_demo_web"),
    ("Demo mobile app", "app", None, "omni_demo_app"),
    ("Demo POS Paris Rivoli", "pos", "paris-rivoli", "omni_demo_pos_paris"),
    ("Demo call centre", "call_centre", None, "omni_demo_call_centre"),
    ("Demo ERP", "integration", None, "omni_demo_erp"),
]


@transaction.atomic
def seed_organisation(stdout=None) -> None:
    locations = {}
    for code, name, kind, address, postcode, city, phone, cc, sfs in LOCATIONS:
        locations[code], _ = Location.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "address": address,
                "postcode": postcode,
                "city": city,
                "phone": phone,
                "click_and_collect": cc,
                "ship_from_store": sfs,
                "opening_hours": STORE_HOURS if kind == "store" else WAREHOUSE_HOURS,
            },
        )
    for username, first, last, role, channel, codes in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "channel": channel,
                "email": f"{username}@omni.localhost",
                "is_staff": role == "admin",
                "is_superuser": role == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.locations.set([locations[code] for code in codes])
    for name, kind, location_code, token in API_CLIENTS:
        ApiClient.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "location": locations.get(location_code) if location_code else None,
                "token_hash": ApiClient.hash_token(token),
                "token_prefix": token[:12],
            },
        )
    if stdout:
        stdout.write(f"  organisation: {len(LOCATIONS)} locations, {len(STAFF)} staff, {len(API_CLIENTS)} API clients")


def demo_logins() -> list[tuple[str, str]]:
    """(username, role and where it works), for ``seed_demo``'s summary; the password is DEMO_PASSWORD."""
    names = {code: name for code, name, *_rest in LOCATIONS}
    logins = []
    for username, _first, _last, role, channel, codes in STAFF:
        where = [names[code] for code in codes]
        if role == User.Role.ADMIN:
            where.append("every location")
        if channel == "call_centre":
            where.append("call centre")
        logins.append((username, ", ".join([str(User.Role(role).label), *where])))
    return logins
