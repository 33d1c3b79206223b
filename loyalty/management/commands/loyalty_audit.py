from django.core.management.base import BaseCommand

from loyalty.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Check every customer's points balance against what is left of their credits; exit 1 if any disagrees."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        for mismatch in mismatches:
            self.stderr.write(
                f"MISMATCH customer {mismatch.customer_id}: balance {mismatch.balance}, "
                f"credits left {mismatch.remaining}"
            )
        if mismatches:
            self.stderr.write(self.style.ERROR(f"{len(mismatches)} customer(s) disagree with their ledger."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Points balances agree with the ledger."))
