"""The company smelter list as .xlsx."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from supplyesg.core.sheets.cells import xlsx_row
from supplyesg.minerals.aggregation.smelters import SmelterSummary, UnresolvedName

# ---------------------------------------------------------------- export


def smelters_workbook(smelters: list[SmelterSummary], unresolved: list[UnresolvedName]) -> bytes:
    """The company smelter list as .xlsx: identified smelters, then the unresolved names apart.

    Names come from suppliers' files: `xlsx_row` writes them as plain string cells, control characters removed.
    """
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    sheet = book.create_sheet(_("Smelters"))
    sheet.append(
        xlsx_row(
            sheet,
            [
                _("Metal"),
                _("Smelter id"),
                _("Smelter name"),
                _("Country"),
                _("Suppliers naming it"),
                _("RMAP status"),
                _("Covered country"),
                _("CAHRA"),
                _("Concerns"),
            ],
            font=bold,
        )
    )
    yes, no = _("Yes"), _("No")
    for s in smelters:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    s.metal,
                    s.cid,
                    s.name,
                    s.country,
                    s.suppliers,
                    s.rmap_label,
                    yes if s.covered else no,
                    yes if s.cahra else no,
                    "; ".join(s.concern_labels),
                ],
                text_columns={1},
            )
        )
    names = book.create_sheet(_("Unresolved names"))
    names.append(
        xlsx_row(names, [_("Metal"), _("Name as reported"), _("Country as reported"), _("Suppliers naming it")], font=bold)
    )
    for u in unresolved:
        names.append(xlsx_row(names, [u.metal, u.name, u.country, u.suppliers]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
