"""The corrective-action API: supplier users read and plan their own actions only, staff with the audit right
review and close; errors come as {"detail", "errors": [{"field", "message"}]} with a 4xx code."""

import datetime as dt
import json
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from supplyesg.audits.models import CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.core.services import create_api_token
from tests.audits.factories_audits import make_reported_audit
from tests.paging import assert_deep_pages_are_the_forward_pages

pytestmark = pytest.mark.django_db
S = CorrectiveAction.Status
PLAN = {
    "root_cause": "No monitoring.",
    "corrective_action": "Cap overtime.",
    "preventive_action": "Monthly HR audit.",
    "owner": "Li Wei",
    "completion_date": "2026-05-31",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def action(supplier_a, auditor):
    return make_reported_audit(supplier_a, lead_auditor=auditor).corrective_actions.get()


@pytest.fixture
def b_action(supplier_b):
    return make_reported_audit(supplier_b, severities=("minor",)).corrective_actions.get()


def url(name, action=None):
    return reverse(f"api:{name}", kwargs={"action_id": action.pk} if action else None)


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_anonymous_callers_get_401(client_for, action):
    assert client_for(None).get(url("corrective_actions")).status_code == 401
    assert client_for(None).get(url("corrective_action", action)).status_code == 401
    for name in ("corrective_submit_plan", "corrective_approve", "corrective_reject", "corrective_close"):
        response = post(client_for(None), url(name, action), {})
        assert response.status_code == 401 and response.json()["detail"], name


def test_staff_list_every_action_and_suppliers_only_their_own(client_for, compliance, supplier_a_user, action, b_action):
    everyone = client_for(compliance).get(url("corrective_actions")).json()
    assert everyone["count"] == 2 and {i["id"] for i in everyone["items"]} == {action.pk, b_action.pk}
    own = client_for(supplier_a_user).get(url("corrective_actions")).json()
    assert [i["id"] for i in own["items"]] == [action.pk] and own["items"][0]["escalated"] is None
    minors = client_for(compliance).get(url("corrective_actions"), {"severity": "minor"}).json()
    assert [i["id"] for i in minors["items"]] == [b_action.pk]
    bad = client_for(compliance).get(url("corrective_actions"), {"status": "lost"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_deep_pages_of_the_list_are_the_pages_the_forward_reading_gives(client_for, compliance, supplier_a_user, supplier_a):
    for n in range(4):  # plan due dates tied: three actions of one audit, a priority one due a week earlier
        make_reported_audit(supplier_a if n % 2 else None, severities=("major", "minor", "priority"))
    assert_deep_pages_are_the_forward_pages(client_for(compliance), url("corrective_actions"), total=12)
    assert_deep_pages_are_the_forward_pages(client_for(compliance), url("corrective_actions") + "?severity=major", total=4)
    assert_deep_pages_are_the_forward_pages(client_for(supplier_a_user), url("corrective_actions"), total=6)


def test_the_list_shows_lateness(client_for, compliance, action):
    with time_machine.travel(dt.datetime(2026, 3, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        item = client_for(compliance).get(url("corrective_actions"), {"overdue": True}).json()["items"][0]
    assert (item["clock"], item["due"], item["days_late"], item["overdue"]) == ("plan", "2026-03-24", 3, True)


def test_supplier_b_cannot_read_or_plan_supplier_a_action(client_for, supplier_b_user, action):
    assert client_for(supplier_b_user).get(url("corrective_action", action)).status_code == 404
    response = post(client_for(supplier_b_user), url("corrective_submit_plan", action), PLAN)
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "errors": []}
    action.refresh_from_db()
    assert action.status == S.AWAITING_PLAN


def test_the_supplier_submits_its_plan_with_a_token(supplier_a_user, action, client):
    _token, raw = create_api_token(user=supplier_a_user, name="erp", actor=supplier_a_user)
    response = client.post(
        url("corrective_submit_plan", action),
        json.dumps(PLAN),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted" and body["revision"] == 1 and body["completion_date"] == "2026-05-31"


def test_a_bad_plan_names_each_field(client_for, supplier_a_user, action):
    response = post(
        client_for(supplier_a_user), url("corrective_submit_plan", action), {**PLAN, "owner": "", "completion_date": "2020-07-01"}
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"owner", "completion_date"}
    unreadable = post(client_for(supplier_a_user), url("corrective_submit_plan", action), {**PLAN, "completion_date": "soon"})
    assert unreadable.status_code == 422 and unreadable.json()["errors"][0]["field"] == "completion_date"


def test_roles_without_the_audit_right_cannot_plan_or_review(client_for, viewer, procurement, supplier_a_user, action):
    for user in (viewer, procurement):
        for name in ("corrective_submit_plan", "corrective_approve", "corrective_reject", "corrective_close"):
            assert post(client_for(user), url(name, action), {"completion_date": "soon"}).status_code == 403, name
    for name in ("corrective_approve", "corrective_reject", "corrective_close"):
        assert post(client_for(supplier_a_user), url(name, action), {}).status_code == 404, name


def test_an_auditor_rejects_then_approves(client_for, auditor, supplier_a_user, action):
    supplier, reviewer = client_for(supplier_a_user), client_for(auditor)
    post(supplier, url("corrective_submit_plan", action), PLAN)
    no_reason = post(reviewer, url("corrective_reject", action), {})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    rejected = post(reviewer, url("corrective_reject", action), {"reason": "Dig deeper."}).json()
    assert rejected["status"] == "rejected" and rejected["review_comment"] == "Dig deeper."
    assert supplier.get(url("corrective_action", action)).json()["review_comment"] == "Dig deeper."
    wrong_state = post(reviewer, url("corrective_approve", action), {})
    assert wrong_state.status_code == 409 and "Only a submitted plan" in wrong_state.json()["detail"]
    post(supplier, url("corrective_submit_plan", action), {**PLAN, "root_cause": "Piece-rate pay."})
    approved = post(reviewer, url("corrective_approve", action), {"comment": "Fine."}).json()
    assert approved["status"] == "approved" and approved["revision"] == 2


def test_closing_by_follow_up_audit(client_for, compliance, supplier_a, supplier_b, action, monkeypatch):
    monkeypatch.setattr("supplyesg.audits.services.conduct.close_audit_if_done", lambda audit, *, actor: True)
    client = client_for(compliance)
    missing = post(client, url("corrective_close", action), {"closure": "follow_up", "follow_up_audit_id": 999999})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "follow_up_audit_id"
    elsewhere = make_reported_audit(supplier_b, report_date=date(2026, 3, 11), severities=())
    wrong = post(client, url("corrective_close", action), {"closure": "follow_up", "follow_up_audit_id": elsewhere.pk})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "follow_up_audit_id"
    no_evidence = post(client, url("corrective_close", action), {"closure": "evidence"})
    assert no_evidence.status_code == 400 and no_evidence.json()["errors"][0]["field"] == "closure"
    follow_up = make_reported_audit(supplier_a, report_date=date(2026, 3, 11), severities=(), result_level="low")
    done = post(client, url("corrective_close", action), {"closure": "follow_up", "follow_up_audit_id": follow_up.pk})
    assert done.status_code == 200 and done.json()["status"] == "closed" and done.json()["follow_up_audit_id"] == follow_up.pk


def test_the_detail_lists_evidence_files(client_for, supplier_a_user, auditor, action):
    from tests.factories import pdf_upload

    corrective.submit_plan(action, actor=supplier_a_user, **{**PLAN, "completion_date": date(2026, 5, 31)})
    corrective.approve_plan(action, actor=auditor)
    corrective.submit_completion(action, actor=supplier_a_user, note="Done.", files=[pdf_upload("proof.pdf")])
    body = client_for(supplier_a_user).get(url("corrective_action", action)).json()
    assert body["status"] == "completed" and [f["name"] for f in body["files"]] == ["proof.pdf"]


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(client_for, compliance, supplier_a, django_assert_max_num_queries):
    client = client_for(compliance)
    make_reported_audit(supplier_a, severities=("major",))
    client.get(url("corrective_actions"))
    with django_assert_max_num_queries(8) as few:
        client.get(url("corrective_actions"))
    for _n in range(5):
        make_reported_audit(supplier_a, severities=("major", "minor", "priority"))
    with django_assert_max_num_queries(len(few)):
        assert client.get(url("corrective_actions")).json()["count"] == 16


def test_the_auditor_agrees_the_completion_date_through_the_api(client_for, auditor, supplier_a_user, action):
    """ESG manual, low risk: the completion date agreed between both parties becomes the remediation date."""
    post(client_for(supplier_a_user), url("corrective_submit_plan", action), PLAN)
    approved = post(client_for(auditor), url("corrective_approve", action), {"completion_date": "2026-11-30"})
    assert approved.status_code == 200
    action.refresh_from_db()
    assert (action.completion_date.isoformat(), action.remediation_due.isoformat()) == ("2026-11-30", "2026-11-30")
