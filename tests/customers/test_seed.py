import io
import time

import pytest

from customers.models import Customer, CustomerChannel, Segment
from customers.seed import COUNT, DUPLICATES, seed_customers
from customers.selectors import duplicate_suggestions
from omni.seed import seed_organisation

pytestmark = pytest.mark.django_db


def test_seed_is_fast_realistic_and_idempotent():
    seed_organisation()
    started = time.monotonic()
    seed_customers(io.StringIO())
    assert time.monotonic() - started < 20
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
