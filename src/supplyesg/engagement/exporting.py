"""The yearly figures as an xlsx workbook for the sustainability report, and the attendance rows behind them.
Cells go through `core.sheets.cells.xlsx_cell`: names starting like a formula stay plain text."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from supplyesg.core.sheets.cells import xlsx_row
from supplyesg.engagement.models import Attendance

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def figure_lines(f) -> list[tuple[str, object, str]]:
    """(label, value, unit) in the order of the page and the workbook."""
    return [
        (_("Suppliers invited"), f.suppliers_invited, ""),
        (_("Suppliers trained"), f.suppliers_trained, ""),
        (_("Person-times"), f.person_times, ""),
        (_("Training hours"), f.hours, ""),
        (_("Completion rate"), f.completion_rate, "%"),
        (_("Pass rate"), f.pass_rate, "%"),
        (_("Satisfaction (share positive)"), f.satisfaction, "%"),
        (_("Survey answers"), f.answers, ""),
        (_("Cascade: people trained by suppliers"), f.cascade_people, ""),
        (_("Cascade: sub-tier suppliers reached"), f.cascade_subtier_suppliers, ""),
        (_("Cascade: suppliers reporting"), f.cascade_reporting_suppliers, ""),
        (_("Cascade: training hours"), f.cascade_hours, ""),
    ]


def figures_workbook(f) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Figures %(year)s") % {"year": f.year})
    sheet.append(xlsx_row(sheet, [_("Figure"), _("Value"), _("Unit")], font=Font(bold=True)))
    for label, value, unit in figure_lines(f):
        sheet.append(xlsx_row(sheet, [label, value, unit]))
    rows = book.create_sheet(_("Attendance"))
    rows.append(
        xlsx_row(
            rows,
            [
                _("Date"),
                _("Supplier code"),
                _("Supplier"),
                _("Course"),
                _("Name"),
                _("Role"),
                _("Status"),
                _("Hours"),
                _("Completed"),
                _("Score"),
                _("Passed"),
                _("Certificate"),
                _("Source"),
            ],
            font=Font(bold=True),
        )
    )
    for a in Attendance.objects.in_year(f.year).select_related("supplier", "course").order_by("held_on", "pk").iterator():
        rows.append(
            xlsx_row(
                rows,
                [
                    a.held_on,
                    a.supplier.code,
                    a.supplier.legal_name,
                    a.course.code,
                    a.person_name,
                    a.role,
                    a.get_status_display(),
                    a.hours,
                    _("yes") if a.completed else _("no"),
                    a.score,
                    "" if a.passed is None else _("yes") if a.passed else _("no"),
                    a.certificate_number,
                    a.get_source_display(),
                ],
                text_columns=(1, 3, 11),
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
