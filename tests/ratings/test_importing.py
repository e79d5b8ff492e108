"""The ERP import of business scores: xlsx or CSV, English or Chinese headers, every bad cell named, and a
rejected file leaving the stored scores as they were."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from supplyesg.core.models import AuditEvent
from supplyesg.ratings import exporting, importing
from supplyesg.ratings.models import BusinessScore
from supplyesg.ratings.quarters import Quarter
from supplyesg.ratings.services import import_business_scores
from tests.factories import make_supplier
from tests.hostile_workbooks import corpus
from tests.ratings.factories_ratings import frozen, make_business_score

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with frozen():
        yield


@pytest.fixture
def s1(db):
    return make_supplier(code="S1", legal_name="Alpha Cable Co., Ltd.")


@pytest.fixture
def s2(db):
    return make_supplier(code="S2", legal_name="Beta Solder Sdn. Bhd.")


def csv_file(text: str, name="scores.csv", bom=False) -> SimpleUploadedFile:
    data = text.encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def xlsx_file(rows, sheet="Scores", name="scores.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return SimpleUploadedFile(name, handle.getvalue())


def stored() -> dict:
    return {
        (s.supplier.code, s.year, s.quarter): (s.quality, s.delivery, s.cost, s.service)
        for s in BusinessScore.objects.select_related("supplier")
    }


# ---------------------------------------------------------------- files that import


def test_a_csv_file_creates_the_scores_with_their_history(s1, s2, procurement):
    result = import_business_scores(
        csv_file("supplier_code,period,quality,delivery,cost,service\nS1,2026Q3,95,90,85.5,80\nS2,2026Q3,60,70,80,90\n"),
        actor=procurement,
    )
    assert result.ok and result.applied and (result.created, result.updated, result.failed) == (2, 0, 0)
    assert stored() == {
        ("S1", 2026, 3): (Decimal("95.00"), Decimal("90.00"), Decimal("85.50"), Decimal("80.00")),
        ("S2", 2026, 3): (Decimal("60.00"), Decimal("70.00"), Decimal("80.00"), Decimal("90.00")),
    }
    assert set(BusinessScore.objects.values_list("source", flat=True)) == {"import"}
    events = AuditEvent.objects.filter(action="business_score.imported")
    assert events.count() == 2 and {e.supplier_id for e in events} == {s1.pk, s2.pk}
    assert all(e.actor == procurement and "scores.csv" in e.reason for e in events)


def test_importing_again_updates_changed_rows_and_leaves_the_others(s1, s2, procurement):
    make_business_score(s1, quality=95, delivery=90, cost=85.5, service=80)
    make_business_score(s2, quality=10, delivery=10, cost=10, service=10)
    result = import_business_scores(
        csv_file("supplier_code,period,quality,delivery,cost,service\nS1,2026Q3,95,90,85.5,80\nS2,2026Q3,60,70,80,90\n"),
        actor=procurement,
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert stored()[("S2", 2026, 3)] == (Decimal("60.00"), Decimal("70.00"), Decimal("80.00"), Decimal("90.00"))
    event = AuditEvent.objects.get(action="business_score.imported")
    assert event.supplier_id == s2.pk and event.changes["quality"] == ["10.00", "60.00"]


def test_chinese_headers_a_byte_order_mark_and_year_and_quarter_columns_are_read(s1, procurement):
    text = "供应商编码,供应商名称,年度,季度,质量,交付,成本,服务,备注\nS1,阿尔法线缆,2026,2,88,77,66,55,季度复盘\n"
    result = import_business_scores(csv_file(text, bom=True), actor=procurement)
    assert result.ok, result.errors
    assert stored() == {("S1", 2026, 2): (Decimal("88.00"), Decimal("77.00"), Decimal("66.00"), Decimal("55.00"))}
    assert result.ignored_columns == ["供应商名称"]
    assert BusinessScore.objects.get().note == "季度复盘"


def test_an_xlsx_workbook_is_read_with_numbers_percent_signs_and_decimal_commas(s1, s2, procurement):
    rows = [
        ["Supplier code", "Period", "Quality", "Delivery", "Cost", "Service"],
        ["S1", "2026Q3", 95.5, "90%", "85,5", 80],
        ["S2", "Q2 2026", 60, 70, 80, 90],
    ]
    result = import_business_scores(xlsx_file(rows), actor=procurement)
    assert result.ok, result.errors
    assert stored()[("S1", 2026, 3)] == (Decimal("95.50"), Decimal("90.00"), Decimal("85.50"), Decimal("80.00"))
    assert ("S2", 2026, 2) in stored()


def test_the_downloadable_template_has_the_columns_and_imports_once_the_example_is_replaced(s1, procurement):
    handle = exporting.template_file(Quarter(2026, 3))
    workbook = load_workbook(handle)
    assert workbook.sheetnames == ["Scores", "Instructions"]
    sheet = workbook["Scores"]
    header = [c.value for c in sheet[1]]
    assert header == ["supplier_code", "period", "quality", "delivery", "cost", "service", "note"]
    assert sheet["B2"].value == "2026Q3"
    sheet["A2"] = "S1"
    out = io.BytesIO()
    workbook.save(out)
    result = import_business_scores(SimpleUploadedFile("template.xlsx", out.getvalue()), actor=procurement)
    assert result.ok and result.created == 1, result.errors


# ---------------------------------------------------------------- files that do not


HEADER = ["supplier_code", "period", "quality", "delivery", "cost", "service"]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (["X9", "2026Q3", 80, 80, 80, 80], 'Scores!A3: supplier code "X9" is not a known supplier'),
        (["S2", "2026Q3", 105, 80, 80, 80], "Scores!C3: quality 105 is outside 0-100"),
        (["S2", "2026Q3", 80, -3, 80, 80], "Scores!D3: delivery -3 is outside 0-100"),
        (["S2", "2026Q3", 80, 80, "n/a", 80], 'Scores!E3: cost "n/a" is not a number'),
        (["S2", "2026Q3", 80, 80, 80, None], "Scores!F3: service is required (a score from 0 to 100)"),
        (["S2", "2026Q5", 80, 80, 80, 80], 'Scores!B3: period "2026Q5" is not a quarter such as 2026Q3'),
        (["S2", "2027Q1", 80, 80, 80, 80], "Scores!B3: period 2027Q1 has not started yet"),
        (["S2", None, 80, 80, 80, 80], "Scores!B3: the period is required, e.g. 2026Q3"),
        (["", "2026Q3", 80, 80, 80, 80], "Scores!A3: supplier code is required"),
    ],
)
def test_a_bad_cell_is_named_by_sheet_and_cell_and_nothing_is_written(s1, s2, procurement, row, error):
    make_business_score(s1, quality=11, delivery=11, cost=11, service=11)
    before = stored()
    result = import_business_scores(xlsx_file([HEADER, ["S1", "2026Q3", 90, 90, 90, 90], row]), actor=procurement)
    assert result.errors == [error]
    assert not result.applied and result.failed == 1 and result.created == result.updated == 0
    assert stored() == before
    assert not AuditEvent.objects.exists()


def test_csv_errors_are_named_by_row(s1, s2, procurement):
    text = "supplier_code,period,quality,delivery,cost,service\nS1,2026Q3,105,80,80,80\nX9,2026Q3,80,80,80,80\n"
    result = import_business_scores(csv_file(text), actor=procurement)
    assert result.errors == ["row 2: quality 105 is outside 0-100", 'row 3: supplier code "X9" is not a known supplier']
    assert result.failed == 2 and not BusinessScore.objects.exists()


def test_the_same_supplier_and_quarter_twice_in_a_file_is_refused(s1, procurement):
    text = (
        "supplier_code,period,quality,delivery,cost,service\n"
        "S1,2026Q3,80,80,80,80\nS1,2026Q2,80,80,80,80\nS1,2026-Q3,90,90,90,90\n"
    )
    result = import_business_scores(csv_file(text), actor=procurement)
    assert result.errors == ["row 4: S1 already has scores for 2026Q3 in row 2 of this file"]
    assert not BusinessScore.objects.exists()


def test_every_error_in_a_file_is_listed_at_once(s1, procurement):
    text = "supplier_code,period,quality,delivery,cost,service\nS1,2026Q9,101,x,80,\nX9,2026Q3,80,80,80,80\n"
    result = import_business_scores(csv_file(text), actor=procurement)
    assert len(result.errors) == 5 and result.failed == 2


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            "supplier_code,period,quality,delivery,cost\nS1,2026Q3,1,2,3\n",
            'row 1: the required column "service" (服务) is missing',
        ),
        (
            "supplier_code,quality,delivery,cost,service\nS1,1,2,3,4\n",
            'row 1: give the quarter as a "period" column (2026Q3) or as "year" and "quarter" columns',
        ),
        (
            "supplier_code,period,quality,quality,delivery,cost,service\nS1,2026Q3,1,1,2,3,4\n",
            'row 1: the column "quality" appears twice',
        ),
        ("supplier_code,period,quality,delivery,cost,service\n", "The file has a header row but no scores."),
        ("", "The file is empty."),
    ],
)
def test_a_file_with_a_bad_header_is_refused_whole(s1, procurement, text, error):
    result = import_business_scores(csv_file(text), actor=procurement)
    assert result.errors == [error] and not BusinessScore.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(procurement):
    result = import_business_scores(SimpleUploadedFile("scores.xlsx", b"PK\x03\x04 nonsense"), actor=procurement)
    assert result.errors and "not a readable .xlsx workbook" in result.errors[0]


def test_the_columns_accept_their_key_english_label_and_chinese_header():
    aliases = importing.header_aliases()
    for column in importing.COLUMNS:
        assert aliases[importing.header_key(column.key)] == column.key
        assert aliases[importing.header_key(str(column.label))] == column.key
        assert aliases[importing.header_key(column.zh)] == column.key


# ---------------------------------------------------------------- percentages and text encodings


def percent_xlsx_file(rows, formats: dict[str, str]) -> SimpleUploadedFile:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Scores"
    for row in rows:
        ws.append(row)
    for ref, number_format in formats.items():
        ws[ref].number_format = number_format
    handle = io.BytesIO()
    workbook.save(handle)
    return SimpleUploadedFile("scores.xlsx", handle.getvalue())


def test_percent_formatted_cells_import_as_the_percentage_shown_not_the_fraction_stored(s1, procurement):
    rows = [["supplier_code", "period", "quality", "delivery", "cost", "service"], ["S1", "2026Q3", 0.925, 0.88, 0.8, 0.955]]
    result = import_business_scores(
        percent_xlsx_file(rows, {"C2": "0.0%", "D2": "0%", "E2": "0.00%", "F2": "0.0%"}), actor=procurement
    )
    assert result.ok, result.errors
    assert stored() == {("S1", 2026, 3): (Decimal("92.50"), Decimal("88.00"), Decimal("80.00"), Decimal("95.50"))}


def test_a_fraction_in_a_plain_cell_is_refused_naming_the_cell(s1, procurement):
    rows = [["supplier_code", "period", "quality", "delivery", "cost", "service"], ["S1", "2026Q3", 0.92, 88, "80 %", 95]]
    result = import_business_scores(percent_xlsx_file(rows, {}), actor=procurement)
    assert not result.applied and BusinessScore.objects.count() == 0
    assert result.errors == ["Scores!C2: quality 0.92 looks like a fraction; write the score from 0 to 100 (e.g. 92)"]


def test_utf16_tab_separated_text_as_excel_saves_unicode_text_is_imported(s1, procurement):
    text = "供应商编码\t期间\t质量\t交付\t成本\t服务\r\nS1\t2026Q3\t92.5\t88\t80 %\t95\r\n"
    upload = SimpleUploadedFile("scores.csv", b"\xff\xfe" + text.encode("utf-16-le"), content_type="text/csv")
    result = import_business_scores(upload, actor=procurement)
    assert result.ok, result.errors
    assert stored() == {("S1", 2026, 3): (Decimal("92.50"), Decimal("88.00"), Decimal("80.00"), Decimal("95.00"))}


@pytest.mark.parametrize("name", sorted(corpus()))
def test_the_score_import_refuses_each_hostile_workbook_and_writes_nothing(s1, procurement, name):
    data, _phrase = corpus()[name]
    result = import_business_scores(SimpleUploadedFile("scores.xlsx", data), actor=procurement)
    assert result.errors and not result.created
    assert not BusinessScore.objects.exists()
