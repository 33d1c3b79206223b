from django.core.management.base import BaseCommand

from inventory.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Recompute every stock level from the movement ledger; exit 1 if any level disagrees."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        for mismatch in mismatches:
            self.stderr.write(
                f"MISMATCH {mismatch.sku} @ {mismatch.location}: {mismatch.field} "
                f"stored {mismatch.stored}, ledger says {mismatch.expected}"
            )
        if mismatches:
            self.stderr.write(self.style.ERROR(f"{len(mismatches)} mismatch(es) between levels and ledger."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Stock levels agree with the ledger."))
