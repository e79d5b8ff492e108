"""The quarterly business review workbook for procurement and sales, and the business-score import template.

Every cell is written by `core.sheets.cells.xlsx_cell`: text as plain string cells (a supplier name or a
reason that starts like a formula is never run, and shows without an apostrophe), scores as numbers, the
audit report date as a real date.
"""

from __future__ import annotations

import io
import tempfile
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from supplyesg.assessments.models import RiskLevel
from supplyesg.assessments.risk.inputs import latest_responses
from supplyesg.core.exports import Output
from supplyesg.core.sheets.cells import xlsx_cell, xlsx_row
from supplyesg.ratings import queries, rules
from supplyesg.ratings.importing import COLUMNS, SHEET
from supplyesg.ratings.models import Action, Grade, Rating
from supplyesg.ratings.quarters import Quarter, parse_quarter
from supplyesg.suppliers.importing.columns import column_letter
from supplyesg.suppliers.importing.reading import MAX_ROWS
from supplyesg.suppliers.models import Supplier

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
PROGRESS_EVERY = 1000  # rows between two progress writes of a prepared download


def _bold_row(sheet, values):
    return xlsx_row(sheet, values, font=Font(bold=True))


def _date(value) -> date | None:
    """A date stored in the rating's inputs (ISO text) as a date."""
    if isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _label(choices, value) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _number(value):
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _categories(supplier_ids: list[int]) -> dict[int, list[str]]:
    chinese = (get_language() or "").startswith("zh")
    out: dict[int, list[str]] = defaultdict(list)
    rows = Supplier.categories.through.objects.filter(supplier_id__in=supplier_ids).values_list(
        "supplier_id", "category__name", "category__name_zh"
    )
    for supplier_id, name, name_zh in rows:
        out[supplier_id].append(name_zh if chinese and name_zh else name)
    return out


def qbr_headers() -> list[str]:
    return [
        _("Supplier code"),
        _("Supplier"),
        _("Categories"),
        _("Grade"),
        _("Total"),
        _("Quality"),
        _("Delivery"),
        _("Cost"),
        _("Service"),
        _("Business score"),
        _("ESG score"),
        _("ESG reasons"),
        _("Risk level"),
        _("Latest audit result"),
        _("Audit report date"),
        _("Self-assessment score"),
        _("Open corrective actions"),
        _("Recommended action"),
        _("Decision"),
        _("Decided action"),
        _("Decision reason"),
        _("Previous grade"),
        _("Trend"),
        _("ESG score from"),
        _("Recommended allocation change"),
    ]


ALLOCATION_LABELS = {
    "increase": gettext_lazy("Increase order share"),
    "keep": gettext_lazy("Keep order share"),
    "decrease": gettext_lazy("Decrease order share"),
    "stop": gettext_lazy("No new orders"),
}


def qbr_rows(period: Quarter):
    """One row per rated supplier of the quarter, by grade then name. A fixed number of queries per 2,000 rows."""
    ratings = queries.quarter_ratings(period, sort="grade").only(
        "pk",
        "supplier__code",
        "supplier__legal_name",
        "supplier_id",
        "business_score",
        "esg_score",
        "esg_source",
        "total",
        "grade",
        "recommended_action",
        "reasons",
        "inputs",
        "decision_status",
        "decided_action",
        "decision_reason",
    )
    batch: list[Rating] = []
    for rating in ratings.iterator(chunk_size=CHUNK):
        batch.append(rating)
        if len(batch) >= CHUNK:
            yield from _rows_of(batch, period)
            batch = []
    if batch:
        yield from _rows_of(batch, period)


def _rows_of(batch: list[Rating], period: Quarter):
    ids = [r.supplier_id for r in batch]
    categories = _categories(ids)
    previous = queries.previous_grades(period, ids)
    open_actions = queries.open_action_counts(ids)
    surveys = latest_responses(ids)  # ASUS: audit and annual survey results go into the QBR
    for r in batch:
        business = (r.inputs or {}).get("business") or {}
        audit = (r.inputs or {}).get("audit") or {}
        survey = surveys.get(r.supplier_id)
        prev = previous.get(r.supplier_id, (None, None))[0]
        trend = queries.trend(prev, r.grade)
        yield [
            r.supplier.code,
            r.supplier.legal_name,
            "; ".join(sorted(categories.get(r.supplier_id, []))),
            r.grade,
            r.total,
            _number(business.get("quality")),
            _number(business.get("delivery")),
            _number(business.get("cost")),
            _number(business.get("service")),
            r.business_score,
            r.esg_score,
            "\n".join(queries.reason_texts(r.reasons)),
            _label(RiskLevel, (r.inputs or {}).get("risk_level")),
            _label(RiskLevel, audit.get("level")),
            _date(audit.get("report_date")),
            _number(survey.scores.get("overall")) if survey else None,
            open_actions.get(r.supplier_id, 0),
            _label(Action, r.recommended_action),
            _label(Rating.Decision, r.decision_status),
            _label(Action, r.decided_action),
            r.decision_reason,
            prev or None,
            str(queries.TREND_LABELS[trend]),
            _label(Rating.EsgSource, r.esg_source),
            str(ALLOCATION_LABELS[rules.allocation_change(r.recommended_action, r.decided_action)]),
        ]


_WIDTHS = {1: 40, 2: 28, 11: 70, 13: 14, 14: 14, 17: 28, 19: 28, 20: 40, 22: 14, 23: 28, 24: 28}


def qbr_file(period: Quarter, on_row=None):
    """The QBR workbook (rewound temporary file): a summary sheet with counts per grade and decision, then one
    row per supplier. Built in write-only mode to keep memory flat. `on_row(n)` is called after each supplier."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 12
    summary.append(_bold_row(summary, [_("Quarterly business review %(quarter)s") % {"quarter": period}]))
    summary.append([])
    summary.append(_bold_row(summary, [_("Grade"), _("Suppliers"), _("Action")]))
    quarter = queries.quarter_counts(period)
    counts = quarter["grades"]
    for grade in Grade.values:
        summary.append(xlsx_row(summary, [grade, counts[grade], _label(Action, rules.GRADE_ACTIONS[grade])]))
    summary.append(xlsx_row(summary, [_("Total"), sum(counts.values())]))
    summary.append([])
    summary.append(_bold_row(summary, [_("Decision"), _("Suppliers")]))
    for status, n in quarter["decisions"].items():
        summary.append(xlsx_row(summary, [_label(Rating.Decision, status), n]))

    sheet = workbook.create_sheet(_("Ratings"))
    for index in range(len(qbr_headers())):
        sheet.column_dimensions[column_letter(index)].width = _WIDTHS.get(index, 12)
    sheet.freeze_panes = "C2"
    sheet.append(_bold_row(sheet, qbr_headers()))
    for n, row in enumerate(qbr_rows(period), 1):
        sheet.append(xlsx_row(sheet, row, text_columns={0}))
        if on_row is not None:
            on_row(n)
    handle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle


def build_qbr(params: dict, *, on_progress) -> Output:
    """The QBR workbook as the worker prepares it (core/exports.py): `params` name the quarter."""
    period = parse_quarter(params["quarter"])
    total = sum(queries.quarter_counts(period)["grades"].values())
    on_progress(0, total)

    def on_row(n):
        if n % PROGRESS_EVERY == 0 or n == total:
            on_progress(n, total)

    return Output(qbr_file(period, on_row=on_row), qbr_filename(period), XLSX)


def qbr_filename(period: Quarter) -> str:
    return f"qbr-{period}.xlsx"


# ---------------------------------------------------------------- import template


EXAMPLE = {
    "supplier_code": "S000123",
    "period": "",
    "year": None,
    "quarter": None,
    "quality": 92,
    "delivery": 88.5,
    "cost": 80,
    "service": 95,
    "note": "",
}


def template_file(period: Quarter):
    """The import template: the header, an example row for the quarter, the rules in English and Chinese."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    keys = [c.key for c in COLUMNS if c.key not in ("year", "quarter")]
    sheet.append(_bold_row(sheet, keys))
    sheet.append(
        xlsx_row(sheet, [str(period) if k == "period" else EXAMPLE[k] for k in keys], text_columns={0, keys.index("period")})
    )
    for index, key in enumerate(keys):
        sheet.column_dimensions[column_letter(index)].width = 30 if key == "note" else 16
    sheet.freeze_panes = "B2"
    last = MAX_ROWS + 1
    for key in ("quality", "delivery", "cost", "service"):
        letter = column_letter(keys.index(key))
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=False,
            showErrorMessage=True,
            errorTitle=_("Invalid value"),
            error=_("A score from 0 to 100."),
        )
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)

    instructions = workbook.create_sheet("Instructions")
    instructions.append(_bold_row(instructions, [_("Column"), _("Chinese header"), _("Required"), _("What to write")]))
    for column in COLUMNS:
        instructions.append(
            xlsx_row(instructions, [column.key, column.zh, _("yes") if column.required else _("no"), str(column.rule)])
        )
    instructions.append([])
    for line in (
        _(
            "One supplier and quarter per row on the Scores sheet. Keep the header row; headers may be the English "
            "column names or the Chinese headers above."
        ),
        _("Replace the example row with your scores before importing."),
        _("A row for a supplier and quarter that already has scores replaces them."),
        _("A file with any error changes nothing: fix every cell listed and upload the file again."),
        _("At most %(max)s rows per file.") % {"max": f"{MAX_ROWS:,}"},
    ):
        instructions.append([xlsx_cell(instructions, line)])
    for letter, width in (("A", 18), ("B", 14), ("C", 10), ("D", 80)):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    return handle
