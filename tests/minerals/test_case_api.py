"""The minerals risk-case JSON API: internal only, writes need the review right, the same services and rules as
the pages, errors in the project's format."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from supplyesg.core.services import create_api_token
from supplyesg.minerals.cases import services as cases
from supplyesg.minerals.cases.models import RiskCase
from supplyesg.suppliers.models import Supplier, TerminationCase
from tests.factories import make_supplier
from tests.minerals.factories_minerals import make_smelter
from tests.paging import assert_deep_pages_are_the_forward_pages

pytestmark = pytest.mark.django_db

T = RiskCase.RiskType
LIST = "/api/minerals/risk-cases"


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def step_url(case):
    return f"{LIST}/{case.pk}/steps"


@pytest.fixture
def case(supplier_a, compliance):
    Supplier.objects.filter(pk=supplier_a.pk).update(status=Supplier.Status.ACTIVE)
    return cases.open_case(supplier_a, actor=compliance, risk_type=T.BRIBERY_FRAUD, description="Fake origin papers.")


def test_anonymous_callers_get_401_in_the_error_format(client_for, case):
    for response in (
        client_for(None).get(LIST),
        client_for(None).get(f"{LIST}/{case.pk}"),
        post_json(client_for(None), step_url(case), {"step": "adopt_plan", "plan": "x"}),
    ):
        assert response.status_code == 401 and set(response.json()) == {"detail", "errors"}


def test_supplier_users_get_404_everywhere(client_for, case, supplier_a, supplier_a_user, supplier_b_user):
    for user in (supplier_a_user, supplier_b_user):
        client = client_for(user)
        assert client.get(LIST).status_code == 404
        assert client.get(f"{LIST}/{case.pk}").status_code == 404
        assert (
            post_json(client, LIST, {"supplier_id": supplier_a.pk, "risk_type": T.ARMED_GROUPS, "description": "x"}).status_code
            == 404
        )
        assert post_json(client, step_url(case), {"step": "adopt_plan", "plan": "x"}).status_code == 404
    assert RiskCase.objects.count() == 1


@pytest.mark.parametrize("persona", ["viewer", "procurement"])
def test_roles_without_the_review_right_read_but_get_403_on_writes(request, client_for, case, supplier_a, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}/{case.pk}").status_code == 200
    opened = post_json(client, LIST, {"supplier_id": supplier_a.pk, "risk_type": T.ARMED_GROUPS, "description": "x"})
    stepped = post_json(client, step_url(case), {"step": "adopt_plan", "plan": "x"})
    assert opened.status_code == stepped.status_code == 403
    assert RiskCase.objects.get().status == RiskCase.Status.OPEN


def test_a_token_opens_a_case_and_reads_what_may_be_done_next(client, compliance, supplier_a):
    make_smelter("CID001070", "Tin", "Example Tin Smelter")
    _token, raw = create_api_token(user=compliance, name="grc", actor=compliance)
    response = client.post(
        LIST,
        data=json.dumps(
            {"supplier_id": supplier_a.pk, "risk_type": T.ARMED_GROUPS, "description": "Taxes paid.", "smelter_cid": "CID001070"}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    body = response.json()
    # Yilian 二: opening the case suspends trade at once (old: the case opened and waited for a "suspend" step)
    assert (body["mitigation"], body["status"], body["smelter_cid"]) == ("disengage", "suspended", "CID001070")
    assert "no plan route" in body["prescribed"]
    assert [s["kind"] for s in body["steps"]] == ["opened", "suspended"]
    allowed = {s["step"] for s in body["next_steps"] if s["allowed"]}
    assert allowed == {"terminate"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"risk_type": "cobalt", "description": "x"}, 400, "risk_type"),
        ({"risk_type": T.ARMED_GROUPS, "description": " "}, 400, "description"),
        ({"risk_type": T.ARMED_GROUPS, "description": "x", "smelter_cid": "CID999999"}, 400, "smelter_cid"),
        ({"risk_type": T.ARMED_GROUPS}, 422, "description"),
        ({"risk_type": T.BRIBERY_FRAUD, "description": "Again."}, 409, ""),
    ],
)
def test_bad_input_on_opening_names_the_field(client_for, compliance, case, supplier_a, body, status, field):
    response = post_json(client_for(compliance), LIST, {"supplier_id": supplier_a.pk, **body})
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field
    assert RiskCase.objects.count() == 1


def test_an_unknown_supplier_is_404(client_for, compliance):
    response = post_json(client_for(compliance), LIST, {"supplier_id": 999999, "risk_type": T.ARMED_GROUPS, "description": "x"})
    assert response.status_code == 404


def test_steps_follow_the_policy_and_refusals_say_why(client_for, compliance, case):
    client = client_for(compliance)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        plan = post_json(client, step_url(case), {"step": "adopt_plan", "plan": "Third-party origin checks."})
        assert plan.status_code == 200 and plan.json()["review_due"] == "2026-09-02"
        too_soon = post_json(client, step_url(case), {"step": "terminate", "note": "Enough."})
        assert too_soon.status_code == 409 and "shows no effect at its review" in too_soon.json()["detail"]
        early = post_json(client, step_url(case), {"step": "review_plan", "effective": False, "note": "No change."})
        assert early.status_code == 409 and early.json()["detail"] == "The plan is reviewed on 2026-09-02 at the earliest."
    with time_machine.travel(dt.datetime(2026, 9, 2, 9, tzinfo=dt.UTC), tick=False):
        missing = post_json(client, step_url(case), {"step": "review_plan", "note": "No change."})
        assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "effective"
        no_note = post_json(client, step_url(case), {"step": "review_plan", "effective": False})
        assert no_note.status_code == 400 and no_note.json()["errors"][0]["field"] == "note"
        failed = post_json(client, step_url(case), {"step": "review_plan", "effective": False, "note": "No change."})
        assert failed.status_code == 200 and failed.json()["suspended_until"] == "2026-12-02"
        revise = post_json(client, step_url(case), {"step": "revise_plan", "plan": "Audit."})
        assert revise.status_code == 400 and [e["field"] for e in revise.json()["errors"]] == ["targets"]
        revise = post_json(client, step_url(case), {"step": "revise_plan", "plan": "Audit.", "targets": "Clean shipments."})
        assert revise.status_code == 200
        resume = post_json(client, step_url(case), {"step": "resume_trade", "note": "Met."})
        assert resume.status_code == 409 and resume.json()["detail"] == "Trade can resume on 2026-12-02 at the earliest."
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), tick=False):
        resume = post_json(client, step_url(case), {"step": "resume_trade", "note": "Two clean shipments."})
    assert resume.status_code == 200
    assert (resume.json()["status"], resume.json()["review_due"]) == ("plan", "2027-06-02")
    case.supplier.refresh_from_db()
    assert case.supplier.status == Supplier.Status.ACTIVE


def test_an_unknown_step_is_422(client_for, compliance, case):
    response = post_json(client_for(compliance), step_url(case), {"step": "escalate", "note": "x"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "step"


def test_terminating_through_the_api_raises_a_recommendation(client_for, compliance, supplier_a):
    grave = cases.open_case(supplier_a, actor=compliance, risk_type=T.SERIOUS_ABUSES, description="Forced labour.")
    response = post_json(client_for(compliance), step_url(grave), {"step": "terminate", "note": "Forced labour confirmed."})
    assert response.status_code == 200 and response.json()["status"] == "terminated"
    assert TerminationCase.objects.get().source_ref == f"minerals_case:{grave.pk}"


def test_the_list_filters_and_validates(client_for, compliance, case, supplier_b):
    cases.open_case(supplier_b, actor=compliance, risk_type=T.ARMED_GROUPS, description="x")
    client = client_for(compliance)
    assert client.get(LIST).json()["count"] == 2
    assert [i["id"] for i in client.get(LIST, {"risk_type": T.BRIBERY_FRAUD}).json()["items"]] == [case.pk]
    assert client.get(LIST, {"supplier_id": supplier_b.pk}).json()["count"] == 1
    assert client.get(LIST, {"status": "open"}).json()["count"] == 2
    assert client.get(LIST, {"review_due": "true"}).json()["count"] == 0
    bad = client.get(LIST, {"status": "archived"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_deep_pages_of_the_list_are_the_pages_the_forward_reading_gives(client_for, compliance):
    kinds = [T.BRIBERY_FRAUD, T.ARMED_GROUPS]
    opened = [
        cases.open_case(make_supplier(), actor=compliance, risk_type=kinds[n % 2], description=f"Case {n}.") for n in range(11)
    ]
    at = timezone.now()
    for n, case in enumerate(opened):  # opened at the same moment in threes
        RiskCase.objects.filter(pk=case.pk).update(opened_at=at - dt.timedelta(days=n % 3))
    client = client_for(compliance)
    assert_deep_pages_are_the_forward_pages(client, LIST, total=11)
    assert_deep_pages_are_the_forward_pages(client, f"{LIST}?risk_type={T.ARMED_GROUPS}", total=5)
