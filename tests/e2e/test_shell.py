from playwright.sync_api import expect


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
