"""News from the orders app for the apps above it (journeys).

Both are sent inside the transaction of the change; receivers queue slow work with
``transaction.on_commit``.

- ``order_placed(order, actor)``: a new order (every fulfilment; a ``purchase`` touchpoint
  on ``order.channel``).
- ``order_status_changed(order, from_status, to_status, actor)``: every later transition.
"""

from django.dispatch import Signal

order_placed = Signal()
order_status_changed = Signal()
