"""A return as a shop takes it, in the real browser: the items and their condition, the
reason, the refund method; the refund respects the order's promotions; the order's new
status, the return's own number and its receipt; in English and in French."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from inventory.models import StockLevel, StockMovement
from orders.models import Order
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import sell_in_store
from tests.factories.promotions import PromotionFactory


@pytest.fixture
def bag_sale(store):
    bag = ProductFactory(sku="E2E-BAG", name="Sac cabas", price=Decimal("119.45"))
    stock(bag, store, 5)
    PromotionFactory(name="3 for 2", kind="buy_x_get_y", value=None, buy_quantity=2, get_quantity=1, skus=[bag.sku])
    return sell_in_store(location=store, lines={bag.sku: 3})


def test_a_return_keeps_the_promotion_honest_and_writes_off_the_damaged(logged_in_page, live_server, store, bag_sale):
    order = bag_sale
    on_hand = StockLevel.objects.get(product__sku="E2E-BAG", location=store).on_hand
    page = logged_in_page("store_manager", locations=[store])
    page.goto(f"{live_server.url}/orders/{order.number}/")
    page.get_by_label("Sac cabas (up to 3)").fill("2")
    page.get_by_label("Condition of Sac cabas").select_option("damaged")
    page.get_by_label("Reason").select_option("damaged")
    page.get_by_label("Store credit").check()
    page.get_by_label("The original payment").check()
    page.get_by_role("button", name="Take the return").click()

    entry = page.get_by_test_id("order-return")
    expect(entry).to_contain_text(f"{order.number}-R1")
    # Two of three bags back: the one kept is no longer free, so 119.45 of the 238.90 paid.
    expect(entry).to_contain_text("refund €119.45 to the original payment")
    expect(entry).to_contain_text("2 × E2E-BAG (damaged)")
    expect(page.get_by_text("Partly returned").first).to_be_visible()
    assert Order.objects.get(pk=order.pk).status == "partially_returned"
    assert StockLevel.objects.get(product__sku="E2E-BAG", location=store).on_hand == on_hand
    assert list(StockMovement.objects.filter(reference=f"{order.number}-R1").order_by("pk")
                .values_list("kind", flat=True)) == ["return", "write_off"]

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Receipt (A4)").click()
    receipt = opened.value
    receipt.wait_for_load_state()
    expect(receipt.get_by_role("heading", level=1)).to_contain_text(f"{order.number}-R1")
    expect(receipt.get_by_test_id("return-refund")).to_have_text("€119.45")
    expect(receipt.get_by_test_id("return-receipt")).to_contain_text("Refunded to the original payment")


def test_the_return_form_speaks_french(logged_in_page, live_server, store, bag_sale):
    order = bag_sale
    page = logged_in_page("store_manager", locations=[store])
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")  # the switch reloads: wait for it
    page.goto(f"{live_server.url}/orders/{order.number}/")
    page.get_by_label("Sac cabas (jusqu'à 3)").fill("3")
    page.get_by_label("Motif").select_option("changed_mind")
    page.get_by_role("button", name="Enregistrer le retour").click()
    expect(page.get_by_test_id("order-return")).to_contain_text("238,90")
    assert Order.objects.get(pk=order.pk).status == "returned"
