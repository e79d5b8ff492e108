"""Audit reports as xlsx in the reader's language (the PDF: test_report_pdf.py), and the yearly disclosure summary, read back."""

import io
from datetime import UTC, date, datetime

import pytest
from python_calamine import CalamineWorkbook

from supplyesg.audits import reports
from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit, make_finding, make_reported_audit
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-07-01 10:00:00+08:00", tick=False)


def sheets(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def audit(db):
    supplier = make_supplier(legal_name="Alpha Cable Co., Ltd.", code="ALPHA")
    audit = make_reported_audit(
        supplier, report_date=date(2026, 3, 10), severities=("major",), score=50, summary="Overtime above limits."
    )
    requirement = make_requirement(code="RBA-A3", title="Working hours", title_zh="工作时间")
    item = ChecklistItem.objects.create(
        audit=audit, requirement=requirement, risk_category="labour", verdict="nonconforming", notes="=1+1"
    )
    finding = audit.findings.get()
    finding.requirement, finding.checklist_item = requirement, item
    finding.description = '=HYPERLINK("http://evil")'
    finding.save()
    CorrectiveAction.objects.filter(audit=audit).update(root_cause="Peak season orders", owner="HR manager")
    audit.refresh_from_db()
    return audit


def test_the_xlsx_report_has_summary_checklist_findings_and_corrective_actions(audit):
    data = sheets(reports.audit_report_xlsx(audit, "en"))

    assert list(data) == ["Summary", "Checklist", "Findings", "Corrective actions"]
    summary = {row[0]: row[1] for row in data["Summary"][1:]}
    assert summary["Supplier"] == "Alpha Cable Co., Ltd." and summary["Supplier code"] == "ALPHA"
    assert summary["Result"] == "Medium" and summary["Conformity (%)"] == 50
    assert summary["Major"] == 1 and summary["Report date"] == date(2026, 3, 10)
    assert data["Checklist"][1][:4] == ["RBA-A3", "Working hours", "Labour and human rights", "Non-conforming"]
    assert data["Findings"][0] == ["No.", "Severity", "Area", "Requirement", "Description"]
    assert data["Findings"][1][1:4] == ["Major", "Labour and human rights", "RBA-A3 Working hours"]
    action = data["Corrective actions"][1]
    assert action[:5] == [1, "Major", "Awaiting the supplier's plan", date(2026, 3, 24), date(2026, 6, 8)]
    assert action[5] == "Peak season orders" and action[8] == "HR manager"


def test_formula_like_text_is_a_plain_string_in_the_xlsx(audit):
    data = sheets(reports.audit_report_xlsx(audit, "en"))

    assert data["Findings"][1][4] == '=HYPERLINK("http://evil")'
    assert data["Checklist"][1][4] == "=1+1"


def test_a_chinese_reader_gets_the_requirement_titles_in_chinese(audit):
    data = sheets(reports.audit_report_xlsx(audit, "zh-hans"))

    flat = [cell for rows in data.values() for row in rows for cell in row]
    assert "工作时间" in flat and "RBA-A3 工作时间" in flat
    assert "Working hours" not in flat


def test_a_planned_audit_without_findings_still_gives_a_report():
    audit = make_audit()

    data = sheets(reports.audit_report_xlsx(audit, "en"))

    assert data["Findings"] == [["No.", "Severity", "Area", "Requirement", "Description"]]


# ---------------------------------------------------------------- disclosure


@pytest.fixture
def year_2026(db):
    a = make_reported_audit(report_date=date(2026, 3, 10), result_level="medium", severities=("major", "minor"))
    b = make_reported_audit(report_date=date(2026, 4, 1), result_level="high", severities=("priority",), kind=Audit.Kind.DESK)
    make_finding(b, severity="observation", area="environment")
    make_reported_audit(report_date=date(2025, 3, 1), year=2025, result_level="high", severities=("priority",))
    make_audit(year=2026, kind=Audit.Kind.ONSITE)
    make_audit(year=2026, kind=Audit.Kind.DESK, status=Audit.Status.CANCELLED)
    # closed in time: a's major (due 8 Jun, closed 1 Jun); closed late: b's priority (due 1 May, closed 10 May);
    # a's minor is not due yet (6 Sep) and open: left out of the share.
    CorrectiveAction.objects.filter(audit=a, finding__severity="major").update(
        status="closed", closed_at=datetime(2026, 6, 1, 3, tzinfo=UTC)
    )
    CorrectiveAction.objects.filter(audit=b).update(status="closed", closed_at=datetime(2026, 5, 10, 3, tzinfo=UTC))
    return a, b


def test_the_disclosure_counts_findings_by_severity_and_area(year_2026):
    summary = reports.disclosure_summary(2026)

    rows = {row["code"]: row for row in summary.finding_rows()}
    assert rows["labour"]["cells"] == [1, 1, 1, 0] and rows["labour"]["total"] == 3
    assert rows["environment"]["cells"] == [0, 0, 0, 1]
    assert summary.findings_by_severity == {"priority": 1, "major": 1, "minor": 1, "observation": 1}
    assert summary.findings_total == 4


def test_the_disclosure_counts_audits_by_kind_and_result(year_2026):
    summary = reports.disclosure_summary(2026)

    rows = {row["code"]: row for row in summary.result_rows()}
    assert rows["onsite"]["cells"] == [0, 1, 0] and rows["onsite"]["reported"] == 1 and rows["onsite"]["open"] == 1
    assert rows["desk"]["cells"] == [0, 0, 1] and rows["desk"]["open"] == 0
    assert rows["third_party"]["reported"] == 0


def test_the_disclosure_gives_the_share_of_corrective_actions_closed_in_time(year_2026):
    summary = reports.disclosure_summary(2026)

    assert (summary.actions_total, summary.actions_counted, summary.actions_closed_in_time) == (3, 2, 1)
    assert str(summary.closed_in_time_share) == "50.0"
    assert reports.disclosure_summary(2024).closed_in_time_share is None


def test_the_disclosure_xlsx_reads_back(year_2026):
    data = sheets(reports.disclosure_xlsx(2026, "en"))

    assert list(data) == ["Findings", "Audits", "Corrective actions"]
    assert data["Findings"][0] == ["Area", "Priority", "Major", "Minor", "Observation", "Total"]
    labour = next(row for row in data["Findings"] if row[0] == "Labour and human rights")
    assert labour[1:] == [1, 1, 1, 0, 3]
    assert data["Findings"][-1] == ["Total", 1, 1, 1, 1, 4]
    share = {row[0]: row[1] for row in data["Corrective actions"][1:]}
    assert share["Share closed in time (%)"] == 50.0
