import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer, CustomerChannel, Segment
from customers.seed import COUNT, DUPLICATES, seed_customers
from customers.selectors import duplicate_suggestions
from omni.seed import seed_organisation

pytestmark = pytest.mark.django_db


def test_seed_is_written_in_bulk_realistic_and_idempotent():
    seed_organisation()
    with CaptureQueriesContext(connection) as queries:
        seed_customers(io.StringIO())
    # Bulk writes: the number of queries does not grow with the COUNT customers seeded
    # (a timed assertion would depend on the machine's load instead).
    assert len(queries) < COUNT // 10, len(queries)
    assert Customer.objects.count() == COUNT + DUPLICATES
    assert Customer.objects.filter(phone__startswith="+337").exists()
    assert Customer.objects.filter(phone__startswith="+336").exists()
    several = Customer.objects.filter(channel_uses__channel="web").filter(channel_uses__channel="store")
    assert several.count() > 100
    assert Customer.objects.filter(sms_consent=True).exists()
    assert Customer.objects.filter(preferred_store__isnull=False).count() > COUNT // 2
    ultra = Segment.objects.get(slug="ultra-connected")
    traditional = Segment.objects.get(slug="traditional")
    assert ultra.member_count > 50 and traditional.member_count > 200
    assert len(duplicate_suggestions(limit=100)) >= DUPLICATES
    out = io.StringIO()
    seed_customers(out)
    assert "0 created" in out.getvalue()
    assert Customer.objects.count() == COUNT + DUPLICATES
    assert CustomerChannel.objects.filter(customer__in=Customer.objects.all()).count() > COUNT
