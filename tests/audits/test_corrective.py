"""Corrective-action services: the supplier's plan, its review, completion evidence and closure, each audited
with old → new values, each guarded, e-mails once the transaction commits."""

import datetime as dt
import sys
import types
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from supplyesg.audits.models import Audit, AuditFile, CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, Role
from tests.audits.factories_audits import make_audit, make_reported_audit
from tests.factories import make_contact, make_user, pdf_upload

pytestmark = pytest.mark.django_db
S = CorrectiveAction.Status
TODAY = date(2026, 3, 12)  # two days after the report of 10 March: plan due 24 March, remediation 8 June


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def audit(supplier_a, auditor):
    make_contact(supplier_a, email="esg@alpha.example")
    return make_reported_audit(supplier_a, lead_auditor=auditor, severities=("major", "minor"))


@pytest.fixture
def action(audit):
    return audit.corrective_actions.get(finding__severity="major")


def plan(**overrides):
    values = {
        "root_cause": "No working-hours monitoring.",
        "corrective_action": "Cap overtime at 60 hours; weekly review.",
        "preventive_action": "Monthly HR audit of time records.",
        "owner": "Li Wei, HR manager",
        "completion_date": date(2026, 5, 31),
    }
    return {**values, **overrides}


def submitted(action, user, **overrides):
    return corrective.submit_plan(action, actor=user, **plan(**overrides))


def approved(action, supplier_user, reviewer):
    return corrective.approve_plan(submitted(action, supplier_user), actor=reviewer)


def completed(action, supplier_user, reviewer):
    return corrective.submit_completion(
        approved(action, supplier_user, reviewer), actor=supplier_user, note="Overtime capped.", files=[pdf_upload()]
    )


def messages_of(excinfo) -> list[str]:
    return excinfo.value.messages


# ---------------------------------------------------------------- submit_plan


def test_the_supplier_submits_a_plan_and_the_lead_auditor_hears_of_it(
    action, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = submitted(action, supplier_a_user)
    assert result.status == S.SUBMITTED and result.revision == 1
    assert result.owner == "Li Wei, HR manager" and result.submitted_by == supplier_a_user
    event = AuditEvent.objects.for_object(action).get(action="corrective_action.plan_submitted")
    assert event.changes["status"] == ["awaiting_plan", "submitted"]
    assert event.changes["root_cause"] == ["", "No working-hours monitoring."]
    assert event.changes["completion_date"] == [None, "2026-05-31"]
    assert event.changes["revision"] == [0, 1]
    assert [m.to for m in mail.outbox] == [[auditor.email]]


def test_without_a_lead_auditor_every_auditor_is_told(supplier_a, supplier_a_user, django_capture_on_commit_callbacks):
    audit = make_reported_audit(supplier_a)
    first = make_user(Role.AUDITOR, email="a1@example.com")
    second = make_user(Role.AUDITOR, email="a2@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        submitted(audit.corrective_actions.get(), supplier_a_user)
    assert sorted(mail.outbox[0].to) == sorted([first.email, second.email])


def test_every_plan_field_is_required_and_named(action, supplier_a_user):
    with pytest.raises(RuleViolation) as excinfo:
        corrective.submit_plan(
            action,
            actor=supplier_a_user,
            root_cause=" ",
            corrective_action="",
            preventive_action="",
            owner="",
            completion_date=None,
        )
    fields = [m.split(":")[0] for m in messages_of(excinfo)]
    assert fields == ["root_cause", "corrective_action", "preventive_action", "owner", "completion_date"]
    action.refresh_from_db()
    assert action.status == S.AWAITING_PLAN and action.revision == 0
    assert not AuditEvent.objects.for_object(action).exists()


def test_a_completion_date_in_the_past_is_refused(action, supplier_a_user):
    with pytest.raises(RuleViolation) as excinfo:
        submitted(action, supplier_a_user, completion_date=date(2026, 3, 11))
    assert messages_of(excinfo)[0] == "completion_date: the date is in the past."


@pytest.mark.parametrize(
    ("proposed", "agreed", "due"),
    [
        (date(2026, 6, 9), None, date(2026, 6, 9)),  # later than the suggested 90 days: the supplier's date stands
        (date(2026, 12, 1), None, date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 10, 1), date(2026, 10, 1)),  # the auditor agreed another date
    ],
)
def test_esg_manual_low_risk_nonconformities_close_in_the_time_frame_both_parties_agreed(
    action, supplier_a_user, auditor, proposed, agreed, due
):
    submitted(action, supplier_a_user, completion_date=proposed)
    approved = corrective.approve_plan(action, actor=auditor, completion_date=agreed)
    assert (approved.status, approved.completion_date, approved.remediation_due) == (S.APPROVED, due, due)
    event = AuditEvent.objects.for_object(action).get(action="corrective_action.plan_approved")
    assert event.changes["remediation_due"][1] == due.isoformat()


def test_the_completion_date_may_be_today_or_the_remediation_date(action, audit, supplier_a_user):
    assert submitted(action, supplier_a_user, completion_date=TODAY).status == S.SUBMITTED
    other = audit.corrective_actions.get(finding__severity="minor")
    assert submitted(other, supplier_a_user, completion_date=other.remediation_due).status == S.SUBMITTED


def test_another_supplier_cannot_submit_the_plan(action, supplier_b_user):
    with pytest.raises(PermissionDenied):
        submitted(action, supplier_b_user)


def test_staff_with_the_audit_right_may_enter_a_plan_on_the_suppliers_behalf(action, compliance, viewer, procurement):
    for user in (viewer, procurement):
        with pytest.raises(PermissionDenied):
            submitted(action, user)
    assert submitted(action, compliance).submitted_by == compliance


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.COMPLETED, S.CLOSED])
def test_a_plan_cannot_be_submitted_unless_awaited_or_rejected(action, supplier_a_user, status):
    CorrectiveAction.objects.filter(pk=action.pk).update(status=status)
    with pytest.raises(RuleViolation, match="cannot be submitted now"):
        submitted(action, supplier_a_user)


def test_no_plan_before_the_report_is_issued(supplier_a, supplier_a_user):
    audit = make_reported_audit(supplier_a)
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.IN_PROGRESS)
    with pytest.raises(RuleViolation, match="not issued"):
        submitted(audit.corrective_actions.get(), supplier_a_user)


# ---------------------------------------------------------------- review


def test_approving_a_plan_tells_the_supplier(action, supplier_a_user, auditor, django_capture_on_commit_callbacks):
    plan_in = submitted(action, supplier_a_user)
    with django_capture_on_commit_callbacks(execute=True):
        result = corrective.approve_plan(plan_in, actor=auditor, comment="Good plan.")
    assert result.status == S.APPROVED and result.review_comment == "Good plan." and result.reviewed_by == auditor
    assert AuditEvent.objects.for_object(action).filter(action="corrective_action.plan_approved").exists()
    assert "纠正措施计划已批准" in mail.outbox[-1].subject  # a supplier in China reads Chinese
    assert sorted(mail.outbox[-1].to) == sorted(["esg@alpha.example", supplier_a_user.email])


def test_only_a_submitted_plan_can_be_approved_or_rejected(action, auditor):
    with pytest.raises(RuleViolation, match="Only a submitted plan"):
        corrective.approve_plan(action, actor=auditor)
    with pytest.raises(RuleViolation, match="Only a submitted plan"):
        corrective.reject_plan(action, actor=auditor, reason="Too vague.")


def test_only_staff_with_the_audit_right_review_plans(action, supplier_a_user, procurement, viewer):
    submitted(action, supplier_a_user)
    for user in (procurement, viewer, supplier_a_user, None):
        with pytest.raises(PermissionDenied):
            corrective.approve_plan(action, actor=user)
        with pytest.raises(PermissionDenied):
            corrective.reject_plan(action, actor=user, reason="No.")
    action.refresh_from_db()
    assert action.status == S.SUBMITTED


def test_a_rejection_needs_reasons_and_the_supplier_resubmits(
    action, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    submitted(action, supplier_a_user)
    with pytest.raises(RuleViolation) as excinfo:
        corrective.reject_plan(action, actor=auditor, reason="  ")
    assert messages_of(excinfo)[0].startswith("reason: ")
    with django_capture_on_commit_callbacks(execute=True):
        rejected = corrective.reject_plan(action, actor=auditor, reason="Root cause is a symptom; dig deeper.")
    assert rejected.status == S.REJECTED and rejected.review_comment == "Root cause is a symptom; dig deeper."
    assert "dig deeper" in mail.outbox[-1].body
    again = submitted(action, supplier_a_user, root_cause="Piece-rate pay pushes overtime.")
    assert again.status == S.SUBMITTED and again.revision == 2
    event = AuditEvent.objects.for_object(action).filter(action="corrective_action.plan_submitted").first()
    assert event.changes["root_cause"] == ["No working-hours monitoring.", "Piece-rate pay pushes overtime."]
    assert event.changes["status"] == ["rejected", "submitted"] and event.changes["revision"] == [1, 2]


# ---------------------------------------------------------------- completion


def test_the_supplier_reports_completion_with_evidence(action, supplier_a_user, auditor, django_capture_on_commit_callbacks):
    approved(action, supplier_a_user, auditor)
    with django_capture_on_commit_callbacks(execute=True):
        result = corrective.submit_completion(
            action, actor=supplier_a_user, note="Overtime capped.", files=[pdf_upload("timesheets.pdf")]
        )
    assert result.status == S.COMPLETED and result.completion_note == "Overtime capped."
    record = AuditFile.objects.get(corrective_action=action)
    assert record.original_name == "timesheets.pdf" and record.audit_id == action.audit_id
    assert record.file.name.startswith(f"suppliers/{action.audit.supplier_id}/")
    assert record.uploaded_by == supplier_a_user
    event = AuditEvent.objects.for_object(action).get(action="corrective_action.completed")
    assert event.changes["files"] == [None, ["timesheets.pdf"]]
    assert mail.outbox[-1].to == [auditor.email]


def test_a_completion_needs_a_note_and_valid_evidence_and_keeps_nothing_otherwise(action, supplier_a_user, auditor):
    approved(action, supplier_a_user, auditor)
    fake = SimpleUploadedFile("report.pdf", b"this is not a pdf", content_type="application/pdf")
    with pytest.raises(RuleViolation) as excinfo:
        corrective.submit_completion(action, actor=supplier_a_user, note="", files=[pdf_upload(), fake])
    messages = messages_of(excinfo)
    assert messages[0].startswith("note: ") and any(m.startswith("files: ") and "report.pdf" in m for m in messages)
    with pytest.raises(RuleViolation, match="files: attach at least one"):
        corrective.submit_completion(action, actor=supplier_a_user, note="Done.", files=[])
    action.refresh_from_db()
    assert action.status == S.APPROVED and not AuditFile.objects.exists()


def test_completion_is_only_for_an_approved_plan_of_ones_own(action, supplier_a_user, supplier_b_user):
    with pytest.raises(RuleViolation, match="approved plan"):
        corrective.submit_completion(action, actor=supplier_a_user, note="Done.", files=[pdf_upload()])
    with pytest.raises(PermissionDenied):
        corrective.submit_completion(action, actor=supplier_b_user, note="Done.", files=[pdf_upload()])


def test_rejected_evidence_sends_the_action_back_and_earlier_files_still_count(
    action, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    completed(action, supplier_a_user, auditor)
    with pytest.raises(RuleViolation, match="reason: "):
        corrective.reject_completion(action, actor=auditor, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        back = corrective.reject_completion(action, actor=auditor, reason="Send the payroll records too.")
    assert back.status == S.APPROVED and back.review_comment == "Send the payroll records too."
    assert "payroll" in mail.outbox[-1].body
    again = corrective.submit_completion(action, actor=supplier_a_user, note="Payroll attached earlier.", files=[])
    assert again.status == S.COMPLETED


def test_only_completed_evidence_can_be_rejected(action, auditor):
    with pytest.raises(RuleViolation, match="Only a completed"):
        corrective.reject_completion(action, actor=auditor, reason="No.")


# ---------------------------------------------------------------- closure


@pytest.fixture
def closings(monkeypatch):
    """Stands in for the audits' close_audit_if_done, recording the audits it is asked to close."""
    calls = []
    module = types.ModuleType("supplyesg.audits.services.conduct")
    module.close_audit_if_done = lambda audit, *, actor: calls.append((audit.pk, actor)) or True
    monkeypatch.setitem(sys.modules, "supplyesg.audits.services.conduct", module)
    return calls


def test_closing_on_evidence_needs_a_completed_action_with_files(action, supplier_a_user, auditor, closings):
    with pytest.raises(RuleViolation, match="closure: evidence can close only a completed"):
        corrective.close_action(action, actor=auditor, closure="evidence")
    CorrectiveAction.objects.filter(pk=action.pk).update(status=S.COMPLETED)
    with pytest.raises(RuleViolation, match="closure: no evidence file"):
        corrective.close_action(action, actor=auditor, closure="evidence")
    CorrectiveAction.objects.filter(pk=action.pk).update(status=S.AWAITING_PLAN)
    completed(action, supplier_a_user, auditor)
    closed = corrective.close_action(action, actor=auditor, closure="evidence", note="Records checked.")
    assert closed.status == S.CLOSED and closed.closure == "evidence" and closed.closed_by == auditor
    event = AuditEvent.objects.for_object(action).get(action="corrective_action.closed")
    assert event.changes["status"] == ["completed", "closed"] and event.reason == "Records checked."
    assert closings == []  # the minor finding's action is still open


def test_the_audit_closes_with_its_last_corrective_action(action, audit, supplier_a_user, auditor, closings):
    completed(action, supplier_a_user, auditor)
    corrective.close_action(action, actor=auditor, closure="evidence")
    other = audit.corrective_actions.get(finding__severity="minor")
    follow_up = make_reported_audit(action.audit.supplier, report_date=date(2026, 3, 11), severities=(), result_level="low")
    corrective.close_action(other, actor=auditor, closure="follow_up", follow_up_audit=follow_up)
    assert closings == [(audit.pk, auditor)]


def test_a_follow_up_audit_closes_an_action_in_any_open_state(action, audit, supplier_a, auditor, closings):
    follow_up = make_reported_audit(supplier_a, report_date=date(2026, 3, 11), severities=(), result_level="low")
    closed = corrective.close_action(action, actor=auditor, closure="follow_up", follow_up_audit=follow_up)
    assert closed.status == S.CLOSED and closed.closure == "follow_up" and closed.follow_up_audit == follow_up


def test_a_follow_up_named_as_such_counts_whatever_its_date(action, audit, supplier_a, auditor, closings):
    follow_up = make_reported_audit(
        supplier_a, report_date=date(2026, 3, 10), severities=(), result_level="low", follow_up_of=audit
    )
    assert corrective.close_action(action, actor=auditor, closure="follow_up", follow_up_audit=follow_up).status == S.CLOSED


@pytest.mark.parametrize("which", ["missing", "same audit", "other supplier", "earlier", "not reported"])
def test_a_follow_up_must_be_a_later_reported_audit_of_the_same_supplier(
    action, audit, supplier_a, supplier_b, auditor, closings, which
):
    candidates = {
        "missing": lambda: None,
        "same audit": lambda: audit,
        "other supplier": lambda: make_reported_audit(supplier_b, report_date=date(2026, 3, 11), severities=()),
        "earlier": lambda: make_reported_audit(supplier_a, report_date=date(2026, 1, 5), severities=()),
        "not reported": lambda: make_audit(supplier_a, status=Audit.Status.IN_PROGRESS),
    }
    with pytest.raises(RuleViolation) as excinfo:
        corrective.close_action(action, actor=auditor, closure="follow_up", follow_up_audit=candidates[which]())
    assert messages_of(excinfo)[0].startswith("follow_up_audit: ")
    action.refresh_from_db()
    assert action.status == S.AWAITING_PLAN


def test_closing_needs_a_known_closure_the_audit_right_and_an_open_action(
    action, supplier_a, supplier_a_user, auditor, viewer, closings
):
    with pytest.raises(RuleViolation, match="closure: choose"):
        corrective.close_action(action, actor=auditor, closure="because")
    for user in (viewer, supplier_a_user):
        with pytest.raises(PermissionDenied):
            corrective.close_action(action, actor=user, closure="evidence")
    follow_up = make_reported_audit(supplier_a, report_date=date(2026, 3, 11), severities=())
    corrective.close_action(action, actor=auditor, closure="follow_up", follow_up_audit=follow_up)
    with pytest.raises(RuleViolation, match="already closed"):
        corrective.close_action(action, actor=auditor, closure="follow_up", follow_up_audit=follow_up)


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("status", "on", "clock", "days_left", "overdue", "due_soon"),
    [
        (S.AWAITING_PLAN, date(2026, 3, 12), "plan", 12, False, False),
        (S.REJECTED, date(2026, 3, 20), "plan", 4, False, True),
        (S.SUBMITTED, date(2026, 3, 27), "plan", -3, True, False),
        (S.APPROVED, date(2026, 6, 8), "remediation", 0, False, True),
        (S.APPROVED, date(2026, 6, 10), "remediation", -2, True, False),
        (S.COMPLETED, date(2026, 9, 1), "", None, False, False),
        (S.CLOSED, date(2026, 9, 1), "", None, False, False),
    ],
)
def test_the_clock_state_says_which_date_runs_and_how_late(action, status, on, clock, days_left, overdue, due_soon):
    action.status = status
    state = corrective.clock_state(action, on, 7)
    assert (state.clock, state.days_left, state.overdue, state.due_soon) == (clock, days_left, overdue, due_soon)
    assert state.days_late == (-days_left if overdue else 0)
