import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_api_root_lists_collections(api_as):
    response = api_as("web").get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["locations"].endswith("/api/v1/locations/")


def test_schema_and_docs_are_served_without_a_cdn():
    schema = Client().get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/locations/" in schema.content
    docs = Client().get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "/static/" in html


def test_the_benchmark_floor_is_not_served_by_the_product(api_as):
    """``stock/ping/`` lives in the benchmarks' URLconf (bench/ping_urls.py) only: here
    it is just a SKU that does not exist, and the schema does not document it."""
    response = api_as("web").get("/api/v1/stock/ping/")
    assert response.status_code == 404
    assert b"/api/v1/stock/ping/" not in Client().get("/api/schema/").content


def statuses(client, count: int) -> list[int]:
    return [client.get("/api/v1/locations/").status_code for _ in range(count)]


def test_throttling_answers_429_with_retry_after(api_as, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"actor": "3/min", "shop": "3/min"}}
    web = api_as("web")
    assert statuses(web, 4) == [200, 200, 200, 429]
    last = web.get("/api/v1/locations/")
    assert int(last.headers["Retry-After"]) >= 1
    # Another client has its own allowance.
    assert api_as("app").get("/api/v1/locations/").status_code == 200


def test_a_website_and_an_app_have_the_shop_rate_and_a_client_may_have_its_own(api_as, settings):
    from omni.models import ApiClient

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"actor": "2/min", "shop": "4/min"}}
    assert statuses(api_as("web"), 5) == [200] * 4 + [429]
    assert statuses(api_as("app"), 5) == [200] * 4 + [429]
    assert statuses(api_as("integration"), 3) == [200, 200, 429]
    erp = api_as("integration")
    ApiClient.objects.filter(token_prefix=erp.token[:12]).update(rate_limit="5/min")
    assert statuses(erp, 6) == [200] * 5 + [429]


def test_a_client_without_a_limit_is_never_counted(api_as, settings, tmp_path, caplog):
    """Its requests never reach the store: with the store unusable (a counter file that
    cannot be opened), a counted client's request logs the outage, an unlimited one's not."""
    from omni.models import ApiClient

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.OMNI_COUNTER_FILE = str(tmp_path)  # a directory: SQLite cannot open it
    unlimited, counted = api_as("web"), api_as("web")
    ApiClient.objects.filter(token_prefix=unlimited.token[:12]).update(rate_limit="none")
    assert statuses(unlimited, 3) == [200] * 3
    assert "throttle store unavailable" not in caplog.text
    assert statuses(counted, 1) == [200]  # the outage lets it through, and says so
    assert "throttle store unavailable" in caplog.text


def test_an_api_client_rate_must_be_a_rate():
    from django.core.exceptions import ValidationError

    from omni.rates import parse_rate, validate_rate

    assert parse_rate("2000/s") == (2000, 1) and parse_rate("600/min") == (600, 60) and parse_rate("none") is None
    for wrong in ("fast", "10", "10/fortnight", "-1/s", "/s"):
        with pytest.raises(ValidationError):
            validate_rate(wrong)


def test_session_staff_may_use_the_api_but_csrf_protects_writes(staff_client):
    admin = staff_client("admin")
    assert admin.get("/api/v1/locations/").status_code == 200
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(admin.user)
    response = csrf_checked.post("/api/v1/locations/", {"code": "x", "name": "X"}, content_type="application/json")
    assert response.status_code == 403


def test_unknown_object_is_404_with_a_code(api_as):
    response = api_as("web").get("/api/v1/locations/atlantis/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_malformed_json_is_a_400(api_as):
    erp = api_as("integration")
    response = erp.generic("POST", "/api/v1/locations/", "{not json", content_type="application/json",
                           headers={"Authorization": f"Token {erp.token}"})
    assert response.status_code == 400


def test_a_page_far_past_the_end_is_a_404_not_a_500(api_as):
    api = api_as("web")
    for page in ("2", "644320821881839232", "99999999999999999999999"):
        response = api.get(f"/api/v1/locations/?page={page}&page_size=160")
        assert response.status_code == 404, (page, response.content[:200])
    assert api.get("/api/v1/locations/?page=0").status_code == 404
    assert api.get("/api/v1/locations/?page=abc").status_code == 404
