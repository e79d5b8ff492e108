"""The audit report PDF as a reader sees it: poppler lists every font as embedded, renders every page, and the
text (Chinese included) comes back with dates on one line and page numbers on every page."""

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from supplyesg.audits import pdf
from supplyesg.audits.models import ChecklistItem, CorrectiveAction
from supplyesg.core import pdf as core_pdf
from tests.assessments.factories_assessments import make_requirement
from tests.audits.factories_audits import make_audit, make_reported_audit
from tests.factories import make_supplier

pytestmark = pytest.mark.django_db


def program(name: str) -> str:
    """Poppler's tools are installed by `make browser`; with CI=true a missing one fails instead of skipping."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} (poppler-utils) is required when CI=true")
        pytest.skip(f"{name} not installed")
    return path


@pytest.fixture(autouse=True)
def frozen(time_machine, settings):
    time_machine.move_to("2026-12-05 10:00:00+08:00", tick=False)
    settings.COMPANY_NAME = "Shenzhen Example Power Co., Ltd."


@pytest.fixture
def audit(db):
    supplier = make_supplier(legal_name="爱科电缆有限公司", code="S000123")
    audit = make_reported_audit(
        supplier,
        report_date=date(2026, 12, 5),
        started_on=date(2026, 12, 1),
        severities=("major", "minor"),
        score=85.71,
        summary="夜班加班超过法定上限。",
    )
    requirement = make_requirement(code="RBA-A3", title="Working hours", title_zh="工作时间")
    ChecklistItem.objects.create(audit=audit, requirement=requirement, risk_category="labour", verdict="nonconforming")
    finding = audit.findings.order_by("pk").first()
    finding.requirement = requirement
    finding.description = "宿舍消防通道堵塞 (dormitory fire exit blocked)"
    finding.save()
    CorrectiveAction.objects.filter(audit=audit).update(
        root_cause="Peak season orders", owner="HR manager", completion_date=date(2026, 12, 20)
    )
    audit.refresh_from_db()
    return audit


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return path


def fonts(path: Path) -> list[dict]:
    out = subprocess.run([program("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()[2:]  # header and ruler
    assert lines, "pdffonts lists no font"
    # name type encoding emb sub uni object ID: the three yes/no columns precede the object id
    return [dict(zip(("name", "emb", "sub", "uni"), (w[0], w[-5], w[-4], w[-3]), strict=True)) for w in map(str.split, lines)]


def text(path: Path) -> str:
    return subprocess.run([program("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_font_in_the_audit_report_is_embedded_as_a_subset(audit, tmp_path):
    path = write(tmp_path, pdf.audit_report_pdf(audit, "zh-hans"))

    listed = fonts(path)

    assert all(f["emb"] == "yes" for f in listed), listed
    assert all(f["sub"] == "yes" for f in listed), listed
    assert all(f["uni"] == "yes" for f in listed), listed  # text can be searched and copied


def test_the_chinese_report_reads_back_in_chinese_with_dates_on_one_line(audit, tmp_path):
    path = write(tmp_path, pdf.audit_report_pdf(audit, "zh-hans"))

    shown = text(path)

    assert "爱科电缆有限公司" in shown and "工作时间" in shown and "宿舍消防通道堵塞" in shown
    assert "2026-12-05" in shown and "2026-12-20" in shown
    assert "2026-12-0\n" not in shown
    assert "Shenzhen Example Power Co., Ltd." in shown


def test_the_report_has_a_header_block_the_findings_actions_and_signature_lines(audit, tmp_path):
    path = write(tmp_path, pdf.audit_report_pdf(audit, "en"))

    shown = text(path)

    for label in ("Company", "Supplier", "Site", "Report date", "Auditors", "Scope", "Summary", "Findings", "Corrective actions"):
        assert label in shown, label
    assert "S000123" in shown and "85.71" in shown
    assert "Peak season orders" in shown and "HR manager" in shown
    assert "Lead auditor" in shown and "Supplier representative" in shown
    assert "Annex: checklist" in shown


def test_every_page_is_numbered_page_n_of_m(audit, tmp_path):
    path = write(tmp_path, pdf.audit_report_pdf(audit, "en"))
    pages = text(path).split("\f")
    pages = [p for p in pages if p.strip()]

    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page


def test_poppler_renders_every_page_to_an_image(audit, tmp_path):
    path = write(tmp_path, pdf.audit_report_pdf(audit, "zh-hans"))

    result = subprocess.run(
        [program("pdftoppm"), "-r", "40", "-png", str(path), str(tmp_path / "page")], capture_output=True, text=True
    )

    images = sorted(tmp_path.glob("page*.png"))
    assert result.returncode == 0 and result.stderr == ""
    assert len(images) >= 2
    assert all(image.stat().st_size > 2000 for image in images)  # drawn pages, not blank ones


def test_a_planned_audit_without_findings_still_gives_a_signed_off_shape(tmp_path):
    audit = make_audit(supplier=make_supplier(legal_name="Alpha Cable Co., Ltd."))

    shown = text(write(tmp_path, pdf.audit_report_pdf(audit, "en")))

    assert "No findings." in shown and "No corrective actions." in shown and "Not yet reported" in shown


def test_the_embedded_font_covers_latin_and_chinese():
    path = core_pdf.font_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("fonts-wqy-microhei is required when CI=true (make browser installs it)")
        pytest.skip("no TrueType CJK font installed")
    from reportlab.pdfbase.ttfonts import TTFontFile

    face = TTFontFile(str(path), subfontIndex=0)

    assert all(ord(char) in face.charToGlyph for char in "Aa1-.工作时间审核报告")
