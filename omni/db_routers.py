"""Read-replica routing, on when ``DATABASE_REPLICA_URL`` is set (see docs/operations.md).

Reads made outside a transaction go to the replica; reads inside a write transaction
(``transaction.atomic`` on the primary: every service that checks then writes) stay on the
primary so they see their own writes and the rows they lock. Writes and migrations always
go to the primary.

Some tables are read to coordinate requests rather than to show data, and a replica a few
milliseconds behind would answer them wrongly; their reads always go to the primary:

- sessions: the request right after a login (its redirect) must find the new session;
- idempotency records: a retry arriving just after the first request must find its record
  (the insert that collided is on the primary) and replay it, not answer 409;
- login attempts (django-axes): lockouts count failures the moment they happen;
- the beat schedule (django-celery-beat): beat must see the last run it just recorded.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_celery_beat"})
PRIMARY_ONLY_MODELS = frozenset({"omni.idempotencyrecord"})


def reads_primary_only(model) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[DEFAULT_DB_ALIAS].in_atomic_block or reads_primary_only(model):
            return DEFAULT_DB_ALIAS
        return REPLICA_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: every row exists on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
