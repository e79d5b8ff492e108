"""The audits API with the named personas: staff read the programme and Cap.AUDIT writes; a supplier's users
read their own reported audits only."""

import json
from datetime import date

import pytest
from django.urls import reverse

from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction, Finding
from supplyesg.core.models import AuditEvent
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit, make_reported_audit
from tests.paging import assert_deep_pages_are_the_forward_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-03-20 10:00:00+08:00", tick=False)


@pytest.fixture
def world(supplier_a, supplier_b):
    return {
        "reported": make_reported_audit(supplier_a, report_date=date(2026, 3, 10), severities=("major", "observation")),
        "planned": make_audit(supplier_a, planned_start=date(2026, 3, 2), planned_end=date(2026, 3, 3)),
        "running": make_audit(supplier_b, status=Audit.Status.IN_PROGRESS, started_on=date(2026, 3, 2), kind=Audit.Kind.DESK),
        "other_reported": make_reported_audit(supplier_b, report_date=date(2026, 2, 10), severities=()),
    }


def post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


LIST = "/api/audits"


def test_names_of_the_endpoints():
    assert reverse("api:audits_list") == LIST
    assert reverse("api:audits_detail", args=[7]) == "/api/audits/7"
    assert reverse("api:audits_create") == LIST
    assert reverse("api:audits_add_finding", args=[7]) == "/api/audits/7/findings"
    assert reverse("api:audits_issue_report", args=[7]) == "/api/audits/7/report"


def test_anonymous_callers_get_401(client_for, world):
    client = client_for(None)
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}/{world['reported'].pk}").status_code == 401
    assert post(client, LIST, {}).status_code == 401


def test_staff_list_the_programme_with_filters(client_for, world, viewer):
    client = client_for(viewer)

    everything = client.get(LIST).json()
    overdue = client.get(LIST, {"overdue": "true"}).json()
    desk = client.get(LIST, {"kind": "desk", "year": 2026}).json()
    reported_a = client.get(LIST, {"status": "reported", "supplier_id": world["reported"].supplier_id}).json()

    assert everything["count"] == 4
    assert {a["id"] for a in overdue["items"]} == {world["planned"].pk, world["running"].pk}
    assert all(a["overdue"] for a in overdue["items"])
    assert [a["id"] for a in desk["items"]] == [world["running"].pk]
    assert [a["id"] for a in reported_a["items"]] == [world["reported"].pk]
    assert client.get(LIST, {"status": "lost"}).status_code == 422


def test_deep_pages_of_the_programme_are_the_pages_the_forward_reading_gives(client_for, viewer, supplier_a_user, supplier_a):
    for n in range(11):  # two years, planned starts tied in threes
        make_audit(supplier_a, year=2025 + n % 2, planned_start=date(2026, 3, 2 + n % 3), planned_end=date(2026, 3, 9))
    assert_deep_pages_are_the_forward_pages(client_for(viewer), LIST, total=11)
    assert_deep_pages_are_the_forward_pages(client_for(viewer), f"{LIST}?year=2026", total=5)
    for n in range(5):
        make_reported_audit(supplier_a, report_date=date(2026, 3, 10 + n % 2), severities=())
    assert_deep_pages_are_the_forward_pages(client_for(supplier_a_user), LIST, total=5)


def test_a_supplier_user_lists_its_own_reported_audits_only(client_for, world, supplier_a_user):
    items = client_for(supplier_a_user).get(LIST).json()["items"]

    assert [a["id"] for a in items] == [world["reported"].pk]
    assert items[0]["result_level"] == "medium" and "lead_auditor" not in items[0] and "score" not in items[0]


def test_an_audit_comes_with_its_findings_and_corrective_actions(client_for, world, viewer, supplier_a_user):
    reported = world["reported"]
    body = client_for(viewer).get(f"{LIST}/{reported.pk}").json()

    assert body["status"] == "reported" and body["report_date"] == "2026-03-10"
    severities = {f["severity"]: f for f in body["findings"]}
    assert set(severities) == {"major", "observation"}
    assert severities["major"]["corrective_action_id"] == CorrectiveAction.objects.get().pk
    assert severities["observation"]["corrective_action_id"] is None
    assert client_for(supplier_a_user).get(f"{LIST}/{reported.pk}").status_code == 200


def test_a_supplier_user_never_sees_an_unreported_or_another_suppliers_audit(client_for, world, supplier_a_user, supplier_b_user):
    assert client_for(supplier_a_user).get(f"{LIST}/{world['planned'].pk}").status_code == 404
    assert client_for(supplier_b_user).get(f"{LIST}/{world['reported'].pk}").status_code == 404
    assert client_for(supplier_a_user).get(f"{LIST}/{world['other_reported'].pk}").status_code == 404


def test_an_auditor_plans_an_audit(client_for, world, auditor, supplier_a):
    response = post(
        client_for(auditor),
        LIST,
        {
            "supplier_id": supplier_a.pk,
            "year": 2026,
            "kind": "onsite",
            "planned_start": "2026-06-01",
            "planned_end": "2026-06-02",
            "lead_auditor_id": auditor.pk,
            "scope": ["labour"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["reason"] == "manual" and body["status"] == "planned" and body["lead_auditor"] == auditor.username
    assert AuditEvent.objects.filter(action="audit.planned", supplier=supplier_a).exists()


def test_writes_are_forbidden_to_read_only_roles_and_not_found_for_suppliers(
    client_for, world, viewer, procurement, supplier_a_user
):
    running = world["running"].pk
    for user, code in ((viewer, 403), (procurement, 403), (supplier_a_user, 404)):
        client = client_for(user)
        assert post(client, LIST, {}).status_code == code
        assert post(client, f"{LIST}/{running}/findings", {}).status_code == code
        assert post(client, f"{LIST}/{running}/report", {}).status_code == code


def test_dates_in_the_wrong_order_are_refused_naming_the_field(client_for, world, compliance, supplier_a):
    response = post(
        client_for(compliance),
        LIST,
        {"supplier_id": supplier_a.pk, "year": 2026, "kind": "desk", "planned_start": "2026-06-02", "planned_end": "2026-06-01"},
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "planned_end: the end is before the start."
    assert Audit.objects.count() == 4


def test_an_unknown_supplier_or_kind_is_refused(client_for, world, compliance):
    client = client_for(compliance)

    unknown = post(client, LIST, {"supplier_id": 999999, "year": 2026, "kind": "desk"})
    bad_kind = post(client, LIST, {"supplier_id": world["planned"].supplier_id, "year": 2026, "kind": "spa"})

    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "supplier_id"
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"


def test_an_auditor_records_findings_and_issues_the_report(client_for, world, auditor):
    running = world["running"]
    requirement = make_requirement(code="RBA-B2", risk_category="health_safety")
    item = ChecklistItem.objects.create(audit=running, requirement=requirement, risk_category="health_safety")
    client = client_for(auditor)

    finding = post(
        client,
        f"{LIST}/{running.pk}/findings",
        {"severity": "priority", "description": "No fire exits", "checklist_item_id": item.pk},
    )
    assert finding.status_code == 201
    assert finding.json()["area"] == "health_safety" and finding.json()["requirement"] == "RBA-B2"

    refused = post(client, f"{LIST}/{running.pk}/report", {"report_date": "2026-03-01", "summary": "x"})
    assert refused.status_code == 409 and "report_date" in refused.json()["detail"]

    issued = post(client, f"{LIST}/{running.pk}/report", {"report_date": "2026-03-19", "summary": "Fire safety."})
    assert issued.status_code == 200
    body = issued.json()
    assert body["status"] == "reported" and body["result_level"] == "high"
    assert body["improvement_plan_due"] == "2026-06-19"
    assert body["findings"][0]["corrective_action_id"] == CorrectiveAction.objects.get(audit=running).pk


def test_a_finding_on_a_reported_audit_or_another_audits_item_is_refused(client_for, world, auditor):
    client = client_for(auditor)
    other_item = ChecklistItem.objects.create(audit=world["reported"], requirement=make_requirement(), risk_category="labour")

    reported = post(
        client, f"{LIST}/{world['reported'].pk}/findings", {"severity": "minor", "area": "labour", "description": "x"}
    )
    foreign = post(
        client,
        f"{LIST}/{world['running'].pk}/findings",
        {"severity": "minor", "description": "x", "checklist_item_id": other_item.pk},
    )

    assert reported.status_code == 409 and "Adding a finding" in reported.json()["detail"]
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["field"] == "checklist_item_id"
    assert Finding.objects.filter(audit=world["running"]).count() == 0


def test_a_supplier_users_token_reads_its_audit_without_the_auditors_notes(client_for, world, supplier_a_user, viewer):
    audit = world["reported"]
    staff = client_for(viewer).get(f"{LIST}/{audit.pk}").json()
    own = client_for(supplier_a_user).get(f"{LIST}/{audit.pk}").json()

    assert "checklist" in staff and "summary" in staff
    assert own["id"] == audit.pk and [f["id"] for f in own["findings"]] == [f["id"] for f in staff["findings"]]
    assert not {"checklist", "summary", "score", "lead_auditor", "audit_firm", "scope", "reason"} & set(own)
