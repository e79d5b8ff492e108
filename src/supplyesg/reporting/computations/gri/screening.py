"""Who is a new supplier and who was screened with criteria of an area, on the period's explicit definitions.

A supplier is screened (GRI 308-1 / 414-1 "screened using environmental / social criteria") when, for one of the
line item's risk categories (`params["risk_categories"]`), one of the period's `screening_sources` holds:

- admission: an admission checklist item of the area passed (environmental history or ISO 14001 for environment;
  labour for labour; ISO 45001 for health and safety; anti-corruption for ethics). For new suppliers the review that
  admitted them counts whenever it happened up to the period's end (it precedes the admission); for "assessed in the
  period" (308-2 a) it must fall within the period;
- questionnaire: a submitted or accepted self-assessment, submitted within the period, with a score in the area;
- audit: an audit whose report was issued within the period and whose scope covers the area (an empty scope is the
  whole code of conduct) or which checked or found something in the area;
- risk: the year's ESG risk identification with a score for the area.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supplyesg.assessments.models import Response, RiskAssessment, RiskCategory
from supplyesg.audits.models import Audit, ChecklistItem, Finding
from supplyesg.core.models import AuditEvent
from supplyesg.reporting.computations.base import Result, Scope, computation, percent
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope
from supplyesg.reporting.models import NewSupplierBasis, ScreeningSource
from supplyesg.suppliers.models import QualificationItem, Supplier
from supplyesg.suppliers.models.lifecycle import Verdict

K = QualificationItem.Kind
ADMISSION_KINDS = {
    "environment": (K.ENVIRONMENTAL_HISTORY, K.ISO14001),
    "labour": (K.LABOUR,),
    "health_safety": (K.ISO45001,),
    "ethics": (K.ANTI_CORRUPTION,),
}
APPROVED_ACTION = "supplier.approved"  # the audit-trail action lifecycle.approve_supplier records


def area_categories(scope: Scope) -> tuple[str, ...]:
    return tuple(scope.params.get("risk_categories") or ())


def local_day(moment) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def in_period(scope: Scope, day: date | None) -> bool:
    return day is not None and scope.start <= day <= scope.end


def admission_dates(supplier_ids) -> dict[int, date]:
    """The day each supplier was first approved (its first `supplier.approved` audit row). `supplier_ids` is a list
    or a `values("pk")` query (a subquery: no parameter limit however many suppliers)."""
    rows = (
        AuditEvent.objects.filter(action=APPROVED_ACTION, supplier_id__in=supplier_ids)
        .values("supplier_id")
        .annotate(first=Min("at"))
    )
    return {row["supplier_id"]: local_day(row["first"]) for row in rows}


def new_suppliers(scope: Scope) -> tuple[list[tuple[Supplier, date]], list[str]]:
    """The suppliers new in the period (with the day that made them new) and the data-quality flags."""
    qs = suppliers_in_scope(scope).only("pk", "code", "legal_name", "tier", "country", "status", "created_at")
    flags = []
    if scope.definitions.get("new_supplier_basis") == NewSupplierBasis.CREATED:
        out = []
        for s in qs.filter(created_at__date__gte=scope.start, created_at__date__lte=scope.end).order_by("code"):
            out.append((s, local_day(s.created_at)))
        return out, flags
    suppliers = {s.pk: s for s in qs}
    admitted = admission_dates(qs.values("pk"))
    out = [(suppliers[pk], day) for pk, day in admitted.items() if in_period(scope, day)]
    out.sort(key=lambda pair: pair[0].code)
    undated = [s for pk, s in suppliers.items() if pk not in admitted and s.status in Supplier.APPROVED_STATUSES]
    if undated:
        flags.append(
            ngettext(
                "%(count)s supplier on the approved list has no admission date (no approval is recorded); "
                "it is not counted as new.",
                "%(count)s suppliers on the approved list have no admission date (no approval is recorded); "
                "none of them is counted as new.",
                len(undated),
            )
            % {"count": len(undated)}
        )
    return out, flags


def _covers(categories, values) -> bool:
    return bool(set(categories) & set(values or ()))


def screenings(scope: Scope, supplier_ids, *, admission_until_end: bool) -> dict[int, list[str]]:
    """{supplier id: [how it was screened, e.g. "audit 2026-03-10"]} for the area's categories and the period's
    screening sources; suppliers not screened are absent. `supplier_ids`: a list or a `values("pk")` query."""
    categories = area_categories(scope)
    sources = set(scope.definitions.get("screening_sources") or ())
    found: dict[int, list[str]] = defaultdict(list)
    ids = supplier_ids
    if not categories:
        return found
    if ScreeningSource.ADMISSION in sources:
        kinds = [k for c in categories for k in ADMISSION_KINDS.get(c, ())]
        items = QualificationItem.objects.filter(
            supplier_id__in=ids, kind__in=kinds, verdict=Verdict.PASS, reviewed_at__isnull=False
        ).values_list("supplier_id", "kind", "reviewed_at")
        for supplier_id, kind, reviewed_at in items:
            day = local_day(reviewed_at)
            if day <= scope.end and (admission_until_end or day >= scope.start):
                found[supplier_id].append(f"admission {kind} {day.isoformat()}")
    if ScreeningSource.QUESTIONNAIRE in sources:
        responses = Response.objects.filter(
            supplier_id__in=ids,
            status__in=[Response.Status.SUBMITTED, Response.Status.ACCEPTED],
            submitted_at__date__gte=scope.start,
            submitted_at__date__lte=scope.end,
        ).values_list("supplier_id", "scores__risk_categories", "submitted_at")
        # Only the scores' risk categories are read: decoding whole score documents was most of the time of a
        # snapshot at 100,000 suppliers (py-spy on bench/every_page.py).
        for supplier_id, by_category, submitted_at in responses:
            by_category = by_category if isinstance(by_category, dict) else {}
            if any(by_category.get(c) is not None for c in categories):
                found[supplier_id].append(f"questionnaire {local_day(submitted_at).isoformat()}")
    if ScreeningSource.AUDIT in sources:
        reported = Audit.objects.reported().filter(supplier_id__in=ids, report_date__gte=scope.start, report_date__lte=scope.end)
        audits = list(reported.values_list("pk", "supplier_id", "scope", "report_date"))
        period_audits = reported.values("pk")
        touched = set(
            ChecklistItem.objects.filter(audit_id__in=period_audits, risk_category__in=categories).values_list(
                "audit_id", flat=True
            )
        ) | set(Finding.objects.filter(audit_id__in=period_audits, area__in=categories).values_list("audit_id", flat=True))
        for pk, supplier_id, audit_scope, report_date in audits:
            if not audit_scope or _covers(categories, audit_scope) or pk in touched:
                found[supplier_id].append(f"audit {report_date.isoformat()}")
    if ScreeningSource.RISK in sources:
        risks = RiskAssessment.objects.filter(supplier_id__in=ids, year=scope.year).values_list("supplier_id", "category_scores")
        for supplier_id, scores in risks:
            if any((scores or {}).get(c) is not None for c in categories):
                label = f"risk {scope.year}"
                if label not in found[supplier_id]:
                    found[supplier_id].append(label)
    return found


@computation("gri_new_suppliers_screened")
def new_suppliers_screened(scope: Scope) -> Result:
    """GRI 308-1 / 414-1: percentage of new suppliers screened with the area's criteria."""
    new, flags = new_suppliers(scope)
    screened = screenings(scope, [s.pk for s, _day in new], admission_until_end=True)
    rows = [supplier_row(s, day, bool(screened.get(s.pk)), "; ".join(sorted(screened.get(s.pk, ())))) for s, day in new]
    count = sum(1 for s, _day in new if screened.get(s.pk))
    if not scope.definitions.get("screening_sources"):
        flags.append(_("The period names no screening source, so no supplier counts as screened."))
    note = _("%(screened)s of %(new)s new suppliers screened. Criteria: %(criteria)s.") % {
        "screened": count,
        "new": len(new),
        "criteria": ", ".join(str(RiskCategory(c).label) for c in area_categories(scope)),
    }
    return Result(
        value=percent(count, len(new)),
        columns=(*SUPPLIER_COLUMNS, "New since", "Screened", "How"),
        rows=rows,
        flags=flags,
        note=note,
    )


@computation("gri_suppliers_assessed")
def suppliers_assessed(scope: Scope) -> Result:
    """GRI 308-2 a / 414-2 a: suppliers assessed for impacts of the area within the period."""
    in_scope = suppliers_in_scope(scope)
    suppliers = {s.pk: s for s in in_scope.only("pk", "code", "legal_name", "tier", "country", "status")}
    screened = screenings(scope, in_scope.values("pk"), admission_until_end=False)
    rows = [supplier_row(suppliers[pk], "; ".join(sorted(how))) for pk, how in screened.items()]
    rows.sort(key=lambda row: row.cells[0])
    return Result(value=len(rows), columns=(*SUPPLIER_COLUMNS, "How"), rows=rows, flags=risk_coverage_flags(scope))


def risk_coverage_flags(scope: Scope) -> list[str]:
    """When the year's risk identification is a screening source: how many approved suppliers it missed."""
    if ScreeningSource.RISK not in (scope.definitions.get("screening_sources") or ()):
        return []
    approved = suppliers_in_scope(scope).filter(status__in=Supplier.APPROVED_STATUSES)
    total = approved.count()
    identified = RiskAssessment.objects.filter(year=scope.year).values("supplier_id")
    missing = approved.exclude(pk__in=identified).count()
    if not missing:
        return []
    return [
        _("Risk not identified for %(percent)s %% of approved suppliers in %(year)s (%(count)s suppliers).")
        % {"percent": percent(missing, total), "year": scope.year, "count": missing}
    ]
