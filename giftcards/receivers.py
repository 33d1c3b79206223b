"""What gift cards do with the news from below: a merged duplicate's cards follow it."""

from .services import cards_repoint


def repoint_merged_customer(sender, source_id, target_id, actor=None, **kwargs) -> None:
    cards_repoint(source_id=source_id, target_id=target_id)
