"""Concurrent identical find-or-create requests create one customer (real threads,
real connections; PostgreSQL and the file-backed SQLite test database)."""


import pytest

from customers.models import Customer, CustomerIdentifier
from customers.services import customer_find_or_create
from omni.actor import Actor
from tests.concurrency import race
from tests.factories.omni import make_api_client

THREADS = 8


def _race(target, count=THREADS):
    """(what the threads returned, what they raised)."""
    outcomes = race(count, target)
    return [o for o in outcomes if not isinstance(o, Exception)], [o for o in outcomes if isinstance(o, Exception)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_create_one_customer():
    client, _token = make_api_client("web")
    actor = Actor.for_client(client)
    formats = ["06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "0612345678"]

    def identify(index):
        return customer_find_or_create(actor=actor, phone=formats[index % len(formats)], email="race@example.fr")

    results, errors = _race(identify)
    assert errors == []
    assert Customer.objects.count() == 1
    assert sum(1 for _customer, created in results if created) == 1
    assert len({customer.pk for customer, _created in results}) == 1
    assert CustomerIdentifier.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_over_http_create_one_customer(live_server):
    import json
    import urllib.request

    _client, token = make_api_client("app")
    statuses = []

    def post(index):
        request = urllib.request.Request(  # noqa: S310 - local live server
            f"{live_server.url}/api/v1/customers/",
            data=json.dumps({"loyalty_card": "OMNI-RACE-1", "first_name": "Léa"}).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - local live server
            statuses.append(response.status)
            return json.loads(response.read())["id"]

    results, errors = _race(post, count=6)
    assert errors == []
    assert len(set(results)) == 1
    assert sorted(statuses) == [200] * 5 + [201]
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_attaching_and_creating_the_same_phone_at_once_never_duplicates_it():
    from customers.errors import AmbiguousCustomer

    client, _token = make_api_client("web")
    actor = Actor.for_client(client)
    existing, _created = customer_find_or_create(actor=actor, email="known@example.fr")

    def identify(index):
        if index % 2:
            return customer_find_or_create(actor=actor, email="known@example.fr", phone="0687654321")
        return customer_find_or_create(actor=actor, phone="06 87 65 43 21")

    results, errors = _race(identify, count=6)
    assert all(isinstance(error, AmbiguousCustomer) for error in errors), errors
    assert Customer.objects.filter(phone="+33687654321").count() == 1
    holder = Customer.objects.get(phone="+33687654321")
    assert {customer.pk for customer, _created in results} <= {existing.pk, holder.pk}
    if holder.pk == existing.pk:
        assert errors == []
