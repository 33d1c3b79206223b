"""The loyalty and gift card staff pages, as staff use them: who sees what, a change that
is saved, a refusal shown in the page that changed nothing."""

from decimal import Decimal

import pytest

from giftcards import services as giftcards_services
from giftcards.models import GiftCard
from loyalty.selectors import balance_of
from omni.actor import Actor

pytestmark = pytest.mark.django_db


def test_the_programme_page_is_for_marketing_and_admins_and_admins_change_it(program, staff_client, store):
    assert staff_client("marketing").get("/loyalty/").status_code == 200
    assert staff_client("store_staff", locations=[store]).get("/loyalty/").status_code == 403
    assert staff_client("marketing").post("/loyalty/", {"redeem_step": "50"}).status_code == 403
    saved = staff_client("admin").post("/loyalty/", {
        "active": "on", "redeem_step": "50", "min_redeem": "200", "expire_after_days": "180", "point_value": "0,02",
        "rate-web": "2", "rate-app": "2", "rate-store": "1", "rate-call_centre": "1"})
    assert saved.status_code == 302
    program.refresh_from_db()
    assert (program.redeem_step, program.min_redeem, program.point_value) == (50, 200, Decimal("0.02"))
    assert program.earn_rate["web"] == "2"


def test_an_admin_adjusts_points_on_the_customers_page_and_others_are_refused(program, staff_client, customer, store):
    url = f"/loyalty/customers/{customer.pk}/"
    assert staff_client("store_staff", locations=[store]).get(url).status_code == 200
    refused = staff_client("store_staff", locations=[store]).post(url, {"points": "100", "note": "gift"},
                                                                   HTTP_HX_REQUEST="true")
    assert refused.status_code == 403 and "administrator" in refused.content.decode()
    no_note = staff_client("admin").post(url, {"points": "100", "note": ""}, HTTP_HX_REQUEST="true")
    assert no_note.status_code == 400 and balance_of(customer.pk).balance == 0
    done = staff_client("admin").post(url, {"points": "100", "note": "Late parcel"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "Late parcel" in done.content.decode()
    assert "<html" not in done.content.decode()  # the section's fragment, for htmx
    assert balance_of(customer.pk).balance == 100
    assert "<html" in staff_client("admin").get(url).content.decode()  # loaded directly: the whole page


def test_only_an_admin_disables_a_card(staff_client, store):
    card = giftcards_services.card_issue(amount=Decimal("30"), actor=Actor.system(), check_permission=False).card
    url = f"/gift-cards/{card.pk}/disable/"
    refused = staff_client("store_staff", locations=[store]).post(url, {"reason": "lost"})
    assert refused.status_code == 403 and "Only an administrator" in refused.content.decode()
    assert not GiftCard.objects.get().is_disabled
    disabled = staff_client("admin").post(url, {"reason": "Lost by its owner"})
    assert disabled.status_code == 200 and "Lost by its owner" in disabled.content.decode()
    card.refresh_from_db()
    assert card.is_disabled and card.status == "disabled"
