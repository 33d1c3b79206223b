from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories.inventory import ProductFactory, stock


def test_staff_logs_in_and_sees_the_dashboard(logged_in_page, live_server, store):
    page = logged_in_page("store_manager", locations=[store], first_name="Paul")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Paul")
    expect(page.get_by_role("navigation").get_by_role("link", name="Dashboard")).to_be_visible()
    # Administration is for admins only.
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)


def test_language_switch_and_dark_mode(logged_in_page, live_server):
    page = logged_in_page("marketing", first_name="Chloé")
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour, Chloé")
    page.get_by_label("Mode sombre").click()
    assert page.evaluate("document.documentElement.getAttribute('data-bs-theme')") == "dark"
    page.reload()
    assert page.evaluate("document.documentElement.getAttribute('data-bs-theme')") == "dark"


def test_wrong_password_is_refused_in_place(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url.endswith("/login/")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_header_fits_from_1280_px_and_collapses_on_a_tablet(logged_in_page, live_server, store, language):
    """The administrator sees every menu entry: from 1280 px nothing overflows and "Log out"
    is on screen; on a tablet the menu folds behind its button."""
    page = logged_in_page("admin", locations=[store])
    if language == "fr":
        page.get_by_label("Language").select_option("fr")
        # The choice posts and reloads the page: wait for it, or the next goto cuts it short.
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    log_out = page.get_by_role("button", name="Se déconnecter" if language == "fr" else "Log out")
    for width in (1280, 1440, 1920, 2200):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = log_out.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 820
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(log_out).to_be_hidden()
    menu.click()
    expect(log_out).to_be_visible()


def test_dark_mode_covers_highlighted_rows(logged_in_page, live_server, store):
    stock(ProductFactory(sku="E2E-DARK", name="Casquette nuit", price=Decimal("19.90")), store, 4)
    page = logged_in_page("store_staff", locations=[store])
    page.goto(f"{live_server.url}/inventory/?q=E2E-DARK")
    own_row = page.locator("tr.table-primary").first
    expect(own_row).to_contain_text(store.name)

    def lightness() -> int:  # of the highlighted row's cell background, 0 (black) to 765 (white)
        colour = own_row.locator("td").first.evaluate("cell => getComputedStyle(cell).backgroundColor")
        return sum(int(part) for part in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3])

    assert lightness() > 600  # light theme: a light highlight
    page.get_by_role("button", name="Dark mode").click()
    assert lightness() < 300  # dark theme: a dark one, not a light stripe
