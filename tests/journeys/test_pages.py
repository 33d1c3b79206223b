import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from journeys.models import Touchpoint
from journeys.services import journeys_recompute_all
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web_then_store(store):
    """Three customers who researched on the web and bought in the store."""
    now = timezone.now()
    for _ in range(3):
        customer = CustomerFactory()
        Touchpoint.objects.create(
            type="product_view", channel="web", occurred_at=now - timedelta(days=3), customer=customer
        )
        Touchpoint.objects.create(
            type="purchase", channel="store", occurred_at=now - timedelta(days=2), customer=customer, location=store
        )
    journeys_recompute_all()


def test_dashboard_shows_the_switch_matrix(staff_client, web_then_store, django_assert_max_num_queries):
    client = staff_client("marketing")
    with django_assert_max_num_queries(16):
        page = client.get("/journeys/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Channel switches" in html and 'data-testid="switch-matrix"' in html
    assert page.context["summary"]["channel_switches"] == [{"from": "web", "to": "store", "count": 3}]
    assert page.context["summary"]["typology"]["cross"] == 3


def test_filters_answer_a_fragment_and_bad_dates_fall_back(staff_client, web_then_store, store, other_store):
    client = staff_client("marketing")
    fragment = client.get(f"/journeys/?store={other_store.code}&since=nonsense&until=2026-13-45",
                          headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert fragment.context["summary"]["customers"] == 0
    assert client.get(f"/journeys/?store={store.code}").context["summary"]["customers"] == 3


def test_csv_export_of_every_table(staff_client, web_then_store):
    client = staff_client("marketing")
    rows = list(csv.reader(io.StringIO(client.get("/journeys/export/switches.csv").content.decode())))
    assert rows == [["from", "to", "count"], ["web", "store", "3"]]
    for table in ("conversion", "typology", "purchases"):
        assert client.get(f"/journeys/export/{table}.csv").status_code == 200
    assert client.get("/journeys/export/passwords.csv").status_code == 403


def test_store_staff_may_not_see_analytics(staff_client, store):
    assert staff_client("store_staff", locations=[store]).get("/journeys/").status_code == 403


def test_customer_journeys_page(staff_client, web_then_store):
    customer = Touchpoint.objects.first().customer
    page = staff_client("store_staff").get(f"/journeys/customers/{customer.pk}/")
    assert page.status_code == 200
    assert "bought on Store" in page.content.decode()  # the channel by its name, not its code
