import pytest
from django.test import Client

from customers.models import ConsentEvent, Contact, Customer, CustomerChannel, CustomerIdentifier
from tests.factories.customers import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def test_anonymous_gets_401():
    assert Client().get(URL).status_code == 401
    assert Client().post(URL, {"email": "a@b.fr"}, content_type="application/json").status_code == 401
    assert not Customer.objects.exists()


def test_create_then_find_by_email_case_insensitively(api_as):
    web = api_as("web")
    created = web.post(URL, {"email": "Jeremy.Martin@Example.FR", "first_name": "Jérémy", "last_name": "Martin"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["email"] == "jeremy.martin@example.fr"
    assert set(body) >= {
        "id",
        "email",
        "phone",
        "loyalty_card",
        "first_name",
        "last_name",
        "consents",
        "channels",
        "segments",
        "created_at",
    }
    assert body["channels"] == ["web"]
    assert body["consents"] == {"email": False, "sms": False}
    again = web.post(URL, {"email": "jeremy.martin@EXAMPLE.fr"})
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("variant", ["06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78", "06.12.34.56.78"])
def test_phone_formats_match_the_same_customer(api_as, variant):
    pos = api_as("web")
    first = pos.post(URL, {"phone": "0612345678"})
    assert first.status_code == 201
    assert first.json()["phone"] == "+33612345678"
    found = pos.post(URL, {"phone": variant})
    assert found.status_code == 200
    assert found.json()["id"] == first.json()["id"]
    listed = pos.get(URL, {"phone": variant}).json()
    assert [row["id"] for row in listed["results"]] == [first.json()["id"]]


def test_match_attaches_new_identifiers_and_records_the_channel_that_saw_them(api_as, store):
    web = api_as("web")
    customer_id = web.post(URL, {"email": "lea@example.fr"}).json()["id"]
    pos = api_as("pos", location=store)
    response = pos.post(URL, {"email": "lea@example.fr", "phone": "07 81 22 33 44", "loyalty_card": "omni-0042"})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == customer_id
    assert body["phone"] == "+33781223344"
    assert body["loyalty_card"] == "OMNI0042"
    assert sorted(body["channels"]) == ["store", "web"]
    seen = dict(CustomerIdentifier.objects.filter(customer_id=customer_id).values_list("kind", "channel"))
    assert seen == {"email": "web", "phone": "store", "loyalty_card": "store"}
    # The card alone now finds her, in any spacing or case.
    assert web.post(URL, {"loyalty_card": "OMNI 0042"}).json()["id"] == customer_id


def test_two_customers_matched_is_a_409_and_changes_nothing(api_as):
    web = api_as("web")
    CustomerFactory(email="a@example.fr", phone="+33611111111", first_name="", last_name="")
    CustomerFactory(email="b@example.fr", phone="+33622222222")
    before = list(Customer.objects.order_by("pk").values())
    response = web.post(URL, {"email": "a@example.fr", "phone": "06 22 22 22 22", "first_name": "X"})
    assert response.status_code == 409
    assert response.json()["code"] == "ambiguous_customer"
    assert len(response.json()["customers"]) == 2
    assert list(Customer.objects.order_by("pk").values()) == before
    assert not CustomerIdentifier.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "non_field_errors"),
        ({"first_name": "Nobody"}, "non_field_errors"),
        ({"email": "", "phone": None}, "non_field_errors"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@@b"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "06 00 00 00 0"}, "phone"),
        ({"phone": "+99 123"}, "phone"),
        ({"phone": "abcdef"}, "phone"),
        ({"loyalty_card": "!!"}, "loyalty_card"),
        ({"email": ["x@y.fr"]}, "email"),
        ({"email": "x@y.fr", "consents": {"email": "maybe"}}, "consents"),
        ({"email": "x@y.fr", "consents": "yes"}, "consents"),
        ({"email": "x@y.fr", "preferred_store": "nowhere"}, "preferred_store"),
        ({"email": "x" * 400 + "@y.fr"}, "email"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, body, field):
    response = api_as("web").post(URL, body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Customer.objects.exists()


def test_body_that_is_not_an_object_is_a_400(api_as):
    web = api_as("web")
    assert web.post(URL, ["x"]).status_code == 400
    response = web.generic(
        "POST", URL, "{not json", content_type="application/json", headers={"Authorization": f"Token {web.token}"}
    )
    assert response.status_code == 400
    assert not Customer.objects.exists()


def test_consents_are_recorded_with_channel_and_history(api_as):
    app = api_as("app")
    body = app.post(URL, {"email": "c@example.fr", "consents": {"email": True, "sms": False}}).json()
    assert body["consents"] == {"email": True, "sms": False}
    assert body["consent_details"]["email"]["channel"] == "app"
    assert body["consent_details"]["email"]["at"]
    customer = Customer.objects.get()
    assert customer.email_consent_channel == "app"
    web = api_as("web")
    patched = web.patch(f"{URL}{customer.pk}/", {"consents": {"email": False}})
    assert patched.status_code == 200
    assert patched.json()["consents"] == {"email": False, "sms": False}
    history = list(ConsentEvent.objects.filter(medium="email").order_by("at", "pk").values_list("granted", "channel"))
    assert history == [(True, "app"), (False, "web")]


def test_get_and_patch_a_customer(api_as, store):
    customer = CustomerFactory(first_name="Anne", last_name="Roux")
    call = api_as("call_centre")
    got = call.get(f"{URL}{customer.pk}/")
    assert got.status_code == 200
    assert got.json()["first_name"] == "Anne"
    patched = call.patch(
        f"{URL}{customer.pk}/", {"last_name": "Leroux", "phone": "0033 7 99 88 77 66", "preferred_store": "paris"}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["last_name"] == "Leroux"
    assert patched.json()["phone"] == "+33799887766"
    assert patched.json()["preferred_store"] == "paris"


def test_patch_to_another_customers_identifier_is_a_409(api_as):
    first = CustomerFactory(email="one@example.fr")
    CustomerFactory(email="two@example.fr")
    response = api_as("web").patch(f"{URL}{first.pk}/", {"email": "TWO@example.fr"})
    assert response.status_code == 409
    assert response.json()["code"] == "identifier_in_use"
    first.refresh_from_db()
    assert first.email == "one@example.fr"


def test_patch_with_bad_phone_is_a_400(api_as):
    customer = CustomerFactory()
    response = api_as("web").patch(f"{URL}{customer.pk}/", {"phone": "123"})
    assert response.status_code == 400
    assert "phone" in response.json()


def test_unknown_customer_is_a_404(api_as):
    web = api_as("web")
    assert web.get(f"{URL}3f1e1c4e-0000-4000-8000-000000000000/").status_code == 404
    assert web.get(f"{URL}not-a-uuid/").status_code == 404
    assert web.post(f"{URL}3f1e1c4e-0000-4000-8000-000000000000/contacts/", {"kind": "call"}).status_code == 404


def test_list_filters_and_search(api_as):
    CustomerFactory(
        first_name="Jérémy", last_name="Morel", email="jm@example.fr", phone="+33612345678", loyalty_card="OMNI1234"
    )
    CustomerFactory(first_name="Claire", last_name="Dubois", email="claire@example.fr")
    web = api_as("web")

    def ids(**params):
        response = web.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["last_name"] for row in response.json()["results"]]

    assert ids(email="JM@example.fr") == ["Morel"]
    assert ids(loyalty_card="omni 1234") == ["Morel"]
    assert ids(search="morel") == ["Morel"]
    assert ids(search="06 12 34 56 78") == ["Morel"]
    assert ids(search="claire@") == ["Dubois"]
    assert ids(search="OMNI1234") == ["Morel"]
    assert ids() == ["Dubois", "Morel"]
    assert web.get(URL, {"phone": "12"}).status_code == 400
    assert web.get(URL, {"email": "nope"}).status_code == 400


def test_list_costs_constant_queries(api_as, django_assert_max_num_queries):
    web = api_as("web")
    for _ in range(3):
        CustomerFactory(channels=["web", "store"])
    with django_assert_max_num_queries(6):
        assert web.get(URL).status_code == 200
    for _ in range(30):
        CustomerFactory(channels=["web", "app"])
    with django_assert_max_num_queries(6):
        assert web.get(URL, {"page_size": 200}).json()["count"] == 33


def test_contacts_and_timeline(api_as, staff_client, store):
    customer = CustomerFactory()
    call = api_as("call_centre")
    response = call.post(f"{URL}{customer.pk}/contacts/", {"kind": "call", "note": "Where is my parcel?"})
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "call_centre"
    staff = staff_client("store_staff", locations=[store])
    assert staff.post(f"{URL}{customer.pk}/contacts/", {"kind": "visit", "note": "Tried a jacket"}).status_code == 201
    timeline = call.get(f"{URL}{customer.pk}/timeline/")
    assert timeline.status_code == 200
    # Other apps' sources (journeys' touchpoints) may add entries; the contacts come newest first.
    entries = [entry for entry in timeline.json() if entry["kind"] == "contact"]
    assert [entry["summary"] for entry in entries] == ["Visit: Tried a jacket", "Call: Where is my parcel?"]
    assert {"at", "channel", "kind", "summary"} <= set(entries[0])
    assert entries[0]["channel"] == "store"
    assert Contact.objects.get(kind="visit").location == store
    assert set(CustomerChannel.objects.filter(customer=customer).values_list("channel", flat=True)) == {
        "call_centre",
        "store",
    }


def test_bad_contact_is_a_400(api_as):
    customer = CustomerFactory()
    response = api_as("call_centre").post(f"{URL}{customer.pk}/contacts/", {"kind": "pigeon"})
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not Contact.objects.exists()


def test_timeline_merges_registered_sources_newest_first(api_as):
    from datetime import timedelta

    from django.utils import timezone

    from customers.timeline import TimelineSource
    from omni.registry import registry
    from tests.factories.customers import ContactFactory

    customer = CustomerFactory()
    ContactFactory(customer=customer, at=timezone.now() - timedelta(days=2), note="old call")

    def orders(of, limit):
        return [{"at": timezone.now() - timedelta(days=1), "channel": "web", "kind": "order", "summary": "Order W-1"}]

    registry.add(TimelineSource("test-orders", orders))
    try:
        entries = api_as("web").get(f"{URL}{customer.pk}/timeline/").json()
    finally:
        registry.remove(TimelineSource, "test-orders")
    assert [entry["kind"] for entry in entries if entry["kind"] in ("order", "contact")] == ["order", "contact"]
    assert [entry["at"] for entry in entries] == sorted((entry["at"] for entry in entries), reverse=True)


def test_marketing_reads_but_does_not_write(staff_client):
    customer = CustomerFactory()
    marketing = staff_client("marketing")
    assert marketing.get(URL).status_code == 200
    assert marketing.get(f"{URL}{customer.pk}/").status_code == 200
    assert marketing.post(URL, {"email": "new@example.fr"}).status_code == 403
    assert marketing.patch(f"{URL}{customer.pk}/", {"first_name": "X"}).status_code == 403
    assert marketing.post(f"{URL}{customer.pk}/contacts/", {"kind": "call"}).status_code == 403
    assert Customer.objects.count() == 1
    assert not Contact.objects.exists()


def test_idempotent_create_replays_the_first_response(api_as):
    web = api_as("web")
    headers = {"Idempotency-Key": "create-1"}
    first = web.post(URL, {"email": "i@example.fr"}, headers=headers)
    second = web.post(URL, {"email": "i@example.fr"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert web.post(URL, {"email": "other@example.fr"}, headers=headers).status_code == 422
    assert Customer.objects.count() == 1


def test_api_root_lists_customers(api_as):
    assert "customers" in api_as("web").get("/api/v1/").json()


def test_a_pos_sets_the_preferred_store_of_a_customer_it_recognises(api_as, store, other_store):
    pos = api_as("pos", location=store)
    body = pos.post(URL, {"phone": "06 55 44 33 22"}).json()
    assert body["preferred_store"] == "paris"
    assert body["channels"] == ["store"]
    lyon = api_as("pos", location=other_store)
    assert lyon.post(URL, {"phone": "06 55 44 33 22"}).json()["preferred_store"] == "paris"


def test_customer_identified_is_sent_inside_the_transaction(api_as):
    from django.db import connection

    from customers.signals import customer_identified

    seen = []

    def receiver(sender, customer, created, actor, identifiers, **kwargs):
        seen.append((created, identifiers, actor.channel, connection.in_atomic_block))

    customer_identified.connect(receiver, dispatch_uid="test-identified")
    try:
        web = api_as("web")
        web.post(URL, {"email": "sig@example.fr"})
        web.post(URL, {"email": "sig@example.fr", "phone": "0612121212"})
    finally:
        customer_identified.disconnect(dispatch_uid="test-identified")
    assert seen == [
        (True, {"email": "sig@example.fr"}, "web", True),
        (False, {"email": "sig@example.fr", "phone": "+33612121212"}, "web", True),
    ]


def test_detail_and_timeline_cost_constant_queries(api_as, django_assert_max_num_queries):
    from tests.factories.customers import ContactFactory

    customer = CustomerFactory(channels=["web", "app", "store"])
    web = api_as("web")
    with django_assert_max_num_queries(5):
        assert web.get(f"{URL}{customer.pk}/").status_code == 200
    ContactFactory.create_batch(3, customer=customer)
    web.get(f"{URL}{customer.pk}/timeline/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        web.get(f"{URL}{customer.pk}/timeline/")
    ContactFactory.create_batch(30, customer=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(web.get(f"{URL}{customer.pk}/timeline/").json()) >= 33


def test_merged_customer_id_leads_to_the_customer_kept(api_as):
    from customers.services import customer_merge
    from omni.actor import Actor
    from tests.factories.omni import StaffFactory

    keep, duplicate = CustomerFactory(), CustomerFactory()
    customer_merge(source=duplicate, target=keep, actor=Actor.for_user(StaffFactory(role="admin")))
    assert api_as("web").get(f"{URL}{duplicate.pk}/").json()["id"] == str(keep.pk)


def test_search_by_the_beginning_or_the_end_of_a_phone(api_as):
    CustomerFactory(last_name="Starts", phone="+33612345678")
    CustomerFactory(last_name="Inside", phone="+33660612999")
    web = api_as("web")

    def names(query):
        return sorted(row["last_name"] for row in web.get(URL, {"search": query}).json()["results"])

    assert names("06 12") == ["Starts"]
    assert names("+33 6 12") == ["Starts"]
    assert names("0033 6 12") == ["Starts"]
    assert names("56 78") == ["Starts"]
    assert names("0612") == ["Starts"]
    assert names("06 60 61") == ["Inside"]


def test_search_ignores_accents_and_case_and_lists_an_exact_identifier_first(api_as):
    CustomerFactory(first_name="Françoise", last_name="Guérin", email="f.guerin@example.fr")
    CustomerFactory(first_name="Œdipe", last_name="Lefèvre", email="oedipe@example.fr")
    # A card number that is also a word of other customers' names: its holder comes first.
    CustomerFactory(first_name="Paul", last_name="Abel", loyalty_card="GUERIN")
    web = api_as("web")

    def names(query):
        response = web.get(URL, {"search": query})
        assert response.status_code == 200, response.content
        return [row["last_name"] for row in response.json()["results"]]

    assert names("GUERIN") == ["Abel", "Guérin"]
    assert names("guérin") == ["Guérin"]  # no card is written with an accent
    assert names("francoise guerin") == ["Guérin"]
    assert names("oedipe lefevre") == ["Lefèvre"]
    assert names("f.guer") == ["Guérin"]  # the start of an e-mail address
    assert names("uerin@exa") == ["Guérin"]  # a piece of one
    assert names("zzz") == []


def test_a_renamed_customer_is_found_by_the_new_name_only(api_as):
    from customers.services import customer_update
    from omni.actor import Actor
    from tests.factories.omni import StaffFactory

    customer = CustomerFactory(first_name="Hélène", last_name="Martin")
    customer_update(customer=customer, actor=Actor.for_user(StaffFactory(role="admin")), last_name="Gaudé")
    web = api_as("web")
    assert [row["id"] for row in web.get(URL, {"search": "gaude"}).json()["results"]] == [str(customer.pk)]
    assert web.get(URL, {"search": "martin"}).json()["results"] == []


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "lookup",
    [
        {"search_name__contains": "guerin"},
        {"email__contains": "uerin@exa"},
        {"email__startswith": "f.guer"},
        {"phone__contains": "5678"},
        {"phone__startswith": "+33612"},
    ],
    ids=lambda lookup: next(iter(lookup)),
)
def test_each_condition_of_a_search_can_be_read_through_an_index(lookup):
    """Whatever the table's size: every condition customer_search writes (a part of the
    name, the e-mail address or the phone) is one an index serves (the trigram indexes of
    migration customers 0004, or a phone's btree for its start); the scale benchmark measures
    the whole search at 1M customers."""
    from django.db import connection

    from customers.models import Customer

    sql, params = Customer.objects.filter(**lookup).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # With sequential scans disabled the planner still falls back to one when no index fits.
    assert "Seq Scan" not in plan, plan


def test_segments_api(api_as, staff_client):
    from tests.factories.customers import SegmentFactory

    CustomerFactory(channels=["web"])
    segment = SegmentFactory(slug="web-people", name="Web people")
    web = api_as("web")
    listed = web.get("/api/v1/segments/")
    assert listed.status_code == 200
    assert [row["slug"] for row in listed.json()["results"]] == ["web-people"]
    assert web.post("/api/v1/segments/web-people/recompute/").status_code == 403
    segment.refresh_from_db()
    assert segment.member_count == 0
    marketing = staff_client("marketing")
    response = marketing.post("/api/v1/segments/web-people/recompute/")
    assert response.status_code == 200
    assert response.json()["member_count"] == 1
    assert marketing.post("/api/v1/segments/nope/recompute/").status_code == 404


def test_a_customer_has_the_language_the_channel_knows(api_as, settings):
    """Given, or the one the website's request asks for, or the shop's default until known;
    never changed by a channel that does not say."""
    settings.OMNI_CUSTOMER_LANGUAGE = "fr"
    web = api_as("web")
    asked = web.post("/api/v1/customers/", {"email": "anna@example.com"}, headers={"Accept-Language": "en-GB,en"})
    assert asked.status_code == 201 and asked.json()["language"] == "en"
    given = web.post("/api/v1/customers/", {"email": "zoe@example.fr", "language": "fr"},
                     headers={"Accept-Language": "en"})
    assert given.json()["language"] == "fr"
    unknown = web.post("/api/v1/customers/", {"phone": "0611223344"})
    assert unknown.json()["language"] == "fr"  # the shop's default
    assert Customer.objects.get(phone="+33611223344").language == ""  # not known yet

    again = web.post("/api/v1/customers/", {"email": "anna@example.com"}, headers={"Accept-Language": "fr"})
    assert again.status_code == 200 and again.json()["language"] == "en"  # theirs is kept
    customer_id = unknown.json()["id"]
    assert web.patch(f"/api/v1/customers/{customer_id}/", {"language": "en"}).json()["language"] == "en"
    refused = web.patch(f"/api/v1/customers/{customer_id}/", {"language": "klingon"})
    assert refused.status_code == 400 and "language" in refused.json()
