"""Every spreadsheet the product writes, opened by LibreOffice headless, and the round trips people make with it.

The files are built once per module from one data set and converted in batches (one soffice call per
batch): every xlsx to CSV (all sheets) to see what a person sees, and every xlsx re-saved as xlsx by
LibreOffice to import again. The data set is rolled back at the end of the module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from openpyxl import load_workbook

from supplyesg.assessments import offline, questionnaires
from supplyesg.assessments.templates_io import blank_template_xlsx, export_template_xlsx
from supplyesg.audits import reports
from supplyesg.core.models import Role
from supplyesg.minerals import aggregation
from supplyesg.ratings import exporting as rating_exports
from supplyesg.ratings.importing import import_business_scores
from supplyesg.ratings.models import BusinessScore
from supplyesg.ratings.quarters import Quarter
from supplyesg.suppliers import exporting as supplier_exports
from supplyesg.suppliers.importing import plan_import
from supplyesg.suppliers.models import Supplier, SupplyLink
from tests.assessments.factories_assessments import make_campaign as make_questionnaire_campaign
from tests.assessments.factories_assessments import make_response, make_template
from tests.audits.factories_audits import make_reported_audit
from tests.factories import make_category, make_supplier, make_user
from tests.minerals.factories_minerals import make_campaign, make_request, make_submission
from tests.office import CSV_ALL_SHEETS, CSV_FILTER
from tests.ratings.factories_ratings import frozen, make_rating

# django_db: the test database is set up for this module; each test runs in a savepoint of the module data set.
pytestmark = [pytest.mark.libreoffice, pytest.mark.django_db]
PERIOD = Quarter(2026, 3)
# The identifier columns of the supplier CSV (code, registration_id, upstream_codes) opened as text, as
# LibreOffice's text import dialog offers: CSV has no cell types, so "0012345678" would become a number.
SUPPLIER_CSV_AS_TEXT = f"{CSV_FILTER}:44,34,76,1,1/2/5/2/14/2"


def build_registry() -> None:
    cables = make_category(code="cables-harnesses", name="Cables and wire harnesses", name_zh="线缆及线束")
    smelter = make_supplier(code="S000001", legal_name="=cmd|' /C calc'!A0", country="MY", tier=3,
                            aliases="+Alias One\n-Alias Two", address="@Penang", status=Supplier.Status.ACTIVE)
    cable = make_supplier(code="S000002", legal_name="Shenzhen Huaxin Precision Cable Co., Ltd.",
                          local_name="深圳华信精密线缆有限公司", registration_id="0012345678",
                          registration_authority="深圳市市场监督管理局", country="CN",
                          address="宝安区科技路8号\nShenzhen 518000", website="https://huaxin.example", tier=1,
                          categories=[cables], is_key=True, spend_share=Decimal("12.345"),
                          status=Supplier.Status.ACTIVE)
    make_supplier(code="S000003", legal_name="-Minus Metals", local_name="+86 755 8888 0000", country="DE", tier=2,
                  spend_share=Decimal("0.4"))
    SupplyLink.objects.create(upstream=smelter, downstream=cable, material="tin")


def build_files(out: Path) -> dict[str, object]:
    """Every xlsx and CSV the product writes, from one data set; returns the objects the tests need."""
    build_registry()
    cable = Supplier.objects.get(code="S000002")
    audit = make_reported_audit(cable, report_date=dt.date(2026, 3, 10), severities=("major",), score=Decimal("85.71"),
                                summary="加班超过上限。Overtime above limits.")
    make_rating(cable, inputs={"business": {"quality": "92.50"}, "risk_level": "medium",
                               "audit": {"id": audit.pk, "level": "medium", "report_date": "2026-03-10"}})
    template = make_template()
    response = make_response(cable, make_questionnaire_campaign(template))
    campaign = make_campaign()
    make_submission(make_request(campaign, cable), smelters=[("Tin", "", "云南锡业\x07 Tin_x0007_ Works", "CHINA")])
    queryset = Supplier.objects.order_by("code")
    files = {
        "suppliers.xlsx": supplier_exports.xlsx_file(queryset).read(),
        "suppliers.csv": b"".join(supplier_exports.csv_chunks(queryset)),
        "supplier-template.xlsx": supplier_exports.template_file().read(),
        "qbr.xlsx": rating_exports.qbr_file(PERIOD).read(),
        "score-template.xlsx": rating_exports.template_file(PERIOD).read(),
        "audit-report.xlsx": reports.audit_report_xlsx(audit, "zh-hans"),
        "audit-report-en.xlsx": reports.audit_report_xlsx(audit, "en"),
        "disclosure.xlsx": reports.disclosure_xlsx(2026, "zh-hans"),
        "questionnaire.xlsx": offline.build_workbook(response),
        "questionnaire-template.xlsx": export_template_xlsx(template),
        "questionnaire-template-blank.xlsx": blank_template_xlsx(),
        "smelters.xlsx": aggregation.smelters_workbook(
            aggregation.company_smelters(2025, "CMRT"), aggregation.unresolved_names(2025, "CMRT")
        ),
    }
    files["questionnaire-filled.xlsx"] = fill_questionnaire(files["questionnaire.xlsx"])
    files["score-template-filled.xlsx"] = fill_score_template(files["score-template.xlsx"])
    for name, data in files.items():
        (out / name).write_bytes(data)
    return {"response": response}


def fill_questionnaire(data: bytes) -> bytes:
    """Answers typed as a person would, 35 % in the percentage question (MS-5) with a percent format."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[offline.SHEET]
    rows = {sheet[f"A{n}"].value: n for n in range(2, sheet.max_row + 1)}
    sheet[f"E{rows['MS-1']}"] = "yes"
    sheet[f"E{rows['MS-4']}"] = 1250.5
    sheet[f"E{rows['MS-5']}"] = 0.35
    sheet[f"E{rows['MS-5']}"].number_format = "0%"
    sheet[f"E{rows['MS-6']}"] = dt.datetime(2025, 3, 1)
    sheet[f"E{rows['MS-6']}"].number_format = "yyyy-mm-dd"
    sheet[f"E{rows['LAB-1']}"] = "否"
    return save(book)


def fill_score_template(data: bytes) -> bytes:
    """The business-score template with scores typed as percentages (92.5 %) and as plain numbers."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Scores"]
    header = [c.value for c in sheet[1]]
    values = {"supplier_code": "S000002", "period": "2026Q3", "quality": 0.925, "delivery": 88,
              "cost": "80 %", "service": 0.955, "note": "季度复盘"}
    for column, key in enumerate(header, start=1):
        sheet.cell(row=2, column=column, value=values.get(key))
        if key in ("quality", "service"):
            sheet.cell(row=2, column=column).number_format = "0.0%"
    return save(book)


def save(book) -> bytes:
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, office, tmp_path_factory):
    """The product's files, what LibreOffice makes of them, and the data set (rolled back afterwards)."""
    root = tmp_path_factory.mktemp("office-files")
    written, as_csv, resaved = root / "written", root / "csv", root / "resaved"
    written.mkdir()
    with django_db_blocker.unblock(), frozen(), transaction.atomic():
        with translation.override("en"):  # headers in English unless a file is asked for in Chinese
            objects = build_files(written)
        workbooks = sorted(written.glob("*.xlsx"))
        office.convert(workbooks, CSV_ALL_SHEETS, as_csv)
        office.convert(workbooks, "xlsx", resaved)
        # The supplier CSV opened (identifier columns as text) and saved again as CSV and as xlsx.
        office.convert([written / "suppliers.csv"], "csv:Text - txt - csv (StarCalc):44,34,76,1", root / "csv-csv",
                       infilter=SUPPLIER_CSV_AS_TEXT)
        office.convert([written / "suppliers.csv"], "xlsx", root / "csv-xlsx", infilter=SUPPLIER_CSV_AS_TEXT)
        # ... and as "Unicode text": UTF-16 with a BOM, tab-separated, .txt (what Excel's Unicode text is too).
        office.convert([written / "suppliers.csv"], f"txt:{CSV_FILTER}:9,34,65535,1", root / "csv-unicode",
                       infilter=SUPPLIER_CSV_AS_TEXT)
        yield {"written": written, "csv": as_csv, "resaved": resaved, "root": root, **objects}
        transaction.set_rollback(True)
    shutil.rmtree(root, ignore_errors=True)


def sheet_csv(world, stem: str, sheet: str) -> list[list[str]]:
    with open(world["csv"] / f"{stem}-{sheet}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def resaved(world, name: str):
    return load_workbook(world["resaved"] / name)


# ---------------------------------------------------------------- opened without error, values intact


def test_libreoffice_opens_every_workbook_the_product_writes(world):
    written = sorted(world["written"].glob("*.xlsx"))
    assert sorted(p.name for p in world["resaved"].glob("*.xlsx")) == [p.name for p in written]
    for path in written:  # every sheet of every workbook reaches the CSV
        expected = {f"{path.stem}-{sheet}.csv" for sheet in load_workbook(path, read_only=True).sheetnames}
        assert expected <= {p.name for p in world["csv"].iterdir()}, path.name


def test_the_audit_report_shows_real_dates_numbers_and_chinese_text(world):
    summary = {row[0]: row[1] for row in sheet_csv(world, "audit-report", "摘要")}
    assert summary["报告日期"] == "2026-03-10" and summary["供应商"] == "Shenzhen Huaxin Precision Cable Co., Ltd."
    assert summary["摘要"] == "加班超过上限。Overtime above limits."
    book = resaved(world, "audit-report-en.xlsx")
    values = {row[0].value: row[1] for row in book["Summary"].iter_rows(min_row=2)}
    assert values["Report date"].value == dt.datetime(2026, 3, 10) and values["Report date"].is_date
    assert values["Conformity (%)"].value == 85.71 and values["Conformity (%)"].data_type == "n"
    assert values["Major"].value == 1
    action = [c for c in book["Corrective actions"][2]]
    assert action[3].is_date and action[3].value == dt.datetime(2026, 3, 24)


def test_the_qbr_shows_the_audit_date_as_a_date_and_scores_as_numbers(world):
    book = resaved(world, "qbr.xlsx")
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=False)}
    assert row["Audit report date"].value == dt.datetime(2026, 3, 10) and row["Audit report date"].is_date
    assert row["Quality"].value == 92.5 and row["Total"].data_type == "n"
    assert row["Supplier code"].value == "S000002"


def test_formula_like_text_shows_without_an_apostrophe_and_identifiers_keep_leading_zeros(world):
    rows = sheet_csv(world, "suppliers", "Suppliers")
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["S000001"][1] == "=cmd|' /C calc'!A0" and by_code["S000003"][1] == "-Minus Metals"
    assert by_code["S000003"][2] == "+86 755 8888 0000" and by_code["S000002"][4] == "0012345678"
    assert by_code["S000002"][2] == "深圳华信精密线缆有限公司"
    sheet = resaved(world, "suppliers.xlsx")["Suppliers"]
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_the_smelter_list_shows_chinese_names_without_control_characters(world):
    rows = sheet_csv(world, "smelters", "Unresolved names")
    assert rows[1][1] == "云南锡业 Tin Works"


def test_the_questionnaire_and_template_workbooks_survive_with_chinese_text(world):
    answers = sheet_csv(world, "questionnaire", "Answers")
    assert answers[0][4] == "Your answer / 您的回答" and any(r[2] == "哪个管理体系已获认证？" for r in answers)
    about = {row[0]: row[1] for row in sheet_csv(world, "questionnaire", "About")}
    assert dt.date.fromisoformat(about["due date"]) > dt.date(2026, 1, 1)
    assert sheet_csv(world, "questionnaire-template", "Questions")[0][0] == "section"
    assert sheet_csv(world, "disclosure", "审核")[0][0] == "类型"


# ---------------------------------------------------------------- round trips


def test_a_supplier_xlsx_export_re_saved_by_libreoffice_imports_without_changes(world):
    result = plan_import((world["resaved"] / "suppliers.xlsx").read_bytes(), "suppliers.xlsx")
    assert result.errors == [] and (result.created, result.updated, result.skipped) == (0, 0, 3)


def test_a_supplier_export_imports_without_changes_before_libreoffice_touches_it(world):
    for name in ("suppliers.xlsx", "suppliers.csv"):
        result = plan_import((world["written"] / name).read_bytes(), name)
        assert result.errors == [] and (result.created, result.updated, result.skipped) == (0, 0, 3), name


def test_a_supplier_csv_export_re_saved_by_libreoffice_as_csv_or_xlsx_imports_without_changes(world):
    for path in (world["root"] / "csv-csv" / "suppliers.csv", world["root"] / "csv-xlsx" / "suppliers.xlsx"):
        result = plan_import(path.read_bytes(), path.name)
        assert result.errors == [] and (result.created, result.updated, result.skipped) == (0, 0, 3), path.name


def test_a_supplier_csv_re_saved_by_libreoffice_as_unicode_text_imports_without_changes(world):
    data = (world["root"] / "csv-unicode" / "suppliers.txt").read_bytes()
    assert data.startswith(b"\xff\xfe") and "\t".encode("utf-16-le") in data
    result = plan_import(data, "suppliers.txt")
    assert result.errors == [] and (result.created, result.updated, result.skipped) == (0, 0, 3)


def test_the_questionnaire_filled_in_and_re_saved_by_libreoffice_imports_what_was_typed(world):
    response = world["response"]
    owner = make_user(Role.SUPPLIER, supplier=response.supplier, username="office-supplier")
    result = offline.read_upload(response, (world["resaved"] / "questionnaire-filled.xlsx").read_bytes(), actor=owner)
    assert result.errors == []
    values = questionnaires.answer_values(response)
    assert {k: values[k] for k in ("MS-1", "MS-4", "MS-5", "MS-6", "LAB-1")} == {
        "MS-1": "yes", "MS-4": 1250.5, "MS-5": 35, "MS-6": "2025-03-01", "LAB-1": "no",
    }


def test_the_score_template_filled_in_and_re_saved_by_libreoffice_imports_what_was_typed(world):
    path = world["resaved"] / "score-template-filled.xlsx"
    upload = SimpleUploadedFile("scores.xlsx", path.read_bytes())
    with frozen():
        result = import_business_scores(upload, actor=make_user(Role.PROCUREMENT, username="office-procurement"))
    assert result.ok, result.errors
    score = BusinessScore.objects.get(supplier__code="S000002", year=2026, quarter=3)
    assert (score.quality, score.delivery, score.cost, score.service) == (
        Decimal("92.50"), Decimal("88.00"), Decimal("80.00"), Decimal("95.50"),
    )
    assert score.note == "季度复盘"
