from giftcards.selectors import ledger_mismatches
from omni.audit import LedgerAuditCommand


class Command(LedgerAuditCommand):
    help = "Check every gift card's balance against the sum of its ledger entries; exit 1 if any disagrees."
    agree = "Gift card balances agree with their ledger."
    disagree = "{count} card(s) disagree with their ledger."

    def mismatches(self):
        return ledger_mismatches()

    def describe(self, mismatch) -> str:
        return (f"MISMATCH card …{mismatch.last4} ({mismatch.card_id}): balance {mismatch.stored}, "
                f"ledger says {mismatch.ledger}")
