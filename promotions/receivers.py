"""What the promotions app does when the apps below it send news; every write goes
through ``promotions.services``."""

from .services import pricing_changed, redemptions_repoint


def repoint_merged_customer(sender, source_id, target_id, actor=None, **kwargs) -> None:
    redemptions_repoint(source_id=source_id, target_id=target_id)


def promotion_changed(sender, action: str = "post_save", **kwargs) -> None:
    """A promotion was saved or deleted, or its segments changed (``action`` of
    ``m2m_changed``), by a service, the admin or anything else that goes through the
    model: every process must reload the promotions it prices with."""
    if action.startswith("post_"):
        pricing_changed()
