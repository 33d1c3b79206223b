"""Lists as staff expect them: a header sorts the list in place, a second click turns the
order round, the filters stay, and the sorted list is a URL (Back, reload, a link); ticked
rows take an action together and the list comes back as it was."""

from decimal import Decimal

from playwright.sync_api import expect

from promotions.models import Promotion
from tests.e2e.conftest import E2E_PASSWORD
from tests.factories.inventory import ProductFactory, stock
from tests.factories.omni import StaffFactory
from tests.factories.orders import place_pickup
from tests.factories.promotions import PromotionFactory


def _totals(page) -> list[str]:
    return page.locator("#order-table tbody tr td:last-child").all_inner_texts()


def test_orders_sort_by_total_both_ways_keeping_the_filter(logged_in_page, live_server, store):
    for sku, price in (("E2E-SORT-A", "5.00"), ("E2E-SORT-B", "50.00"), ("E2E-SORT-C", "20.00")):
        stock(ProductFactory(sku=sku, price=Decimal(price)), store, 5)
        place_pickup(location=store, lines={sku: 1})
    page = logged_in_page("store_manager", locations=[store])
    page.goto(f"{live_server.url}/orders/?status=placed")

    page.locator("#order-table").get_by_role("link", name="Total").click()
    page.wait_for_url("**sort=total*")
    assert "status=placed" in page.url
    expect(page.locator("#order-table th[aria-sort=ascending]")).to_contain_text("Total")
    assert _totals(page) == ["€5.00", "€20.00", "€50.00"]

    page.locator("#order-table").get_by_role("link", name="Total").click()
    page.wait_for_url("**sort=-total*")
    expect(page.locator("#order-table th[aria-sort=descending]")).to_contain_text("Total")
    assert _totals(page) == ["€50.00", "€20.00", "€5.00"]

    page.go_back()
    page.wait_for_url("**sort=total*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Orders")
    page.reload()
    assert _totals(page) == ["€5.00", "€20.00", "€50.00"]


def test_bulk_actions_on_promotions_and_pickups(logged_in_page, live_server, store, browser):
    first, second = PromotionFactory(name="Bulk one"), PromotionFactory(name="Bulk two")
    page = logged_in_page("marketing")
    page.goto(f"{live_server.url}/promotions/?sort=name")
    page.get_by_label("Select Bulk one").check()
    page.get_by_label("Select Bulk two").check()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("alert").filter(has_text="2 promotions deactivated.")).to_be_visible()
    assert "sort=name" in page.url  # back to the same list
    assert not Promotion.objects.filter(pk__in=[first.pk, second.pk], is_active=True).exists()

    stock(ProductFactory(sku="E2E-BULK", price=Decimal("9.90")), store, 5)
    orders = [place_pickup(location=store, lines={"E2E-BULK": 1}) for _ in range(2)]
    staff = browser.new_page()
    staff.goto(f"{live_server.url}/login/")
    user = StaffFactory(role="store_staff", locations=[store], password=E2E_PASSWORD)
    staff.get_by_label("Username").fill(user.username)
    staff.get_by_label("Password").fill(E2E_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.goto(f"{live_server.url}/orders/?status=placed")
    for order in orders:
        staff.get_by_label(f"Select {order.number}").check()
    staff.get_by_role("button", name="Mark ready").click()
    expect(staff.get_by_role("alert").filter(has_text="2 orders marked ready.")).to_be_visible()
    assert "status=placed" in staff.url
