"""Sections that higher apps add to the 360° customer page without customers importing
them (journeys shows the customer's journeys there, for instance).

A section names a URL that takes the customer's id and answers an HTML fragment; the
page loads it with htmx once it is shown, so a slow section never delays the page::

    from customers.sections import CustomerSection, register_customer_section
    register_customer_section(CustomerSection(_("Journeys"), "journeys:customer", order=10))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerSection:
    title: str
    url_name: str
    order: int = 100


_sections: list[CustomerSection] = []


def register_customer_section(section: CustomerSection) -> None:
    if section.url_name not in {known.url_name for known in _sections}:
        _sections.append(section)
        _sections.sort(key=lambda known: known.order)


def customer_sections() -> list[CustomerSection]:
    return list(_sections)
