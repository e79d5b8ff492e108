"""Reading an import file into a Table, and checking its header and cells into RowPlans. No database access.

Hostile files are refused before they are parsed (core.workbooks.guard: a damaged or encrypted zip, a zip bomb,
macros, lying counts, a sheet whose used range is huge) and parsed in a limited child process (isolation).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from supplyesg.core.files import TEXT_TABLE_EXTENSIONS
from supplyesg.core.sheets.formats import mark_percent_cells, percent_cells
from supplyesg.core.sheets.text import TextFileError, csv_rows
from supplyesg.core.workbooks import guard, isolation
from supplyesg.core.workbooks.grids import read_here
from supplyesg.core.workbooks.messages import problem_message, unsafe_message
from supplyesg.suppliers.importing.columns import (
    COLUMNS,
    PARSERS,
    CellProblem,
    blank,
    cell_text,
    column_letter,
    header_aliases,
    header_key,
)

MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_UNCOMPRESSED = 200 * 1024 * 1024
SHEET_NAME = "Suppliers"
# Checked before any reader runs: the range calamine allocates is bounded by the rows and columns we read.
LIMITS = guard.Limits(max_total_uncompressed=MAX_UNCOMPRESSED, max_sheet_cells=(MAX_ROWS + 1001) * MAX_COLUMNS)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""

# ---------------------------------------------------------------- reading files


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    sheet: str
    header: list[str]
    header_row: int  # 1-based
    rows: list[tuple[int, list[Any]]]  # (1-based row number, cells)

    def ref(self, row: int, col: int) -> str:
        if self.kind == "xlsx":
            return f"{self.sheet}!{column_letter(col)}{row}"
        name = self.header[col] if col < len(self.header) and self.header[col] else column_letter(col)
        return _("row %(row)d, column %(column)s") % {"row": row, "column": name}

    def row_ref(self, row: int) -> str:
        return f"{self.sheet}!{row}:{row}" if self.kind == "xlsx" else _("row %(row)d") % {"row": row}


def read_table(data: bytes, filename: str) -> Table:
    """The header row and the non-blank data rows of the file. Raises ImportFileError."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if ext == "xlsx":
        table = _read_xlsx(data)
        # Numbers in percent-formatted cells are fractions (92.5 % holds 0.925): hand them over as typed.
        table.rows = mark_percent_cells(table.rows, percent_cells(data, table.sheet))
        return table
    if ext in TEXT_TABLE_EXTENSIONS:
        return _read_csv(data)
    raise ImportFileError(_("Files of type .%(ext)s cannot be imported; use .xlsx or .csv.") % {"ext": ext or "?"})


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("The file has more than %(max)s rows; split it into smaller files.") % {"max": f"{MAX_ROWS:,}"})


def _split_header(grid_rows) -> tuple[int, list[Any], list[tuple[int, list[Any]]]]:
    header_index, header = None, []
    rows = []
    for index, cells in grid_rows:
        if all(blank(c) for c in cells):
            continue
        if header_index is None:
            header_index, header = index, cells
            continue
        rows.append((index, cells))
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
    if header_index is None:
        raise ImportFileError(_("The file has no header row and no data."))
    return header_index, header, rows


def _read_csv(data: bytes) -> Table:
    """CSV or tab-separated text in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GB18030."""
    try:
        grid = csv_rows(data)
    except TextFileError:
        raise ImportFileError(_("The CSV file is not text in UTF-8, UTF-16 or GB18030."))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s.") % {"error": exc})
    header_row, header, rows = _split_header(enumerate(grid, start=1))
    return Table("csv", "CSV", [cell_text(h) for h in header], header_row, rows)


def _read_xlsx(data: bytes) -> Table:
    _kind, problem = guard.inspect_workbook(data, LIMITS)
    if problem and problem.code == "sheet_too_large":
        if problem.params["columns"] > MAX_COLUMNS:
            raise ImportFileError(_("A sheet uses more than %(max)d columns.") % {"max": MAX_COLUMNS})
        if problem.params["rows"] > MAX_ROWS + 1000:
            raise _too_many_rows()
    if problem:
        raise ImportFileError(problem_message(problem))
    try:
        grids = isolation.call(read_here, data, (SHEET_NAME,), True, MAX_ROWS + 1001)
    except isolation.UnsafeFile as exc:
        raise ImportFileError(unsafe_message(exc.reason)) from None
    if grids.error:
        raise ImportFileError(_("The file is not a readable .xlsx workbook (it may be damaged)."))
    if not grids.sheet_names:
        raise ImportFileError(_("The workbook has no sheet."))
    sheet, grid = next(iter(grids.sheets.items()))
    # The farthest cell holding a value, for messages naming the limit (the guard bounded the range read).
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        max_row, max_col = _sheet_extent(archive, sheet)
    if max_col > MAX_COLUMNS:
        raise ImportFileError(_("The sheet %(sheet)s uses more than %(max)d columns.") % {"sheet": sheet, "max": MAX_COLUMNS})
    if max_row > MAX_ROWS + 1000:
        raise _too_many_rows()
    header_row, header, rows = _split_header(enumerate(grid, start=1))
    return Table("xlsx", sheet, [cell_text(h) for h in header], header_row, rows)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile, sheet: str) -> list[str]:
    """The worksheet part(s) to check for `sheet`: its own part, or every worksheet if that cannot be told."""
    all_parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return all_parts
    rel_id = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get("name") == sheet:
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
    for element in rels.iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == rel_id:
            target = (element.get("Target") or "").lstrip("/")
            part = target if target.startswith("xl/") else "xl/" + target
            if part in archive.namelist():
                return [part]
    return all_parts


_SHEET_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb'\br="([A-Za-z]{0,3})(\d*)"')


def _sheet_extent(archive: zipfile.ZipFile, sheet: str) -> tuple[int, int]:
    """(last row, last column) holding a value, read from the XML without building the grid."""
    max_row = max_col = 0
    for part in _sheet_parts(archive, sheet):
        row, col = 0, -1
        try:
            with archive.open(part) as stream:
                leftover = b""
                while True:
                    chunk = stream.read(1 << 20)
                    buffer = leftover + chunk
                    cut = buffer.rfind(b"<") if chunk else len(buffer)
                    if chunk and cut <= 0:
                        # No tag starts here (text only), or one tag is still open: a tag is never megabytes long.
                        if cut == 0 and len(buffer) > 4 << 20:
                            raise ImportFileError(_("The file is not a readable .xlsx workbook (it may be damaged)."))
                        leftover = buffer if cut == 0 else b""
                        continue
                    for match in _SHEET_TAG.finditer(buffer, 0, cut):
                        kind, attrs, empty = match.groups()
                        ref = _R_ATTR.search(attrs)
                        if kind == b"row":
                            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                            col = -1
                            continue
                        if ref and ref.group(1):
                            col = _column_index(ref.group(1).decode())
                            row = int(ref.group(2)) if ref.group(2) else row
                        else:
                            col += 1
                        if not empty:
                            max_row, max_col = max(max_row, row), max(max_col, col + 1)
                    leftover = buffer[cut:]
                    if not chunk:
                        break
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, KeyError):
            raise ImportFileError(_("The file is not a readable .xlsx workbook (it may be damaged)."))
    return max_row, max_col


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# ---------------------------------------------------------------- rows


@dataclass
class RowPlan:
    number: int
    cells: dict[str, str]  # column key -> reference of its cell
    code: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # registry fields of the columns present
    categories: list[str] | None = None  # tokens as written; None when the column is absent
    upstream: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    duplicate_codes: list[str] = field(default_factory=list)  # registry codes or codes of rows in the file
    action: str = ""  # "create", "update" or "unchanged"
    code_generated: bool = False
    supplier_id: int | None = None
    changed: list[str] = field(default_factory=list)
    category_ids: list[int] | None = None
    new_upstream: list[str] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(f"{self.cells.get(column) or self.cells['_row']}: {message}")

    @property
    def legal_name(self) -> str:
        return self.fields.get("legal_name", "")


@dataclass
class ParsedTable:
    table: Table
    columns: dict[int, str]  # column index -> key
    rows: list[RowPlan]
    errors: list[str]


def parse_table(table: Table) -> ParsedTable:
    """Map the header, then check every cell of every row. No database access."""
    columns: dict[int, str] = {}
    errors: list[str] = []
    unnamed: list[int] = []
    for index, text in enumerate(table.header):
        if not text:
            unnamed.append(index)
            continue
        key = header_aliases().get(header_key(text))
        if key is None:
            errors.append(_('%(cell)s: unknown column "%(name)s"') % {"cell": table.ref(table.header_row, index), "name": text})
        elif key in columns.values():
            errors.append(_('%(cell)s: the column "%(name)s" appears twice')
                          % {"cell": table.ref(table.header_row, index), "name": text})
        else:
            columns[index] = key
    for column in COLUMNS:
        if column.required and column.key not in columns.values():
            errors.append(_('%(where)s: the required column "%(name)s" (%(zh)s) is missing')
                          % {"where": table.row_ref(table.header_row), "name": column.key, "zh": column.zh})
    reported_unnamed = set()
    rows = []
    for number, cells in table.rows:
        row = RowPlan(number=number, cells={"_row": table.row_ref(number)})
        for index, key in columns.items():
            row.cells[key] = table.ref(number, index)
        for index in unnamed:
            if index < len(cells) and not blank(cells[index]) and index not in reported_unnamed:
                reported_unnamed.add(index)
                errors.append(_("%(cell)s: this column has no header; name it or delete it") % {"cell": table.ref(number, index)})
        for index, value in enumerate(cells):
            if index >= len(table.header) and not blank(value) and index not in reported_unnamed:
                reported_unnamed.add(index)
                errors.append(_("%(cell)s: this column has no header; name it or delete it") % {"cell": table.ref(number, index)})
        for index, key in columns.items():
            if key == "status":
                continue
            value = cells[index] if index < len(cells) else None
            try:
                parsed = PARSERS[key](value)
            except CellProblem as problem:
                row.error(key, str(problem))
                continue
            if key == "code":
                row.code = parsed
            elif key == "categories":
                row.categories = parsed
            elif key == "upstream_codes":
                row.upstream = parsed
            else:
                row.fields[key] = parsed
        if "legal_name" in row.fields and not row.fields["legal_name"]:
            row.error("legal_name", _("legal name is required"))
        rows.append(row)
    return ParsedTable(table, columns, rows, errors)
