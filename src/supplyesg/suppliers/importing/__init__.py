"""Supplier import from .xlsx or .csv: read, check every cell, plan, then apply all-or-nothing.

`columns` and `reading` need no database: they turn a file into rows and name every bad cell
(`Suppliers!D7: ...` for workbooks, `row 7, column country: ...` for CSV). `planning` looks the rows up in the
registry (codes, categories, upstream links, duplicates, the blacklist) and `apply_import` writes every change
in one transaction through the registry services, so each change has its audit row and a rejected file
changes nothing.
"""

from supplyesg.suppliers.importing.columns import COLUMNS, FORMULA_PREFIXES, READ_ONLY_COLUMNS, Column
from supplyesg.suppliers.importing.planning import ImportResult, apply_import, plan_import
from supplyesg.suppliers.importing.reading import MAX_ROWS, ImportFileError, RowPlan, Table, parse_table, read_table

__all__ = [
    "COLUMNS", "FORMULA_PREFIXES", "MAX_ROWS", "READ_ONLY_COLUMNS", "Column", "ImportFileError", "ImportResult",
    "RowPlan", "Table", "apply_import", "parse_table", "plan_import", "read_table",
]
