"""Who may do what with customers (predicates on the Actor, shared by API and pages).

- Look customers up (list, search, detail, timeline): every authenticated actor.
- Identify/create, update, note a contact: every actor except marketing, who only reads.
- Merge duplicates: administrators, store managers and the integration client.
- Export and erase personal data (GDPR): administrators and the integration client only.
- Edit segments and recompute them: marketing, administrators and the integration client.
"""

from omni.actor import Actor
from omni.permissions import marketing_or_admin


def may_read_customers(actor: Actor) -> bool:
    return actor.is_authenticated


def may_write_customers(actor: Actor) -> bool:
    return actor.is_authenticated and not actor.is_marketing


def may_merge_customers(actor: Actor) -> bool:
    return actor.is_admin or actor.is_manager or actor.is_integration


def may_handle_personal_data(actor: Actor) -> bool:
    return actor.is_admin or actor.is_integration


def may_edit_segments(actor: Actor) -> bool:
    return marketing_or_admin(actor)
