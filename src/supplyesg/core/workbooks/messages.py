"""The guard's refusals and the reading child's failures in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .guard import Problem


def problem_message(problem: Problem) -> str:
    """One sentence for a refused workbook, e.g. 'The workbook contains macros (xl/vbaProject.bin) ...'."""
    p = {"detail": "", "size_mb": "", "limit_mb": "", "count": "", "rows": "", "columns": "", **problem.params}
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The file is %(size_mb)s MB; the limit is %(limit_mb)s MB."),
        "not_excel": _("The file is not an .xlsx workbook."),
        "xls": _("Excel 97-2003 .xls workbooks cannot be read; save the file as .xlsx."),
        "xlsb": _("Binary .xlsb workbooks cannot be read; save the file as .xlsx."),
        "ods": _("OpenDocument spreadsheets cannot be read; save the file as .xlsx."),
        "corrupt": _("The file is not a readable .xlsx workbook (it may be damaged: %(detail)s)."),
        "encrypted": _("The workbook is password-protected; save an unprotected copy."),
        "zip_bomb": _("The workbook would expand to %(size_mb)s MB when opened (limit %(limit_mb)s MB); it was not read."),
        "macros": _(
            "The workbook contains macros (%(detail)s); macro-enabled workbooks are not accepted. "
            "Save it as a macro-free .xlsx workbook."
        ),
        "dtd": _(
            "The part %(detail)s of the workbook declares a DTD or entities, which no Excel workbook does; "
            "it was not read."
        ),
        "count_bomb": _(
            "The part %(detail)s declares %(count)s entries, more than it can hold; the file was not read."
        ),
        "sheet_too_large": _(
            "A sheet of the workbook spans %(rows)s rows and %(columns)s columns, far more than this import "
            "reads; it was not read."
        ),
    }
    return messages.get(problem.code, _("The file is not a readable .xlsx workbook.")) % p


def unsafe_message(reason: str) -> str:
    return _("The file could not be read safely (%(reason)s); nothing was imported.") % {"reason": reason}
