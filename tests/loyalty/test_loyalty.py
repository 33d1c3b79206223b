"""Loyalty (api-contract.md): one balance derived from entries, earned on money actually
paid, pending until the order is handed over, spent in steps at every channel as
``loyalty_discount``, given back on cancel, taken back on return, expired oldest first."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.timeline import customer_timeline
from journeys.models import Touchpoint
from loyalty import services
from loyalty.models import PointsEntry
from loyalty.selectors import balance_of, ledger_mismatches
from omni.actor import Actor
from orders import services as order_services
from tests.factories.orders import place_pickup, pos_actor, sell_in_store

pytestmark = pytest.mark.django_db


def _give(customer, points, note="test"):
    return services.points_adjust(customer=customer, points=points, note=note, actor=Actor.system(),
                                  check_permission=False)


def _loyalty(client, customer):
    response = client.get(f"/api/v1/customers/{customer.pk}/loyalty/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_points_are_pending_until_the_pickup_is_collected(program, catalogue, store, customer, pos, web):
    order = place_pickup(location=store, lines={"JKT-1": 1}, customer=customer)  # 89.00 paid
    body = _loyalty(web, customer)
    assert (body["balance"], body["pending"]) == (0, 89)
    assert body["entries"][0] | {"at": None, "expires_at": None} == {
        "at": None, "kind": "earn", "points": 89, "pending": True, "order": order.number, "channel": "web",
        "location": None, "note": None, "expires_at": None}
    order_services.order_mark_ready(order=order, actor=pos_actor(store))
    order_services.order_collect(order=order, pickup_code=order_services.pickup_code_for(order),
                                 actor=pos_actor(store))
    body = _loyalty(web, customer)
    assert (body["balance"], body["pending"], body["value"], body["currency"]) == (89, 0, "0.89", "EUR")
    assert body["next_expiry"]["points"] == 89


def test_an_in_store_sale_earns_at_once_on_what_was_paid(program, catalogue, store, customer):
    program.earn_rate = {**program.earn_rate, "store": "2"}
    program.save()
    sell_in_store(location=store, lines={"CAP-1": 1}, customer=customer)  # 19.90 at 2 per euro: 39
    assert balance_of(customer.pk).balance == 39


def test_a_quote_a_cart_and_the_order_show_the_same_loyalty_discount(program, catalogue, store, customer, web):
    _give(customer, 1000)
    lines = [{"sku": "JKT-1", "quantity": 1}]
    quote = web.post("/api/v1/pricing/quote/", {"customer": str(customer.pk), "lines": lines,
                                                "loyalty_points": 500}).json()
    assert (quote["loyalty_points"], quote["loyalty_discount"], quote["total"]) == (500, "5.00", "84.00")
    cart = web.post("/api/v1/carts/", {"customer": str(customer.pk)}).json()
    web.post(f"/api/v1/carts/{cart['id']}/lines/", {"sku": "JKT-1", "quantity": 1})
    patched = web.patch(f"/api/v1/carts/{cart['id']}/", {"loyalty_points": 500})
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["loyalty_discount"], patched.json()["total"]) == ("5.00", "84.00")
    order = web.post(f"/api/v1/carts/{cart['id']}/checkout/",
                     {"fulfilment": "click_and_collect", "pickup_location": store.code})
    assert order.status_code == 201, order.json()
    assert (order.json()["loyalty_points"], order.json()["loyalty_discount"], order.json()["total"]) == (
        500, "5.00", "84.00")
    body = _loyalty(web, customer)
    assert (body["balance"], body["pending"]) == (500, 84)  # earned on the 84.00 actually paid


@pytest.mark.parametrize(("points", "code", "extra"), [
    (5000, "insufficient_points", {"available": 1000}),
    (150, "invalid_points_step", {}),
    (0, None, {}),
])
def test_spending_refusals_change_nothing(program, catalogue, store, customer, web, level, points, code, extra):
    _give(customer, 1000)
    before = level("JKT-1", store)
    body = {"lines": [{"sku": "JKT-1", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code, "customer": str(customer.pk), "loyalty_points": points}
    response = web.post("/api/v1/orders/", body)
    if code is None:
        assert response.status_code == 201 and response.json()["loyalty_discount"] == "0.00"
        return
    assert response.status_code == 409 and response.json()["code"] == code
    assert extra.items() <= response.json().items()
    assert level("JKT-1", store) == before
    assert balance_of(customer.pk).balance == 1000 and PointsEntry.objects.count() == 1


def test_points_need_a_customer_and_a_running_programme(program, catalogue, store, web):
    body = {"lines": [{"sku": "CAP-1", "quantity": 1}], "loyalty_points": 100}
    assert web.post("/api/v1/pricing/quote/", body).json()["code"] == "loyalty_requires_customer"
    program.active = False
    program.save()
    from tests.factories.customers import CustomerFactory

    other = CustomerFactory()
    response = web.post("/api/v1/pricing/quote/", {**body, "customer": str(other.pk)})
    assert response.status_code == 409 and response.json()["code"] == "loyalty_not_running"


def test_cancel_drops_the_pending_points_and_gives_back_the_spent_ones(program, catalogue, store, customer, pos):
    _give(customer, 300)
    order = order_services.order_place(
        lines=[{"sku": "JKT-1", "quantity": 1}], fulfilment="click_and_collect", pickup_location=store,
        customer=customer, loyalty_points=200, actor=pos_actor(store))
    assert (balance_of(customer.pk).balance, balance_of(customer.pk).pending) == (100, 87)
    order_services.order_cancel(order=order, actor=pos_actor(store))
    balance = balance_of(customer.pk)
    assert (balance.balance, balance.pending) == (300, 0)
    assert ledger_mismatches() == []


def test_spending_takes_the_earliest_expiring_points_first_and_expiry_is_exact(program, customer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = _give(customer, 300, "first")
    with time_machine.travel(start + timedelta(days=100), tick=False):
        second = _give(customer, 300, "second")
        services.points_redeem(customer=customer, points=400, order="OM-TEST01", channel="web",
                               actor=Actor.system())
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.remaining, second.remaining) == (0, 200)
    assert services.points_expire(now=start + timedelta(days=366)) == 0  # the first is spent already
    assert services.points_expire(now=start + timedelta(days=466)) == 200
    assert services.points_expire(now=start + timedelta(days=466)) == 0
    assert balance_of(customer.pk).balance == 0
    assert [e.kind for e in PointsEntry.objects.order_by("at", "pk")] == ["adjust", "adjust", "redeem", "expire"]
    assert ledger_mismatches() == []


def test_a_return_takes_back_the_points_of_the_refund(program, catalogue, store, customer, pos):
    order = sell_in_store(location=store, lines={"CAP-1": 2}, customer=customer)  # 39.80: 39 points
    answer = pos.post(f"/api/v1/orders/{order.number}/returns/",
                      {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}).json()
    assert answer["loyalty_points_reversed"] == 19  # floor(39 x 19.90 / 39.80)
    rest = pos.post(f"/api/v1/orders/{order.number}/returns/",
                    {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}).json()
    assert rest["loyalty_points_reversed"] == 20  # everything back: all 39
    assert balance_of(customer.pk).balance == 0 and ledger_mismatches() == []


def test_points_spent_stay_with_what_is_kept_and_come_back_with_everything(program, catalogue, store, customer, pos):
    _give(customer, 500)
    order = order_services.order_place(lines=[{"sku": "CAP-1", "quantity": 2}], fulfilment="in_store",
                                       customer=customer, loyalty_points=500, actor=pos_actor(store))
    assert order.total == Decimal("34.80")
    url = f"/api/v1/orders/{order.number}/returns/"
    first = pos.post(url, {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}).json()
    assert first["refund_amount"] == "19.90"  # the cap kept carries the 5.00 of points
    second = pos.post(url, {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}).json()
    assert second["refund_amount"] == "14.90"  # everything back: all that was paid...
    assert balance_of(customer.pk).balance == 500  # ... and the points spent
    assert ledger_mismatches() == []


def test_adjustments_are_for_admins_and_the_erp_with_a_note(program, customer, api_as, staff_client, web):
    url = f"/api/v1/customers/{customer.pk}/loyalty/adjustments/"
    assert web.post(url, {"points": 100, "note": "gift"}).status_code == 403
    erp = api_as("integration")
    done = erp.post(url, {"points": 250, "note": "Complaint about a late parcel"})
    assert done.status_code == 201 and done.json()["balance"] == 250
    assert done.json()["entries"][0]["note"] == "Complaint about a late parcel"
    too_many = erp.post(url, {"points": -300, "note": "mistake"})
    assert too_many.status_code == 409 and too_many.json() | {"detail": None} == {
        "code": "insufficient_points", "detail": None, "available": 250}
    assert erp.post(url, {"points": 10, "note": ""}).status_code == 400
    admin = staff_client("admin")
    assert admin.post(url, {"points": -50, "note": "correction"}, content_type="application/json").status_code == 201
    assert balance_of(customer.pk).balance == 200


def test_the_programme_is_read_by_all_and_changed_by_admins_and_the_erp(program, web, api_as):
    assert web.get("/api/v1/loyalty/program/").json() == {
        "active": True, "earn_rate": {"web": "1", "app": "1", "store": "1", "call_centre": "1"},
        "point_value": "0.01", "redeem_step": 100, "min_redeem": 100, "expire_after_days": 365}
    assert web.patch("/api/v1/loyalty/program/", {"active": False}).status_code == 403
    erp = api_as("integration")
    changed = erp.patch("/api/v1/loyalty/program/", {"earn_rate": {"web": "1.5", "store": "1"}, "redeem_step": 50})
    assert changed.status_code == 200 and changed.json()["earn_rate"] == {"web": "1.5", "store": "1"}
    assert erp.patch("/api/v1/loyalty/program/", {"earn_rate": {"fax": "1"}}).status_code == 400
    assert erp.patch("/api/v1/loyalty/program/", {"redeem_step": 0}).status_code == 400


def test_a_retried_order_spends_and_earns_once(program, catalogue, store, customer, web):
    _give(customer, 1000)
    body = {"lines": [{"sku": "JKT-1", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code, "customer": str(customer.pk), "loyalty_points": 300}
    headers = {"Idempotency-Key": "points-order-1"}
    assert web.post("/api/v1/orders/", body, headers=headers).status_code == 201
    assert web.post("/api/v1/orders/", body, headers=headers).headers["Idempotent-Replayed"] == "true"
    assert PointsEntry.objects.filter(kind="redeem").count() == 1
    assert PointsEntry.objects.filter(kind="earn").count() == 1


def test_earning_and_spending_are_on_the_timeline_and_a_spend_is_a_touchpoint(program, catalogue, store, customer):
    _give(customer, 200)
    order = order_services.order_place(lines=[{"sku": "CAP-1", "quantity": 1}], fulfilment="in_store",
                                       customer=customer, loyalty_points=100, actor=pos_actor(store))
    kinds = [entry["summary"] for entry in customer_timeline(customer) if entry["kind"] == "loyalty"]
    assert any("spent on order" in text for text in kinds) and any("earned on order" in text for text in kinds)
    spent = Touchpoint.objects.get(type="points_redeemed")
    assert spent.channel == "store" and spent.properties["order"] == order.number


def test_an_order_costs_the_same_queries_whatever_the_ledger_holds(program, catalogue, store, customer):
    from tests.factories.customers import CustomerFactory

    rich = CustomerFactory()
    for _ in range(60):
        _give(rich, 100)
    _give(customer, 100)

    def queries(who) -> int:
        with CaptureQueriesContext(connection) as captured:
            order_services.order_place(lines=[{"sku": "CAP-1", "quantity": 1}], fulfilment="in_store",
                                       customer=who, loyalty_points=100, actor=pos_actor(store))
        return len(captured)

    queries(customer)  # warm up
    _give(customer, 100)
    assert queries(rich) == queries(customer)


def test_the_audit_finds_remainders_that_drifted(program, customer, capsys):
    _give(customer, 300)
    call_command("loyalty_audit")
    PointsEntry.objects.update(remaining=250)
    with pytest.raises(SystemExit):
        call_command("loyalty_audit")
    assert "MISMATCH" in capsys.readouterr().err


def test_a_merged_duplicates_points_and_cards_follow_it(program, customer):
    from customers.services import customer_merge
    from giftcards import services as giftcards_services
    from giftcards.models import GiftCard
    from tests.factories.customers import CustomerFactory

    duplicate = CustomerFactory(first_name=customer.first_name, last_name=customer.last_name)
    _give(customer, 100)
    _give(duplicate, 200)
    giftcards_services.card_issue(amount=Decimal("10"), customer=duplicate, actor=Actor.system(),
                                  check_permission=False)
    from tests.factories.omni import StaffFactory

    customer_merge(source=duplicate, target=customer, actor=Actor.for_user(StaffFactory(role="admin")))
    assert balance_of(customer.pk).balance == 300
    assert GiftCard.objects.get().customer == customer
