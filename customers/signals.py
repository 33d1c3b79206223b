"""News from the customers app for the apps above it (orders, journeys...).

Every signal is sent inside the transaction of the change, so a receiver's writes commit
or roll back with it; slow work belongs in a task queued with ``transaction.on_commit``.

- ``customer_identified(customer, created, actor, identifiers)``: a customer was found or
  created from identifiers (``identifiers`` is ``{"email": ..., "phone": ..., "loyalty_card": ...}``
  with the normalised values that were given).
- ``contact_recorded(contact, actor)``: a contact with the customer (a call, a visit, an
  e-mail, a chat) was noted, by staff or when they confirmed a contact point on file.
- ``customers_merged(source_id, target_id, actor)``: re-point your rows from the duplicate
  ``source_id`` to ``target_id``; the duplicate is kept as a tombstone pointing at the target.
- ``customer_erased(customer_id, actor)``: anonymise what you hold about this customer
  (keep what the accounts need).
"""

from django.dispatch import Signal

customer_identified = Signal()
contact_recorded = Signal()
customers_merged = Signal()
customer_erased = Signal()
