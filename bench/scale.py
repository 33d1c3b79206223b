"""Reads at a large retailer's size: 1M customers, 1M orders, 10M touchpoints, 10,000 promotions.

    .venv/bin/python bench/scale.py              # builds once (minutes), then measures
    .venv/bin/python bench/scale.py --rebuild    # builds again from an empty database
    BENCH_QUICK=1 .venv/bin/python bench/scale.py   # a tenth of the size (its own build)
    make bench-scale

PostgreSQL only, in its own database ``omni_scale`` on the server of ``BENCH_PG_URL``
(default ``postgres://postgres@127.0.0.1:5432``), created when missing and migrated with
Django's ``migrate``. The data is written by set-based SQL (``INSERT … SELECT`` over
``generate_series``, secondary indexes dropped during the load and built again after), so
that two cores build it in minutes; a marker table (``bench_scale_built``) records the size
it was built at, and a later run at that size measures at once. Migrations added since are
applied to the kept data (a data migration then runs over the million customers).

What it builds: 40 stores and 2 warehouses, 2,000 products in 20 categories; customers with
French names (accents included: Guérin, Françoise, Lefèvre…), e-mail addresses, phones in
E.164 and loyalty cards (each missing for some), a channel each; orders over every
channel, fulfilment and store (mostly closed; the last three days' still open), one to
three lines and their status history each; journeys of five touchpoints each, one to three
channels, a third converted; running promotions on SKUs, categories or everything.

What it measures, through Django's full stack in this process (the test client, an
integration client's token, throttling raised out of the way, ``DEBUG`` off), as the
median of several runs after warming up, each beside the goal of issue 14:

- ``GET /api/v1/customers/?search=`` by a name without accents, in capitals, first and
  last name, an e-mail fragment, a phone as people write it, a loyalty card: goal 20 ms;
- ``GET /api/v1/orders/?status=placed&pickup_location=<store>``: goal 30 ms;
- ``GET /api/v1/journeys/summary/`` over 200 days: goal 100 ms;
- ``POST /api/v1/pricing/quote/`` for one line: goal 10 ms;

with the SQL queries and the rows each answer holds. A figure over its goal is printed
(and recorded) as it is: the goals are for the work of issue 14. Not part of ``make bench``
(building takes longer than the rest of it together).
"""

# S608: the SQL is built from this module's constants only; SIM905: name lists read best as prose.
# ruff: noqa: S608, SIM905
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _figures import emit, quick  # noqa: E402

from omni.text import searchable  # noqa: E402  (pure: no Django needed)

DATABASE = "omni_scale"
MARKER = "bench_scale_built"
BUILD_VERSION = 1  # bump when the build's data changes shape

FULL = {"customers": 1_000_000, "orders": 1_000_000, "touchpoints": 10_000_000, "promotions": 10_000}
STORES, PRODUCTS, CATEGORIES = 40, 2_000, 20
TOUCHPOINTS_PER_JOURNEY = 5

FIRST_NAMES = (
    "Françoise Hélène Jérôme Éric Gaël Anaïs Noémie Chloé Léa Zoé Benoît Cécile Loïc Maël Inès Léon Raphaël "
    "Joël Mélanie Agnès Thérèse Frédéric Sébastien Amélie Aurélie Valérie Stéphane Célia Clément Hervé Jérémy "
    "Océane Élodie Maëlle Lucas Hugo Louis Gabriel Arthur Jules Adam Paul Nathan Martin Thomas Nicolas Julien "
    "Pierre Marie Camille Manon Sarah Laura Julie Pauline Emma Alice Lina Rose Anna Juliette Charlotte Lucie "
    "Isabelle Nathalie Sylvie Catherine Sandrine Christine Patrick Philippe Alain Michel Bernard Daniel Olivier "
    "Christophe David Laurent Vincent Antoine Maxime Romain Alexandre Guillaume Yann Kévin Mathéo Timothée "
    "Ophélie Béatrice Gisèle Josée Solène Maïwenn Enzo Noé Aïcha Yasmine Mehdi Karim Sofiane Fatima Nour"
).split()
LAST_NAMES = (
    "Guérin Lefèvre Bénard Mercier Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon "
    "Laurent Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lévêque Mercier "
    "Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérard Muller Henry Roussel "
    "Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard "
    "Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Pérez Marchand "
    "Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland "
    "Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix "
    "Fabre Dupuis Olivier Rodriguez Da Silva Hubert Louis Charles Guillot Rivière Le Gall Guillaume Adam Rey "
    "Moulin Gonzalez Berger Lecomte Ménard Fleury Deschamps Carpentier Julien Benoît Paris Maillard Marchal "
    "Aubry Vasseur Le Roux Renault Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons "
    "Paul Laine Carré Bréton Rémy Schneider Pério Besson Lebrun Jérôme Hoarau Bégué Périer Lefèbvre Crépin "
    "Thébault Chrétien Sénéchal Bézier Lelièvre Hébert Fèvre Pépin Tréguer Kerjean Cœur Bœuf Dœuvre"
).split()
CITIES = (
    "Paris Lyon Marseille Toulouse Nice Nantes Strasbourg Montpellier Bordeaux Lille Rennes Reims Saint-Étienne "
    "Toulon Grenoble Dijon Angers Nîmes Villeurbanne Clermont-Ferrand Le Mans Aix-en-Provence Brest Tours Amiens "
    "Limoges Annecy Perpignan Besançon Orléans Metz Rouen Mulhouse Caen Nancy Argenteuil Montreuil Roubaix "
    "Tourcoing Avignon"
).split()
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "sfr.fr", "outlook.fr", "yahoo.fr"]
CHANNELS = ["web", "app", "store", "call_centre"]
GOALS_MS = {"search": 20.0, "orders": 30.0, "journeys": 100.0, "quote": 10.0}


def ascii_word(text: str) -> str:
    """A name as it appears in an e-mail address."""
    return re.sub(r"[^a-z]", "", searchable(text))


# --- the database ------------------------------------------------------------------------
def server_url() -> str:
    return os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def signature(sizes: dict[str, int]) -> str:
    return f"v{BUILD_VERSION} " + " ".join(f"{name}={count}" for name, count in sizes.items())


def built_signature(database: str) -> str | None:
    """The size the database was built at, or None (missing, or not finished)."""
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            return None
    with psycopg.connect(f"{server_url()}/{database}", autocommit=True) as connection:
        if not connection.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]:
            return None
        row = connection.execute(f"SELECT size FROM {MARKER}").fetchone()
        return row[0] if row else None


def recreate(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')


def configure(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{server_url()}/{database}"
    from _django import production_environment  # bench/ is the script's folder

    production_environment()
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- the build ---------------------------------------------------------------------------
class Loader:
    """Runs the build's statements, timing each, with the session tuned for a bulk load."""

    def __init__(self) -> None:
        from django.db import connection

        self.cursor = connection.cursor()
        self.cursor.execute("SET statement_timeout = 0")  # the application's timeout is for requests
        self.cursor.execute("SET synchronous_commit = off")
        self.cursor.execute("SET maintenance_work_mem = '512MB'")
        self.cursor.execute("SET work_mem = '64MB'")

    def run(self, label: str, sql: str, params: dict | None = None) -> None:
        started = time.monotonic()
        self.cursor.execute(sql, params or {})
        rows = self.cursor.rowcount
        print(f"  {label:48} {rows if rows and rows > 0 else '':>11} {time.monotonic() - started:7.1f} s", flush=True)

    def without_indexes(self, tables: list[str]) -> list[str]:
        """Drop the tables' secondary indexes (not those behind a constraint): a bulk load
        then builds each once at the end instead of updating it row by row."""
        self.cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND schemaname = 'public'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
        definitions = self.cursor.fetchall()
        for name, _definition in definitions:
            self.cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in definitions]

    def indexes_again(self, definitions: list[str]) -> None:
        for definition in definitions:
            self.run(definition.split(" ON ")[0].replace("CREATE ", "").lower()[:48], definition)


BULK_TABLES = [
    "customers_customer",
    "customers_customerchannel",
    "orders_order",
    "orders_orderline",
    "orders_orderstatuschange",
    "journeys_touchpoint",
    "journeys_journey",
    "journeys_journeychannel",
    "promotions_promotion",
]


def build(sizes: dict[str, int]) -> None:
    from django.db import connection, transaction

    started = time.monotonic()
    print(f"building {signature(sizes)} (set-based SQL)", flush=True)
    load = Loader()
    with transaction.atomic():
        indexes = load.without_indexes(BULK_TABLES)
        build_places_and_products(load)
        build_customers(load, sizes["customers"])
        build_orders(load, sizes["orders"], sizes["customers"])
        build_journeys(load, sizes["touchpoints"], sizes["customers"])
        build_promotions(load, sizes["promotions"])
        for table in (
            "omni_location",
            "inventory_product",
            "orders_order",
            "journeys_journey",
            "journeys_journeychannel",
            "customers_customerchannel",
            "orders_orderline",
            "orders_orderstatuschange",
        ):
            load.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
    load.indexes_again(indexes)  # once the deferred foreign keys are checked, at commit
    with connection.cursor() as cursor:  # outside the transaction: as autovacuum would have done
        started_vacuum = time.monotonic()
        cursor.execute("VACUUM ANALYZE")
        print(f"  {'vacuum analyze':48} {'':>11} {time.monotonic() - started_vacuum:7.1f} s")
        cursor.execute(f"CREATE TABLE {MARKER} (size text NOT NULL, built_at timestamptz NOT NULL, seconds real)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, now(), %s)", [signature(sizes), time.monotonic() - started])
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)


def build_places_and_products(load: Loader) -> None:
    load.run(
        "locations",
        """INSERT INTO omni_location (id, code, name, kind, address, postcode, city, phone, opening_hours,
                                      click_and_collect, ship_from_store, is_active, created_at)
           SELECT n, CASE WHEN n <= %(stores)s THEN 'store-' || lpad(n::text, 2, '0') ELSE 'warehouse-' || n END,
                  CASE WHEN n <= %(stores)s THEN 'Magasin ' || (%(cities)s::text[])[1 + (n - 1) %% 40]
                       ELSE 'Entrepôt ' || n END,
                  CASE WHEN n <= %(stores)s THEN 'store' ELSE 'warehouse' END,
                  n || ' rue de la République', lpad((n * 1000)::text, 5, '0'),
                  (%(cities)s::text[])[1 + (n - 1) %% 40], '+3314' || lpad(n::text, 7, '0'), '9h-19h',
                  n <= %(stores)s, n %% 4 = 0, true, now()
           FROM generate_series(1, %(stores)s + 2) n""",
        {"stores": STORES, "cities": CITIES},
    )
    load.run(
        "products",
        """INSERT INTO inventory_product (id, sku, barcode, name, category, attributes, price, is_active,
                                          low_stock_threshold, created_at, updated_at, search_name)
           SELECT n, 'SC-' || lpad(n::text, 5, '0'), NULL, 'Produit ' || n, 'categorie-' || (n %% %(categories)s),
                  '{}'::jsonb, 5 + n %% 100 + 0.90, true, NULL, now(), now(), 'produit ' || n
           FROM generate_series(1, %(products)s) n""",
        {"products": PRODUCTS, "categories": CATEGORIES},
    )


def customer_id_sql(number: str) -> str:
    """The id of customer ``number`` (1-based), derived rather than looked up."""
    return f"md5('customer-' || ({number}))::uuid"


def build_customers(load: Loader, count: int) -> None:
    params = {
        "count": count,
        "first": FIRST_NAMES,
        "first_ascii": [ascii_word(name) for name in FIRST_NAMES],
        "last": LAST_NAMES,
        "last_ascii": [ascii_word(name) for name in LAST_NAMES],
        # The search column as Customer.save() derives it: searchable("first last").
        "first_search": [searchable(name) for name in FIRST_NAMES],
        "last_search": [searchable(name) for name in LAST_NAMES],
        "cities": CITIES,
        "domains": DOMAINS,
        "channels": CHANNELS,
        "stores": STORES,
    }
    load.run(
        "customers",
        f"""WITH numbered AS (
              SELECT n, 1 + (hashint4(n) & 2147483647) %% cardinality(%(first)s::text[]) AS f,
                     1 + (hashint4(-n) & 2147483647) %% cardinality(%(last)s::text[]) AS l,
                     now() - (n %% 1500) * interval '1 day' - (hashint4(n) & 1023) * interval '1 minute' AS at,
                     (%(channels)s::text[])[1 + n %% 4] AS channel
              FROM generate_series(1, %(count)s) n)
            INSERT INTO customers_customer (
              id, first_name, last_name, email, phone, loyalty_card, city, preferred_store_id,
              email_consent, email_consent_at, email_consent_channel, sms_consent, sms_consent_at,
              sms_consent_channel, email_confirmed_at, phone_confirmed_at, created_channel, created_at,
              updated_at, merged_into_id, is_erased, erased_at, search_name)
            SELECT {customer_id_sql("n")}, (%(first)s::text[])[f], (%(last)s::text[])[l],
                   CASE WHEN n %% 10 <> 0 THEN (%(first_ascii)s::text[])[f] || '.' || (%(last_ascii)s::text[])[l]
                        || n || '@' || (%(domains)s::text[])[1 + n %% 8] END,
                   CASE WHEN n %% 7 <> 0 THEN '+3361' || lpad(n::text, 7, '0') END,
                   CASE WHEN n %% 3 <> 0 THEN 'OMNI' || lpad(n::text, 9, '0') END,
                   (%(cities)s::text[])[1 + n %% 40],
                   CASE WHEN n %% 4 = 0 THEN 1 + n %% %(stores)s END,
                   n %% 2 = 0, at, channel, n %% 3 = 0, at, channel,
                   CASE WHEN n %% 10 <> 0 THEN at END, CASE WHEN n %% 7 <> 0 THEN at END,
                   channel, at, at, NULL, false, NULL,
                   (%(first_search)s::text[])[f] || ' ' || (%(last_search)s::text[])[l]
            FROM numbered""",
        params,
    )
    load.run(
        "customer channels",
        """INSERT INTO customers_customerchannel (customer_id, channel, first_seen_at, last_seen_at)
           SELECT id, created_channel, created_at, created_at + interval '30 days' FROM customers_customer""",
    )


def build_orders(load: Loader, count: int, customers: int) -> None:
    """Orders ``n`` = 1..count, oldest first over a thousand days; lines and history follow."""
    params = {"count": count, "customers": customers, "stores": STORES, "products": PRODUCTS, "channels": CHANNELS}
    # A line k (1..3) of order n: its product, quantity and unit price, shared by the three statements.
    line = (
        "1 + (o.n * 7 + k * 131) %% %(products)s AS product, 1 + (o.n + k) %% 3 AS quantity,"
        " 5 + (1 + (o.n * 7 + k * 131) %% %(products)s) %% 100 + 0.90 AS price"
    )
    load.run(
        "",
        """CREATE TEMP TABLE scale_orders ON COMMIT DROP AS
            SELECT n, now() - (%(count)s - n) * (interval '1000 days' / %(count)s) AS at,
                   CASE WHEN n %% 10 < 3 THEN 'click_and_collect' WHEN n %% 10 < 7 THEN 'delivery'
                        ELSE 'in_store' END AS fulfilment,
                   n > %(count)s - %(count)s * 3 / 1000 AS recent
            FROM generate_series(1, %(count)s) n""",
        params,
    )
    load.run(
        "orders",
        f"""INSERT INTO orders_order (
              id, number, channel, status, fulfilment, payment, customer_id, cart_id, pickup_location_id,
              fulfilment_location_id, pickup_secret, pickup_code_failures, pickup_code_failed_at, shipping_address,
              codes, discounts, subtotal, discount_total, total, created_at, updated_at, ready_at, closed_at,
              hold_until, reminder_sent_at, created_by_client_id, created_by_user_id, actor_label)
            SELECT o.n, 'S' || lpad(o.n::text, 9, '0'),
                   CASE WHEN o.fulfilment = 'in_store' THEN 'store' ELSE (%(channels)s::text[])[1 + o.n %% 4] END,
                   CASE o.fulfilment
                     WHEN 'click_and_collect' THEN CASE WHEN o.recent THEN
                          CASE WHEN o.n %% 3 = 0 THEN 'ready_for_pickup' ELSE 'placed' END
                          WHEN o.n %% 20 = 1 THEN 'expired' WHEN o.n %% 20 = 2 THEN 'cancelled' ELSE 'collected' END
                     WHEN 'delivery' THEN CASE WHEN o.recent THEN
                          CASE WHEN o.n %% 3 = 0 THEN 'shipped' ELSE 'placed' END ELSE 'delivered' END
                     ELSE 'completed' END,
                   o.fulfilment,
                   CASE WHEN o.fulfilment = 'click_and_collect' AND o.n %% 5 = 0 THEN 'pay_at_pickup' ELSE 'paid' END,
                   CASE WHEN o.n %% 10 <> 9 THEN {customer_id_sql("1 + (hashint4(o.n) & 2147483647) %% %(customers)s")}
                   END,
                   NULL,
                   CASE WHEN o.fulfilment = 'click_and_collect' THEN 1 + o.n %% %(stores)s END,
                   CASE WHEN o.fulfilment = 'in_store' THEN 1 + o.n %% %(stores)s
                        WHEN o.fulfilment = 'delivery' THEN %(stores)s + 1 + o.n %% 2 END,
                   CASE WHEN o.fulfilment = 'click_and_collect' THEN md5('secret-' || o.n) ELSE '' END, 0, NULL,
                   CASE WHEN o.fulfilment = 'delivery' THEN jsonb_build_object(
                        'name', 'Client ' || o.n, 'line1', o.n %% 200 || ' avenue Jean Jaurès',
                        'postcode', lpad((o.n %% 95000)::text, 5, '0'), 'city', 'Lyon', 'country', 'FR') END,
                   '[]'::jsonb, '[]'::jsonb, totals.subtotal, 0, totals.subtotal, o.at, o.at,
                   CASE WHEN o.fulfilment = 'click_and_collect' AND NOT (o.recent AND o.n %% 3 <> 0)
                        THEN o.at + interval '2 hours' END,
                   CASE WHEN NOT o.recent THEN o.at + interval '2 days' END,
                   CASE WHEN o.fulfilment = 'click_and_collect' THEN o.at + interval '7 days' END,
                   NULL, NULL, NULL, ''
            FROM scale_orders o,
                 LATERAL (SELECT sum(price * quantity) AS subtotal
                          FROM (SELECT {line} FROM generate_series(1, 1 + o.n %% 3) k) lines) totals""",
        params,
    )
    load.run(
        "order lines",
        f"""INSERT INTO orders_orderline (order_id, product_id, sku, name, quantity, unit_price, discount, total,
                                          returned_quantity)
            SELECT o.n, product, 'SC-' || lpad(product::text, 5, '0'), 'Produit ' || product, quantity, price, 0,
                   price * quantity, 0
            FROM scale_orders o, LATERAL (SELECT {line} FROM generate_series(1, 1 + o.n %% 3) k) lines""",
        params,
    )
    load.run(
        "order history",
        """INSERT INTO orders_orderstatuschange (order_id, from_status, status, at, channel, actor_label, note,
                                                  actor_client_id, actor_user_id, location_id)
           SELECT id, '', 'placed', created_at, channel, '', '', NULL::uuid, NULL::bigint, NULL::bigint
           FROM orders_order
           UNION ALL
           SELECT id, 'placed', status, coalesce(closed_at, ready_at, created_at), channel, '', '', NULL::uuid,
                  NULL::bigint,
                  coalesce(pickup_location_id, fulfilment_location_id)
           FROM orders_order WHERE status <> 'placed'""",
    )


def build_journeys(load: Loader, touchpoints: int, customers: int) -> None:
    """Journeys of five touchpoints over one to three channels, two per customer on average."""
    params = {
        "journeys": touchpoints // TOUCHPOINTS_PER_JOURNEY,
        "customers": customers,
        "stores": STORES,
        "products": PRODUCTS,
        "channels": CHANNELS,
        "per": TOUCHPOINTS_PER_JOURNEY,
    }
    load.run(
        "",
        f"""CREATE TEMP TABLE scale_journeys ON COMMIT DROP AS
            SELECT j, {customer_id_sql("1 + (j - 1) %% %(customers)s")} AS customer_id, started_at,
                   started_at + (j %% 10) * interval '1 day' AS ended_at, 1 + j %% 3 AS channel_count,
                   j %% 4 AS first_channel, j %% 3 = 0 AS converted
            FROM (SELECT j, now() - (j %% 10) * interval '1 day'
                            - ((hashint4(j) & 2147483647) %% (400 * 1440)) * interval '1 minute' AS started_at
                  FROM generate_series(1, %(journeys)s) j) numbered""",
        params,
    )
    channel_of = "(%(channels)s::text[])[1 + (s.first_channel + {k}) %% 4]"
    last_channel = channel_of.format(k="s.channel_count - 1")
    load.run(
        "journeys",
        f"""INSERT INTO journeys_journey (id, customer_id, started_at, ended_at, first_touchpoint_id, channels,
                                          channel_count, touchpoint_count, converted, purchase_channel,
                                          purchase_location_id)
            SELECT s.j, s.customer_id, s.started_at, s.ended_at, md5('touchpoint-' || ((s.j - 1) * %(per)s + 1))::uuid,
                   (SELECT jsonb_agg({channel_of.format(k="k")} ORDER BY k)
                    FROM generate_series(0, s.channel_count - 1) k),
                   s.channel_count, %(per)s, s.converted,
                   CASE WHEN s.converted THEN {last_channel} ELSE '' END,
                   CASE WHEN s.converted AND {last_channel} = 'store' THEN 1 + s.j %% %(stores)s END
            FROM scale_journeys s""",
        params,
    )
    load.run(
        "journey channels",
        f"""INSERT INTO journeys_journeychannel (journey_id, customer_id, channel, started_at, ended_at, converted,
                                                 purchase_channel)
            SELECT s.j, s.customer_id, {channel_of.format(k="k")}, s.started_at, s.ended_at, s.converted,
                   CASE WHEN s.converted THEN {last_channel} ELSE '' END
            FROM scale_journeys s, generate_series(0, s.channel_count - 1) k""",
        params,
    )
    touch_channel = channel_of.format(k="k %% s.channel_count")
    load.run(
        "touchpoints",
        f"""INSERT INTO journeys_touchpoint (id, type, channel, occurred_at, customer_id, anonymous_id, sku,
                                             location_id, properties, received_at)
            SELECT md5('touchpoint-' || ((s.j - 1) * %(per)s + k + 1))::uuid,
                   CASE WHEN s.converted AND k = %(per)s - 1 THEN 'purchase'
                        WHEN t.channel = 'store' THEN 'store_visit'
                        WHEN t.channel = 'call_centre' THEN 'call'
                        WHEN k %% 3 = 0 THEN 'page_view' WHEN k %% 3 = 1 THEN 'product_view' ELSE 'add_to_cart' END,
                   t.channel, t.at, s.customer_id,
                   CASE WHEN t.channel IN ('web', 'app') THEN 'anon-' || s.customer_id ELSE '' END,
                   CASE WHEN t.channel IN ('web', 'app') AND k %% 3 > 0
                        THEN 'SC-' || lpad((1 + (s.j + k) %% %(products)s)::text, 5, '0') ELSE '' END,
                   CASE WHEN t.channel = 'store' THEN 1 + s.j %% %(stores)s END, '{{}}'::jsonb, t.at
            FROM scale_journeys s, generate_series(0, %(per)s - 1) k,
                 LATERAL (SELECT {touch_channel} AS channel,
                                 s.started_at + (s.ended_at - s.started_at) * k / (%(per)s - 1) AS at) t""",
        params,
    )


def build_promotions(load: Loader, count: int) -> None:
    load.run(
        "promotions",
        """INSERT INTO promotions_promotion (
             id, name, description, kind, value, buy_quantity, get_quantity, channels, starts_at, ends_at, skus,
             categories, min_subtotal, requires_code, code, usage_limit, per_customer_limit, priority, stackable,
             is_active, created_at, updated_at, created_by, updated_by)
           SELECT md5('promotion-' || n)::uuid, 'Promotion ' || n, '',
                  CASE WHEN n %% 10 < 7 THEN 'percent' WHEN n %% 10 < 9 THEN 'amount' ELSE 'buy_x_get_y' END,
                  CASE WHEN n %% 10 < 7 THEN 5 + n %% 30 WHEN n %% 10 < 9 THEN 1 + n %% 5 END,
                  CASE WHEN n %% 10 = 9 THEN 2 END, CASE WHEN n %% 10 = 9 THEN 1 END,
                  CASE WHEN n %% 4 = 0 THEN '["web"]'::jsonb ELSE '[]'::jsonb END,
                  now() - interval '30 days', now() + interval '30 days',
                  CASE WHEN n %% 100 <> 0 AND n %% 2 = 0
                       THEN jsonb_build_array('SC-' || lpad((1 + n %% %(products)s)::text, 5, '0'))
                       ELSE '[]'::jsonb END,
                  CASE WHEN n %% 100 <> 0 AND n %% 2 = 1 THEN jsonb_build_array('categorie-' || (n %% %(categories)s))
                       ELSE '[]'::jsonb END,
                  NULL, false, NULL, NULL, NULL, n %% 10, n %% 5 = 0, true, now(), now(), 'bench', ''
           FROM generate_series(1, %(count)s) n""",
        {"count": count, "products": PRODUCTS, "categories": CATEGORIES},
    )


# --- the measures ------------------------------------------------------------------------
def cases(sizes: dict[str, int]) -> list[tuple[str, str, str, str, dict | None]]:
    """(kind, label, method, path, body) of every measured request, on values the build wrote."""
    from urllib.parse import quote

    from django.utils import timezone

    from customers.models import Customer

    # A customer with an accented name, an e-mail address, a phone and a card.
    customer = (
        Customer.objects.filter(last_name="Guérin", first_name="Françoise")
        .exclude(email=None)
        .exclude(phone=None)
        .exclude(loyalty_card=None)
        .order_by("phone")
        .first()
    )
    assert customer is not None and customer.email and customer.phone and customer.loyalty_card, "no Françoise Guérin"
    national = "0" + customer.phone[3:]
    phone = " ".join([national[:2], *(national[i : i + 2] for i in range(2, 10, 2))])
    fragment = customer.email.split(".", 1)[1].split("@")[0] + "@"  # guerin1234@
    searches = [
        ("name without accents", "guerin"),
        ("name in capitals", "GUÉRIN"),
        ("first and last name", "Francoise Guerin"),
        ("e-mail fragment", fragment),
        ("phone as written", phone),
        ("loyalty card", customer.loyalty_card.lower()),
    ]
    size = f"{sizes['customers']:,} customers"
    since = (timezone.now() - timedelta(days=200)).isoformat()
    return [
        *[
            (
                "search",
                f"customer search, {what} ({text!r}), {size}",
                "get",
                f"/api/v1/customers/?search={quote(text)}",
                None,
            )
            for what, text in searches
        ],
        (
            "orders",
            f"orders placed at a store, {sizes['orders']:,} orders",
            "get",
            "/api/v1/orders/?status=placed&pickup_location=store-02",
            None,
        ),
        (
            "journeys",
            f"journeys summary, 200 days, {sizes['touchpoints']:,} touchpoints",
            "get",
            f"/api/v1/journeys/summary/?since={quote(since)}",
            None,
        ),
        (
            "quote",
            f"quote of one line, {sizes['promotions']:,} running promotions",
            "post",
            "/api/v1/pricing/quote/",
            {"channel": "web", "lines": [{"sku": "SC-00042", "quantity": 1}]},
        ),
    ]


def request(client, method: str, path: str, body: dict | None, token: str):
    headers = {"Authorization": f"Token {token}"}
    if method == "post":
        return client.post(path, json.dumps(body), content_type="application/json", headers=headers)
    return client.get(path, headers=headers)


def measure(client, method: str, path: str, body: dict | None, token: str, runs: int) -> tuple[float, int, int]:
    """Median milliseconds over ``runs`` after warming up, SQL queries, and rows in the answer."""
    from django.db import connection

    for _ in range(3):
        response = request(client, method, path, body, token)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = request(client, method, path, body, token)
    data = response.json()
    if isinstance(data, dict):  # a page's count, the summary's customers, or a quote's lines
        rows = data.get("count", data.get("customers") or len(data.get("lines", [])))
    else:
        rows = len(data)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        request(client, method, path, body, token)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(queries), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rebuild", action="store_true", help="build again even if built at this size")
    parser.add_argument("--runs", type=int, default=7 if quick() else 15, help="timed requests per case")
    parser.add_argument("--database", default=DATABASE + ("_quick" if quick() else ""))
    args = parser.parse_args()
    sizes = {name: count // 10 if quick() else count for name, count in FULL.items()}
    needs_build = args.rebuild or built_signature(args.database) != signature(sizes)
    if needs_build:
        recreate(args.database)
    configure(args.database)
    if needs_build:
        build(sizes)
    else:
        print(f"database {args.database} already built at {signature(sizes)} (--rebuild to build it again)")

    from django.test import Client

    from omni.models import ApiClient
    from omni.services import api_client_create

    ApiClient.objects.filter(name="bench scale").delete()
    _client, token = api_client_create(name="bench scale", kind="integration")
    client = Client()
    print(f"\nmedian of {args.runs} requests after 3 to warm up; in-process WSGI (Django test client), PostgreSQL")
    print(f"{'case':78} {'ms':>8} {'goal':>6} {'':4} {'queries':>7} {'rows':>8}")
    for kind, label, method, path, body in cases(sizes):
        milliseconds, queries, rows = measure(client, method, path, body, token, args.runs)
        goal = GOALS_MS[kind]
        verdict = "met" if milliseconds < goal else "OVER"
        print(
            f"{label:78} {milliseconds:8.1f} {'< ' + format(goal, 'g'):>6} {verdict:4} {queries:7d} {rows:8,}",
            flush=True,
        )
        emit("scale", f"{label} (goal < {goal:g} ms)", milliseconds, "ms")
        emit("scale", f"{label}: SQL queries", queries, "per request")


if __name__ == "__main__":
    main()
