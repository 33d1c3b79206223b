"""The one refusal of pages: in place for htmx, inside the layout otherwise."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from omni.errors import InvalidTransition
from omni.middleware import PageDetails
from omni.pages import refuse


def _request(**headers):
    request = RequestFactory().post("/somewhere/", headers=headers)
    request.user = AnonymousUser()
    request.htmx = PageDetails(request)
    return request


@pytest.mark.django_db
def test_an_htmx_refusal_is_the_alert_alone_and_may_retarget_the_page_alert_box():
    response = refuse(_request(HX_Request="true"), InvalidTransition(), target="#order-alert")
    body = response.content.decode()
    assert response.status_code == 409 and "<html" not in body
    assert 'role="alert"' in body and 'data-code="invalid_transition"' in body
    assert response["HX-Retarget"] == "#order-alert" and response["HX-Reswap"] == "innerHTML"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers", [{}, {"HX_Request": "true", "HX_History_Restore_Request": "true"}], ids=["direct", "history"]
)
def test_a_direct_or_history_load_gets_the_refusal_inside_the_layout(headers):
    response = refuse(_request(**headers), "Segments belong to the marketing team.")
    body = response.content.decode()
    assert response.status_code == 403
    assert "<html" in body and "Not allowed" in body and "Segments belong to the marketing team." in body
    assert "HX-Retarget" not in response
