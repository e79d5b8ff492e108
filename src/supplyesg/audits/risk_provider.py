"""Audit results as an input of the risk assessment (registered in AuditsConfig.ready).

For a batch of suppliers, in five queries whatever its size: each supplier's latest reported audit (its
conformity score and report date), that audit's conformity per risk category, the open and overdue
corrective actions today, and the date of the last reported on-site (or third-party) audit. The latest known
results count, whatever the year being assessed (as for every other input of the assessment).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from supplyesg.assessments.risk.rules import AuditInput
from supplyesg.audits import rules
from supplyesg.audits.models import Audit, ChecklistItem, CorrectiveAction
from supplyesg.core.ids import IdList

V = ChecklistItem.Verdict


def _latest_reported(ids: Sequence[int]) -> dict[int, dict]:
    latest = (
        Audit.objects.reported()
        .filter(supplier_id=OuterRef("supplier_id"))
        .order_by(F("report_date").desc(nulls_last=True), "-pk")
        .values("pk")[:1]
    )
    rows = Audit.objects.reported().filter(supplier_id__in=ids, pk=Subquery(latest))
    return {row["supplier_id"]: row for row in rows.values("pk", "supplier_id", "score", "report_date")}


def _category_conformity(audit_ids: Sequence[int]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = defaultdict(dict)
    if not audit_ids:
        return out
    rows = (
        ChecklistItem.objects.filter(audit_id__in=audit_ids)
        .values("audit_id", "risk_category")
        .annotate(
            conforming=Count("pk", filter=Q(verdict=V.CONFORMING)),
            nonconforming=Count("pk", filter=Q(verdict=V.NONCONFORMING)),
        )
        .order_by()
    )
    for row in rows:
        score = rules.conformity_score(row["conforming"], row["nonconforming"])
        if score is not None:
            out[row["audit_id"]][row["risk_category"]] = float(score)
    return out


def _count_by_supplier(queryset) -> dict[int, int]:
    return dict(
        queryset.values("audit__supplier_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
        .values_list("audit__supplier_id", "n")
    )


def audit_inputs(supplier_ids: Sequence[int], year: int) -> dict[int, AuditInput]:
    """{supplier id: AuditInput} for the suppliers with a reported audit; the others are left out (the
    assessment then says "No audit yet")."""
    ids = IdList(dict.fromkeys(supplier_ids))
    if not ids:
        return {}
    latest = _latest_reported(ids)
    if not latest:
        return {}
    ids = IdList(latest)
    today = timezone.localdate()
    by_category = _category_conformity([row["pk"] for row in latest.values()])
    actions = CorrectiveAction.objects.filter(audit__supplier_id__in=ids)
    open_counts = _count_by_supplier(actions.open())
    overdue_counts = _count_by_supplier(actions.overdue(today))
    last_onsite = dict(
        Audit.objects.reported()
        .onsite()
        .filter(supplier_id__in=ids)
        .values("supplier_id")
        .annotate(last=Max("report_date"))
        .order_by()
        .values_list("supplier_id", "last")
    )
    return {
        supplier_id: AuditInput(
            score=row["score"],
            audited_on=row["report_date"],
            open_corrective_actions=open_counts.get(supplier_id, 0),
            overdue_corrective_actions=overdue_counts.get(supplier_id, 0),
            category_scores=by_category.get(row["pk"]) or None,
            last_onsite_audit=last_onsite.get(supplier_id),
        )
        for supplier_id, row in latest.items()
    }
