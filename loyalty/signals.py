"""What loyalty tells the apps above it (journeys counts a redemption as a touchpoint):

- ``points_redeemed(customer, points, channel, location_id, at, order)``: points spent,
  sent inside the transaction that spends them.
"""

from django.dispatch import Signal

points_redeemed = Signal()
