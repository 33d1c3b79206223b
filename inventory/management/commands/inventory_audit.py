from inventory.selectors import ledger_mismatches
from omni.audit import LedgerAuditCommand


class Command(LedgerAuditCommand):
    help = "Recompute every stock level from the movement ledger; exit 1 if any level disagrees."
    agree = "Stock levels agree with the ledger."
    disagree = "{count} mismatch(es) between levels and ledger."

    def mismatches(self):
        return ledger_mismatches()

    def describe(self, mismatch) -> str:
        return (f"MISMATCH {mismatch.sku} @ {mismatch.location}: {mismatch.field} "
                f"stored {mismatch.stored}, ledger says {mismatch.expected}")
