"""The GRI content index: every GRI line item of a snapshot, where the report gives it, and its value, or the
omission ("information unavailable") with the reason the figure's data-quality flags give."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from supplyesg.reporting.exporting.content import Report, as_text, unit_label
from supplyesg.reporting.models import Framework


@dataclass(frozen=True)
class IndexEntry:
    code: str
    title: str
    location: str
    value: str
    omission: str  # empty when the figure has a value


def sheet_name(framework: str) -> str:
    """The workbook sheet of a framework's figures (a sheet name is at most 31 characters)."""
    return framework.upper()[:31]


def gri_index(report: Report) -> list[IndexEntry]:
    entries = []
    rows = {}
    for framework, _label, figures in report.frameworks():
        for n, figure in enumerate(figures, start=2):  # row 1 holds the headings
            rows[figure["code"]] = (framework, n)
    for figure in report.figures:
        if figure["framework"] != Framework.GRI:
            continue
        framework, row = rows[figure["code"]]
        location = _("Annual report, section %(section)s; workbook sheet %(sheet)s, row %(row)s") % {
            "section": "GRI",
            "sheet": sheet_name(framework),
            "row": row,
        }
        if figure["value"] is None:
            reason = "; ".join(_(str(flag)) for flag in figure.get("flags") or []) or _("no data in the period")
            omission = _("Information unavailable: %(reason)s") % {"reason": reason}
            value = ""
        else:
            omission = ""
            value = f"{as_text(figure['value'])} {unit_label(figure['unit'])}".strip()
        entries.append(
            IndexEntry(
                code=figure["code"],
                title=report.title_of(figure),
                location=location,
                value=value,
                omission=omission,
            )
        )
    return entries
