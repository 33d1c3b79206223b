"""Every write of the customers app (one function per business operation)."""

from .contacts import contact_point_confirm, contact_record, customer_touch_channel, customers_touch_channel
from .customers import customer_find_or_create, customer_update, normalise_identifiers
from .merge import customer_merge
from .privacy import customer_erase, customer_export
from .segments import segment_evaluate, segment_recompute, segment_recompute_all, segment_rules_clean, segment_save
from .verification import contact_point_verification_check, contact_point_verification_send

__all__ = [
    "contact_point_confirm",
    "contact_point_verification_check",
    "contact_point_verification_send",
    "contact_record",
    "customer_erase",
    "customer_export",
    "customer_find_or_create",
    "customer_merge",
    "customer_touch_channel",
    "customers_touch_channel",
    "customer_update",
    "normalise_identifiers",
    "segment_evaluate",
    "segment_recompute",
    "segment_recompute_all",
    "segment_rules_clean",
    "segment_save",
]
