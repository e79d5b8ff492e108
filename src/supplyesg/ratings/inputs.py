"""What the rating of a batch of suppliers needs besides their business scores, gathered set-based: three
queries per batch whatever its size (risk levels, latest reported audits with their plan state, corrective
actions past their remediation date), never a query per supplier.

Everything is read as of `on` (the quarter's last day, or today while the quarter runs): the latest audit
reported by then and within the policy's look-back, the risk assessment of the quarter's year or earlier (a
fallback only where the policy allows it), the clocks on that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef

from supplyesg.assessments.models import RiskAssessment
from supplyesg.audits.models import Audit, CorrectiveAction
from supplyesg.audits.rules import add_months, improvement_plan_consequence
from supplyesg.core.ids import IdList
from supplyesg.ratings import rules


@dataclass(frozen=True)
class ScoreRow:
    """One supplier's business score of the quarter, as the batch reads it."""

    supplier_id: int
    quality: Decimal
    delivery: Decimal
    cost: Decimal
    service: Decimal

    @property
    def parts(self) -> dict[str, Decimal]:
        return {part: getattr(self, part) for part in rules.PARTS}


@dataclass(frozen=True)
class SupplierInputs:
    parts: dict[str, Decimal]
    esg: rules.EsgInputs
    used: dict  # what is stored in Rating.inputs: every value the rating was computed from


def risk_levels(ids: Sequence[int], year: int) -> dict[int, tuple[str, int]]:
    """{supplier: (level, year)} of each supplier's current assessment of the latest year up to `year`;
    an override wins over the computed level. One query."""
    out: dict[int, tuple[str, int]] = {}
    rows = (
        RiskAssessment.objects.current()
        .filter(supplier_id__in=ids, year__lte=year)
        .order_by("supplier_id", "-year", "-computed_at")
        .values_list("supplier_id", "year", "override_level", "computed_level")
    )
    for supplier_id, assessed_year, override, computed in rows:
        out.setdefault(supplier_id, (override or computed, assessed_year))
    return out


@dataclass(frozen=True)
class LatestAudit:
    pk: int
    level: str | None
    report_date: date | None
    improvement_plan_due: date | None
    all_plans_accepted: bool


def latest_audits(ids: Sequence[int], on: date, lookback_months: int = 12) -> dict[int, LatestAudit]:
    """{supplier: its latest audit reported by `on` and no earlier than `lookback_months` before it} with whether
    every corrective action of that audit has an accepted plan. One query."""
    pending = CorrectiveAction.objects.filter(audit_id=OuterRef("pk")).exclude(status__in=CorrectiveAction.PLAN_ACCEPTED_STATUSES)
    rows = (
        Audit.objects.reported()
        .filter(supplier_id__in=IdList(ids, replan=True))  # its generic plan filtered every reported audit by the array
        .filter(report_date__lte=on, report_date__gte=add_months(on, -int(lookback_months)))
        .annotate(plans_pending=Exists(pending))
        .order_by("supplier_id", F("report_date").desc(nulls_last=True), "-pk")
        .values_list("supplier_id", "pk", "result_level", "report_date", "improvement_plan_due", "plans_pending")
    )
    out: dict[int, LatestAudit] = {}
    for supplier_id, pk, level, report_date, plan_due, plans_pending in rows:
        if supplier_id not in out:
            out[supplier_id] = LatestAudit(pk, level or None, report_date, plan_due, not plans_pending)
    return out


def remediation_overdue_counts(ids: Sequence[int], on: date) -> dict[int, int]:
    """{supplier: corrective actions still open past their remediation date on `on`}. One query."""
    rows = (
        CorrectiveAction.objects.remediation_overdue(on)
        .filter(audit__supplier_id__in=ids)
        .order_by()
        .values("audit__supplier_id")
        .annotate(n=Count("pk"))
        .values_list("audit__supplier_id", "n")
    )
    return dict(rows)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class EsgPolicy:
    """The PolicySettings the ESG score reads (ESG manual, audit scoring)."""

    lookback_months: int = 12
    risk_fallback: bool = False
    low_risk_late_lowers: bool = False

    @classmethod
    def from_settings(cls, s) -> EsgPolicy:
        return cls(s.esg_audit_lookback_months, s.esg_score_from_risk_level, s.esg_low_risk_late_actions_lower_score)


def gather(rows: Sequence[ScoreRow], *, year: int, on: date, policy: EsgPolicy | None = None) -> dict[int, SupplierInputs]:
    """The rating inputs of a batch of suppliers, in three queries (four with the risk-level fallback)."""
    policy = policy or EsgPolicy()
    ids = IdList(row.supplier_id for row in rows)  # written into each query's IN list as they are (core.ids)
    levels = risk_levels(ids, year) if policy.risk_fallback else {}
    audits = latest_audits(ids, on, policy.lookback_months)
    overdue = remediation_overdue_counts(ids, on)
    out: dict[int, SupplierInputs] = {}
    for row in rows:
        parts = row.parts
        risk_level, risk_year = levels.get(row.supplier_id, (None, None))
        audit = audits.get(row.supplier_id)
        consequence = None
        if audit is not None and audit.level:
            consequence = improvement_plan_consequence(audit.level, audit.improvement_plan_due, audit.all_plans_accepted, on)
        late = overdue.get(row.supplier_id, 0)
        esg = rules.EsgInputs(
            audit_level=audit.level if audit else None,
            risk_level=risk_level,
            risk_fallback=policy.risk_fallback,
            plan_consequence=consequence,
            remediation_overdue=late,
            low_risk_late_lowers=policy.low_risk_late_lowers,
        )
        used = {
            "on": on.isoformat(),
            "business": {part: str(value) for part, value in parts.items()},
            "risk_level": risk_level,
            "risk_year": risk_year,
            "audit": None
            if audit is None
            else {
                "id": audit.pk,
                "level": audit.level,
                "report_date": _iso(audit.report_date),
                "improvement_plan_due": _iso(audit.improvement_plan_due),
                "all_plans_accepted": audit.all_plans_accepted,
            },
            "plan_consequence": consequence,
            "remediation_overdue": late,
            "audit_lookback_months": policy.lookback_months,
            "risk_fallback": policy.risk_fallback,
        }
        out[row.supplier_id] = SupplierInputs(parts, esg, used)
    return out
