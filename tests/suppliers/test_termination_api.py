"""The termination JSON API: internal only (supplier users 404), procurement decides and lifts, a person with the
lifecycle right recommends; errors in the project's format."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from supplyesg.core.services import create_api_token
from supplyesg.suppliers.models import Supplier, TerminationCase
from supplyesg.suppliers.terminations import services as terminations
from tests.factories import make_supplier
from tests.paging import assert_deep_pages_are_the_forward_pages

pytestmark = pytest.mark.django_db

TS = TerminationCase.Status
LIST = "/api/terminations"


def post_json(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def pending(supplier_a):
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.ACTIVE)
    return terminations.recommend_termination(
        supplier_a, actor=None, source="rating", reason="Grade D in 2026 Q3.", ref="rating:2026Q3"
    )


def test_anonymous_callers_get_401_in_the_error_format(client_for, pending):
    client = client_for(None)
    for response in (
        client.get(LIST),
        client.get(f"{LIST}/{pending.pk}"),
        post_json(client, f"{LIST}/{pending.pk}/decide", {"confirm": True, "reason": "x"}),
        post_json(client, f"{LIST}/{pending.pk}/lift", {"reason": "x"}),
    ):
        assert response.status_code == 401 and set(response.json()) == {"detail", "errors"}


def test_supplier_users_get_404_even_for_their_own_supplier(client_for, pending, supplier_a, supplier_a_user, supplier_b_user):
    for user in (supplier_a_user, supplier_b_user):
        client = client_for(user)
        assert client.get(LIST).status_code == 404
        assert client.get(f"{LIST}/{pending.pk}").status_code == 404
        assert post_json(client, f"{LIST}/{pending.pk}/decide", {"confirm": True, "reason": "x"}).status_code == 404
        assert post_json(client, f"{LIST}/{pending.pk}/lift", {"reason": "x"}).status_code == 404
        assert post_json(client, LIST, {"supplier_id": supplier_a.pk, "reason": "x"}).status_code == 404
    assert TerminationCase.objects.get().status == TS.RECOMMENDED


@pytest.mark.parametrize("persona", ["viewer", "compliance", "auditor"])
def test_only_procurement_and_admins_decide_or_lift(request, client_for, pending, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"{LIST}/{pending.pk}").json()["status"] == "recommended"
    assert post_json(client, f"{LIST}/{pending.pk}/decide", {"confirm": True, "reason": "x"}).status_code == 403
    assert post_json(client, f"{LIST}/{pending.pk}/lift", {"reason": "x"}).status_code == 403
    assert TerminationCase.objects.get().status == TS.RECOMMENDED


def test_a_viewer_cannot_recommend(client_for, viewer, supplier_a):
    assert post_json(client_for(viewer), LIST, {"supplier_id": supplier_a.pk, "reason": "x"}).status_code == 403
    assert not TerminationCase.objects.exists()


def test_procurement_confirms_with_a_token_and_can_order_turns_to_no(client, procurement, pending, supplier_a):
    _token, raw = create_api_token(user=procurement, name="erp", actor=procurement)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    queue = client.get(LIST, {"status": "recommended"}, **auth).json()
    assert [i["id"] for i in queue["items"]] == [pending.pk] and queue["items"][0]["source_ref"] == "rating:2026Q3"
    response = post_json(client, f"{LIST}/{pending.pk}/decide", {"confirm": True, "reason": "Grade D twice."}, **auth)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["in_force"], body["decided_by"]) == ("confirmed", True, procurement.username)
    answer = client.get(f"/api/suppliers/{supplier_a.pk}/can-order", **auth).json()
    assert answer["can_order"] is False and "Grade D in 2026 Q3." in answer["reasons"][0]
    again = post_json(client, f"{LIST}/{pending.pk}/decide", {"confirm": False, "reason": "Oops."}, **auth)
    assert again.status_code == 409 and "already decided" in again.json()["detail"]
    lifted = post_json(client, f"{LIST}/{pending.pk}/lift", {"reason": "Re-audit passed."}, **auth)
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    assert client.get(f"/api/suppliers/{supplier_a.pk}/can-order", **auth).json()["can_order"] is True


@pytest.mark.parametrize(
    ("url_tail", "body", "status", "field"),
    [
        ("decide", {"confirm": True, "reason": "  "}, 400, "reason"),
        ("decide", {"reason": "x"}, 422, "confirm"),
        ("lift", {"reason": "x"}, 409, ""),
    ],
)
def test_bad_decisions_name_the_field_or_say_why(client_for, procurement, pending, url_tail, body, status, field):
    response = post_json(client_for(procurement), f"{LIST}/{pending.pk}/{url_tail}", body)
    assert response.status_code == status and response.json()["errors"][0]["field"] == field
    assert TerminationCase.objects.get().status == TS.RECOMMENDED


def test_a_person_with_the_lifecycle_right_recommends(client_for, compliance, supplier_a):
    client = client_for(compliance)
    empty = post_json(client, LIST, {"supplier_id": supplier_a.pk, "reason": ""})
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "reason"
    response = post_json(client, LIST, {"supplier_id": supplier_a.pk, "reason": "Counterfeit parts."})
    assert response.status_code == 201
    assert (response.json()["source"], response.json()["recommended_by"]) == ("manual", compliance.username)
    assert post_json(client, LIST, {"supplier_id": 999999, "reason": "x"}).status_code == 404


def test_the_list_filters_and_validates(client_for, procurement, pending, supplier_b):
    terminations.terminate_cooperation(supplier_b, actor=procurement, source="manual", reason="Fraud.")
    client = client_for(procurement)
    assert client.get(LIST).json()["count"] == 2
    assert client.get(LIST, {"status": "confirmed"}).json()["items"][0]["supplier_id"] == supplier_b.pk
    assert client.get(LIST, {"source": "rating"}).json()["count"] == 1
    assert client.get(LIST, {"supplier_id": supplier_b.pk}).json()["count"] == 1
    bad = client.get(LIST, {"source": "whim"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "source"


def test_deep_pages_of_the_list_are_the_pages_the_forward_reading_gives(client_for, procurement):
    cases = [
        terminations.recommend_termination(make_supplier(), actor=procurement, source="manual", reason=f"Reason {n}.")
        for n in range(11)
    ]
    at = timezone.now()
    for n, case in enumerate(cases):  # recommended at the same moment in threes
        TerminationCase.objects.filter(pk=case.pk).update(recommended_at=at - timedelta(days=n % 3))
    client = client_for(procurement)
    assert_deep_pages_are_the_forward_pages(client, LIST, total=11)
    assert_deep_pages_are_the_forward_pages(client, f"{LIST}?source=manual", total=11)
