"""GRI 308-2 / 414-2: negative impacts in the supply chain and the actions taken, on the period's definitions.

A significant actual or potential negative impact in the item's area (`params["risk_categories"]`) is, for each of
the period's `impact_sources`:

- finding: a finding in the area, at or above `impact_min_severity` (priority > major > minor > observation), of an
  audit whose report was issued within the period;
- risk_high: the year's current risk identification scoring one of the area's categories at or above the policy's
  high-risk threshold (`PolicySettings.risk_high_from`);
- grade_d: a quarterly rating of the year graded D (one impact per supplier, whatever the number of such quarters).
  A grade is not specific to an area: it counts for both GRI 308-2 and GRI 414-2;
- grievance: a grievance linked to the supplier, closed within the period as substantiated or partly substantiated,
  whose topic belongs to the area (only the topic and dates are read; the content stays encrypted).

d) improvements agreed: a corrective-action plan of the supplier accepted (approved, completed or closed) for an
audit reported within the period or reviewed within the period, or an improvement action opened from a rating within
the period.

e) relationship terminated as a result of the assessment: a termination case decided (confirmed, possibly lifted
later) within the period that an assessment raised (a grade D, an overdue high-risk improvement plan, a minerals risk
case) or whose source is in the period's `termination_reasons`; or an exit record dated within the period whose
reason contains one of the `termination_reasons` words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from supplyesg.assessments.models import RiskAssessment, RiskCategory
from supplyesg.audits.models import Audit, CorrectiveAction, Finding, Severity
from supplyesg.core.models import PolicySettings
from supplyesg.grievances.models import Report, Topic
from supplyesg.ratings.models import Grade, ImprovementAction, Rating
from supplyesg.reporting.computations.base import Result, Row, Scope, computation, percent
from supplyesg.reporting.computations.common import SUPPLIER_COLUMNS, supplier_row, suppliers_in_scope
from supplyesg.reporting.computations.gri.screening import area_categories, in_period, local_day
from supplyesg.reporting.models import ImpactSource
from supplyesg.suppliers.models import ExitRecord, Supplier, TerminationCase

SEVERITY_RANK = {Severity.PRIORITY: 0, Severity.MAJOR: 1, Severity.MINOR: 2, Severity.OBSERVATION: 3}
TOPIC_AREA = {
    Topic.DISCRIMINATION: RiskCategory.LABOUR,
    Topic.HARASSMENT: RiskCategory.LABOUR,
    Topic.PRIVACY: RiskCategory.LABOUR,
    Topic.FORCED_LABOUR: RiskCategory.LABOUR,
    Topic.CHILD_LABOUR: RiskCategory.LABOUR,
    Topic.WAGES_HOURS: RiskCategory.LABOUR,
    Topic.RETALIATION: RiskCategory.LABOUR,
    Topic.HEALTH_SAFETY: RiskCategory.HEALTH_SAFETY,
    Topic.ENVIRONMENT: RiskCategory.ENVIRONMENT,
    Topic.FRAUD_BRIBERY: RiskCategory.ETHICS,
    Topic.MINERALS: RiskCategory.MINERALS,
}
# Terminations an assessment result raised (the rule-made sources of TerminationCase).
ASSESSMENT_SOURCES = (TerminationCase.Source.RATING, TerminationCase.Source.AUDIT, TerminationCase.Source.MINERALS)
IMPACT_COLUMNS = (*SUPPLIER_COLUMNS, "Source", "Impact", "Date", "Detail")


@dataclass(frozen=True)
class Impact:
    supplier_id: int
    source: str
    topic: str
    day: date | None
    detail: str
    kind: str
    pk: int


def severities_at_or_above(minimum: str) -> list[str]:
    limit = SEVERITY_RANK.get(minimum, SEVERITY_RANK[Severity.MAJOR])
    return [s for s, rank in SEVERITY_RANK.items() if rank <= limit]


def find_impacts(scope: Scope, supplier_ids) -> list[Impact]:
    categories = area_categories(scope)
    sources = set(scope.definitions.get("impact_sources") or ())
    ids = supplier_ids  # a list or a values("pk") query
    out: list[Impact] = []
    if ImpactSource.FINDING in sources and categories:
        findings = (
            Finding.objects.filter(
                audit__in=Audit.objects.reported().filter(report_date__gte=scope.start, report_date__lte=scope.end),
                audit__supplier_id__in=ids,
                area__in=categories,
                severity__in=severities_at_or_above(scope.definitions.get("impact_min_severity", Severity.MAJOR)),
            )
            .select_related("audit", "requirement")
            .order_by("pk")
        )
        for f in findings:
            topic = f"{f.requirement.code} {f.requirement.title}" if f.requirement else str(RiskCategory(f.area).label)
            out.append(
                Impact(f.audit.supplier_id, ImpactSource.FINDING, topic, f.audit.report_date, f.severity, "audits.finding", f.pk)
            )
    if ImpactSource.RISK_HIGH in sources and categories:
        high_from = PolicySettings.current().risk_high_from
        # The columns it reads, not whole assessments: their explanation and inputs are most of each row and
        # decoding them was most of these figures' time at 100,000 suppliers (py-spy on bench/every_page.py).
        risks = (
            RiskAssessment.objects.current()
            .filter(supplier_id__in=ids, year=scope.year)
            .order_by("pk")
            .values_list("pk", "supplier_id", "category_scores", "computed_at")
        )
        topics = {c: _("High risk: %(category)s") % {"category": RiskCategory(c).label} for c in categories}
        for pk, supplier_id, category_scores, computed_at in risks:
            for c in categories:
                score = (category_scores or {}).get(c)
                if score is not None and score >= high_from:
                    day = local_day(computed_at)
                    out.append(
                        Impact(supplier_id, ImpactSource.RISK_HIGH, topics[c], day, str(score), "assessments.riskassessment", pk)
                    )
    if ImpactSource.GRADE_D in sources:
        # One impact per supplier however many quarters it was graded D (the detail lists them; the row links the last).
        quarters: dict[int, list[Rating]] = defaultdict(list)
        for r in Rating.objects.filter(supplier_id__in=ids, year=scope.year, grade=Grade.D).order_by("quarter", "pk"):
            quarters[r.supplier_id].append(r)
        for supplier_id, ratings in quarters.items():
            detail = ", ".join(r.period for r in ratings)
            out.append(Impact(supplier_id, ImpactSource.GRADE_D, _("Grade D"), None, detail, "ratings.rating", ratings[-1].pk))
    if ImpactSource.GRIEVANCE in sources:
        topics = [t for t, area in TOPIC_AREA.items() if area in categories]
        reports = (
            Report.objects.substantiated()
            .filter(supplier_id__in=ids, topic__in=topics, closed_on__gte=scope.start, closed_on__lte=scope.end)
            .only("pk", "supplier_id", "topic", "closed_on")
            .order_by("pk")
        )
        for g in reports:
            out.append(
                Impact(
                    g.supplier_id,
                    ImpactSource.GRIEVANCE,
                    str(Topic(g.topic).label),
                    g.closed_on,
                    str(g),
                    "grievances.report",
                    g.pk,
                )
            )
    return out


def _impacts_by_supplier(scope: Scope):
    in_scope = suppliers_in_scope(scope)
    by_supplier: dict[int, list[Impact]] = defaultdict(list)
    for impact in find_impacts(scope, in_scope.values("pk")):
        by_supplier[impact.supplier_id].append(impact)
    suppliers = {
        s.pk: s for s in Supplier.objects.filter(pk__in=list(by_supplier)).only("pk", "code", "legal_name", "tier", "country")
    }
    flags = []
    if not scope.definitions.get("impact_sources"):
        flags.append(_("The period names no source of significant impacts, so no supplier counts."))
    return suppliers, by_supplier, flags


@computation("gri_suppliers_with_impacts")
def suppliers_with_impacts(scope: Scope) -> Result:
    """GRI 308-2 b / 414-2 b: suppliers identified as having significant actual and potential negative impacts."""
    suppliers, by_supplier, flags = _impacts_by_supplier(scope)
    rows = [
        supplier_row(suppliers[pk], len(found), "; ".join(sorted({i.source for i in found}))) for pk, found in by_supplier.items()
    ]
    rows.sort(key=lambda row: row.cells[0])
    return Result(value=len(rows), columns=(*SUPPLIER_COLUMNS, "Impacts", "Sources"), rows=rows, flags=flags)


@computation("gri_impacts_identified")
def impacts_identified(scope: Scope) -> Result:
    """GRI 308-2 c / 414-2 c: the significant impacts identified, counted by requirement or topic."""
    suppliers, by_supplier, flags = _impacts_by_supplier(scope)
    impacts = sorted(
        (i for found in by_supplier.values() for i in found), key=lambda i: (suppliers[i.supplier_id].code, i.kind, i.pk)
    )
    counts = Counter(i.topic for i in impacts)
    rows = [
        Row(i.kind, i.pk, (*supplier_row(suppliers[i.supplier_id]).cells, i.source, i.topic, i.day, i.detail)) for i in impacts
    ]
    return Result(value=dict(sorted(counts.items())), columns=IMPACT_COLUMNS, rows=rows, flags=flags)


def improvements_agreed(scope: Scope, supplier_ids) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    plans = CorrectiveAction.objects.filter(
        audit__supplier_id__in=supplier_ids, status__in=CorrectiveAction.PLAN_ACCEPTED_STATUSES
    ).filter(
        Q(audit__report_date__gte=scope.start, audit__report_date__lte=scope.end)
        | Q(reviewed_at__date__gte=scope.start, reviewed_at__date__lte=scope.end)
    )
    for pk, supplier_id in plans.values_list("pk", "audit__supplier_id").order_by("pk"):
        found[supplier_id].append(f"CAP #{pk}")
    actions = ImprovementAction.objects.filter(
        supplier_id__in=supplier_ids, created_at__date__gte=scope.start, created_at__date__lte=scope.end
    )
    for pk, supplier_id in actions.values_list("pk", "supplier_id").order_by("pk"):
        found[supplier_id].append(f"improvement action #{pk}")
    return found


def terminations(scope: Scope, supplier_ids) -> dict[int, list[str]]:
    reasons = [str(r) for r in scope.definitions.get("termination_reasons") or ()]
    sources = set(ASSESSMENT_SOURCES) | {r for r in reasons if r in TerminationCase.Source.values}
    words = [r.casefold() for r in reasons if r not in TerminationCase.Source.values and r.strip()]
    found: dict[int, list[str]] = defaultdict(list)
    cases = TerminationCase.objects.filter(
        supplier_id__in=supplier_ids,
        status__in=[TerminationCase.Status.CONFIRMED, TerminationCase.Status.LIFTED],
        source__in=sorted(sources),
        decided_at__isnull=False,
    )
    for case in cases.order_by("pk"):
        if in_period(scope, local_day(case.decided_at)):
            found[case.supplier_id].append(f"termination {case.source} {local_day(case.decided_at).isoformat()}")
    if words:
        exits = ExitRecord.objects.filter(supplier_id__in=supplier_ids, exit_date__gte=scope.start, exit_date__lte=scope.end)
        for record in exits.order_by("pk"):
            if any(word in record.reason.casefold() for word in words):
                found[record.supplier_id].append(f"exit {record.exit_date.isoformat()}")
    return found


def _share_of_impacted(scope: Scope, finder, how_column: str) -> Result:
    suppliers, by_supplier, flags = _impacts_by_supplier(scope)
    impacted = sorted(by_supplier, key=lambda pk: suppliers[pk].code)
    found = finder(scope, impacted)
    rows = [supplier_row(suppliers[pk], bool(found.get(pk)), "; ".join(found.get(pk, ()))) for pk in impacted]
    count = sum(1 for pk in impacted if found.get(pk))
    note = _("%(count)s of %(total)s suppliers with significant negative impacts.") % {"count": count, "total": len(impacted)}
    return Result(
        value=percent(count, len(impacted)), columns=(*SUPPLIER_COLUMNS, how_column, "How"), rows=rows, flags=flags, note=note
    )


@computation("gri_impacts_improvement_agreed")
def impacts_improvement_agreed(scope: Scope) -> Result:
    """GRI 308-2 d / 414-2 d: percentage of the suppliers of (b) with which improvements were agreed."""
    return _share_of_impacted(scope, improvements_agreed, "Improvement agreed")


@computation("gri_impacts_terminated")
def impacts_terminated(scope: Scope) -> Result:
    """GRI 308-2 e / 414-2 e: percentage of the suppliers of (b) whose relationship was terminated as a result."""
    return _share_of_impacted(scope, terminations, "Terminated")
