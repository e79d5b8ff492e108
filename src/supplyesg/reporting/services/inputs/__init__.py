"""Figures the company brings in: the accounts-payable records behind ESRS G1-6 (PaymentRecord) and the
own-workforce figures entered once a year (AnnualFigures).

Both imports read an .xlsx workbook (python-calamine, through the suppliers importer's guarded reader) or a CSV /
tab-separated text file, check every cell first and name each problem by its cell (`Payments!C4: invoice date
"31.02.2026" is not a date` in a workbook, `row 4, column invoice_date: ...` in CSV); a file with any error changes
nothing. A payment row is keyed by (supplier code, invoice number): importing it again updates it. A workforce
row is keyed by its year and replaces that year's figures (an empty cell is a figure not entered).

Vendors outside the supplier registry: a supplier code the registry does not know is an error naming the cell,
unless the row says `non_registry` = yes (accounts payable pays utilities, landlords, agencies); such records keep
the code as given and no supplier, and count in G1-6 only for reports without supplier filters.
"""

from supplyesg.reporting.services.inputs.payments import (
    PAYMENT_COLUMNS,
    import_payments,
    payments_list,
    payments_template,
    payments_totals,
)
from supplyesg.reporting.services.inputs.sheets import XLSX, ImportResult
from supplyesg.reporting.services.inputs.workforce import (
    WORKFORCE_COLUMNS,
    WORKFORCE_FIELDS,
    import_workforce,
    save_annual_figures,
    workforce_template,
)

__all__ = [
    "PAYMENT_COLUMNS",
    "WORKFORCE_COLUMNS",
    "WORKFORCE_FIELDS",
    "XLSX",
    "ImportResult",
    "import_payments",
    "import_workforce",
    "payments_list",
    "payments_template",
    "payments_totals",
    "save_annual_figures",
    "workforce_template",
]
