"""The loyalty story in the real browser: Jérémy earned points on the web; at a till in
another city his web cart is paid partly with points and partly with a gift card; he
returns one item; the points, the refund and the card are right on the 360° page."""

from decimal import Decimal

from playwright.sync_api import expect

from giftcards import services as giftcards_services
from loyalty.models import LoyaltyProgram
from loyalty.selectors import balance_of
from omni.actor import Actor
from orders import services
from orders.models import Order
from tests.factories.customers import CustomerFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import pos_actor, web_actor


def test_points_earned_on_the_web_spent_at_a_till_with_a_gift_card_then_a_return(
    logged_in_page, live_server, store, other_store
):
    LoyaltyProgram.objects.update_or_create(pk=1, defaults={"active": True})
    jeremy = CustomerFactory(first_name="Jérémy", last_name="Roy", email="jeremy.points@example.com")
    for location in (store, other_store):
        stock(ProductFactory(sku=f"E2E-PT-{location.code}", name=f"Pull {location.code}", price=Decimal("60.00")),
              location, 5)
    web = web_actor()
    earned = services.order_place(lines=[{"sku": f"E2E-PT-{store.code}", "quantity": 5}], fulfilment="in_store",
                                  customer=jeremy, actor=pos_actor(store))  # 300.00: 300 points
    assert earned.status == "completed" and balance_of(jeremy.pk).balance == 300
    card = giftcards_services.card_issue(amount=Decimal("20.00"), actor=Actor.system(), check_permission=False)
    cart = services.cart_create(actor=web, customer=jeremy)
    services.cart_line_add(cart=cart, sku=f"E2E-PT-{other_store.code}", quantity=2, actor=web)

    page = logged_in_page("store_staff", locations=[other_store])
    page.goto(f"{live_server.url}/orders/carts/{cart.pk}/")
    expect(page.get_by_test_id("customer-points-balance")).to_have_text("300 loyalty points")
    page.get_by_label("Points to spend").fill("200")
    page.get_by_label("Card code").fill(card.code)
    page.get_by_role("button", name="Sell in store at these prices").click()
    expect(page.get_by_test_id("order-loyalty-discount")).to_have_text("−€2.00")
    expect(page.get_by_test_id("order-payment")).to_contain_text(f"€20.00 by card …{card.code[-4:]}")
    order = Order.objects.get(cart=cart)
    assert order.total == Decimal("118.00")
    # 118.00 paid, 20.00 of it by card: 98 points earned at once, 200 spent.
    assert balance_of(jeremy.pk).balance == 300 - 200 + 98

    page.get_by_label(f"Pull {other_store.code} (up to 2)").fill("1")
    page.get_by_label("Reason").select_option("wrong_size")
    page.get_by_role("button", name="Take the return").click()
    # The pullover kept carries the 2.00 of points: 118.00 - 58.00 = 60.00 back.
    expect(page.get_by_test_id("order-return")).to_contain_text("refund €60.00")
    assert order.returns.get().loyalty_points_reversed == 49  # floor(98 x 60 / 118)

    page.goto(f"{live_server.url}/loyalty/customers/{jeremy.pk}/")
    expect(page.get_by_test_id("points-balance")).to_have_text(f"{300 - 200 + 98 - 49} points")
    expect(page.get_by_test_id("customer-points")).to_contain_text("Taken back")
