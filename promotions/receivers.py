"""What the promotions app does when the apps below it send news; every write goes
through ``promotions.services``."""

from .services import redemptions_repoint


def repoint_merged_customer(sender, source_id, target_id, actor=None, **kwargs) -> None:
    redemptions_repoint(source_id=source_id, target_id=target_id)
