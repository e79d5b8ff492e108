"""Conducting an audit: the checklist from the catalogue, verdicts, findings, evidence, and issuing the report
with its result, corrective actions, clocks, e-mail and risk reassessment."""

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from supplyesg.assessments.models import RequirementCatalogue, RiskAssessment, WorklistItem
from supplyesg.assessments.risk import services as risk
from supplyesg.audits.models import Audit, AuditFile, ChecklistItem, CorrectiveAction, Finding
from supplyesg.audits.services import conduct
from supplyesg.core.errors import RuleViolation
from supplyesg.core.models import AuditEvent, PolicySettings
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit, make_finding
from tests.factories import make_contact, make_supplier, pdf_upload

pytestmark = pytest.mark.django_db

V, S = ChecklistItem.Verdict, Audit.Status
TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-03-20 10:00:00+08:00", tick=False)


@pytest.fixture
def requirements(db):
    return {
        "labour": make_requirement(code="RBA-A1", risk_category="labour", title="Freely chosen employment", title_zh="自由择业"),
        "hours": make_requirement(code="RBA-A3", risk_category="labour", title="Working hours", title_zh="工作时间"),
        "env": make_requirement(code="RBA-C1", risk_category="environment", pillar="E", title="Permits"),
    }


def started(requirements, actor, **kwargs):
    kwargs.setdefault("planned_start", date(2026, 3, 2))
    audit = make_audit(**kwargs)
    return conduct.start_audit(audit, actor=actor, on=date(2026, 3, 2))


def items(audit) -> dict[str, ChecklistItem]:
    return {i.requirement.code: i for i in audit.checklist.select_related("requirement")}


def check_all(audit, actor, verdict=V.CONFORMING):
    for item in items(audit).values():
        if item.verdict == V.PENDING:
            conduct.record_verdict(item, actor=actor, verdict=verdict)


# ---------------------------------------------------------------- start and checklist


def test_starting_builds_the_checklist_from_every_requirement_of_the_current_catalogue(requirements, auditor):
    old = RequirementCatalogue.objects.create(code="old", version="0", title="Old code", is_current=False)
    make_requirement(code="OLD-1", catalogue=old)

    audit = started(requirements, auditor)

    assert audit.status == S.IN_PROGRESS and audit.started_on == date(2026, 3, 2)
    assert list(items(audit)) == ["RBA-A1", "RBA-A3", "RBA-C1"]
    assert items(audit)["RBA-C1"].risk_category == "environment"
    assert AuditEvent.objects.get(action="audit.started").changes["checklist"] == [None, 3]


def test_the_checklist_covers_only_the_risk_categories_in_scope(requirements, auditor):
    audit = started(requirements, auditor, scope=["environment"])

    assert list(items(audit)) == ["RBA-C1"]


def test_an_audit_against_our_code_needs_requirements_in_its_scope(requirements, auditor):
    audit = make_audit(scope=["minerals"])

    with pytest.raises(RuleViolation, match="scope"):
        conduct.start_audit(audit, actor=auditor)

    audit.refresh_from_db()
    assert audit.status == S.PLANNED


def test_a_third_party_audit_starts_without_a_catalogue(auditor):
    audit = make_audit(kind=Audit.Kind.THIRD_PARTY, scheme=Audit.Scheme.SMETA, audit_firm="SGS")

    audit = conduct.start_audit(audit, actor=auditor)

    assert audit.status == S.IN_PROGRESS and not audit.checklist.exists()


@pytest.mark.parametrize("status", [S.IN_PROGRESS, S.REPORTED, S.CANCELLED])
def test_only_a_planned_audit_starts(requirements, auditor, status):
    with pytest.raises(RuleViolation, match="Starting"):
        conduct.start_audit(make_audit(status=status), actor=auditor)


# ---------------------------------------------------------------- verdicts


def test_a_verdict_is_stored_with_who_checked_it_and_recorded(requirements, auditor):
    audit = started(requirements, auditor)
    item = items(audit)["RBA-A1"]

    conduct.record_verdict(item, actor=auditor, verdict=V.NOT_APPLICABLE, notes="No agency workers.")

    item.refresh_from_db()
    assert (item.verdict, item.notes, item.checked_by) == (V.NOT_APPLICABLE, "No agency workers.", auditor)
    assert AuditEvent.objects.get(action="audit.verdict").changes == {"RBA-A1": [V.PENDING, V.NOT_APPLICABLE]}


def test_an_unknown_verdict_is_refused(requirements, auditor):
    item = items(started(requirements, auditor))["RBA-A1"]

    with pytest.raises(RuleViolation, match="verdict"):
        conduct.record_verdict(item, actor=auditor, verdict="maybe")


def test_verdicts_are_recorded_only_while_the_audit_runs(requirements, auditor):
    audit = started(requirements, auditor)
    Audit.objects.filter(pk=audit.pk).update(status=S.REPORTED)

    with pytest.raises(RuleViolation, match="Report issued"):
        conduct.record_verdict(items(audit)["RBA-A1"], actor=auditor, verdict=V.CONFORMING)


def test_an_item_with_findings_stays_non_conforming(requirements, auditor):
    audit = started(requirements, auditor)
    item = items(audit)["RBA-A3"]
    conduct.add_finding(audit, actor=auditor, severity="major", description="72-hour weeks", checklist_item=item)

    with pytest.raises(RuleViolation, match="remove them"):
        conduct.record_verdict(item, actor=auditor, verdict=V.CONFORMING)


# ---------------------------------------------------------------- findings


def test_a_finding_on_a_checklist_item_takes_its_requirement_and_area_and_marks_it_non_conforming(requirements, auditor):
    audit = started(requirements, auditor)
    item = items(audit)["RBA-A3"]

    finding = conduct.add_finding(audit, actor=auditor, severity="major", description=" 72-hour weeks ", checklist_item=item)

    assert (finding.requirement, finding.area, finding.description) == (requirements["hours"], "labour", "72-hour weeks")
    item.refresh_from_db()
    assert item.verdict == V.NONCONFORMING and item.checked_by == auditor
    event = AuditEvent.objects.get(action="audit.finding_added")
    assert event.changes["severity"] == [None, "major"] and event.changes["requirement"] == [None, "RBA-A3"]


def test_an_observation_leaves_the_item_pending(requirements, auditor):
    audit = started(requirements, auditor)
    item = items(audit)["RBA-A3"]

    conduct.add_finding(audit, actor=auditor, severity="observation", description="Time cards late", checklist_item=item)

    item.refresh_from_db()
    assert item.verdict == V.PENDING


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"severity": "critical", "area": "labour", "description": "x"}, "severity"),
        ({"severity": "major", "area": "", "description": "x"}, "area"),
        ({"severity": "major", "area": "labour", "description": "  "}, "description"),
    ],
)
def test_a_finding_needs_a_severity_an_area_and_a_description(requirements, auditor, fields, field):
    audit = started(requirements, auditor)

    with pytest.raises(RuleViolation) as exc:
        conduct.add_finding(audit, actor=auditor, **fields)

    assert any(m.startswith(f"{field}:") for m in exc.value.messages)
    assert not Finding.objects.exists()


def test_a_finding_cannot_point_at_another_audits_item(requirements, auditor):
    audit = started(requirements, auditor)
    other = started(requirements, auditor, supplier=make_supplier())

    with pytest.raises(RuleViolation, match="checklist_item"):
        conduct.add_finding(audit, actor=auditor, severity="minor", description="x", checklist_item=items(other)["RBA-A1"])


def test_findings_are_added_only_while_the_audit_runs(auditor):
    with pytest.raises(RuleViolation, match="Adding a finding"):
        conduct.add_finding(make_audit(), actor=auditor, severity="minor", area="labour", description="x")


def test_a_finding_is_withdrawn_before_the_report_and_final_after_it(requirements, auditor):
    audit = started(requirements, auditor)
    finding = conduct.add_finding(audit, actor=auditor, severity="minor", area="ethics", description="Gift register missing")

    conduct.remove_finding(finding, actor=auditor)

    assert not Finding.objects.exists()
    assert AuditEvent.objects.get(action="audit.finding_removed").reason == "Gift register missing"
    reported = make_audit(status=S.REPORTED)
    with pytest.raises(RuleViolation, match="Removing a finding"):
        conduct.remove_finding(make_finding(reported), actor=auditor)


# ---------------------------------------------------------------- evidence


def test_evidence_is_attached_to_the_audit_an_item_or_a_finding(requirements, auditor):
    audit = started(requirements, auditor)
    item = items(audit)["RBA-A1"]
    finding = conduct.add_finding(audit, actor=auditor, severity="minor", area="ethics", description="x")

    whole = conduct.add_audit_file(audit, actor=auditor, upload=pdf_upload("opening-meeting.pdf"))
    on_item = conduct.add_audit_file(audit, actor=auditor, upload=pdf_upload("contracts.pdf"), checklist_item=item)
    on_finding = conduct.add_audit_file(audit, actor=auditor, upload=pdf_upload("photo.pdf"), finding=finding)

    assert (whole.original_name, whole.checklist_item, whole.finding) == ("opening-meeting.pdf", None, None)
    assert on_item.checklist_item == item and on_finding.finding == finding
    assert whole.file.name.startswith(f"suppliers/{audit.supplier_id}/") and whole.file.read().startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="audit.file_added").count() == 3


def test_a_file_whose_content_does_not_match_its_type_is_refused(requirements, auditor):
    audit = started(requirements, auditor)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(RuleViolation, match="file: the content of report.pdf is not a .pdf file"):
        conduct.add_audit_file(audit, actor=auditor, upload=fake)

    assert not AuditFile.objects.exists()


def test_evidence_is_removed_before_the_report(requirements, auditor):
    audit = started(requirements, auditor)
    evidence = conduct.add_audit_file(audit, actor=auditor, upload=pdf_upload())

    conduct.remove_audit_file(evidence, actor=auditor)

    assert not AuditFile.objects.exists()


# ---------------------------------------------------------------- issuing the report


@pytest.mark.parametrize(("report_date", "refused"), [(date(2026, 3, 1), True), (date(2026, 3, 2), False)])
def test_a_report_cannot_be_dated_before_the_audit_started_by_any_path(report_date, refused):
    """Issue 9: the service refuses it, and so does the database for any other path (admin, API, import)."""
    from django.db import IntegrityError, transaction

    audit = make_audit(status=Audit.Status.IN_PROGRESS, started_on=date(2026, 3, 2))
    with transaction.atomic():
        if refused:
            with pytest.raises(IntegrityError):
                with transaction.atomic():
                    Audit.objects.filter(pk=audit.pk).update(report_date=report_date)
        else:
            Audit.objects.filter(pk=audit.pk).update(report_date=report_date)
    audit.refresh_from_db()
    assert audit.report_date == (None if refused else report_date)


def test_issuing_is_refused_naming_every_gap_and_nothing_changes(requirements, auditor):
    audit = started(requirements, auditor)
    hours = items(audit)["RBA-A3"]
    conduct.record_verdict(hours, actor=auditor, verdict=V.NONCONFORMING)

    with pytest.raises(RuleViolation) as exc:
        conduct.issue_report(audit, actor=auditor, report_date=date(2026, 3, 1), summary="")

    messages = exc.value.messages
    assert "report_date: the report date is before the audit started (2026-03-02)." in messages
    assert "summary: write a short summary of the audit." in messages
    assert "checklist: 2 items are not checked yet: RBA-A1, RBA-C1." in messages
    assert "checklist: RBA-A3 is non-conforming but has no finding (priority, major or minor)." in messages
    audit.refresh_from_db()
    assert audit.status == S.IN_PROGRESS and audit.result_level == "" and not CorrectiveAction.objects.exists()


def test_a_report_date_in_the_future_is_refused(requirements, auditor):
    audit = started(requirements, auditor)
    check_all(audit, auditor)

    with pytest.raises(RuleViolation, match="report_date: the report date is in the future"):
        conduct.issue_report(audit, actor=auditor, report_date=date(2026, 3, 21), summary="Fine.")


def test_a_third_party_audit_needs_the_firms_report_file_before_issuing(auditor):
    audit = conduct.start_audit(
        make_audit(kind=Audit.Kind.THIRD_PARTY, scheme=Audit.Scheme.RBA_VAP, audit_firm="ELEVATE"), actor=auditor
    )

    with pytest.raises(RuleViolation, match="report_file: upload the audit firm's report"):
        conduct.issue_report(audit, actor=auditor, report_date=TODAY, summary="VAP done.")
    conduct.upload_report_file(audit, actor=auditor, upload=pdf_upload("vap-report.pdf"))
    audit = conduct.issue_report(audit, actor=auditor, report_date=TODAY, summary="VAP done.")

    assert audit.status == S.REPORTED and audit.report_name == "vap-report.pdf"
    assert audit.score is None and audit.result_level == "low"


def test_issuing_computes_the_result_and_opens_a_corrective_action_per_non_conformity(requirements, auditor):
    supplier = make_supplier(status="active")
    make_contact(supplier, email="esg@alpha.example.com")
    audit = started(requirements, auditor, supplier=supplier)
    codes = items(audit)
    conduct.record_verdict(codes["RBA-A1"], actor=auditor, verdict=V.CONFORMING)
    conduct.record_verdict(codes["RBA-C1"], actor=auditor, verdict=V.NOT_APPLICABLE)
    conduct.add_finding(audit, actor=auditor, severity="major", description="72-hour weeks", checklist_item=codes["RBA-A3"])
    conduct.add_finding(audit, actor=auditor, severity="minor", area="health_safety", description="Blocked exit")
    conduct.add_finding(audit, actor=auditor, severity="observation", area="ethics", description="No gift register")

    audit = conduct.issue_report(audit, actor=auditor, report_date=date(2026, 3, 10), summary="Overtime above limits.")

    assert (audit.status, audit.result_level, audit.report_date) == (S.REPORTED, "medium", date(2026, 3, 10))
    assert audit.score == 50  # 1 conforming of 2 applicable checked items
    assert audit.improvement_plan_due == date(2026, 9, 10)
    actions = {a.finding.severity: a for a in CorrectiveAction.objects.select_related("finding")}
    assert set(actions) == {"major", "minor"}
    # ESG manual, medium risk: the plan date the supplier sees is the manual's 6 months; 14 days is an internal target,
    # and the suggested remediation date is never before the plan date.
    assert (actions["major"].plan_due, actions["major"].plan_target, actions["major"].remediation_due) == (
        date(2026, 9, 10),
        date(2026, 3, 24),
        date(2026, 9, 10),
    )
    assert (actions["minor"].plan_due, actions["minor"].plan_target, actions["minor"].remediation_due) == (
        date(2026, 9, 10),
        date(2026, 3, 24),
        date(2026, 9, 10),
    )
    assert all(a.status == CorrectiveAction.Status.AWAITING_PLAN and a.audit == audit for a in actions.values())
    event = AuditEvent.objects.get(action="audit.reported")
    assert event.supplier == supplier and event.changes["findings"][1] == {
        "priority": 0,
        "major": 1,
        "minor": 1,
        "observation": 1,
    }


def test_a_priority_finding_makes_the_result_high_with_short_clocks(requirements, auditor):
    audit = started(requirements, auditor)
    check_all(audit, auditor)
    conduct.add_finding(audit, actor=auditor, severity="priority", area="labour", description="Passports withheld")

    audit = conduct.issue_report(audit, actor=auditor, report_date=date(2026, 3, 10), summary="Forced labour indicator.")

    action = CorrectiveAction.objects.get()
    assert audit.result_level == "high" and audit.improvement_plan_due == date(2026, 6, 10)
    # ESG manual, high risk: plans within 3 months; the 7 days are an internal target only
    dates = (action.plan_due, action.plan_target, action.remediation_due)
    assert dates == (date(2026, 6, 10), date(2026, 3, 17), date(2026, 6, 10))
    assert audit.score == 100


def test_the_clocks_and_thresholds_are_the_policy_settings(requirements, auditor):
    PolicySettings.objects.update_or_create(
        pk=1, defaults={"cap_plan_days": 10, "remediation_days_major": 60, "audit_medium_from_major": 2}
    )
    audit = started(requirements, auditor)
    check_all(audit, auditor)
    conduct.add_finding(audit, actor=auditor, severity="major", area="labour", description="No contracts")

    audit = conduct.issue_report(audit, actor=auditor, report_date=date(2026, 3, 10), summary="One major.")

    action = CorrectiveAction.objects.get()
    assert (action.plan_due, action.remediation_due) == (date(2026, 3, 20), date(2026, 5, 9))
    assert audit.result_level == "low" and audit.improvement_plan_due is None


def test_issuing_settles_the_onsite_requirement_e_mails_the_supplier_and_reassesses_its_risk(
    requirements, auditor, django_capture_on_commit_callbacks
):
    supplier = make_supplier(status="active", legal_name="Alpha Cable Co., Ltd.")
    make_contact(supplier, email="esg@alpha.example.com")
    item = WorklistItem.objects.create(supplier=supplier, year=2026, kind=WorklistItem.Kind.ONSITE_AUDIT, reason="High risk")
    audit = started(requirements, auditor, supplier=supplier, worklist_item=item)
    check_all(audit, auditor)
    conduct.add_finding(audit, actor=auditor, severity="minor", area="labour", description="Lockers broken")

    with django_capture_on_commit_callbacks(execute=True):
        conduct.issue_report(audit, actor=auditor, report_date=date(2026, 3, 10), summary="Minor issues.")

    item.refresh_from_db()
    assert item.status == WorklistItem.Status.DONE and item.closed_by == auditor
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["esg@alpha.example.com"] and "Alpha Cable Co., Ltd." in message.subject
    assert "2026-03-24" in message.body
    assessment = RiskAssessment.objects.get(supplier=supplier, is_current=True)
    assert assessment.kind == RiskAssessment.Kind.AD_HOC
    audit_line = next(line for line in assessment.explanation if line["factor"] == "audit")
    assert audit_line["has_data"] and "2026-03-10" in audit_line["note"]
    assert risk.input_provider("audit").__module__ == "supplyesg.audits.risk_provider"


def test_a_desk_review_does_not_settle_an_onsite_requirement(requirements, auditor):
    supplier = make_supplier(status="active")
    item = WorklistItem.objects.create(supplier=supplier, year=2026, kind=WorklistItem.Kind.ONSITE_AUDIT, reason="High risk")
    audit = started(requirements, auditor, supplier=supplier, worklist_item=item, kind=Audit.Kind.DESK)
    check_all(audit, auditor)

    conduct.issue_report(audit, actor=auditor, report_date=TODAY, summary="Documents fine.")

    item.refresh_from_db()
    assert item.status == WorklistItem.Status.OPEN


def test_only_a_running_audit_is_reported(auditor):
    with pytest.raises(RuleViolation, match="Issuing the report"):
        conduct.issue_report(make_audit(), actor=auditor, report_date=TODAY, summary="x")


# ---------------------------------------------------------------- closing


def test_an_audit_closes_once_every_corrective_action_is_closed(requirements, auditor):
    audit = started(requirements, auditor)
    check_all(audit, auditor)
    conduct.add_finding(audit, actor=auditor, severity="minor", area="labour", description="x")
    conduct.add_finding(audit, actor=auditor, severity="major", area="labour", description="y")
    audit = conduct.issue_report(audit, actor=auditor, report_date=TODAY, summary="Two findings.")
    first, second = CorrectiveAction.objects.order_by("pk")
    CorrectiveAction.objects.filter(pk=first.pk).update(status=CorrectiveAction.Status.CLOSED)

    assert conduct.close_audit_if_done(audit, actor=auditor) is False
    CorrectiveAction.objects.filter(pk=second.pk).update(status=CorrectiveAction.Status.CLOSED)
    assert conduct.close_audit_if_done(audit, actor=auditor) is True

    audit.refresh_from_db()
    assert audit.status == S.CLOSED and audit.closed_at is not None
    assert AuditEvent.objects.get(action="audit.closed").changes == {"status": [S.REPORTED, S.CLOSED]}


def test_a_reported_audit_without_non_conformities_closes_and_an_unreported_one_does_not(requirements, auditor):
    audit = started(requirements, auditor)
    check_all(audit, auditor)

    assert conduct.close_audit_if_done(audit, actor=auditor) is False
    conduct.issue_report(audit, actor=auditor, report_date=TODAY, summary="Clean.")
    assert conduct.close_audit_if_done(audit, actor=auditor) is True
    assert conduct.close_audit_if_done(audit, actor=auditor) is False
