"""The demo's loyalty programme: running, one point per euro on every channel, 100 points
(1.00) spent at a time. Orders placed by the demo earn their points through the real
services; the README's story customer starts with a welcome bonus to spend."""

from __future__ import annotations

from typing import IO

from customers.models import Customer
from omni.actor import Actor

from . import services
from .models import LoyaltyProgram, PointsEntry

WELCOME_NOTE = "Welcome bonus"
STORY_CUSTOMER = "jeremy.roy1717@gmail.com"


def seed_loyalty(stdout: IO[str] | None = None) -> None:
    program = LoyaltyProgram.current()
    if not program.active:
        program.active = True
        program.save(update_fields=["active"])
    jeremy = Customer.objects.filter(email=STORY_CUSTOMER).first()
    if jeremy and not PointsEntry.objects.filter(customer=jeremy, note=WELCOME_NOTE).exists():
        services.points_adjust(customer=jeremy, points=500, note=WELCOME_NOTE, actor=Actor.system(),
                               check_permission=False)
    if stdout:
        stdout.write("  loyalty: programme running (1 point per euro, 100 points = 1.00 €)")
