"""The pickup code at the counter, over HTTP and on the staff page: whatever is typed,
a clear answer; after too many wrong codes a lock that says when to come back and that
the store's manager can lift."""

import pytest

from orders import services
from orders.models import OrderStatusChange
from tests.factories.orders import place_pickup, pos_actor

pytestmark = pytest.mark.django_db

NOT_A_CODE = ["è", "１２３４５６", "١٢٣٤٥٦", "12345\u00e9", "\U0001f600" * 3]


@pytest.fixture
def ready_order(catalogue, store):
    order = place_pickup(location=store, lines={"CAP-1": 1})
    services.order_mark_ready(order=order, actor=pos_actor(store))
    return order


@pytest.mark.parametrize("typed", NOT_A_CODE)
def test_a_code_that_is_not_ascii_digits_is_a_wrong_code_on_the_api(ready_order, pos, level, store, typed):
    response = pos.post(f"/api/v1/orders/{ready_order.number}/collect/", {"pickup_code": typed})
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_pickup_code"
    ready_order.refresh_from_db()
    assert ready_order.status == "ready_for_pickup"
    assert level("CAP-1", store) == (10, 1)


@pytest.mark.parametrize("typed", NOT_A_CODE)
def test_a_code_that_is_not_ascii_digits_is_refused_in_place_on_the_hand_over_page(
    ready_order, staff_client, store, typed
):
    client = staff_client("store_staff", locations=[store])
    response = client.post(
        f"/orders/{ready_order.number}/collect/", {"pickup_code": typed}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "alert" in response.content.decode()
    ready_order.refresh_from_db()
    assert ready_order.status == "ready_for_pickup"


def _lock(order, pos):
    for _attempt in range(services.pickup.PICKUP_CODE_MAX_FAILURES):
        pos.post(f"/api/v1/orders/{order.number}/collect/", {"pickup_code": "not-it"})


def test_a_locked_pickup_says_when_to_retry_in_the_retry_after_header(ready_order, pos):
    _lock(ready_order, pos)
    right = services.pickup_code_for(ready_order)
    response = pos.post(f"/api/v1/orders/{ready_order.number}/collect/", {"pickup_code": right})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "pickup_code_locked"
    assert response["Retry-After"] == str(body["retry_after"])
    assert 0 < int(response["Retry-After"]) <= services.pickup.PICKUP_CODE_LOCK.total_seconds() + 1


def test_the_store_manager_unlocks_a_locked_pickup_and_it_is_recorded(ready_order, pos, staff_client, store):
    _lock(ready_order, pos)
    manager = staff_client("store_manager", locations=[store])
    page = manager.get(f"/orders/{ready_order.number}/")
    assert 'id="pickup-locked"' in page.content.decode()
    assert f"/orders/{ready_order.number}/unlock/" in page.content.decode()

    response = manager.post(f"/orders/{ready_order.number}/unlock/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="pickup-locked"' not in response.content.decode()
    record = OrderStatusChange.objects.filter(order=ready_order).latest("at")
    assert (record.actor_user, record.note) == (manager.user, "Pickup code unlocked by the store manager")

    right = services.pickup_code_for(ready_order)
    collected = pos.post(f"/api/v1/orders/{ready_order.number}/collect/", {"pickup_code": right})
    assert collected.status_code == 200 and collected.json()["status"] == "collected"


def test_store_staff_and_another_store_s_manager_cannot_unlock(ready_order, pos, staff_client, store, other_store):
    _lock(ready_order, pos)
    staff = staff_client("store_staff", locations=[store])
    assert 'id="pickup-locked"' in staff.get(f"/orders/{ready_order.number}/").content.decode()
    assert f"/orders/{ready_order.number}/unlock/" not in staff.get(f"/orders/{ready_order.number}/").content.decode()
    other_manager = staff_client("store_manager", locations=[other_store])
    for client, refusal in ((staff, 403), (other_manager, 403)):
        response = client.post(f"/orders/{ready_order.number}/unlock/", headers={"HX-Request": "true"})
        assert response.status_code == refusal, client.user.role
    ready_order.refresh_from_db()
    assert ready_order.pickup_code_failures == services.pickup.PICKUP_CODE_MAX_FAILURES


def test_unlocking_a_pickup_that_is_not_locked_is_refused(ready_order, staff_client, store):
    manager = staff_client("store_manager", locations=[store])
    response = manager.post(f"/orders/{ready_order.number}/unlock/", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert not OrderStatusChange.objects.filter(order=ready_order, note__startswith="Pickup code unlocked").exists()
