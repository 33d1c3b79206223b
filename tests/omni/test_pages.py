import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_login_page_is_public_and_dashboard_is_not():
    assert Client().get("/login/").status_code == 200
    response = Client().get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_dashboard_greets_staff_in_their_language(staff_client, store, django_assert_max_num_queries):
    client = staff_client("store_staff", locations=[store], first_name="Sophie")
    with django_assert_max_num_queries(8):
        page = client.get("/")
    assert page.status_code == 200
    assert "Hello, Sophie" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Bonjour, Sophie" in client.get("/").content.decode()


def test_navigation_follows_the_role(staff_client):
    assert "/admin/" in staff_client("admin").get("/").content.decode()
    assert "/admin/" not in staff_client("store_staff").get("/").content.decode()


def test_admin_shows_core_models_to_admins_only(staff_client):
    admin = staff_client("admin", is_staff=True, is_superuser=True)
    for url in ["/admin/omni/location/", "/admin/omni/apiclient/", "/admin/omni/message/", "/admin/omni/user/"]:
        assert admin.get(url).status_code == 200, url
    assert staff_client("store_staff").get("/admin/").status_code == 302


def test_global_search_answers_a_fragment_for_htmx(staff_client):
    client = staff_client()
    response = client.get("/search/?q=zz", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Nothing matches" in response.content.decode()


def test_logout_is_post_only(staff_client):
    client = staff_client()
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_guessing_is_locked_out_after_five_failures(staff_client, settings):
    user = staff_client().user
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": user.username, "password": "wrong"})
    locked = client.post("/login/", {"username": user.username, "password": "pw-for-tests"})
    assert locked.status_code == 429


@pytest.mark.parametrize("url", ["/search/?q=abc%00def", "/inventory/?q=%00", "/api/v1/locations/?city=%00"])
def test_nul_characters_are_a_400_not_a_database_error(staff_client, url):
    assert staff_client("admin").get(url).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/stock/movements/", "/api/v1/stock/transfers/", "/api/v1/locations/"])
def test_nul_characters_in_an_api_body_are_a_400(api_as, path):
    body = {"sku": "CAP\x00", "location": "paris\x00", "from_location": "a", "to_location": "b", "code": "x\x00",
            "name": "x", "kind": "receipt", "quantity": 1}
    response = api_as("integration").post(path, body)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_page_answers_its_fragment_to_htmx_only_and_says_it_varies_on_that(staff_client, store, api_as):
    client = staff_client("store_manager", locations=[store])
    fragment = client.get("/orders/", {"status": "placed"}, headers={"HX-Request": "true"})
    whole = client.get("/orders/", {"status": "placed"})
    # htmx restoring history swaps the whole body in: it gets the whole page, as a direct load does.
    restored = client.get(
        "/orders/", {"status": "placed"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" not in fragment.content and b"<html" in whole.content and b"<html" in restored.content
    for response in (fragment, whole, restored):
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
    # The API answers the same JSON to anyone: it does not vary on htmx.
    api = api_as("web").get("/api/v1/locations/")
    assert api.status_code == 200 and "HX-Request" not in api.get("Vary", "")
