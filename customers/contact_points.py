"""Who may vouch for a customer's contact points and speak for their consents.

Omni recognises one customer on every channel from an e-mail address, a phone number or
a card, which any selling client may send (``POST /customers/`` finds or creates). That
makes those identifiers public knowledge, not proof: a website or an app that names an
existing customer by e-mail may be anybody who knows that address. So:

- Contact points given when a customer is created are the customer's own: whoever creates
  a customer is talking to them (a sign-up, a till, an agent on the phone).
- A contact point attached later is recorded (the customer is still recognised by it), but
  it is *confirmed* only when it comes from someone who deals with the customer in person
  or on behalf of the business (staff, a store's till, the ERP), or when the customer
  proves it by typing back a code sent to it. Until then no message that carries a secret
  or personal data (pickup code, order, discount code) goes there.
- A consent *given* changes an existing customer's consent only when it comes from in
  person, or from the channel on which the customer made their current decision for that
  medium: a website cannot turn on SMS for a customer who decided about SMS elsewhere (or
  never did). A consent *withdrawn* is honoured from any channel: it can only make Omni
  send less, and the law wants withdrawing to be as easy as giving.

docs/customers.md tells integrators the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from omni.actor import Actor

from .models import CONTACT_FIELDS, Customer


def vouches_in_person(actor: Actor) -> bool:
    """Staff members, store tills and the ERP deal with the customer themselves."""
    return actor.user is not None or actor.is_pos or actor.is_integration


def may_state_consent(actor: Actor, customer: Customer, medium: str, *, granted: bool) -> bool:
    if not granted or vouches_in_person(actor):
        return True
    stated_on = getattr(customer, f"{medium}_consent_channel")
    return getattr(customer, f"{medium}_consent_at") is not None and stated_on == (actor.channel or "")


def consents_stated_by(actor: Actor, customer: Customer, consents: dict) -> dict:
    """The part of ``consents`` that ``actor`` may state for the existing ``customer``."""
    return {
        medium: granted
        for medium, granted in consents.items()
        if granted is None or may_state_consent(actor, customer, medium, granted=bool(granted))
    }


def confirmation_fields(field: str) -> str | None:
    """The column that says whether the identifier ``field`` is confirmed (contact points only)."""
    return f"{field}_confirmed_at" if field in CONTACT_FIELDS.values() else None


def set_confirmation(customer: Customer, fields: Iterable[str], *, confirmed: bool, at: datetime) -> list[str]:
    """Mark the contact points among ``fields`` confirmed (or not); returns the columns set."""
    columns = [column for column in map(confirmation_fields, fields) if column]
    for column in columns:
        setattr(customer, column, at if confirmed else None)
    return columns
