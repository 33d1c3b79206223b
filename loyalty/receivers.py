"""What loyalty does with the news from below: a merged duplicate's points follow it."""

from .services import points_repoint


def repoint_merged_customer(sender, source_id, target_id, actor=None, **kwargs) -> None:
    points_repoint(source_id=source_id, target_id=target_id)
