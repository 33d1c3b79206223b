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


def test_throttling_answers_429_with_retry_after(api_as, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"actor": "3/min"}}
    web = api_as("web")
    statuses = [web.get("/api/v1/locations/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = web.get("/api/v1/locations/")
    assert int(last.headers["Retry-After"]) >= 1
    # Another client has its own allowance.
    assert api_as("app").get("/api/v1/locations/").status_code == 200


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
