"""News from the orders app for the apps above it (journeys).

Both are sent inside the transaction of the change; receivers queue slow work with
``transaction.on_commit``.

- ``order_placed(order, actor)``: a new order (every fulfilment; a ``purchase`` touchpoint
  on ``order.channel``).
- ``order_status_changed(order, from_status, to_status, actor)``: every later transition.
- ``order_tracked(order, via, channel, at)``: someone opened the order's tracking link
  (page or JSON); ``via`` is where the link was given (``sms``, ``email``, or the channel of
  the API client that asked for it), ``channel`` where it was read (``web`` for the page,
  the app for the JSON). An ``order_tracked`` touchpoint for journeys.
"""

from django.dispatch import Signal

order_placed = Signal()
order_status_changed = Signal()
order_tracked = Signal()
