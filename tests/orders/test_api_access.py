"""The orders API as staff and clients reach it: a staff session works on it with each
role's rights, numbers in URLs ignore case, and the API root lists carts and orders."""

import pytest

pytestmark = pytest.mark.django_db


def body(store):
    return {
        "lines": [{"sku": "CAP-1", "quantity": 1}],
        "fulfilment": "click_and_collect",
        "pickup_location": store.code,
    }


def test_staff_session_works_on_the_api(staff_client, web, catalogue, store, other_store):
    number = web.post("/api/v1/orders/", body(store)).json()["number"]
    mine = staff_client("store_staff", locations=[store])
    theirs = staff_client("store_staff", locations=[other_store])
    assert theirs.post(f"/api/v1/orders/{number}/ready/", content_type="application/json").status_code == 403
    assert mine.post(f"/api/v1/orders/{number}/ready/", content_type="application/json").status_code == 200
    marketing = staff_client("marketing")
    assert marketing.get(f"/api/v1/orders/{number}/").status_code == 200
    refused = marketing.post("/api/v1/orders/", body(store), content_type="application/json")
    assert refused.status_code == 403
    admin = staff_client("admin")
    assert (
        admin.post(f"/api/v1/orders/{number}/cancel/", content_type="application/json").json()["status"] == "cancelled"
    )


def test_numbers_are_case_insensitive_in_urls(web, catalogue, store):
    number = web.post("/api/v1/orders/", body(store)).json()["number"]
    assert web.get(f"/api/v1/orders/{number.lower()}/").json()["number"] == number


def test_api_root_lists_carts_and_orders(web):
    root = web.get("/api/v1/").json()
    assert root["orders"].endswith("/api/v1/orders/") and root["carts"].endswith("/api/v1/carts/")
