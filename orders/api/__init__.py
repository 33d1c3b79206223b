"""Carts and orders API (contract sections Carts and Orders): ``inputs`` validate the shape
of a request, the services decide, ``outputs`` render and document every answer. One
module per resource: ``carts``, ``orders`` (with returns and transitions), ``tracking``."""
