"""Read-replica routing, on when ``DATABASE_REPLICA_URL`` is set (see docs/operations.md).

Reads made outside a transaction go to the replica; reads inside a write transaction
(``transaction.atomic`` on the primary: every service that checks then writes) stay on the
primary so they see their own writes and the rows they lock. Writes and migrations always
go to the primary.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: every row exists on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
