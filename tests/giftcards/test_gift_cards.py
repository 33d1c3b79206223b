"""Gift cards and store credit as money (api-contract.md): issued with a code shown once,
checked, spent in part or whole on an order with one card or several, credited back on
cancel, issued or topped up by a return; refusals as 409s that change nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from giftcards import codes
from giftcards.models import GiftCard, GiftCardEntry
from giftcards.selectors import ledger_mismatches
from omni import counters
from omni.observability import mask_text
from orders.models import Order
from tests.factories.orders import pos_actor, sell_in_store

pytestmark = pytest.mark.django_db
CODE = re.compile(rf"^[{codes.ALPHABET}]{{16}}$")


def _issue(pos, amount="50.00", **body):
    response = pos.post("/api/v1/gift-cards/", {"amount": amount, **body})
    assert response.status_code == 201, response.json()
    return response.json()


def _pickup(store, cards, **extra):
    return {"lines": [{"sku": "JKT-1", "quantity": 1}], "fulfilment": "click_and_collect",
            "pickup_location": store.code, "gift_cards": cards, **extra}


def test_a_card_is_issued_with_a_code_shown_once_and_kept_hashed(pos, customer):
    body = _issue(pos, "50", customer=str(customer.pk))
    assert CODE.match(body["code"]) and body["balance"] == "50.00" and body["currency"] == "EUR"
    assert body["customer"] == str(customer.pk)
    card = GiftCard.objects.get()
    assert card.code_hash == codes.code_hash(body["code"]) and card.code_last4 == body["code"][-4:]
    stored = " ".join(str(value) for value in GiftCard.objects.values().get().values())
    assert body["code"] not in stored  # nowhere in the row
    assert [entry.kind for entry in GiftCardEntry.objects.all()] == ["issue"]


def test_the_balance_is_checked_by_any_selling_channel(pos, web, api_as, staff_client):
    code = _issue(pos, "20")["code"]
    typed = codes.printed(code).lower()  # as a person types it: dashes, lower case
    answer = web.get(f"/api/v1/gift-cards/{typed}/")
    assert answer.status_code == 200
    assert answer.json() == {"code_last4": code[-4:], "kind": "gift_card", "balance": "20.00", "currency": "EUR",
                             "expires_at": answer.json()["expires_at"], "status": "active"}
    unknown = web.get("/api/v1/gift-cards/AAAABBBBCCCCDDDD/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "gift_card_unknown"
    assert api_as("web").post("/api/v1/gift-cards/", {"amount": "10"}).status_code == 403
    marketing = staff_client("marketing")
    assert marketing.get(f"/api/v1/gift-cards/{code}/").status_code == 403


@pytest.mark.parametrize("amount", ["0", "-5", "1500.01", "abc"])
def test_an_amount_out_of_bounds_is_400(pos, amount):
    response = pos.post("/api/v1/gift-cards/", {"amount": amount})
    assert response.status_code == 400 and "amount" in response.json()
    assert not GiftCard.objects.exists()


def test_an_order_paid_in_part_by_a_card_and_the_rest_by_another(web, pos, catalogue, store):
    first, second = _issue(pos, "30")["code"], _issue(pos, "100")["code"]
    response = web.post("/api/v1/orders/", _pickup(store, [{"code": first}, {"code": second, "amount": "40"}]))
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["total"] == "89.00"
    assert order["gift_cards"] == [{"code_last4": first[-4:], "amount": "30.00"},
                                   {"code_last4": second[-4:], "amount": "40.00"}]
    assert order["amount_due"] == "19.00"
    assert web.get(f"/api/v1/gift-cards/{first}/").json() | {"expires_at": None} == {
        "code_last4": first[-4:], "kind": "gift_card", "balance": "0.00", "currency": "EUR", "expires_at": None,
        "status": "used"}
    assert web.get(f"/api/v1/gift-cards/{second}/").json()["balance"] == "60.00"

    cancelled = pos.post(f"/api/v1/orders/{order['number']}/cancel/")
    assert cancelled.status_code == 200
    assert web.get(f"/api/v1/gift-cards/{first}/").json()["balance"] == "30.00"
    assert web.get(f"/api/v1/gift-cards/{second}/").json()["balance"] == "100.00"
    assert ledger_mismatches() == []


def test_a_card_pays_what_is_left_by_default(web, pos, catalogue, store):
    code = _issue(pos, "200")["code"]
    order = web.post("/api/v1/orders/", _pickup(store, [{"code": code}])).json()
    assert order["gift_cards"][0]["amount"] == "89.00" and order["amount_due"] == "0.00"
    assert web.get(f"/api/v1/gift-cards/{code}/").json()["balance"] == "111.00"


def test_refusals_are_409s_that_change_nothing(web, pos, catalogue, store, level):
    small = _issue(pos, "10")["code"]
    expired = _issue(pos, "50")["code"]
    GiftCard.objects.filter(code_hash=codes.code_hash(expired)).update(expires_at=timezone.now() - timedelta(days=1))
    before = level("JKT-1", store)
    cases = [
        ([{"code": small, "amount": "20"}], "gift_card_insufficient", {"balance": "10.00"}),
        ([{"code": expired}], "gift_card_expired", {}),
        ([{"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}], "gift_card_unknown", {}),
        ([{"code": "not a code"}], "gift_card_unknown", {}),
    ]
    for cards, code, extra in cases:
        response = web.post("/api/v1/orders/", _pickup(store, cards))
        assert response.status_code == 409, response.json()
        assert response.json()["code"] == code
        assert extra.items() <= response.json().items()
    assert level("JKT-1", store) == before and not Order.objects.exists()
    assert GiftCard.objects.get(code_hash=codes.code_hash(small)).balance == Decimal("10.00")
    twice = web.post("/api/v1/orders/", _pickup(store, [{"code": small}, {"code": small}]))
    assert twice.status_code == 400 and "gift_cards" in twice.json()
    too_much = web.post("/api/v1/orders/", _pickup(store, [{"code": _issue(pos, "500")["code"], "amount": "100"}]))
    assert too_much.status_code == 400 and "gift_cards" in too_much.json()
    assert not Order.objects.exists()


def test_a_retried_order_debits_the_card_once(web, pos, catalogue, store):
    code = _issue(pos, "100")["code"]
    headers = {"Idempotency-Key": "order-with-card-1"}
    first = web.post("/api/v1/orders/", _pickup(store, [{"code": code}]), headers=headers)
    again = web.post("/api/v1/orders/", _pickup(store, [{"code": code}]), headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert web.get(f"/api/v1/gift-cards/{code}/").json()["balance"] == "11.00"
    assert GiftCardEntry.objects.filter(kind="debit").count() == 1


def test_a_return_as_store_credit_issues_then_tops_up_the_customers_card(catalogue, store, pos, customer):
    order = sell_in_store(location=store, lines={"CAP-1": 2}, customer=customer)
    url = f"/api/v1/orders/{order.number}/returns/"
    line = [{"sku": "CAP-1", "quantity": 1}]
    first = pos.post(url, {"location": store.code, "lines": line, "refund_method": "store_credit"}).json()
    assert first["refund_method"] == "store_credit" and CODE.match(first["store_credit"]["code"])
    assert first["store_credit"]["balance"] == "19.90"
    second = pos.post(url, {"location": store.code, "lines": line, "refund_method": "store_credit"}).json()
    assert second["store_credit"] == {"code": None, "code_last4": first["store_credit"]["code_last4"],
                                      "balance": "39.80"}
    card = GiftCard.objects.get()
    assert card.kind == "store_credit" and card.customer == customer
    assert [entry.kind for entry in card.entries.all()] == ["issue", "top_up"]
    listed = pos.get(url).json()
    assert [r["store_credit"]["code"] for r in listed] == [None, None]  # shown once, never again


def test_an_original_refund_issues_no_credit(catalogue, store, pos):
    order = sell_in_store(location=store, lines={"CAP-1": 1})
    body = pos.post(f"/api/v1/orders/{order.number}/returns/",
                    {"location": store.code, "lines": [{"sku": "CAP-1", "quantity": 1}]}).json()
    assert body["store_credit"] is None and not GiftCard.objects.exists()


def test_too_many_unknown_codes_lock_the_client_out_even_for_a_right_one(web, pos, settings):
    settings.OMNI_GIFT_CARD_GUESSES = "3/h"
    counters.clear()
    code = _issue(pos, "10")["code"]
    for guess in ("AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCC"):
        assert web.get(f"/api/v1/gift-cards/{guess}/").status_code == 404
    locked = web.get(f"/api/v1/gift-cards/{code}/")
    assert locked.status_code == 429 and locked.json()["code"] == "gift_card_guesses"
    assert int(locked.headers["Retry-After"]) > 0
    assert pos.get(f"/api/v1/gift-cards/{code}/").status_code == 200  # another client is not locked out


def test_a_card_code_never_reaches_a_log_line():
    line = mask_text("request_finished request='GET /api/v1/gift-cards/ABCD-EFGH-JKMN-PQRS/' code=200")
    assert "ABCD" not in line and "/api/v1/gift-cards/[card]/" in line


def test_the_audit_finds_a_balance_that_drifted(pos, capsys):
    _issue(pos, "40")
    call_command("giftcards_audit")
    GiftCard.objects.update(balance=Decimal("45.00"))
    with pytest.raises(SystemExit):
        call_command("giftcards_audit")
    assert "MISMATCH" in capsys.readouterr().err


def test_staff_cancel_of_a_card_paid_pickup_credits_back(catalogue, store, pos):
    from giftcards.services import CardPayment
    from orders import services

    code = _issue(pos, "100")["code"]
    order = services.order_place(lines=[{"sku": "TEE-1", "quantity": 2}], fulfilment="click_and_collect",
                                 pickup_location=store, gift_cards=[CardPayment(code)], actor=pos_actor(store))
    services.orders_expire(now=timezone.now() + timedelta(days=30))
    order.refresh_from_db()
    assert order.status == "expired"
    assert GiftCard.objects.get().balance == Decimal("100.00")


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "-Infinity", "1e400", "abc"])
def test_amounts_that_are_not_amounts_are_refused_in_the_pages(staff_client, store, catalogue, typed):
    page = staff_client("store_staff", locations=[store]).post("/gift-cards/issue/", {"amount": typed})
    assert page.status_code == 400 and "Enter an amount" in page.content.decode()
    assert not GiftCard.objects.exists()
    admin = staff_client("admin")
    programme = admin.post("/loyalty/", {"redeem_step": "100", "min_redeem": "100", "expire_after_days": "365",
                                         "point_value": typed, "rate-web": typed})
    assert programme.status_code == 400
    from loyalty.models import LoyaltyProgram

    assert LoyaltyProgram.current().point_value == Decimal("0.01")
