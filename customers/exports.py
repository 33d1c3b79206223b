"""What higher apps add to a customer's personal-data export (GDPR access request),
without customers importing them: orders add the customer's orders with their lines and
addresses, for instance. Register in ``AppConfig.ready()``::

    from customers.exports import register_customer_export
    register_customer_export("orders", export_orders)

An exporter is ``fn(customer) -> JSON-ready data``; its key becomes a key of the export.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Customer

CustomerExporter = Callable[[Customer], object]
_exporters: dict[str, CustomerExporter] = {}


def register_customer_export(key: str, exporter: CustomerExporter) -> None:
    _exporters[key] = exporter


def customer_exports() -> dict[str, CustomerExporter]:
    return dict(_exporters)
