"""Supplier export in the import format (plus status), and the import template.

Cells are written by `core.sheets.cells`: in the workbook text is a plain string cell (never evaluated, no
apostrophe), identifiers (codes, registration ids) are text cells so leading zeros survive, the spend share
is a number. In the CSV, text that a spreadsheet would read as a formula (= + - @, tab, carriage return) gets
a leading apostrophe, which the importer removes again, so an export re-imports unchanged.
"""

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from supplyesg.core.exports import Output
from supplyesg.core.sheets.cells import csv_value, xlsx_cell, xlsx_row
from supplyesg.suppliers import queries
from supplyesg.suppliers.importing import COLUMNS, MAX_ROWS, READ_ONLY_COLUMNS
from supplyesg.suppliers.importing.columns import column_letter
from supplyesg.suppliers.models import Category, Supplier, SupplyLink

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 1000  # rows between two progress writes of a prepared download
EXPORT_COLUMNS = COLUMNS + READ_ONLY_COLUMNS
EXPORT_KEYS = [c.key for c in EXPORT_COLUMNS]
SHEET = "Suppliers"
_WIDTHS = {"legal_name": 42, "local_name": 28, "aliases": 24, "registration_id": 22, "registration_authority": 28,
           "address": 40, "website": 28, "categories": 28, "upstream_codes": 22}


# Identifiers written as text cells in the workbook (leading zeros, long digit strings).
TEXT_KEYS = ("code", "registration_id", "upstream_codes")
TEXT_COLUMNS = frozenset(EXPORT_KEYS.index(k) for k in TEXT_KEYS)


def _share(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def export_rows(queryset) -> Iterator[list]:
    """The header, then one row of plain values per supplier (the spend share as a Decimal or None).
    Three queries whatever the number of suppliers."""
    yield list(EXPORT_KEYS)
    ids = queryset.order_by().values("pk")
    categories = defaultdict(list)
    for supplier_id, code in (Supplier.categories.through.objects.filter(supplier_id__in=ids)
                              .values_list("supplier_id", "category__code")):
        categories[supplier_id].append(code)
    upstream = defaultdict(list)
    for supplier_id, code in SupplyLink.objects.filter(downstream_id__in=ids).values_list("downstream_id", "upstream__code"):
        upstream[supplier_id].append(code)
    for s in queryset.prefetch_related(None).iterator(chunk_size=2000):
        row = [
            s.code, s.legal_name, s.local_name, "\n".join(s.alias_list), s.registration_id, s.registration_authority,
            s.country, s.address, s.website, s.tier, "; ".join(sorted(categories[s.pk])), "yes" if s.is_key else "no",
            s.spend_share, "; ".join(sorted(upstream[s.pk])), s.status,
        ]
        yield row


def export_filters(filters: dict) -> dict:
    """The list's cleaned filters as JSON, for a download the worker prepares (the category by its code)."""
    return {key: (value.code if isinstance(value, Category) else value) for key, value in filters.items()}


def build_export(params: dict, *, on_progress) -> Output:
    """The supplier export as the worker prepares it (core/exports.py): `params` are the list's filters
    (`export_filters`), its sort and the format."""
    filters = dict(params.get("filters") or {})
    if filters.get("category"):
        filters["category"] = Category.objects.filter(code=filters["category"]).first() or Category(code="", pk=0)
    queryset = queries.supplier_list_queryset(filters, params.get("sort"))
    total = queries.supplier_list_count(filters)
    on_progress(0, total)

    def on_row(n):
        if n % PROGRESS_EVERY == 0 or n == total:
            on_progress(n, total)

    kind = params.get("format", "xlsx")
    if kind == "csv":
        handle = tempfile.TemporaryFile()
        for chunk in csv_chunks(queryset, on_row=on_row):
            handle.write(chunk)
        handle.seek(0)
        return Output(handle, params["filename"], "text/csv; charset=utf-8")
    return Output(xlsx_file(queryset, on_row=on_row), params["filename"], XLSX)


class _Echo:
    def write(self, value):
        return value


def csv_chunks(queryset, on_row=None) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so spreadsheet programs show Chinese names correctly. `on_row(n)` is called
    after each supplier's row (the header is row 0)."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    batch = []
    share = EXPORT_KEYS.index("spend_share")
    for n, row in enumerate(export_rows(queryset)):
        if isinstance(row[share], Decimal):
            row[share] = _share(row[share])
        batch.append(writer.writerow([csv_value(v) for v in row]))
        if on_row is not None and n:
            on_row(n)
        if len(batch) >= 500:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def _header_cells(sheet, keys: Iterable[str]):
    return xlsx_row(sheet, keys, font=Font(bold=True))


def xlsx_file(queryset, on_row=None):
    """The export as a workbook in a temporary file (rewound), built in write-only mode to keep memory flat.
    `on_row(n)` is called after each supplier's row (the worker's progress)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, column in enumerate(EXPORT_COLUMNS):
        sheet.column_dimensions[column_letter(index)].width = _WIDTHS.get(column.key, 14)
    sheet.freeze_panes = "B2"
    rows = export_rows(queryset)
    sheet.append(_header_cells(sheet, next(rows)))
    for n, row in enumerate(rows, 1):
        sheet.append(xlsx_row(sheet, row, text_columns=TEXT_COLUMNS))
        if on_row is not None:
            on_row(n)
    handle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle


# ---------------------------------------------------------------- template


EXAMPLE_ROW = {
    "code": "",
    "legal_name": "Shenzhen Example Precision Cable Co., Ltd.",
    "local_name": "深圳示例精密线缆有限公司",
    "aliases": "Example Cable; 示例线缆",
    "registration_id": "91440300AY4CL12T24",
    "registration_authority": "Shenzhen Administration for Market Regulation",
    "country": "CN",
    "address": "Building 5, Example Industrial Park, Bao'an District, Shenzhen",
    "website": "https://www.example.com",
    "tier": 1,
    "categories": "cables-harnesses; connectors",
    "is_key": "no",
    "spend_share": 2.5,
    "upstream_codes": "",
}


def template_file():
    """The import template: header and one example row, the rules in English and Chinese, the category codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    keys = [c.key for c in COLUMNS]
    sheet.append(_header_cells(sheet, keys))
    sheet.append(xlsx_row(sheet, [EXAMPLE_ROW[k] for k in keys], text_columns={keys.index(k) for k in TEXT_KEYS}))
    for index, key in enumerate(keys):
        sheet.column_dimensions[column_letter(index)].width = _WIDTHS.get(key, 14)
    sheet.freeze_panes = "B2"
    last = MAX_ROWS + 1
    for key, choices, prompt in (("tier", '"1,2,3"', _("1 = direct, 2, 3 = tier 3 and beyond")),
                                 ("is_key", '"yes,no"', _("yes or no"))):
        letter = column_letter(keys.index(key))
        # is_key also accepts true/false, 1/0 and 是/否: warn instead of refusing them.
        validation = DataValidation(type="list", formula1=choices, allow_blank=key != "tier", showErrorMessage=True,
                                    errorStyle="stop" if key == "tier" else "warning", errorTitle=_("Invalid value"),
                                    error=prompt, promptTitle=key, prompt=prompt)
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)

    instructions = workbook.create_sheet("Instructions")
    instructions.append(_header_cells(instructions, [_("Column"), _("Chinese header"), _("Required"), _("What to write")]))
    for column in COLUMNS + READ_ONLY_COLUMNS:
        instructions.append(
            xlsx_row(instructions, [column.key, column.zh, _("yes") if column.required else _("no"), str(column.rule)])
        )
    instructions.append([])
    for line in (
        _("One supplier per row on the Suppliers sheet. Keep the header row; headers may be the English column "
          "names or the Chinese headers above."),
        _("Delete the example row before importing."),
        _("A row whose code exists updates that supplier; columns left out of the file are not changed and an "
          "empty cell clears the value."),
        _("A file with any error changes nothing: fix every cell listed and upload the file again."),
        _("Rows that look like suppliers already registered (same registration id, or a very similar name in the "
          "same country) must be confirmed as different companies before they are imported."),
        _("Blacklisted companies cannot be imported."),
        _("At most %(max)s rows per file.") % {"max": f"{MAX_ROWS:,}"},
    ):
        instructions.append([xlsx_cell(instructions, line)])
    for letter, width in (("A", 24), ("B", 18), ("C", 10), ("D", 90)):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    codes = workbook.create_sheet("Categories")
    codes.append(_header_cells(codes, [_("Code"), _("Name"), _("Chinese name"), _("Minerals involved")]))
    for category in Category.objects.order_by("code"):
        codes.append(xlsx_row(codes, [category.code, category.name, category.name_zh, category.minerals], text_columns={0}))
    for letter, width in (("A", 24), ("B", 48), ("C", 28), ("D", 40)):
        codes.column_dimensions[letter].width = width

    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    return handle
