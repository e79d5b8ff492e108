"""The ratings API with the personas: a quarter's ratings, a supplier's history, business scores, decisions."""

import json

import pytest
from django.urls import reverse

from supplyesg.core.services import create_api_token
from supplyesg.ratings.models import BusinessScore, Rating
from supplyesg.suppliers.services.compliance import can_order
from tests.factories import make_supplier
from tests.paging import assert_deep_pages_are_the_forward_pages
from tests.ratings.factories_ratings import frozen, make_rating

pytestmark = pytest.mark.django_db

QUARTER = "api:ratings_quarter"


@pytest.fixture(autouse=True)
def today():
    with frozen():
        yield


@pytest.fixture
def rated(supplier_a, supplier_b):
    make_rating(supplier_a, quarter=2, grade="B")
    return {"a": make_rating(supplier_a, grade="D", total="40"), "b": make_rating(supplier_b, grade="A", total="95")}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def score_body(code, **changes):
    return {"supplier_code": code, "period": "2026Q3", "quality": 90, "delivery": 80, "cost": 70, "service": 60, **changes}


# ---------------------------------------------------------------- a quarter's ratings


def test_internal_users_list_a_quarters_ratings_with_the_grade_counts(client_for, viewer, supplier_a, rated):
    response = client_for(viewer).get(reverse(QUARTER), {"quarter": "2026Q3"})
    body = response.json()
    assert response.status_code == 200
    assert body["period"] == "2026Q3" and body["count"] == 2 and body["grades"] == {"A": 1, "B": 0, "C": 0, "D": 1}
    item = next(i for i in body["items"] if i["supplier_id"] == supplier_a.pk)
    assert (item["grade"], item["total"], item["recommended_action"], item["decision_status"]) == (
        "D",
        "40.00",
        "terminate",
        "pending",
    )
    assert item["reasons"] == ["Risk level: Low."] and item["quality"] == "80.00"


def test_the_quarter_list_filters_by_grade_and_defaults_to_the_latest_quarter(client_for, viewer, supplier_b, rated):
    body = client_for(viewer).get(reverse(QUARTER), {"grade": "A"}).json()
    assert body["period"] == "2026Q3" and [i["supplier_id"] for i in body["items"]] == [supplier_b.pk]


def test_deep_pages_of_a_quarter_are_the_pages_the_forward_reading_gives(client_for, viewer):
    for n in range(11):
        make_rating(make_supplier(), grade="AB"[n % 2])
    client = client_for(viewer)
    assert_deep_pages_are_the_forward_pages(client, reverse(QUARTER) + "?quarter=2026Q3", total=11)
    assert_deep_pages_are_the_forward_pages(client, reverse(QUARTER) + "?grade=A", total=6)


@pytest.mark.parametrize(("params", "field"), [({"quarter": "2026Q9"}, "quarter"), ({"grade": "E"}, "grade")])
def test_a_bad_filter_is_a_400_naming_the_field(client_for, viewer, params, field):
    response = client_for(viewer).get(reverse(QUARTER), params)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == field


def test_the_quarter_list_is_internal(client_for, supplier_a_user, rated):
    assert client_for(None).get(reverse(QUARTER)).status_code == 401
    assert client_for(supplier_a_user).get(reverse(QUARTER)).status_code == 404


def test_a_token_works_like_the_session(client, compliance, rated):
    _token, raw = create_api_token(user=compliance, name="erp", actor=compliance)
    response = client.get(reverse(QUARTER), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["count"] == 2


# ---------------------------------------------------------------- a supplier's history


def test_a_supplier_user_reads_its_own_history_without_procurements_deliberation(client_for, supplier_a, supplier_a_user, rated):
    response = client_for(supplier_a_user).get(reverse("api:ratings_supplier_history", args=[supplier_a.pk]))
    body = response.json()
    assert response.status_code == 200 and [i["period"] for i in body["items"]] == ["2026Q3", "2026Q2"]
    assert body["items"][0]["grade"] == "D" and body["items"][0]["reasons"]
    assert body["items"][0]["recommended_action"] is None and body["items"][0]["decision_status"] is None


def test_supplier_b_gets_404_for_supplier_as_history(client_for, supplier_a, supplier_b_user, rated):
    assert client_for(supplier_b_user).get(reverse("api:ratings_supplier_history", args=[supplier_a.pk])).status_code == 404


def test_internal_users_see_the_decision_in_the_history(client_for, viewer, supplier_a, rated):
    body = client_for(viewer).get(reverse("api:ratings_supplier_history", args=[supplier_a.pk])).json()
    assert body["items"][0]["recommended_action"] == "terminate"


# ---------------------------------------------------------------- business scores


def test_procurement_posts_business_scores_created_then_replaced(client_for, procurement, supplier_a):
    client = client_for(procurement)
    created = post(client, reverse("api:ratings_business_score"), score_body(supplier_a.code))
    assert created.status_code == 201 and created.json()["period"] == "2026Q3" and created.json()["quality"] == "90.00"
    replaced = post(client, reverse("api:ratings_business_score"), score_body(supplier_a.code, quality=95.5))
    assert replaced.status_code == 200 and replaced.json()["quality"] == "95.50"
    assert BusinessScore.objects.count() == 1


def test_business_scores_may_name_the_year_and_quarter(client_for, procurement, supplier_a):
    body = score_body(supplier_a.code, period=None, year=2026, quarter=2)
    response = post(client_for(procurement), reverse("api:ratings_business_score"), body)
    assert response.status_code == 201 and response.json()["period"] == "2026Q2"


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"quality": 105}, 400, "quality"),
        ({"delivery": -1}, 400, "delivery"),
        ({"cost": "lots"}, 422, "cost"),
        ({"supplier_code": "X9"}, 400, "supplier_code"),
        ({"period": "2026Q9"}, 400, "period"),
        ({"period": "2031Q1"}, 400, "period"),
        ({"period": None, "year": 2026, "quarter": 7}, 400, "quarter"),
    ],
)
def test_bad_business_scores_are_refused_naming_the_field(client_for, procurement, supplier_a, changes, status, field):
    response = post(client_for(procurement), reverse("api:ratings_business_score"), score_body(supplier_a.code, **changes))
    assert response.status_code == status
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not BusinessScore.objects.exists()


def test_only_roles_that_rate_may_post_business_scores(client_for, viewer, auditor, supplier_a_user, supplier_a):
    url = reverse("api:ratings_business_score")
    assert post(client_for(None), url, score_body(supplier_a.code)).status_code == 401
    assert post(client_for(viewer), url, score_body(supplier_a.code)).status_code == 403
    assert post(client_for(auditor), url, score_body(supplier_a.code)).status_code == 403
    assert post(client_for(supplier_a_user), url, score_body(supplier_a.code)).status_code == 404
    assert not BusinessScore.objects.exists()


# ---------------------------------------------------------------- decisions


def test_procurement_confirms_a_d_with_a_reason_and_orders_stop(client_for, procurement, supplier_a, rated):
    supplier_a.status = "active"
    supplier_a.save()
    url = reverse("api:ratings_decide", args=[rated["a"].pk])
    response = post(client_for(procurement), url, {"confirm": True, "reason": "Grade D and no improvement."})
    assert response.status_code == 200
    assert (response.json()["decision_status"], response.json()["decided_action"]) == ("confirmed", "terminate")
    assert not can_order(supplier_a).can_order


def test_a_decision_error_names_the_field(client_for, procurement, rated):
    url = reverse("api:ratings_decide", args=[rated["a"].pk])
    response = post(client_for(procurement), url, {"confirm": True})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    response = post(client_for(procurement), url, {"confirm": False, "action": "terminate"})
    assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == ["action", "reason"]
    assert Rating.objects.get(pk=rated["a"].pk).decision_status == "pending"


def test_deciding_twice_is_a_conflict(client_for, procurement, rated):
    url = reverse("api:ratings_decide", args=[rated["b"].pk])
    assert post(client_for(procurement), url, {"confirm": True}).status_code == 200
    assert post(client_for(procurement), url, {"confirm": True}).status_code == 409


def test_only_procurement_and_administrators_decide_through_the_api(client_for, compliance, viewer, supplier_a_user, rated):
    url = reverse("api:ratings_decide", args=[rated["a"].pk])
    assert post(client_for(None), url, {"confirm": True, "reason": "x"}).status_code == 401
    assert post(client_for(compliance), url, {"confirm": True, "reason": "x"}).status_code == 403
    assert post(client_for(viewer), url, {"confirm": True, "reason": "x"}).status_code == 403
    assert post(client_for(supplier_a_user), url, {"confirm": True, "reason": "x"}).status_code == 404
    assert Rating.objects.get(pk=rated["a"].pk).decision_status == "pending"
