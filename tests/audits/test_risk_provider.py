"""Audit results feed the risk assessment: the latest reported audit's conformity, corrective actions open and
overdue today, conformity per risk category, and the last on-site audit (which decides on-site vs desk review)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supplyesg.assessments.models import CountryRisk, WorklistItem
from supplyesg.assessments.risk import services as risk
from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction
from supplyesg.audits.risk_provider import audit_inputs
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit, make_reported_audit
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-05-01 10:00:00+08:00", tick=False)


def checklist(audit, verdicts: dict[str, list[str]]):
    """verdicts: {risk category: [verdict, ...]}"""
    for category, values in verdicts.items():
        for verdict in values:
            ChecklistItem.objects.create(
                audit=audit, requirement=make_requirement(risk_category=category), risk_category=category, verdict=verdict
            )


def test_the_provider_is_the_one_the_risk_assessment_uses():
    assert risk.input_provider("audit") is audit_inputs


def test_the_latest_reported_audit_gives_the_score_date_and_conformity_per_category():
    supplier = make_supplier()
    make_reported_audit(supplier, year=2025, report_date=date(2025, 4, 1), kind=Audit.Kind.ONSITE, score=40, severities=())
    latest = make_reported_audit(supplier, report_date=date(2026, 3, 10), kind=Audit.Kind.DESK, score=75, severities=())
    make_audit(supplier, status=Audit.Status.IN_PROGRESS, score=10)
    checklist(latest, {"labour": ["conforming", "nonconforming"], "environment": ["conforming", "na"], "ethics": ["pending"]})

    data = audit_inputs([supplier.pk], YEAR)[supplier.pk]

    assert (data.score, data.audited_on) == (75, date(2026, 3, 10))
    assert data.category_scores == {"labour": 50.0, "environment": 100.0}
    assert data.last_onsite_audit == date(2025, 4, 1)


def test_open_and_overdue_corrective_actions_are_counted_today():
    supplier = make_supplier()
    audit = make_reported_audit(supplier, report_date=date(2026, 3, 10), severities=("priority", "major", "minor"))
    # priority: plan due 17 Mar (passed, not accepted) -> overdue; major: plan approved, remediation due 8 Jun
    major = CorrectiveAction.objects.get(finding__severity="major")
    major.status = CorrectiveAction.Status.APPROVED
    major.save()
    # minor: closed -> neither open nor overdue
    CorrectiveAction.objects.filter(finding__severity="minor").update(status=CorrectiveAction.Status.CLOSED)
    old = make_reported_audit(supplier, year=2025, report_date=date(2025, 3, 1), severities=("major",))
    CorrectiveAction.objects.filter(audit=old).update(status=CorrectiveAction.Status.COMPLETED)

    data = audit_inputs([supplier.pk], YEAR)[supplier.pk]

    assert audit.pk != old.pk
    assert data.open_corrective_actions == 3  # priority, major, and last year's completed one
    assert data.overdue_corrective_actions == 2  # priority's plan; last year's remediation date passed


def test_suppliers_without_a_reported_audit_are_left_out():
    planned = make_supplier()
    make_audit(planned)
    nothing = make_supplier()

    assert audit_inputs([planned.pk, nothing.pk], YEAR) == {}
    assert audit_inputs([], YEAR) == {}


def test_the_inputs_of_many_suppliers_cost_a_fixed_number_of_queries():
    def run(count):
        ids = []
        for _n in range(count):
            supplier = make_supplier()
            audit = make_reported_audit(supplier, kind=Audit.Kind.ONSITE, score=80, severities=("major", "minor"))
            checklist(audit, {"labour": ["conforming"]})
            ids.append(supplier.pk)
        with CaptureQueriesContext(connection) as ctx:
            result = audit_inputs(ids, YEAR)
        assert len(result) == count
        return len(ctx.captured_queries)

    assert run(2) == run(12) == 5


def factors(assessment) -> dict:
    return {line["factor"]: line for line in assessment.explanation}


def test_the_risk_explanation_of_a_supplier_shows_its_audit(compliance):
    supplier = make_supplier(country="CN")
    audit = make_reported_audit(supplier, report_date=date(2026, 3, 10), kind=Audit.Kind.ONSITE, score=70, severities=("major",))
    checklist(audit, {"labour": ["conforming", "nonconforming", "nonconforming", "nonconforming"]})

    assessment = risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    line = factors(assessment)["audit"]
    assert line["has_data"] and line["counted"]
    # 100 - 70 = 30, plus 5 for the open corrective action and 10 because its plan is overdue
    assert line["risk"] == 45.0
    assert "2026-03-10" in line["note"] and "1 open and 1 overdue" in line["note"]
    # the audit scored labour only (1 of 4 conforming): 100 - 25 + 15
    assert assessment.category_scores["labour"] == 90.0 and assessment.category_scores["management_system"] is None


def test_a_recent_onsite_audit_turns_a_high_risk_suppliers_requirement_into_a_desk_review(compliance):
    CountryRisk.objects.create(country="CD", score=100, source="Test", as_of=date(2025, 1, 1))
    supplier = make_supplier(country="CD")
    make_reported_audit(supplier, report_date=date(2026, 2, 1), kind=Audit.Kind.THIRD_PARTY, score=0, severities=())
    recent = risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    assert recent.level == "high"
    assert list(WorklistItem.objects.filter(supplier=supplier).values_list("kind", flat=True)) == ["desk_review"]


def test_an_onsite_audit_older_than_the_cycle_requires_a_new_one(compliance):
    CountryRisk.objects.create(country="CD", score=100, source="Test", as_of=date(2025, 1, 1))
    supplier = make_supplier(country="CD")
    make_reported_audit(
        supplier,
        year=2022,
        report_date=date(2026, 5, 1) - timedelta(days=3 * 366),
        kind=Audit.Kind.ONSITE,
        score=0,
        severities=(),
    )

    risk.assess_supplier(supplier, year=YEAR, actor=compliance)

    item = WorklistItem.objects.get(supplier=supplier)
    assert item.kind == "onsite_audit" and "more than 3 years ago" in item.reason
