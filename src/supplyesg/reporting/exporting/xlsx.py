"""The annual-report workbook and the GRI content index workbook of a snapshot.

Same snapshot, same bytes: the document properties carry the snapshot's time (openpyxl's `save_workbook` would
stamp the current time) and every zip entry the same date, so two downloads of a frozen report are identical.
Text is written as plain string cells, never formulas (`core.sheets.cells`), so a supplier name starting with
`=`, `+`, `-` or `@` is shown as it is and never evaluated.
"""

from __future__ import annotations

import io
import itertools
import shutil
import tempfile
import zipfile
from datetime import UTC

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from supplyesg.core.sheets.cells import xlsx_row
from supplyesg.reporting.exporting.content import Report, as_number, as_text, unit_label
from supplyesg.reporting.exporting.content_index import gri_index, sheet_name

BOLD = Font(bold=True)
SHEET_ROWS = 1_048_576  # Excel's rows per sheet
ZIP64 = 0x7FFFFFFF  # zipfile's limit for a member without ZIP64 headers (its ZIP64_LIMIT)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value_cell(value):
    number = as_number(value)
    return number if number is not None else (as_text(value) or None)


def _figure_row(report: Report, figure: dict) -> list:
    flags = "; ".join(_(str(flag)) for flag in figure.get("flags") or [])
    return [figure["code"], report.title_of(figure), _value_cell(figure["value"]), unit_label(figure["unit"]), flags]


def _sheet(book, title: str, header: list[str], rows: list[list], *, text_columns=(0,), lead=()):
    """A sheet of `rows` under a bold `header`, after the `lead` lines ((values, font) pairs)."""
    sheet = book.create_sheet(title)
    for values, font in lead:
        sheet.append(xlsx_row(sheet, values, font=font))
    sheet.append(xlsx_row(sheet, header, font=BOLD))
    for row in rows:
        sheet.append(xlsx_row(sheet, row, text_columns=text_columns))
    return sheet


def _rows_sheets(book, report: Report) -> None:
    """The rows behind every figure, read one figure at a time and streamed into the file (a write-only workbook):
    at 100,000 suppliers they are about 1.8 million rows. A sheet holds Excel's most (1,048,576 rows); the rows go on
    in "Rows 2", "Rows 3", each with the header again."""
    header = [_("Line item"), _("Record"), _("ID"), _("Cells")]
    sheet, used, number = None, SHEET_ROWS, 1
    for figure in report.figures:
        rows = report.rows_of(figure)
        if not rows:
            continue
        columns = [_(str(c)) for c in figure.get("columns") or []]
        lines = itertools.chain(
            [([figure["code"], "", "", *columns], BOLD)],
            (([figure["code"], row.get("kind"), row.get("pk"), *map(_cell, row.get("cells") or [])], None) for row in rows),
        )
        for values, font in lines:
            if used >= SHEET_ROWS:
                sheet = book.create_sheet(_("Rows") if number == 1 else f"{_('Rows')} {number}")
                sheet.append(xlsx_row(sheet, header, font=BOLD))
                used, number = 1, number + 1
            sheet.append(xlsx_row(sheet, values, text_columns=(0,), font=font))
            used += 1


def _cell(value):
    return value if isinstance(value, (int, str)) or value is None else as_text(value)


def _reviews_sheet(book, report: Report) -> None:
    header = [
        _("Held on"),
        _("Chaired by"),
        _("Participants"),
        _("Results reviewed"),
        _("Decisions"),
        _("Action"),
        _("Owner"),
        _("Due on"),
        _("Status"),
        _("Outcome"),
    ]
    rows = []
    for review in report.reviews:
        head = [review["held_on"], review["chair"], review["participants"], review["summary"], review["decisions"]]
        if not review["actions"]:
            rows.append([*head, None, None, None, None, None])
        for action in review["actions"]:
            rows.append([*head, action["text"], action["owner"], action["due_on"], action["status_label"], action["outcome"]])
    _sheet(book, _("Management review"), header, rows, text_columns=())


def _frozen_bytes(book: Workbook, when) -> bytes:
    """The workbook's bytes with its properties and every zip entry dated `when` (deterministic output)."""
    moment = when.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = moment
    book.properties.creator = book.properties.lastModifiedBy = "SupplyESG"
    with tempfile.TemporaryFile() as raw:
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(book, archive).write_data()
        stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
        out = io.BytesIO()
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in sorted(source.infolist(), key=lambda i: i.filename):
                entry = zipfile.ZipInfo(info.filename, date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o600 << 16
                # Member by member, in pieces: a sheet of a million rows is hundreds of megabytes unpacked.
                with source.open(info) as member, target.open(entry, "w", force_zip64=info.file_size >= ZIP64) as copy:
                    shutil.copyfileobj(member, copy, 1 << 20)
    return out.getvalue()


def annual_report_xlsx(report: Report) -> bytes:
    snapshot = report.snapshot
    book = Workbook(write_only=True)  # rows streamed to the file as they are appended (see _rows_sheets)
    header = [_("Line item"), _("Title"), _("Value"), _("Unit"), _("Data-quality flags")]
    summary = [_("Line item"), _("Framework"), _("Title"), _("Value"), _("Unit"), _("Data-quality flags")]
    summary_rows = []
    for _code, label, figures in report.frameworks():
        for figure in figures:
            row = _figure_row(report, figure)
            summary_rows.append([row[0], label, *row[1:]])
    title = _("Annual report %(year)s, snapshot #%(number)s (%(status)s)") % {
        "year": snapshot.period.year,
        "number": snapshot.number,
        "status": snapshot.get_status_display(),
    }
    edition = f"SHA-256 {snapshot.figures_hash}" + (f" — {_('public edition')}" if report.public else "")
    _sheet(book, _("Summary"), summary, summary_rows, lead=[([title], BOLD), ([edition], None)])
    for code, _label, figures in report.frameworks():
        _sheet(book, sheet_name(code), header, [_figure_row(report, f) for f in figures])
    if not report.public:
        _rows_sheets(book, report)
    _sheet(book, _("Definitions"), [_("Definition"), _("Value")], [list(pair) for pair in report.definitions()], text_columns=())
    _reviews_sheet(book, report)
    return _frozen_bytes(book, snapshot.created_at)


def content_index_xlsx(report: Report) -> bytes:
    book = Workbook(write_only=True)
    rows = [[e.code, e.title, e.location, e.value, e.omission] for e in gri_index(report)]
    _sheet(book, _("GRI content index"), [_("Disclosure"), _("Title"), _("Location"), _("Value"), _("Omission")], rows)
    return _frozen_bytes(book, report.snapshot.created_at)
