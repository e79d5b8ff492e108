"""Writing cells: one helper for xlsx exports, one for CSV exports.

In a workbook a string cell is never evaluated, so formula-like text (`=1+1`, `-`, `+86 755 ...`) is
written as it is, as a plain string cell: no apostrophe shows. Only CSV, which a spreadsheet program reads
by guessing, gets the apostrophe escape (formula injection). Both strip the characters XML cannot hold
(control characters, also when they arrive as Office's `_x0007_` escape), so one odd supplier name cannot
make an export fail for everyone.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Text starting with these is read as a formula by spreadsheet programs opening a CSV file.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Office writes a control character in shared strings as _xHHHH_; readers may hand the escape back as text.
_ESCAPED_CONTROL = re.compile(r"_x00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f])_")


def clean_text(value: str) -> str:
    """The text without characters an xlsx file cannot hold (C0 controls other than tab and line breaks)."""
    return ILLEGAL_CHARACTERS_RE.sub("", _ESCAPED_CONTROL.sub("", value))


def csv_value(value):
    """A value for a CSV export: text cleaned, text that starts like a formula prefixed with an apostrophe."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def unescape_csv(text: str) -> str:
    """Undo `csv_value`'s apostrophe (also as a workbook re-saved from the CSV holds it)."""
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_PREFIXES, "\n"):
        return text[1:]
    return text


def xlsx_cell(sheet, value, *, text: bool = False, number_format: str | None = None, font=None, alignment=None):
    """A cell for `sheet.append` (write-only or normal sheets).

    Strings are plain string cells (never formulas or error codes); `text=True` writes identifiers
    (registration ids, codes, phone numbers, postcodes) as text with the text number format, so leading
    zeros survive; dates and datetimes are real dates with a date format; numbers stay numbers.
    """
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # xlsx has no time zones: callers pass local time
    if text and value is not None and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str):
        value = clean_text(value)
        if value == "":
            value = None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if text:
        cell.number_format = TEXT_FORMAT
    elif number_format:
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def xlsx_row(sheet, values, *, text_columns=(), font=None, alignment=None) -> list:
    """`xlsx_cell` for each value; the positions in `text_columns` are identifiers written as text."""
    return [
        xlsx_cell(sheet, value, text=index in text_columns, font=font, alignment=alignment)
        for index, value in enumerate(values)
    ]

