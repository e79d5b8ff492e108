"""Reading and checking the cells of an input file, and writing its template (shared by the accounts-payable and
workforce imports)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from supplyesg.core.models import AuditEvent
from supplyesg.core.sheets.cells import xlsx_cell, xlsx_row
from supplyesg.core.sheets.results import ImportResult
from supplyesg.suppliers.importing.columns import blank, cell_text, column_letter, header_key
from supplyesg.suppliers.importing.reading import ImportFileError, Table, read_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAYMENTS_SHEET = "Payments"
WORKFORCE_SHEET = "Workforce"
IN_CHUNK = 900
_TRUE = {"yes", "y", "true", "t", "1", "x", "是"}
_FALSE = {"no", "n", "false", "f", "0", "否", ""}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class CellProblem(Exception):
    pass


# ---------------------------------------------------------------- cell parsers (raise CellProblem)


def parse_text(max_length: int) -> Callable:
    def parse(value, label):
        text = cell_text(value)
        if len(text) > max_length:
            raise CellProblem(_("%(column)s is longer than %(max)d characters") % {"column": label, "max": max_length})
        return text

    return parse


def parse_date(value, label):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(cell_text(value))
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellProblem(
        _('%(column)s "%(value)s" is not a date (write 2026-03-31)') % {"column": label, "value": cell_text(value)[:30]}
    )


def parse_decimal(value, label, *, low=Decimal(0), high=Decimal("99999999999999")) -> Decimal:
    try:
        number = Decimal(str(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is None:
            number = Decimal(cell_text(value).replace(",", "").replace(" ", ""))
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise CellProblem(_('%(column)s "%(value)s" is not a number') % {"column": label, "value": cell_text(value)[:30]})
    shown = cell_text(value)[:30]
    if number < low:
        raise CellProblem(_("%(column)s %(value)s is below %(low)s") % {"column": label, "value": shown, "low": low})
    if number > high:
        raise CellProblem(_("%(column)s %(value)s is above %(high)s") % {"column": label, "value": shown, "high": high})
    return number


def parse_amount(value, label):
    number = parse_decimal(value, label)
    if number != number.quantize(Decimal("0.01")):
        raise CellProblem(_("%(column)s %(value)s has more than two decimals") % {"column": label, "value": number})
    return number


def parse_hours(value, label):
    return parse_decimal(value, label, high=Decimal("9999999999")).quantize(Decimal("0.01"))


def parse_score(value, label):
    return parse_decimal(value, label, high=Decimal(100)).quantize(Decimal("0.01"))


def parse_whole(value, label):
    number = parse_decimal(value, label, high=Decimal(2_000_000_000))
    if number != number.to_integral_value():
        raise CellProblem(_("%(column)s %(value)s is not a whole number") % {"column": label, "value": number})
    return int(number)


def parse_year(value, label):
    number = parse_whole(value, label)
    if not 2000 <= number <= 2100:
        raise CellProblem(_("%(column)s %(value)s is not a year from 2000 to 2100") % {"column": label, "value": number})
    return number


def parse_currency(value, label):
    text = cell_text(value).upper()
    if not _CURRENCY.match(text):
        raise CellProblem(
            _('%(column)s "%(value)s" is not a three-letter currency code such as CNY') % {"column": label, "value": text[:10]}
        )
    return text


def parse_yes_no(value, label):
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem(_('%(column)s "%(value)s" must be yes or no') % {"column": label, "value": cell_text(value)[:20]})


# ---------------------------------------------------------------- columns and the checked table


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # English, translated lazily
    zh: str  # the Chinese header accepted in files
    parse: Callable
    required: bool = False
    rule: Any = ""
    aliases: tuple[str, ...] = ()


@dataclass
class SheetRow:
    number: int
    refs: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.errors.append(f"{self.refs.get(key) or self.refs['_row']}: {message}")


def _ref(table: Table, row: int, col: int, key: str) -> str:
    if table.kind == "xlsx":
        return f"{table.sheet}!{column_letter(col)}{row}"
    return _("row %(row)d, column %(column)s") % {"row": row, "column": key}


def read_rows(file, columns, result: ImportResult) -> list[SheetRow]:
    """Every data row with its cells parsed; header and cell problems go to result.errors."""
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        table = read_table(file.read(), result.filename)
    except ImportFileError as exc:
        result.errors.append(str(exc))
        return []
    aliases = {}
    with translation.override(None):
        for column in columns:
            for name in (column.key, str(column.label), column.zh, *column.aliases):
                aliases[header_key(name)] = column
    mapped: dict[int, Column] = {}
    for index, text in enumerate(table.header):
        column = aliases.get(header_key(text)) if text else None
        if column is None:
            if text:
                result.ignored_columns.append(text)
        elif column in mapped.values():
            where = _ref(table, table.header_row, index, column.key)
            result.errors.append(_('%(cell)s: the column "%(name)s" appears twice') % {"cell": where, "name": text})
        else:
            mapped[index] = column
    header_ref = table.row_ref(table.header_row)
    for column in columns:
        if column.required and column not in mapped.values():
            result.errors.append(
                _('%(where)s: the required column "%(name)s" (%(zh)s) is missing')
                % {"where": header_ref, "name": column.key, "zh": column.zh}
            )
    if result.errors:
        return []
    rows = []
    for number, cells in table.rows:
        row = SheetRow(number, {"_row": table.row_ref(number)})
        for index, column in mapped.items():
            row.refs[column.key] = _ref(table, number, index, column.key)
            value = cells[index] if index < len(cells) else None
            if blank(value):
                if column.required:
                    row.error(column.key, _("%(column)s is required") % {"column": column.key})
                row.values[column.key] = None
                continue
            try:
                row.values[column.key] = column.parse(value, column.key)
            except CellProblem as exc:
                row.error(column.key, str(exc))
        rows.append(row)
    result.rows = len(rows)
    if not rows:
        result.errors.append(_("The file has a header row but no data rows."))
    return rows


def upload_name(file, default: str) -> str:
    return ((getattr(file, "name", "") or default).rsplit("/", 1)[-1])[:200]


def record_import(*, actor, action: str, model, result: ImportResult) -> None:
    actor = actor if getattr(actor, "pk", None) else None
    AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        target_type=model._meta.label_lower,
        target_id="import",
        target_label=result.filename,
        changes={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        reason=_("Import of %(file)s") % {"file": result.filename},
    )


# ---------------------------------------------------------------- templates


def build_template(sheet_name: str, columns, example: list, lines: list[str]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [c.key for c in columns], font=bold))
    sheet.append(xlsx_row(sheet, example, text_columns={0, 1} if sheet_name == PAYMENTS_SHEET else set()))
    for index in range(len(columns)):
        sheet.column_dimensions[column_letter(index)].width = 16
    sheet.freeze_panes = "A2"
    instructions = workbook.create_sheet("Instructions")
    instructions.append(xlsx_row(instructions, [_("Column"), _("Chinese header"), _("Required"), _("What to write")], font=bold))
    for column in columns:
        instructions.append(
            xlsx_row(
                instructions, [column.key, column.zh, _("yes") if column.required else _("no"), str(column.rule or column.label)]
            )
        )
    instructions.append([])
    for line in (*lines, _("A file with any error changes nothing: fix every cell listed and upload the file again.")):
        instructions.append([xlsx_cell(instructions, line)])
    for letter, width in (("A", 22), ("B", 14), ("C", 10), ("D", 80)):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    return handle
