"""The daily job of the corrective-action clocks: reminders before a date, escalation once when it passes, the
improvement-plan consequence of medium- and high-risk audits, idempotence, and the management command."""

import datetime as dt
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.audits.services.clocks import run_clocks
from supplyesg.core.models import AuditEvent, PolicySettings, Role
from supplyesg.suppliers.models import Suspension, TerminationCase
from supplyesg.suppliers.services.orders import can_order
from supplyesg.suppliers.terminations.services import lift_suspension
from tests.audits.factories_audits import make_finding, make_reported_audit
from tests.factories import make_contact, make_supplier, make_user

pytestmark = pytest.mark.django_db
S = CorrectiveAction.Status
REPORT = date(2026, 3, 10)  # major finding: plan due 24 March, remediation due 8 June; medium plan due 9 Sept


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 11, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def buyer(db):
    return make_user(Role.PROCUREMENT, email="buyer@example.com")


@pytest.fixture
def audit(supplier_a, auditor):
    make_contact(supplier_a, email="esg@alpha.example")
    return make_reported_audit(supplier_a, report_date=REPORT, lead_auditor=auditor)


@pytest.fixture
def action(audit):
    return audit.corrective_actions.get()


def run(on, capture):
    with capture(execute=True):
        return run_clocks(on)


def test_the_supplier_is_reminded_once_when_the_plan_window_opens(action, supplier_a_user, django_capture_on_commit_callbacks):
    assert run(date(2026, 3, 16), django_capture_on_commit_callbacks).total == 0
    report = run(date(2026, 3, 17), django_capture_on_commit_callbacks)
    assert report.plan_reminders == 1 and report.total == 1
    action.refresh_from_db()
    assert action.last_reminded_on == date(2026, 3, 17)
    assert len(mail.outbox) == 1 and sorted(mail.outbox[0].to) == sorted(["esg@alpha.example", supplier_a_user.email])
    assert f"CAP #{action.pk}" in mail.outbox[0].body and "2026-03-24" in mail.outbox[0].body
    for day in (date(2026, 3, 18), date(2026, 3, 24)):
        assert run(day, django_capture_on_commit_callbacks).total == 0
    assert len(mail.outbox) == 1


def test_an_overdue_plan_is_escalated_once_to_procurement_and_the_lead_auditor(
    action, auditor, buyer, django_capture_on_commit_callbacks
):
    report = run(date(2026, 3, 25), django_capture_on_commit_callbacks)
    assert report.plan_escalations == 1
    action.refresh_from_db()
    assert action.plan_escalated_on == date(2026, 3, 25)
    event = AuditEvent.objects.for_object(action).get(action="corrective_action.escalated")
    assert event.changes == {"plan_escalated_on": [None, "2026-03-25"]} and event.actor is None
    escalation = mail.outbox[-1]
    assert sorted(escalation.to) == sorted([auditor.email, buyer.email]) and "Overdue" in escalation.subject
    assert run(date(2026, 3, 26), django_capture_on_commit_callbacks).total == 0
    assert run(date(2026, 4, 30), django_capture_on_commit_callbacks).plan_escalations == 0


def test_an_approved_plan_runs_on_the_remediation_clock(action, buyer, django_capture_on_commit_callbacks):
    CorrectiveAction.objects.filter(pk=action.pk).update(status=S.APPROVED, last_reminded_on=date(2026, 3, 17))
    assert run(date(2026, 5, 31), django_capture_on_commit_callbacks).total == 0
    assert run(date(2026, 6, 1), django_capture_on_commit_callbacks).remediation_reminders == 1
    assert "2026-06-08" in mail.outbox[-1].body
    assert run(date(2026, 6, 8), django_capture_on_commit_callbacks).total == 0
    report = run(date(2026, 6, 9), django_capture_on_commit_callbacks)
    assert report.remediation_escalations == 1
    action.refresh_from_db()
    assert action.remediation_escalated_on == date(2026, 6, 9) and action.plan_escalated_on is None
    assert run(date(2026, 6, 10), django_capture_on_commit_callbacks).total == 0


@pytest.mark.parametrize("status", [S.COMPLETED, S.CLOSED])
def test_done_actions_are_left_alone(action, status, django_capture_on_commit_callbacks):
    CorrectiveAction.objects.filter(pk=action.pk).update(status=status)
    Audit.objects.filter(pk=action.audit_id).update(improvement_plan_due=None)
    for day in (date(2026, 3, 17), date(2026, 6, 9), date(2027, 1, 1)):
        assert run(day, django_capture_on_commit_callbacks).total == 0
    assert mail.outbox == []


def test_actions_of_an_audit_not_reported_have_no_clock(action, django_capture_on_commit_callbacks):
    Audit.objects.filter(pk=action.audit_id).update(status=Audit.Status.IN_PROGRESS)
    assert run(date(2026, 3, 25), django_capture_on_commit_callbacks).total == 0


def test_a_second_run_on_the_same_day_does_nothing_new(supplier_a, django_capture_on_commit_callbacks):
    make_reported_audit(supplier_a, report_date=REPORT, severities=("major", "minor", "priority"))
    make_reported_audit(supplier_a, report_date=REPORT - timedelta(days=8), severities=("major",))
    first = run(date(2026, 3, 17), django_capture_on_commit_callbacks)
    assert first.plan_reminders == 3 and first.plan_escalations == 1  # the earlier audit's plan was due on 16 March
    events, mails = AuditEvent.objects.count(), len(mail.outbox)
    assert run(date(2026, 3, 17), django_capture_on_commit_callbacks).total == 0
    assert AuditEvent.objects.count() == events and len(mail.outbox) == mails


def test_reminders_to_one_supplier_come_in_one_mail(supplier_a, supplier_a_user, django_capture_on_commit_callbacks):
    make_reported_audit(supplier_a, report_date=REPORT, severities=("major", "minor"))
    assert run(date(2026, 3, 17), django_capture_on_commit_callbacks).plan_reminders == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("CAP #") == 2


def test_the_reminder_window_follows_the_policy(action, django_capture_on_commit_callbacks):
    PolicySettings.objects.update_or_create(pk=1, defaults={"reminder_days_before_due": 3})
    assert run(date(2026, 3, 20), django_capture_on_commit_callbacks).total == 0
    assert run(date(2026, 3, 21), django_capture_on_commit_callbacks).plan_reminders == 1


def test_the_daily_job_reads_the_actions_in_a_fixed_number_of_queries(
    supplier_a, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    PolicySettings.current()
    for _n in range(15):
        make_reported_audit(make_supplier(), report_date=REPORT, severities=("major", "minor"))
    with django_assert_max_num_queries(6):  # savepoint, policy, procurement addresses, actions, audits, release
        assert run(date(2026, 3, 12), django_capture_on_commit_callbacks).total == 0
    # 30 reminders: the same reads plus two prefetches of the recipients, one update, one audit row per action,
    # and the in-app notifications of all 30 after the commit (events checked, portal users read once)
    with django_assert_max_num_queries(6 + 2 + 1 + 30 + 2):
        assert run(date(2026, 3, 17), django_capture_on_commit_callbacks).plan_reminders == 30


# ---------------------------------------------------------------- improvement plans


def test_a_late_medium_risk_improvement_plan_turns_the_esg_score_to_minus_one_once(
    audit, action, buyer, django_capture_on_commit_callbacks
):
    assert audit.improvement_plan_due == date(2026, 9, 9)
    CorrectiveAction.objects.filter(pk=action.pk).update(plan_escalated_on=date(2026, 3, 25))
    assert run(date(2026, 9, 9), django_capture_on_commit_callbacks).esg_minus_one == 0
    report = run(date(2026, 9, 10), django_capture_on_commit_callbacks)
    assert report.esg_minus_one == 1 and report.orders_stopped == 0
    audit.refresh_from_db()
    assert audit.escalated_at is not None and audit.escalated_at.date() == date(2026, 9, 10)
    event = AuditEvent.objects.for_object(audit).get(action="audit.improvement_plan_overdue")
    assert event.changes["consequence"] == [None, "esg_minus_one"] and event.supplier_id == audit.supplier_id
    assert "-1" in mail.outbox[-1].body and buyer.email in mail.outbox[-1].to
    assert not TerminationCase.objects.exists()
    assert run(date(2026, 9, 11), django_capture_on_commit_callbacks).esg_minus_one == 0
    assert AuditEvent.objects.filter(action="audit.improvement_plan_overdue").count() == 1


def test_esg_manual_high_risk_without_improvement_plans_in_3_months_stops_orders_once(
    supplier_a, compliance, procurement, django_capture_on_commit_callbacks
):
    """ESG manual, high risk: "otherwise, the order will be terminated". Old behaviour: a termination recommendation
    that left orders open until procurement decided; now orders stop when the window passes."""
    supplier_a.status = supplier_a.Status.ACTIVE
    supplier_a.save()
    audit = make_reported_audit(supplier_a, report_date=REPORT, result_level="high", severities=("priority", "major"))
    due = audit.improvement_plan_due
    CorrectiveAction.objects.filter(audit=audit).update(plan_escalated_on=date(2026, 3, 25))
    CorrectiveAction.objects.filter(audit=audit, finding__severity="priority").update(status=S.APPROVED)
    assert run(due, django_capture_on_commit_callbacks).orders_stopped == 0
    assert can_order(supplier_a).can_order
    report = run(due + timedelta(days=1), django_capture_on_commit_callbacks)
    assert report.orders_stopped == 1 and report.esg_minus_one == 0
    suspension = Suspension.objects.get()
    assert (suspension.supplier, suspension.source, suspension.source_ref) == (supplier_a, "audit", f"audit:{audit.pk}")
    answer = can_order(supplier_a)
    assert not answer.can_order and "the ESG manual terminates the order" in answer.reasons[0]
    assert "Purchase orders are stopped" in mail.outbox[-1].body and procurement.email in mail.outbox[-1].to
    lift_suspension(suspension, actor=procurement, reason="Plans received late but accepted by the auditor.")
    assert run(due + timedelta(days=2), django_capture_on_commit_callbacks).orders_stopped == 0
    assert can_order(supplier_a).can_order and Suspension.objects.count() == 1
    assert not TerminationCase.objects.exists()


def test_no_consequence_once_every_plan_is_accepted_or_for_a_low_risk_result(supplier_a, django_capture_on_commit_callbacks):
    accepted = make_reported_audit(supplier_a, report_date=REPORT, result_level="high", severities=("major",))
    CorrectiveAction.objects.filter(audit=accepted).update(status=S.COMPLETED)
    make_reported_audit(supplier_a, report_date=REPORT, result_level="low", severities=("minor",))
    report = run(date(2027, 1, 1), django_capture_on_commit_callbacks)
    assert report.esg_minus_one == 0 and report.orders_stopped == 0
    assert not Audit.objects.filter(escalated_at__isnull=False).exists()


# ---------------------------------------------------------------- the command


def test_the_command_prints_the_counts(action, capsys):
    call_command("audit_clocks", "--date", "2026-03-25")
    out = capsys.readouterr().out
    assert "1 overdue plan(s) escalated." in out and "0 plan reminder(s) sent." in out


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "25/03/2026"])
def test_the_command_refuses_a_bad_date_with_exit_code_2(value):
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_clocks", "--date", value)
    assert excinfo.value.returncode == 2 and "YYYY-MM-DD" in str(excinfo.value)


@pytest.mark.parametrize(
    ("level", "inside", "after"),
    [("medium", date(2026, 9, 10), date(2026, 9, 11)), ("high", date(2026, 6, 10), date(2026, 6, 11))],
)
def test_esg_manual_nothing_counts_against_the_supplier_inside_the_improvement_plan_window(
    supplier_a, auditor, level, inside, after, django_capture_on_commit_callbacks
):
    """Escalation, risk points (overdue corrective actions) and the ESG score wait for the manual's 6 / 3 months."""
    from supplyesg.audits import rules
    from supplyesg.audits.risk_provider import audit_inputs

    audit = make_reported_audit(supplier_a, report_date=REPORT, result_level=level, severities=(), lead_auditor=auditor)
    dates = rules.action_dates(REPORT, "major", level, rules.AuditPolicy())
    Audit.objects.filter(pk=audit.pk).update(improvement_plan_due=dates.plan_due)
    audit.refresh_from_db()
    CorrectiveAction.objects.create(finding=make_finding(audit, severity="major"), audit=audit, **vars(dates))
    assert dates.plan_target == date(2026, 3, 24)
    for day in (date(2026, 3, 25), inside):
        report = run(day, django_capture_on_commit_callbacks)
        assert report.plan_escalations == 0 and report.esg_minus_one == 0 and report.orders_stopped == 0
        assert not CorrectiveAction.objects.overdue(day).exists()
        with time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC), tick=False):
            assert audit_inputs([supplier_a.pk], 2026)[supplier_a.pk].overdue_corrective_actions == 0
        assert rules.improvement_plan_consequence(level, audit.improvement_plan_due, False, day) is None
    report = run(after, django_capture_on_commit_callbacks)
    assert report.plan_escalations == 1
    assert CorrectiveAction.objects.overdue(after).count() == 1
