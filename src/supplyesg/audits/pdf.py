"""The audit report as a PDF an auditor would sign: who, where, when and what was audited, the result, findings,
corrective actions, the checklist as an annex, and signature lines; page numbers on every page.

Content comes from `reports.build_report` (the same rows as the xlsx), laid out with `core.pdf`, which embeds
its font so Chinese and Latin text look the same on every reader.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from supplyesg.assessments.models import RiskCategory, RiskLevel
from supplyesg.audits import reports
from supplyesg.audits.models import Audit, Severity
from supplyesg.core import pdf


def _text(value) -> str:
    """Rows may hold dates and numbers (the xlsx writes them typed); the PDF shows dates in the report language's
    format (supplyesg/formats/: ISO) and numbers as plain digits."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _day(timezone.localtime(value).date() if timezone.is_aware(value) else value.date())
    if isinstance(value, datetime.date):
        return _day(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _rows(rows) -> list[list[str]]:
    return [[_text(v) for v in row] for row in rows]


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _span(start, end) -> str:
    return " – ".join(_day(d) for d in (start, end) if d) if (start or end) else ""


def _header_pairs(audit: Audit) -> list[tuple[str, str]]:
    supplier = audit.supplier
    scope = ", ".join(_label(RiskCategory, c) for c in audit.scope or []) or _("All risk categories")
    auditors = ", ".join(x for x in (reports._person(audit.lead_auditor), audit.audit_firm) if x)
    return [
        (_("Company"), settings.COMPANY_NAME or "—"),
        (_("Supplier"), f"{supplier.legal_name} ({supplier.code})"),
        (_("Site"), str(audit.site) if audit.site_id else _("Whole supplier")),
        (_("Kind"), f"{audit.get_kind_display()} · {audit.get_scheme_display()}"),
        (_("Planned"), _span(audit.planned_start, audit.planned_end)),
        (_("Started"), _text(audit.started_on)),
        (_("Report date"), _text(audit.report_date)),
        (_("Programme year"), str(audit.year)),
        (_("Auditors"), auditors or "—"),
        (_("Why planned"), audit.get_reason_display()),
        (_("Scope"), scope),
        (_("Status"), audit.get_status_display()),
    ]


def _summary(audit: Audit, findings: list[list]) -> tuple[list[str], list[list[str]]]:
    counts = {str(s.label): 0 for s in Severity}
    for row in findings:
        counts[_text(row[1])] = counts.get(_text(row[1]), 0) + 1
    header = [_("Result"), _("Conformity (%)"), *counts.keys(), _("Improvement plan due")]
    row = [
        _label(RiskLevel, audit.result_level) if audit.result_level else _("Not yet reported"),
        _text(audit.score),
        *(str(n) for n in counts.values()),
        _text(audit.improvement_plan_due),
    ]
    return header, [row]


def _signatures(width: float, sheet: dict):
    """Two signature blocks side by side: who signs, a line, and what goes on it."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    names = [pdf.paragraph(_("Lead auditor"), sheet["body"]), "", pdf.paragraph(_("Supplier representative"), sheet["body"])]
    captions = [pdf.paragraph(_("Name, signature and date"), sheet["small"]) for _n in range(2)]
    column = width * 0.42
    result = Table(
        [names, ["", "", ""], [captions[0], "", captions[1]]],
        colWidths=[column, width - 2 * column, column],
        rowHeights=[None, 30, None],
    )
    result.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 1), (0, 1), 0.6, colors.black),
                ("LINEBELOW", (2, 1), (2, 1), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("FONTNAME", (0, 0), (-1, -1), pdf.font()),
            ]
        )
    )
    return result


def audit_report_pdf(audit: Audit, language: str | None) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, PageBreak, Spacer

    report = reports.build_report(audit, language)
    chinese = (language or "").lower().startswith("zh")
    sheet = pdf.styles(chinese)
    with translation.override(language):
        title = _("Audit report")
        supplier = audit.supplier

        def story(width):
            summary_header, summary_rows = _summary(audit, report.findings)
            parts = [
                pdf.paragraph(f"{title}: {supplier.legal_name}", sheet["title"]),
                pdf.key_values(_header_pairs(audit), width, sheet),
                Spacer(1, 4 * mm),
                pdf.paragraph(_("Summary"), sheet["h2"]),
                pdf.table(
                    summary_header,
                    summary_rows,
                    [width / len(summary_header)] * len(summary_header),
                    sheet,
                    nowrap_columns=range(len(summary_header)),
                    zebra=False,
                ),
            ]
            if audit.summary:
                parts += [Spacer(1, 2 * mm), pdf.paragraph(audit.summary, sheet["body"])]
            parts += [Spacer(1, 5 * mm), CondPageBreak(30 * mm), pdf.paragraph(pgettext("audit", "Findings"), sheet["h2"])]
            if report.findings:
                fractions = [0.05, 0.1, 0.15, 0.25, 0.45]
                parts.append(
                    pdf.table(
                        report.headers["findings"],
                        _rows(report.findings),
                        [width * f for f in fractions],
                        sheet,
                        nowrap_columns=(0,),
                    )
                )
            else:
                parts.append(pdf.paragraph(_("No findings."), sheet["body"]))
            parts += [Spacer(1, 5 * mm), CondPageBreak(30 * mm), pdf.paragraph(_("Corrective actions"), sheet["h2"])]
            if report.actions:
                fractions = [0.045, 0.07, 0.09, 0.075, 0.085, 0.13, 0.13, 0.13, 0.08, 0.085, 0.06]
                parts.append(
                    pdf.table(
                        report.headers["actions"],
                        _rows(report.actions),
                        [width * f for f in fractions],
                        sheet,
                        nowrap_columns=(0, 3, 4, 9, 10),
                    )
                )
            else:
                parts.append(pdf.paragraph(_("No corrective actions."), sheet["body"]))
            parts += [Spacer(1, 10 * mm), CondPageBreak(45 * mm), _signatures(width, sheet)]
            parts += [PageBreak(), pdf.paragraph(_("Annex: checklist"), sheet["h2"])]
            if report.checklist:
                fractions = [0.08, 0.3, 0.12, 0.1, 0.235, 0.1, 0.065]
                parts.append(
                    pdf.table(
                        report.headers["checklist"],
                        _rows(report.checklist),
                        [width * f for f in fractions],
                        sheet,
                        nowrap_columns=(6,),
                    )
                )
            else:
                parts.append(pdf.paragraph(_("No checklist."), sheet["body"]))
            return parts

        header = " · ".join(x for x in (settings.COMPANY_NAME, title, f"{supplier.legal_name} ({supplier.code})") if x)
        footer = _("Audit %(id)s · generated %(date)s") % {"id": audit.pk, "date": _day(timezone.localdate())}
        return pdf.build(
            story,
            title=f"{title} · {supplier.legal_name}",
            header=header,
            footer=footer,
            page_label=_("Page {page} of {pages}"),
        )
