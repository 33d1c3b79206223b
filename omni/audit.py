"""The audit commands of the ledgers (stock, gift cards, points): each recomputes its
figures from its entries, prints every disagreement and exits 1 if there is any."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand


class LedgerAuditCommand(BaseCommand):
    agree = ""  # the line printed when everything agrees
    disagree = ""  # with {count}: the line printed after the mismatches

    def mismatches(self) -> Sequence[Any]:
        raise NotImplementedError

    def describe(self, mismatch: Any) -> str:
        raise NotImplementedError

    def handle(self, *args, **options):
        mismatches = self.mismatches()
        for mismatch in mismatches:
            self.stderr.write(self.describe(mismatch))
        if mismatches:
            self.stderr.write(self.style.ERROR(self.disagree.format(count=len(mismatches))))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(self.agree))
