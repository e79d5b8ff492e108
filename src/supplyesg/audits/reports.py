"""Audit reports (PDF and xlsx) and the yearly disclosure summary, in the reader's language.

The PDF layout is in `audits/pdf.py`. The report rows hold typed values (dates, numbers, text): the xlsx writes
them as real dates and numbers through `core.sheets.cells`, the PDF prints them as text.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from supplyesg.assessments.models import RiskCategory, RiskLevel
from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction, Finding, Severity
from supplyesg.core.sheets.cells import xlsx_row


def _zh(language: str | None) -> bool:
    return (language or "").lower().startswith("zh")


def requirement_title(requirement, language: str | None) -> str:
    if requirement is None:
        return ""
    return requirement.title_zh if _zh(language) and requirement.title_zh else requirement.title


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _day(value):
    return value or None


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


# ---------------------------------------------------------------- one audit's content


@dataclass
class AuditReport:
    audit: Audit
    summary: list[tuple[str, object]]  # values are text, dates, numbers or None
    checklist: list[list]
    findings: list[list]
    actions: list[list]
    headers: dict[str, list[str]] = field(default_factory=dict)


def _finding_numbers(findings) -> dict[int, int]:
    return {f.pk: n for n, f in enumerate(findings, start=1)}


def build_report(audit: Audit, language: str | None) -> AuditReport:
    """The report's content as rows in `language`: text, dates and numbers (five queries)."""
    with translation.override(language):
        items = list(
            ChecklistItem.objects.filter(audit=audit).select_related("requirement", "checked_by").order_by("order", "pk")
        )
        findings = list(Finding.objects.filter(audit=audit).select_related("requirement").order_by("pk"))
        numbers = _finding_numbers(findings)
        actions = list(CorrectiveAction.objects.filter(audit=audit).select_related("finding").order_by("finding_id"))
        counts = Counter(f.severity for f in findings)
        scope = ", ".join(_label(RiskCategory, c) for c in audit.scope or []) or _("All risk categories")
        summary = [
            (_("Supplier"), audit.supplier.legal_name),
            (_("Supplier code"), audit.supplier.code),
            (_("Site"), str(audit.site) if audit.site_id else ""),
            (_("Kind"), audit.get_kind_display()),
            (_("Standard"), audit.get_scheme_display()),
            (_("Why planned"), audit.get_reason_display()),
            (_("Programme year"), audit.year),
            (_("Status"), audit.get_status_display()),
            (_("Lead auditor"), _person(audit.lead_auditor)),
            (_("Audit firm"), audit.audit_firm),
            (_("Scope"), scope),
            (_("Planned start"), _day(audit.planned_start)),
            (_("Planned end"), _day(audit.planned_end)),
            (_("Started"), _day(audit.started_on)),
            (_("Report date"), _day(audit.report_date)),
            (_("Result"), _label(RiskLevel, audit.result_level) if audit.result_level else ""),
            (_("Conformity (%)"), audit.score),
            *((_label(Severity, s), counts.get(s, 0)) for s in Severity.values),
            (_("Improvement plan due"), _day(audit.improvement_plan_due)),
            (_("Summary"), audit.summary),
        ]
        headers = {
            "checklist": [_("Code"), _("Requirement"), _("Area"), _("Verdict"), _("Notes"), _("Checked by"), _("Checked")],
            "findings": [_("No."), _("Severity"), _("Area"), _("Requirement"), _("Description")],
            "actions": [
                pgettext("audit", "Finding"),
                _("Severity"),
                _("Status"),
                _("Plan due"),
                _("Remediation due"),
                _("Root cause"),
                _("Corrective action"),
                _("Preventive action"),
                _("Owner"),
                _("Planned completion"),
                _("Closed"),
            ],
        }
        checklist = [
            [
                i.requirement.code,
                requirement_title(i.requirement, language),
                i.get_risk_category_display(),
                i.get_verdict_display(),
                i.notes,
                _person(i.checked_by),
                timezone.localdate(i.checked_at) if i.checked_at else None,
            ]
            for i in items
        ]
        finding_rows = [
            [
                numbers[f.pk],
                f.get_severity_display(),
                f.get_area_display(),
                f"{f.requirement.code} {requirement_title(f.requirement, language)}" if f.requirement_id else "",
                f.description,
            ]
            for f in findings
        ]
        action_rows = [
            [
                numbers.get(a.finding_id),
                a.finding.get_severity_display(),
                a.get_status_display(),
                _day(a.plan_due),
                _day(a.remediation_due),
                a.root_cause,
                a.corrective_action,
                a.preventive_action,
                a.owner,
                _day(a.completion_date),
                timezone.localdate(a.closed_at) if a.closed_at else None,
            ]
            for a in actions
        ]
    return AuditReport(audit, summary, checklist, finding_rows, action_rows, headers)


def file_stem(audit: Audit) -> str:
    return f"audit-{audit.pk}-{audit.supplier.code}-{audit.year}"


# ---------------------------------------------------------------- xlsx


def _sheet(workbook, title: str, header: list[str], rows: list[list], widths: list[int], text_columns=()):
    sheet = workbook.create_sheet(title[:31])
    sheet.append(xlsx_row(sheet, header, font=Font(bold=True)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row, text_columns=text_columns))
    for n, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


def _xlsx_bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def audit_report_xlsx(audit: Audit, language: str | None) -> bytes:
    """Sheets Summary, Checklist, Findings and Corrective actions (names and headers in `language`)."""
    report = build_report(audit, language)
    workbook = Workbook()
    workbook.remove(workbook.active)
    with translation.override(language):
        _sheet(workbook, _("Summary"), [_("Item"), _("Value")], [list(r) for r in report.summary], [28, 80])
        _sheet(
            workbook, _("Checklist"), report.headers["checklist"], report.checklist, [14, 50, 22, 18, 40, 18, 12], {0}
        )
        _sheet(workbook, pgettext("audit", "Findings"), report.headers["findings"], report.findings, [6, 14, 22, 40, 60])
        _sheet(
            workbook,
            _("Corrective actions"),
            report.headers["actions"],
            report.actions,
            [8, 12, 24, 12, 14, 30, 30, 30, 18, 14, 12],
        )
    return _xlsx_bytes(workbook)


# ---------------------------------------------------------------- disclosure summary


@dataclass
class Disclosure:
    year: int
    severities: list[tuple[str, str]]
    areas: list[tuple[str, str]]
    findings: dict[str, dict[str, int]]  # {area: {severity: n}}
    findings_by_severity: dict[str, int]
    findings_total: int
    kinds: list[tuple[str, str]]
    levels: list[tuple[str, str]]
    results: dict[str, dict[str, int]]  # {kind: {level: n}} of the reported audits
    reported_by_kind: dict[str, int]
    open_by_kind: dict[str, int]  # planned or in progress
    actions_total: int
    actions_counted: int  # closed, or past the remediation date
    actions_closed_in_time: int

    @property
    def closed_in_time_share(self) -> Decimal | None:
        if not self.actions_counted:
            return None
        share = Decimal(100) * self.actions_closed_in_time / self.actions_counted
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def finding_rows(self) -> list[dict]:
        return [
            {
                "code": code,
                "label": label,
                "cells": [self.findings.get(code, {}).get(s, 0) for s, _l in self.severities],
                "total": sum(self.findings.get(code, {}).values()),
            }
            for code, label in self.areas
        ]

    def result_rows(self) -> list[dict]:
        return [
            {
                "code": code,
                "label": label,
                "cells": [self.results.get(code, {}).get(level, 0) for level, _l in self.levels],
                "reported": self.reported_by_kind.get(code, 0),
                "open": self.open_by_kind.get(code, 0),
            }
            for code, label in self.kinds
        ]


def disclosure_summary(year: int, *, on=None) -> Disclosure:
    """Findings by severity and area, audits by kind and result, and corrective actions closed in time, for
    the audits of the programme year whose report is issued (four queries)."""
    on = on or timezone.localdate()
    reported = Audit.objects.for_year(year).reported()
    findings: dict[str, dict[str, int]] = {}
    by_severity: Counter = Counter()
    for row in Finding.objects.filter(audit__in=reported).values("area", "severity").annotate(n=Count("pk")).order_by():
        findings.setdefault(row["area"], {})[row["severity"]] = row["n"]
        by_severity[row["severity"]] += row["n"]
    results: dict[str, dict[str, int]] = {}
    reported_by_kind: Counter = Counter()
    for row in reported.values("kind", "result_level").annotate(n=Count("pk")).order_by():
        results.setdefault(row["kind"], {})[row["result_level"]] = row["n"]
        reported_by_kind[row["kind"]] += row["n"]
    open_by_kind = dict(
        Audit.objects.for_year(year)
        .filter(status__in=[Audit.Status.PLANNED, Audit.Status.IN_PROGRESS])
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    )
    closed = Q(status=CorrectiveAction.Status.CLOSED)
    actions = CorrectiveAction.objects.filter(audit__in=reported).aggregate(
        total=Count("pk"),
        counted=Count("pk", filter=closed | Q(remediation_due__lt=on)),
        in_time=Count("pk", filter=closed & Q(closed_at__date__lte=F("remediation_due"))),
    )
    return Disclosure(
        year=year,
        severities=list(Severity.choices),
        areas=list(RiskCategory.choices),
        findings=findings,
        findings_by_severity={s: by_severity.get(s, 0) for s in Severity.values},
        findings_total=sum(by_severity.values()),
        kinds=list(Audit.Kind.choices),
        levels=list(RiskLevel.choices),
        results=results,
        reported_by_kind=dict(reported_by_kind),
        open_by_kind=open_by_kind,
        actions_total=actions["total"],
        actions_counted=actions["counted"],
        actions_closed_in_time=actions["in_time"],
    )


def disclosure_xlsx(year: int, language: str | None) -> bytes:
    summary = disclosure_summary(year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    with translation.override(language):
        severities = [str(label) for _c, label in summary.severities]
        rows = [[str(r["label"]), *r["cells"], r["total"]] for r in summary.finding_rows()]
        rows.append([_("Total"), *summary.findings_by_severity.values(), summary.findings_total])
        _sheet(workbook, pgettext("audit", "Findings"), [_("Area"), *severities, _("Total")], rows, [28, 12, 12, 12, 14, 10])
        levels = [str(label) for _c, label in summary.levels]
        rows = [[str(r["label"]), *r["cells"], r["reported"], r["open"]] for r in summary.result_rows()]
        _sheet(
            workbook,
            _("Audits"),
            [_("Kind"), *levels, _("Reported"), _("Planned or in progress")],
            rows,
            [24, 10, 10, 10, 12, 22],
        )
        share = summary.closed_in_time_share
        _sheet(
            workbook,
            _("Corrective actions"),
            [_("Item"), _("Value")],
            [
                [_("Year"), summary.year],
                [_("Corrective actions"), summary.actions_total],
                [_("Closed or past their remediation date"), summary.actions_counted],
                [_("Closed in time"), summary.actions_closed_in_time],
                [_("Share closed in time (%)"), share],
            ],
            [40, 14],
        )
    return _xlsx_bytes(workbook)
