"""Attendance recorded by staff, and training required of a supplier: a completed attendance of the course completes
it, and it decides whether the corrective action it belongs to can close."""

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from supplyesg.audits.models import CorrectiveAction
from supplyesg.audits.services import corrective
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.engagement.models import Attendance, RequiredTraining
from supplyesg.engagement.services import attendance, required
from tests.audits.factories_audits import make_reported_audit
from tests.engagement.factories_engagement import make_attendance, make_course, make_session

pytestmark = pytest.mark.django_db
T = RequiredTraining.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def course():
    return make_course(code="HR-OT", title="Working hours and overtime", pass_mark=80, area="labour")


@pytest.fixture
def session(course):
    return make_session(course, on=date(2026, 3, 20))


def test_staff_record_a_pass_against_the_course_pass_mark_and_the_hours_default_to_the_course(session, supplier_a, compliance):
    person = make_attendance(session, supplier_a, status="registered", hours=Decimal("0"))
    done = attendance.record_attendance(person, actor=compliance, attended=True, completed=True, score=Decimal("85"))
    assert (done.status, done.hours, done.passed, done.completed) == ("attended", Decimal("2"), True, True)
    again = attendance.record_attendance(person, actor=compliance, attended=True, completed=True, score=Decimal("79.5"))
    assert again.passed is False
    event = AuditEvent.objects.for_object(person).filter(action="attendance.recorded").latest("pk")
    assert event.changes["passed"] == [True, False]


def test_an_absent_person_cannot_complete_or_score_and_a_read_only_viewer_records_nothing(
    session, supplier_a, compliance, viewer
):
    person = make_attendance(session, supplier_a, status="registered")
    with pytest.raises(RuleViolation) as excinfo:
        attendance.record_attendance(person, actor=compliance, attended=False, completed=True, score=Decimal("120"))
    assert [m.split(":")[0] for m in excinfo.value.messages] == ["score", "attended"]
    with pytest.raises(PermissionDenied):
        attendance.record_attendance(person, actor=viewer, attended=True)
    person.refresh_from_db()
    assert person.status == "registered"


def test_an_unqualified_audit_result_requires_a_course_and_a_passed_attendance_completes_it(
    course, session, supplier_a, compliance
):
    audit = make_reported_audit(supplier_a, result_level="high")
    need = required.assign_training(supplier_a, actor=compliance, course=course, due_date=date(2026, 4, 30), audit=audit)
    assert (need.topic, need.area, need.status) == ("Working hours and overtime", "labour", T.ASSIGNED)
    failed = make_attendance(session, supplier_a, status="registered")
    attendance.record_attendance(failed, actor=compliance, attended=True, completed=True, score=Decimal("60"))
    need.refresh_from_db()
    assert need.status == T.ASSIGNED  # failing the test does not fulfil it
    person = make_attendance(session, supplier_a, status="registered", person_name="Li Wei")
    attendance.record_attendance(person, actor=compliance, attended=True, completed=True, score=Decimal("92"))
    need.refresh_from_db()
    assert (need.status, need.attendee, need.attendance) == (T.COMPLETED, "Li Wei", person)


def test_another_suppliers_attendance_never_completes_a_training_required_of_supplier_a(
    course, session, supplier_a, supplier_b, compliance
):
    need = required.assign_training(supplier_a, actor=compliance, course=course, due_date=date(2026, 4, 30))
    person = make_attendance(session, supplier_b, status="registered")
    attendance.record_attendance(person, actor=compliance, attended=True, completed=True, score=Decimal("99"))
    need.refresh_from_db()
    assert need.status == T.ASSIGNED


def test_a_corrective_action_that_requires_training_closes_only_once_it_is_completed_and_the_completion_is_evidence(
    course, session, supplier_a, auditor, compliance
):
    audit = make_reported_audit(supplier_a)
    action = audit.corrective_actions.get()
    need = required.assign_training(
        supplier_a, actor=auditor, course=course, corrective_action=action, due_date=date(2026, 4, 30)
    )
    assert (need.audit, need.corrective_action) == (audit, action)
    CorrectiveAction.objects.filter(pk=action.pk).update(status=CorrectiveAction.Status.COMPLETED)
    with pytest.raises(RuleViolation, match="training this action requires is not completed yet: Working hours"):
        corrective.close_action(action, actor=auditor, closure="evidence")
    person = make_attendance(session, supplier_a, status="registered")
    attendance.record_attendance(person, actor=compliance, attended=True, completed=True, score=Decimal("90"))
    closed = corrective.close_action(action, actor=auditor, closure="evidence")  # no file: the training is the evidence
    assert closed.status == CorrectiveAction.Status.CLOSED


def test_a_training_required_for_another_audits_action_is_refused(supplier_a, compliance):
    action = make_reported_audit(supplier_a).corrective_actions.get()
    other_audit = make_reported_audit(supplier_a, report_date=date(2026, 3, 11))
    with pytest.raises(RuleViolation, match="corrective_action: the action is of another audit"):
        required.assign_training(
            supplier_a, actor=compliance, topic="Ethics", corrective_action=action, audit=other_audit, due_date=date(2026, 4, 1)
        )


def test_training_status_counts_required_completed_open_and_overdue(course, supplier_a, compliance):
    for due in (date(2026, 3, 15), date(2026, 4, 1), date(2026, 5, 1)):
        required.assign_training(supplier_a, actor=compliance, topic=f"Topic {due}", due_date=due)
    done = RequiredTraining.objects.get(due_date=date(2026, 5, 1))
    required.complete_training(done, actor=compliance, attendee="Li Wei")
    cancelled = RequiredTraining.objects.get(due_date=date(2026, 4, 1))
    required.cancel_training(cancelled, actor=compliance)
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        status = required.training_status(supplier_a, date(2026, 3, 20))
    assert status == {"required": 2, "completed": 1, "open": 1, "overdue": 1}


def test_feedback_comes_once_per_person_from_a_supplier_that_attended(session, supplier_a, supplier_a_user, supplier_b_user):
    with pytest.raises(RuleViolation, match="no attendance recorded"):
        attendance.submit_feedback(session, actor=supplier_a_user, rating=5)
    make_attendance(session, supplier_a)
    with pytest.raises(RuleViolation, match="rating: choose from 1"):
        attendance.submit_feedback(session, actor=supplier_a_user, rating=6)
    answer = attendance.submit_feedback(session, actor=supplier_a_user, rating=4, comment="Useful cases")
    assert (answer.supplier_id, answer.rating) == (supplier_a.pk, 4)
    with pytest.raises(RuleViolation, match="already answered"):
        attendance.submit_feedback(session, actor=supplier_a_user, rating=5)
    with pytest.raises(RuleViolation, match="no attendance recorded"):
        attendance.submit_feedback(session, actor=supplier_b_user, rating=5)


def test_a_cascade_report_checks_its_period_and_numbers(supplier_a_user, compliance):
    with pytest.raises(RuleViolation) as excinfo:
        attendance.file_cascade_report(
            actor=supplier_a_user,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 2, 1),
            topic="",
            people_trained="many",
            subtier_people_trained=30,
            subtier_suppliers_reached=0,
            hours=Decimal("-1"),
        )
    assert [m.split(":")[0] for m in excinfo.value.messages] == [
        "topic",
        "period_end",
        "people_trained",
        "subtier_suppliers_reached",
        "hours",
    ]
    report = attendance.file_cascade_report(
        actor=supplier_a_user,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 2, 28),
        topic="RBA code",
        people_trained=40,
        subtier_people_trained=120,
        subtier_suppliers_reached=6,
        hours=Decimal("80"),
    )
    assert (report.supplier, report.people_trained, report.subtier_people_trained) == (supplier_a_user.supplier, 40, 120)
    with pytest.raises(PermissionDenied):
        attendance.file_cascade_report(actor=compliance, period_start=None, period_end=None, topic="x", people_trained=1)
    assert Attendance.objects.count() == 0
