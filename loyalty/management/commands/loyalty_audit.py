from loyalty.selectors import ledger_mismatches
from omni.audit import LedgerAuditCommand


class Command(LedgerAuditCommand):
    help = "Check every customer's points balance against what is left of their credits; exit 1 if any disagrees."
    agree = "Points balances agree with the ledger."
    disagree = "{count} customer(s) disagree with their ledger."

    def mismatches(self):
        return ledger_mismatches()

    def describe(self, mismatch) -> str:
        return (f"MISMATCH customer {mismatch.customer_id}: balance {mismatch.balance}, "
                f"credits left {mismatch.remaining}")
