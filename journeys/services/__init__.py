"""Every write of the journeys app:

- ``events_ingest`` stores a batch of touchpoints (idempotent by event id), stitches
  anonymous ids on ``identify``, and queues the incremental journey recomputation.
- ``touchpoint_record`` records one touchpoint that Omni itself observed (an order, a
  contact, a code redemption), called by the signal receivers; ``order_tracked_record``
  a visit of an order's tracking link (at most one per link origin, reader and hour).
- ``touchpoints_repoint`` / ``touchpoints_anonymise`` follow a merged or erased customer.
- ``journeys_recompute`` / ``journeys_recompute_all`` maintain the stored journeys;
  ``journeys_catch_up`` rebuilds what a broker outage left behind.
"""

from .customers import touchpoints_anonymise, touchpoints_repoint
from .ingest import events_ingest, order_tracked_record, touchpoint_record
from .recompute import journeys_catch_up, journeys_recompute, journeys_recompute_all

__all__ = [
    "events_ingest",
    "journeys_catch_up",
    "journeys_recompute",
    "journeys_recompute_all",
    "order_tracked_record",
    "touchpoint_record",
    "touchpoints_anonymise",
    "touchpoints_repoint",
]
