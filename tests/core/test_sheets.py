"""The shared spreadsheet cell helpers: writing cells, reading percentages, decoding CSV text. No database."""

import codecs
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from supplyesg.core.sheets.cells import clean_text, csv_value, xlsx_cell, xlsx_row
from supplyesg.core.sheets.formats import is_percent_format, mark_percent_cells, percent_cells
from supplyesg.core.sheets.numbers import FRACTION, NOT_NUMBER, OUT_OF_RANGE, NumberProblem, PercentCell, percentage
from supplyesg.core.sheets.text import TextFileError, csv_rows, decode_text, detect_encoding, looks_like_text


def saved(sheet_rows, write_only=True) -> Workbook:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("S") if write_only else book.active
    for values in sheet_rows:
        sheet.append(xlsx_row(sheet, values, text_columns={0}))
    handle = io.BytesIO()
    book.save(handle)
    return load_workbook(io.BytesIO(handle.getvalue()))


# ---------------------------------------------------------------- writing


@pytest.mark.parametrize("write_only", [True, False])
def test_formula_like_text_is_a_plain_string_cell_without_an_apostrophe(write_only):
    sheet = saved([["S1", "=1+1", "-", "+86 755 8888 0000", "@SUM(A1)", "#N/A"]], write_only).worksheets[0]
    cells = list(sheet.iter_rows())[0]
    assert [c.value for c in cells] == ["S1", "=1+1", "-", "+86 755 8888 0000", "@SUM(A1)", "#N/A"]
    assert {c.data_type for c in cells} == {"s"}


def test_identifiers_keep_their_leading_zeros_as_text_cells():
    sheet = saved([["007", 42], [1234, None]]).worksheets[0]
    assert sheet["A1"].value == "007" and sheet["A1"].number_format == "@"
    assert sheet["A2"].value == "1234" and sheet["A2"].data_type == "s"
    assert sheet["B1"].value == 42 and sheet["B1"].data_type == "n"


def test_dates_and_numbers_are_real_dates_and_numbers():
    sheet = saved([["x", dt.date(2026, 3, 10), Decimal("85.71"), dt.datetime(2026, 3, 10, 14, 5)]]).worksheets[0]
    assert sheet["B1"].value == dt.datetime(2026, 3, 10) and sheet["B1"].number_format == "yyyy-mm-dd"
    assert sheet["C1"].value == 85.71 and sheet["C1"].data_type == "n"
    assert sheet["D1"].value == dt.datetime(2026, 3, 10, 14, 5) and sheet["D1"].is_date


def test_control_characters_are_stripped_also_as_office_escapes():
    assert clean_text("Bell\x07 Smelter_x0007_ Co\x1b") == "Bell Smelter Co"
    assert clean_text("line\nbreak\tand tab_x000D_") == "line\nbreak\tand tab_x000D_"
    sheet = saved([["S1", "Tin\x07 Works_x0007_"]]).worksheets[0]
    assert sheet["B1"].value == "Tin Works"


def test_csv_values_escape_formula_like_text_with_an_apostrophe():
    assert [csv_value(v) for v in ("=1+1", "-", "+86", "@x", "\tx", "plain", 3, None)] == [
        "'=1+1", "'-", "'+86", "'@x", "'\tx", "plain", 3, None,
    ]
    assert csv_value("A\x07B") == "AB"


def test_an_empty_string_is_an_empty_cell():
    cell = xlsx_cell(Workbook(write_only=True).create_sheet("S"), "")
    assert cell.value is None


# ---------------------------------------------------------------- percentages


def test_a_percent_cell_reads_as_the_percentage_typed():
    assert percentage(PercentCell(Decimal("0.925"))) == Decimal("92.5")
    assert percentage(PercentCell(Decimal("0.35"))) == 35
    assert str(PercentCell(Decimal("0.925"))) == "92.5%"


@pytest.mark.parametrize("text", ["92.5 %", "92.5%", "92,5 %", "92.5\xa0%", "92.5％", " 92.5 "])
def test_percent_text_reads_as_the_number_before_the_sign(text):
    assert percentage(text) == Decimal("92.5")


def test_a_fraction_in_a_0_to_100_column_is_refused_unless_the_column_allows_it():
    with pytest.raises(NumberProblem) as problem:
        percentage(0.92)
    assert problem.value.kind == FRACTION and problem.value.text == "0.92"
    assert percentage(0.4, allow_fraction=True) == Decimal("0.4")
    assert percentage("0.5 %") == Decimal("0.5")  # written as a percentage: not a fraction
    assert percentage(0) == 0 and percentage(1) == 1 and percentage(None) is None and percentage(" ") is None


@pytest.mark.parametrize(("value", "kind"), [("ninety", NOT_NUMBER), (True, NOT_NUMBER), (101, OUT_OF_RANGE),
                                             (PercentCell(Decimal("1.5")), OUT_OF_RANGE), ("-3", OUT_OF_RANGE)])
def test_other_values_are_refused_with_the_reason(value, kind):
    with pytest.raises(NumberProblem) as problem:
        percentage(value)
    assert problem.value.kind == kind


def test_percent_cells_are_found_from_the_number_formats_of_the_workbook():
    book = Workbook()
    sheet = book.active
    sheet.title = "Scores"
    sheet.append(["code", "quality", "delivery", "cost"])
    sheet.append(["S1", 0.925, 88, 0.5])
    sheet["B2"].number_format = "0.0%"
    sheet["D2"].number_format = '0.00" pct"'
    handle = io.BytesIO()
    book.save(handle)
    cells = percent_cells(handle.getvalue(), "Scores")
    assert cells == {(2, 1)}
    rows = mark_percent_cells([(1, ["code", "quality"]), (2, ["S1", 0.925, 88, 0.5])], cells)
    assert rows[1][1] == ["S1", PercentCell(Decimal("0.925")), 88, 0.5]
    assert percent_cells(handle.getvalue(), "Other") == set() and percent_cells(b"not a zip", "Scores") == set()


def test_percent_formats_are_told_from_quoted_percent_signs():
    assert is_percent_format("0%") and is_percent_format("0.00%;[Red]-0.00%")
    assert not is_percent_format('0.0"%"') and not is_percent_format("0\\%") and not is_percent_format("General")


# ---------------------------------------------------------------- CSV text


ROWS = [["legal_name", "country", "spend_share"], ["深圳华信精密线缆有限公司", "CN", "12.5"]]


def tab_text(rows) -> str:
    return "".join("\t".join(r) + "\r\n" for r in rows)


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + tab_text(ROWS).encode("utf-16-le"),  # Excel's "Unicode text"
        codecs.BOM_UTF16_BE + tab_text(ROWS).encode("utf-16-be"),
        tab_text(ROWS).encode("utf-16-le"),
        codecs.BOM_UTF8 + tab_text(ROWS).encode(),
        "\n".join(",".join(r) for r in ROWS).encode(),
        "\n".join(";".join(r) for r in ROWS).encode("gb18030"),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf16le", "utf8-bom-tab", "utf8-comma", "gb18030-semicolon"],
)
def test_every_common_text_encoding_and_delimiter_reads_the_same_rows(data):
    assert csv_rows(data) == ROWS
    assert looks_like_text(data[:4096])


def test_the_encoding_is_named_and_binary_is_refused():
    assert detect_encoding(codecs.BOM_UTF16_LE + "a".encode("utf-16-le")) == "utf-16"
    assert decode_text(codecs.BOM_UTF8 + b"a,b") == "a,b"
    with pytest.raises(TextFileError):
        decode_text(b"\x80\xff" * 20)
    assert not looks_like_text(b"\x00\x01\x02\x03" * 20)
