"""Who may issue and read gift cards (api-contract.md): tills, the ERP and store staff
issue them; every selling channel reads a balance; marketing does neither."""

from omni.actor import Actor


def may_issue_cards(actor: Actor) -> bool:
    return actor.is_pos or actor.is_integration or actor.is_store_staff or actor.is_admin


def may_check_cards(actor: Actor) -> bool:
    return actor.is_authenticated and not actor.is_marketing
