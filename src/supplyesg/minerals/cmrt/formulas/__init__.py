"""Evaluate the Excel formulas of an RMI template, so the writer can store every formula cell's cached value.

Why: LibreOffice opens an .xlsx without recalculating by default, and tools that read cached values (calamine,
pandas, most ERPs) never recalculate; a declaration whose formula cells carry the blank template's caches shows the
Checker with every item missing, labels in the language the template was saved in and empty smelter names. Setting
``fullCalcOnLoad`` fixes Excel only. So after writing the inputs we compute each formula as Excel would and store the
result next to the formula: labels from the hidden language sheet, the Smelter List's look-up columns, the
Declaration's helper cells and the Checker.

The evaluator covers the functions RMI's templates use (IF, AND, OR, NOT, ISERROR, ISNUMBER, ISBLANK, IFNA, NA,
LEN, LEFT, SEARCH, ROW, COLUMN, ADDRESS, OFFSET, INDEX, MATCH, INDIRECT, HLOOKUP, COUNTIF, COUNTBLANK, SUM,
SUMPRODUCT) with Excel's semantics for blanks, text comparison (case-insensitive), errors and arrays. Formulas are
tokenised by openpyxl's tokenizer and shared formulas expanded with its translator. Plain Python, no Django import.
An unsupported construct raises ``Unsupported``; the writer then leaves that cell's cache empty, as before.
"""

from .book import ORIGIN, Book, canonical, shift_reference
from .cache import build_book, cache_workbook, defined_names, sheet_formulas, write_caches
from .values import DIV0, NA, NAME, REF, VALUE, Ref, Unsupported, XlError, parse_ref

__all__ = [
    "DIV0",
    "NA",
    "NAME",
    "ORIGIN",
    "REF",
    "VALUE",
    "Book",
    "Ref",
    "Unsupported",
    "XlError",
    "build_book",
    "cache_workbook",
    "canonical",
    "defined_names",
    "parse_ref",
    "sheet_formulas",
    "shift_reference",
    "write_caches",
]
