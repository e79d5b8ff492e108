"""Audits and corrective actions in the supplier portal: own data only, the plan flow (submit → reject →
resubmit → approve → completion → close), evidence downloads, trainings and the portal home's to-do sentences."""

import datetime as dt
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supplyesg.audits.models import AuditFile, CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.audits.views.portal import portal_section
from supplyesg.engagement.models import RequiredTraining
from supplyesg.engagement.services import required as training
from tests.audits.factories_audits import make_audit, make_finding, make_reported_audit
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db
S = CorrectiveAction.Status
PLAN = {
    "root_cause": "No working-hours monitoring.",
    "corrective_action": "Cap overtime at 60 hours.",
    "preventive_action": "Monthly HR audit.",
    "owner": "Li Wei, HR manager",
    "completion_date": "2026-05-31",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def audit(supplier_a, auditor):
    return make_reported_audit(supplier_a, lead_auditor=auditor, severities=("major", "observation"))


@pytest.fixture
def action(audit):
    return audit.corrective_actions.get()


@pytest.fixture
def assigned(supplier_a, compliance):
    return training.assign_training(supplier_a, actor=compliance, topic="Working hours", due_date=date(2026, 3, 15))


def action_url(action, name="audits_portal:action"):
    return reverse(name, kwargs={"action_pk": action.pk})


def pdf(name="records.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# ---------------------------------------------------------------- who may see what


def test_anonymous_visitors_are_sent_to_log_in(client_for, action, assigned):
    for url in (reverse("audits_portal:list"), reverse("audits_portal:trainings"), action_url(action)):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_internal_users_have_no_portal(client_for, compliance, action):
    for url in (reverse("audits_portal:list"), reverse("audits_portal:trainings"), action_url(action)):
        assert client_for(compliance).get(url).status_code == 404, url


def test_supplier_b_never_sees_or_changes_supplier_a_corrective_actions(
    client_for, supplier_a_user, supplier_b_user, action, assigned
):
    corrective.submit_plan(action, actor=supplier_a_user, **{**PLAN, "completion_date": date(2026, 5, 31)})
    corrective.approve_plan(action, actor=action.audit.lead_auditor)
    corrective.submit_completion(action, actor=supplier_a_user, note="Done.", files=[pdf()])
    record = AuditFile.objects.get()
    b = client_for(supplier_b_user)
    assert b.get(action_url(action)).status_code == 404
    assert b.post(action_url(action), PLAN).status_code == 404
    assert b.post(action_url(action, "audits_portal:complete"), {"note": "x"}).status_code == 404
    assert b.get(reverse("audits_portal:file", kwargs={"action_pk": action.pk, "file_pk": record.pk})).status_code == 404
    assert (
        b.post(reverse("audits_portal:attend_training", kwargs={"training_pk": assigned.pk}), {"attendee": "Bob"}).status_code
        == 404
    )
    listing = b.get(reverse("audits_portal:list")).content.decode()
    assert "Overtime above 60 hours" not in listing and "No audit report has been issued to you." in listing
    assert "Working hours" not in b.get(reverse("audits_portal:trainings")).content.decode()
    assigned.refresh_from_db()
    assert assigned.status == RequiredTraining.Status.ASSIGNED


def test_an_audit_not_yet_reported_stays_out_of_the_portal(client_for, supplier_a, supplier_a_user):
    draft = make_audit(supplier_a, status="in_progress")
    make_finding(draft, description="Blocked fire exit")
    assert "Blocked fire exit" not in client_for(supplier_a_user).get(reverse("audits_portal:list")).content.decode()


# ---------------------------------------------------------------- the flow


def test_the_supplier_submits_is_rejected_resubmits_and_closes(client_for, supplier_a_user, auditor, action, monkeypatch):
    closed = []
    monkeypatch.setattr("supplyesg.audits.services.conduct.close_audit_if_done", lambda audit, *, actor: closed.append(audit.pk))
    supplier, reviewer = client_for(supplier_a_user), client_for(auditor)

    listing = supplier.get(reverse("audits_portal:list")).content.decode()
    assert "Overtime above 60 hours" in listing and "Observation" in listing and "submit the plan" in listing

    assert supplier.post(action_url(action), PLAN).status_code == 302
    action.refresh_from_db()
    assert action.status == S.SUBMITTED and action.revision == 1

    reviewer.post(reverse("corrective:reject", kwargs={"action_pk": action.pk}), {"reason": "The root cause is a symptom."})
    page = supplier.get(action_url(action)).content.decode()
    assert "Why your plan was rejected" in page and "The root cause is a symptom." in page
    assert "Revise and resubmit your plan" in page and "No working-hours monitoring." in page  # the form keeps the plan

    assert supplier.post(action_url(action), {**PLAN, "root_cause": "Piece-rate pay."}).status_code == 302
    action.refresh_from_db()
    assert action.status == S.SUBMITTED and action.revision == 2 and action.root_cause == "Piece-rate pay."

    reviewer.post(reverse("corrective:approve", kwargs={"action_pk": action.pk}), {})
    page = supplier.get(action_url(action)).content.decode()
    assert "Report it done" in page and 'enctype="multipart/form-data"' in page

    response = supplier.post(
        action_url(action, "audits_portal:complete"), {"note": "Overtime capped.", "files": [pdf("a.pdf"), pdf("b.pdf")]}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == S.COMPLETED and action.files.count() == 2

    reviewer.post(reverse("corrective:close", kwargs={"action_pk": action.pk}), {"closure": "evidence"})
    action.refresh_from_db()
    assert action.status == S.CLOSED and closed == [action.audit_id]
    assert "Closed" in supplier.get(action_url(action)).content.decode()


def test_a_plan_with_a_past_date_is_refused_beside_the_field(client_for, supplier_a_user, action):
    response = client_for(supplier_a_user).post(action_url(action), {**PLAN, "completion_date": "2026-03-01", "owner": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "the date is in the past." in html and "name the person responsible." in html
    action.refresh_from_db()
    assert action.status == S.AWAITING_PLAN


def test_a_plan_cannot_be_resubmitted_while_under_review(client_for, supplier_a_user, action):
    client = client_for(supplier_a_user)
    client.post(action_url(action), PLAN)
    response = client.post(action_url(action), PLAN)
    assert response.status_code == 400 and "cannot be submitted now" in response.content.decode()


def test_bad_evidence_is_refused_and_nothing_is_kept(client_for, supplier_a_user, auditor, action):
    corrective.submit_plan(action, actor=supplier_a_user, **{**PLAN, "completion_date": date(2026, 5, 31)})
    corrective.approve_plan(action, actor=auditor)
    fake = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = client_for(supplier_a_user).post(action_url(action, "audits_portal:complete"), {"note": "Done.", "files": [fake]})
    assert response.status_code == 400 and "photo.png" in response.content.decode()
    assert not AuditFile.objects.exists()
    action.refresh_from_db()
    assert action.status == S.APPROVED


def test_the_supplier_downloads_its_own_evidence(client_for, supplier_a_user, auditor, action):
    corrective.submit_plan(action, actor=supplier_a_user, **{**PLAN, "completion_date": date(2026, 5, 31)})
    corrective.approve_plan(action, actor=auditor)
    corrective.submit_completion(action, actor=supplier_a_user, note="Done.", files=[pdf("timesheets.pdf")])
    record = AuditFile.objects.get()
    response = client_for(supplier_a_user).get(
        reverse("audits_portal:file", kwargs={"action_pk": action.pk, "file_pk": record.pk})
    )
    assert response.status_code == 200 and "timesheets.pdf" in response["Content-Disposition"]
    # An audit file not attached to this corrective action is not reachable through it.
    other = AuditFile(audit=action.audit, original_name="internal-notes.pdf")
    other.supplier_id = action.audit.supplier_id
    other.file.save("internal-notes.pdf", pdf(), save=True)
    url = reverse("audits_portal:file", kwargs={"action_pk": action.pk, "file_pk": other.pk})
    assert client_for(supplier_a_user).get(url).status_code == 404


def test_overdue_actions_are_marked(client_for, supplier_a_user, action):
    with time_machine.travel(dt.datetime(2026, 3, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        html = client_for(supplier_a_user).get(reverse("audits_portal:list")).content.decode()
    assert "3 days late" in html and "escalated" not in html


# ---------------------------------------------------------------- trainings and the home page


def test_the_supplier_marks_a_training_attended(client_for, supplier_a_user, assigned):
    client = client_for(supplier_a_user)
    assert "Working hours" in client.get(reverse("audits_portal:trainings")).content.decode()
    url = reverse("audits_portal:attend_training", kwargs={"training_pk": assigned.pk})
    client.post(url, {"attendee": ""})
    assigned.refresh_from_db()
    assert assigned.status == RequiredTraining.Status.ASSIGNED
    assert client.post(url, {"attendee": "Li Wei, HR"}).status_code == 302
    assigned.refresh_from_db()
    assert (assigned.status, assigned.attendee) == (RequiredTraining.Status.COMPLETED, "Li Wei, HR")


def test_the_portal_section_lists_what_to_do(rf, supplier_a, supplier_a_user, auditor, audit, action, assigned):
    request = rf.get("/")
    request.user = supplier_a_user
    due_soon = make_reported_audit(supplier_a, report_date=date(2026, 3, 1), severities=("priority",))
    late = due_soon.corrective_actions.get()  # plan due 8 March: late
    section = portal_section(request, supplier_a)
    assert section.key == "audits" and section.url == reverse("audits_portal:list")
    assert any(f"CAP #{late.pk}" in s and "was due on" in s for s in section.todo)
    assert not any(f"CAP #{action.pk}" in s for s in section.todo)  # due 24 March: not yet in the window
    assert any("Working hours" in s for s in section.todo)

    corrective.submit_plan(action, actor=supplier_a_user, **{**PLAN, "completion_date": date(2026, 5, 31)})
    corrective.reject_plan(action, actor=auditor, reason="Too vague.")
    assert any(f"CAP #{action.pk}" in s and "rejected" in s for s in portal_section(request, supplier_a).todo)


def test_the_portal_home_shows_the_audits_tab(client_for, supplier_a_user, action):
    html = client_for(supplier_a_user).get(reverse("portal:home")).content.decode()
    assert reverse("audits_portal:list") in html
