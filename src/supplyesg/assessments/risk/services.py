"""The risk assessment as services: gather the inputs of many suppliers at once, assess them with
`rules` (through a run's `assessor.Assessor`), store the assessments per year, put what a level triggers on the
worklist, override a level, and keep the supplier list's level. The reads are in `queries`.

A recompute writes a new assessment for every supplier, also one whose inputs and result did not change (issue
19 left skipping those open). Kept on purpose: each run's rows are the supplier's assessment history (the page
shows when and how each level was computed, yearly or ad hoc, and the earlier rows stay as not current), and a
skip would need the stored explanation compared or a digest column; with the per-run Assessor a recompute costs
about what a first run costs (bench/risk_recompute.py).

Set-based: one batch of suppliers costs a bounded number of queries whatever its size (about 18, see
`assess_all`), never a query per supplier. Every input is the latest known when the assessment runs; the
year labels the yearly identification (ASUS: annual risk identification for suppliers of all tiers).

Audit results and grievances come from input providers, because those capabilities are not built yet:
`register_input_provider("audit", fn)` lets the audits app hand in `facts.AuditInput` per supplier
(`fn(supplier_ids, year) -> {id: AuditInput}`), and the same for "grievances" with `GrievanceInput`.
Until then the default providers return nothing, and the explanation says "No audit yet" and leaves the
factor out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.assessments.models import (
    RiskAssessment,
    RiskLevel,
    WorklistItem,
)
from supplyesg.assessments.risk import queries, rules
from supplyesg.core import audit, history
from supplyesg.core.errors import RuleViolation
from supplyesg.core.ids import IdList
from supplyesg.core.models import Job, PolicySettings
from supplyesg.core.rowwriter import RawJSON, insert_rows
from supplyesg.core.services import job_progress
from supplyesg.suppliers.models import RISK_ORDER, Supplier, SupplierSummary

MIN_YEAR, MAX_YEAR_AHEAD = 2000, 1

ACTION_LABELS = {
    "risk.assessed": gettext_lazy("Risk assessed"),
    "risk.level_overridden": gettext_lazy("Risk level overridden"),
    "risk.recompute_started": gettext_lazy("Risk recomputation started"),
    "risk.recomputed": gettext_lazy("Risk recomputed for all suppliers"),
    "worklist.opened": gettext_lazy("Worklist item opened"),
    "worklist.reopened": gettext_lazy("Worklist item reopened"),
    "worklist.cancelled": gettext_lazy("Worklist item cancelled"),
    "worklist.closed": gettext_lazy("Worklist item closed"),
}


from supplyesg.assessments.risk.inputs import (  # noqa: E402,F401 (also this module's API)
    Context,
    SupplierRow,
    gather_inputs,
    input_provider,
    load_context,
    missing_documents_many,
    policy_from_settings,
    register_input_provider,
)

# ---------------------------------------------------------------- writing a batch


class _Target:
    """What `audit.record` needs of a target, with a readable label (a risk assessment has no __str__)."""

    def __init__(self, obj, label: str):
        self._meta, self.pk, self._label = obj._meta, obj.pk, label

    def __str__(self):
        return self._label


def _actor_values(actor) -> tuple[int | None, str]:
    real = actor is not None and getattr(actor, "pk", None)
    return (actor.pk, actor.get_username()) if real else (None, "system")


def _event(
    actor,
    action: str,
    target_type: str,
    target_id,
    label: str,
    supplier_id: int,
    changes: dict,
    reason: str = "",
    at=None,
) -> tuple:
    """An AuditEvent row (core.audit.EVENT_FIELDS) for `write_events`."""
    return (
        at or timezone.now(),
        *_actor_values(actor),
        action,
        target_type,
        str(target_id),
        label[:300],
        supplier_id,
        changes,
        reason,
    )


def write_events(events: Sequence[tuple]) -> None:
    audit.record_rows(events)


def _assessment_label(year: int) -> str:
    return _("Risk assessment %(year)s") % {"year": year}


def _item_label(kind: str, year: int) -> str:
    return f"{WorklistItem.Kind(kind).label} {year}"


def _trigger_reason(trigger: rules.Trigger) -> str:
    """Stored in English; worklist and history show it translated (core.history.reason_text)."""
    return _reason_text(trigger.msgid, tuple(sorted((trigger.params or {}).items())))


@functools.lru_cache(maxsize=1024)
def _reason_text(msgid: str, params: tuple) -> str:
    # A handful of distinct reasons (the cycle years, the last audit's date) for a whole run.
    return history.system_text(msgid, **dict(params))


def sync_worklist(
    assessments: dict[int, RiskAssessment | Written],
    last_onsite_audit: dict[int, date | None],
    *,
    year: int,
    policy: rules.Policy,
    today: date,
    actor,
    now=None,
) -> tuple[list[tuple], int]:
    """Make the year's worklist match what each supplier's level triggers, idempotently: create the
    missing items (unique per supplier, year and kind), reopen ones the system had cancelled, point open
    ones at the new assessment, cancel open ones no longer triggered. Items a person closed stay closed.
    Returns the history rows to write (`write_events`) and how many items were opened."""
    now = now or timezone.now()
    ids = IdList(assessments)
    desired: dict[tuple[int, str], tuple[rules.Trigger, RiskAssessment]] = {}
    for supplier_id, assessment in assessments.items():
        for trigger in rules.triggers(
            assessment.level,
            last_onsite_audit=last_onsite_audit.get(supplier_id),
            cycle_years=policy.onsite_audit_cycle_years,
            today=today,
        ):
            desired[(supplier_id, trigger.kind)] = (trigger, assessment)
    existing = {
        (s, k): (pk, status)
        for s, k, pk, status in WorklistItem.objects.filter(supplier_id__in=ids, year=year).values_list(
            "supplier_id", "kind", "pk", "status"
        )
    }
    events: list[tuple] = []
    S = WorklistItem.Status

    labels: dict[str, str] = {}

    def item_event(action, pk, supplier_id, kind, change, reason):
        label = labels.get(kind) or labels.setdefault(kind, _item_label(kind, year))
        return _event(actor, action, "assessments.worklistitem", pk, label, supplier_id, {"status": change}, reason, now)

    new = [(s, year, k, _trigger_reason(t), S.OPEN, a.pk, now) for (s, k), (t, a) in desired.items() if (s, k) not in existing]
    if new:
        # RETURNING gives the rows this statement created (not those a concurrent run made first).
        created = insert_rows(
            WorklistItem, WORKLIST_FIELDS, new, ignore_conflicts=True, returning=["id", "supplier", "kind", "reason"]
        )
        for pk, s, k, reason in sorted(created, key=lambda row: row[0]):
            events.append(item_event("worklist.opened", pk, s, k, [None, S.OPEN], reason))
    reopen = []
    for (s, k), (pk, status) in existing.items():
        if (s, k) in desired and status == S.CANCELLED:
            trigger, assessment = desired[(s, k)]
            reason = _trigger_reason(trigger)
            reopen.append(WorklistItem(pk=pk, status=S.OPEN, reason=reason, assessment_id=assessment.pk))
            events.append(item_event("worklist.reopened", pk, s, k, [S.CANCELLED, S.OPEN], reason))
    if reopen:
        WorklistItem.objects.bulk_update(reopen, ["status", "closed_at", "closed_by", "reason", "assessment"])
    # Open items found above point at the current assessment; the items just created and the ones just reopened
    # were written pointing at it already, so a first identification (no items yet) needs no UPDATE. By primary key:
    # the year's open items of a batch were found through the status index, every open item of every supplier.
    was_open = IdList(pk for pk, status in existing.values() if status == S.OPEN)
    if was_open:
        current = RiskAssessment.objects.filter(supplier_id=OuterRef("supplier_id"), year=year, is_current=True)
        WorklistItem.objects.filter(pk__in=was_open).update(
            assessment_id=Subquery(current.order_by("-computed_at").values("pk")[:1])
        )
    cancel = [(key, pk) for key, (pk, status) in existing.items() if key not in desired and status == S.OPEN]
    if cancel:
        WorklistItem.objects.filter(pk__in=IdList(pk for _k, pk in cancel)).update(status=S.CANCELLED, closed_at=now)
        for (s, k), pk in cancel:
            level = RiskLevel(assessments[s].level).label
            reason = _("No longer triggered: the risk level is now %(level)s.") % {"level": level}
            events.append(item_event("worklist.cancelled", pk, s, k, [S.OPEN, S.CANCELLED], reason))
    return events, len(new)


WORKLIST_FIELDS = ["supplier", "year", "kind", "reason", "status", "assessment", "created_at"]
# The columns of a new assessment, in the order of `assess_batch`'s tuples.
ASSESSMENT_FIELDS = [
    "supplier",
    "year",
    "kind",
    "computed_at",
    "overall_score",
    "category_scores",
    "computed_level",
    "explanation",
    "is_current",
    "override_level",
    "override_reason",
    "overridden_by",
    "overridden_at",
]
NO_OVERRIDE = ("", "", None, None)


@dataclass(frozen=True)
class Written:
    """What the worklist and the history need of an assessment `assess_batch` wrote (not a model instance)."""

    pk: int
    supplier_id: int
    level: str
    overall_score: Decimal


@dataclass
class BatchResult:
    assessments: list[Written]
    levels: dict[str, int]
    worklist_opened: int


def assess_batch(
    suppliers: Sequence[SupplierRow], *, year: int, kind: str, actor, ctx: Context, record_every: bool = False
) -> BatchResult:
    """Assess a batch and write it: the new current assessments (older ones of the year stop being current; a
    manual override of the year carries over), the worklist, and history rows for level changes (for every
    supplier with `record_every`). Call inside a transaction."""
    ids = IdList(s.pk for s in suppliers)
    names = {s.pk: s.name for s in suppliers}
    gathered = gather_inputs(suppliers, year=year, ctx=ctx)
    same_year, previous = queries.previous_assessments(ids, year)
    now = timezone.now()
    RiskAssessment.objects.filter(supplier_id__in=ids, year=year, is_current=True).update(is_current=False)
    rows, written_level, scores = [], {}, {}
    policy = ctx.policy
    assess = ctx.assessor.assess
    for pk in ids:
        result, explanation = assess(gathered.inputs[pk])
        override = NO_OVERRIDE
        carried = same_year.get(pk)
        if carried and carried["override_level"]:
            override = (
                carried["override_level"],
                carried["override_reason"],
                carried["overridden_by_id"],
                carried["overridden_at"],
            )
        rows.append(
            (
                pk,
                year,
                kind,
                now,
                result.overall,
                {c: (float(result.category_scores[c]) if c in result.category_scores else None) for c in rules.RISK_CATEGORIES},
                result.level,
                RawJSON(explanation),
                True,
                *override,
            )
        )
        written_level[pk] = override[0] or result.level
        scores[pk] = result.overall
    new_pks = dict(insert_rows(RiskAssessment, ASSESSMENT_FIELDS, rows, returning=["supplier", "id"]))
    del rows
    objects = [Written(new_pks[pk], pk, written_level[pk], scores[pk]) for pk in ids]
    store_batch_levels(written_level, year)
    by_supplier = {obj.supplier_id: obj for obj in objects}
    events, opened = sync_worklist(
        by_supplier,
        gathered.last_onsite_audit,
        year=year,
        policy=policy,
        today=ctx.today,
        actor=actor,
        now=now,
    )
    levels = {level: 0 for level in RiskLevel.values}
    label = _assessment_label(year)
    for obj in objects:
        levels[obj.level] += 1
        before = previous.get(obj.supplier_id)
        old_level = (before["override_level"] or before["computed_level"]) if before else None
        if record_every or old_level != obj.level:
            old_score = str(before["overall_score"]) if before else None
            events.append(
                _event(
                    actor,
                    "risk.assessed",
                    "assessments.riskassessment",
                    obj.pk,
                    f"{label} · {names[obj.supplier_id]}",
                    obj.supplier_id,
                    {"level": [old_level, obj.level], "overall_score": [old_score, str(obj.overall_score)]},
                    at=now,
                )
            )
    write_events(events)
    return BatchResult(objects, levels, opened)


# ---------------------------------------------------------------- public operations


def check_year(year) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise RuleViolation(_("year: enter a year such as %(year)s.") % {"year": timezone.localdate().year})
    latest = timezone.localdate().year + MAX_YEAR_AHEAD
    if not MIN_YEAR <= value <= latest:
        raise RuleViolation(_("year: choose a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": latest})
    return value


@transaction.atomic
def assess_supplier(supplier: Supplier, *, year: int, actor, kind: str = RiskAssessment.Kind.AD_HOC) -> RiskAssessment:
    """Assess one supplier now (ad hoc, or yearly for a late addition); always recorded in its history."""
    year = check_year(year)
    if kind not in RiskAssessment.Kind.values:
        raise RuleViolation(_("kind: unknown assessment kind %(kind)s.") % {"kind": kind})
    row = SupplierRow(supplier.pk, supplier.country, supplier.legal_name)
    result = assess_batch([row], year=year, kind=kind, actor=actor, ctx=load_context(), record_every=True)
    return RiskAssessment.objects.get(pk=result.assessments[0].pk)


def assess_all(
    year: int,
    *,
    actor,
    job_id: int | None = None,
    batch_size: int = 1000,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    """The yearly identification for every supplier in `scope()`, in batches of `batch_size`, each in its own
    transaction. Per batch: the suppliers (1 query), their inputs (about 10), the previous assessments (1),
    marking them not current (1), inserting the new ones (1, or as many as the database's parameter limit
    needs), the worklist (2-5), the history rows (0-1) and the job's progress (1). Re-running is safe: the
    latest run's assessments are the current ones and worklist items are never duplicated."""
    year = check_year(year)
    batch_size = max(1, int(batch_size))
    ctx = load_context()
    suppliers = queries.scope()
    total = suppliers.count()
    if job_id:
        job_progress(job_id, total=total, done=0, status=Job.Status.RUNNING)
    done, last_pk = 0, 0
    levels = {level: 0 for level in RiskLevel.values}
    opened = 0
    while True:
        rows = [
            SupplierRow(pk, country, name)
            for pk, country, name in suppliers.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "country", "legal_name")[:batch_size]
        ]
        if not rows:
            break
        with transaction.atomic():
            result = assess_batch(rows, year=year, kind=RiskAssessment.Kind.YEARLY, actor=actor, ctx=ctx)
        for level, count in result.levels.items():
            levels[level] += count
        opened += result.worklist_opened
        done += len(rows)
        last_pk = rows[-1].pk
        if job_id:
            job_progress(job_id, done=done)
        if on_progress:
            on_progress(done, total)
    return {"year": year, "suppliers": done, "levels": levels, "worklist_opened": opened}


@transaction.atomic
def override_level(assessment: RiskAssessment, *, level: str, justification: str, actor) -> RiskAssessment:
    """Set the level by hand. A justification is required; it goes into the supplier's history. Choosing the
    computed level removes the override. The worklist follows the new level."""
    justification = (justification or "").strip()
    errors = []
    if level not in RiskLevel.values:
        errors.append(_("level: choose low, medium or high."))
    if not justification:
        errors.append(_("justification: say why the computed level is overridden."))
    if errors:
        raise RuleViolation(errors)
    assessment = RiskAssessment.objects.select_for_update().select_related("supplier").get(pk=assessment.pk)
    if not assessment.is_current:
        raise RuleViolation(_("This assessment was replaced by a newer one; override the current assessment."))
    old = assessment.level
    assessment.override_level = "" if level == assessment.computed_level else level
    assessment.override_reason = justification
    assessment.overridden_by = actor if getattr(actor, "pk", None) else None
    assessment.overridden_at = timezone.now()
    assessment.save(update_fields=["override_level", "override_reason", "overridden_by", "overridden_at"])
    refresh_supplier_levels([assessment.supplier_id])
    audit.record(
        actor=actor,
        action="risk.level_overridden",
        target=_Target(assessment, _assessment_label(assessment.year)),
        supplier=assessment.supplier,
        changes={"level": [old, assessment.level]},
        reason=justification,
    )
    ctx_policy = policy_from_settings(PolicySettings.current())
    audits = input_provider("audit")([assessment.supplier_id], assessment.year) or {}
    last_onsite = {assessment.supplier_id: getattr(audits.get(assessment.supplier_id), "last_onsite_audit", None)}
    events, _opened = sync_worklist(
        {assessment.supplier_id: assessment},
        last_onsite,
        year=assessment.year,
        policy=ctx_policy,
        today=timezone.localdate(),
        actor=actor,
    )
    write_events(events)
    return assessment


@transaction.atomic
def close_worklist_item(item: WorklistItem, *, note: str, actor) -> WorklistItem:
    """Mark an open item done (the desk review was made, the audit requirement handled) with a note, which is
    recorded in the supplier's history."""
    note = (note or "").strip()
    if not note:
        raise RuleViolation(_("note: say how the item was handled."))
    item = WorklistItem.objects.select_for_update().select_related("supplier").get(pk=item.pk)
    if item.status != WorklistItem.Status.OPEN:
        raise RuleViolation(_("This item is already %(status)s.") % {"status": item.get_status_display()})
    item.status = WorklistItem.Status.DONE
    item.closed_at = timezone.now()
    item.closed_by = actor if getattr(actor, "pk", None) else None
    item.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record(
        actor=actor,
        action="worklist.closed",
        target=_Target(item, _item_label(item.kind, item.year)),
        supplier=item.supplier,
        changes={"status": [WorklistItem.Status.OPEN, WorklistItem.Status.DONE]},
        reason=note,
    )
    return item




def store_batch_levels(written_level: dict[int, str], year: int) -> None:
    """`refresh_supplier_levels` for a batch just assessed for `year`, from the levels it wrote: a supplier with no
    current assessment of a later year has the one just written (override carried over) as its current level, so
    it is set directly, one UPDATE per level, instead of through two correlated subqueries per supplier (a large
    share of a batch's SQL at 100,000 suppliers). Suppliers with a later year's assessment (a past year recomputed)
    go through `refresh_supplier_levels`. One query to find them."""
    later = set(
        RiskAssessment.objects.filter(supplier_id__in=IdList(written_level), year__gt=year, is_current=True)
        .order_by()
        .values_list("supplier_id", flat=True)
        .distinct()
    )
    by_level: dict[str, list[int]] = {}
    for supplier_id, level in written_level.items():
        if supplier_id not in later:
            by_level.setdefault(level, []).append(supplier_id)
    for level, ids in by_level.items():
        # Rows already at the level are left alone: on PostgreSQL every updated row gets a new version in each of
        # its table's indexes (risk_order is indexed, so no in-place update), most of a recompute's UPDATE.
        SupplierSummary.objects.filter(supplier_id__in=IdList(ids)).exclude(
            risk_level=level, risk_order=RISK_ORDER[level]
        ).update(risk_level=level, risk_order=RISK_ORDER[level])
    if later:
        refresh_supplier_levels(later)


def refresh_supplier_levels(supplier_ids: Iterable[int]) -> None:
    """Copy the suppliers' current levels (as `current_levels`: the latest year's current assessment, an override
    winning) onto their SupplierSummary's risk_level and risk_order (3 high, 2 medium, 1 low, 0 never assessed),
    which the supplier list shows, filters and sorts on. Called by every service that writes an assessment or an
    override, inside its transaction: one UPDATE per 900 ids. The supplier's `updated_at` does not move."""
    ids = list(dict.fromkeys(supplier_ids))
    current = queries.with_level(
        RiskAssessment.objects.current().filter(supplier_id=OuterRef("supplier_id")).order_by("-year", "-computed_at")
    ).annotate(
        risk_order=Case(
            *(When(risk_level=level, then=order) for level, order in RISK_ORDER.items()),
            default=0,
            output_field=IntegerField(),
        )
    )
    for start in range(0, len(ids), queries.IN_CHUNK):
        SupplierSummary.objects.filter(supplier_id__in=IdList(ids[start : start + queries.IN_CHUNK])).update(
            risk_level=Subquery(current.values("risk_level")[:1]),
            risk_order=Coalesce(Subquery(current.values("risk_order")[:1]), 0),
        )
