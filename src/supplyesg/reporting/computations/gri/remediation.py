"""GRI 2-25 (processes to remediate negative impacts): the figures the product holds about its grievance mechanisms
and the remediation of supplier non-conformities. Grievances are read as figures only (channel, dates, closure
reason, measure); their content stays encrypted.

With a tier, country or category filter, only grievances linked to a supplier in the filter count; without one,
every grievance counts, linked to a supplier or not.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supplyesg.audits.models import CorrectiveAction
from supplyesg.grievances.models import Channel, Report
from supplyesg.reporting.computations.base import Result, Row, Scope, computation, percent
from supplyesg.reporting.computations.common import suppliers_in_scope
from supplyesg.reporting.computations.gri.screening import local_day

CHANNEL_COLUMNS = ("Channel", "Audience")
REPORT_COLUMNS = ("Report", "Channel", "Supplier code", "Received", "Closed", "Closure reason", "Measure")
CAP_COLUMNS = ("Corrective action", "Supplier code", "Area", "Severity", "Remediation due", "Closed", "On time")


def filtered(scope: Scope) -> bool:
    return bool(scope.effective_tiers or scope.countries or scope.categories)


def open_channels(scope: Scope):
    audiences = scope.params.get("audiences")
    qs = Channel.objects.filter(active=True).order_by("position", "key")
    return qs.filter(audience__in=audiences) if audiences else qs


def grievances(scope: Scope):
    """Reports of the line item's audiences, narrowed to the filter's suppliers when the report is filtered."""
    qs = Report.objects.select_related("channel", "supplier").only(
        "pk",
        "received_on",
        "closed_on",
        "closure_reason",
        "measure",
        "acknowledged_on",
        "channel__key",
        "channel__audience",
        "supplier__code",
    )
    if scope.params.get("audiences"):
        qs = qs.filter(channel__audience__in=scope.params["audiences"])
    if filtered(scope):
        qs = qs.filter(supplier__in=suppliers_in_scope(scope))
    return qs.order_by("received_on", "pk")


def report_row(report: Report) -> Row:
    return Row(
        "grievances.report",
        report.pk,
        (
            str(report),
            report.channel.key,
            report.supplier.code if report.supplier_id else "",
            report.received_on,
            report.closed_on,
            report.closure_reason,
            report.measure,
        ),
    )


def unlinked_flag(scope: Scope) -> list[str]:
    if not filtered(scope):
        return []
    qs = Report.objects.filter(supplier__isnull=True, received_on__gte=scope.start, received_on__lte=scope.end)
    if scope.params.get("audiences"):
        qs = qs.filter(channel__audience__in=scope.params["audiences"])
    n = qs.count()
    if not n:
        return []
    return [
        ngettext(
            "%(count)s grievance received in the period is linked to no supplier and is left out by the filter.",
            "%(count)s grievances received in the period are linked to no supplier and are left out by the filter.",
            n,
        )
        % {"count": n}
    ]


@computation("gri_grievance_channels_open")
def grievance_channels_open(scope: Scope) -> Result:
    """Grievance channels open for reports (of the line item's audiences, if it names some)."""
    rows = [Row("grievances.channel", c.pk, (c.key, c.audience)) for c in open_channels(scope)]
    return Result(value=len(rows), columns=CHANNEL_COLUMNS, rows=rows)


@computation("gri_grievances_received")
def grievances_received(scope: Scope) -> Result:
    rows = [report_row(r) for r in grievances(scope).filter(received_on__gte=scope.start, received_on__lte=scope.end)]
    return Result(value=len(rows), columns=REPORT_COLUMNS, rows=rows, flags=unlinked_flag(scope))


def _closed(scope: Scope):
    return grievances(scope).filter(status=Report.Status.CLOSED, closed_on__gte=scope.start, closed_on__lte=scope.end)


@computation("gri_grievances_closed")
def grievances_closed(scope: Scope) -> Result:
    rows = [report_row(r) for r in _closed(scope)]
    return Result(value=len(rows), columns=REPORT_COLUMNS, rows=rows, flags=unlinked_flag(scope))


@computation("gri_grievances_substantiated")
def grievances_substantiated(scope: Scope) -> Result:
    """Grievances closed in the period as substantiated or partly substantiated."""
    rows = [report_row(r) for r in _closed(scope).filter(closure_reason__in=Report.SUBSTANTIATED)]
    return Result(value=len(rows), columns=REPORT_COLUMNS, rows=rows, flags=unlinked_flag(scope))


@computation("gri_grievance_remediation_outcomes")
def grievance_remediation_outcomes(scope: Scope) -> Result:
    """Measures taken on the grievances closed as substantiated in the period, counted by measure."""
    reports = list(_closed(scope).filter(closure_reason__in=Report.SUBSTANTIATED))
    counts = Counter(str(Report.Measure(r.measure).label) if r.measure else str(Report.Measure.NONE.label) for r in reports)
    return Result(value=dict(sorted(counts.items())), columns=REPORT_COLUMNS, rows=[report_row(r) for r in reports])


def corrective_actions(scope: Scope):
    qs = CorrectiveAction.objects.filter(audit__supplier__in=suppliers_in_scope(scope))
    if scope.params.get("risk_categories"):
        qs = qs.filter(finding__area__in=scope.params["risk_categories"])
    return qs.select_related("finding", "audit__supplier").order_by("pk")


def cap_row(action: CorrectiveAction, on_time) -> Row:
    closed = local_day(action.closed_at) if action.closed_at else None
    return Row(
        "audits.correctiveaction",
        action.pk,
        (
            f"CAP #{action.pk}",
            action.audit.supplier.code,
            action.finding.area,
            action.finding.severity,
            action.remediation_due,
            closed,
            on_time,
        ),
    )


def closed_in_period(scope: Scope) -> list[CorrectiveAction]:
    actions = corrective_actions(scope).filter(status=CorrectiveAction.Status.CLOSED, closed_at__isnull=False)
    return [a for a in actions if scope.start <= local_day(a.closed_at) <= scope.end]


@computation("gri_corrective_actions_closed")
def corrective_actions_closed(scope: Scope) -> Result:
    """Corrective actions closed within the period (of the line item's areas, if it names some)."""
    actions = closed_in_period(scope)
    rows = [cap_row(a, local_day(a.closed_at) <= a.remediation_due) for a in actions]
    return Result(value=len(rows), columns=CAP_COLUMNS, rows=rows)


@computation("gri_corrective_actions_closed_on_time")
def corrective_actions_closed_on_time(scope: Scope) -> Result:
    """Share of the corrective actions closed within the period that closed by their remediation due date."""
    actions = closed_in_period(scope)
    rows = [cap_row(a, local_day(a.closed_at) <= a.remediation_due) for a in actions]
    on_time = sum(1 for row in rows if row.cells[-1])
    note = _("%(count)s of %(total)s corrective actions closed on time.") % {"count": on_time, "total": len(rows)}
    return Result(value=percent(on_time, len(rows)), columns=CAP_COLUMNS, rows=rows, note=note)
