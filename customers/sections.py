"""Sections that higher apps add to the 360° customer page without customers importing
them (journeys shows the customer's journeys there, for instance).

A section names a URL that takes the customer's id and answers an HTML fragment; the
page loads it with htmx once it is shown, so a slow section never delays the page.
Register it in ``AppConfig.ready()``, into the one registry::

    registry.add(CustomerSection(_("Journeys"), "journeys:customer", order=10))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from omni.registry import registry

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


@dataclass(frozen=True)
class CustomerSection:
    title: _StrOrPromise
    url_name: str
    order: int = 100

    @property
    def key(self) -> str:
        return self.url_name


def customer_sections() -> list[CustomerSection]:
    return registry.entries(CustomerSection)
