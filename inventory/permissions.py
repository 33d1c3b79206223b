"""Who may do what with the stock, as predicates on the Actor."""

from omni.actor import Actor
from omni.models import Location


def can_move_stock(actor: Actor) -> bool:
    """May record receipts, adjustments, counts and transfers somewhere."""
    return actor.is_integration or actor.is_pos or actor.is_admin or actor.is_store_staff


def can_move_stock_at(actor: Actor, location: Location | int | None) -> bool:
    """ERP, administrators and store managers anywhere; store staff and POS terminals
    only at their own locations; websites, apps, call centre and marketing never."""
    if location is None:
        return False
    if actor.is_integration or actor.is_admin or actor.is_manager:
        return True
    if actor.is_pos or actor.role == "store_staff":
        location_id = location if isinstance(location, int) else location.pk
        return location_id in actor.location_ids
    return False


def can_write_catalogue(actor: Actor) -> bool:
    return actor.is_integration or actor.is_admin
