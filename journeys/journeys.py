"""The journey rule as a pure function: touchpoints in, journeys out.

Both the full and the incremental recomputation call ``split_into_journeys`` on a run of
one customer's touchpoints that starts on a journey boundary, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

INACTIVITY = timedelta(days=30)
PURCHASE = "purchase"


@dataclass(frozen=True)
class Step:
    at: datetime
    channel: str
    type: str
    location_id: int | None = None
    # Touchpoints at the same instant are ordered by id: (at, id) is the step's place.
    id: object = None


@dataclass
class JourneyData:
    started_at: datetime
    ended_at: datetime
    first_step_id: object = None
    channels: list[str] = field(default_factory=list)
    touchpoints: int = 0
    converted: bool = False
    purchase_channel: str = ""
    purchase_location_id: int | None = None


def split_into_journeys(steps: list[Step]) -> list[JourneyData]:
    """Cut a customer's steps (sorted by time) after each purchase and at every gap of
    more than 30 days."""
    journeys: list[JourneyData] = []
    current: JourneyData | None = None
    for step in steps:
        if current is not None and (current.converted or step.at - current.ended_at > INACTIVITY):
            journeys.append(current)
            current = None
        if current is None:
            current = JourneyData(started_at=step.at, ended_at=step.at, first_step_id=step.id)
        current.ended_at = step.at
        current.touchpoints += 1
        if step.channel not in current.channels:
            current.channels.append(step.channel)
        if step.type == PURCHASE:
            current.converted = True
            current.purchase_channel = step.channel
            current.purchase_location_id = step.location_id
    if current is not None:
        journeys.append(current)
    return journeys
