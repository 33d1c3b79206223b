"""The staff pages and the API docs under the real Content-Security-Policy, in Chromium:
nothing is refused (no inline script, style or handler left behind), no script fails, and
the htmx and Chart.js behaviour still works."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import Contact
from promotions.models import Redemption
from tests.factories.customers import CustomerFactory, SegmentFactory
from tests.factories.inventory import ProductFactory, stock
from tests.factories.orders import place_pickup
from tests.factories.promotions import CampaignFactory, PromotionFactory

CSP_WORDS = ("content security policy", "refused to")


@pytest.fixture
def csp_watch(logged_in_page):
    """``csp_watch(role, ...)`` -> (page, problems): every console message about the policy
    and every uncaught script error of the whole visit lands in ``problems``."""

    def start(role, **fields):
        problems = []

        def on_console(message):
            if any(word in message.text.lower() for word in CSP_WORDS):
                problems.append(f"console {message.type}: {message.text}")

        def on_page_error(error):
            problems.append(f"page error: {error}")

        page = logged_in_page(role, **fields)
        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        # Violations are also DOM events: count them even where nothing is logged.
        page.add_init_script(
            "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', function (e) {"
            "  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });"
        )
        return page, problems

    return start


def assert_clean(page, problems):
    violations = page.evaluate("window.__cspViolations || []")
    assert not problems and not violations, "\n".join(problems + violations)


def test_the_policy_is_sent_and_the_pages_run_under_it(csp_watch, live_server, store):
    stock(ProductFactory(sku="CSP-CAP", name="Casquette CSP", price=Decimal("19.90")), store, 5)
    CustomerFactory(first_name="Jérémy", last_name="Cspier")
    place_pickup(location=store, lines={"CSP-CAP": 1})
    PromotionFactory(name="Soldes CSP")
    page, problems = csp_watch("admin", locations=[store])

    response = page.goto(f"{live_server.url}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_clean(page, problems)

    for path, heading in [
        ("/orders/", "Orders"),
        ("/orders/pickups/", "Click & collect"),
        ("/inventory/low-stock/", "Low stock"),
        ("/promotions/statistics/", "Redemptions per channel"),
        ("/customers/segments/", "Segments"),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_clean(page, problems)


def test_htmx_searches_swap_results_under_the_policy(csp_watch, live_server, store):
    stock(ProductFactory(sku="CSP-TEE", name="Tee-shirt CSP", price=Decimal("25.00")), store, 3)
    CustomerFactory(first_name="Jérémy", last_name="Cspier")
    PromotionFactory(name="Soldes CSP")
    PromotionFactory(name="Autre offre")
    page, problems = csp_watch("admin", locations=[store])

    # Stock look-up: typing swaps the results in (static lookup.js, no inline script).
    page.goto(f"{live_server.url}/inventory/")
    page.get_by_label("Scan a barcode or type a SKU, a name, a category").fill("CSP-TEE")
    expect(page.locator("#lookup-results")).to_contain_text("Tee-shirt CSP")

    # Customer search: the htmx indicator's styles come from omni.css, not from htmx.
    page.goto(f"{live_server.url}/customers/")
    assert page.locator("head style").count() == 0
    page.get_by_label("Name, e-mail, phone or loyalty card").fill("Cspier")
    expect(page.locator("#customer-results")).to_contain_text("Cspier")

    # Promotions: a filter swaps the table.
    page.goto(f"{live_server.url}/promotions/")
    page.get_by_label("Name or shared code").fill("Soldes")
    expect(page.locator("#promotion-results")).to_contain_text("Soldes CSP")
    expect(page.locator("#promotion-results")).not_to_contain_text("Autre offre")
    assert_clean(page, problems)


def test_behaviour_moved_out_of_inline_handlers_still_works(csp_watch, live_server, store, other_store):
    customer = CustomerFactory(first_name="Jérémy", last_name="Cspier")
    campaign = CampaignFactory(segment=SegmentFactory())
    page, problems = csp_watch("admin", locations=[store, other_store])

    # The form of a noted contact empties after a successful htmx post (was hx-on).
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_label("Note", exact=True).fill("Asked about the CSP cap")
    page.get_by_label("Note", exact=True).press("Enter")
    expect(page.locator("#customer-timeline")).to_contain_text("Asked about the CSP cap")
    expect(page.get_by_label("Note", exact=True)).to_have_value("")
    assert Contact.objects.filter(customer=customer).count() == 1

    # Choosing another store submits the board's form (was onchange=).
    page.goto(f"{live_server.url}/orders/pickups/")
    page.locator("#board-location").select_option(other_store.code)
    page.wait_for_url(lambda url: f"location={other_store.code}" in url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(other_store.name)

    # A progress bar gets its width from aria-valuenow (was style="width: …").
    page.goto(f"{live_server.url}/promotions/campaigns/{campaign.pk}/")
    bar = page.locator("#campaign-progress .progress-bar")
    expect(bar).to_have_count(1)
    assert bar.evaluate("b => b.style.width === b.parentElement.getAttribute('aria-valuenow') + '%'")
    assert_clean(page, problems)


def test_journeys_chart_draws_under_the_policy(csp_watch, live_server):
    page, problems = csp_watch("marketing")
    page.goto(f"{live_server.url}/journeys/")
    expect(page.get_by_role("heading", name="Customer journeys")).to_be_visible()
    # A function, not an expression string: Playwright would eval() a string in the page,
    # which the policy refuses.
    page.wait_for_function("() => typeof window.Chart === 'function' && Object.keys(Chart.instances).length >= 1")
    # Changing a filter swaps the figures (new canvases, new json_script data islands) and
    # the charts are drawn again on the new canvases.
    page.evaluate("document.querySelectorAll('canvas[data-chart]').forEach(c => c.dataset.before = 'swap')")
    page.get_by_label("From").fill("2020-01-01")
    page.wait_for_url(lambda url: "since=2020-01-01" in url)
    page.wait_for_function(
        "() => { const canvases = [...document.querySelectorAll('canvas[data-chart]')];"
        " return canvases.length === 3 && canvases.every(c => !c.dataset.before && Chart.getChart(c)); }"
    )
    assert_clean(page, problems)


def test_redemptions_chart_draws_under_the_policy(csp_watch, live_server):
    promotion = PromotionFactory(name="Soldes CSP")
    for number, channel in enumerate(("web", "store", "store")):
        Redemption.objects.create(promotion=promotion, order_reference=f"CSP-{number}", channel=channel,
                                  amount=Decimal("2.00"))
    page, problems = csp_watch("marketing")
    page.goto(f"{live_server.url}/promotions/statistics/")
    # Drawn by static promotions/stats.js from the table's rows (was an inline script).
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('channel-chart'))")
    assert page.evaluate("Chart.getChart(document.getElementById('channel-chart')).data.labels.length") == 2
    assert_clean(page, problems)


def test_swagger_ui_runs_with_its_nonce(csp_watch, live_server):
    page, problems = csp_watch("admin")
    response = page.goto(f"{live_server.url}/api/docs/")
    policy = response.headers["content-security-policy"]
    assert "'nonce-" in policy and "unsafe-inline" not in policy
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Omni API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert_clean(page, problems)


def test_django_admin_runs_under_the_policy(csp_watch, live_server, store):
    page, problems = csp_watch("admin", locations=[store], is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/omni/location/")
    expect(page.locator("#result_list")).to_contain_text(store.name)
    page.goto(f"{live_server.url}/admin/omni/location/{store.pk}/change/")
    expect(page.locator("#location_form")).to_be_visible()
    assert_clean(page, problems)
