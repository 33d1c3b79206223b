"""What higher apps add to a customer's personal-data export (GDPR access request),
without customers importing them: orders add the customer's orders with their lines and
addresses, for instance. Register in ``AppConfig.ready()``, into the one registry::

    registry.add(CustomerExport("orders", export_orders))

An exporter is ``export(customer) -> JSON-ready data``; its key becomes a key of the export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from omni.registry import registry

from .models import Customer


@dataclass(frozen=True)
class CustomerExport:
    key: str
    export: Callable[[Customer], object]
    order: int = 100


def customer_exports() -> dict[str, Callable[[Customer], object]]:
    return {entry.key: entry.export for entry in registry.entries(CustomerExport)}
