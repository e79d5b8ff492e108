"""Training assigned to suppliers after unqualified audit results: assigning, attending, cancelling."""

import datetime as dt
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied

from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent
from supplyesg.engagement.models import RequiredTraining
from supplyesg.engagement.services import required as training
from tests.audits.factories_audits import make_reported_audit

pytestmark = pytest.mark.django_db
T = RequiredTraining.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def assigned(supplier_a, compliance):
    return training.assign_training(
        supplier_a, actor=compliance, topic="Working hours and overtime", area="labour", due_date=date(2026, 4, 30)
    )


def test_staff_assign_training_after_an_audit_and_the_supplier_is_told(
    supplier_a, supplier_a_user, auditor, django_capture_on_commit_callbacks
):
    audit = make_reported_audit(supplier_a)
    with django_capture_on_commit_callbacks(execute=True):
        record = training.assign_training(
            supplier_a, actor=auditor, topic="  Fire   safety ", area="health_safety", due_date=date(2026, 3, 12), audit=audit
        )
    assert (record.topic, record.status, record.audit, record.assigned_by) == ("Fire safety", T.ASSIGNED, audit, auditor)
    event = AuditEvent.objects.for_object(record).get()
    assert event.action == "training.assigned" and event.changes["due_date"] == [None, "2026-03-12"]
    assert mail.outbox[0].to == [supplier_a_user.email] and "Fire safety" in mail.outbox[0].body


def test_assigning_training_checks_every_field(supplier_a, supplier_b, compliance):
    other_audit = make_reported_audit(supplier_b)
    with pytest.raises(RuleViolation) as excinfo:
        training.assign_training(
            supplier_a, actor=compliance, topic="", area="astrology", due_date=date(2026, 3, 11), audit=other_audit
        )
    fields = [m.split(":")[0] for m in excinfo.value.messages]
    assert fields == ["topic", "area", "due_date", "audit"]
    with pytest.raises(RuleViolation, match="due_date: give"):
        training.assign_training(supplier_a, actor=compliance, topic="Ethics", due_date=None)
    assert not RequiredTraining.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "procurement", "supplier_a_user"])
def test_only_staff_with_the_audit_right_assign_training(request, supplier_a, who):
    with pytest.raises(PermissionDenied):
        training.assign_training(supplier_a, actor=request.getfixturevalue(who), topic="Ethics", due_date=date(2026, 4, 1))


def test_the_supplier_marks_its_training_attended(assigned, supplier_a_user):
    record = training.complete_training(assigned, actor=supplier_a_user, attendee=" Li Wei,  HR ")
    assert record.status == T.COMPLETED and record.attendee == "Li Wei, HR" and record.completed_at is not None
    assert AuditEvent.objects.for_object(record).filter(action="training.completed").exists()
    with pytest.raises(RuleViolation, match="only an assigned one"):
        training.complete_training(record, actor=supplier_a_user, attendee="Li Wei")


def test_attending_needs_a_name_and_ones_own_training(assigned, supplier_b_user, supplier_a_user, viewer, auditor):
    with pytest.raises(RuleViolation, match="attendee: "):
        training.complete_training(assigned, actor=supplier_a_user, attendee="  ")
    for user in (supplier_b_user, viewer):
        with pytest.raises(PermissionDenied):
            training.complete_training(assigned, actor=user, attendee="Li Wei")
    assert training.complete_training(assigned, actor=auditor, attendee="Li Wei").status == T.COMPLETED


def test_staff_cancel_an_assigned_training(assigned, compliance, supplier_a_user):
    with pytest.raises(PermissionDenied):
        training.cancel_training(assigned, actor=supplier_a_user)
    record = training.cancel_training(assigned, actor=compliance, reason="Covered by the industry workshop.")
    assert record.status == T.CANCELLED
    assert AuditEvent.objects.for_object(record).get(action="training.cancelled").reason == "Covered by the industry workshop."
    with pytest.raises(RuleViolation):
        training.cancel_training(record, actor=compliance)
    with pytest.raises(RuleViolation):
        training.complete_training(record, actor=supplier_a_user, attendee="Li Wei")


def test_trainings_due_are_those_assigned_and_due_within_the_window(supplier_a, compliance, assigned):
    soon = training.assign_training(supplier_a, actor=compliance, topic="Ethics", due_date=date(2026, 3, 15))
    qs = RequiredTraining.objects.all()
    assert list(training.trainings_due(qs, date(2026, 3, 12), 7)) == [soon]
    assert set(training.trainings_due(qs, date(2026, 4, 30), 0)) == {soon, assigned}
