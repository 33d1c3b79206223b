"""omni.sorting on the lists that use it: a known column sorts both ways, anything else
falls back to the list's default, and the pages keep their other parameters."""

import re

import pytest

from tests.factories.customers import CustomerFactory
from tests.factories.promotions import PromotionFactory

pytestmark = pytest.mark.django_db


def _names(html: str, pattern: str) -> list[str]:
    return re.findall(pattern, html)


def test_promotions_and_customers_sort_by_their_columns(staff_client, store):
    for name, priority in (("Bravo", 1), ("Alpha", 5), ("Charlie", 3)):
        PromotionFactory(name=name, priority=priority)
    marketing = staff_client("marketing")
    link = r'/promotions/[0-9a-f-]+/">([A-Z][a-z]+)</a>'
    assert _names(marketing.get("/promotions/").content.decode(), link) == ["Alpha", "Charlie", "Bravo"]
    assert _names(marketing.get("/promotions/?sort=name").content.decode(), link) == ["Alpha", "Bravo", "Charlie"]
    assert _names(marketing.get("/promotions/?sort=-name").content.decode(), link) == ["Charlie", "Bravo", "Alpha"]
    assert _names(marketing.get("/promotions/?sort=codes;drop").content.decode(), link) == ["Alpha", "Charlie", "Bravo"]
    header = marketing.get("/promotions/?sort=name&status=running").content.decode()
    assert 'aria-sort="ascending"' in header and "?sort=-name&amp;status=running" in header

    for first, last in (("Zoé", "Aubert"), ("Léa", "Martin"), ("Anne", "Durand")):
        CustomerFactory(first_name=first, last_name=last)
    staff = staff_client("store_staff", locations=[store])
    row = r'/customers/[0-9a-f-]+/">[^<]* ([A-Z][a-z]+)</a>'
    assert _names(staff.get("/customers/?sort=-name").content.decode(), row) == ["Martin", "Durand", "Aubert"]
    assert _names(staff.get("/customers/?sort=since").content.decode(), row) == ["Aubert", "Martin", "Durand"]
