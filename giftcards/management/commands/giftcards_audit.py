from django.core.management.base import BaseCommand

from giftcards.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Check every gift card's balance against the sum of its ledger entries; exit 1 if any disagrees."

    def handle(self, *args, **options):
        mismatches = ledger_mismatches()
        for mismatch in mismatches:
            self.stderr.write(
                f"MISMATCH card …{mismatch.last4} ({mismatch.card_id}): balance {mismatch.stored}, "
                f"ledger says {mismatch.ledger}"
            )
        if mismatches:
            self.stderr.write(self.style.ERROR(f"{len(mismatches)} card(s) disagree with their ledger."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Gift card balances agree with their ledger."))
