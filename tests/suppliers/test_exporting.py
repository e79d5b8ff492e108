"""Supplier export: the import format plus status, safe against formula injection, and the import template."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from supplyesg.core.sheets.cells import csv_value
from supplyesg.suppliers.exporting import csv_chunks, export_rows, template_file, xlsx_file
from supplyesg.suppliers.importing import COLUMNS, plan_import
from supplyesg.suppliers.models import Supplier, SupplyLink
from tests.factories import make_category, make_supplier

TRICKY = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+86 Trading", "-Minus Metals", "@SUM(A1:A9)", "\tTabbed", "\rReturn"]


@pytest.fixture
def registry(db):
    """Suppliers with every kind of value the export writes, including text that looks like formulas."""
    cables = make_category(code="cables-harnesses", name="Cables and wire harnesses")
    solder = make_category(code="tin-solder", name="Tin-containing solder")
    smelter = make_supplier(code="S000001", legal_name="=cmd|' /C calc'!A0", country="MY", tier=3,
                            aliases="+Alias One\n-Alias Two", address="@Penang", status=Supplier.Status.ACTIVE)
    cable = make_supplier(code="S000002", legal_name="Shenzhen Huaxin Precision Cable Co., Ltd.",
                          local_name="深圳华信精密线缆有限公司",
                          registration_id="91440300AY4CL12T24", registration_authority="Shenzhen AMR", country="CN",
                          address="No. 8 Keji Road\nBao'an, Shenzhen", website="https://huaxin.example", tier=1,
                          categories=[cables, solder], is_key=True, spend_share=Decimal("12.345"),
                          status=Supplier.Status.PROSPECT)
    SupplyLink.objects.create(upstream=smelter, downstream=cable, material="tin")
    for n, text in enumerate(TRICKY):
        make_supplier(code=f"S00010{n}", legal_name=f"Tricky {n} Co", local_name=text, country="DE", tier=2)
    return cable


def test_every_csv_cell_that_starts_like_a_formula_is_escaped(registry):
    text = b"".join(csv_chunks(Supplier.objects.order_by("code"))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [c for r in rows[1:] for c in r]
    risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert risky == []
    assert "'=cmd|' /C calc'!A0" in cells and "'+Alias One\n-Alias Two" in cells and "'@Penang" in cells
    assert {"'" + t for t in TRICKY} <= set(cells)


def test_the_csv_escape_leaves_ordinary_values_alone():
    assert [csv_value(v) for v in ("Huaxin", "", 3, None, "a=b")] == ["Huaxin", "", 3, None, "a=b"]


def test_the_workbook_holds_formula_like_text_as_plain_strings_without_an_apostrophe(registry):
    sheet = load_workbook(xlsx_file(Supplier.objects.order_by("code"))).active
    assert sheet.title == "Suppliers"
    assert [c.value for c in sheet[1]] == [c.key for c in COLUMNS] + ["status"]
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert sheet["B2"].value == "=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"
    assert sheet["D2"].value == "+Alias One\n-Alias Two"


def test_an_xlsx_export_re_imports_without_changes(registry):
    data = xlsx_file(Supplier.objects.all()).read()
    result = plan_import(data, "export.xlsx")
    assert result.errors == [] and result.duplicates == []
    assert (result.created, result.updated, result.skipped) == (0, 0, Supplier.objects.count())


def test_a_csv_export_re_imports_without_changes(registry):
    data = b"".join(csv_chunks(Supplier.objects.all()))
    assert data.startswith("\ufeff".encode())
    result = plan_import(data, "export.csv")
    assert result.errors == [] and (result.created, result.updated, result.skipped) == (0, 0, Supplier.objects.count())


def test_an_edited_export_updates_only_what_was_edited(registry):
    data = b"".join(csv_chunks(Supplier.objects.all())).decode("utf-8-sig").replace("12.345", "14")
    result = plan_import(data.encode(), "export.csv")
    assert result.updated == 1 and result.rows[[r.code for r in result.rows].index("S000002")].changed == ["spend_share"]


def test_the_export_costs_the_same_queries_for_few_or_many_suppliers(registry):
    def count():
        with CaptureQueriesContext(connection) as queries:
            list(export_rows(Supplier.objects.all()))
        return len(queries)

    few = count()
    category = make_category()
    for _n in range(30):
        supplier = make_supplier(categories=[category])
        SupplyLink.objects.create(upstream=registry, downstream=supplier)
    assert count() == few


def test_the_template_has_the_header_an_example_validations_and_instructions(db):
    make_category(code="cables-harnesses", name="Cables and wire harnesses", name_zh="线缆及线束")
    workbook = load_workbook(template_file())
    assert workbook.sheetnames == ["Suppliers", "Instructions", "Categories"]
    sheet = workbook["Suppliers"]
    assert [c.value for c in sheet[1]] == [c.key for c in COLUMNS]
    assert sheet["B2"].value == "Shenzhen Example Precision Cable Co., Ltd."
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists == {'"1,2,3"', '"yes,no"'}
    instructions = [c.value for c in workbook["Instructions"]["B"]]
    assert "法定名称" in instructions and "国家/地区" in instructions
    assert [c.value for c in workbook["Categories"]["A"]][1:] == ["cables-harnesses"]


def test_the_template_example_row_imports_cleanly(db):
    make_category(code="cables-harnesses", name="Cables and wire harnesses")
    make_category(code="connectors", name="Connectors")
    result = plan_import(template_file().read(), "supplier-import-template.xlsx")
    assert result.errors == [] and result.created == 1


def test_a_large_export_streams_in_chunks(db):
    Supplier.objects.bulk_create([Supplier(code=f"B{n:06d}", legal_name=f"Bulk {n} Co", country="CN") for n in range(1200)])
    chunks = list(csv_chunks(Supplier.objects.all()))
    assert len(chunks) > 2 and b"".join(chunks).count(b"\r\n") == 1201
    assert io.BytesIO(b"".join(chunks)).read(3) == "\ufeff".encode()
