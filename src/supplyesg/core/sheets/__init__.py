"""Spreadsheet cells in and out, shared by every import and export (no database, no Django models).

- `cells`: how a value is written: one helper for xlsx cells (real dates and numbers, plain string cells
  that are never evaluated, identifiers as text, illegal XML characters stripped) and one for CSV values
  (formula-like text escaped with an apostrophe, the only place that escape is used).
- `numbers`: one parser for the percentage columns of every import (a percent-formatted cell, "92.5 %"
  text, and refusing a 0-1 fraction where 0-100 is expected).
- `formats`: which cells of an .xlsx sheet carry a percent number format, read from the workbook's XML.
- `text`: decoding uploaded CSV/tab-separated text (UTF-8 with or without BOM, UTF-16 LE/BE, GB18030) and
  finding its delimiter.
"""
