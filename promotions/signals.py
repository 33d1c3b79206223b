"""News from the promotions app for the apps above it (orders, journeys).

Sent inside the transaction of the change, so a receiver's writes commit or roll back
with it; slow work belongs in a task queued with ``transaction.on_commit``.

- ``code_redeemed(redemption, actor)``: a promotion, possibly unlocked by a code, was
  used by an order (``redemption.code`` is ``None`` for a promotion without a code).
- ``code_released(redemptions, order_reference, actor)``: an order's redemptions were
  released (the order was cancelled); single-use codes are available again.
- ``campaign_message_sent(campaign, customer, code, media)``: a campaign gave a customer
  a code and queued its messages.
"""

from django.dispatch import Signal

code_redeemed = Signal()
code_released = Signal()
campaign_message_sent = Signal()
